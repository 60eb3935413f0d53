#define _GNU_SOURCE
/* bridge: a Linux bridge (a virtual switch) in the subject's network
 * namespace, through rtnetlink; `link master DEV BRIDGE` (cmd_net.c) makes
 * devices its ports. Only in a network namespace this session made: there
 * the bridge ends with the namespace, when the session's processes do, and
 * no traffic of the host's passes through it. */
#include <errno.h>
#include <string.h>

#include "cmd/cmd_net.h"
#include "cmd/handlers.h"
#include "i18n.h"
#include "render/render.h"
#include "subject/nshelper.h"
#include "subject/ops.h"

/* bridge without words: the bridges of the subject's namespace and their
 * ports (the devices whose IFLA_MASTER is the bridge). */
static int bridge_list(struct nsl *sh)
{
    struct net_links l = {0};
    struct nsl_err e;
    ino_t ns = 0;
    const char *how = "";
    char nb[96];
    if (net_links_of(sh, "self", &l, &ns, &how, &e) < 0)
        return step_fail_err(sh, &e);
    out_printf(sh, _("Bridges in the subject's network namespace %s:\n"),
               ns_words(sh, ns, nb, sizeof nb));
    size_t n = 0;
    open_json_array(sh, "bridges");
    for (size_t k = 0; k < l.n; k++) {
        const struct net_link *b = &l.v[k];
        if (strcmp(b->kind, "bridge") != 0)
            continue;
        n++;
        open_json_object(sh, NULL);
        print_string(sh, PRINT_ANY, "name", "  %s", b->name);
        print_int(sh, PRINT_JSON, "ifindex", NULL, b->ifindex);
        print_string(sh, PRINT_ANY, "operstate", " (%s)", net_operstate_name(b->operstate));
        out_printf(sh, "%s", _(", ports:"));
        open_json_array(sh, "ports");
        size_t ports = 0;
        for (size_t p = 0; p < l.n; p++)
            if (l.v[p].master == b->ifindex) {
                if (ports)
                    out_printf(sh, "%s", _(","));
                print_string(sh, PRINT_ANY, NULL, " %s", l.v[p].name);
                ports++;
            }
        close_json_array(sh);
        if (!ports)
            out_printf(sh, " %s", _("none"));
        out_printf(sh, "\n");
        close_json_object(sh);
    }
    close_json_array(sh);
    if (!n)
        out_printf(sh, "%s\n", _("  none (`bridge NAME` makes one)"));
    net_links_free(&l);
    return 0;
}

static int bridge_add(struct nsl *sh, const char *name)
{
    struct nsl_err e;
    if (net_name_check(name, &e) < 0)
        return step_fail_err(sh, &e);
    if (net_guard_made(sh, N_("create a bridge")) < 0)
        return -1;
    cleanup_subj_req struct subj_req rq = {0};
    net_req_pack(&rq, &(struct net_req){.op = NET_OP_BRIDGE, .name = name, .peer_ns_fd = -1});
    cleanup_subj_rep struct subj_rep rep = {0};
    if (subject_call(sh, &rq, &rep, &e) < 0)
        return step_fail_err(sh, &e);
    ino_t ns = ns_inode_of(sh, sh->subj.pid, NS_NET);
    char nb[96], wb[300];
    if (rep.ret < 0) {
        if (rep.err == EEXIST)
            return step_fail_errno(sh, rep.err, "a device named %s already exists in the "
                                                "subject's network namespace %s", name,
                                   ns_words(sh, ns, nb, sizeof nb));
        if (rep.err == EPERM)
            return step_fail_errno(sh, rep.err, "creating a bridge needs %s", privilege_hint());
        return step_fail_errno(sh, rep.err, "cannot create the bridge %s%s", name,
                               why_suffix(&rep, wb, sizeof wb));
    }
    struct net_rep out;
    subj_rep_get(&rep, &out, sizeof out);
    out_printf(sh, _("bridge %s in the subject's network namespace %s: a virtual switch. "
                     "`link master DEV %s` makes a device its port; it starts DOWN (`link up "
                     "%s`), and an address on it (`addr add`) makes it reachable from its "
                     "ports' network. It ends with the namespace.\n"),
               name, ns_words(sh, ns, nb, sizeof nb), name, name);
    print_string(sh, PRINT_JSON, "name", NULL, name);
    print_int(sh, PRINT_JSON, "ifindex", NULL, out.ifindex);
    print_ino(sh, PRINT_JSON, "ns", NULL, NS_NET, ns);
    return 0;
}

int cmd_bridge(struct nsl *sh, int argc, char **argv)
{
    if (argc > 2 || (argc == 2 && argv[1][0] == '-'))
        return step_usage(sh, "usage: bridge [NAME]");
    return argc == 2 ? bridge_add(sh, argv[1]) : bridge_list(sh);
}
