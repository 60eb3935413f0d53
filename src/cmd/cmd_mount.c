#define _GNU_SOURCE
/* mount, bind, umount, propagation, scratch: the mount(2) family, performed
 * by the subject in its own mount namespace (op_mount), behind the host
 * guard of SPEC §6. Each shows the mountinfo line of its target before and
 * after, and what the new state means in words. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "commands.h"
#include "render/render.h"
#include "subject/subject.h"
#include "cmd/cmd_mount.h"
#include "session/made_ns.h"
#include "i18n.h"

enum mount_verb {
    MV_MOUNT,       /* str: FSTYPE SOURCE TARGET OPTS */
    MV_BIND,        /* str: SOURCE TARGET; i[1] recursive */
    MV_UMOUNT,      /* str: TARGET; i[1] umount2 flags */
    MV_PROPAGATION, /* str: PATH; i[1] recursive, i[2] enum mount_prop */
};

/* The subject's answer, parsed from the JSON in rep->data. */
struct mount_reply {
    cJSON *doc;
    const char *target, *source, *before, *after, *error;
    int before_id, after_id;
    int *added, *removed;
    size_t n_added, n_removed;
};

static void reply_free(struct mount_reply *r)
{
    cJSON_Delete(r->doc);
    free(r->added);
    free(r->removed);
    memset(r, 0, sizeof *r);
}

static const char *json_str(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static int json_int(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNumber(v) ? v->valueint : 0;
}

static size_t json_ids(const cJSON *o, const char *key, int **out)
{
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(o, key);
    size_t n = 0;
    *out = NULL;
    const cJSON *v;
    cJSON_ArrayForEach(v, a)
    {
        if (!cJSON_IsNumber(v))
            continue;
        *out = xrealloc(*out, (n + 1) * sizeof **out);
        (*out)[n++] = v->valueint;
    }
    return n;
}

static int reply_parse(const struct subj_rep *rep, struct mount_reply *r)
{
    memset(r, 0, sizeof *r);
    r->doc = cJSON_Parse(sb_str(&rep->data));
    if (!cJSON_IsObject(r->doc))
        return -1;
    r->target = json_str(r->doc, "target");
    r->source = json_str(r->doc, "source");
    r->before = json_str(r->doc, "before");
    r->after = json_str(r->doc, "after");
    r->error = json_str(r->doc, "error");
    r->before_id = json_int(r->doc, "before_id");
    r->after_id = json_int(r->doc, "after_id");
    r->n_added = json_ids(r->doc, "added", &r->added);
    r->n_removed = json_ids(r->doc, "removed", &r->removed);
    return 0;
}

/* What the learner sees after a mount step: the target's line before and
 * after, then the mount that is there now (or was) in words. */
static void report(struct nsl *sh, enum mount_verb verb, const struct mount_reply *r,
                   const struct mount_views *v)
{
    out_printf(sh, "  before  %s\n", r->before ? r->before : "(not a mount point)");
    out_printf(sh, "  after   %s\n", r->after ? r->after : "(not a mount point)");
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
        out_printf(sh, "mount %d on %s (%s from %s)", now->id, now->target, now->fstype,
                   now->source[0] ? now->source : "no source");
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
            sb_printf(&also, "%s%d on %s", also.len ? ", " : "", m->id, m->target);
    }
    if (also.len)
        out_printf(sh, "also added: %s\n", also.buf);
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

/* The error of a failed mechanism, with the next step where it is plain. */
static int mount_failed(struct nsl *sh, int err, const char *msg, const char *path)
{
    if (err == ENOENT && path && strncmp(msg, "cannot ", 7) == 0 && strstr(msg, path))
        return step_fail(sh, err, "%s; create the directory first (`!mkdir -p %s`)", msg, path);
    return step_fail(sh, err, "%s", msg);
}

/* Send one mount request to the subject and report it. args: the verb's
 * strings; path: the one named in hints. */
static int mount_request(struct nsl *sh, enum mount_verb verb, int64_t i1, int64_t i2,
                         const char **args, int nargs, const char *path)
{
    struct mount_session *ms = mount_session(sh);
    struct strbuf ids = {0}, made = {0};
    for (size_t k = 0; k < ms->created.n; k++)
        sb_printf(&ids, "%s%d", k ? " " : "", ms->created.v[k]);
    /* The mount namespaces the session made: every other one is the host's
     * for the guard (the one nslab started in, and any other setns reaches). */
    made_ns_format(sh, NS_MNT, &made);
    const char *str[7];
    for (int k = 0; k < nargs; k++)
        str[k] = args[k];
    str[nargs] = sb_str(&ids);
    str[nargs + 1] = sb_str(&made);

    /* With the guard lifted, a step can change the host's table (directly,
     * or through a peer group): read it around the call to remember what
     * appeared, so the exit can undo it. */
    bool track = sh->opt.allow_host_changes;
    struct mount_table h0 = {0}, h1 = {0};
    struct nsl_err e;
    if (track && mountinfo_read(&sh->paths, 0, &h0, &e) < 0) {
        sb_free(&ids);
        sb_free(&made);
        return step_fail_err(sh, &e);
    }

    struct subj_req rq = {.op = SOP_MOUNT,
                          .i = {verb, i1, i2, sh->opt.allow_host_changes},
                          .nstr = nargs + 2,
                          .str = str};
    struct subj_rep rep;
    int rc = subject_call(sh, &rq, &rep, &e);
    sb_free(&ids);
    sb_free(&made);
    if (rc < 0) {
        mount_table_free(&h0);
        return step_fail_err(sh, &e);
    }
    struct mount_reply r;
    if (reply_parse(&rep, &r) < 0) {
        reply_free(&r);
        subj_rep_free(&rep);
        mount_table_free(&h0);
        return step_fail(sh, EPROTO, "malformed reply from the subject process");
    }
    struct mount_views v = {0};
    if (rep.ret == 0 && mount_views_read(sh, sh->subj.pid, &v, &e) < 0)
        rc = step_fail_err(sh, &e);
    if (track && mountinfo_read(&sh->paths, 0, &h1, NULL) == 0 && rep.ret == 0)
        mount_session_track(ms, &h0, &h1, &v.self, r.added, r.n_added);

    if (rc == 0 && rep.ret < 0) {
        rc = mount_failed(sh, rep.err, r.error ? r.error : strerror(rep.err), path);
    } else if (rc == 0) {
        report(sh, verb, &r, &v);
        if (verb == MV_BIND && i1)
            report_unbindable_skipped(sh, &r, &v);
        result_json(sh, &r, &v);
    }
    mount_views_free(&v);
    mount_table_free(&h0);
    mount_table_free(&h1);
    reply_free(&r);
    subj_rep_free(&rep);
    return rc;
}

/* -r / -o OPTS among the words; the rest are positional. */
struct mount_args {
    const char *pos[4];
    int npos;
    bool recursive, lazy;
    const char *opts;
};

static int args_parse(struct nsl *sh, int argc, char **argv, const char *flags, int want,
                      const char *usage, struct mount_args *a)
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
    struct mount_args a;
    if (args_parse(sh, argc, argv, "o", 3, "mount FSTYPE SOURCE TARGET [-o OPTS] (`mounts` shows "
                   "the table)", &a) < 0)
        return -1;
    const char *args[4] = {a.pos[0], a.pos[1], a.pos[2], a.opts ? a.opts : ""};
    return mount_request(sh, MV_MOUNT, 0, 0, args, 4, a.pos[2]);
}

int cmd_bind(struct nsl *sh, int argc, char **argv)
{
    struct mount_args a;
    if (args_parse(sh, argc, argv, "r", 2, "bind SOURCE TARGET [-r]", &a) < 0)
        return -1;
    return mount_request(sh, MV_BIND, a.recursive, 0, a.pos, 2, a.pos[1]);
}

int cmd_umount(struct nsl *sh, int argc, char **argv)
{
    struct mount_args a;
    if (args_parse(sh, argc, argv, "l", 1, "umount TARGET [-l]", &a) < 0)
        return -1;
    return mount_request(sh, MV_UMOUNT, a.lazy ? MNT_DETACH : 0, 0, a.pos, 1, a.pos[0]);
}

int cmd_propagation(struct nsl *sh, int argc, char **argv)
{
    struct mount_args a;
    const char *usage = "propagation shared|slave|private|unbindable PATH [-r]";
    if (args_parse(sh, argc, argv, "r", 2, usage, &a) < 0)
        return -1;
    enum mount_prop p;
    struct nsl_err e;
    if (mount_prop_parse(a.pos[0], &p, &e) < 0)
        return step_fail_err(sh, &e);
    return mount_request(sh, MV_PROPAGATION, a.recursive, p, a.pos + 1, 1, a.pos[1]);
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

/* --- the subject's side ------------------------------------------------ */

static void ids_parse(const char *s, struct mount_ids *out)
{
    while (s && *s) {
        char *end;
        long v = strtol(s, &end, 10);
        if (end == s)
            break;
        if (v > 0 && v <= INT_MAX)
            mount_ids_add(out, (int)v);
        s = end;
    }
}

static size_t inos_parse(const char *s, ino_t **out)
{
    size_t n = 0;
    *out = NULL;
    while (s && *s) {
        char *end;
        unsigned long long v = strtoull(s, &end, 10);
        if (end == s)
            break;
        if (v) {
            *out = xrealloc(*out, (n + 1) * sizeof **out);
            (*out)[n++] = (ino_t)v;
        }
        s = end;
    }
    return n;
}

static void ids_json(cJSON *o, const char *key, const int *v, size_t n)
{
    cJSON *a = cJSON_AddArrayToObject(o, key);
    for (size_t k = 0; k < n; k++)
        cJSON_AddItemToArray(a, cJSON_CreateNumber(v[k]));
}

static void str_or_null(cJSON *o, const char *key, const char *s)
{
    if (s)
        cJSON_AddStringToObject(o, key, s);
    else
        cJSON_AddNullToObject(o, key);
}

void op_mount(struct subj_ctx *cx, const struct subj_msg *m, struct subj_rep *rep)
{
    enum mount_verb verb = (enum mount_verb)m->i[0];
    static const int nargs[] = {[MV_MOUNT] = 4, [MV_BIND] = 2, [MV_UMOUNT] = 1,
                                [MV_PROPAGATION] = 1};
    if (verb < MV_MOUNT || verb > MV_PROPAGATION || m->nstr != nargs[verb] + 2 ||
        m->i[2] < MOUNT_PROP_SHARED || m->i[2] > MOUNT_PROP_UNBINDABLE) {
        rep->ret = -1;
        rep->err = EINVAL;
        return;
    }
    struct mount_ids created = {0};
    ids_parse(m->str[m->nstr - 2], &created);
    cleanup_free ino_t *made = NULL;
    size_t nmade = inos_parse(m->str[m->nstr - 1], &made);
    /* The shell's /proc, inherited at the fork: it shows every process the
     * shell sees, whatever /proc the subject's mount namespace has. */
    struct mount_ctx c = {.paths = &cx->sh->paths,
                          .trace = &rep->trace,
                          .made_mntns = made,
                          .n_made_mntns = nmade,
                          .procfd = cx->sh->procfd,
                          .allow_host_changes = m->i[3] != 0,
                          .created = &created};
    struct mount_result r = {0};
    struct nsl_err e = {0};
    char **s = m->str;
    int rc = -1;
    cleanup_free char *source = NULL;
    switch (verb) {
    case MV_MOUNT:
        rc = mount_fs(&c, s[0], s[1], s[2], s[3], &r, &e);
        break;
    case MV_BIND:
        source = realpath(s[0], NULL);
        rc = mount_bind(&c, s[0], s[1], m->i[1] != 0, &r, &e);
        break;
    case MV_UMOUNT:
        rc = mount_umount(&c, s[0], (int)m->i[1], &r, &e);
        break;
    case MV_PROPAGATION:
        rc = mount_set_propagation(&c, (enum mount_prop)m->i[2], s[0], m->i[1] != 0, &r, &e);
        break;
    }
    rep->ret = rc;
    rep->err = rc < 0 ? e.errnum : 0;
    cJSON *o = cJSON_CreateObject();
    str_or_null(o, "target", r.target);
    str_or_null(o, "source", source);
    str_or_null(o, "before", r.before);
    str_or_null(o, "after", r.after);
    cJSON_AddNumberToObject(o, "before_id", r.before_id);
    cJSON_AddNumberToObject(o, "after_id", r.after_id);
    ids_json(o, "added", r.added, r.n_added);
    ids_json(o, "removed", r.removed, r.n_removed);
    str_or_null(o, "error", rc < 0 ? e.msg : NULL);
    char *text = cJSON_PrintUnformatted(o);
    sb_append(&rep->data, text);
    cJSON_free(text);
    cJSON_Delete(o);
    mount_result_free(&r);
    mount_ids_free(&created);
}
