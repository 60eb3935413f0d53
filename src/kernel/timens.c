#define _GNU_SOURCE
#include "kernel/timens.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

int timens_clock_parse(const char *w, clockid_t *id)
{
    if (strcmp(w, "monotonic") == 0)
        *id = CLOCK_MONOTONIC;
    else if (strcmp(w, "boottime") == 0)
        *id = CLOCK_BOOTTIME;
    else
        return -1;
    return 0;
}

const char *timens_clock_word(clockid_t id)
{
    return id == CLOCK_BOOTTIME ? "boottime" : "monotonic";
}

int timens_offsets_parse(const char *text, struct timens_offsets *o, struct nsl_err *e)
{
    memset(o, 0, sizeof *o);
    const char *p = text;
    int lineno = 0;
    while (*p) {
        size_t len = strcspn(p, "\n");
        char line[128], name[32];
        long long sec;
        long nsec;
        lineno++;
        if (len >= sizeof line)
            return nsl_fail(e, EINVAL, "line %d of timens_offsets is too long", lineno);
        memcpy(line, p, len);
        line[len] = '\0';
        p += len + (p[len] == '\n');
        if (strspn(line, " \t") == len)
            continue;
        clockid_t id;
        if (sscanf(line, "%31s %lld %ld", name, &sec, &nsec) != 3 || nsec < 0 ||
            nsec >= 1000000000L)
            return nsl_fail(e, EINVAL, "line %d of timens_offsets is not CLOCK SECONDS NANOSECONDS",
                            lineno);
        if (timens_clock_parse(name, &id) < 0) {
            if (strcmp(name, "1") == 0)
                id = CLOCK_MONOTONIC;
            else if (strcmp(name, "7") == 0)
                id = CLOCK_BOOTTIME;
            else
                return nsl_fail(e, EINVAL, "line %d of timens_offsets names no known clock ('%s')",
                                lineno, name);
        }
        if (id == CLOCK_MONOTONIC) {
            o->mono_sec = sec;
            o->mono_nsec = nsec;
        } else {
            o->boot_sec = sec;
            o->boot_nsec = nsec;
        }
    }
    return 0;
}

void clocks_read(struct clock_pair *c)
{
    clock_gettime(CLOCK_MONOTONIC, &c->mono);
    clock_gettime(CLOCK_BOOTTIME, &c->boot);
}

double ts_diff(const struct timespec *a, const struct timespec *b)
{
    return (double)(a->tv_sec - b->tv_sec) + (double)(a->tv_nsec - b->tv_nsec) / 1e9;
}
