/* Instrumentation for scripts/bench.sh, compiled in only with -DNSLAB_BENCH
 * (the bench builds such a binary in build-bench/). It adds up the time the
 * shell spends on the trace and the observation of each step (unpacking the
 * subject's trace, reading /proc/PID/ns, rendering the step), so that one
 * figure can be set beside a program that only reads the same files. In a
 * normal build the macros are empty. */
#ifndef NSLAB_BENCH_H
#define NSLAB_BENCH_H

#ifdef NSLAB_BENCH
#include <stdint.h>
#include <time.h>

static inline int64_t bench_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}
#define BENCH_START(v) int64_t v = bench_now_ns()
#define BENCH_STOP(sh, v) ((sh)->bench_obs_ns += bench_now_ns() - (v))
#else
#define BENCH_START(v) ((void)0)
#define BENCH_STOP(sh, v) ((void)0)
#endif

#endif
