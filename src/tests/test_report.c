#define _GNU_SOURCE
/* Unit tests of session/report.c: one print call writes the step's text
 * and its result's field; nesting; typed PIDs and inodes labelled alike in
 * both with --stable; failures worded as err.c words them. */
/* layer: session */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "nslab.h"
#include "session/report.h"

static int setup(void **state)
{
    struct nsl *sh = xcalloc(1, sizeof *sh);
    *state = sh;
    return 0;
}

static void step_clear(struct step *st)
{
    sb_free(&st->out);
    if (st->result)
        cJSON_Delete(st->result);
    memset(st, 0, sizeof *st);
}

static int teardown(void **state)
{
    struct nsl *sh = *state;
    step_clear(&sh->step);
    labels_free(&sh->labels);
    free(sh);
    return 0;
}

/* The result as one line of JSON. */
static char *result_text(struct nsl *sh)
{
    assert_non_null(sh->step.result);
    return cJSON_PrintUnformatted(sh->step.result);
}

static void assert_result(struct nsl *sh, const char *want)
{
    char *got = result_text(sh);
    assert_string_equal(got, want);
    cJSON_free(got);
}

static void test_one_call_both(void **state)
{
    struct nsl *sh = *state;
    print_string(sh, PRINT_ANY, "state", "%-8s|", "RUNNING");
    print_int(sh, PRINT_ANY, "job", "%%%lld ", 3);
    print_uint(sh, PRINT_FP, "ignored", "%llu\n", 7);
    print_bool(sh, PRINT_JSON, "alive", "never %s", true);
    print_string(sh, PRINT_JSON, "before", NULL, NULL);
    print_null(sh, "id");
    print_double(sh, PRINT_JSON, "secs", NULL, 1.5);
    assert_string_equal(sb_str(&sh->step.out), "RUNNING |%3 7\n");
    assert_result(sh, "{\"state\":\"RUNNING\",\"job\":3,\"alive\":true,\"before\":null,\"id\":null,"
                      "\"secs\":1.5}");
}

static void test_no_json_no_result(void **state)
{
    struct nsl *sh = *state;
    print_string(sh, PRINT_FP, NULL, "%s\n", "text only");
    out_printf(sh, "more %d\n", 2);
    assert_null(sh->step.result);
    assert_string_equal(sb_str(&sh->step.out), "text only\nmore 2\n");
}

static void test_nesting(void **state)
{
    struct nsl *sh = *state;
    print_int(sh, PRINT_JSON, "n", NULL, 1);
    open_json_array(sh, "rows");
    for (int k = 0; k < 2; k++) {
        open_json_object(sh, NULL);
        print_int(sh, PRINT_ANY, "k", "%lld;", k);
        open_json_array(sh, "v");
        print_int(sh, PRINT_JSON, NULL, NULL, k * 10);
        close_json_array(sh);
        close_json_object(sh);
    }
    close_json_array(sh);
    unsigned long long v[] = {4, 5};
    print_uint_array(sh, "line", v, 2);
    print_string(sh, PRINT_JSON, "after", NULL, "x");
    assert_result(sh, "{\"n\":1,\"rows\":[{\"k\":0,\"v\":[0]},{\"k\":1,\"v\":[10]}],"
                      "\"line\":[4,5],\"after\":\"x\"}");
    assert_string_equal(sb_str(&sh->step.out), "0;1;");
}

static void test_top_array(void **state)
{
    struct nsl *sh = *state;
    open_json_array(sh, NULL);
    close_json_array(sh);
    assert_true(cJSON_IsArray(sh->step.result));
    assert_result(sh, "[]");
}

/* A step reset by hand (the result freed, the stack not) starts afresh. */
static void test_stale_stack(void **state)
{
    struct nsl *sh = *state;
    open_json_object(sh, "a");
    cJSON_Delete(sh->step.result);
    sh->step.result = NULL;
    print_int(sh, PRINT_JSON, "b", NULL, 2);
    assert_result(sh, "{\"b\":2}");
}

static void test_typed_labels(void **state)
{
    struct nsl *sh = *state;
    print_pid(sh, PRINT_ANY, "pid", "pid %s ", 4242);
    print_ino(sh, PRINT_ANY, "ns", "ns %s", NS_UTS, 4026531838);
    assert_string_equal(sb_str(&sh->step.out), "pid 4242 ns 4026531838");
    assert_result(sh, "{\"pid\":4242,\"ns\":4026531838}");
    step_clear(&sh->step);

    sh->opt.stable = true;
    print_pid(sh, PRINT_ANY, "pid", "pid %s ", 4242);
    print_pid(sh, PRINT_JSON, "again", NULL, 4242);
    print_ino(sh, PRINT_ANY, "ns", "ns %s", NS_UTS, 4026531838);
    print_ino(sh, PRINT_JSON, "none", NULL, NS_UTS, 0);
    assert_string_equal(sb_str(&sh->step.out), "pid pid@1 ns uts#1");
    assert_result(sh, "{\"pid\":\"pid@1\",\"again\":\"pid@1\",\"ns\":\"uts#1\",\"none\":null}");
}

static void test_failures(void **state)
{
    struct nsl *sh = *state;
    assert_int_equal(step_fail_errno(sh, EPERM, "cannot set the %s", "hostname"), -1);
    assert_string_equal(sh->step.err.msg,
                        "cannot set the hostname: Operation not permitted (EPERM)");
    assert_int_equal(sh->step.err.errnum, EPERM);
    assert_false(sh->step.err.usage);
    assert_int_equal(step_usage(sh, "usage: %s", "id"), -1);
    assert_string_equal(sh->step.err.msg, "usage: id");
    assert_int_equal(sh->step.err.errnum, EINVAL);
    assert_true(sh->step.err.usage);
    assert_int_equal(step_fail(sh, ENOENT, "no %s", "file"), -1);
    assert_false(sh->step.err.usage);
    nsl_err_hint(&sh->step.err, "make it");
    assert_string_equal(sh->step.err.msg, "no file; make it");
    struct nsl_err e;
    nsl_fail(&e, ESRCH, "gone");
    assert_int_equal(step_fail_err(sh, &e), -1);
    assert_string_equal(sh->step.err.msg, "gone");
    assert_int_equal(sh->step.err.errnum, ESRCH);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_one_call_both), T(test_no_json_no_result), T(test_nesting),   T(test_top_array),
        T(test_stale_stack),   T(test_typed_labels),      T(test_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
