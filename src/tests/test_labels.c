#define _GNU_SOURCE
/* Unit tests of the numbers of the observation and the prompt
 * (render/labels.c): without --stable, fmt_pid and fmt_ino print what
 * snprintf would. */
/* layer: render */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nslab.h"
#include "render/render.h"

/* A shell state with host namespaces 4026531830 + slot and a subject 4242
 * in all of them. */
static struct nsl *sh_new(bool color, bool stable)
{
    struct nsl *sh = xcalloc(1, sizeof *sh);
    sh->opt.color = color;
    sh->opt.stable = stable;
    sh->subj.pid = 4242;
    for (int s = 0; s < NS_NSLOTS; s++)
        sh->host_ns[s].ino = 4026531830ull + (unsigned)ns_info[s].base;
    return sh;
}

static void sh_del(struct nsl *sh)
{
    labels_free(&sh->labels);
    free(sh);
}

/* fmt_pid and fmt_ino without --stable print what snprintf would. */
static void test_numbers_as_printf(void **state)
{
    struct nsl *sh = sh_new(false, false);
    static const long long pids[] = {0, 1, -1, 9, 10, 4242, 99999, 4194304, INT_MAX, INT_MIN};
    char got[32], want[32];
    for (size_t k = 0; k < sizeof pids / sizeof *pids; k++) {
        snprintf(want, sizeof want, "%d", (int)pids[k]);
        assert_string_equal(fmt_pid(sh, (pid_t)pids[k], got, sizeof got), want);
    }
    static const unsigned long long inos[] = {0, 7, 4026531835ull, 18446744073709551615ull};
    for (size_t k = 0; k < sizeof inos / sizeof *inos; k++) {
        snprintf(want, sizeof want, "%llu", inos[k]);
        assert_string_equal(fmt_ino(sh, NS_UTS, (ino_t)inos[k], got, sizeof got), want);
    }
    /* A short buffer truncates as snprintf does. */
    char small[5];
    assert_string_equal(fmt_ino(sh, NS_UTS, 4026531835ull, small, sizeof small), "4026");
    assert_string_equal(fmt_pid(sh, -4242, small, sizeof small), "-424");
    sh_del(sh);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_numbers_as_printf),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
