/* Capabilities and no_new_privs (capabilities(7), prctl(2)): the five sets
 * and the two flags /proc/PID/status shows, capability names as a learner
 * types them, and the traced calls that take capabilities away. Parsers are
 * pure; the calls act on the calling process only. */
#ifndef NSLAB_CAPS_H
#define NSLAB_CAPS_H

#include <stdbool.h>
#include <stdint.h>

#include "err.h"
#include "kernel/trace.h"

/* CapInh, CapPrm, CapEff, CapBnd, CapAmb, NoNewPrivs, Seccomp and
 * Seccomp_filters of /proc/PID/status. */
enum cap_set { CAPSET_EFF, CAPSET_PRM, CAPSET_INH, CAPSET_BND, CAPSET_AMB, CAPSET_N };
struct proc_security {
    uint64_t set[CAPSET_N];
    int no_new_privs;    /* 0 or 1 */
    int seccomp;         /* 0 disabled, 1 strict, 2 filter */
    int seccomp_filters; /* how many filters (-1: no such line) */
};
/* "effective", "permitted", ... and the status field ("CapEff", ...). */
const char *cap_set_name(enum cap_set s);
const char *cap_set_field(enum cap_set s);
int proc_security_parse(const char *status, struct proc_security *out, struct nsl_err *e);

/* A capability as typed: CAP_SYS_ADMIN, cap_sys_admin or sys_admin (any
 * case). Its bit, or -1. */
int cap_word_parse(const char *w);
/* A comma list of them into a mask; -1 with e naming the first word that
 * is none (and the capability it is closest to, when one is close). */
int cap_list_parse(const char *list, uint64_t *mask, struct nsl_err *e);
/* "cap_chown,cap_kill" for a mask (appended); "none" for 0. */
void cap_mask_format(uint64_t mask, struct strbuf *out);
/* The capability a failed call most likely lacked (EPERM), as the trace
 * names the call: "mount" -> CAP_SYS_ADMIN; -1 when none is known. */
int cap_needed_by(const char *call);

/* Take the capabilities in drop away from the calling process, so that
 * neither it nor any child it makes can have them again: ambient lowered,
 * the bounding set reduced (PR_CAPBSET_DROP, which needs CAP_SETPCAP: done
 * first), then capset(2) without them in effective, permitted and
 * inheritable. Each call traced (the bounding drops after the first as one
 * note). -1 with errno and *stage (0 ambient, 1 bounding, 2 capset) and
 * *bit (the capability of a failed drop). */
int caps_drop(struct trace *t, uint64_t drop, int last_cap, int *stage, int *bit);
/* prctl(PR_SET_NO_NEW_PRIVS, 1), traced. */
int sys_no_new_privs(struct trace *t);

#endif
