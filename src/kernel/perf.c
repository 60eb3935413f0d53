#define _GNU_SOURCE
#include "kernel/perf.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

const char *const perf_keys[PERF_NWHAT] = {"task_clock_ns", "context_switches", "page_faults"};
const char *const perf_names[PERF_NWHAT] = {"task-clock", "context-switches", "page-faults"};
static const char *const perf_consts[PERF_NWHAT] = {
    "PERF_COUNT_SW_TASK_CLOCK", "PERF_COUNT_SW_CONTEXT_SWITCHES", "PERF_COUNT_SW_PAGE_FAULTS"};
static const unsigned long long perf_config[PERF_NWHAT] = {
    PERF_COUNT_SW_TASK_CLOCK, PERF_COUNT_SW_CONTEXT_SWITCHES, PERF_COUNT_SW_PAGE_FAULTS};

int perf_cpus_parse(const char *text, int *cpus, int max)
{
    int n = 0;
    const char *p = text;
    while (*p && *p != '\n') {
        char *end;
        errno = 0;
        long a = strtol(p, &end, 10), b;
        if (end == p || errno || a < 0 || a >= PERF_MAX_CPUS)
            return -1;
        b = a;
        p = end;
        if (*p == '-') {
            b = strtol(p + 1, &end, 10);
            if (end == p + 1 || b < a || b >= PERF_MAX_CPUS)
                return -1;
            p = end;
        }
        for (long c = a; c <= b; c++) {
            if (n == max)
                return -1;
            cpus[n++] = (int)c;
        }
        if (*p == ',')
            p++;
        else if (*p && *p != '\n')
            return -1;
    }
    return n ? n : -1;
}

static void close_all(int *fds, size_t n)
{
    for (size_t k = 0; k < n; k++)
        if (fds[k] >= 0)
            close(fds[k]);
}

/* Open the three counters of one CPU; traced only when t is given. */
static int open_cpu(struct trace *t, int cgfd, const char *dir, int cpu, int *fds)
{
    for (int w = 0; w < PERF_NWHAT; w++) {
        struct perf_event_attr a;
        memset(&a, 0, sizeof a);
        a.size = sizeof a;
        a.type = PERF_TYPE_SOFTWARE;
        a.config = perf_config[w];
        a.disabled = 1;
        a.read_format = PERF_FORMAT_TOTAL_TIME_ENABLED;
        fds[w] = (int)TRACED(t, "perf_event_open", 0,
                             syscall(SYS_perf_event_open, &a, cgfd, cpu, -1,
                                     PERF_FLAG_PID_CGROUP | PERF_FLAG_FD_CLOEXEC),
                             "{PERF_TYPE_SOFTWARE, %s}, %d (%s), cpu %d, -1, "
                             "PERF_FLAG_PID_CGROUP|PERF_FLAG_FD_CLOEXEC",
                             perf_consts[w], cgfd, dir, cpu);
        if (fds[w] < 0)
            return -1;
    }
    return 0;
}

static void sleep_ms(unsigned ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    /* a signal (Ctrl-C) ends the count early: the enabled time says so */
    nanosleep(&ts, NULL);
}

int perf_cgroup_count(struct trace *t, const char *dir, const char *online_path, unsigned ms,
                      struct perf_counts *out, struct nsl_err *e)
{
    memset(out, 0, sizeof *out);
    char text[4096];
    if (read_file_at(AT_FDCWD, online_path, text, sizeof text) < 0)
        return nsl_fail_errno(e, errno, "cannot read the online CPUs (%s)", online_path);
    cleanup_free int *cpus = xcalloc(PERF_MAX_CPUS, sizeof *cpus);
    int ncpu = perf_cpus_parse(text, cpus, PERF_MAX_CPUS);
    if (ncpu < 0)
        return nsl_fail(e, EINVAL, "%s does not hold a CPU list", online_path);
    int cgfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (cgfd < 0)
        return nsl_fail_errno(e, errno, "cannot open the cgroup directory %s", dir);
    size_t nfd = (size_t)ncpu * PERF_NWHAT;
    cleanup_free int *fds = xcalloc(nfd, sizeof *fds);
    for (size_t k = 0; k < nfd; k++)
        fds[k] = -1;
    for (int c = 0; c < ncpu; c++) {
        if (open_cpu(c == 0 ? t : NULL, cgfd, dir, cpus[c], fds + (size_t)c * PERF_NWHAT) == 0)
            continue;
        int err = errno;
        close_all(fds, nfd);
        close(cgfd);
        if (err == EBADF || err == ENOENT)
            return nsl_fail(e, err, "%s is in no perf_event hierarchy: the kernel counts a "
                                    "cgroup of a v1 perf_event hierarchy or of cgroup v2",
                            dir);
        return nsl_fail_errno(e, err, "perf_event_open on CPU %d for %s", cpus[c], dir);
    }
    close(cgfd);
    trace_note(t, "the same %d counters on each online CPU (%d in all: a cgroup is counted "
                  "per CPU), summed",
               PERF_NWHAT, ncpu);
    for (size_t k = 0; k < nfd; k++)
        ioctl(fds[k], PERF_EVENT_IOC_ENABLE, 0);
    trace_note(t, "ioctl(PERF_EVENT_IOC_ENABLE) on each; %u ms; ioctl(PERF_EVENT_IOC_DISABLE); "
                  "read(2) each",
               ms);
    sleep_ms(ms);
    for (size_t k = 0; k < nfd; k++)
        ioctl(fds[k], PERF_EVENT_IOC_DISABLE, 0);
    int r = 0;
    for (size_t k = 0; k < nfd; k++) {
        uint64_t buf[2];
        if (read(fds[k], buf, sizeof buf) != (ssize_t)sizeof buf) {
            r = nsl_fail_errno(e, errno ? errno : EIO, "cannot read a perf counter of %s", dir);
            break;
        }
        out->v[k % PERF_NWHAT] += buf[0];
        if (k == PERF_TASK_CLOCK)
            out->enabled_ns = buf[1];
    }
    out->ncpus = ncpu;
    close_all(fds, nfd);
    return r;
}
