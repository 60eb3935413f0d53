#define _GNU_SOURCE
/* ls-ns, unshare, setns: the namespace API of the course notes. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "kernel/release.h"
#include "cmd/handlers.h"
#include "i18n.h"
#include "observe/observe.h"
#include "render/render.h"
#include "subject/ops.h"
#include "session/target.h"
#include "subject/nshelper.h"
#include "cmd/cmd_lsns.h"
#include "session/made_ns.h"

static int ls_ns_target(struct nsl *sh, const char *word)
{
    struct target t;
    struct nsl_err e;
    if (target_resolve(sh, word, 0, &t, &e) < 0)
        return step_fail_err(sh, &e);
    struct snapshot snap = {.pid = t.pid};
    if (observe_ns_of(sh, t.pid, snap.ns) < 0)
        return step_fail_errno(sh, errno, "cannot read /proc/%d/ns", (int)t.pid);
    snap.valid = true;
    char b1[32], b2[32];
    struct strbuf hd = {0};
    sb_append_padded(&hd, "NAMESPACE", 19);
    snprintf(b1, sizeof b1, "PID %s", fmt_pid(sh, t.pid, b2, sizeof b2));
    sb_append_padded(&hd, b1, 17);
    sb_append(&hd, _("HOST"));
    out_printf(sh, "  %s\n", sb_str(&hd));
    sb_free(&hd);
    print_pid(sh, PRINT_JSON, "target", NULL, t.pid);
    open_json_array(sh, "namespaces");
    for (int s = 0; s < NS_NSLOTS; s++) {
        const struct ns_obs *o = &snap.ns[s];
        bool differs = o->ino != sh->host_ns[s].ino;
        const char *v = o->ino ? fmt_ino(sh, s, o->ino, b1, sizeof b1)
                        : o->err == ENOENT && ns_info[s].for_children
                            ? _("pending")
                            : (snprintf(b1, sizeof b1, "(%s)", errno_name(o->err)), b1);
        struct strbuf row = {0};
        sb_append_padded(&row, ns_info[s].name, 19);
        sb_append_padded(&row, v, 17);
        out_printf(sh, "  %s%s%s%s\n", differs ? col(sh, C_CYAN) : "", sb_str(&row),
                   differs ? fmt_ino(sh, s, sh->host_ns[s].ino, b2, sizeof b2) : _("same"),
                   differs ? col(sh, C_RESET) : "");
        sb_free(&row);
        open_json_object(sh, NULL);
        print_string(sh, PRINT_JSON, "type", NULL, ns_info[s].name);
        print_ino(sh, PRINT_JSON, "inode", NULL, s, o->ino);
        print_ino(sh, PRINT_JSON, "host_inode", NULL, s, sh->host_ns[s].ino);
        close_json_object(sh);
    }
    close_json_array(sh);
    return 0;
}

int cmd_ls_ns(struct nsl *sh, int argc, char **argv)
{
    if (argc == 1)
        return ls_ns_target(sh, "self");
    if (strcmp(argv[1], "--tree") == 0) {
        enum ns_slot type = NS_PID;
        if (argc > 3 ||
            (argc == 3 && strcmp(argv[2], "pid") != 0 && strcmp(argv[2], "user") != 0))
            return step_usage(sh, "usage: ls-ns --tree [pid|user]");
        if (argc == 3 && strcmp(argv[2], "user") == 0)
            type = NS_USER;
        return ls_ns_tree(sh, type);
    }
    if (argc != 2)
        return step_usage(sh, "usage: ls-ns [TARGET|all] | ls-ns --tree pid|user");
    if (strcmp(argv[1], "all") == 0)
        return ls_ns_all(sh);
    return ls_ns_target(sh, argv[1]);
}

/* A subject already in a user namespace of its own lacks the capability
 * there, whoever runs nslab: `unshare user` is no advice for it. */
static const char *privilege_hint(struct nsl *sh)
{
    return geteuid() == 0 || snapshot_differs(&sh->prev, sh->host_ns, NS_USER)
               ? _("the subject lacks CAP_SYS_ADMIN over its namespaces (after `unshare user` it "
                   "is root only inside its new user namespace; `reset` starts afresh)")
               : _("it needs CAP_SYS_ADMIN: run `unshare user` first (it maps you to root inside, "
                   "as unshare -r does) or run nslab as root (sudo)");
}

static void explain_unshare(struct nsl *sh, int flags, unsigned long prop, bool map)
{
    char pb[32];
    for (int s = 0; s < NS_NSLOTS; s++) {
        if (!ns_is_type(s) || !(flags & ns_info[s].flag))
            continue;
        switch (s) {
        case NS_PID:
            out_printf(sh,
                       _("pid: the subject stays in its PID namespace (a process never changes its "
                       "own PID); only pid_for_children changed. The next process you spawn is "
                       "PID 1 of the new PID namespace.\n"));
            break;
        case NS_TIME:
            out_printf(sh, _("time: the subject keeps its clocks; only time_for_children changed. "
                           "The next process you spawn enters the new time namespace.\n"));
            break;
        case NS_USER:
            if (map)
                out_printf(sh,
                           _("user: the subject is in a new user namespace, where it is root (uid 0 "
                           "inside = uid %u outside) with every capability over namespaces the "
                           "new user namespace owns.\n"),
                           (unsigned)geteuid());
            else
                out_printf(sh, _("user: the subject is in a new user namespace, unmapped (it shows "
                               "as the overflow uid 65534 until uid_map is written).\n"));
            break;
        case NS_MNT:
            /* Whole sentences, one per mode, so each translates as one. */
            if (prop == MS_PRIVATE)
                out_printf(sh, _("mnt: the subject has a copy of the mount table. Every mount in "
                                 "it was made private (MS_REC|MS_PRIVATE), so mounts made here do "
                                 "not reach the host's namespace.\n"));
            else if (prop == MS_SLAVE)
                out_printf(sh, _("mnt: the subject has a copy of the mount table. Every mount in "
                                 "it was made a slave (MS_REC|MS_SLAVE), so mounts made here do "
                                 "not reach the host's namespace.\n"));
            else if (prop == MS_SHARED)
                out_printf(sh, _("mnt: the subject has a copy of the mount table. Every mount in "
                                 "it was made shared (MS_REC|MS_SHARED), so mounts made here may "
                                 "propagate to the host's namespace.\n"));
            else
                out_printf(sh, _("mnt: the subject has a copy of the mount table. Propagation is "
                                 "unchanged: mounts under shared mounts still propagate to their "
                                 "peers in the host's namespace.\n"));
            break;
        default:
            out_printf(sh, _("%s: the subject has a namespace of its own for %s.\n"), ns_info[s].name,
                       _(ns_info[s].isolates));
        }
    }
    (void)pb;
}

/* The namespaces the host guards look at (made_ns.h). */
static const struct {
    int flag;
    enum ns_slot slot;
} guarded[] = {{CLONE_NEWNS, NS_MNT},
               {CLONE_NEWUTS, NS_UTS},
               {CLONE_NEWNET, NS_NET},
               {CLONE_NEWCGROUP, NS_CGROUP}};

int cmd_unshare(struct nsl *sh, int argc, char **argv)
{
    int flags = 0;
    unsigned long prop = MS_PRIVATE;
    bool map = true, any = false;
    struct nsl_err e;
    for (int k = 1; k < argc; k++) {
        const char *a = argv[k];
        if (strncmp(a, "--propagation", 13) == 0) {
            const char *mode = a[13] == '=' ? a + 14 : a[13] == '\0' && k + 1 < argc ? argv[++k] : NULL;
            if (!mode || (a[13] != '=' && a[13] != '\0'))
                return step_usage(sh, "--propagation needs a mode: private, slave, shared "
                                      "or unchanged");
            if (strcmp(mode, "private") == 0)
                prop = MS_PRIVATE;
            else if (strcmp(mode, "slave") == 0)
                prop = MS_SLAVE;
            else if (strcmp(mode, "shared") == 0)
                prop = MS_SHARED;
            else if (strcmp(mode, "unchanged") == 0)
                prop = 0;
            else
                return step_usage(sh,
                                  "unknown propagation '%s' (private, slave, shared, "
                                  "unchanged)",
                                  mode);
            continue;
        }
        if (strcmp(a, "--no-map") == 0) {
            map = false;
            continue;
        }
        if (a[0] == '-')
            return step_usage(sh, "unshare: unknown option '%s' (--propagation, --no-map)", a);
        int f;
        if (ns_flags_parse(a, &f, &e) < 0)
            return step_fail_err(sh, &e);
        flags |= f;
        any = true;
    }
    if (!any)
        return step_usage(sh, "usage: unshare TYPE... (types: cgroup ipc mnt net pid time "
                              "user uts, or all)");
    if ((flags & CLONE_NEWTIME) && kernel_need(&sh->paths, 5, 6, N_("a time namespace"), &e) < 0)
        return step_fail_err(sh, &e);
    cleanup_subj_req struct subj_req rq = {0};
    unshare_req_pack(&rq, &(struct unshare_req){.flags = flags,
                                                .propagation = (flags & CLONE_NEWNS) ? prop : 0,
                                                .map_root = map});
    rq.ns_changes = ns_slots_of_flags(flags);
    cleanup_subj_rep struct subj_rep rep = {0};
    /* The guards need to know the mnt, uts, net and cgroup namespaces the
     * session made: the subject's, if unshare changed them. */
    pid_t subj = sh->subj.pid;
    ino_t before[NS_NSLOTS] = {0};
    for (size_t g = 0; g < ARRAY_SIZE(guarded); g++)
        if (flags & guarded[g].flag)
            before[guarded[g].slot] = ns_inode_of(sh, subj, guarded[g].slot);
    if (subject_call(sh, &rq, &rep, &e) < 0)
        return step_fail_err(sh, &e);
    for (size_t g = 0; g < ARRAY_SIZE(guarded) && sh->subj.pid == subj; g++)
        if (before[guarded[g].slot])
            made_ns_note(sh, guarded[g].slot, subj, before[guarded[g].slot], 0);
    int rc = 0;
    if (rep.ret < 0) {
        struct unshare_rep out;
        subj_rep_get(&rep, &out, sizeof out);
        bool unshare_failed = out.failed == UNSHARE_FAILED_CALL;
        const char *nomap = unshare_failed && rep.err == EPERM && (flags & CLONE_NEWUSER)
                                ? user_map_missing(sh, sh->subj.pid)
                                : NULL;
        if (nomap)
            rc = step_fail_errno(sh, rep.err,
                                 "unshare user failed: the kernel lets a process "
                                 "create a user namespace only while its uid and "
                                 "gid are both mapped in its own, and the subject's "
                                 "%s is not written yet (%s)",
                                 nomap, user_map_fix(nomap));
        else if (unshare_failed && rep.err == EPERM)
            rc = step_fail_errno(sh, rep.err, "unshare failed; %s", privilege_hint(sh));
        else if (unshare_failed && rep.err == EINVAL && (flags & CLONE_NEWUSER))
            rc = step_fail_errno(sh, rep.err, "unshare user failed (a multithreaded process, or "
                                              "a chroot, cannot create a user namespace)");
        else if (unshare_failed && rep.err == EINVAL && (flags & CLONE_NEWPID))
            rc = step_fail_errno(sh, rep.err, "unshare pid failed: pid_for_children already "
                                              "differs from the subject's own PID namespace (one "
                                              "pending PID namespace at a time); `reset` first");
        else if (unshare_failed && rep.err == ENOSPC)
            rc = step_fail_errno(sh, rep.err, "unshare failed: the limit in "
                                              "/proc/sys/user/max_*_namespaces is reached");
        else if (unshare_failed)
            rc = step_fail_errno(sh, rep.err, "unshare failed");
        else
            rc = step_fail_errno(sh, rep.err, "unshare succeeded but the step after it (%s) "
                                              "failed", unshare_stage_call(out.failed));
    } else {
        explain_unshare(sh, flags, (flags & CLONE_NEWNS) ? prop : 0, map);
    }
    return rc;
}

/* Why entering which (a /proc/TARGET/ns/TYPE path; user: a user
 * namespace) failed. */
static int setns_refused(struct nsl *sh, int err, const char *which, bool user)
{
    if (err == EINVAL && user)
        return step_fail_errno(sh, err, "setns %s failed: a process cannot enter its own or "
                                        "an ancestor user namespace (`reset` starts a fresh "
                                        "subject in the host's)", which);
    if (err == EPERM && user)
        /* What `setns user host` gives after `unshare user`: the way
         * back is a fresh subject, not a capability. */
        return step_fail_errno(sh, err, "setns %s failed: entering a user namespace needs "
                                        "CAP_SYS_ADMIN in it, and no process can re-enter an "
                                        "ancestor user namespace (`reset` starts a fresh "
                                        "subject in the host's)", which);
    if (err == EPERM)
        return step_fail_errno(sh, err, "setns %s failed: entering needs CAP_SYS_ADMIN in the "
                                        "user namespace that owns the target namespace (and "
                                        "CAP_SYS_CHROOT for mnt)", which);
    return step_fail_errno(sh, err, "setns %s failed", which);
}

/* What entering the n namespaces (of the types in slots) of target did. */
static void setns_report(struct nsl *sh, const enum ns_slot *slots, int n, const char *target)
{
    for (int k = 0; k < n; k++) {
        if (slots[k] == NS_PID)
            out_printf(sh, _("pid: the subject keeps its own PID namespace; only "
                           "pid_for_children changed (the next spawned process is born in "
                           "%s's PID namespace).\n"), target);
        else if (slots[k] == NS_TIME)
            /* Unlike unshare(CLONE_NEWTIME), setns moves the caller
             * too: the kernel switches both time and time_for_children. */
            out_printf(sh, _("time: the subject and its future children are now in %s's time "
                           "namespace (unlike unshare time, setns moves the caller itself).\n"),
                       target);
    }
    out_printf(sh, _("entered %d namespace%s of %s\n"), n, n == 1 ? "" : "s", target);
}

/* The request of setns: a descriptor of each of pid's namespace links of
 * the types in want (with `all`, but those the subject shares already),
 * its type and its path as the trace shows it. */
struct setns_build {
    struct setns_req rs;
    enum ns_slot slots[SUBJ_MAXFD];
    char paths[SUBJ_MAXFD][96];
};

/* How many; -1 with the step failed and nothing left open. */
static int setns_build(struct nsl *sh, pid_t pid, int want, bool all, struct setns_build *b)
{
    /* Only `all` compares the two sides (to skip what is shared); for named
     * types, opening the target's links below is the check. */
    struct ns_obs tgt[NS_NSLOTS], mine[NS_NSLOTS];
    if (all && observe_ns_of(sh, pid, tgt) < 0)
        return step_fail_errno(sh, errno, "cannot read /proc/%d/ns", (int)pid);
    if (all && observe_ns_of(sh, sh->subj.pid, mine) < 0)
        return step_fail_errno(sh, errno, "cannot read the subject's /proc/%d/ns", (int)sh->subj.pid);
    memset(b, 0, sizeof *b);
    char pb[32];
    int n = 0;
    for (int k = 0; k < 8; k++) {
        enum ns_slot s = ns_setns_order[k];
        if (!(want & ns_info[s].flag))
            continue;
        /* As nsenter -a does: skip what the subject already shares (entering
         * its own user namespace would fail with EINVAL). For pid and time,
         * compare what the next child would get. */
        enum ns_slot cmp = s == NS_PID ? NS_PID4C : s == NS_TIME ? NS_TIME4C : s;
        if (all && tgt[s].ino && tgt[s].ino == mine[cmp].ino)
            continue;
        char rel[64];
        snprintf(rel, sizeof rel, "%d/ns/%s", (int)pid, ns_info[s].file);
        int fd = openat(sh->procfd, rel, O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            int err = errno;
            for (int j = 0; j < n; j++)
                close(b->rs.fd[j]);
            return step_fail_errno(sh, err, "cannot open /proc/%s/ns/%s",
                                   fmt_pid(sh, pid, pb, sizeof pb), ns_info[s].file);
        }
        snprintf(b->paths[n], sizeof b->paths[n], "/proc/%s/ns/%s",
                 fmt_pid(sh, pid, pb, sizeof pb), ns_info[s].file);
        b->rs.shown[n] = b->paths[n];
        b->rs.fd[n] = fd;
        b->rs.nstype[n] = ns_info[s].flag;
        b->slots[n] = s;
        n++;
    }
    b->rs.n = n;
    return n;
}

/* setns TYPE PATH: the namespace file at PATH in the subject's mount
 * namespace (a pin), checked to be of TYPE. 1, or -1 with the step failed. */
static int setns_build_file(struct nsl *sh, const char *type, const char *path,
                            struct setns_build *b)
{
    enum ns_slot s;
    struct nsl_err e;
    if (ns_type_parse(type, &s, &e) < 0)
        return step_fail_err(sh, &e);
    int got = 0;
    int fd = ns_open_file(sh->procfd, sh->subj.pid, path, &got);
    if (fd < 0 && (errno == ENOTTY || errno == EINVAL))
        return step_fail_errno(sh, errno, "%s is not a namespace file (ioctl NS_GET_NSTYPE "
                                          "refuses it): `pin %s %s` makes one", path, type, path);
    if (fd < 0)
        return step_fail_errno(sh, errno, "cannot open %s", path);
    if (got != ns_info[s].flag) {
        const char *is = "another type of";
        for (int k = 0; k < NS_NSLOTS; k++)
            if (ns_is_type(k) && ns_info[k].flag == got)
                is = ns_info[k].name;
        close(fd);
        return step_fail(sh, EINVAL, "%s is a %s namespace, not %s", path, is, ns_info[s].name);
    }
    memset(b, 0, sizeof *b);
    snprintf(b->paths[0], sizeof b->paths[0], "%s", path);
    b->rs = (struct setns_req){.n = 1, .fd = {fd}, .nstype = {got}, .shown = {b->paths[0]}};
    b->slots[0] = s;
    return 1;
}

int cmd_setns(struct nsl *sh, int argc, char **argv)
{
    if (argc != 3)
        return step_usage(sh, "usage: setns TYPE|all TARGET, or setns TYPE PATH");
    struct nsl_err e;
    struct target t;
    bool all = strcmp(argv[1], "all") == 0;
    bool by_file = strchr(argv[2], '/') != NULL;
    int want = 0;
    if (!by_file && ns_flags_parse(argv[1], &want, &e) < 0)
        return step_fail_err(sh, &e);
    if (!all && (want & CLONE_NEWTIME) &&
        kernel_need(&sh->paths, 5, 6, N_("a time namespace"), &e) < 0)
        return step_fail_err(sh, &e);
    if (!by_file && target_resolve(sh, argv[2], 0, &t, &e) < 0)
        return step_fail_err(sh, &e);

    struct setns_build b;
    int n = by_file ? setns_build_file(sh, argv[1], argv[2], &b)
                    : setns_build(sh, t.pid, want, all, &b);
    if (n < 0)
        return -1;
    if (n == 0) {
        out_printf(sh, _("the subject already shares every namespace of %s: nothing to enter\n"),
                   argv[2]);
        return 0;
    }
    struct setns_req *rs = &b.rs;
    cleanup_subj_req struct subj_req rq = {0};
    setns_req_pack(&rq, rs);
    int entered = 0;
    for (int k = 0; k < n; k++)
        entered |= rs->nstype[k];
    rq.ns_changes = ns_slots_of_flags(entered);
    cleanup_subj_rep struct subj_rep rep = {0};
    int rc = subject_call(sh, &rq, &rep, &e);
    for (int j = 0; j < n; j++)
        close(rs->fd[j]);
    if (rc < 0)
        return step_fail_err(sh, &e);
    if (rep.ret < 0) {
        struct setns_rep out;
        subj_rep_get(&rep, &out, sizeof out);
        const char *which = out.failed >= 0 && out.failed < n ? b.paths[out.failed] : "?";
        rc = setns_refused(sh, rep.err, which, out.failed >= 0 && out.nstype == CLONE_NEWUSER);
    } else {
        setns_report(sh, b.slots, n, argv[2]);
    }
    return rc;
}

/* After `unshare pid`, until a first process is born there, the subject's
 * pid_for_children cannot be read (ENOENT). */
static bool enter_pidns_pending(const struct nsl *sh)
{
    const struct ns_obs *o = &sh->prev.ns[NS_PID4C];
    return sh->prev.valid && !o->ino && o->err == ENOENT;
}

/* What `enter` did, once it did. */
static void enter_report(struct nsl *sh, const struct setns_build *b, int n,
                         const struct enter_rep *out, pid_t old, const char *target)
{
    char pb[32], ob[32];
    for (int k = 0; k < n; k++)
        print_string(sh, PRINT_JSON, NULL, NULL, ns_info[b->slots[k]].name);
    if (n)
        out_printf(sh, _("joined %d namespace%s of %s, then forked: the subject is now pid %s, "
                         "pid %d inside its PID namespace (level %d)\n"),
                   n, n == 1 ? "" : "s", target, fmt_pid(sh, out->pid, pb, sizeof pb),
                   (int)out->ns_pid, out->level);
    else
        out_printf(sh, _("the subject's children are born in %s's namespaces already: forked "
                         "only, the subject is now pid %s, pid %d inside its PID namespace "
                         "(level %d)\n"),
                   target, fmt_pid(sh, out->pid, pb, sizeof pb), (int)out->ns_pid, out->level);
    out_printf(sh, _("the subject before it, pid %s, stays as its parent, serves no more "
                     "requests, and still reaps the jobs it started; `reset` ends them all\n"),
               fmt_pid(sh, old, ob, sizeof ob));
}

int cmd_enter(struct nsl *sh, int argc, char **argv)
{
    if (argc < 2 || argc > 3)
        return step_usage(sh, "usage: enter TARGET [TYPE,...]");
    struct nsl_err e;
    int want = 0;
    bool all = argc == 2 || strcmp(argv[2], "all") == 0;
    if (ns_flags_parse(argc == 3 ? argv[2] : "all", &want, &e) < 0)
        return step_fail_err(sh, &e);
    if (!all && (want & CLONE_NEWTIME) &&
        kernel_need(&sh->paths, 5, 6, N_("a time namespace"), &e) < 0)
        return step_fail_err(sh, &e);
    struct target t;
    if (target_resolve(sh, argv[1], 0, &t, &e) < 0)
        return step_fail_err(sh, &e);
    if (enter_pidns_pending(sh))
        return step_fail(sh, EINVAL, "the subject's children are to be born in the PID "
                                     "namespace `unshare pid` made, which has no process yet: "
                                     "`spawn init` first (the new subject would be its PID 1)");
    struct setns_build b;
    int n = setns_build(sh, t.pid, want, all, &b);
    if (n < 0)
        return -1;
    struct enter_req er = {.n = n};
    for (int k = 0; k < n; k++) {
        er.fd[k] = b.rs.fd[k];
        er.nstype[k] = b.rs.nstype[k];
        er.shown[k] = b.rs.shown[k];
    }
    cleanup_subj_req struct subj_req rq = {0};
    enter_req_pack(&rq, &er);
    cleanup_subj_rep struct subj_rep rep = {0};
    pid_t old = sh->subj.pid;
    int rc = subject_call(sh, &rq, &rep, &e);
    for (int j = 0; j < n; j++)
        close(b.rs.fd[j]);
    if (rc < 0)
        return step_fail_err(sh, &e);
    struct enter_rep out;
    subj_rep_get(&rep, &out, sizeof out);
    if (rep.ret < 0) {
        if (out.failed >= 0 && out.failed < n)
            return setns_refused(sh, rep.err, b.paths[out.failed], out.nstype == CLONE_NEWUSER);
        return step_fail_errno(sh, rep.err, "cannot fork the new subject");
    }
    subject_entered(sh, out.pid, out.level);
    print_pid(sh, PRINT_JSON, "subject", NULL, out.pid);
    print_pid(sh, PRINT_JSON, "parent", NULL, old);
    print_int(sh, PRINT_JSON, "ns_pid", NULL, out.ns_pid);
    print_int(sh, PRINT_JSON, "level", NULL, out.level);
    open_json_array(sh, "entered");
    enter_report(sh, &b, n, &out, old, argv[1]);
    close_json_array(sh);
    return 0;
}
