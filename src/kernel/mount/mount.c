#define _GNU_SOURCE
#include "kernel/mount/mount.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernel/nsscan.h"
#include "kernel/mount/sys_mount.h"
#include "i18n.h"

static const struct {
    const char *name;
    unsigned long flag;
} prop_names[] = {
    [MOUNT_PROP_SHARED] = {"shared", MS_SHARED},
    [MOUNT_PROP_SLAVE] = {"slave", MS_SLAVE},
    [MOUNT_PROP_PRIVATE] = {"private", MS_PRIVATE},
    [MOUNT_PROP_UNBINDABLE] = {"unbindable", MS_UNBINDABLE},
};

int mount_prop_parse(const char *word, enum mount_prop *out, struct nsl_err *e)
{
    for (size_t i = 0; i < ARRAY_SIZE(prop_names); i++) {
        if (strcmp(word, prop_names[i].name) == 0) {
            *out = (enum mount_prop)i;
            return 0;
        }
    }
    return nsl_usage(e,
                     "unknown propagation type '%s': use shared, slave, private or "
                     "unbindable",
                     word);
}

const char *mount_prop_name(enum mount_prop p)
{
    return prop_names[p].name;
}

unsigned long mount_prop_flag(enum mount_prop p)
{
    return prop_names[p].flag;
}

/* mount(8)'s flag words; `set` false clears the flag (rw, suid, ...). */
static const struct {
    const char *word;
    unsigned long flag;
    bool set;
} flag_words[] = {
    {"ro", MS_RDONLY, true},        {"rw", MS_RDONLY, false},
    {"nosuid", MS_NOSUID, true},    {"suid", MS_NOSUID, false},
    {"nodev", MS_NODEV, true},      {"dev", MS_NODEV, false},
    {"noexec", MS_NOEXEC, true},    {"exec", MS_NOEXEC, false},
    {"sync", MS_SYNCHRONOUS, true}, {"async", MS_SYNCHRONOUS, false},
    {"dirsync", MS_DIRSYNC, true},  {"noatime", MS_NOATIME, true},
    {"atime", MS_NOATIME, false},   {"nodiratime", MS_NODIRATIME, true},
    {"diratime", MS_NODIRATIME, false}, {"relatime", MS_RELATIME, true},
    {"norelatime", MS_RELATIME, false}, {"strictatime", MS_STRICTATIME, true},
    {"lazytime", MS_LAZYTIME, true},    {"nolazytime", MS_LAZYTIME, false},
    {"silent", MS_SILENT, true},        {"loud", MS_SILENT, false},
    {"remount", MS_REMOUNT, true},      {"bind", MS_BIND, true},
    {"rbind", MS_BIND | MS_REC, true},  {"defaults", 0, true},
};

static bool is_propagation_word(const char *w)
{
    if (w[0] == 'r')
        w++;
    return strcmp(w, "shared") == 0 || strcmp(w, "slave") == 0 ||
           strcmp(w, "private") == 0 || strcmp(w, "unbindable") == 0;
}

int mount_opts_parse(const char *opts, unsigned long *flags, char **data, struct nsl_err *e)
{
    *flags = 0;
    *data = NULL;
    if (!opts || !*opts)
        return 0;
    cleanup_free char *copy = xstrdup(opts);
    struct strbuf rest = {0};
    char *save = NULL;
    for (char *w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
        if (is_propagation_word(w)) {
            sb_free(&rest);
            return nsl_fail(e, 0,
                            "'%s' is a propagation type, which mount(2) cannot set together "
                            "with a new mount: mount first, then `propagation %s TARGET`",
                            w, w[0] == 'r' ? w + 1 : w);
        }
        size_t i;
        for (i = 0; i < ARRAY_SIZE(flag_words); i++)
            if (strcmp(w, flag_words[i].word) == 0)
                break;
        if (i == ARRAY_SIZE(flag_words)) {
            sb_printf(&rest, "%s%s", rest.len ? "," : "", w);
        } else if (flag_words[i].set) {
            *flags |= flag_words[i].flag;
        } else {
            *flags &= ~flag_words[i].flag;
        }
    }
    if (rest.len)
        *data = sb_steal(&rest);
    sb_free(&rest);
    return 0;
}

void mount_result_free(struct mount_result *r)
{
    free(r->target);
    free(r->before);
    free(r->after);
    free(r->added);
    free(r->removed);
    memset(r, 0, sizeof *r);
}

/* IDs of a not in b. */
static size_t ids_missing(const struct mount_table *a, const struct mount_table *b, int **out)
{
    size_t n = 0;
    *out = NULL;
    for (size_t i = 0; i < a->n; i++) {
        if (mount_table_find_id(b, a->v[i].id))
            continue;
        *out = xrealloc(*out, (n + 1) * sizeof **out);
        (*out)[n++] = a->v[i].id;
    }
    return n;
}

static void result_fill(struct mount_result *r, const char *target,
                        const struct mount_table *before, const struct mount_table *after)
{
    enum mount_stage failed = r->failed;
    mount_result_free(r);
    r->failed = failed;
    r->target = xstrdup(target);
    const struct mount_ent *b = mount_table_find_target(before, target);
    const struct mount_ent *a = after ? mount_table_find_target(after, target) : NULL;
    if (b) {
        r->before = xstrdup(b->line);
        r->before_id = b->id;
    }
    if (a) {
        r->after = xstrdup(a->line);
        r->after_id = a->id;
    }
    if (after) {
        r->n_added = ids_missing(after, before, &r->added);
        r->n_removed = ids_missing(before, after, &r->removed);
    }
}

/* Everything a step reads before it acts: the canonical target, the
 * caller's table, and the guard's view of the host. */
struct mstep {
    char *path;
    struct mount_table before, after;
    struct mount_table *host; /* the tables of the namespaces the session did not make */
    size_t nhost;
    struct host_guard guard;
};

static void step_free(struct mstep *s)
{
    free(s->path);
    mount_table_free(&s->before);
    mount_table_free(&s->after);
    for (size_t i = 0; i < s->nhost; i++)
        mount_table_free(&s->host[i]);
    free(s->host);
}

static bool ns_made(const struct mount_ctx *c, ino_t ino)
{
    for (size_t i = 0; ino && i < c->n_made_mntns; i++)
        if (c->made_mntns[i] == ino)
            return true;
    return false;
}

/* The table of every mount namespace a process under procfd is in, but
 * those the session made (and the caller's). A process that ends during
 * the walk, or whose table cannot be read, is skipped. */
static int host_tables_read(const struct mount_ctx *c, struct mstep *s, struct nsl_err *e)
{
    if (c->procfd < 0)
        return nsl_fail(e, EINVAL, "cannot check whether this change would reach the host's "
                                   "mount namespaces: no /proc to find them in");
    struct nsscan scan;
    struct nsl_err se;
    if (nsscan_collect(c->procfd, 1u << NS_MNT, &scan, &se) < 0)
        return nsl_fail(e, se.errnum, "cannot check whether this change would reach the host's "
                                      "mount namespaces: %s", se.msg);
    s->host = xcalloc(scan.n ? scan.n : 1, sizeof *s->host);
    for (size_t i = 0; i < scan.n; i++) {
        const struct nsscan_ns *ns = &scan.v[i];
        if (ns->ino == s->before.mntns || ns_made(c, ns->ino))
            continue;
        for (size_t k = 0; k < ns->npids; k++) {
            char rel[48];
            struct strbuf text = {0};
            snprintf(rel, sizeof rel, "%d/mountinfo", (int)ns->pids[k]);
            struct mount_table *t = &s->host[s->nhost];
            int ok = read_file_sb(c->procfd, rel, &text) == 0 &&
                     mountinfo_parse(text.buf, text.len, t, NULL) == 0;
            sb_free(&text);
            if (ok) {
                t->mntns = ns->ino;
                t->pid = ns->pids[k];
                s->nhost++;
                break;
            }
        }
    }
    nsscan_free(&scan);
    s->guard.host = s->host;
    s->guard.nhost = s->nhost;
    return 0;
}

/* The caller's own table. Through procfd when there is one: after
 * pivot_root (or chroot) the caller's root may have no /proc at all, but
 * the /proc it inherited still names it as self, and shows its table as
 * its own root sees it. */
static int self_table_read(const struct mount_ctx *c, struct mount_table *t, struct nsl_err *e)
{
    if (c->procfd < 0)
        return mountinfo_read(c->paths, 0, t, e);
    cleanup_sb struct strbuf sb = {0};
    if (read_file_sb(c->procfd, "self/mountinfo", &sb) < 0)
        return nsl_fail_errno(e, errno, "cannot read /proc/self/mountinfo");
    struct nsl_err pe;
    if (mountinfo_parse(sb_str(&sb), sb.len, t, &pe) < 0)
        return nsl_fail(e, 0, "cannot parse %s: %s", "/proc/self/mountinfo", pe.msg);
    struct stat st;
    t->mntns = fstatat(c->procfd, "self/ns/mnt", &st, 0) == 0 ? st.st_ino : 0;
    t->pid = 0;
    return 0;
}

static int step_begin(const struct mount_ctx *c, const char *verb, const char *path,
                      struct mstep *s, struct mount_result *r, struct nsl_err *e)
{
    s->path = realpath(path, NULL);
    if (!s->path) {
        r->failed = MOUNT_FAILED_TARGET;
        return nsl_fail_errno(e, errno, "cannot %s %s", verb, path);
    }
    if (self_table_read(c, &s->before, e) < 0) {
        r->failed = MOUNT_FAILED_READ;
        return -1;
    }
    /* Only a namespace the session made is its own; an unknown inode
     * counts as the host's: the guard fails closed. */
    s->guard.in_host_mntns = !ns_made(c, s->before.mntns);
    s->guard.allow_host_changes = c->allow_host_changes;
    s->guard.in_host_cgroupns = c->in_host_cgroupns;
    s->guard.created = c->created;
    return 0;
}

/* The guard, reading the host's tables first when the decision needs them. */
static int step_guard(const struct mount_ctx *c, struct mstep *s, const struct guard_req *req,
                      struct mount_result *r, struct nsl_err *e)
{
    if ((host_guard_needs_host(&s->guard, &s->before, req) && host_tables_read(c, s, e) < 0) ||
        host_guard_check(&s->guard, &s->before, req, e) < 0) {
        r->failed = MOUNT_FAILED_GUARD;
        return -1;
    }
    return 0;
}

static int step_end(const struct mount_ctx *c, struct mstep *s, struct mount_result *r,
                    struct nsl_err *e)
{
    if (self_table_read(c, &s->after, e) < 0) {
        r->failed = MOUNT_FAILED_READ;
        result_fill(r, s->path, &s->before, NULL);
        return -1;
    }
    result_fill(r, s->path, &s->before, &s->after);
    return 0;
}

/* Read-only, by the mount's options or its superblock's. */
static bool ent_readonly(const struct mount_ent *m)
{
    return (m->opts && strncmp(m->opts, "ro", 2) == 0 && (!m->opts[2] || m->opts[2] == ',')) ||
           (m->super_opts && strncmp(m->super_opts, "ro", 2) == 0 &&
            (!m->super_opts[2] || m->super_opts[2] == ','));
}

const char *mount_userns_eperm_hint(const char *fstype, unsigned long flags,
                                    const struct mount_table *t)
{
    if (!fstype)
        return NULL;
    bool proc = strcmp(fstype, "proc") == 0, sysfs = strcmp(fstype, "sysfs") == 0;
    if (proc || sysfs) {
        bool whole = false, writable = false;
        for (size_t i = 0; t && i < t->n; i++) {
            const struct mount_ent *m = &t->v[i];
            if (m->fstype && strcmp(m->fstype, fstype) == 0 && m->root &&
                strcmp(m->root, "/") == 0) {
                whole = true;
                writable = writable || !ent_readonly(m);
            }
        }
        if (!whole)
            return proc ? _("in a user namespace the kernel mounts a new proc only where one is "
                            "already visible whole in the mount namespace, and none is here "
                            "(pivot_root took the host's away): mount it before pivot_root")
                        : _("in a user namespace the kernel mounts a new sysfs only where one is "
                            "already visible whole in the mount namespace, and none is here "
                            "(pivot_root took the host's away): mount it before pivot_root");
        if (!writable && !(flags & MS_RDONLY))
            return proc ? _("in a user namespace the kernel mounts a new proc only as read-only "
                            "as the one already visible, which is read-only: add -o ro")
                        : _("in a user namespace the kernel mounts a new sysfs only as read-only "
                            "as the one already visible, which is read-only: add -o ro");
        return proc ? _("proc shows the PID namespace of the process that mounts it, and needs "
                        "CAP_SYS_ADMIN over the user namespace that owns that PID namespace: "
                        "the subject's own is the host's, so let a child born in the new one "
                        "mount it (`!mount -t proc proc DIR`)")
                    : _("sysfs needs CAP_SYS_ADMIN over the user namespace that owns the "
                        "subject's network namespace: `unshare net` after `unshare user`");
    }
    if (strcmp(fstype, "cgroup") == 0 || strcmp(fstype, "cgroup2") == 0)
        return _("a cgroup hierarchy is mounted only with CAP_SYS_ADMIN over the user namespace "
                 "that owns the subject's cgroup namespace (the host's, unless `unshare cgroup` "
                 "made one after `unshare user`)");
    return NULL;
}

/* Is the caller in a user namespace other than the initial one? Its uid_map
 * then maps less than every ID to itself. false when it cannot be read. */
static bool self_in_child_userns(const struct mount_ctx *c)
{
    cleanup_sb struct strbuf sb = {0};
    char path[PATH_MAX];
    int rc = c->procfd >= 0 ? read_file_sb(c->procfd, "self/uid_map", &sb)
                            : read_file_sb(AT_FDCWD,
                                           proc_path(c->paths, path, sizeof path, "self/uid_map"),
                                           &sb);
    if (rc < 0)
        return false;
    unsigned long in, out, count;
    return sscanf(sb_str(&sb), "%lu %lu %lu", &in, &out, &count) != 3 || in != 0 || out != 0 ||
           count != 4294967295UL;
}

/* A failed call, with the errno and, where the kernel's answer is known to
 * puzzle learners, why it said so. */
static int fail_call(struct nsl_err *e, int err, const char *hint, const char *fmt, ...)
    PRINTF(4, 5);
static int fail_call(struct nsl_err *e, int err, const char *hint, const char *fmt, ...)
{
    struct strbuf sb = {0};
    va_list ap;
    va_start(ap, fmt);
    sb_vprintf(&sb, _(fmt), ap);
    va_end(ap);
    if (!hint && err == EPERM)
        hint = _("changing mounts needs CAP_SYS_ADMIN in the user namespace that owns this "
                 "mount namespace: run nslab as root, or `unshare user mnt` first");
    nsl_fail(e, err, "%s failed: %s (%s)%s%s", sb.buf, strerror(err), errno_name(err),
             hint ? "; " : "", hint ? hint : "");
    sb_free(&sb);
    return -1;
}

int mount_fs(const struct mount_ctx *c, const char *fstype, const char *source,
             const char *target, const char *opts, struct mount_result *r, struct nsl_err *e)
{
    unsigned long flags;
    cleanup_free char *data = NULL;
    if (mount_opts_parse(opts, &flags, &data, e) < 0) {
        r->failed = MOUNT_FAILED_OPTIONS;
        return -1;
    }
    struct mstep s = {0};
    int ret = -1;
    if (step_begin(c, "mount on", target, &s, r, e) < 0)
        goto out;
    struct guard_req req = {.path = s.path, .fstype = fstype, .data = data};
    if (flags & MS_REMOUNT) {
        req.op = flags & MS_BIND ? MOUNT_OP_REMOUNT_BIND : MOUNT_OP_REMOUNT;
        req.mount = mount_table_find_target(&s.before, s.path);
    } else {
        req.op = flags & MS_BIND ? MOUNT_OP_BIND : MOUNT_OP_MOUNT;
        req.mount = mount_table_find_containing(&s.before, s.path);
    }
    if (step_guard(c, &s, &req, r, e) < 0)
        goto out;
    if (sys_mount(c->trace, source, s.path, fstype, flags, data) < 0) {
        int err = errno;
        cleanup_free char *hint = NULL;
        if (err == ENODEV && fstype)
            hint = xasprintf(_("the kernel knows no filesystem type '%s' (see "
                               "/proc/filesystems)"), fstype);
        else if (err == EPERM && self_in_child_userns(c) &&
                 mount_userns_eperm_hint(fstype, flags, &s.before))
            hint = xstrdup(mount_userns_eperm_hint(fstype, flags, &s.before));
        fail_call(e, err, hint, "mount %s on %s", fstype ? fstype : "(none)", s.path);
        r->failed = MOUNT_FAILED_CALL;
        result_fill(r, s.path, &s.before, NULL);
        goto out;
    }
    ret = step_end(c, &s, r, e);
out:
    step_free(&s);
    return ret;
}

int mount_bind(const struct mount_ctx *c, const char *source, const char *target,
               bool recursive, struct mount_result *r, struct nsl_err *e)
{
    struct mstep s = {0};
    int ret = -1;
    cleanup_free char *src = realpath(source, NULL);
    if (!src) {
        r->failed = MOUNT_FAILED_SOURCE;
        return nsl_fail_errno(e, errno, "cannot bind-mount %s", source);
    }
    if (step_begin(c, "bind-mount on", target, &s, r, e) < 0)
        goto out;
    struct guard_req req = {.op = MOUNT_OP_BIND,
                            .path = s.path,
                            .mount = mount_table_find_containing(&s.before, s.path)};
    if (step_guard(c, &s, &req, r, e) < 0)
        goto out;
    if (sys_mount(c->trace, src, s.path, NULL, MS_BIND | (recursive ? MS_REC : 0), NULL) < 0) {
        int err = errno;
        cleanup_free char *hint = NULL;
        const struct mount_ent *from = mount_table_find_containing(&s.before, src);
        if (err == EINVAL && from && from->unbindable)
            hint = xasprintf(_("%s lies in mount %d (on %s), which is unbindable: an "
                               "unbindable mount cannot be the source of a bind mount"),
                             src, from->id, from->target);
        fail_call(e, err, hint, "bind-mount of %s on %s", src, s.path);
        r->failed = MOUNT_FAILED_CALL;
        result_fill(r, s.path, &s.before, NULL);
        goto out;
    }
    ret = step_end(c, &s, r, e);
out:
    step_free(&s);
    return ret;
}

static int not_a_mount_point(const struct mstep *s, const char *path, const char *why,
                             const char *fix, struct nsl_err *e)
{
    const struct mount_ent *in = mount_table_find_containing(&s->before, s->path);
    struct strbuf where = {0};
    if (in) {
        sb_printf(&where, _(" (it lies in mount %d on %s, whose propagation is "), in->id,
                  in->target);
        mount_propagation_format(in, NULL, &where);
        sb_append(&where, _(")"));
    }
    nsl_fail(e, EINVAL, "%s is not a mount point%s: %s%s", path, sb_str(&where), _(why), fix);
    sb_free(&where);
    return -1;
}

int mount_umount(const struct mount_ctx *c, const char *target, int flags,
                 struct mount_result *r, struct nsl_err *e)
{
    struct mstep s = {0};
    int ret = -1;
    if (step_begin(c, "unmount", target, &s, r, e) < 0)
        goto out;
    const struct mount_ent *m = mount_table_find_target(&s.before, s.path);
    if (!m) {
        not_a_mount_point(&s, target, N_("umount removes a mount, and nothing is mounted there"),
                          "", e);
        r->failed = MOUNT_FAILED_NOT_MOUNT_POINT;
        goto out;
    }
    struct guard_req req = {.op = MOUNT_OP_UMOUNT, .path = s.path, .mount = m};
    if (step_guard(c, &s, &req, r, e) < 0)
        goto out;
    if (sys_umount2(c->trace, s.path, flags) < 0) {
        int err = errno;
        fail_call(e, err,
                  err == EBUSY ? _("it is still in use: a process's working directory or open "
                                   "file is there, or other mounts sit below it (unmount them "
                                   "first)")
                               : NULL,
                  "umount of %s", s.path);
        r->failed = MOUNT_FAILED_CALL;
        result_fill(r, s.path, &s.before, NULL);
        goto out;
    }
    ret = step_end(c, &s, r, e);
out:
    step_free(&s);
    return ret;
}

/* The file a namespace is pinned on: made when missing (*made), never a
 * directory. */
static int pin_target(const struct mount_ctx *c, const char *shown, const char *target,
                      bool *made, struct mount_result *r, struct nsl_err *e)
{
    struct stat st;
    *made = false;
    if (stat(target, &st) == 0) {
        if (!S_ISDIR(st.st_mode))
            return 0;
        r->failed = MOUNT_FAILED_TARGET;
        return nsl_fail(e, EISDIR,
                        "%s is a directory: a namespace is pinned on a file (name one inside it, "
                        "e.g. %s/ns)", target, target);
    }
    if (errno != ENOENT || sys_mknod_file(c->trace, target, 0644) < 0) {
        r->failed = MOUNT_FAILED_TARGET;
        return nsl_fail_errno(e, errno, "cannot make the file %s to pin %s on", target, shown);
    }
    *made = true;
    return 0;
}

int mount_pin(const struct mount_ctx *c, int nsfd, const char *shown, const char *target,
              struct mount_result *r, struct nsl_err *e)
{
    struct mstep s = {0};
    int ret = -1;
    bool made;
    if (pin_target(c, shown, target, &made, r, e) < 0)
        return -1;
    if (step_begin(c, "pin on", target, &s, r, e) < 0)
        goto out;
    struct guard_req req = {.op = MOUNT_OP_BIND,
                            .path = s.path,
                            .mount = mount_table_find_containing(&s.before, s.path)};
    if (step_guard(c, &s, &req, r, e) < 0)
        goto out;
    char src[48];
    snprintf(src, sizeof src, "/proc/self/fd/%d", nsfd);
    trace_note(c->trace, "%s is %s, opened by nslab", src, shown);
    if (sys_mount(c->trace, src, s.path, NULL, MS_BIND, NULL) < 0) {
        fail_call(e, errno, NULL, "pinning %s on %s", shown, s.path);
        r->failed = MOUNT_FAILED_CALL;
        result_fill(r, s.path, &s.before, NULL);
        goto out;
    }
    ret = step_end(c, &s, r, e);
out:
    if (ret < 0 && made && unlink(target) == 0)
        trace_note(c->trace, "removed %s again: the pin failed", target);
    step_free(&s);
    return ret;
}

int mount_unpin(const struct mount_ctx *c, const char *target, struct mount_result *r,
                struct nsl_err *e)
{
    struct mstep s = {0};
    int ret = -1;
    if (step_begin(c, "unpin", target, &s, r, e) < 0)
        goto out;
    const struct mount_ent *m = mount_table_find_target(&s.before, s.path);
    if (!m || strcmp(m->fstype, "nsfs") != 0) {
        if (m)
            nsl_fail(e, EINVAL,
                     "%s is not a pinned namespace: mount %d there is %s, not a namespace file "
                     "(nsfs)", target, m->id, m->fstype);
        else
            nsl_fail(e, EINVAL, "%s is not a pinned namespace: nothing is mounted there", target);
        r->failed = MOUNT_FAILED_NOT_MOUNT_POINT;
        goto out;
    }
    struct guard_req req = {.op = MOUNT_OP_UMOUNT, .path = s.path, .mount = m};
    if (step_guard(c, &s, &req, r, e) < 0)
        goto out;
    if (sys_umount2(c->trace, s.path, 0) < 0) {
        fail_call(e, errno, NULL, "unpinning %s", s.path);
        r->failed = MOUNT_FAILED_CALL;
        result_fill(r, s.path, &s.before, NULL);
        goto out;
    }
    ret = step_end(c, &s, r, e);
out:
    step_free(&s);
    return ret;
}

int mount_set_propagation(const struct mount_ctx *c, enum mount_prop prop, const char *path,
                          bool recursive, struct mount_result *r, struct nsl_err *e)
{
    struct mstep s = {0};
    int ret = -1;
    if (step_begin(c, "change the propagation of", path, &s, r, e) < 0)
        goto out;
    const struct mount_ent *m = mount_table_find_target(&s.before, s.path);
    if (!m) {
        cleanup_free char *fix = xasprintf(_("; make it a mount point of its own first with "
                                             "`bind %s %s`, then `propagation %s %s`"),
                                           path, path, mount_prop_name(prop), path);
        not_a_mount_point(&s, path,
                          N_("propagation belongs to mounts, not to directories"), fix, e);
        r->failed = MOUNT_FAILED_NOT_MOUNT_POINT;
        goto out;
    }
    struct guard_req req = {
        .op = MOUNT_OP_PROPAGATION, .recursive = recursive, .path = s.path, .mount = m};
    if (step_guard(c, &s, &req, r, e) < 0)
        goto out;
    unsigned long flags = mount_prop_flag(prop) | (recursive ? MS_REC : 0);
    if (sys_mount(c->trace, NULL, s.path, NULL, flags, NULL) < 0) {
        fail_call(e, errno, NULL, "making %s %s", s.path, mount_prop_name(prop));
        r->failed = MOUNT_FAILED_CALL;
        result_fill(r, s.path, &s.before, NULL);
        goto out;
    }
    ret = step_end(c, &s, r, e);
out:
    step_free(&s);
    return ret;
}
