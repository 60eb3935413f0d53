#define _GNU_SOURCE
/* Unit tests of the trace (kernel/trace.c): recording, the one-line format
 * users read after each step, and the wire format between subject and
 * shell. The traced wrappers of kernel/sys.c are in test_sys.c. */
/* layer: kernel */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernel/sys.h"
#include "kernel/trace.h"
#include "util.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

/* The format of entry i of t, in a static buffer for easy comparison. */
static const char *fmt_ent(const struct trace *t, size_t i,
                           const char *(*pidfmt)(void *ctx, pid_t pid), void *ctx)
{
    static char line[512];
    struct strbuf sb = {0};
    assert_true(i < t->n);
    trace_ent_format(&t->v[i], &sb, pidfmt, ctx);
    snprintf(line, sizeof line, "%s", sb_str(&sb));
    sb_free(&sb);
    return line;
}

/* --- recording and formatting ------------------------------------------- */

static void test_format_success(void **state)
{
    struct trace t = {0};
    assert_null(trace_last(&t));
    trace_add(&t, "unshare", 0, 0, 0, "%s", "CLONE_NEWUTS");
    assert_int_equal(t.n, 1);
    assert_string_equal(t.v[0].call, "unshare");
    assert_string_equal(t.v[0].args, "CLONE_NEWUTS");
    assert_int_equal(t.v[0].ret, 0);
    assert_int_equal(t.v[0].err, 0);
    assert_ptr_equal(trace_last(&t), &t.v[0]);
    assert_string_equal(fmt_ent(&t, 0, NULL, NULL), "unshare(CLONE_NEWUTS) = 0");

    /* A stale errno passed with a success is not kept. */
    trace_add(&t, "sethostname", 0, EPERM, 0, "\"%s\", %d", "box", 3);
    assert_int_equal(t.v[1].err, 0);
    assert_string_equal(fmt_ent(&t, 1, NULL, NULL), "sethostname(\"box\", 3) = 0");

    /* Positive results print as numbers. */
    trace_add(&t, "open", 7, 0, 0, "\"/proc/self/ns/uts\"");
    assert_string_equal(fmt_ent(&t, 2, NULL, NULL), "open(\"/proc/self/ns/uts\") = 7");
    assert_ptr_equal(trace_last(&t), &t.v[2]);
    trace_free(&t);
}

static void test_format_failure(void **state)
{
    struct trace t = {0};
    trace_add(&t, "setns", -1, EPERM, 0, "%s, %s", "/proc/1234/ns/net", "CLONE_NEWNET");
    assert_int_equal(t.v[0].err, EPERM);
    assert_string_equal(fmt_ent(&t, 0, NULL, NULL),
                        "setns(/proc/1234/ns/net, CLONE_NEWNET) = -1 EPERM (Operation not permitted)");
    trace_add(&t, "unshare", -1, EINVAL, 0, "CLONE_NEWUSER");
    assert_string_equal(fmt_ent(&t, 1, NULL, NULL),
                        "unshare(CLONE_NEWUSER) = -1 EINVAL (Invalid argument)");
    trace_free(&t);
}

static const char *stable_pid(void *ctx, pid_t pid)
{
    static char buf[32];
    int *calls = ctx;
    (*calls)++;
    snprintf(buf, sizeof buf, "pid@%d", pid == 4242 ? 1 : 99);
    return buf;
}

static void test_format_ret_pid(void **state)
{
    struct trace t = {0};
    int calls = 0;
    trace_add(&t, "clone", 4242, 0, TRACE_RET_PID, "CLONE_NEWPID|SIGCHLD");
    assert_string_equal(fmt_ent(&t, 0, stable_pid, &calls), "clone(CLONE_NEWPID|SIGCHLD) = pid@1");
    assert_int_equal(calls, 1);
    /* Without a formatter the PID is printed as it is. */
    assert_string_equal(fmt_ent(&t, 0, NULL, NULL), "clone(CLONE_NEWPID|SIGCHLD) = 4242");

    /* A failed clone has no PID to format. */
    trace_add(&t, "clone", -1, EAGAIN, TRACE_RET_PID, "SIGCHLD");
    assert_string_equal(fmt_ent(&t, 1, stable_pid, &calls),
                        "clone(SIGCHLD) = -1 EAGAIN (Resource temporarily unavailable)");
    assert_int_equal(calls, 1);

    /* Only entries marked TRACE_RET_PID go through the formatter. */
    trace_add(&t, "unshare", 0, 0, 0, "CLONE_NEWUTS");
    assert_string_equal(fmt_ent(&t, 2, stable_pid, &calls), "unshare(CLONE_NEWUTS) = 0");
    assert_int_equal(calls, 1);
    trace_free(&t);
}

static void test_format_write(void **state)
{
    struct trace t = {0};
    trace_add(&t, "write", 0, 0, 0, "%s \"%s\"",
              "/sys/fs/cgroup/memory/nslab.4242/mem1/memory.limit_in_bytes", "67108864");
    assert_string_equal(
        fmt_ent(&t, 0, NULL, NULL),
        "write /sys/fs/cgroup/memory/nslab.4242/mem1/memory.limit_in_bytes \"67108864\" = 0");
    trace_add(&t, "write", -1, EACCES, 0, "%s \"%s\"", "/proc/77/timens_offsets",
              "monotonic 86400 0");
    assert_string_equal(
        fmt_ent(&t, 1, NULL, NULL),
        "write /proc/77/timens_offsets \"monotonic 86400 0\" = -1 EACCES (Permission denied)");
    trace_free(&t);
}

static void test_note(void **state)
{
    struct trace t = {0};
    trace_note(&t, "made every mount private (%s)", "MS_REC|MS_PRIVATE");
    assert_int_equal(t.n, 1);
    assert_true(t.v[0].flags & TRACE_NOTE);
    assert_string_equal(t.v[0].call, "#");
    assert_int_equal(t.v[0].ret, 0);
    assert_string_equal(fmt_ent(&t, 0, NULL, NULL), "# made every mount private (MS_REC|MS_PRIVATE)");
    trace_free(&t);
}

static void test_null_trace(void **state)
{
    /* Wrappers may be called without a trace: nothing is recorded. */
    trace_add(NULL, "unshare", 0, 0, 0, "CLONE_NEWUTS");
    trace_note(NULL, "nothing");
}

static void test_growth_clear_free(void **state)
{
    struct trace t = {0};
    for (int i = 0; i < 1000; i++)
        trace_add(&t, "kill", 0, 0, 0, "%d, SIGTERM", i);
    assert_int_equal(t.n, 1000);
    assert_string_equal(t.v[999].args, "999, SIGTERM");
    assert_string_equal(t.v[0].args, "0, SIGTERM");

    size_t cap = t.cap;
    trace_clear(&t);
    assert_int_equal(t.n, 0);
    assert_int_equal(t.cap, cap); /* kept for the next step */
    assert_null(trace_last(&t));
    trace_add(&t, "unshare", 0, 0, 0, "CLONE_NEWIPC");
    assert_int_equal(t.n, 1);

    trace_free(&t);
    assert_null(t.v);
    assert_int_equal(t.n, 0);
    assert_int_equal(t.cap, 0);
    trace_free(&t); /* twice is harmless */
}

/* --- trace_extend -------------------------------------------------------- */

static void test_extend(void **state)
{
    struct trace a = {0}, b = {0};
    trace_add(&a, "unshare", 0, 0, 0, "CLONE_NEWNS");
    trace_add(&b, "mount", -1, EINVAL, 0, "\"none\", \"/\", NULL, MS_REC|MS_PRIVATE, NULL");
    trace_note(&b, "a note");
    trace_add(&b, "clone", 31337, 0, TRACE_RET_PID, "SIGCHLD");

    trace_extend(&a, &b);
    assert_int_equal(a.n, 4);
    assert_int_equal(b.n, 3);
    assert_string_equal(a.v[1].call, "mount");
    assert_int_equal(a.v[1].ret, -1);
    assert_int_equal(a.v[1].err, EINVAL);
    assert_true(a.v[2].flags & TRACE_NOTE);
    assert_int_equal(a.v[3].flags, TRACE_RET_PID);
    assert_int_equal(a.v[3].ret, 31337);

    /* Deep copies: the source can go away. */
    assert_ptr_not_equal(a.v[1].call, b.v[0].call);
    assert_ptr_not_equal(a.v[1].args, b.v[0].args);
    trace_free(&b);
    assert_string_equal(fmt_ent(&a, 1, NULL, NULL),
                        "mount(\"none\", \"/\", NULL, MS_REC|MS_PRIVATE, NULL) = -1 EINVAL "
                        "(Invalid argument)");

    /* Extending by an empty trace changes nothing. */
    trace_extend(&a, &b);
    assert_int_equal(a.n, 4);
    trace_free(&a);

    /* Into an empty trace. */
    struct trace c = {0}, d = {0};
    trace_add(&d, "kill", 0, 0, 0, "1, SIGKILL");
    trace_extend(&c, &d);
    assert_int_equal(c.n, 1);
    assert_string_equal(c.v[0].args, "1, SIGKILL");
    trace_free(&c);
    trace_free(&d);
}

/* --- wire format -------------------------------------------------------- */

static void fill_sample(struct trace *t)
{
    trace_add(t, "unshare", 0, 0, 0, "CLONE_NEWUTS|CLONE_NEWPID");
    trace_add(t, "setns", -1, EPERM, 0, "/proc/1/ns/net, CLONE_NEWNET");
    trace_add(t, "clone", 4194304, 0, TRACE_RET_PID, "SIGCHLD");
    trace_note(t, "pid_for_children is pending: \"no init yet\"");
    trace_add(t, "write", 0, 0, 0, "/tmp/x \"a b\tc\n\xe5\x91\xbd\"");
    trace_add(t, "sethostname", 0, 0, 0, "%s", ""); /* empty args */
}

static void assert_same_trace(const struct trace *a, const struct trace *b)
{
    assert_int_equal(a->n, b->n);
    for (size_t i = 0; i < a->n; i++) {
        assert_string_equal(a->v[i].call, b->v[i].call);
        assert_string_equal(a->v[i].args, b->v[i].args);
        assert_int_equal(a->v[i].ret, b->v[i].ret);
        assert_int_equal(a->v[i].err, b->v[i].err);
        assert_int_equal(a->v[i].flags, b->v[i].flags);
    }
}

static void test_pack_round_trip(void **state)
{
    struct trace t = {0}, u = {0};
    struct strbuf sb = {0};
    fill_sample(&t);
    trace_pack(&t, &sb);
    assert_int_equal(trace_unpack(&u, sb.buf, sb.len), (ssize_t)sb.len);
    assert_same_trace(&t, &u);

    /* unpack appends to what is there. */
    assert_int_equal(trace_unpack(&u, sb.buf, sb.len), (ssize_t)sb.len);
    assert_int_equal(u.n, 2 * t.n);
    assert_string_equal(u.v[t.n].call, "unshare");

    trace_free(&t);
    trace_free(&u);
    sb_free(&sb);
}

static void test_pack_empty(void **state)
{
    struct trace t = {0}, u = {0};
    struct strbuf sb = {0};
    trace_pack(&t, &sb);
    assert_int_equal(sb.len, 2);
    assert_int_equal(trace_unpack(&u, sb.buf, sb.len), 2);
    assert_int_equal(u.n, 0);
    trace_free(&u);
    sb_free(&sb);
}

static void test_pack_several_in_one_buffer(void **state)
{
    /* Messages may follow each other: unpack reports what it consumed. */
    struct trace t1 = {0}, t2 = {0}, u = {0};
    struct strbuf sb = {0};
    trace_add(&t1, "unshare", 0, 0, 0, "CLONE_NEWIPC");
    trace_add(&t2, "kill", -1, ESRCH, 0, "99, SIGTERM");
    trace_add(&t2, "kill", 0, 0, 0, "98, SIGTERM");
    trace_pack(&t1, &sb);
    size_t first = sb.len;
    trace_pack(&t2, &sb);

    ssize_t used = trace_unpack(&u, sb.buf, sb.len);
    assert_int_equal(used, (ssize_t)first);
    assert_same_trace(&t1, &u);
    trace_clear(&u);
    assert_int_equal(trace_unpack(&u, sb.buf + used, sb.len - (size_t)used),
                     (ssize_t)(sb.len - first));
    assert_same_trace(&t2, &u);

    trace_free(&t1);
    trace_free(&t2);
    trace_free(&u);
    sb_free(&sb);
}

static void test_unpack_truncated(void **state)
{
    struct trace t = {0}, u = {0};
    struct strbuf sb = {0};
    fill_sample(&t);
    trace_pack(&t, &sb);
    /* Every proper prefix is incomplete, and leaves the target as it was. */
    trace_add(&u, "kept", 0, 0, 0, "x");
    for (size_t len = 0; len < sb.len; len++) {
        if (trace_unpack(&u, sb.buf, len) != -1)
            fail_msg("a prefix of %zu of %zu bytes was accepted", len, sb.len);
        if (u.n != 1)
            fail_msg("a failed unpack of %zu bytes left %zu entries (expected 1)", len, u.n);
    }
    assert_string_equal(u.v[0].call, "kept");
    trace_free(&t);
    trace_free(&u);
    sb_free(&sb);
}

static void unpack_bad(const char *buf, size_t len, const char *why)
{
    struct trace u = {0};
    if (trace_unpack(&u, buf, len) != -1)
        fail_msg("malformed buffer accepted: %s", why);
    if (u.n != 0)
        fail_msg("malformed buffer (%s) left %zu entries", why, u.n);
    trace_free(&u);
}

#define BAD(lit, why) unpack_bad(lit, sizeof(lit) - 1, why)

static void test_unpack_malformed(void **state)
{
    BAD("", "empty");
    BAD("1", "count without NUL");
    BAD("x\0", "count not a number");
    BAD("-1\0", "negative count");
    BAD(" 1\0", "count with a space");
    BAD("100001\0", "absurd count");
    BAD("1\0unshare\0CLONE_NEWUTS\0zero\0" "0\0" "0\0", "ret not a number");
    BAD("1\0unshare\0CLONE_NEWUTS\0-5000\0" "0\0" "0\0", "ret below -4096");
    BAD("1\0unshare\0CLONE_NEWUTS\0" "0\0-1\0" "0\0", "negative errno");
    BAD("1\0unshare\0CLONE_NEWUTS\0" "0\0" "5000\0" "0\0", "errno too large");
    BAD("1\0unshare\0CLONE_NEWUTS\0" "0\0" "0\0" "70000\0", "flags too large");
    BAD("1\0unshare\0CLONE_NEWUTS\0" "0\0" "0\0" "0", "last field without NUL");
    BAD("2\0unshare\0CLONE_NEWUTS\0" "0\0" "0\0" "0\0", "count larger than the entries");
    BAD("2\0unshare\0CLONE_NEWUTS\0" "0\0" "0\0" "0\0" "x\0y\0" "0\0" "0\0" "q\0",
        "second entry malformed");

    /* And a well-formed one written by hand, to pin the format down. */
    static const char good[] = "1\0setns\0fd, CLONE_NEWNET\0-1\0" "1\0" "0\0";
    struct trace u = {0};
    assert_int_equal(trace_unpack(&u, good, sizeof good - 1), (ssize_t)(sizeof good - 1));
    assert_int_equal(u.n, 1);
    assert_string_equal(fmt_ent(&u, 0, NULL, NULL),
                        "setns(fd, CLONE_NEWNET) = -1 EPERM (Operation not permitted)");
    trace_free(&u);
}

/* --- sys.h: flags, paths and harmless traced calls ----------------------- */

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format_success),
        cmocka_unit_test(test_format_failure),
        cmocka_unit_test(test_format_ret_pid),
        cmocka_unit_test(test_format_write),
        cmocka_unit_test(test_note),
        cmocka_unit_test(test_null_trace),
        cmocka_unit_test(test_growth_clear_free),
        cmocka_unit_test(test_extend),
        cmocka_unit_test(test_pack_round_trip),
        cmocka_unit_test(test_pack_empty),
        cmocka_unit_test(test_pack_several_in_one_buffer),
        cmocka_unit_test(test_unpack_truncated),
        cmocka_unit_test(test_unpack_malformed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
