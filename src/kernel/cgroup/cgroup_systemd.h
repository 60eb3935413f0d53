/* systemd as the owner of the cgroup tree: where systemd is the init, the
 * tree is its own, and a program that makes cgroups of its own asks systemd
 * for a unit with Delegate=yes and stays inside that unit's cgroup
 * (https://systemd.io/CGROUP_DELEGATION/). nslab asks, over D-Bus (sd-bus
 * of libsystemd), for a transient scope nslab-<PID>.scope holding its own
 * process, then moves itself into a leaf of it (CG_SCOPE_LEAF), so that on
 * cgroup v2 the scope may enable controllers for the session parent beside
 * that leaf (no internal processes).
 *
 * Only the unified hierarchy is delegated this way (pure v2, and the
 * cgroup2 mount of a hybrid layout). On a legacy v1 layout systemd
 * delegates its name=systemd hierarchy, which holds no controller; the v1
 * controller hierarchies are nobody's to delegate, and nslab keeps its
 * session parents there as without systemd (under the cgroup it runs in,
 * else the root). Without systemd, nothing changes. */
#ifndef NSLAB_CGROUP_SYSTEMD_H
#define NSLAB_CGROUP_SYSTEMD_H

#include <stdbool.h>
#include <sys/types.h>

#include "kernel/cgroup/cgroup_layout.h"
#include "kernel/cgroup/sys_cgroup.h"
#include "kernel/trace.h"

/* Why the session parent is not in a delegated scope. */
enum cg_deleg_why {
    CG_DELEG_UNASKED,    /* nothing asked yet (a zeroed struct) */
    CG_DELEG_OK,
    CG_DELEG_NO_SYSTEMD, /* systemd is not the init (PID 1) here */
    CG_DELEG_FAKE_ROOT,  /* NSLAB_CGROUP_ROOT: a fake tree */
    CG_DELEG_LEGACY,     /* no unified hierarchy: legacy v1 */
    CG_DELEG_BUS,        /* the system bus could not be reached */
    CG_DELEG_REFUSED,    /* systemd refused the scope */
    CG_DELEG_NOT_MOVED,  /* the scope was made, the process not moved */
    CG_DELEG_LEAF,       /* the leaf in the scope could not be made */
};

struct cg_deleg {
    bool ok;
    enum cg_deleg_why why;
    char detail[1100];       /* systemd's or the kernel's words, "" if none */
    char unit[64];           /* "nslab-1234.scope" (set once asked) */
    int hier;                /* the delegated hierarchy (layout index), -1 */
    char dir[CG_PATH_MAX];   /* the scope's cgroup directory there */
    char leaf[CG_PATH_MAX];  /* dir/CG_SCOPE_LEAF: where nslab runs now */
};

/* The leaf of a delegated scope that holds nslab itself (and so its
 * subject, forked later); the session parent nslab.<PID> is its sibling. */
#define CG_SCOPE_LEAF "shell"

/* Ask systemd for the scope nslab-<pid>.scope with Delegate=yes holding
 * process pid (the calling process), and move pid into its leaf (through
 * sys, traced in t). 0 when done (out->ok), else -1 with out->why (and
 * out->detail): then nothing else changed but what out says. */
int cg_systemd_delegate(const struct cg_layout *L, const struct nsl_paths *paths,
                        const struct cg_sys *sys, pid_t pid, struct trace *t,
                        struct cg_deleg *out);
/* The English sentence for why (a msgid: translate it with _()). */
const char *cg_deleg_why_text(enum cg_deleg_why why);

#endif
