#define _GNU_SOURCE
/* spawn, on the subject's side: clone3 a child into new namespaces, set it up,
 * and run a builtin or an external program in it. The shell side (cmd_spawn,
 * cmd_run) lives in cmd/cmd_proc.c. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "i18n.h"
#include "kernel/cgroup/cgroup.h"
#include "kernel/rootfs.h"
#include "subject/ops.h"

#define CAPTURE_MAX (1024 * 1024)

/* In the child, in its new namespaces, before exec. A child with new PID
 * and mount namespaces gets a /proc of its own, as unshare --mount-proc
 * does: first every mount private (so the new /proc cannot propagate back
 * to the host through a shared peer group), then proc mounted on /proc.
 * Returns 0 or the errno of the failed call (which is in the trace). */
/* A builtin job that blocks (sleep, init) has closed its ready descriptor a
 * moment before it blocks; until the scheduler runs it again, /proc shows it
 * runnable (R). Waiting, briefly, until it is asleep makes what `ps` shows
 * right after `spawn` the same on every run (--stable transcripts). */
static void wait_until_asleep(struct subj_ctx *cx, pid_t pid)
{
    char rel[32], buf[512];
    snprintf(rel, sizeof rel, "%d/stat", (int)pid);
    for (int k = 0; k < 1000; k++) {
        if (read_file_at(cx->sh->procfd, rel, buf, sizeof buf) < 0)
            return;
        /* "PID (comm) S ...": comm may hold anything, so from the last ')'. */
        const char *rp = strrchr(buf, ')');
        if (!rp || rp[1] != ' ' || rp[2] != 'R')
            return;
        usleep(1000);
    }
}

static int child_setup(struct subj_ctx *cx, int flags, enum spawn_io io, struct trace *t)
{
    /* A container's subject: its mounts private, as `unshare mnt` makes
     * them; its /proc comes later, in its own root. */
    if (io == SPAWN_SUBJECT)
        return (flags & CLONE_NEWNS) && sys_mount(t, "none", "/", NULL, MS_REC | MS_PRIVATE,
                                                   NULL) < 0
                   ? errno
                   : 0;
    if ((flags & CLONE_NEWNS) && (flags & CLONE_NEWPID)) {
        if (sys_mount(t, "none", "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
            return errno;
        if (sys_mount(t, "proc", cx->sh->paths.proc, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC,
                      NULL) < 0)
            return errno;
    }
    return 0;
}

/* struct clone_args of <linux/sched.h> (version 0, 64 bytes), declared here
 * because that header clashes with glibc's <sched.h>. */
struct clone_args3 {
    uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
};

static void child_stdio(enum spawn_io io, int capture_w, const struct nsl *sh)
{
    if (io == SPAWN_TTY)
        return;
    int null = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null >= 0)
        dup2(null, 0);
    if (io == SPAWN_CAPTURE) {
        dup2(capture_w, 1);
        dup2(capture_w, 2);
    } else if (sh->opt.json) {
        /* stdout carries NDJSON: a child's output must not mix into it. */
        dup2(2, 1);
    }
}


/* The subject's signalfd carries SIGCHLD and SIGUSR1, which the shell sends
 * to say "stop waiting" (SIGINT reached it). Reads all that is there;
 * returns how many SIGUSR1 were among it. Children are reaped by waitpid
 * with WNOHANG whatever was read (in wait_foreground, or by the subject's
 * loop after the request). */
static int read_sigfd(struct subj_ctx *cx)
{
    struct signalfd_siginfo si;
    int cancels = 0;
    while (read(cx->sfd, &si, sizeof si) == (ssize_t)sizeof si)
        if (si.ssi_signo == SIGUSR1)
            cancels++;
    return cancels;
}

/* Wait until fd is readable (or at its end) while the child pid sets
 * itself up, ready to give up: the shell's cancel kills the child and ends
 * the wait at once (a child in a frozen cgroup dies only when thawed).
 * SIGCHLD is left to the subject's loop, which reaps after every request.
 * Returns false when cancelled. */
static bool wait_readable(struct subj_ctx *cx, int fd, pid_t pid, bool *cancelled)
{
    while (!*cancelled) {
        struct pollfd p[2] = {{.fd = fd, .events = POLLIN}, {.fd = cx->sfd, .events = POLLIN}};
        int r = poll(p, 2, 100);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            return true;
        }
        if (r == 0) {
            /* A Ctrl-Z that reached the child before its exec stopped it
             * there: continue it, or this wait would never end (waitid
             * with WSTOPPED alone leaves an exit to be reaped as always). */
            siginfo_t si = {0};
            if (waitid(P_PID, (id_t)pid, &si, WSTOPPED | WNOHANG) == 0 && si.si_pid == pid)
                kill(pid, SIGCONT);
            continue;
        }
        if (p[1].revents && read_sigfd(cx)) {
            kill(pid, SIGKILL);
            *cancelled = true;
        } else if (p[0].revents) {
            return true;
        }
    }
    return false;
}

/* Read what is in fd now, without blocking. Returns 1 at its end. */
static int drain_capture(int fd, struct strbuf *data)
{
    char buf[4096];
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return 0; /* EAGAIN: nothing more for now */
        if (n == 0)
            return 1;
        if (data->len < CAPTURE_MAX)
            sb_appendn(data, buf, (size_t)n);
    }
}

/* A foreground program (!PROGRAM): wait until it ends, collecting its
 * output if captured. It is over when the program itself exits, not when
 * every holder of its output pipe has closed it: `sh -c "sleep 25 &"`
 * leaves a background child holding it. Other children's changes are
 * reported as the event loop would. The shell's cancel sends SIGINT to the
 * program's process group (as a terminal's Ctrl-C would), the next one
 * SIGKILL. Returns the wait status. */
static int wait_foreground(struct subj_ctx *cx, pid_t pid, enum spawn_io io, int capfd,
                           struct strbuf *data)
{
    int st = 0, cancels = 0;
    bool ended = false;
    if (capfd >= 0)
        fcntl(capfd, F_SETFL, fcntl(capfd, F_GETFL) | O_NONBLOCK);
    for (;;) {
        /* First look: a SIGCHLD may have been read by an earlier wait. */
        int s;
        pid_t p;
        while ((p = waitpid(-1, &s, WNOHANG | WUNTRACED | WCONTINUED)) > 0) {
            if (p != pid) {
                subj_child_event(cx, p, s);
            } else if (WIFSTOPPED(s) && io != SPAWN_TTY) {
                /* Without a terminal nobody could continue it. (Stopped
                 * at a terminal, by Ctrl-Z, it ends the wait below: the
                 * shell keeps it as a stopped job.) */
                kill(pid, SIGCONT);
            } else if (!WIFCONTINUED(s)) {
                st = s;
                ended = true;
            }
        }
        if (ended || (p < 0 && errno == ECHILD))
            break;
        struct pollfd pf[2] = {{.fd = cx->sfd, .events = POLLIN}, {.fd = capfd, .events = POLLIN}};
        if (poll(pf, capfd >= 0 ? 2 : 1, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (capfd >= 0 && pf[1].revents && drain_capture(capfd, data))
            capfd = -1; /* at its end: only the exit is left to wait for */
        if (pf[0].revents) {
            int c = read_sigfd(cx);
            for (int k = 0; k < c; k++)
                kill(-pid, ++cancels == 1 ? SIGINT : SIGKILL);
        }
    }
    /* What it wrote before it ended is in the pipe. */
    if (capfd >= 0)
        drain_capture(capfd, data);
    return st;
}

/* --- the request ------------------------------------------------------ */

/* The fixed part of SPAWN; the strings are argv, then the cgroups' dirs. */
struct spawn_args {
    int flags;
    enum spawn_io io;
    bool map_root, builtin;
    int argc, ncg;
    int cg_version[SPAWN_CG_MAX];
};
_Static_assert(sizeof(struct spawn_args) <= SUBJ_ARGS_MAX, "spawn_args");

void spawn_req_pack(struct subj_req *rq, const struct spawn_req *r)
{
    struct spawn_args a;
    memset(&a, 0, sizeof a); /* its padding goes on the wire: zeroed, not undefined */
    a.flags = r->flags;
    a.io = r->io;
    a.map_root = r->map_root;
    a.builtin = r->builtin;
    a.argc = r->argc;
    a.ncg = r->ncg < SPAWN_CG_MAX ? r->ncg : SPAWN_CG_MAX;
    for (int c = 0; c < a.ncg; c++)
        a.cg_version[c] = r->cg[c].version;
    subj_req_init(rq, SOP_SPAWN, &a, sizeof a);
    if (r->io == SPAWN_SUBJECT) {
        rq->fd[0] = r->ctl_fd;
        rq->nfd = 1;
    }
    for (int k = 0; k < r->argc; k++)
        subj_req_str(rq, r->argv[k]);
    for (int c = 0; c < a.ncg; c++)
        subj_req_str(rq, r->cg[c].dir);
}

/* --- the operation, phase by phase ------------------------------------ */

/* One spawn in the subject: what was asked, the pipes to the child, and
 * what happened so far. go: the child waits for "g" before it sets itself
 * up; ex: exec done (closed), or {stage, errno} of what failed; cap: the
 * captured output; tr: the trace of the child's set-up. */
struct spawn_run {
    struct spawn_args a;
    char **argv;
    const char *cgdir[SPAWN_CG_MAX];
    builtin_fn fn;
    int ctl; /* SPAWN_SUBJECT: the request socket it will serve, else -1 */
    int go[2], ex[2], cap[2], tr[2];
    pid_t pid;
    bool tty_given, cancelled;
    /* A builtin where nslab's own binary cannot be loaded (a root without
     * its loader, after chroot or pivot_root): it runs in the cloned child
     * itself, without exec; interp names the loader that is missing. */
    bool in_process;
    char interp[256];
    struct spawn_rep out;
};

static int spawn_unpack(const struct subj_msg *m, struct spawn_run *s)
{
    subj_msg_args(m, &s->a, sizeof s->a);
    if (s->a.argc < 1 || s->a.ncg < 0 || s->a.ncg > SPAWN_CG_MAX ||
        s->a.argc + s->a.ncg != m->nstr)
        return -1;
    s->argv = m->str;
    for (int c = 0; c < s->a.ncg; c++)
        s->cgdir[c] = m->str[s->a.argc + c];
    /* execvp needs the end of argv marked (split_strings left one NULL
     * after the last string; the cgroups come after argv). */
    s->argv[s->a.argc] = NULL;
    s->fn = s->a.builtin ? builtin_find(s->argv[0]) : NULL;
    if (s->a.builtin && !s->fn)
        return -1;
    s->ctl = -1;
    if (s->a.io == SPAWN_SUBJECT) {
        if (m->nfd != 1 || s->fn)
            return -1;
        s->ctl = m->fd[0];
    }
    return 0;
}

static int spawn_pipes(struct spawn_run *s)
{
    if (pipe2(s->go, O_CLOEXEC) < 0 || pipe2(s->ex, O_CLOEXEC) < 0 ||
        pipe2(s->tr, O_CLOEXEC) < 0 || (s->a.io == SPAWN_CAPTURE && pipe2(s->cap, O_CLOEXEC) < 0))
        return errno;
    return 0;
}

/* The child's exec: a builtin is nslab's own binary again; the event
 * socket stays open across it, and so does a copy of ex's write end: the
 * builtin closes it once it is set up (init: its handlers installed),
 * which is when spawn returns, so no signal can overtake the set-up.
 * Returns only on failure, with errno. */
static void child_exec(struct subj_ctx *cx, struct spawn_run *s)
{
    subj_exec_program(cx, s->fn, s->a.argc, s->argv, s->in_process, s->ex[1]);
}

/* A container's subject, set up: "ready" (ex closed), then it serves its
 * own requests, a subject born in the container's namespaces. */
static void __attribute__((noreturn)) child_serve(struct subj_ctx *cx, struct spawn_run *s)
{
    close(s->ex[1]);
    char self[32] = "";
    ssize_t len = readlinkat(cx->sh->procfd, "self", self, sizeof self - 1);
    self[len > 0 ? len : 0] = '\0';
    subj_host_forget_all();
    cx->nested = true;
    cx->self_host = (pid_t)atoi(self);
    cx->level = subj_nspid_at(cx, cx->self_host, 0, NULL);
    if (cx->level < 0)
        cx->level = 0;
    prctl(PR_SET_NAME, "nslab-ctr");
    cx->serve(cx, s->ctl);
    _exit(127); /* not reached: serve never returns */
}

/* The child, from clone to exec: wait for "go", set up inside the new
 * namespaces (its trace goes back through tr), exec. */
static void __attribute__((noreturn)) child_main(struct subj_ctx *cx, struct spawn_run *s)
{
    close(cx->ctl);
    close(cx->sfd);
    close(s->go[1]);
    close(s->ex[0]);
    close(s->tr[0]);
    subj_reset_signals();
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    setpgid(0, 0);
    char c;
    if (read(s->go[0], &c, 1) != 1)
        _exit(126);
    if (s->cap[1] >= 0)
        close(s->cap[0]);
    struct trace ct = {0};
    int st[2] = {SPAWN_FAILED_SETUP, child_setup(cx, s->a.flags, s->a.io, &ct)};
    struct strbuf packed = {0};
    trace_pack(&ct, &packed);
    if (write(s->tr[1], packed.buf, packed.len) < 0) {
        /* the parent then shows no set-up lines */
    }
    close(s->tr[1]);
    sb_free(&packed);
    trace_free(&ct);
    if (st[1] == 0 && s->a.io == SPAWN_SUBJECT)
        child_serve(cx, s);
    if (st[1] == 0) {
        st[0] = SPAWN_FAILED_EXEC;
        child_stdio(s->a.io, s->cap[1], cx->sh);
        i18n_restore_env();
        child_exec(cx, s);
        st[1] = errno;
    }
    if (write(s->ex[1], st, sizeof st) < 0) {
        /* the parent will see EOF and a 127 exit */
    }
    _exit(127);
}

/* clone3(2), like fork(2) but with CLONE_NEW* flags: the child is born in
 * the new namespaces. Not clone(2): there CLONE_NEWTIME collides with the
 * exit-signal byte; but kernels before 5.3 (and valgrind) lack clone3: say
 * so in the trace, then use clone(2), which takes the same flags but time.
 * Returns the child's PID in the parent, -1 with errno. */
static pid_t spawn_clone(struct subj_ctx *cx, struct spawn_run *s, struct trace *t)
{
    int flags = s->a.flags;
    struct strbuf a = {0};
    const char *call = "clone3";
    sb_append(&a, "{flags=");
    clone_flags_format(flags, &a);
    sb_append(&a, ", exit_signal=SIGCHLD}");
    struct clone_args3 ca = {.flags = (uint64_t)(unsigned)flags, .exit_signal = SIGCHLD};
    pid_t pid = (pid_t)syscall(SYS_clone3, &ca, sizeof ca);
    if (pid < 0 && errno == ENOSYS && !(flags & CLONE_NEWTIME)) {
        trace_add(t, "clone3", -1, ENOSYS, 0, "%s", sb_str(&a));
        sb_reset(&a);
        clone_flags_format(flags | SIGCHLD, &a);
        pid = (pid_t)syscall(SYS_clone, (unsigned long)(flags | SIGCHLD), NULL, NULL, NULL, NULL);
        call = "clone";
    }
    if (pid == 0)
        child_main(cx, s);
    int err = errno;
    /* After `enter` the answer is the PID in the subject's own namespace. */
    trace_add(t, call, pid, err, cx->nested ? 0 : TRACE_RET_PID, "%s", sb_str(&a));
    sb_free(&a);
    errno = err;
    return pid;
}

static void close_pair_end(int *fd)
{
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

/* The namespaces it was born in, before it runs anything (its program may
 * enter or make others): the shell holds those the session made. */
static void spawn_note_ns(struct subj_ctx *cx, struct spawn_run *s)
{
    struct stat st;
    char rel[64];
    snprintf(rel, sizeof rel, "%d/ns/mnt", (int)s->out.host_pid);
    if ((s->a.flags & CLONE_NEWNS) && fstatat(cx->sh->procfd, rel, &st, 0) == 0)
        s->out.mnt_ns = st.st_ino;
    snprintf(rel, sizeof rel, "%d/ns/uts", (int)s->out.host_pid);
    if ((s->a.flags & CLONE_NEWUTS) && fstatat(cx->sh->procfd, rel, &st, 0) == 0)
        s->out.uts_ns = st.st_ino;
    snprintf(rel, sizeof rel, "%d/ns/net", (int)s->out.host_pid);
    if ((s->a.flags & CLONE_NEWNET) && fstatat(cx->sh->procfd, rel, &st, 0) == 0)
        s->out.net_ns = st.st_ino;
    snprintf(rel, sizeof rel, "%d/ns/cgroup", (int)s->out.host_pid);
    if ((s->a.flags & CLONE_NEWCGROUP) && fstatat(cx->sh->procfd, rel, &st, 0) == 0)
        s->out.cgroup_ns = st.st_ino;
}

/* While it still waits for "go": its ID maps, then its cgroups, through
 * the cgroup backend's attach (spawn --cg): it runs nothing before it is
 * in them, and everything it forks is born there too. Returns 0 or the
 * errno of what failed (s->out.failed says which; a refusing cgroup's
 * sentence goes into data). */
static int spawn_place(struct subj_ctx *cx, struct spawn_run *s, uid_t uid, gid_t gid,
                       struct subj_rep *rep)
{
    char who[32]; /* in the shell's /proc: the host's PID */
    snprintf(who, sizeof who, "%d", (int)s->out.host_pid);
    if ((s->a.flags & CLONE_NEWUSER) && s->a.map_root) {
        int err = subj_write_id_map(cx, &rep->trace, who, uid, gid);
        if (err) {
            s->out.failed = SPAWN_FAILED_MAP;
            return err;
        }
    }
    struct cg_sys sys;
    cg_sys_init(&sys);
    for (int c = 0; c < s->a.ncg; c++) {
        struct nsl_err e = {0};
        const struct cg_backend *be = cg_backend_of(s->a.cg_version[c]);
        if (be->attach(&sys, s->cgdir[c], s->pid, &rep->trace, &e) < 0) {
            s->out.failed = SPAWN_FAILED_CGROUP;
            s->out.cgroup = c;
            sb_append(&rep->data, e.msg);
            return e.errnum ? e.errnum : EIO;
        }
    }
    return 0;
}

/* Its own process group, set here and in the child (whichever runs
 * first), as a shell with job control does; a foreground program also
 * gets the terminal before it is released, so Ctrl-C and Ctrl-Z at the
 * terminal go to it and not to nslab (only when nslab holds the terminal).
 * Then "go", unless it could not be placed: then it exits unrun. */
static int spawn_release(struct subj_ctx *cx, struct spawn_run *s, int failed)
{
    setpgid(s->pid, s->pid);
    bool cg_failed = s->out.failed == SPAWN_FAILED_CGROUP;
    if (s->a.io == SPAWN_TTY && isatty(0) && tcgetpgrp(0) == cx->shell_pgrp && !cg_failed)
        s->tty_given = tcsetpgrp(0, s->pid) == 0;
    if (!cg_failed && write(s->go[1], "g", 1) != 1 && !failed)
        failed = errno;
    close_pair_end(&s->go[1]);
    return failed;
}

/* What the child did inside its namespaces before exec, into the trace. */
static void spawn_read_setup(struct subj_ctx *cx, struct spawn_run *s, struct trace *t)
{
    struct strbuf packed = {0};
    char buf[4096];
    for (;;) {
        if (!wait_readable(cx, s->tr[0], s->pid, &s->cancelled))
            break;
        ssize_t r = read(s->tr[0], buf, sizeof buf);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        sb_appendn(&packed, buf, (size_t)r);
    }
    if (packed.len)
        trace_unpack(t, packed.buf, packed.len);
    sb_free(&packed);
}

/* The exec in the trace: execveat of nslab's own binary for a builtin,
 * execvp else; failed when the child reported its errno. */
static void trace_exec(const struct spawn_run *s, bool failed, int err, struct trace *t)
{
    struct strbuf args = {0};
    for (int k = 0; k < s->a.argc && k < 8; k++) {
        cleanup_free char *q = str_quoted(s->argv[k]);
        sb_printf(&args, "%s%s", k ? ", " : "", q);
    }
    if (s->a.argc > 8)
        sb_append(&args, ", ...");
    if (s->a.builtin && s->in_process && !failed)
        trace_note(t,
                   "builtin %s runs in the cloned child itself, without exec: nslab's own binary "
                   "cannot be loaded in this root (its loader %s is not there)",
                   s->argv[0], s->interp);
    else if (s->a.builtin)
        trace_add(t, "execveat", failed ? -1 : 0, err, 0, "nslab's own binary, [%s] (builtin %s)",
                  sb_str(&args), s->argv[0]);
    else
        trace_add(t, "execvp", failed ? -1 : 0, err, 0, "\"%s\", [%s]", s->argv[0],
                  sb_str(&args));
    sb_free(&args);
}

/* The ready wait: exec done, or a builtin set up. Returns 0 when the
 * child is running its program, else the errno of what stopped it (its
 * stage in s->out.failed). */
static int spawn_ready(struct subj_ctx *cx, struct spawn_run *s, int failed, struct trace *t)
{
    int stage[2] = {0, 0};
    ssize_t n;
    do {
        n = wait_readable(cx, s->ex[0], s->pid, &s->cancelled) ? read(s->ex[0], stage, sizeof stage)
                                                               : 0;
    } while (n < 0 && errno == EINTR);
    bool child_failed = n == (ssize_t)sizeof stage;
    if (s->cancelled && !failed) {
        failed = EINTR;
        s->out.failed = SPAWN_CANCELLED;
    }
    if ((child_failed && stage[0] == SPAWN_FAILED_SETUP) ||
        s->out.failed == SPAWN_FAILED_CGROUP) {
        /* The failed call (set-up, or the attach) is in the trace already. */
    } else if (s->cancelled) {
        trace_note(t, "interrupted (SIGINT) before it was ready: pid %d was killed", (int)s->pid);
    } else if (s->a.io == SPAWN_SUBJECT) {
        if (!child_failed)
            trace_note(t, "pid %d runs no program yet: it serves nslab's requests inside the "
                          "container until its program replaces it (execve)",
                       (int)s->pid);
    } else {
        trace_exec(s, child_failed, stage[1], t);
    }
    if (child_failed) {
        s->out.failed = stage[0];
        return stage[1];
    }
    return failed;
}

/* After the foreground program: the terminal back to nslab, however it
 * ended, stopped or failed to start (the shell checks again before it
 * reads its next line), and after the ^C or ^Z the terminal echoed, a new
 * line (as bash). */
static void spawn_tty_back(struct subj_ctx *cx, const struct spawn_run *s, bool ran)
{
    tcsetpgrp(0, cx->shell_pgrp);
    int st = s->out.status;
    if (ran && (WIFSTOPPED(st) || (WIFSIGNALED(st) && (WTERMSIG(st) == SIGINT ||
                                                       WTERMSIG(st) == SIGQUIT))))
        if (write(1, "\n", 1) < 0) {
            /* the terminal is gone: nothing to tidy */
        }
}

/* Start the child and see it ready; 0, or the errno of what failed. */
static int spawn_start(struct subj_ctx *cx, struct spawn_run *s, struct subj_rep *rep)
{
    uid_t uid = geteuid();
    gid_t gid = getegid();
    if (s->fn && elf_interp_fd(cx->sh->exe_fd, s->interp, sizeof s->interp) == 1 &&
        access(s->interp, X_OK) < 0)
        s->in_process = true;
    int err = spawn_pipes(s);
    if (err) {
        s->out.failed = SPAWN_FAILED_START;
        return err;
    }
    s->pid = spawn_clone(cx, s, &rep->trace);
    int clone_err = errno;
    close_pair_end(&s->tr[1]);
    if (s->pid < 0) {
        s->out.failed = SPAWN_FAILED_START;
        return clone_err;
    }
    close_pair_end(&s->go[0]);
    close_pair_end(&s->ex[1]);
    close_pair_end(&s->cap[1]);
    /* The shell's /proc, which the subject reads, is the host's: after
     * `enter` this child's PID there differs from clone's answer. */
    s->out.host_pid = subj_host_pid(cx, s->pid);
    if (s->a.flags & (CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWNET))
        spawn_note_ns(cx, s);
    int failed = spawn_place(cx, s, uid, gid, rep);
    failed = spawn_release(cx, s, failed);
    spawn_read_setup(cx, s, &rep->trace);
    failed = spawn_ready(cx, s, failed, &rep->trace);
    s->out.pid = s->pid;
    if (failed) {
        /* The child never ran the program: reap it here, no event. Not
         * when cancelled: a frozen child cannot die yet; the subject's
         * loop reaps it when it does. */
        kill(s->pid, SIGKILL);
        if (!s->cancelled)
            waitpid(s->pid, NULL, 0);
    }
    return failed;
}

void op_spawn(struct subj_ctx *cx, const struct subj_msg *m, struct subj_rep *rep)
{
    struct spawn_run s = {.go = {-1, -1}, .ex = {-1, -1}, .cap = {-1, -1}, .tr = {-1, -1}};
    if (spawn_unpack(m, &s) < 0) {
        rep->ret = -1;
        rep->err = EINVAL;
        s.out.failed = SPAWN_FAILED_START;
        subj_rep_set(rep, &s.out, sizeof s.out);
        return;
    }
    int err = spawn_start(cx, &s, rep);
    if (err) {
        rep->ret = -1;
        rep->err = err;
    } else {
        if (s.a.io == SPAWN_JOB && s.a.builtin &&
            (strcmp(s.argv[0], "sleep") == 0 || strcmp(s.argv[0], "init") == 0))
            wait_until_asleep(cx, s.out.host_pid);
        if (s.a.io != SPAWN_JOB && s.a.io != SPAWN_SUBJECT)
            s.out.status = wait_foreground(cx, s.pid, s.a.io,
                                           s.a.io == SPAWN_CAPTURE ? s.cap[0] : -1, &rep->data);
        rep->ret = s.pid;
    }
    if (s.tty_given)
        spawn_tty_back(cx, &s, rep->ret > 0);
    subj_rep_set(rep, &s.out, sizeof s.out);
    for (int k = 0; k < 2; k++) {
        close_pair_end(&s.go[k]);
        close_pair_end(&s.ex[k]);
        close_pair_end(&s.cap[k]);
        close_pair_end(&s.tr[k]);
    }
}
