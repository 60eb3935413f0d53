/* systemd as the owner of the cgroup tree: where systemd is the init, the
 * tree is its own, and a program that makes cgroups of its own asks systemd
 * for a unit with Delegate=yes and stays inside that unit's cgroup
 * (https://systemd.io/CGROUP_DELEGATION/). nslab asks, over D-Bus (sd-bus
 * of libsystemd), for a transient scope nslab-<PID>.scope holding its own
 * process, then moves itself into a leaf of it (CG_SCOPE_LEAF), so that on
 * cgroup v2 the scope may enable controllers for the session parent beside
 * that leaf (no internal processes).
 *
 * The scope's cgroup is the one systemd names (its ControlGroup
 * property), in the unified hierarchy (pure v2, hybrid), or on a legacy v1
 * layout in systemd's own name=systemd hierarchy. On v1 (hybrid, legacy)
 * systemd makes the scope in the controller hierarchies it manages too
 * (cpu, cpuacct, blkio, memory, devices, pids) and delegates them with it:
 * nslab runs there, so its session parents go there (v1 has no rule
 * against processes beside children: no leaf). The v1 controllers systemd
 * does not manage (freezer, cpuset, net_cls, perf_event, hugetlb) are
 * "up for grabs", systemd's document says: there nslab's session parents
 * stay where they were without systemd (under the cgroup nslab runs in,
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
    CG_DELEG_LEGACY,     /* neither a unified nor a name=systemd hierarchy */
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
    char leaf[CG_PATH_MAX];  /* v2: dir/CG_SCOPE_LEAF, where nslab runs now;
                              * v1 (name=systemd): "", nslab stays in dir */
};

/* The leaf of a delegated scope that holds nslab itself (and so its
 * subject, forked later); the session parent nslab.<PID> is its sibling. */
#define CG_SCOPE_LEAF "shell"

/* Ask systemd for the scope nslab-<pid>.scope with Delegate=yes holding
 * process pid (the calling process), and on v2 move pid into its leaf
 * (through sys, traced in t). 0 when done (out->ok), else -1 with out->why (and
 * out->detail): then nothing else changed but what out says. */
int cg_systemd_delegate(const struct cg_layout *L, const struct nsl_paths *paths,
                        const struct cg_sys *sys, pid_t pid, struct trace *t,
                        struct cg_deleg *out);
/* The English sentence for why (a msgid: translate it with _()). */
const char *cg_deleg_why_text(enum cg_deleg_why why);

#endif
