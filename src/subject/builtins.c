#define _GNU_SOURCE
/* Builtin programs for spawn. Each runs as a fresh exec of nslab's own
 * binary (see builtin_main), in the spawned child's namespaces, and can
 * report events to the shell through evt_fd. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/sysinfo.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "subject/subject.h"

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
    snprintf(ev.fmt, sizeof ev.fmt, "%s", fmt);
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

#define SLEEP_MAX (365.0 * 86400)
#define ORPHAN_MAX 3600

/* Seconds as `sleep` takes them: digits with at most one '.', so 2, 0.2 and
 * .5 (no sign, exponent, hex, inf or nan), from 0 to max. */
static int parse_seconds(const char *s, double max, double *out)
{
    size_t digits = 0, dots = 0;
    for (const char *p = s; *p; p++) {
        if (*p >= '0' && *p <= '9')
            digits++;
        else if (*p == '.')
            dots++;
        else
            return -1;
    }
    if (digits == 0 || dots > 1)
        return -1;
    double v = strtod(s, NULL);
    if (!(v >= 0 && v <= max))
        return -1;
    *out = v;
    return 0;
}

static int builtin_sleep(int argc, char **argv, int evt_fd)
{
    double secs = -1;
    if (argc > 2 || (argc == 2 && parse_seconds(argv[1], SLEEP_MAX, &secs) < 0))
        return 2;
    if (secs < 0) {
        for (;;)
            pause();
    }
    struct timespec ts = {.tv_sec = (time_t)secs,
                          .tv_nsec = (long)((secs - (double)(time_t)secs) * 1e9)};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
    return 0;
}

/* --- escape ------------------------------------------------------------- */

/* The classic way out of a chroot: chroot(2) into a subdirectory while the
 * working directory stays where it is, above the new root; the kernel stops
 * a ".." walk only at the process's root or at the root of the mount
 * namespace's tree, and the walk from there never meets the new root, so
 * chdir("..") climbs to the top; chroot(".") makes that the root. After
 * pivot_root in a mount namespace of its own, with the old root unmounted,
 * the top is the new root itself: there is nothing above to climb to.
 * Then it stays (SECONDS, or until killed), so /proc/PID/root can be read. */
static int builtin_escape(int argc, char **argv, int evt_fd)
{
    double secs = -1;
    if (argc > 2 || (argc == 2 && parse_seconds(argv[1], SLEEP_MAX, &secs) < 0))
        return 2;
    struct stat before, a, b;
    char sub[256] = "";
    DIR *d = opendir("/");
    struct dirent *de;
    while (d && !*sub && (de = readdir(d))) {
        struct stat st;
        char p[300];
        snprintf(p, sizeof p, "/%s", de->d_name);
        if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0 && lstat(p, &st) == 0 &&
            S_ISDIR(st.st_mode) && strlen(p) < sizeof sub)
            snprintf(sub, sizeof sub, "%s", p);
    }
    if (d)
        closedir(d);
    if (stat("/", &before) < 0 || !*sub) {
        report(evt_fd, "escape: no directory in / to chroot into");
        builtin_ready();
        return 1;
    }
    if (chdir("/") < 0 || chroot(sub) < 0) {
        report(evt_fd, "escape: chroot(\"%s\") = -1 %s (%s)", sub, errno_name(errno),
               strerror(errno));
        builtin_ready();
        return 1;
    }
    int levels = 0;
    for (int k = 0; k < 256 && stat(".", &a) == 0 && chdir("..") == 0 && stat(".", &b) == 0; k++) {
        if (a.st_dev == b.st_dev && a.st_ino == b.st_ino)
            break;
        levels++;
    }
    int rc = chroot(".");
    struct stat after;
    bool moved = rc == 0 && stat("/", &after) == 0 &&
                 (after.st_dev != before.st_dev || after.st_ino != before.st_ino);
    if (moved)
        report(evt_fd,
               "escape: out: chroot(\"%s\") with the working directory left above it, "
               "chdir(\"..\") climbed %d level%s above the old root, chroot(\".\") made that the "
               "root",
               sub, levels, levels == 1 ? "" : "s");
    else
        report(evt_fd,
               "escape: still inside: chdir(\"..\") from the old root climbed %d levels (it is "
               "the top of this mount namespace's tree), so chroot(\".\") left the root where it "
               "was",
               levels);
    builtin_ready();
    if (secs < 0) {
        for (;;)
            pause();
    }
    sleep_ms((long)(secs * 1000));
    return moved ? 0 : 1;
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
    if (names.len)
        report(evt_fd, "init: PID %d, handling %s; every other signal keeps its default",
               (int)getpid(), sb_str(&names));
    else
        report(evt_fd, "init: PID %d, handling no signal; every signal keeps its default",
               (int)getpid());
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
    if (argc > 2 || (argc == 2 && parse_long(argv[1], 0, ORPHAN_MAX, &secs) < 0))
        return 2;
    pid_t parent = getpid(); /* read before fork: the parent may be gone soon */
    pid_t kid = fork();
    if (kid < 0)
        return 1;
    if (kid == 0) {
        prctl(PR_SET_NAME, "orphan-child");
        sleep_ms(200);
        pid_t adopter = getppid();
        report(evt_fd, "orphan-child: pid %d here; my parent was pid %d, now it is pid %d",
               (int)getpid(), (int)parent, (int)adopter);
        /* Die with the adopter (nslab's shell, a child subreaper, or a PID
         * namespace's init): a SIGKILLed nslab leaves no orphan-child
         * behind. If it died before this, end now. */
        if (adopter != parent) {
            prctl(PR_SET_PDEATHSIG, SIGKILL);
            if (getppid() != adopter)
                return 0;
        }
        sleep_ms(secs * 1000 > 200 ? secs * 1000 - 200 : 0);
        return 0;
    }
    report(evt_fd, "orphan: forked pid %d and exits, leaving it an orphan", (int)kid);
    return 0;
}

/* --- stress: loads that show what cgroup limits do ---------------------------- */

#define STRESS_FORK_MAX 1000
#define STRESS_CPU_MAX 3600

/* SIZE for stress mem: at most half the machine's memory, so a mistyped
 * size cannot push the whole machine into swap or its OOM killer. */
static int stress_mem_size(const char *text, uint64_t *out)
{
    bool is_max;
    struct sysinfo si;
    if (parse_size(text, out, &is_max) < 0 || is_max || *out == 0)
        return -1;
    if (sysinfo(&si) == 0 && *out > (uint64_t)si.totalram * si.mem_unit / 2)
        return -2;
    return 0;
}

/* Allocate SIZE and touch every page, so the memory is really charged to
 * the cgroup (an untouched mapping costs nothing). Over a memory limit the
 * kernel first reclaims, then its OOM killer ends this process (SIGKILL),
 * which memory.events / memory.oom_control count as oom_kill. */
static int stress_mem(const char *size_text, int evt_fd)
{
    uint64_t size;
    if (stress_mem_size(size_text, &size) < 0)
        return 2;
    long page = sysconf(_SC_PAGESIZE);
    char *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                   -1, 0);
    if (p == MAP_FAILED) {
        report(evt_fd, "stress mem: mmap of %s failed: %s", size_text, strerror(errno));
        return 1;
    }
    char total[32], done[32];
    format_size(size, SIZE_EXACT, total, sizeof total);
    report(evt_fd, "stress mem: allocating %s, touching it page by page", total);
    uint64_t step = size / 4, next = step;
    for (uint64_t off = 0; off < size; off += (uint64_t)page) {
        p[off] = 1;
        if (off + (uint64_t)page >= next && next < size) {
            format_size(next, SIZE_EXACT, done, sizeof done);
            report(evt_fd, "stress mem: %s of %s touched", done, total);
            next += step;
        }
    }
    report(evt_fd, "stress mem: all %s touched and held (kill the job to free it)", total);
    for (;;)
        pause();
}

static double seconds_of(clockid_t clk)
{
    struct timespec ts;
    clock_gettime(clk, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Spin for SECONDS of wall-clock time, then say how much CPU time that
 * bought: under a cpu quota the difference is the throttling; beside a
 * sibling with another weight, it is the share. */
static int stress_cpu(int argc, char **argv, int evt_fd)
{
    long secs, cpu = -1;
    if (parse_long(argv[2], 1, STRESS_CPU_MAX, &secs) < 0 ||
        (argc == 4 && parse_long(argv[3], 0, CPU_SETSIZE - 1, &cpu) < 0))
        return 2;
    if (cpu >= 0) {
        cpu_set_t set;
        CPU_ZERO(&set);
        CPU_SET((int)cpu, &set);
        if (sched_setaffinity(0, sizeof set, &set) < 0) {
            report(evt_fd, "stress cpu: cannot run on CPU %ld only: %s", cpu, strerror(errno));
            return 1;
        }
    }
    if (cpu >= 0)
        report(evt_fd, "stress cpu: spinning for %ld s on CPU %ld", secs, cpu);
    else
        report(evt_fd, "stress cpu: spinning for %ld s", secs);
    double t0 = seconds_of(CLOCK_MONOTONIC), c0 = seconds_of(CLOCK_PROCESS_CPUTIME_ID);
    volatile unsigned long spin = 0;
    double wall;
    while ((wall = seconds_of(CLOCK_MONOTONIC) - t0) < (double)secs)
        for (int k = 0; k < 10000; k++)
            spin++;
    double used = seconds_of(CLOCK_PROCESS_CPUTIME_ID) - c0;
    report(evt_fd, "stress cpu: done: %.2f s of CPU in %.2f s, %.0f%% of one CPU", used, wall,
           100 * used / wall);
    return 0;
}

static volatile sig_atomic_t stress_stop, stress_chld;

static void stress_on_signal(int sig)
{
    if (sig == SIGCHLD)
        stress_chld = 1;
    else
        stress_stop = sig;
}

/* Fork N children that only sleep. Under pids.max the kernel refuses a
 * fork with EAGAIN once the cgroup holds that many processes (pids.events
 * counts it). The children die with this process (PR_SET_PDEATHSIG), and
 * on SIGTERM, SIGINT or SIGHUP it kills and reaps them first. */
static int stress_fork(const char *ntext, int evt_fd)
{
    long n;
    if (parse_long(ntext, 1, STRESS_FORK_MAX, &n) < 0)
        return 2;
    struct sigaction sa = {.sa_handler = stress_on_signal};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    sigaction(SIGCHLD, &sa, NULL);
    pid_t self = getpid();
    pid_t *kids = xcalloc((size_t)n, sizeof *kids);
    long made = 0;
    for (; made < n && !stress_stop; made++) {
        pid_t k = fork();
        if (k == 0) {
            prctl(PR_SET_PDEATHSIG, SIGKILL);
            if (getppid() != self)
                _exit(0);
            prctl(PR_SET_NAME, "stress-child");
            for (;;)
                pause();
        }
        if (k < 0) {
            int err = errno;
            if (err == EAGAIN)
                report(evt_fd, "stress fork: fork number %ld failed: %s (%s), the pids limit of a "
                       "cgroup (or RLIMIT_NPROC); holding the %ld made", made + 1, strerror(err),
                       errno_name(err), made);
            else
                report(evt_fd, "stress fork: fork number %ld failed: %s (%s); holding the %ld made",
                       made + 1, strerror(err), errno_name(err), made);
            break;
        }
        kids[made] = k;
    }
    if (made == n)
        report(evt_fd, "stress fork: forked all %ld children; holding them", n);
    long alive = made;
    while (!stress_stop) {
        pause();
        if (stress_chld) {
            stress_chld = 0;
            while (waitpid(-1, NULL, WNOHANG) > 0)
                alive--;
        }
    }
    for (long k = 0; k < made; k++)
        kill(kids[k], SIGKILL);
    long reaped = 0;
    while (waitpid(-1, NULL, 0) > 0)
        reaped++;
    report(evt_fd, "stress fork: caught SIG%s: killed and reaped its %ld children", 
           signal_name(stress_stop), reaped + (made - alive));
    free(kids);
    return 0;
}

#define STRESS_IO_MAX (1ULL << 30)
#define STRESS_IO_BLOCK (256 << 10)

/* Write SIZE bytes to PATH with O_DIRECT (past the page cache, so an io
 * throttle applies to the writes themselves), then say how fast it went. */
static int stress_io(const char *path, const char *size_text, int evt_fd)
{
    uint64_t size;
    bool is_max;
    if (parse_size(size_text, &size, &is_max) < 0 || is_max || size == 0 ||
        size > STRESS_IO_MAX)
        return 2;
    int fd = open(path, O_WRONLY | O_DIRECT | O_CLOEXEC);
    if (fd < 0) {
        report(evt_fd, "stress io: cannot open %s with O_DIRECT: %s", path, strerror(errno));
        return 1;
    }
    void *buf;
    if (posix_memalign(&buf, 4096, STRESS_IO_BLOCK) != 0) {
        close(fd);
        return 1;
    }
    memset(buf, 0x5a, STRESS_IO_BLOCK);
    char total[32];
    format_size(size, SIZE_EXACT, total, sizeof total);
    report(evt_fd, "stress io: writing %s to %s with O_DIRECT", total, path);
    double t0 = seconds_of(CLOCK_MONOTONIC);
    uint64_t done = 0;
    int rc = 0;
    while (done < size) {
        size_t n = size - done < STRESS_IO_BLOCK ? (size_t)(size - done) : STRESS_IO_BLOCK;
        n = (n + 511) & ~(size_t)511;
        ssize_t w = write(fd, buf, n);
        if (w <= 0) {
            report(evt_fd, "stress io: write at %llu failed: %s", (unsigned long long)done,
                   w < 0 ? strerror(errno) : "nothing written");
            rc = 1;
            break;
        }
        done += (uint64_t)w;
    }
    double secs = seconds_of(CLOCK_MONOTONIC) - t0;
    free(buf);
    close(fd);
    char d[32], rate[32];
    format_size(done, SIZE_EXACT, d, sizeof d);
    format_size(secs > 0 ? (uint64_t)((double)done / secs) : done, SIZE_ROUNDED, rate,
                sizeof rate);
    report(evt_fd, "stress io: wrote %s in %.2f s: %s/s (%llu bytes/s)", d, secs, rate,
           secs > 0 ? (unsigned long long)((double)done / secs) : 0ULL);
    return rc;
}

static int builtin_stress(int argc, char **argv, int evt_fd)
{
    if (argc == 4 && strcmp(argv[1], "io") == 0)
        return stress_io(argv[2], argv[3], evt_fd);
    if (argc >= 3 && strcmp(argv[1], "mem") == 0 && argc == 3)
        return stress_mem(argv[2], evt_fd);
    if (argc >= 3 && strcmp(argv[1], "cpu") == 0 && argc <= 4)
        return stress_cpu(argc, argv, evt_fd);
    if (argc == 3 && strcmp(argv[1], "fork") == 0)
        return stress_fork(argv[2], evt_fd);
    return 2;
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
    {"escape", builtin_escape, "escape [SECONDS]", true},
    {"stress", builtin_stress, "stress mem SIZE | stress cpu SECONDS [CPU] | stress fork N | stress io PATH SIZE", false},
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

const char *builtin_name(size_t k)
{
    return k < ARRAY_SIZE(builtins) ? builtins[k].name : NULL;
}

const char *builtin_usage(const char *name)
{
    const struct builtin *b = builtin_get(name);
    return b ? b->usage : NULL;
}

static int stress_check(int argc, char **argv, const char *usage, struct nsl_err *e)
{
    const char *what = argc >= 2 ? argv[1] : "";
    long n;
    uint64_t size;
    if (strcmp(what, "mem") == 0 && argc == 3) {
        int r = stress_mem_size(argv[2], &size);
        if (r == -2)
            return nsl_fail(e, ERANGE, "stress mem %s: more than half of this machine's memory; "
                                       "a cgroup limit shows its effect with far less (e.g. "
                                       "200M against a 64M limit)", argv[2]);
        if (r < 0)
            return nsl_usage(e,
                             "stress mem SIZE: SIZE is bytes with K, M or G (e.g. "
                             "100M), not '%s'",
                             argv[2]);
        return 0;
    }
    if (strcmp(what, "cpu") == 0 && (argc == 3 || argc == 4)) {
        if (parse_long(argv[2], 1, STRESS_CPU_MAX, &n) < 0)
            return nsl_usage(e, "stress cpu SECONDS [CPU]: SECONDS from 1 to %d, not '%s'",
                             STRESS_CPU_MAX, argv[2]);
        long ncpu = sysconf(_SC_NPROCESSORS_CONF);
        if (argc == 4 && (parse_long(argv[3], 0, ncpu > 0 ? ncpu - 1 : 0, &n) < 0))
            return nsl_usage(e, "stress cpu: CPU is a CPU number from 0 to %ld, not '%s'", ncpu - 1,
                             argv[3]);
        return 0;
    }
    if (strcmp(what, "fork") == 0 && argc == 3) {
        if (parse_long(argv[2], 1, STRESS_FORK_MAX, &n) < 0)
            return nsl_usage(e,
                             "stress fork N: N from 1 to %d (bounded, so a typo cannot "
                             "fill the machine's PID space), not '%s'",
                             STRESS_FORK_MAX, argv[2]);
        return 0;
    }
    if (strcmp(what, "io") == 0 && argc == 4) {
        bool is_max;
        if (parse_size(argv[3], &size, &is_max) < 0 || is_max || size == 0 ||
            size > STRESS_IO_MAX)
            return nsl_usage(e, "stress io PATH SIZE: SIZE is bytes with K, M or G, from 1 to "
                                "1G (e.g. 8M), not '%s'", argv[3]);
        return 0;
    }
    return nsl_usage(e, "usage: spawn %s", usage);
}

int builtin_check(int argc, char **argv, struct nsl_err *e)
{
    const char *usage = builtin_usage(argv[0]);
    long n;
    double secs;
    bool ok = true;
    if (strcmp(argv[0], "sleep") == 0 || strcmp(argv[0], "escape") == 0) {
        if (argc > 2 || (argc == 2 && parse_seconds(argv[1], SLEEP_MAX, &secs) < 0))
            return nsl_usage(e,
                             "usage: spawn %s (SECONDS: from 0 to a year, fractions allowed, "
                             "e.g. 0.2; none sleeps until killed), not '%s'",
                             usage, argc > 2 ? argv[2] : argv[1]);
        return 0;
    }
    if (strcmp(argv[0], "orphan") == 0) {
        if (argc > 2 || (argc == 2 && parse_long(argv[1], 0, ORPHAN_MAX, &n) < 0))
            return nsl_usage(e,
                             "usage: spawn %s (SECONDS: whole seconds from 0 to %d, the "
                             "orphan's life; default 5), not '%s'",
                             usage, ORPHAN_MAX, argc > 2 ? argv[2] : argv[1]);
        return 0;
    }
    if (strcmp(argv[0], "init") == 0) {
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
    if (strcmp(argv[0], "stress") == 0)
        return stress_check(argc, argv, usage, e);
    if (!ok)
        return nsl_usage(e,
                         "usage: spawn %s (SIG: a name or number; not KILL, STOP or "
                         "CHLD, which no handler can take or init needs)",
                         usage);
    return 0;
}
