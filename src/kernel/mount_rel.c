#define _GNU_SOURCE
/* Propagation in words. findmnt shows "shared" or "private,slave" and drops
 * the peer-group numbers; here every group is named and resolved to the
 * mounts that belong to it, in this namespace and in another one. */
#include "mountinfo.h"

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
        sb_append(sb, "in this namespace");
    else if (t->mntns)
        sb_printf(sb, "in mnt ns %s", mntns_text(r->lb, t->mntns, buf, sizeof buf));
    else
        sb_append(sb, "in the other namespace");
}

/* " at /x" when a related mount sits somewhere else than m: bind mounts of
 * one peer group in one namespace differ only by their targets. */
static void at_text(const struct mount_ent *m, const struct mount_ent *rel, struct strbuf *sb)
{
    if (strcmp(m->target, rel->target) != 0)
        sb_printf(sb, " at %s", rel->target);
}

static void peers_and_slaves(struct rel_out *r, const struct mount_table *t, bool is_self,
                             const struct mount_ent *m)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->n; i++) {
        const struct mount_ent *p = &t->v[i];
        if (is_self && p->id == m->id)
            continue;
        struct strbuf sb = {0};
        if (p->shared == m->shared) {
            sb_printf(&sb, "peer of mount %d", p->id);
            at_text(m, p, &sb);
            sb_append(&sb, " ");
            where_text(r, t, is_self, &sb);
        } else if (p->master == m->shared) {
            sb_printf(&sb, "propagates to mount %d", p->id);
            at_text(m, p, &sb);
            sb_append(&sb, " ");
            where_text(r, t, is_self, &sb);
            sb_append(&sb, " (a slave)");
        }
        if (sb.len)
            rel_item(r, "%s", sb.buf);
        sb_free(&sb);
    }
}

/* The members of peer group g, in both tables: "mount 27 in this
 * namespace", "mounts 20, 21 in this namespace and mount 41 in mnt ns
 * 4026532177". */
static void group_members(const struct rel_out *r, const struct mount_table *self,
                          const struct mount_table *other, int g, struct strbuf *sb)
{
    size_t start = sb->len;
    const struct mount_table *tabs[2] = {self, other};
    for (int k = 0; k < 2; k++) {
        size_t count = 0;
        struct strbuf ids = {0};
        for (size_t i = 0; tabs[k] && i < tabs[k]->n; i++) {
            if (tabs[k]->v[i].shared != g)
                continue;
            sb_printf(&ids, "%s%d", count++ ? ", " : "", tabs[k]->v[i].id);
        }
        if (count) {
            sb_printf(sb, "%smount%s %s ", sb->len > start ? " and " : "", count > 1 ? "s" : "",
                      ids.buf);
            where_text(r, tabs[k], k == 0, sb);
        }
        sb_free(&ids);
    }
    if (sb->len == start)
        sb_append(sb, "no member visible here");
}

void mount_relations_format(const struct mount_table *self, const struct mount_table *other,
                            const struct mount_ent *m, const struct mount_labels *lb,
                            const char *sep, struct strbuf *out)
{
    struct rel_out r = {.out = out, .sep = sep ? sep : "; ", .lb = lb};
    char buf[64];
    if (other && other->mntns && other->mntns == self->mntns)
        other = NULL;
    if (other == self)
        other = NULL;

    if (m->shared) {
        size_t before = out->len;
        peers_and_slaves(&r, self, true, m);
        if (other)
            peers_and_slaves(&r, other, false, m);
        if (out->len == before)
            rel_item(&r, "shared in peer group %s, with no other member visible here",
                     group_text(lb, m->shared, buf, sizeof buf));
    }
    if (m->master) {
        struct strbuf sb = {0};
        group_members(&r, self, other, m->master, &sb);
        rel_item(&r, "receives from peer group %s (%s)",
                 group_text(lb, m->master, buf, sizeof buf), sb.buf);
        sb_free(&sb);
    }
    if (m->propagate_from)
        rel_item(&r, "receives through peer group %s, the nearest one visible from this "
                     "process's root",
                 group_text(lb, m->propagate_from, buf, sizeof buf));
    if (m->unbindable && !m->shared && !m->master)
        rel_item(&r, "unbindable: no propagation, and it cannot be bind-mounted");
    else if (m->unbindable)
        rel_item(&r, "unbindable: it cannot be bind-mounted");
    else if (!m->shared && !m->master)
        rel_item(&r, "private: no propagation");
}
