/* Mount mechanisms: mount, bind, umount and propagation changes, each a
 * traced mount(2)/umount2(2) that reports the target's mountinfo line before
 * and after, guarded so the host's mount table is only changed on purpose.
 *
 * These run in the process whose mount namespace they change (the subject),
 * and read that process's own PROC/self/mountinfo afresh for every step. */
#ifndef NSLAB_MOUNT_H
#define NSLAB_MOUNT_H

#include <stdbool.h>
#include <sys/types.h>

#include "err.h"
#include "kernel/mount/mountinfo.h"
#include "kernel/sys.h"
#include "kernel/trace.h"

/* A set of mount IDs (those this session created). Zeroed is empty. */
struct mount_ids {
    int *v;
    size_t n, cap;
};
void mount_ids_add(struct mount_ids *s, int id); /* no duplicates */
void mount_ids_remove(struct mount_ids *s, int id);
bool mount_ids_has(const struct mount_ids *s, int id);
void mount_ids_free(struct mount_ids *s);

enum mount_prop {
    MOUNT_PROP_SHARED,
    MOUNT_PROP_SLAVE,
    MOUNT_PROP_PRIVATE,
    MOUNT_PROP_UNBINDABLE,
};
/* "shared|slave|private|unbindable". 0 or -1 with an error listing them. */
int mount_prop_parse(const char *word, enum mount_prop *out, struct nsl_err *e);
const char *mount_prop_name(enum mount_prop p);
unsigned long mount_prop_flag(enum mount_prop p); /* MS_SHARED, ... */

/* Split mount(8)-style options: the ones that are mount flags (ro, rw,
 * nosuid, nodev, noexec, sync, noatime, relatime, bind, remount, ...) go to
 * *flags; "defaults" is dropped; the rest is handed to the filesystem as
 * *data joined by commas (NULL when none), in its original order, so
 * overlay's "lowerdir=/l,upperdir=/u,workdir=/w" arrives as written.
 * Propagation words (shared, rprivate, ...) are refused with a pointer to
 * `propagation`. opts NULL or "" gives 0 and NULL. */
int mount_opts_parse(const char *opts, unsigned long *flags, char **data, struct nsl_err *e);

/* The host guard of SPEC §6, as data. "The host" is every mount namespace
 * the session did not create: the one nslab started in, and any other it
 * can reach with setns (a container's, an outer namespace's). */
struct host_guard {
    bool in_host_mntns;      /* the caller's mnt ns is not one the session made */
    bool allow_host_changes; /* --allow-host-changes */
    bool in_host_cgroupns;   /* the caller's cgroup ns is not one the session made */
    const struct mount_ids *created; /* mounts this session created; NULL: none */
    /* The tables of the mount namespaces the session did not create (each
     * labelled with its mntns), to refuse changes that would reach one of
     * them through a shared peer group, or through a filesystem it also
     * mounts (a remount without MS_BIND); NULL skips those checks. */
    const struct mount_table *host;
    size_t nhost;
};

enum mount_op {
    MOUNT_OP_MOUNT,         /* a new mount on path */
    MOUNT_OP_BIND,          /* a bind mount on path */
    MOUNT_OP_REMOUNT,       /* new options for the filesystem (superblock) at path */
    MOUNT_OP_REMOUNT_BIND,  /* new per-mount flags for the mount at path (MS_BIND) */
    MOUNT_OP_UMOUNT,        /* remove the mount at path */
    MOUNT_OP_PROPAGATION,   /* change the propagation of the mount at path */
};

struct guard_req {
    enum mount_op op;
    bool recursive;   /* propagation -r: every mount below counts too */
    const char *path; /* canonical path, for the sentence */
    /* For MOUNT and BIND the mount that will hold the new one (the one that
     * contains path); for the others the mount at path; NULL when none. */
    const struct mount_ent *mount;
    /* MOUNT: the filesystem type; MOUNT and REMOUNT: its options (the data
     * of mount(2), without the MS_ flags); NULL when none. */
    const char *fstype, *data;
};

/* Decide whether req may happen. self is the caller's mount table (for -r
 * subtrees and umount's parent). Returns 0 when allowed; -1 with one
 * sentence that names the mount and suggests `unshare mnt` (or, outside
 * the host's namespace, making the shared mount private) otherwise.
 * In a namespace the session did not create only mounts in g->created may
 * change (a new mount changes the mount that holds it); in one it made
 * anything may, unless it would propagate into a peer group of a host
 * table, or it is a remount of a filesystem (not MS_BIND: the superblock,
 * which every namespace mounting it shares) that a host table mounts too.
 * In any mount namespace, a cgroup2 mount (or remount) from a cgroup
 * namespace the session did not make must give the options the machine's
 * v2 hierarchy has now: the kernel applies them to that one hierarchy,
 * for everyone. */
int host_guard_check(const struct host_guard *g, const struct mount_table *self,
                     const struct guard_req *req, struct nsl_err *e);
/* Does the check of req need the host tables (g->host)? Only without
 * --allow-host-changes: in a namespace the session made, for a remount of
 * a filesystem or a change under a shared mount; and for a cgroup2 mount
 * the guard checks when self shows no cgroup2 to read the hierarchy's
 * options from. Reading them means a walk of /proc, so the mechanisms
 * read them only then. */
bool host_guard_needs_host(const struct host_guard *g, const struct mount_table *self,
                           const struct guard_req *req);

/* What every mechanism needs. */
struct mount_ctx {
    const struct nsl_paths *paths;
    struct trace *trace;   /* where the calls are recorded (may be NULL) */
    /* The mount namespaces this session created (their inodes, held open by
     * the shell so no other namespace can get the same number). Every other
     * one is the host's for the guard. */
    const ino_t *made_mntns;
    size_t n_made_mntns;
    /* A /proc (the shell's view) whose processes name every other mount
     * namespace, to read their tables when a check needs them; -1: they
     * cannot be read, and a change that needs them is refused. */
    int procfd;
    bool allow_host_changes;
    bool in_host_cgroupns; /* the caller's cgroup ns is not one the session made */
    const struct mount_ids *created;
};

/* The answer of a mechanism: the target's mountinfo line before and after
 * (raw kernel text, NULL when the target was not / is no longer a mount
 * point) and the IDs of the mounts that appeared or vanished in the
 * caller's table (a recursive bind adds several). Pass it zeroed (or
 * holding an earlier result, which is freed first). On failure after the
 * target was read, before/before_id are still filled; after stays NULL. */
/* Which stage of a mount step failed (MOUNT_DONE when none). */
enum mount_stage {
    MOUNT_DONE,
    MOUNT_FAILED_OPTIONS, /* -o could not be parsed */
    MOUNT_FAILED_SOURCE,  /* the source path could not be resolved */
    MOUNT_FAILED_TARGET,  /* the target path could not be resolved */
    MOUNT_FAILED_READ,    /* mountinfo could not be read */
    MOUNT_FAILED_NOT_MOUNT_POINT,
    MOUNT_FAILED_GUARD, /* the host guard refused */
    MOUNT_FAILED_CALL,  /* mount(2) / umount2(2) */
};
struct mount_result {
    enum mount_stage failed;
    char *target; /* the canonical path that was looked up */
    char *before, *after;
    int before_id, after_id; /* 0 when none */
    int *added, *removed;
    size_t n_added, n_removed;
};
void mount_result_free(struct mount_result *r);

/* mount(2) of FSTYPE from SOURCE ("none" when NULL) on TARGET, with -o
 * options split by mount_opts_parse. */
int mount_fs(const struct mount_ctx *c, const char *fstype, const char *source,
             const char *target, const char *opts, struct mount_result *r, struct nsl_err *e);
/* Why the kernel refuses (EPERM) a mount of FSTYPE with mount FLAGS to a
 * process in a user namespace other than the initial one, for the types
 * with rules of their own: proc and sysfs only where one is already visible
 * whole in the mount table T, and no less read-only than it
 * (mnt_already_visible in the kernel), proc only for a PID namespace the
 * user namespace owns, sysfs for a network namespace it owns, cgroup
 * hierarchies for a cgroup namespace it owns. Translated; NULL for other
 * types (the general hint applies). */
const char *mount_userns_eperm_hint(const char *fstype, unsigned long flags,
                                    const struct mount_table *t);
/* mount(2) with MS_BIND (|MS_REC when recursive) of SOURCE on TARGET. */
int mount_bind(const struct mount_ctx *c, const char *source, const char *target,
               bool recursive, struct mount_result *r, struct nsl_err *e);
/* umount2(2) of the mount at TARGET (flags: 0, MNT_DETACH, ...). */
int mount_umount(const struct mount_ctx *c, const char *target, int flags,
                 struct mount_result *r, struct nsl_err *e);
/* Pin a namespace: mount(2) with MS_BIND of the namespace file open at
 * nsfd (a /proc/PID/ns/TYPE, shown as shown; reached as /proc/self/fd/N,
 * since the magic link itself cannot be resolved to a path) on the file
 * TARGET, which is made (an empty regular file) when it is not there, and
 * removed again when the step then fails. The namespace lives as long as
 * the mount does, whatever processes it has. */
int mount_pin(const struct mount_ctx *c, int nsfd, const char *shown, const char *target,
              struct mount_result *r, struct nsl_err *e);
/* umount2(2) of the pin at TARGET; refuses, without a call, when what is
 * mounted there is not a namespace file (fstype nsfs). */
int mount_unpin(const struct mount_ctx *c, const char *target, struct mount_result *r,
                struct nsl_err *e);
/* mount(2) with MS_SHARED/MS_SLAVE/MS_PRIVATE/MS_UNBINDABLE (|MS_REC) on the
 * mount at PATH; refuses, without a call, when PATH is not a mount point. */
int mount_set_propagation(const struct mount_ctx *c, enum mount_prop prop, const char *path,
                          bool recursive, struct mount_result *r, struct nsl_err *e);

#endif
