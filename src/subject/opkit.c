#define _GNU_SOURCE
/* What every operation of the subject uses, below them all: building and
 * reading requests and replies (the generic half of the packing; each op's
 * own is beside it), helper children, ID maps, child events. subject.c
 * dispatches to the operations; the operations call only this file. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "subject/subject.h"

void subj_req_init(struct subj_req *rq, enum subj_op op, const void *args, size_t nargs)
{
    memset(rq, 0, sizeof *rq);
    rq->op = op;
    if (nargs > sizeof rq->args)
        abort(); /* a struct X_req too large: a programming error */
    memcpy(rq->args, args, nargs);
    rq->nargs = nargs;
}

void subj_req_str(struct subj_req *rq, const char *s)
{
    if (rq->nstr == rq->capstr) {
        rq->capstr = rq->capstr ? rq->capstr * 2 : 8;
        rq->str = xrealloc(rq->str, (size_t)rq->capstr * sizeof *rq->str);
    }
    rq->str[rq->nstr++] = s;
}

void subj_req_str_own(struct subj_req *rq, char *s)
{
    if (rq->nowned == (int)ARRAY_SIZE(rq->owned))
        abort(); /* more than a pack function may own: a programming error */
    rq->owned[rq->nowned++] = s;
    subj_req_str(rq, s);
}

void subj_req_free(struct subj_req *rq)
{
    for (int k = 0; k < rq->nowned; k++)
        free(rq->owned[k]);
    rq->nowned = 0;
    free(rq->str);
    rq->str = NULL;
    rq->nstr = rq->capstr = 0;
}

void subj_msg_args(const struct subj_msg *m, void *out, size_t n)
{
    memset(out, 0, n);
    memcpy(out, m->args, m->nargs < n ? m->nargs : n);
}

void subj_rep_set(struct subj_rep *rep, const void *out, size_t n)
{
    if (n > sizeof rep->out)
        abort(); /* a struct X_rep too large: a programming error */
    memcpy(rep->out, out, n);
    rep->nout = n;
}

void subj_rep_get(const struct subj_rep *rep, void *out, size_t n)
{
    memset(out, 0, n);
    memcpy(out, rep->out, rep->nout < n ? rep->nout : n);
}

static void send_event(int evt, int kind, pid_t pid, int status)
{
    struct subj_event ev = {.kind = kind, .pid = pid, .status = status};
    if (send(evt, &ev, sizeof ev, MSG_NOSIGNAL | MSG_DONTWAIT) < 0) {
        /* The shell is gone or flooded: nothing useful to do. */
    }
}

void subj_child_event(struct subj_ctx *cx, pid_t pid, int status)
{
    int kind = WIFSTOPPED(status)     ? EV_STOPPED
               : WIFCONTINUED(status) ? EV_CONTINUED
                                      : EV_EXITED;
    send_event(cx->evt, kind, pid, status);
}

int subj_write_id_map(struct subj_ctx *cx, struct trace *t, const char *who, uid_t uid, gid_t gid)
{
    char path[300], val[64];
    const struct nsl_paths *paths = &cx->sh->paths;
    int failed = 0;
    /* gid_map can only be written by an unprivileged user after setgroups
     * is denied (user_namespaces(7)). */
    if (sys_write_file(t, proc_path(paths, path, sizeof path, "%s/setgroups", who), "deny") < 0 &&
        errno != ENOENT)
        failed = errno;
    snprintf(val, sizeof val, "0 %u 1", (unsigned)uid);
    if (sys_write_file(t, proc_path(paths, path, sizeof path, "%s/uid_map", who), val) < 0)
        failed = errno;
    snprintf(val, sizeof val, "0 %u 1", (unsigned)gid);
    if (sys_write_file(t, proc_path(paths, path, sizeof path, "%s/gid_map", who), val) < 0)
        failed = errno;
    return failed;
}

void subj_rep_free(struct subj_rep *rep)
{
    trace_free(&rep->trace);
    sb_free(&rep->data);
}

void subj_reset_signals(void)
{
    sigset_t all;
    sigemptyset(&all);
    sigprocmask(SIG_SETMASK, &all, NULL);
    for (int s = 1; s < NSIG; s++)
        if (s != SIGKILL && s != SIGSTOP)
            signal(s, SIG_DFL);
}

int subj_helper(struct subj_ctx *cx, struct subj_rep *rep, subj_helper_fn fn, void *arg)
{
    int out[2];
    if (pipe2(out, O_CLOEXEC) < 0)
        return errno;
    pid_t pid = fork();
    if (pid < 0) {
        int err = errno;
        close(out[0]);
        close(out[1]);
        return err;
    }
    if (pid == 0) {
        close(out[0]);
        close(cx->ctl);
        subj_reset_signals();
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        struct trace t = {0};
        struct strbuf data = {0};
        int rc = fn(cx, arg, &t, &data);
        struct strbuf packed = {0};
        trace_pack(&t, &packed);
        uint32_t len = (uint32_t)packed.len;
        if (write(out[1], &len, sizeof len) < 0 || write(out[1], sb_str(&packed), packed.len) < 0 ||
            write(out[1], sb_str(&data), data.len) < 0) {
            /* the subject then sees a short reply */
        }
        _exit(rc & 0xff);
    }
    close(out[1]);
    struct strbuf got = {0};
    char buf[4096];
    ssize_t n;
    while ((n = read(out[0], buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR))
        if (n > 0)
            sb_appendn(&got, buf, (size_t)n);
    close(out[0]);
    int st = 0;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    uint32_t len = 0;
    if (got.len >= sizeof len) {
        memcpy(&len, got.buf, sizeof len);
        if (len <= got.len - sizeof len) {
            trace_unpack(&rep->trace, got.buf + sizeof len, len);
            sb_appendn(&rep->data, got.buf + sizeof len + len, got.len - sizeof len - len);
        }
    }
    sb_free(&got);
    if (WIFSIGNALED(st))
        return EINTR;
    return WEXITSTATUS(st);
}
