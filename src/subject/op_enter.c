#define _GNU_SOURCE
/* ENTER on the subject's side: join TARGET's namespaces and go on as a new
 * subject born inside them, as nsenter(1) forks after its setns calls (a
 * PID namespace applies only to children). A child of the subject does
 * the joining, so a refused setns changes nothing; it then clones the new
 * subject with CLONE_PARENT (born in the PID namespace it joined, a child
 * of the old subject, which reaps it) and exits. The old subject retires:
 * it answers no more requests and only reaps and reports its jobs. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "subject/ops.h"

/* The fixed part of ENTER: the types, in the order of the descriptors. */
struct enter_args {
    int n;
    int nstype[SUBJ_MAXFD];
};
_Static_assert(sizeof(struct enter_args) <= SUBJ_ARGS_MAX, "enter_args");

void enter_req_pack(struct subj_req *rq, const struct enter_req *r)
{
    struct enter_args a = {.n = r->n};
    for (int k = 0; k < r->n && k < SUBJ_MAXFD; k++)
        a.nstype[k] = r->nstype[k];
    subj_req_init(rq, SOP_ENTER, &a, sizeof a);
    for (int k = 0; k < r->n && k < SUBJ_MAXFD; k++) {
        rq->fd[k] = r->fd[k];
        subj_req_str(rq, r->shown[k]);
    }
    rq->nfd = a.n;
}

/* What the joining child tells the subject. */
struct enter_result {
    int failed; /* index of the refused setns, n for the clone, -1 none */
    int err, nstype;
    pid_t host; /* the new subject in the host's view */
};

/* The new subject's first moments: its PID in the host's view (the
 * shell's /proc, inherited) to the joining child, then the subject's loop. */
static void __attribute__((noreturn)) enter_new_subject(struct subj_ctx *cx,
                                                         const struct subj_msg *m, int out, int q)
{
    close(out);
    char self[32] = "";
    ssize_t len = readlinkat(cx->sh->procfd, "self", self, sizeof self - 1);
    self[len > 0 ? len : 0] = '\0';
    pid_t host = (pid_t)atoi(self);
    if (write(q, &host, sizeof host) < 0) {
        /* the joining child is gone: so is the request */
    }
    close(q);
    for (int k = 0; k < m->nfd; k++)
        close(m->fd[k]);
    subj_host_forget_all();
    cx->nested = true;
    cx->self_host = host;
    cx->level = subj_nspid_at(cx, host, 0, NULL);
    if (cx->level < 0)
        cx->level = 0;
    cx->become(cx);
    _exit(127); /* not reached: become never returns */
}

/* In the joining child: setns each, clone the new subject, report. */
static void __attribute__((noreturn)) enter_join(struct subj_ctx *cx, const struct subj_msg *m,
                                                 const struct enter_args *a, int out)
{
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    struct trace t = {0};
    struct enter_result r = {.failed = -1};
    for (int k = 0; k < a->n && k < m->nfd && k < m->nstr; k++) {
        if (sys_setns(&t, m->fd[k], m->str[k], a->nstype[k]) < 0) {
            r = (struct enter_result){.failed = k, .err = errno, .nstype = a->nstype[k]};
            break;
        }
    }
    int q[2] = {-1, -1};
    if (r.failed < 0 && pipe2(q, O_CLOEXEC) < 0)
        r = (struct enter_result){.failed = a->n, .err = errno};
    if (r.failed < 0) {
        pid_t b = (pid_t)syscall(SYS_clone, (unsigned long)(CLONE_PARENT | SIGCHLD), NULL, NULL,
                                 NULL, NULL);
        if (b == 0) {
            close(q[0]);
            enter_new_subject(cx, m, out, q[1]);
        }
        int err = errno;
        close(q[1]);
        if (b < 0 || read(q[0], &r.host, sizeof r.host) != (ssize_t)sizeof r.host || !r.host) {
            r = (struct enter_result){.failed = a->n, .err = b < 0 ? err : ESRCH};
            trace_add(&t, "clone", -1, r.err, 0, "CLONE_PARENT|SIGCHLD");
            if (b > 0)
                kill(b, SIGKILL);
        } else {
            trace_add(&t, "clone", r.host, 0, TRACE_RET_PID, "CLONE_PARENT|SIGCHLD");
        }
        close(q[0]);
    }
    struct strbuf packed = {0};
    trace_pack(&t, &packed);
    uint32_t len = (uint32_t)packed.len;
    if (write(out, &r, sizeof r) < 0 || write(out, &len, sizeof len) < 0 ||
        write(out, sb_str(&packed), packed.len) < 0) {
        /* the subject then sees a short answer */
    }
    _exit(0);
}

void op_enter(struct subj_ctx *cx, const struct subj_msg *m, struct subj_rep *rep)
{
    struct enter_args a;
    struct enter_rep out = {.failed = -1};
    subj_msg_args(m, &a, sizeof a);
    if (a.n < 0 || a.n > SUBJ_MAXFD)
        a.n = 0;
    rep->ret = -1;
    int p[2];
    if (pipe2(p, O_CLOEXEC) < 0) {
        rep->err = errno;
        out.failed = a.n;
        subj_rep_set(rep, &out, sizeof out);
        return;
    }
    pid_t pid = fork();
    if (pid == 0) {
        close(p[0]);
        enter_join(cx, m, &a, p[1]);
    }
    int err = errno;
    close(p[1]);
    struct strbuf got = {0};
    char buf[4096];
    ssize_t n;
    while (pid > 0 && ((n = read(p[0], buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR)))
        if (n > 0)
            sb_appendn(&got, buf, (size_t)n);
    close(p[0]);
    while (pid > 0 && waitpid(pid, NULL, 0) < 0 && errno == EINTR)
        ;
    if (pid > 0) /* a PID in this subject's namespace, the host's unless nested */
        trace_add(&rep->trace, "fork", pid, 0, cx->nested ? 0 : TRACE_RET_PID, "%s", "");
    else
        trace_add(&rep->trace, "fork", -1, err, 0, "%s", "");
    struct enter_result r = {.failed = a.n, .err = pid < 0 ? err : EIO};
    uint32_t len = 0;
    if (got.len >= sizeof r + sizeof len) {
        memcpy(&r, got.buf, sizeof r);
        memcpy(&len, got.buf + sizeof r, sizeof len);
        if (len <= got.len - sizeof r - sizeof len)
            trace_unpack(&rep->trace, got.buf + sizeof r + sizeof len, len);
    }
    sb_free(&got);
    out.failed = r.failed;
    out.nstype = r.nstype;
    if (r.failed < 0) {
        rep->ret = 0;
        out.pid = r.host;
        out.level = subj_nspid_at(cx, r.host, -1, NULL);
        subj_nspid_at(cx, r.host, out.level, &out.ns_pid);
        /* Its exit, when it comes, is this subject's to report. */
        subj_host_note(cx, r.host);
        cx->retired = true;
    } else {
        rep->err = r.err;
    }
    subj_rep_set(rep, &out, sizeof out);
}
