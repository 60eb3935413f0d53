#define _GNU_SOURCE
/* The cgroup half of the observation: after each step, the key files of
 * every cgroup of the session, and of the subject's own cgroups where they
 * are not the host's, each value marked when it changed since the previous
 * step. Fills plain structs; render/cgroup.c prints them. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "session/cgroups.h"

void cg_obs_free(struct cg_obs *o)
{
    cg_stats_free(&o->st);
    free(o->changed);
    o->changed = NULL;
}

void cg_snap_free(struct cg_snap *s)
{
    for (size_t k = 0; k < s->n; k++)
        cg_obs_free(&s->v[k]);
    free(s->v);
    memset(s, 0, sizeof *s);
}

static bool num_differs(const struct cg_num *a, const struct cg_num *b)
{
    return a->known != b->known || a->is_max != b->is_max || a->v != b->v;
}

static bool pids_differ(const struct cg_stats *a, const struct cg_stats *b)
{
    return a->npids != b->npids ||
           (a->npids && memcmp(a->pids, b->pids, a->npids * sizeof *a->pids) != 0);
}

/* Compare o with what the previous observation saw of the same cgroup. */
static void obs_mark(struct cg_obs *o, const struct cg_obs *prev)
{
    if (!o->ok || !prev || !prev->ok)
        return;
    const struct cg_stats *a = &prev->st, *b = &o->st;
    o->changed = xcalloc(b->nreads ? b->nreads : 1, sizeof *o->changed);
    for (size_t i = 0; i < b->nreads; i++) {
        const char *pv = cg_stats_get(a, b->reads[i].file, b->reads[i].key);
        o->changed[i] = pv && strcmp(pv, b->reads[i].value) != 0;
    }
    if (num_differs(&a->limit, &b->limit) || num_differs(&a->period, &b->period))
        o->marks |= CGM_LIMIT;
    if (num_differs(&a->usage, &b->usage))
        o->marks |= CGM_USAGE;
    if (num_differs(&a->max_hits, &b->max_hits))
        o->marks |= CGM_HITS;
    if (num_differs(&a->oom_kill, &b->oom_kill))
        o->marks |= CGM_OOM;
    if (num_differs(&a->nr_throttled, &b->nr_throttled))
        o->marks |= CGM_THROTTLED;
    if (a->frozen != b->frozen)
        o->marks |= CGM_FROZEN;
    if (pids_differ(a, b))
        o->marks |= CGM_PROCS;
    if (num_differs(&a->weight, &b->weight))
        o->marks |= CGM_WEIGHT;
    if (strcmp(a->cpus, b->cpus) != 0)
        o->marks |= CGM_CPUS;
}

static bool pids_have(const struct cg_stats *st, pid_t pid)
{
    for (size_t k = 0; k < st->npids; k++)
        if (st->pids[k] == pid)
            return true;
    return false;
}

static void obs_read(struct nsl *sh, const struct cg_group *g, const char *name, int depth,
                     const struct cg_obs *prev, struct cg_files *kf, struct cg_obs *o)
{
    memset(o, 0, sizeof *o);
    snprintf(o->name, sizeof o->name, "%s", name);
    snprintf(o->dir, sizeof o->dir, "%s", g->dir);
    o->hier = g->hier;
    o->version = g->version;
    o->ctrl = g->ctrl;
    o->depth = depth;
    struct nsl_err e = {0};
    if (cg_group_stats(g, kf, &o->st, &e) < 0) {
        snprintf(o->err, sizeof o->err, "%s", e.msg);
        return;
    }
    o->ok = true;
    o->subject_inside = sh->subj.pid > 0 && pids_have(&o->st, sh->subj.pid);
    obs_mark(o, prev);
}

void cg_obs_read(struct nsl *sh, const struct cg_group *g, const char *name, int depth,
                 const struct cg_obs *prev, struct cg_obs *o)
{
    obs_read(sh, g, name, depth, prev, NULL, o);
}

static const struct cg_obs *snap_find(const struct cg_snap *s, const char *dir, bool own)
{
    for (size_t k = 0; s && k < s->n; k++)
        if (s->v[k].own == own && strcmp(s->v[k].dir, dir) == 0)
            return &s->v[k];
    return NULL;
}

static struct cg_obs *snap_push(struct cg_snap *s)
{
    s->v = xrealloc(s->v, (s->n + 1) * sizeof *s->v);
    return &s->v[s->n++];
}

/* The subject's cgroup in hierarchy h, when it is not where nslab runs
 * (the host's) and not one of the session's (shown already). */
static void own_add(struct nsl *sh, const struct cg_pid_dirs *d, size_t h,
                    const struct cg_snap *prev, struct cg_snap *out)
{
    struct nsl_cg *c = sh->cg;
    const char *dir = d->dir[h];
    if (!dir[0] || strcmp(dir, c->host.dir[h]) == 0)
        return;
    for (size_t k = 0; k < c->session.n; k++)
        if (strcmp(c->session.v[k]->dir, dir) == 0)
            return;
    struct cg_obs *o = snap_push(out);
    memset(o, 0, sizeof *o);
    o->own = true;
    o->hier = (int)h;
    o->version = c->layout.hier[h].version;
    snprintf(o->dir, sizeof o->dir, "%s", dir);
    /* Below one of the session's cgroups (made there by other means): name
     * it as a CGROUP word would. */
    for (size_t k = 0; k < c->session.n; k++) {
        const struct cg_group *g = c->session.v[k];
        size_t n = strlen(g->dir);
        if (strncmp(dir, g->dir, n) == 0 && dir[n] == '/')
            snprintf(o->name, sizeof o->name, "%s%s", g->name, dir + n);
    }
    struct nsl_err e = {0};
    if (cg_stats_read_hier(&c->layout, (int)h, dir, &c->kept, &o->st, &e) < 0) {
        snprintf(o->err, sizeof o->err, "%s", e.msg);
        return;
    }
    o->ok = true;
    o->ctrl = o->st.ctrl;
    o->subject_inside = true;
    const struct cg_obs *p = snap_find(prev, dir, true);
    if (p)
        obs_mark(o, p);
    else if (prev && prev->taken)
        o->marks |= CGM_NEW; /* the subject moved here in this step */
}

/* The subject's cgroups, from its /proc/PID/cgroup read now (anyone may
 * move it, so it is read every step), parsed and matched against the
 * layout again only when the text differs from the previous step's.
 * NULL when it cannot be read. */
static const struct cg_pid_dirs *subject_dirs(struct nsl *sh)
{
    struct nsl_cg *c = sh->cg;
    char path[300];
    struct strbuf text = {0};
    proc_path(&sh->paths, path, sizeof path, "%d/cgroup", sh->subj.pid);
    if (cg_files_read(&c->kept, path, CGF_ONE_RECORD, &text) < 0) {
        sb_free(&text);
        c->subj_parsed = false;
        return NULL;
    }
    if (c->subj_parsed && c->subj_pid == sh->subj.pid && text.len == c->subj_text.len &&
        memcmp(text.buf, c->subj_text.buf, text.len) == 0) {
        sb_free(&text);
        return c->subj_dirs;
    }
    sb_free(&c->subj_text);
    c->subj_text = text;
    c->subj_pid = sh->subj.pid;
    if (!c->subj_dirs)
        c->subj_dirs = xcalloc(1, sizeof *c->subj_dirs);
    c->subj_parsed = cg_pid_dirs_parse(&c->layout, sb_str(&c->subj_text), c->subj_dirs, NULL) == 0;
    return c->subj_parsed ? c->subj_dirs : NULL;
}

void cg_snap_take(struct nsl *sh, const struct cg_snap *prev, struct cg_snap *out)
{
    memset(out, 0, sizeof *out);
    out->taken = true;
    out->subject = sh->subj.pid;
    struct nsl_cg *c = sh->cg;
    if (!c || !c->ready)
        return;
    for (size_t k = 0; k < c->session.n; k++) {
        const struct cg_group *g = c->session.v[k];
        const struct cg_obs *p = snap_find(prev, g->dir, false);
        struct cg_obs *o = snap_push(out);
        obs_read(sh, g, g->name, 0, p, &c->kept, o);
        if (!p && prev && prev->taken)
            o->marks |= CGM_NEW;
    }
    if (sh->subj.pid <= 0)
        return;
    const struct cg_pid_dirs *d = subject_dirs(sh);
    if (d)
        for (size_t h = 0; h < c->layout.nhier; h++)
            own_add(sh, d, h, prev, out);
}

const struct cg_snap *cgroups_for_step(struct nsl *sh)
{
    cg_snap_free(&sh->step.cgroups);
    cg_snap_take(sh, NULL, &sh->step.cgroups);
    return &sh->step.cgroups;
}

void cgroups_observe_skip(struct nsl *sh)
{
    struct nsl_cg *c = sh->cg;
    if (!c)
        return;
    cg_snap_free(&c->prev);
    cg_snap_free(&c->now);
    memset(&c->prev, 0, sizeof c->prev);
    memset(&c->now, 0, sizeof c->now);
    cg_files_sweep(&c->kept);
}

void cgroups_observe_step(struct nsl *sh)
{
    struct nsl_cg *c = sh->cg;
    if (!c)
        return;
    cg_snap_free(&c->prev);
    c->prev = c->now;
    memset(&c->now, 0, sizeof c->now);
    cg_snap_take(sh, &c->prev, &c->now);
    /* Only what this step showed stays open. */
    cg_files_sweep(&c->kept);
}
