#define _GNU_SOURCE
/* UTS on the subject's side: read or set the host and domain names of the
 * subject's UTS namespace (hostname, domainname, expect hostname). */
#include <errno.h>
#include <string.h>
#include <sys/utsname.h>

#include "subject/ops.h"

void uts_req_pack(struct subj_req *rq, const struct uts_req *r)
{
    subj_req_init(rq, SOP_UTS, &r->what, sizeof r->what);
    if (r->what != UTS_READ)
        subj_req_str(rq, r->name);
}

void op_uts(struct subj_ctx *cx, const struct subj_msg *m, struct subj_rep *rep)
{
    struct uts_req rq;
    subj_msg_args(m, &rq.what, sizeof rq.what);
    rep->ret = 0;
    if (rq.what != UTS_READ && m->nstr < 1) {
        rep->ret = -1;
        rep->err = EINVAL;
        return;
    }
    if (rq.what == UTS_SET_HOSTNAME)
        rep->ret = sys_sethostname(&rep->trace, m->str[0]);
    else if (rq.what == UTS_SET_DOMAINNAME)
        rep->ret = sys_setdomainname(&rep->trace, m->str[0]);
    if (rep->ret < 0) {
        rep->err = errno;
        return;
    }
    struct utsname u;
    struct uts_rep out = {0};
    uname(&u);
    snprintf(out.hostname, sizeof out.hostname, "%s", u.nodename);
    snprintf(out.domainname, sizeof out.domainname, "%s", u.domainname);
    subj_rep_set(rep, &out, sizeof out);
}
