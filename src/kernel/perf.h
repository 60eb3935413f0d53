/* perf_event_open(2) in cgroup mode: count what the tasks of one cgroup
 * do (task-clock, context switches, page faults) for a while.
 *
 * PERF_FLAG_PID_CGROUP makes the pid argument a descriptor of the cgroup's
 * directory (a v1 perf_event hierarchy's, or any cgroup2 directory, where
 * perf_event is implicit). The kernel counts a cgroup only per CPU (cpu
 * must not be -1), so there is one counter per event and online CPU, and
 * the counts are summed. */
#ifndef NSLAB_PERF_H
#define NSLAB_PERF_H

#include <stdint.h>

#include "err.h"
#include "kernel/trace.h"

enum perf_what { PERF_TASK_CLOCK, PERF_CONTEXT_SWITCHES, PERF_PAGE_FAULTS, PERF_NWHAT };
/* "task_clock_ns", "context_switches", "page_faults": the result's keys */
extern const char *const perf_keys[PERF_NWHAT];
/* "task-clock", "context-switches", "page-faults": perf(1)'s names */
extern const char *const perf_names[PERF_NWHAT];

#define PERF_MAX_CPUS 1024

struct perf_counts {
    uint64_t v[PERF_NWHAT]; /* summed over the CPUs */
    uint64_t enabled_ns;    /* how long the counters ran (CPU 0's task-clock) */
    int ncpus;
};

/* A CPU list as /sys/devices/system/cpu/online writes it ("0-3,6\n") into
 * cpus[] (at most max). Returns how many, or -1 when malformed or empty. */
int perf_cpus_parse(const char *text, int *cpus, int max);

/* Count the tasks of the cgroup at dir for ms milliseconds on the CPUs of
 * the list in online_path (the sysfs file). Traced in t: the calls on the
 * first CPU, a note for the rest. 0, or -1 saying why (e.g. the directory
 * is in no perf_event hierarchy). */
int perf_cgroup_count(struct trace *t, const char *dir, const char *online_path, unsigned ms,
                      struct perf_counts *out, struct nsl_err *e);

#endif
