/* Cgroups: one backend interface with a v1 and a v2 implementation, and the
 * session that owns this nslab's cgroups.
 *
 * The two versions do the same things through different files, and that
 * difference is part of the lesson, so each backend names the real files it
 * touches and every change goes into the trace:
 *
 *                 v2 (cgroup_v2.c)            v1 (cgroup_v1.c)
 *   memory limit  memory.max                  memory.limit_in_bytes
 *   cpu quota     cpu.max "QUOTA PERIOD"      cpu.cfs_quota_us + cpu.cfs_period_us
 *   pids limit    pids.max                    pids.max
 *   cpuset        cpuset.cpus                 cpuset.cpus (+ cpuset.mems copied)
 *   freeze        cgroup.freeze, cgroup.events  freezer.state
 *   OOM kills     memory.events oom_kill      memory.oom_control oom_kill
 *   kill all      cgroup.kill                 kill(2) each PID of cgroup.procs
 *   devices       a BPF_CGROUP_DEVICE program devices.allow, devices.deny
 *   parent setup  +CTRL in cgroup.subtree_control  (cpuset: cpus, mems)
 *
 * A session makes its cgroups under one parent per hierarchy, nslab.<PID>,
 * created on first use under the cgroup nslab runs in (from
 * /proc/self/cgroup), or under the hierarchy's root when that fails (see
 * cgroup.c for the v2 rule), and removes them all at the end.
 *
 * How the shell uses it (one layout and one session for the whole run):
 *   start      cg_layout_detect; cg_session_init; cg_sweep (dead sessions)
 *   cgcreate   cg_ctrl_parse, cg_limit_parse, cg_create (.name from --name)
 *   cgset/cgget  cg_lookup, then cg_set_limit, cg_set_weight or cg_file_write /
 *              cg_file_read
 *   cgattach   cg_attach;  cgexec: the forked child calls cg_attach(.., 0, ..)
 *   cgfreeze/cgthaw  cg_freeze;  cgdelete: cg_delete(.., kill=false, ..)
 *   cgls, observation  s->v[], s->parent[], cg_read_stats (st.reads has the
 *              real file names); the subject's own: cg_pid_dirs + cg_stats_read_hier
 *   help       cg_layout_format, cg_backend_of(v)->limit_files[ctrl]
 *   exit, SIGTERM, SIGHUP  cg_session_cleanup, then cg_session_free */
#ifndef NSLAB_CGROUP_H
#define NSLAB_CGROUP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "err.h"
#include "kernel/cgroup/cgroup_devices.h"
#include "kernel/cgroup/cgroup_files.h"
#include "kernel/cgroup/cgroup_layout.h"
#include "kernel/cgroup/sys_cgroup.h"
#include "kernel/trace.h"

/* --- limits, as the user wrote them, before a backend spells them ---- */

struct cg_limit {
    enum cg_ctrl ctrl;
    bool is_max;     /* "max": no limit */
    uint64_t value;  /* memory: bytes; pids: processes; cpu: quota in µs */
    uint64_t period; /* cpu: period in µs (100000 unless QUOTA/PERIOD says) */
    char cpus[128];  /* cpuset: the CPU list */
};

/* memory: SIZE (64M, 1G, 4096, max); cpu: 50%, 12.5%, 0.5, QUOTA/PERIOD (µs),
 * max; pids: N or max; cpuset: 0-1,3. freezer takes no limit. 0 or -1. */
int cg_limit_parse(enum cg_ctrl ctrl, const char *text, struct cg_limit *out,
                   struct nsl_err *e);
/* "64M", "max", "20% (20000/100000 us)", "512", "0-1". */
void cg_limit_format(const struct cg_limit *l, struct strbuf *out);

/* A name for a cgroup: 1-63 of [A-Za-z0-9_.-], not starting with '.' or
 * '-', not "nslab.*" (session parents). 0 or -1 saying what is wrong. */
int cg_name_check(const char *name, struct nsl_err *e);

/* --- what a cgroup's files say ----------------------------------------- */

struct cg_num {
    bool known;  /* the file (and key) was there */
    bool is_max; /* "max" (or v1's "no limit" values) */
    uint64_t v;
};

/* One value as read, under its real file name: ("memory.events",
 * "oom_kill", "3"), ("memory.limit_in_bytes", NULL, "67108864"). */
struct cg_read {
    char *file;
    char *key; /* NULL for a one-value file */
    char *value;
};

struct cg_stats {
    int version;
    enum cg_ctrl ctrl;   /* whose files were read; CG_NCTRL: only the core ones */
    struct cg_num limit; /* memory bytes, pids count, cpu quota µs */
    struct cg_num period;   /* cpu period µs */
    struct cg_num usage;    /* memory bytes, pids count, cpu µs used */
    struct cg_num max_hits; /* times the limit was hit: memory.failcnt (v1),
                               memory.events max (v2), pids.events max */
    struct cg_num oom_kill; /* memory.events / memory.oom_control oom_kill */
    struct cg_num nr_throttled, throttled_usec; /* cpu.stat */
    struct cg_num weight; /* cpu.weight (v2), or cpu.shares (v1) on v2's scale */
    int frozen;    /* -1 not applicable, 0 thawed, 1 frozen, 2 freezing (v1) */
    char cpus[128]; /* cpuset.cpus */
    pid_t *pids;    /* cgroup.procs */
    size_t npids;
    struct cg_read *reads; /* everything above, in the order it was read */
    size_t nreads, capreads;
};
void cg_stats_free(struct cg_stats *st);
/* The read value of FILE (and KEY, or NULL), or NULL. */
const char *cg_stats_get(const struct cg_stats *st, const char *file, const char *key);

/* --- io throttles ------------------------------------------------------ */

enum cg_io_what { CG_IO_READ_BPS, CG_IO_WRITE_BPS, CG_IO_READ_IOPS, CG_IO_WRITE_IOPS, CG_IO_N };
/* "read_bps", "write_bps", "read_iops", "write_iops": 0, or -1 when word is
 * none of them. */
int cg_io_what_parse(const char *word, enum cg_io_what *out);
extern const char *const cg_io_words[CG_IO_N];

/* --- the backend interface --------------------------------------------- */

struct cg_backend {
    int version;
    const char *name;                    /* "cgroup v1" */
    const char *limit_files[CG_NCREATE]; /* "memory.limit_in_bytes", for help */
    const char *freeze_file;             /* "freezer.state", "cgroup.freeze" */
    const char *kill_how;                /* "cgroup.kill", "kill(2) each PID" */
    const char *weight_file;             /* "cpu.weight", "cpu.shares" */

    /* Make directory `parent` (at or below `top`, the hierarchy's mount)
     * able to hold a child that uses ctrl. v2: enable +CTRL in the
     * cgroup.subtree_control of parent and of the ancestors below the
     * first one where it is already available. v1: nothing. */
    int (*prepare_parent)(const struct cg_sys *s, const char *top, const char *parent,
                          enum cg_ctrl ctrl, struct trace *t, struct nsl_err *e);
    /* After mkdir (and after its limit, if any): v1 cpuset copies
     * cpuset.mems, and cpuset.cpus when still empty, from the parent, since
     * no task can join a cpuset without both. v2: nothing. */
    int (*init_dir)(const struct cg_sys *s, const char *dir, enum cg_ctrl ctrl, struct trace *t,
                    struct nsl_err *e);
    int (*set_limit)(const struct cg_sys *s, const char *dir, const struct cg_limit *lim,
                     struct trace *t, struct nsl_err *e);
    /* A cpu cgroup's share of the CPU against its siblings, on v2's scale
     * (1 to 10000, default 100): v2 cpu.weight; v1 cpu.shares, which the
     * kernel scales the other way (shares = weight * 1024 / 100). */
    int (*set_weight)(const struct cg_sys *s, const char *dir, unsigned weight, struct trace *t,
                      struct nsl_err *e);
    /* Fill st from dir's files for ctrl (CG_NCTRL: cgroup.procs and the
     * freeze state only). Missing files leave values unknown; only a
     * missing dir is an error. kf: descriptors kept for a reader that
     * comes back every step (the observation; cgroup_files.h), or NULL to
     * open and close each file. */
    int (*read_stats)(const char *dir, enum cg_ctrl ctrl, struct cg_files *kf,
                      struct cg_stats *st, struct nsl_err *e);
    /* Freeze or thaw, then wait (s->wait_ms at most) until the kernel says
     * it is reached: v2 cgroup.events "frozen 1", v1 freezer.state FROZEN. */
    int (*freeze)(const struct cg_sys *s, const char *dir, bool frozen, struct trace *t,
                  struct nsl_err *e);
    /* Move pid (0: the caller) into dir's cgroup.procs. */
    int (*attach)(const struct cg_sys *s, const char *dir, pid_t pid, struct trace *t,
                  struct nsl_err *e);
    /* SIGKILL every process in dir (not below): v2 cgroup.kill; v1 kill(2)
     * by PID, then thaw a frozen v1 freezer cgroup so the signal lands. */
    int (*kill_all)(const struct cg_sys *s, const char *dir, struct trace *t, struct nsl_err *e);
    /* "allow RULE" or "deny RULE" (cgroup_devices.h) for dir, whose rules
     * nslab keeps in *rules (updated on success only). v1: write the rule
     * to devices.allow or devices.deny. v2: compile the rules with this
     * one to a program and attach it through s->bpf_devices. */
    /* A throttle of dir's IO on device major:minor (value 0: none). v1:
     * blkio.throttle.<what>_device "MAJ:MIN VALUE"; v2: io.max
     * "MAJ:MIN wbps=VALUE" (or rbps, riops, wiops; "max" for none). */
    int (*set_io)(const struct cg_sys *s, const char *dir, enum cg_io_what what, unsigned major,
                  unsigned minor, uint64_t value, struct trace *t, struct nsl_err *e);
    int (*set_devices)(const struct cg_sys *s, const char *dir, struct cg_dev_rules *rules,
                       bool allow, const struct cg_dev_rule *r, struct trace *t,
                       struct nsl_err *e);
};
extern const struct cg_backend cg_backend_v1;
extern const struct cg_backend cg_backend_v2;
const struct cg_backend *cg_backend_of(int version);

/* --- the session ------------------------------------------------------- */

struct cg_group {
    char name[64]; /* "mem1", or the user's */
    enum cg_ctrl ctrl;
    int hier;    /* index into layout->hier */
    int version; /* of that hierarchy */
    const struct cg_backend *be;
    char dir[CG_PATH_MAX + 128]; /* .../nslab.<PID>/mem1 */
    /* A cpu cgroup where v1 mounts cpuacct in a hierarchy of its own (not
     * with cpu): the cpuacct cgroup of the same name that cg_create made
     * beside it, which counts its CPU time; every process attached to the
     * one goes into the other too. "" otherwise (and for sub-cgroups). */
    int acct_hier;
    char acct[CG_PATH_MAX + 128];
    struct cg_dev_rules dev; /* a devices cgroup's rules as set so far */
    /* v2: the controllers cgcreate --name added to it since (bits 1 <<
     * enum cg_ctrl), each enabled in the parent's cgroup.subtree_control. */
    unsigned added;
};

struct cg_session {
    const struct cg_layout *layout; /* the caller's, detected once */
    const struct nsl_paths *paths;
    struct cg_sys sys; /* the kernel (tests put a fake here) */
    pid_t pid;         /* names the parents: nslab.<pid> */
    /* The session parent in each hierarchy; "" until first used. */
    char parent[CG_MAX_HIER][CG_PATH_MAX + 64];
    /* The cgroup it was made in: its processes go back there. */
    char base[CG_MAX_HIER][CG_PATH_MAX];
    /* An exclusive flock(2) on each parent, held while the session lives:
     * the kernel drops it when the session dies, whatever PID namespace or
     * container it ran in, which is how cg_sweep tells live from gone. */
    int lockfd[CG_MAX_HIER];
    /* A cgroup systemd delegated to nslab in this hierarchy (a scope with
     * Delegate=yes, cgroup_systemd.h), "" elsewhere: the session parent
     * goes in it, beside the leaf that holds nslab (deleg_leaf, its base),
     * and controllers are enabled from it down, never above it. */
    char deleg[CG_MAX_HIER][CG_PATH_MAX];
    char deleg_leaf[CG_MAX_HIER][CG_PATH_MAX];
    struct cg_group **v; /* in creation order; pointers stay valid until deleted */
    size_t n, cap;
    unsigned seq[CG_NCTRL]; /* last number used for mem1, cpu1, ... */
};

/* No kernel calls: parents are made on first use. sys is cg_sys_init's. */
void cg_session_init(struct cg_session *s, const struct cg_layout *L,
                     const struct nsl_paths *paths, pid_t pid);
/* Frees memory only; call cg_session_cleanup first to remove the cgroups. */
void cg_session_free(struct cg_session *s);

struct cg_create_opts {
    const char *name;             /* NULL: the next mem1, cpu1, pids1, ... */
    const struct cg_limit *limit; /* NULL: leave the kernel's default */
    int hier; /* -1: the hierarchy holding ctrl; else an index into
                 layout->hier (a v2 freezer on a hybrid system) */
};
#define CG_CREATE_OPTS_INIT {.name = NULL, .limit = NULL, .hier = -1}

/* Make a cgroup for ctrl under the session parent (making that first), and
 * set its limit. A cpu cgroup on a v1 layout whose cpuacct is a hierarchy
 * of its own gets the cpuacct cgroup of the same name too (g->acct; a
 * trace note says so). On failure nothing new is left behind but the
 * parents. */
int cg_create(struct cg_session *s, enum cg_ctrl ctrl, const struct cg_create_opts *o,
              struct trace *t, struct nsl_err *e, const struct cg_group **out);
/* By name; NULL when there is none. */
/* The directories below g as cgroups of their own (name "G/SUB"), sorted by
 * name, in a malloc'd array (*out; NULL when none). Returns how many. */
size_t cg_children(const struct cg_group *g, struct cg_group **out);
const struct cg_group *cg_find(const struct cg_session *s, const char *name);
/* Same, failing with a sentence that lists the session's cgroups. */
int cg_lookup(const struct cg_session *s, const char *name, const struct cg_group **out,
              struct nsl_err *e);

int cg_set_limit(struct cg_session *s, const struct cg_group *g, const struct cg_limit *lim,
                 struct trace *t, struct nsl_err *e);
/* weight 1 to 10000 (default 100), for a cpu cgroup. */
#define CG_WEIGHT_MIN 1
#define CG_WEIGHT_MAX 10000
int cg_set_weight(struct cg_session *s, const struct cg_group *g, unsigned weight,
                  struct trace *t, struct nsl_err *e);
/* cgset N allow|deny RULE on a devices cgroup the session made. */
int cg_set_device(struct cg_session *s, const struct cg_group *g, bool allow,
                  const struct cg_dev_rule *r, struct trace *t, struct nsl_err *e);
/* cgset N write_bps|read_bps|write_iops|read_iops DEVICE VALUE on an io
 * cgroup (value 0: the throttle removed). */
int cg_set_io(struct cg_session *s, const struct cg_group *g, enum cg_io_what what,
              unsigned major, unsigned minor, uint64_t value, struct trace *t,
              struct nsl_err *e);
/* A net_cls class ID, 0xMMMMmmmm as tc writes a class MAJOR:MINOR in hex
 * (0x100001 is 10:1), or a decimal number; at most 32 bits. 0, or -1 (a
 * usage error) saying why. */
int cg_classid_parse(const char *text, uint32_t *out, struct nsl_err *e);
/* Write it to a net_cls cgroup's net_cls.classid (v1 only: v2 has none). */
int cg_set_classid(struct cg_session *s, const struct cg_group *g, uint32_t id,
                   struct trace *t, struct nsl_err *e);
/* A devices cgroup's rules: v1 the kernel's devices.list (*nprog -1); v2
 * the rules of the program nslab attached (cg_dev_rules_format), and in
 * *nprog and *id what BPF_PROG_QUERY says is attached to the cgroup. */
int cg_devices_show(const struct cg_session *s, const struct cg_group *g, struct strbuf *out,
                    int *nprog, unsigned *id, struct nsl_err *e);
/* Raw files (cgset/cgget): FILE is a plain name in the cgroup's directory
 * (a cpuacct.* file of a cpu cgroup with g->acct: in that directory). */
int cg_file_write(struct cg_session *s, const struct cg_group *g, const char *file,
                  const char *value, struct trace *t, struct nsl_err *e);
int cg_file_read(const struct cg_group *g, const char *file, struct strbuf *out,
                 struct nsl_err *e);
int cg_attach(struct cg_session *s, const struct cg_group *g, pid_t pid, struct trace *t,
              struct nsl_err *e);
/* Freeze or thaw, waiting for the state; v1 needs a freezer cgroup. */
int cg_freeze(struct cg_session *s, const struct cg_group *g, bool frozen, struct trace *t,
              struct nsl_err *e);
int cg_read_stats(const struct cg_session *s, const struct cg_group *g, struct cg_stats *st,
                  struct nsl_err *e);
/* The same with kf (NULL: open each file), for the observation: the
 * backend's files, and a cpu cgroup's usage from its cpuacct cgroup
 * (g->acct, cpuacct.usage) where v1 keeps it apart. */
int cg_group_stats(const struct cg_group *g, struct cg_files *kf, struct cg_stats *st,
                   struct nsl_err *e);
/* Remove g. Without kill, a cgroup with processes is refused with the
 * kernel's EBUSY and a sentence naming them ("still inside: 4242 (sleep)");
 * with kill they are killed first. g is freed on success. g may also be a
 * caller's copy naming a directory below one of the session's cgroups (a
 * cgroup the user made there): it is removed, and nothing is freed. */
int cg_delete(struct cg_session *s, const struct cg_group *g, bool kill, struct trace *t,
              struct nsl_err *e);
/* Remove every cgroup of the session and the parents, children first,
 * killing what is left inside (the calling process itself is moved back to
 * where it came from instead). Goes on after errors; reports the first. */
int cg_session_cleanup(struct cg_session *s, struct trace *t, struct nsl_err *e);

/* Remove the nslab.<PID> parents of sessions that are gone, in every
 * hierarchy, under the cgroup the caller is in and under the root, and in
 * the scopes systemd delegated to other nslab sessions (nslab-<N>.scope
 * beside the caller's own, when the caller runs in the leaf of one: a
 * scope itself is systemd's, which removes it once it is empty); self is
 * never touched. Gone means: nobody holds the session's lock on the
 * directory (through any mount of the hierarchy: /proc/locks), and no
 * process PID of this PID namespace could be its nslab (one named nslab,
 * or one older than the directory). A parent kept only because of the
 * latter (the lock is free, yet PID is there) is doubt: a TRACE_NOTE
 * "kept session: DIR (WHY)" says so. Each removed parent gets a TRACE_NOTE
 * "removed session: DIR (WHY)" after its removal; a failed one
 * "stale session: DIR (WHY)" and the error in e.
 * Returns how many were removed, or -1 (after trying them all). */
int cg_sweep(const struct cg_layout *L, const struct nsl_paths *paths, const struct cg_sys *sys,
             pid_t self, struct trace *t, struct nsl_err *e);
/* The same, telling each verdict (the DIR and WHY of its note) to report
 * as data, so the caller need not read the notes back. */
enum cg_sweep_verdict { CG_SWEEP_REMOVED, CG_SWEEP_KEPT, CG_SWEEP_STALE };
typedef void (*cg_sweep_fn)(void *ctx, enum cg_sweep_verdict v, const char *dir, const char *why);
int cg_sweep_report(const struct cg_layout *L, const struct nsl_paths *paths,
                    const struct cg_sys *sys, pid_t self, struct trace *t, cg_sweep_fn report,
                    void *report_ctx, struct nsl_err *e);

/* Any cgroup's files, e.g. the subject's own: dir in hierarchy hier. */
int cg_stats_read(const struct cg_layout *L, int hier, const char *dir, enum cg_ctrl ctrl,
                  struct cg_stats *st, struct nsl_err *e);
/* The same for every controller nslab knows in hierarchy hier (on v2 that
 * is memory, cpu, pids, ... at once), merged into one st: each file once,
 * st->ctrl the first controller read (CG_NCTRL when the hierarchy holds
 * none, e.g. v1's name=systemd: then only the core files). */
int cg_stats_read_hier(const struct cg_layout *L, int hier, const char *dir,
                       struct cg_files *kf, struct cg_stats *st, struct nsl_err *e);

/* The cgroups a process is in, one directory per hierarchy of the layout
 * (from <proc>/PID/cgroup; pid 0 = self). dir[i] is "" where the process
 * has no line for hierarchy i. */
struct cg_pid_dirs {
    char dir[CG_MAX_HIER][CG_PATH_MAX + 64];
    char cgpath[CG_MAX_HIER][CG_PATH_MAX]; /* as /proc/PID/cgroup shows it */
};
int cg_pid_dirs(const struct cg_layout *L, const struct nsl_paths *paths, pid_t pid,
                struct cg_pid_dirs *out, struct nsl_err *e);
/* The same from the text of a /proc/PID/cgroup already read. */
int cg_pid_dirs_parse(const struct cg_layout *L, const char *text, struct cg_pid_dirs *out,
                      struct nsl_err *e);

#endif
