#define _GNU_SOURCE
/* Propagation in words. findmnt shows "shared" or "private,slave" and drops
 * the peer-group numbers; here every group is named and resolved to the
 * mounts that belong to it, in this namespace and in another one. */
#include "kernel/mount/mountinfo.h"

#include <stdlib.h>
#include <string.h>

static const char *group_text(const struct mount_labels *lb, int group, char *buf, size_t size)
{
    if (lb && lb->group)
        return lb->group(lb->ctx, group, buf, size);
    snprintf(buf, size, "%d", group);
    return buf;
}

static const char *mntns_text(const struct mount_labels *lb, ino_t ino, char *buf, size_t size)
{
    if (lb && lb->mntns)
        return lb->mntns(lb->ctx, ino, buf, size);
    snprintf(buf, size, "%llu", (unsigned long long)ino);
    return buf;
}

void mount_propagation_format(const struct mount_ent *m, const struct mount_labels *lb,
                              struct strbuf *out)
{
    char buf[64];
    size_t start = out->len;
    if (m->shared)
        sb_printf(out, "shared:%s", group_text(lb, m->shared, buf, sizeof buf));
    if (m->master)
        sb_printf(out, "%smaster:%s", out->len > start ? " " : "",
                  group_text(lb, m->master, buf, sizeof buf));
    if (m->propagate_from)
        sb_printf(out, "%spropagate_from:%s", out->len > start ? " " : "",
                  group_text(lb, m->propagate_from, buf, sizeof buf));
    if (m->unbindable)
        sb_printf(out, "%sunbindable", out->len > start ? " " : "");
    if (out->len == start)
        sb_append(out, "private");
}

struct rel_out {
    struct strbuf *out;
    const char *sep;
    bool any;
    const struct mount_labels *lb;
};

/* Marks a string for the catalog (scripts/i18n-pot reads N_). */
#define N_(s) s
/* s in the labels' language. */
static const char *L(const struct rel_out *r, const char *s)
{
    return r->lb && r->lb->tr ? r->lb->tr(s) : s;
}

static void rel_item(struct rel_out *r, const char *fmt, ...) PRINTF(2, 3);
static void rel_item(struct rel_out *r, const char *fmt, ...)
{
    if (r->any)
        sb_append(r->out, r->sep);
    va_list ap;
    va_start(ap, fmt);
    sb_vprintf(r->out, fmt, ap);
    va_end(ap);
    r->any = true;
}

/* "in this namespace" or "in mnt ns 4026532177" (or "in the other
 * namespace" when its inode is unknown). */
static void where_text(const struct rel_out *r, const struct mount_table *t, bool is_self,
                       struct strbuf *sb)
{
    char buf[64];
    if (is_self)
        sb_append(sb, L(r, N_("in this namespace")));
    else if (t->mntns)
        sb_printf(sb, L(r, N_("in mnt ns %s")), mntns_text(r->lb, t->mntns, buf, sizeof buf));
    else
        sb_append(sb, L(r, N_("in the other namespace")));
}

/* " at /x" when a related mount sits somewhere else than m: bind mounts of
 * one peer group in one namespace differ only by their targets. */
static void at_text(const struct rel_out *r, const struct mount_ent *m,
                    const struct mount_ent *rel, struct strbuf *sb)
{
    if (strcmp(m->target, rel->target) != 0)
        sb_printf(sb, L(r, N_(" at %s")), rel->target);
}

/* Up to this many related mounts of one namespace are named one by one;
 * more (a recursive bind of a shared tree makes dozens) are counted. */
#define REL_LIST_MAX 3

/* The peers (slaves=false) or the slaves of m's group in table t. */
static void related_in(struct rel_out *r, const struct mount_table *t, bool is_self,
                       const struct mount_ent *m, bool slaves)
{
    size_t count = 0;
    for (size_t i = 0; i < t->n; i++) {
        const struct mount_ent *p = &t->v[i];
        if (!(is_self && p->id == m->id) &&
            (slaves ? p->master == m->shared : p->shared == m->shared))
            count++;
    }
    if (!count)
        return;
    struct strbuf sb = {0};
    if (count <= REL_LIST_MAX) {
        for (size_t i = 0; i < t->n; i++) {
            const struct mount_ent *p = &t->v[i];
            if ((is_self && p->id == m->id) ||
                !(slaves ? p->master == m->shared : p->shared == m->shared))
                continue;
            sb_reset(&sb);
            sb_printf(&sb, slaves ? L(r, N_("propagates to mount %d")) : L(r, N_("peer of mount %d")),
                      p->id);
            at_text(r, m, p, &sb);
            sb_append(&sb, " ");
            where_text(r, t, is_self, &sb);
            if (slaves)
                sb_append(&sb, L(r, N_(" (a slave)")));
            rel_item(r, "%s", sb.buf);
        }
        sb_free(&sb);
        return;
    }
    sb_printf(&sb, slaves ? L(r, N_("propagates to %zu mounts ")) : L(r, N_("peer of %zu mounts ")),
              count);
    where_text(r, t, is_self, &sb);
    sb_append(&sb, slaves ? L(r, N_(" (slaves): ")) : L(r, N_(": ")));
    size_t shown = 0;
    for (size_t i = 0; i < t->n && shown < REL_LIST_MAX; i++) {
        const struct mount_ent *p = &t->v[i];
        if ((is_self && p->id == m->id) ||
            !(slaves ? p->master == m->shared : p->shared == m->shared))
            continue;
        sb_printf(&sb, "%s%d", shown++ ? ", " : "", p->id);
        at_text(r, m, p, &sb);
    }
    sb_printf(&sb, L(r, N_(" and %zu more")), count - shown);
    rel_item(r, "%s", sb.buf);
    sb_free(&sb);
}

static void peers_and_slaves(struct rel_out *r, const struct mount_table *t, bool is_self,
                             const struct mount_ent *m)
{
    if (!t)
        return;
    related_in(r, t, is_self, m, false);
    related_in(r, t, is_self, m, true);
}

/* The members of peer group g, in every table: "mount 27 in this
 * namespace", "mounts 20, 21 in this namespace and mount 41 in mnt ns
 * 4026532177". tabs[0] is the caller's own. */
static void group_members(const struct rel_out *r, const struct mount_table *const *tabs,
                          size_t ntabs, int g, struct strbuf *sb)
{
    size_t start = sb->len;
    for (size_t k = 0; k < ntabs; k++) {
        size_t count = 0;
        struct strbuf ids = {0};
        for (size_t i = 0; tabs[k] && i < tabs[k]->n; i++) {
            if (tabs[k]->v[i].shared != g)
                continue;
            sb_printf(&ids, "%s%d", count++ ? ", " : "", tabs[k]->v[i].id);
        }
        if (count) {
            sb_append(sb, sb->len > start ? L(r, N_(" and ")) : "");
            sb_printf(sb, count > 1 ? L(r, N_("mounts %s ")) : L(r, N_("mount %s ")), ids.buf);
            where_text(r, tabs[k], k == 0, sb);
        }
        sb_free(&ids);
    }
    if (sb->len == start)
        sb_append(sb, L(r, N_("no member visible here")));
}

void mount_relations_format(const struct mount_table *self, const struct mount_table *other,
                            const struct mount_ent *m, const struct mount_labels *lb,
                            const char *sep, struct strbuf *out)
{
    const struct mount_table *const others[1] = {other};
    mount_relations_format_n(self, others, other ? 1 : 0, m, lb, sep, out);
}

/* Is t worth looking at beside self: another namespace, not seen yet? */
static bool other_is_new(const struct mount_table *self, const struct mount_table *const *tabs,
                         size_t n, const struct mount_table *t)
{
    if (!t || t == self || (t->mntns && t->mntns == self->mntns))
        return false;
    for (size_t k = 1; k < n; k++)
        if (tabs[k] == t || (t->mntns && tabs[k]->mntns == t->mntns))
            return false;
    return true;
}

void mount_relations_format_n(const struct mount_table *self,
                              const struct mount_table *const *others, size_t n_others,
                              const struct mount_ent *m, const struct mount_labels *lb,
                              const char *sep, struct strbuf *out)
{
    struct rel_out r = {.out = out, .sep = sep ? sep : "; ", .lb = lb};
    char buf[64];
    /* tabs[0] is self; then each other namespace once. */
    const struct mount_table **tabs = xcalloc(n_others + 1, sizeof *tabs);
    size_t ntabs = 0;
    tabs[ntabs++] = self;
    for (size_t k = 0; k < n_others; k++)
        if (other_is_new(self, tabs, ntabs, others[k]))
            tabs[ntabs++] = others[k];

    if (m->shared) {
        size_t before = out->len;
        for (size_t k = 0; k < ntabs; k++)
            peers_and_slaves(&r, tabs[k], k == 0, m);
        if (out->len == before)
            rel_item(&r, L(&r, N_("shared in peer group %s, with no other member visible here")),
                     group_text(lb, m->shared, buf, sizeof buf));
    }
    if (m->master) {
        struct strbuf sb = {0};
        group_members(&r, tabs, ntabs, m->master, &sb);
        rel_item(&r, L(&r, N_("receives from peer group %s (%s)")),
                 group_text(lb, m->master, buf, sizeof buf), sb.buf);
        sb_free(&sb);
    }
    if (m->propagate_from)
        rel_item(&r, L(&r, N_("receives through peer group %s, the nearest one visible from this "
                              "process's root")),
                 group_text(lb, m->propagate_from, buf, sizeof buf));
    if (m->unbindable && !m->shared && !m->master)
        rel_item(&r, "%s", L(&r, N_("unbindable: no propagation, and it cannot be bind-mounted")));
    else if (m->unbindable)
        rel_item(&r, "%s", L(&r, N_("unbindable: it cannot be bind-mounted")));
    else if (!m->shared && !m->master)
        rel_item(&r, "%s", L(&r, N_("private: no propagation")));
    free(tabs);
}

/* --- reachability -------------------------------------------------------- */

bool mount_groups_has(const struct mount_groups *s, int g)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->v[i] == g)
            return true;
    return false;
}

bool mount_groups_add(struct mount_groups *s, int g)
{
    if (!g || mount_groups_has(s, g))
        return false;
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 8;
        s->v = xrealloc(s->v, s->cap * sizeof *s->v);
    }
    s->v[s->n++] = g;
    return true;
}

void mount_groups_free(struct mount_groups *s)
{
    free(s->v);
    memset(s, 0, sizeof *s);
}

void mount_groups_reached(int g, const struct mount_table *const *tabs, size_t n,
                          struct mount_groups *out)
{
    mount_groups_add(out, g);
    for (bool grew = true; grew;) {
        grew = false;
        for (size_t k = 0; k < n; k++)
            for (size_t i = 0; tabs[k] && i < tabs[k]->n; i++) {
                const struct mount_ent *m = &tabs[k]->v[i];
                if (m->shared && mount_groups_has(out, m->master))
                    grew |= mount_groups_add(out, m->shared);
            }
    }
}

/* Does what is mounted below `from` reach `to`? */
static bool reaches(const struct mount_ent *from, const struct mount_ent *to,
                    const struct mount_table *const *tabs, size_t n)
{
    if (!from->shared)
        return false;
    struct mount_groups g = {0};
    mount_groups_reached(from->shared, tabs, n, &g);
    bool r = mount_groups_has(&g, to->master) || mount_groups_has(&g, to->shared);
    mount_groups_free(&g);
    return r;
}

enum mount_rel mount_rel_between(const struct mount_ent *a, const struct mount_ent *b,
                                 const struct mount_table *const *tabs, size_t n)
{
    if (!a)
        return b ? MREL_ONLY_B : MREL_NONE;
    if (!b)
        return MREL_ONLY_A;
    if (a->shared && a->shared == b->shared)
        return MREL_PEERS;
    bool ab = reaches(a, b, tabs, n), ba = reaches(b, a, tabs, n);
    if (ab && ba)
        return MREL_PEERS;
    if (ab)
        return MREL_SENDS;
    if (ba)
        return MREL_RECEIVES;
    if (a->master && a->master == b->master)
        return MREL_SIBLINGS;
    return MREL_NONE;
}

/* --- the views ----------------------------------------------------------- */

void mount_views_free(struct mount_views *v)
{
    mount_table_free(&v->self);
    for (size_t k = 0; k < v->n_others; k++)
        mount_table_free(&v->others[k]);
    free(v->others);
    memset(v, 0, sizeof *v);
}

void mount_views_relations_format(const struct mount_views *v, const struct mount_ent *m,
                                  const struct mount_labels *lb, const char *sep,
                                  struct strbuf *out)
{
    const struct mount_table **others = xcalloc(v->n_others + 1, sizeof *others);
    for (size_t k = 0; k < v->n_others; k++)
        others[k] = &v->others[k];
    mount_relations_format_n(&v->self, others, v->n_others, m, lb, sep, out);
    free(others);
}
