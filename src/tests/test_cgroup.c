#define _GNU_SOURCE
/* Cgroups: the parsers on literal text (fixtures/cgroup/), and, as root,
 * the real hierarchies of this machine: its hybrid layout, and a pure v2
 * view (cgroup2 mounted over /sys/fs/cgroup in a private mount namespace).
 * The backends on fake trees are in test_cgroup_fake.c. */
/* layer: kernel */
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "cgroup_test_util.h"
#include "kernel/mount/mountinfo.h"

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
    assert_int_equal(cg_ctrl_parse("cpuacct", &c, &e), 0);
    assert_int_equal(c, CG_CPUACCT);
    assert_int_equal(cg_ctrl_parse("io", &c, &e), 0);
    assert_int_equal(c, CG_IO);
    assert_int_equal(cg_ctrl_parse("hugetlb", &c, &e), -1);
    assert_int_equal(cg_ctrl_parse("memroy", &c, &e), -1);
    assert_non_null(strstr(e.msg, "'memroy'"));
    assert_non_null(strstr(e.msg, "mem, cpu, pids, cpuset, freezer, devices, net_cls, io, perf_event or cpuacct"));
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
        assert_int_equal(L->ctrl_hier[c], c == CG_NET_CLS ? -1 : 0); /* devices too: BPF */

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

    /* cpu, pids and cpuset: the kernel takes what the v1 backend writes */
    const struct cg_group *cpu = must_create(s, CG_CPU, "20%", NULL, -1, &t);
    assert_string_equal(read_at(cpu->dir, "cpu.cfs_quota_us"), "20000");
    assert_string_equal(read_at(cpu->dir, "cpu.cfs_period_us"), "100000");
    assert_int_equal(cg_read_stats(s, cpu, &st, &e), 0);
    assert_true(st.nr_throttled.known && st.throttled_usec.known);
    assert_int_equal(st.limit.v, 20000);
    cg_stats_free(&st);
    const struct cg_group *pids = must_create(s, CG_PIDS, "5", NULL, -1, &t);
    assert_string_equal(read_at(pids->dir, "pids.max"), "5");
    assert_int_equal(cg_read_stats(s, pids, &st, &e), 0);
    assert_true(st.max_hits.known && st.usage.known);
    cg_stats_free(&st);
    if (r->L.ctrl_hier[CG_CPUSET] >= 0 && r->L.hier[r->L.ctrl_hier[CG_CPUSET]].version == 1) {
        const struct cg_group *cs = must_create(s, CG_CPUSET, "0", NULL, -1, &t);
        assert_string_equal(read_at(cs->dir, "cpuset.cpus"), "0");
        assert_true(read_at(cs->dir, "cpuset.mems")[0]);
        /* admitted only because cpuset.mems was copied */
        if (cg_attach(s, cs, r->child, &t, &e) < 0)
            fail_msg("cpuset attach: %s", e.msg);
    }

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


/* In a forked child: a private mount namespace where cgroup2 is mounted
 * over /sys/fs/cgroup, as on a pure v2 system (KERNEL-NOTES: no controller
 * is available to it here, freezing and killing work). opts: the live
 * cgroup2 mount's superblock options, given again, since the kernel applies
 * a new cgroup2 mount's options (nsdelegate, memory_recursiveprot, ...) to
 * the one v2 hierarchy of the whole machine. Returns 0, or the number of
 * the step that failed, having said why on stderr. */
static int pure_v2_child(const char *opts)
{
    struct nsl_err e = {0};
    int step = 0;
#define STEP(ok)                                                                               \
    do {                                                                                       \
        step++;                                                                                \
        if (!(ok)) {                                                                           \
            fprintf(stderr, "pure v2 step %d: %s (%s)\n", step, #ok, e.msg);                   \
            return step;                                                                       \
        }                                                                                      \
    } while (0)
    STEP(unshare(CLONE_NEWNS) == 0);
    STEP(mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL) == 0);
    STEP(mount("none", "/sys/fs/cgroup", "cgroup2", 0, opts) == 0);
    struct nsl_paths paths;
    paths_init(&paths);
    struct cg_layout *L = xcalloc(1, sizeof *L);
    STEP(cg_layout_detect(L, &paths, &e) == 0);
    STEP(L->mode == CG_MODE_UNIFIED && L->nhier == 1);
    STEP(L->note[0] == '\0'); /* statfs says cgroup2 too */
    STEP(strcmp(L->hier[0].mount, "/sys/fs/cgroup") == 0);

    struct cg_session *s = xcalloc(1, sizeof *s);
    cg_session_init(s, L, &paths, getpid());
    struct trace t = {0};
    const struct cg_group *g = NULL;
    /* the memory controller belongs to v1 here: a clear refusal */
    STEP(cg_create(s, CG_MEMORY, NULL, &t, &e, &g) < 0 && strstr(e.msg, "cgroup.controllers"));
    STEP(cg_create(s, CG_FREEZER, NULL, &t, &e, &g) == 0 && g->version == 2);
    char want[128];
    snprintf(want, sizeof want, "/sys/fs/cgroup/nslab.%d/freezer1", getpid());
    STEP(strcmp(g->dir, want) == 0);

    pid_t kid = fork();
    if (kid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        for (;;)
            pause();
    }
    STEP(kid > 0);
    STEP(cg_attach(s, g, kid, &t, &e) == 0);
    STEP(cg_freeze(s, g, true, &t, &e) == 0);
    STEP(frozen_in_events(g->dir, "1"));
    STEP(cg_freeze(s, g, false, &t, &e) == 0);
    /* the end kills what is inside through cgroup.kill */
    STEP(cg_session_cleanup(s, &t, &e) == 0);
    int status;
    STEP(waitpid(kid, &status, 0) == kid && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    snprintf(want, sizeof want, "write /sys/fs/cgroup/nslab.%d/freezer1/cgroup.kill \"1\" = 0",
             getpid());
    cleanup_free char *text = trace_text(&t);
    STEP(strstr(text, want) != NULL);
    snprintf(want, sizeof want, "/sys/fs/cgroup/nslab.%d", getpid());
    STEP(!exists(want));
#undef STEP
    cg_session_free(s);
    free(s);
    free(L);
    trace_free(&t);
    return 0;
}

/* The superblock options of the cgroup2 mounted at mnt ("rw,nsdelegate"),
 * or NULL. */
static char *live_cgroup2_opts(const struct nsl_paths *paths, const char *mnt)
{
    struct mount_table t = {0};
    struct nsl_err e;
    assert_int_equal(mountinfo_read(paths, 0, &t, &e), 0);
    const struct mount_ent *m = mount_table_find_target(&t, mnt);
    char *opts = m && strcmp(m->fstype, "cgroup2") == 0 ? xstrdup(m->super_opts) : NULL;
    mount_table_free(&t);
    return opts;
}

static void test_real_pure_v2(void **state)
{
    if (geteuid() != 0) {
        print_message("skipped: mounting cgroup2 needs root\n");
        skip();
    }
    struct nsl_paths paths;
    unsetenv("NSLAB_PROC_ROOT");
    unsetenv("NSLAB_CGROUP_ROOT");
    paths_init(&paths);
    cleanup_free struct cg_layout *L = xcalloc(1, sizeof *L);
    struct nsl_err e;
    if (cg_layout_detect(L, &paths, &e) < 0 || L->unified < 0) {
        print_message("skipped: no cgroup2 hierarchy here\n");
        skip();
    }
    /* The controller-less cgroup2 of a hybrid layout, with memory on v1 (the
     * view below counts on both); on pure v2 the tree is the real one. */
    int mh = L->ctrl_hier[CG_MEMORY];
    if (L->mode != CG_MODE_HYBRID || mh < 0 || L->hier[mh].version != 1) {
        print_message("skipped: needs v1 memory beside an empty cgroup2 (hybrid)\n");
        skip();
    }
    cleanup_free char *opts = live_cgroup2_opts(&paths, L->hier[L->unified].mount);
    assert_non_null(opts);
    prctl(PR_SET_NAME, "nslab");
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        int rc = pure_v2_child(opts);
        free(steal_pointer(&L)); /* _exit skips the cleanup attribute */
        free(steal_pointer(&opts));
        _exit(rc);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    /* The same v2 hierarchy, seen from here: nothing may be left. */
    char left[CG_PATH_MAX + 32];
    snprintf(left, sizeof left, "%s/nslab.%d", L->hier[L->unified].mount, pid);
    if (exists(left)) {
        rmdir(left); /* the child said why on stderr */
        fail_msg("%s was left behind", left);
    }
    assert_true(WIFEXITED(status));
    if (WEXITSTATUS(status) != 0)
        fail_msg("pure v2 view: step %d failed (see above)", WEXITSTATUS(status));
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
        cmocka_unit_test_setup_teardown(test_real_hierarchy, real_setup, real_teardown),
        cmocka_unit_test(test_real_pure_v2),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
