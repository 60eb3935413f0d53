#define _GNU_SOURCE
/* veth, link, link up, addr add: network namespaces through rtnetlink. The
 * subject opens the netlink socket, so its requests reach the subject's
 * network namespace; `link TARGET` reads another namespace from a helper
 * inside it. What the session changes in the host's namespace is undone at
 * exit (made.c). */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "kernel/rtnl.h"
#include "subject/nshelper.h"
#include "render/render.h"
#include "subject/ops.h"
#include "session/target.h"
#include "cmd/cmd_net.h"
#include "session/made.h"
#include "i18n.h"

static const char *ns_words(struct nsl *sh, ino_t ino, char *buf, size_t size)
{
    char b[32];
    snprintf(buf, size, "%s (%s)", fmt_ino(sh, NS_NET, ino, b, sizeof b),
             ino == sh->host_ns[NS_NET].ino ? _("the host's") : _("not the host's"));
    return buf;
}

static const char *privilege_hint(void)
{
    return geteuid() == 0 ? _("CAP_NET_ADMIN in the user namespace that owns the network "
                              "namespace (after `unshare user`, only over namespaces the new one "
                              "owns)")
                          : _("CAP_NET_ADMIN in the user namespace that owns the network "
                              "namespace: `unshare user net` first, or run nslab as root");
}

/* The kernel's own sentence, when it gave one (extended ACK). */
static const char *why_suffix(const struct subj_rep *rep, char *buf, size_t size)
{
    if (rep->data.len == 0)
        return "";
    snprintf(buf, size, " (the kernel says: %s)", sb_str(&rep->data));
    return buf;
}

static int cmd_veth_run(struct nsl *sh, int argc, char **argv)
{
    const char *name = NULL, *peer = NULL, *peer_target = NULL;
    struct nsl_err e;
    for (int k = 1; k < argc; k++) {
        if (strcmp(argv[k], "--peer-ns") == 0) {
            if (k + 1 >= argc)
                return step_usage(sh, "--peer-ns needs a TARGET (self, host, PID or %%N)");
            peer_target = argv[++k];
        } else if (argv[k][0] == '-') {
            return step_usage(sh, "veth: unknown option '%s' (--peer-ns TARGET)", argv[k]);
        } else if (!name) {
            name = argv[k];
        } else if (!peer) {
            peer = argv[k];
        } else {
            return step_usage(sh, "usage: veth NAME PEER [--peer-ns TARGET]");
        }
    }
    if (!peer)
        return step_usage(sh, "usage: veth NAME PEER [--peer-ns TARGET]");
    if (net_name_check(name, &e) < 0 || net_name_check(peer, &e) < 0)
        return step_fail_err(sh, &e);
    ino_t subj_ns = ns_inode_of(sh, sh->subj.pid, NS_NET), peer_ns = subj_ns;
    struct target t = {0};
    int fd = -1;
    char shown[96], pb[32];
    if (peer_target) {
        if (target_resolve(sh, peer_target, 0, &t, &e) < 0)
            return step_fail_err(sh, &e);
        char rel[64];
        snprintf(rel, sizeof rel, "%d/ns/net", (int)t.pid);
        fd = openat(sh->procfd, rel, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            return step_fail_errno(sh, errno, "cannot open /proc/%s/ns/net",
                                   fmt_pid(sh, t.pid, pb, sizeof pb));
        snprintf(shown, sizeof shown, "/proc/%s/ns/net", fmt_pid(sh, t.pid, pb, sizeof pb));
        peer_ns = ns_inode_of(sh, t.pid, NS_NET);
    }
    if (strcmp(name, peer) == 0 && peer_ns == subj_ns) {
        if (fd >= 0)
            close(fd);
        return step_usage(sh,
                          "the two ends of a veth pair in one namespace need two "
                          "names ('%s' twice)",
                          name);
    }
    cleanup_subj_req struct subj_req rq = {0};
    net_req_pack(&rq, &(struct net_req){.op = NET_OP_VETH, .name = name, .peer = peer,
                                        .peer_ns_fd = fd, .peer_shown = shown});
    cleanup_subj_rep struct subj_rep rep = {0};
    int rc = subject_call(sh, &rq, &rep, &e);
    if (fd >= 0)
        close(fd);
    if (rc < 0)
        return step_fail_err(sh, &e);
    char n1[96], n2[96], wb[300];
    ns_words(sh, subj_ns, n1, sizeof n1);
    ns_words(sh, peer_ns, n2, sizeof n2);
    if (rep.ret < 0) {
        int err = rep.err;
        if (err == EEXIST)
            rc = step_fail_errno(sh, err, "a device named %s or %s already exists (in the "
                                          "subject's network namespace %s%s%s)%s", name, peer, n1,
                                 peer_target ? " or in " : "", peer_target ? n2 : "",
                                 why_suffix(&rep, wb, sizeof wb));
        else if (err == EPERM)
            rc = step_fail_errno(sh, err, "creating the veth pair needs %s%s", privilege_hint(),
                                 peer_target ? "; moving the peer needs it over the target's "
                                               "namespace too" : "");
        else
            rc = step_fail_errno(sh, err, "cannot create the veth pair %s/%s%s", name, peer,
                                 why_suffix(&rep, wb, sizeof wb));
        return rc;
    }
    struct net_rep out;
    subj_rep_get(&rep, &out, sizeof out);
    out_printf(sh, _("veth pair: %s in the subject's network namespace %s,\n"), name, n1);
    if (peer_target)
        out_printf(sh, "           %s in %s's %s.\n", peer, peer_target, n2);
    else
        out_printf(sh, _("           %s in the same namespace.\n"), peer);
    out_printf(sh, _("What enters one end leaves the other: a cable between two namespaces. Both "
                   "ends start DOWN (`link up NAME`).\n"));
    /* In the host's namespace the pair outlives the session: note it for
     * deletion at exit. */
    if (subj_ns == sh->host_ns[NS_NET].ino) {
        struct made_net m = {.what = MADE_NET_DEVICE, .ifindex = out.ifindex};
        snprintf(m.name, sizeof m.name, "%s", name);
        made_add_net(sh, &m);
    }
    if (peer_ns == sh->host_ns[NS_NET].ino) {
        struct rtnl *r;
        struct made_net m = {.what = MADE_NET_DEVICE};
        snprintf(m.name, sizeof m.name, "%s", peer);
        if (rtnl_open(&r, &e) == 0) {
            if (rtnl_link_get(r, peer, &m.ifindex, NULL) == 0)
                made_add_net(sh, &m);
            rtnl_close(r);
        }
    }
    if (subj_ns == sh->host_ns[NS_NET].ino || peer_ns == sh->host_ns[NS_NET].ino)
        out_printf(sh, _("One end is in the host's network namespace: nslab deletes the pair when "
                       "the session ends.\n"));
    cJSON *res = cJSON_CreateObject();
    cJSON_AddStringToObject(res, "name", name);
    cJSON_AddStringToObject(res, "peer", peer);
    cJSON_AddNumberToObject(res, "ifindex", out.ifindex);
    cJSON_AddItemToObject(res, "ns", json_ino(sh, NS_NET, subj_ns));
    cJSON_AddItemToObject(res, "peer_ns", json_ino(sh, NS_NET, peer_ns));
    sh->step.result = res;
    return 0;
}

int cmd_veth(struct nsl *sh, int argc, char **argv)
{
    return cmd_veth_run(sh, argc, argv);
}

/* --- link ---------------------------------------------------------------- */

static void links_render(struct nsl *sh, struct net_links *l, cJSON *arr)
{
    out_printf(sh, "  %-4s %-16s %-8s %-32s %-18s %s\n", "IDX", "NAME", "STATE", "FLAGS", "MAC",
               "ADDRESSES");
    for (size_t k = 0; k < l->n; k++) {
        struct net_link *d = &l->v[k];
        struct strbuf name = {0}, flags = {0}, mac = {0}, addrs = {0};
        sb_append(&name, d->name);
        if (d->link && d->link_netnsid >= 0) {
            sb_printf(&name, "@if%d", d->link); /* its peer, in another namespace */
        } else if (d->link) {
            struct net_link *p = net_links_find(l, d->link);
            sb_printf(&name, "@%s", p ? p->name : "?");
        }
        net_flags_format(d->flags, &flags);
        if (d->maclen)
            net_mac_format(d->mac, d->maclen, &mac);
        else
            sb_append(&mac, "-");
        cJSON *j = cJSON_CreateObject();
        cJSON_AddNumberToObject(j, "ifindex", d->ifindex);
        cJSON_AddStringToObject(j, "ifname", d->name);
        if (d->kind[0])
            cJSON_AddStringToObject(j, "kind", d->kind);
        cJSON_AddStringToObject(j, "operstate", net_operstate_name(d->operstate));
        cJSON_AddStringToObject(j, "flags", sb_str(&flags));
        cJSON_AddNumberToObject(j, "mtu", d->mtu);
        cJSON_AddStringToObject(j, "address", sb_str(&mac));
        if (d->link)
            cJSON_AddNumberToObject(j, "link_index", d->link);
        if (d->link_netnsid >= 0)
            cJSON_AddNumberToObject(j, "link_netnsid", d->link_netnsid);
        cJSON *ai = cJSON_AddArrayToObject(j, "addr_info");
        for (size_t a = 0; a < d->naddrs; a++) {
            struct strbuf s = {0};
            net_addr_format(&d->addrs[a], &s);
            sb_printf(&addrs, "%s%s", a ? " " : "", sb_str(&s));
            char *slash = strchr(s.buf, '/');
            *slash = '\0';
            cJSON *o = cJSON_CreateObject();
            cJSON_AddStringToObject(o, "family", d->addrs[a].family == AF_INET ? "inet" : "inet6");
            cJSON_AddStringToObject(o, "local", s.buf);
            cJSON_AddNumberToObject(o, "prefixlen", d->addrs[a].prefix);
            cJSON_AddItemToArray(ai, o);
            sb_free(&s);
        }
        cJSON_AddItemToArray(arr, j);
        out_printf(sh, "  %-4d %-16s %-8s %-32s %-18s %s\n", d->ifindex, sb_str(&name),
                   net_operstate_name(d->operstate), sb_str(&flags), sb_str(&mac),
                   addrs.len ? sb_str(&addrs) : "-");
        sb_free(&name);
        sb_free(&flags);
        sb_free(&mac);
        sb_free(&addrs);
    }
}

static const char *target_whose(const char *word)
{
    return strcmp(word, "self") == 0 ? "the subject" : strcmp(word, "host") == 0 ? "the host" : word;
}

int net_links_of(struct nsl *sh, const char *word, struct net_links *l, ino_t *ns_out,
                 const char **how, struct nsl_err *e)
{
    const char *whose = target_whose(word);
    struct target t;
    if (target_resolve(sh, word, 0, &t, e) < 0)
        return -1;
    ino_t ns = ns_inode_of(sh, t.pid, NS_NET);
    char pb[32];
    if (!ns)
        return nsl_fail_errno(e, errno, "cannot read /proc/%s/ns/net",
                              fmt_pid(sh, t.pid, pb, sizeof pb));
    struct strbuf text = {0};
    int err = 0, rc;
    if (ns == sh->host_ns[NS_NET].ino) {
        /* The shell is in the host's network namespace itself. */
        rc = nshelper_run_here(&sh->step.trace, net_dump_fn, NULL, &text, &err);
        *how = "read by the shell, which is in it";
    } else if (ns == ns_inode_of(sh, sh->subj.pid, NS_NET)) {
        cleanup_subj_req struct subj_req rq = {0};
        net_req_pack(&rq, &(struct net_req){.op = NET_OP_DUMP, .peer_ns_fd = -1});
        cleanup_subj_rep struct subj_rep rep = {0};
        if (subject_call(sh, &rq, &rep, e) < 0)
            return -1;
        rc = rep.ret < 0 ? -1 : 0;
        err = rep.err;
        if (rc == 0)
            sb_appendn(&text, sb_str(&rep.data), rep.data.len);
        *how = "read by the subject, which is in it";
    } else {
        rc = nshelper_run(sh, &sh->step.trace, t.pid, NS_NET, net_dump_fn, NULL, &text, &err, e);
        if (rc < 0 && err == 0) {
            sb_free(&text);
            return -1;
        }
        *how = "read by a helper process that entered it (a netlink socket answers for the "
               "namespace it was opened in)";
    }
    if (rc < 0) {
        sb_free(&text);
        if (err == EPERM)
            return nsl_fail_errno(e, err, "cannot enter %s's network namespace: setns needs "
                                          "CAP_SYS_ADMIN over it", whose);
        return nsl_fail_errno(e, err, "cannot list the devices of %s's network namespace", whose);
    }
    rc = net_links_unpack(sb_str(&text), l, e);
    sb_free(&text);
    *ns_out = ns;
    return rc;
}

static int link_show(struct nsl *sh, const char *word)
{
    struct net_links l = {0};
    struct nsl_err e;
    ino_t ns = 0;
    const char *how = "";
    char nb[96];
    if (net_links_of(sh, word, &l, &ns, &how, &e) < 0)
        return step_fail_err(sh, &e);
    struct target t = {0};
    target_resolve(sh, word, 0, &t, &e);
    out_printf(sh, _("Network devices in %s's network namespace %s, %s:\n"), target_whose(word),
               ns_words(sh, ns, nb, sizeof nb), how);
    cJSON *res = cJSON_CreateObject();
    cJSON_AddItemToObject(res, "pid", json_pid(sh, t.pid));
    cJSON_AddItemToObject(res, "ns", json_ino(sh, NS_NET, ns));
    cJSON_AddBoolToObject(res, "host_ns", ns == sh->host_ns[NS_NET].ino);
    links_render(sh, &l, cJSON_AddArrayToObject(res, "links"));
    sh->step.result = res;
    net_links_free(&l);
    return 0;
}

static int link_up(struct nsl *sh, const char *name)
{
    struct nsl_err e;
    if (net_name_check(name, &e) < 0)
        return step_fail_err(sh, &e);
    cleanup_subj_req struct subj_req rq = {0};
    net_req_pack(&rq, &(struct net_req){.op = NET_OP_UP, .name = name, .peer_ns_fd = -1});
    cleanup_subj_rep struct subj_rep rep = {0};
    if (subject_call(sh, &rq, &rep, &e) < 0)
        return step_fail_err(sh, &e);
    ino_t ns = ns_inode_of(sh, sh->subj.pid, NS_NET);
    char nb[96], wb[300];
    int rc = 0;
    struct net_rep out;
    subj_rep_get(&rep, &out, sizeof out);
    if (rep.ret < 0) {
        if (rep.err == ENODEV)
            rc = step_fail_errno(sh, rep.err, "there is no device %s in the subject's network "
                                              "namespace %s (`link` lists them)", name,
                                 ns_words(sh, ns, nb, sizeof nb));
        else if (rep.err == EPERM)
            rc = step_fail_errno(sh, rep.err, "bringing %s up needs %s", name, privilege_hint());
        else
            rc = step_fail_errno(sh, rep.err, "cannot bring %s up%s", name,
                                 why_suffix(&rep, wb, sizeof wb));
    } else {
        if (out.state == LINK_OPERATIONAL && sh->opt.stable) /* no timing: same bytes each run */
            out_printf(sh, _("%s is up (IFF_UP) and operational (LOWER_UP, operstate %s): "
                             "packets go through from now on.\n"),
                       name, net_operstate_name(out.operstate));
        else if (out.state == LINK_OPERATIONAL)
            out_printf(sh, _("%s is up (IFF_UP) and operational (LOWER_UP, operstate %s) after "
                             "%lld ms: packets go through from now on.\n"),
                       name, net_operstate_name(out.operstate), (long long)out.waited_ms);
        else if (out.state == LINK_NOT_YET)
            out_printf(sh, _("%s is up (IFF_UP) and has a carrier (LOWER_UP), but after %lld ms "
                             "the kernel still reports operstate %s (or its peer is not UP yet): "
                             "packets may be dropped until both read UP (`link`).\n"),
                       name, (long long)out.waited_ms, net_operstate_name(out.operstate));
        else
            out_printf(sh, _("%s is up (IFF_UP) but has no carrier (no LOWER_UP): for a veth, the "
                             "carrier comes when its peer is up too. Its state reads UP then.\n"),
                       name);
        if (ns == sh->host_ns[NS_NET].ino && !out.was_up && !made_is_device(sh, out.ifindex)) {
            struct made_net m = {.what = MADE_NET_UP, .ifindex = out.ifindex};
            snprintf(m.name, sizeof m.name, "%s", name);
            made_add_net(sh, &m);
            out_printf(sh, _("It is a device of the host's network namespace: nslab brings it down "
                           "again when the session ends.\n"));
        }
        cJSON *res = cJSON_CreateObject();
        cJSON_AddStringToObject(res, "name", name);
        cJSON_AddNumberToObject(res, "ifindex", out.ifindex);
        cJSON_AddBoolToObject(res, "operational", out.state == LINK_OPERATIONAL);
        cJSON_AddNumberToObject(res, "waited_ms", (double)out.waited_ms);
        sh->step.result = res;
    }
    return rc;
}

int cmd_link(struct nsl *sh, int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "up") == 0) {
        if (argc != 3)
            return step_usage(sh, "usage: link up NAME");
        return link_up(sh, argv[2]);
    }
    if (argc > 2)
        return step_usage(sh, "usage: link [TARGET] | link up NAME");
    return link_show(sh, argc == 2 ? argv[1] : "self");
}

int cmd_addr(struct nsl *sh, int argc, char **argv)
{
    if (argc != 5 || strcmp(argv[1], "add") != 0 || strcmp(argv[3], "dev") != 0)
        return step_usage(sh, "usage: addr add CIDR dev NAME");
    struct nsl_err e;
    struct net_addr a;
    if (net_cidr_parse(argv[2], &a, &e) < 0 || net_name_check(argv[4], &e) < 0)
        return step_fail_err(sh, &e);
    cleanup_subj_req struct subj_req rq = {0};
    net_req_pack(&rq, &(struct net_req){.op = NET_OP_ADDR, .name = argv[4], .cidr = argv[2],
                                        .peer_ns_fd = -1});
    cleanup_subj_rep struct subj_rep rep = {0};
    if (subject_call(sh, &rq, &rep, &e) < 0)
        return step_fail_err(sh, &e);
    ino_t ns = ns_inode_of(sh, sh->subj.pid, NS_NET);
    char nb[96], wb[300];
    int rc = 0;
    struct net_rep out;
    subj_rep_get(&rep, &out, sizeof out);
    if (rep.ret < 0) {
        if (rep.err == ENODEV)
            rc = step_fail_errno(sh, rep.err, "there is no device %s in the subject's network "
                                              "namespace %s (`link` lists them)", argv[4],
                                 ns_words(sh, ns, nb, sizeof nb));
        else if (rep.err == EEXIST)
            rc = step_fail_errno(sh, rep.err, "%s already has the address %s", argv[4], argv[2]);
        else if (rep.err == EPERM)
            rc = step_fail_errno(sh, rep.err, "adding an address needs %s", privilege_hint());
        else
            rc = step_fail_errno(sh, rep.err, "cannot add %s to %s%s", argv[2], argv[4],
                                 why_suffix(&rep, wb, sizeof wb));
    } else {
        out_printf(sh, _("%s has the address %s in the network namespace %s; the kernel also added "
                       "a route to its subnet there.\n"), argv[4], argv[2],
                   ns_words(sh, ns, nb, sizeof nb));
        if (ns == sh->host_ns[NS_NET].ino && !made_is_device(sh, out.ifindex)) {
            struct made_net m = {.what = MADE_NET_ADDR, .ifindex = out.ifindex, .addr = a};
            snprintf(m.name, sizeof m.name, "%s", argv[4]);
            made_add_net(sh, &m);
            out_printf(sh, _("It is a device of the host's network namespace: nslab removes the "
                           "address when the session ends.\n"));
        }
        cJSON *res = cJSON_CreateObject();
        cJSON_AddStringToObject(res, "address", argv[2]);
        cJSON_AddStringToObject(res, "dev", argv[4]);
        cJSON_AddNumberToObject(res, "ifindex", out.ifindex);
        cJSON_AddBoolToObject(res, "operational", out.state == LINK_OPERATIONAL);
        cJSON_AddNumberToObject(res, "waited_ms", (double)out.waited_ms);
        sh->step.result = res;
    }
    return rc;
}
