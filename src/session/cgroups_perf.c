#define _GNU_SOURCE
/* perf_event on a legacy layout that mounts no hierarchy of it: nslab
 * mounts one, in the subject's mount namespace only. The host's mount
 * table is never touched: a subject still in the host's mount namespace
 * is refused, and the mount itself goes through the subject's mount
 * operation, behind the host guard. nslab then keeps a descriptor of the
 * hierarchy's root, so its cgroups stay reachable (and are removed at
 * exit) whatever becomes of the subject's namespace. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernel/sys_file.h"
#include "session/cgroups.h"
#include "session/made_ns.h"
#include "cmd/cmd_mount.h" /* scratch_ensure (session/mount_session.c) */
#include "subject/ops.h"
#include "subject/subject.h"

/* The subsystems the kernel binds perf_event with ("perf_event", or more
 * when another process bound it to a hierarchy with others). */
static int perf_peers(struct nsl *sh, char *peers, size_t size, struct nsl_err *e)
{
    char path[CG_PATH_MAX];
    proc_path(&sh->paths, path, sizeof path, "cgroups");
    cleanup_sb struct strbuf text = {0};
    if (read_file_sb(AT_FDCWD, path, &text) < 0)
        return nsl_fail_errno(e, errno, "cannot read %s", path);
    if (cg_proc_cgroups_peers(sb_str(&text), "perf_event", peers, size) < 0)
        return nsl_fail(e, ENOENT, "%s does not list perf_event", path);
    return 0;
}

/* Mount it through the subject, behind the guard (never lifted here). */
static int subject_mount(struct nsl *sh, const char *target, const char *peers, struct nsl_err *e)
{
    cleanup_free ino_t *made = NULL;
    struct mount_req rq = {.verb = MV_MOUNT, .fstype = "cgroup", .source = "cgroup",
                           .target = target, .opts = peers};
    rq.nmade = made_ns_list(sh, NS_MNT, &made);
    rq.made_mntns = made;
    cleanup_subj_req struct subj_req req = {0};
    mount_req_pack(&req, &rq);
    cleanup_subj_rep struct subj_rep rep = {0};
    if (subject_call(sh, &req, &rep, e) < 0)
        return -1;
    if (rep.ret == 0)
        return 0;
    struct mount_rep m;
    int r = mount_rep_unpack(&rep, &m) == 0 && m.error
                ? nsl_fail(e, rep.err, "cannot mount a perf_event hierarchy on %s: %s", target,
                           m.error)
                : nsl_fail_errno(e, rep.err, "cannot mount a perf_event hierarchy on %s", target);
    mount_rep_free(&m);
    return r;
}

int cgroups_perf_hier(struct nsl *sh, struct trace *t, struct nsl_err *e)
{
    struct nsl_cg *c = sh->cg;
    if (c->layout.ctrl_hier[CG_PERF_EVENT] >= 0 || !(c->layout.enabled & (1u << CG_PERF_EVENT)))
        return 0; /* there, or cg_create says why not */
    char path[CG_PATH_MAX], peers[256];
    struct stat st;
    proc_path(&sh->paths, path, sizeof path, "%d/ns/mnt", (int)sh->subj.pid);
    if (stat(path, &st) < 0)
        return nsl_fail_errno(e, errno, "cannot read the subject's mount namespace (%s)", path);
    if (!made_ns_has(sh, NS_MNT, st.st_ino))
        return nsl_fail(e, EPERM, "no perf_event hierarchy is mounted here, and nslab mounts one only "
                            "in a mount namespace of the session: `unshare mnt` first");
    if (perf_peers(sh, peers, sizeof peers, e) < 0)
        return -1;
    const char *scratch = scratch_ensure(sh, t, e);
    if (!scratch)
        return -1;
    cleanup_free char *target = xasprintf("%s/perf_event", scratch);
    if (access(target, F_OK) < 0 && sys_mkdir(t, target, 0755) < 0)
        return nsl_fail_errno(e, errno, "cannot make %s", target);
    trace_note(t, "no v1 hierarchy of perf_event is mounted: the subject mounts one in its own "
                  "mount namespace");
    if (subject_mount(sh, target, peers, e) < 0)
        return -1;
    /* the mount as the subject sees it: through its root */
    proc_path(&sh->paths, path, sizeof path, "%d/root%s", (int)sh->subj.pid, target);
    int fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return nsl_fail_errno(e, errno, "cannot open the subject's %s", target);
    trace_note(t, "nslab holds the hierarchy's root open, reached as /proc/%d/fd/%d",
               (int)sh->shell_pid, fd);
    return cgroups_hier_adopt(sh, fd, peers, t, e);
}
