#define _GNU_SOURCE
/* image, chroot, pivot_root: a root filesystem for the subject and the two
 * ways to make it the subject's root (op_root). Only the subject changes
 * root, never the shell; pivot_root only in a mount namespace the session
 * made. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd_mount.h"
#include "cmd/handlers.h"
#include "i18n.h"
#include "kernel/rootfs.h"
#include "session/made_ns.h"
#include "subject/nshelper.h"
#include "subject/ops.h"

static void image_remember(struct nsl *sh, const char *dir)
{
    struct mount_session *ms = mount_session(sh);
    free(ms->image);
    ms->image = realpath(dir, NULL);
    if (!ms->image)
        ms->image = xstrdup(dir);
}

static void image_report_dirs(struct nsl *sh, const struct rootfs_check *c)
{
    open_json_array(sh, "missing");
    struct strbuf miss = {0};
    for (size_t k = 0; k < rootfs_ndirs; k++) {
        if (c->dirs & (1u << k))
            continue;
        print_string(sh, PRINT_JSON, NULL, "%s", rootfs_dirs[k]);
        sb_printf(&miss, "%s%s", miss.len ? " " : "", rootfs_dirs[k]);
    }
    close_json_array(sh);
    print_bool(sh, PRINT_JSON, "has_sh", "%s", c->has_sh);
    if (miss.len)
        out_printf(sh, _("missing: %s (a mount point for each is needed inside; `!mkdir` them)\n"),
                   miss.buf);
    if (!c->has_sh)
        out_printf(sh, _("no executable bin/sh: a shell run inside would not be found\n"));
    sb_free(&miss);
}

static int image_busybox(struct nsl *sh, const char *dir_arg)
{
    struct nsl_err e;
    cleanup_free char *dir = NULL;
    if (dir_arg) {
        dir = xstrdup(dir_arg);
    } else {
        const char *scratch = scratch_ensure(sh, &sh->step.trace, &e);
        if (!scratch)
            return step_fail_err(sh, &e);
        dir = xasprintf("%s/rootfs", scratch);
    }
    size_t applets = 0;
    if (rootfs_busybox(ROOTFS_BUSYBOX, dir, &sh->step.trace, &applets, &e) < 0)
        return step_fail_err(sh, &e);
    image_remember(sh, dir);
    const char *img = mount_session(sh)->image;
    print_string(sh, PRINT_ANY, "path", "%s\n", img);
    print_string(sh, PRINT_JSON, "source", "%s", "busybox");
    print_uint(sh, PRINT_JSON, "applets", "%llu", applets);
    out_printf(sh, _("a minimal root from %s (a static build): bin/busybox and %zu applet links "
                     "to it, the empty mount points dev proc sys tmp, etc/passwd and etc/group. "
                     "Next: `chroot %s`, or after `unshare mnt`, `bind %s %s` and `pivot_root`\n"),
               ROOTFS_BUSYBOX, applets, img, img, img);
    return 0;
}

int cmd_image(struct nsl *sh, int argc, char **argv)
{
    if (argc > 3 || (argc == 3 && strcmp(argv[1], "busybox") != 0))
        return step_usage(sh, "usage: image [busybox [DIR] | DIR]");
    if (argc >= 2 && strcmp(argv[1], "busybox") == 0)
        return image_busybox(sh, argc == 3 ? argv[2] : NULL);
    if (argc == 1) {
        const char *img = sh->mnt ? sh->mnt->image : NULL;
        if (!img) {
            print_null(sh, "path");
            out_printf(sh, _("no image yet: `image busybox` lays one out, `image DIR` takes a "
                             "directory\n"));
            return 0;
        }
        print_string(sh, PRINT_ANY, "path", "%s\n", img);
        return 0;
    }
    struct rootfs_check c;
    struct nsl_err e;
    if (rootfs_inspect(argv[1], &c, &e) < 0)
        return step_fail_err(sh, &e);
    image_remember(sh, argv[1]);
    print_string(sh, PRINT_ANY, "path", "%s\n", mount_session(sh)->image);
    print_string(sh, PRINT_JSON, "source", "%s", "directory");
    image_report_dirs(sh, &c);
    return 0;
}

/* --- chroot and pivot_root -------------------------------------------- */

static int root_call(struct nsl *sh, const struct root_req *r, struct root_rep *out,
                     struct strbuf *data, int *err)
{
    cleanup_subj_req struct subj_req rq = {0};
    root_req_pack(&rq, r);
    rq.ns_changes = 1u << NS_MNT;
    cleanup_subj_rep struct subj_rep rep = {0};
    struct nsl_err e;
    if (subject_call(sh, &rq, &rep, &e) < 0)
        return step_fail_err(sh, &e);
    subj_rep_get(&rep, out, sizeof *out);
    *err = rep.ret < 0 ? rep.err : 0;
    if (rep.data.len)
        sb_appendn(data, rep.data.buf, rep.data.len);
    return 0;
}

int cmd_chroot(struct nsl *sh, int argc, char **argv)
{
    if (argc != 2)
        return step_usage(sh, "usage: chroot DIR");
    struct root_req r = {.verb = ROOT_CHROOT, .dir = argv[1]};
    struct root_rep out = {0};
    cleanup_sb struct strbuf data = {0};
    int err = 0;
    if (root_call(sh, &r, &out, &data, &err) < 0)
        return -1;
    if (out.failed == ROOT_FAILED_CALL && err == EPERM)
        return step_fail_errno(sh, err, "cannot chroot to %s: it needs CAP_SYS_CHROOT", argv[1]);
    if (out.failed == ROOT_FAILED_CALL)
        return step_fail_errno(sh, err, "cannot chroot to %s", argv[1]);
    if (out.failed == ROOT_FAILED_CHDIR)
        return step_fail_errno(sh, err, "chroot to %s done, but chdir(\"/\") in it failed",
                               argv[1]);
    print_string(sh, PRINT_ANY, "root", "%s\n", argv[1]);
    out_printf(sh, _("the subject's root is now %s, for itself and the children it makes: their "
                     "paths start there. Its mounts are unchanged (`mounts`: the same table), and "
                     "a process with CAP_SYS_CHROOT can still climb out (`spawn escape`)\n"),
               argv[1]);
    return 0;
}

static int pivot_failed(struct nsl *sh, const struct root_rep *out, int err, char **argv)
{
    if (out->failed == ROOT_FAILED_CALL) {
        print_string(sh, PRINT_JSON, "rule", "%s", pivot_rule_name(out->rule));
        if (out->rule != PIVOT_RULE_NONE)
            return step_fail_errno(sh, err, "pivot_root %s %s refused: %s", argv[1], argv[2],
                                   _(pivot_rule_text(out->rule)));
        return step_fail_errno(sh, err, "pivot_root %s %s refused", argv[1], argv[2]);
    }
    if (out->failed == ROOT_FAILED_CHDIR)
        return step_fail_errno(sh, err, "pivot_root done, but chdir(\"/\") in the new root failed");
    return step_fail_errno(sh, err,
                           "pivot_root done, but the old root at %s could not be unmounted", argv[2]);
}

int cmd_pivot_root(struct nsl *sh, int argc, char **argv)
{
    if (argc != 3)
        return step_usage(sh, "usage: pivot_root NEW PUT_OLD");
    /* pivot_root(2) changes the root mount of the whole mount namespace:
     * in one the session did not make, the host's (or another's) own. */
    if (!made_ns_has(sh, NS_MNT, ns_inode_of(sh, sh->subj.pid, NS_MNT)))
        return step_fail(sh, 0,
                         "refusing pivot_root: the subject is in a mount namespace this session "
                         "did not create (the host's, or one entered with setns), where it would "
                         "change the root of every process there; run `unshare mnt` first");
    struct root_req r = {.verb = ROOT_PIVOT, .dir = argv[1], .put_old = argv[2]};
    struct root_rep out = {0};
    cleanup_sb struct strbuf data = {0};
    int err = 0;
    if (root_call(sh, &r, &out, &data, &err) < 0)
        return -1;
    if (out.failed != ROOT_DONE)
        return pivot_failed(sh, &out, err, argv);
    print_string(sh, PRINT_ANY, "root", "%s\n", argv[1]);
    print_string(sh, PRINT_JSON, "old_root", "%s", sb_str(&data));
    out_printf(sh, _("%s is now the root mount of the subject's mount namespace; the old root, "
                     "moved to %s, was unmounted lazily (MNT_DETACH), so nothing above the new "
                     "root is left to climb to (`spawn escape` stays inside). `mounts` shows the "
                     "table that is left\n"),
               argv[1], sb_str(&data));
    return 0;
}
