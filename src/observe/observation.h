/* The observation: what a step shows of the subject after it ran, as one
 * plain value. The observe layer fills it (observe.h), never printing;
 * render/ turns it into text or JSON; `expect` judges the namespaces. The
 * pure functions on it live here, beside the types, so every layer that
 * reads an observation (render included) can use them. */
#ifndef NSLAB_OBSERVATION_H
#define NSLAB_OBSERVATION_H

#include <stdbool.h>
#include <sys/types.h>

#include "kernel/cgroup/cgroup.h"
#include "kernel/mount/mount_watch.h"
#include "kernel/mount/mount_diff.h"
#include "kernel/mount/mountinfo.h"
#include "kernel/ns.h"
#include "util.h"

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

/* What changed in a cgroup since the previous observation, by meaning (the
 * text marks these; JSON lists every file that changed). */
enum cg_mark {
    CGM_NEW = 1 << 0,
    CGM_LIMIT = 1 << 1,
    CGM_USAGE = 1 << 2, /* a gauge: changes all the time, never marked in text */
    CGM_HITS = 1 << 3,
    CGM_OOM = 1 << 4,
    CGM_THROTTLED = 1 << 5,
    CGM_FROZEN = 1 << 6,
    CGM_PROCS = 1 << 7,
    CGM_WEIGHT = 1 << 8,
    CGM_CPUS = 1 << 9,
};

/* One cgroup as observed (observe_cg.c reads it, render/cgroup.c shows it). */
struct cg_obs {
    char name[128]; /* "mem1", "mem1/sub"; "" for the subject's own */
    char dir[CG_PATH_MAX + 192];
    int hier, version;
    enum cg_ctrl ctrl; /* CG_NCTRL: a cgroup of no controller nslab knows */
    bool own;          /* the subject's own cgroup, not one of the session's */
    int depth;         /* cgls: levels below the session's cgroup */
    bool ok;           /* read; otherwise err says why */
    char err[1024];
    struct cg_stats st;
    bool *changed; /* per st.reads[i]: differs from the previous observation */
    unsigned marks; /* enum cg_mark */
    bool subject_inside;
};

/* The session's cgroups and the subject's own, as one step observed them. */
struct cg_snap {
    bool taken;
    pid_t subject;
    struct cg_obs *v;
    size_t n;
};

/* The mount observation kept between steps (OBS_MOUNTS): the subject's
 * table after the last observed step, what changed in the current one, and
 * the kernel's signal that the table is out of date. */
struct mount_history {
    struct mount_table prev;
    bool have_prev;
    struct strbuf prev_text; /* the mountinfo prev was parsed from, if prev_text_ok */
    bool prev_text_ok;
    struct mount_diff diff;
    bool diff_valid;
    struct mount_watch watch; /* kernel/mount/mount_watch.h */
};

/* One step's observation. Each part is NULL when it was not observed (not
 * asked for with --observe, or nobody sees it); the pointers live until
 * the next step is observed. */
struct observation {
    const struct snapshot *before; /* the namespaces after the previous step */
    const struct snapshot *now;    /* and after this one */
    const struct ns_obs *host;     /* the host's namespaces (NS_NSLOTS), to compare */
    const struct cg_snap *cg;      /* the session's cgroups */
    const struct mount_diff *mounts; /* what changed in the subject's mount table */
};

#endif
