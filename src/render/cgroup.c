#define _GNU_SOURCE
/* Cgroups as text and JSON: the observation lines after each step, the
 * step's "cgroups" array, and cgls's table. Render never touches the
 * kernel: everything comes from struct cg_obs (observe_cg.c). */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "session/cgroups.h"
#include "render/render.h"
#include "i18n.h"

void cg_human_size(uint64_t n, char *buf, size_t size)
{
    format_size(n, SIZE_ROUNDED, buf, size);
}

void cg_bar(double frac, int width, struct strbuf *out)
{
    if (frac < 0)
        frac = 0;
    if (frac > 1)
        frac = 1;
    int full = (int)(frac * width + 0.5);
    if (frac > 0 && full == 0)
        full = 1; /* anything at all shows */
    sb_appendc(out, '[');
    for (int k = 0; k < width; k++)
        sb_appendc(out, k < full ? '#' : '.');
    sb_appendc(out, ']');
}

/* "20%" of one CPU for a quota/period. */
static void cpu_share(uint64_t quota, uint64_t period, struct strbuf *out)
{
    struct cg_limit l = {.ctrl = CG_CPU, .value = quota, .period = period};
    struct strbuf f = {0};
    cg_limit_format(&l, &f);
    /* cg_limit_format says "20% (20000/100000 us)": keep the percentage */
    sb_appendn(out, sb_str(&f), strcspn(sb_str(&f), " "));
    sb_free(&f);
}

static const char *ctrl_label(const struct render_ctx *rc, const struct cg_obs *o)
{
    if (o->ctrl < CG_NCTRL)
        return cg_ctrl_info[o->ctrl].name;
    const struct cg_layout *l = rc->cg_layout;
    if (l && o->hier >= 0 && (size_t)o->hier < l->nhier && l->hier[o->hier].ctrls[0])
        return l->hier[o->hier].ctrls;
    return "cgroup";
}

/* What the limit and the usage come to, in words, for the observation and
 * cgls alike. pct is -1 when there is no finite limit to compare with. */
struct cg_summary {
    char limit[48], usage[48], extra[160];
    double pct;
};

static void summarise(const struct cg_obs *o, struct cg_summary *s)
{
    const struct cg_stats *st = &o->st;
    memset(s, 0, sizeof *s);
    s->pct = -1;
    snprintf(s->limit, sizeof s->limit, "-");
    snprintf(s->usage, sizeof s->usage, "-");
    struct strbuf x = {0};
    switch (o->ctrl) {
    case CG_MEMORY:
    case CG_PIDS:
        if (st->limit.known) {
            if (st->limit.is_max)
                snprintf(s->limit, sizeof s->limit, "max");
            else if (o->ctrl == CG_MEMORY)
                cg_human_size(st->limit.v, s->limit, sizeof s->limit);
            else
                snprintf(s->limit, sizeof s->limit, "%" PRIu64, st->limit.v);
        }
        if (st->usage.known) {
            if (o->ctrl == CG_MEMORY)
                cg_human_size(st->usage.v, s->usage, sizeof s->usage);
            else
                snprintf(s->usage, sizeof s->usage, "%" PRIu64, st->usage.v);
            if (st->limit.known && !st->limit.is_max)
                s->pct = st->limit.v ? (double)st->usage.v / (double)st->limit.v : 1;
        }
        if (st->max_hits.known)
            sb_printf(&x, o->ctrl == CG_PIDS ? _("refused forks %llu") : _("limit hits %llu"),
                      (unsigned long long)st->max_hits.v);
        if (st->oom_kill.known)
            sb_printf(&x, "%soom_kill %" PRIu64, x.len ? _(", ") : "", st->oom_kill.v);
        break;
    case CG_CPU:
        if (st->limit.known) {
            struct strbuf l = {0};
            if (st->limit.is_max)
                sb_append(&l, "max");
            else
                cpu_share(st->limit.v, st->period.v, &l);
            snprintf(s->limit, sizeof s->limit, "%s", sb_str(&l));
            sb_free(&l);
        }
        if (st->usage.known)
            snprintf(s->usage, sizeof s->usage, "%.2fs CPU", (double)st->usage.v / 1e6);
        if (st->weight.known)
            sb_printf(&x, _("weight %llu"), (unsigned long long)st->weight.v);
        if (st->nr_throttled.known)
            sb_printf(&x, _("%sthrottled %llu"), x.len ? _(", ") : "",
                      (unsigned long long)st->nr_throttled.v);
        break;
    case CG_CPUSET:
        snprintf(s->limit, sizeof s->limit, "%.47s", st->cpus[0] ? st->cpus : _("(none)"));
        break;
    case CG_CPUACCT:
    case CG_PERF_EVENT:
        if (st->usage.known)
            snprintf(s->usage, sizeof s->usage, "%.2fs CPU", (double)st->usage.v / 1e6);
        break;
    case CG_IO:
        if (st->usage.known) {
            char b[32];
            format_size(st->usage.v, SIZE_ROUNDED, b, sizeof b);
            snprintf(s->usage, sizeof s->usage, _("%s of IO"), b);
        }
        break;
    default:
        break;
    }
    if (st->frozen >= 0 && (o->ctrl == CG_FREEZER || st->frozen != 0))
        sb_printf(&x, "%s%s", x.len ? _(", ") : "",
                  st->frozen == 1 ? _("frozen") : st->frozen == 2 ? _("freezing") : _("thawed"));
    snprintf(s->extra, sizeof s->extra, "%s", sb_str(&x));
    sb_free(&x);
}

static void procs_text(const struct render_ctx *rc, const struct cg_stats *st, size_t max, struct strbuf *out)
{
    char pb[32];
    if (st->npids == 0) {
        sb_append(out, _("no processes"));
        return;
    }
    sb_append(out, _("procs"));
    for (size_t k = 0; k < st->npids && k < max; k++) {
        const struct job *j = rc_job(rc, st->pids[k]);
        if (st->pids[k] == rc->subject)
            sb_printf(out, " %s", _("self"));
        else if (j)
            sb_printf(out, " %%%d", j->id);
        else
            sb_printf(out, " %s", rc_pid(rc, st->pids[k], pb, sizeof pb));
    }
    if (st->npids > max)
        sb_printf(out, _(" +%zu more"), st->npids - max);
}

static const struct {
    unsigned mark;
    const char *name;
} mark_names[] = {
    {CGM_LIMIT, N_("limit")},   {CGM_HITS, N_("limit hits")}, {CGM_OOM, "oom_kill"},
    {CGM_THROTTLED, N_("throttled")}, {CGM_FROZEN, N_("frozen")}, {CGM_WEIGHT, N_("weight")},
    {CGM_CPUS, "cpus"},     {CGM_PROCS, N_("procs")},
};

void render_cg_line(const struct render_ctx *rc, const struct cg_obs *o, struct strbuf *out)
{
    if (o->own)
        sb_printf(out, _("subject's %s cgroup %s (v%d)"), ctrl_label(rc, o),
                  o->name[0] ? o->name : o->dir, o->version);
    else
        sb_printf(out, _("cgroup %s (%s, v%d)"), o->name, ctrl_label(rc, o), o->version);
    if (!o->ok) {
        sb_printf(out, ": %s", o->err);
        return;
    }
    struct cg_summary s;
    summarise(o, &s);
    sb_append(out, _(": "));
    const char *sep = "";
    if (strcmp(s.limit, "-") != 0) {
        sb_printf(out, "%s%s %s", sep, o->ctrl == CG_CPUSET ? "cpus" : o->ctrl == CG_CPU ? _("quota") : _("limit"),
                  s.limit);
        sep = _(", ");
    }
    if (strcmp(s.usage, "-") != 0) {
        sb_printf(out, "%s%s %s", sep, o->ctrl == CG_CPU || o->ctrl == CG_CPUACCT || o->ctrl == CG_PERF_EVENT ? _("used") : _("usage"),
                  s.usage);
        if (s.pct >= 0)
            sb_printf(out, " (%.0f%%)", s.pct * 100);
        sep = _(", ");
    }
    if (s.extra[0]) {
        sb_printf(out, "%s%s", sep, s.extra);
        sep = _(", ");
    }
    sb_append(out, sep);
    procs_text(rc, &o->st, 5, out);
    if (o->marks & CGM_NEW) {
        sb_printf(out, "  %s<- %s%s", rc_col(rc, C_MARK),
                  o->own ? _("the subject moved here") : _("new"), rc_col(rc, C_RESET));
        return;
    }
    bool any = false;
    for (size_t k = 0; k < ARRAY_SIZE(mark_names); k++) {
        if (!(o->marks & mark_names[k].mark))
            continue;
        if (any)
            sb_append(out, _(", "));
        else
            sb_printf(out, _("  %s<- changed: "), rc_col(rc, C_MARK));
        sb_append(out, _(mark_names[k].name)); /* oom_kill, cpus: file names, kept */
        any = true;
    }
    if (any)
        sb_append(out, rc_col(rc, C_RESET));
}

void render_cg_observation(const struct render_ctx *rc, const struct cg_snap *s, struct strbuf *out)
{
    if (!s->taken)
        return;
    bool only_changed = (rc->opt->observe & OBS_CHANGED) != 0;
    for (size_t k = 0; k < s->n; k++) {
        /* `observe changed`: the rows the text marks (usage, a gauge, is never marked) */
        if (only_changed && !(s->v[k].marks & ~(unsigned)CGM_USAGE))
            continue;
        sb_append(out, "  ");
        render_cg_line(rc, &s->v[k], out);
        sb_appendc(out, '\n');
    }
}

/* --- JSON ---------------------------------------------------------------- */

/* cgroup.procs with --stable labels for the PIDs. */
static char *procs_value(const struct render_ctx *rc, const struct cg_stats *st)
{
    struct strbuf sb = {0};
    char pb[32];
    for (size_t k = 0; k < st->npids; k++)
        sb_printf(&sb, "%s%s", k ? " " : "", rc_pid(rc, st->pids[k], pb, sizeof pb));
    return sb_steal(&sb);
}

cJSON *render_cg_obs_json(const struct render_ctx *rc, const struct cg_obs *o)
{
    cJSON *j = cJSON_CreateObject();
    if (o->own && !o->name[0])
        cJSON_AddNullToObject(j, "name");
    else
        cJSON_AddStringToObject(j, "name", o->name);
    cJSON_AddStringToObject(j, "path", o->dir);
    cJSON_AddNumberToObject(j, "version", o->version);
    cJSON_AddStringToObject(j, "controller", ctrl_label(rc, o));
    cJSON_AddBoolToObject(j, "session", !o->own);
    cJSON_AddBoolToObject(j, "subject_inside", o->subject_inside);
    if (o->depth)
        cJSON_AddNumberToObject(j, "depth", o->depth);
    if (!o->ok) {
        cJSON_AddStringToObject(j, "error", o->err);
        return j;
    }
    /* Files by their real names; a flat-keyed file is an object of the
     * keys shown ("memory.events": {"max": "0", "oom_kill": "1"}). */
    cJSON *files = cJSON_AddObjectToObject(j, "files");
    cJSON *changed = cJSON_CreateArray();
    for (size_t i = 0; i < o->st.nreads; i++) {
        const struct cg_read *r = &o->st.reads[i];
        cleanup_free char *procs = strcmp(r->file, "cgroup.procs") == 0 && rc->opt->stable
                                       ? procs_value(rc, &o->st)
                                       : NULL;
        const char *v = procs ? procs : r->value;
        if (r->key) {
            cJSON *obj = cJSON_GetObjectItemCaseSensitive(files, r->file);
            if (!obj)
                obj = cJSON_AddObjectToObject(files, r->file);
            if (cJSON_IsObject(obj))
                cJSON_AddStringToObject(obj, r->key, v);
        } else {
            cJSON_AddStringToObject(files, r->file, v);
        }
        if (o->changed && o->changed[i]) {
            cleanup_free char *name =
                r->key ? xasprintf("%s:%s", r->file, r->key) : xstrdup(r->file);
            cJSON_AddItemToArray(changed, cJSON_CreateString(name));
        }
    }
    cJSON *pids = cJSON_AddArrayToObject(j, "pids");
    for (size_t k = 0; k < o->st.npids; k++)
        cJSON_AddItemToArray(pids, render_json_pid(rc, o->st.pids[k]));
    cJSON_AddBoolToObject(j, "new", (o->marks & CGM_NEW) != 0);
    cJSON_AddItemToObject(j, "changed", changed);
    return j;
}

cJSON *render_cg_json(const struct render_ctx *rc, const struct cg_snap *s)
{
    cJSON *arr = cJSON_CreateArray();
    for (size_t k = 0; s && s->taken && k < s->n; k++)
        cJSON_AddItemToArray(arr, render_cg_obs_json(rc, &s->v[k]));
    return arr;
}

/* --- cgls ---------------------------------------------------------------- */

#define CGLS_BAR 20
#define CGLS_USAGE 35 /* "30.1M   [####................]  47%" */

void render_cgls(const struct render_ctx *rc, const struct cg_obs *v, size_t n, struct strbuf *out)
{
    /* 2 + 14 + 1 + 3 + 1 + 9 + 1 + 35 + 1 + 5 (+ " self") = 77 columns at
     * most, so a row never wraps in an 80-column terminal; counters that do
     * not fit beside a bar go on a line of their own below it. */
    sb_printf(out, "  %s", rc_col(rc, C_DIM));
    /* TRANSLATORS: cgls column headers, at most 14, 3, 9, 35 and 5 columns
     * (a Chinese character takes two). */
    sb_append_padded(out, _("NAME"), 15);
    sb_append_padded(out, _("VER"), 4);
    sb_append_padded(out, _("LIMIT"), 10);
    sb_append_padded(out, _("USAGE"), CGLS_USAGE + 1);
    sb_printf(out, "%*s%s%s\n", 5 - (int)str_cols(_("PROCS")), "", _("PROCS"), rc_col(rc, C_RESET));
    for (size_t k = 0; k < n; k++) {
        const struct cg_obs *o = &v[k];
        char name[64];
        const char *slash = strrchr(o->name, '/');
        const char *base = o->depth && slash ? slash + 1 : o->name;
        snprintf(name, sizeof name, "%*s%.*s", o->depth * 2, "", 40, base);
        if (!o->ok) {
            sb_printf(out, "  %-14s v%-2d %s\n", name, o->version, o->err);
            continue;
        }
        struct cg_summary s;
        summarise(o, &s);
        struct strbuf u = {0};
        if (strcmp(s.usage, "-") != 0) {
            sb_printf(&u, "%-7s", s.usage);
            if (s.pct >= 0) {
                sb_appendc(&u, ' ');
                cg_bar(s.pct, CGLS_BAR, &u);
                sb_printf(&u, " %3.0f%%", s.pct * 100);
            }
        }
        bool below = false;
        if (s.extra[0]) {
            if (str_cols(sb_str(&u)) + (u.len ? 2 : 0) + str_cols(s.extra) <= CGLS_USAGE)
                sb_printf(&u, "%s%s", u.len ? "  " : "", s.extra);
            else
                below = true;
        }
        sb_printf(out, "  %-14s v%-2d ", name, o->version);
        char lim[16];
        snprintf(lim, sizeof lim, "%.9s", s.limit);
        sb_append_padded(out, lim, 10);
        sb_append_padded(out, sb_str(&u), CGLS_USAGE + 1);
        sb_printf(out, "%5zu%s%s\n", o->st.npids, o->subject_inside ? " " : "",
                  o->subject_inside ? _("self") : "");
        if (below)
            sb_printf(out, "  %-14s %-3s %-9s %s\n", "", "", "", s.extra);
        sb_free(&u);
    }
}
