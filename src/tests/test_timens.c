#define _GNU_SOURCE
/* Unit tests of the time namespace parser (kernel/timens.c) on literal
 * texts, and, as root, of timens_offsets in a fresh time namespace of a
 * child. */
/* layer: kernel */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kernel/sys.h"
#include "kernel/timens.h"
#include "kernel/userns.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static void test_timens_parse(void **state)
{
    struct timens_offsets o;
    struct nsl_err e;
    assert_int_equal(timens_offsets_parse("monotonic           0         0\n"
                                          "boottime        86400         0\n",
                                          &o, &e),
                     0);
    assert_int_equal(o.mono_sec, 0);
    assert_int_equal(o.boot_sec, 86400);
    assert_int_equal(timens_offsets_parse("1 -5 500\n7 3 0\n", &o, &e), 0);
    assert_int_equal(o.mono_sec, -5);
    assert_int_equal(o.mono_nsec, 500);
    assert_int_equal(o.boot_sec, 3);
    assert_int_equal(timens_offsets_parse("realtime 1 0\n", &o, &e), -1);
    assert_int_equal(timens_offsets_parse("boottime 1 1000000000\n", &o, &e), -1);
    assert_int_equal(timens_offsets_parse("boottime 1\n", &o, &e), -1);
    clockid_t id;
    assert_int_equal(timens_clock_parse("boottime", &id), 0);
    assert_int_equal(id, CLOCK_BOOTTIME);
    assert_string_equal(timens_clock_word(id), "boottime");
    assert_int_equal(timens_clock_parse("realtime", &id), -1);
    struct timespec a = {10, 100}, b = {8, 999999900};
    assert_true(ts_diff(&a, &b) > 1.0000001 && ts_diff(&a, &b) < 1.0000003);
}

/* A child unshares time, writes an offset, forks a grandchild into the
 * namespace; the grandchild's CLOCK_BOOTTIME is ahead by the offset, and the
 * offsets are frozen (EACCES) once it exists. */
static int child_time(void)
{
    if (unshare(CLONE_NEWTIME) < 0)
        return 10;
    struct trace t = {0};
    if (sys_write_file(&t, "/proc/self/timens_offsets", "boottime 86400 0") < 0)
        return 11;
    char buf[256];
    struct timens_offsets o;
    struct nsl_err e;
    if (read_file_at(AT_FDCWD, "/proc/self/timens_offsets", buf, sizeof buf) < 0 ||
        timens_offsets_parse(buf, &o, &e) < 0 || o.boot_sec != 86400 || o.mono_sec != 0)
        return 12;
    int p[2];
    if (pipe(p) < 0)
        return 13;
    struct clock_pair before, inside, after;
    clocks_read(&before);
    pid_t g = fork();
    if (g == 0) {
        clocks_read(&inside);
        _exit(write(p[1], &inside, sizeof inside) == sizeof inside ? 0 : 1);
    }
    if (read(p[0], &inside, sizeof inside) != sizeof inside)
        return 14;
    waitpid(g, NULL, 0);
    clocks_read(&after);
    double d = ts_diff(&inside.boot, &before.boot);
    if (d < 86400 || ts_diff(&inside.boot, &after.boot) > 86400)
        return 15;
    if (ts_diff(&inside.mono, &after.mono) > 0)
        return 16;
    if (sys_write_file(&t, "/proc/self/timens_offsets", "boottime 1 0") != -1 || errno != EACCES)
        return 17;
    trace_free(&t);
    return 0;
}

static void test_real_time_namespace(void **state)
{
    if (geteuid() != 0) {
        fprintf(stderr, "skipped: creating a time namespace needs root\n");
        skip();
    }
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0)
        _exit(child_time());
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_timens_parse),
        cmocka_unit_test(test_real_time_namespace),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
