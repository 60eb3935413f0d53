/* The network devices of one network namespace, as rtnetlink reports them
 * (RTM_GETLINK and RTM_GETADDR dumps): plain data, with a text form to carry
 * it from the process that made the dump (the subject, or a helper inside
 * another namespace) to the shell, and parsers of the words users type
 * (device names, CIDR addresses). Nothing here talks to the kernel. */
#ifndef NSLAB_NETLIST_H
#define NSLAB_NETLIST_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

#define NET_NAME_MAX 16 /* IFNAMSIZ, with the NUL */
#define NET_HWADDR_MAX 32

struct net_addr {
    int family; /* AF_INET or AF_INET6 */
    unsigned char addr[16];
    int prefix;
};

struct net_link {
    int ifindex;
    char name[NET_NAME_MAX];
    char kind[NET_NAME_MAX];  /* IFLA_INFO_KIND: "veth", "" when none */
    unsigned flags;           /* IFF_* */
    int operstate;            /* IF_OPER_* */
    int mtu;
    unsigned char mac[NET_HWADDR_MAX];
    int maclen;
    int link;          /* IFLA_LINK: the peer's ifindex (veth), 0 when none */
    int link_netnsid;  /* IFLA_LINK_NETNSID: the peer's namespace, -1 when the same */
    int master;        /* IFLA_MASTER: the bridge it is a port of, 0 when none */
    struct net_addr *addrs;
    size_t naddrs;
};

struct net_links {
    struct net_link *v;
    size_t n;
};

void net_links_free(struct net_links *l);
struct net_link *net_links_find(struct net_links *l, int ifindex);
struct net_link *net_links_find_name(struct net_links *l, const char *name);

/* Text form, one line per device and per address:
 *   link IFINDEX NAME KIND FLAGS OPERSTATE MTU MAC LINK NETNSID MASTER
 *   addr IFINDEX FAMILY ADDRESS PREFIX
 * (KIND and MAC are "-" when empty). */
void net_links_pack(const struct net_links *l, struct strbuf *out);
int net_links_unpack(const char *text, struct net_links *l, struct nsl_err *e);

/* "UP", "DOWN", "LOWERLAYERDOWN", ... as ip(8) prints operstate. */
const char *net_operstate_name(int operstate);
/* "LOOPBACK,BROADCAST,MULTICAST,UP,LOWER_UP" (the flags ip(8) shows). */
void net_flags_format(unsigned flags, struct strbuf *out);
/* "02:fc:00:00:00:01" */
void net_mac_format(const unsigned char *mac, int len, struct strbuf *out);
/* "10.200.0.1/24" or "fe80::1/64" */
void net_addr_format(const struct net_addr *a, struct strbuf *out);

/* A device name the kernel accepts: 1 to 15 bytes, none of '/', ':', white
 * space, not "." or "..". 0 or -1 with an error naming it. */
int net_name_check(const char *name, struct nsl_err *e);
/* "10.200.0.1/24", "fd00::1/64"; the prefix is required. 0 or -1. */
int net_cidr_parse(const char *s, struct net_addr *out, struct nsl_err *e);

#endif
