#define _GNU_SOURCE
/* The builtins' checks (subject/builtins.c): `stress`'s arguments. */
/* layer: subject */
#include <cjson/cJSON.h>
#include <signal.h>
#include <sys/wait.h>

#include "cgroup_fake.h"
#include "session/cgroups.h"
#include "cmd/handlers.h"
#include "subject/subject.h"

/* --- pure ----------------------------------------------------------------- */

static void test_stress_check(void **state)
{
    struct nsl_err e;
    char *ok[][4] = {{"stress", "mem", "64M"}, {"stress", "cpu", "2"}, {"stress", "cpu", "2", "0"},
                     {"stress", "fork", "1000"}};
    int okc[] = {3, 3, 4, 3};
    for (size_t i = 0; i < ARRAY_SIZE(ok); i++)
        if (builtin_check(okc[i], ok[i], &e) < 0)
            fail_msg("%s %s: %s", ok[i][1], ok[i][2], e.msg);
    char *bad[][4] = {{"stress", "fork", "1001"}, {"stress", "fork", "0"}, {"stress", "mem", "64Q"},
                      {"stress", "mem", "max"},   {"stress", "cpu", "0"},  {"stress", "cpu", "1", "99999"},
                      {"stress", "disk", "1"},    {"stress", "mem", "1000000G"}};
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        int n = bad[i][3] ? 4 : 3;
        e.msg[0] = '\0';
        assert_int_equal(builtin_check(n, bad[i], &e), -1);
        assert_true(e.msg[0]);
    }
    char *fork_big[] = {"stress", "fork", "5000"};
    builtin_check(3, fork_big, &e);
    assert_non_null(strstr(e.msg, "1 to 1000"));
    char *huge[] = {"stress", "mem", "1000000G"};
    builtin_check(3, huge, &e);
    assert_non_null(strstr(e.msg, "half of this machine's memory"));
    assert_non_null(builtin_usage("stress"));
    assert_non_null(builtin_find("stress"));
}

/* --- a shell on a fake tree ---------------------------------------------- */

struct tsh {
    struct fake *f;
    struct nsl sh;
};

/* --- the observation ------------------------------------------------------ */

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stress_check),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
