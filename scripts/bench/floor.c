/* The floor for nslab's per-step observation: a program that only reads the
 * files nslab's observation reads, the cheapest way, and nothing else.
 *
 *   floor [--spawn] PID STEPS [FILE...]
 *
 * Each step reads the ten links of /proc/PID/ns (relative to one directory
 * descriptor kept open, as the cheapest reader would) and every FILE, each
 * opened once and read again from offset 0 (cgroup and /proc files are
 * generated afresh by a read from the start: what a careful reader does
 * rather than open and close them every time). Exceptions, where the
 * cheap way would read something else than the kernel's state of the
 * moment: a v1 cgroup.procs or tasks is opened and closed every step (a
 * kept descriptor serves the PID list the kernel made at its open, for a
 * second), so is a mountinfo (a descriptor reads the mount namespace and
 * root the process had at its open, and nslab's subject changes both),
 * and a file of many records (mountinfo, cgroup.procs) is read
 * until a read returns 0 (the kernel ends a read at a page, so a short read
 * is not its end); a one-value file ends at a short read. It prints the
 * time per step of the fastest of 7 batches, in nanoseconds, so the figure
 * is set beside nslab's own measured in the same unit. Part of
 * scripts/bench.sh, built by it with cc. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *const links[] = {"cgroup", "ipc",  "mnt",               "net",  "pid",
                                    "pid_for_children", "time", "time_for_children", "user", "uts"};

static long long now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

#define CGROUP_V1_MAGIC 0x27e0eb

static bool ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), t = strlen(tail);
    return n >= t && strcmp(s + n - t, tail) == 0;
}

/* The whole file from offset 0; -1 on error. */
static int read_all(int fd, bool many_records, char *buf, size_t size)
{
    off_t off = 0;
    for (;;) {
        ssize_t n = pread(fd, buf, size, off);
        if (n < 0)
            return -1;
        if (n == 0 || (!many_records && (size_t)n < size))
            return 0;
        off += n;
    }
}

static int cmp_ll(const void *a, const void *b)
{
    long long x = *(const long long *)a, y = *(const long long *)b;
    return (x > y) - (x < y);
}

/* --spawn: before each step, untimed, what a `!true` step makes nslab's
 * subject do (a fork, an exec of true, a wait), so that the reads that
 * follow meet the same conditions as nslab's after such a step; give PID
 * "self" then, as the subject is the one that forked. */
static void spawn_true(void)
{
    pid_t p = fork();
    if (p == 0) {
        execlp("true", "true", (char *)NULL);
        _exit(127);
    }
    if (p > 0)
        waitpid(p, NULL, 0);
}

int main(int argc, char **argv)
{
    bool spawn = argc > 1 && strcmp(argv[1], "--spawn") == 0;
    if (spawn) {
        argv++;
        argc--;
    }
    if (argc < 3) {
        fprintf(stderr, "usage: floor [--spawn] PID STEPS [FILE...]\n");
        return 2;
    }
    char path[64], buf[4096];
    snprintf(path, sizeof path, "/proc/%s/ns", argv[1]);
    int nsfd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (nsfd < 0) {
        perror(path);
        return 1;
    }
    long steps = strtol(argv[2], NULL, 10);
    if (steps <= 0)
        return 2;
    int nfiles = argc - 3;
    int fds[64];
    bool fresh[64], many[64];
    if (nfiles > 64)
        return 2;
    for (int f = 0; f < nfiles; f++) {
        const char *p = argv[3 + f];
        struct statfs sfs;
        bool list = ends_with(p, "/cgroup.procs") || ends_with(p, "/tasks");
        fresh[f] = (list && statfs(p, &sfs) == 0 && sfs.f_type == CGROUP_V1_MAGIC) ||
                   ends_with(p, "/mountinfo");
        many[f] = list || ends_with(p, "/mountinfo");
        fds[f] = open(p, O_RDONLY | O_CLOEXEC);
        if (fds[f] < 0) {
            perror(p);
            return 1;
        }
    }
    long long batch[7];
    for (int b = 0; b < 7; b++) {
        long long spent = 0;
        for (long s = 0; s < steps; s++) {
            if (spawn)
                spawn_true();
            long long t0 = now_ns();
            for (size_t k = 0; k < sizeof links / sizeof *links; k++)
                if (readlinkat(nsfd, links[k], buf, sizeof buf) < 0 && k != 5) {
                    perror(links[k]);
                    return 1;
                }
            for (int f = 0; f < nfiles; f++) {
                int fd = fds[f];
                if (fresh[f])
                    fd = open(argv[3 + f], O_RDONLY | O_CLOEXEC);
                if (fd < 0 || read_all(fd, many[f], buf, sizeof buf) < 0) {
                    perror(argv[3 + f]);
                    return 1;
                }
                if (fresh[f])
                    close(fd);
            }
            spent += now_ns() - t0;
        }
        batch[b] = spent / steps;
    }
    qsort(batch, 7, sizeof *batch, cmp_ll);
    printf("%lld\n", batch[0]);
    close(nsfd);
    for (int f = 0; f < nfiles; f++)
        close(fds[f]);
    return 0;
}
