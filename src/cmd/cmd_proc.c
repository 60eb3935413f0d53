#define _GNU_SOURCE
/* Processes: spawn, !PROGRAM, jobs, wait, kill, reset. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kernel/nsparent.h"
#include "kernel/ps.h"
#include "kernel/release.h"
#include "subject/nshelper.h"
#include "session/cgroups.h"
#include "cmd/handlers.h"
#include "observe/observe.h"
#include "render/render.h"
#include "subject/ops.h"
#include "session/jobs.h"
#include "session/target.h"
#include "i18n.h"
#include "session/made_ns.h"

/* After `unshare pid`, until a first process is born there, the subject's
 * pid_for_children cannot be read (ENOENT): the next child is its PID 1. */
static bool pidns_pending(const struct nsl *sh)
{
    const struct ns_obs *o = &sh->prev.ns[NS_PID4C];
    return sh->prev.valid && !o->ino && o->err == ENOENT;
}

static char *join_argv(int argc, char **argv)
{
    struct strbuf sb = {0};
    for (int k = 0; k < argc; k++)
        sb_printf(&sb, "%s%s", k ? " " : "", argv[k]);
    return sb_steal(&sb);
}

static int spawn_fail(struct nsl *sh, int err, const char *prog, int flags)
{
    /* Not `unshare pid` again: while pid_for_children is that dead
     * namespace, unshare(CLONE_NEWPID) fails with EINVAL. */
    if (err == ENOMEM && !(flags & CLONE_NEWPID))
        return step_fail_errno(sh, err,
                               "cannot start %s: the PID namespace it would be born in has lost "
                               "its init (PID 1 exited), and the kernel admits no new process "
                               "there (pid_namespaces(7)); `reset` starts a fresh subject",
                               prog);
    if (err == EINVAL && (flags & CLONE_NEWPID))
        return step_fail_errno(sh, err,
                               "cannot create a PID namespace for %s: the subject's "
                               "pid_for_children is already another PID namespace than its own "
                               "(after `unshare pid` or `setns pid`), and the kernel creates a new "
                               "PID namespace only as a child of the caller's own; spawn without "
                               "--ns pid, or `reset`", prog);
    const char *nomap =
        err == EPERM && (flags & CLONE_NEWUSER) ? user_map_missing(sh, sh->subj.pid) : NULL;
    if (nomap)
        return step_fail_errno(sh, err,
                               "cannot create a user namespace for %s: the kernel allows it only "
                               "while the creator's uid and gid are both mapped in its own user "
                               "namespace, and the subject's %s is not written yet (%s)",
                               prog, nomap, user_map_fix(nomap));
    if (err == EPERM)
        return step_fail_errno(sh, err,
                               "cannot create the namespaces for %s; creating namespaces needs "
                               "CAP_SYS_ADMIN (run `unshare user` first, or nslab as root)",
                               prog);
    if (err == ENOENT)
        return step_fail(sh, err, "cannot run %s: no such program in PATH (ENOENT; builtins: %s)",
                         prog, "sleep, init, orphan, stress");
    return step_fail_errno(sh, err, "cannot start %s", prog);
}

static bool job_ended(const struct job *j)
{
    return j->state == JOB_EXITED || j->state == JOB_KILLED;
}

/* A job in the host's PID namespace has its host PID inside too: with
 * --stable that number is a host PID like any other and gets its label,
 * or transcripts differ from run to run. */
static void print_ns_pid(struct nsl *sh, enum print_to to, const char *key, const char *fmt,
                         const struct job *j)
{
    if (j->ns_pid == j->pid) {
        print_pid(sh, to, key, fmt, j->pid);
        return;
    }
    char buf[32];
    snprintf(buf, sizeof buf, "%d", (int)j->ns_pid);
    if (to != PRINT_JSON)
        print_string(sh, PRINT_FP, NULL, fmt, buf);
    if (to != PRINT_FP)
        print_int(sh, PRINT_JSON, key, NULL, j->ns_pid);
}

int cmd_spawn(struct nsl *sh, int argc, char **argv)
{
    int flags = 0, k = 1;
    struct nsl_err e;
    const char *cglist = NULL;
    for (; k < argc; k++) {
        const char *a = argv[k];
        if (strcmp(a, "--") == 0) {
            k++;
            break;
        }
        if (strncmp(a, "--ns", 4) == 0 && (a[4] == '=' || a[4] == '\0')) {
            const char *list = a[4] == '=' ? a + 5 : k + 1 < argc ? argv[++k] : NULL;
            if (!list)
                return step_usage(sh, "--ns needs a list of types, e.g. --ns pid,mnt");
            if (ns_flags_parse(list, &flags, &e) < 0)
                return step_fail_err(sh, &e);
            if ((flags & CLONE_NEWTIME) &&
                kernel_need(&sh->paths, 5, 6, N_("a time namespace"), &e) < 0)
                return step_fail_err(sh, &e);
            continue;
        }
        if (strncmp(a, "--cg", 4) == 0 && (a[4] == '=' || a[4] == '\0')) {
            cglist = a[4] == '=' ? a + 5 : k + 1 < argc ? argv[++k] : NULL;
            if (!cglist || !*cglist)
                return step_usage(sh, "--cg needs a cgroup, e.g. --cg mem1 (or mem1,pids1)");
            continue;
        }
        if (a[0] == '-' && a[1])
            return step_usage(sh, "spawn: unknown option '%s' (--ns TYPES, --cg CGROUP, --)", a);
        break;
    }
    if (k >= argc)
        return step_usage(sh, "usage: spawn [--ns TYPES] [--cg CGROUP] [--] PROGRAM [ARGS...]");
    bool builtin = builtin_find(argv[k]) != NULL;
    if (builtin && builtin_check(argc - k, argv + k, &e) < 0)
        return step_fail_err(sh, &e);
    bool pending = pidns_pending(sh) && !(flags & CLONE_NEWPID);
    struct cg_spawn_places cgp;
    if (cg_spawn_places(sh, cglist, &cgp, &e) < 0)
        return step_fail_err(sh, &e);
    struct spawn_req sr = {.flags = flags, .io = SPAWN_JOB, .map_root = true, .builtin = builtin,
                           .argc = argc - k, .argv = argv + k, .ncg = cgp.n};
    for (int c = 0; c < cgp.n && c < SPAWN_CG_MAX; c++)
        sr.cg[c] = (struct spawn_cgroup){.version = cgp.version[c], .dir = cgp.dir[c]};
    cleanup_subj_req struct subj_req rq = {0};
    spawn_req_pack(&rq, &sr);
    cleanup_subj_rep struct subj_rep rep = {0};
    if (subject_call(sh, &rq, &rep, &e) < 0)
        return step_fail_err(sh, &e);
    struct spawn_rep out;
    subj_rep_get(&rep, &out, sizeof out);
    int rc = 0;
    if (rep.ret < 0 && out.failed == SPAWN_FAILED_CGROUP && out.cgroup >= 0 &&
        out.cgroup < cgp.n) {
        rc = cg_spawn_fail(sh, &cgp, out.cgroup, rep.err, sb_str(&rep.data), argv[k]);
    } else if (rep.ret < 0) {
        rc = spawn_fail(sh, rep.err, argv[k], flags);
    } else {
        cleanup_free char *cmd = join_argv(argc - k, argv + k);
        /* After `enter`, the subject's PID namespace is not the host's:
         * the job table keeps the host's PID, which it found in /proc. */
        struct job *j = job_add(sh, out.host_pid ? out.host_pid : (pid_t)rep.ret, cmd);
        j->ns_pid = pid_inside(sh, j->pid);
        /* The mnt, uts, net and cgroup namespaces it was born in are the
         * session's. */
        if (flags & CLONE_NEWNS)
            made_ns_note(sh, NS_MNT, j->pid, 0, out.mnt_ns);
        if (flags & CLONE_NEWUTS)
            made_ns_note(sh, NS_UTS, j->pid, 0, out.uts_ns);
        if (flags & CLONE_NEWNET)
            made_ns_note(sh, NS_NET, j->pid, 0, out.net_ns);
        if (flags & CLONE_NEWCGROUP)
            made_ns_note(sh, NS_CGROUP, j->pid, 0, out.cgroup_ns);
        print_int(sh, PRINT_ANY, "job", _("[%%%lld] pid "), j->id);
        print_pid(sh, PRINT_ANY, "pid", "%s", j->pid);
        if (j->ns_pid && j->ns_pid != j->pid)
            out_printf(sh, _(" (pid %d inside its PID namespace)"), (int)j->ns_pid);
        print_ns_pid(sh, PRINT_JSON, "ns_pid", NULL, j);
        out_printf(sh, " %s\n", cmd);
        for (int c = 0; c < cgp.n; c++)
            out_printf(sh, _("%%%d is in %s from its start: the subject wrote its PID to %s's "
                           "cgroup.procs before letting it run.\n"), j->id, cgp.names[c],
                       cgp.names[c]);
        if (j->ns_pid == 1)
            out_printf(sh, _("%%%d is PID 1, the init of its PID namespace: orphans there are "
                           "re-parented to it, and if it exits the kernel kills every process of "
                           "the namespace.\n"), j->id);
        if (j->ns_pid == 1 && pending) {
            out_printf(sh, _("%%%d is the first process of the PID namespace `unshare pid` made: "
                             "when it exits, that namespace is gone with it, and nothing can be "
                             "started there any more.\n"), j->id);
            j->pending_init = true;
            if (job_ended(j)) /* it ended before it was a job */
                events_init_gone(sh, j->pid);
        }
    }
    return rc;
}

int cmd_run(struct nsl *sh, int argc, char **argv)
{
    if (argc < 1 || !argv[0][0])
        return step_usage(sh, "usage: !PROGRAM [ARGS...] (no space after !)");
    /* Interactively the program gets the terminal; in scripts and JSON its
     * output is captured, so it is the step's output (for expect output). */
    enum spawn_io io = !sh->opt.json && sh->interactive && isatty(0) ? SPAWN_TTY : SPAWN_CAPTURE;
    cleanup_subj_req struct subj_req rq = {0};
    spawn_req_pack(&rq, &(struct spawn_req){.io = io, .argc = argc, .argv = argv});
    cleanup_subj_rep struct subj_rep rep = {0};
    struct nsl_err e;
    bool pending = pidns_pending(sh);
    fflush(stdout);
    if (subject_call(sh, &rq, &rep, &e) < 0)
        return step_fail_err(sh, &e);
    int rc = 0;
    if (rep.data.len)
        sb_appendn(&sh->step.out, rep.data.buf, rep.data.len);
    if (rep.ret < 0) {
        rc = spawn_fail(sh, rep.err, argv[0], 0);
    } else {
        if (pending) {
            /* It was born PID 1 there and has exited: the namespace is gone. */
            out_printf(sh, _("%s was the first process of the PID namespace `unshare pid` made, "
                             "so its PID 1.\n"), argv[0]);
            events_init_gone(sh, (pid_t)rep.ret);
        }
        struct spawn_rep out;
        subj_rep_get(&rep, &out, sizeof out);
        int st = out.status;
        if (WIFSTOPPED(st)) {
            /* Ctrl-Z (or a stop signal from elsewhere): as in a shell, the
             * program stays, stopped, as a job; nslab has the terminal
             * back. There is no `fg`: kill %N ends it or continues it. */
            cleanup_free char *cmd = join_argv(argc, argv);
            /* After `enter`, the subject's PID namespace is not the host's:
         * the job table keeps the host's PID, which it found in /proc. */
        struct job *j = job_add(sh, out.host_pid ? out.host_pid : (pid_t)rep.ret, cmd);
            j->ns_pid = pid_inside(sh, j->pid);
            if (j->state == JOB_RUNNING) {
                j->state = JOB_STOPPED;
                j->status = WSTOPSIG(st);
            }
            char pb[32];
            out_printf(sh, _("[%%%d] pid %s %s\n"), j->id, fmt_pid(sh, j->pid, pb, sizeof pb), cmd);
            out_printf(sh, _("%s was stopped by SIG%s and is job %%%d now: `kill %%%d` ends it, "
                             "`kill -CONT %%%d` lets it run on in the background (where reading "
                             "the terminal stops it again, by SIGTTIN).\n"),
                       argv[0], signal_name(WSTOPSIG(st)), j->id, j->id, j->id);
            print_int(sh, PRINT_JSON, "job", NULL, j->id);
            print_string(sh, PRINT_JSON, "stopped", NULL, signal_name(WSTOPSIG(st)));
        } else if (WIFSIGNALED(st)) {
            print_string(sh, PRINT_JSON, "signal", NULL, signal_name(WTERMSIG(st)));
            rc = step_fail(sh, 0, "%s was killed by SIG%s", argv[0], signal_name(WTERMSIG(st)));
        } else {
            print_int(sh, PRINT_JSON, "status", NULL, WEXITSTATUS(st));
            if (WEXITSTATUS(st))
                rc = step_fail(sh, 0, "%s exited with status %d", argv[0], WEXITSTATUS(st));
        }
    }
    return rc;
}

/* A cell of the jobs table, padded to width columns (Chinese takes two a
 * character). */
static void jobs_cell(struct nsl *sh, const char *s, size_t width)
{
    struct strbuf b = {0};
    sb_append_padded(&b, s, width);
    out_printf(sh, "%s", sb_str(&b));
    sb_free(&b);
}

static void jobs_header(struct nsl *sh)
{
    out_printf(sh, "  ");
    /* TRANSLATORS: the jobs table's headers; PID and COMMAND as ps(1) has them. */
    jobs_cell(sh, _("JOB"), 6);
    jobs_cell(sh, "PID", 11);
    jobs_cell(sh, _("INSIDE"), 9);
    jobs_cell(sh, _("STATE"), 19);
    out_printf(sh, "%s\n", _("COMMAND"));
}

int cmd_jobs(struct nsl *sh, int argc, char **argv)
{
    if (argc != 1)
        return step_usage(sh, "usage: jobs");
    events_poll(sh, 0);
    if (sh->cg)
        cgroups_for_step(sh); /* the -J step carries them */
    char sb[64];
    open_json_array(sh, NULL); /* the result: one object a job */
    if (sh->jobs.n == 0)
        out_printf(sh, _("no jobs (spawn starts one)\n"));
    else
        jobs_header(sh);
    for (size_t k = 0; k < sh->jobs.n; k++) {
        struct job *j = &sh->jobs.v[k];
        open_json_object(sh, NULL);
        print_int(sh, PRINT_ANY, "job", "  %%%-4lld ", j->id);
        print_pid(sh, PRINT_ANY, "pid", "%-10s ", j->pid);
        print_ns_pid(sh, PRINT_ANY, "ns_pid", "%-8s ", j);
        char st[64];
        print_string(sh, PRINT_JSON, "state", NULL, job_state_word(j, st, sizeof st));
        jobs_cell(sh, job_state_text(j, sb, sizeof sb), 19);
        print_string(sh, PRINT_ANY, "command", "%s\n", j->cmd);
        close_json_object(sh);
    }
    close_json_array(sh);
    return 0;
}

int cmd_wait(struct nsl *sh, int argc, char **argv)
{
    long secs = -1;
    if (argc < 2 || argc > 3 || (argc == 3 && parse_long(argv[2], 0, 86400, &secs) < 0))
        return step_usage(sh, "usage: wait %%N [SECONDS]");
    struct target t;
    struct nsl_err e;
    if (target_resolve(sh, argv[1], TARGET_ALLOW_DEAD, &t, &e) < 0)
        return step_fail_err(sh, &e);
    if (!t.job)
        return step_usage(sh, "wait takes a job (%%N): %s is not one of this session's jobs",
                          argv[1]);
    struct job *j = t.job;
    int id = j->id;
    int64_t deadline = secs >= 0 ? now_ms() + secs * 1000 : -1;
    while (!job_ended(j)) {
        int left = deadline < 0 ? 200 : (int)(deadline - now_ms());
        if (deadline >= 0 && left <= 0)
            return step_fail(sh, ETIMEDOUT, "job %%%d is still running after %ld s", id, secs);
        /* Interrupted: the signal stays set for the loop that reads the
         * next command, which ends the session on SIGTERM or SIGHUP (and
         * in a script on SIGINT too) and clears a prompt's Ctrl-C. */
        if (events_poll(sh, left > 200 ? 200 : left) < 0 ||
            (sh->interrupted && *sh->interrupted))
            return step_fail(sh, EINTR, "wait for %%%d interrupted (the job goes on)", id);
        j = job_find(sh, id);
        if (!j)
            return step_fail(sh, ESRCH, "job %%%d is gone", id);
    }
    char sb[64];
    out_printf(sh, "[%%%d] %s\n", j->id, job_state_text(j, sb, sizeof sb));
    /* That is the news the exit event would bring: do not tell it twice. */
    events_drop(sh, j->pid, EV_EXITED);
    print_int(sh, PRINT_JSON, "job", NULL, j->id);
    if (j->state == JOB_KILLED)
        print_string(sh, PRINT_JSON, "signal", NULL, signal_name(j->status));
    else
        print_int(sh, PRINT_JSON, "status", NULL, j->status);
    return 0;
}

/* After a signal, give the kernel a moment to act, then say what became of
 * the target: signals are delivered asynchronously. */
/* What a signal is expected to do, by signal(7) and pid_namespaces(7). */
enum effect { EFFECT_NONE, EFFECT_DEATH, EFFECT_STOP, EFFECT_CONT };

static enum effect expected_effect(int sig, bool inside, bool is_init, bool handled, bool ignored)
{
    if (sig == SIGCONT)
        return EFFECT_CONT; /* resumes whatever the disposition */
    if (is_init && !handled && (inside || (sig != SIGKILL && sig != SIGSTOP)))
        return EFFECT_NONE; /* dropped by the kernel */
    if (sig == SIGKILL)
        return EFFECT_DEATH;
    if (sig == SIGSTOP)
        return EFFECT_STOP;
    if (handled || ignored)
        return EFFECT_NONE;
    switch (sig) {
    case SIGCHLD:
    case SIGURG:
    case SIGWINCH:
        return EFFECT_NONE;
    case SIGTSTP:
    case SIGTTIN:
    case SIGTTOU:
        return EFFECT_STOP;
    default:
        return EFFECT_DEATH;
    }
}

static bool pid_stopped(struct nsl *sh, pid_t pid)
{
    char path[64], buf[512];
    snprintf(path, sizeof path, "%d/stat", (int)pid);
    if (read_file_at(sh->procfd, path, buf, sizeof buf) < 0)
        return false;
    char *rp = strrchr(buf, ')');
    return rp && rp[1] == ' ' && (rp[2] == 'T' || rp[2] == 't');
}

/* Signals are delivered asynchronously: wait for the effect the rules
 * predict (up to 2 s, so a loaded machine still shows it), or briefly when
 * none is expected, then say what became of the target. The report is
 * what the kernel shows then, whatever was predicted. */
static bool settle_alive(struct nsl *sh, struct target *t, enum effect want)
{
    int64_t deadline = now_ms() + (want == EFFECT_NONE ? 100 : 2000);
    int id = t->job ? t->job->id : 0;
    for (;;) {
        struct job *j = id ? job_find(sh, id) : NULL;
        bool alive = j ? !job_ended(j) : pid_alive(sh, t->pid);
        bool stopped = j ? j->state == JOB_STOPPED : pid_stopped(sh, t->pid);
        if (!alive)
            return false;
        if (sh->interrupted && *sh->interrupted)
            return true; /* the session is ending, or Ctrl-C: stop looking */
        if ((want == EFFECT_STOP && stopped) || (want == EFFECT_CONT && !stopped))
            return true;
        int left = (int)(deadline - now_ms());
        if (left <= 0)
            return true;
        if (j)
            events_poll(sh, left > 20 ? 20 : left);
        else
            usleep(10000);
    }
}

/* Is sig in one of the signal masks of /proc/PID/status ("SigCgt:")? */
static bool signal_in_mask(struct nsl *sh, pid_t pid, int sig, const char *key)
{
    char path[64], buf[4096];
    snprintf(path, sizeof path, "%d/status", (int)pid);
    if (read_file_at(sh->procfd, path, buf, sizeof buf) < 0)
        return false;
    const char *l = strstr(buf, key);
    if (!l)
        return false;
    unsigned long long mask = strtoull(l + strlen(key), NULL, 16);
    return sig >= 1 && sig <= 64 && (mask >> (sig - 1)) & 1;
}

/* Does pid have a handler for sig? The kernel's SigCgt mask says. */
static bool signal_caught(struct nsl *sh, pid_t pid, int sig)
{
    return signal_in_mask(sh, pid, sig, "\nSigCgt:");
}

static bool signal_ignored(struct nsl *sh, pid_t pid, int sig)
{
    return signal_in_mask(sh, pid, sig, "\nSigIgn:");
}

/* The rules of pid_namespaces(7), applied to what just happened. */
static void explain_signal(struct nsl *sh, pid_t ns_pid, int sig, bool inside, bool handled,
                           bool alive)
{
    if (ns_pid != 1)
        return;
    if (sig == SIGCONT && alive) {
        if (handled)
            out_printf(sh, _("(SIGCONT resumes a stopped process whatever its disposition; then "
                             "the signal itself is handled)\n"));
        else
            out_printf(sh, _("(SIGCONT resumes a stopped process whatever its disposition; then "
                             "the kernel drops the signal itself, as any signal init has no "
                             "handler for)\n"));
    } else if (handled) {
        out_printf(sh, _("(it has a handler for SIG%s, so PID 1 receives it like any process)\n"),
                   signal_name(sig));
    } else if (!inside && (sig == SIGKILL || sig == SIGSTOP)) {
        out_printf(sh, _("(SIG%s from an ancestor PID namespace is forced even on its init)\n"),
                   signal_name(sig));
    } else if (alive && inside) {
        out_printf(sh, _("(the kernel drops a signal init has no handler for when any process of "
                       "its own PID namespace sends it, even root, even SIGKILL)\n"));
    } else if (alive) {
        out_printf(sh, _("(it is PID 1 of its namespace: from an ancestor namespace a signal it has no "
                       "handler for is dropped, except SIGKILL and SIGSTOP, which are forced on "
                       "it; a handled one, as docker stop's SIGTERM, is delivered)\n"));
    }
}

static int kill_from_inside(struct nsl *sh, struct target *t, pid_t ns_pid, int sig)
{
    char rel[64], what[96], pb[32];
    if (!ns_pid)
        return step_fail(sh, ESRCH, "cannot find the PID of %d inside its namespace", (int)t->pid);
    snprintf(rel, sizeof rel, "%d/ns/pid", (int)t->pid);
    int fd = openat(sh->procfd, rel, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return step_fail_errno(sh, errno, "cannot open /proc/%d/ns/pid", (int)t->pid);
    snprintf(what, sizeof what, "/proc/%s/ns/pid", fmt_pid(sh, t->pid, pb, sizeof pb));
    cleanup_subj_req struct subj_req rq = {0};
    kill_inside_req_pack(&rq, &(struct kill_inside_req){
                                  .pidns_fd = fd, .shown = what, .ns_pid = ns_pid, .sig = sig});
    cleanup_subj_rep struct subj_rep rep = {0};
    struct nsl_err e;
    int rc = subject_call(sh, &rq, &rep, &e);
    close(fd);
    if (rc < 0)
        return step_fail_err(sh, &e);
    if (rep.ret < 0) {
        if (rep.err == ENOMEM)
            rc = step_fail_errno(sh, rep.err, "no process can enter that PID namespace any more: "
                                              "its init has exited");
        else
            rc = step_fail_errno(sh, rep.err, "kill -%s from inside failed", signal_name(sig));
    } else {
        struct kill_inside_rep out;
        subj_rep_get(&rep, &out, sizeof out);
        char sender[16];
        snprintf(sender, sizeof sender, "%d", (int)out.sender);
        out_printf(sh,
                   _("sent SIG%s to PID %d from PID %s inside the same PID namespace: a "
                     "helper process the subject forked there for this one kill(2), gone "
                     "since\n"),
                   signal_name(sig), (int)ns_pid, sender);
    }
    return rc;
}

/* The NSpid fields of pid (outermost first); how many, 0 when unknown. */
static int nspid_of(struct nsl *sh, pid_t pid, pid_t *v)
{
    char path[64], buf[4096];
    snprintf(path, sizeof path, "%d/status", (int)pid);
    if (read_file_at(sh->procfd, path, buf, sizeof buf) < 0)
        return 0;
    return ps_parse_nspid(buf, v, PS_MAX_LEVELS);
}

/* Is the PID namespace of `inner` that of `outer`, or below it? Climbs
 * from inner's up as many levels as they differ (NS_GET_PARENT). */
static bool pidns_within(struct nsl *sh, pid_t inner, int up, pid_t outer)
{
    char rel[64];
    snprintf(rel, sizeof rel, "%d/ns/pid", (int)inner);
    int fd = openat(sh->procfd, rel, O_RDONLY | O_CLOEXEC);
    ino_t want = ns_inode_of(sh, outer, NS_PID);
    for (int k = 0; k < up && fd >= 0; k++) {
        ino_t parent;
        int pfd = -1;
        struct nsl_err e;
        if (ns_get_parent(fd, &parent, &pfd, &e) < 0)
            pfd = -1;
        close(fd);
        fd = pfd;
    }
    bool same = fd >= 0 && want && ns_fd_ino(fd) == want;
    if (fd >= 0)
        close(fd);
    return same;
}

/* kill --from %N: from a process forked inside job N's PID namespace by a
 * helper of the shell (which can enter any level below the host's). The
 * target must be in that namespace or below it, where it has a PID. */
static int kill_from_job(struct nsl *sh, struct target *t, const char *job, int sig,
                         bool *inside, pid_t *ns_pid)
{
    struct target n;
    struct nsl_err e;
    if (target_resolve(sh, job, 0, &n, &e) < 0)
        return step_fail_err(sh, &e);
    pid_t tv[PS_MAX_LEVELS], nv[PS_MAX_LEVELS];
    int nt = nspid_of(sh, t->pid, tv), nn = nspid_of(sh, n.pid, nv);
    if (!nt || !nn)
        return step_fail(sh, ESRCH, "cannot read the NSpid of /proc/%d/status",
                         (int)(nt ? n.pid : t->pid));
    if (nt < nn || !pidns_within(sh, t->pid, nt - nn, n.pid))
        return step_fail(sh, EINVAL, "the target is not in %s's PID namespace or one below it, "
                                     "so it has no PID there to send to", job);
    *ns_pid = tv[nn - 1];
    *inside = nt == nn;
    struct kill_from_arg a = {.ns_pid = *ns_pid, .sig = sig};
    struct strbuf sender = {0};
    int err = 0;
    int rc = nshelper_run(sh, &sh->step.trace, n.pid, NS_PID, kill_from_fn, &a, &sender, &err, &e);
    if (rc < 0 && !err) {
        sb_free(&sender);
        return step_fail_err(sh, &e);
    }
    if (rc < 0) {
        sb_free(&sender);
        if (err == ENOMEM)
            return step_fail_errno(sh, err, "no process can enter that PID namespace any more: "
                                            "its init has exited");
        return step_fail_errno(sh, err, "kill -%s from inside %s failed", signal_name(sig), job);
    }
    out_printf(sh,
               _("sent SIG%s to PID %d from PID %s inside %s's PID namespace (level %d): a "
                 "process a helper of the shell forked there for this one kill(2), gone since\n"),
               signal_name(sig), (int)*ns_pid, sb_str(&sender), job, nn - 1);
    sb_free(&sender);
    return 0;
}

int cmd_kill(struct nsl *sh, int argc, char **argv)
{
    int sig = SIGTERM, k = 1;
    const char *from = "host";
    if (k < argc && argv[k][0] == '-' && argv[k][1] && strncmp(argv[k], "--", 2) != 0) {
        sig = parse_signal(argv[k] + 1);
        if (sig < 0)
            return step_usage(sh, "unknown signal '%s' (e.g. -KILL, -TERM, -9)", argv[k] + 1);
        k++;
    }
    const char *word = NULL;
    for (; k < argc; k++) {
        if (strcmp(argv[k], "--from") == 0 && k + 1 < argc) {
            from = argv[++k];
            if (strcmp(from, "host") != 0 && strcmp(from, "inside") != 0 && from[0] != '%')
                return step_usage(sh, "--from takes host, inside or a job %%N");
        } else if (!word) {
            word = argv[k];
        } else {
            return step_usage(sh, "usage: kill [-SIG] TARGET [--from host|inside|%%N]");
        }
    }
    if (!word)
        return step_usage(sh, "usage: kill [-SIG] TARGET [--from host|inside|%%N]");
    struct target t;
    struct nsl_err e;
    if (target_resolve(sh, word, 0, &t, &e) < 0)
        return step_fail_err(sh, &e);
    if (t.is_host)
        return step_fail(sh, EINVAL, "refusing to signal the nslab shell itself (host); "
                                     "`exit` ends the session");
    if (subject_is_one(sh, t.pid))
        return step_fail(sh, EINVAL, "refusing to signal the subject (self, or one `enter` left "
                                     "behind); `reset` replaces it");
    bool inside = strcmp(from, "inside") == 0;
    bool handled = signal_caught(sh, t.pid, sig);
    bool ignored = signal_ignored(sh, t.pid, sig);
    pid_t ns_pid = pid_inside(sh, t.pid);
    if (from[0] == '%') {
        pid_t there = 0; /* its PID in job N's namespace (ns_pid: in its own) */
        if (kill_from_job(sh, &t, from, sig, &inside, &there) < 0)
            return -1;
    } else if (inside) {
        if (kill_from_inside(sh, &t, ns_pid, sig) < 0)
            return -1;
    } else if (sys_kill(&sh->step.trace, t.pid, sig) < 0) {
        return step_fail_errno(sh, errno, "kill -%s %d failed", signal_name(sig), (int)t.pid);
    }
    bool alive = settle_alive(sh, &t, expected_effect(sig, inside, ns_pid == 1, handled, ignored));
    char pb[32];
    const char *name = t.job ? (snprintf(pb, sizeof pb, "%%%d", t.job->id), pb) : word;
    struct job *j = t.job ? job_find(sh, t.job->id) : NULL;
    out_printf(sh, "%s %s\n", name,
               !alive ? _("has ended")
               : j && j->state == JOB_STOPPED ? _("is stopped (still alive)")
                                              : _("is still alive"));
    explain_signal(sh, ns_pid, sig, inside, handled, alive);
    print_pid(sh, PRINT_JSON, "pid", NULL, t.pid);
    print_string(sh, PRINT_JSON, "signal", NULL, signal_name(sig));
    print_bool(sh, PRINT_JSON, "alive", NULL, alive);
    print_string(sh, PRINT_JSON, "from", NULL,
                 from[0] == '%' ? from : inside ? "inside" : "host");
    print_bool(sh, PRINT_JSON, "handled", NULL, handled);
    return 0;
}

int cmd_reset(struct nsl *sh, int argc, char **argv)
{
    if (argc != 1)
        return step_usage(sh, "usage: reset");
    subject_stop(sh, &sh->step.trace);
    struct nsl_err e;
    if (subject_start(sh, &e) < 0)
        return step_fail_err(sh, &e);
    char pb[32];
    trace_add(&sh->step.trace, "fork", sh->subj.pid, 0, TRACE_RET_PID, "%s", "");
    out_printf(sh, _("a fresh subject, pid %s, in the host's namespaces\n"),
               fmt_pid(sh, sh->subj.pid, pb, sizeof pb));
    return 0;
}
