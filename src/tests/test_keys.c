#define _GNU_SOURCE
/* Unit tests of the keyrings' view (kernel/keys.c): the packed text the
 * reader sends, parsed back on literal texts (malformed ones refused), and
 * the real thing: what this process reads is what it parses, and a key it
 * adds to its user keyring is found there, then unlinked. */
/* layer: kernel */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "kernel/keys.h"

static void test_parse(void **state)
{
    struct keys_view v;
    assert_int_equal(keys_view_parse("uid 0\n"
                                     "ses 553 0 _uid_ses.0\n"
                                     "usr 498 0 _uid.0\n"
                                     "key 618 user a name with spaces\n"
                                     "key 619 keyring ring\n"
                                     "proc 11\n",
                                     &v),
                     0);
    assert_int_equal(v.uid, 0);
    assert_int_equal(v.session_id, 553);
    assert_string_equal(v.session_desc, "_uid_ses.0");
    assert_true(keys_is_user_session(v.session_desc));
    assert_int_equal(v.user_id, 498);
    assert_string_equal(v.user_desc, "_uid.0");
    assert_false(keys_is_user_session(v.user_desc));
    assert_int_equal(v.nkeys, 2);
    assert_int_equal(v.keys[0].id, 618);
    assert_string_equal(v.keys[0].type, "user");
    assert_string_equal(v.keys[0].desc, "a name with spaces");
    assert_string_equal(v.keys[1].type, "keyring");
    assert_int_equal(v.proc_keys, 11);
    keys_view_free(&v);

    /* A session keyring that could not be named: its errno, no ID. */
    assert_int_equal(keys_view_parse("uid 1000\nses 0 13 \nusr 7 0 _uid.1000\nproc -1\n", &v), 0);
    assert_int_equal(v.session_id, 0);
    assert_int_equal(v.session_err, EACCES);
    assert_string_equal(v.session_desc, "");
    assert_int_equal(v.proc_keys, -1);
    assert_int_equal(v.nkeys, 0);
    keys_view_free(&v);
}

static void test_parse_malformed(void **state)
{
    static const char *const bad[] = {
        "",                          /* no user keyring */
        "uid 0\n",                   /* no user keyring */
        "usr x 0 _uid.0\n",          /* not a number */
        "usr 5\n",                   /* no errno */
        "key 5\nusr 4 0 _uid.0\n",   /* a key without type */
        "what 1\nusr 4 0 _uid.0\n",  /* an unknown line */
        "uid zero\nusr 4 0 _uid.0\n" /* not a number */
    };
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
        struct keys_view v;
        if (keys_view_parse(bad[k], &v) == 0)
            fail_msg("accepted: %s", bad[k]);
        keys_view_free(&v);
    }
}

/* The reader's text of this very process parses, and a key added to its
 * user keyring is found there by its name, with its data. */
static void test_real_keyring(void **state)
{
    struct trace t = {0};
    struct strbuf out = {0};
    assert_int_equal(keys_view_read(NULL, &t, &out), 0);
    struct keys_view v;
    assert_int_equal(keys_view_parse(sb_str(&out), &v), 0);
    assert_true(v.user_id > 0);
    assert_int_equal(v.uid, (long)getuid());
    char want[32];
    snprintf(want, sizeof want, "_uid.%ld", (long)getuid());
    assert_string_equal(v.user_desc, want);
    keys_view_free(&v);

    char name[64];
    snprintf(name, sizeof name, "nslab-test-keys-%d", (int)getpid());
    long id = sys_add_user_key(&t, name, "payload", 7);
    assert_true(id > 0);
    assert_int_equal(sys_search_user_key(&t, name), id);
    struct strbuf data = {0};
    if (sys_read_key(&t, (int32_t)id, &data) >= 0)
        assert_string_equal(sb_str(&data), "payload");
    assert_int_equal(sys_unlink_user_key(&t, (int32_t)id), 0);
    assert_int_equal(sys_search_user_key(&t, name), -1);
    assert_int_equal(errno, ENOKEY);
    assert_string_equal(trace_last(&t)->call, "keyctl");
    sb_free(&data);
    sb_free(&out);
    trace_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_parse_malformed),
        cmocka_unit_test(test_real_keyring),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
