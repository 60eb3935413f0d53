#define _GNU_SOURCE
/* NET on the subject's side: rtnetlink requests answer for the namespace
 * their socket was opened in, so the subject opens it (veth, bridge, link
 * up, link master, addr add, link). */
#include <errno.h>
#include <net/if.h>
#include <string.h>
#include <time.h>

#include "kernel/rtnl.h"
#include "subject/nshelper.h"
#include "subject/ops.h"

#ifndef IFF_LOWER_UP
#define IFF_LOWER_UP 0x10000
#endif
enum { OPER_UNKNOWN = 0, OPER_UP = 6 }; /* IF_OPER_* of linux/if.h */
#define LINK_WAIT_MS 2000

void net_req_pack(struct subj_req *rq, const struct net_req *r)
{
    subj_req_init(rq, SOP_NET, &r->op, sizeof r->op);
    switch (r->op) {
    case NET_OP_VETH:
        subj_req_str(rq, r->name);
        subj_req_str(rq, r->peer);
        if (r->peer_ns_fd >= 0) {
            subj_req_str(rq, r->peer_shown);
            rq->fd[0] = r->peer_ns_fd;
            rq->nfd = 1;
        }
        break;
    case NET_OP_UP:
        subj_req_str(rq, r->name);
        break;
    case NET_OP_ADDR:
        subj_req_str(rq, r->cidr);
        subj_req_str(rq, r->name);
        break;
    case NET_OP_DUMP:
        break;
    case NET_OP_BRIDGE:
        subj_req_str(rq, r->name);
        break;
    case NET_OP_MASTER:
        subj_req_str(rq, r->name);
        if (r->master)
            subj_req_str(rq, r->master);
        break;
    }
}

int net_dump_fn(void *arg, struct trace *t, struct strbuf *out)
{
    struct rtnl *r;
    struct nsl_err e;
    struct net_links l = {0};
    if (rtnl_open(&r, &e) < 0) {
        errno = e.errnum;
        return -1;
    }
    int rc = rtnl_dump(r, &l, &e);
    int err = e.errnum;
    rtnl_close(r);
    if (rc < 0) {
        errno = err;
        return -1;
    }
    net_links_pack(&l, out);
    net_links_free(&l);
    return 0;
}

/* Is link l operational: a carrier (LOWER_UP), and the kernel's linkwatch
 * work done (operstate UP; lo and tunnels never say UP: UNKNOWN with a
 * carrier is theirs)? */
static bool link_operational(const struct net_link *l)
{
    return (l->flags & IFF_LOWER_UP) && (l->operstate == OPER_UP || l->operstate == OPER_UNKNOWN);
}

/* After IFF_UP: the kernel turns the carrier on (a veth's, when its peer
 * is up too, on both ends) and then, from its linkwatch work, activates
 * each end's queue and sets operstate UP, up to a second later; until then,
 * packets sent there are dropped. Wait for this device and its veth peer
 * (also in another namespace: IFLA_TARGET_NETNSID), at most LINK_WAIT_MS
 * in all: out says how long it took, the LINK_* reached, this device's
 * last operstate. No carrier at once: no wait (a veth's peer is down, and
 * nothing comes by waiting). */
static void link_wait_operational(struct rtnl *r, int ifindex, struct net_rep *out)
{
    int64_t t0 = now_ms();
    struct net_link me = {0}, peer;
    out->state = LINK_NO_CARRIER;
    out->operstate = OPER_UNKNOWN;
    for (;;) {
        if (rtnl_link_state(r, -1, ifindex, &me) < 0 || !(me.flags & IFF_LOWER_UP))
            break;
        out->operstate = me.operstate;
        bool ok = link_operational(&me);
        if (ok && me.link && (me.link != me.ifindex || me.link_netnsid >= 0) &&
            rtnl_link_state(r, me.link_netnsid, me.link, &peer) == 0)
            ok = link_operational(&peer);
        if (ok) {
            out->state = LINK_OPERATIONAL;
            break;
        }
        out->state = LINK_NOT_YET;
        if (now_ms() - t0 >= LINK_WAIT_MS)
            break;
        struct timespec ts = {0, 10 * 1000000L};
        nanosleep(&ts, NULL);
    }
    out->waited_ms = now_ms() - t0;
}

static void op_net_fail(struct subj_rep *rep, int err)
{
    rep->ret = -1;
    rep->err = err;
}

/* link master DEV BRIDGE (str[1] present) or link nomaster DEV: the device,
 * the bridge (it must be one: IFLA_INFO_KIND "bridge"), then IFLA_MASTER. */
static void net_master(struct rtnl *r, const struct subj_msg *m, struct subj_rep *rep,
                       struct net_rep *out, struct strbuf *why)
{
    struct net_link dev, br;
    int ifindex = 0;
    out->failed = NET_FAILED_DEVICE;
    if (m->nstr < 1 || rtnl_link_get(r, m->str[0], &ifindex, NULL) < 0 ||
        rtnl_link_state(r, -1, ifindex, &dev) < 0)
        return op_net_fail(rep, m->nstr < 1 ? EINVAL : errno);
    out->ifindex = ifindex;
    out->old_master = dev.master;
    if (m->nstr > 1) {
        out->failed = NET_FAILED_MASTER;
        if (rtnl_link_get(r, m->str[1], &out->master, NULL) < 0 ||
            rtnl_link_state(r, -1, out->master, &br) < 0)
            return op_net_fail(rep, errno);
        if (strcmp(br.kind, "bridge") != 0) {
            out->failed = NET_FAILED_NOT_BRIDGE;
            snprintf(out->master_kind, sizeof out->master_kind, "%s", br.kind);
            return op_net_fail(rep, EOPNOTSUPP);
        }
    }
    out->failed = NET_FAILED_CALL;
    if (rtnl_link_set_master(r, &rep->trace, ifindex, m->str[0], out->master,
                             m->nstr > 1 ? m->str[1] : NULL, why) < 0)
        return op_net_fail(rep, errno);
    out->failed = NET_FAILED_NONE;
}

void op_net(struct subj_ctx *cx, const struct subj_msg *m, struct subj_rep *rep)
{
    enum net_op op;
    struct net_rep out = {0};
    subj_msg_args(m, &op, sizeof op);
    struct rtnl *r;
    struct nsl_err e;
    if (rtnl_open(&r, &e) < 0)
        return op_net_fail(rep, e.errnum);
    int ifindex = 0;
    unsigned flags = 0;
    struct strbuf why = {0};
    rep->ret = 0;
    switch (op) {
    case NET_OP_VETH:
        if (m->nstr < 2) {
            op_net_fail(rep, EINVAL);
            break;
        }
        if (rtnl_veth_add(r, &rep->trace, m->str[0], m->str[1], m->nfd > 0 ? m->fd[0] : -1,
                          m->nstr > 2 ? m->str[2] : NULL, &why) < 0)
            op_net_fail(rep, errno);
        else if (rtnl_link_get(r, m->str[0], &ifindex, NULL) == 0)
            out.ifindex = ifindex;
        break;
    case NET_OP_UP:
        if (m->nstr < 1 || rtnl_link_get(r, m->str[0], &ifindex, &flags) < 0) {
            op_net_fail(rep, m->nstr < 1 ? EINVAL : errno);
            break;
        }
        out.ifindex = ifindex;
        out.was_up = (flags & IFF_UP) != 0;
        if (rtnl_link_set_up(r, &rep->trace, ifindex, m->str[0], true, &why) < 0)
            op_net_fail(rep, errno);
        else
            link_wait_operational(r, ifindex, &out);
        break;
    case NET_OP_ADDR: {
        struct net_addr a;
        if (m->nstr < 2 || net_cidr_parse(m->str[0], &a, &e) < 0) {
            op_net_fail(rep, EINVAL);
            break;
        }
        if (rtnl_link_get(r, m->str[1], &ifindex, NULL) < 0) {
            op_net_fail(rep, errno);
            break;
        }
        out.ifindex = ifindex;
        if (rtnl_addr_change(r, &rep->trace, false, ifindex, m->str[1], &a, &why) < 0)
            op_net_fail(rep, errno);
        break;
    }
    case NET_OP_BRIDGE:
        if (m->nstr < 1 || rtnl_bridge_add(r, &rep->trace, m->str[0], &why) < 0)
            op_net_fail(rep, m->nstr < 1 ? EINVAL : errno);
        else if (rtnl_link_get(r, m->str[0], &ifindex, NULL) == 0)
            out.ifindex = ifindex;
        break;
    case NET_OP_MASTER:
        net_master(r, m, rep, &out, &why);
        break;
    case NET_OP_DUMP: {
        int err = 0;
        rtnl_close(r);
        r = NULL;
        if (nshelper_run_here(&rep->trace, net_dump_fn, NULL, &rep->data, &err) < 0)
            op_net_fail(rep, err);
        break;
    }
    default:
        op_net_fail(rep, EINVAL);
    }
    rtnl_close(r);
    subj_rep_set(rep, &out, sizeof out);
    if (rep->ret < 0 && why.len) {
        sb_reset(&rep->data);
        sb_append(&rep->data, sb_str(&why));
    }
    sb_free(&why);
}
