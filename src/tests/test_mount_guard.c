#define _GNU_SOURCE
/* The host guard's decision (kernel/mount/mount_guard.c), a pure function
 * of the session's mount table, the mounts it created and the host's
 * tables: a table of cases on literal mountinfo text. The guard inside the
 * real mechanisms is in test_mount.c. */
/* layer: kernel */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <string.h>

#include "kernel/mount/mount.h"
#include "kernel/mount/mountinfo.h"
#include "util.h"

/* ---- pure: the host guard's decision table ---- */

static const char guard_self[] = "27 1 254:0 / / rw - ext4 /dev/vda rw\n"
                                 "50 27 0:50 / /tmp/s rw - tmpfs none rw\n"
                                 "51 50 0:51 / /tmp/s/a rw - tmpfs none rw\n"
                                 "52 50 0:52 / /tmp/s/b rw - tmpfs none rw\n"
                                 "53 51 0:53 / /tmp/s/a/c rw - tmpfs none rw\n"
                                 "60 27 0:60 / /tmp/sh rw shared:5 - tmpfs none rw\n"
                                 "61 60 0:61 / /tmp/sh/x rw - tmpfs none rw\n"
                                 "62 27 0:62 / /tmp/chain rw shared:7 master:5 - tmpfs none rw\n"
                                 "63 27 0:63 / /tmp/lone rw shared:9 - tmpfs none rw\n"
                                 "64 27 0:51 /a /tmp/dup rw - tmpfs none rw\n";

struct guard_row {
    bool in_host, allow, with_created, with_host;
    enum mount_op op;
    bool recursive;
    const char *path;
    int mount_id; /* 0: none */
    const char *host_text;
    const char *refusal; /* NULL: allowed; else the message contains it */
};

static const char host_peer[] = "1 0 0:1 / / rw - ext4 x rw\n"
                                "90 1 0:60 / /tmp/sh rw shared:5 - tmpfs none rw\n";
static const char host_slave[] = "1 0 0:1 / / rw - ext4 x rw\n"
                                 "92 1 0:60 / /h rw master:5 - tmpfs none rw\n";
static const char host_chain[] = "1 0 0:1 / / rw - ext4 x rw\n"
                                 "91 1 0:62 / /h rw master:7 - tmpfs none rw\n";
static const char host_apart[] = "1 0 0:1 / / rw - ext4 x rw\n"
                                 "93 1 0:63 / /h rw shared:11 master:9 - tmpfs none rw\n";

static const struct guard_row guard_rows[] = {
    /* In the host's namespace: only what this session created. */
    {true, false, true, false, MOUNT_OP_MOUNT, false, "/tmp/y", 27, NULL,
     "refusing to mount on /tmp/y: the new mount would go into mount 27 (on /), which this "
     "session did not create, in the host's mount namespace (one this session did not "
     "create); run `unshare mnt` first to experiment on a private copy of the mount table (or "
     "start nslab with --allow-host-changes)"},
    {true, true, true, false, MOUNT_OP_MOUNT, false, "/tmp/y", 27, NULL, NULL},
    {true, false, true, false, MOUNT_OP_MOUNT, false, "/tmp/s/new", 50, NULL, NULL},
    {true, false, true, false, MOUNT_OP_BIND, false, "/tmp/y", 27, NULL,
     "refusing to bind-mount on /tmp/y: the new mount would go into mount 27"},
    {true, false, true, false, MOUNT_OP_BIND, false, "/tmp/s/a/z", 51, NULL, NULL},
    {true, false, true, false, MOUNT_OP_UMOUNT, false, "/tmp/s/a", 51, NULL, NULL},
    {true, false, true, false, MOUNT_OP_UMOUNT, false, "/tmp/s/b", 52, NULL,
     "refusing to unmount /tmp/s/b: mount 52 (on /tmp/s/b) was not created by this session, "
     "and this is the host's mount namespace (one this session did not create); run `unshare "
     "mnt` first"},
    {true, false, true, false, MOUNT_OP_UMOUNT, false, "/", 27, NULL, "refusing to unmount /:"},
    {true, false, true, false, MOUNT_OP_REMOUNT, false, "/", 27, NULL, "refusing to remount /:"},
    {true, false, true, false, MOUNT_OP_REMOUNT, false, "/tmp/s", 50, NULL, NULL},
    {true, false, true, false, MOUNT_OP_REMOUNT_BIND, false, "/tmp/s", 50, NULL, NULL},
    {true, false, true, false, MOUNT_OP_REMOUNT_BIND, false, "/", 27, NULL,
     "refusing to remount / with MS_BIND:"},
    /* 51 is the session's, but its filesystem is also mounted on /tmp/dup. */
    {true, false, true, false, MOUNT_OP_REMOUNT, false, "/tmp/s/a", 51, NULL,
     "refusing to remount /tmp/s/a: without bind, a remount changes the filesystem itself "
     "(device 0:51), and mount 64 (on /tmp/dup)"},
    {true, false, true, false, MOUNT_OP_REMOUNT_BIND, false, "/tmp/s/a", 51, NULL, NULL},
    {true, false, true, false, MOUNT_OP_PROPAGATION, false, "/tmp/s", 50, NULL, NULL},
    {true, false, true, false, MOUNT_OP_PROPAGATION, true, "/tmp/s", 50, NULL,
     "refusing to change the propagation of /tmp/s recursively: mount 52 (on /tmp/s/b), below "
     "it, was not created by this session"},
    {true, false, true, false, MOUNT_OP_PROPAGATION, true, "/tmp/s/a", 51, NULL, NULL},
    {true, true, true, false, MOUNT_OP_PROPAGATION, true, "/", 27, NULL, NULL},
    {true, false, true, false, MOUNT_OP_PROPAGATION, false, "/tmp/sh", 60, NULL,
     "refusing to change the propagation of /tmp/sh: mount 60 (on /tmp/sh) was not created"},
    {true, false, true, false, MOUNT_OP_MOUNT, false, "/x", 0, NULL,
     "refusing to mount on /x: this is the host's mount namespace (one this session did not "
     "create), and no mount this session created holds it; run `unshare mnt` first"},
    {true, false, false, false, MOUNT_OP_MOUNT, false, "/tmp/s/new", 50, NULL,
     "refusing to mount on /tmp/s/new"},
    {true, false, false, false, MOUNT_OP_UMOUNT, false, "/tmp/s/a", 51, NULL,
     "refusing to unmount /tmp/s/a"},
    /* Elsewhere, without the host's table: anything goes. */
    {false, false, false, false, MOUNT_OP_MOUNT, false, "/tmp/sh/n", 60, NULL, NULL},
    {false, false, false, false, MOUNT_OP_UMOUNT, false, "/", 27, NULL, NULL},
    {false, false, false, false, MOUNT_OP_PROPAGATION, true, "/", 27, NULL, NULL},
    /* Elsewhere, with it: nothing may travel into the host through a peer group. */
    {false, false, false, true, MOUNT_OP_MOUNT, false, "/tmp/sh/n", 60, host_peer,
     "refusing to mount on /tmp/sh/n: mount 60 (on /tmp/sh) is in peer group 5, which "
     "propagates to mount 90 (on /tmp/sh) of mount namespace 4026531840, which this session "
     "did not create, so the change would reach the host; make it private first "
     "(`propagation private /tmp/sh`; `unshare mnt` does that for every mount), or start "
     "nslab with --allow-host-changes"},
    {false, true, false, true, MOUNT_OP_MOUNT, false, "/tmp/sh/n", 60, host_peer, NULL},
    {false, false, false, true, MOUNT_OP_BIND, false, "/tmp/sh/n", 60, host_peer,
     "refusing to bind-mount on /tmp/sh/n: mount 60"},
    {false, false, false, true, MOUNT_OP_UMOUNT, false, "/tmp/sh/x", 61, host_peer,
     "refusing to unmount /tmp/sh/x: mount 60 (on /tmp/sh) is in peer group 5"},
    {false, false, false, true, MOUNT_OP_PROPAGATION, false, "/tmp/sh", 60, host_peer, NULL},
    /* A remount without MS_BIND changes the filesystem, which the host mounts too (0:60). */
    {false, false, false, true, MOUNT_OP_REMOUNT, false, "/tmp/sh", 60, host_peer,
     "refusing to remount /tmp/sh: without bind, a remount changes the filesystem itself (its "
     "superblock, device 0:60), which every mount namespace that mounts it shares, and mount "
     "namespace 4026531840, which this session did not create, mounts it on /tmp/sh;"},
    {false, true, false, true, MOUNT_OP_REMOUNT, false, "/tmp/sh", 60, host_peer, NULL},
    {false, false, false, true, MOUNT_OP_REMOUNT_BIND, false, "/tmp/sh", 60, host_peer, NULL},
    {false, false, false, true, MOUNT_OP_REMOUNT, false, "/tmp/s", 50, host_peer, NULL},
    {false, false, false, true, MOUNT_OP_REMOUNT, false, "/tmp/nothing", 0, host_peer, NULL},
    {false, false, false, true, MOUNT_OP_UMOUNT, false, "/tmp/sh", 60, host_peer, NULL},
    {false, false, false, true, MOUNT_OP_MOUNT, false, "/tmp/s/n", 50, host_peer, NULL},
    {false, false, false, true, MOUNT_OP_MOUNT, false, "/tmp/sh/n", 60, host_slave,
     "which propagates to mount 92 (on /h)"},
    /* Group 7 receives from 5, and the host's 91 receives from 7. */
    {false, false, false, true, MOUNT_OP_MOUNT, false, "/tmp/sh/n", 60, host_chain,
     "which propagates to mount 91 (on /h)"},
    {false, false, false, true, MOUNT_OP_MOUNT, false, "/tmp/chain/n", 62, host_chain,
     "mount 62 (on /tmp/chain) is in peer group 7"},
    /* The host's 93 receives from group 9 only: unrelated to 5. */
    {false, false, false, true, MOUNT_OP_MOUNT, false, "/tmp/sh/n", 60, host_apart, NULL},
    {false, false, false, true, MOUNT_OP_MOUNT, false, "/tmp/lone/n", 63, host_apart,
     "which propagates to mount 93 (on /h)"},
};

/* The guard's answer to req against what row i expects: allowed (refusal
 * NULL), or refused with a message that contains refusal. */
static void check_row(size_t i, const struct host_guard *g, const struct mount_table *self,
                      const struct guard_req *req, const char *refusal)
{
    struct nsl_err e = {0};
    int r = host_guard_check(g, self, req, &e);
    if (!refusal && r != 0)
        fail_msg("row %zu: refused: %s", i, e.msg);
    if (refusal && r == 0)
        fail_msg("row %zu: allowed, expected '%s'", i, refusal);
    if (refusal && !strstr(e.msg, refusal))
        fail_msg("row %zu: '%s' lacks '%s'", i, e.msg, refusal);
}

static void test_guard_table(void **state)
{
    struct mount_table self = {0};
    assert_int_equal(mountinfo_parse(guard_self, strlen(guard_self), &self, NULL), 0);
    struct mount_ids created = {0};
    mount_ids_add(&created, 50);
    mount_ids_add(&created, 51);
    mount_ids_add(&created, 53);
    for (size_t i = 0; i < ARRAY_SIZE(guard_rows); i++) {
        const struct guard_row *row = &guard_rows[i];
        struct mount_table host = {0};
        if (row->host_text)
            assert_int_equal(mountinfo_parse(row->host_text, strlen(row->host_text), &host, NULL),
                             0);
        host.mntns = 4026531840;
        struct host_guard g = {
            .in_host_mntns = row->in_host,
            .allow_host_changes = row->allow,
            .created = row->with_created ? &created : NULL,
            .host = row->with_host ? &host : NULL,
            .nhost = row->with_host ? 1 : 0,
        };
        struct guard_req req = {
            .op = row->op,
            .recursive = row->recursive,
            .path = row->path,
            .mount = row->mount_id ? mount_table_find_id(&self, row->mount_id) : NULL,
        };
        check_row(i, &g, &self, &req, row->refusal);
        mount_table_free(&host);
    }
    mount_ids_free(&created);
    mount_table_free(&self);
}

/* ---- pure: a cgroup2 mount and the v2 hierarchy's options ---- */

/* systemd's pure v2 (the options every cgroup2 mount shows are the
 * hierarchy's), a hybrid's bare cgroup2, and no cgroup2 at all. */
static const char cg_systemd[] =
    "27 1 254:0 / / rw - ext4 /dev/vda rw\n"
    "30 27 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 "
    "rw,nsdelegate,memory_recursiveprot\n"
    "50 27 0:50 / /tmp/s rw - tmpfs none rw\n";
static const char cg_hybrid[] = "27 1 254:0 / / rw - ext4 /dev/vda rw\n"
                                "41 27 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 "
                                "cgroup2 rw\n"
                                "50 27 0:50 / /tmp/s rw - tmpfs none rw\n";
static const char cg_none[] = "27 1 254:0 / / rw - ext4 /dev/vda rw\n"
                              "50 27 0:50 / /tmp/s rw - tmpfs none rw\n";

struct cg_row {
    const char *self_text, *host_text;
    bool in_host_mntns, in_host_cgroupns, allow;
    enum mount_op op;
    const char *path;
    int mount_id;
    const char *fstype, *data;
    bool needs_host;
    const char *refusal; /* NULL: allowed; else the message contains it */
};

static const struct cg_row cg_rows[] = {
    /* A bare cgroup2 mount on a systemd host would drop its options. */
    {cg_systemd, NULL, false, true, false, MOUNT_OP_MOUNT, "/tmp/s", 50, "cgroup2", NULL, false,
     "refusing to mount on /tmp/s with options '': from a cgroup namespace this session did "
     "not create, a cgroup2 mount sets the options of the machine's one cgroup v2 hierarchy, "
     "for every process, and mount 30 (on /sys/fs/cgroup) shows them as "
     "'nsdelegate,memory_recursiveprot' now; give `-o nsdelegate,memory_recursiveprot`, or "
     "run `unshare cgroup` first"},
    {cg_systemd, NULL, false, true, false, MOUNT_OP_MOUNT, "/tmp/s", 50, "cgroup2", "nsdelegate",
     false, "with options 'nsdelegate'"},
    /* The same options, in any order: nothing changes. */
    {cg_systemd, NULL, false, true, false, MOUNT_OP_MOUNT, "/tmp/s", 50, "cgroup2",
     "memory_recursiveprot,nsdelegate", false, NULL},
    {cg_systemd, NULL, false, true, false, MOUNT_OP_MOUNT, "/tmp/s", 50, "cgroup2",
     "nsdelegate,memory_recursiveprot", false, NULL},
    /* From a cgroup namespace the session made the kernel leaves them. */
    {cg_systemd, NULL, false, false, false, MOUNT_OP_MOUNT, "/tmp/s", 50, "cgroup2", NULL, false,
     NULL},
    {cg_systemd, NULL, false, true, true, MOUNT_OP_MOUNT, "/tmp/s", 50, "cgroup2", NULL, false,
     NULL},
    {cg_systemd, NULL, false, true, false, MOUNT_OP_MOUNT, "/tmp/s", 50, "tmpfs", NULL, false,
     NULL},
    /* cgroup v1 options concern its own hierarchy only. */
    {cg_systemd, NULL, false, true, false, MOUNT_OP_MOUNT, "/tmp/s", 50, "cgroup", "net_cls",
     false, NULL},
    /* A remount without MS_BIND applies them too (the superblock's check
     * reads the host's tables for it anyway); with MS_BIND, not. */
    {cg_systemd, NULL, false, true, false, MOUNT_OP_REMOUNT, "/sys/fs/cgroup", 30, NULL, "", true,
     "refusing to remount /sys/fs/cgroup with options ''"},
    {cg_systemd, NULL, false, true, false, MOUNT_OP_REMOUNT_BIND, "/sys/fs/cgroup", 30, NULL, "",
     false, NULL},
    /* A hybrid's cgroup2 has none: a bare mount is harmless, one that adds is not. */
    {cg_hybrid, NULL, false, true, false, MOUNT_OP_MOUNT, "/tmp/s", 50, "cgroup2", NULL, false,
     NULL},
    {cg_hybrid, NULL, false, true, false, MOUNT_OP_MOUNT, "/tmp/s", 50, "cgroup2", "nsdelegate",
     false,
     "refusing to mount on /tmp/s with options 'nsdelegate': from a cgroup namespace this "
     "session did not create, a cgroup2 mount sets the options of the machine's one cgroup v2 "
     "hierarchy, for every process, and mount 41 (on /sys/fs/cgroup/unified) shows none now; "
     "mount it without -o"},
    /* rw and ro are the mount's flags, not the hierarchy's. */
    {cg_hybrid, NULL, false, true, false, MOUNT_OP_MOUNT, "/tmp/s", 50, "cgroup2", "rw", false,
     NULL},
    /* No cgroup2 in the caller's table (after pivot_root): a host table tells. */
    {cg_none, cg_systemd, false, true, false, MOUNT_OP_MOUNT, "/tmp/s", 50, "cgroup2", NULL, true,
     "mount 30 (on /sys/fs/cgroup) shows them as 'nsdelegate,memory_recursiveprot'"},
    /* None anywhere: no mount shows or depends on them. */
    {cg_none, cg_none, false, true, false, MOUNT_OP_MOUNT, "/tmp/s", 50, "cgroup2", NULL, true,
     NULL},
    /* In the host's mount namespace, on a mount the session made: the same rule. */
    {cg_systemd, NULL, true, true, false, MOUNT_OP_MOUNT, "/tmp/s/cg", 50, "cgroup2", NULL, false,
     "refusing to mount on /tmp/s/cg with options ''"},
    {cg_systemd, NULL, true, true, false, MOUNT_OP_MOUNT, "/tmp/s/cg", 50, "cgroup2",
     "nsdelegate,memory_recursiveprot", false, NULL},
};

static void test_guard_cgroup2(void **state)
{
    (void)state;
    struct mount_ids created = {0};
    mount_ids_add(&created, 50);
    for (size_t i = 0; i < ARRAY_SIZE(cg_rows); i++) {
        const struct cg_row *row = &cg_rows[i];
        struct mount_table self = {0}, host = {0};
        assert_int_equal(mountinfo_parse(row->self_text, strlen(row->self_text), &self, NULL), 0);
        if (row->host_text)
            assert_int_equal(mountinfo_parse(row->host_text, strlen(row->host_text), &host, NULL),
                             0);
        host.mntns = 4026531840;
        struct host_guard g = {.in_host_mntns = row->in_host_mntns,
                               .in_host_cgroupns = row->in_host_cgroupns,
                               .allow_host_changes = row->allow,
                               .created = &created};
        struct guard_req req = {.op = row->op,
                                .path = row->path,
                                .mount = mount_table_find_id(&self, row->mount_id),
                                .fstype = row->fstype,
                                .data = row->data};
        if (host_guard_needs_host(&g, &self, &req) != row->needs_host)
            fail_msg("row %zu: needs the host's tables: %d", i, !row->needs_host);
        if (row->host_text) {
            g.host = &host;
            g.nhost = 1;
        }
        check_row(i, &g, &self, &req, row->refusal);
        mount_table_free(&host);
        mount_table_free(&self);
    }
    mount_ids_free(&created);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_guard_table),
        cmocka_unit_test(test_guard_cgroup2),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
