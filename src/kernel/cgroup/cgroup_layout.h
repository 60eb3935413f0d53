/* Which cgroup hierarchy holds which controller, on v2 (unified), v1 (legacy)
 * and hybrid systems. Detected once from /proc/self/mountinfo, /proc/cgroups
 * and the v2 root's cgroup.controllers, then kept by the caller: nothing here
 * is global, and nothing re-detects on its own.
 *
 * The parsers take text, so tests feed them literal mountinfo and
 * /proc/PID/cgroup snippets; cg_layout_detect() is the one place that reads
 * the files (through struct nsl_paths, so a fake tree works too). */
#ifndef NSLAB_CGROUP_LAYOUT_H
#define NSLAB_CGROUP_LAYOUT_H

#include <stdbool.h>
#include <sys/types.h>

#include "err.h"
#include "kernel/sys.h"

/* The controllers nslab knows. The first CG_NCREATE are the ones it makes
 * cgroups for; the rest are detected and shown. cpuacct only counts: it
 * takes no limit, and a cpu cgroup reads its usage from it where v1 mounts
 * it apart from cpu. */
enum cg_ctrl {
    CG_MEMORY,
    CG_CPU,
    CG_PIDS,
    CG_CPUSET,
    CG_FREEZER,
    CG_DEVICES,
    CG_NET_CLS,
    CG_IO,
    CG_PERF_EVENT,
    CG_CPUACCT,
    CG_HUGETLB,
    CG_NCTRL
};
#define CG_NCREATE (CG_CPUACCT + 1)

struct cg_ctrl_info {
    const char *name;   /* the word users type and the usual name: "memory" */
    const char *alias;  /* a shorter word also accepted ("mem"), or NULL */
    const char *prefix; /* names of the cgroups nslab makes: "mem" -> mem1 */
    const char *v1;     /* the v1 subsystem (in /proc/cgroups): "blkio" */
    const char *v2;     /* the v2 controller (cgroup.controllers): "io"; NULL if none */
    /* On v2 this works in every cgroup without a controller: cgroup.freeze
     * for the freezer, cpu.stat's usage_usec for cpuacct, a BPF program for
     * devices, perf_event (implicit on v2 while no v1 hierarchy holds it). */
    bool v2_core;
    const char *limit_syntax; /* what cgcreate takes as its LIMIT */
};
extern const struct cg_ctrl_info cg_ctrl_info[CG_NCTRL];

/* "mem", "memory", "cpu", "pids", "cpuset", "freezer", "devices", "net_cls", "io" ("blkio"),
 * "perf_event", "cpuacct": only the controllers
 * nslab makes cgroups for. 0, or -1 with an error listing the words. */
int cg_ctrl_parse(const char *word, enum cg_ctrl *out, struct nsl_err *e);

enum cg_mode {
    CG_MODE_NONE,    /* no cgroup filesystem found */
    CG_MODE_LEGACY,  /* v1 only */
    CG_MODE_HYBRID,  /* v1 hierarchies beside a cgroup2 mount */
    CG_MODE_UNIFIED, /* v2 only */
};
const char *cg_mode_name(enum cg_mode m); /* "unified", "legacy", "hybrid", "none" */

#define CG_MAX_HIER 16
#define CG_PATH_MAX 512

/* One mounted hierarchy. */
struct cg_hier {
    int version;             /* 1 or 2 */
    char mount[CG_PATH_MAX]; /* where it is mounted, rebased under the cgroup root */
    char root[CG_PATH_MAX];  /* the cgroup its top shows (mountinfo ROOT), "/" usually */
    /* v1: the subsystems from the mount options ("cpu,cpuacct",
     * "name=systemd"); v2: the top's cgroup.controllers ("cpu memory pids"). */
    char ctrls[256];
    unsigned mask; /* 1u << enum cg_ctrl, for each controller it holds */
};

struct cg_layout {
    enum cg_mode mode;
    size_t nhier;
    struct cg_hier hier[CG_MAX_HIER];
    int ctrl_hier[CG_NCTRL]; /* index into hier[] holding it, or -1 */
    int unified;             /* index of the cgroup2 hierarchy, or -1 */
    unsigned enabled;        /* controllers /proc/cgroups says are enabled */
    bool fake_root;          /* NSLAB_CGROUP_ROOT overrides /sys/fs/cgroup */
    char note[1024];         /* the statfs cross-check disagreed: why; else "" */
};

/* --- pure parsers ------------------------------------------------------ */

/* Fill L->hier[] from /proc/PID/mountinfo text: the cgroup and cgroup2 mounts
 * at or below /sys/fs/cgroup that are visible (a later mount on the same
 * point or above hides earlier ones, e.g. cgroup2 mounted over the tmpfs of
 * a hybrid layout), each hierarchy once. Their mount points are rebased from
 * /sys/fs/cgroup to cgroup_root. Resets L. 0, or -1 on malformed text. */
int cg_layout_parse_mountinfo(struct cg_layout *L, const char *text, const char *cgroup_root,
                              struct nsl_err *e);
/* /proc/cgroups text -> bit mask of enabled controllers (1u << enum cg_ctrl). */
int cg_parse_proc_cgroups(const char *text, unsigned *enabled, struct nsl_err *e);
/* The subsystems bound to the same v1 hierarchy as subsys ("net_cls"),
 * subsys first, comma-separated into out ("net_cls,perf_event"; just
 * "net_cls" when it is bound to none). Returns its hierarchy ID (0: none),
 * or -1 when /proc/cgroups text does not list subsys. */
int cg_proc_cgroups_peers(const char *text, const char *subsys, char *out, size_t size);
/* Finish L from the mounts: the masks (v2 from the root's cgroup.controllers
 * text, NULL when unread), which hierarchy holds each controller, the mode. */
void cg_layout_assign(struct cg_layout *L, unsigned enabled, const char *v2_controllers);

/* One line of /proc/PID/cgroup: "4:memory:/a/b", "1:name=systemd:/",
 * "0::/x" (v2). */
struct cg_member {
    int id;      /* hierarchy ID; 0 for v2 */
    char *ctrls; /* "memory", "cpu,cpuacct", "name=systemd", "" for v2 */
    char *path;  /* "/a/b" */
};
struct cg_proc {
    struct cg_member *v;
    size_t n;
};
int cg_proc_parse(const char *text, struct cg_proc *out, struct nsl_err *e);
void cg_proc_free(struct cg_proc *p);
/* The line for hierarchy h (v2: the "0::" line; v1: the line sharing a
 * controller or name= with h), or NULL. */
const struct cg_member *cg_proc_find(const struct cg_proc *p, const struct cg_hier *h);
/* Directory of cgroup path cgpath (as /proc/PID/cgroup shows it) in h:
 * h->mount + cgpath below h->root. 0, or -1 when it does not fit. */
int cg_hier_dir(const struct cg_hier *h, const char *cgpath, char *buf, size_t size,
                struct nsl_err *e);

/* --- detection (reads files) -------------------------------------------- */

/* Read <proc>/self/mountinfo, <proc>/cgroups and the v2 root's
 * cgroup.controllers; on the real root, cross-check with statfs magic
 * (CGROUP2_SUPER_MAGIC or TMPFS_MAGIC at /sys/fs/cgroup) and say in L->note
 * where they disagree. */
int cg_layout_detect(struct cg_layout *L, const struct nsl_paths *paths, struct nsl_err *e);

/* Add a v1 hierarchy that is mounted nowhere in the caller's mount table
 * (a detached mount, reached through mount, e.g. "/proc/4242/fd/7") as
 * the one holding the v1 subsystems ctrls ("net_cls"). Returns its index,
 * or -1 when the layout is full. */
int cg_layout_add_v1(struct cg_layout *L, const char *mount, const char *ctrls,
                     struct nsl_err *e);

/* The hierarchy holding ctrl, or NULL with an error saying why (disabled by
 * the kernel, not mounted). */
const struct cg_hier *cg_layout_hier(const struct cg_layout *L, enum cg_ctrl ctrl,
                                     struct nsl_err *e);
/* What was found, a few lines for `cgls` and `help cgcreate`:
 *   cgroup layout: hybrid (v1 controllers beside a cgroup2 mount)
 *   memory   v1  /sys/fs/cgroup/memory
 *   freezer  v2  /sys/fs/cgroup (cgroup.freeze, no controller needed) */
void cg_layout_format(const struct cg_layout *L, struct strbuf *out);

#endif
