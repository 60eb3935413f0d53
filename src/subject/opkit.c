#define _GNU_SOURCE
/* What every operation of the subject uses, below them all: building and
 * reading requests and replies (the generic half of the packing; each op's
 * own is beside it), helper children, ID maps, child events. subject.c
 * dispatches to the operations; the operations call only this file. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kernel/ps.h"
#include "subject/ops.h"
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

/* A nested subject's children: their PID here and in the host's view (the
 * shell knows only the latter). An entry goes when the exit is reported. */
static struct {
    pid_t local, host;
} host_map[256];
static size_t host_nmap;

static void host_map_add(pid_t local, pid_t host)
{
    for (size_t k = 0; k < host_nmap; k++)
        if (host_map[k].local == local) {
            host_map[k].host = host;
            return;
        }
    if (host_nmap == ARRAY_SIZE(host_map)) /* the oldest goes */
        memmove(host_map, host_map + 1, --host_nmap * sizeof host_map[0]);
    host_map[host_nmap].local = local;
    host_map[host_nmap++].host = host;
}

/* The host's PID of local, forgotten with forget; 0 when unknown. */
static pid_t host_map_find(pid_t local, bool forget)
{
    for (size_t k = 0; k < host_nmap; k++) {
        if (host_map[k].local != local)
            continue;
        pid_t host = host_map[k].host;
        if (forget)
            host_map[k] = host_map[--host_nmap];
        return host;
    }
    return 0;
}

int subj_nspid_at(struct subj_ctx *cx, pid_t host, int at, pid_t *local)
{
    char rel[32], buf[4096];
    pid_t v[PS_MAX_LEVELS];
    snprintf(rel, sizeof rel, "%d/status", (int)host);
    if (read_file_at(cx->sh->procfd, rel, buf, sizeof buf) < 0)
        return -1;
    int n = ps_parse_nspid(buf, v, PS_MAX_LEVELS);
    if (local)
        *local = at >= 0 && at < n ? v[at] : 0;
    return n - 1;
}

void subj_host_forget_all(void)
{
    host_nmap = 0;
}

void subj_host_note(struct subj_ctx *cx, pid_t host)
{
    pid_t local = host;
    if (cx->nested && subj_nspid_at(cx, host, cx->level, &local) < 0)
        return;
    if (cx->nested && local)
        host_map_add(local, host);
}

/* Its child local, looked up in the shell's /proc: the process whose
 * parent is this subject and whose NSpid holds local at this subject's
 * depth. */
static pid_t host_scan(struct subj_ctx *cx, pid_t local)
{
    int dfd = openat(cx->sh->procfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
    if (!d) {
        if (dfd >= 0)
            close(dfd);
        return 0;
    }
    pid_t found = 0;
    struct dirent *de;
    while (!found && (de = readdir(d))) {
        pid_t pid, at;
        char rel[300], buf[4096];
        if (parse_pid(de->d_name, &pid) < 0)
            continue;
        snprintf(rel, sizeof rel, "%s/status", de->d_name);
        if (read_file_at(cx->sh->procfd, rel, buf, sizeof buf) < 0)
            continue;
        const char *pp = strstr(buf, "\nPPid:");
        pid_t v[PS_MAX_LEVELS];
        int n = ps_parse_nspid(buf, v, PS_MAX_LEVELS);
        if (!pp || atoi(pp + 6) != cx->self_host || n <= cx->level)
            continue;
        at = v[cx->level];
        if (at == local)
            found = pid;
    }
    closedir(d);
    return found;
}

pid_t subj_host_pid(struct subj_ctx *cx, pid_t local)
{
    if (!cx->nested || local <= 0)
        return local;
    pid_t host = host_map_find(local, false);
    if (!host)
        host = host_scan(cx, local);
    if (host)
        host_map_add(local, host);
    return host;
}

void subj_child_event(struct subj_ctx *cx, pid_t pid, int status)
{
    int kind = WIFSTOPPED(status)     ? EV_STOPPED
               : WIFCONTINUED(status) ? EV_CONTINUED
                                      : EV_EXITED;
    /* The shell knows the host's PIDs only; a child it never heard of
     * (a foreground program) goes as 0. */
    if (cx->nested)
        pid = host_map_find(pid, kind == EV_EXITED);
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

void subject_signals(struct subj_ctx *cx)
{
    static const int ignored[] = {SIGINT, SIGQUIT, SIGTSTP, SIGTTOU, SIGTTIN, SIGPIPE, SIGHUP,
                                  SIGTERM};
    for (size_t k = 0; k < ARRAY_SIZE(ignored); k++)
        signal(ignored[k], SIG_IGN);
    sigset_t chld;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    /* The shell's "stop waiting" (SIGINT reached it during a request): read
     * where the subject waits on a child (spawn.c). */
    sigaddset(&chld, SIGUSR1);
    sigprocmask(SIG_BLOCK, &chld, NULL);
    if (cx->sfd < 0)
        cx->sfd = signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK);
}

void subj_exec_program(struct subj_ctx *cx, builtin_fn fn, int argc, char **argv, bool in_process,
                       int ready_fd)
{
    if (fn) {
        int efd = fcntl(cx->evt, F_DUPFD, 10);
        char num[16];
        snprintf(num, sizeof num, "%d", efd);
        setenv(BUILTIN_ENV, "1", 1);
        setenv(BUILTIN_EVT_ENV, num, 1);
        if (ready_fd >= 0) {
            int rfd = fcntl(ready_fd, F_DUPFD, 10);
            snprintf(num, sizeof num, "%d", rfd);
            setenv(BUILTIN_READY_ENV, num, 1);
        }
        if (in_process) {
            /* rfd is the ready end now; this copy would hold it open. */
            if (ready_fd >= 0)
                close(ready_fd);
            _exit(builtin_main(argc, argv));
        }
        syscall(SYS_execveat, cx->sh->exe_fd, "", argv, environ, AT_EMPTY_PATH);
        int err = errno;
        close(efd);
        errno = err;
    } else {
        int evt = fcntl(cx->evt, F_DUPFD_CLOEXEC, 10);
        close(cx->evt);
        execvp(argv[0], argv);
        int err = errno;
        /* A subject that stays (EXEC failed) keeps its event socket. */
        if (evt >= 0) {
            dup2(evt, cx->evt);
            close(evt);
        }
        errno = err;
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
