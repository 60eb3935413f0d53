#define _GNU_SOURCE
/* KILL_INSIDE on the subject's side: a signal sent from inside a PID
 * namespace, by a helper process forked there (kill --from inside). */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string.h>

#include "subject/ops.h"

_Static_assert(sizeof(struct kill_inside_req) <= SUBJ_ARGS_MAX, "kill_inside_req");

void kill_inside_req_pack(struct subj_req *rq, const struct kill_inside_req *r)
{
    struct kill_inside_req a;
    memset(&a, 0, sizeof a); /* its padding goes on the wire: zeroed, not undefined */
    a.pidns_fd = r->pidns_fd;
    a.shown = r->shown;
    a.ns_pid = r->ns_pid;
    a.sig = r->sig;
    subj_req_init(rq, SOP_KILL_INSIDE, &a, sizeof a);
    subj_req_str(rq, r->shown);
    rq->fd[0] = r->pidns_fd;
    rq->nfd = 1;
}

struct kill_inside_arg {
    int nsfd;
    const char *what;
    pid_t ns_pid;
    int sig;
};

/* In a process that has joined the target's PID namespace (for its
 * children): fork a process there, and send the signal from it. 0 or the
 * errno of kill(2); data gets the sender's PID there. */
static int send_from_inside(pid_t ns_pid, int sig, struct trace *t, struct strbuf *data)
{
    int pfd[2];
    if (pipe(pfd) < 0)
        return errno;
    pid_t k = fork();
    if (k < 0) {
        int err = errno;
        trace_add(t, "fork", -1, err, 0, "%s", "");
        return err;
    }
    if (k == 0) {
        /* This process is inside the target's PID namespace. Its PID there
         * goes first: if the signal ends init, the kernel kills this
         * process with the rest of the namespace before it can say more. */
        int me = getpid(), err = 0;
        if (write(pfd[1], &me, sizeof me) < 0)
            _exit(1);
        if (kill(ns_pid, sig) < 0)
            err = errno;
        if (write(pfd[1], &err, sizeof err) < 0)
            _exit(1);
        _exit(0);
    }
    close(pfd[1]);
    int me = 0, err = EIO;
    ssize_t got = read(pfd[0], &me, sizeof me);
    bool answered = got == (ssize_t)sizeof me && read(pfd[0], &err, sizeof err) == sizeof err;
    close(pfd[0]);
    int st = 0;
    waitpid(k, &st, 0);
    trace_add(t, "fork", k, 0, TRACE_RET_PID, "%s", "");
    if (!answered && got == (ssize_t)sizeof me && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL) {
        /* It was killed right after (or while) sending: init ended, and
         * with it the namespace. The signal did arrive. */
        trace_note(t, "the sender, pid %d inside, was killed with its namespace when the signal "
                      "ended init", me);
        err = 0;
    } else {
        trace_add(t, "kill", err ? -1 : 0, err, 0, "%d, SIG%s", (int)ns_pid, signal_name(sig));
    }
    sb_printf(data, "%d", me);
    return err;
}

/* In a helper child of the subject: join the target's PID namespace (for
 * children), and send from a process forked there. */
static int kill_inside_fn(struct subj_ctx *cx, void *argp, struct trace *t, struct strbuf *data)
{
    struct kill_inside_arg *a = argp;
    if (sys_setns(t, a->nsfd, a->what, CLONE_NEWPID) < 0)
        return errno;
    return send_from_inside(a->ns_pid, a->sig, t, data);
}

int kill_from_fn(void *arg, struct trace *t, struct strbuf *out)
{
    const struct kill_from_arg *a = arg;
    int err = send_from_inside(a->ns_pid, a->sig, t, out);
    errno = err;
    return err ? -1 : 0;
}

void op_kill_inside(struct subj_ctx *cx, const struct subj_msg *m, struct subj_rep *rep)
{
    struct kill_inside_req rq;
    subj_msg_args(m, &rq, sizeof rq);
    if (m->nfd < 1 || m->nstr < 1) {
        rep->ret = -1;
        rep->err = EINVAL;
        return;
    }
    struct kill_inside_arg a = {.nsfd = m->fd[0], .what = m->str[0], .ns_pid = rq.ns_pid,
                                .sig = rq.sig};
    int err = subj_helper(cx, rep, kill_inside_fn, &a);
    rep->ret = err ? -1 : 0;
    rep->err = err;
    struct kill_inside_rep out = {.sender = (pid_t)atoi(sb_str(&rep->data))};
    sb_reset(&rep->data);
    subj_rep_set(rep, &out, sizeof out);
}
