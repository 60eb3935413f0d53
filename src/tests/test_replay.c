#define _GNU_SOURCE
/* Unit tests of reading a record for --replay (shell/replay.c): the
 * "shown" chunks in order, a step begun by its echo or input, what came
 * before the first step, a -J record's steps from their fields, search by
 * command, colour removed, lines that are no record, and each page's step,
 * outcome and graph (the line's, one from an older record's subject, or
 * the page before's). */
/* layer: shell */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "shell/replay.h"
#include "util.h"

static struct replay load_ok(const char *text)
{
    struct replay r;
    struct nsl_err e = {0};
    if (replay_load(text, strlen(text), &r, &e) != 0)
        fail_msg("replay_load failed: %s", e.msg);
    return r;
}

/* What page k prints, out and err apart. */
static void page_text(const struct replay *r, size_t k, bool colour, char **out, char **err)
{
    size_t no, ne;
    FILE *fo = open_memstream(out, &no), *fe = open_memstream(err, &ne);
    replay_print_page(r, k, colour, fo, fe);
    fclose(fo);
    fclose(fe);
}

static void test_pages(void **state)
{
    (void)state;
    struct replay r = load_ok(
        "{\"event\":\"exited\",\"shown\":[{\"out\":\"[%1 sleep] exited\\n\"}]}\n"
        "{\"step\":1,\"command\":\"hostname x\",\"shown\":[{\"echo\":\"nslab 1> hostname x\\n\"},"
        "{\"out\":\"x\\n\"}]}\n"
        "\n"
        "{\"step\":2,\"command\":\"bogus\",\"shown\":[{\"input\":\"nslab 1> bogus\\n\"}]}\n"
        "{\"event\":\"end\",\"shown\":[{\"err\":\"error: unknown\\n\"},{\"out\":\"2 steps\\n\"}]}\n");
    assert_int_equal(r.np, 3);
    assert_null(r.p[0].command);
    assert_string_equal(r.p[1].command, "hostname x");
    assert_string_equal(r.p[2].command, "bogus");
    char *out, *err;
    page_text(&r, 0, true, &out, &err);
    assert_string_equal(out, "[%1 sleep] exited\n");
    assert_string_equal(err, "");
    free(out), free(err);
    page_text(&r, 1, true, &out, &err);
    assert_string_equal(out, "nslab 1> hostname x\nx\n");
    free(out), free(err);
    /* The error shown after step 2 belongs to it, as does the summary. */
    page_text(&r, 2, true, &out, &err);
    assert_string_equal(out, "nslab 1> bogus\n2 steps\n");
    assert_string_equal(err, "error: unknown\n");
    free(out), free(err);
    assert_int_equal(replay_search(&r, 1, "host"), 1); /* wraps round */
    assert_int_equal(replay_search(&r, 0, "bog"), 2);
    assert_int_equal(replay_search(&r, 0, "nothing"), -1);
    replay_free(&r);
}

static void test_colour(void **state)
{
    (void)state;
    struct replay r = load_ok("{\"step\":1,\"command\":\"c\",\"shown\":[{\"echo\":"
                              "\"\\u001b[1mnslab 1> \\u001b[0mc\\n\"}]}\n");
    char *out, *err;
    page_text(&r, 0, false, &out, &err);
    assert_string_equal(out, "nslab 1> c\n");
    free(out), free(err);
    page_text(&r, 0, true, &out, &err);
    assert_string_equal(out, "\033[1mnslab 1> \033[0mc\n");
    free(out), free(err);
    replay_free(&r);
}

/* -J, or an older nslab: no "shown"; the command, its output, its error. */
static void test_fields(void **state)
{
    (void)state;
    struct replay r = load_ok("{\"step\":1,\"command\":\"hostname\",\"ok\":true,\"output\":"
                              "\"box\\n\",\"error\":null}\n"
                              "{\"step\":2,\"command\":\"bad\",\"ok\":false,\"output\":\"\","
                              "\"error\":\"unknown command\"}\n"
                              "{\"event\":\"end\",\"status\":1}\n");
    assert_int_equal(r.np, 2);
    char *out, *err;
    page_text(&r, 0, false, &out, &err);
    assert_string_equal(out, "> hostname\nbox\n");
    free(out), free(err);
    page_text(&r, 1, false, &out, &err);
    assert_string_equal(out, "> bad\n");
    assert_string_equal(err, "unknown command\n");
    free(out), free(err);
    replay_free(&r);
}

static void test_graphs(void **state)
{
    (void)state;
    struct replay r = load_ok(
        "{\"step\":1,\"command\":\"a\",\"ok\":true,\"graph\":\"digraph { x }\","
        "\"shown\":[{\"echo\":\"> a\\n\"}]}\n"
        "{\"step\":2,\"command\":\"unshare uts\",\"ok\":false,\"subject\":{\"pid\":77,"
        "\"ns\":{\"uts\":{\"inode\":4026532999,\"host\":4026531838},"
        "\"ipc\":{\"inode\":4026531839,\"host\":4026531839}}},"
        "\"shown\":[{\"echo\":\"> unshare uts\\n\"}]}\n"
        "{\"step\":3,\"command\":\"say hi\",\"ok\":true,\"shown\":[{\"out\":\"hi\\n\"}]}\n");
    assert_int_equal(r.np, 3);
    assert_int_equal(r.p[0].step, 1);
    assert_true(r.p[0].ok);
    assert_string_equal(r.p[0].dot, "digraph { x }");
    assert_int_equal(r.p[1].step, 2);
    assert_false(r.p[1].ok);
    /* An older record: the subject's namespaces beside the host's. */
    assert_non_null(r.p[1].dot);
    assert_non_null(strstr(r.p[1].dot, "digraph"));
    assert_non_null(strstr(r.p[1].dot, "4026532999"));
    assert_non_null(strstr(r.p[1].dot, "4026531838"));
    assert_non_null(strstr(r.p[1].dot, "PID 77"));
    /* No graph and no subject: the page before's picture. */
    assert_int_equal(r.p[2].step, 3);
    assert_string_equal(r.p[2].dot, r.p[1].dot);
    replay_free(&r);
}

static void test_not_a_record(void **state)
{
    (void)state;
    struct replay r;
    struct nsl_err e = {0};
    const char *bad[] = {"{\"step\":1}\nnot json\n", "[1,2]\n", "\"s\"\n"};
    for (size_t k = 0; k < ARRAY_SIZE(bad); k++) {
        assert_int_equal(replay_load(bad[k], strlen(bad[k]), &r, &e), -1);
        assert_non_null(strstr(e.msg, "is not a JSON object"));
    }
    assert_non_null(strstr(e.msg, "line 1"));
    /* Chunks of an unknown kind, or not text, are passed over. */
    r = load_ok("{\"step\":1,\"command\":\"c\",\"shown\":[{\"echo\":\"c\\n\"},{\"odd\":\"x\"},"
                "{\"out\":3},7]}\n");
    assert_int_equal(r.nc, 1);
    replay_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pages),
        cmocka_unit_test(test_colour),
        cmocka_unit_test(test_fields),
        cmocka_unit_test(test_not_a_record),
        cmocka_unit_test(test_graphs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
