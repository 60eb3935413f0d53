#define _GNU_SOURCE
/* perf_event: where the layout puts it (v1 when a hierarchy holds it;
 * implicit on v2, the hybrid's cgroup2 mount included; nowhere on a legacy
 * layout without one, until nslab mounts one), cgcreate perf_event on fake
 * v1, v2 and hybrid trees, the CPU list perf counts on, and the count's
 * refusal of a directory that is no cgroup. */
/* layer: kernel */
#include "cgroup_fake.h"
#include "kernel/perf.h"

#include <unistd.h>

static void test_ctrl_word(void **state)
{
    enum cg_ctrl c;
    struct nsl_err e;
    assert_int_equal(cg_ctrl_parse("perf_event", &c, &e), 0);
    assert_int_equal(c, CG_PERF_EVENT);
    assert_int_equal(cg_ctrl_parse("perf", &c, &e), -1);
    assert_true(e.usage);
    assert_non_null(strstr(e.msg, "perf_event"));
}

/* A v1 layout that mounts perf_event (beside net_cls, as systemd does on
 * some machines): the v1 hierarchy holds it, and a cgroup2 mount beside
 * it does not get it. */
static void test_layout_v1_mounted(void **state)
{
    const char *mi =
        "24 18 0:20 / /sys/fs/cgroup ro - tmpfs tmpfs ro,mode=755\n"
        "29 24 0:25 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n"
        "34 24 0:30 / /sys/fs/cgroup/perf_event rw - cgroup cgroup rw,perf_event\n"
        "41 24 0:38 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw\n";
    struct cg_layout L;
    struct nsl_err e;
    assert_int_equal(cg_layout_parse_mountinfo(&L, mi, "/sys/fs/cgroup", &e), 0);
    cg_layout_assign(&L, ~0u, "");
    int h = L.ctrl_hier[CG_PERF_EVENT];
    assert_true(h >= 0);
    assert_int_equal(L.hier[h].version, 1);
    assert_string_equal(L.hier[h].mount, "/sys/fs/cgroup/perf_event");
}

static void test_layout_fakes(void **state)
{
    struct nsl_err e;
    /* v2: every cgroup2 directory counts, no controller to enable */
    struct fake *f = fake_v2();
    int h = f->L.ctrl_hier[CG_PERF_EVENT];
    assert_int_equal(h, f->L.unified);
    struct strbuf sb = {0};
    cg_layout_format(&f->L, &sb);
    assert_non_null(strstr(sb_str(&sb), "perf_event is implicit on v2"));
    sb_free(&sb);
    fake_free(f);
    /* hybrid without a v1 perf_event mount (this machine): the cgroup2 mount */
    f = fake_hybrid();
    assert_int_equal(f->L.ctrl_hier[CG_PERF_EVENT], f->L.unified);
    fake_free(f);
    /* legacy without one: nowhere, and the layout says nslab mounts one
     * in the subject's mount namespace */
    f = fake_v1();
    assert_int_equal(f->L.ctrl_hier[CG_PERF_EVENT], -1);
    assert_null(cg_layout_hier(&f->L, CG_PERF_EVENT, &e));
    cg_layout_format(&f->L, &sb);
    assert_non_null(strstr(sb_str(&sb), "in the subject's mount namespace"));
    sb_free(&sb);
    fake_free(f);
}

static void check_create(struct fake *f, int version, const char *mount)
{
    struct cg_session s;
    fake_session(f, &s, 4242);
    struct trace t = {0};
    struct nsl_err e;
    const struct cg_group *g = must_create(&s, CG_PERF_EVENT, NULL, NULL, -1, &t);
    assert_string_equal(g->name, "perf1");
    assert_int_equal(g->version, version);
    char want[900];
    snprintf(want, sizeof want, "%s/nslab.4242/perf1", mount);
    assert_string_equal(g->dir, want);
    assert_true(exists(want));
    /* v2 enables no controller for it: perf_event is implicit */
    cleanup_free char *tt = trace_text(&t);
    assert_null(strstr(tt, "perf_event\" = 0"));
    assert_null(strstr(tt, "subtree_control"));
    /* no limit */
    struct cg_limit lim;
    assert_int_equal(cg_limit_parse(CG_PERF_EVENT, "1", &lim, &e), -1);
    if (version == 2) {
        write_at(g->dir, "cpu.stat", "usage_usec 777\n");
        struct cg_stats st;
        assert_int_equal(cg_read_stats(&s, g, &st, &e), 0);
        assert_true(st.usage.known);
        assert_int_equal(st.usage.v, 777);
        cg_stats_free(&st);
    }
    assert_int_equal(cg_session_cleanup(&s, &t, &e), 0);
    assert_false(exists(want));
    cg_session_free(&s);
    trace_free(&t);
}

static void test_create(void **state)
{
    struct fake *f = fake_v2();
    check_create(f, 2, f->L.hier[f->L.unified].mount);
    fake_free(f);
    f = fake_hybrid();
    check_create(f, 2, f->L.hier[f->L.unified].mount);
    fake_free(f);
    /* legacy: the hierarchy nslab mounted (a directory standing for its
     * root, as /proc/PID/fd/N would) joins the layout */
    f = fake_v1();
    struct nsl_err e;
    char mnt[700];
    snprintf(mnt, sizeof mnt, "%s/perf-root", f->tmp);
    int i = cg_layout_add_v1(&f->L, mnt, "perf_event", &e);
    assert_true(i >= 0);
    assert_int_equal(f->L.ctrl_hier[CG_PERF_EVENT], i);
    assert_int_equal(f->L.mode, CG_MODE_LEGACY);
    mkdir_p(mnt);
    fake_populate(f, mnt, true);
    check_create(f, 1, mnt);
    fake_free(f);
}

static void test_cpus_parse(void **state)
{
    int c[8];
    assert_int_equal(perf_cpus_parse("0-1\n", c, 8), 2);
    assert_int_equal(c[0], 0);
    assert_int_equal(c[1], 1);
    assert_int_equal(perf_cpus_parse("0,2-4,7\n", c, 8), 5);
    assert_int_equal(c[1], 2);
    assert_int_equal(c[3], 4);
    assert_int_equal(c[4], 7);
    assert_int_equal(perf_cpus_parse("3", c, 8), 1);
    assert_int_equal(c[0], 3);
    static const char *const bad[] = {"", "\n", "a", "1-", "2-1", "0,,1", "-1", "0-9"};
    for (size_t k = 0; k < ARRAY_SIZE(bad); k++)
        if (perf_cpus_parse(bad[k], c, 8) >= 0)
            fail_msg("'%s' parsed", bad[k]);
}

/* A directory that is no cgroup: perf_event_open refuses it, one line
 * that says so, and nothing is left open. */
static void test_count_not_a_cgroup(void **state)
{
    char dir[] = "/tmp/nslab-perftest.XXXXXX";
    assert_non_null(mkdtemp(dir));
    char online[64];
    snprintf(online, sizeof online, "%s/online", dir);
    write_text(online, "0\n");
    struct trace t = {0};
    struct nsl_err e = {0};
    struct perf_counts pc;
    assert_int_equal(perf_cgroup_count(&t, dir, online, 10, &pc, &e), -1);
    assert_null(strchr(e.msg, '\n'));
    if (e.errnum == EBADF) /* root; else perf_event_paranoid refused first */
        assert_non_null(strstr(e.msg, "in no perf_event hierarchy"));
    /* a file that is no CPU list */
    write_text(online, "x\n");
    assert_int_equal(perf_cgroup_count(&t, dir, online, 10, &pc, &e), -1);
    assert_non_null(strstr(e.msg, "CPU list"));
    unlink(online);
    rmdir(dir);
    trace_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ctrl_word),
        cmocka_unit_test(test_layout_v1_mounted),
        cmocka_unit_test(test_layout_fakes),
        cmocka_unit_test(test_create),
        cmocka_unit_test(test_cpus_parse),
        cmocka_unit_test(test_count_not_a_cgroup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
