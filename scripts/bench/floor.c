/* The floor for nslab's per-step observation: a program that only reads the
 * files nslab's observation reads, the cheapest way, and nothing else.
 *
 *   floor PID STEPS [FILE...]
 *
 * Each step reads the ten links of /proc/PID/ns (relative to one directory
 * descriptor kept open, as the cheapest reader would) and every FILE (open,
 * read, close: cgroup and /proc files cannot be kept open and re-read as
 * one). It prints the time per step of the fastest of 7 batches, in
 * nanoseconds, so the figure is set beside nslab's own measured in the same
 * unit. Part of scripts/bench.sh, built by it with cc. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
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

static int cmp_ll(const void *a, const void *b)
{
    long long x = *(const long long *)a, y = *(const long long *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: floor PID STEPS [FILE...]\n");
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
    long long batch[7];
    for (int b = 0; b < 7; b++) {
        long long t0 = now_ns();
        for (long s = 0; s < steps; s++) {
            for (size_t k = 0; k < sizeof links / sizeof *links; k++)
                if (readlinkat(nsfd, links[k], buf, sizeof buf) < 0 && k != 5) {
                    perror(links[k]);
                    return 1;
                }
            for (int f = 3; f < argc; f++) {
                int fd = open(argv[f], O_RDONLY | O_CLOEXEC);
                if (fd < 0) {
                    perror(argv[f]);
                    return 1;
                }
                while (read(fd, buf, sizeof buf) > 0)
                    ;
                close(fd);
            }
        }
        batch[b] = (now_ns() - t0) / steps;
    }
    qsort(batch, 7, sizeof *batch, cmp_ll);
    printf("%lld\n", batch[0]);
    close(nsfd);
    return 0;
}
