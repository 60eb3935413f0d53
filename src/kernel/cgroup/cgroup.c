#define _GNU_SOURCE
/* The session: nslab.<PID> parents, the cgroups made under them, their
 * removal, and the sweep of sessions that are gone. What differs between v1
 * and v2 is left to the backends. */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "kernel/cgroup/cgroup_impl.h"
#include "kernel/cgroup/cgroup_systemd.h"
#include "i18n.h"

const struct cg_backend *cg_backend_of(int version)
{
    return version == 2 ? &cg_backend_v2 : &cg_backend_v1;
}

const char *cg_stats_get(const struct cg_stats *st, const char *file, const char *key)
{
    for (size_t i = 0; i < st->nreads; i++) {
        const struct cg_read *r = &st->reads[i];
        if (strcmp(r->file, file) == 0 &&
            (key ? r->key && strcmp(r->key, key) == 0 : r->key == NULL))
            return r->value;
    }
    return NULL;
}

int cg_stats_read(const struct cg_layout *L, int hier, const char *dir, enum cg_ctrl ctrl,
                  struct cg_stats *st, struct nsl_err *e)
{
    if (hier < 0 || (size_t)hier >= L->nhier)
        return nsl_fail(e, EINVAL, "no cgroup hierarchy #%d", hier);
    return cg_backend_of(L->hier[hier].version)->read_stats(dir, ctrl, NULL, st, e);
}

/* Add what `more` read that st lacks: each file (and key) once, and the
 * values st does not know yet. */
static void stats_merge(struct cg_stats *st, struct cg_stats *more)
{
    for (size_t i = 0; i < more->nreads; i++) {
        const struct cg_read *r = &more->reads[i];
        if (!cg_stats_get(st, r->file, r->key))
            cg_stats_add(st, r->file, r->key, r->value);
    }
    struct cg_num *mine[] = {&st->limit, &st->period, &st->usage, &st->max_hits, &st->oom_kill,
                             &st->nr_throttled, &st->throttled_usec, &st->weight};
    const struct cg_num *theirs[] = {&more->limit, &more->period, &more->usage,
                                     &more->max_hits, &more->oom_kill, &more->nr_throttled,
                                     &more->throttled_usec, &more->weight};
    for (size_t i = 0; i < ARRAY_SIZE(mine); i++)
        if (!mine[i]->known)
            *mine[i] = *theirs[i];
    if (!st->cpus[0])
        snprintf(st->cpus, sizeof st->cpus, "%s", more->cpus);
    if (st->frozen < 0)
        st->frozen = more->frozen;
    cg_stats_free(more);
}

int cg_stats_read_hier(const struct cg_layout *L, int hier, const char *dir,
                       struct cg_files *kf, struct cg_stats *st, struct nsl_err *e)
{
    if (hier < 0 || (size_t)hier >= L->nhier)
        return nsl_fail(e, EINVAL, "no cgroup hierarchy #%d", hier);
    const struct cg_backend *be = cg_backend_of(L->hier[hier].version);
    bool any = false;
    for (int c = 0; c < CG_NCREATE; c++) {
        if (L->ctrl_hier[c] != hier)
            continue;
        if (!any) {
            if (be->read_stats(dir, (enum cg_ctrl)c, kf, st, e) < 0)
                return -1;
            any = true;
            continue;
        }
        struct cg_stats more;
        if (be->read_stats(dir, (enum cg_ctrl)c, kf, &more, NULL) == 0)
            stats_merge(st, &more);
    }
    return any ? 0 : be->read_stats(dir, CG_NCTRL, kf, st, e);
}

int cg_pid_dirs(const struct cg_layout *L, const struct nsl_paths *paths, pid_t pid,
                struct cg_pid_dirs *out, struct nsl_err *e)
{
    char path[300];
    if (pid)
        proc_path(paths, path, sizeof path, "%d/cgroup", pid);
    else
        proc_path(paths, path, sizeof path, "self/cgroup");
    struct strbuf sb = {0};
    if (cg_read_sb(path, &sb) < 0) {
        int err = errno;
        sb_free(&sb);
        return nsl_fail_errno(e, err, "cannot read %s", path);
    }
    int r = cg_pid_dirs_parse(L, sb_str(&sb), out, e);
    sb_free(&sb);
    return r;
}

int cg_pid_dirs_parse(const struct cg_layout *L, const char *text, struct cg_pid_dirs *out,
                      struct nsl_err *e)
{
    struct cg_proc p;
    if (cg_proc_parse(text, &p, e) < 0)
        return -1;
    for (size_t i = 0; i < CG_MAX_HIER; i++)
        out->dir[i][0] = out->cgpath[i][0] = '\0';
    for (size_t i = 0; i < L->nhier; i++) {
        const struct cg_member *m = cg_proc_find(&p, &L->hier[i]);
        /* A cgroup outside what the mount shows stays "": not an error
         * for the others. */
        if (m && cg_hier_dir(&L->hier[i], m->path, out->dir[i], sizeof out->dir[i], NULL) == 0)
            snprintf(out->cgpath[i], sizeof out->cgpath[i], "%s", m->path);
        else
            out->dir[i][0] = '\0';
    }
    cg_proc_free(&p);
    return 0;
}

/* --- removal ----------------------------------------------------------- */

/* Is this entry a directory (d_type may be DT_UNKNOWN on some filesystems)? */
static bool entry_is_dir(DIR *d, const struct dirent *de)
{
    if (de->d_type != DT_UNKNOWN)
        return de->d_type == DT_DIR;
    struct stat sb;
    return fstatat(dirfd(d), de->d_name, &sb, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(sb.st_mode);
}

static void sleep_ms(int ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

struct remover {
    const struct cg_sys *sys;
    const struct cg_backend *be;
    const struct nsl_paths *paths;
    const char *rescue; /* where the calling process goes if it is inside */
    bool kill;
    struct trace *t;
    /* cg_sweep_report's caller: each verdict as data. */
    cg_sweep_fn report;
    void *report_ctx;
};

/* A sweep's verdict on a session parent: a TRACE_NOTE "kept session: DIR
 * (WHY)" (removed, stale) for showing, and the data for the caller. */
static void sweep_tell(const struct remover *rm, enum cg_sweep_verdict v, const char *dir,
                       const char *why)
{
    static const char *const words[] = {[CG_SWEEP_REMOVED] = "removed", [CG_SWEEP_KEPT] = "kept",
                                        [CG_SWEEP_STALE] = "stale"};
    trace_note(rm->t, "%s session: %s (%s)", words[v], dir, why);
    if (rm->report)
        rm->report(rm->report_ctx, v, dir, why);
}

static bool pids_have(const pid_t *pids, size_t n, pid_t pid)
{
    for (size_t i = 0; i < n; i++)
        if (pids[i] == pid)
            return true;
    return false;
}

/* Wait until dir/cgroup.procs is empty (the killed have died). */
static void wait_empty(const struct cg_sys *s, const char *dir)
{
    int64_t deadline = now_ms() + s->wait_ms;
    for (;;) {
        pid_t *pids;
        size_t n;
        if (cg_read_pids(dir, &pids, &n) < 0)
            return;
        free(pids);
        if (n == 0 || now_ms() >= deadline)
            return;
        sleep_ms(s->poll_ms > 0 ? s->poll_ms : 10);
    }
}

static int remove_one(const struct remover *rm, const char *dir, struct nsl_err *e)
{
    pid_t *pids = NULL;
    size_t n = 0;
    if (rm->kill && cg_read_pids(dir, &pids, &n) == 0 && n > 0) {
        /* Never kill ourselves: go back where we came from instead. */
        if (rm->rescue && pids_have(pids, n, getpid())) {
            char self[32];
            snprintf(self, sizeof self, "%d", getpid());
            cg_write(rm->sys, rm->t, rm->rescue, "cgroup.procs", self, NULL, NULL);
            free(pids);
            pids = NULL;
            if (cg_read_pids(dir, &pids, &n) < 0)
                n = 0;
        }
        if (n > 0) {
            rm->be->kill_all(rm->sys, dir, rm->t, NULL);
            wait_empty(rm->sys, dir);
        }
    }
    free(pids);
    pids = NULL;
    /* A cgroup whose last process just died can stay busy for a moment. */
    int tries = rm->kill ? 3 : 1;
    for (int i = 0; i < tries; i++) {
        if (i)
            sleep_ms(rm->sys->wait_ms / tries);
        if (rm->sys->rmdir(rm->sys->ctx, rm->t, dir) == 0)
            return 0;
        if (errno != EBUSY)
            break;
    }
    int err = errno;
    nsl_fail_errno(e, err, "cannot remove cgroup %s", dir);
    if (err == EBUSY && cg_read_pids(dir, &pids, &n) == 0) {
        if (n) {
            struct strbuf sb = {0};
            sb_append(&sb, _("processes are still inside: "));
            cg_format_pids(rm->paths, pids, n, &sb);
            nsl_err_hint(e, sb_str(&sb));
            sb_free(&sb);
        }
        free(pids);
    }
    return -1;
}

/* Children first, then dir, at any depth (each level holds no open
 * directory while it goes down). A v1 freezer cgroup that is frozen keeps
 * its children frozen whatever they say, so when killing, it is thawed
 * (after the SIGKILLs are pending) before going down. */
static int remove_tree(const struct remover *rm, const char *dir, struct nsl_err *e)
{
    DIR *d = opendir(dir);
    if (!d)
        return nsl_fail_errno(e, errno, "cannot open cgroup %s", dir);
    char **subs = NULL;
    size_t n = 0, cap = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0 || !entry_is_dir(d, de))
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 8;
            subs = xrealloc(subs, cap * sizeof *subs);
        }
        subs[n++] = xasprintf("%s/%s", dir, de->d_name);
    }
    closedir(d);
    char state[32];
    if (rm->kill && n > 0 && rm->be->version == 1 &&
        cg_read_text(dir, "freezer.state", state, sizeof state) == 0 &&
        strcmp(state, "THAWED") != 0)
        rm->be->kill_all(rm->sys, dir, rm->t, NULL);
    int ret = 0;
    for (size_t i = 0; i < n; i++) {
        if (remove_tree(rm, subs[i], ret == 0 ? e : NULL) < 0)
            ret = -1;
        free(subs[i]);
    }
    free(subs);
    if (ret < 0)
        return -1;
    return remove_one(rm, dir, e);
}

/* --- the session ------------------------------------------------------- */

void cg_session_init(struct cg_session *s, const struct cg_layout *L,
                     const struct nsl_paths *paths, pid_t pid)
{
    memset(s, 0, sizeof *s);
    s->layout = L;
    s->paths = paths;
    s->pid = pid;
    for (size_t h = 0; h < CG_MAX_HIER; h++)
        s->lockfd[h] = -1;
    cg_sys_init(&s->sys);
}

/* Take the session's lock on its new parent dir. A sweep that found dir
 * in the moment between mkdir and the lock may hold the lock itself and
 * remove dir: then the lock is taken on a removed directory, which the
 * inode check sees (*gone). Waits at most 2 s for a sweep to finish. */
static int session_lock(const char *dir, bool *gone, struct nsl_err *e)
{
    *gone = false;
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        if (errno == ENOENT) {
            *gone = true;
            return -1;
        }
        return nsl_fail_errno(e, errno, "cannot open the session's cgroup %s to lock it", dir);
    }
    int64_t deadline = now_ms() + 2000;
    while (flock(fd, LOCK_EX | LOCK_NB) < 0) {
        int err = errno;
        if ((err != EWOULDBLOCK && err != EINTR) || now_ms() >= deadline) {
            close(fd);
            return nsl_fail_errno(e, err, "cannot lock the session's cgroup %s", dir);
        }
        sleep_ms(10);
    }
    struct stat a, b;
    if (fstat(fd, &a) < 0 || stat(dir, &b) < 0 || a.st_ino != b.st_ino || a.st_dev != b.st_dev) {
        close(fd);
        *gone = true;
        return -1;
    }
    return fd;
}

static void group_drop(struct cg_session *s, size_t i)
{
    free(s->v[i]);
    memmove(&s->v[i], &s->v[i + 1], (s->n - i - 1) * sizeof *s->v);
    s->n--;
}

void cg_session_free(struct cg_session *s)
{
    for (size_t h = 0; h < CG_MAX_HIER; h++)
        if (s->lockfd[h] >= 0) {
            close(s->lockfd[h]);
            s->lockfd[h] = -1;
        }
    while (s->n)
        group_drop(s, s->n - 1);
    free(s->v);
    s->v = NULL;
    s->cap = 0;
}

const struct cg_group *cg_find(const struct cg_session *s, const char *name)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->v[i]->name, name) == 0)
            return s->v[i];
    return NULL;
}

int cg_lookup(const struct cg_session *s, const char *name, const struct cg_group **out,
              struct nsl_err *e)
{
    if ((*out = cg_find(s, name)))
        return 0;
    if (s->n == 0)
        return nsl_fail(e, ENOENT, "no cgroup '%s': this session has none yet (cgcreate makes one)",
                        name);
    struct strbuf sb = {0};
    for (size_t i = 0; i < s->n; i++)
        sb_printf(&sb, "%s%s", i ? ", " : "", s->v[i]->name);
    nsl_fail(e, ENOENT, "no cgroup '%s' in this session (it has: %s)", name, sb_str(&sb));
    sb_free(&sb);
    return -1;
}

/* On v2, the cgroup nslab runs in holds nslab itself, so (unless it is the
 * root) the kernel would refuse to enable controllers there for a child
 * (EBUSY: no internal processes). It is usable only when every v2
 * controller nslab may need is enabled in it already. */
static bool v2_base_usable(const struct cg_layout *L, int hier, const char *own)
{
    if (strcmp(own, L->hier[hier].mount) == 0)
        return true;
    char text[1024];
    bool read = cg_read_text(own, "cgroup.subtree_control", text, sizeof text) == 0;
    for (int c = 0; c < CG_NCREATE; c++) {
        const char *name = cg_ctrl_info[c].v2;
        if (L->ctrl_hier[c] != hier || !name)
            continue;
        if (!read || !cg_words_have(text, name))
            return false;
    }
    return true;
}

/* The session parent in hierarchy hier, made on first use. */
static int session_parent(struct cg_session *s, int hier, enum cg_ctrl ctrl, struct trace *t,
                          struct nsl_err *e, const char **out)
{
    if (s->parent[hier][0]) {
        *out = s->parent[hier];
        return 0;
    }
    const struct cg_hier *h = &s->layout->hier[hier];
    const struct cg_backend *be = cg_backend_of(h->version);
    struct cg_pid_dirs *own = xcalloc(1, sizeof *own);
    const char *cand[2] = {h->mount, NULL};
    if (s->deleg[hier][0]) {
        cand[0] = s->deleg[hier]; /* systemd's delegation: there and nowhere else */
        trace_note(t, "%s is a scope systemd delegated to nslab (Delegate=yes): the session "
                      "parent goes there, beside %s, which holds nslab",
                   s->deleg[hier], s->deleg_leaf[hier]);
    } else if (cg_pid_dirs(s->layout, s->paths, 0, own, NULL) == 0 && own->dir[hier][0] &&
        strcmp(own->dir[hier], h->mount) != 0) {
        if (h->version == 2 && !v2_base_usable(s->layout, hier, own->dir[hier])) {
            trace_note(t, "%s holds this process, so cgroup v2 would not let it enable "
                          "controllers for a child: the session parent goes under the root",
                       own->dir[hier]);
            cand[1] = own->dir[hier]; /* if the root is not writable, still try */
        } else {
            cand[0] = own->dir[hier];
            cand[1] = h->mount;
        }
    }
    int ret = -1;
    for (int i = 0, again = 0; i < 2 && cand[i]; i++) {
        char dir[sizeof s->parent[0]];
        int w = snprintf(dir, sizeof dir, "%s/nslab.%d", cand[i], s->pid);
        if (w < 0 || (size_t)w >= sizeof dir) {
            ret = nsl_fail(e, ENAMETOOLONG, "cgroup path too long: %s/nslab.%d", cand[i], s->pid);
            break;
        }
        if (s->sys.mkdir(s->sys.ctx, t, dir, 0755) < 0) {
            int err = errno;
            ret = nsl_fail_errno(e, err, "cannot create the session's cgroup %s", dir);
            if (err == EEXIST)
                nsl_err_hint(e, "a session with this PID seems to be left over");
            if ((err == EACCES || err == EPERM || err == EROFS) && i == 0 && cand[1]) {
                trace_note(t, "cannot create it under %s: trying %s", cand[0], cand[1]);
                continue;
            }
            if ((err == EACCES || err == EPERM) && geteuid() != 0)
                nsl_err_hint(e, "making cgroups needs write access to the cgroup tree, which "
                               "only root has here: run nslab as root (sudo)");
            break;
        }
        bool gone;
        int lfd = session_lock(dir, &gone, e);
        if (lfd < 0 && gone && !again++) {
            i--; /* a sweep took it away: make it again, once */
            continue;
        }
        if (lfd < 0) {
            if (gone)
                nsl_fail(e, EAGAIN, "the session's cgroup %s vanished as it was made", dir);
            else
                s->sys.rmdir(s->sys.ctx, t, dir);
            break;
        }
        if (be->init_dir(&s->sys, dir, ctrl, t, e) < 0) {
            s->sys.rmdir(s->sys.ctx, t, dir);
            close(lfd);
            break;
        }
        s->lockfd[hier] = lfd;
        snprintf(s->parent[hier], sizeof s->parent[hier], "%s", dir);
        snprintf(s->base[hier], sizeof s->base[hier], "%s",
                 s->deleg[hier][0] ? s->deleg_leaf[hier] : cand[i]);
        ret = 0;
        break;
    }
    free(own);
    *out = s->parent[hier];
    return ret;
}

static int pick_hier(const struct cg_session *s, enum cg_ctrl ctrl, int want, struct nsl_err *e)
{
    const struct cg_layout *L = s->layout;
    if (want < 0) {
        if (!cg_layout_hier(L, ctrl, e))
            return -1;
        return L->ctrl_hier[ctrl];
    }
    if ((size_t)want >= L->nhier)
        return nsl_fail(e, EINVAL, "no cgroup hierarchy #%d", want);
    if (!(L->hier[want].mask & (1u << ctrl)))
        return nsl_fail(e, ENOENT, "the %s controller is not in the hierarchy at %s",
                        cg_ctrl_info[ctrl].name, L->hier[want].mount);
    return want;
}

/* The name for a new cgroup; *seq is the number used for mem1, cpu2, ...
 * (kept only once the cgroup exists, so a failed cgcreate frees it). */
static int pick_name(const struct cg_session *s, enum cg_ctrl ctrl, const char *want, char *name,
                     size_t size, unsigned *seq, struct nsl_err *e)
{
    *seq = s->seq[ctrl];
    if (want) {
        if (cg_name_check(want, e) < 0)
            return -1;
        if (cg_find(s, want))
            return nsl_fail(e, EEXIST, "this session already has a cgroup named '%s'", want);
        snprintf(name, size, "%s", want);
        return 0;
    }
    do
        snprintf(name, size, "%s%u", cg_ctrl_info[ctrl].prefix, ++*seq);
    while (cg_find(s, name));
    return 0;
}

/* The hierarchy of v1's cpuacct when a cpu cgroup g needs a cpuacct
 * cgroup of its own to count its CPU time, else -1. */
static int acct_hier_for(const struct cg_layout *L, const struct cg_group *g)
{
    int ah = L->ctrl_hier[CG_CPUACCT];
    if (g->ctrl != CG_CPU || g->version != 1 || ah < 0 || ah == g->hier ||
        L->hier[ah].version != 1)
        return -1;
    return ah;
}

/* cpu and cpuacct mounted apart (v1): the cpuacct cgroup of g's name. */
static int make_acct(struct cg_session *s, struct cg_group *g, struct trace *t,
                     struct nsl_err *e)
{
    g->acct[0] = '\0';
    g->acct_hier = acct_hier_for(s->layout, g);
    if (g->acct_hier < 0)
        return 0;
    const char *parent;
    char dir[sizeof g->acct];
    if (session_parent(s, g->acct_hier, CG_CPUACCT, t, e, &parent) < 0)
        return -1;
    int n = snprintf(dir, sizeof dir, "%s/%s", parent, g->name);
    if (n < 0 || (size_t)n >= sizeof dir)
        return nsl_fail(e, ENAMETOOLONG, "cgroup path too long: %s/%s", parent, g->name);
    if (s->sys.mkdir(s->sys.ctx, t, dir, 0755) < 0)
        return nsl_fail_errno(e, errno, "cannot create cgroup %s", dir);
    snprintf(g->acct, sizeof g->acct, "%s", dir);
    trace_note(t, "cpuacct is a hierarchy of its own here (%s): %s counts the CPU time of %s",
               s->layout->hier[g->acct_hier].mount, dir, g->name);
    return 0;
}

/* cgroup v2: one cgroup holds several controllers (a container's limits
 * of memory, pids and cpu together): ctrl added to the session's cgroup g
 * of the same hierarchy, enabled in the parent's cgroup.subtree_control,
 * its limit written. */
static int add_controller(struct cg_session *s, struct cg_group *g, enum cg_ctrl ctrl, int hier,
                          const struct cg_create_opts *o, struct trace *t, struct nsl_err *e)
{
    if (g->version != 2 || hier != g->hier)
        return nsl_fail(e, EEXIST,
                        "this session already has a cgroup named '%s' (a %s cgroup; only on "
                        "cgroup v2 can one cgroup take a second controller)",
                        g->name, cg_ctrl_info[g->ctrl].name);
    if (g->ctrl == ctrl || (g->added & (1u << ctrl)))
        return nsl_fail(e, EEXIST, "the cgroup '%s' has the %s controller already", g->name,
                        cg_ctrl_info[ctrl].name);
    const char *parent;
    if (session_parent(s, hier, ctrl, t, e, &parent) < 0 ||
        g->be->prepare_parent(&s->sys, s->layout->hier[hier].mount, parent, ctrl, t, e) < 0)
        return -1;
    if ((o->limit && g->be->set_limit(&s->sys, g->dir, o->limit, t, e) < 0) ||
        g->be->init_dir(&s->sys, g->dir, ctrl, t, e) < 0)
        return -1;
    g->added |= 1u << ctrl;
    return 0;
}

int cg_create(struct cg_session *s, enum cg_ctrl ctrl, const struct cg_create_opts *o,
              struct trace *t, struct nsl_err *e, const struct cg_group **out)
{
    static const struct cg_create_opts none = CG_CREATE_OPTS_INIT;
    if (!o)
        o = &none;
    if ((unsigned)ctrl >= CG_NCREATE)
        return nsl_usage(e, "nslab does not make cgroups for the %s controller",
                         (unsigned)ctrl < CG_NCTRL ? cg_ctrl_info[ctrl].name : "unknown");
    if (o->limit && o->limit->ctrl != ctrl)
        return nsl_usage(e, "a %s limit given for a %s cgroup", cg_ctrl_info[o->limit->ctrl].name,
                         cg_ctrl_info[ctrl].name);
    int hier = pick_hier(s, ctrl, o->hier, e);
    if (hier < 0)
        return -1;
    for (size_t k = 0; o->name && k < s->n; k++) {
        if (strcmp(s->v[k]->name, o->name) != 0)
            continue;
        if (add_controller(s, s->v[k], ctrl, hier, o, t, e) < 0)
            return -1;
        if (out)
            *out = s->v[k];
        return 0;
    }
    struct cg_group g = {.ctrl = ctrl, .hier = hier, .version = s->layout->hier[hier].version};
    g.be = cg_backend_of(g.version);
    unsigned seq;
    if (pick_name(s, ctrl, o->name, g.name, sizeof g.name, &seq, e) < 0)
        return -1;
    const char *parent;
    if (session_parent(s, hier, ctrl, t, e, &parent) < 0 ||
        g.be->prepare_parent(&s->sys, s->deleg[hier][0] ? s->deleg[hier] : s->layout->hier[hier].mount,
                             parent, ctrl, t, e) < 0)
        return -1;
    snprintf(g.dir, sizeof g.dir, "%s/%s", parent, g.name);
    if (s->sys.mkdir(s->sys.ctx, t, g.dir, 0755) < 0)
        return nsl_fail_errno(e, errno, "cannot create cgroup %s", g.dir);
    /* The limit first: a v1 cpuset then copies only the mems it lacks. */
    if ((o->limit && g.be->set_limit(&s->sys, g.dir, o->limit, t, e) < 0) ||
        g.be->init_dir(&s->sys, g.dir, ctrl, t, e) < 0 || make_acct(s, &g, t, e) < 0) {
        s->sys.rmdir(s->sys.ctx, t, g.dir); /* no half-made cgroup */
        return -1;
    }
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 8;
        s->v = xrealloc(s->v, s->cap * sizeof *s->v);
    }
    struct cg_group *ng = xmalloc(sizeof *ng);
    *ng = g;
    s->v[s->n++] = ng;
    s->seq[ctrl] = seq;
    if (out)
        *out = ng;
    return 0;
}

int cg_set_limit(struct cg_session *s, const struct cg_group *g, const struct cg_limit *lim,
                 struct trace *t, struct nsl_err *e)
{
    if (lim->ctrl != g->ctrl)
        return nsl_usage(e, "%s is a %s cgroup, not %s", g->name, cg_ctrl_info[g->ctrl].name,
                         cg_ctrl_info[lim->ctrl].name);
    return g->be->set_limit(&s->sys, g->dir, lim, t, e);
}

int cg_set_weight(struct cg_session *s, const struct cg_group *g, unsigned weight,
                  struct trace *t, struct nsl_err *e)
{
    if (g->ctrl != CG_CPU)
        return nsl_usage(e, "%s is a %s cgroup: only cpu cgroups have a weight", g->name,
                         cg_ctrl_info[g->ctrl].name);
    if (weight < CG_WEIGHT_MIN || weight > CG_WEIGHT_MAX)
        return nsl_fail(e, ERANGE, "a cpu weight is from %d to %d (default 100), not %u",
                        CG_WEIGHT_MIN, CG_WEIGHT_MAX, weight);
    return g->be->set_weight(&s->sys, g->dir, weight, t, e);
}

int cg_set_device(struct cg_session *s, const struct cg_group *g, bool allow,
                  const struct cg_dev_rule *r, struct trace *t, struct nsl_err *e)
{
    if (g->ctrl != CG_DEVICES)
        return nsl_usage(e, "%s is a %s cgroup: allow and deny are rules of a devices cgroup "
                            "(cgcreate devices)", g->name, cg_ctrl_info[g->ctrl].name);
    struct cg_group *mine = NULL;
    for (size_t i = 0; i < s->n && !mine; i++)
        if (s->v[i] == g)
            mine = s->v[i];
    /* v1's kernel keeps the rules; on v2 nslab does, for its own cgroups */
    struct cg_dev_rules scratch = {0};
    if (!mine && g->version == 2)
        return nsl_usage(e, "%s was not made by cgcreate: on cgroup v2 nslab keeps the device "
                            "rules of the cgroups it made, and the kernel shows only a program",
                         g->name);
    return g->be->set_devices(&s->sys, g->dir, mine ? &mine->dev : &scratch, allow, r, t, e);
}

int cg_devices_show(const struct cg_session *s, const struct cg_group *g, struct strbuf *out,
                    int *nprog, unsigned *id, struct nsl_err *e)
{
    *nprog = -1;
    *id = 0;
    if (g->ctrl != CG_DEVICES)
        return nsl_usage(e, "%s is not a devices cgroup", g->name);
    if (g->version == 1)
        return cg_file_read(g, "devices.list", out, e);
    const struct cg_group *mine = cg_find(s, g->name);
    cg_dev_rules_format(mine ? &mine->dev : &(struct cg_dev_rules){0}, out);
    *nprog = cg_dev_prog_query(g->dir, id);
    if (*nprog < 0)
        return nsl_fail_errno(e, errno, "bpf(BPF_PROG_QUERY) on %s", g->dir);
    return 0;
}

const char *const cg_io_words[CG_IO_N] = {"read_bps", "write_bps", "read_iops", "write_iops"};

int cg_io_what_parse(const char *word, enum cg_io_what *out)
{
    for (int k = 0; k < CG_IO_N; k++)
        if (strcmp(word, cg_io_words[k]) == 0) {
            *out = (enum cg_io_what)k;
            return 0;
        }
    return -1;
}

int cg_set_io(struct cg_session *s, const struct cg_group *g, enum cg_io_what what,
              unsigned major, unsigned minor, uint64_t value, struct trace *t,
              struct nsl_err *e)
{
    if (g->ctrl != CG_IO)
        return nsl_usage(e, "%s is a %s cgroup: %s is a throttle of an io cgroup (cgcreate io)",
                         g->name, cg_ctrl_info[g->ctrl].name, cg_io_words[what]);
    return g->be->set_io(&s->sys, g->dir, what, major, minor, value, t, e);
}

int cg_classid_parse(const char *text, uint32_t *out, struct nsl_err *e)
{
    const char *p = text;
    int base = 10;
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
        base = 16;
        p += 2;
    }
    uint64_t v = 0;
    size_t n = 0;
    for (; *p; p++, n++) {
        int d = *p >= '0' && *p <= '9'                ? *p - '0'
                : base == 16 && *p >= 'a' && *p <= 'f' ? *p - 'a' + 10
                : base == 16 && *p >= 'A' && *p <= 'F' ? *p - 'A' + 10
                                                       : -1;
        if (d < 0)
            return nsl_usage(e, "'%s' is not a class ID: 0xMMMMmmmm (tc's class MAJOR:MINOR in "
                                "hex, e.g. 0x100001 for 10:1) or a decimal number", text);
        v = v * (uint64_t)base + (uint64_t)d;
        if (v > UINT32_MAX)
            return nsl_usage(e, "class ID %s is out of range: it has 32 bits (at most "
                                "0xffffffff, tc's ffff:ffff)", text);
    }
    if (!n)
        return nsl_usage(e, "'%s' is not a class ID: 0xMMMMmmmm, e.g. 0x100001", text);
    *out = (uint32_t)v;
    return 0;
}

int cg_set_classid(struct cg_session *s, const struct cg_group *g, uint32_t id,
                   struct trace *t, struct nsl_err *e)
{
    if (g->ctrl != CG_NET_CLS)
        return nsl_usage(e, "%s is a %s cgroup: a class ID belongs to a net_cls cgroup "
                            "(cgcreate net_cls)", g->name, cg_ctrl_info[g->ctrl].name);
    char value[16];
    snprintf(value, sizeof value, "%" PRIu32, id);
    return cg_write(&s->sys, t, g->dir, "net_cls.classid", value, NULL, e);
}

static int file_name_check(const char *file, struct nsl_err *e)
{
    if (!*file || strchr(file, '/') || strcmp(file, ".") == 0 || strcmp(file, "..") == 0)
        return nsl_usage(e, "'%s' is not a file name of a cgroup (e.g. memory.max)", file);
    return 0;
}

int cg_file_write(struct cg_session *s, const struct cg_group *g, const char *file,
                  const char *value, struct trace *t, struct nsl_err *e)
{
    if (file_name_check(file, e) < 0)
        return -1;
    return cg_write(&s->sys, t, g->dir, file, value, NULL, e);
}

/* The directory holding file for g: its cpuacct cgroup for cpuacct.*. */
static const char *file_dir(const struct cg_group *g, const char *file)
{
    return g->acct[0] && strncmp(file, "cpuacct.", 8) == 0 ? g->acct : g->dir;
}

int cg_file_read(const struct cg_group *g, const char *file, struct strbuf *out,
                 struct nsl_err *e)
{
    char path[sizeof g->dir + 256];
    const char *dir = file_dir(g, file);
    if (file_name_check(file, e) < 0)
        return -1;
    if (cg_join(path, sizeof path, dir, file) < 0 || cg_read_sb(path, out) < 0)
        return nsl_fail_errno(e, errno, "cannot read %s/%s", dir, file);
    return 0;
}

int cg_attach(struct cg_session *s, const struct cg_group *g, pid_t pid, struct trace *t,
              struct nsl_err *e)
{
    if (g->be->attach(&s->sys, g->dir, pid, t, e) < 0)
        return -1;
    return g->acct[0] ? cg_backend_v1.attach(&s->sys, g->acct, pid, t, e) : 0;
}

int cg_freeze(struct cg_session *s, const struct cg_group *g, bool frozen, struct trace *t,
              struct nsl_err *e)
{
    return g->be->freeze(&s->sys, g->dir, frozen, t, e);
}

int cg_group_stats(const struct cg_group *g, struct cg_files *kf, struct cg_stats *st,
                   struct nsl_err *e)
{
    if (g->be->read_stats(g->dir, g->ctrl, kf, st, e) < 0)
        return -1;
    if (g->acct[0] && !st->usage.known) {
        /* nanoseconds, as microseconds like v2's usage_usec */
        cg_stat_num(st, kf, g->acct, "cpuacct.usage", 0, &st->usage);
        if (st->usage.known && !st->usage.is_max)
            st->usage.v /= 1000;
    }
    return 0;
}

int cg_read_stats(const struct cg_session *s, const struct cg_group *g, struct cg_stats *st,
                  struct nsl_err *e)
{
    (void)s;
    return cg_group_stats(g, NULL, st, e);
}

int cg_delete(struct cg_session *s, const struct cg_group *g, bool kill, struct trace *t,
              struct nsl_err *e)
{
    size_t i = 0;
    while (i < s->n && s->v[i] != g)
        i++;
    /* Not one of the list: only a directory strictly below one of the
     * session's cgroups, never anything else of the system. */
    bool below = false;
    for (size_t k = 0; i == s->n && k < s->n && !below; k++) {
        size_t len = strlen(s->v[k]->dir);
        below = g->hier == s->v[k]->hier && strncmp(g->dir, s->v[k]->dir, len) == 0 &&
                g->dir[len] == '/' && !strstr(g->dir + len, "/..") && g->dir[len + 1];
    }
    if (i == s->n && !below)
        return nsl_fail(e, ENOENT, "cgroup %s is not one of this session's", g->name);
    struct remover rm = {.sys = &s->sys, .be = g->be, .paths = s->paths,
                         .rescue = s->base[g->hier], .kill = kill, .t = t};
    if (remove_tree(&rm, g->dir, e) < 0)
        return -1;
    if (g->acct[0]) {
        /* its processes are gone with the cpu cgroup's */
        struct remover ra = rm;
        ra.be = &cg_backend_v1;
        ra.rescue = s->base[g->acct_hier];
        if (remove_tree(&ra, g->acct, e) < 0)
            return -1;
    }
    if (i < s->n)
        group_drop(s, i);
    return 0;
}

int cg_session_cleanup(struct cg_session *s, struct trace *t, struct nsl_err *e)
{
    int ret = 0;
    for (size_t h = 0; h < s->layout->nhier; h++) {
        if (!s->parent[h][0])
            continue;
        struct remover rm = {.sys = &s->sys,
                             .be = cg_backend_of(s->layout->hier[h].version),
                             .paths = s->paths,
                             .rescue = s->base[h],
                             .kill = true,
                             .t = t};
        if (remove_tree(&rm, s->parent[h], ret == 0 ? e : NULL) < 0) {
            ret = -1;
            continue;
        }
        s->parent[h][0] = '\0';
        if (s->lockfd[h] >= 0) {
            close(s->lockfd[h]);
            s->lockfd[h] = -1;
        }
        for (size_t i = s->n; i-- > 0;)
            if (s->v[i]->hier == (int)h)
                group_drop(s, i);
    }
    return ret;
}

/* --- the sweep --------------------------------------------------------- */

/* When process PID started, in seconds since the epoch, or -1. */
static long long proc_start_time(const struct nsl_paths *paths, pid_t pid)
{
    char path[300], buf[1024];
    proc_path(paths, path, sizeof path, "%d/stat", pid);
    if (read_file_at(AT_FDCWD, path, buf, sizeof buf) < 0)
        return -1;
    /* Field 22, counted after the ")" that ends the command (which may
     * itself hold spaces and parentheses). */
    const char *p = strrchr(buf, ')');
    unsigned long long ticks = 0;
    if (!p || sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d "
                            "%*d %*d %*d %llu", &ticks) != 1)
        return -1;
    proc_path(paths, path, sizeof path, "stat");
    struct strbuf st = {0};
    if (read_file_sb(AT_FDCWD, path, &st) < 0) {
        sb_free(&st);
        return -1;
    }
    const char *bt = strstr(sb_str(&st), "\nbtime ");
    long long boot = bt ? atoll(bt + 7) : -1;
    sb_free(&st);
    long hz = sysconf(_SC_CLK_TCK);
    if (boot < 0 || hz <= 0)
        return -1;
    return boot + (long long)(ticks / (unsigned long long)hz);
}

/* What the PID in a session's name says, once its lock was found free. */
enum pid_says { PID_NONE, PID_NSLAB, PID_OLDER };

/* Could process PID of this PID namespace be the session's nslab? Its nslab
 * may run under valgrind or callgrind, whose command name is the tool's: a
 * process that started before the session directory last changed
 * (changed_at) may be its owner all the same, where a PID reused later is
 * not. If not, why not, in why. */
static enum pid_says session_pid(const struct nsl_paths *paths, pid_t pid, time_t changed_at,
                                 char *why, size_t size)
{
    char path[300], comm[64];
    proc_path(paths, path, sizeof path, "%d/comm", pid);
    if (read_file_at(AT_FDCWD, path, comm, sizeof comm) < 0) {
        snprintf(why, size, "no process %d", pid);
        return PID_NONE;
    }
    if (strcmp(chomp(comm), "nslab") == 0)
        return PID_NSLAB;
    long long started = proc_start_time(paths, pid);
    if (started >= 0 && started <= (long long)changed_at) {
        snprintf(why, size,
                 "nobody holds its lock, but process %d (%s) is older than it: an nslab "
                 "without the lock, or a session of another PID namespace",
                 pid, comm);
        return PID_OLDER;
    }
    snprintf(why, size, "process %d is %s, not nslab, and younger than the session", pid, comm);
    return PID_NONE;
}

/* Does /proc/locks list a lock on inode ino of another device than dev? A
 * mount of the same hierarchy in another cgroup namespace is another
 * superblock, whose inodes carry the same numbers: a session locking its
 * directory through it does not block our flock, but shows here. */
static bool locked_elsewhere(const struct nsl_paths *paths, ino_t ino, dev_t dev)
{
    char path[300];
    proc_path(paths, path, sizeof path, "locks");
    struct strbuf sb = {0};
    if (read_file_sb(AT_FDCWD, path, &sb) < 0) {
        sb_free(&sb);
        return false;
    }
    bool found = false;
    for (char *line = sb.buf; line && *line && !found;) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        for (char *tok = strtok(line, " "); tok; tok = strtok(NULL, " ")) {
            unsigned maj, min;
            unsigned long long in;
            char end;
            if (sscanf(tok, "%x:%x:%llu%c", &maj, &min, &in, &end) == 3) {
                /* cgroup file systems have anonymous devices (major 0) */
                found = in == (unsigned long long)ino && maj == 0 && makedev(maj, min) != dev;
                break;
            }
        }
        line = nl ? nl + 1 : NULL;
    }
    sb_free(&sb);
    return found;
}

static int sweep_dir(const struct remover *rm, const char *dir, pid_t self, int *count,
                     struct nsl_err *e)
{
    DIR *d = opendir(dir);
    if (!d)
        return errno == ENOENT ? 0 : nsl_fail_errno(e, errno, "cannot open cgroup %s", dir);
    struct stale {
        char *path, *why;
        int fd; /* holds the lock while it is removed */
    } *stale = NULL;
    size_t n = 0, cap = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        pid_t pid;
        char why[256];
        struct stat st;
        if (strncmp(de->d_name, "nslab.", 6) != 0 || parse_pid(de->d_name + 6, &pid) < 0 ||
            pid == self || !entry_is_dir(d, de))
            continue;
        int fd = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0)
            continue;
        /* A live session holds its lock: keep it, whatever its PID says. */
        if (flock(fd, LOCK_EX | LOCK_NB) < 0 || fstat(fd, &st) < 0) {
            close(fd);
            continue;
        }
        cleanup_free char *path = xasprintf("%s/%s", dir, de->d_name);
        if (locked_elsewhere(rm->paths, st.st_ino, st.st_dev)) {
            sweep_tell(rm, CG_SWEEP_KEPT, path, "a lock is held on an inode of its number "
                                                "through another mount: a session of another "
                                                "cgroup namespace?");
            close(fd);
            continue;
        }
        enum pid_says says = session_pid(rm->paths, pid, st.st_ctime, why, sizeof why);
        if (says != PID_NONE) {
            if (says == PID_OLDER)
                sweep_tell(rm, CG_SWEEP_KEPT, path, why);
            close(fd);
            continue;
        }
        if (n == cap) {
            cap = cap ? cap * 2 : 4;
            stale = xrealloc(stale, cap * sizeof *stale);
        }
        stale[n].path = xasprintf("%s/%s", dir, de->d_name);
        stale[n].fd = fd;
        stale[n++].why = xstrdup(why);
    }
    closedir(d);
    int ret = 0;
    for (size_t i = 0; i < n; i++) {
        /* Not ours to remove (another user's, without root): say so
         * rather than signal processes we cannot and wait for them. */
        if (faccessat(AT_FDCWD, stale[i].path, W_OK, AT_EACCESS) < 0) {
            int err = errno;
            if (ret == 0)
                nsl_fail_errno(e, err, "%s is not this user's to remove", stale[i].path);
            sweep_tell(rm, CG_SWEEP_STALE, stale[i].path, stale[i].why);
            ret = -1;
        } else if (remove_tree(rm, stale[i].path, ret == 0 ? e : NULL) < 0) {
            sweep_tell(rm, CG_SWEEP_STALE, stale[i].path, stale[i].why);
            ret = -1;
        } else {
            sweep_tell(rm, CG_SWEEP_REMOVED, stale[i].path, stale[i].why);
            (*count)++;
        }
        close(stale[i].fd);
        free(stale[i].path);
        free(stale[i].why);
    }
    free(stale);
    return ret;
}

/* When own (the caller's cgroup) is a scope systemd delegated to this
 * session or its leaf, <slice>/nslab-<self>.scope[/CG_SCOPE_LEAF]: the
 * session parents in the other nslab-<N>.scope of that slice, scopes of
 * sessions killed while a process of theirs lived on (an empty scope is
 * gone already: systemd removes it). Only names of that form are looked
 * in, and inside them only what sweep_dir proves dead; were systemd to
 * name scopes' cgroups otherwise one day, nothing would be found. */
static int sweep_scopes(const struct remover *rm, const char *own, pid_t self, int *count,
                        struct nsl_err *e)
{
    char mine[64], slice[CG_PATH_MAX + 64];
    size_t n = strlen(own), m = 0;
    for (int leaf = 0; leaf < 2; leaf++) {
        snprintf(mine, sizeof mine, "/nslab-%d.scope%s", (int)self, leaf ? "/" CG_SCOPE_LEAF : "");
        m = strlen(mine);
        if (n > m && strcmp(own + n - m, mine) == 0)
            break;
        m = 0;
    }
    if (!m)
        return 0;
    snprintf(slice, sizeof slice, "%.*s", (int)(n - m), own);
    DIR *d = opendir(slice);
    if (!d)
        return 0;
    int ret = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        pid_t pid;
        size_t len = strlen(de->d_name);
        if (strncmp(de->d_name, "nslab-", 6) != 0 || len < 13 ||
            strcmp(de->d_name + len - 6, ".scope") != 0 || !entry_is_dir(d, de))
            continue;
        cleanup_free char *num = xstrndup(de->d_name + 6, len - 12);
        if (parse_pid(num, &pid) < 0 || pid == self)
            continue;
        cleanup_free char *scope = xasprintf("%s/%s", slice, de->d_name);
        if (sweep_dir(rm, scope, self, count, ret == 0 ? e : NULL) < 0)
            ret = -1;
    }
    closedir(d);
    return ret;
}

int cg_sweep(const struct cg_layout *L, const struct nsl_paths *paths, const struct cg_sys *sys,
             pid_t self, struct trace *t, struct nsl_err *e)
{
    return cg_sweep_report(L, paths, sys, self, t, NULL, NULL, e);
}

int cg_sweep_report(const struct cg_layout *L, const struct nsl_paths *paths,
                    const struct cg_sys *sys, pid_t self, struct trace *t, cg_sweep_fn report,
                    void *report_ctx, struct nsl_err *e)
{
    struct cg_pid_dirs *own = xcalloc(1, sizeof *own);
    if (cg_pid_dirs(L, paths, 0, own, NULL) < 0)
        memset(own, 0, sizeof *own); /* then the roots only */
    int count = 0, ret = 0;
    for (size_t h = 0; h < L->nhier; h++) {
        const char *dirs[2] = {L->hier[h].mount, NULL};
        if (own->dir[h][0] && strcmp(own->dir[h], L->hier[h].mount) != 0)
            dirs[1] = own->dir[h];
        for (int i = 0; i < 2 && dirs[i]; i++) {
            struct remover rm = {.sys = sys,
                                 .be = cg_backend_of(L->hier[h].version),
                                 .paths = paths,
                                 .rescue = dirs[i],
                                 .kill = true,
                                 .t = t,
                                 .report = report,
                                 .report_ctx = report_ctx};
            if (sweep_dir(&rm, dirs[i], self, &count, ret == 0 ? e : NULL) < 0)
                ret = -1;
            if (i == 1 && sweep_scopes(&rm, dirs[i], self, &count, ret == 0 ? e : NULL) < 0)
                ret = -1;
        }
    }
    free(own);
    return ret < 0 ? -1 : count;
}
