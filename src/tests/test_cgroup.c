#define _GNU_SOURCE
/* Cgroups: the parsers on literal text (fixtures/cgroup/), the v1 and v2
 * backends and the session on fake trees built in a temp dir, and, as root,
 * the real hierarchies of this machine.
 *
 * On a fake tree mkdir makes an empty directory and writes change nothing
 * but the file. So the tests play the kernel through the struct cg_sys seam
 * (fake_* below): after the real traced mkdir they create the interface
 * files the kernel would (v2: the controllers' files only for what the
 * parent enables), and after a write they do what the kernel would
 * (subtree_control accumulates, cgroup.freeze sets cgroup.events, a PID
 * written to cgroup.procs leaves its other cgroup, cgroup.kill empties it).
 * The fake kill never signals anything: it records the PID and takes it out
 * of the tree. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "kernel/cgroup.h"
#include "kernel/cgroup_impl.h" /* cg_read_pids, for the fake kernel */

/* --- files ------------------------------------------------------------- */

static const char *fixture_dir(void)
{
    static __thread char dir[512];
    if (!dir[0]) {
        /* __FILE__ is src/tests/test_cgroup.c, relative to the repo root
         * where make runs the tests. */
        snprintf(dir, sizeof dir, "%s", __FILE__);
        char *slash = strrchr(dir, '/');
        snprintf(slash ? slash + 1 : dir, sizeof dir - (size_t)(slash ? slash + 1 - dir : 0),
                 "fixtures/cgroup");
    }
    return dir;
}

static char *fixture(const char *name)
{
    char path[700];
    snprintf(path, sizeof path, "%s/%s", fixture_dir(), name);
    struct strbuf sb = {0};
    if (read_file_sb(AT_FDCWD, path, &sb) < 0)
        fail_msg("cannot read fixture %s: %s", path, strerror(errno));
    return sb_steal(&sb);
}

static void write_text(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        fail_msg("cannot create %s: %s", path, strerror(errno));
    size_t n = strlen(text);
    assert_int_equal(write(fd, text, n), (ssize_t)n);
    close(fd);
}

static void write_at(const char *dir, const char *file, const char *text)
{
    char path[2200];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    write_text(path, text);
}

/* The file's text without trailing newlines; "" when missing. Static
 * buffer: use before the next call. */
static const char *read_at(const char *dir, const char *file)
{
    static __thread char buf[4096];
    char path[2200];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    if (read_file_at(AT_FDCWD, path, buf, sizeof buf) < 0)
        return "";
    return chomp(buf);
}

static void mkdir_p(const char *path)
{
    char buf[1024];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; *p; p++) {
        if (*p == '/') {
            *p = '\0';
            mkdir(buf, 0755);
            *p = '/';
        }
    }
    mkdir(buf, 0755);
}

static void rm_rf(const char *path)
{
    DIR *d = opendir(path);
    if (!d) {
        unlink(path);
        return;
    }
    struct dirent *de;
    while ((de = readdir(d))) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        char sub[1024];
        snprintf(sub, sizeof sub, "%s/%s", path, de->d_name);
        struct stat sb;
        if (lstat(sub, &sb) == 0 && S_ISDIR(sb.st_mode))
            rm_rf(sub);
        else
            unlink(sub);
    }
    closedir(d);
    rmdir(path);
}

static bool exists(const char *path)
{
    return access(path, F_OK) == 0;
}

/* All trace lines, one per line. */
static char *trace_text(const struct trace *t)
{
    struct strbuf sb = {0};
    for (size_t i = 0; i < t->n; i++) {
        trace_ent_format(&t->v[i], &sb, NULL, NULL);
        sb_appendc(&sb, '\n');
    }
    return sb_steal(&sb);
}

static void assert_trace_has(const struct trace *t, const char *fmt, ...) PRINTF(2, 3);
static void assert_trace_has(const struct trace *t, const char *fmt, ...)
{
    struct strbuf want = {0};
    va_list ap;
    va_start(ap, fmt);
    sb_vprintf(&want, fmt, ap);
    va_end(ap);
    cleanup_free char *text = trace_text(t);
    struct strbuf line = {0};
    sb_printf(&line, "%s\n", sb_str(&want));
    if (!strstr(text, sb_str(&line)))
        fail_msg("trace lacks\n  %s\ntrace:\n%s", sb_str(&want), text);
    sb_free(&want);
    sb_free(&line);
}

/* --- the fake kernel --------------------------------------------------- */

struct fake {
    char tmp[128];
    struct nsl_paths paths;
    struct cg_layout L;
    pid_t killed[64];
    size_t nkilled;
    const char *fail_file; /* writes to this file name fail with EINVAL */
    bool stuck;            /* cgroup.freeze / freezer.state never reach the state */
};

static const struct cg_hier *fake_hier(const struct fake *f, const char *path)
{
    const struct cg_hier *best = NULL;
    for (size_t i = 0; i < f->L.nhier; i++) {
        size_t n = strlen(f->L.hier[i].mount);
        if (strncmp(path, f->L.hier[i].mount, n) == 0 && (path[n] == '/' || !path[n]) &&
            (!best || n > strlen(best->mount)))
            best = &f->L.hier[i];
    }
    return best;
}

static bool has_word(const char *text, const char *word)
{
    char a[1100], b[80];
    snprintf(a, sizeof a, " %s ", text);
    snprintf(b, sizeof b, " %s ", word);
    for (char *p = a; *p; p++)
        if (*p == '\n')
            *p = ' ';
    return strstr(a, b) != NULL;
}

/* The interface files the kernel makes in a new cgroup directory. */
static void fake_populate(const struct fake *f, const char *dir, bool is_root)
{
    const struct cg_hier *h = fake_hier(f, dir);
    assert_non_null(h);
    write_at(dir, "cgroup.procs", "");
    if (h->version == 2) {
        char parent[1024] = "";
        if (!is_root) {
            snprintf(parent, sizeof parent, "%s", dir);
            *strrchr(parent, '/') = '\0';
            write_at(dir, "cgroup.controllers", read_at(parent, "cgroup.subtree_control"));
        }
        char enabled[1024];
        snprintf(enabled, sizeof enabled, "%s", is_root ? h->ctrls : read_at(dir, "cgroup.controllers"));
        write_at(dir, "cgroup.subtree_control", "");
        write_at(dir, "cpu.stat", "usage_usec 0\nuser_usec 0\nsystem_usec 0\n");
        if (!is_root) {
            write_at(dir, "cgroup.events", "populated 0\nfrozen 0\n");
            write_at(dir, "cgroup.freeze", "0");
            write_at(dir, "cgroup.kill", "");
        }
        if (has_word(enabled, "memory") && !is_root) {
            write_at(dir, "memory.max", "max");
            write_at(dir, "memory.current", "0");
            write_at(dir, "memory.events", "low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\n");
        }
        if (has_word(enabled, "cpu") && !is_root) {
            write_at(dir, "cpu.max", "max 100000");
            write_at(dir, "cpu.stat", "usage_usec 0\nuser_usec 0\nsystem_usec 0\nnr_periods 0\n"
                                      "nr_throttled 0\nthrottled_usec 0\n");
        }
        if (has_word(enabled, "pids") && !is_root) {
            write_at(dir, "pids.max", "max");
            write_at(dir, "pids.current", "0");
            write_at(dir, "pids.events", "max 0\n");
        }
        if (has_word(enabled, "cpuset")) {
            write_at(dir, "cpuset.cpus", "");
            write_at(dir, "cpuset.mems", "");
        }
        return;
    }
    write_at(dir, "tasks", "");
    if (h->mask & (1u << CG_MEMORY)) {
        write_at(dir, "memory.limit_in_bytes", "9223372036854771712");
        write_at(dir, "memory.usage_in_bytes", "0");
        write_at(dir, "memory.failcnt", "0");
        write_at(dir, "memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 0\n");
    }
    if (h->mask & (1u << CG_CPU)) {
        write_at(dir, "cpu.cfs_quota_us", "-1");
        write_at(dir, "cpu.cfs_period_us", "100000");
        write_at(dir, "cpu.stat", "nr_periods 0\nnr_throttled 0\nthrottled_time 0\n");
    }
    if (h->mask & (1u << CG_CPUACCT))
        write_at(dir, "cpuacct.usage", "0");
    if (h->mask & (1u << CG_PIDS)) {
        write_at(dir, "pids.max", "max");
        write_at(dir, "pids.current", "0");
        write_at(dir, "pids.events", "max 0\n");
    }
    if (h->mask & (1u << CG_CPUSET)) {
        write_at(dir, "cpuset.cpus", is_root ? "0-1" : "");
        write_at(dir, "cpuset.mems", is_root ? "0" : "");
    }
    if ((h->mask & (1u << CG_FREEZER)) && !is_root)
        write_at(dir, "freezer.state", "THAWED");
}

/* Take pid out of every cgroup.procs below dir. */
static void procs_remove(const char *dir, pid_t pid)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    pid_t *pids;
    size_t n;
    if (cg_read_pids(dir, &pids, &n) == 0) {
        struct strbuf sb = {0};
        bool found = false;
        for (size_t i = 0; i < n; i++) {
            if (pids[i] == pid)
                found = true;
            else
                sb_printf(&sb, "%d\n", pids[i]);
        }
        if (found)
            write_at(dir, "cgroup.procs", sb_str(&sb));
        sb_free(&sb);
        free(pids);
    }
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_type != DT_DIR || de->d_name[0] == '.')
            continue;
        char sub[1024];
        snprintf(sub, sizeof sub, "%s/%s", dir, de->d_name);
        procs_remove(sub, pid);
    }
    closedir(d);
}

static int fake_mkdir(void *ctx, struct trace *t, const char *path, mode_t mode)
{
    int r = sys_cg_mkdir(t, path, mode);
    if (r == 0)
        fake_populate(ctx, path, false);
    return r;
}

static bool dir_has_subdirs(const char *path)
{
    DIR *d = opendir(path);
    bool any = false;
    struct dirent *de;
    while (d && !any && (de = readdir(d)))
        any = de->d_type == DT_DIR && strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0;
    if (d)
        closedir(d);
    return any;
}

static int fake_rmdir(void *ctx, struct trace *t, const char *path)
{
    /* The kernel refuses with EBUSY while there are processes or children. */
    if (read_at(path, "cgroup.procs")[0] || dir_has_subdirs(path)) {
        trace_add(t, "rmdir", -1, EBUSY, 0, "\"%s\"", path);
        errno = EBUSY;
        return -1;
    }
    DIR *d = opendir(path);
    struct dirent *de;
    while (d && (de = readdir(d))) {
        char sub[1024];
        snprintf(sub, sizeof sub, "%s/%s", path, de->d_name);
        if (de->d_type == DT_REG)
            unlink(sub);
    }
    if (d)
        closedir(d);
    return sys_cg_rmdir(t, path);
}

static int fake_write(void *ctx, struct trace *t, const char *path, const char *value)
{
    struct fake *f = ctx;
    char dir[1024], old[1024];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    *slash = '\0';
    const char *file = slash + 1;
    snprintf(old, sizeof old, "%s", read_at(dir, file));
    if (f->fail_file && strcmp(file, f->fail_file) == 0 && exists(path)) {
        trace_add(t, "write", -1, EINVAL, 0, "%s \"%s\"", path, value);
        errno = EINVAL;
        return -1;
    }
    int r = sys_write_file(t, path, value);
    if (r < 0)
        return r;
    if (strcmp(file, "cgroup.subtree_control") == 0) {
        struct strbuf sb = {0};
        sb_append(&sb, old);
        if (value[0] == '+' && !has_word(old, value + 1))
            sb_printf(&sb, "%s%s", sb.len ? " " : "", value + 1);
        write_at(dir, file, sb_str(&sb));
        sb_free(&sb);
    } else if (strcmp(file, "cgroup.procs") == 0) {
        pid_t pid = atoi(value) ? atoi(value) : getpid();
        write_at(dir, file, old);
        procs_remove(fake_hier(f, dir)->mount, pid);
        char line[64];
        snprintf(line, sizeof line, "%s%s%d", read_at(dir, file), read_at(dir, file)[0] ? "\n" : "", pid);
        write_at(dir, file, line);
    } else if (strcmp(file, "cgroup.kill") == 0) {
        write_at(dir, "cgroup.procs", "");
    } else if (strcmp(file, "cgroup.freeze") == 0) {
        write_at(dir, file, value);
        if (!f->stuck)
            write_at(dir, "cgroup.events", value[0] == '1' ? "populated 0\nfrozen 1\n"
                                                           : "populated 0\nfrozen 0\n");
    } else if (strcmp(file, "freezer.state") == 0 && f->stuck) {
        write_at(dir, file, "FREEZING");
    } else {
        write_at(dir, file, value);
    }
    return 0;
}

static int fake_kill(void *ctx, struct trace *t, pid_t pid, int sig)
{
    struct fake *f = ctx;
    trace_add(t, "kill", 0, 0, 0, "%d, SIG%s", pid, signal_name(sig));
    if (f->nkilled < ARRAY_SIZE(f->killed))
        f->killed[f->nkilled++] = pid;
    char root[600];
    snprintf(root, sizeof root, "%s/cg", f->tmp);
    procs_remove(root, pid);
    return 0;
}

/* A fake system in a temp dir: <tmp>/proc with mountinfo, cgroups and
 * self/cgroup from the fixtures, <tmp>/cg with the fixture's hierarchies
 * (roots populated), and the cgroups self/cgroup names, this process in
 * their cgroup.procs. v2's root enables v2_subtree for its children. */
static struct fake *fake_new(const char *mountinfo, const char *self_cgroup,
                             const char *proc_cgroups, const char *v2_ctrls,
                             const char *v2_subtree)
{
    struct fake *f = xcalloc(1, sizeof *f);
    snprintf(f->tmp, sizeof f->tmp, "/tmp/nslab-cgtest.XXXXXX");
    assert_non_null(mkdtemp(f->tmp));
    snprintf(f->paths.proc, sizeof f->paths.proc, "%s/proc", f->tmp);
    snprintf(f->paths.cgroup, sizeof f->paths.cgroup, "%s/cg", f->tmp);
    char dir[600];
    snprintf(dir, sizeof dir, "%s/self", f->paths.proc);
    mkdir_p(dir);
    cleanup_free char *mi = fixture(mountinfo);
    cleanup_free char *sc = fixture(self_cgroup);
    cleanup_free char *pc = fixture(proc_cgroups);
    write_at(dir, "mountinfo", mi);
    write_at(dir, "cgroup", sc);
    write_at(f->paths.proc, "cgroups", pc);

    /* Lay out the hierarchies the way the kernel shows them. */
    struct nsl_err e;
    assert_int_equal(cg_layout_parse_mountinfo(&f->L, mi, f->paths.cgroup, &e), 0);
    cg_layout_assign(&f->L, ~0u, v2_ctrls);
    for (size_t i = 0; i < f->L.nhier; i++) {
        const struct cg_hier *h = &f->L.hier[i];
        mkdir_p(h->mount);
        fake_populate(f, h->mount, true);
        if (h->version == 2) {
            write_at(h->mount, "cgroup.controllers", v2_ctrls ? v2_ctrls : "");
            write_at(h->mount, "cgroup.subtree_control", v2_subtree ? v2_subtree : "");
        }
    }
    struct cg_pid_dirs own;
    assert_int_equal(cg_pid_dirs(&f->L, &f->paths, 0, &own, &e), 0);
    for (size_t i = 0; i < f->L.nhier; i++) {
        char self[32];
        snprintf(self, sizeof self, "%d", getpid());
        if (!own.dir[i][0] || strcmp(own.dir[i], f->L.hier[i].mount) == 0) {
            write_at(f->L.hier[i].mount, "cgroup.procs", self);
            continue;
        }
        /* each level below the root, enabling for the next what the root
         * enables, except the last, which holds the process */
        char path[1024];
        snprintf(path, sizeof path, "%s", f->L.hier[i].mount);
        const char *rest = own.dir[i] + strlen(f->L.hier[i].mount);
        while (*rest) {
            size_t len = strcspn(rest + 1, "/") + 1;
            strncat(path, rest, len);
            rest += len;
            mkdir(path, 0755);
            fake_populate(f, path, false);
            if (*rest && f->L.hier[i].version == 2)
                write_at(path, "cgroup.subtree_control", v2_subtree ? v2_subtree : "");
        }
        write_at(path, "cgroup.procs", self);
    }
    /* Now the real detection, as nslab does it. */
    memset(&f->L, 0, sizeof f->L);
    if (cg_layout_detect(&f->L, &f->paths, &e) < 0)
        fail_msg("detect: %s", e.msg);
    return f;
}

static void fake_free(struct fake *f)
{
    rm_rf(f->tmp);
    free(f);
}

static void fake_session(struct fake *f, struct cg_session *s, pid_t pid)
{
    cg_session_init(s, &f->L, &f->paths, pid);
    s->sys = (struct cg_sys){.mkdir = fake_mkdir, .rmdir = fake_rmdir, .write = fake_write,
                             .kill = fake_kill, .ctx = f, .wait_ms = 100, .poll_ms = 1};
}

static struct fake *fake_hybrid(void)
{
    return fake_new("mountinfo-hybrid.txt", "proc-self-cgroup-hybrid.txt", "proc-cgroups.txt",
                    "hugetlb", "");
}

static struct fake *fake_v2(void)
{
    return fake_new("mountinfo-v2.txt", "proc-self-cgroup-v2.txt", "proc-cgroups.txt",
                    "cpuset cpu io memory hugetlb pids rdma misc", "cpu memory pids");
}

static const struct cg_group *must_create(struct cg_session *s, enum cg_ctrl ctrl,
                                          const char *limit, const char *name, int hier,
                                          struct trace *t)
{
    struct nsl_err e = {0};
    struct cg_limit lim;
    struct cg_create_opts o = CG_CREATE_OPTS_INIT;
    o.name = name;
    o.hier = hier;
    if (limit) {
        if (cg_limit_parse(ctrl, limit, &lim, &e) < 0)
            fail_msg("limit %s: %s", limit, e.msg);
        o.limit = &lim;
    }
    const struct cg_group *g = NULL;
    if (cg_create(s, ctrl, &o, t, &e, &g) < 0)
        fail_msg("cg_create %s: %s", cg_ctrl_info[ctrl].name, e.msg);
    return g;
}

/* Is anything named nslab.<pid> left below dir? */
static bool tree_has(const char *dir, const char *name)
{
    DIR *d = opendir(dir);
    if (!d)
        return false;
    bool found = false;
    struct dirent *de;
    while (!found && (de = readdir(d))) {
        if (de->d_type != DT_DIR || de->d_name[0] == '.')
            continue;
        char sub[1024];
        snprintf(sub, sizeof sub, "%s/%s", dir, de->d_name);
        found = strcmp(de->d_name, name) == 0 || tree_has(sub, name);
    }
    closedir(d);
    return found;
}

/* --- pure: words, names, limits --------------------------------------- */

static void test_ctrl_parse(void **state)
{
    enum cg_ctrl c;
    struct nsl_err e;
    assert_int_equal(cg_ctrl_parse("mem", &c, &e), 0);
    assert_int_equal(c, CG_MEMORY);
    assert_int_equal(cg_ctrl_parse("memory", &c, &e), 0);
    assert_int_equal(c, CG_MEMORY);
    assert_int_equal(cg_ctrl_parse("cpu", &c, &e), 0);
    assert_int_equal(c, CG_CPU);
    assert_int_equal(cg_ctrl_parse("pids", &c, &e), 0);
    assert_int_equal(c, CG_PIDS);
    assert_int_equal(cg_ctrl_parse("cpuset", &c, &e), 0);
    assert_int_equal(c, CG_CPUSET);
    assert_int_equal(cg_ctrl_parse("freezer", &c, &e), 0);
    assert_int_equal(c, CG_FREEZER);
    assert_int_equal(cg_ctrl_parse("io", &c, &e), -1);
    assert_int_equal(cg_ctrl_parse("memroy", &c, &e), -1);
    assert_non_null(strstr(e.msg, "'memroy'"));
    assert_non_null(strstr(e.msg, "mem, cpu, pids, cpuset or freezer"));
}

static void test_name_check(void **state)
{
    struct nsl_err e;
    assert_int_equal(cg_name_check("web", &e), 0);
    assert_int_equal(cg_name_check("a.b-c_1", &e), 0);
    static const char *const bad[] = {"", "a/b", "..", ".", ".x", "-x", "nslab.12", "a b",
                                      "caf\xc3\xa9", "x\n",
                                      "0123456789012345678901234567890123456789012345678901234567890123"};
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        e.msg[0] = '\0';
        assert_int_equal(cg_name_check(bad[i], &e), -1);
        assert_true(e.msg[0]);
    }
    cg_name_check("a/b", &e);
    assert_non_null(strstr(e.msg, "'/'"));
}

static void limit_ok(enum cg_ctrl c, const char *text, uint64_t value, uint64_t period,
                     const char *shown)
{
    struct cg_limit l;
    struct nsl_err e;
    if (cg_limit_parse(c, text, &l, &e) < 0)
        fail_msg("%s: %s", text, e.msg);
    assert_int_equal(l.value, value);
    if (period)
        assert_int_equal(l.period, period);
    struct strbuf sb = {0};
    cg_limit_format(&l, &sb);
    assert_string_equal(sb_str(&sb), shown);
    sb_free(&sb);
}

static void limit_bad(enum cg_ctrl c, const char *text, const char *says)
{
    struct cg_limit l;
    struct nsl_err e = {0};
    assert_int_equal(cg_limit_parse(c, text, &l, &e), -1);
    if (!strstr(e.msg, says))
        fail_msg("'%s': message '%s' lacks '%s'", text, e.msg, says);
}

static void test_limit_parse(void **state)
{
    limit_ok(CG_MEMORY, "64M", 67108864, 0, "64M");
    limit_ok(CG_MEMORY, "4096", 4096, 0, "4K");
    limit_ok(CG_MEMORY, "max", UINT64_MAX, 0, "max");
    limit_bad(CG_MEMORY, "64Q", "bad memory limit '64Q'");
    limit_bad(CG_MEMORY, "", "bad memory limit");

    limit_ok(CG_CPU, "50%", 50000, 100000, "50% (50000/100000 us)");
    limit_ok(CG_CPU, "0.5", 50000, 100000, "50% (50000/100000 us)");
    limit_ok(CG_CPU, "12.5%", 12500, 100000, "12.5% (12500/100000 us)");
    limit_ok(CG_CPU, "150%", 150000, 100000, "150% (150000/100000 us)");
    limit_ok(CG_CPU, "20000/50000", 20000, 50000, "40% (20000/50000 us)");
    limit_ok(CG_CPU, "max", UINT64_MAX, 100000, "max");
    limit_bad(CG_CPU, "0.001", "below the kernel's minimum");
    limit_bad(CG_CPU, "5000/100", "out of the kernel's range");
    limit_bad(CG_CPU, "fast", "bad cpu limit 'fast'");
    limit_bad(CG_CPU, "1.2.3", "bad cpu limit");
    limit_bad(CG_CPU, "%", "bad cpu limit");
    limit_bad(CG_CPU, "-50%", "bad cpu limit");
    limit_bad(CG_CPU, "20000/", "QUOTA/PERIOD");

    limit_ok(CG_PIDS, "5", 5, 0, "5");
    limit_ok(CG_PIDS, "0", 0, 0, "0");
    limit_ok(CG_PIDS, "max", UINT64_MAX, 0, "max");
    limit_bad(CG_PIDS, "-1", "bad pids limit");
    limit_bad(CG_PIDS, "99999999", "bad pids limit");

    limit_ok(CG_CPUSET, "0-1,3", 0, 0, "0-1,3");
    limit_ok(CG_CPUSET, "0", 0, 0, "0");
    limit_bad(CG_CPUSET, "1-0", "bad cpu list");
    limit_bad(CG_CPUSET, "0,", "bad cpu list");
    limit_bad(CG_CPUSET, "a", "bad cpu list");
    limit_bad(CG_CPUSET, "", "bad cpu list");
    limit_bad(CG_FREEZER, "1", "takes no limit");
}

/* --- pure: layout ------------------------------------------------------ */

static struct cg_layout *layout_of(const char *mountinfo, const char *root,
                                   const char *proc_cgroups, const char *v2_ctrls)
{
    struct cg_layout *L = xcalloc(1, sizeof *L);
    struct nsl_err e;
    cleanup_free char *mi = fixture(mountinfo);
    if (cg_layout_parse_mountinfo(L, mi, root, &e) < 0)
        fail_msg("%s: %s", mountinfo, e.msg);
    unsigned enabled = ~0u;
    if (proc_cgroups) {
        cleanup_free char *pc = fixture(proc_cgroups);
        assert_int_equal(cg_parse_proc_cgroups(pc, &enabled, &e), 0);
    }
    cg_layout_assign(L, enabled, v2_ctrls);
    return L;
}

static const char *mount_of(const struct cg_layout *L, enum cg_ctrl c)
{
    return L->ctrl_hier[c] < 0 ? "-" : L->hier[L->ctrl_hier[c]].mount;
}

static void test_layout_v1(void **state)
{
    cleanup_free struct cg_layout *L =
        layout_of("mountinfo-v1.txt", "/sys/fs/cgroup", "proc-cgroups.txt", NULL);
    assert_int_equal(L->mode, CG_MODE_LEGACY);
    assert_int_equal(L->unified, -1);
    /* systemd, cpu+cpuacct, memory, pids, freezer, cpuset, blkio,
     * net_cls+net_prio, devices, hugetlb; not the one under /tmp */
    assert_int_equal(L->nhier, 10);
    assert_string_equal(L->hier[0].ctrls, "name=systemd");
    assert_int_equal(L->hier[0].mask, 0);
    assert_string_equal(mount_of(L, CG_CPU), "/sys/fs/cgroup/cpu,cpuacct");
    assert_int_equal(L->ctrl_hier[CG_CPU], L->ctrl_hier[CG_CPUACCT]);
    assert_string_equal(L->hier[L->ctrl_hier[CG_CPU]].ctrls, "cpuacct,cpu");
    assert_string_equal(mount_of(L, CG_MEMORY), "/sys/fs/cgroup/memory");
    assert_string_equal(mount_of(L, CG_FREEZER), "/sys/fs/cgroup/freezer");
    assert_string_equal(mount_of(L, CG_IO), "/sys/fs/cgroup/blkio");
    assert_string_equal(L->hier[L->ctrl_hier[CG_CPUSET]].ctrls, "cpuset"); /* no clone_children */
    for (size_t i = 0; i < L->nhier; i++)
        assert_int_equal(L->hier[i].version, 1);
}

static void test_layout_v2(void **state)
{
    cleanup_free struct cg_layout *L = layout_of("mountinfo-v2.txt", "/tmp/fake/cg", NULL,
                                                 "cpuset cpu io memory hugetlb pids rdma misc\n");
    assert_int_equal(L->mode, CG_MODE_UNIFIED);
    assert_int_equal(L->nhier, 1); /* not /tmp/other-cgroup2 */
    assert_int_equal(L->unified, 0);
    assert_string_equal(L->hier[0].mount, "/tmp/fake/cg"); /* rebased */
    assert_string_equal(L->hier[0].root, "/");
    assert_string_equal(L->hier[0].ctrls, "cpuset cpu io memory hugetlb pids rdma misc");
    for (int c = 0; c < CG_NCTRL; c++)
        assert_int_equal(L->ctrl_hier[c], c == CG_DEVICES ? -1 : 0);

    /* memory disabled on the kernel command line */
    cleanup_free struct cg_layout *L2 = layout_of("mountinfo-v2.txt", "/sys/fs/cgroup",
                                                  "proc-cgroups-nomemory.txt", "cpu io pids\n");
    assert_int_equal(L2->ctrl_hier[CG_MEMORY], -1);
    assert_int_equal(L2->ctrl_hier[CG_FREEZER], 0); /* cgroup.freeze needs no controller */
    assert_int_equal(L2->ctrl_hier[CG_CPUSET], -1);
    struct nsl_err e;
    assert_null(cg_layout_hier(L2, CG_MEMORY, &e));
    assert_non_null(strstr(e.msg, "memory controller is disabled"));
    assert_null(cg_layout_hier(L2, CG_CPUSET, &e));
    assert_non_null(strstr(e.msg, "cgroup.controllers (\"cpu io pids\")"));
}

static void test_layout_hybrid(void **state)
{
    cleanup_free struct cg_layout *L =
        layout_of("mountinfo-hybrid.txt", "/sys/fs/cgroup", "proc-cgroups.txt", "hugetlb\n");
    assert_int_equal(L->mode, CG_MODE_HYBRID);
    assert_int_equal(L->nhier, 10);
    assert_true(L->unified >= 0);
    assert_string_equal(L->hier[L->unified].mount, "/sys/fs/cgroup/unified");
    assert_string_equal(mount_of(L, CG_MEMORY), "/sys/fs/cgroup/memory");
    assert_string_equal(mount_of(L, CG_CPU), "/sys/fs/cgroup/cpu");
    assert_string_equal(mount_of(L, CG_CPUACCT), "/sys/fs/cgroup/cpuacct");
    assert_string_equal(mount_of(L, CG_PIDS), "/sys/fs/cgroup/pids");
    assert_string_equal(mount_of(L, CG_FREEZER), "/sys/fs/cgroup/freezer"); /* v1 first */
    assert_string_equal(mount_of(L, CG_HUGETLB), "/sys/fs/cgroup/unified");
    /* the unified hierarchy still freezes, through cgroup.freeze */
    assert_true(L->hier[L->unified].mask & (1u << CG_FREEZER));

    struct strbuf sb = {0};
    cg_layout_format(L, &sb);
    assert_non_null(strstr(sb_str(&sb), "cgroup layout: hybrid (v1 controllers beside a cgroup2 mount)"));
    assert_non_null(strstr(sb_str(&sb), "  memory   v1  /sys/fs/cgroup/memory\n"));
    assert_non_null(strstr(sb_str(&sb), "(v2 at /sys/fs/cgroup/unified holds: hugetlb)"));
    assert_non_null(strstr(sb_str(&sb), "(v1 name=systemd at /sys/fs/cgroup/systemd: no controller)"));
    sb_free(&sb);
}

static void test_layout_shadowed(void **state)
{
    /* cgroup2 mounted over the tmpfs of a hybrid layout hides it all */
    cleanup_free struct cg_layout *L =
        layout_of("mountinfo-v2-over-hybrid.txt", "/sys/fs/cgroup", "proc-cgroups.txt", "");
    assert_int_equal(L->mode, CG_MODE_UNIFIED);
    assert_int_equal(L->nhier, 1);
    assert_string_equal(L->hier[0].mount, "/sys/fs/cgroup");
    assert_int_equal(L->ctrl_hier[CG_MEMORY], -1);
    assert_int_equal(L->ctrl_hier[CG_FREEZER], 0);
}

static void test_layout_container(void **state)
{
    cleanup_free struct cg_layout *L =
        layout_of("mountinfo-v1-container.txt", "/sys/fs/cgroup", NULL, NULL);
    assert_int_equal(L->mode, CG_MODE_LEGACY);
    assert_int_equal(L->nhier, 2);
    const struct cg_hier *h = &L->hier[L->ctrl_hier[CG_MEMORY]];
    assert_string_equal(h->root, "/docker/abc123");
    char dir[CG_PATH_MAX];
    struct nsl_err e;
    assert_int_equal(cg_hier_dir(h, "/docker/abc123/sub", dir, sizeof dir, &e), 0);
    assert_string_equal(dir, "/sys/fs/cgroup/memory/sub");
    assert_int_equal(cg_hier_dir(h, "/docker/abc123", dir, sizeof dir, &e), 0);
    assert_string_equal(dir, "/sys/fs/cgroup/memory");
    assert_int_equal(cg_hier_dir(h, "/docker/abc1234", dir, sizeof dir, &e), -1);
    assert_int_equal(cg_hier_dir(h, "/other", dir, sizeof dir, &e), -1);
    assert_non_null(strstr(e.msg, "not visible"));
}

static void test_layout_malformed(void **state)
{
    struct cg_layout L;
    struct nsl_err e;
    assert_int_equal(cg_layout_parse_mountinfo(&L, "1 2 3\n", "/sys/fs/cgroup", &e), -1);
    assert_non_null(strstr(e.msg, "mountinfo line 1"));
    assert_int_equal(cg_layout_parse_mountinfo(&L, "31 23 0:28 / /x rw - tmpfs\n", "/r", &e), -1);
    assert_int_equal(cg_layout_parse_mountinfo(&L, "", "/sys/fs/cgroup", &e), 0);
    cg_layout_assign(&L, ~0u, NULL);
    assert_int_equal(L.mode, CG_MODE_NONE);
    assert_null(cg_layout_hier(&L, CG_MEMORY, &e));
    assert_non_null(strstr(e.msg, "no cgroup filesystem"));
    unsigned en;
    assert_int_equal(cg_parse_proc_cgroups("#subsys_name\nmemory 4\n", &en, &e), -1);
    /* an escaped mount point: "/sys/fs/cgroup/my memory" */
    assert_int_equal(cg_layout_parse_mountinfo(
                         &L, "35 31 0:32 / /sys/fs/cgroup/my\\040memory rw - cgroup cgroup rw,memory\n",
                         "/sys/fs/cgroup", &e), 0);
    assert_string_equal(L.hier[0].mount, "/sys/fs/cgroup/my memory");
}

/* --- pure: /proc/PID/cgroup ------------------------------------------ */

static void test_proc_cgroup(void **state)
{
    struct nsl_err e;
    struct cg_proc p;
    cleanup_free char *v1 = fixture("proc-self-cgroup-v1.txt");
    assert_int_equal(cg_proc_parse(v1, &p, &e), 0);
    assert_int_equal(p.n, 10);
    assert_int_equal(p.v[0].id, 11);
    assert_string_equal(p.v[0].ctrls, "hugetlb");
    assert_string_equal(p.v[0].path, "/");
    assert_string_equal(p.v[9].ctrls, "name=systemd");

    cleanup_free struct cg_layout *L =
        layout_of("mountinfo-v1.txt", "/sys/fs/cgroup", "proc-cgroups.txt", NULL);
    const struct cg_member *m = cg_proc_find(&p, &L->hier[L->ctrl_hier[CG_MEMORY]]);
    assert_non_null(m);
    assert_string_equal(m->path, "/user.slice/user-1000.slice/session-2.scope");
    m = cg_proc_find(&p, &L->hier[L->ctrl_hier[CG_CPU]]); /* "cpuacct,cpu" */
    assert_non_null(m);
    assert_string_equal(m->path, "/user.slice");
    m = cg_proc_find(&p, &L->hier[0]); /* name=systemd */
    assert_non_null(m);
    assert_int_equal(m->id, 1);
    cg_proc_free(&p);

    cleanup_free char *v2 = fixture("proc-self-cgroup-v2.txt");
    assert_int_equal(cg_proc_parse(v2, &p, &e), 0);
    assert_int_equal(p.n, 1);
    assert_int_equal(p.v[0].id, 0);
    assert_string_equal(p.v[0].ctrls, "");
    cleanup_free struct cg_layout *L2 = layout_of("mountinfo-v2.txt", "/sys/fs/cgroup", NULL, "memory");
    m = cg_proc_find(&p, &L2->hier[0]);
    assert_non_null(m);
    assert_string_equal(m->path, "/user.slice/user-1000.slice/session-2.scope");
    assert_null(cg_proc_find(&p, &L->hier[1])); /* no v1 line */
    cg_proc_free(&p);

    cleanup_free char *hy = fixture("proc-self-cgroup-hybrid.txt");
    assert_int_equal(cg_proc_parse(hy, &p, &e), 0);
    cleanup_free struct cg_layout *L3 =
        layout_of("mountinfo-hybrid.txt", "/sys/fs/cgroup", "proc-cgroups.txt", "hugetlb");
    assert_string_equal(cg_proc_find(&p, &L3->hier[L3->unified])->path, "/");
    assert_string_equal(cg_proc_find(&p, &L3->hier[L3->ctrl_hier[CG_MEMORY]])->path,
                        "/nslab-test/session");
    cg_proc_free(&p);

    /* a ':' inside the path, no trailing newline */
    assert_int_equal(cg_proc_parse("0::/a:b", &p, &e), 0);
    assert_string_equal(p.v[0].path, "/a:b");
    cg_proc_free(&p);
    static const char *const bad[] = {"x:y", "1:memory", "1:memory:rel", "a:memory:/", "0::"};
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        assert_int_equal(cg_proc_parse(bad[i], &p, &e), -1);
        assert_non_null(strstr(e.msg, "/proc/PID/cgroup line 1"));
    }
    assert_int_equal(cg_proc_parse("0::/\n\n", &p, &e), 0);
    assert_int_equal(p.n, 1);
    cg_proc_free(&p);
}

/* --- detection on fake trees -------------------------------------------- */

static void test_detect_fake(void **state)
{
    struct fake *f = fake_hybrid();
    char want[700];
    assert_int_equal(f->L.mode, CG_MODE_HYBRID);
    assert_true(f->L.fake_root);
    assert_string_equal(f->L.note, "");
    snprintf(want, sizeof want, "%s/memory", f->paths.cgroup);
    assert_string_equal(mount_of(&f->L, CG_MEMORY), want);
    snprintf(want, sizeof want, "%s/unified", f->paths.cgroup);
    assert_string_equal(f->L.hier[f->L.unified].mount, want);
    assert_string_equal(f->L.hier[f->L.unified].ctrls, "hugetlb");

    /* the same through the environment, as nslab starts */
    setenv("NSLAB_PROC_ROOT", f->paths.proc, 1);
    setenv("NSLAB_CGROUP_ROOT", f->paths.cgroup, 1);
    struct nsl_paths p;
    paths_init(&p);
    unsetenv("NSLAB_PROC_ROOT");
    unsetenv("NSLAB_CGROUP_ROOT");
    cleanup_free struct cg_layout *L = xcalloc(1, sizeof *L);
    struct nsl_err e;
    assert_int_equal(cg_layout_detect(L, &p, &e), 0);
    assert_int_equal(memcmp(L, &f->L, sizeof *L), 0);

    struct cg_pid_dirs own;
    assert_int_equal(cg_pid_dirs(&f->L, &f->paths, 0, &own, &e), 0);
    snprintf(want, sizeof want, "%s/memory/nslab-test/session", f->paths.cgroup);
    assert_string_equal(own.dir[f->L.ctrl_hier[CG_MEMORY]], want);
    assert_string_equal(own.cgpath[f->L.ctrl_hier[CG_MEMORY]], "/nslab-test/session");
    assert_string_equal(own.dir[f->L.unified], f->L.hier[f->L.unified].mount);
    assert_int_equal(cg_pid_dirs(&f->L, &f->paths, 99999, &own, &e), -1);
    assert_non_null(strstr(e.msg, "99999/cgroup"));

    /* no mountinfo */
    snprintf(p.proc, sizeof p.proc, "%s/nowhere", f->tmp);
    assert_int_equal(cg_layout_detect(L, &p, &e), -1);
    assert_int_equal(e.errnum, ENOENT);
    assert_non_null(strstr(e.msg, "nowhere/self/mountinfo"));
    fake_free(f);
}

/* --- v2 ----------------------------------------------------------------- */

static void test_v2_create(void **state)
{
    struct fake *f = fake_v2();
    struct cg_session s;
    fake_session(f, &s, 4242);
    struct trace t = {0};
    const char *cg = f->paths.cgroup;

    const struct cg_group *mem = must_create(&s, CG_MEMORY, "64M", NULL, -1, &t);
    assert_string_equal(mem->name, "mem1");
    assert_int_equal(mem->version, 2);
    assert_ptr_equal(mem->be, &cg_backend_v2);
    cleanup_free char *got = trace_text(&t);
    struct strbuf want = {0};
    /* nslab's own cgroup holds nslab: v2 would refuse +memory there */
    sb_printf(&want,
              "# %s/user.slice/user-1000.slice/session-2.scope holds this process, so cgroup v2 "
              "would not let it enable controllers for a child: the session parent goes under "
              "the root\n"
              "mkdir(\"%s/nslab.4242\", 0755) = 0\n"
              "write %s/nslab.4242/cgroup.subtree_control \"+memory\" = 0\n"
              "mkdir(\"%s/nslab.4242/mem1\", 0755) = 0\n"
              "write %s/nslab.4242/mem1/memory.max \"67108864\" = 0\n",
              cg, cg, cg, cg, cg);
    assert_string_equal(got, sb_str(&want));
    sb_free(&want);
    assert_string_equal(read_at(mem->dir, "memory.max"), "67108864");

    /* cpuset is not enabled at the root: enable it there, then below */
    trace_clear(&t);
    const struct cg_group *cs = must_create(&s, CG_CPUSET, "1", NULL, -1, &t);
    assert_trace_has(&t, "write %s/cgroup.subtree_control \"+cpuset\" = 0", cg);
    assert_trace_has(&t, "write %s/nslab.4242/cgroup.subtree_control \"+cpuset\" = 0", cg);
    cleanup_free char *order = trace_text(&t);
    assert_true(strstr(order, "/cgroup.subtree_control \"+cpuset\"") <
                strstr(order, "/nslab.4242/cgroup.subtree_control \"+cpuset\""));
    assert_string_equal(read_at(cs->dir, "cpuset.cpus"), "1");
    assert_string_equal(read_at(cg, "cgroup.subtree_control"), "cpu memory pids cpuset");

    trace_clear(&t);
    const struct cg_group *cpu = must_create(&s, CG_CPU, "20%", NULL, -1, &t);
    assert_trace_has(&t, "write %s/nslab.4242/cgroup.subtree_control \"+cpu\" = 0", cg);
    assert_trace_has(&t, "write %s/cpu.max \"20000 100000\" = 0", cpu->dir);
    const struct cg_group *pids = must_create(&s, CG_PIDS, "5", NULL, -1, &t);
    assert_string_equal(read_at(pids->dir, "pids.max"), "5");
    char parent[700];
    snprintf(parent, sizeof parent, "%s/nslab.4242", cg);
    assert_string_equal(read_at(parent, "cgroup.subtree_control"), "memory cpuset cpu pids");
    /* already enabled: no second write */
    trace_clear(&t);
    must_create(&s, CG_MEMORY, "max", "big", -1, &t);
    cleanup_free char *again = trace_text(&t);
    assert_null(strstr(again, "subtree_control"));
    assert_non_null(strstr(again, "/nslab.4242/big/memory.max \"max\" = 0"));

    /* the files each stat comes from */
    struct cg_stats st;
    struct nsl_err e;
    write_at(mem->dir, "memory.current", "1048576");
    write_at(mem->dir, "memory.events", "low 0\nhigh 0\nmax 7\noom 2\noom_kill 2\n");
    assert_int_equal(cg_read_stats(&s, mem, &st, &e), 0);
    assert_int_equal(st.version, 2);
    assert_true(st.limit.known && !st.limit.is_max);
    assert_int_equal(st.limit.v, 67108864);
    assert_int_equal(st.usage.v, 1048576);
    assert_int_equal(st.oom_kill.v, 2);
    assert_int_equal(st.max_hits.v, 7);
    assert_int_equal(st.frozen, 0);
    assert_string_equal(cg_stats_get(&st, "memory.max", NULL), "67108864");
    assert_string_equal(cg_stats_get(&st, "memory.events", "oom_kill"), "2");
    assert_string_equal(cg_stats_get(&st, "cgroup.events", "frozen"), "0");
    assert_null(cg_stats_get(&st, "memory.limit_in_bytes", NULL));
    cg_stats_free(&st);

    write_at(cpu->dir, "cpu.stat", "usage_usec 99\nnr_periods 10\nnr_throttled 3\nthrottled_usec 4500\n");
    assert_int_equal(cg_read_stats(&s, cpu, &st, &e), 0);
    assert_int_equal(st.limit.v, 20000);
    assert_int_equal(st.period.v, 100000);
    assert_int_equal(st.usage.v, 99);
    assert_int_equal(st.nr_throttled.v, 3);
    assert_int_equal(st.throttled_usec.v, 4500);
    assert_string_equal(cg_stats_get(&st, "cpu.max", NULL), "20000 100000");
    cg_stats_free(&st);

    write_at(pids->dir, "pids.events", "max 4\n");
    assert_int_equal(cg_read_stats(&s, pids, &st, &e), 0);
    assert_int_equal(st.limit.v, 5);
    assert_int_equal(st.max_hits.v, 4);
    assert_string_equal(cg_stats_get(&st, "pids.events", "max"), "4");
    cg_stats_free(&st);

    /* freeze: cgroup.freeze, then cgroup.events says frozen 1 */
    trace_clear(&t);
    assert_int_equal(cg_freeze(&s, mem, true, &t, &e), 0);
    assert_trace_has(&t, "write %s/cgroup.freeze \"1\" = 0", mem->dir);
    assert_trace_has(&t, "# cgroup.events: frozen 1");
    assert_int_equal(cg_read_stats(&s, mem, &st, &e), 0);
    assert_int_equal(st.frozen, 1);
    cg_stats_free(&st);
    assert_int_equal(cg_freeze(&s, mem, false, &t, &e), 0);
    assert_trace_has(&t, "# cgroup.events: frozen 0");

    /* attach this process (0 = the caller): it leaves its old cgroup */
    trace_clear(&t);
    assert_int_equal(cg_attach(&s, mem, 0, &t, &e), 0);
    assert_trace_has(&t, "write %s/cgroup.procs \"0\" = 0", mem->dir);
    assert_int_equal(cg_read_stats(&s, mem, &st, &e), 0);
    assert_int_equal(st.npids, 1);
    assert_int_equal(st.pids[0], getpid());
    cg_stats_free(&st);

    /* cleanup puts this process back where it came from (the root here),
     * kills nothing else, and leaves nothing behind */
    trace_clear(&t);
    assert_int_equal(cg_session_cleanup(&s, &t, &e), 0);
    char self[32];
    snprintf(self, sizeof self, "%d", getpid());
    assert_trace_has(&t, "write %s/cgroup.procs \"%s\" = 0", cg, self);
    assert_trace_has(&t, "rmdir(\"%s/nslab.4242/mem1\") = 0", cg);
    assert_trace_has(&t, "rmdir(\"%s/nslab.4242\") = 0", cg);
    assert_int_equal(f->nkilled, 0);
    assert_false(tree_has(cg, "nslab.4242"));
    assert_int_equal(s.n, 0);
    cg_session_free(&s);
    trace_free(&t);
    fake_free(f);
}

static void test_v2_parent_placement(void **state)
{
    struct trace t = {0};
    struct cg_session s;
    char want[700];

    /* nslab in the v2 root: the parent goes right there, no note */
    struct fake *f = fake_new("mountinfo-v2.txt", "proc-self-cgroup-hybrid.txt",
                              "proc-cgroups.txt", "memory pids", "memory");
    fake_session(f, &s, 4242);
    must_create(&s, CG_PIDS, NULL, NULL, -1, &t);
    snprintf(want, sizeof want, "%s/nslab.4242", f->paths.cgroup);
    assert_string_equal(s.parent[0], want);
    assert_int_equal(t.v[0].flags & TRACE_NOTE, 0);
    assert_int_equal(cg_session_cleanup(&s, &t, NULL), 0);
    cg_session_free(&s);
    fake_free(f);

    /* hybrid: the v2 tree holds no controller nslab enables, so nslab's
     * own v2 cgroup is fine for a v2 freezer */
    f = fake_hybrid();
    snprintf(want, sizeof want, "%s/unified/sub", f->paths.cgroup);
    mkdir(want, 0755);
    fake_populate(f, want, false);
    char self[600];
    snprintf(self, sizeof self, "%s/self", f->paths.proc);
    write_at(self, "cgroup", "4:memory:/nslab-test/session\n6:freezer:/\n0::/sub\n");
    fake_session(f, &s, 4242);
    trace_clear(&t);
    const struct cg_group *g = must_create(&s, CG_FREEZER, NULL, NULL, f->L.unified, &t);
    assert_int_equal(g->version, 2);
    snprintf(want, sizeof want, "%s/unified/sub/nslab.4242/frz1", f->paths.cgroup);
    assert_string_equal(g->dir, want);
    assert_int_equal(cg_session_cleanup(&s, &t, NULL), 0);
    cg_session_free(&s);
    trace_free(&t);
    fake_free(f);
}

/* --- v1 (on the hybrid fake) -------------------------------------------- */

static void test_v1_create(void **state)
{
    struct fake *f = fake_hybrid();
    struct cg_session s;
    fake_session(f, &s, 4242);
    struct trace t = {0};
    struct nsl_err e;
    const char *cg = f->paths.cgroup;

    const struct cg_group *mem = must_create(&s, CG_MEMORY, "64M", NULL, -1, &t);
    assert_int_equal(mem->version, 1);
    assert_ptr_equal(mem->be, &cg_backend_v1);
    cleanup_free char *got = trace_text(&t);
    struct strbuf want = {0};
    /* under the cgroup nslab runs in; nothing to enable on v1 */
    sb_printf(&want,
              "mkdir(\"%s/memory/nslab-test/session/nslab.4242\", 0755) = 0\n"
              "mkdir(\"%s/memory/nslab-test/session/nslab.4242/mem1\", 0755) = 0\n"
              "write %s/memory/nslab-test/session/nslab.4242/mem1/memory.limit_in_bytes "
              "\"67108864\" = 0\n",
              cg, cg, cg);
    assert_string_equal(got, sb_str(&want));
    sb_free(&want);
    assert_string_equal(read_at(mem->dir, "memory.limit_in_bytes"), "67108864");

    trace_clear(&t);
    const struct cg_group *cpu = must_create(&s, CG_CPU, "20%", NULL, -1, &t);
    assert_trace_has(&t, "mkdir(\"%s/cpu/nslab.4242\", 0755) = 0", cg);
    assert_trace_has(&t, "write %s/cpu.cfs_period_us \"100000\" = 0", cpu->dir);
    assert_trace_has(&t, "write %s/cpu.cfs_quota_us \"20000\" = 0", cpu->dir);
    const struct cg_group *pids = must_create(&s, CG_PIDS, "5", NULL, -1, &t);
    assert_string_equal(read_at(pids->dir, "pids.max"), "5");

    /* cpuset: the parent and the child get cpus and mems from above */
    trace_clear(&t);
    const struct cg_group *cs = must_create(&s, CG_CPUSET, "1", NULL, -1, &t);
    assert_trace_has(&t, "write %s/cpuset/nslab.4242/cpuset.cpus \"0-1\" = 0", cg);
    assert_trace_has(&t, "write %s/cpuset/nslab.4242/cpuset.mems \"0\" = 0", cg);
    assert_trace_has(&t, "write %s/cpuset.cpus \"1\" = 0", cs->dir);
    assert_trace_has(&t, "write %s/cpuset.mems \"0\" = 0", cs->dir);
    cleanup_free char *cstrace = trace_text(&t);
    char copy_cpus[800];
    snprintf(copy_cpus, sizeof copy_cpus, "%s/cpuset.cpus \"0-1\"", cs->dir);
    assert_null(strstr(cstrace, copy_cpus)); /* the limit was set first */
    assert_string_equal(read_at(cs->dir, "cpuset.cpus"), "1");
    assert_string_equal(read_at(cs->dir, "cpuset.mems"), "0");
    const struct cg_group *cs2 = must_create(&s, CG_CPUSET, NULL, NULL, -1, &t);
    assert_string_equal(read_at(cs2->dir, "cpuset.cpus"), "0-1");
    assert_string_equal(read_at(cs2->dir, "cpuset.mems"), "0");

    /* stats under v1's names */
    struct cg_stats st;
    write_at(mem->dir, "memory.usage_in_bytes", "1000");
    write_at(mem->dir, "memory.failcnt", "4");
    write_at(mem->dir, "memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 1\n");
    assert_int_equal(cg_read_stats(&s, mem, &st, &e), 0);
    assert_int_equal(st.version, 1);
    assert_int_equal(st.limit.v, 67108864);
    assert_int_equal(st.usage.v, 1000);
    assert_int_equal(st.max_hits.v, 4);
    assert_int_equal(st.oom_kill.v, 1);
    assert_int_equal(st.frozen, -1); /* no freezer in the memory hierarchy */
    assert_string_equal(cg_stats_get(&st, "memory.oom_control", "oom_kill"), "1");
    assert_string_equal(cg_stats_get(&st, "memory.failcnt", NULL), "4");
    cg_stats_free(&st);
    const struct cg_group *mem2 = must_create(&s, CG_MEMORY, NULL, NULL, -1, &t);
    assert_int_equal(cg_read_stats(&s, mem2, &st, &e), 0);
    assert_true(st.limit.known && st.limit.is_max); /* 9223372036854771712 */
    cg_stats_free(&st);

    write_at(cpu->dir, "cpu.stat", "nr_periods 9\nnr_throttled 3\nthrottled_time 5000000\n");
    assert_int_equal(cg_read_stats(&s, cpu, &st, &e), 0);
    assert_int_equal(st.limit.v, 20000);
    assert_int_equal(st.period.v, 100000);
    assert_int_equal(st.nr_throttled.v, 3);
    assert_int_equal(st.throttled_usec.v, 5000); /* throttled_time is in ns */
    assert_false(st.usage.known);                /* cpuacct is another hierarchy here */
    cg_stats_free(&st);

    /* freezer.state; and no freezing outside the freezer hierarchy */
    trace_clear(&t);
    const struct cg_group *frz = must_create(&s, CG_FREEZER, NULL, NULL, -1, &t);
    assert_string_equal(frz->name, "frz1");
    assert_int_equal(cg_freeze(&s, frz, true, &t, &e), 0);
    assert_trace_has(&t, "write %s/freezer.state \"FROZEN\" = 0", frz->dir);
    assert_trace_has(&t, "# freezer.state: FROZEN");
    assert_int_equal(cg_read_stats(&s, frz, &st, &e), 0);
    assert_int_equal(st.frozen, 1);
    cg_stats_free(&st);
    assert_int_equal(cg_freeze(&s, frz, false, &t, &e), 0);
    assert_string_equal(read_at(frz->dir, "freezer.state"), "THAWED");
    assert_int_equal(cg_freeze(&s, mem, true, &t, &e), -1);
    assert_non_null(strstr(e.msg, "not in the v1 freezer hierarchy"));

    /* a v2 freezer on the same machine */
    trace_clear(&t);
    const struct cg_group *frz2 = must_create(&s, CG_FREEZER, NULL, NULL, f->L.unified, &t);
    assert_int_equal(frz2->version, 2);
    assert_trace_has(&t, "mkdir(\"%s/unified/nslab.4242/frz2\", 0755) = 0", cg);
    assert_int_equal(cg_freeze(&s, frz2, true, &t, &e), 0);
    assert_trace_has(&t, "write %s/cgroup.freeze \"1\" = 0", frz2->dir);

    /* attach: v1 moves the process within the memory hierarchy only */
    assert_int_equal(cg_attach(&s, mem, 0, &t, &e), 0);
    char own[700], self[32];
    snprintf(own, sizeof own, "%s/memory/nslab-test/session", cg);
    snprintf(self, sizeof self, "%d", getpid());
    assert_string_equal(read_at(own, "cgroup.procs"), "");
    assert_string_equal(read_at(mem->dir, "cgroup.procs"), self);
    assert_int_equal(cg_attach(&s, cs, 0, &t, &e), 0);

    trace_clear(&t);
    assert_int_equal(cg_session_cleanup(&s, &t, &e), 0);
    assert_trace_has(&t, "write %s/cgroup.procs \"%s\" = 0", own, self);
    assert_string_equal(read_at(own, "cgroup.procs"), self);
    assert_int_equal(f->nkilled, 0);
    assert_false(tree_has(cg, "nslab.4242"));
    assert_int_equal(s.n, 0);
    cg_session_free(&s);
    trace_free(&t);
    fake_free(f);
}

/* --- errors, deletion, names ---------------------------------------------- */

static void test_delete_busy(void **state)
{
    struct fake *f = fake_hybrid();
    struct cg_session s;
    fake_session(f, &s, 4242);
    struct trace t = {0};
    struct nsl_err e;
    const struct cg_group *p = must_create(&s, CG_PIDS, "5", NULL, -1, &t);
    char dir[700];
    snprintf(dir, sizeof dir, "%s", p->dir);
    write_at(p->dir, "cgroup.procs", "777\n");
    char comm[600];
    snprintf(comm, sizeof comm, "%s/777", f->paths.proc);
    mkdir_p(comm);
    write_at(comm, "comm", "sleep\n");

    trace_clear(&t);
    assert_int_equal(cg_delete(&s, p, false, &t, &e), -1);
    assert_int_equal(e.errnum, EBUSY);
    assert_non_null(strstr(e.msg, "processes are still inside: 777 (sleep)"));
    assert_trace_has(&t, "rmdir(\"%s\") = -1 EBUSY (Device or resource busy)", dir);
    assert_ptr_equal(cg_find(&s, "pids1"), p);
    assert_int_equal(f->nkilled, 0);

    trace_clear(&t);
    assert_int_equal(cg_delete(&s, p, true, &t, &e), 0);
    assert_trace_has(&t, "kill(777, SIGKILL) = 0");
    assert_trace_has(&t, "rmdir(\"%s\") = 0", dir);
    assert_int_equal(f->nkilled, 1);
    assert_int_equal(f->killed[0], 777);
    assert_null(cg_find(&s, "pids1"));
    assert_false(exists(dir));

    /* v2: cgroup.kill, no kill(2) */
    const struct cg_group *v2 = must_create(&s, CG_FREEZER, NULL, "box", f->L.unified, &t);
    snprintf(dir, sizeof dir, "%s", v2->dir);
    write_at(v2->dir, "cgroup.procs", "778\n");
    trace_clear(&t);
    assert_int_equal(cg_delete(&s, v2, true, &t, &e), 0);
    assert_trace_has(&t, "write %s/cgroup.kill \"1\" = 0", dir);
    assert_int_equal(f->nkilled, 1);

    /* v1 frozen: killed, then thawed so the kill lands */
    const struct cg_group *fz = must_create(&s, CG_FREEZER, NULL, NULL, -1, &t);
    assert_int_equal(cg_freeze(&s, fz, true, &t, &e), 0);
    write_at(fz->dir, "cgroup.procs", "779\n");
    snprintf(dir, sizeof dir, "%s", fz->dir);
    trace_clear(&t);
    assert_int_equal(cg_session_cleanup(&s, &t, &e), 0);
    assert_trace_has(&t, "kill(779, SIGKILL) = 0");
    assert_trace_has(&t, "write %s/freezer.state \"THAWED\" = 0", dir);
    assert_false(tree_has(f->paths.cgroup, "nslab.4242"));
    cg_session_free(&s);
    trace_free(&t);
    fake_free(f);
}

static void test_create_errors(void **state)
{
    struct fake *f = fake_hybrid();
    struct cg_session s;
    fake_session(f, &s, 4242);
    struct trace t = {0};
    struct nsl_err e;
    struct cg_create_opts o = CG_CREATE_OPTS_INIT;
    struct cg_limit lim;
    const struct cg_group *g;

    /* a failing limit leaves no half-made cgroup */
    f->fail_file = "memory.limit_in_bytes";
    assert_int_equal(cg_limit_parse(CG_MEMORY, "64M", &lim, &e), 0);
    o.limit = &lim;
    assert_int_equal(cg_create(&s, CG_MEMORY, &o, &t, &e, &g), -1);
    assert_int_equal(e.errnum, EINVAL);
    assert_non_null(strstr(e.msg, "cannot write \"67108864\" to "));
    assert_non_null(strstr(e.msg, "/mem1/memory.limit_in_bytes: Invalid argument (EINVAL)"));
    assert_trace_has(&t, "rmdir(\"%s/memory/nslab-test/session/nslab.4242/mem1\") = 0",
                     f->paths.cgroup);
    assert_int_equal(s.n, 0);
    f->fail_file = NULL;

    /* limit of another controller, unknown hierarchy, wrong hierarchy */
    assert_int_equal(cg_create(&s, CG_PIDS, &o, &t, &e, &g), -1);
    assert_non_null(strstr(e.msg, "a memory limit given for a pids cgroup"));
    o.limit = NULL;
    o.hier = 99;
    assert_int_equal(cg_create(&s, CG_PIDS, &o, &t, &e, &g), -1);
    o.hier = f->L.unified;
    assert_int_equal(cg_create(&s, CG_PIDS, &o, &t, &e, &g), -1);
    assert_non_null(strstr(e.msg, "pids controller is not in the hierarchy"));
    o.hier = -1;
    assert_int_equal(cg_create(&s, CG_IO, &o, &t, &e, &g), -1);

    /* names: numbering skips taken names; duplicates and bad names refused */
    assert_string_equal(must_create(&s, CG_MEMORY, NULL, NULL, -1, &t)->name, "mem1");
    assert_string_equal(must_create(&s, CG_MEMORY, NULL, "mem2", -1, &t)->name, "mem2");
    assert_string_equal(must_create(&s, CG_MEMORY, NULL, NULL, -1, &t)->name, "mem3");
    assert_string_equal(must_create(&s, CG_PIDS, NULL, "web", -1, &t)->name, "web");
    o.name = "web";
    assert_int_equal(cg_create(&s, CG_MEMORY, &o, &t, &e, &g), -1);
    assert_int_equal(e.errnum, EEXIST);
    o.name = "../x";
    assert_int_equal(cg_create(&s, CG_MEMORY, &o, &t, &e, &g), -1);
    assert_int_equal(cg_lookup(&s, "nope", &g, &e), -1);
    assert_non_null(strstr(e.msg, "(it has: mem1, mem2, mem3, web)"));
    assert_int_equal(cg_lookup(&s, "web", &g, &e), 0);

    /* a limit of the wrong kind for a cgroup; raw files */
    assert_int_equal(cg_set_limit(&s, g, &lim, &t, &e), -1);
    assert_non_null(strstr(e.msg, "web is a pids cgroup, not memory"));
    assert_int_equal(cg_limit_parse(CG_PIDS, "9", &lim, &e), 0);
    assert_int_equal(cg_set_limit(&s, g, &lim, &t, &e), 0);
    assert_string_equal(read_at(g->dir, "pids.max"), "9");
    assert_int_equal(cg_file_write(&s, g, "pids.max", "max", &t, &e), 0);
    struct strbuf sb = {0};
    assert_int_equal(cg_file_read(g, "pids.max", &sb, &e), 0);
    assert_string_equal(sb_str(&sb), "max");
    sb_free(&sb);
    assert_int_equal(cg_file_read(g, "../pids.max", &sb, &e), -1);
    assert_int_equal(cg_file_write(&s, g, "", "1", &t, &e), -1);
    assert_int_equal(cg_file_read(g, "nosuch.file", &sb, &e), -1);
    assert_int_equal(e.errnum, ENOENT);
    assert_int_equal(cg_file_write(&s, g, "nosuch.file", "1", &t, &e), -1);
    assert_int_equal(e.errnum, ENOENT);
    sb_free(&sb);

    /* timeouts: the state is never reached */
    f->stuck = true;
    const struct cg_group *fz = must_create(&s, CG_FREEZER, NULL, NULL, -1, &t);
    assert_int_equal(cg_freeze(&s, fz, true, &t, &e), -1);
    assert_int_equal(e.errnum, ETIMEDOUT);
    assert_non_null(strstr(e.msg, "freezer.state still says FREEZING after 100 ms"));
    const struct cg_group *fz2 = must_create(&s, CG_FREEZER, NULL, NULL, f->L.unified, &t);
    assert_int_equal(cg_freeze(&s, fz2, true, &t, &e), -1);
    assert_non_null(strstr(e.msg, "cgroup.events still says frozen 0 after 100 ms"));
    f->stuck = false;

    assert_int_equal(cg_session_cleanup(&s, &t, &e), 0);
    assert_false(tree_has(f->paths.cgroup, "nslab.4242"));
    cg_session_free(&s);
    trace_free(&t);
    fake_free(f);
}

static void test_two_sessions(void **state)
{
    struct fake *f = fake_hybrid();
    struct cg_session a, b;
    fake_session(f, &a, 1000);
    fake_session(f, &b, 1001);
    struct trace t = {0};
    const struct cg_group *ga = must_create(&a, CG_MEMORY, "1M", NULL, -1, &t);
    const struct cg_group *gb = must_create(&b, CG_MEMORY, "2M", NULL, -1, &t);
    assert_string_equal(ga->name, gb->name);
    assert_string_not_equal(ga->dir, gb->dir);
    assert_non_null(strstr(ga->dir, "/nslab.1000/mem1"));
    assert_non_null(strstr(gb->dir, "/nslab.1001/mem1"));
    assert_string_equal(read_at(ga->dir, "memory.limit_in_bytes"), "1048576");
    assert_string_equal(read_at(gb->dir, "memory.limit_in_bytes"), "2097152");
    char bdir[700];
    snprintf(bdir, sizeof bdir, "%s", gb->dir);
    assert_int_equal(cg_session_cleanup(&a, &t, NULL), 0);
    assert_true(exists(bdir)); /* the other session's is untouched */
    assert_int_equal(cg_session_cleanup(&b, &t, NULL), 0);
    assert_false(exists(bdir));
    cg_session_free(&a);
    cg_session_free(&b);
    trace_free(&t);
    fake_free(f);
}

/* --- the sweep ---------------------------------------------------------- */

static void fake_cgroup(struct fake *f, const char *rel, const char *procs)
{
    char dir[700];
    snprintf(dir, sizeof dir, "%s/%s", f->paths.cgroup, rel);
    mkdir(dir, 0755);
    fake_populate(f, dir, false);
    if (procs)
        write_at(dir, "cgroup.procs", procs);
}

static void fake_proc(struct fake *f, pid_t pid, const char *comm)
{
    char dir[600];
    snprintf(dir, sizeof dir, "%s/%d", f->paths.proc, pid);
    mkdir_p(dir);
    write_at(dir, "comm", comm);
}

static void test_sweep(void **state)
{
    struct fake *f = fake_hybrid();
    const char *cg = f->paths.cgroup;
    fake_cgroup(f, "memory/nslab-test/session/nslab.111", NULL); /* no process 111 */
    fake_cgroup(f, "memory/nslab-test/session/nslab.111/mem1", "555\n");
    fake_cgroup(f, "freezer/nslab.222", NULL); /* 222 is not nslab */
    fake_proc(f, 222, "bash\n");
    fake_cgroup(f, "freezer/nslab.333", NULL); /* a live nslab */
    fake_proc(f, 333, "nslab\n");
    fake_cgroup(f, "pids/nslab.4242", NULL); /* ourselves */
    fake_cgroup(f, "memory/nslab.notapid", NULL);
    fake_cgroup(f, "memory/other", NULL);
    fake_cgroup(f, "unified/nslab.444", "666\n"); /* v2, gone */
    fake_cgroup(f, "unified/nslab.444/frz1", NULL);

    struct cg_sys sys = {.mkdir = fake_mkdir, .rmdir = fake_rmdir, .write = fake_write,
                         .kill = fake_kill, .ctx = f, .wait_ms = 100, .poll_ms = 1};
    struct trace t = {0};
    struct nsl_err e;
    assert_int_equal(cg_sweep(&f->L, &f->paths, &sys, 4242, &t, &e), 3);
    char p[700];
#define GONE(rel) (snprintf(p, sizeof p, "%s/%s", cg, rel), !exists(p))
    assert_true(GONE("memory/nslab-test/session/nslab.111"));
    assert_true(GONE("freezer/nslab.222"));
    assert_true(GONE("unified/nslab.444"));
    assert_false(GONE("freezer/nslab.333"));
    assert_false(GONE("pids/nslab.4242"));
    assert_false(GONE("memory/nslab.notapid"));
    assert_false(GONE("memory/other"));
    assert_false(GONE("memory/nslab-test/session"));
#undef GONE
    assert_trace_has(&t, "# stale session: %s/freezer/nslab.222 (process 222 is bash, not nslab)", cg);
    assert_trace_has(&t, "# stale session: %s/memory/nslab-test/session/nslab.111 (no process 111)", cg);
    assert_trace_has(&t, "kill(555, SIGKILL) = 0");
    assert_trace_has(&t, "write %s/unified/nslab.444/cgroup.kill \"1\" = 0", cg);
    assert_trace_has(&t, "rmdir(\"%s/memory/nslab-test/session/nslab.111/mem1\") = 0", cg);
    assert_int_equal(f->nkilled, 1);
    /* a second sweep finds nothing */
    trace_clear(&t);
    assert_int_equal(cg_sweep(&f->L, &f->paths, &sys, 4242, &t, &e), 0);
    assert_int_equal(t.n, 0);
    trace_free(&t);
    fake_free(f);
}

/* --- as root, on this machine's real hierarchies ----------------------- */

struct real {
    struct nsl_paths paths;
    struct cg_layout L;
    struct cg_session s;
    bool have_session;
    pid_t child;
};

static int real_setup(void **state)
{
    *state = xcalloc(1, sizeof(struct real));
    return 0;
}

/* Whatever happened: remove the cgroups, end the child this test forked. */
static int real_teardown(void **state)
{
    struct real *r = *state;
    if (r->have_session) {
        cg_session_cleanup(&r->s, NULL, NULL);
        cg_session_free(&r->s);
    }
    if (r->child > 0) {
        kill(r->child, SIGKILL);
        waitpid(r->child, NULL, 0);
    }
    free(r);
    return 0;
}

static bool frozen_in_events(const char *dir, const char *want)
{
    char buf[512], val[32];
    return cg_read_text(dir, "cgroup.events", buf, sizeof buf) == 0 &&
           cg_key_value(buf, "frozen", val, sizeof val) && strcmp(val, want) == 0;
}

static void test_real_hierarchy(void **state)
{
    struct real *r = *state;
    if (geteuid() != 0) {
        print_message("skipped: creating cgroups needs root\n");
        skip();
    }
    unsetenv("NSLAB_PROC_ROOT");
    unsetenv("NSLAB_CGROUP_ROOT");
    paths_init(&r->paths);
    struct nsl_err e = {0};
    if (cg_layout_detect(&r->L, &r->paths, &e) < 0)
        fail_msg("detect: %s", e.msg);
    int mh = r->L.ctrl_hier[CG_MEMORY], fh = r->L.ctrl_hier[CG_FREEZER];
    if (mh < 0 || r->L.hier[mh].version != 1 || fh < 0 || r->L.hier[fh].version != 1 ||
        r->L.unified < 0) {
        print_message("skipped: needs v1 memory and freezer beside a cgroup2 mount (hybrid)\n");
        skip();
    }
    assert_string_equal(r->L.note, "");
    /* A concurrent nslab's sweep must take this session for a live one. */
    prctl(PR_SET_NAME, "nslab");

    r->child = fork();
    assert_true(r->child >= 0);
    if (r->child == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        for (;;)
            pause();
    }
    cg_session_init(&r->s, &r->L, &r->paths, getpid());
    r->have_session = true;
    struct cg_session *s = &r->s;
    struct trace t = {0};
    struct cg_stats st;

    /* memory, v1: 64M reads back from the kernel */
    const struct cg_group *mem = must_create(s, CG_MEMORY, "64M", NULL, -1, &t);
    assert_int_equal(mem->version, 1);
    assert_string_equal(read_at(mem->dir, "memory.limit_in_bytes"), "67108864");
    assert_trace_has(&t, "write %s/memory.limit_in_bytes \"67108864\" = 0", mem->dir);
    assert_int_equal(cg_attach(s, mem, r->child, &t, &e), 0);
    assert_int_equal(cg_read_stats(s, mem, &st, &e), 0);
    assert_int_equal(st.npids, 1);
    assert_int_equal(st.pids[0], r->child);
    assert_int_equal(st.limit.v, 67108864);
    assert_true(st.usage.known && st.oom_kill.known && st.max_hits.known);
    cg_stats_free(&st);

    /* the v1 freezer */
    const struct cg_group *frz = must_create(s, CG_FREEZER, NULL, NULL, -1, &t);
    assert_int_equal(frz->version, 1);
    assert_int_equal(cg_attach(s, frz, r->child, &t, &e), 0);
    if (cg_freeze(s, frz, true, &t, &e) < 0)
        fail_msg("v1 freeze: %s", e.msg);
    assert_string_equal(read_at(frz->dir, "freezer.state"), "FROZEN");
    assert_int_equal(cg_read_stats(s, frz, &st, &e), 0);
    assert_int_equal(st.frozen, 1);
    cg_stats_free(&st);
    assert_int_equal(cg_freeze(s, frz, false, &t, &e), 0);
    assert_string_equal(read_at(frz->dir, "freezer.state"), "THAWED");

    /* v2's cgroup.freeze in the cgroup2 mount */
    const struct cg_group *frz2 = must_create(s, CG_FREEZER, NULL, NULL, r->L.unified, &t);
    assert_int_equal(frz2->version, 2);
    assert_int_equal(cg_attach(s, frz2, r->child, &t, &e), 0);
    if (cg_freeze(s, frz2, true, &t, &e) < 0)
        fail_msg("v2 freeze: %s", e.msg);
    assert_true(frozen_in_events(frz2->dir, "1"));
    assert_int_equal(cg_freeze(s, frz2, false, &t, &e), 0);
    assert_true(frozen_in_events(frz2->dir, "0"));

    /* cgdelete while the child is inside: refused, naming it */
    assert_int_equal(cg_delete(s, frz2, false, &t, &e), -1);
    assert_int_equal(e.errnum, EBUSY);
    char inside[64];
    snprintf(inside, sizeof inside, "still inside: %d (", r->child);
    assert_non_null(strstr(e.msg, inside));

    /* the end of the session: the child is killed, everything removed */
    char (*bases)[CG_PATH_MAX] = xmalloc(sizeof s->base);
    memcpy(bases, s->base, sizeof s->base);
    if (cg_session_cleanup(s, &t, &e) < 0)
        fail_msg("cleanup: %s", e.msg);
    int status;
    assert_int_equal(waitpid(r->child, &status, 0), r->child);
    r->child = 0;
    assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    char mine[32];
    snprintf(mine, sizeof mine, "nslab.%d", getpid());
    for (size_t h = 0; h < r->L.nhier; h++) {
        char p[CG_PATH_MAX * 2];
        snprintf(p, sizeof p, "%s/%s", r->L.hier[h].mount, mine);
        assert_false(exists(p));
        if (bases[h][0]) {
            snprintf(p, sizeof p, "%s/%s", bases[h], mine);
            assert_false(exists(p));
        }
    }
    free(bases);
    assert_int_equal(s->n, 0);
    trace_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ctrl_parse),
        cmocka_unit_test(test_name_check),
        cmocka_unit_test(test_limit_parse),
        cmocka_unit_test(test_layout_v1),
        cmocka_unit_test(test_layout_v2),
        cmocka_unit_test(test_layout_hybrid),
        cmocka_unit_test(test_layout_shadowed),
        cmocka_unit_test(test_layout_container),
        cmocka_unit_test(test_layout_malformed),
        cmocka_unit_test(test_proc_cgroup),
        cmocka_unit_test(test_detect_fake),
        cmocka_unit_test(test_v2_create),
        cmocka_unit_test(test_v2_parent_placement),
        cmocka_unit_test(test_v1_create),
        cmocka_unit_test(test_delete_busy),
        cmocka_unit_test(test_create_errors),
        cmocka_unit_test(test_two_sessions),
        cmocka_unit_test(test_sweep),
        cmocka_unit_test_setup_teardown(test_real_hierarchy, real_setup, real_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
