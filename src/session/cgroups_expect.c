#define _GNU_SOURCE
/* expect cg: the row of expect's table (lab/expect.c) about the session's
 * cgroups, beside cgroups.c whose words (cgroups_resolve, cg_value_get,
 * cg_value_match) it judges with. */
#include <stdlib.h>
#include <string.h>

#include "session/cgroups.h"
#include "session/jobs.h"
#include "session/target.h"
#include "subject/subject.h"
#include "i18n.h"

/* expect cg CGROUP has TARGET: is TARGET's PID listed in g's cgroup.procs? */
static int cg_has(struct nsl *sh, const struct cg_group *g, const char *who, struct strbuf *why,
                  struct nsl_err *e)
{
    struct target t;
    events_poll(sh, 0);
    if (target_resolve(sh, who, TARGET_ALLOW_DEAD, &t, e) < 0)
        return -1;
    cleanup_sb struct strbuf have = {0};
    if (cg_value_get(g, "cgroup.procs", &have, e) < 0)
        return -1;
    int held = 0;
    char *save = NULL;
    cleanup_free char *copy = xstrdup(sb_str(&have));
    for (char *w = strtok_r(copy, " \n", &save); w && !held; w = strtok_r(NULL, " \n", &save))
        held = atoi(w) == (int)t.pid;
    if (!held)
        sb_printf(why, _("%s (pid %d) is not in %s"), who, (int)t.pid, g->name);
    return held;
}

int cgroups_expect(struct nsl *sh, int argc, char **argv, struct strbuf *why, struct nsl_err *e)
{
    struct cg_group buf;
    const struct cg_group *g;
    if (cgroups_resolve(sh, argv[1], &buf, &g, e) < 0)
        return -1;
    if (strcmp(argv[2], "has") == 0)
        return cg_has(sh, g, argv[3], why, e);
    cleanup_sb struct strbuf have = {0};
    if (cg_value_get(g, argv[2], &have, e) < 0)
        return -1;
    cleanup_sb struct strbuf inner = {0};
    int held = cg_value_match(g->ctrl, argv[2], sb_str(&have), argv[3], &inner, e);
    if (held == 0)
        sb_printf(why, _("in %s, %s"), g->name, sb_str(&inner));
    return held;
}
