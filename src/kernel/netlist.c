#define _GNU_SOURCE
#include "kernel/netlist.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/if.h>

void net_links_free(struct net_links *l)
{
    for (size_t k = 0; k < l->n; k++)
        free(l->v[k].addrs);
    free(l->v);
    l->v = NULL;
    l->n = 0;
}

struct net_link *net_links_find(struct net_links *l, int ifindex)
{
    for (size_t k = 0; k < l->n; k++)
        if (l->v[k].ifindex == ifindex)
            return &l->v[k];
    return NULL;
}

struct net_link *net_links_find_name(struct net_links *l, const char *name)
{
    for (size_t k = 0; k < l->n; k++)
        if (strcmp(l->v[k].name, name) == 0)
            return &l->v[k];
    return NULL;
}

void net_mac_format(const unsigned char *mac, int len, struct strbuf *out)
{
    for (int k = 0; k < len; k++)
        sb_printf(out, "%s%02x", k ? ":" : "", mac[k]);
}

void net_addr_format(const struct net_addr *a, struct strbuf *out)
{
    char buf[INET6_ADDRSTRLEN];
    if (!inet_ntop(a->family, a->addr, buf, sizeof buf))
        snprintf(buf, sizeof buf, "?");
    sb_printf(out, "%s/%d", buf, a->prefix);
}

void net_links_pack(const struct net_links *l, struct strbuf *out)
{
    for (size_t k = 0; k < l->n; k++) {
        const struct net_link *d = &l->v[k];
        sb_printf(out, "link %d %s %s %u %d %d ", d->ifindex, d->name, d->kind[0] ? d->kind : "-",
                  d->flags, d->operstate, d->mtu);
        if (d->maclen)
            net_mac_format(d->mac, d->maclen, out);
        else
            sb_append(out, "-");
        sb_printf(out, " %d %d %d\n", d->link, d->link_netnsid, d->master);
        for (size_t j = 0; j < d->naddrs; j++) {
            char buf[INET6_ADDRSTRLEN];
            const struct net_addr *a = &d->addrs[j];
            if (!inet_ntop(a->family, a->addr, buf, sizeof buf))
                continue;
            sb_printf(out, "addr %d %s %s %d\n", d->ifindex, a->family == AF_INET6 ? "inet6" : "inet",
                      buf, a->prefix);
        }
    }
}

static int mac_parse(const char *s, unsigned char *mac, int *len)
{
    *len = 0;
    if (strcmp(s, "-") == 0)
        return 0;
    while (*s) {
        char *end;
        if (*len >= NET_HWADDR_MAX || !isxdigit((unsigned char)*s))
            return -1;
        unsigned long b = strtoul(s, &end, 16);
        if (b > 255 || end - s > 2)
            return -1;
        mac[(*len)++] = (unsigned char)b;
        s = *end == ':' ? end + 1 : end;
        if (*end && *end != ':')
            return -1;
    }
    return 0;
}

int net_links_unpack(const char *text, struct net_links *l, struct nsl_err *e)
{
    cleanup_free char *copy = xstrdup(text);
    char *save = NULL;
    int lineno = 0;
    for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        lineno++;
        char name[64], kind[64], mac[128], fam[16], addr[64];
        struct net_link d = {0};
        int idx, prefix;
        if (sscanf(line, "link %d %63s %63s %u %d %d %127s %d %d %d", &d.ifindex, name, kind,
                   &d.flags, &d.operstate, &d.mtu, mac, &d.link, &d.link_netnsid,
                   &d.master) == 10) {
            if (strlen(name) >= NET_NAME_MAX || strlen(kind) >= NET_NAME_MAX ||
                mac_parse(mac, d.mac, &d.maclen) < 0)
                goto bad;
            snprintf(d.name, sizeof d.name, "%s", name);
            snprintf(d.kind, sizeof d.kind, "%s", strcmp(kind, "-") != 0 ? kind : "");
            l->v = xrealloc(l->v, (l->n + 1) * sizeof *l->v);
            l->v[l->n++] = d;
        } else if (sscanf(line, "addr %d %15s %63s %d", &idx, fam, addr, &prefix) == 4) {
            struct net_link *owner = net_links_find(l, idx);
            struct net_addr a = {.family = strcmp(fam, "inet6") == 0 ? AF_INET6 : AF_INET,
                                 .prefix = prefix};
            if (!owner || inet_pton(a.family, addr, a.addr) != 1)
                goto bad;
            owner->addrs = xrealloc(owner->addrs, (owner->naddrs + 1) * sizeof *owner->addrs);
            owner->addrs[owner->naddrs++] = a;
        } else {
            goto bad;
        }
    }
    return 0;
bad:
    net_links_free(l);
    return nsl_fail(e, EPROTO, "malformed device list from the network namespace (line %d)",
                    lineno);
}

const char *net_operstate_name(int s)
{
    static const char *const names[] = {"UNKNOWN", "NOTPRESENT", "DOWN", "LOWERLAYERDOWN",
                                        "TESTING", "DORMANT", "UP"};
    return s >= 0 && (size_t)s < ARRAY_SIZE(names) ? names[s] : "UNKNOWN";
}

void net_flags_format(unsigned flags, struct strbuf *out)
{
    static const struct {
        unsigned flag;
        const char *name;
    } names[] = {
        {IFF_LOOPBACK, "LOOPBACK"},   {IFF_BROADCAST, "BROADCAST"}, {IFF_POINTOPOINT, "POINTOPOINT"},
        {IFF_MULTICAST, "MULTICAST"}, {IFF_NOARP, "NOARP"},         {IFF_UP, "UP"},
        {IFF_LOWER_UP, "LOWER_UP"},
    };
    bool first = true;
    for (size_t k = 0; k < ARRAY_SIZE(names); k++) {
        if (flags & names[k].flag) {
            sb_printf(out, "%s%s", first ? "" : ",", names[k].name);
            first = false;
        }
    }
    if (first)
        sb_append(out, "-");
}

int net_name_check(const char *name, struct nsl_err *e)
{
    size_t len = strlen(name);
    if (len == 0 || len >= NET_NAME_MAX)
        return nsl_usage(e, "'%s' cannot be a device name: it must be 1 to %d bytes long", name,
                         NET_NAME_MAX - 1);
    if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
        return nsl_usage(e, "'%s' cannot be a device name", name);
    for (const char *p = name; *p; p++)
        if (*p == '/' || *p == ':' || isspace((unsigned char)*p) || (unsigned char)*p < 0x20)
            return nsl_usage(e, "'%s' cannot be a device name: no '/', ':' or white space", name);
    return 0;
}

int net_cidr_parse(const char *s, struct net_addr *out, struct nsl_err *e)
{
    const char *slash = strchr(s, '/');
    char host[INET6_ADDRSTRLEN + 1];
    memset(out, 0, sizeof *out);
    if (!slash || (size_t)(slash - s) >= sizeof host)
        return nsl_usage(e, "'%s' is not an address with a prefix length, like 10.200.0.1/24", s);
    memcpy(host, s, (size_t)(slash - s));
    host[slash - s] = '\0';
    if (inet_pton(AF_INET, host, out->addr) == 1)
        out->family = AF_INET;
    else if (inet_pton(AF_INET6, host, out->addr) == 1)
        out->family = AF_INET6;
    else
        return nsl_usage(e, "'%s' is not an IPv4 or IPv6 address", host);
    long p;
    if (parse_long(slash + 1, 0, out->family == AF_INET ? 32 : 128, &p) < 0)
        return nsl_usage(e, "'%s' is not a prefix length for %s (0 to %d)", slash + 1,
                         out->family == AF_INET ? "IPv4" : "IPv6",
                         out->family == AF_INET ? 32 : 128);
    out->prefix = (int)p;
    return 0;
}
