/* The shell's state: one struct passed everywhere (no globals), as sqlite3's
 * shell does. Handlers fill sh->step; the loop renders and reports it. */
#ifndef NSLAB_H
#define NSLAB_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include <cjson/cJSON.h>

#include "err.h"
#include "kernel/ns.h"
#include "kernel/sys.h"
#include "kernel/trace.h"
#include "observe/observation.h"
#include "render/labels.h"
#include "util.h"

struct subj_event;
struct nsl;
struct nsl_cg;
struct mount_session;
struct confine_session;
struct container_table;
struct session_made;
struct made_ns;

#define NSLAB_VERSION "0.1.0"
#define NSLAB_MAX_LINE (64 * 1024)
#define EVLOG_SIZE 64

enum observe_bits {
    OBS_NS = 1 << 0,
    OBS_CGROUP = 1 << 1,
    OBS_MOUNTS = 1 << 2,
    OBS_ALL = OBS_NS | OBS_CGROUP | OBS_MOUNTS,
    /* `observe changed`: of the parts chosen, only the rows the step
     * changed (text only; -J keeps every row with its "changed" marker). */
    OBS_CHANGED = 1 << 3,
};

/* Exit statuses of SPEC §1. */
enum nsl_exit {
    EXIT_OK = 0,
    EXIT_STEP_FAILED = 1,
    EXIT_USAGE = 2,
    EXIT_EXPECT = 3,
};

/* The colour themes (render/theme.c has their styles). */
enum theme { THEME_DEFAULT, THEME_HIGH_CONTRAST, THEME_COUNT };

struct nsl_opts {
    bool json, keep_going, quiet, trace, color, allow_host_changes, stable;
    unsigned observe; /* enum observe_bits */
    unsigned theme;   /* enum theme */
    bool equivalents; /* --equivalents: each step's util-linux/iproute2/... command too */
};

enum job_state { JOB_RUNNING, JOB_STOPPED, JOB_EXITED, JOB_KILLED };

struct job {
    int id;       /* %N */
    pid_t pid;    /* host PID */
    pid_t ns_pid; /* PID inside its own PID namespace */
    char *cmd;    /* the command line, for jobs */
    enum job_state state;
    int status; /* exit code or signal */
    bool pending_init; /* PID 1 of the namespace `unshare pid` left pending */
};

struct jobs {
    struct job *v;
    size_t n, cap;
    int next_id;
};

/* What happened to a process of the session (the subject, a job, a builtin
 * child). */
enum subj_event_kind {
    EV_EXITED = 1, /* pid, status = wait status */
    EV_STOPPED,
    EV_CONTINUED,
    EV_TEXT, /* pid, text: a builtin's report ("reaped pid 7 (exit 0)") */
};

/* An event as the session keeps it (session/events.c): what the subject or
 * a builtin told (struct subj_event), with the job it is about resolved
 * when it was queued. Render writes it as text or JSON. */
struct nsl_event {
    int kind; /* enum subj_event_kind */
    pid_t pid;
    int status; /* a wait status */
    int job;    /* %N, 0 when the PID is no job */
    char *cmd;  /* that job's command line, NULL when none */
    char *text; /* a builtin's report (EV_TEXT), NULL else */
    char *shown; /* text in the user's language when it differs, NULL else */
};

/* The subject: a single-threaded helper process that performs the
 * namespace-changing calls (so the shell itself stays in the host's
 * namespaces and `reset` can always start afresh). */
#define SUBJ_NEST_MAX 40 /* `enter`s kept (the kernel nests PID namespaces 32 deep) */
struct subject {
    pid_t pid;
    /* After `enter`: the subjects that made the newer ones, oldest (the
     * shell's child) first; each is the parent of the next and of the jobs
     * it started, which it still reaps. level: the current one's PID
     * namespace depth (0: the host's). */
    pid_t outer[SUBJ_NEST_MAX];
    int nouter;
    int level;
    int ctl;  /* request/reply socket (SOCK_SEQPACKET) */
    int evt;  /* read end of the event socket (children, builtins report) */
    int evt_child; /* write end, inherited by the subject and builtins */
    bool abandoned; /* a request's reply was given up (SIGTERM): no more requests */
    int nsfd; /* its /proc/PID/ns, open while it lives (0: not open), for the observation */
    /* The last reading of its namespaces, and which slots of it may no
     * longer hold. They change only by its own unshare, setns or first fork
     * into a new PID namespace, all on nslab's requests; subject_call marks
     * the slots a request may change (see observe.c). */
    bool ns_known;
    unsigned ns_stale; /* bits 1 << enum ns_slot */
    /* A request since the last mount observation may have changed its
     * mounts' propagation, which the kernel signals to no watcher. */
    bool mounts_stale;
    struct ns_obs ns[NS_NSLOTS];
    /* Where the events it reads go (set by the session, session/events.c):
     * subject_call hands over those that come while it waits for a reply. */
    void (*on_event)(struct nsl *sh, const struct subj_event *ev);
};

/* What one step produced: rendered as text or one JSON object. */
struct step {
    int number;
    const char *file; /* script name, or NULL interactive */
    int line;
    char *command; /* the command text as typed */
    bool ok;
    struct nsl_err err;
    struct trace trace;
    struct strbuf out; /* what the command printed (not the observation) */
    cJSON *result;     /* the command's structured answer, or NULL */
    struct strbuf equivalent; /* --equivalents: its command outside nslab, a line each */
    cJSON *jstack[8];  /* the objects and arrays open in it (session/report.c) */
    int jdepth;
    bool observed;     /* the observation block belongs to this step */
    bool counts;       /* is a "previous step" for expect (not say/expect/pause) */
    bool expect_failed; /* an expect did not hold: exit status 3 */
    /* The session's cgroups as read by a command that lists them without
     * the observation block (show, jobs, graph: cgroups_for_step), so its
     * -J step carries them too; untaken otherwise. */
    struct cg_snap cgroups;
};

/* The previous step, as `expect` sees it. */
struct last_step {
    unsigned long evseq; /* sh->evseq when the step began */
    bool valid, ok;
    bool usage; /* it failed as a usage error of the lab (never expected) */
    int line;   /* where it was, for the message that says so */
    int errnum;
    char *output;
    cJSON *result; /* a copy of its structured answer, or NULL */
    struct snapshot before, after;
};

/* A challenge (lab/challenge.c): a goal, named checks (expect conditions)
 * that decide success, hints revealed one at a time, a reference solution
 * shown on request. Its statements are read from the challenge file only
 * (loading); at the prompt the same words act. */
struct chal_check {
    char *name;
    int argc;
    char **argv; /* the condition's words, as expect takes them */
};
struct challenge {
    char *goal;
    struct chal_check *checks;
    size_t nchecks;
    char **hints;
    size_t nhints, hints_shown;
    char **solution;
    size_t nsolution;
    bool loading;        /* the file is being read: its statements define */
    bool solved;         /* every check held at a `check` or at the end */
    bool solution_shown; /* `solution` was asked for */
    int checks_run;      /* how many times `check` ran */
};

struct nsl {
    struct nsl_opts opt;
    struct nsl_paths paths;
    int procfd; /* open /proc (the configured root) */
    int exe_fd; /* nslab's own binary, which builtins re-execute */

    pid_t shell_pid;
    /* The process group the terminal must have whenever nslab reads a line
     * (shell/term.c); known before the subject is forked, which hands the
     * terminal back to it after a `!PROGRAM`. */
    pid_t shell_pgrp;
    pid_t tty_orig_pgrp; /* the group nslab left for its own (make's), or 0 */
    bool tty_owner;      /* interactive, and the terminal was nslab's at start */
    struct ns_obs host_ns[NS_NSLOTS];

    struct subject subj;
    struct jobs jobs;
    struct nsl_event *evq; /* events read but not yet printed */
    size_t evq_n, evq_cap;
    /* The last EVLOG_SIZE events, for `expect event`; evseq counts every
     * event ever, evlog[seq % EVLOG_SIZE] holds it. */
    struct nsl_event evlog[EVLOG_SIZE];
    unsigned long evseq;
    /* Events of a PID no job has yet: a child that ends at once can be
     * reaped (and reported) before spawn's reply adds it as a job. */
    struct subj_event *early;
    size_t nearly;

    struct step step;
    struct last_step last;
    struct snapshot prev; /* the observation after the previous step */
    int step_count;
    /* For the summary at the end (the JSON end object, a script's last
     * line): failures counted (steps no `expect fail` accepted, rejected
     * lines), and the expects that held and did not. */
    int failed_count, expects_held, expects_failed;

    struct labels labels;
    struct session_made *made; /* IPC objects and host network changes to undo at exit */
    struct made_ns *made_ns;   /* the mnt and uts namespaces it made, held open (made_ns.h) */
    FILE *record;    /* `record FILE`, or NULL */
    char *record_name; /* FILE, for the message when a write to it fails */
    char record_chain[65]; /* the chain of the record's last line ("" before the header) */
    /* `record --cast FILE`: what the terminal shows, as asciicast v2, with
     * its times from cast_t0 (now_ms()); NULL when off. */
    FILE *cast;
    char *cast_name;
    int64_t cast_t0;
    /* What the terminal was shown since the last record line, as chunks
     * {"echo"|"input"|"out"|"err": TEXT}: the next line written to the
     * record carries them as "shown", so `--replay` shows the same text. */
    cJSON *shown;
    /* While a step's record line is written: the session's graph after it
     * (DOT, as `graph` writes it), which the line carries as "graph" so
     * `--replay --serve` draws it; NULL otherwise. */
    char *record_graph;
    struct serve *serve; /* `--serve`/`serve`: the projector view (render/serve.h), or NULL */
    const char *lang; /* "en" or "zh": help, explain, errors, narration */
    bool interactive; /* reading from a terminal */
    /* The step's text is read, not watched (help, explain): in an
     * interactive terminal it is shown a page at a time when taller than
     * the terminal. Set by the handler, cleared when the step is shown. */
    bool page_step;
    /* `pause` waits for Enter: at the prompt, and when a lab file is run by
     * hand in a terminal (not -c, not a script read from stdin, not -J). */
    bool pausing;
    /* `nslab LAB --from N`: the steps before step N (or before line N,
     * from_line) run quietly, nothing of them printed (replaying while
     * they do); then the lab goes on as usual. 0: from the start. */
    int from_step, from_line;
    bool replaying;
    struct step_failure { /* the first failure while replaying */
        int number, line;
        struct nsl_err err;
    } replay_failed;
    /* --stay: after the lab, the prompt, in the lab's final state. */
    bool stay;
    struct challenge *chal; /* a challenge is running, or NULL */
    bool want_exit;
    int exit_status;  /* the first failure's status */
    /* A failed step not yet counted: an `expect fail` right after it (only
     * say, pause and other expects between) makes it an expected failure;
     * any other step first counts it (and, in a script, stops there). */
    bool pending_fail;
    int exit_request; /* status given to `exit N` */
    volatile int *interrupted; /* set by SIGINT (points into main's static) */
    /* Set by SIGINT when the terminal echoed ^C: the next output starts a
     * new line (render/text.c, shell/repl.c), and clears it. */
    volatile int *intr_echoed;
    struct nsl_cg *cg; /* cgroups: layout, session, observation (cgroups.h) */
    struct mount_session *mnt; /* mounts made, scratch (cmd_mount.h) */
    struct confine_session *confine; /* caps, nnp, seccomp given the subject (session/confine.h) */
    struct container_table *containers; /* what `container run` made (session/container.h) */
    struct mount_history *mhist; /* the mount observation (observe/observation.h) */
    long long bench_obs_ns; /* -DNSLAB_BENCH builds: time in trace + observation (bench.h) */
};

/* Labels for --stable (identity formatting otherwise), with the session's
 * option and label table (render/labels.h). The returned string lives
 * until the next call with the same buf. */
static inline const char *fmt_pid(struct nsl *sh, pid_t pid, char *buf, size_t size)
{
    return labels_pid(&sh->labels, sh->opt.stable, pid, buf, size);
}
static inline const char *fmt_ino(struct nsl *sh, enum ns_slot slot, ino_t ino, char *buf,
                                  size_t size)
{
    return labels_ino(&sh->labels, sh->opt.stable, slot, ino, buf, size);
}
/* --stable: print `to` wherever `from` would appear (no effect without it). */
static inline void stable_subst_add(struct nsl *sh, const char *from, const char *to)
{
    labels_subst_add(&sh->labels, sh->opt.stable, from, to);
}
/* Apply the substitutions to rendered text, in place. */
static inline void stable_subst_apply(struct nsl *sh, struct strbuf *text)
{
    labels_subst_apply(&sh->labels, sh->opt.stable, text);
}
/* A mount peer group number ("3", or "peer#1" with --stable). */
static inline const char *fmt_peer(struct nsl *sh, int group, char *buf, size_t size)
{
    return labels_peer(&sh->labels, sh->opt.stable, group, buf, size);
}

#endif
