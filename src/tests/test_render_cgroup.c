#define _GNU_SOURCE
/* The pure helpers of cgroup rendering (render/cgroup.c): sizes and
 * bars. */
/* layer: render */
#include <cjson/cJSON.h>
#include <signal.h>
#include <sys/wait.h>

#include "cgroup_fake.h"
#include "session/cgroups.h"
#include "cmd/handlers.h"
#include "subject/subject.h"

/* --- pure ----------------------------------------------------------------- */

static void test_human_size(void **state)
{
    static const struct {
        uint64_t n;
        const char *s;
    } cases[] = {{0, "0"},           {1023, "1023"},       {1024, "1K"},
                 {1536, "1.5K"},     {67108864, "64M"},    {31562138, "30.1M"},
                 {1073741824, "1G"}, {150ULL << 20, "150M"}, {(1ULL << 30) * 3 / 2, "1.5G"}};
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        char buf[32];
        cg_human_size(cases[i].n, buf, sizeof buf);
        assert_string_equal(buf, cases[i].s);
    }
}

static void test_bar(void **state)
{
    struct strbuf sb = {0};
    cg_bar(0, 10, &sb);
    assert_string_equal(sb_str(&sb), "[..........]");
    sb_reset(&sb);
    cg_bar(0.5, 10, &sb);
    assert_string_equal(sb_str(&sb), "[#####.....]");
    sb_reset(&sb);
    cg_bar(0.001, 10, &sb); /* anything at all shows */
    assert_string_equal(sb_str(&sb), "[#.........]");
    sb_reset(&sb);
    cg_bar(3, 4, &sb); /* over the limit: full, not longer */
    assert_string_equal(sb_str(&sb), "[####]");
    sb_free(&sb);
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
        cmocka_unit_test(test_human_size),   cmocka_unit_test(test_bar),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
