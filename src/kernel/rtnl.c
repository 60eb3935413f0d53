#define _GNU_SOURCE
#include "kernel/rtnl.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>

struct rtnl {
    struct mnl_socket *nl;
    unsigned portid, seq;
    char *req; /* the request being built (RTNL_REQ bytes) */
    char *buf; /* answers (RTNL_BUF bytes: a dump sends many per read) */
};

#define RTNL_REQ 8192
#define RTNL_BUF 32768

int rtnl_open(struct rtnl **out, struct nsl_err *e)
{
    struct mnl_socket *nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
    if (!nl)
        return nsl_fail_errno(e, errno, "cannot open a netlink socket (NETLINK_ROUTE)");
    if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
        int err = errno;
        mnl_socket_close(nl);
        return nsl_fail_errno(e, err, "cannot bind the netlink socket");
    }
    /* Ask the kernel to say why it refuses a request (extended ACK). */
    int one = 1;
    mnl_socket_setsockopt(nl, NETLINK_EXT_ACK, &one, sizeof one);
    struct rtnl *r = xcalloc(1, sizeof *r);
    r->nl = nl;
    r->portid = mnl_socket_get_portid(nl);
    r->seq = (unsigned)now_ms();
    r->req = xcalloc(1, RTNL_REQ);
    r->buf = xmalloc(RTNL_BUF);
    *out = r;
    return 0;
}

void rtnl_close(struct rtnl *r)
{
    if (!r)
        return;
    mnl_socket_close(r->nl);
    free(r->req);
    free(r->buf);
    free(r);
}

/* The kernel's sentence in an NLMSG_ERROR with NLM_F_ACK_TLVS. */
static int ext_ack_cb(const struct nlattr *attr, void *data)
{
    struct strbuf *why = data;
    if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG &&
        mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0 && why)
        sb_append(why, mnl_attr_get_str(attr));
    return MNL_CB_OK;
}

static void ext_ack_parse(const struct nlmsghdr *nlh, struct strbuf *why)
{
    if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) || !why)
        return;
    const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);
    size_t off = sizeof *err;
    /* Unless capped, the kernel echoes our request before the TLVs. */
    if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
        off += err->msg.nlmsg_len - sizeof(struct nlmsghdr);
    if (off <= mnl_nlmsg_get_payload_len(nlh))
        mnl_attr_parse(nlh, (unsigned)off, ext_ack_cb, why);
}

typedef int (*msg_cb)(const struct nlmsghdr *nlh, void *data);

/* Send the request req (in r->req) and read answers until its ACK or the end of
 * a dump; each other message of ours goes to cb. 0 or -1 (errno). */
static int transact(struct rtnl *r, struct nlmsghdr *req, msg_cb cb, void *data,
                    struct strbuf *why)
{
    req->nlmsg_seq = ++r->seq;
    unsigned seq = req->nlmsg_seq;
    bool want_ack = req->nlmsg_flags & NLM_F_ACK;
    if (mnl_socket_sendto(r->nl, req, req->nlmsg_len) < 0)
        return -1;
    for (;;) {
        ssize_t n = mnl_socket_recvfrom(r->nl, r->buf, RTNL_BUF);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        int len = (int)n;
        for (const struct nlmsghdr *h = (const struct nlmsghdr *)r->buf; mnl_nlmsg_ok(h, len);
             h = mnl_nlmsg_next(h, &len)) {
            if (h->nlmsg_seq != seq || h->nlmsg_pid != r->portid)
                continue;
            if (h->nlmsg_type == NLMSG_ERROR) {
                const struct nlmsgerr *err = mnl_nlmsg_get_payload(h);
                if (err->error == 0)
                    return 0;
                ext_ack_parse(h, why);
                errno = -err->error;
                return -1;
            }
            if (h->nlmsg_type == NLMSG_DONE) {
                int status = mnl_nlmsg_get_payload_len(h) >= sizeof(int)
                                 ? *(const int *)mnl_nlmsg_get_payload(h)
                                 : 0;
                if (status < 0) {
                    errno = -status;
                    return -1;
                }
                return 0;
            }
            if (h->nlmsg_type == NLMSG_NOOP)
                continue;
            if (cb && cb(h, data) < 0)
                return -1;
            /* A plain GET (no dump) ends with its one answer. */
            if (!(h->nlmsg_flags & NLM_F_MULTI) && !want_ack)
                return 0;
        }
    }
}

static struct nlmsghdr *link_msg(struct rtnl *r, int type, unsigned flags, struct ifinfomsg **ifm)
{
    struct nlmsghdr *nlh = mnl_nlmsg_put_header(r->req);
    nlh->nlmsg_type = (uint16_t)type;
    nlh->nlmsg_flags = (uint16_t)(NLM_F_REQUEST | flags);
    *ifm = mnl_nlmsg_put_extra_header(nlh, sizeof **ifm);
    (*ifm)->ifi_family = AF_UNSPEC;
    return nlh;
}

int rtnl_veth_add(struct rtnl *r, struct trace *t, const char *name, const char *peer,
                  int peer_nsfd, const char *peer_shown, struct strbuf *why)
{
    struct ifinfomsg *ifm;
    struct nlmsghdr *nlh = link_msg(r, RTM_NEWLINK, NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, &ifm);
    mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
    struct nlattr *info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
    mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
    struct nlattr *data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
    struct nlattr *p = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
    /* The peer is described like a link of its own: an ifinfomsg, then
     * its attributes. */
    struct ifinfomsg *pifm = mnl_nlmsg_put_extra_header(nlh, sizeof *pifm);
    pifm->ifi_family = AF_UNSPEC;
    mnl_attr_put_strz(nlh, IFLA_IFNAME, peer);
    if (peer_nsfd >= 0)
        mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t)peer_nsfd);
    mnl_attr_nest_end(nlh, p);
    mnl_attr_nest_end(nlh, data);
    mnl_attr_nest_end(nlh, info);
    cleanup_free char *args = peer_nsfd >= 0 ? xasprintf("veth name=%s peer=%s netns_fd=%d (%s)", name, peer,
                                            peer_nsfd, peer_shown ? peer_shown : "?")
                                : xasprintf("veth name=%s peer=%s", name, peer);
    return TRACED(t, "RTM_NEWLINK", 0, transact(r, nlh, NULL, NULL, why), "%s", args);
}

int rtnl_bridge_add(struct rtnl *r, struct trace *t, const char *name, struct strbuf *why)
{
    struct ifinfomsg *ifm;
    struct nlmsghdr *nlh = link_msg(r, RTM_NEWLINK, NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, &ifm);
    mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
    struct nlattr *info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
    mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "bridge");
    mnl_attr_nest_end(nlh, info);
    return TRACED(t, "RTM_NEWLINK", 0, transact(r, nlh, NULL, NULL, why), "bridge name=%s",
                  name);
}

int rtnl_link_set_master(struct rtnl *r, struct trace *t, int ifindex, const char *name,
                         int master, const char *master_name, struct strbuf *why)
{
    struct ifinfomsg *ifm;
    struct nlmsghdr *nlh = link_msg(r, RTM_NEWLINK, NLM_F_ACK, &ifm);
    ifm->ifi_index = ifindex;
    mnl_attr_put_u32(nlh, IFLA_MASTER, (uint32_t)master);
    return TRACED(t, "RTM_NEWLINK", 0, transact(r, nlh, NULL, NULL, why),
                  "%s index=%d master=%d (%s)", name, ifindex, master,
                  master ? master_name : "none");
}

int rtnl_link_set_up(struct rtnl *r, struct trace *t, int ifindex, const char *name, bool up,
                     struct strbuf *why)
{
    struct ifinfomsg *ifm;
    struct nlmsghdr *nlh = link_msg(r, RTM_NEWLINK, NLM_F_ACK, &ifm);
    ifm->ifi_index = ifindex;
    ifm->ifi_change = IFF_UP;
    ifm->ifi_flags = up ? IFF_UP : 0;
    return TRACED(t, "RTM_NEWLINK", 0, transact(r, nlh, NULL, NULL, why), "%s index=%d flags=%s",
                  name, ifindex, up ? "UP" : "-UP");
}

int rtnl_link_del(struct rtnl *r, struct trace *t, int ifindex, const char *name,
                  struct strbuf *why)
{
    struct ifinfomsg *ifm;
    struct nlmsghdr *nlh = link_msg(r, RTM_DELLINK, NLM_F_ACK, &ifm);
    ifm->ifi_index = ifindex;
    return TRACED(t, "RTM_DELLINK", 0, transact(r, nlh, NULL, NULL, why), "%s index=%d", name,
                  ifindex);
}

int rtnl_addr_change(struct rtnl *r, struct trace *t, bool del, int ifindex, const char *dev,
                     const struct net_addr *a, struct strbuf *why)
{
    struct nlmsghdr *nlh = mnl_nlmsg_put_header(r->req);
    nlh->nlmsg_type = del ? RTM_DELADDR : RTM_NEWADDR;
    nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | (del ? 0 : NLM_F_CREATE | NLM_F_EXCL);
    struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof *ifa);
    ifa->ifa_family = (uint8_t)a->family;
    ifa->ifa_prefixlen = (uint8_t)a->prefix;
    ifa->ifa_index = (unsigned)ifindex;
    ifa->ifa_scope = RT_SCOPE_UNIVERSE;
    size_t alen = a->family == AF_INET ? 4 : 16;
    /* As ip(8) does: IFA_LOCAL is the address of this end, IFA_ADDRESS
     * the same on a broadcast device. */
    mnl_attr_put(nlh, IFA_LOCAL, alen, a->addr);
    mnl_attr_put(nlh, IFA_ADDRESS, alen, a->addr);
    cleanup_sb struct strbuf s = {0};
    net_addr_format(a, &s);
    sb_printf(&s, " dev %s", dev);
    return TRACED(t, del ? "RTM_DELADDR" : "RTM_NEWADDR", 0, transact(r, nlh, NULL, NULL, why),
                  "%s", sb_str(&s));
}

/* --- reads -------------------------------------------------------------- */

struct link_attrs {
    const struct nlattr *tb[IFLA_MAX + 1];
};

static int link_attr_cb(const struct nlattr *attr, void *data)
{
    struct link_attrs *la = data;
    int type = mnl_attr_get_type(attr);
    if (mnl_attr_type_valid(attr, IFLA_MAX) > 0)
        la->tb[type] = attr;
    return MNL_CB_OK;
}

static int info_kind_cb(const struct nlattr *attr, void *data)
{
    if (mnl_attr_get_type(attr) == IFLA_INFO_KIND &&
        mnl_attr_validate(attr, MNL_TYPE_STRING) == 0) {
        char *kind = data;
        snprintf(kind, NET_NAME_MAX, "%.*s", (int)mnl_attr_get_payload_len(attr),
                 (const char *)mnl_attr_get_payload(attr));
    }
    return MNL_CB_OK;
}

static int link_parse(const struct nlmsghdr *nlh, struct net_link *d)
{
    if (nlh->nlmsg_type != RTM_NEWLINK)
        return 0;
    const struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);
    struct link_attrs la = {0};
    mnl_attr_parse(nlh, sizeof *ifm, link_attr_cb, &la);
    memset(d, 0, sizeof *d);
    d->ifindex = ifm->ifi_index;
    d->flags = ifm->ifi_flags;
    d->link_netnsid = -1;
    if (la.tb[IFLA_IFNAME] && mnl_attr_validate(la.tb[IFLA_IFNAME], MNL_TYPE_NUL_STRING) == 0)
        snprintf(d->name, sizeof d->name, "%s", mnl_attr_get_str(la.tb[IFLA_IFNAME]));
    if (la.tb[IFLA_MTU] && mnl_attr_validate(la.tb[IFLA_MTU], MNL_TYPE_U32) == 0)
        d->mtu = (int)mnl_attr_get_u32(la.tb[IFLA_MTU]);
    if (la.tb[IFLA_OPERSTATE] && mnl_attr_validate(la.tb[IFLA_OPERSTATE], MNL_TYPE_U8) == 0)
        d->operstate = mnl_attr_get_u8(la.tb[IFLA_OPERSTATE]);
    if (la.tb[IFLA_ADDRESS]) {
        size_t n = mnl_attr_get_payload_len(la.tb[IFLA_ADDRESS]);
        d->maclen = (int)(n < NET_HWADDR_MAX ? n : NET_HWADDR_MAX);
        memcpy(d->mac, mnl_attr_get_payload(la.tb[IFLA_ADDRESS]), (size_t)d->maclen);
    }
    if (la.tb[IFLA_LINK] && mnl_attr_validate(la.tb[IFLA_LINK], MNL_TYPE_U32) == 0)
        d->link = (int)mnl_attr_get_u32(la.tb[IFLA_LINK]);
    if (la.tb[IFLA_LINK_NETNSID] && mnl_attr_validate(la.tb[IFLA_LINK_NETNSID], MNL_TYPE_U32) == 0)
        d->link_netnsid = (int32_t)mnl_attr_get_u32(la.tb[IFLA_LINK_NETNSID]);
    if (la.tb[IFLA_MASTER] && mnl_attr_validate(la.tb[IFLA_MASTER], MNL_TYPE_U32) == 0)
        d->master = (int)mnl_attr_get_u32(la.tb[IFLA_MASTER]);
    if (la.tb[IFLA_LINKINFO])
        mnl_attr_parse_nested(la.tb[IFLA_LINKINFO], info_kind_cb, d->kind);
    /* A device that links to itself is not showing a peer. */
    if (d->link == d->ifindex && d->link_netnsid < 0)
        d->link = 0;
    return 0;
}

static int link_one_cb(const struct nlmsghdr *nlh, void *data)
{
    return link_parse(nlh, data);
}

int rtnl_link_get(struct rtnl *r, const char *name, int *ifindex, unsigned *flags)
{
    struct ifinfomsg *ifm;
    struct nlmsghdr *nlh = link_msg(r, RTM_GETLINK, 0, &ifm);
    mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
    mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
    struct net_link d = {0};
    if (transact(r, nlh, link_one_cb, &d, NULL) < 0)
        return -1;
    if (d.ifindex == 0) {
        errno = ENODEV;
        return -1;
    }
    *ifindex = d.ifindex;
    if (flags)
        *flags = d.flags;
    return 0;
}

int rtnl_link_state(struct rtnl *r, int netnsid, int ifindex, struct net_link *out)
{
    struct ifinfomsg *ifm;
    struct nlmsghdr *nlh = link_msg(r, RTM_GETLINK, 0, &ifm);
    ifm->ifi_index = ifindex;
    mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
    if (netnsid >= 0)
        mnl_attr_put_u32(nlh, IFLA_TARGET_NETNSID, (uint32_t)netnsid);
    memset(out, 0, sizeof *out);
    if (transact(r, nlh, link_one_cb, out, NULL) < 0)
        return -1;
    if (out->ifindex == 0) {
        errno = ENODEV;
        return -1;
    }
    return 0;
}

static int link_dump_cb(const struct nlmsghdr *nlh, void *data)
{
    struct net_links *l = data;
    struct net_link d;
    link_parse(nlh, &d);
    if (nlh->nlmsg_type != RTM_NEWLINK || d.ifindex == 0)
        return 0;
    l->v = xrealloc(l->v, (l->n + 1) * sizeof *l->v);
    l->v[l->n++] = d;
    return 0;
}

struct addr_attrs {
    const struct nlattr *tb[IFA_MAX + 1];
};

static int addr_attr_cb(const struct nlattr *attr, void *data)
{
    struct addr_attrs *aa = data;
    if (mnl_attr_type_valid(attr, IFA_MAX) > 0)
        aa->tb[mnl_attr_get_type(attr)] = attr;
    return MNL_CB_OK;
}

static int addr_dump_cb(const struct nlmsghdr *nlh, void *data)
{
    struct net_links *l = data;
    if (nlh->nlmsg_type != RTM_NEWADDR)
        return 0;
    const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
    if (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6)
        return 0;
    struct addr_attrs aa = {0};
    mnl_attr_parse(nlh, sizeof *ifa, addr_attr_cb, &aa);
    /* IFA_LOCAL is this end's address (IPv4); IPv6 sends only IFA_ADDRESS. */
    const struct nlattr *at = aa.tb[IFA_LOCAL] ? aa.tb[IFA_LOCAL] : aa.tb[IFA_ADDRESS];
    size_t alen = ifa->ifa_family == AF_INET ? 4 : 16;
    struct net_link *d = net_links_find(l, (int)ifa->ifa_index);
    if (!at || !d || mnl_attr_get_payload_len(at) != alen)
        return 0;
    struct net_addr a = {.family = ifa->ifa_family, .prefix = ifa->ifa_prefixlen};
    memcpy(a.addr, mnl_attr_get_payload(at), alen);
    d->addrs = xrealloc(d->addrs, (d->naddrs + 1) * sizeof *d->addrs);
    d->addrs[d->naddrs++] = a;
    return 0;
}

int rtnl_dump(struct rtnl *r, struct net_links *out, struct nsl_err *e)
{
    struct ifinfomsg *ifm;
    struct nlmsghdr *nlh = link_msg(r, RTM_GETLINK, NLM_F_DUMP, &ifm);
    mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
    if (transact(r, nlh, link_dump_cb, out, NULL) < 0)
        return nsl_fail_errno(e, errno, "RTM_GETLINK dump failed");
    nlh = mnl_nlmsg_put_header(r->req);
    nlh->nlmsg_type = RTM_GETADDR;
    nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof *ifa);
    ifa->ifa_family = AF_UNSPEC;
    if (transact(r, nlh, addr_dump_cb, out, NULL) < 0) {
        int err = errno;
        net_links_free(out);
        return nsl_fail_errno(e, err, "RTM_GETADDR dump failed");
    }
    return 0;
}
