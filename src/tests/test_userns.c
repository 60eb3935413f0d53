#define _GNU_SOURCE
/* Unit tests of the user namespace parsers (kernel/userns.c) on literal
 * texts and on this process's own /proc files. */
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

static const char status_text[] = "Name:\tbash\n"
                                  "Umask:\t0022\n"
                                  "State:\tS (sleeping)\n"
                                  "Uid:\t1000\t1001\t1002\t1003\n"
                                  "Gid:\t100\t101\t102\t103\n"
                                  "FDSize:\t256\n"
                                  "Groups:\t4 24 27 \n"
                                  "CapInh:\t0000000000000000\n"
                                  "CapPrm:\t0000000000000000\n"
                                  "CapEff:\t000001fffeffffff\n";

static void test_creds_parse(void **state)
{
    struct proc_creds c;
    struct nsl_err e;
    assert_int_equal(proc_creds_parse(status_text, &c, &e), 0);
    assert_int_equal(c.uid[0], 1000);
    assert_int_equal(c.uid[1], 1001);
    assert_int_equal(c.uid[3], 1003);
    assert_int_equal(c.gid[2], 102);
    assert_int_equal(c.ngroups, 3);
    assert_int_equal(c.groups[2], 27);
    assert_int_equal(c.cap_eff, 0x1fffeffffffULL);
    /* bit 24, cap_sys_resource, is the one missing */
    assert_false(c.cap_eff & (1ULL << 24));
    proc_creds_free(&c);
}

static void test_creds_parse_edges(void **state)
{
    struct proc_creds c;
    struct nsl_err e;
    /* No groups at all: "Groups:" with nothing after it. */
    assert_int_equal(proc_creds_parse("Uid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\nGroups:\n"
                                      "CapEff:\t0000000000000000\n",
                                      &c, &e),
                     0);
    assert_int_equal(c.ngroups, 0);
    assert_int_equal(c.cap_eff, 0);
    proc_creds_free(&c);
    assert_int_equal(proc_creds_parse("Uid:\t0\t0\t0\nGid:\t0\t0\t0\t0\nCapEff:\t0\n", &c, &e), -1);
    assert_non_null(strstr(e.msg, "Uid"));
    assert_int_equal(proc_creds_parse("Uid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\n", &c, &e), -1);
    assert_non_null(strstr(e.msg, "CapEff"));
    assert_int_equal(proc_creds_parse("Uid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\nCapEff:\tzz\n", &c, &e),
                     -1);
    assert_int_equal(proc_creds_parse("Uid:\t-1\t0\t0\t0\nGid:\t0\t0\t0\t0\nCapEff:\t0\n", &c, &e),
                     -1);
}

static void test_creds_of_self(void **state)
{
    struct strbuf sb = {0};
    struct proc_creds c;
    struct nsl_err e;
    assert_int_equal(read_file_sb(AT_FDCWD, "/proc/self/status", &sb), 0);
    assert_int_equal(proc_creds_parse(sb_str(&sb), &c, &e), 0);
    assert_int_equal(c.uid[0], getuid());
    assert_int_equal(c.uid[1], geteuid());
    assert_int_equal(c.gid[1], getegid());
    assert_int_equal((int)c.ngroups, getgroups(0, NULL));
    sb_free(&sb);
    proc_creds_free(&c);
}

static void test_idmap(void **state)
{
    struct idmap m;
    struct nsl_err e;
    /* As the kernel prints it: right-aligned columns. */
    assert_int_equal(idmap_parse("         0      65534          1\n"
                                 "         1     100000      65536\n",
                                 &m, &e),
                     0);
    assert_int_equal(m.n, 2);
    assert_int_equal(idmap_inside(&m, 65534), 0);
    assert_int_equal(idmap_inside(&m, 100000), 1);
    assert_int_equal(idmap_inside(&m, 165535), 65536);
    assert_int_equal(idmap_inside(&m, 165536), -1);
    assert_int_equal(idmap_inside(&m, 0), -1);
    assert_int_equal(idmap_parse("", &m, &e), 0);
    assert_int_equal(m.n, 0);
    assert_int_equal(idmap_inside(&m, 0), -1);
    /* The initial namespace's identity map covers every ID. */
    assert_int_equal(idmap_parse("0 0 4294967295\n", &m, &e), 0);
    assert_int_equal(idmap_inside(&m, 4294967294u), 4294967294LL);
    assert_int_equal(idmap_parse("0 1\n", &m, &e), -1);
    assert_int_equal(idmap_parse("0 1 2 3\n", &m, &e), -1);
    assert_int_equal(idmap_parse("0 1 4294967296\n", &m, &e), -1);
}

static void test_idmap_of_self(void **state)
{
    struct strbuf sb = {0};
    struct idmap m;
    struct nsl_err e;
    assert_int_equal(read_file_sb(AT_FDCWD, "/proc/self/uid_map", &sb), 0);
    assert_int_equal(idmap_parse(sb_str(&sb), &m, &e), 0);
    assert_true(m.n >= 1);
    /* Read from inside: our own uid maps to itself or to an inside ID. */
    sb_free(&sb);
}

static void test_idmap_args(void **state)
{
    struct idmap_ext x;
    struct nsl_err e;
    assert_int_equal(idmap_args_parse("0", "65534", "1", &x, &e), 0);
    assert_int_equal(x.inside, 0);
    assert_int_equal(x.outside, 65534);
    assert_int_equal(x.count, 1);
    assert_int_equal(idmap_args_parse("0", "100000", "65536", &x, &e), 0);
    assert_int_equal(idmap_args_parse("0", "0", "0", &x, &e), -1);
    assert_non_null(strstr(e.msg, "COUNT"));
    assert_int_equal(idmap_args_parse("-1", "0", "1", &x, &e), -1);
    assert_non_null(strstr(e.msg, "INSIDE"));
    assert_int_equal(idmap_args_parse("0", "4294967295", "1", &x, &e), -1);
    assert_non_null(strstr(e.msg, "OUTSIDE"));
    assert_int_equal(idmap_args_parse("4294967290", "0", "10", &x, &e), -1);
    assert_non_null(strstr(e.msg, "past"));
    assert_int_equal(idmap_args_parse("0", "x", "1", &x, &e), -1);
    assert_int_equal(e.errnum, EINVAL);
}

static void test_cap_names(void **state)
{
    assert_string_equal(cap_name(0), "cap_chown");
    assert_string_equal(cap_name(21), "cap_sys_admin");
    assert_string_equal(cap_name(24), "cap_sys_resource");
    assert_string_equal(cap_name(40), "cap_checkpoint_restore");
    assert_null(cap_name(cap_count_known()));
    assert_null(cap_name(-1));
    /* This build knows every capability the running kernel has. */
    char buf[16];
    if (read_file_at(AT_FDCWD, "/proc/sys/kernel/cap_last_cap", buf, sizeof buf) > 0)
        assert_true(atoi(buf) < cap_count_known());
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_creds_parse),
        cmocka_unit_test(test_creds_parse_edges),
        cmocka_unit_test(test_creds_of_self),
        cmocka_unit_test(test_idmap),
        cmocka_unit_test(test_idmap_of_self),
        cmocka_unit_test(test_idmap_args),
        cmocka_unit_test(test_cap_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
