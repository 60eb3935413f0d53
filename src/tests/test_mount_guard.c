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
        struct nsl_err e = {0};
        int r = host_guard_check(&g, &self, &req, &e);
        if (!row->refusal && r != 0)
            fail_msg("row %zu: refused: %s", i, e.msg);
        if (row->refusal && r == 0)
            fail_msg("row %zu: allowed, expected '%s'", i, row->refusal);
        if (row->refusal && !strstr(e.msg, row->refusal))
            fail_msg("row %zu: '%s' lacks '%s'", i, e.msg, row->refusal);
        mount_table_free(&host);
    }
    mount_ids_free(&created);
    mount_table_free(&self);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_guard_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
