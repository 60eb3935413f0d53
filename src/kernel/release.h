/* The running kernel's release, for the commands and labs whose mechanism
 * came in a given version: read from PROC/sys/kernel/osrelease (the text
 * uname(2) gives), so a fake tree (NSLAB_PROC_ROOT) stands for another
 * kernel in the unit tests; NSLAB_KERNEL_RELEASE ("5.4.0"), when set, is
 * taken instead, so the scenario tests can play an older kernel (it only
 * changes which features nslab refuses up front, never what it runs). */
#ifndef NSLAB_KERNEL_RELEASE_H
#define NSLAB_KERNEL_RELEASE_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "kernel/sys.h"

struct kernel_release {
    int major, minor;
    char text[80]; /* "6.1.0-26-amd64" */
};

/* "6.1.0-26-amd64" -> 6, 1. 0, or -1 when it does not start with N.N. */
int kernel_release_parse(const char *text, struct kernel_release *out);
/* 0, or -1 with errno when the file cannot be read or parsed (EINVAL). */
int kernel_release_read(const struct nsl_paths *p, struct kernel_release *out);
/* Is r at least major.minor? */
bool kernel_release_at_least(const struct kernel_release *r, int major, int minor);

/* The check at the point of use: 0 when the running kernel is at least
 * major.minor, else -1 with e saying "WHAT needs Linux M.N or later; this
 * kernel is Linux X" (ENOSYS). A release that cannot be read passes: the
 * kernel's own answer then says what is missing. */
int kernel_need(const struct nsl_paths *p, int major, int minor, const char *what,
                struct nsl_err *e);

#endif
