/* The subject: the process commands act on. It is a child of the shell that
 * performs the calls which depend on its namespaces (unshare, setns,
 * sethostname, clone of children, ...) on request, and reports back the
 * trace. The shell never leaves the host's namespaces, so it always has a
 * host view and `reset` can always start a fresh subject.
 *
 * Two sockets join them: ctl carries one request and one reply at a time;
 * evt carries events (a child exited, a builtin reports) from the subject and
 * from builtin children, at any time. */
#ifndef NSLAB_SUBJECT_H
#define NSLAB_SUBJECT_H

#include <stdint.h>

#include "nslab.h"

/* The operations the subject performs, each implemented beside its
 * mechanism (op_* in src/cmd/ and src/spawn.c). One row per operation:
 *   UNSHARE  i[0] CLONE flags, i[1] mount propagation (MS_*) or 0, i[2] map root
 *   SETNS    fd[k] with i[k] = nstype, str[k] = the path shown in the trace
 *   UTS      i[0]: 0 read, 1 set hostname, 2 set domainname; str[0] name
 *   SPAWN    i[0] CLONE flags, i[1] enum spawn_io, i[2] map root, i[3] builtin,
 *            i[4] number of cgroup.procs paths at the end of str (spawn --cg: the
 *            subject writes the child's PID to each before releasing it),
 *            str = argv, then those paths; reply i[2]: which path (1-based) refused,
 *            i[3], i[4]: the inodes of the child's mnt and uts namespaces, read
 *            before it ran (for the namespaces the session made)
 *   KILL_INSIDE  fd[0] the target's PID namespace, i[0] the target's PID in it,
 *            i[1] the signal; str[0] the path shown in the trace
 *   MOUNT    i[0] enum mount_verb (cmd_mount.c), i[1] recursive or umount2 flags,
 *            i[2] enum mount_prop, i[3] allow host changes; str = the verb's
 *            arguments, then the IDs of the mounts the session made in the
 *            host's namespace ("12 40"), then the inodes of the mount
 *            namespaces the session made; reply data: JSON of struct mount_result
 *   IPC      i[0]: 0 create (i[1] enum ipc_kind, i[2] key, 0 for IPC_PRIVATE),
 *            1 read /proc/sysvipc/{msg,shm,sem} (data: the three, NUL between)
 *   TIME     i[0]: 0 read the subject's clocks (i[0..3] mono s/ns, boot s/ns),
 *            1 write timens_offsets (i[1] clockid, i[2] seconds)
 *   NET      i[0] enum net_op; str[] device names, address; fd[0] peer netns */
#define SUBJECT_OPS(X)                                                                             \
    X(UNSHARE, op_unshare)                                                                         \
    X(SETNS, op_setns)                                                                             \
    X(UTS, op_uts)                                                                                 \
    X(SPAWN, op_spawn)                                                                             \
    X(KILL_INSIDE, op_kill_inside)                                                                 \
    X(MOUNT, op_mount)                                                                             \
    X(IPC, op_ipc)                                                                                 \
    X(TIME, op_time)                                                                               \
    X(NET, op_net)

enum subj_op {
    SOP_NONE,
#define SUBJ_OP_ENUM(name, fn) SOP_##name,
    SUBJECT_OPS(SUBJ_OP_ENUM)
#undef SUBJ_OP_ENUM
    SOP_EXIT, /* end the subject */
};

enum spawn_io {
    SPAWN_JOB,      /* background job: stdin /dev/null, own process group */
    SPAWN_TTY,      /* foreground: gets the terminal, subject waits for it */
    SPAWN_CAPTURE,  /* foreground: stdout+stderr captured into the reply */
    SPAWN_INHERIT,  /* foreground, stdin /dev/null, output inherited (scripts) */
};

#define SUBJ_NI 10
#define SUBJ_MAXFD 8

struct subj_req {
    enum subj_op op;
    int64_t i[SUBJ_NI];
    int nstr;
    const char *const *str;
    int nfd;
    int fd[SUBJ_MAXFD];
    /* The /proc/PID/ns slots of the subject this request can change (bits
     * 1 << enum ns_slot, e.g. ns_slots_of_flags()), so the observation after
     * it reads only those again; 0 (the default): any of them. */
    unsigned ns_changes;
};

struct subj_rep {
    int ret;
    int err;
    int64_t i[SUBJ_NI];
    struct trace trace;
    struct strbuf data; /* output text, captured output, or error sentence */
};

/* Subject side: what an operation receives. */
struct subj_ctx {
    struct nsl *sh; /* the subject's copy of the shell state (read only) */
    int ctl, evt, sfd;
    pid_t shell_pgrp;
};

struct subj_msg {
    enum subj_op op;
    int64_t i[SUBJ_NI];
    int nstr;
    char **str;
    int nfd;
    int *fd;
};

typedef void (*subj_op_fn)(struct subj_ctx *cx, const struct subj_msg *m, struct subj_rep *rep);
#define SUBJ_OP_DECL(name, fn) void fn(struct subj_ctx *cx, const struct subj_msg *m, struct subj_rep *rep);
SUBJECT_OPS(SUBJ_OP_DECL)
#undef SUBJ_OP_DECL

/* Subject side: run fn in a short-lived child of the subject, for work that
 * must happen from another namespace without moving the subject (signal
 * from inside a PID namespace, read a clock in a time namespace, ...). fn's
 * trace and data are shipped back into rep; returns fn's result (0 or an
 * errno, which must fit in an exit status). */
typedef int (*subj_helper_fn)(struct subj_ctx *cx, void *arg, struct trace *t, struct strbuf *data);
int subj_helper(struct subj_ctx *cx, struct subj_rep *rep, subj_helper_fn fn, void *arg);

/* Subject side: report a child's wait status to the shell as an event. */
void subj_child_event(struct subj_ctx *cx, pid_t pid, int status);

/* Subject side helpers. Write "0 UID 1" maps for process `who` ("self" or a
 * PID) after denying setgroups; returns 0 or the errno of a failed write. */
int subj_write_id_map(struct subj_ctx *cx, struct trace *t, const char *who, uid_t uid, gid_t gid);

/* An event from the subject or a builtin child. */
enum subj_event_kind {
    EV_EXITED = 1, /* pid, status = wait status */
    EV_STOPPED,
    EV_CONTINUED,
    EV_TEXT, /* pid, text: a builtin's report ("reaped pid 7 (exit 0)") */
};

struct subj_event {
    int32_t kind;
    int32_t pid;
    int32_t status;
    char text[240];
};

/* Tell, as an event line, that pid was PID 1 of the PID namespace `unshare
 * pid` left pending, and that it has exited: the namespace is gone. */
void events_init_gone(struct nsl *sh, pid_t pid);

int subject_start(struct nsl *sh, struct nsl_err *e);
/* Kill the subject and every job (traced into t, which may be NULL); reap them. */
void subject_stop(struct nsl *sh, struct trace *t);
bool subject_alive(struct nsl *sh);

/* Send a request and wait for the reply, handling events meanwhile. The
 * reply's trace is appended to the current step's trace. 0, or -1 with e
 * filled when the subject could not be reached (not when the call failed:
 * that is rep->ret / rep->err). */
int subject_call(struct nsl *sh, const struct subj_req *rq, struct subj_rep *rep,
                 struct nsl_err *e);
void subj_rep_free(struct subj_rep *rep);

/* Read pending events without blocking (timeout_ms 0) or wait up to
 * timeout_ms for at least one. Updates the job table and queues the event
 * lines for printing. Returns the number handled, -1 when interrupted. */
int events_poll(struct nsl *sh, int timeout_ms);
/* Forget queued events of one kind for pid (a command already told it). */
void events_drop(struct nsl *sh, pid_t pid, int kind);
/* Print (text) or emit (JSON) queued event lines. */
void events_flush(struct nsl *sh);

/* Jobs. */
struct job *job_add(struct nsl *sh, pid_t pid, const char *cmd);
struct job *job_find(struct nsl *sh, int id);
struct job *job_by_pid(struct nsl *sh, pid_t pid);
void jobs_free(struct nsl *sh);
/* "running", "exited 0", "killed by SIGKILL". */
const char *job_state_text(const struct job *j, char *buf, size_t size);

/* The body of a spawned builtin (runs in the child). */
typedef int (*builtin_fn)(int argc, char **argv, int evt_fd);
builtin_fn builtin_find(const char *name);
/* "init [--trap SIG,...]", or NULL for a name that is no builtin. */
const char *builtin_usage(const char *name);
/* The k-th builtin's name (completion lists them), NULL past the last. */
const char *builtin_name(size_t k);
/* Check a builtin's arguments in the shell before spawning it. */
int builtin_check(int argc, char **argv, struct nsl_err *e);
/* Builtins run as a fresh exec of nslab's own binary (so ps shows their own
 * command line, and they start with a clean memory and signal state); main()
 * hands over to this when NSLAB_BUILTIN is set. */
#define BUILTIN_ENV "NSLAB_BUILTIN"
#define BUILTIN_EVT_ENV "NSLAB_EVT_FD"
#define BUILTIN_READY_ENV "NSLAB_READY_FD"
int builtin_main(int argc, char **argv);

/* Reap orphans re-parented to the shell (it is a child subreaper). */
void shell_reap_orphans(struct nsl *sh);

#endif
