#define _GNU_SOURCE
/* The session's cgroups (session/cgroups.c): comparing a value read back
 * with the one written. */
/* layer: session */
#include <cjson/cJSON.h>
#include <signal.h>
#include <sys/wait.h>

#include "cgroup_fake.h"
#include "session/cgroups.h"
#include "cmd/handlers.h"
#include "subject/subject.h"

/* --- pure ----------------------------------------------------------------- */

static int match(enum cg_ctrl c, const char *key, const char *have, const char *want)
{
    struct strbuf why = {0};
    struct nsl_err e = {0};
    int r = cg_value_match(c, key, have, want, &why, &e);
    if (r == 0)
        assert_true(why.len > 0); /* a refusal always says why */
    sb_free(&why);
    return r;
}

static void test_value_match(void **state)
{
    /* first word compared */
    assert_int_equal(match(CG_CPU, "cpu.max", "20000 100000", "20000"), 1);
    assert_int_equal(match(CG_CPU, "cpu.max", "20000 100000", "20000 100000"), 1);
    assert_int_equal(match(CG_CPU, "cpu.max", "20000 100000", "2000"), 0);
    assert_int_equal(match(CG_FREEZER, "freezer.state", "FROZEN", "FROZEN"), 1);
    assert_int_equal(match(CG_FREEZER, "freezer.state", "FREEZING", "FROZEN"), 0);
    /* numbers and sizes, with operators */
    assert_int_equal(match(CG_MEMORY, "usage", "33554432", ">=32M"), 1);
    assert_int_equal(match(CG_MEMORY, "usage", "33554431", ">=32M"), 0);
    assert_int_equal(match(CG_MEMORY, "oom_kill", "1", ">0"), 1);
    assert_int_equal(match(CG_MEMORY, "oom_kill", "0", ">0"), 0);
    assert_int_equal(match(CG_MEMORY, "oom_kill", "0", "<1"), 1);
    assert_int_equal(match(CG_MEMORY, "oom_kill", "2", "<=2"), 1);
    assert_int_equal(match(CG_MEMORY, "oom_kill", "2", "!=2"), 0);
    assert_int_equal(match(CG_MEMORY, "oom_kill", "2", "=2"), 1);
    assert_int_equal(match(CG_PIDS, "pids.max", "max", ">1000"), 1);
    assert_int_equal(match(CG_PIDS, "procs", "5", "5"), 1);
    /* the abstract limit, as cgcreate's LIMIT */
    assert_int_equal(match(CG_MEMORY, "limit", "67108864", "64M"), 1);
    assert_int_equal(match(CG_MEMORY, "limit", "max", "max"), 1);
    assert_int_equal(match(CG_MEMORY, "limit", "67108864", "max"), 0);
    assert_int_equal(match(CG_CPU, "limit", "20000 100000", "20%"), 1);
    assert_int_equal(match(CG_CPU, "limit", "20000 100000", "0.2"), 1);
    assert_int_equal(match(CG_CPU, "limit", "20000 50000", "20%"), 0);
    assert_int_equal(match(CG_CPU, "limit", "max 100000", "max"), 1);
    assert_int_equal(match(CG_PIDS, "limit", "5", "5"), 1);
    assert_int_equal(match(CG_CPUSET, "limit", "0-1", "0-1"), 1);
    assert_int_equal(match(CG_MEMORY, "limit", "67108864", ">32M"), 1); /* an operator: numbers */
    /* malformed wants */
    assert_int_equal(match(CG_MEMORY, "usage", "1", ">"), -1);
    assert_int_equal(match(CG_MEMORY, "usage", "1", ">x"), -1);
    assert_int_equal(match(CG_MEMORY, "limit", "1", "64Q"), -1);
    /* a number compared with text that is not one */
    assert_int_equal(match(CG_FREEZER, "frozen", "freezing", ">0"), 0);

    assert_true(cg_key_is_abstract("oom_kill"));
    assert_true(cg_key_is_abstract("limit"));
    assert_false(cg_key_is_abstract("memory.max"));
    assert_false(cg_key_is_abstract("memory.events:oom_kill"));
}

/* --- a shell on a fake tree ---------------------------------------------- */

struct tsh {
    struct fake *f;
    struct nsl sh;
};

/* --- the observation ------------------------------------------------------ */

/* cgget's words on a cpu cgroup where v1 mounts cpuacct apart (this
 * project's machine): usage and cpuacct.* come from its cpuacct cgroup. */
static void test_cpu_usage_words(void **state)
{
    struct fake *f = fake_hybrid();
    struct cg_session s;
    fake_session(f, &s, 4242);
    struct trace t = {0};
    struct nsl_err e;
    const struct cg_group *cpu = must_create(&s, CG_CPU, NULL, NULL, -1, &t);
    write_at(cpu->acct, "cpuacct.usage", "2500000000");
    struct strbuf sb = {0};
    assert_int_equal(cg_value_get(cpu, "usage", &sb, &e), 0);
    assert_string_equal(sb_str(&sb), "2500000");
    sb_reset(&sb);
    assert_int_equal(cg_value_get(cpu, "cpuacct.usage", &sb, &e), 0);
    assert_string_equal(sb_str(&sb), "2500000000");
    sb_free(&sb);
    assert_int_equal(cg_session_cleanup(&s, &t, &e), 0);
    cg_session_free(&s);
    trace_free(&t);
    fake_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_value_match),
        cmocka_unit_test(test_cpu_usage_words),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
