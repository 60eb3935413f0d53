#define _GNU_SOURCE
#include "subject/subject.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/uio.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"
#include "i18n.h"



/* ctl wire format: a header, then the body (request: NUL-terminated
 * strings; reply: packed trace, then data). File descriptors ride on the
 * header as SCM_RIGHTS. */
struct wire_hdr {
    uint32_t op;
    int32_t ret;
    int32_t err;
    uint32_t nstr;
    uint32_t nfd;
    uint32_t tracelen;
    uint32_t datalen;
    uint32_t bodylen;
    uint32_t nargs; /* request: the fixed part's length; reply: the out part's */
    unsigned char args[SUBJ_OUT_MAX > SUBJ_ARGS_MAX ? SUBJ_OUT_MAX : SUBJ_ARGS_MAX];
};








static int write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len) {
        ssize_t n = write(fd, p, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

static int read_all(int fd, void *buf, size_t len)
{
    char *p = buf;
    while (len) {
        ssize_t n = read(fd, p, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        if (n == 0) {
            errno = ECONNRESET;
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Send the header and the body that follows it (nmore pieces) in one
 * sendmsg, so the other side wakes once, with the whole message there to
 * read; fds ride on the header. What a full socket buffer leaves unsent
 * follows with plain writes. */
static int send_msg(int sock, const struct wire_hdr *h, const int *fds, int nfd,
                    const struct iovec *more, int nmore)
{
    struct iovec iov[4] = {{.iov_base = (void *)h, .iov_len = sizeof *h}};
    size_t total = sizeof *h;
    int niov = 1;
    for (int k = 0; k < nmore && niov < 4; k++) {
        if (more[k].iov_len == 0)
            continue;
        iov[niov++] = more[k];
        total += more[k].iov_len;
    }
    union {
        char buf[CMSG_SPACE(sizeof(int) * SUBJ_MAXFD)];
        struct cmsghdr align;
    } u;
    struct msghdr msg = {.msg_iov = iov, .msg_iovlen = (size_t)niov};
    if (nfd > 0) {
        memset(&u, 0, sizeof u);
        msg.msg_control = u.buf;
        msg.msg_controllen = CMSG_SPACE(sizeof(int) * (size_t)nfd);
        struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)nfd);
        memcpy(CMSG_DATA(c), fds, sizeof(int) * (size_t)nfd);
    }
    ssize_t n;
    do
        n = sendmsg(sock, &msg, MSG_NOSIGNAL);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return -1;
    size_t sent = (size_t)n;
    for (int k = 0; k < niov && sent < total; k++) {
        if (sent >= iov[k].iov_len) {
            sent -= iov[k].iov_len;
            total -= iov[k].iov_len;
            continue;
        }
        if (write_all(sock, (const char *)iov[k].iov_base + sent, iov[k].iov_len - sent) < 0)
            return -1;
        total -= iov[k].iov_len;
        sent = 0;
    }
    return 0;
}

/* A reply usually comes within tens of microseconds, and in a script the
 * next request within a few hundred: less than it costs this VM-like
 * machine to put an idle process to sleep and wake it again (measured:
 * 1000 steps took 200 to 350 ms sleeping at once, 70 to 90 ms with these
 * waits; docs/performance.md). So the shell looks for the reply, and the
 * subject for the next request, a little while, yielding the CPU between
 * looks (the other side may need this one), before sleeping in poll. An
 * interactive session pays half a millisecond of the subject's CPU per
 * command. Returns poll's answer: > 0 when something is ready. */
#ifndef SUBJ_SPIN_NS
#define SUBJ_SPIN_NS 200000 /* the shell, waiting for a reply */
#endif
#ifndef SUBJ_IDLE_SPIN_NS
#define SUBJ_IDLE_SPIN_NS 500000 /* the subject, waiting for the next request */
#endif
static int poll_spin_timeout(struct pollfd *p, nfds_t n, long spin_ns, int timeout_ms)
{
    struct timespec t0, t;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        int r = poll(p, n, 0);
        if (r != 0)
            return r;
        clock_gettime(CLOCK_MONOTONIC, &t);
        if ((t.tv_sec - t0.tv_sec) * 1000000000L + (t.tv_nsec - t0.tv_nsec) >= spin_ns)
            return poll(p, n, timeout_ms);
        sched_yield();
    }
}

static int poll_spin(struct pollfd *p, nfds_t n, long spin_ns)
{
    return poll_spin_timeout(p, n, spin_ns, -1);
}

static int recv_hdr(int sock, struct wire_hdr *h, int *fds, int *nfd)
{
    struct iovec iov = {.iov_base = h, .iov_len = sizeof *h};
    union {
        char buf[CMSG_SPACE(sizeof(int) * SUBJ_MAXFD)];
        struct cmsghdr align;
    } u;
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
                         .msg_controllen = sizeof u.buf};
    ssize_t n;
    do
        n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
    while (n < 0 && errno == EINTR);
    if (n <= 0) {
        if (n == 0)
            errno = ECONNRESET;
        return -1;
    }
    *nfd = 0;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
            int k = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
            memcpy(fds, CMSG_DATA(c), sizeof(int) * (size_t)k);
            *nfd = k;
        }
    }
    if ((size_t)n < sizeof *h)
        return read_all(sock, (char *)h + n, sizeof *h - (size_t)n);
    return 0;
}

/* ---------------------------------------------------------------------- */
/* The subject's side.                                                     */




static void reap_children(struct subj_ctx *cx)
{
    for (;;) {
        int st;
        pid_t p = waitpid(-1, &st, WNOHANG | WUNTRACED | WCONTINUED);
        if (p <= 0)
            return;
        subj_child_event(cx, p, st);
    }
}








static char **split_strings(const char *body, uint32_t len, uint32_t nstr)
{
    char **v = xcalloc(nstr + 1, sizeof *v);
    const char *p = body, *end = body + len;
    for (uint32_t k = 0; k < nstr; k++) {
        const char *nul = memchr(p, '\0', (size_t)(end - p));
        if (!nul) {
            free(v);
            return NULL;
        }
        v[k] = (char *)p;
        p = nul + 1;
    }
    return v;
}


static const subj_op_fn subj_ops[] = {
#define SUBJ_OP_ROW(name, fn) [SOP_##name] = fn,
    SUBJECT_OPS(SUBJ_OP_ROW)
#undef SUBJ_OP_ROW
};

static int subject_serve_one(struct subj_ctx *cx)
{
    struct wire_hdr h;
    int fds[SUBJ_MAXFD];
    int nfd = 0;
    if (recv_hdr(cx->ctl, &h, fds, &nfd) < 0)
        return -1;
    cleanup_free char *body = xmalloc(h.bodylen + 1);
    if (h.bodylen > 16 * 1024 * 1024 || read_all(cx->ctl, body, h.bodylen) < 0)
        return -1;
    body[h.bodylen] = '\0';
    cleanup_free char **str = split_strings(body, h.bodylen, h.nstr);
    if (!str)
        return -1;

    cleanup_subj_rep struct subj_rep rep = {0};
    if (h.op == SOP_EXIT)
        _exit(0);
    struct subj_msg m = {.op = h.op,
                         .nargs = h.nargs <= SUBJ_ARGS_MAX ? h.nargs : SUBJ_ARGS_MAX,
                         .args = h.args,
                         .nstr = (int)h.nstr,
                         .str = str,
                         .nfd = nfd,
                         .fd = fds};
    if (h.op > SOP_NONE && h.op < ARRAY_SIZE(subj_ops) && subj_ops[h.op]) {
        subj_ops[h.op](cx, &m, &rep);
    } else {
        rep.ret = -1;
        rep.err = ENOSYS;
    }
    for (int k = 0; k < nfd; k++)
        close(fds[k]);

    struct strbuf tb = {0};
    trace_pack(&rep.trace, &tb);
    struct wire_hdr r = {.op = h.op, .ret = rep.ret, .err = rep.err, .nargs = (uint32_t)rep.nout};
    memcpy(r.args, rep.out, rep.nout);
    r.tracelen = (uint32_t)tb.len;
    r.datalen = (uint32_t)rep.data.len;
    struct iovec out[2] = {{.iov_base = tb.buf, .iov_len = tb.len},
                           {.iov_base = rep.data.buf, .iov_len = rep.data.len}};
    int rc = send_msg(cx->ctl, &r, NULL, 0, out, 2);
    sb_free(&tb);
    return rc;
}

/* The loop of a subject: requests on ctl, its children's exits on the
 * signalfd. A retired subject (after `enter`) closes ctl and only reaps. */
static void __attribute__((noreturn)) subject_loop(struct subj_ctx *cx)
{
    for (;;) {
        struct pollfd p[2] = {{.fd = cx->sfd, .events = POLLIN}, {.fd = cx->ctl, .events = POLLIN}};
        nfds_t np = cx->retired ? 1 : 2;
        if ((cx->retired ? poll(p, np, -1) : poll_spin(p, np, SUBJ_IDLE_SPIN_NS)) < 0) {
            if (errno == EINTR)
                continue;
            _exit(1);
        }
        if (p[0].revents) {
            struct signalfd_siginfo si;
            while (read(cx->sfd, &si, sizeof si) > 0)
                ;
            reap_children(cx);
        }
        if (np > 1 && p[1].revents) {
            if (subject_serve_one(cx) < 0)
                _exit(0);
            if (cx->retired) {
                close(cx->ctl);
                cx->ctl = -1;
            }
            reap_children(cx);
        }
    }
}

/* The subject `enter` made, in its own process: it dies with the old one
 * (its parent), and serves from here. */
static void __attribute__((noreturn)) subject_become(struct subj_ctx *cx)
{
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    cx->retired = false;
    subject_loop(cx);
}

static void __attribute__((noreturn)) subject_serve(struct subj_ctx *cx, int ctl);

static void __attribute__((noreturn)) subject_main(struct nsl *sh, int ctl, int evt)
{
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != sh->shell_pid)
        _exit(0);
    prctl(PR_SET_NAME, "nslab-subject");
    /* The shell's group is known before the fork: asked here, it could
     * already be the subject's own, when the shell's setpgid(pid, pid)
     * came first, and the terminal would go back to the wrong group. */
    struct subj_ctx cx = {.sh = sh, .ctl = ctl, .evt = evt, .shell_pgrp = sh->shell_pgrp,
                          .become = subject_become, .serve = subject_serve};
    /* Its own process group (set here and by the shell, whichever runs
     * first): Ctrl-C at the prompt must not reach it. */
    setpgid(0, 0);
    cx.sfd = -1;
    subject_signals(&cx);
    subject_loop(&cx);
}

/* A container's subject (spawn's SPAWN_SUBJECT child): serve on ctl. */
static void __attribute__((noreturn)) subject_serve(struct subj_ctx *cx, int ctl)
{
    cx->ctl = ctl;
    cx->retired = false;
    cx->sfd = -1;
    subject_signals(cx);
    subject_loop(cx);
}

/* ---------------------------------------------------------------------- */
/* The shell's side.                                                       */

/* The subject's /proc/PID/ns, kept for the observation after every step:
 * ten readlinks relative to it instead of ten walks of /proc/PID/ns/X. 0
 * stands for none (the struct starts zeroed), so a descriptor 0 is closed
 * again and unused. */
static void subject_open_nsfd(struct nsl *sh, pid_t pid)
{
    char rel[32];
    snprintf(rel, sizeof rel, "%d/ns", (int)pid);
    sh->subj.nsfd = openat(sh->procfd, rel, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (sh->subj.nsfd == 0)
        close(0);
    if (sh->subj.nsfd <= 0)
        sh->subj.nsfd = 0;
    sh->subj.ns_known = false;
}

int subject_start(struct nsl *sh, struct nsl_err *e)
{
    int ctl[2], evt[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ctl) < 0)
        return nsl_fail_errno(e, errno, "cannot create the subject's socket");
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, evt) < 0) {
        int err = errno;
        close(ctl[0]);
        close(ctl[1]);
        return nsl_fail_errno(e, err, "cannot create the event socket");
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        int err = errno;
        close(ctl[0]), close(ctl[1]), close(evt[0]), close(evt[1]);
        return nsl_fail_errno(e, err, "cannot fork the subject process");
    }
    if (pid == 0) {
        close(ctl[0]);
        close(evt[0]);
        subject_main(sh, ctl[1], evt[1]);
    }
    close(ctl[1]);
    close(evt[1]);
    int on = 1;
    setsockopt(evt[0], SOL_SOCKET, SO_PASSCRED, &on, sizeof on);
    setpgid(pid, pid);
    sh->subj.pid = pid;
    sh->subj.ctl = ctl[0];
    sh->subj.evt = evt[0];
    subject_open_nsfd(sh, pid);
    return 0;
}

void subject_entered(struct nsl *sh, pid_t pid, int level)
{
    /* Full (40 `enter`s): the first stays, it is the shell's child. */
    if (sh->subj.nouter == SUBJ_NEST_MAX)
        sh->subj.nouter--;
    sh->subj.outer[sh->subj.nouter++] = sh->subj.pid;
    sh->subj.pid = pid;
    sh->subj.level = level;
    if (sh->subj.nsfd > 0)
        close(sh->subj.nsfd);
    subject_open_nsfd(sh, pid);
    sh->subj.ns_stale = NS_ALL_SLOTS;
    sh->subj.mounts_stale = true;
}

void subject_switch(struct nsl *sh, pid_t pid, int ctl, int level, struct subject *saved)
{
    *saved = sh->subj;
    sh->subj.pid = pid;
    sh->subj.ctl = ctl;
    sh->subj.nouter = 0;
    sh->subj.level = level;
    sh->subj.abandoned = false;
    sh->subj.nsfd = 0;
    subject_open_nsfd(sh, pid);
    sh->subj.ns_stale = NS_ALL_SLOTS;
    sh->subj.mounts_stale = true;
}

void subject_switch_back(struct nsl *sh, const struct subject *saved)
{
    if (sh->subj.ctl >= 0)
        close(sh->subj.ctl);
    if (sh->subj.nsfd > 0)
        close(sh->subj.nsfd);
    sh->subj = *saved;
    sh->subj.ns_stale = NS_ALL_SLOTS;
    sh->subj.mounts_stale = true;
}

bool subject_is_one(const struct nsl *sh, pid_t pid)
{
    for (int k = 0; k < sh->subj.nouter; k++)
        if (sh->subj.outer[k] == pid)
            return true;
    return pid > 0 && pid == sh->subj.pid;
}

bool subject_alive(struct nsl *sh)
{
    return sh->subj.pid > 0 && kill(sh->subj.pid, 0) == 0;
}

/* Children of the shell other than the subject: orphans re-parented to it.
 * Kills each one not yet in killed[] (so the trace shows one kill each) and
 * returns how many children there are, zombies included. Reads the parent
 * from /proc/PID/stat (CONFIG_PROC_CHILDREN is not everywhere). */
static int kill_shell_children(struct nsl *sh, struct trace *t, pid_t *killed, size_t *nkilled,
                               size_t cap)
{
    int dfd = openat(sh->procfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
    if (!d) {
        if (dfd >= 0)
            close(dfd);
        return 0;
    }
    int n = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        pid_t pid;
        char path[300], buf[512];
        if (parse_pid(de->d_name, &pid) < 0)
            continue;
        snprintf(path, sizeof path, "%s/stat", de->d_name);
        if (read_file_at(sh->procfd, path, buf, sizeof buf) < 0)
            continue;
        /* "PID (comm) S PPID ...": comm may hold anything, so from the last ')'. */
        char *rp = strrchr(buf, ')');
        char state;
        int ppid;
        if (!rp || sscanf(rp + 1, " %c %d", &state, &ppid) != 2 || ppid != sh->shell_pid)
            continue;
        n++;
        bool done = state == 'Z';
        for (size_t k = 0; k < *nkilled && !done; k++)
            done = killed[k] == pid;
        if (!done && *nkilled < cap) {
            sys_kill(t, pid, SIGKILL);
            killed[(*nkilled)++] = pid;
        }
    }
    closedir(d);
    return n;
}

/* What the subject's children left behind (a daemon that forked and
 * exited) was re-parented to the shell, a child subreaper: it was started
 * in this session and ends with the subject. Never a blocking wait for one
 * of them: the init of a PID namespace, once killed, waits until every
 * process of its namespace is reaped, and those may be our zombies. */
static void end_orphans(struct nsl *sh, struct trace *t)
{
    pid_t killed[256];
    size_t nkilled = 0;
    /* Jobs were killed already; once the subject is gone they are our
     * children until reaped, and must not show a second kill in the trace. */
    for (size_t k = 0; k < sh->jobs.n && nkilled < ARRAY_SIZE(killed) / 2; k++)
        killed[nkilled++] = sh->jobs.v[k].pid;
    /* So were the subjects `enter` made (orphans of the shell now). */
    for (int k = 1; k < sh->subj.nouter && nkilled < ARRAY_SIZE(killed); k++)
        killed[nkilled++] = sh->subj.outer[k];
    if (sh->subj.nouter && sh->subj.pid > 0 && nkilled < ARRAY_SIZE(killed))
        killed[nkilled++] = sh->subj.pid;
    int64_t deadline = now_ms() + 2000;
    for (;;) {
        /* No child at all (the usual case): no need to walk /proc, which
         * costs a read per process on the machine. */
        siginfo_t si;
        if (waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT) < 0 && errno == ECHILD)
            break;
        if (kill_shell_children(sh, t, killed, &nkilled, ARRAY_SIZE(killed)) == 0 ||
            now_ms() >= deadline)
            break;
        shell_reap_orphans(sh);
        usleep(2000);
    }
}

void subject_stop(struct nsl *sh, struct trace *t)
{
    /* The subject first: while it lives it reaps its children, so a job
     * that died a moment ago (killing a PID-namespace init kills the rest of
     * its namespace) would make kill(2) return 0 or ESRCH depending on who
     * was faster, and --stable transcripts of `reset` differ. Once the
     * subject is gone its children are the shell's, which reaps nothing
     * until end_orphans: kill(2) on each finds it, running or zombie. */
    if (sh->subj.pid > 0 || sh->subj.nouter) {
        /* After `enter`, the first subject (the shell's child): each later
         * one is a child of the one before and dies with it
         * (PR_SET_PDEATHSIG), so no PID that may already be reused is
         * signalled. */
        pid_t first = sh->subj.nouter ? sh->subj.outer[0] : sh->subj.pid;
        if (first > 0) {
            sys_kill(t, first, SIGKILL);
            while (waitpid(first, NULL, 0) < 0 && errno == EINTR)
                ;
        }
    }
    for (size_t k = 0; k < sh->jobs.n; k++) {
        struct job *j = &sh->jobs.v[k];
        if (j->state == JOB_RUNNING || j->state == JOB_STOPPED) {
            sys_kill(t, j->pid, SIGKILL);
            /* Its exit will be reaped by the shell, not reported by the
             * subject, which is gone: record it now. */
            j->state = JOB_KILLED;
            j->status = SIGKILL;
        }
    }
    if (sh->subj.ctl >= 0)
        close(sh->subj.ctl);
    if (sh->subj.evt >= 0)
        close(sh->subj.evt);
    if (sh->subj.nsfd > 0)
        close(sh->subj.nsfd);
    sh->subj.nsfd = 0;
    sh->subj.ns_known = false;
    sh->subj.ctl = sh->subj.evt = -1;
    sh->subj.abandoned = false;
    shell_reap_orphans(sh);
    end_orphans(sh, t);
    sh->subj.pid = -1;
    sh->subj.nouter = 0;
    sh->subj.level = 0;
}


int subject_call(struct nsl *sh, const struct subj_req *rq, struct subj_rep *rep,
                 struct nsl_err *e)
{
    memset(rep, 0, sizeof *rep);
    if (sh->subj.pid <= 0)
        return nsl_fail(e, ESRCH, "there is no subject process (try `reset`)");
    if (sh->subj.abandoned)
        return nsl_fail(e, EINTR, "the subject is still busy with an interrupted request");
    /* Every request but reading or setting the host and domain names may
     * change the subject's namespaces (unshare, setns, a fork into a new PID
     * namespace, and whatever operations come next): the observation after
     * it reads again the slots the request names, all when it names none. */
    if (rq->op != SOP_UTS)
        sh->subj.ns_stale |= rq->ns_changes ? rq->ns_changes : NS_ALL_SLOTS;
    /* Likewise its mounts: any request but those that name only other
     * namespace types than mnt (see observe_mounts). */
    if (rq->op != SOP_UTS && (!rq->ns_changes || (rq->ns_changes & (1u << NS_MNT))))
        sh->subj.mounts_stale = true;
    struct strbuf body = {0};
    for (int k = 0; k < rq->nstr; k++) {
        sb_append(&body, rq->str[k]);
        sb_appendc(&body, '\0');
    }
    struct wire_hdr h = {.op = rq->op, .nstr = (uint32_t)rq->nstr, .nfd = (uint32_t)rq->nfd,
                         .bodylen = (uint32_t)body.len, .nargs = (uint32_t)rq->nargs};
    memcpy(h.args, rq->args, rq->nargs);
    struct iovec more = {.iov_base = body.buf, .iov_len = body.len};
    int rc = send_msg(sh->subj.ctl, &h, rq->fd, rq->nfd, &more, 1);
    sb_free(&body);
    if (rc < 0)
        return nsl_fail_errno(e, errno, "cannot reach the subject process (try `reset`)");

    /* The wait for the reply: a foreground program may take any time.
     * SIGTERM and SIGHUP give it up at once (the session ends, and its
     * cleanup kills the subject); SIGINT asks the subject to stop waiting
     * (it interrupts the program) and the reply still comes. The signal may
     * land just before poll sleeps, so poll wakes now and then to look. */
    bool cancelled = false;
    for (;;) {
        int sig = sh->interrupted ? *sh->interrupted : 0;
        if (sig == SIGTERM || sig == SIGHUP) {
            sh->subj.abandoned = true;
            return nsl_fail(e, EINTR, "interrupted by SIG%s while the subject was busy",
                            signal_name(sig));
        }
        if (sig == SIGINT) {
            /* Taken here; given back below for the loop that reads the
             * next command (a script stops, a prompt clears). */
            *sh->interrupted = 0;
            cancelled = true;
            kill(sh->subj.pid, SIGUSR1);
        }
        /* Events that come meanwhile go where the session said; without
         * it, they wait in the socket. */
        struct pollfd p[2] = {{.fd = sh->subj.ctl, .events = POLLIN},
                              {.fd = sh->subj.evt, .events = POLLIN}};
        int r = poll_spin_timeout(p, sh->subj.on_event ? 2 : 1, SUBJ_SPIN_NS, 200);
        if (r < 0 && errno != EINTR)
            return nsl_fail_errno(e, errno, "poll");
        if (r <= 0)
            continue;
        if (sh->subj.on_event && (p[1].revents & POLLIN))
            subject_events_read(sh, 0, sh->subj.on_event);
        if (p[0].revents)
            break;
    }
    if (cancelled && sh->interrupted && !*sh->interrupted)
        *sh->interrupted = SIGINT;
    struct wire_hdr r;
    int fds[SUBJ_MAXFD], nfd = 0;
    if (recv_hdr(sh->subj.ctl, &r, fds, &nfd) < 0) {
        /* EXEC: the socket closed with a successful execve. */
        if (rq->op == SOP_EXEC && errno == ECONNRESET)
            return 0;
        return nsl_fail(e, ECONNRESET, "the subject process died (`reset` starts a fresh one)");
    }
    for (int k = 0; k < nfd; k++)
        close(fds[k]);
    cleanup_free char *tb = xmalloc((size_t)r.tracelen + 1);
    if (read_all(sh->subj.ctl, tb, r.tracelen) < 0)
        return nsl_fail(e, ECONNRESET, "the subject process died mid-reply");
    sb_reserve(&rep->data, r.datalen);
    if (read_all(sh->subj.ctl, rep->data.buf, r.datalen) < 0)
        return nsl_fail(e, ECONNRESET, "the subject process died mid-reply");
    rep->data.len = r.datalen;
    rep->data.buf[r.datalen] = '\0';
    BENCH_START(t0);
    if (r.tracelen && trace_unpack(&rep->trace, tb, r.tracelen) < 0)
        return nsl_fail(e, EPROTO, "malformed reply from the subject process");
    rep->ret = r.ret;
    rep->err = r.err;
    rep->nout = r.nargs <= SUBJ_OUT_MAX ? r.nargs : SUBJ_OUT_MAX;
    memcpy(rep->out, r.args, rep->nout);
    trace_extend(&sh->step.trace, &rep->trace);
    BENCH_STOP(sh, t0);
    return 0;
}

/* ---------------------------------------------------------------------- */
/* Events, as they come.                                                   */

int subject_events_read(struct nsl *sh, int timeout_ms,
                        void (*deliver)(struct nsl *sh, const struct subj_event *ev))
{
    int handled = 0;
    if (sh->subj.evt < 0)
        return 0;
    for (;;) {
        struct pollfd p = {.fd = sh->subj.evt, .events = POLLIN};
        int r = poll(&p, 1, handled ? 0 : timeout_ms);
        if (r < 0) {
            if (errno == EINTR && sh->interrupted && *sh->interrupted)
                return -1;
            if (errno == EINTR)
                continue;
            return handled;
        }
        if (r == 0 || !(p.revents & POLLIN))
            return handled;
        struct subj_event ev = {0};
        union {
            char buf[CMSG_SPACE(sizeof(struct ucred))];
            struct cmsghdr align;
        } u;
        struct iovec iov = {.iov_base = &ev, .iov_len = sizeof ev};
        struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
                             .msg_controllen = sizeof u.buf};
        ssize_t n = recvmsg(sh->subj.evt, &msg, MSG_DONTWAIT);
        if (n != (ssize_t)sizeof ev)
            return handled;
        ev.text[sizeof ev.text - 1] = '\0';
        ev.fmt[sizeof ev.fmt - 1] = '\0';
        /* A builtin in another PID namespace knows itself only by its PID
         * there; the kernel translates the sender's PID into ours. */
        struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
        if (ev.kind == EV_TEXT && c && c->cmsg_type == SCM_CREDENTIALS) {
            struct ucred cred;
            memcpy(&cred, CMSG_DATA(c), sizeof cred);
            ev.pid = cred.pid;
        }
        /* The subject `enter` made has died (its PID namespace's init
         * exited), reported by its parent, the one before: its PID is free
         * for reuse, and no signal must go there any more. */
        if (ev.kind == EV_EXITED && sh->subj.nouter && ev.pid == sh->subj.pid)
            sh->subj.pid = -1;
        deliver(sh, &ev);
        handled++;
    }
}

void shell_reap_orphans(struct nsl *sh)
{
    int st;
    pid_t p;
    while ((p = waitpid(-1, &st, WNOHANG)) > 0) {
        if (p == sh->subj.pid)
            sh->subj.pid = -1;
        if (sh->subj.nouter && p == sh->subj.outer[0])
            sh->subj.outer[0] = -1; /* reaped: its PID may be reused */
    }
}
