#define _GNU_SOURCE
/* The words of caps and seccomp: capability names as typed and their
 * lists (a misspelling names the closest capability), the five sets and
 * the two flags of /proc/PID/status, system call lists resolved by
 * libseccomp, errno words. Pure parsers, fed literal text. */
/* layer: kernel */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <linux/capability.h>
#include <string.h>
#include <sys/syscall.h>

#include "kernel/caps.h"
#include "kernel/seccomp.h"

static void test_cap_words(void **state)
{
    (void)state;
    assert_int_equal(cap_word_parse("CAP_SYS_ADMIN"), CAP_SYS_ADMIN);
    assert_int_equal(cap_word_parse("cap_sys_admin"), CAP_SYS_ADMIN);
    assert_int_equal(cap_word_parse("sys_admin"), CAP_SYS_ADMIN);
    assert_int_equal(cap_word_parse("Net_Raw"), CAP_NET_RAW);
    assert_int_equal(cap_word_parse("cap_chown"), 0);
    assert_int_equal(cap_word_parse("cap_checkpoint_restore"), 40);
    assert_int_equal(cap_word_parse(""), -1);
    assert_int_equal(cap_word_parse("cap_"), -1);
    assert_int_equal(cap_word_parse("admin"), -1);
    assert_int_equal(cap_word_parse("cap_sys_admin "), -1);
}

static void test_cap_list(void **state)
{
    (void)state;
    uint64_t m;
    struct nsl_err e = {0};
    assert_int_equal(cap_list_parse("sys_admin,CAP_NET_RAW,sys_admin", &m, &e), 0);
    assert_true(m == ((1ULL << CAP_SYS_ADMIN) | (1ULL << CAP_NET_RAW)));
    assert_int_equal(cap_list_parse("cap_sys_admn", &m, &e), -1);
    assert_true(e.usage);
    assert_non_null(strstr(e.msg, "did you mean cap_sys_admin?"));
    assert_int_equal(cap_list_parse("chown,frobnicate", &m, &e), -1);
    assert_non_null(strstr(e.msg, "'frobnicate'"));
    assert_null(strstr(e.msg, "did you mean"));
    static const char *const bad[] = {"", ",", "chown,", ",chown", "chown,,kill"};
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++)
        assert_int_equal(cap_list_parse(bad[k], &m, &e), -1);
    struct strbuf sb = {0};
    cap_mask_format((1ULL << CAP_KILL) | 1, &sb);
    assert_string_equal(sb_str(&sb), "cap_chown,cap_kill");
    sb_reset(&sb);
    cap_mask_format(0, &sb);
    assert_string_equal(sb_str(&sb), "none");
    sb_free(&sb);
    assert_int_equal(cap_needed_by("mount"), CAP_SYS_ADMIN);
    assert_int_equal(cap_needed_by("chroot"), CAP_SYS_CHROOT);
    assert_int_equal(cap_needed_by("read"), -1);
}

/* /proc/PID/status of a root shell here (kernel 6.18), the lines around
 * the ones parsed kept. */
static const char status_root[] =
    "Name:\tbash\nUmask:\t0022\nState:\tS (sleeping)\n"
    "CapInh:\t0000000000000000\nCapPrm:\t000001fffeffffff\nCapEff:\t000001fffeffffff\n"
    "CapBnd:\t000001fffeffffff\nCapAmb:\t0000000000000000\nNoNewPrivs:\t0\nSeccomp:\t0\n"
    "Seccomp_filters:\t0\nSpeculation_Store_Bypass:\tthread vulnerable\n";

static void test_status(void **state)
{
    (void)state;
    struct proc_security s;
    struct nsl_err e = {0};
    assert_int_equal(proc_security_parse(status_root, &s, &e), 0);
    assert_true(s.set[CAPSET_EFF] == 0x1fffeffffffULL);
    assert_true(s.set[CAPSET_BND] == 0x1fffeffffffULL);
    assert_true(s.set[CAPSET_INH] == 0 && s.set[CAPSET_AMB] == 0);
    assert_int_equal(s.no_new_privs, 0);
    assert_int_equal(s.seccomp, 0);
    assert_int_equal(s.seccomp_filters, 0);
    /* After nnp and two filters. */
    char t[sizeof status_root];
    memcpy(t, status_root, sizeof t);
    char *p = strstr(t, "NoNewPrivs:\t0");
    p[12] = '1';
    p = strstr(t, "Seccomp:\t0");
    p[9] = '2';
    p = strstr(t, "Seccomp_filters:\t0");
    p[17] = '2';
    assert_int_equal(proc_security_parse(t, &s, &e), 0);
    assert_int_equal(s.no_new_privs, 1);
    assert_int_equal(s.seccomp, 2);
    assert_int_equal(s.seccomp_filters, 2);
    assert_string_equal(cap_set_field(CAPSET_AMB), "CapAmb");
    assert_string_equal(cap_set_name(CAPSET_BND), "bounding");
    /* Missing or mangled lines are errors, named. */
    assert_int_equal(proc_security_parse("Name:\tbash\n", &s, &e), -1);
    assert_non_null(strstr(e.msg, "CapEff"));
    memcpy(t, status_root, sizeof t);
    strstr(t, "CapBnd:\t0")[8] = 'x';
    assert_int_equal(proc_security_parse(t, &s, &e), -1);
    assert_non_null(strstr(e.msg, "CapBnd"));
    memcpy(t, status_root, sizeof t);
    strstr(t, "Seccomp:\t0")[9] = '7';
    assert_int_equal(proc_security_parse(t, &s, &e), -1);
}

static void test_syscalls(void **state)
{
    (void)state;
    struct seccomp_deny d = {.err = EPERM};
    struct nsl_err e = {0};
    assert_int_equal(syscall_list_parse("mkdir,sethostname,mkdir", &d, &e), 0);
    assert_int_equal(d.n, 2);
    assert_string_equal(d.name[0], "mkdir");
    assert_int_equal(d.nr[0], SYS_mkdir);
    assert_int_equal(d.nr[1], SYS_sethostname);
    assert_int_equal(syscall_list_parse("mkdir,nosuchcall", &d, &e), -1);
    assert_true(e.usage);
    assert_non_null(strstr(e.msg, "'nosuchcall'"));
    static const char *const bad[] = {"", ",", "mkdir,", "MKDIR", "mk dir", "../x", "a,,b"};
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
        struct seccomp_deny z = {0};
        assert_int_equal(syscall_list_parse(bad[k], &z, &e), -1);
    }
    /* The default list is all known here. */
    struct seccomp_deny z = {0};
    assert_int_equal(syscall_list_parse(seccomp_default_list, &z, &e), 0);
    assert_true(z.n > 30);
    assert_int_equal(errno_word_parse("EPERM", &e), EPERM);
    assert_int_equal(errno_word_parse("eacces", &e), EACCES);
    assert_int_equal(errno_word_parse("38", &e), 38);
    assert_int_equal(errno_word_parse("EWHAT", &e), -1);
    assert_int_equal(errno_word_parse("0", &e), -1);
    assert_int_equal(errno_word_parse("4096", &e), -1);
    assert_int_equal(errno_word_parse("-1", &e), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cap_words),
        cmocka_unit_test(test_cap_list),
        cmocka_unit_test(test_status),
        cmocka_unit_test(test_syscalls),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
