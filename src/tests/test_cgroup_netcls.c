#define _GNU_SOURCE
/* net_cls: the class ID's syntax and range, the hierarchy nslab mounts
 * nowhere when no mount shows net_cls (its subsystems from /proc/cgroups,
 * its place in the layout), and the class ID written on fake v1 and
 * hybrid trees. */
/* layer: kernel */
#include "cgroup_fake.h"

static void test_classid_parse(void **state)
{
    uint32_t id;
    struct nsl_err e;
    assert_int_equal(cg_classid_parse("0x100001", &id, &e), 0);
    assert_int_equal(id, 0x100001);
    assert_int_equal(cg_classid_parse("1048577", &id, &e), 0);
    assert_int_equal(id, 0x100001);
    assert_int_equal(cg_classid_parse("0xFFFFffff", &id, &e), 0);
    assert_int_equal(id, 0xffffffffu);
    assert_int_equal(cg_classid_parse("0", &id, &e), 0);
    assert_int_equal(id, 0);
    static const char *const bad[] = {"0x100000000", "4294967296", "99999999999999999999999",
                                      "zz", "", "0x", "-1", "0x10 0001", "10:1"};
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        e = (struct nsl_err){0};
        if (cg_classid_parse(bad[i], &id, &e) == 0)
            fail_msg("'%s' parsed", bad[i]);
        assert_true(e.usage);
        assert_null(strchr(e.msg, '\n'));
    }
    assert_int_equal(cg_classid_parse("0x100000000", &id, &e), -1);
    assert_non_null(strstr(e.msg, "out of range"));
}

static void test_peers(void **state)
{
    char out[128];
    cleanup_free char *pc = fixture("proc-cgroups.txt");
    assert_int_equal(cg_proc_cgroups_peers(pc, "net_cls", out, sizeof out), 0);
    assert_string_equal(out, "net_cls");
    assert_int_equal(cg_proc_cgroups_peers(pc, "memory", out, sizeof out), 4);
    assert_string_equal(out, "memory");
    assert_int_equal(cg_proc_cgroups_peers(pc, "nosuch", out, sizeof out), -1);
    const char *shared = "#subsys_name\thierarchy\tnum_cgroups\tenabled\n"
                         "cpu\t1\t1\t1\nnet_cls\t9\t3\t1\nperf_event\t0\t1\t1\nnet_prio\t9\t3\t1\n";
    assert_int_equal(cg_proc_cgroups_peers(shared, "net_cls", out, sizeof out), 9);
    assert_string_equal(out, "net_cls,net_prio");
}

static void check_classid(struct fake *f, struct cg_session *s)
{
    struct trace t = {0};
    struct nsl_err e;
    const struct cg_group *g = must_create(s, CG_NET_CLS, NULL, "web", -1, &t);
    assert_int_equal(g->version, 1);
    assert_int_equal(cg_set_classid(s, g, 0x100001, &t, &e), 0);
    assert_trace_has(&t, "write %s/net_cls.classid \"1048577\" = 0", g->dir);
    assert_string_equal(read_at(g->dir, "net_cls.classid"), "1048577");
    struct cg_stats st;
    assert_int_equal(cg_read_stats(s, g, &st, &e), 0);
    assert_string_equal(cg_stats_get(&st, "net_cls.classid", NULL), "1048577");
    cg_stats_free(&st);
    const struct cg_group *p = must_create(s, CG_PIDS, NULL, NULL, -1, &t);
    assert_int_equal(cg_set_classid(s, p, 1, &t, &e), -1);
    assert_true(e.usage);
    assert_int_equal(cg_session_cleanup(s, &t, &e), 0);
    cg_session_free(s);
    trace_free(&t);
}

static void test_v1_classid(void **state)
{
    struct fake *f = fake_v1();
    assert_true(f->L.ctrl_hier[CG_NET_CLS] >= 0);
    struct cg_session s;
    fake_session(f, &s, 4242);
    check_classid(f, &s);
    fake_free(f);
}

/* Hybrid and pure v2 show no net_cls: the hierarchy nslab mounts nowhere
 * joins the layout (here a directory standing for the detached mount). */
static void test_detached(void **state)
{
    struct fake *f = fake_hybrid();
    assert_int_equal(f->L.ctrl_hier[CG_NET_CLS], -1);
    struct nsl_err e;
    assert_null(cg_layout_hier(&f->L, CG_NET_CLS, &e));
    char mnt[700];
    snprintf(mnt, sizeof mnt, "%s/detached-fd", f->tmp);
    size_t before = f->L.nhier;
    int i = cg_layout_add_v1(&f->L, mnt, "net_cls", &e);
    assert_int_equal(i, (int)before);
    assert_int_equal(f->L.ctrl_hier[CG_NET_CLS], i);
    assert_int_equal(f->L.hier[i].version, 1);
    assert_int_equal(f->L.mode, CG_MODE_HYBRID);
    mkdir_p(mnt);
    fake_populate(f, mnt, true);
    struct cg_session s;
    fake_session(f, &s, 4242);
    check_classid(f, &s);
    fake_free(f);

    f = fake_v2();
    assert_int_equal(f->L.mode, CG_MODE_UNIFIED);
    assert_true(cg_layout_add_v1(&f->L, "/proc/1/fd/9", "net_cls,net_prio", &e) >= 0);
    assert_int_equal(f->L.mode, CG_MODE_HYBRID);
    assert_true(f->L.ctrl_hier[CG_NET_CLS] >= 0);
    fake_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_classid_parse),
        cmocka_unit_test(test_peers),
        cmocka_unit_test(test_v1_classid),
        cmocka_unit_test(test_detached),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
