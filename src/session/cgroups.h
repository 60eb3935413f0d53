/* The shell's side of cgroups: the layout detected once at start, the
 * session that owns this nslab's cgroups, the observation of their files
 * after each step, and the words users type for them (CGROUP, the keys of
 * cgget / cgset / expect cg). The mechanisms are in kernel/cgroup.h; this
 * file only wires them into the shell.
 *
 *   start      cgroups_init: cg_layout_detect, cg_session_init,
 *              cg_systemd_delegate (a scope where systemd is the init), cg_sweep
 *   each step  cgroups_observe_step (observe_cg.c) fills sh->cg->now, marking
 *              what changed since sh->cg->prev; it is handed to render
 *              as part of the step's struct observation (observation.h)
 *   an exit    cgroups_oom_note: a job killed by SIGKILL where a memory
 *              cgroup's oom_kill went up gets an event line saying so
 *   exit       cgroups_free: cg_session_cleanup (after the jobs are killed) */
#ifndef NSLAB_CGROUPS_H
#define NSLAB_CGROUPS_H

#include "kernel/cgroup/cgroup.h"
#include "kernel/cgroup/cgroup_systemd.h"
#include "nslab.h"
#include "observe/observation.h"

struct subj_event;
struct render_ctx;

/* The observed cgroups (enum cg_mark, struct cg_obs, struct cg_snap) are
 * part of the observation value: observe/observation.h. */

struct cg_oom_seen {
    char dir[CG_PATH_MAX + 192];
    uint64_t count;
};

struct nsl_cg {
    bool ready;     /* a layout was detected */
    /* v1 hierarchies nslab mounted nowhere (detached mounts) for a
     * controller no mount showed, e.g. net_cls: their descriptors, closed
     * after the session's cgroups are removed */
    int detached[4];
    size_t ndetached;
    char why[1200]; /* why cgroups are not available, when !ready */
    struct cg_layout layout;
    struct cg_session session;
    struct cg_deleg deleg; /* the scope systemd delegated, or why none */
    struct cg_pid_dirs host; /* where nslab itself runs: "the host's" cgroups */
    struct cg_snap prev, now;
    /* The observation reads the same files every step: their descriptors
     * stay open (cgroup_files.h), among them the subject's
     * /proc/PID/cgroup, whose last text and what it names are kept so that
     * an unchanged text is not parsed and matched again. */
    struct cg_files kept;
    struct strbuf subj_text;
    pid_t subj_pid;
    bool subj_parsed;
    struct cg_pid_dirs *subj_dirs;
    struct cg_oom_seen *oom;
    size_t noom;
};

/* --- lifecycle (cgroups.c) --------------------------------------------- */

/* Detect the layout, start the session (parents nslab.<shell PID>), sweep
 * the cgroups of sessions whose nslab is gone. Never fails: without a
 * layout, cgroup commands say why. What the sweep removed is appended to
 * notes, one "nslab: ..." line each. */
void cgroups_init(struct nsl *sh, struct strbuf *notes);
/* Remove every cgroup of the session (call after the jobs are killed) and
 * free everything. A failure is appended to errors ("nslab: ..." lines). */
void cgroups_free(struct nsl *sh, struct strbuf *errors);

/* 0 when cgroups can be used here, else -1 saying why. */
int cgroups_need(struct nsl *sh, struct nsl_err *e);
/* Make sure a hierarchy holds ctrl: when it is a v1-only controller (net_cls)
 * that no mount shows and the kernel has bound to no hierarchy or to one no
 * mount here shows, mount that hierarchy nowhere (sys_cg_mount_detached:
 * the host's mount table is untouched) and add it to the layout as
 * /proc/<nslab's PID>/fd/<N>. Traced in t. 0, or -1 saying why. */
int cgroups_hier_for(struct nsl *sh, enum cg_ctrl ctrl, struct trace *t, struct nsl_err *e);
/* Take fd, the root of a v1 hierarchy of the subsystems peers
 * ("perf_event") that nslab mounted, as that hierarchy: reached as
 * /proc/<nslab's PID>/fd/<fd>, added to the layout, closed after the
 * session's cgroups are removed (on failure now). 0, or -1 saying why. */
int cgroups_hier_adopt(struct nsl *sh, int fd, const char *peers, struct trace *t,
                       struct nsl_err *e);
/* perf_event where no v1 hierarchy holds it and there is no cgroup v2 (a
 * legacy layout): mount a hierarchy of it in the subject's mount
 * namespace, never the host's (refused, saying to `unshare mnt` first),
 * on a directory of the scratch, and adopt it. 0 when the layout has
 * perf_event (already, or now), or -1 saying why (cgroups_perf.c). */
int cgroups_perf_hier(struct nsl *sh, struct trace *t, struct nsl_err *e);
/* A CGROUP word: a name cgcreate printed ("mem1"), or a path below one
 * ("mem1/sub", a cgroup made there by other means). For a path, buf is
 * filled and *out points to it. */
int cgroups_resolve(struct nsl *sh, const char *word, struct cg_group *buf,
                    const struct cg_group **out, struct nsl_err *e);
/* Is pid one of this session's processes (the subject, a job, or any
 * descendant of the shell)? Only those may be moved into its cgroups:
 * whatever is inside them at exit is killed. */
bool cgroups_pid_ours(struct nsl *sh, pid_t pid);

/* --- what a step wrote (cgroups.c) ------------------------------------ */

/* The files the session's cgroup calls write between cgroups_writes_begin
 * and cgroups_writes_end, as they write them (each successful write's path
 * and value): cgcreate and cgset tell them from here, not from the trace,
 * which is for showing only. */
struct cg_write {
    char *path, *value;
};
struct cg_writes {
    struct cg_write *v;
    size_t n, cap;
    struct cg_sys inner; /* the session's kernel while recording */
};
void cgroups_writes_begin(struct nsl *sh, struct cg_writes *w);
void cgroups_writes_end(struct nsl *sh, struct cg_writes *w);
void cg_writes_free(struct cg_writes *w);

/* --- spawn --cg (cmd/cmd_cgroup.c) ------------------------------------ */

#define CG_SPAWN_MAX 8
struct cg_spawn_places {
    int n;
    char names[CG_SPAWN_MAX][128];
    char dir[CG_SPAWN_MAX][CG_PATH_MAX + 128]; /* the cgroup's directory */
    int version[CG_SPAWN_MAX];                 /* of its hierarchy: the backend */
};
/* The cgroups of a comma list ("mem1,pids1"; NULL or "" for none), at most
 * one per hierarchy (a process is in one cgroup of each). */
int cg_spawn_places(struct nsl *sh, const char *list, struct cg_spawn_places *out,
                    struct nsl_err *e);
/* The step's error when the backend's attach of the new child to
 * places[which] failed with err; why is the backend's sentence (which
 * carries its hint). Returns -1. */
int cg_spawn_fail(struct nsl *sh, const struct cg_spawn_places *places, int which, int err,
                  const char *why, const char *prog);

/* --- values: cgget, cgset, expect cg (cgroups.c) ----------------------- */

/* Version-neutral keys, so the same lab runs on v1 and v2:
 *   limit usage procs oom_kill limit_hits throttled frozen weight cpus
 * Any other key is a file name of the cgroup ("memory.max"), or FILE:KEY
 * for one line of a flat-keyed file ("memory.events:oom_kill"). */
bool cg_key_is_abstract(const char *key);
/* The k-th of those keys (completion offers them), NULL past the last. */
const char *cg_abstract_key(size_t k);
/* The value of key in g: an abstract key from the backend's reading
 * (numbers; "max"; cpu limit "QUOTA PERIOD"), FILE:KEY's value, or FILE's
 * whole text (trailing newlines removed). */
int cg_value_get(const struct cg_group *g, const char *key, struct strbuf *out,
                 struct nsl_err *e);
/* Does have hold want? want is a value (its first word compared with
 * have's), or a comparison ">N" ">=N" "<N" "<=N" "!=N" of numbers; sizes
 * (64M) are numbers too. For an abstract `limit`, want is parsed as
 * cgcreate's LIMIT for ctrl (so "20%" matches "20000 100000").
 * 1 holds, 0 not (why filled), -1 malformed want. */
int cg_value_match(enum cg_ctrl ctrl, const char *key, const char *have, const char *want,
                   struct strbuf *why, struct nsl_err *e);
/* expect's row "cg" (cgroups_expect.c): expect cg CGROUP FILE VALUE |
 * expect cg CGROUP has TARGET, argv[0] "cg", argc 4 (expect's table checks
 * it). 1 held, 0 not (why filled), -1 malformed. */
int cgroups_expect(struct nsl *sh, int argc, char **argv, struct strbuf *why, struct nsl_err *e);

/* --- observation (observe_cg.c) ---------------------------------------- */

/* Read the session's cgroups and the subject's own (where they differ
 * from the host's) into out, marking what changed since prev (may be an
 * untaken snapshot). Reads only the files shown. */
void cg_snap_take(struct nsl *sh, const struct cg_snap *prev, struct cg_snap *out);
void cg_snap_free(struct cg_snap *s);
/* A command that shows the session's cgroups without the observation
 * block (show, jobs, graph): read them into sh->step.cgroups, which the
 * step's -J object carries; returns it (to render as text). */
const struct cg_snap *cgroups_for_step(struct nsl *sh);
/* After a step: prev = now, now = a fresh snapshot. */
void cgroups_observe_step(struct nsl *sh);
/* A step nobody sees the observation of (-q): drop the snapshots, so the
 * next one shown marks only what its own step changed. */
void cgroups_observe_skip(struct nsl *sh);
/* Fill o from g's files (for cgls too), depth levels below its session
 * cgroup; marks against prev (NULL: none). */
void cg_obs_read(struct nsl *sh, const struct cg_group *g, const char *name, int depth,
                 const struct cg_obs *prev, struct cg_obs *o);
void cg_obs_free(struct cg_obs *o);
/* A job ended (ev): when it was killed by SIGKILL and the oom_kill counter
 * of one of the session's memory cgroups went up, fill note with an event
 * line that says so. */
bool cgroups_oom_note(struct nsl *sh, const struct subj_event *ev, struct subj_event *note);

/* --- rendering (render/cgroup.c) --------------------------------------- */

/* "30.1M", "512K", "1.5G", "0": a byte count rounded for reading
 * (util.c's format_size, SIZE_ROUNDED). */
void cg_human_size(uint64_t n, char *buf, size_t size);
/* "[#####...............]": frac (0..1) of width cells. */
void cg_bar(double frac, int width, struct strbuf *out);
/* One line of the observation for o (without indentation or newline). */
void render_cg_line(const struct render_ctx *rc, const struct cg_obs *o, struct strbuf *out);
/* The observation's cgroup lines (none when there is nothing to show). */
void render_cg_observation(const struct render_ctx *rc, const struct cg_snap *s, struct strbuf *out);
/* The step's "cgroups" array (SPEC §5). */
cJSON *render_cg_json(const struct render_ctx *rc, const struct cg_snap *s);
cJSON *render_cg_obs_json(const struct render_ctx *rc, const struct cg_obs *o);
/* cgls: the table of cgroups (v[n], tree order). */
void render_cgls(const struct render_ctx *rc, const struct cg_obs *v, size_t n, struct strbuf *out);

#endif
