#define _GNU_SOURCE
/* MOUNT on the subject's side: the mount(2) family in the subject's mount
 * namespace, behind the host guard (mount, bind, umount, propagation). The
 * request and the reply are packed here, beside the operation. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "subject/ops.h"

/* --- the request ------------------------------------------------------- */

/* The IDs and inodes travel as decimal words ("12 40"). */
static void ids_format(const int *v, size_t n, struct strbuf *out)
{
    for (size_t k = 0; k < n; k++)
        sb_printf(out, "%s%d", k ? " " : "", v[k]);
}

static void inos_format(const ino_t *v, size_t n, struct strbuf *out)
{
    for (size_t k = 0; k < n; k++)
        sb_printf(out, "%s%llu", k ? " " : "", (unsigned long long)v[k]);
}

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

/* The strings of each verb, in order; then the IDs, then the inodes. */
static const int verb_nstr[] = {[MV_MOUNT] = 4, [MV_BIND] = 2, [MV_UMOUNT] = 1,
                                [MV_PROPAGATION] = 1, [MV_PIN] = 2, [MV_UNPIN] = 1};

/* The fixed part of MOUNT. */
struct mount_args {
    enum mount_verb verb;
    bool recursive, allow_host_changes, in_host_cgroupns;
    int umount_flags;
    enum mount_prop prop;
};
_Static_assert(sizeof(struct mount_args) <= SUBJ_ARGS_MAX, "mount_args");

void mount_req_pack(struct subj_req *rq, const struct mount_req *r)
{
    struct mount_args a;
    memset(&a, 0, sizeof a); /* its padding goes on the wire: zeroed, not undefined */
    a.verb = r->verb;
    a.recursive = r->recursive;
    a.allow_host_changes = r->allow_host_changes;
    a.in_host_cgroupns = r->in_host_cgroupns;
    a.umount_flags = r->umount_flags;
    a.prop = r->prop;
    subj_req_init(rq, SOP_MOUNT, &a, sizeof a);
    switch (r->verb) {
    case MV_MOUNT:
        subj_req_str(rq, r->fstype);
        subj_req_str(rq, r->source);
        subj_req_str(rq, r->target);
        subj_req_str(rq, r->opts ? r->opts : "");
        break;
    case MV_BIND:
        subj_req_str(rq, r->source);
        subj_req_str(rq, r->target);
        break;
    case MV_UMOUNT:
    case MV_PROPAGATION:
    case MV_UNPIN:
        subj_req_str(rq, r->target);
        break;
    case MV_PIN:
        subj_req_str(rq, r->target);
        subj_req_str(rq, r->ns_shown);
        rq->fd[0] = r->ns_fd;
        rq->nfd = 1;
        break;
    }
    struct strbuf ids = {0}, inos = {0};
    ids_format(r->created, r->ncreated, &ids);
    inos_format(r->made_mntns, r->nmade, &inos);
    subj_req_str_own(rq, xstrdup(sb_str(&ids)));
    subj_req_str_own(rq, xstrdup(sb_str(&inos)));
    sb_free(&ids);
    sb_free(&inos);
}

/* The subject's copy of the request: strings point into the message. */
static int mount_req_unpack(const struct subj_msg *m, struct mount_req *r, struct mount_ids *ids,
                            ino_t **inos)
{
    struct mount_args a;
    subj_msg_args(m, &a, sizeof a);
    *r = (struct mount_req){.verb = a.verb, .recursive = a.recursive,
                            .allow_host_changes = a.allow_host_changes,
                            .in_host_cgroupns = a.in_host_cgroupns,
                            .umount_flags = a.umount_flags, .prop = a.prop};
    if (r->verb < MV_MOUNT || r->verb > MV_UNPIN || m->nstr != verb_nstr[r->verb] + 2 ||
        (r->verb == MV_PIN && m->nfd < 1) ||
        r->prop < MOUNT_PROP_SHARED || r->prop > MOUNT_PROP_UNBINDABLE)
        return -1;
    char **s = m->str;
    r->fstype = r->source = r->target = r->opts = NULL;
    switch (r->verb) {
    case MV_MOUNT:
        r->fstype = s[0], r->source = s[1], r->target = s[2], r->opts = s[3];
        break;
    case MV_BIND:
        r->source = s[0], r->target = s[1];
        break;
    case MV_UMOUNT:
    case MV_PROPAGATION:
    case MV_UNPIN:
        r->target = s[0];
        break;
    case MV_PIN:
        r->target = s[0], r->ns_shown = s[1], r->ns_fd = m->fd[0];
        break;
    }
    ids_parse(s[m->nstr - 2], ids);
    r->created = ids->v;
    r->ncreated = ids->n;
    r->nmade = inos_parse(s[m->nstr - 1], inos);
    r->made_mntns = *inos;
    return 0;
}

/* --- the reply --------------------------------------------------------- */

/* The fixed part; data holds added[], removed[] (int each), then the
 * strings that are there (has: bit k for target, source, before, after,
 * error), each with its NUL. */
struct mount_rep_fixed {
    enum mount_stage failed;
    int before_id, after_id;
    uint32_t n_added, n_removed;
    unsigned has;
};
_Static_assert(sizeof(struct mount_rep_fixed) <= SUBJ_OUT_MAX, "mount_rep_fixed");

static void rep_pack(struct subj_rep *rep, const struct mount_result *r, const char *source,
                     const char *error)
{
    const char *strs[5] = {r->target, source, r->before, r->after, error};
    struct mount_rep_fixed f = {.failed = r->failed,
                                .before_id = r->before_id,
                                .after_id = r->after_id,
                                .n_added = (uint32_t)r->n_added,
                                .n_removed = (uint32_t)r->n_removed};
    if (r->n_added)
        sb_appendn(&rep->data, (const char *)r->added, r->n_added * sizeof *r->added);
    if (r->n_removed)
        sb_appendn(&rep->data, (const char *)r->removed, r->n_removed * sizeof *r->removed);
    for (int k = 0; k < 5; k++) {
        if (!strs[k])
            continue;
        f.has |= 1u << k;
        sb_appendn(&rep->data, strs[k], strlen(strs[k]) + 1);
    }
    subj_rep_set(rep, &f, sizeof f);
}

static int ints_take(const char **p, const char *end, size_t n, int **out)
{
    *out = NULL;
    if ((size_t)(end - *p) / sizeof(int) < n)
        return -1;
    if (n) {
        *out = xcalloc(n, sizeof **out);
        memcpy(*out, *p, n * sizeof **out);
    }
    *p += n * sizeof(int);
    return 0;
}

int mount_rep_unpack(const struct subj_rep *rep, struct mount_rep *out)
{
    struct mount_rep_fixed f;
    memset(out, 0, sizeof *out);
    if (rep->nout != sizeof f)
        return -1;
    subj_rep_get(rep, &f, sizeof f);
    out->failed = out->r.failed = f.failed;
    out->r.before_id = f.before_id;
    out->r.after_id = f.after_id;
    const char *p = rep->data.buf ? rep->data.buf : "", *end = p + rep->data.len;
    if (ints_take(&p, end, f.n_added, &out->r.added) < 0)
        return -1;
    out->r.n_added = f.n_added;
    if (ints_take(&p, end, f.n_removed, &out->r.removed) < 0)
        return -1;
    out->r.n_removed = f.n_removed;
    char **dst[5] = {&out->r.target, &out->source, &out->r.before, &out->r.after, &out->error};
    for (int k = 0; k < 5; k++) {
        if (!(f.has & (1u << k)))
            continue;
        const char *nul = p < end ? memchr(p, '\0', (size_t)(end - p)) : NULL;
        if (!nul)
            return -1;
        *dst[k] = xstrdup(p);
        p = nul + 1;
    }
    return 0;
}

void mount_rep_free(struct mount_rep *m)
{
    mount_result_free(&m->r);
    free(m->source);
    free(m->error);
    memset(m, 0, sizeof *m);
}

/* --- the operation ----------------------------------------------------- */

void op_mount(struct subj_ctx *cx, const struct subj_msg *m, struct subj_rep *rep)
{
    struct mount_req rq;
    struct mount_ids created = {0};
    cleanup_free ino_t *made = NULL;
    if (mount_req_unpack(m, &rq, &created, &made) < 0) {
        mount_ids_free(&created);
        rep->ret = -1;
        rep->err = EINVAL;
        return;
    }
    /* The shell's /proc, inherited at the fork: it shows every process the
     * shell sees, whatever /proc the subject's mount namespace has. */
    struct mount_ctx c = {.paths = &cx->sh->paths,
                          .trace = &rep->trace,
                          .made_mntns = rq.made_mntns,
                          .n_made_mntns = rq.nmade,
                          .procfd = cx->sh->procfd,
                          .allow_host_changes = rq.allow_host_changes,
                          .in_host_cgroupns = rq.in_host_cgroupns,
                          .created = &created};
    struct mount_result r = {0};
    struct nsl_err e = {0};
    int rc = -1;
    cleanup_free char *source = NULL;
    switch (rq.verb) {
    case MV_MOUNT:
        rc = mount_fs(&c, rq.fstype, rq.source, rq.target, rq.opts, &r, &e);
        break;
    case MV_BIND:
        source = realpath(rq.source, NULL);
        rc = mount_bind(&c, rq.source, rq.target, rq.recursive, &r, &e);
        break;
    case MV_UMOUNT:
        rc = mount_umount(&c, rq.target, rq.umount_flags, &r, &e);
        break;
    case MV_PROPAGATION:
        rc = mount_set_propagation(&c, rq.prop, rq.target, rq.recursive, &r, &e);
        break;
    case MV_PIN:
        rc = mount_pin(&c, rq.ns_fd, rq.ns_shown, rq.target, &r, &e);
        break;
    case MV_UNPIN:
        rc = mount_unpin(&c, rq.target, &r, &e);
        break;
    }
    rep->ret = rc;
    rep->err = rc < 0 ? e.errnum : 0;
    rep_pack(rep, &r, source, rc < 0 ? e.msg : NULL);
    mount_result_free(&r);
    mount_ids_free(&created);
}
