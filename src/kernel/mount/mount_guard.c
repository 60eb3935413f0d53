#define _GNU_SOURCE
/* The host guard (SPEC §6): in a mount namespace the session did not
 * create (the host's: the one nslab started in, or any other it entered)
 * only the mounts this session made may change; in a namespace it made a
 * change may not travel into a host table through a peer group, nor
 * change a filesystem a host table mounts too (a remount without MS_BIND
 * changes the superblock, which every mount of it shares). A pure decision
 * on tables, so every row of its decision table is a unit test. */
#include "kernel/mount/mount.h"

#include <stdlib.h>
#include <string.h>

#include "i18n.h"

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
    case MOUNT_OP_REMOUNT_BIND:
        sb_printf(sb, "remount %s with MS_BIND", req->path);
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

static const char *const host_hint = N_("run `unshare mnt` first to experiment on a private "
                                        "copy of the mount table (or start nslab with "
                                        "--allow-host-changes)");

static int refuse_host(const struct guard_req *req, const struct mount_ent *m, bool below,
                       struct nsl_err *e)
{
    struct strbuf what = {0};
    op_phrase(req, &what);
    if (!m)
        nsl_fail(e, 0,
                 "refusing to %s: this is the host's mount namespace (one this session did not "
                 "create), and no mount this session created holds it; %s",
                 what.buf, _(host_hint));
    else if (op_adds_mount(req->op))
        nsl_fail(e, 0,
                 "refusing to %s: the new mount would go into mount %d (on %s), which this "
                 "session did not create, in the host's mount namespace (one this session did "
                 "not create); %s",
                 what.buf, m->id, m->target, _(host_hint));
    else
        nsl_fail(e, 0,
                 "refusing to %s: mount %d (on %s)%s was not created by this session, and "
                 "this is the host's mount namespace (one this session did not create); %s",
                 what.buf, m->id, m->target, below ? _(", below it,") : "", _(host_hint));
    sb_free(&what);
    return -1;
}

/* A remount without MS_BIND changes the filesystem itself (its superblock:
 * size, ro/rw of every mount of it, its options), shared by every mount of
 * it in every namespace. The major:minor of mountinfo names the superblock.
 * Refused when a mount outside the session's reach (other than one it
 * created) shows the same filesystem. */
static int guard_superblock(const struct host_guard *g, const struct mount_table *self,
                            const struct guard_req *req, struct nsl_err *e)
{
    const struct mount_ent *m = req->mount;
    if (req->op != MOUNT_OP_REMOUNT || !m)
        return 0;
    const struct mount_ent *hit = NULL;
    ino_t where = 0;
    const struct mount_table *tabs = g->in_host_mntns ? self : g->host;
    size_t ntabs = g->in_host_mntns ? (self ? 1 : 0) : g->nhost;
    for (size_t t = 0; t < ntabs && !hit; t++) {
        for (size_t i = 0; i < tabs[t].n && !hit; i++) {
            const struct mount_ent *h = &tabs[t].v[i];
            if (h->major == m->major && h->minor == m->minor && h != m &&
                !mount_ids_has(g->created, h->id)) {
                hit = h;
                where = tabs[t].mntns;
            }
        }
    }
    if (!hit)
        return 0;
    char dev[32];
    snprintf(dev, sizeof dev, "%u:%u", m->major, m->minor);
    if (g->in_host_mntns)
        return nsl_fail(e, 0,
                        "refusing to remount %s: without bind, a remount changes the filesystem "
                        "itself (device %s), and mount %d (on %s), which this session did not "
                        "create, shows that filesystem too; `-o remount,bind,...` changes the "
                        "flags of one mount only",
                        req->path, dev, hit->id, hit->target);
    return nsl_fail(e, 0,
                    "refusing to remount %s: without bind, a remount changes the filesystem "
                    "itself (its superblock, device %s), which every mount namespace that mounts "
                    "it shares, and mount namespace %llu, which this session did not create, "
                    "mounts it on %s; `-o remount,bind,...` changes the flags of this one mount "
                    "only (ro, nosuid, noexec, ...), and a filesystem the session mounted itself "
                    "may be remounted as it likes",
                    req->path, dev, (unsigned long long)where, hit->target);
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
    return guard_superblock(g, self, req, e);
}

/* The mount whose peer group a change at req spreads through: the one that
 * holds a new mount, or the parent of an unmounted one. Remounts and
 * propagation changes never propagate. */
static const struct mount_ent *spreading_mount(const struct mount_table *self,
                                               const struct guard_req *req)
{
    if (op_adds_mount(req->op))
        return req->mount;
    if (req->op == MOUNT_OP_UMOUNT && req->mount && self)
        return mount_table_find_id(self, req->mount->parent);
    return NULL;
}

/* In a namespace the session made: would a new mount (or an unmount) under
 * this mount be copied into a mount of a host table? */
static int guard_leak(const struct host_guard *g, const struct mount_table *self,
                      const struct guard_req *req, struct nsl_err *e)
{
    const struct mount_ent *p = spreading_mount(self, req);
    if (!p || !p->shared || !g->host)
        return 0;

    /* What the spreading mount's group reaches, through self and the host
     * tables. */
    const struct mount_table **tabs = xcalloc(g->nhost + 1, sizeof *tabs);
    tabs[0] = self;
    for (size_t t = 0; t < g->nhost; t++)
        tabs[t + 1] = &g->host[t];
    struct mount_groups reach = {0};
    mount_groups_reached(p->shared, tabs, g->nhost + 1, &reach);
    free(tabs);
    const struct mount_ent *hit = NULL;
    ino_t where = 0;
    for (size_t t = 0; t < g->nhost && !hit; t++) {
        for (size_t i = 0; i < g->host[t].n && !hit; i++) {
            const struct mount_ent *h = &g->host[t].v[i];
            if ((h->shared && mount_groups_has(&reach, h->shared)) ||
                (h->master && mount_groups_has(&reach, h->master))) {
                hit = h;
                where = g->host[t].mntns;
            }
        }
    }
    mount_groups_free(&reach);
    if (!hit)
        return 0;

    struct strbuf what = {0};
    op_phrase(req, &what);
    nsl_fail(e, 0,
             "refusing to %s: mount %d (on %s) is in peer group %d, which propagates to "
             "mount %d (on %s) of mount namespace %llu, which this session did not create, so "
             "the change would reach the host; make it private first (`propagation private %s`; "
             "`unshare mnt` does that for every mount), or start nslab with --allow-host-changes",
             what.buf, p->id, p->target, p->shared, hit->id, hit->target,
             (unsigned long long)where, p->target);
    sb_free(&what);
    return -1;
}

/* --- the cgroup2 root options -------------------------------------------
 * There is one cgroup v2 hierarchy per machine. A process in the initial
 * cgroup namespace that mounts cgroup2 (or remounts it without MS_BIND)
 * sets or clears each of its options (nsdelegate, memory_recursiveprot,
 * favordynmods, ...) by the ones it gives: the kernel's
 * apply_cgroup_root_flags, for every mount of it in every namespace. A
 * bare mount on a systemd host would drop nsdelegate under systemd. Every
 * cgroup2 mount shows the options as its superblock's, so any one tells
 * them. In a cgroup namespace the session made the kernel leaves them. */

static bool cgroup2_op(const struct guard_req *req)
{
    const char *fstype = req->op == MOUNT_OP_MOUNT      ? req->fstype
                         : req->op == MOUNT_OP_REMOUNT && req->mount ? req->mount->fstype
                                                                     : NULL;
    return fstype && strcmp(fstype, "cgroup2") == 0;
}

static const struct mount_ent *cgroup2_in(const struct mount_table *t)
{
    for (size_t i = 0; t && i < t->n; i++)
        if (t->v[i].fstype && strcmp(t->v[i].fstype, "cgroup2") == 0)
            return &t->v[i];
    return NULL;
}

/* The words of an option list that are the hierarchy's (rw and ro are the
 * mount's flags), in the order given, comma-separated. */
static void root_opts(const char *list, struct strbuf *out)
{
    for (const char *w = list ? list : ""; *w;) {
        size_t n = strcspn(w, ",");
        if (n && !(n == 2 && (strncmp(w, "rw", 2) == 0 || strncmp(w, "ro", 2) == 0)))
            sb_printf(out, "%s%.*s", out->len ? "," : "", (int)n, w);
        w += n + (w[n] == ',');
    }
}

/* Is every word of a among the words of b? */
static bool words_within(const char *a, const char *b)
{
    for (const char *w = a; *w;) {
        size_t n = strcspn(w, ",");
        bool found = false;
        for (const char *v = b; *v && !found;) {
            size_t m = strcspn(v, ",");
            found = m == n && strncmp(v, w, n) == 0;
            v += m + (v[m] == ',');
        }
        if (!found)
            return false;
        w += n + (w[n] == ',');
    }
    return true;
}

/* Does req need the hierarchy's options from a host table (self shows no
 * cgroup2 mount)? */
static bool cgroup2_needs_host(const struct host_guard *g, const struct mount_table *self,
                               const struct guard_req *req)
{
    return g->in_host_cgroupns && cgroup2_op(req) && !cgroup2_in(self);
}

static int guard_cgroup2_root(const struct host_guard *g, const struct mount_table *self,
                              const struct guard_req *req, struct nsl_err *e)
{
    if (!g->in_host_cgroupns || !cgroup2_op(req))
        return 0;
    const struct mount_ent *live = cgroup2_in(self);
    for (size_t t = 0; !live && t < g->nhost; t++)
        live = cgroup2_in(&g->host[t]);
    /* No cgroup2 mount anywhere: nothing mounted shows or depends on the
     * options, so the new mount may set them. */
    if (!live)
        return 0;
    struct strbuf want = {0}, have = {0};
    root_opts(req->data, &want);
    root_opts(live->super_opts, &have);
    int rc = 0;
    if (!words_within(sb_str(&want), sb_str(&have)) || !words_within(sb_str(&have), sb_str(&want))) {
        struct strbuf what = {0};
        op_phrase(req, &what);
        if (have.len)
            nsl_fail(e, 0,
                     "refusing to %s with options '%s': from a cgroup namespace this session did "
                     "not create, a cgroup2 mount sets the options of the machine's one cgroup v2 "
                     "hierarchy, for every process, and mount %d (on %s) shows them as '%s' now; "
                     "give `-o %s`, or run `unshare cgroup` first (from a new cgroup namespace "
                     "the kernel leaves them alone), or start nslab with --allow-host-changes",
                     what.buf, sb_str(&want), live->id, live->target, have.buf, have.buf);
        else
            nsl_fail(e, 0,
                     "refusing to %s with options '%s': from a cgroup namespace this session did "
                     "not create, a cgroup2 mount sets the options of the machine's one cgroup v2 "
                     "hierarchy, for every process, and mount %d (on %s) shows none now; mount "
                     "it without -o, or run `unshare cgroup` first (from a new cgroup namespace "
                     "the kernel leaves them alone), or start nslab with --allow-host-changes",
                     what.buf, sb_str(&want), live->id, live->target);
        sb_free(&what);
        rc = -1;
    }
    sb_free(&want);
    sb_free(&have);
    return rc;
}

bool host_guard_needs_host(const struct host_guard *g, const struct mount_table *self,
                           const struct guard_req *req)
{
    if (g->allow_host_changes)
        return false;
    if (cgroup2_needs_host(g, self, req))
        return true;
    if (g->in_host_mntns)
        return false;
    if (req->op == MOUNT_OP_REMOUNT)
        return req->mount != NULL;
    const struct mount_ent *p = spreading_mount(self, req);
    return p && p->shared;
}

int host_guard_check(const struct host_guard *g, const struct mount_table *self,
                     const struct guard_req *req, struct nsl_err *e)
{
    if (g->allow_host_changes)
        return 0;
    if (g->in_host_mntns ? guard_in_host(g, self, req, e) < 0
                         : guard_superblock(g, self, req, e) < 0 || guard_leak(g, self, req, e) < 0)
        return -1;
    return guard_cgroup2_root(g, self, req, e);
}
