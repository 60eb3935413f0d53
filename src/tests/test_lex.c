#define _GNU_SOURCE
/* Unit tests of the tokenizer (shell/lex.c): words, quotes, comments,
 * separators and line numbers, continuation, the text of each command,
 * errors, lex_continues, and input no user should type. */
/* layer: shell */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "shell/lex.h"
#include "util.h"

/* Split text (first line 1) and insist it succeeds. */
static struct lex_result split_ok(const char *text)
{
    struct lex_result r;
    struct nsl_err e = {0};
    if (lex_split(text, 1, &r, &e) != 0)
        fail_msg("lex_split(\"%s\") failed: %s", text, e.msg);
    for (size_t k = 0; k < r.n; k++) {
        assert_true(r.cmds[k].argc >= 1);
        assert_null(r.cmds[k].argv[r.cmds[k].argc]);
        assert_non_null(r.cmds[k].text);
    }
    return r;
}

/* The one command of text has exactly the words given (NULL-terminated). */
static void one_cmd(const char *text, ...)
{
    struct lex_result r = split_ok(text);
    if (r.n != 1)
        fail_msg("\"%s\": %zu commands, expected 1", text, r.n);
    va_list ap;
    va_start(ap, text);
    int i = 0;
    for (const char *w; (w = va_arg(ap, const char *)); i++) {
        if (i >= r.cmds[0].argc)
            fail_msg("\"%s\": only %d words, expected more (next: \"%s\")", text, r.cmds[0].argc, w);
        if (strcmp(r.cmds[0].argv[i], w) != 0)
            fail_msg("\"%s\": word %d is \"%s\", expected \"%s\"", text, i, r.cmds[0].argv[i], w);
    }
    va_end(ap);
    if (i != r.cmds[0].argc)
        fail_msg("\"%s\": %d words, expected %d", text, r.cmds[0].argc, i);
    lex_result_free(&r);
}

/* text must fail with EINVAL and a message containing each of want. */
static void split_fails(const char *text, int first_line, const char *want1, const char *want2)
{
    struct lex_result r = {.cmds = (void *)1, .n = 99};
    struct nsl_err e = {0};
    if (lex_split(text, first_line, &r, &e) != -1)
        fail_msg("lex_split(\"%s\") succeeded", text);
    assert_int_equal(e.errnum, EINVAL);
    if (!strstr(e.msg, want1) || (want2 && !strstr(e.msg, want2)))
        fail_msg("\"%s\": message \"%s\" lacks \"%s\"/\"%s\"", text, e.msg, want1,
                 want2 ? want2 : "");
    /* On error the result is empty, so freeing it is harmless. */
    assert_int_equal(r.n, 0);
    assert_null(r.cmds);
    lex_result_free(&r);
}

/* --- words ----------------------------------------------------------------- */

static void test_words(void **state)
{
    one_cmd("unshare uts net", "unshare", "uts", "net", (char *)NULL);
    one_cmd("  \t unshare\t\tuts  ", "unshare", "uts", (char *)NULL);
    one_cmd("hostname", "hostname", (char *)NULL);
    one_cmd("say a\r", "say", "a", (char *)NULL);
    one_cmd("!hostname -f", "!hostname", "-f", (char *)NULL);
    one_cmd("kill -KILL %1", "kill", "-KILL", "%1", (char *)NULL);
    one_cmd("say ünïcödé ✓", "say", "ünïcödé", "✓", (char *)NULL);
    /* A backslash outside quotes takes the next character literally. */
    one_cmd("say a\\ b", "say", "a b", (char *)NULL);
    one_cmd("say \\'x\\\"", "say", "'x\"", (char *)NULL);
    one_cmd("say \\;", "say", ";", (char *)NULL);
    one_cmd("say a\\\\b", "say", "a\\b", (char *)NULL);
    /* A backslash at the very end is dropped. */
    one_cmd("say a\\", "say", "a", (char *)NULL);
}

static void test_single_quotes(void **state)
{
    one_cmd("say 'a b'", "say", "a b", (char *)NULL);
    one_cmd("say 'a  \"b\"  c'", "say", "a  \"b\"  c", (char *)NULL);
    /* Inside '…' a backslash is an ordinary character... */
    one_cmd("say 'back\\slash'", "say", "back\\slash", (char *)NULL);
    /* ...so it cannot escape the closing quote. */
    one_cmd("say 'a\\' b", "say", "a\\", "b", (char *)NULL);
    one_cmd("say ''", "say", "", (char *)NULL);
    one_cmd("say '' ''", "say", "", "", (char *)NULL);
    one_cmd("say 'a;b' 'c#d'", "say", "a;b", "c#d", (char *)NULL);
    one_cmd("say 'two\nlines'", "say", "two\nlines", (char *)NULL);
}

static void test_double_quotes(void **state)
{
    one_cmd("say \"a b\"", "say", "a b", (char *)NULL);
    one_cmd("say \"\"", "say", "", (char *)NULL);
    one_cmd("say \"\" end", "say", "", "end", (char *)NULL);
    one_cmd("say \"\"  \"\"", "say", "", "", (char *)NULL);
    one_cmd("say \"q\\\"uote\"", "say", "q\"uote", (char *)NULL);
    one_cmd("say \"b\\\\s\"", "say", "b\\s", (char *)NULL);
    /* Other backslashes stay as typed. */
    one_cmd("say \"a\\nb\"", "say", "a\\nb", (char *)NULL);
    one_cmd("say \"it's\"", "say", "it's", (char *)NULL);
    one_cmd("say \"a;b # c\"", "say", "a;b # c", (char *)NULL);
    /* Quotes glue to what is next to them. */
    one_cmd("say a\"b c\"d'e f'g", "say", "ab cde fg", (char *)NULL);
    one_cmd("say \"\"x", "say", "x", (char *)NULL);
}

/* --- comments ------------------------------------------------------------ */

static void test_comments(void **state)
{
    one_cmd("say a#b", "say", "a#b", (char *)NULL);
    one_cmd("say a #b c", "say", "a", (char *)NULL);
    one_cmd("say a\t# tab before", "say", "a", (char *)NULL);
    one_cmd("say \"#x\" '#y' \\#z", "say", "#x", "#y", "#z", (char *)NULL);
    one_cmd("say a # ; say b", "say", "a", (char *)NULL);

    struct lex_result r = split_ok("# only a comment");
    assert_int_equal(r.n, 0);
    lex_result_free(&r);

    /* A comment ends at the newline: the next line is a command. */
    r = split_ok("# first\nsay x # trailing\n  # indented\nsay y");
    assert_int_equal(r.n, 2);
    assert_string_equal(r.cmds[0].argv[1], "x");
    assert_int_equal(r.cmds[0].line, 2);
    assert_string_equal(r.cmds[1].argv[1], "y");
    assert_int_equal(r.cmds[1].line, 4);
    lex_result_free(&r);
}

/* --- separators and line numbers ---------------------------------------- */

static void test_separators(void **state)
{
    struct lex_result r = split_ok("a; b\nc\n\n  d ;e");
    assert_int_equal(r.n, 5);
    static const char *const names[] = {"a", "b", "c", "d", "e"};
    static const int lines[] = {1, 1, 2, 4, 4};
    for (int k = 0; k < 5; k++) {
        assert_int_equal(r.cmds[k].argc, 1);
        assert_string_equal(r.cmds[k].argv[0], names[k]);
        assert_int_equal(r.cmds[k].line, lines[k]);
    }
    lex_result_free(&r);

    r = split_ok("a;;b;");
    assert_int_equal(r.n, 2);
    lex_result_free(&r);
    r = split_ok(";a");
    assert_int_equal(r.n, 1);
    assert_string_equal(r.cmds[0].argv[0], "a");
    lex_result_free(&r);
    r = split_ok("a;b");
    assert_int_equal(r.n, 2);
    assert_string_equal(r.cmds[0].text, "a");
    assert_string_equal(r.cmds[1].text, "b");
    lex_result_free(&r);
}

static void test_first_line(void **state)
{
    struct lex_result r;
    struct nsl_err e;
    assert_int_equal(lex_split("a\nb; c\n\nd", 10, &r, &e), 0);
    assert_int_equal(r.n, 4);
    assert_int_equal(r.cmds[0].line, 10);
    assert_int_equal(r.cmds[1].line, 11);
    assert_int_equal(r.cmds[2].line, 11);
    assert_int_equal(r.cmds[3].line, 13);
    lex_result_free(&r);
}

/* A quoted newline moves the line count on, too. */
static void test_lines_after_quoted_newlines(void **state)
{
    struct lex_result r = split_ok("say 'a\nb' \"c\nd\"\nsay e");
    assert_int_equal(r.n, 2);
    assert_int_equal(r.cmds[0].line, 1);
    assert_string_equal(r.cmds[0].argv[1], "a\nb");
    assert_int_equal(r.cmds[1].line, 4);
    lex_result_free(&r);
}

/* --- continuation ----------------------------------------------------------- */

static void test_continuation(void **state)
{
    struct lex_result r = split_ok("say one \\\n  two\nsay three");
    assert_int_equal(r.n, 2);
    assert_int_equal(r.cmds[0].argc, 3);
    assert_string_equal(r.cmds[0].argv[1], "one");
    assert_string_equal(r.cmds[0].argv[2], "two");
    assert_int_equal(r.cmds[0].line, 1);
    /* The text folds the continuation: one line, no backslash. */
    assert_null(strchr(r.cmds[0].text, '\n'));
    assert_null(strchr(r.cmds[0].text, '\\'));
    assert_true(strncmp(r.cmds[0].text, "say one", 7) == 0);
    assert_true(strcmp(r.cmds[0].text + strlen(r.cmds[0].text) - 3, "two") == 0);
    /* The command after it keeps its own line number. */
    assert_int_equal(r.cmds[1].line, 3);
    assert_string_equal(r.cmds[1].text, "say three");
    lex_result_free(&r);

    /* Several continuations, then more commands. */
    r = split_ok("a \\\nb \\\nc\nd\n\\\ne");
    assert_int_equal(r.n, 3);
    assert_int_equal(r.cmds[0].argc, 3);
    assert_int_equal(r.cmds[0].line, 1);
    assert_int_equal(r.cmds[1].line, 4);
    assert_string_equal(r.cmds[2].argv[0], "e");
    assert_int_equal(r.cmds[2].line, 6);
    lex_result_free(&r);

    /* Inside a word it joins the halves; inside "…" too; a continuation is
     * never a word of its own. */
    one_cmd("say a\\\nb", "say", "ab", (char *)NULL);
    one_cmd("say \"a\\\nb\"", "say", "ab", (char *)NULL);
    one_cmd("say two \\\n    continued", "say", "two", "continued", (char *)NULL);
    one_cmd("say \\\n x", "say", "x", (char *)NULL);
}

/* --- errors ------------------------------------------------------------------ */

static void test_unterminated(void **state)
{
    split_fails("say \"abc", 1, "line 1", "double");
    split_fails("say 'abc", 1, "line 1", "single");
    split_fails("ok\nsay 'x", 1, "line 2", "unterminated");
    split_fails("ok\nsay \"x", 5, "line 6", NULL);
    /* The line where the quote opened, not where the text ends. */
    split_fails("a\nsay \"x\ny\nz", 1, "line 2", NULL);
    /* An escaped quote does not close. */
    split_fails("say \"a\\\"", 1, "double", NULL);
    /* A complete command before the error is not returned half-made. */
    split_fails("say fine; say 'broken", 1, "line 1", NULL);
}

/* --- the text of a command ---------------------------------------------- */

static void test_text(void **state)
{
    struct lex_result r = split_ok("   say hi   # a comment  ");
    assert_int_equal(r.n, 1);
    assert_string_equal(r.cmds[0].text, "say hi");
    lex_result_free(&r);

    r = split_ok("\tsay \"a  b\" 'c'  ;  hostname  \n");
    assert_int_equal(r.n, 2);
    assert_string_equal(r.cmds[0].text, "say \"a  b\" 'c'");
    assert_string_equal(r.cmds[1].text, "hostname");
    lex_result_free(&r);

    r = split_ok("say a#b # c");
    assert_string_equal(r.cmds[0].text, "say a#b");
    lex_result_free(&r);

    r = split_ok("# c1\n  say x\t# c2\n");
    assert_int_equal(r.n, 1);
    assert_string_equal(r.cmds[0].text, "say x");
    lex_result_free(&r);
}

/* --- lex_continues --------------------------------------------------------- */

static void test_continues(void **state)
{
    assert_true(lex_continues("say a \\"));
    assert_true(lex_continues("say a \\\n"));
    assert_true(lex_continues("say a \\\r\n"));
    assert_true(lex_continues("\\"));
    assert_true(lex_continues("say a#b \\"));
    assert_true(lex_continues("say \"open \\"));

    assert_false(lex_continues(""));
    assert_false(lex_continues("\n"));
    assert_false(lex_continues("say a"));
    assert_false(lex_continues("say a\\\\"));
    assert_false(lex_continues("say 'a \\'"));
    assert_false(lex_continues("say 'open \\"));
    assert_false(lex_continues("say a # comment \\"));
    assert_false(lex_continues("# comment \\"));
    assert_false(lex_continues("say a\t# comment \\"));
    assert_false(lex_continues("say \\ "));
    /* A quoted # is no comment. */
    assert_true(lex_continues("say '#' \\"));
    assert_true(lex_continues("say \"#\" \\"));
}

/* --- garbage ------------------------------------------------------------------- */

static void test_only_separators_and_comments(void **state)
{
    static const char *const empty[] = {
        "", ";", ";;;", "\n\n\n", " \t ; \n ;\t\n", "# a\n# b\n", "#", "  #;;;\n;#\n",
        "\\\n", "\r\n",
    };
    for (size_t k = 0; k < ARRAY_SIZE(empty); k++) {
        struct lex_result r = split_ok(empty[k]);
        if (r.n != 0)
            fail_msg("\"%s\": %zu commands, expected none", empty[k], r.n);
        lex_result_free(&r);
    }
}

static void test_long_input(void **state)
{
    /* 1 MB: 262144 words "ab " on one line, then a second command. */
    size_t words = 262144;
    char *text = xmalloc(words * 4 + 16);
    char *p = text;
    for (size_t k = 0; k < words; k++) {
        *p++ = 'a';
        *p++ = 'b';
        *p++ = ' ';
    }
    snprintf(p, 6, "%s", "\nlast");
    struct lex_result r = split_ok(text);
    assert_int_equal(r.n, 2);
    assert_int_equal(r.cmds[0].argc, (int)words);
    assert_string_equal(r.cmds[0].argv[words - 1], "ab");
    assert_int_equal(r.cmds[1].line, 2);
    lex_result_free(&r);

    /* One word of 1 MB in quotes. */
    memset(text, 'x', words * 4);
    text[0] = '"';
    text[words * 4 - 1] = '"';
    text[words * 4] = '\0';
    r = split_ok(text);
    assert_int_equal(r.n, 1);
    assert_int_equal(strlen(r.cmds[0].argv[0]), words * 4 - 2);
    lex_result_free(&r);
    free(text);
}

static void test_nested_quotes(void **state)
{
    /* "'"'"'… : each three characters are one quoted quote character. */
    size_t n = 30000;
    char *text = xmalloc(n + 1);
    for (size_t k = 0; k < n; k++)
        text[k] = k % 2 ? '\'' : '"';
    text[n] = '\0';
    struct lex_result r = split_ok(text);
    assert_int_equal(r.n, 1);
    assert_int_equal(r.cmds[0].argc, 1);
    const char *w = r.cmds[0].argv[0];
    assert_int_equal(strlen(w), n / 3);
    /* "'" gives ', then '"' gives ", and so on. */
    assert_int_equal(w[0], '\'');
    assert_int_equal(w[1], '"');
    assert_int_equal(w[n / 3 - 1], '"');
    lex_result_free(&r);

    /* One character more leaves a quote open. */
    text[n - 1] = '\0';
    split_fails(text, 1, "unterminated", NULL);
    free(text);
}

/* Random text from the characters that matter: lex_split either succeeds
 * with well-formed commands or fails cleanly; never crashes or leaks (run
 * under valgrind). Deterministic: a fixed seed. */
static void test_fuzz(void **state)
{
    static const char alphabet[] = "ab '\"\\#;\n\t";
    unsigned seed = 12345;
    char text[64];
    int ok = 0, failed = 0;
    for (int round = 0; round < 20000; round++) {
        size_t len = rand_r(&seed) % (sizeof text - 1);
        int newlines = 0;
        for (size_t k = 0; k < len; k++) {
            text[k] = alphabet[rand_r(&seed) % (sizeof alphabet - 1)];
            newlines += text[k] == '\n';
        }
        text[len] = '\0';
        struct lex_result r;
        struct nsl_err e;
        if (lex_split(text, 7, &r, &e) == 0) {
            ok++;
            for (size_t k = 0; k < r.n; k++) {
                const struct lex_cmd *c = &r.cmds[k];
                assert_true(c->argc >= 1);
                assert_null(c->argv[c->argc]);
                assert_true(c->line >= 7 && c->line <= 7 + newlines);
                assert_true(k == 0 || c->line >= r.cmds[k - 1].line);
                assert_null(strchr(c->text, '\n'));
            }
            lex_result_free(&r);
        } else {
            failed++;
            assert_int_equal(r.n, 0);
            assert_non_null(strstr(e.msg, "unterminated"));
        }
    }
    /* Both outcomes were exercised. */
    assert_true(ok > 1000);
    assert_true(failed > 1000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_words),
        cmocka_unit_test(test_single_quotes),
        cmocka_unit_test(test_double_quotes),
        cmocka_unit_test(test_comments),
        cmocka_unit_test(test_separators),
        cmocka_unit_test(test_first_line),
        cmocka_unit_test(test_lines_after_quoted_newlines),
        cmocka_unit_test(test_continuation),
        cmocka_unit_test(test_unterminated),
        cmocka_unit_test(test_text),
        cmocka_unit_test(test_continues),
        cmocka_unit_test(test_only_separators_and_comments),
        cmocka_unit_test(test_long_input),
        cmocka_unit_test(test_nested_quotes),
        cmocka_unit_test(test_fuzz),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
