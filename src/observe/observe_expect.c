#define _GNU_SOURCE
/* expect ns: the row of expect's table (lab/expect.c) about the subject's
 * namespaces, judged on the snapshots observe.c takes. */
#include <string.h>

#include "observe/observe.h"
#include "render/render.h"
#include "i18n.h"

/* Every ns slot name (for_children too) and the type aliases. */
static int slot_parse(const char *w, enum ns_slot *out, struct nsl_err *e)
{
    for (int s = 0; s < NS_NSLOTS; s++) {
        if (strcmp(ns_info[s].name, w) == 0) {
            *out = s;
            return 0;
        }
    }
    return ns_type_parse(w, out, e);
}

/* host|new: the subject's namespace now against the host's. */
static int ns_vs_host(struct nsl *sh, enum ns_slot s, bool want_new, struct strbuf *why)
{
    char b1[32], b2[32];
    struct snapshot *now = &sh->prev;
    bool differs = snapshot_differs(now, sh->host_ns, s);
    if (differs == want_new)
        return 1;
    const struct ns_obs *o = &now->ns[s];
    sb_printf(why,
              differs ? _("the subject's %s namespace is another one (%s), host's %s")
                      : _("the subject's %s namespace is the host's (%s), host's %s"),
              ns_info[s].name, o->ino ? fmt_ino(sh, s, o->ino, b1, sizeof b1) : "pending",
              fmt_ino(sh, s, sh->host_ns[s].ino, b2, sizeof b2));
    return 0;
}

/* changed|same: the namespace across the previous step. */
static int ns_in_last_step(struct nsl *sh, enum ns_slot s, bool want_changed, struct strbuf *why,
                           struct nsl_err *e)
{
    const struct last_step *l = &sh->last;
    if (!l->valid)
        return nsl_usage(e, "expect ns: there is no previous step to compare");
    bool changed = snapshot_changed(&l->before, &l->after, s);
    if (changed == want_changed)
        return 1;
    if (changed)
        sb_printf(why, _("the %s namespace changed in the previous step"), ns_info[s].name);
    else
        sb_printf(why, _("the %s namespace did not change in the previous step"), ns_info[s].name);
    return 0;
}

int snapshot_expect(struct nsl *sh, int argc, char **argv, struct strbuf *why, struct nsl_err *e)
{
    enum ns_slot s;
    if (slot_parse(argv[1], &s, e) < 0)
        return -1;
    const char *st = argv[2];
    if (strcmp(st, "host") == 0 || strcmp(st, "new") == 0)
        return ns_vs_host(sh, s, st[0] == 'n', why);
    if (strcmp(st, "changed") == 0 || strcmp(st, "same") == 0)
        return ns_in_last_step(sh, s, st[0] == 'c', why, e);
    return nsl_usage(e, "expect ns %s: say host, new, changed or same, not '%s'", argv[1], st);
}
