/* Why pivot_root(2) refused: the kernel checks its rules in a fixed order
 * (fs/namespace.c, pivot_root) and answers most of them with EINVAL, so the
 * errno alone does not say which. After a refusal the caller gathers the
 * facts each rule looks at (pivot_facts_read) and pivot_rule_of names the
 * first one broken, in the kernel's order. */
#ifndef NSLAB_PIVOT_H
#define NSLAB_PIVOT_H

#include <stdbool.h>

#include "err.h"

enum pivot_rule {
    PIVOT_RULE_NONE,           /* none of those below explains the refusal */
    PIVOT_RULE_PRIVILEGE,      /* EPERM: no CAP_SYS_ADMIN over the mount namespace */
    PIVOT_RULE_NOT_DIR,        /* ENOTDIR: NEW or PUT_OLD is not a directory */
    PIVOT_RULE_MISSING,        /* ENOENT: NEW or PUT_OLD does not exist */
    PIVOT_RULE_SHARED,         /* EINVAL: a mount involved is shared (/'s parent, NEW's
                                * parent, or PUT_OLD's mount) */
    PIVOT_RULE_SAME_MOUNT,     /* EBUSY: NEW or PUT_OLD is on the mount of the root */
    PIVOT_RULE_ROOT_NOT_MOUNT, /* EINVAL: the current root is not a mount point (chroot) */
    PIVOT_RULE_NEW_NOT_MOUNT,  /* EINVAL: NEW is not a mount point */
    PIVOT_RULE_OUTSIDE,        /* EINVAL: PUT_OLD is not at or under NEW */
};

/* What the rules look at, for one attempt. */
struct pivot_facts {
    int err;                 /* the errno pivot_root(2) gave */
    bool new_exists, old_exists;
    bool new_dir, old_dir;
    int root_mnt, new_mnt, old_mnt; /* the mount IDs that hold /, NEW, PUT_OLD */
    bool root_is_mount;      /* / is the root of its mount */
    bool new_is_mount;       /* NEW is the root of its mount */
    bool root_parent_shared; /* the mount / sits on is shared */
    bool new_parent_shared;  /* the mount NEW sits on is shared */
    bool old_shared;         /* PUT_OLD's mount is shared */
    bool old_under_new;      /* PUT_OLD is NEW or below it */
};

/* The first rule the facts break, in the kernel's order. Pure. */
enum pivot_rule pivot_rule_of(const struct pivot_facts *f);
/* The rule in words (English, for _()): what the kernel requires. */
const char *pivot_rule_text(enum pivot_rule r);
/* Its short name for JSON: "shared", "same-mount", ... ("" for NONE). */
const char *pivot_rule_name(enum pivot_rule r);

/* Gather the facts for NEW and PUT_OLD as the calling process sees them;
 * mountinfo is its own mount table (text of /proc/self/mountinfo). */
void pivot_facts_read(const char *new_root, const char *put_old, const char *mountinfo,
                      int err, struct pivot_facts *f);

#endif
