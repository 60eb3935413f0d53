/* Time namespaces (time_namespaces(7)): per-namespace offsets of
 * CLOCK_MONOTONIC and CLOCK_BOOTTIME, set through /proc/PID/timens_offsets
 * (which belongs to PID's time_for_children namespace) only before any
 * process has entered the namespace. Pure parsers and a clock reader. */
#ifndef NSLAB_TIMENS_H
#define NSLAB_TIMENS_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "err.h"

struct timens_offsets {
    int64_t mono_sec, boot_sec;
    long mono_nsec, boot_nsec;
};

/* The text of /proc/PID/timens_offsets ("monotonic 0 0\nboottime 86400 0";
 * the kernel also accepts the clock ids 1 and 7). 0 or -1. */
int timens_offsets_parse(const char *text, struct timens_offsets *o, struct nsl_err *e);
/* "monotonic" or "boottime" into CLOCK_MONOTONIC / CLOCK_BOOTTIME. 0 or -1. */
int timens_clock_parse(const char *w, clockid_t *id);
const char *timens_clock_word(clockid_t id);

/* CLOCK_MONOTONIC and CLOCK_BOOTTIME as the calling process sees them. */
struct clock_pair {
    struct timespec mono, boot;
};
void clocks_read(struct clock_pair *c);
/* a - b in seconds. */
double ts_diff(const struct timespec *a, const struct timespec *b);

#endif
