#define _GNU_SOURCE
#include "render/mounts_print.h"

#include <stdlib.h>
#include <string.h>

#include "kernel/mount/mount_path.h"

#include "render/render.h"
#include "i18n.h"

/* --- small helpers ------------------------------------------------------- */

static cJSON *json_peer(const struct render_ctx *rc, int group)
{
    char b[32];
    if (!group)
        return cJSON_CreateNull();
    if (rc->opt->stable)
        return cJSON_CreateString(rc_peer(rc, group, b, sizeof b));
    return cJSON_CreateNumber(group);
}

static const char *group_cb(void *ctx, int group, char *buf, size_t size)
{
    return rc_peer(ctx, group, buf, size);
}

static const char *mntns_cb(void *ctx, ino_t ino, char *buf, size_t size)
{
    return rc_ino(ctx, NS_MNT, ino, buf, size);
}

struct mount_labels render_mount_labels(const struct render_ctx *rc)
{
    return (struct mount_labels){.group = group_cb, .mntns = mntns_cb, .ctx = (void *)rc};
}

static char *prop_text(const struct render_ctx *rc, const struct mount_ent *m)
{
    struct mount_labels lb = render_mount_labels(rc);
    struct strbuf sb = {0};
    mount_propagation_format(m, &lb, &sb);
    return sb_steal(&sb);
}

static char *prop_state_text(const struct render_ctx *rc, const struct mount_prop_state *p)
{
    struct mount_labels lb = render_mount_labels(rc);
    struct strbuf sb = {0};
    mount_prop_state_format(p, &lb, &sb);
    return sb_steal(&sb);
}

/* The relations of m (in v->self) to every mount of the views, joined by sep. */
static void relations_text(const struct render_ctx *rc, const struct mount_views *v,
                           const struct mount_ent *m, const char *sep, bool local,
                           struct strbuf *out)
{
    struct mount_labels lb = render_mount_labels(rc);
    lb.tr = local ? i18n_gettext : NULL; /* -J's words stay English */
    mount_views_relations_format(v, m, &lb, sep, out);
}

/* Column text that may be cut to fit: "model_tools_una..." */
static void cell(struct strbuf *out, const char *s, int width, bool last)
{
    int len = (int)strlen(s);
    if (last)
        sb_append(out, s);
    else if (len <= width)
        sb_printf(out, "%-*s  ", width, s);
    else
        sb_printf(out, "%.*s...  ", width - 3, s);
}

static int clampi(int v, int lo, int hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

static const char *mntns_text(const struct render_ctx *rc, ino_t ino, char *buf, size_t size)
{
    return ino ? rc_ino(rc, NS_MNT, ino, buf, size) : "?";
}

/* --- the table ----------------------------------------------------------- */

/* Rows fit in 80 columns. Targets are never cut (they are what a learner
 * looks for): one too long for its column gets a line of its own, and the
 * rest of the row continues below, in its columns. */
#define LINE_WIDTH 80
#define TARGET_MIN 16
#define FSTYPE_MAX 10
#define SOURCE_MAX 14

/* The target cell: padded to width, or alone on its line when longer. */
static void target_cell(struct strbuf *out, const char *t, int width, int indent)
{
    if ((int)strlen(t) > width)
        sb_printf(out, "%s\n%*s", t, indent + width + 2, "");
    else
        sb_printf(out, "%-*s  ", width, t);
}

static bool propagates(const struct mount_ent *m)
{
    return m->shared || m->master || m->propagate_from || m->unbindable;
}

void mounts_print_table(const struct render_ctx *rc, const struct mount_views *v,
                        const struct mount_ent *const *rows, size_t n, const char *under,
                        const struct mount_ent *holder, struct strbuf *out)
{
    char nb[32];
    const struct mount_table *t = &v->self;
    bool host = t->mntns && t->mntns == v->host_mntns;
    sb_printf(out, _("the subject's mount table: mnt ns %s (%s), %zu mounts\n"),
              mntns_text(rc, t->mntns, nb, sizeof nb), host ? _("the host's") : _("not the host's"),
              t->n);
    if (under)
        sb_printf(out, _("%zu of them at or below %s\n"), n, under);
    if (under && holder && strcmp(holder->target, under) != 0)
        sb_printf(out, _("(%s is not a mount point: it lies in mount %d on %s)\n"), under,
                  holder->id, holder->target);

    int wid = 2, wpar = 6, wtgt = 6, wfs = 6, wsrc = 6, wprop = 11, longest = 6;
    for (size_t i = 0; i < n; i++) {
        char b[16];
        wid = clampi(snprintf(b, sizeof b, "%d", rows[i]->id), wid, 10);
        wpar = clampi(snprintf(b, sizeof b, "%d", rows[i]->parent), wpar, 10);
        longest = clampi((int)strlen(rows[i]->target), longest, LINE_WIDTH);
        wfs = clampi((int)strlen(rows[i]->fstype), wfs, FSTYPE_MAX);
        wsrc = clampi((int)strlen(rows[i]->source), wsrc, SOURCE_MAX);
        cleanup_free char *p = prop_text(rc, rows[i]);
        wprop = clampi((int)strlen(p), wprop, LINE_WIDTH);
    }
    int room = LINE_WIDTH - (2 + wid + 2 + wpar + 2 + 2 + wfs + 2 + wsrc + 2 + wprop);
    wtgt = longest < room ? longest : room < TARGET_MIN ? TARGET_MIN : room;
    sb_printf(out, "  %s%-*s  %-*s  %-*s  %-*s  %-*s  PROPAGATION%s\n", rc_col(rc, C_DIM), wid, "ID",
              wpar, "PARENT", wtgt, "TARGET", wfs, "FSTYPE", wsrc, "SOURCE", rc_col(rc, C_RESET));
    for (size_t i = 0; i < n; i++) {
        const struct mount_ent *m = rows[i];
        cleanup_free char *prop = prop_text(rc, m);
        sb_printf(out, "  %-*d  %-*d  ", wid, m->id, wpar, m->parent);
        target_cell(out, m->target, wtgt, 2 + wid + 2 + wpar + 2);
        cell(out, m->fstype, wfs, false);
        cell(out, m->source[0] ? m->source : "-", wsrc, false);
        sb_printf(out, "%s%s%s\n", propagates(m) ? rc_col(rc, C_CYAN) : "", prop,
                  propagates(m) ? rc_col(rc, C_RESET) : "");
        if (!propagates(m))
            continue;
        /* One relation per line, under the TARGET column. */
        struct strbuf rel = {0};
        cleanup_free char *sep = xasprintf("\n%*s↳ ", wid + wpar + 6, "");
        relations_text(rc, v, m, sep, true, &rel);
        sb_printf(out, "%*s%s↳ %s%s\n", wid + wpar + 6, "", rc_col(rc, C_DIM), sb_str(&rel),
                  rc_col(rc, C_RESET));
        sb_free(&rel);
    }
}

/* The relations as a list: mount_views_relations joined by a byte that no
 * path in them can hold (the kernel escapes control characters), split. */
static cJSON *relations_json(const struct render_ctx *rc, const struct mount_views *v,
                             const struct mount_ent *m)
{
    struct strbuf rel = {0};
    relations_text(rc, v, m, "\x1f", false, &rel);
    cJSON *a = cJSON_CreateArray();
    char *save = NULL;
    for (char *w = strtok_r(rel.buf, "\x1f", &save); w; w = strtok_r(NULL, "\x1f", &save))
        cJSON_AddItemToArray(a, cJSON_CreateString(w));
    sb_free(&rel);
    return a;
}

cJSON *mounts_table_json(const struct render_ctx *rc, const struct mount_views *v,
                         const struct mount_ent *const *rows, size_t n)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "pid", render_json_pid(rc, v->self.pid));
    cJSON_AddItemToObject(o, "mntns", render_json_ino(rc, NS_MNT, v->self.mntns));
    cJSON_AddBoolToObject(o, "host", v->self.mntns == v->host_mntns);
    cJSON_AddNumberToObject(o, "count", (double)v->self.n);
    cJSON *arr = cJSON_AddArrayToObject(o, "mounts");
    for (size_t i = 0; i < n; i++) {
        const struct mount_ent *m = rows[i];
        cJSON *j = cJSON_CreateObject();
        char dev[32];
        snprintf(dev, sizeof dev, "%u:%u", m->major, m->minor);
        cJSON_AddNumberToObject(j, "id", m->id);
        cJSON_AddNumberToObject(j, "parent", m->parent);
        cJSON_AddStringToObject(j, "target", m->target);
        cJSON_AddStringToObject(j, "fstype", m->fstype);
        cJSON_AddStringToObject(j, "source", m->source);
        cJSON_AddStringToObject(j, "root", m->root);
        cJSON_AddStringToObject(j, "dev", dev);
        cJSON_AddStringToObject(j, "options", m->opts);
        cJSON_AddStringToObject(j, "super_options", m->super_opts);
        cleanup_free char *prop = prop_text(rc, m);
        cJSON_AddStringToObject(j, "propagation", prop);
        cJSON_AddItemToObject(j, "shared", json_peer(rc, m->shared));
        cJSON_AddItemToObject(j, "master", json_peer(rc, m->master));
        cJSON_AddItemToObject(j, "propagate_from", json_peer(rc, m->propagate_from));
        cJSON_AddBoolToObject(j, "unbindable", m->unbindable);
        cJSON_AddItemToObject(j, "relations", relations_json(rc, v, m));
        cJSON_AddItemToArray(arr, j);
    }
    return o;
}

/* --- two namespaces side by side ----------------------------------------- */

static const struct {
    const char *name, *arrow, *legend;
} rel_info[] = {
    [MREL_NONE] = {"none", "   ", N_("no arrow: nothing propagates between them")},
    [MREL_PEERS] = {"peers", "<->", N_("peers: a mount made below either one appears below both")},
    [MREL_SENDS] = {"sends", "-->", N_("one way: the right one is a slave; mounts go left to right")},
    [MREL_RECEIVES] = {"receives", "<--", N_("one way: the left one is a slave; mounts go right to "
                                             "left")},
    [MREL_SIBLINGS] = {"siblings", " ~ ", N_("both are slaves of one peer group; nothing passes "
                                             "between them")},
    [MREL_ONLY_A] = {"only_left", "   ", N_("-: nothing is mounted there on that side")},
    [MREL_ONLY_B] = {"only_right", "   ", N_("-: nothing is mounted there on that side")},
};

const char *mount_rel_name(enum mount_rel r)
{
    return rel_info[r].name;
}

static char *side_cell(const struct render_ctx *rc, const struct mount_ent *m)
{
    if (!m)
        return xstrdup("-");
    cleanup_free char *p = prop_text(rc, m);
    return xasprintf("%d %s %s", m->id, m->fstype, p);
}

static cJSON *side_json(const struct render_ctx *rc, const struct mount_ent *m)
{
    if (!m)
        return cJSON_CreateNull();
    cJSON *o = cJSON_CreateObject();
    cleanup_free char *p = prop_text(rc, m);
    cJSON_AddNumberToObject(o, "id", m->id);
    cJSON_AddStringToObject(o, "fstype", m->fstype);
    cJSON_AddStringToObject(o, "propagation", p);
    cJSON_AddItemToObject(o, "shared", json_peer(rc, m->shared));
    cJSON_AddItemToObject(o, "master", json_peer(rc, m->master));
    cJSON_AddBoolToObject(o, "unbindable", m->unbindable);
    return o;
}

static cJSON *side_head_json(const struct render_ctx *rc, const struct mounts_side *s)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "label", s->label);
    cJSON_AddItemToObject(o, "pid", render_json_pid(rc, s->pid));
    cJSON_AddItemToObject(o, "mntns", render_json_ino(rc, NS_MNT, s->table->mntns));
    return o;
}

/* The mount points of both tables, each once, in the order of a's table
 * then b's. */
static size_t targets_collect(const struct mount_table *a, const struct mount_table *b,
                              const char *under, const char ***out)
{
    size_t n = 0;
    *out = xcalloc(a->n + b->n + 1, sizeof **out);
    const struct mount_table *tabs[2] = {a, b};
    for (int k = 0; k < 2; k++)
        for (size_t i = 0; i < tabs[k]->n; i++) {
            const char *t = tabs[k]->v[i].target;
            if (under && !path_is_under(t, under))
                continue;
            bool seen = false;
            for (size_t j = 0; j < n && !seen; j++)
                seen = strcmp((*out)[j], t) == 0;
            if (!seen)
                (*out)[n++] = t;
        }
    return n;
}

void mounts_print_compare(const struct render_ctx *rc, const struct mounts_side *a,
                          const struct mounts_side *b, const struct mount_views *v,
                          const char *under, struct strbuf *out, cJSON **json)
{
    /* Both sides, and every other namespace in view, for chains. */
    size_t ntabs = 0;
    const struct mount_table **tabs = xcalloc(v->n_others + 3, sizeof *tabs);
    tabs[ntabs++] = a->table;
    tabs[ntabs++] = b->table;
    tabs[ntabs++] = &v->self;
    for (size_t k = 0; k < v->n_others; k++)
        tabs[ntabs++] = &v->others[k];
    char n1[32], n2[32];
    cJSON *o = cJSON_CreateObject();
    *json = o;
    cJSON_AddItemToObject(o, "left", side_head_json(rc, a));
    cJSON_AddItemToObject(o, "right", side_head_json(rc, b));
    bool same = a->table->mntns && a->table->mntns == b->table->mntns;
    cJSON_AddBoolToObject(o, "same_namespace", same);
    cJSON *rows = cJSON_AddArrayToObject(o, "rows");
    if (same) {
        sb_printf(out, _("%s and %s are in one mount namespace (mnt ns %s): one table, nothing "
                         "to compare (`mounts` shows it)\n"),
                  a->label, b->label, mntns_text(rc, a->table->mntns, n1, sizeof n1));
        free(tabs);
        return;
    }
    sb_printf(out, _("%s in mnt ns %s beside %s in mnt ns %s\n"), a->label,
              mntns_text(rc, a->table->mntns, n1, sizeof n1), b->label,
              mntns_text(rc, b->table->mntns, n2, sizeof n2));
    if (under)
        sb_printf(out, _("by mount point, at or below %s:\n"), under);
    const char **targets;
    size_t n = targets_collect(a->table, b->table, under, &targets);
    if (n == 0) {
        sb_printf(out, _("(nothing is mounted at or below %s on either side)\n"), under);
        free(targets);
        free(tabs);
        return;
    }
    int wt = 11, wa = (int)strlen(a->label), wb = (int)strlen(b->label), longest = 11;
    for (size_t i = 0; i < n; i++) {
        longest = clampi((int)strlen(targets[i]), longest, LINE_WIDTH);
        cleanup_free char *c = side_cell(rc, mount_table_find_target(a->table, targets[i]));
        cleanup_free char *d = side_cell(rc, mount_table_find_target(b->table, targets[i]));
        wa = clampi((int)strlen(c), wa, 32);
        wb = clampi((int)strlen(d), wb, 32);
    }
    int room = LINE_WIDTH - (2 + 2 + wa + 5 + wb);
    wt = longest < room ? longest : room < TARGET_MIN ? TARGET_MIN : room;
    bool used[ARRAY_SIZE(rel_info)] = {0};
    sb_printf(out, "  %s%-*s  %-*s     %s%s\n", rc_col(rc, C_DIM), wt, "MOUNT POINT", wa, a->label,
              b->label, rc_col(rc, C_RESET));
    for (size_t i = 0; i < n; i++) {
        const struct mount_ent *ma = mount_table_find_target(a->table, targets[i]);
        const struct mount_ent *mb = mount_table_find_target(b->table, targets[i]);
        enum mount_rel r = mount_rel_between(ma, mb, tabs, ntabs);
        used[r] = true;
        cleanup_free char *ca = side_cell(rc, ma);
        cleanup_free char *cb = side_cell(rc, mb);
        sb_append(out, "  ");
        target_cell(out, targets[i], wt, 2);
        bool arrow = r == MREL_PEERS || r == MREL_SENDS || r == MREL_RECEIVES ||
                     r == MREL_SIBLINGS;
        sb_printf(out, "%-*s %s%s%s %s\n", wa, ca, arrow ? rc_col(rc, C_CYAN) : "",
                  rel_info[r].arrow, arrow ? rc_col(rc, C_RESET) : "", cb);
        cJSON *row = cJSON_CreateObject();
        cJSON_AddStringToObject(row, "target", targets[i]);
        cJSON_AddItemToObject(row, "left", side_json(rc, ma));
        cJSON_AddItemToObject(row, "right", side_json(rc, mb));
        cJSON_AddStringToObject(row, "relation", rel_info[r].name);
        cJSON_AddItemToArray(rows, row);
    }
    free(targets);
    free(tabs);
    /* A legend for what this view used, so the arrows need no manual. */
    static const enum mount_rel order[] = {MREL_PEERS, MREL_SENDS, MREL_RECEIVES, MREL_SIBLINGS,
                                           MREL_NONE};
    for (size_t k = 0; k < ARRAY_SIZE(order); k++)
        if (used[order[k]])
            sb_printf(out, "  %s%s%s%s%s\n", rc_col(rc, C_DIM),
                      order[k] == MREL_NONE ? "" : rel_info[order[k]].arrow,
                      order[k] == MREL_NONE ? "" : " ", _(rel_info[order[k]].legend),
                      rc_col(rc, C_RESET));
    if (used[MREL_ONLY_A] || used[MREL_ONLY_B])
        sb_printf(out, "  %s%s%s\n", rc_col(rc, C_DIM), _(rel_info[MREL_ONLY_A].legend),
                  rc_col(rc, C_RESET));
}

/* --- the observation ----------------------------------------------------- */

#define OBS_MAX_LINES 12

/* "1 added, 2 changed": only what happened. Across two namespaces nothing
 * was added: the tables just differ. */
static void counts_text(struct strbuf *out, size_t add, size_t rem, size_t chg, bool across)
{
    const size_t v[3] = {add, rem, chg};
    static const char *const in_ns[3] = {N_("added"), N_("removed"), N_("changed")};
    static const char *const across_ns[3] = {N_("only in the new one"), N_("only in the old one"),
                                             N_("differ")};
    const char *const *w = across ? across_ns : in_ns;
    bool any = false;
    for (int k = 0; k < 3; k++) {
        if (!v[k])
            continue;
        /* "1 differs", "2 differ" */
        sb_printf(out, "%s%zu %s", any ? _(", ") : "", v[k],
                  across && k == 2 && v[k] == 1 ? _("differs") : _(w[k]));
        any = true;
    }
}

void render_mounts_observation(const struct render_ctx *rc, const struct mount_diff *d,
                               struct strbuf *out)
{
    char n1[32], n2[32];
    size_t add = 0, rem = 0, chg = 0;
    for (size_t i = 0; i < d->n; i++) {
        add += d->v[i].kind == MOUNT_ADDED;
        rem += d->v[i].kind == MOUNT_REMOVED;
        chg += d->v[i].kind == MOUNT_CHANGED;
    }
    if (d->ns_changed) {
        sb_printf(out, _("  mounts: the subject is in another mount namespace, mnt ns %s (was %s)\n"
                         "          %zu mounts, compared by mount point: "),
                  mntns_text(rc, d->ns_after, n1, sizeof n1),
                  mntns_text(rc, d->ns_before, n2, sizeof n2), d->n_after);
        if (!d->n)
            sb_append(out, _("nothing else differs"));
        counts_text(out, add, rem, chg, true);
        sb_appendc(out, '\n');
    } else if (!d->n) {
        if (rc->opt->observe & OBS_CHANGED)
            return; /* `observe changed`: nothing changed, nothing said */
        sb_printf(out, _("  %smounts: no change (%zu in mnt ns %s)%s\n"), rc_col(rc, C_DIM), d->n_after,
                  mntns_text(rc, d->ns_after, n1, sizeof n1), rc_col(rc, C_RESET));
        return;
    } else {
        sb_append(out, _("  mounts: "));
        counts_text(out, add, rem, chg, false);
        sb_printf(out, _(" in mnt ns %s (%zu mounts)\n"), mntns_text(rc, d->ns_after, n1, sizeof n1),
                  d->n_after);
    }
    for (size_t i = 0; i < d->n && i < OBS_MAX_LINES; i++) {
        const struct mount_change *c = &d->v[i];
        if (c->kind == MOUNT_CHANGED) {
            sb_printf(out, "    %s~%s %d %s", rc_col(rc, C_YELLOW), rc_col(rc, C_RESET), c->id,
                      c->target);
            if (!mount_prop_state_equal(&c->before, &c->after)) {
                cleanup_free char *pb = prop_state_text(rc, &c->before);
                cleanup_free char *pa = prop_state_text(rc, &c->after);
                sb_printf(out, " %s -> %s", pb, pa);
            }
            if (c->opts_before)
                sb_printf(out, " options %s -> %s", c->opts_before, c->opts_after);
            sb_appendc(out, '\n');
            continue;
        }
        bool added = c->kind == MOUNT_ADDED;
        cleanup_free char *p = prop_state_text(rc, added ? &c->after : &c->before);
        sb_printf(out, "    %s%c%s %d %s  %s %s  %s\n", rc_col(rc, added ? C_GREEN : C_RED),
                  added ? '+' : '-', rc_col(rc, C_RESET), c->id, c->target, c->fstype,
                  c->source[0] ? c->source : "-", p);
    }
    if (d->n > OBS_MAX_LINES)
        sb_printf(out, "    ... and %zu more (`mounts` shows the whole table)\n",
                  d->n - OBS_MAX_LINES);
}

cJSON *render_mounts_observation_json(const struct render_ctx *rc, const struct mount_diff *d)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "mntns", render_json_ino(rc, NS_MNT, d->ns_after));
    cJSON_AddItemToObject(o, "previous_mntns", render_json_ino(rc, NS_MNT, d->ns_before));
    cJSON_AddBoolToObject(o, "namespace_changed", d->ns_changed);
    cJSON_AddNumberToObject(o, "count", (double)d->n_after);
    cJSON *add = cJSON_AddArrayToObject(o, "added");
    cJSON *rem = cJSON_AddArrayToObject(o, "removed");
    cJSON *chg = cJSON_AddArrayToObject(o, "changed");
    for (size_t i = 0; i < d->n; i++) {
        const struct mount_change *c = &d->v[i];
        cJSON *j = cJSON_CreateObject();
        cJSON_AddNumberToObject(j, "id", c->id);
        cJSON_AddStringToObject(j, "target", c->target);
        cJSON_AddStringToObject(j, "fstype", c->fstype);
        cJSON_AddStringToObject(j, "source", c->source);
        if (c->kind == MOUNT_CHANGED) {
            cleanup_free char *pb = prop_state_text(rc, &c->before);
            cleanup_free char *pa = prop_state_text(rc, &c->after);
            cJSON_AddNumberToObject(j, "old_id", c->old_id);
            cJSON_AddStringToObject(j, "propagation_before", pb);
            cJSON_AddStringToObject(j, "propagation_after", pa);
            if (c->opts_before) {
                cJSON_AddStringToObject(j, "options_before", c->opts_before);
                cJSON_AddStringToObject(j, "options_after", c->opts_after);
            }
            cJSON_AddItemToArray(chg, j);
        } else {
            bool added = c->kind == MOUNT_ADDED;
            cleanup_free char *p = prop_state_text(rc, added ? &c->after : &c->before);
            cJSON_AddNumberToObject(j, "parent", c->parent);
            cJSON_AddStringToObject(j, "propagation", p);
            cJSON_AddItemToArray(added ? add : rem, j);
        }
    }
    return o;
}
