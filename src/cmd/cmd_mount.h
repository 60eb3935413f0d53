/* The mount commands' shared state and helpers (shell side).
 *
 * The session remembers what it did to the host's mount namespace, so the
 * host guard lets it change its own mounts again and the exit path can undo
 * them; and it owns the scratch directory. (The last reading of the
 * subject's mount table, for the `mounts` observation, is observe/'s:
 * struct mount_history.) */
#ifndef NSLAB_CMD_MOUNT_H
#define NSLAB_CMD_MOUNT_H

#include "kernel/mount/mount.h"
#include "kernel/mount/mount_diff.h"
#include "kernel/mount/mount_path.h"
#include "nslab.h"

/* A mount this session made (or caused, through propagation) in the host's
 * mount namespace. IDs are reused after an unmount, so the exit path only
 * unmounts a mount that still matches all of these. */
struct mount_record {
    int id;
    unsigned major, minor;
    char *root, *target;
};

struct mount_session {
    struct mount_ids created; /* IDs of the records: what the guard allows */
    struct mount_record *rec;
    size_t n_rec;
    char *scratch; /* the scratch directory, NULL until first used */
    /* "<scratch>.lock" beside it, flock(2)ed while the session lives, so a
     * later start can tell a dead session's scratch directory from a live
     * one (scratch_sweep); NULL when it could not be made. */
    char *scratch_lock;
    int scratch_lockfd;
    char *image; /* the root `image` laid out or took, NULL before */
};

/* The session's mount state, made on first use (sh->mnt). */
struct mount_session *mount_session(struct nsl *sh);
/* At exit, with the subject and every job gone: unmount what the session
 * made in the host's mount namespace (and anything mounted under the
 * scratch directory there), remove the scratch directory, free the state.
 * Lines worth telling the user (a mount that could not be removed) are
 * appended to warn. Safe when sh->mnt is NULL. */
void mount_session_end(struct nsl *sh, struct strbuf *warn);

/* Remember the host-namespace mounts that appeared between h0 and h1 and
 * belong to this step: mounts whose device and root match a mount the step
 * added in the subject's table s1 (the subject's own, when it is in the
 * host's namespace; or the copies propagation brought into the host's), and
 * forget the ones that vanished. */
void mount_session_track(struct mount_session *ms, const struct mount_table *h0,
                         const struct mount_table *h1, const struct mount_table *s1,
                         const int *added, size_t n_added);

#define SCRATCH_WORD "$SCRATCH"
/* The scratch directory, created (traced into t) on first use. NULL with e
 * filled when it cannot be made. */
const char *scratch_ensure(struct nsl *sh, struct trace *t, struct nsl_err *e);
/* Replace $SCRATCH in argv[first..argc) with the scratch directory (made on
 * first use; the mkdir lands in the step's trace). Words are replaced by
 * new allocations (the old ones freed), as the lexer's words are. 0, or -1
 * with the step failed. */
int scratch_expand(struct nsl *sh, int first, int argc, char **argv);
/* At start: remove the scratch directories of sessions that are gone. Such
 * a directory has a "<dir>.lock" file beside it that nobody holds a lock
 * on, both owned by this user, and nothing mounted at or under it in this
 * mount namespace (else it is kept, and a line in notes says why). Each
 * removal gets a line in notes. */
void scratch_sweep(const struct nsl_paths *paths, struct strbuf *notes);

/* The mount tables a step can compare with (struct mount_views, in
 * kernel/mount/mountinfo.h): pid's and, beside it, the host's and every
 * running job's, one table per distinct mount namespace. */
int mount_views_read(struct nsl *sh, pid_t pid, struct mount_views *v, struct nsl_err *e);
/* The relations of m (in v->self) to every mount of the views, in words. */
void mount_views_relations(struct nsl *sh, const struct mount_views *v,
                           const struct mount_ent *m, const char *sep, struct strbuf *out);
/* Labels for peer groups and mnt ns inodes (--stable). */
struct mount_labels mount_labels_of(struct nsl *sh);

/* The expect forms about mounts (cmd_expect.c hands them over):
 *   expect mount PATH [shared|slave|private|unbindable] [in TARGET]
 *   expect no mount PATH [in TARGET]
 * argv[0] is "mount" or "no". 1 held, 0 not (why filled), -1 malformed. */
int mount_expect(struct nsl *sh, int argc, char **argv, struct strbuf *why, struct nsl_err *e);

#endif
