#define _GNU_SOURCE
/* ps: the processes of a PID namespace, with their PID at every level. */
#include <errno.h>
#include <string.h>

#include "cmd/handlers.h"
#include "kernel/ps.h"
#include "render/render.h"
#include "session/target.h"
#include "i18n.h"

/* Which PID namespace `ps` lists for a target: the one its children are
 * born in when that differs (after `unshare pid` or `setns pid` the subject
 * itself stays behind, and the learner wants to see the new namespace). */
static int ps_namespace(struct nsl *sh, const struct target *t, ino_t *ns, bool *children)
{
    struct ns_obs o[NS_NSLOTS];
    if (ns_read_all(sh->procfd, t->pid, o) < 0)
        return step_fail_errno(sh, errno, "cannot read /proc/%d/ns", (int)t->pid);
    *children = o[NS_PID4C].ino && o[NS_PID4C].ino != o[NS_PID].ino;
    *ns = *children ? o[NS_PID4C].ino : o[NS_PID].ino;
    if (!*ns)
        return step_fail_errno(sh, o[NS_PID].err, "cannot read /proc/%d/ns/pid", (int)t->pid);
    return 0;
}

/* Print s left-aligned in width columns, counting characters, not bytes. */
static void pad_utf8(struct nsl *sh, const char *s, int width)
{
    int cols = (int)str_cols(s);
    out_printf(sh, "%s%*s", s, cols < width ? width - cols : 0, "");
}

int cmd_ps(struct nsl *sh, int argc, char **argv)
{
    if (argc > 2)
        return step_usage(sh, "usage: ps [TARGET]");
    struct target t;
    struct nsl_err e;
    if (target_resolve(sh, argc == 2 ? argv[1] : "self", 0, &t, &e) < 0)
        return step_fail_err(sh, &e);
    ino_t ns = 0;
    bool children = false;
    if (ps_namespace(sh, &t, &ns, &children) < 0)
        return -1;
    struct ps_list l;
    if (ps_collect(sh->procfd, ns, &l, &e) < 0) {
        if (e.errnum == ESRCH && children)
            return step_fail(sh, ESRCH, "the PID namespace %s's children are born in has no "
                                        "process yet (spawn one) or its init has exited",
                             argc == 2 ? argv[1] : _("the subject"));
        return step_fail_err(sh, &e);
    }
    char b1[32], b2[32];
    fmt_ino(sh, NS_PID, ns, b1, sizeof b1);
    if (children && argc != 2)
        out_printf(sh, _("PID namespace %s (level %d), where the children of the subject are "
                         "born: %zu process%s, as seen from inside\n"),
                   b1, l.level, l.n, l.n == 1 ? "" : "es");
    else if (children)
        out_printf(sh, _("PID namespace %s (level %d), where the children of %s are born: %zu "
                         "process%s, as seen from inside\n"),
                   b1, l.level, argv[1], l.n, l.n == 1 ? "" : "es");
    else
        out_printf(sh, _("PID namespace %s (level %d): %zu process%s, as seen from inside\n"), b1,
                   l.level, l.n, l.n == 1 ? "" : "es");
    /* TRANSLATORS: ps headers; PID, PPID and NSPID are the kernel's names
     * (/proc/PID/status), HOST PID at most 10 columns, STATE 5. */
    const char *host_pid = _("HOST PID");
    int hc = (int)str_cols(host_pid);
    out_printf(sh, "  %6s %6s %*s%s ", "PID", "PPID", hc < 10 ? 10 - hc : 0, "", host_pid);
    pad_utf8(sh, _("STATE"), 5);
    out_printf(sh, " ");
    pad_utf8(sh, _("NSPID (outer → inner)"), 22);
    out_printf(sh, " %s\n", _("COMMAND"));
    print_ino(sh, PRINT_JSON, "ns", NULL, NS_PID, ns);
    print_int(sh, PRINT_JSON, "level", NULL, l.level);
    open_json_array(sh, "processes");
    for (size_t k = 0; k < l.n; k++) {
        const struct ps_proc *p = &l.v[k];
        char st[2] = {p->state, 0};
        open_json_object(sh, NULL);
        print_int(sh, PRINT_ANY, "pid", "  %6lld ", p->pid);
        print_int(sh, PRINT_ANY, "ppid", "%6lld ", p->ppid);
        print_pid(sh, PRINT_ANY, "host_pid", "%10s ", p->host_pid);
        print_string(sh, PRINT_ANY, "state", "%-5s ", st);
        /* NSPID, outer to inner: the outermost is the host PID (a label
         * with --stable), the others numbers in their namespaces. */
        struct strbuf chain = {0};
        open_json_array(sh, "nspid");
        for (int i = 0; i < p->nlevels; i++) {
            if (i == 0) {
                sb_append(&chain, fmt_pid(sh, p->nspid[0], b2, sizeof b2));
                print_pid(sh, PRINT_JSON, NULL, NULL, p->nspid[0]);
            } else {
                sb_printf(&chain, " → %d", (int)p->nspid[i]);
                print_int(sh, PRINT_JSON, NULL, NULL, p->nspid[i]);
            }
        }
        close_json_array(sh);
        pad_utf8(sh, sb_str(&chain), 22);
        print_string(sh, PRINT_ANY, "command", " %s\n", p->command);
        close_json_object(sh);
        sb_free(&chain);
    }
    close_json_array(sh);
    ps_free(&l);
    return 0;
}
