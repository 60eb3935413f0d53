#define _GNU_SOURCE
#include "kernel/mount/pivot.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "i18n.h"
#include "kernel/mount/mountinfo.h"

enum pivot_rule pivot_rule_of(const struct pivot_facts *f)
{
    if (f->err == EPERM)
        return PIVOT_RULE_PRIVILEGE;
    if (!f->new_exists || !f->old_exists)
        return PIVOT_RULE_MISSING;
    if (!f->new_dir || !f->old_dir)
        return PIVOT_RULE_NOT_DIR;
    if (f->old_shared || f->new_parent_shared || f->root_parent_shared)
        return PIVOT_RULE_SHARED;
    if (f->new_mnt == f->root_mnt || f->old_mnt == f->root_mnt)
        return PIVOT_RULE_SAME_MOUNT;
    if (!f->root_is_mount)
        return PIVOT_RULE_ROOT_NOT_MOUNT;
    if (!f->new_is_mount)
        return PIVOT_RULE_NEW_NOT_MOUNT;
    if (!f->old_under_new)
        return PIVOT_RULE_OUTSIDE;
    return PIVOT_RULE_NONE;
}

const char *pivot_rule_text(enum pivot_rule r)
{
    switch (r) {
    case PIVOT_RULE_PRIVILEGE:
        return N_("pivot_root needs CAP_SYS_ADMIN in the user namespace that owns the mount "
                  "namespace");
    case PIVOT_RULE_MISSING:
        return N_("NEW and PUT_OLD must exist");
    case PIVOT_RULE_NOT_DIR:
        return N_("NEW and PUT_OLD must be directories");
    case PIVOT_RULE_SHARED:
        return N_("no mount it moves may be shared (the mount under /, the mount under NEW, "
                  "PUT_OLD's mount): the move would propagate to their peers, so make them "
                  "private or slave (`propagation private / -r`; `unshare mnt` does it)");
    case PIVOT_RULE_SAME_MOUNT:
        return N_("NEW and PUT_OLD must not be on the mount of the current root: make NEW a "
                  "mount point of its own (`bind NEW NEW`)");
    case PIVOT_RULE_ROOT_NOT_MOUNT:
        return N_("the current root must be a mount point (after a chroot into a plain "
                  "directory it is not)");
    case PIVOT_RULE_NEW_NOT_MOUNT:
        return N_("NEW must be a mount point: bind it on itself first (`bind NEW NEW`)");
    case PIVOT_RULE_OUTSIDE:
        return N_("PUT_OLD must be NEW or a directory below it: that is where the old root "
                  "goes");
    case PIVOT_RULE_NONE:
        break;
    }
    return "";
}

const char *pivot_rule_name(enum pivot_rule r)
{
    static const char *const names[] = {
        [PIVOT_RULE_NONE] = "",
        [PIVOT_RULE_PRIVILEGE] = "privilege",
        [PIVOT_RULE_MISSING] = "missing",
        [PIVOT_RULE_NOT_DIR] = "not-dir",
        [PIVOT_RULE_SHARED] = "shared",
        [PIVOT_RULE_SAME_MOUNT] = "same-mount",
        [PIVOT_RULE_ROOT_NOT_MOUNT] = "root-not-mount",
        [PIVOT_RULE_NEW_NOT_MOUNT] = "new-not-mount",
        [PIVOT_RULE_OUTSIDE] = "put-old-outside",
    };
    return (unsigned)r < ARRAY_SIZE(names) ? names[r] : "";
}

/* The mount ID that holds path (statx), 0 when it cannot be read. */
static int mnt_id_of(const char *path)
{
    struct statx sx;
    if (statx(AT_FDCWD, path, 0, STATX_MNT_ID, &sx) < 0 || !(sx.stx_mask & STATX_MNT_ID))
        return 0;
    return (int)sx.stx_mnt_id;
}

static bool is_dir(const char *path, bool *exists)
{
    struct stat st;
    *exists = stat(path, &st) == 0;
    return *exists && S_ISDIR(st.st_mode);
}

static bool parent_shared(const struct mount_table *t, const struct mount_ent *m)
{
    const struct mount_ent *p = m ? mount_table_find_id(t, m->parent) : NULL;
    return p && p != m && p->shared;
}

void pivot_facts_read(const char *new_root, const char *put_old, const char *mountinfo, int err,
                      struct pivot_facts *f)
{
    memset(f, 0, sizeof *f);
    f->err = err;
    f->new_dir = is_dir(new_root, &f->new_exists);
    f->old_dir = is_dir(put_old, &f->old_exists);
    f->root_mnt = mnt_id_of("/");
    f->new_mnt = mnt_id_of(new_root);
    f->old_mnt = mnt_id_of(put_old);
    struct mount_table t = {0};
    struct nsl_err e;
    if (mountinfo && mountinfo_parse(mountinfo, strlen(mountinfo), &t, &e) < 0)
        memset(&t, 0, sizeof t);
    const struct mount_ent *root = mount_table_find_id(&t, f->root_mnt);
    const struct mount_ent *nm = mount_table_find_id(&t, f->new_mnt);
    const struct mount_ent *om = mount_table_find_id(&t, f->old_mnt);
    cleanup_free char *nreal = realpath(new_root, NULL);
    cleanup_free char *oreal = realpath(put_old, NULL);
    /* mountinfo lists a mount only when its mount point is reachable from
     * the root: the root's mount is a mount point when it is listed at "/". */
    f->root_is_mount = root && strcmp(root->target, "/") == 0;
    f->new_is_mount = nm && nreal && strcmp(nm->target, nreal) == 0;
    f->root_parent_shared = parent_shared(&t, root);
    f->new_parent_shared = parent_shared(&t, nm);
    f->old_shared = om && om->shared;
    if (nreal && oreal) {
        size_t n = strlen(nreal);
        f->old_under_new = strncmp(oreal, nreal, n) == 0 &&
                           (oreal[n] == '\0' || oreal[n] == '/' || strcmp(nreal, "/") == 0);
    }
    mount_table_free(&t);
}
