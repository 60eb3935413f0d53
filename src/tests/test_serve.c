#define _GNU_SOURCE
/* Unit tests of the projector view's addresses (render/serve.c): PORT
 * alone is loopback, ADDR:PORT for IPv4 and [ADDR]:PORT for IPv6, which
 * addresses count as loopback (and so need no token), and what is refused;
 * then a server on a free loopback port answers and stops. */
/* layer: render */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "render/serve.h"

static void parse_ok(const char *spec, const char *addr, int port, bool loopback)
{
    char a[64];
    int p = -1;
    bool lo = !loopback;
    struct nsl_err e = {0};
    if (serve_parse_addr(spec, a, sizeof a, &p, &lo, &e) != 0)
        fail_msg("%s: %s", spec, e.msg);
    assert_string_equal(a, addr);
    assert_int_equal(p, port);
    assert_int_equal(lo, loopback);
}

static void test_parse(void **state)
{
    (void)state;
    parse_ok("8080", "127.0.0.1", 8080, true);
    parse_ok("0", "127.0.0.1", 0, true);
    parse_ok("127.0.0.2:80", "127.0.0.2", 80, true);
    parse_ok("0.0.0.0:8080", "0.0.0.0", 8080, false);
    parse_ok("10.1.2.3:65535", "10.1.2.3", 65535, false);
    parse_ok("[::1]:8080", "::1", 8080, true);
    parse_ok("[::]:8080", "::", 8080, false);
    parse_ok("[fe80::1]:1", "fe80::1", 1, false);
}

static void test_refused(void **state)
{
    (void)state;
    const char *bad[] = {"", "x", "65536", "-1", "80x", ":80", "80:", "localhost:80",
                         "1.2.3.4.5:80", "[::1:80", "256.0.0.1:80", "1.2.3.4:"};
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
        char a[64];
        int p;
        bool lo;
        struct nsl_err e = {0};
        if (serve_parse_addr(bad[k], a, sizeof a, &p, &lo, &e) == 0)
            fail_msg("'%s' was taken as %s port %d", bad[k], a, p);
        assert_true(e.usage);
        assert_non_null(strstr(e.msg, "serve:"));
    }
}

static void test_start_stop(void **state)
{
    (void)state;
    const struct serve_labels l = {.title = "t", .lang = "en"};
    const char *token = "x", *url = NULL;
    struct nsl_err e = {0};
    struct serve *s = serve_start("127.0.0.1:0", &l, &token, &url, &e);
    if (!s)
        fail_msg("serve_start: %s", e.msg);
    assert_null(token); /* loopback: no token */
    assert_non_null(strstr(url, "http://127.0.0.1:"));
    serve_text(s, "echo", "nslab 1> \033[1mhostname\033[0m\n");
    serve_publish(s, 1, "hostname", true, false, "digraph { a -> b }");
    serve_stop(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_start_stop),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
