#define _GNU_SOURCE
/* The side-by-side view of `mounts --in` (render/mounts_print.c) on literal
 * mountinfo text: the arrow between two mounts. */
/* layer: render */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "kernel/mount/mount_diff.h"
#include "render/mounts_print.h"

static void parse(const char *text, ino_t ns, struct mount_table *t)
{
    struct nsl_err e = {0};
    memset(t, 0, sizeof *t);
    if (mountinfo_parse(text, strlen(text), t, &e) < 0)
        fail_msg("%s", e.msg);
    t->mntns = ns;
}

#define ROOT "20 1 254:0 / / rw,relatime - ext4 /dev/vda rw\n"

static enum mount_rel rel(const struct mount_table *ta, int a, const struct mount_table *tb,
                          int b)
{
    const struct mount_table *tabs[] = {ta, tb};
    return mount_rel_between(a ? mount_table_find_id(ta, a) : NULL,
                             b ? mount_table_find_id(tb, b) : NULL, tabs, 2);
}

static void test_rel_between(void **state)
{
    struct mount_table a, b;
    /* b: 31 a peer of 21; 32 a shared slave of 22's group 2, and 36 a slave
     * of 32's group (a chain); 33 and 23 private; 34 and 24 both slaves of
     * group 9; 25 a slave of 35's group 6. */
    parse(ROOT "21 20 0:40 / /a rw shared:1 - tmpfs x rw\n"
               "22 20 0:41 / /b rw shared:2 - tmpfs x rw\n"
               "23 20 0:42 / /c rw - tmpfs x rw\n"
               "24 20 0:43 / /d rw master:9 - tmpfs x rw\n"
               "25 20 0:44 / /e rw master:6 - tmpfs x rw\n"
               "26 20 0:45 / /f rw shared:2 - tmpfs x rw\n",
          1, &a);
    parse(ROOT "31 20 0:40 / /a rw shared:1 - tmpfs x rw\n"
               "32 20 0:41 / /b rw shared:5 master:2 - tmpfs x rw\n"
               "33 20 0:42 / /c rw - tmpfs x rw\n"
               "34 20 0:43 / /d rw master:9 - tmpfs x rw\n"
               "35 20 0:44 / /e rw shared:6 - tmpfs x rw\n"
               "36 20 0:45 / /f rw master:5 - tmpfs x rw\n",
          2, &b);
    assert_int_equal(rel(&a, 21, &b, 31), MREL_PEERS);
    assert_int_equal(rel(&a, 22, &b, 32), MREL_SENDS);
    assert_int_equal(rel(&b, 32, &a, 22), MREL_RECEIVES);
    /* Through the chain: 22's group 2 -> 32 (shared:5) -> 36 (master:5). */
    assert_int_equal(rel(&a, 26, &b, 36), MREL_SENDS);
    assert_int_equal(rel(&a, 23, &b, 33), MREL_NONE);
    assert_int_equal(rel(&a, 24, &b, 34), MREL_SIBLINGS);
    assert_int_equal(rel(&a, 25, &b, 35), MREL_RECEIVES);
    assert_int_equal(rel(&a, 21, &b, 0), MREL_ONLY_A);
    assert_int_equal(rel(&a, 0, &b, 31), MREL_ONLY_B);
    assert_string_equal(mount_rel_name(MREL_SENDS), "sends");

    /* A chain through a third namespace: a's 21 (group 1) -> m's shared
     * slave (group 7) -> c's slave. Without m's table no relation shows. */
    struct mount_table m, c;
    parse(ROOT "61 20 0:40 / /a rw shared:7 master:1 - tmpfs x rw\n", 3, &m);
    parse(ROOT "71 20 0:40 / /a rw master:7 - tmpfs x rw\n", 4, &c);
    const struct mount_ent *ma = mount_table_find_id(&a, 21), *mc = mount_table_find_id(&c, 71);
    const struct mount_table *two[] = {&a, &c}, *three[] = {&a, &c, &m};
    assert_int_equal(mount_rel_between(ma, mc, two, 2), MREL_NONE);
    assert_int_equal(mount_rel_between(ma, mc, three, 3), MREL_SENDS);
    assert_int_equal(mount_rel_between(mc, ma, three, 3), MREL_RECEIVES);
    mount_table_free(&m);
    mount_table_free(&c);
    mount_table_free(&a);
    mount_table_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rel_between),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
