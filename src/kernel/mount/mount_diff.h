/* What changed between two readings of a mount table: mounts added,
 * removed, and mounts whose propagation or options changed. A pure function
 * on parsed tables, so the observation after each step is unit-tested on
 * literal mountinfo text.
 *
 * Within one mount namespace mounts are matched by ID (and device and root,
 * since IDs are reused after an unmount). When the tables belong to two
 * namespaces (the subject ran `unshare mnt` or `setns mnt`), every mount of
 * the new one is a copy with a new ID, so they are matched by mount point
 * instead, and only what differs is reported. */
#ifndef NSLAB_MOUNT_DIFF_H
#define NSLAB_MOUNT_DIFF_H

#include "kernel/mount/mountinfo.h"

enum mount_change_kind {
    MOUNT_ADDED,
    MOUNT_REMOVED,
    MOUNT_CHANGED, /* propagation and/or options */
};

/* The propagation part of a mount, to print it with mount_propagation_format. */
struct mount_prop_state {
    int shared, master, propagate_from;
    bool unbindable;
};

struct mount_change {
    enum mount_change_kind kind;
    int id;     /* the mount's ID (for REMOVED: the ID it had) */
    int old_id; /* CHANGED across namespaces: the ID in the old table; else = id */
    int parent;
    char *target, *fstype, *source;
    struct mount_prop_state before, after; /* ADDED: after only; REMOVED: before */
    char *opts_before, *opts_after;        /* NULL when unchanged (CHANGED) */
};

struct mount_diff {
    ino_t ns_before, ns_after; /* mnt ns inodes (0 unknown) */
    bool ns_changed;           /* matched by mount point, not by ID */
    size_t n_before, n_after;  /* how many mounts each table has */
    struct mount_change *v;
    size_t n;
};

/* Compare a (earlier) with b (later) into *out (zeroed or freed). */
void mount_table_diff(const struct mount_table *a, const struct mount_table *b,
                      struct mount_diff *out);
void mount_diff_free(struct mount_diff *d);
/* The propagation fields of m, and a mount_ent view of them for printing. */
struct mount_prop_state mount_prop_state_of(const struct mount_ent *m);
bool mount_prop_state_equal(const struct mount_prop_state *a, const struct mount_prop_state *b);
void mount_prop_state_format(const struct mount_prop_state *p, const struct mount_labels *lb,
                             struct strbuf *out);

#endif
