#define _GNU_SOURCE
/* Builtin programs for spawn. Each runs as a fresh exec of nslab's own
 * binary (see builtin_main), in the spawned child's namespaces, and can
 * report events to the shell through evt_fd. */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "subject.h"

/* Report one line to the shell ("reaped pid 7 (exit 0)"); the shell puts the
 * job in front of it. Async-signal-safe use is not needed: only called from
 * the main loops. */
static void report(int evt_fd, const char *fmt, ...) PRINTF(2, 3);
static void report(int evt_fd, const char *fmt, ...)
{
    if (evt_fd < 0)
        return;
    struct subj_event ev = {.kind = EV_TEXT, .pid = getpid()};
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ev.text, sizeof ev.text, fmt, ap);
    va_end(ap);
    if (send(evt_fd, &ev, sizeof ev, MSG_NOSIGNAL) < 0) {
        /* the shell is gone: nobody to tell */
    }
}

/* Closed when the builtin is set up: spawn returns then (see op_spawn). */
static int ready_fd = -1;

static void builtin_ready(void)
{
    if (ready_fd >= 0)
        close(ready_fd);
    ready_fd = -1;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL); /* an interrupting signal ends it early, on purpose */
}

static int builtin_sleep(int argc, char **argv, int evt_fd)
{
    long secs = -1;
    if (argc > 2 || (argc == 2 && parse_long(argv[1], 0, 365L * 86400, &secs) < 0))
        return 2;
    if (secs < 0) {
        for (;;)
            pause();
    }
    struct timespec ts = {.tv_sec = secs};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
    return 0;
}

/* --- init --------------------------------------------------------------- */

static volatile sig_atomic_t init_caught;

static void init_on_signal(int sig)
{
    init_caught = sig;
}

static bool ends_init(int sig)
{
    return sig == SIGTERM || sig == SIGINT || sig == SIGHUP || sig == SIGQUIT;
}

/* Parse "TERM,USR1" into a set; -1 on an unknown name. */
static int parse_traps(const char *list, sigset_t *set)
{
    cleanup_free char *copy = xstrdup(list);
    char *save = NULL;
    for (char *w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
        int sig = parse_signal(w);
        if (sig < 0 || sig == SIGKILL || sig == SIGSTOP || sig == SIGCHLD)
            return -1;
        sigaddset(set, sig);
    }
    return 0;
}

/* A PID 1 for a PID namespace. It reaps every child (so zombies never pile
 * up), and it installs handlers only for the signals named in --trap. Every
 * other signal keeps its default disposition and stays unblocked: the kernel
 * then drops it for a namespace's init (pid_namespaces(7)), which is the rule
 * this builtin exists to show. Blocking them (sigwait, signalfd) would queue
 * them instead and hide the rule. */
static int builtin_init(int argc, char **argv, int evt_fd)
{
    sigset_t traps;
    sigemptyset(&traps);
    for (int k = 1; k < argc; k++) {
        const char *list = NULL;
        if (strcmp(argv[k], "--trap") == 0 && k + 1 < argc)
            list = argv[++k];
        else if (strncmp(argv[k], "--trap=", 7) == 0)
            list = argv[k] + 7;
        if (!list || parse_traps(list, &traps) < 0)
            return 2;
    }
    struct sigaction sa = {.sa_handler = init_on_signal};
    sigemptyset(&sa.sa_mask);
    struct strbuf names = {0};
    for (int sig = 1; sig < NSIG; sig++) {
        if (sigismember(&traps, sig) == 1) {
            sigaction(sig, &sa, NULL); /* no SA_RESTART: waitpid returns */
            sb_printf(&names, "%sSIG%s", names.len ? "," : "", signal_name(sig));
        }
    }
    report(evt_fd, "init: PID %d, handling %s; every other signal keeps its default", (int)getpid(),
           names.len ? sb_str(&names) : "no signal");
    sb_free(&names);
    builtin_ready();

    for (;;) {
        int caught = init_caught;
        if (caught) {
            init_caught = 0;
            if (ends_init(caught)) {
                report(evt_fd, "caught SIG%s: its handler exits cleanly", signal_name(caught));
                return 0;
            }
            report(evt_fd, "caught SIG%s: handled, still running", signal_name(caught));
        }
        int st;
        pid_t p = waitpid(-1, &st, 0);
        if (p > 0) {
            if (WIFSIGNALED(st))
                report(evt_fd, "reaped pid %d (killed by SIG%s)", (int)p, signal_name(WTERMSIG(st)));
            else
                report(evt_fd, "reaped pid %d (exit %d)", (int)p, WEXITSTATUS(st));
            continue;
        }
        if (errno == ECHILD) {
            /* No child now; orphans may be re-parented to us at any time.
             * Waiting for SIGCHLD would need a handler for it, so poll. */
            sleep_ms(100);
        }
    }
}

/* --- orphan ------------------------------------------------------------- */

/* Forks a grandchild and exits at once, so the grandchild is re-parented
 * to its PID namespace's init (or the nearest child subreaper), which must
 * reap it when it ends SECONDS later. */
static int builtin_orphan(int argc, char **argv, int evt_fd)
{
    long secs = 5;
    if (argc > 2 || (argc == 2 && parse_long(argv[1], 0, 3600, &secs) < 0))
        return 2;
    pid_t parent = getpid(); /* read before fork: the parent may be gone soon */
    pid_t kid = fork();
    if (kid < 0)
        return 1;
    if (kid == 0) {
        prctl(PR_SET_NAME, "orphan-child");
        sleep_ms(200);
        report(evt_fd, "orphan-child: pid %d here; my parent was pid %d, now it is pid %d",
               (int)getpid(), (int)parent, (int)getppid());
        sleep_ms(secs * 1000 > 200 ? secs * 1000 - 200 : 0);
        return 0;
    }
    report(evt_fd, "orphan: forked pid %d and exits, leaving it an orphan", (int)kid);
    return 0;
}

static const struct builtin {
    const char *name;
    builtin_fn fn;
    const char *usage;
    bool ready_late; /* calls builtin_ready() itself, once set up */
} builtins[] = {
    {"sleep", builtin_sleep, "sleep [SECONDS]", false},
    {"init", builtin_init, "init [--trap SIG,...]", true},
    {"orphan", builtin_orphan, "orphan [SECONDS]", false},
};

static const struct builtin *builtin_get(const char *name)
{
    for (size_t k = 0; k < ARRAY_SIZE(builtins); k++)
        if (strcmp(builtins[k].name, name) == 0)
            return &builtins[k];
    return NULL;
}

int builtin_main(int argc, char **argv)
{
    const struct builtin *b = builtin_get(argv[0]);
    const char *fdenv = getenv(BUILTIN_EVT_ENV);
    long evt = -1, ready = -1;
    if (!fdenv || parse_long(fdenv, 0, 1 << 20, &evt) < 0)
        evt = -1;
    fdenv = getenv(BUILTIN_READY_ENV);
    if (fdenv && parse_long(fdenv, 0, 1 << 20, &ready) == 0)
        ready_fd = (int)ready;
    unsetenv(BUILTIN_ENV);
    unsetenv(BUILTIN_EVT_ENV);
    unsetenv(BUILTIN_READY_ENV);
    if (!b) {
        builtin_ready();
        return 127;
    }
    if (!b->ready_late)
        builtin_ready();
    prctl(PR_SET_NAME, argv[0]);
    int rc = b->fn(argc, argv, (int)evt);
    builtin_ready();
    return rc;
}

builtin_fn builtin_find(const char *name)
{
    const struct builtin *b = builtin_get(name);
    return b ? b->fn : NULL;
}

const char *builtin_usage(const char *name)
{
    const struct builtin *b = builtin_get(name);
    return b ? b->usage : NULL;
}

int builtin_check(int argc, char **argv, struct nsl_err *e)
{
    const char *usage = builtin_usage(argv[0]);
    long n;
    bool ok = true;
    if (strcmp(argv[0], "sleep") == 0 || strcmp(argv[0], "orphan") == 0) {
        ok = argc <= 2 && (argc < 2 || parse_long(argv[1], 0, 365L * 86400, &n) == 0);
    } else if (strcmp(argv[0], "init") == 0) {
        for (int k = 1; k < argc && ok; k++) {
            const char *list = NULL;
            if (strcmp(argv[k], "--trap") == 0 && k + 1 < argc)
                list = argv[++k];
            else if (strncmp(argv[k], "--trap=", 7) == 0)
                list = argv[k] + 7;
            sigset_t set;
            sigemptyset(&set);
            ok = list && parse_traps(list, &set) == 0;
        }
    }
    if (!ok)
        return nsl_fail(e, EINVAL, "usage: spawn %s (SIG: a name or number; not KILL, STOP or "
                                   "CHLD, which no handler can take or init needs)", usage);
    return 0;
}
