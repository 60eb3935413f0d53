/* A fake kernel for the cgroup tests, behind the struct cg_sys seam, and
 * fake systems (proc and cgroup trees in a temp dir) built from the
 * fixtures. See test_cgroup_fake.c for what it emulates and why. */
#ifndef NSLAB_TEST_CGROUP_FAKE_H
#define NSLAB_TEST_CGROUP_FAKE_H

#include <dirent.h>
#include <signal.h>

#include "cgroup_test_util.h"

/* --- the fake kernel --------------------------------------------------- */

struct fake {
    char tmp[128];
    struct nsl_paths paths;
    struct cg_layout L;
    pid_t killed[64];
    size_t nkilled;
    const char *fail_file; /* writes to this file name fail with EINVAL */
    bool stuck;            /* cgroup.freeze / freezer.state never reach the state */
    char deny[600];        /* mkdir below this directory fails with EACCES */
    /* the device program last attached (v2), and where */
    struct bpf_insn prog[CG_DEV_PROG_MAX];
    size_t nprog;
    char progdir[1024];
};

MAYBE_UNUSED static const struct cg_hier *fake_hier(const struct fake *f, const char *path)
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

MAYBE_UNUSED static bool has_word(const char *text, const char *word)
{
    char a[1100], b[80];
    snprintf(a, sizeof a, " %s ", text);
    snprintf(b, sizeof b, " %s ", word);
    for (char *p = a; *p; p++)
        if (*p == '\n')
            *p = ' ';
    return strstr(a, b) != NULL;
}

/* A v2 cgroup's files of the controllers in enabled (a child's). */
MAYBE_UNUSED static void fake_v2_ctrl_files(const char *dir, const char *enabled)
{
    if (has_word(enabled, "memory")) {
        write_at(dir, "memory.max", "max");
        write_at(dir, "memory.current", "0");
        write_at(dir, "memory.events", "low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\n");
    }
    if (has_word(enabled, "cpu")) {
        write_at(dir, "cpu.max", "max 100000");
        write_at(dir, "cpu.weight", "100");
        write_at(dir, "cpu.stat", "usage_usec 0\nuser_usec 0\nsystem_usec 0\nnr_periods 0\n"
                                  "nr_throttled 0\nthrottled_usec 0\n");
    }
    if (has_word(enabled, "pids")) {
        write_at(dir, "pids.max", "max");
        write_at(dir, "pids.current", "0");
        write_at(dir, "pids.events", "max 0\n");
    }
    if (has_word(enabled, "io")) {
        write_at(dir, "io.max", "");
        write_at(dir, "io.stat", "");
        write_at(dir, "io.pressure", "some avg10=0.00 avg60=0.00 avg300=0.00 total=0\n");
    }
}

/* The interface files the kernel makes in a new cgroup directory. */
MAYBE_UNUSED static void fake_populate(const struct fake *f, const char *dir, bool is_root)
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
        if (!is_root)
            fake_v2_ctrl_files(dir, enabled);
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
        write_at(dir, "cpu.shares", "1024");
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
    if (h->mask & (1u << CG_IO)) {
        write_at(dir, "blkio.throttle.read_bps_device", "");
        write_at(dir, "blkio.throttle.write_bps_device", "");
        write_at(dir, "blkio.throttle.read_iops_device", "");
        write_at(dir, "blkio.throttle.write_iops_device", "");
        write_at(dir, "blkio.throttle.io_service_bytes", "Total 0\n");
    }
    if (h->mask & (1u << CG_NET_CLS))
        write_at(dir, "net_cls.classid", "0");
    if (h->mask & (1u << CG_DEVICES)) {
        write_at(dir, "devices.allow", "");
        write_at(dir, "devices.deny", "");
        write_at(dir, "devices.list", "a *:* rwm\n");
    }
}

/* Take pid out of every cgroup.procs below dir. */
MAYBE_UNUSED static void procs_remove(const char *dir, pid_t pid)
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

MAYBE_UNUSED static int fake_mkdir(void *ctx, struct trace *t, const char *path, mode_t mode)
{
    const struct fake *f = ctx;
    size_t n = strlen(f->deny);
    if (n && strncmp(path, f->deny, n) == 0 && path[n] == '/' && !strchr(path + n + 1, '/')) {
        trace_add(t, "mkdir", -1, EACCES, 0, "\"%s\", %#o", path, (unsigned)mode);
        errno = EACCES;
        return -1;
    }
    int r = sys_cg_mkdir(t, path, mode);
    if (r == 0)
        fake_populate(ctx, path, false);
    return r;
}

MAYBE_UNUSED static bool dir_has_subdirs(const char *path)
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

MAYBE_UNUSED static int fake_rmdir(void *ctx, struct trace *t, const char *path)
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

MAYBE_UNUSED static int fake_write(void *ctx, struct trace *t, const char *path, const char *value)
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
        /* As the kernel does: the children get the controller's files. */
        DIR *d = opendir(dir);
        for (struct dirent *de; d && (de = readdir(d));) {
            char sub[1200];
            snprintf(sub, sizeof sub, "%s/%s", dir, de->d_name);
            struct stat st;
            if (de->d_name[0] == '.' || stat(sub, &st) < 0 || !S_ISDIR(st.st_mode))
                continue;
            write_at(sub, "cgroup.controllers", sb_str(&sb));
            if (value[0] == '+')
                fake_v2_ctrl_files(sub, value + 1);
        }
        if (d)
            closedir(d);
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

MAYBE_UNUSED static int fake_kill(void *ctx, struct trace *t, pid_t pid, int sig)
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
MAYBE_UNUSED static struct fake *fake_new(const char *mountinfo, const char *self_cgroup,
                             const char *proc_cgroups, const char *v2_ctrls,
                             const char *v2_subtree)
{
    /* the fixtures first: a missing one then leaves no temp dir behind */
    cleanup_free char *mi = fixture(mountinfo);
    cleanup_free char *sc = fixture(self_cgroup);
    cleanup_free char *pc = fixture(proc_cgroups);
    struct fake *f = xcalloc(1, sizeof *f);
    snprintf(f->tmp, sizeof f->tmp, "/tmp/nslab-cgtest.XXXXXX");
    assert_non_null(mkdtemp(f->tmp));
    snprintf(f->paths.proc, sizeof f->paths.proc, "%s/proc", f->tmp);
    snprintf(f->paths.cgroup, sizeof f->paths.cgroup, "%s/cg", f->tmp);
    char dir[600];
    snprintf(dir, sizeof dir, "%s/self", f->paths.proc);
    mkdir_p(dir);
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

MAYBE_UNUSED static void fake_free(struct fake *f)
{
    rm_rf(f->tmp);
    free(f);
}

/* The kernel would verify and attach it: keep it for the test to run. */
MAYBE_UNUSED static int fake_bpf_devices(void *ctx, struct trace *t, const char *dir,
                                         const struct bpf_insn *insns, size_t n,
                                         struct nsl_err *e)
{
    struct fake *f = ctx;
    trace_add(t, "bpf", 0, 0, 0, "BPF_PROG_ATTACH %s %zu insns", dir, n);
    assert_true(n <= CG_DEV_PROG_MAX);
    memcpy(f->prog, insns, n * sizeof *insns);
    f->nprog = n;
    snprintf(f->progdir, sizeof f->progdir, "%s", dir);
    return 0;
}

MAYBE_UNUSED static void fake_session(struct fake *f, struct cg_session *s, pid_t pid)
{
    cg_session_init(s, &f->L, &f->paths, pid);
    s->sys = (struct cg_sys){.mkdir = fake_mkdir, .rmdir = fake_rmdir, .write = fake_write,
                             .kill = fake_kill, .bpf_devices = fake_bpf_devices, .ctx = f,
                             .wait_ms = 100, .poll_ms = 1};
}

MAYBE_UNUSED static struct fake *fake_hybrid(void)
{
    return fake_new("mountinfo-hybrid.txt", "proc-self-cgroup-hybrid.txt", "proc-cgroups.txt",
                    "hugetlb", "");
}

MAYBE_UNUSED static struct fake *fake_v1(void)
{
    return fake_new("mountinfo-v1.txt", "proc-self-cgroup-v1.txt", "proc-cgroups.txt", NULL,
                    NULL);
}

MAYBE_UNUSED static struct fake *fake_v2(void)
{
    return fake_new("mountinfo-v2.txt", "proc-self-cgroup-v2.txt", "proc-cgroups.txt",
                    "cpuset cpu io memory hugetlb pids rdma misc", "cpu memory pids");
}

#endif
