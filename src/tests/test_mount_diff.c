#define _GNU_SOURCE
/* What the `mounts` observation computes (kernel/mount/mount_diff.c), on
 * literal mountinfo text: table diffs (within one namespace, across two) and
 * relations against several namespaces. The arrow between two mounts is in
 * test_mounts_print.c. */
/* layer: kernel */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "kernel/mount/mount_diff.h"

static void parse(const char *text, ino_t ns, struct mount_table *t)
{
    struct nsl_err e = {0};
    memset(t, 0, sizeof *t);
    if (mountinfo_parse(text, strlen(text), t, &e) < 0)
        fail_msg("%s", e.msg);
    t->mntns = ns;
}

#define ROOT "20 1 254:0 / / rw,relatime - ext4 /dev/vda rw\n"

static const struct mount_change *find_change(const struct mount_diff *d,
                                              enum mount_change_kind k, int id)
{
    for (size_t i = 0; i < d->n; i++)
        if (d->v[i].kind == k && d->v[i].id == id)
            return &d->v[i];
    return NULL;
}

static void test_diff_same_ns(void **state)
{
    struct mount_table a, b;
    parse(ROOT "21 20 0:40 / /s rw - tmpfs s rw\n"
               "22 21 0:41 / /s/x rw,relatime - tmpfs x rw\n"
               "23 21 0:42 / /s/y rw - tmpfs y rw\n",
          7, &a);
    /* 22 unmounted; 23 became shared and read-only; 24 is new; 21 stays. */
    parse(ROOT "21 20 0:40 / /s rw - tmpfs s rw\n"
               "23 21 0:42 / /s/y ro shared:5 - tmpfs y rw\n"
               "24 21 0:43 / /s/z rw master:5 - tmpfs z rw\n",
          7, &b);
    struct mount_diff d = {0};
    mount_table_diff(&a, &b, &d);
    assert_false(d.ns_changed);
    assert_int_equal(d.n_before, 4);
    assert_int_equal(d.n_after, 4);
    assert_int_equal(d.n, 3);
    const struct mount_change *c = find_change(&d, MOUNT_REMOVED, 22);
    assert_non_null(c);
    assert_string_equal(c->target, "/s/x");
    c = find_change(&d, MOUNT_ADDED, 24);
    assert_non_null(c);
    assert_int_equal(c->after.master, 5);
    assert_int_equal(c->parent, 21);
    c = find_change(&d, MOUNT_CHANGED, 23);
    assert_non_null(c);
    assert_int_equal(c->before.shared, 0);
    assert_int_equal(c->after.shared, 5);
    assert_string_equal(c->opts_before, "rw");
    assert_string_equal(c->opts_after, "ro");
    struct strbuf sb = {0};
    mount_prop_state_format(&c->after, NULL, &sb);
    assert_string_equal(sb.buf, "shared:5");
    sb_free(&sb);

    /* A diff of a table with itself is empty; a new diff frees the old. */
    mount_table_diff(&b, &b, &d);
    assert_int_equal(d.n, 0);
    mount_diff_free(&d);
    mount_table_free(&a);
    mount_table_free(&b);
}

static void test_diff_reused_id(void **state)
{
    struct mount_table a, b;
    /* ID 21 was unmounted and the kernel gave the number to another mount. */
    parse(ROOT "21 20 0:40 / /a rw - tmpfs a rw\n", 7, &a);
    parse(ROOT "21 20 0:44 / /b rw - tmpfs b rw\n", 7, &b);
    struct mount_diff d = {0};
    mount_table_diff(&a, &b, &d);
    assert_int_equal(d.n, 2);
    assert_non_null(find_change(&d, MOUNT_REMOVED, 21));
    assert_non_null(find_change(&d, MOUNT_ADDED, 21));
    assert_null(find_change(&d, MOUNT_CHANGED, 21));
    mount_diff_free(&d);
    mount_table_free(&a);
    mount_table_free(&b);
}

static void test_diff_across_ns(void **state)
{
    struct mount_table a, b;
    /* After unshare mnt: every mount a copy with a new ID. Matched by mount
     * point, stacked mounts in order: only the real differences remain. */
    parse(ROOT "21 20 0:40 / /s rw shared:1 - tmpfs s rw\n"
               "22 21 0:41 / /s/p rw - tmpfs p rw\n"
               "23 22 0:45 / /s/p rw - tmpfs p2 rw\n"
               "24 21 0:42 / /s/only-old rw - tmpfs o rw\n",
          7, &a);
    parse("40 39 254:0 / / rw,relatime - ext4 /dev/vda rw\n"
          "41 40 0:40 / /s rw - tmpfs s rw\n"
          "42 41 0:41 / /s/p rw - tmpfs p rw\n"
          "43 42 0:45 / /s/p rw - tmpfs p2 rw\n"
          "44 41 0:46 / /s/only-new rw - tmpfs n rw\n",
          9, &b);
    struct mount_diff d = {0};
    mount_table_diff(&a, &b, &d);
    assert_true(d.ns_changed);
    assert_int_equal(d.ns_before, 7);
    assert_int_equal(d.ns_after, 9);
    assert_int_equal(d.n, 3);
    const struct mount_change *c = find_change(&d, MOUNT_CHANGED, 41);
    assert_non_null(c);
    assert_int_equal(c->old_id, 21);
    assert_int_equal(c->before.shared, 1);
    assert_int_equal(c->after.shared, 0);
    assert_null(c->opts_before);
    assert_non_null(find_change(&d, MOUNT_REMOVED, 24));
    assert_non_null(find_change(&d, MOUNT_ADDED, 44));
    mount_diff_free(&d);
    mount_table_free(&a);
    mount_table_free(&b);
}

static void relations_n(const struct mount_table *self, const struct mount_table *const *o,
                        size_t n, int id, const char *want)
{
    struct strbuf sb = {0};
    mount_relations_format_n(self, o, n, mount_table_find_id(self, id), NULL, "; ", &sb);
    assert_string_equal(sb.buf, want);
    sb_free(&sb);
}

static void test_relations_several(void **state)
{
    struct mount_table self, a, b, same;
    parse(ROOT "21 20 0:40 / /s rw shared:3 - tmpfs s rw\n", 100, &self);
    parse(ROOT "31 20 0:40 / /s rw shared:3 - tmpfs s rw\n", 200, &a);
    parse(ROOT "41 20 0:40 / /s rw master:3 - tmpfs s rw\n", 300, &b);
    /* Another process in self's namespace: skipped, not counted twice. */
    parse(ROOT "21 20 0:40 / /s rw shared:3 - tmpfs s rw\n", 100, &same);
    const struct mount_table *o[] = {&same, &a, &b, &a};
    relations_n(&self, o, 4, 21,
                "peer of mount 31 in mnt ns 200; propagates to mount 41 in mnt ns 300 (a slave)");
    relations_n(&b, (const struct mount_table *const[]){&self, &a}, 2, 41,
                "receives from peer group 3 (mount 21 in mnt ns 100 and mount 31 in mnt ns 200)");
    relations_n(&self, NULL, 0, 21, "shared in peer group 3, with no other member visible here");
    mount_table_free(&self);
    mount_table_free(&a);
    mount_table_free(&b);
    mount_table_free(&same);
}

static void test_relations_counted(void **state)
{
    struct mount_table self, other;
    /* A recursive bind of a shared tree makes many peers: counted. */
    parse(ROOT "21 20 0:40 / /s rw shared:3 - tmpfs s rw\n"
               "22 20 0:40 / /t rw shared:3 - tmpfs s rw\n"
               "23 20 0:40 / /u rw shared:3 - tmpfs s rw\n"
               "24 20 0:40 / /v rw shared:3 - tmpfs s rw\n"
               "25 20 0:40 / /w rw shared:3 - tmpfs s rw\n",
          100, &self);
    parse(ROOT "31 20 0:40 / /s rw master:3 - tmpfs s rw\n"
               "32 20 0:40 / /t rw master:3 - tmpfs s rw\n",
          200, &other);
    const struct mount_table *o[] = {&other};
    relations_n(&self, o, 1, 21,
                "peer of 4 mounts in this namespace: 22 at /t, 23 at /u, 24 at /v and 1 more; "
                "propagates to mount 31 in mnt ns 200 (a slave); propagates to mount 32 at /t "
                "in mnt ns 200 (a slave)");
    mount_table_free(&self);
    mount_table_free(&other);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_diff_same_ns),      cmocka_unit_test(test_diff_reused_id),
        cmocka_unit_test(test_diff_across_ns),    cmocka_unit_test(test_relations_several),
        cmocka_unit_test(test_relations_counted),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
