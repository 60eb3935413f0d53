#define _GNU_SOURCE
/* Unit tests of kernel/release.c: the release text parsed as uname gives
 * it, compared with the versions features need, and read from a fake /proc
 * tree (PROC/sys/kernel/osrelease) as from another kernel; kernel_need's
 * refusal names both releases. No root. */
/* layer: kernel */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernel/release.h"

static void test_parse(void **state)
{
    (void)state;
    struct kernel_release r;
    assert_int_equal(kernel_release_parse("6.1.0-26-amd64\n", &r), 0);
    assert_int_equal(r.major, 6);
    assert_int_equal(r.minor, 1);
    assert_string_equal(r.text, "6.1.0-26-amd64");
    assert_int_equal(kernel_release_parse("5.15.0-91-generic", &r), 0);
    assert_int_equal(r.minor, 15);
    assert_int_equal(kernel_release_parse("6.18", &r), 0);
    assert_int_equal(kernel_release_parse("", &r), -1);
    assert_int_equal(kernel_release_parse("six", &r), -1);
    assert_int_equal(kernel_release_parse("6", &r), -1);
}

static void test_compare(void **state)
{
    (void)state;
    struct kernel_release r;
    kernel_release_parse("5.10.0-33-amd64", &r);
    assert_true(kernel_release_at_least(&r, 5, 8));
    assert_true(kernel_release_at_least(&r, 5, 10));
    assert_false(kernel_release_at_least(&r, 5, 11));
    assert_false(kernel_release_at_least(&r, 6, 1));
    assert_true(kernel_release_at_least(&r, 4, 20));
}

static void test_fake_tree(void **state)
{
    (void)state;
    unsetenv("NSLAB_KERNEL_RELEASE");
    char dir[] = "/tmp/nslab-release.XXXXXX", path[256];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/sys", dir);
    assert_int_equal(mkdir(path, 0755), 0);
    snprintf(path, sizeof path, "%s/sys/kernel", dir);
    assert_int_equal(mkdir(path, 0755), 0);
    snprintf(path, sizeof path, "%s/sys/kernel/osrelease", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("5.4.0-150-generic\n", f);
    fclose(f);

    struct nsl_paths p;
    snprintf(p.proc, sizeof p.proc, "%s", dir);
    snprintf(p.cgroup, sizeof p.cgroup, "/sys/fs/cgroup");
    struct kernel_release r;
    assert_int_equal(kernel_release_read(&p, &r), 0);
    assert_string_equal(r.text, "5.4.0-150-generic");
    struct nsl_err e;
    assert_int_equal(kernel_need(&p, 5, 4, "a time namespace", &e), 0);
    assert_int_equal(kernel_need(&p, 5, 6, "a time namespace", &e), -1);
    assert_int_equal(e.errnum, ENOSYS);
    assert_non_null(strstr(e.msg, "needs Linux 5.6 or later; this kernel is Linux 5.4.0-150-generic"));

    /* The environment's release wins over the tree (the scenario tests' hook). */
    setenv("NSLAB_KERNEL_RELEASE", "6.12.9", 1);
    assert_int_equal(kernel_release_read(&p, &r), 0);
    assert_int_equal(r.minor, 12);
    unsetenv("NSLAB_KERNEL_RELEASE");

    /* No file: the check lets the kernel answer for itself. */
    unlink(path);
    assert_int_equal(kernel_release_read(&p, &r), -1);
    assert_int_equal(kernel_need(&p, 9, 0, "anything", &e), 0);
    snprintf(path, sizeof path, "%s/sys/kernel", dir);
    rmdir(path);
    snprintf(path, sizeof path, "%s/sys", dir);
    rmdir(path);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_compare),
        cmocka_unit_test(test_fake_tree),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
