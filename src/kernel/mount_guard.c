#define _GNU_SOURCE
/* The host guard (SPEC §6): in the host's mount namespace only the mounts
 * this session made may change; in any other namespace a change may not
 * travel into the host's through a peer group. A pure decision on tables,
 * so every row of its decision table is a unit test. */
#include "mount.h"

#include <stdlib.h>
#include <string.h>

void mount_ids_add(struct mount_ids *s, int id)
{
    if (mount_ids_has(s, id))
        return;
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 8;
        s->v = xrealloc(s->v, s->cap * sizeof *s->v);
    }
    s->v[s->n++] = id;
}

void mount_ids_remove(struct mount_ids *s, int id)
{
    for (size_t i = 0; i < s->n; i++) {
        if (s->v[i] == id) {
            s->v[i] = s->v[--s->n];
            return;
        }
    }
}

bool mount_ids_has(const struct mount_ids *s, int id)
{
    for (size_t i = 0; s && i < s->n; i++)
        if (s->v[i] == id)
            return true;
    return false;
}

void mount_ids_free(struct mount_ids *s)
{
    free(s->v);
    s->v = NULL;
    s->n = s->cap = 0;
}

static void op_phrase(const struct guard_req *req, struct strbuf *sb)
{
    switch (req->op) {
    case MOUNT_OP_MOUNT:
        sb_printf(sb, "mount on %s", req->path);
        break;
    case MOUNT_OP_BIND:
        sb_printf(sb, "bind-mount on %s", req->path);
        break;
    case MOUNT_OP_REMOUNT:
        sb_printf(sb, "remount %s", req->path);
        break;
    case MOUNT_OP_UMOUNT:
        sb_printf(sb, "unmount %s", req->path);
        break;
    case MOUNT_OP_PROPAGATION:
        sb_printf(sb, "change the propagation of %s%s", req->path,
                  req->recursive ? " recursively" : "");
        break;
    }
}

static bool op_adds_mount(enum mount_op op)
{
    return op == MOUNT_OP_MOUNT || op == MOUNT_OP_BIND;
}

static const char host_hint[] = "run `unshare mnt` first to experiment on a private copy of "
                                "the mount table (or start nslab with --allow-host-changes)";

static int refuse_host(const struct guard_req *req, const struct mount_ent *m, bool below,
                       struct nsl_err *e)
{
    struct strbuf what = {0};
    op_phrase(req, &what);
    if (!m)
        nsl_fail(e, 0,
                 "refusing to %s: this is the host's mount namespace, and no mount this "
                 "session created holds it; %s",
                 what.buf, host_hint);
    else if (op_adds_mount(req->op))
        nsl_fail(e, 0,
                 "refusing to %s: the new mount would go into mount %d (on %s), which this "
                 "session did not create, in the host's mount namespace; %s",
                 what.buf, m->id, m->target, host_hint);
    else
        nsl_fail(e, 0,
                 "refusing to %s: mount %d (on %s)%s was not created by this session, and "
                 "this is the host's mount namespace; %s",
                 what.buf, m->id, m->target, below ? ", below it," : "", host_hint);
    sb_free(&what);
    return -1;
}

static int guard_in_host(const struct host_guard *g, const struct mount_table *self,
                         const struct guard_req *req, struct nsl_err *e)
{
    const struct mount_ent *m = req->mount;
    if (!m || !mount_ids_has(g->created, m->id))
        return refuse_host(req, m, false, e);
    if (req->op == MOUNT_OP_PROPAGATION && req->recursive && self) {
        for (size_t i = 0; i < self->n; i++) {
            const struct mount_ent *s = &self->v[i];
            if (s->id != m->id && mount_table_is_under(self, s, m) &&
                !mount_ids_has(g->created, s->id))
                return refuse_host(req, s, true, e);
        }
    }
    return 0;
}

struct groups {
    int *v;
    size_t n, cap;
};

static bool groups_has(const struct groups *s, int g)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->v[i] == g)
            return true;
    return false;
}

static bool groups_add(struct groups *s, int g)
{
    if (!g || groups_has(s, g))
        return false;
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 8;
        s->v = xrealloc(s->v, s->cap * sizeof *s->v);
    }
    s->v[s->n++] = g;
    return true;
}

/* Every peer group that receives what group g receives: g itself, and the
 * groups of shared slaves of a group already reached, as far as the two
 * tables show. */
static void groups_reached(int g, const struct mount_table *a, const struct mount_table *b,
                           struct groups *out)
{
    groups_add(out, g);
    const struct mount_table *tabs[2] = {a, b};
    bool grew = true;
    while (grew) {
        grew = false;
        for (int k = 0; k < 2; k++)
            for (size_t i = 0; tabs[k] && i < tabs[k]->n; i++) {
                const struct mount_ent *m = &tabs[k]->v[i];
                if (m->shared && groups_has(out, m->master))
                    grew |= groups_add(out, m->shared);
            }
    }
}

/* Outside the host's namespace: would a new mount (or an unmount) under
 * this mount be copied into a mount of the host's table? */
static int guard_leak(const struct host_guard *g, const struct mount_table *self,
                      const struct guard_req *req, struct nsl_err *e)
{
    const struct mount_ent *p = NULL;
    if (op_adds_mount(req->op))
        p = req->mount;
    else if (req->op == MOUNT_OP_UMOUNT && req->mount && self)
        p = mount_table_find_id(self, req->mount->parent);
    /* Remount flags and propagation changes never propagate. */
    if (!p || !p->shared || !g->host)
        return 0;

    struct groups reach = {0};
    groups_reached(p->shared, self, g->host, &reach);
    const struct mount_ent *hit = NULL;
    for (size_t i = 0; i < g->host->n && !hit; i++) {
        const struct mount_ent *h = &g->host->v[i];
        if ((h->shared && groups_has(&reach, h->shared)) ||
            (h->master && groups_has(&reach, h->master)))
            hit = h;
    }
    free(reach.v);
    if (!hit)
        return 0;

    struct strbuf what = {0};
    op_phrase(req, &what);
    nsl_fail(e, 0,
             "refusing to %s: mount %d (on %s) is in peer group %d, which propagates to "
             "mount %d (on %s) of the host's mount namespace, so the change would reach the "
             "host; make it private first (`propagation private %s`; `unshare mnt` does that "
             "for every mount), or start nslab with --allow-host-changes",
             what.buf, p->id, p->target, p->shared, hit->id, hit->target, p->target);
    sb_free(&what);
    return -1;
}

int host_guard_check(const struct host_guard *g, const struct mount_table *self,
                     const struct guard_req *req, struct nsl_err *e)
{
    if (g->allow_host_changes)
        return 0;
    if (g->in_host_mntns)
        return guard_in_host(g, self, req, e);
    return guard_leak(g, self, req, e);
}
