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

/* The operations the subject performs, each in its own file beside its
 * typed request and reply (src/subject/op_*.c; struct X_req and X_rep in
 * subject/ops.h, with the packing beside the operation). One row each. */
#define SUBJECT_OPS(X)                                                                             \
    X(UNSHARE, op_unshare)                                                                         \
    X(SETNS, op_setns)                                                                             \
    X(UTS, op_uts)                                                                                 \
    X(SPAWN, op_spawn)                                                                             \
    X(KILL_INSIDE, op_kill_inside)                                                                 \
    X(MOUNT, op_mount)                                                                             \
    X(IPC, op_ipc)                                                                                 \
    X(TIME, op_time)                                                                               \
    X(NET, op_net)                                                                                 \
    X(ROOT, op_root)                                                                               \
    X(CONFINE, op_confine)                                                                         \
    X(KEYS, op_keys)                                                                               \
    X(ENTER, op_enter)                                                                             \
    X(EXEC, op_exec)

enum subj_op {
    SOP_NONE,
#define SUBJ_OP_ENUM(name, fn) SOP_##name,
    SUBJECT_OPS(SUBJ_OP_ENUM)
#undef SUBJ_OP_ENUM
    SOP_EXIT, /* end the subject */
};

#define SUBJ_MAXFD 8
#define SUBJ_ARGS_MAX 64 /* the fixed part of a request (struct X_req's numbers) */
#define SUBJ_OUT_MAX 160 /* the fixed part of a reply (struct X_rep) */

/* A request as it goes on the wire: the op's fixed part (its struct's
 * numbers, copied as they are: both sides are the same binary), the strings
 * it names (borrowed, in the order its pack function gives), and the file
 * descriptors it passes. Built by the op's X_req_pack(); freed with
 * subj_req_free() (cleanup_subj_req). */
struct subj_req {
    enum subj_op op;
    size_t nargs;
    unsigned char args[SUBJ_ARGS_MAX];
    int nstr, capstr;
    const char **str;
    char *owned[4]; /* strings the pack function made, freed with the request */
    int nowned;
    int nfd;
    int fd[SUBJ_MAXFD];
    /* The /proc/PID/ns slots of the subject this request can change (bits
     * 1 << enum ns_slot, e.g. ns_slots_of_flags()), so the observation after
     * it reads only those again; 0 (the default): any of them. */
    unsigned ns_changes;
};
void subj_req_init(struct subj_req *rq, enum subj_op op, const void *args, size_t nargs);
void subj_req_str(struct subj_req *rq, const char *s);
/* Add a string the request owns from now on (made by the pack function). */
void subj_req_str_own(struct subj_req *rq, char *s);
void subj_req_free(struct subj_req *rq);
#define cleanup_subj_req __attribute__((cleanup(subj_req_free)))

/* The reply: ret and err, the op's fixed part (struct X_rep, which names
 * the stage that failed), the trace (for showing only), and data (output
 * text, captured output, or the op's variable part). */
struct subj_rep {
    int ret;
    int err;
    size_t nout;
    unsigned char out[SUBJ_OUT_MAX];
    struct trace trace;
    struct strbuf data;
};
/* Copy the fixed part in (subject side) or out (shell side; zeroes what
 * the reply did not carry). */
void subj_rep_set(struct subj_rep *rep, const void *out, size_t n);
void subj_rep_get(const struct subj_rep *rep, void *out, size_t n);
void subj_rep_free(struct subj_rep *rep);
#define cleanup_subj_rep __attribute__((cleanup(subj_rep_free)))

/* Subject side: what an operation receives. */
struct subj_ctx {
    struct nsl *sh; /* the subject's copy of the shell state (read only) */
    int ctl, evt, sfd;
    pid_t shell_pgrp;
    /* After `enter`: this subject was born inside another PID namespace
     * (level: its depth, 0 the host's), self_host is its PID in the
     * shell's (host's) view, read from the shell's /proc. Its children's
     * PIDs are translated to the host's before they go to the shell. */
    bool nested;
    int level;
    pid_t self_host;
    /* It handed the requests to the subject `enter` made: from now on it
     * only reaps its children and reports them (subject.c's loop). */
    bool retired;
    /* Set by subject.c: the new subject's life, entered by op_enter in
     * the child it forked. It never returns (subject_become is noreturn;
     * the attribute is left off the pointer, which not every C parser
     * reads, and the caller exits after it). */
    void (*become)(struct subj_ctx *cx);
    /* Set by subject.c: the life of a container's subject, entered by
     * spawn's SPAWN_SUBJECT child: it serves requests on ctl (never
     * returns; the attribute left off as for become). */
    void (*serve)(struct subj_ctx *cx, int ctl);
};

struct subj_msg {
    enum subj_op op;
    size_t nargs;
    const unsigned char *args;
    int nstr;
    char **str;
    int nfd;
    int *fd;
};
/* Subject side: the fixed part into out (zeroed when the message is short). */
void subj_msg_args(const struct subj_msg *m, void *out, size_t n);

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

/* Subject side, in a new child: no signal blocked, every one at its
 * default. */
void subj_reset_signals(void);
/* Subject side: the subject's signals (terminal signals ignored, SIGCHLD
 * and SIGUSR1 blocked and read from cx->sfd, made when it is -1). */
void subject_signals(struct subj_ctx *cx);

/* Subject side, nested: the host PID of a child of this subject known by
 * its PID here (remembered until its exit is reported), 0 when not found.
 * In the host's PID namespace, local itself. */
pid_t subj_host_pid(struct subj_ctx *cx, pid_t local);
/* Subject side: remember that the child with PID host in the host's view
 * is one of this subject's (its PID here read from its NSpid). */
void subj_host_note(struct subj_ctx *cx, pid_t host);
/* Subject side, in a new subject: the children of the one before are not
 * its own. */
void subj_host_forget_all(void);
/* Subject side: how deep the PID namespace of host is (NSpid's fields
 * minus one), -1 when unknown; with local, its PID at depth `at`. */
int subj_nspid_at(struct subj_ctx *cx, pid_t host, int at, pid_t *local);

/* Subject side: report a child's wait status to the shell as an event. */
void subj_child_event(struct subj_ctx *cx, pid_t pid, int status);

/* Subject side helpers. Write "0 UID 1" maps for process `who` ("self" or a
 * PID) after denying setgroups; returns 0 or the errno of a failed write. */
int subj_write_id_map(struct subj_ctx *cx, struct trace *t, const char *who, uid_t uid, gid_t gid);

/* An event from the subject or a builtin child (kinds: enum subj_event_kind,
 * nslab.h), as it travels on the event socket. */
struct subj_event {
    int32_t kind;
    int32_t pid;
    int32_t status;
    char text[240];
    char fmt[240]; /* the English format text was printed by, to translate it when shown */
};

int subject_start(struct nsl *sh, struct nsl_err *e);
/* Kill the subject and every job (traced into t, which may be NULL); reap them. */
void subject_stop(struct nsl *sh, struct trace *t);
bool subject_alive(struct nsl *sh);
/* Shell side, after a successful ENTER: pid (the host's view) is the
 * subject from now on, at PID namespace depth level; the one before stays
 * as its parent (sh->subj.outer). */
void subject_entered(struct nsl *sh, pid_t pid, int level);
/* Shell side, container run: requests go to pid (a container's subject,
 * served on ctl, at PID namespace depth level) until subject_switch_back;
 * the session's subject is kept in saved meanwhile. Events still come on
 * the one event socket. subject_switch_back closes ctl. */
void subject_switch(struct nsl *sh, pid_t pid, int ctl, int level, struct subject *saved);
void subject_switch_back(struct nsl *sh, const struct subject *saved);
/* Is pid the subject, or one that `enter` left behind? */
bool subject_is_one(const struct nsl *sh, pid_t pid);

/* Send a request and wait for the reply, handing the events that come
 * meanwhile to sh->subj.on_event (the session's hook; without one they
 * wait in the socket). The reply's trace is appended to the current step's
 * trace. 0, or -1 with e
 * filled when the subject could not be reached (not when the call failed:
 * that is rep->ret / rep->err). */
int subject_call(struct nsl *sh, const struct subj_req *rq, struct subj_rep *rep,
                 struct nsl_err *e);

/* Read the events waiting on the event socket, without blocking
 * (timeout_ms 0) or waiting up to timeout_ms for the first, and hand each
 * to deliver (the session's). Returns how many, -1 when interrupted. */
int subject_events_read(struct nsl *sh, int timeout_ms,
                        void (*deliver)(struct nsl *sh, const struct subj_event *ev));

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
