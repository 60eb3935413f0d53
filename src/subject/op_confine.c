#define _GNU_SOURCE
/* CONFINE on the subject's side: take capabilities away, set
 * no_new_privs, or load a seccomp filter, each on the subject itself, so
 * every child it makes from then on inherits it (and none can undo it). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "kernel/caps.h"
#include "kernel/seccomp.h"
#include "subject/ops.h"

struct confine_args {
    enum confine_what what;
    uint64_t drop;
    int err;
};
_Static_assert(sizeof(struct confine_args) <= SUBJ_ARGS_MAX, "confine_args");

void confine_req_pack(struct subj_req *rq, const struct confine_req *r)
{
    /* Zeroed whole, padding too: the struct goes over the socket as bytes. */
    struct confine_args a;
    memset(&a, 0, sizeof a);
    a.what = r->what;
    a.drop = r->drop;
    a.err = r->err;
    subj_req_init(rq, SOP_CONFINE, &a, sizeof a);
    if (r->what == CONFINE_SECCOMP)
        subj_req_str(rq, r->syscalls);
}

/* The highest capability this kernel has (/proc/sys/kernel/cap_last_cap). */
static int last_cap(struct subj_ctx *cx)
{
    char buf[16];
    long v;
    if (read_file_at(cx->sh->procfd, "sys/kernel/cap_last_cap", buf, sizeof buf) > 0 &&
        parse_long(chomp(buf), 0, 63, &v) == 0)
        return (int)v;
    return 40;
}

void op_confine(struct subj_ctx *cx, const struct subj_msg *m, struct subj_rep *rep)
{
    struct confine_args a;
    subj_msg_args(m, &a, sizeof a);
    struct confine_rep out = {.failed = CONFINE_DONE, .cap = -1};
    int rc = -1;
    switch (a.what) {
    case CONFINE_CAPS_DROP: {
        int stage, bit;
        rc = caps_drop(&rep->trace, a.drop, last_cap(cx), &stage, &bit);
        if (rc < 0) {
            out.failed = stage == 0   ? CONFINE_FAILED_AMBIENT
                         : stage == 1 ? CONFINE_FAILED_BOUNDING
                                      : CONFINE_FAILED_CAPSET;
            out.cap = bit;
        }
        break;
    }
    case CONFINE_NNP:
        rc = sys_no_new_privs(&rep->trace);
        if (rc < 0)
            out.failed = CONFINE_FAILED_NNP;
        break;
    case CONFINE_SECCOMP: {
        struct seccomp_deny d = {.err = a.err};
        struct nsl_err e;
        if (m->nstr != 1 || syscall_list_parse(m->str[0], &d, &e) < 0) {
            errno = EINVAL;
            out.failed = CONFINE_FAILED_SECCOMP;
            break;
        }
        rc = seccomp_deny_load(&rep->trace, &d);
        if (rc < 0)
            out.failed = CONFINE_FAILED_SECCOMP;
        break;
    }
    default:
        errno = EINVAL;
        out.failed = CONFINE_FAILED_NNP;
    }
    rep->ret = rc < 0 ? -1 : 0;
    rep->err = rc < 0 ? errno : 0;
    subj_rep_set(rep, &out, sizeof out);
}
