#define _GNU_SOURCE
/* container run's words (session/container.c): the options, their
 * defaults, and the refusals, each one line. */
/* layer: session */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <sched.h>
#include <string.h>

#include "session/container.h"

static int parse(const char *line, struct container_opts *o, struct nsl_err *e)
{
    static char buf[512];
    static char *argv[32];
    snprintf(buf, sizeof buf, "%s", line);
    int argc = 0;
    for (char *s = strtok(buf, " "); s && argc < 31; s = strtok(NULL, " "))
        argv[argc++] = s;
    argv[argc] = NULL;
    memset(e, 0, sizeof *e);
    return container_opts_parse(argc, argv, o, e);
}

static void test_defaults(void **state)
{
    (void)state;
    struct container_opts o;
    struct nsl_err e;
    assert_int_equal(parse("run -- sleep 600", &o, &e), 0);
    assert_string_equal(o.rootfs, "busybox");
    assert_int_equal(o.ns_flags, CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET |
                                     CLONE_NEWPID | CLONE_NEWCGROUP);
    assert_true(o.seccomp);
    assert_false(o.rootless);
    assert_null(o.caps);
    assert_null(o.mem);
    assert_int_equal(o.argc, 2);
    assert_string_equal(o.argv[0], "sleep");
    /* without -- the first word that is no option starts PROGRAM */
    assert_int_equal(parse("run sh -c true", &o, &e), 0);
    assert_int_equal(o.argc, 3);
}

static void test_options(void **state)
{
    (void)state;
    struct container_opts o;
    struct nsl_err e;
    assert_int_equal(parse("run --rootfs /srv/root --ns mnt,pid,uts --hostname web --mem 64M "
                           "--pids=20 --cpu 50% --caps cap_kill,cap_chown --seccomp none "
                           "--rootless -- /bin/sh -c x",
                           &o, &e),
                     0);
    assert_string_equal(o.rootfs, "/srv/root");
    assert_int_equal(o.ns_flags, CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWUSER);
    assert_string_equal(o.hostname, "web");
    assert_string_equal(o.mem, "64M");
    assert_string_equal(o.pids, "20");
    assert_string_equal(o.cpu, "50%");
    assert_string_equal(o.caps, "cap_kill,cap_chown");
    assert_false(o.seccomp);
    assert_true(o.rootless);
    assert_int_equal(o.argc, 3);
    assert_int_equal(parse("run --bridge br0 10.0.0.2/24 -- sleep 1", &o, &e), 0);
    assert_string_equal(o.bridge, "br0");
    assert_string_equal(o.addr, "10.0.0.2/24");
    /* the program's own options are its own */
    assert_int_equal(parse("run -- ls --rootless", &o, &e), 0);
    assert_false(o.rootless);
}

static void test_refused(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "run",
        "run --",
        "run --mem",
        "run --bogus -- sleep 1",
        "run --caps cap_bogus -- sleep 1",
        "run --seccomp maybe -- sleep 1",
        "run --ns nope -- sleep 1",
        "run --ns uts -- sleep 1",
        "run --ns mnt,pid --bridge br0 10.0.0.2/24 -- sleep 1",
        "run --ns mnt,pid --hostname h -- sleep 1",
        "run --bridge br0 -- sleep 1",
        "run --bridge br0 10.0.0.2 -- sleep 1",
    };
    struct container_opts o;
    struct nsl_err e;
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        if (parse(bad[i], &o, &e) != -1)
            fail_msg("'%s' was accepted", bad[i]);
        assert_true(e.msg[0]);
        assert_null(strchr(e.msg, '\n'));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_options),
        cmocka_unit_test(test_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
