#define _GNU_SOURCE
/* ROOT on the subject's side: change the subject's root directory, with
 * chroot(2) (the root of its path lookups only) or pivot_root(2) (the root
 * mount of its mount namespace, the old one then unmounted lazily). Its
 * future children inherit either. A refused pivot_root is explained by the
 * kernel's rule it broke (kernel/mount/pivot.c). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "kernel/mount/sys_mount.h"
#include "kernel/sys_file.h"
#include "subject/ops.h"

_Static_assert(sizeof(enum root_verb) <= SUBJ_ARGS_MAX, "root_req");

void root_req_pack(struct subj_req *rq, const struct root_req *r)
{
    subj_req_init(rq, SOP_ROOT, &r->verb, sizeof r->verb);
    subj_req_str(rq, r->dir);
    if (r->verb == ROOT_PIVOT)
        subj_req_str(rq, r->put_old);
}

static void do_chroot(const char *dir, struct subj_rep *rep, struct root_rep *out)
{
    if (sys_chroot(&rep->trace, dir) < 0) {
        out->failed = ROOT_FAILED_CALL;
        return;
    }
    /* Without it the working directory stays outside the new root, which
     * is the very hole `escape` goes through. chroot(8) does the same. */
    if (sys_chdir(&rep->trace, "/") < 0)
        out->failed = ROOT_FAILED_CHDIR;
}

/* Where PUT_OLD is once NEW is "/": its path below NEW. */
static char *old_inside(const char *nreal, const char *oreal)
{
    size_t n = strlen(nreal);
    if (strcmp(nreal, "/") == 0)
        return xstrdup(oreal);
    if (strncmp(oreal, nreal, n) != 0 || (oreal[n] && oreal[n] != '/'))
        return NULL;
    return xstrdup(oreal[n] ? oreal + n : "/");
}

static void do_pivot(struct subj_ctx *cx, const char *nw, const char *old, struct subj_rep *rep,
                     struct root_rep *out)
{
    cleanup_free char *nreal = realpath(nw, NULL);
    cleanup_free char *oreal = realpath(old, NULL);
    if (sys_pivot_root(&rep->trace, nw, old) < 0) {
        int err = errno;
        cleanup_sb struct strbuf mi = {0};
        /* The shell's /proc, inherited: self is the subject there. */
        bool have = read_file_sb(cx->sh->procfd, "self/mountinfo", &mi) == 0;
        struct pivot_facts f;
        pivot_facts_read(nw, old, have ? sb_str(&mi) : NULL, err, &f);
        out->failed = ROOT_FAILED_CALL;
        out->rule = pivot_rule_of(&f);
        errno = err;
        return;
    }
    if (sys_chdir(&rep->trace, "/") < 0) {
        out->failed = ROOT_FAILED_CHDIR;
        return;
    }
    cleanup_free char *inside = nreal && oreal ? old_inside(nreal, oreal) : NULL;
    if (!inside) {
        errno = ENOENT;
        out->failed = ROOT_FAILED_UMOUNT;
        return;
    }
    sb_appendn(&rep->data, inside, strlen(inside) + 1);
    /* Lazily: the old root is busy (this very process had files open on
     * it); MNT_DETACH takes it out of the tree at once. */
    if (sys_umount2(&rep->trace, inside, MNT_DETACH) < 0)
        out->failed = ROOT_FAILED_UMOUNT;
}

void op_root(struct subj_ctx *cx, const struct subj_msg *m, struct subj_rep *rep)
{
    enum root_verb verb;
    subj_msg_args(m, &verb, sizeof verb);
    if ((verb != ROOT_CHROOT && verb != ROOT_PIVOT) || m->nstr != (verb == ROOT_PIVOT ? 2 : 1)) {
        rep->ret = -1;
        rep->err = EINVAL;
        return;
    }
    struct root_rep out = {0};
    if (verb == ROOT_CHROOT)
        do_chroot(m->str[0], rep, &out);
    else
        do_pivot(cx, m->str[0], m->str[1], rep, &out);
    rep->ret = out.failed == ROOT_DONE ? 0 : -1;
    rep->err = out.failed == ROOT_DONE ? 0 : errno;
    subj_rep_set(rep, &out, sizeof out);
}
