#define _GNU_SOURCE
/* cgls: the layout found at start, then the tree of this session's cgroups
 * (with any cgroups made below them by other means), each with its limit,
 * usage and a bar. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "session/cgroups.h"
#include "cmd/handlers.h"
#include "render/render.h"
#include "i18n.h"

#define CGLS_MAX_DEPTH 6
#define CGLS_MAX_ROWS 200

struct rows {
    struct cg_obs *v;
    size_t n;
};

/* g's row, then its subdirectories' (sorted), depth first. */
static void walk(struct nsl *sh, const struct cg_group *g, int depth, struct rows *r)
{
    if (r->n >= CGLS_MAX_ROWS)
        return;
    r->v = xrealloc(r->v, (r->n + 1) * sizeof *r->v);
    cg_obs_read(sh, g, g->name, depth, NULL, &r->v[r->n++]);
    if (depth >= CGLS_MAX_DEPTH)
        return;
    struct cg_group *subs;
    size_t n = cg_children(g, &subs);
    for (size_t k = 0; k < n; k++)
        walk(sh, &subs[k], depth + 1, r);
    free(subs);
}

static void layout_json(struct nsl *sh, const struct cg_layout *L)
{
    open_json_object(sh, "layout");
    print_string(sh, PRINT_JSON, "mode", NULL, cg_mode_name(L->mode));
    open_json_object(sh, "controllers");
    for (int c = 0; c < CG_NCTRL; c++) {
        int h = L->ctrl_hier[c];
        if (h < 0) {
            print_null(sh, cg_ctrl_info[c].name);
            continue;
        }
        open_json_object(sh, cg_ctrl_info[c].name);
        print_int(sh, PRINT_JSON, "version", NULL, L->hier[h].version);
        print_string(sh, PRINT_JSON, "mount", NULL, L->hier[h].mount);
        close_json_object(sh);
    }
    close_json_object(sh);
    if (L->note[0])
        print_string(sh, PRINT_JSON, "note", NULL, L->note);
    close_json_object(sh);
}

/* Where the session parent goes, as systemd's rules make it: in a scope
 * systemd delegated (cgroup_systemd.h), or, without one, why not. */
static void delegation_show(struct nsl *sh, const struct cg_deleg *d)
{
    open_json_object(sh, "delegation");
    print_bool(sh, PRINT_JSON, "delegated", NULL, d->ok);
    if (d->ok) {
        out_printf(sh, _("Session parent: delegated by systemd (scope %s, Delegate=yes)\n"),
                   d->unit);
        out_printf(sh, "  %s\n", d->dir);
        print_string(sh, PRINT_JSON, "by", NULL, "systemd");
        print_string(sh, PRINT_JSON, "unit", NULL, d->unit);
        print_string(sh, PRINT_JSON, "cgroup", NULL, d->dir);
    } else {
        out_printf(sh, _("Session parent: under the cgroup nslab runs in, or the root:\n"));
        out_printf(sh, "  %s\n", _(cg_deleg_why_text(d->why)));
        if (d->detail[0])
            out_printf(sh, "  (%s)\n", d->detail);
        print_string(sh, PRINT_JSON, "why", NULL, cg_deleg_why_text(d->why));
        if (d->detail[0])
            print_string(sh, PRINT_JSON, "detail", NULL, d->detail);
        if (d->unit[0])
            print_string(sh, PRINT_JSON, "unit", NULL, d->unit);
    }
    close_json_object(sh);
}

int cmd_cgls(struct nsl *sh, int argc, char **argv)
{
    if (argc > 2)
        return step_usage(sh, "usage: cgls [CGROUP]");
    struct nsl_err e;
    if (cgroups_need(sh, &e) < 0)
        return step_fail_err(sh, &e);
    struct nsl_cg *c = sh->cg;
    struct cg_session *s = &c->session;
    struct rows r = {0};
    open_json_object(sh, NULL); /* the result, {} even when the name is wrong */
    struct cg_group buf;
    const struct cg_group *top = NULL;
    if (argc == 2) {
        if (cgroups_resolve(sh, argv[1], &buf, &top, &e) < 0)
            return step_fail_err(sh, &e);
        out_printf(sh, "%s: %s (%s, cgroup v%d)\n", top->name, top->dir,
                   cg_ctrl_info[top->ctrl].name, top->version);
        walk(sh, top, 0, &r);
    } else {
        struct strbuf lay = {0};
        cg_layout_format(&c->layout, &lay);
        out_printf(sh, "%s", sb_str(&lay));
        sb_free(&lay);
        layout_json(sh, &c->layout);
        delegation_show(sh, &c->deleg);
        for (size_t k = 0; k < s->n; k++)
            walk(sh, s->v[k], 0, &r);
        if (s->n == 0)
            out_printf(sh, _("This session has no cgroups yet: cgcreate makes one.\n"));
    }
    if (r.n) {
        struct strbuf t = {0};
        if (!top)
            out_printf(sh, _("This session's cgroups:\n"));
        struct render_ctx rc = render_ctx_of(sh);
        render_cgls(&rc, r.v, r.n, &t);
        out_printf(sh, "%s", sb_str(&t));
        sb_free(&t);
    }
    if (top && r.n && r.v[0].ok) {
        /* One cgroup asked for: every file read, by its real name. */
        out_printf(sh, _("Its files:\n"));
        for (size_t i = 0; i < r.v[0].st.nreads; i++) {
            const struct cg_read *rd = &r.v[0].st.reads[i];
            cleanup_free char *name =
                rd->key ? xasprintf("%s:%s", rd->file, rd->key) : xstrdup(rd->file);
            if (sh->opt.stable && strcmp(rd->file, "cgroup.procs") == 0) {
                /* Member PIDs as labels, as the JSON and the observation show them. */
                char pb[32];
                out_printf(sh, "  %-28s", name);
                for (size_t k = 0; k < r.v[0].st.npids; k++)
                    out_printf(sh, " %s", fmt_pid(sh, r.v[0].st.pids[k], pb, sizeof pb));
                out_printf(sh, "\n");
                continue;
            }
            out_printf(sh, "  %-28s %s\n", name, rd->value);
        }
    }
    if (!top && s->n) {
        out_printf(sh, _("Session parents (removed at exit):\n"));
        for (size_t h = 0; h < c->layout.nhier; h++)
            if (s->parent[h][0])
                out_printf(sh, "  v%d %-10.10s %s\n", c->layout.hier[h].version,
                           c->layout.hier[h].ctrls[0] ? c->layout.hier[h].ctrls : "-",
                           s->parent[h]);
    }
    open_json_array(sh, "cgroups");
    struct render_ctx rc = render_ctx_of(sh);
    for (size_t k = 0; k < r.n; k++) {
        print_json(sh, NULL, render_cg_obs_json(&rc, &r.v[k]));
        cg_obs_free(&r.v[k]);
    }
    close_json_array(sh);
    close_json_object(sh);
    free(r.v);
    return 0;
}
