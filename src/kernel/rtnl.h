/* rtnetlink (rtnetlink(7)) through libmnl: the requests ip(8) makes for
 * `ip link add ... type veth|bridge`, `ip link set ... up|master`,
 * `ip addr add`, and the
 * dumps behind `ip link` / `ip addr`. A netlink socket belongs to the
 * network namespace it was opened in, so whoever opens it decides which
 * namespace every request reaches.
 *
 * Every request is traced readably, with the kernel's answer:
 *   RTM_NEWLINK veth name=v0 peer=v1 netns_fd=5 (/proc/42/ns/net) = 0
 *   RTM_NEWADDR 10.0.0.1/24 dev v0 = -1 EEXIST (File exists)
 * Dumps are reads and are not traced. When the kernel explains a refusal
 * (extended ACK), the sentence is returned in `why`. */
#ifndef NSLAB_RTNL_H
#define NSLAB_RTNL_H

#include "err.h"
#include "kernel/netlist.h"
#include "kernel/trace.h"

struct rtnl;

/* Open and bind a NETLINK_ROUTE socket (in the caller's network namespace). */
int rtnl_open(struct rtnl **out, struct nsl_err *e);
void rtnl_close(struct rtnl *r);

/* RTM_NEWLINK of a veth pair NAME <-> PEER (NLM_F_CREATE|NLM_F_EXCL); with
 * peer_nsfd >= 0 the peer is created in that network namespace
 * (IFLA_NET_NS_FD), shown in the trace as peer_shown. 0 or -1 (errno). */
int rtnl_veth_add(struct rtnl *r, struct trace *t, const char *name, const char *peer,
                  int peer_nsfd, const char *peer_shown, struct strbuf *why);
/* RTM_NEWLINK of a bridge NAME (kind bridge, NLM_F_CREATE|NLM_F_EXCL), as
 * `ip link add NAME type bridge` does. 0 or -1 (errno). */
int rtnl_bridge_add(struct rtnl *r, struct trace *t, const char *name, struct strbuf *why);
/* RTM_NEWLINK setting IFLA_MASTER of ifindex to master (a bridge's ifindex:
 * the device becomes its port; 0: it leaves its bridge), as `ip link set
 * NAME master BRIDGE` / `nomaster` do. Names for the trace. */
int rtnl_link_set_master(struct rtnl *r, struct trace *t, int ifindex, const char *name,
                         int master, const char *master_name, struct strbuf *why);
/* RTM_NEWLINK setting IFF_UP (or clearing it) on ifindex (name for the trace). */
int rtnl_link_set_up(struct rtnl *r, struct trace *t, int ifindex, const char *name, bool up,
                     struct strbuf *why);
/* RTM_DELLINK of ifindex. */
int rtnl_link_del(struct rtnl *r, struct trace *t, int ifindex, const char *name,
                  struct strbuf *why);
/* RTM_NEWADDR (NLM_F_CREATE|NLM_F_EXCL) or, with del, RTM_DELADDR. */
int rtnl_addr_change(struct rtnl *r, struct trace *t, bool del, int ifindex, const char *dev,
                     const struct net_addr *a, struct strbuf *why);

/* The ifindex and IFF_* flags of device NAME (RTM_GETLINK, not traced).
 * 0, or -1 with errno (ENODEV when there is none). */
int rtnl_link_get(struct rtnl *r, const char *name, int *ifindex, unsigned *flags);
/* Device ifindex (of the namespace with id netnsid as this one numbers it,
 * IFLA_TARGET_NETNSID; -1: this namespace) with its IFF_* flags, operstate
 * and peer (RTM_GETLINK, not traced; addrs stay empty). 0, or -1 with errno. */
int rtnl_link_state(struct rtnl *r, int netnsid, int ifindex, struct net_link *out);
/* Every device with its addresses (RTM_GETLINK and RTM_GETADDR dumps). */
int rtnl_dump(struct rtnl *r, struct net_links *out, struct nsl_err *e);

#endif
