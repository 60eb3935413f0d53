#define _GNU_SOURCE
/* mounts: the subject's mount table (or a comparison of two namespaces'
 * tables), read by the shell from /proc/PID/mountinfo; and the helpers the
 * mount commands share to read the namespaces a step is compared with. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd/handlers.h"
#include "render/mounts_print.h"
#include "render/render.h"
#include "subject/subject.h"
#include "session/target.h"
#include "cmd/cmd_mount.h"
#include "i18n.h"

static const char *group_cb(void *ctx, int group, char *buf, size_t size)
{
    return fmt_peer(ctx, group, buf, size);
}

static const char *mntns_cb(void *ctx, ino_t ino, char *buf, size_t size)
{
    return fmt_ino(ctx, NS_MNT, ino, buf, size);
}

struct mount_labels mount_labels_of(struct nsl *sh)
{
    return (struct mount_labels){.group = group_cb, .mntns = mntns_cb, .ctx = sh};
}

static bool views_have_ns(const struct mount_views *v, ino_t ino)
{
    if (!ino)
        return false;
    if (v->self.mntns == ino)
        return true;
    for (size_t k = 0; k < v->n_others; k++)
        if (v->others[k].mntns == ino)
            return true;
    return false;
}

/* Add pid's table when its namespace is not there yet. Unreadable tables
 * (a job that just ended) are skipped: they only add relations. */
static void views_add(struct nsl *sh, struct mount_views *v, pid_t pid)
{
    ino_t ino = 0;
    if (pid <= 0 || mntns_inode(&sh->paths, pid, &ino) < 0 || views_have_ns(v, ino))
        return;
    struct mount_table t = {0};
    if (mountinfo_read(&sh->paths, pid, &t, NULL) < 0)
        return;
    v->others = xrealloc(v->others, (v->n_others + 1) * sizeof *v->others);
    v->others[v->n_others++] = t;
}

int mount_views_read(struct nsl *sh, pid_t pid, struct mount_views *v, struct nsl_err *e)
{
    memset(v, 0, sizeof *v);
    if (mountinfo_read(&sh->paths, pid, &v->self, e) < 0)
        return -1;
    v->host_mntns = sh->host_ns[NS_MNT].ino;
    views_add(sh, v, sh->shell_pid);
    if (pid != sh->subj.pid)
        views_add(sh, v, sh->subj.pid);
    for (size_t k = 0; k < sh->jobs.n; k++) {
        const struct job *j = &sh->jobs.v[k];
        if (j->state == JOB_RUNNING || j->state == JOB_STOPPED)
            views_add(sh, v, j->pid);
    }
    return 0;
}

void mount_views_relations(struct nsl *sh, const struct mount_views *v,
                           const struct mount_ent *m, const char *sep, struct strbuf *out)
{
    struct mount_labels lb = mount_labels_of(sh);
    lb.tr = i18n_gettext; /* shown as text only */
    mount_views_relations_format(v, m, &lb, sep, out);
}

/* The rows `mounts PATH` shows: the mount that holds PATH (first, when
 * PATH is no mount point) and every mount at or below PATH. */
static size_t rows_select(const struct mount_table *t, const char *path,
                          const struct mount_ent ***rows, const struct mount_ent **holder)
{
    size_t n = 0;
    *rows = xcalloc(t->n + 1, sizeof **rows);
    *holder = path ? mount_table_find_containing(t, path) : NULL;
    if (*holder && strcmp((*holder)->target, path) != 0)
        (*rows)[n++] = *holder;
    for (size_t i = 0; i < t->n; i++)
        if (!path || path_is_under(t->v[i].target, path))
            (*rows)[n++] = &t->v[i];
    return n;
}

static int mounts_one(struct nsl *sh, const char *path)
{
    struct mount_views v;
    struct nsl_err e;
    if (mount_views_read(sh, sh->subj.pid, &v, &e) < 0)
        return step_fail_err(sh, &e);
    const struct mount_ent **rows, *holder;
    size_t n = rows_select(&v.self, path, &rows, &holder);
    struct render_ctx rc = render_ctx_of(sh);
    mounts_print_table(&rc, &v, rows, n, path, holder, &sh->step.out);
    sh->step.result = mounts_table_json(&rc, &v, rows, n);
    free(rows);
    mount_views_free(&v);
    return 0;
}

static int mounts_compare(struct nsl *sh, const char *path, const char *word)
{
    struct target t;
    struct nsl_err e;
    if (target_resolve(sh, word, 0, &t, &e) < 0)
        return step_fail_err(sh, &e);
    struct mount_views v;
    if (mount_views_read(sh, sh->subj.pid, &v, &e) < 0)
        return step_fail_err(sh, &e);
    struct mount_table other = {0};
    if (mountinfo_read(&sh->paths, t.pid, &other, &e) < 0) {
        mount_views_free(&v);
        return step_fail_err(sh, &e);
    }
    char pb[32];
    cleanup_free char *label = xasprintf("%s %s", t.is_host ? "HOST" : t.is_self ? "SUBJECT" : word,
                                         fmt_pid(sh, t.pid, pb, sizeof pb));
    cleanup_free char *self_label = xasprintf("SUBJECT %s", fmt_pid(sh, sh->subj.pid, pb,
                                                                     sizeof pb));
    struct mounts_side a = {.label = self_label, .pid = sh->subj.pid, .table = &v.self};
    struct mounts_side b = {.label = label, .pid = t.pid, .table = &other};
    struct render_ctx rc = render_ctx_of(sh);
    mounts_print_compare(&rc, &a, &b, &v, path, &sh->step.out, &sh->step.result);
    mount_table_free(&other);
    mount_views_free(&v);
    return 0;
}

int cmd_mounts(struct nsl *sh, int argc, char **argv)
{
    const char *usage = "usage: mounts [PATH] [--in TARGET]";
    const char *path = NULL, *in = NULL;
    for (int k = 1; k < argc; k++) {
        const char *w = argv[k];
        if (strcmp(w, "--in") == 0 || strncmp(w, "--in=", 5) == 0) {
            in = w[4] == '=' ? w + 5 : k + 1 < argc ? argv[++k] : NULL;
            if (!in || !*in)
                return step_usage(sh, "--in needs a TARGET (self, host, a PID or %%N); %s", usage);
        } else if (w[0] == '-' && w[1]) {
            return step_usage(sh, "unknown option '%s'; %s", w, usage);
        } else if (path) {
            return step_usage(sh, "one PATH at most; %s", usage);
        } else {
            path = w;
        }
    }
    cleanup_free char *norm = NULL;
    if (path) {
        norm = path_normalize(path);
        if (!norm)
            return step_usage(sh,
                              "mounts: PATH must be absolute, as mount points are "
                              "(got '%s'; $SCRATCH/... names the scratch directory)",
                              path);
        /* As the subject sees it: through its root, in its mount namespace. */
        char rel[64 + PATH_MAX];
        struct stat st;
        snprintf(rel, sizeof rel, "%d/root%s", (int)sh->subj.pid, norm);
        if (fstatat(sh->procfd, rel, &st, 0) < 0 && (errno == ENOENT || errno == ENOTDIR))
            return step_fail_errno(sh, errno,
                                   "mounts: there is no %s in the subject's mount "
                                   "namespace",
                                   norm);
    }
    if (in)
        return mounts_compare(sh, norm, in);
    return mounts_one(sh, norm);
}

/* expect mount PATH [shared|slave|private|unbindable] [in TARGET]
 * expect no mount PATH [in TARGET]
 * 1 held, 0 not (why filled), -1 malformed. */
int mount_expect(struct nsl *sh, int argc, char **argv, struct strbuf *why, struct nsl_err *e)
{
    const char *usage = "usage: expect mount PATH [shared|slave|private|unbindable] [in "
                        "TARGET] | expect no mount PATH [in TARGET]";
    bool want = strcmp(argv[0], "mount") == 0;
    int k = want ? 1 : 2;
    if (!want && (argc < 2 || strcmp(argv[1], "mount") != 0))
        return nsl_usage(e, "%s", usage);
    if (k >= argc)
        return nsl_usage(e, "%s", usage);
    cleanup_free char *path = path_normalize(argv[k++]);
    if (!path)
        return nsl_usage(e, "expect mount: PATH must be absolute (got '%s')", argv[k - 1]);
    const char *prop = NULL, *who = "self";
    if (want && k < argc && strcmp(argv[k], "in") != 0)
        prop = argv[k++];
    if (k + 1 < argc && strcmp(argv[k], "in") == 0) {
        who = argv[k + 1];
        k += 2;
    }
    if (k != argc)
        return nsl_usage(e, "%s", usage);
    enum mount_prop p = MOUNT_PROP_PRIVATE;
    if (prop && mount_prop_parse(prop, &p, e) < 0)
        return -1;
    struct target t;
    if (target_resolve(sh, who, 0, &t, e) < 0)
        return -1;
    struct mount_table tab = {0};
    if (mountinfo_read(&sh->paths, t.pid, &tab, e) < 0)
        return -1;
    cleanup_free char *whose = t.is_self   ? xstrdup(_("the subject's"))
                               : t.is_host ? xstrdup(_("the host's"))
                                           : xasprintf(_("%s's"), who);
    const struct mount_ent *m = mount_table_find_target(&tab, path);
    int held;
    if (!m) {
        held = !want;
        if (!held)
            sb_printf(why, _("nothing is mounted on %s in %s mount namespace"), path, whose);
    } else if (!want) {
        held = 0;
        sb_printf(why, _("mount %d is on %s in %s mount namespace"), m->id, path, whose);
    } else if (!prop) {
        held = 1;
    } else {
        switch (p) {
        case MOUNT_PROP_SHARED:
            held = m->shared != 0;
            break;
        case MOUNT_PROP_SLAVE:
            held = m->master != 0;
            break;
        case MOUNT_PROP_UNBINDABLE:
            held = m->unbindable;
            break;
        default:
            held = !m->shared && !m->master && !m->unbindable;
        }
        if (!held) {
            struct strbuf sb = {0};
            struct mount_labels lb = mount_labels_of(sh);
            mount_propagation_format(m, &lb, &sb);
            sb_printf(why, _("mount %d on %s in %s mount namespace is %s, not %s"), m->id, path,
                      whose, sb_str(&sb), prop);
            sb_free(&sb);
        }
    }
    mount_table_free(&tab);
    return held;
}
