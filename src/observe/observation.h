/* The observation: what a step shows of the subject after it ran, as one
 * plain value. The observe layer fills it (observe.h), never printing;
 * render/ turns it into text or JSON; `expect` judges the namespaces. The
 * pure functions on it live here, beside the types, so every layer that
 * reads an observation (render included) can use them. */
#ifndef NSLAB_OBSERVATION_H
#define NSLAB_OBSERVATION_H

#include <stdbool.h>
#include <sys/types.h>

#include "kernel/mount/mount_diff.h"
#include "kernel/mount/mountinfo.h"
#include "kernel/ns.h"
#include "util.h"

struct cg_snap;

/* The subject's namespaces: its ten /proc/PID/ns links. */
struct snapshot {
    pid_t pid;
    bool valid;
    struct ns_obs ns[NS_NSLOTS];
};

/* Did slot s change between two snapshots (inode or readability)? */
static inline bool snapshot_changed(const struct snapshot *a, const struct snapshot *b,
                                    enum ns_slot s)
{
    if (!a->valid || !b->valid)
        return false;
    return a->ns[s].ino != b->ns[s].ino || (a->ns[s].err != 0) != (b->ns[s].err != 0);
}

/* Does slot s differ from the host's (host: NS_NSLOTS readings)? */
static inline bool snapshot_differs(const struct snapshot *now, const struct ns_obs *host,
                                    enum ns_slot s)
{
    if (!now->valid)
        return false;
    /* pending (no inode yet) differs from the host's, which always reads */
    return now->ns[s].ino != host[s].ino;
}

/* The mount observation kept between steps (OBS_MOUNTS): the subject's
 * table after the last observed step, and what changed in the current one. */
struct mount_watch {
    struct mount_table prev;
    bool have_prev;
    struct strbuf prev_text; /* the mountinfo prev was parsed from, if prev_text_ok */
    bool prev_text_ok;
    struct mount_diff diff;
    bool diff_valid;
};

/* One step's observation. Each part is NULL when it was not observed (not
 * asked for with --observe, or nobody sees it); the pointers live until
 * the next step is observed. */
struct observation {
    const struct snapshot *before; /* the namespaces after the previous step */
    const struct snapshot *now;    /* and after this one */
    const struct ns_obs *host;     /* the host's namespaces (NS_NSLOTS), to compare */
    const struct cg_snap *cg;      /* the session's cgroups (session/cgroups.h) */
    const struct mount_diff *mounts; /* what changed in the subject's mount table */
};

#endif
