#define _GNU_SOURCE
/* container run, container ls: the container of container-from-scratch.lab
 * in one command. Every step is the handler of the command a learner types
 * for it by hand (image, cgcreate, hostname, mount, pivot_root, caps, nnp,
 * seccomp, veth, ...), asked of a subject of the container's own: a child
 * of the session's subject, cloned into the new namespaces (clone3 with
 * CLONE_NEW*, as `spawn --ns` and runtimes do), which serves those
 * requests and, last, replaces itself with PROGRAM (execve), as runc's and
 * crun's init do. So the trace shows the very calls of the manual path,
 * and the container's program is PID 1 of its PID namespace. */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd/cmd_mount.h"
#include "cmd/handlers.h"
#include "i18n.h"
#include "kernel/sys_file.h"
#include "render/render.h"
#include "session/cgroups.h"
#include "session/confine.h"
#include "session/container.h"
#include "session/jobs.h"
#include "session/made_ns.h"
#include "session/report.h"
#include "session/target.h"
#include "observe/observe.h"
#include "kernel/ns.h"
#include "subject/ops.h"

typedef int (*handler_fn)(struct nsl *sh, int argc, char **argv);

/* sub(sh, handler, "word", ...): the words as a NULL-ended array. */
#define sub(sh, h, ...) sub_words(sh, h, (const char *const[]){__VA_ARGS__, NULL})

/* One step of the manual path: the command line shown (in the output and
 * as a note in the trace, before its calls), its handler run on the words.
 * -J: an object of "steps" each. */
static int sub_words(struct nsl *sh, handler_fn h, const char *const *words)
{
    char *w[32];
    int n = 0;
    for (; n < 31 && words[n]; n++)
        w[n] = (char *)words[n];
    w[n] = NULL;
    struct strbuf line = {0};
    for (int k = 0; k < n; k++)
        sb_printf(&line, "%s%s", k ? " " : "", w[k]);
    out_printf(sh, "%s» %s%s\n", col(sh, C_BOLD), sb_str(&line), col(sh, C_RESET));
    trace_note(&sh->step.trace, "container run: %s", sb_str(&line));
    open_json_object(sh, NULL);
    print_string(sh, PRINT_JSON, "command", NULL, sb_str(&line));
    /* ! runs the program named by the word after it. */
    int rc = h(sh, h == cmd_run ? n - 1 : n, h == cmd_run ? w + 1 : w);
    close_json_object(sh);
    sb_free(&line);
    return rc;
}

/* The words of one container's build, made as it goes. */
struct build {
    struct container *c;
    const struct container_opts *o;
    char dir[PATH_MAX], upper[PATH_MAX + 8], work[PATH_MAX + 8];
    char ovl[3 * PATH_MAX + 64];
    char cglist[160];
    char target[16]; /* %N of its job */
    struct subject saved;
    struct confine_session *saved_confine;
    bool switched;
    ino_t made[4]; /* its mnt, uts, net and cgroup namespaces, the session's while it is built */
};
static const enum ns_slot made_slot[4] = {NS_MNT, NS_UTS, NS_NET, NS_CGROUP};

static int make_dirs(struct nsl *sh, struct build *b, const char *scratch)
{
    struct container *c = b->c;
    snprintf(b->dir, sizeof b->dir, "%.3800s/%s", scratch, c->name);
    snprintf(c->root, sizeof c->root, "%.4000s/root", b->dir);
    snprintf(b->upper, sizeof b->upper, "%s/upper", b->dir);
    snprintf(b->work, sizeof b->work, "%s/work", b->dir);
    const char *dirs[] = {b->dir, c->root, b->upper, b->work};
    for (size_t k = 0; k < ARRAY_SIZE(dirs); k++)
        if (sys_mkdir(&sh->step.trace, dirs[k], 0755) < 0 && errno != EEXIST)
            return step_fail_errno(sh, errno, "cannot make %s", dirs[k]);
    return 0;
}

/* Step 2: the image, the overlay's lower layer. busybox: the one `image
 * busybox` laid out in the scratch, made now unless it is there. */
static int build_image(struct nsl *sh, struct build *b, const char *scratch)
{
    struct container *c = b->c;
    if (strcmp(b->o->rootfs, "busybox") == 0) {
        snprintf(c->image, sizeof c->image, "%s/rootfs", scratch);
        char probe[PATH_MAX + 16];
        snprintf(probe, sizeof probe, "%s/bin/busybox", c->image);
        struct stat st;
        if (stat(probe, &st) == 0)
            return sub(sh, cmd_image, "image", c->image);
        return sub(sh, cmd_image, "image", "busybox", c->image);
    }
    cleanup_free char *real = realpath(b->o->rootfs, NULL);
    snprintf(c->image, sizeof c->image, "%s", real ? real : b->o->rootfs);
    return sub(sh, cmd_image, "image", c->image);
}

/* The name of the cgroup for controller word w: on cgroup v2 one cgroup
 * holds them all (the container's name), on v1 each hierarchy has its own
 * (cN-mem, ...). */
static int cgroup_name(struct nsl *sh, const struct build *b, const char *w, char *name,
                       size_t size)
{
    struct nsl_err e;
    enum cg_ctrl ctrl;
    if (cgroups_need(sh, &e) < 0 || cg_ctrl_parse(w, &ctrl, &e) < 0)
        return step_fail_err(sh, &e);
    const struct cg_layout *L = &sh->cg->layout;
    int h = L->ctrl_hier[ctrl];
    if (h >= 0 && L->hier[h].version == 2)
        snprintf(name, size, "%s", b->c->name);
    else
        snprintf(name, size, "%s-%s", b->c->name, w);
    return 0;
}

/* Step 1: its cgroups, before its first process, so everything it does is
 * counted: cgcreate for each controller asked, in cgcreate's own words. */
static int build_cgroups(struct nsl *sh, struct build *b)
{
    const char *ctl[] = {"mem", "pids", "cpu"};
    const char *lim[] = {b->o->mem, b->o->pids, b->o->cpu};
    for (size_t k = 0; k < ARRAY_SIZE(ctl); k++) {
        if (!lim[k])
            continue;
        char name[48];
        if (cgroup_name(sh, b, ctl[k], name, sizeof name) < 0 ||
            sub(sh, cmd_cgcreate, "cgcreate", ctl[k], lim[k], "--name", name) < 0)
            return -1;
        size_t len = strlen(b->cglist);
        char probe[64];
        snprintf(probe, sizeof probe, ",%s,", name);
        cleanup_free char *have = xasprintf(",%s,", b->cglist);
        if (!strstr(have, probe))
            snprintf(b->cglist + len, sizeof b->cglist - len, "%s%s", len ? "," : "", name);
    }
    snprintf(b->c->cgroups, sizeof b->c->cgroups, "%s", b->cglist);
    return 0;
}

/* Step 3: the container's first process, born in its namespaces (and
 * cgroups), which serves nslab's requests from now on. */
static int build_clone(struct nsl *sh, struct build *b)
{
    struct nsl_err e;
    struct cg_spawn_places cgp;
    if (cg_spawn_places(sh, b->cglist[0] ? b->cglist : NULL, &cgp, &e) < 0)
        return step_fail_err(sh, &e);
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
        return step_fail_errno(sh, errno, "cannot make the container's request socket");
    char *argv0[] = {b->c->name, NULL};
    struct spawn_req sr = {.flags = b->o->ns_flags, .io = SPAWN_SUBJECT, .map_root = true,
                           .argc = 1, .argv = argv0, .ncg = cgp.n, .ctl_fd = sv[1]};
    for (int c = 0; c < cgp.n && c < SPAWN_CG_MAX; c++)
        sr.cg[c] = (struct spawn_cgroup){.version = cgp.version[c], .dir = cgp.dir[c]};
    out_printf(sh, _("%s» clone3 with the container's namespaces: its first process%s\n"),
               col(sh, C_BOLD), col(sh, C_RESET));
    cleanup_subj_req struct subj_req rq = {0};
    spawn_req_pack(&rq, &sr);
    cleanup_subj_rep struct subj_rep rep = {0};
    int rc = subject_call(sh, &rq, &rep, &e);
    close(sv[1]);
    if (rc < 0) {
        close(sv[0]);
        return step_fail_err(sh, &e);
    }
    struct spawn_rep out;
    subj_rep_get(&rep, &out, sizeof out);
    if (rep.ret < 0) {
        close(sv[0]);
        if (out.failed == SPAWN_FAILED_CGROUP && out.cgroup >= 0 && out.cgroup < cgp.n)
            return cg_spawn_fail(sh, &cgp, out.cgroup, rep.err, sb_str(&rep.data), b->c->name);
        return step_fail_errno(sh, rep.err, "container run: its first process could not be "
                                            "started");
    }
    pid_t pid = out.host_pid ? out.host_pid : (pid_t)rep.ret;
    char cmd[64];
    snprintf(cmd, sizeof cmd, "(container %s, being set up)", b->c->name);
    struct job *j = job_add(sh, pid, cmd);
    j->ns_pid = pid_inside(sh, pid);
    b->c->job = j->id;
    b->c->pid = pid;
    /* The mnt, uts, net and cgroup namespaces it was born in are the session's. */
    int fl = b->o->ns_flags;
    b->made[0] = fl & CLONE_NEWNS ? out.mnt_ns : 0;
    b->made[1] = fl & CLONE_NEWUTS ? out.uts_ns : 0;
    b->made[2] = fl & CLONE_NEWNET ? out.net_ns : 0;
    b->made[3] = fl & CLONE_NEWCGROUP ? out.cgroup_ns : 0;
    for (size_t k = 0; k < ARRAY_SIZE(b->made); k++)
        if (b->made[k])
            made_ns_note(sh, made_slot[k], pid, 0, b->made[k]);
    snprintf(b->target, sizeof b->target, "%%%d", j->id);
    int level = sh->subj.level + 1;
    subject_switch(sh, pid, sv[0], level, &b->saved);
    b->saved_confine = sh->confine;
    sh->confine = NULL;
    b->switched = true;
    return 0;
}

/* Built (or given up): its namespaces are no longer the session's to
 * change (the guards count them as any other's), and nslab holds them no
 * more: they end with the container's processes, mounts and all. */
static void switch_back(struct nsl *sh, struct build *b)
{
    for (size_t k = 0; k < ARRAY_SIZE(b->made); k++)
        if (b->made[k])
            made_ns_forget(sh, made_slot[k], b->made[k]);
    if (!b->switched)
        return;
    confine_free(sh);
    sh->confine = b->saved_confine;
    subject_switch_back(sh, &b->saved);
    b->switched = false;
}

/* The filesystems of its own, mounted by its PID 1 (so /proc shows its
 * PID namespace) before pivot_root: in a user namespace the kernel mounts
 * a new proc or sysfs only where one is fully visible already (the
 * host's, until the old root goes), as runc and bubblewrap do it. */
static int build_inside(struct nsl *sh, struct build *b)
{
    char proc[PATH_MAX + 8], sys[PATH_MAX + 8];
    snprintf(proc, sizeof proc, "%s/proc", b->c->root);
    snprintf(sys, sizeof sys, "%s/sys", b->c->root);
    if (sub(sh, cmd_run, "!", "mkdir", "-p", proc, sys) < 0 ||
        sub(sh, cmd_mount, "mount", "proc", "proc", proc, "-o", "nosuid,nodev,noexec") < 0)
        return -1;
    /* sysfs shows the network devices of the mounter's network namespace. */
    if (!(b->o->ns_flags & CLONE_NEWNET))
        return 0;
    return sub(sh, cmd_mount, "mount", "sysfs", "sysfs", sys, "-o", "ro,nosuid,nodev,noexec");
}

/* Step 4: the root: the image under a writable layer (overlayfs), /dev
 * inside it, then pivot_root to it (NEW and PUT_OLD the same directory:
 * the old root stacks on it and is unmounted lazily). */
static int build_root(struct nsl *sh, struct build *b)
{
    struct container *c = b->c;
    snprintf(b->ovl, sizeof b->ovl, "lowerdir=%s,upperdir=%s,workdir=%s", c->image, b->upper,
             b->work);
    if (sub(sh, cmd_mount, "mount", "overlay", "overlay", c->root, "-o", b->ovl) < 0)
        return -1;
    char dev[PATH_MAX + 8], pts[PATH_MAX + 16], node[PATH_MAX + 24];
    snprintf(dev, sizeof dev, "%s/dev", c->root);
    snprintf(pts, sizeof pts, "%s/pts", dev);
    if (sub(sh, cmd_run, "!", "mkdir", "-p", dev) < 0 ||
        sub(sh, cmd_mount, "mount", "tmpfs", "dev", dev, "-o", "nosuid,mode=755") < 0)
        return -1;
    static const struct {
        const char *name, *major, *minor;
    } nodes[] = {{"null", "1", "3"}, {"zero", "1", "5"}, {"random", "1", "8"},
                 {"urandom", "1", "9"}, {"tty", "5", "0"}};
    for (size_t k = 0; k < ARRAY_SIZE(nodes); k++) {
        snprintf(node, sizeof node, "%s/%s", dev, nodes[k].name);
        int rc;
        if (!c->rootless) {
            rc = sub(sh, cmd_run, "!", "mknod", "-m", "666", node, "c", nodes[k].major,
                     nodes[k].minor);
        } else {
            /* No device can be made in a user namespace: the host's are
             * bound onto empty files, as bubblewrap's --dev does. */
            char host[32];
            snprintf(host, sizeof host, "/dev/%s", nodes[k].name);
            rc = sub(sh, cmd_run, "!", "touch", node);
            if (rc == 0)
                rc = sub(sh, cmd_bind, "bind", host, node);
        }
        if (rc < 0)
            return -1;
    }
    snprintf(node, sizeof node, "%s/ptmx", dev);
    if (sub(sh, cmd_run, "!", "mkdir", pts) < 0 ||
        sub(sh, cmd_mount, "mount", "devpts", "devpts", pts, "-o",
            "newinstance,ptmxmode=0666,mode=620") < 0 ||
        sub(sh, cmd_run, "!", "ln", "-s", "pts/ptmx", node) < 0)
        return -1;
    if (build_inside(sh, b) < 0)
        return -1;
    return sub(sh, cmd_pivot_root, "pivot_root", c->root, c->root);
}

/* Step 6: a cable to the bridge: a veth made in the session's subject
 * (where the bridge is), its other end moved into the container as eth0. */
static int build_net(struct nsl *sh, struct build *b)
{
    const struct container_opts *o = b->o;
    if (!o->bridge)
        return 0;
    char host_end[20];
    snprintf(host_end, sizeof host_end, "v%.14s", b->c->name);
    struct subject mine;
    /* Back to the session's subject for the host end, then here again. */
    subject_switch(sh, b->saved.pid, b->saved.ctl, b->saved.level, &mine);
    int rc = sub(sh, cmd_veth, "veth", host_end, "eth0", "--peer-ns", b->target);
    if (rc == 0)
        rc = sub(sh, cmd_link, "link", "master", host_end, o->bridge);
    if (rc == 0)
        rc = sub(sh, cmd_link, "link", "up", host_end);
    sh->subj.ctl = -1; /* the session's: not closed here */
    subject_switch_back(sh, &mine);
    if (rc < 0)
        return -1;
    if (sub(sh, cmd_addr, "addr", "add", o->addr, "dev", "eth0") < 0 ||
        sub(sh, cmd_link, "link", "up", "lo") < 0 ||
        sub(sh, cmd_link, "link", "up", "eth0") < 0)
        return -1;
    snprintf(b->c->addr, sizeof b->c->addr, "%s", o->addr);
    snprintf(b->c->bridge, sizeof b->c->bridge, "%s", o->bridge);
    return 0;
}

/* Step 7: fewer privileges, last, since the mounts above needed them. */
static int build_confine(struct nsl *sh, struct build *b)
{
    const struct container_opts *o = b->o;
    if (sub(sh, cmd_caps, "caps", "keep", o->caps ? o->caps : CONTAINER_DEFAULT_CAPS) < 0 ||
        sub(sh, cmd_nnp, "nnp") < 0)
        return -1;
    return o->seccomp ? sub(sh, cmd_seccomp, "seccomp", "default") : 0;
}

/* Step 8: the container's subject becomes PROGRAM. */
static int build_exec(struct nsl *sh, struct build *b)
{
    const struct container_opts *o = b->o;
    struct strbuf line = {0};
    for (int k = 0; k < o->argc; k++)
        sb_printf(&line, "%s%s", k ? " " : "", o->argv[k]);
    out_printf(sh, _("%s» execve: %s becomes %s%s\n"), col(sh, C_BOLD), b->target, sb_str(&line),
               col(sh, C_RESET));
    struct nsl_err e;
    cleanup_subj_req struct subj_req rq = {0};
    exec_req_pack(&rq, &(struct exec_req){.argc = o->argc, .argv = o->argv});
    cleanup_subj_rep struct subj_rep rep = {0};
    if (subject_call(sh, &rq, &rep, &e) < 0) {
        sb_free(&line);
        return step_fail_err(sh, &e);
    }
    if (rep.ret < 0) {
        sb_free(&line);
        return step_fail_errno(sh, rep.err, "container run: %s could not be run in the container",
                               o->argv[0]);
    }
    /* No answer came: the socket closed with the execve (close on exec). */
    trace_add(&sh->step.trace, "execvp", 0, 0, 0,
              "\"%s\" (the container's request socket closed with it)", o->argv[0]);
    struct job *j = job_find(sh, b->c->job);
    if (j) {
        free(j->cmd);
        j->cmd = sb_steal(&line);
    }
    sb_free(&line);
    return 0;
}

static int container_run(struct nsl *sh, int argc, char **argv)
{
    struct container_opts o;
    struct nsl_err e;
    if (container_opts_parse(argc, argv, &o, &e) < 0)
        return step_fail_err(sh, &e);
    if (o.rootless && geteuid() == 0)
        out_printf(sh, _("--rootless as root: the container's root is root only inside its "
                         "user namespace, as it would be for an ordinary user\n"));
    struct stat st;
    if (strcmp(o.rootfs, "busybox") != 0 && (stat(o.rootfs, &st) < 0 || !S_ISDIR(st.st_mode)))
        return step_fail(sh, stat(o.rootfs, &st) < 0 ? errno : ENOTDIR,
                         "container run: --rootfs %s is not a directory", o.rootfs);
    const char *scratch = scratch_ensure(sh, &sh->step.trace, &e);
    if (!scratch)
        return step_fail_err(sh, &e);
    struct container *c = container_add(sh);
    c->rootless = o.rootless;
    struct build b = {.c = c, .o = &o};
    open_json_object(sh, NULL); /* the result: an object, "steps" in it */
    open_json_array(sh, "steps");
    /* The cgroups first: where they cannot be made (no delegated
     * subtree), nothing else is. */
    int rc = build_cgroups(sh, &b);
    if (rc == 0)
        rc = make_dirs(sh, &b, scratch);
    if (rc == 0)
        rc = build_image(sh, &b, scratch);
    if (rc == 0)
        rc = build_clone(sh, &b);
    if (rc == 0 && o.ns_flags & CLONE_NEWUTS)
        rc = sub(sh, cmd_hostname, "hostname", o.hostname ? o.hostname : c->name);
    if (rc == 0)
        rc = build_root(sh, &b);
    if (rc == 0)
        rc = build_net(sh, &b);
    if (rc == 0)
        rc = build_confine(sh, &b);
    if (rc == 0)
        rc = build_exec(sh, &b);
    close_json_array(sh);
    close_json_object(sh);
    switch_back(sh, &b);
    if (rc < 0) {
        /* Half made: its process goes, and with it its namespaces and
         * mounts (the scratch directory and cgroups go at exit). */
        if (c->pid > 0) {
            kill(c->pid, SIGKILL);
            trace_add(&sh->step.trace, "kill", 0, 0, 0, "%d, SIGKILL", (int)c->pid);
        }
        c->job = 0;
        return -1;
    }
    print_string(sh, PRINT_ANY, "container", _("container %s: "), c->name);
    print_int(sh, PRINT_ANY, "job", "[%%%lld] ", c->job);
    print_pid(sh, PRINT_ANY, "pid", _("pid %s"), c->pid);
    print_int(sh, PRINT_JSON, "ns_pid", NULL, pid_inside(sh, c->pid));
    out_printf(sh, _(" (PID 1 of its PID namespace), root %s over %s\n"), c->root, c->image);
    print_string(sh, PRINT_JSON, "root", NULL, c->root);
    print_string(sh, PRINT_JSON, "image", NULL, c->image);
    if (c->addr[0])
        print_string(sh, PRINT_ANY, "address", _("address %s on eth0, "), c->addr);
    if (c->bridge[0])
        print_string(sh, PRINT_ANY, "bridge", _("a port of %s\n"), c->bridge);
    if (c->cgroups[0])
        print_string(sh, PRINT_ANY, "cgroups", _("cgroups %s\n"), c->cgroups);
    return 0;
}

/* container ls: each container, its state, namespaces, cgroups, root. */
static int container_ls(struct nsl *sh)
{
    open_json_object(sh, NULL);
    open_json_array(sh, "containers");
    if (!container_count(sh))
        out_printf(sh, _("no container yet: `container run -- sleep 600` makes one\n"));
    for (size_t k = 0; k < container_count(sh); k++) {
        struct container *c = container_at(sh, k);
        struct job *j = c->job ? job_find(sh, c->job) : NULL;
        if (!j)
            continue;
        char st[64], sw[64], b1[32];
        open_json_object(sh, NULL);
        print_string(sh, PRINT_ANY, "name", "%s", c->name);
        print_int(sh, PRINT_ANY, "job", "  %%%lld", j->id);
        print_pid(sh, PRINT_ANY, "pid", _("  pid %s"), j->pid);
        print_string(sh, PRINT_FP, NULL, "  %s", job_state_text(j, st, sizeof st));
        print_string(sh, PRINT_JSON, "state", NULL, job_state_word(j, sw, sizeof sw));
        print_string(sh, PRINT_ANY, "command", "  %s\n", j->cmd);
        struct ns_obs ns[NS_NSLOTS];
        if (j->state == JOB_RUNNING && observe_ns_of(sh, j->pid, ns) == 0) {
            out_printf(sh, "    ");
            open_json_object(sh, "namespaces");
            for (int s = 0; s < NS_NSLOTS; s++) {
                if (!ns_is_type(s) || !ns[s].ino)
                    continue;
                bool own = ns[s].ino != sh->host_ns[s].ino;
                print_ino(sh, PRINT_JSON, ns_info[s].name, NULL, s, ns[s].ino);
                if (own)
                    out_printf(sh, "%s:%s ", ns_info[s].name, fmt_ino(sh, s, ns[s].ino, b1,
                                                                       sizeof b1));
            }
            close_json_object(sh);
            out_printf(sh, _("(the others are the host's)\n"));
        }
        print_string(sh, PRINT_ANY, "root", _("    root %s"), c->root);
        print_string(sh, PRINT_ANY, "image", _(" over %s\n"), c->image);
        if (c->cgroups[0])
            print_string(sh, PRINT_ANY, "cgroups", _("    cgroups %s\n"), c->cgroups);
        if (c->addr[0])
            print_string(sh, PRINT_ANY, "address", _("    address %s"), c->addr);
        if (c->bridge[0])
            print_string(sh, PRINT_ANY, "bridge", _(" on bridge %s\n"), c->bridge);
        print_bool(sh, PRINT_JSON, "rootless", NULL, c->rootless);
        close_json_object(sh);
    }
    close_json_array(sh);
    close_json_object(sh);
    return 0;
}

int cmd_container(struct nsl *sh, int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "run") == 0)
        return container_run(sh, argc - 1, argv + 1);
    if (argc == 2 && strcmp(argv[1], "ls") == 0)
        return container_ls(sh);
    return step_usage(sh, "usage: container run [OPTIONS] -- PROGRAM [ARGS...] | container ls");
}
