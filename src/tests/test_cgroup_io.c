#define _GNU_SOURCE
/* The io controller's throttles (v1 blkio.throttle.*_device, v2 io.max) and
 * the bytes done (v1 blkio.throttle.io_service_bytes, v2 io.stat) on fake
 * v1, hybrid and v2 trees; the words and the DEVICE argument. */
/* layer: kernel */
#include "cgroup_fake.h"

#include "kernel/loopdev.h"

static void test_words(void **state)
{
    enum cg_io_what w;
    assert_int_equal(cg_io_what_parse("write_bps", &w), 0);
    assert_int_equal(w, CG_IO_WRITE_BPS);
    assert_int_equal(cg_io_what_parse("read_iops", &w), 0);
    assert_int_equal(w, CG_IO_READ_IOPS);
    assert_int_equal(cg_io_what_parse("wbps", &w), -1);
    enum cg_ctrl c;
    struct nsl_err e;
    assert_int_equal(cg_ctrl_parse("blkio", &c, &e), 0);
    assert_int_equal(c, CG_IO);
    unsigned maj, min;
    assert_int_equal(blockdev_parse("7:3", &maj, &min, &e), 0);
    assert_int_equal(maj, 7);
    assert_int_equal(min, 3);
    e = (struct nsl_err){0};
    assert_int_equal(blockdev_parse("/dev/null", &maj, &min, &e), -1); /* a char device */
    assert_true(e.usage);
    assert_int_equal(blockdev_parse("/nonexistent/dev", &maj, &min, &e), -1);
    assert_int_equal(blockdev_parse("7:", &maj, &min, &e), -1);
}

static void check_v1(struct fake *f)
{
    struct cg_session s;
    fake_session(f, &s, 4242);
    struct trace t = {0};
    struct nsl_err e;
    const struct cg_group *g = must_create(&s, CG_IO, NULL, "disk", -1, &t);
    assert_int_equal(g->version, 1);
    assert_non_null(strstr(g->dir, "/blkio/"));
    assert_int_equal(cg_set_io(&s, g, CG_IO_WRITE_BPS, 7, 0, 4194304, &t, &e), 0);
    assert_trace_has(&t, "write %s/blkio.throttle.write_bps_device \"7:0 4194304\" = 0", g->dir);
    assert_int_equal(cg_set_io(&s, g, CG_IO_READ_IOPS, 7, 0, 100, &t, &e), 0);
    assert_trace_has(&t, "write %s/blkio.throttle.read_iops_device \"7:0 100\" = 0", g->dir);
    assert_int_equal(cg_set_io(&s, g, CG_IO_WRITE_BPS, 7, 0, 0, &t, &e), 0); /* none */
    assert_trace_has(&t, "write %s/blkio.throttle.write_bps_device \"7:0 0\" = 0", g->dir);
    write_at(g->dir, "blkio.throttle.io_service_bytes",
             "7:0 Read 0\n7:0 Write 8388608\n7:0 Total 8388608\nTotal 8388608\n");
    struct cg_stats st;
    assert_int_equal(cg_read_stats(&s, g, &st, &e), 0);
    assert_true(st.usage.known);
    assert_int_equal(st.usage.v, 8388608);
    cg_stats_free(&st);
    const struct cg_group *p = must_create(&s, CG_PIDS, NULL, NULL, -1, &t);
    assert_int_equal(cg_set_io(&s, p, CG_IO_WRITE_BPS, 7, 0, 1, &t, &e), -1);
    assert_true(e.usage);
    assert_int_equal(cg_session_cleanup(&s, &t, &e), 0);
    cg_session_free(&s);
    trace_free(&t);
}

static void test_v1(void **state)
{
    struct fake *f = fake_v1();
    check_v1(f);
    fake_free(f);
    f = fake_hybrid();
    check_v1(f);
    fake_free(f);
}

static void test_v2(void **state)
{
    struct fake *f = fake_v2();
    struct cg_session s;
    fake_session(f, &s, 4242);
    struct trace t = {0};
    struct nsl_err e;
    const struct cg_group *g = must_create(&s, CG_IO, NULL, "disk", -1, &t);
    assert_int_equal(g->version, 2);
    assert_trace_has(&t, "write %s/cgroup.subtree_control \"+io\" = 0", s.parent[g->hier]);
    assert_int_equal(cg_set_io(&s, g, CG_IO_WRITE_BPS, 7, 0, 4194304, &t, &e), 0);
    assert_trace_has(&t, "write %s/io.max \"7:0 wbps=4194304\" = 0", g->dir);
    assert_int_equal(cg_set_io(&s, g, CG_IO_WRITE_IOPS, 7, 0, 0, &t, &e), 0);
    assert_trace_has(&t, "write %s/io.max \"7:0 wiops=max\" = 0", g->dir);
    write_at(g->dir, "io.stat", "7:0 rbytes=4096 wbytes=8388608 rios=1 wios=32 dbytes=0 dios=0\n"
                                "8:0 rbytes=0 wbytes=512 rios=0 wios=1 dbytes=0 dios=0\n");
    struct cg_stats st;
    assert_int_equal(cg_read_stats(&s, g, &st, &e), 0);
    assert_true(st.usage.known);
    assert_int_equal(st.usage.v, 4096 + 8388608 + 512);
    assert_non_null(cg_stats_get(&st, "io.pressure", NULL));
    cg_stats_free(&st);
    assert_int_equal(cg_session_cleanup(&s, &t, &e), 0);
    cg_session_free(&s);
    trace_free(&t);
    fake_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_words),
        cmocka_unit_test(test_v1),
        cmocka_unit_test(test_v2),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
