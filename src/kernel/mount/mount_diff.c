#define _GNU_SOURCE
#include "kernel/mount/mount_diff.h"

#include <stdlib.h>
#include <string.h>

struct mount_prop_state mount_prop_state_of(const struct mount_ent *m)
{
    return (struct mount_prop_state){.shared = m->shared,
                                     .master = m->master,
                                     .propagate_from = m->propagate_from,
                                     .unbindable = m->unbindable};
}

bool mount_prop_state_equal(const struct mount_prop_state *a, const struct mount_prop_state *b)
{
    return a->shared == b->shared && a->master == b->master &&
           a->propagate_from == b->propagate_from && a->unbindable == b->unbindable;
}

void mount_prop_state_format(const struct mount_prop_state *p, const struct mount_labels *lb,
                             struct strbuf *out)
{
    struct mount_ent m = {.shared = p->shared,
                          .master = p->master,
                          .propagate_from = p->propagate_from,
                          .unbindable = p->unbindable};
    mount_propagation_format(&m, lb, out);
}

static struct mount_change *change_push(struct mount_diff *d, enum mount_change_kind kind,
                                        const struct mount_ent *m)
{
    d->v = xrealloc(d->v, (d->n + 1) * sizeof *d->v);
    struct mount_change *c = &d->v[d->n++];
    memset(c, 0, sizeof *c);
    c->kind = kind;
    c->id = c->old_id = m->id;
    c->parent = m->parent;
    c->target = xstrdup(m->target);
    c->fstype = xstrdup(m->fstype);
    c->source = xstrdup(m->source);
    if (kind == MOUNT_REMOVED)
        c->before = mount_prop_state_of(m);
    else
        c->after = mount_prop_state_of(m);
    return c;
}

/* The same mount in both readings: an ID is reused after an unmount, so a
 * mount with the ID of an old one is only the same when it sits at the same
 * place and shows the same filesystem and root. */
static bool same_mount(const struct mount_ent *a, const struct mount_ent *b)
{
    return a->major == b->major && a->minor == b->minor && strcmp(a->root, b->root) == 0 &&
           strcmp(a->target, b->target) == 0;
}

static void compare_pair(struct mount_diff *d, const struct mount_ent *a,
                         const struct mount_ent *b)
{
    struct mount_prop_state pa = mount_prop_state_of(a), pb = mount_prop_state_of(b);
    bool prop = !mount_prop_state_equal(&pa, &pb);
    bool opts = strcmp(a->opts, b->opts) != 0;
    if (!prop && !opts)
        return;
    struct mount_change *c = change_push(d, MOUNT_CHANGED, b);
    c->old_id = a->id;
    c->before = pa;
    c->after = pb;
    if (opts) {
        c->opts_before = xstrdup(a->opts);
        c->opts_after = xstrdup(b->opts);
    }
}

/* Which occurrence of its mount point m is in t (0 for the first mount on
 * that path, 1 for one stacked on it, ...). */
static size_t occurrence(const struct mount_table *t, size_t idx)
{
    size_t k = 0;
    for (size_t i = 0; i < idx; i++)
        k += strcmp(t->v[i].target, t->v[idx].target) == 0;
    return k;
}

static const struct mount_ent *find_occurrence(const struct mount_table *t, const char *target,
                                               size_t k)
{
    for (size_t i = 0; i < t->n; i++)
        if (strcmp(t->v[i].target, target) == 0 && k-- == 0)
            return &t->v[i];
    return NULL;
}

/* The counterpart in the other table of entry idx of t. */
static const struct mount_ent *counterpart(const struct mount_table *t, size_t idx,
                                           const struct mount_table *other, bool by_place)
{
    const struct mount_ent *m = &t->v[idx];
    if (by_place)
        return find_occurrence(other, m->target, occurrence(t, idx));
    const struct mount_ent *o = mount_table_find_id(other, m->id);
    return o && same_mount(m, o) ? o : NULL;
}

void mount_table_diff(const struct mount_table *a, const struct mount_table *b,
                      struct mount_diff *out)
{
    mount_diff_free(out);
    out->ns_before = a->mntns;
    out->ns_after = b->mntns;
    out->ns_changed = a->mntns != b->mntns;
    out->n_before = a->n;
    out->n_after = b->n;
    bool by_place = out->ns_changed;
    for (size_t i = 0; i < a->n; i++)
        if (!counterpart(a, i, b, by_place))
            change_push(out, MOUNT_REMOVED, &a->v[i]);
    for (size_t i = 0; i < b->n; i++) {
        const struct mount_ent *o = counterpart(b, i, a, by_place);
        if (!o)
            change_push(out, MOUNT_ADDED, &b->v[i]);
        else
            compare_pair(out, o, &b->v[i]);
    }
}

void mount_diff_free(struct mount_diff *d)
{
    for (size_t i = 0; i < d->n; i++) {
        free(d->v[i].target);
        free(d->v[i].fstype);
        free(d->v[i].source);
        free(d->v[i].opts_before);
        free(d->v[i].opts_after);
    }
    free(d->v);
    memset(d, 0, sizeof *d);
}
