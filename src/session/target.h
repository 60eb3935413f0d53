/* TARGET words (SPEC §2): self, host, a host PID, or %N. */
#ifndef NSLAB_TARGET_H
#define NSLAB_TARGET_H

#include "nslab.h"

enum target_flags {
    TARGET_ALLOW_DEAD = 1 << 0, /* a job that has ended resolves too */
};

struct target {
    pid_t pid;
    struct job *job; /* for %N, else NULL */
    bool is_host, is_self;
};

int target_resolve(struct nsl *sh, const char *word, unsigned flags, struct target *t,
                   struct nsl_err *e);
/* Is pid alive (exists and is not a zombie)? */
bool pid_alive(struct nsl *sh, pid_t pid);
/* The PID of a process inside its own PID namespace (last NSpid field), or 0. */
pid_t pid_inside(struct nsl *sh, pid_t pid);
/* expect's rows "alive" and "dead" (target_expect.c): expect alive TARGET |
 * expect dead TARGET [SIG], argv[0] the form, argc 2 or 3 (expect's table
 * checks it). 1 held, 0 not (why filled), -1 malformed. */
int target_expect_alive(struct nsl *sh, int argc, char **argv, struct strbuf *why,
                        struct nsl_err *e);

#endif
