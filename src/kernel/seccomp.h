/* seccomp filters (seccomp(2)), built with libseccomp: a deny list of
 * system calls that fail with a chosen errno, everything else allowed.
 * The word parsers (syscall names, errno names) are pure, for the unit
 * tests; loading acts on the calling process and every child it makes. */
#ifndef NSLAB_SECCOMP_H
#define NSLAB_SECCOMP_H

#include <stddef.h>

#include "err.h"
#include "kernel/trace.h"

#define SECCOMP_MAX_RULES 64

/* A deny list: system call names (as libseccomp knows them for this
 * machine's architecture) and the errno they fail with. */
struct seccomp_deny {
    char name[SECCOMP_MAX_RULES][32];
    int nr[SECCOMP_MAX_RULES];
    size_t n;
    int err;
};

/* A comma list of system call names into d (appended; duplicates once).
 * -1 with e naming the first word that is no system call here. */
int syscall_list_parse(const char *list, struct seccomp_deny *d, struct nsl_err *e);
/* An errno as typed: EPERM, eperm or a number from 1 to 4095. Its value,
 * or -1 with e. */
int errno_word_parse(const char *w, struct nsl_err *e);

/* The container-style default: what Docker's and podman's default
 * profiles refuse a container (kernel modules, reboot, clock, keyring,
 * mount and namespaces, tracing other processes, ...), as a comma list. */
extern const char seccomp_default_list[];

/* Load d as a filter on the calling process (seccomp_load; without
 * setting no_new_privs itself: that is `nnp`'s to show). Traced as the
 * seccomp(2) call libseccomp makes, with the rules. -1 with errno. */
int seccomp_deny_load(struct trace *t, const struct seccomp_deny *d);

#endif
