/* What the session took from the subject (caps drop/keep, nnp, seccomp),
 * kept so a later failure can name the rule that caused it: a call in the
 * step's trace that failed with the errno of a seccomp rule on its system
 * call, or with EPERM for a capability the subject dropped. The record
 * belongs to one subject process: `reset` (a new subject) starts a clean
 * one. */
#ifndef NSLAB_CONFINE_H
#define NSLAB_CONFINE_H

#include <stdint.h>

#include "kernel/seccomp.h"
#include "nslab.h"

struct confine_rule {
    char name[32]; /* the system call */
    int err;
    int step;
};
struct confine_session {
    pid_t subject;
    uint64_t dropped;
    int drop_step[64];
    /* The user namespace the subject was in when it dropped each: a new
     * user namespace gives it every capability again, over what it owns. */
    ino_t drop_userns[64];
    bool nnp;
    int nnp_step;
    struct confine_rule *rules;
    size_t nrules;
};

/* The record of the current subject (a fresh one after a new subject). */
struct confine_session *confine_session(struct nsl *sh);
void confine_note_caps(struct nsl *sh, uint64_t dropped);
void confine_note_nnp(struct nsl *sh);
void confine_note_seccomp(struct nsl *sh, const struct seccomp_deny *d);
/* After a failed step: when the last failed call of its trace matches a
 * rule, add to the step's error which one ("; denied by ..."). */
void confine_explain(struct nsl *sh);
void confine_free(struct nsl *sh);

#endif
