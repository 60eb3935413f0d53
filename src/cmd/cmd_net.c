#define _GNU_SOURCE
/* veth, link, link up, link master, addr add: network namespaces through
 * rtnetlink. The subject opens the netlink socket, so its requests reach the
 * subject's network namespace; `link TARGET` reads another namespace from a helper
 * inside it. What the session changes in the host's namespace is undone at
 * exit (made.c). */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "cmd/handlers.h"
#include "kernel/rtnl.h"
#include "subject/nshelper.h"
#include "render/render.h"
#include "subject/ops.h"
#include "session/target.h"
#include "cmd/cmd_net.h"
#include "session/made.h"
#include "session/made_ns.h"
#include "i18n.h"

const char *ns_words(struct nsl *sh, ino_t ino, char *buf, size_t size)
{
    char b[32];
    snprintf(buf, size, "%s (%s)", fmt_ino(sh, NS_NET, ino, b, sizeof b),
             ino == sh->host_ns[NS_NET].ino ? _("the host's") : _("not the host's"));
    return buf;
}

const char *privilege_hint(void)
{
    return geteuid() == 0 ? _("CAP_NET_ADMIN in the user namespace that owns the network "
                              "namespace (after `unshare user`, only over namespaces the new one "
                              "owns)")
                          : _("CAP_NET_ADMIN in the user namespace that owns the network "
                              "namespace: `unshare user net` first, or run nslab as root");
}

/* The kernel's own sentence, when it gave one (extended ACK). */
const char *why_suffix(const struct subj_rep *rep, char *buf, size_t size)
{
    if (rep->data.len == 0)
        return "";
    snprintf(buf, size, " (the kernel says: %s)", sb_str(&rep->data));
    return buf;
}

int net_guard_made(struct nsl *sh, const char *what)
{
    char nb[96];
    ino_t ns = ns_inode_of(sh, sh->subj.pid, NS_NET);
    if (ns && made_ns_has(sh, NS_NET, ns))
        return 0;
    return step_fail(sh, 0,
                     "refusing to %s: the subject is in the network namespace %s, which this "
                     "session did not create (the host's, or one entered with setns), where "
                     "a bridge would switch traffic of processes the session did not start; "
                     "run `unshare net` first, or `setns net %%N` into a job started with "
                     "`spawn --ns net`",
                     _(what), ns_words(sh, ns, nb, sizeof nb));
}

/* veth's words: NAME PEER [--peer-ns TARGET]. */
static int veth_args(struct nsl *sh, int argc, char **argv, const char **name, const char **peer,
                     const char **peer_target)
{
    struct nsl_err e;
    for (int k = 1; k < argc; k++) {
        if (strcmp(argv[k], "--peer-ns") == 0) {
            if (k + 1 >= argc)
                return step_usage(sh, "--peer-ns needs a TARGET (self, host, PID or %%N)");
            *peer_target = argv[++k];
        } else if (argv[k][0] == '-') {
            return step_usage(sh, "veth: unknown option '%s' (--peer-ns TARGET)", argv[k]);
        } else if (!*name) {
            *name = argv[k];
        } else if (!*peer) {
            *peer = argv[k];
        } else {
            return step_usage(sh, "usage: veth NAME PEER [--peer-ns TARGET]");
        }
    }
    if (!*peer)
        return step_usage(sh, "usage: veth NAME PEER [--peer-ns TARGET]");
    if (net_name_check(*name, &e) < 0 || net_name_check(*peer, &e) < 0)
        return step_fail_err(sh, &e);
    return 0;
}

/* --peer-ns TARGET: its network namespace, opened (*fd) for the subject,
 * with the path as shown (shown) and its inode (*peer_ns). */
static int veth_peer_open(struct nsl *sh, const char *peer_target, int *fd, char *shown,
                          size_t shown_size, ino_t *peer_ns)
{
    struct target t = {0};
    struct nsl_err e;
    char rel[64], pb[32];
    if (target_resolve(sh, peer_target, 0, &t, &e) < 0)
        return step_fail_err(sh, &e);
    snprintf(rel, sizeof rel, "%d/ns/net", (int)t.pid);
    *fd = openat(sh->procfd, rel, O_RDONLY | O_CLOEXEC);
    if (*fd < 0)
        return step_fail_errno(sh, errno, "cannot open /proc/%s/ns/net",
                               fmt_pid(sh, t.pid, pb, sizeof pb));
    snprintf(shown, shown_size, "/proc/%s/ns/net", fmt_pid(sh, t.pid, pb, sizeof pb));
    *peer_ns = ns_inode_of(sh, t.pid, NS_NET);
    return 0;
}

/* Why the kernel refused the pair. */
static int veth_refused(struct nsl *sh, const struct subj_rep *rep, const char *name,
                        const char *peer, const char *peer_target, const char *n1, const char *n2)
{
    char wb[300];
    int err = rep->err;
    if (err == EEXIST)
        return step_fail_errno(sh, err, "a device named %s or %s already exists (in the "
                                        "subject's network namespace %s%s%s)%s", name, peer, n1,
                               peer_target ? " or in " : "", peer_target ? n2 : "",
                               why_suffix(rep, wb, sizeof wb));
    if (err == EPERM)
        return step_fail_errno(sh, err, "creating the veth pair needs %s%s", privilege_hint(),
                               peer_target ? "; moving the peer needs it over the target's "
                                             "namespace too" : "");
    return step_fail_errno(sh, err, "cannot create the veth pair %s/%s%s", name, peer,
                           why_suffix(rep, wb, sizeof wb));
}

/* An end in the host's namespace outlives the session: note it for
 * deletion at exit. */
static bool veth_note_host_ends(struct nsl *sh, int ifindex, const char *name,
                                const char *peer, ino_t subj_ns, ino_t peer_ns)
{
    struct nsl_err e;
    if (subj_ns == sh->host_ns[NS_NET].ino) {
        struct made_net m = {.what = MADE_NET_DEVICE, .ifindex = ifindex};
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
    return subj_ns == sh->host_ns[NS_NET].ino || peer_ns == sh->host_ns[NS_NET].ino;
}

static int cmd_veth_run(struct nsl *sh, int argc, char **argv)
{
    const char *name = NULL, *peer = NULL, *peer_target = NULL;
    struct nsl_err e;
    if (veth_args(sh, argc, argv, &name, &peer, &peer_target) < 0)
        return -1;
    ino_t subj_ns = ns_inode_of(sh, sh->subj.pid, NS_NET), peer_ns = subj_ns;
    int fd = -1;
    char shown[96];
    if (peer_target && veth_peer_open(sh, peer_target, &fd, shown, sizeof shown, &peer_ns) < 0)
        return -1;
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
    char n1[96], n2[96];
    ns_words(sh, subj_ns, n1, sizeof n1);
    ns_words(sh, peer_ns, n2, sizeof n2);
    if (rep.ret < 0) {
        rc = veth_refused(sh, &rep, name, peer, peer_target, n1, n2);
        return rc;
    }
    struct net_rep out;
    subj_rep_get(&rep, &out, sizeof out);
    out_printf(sh, _("veth pair: %s in the subject's network namespace %s,\n"), name, n1);
    if (peer_target)
        out_printf(sh, _("           %s in %s's %s.\n"), peer, peer_target, n2);
    else
        out_printf(sh, _("           %s in the same namespace.\n"), peer);
    out_printf(sh, _("What enters one end leaves the other: a cable between two namespaces. Both "
                   "ends start DOWN (`link up NAME`).\n"));
    if (veth_note_host_ends(sh, out.ifindex, name, peer, subj_ns, peer_ns))
        out_printf(sh, _("One end is in the host's network namespace: nslab deletes the pair when "
                       "the session ends.\n"));
    print_string(sh, PRINT_JSON, "name", NULL, name);
    print_string(sh, PRINT_JSON, "peer", NULL, peer);
    print_int(sh, PRINT_JSON, "ifindex", NULL, out.ifindex);
    print_ino(sh, PRINT_JSON, "ns", NULL, NS_NET, subj_ns);
    print_ino(sh, PRINT_JSON, "peer_ns", NULL, NS_NET, peer_ns);
    return 0;
}

int cmd_veth(struct nsl *sh, int argc, char **argv)
{
    return cmd_veth_run(sh, argc, argv);
}

/* --- link ---------------------------------------------------------------- */

static void links_render(struct nsl *sh, struct net_links *l)
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
        /* One row of text, one object of the "links" array: the names
         * differ (the row shows NAME@PEER, the object ifname and link_*). */
        open_json_object(sh, NULL);
        print_int(sh, PRINT_ANY, "ifindex", "  %-4lld ", d->ifindex);
        print_string(sh, PRINT_JSON, "ifname", NULL, d->name);
        if (d->kind[0])
            print_string(sh, PRINT_JSON, "kind", NULL, d->kind);
        out_printf(sh, "%-16s ", sb_str(&name));
        print_string(sh, PRINT_ANY, "operstate", "%-8s ", net_operstate_name(d->operstate));
        print_string(sh, PRINT_ANY, "flags", "%-32s ", sb_str(&flags));
        print_int(sh, PRINT_JSON, "mtu", NULL, d->mtu);
        print_string(sh, PRINT_ANY, "address", "%-18s ", sb_str(&mac));
        if (d->link)
            print_int(sh, PRINT_JSON, "link_index", NULL, d->link);
        if (d->link_netnsid >= 0)
            print_int(sh, PRINT_JSON, "link_netnsid", NULL, d->link_netnsid);
        open_json_array(sh, "addr_info");
        for (size_t a = 0; a < d->naddrs; a++) {
            struct strbuf s = {0};
            net_addr_format(&d->addrs[a], &s);
            sb_printf(&addrs, "%s%s", a ? " " : "", sb_str(&s));
            char *slash = strchr(s.buf, '/');
            *slash = '\0';
            open_json_object(sh, NULL);
            print_string(sh, PRINT_JSON, "family", NULL,
                         d->addrs[a].family == AF_INET ? "inet" : "inet6");
            print_string(sh, PRINT_JSON, "local", NULL, s.buf);
            print_int(sh, PRINT_JSON, "prefixlen", NULL, d->addrs[a].prefix);
            close_json_object(sh);
            sb_free(&s);
        }
        close_json_array(sh);
        struct net_link *m = d->master ? net_links_find(l, d->master) : NULL;
        if (m)
            print_string(sh, PRINT_JSON, "master", NULL, m->name);
        close_json_object(sh);
        out_printf(sh, "%s%s%s\n", addrs.len ? sb_str(&addrs) : "-", m ? " master " : "",
                   m ? m->name : "");
        sb_free(&name);
        sb_free(&flags);
        sb_free(&mac);
        sb_free(&addrs);
    }
}

static const char *target_whose(const char *word)
{
    return strcmp(word, "self") == 0 ? _("the subject") : strcmp(word, "host") == 0 ? _("the host") : word;
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
        *how = _("read by the shell, which is in it");
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
        *how = _("read by the subject, which is in it");
    } else {
        rc = nshelper_run(sh, &sh->step.trace, t.pid, NS_NET, net_dump_fn, NULL, &text, &err, e);
        if (rc < 0 && err == 0) {
            sb_free(&text);
            return -1;
        }
        *how = _("read by a helper process that entered it (a netlink socket answers for the "
                 "namespace it was opened in)");
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

int net_expect_link(struct nsl *sh, int argc, char **argv, struct strbuf *why, struct nsl_err *e)
{
    struct net_links links = {0};
    ino_t ns;
    const char *how;
    if (net_links_of(sh, argc == 3 ? argv[2] : "self", &links, &ns, &how, e) < 0)
        return -1;
    /* A read: no trace line belongs to the lab's output. */
    trace_clear(&sh->step.trace);
    int held = net_links_find_name(&links, argv[1]) != NULL;
    if (!held)
        sb_printf(why, _("there is no device %s in the network namespace of %s"), argv[1],
                  argc == 3 ? argv[2] : _("the subject"));
    net_links_free(&links);
    return held;
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
    print_pid(sh, PRINT_JSON, "pid", NULL, t.pid);
    print_ino(sh, PRINT_JSON, "ns", NULL, NS_NET, ns);
    print_bool(sh, PRINT_JSON, "host_ns", NULL, ns == sh->host_ns[NS_NET].ino);
    open_json_array(sh, "links");
    links_render(sh, &l);
    close_json_array(sh);
    net_links_free(&l);
    return 0;
}

/* What link up and addr add waited for: the device, operational or not. */
static void link_wait_json(struct nsl *sh, const struct net_rep *out)
{
    print_int(sh, PRINT_JSON, "ifindex", NULL, out->ifindex);
    print_bool(sh, PRINT_JSON, "operational", NULL, out->state == LINK_OPERATIONAL);
    print_int(sh, PRINT_JSON, "waited_ms", NULL, (long long)out->waited_ms);
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
        print_string(sh, PRINT_JSON, "name", NULL, name);
        link_wait_json(sh, &out);
    }
    return rc;
}

/* Why link master / nomaster was refused, by the stage that failed. */
static int link_master_refused(struct nsl *sh, const struct subj_rep *rep,
                               const struct net_rep *out, const char *dev, const char *br)
{
    char nb[96], wb[300];
    ino_t ns = ns_inode_of(sh, sh->subj.pid, NS_NET);
    int err = rep->err;
    if (out->failed == NET_FAILED_DEVICE && err == ENODEV)
        return step_fail_errno(sh, err, "there is no device %s in the subject's network "
                                        "namespace %s (`link` lists them)", dev,
                               ns_words(sh, ns, nb, sizeof nb));
    if (out->failed == NET_FAILED_MASTER && err == ENODEV)
        return step_fail_errno(sh, err, "there is no bridge %s in the subject's network "
                                        "namespace %s (`bridge %s` makes one)", br,
                               ns_words(sh, ns, nb, sizeof nb), br);
    if (out->failed == NET_FAILED_NOT_BRIDGE)
        return step_fail(sh, 0, "%s is not a bridge (its kind: %s): only a bridge takes ports "
                                "(`bridge NAME` makes one)", br,
                         out->master_kind[0] ? out->master_kind : "none");
    if (err == EPERM)
        return step_fail_errno(sh, err, "changing the master of %s needs %s", dev,
                               privilege_hint());
    if (br)
        return step_fail_errno(sh, err, "cannot make %s a port of %s%s", dev, br,
                               why_suffix(rep, wb, sizeof wb));
    return step_fail_errno(sh, err, "cannot take %s out of its bridge%s", dev,
                           why_suffix(rep, wb, sizeof wb));
}

/* link master DEV BRIDGE (br) or link nomaster DEV (br NULL). */
static int link_master(struct nsl *sh, const char *dev, const char *br)
{
    struct nsl_err e;
    if (net_name_check(dev, &e) < 0 || (br && net_name_check(br, &e) < 0))
        return step_fail_err(sh, &e);
    if (net_guard_made(sh, br ? N_("make a device a bridge's port")
                              : N_("take a device out of its bridge")) < 0)
        return -1;
    cleanup_subj_req struct subj_req rq = {0};
    net_req_pack(&rq, &(struct net_req){.op = NET_OP_MASTER, .name = dev, .master = br,
                                        .peer_ns_fd = -1});
    cleanup_subj_rep struct subj_rep rep = {0};
    if (subject_call(sh, &rq, &rep, &e) < 0)
        return step_fail_err(sh, &e);
    struct net_rep out;
    subj_rep_get(&rep, &out, sizeof out);
    if (rep.ret < 0)
        return link_master_refused(sh, &rep, &out, dev, br);
    if (br)
        out_printf(sh, _("%s is a port of the bridge %s (IFLA_MASTER): frames that arrive on %s "
                         "are switched to the bridge's other ports, or up to %s itself when "
                         "addressed to it. A port carries no address of its own.\n"),
                   dev, br, dev, br);
    else if (out.old_master)
        out_printf(sh, _("%s is no longer a port of a bridge (IFLA_MASTER 0).\n"), dev);
    else
        out_printf(sh, _("%s was not a port of any bridge: nothing changed.\n"), dev);
    print_string(sh, PRINT_JSON, "name", NULL, dev);
    print_int(sh, PRINT_JSON, "ifindex", NULL, out.ifindex);
    if (br) {
        print_string(sh, PRINT_JSON, "master", NULL, br);
        print_int(sh, PRINT_JSON, "master_index", NULL, out.master);
    }
    return 0;
}

int cmd_link(struct nsl *sh, int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "up") == 0) {
        if (argc != 3)
            return step_usage(sh, "usage: link up NAME");
        return link_up(sh, argv[2]);
    }
    if (argc >= 2 && strcmp(argv[1], "master") == 0) {
        if (argc != 4)
            return step_usage(sh, "usage: link master DEV BRIDGE");
        return link_master(sh, argv[2], argv[3]);
    }
    if (argc >= 2 && strcmp(argv[1], "nomaster") == 0) {
        if (argc != 3)
            return step_usage(sh, "usage: link nomaster DEV");
        return link_master(sh, argv[2], NULL);
    }
    if (argc > 2)
        return step_usage(sh, "usage: link [TARGET] | link up NAME | link master DEV BRIDGE | "
                              "link nomaster DEV");
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
        print_string(sh, PRINT_JSON, "address", NULL, argv[2]);
        print_string(sh, PRINT_JSON, "dev", NULL, argv[4]);
        link_wait_json(sh, &out);
    }
    return rc;
}
