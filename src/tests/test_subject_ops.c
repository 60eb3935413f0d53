/* The subject's typed operations (src/subject/op_*.c): a request packed by
 * its X_req_pack goes through the wire's shape (fixed part, strings,
 * descriptors) to the operation, run here in-process, and the reply names
 * the stage that failed without the trace. */
/* layer: subject */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "nslab.h"
#include "subject/ops.h"

/* What subject_serve_one hands an operation, made from a request. */
struct msg {
    struct subj_msg m;
    char **str;
};

static void to_msg(const struct subj_req *rq, struct msg *out)
{
    out->str = calloc((size_t)rq->nstr + 1, sizeof *out->str);
    for (int k = 0; k < rq->nstr; k++)
        out->str[k] = (char *)rq->str[k];
    out->m = (struct subj_msg){.op = rq->op,
                               .nargs = rq->nargs,
                               .args = rq->args,
                               .nstr = rq->nstr,
                               .str = out->str,
                               .nfd = rq->nfd,
                               .fd = (int *)rq->fd};
}

static struct nsl sh;
static struct subj_ctx cx = {.sh = &sh, .ctl = -1, .evt = -1, .sfd = -1};

static void test_uts_read(void **state)
{
    cleanup_subj_req struct subj_req rq = {0};
    uts_req_pack(&rq, &(struct uts_req){.what = UTS_READ});
    assert_int_equal(rq.op, SOP_UTS);
    assert_int_equal(rq.nstr, 0);
    struct msg m;
    to_msg(&rq, &m);
    cleanup_subj_rep struct subj_rep rep = {0};
    op_uts(&cx, &m.m, &rep);
    free(m.str);
    assert_int_equal(rep.ret, 0);
    struct uts_rep names;
    subj_rep_get(&rep, &names, sizeof names);
    struct utsname u;
    uname(&u);
    assert_string_equal(names.hostname, u.nodename);
    assert_string_equal(names.domainname, u.domainname);
}

/* A target that is not there: the stage says so (the hint "create the
 * directory first" hangs on it), and the reply comes back whole. */
static void test_mount_missing_target(void **state)
{
    const int created[] = {12, 40};
    const ino_t made[] = {4026532177};
    struct mount_req r = {.verb = MV_UMOUNT, .target = "/nonexistent-nslab-test/dir",
                          .created = created, .ncreated = 2, .made_mntns = made, .nmade = 1};
    cleanup_subj_req struct subj_req rq = {0};
    mount_req_pack(&rq, &r);
    assert_int_equal(rq.nstr, 3); /* the target, the IDs, the inodes */
    assert_string_equal(rq.str[1], "12 40");
    assert_string_equal(rq.str[2], "4026532177");
    struct msg m;
    to_msg(&rq, &m);
    cleanup_subj_rep struct subj_rep rep = {0};
    op_mount(&cx, &m.m, &rep);
    free(m.str);
    assert_int_equal(rep.ret, -1);
    assert_int_equal(rep.err, ENOENT);
    struct mount_rep out;
    assert_int_equal(mount_rep_unpack(&rep, &out), 0);
    assert_int_equal(out.failed, MOUNT_FAILED_TARGET);
    assert_non_null(out.error);
    assert_non_null(strstr(out.error, "/nonexistent-nslab-test/dir"));
    assert_null(out.r.target);
    assert_int_equal(out.r.n_added, 0);
    mount_rep_free(&out);

    /* A reply without the fixed part is malformed. */
    rep.nout = 3;
    assert_int_equal(mount_rep_unpack(&rep, &out), -1);
    mount_rep_free(&out);
}

/* A malformed request is refused before any call. */
static void test_mount_bad_request(void **state)
{
    cleanup_subj_req struct subj_req rq = {0};
    mount_req_pack(&rq, &(struct mount_req){.verb = MV_BIND, .source = "/a", .target = "/b"});
    struct msg m;
    to_msg(&rq, &m);
    m.m.nstr = 3; /* one string short */
    cleanup_subj_rep struct subj_rep rep = {0};
    op_mount(&cx, &m.m, &rep);
    free(m.str);
    assert_int_equal(rep.ret, -1);
    assert_int_equal(rep.err, EINVAL);
    assert_int_equal(rep.trace.n, 0);
}

/* Which of several setns calls failed, and its type, come as data. */
static void test_setns_failed_index(void **state)
{
    int own = open("/proc/self/ns/uts", O_RDONLY | O_CLOEXEC);
    int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
    assert_true(own >= 0 && null >= 0);
    struct setns_req r = {.n = 2,
                          .fd = {own, null},
                          .nstype = {CLONE_NEWUTS, CLONE_NEWNET},
                          .shown = {"/proc/self/ns/uts", "/dev/null"}};
    cleanup_subj_req struct subj_req rq = {0};
    setns_req_pack(&rq, &r);
    assert_int_equal(rq.nfd, 2);
    struct msg m;
    to_msg(&rq, &m);
    cleanup_subj_rep struct subj_rep rep = {0};
    op_setns(&cx, &m.m, &rep);
    free(m.str);
    close(own);
    close(null);
    assert_int_equal(rep.ret, -1);
    struct setns_rep out;
    subj_rep_get(&rep, &out, sizeof out);
    /* Root may enter its own UTS namespace; then /dev/null, no namespace,
     * fails. Without CAP_SYS_ADMIN the first one fails already. */
    if (rep.err == EPERM) {
        assert_int_equal(out.failed, 0);
        assert_int_equal(out.nstype, CLONE_NEWUTS);
    } else {
        assert_int_equal(rep.err, EINVAL);
        assert_int_equal(out.failed, 1);
        assert_int_equal(out.nstype, CLONE_NEWNET);
    }
}

static void test_unshare_stage(void **state)
{
    cleanup_subj_req struct subj_req rq = {0};
    unshare_req_pack(&rq, &(struct unshare_req){.flags = -1});
    struct msg m;
    to_msg(&rq, &m);
    cleanup_subj_rep struct subj_rep rep = {0};
    op_unshare(&cx, &m.m, &rep);
    free(m.str);
    assert_int_equal(rep.ret, -1);
    assert_int_equal(rep.err, EINVAL);
    struct unshare_rep out;
    subj_rep_get(&rep, &out, sizeof out);
    assert_int_equal(out.failed, UNSHARE_FAILED_CALL);
    assert_string_equal(unshare_stage_call(out.failed), "unshare");
    assert_string_equal(unshare_stage_call(UNSHARE_FAILED_MAP), "write");
    assert_string_equal(unshare_stage_call(UNSHARE_FAILED_PROPAGATION), "mount");
}

/* A reply shorter than the struct leaves the rest zero. */
static void test_rep_get_short(void **state)
{
    struct subj_rep rep = {0};
    int one = 7;
    subj_rep_set(&rep, &one, sizeof one);
    struct spawn_rep out;
    memset(&out, 0xff, sizeof out);
    subj_rep_get(&rep, &out, sizeof out);
    assert_int_equal((int)out.failed, 7);
    assert_int_equal(out.pid, 0);
    assert_int_equal(out.mnt_ns, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_uts_read),
        cmocka_unit_test(test_mount_missing_target),
        cmocka_unit_test(test_mount_bad_request),
        cmocka_unit_test(test_setns_failed_index),
        cmocka_unit_test(test_unshare_stage),
        cmocka_unit_test(test_rep_get_short),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
