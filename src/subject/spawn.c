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

#include "subject/subject.h"
#include "i18n.h"

#define CAPTURE_MAX (1024 * 1024)

enum { SPAWN_STAGE_SETUP = 1, SPAWN_STAGE_EXEC };

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

static int child_setup(struct subj_ctx *cx, int flags, struct trace *t)
{
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

static void child_reset_signals(void)
{
    sigset_t all;
    sigemptyset(&all);
    sigprocmask(SIG_SETMASK, &all, NULL);
    for (int s = 1; s < NSIG; s++)
        if (s != SIGKILL && s != SIGSTOP)
            signal(s, SIG_DFL);
}

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
        child_reset_signals();
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

void op_spawn(struct subj_ctx *cx, const struct subj_msg *m, struct subj_rep *rep)
{
    int flags = (int)m->i[0];
    /* The last i[4] strings are cgroup.procs files the child must be in
     * before it runs anything (spawn --cg); argv is what comes before. */
    int ncg = m->i[4] > 0 && m->i[4] < m->nstr ? (int)m->i[4] : 0;
    int argc = m->nstr - ncg;
    char **argv = m->str;
    char *cgprocs[SUBJ_NI];
    if (ncg > SUBJ_NI)
        ncg = argc = 0; /* refused below */
    for (int c = 0; c < ncg; c++)
        cgprocs[c] = m->str[argc + c];
    if (ncg)
        argv[argc] = NULL; /* execvp needs the end of argv marked */
    enum spawn_io io = (enum spawn_io)m->i[1];
    bool builtin = m->i[3] != 0;
    builtin_fn fn = builtin ? builtin_find(argv[0]) : NULL;
    int go[2] = {-1, -1}, ex[2] = {-1, -1}, cap[2] = {-1, -1}, tr[2] = {-1, -1};
    bool tty_given = false;
    uid_t uid = geteuid();
    gid_t gid = getegid();

    if (argc < 1 || (builtin && !fn)) {
        rep->ret = -1;
        rep->err = EINVAL;
        return;
    }
    if (pipe2(go, O_CLOEXEC) < 0 || pipe2(ex, O_CLOEXEC) < 0 || pipe2(tr, O_CLOEXEC) < 0 ||
        (io == SPAWN_CAPTURE && pipe2(cap, O_CLOEXEC) < 0)) {
        rep->ret = -1;
        rep->err = errno;
        goto out;
    }

    struct strbuf a = {0};
    const char *call = "clone3";
    sb_append(&a, "{flags=");
    clone_flags_format(flags, &a);
    sb_append(&a, ", exit_signal=SIGCHLD}");
    /* clone3(2), like fork(2) but with CLONE_NEW* flags: the child is born
     * in the new namespaces. Not clone(2): there CLONE_NEWTIME collides with
     * the exit-signal byte. */
    struct clone_args3 ca = {.flags = (uint64_t)(unsigned)flags, .exit_signal = SIGCHLD};
    pid_t pid = (pid_t)syscall(SYS_clone3, &ca, sizeof ca);
    if (pid < 0 && errno == ENOSYS && !(flags & CLONE_NEWTIME)) {
        /* Kernels before 5.3 (and valgrind) lack clone3: say so in the
         * trace, then use clone(2), which takes the same flags but time. */
        trace_add(&rep->trace, "clone3", -1, ENOSYS, 0, "%s", sb_str(&a));
        sb_reset(&a);
        clone_flags_format(flags | SIGCHLD, &a);
        pid = (pid_t)syscall(SYS_clone, (unsigned long)(flags | SIGCHLD), NULL, NULL, NULL, NULL);
        call = "clone";
    }
    if (pid == 0) {
        close(cx->ctl);
        close(cx->sfd);
        close(go[1]);
        close(ex[0]);
        close(tr[0]);
        child_reset_signals();
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        setpgid(0, 0);
        char c;
        if (read(go[0], &c, 1) != 1)
            _exit(126);
        if (cap[1] >= 0)
            close(cap[0]);
        /* Set-up inside the new namespaces; its trace goes back through tr. */
        struct trace ct = {0};
        int st[2] = {SPAWN_STAGE_SETUP, child_setup(cx, flags, &ct)};
        struct strbuf packed = {0};
        trace_pack(&ct, &packed);
        if (write(tr[1], packed.buf, packed.len) < 0) {
            /* the parent then shows no set-up lines */
        }
        close(tr[1]);
        sb_free(&packed);
        trace_free(&ct);
        if (st[1] == 0) {
            st[0] = SPAWN_STAGE_EXEC;
            child_stdio(io, cap[1], cx->sh);
            i18n_restore_env();
            if (fn) {
                /* The event socket stays open across this exec, and so does
                 * a copy of ex's write end: the builtin closes it once it is
                 * set up (init: its handlers installed), which is when spawn
                 * returns, so no signal can overtake the set-up. */
                int efd = fcntl(cx->evt, F_DUPFD, 10);
                int rfd = fcntl(ex[1], F_DUPFD, 10);
                char num[16];
                snprintf(num, sizeof num, "%d", efd);
                setenv(BUILTIN_ENV, "1", 1);
                setenv(BUILTIN_EVT_ENV, num, 1);
                snprintf(num, sizeof num, "%d", rfd);
                setenv(BUILTIN_READY_ENV, num, 1);
                syscall(SYS_execveat, cx->sh->exe_fd, "", argv, environ, AT_EMPTY_PATH);
            } else {
                close(cx->evt);
                execvp(argv[0], argv);
            }
            st[1] = errno;
        }
        if (write(ex[1], st, sizeof st) < 0) {
            /* the parent will see EOF and a 127 exit */
        }
        _exit(127);
    }
    close(tr[1]);
    tr[1] = -1;
    int clone_err = errno;
    trace_add(&rep->trace, call, pid, clone_err, TRACE_RET_PID, "%s", sb_str(&a));
    sb_free(&a);
    if (pid < 0) {
        rep->ret = -1;
        rep->err = clone_err;
        goto out;
    }
    close(go[0]);
    go[0] = -1;
    close(ex[1]);
    ex[1] = -1;
    if (cap[1] >= 0) {
        close(cap[1]);
        cap[1] = -1;
    }

    /* The namespaces it was born in, before it runs anything (its program
     * may enter or make others): the shell holds those the session made. */
    if (flags & (CLONE_NEWNS | CLONE_NEWUTS)) {
        struct stat st;
        char rel[64];
        snprintf(rel, sizeof rel, "%d/ns/mnt", (int)pid);
        if ((flags & CLONE_NEWNS) && fstatat(cx->sh->procfd, rel, &st, 0) == 0)
            rep->i[3] = (int64_t)st.st_ino;
        snprintf(rel, sizeof rel, "%d/ns/uts", (int)pid);
        if ((flags & CLONE_NEWUTS) && fstatat(cx->sh->procfd, rel, &st, 0) == 0)
            rep->i[4] = (int64_t)st.st_ino;
    }
    int failed = 0;
    if ((flags & CLONE_NEWUSER) && m->i[2]) {
        char who[32];
        snprintf(who, sizeof who, "%d", pid);
        failed = subj_write_id_map(cx, &rep->trace, who, uid, gid);
    }
    /* Into its cgroups while it still waits for "go": it runs nothing
     * before it is in them, and everything it forks is born there too. */
    bool cg_failed = false;
    for (int c = 0; c < ncg && !failed; c++) {
        char who[32];
        snprintf(who, sizeof who, "%d", pid);
        if (sys_write_file(&rep->trace, cgprocs[c], who) < 0) {
            failed = errno;
            cg_failed = true;
            rep->i[2] = c + 1; /* which one refused */
        }
    }
    /* Its own process group, set here and in the child (whichever runs
     * first), as a shell with job control does; a foreground program also
     * gets the terminal before it is released, so Ctrl-C and Ctrl-Z at the
     * terminal go to it and not to nslab. */
    setpgid(pid, pid);
    /* Only when nslab holds the terminal (not started in the background). */
    if (io == SPAWN_TTY && isatty(0) && tcgetpgrp(0) == cx->shell_pgrp && !cg_failed)
        tty_given = tcsetpgrp(0, pid) == 0;

    /* Not released when it could not be placed: it exits unrun. */
    if (!cg_failed && write(go[1], "g", 1) != 1)
        failed = errno;
    close(go[1]);
    go[1] = -1;

    bool cancelled = false;
    {
        /* What the child did inside its namespaces before exec. */
        struct strbuf packed = {0};
        char buf[4096];
        ssize_t r;
        for (;;) {
            if (!wait_readable(cx, tr[0], pid, &cancelled))
                break;
            r = read(tr[0], buf, sizeof buf);
            if (r < 0 && errno == EINTR)
                continue;
            if (r <= 0)
                break;
            sb_appendn(&packed, buf, (size_t)r);
        }
        if (packed.len)
            trace_unpack(&rep->trace, packed.buf, packed.len);
        sb_free(&packed);
    }
    int stage[2] = {0, 0};
    ssize_t n;
    /* The ready wait: exec done, or a builtin set up. */
    do {
        n = wait_readable(cx, ex[0], pid, &cancelled) ? read(ex[0], stage, sizeof stage) : 0;
    } while (n < 0 && errno == EINTR);
    if (cancelled && !failed)
        failed = EINTR;
    int exec_err = stage[1];
    if ((n == (ssize_t)sizeof stage && stage[0] == SPAWN_STAGE_SETUP) || cg_failed) {
        /* The failed call (set-up, or a cgroup.procs write) is in the
         * trace already. */
    } else if (cancelled) {
        trace_note(&rep->trace, "interrupted (SIGINT) before it was ready: pid %d was killed",
                   (int)pid);
    } else {
        struct strbuf args = {0};
        for (int k = 0; k < argc && k < 8; k++) {
            cleanup_free char *q = str_quoted(argv[k]);
            sb_printf(&args, "%s%s", k ? ", " : "", q);
        }
        if (argc > 8)
            sb_append(&args, ", ...");
        if (builtin)
            trace_add(&rep->trace, "execveat", n == (ssize_t)sizeof stage ? -1 : 0, exec_err, 0,
                      "nslab's own binary, [%s] (builtin %s)", sb_str(&args), argv[0]);
        else
            trace_add(&rep->trace, "execvp", n == (ssize_t)sizeof stage ? -1 : 0, exec_err, 0,
                      "\"%s\", [%s]", argv[0], sb_str(&args));
        sb_free(&args);
    }

    rep->i[0] = pid;
    if (n == (ssize_t)sizeof stage || failed) {
        /* The child never ran the program: reap it here, no event. */
        kill(pid, SIGKILL);
        /* Not when cancelled: a frozen child cannot die yet; the subject's
         * loop reaps it when it does. */
        if (!cancelled)
            waitpid(pid, NULL, 0);
        rep->ret = -1;
        rep->err = n == (ssize_t)sizeof stage ? exec_err : failed;
        goto out;
    }

    if (io == SPAWN_JOB && builtin &&
        (strcmp(argv[0], "sleep") == 0 || strcmp(argv[0], "init") == 0))
        wait_until_asleep(cx, pid);
    if (io != SPAWN_JOB) {
        int st = wait_foreground(cx, pid, io, io == SPAWN_CAPTURE ? cap[0] : -1, &rep->data);
        rep->i[1] = st;
    }
    rep->ret = pid;
out:
    if (tty_given) {
        /* Back to nslab, however the program ended, stopped or failed to
         * start (the shell checks again before it reads its next line). */
        tcsetpgrp(0, cx->shell_pgrp);
        /* After the ^C or ^Z the terminal echoed, a new line (as bash). */
        int st = (int)rep->i[1];
        if (rep->ret > 0 && (WIFSTOPPED(st) || (WIFSIGNALED(st) && (WTERMSIG(st) == SIGINT ||
                                                                    WTERMSIG(st) == SIGQUIT))))
            if (write(1, "\n", 1) < 0) {
                /* the terminal is gone: nothing to tidy */
            }
    }
    for (int k = 0; k < 2; k++) {
        if (go[k] >= 0)
            close(go[k]);
        if (ex[k] >= 0)
            close(ex[k]);
        if (cap[k] >= 0)
            close(cap[k]);
        if (tr[k] >= 0)
            close(tr[k]);
    }
}
