#define _GNU_SOURCE
/* UNSHARE and SETNS on the subject's side: the subject leaves or enters
 * namespaces itself (unshare, setns). */
#include <errno.h>
#include <string.h>
#include <sched.h>
#include <sys/mount.h>
#include <unistd.h>

#include "subject/ops.h"

void unshare_req_pack(struct subj_req *rq, const struct unshare_req *r)
{
    /* Field by field into a zeroed struct: its padding goes on the wire,
     * and the caller's (a compound literal) is not defined. */
    struct unshare_req a;
    memset(&a, 0, sizeof a);
    a.flags = r->flags;
    a.propagation = r->propagation;
    a.map_root = r->map_root;
    subj_req_init(rq, SOP_UNSHARE, &a, sizeof a);
}

const char *unshare_stage_call(enum unshare_stage s)
{
    switch (s) {
    case UNSHARE_FAILED_MAP:
        return "write";
    case UNSHARE_FAILED_PROPAGATION:
        return "mount";
    default:
        return "unshare";
    }
}

void op_unshare(struct subj_ctx *cx, const struct subj_msg *m, struct subj_rep *rep)
{
    struct unshare_req rq;
    struct unshare_rep out = {.failed = UNSHARE_DONE};
    subj_msg_args(m, &rq, sizeof rq);
    uid_t uid = geteuid();
    gid_t gid = getegid();
    rep->ret = sys_unshare(&rep->trace, rq.flags);
    rep->err = rep->ret < 0 ? errno : 0;
    if (rep->ret < 0)
        out.failed = UNSHARE_FAILED_CALL;
    int failed = 0;
    if (rep->ret == 0 && (rq.flags & CLONE_NEWUSER) && rq.map_root) {
        failed = subj_write_id_map(cx, &rep->trace, "self", uid, gid);
        if (failed)
            out.failed = UNSHARE_FAILED_MAP;
    }
    if (rep->ret == 0 && (rq.flags & CLONE_NEWNS) && rq.propagation &&
        sys_mount(&rep->trace, "none", "/", NULL, MS_REC | rq.propagation, NULL) < 0) {
        failed = errno;
        out.failed = UNSHARE_FAILED_PROPAGATION;
    }
    if (failed) {
        rep->ret = -1;
        rep->err = failed;
    }
    subj_rep_set(rep, &out, sizeof out);
}

/* The fixed part of SETNS: the types, in the order of the descriptors. */
struct setns_args {
    int n;
    int nstype[SUBJ_MAXFD];
};
_Static_assert(sizeof(struct setns_args) <= SUBJ_ARGS_MAX, "setns_args");
_Static_assert(sizeof(struct unshare_req) <= SUBJ_ARGS_MAX, "unshare_req");

void setns_req_pack(struct subj_req *rq, const struct setns_req *r)
{
    struct setns_args a = {.n = r->n};
    for (int k = 0; k < r->n && k < SUBJ_MAXFD; k++)
        a.nstype[k] = r->nstype[k];
    subj_req_init(rq, SOP_SETNS, &a, sizeof a);
    for (int k = 0; k < r->n && k < SUBJ_MAXFD; k++) {
        rq->fd[k] = r->fd[k];
        subj_req_str(rq, r->shown[k]);
    }
    rq->nfd = a.n;
}

void op_setns(struct subj_ctx *cx, const struct subj_msg *m, struct subj_rep *rep)
{
    struct setns_args a;
    struct setns_rep out = {.failed = -1};
    subj_msg_args(m, &a, sizeof a);
    rep->ret = 0;
    for (int k = 0; k < a.n && k < m->nfd && k < m->nstr; k++) {
        if (sys_setns(&rep->trace, m->fd[k], m->str[k], a.nstype[k]) < 0) {
            rep->ret = -1;
            rep->err = errno;
            out.failed = k;
            out.nstype = a.nstype[k];
            break;
        }
    }
    subj_rep_set(rep, &out, sizeof out);
}
