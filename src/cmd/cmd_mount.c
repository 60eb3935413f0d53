#define _GNU_SOURCE
/* mount, bind, umount, propagation, scratch: the mount(2) family, performed
 * by the subject in its own mount namespace (op_mount), behind the host
 * guard of SPEC §6. Each shows the mountinfo line of its target before and
 * after, and what the new state means in words. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd/handlers.h"
#include "render/render.h"
#include "subject/ops.h"
#include "subject/nshelper.h"
#include "cmd/cmd_mount.h"
#include "session/made_ns.h"
#include "session/target.h"
#include "i18n.h"

/* The subject's answer (struct mount_rep, subject/ops.h), seen by name. */
struct mount_reply {
    struct mount_rep rep;
    const char *target, *source, *before, *after, *error;
    int before_id, after_id;
    const int *added, *removed;
    size_t n_added, n_removed;
};

static void reply_free(struct mount_reply *r)
{
    mount_rep_free(&r->rep);
    memset(r, 0, sizeof *r);
}

static int reply_parse(const struct subj_rep *rep, struct mount_reply *r)
{
    memset(r, 0, sizeof *r);
    if (mount_rep_unpack(rep, &r->rep) < 0)
        return -1;
    r->target = r->rep.r.target;
    r->source = r->rep.source;
    r->before = r->rep.r.before;
    r->after = r->rep.r.after;
    r->error = r->rep.error;
    r->before_id = r->rep.r.before_id;
    r->after_id = r->rep.r.after_id;
    r->added = r->rep.r.added;
    r->n_added = r->rep.r.n_added;
    r->removed = r->rep.r.removed;
    r->n_removed = r->rep.r.n_removed;
    return 0;
}

/* What the learner sees after a mount step: the target's line before and
 * after, then the mount that is there now (or was) in words. */
static void report(struct nsl *sh, enum mount_verb verb, const struct mount_reply *r,
                   const struct mount_views *v)
{
    out_printf(sh, _("  before  %s\n"), r->before ? r->before : _("(not a mount point)"));
    out_printf(sh, _("  after   %s\n"), r->after ? r->after : _("(not a mount point)"));
    const struct mount_ent *now = r->after_id ? mount_table_find_id(&v->self, r->after_id) : NULL;
    struct mount_labels lb = mount_labels_of(sh);
    if (verb == MV_UMOUNT && r->before_id) {
        out_printf(sh, _("mount %d is gone from %s"), r->before_id, r->target);
        if (now)
            out_printf(sh, _("; mount %d, which it covered, shows there again"), now->id);
        out_printf(sh, "\n");
    }
    if (now) {
        struct strbuf sb = {0};
        out_printf(sh, _("mount %d on %s (%s from %s)"), now->id, now->target, now->fstype,
                   now->source[0] ? now->source : _("no source"));
        /* "private: no propagation" says it all; a group number needs words. */
        if (now->shared || now->master || now->propagate_from) {
            mount_propagation_format(now, &lb, &sb);
            out_printf(sh, ", %s", sb_str(&sb));
            sb_reset(&sb);
        }
        /* One relation a line, as `mounts` shows them. */
        mount_views_relations(sh, v, now, "\n  ↳ ", &sb);
        out_printf(sh, "\n  ↳ %s\n", sb_str(&sb));
        sb_free(&sb);
    }
    /* A recursive bind copies a whole tree; propagation can add copies
     * elsewhere in this namespace too. */
    struct strbuf also = {0};
    for (size_t k = 0; k < r->n_added; k++) {
        if (r->added[k] == r->after_id)
            continue;
        const struct mount_ent *m = mount_table_find_id(&v->self, r->added[k]);
        if (m)
            sb_printf(&also, _("%s%d on %s"), also.len ? _(", ") : "", m->id, m->target);
    }
    if (also.len)
        out_printf(sh, _("also added: %s\n"), also.buf);
    sb_reset(&also);
    for (size_t k = 0; k < r->n_removed; k++)
        if (r->removed[k] != r->before_id)
            sb_printf(&also, "%s%d", also.len ? ", " : "", r->removed[k]);
    if (also.len)
        out_printf(sh, _("also removed: mount%s %s\n"), strchr(also.buf, ',') ? "s" : "", also.buf);
    sb_free(&also);
}

/* A recursive bind leaves out unbindable mounts of the source tree without
 * an error: say which. */
static void report_unbindable_skipped(struct nsl *sh, const struct mount_reply *r,
                                      const struct mount_views *v)
{
    if (!r->source)
        return;
    for (size_t i = 0; i < v->self.n; i++) {
        const struct mount_ent *m = &v->self.v[i];
        if (m->unbindable && strcmp(m->target, r->source) != 0 &&
            path_is_under(m->target, r->source))
            out_printf(sh, _("not copied: mount %d on %s is unbindable, so a recursive bind leaves "
                           "it (and what is below it) out\n"), m->id, m->target);
    }
}

static void ids_result(struct nsl *sh, const char *key, const int *v, size_t n)
{
    open_json_array(sh, key);
    for (size_t k = 0; k < n; k++)
        print_int(sh, PRINT_JSON, NULL, NULL, v[k]);
    close_json_array(sh);
}

/* The step's result: the target's line before and after, the mount there
 * now and its propagation, the mounts the step added and removed. */
static void result_json(struct nsl *sh, const struct mount_reply *r, const struct mount_views *v)
{
    print_string(sh, PRINT_JSON, "target", NULL, r->target ? r->target : "");
    print_string(sh, PRINT_JSON, "before", NULL, r->before);
    print_string(sh, PRINT_JSON, "after", NULL, r->after);
    const struct mount_ent *now = r->after_id ? mount_table_find_id(&v->self, r->after_id) : NULL;
    if (now) {
        struct mount_labels lb = mount_labels_of(sh);
        struct strbuf sb = {0};
        mount_propagation_format(now, &lb, &sb);
        print_int(sh, PRINT_JSON, "id", NULL, now->id);
        print_string(sh, PRINT_JSON, "propagation", NULL, sb_str(&sb));
        sb_free(&sb);
    } else {
        print_null(sh, "id");
        print_null(sh, "propagation");
    }
    ids_result(sh, "added", r->added, r->n_added);
    ids_result(sh, "removed", r->removed, r->n_removed);
}

/* The error of a failed mechanism, with the next step where it is plain:
 * a target that is not there yet. */
static int mount_failed(struct nsl *sh, int err, enum mount_stage failed, const char *msg,
                        const char *path)
{
    if (err == ENOENT && path && failed == MOUNT_FAILED_TARGET)
        return step_fail(sh, err, "%s; create the directory first (`!mkdir -p %s`)", msg, path);
    return step_fail(sh, err, "%s", msg);
}

/* Send one mount request to the subject and report it. args: the verb's
 * strings; path: the one named in hints. */
static int mount_request(struct nsl *sh, struct mount_req *rq, const char *path)
{
    struct mount_session *ms = mount_session(sh);
    rq->created = ms->created.v;
    rq->ncreated = ms->created.n;
    rq->allow_host_changes = sh->opt.allow_host_changes;
    /* The mount namespaces the session made: every other one is the host's
     * for the guard (the one nslab started in, and any other setns reaches). */
    cleanup_free ino_t *made = NULL;
    rq->nmade = made_ns_list(sh, NS_MNT, &made);
    rq->made_mntns = made;
    /* Likewise the cgroup namespaces: an unknown inode is the host's. */
    rq->in_host_cgroupns = !made_ns_has(sh, NS_CGROUP, ns_inode_of(sh, sh->subj.pid, NS_CGROUP));

    /* With the guard lifted, a step can change the host's table (directly,
     * or through a peer group): read it around the call to remember what
     * appeared, so the exit can undo it. */
    bool track = sh->opt.allow_host_changes;
    struct mount_table h0 = {0}, h1 = {0};
    struct nsl_err e;
    if (track && mountinfo_read(&sh->paths, 0, &h0, &e) < 0)
        return step_fail_err(sh, &e);

    cleanup_subj_req struct subj_req req = {0};
    mount_req_pack(&req, rq);
    cleanup_subj_rep struct subj_rep rep = {0};
    int rc = subject_call(sh, &req, &rep, &e);
    if (rc < 0) {
        mount_table_free(&h0);
        return step_fail_err(sh, &e);
    }
    struct mount_reply r;
    if (reply_parse(&rep, &r) < 0) {
        reply_free(&r);
        mount_table_free(&h0);
        return step_fail(sh, EPROTO, "malformed reply from the subject process");
    }
    struct mount_views v = {0};
    if (rep.ret == 0 && mount_views_read(sh, sh->subj.pid, &v, &e) < 0)
        rc = step_fail_err(sh, &e);
    if (track && mountinfo_read(&sh->paths, 0, &h1, NULL) == 0 && rep.ret == 0)
        mount_session_track(ms, &h0, &h1, &v.self, r.added, r.n_added);

    if (rc == 0 && rep.ret < 0) {
        rc = mount_failed(sh, rep.err, r.rep.failed, r.error ? r.error : strerror(rep.err), path);
    } else if (rc == 0) {
        report(sh, rq->verb, &r, &v);
        if (rq->verb == MV_BIND && rq->recursive)
            report_unbindable_skipped(sh, &r, &v);
        result_json(sh, &r, &v);
    }
    mount_views_free(&v);
    mount_table_free(&h0);
    mount_table_free(&h1);
    reply_free(&r);
    return rc;
}

/* -r / -o OPTS among the words; the rest are positional. */
struct mount_words {
    const char *pos[4];
    int npos;
    bool recursive, lazy;
    const char *opts;
};

static int args_parse(struct nsl *sh, int argc, char **argv, const char *flags, int want,
                      const char *usage, struct mount_words *a)
{
    memset(a, 0, sizeof *a);
    for (int k = 1; k < argc; k++) {
        const char *w = argv[k];
        if (strcmp(w, "-r") == 0 && strchr(flags, 'r')) {
            a->recursive = true;
        } else if (strcmp(w, "-l") == 0 && strchr(flags, 'l')) {
            a->lazy = true;
        } else if (strncmp(w, "-o", 2) == 0 && strchr(flags, 'o')) {
            a->opts = w[2] ? w + 2 : k + 1 < argc ? argv[++k] : NULL;
            if (!a->opts)
                return step_usage(sh, "-o needs the options, e.g. -o size=1M,ro");
        } else if (w[0] == '-' && w[1]) {
            return step_usage(sh, "unknown option '%s'; usage: %s", w, usage);
        } else if (a->npos < want) {
            a->pos[a->npos++] = w;
        } else {
            return step_usage(sh, "too many arguments; usage: %s", usage);
        }
    }
    if (a->npos != want)
        return step_usage(sh, "usage: %s", usage);
    for (int k = 0; k < a->npos; k++)
        if (!a->pos[k][0])
            return step_usage(sh, "an empty argument; usage: %s", usage);
    return 0;
}

int cmd_mount(struct nsl *sh, int argc, char **argv)
{
    struct mount_words a;
    if (args_parse(sh, argc, argv, "o", 3, "mount FSTYPE SOURCE TARGET [-o OPTS] (`mounts` shows "
                   "the table)", &a) < 0)
        return -1;
    struct mount_req rq = {.verb = MV_MOUNT, .fstype = a.pos[0], .source = a.pos[1],
                           .target = a.pos[2], .opts = a.opts ? a.opts : ""};
    return mount_request(sh, &rq, a.pos[2]);
}

int cmd_bind(struct nsl *sh, int argc, char **argv)
{
    struct mount_words a;
    if (args_parse(sh, argc, argv, "r", 2, "bind SOURCE TARGET [-r]", &a) < 0)
        return -1;
    struct mount_req rq = {.verb = MV_BIND, .recursive = a.recursive, .source = a.pos[0],
                           .target = a.pos[1]};
    return mount_request(sh, &rq, a.pos[1]);
}

int cmd_umount(struct nsl *sh, int argc, char **argv)
{
    struct mount_words a;
    if (args_parse(sh, argc, argv, "l", 1, "umount TARGET [-l]", &a) < 0)
        return -1;
    struct mount_req rq = {.verb = MV_UMOUNT, .umount_flags = a.lazy ? MNT_DETACH : 0,
                           .target = a.pos[0]};
    return mount_request(sh, &rq, a.pos[0]);
}

int cmd_propagation(struct nsl *sh, int argc, char **argv)
{
    struct mount_words a;
    const char *usage = "propagation shared|slave|private|unbindable PATH [-r]";
    if (args_parse(sh, argc, argv, "r", 2, usage, &a) < 0)
        return -1;
    enum mount_prop p;
    struct nsl_err e;
    if (mount_prop_parse(a.pos[0], &p, &e) < 0)
        return step_fail_err(sh, &e);
    struct mount_req rq = {.verb = MV_PROPAGATION, .recursive = a.recursive, .prop = p,
                           .target = a.pos[1]};
    return mount_request(sh, &rq, a.pos[1]);
}

/* pin TYPE PATH [TARGET]: TARGET's namespace file, opened by the shell
 * (its /proc sees every process) and handed to the subject, which
 * bind-mounts it on PATH in its own mount namespace. */
int cmd_pin(struct nsl *sh, int argc, char **argv)
{
    if (argc < 3 || argc > 4 || !argv[2][0])
        return step_usage(sh, "usage: pin TYPE PATH [TARGET] (e.g. pin net $SCRATCH/netns %%1)");
    enum ns_slot s;
    struct nsl_err e;
    struct target t;
    if (ns_type_parse(argv[1], &s, &e) < 0 ||
        target_resolve(sh, argc == 4 ? argv[3] : "self", 0, &t, &e) < 0)
        return step_fail_err(sh, &e);
    char rel[64], pb[32], shown[96], ib[64];
    snprintf(rel, sizeof rel, "%d/ns/%s", (int)t.pid, ns_info[s].file);
    snprintf(shown, sizeof shown, "/proc/%s/ns/%s", fmt_pid(sh, t.pid, pb, sizeof pb),
             ns_info[s].file);
    cleanup_fd int fd = openat(sh->procfd, rel, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0)
        return step_fail_errno(sh, errno, "cannot open %s", shown);
    /* --stable: the mountinfo lines shown name the namespace by its inode
     * (ROOT "net:[4026532251]"): show its label there too. */
    char from[64], to[128];
    snprintf(from, sizeof from, "%s:[%ju]", ns_info[s].name, (uintmax_t)st.st_ino);
    snprintf(to, sizeof to, "%s:[%s]", ns_info[s].name, fmt_ino(sh, s, st.st_ino, ib, sizeof ib));
    stable_subst_add(sh, from, to);
    struct mount_req rq = {.verb = MV_PIN, .target = argv[2], .ns_fd = fd, .ns_shown = shown};
    if (mount_request(sh, &rq, NULL) < 0)
        return -1;
    print_ino(sh, PRINT_JSON, "ns", NULL, s, st.st_ino);
    print_string(sh, PRINT_JSON, "type", NULL, ns_info[s].name);
    out_printf(sh, _("%s:[%s] now lives as long as this mount does, whatever processes it has: "
                     "`unpin %s` lets it go (`ls-ns all` shows what holds it).\n"),
               ns_info[s].name, fmt_ino(sh, s, st.st_ino, ib, sizeof ib), argv[2]);
    return 0;
}

int cmd_unpin(struct nsl *sh, int argc, char **argv)
{
    struct mount_words a;
    if (args_parse(sh, argc, argv, "", 1, "unpin PATH", &a) < 0)
        return -1;
    struct mount_req rq = {.verb = MV_UNPIN, .target = a.pos[0]};
    if (mount_request(sh, &rq, NULL) < 0)
        return -1;
    out_printf(sh, _("unpinned: if no process is in that namespace and nothing else holds it (a "
                     "descriptor, another mount), the kernel frees it now.\n"));
    return 0;
}

int cmd_scratch(struct nsl *sh, int argc, char **argv)
{
    if (argc != 1)
        return step_usage(sh, "usage: scratch");
    bool fresh = !sh->mnt || !sh->mnt->scratch;
    struct nsl_err e;
    const char *dir = scratch_ensure(sh, &sh->step.trace, &e);
    if (!dir)
        return step_fail_err(sh, &e);
    print_string(sh, PRINT_ANY, "path", "%s\n", dir);
    if (fresh)
        out_printf(sh, _("A directory of this session's own for experiments, removed at exit (with "
                       "whatever the session mounted under it in the host's mount namespace "
                       "unmounted first). Write it as %s in any command, e.g. "
                       "`!mkdir %s/a`. Mount on it after `unshare mnt`: in the host's mount "
                       "namespace the guard refuses.\n"),
                   SCRATCH_WORD, SCRATCH_WORD);
    return 0;
}
