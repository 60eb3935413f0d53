#define _GNU_SOURCE
/* The mountinfo parser, its lookups, propagation text and relations: pure
 * functions fed literal text (real lines from the project's machine and
 * hand-made ones), plus mountinfo_read on a fake /proc tree. */
/* layer: kernel */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernel/mount/mountinfo.h"

/* /proc/self/mountinfo of the project's machine (Linux 6.18), verbatim:
 * everything private, stacked mounts on /dev/pts and /dev/shm. */
static const char real_lines[] =
    "22 27 0:21 / /proc rw,relatime - proc proc rw\n"
    "23 27 0:22 / /sys rw,relatime - sysfs sysfs rw\n"
    "24 27 0:6 / /dev rw,relatime - devtmpfs devtmpfs rw,size=12334492k,nr_inodes=3083623,"
    "mode=755\n"
    "25 24 0:23 / /dev/shm rw,relatime - tmpfs tmpfs rw,size=24684092k\n"
    "26 24 0:24 / /dev/pts rw,relatime - devpts devpts rw,mode=600,ptmxmode=000\n"
    "27 1 254:0 / / rw,relatime - ext4 /dev/vda rw,discard,resv_strict,resuid=65534,"
    "resgid=65534\n"
    "28 27 0:25 / /mnt/sandboxing/model_tools_env/v1/python ro,nosuid,nodev,relatime - tmpfs "
    "model_tools_unavailable ro,size=4k,mode=755\n"
    "29 26 0:26 / /dev/pts rw,relatime - devpts devpts rw,mode=600,ptmxmode=000\n"
    "30 25 0:27 / /dev/shm rw,relatime - tmpfs tmpfs rw,size=24684092k\n"
    "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
    "32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
    "33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct\n"
    "34 31 0:31 / /sys/fs/cgroup/cpuset rw,relatime - cgroup cgroup rw,cpuset\n"
    "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
    "36 31 0:33 / /sys/fs/cgroup/devices rw,relatime - cgroup cgroup rw,devices\n"
    "37 31 0:34 / /sys/fs/cgroup/freezer rw,relatime - cgroup cgroup rw,freezer\n"
    "38 31 0:35 / /sys/fs/cgroup/blkio rw,relatime - cgroup cgroup rw,blkio\n"
    "39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids\n"
    "40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd\n"
    "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n";

static int parse(const char *text, struct mount_table *t, struct nsl_err *e)
{
    return mountinfo_parse(text, strlen(text), t, e);
}

static void test_real_lines(void **state)
{
    struct mount_table t = {0};
    struct nsl_err e = {0};
    assert_int_equal(parse(real_lines, &t, &e), 0);
    assert_int_equal(t.n, 20);

    const struct mount_ent *root = mount_table_find_target(&t, "/");
    assert_non_null(root);
    assert_int_equal(root->id, 27);
    assert_int_equal(root->parent, 1);
    assert_int_equal(root->major, 254);
    assert_int_equal(root->minor, 0);
    assert_string_equal(root->root, "/");
    assert_string_equal(root->opts, "rw,relatime");
    assert_string_equal(root->optional, "");
    assert_string_equal(root->fstype, "ext4");
    assert_string_equal(root->source, "/dev/vda");
    assert_string_equal(root->super_opts, "rw,discard,resv_strict,resuid=65534,resgid=65534");
    assert_int_equal(root->line_no, 6);
    assert_string_equal(root->line,
                        "27 1 254:0 / / rw,relatime - ext4 /dev/vda rw,discard,resv_strict,"
                        "resuid=65534,resgid=65534");
    assert_int_equal(root->shared, 0);
    assert_int_equal(root->master, 0);
    assert_false(root->unbindable);

    const struct mount_ent *m = mount_table_find_target(&t, "/mnt/sandboxing/model_tools_env/v1/python");
    assert_non_null(m);
    assert_string_equal(m->opts, "ro,nosuid,nodev,relatime");
    assert_string_equal(m->source, "model_tools_unavailable");

    struct strbuf sb = {0};
    mount_propagation_format(root, NULL, &sb);
    assert_string_equal(sb.buf, "private");
    sb_free(&sb);
    mount_table_free(&t);
}

static void test_find(void **state)
{
    struct mount_table t = {0};
    assert_int_equal(parse(real_lines, &t, NULL), 0);
    /* Stacked: 29 sits on 26 at /dev/pts, 30 on 25 at /dev/shm. */
    assert_int_equal(mount_table_find_target(&t, "/dev/pts")->id, 29);
    assert_int_equal(mount_table_find_target(&t, "/dev/shm")->id, 30);
    assert_int_equal(mount_table_find_containing(&t, "/dev/pts/0")->id, 29);
    assert_int_equal(mount_table_find_containing(&t, "/dev/shm")->id, 30);
    assert_int_equal(mount_table_find_containing(&t, "/sys/fs/cgroup/memory/nslab.1/x")->id, 35);
    /* Component boundaries: /sys/fs/cgroupx is not under /sys/fs/cgroup. */
    assert_int_equal(mount_table_find_containing(&t, "/sys/fs/cgroupx")->id, 23);
    assert_int_equal(mount_table_find_containing(&t, "/devices")->id, 27);
    assert_int_equal(mount_table_find_containing(&t, "/")->id, 27);
    assert_int_equal(mount_table_find_containing(&t, "/tmp/x y")->id, 27);
    assert_null(mount_table_find_target(&t, "/tmp"));
    assert_null(mount_table_find_target(&t, "/sys/fs/cgroup/"));
    assert_int_equal(mount_table_find_id(&t, 41)->parent, 31);
    assert_null(mount_table_find_id(&t, 999));

    const struct mount_ent *pids = mount_table_find_id(&t, 39);
    assert_true(mount_table_is_under(&t, pids, mount_table_find_id(&t, 23)));
    assert_true(mount_table_is_under(&t, pids, pids));
    assert_false(mount_table_is_under(&t, pids, mount_table_find_id(&t, 24)));
    mount_table_free(&t);
}

static void test_find_no_root(void **state)
{
    struct mount_table t = {0};
    assert_int_equal(parse("5 4 0:1 / /a rw - tmpfs none rw\n"
                           "6 5 0:2 / /a/b rw - tmpfs none rw\n"
                           "7 7 0:3 / /c rw - tmpfs none rw\n",
                           &t, NULL),
                     0);
    assert_null(mount_table_find_containing(&t, "/x"));
    assert_int_equal(mount_table_find_containing(&t, "/a/b/c")->id, 6);
    assert_int_equal(mount_table_find_containing(&t, "/a/bc")->id, 5);
    /* A mount that is its own parent ends the walk. */
    assert_false(mount_table_is_under(&t, mount_table_find_id(&t, 7), mount_table_find_id(&t, 5)));
    mount_table_free(&t);
}

static void test_optional_fields(void **state)
{
    static const char text[] =
        "36 35 98:0 /mnt1 /mnt/parent rw,noatime master:1 - ext3 /dev/root rw,errors=continue\n"
        "50 27 0:50 / /a rw shared:7 - tmpfs none rw\n"
        "51 27 0:51 / /b rw master:4 shared:9 - tmpfs none rw\n"
        "52 27 0:52 / /c rw shared:3 master:1 propagate_from:2 - tmpfs none rw\n"
        "53 27 0:53 / /d rw unbindable - tmpfs none rw\n"
        "54 27 0:54 / /e rw propagate_from:5 future:1 master:6 - tmpfs none rw\n";
    struct mount_table t = {0};
    struct nsl_err e = {0};
    assert_int_equal(parse(text, &t, &e), 0);
    assert_int_equal(t.n, 6);
    static const struct {
        int id, shared, master, from;
        bool unbindable;
        const char *prop, *optional;
    } want[] = {
        {36, 0, 1, 0, false, "master:1", "master:1"},
        {50, 7, 0, 0, false, "shared:7", "shared:7"},
        {51, 9, 4, 0, false, "shared:9 master:4", "master:4 shared:9"},
        {52, 3, 1, 2, false, "shared:3 master:1 propagate_from:2",
         "shared:3 master:1 propagate_from:2"},
        {53, 0, 0, 0, true, "unbindable", "unbindable"},
        {54, 0, 6, 5, false, "master:6 propagate_from:5", "propagate_from:5 future:1 master:6"},
    };
    for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
        const struct mount_ent *m = &t.v[i];
        assert_int_equal(m->id, want[i].id);
        assert_int_equal(m->shared, want[i].shared);
        assert_int_equal(m->master, want[i].master);
        assert_int_equal(m->propagate_from, want[i].from);
        assert_int_equal(m->unbindable, want[i].unbindable);
        assert_string_equal(m->optional, want[i].optional);
        struct strbuf sb = {0};
        mount_propagation_format(m, NULL, &sb);
        assert_string_equal(sb.buf, want[i].prop);
        sb_free(&sb);
    }
    assert_string_equal(t.v[0].root, "/mnt1");
    assert_int_equal(t.v[0].major, 98);
    assert_string_equal(t.v[0].fstype, "ext3");
    mount_table_free(&t);
}

static void test_escapes(void **state)
{
    static const char text[] = "61 27 0:50 /r\\040t /tmp/with\\040space\\011tab\\012nl\\134bs "
                               "rw - tmpfs my\\040src rw,size=4k\n"
                               "62 27 0:51 / /odd\\x\\12\\1234 rw - tmpfs  rw\n";
    struct mount_table t = {0};
    assert_int_equal(parse(text, &t, NULL), 0);
    assert_string_equal(t.v[0].target, "/tmp/with space\ttab\nnl\\bs");
    assert_string_equal(t.v[0].root, "/r t");
    assert_string_equal(t.v[0].source, "my src");
    assert_string_equal(t.v[0].super_opts, "rw,size=4k");
    assert_ptr_equal(mount_table_find_target(&t, "/tmp/with space\ttab\nnl\\bs"), &t.v[0]);
    assert_ptr_equal(mount_table_find_containing(&t, "/tmp/with space\ttab\nnl\\bs/x"), &t.v[0]);
    /* Incomplete escapes stay literal; \123 is 'S'. An empty source is kept. */
    assert_string_equal(t.v[1].target, "/odd\\x\\12S4");
    assert_string_equal(t.v[1].source, "");
    assert_string_equal(t.v[1].fstype, "tmpfs");
    mount_table_free(&t);

    char *s = mountinfo_unescape("a\\101\\377");
    assert_string_equal(s, "aA\377");
    free(s);
    assert_null(mountinfo_unescape("x\\000y"));
}

/* Each malformed input fails with its line named and leaves the table empty. */
static void expect_error(const char *text, size_t len, const char *want)
{
    struct mount_table t = {0};
    struct nsl_err e = {0};
    assert_int_equal(mountinfo_parse(text, len, &t, &e), -1);
    assert_int_equal(t.n, 0);
    assert_null(t.v);
    if (!strstr(e.msg, want))
        fail_msg("error '%s' lacks '%s'", e.msg, want);
}

static void test_malformed(void **state)
{
#define BAD(text, want) expect_error(text, sizeof text - 1, want)
    static const char ok[] = "27 1 254:0 / / rw - ext4 /dev/vda rw\n";
    BAD("", "mountinfo is empty");
    BAD("\n", "line 1 is empty");
    BAD("27 1 254:0 / / rw - ext4 /dev/vda rw\n\n", "line 2 is empty");
    BAD("27 1 254:0 / / rw - ext4 /dev/vda rw\n"
        "28 27 0:1 / /a rw - tmpfs none rw\n"
        "garbage\n",
        "line 3: too few fields (1;");
    BAD("1 2 0:1 / / rw shared:1 tmpfs none rw", "line 1: no ' - ' separator");
    BAD("1 2 0:1 / / rw shared:1 tmpfs none rw x y", "no ' - ' separator");
    BAD("1 2 0:1 / / - tmpfs none rw", "too few fields");
    BAD("1 2 0:1 / / rw - tmpfs none", "expected FSTYPE SOURCE SUPER_OPTIONS");
    BAD("1 2 0:1 / / rw shared:1 - tmpfs", "expected FSTYPE SOURCE SUPER_OPTIONS");
    BAD("x1 2 0:1 / / rw - tmpfs none rw", "mount ID 'x1' is not a number");
    BAD("-1 2 0:1 / / rw - tmpfs none rw", "mount ID '-1'");
    BAD("99999999999 2 0:1 / / rw - tmpfs none rw", "mount ID");
    BAD("1 2a 0:1 / / rw - tmpfs none rw", "parent ID '2a'");
    BAD("1  0:1 / / rw - tmpfs none rw x", "parent ID ''");
    BAD("1 2 0-1 / / rw - tmpfs none rw", "'0-1' is not MAJOR:MINOR");
    BAD("1 2 :1 / / rw - tmpfs none rw", "is not MAJOR:MINOR");
    BAD("1 2 1: / / rw - tmpfs none rw", "is not MAJOR:MINOR");
    BAD("1 2 1:2:3 / / rw - tmpfs none rw", "is not MAJOR:MINOR");
    BAD("1 2 99999999999999999999:1 / / rw - tmpfs none rw", "is not MAJOR:MINOR");
    BAD("1 2 0:1  / rw - tmpfs none rw x", "empty root");
    BAD("1 2 0:1 / / rw shared:x - tmpfs none rw", "'shared:x' has no valid peer group");
    BAD("1 2 0:1 / / rw shared:0 - tmpfs none rw", "'shared:0'");
    BAD("1 2 0:1 / / rw master: - tmpfs none rw", "'master:'");
    BAD("1 2 0:1 / / rw propagate_from:-2 - tmpfs none rw", "'propagate_from:-2'");
    BAD("1 2 0:1 / / rw shared:1 shared:2 - tmpfs none rw", "'shared' appears twice");
    BAD("1 2 0:1 / / rw unbindable unbindable - tmpfs none rw", "'unbindable' appears twice");
    BAD("1 2 0:1 / / rw  - tmpfs none rw", "empty optional field");
    BAD("1 2 0:1 / / rw -  none rw", "empty filesystem type");
    BAD("1 2 0:1 / /a\\000b rw - tmpfs none rw", "escapes a NUL byte");
    BAD("1 2 0:1 / /a rw - tmpfs none rw\n1 2 0:1 / /a\0 rw - tmpfs none rw",
        "line 2 contains a NUL byte");
    /* Garbage is quoted short and printable. */
    BAD("\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b", "line 1: too few fields");
    BAD("\x01\xff 2 0:1 / / rw - tmpfs none rw", "mount ID '?" "?'");
    BAD("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA 2 0:1 / / rw - tmpfs none rw",
        "'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA...'");
#undef BAD
    /* A good line still parses after all that. */
    struct mount_table t = {0};
    assert_int_equal(parse(ok, &t, NULL), 0);
    assert_int_equal(t.n, 1);
    mount_table_free(&t);
}

static void test_huge_lines(void **state)
{
    size_t n = 1 << 20;
    char *big = xmalloc(n + 1);
    memset(big, 'A', n);
    big[n] = '\0';
    expect_error(big, n, "line 1: too few fields (1;");
    memset(big, ' ', n);
    expect_error(big, n, "line 1: no ' - ' separator");
    free(big);

    /* A valid line with a 200 000 byte mount point (escaped spaces). */
    struct strbuf sb = {0};
    sb_append(&sb, "1 0 0:1 / /");
    for (int i = 0; i < 50000; i++)
        sb_append(&sb, "\\040");
    sb_append(&sb, "x rw shared:1 - tmpfs none rw\n");
    struct mount_table t = {0};
    assert_int_equal(mountinfo_parse(sb.buf, sb.len, &t, NULL), 0);
    assert_int_equal(strlen(t.v[0].target), 50002);
    assert_int_equal(t.v[0].shared, 1);
    mount_table_free(&t);
    sb_free(&sb);
}

/* Never crash on garbage: random bytes, and random flips of good lines.
 * Deterministic (fixed seed). */
static void test_garbage(void **state)
{
    unsigned seed = 12345;
    char buf[512];
    for (int round = 0; round < 3000; round++) {
        size_t len;
        if (round % 2) {
            len = (size_t)(rand_r(&seed) % (int)sizeof buf);
            for (size_t i = 0; i < len; i++)
                buf[i] = (char)(rand_r(&seed) % 256);
        } else {
            const char *src = real_lines + (size_t)(rand_r(&seed) % 400);
            len = strlen(src) < sizeof buf ? strlen(src) : sizeof buf;
            memcpy(buf, src, len);
            int flips = 1 + rand_r(&seed) % 4;
            static const char alphabet[] = " -:\\0123456789\n\0sharedmaster";
            for (int k = 0; k < flips && len; k++)
                buf[rand_r(&seed) % (int)len] = alphabet[rand_r(&seed) % (int)(sizeof alphabet - 1)];
        }
        struct mount_table t = {0};
        struct nsl_err e = {0};
        if (mountinfo_parse(buf, len, &t, &e) == 0) {
            for (size_t i = 0; i < t.n; i++) {
                struct strbuf sb = {0};
                mount_propagation_format(&t.v[i], NULL, &sb);
                mount_relations_format(&t, &t, &t.v[i], NULL, "; ", &sb);
                mount_table_find_containing(&t, t.v[i].target);
                mount_table_is_under(&t, &t.v[i], &t.v[0]);
                sb_free(&sb);
            }
        } else {
            assert_true(strncmp(e.msg, "line ", 5) == 0 || strcmp(e.msg, "mountinfo is empty") == 0);
        }
        mount_table_free(&t);
    }
}

static const char self_text[] = "10 1 0:1 / / rw - ext4 /dev/a rw\n"
                                "20 10 0:2 / /d rw shared:3 - tmpfs t rw\n"
                                "21 10 0:2 / /e rw shared:3 - tmpfs t rw\n"
                                "22 10 0:3 / /p rw - tmpfs p rw\n"
                                "23 10 0:4 / /u rw unbindable - tmpfs u rw\n"
                                "24 10 0:2 / /s rw master:3 - tmpfs t rw\n"
                                "25 10 0:6 / /o rw master:77 - tmpfs o rw\n"
                                "26 10 0:7 / /lone rw shared:12 - tmpfs l rw\n"
                                "27 10 0:7 / /pf rw master:12 propagate_from:3 - tmpfs l rw\n";
static const char other_text[] = "40 1 0:1 / / rw - ext4 /dev/a rw\n"
                                 "41 40 0:2 / /d rw shared:3 - tmpfs t rw\n"
                                 "42 40 0:2 / /d2 rw master:3 - tmpfs t rw\n"
                                 "43 40 0:5 / /q rw shared:8 master:3 - tmpfs t rw\n";

static void relations(const struct mount_table *self, const struct mount_table *other, int id,
                      const struct mount_labels *lb, const char *want)
{
    struct strbuf sb = {0};
    mount_relations_format(self, other, mount_table_find_id(self, id), lb, "\n", &sb);
    assert_string_equal(sb_str(&sb), want);
    sb_free(&sb);
}

static void test_relations(void **state)
{
    struct mount_table self = {0}, other = {0};
    assert_int_equal(parse(self_text, &self, NULL), 0);
    assert_int_equal(parse(other_text, &other, NULL), 0);
    self.mntns = 4026531841;
    other.mntns = 4026532177;

    relations(&self, &other, 20, NULL,
              "peer of mount 21 at /e in this namespace\n"
              "propagates to mount 24 at /s in this namespace (a slave)\n"
              "peer of mount 41 in mnt ns 4026532177\n"
              "propagates to mount 42 at /d2 in mnt ns 4026532177 (a slave)\n"
              "propagates to mount 43 at /q in mnt ns 4026532177 (a slave)");
    relations(&self, &other, 24, NULL,
              "receives from peer group 3 (mounts 20, 21 in this namespace and mount 41 in "
              "mnt ns 4026532177)");
    relations(&other, &self, 42, NULL,
              "receives from peer group 3 (mount 41 in this namespace and mounts 20, 21 in "
              "mnt ns 4026531841)");
    relations(&other, &self, 41, NULL,
              "propagates to mount 42 at /d2 in this namespace (a slave)\n"
              "propagates to mount 43 at /q in this namespace (a slave)\n"
              "peer of mount 20 in mnt ns 4026531841\n"
              "peer of mount 21 at /e in mnt ns 4026531841\n"
              "propagates to mount 24 at /s in mnt ns 4026531841 (a slave)");
    relations(&other, &self, 43, NULL,
              "shared in peer group 8, with no other member visible here\n"
              "receives from peer group 3 (mount 41 in this namespace and mounts 20, 21 in "
              "mnt ns 4026531841)");
    relations(&self, &other, 22, NULL, "private: no propagation");
    relations(&self, &other, 10, NULL, "private: no propagation");
    relations(&self, &other, 23, NULL, "unbindable: no propagation, and it cannot be bind-mounted");
    relations(&self, &other, 25, NULL, "receives from peer group 77 (no member visible here)");
    mount_table_free(&self);
    mount_table_free(&other);
}

static const char *label_group(void *ctx, int g, char *buf, size_t size)
{
    snprintf(buf, size, "peer#%d", g * 10);
    return buf;
}

static const char *label_ns(void *ctx, ino_t ino, char *buf, size_t size)
{
    snprintf(buf, size, "%s#%llu", (const char *)ctx, (unsigned long long)(ino % 10));
    return buf;
}

static void test_relations_more(void **state)
{
    struct mount_table self = {0}, other = {0};
    assert_int_equal(parse(self_text, &self, NULL), 0);
    assert_int_equal(parse(other_text, &other, NULL), 0);
    self.mntns = 4026531841;
    other.mntns = 4026532177;

    /* propagate_from: the kernel's nearest dominant group. */
    relations(&self, NULL, 27, NULL,
              "receives from peer group 12 (mount 26 in this namespace)\n"
              "receives through peer group 3, the nearest one visible from this process's root");
    /* No other table, the same namespace twice, an unlabelled other. */
    relations(&self, NULL, 20, NULL,
              "peer of mount 21 at /e in this namespace\n"
              "propagates to mount 24 at /s in this namespace (a slave)");
    relations(&self, &self, 20, NULL,
              "peer of mount 21 at /e in this namespace\n"
              "propagates to mount 24 at /s in this namespace (a slave)");
    other.mntns = 0;
    relations(&self, &other, 24, NULL,
              "receives from peer group 3 (mounts 20, 21 in this namespace and mount 41 in the "
              "other namespace)");
    other.mntns = 4026532177;

    /* --stable labels go through the callbacks. */
    struct mount_labels lb = {.group = label_group, .mntns = label_ns, .ctx = "mnt"};
    relations(&self, &other, 24, &lb,
              "receives from peer group peer#30 (mounts 20, 21 in this namespace and mount 41 "
              "in mnt ns mnt#7)");
    struct strbuf sb = {0};
    mount_propagation_format(mount_table_find_id(&other, 43), &lb, &sb);
    assert_string_equal(sb.buf, "shared:peer#80 master:peer#30");
    sb_reset(&sb);
    /* Appends, with the caller's separator. */
    sb_append(&sb, "[");
    mount_relations_format(&self, &other, mount_table_find_id(&self, 21), NULL, " | ", &sb);
    assert_string_equal(sb.buf, "[peer of mount 20 at /d in this namespace | propagates to mount "
                                "24 at /s in this namespace (a slave) | peer of mount 41 at /d in "
                                "mnt ns 4026532177 | propagates to mount 42 at /d2 in mnt ns "
                                "4026532177 (a slave) | propagates to mount 43 at /q in mnt ns "
                                "4026532177 (a slave)");
    sb_free(&sb);
    mount_table_free(&self);
    mount_table_free(&other);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void test_read_fake_proc(void **state)
{
    char dir[] = "/tmp/nslab-test-mountinfo.XXXXXX";
    assert_non_null(mkdtemp(dir));
    struct nsl_paths p = {0};
    snprintf(p.proc, sizeof p.proc, "%s", dir);
    snprintf(p.cgroup, sizeof p.cgroup, "/nonexistent");
    char path[512];

    struct mount_table t = {0};
    struct nsl_err e = {0};
    assert_int_equal(mountinfo_read(&p, 0, &t, &e), -1);
    assert_int_equal(e.errnum, ENOENT);
    snprintf(path, sizeof path, "cannot read %s/self/mountinfo: No such file or directory (ENOENT)",
             dir);
    assert_string_equal(e.msg, path);

    snprintf(path, sizeof path, "%s/self", dir);
    assert_int_equal(mkdir(path, 0755), 0);
    snprintf(path, sizeof path, "%s/self/mountinfo", dir);
    write_file(path, real_lines);
    assert_int_equal(mountinfo_read(&p, 0, &t, &e), 0);
    assert_int_equal(t.n, 20);
    assert_int_equal(t.mntns, 0); /* no ns/mnt in the fake tree */
    mount_table_free(&t);

    snprintf(path, sizeof path, "%s/123", dir);
    assert_int_equal(mkdir(path, 0755), 0);
    snprintf(path, sizeof path, "%s/123/mountinfo", dir);
    write_file(path, "1 0 0:1 / / rw - tmpfs none rw\n2 1 0:2 / /x rw\n");
    assert_int_equal(mountinfo_read(&p, 123, &t, &e), -1);
    char want[600];
    snprintf(want, sizeof want, "cannot parse %s/123/mountinfo: line 2: too few fields", dir);
    assert_true(strncmp(e.msg, want, strlen(want)) == 0);
    assert_int_equal(t.n, 0);
    unlink(path);
    snprintf(path, sizeof path, "%s/123", dir);
    rmdir(path);
    snprintf(path, sizeof path, "%s/self/mountinfo", dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/self", dir);
    rmdir(path);
    rmdir(dir);
}

/* The real /proc: every line of the file comes back verbatim, and the table
 * is labelled with our mount namespace. */
static void test_read_real_proc(void **state)
{
    struct nsl_paths p = {0};
    snprintf(p.proc, sizeof p.proc, "/proc");
    struct mount_table t = {0};
    struct nsl_err e = {0};
    assert_int_equal(mountinfo_read(&p, 0, &t, &e), 0);
    struct stat st;
    assert_int_equal(stat("/proc/self/ns/mnt", &st), 0);
    assert_int_equal(t.mntns, st.st_ino);
    ino_t ino = 0;
    assert_int_equal(mntns_inode(&p, getpid(), &ino), 0);
    assert_int_equal(ino, st.st_ino);
    assert_non_null(mount_table_find_containing(&t, "/proc/self"));

    struct strbuf raw = {0}, joined = {0};
    assert_int_equal(read_file_sb(AT_FDCWD, "/proc/self/mountinfo", &raw), 0);
    for (size_t i = 0; i < t.n; i++)
        sb_printf(&joined, "%s\n", t.v[i].line);
    assert_string_equal(joined.buf, raw.buf);
    sb_free(&raw);
    sb_free(&joined);
    mount_table_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_real_lines),    cmocka_unit_test(test_find),
        cmocka_unit_test(test_find_no_root),  cmocka_unit_test(test_optional_fields),
        cmocka_unit_test(test_escapes),       cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_huge_lines),    cmocka_unit_test(test_garbage),
        cmocka_unit_test(test_relations),     cmocka_unit_test(test_relations_more),
        cmocka_unit_test(test_read_fake_proc), cmocka_unit_test(test_read_real_proc),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
