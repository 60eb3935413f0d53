#define _GNU_SOURCE
/* KEYS on the subject's side: the keyrings are the caller's (its session
 * keyring, the user keyring of its uid in its user namespace), so the
 * subject itself lists them, adds a "user" key to its user keyring, and
 * searches that keyring (keys, key add, key find). */
#include <errno.h>
#include <string.h>

#include "kernel/keys.h"
#include "subject/ops.h"

_Static_assert(sizeof(struct keys_req) <= SUBJ_ARGS_MAX, "keys_req");

void keys_req_pack(struct subj_req *rq, const struct keys_req *r)
{
    struct keys_req a;
    memset(&a, 0, sizeof a); /* its padding goes on the wire: zeroed */
    a.what = r->what;
    subj_req_init(rq, SOP_KEYS, &a, sizeof a);
    if (r->what != KEYS_LIST)
        subj_req_str(rq, r->name);
    if (r->what == KEYS_ADD)
        subj_req_str(rq, r->data);
}

static void keys_find(const char *name, struct subj_rep *rep, struct keys_rep *out)
{
    long id = sys_search_user_key(&rep->trace, name);
    if (id < 0) {
        rep->ret = -1;
        rep->err = errno;
        out->failed = KEYS_FAILED_SEARCH;
        return;
    }
    out->id = (int32_t)id;
    rep->ret = 0;
    if (sys_read_key(&rep->trace, out->id, &rep->data) < 0)
        out->read_err = errno;
}

void op_keys(struct subj_ctx *cx, const struct subj_msg *m, struct subj_rep *rep)
{
    struct keys_req rq;
    subj_msg_args(m, &rq, sizeof rq);
    struct keys_rep out = {0};
    int want = rq.what == KEYS_ADD ? 2 : rq.what == KEYS_FIND ? 1 : 0;
    if (m->nstr != want || rq.what > KEYS_FIND) {
        rep->ret = -1;
        rep->err = EINVAL;
    } else if (rq.what == KEYS_LIST) {
        rep->ret = keys_view_read(NULL, &rep->trace, &rep->data);
        rep->err = rep->ret < 0 ? errno : 0;
        out.failed = rep->ret < 0 ? KEYS_FAILED_LIST : KEYS_DONE;
    } else if (rq.what == KEYS_ADD) {
        long id = sys_add_user_key(&rep->trace, m->str[0], m->str[1], strlen(m->str[1]));
        rep->ret = id < 0 ? -1 : 0;
        rep->err = id < 0 ? errno : 0;
        out.failed = id < 0 ? KEYS_FAILED_ADD : KEYS_DONE;
        out.id = id < 0 ? 0 : (int32_t)id;
    } else {
        keys_find(m->str[0], rep, &out);
    }
    subj_rep_set(rep, &out, sizeof out);
}
