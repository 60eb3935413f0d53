#define _GNU_SOURCE
/* The shell's cgroup state: set up at start, torn down at exit, and the
 * words users type for cgroups and their values. See cgroups.h. */
#include "session/cgroups.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "subject/subject.h"
#include "session/jobs.h"
#include "i18n.h"

/* --- lifecycle ----------------------------------------------------------- */

/* A line for the start's notes about a dead session's cgroups: only what is
 * really gone is called removed. */
static void sweep_note(void *ctx, enum cg_sweep_verdict v, const char *dir, const char *why)
{
    struct strbuf *notes = ctx, what = {0};
    sb_printf(&what, "%s (%s)", dir, why);
    if (v == CG_SWEEP_REMOVED)
        sb_printf(notes, _("nslab: removed the cgroups of a session that is gone: %s\n"),
                  sb_str(&what));
    else if (v == CG_SWEEP_KEPT)
        sb_printf(notes, _("nslab: kept the cgroups of a session that may be alive: %s\n"),
                  sb_str(&what));
    sb_free(&what);
}

void cgroups_init(struct nsl *sh, struct strbuf *notes)
{
    struct nsl_cg *c = xcalloc(1, sizeof *c);
    sh->cg = c;
    struct nsl_err e = {0};
    if (cg_layout_detect(&c->layout, &sh->paths, &e) < 0) {
        snprintf(c->why, sizeof c->why, "the cgroup layout could not be read: %s", e.msg);
        return;
    }
    if (c->layout.mode == CG_MODE_NONE) {
        snprintf(c->why, sizeof c->why,
                 "no cgroup filesystem is mounted under %s (/proc/self/mountinfo lists none)",
                 sh->paths.cgroup);
        return;
    }
    c->ready = true;
    cg_session_init(&c->session, &c->layout, &sh->paths, sh->shell_pid);
    /* systemd owns the tree where it is the init: ask it for a scope with
     * Delegate=yes and keep the session inside (cgroup_systemd.h). */
    struct trace dt = {0};
    if (cg_systemd_delegate(&c->layout, &sh->paths, &c->session.sys, sh->shell_pid, &dt,
                            &c->deleg) == 0 &&
        c->deleg.leaf[0]) {
        snprintf(c->session.deleg[c->deleg.hier], sizeof c->session.deleg[0], "%s", c->deleg.dir);
        snprintf(c->session.deleg_leaf[c->deleg.hier], sizeof c->session.deleg_leaf[0], "%s",
                 c->deleg.leaf);
    }
    trace_free(&dt);
    if (cg_pid_dirs(&c->layout, &sh->paths, sh->shell_pid, &c->host, NULL) < 0)
        memset(&c->host, 0, sizeof c->host);
    /* Sessions whose nslab was killed (SIGKILL leaves no chance to clean
     * up) left their nslab.<PID> parents behind: remove them now. */
    struct trace t = {0};
    int n = cg_sweep_report(&c->layout, &sh->paths, &c->session.sys, sh->shell_pid, &t,
                            sweep_note, notes, &e);
    if (n < 0)
        sb_printf(notes, _("nslab: could not remove the cgroups of a session that is gone: %s\n"),
                  e.msg);
    trace_free(&t);
}

/* Close a hierarchy nslab mounted nowhere. The kernel ends a v1 hierarchy
 * when its last mount goes while its root has no child left; a removed
 * cgroup leaves the root's list a moment later (the release is
 * asynchronous), so wait until /proc/cgroups counts the root alone, or
 * the hierarchy would live on unmounted and keep its subsystems bound
 * (a later mount with other subsystems beside them would get EBUSY). */
static void detached_close(struct nsl *sh, int fd)
{
    char path[CG_PATH_MAX], name[64], me[32];
    snprintf(me, sizeof me, "/proc/%d/fd/%d", (int)sh->shell_pid, fd);
    proc_path(&sh->paths, path, sizeof path, "cgroups");
    /* which hierarchy: the ID of a subsystem of this mount in /proc/cgroups */
    for (int tries = 0; tries < 200; tries++) {
        cleanup_sb struct strbuf text = {0};
        if (read_file_sb(AT_FDCWD, path, &text) < 0)
            break;
        bool busy = false;
        int hier, num, en;
        for (const char *p = sb_str(&text); *p;) {
            size_t len = strcspn(p, "\n");
            cleanup_free char *line = xstrndup(p, len);
            p += len + (p[len] ? 1 : 0);
            for (int h = 0; h < (int)sh->cg->layout.nhier; h++) {
                const struct cg_hier *ch = &sh->cg->layout.hier[h];
                if (strcmp(ch->mount, me) != 0 || line[0] == '#' ||
                    sscanf(line, "%63s %d %d %d", name, &hier, &num, &en) != 4)
                    continue;
                if (strstr(ch->ctrls, name) && num > 1)
                    busy = true;
            }
        }
        if (!busy)
            break;
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    close(fd);
}

void cgroups_free(struct nsl *sh, struct strbuf *errors)
{
    struct nsl_cg *c = sh->cg;
    if (!c)
        return;
    if (c->ready) {
        struct nsl_err e = {0};
        if (cg_session_cleanup(&c->session, NULL, &e) < 0)
            sb_printf(errors, "nslab: cannot remove this session's cgroups: %s\n", e.msg);
        cg_session_free(&c->session);
    }
    for (size_t k = 0; k < c->ndetached; k++)
        detached_close(sh, c->detached[k]);
    cg_snap_free(&c->prev);
    cg_snap_free(&c->now);
    cg_files_free(&c->kept);
    sb_free(&c->subj_text);
    free(c->subj_dirs);
    free(c->oom);
    free(c);
    sh->cg = NULL;
}

int cgroups_hier_for(struct nsl *sh, enum cg_ctrl ctrl, struct trace *t, struct nsl_err *e)
{
    struct nsl_cg *c = sh->cg;
    const struct cg_ctrl_info *ci = &cg_ctrl_info[ctrl];
    if (c->layout.ctrl_hier[ctrl] >= 0 || ci->v2 || ci->v2_core || !ci->v1 ||
        !(c->layout.enabled & (1u << ctrl)))
        return 0; /* there, or cg_create says why not */
    if (c->ndetached == ARRAY_SIZE(c->detached))
        return nsl_fail(e, ENOSPC, "nslab mounts at most %zu hierarchies of its own",
                        ARRAY_SIZE(c->detached));
    char path[CG_PATH_MAX], peers[256];
    proc_path(&sh->paths, path, sizeof path, "cgroups");
    /* EBUSY: the hierarchy it is bound to is still being destroyed (a
     * session that just ended), or another process bound it to other
     * subsystems meanwhile; /proc/cgroups then says so: read it again. */
    int fd = -1;
    for (int tries = 0; tries < 50 && fd < 0; tries++) {
        cleanup_sb struct strbuf text = {0};
        if (read_file_sb(AT_FDCWD, path, &text) < 0)
            return nsl_fail_errno(e, errno, "cannot read %s", path);
        if (cg_proc_cgroups_peers(sb_str(&text), ci->v1, peers, sizeof peers) < 0)
            return nsl_fail(e, ENOENT, "%s does not list %s", path, ci->v1);
        fd = sys_cg_mount_detached(t, peers);
        if (fd < 0 && errno != EBUSY)
            break;
        if (fd < 0) {
            struct timespec ts = {0, 40 * 1000 * 1000};
            nanosleep(&ts, NULL);
        }
    }
    if (fd < 0)
        return nsl_fail_errno(e, errno, "cannot mount a v1 hierarchy of %s", peers);
    snprintf(path, sizeof path, "/proc/%d/fd/%d", (int)sh->shell_pid, fd);
    trace_note(t, "no mount shows %s: a hierarchy of %s mounted nowhere (a detached mount), "
                  "reached as %s", ci->v1, peers, path);
    return cgroups_hier_adopt(sh, fd, peers, t, e);
}

int cgroups_hier_adopt(struct nsl *sh, int fd, const char *peers, struct trace *t,
                       struct nsl_err *e)
{
    struct nsl_cg *c = sh->cg;
    char path[CG_PATH_MAX];
    if (c->ndetached == ARRAY_SIZE(c->detached)) {
        close(fd);
        return nsl_fail(e, ENOSPC, "nslab mounts at most %zu hierarchies of its own",
                        ARRAY_SIZE(c->detached));
    }
    snprintf(path, sizeof path, "/proc/%d/fd/%d", (int)sh->shell_pid, fd);
    if (cg_layout_add_v1(&c->layout, path, peers, e) < 0) {
        close(fd);
        return -1;
    }
    c->detached[c->ndetached++] = fd;
    /* nslab itself is in the new hierarchy's root: the host's cgroup there */
    if (cg_pid_dirs(&c->layout, &sh->paths, sh->shell_pid, &c->host, NULL) < 0)
        memset(&c->host, 0, sizeof c->host);

    /* a session killed earlier may have left its cgroups there */
    cg_sweep(&c->layout, &sh->paths, &c->session.sys, sh->shell_pid, t, NULL);
    return 0;
}

int cgroups_need(struct nsl *sh, struct nsl_err *e)
{
    if (!sh->cg)
        return nsl_fail(e, ENOENT, "cgroups are not set up in this session");
    if (!sh->cg->ready)
        return nsl_fail(e, ENOENT, "cgroups are not available here: %s", sh->cg->why);
    return 0;
}

/* One component of a path below a session cgroup. */
static bool component_ok(const char *s, size_t n)
{
    if (n == 0 || (n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.'))
        return false;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            return false;
    return true;
}

int cgroups_resolve(struct nsl *sh, const char *word, struct cg_group *buf,
                    const struct cg_group **out, struct nsl_err *e)
{
    if (cgroups_need(sh, e) < 0)
        return -1;
    const struct cg_session *s = &sh->cg->session;
    const char *slash = strchr(word, '/');
    if (!slash)
        return cg_lookup(s, word, out, e);
    if (slash == word)
        return nsl_usage(e,
                         "'%s': a CGROUP is a name cgcreate printed (mem1) or a path below one "
                         "(mem1/sub), not an absolute path",
                         word);
    cleanup_free char *name = xstrndup(word, (size_t)(slash - word));
    const struct cg_group *g;
    if (cg_lookup(s, name, &g, e) < 0)
        return -1;
    for (const char *p = slash + 1;;) {
        size_t n = strcspn(p, "/");
        if (!component_ok(p, n))
            return nsl_usage(e, "'%s' is not a path below cgroup %s (no empty, . or .. parts)",
                             word, name);
        if (!p[n])
            break;
        p += n + 1;
    }
    *buf = *g;
    buf->acct[0] = '\0'; /* only the cgroup cg_create made has a cpuacct twin */
    int w1 = snprintf(buf->name, sizeof buf->name, "%s", word);
    int w2 = snprintf(buf->dir, sizeof buf->dir, "%s/%s", g->dir, slash + 1);
    if (w1 < 0 || (size_t)w1 >= sizeof buf->name || w2 < 0 || (size_t)w2 >= sizeof buf->dir)
        return nsl_fail(e, ENAMETOOLONG, "cgroup path '%s' is too long", word);
    struct stat sb;
    if (stat(buf->dir, &sb) < 0 || !S_ISDIR(sb.st_mode))
        return nsl_fail(e, ENOENT, "no cgroup '%s': %s is not a directory", word, buf->dir);
    *out = buf;
    return 0;
}

bool cgroups_pid_ours(struct nsl *sh, pid_t pid)
{
    if (pid <= 0 || pid == sh->shell_pid)
        return false;
    if (pid == sh->subj.pid)
        return true;
    /* A job that ended may have left its PID to a process of someone else. */
    const struct job *j = job_by_pid(sh, pid);
    if (j && (j->state == JOB_RUNNING || j->state == JOB_STOPPED))
        return true;
    /* Descendants of the shell: the subject's children and theirs, and
     * orphans re-parented to the shell (a child subreaper). */
    for (int depth = 0; depth < 64 && pid > 1; depth++) {
        char path[64], buf[512];
        snprintf(path, sizeof path, "%d/stat", (int)pid);
        if (read_file_at(sh->procfd, path, buf, sizeof buf) < 0)
            return false;
        char *rp = strrchr(buf, ')');
        char state;
        int ppid;
        if (!rp || sscanf(rp + 1, " %c %d", &state, &ppid) != 2)
            return false;
        if (ppid == sh->shell_pid)
            return true;
        pid = ppid;
    }
    return false;
}

/* --- values -------------------------------------------------------------- */

static const char *const abstract_keys[] = {
    "limit", "usage", "procs", "oom_kill", "limit_hits", "throttled", "frozen", "weight", "cpus",
    "classid",
};

bool cg_key_is_abstract(const char *key)
{
    for (size_t i = 0; i < ARRAY_SIZE(abstract_keys); i++)
        if (strcmp(key, abstract_keys[i]) == 0)
            return true;
    return false;
}

const char *cg_abstract_key(size_t k)
{
    return k < ARRAY_SIZE(abstract_keys) ? abstract_keys[k] : NULL;
}

static int num_value(const struct cg_num *n, const char *what, const struct cg_group *g,
                     struct strbuf *out, struct nsl_err *e)
{
    if (!n->known)
        return nsl_fail(e, ENOENT, "%s (a %s cgroup, v%d) has no %s file here", g->name,
                        cg_ctrl_info[g->ctrl].name, g->version, what);
    if (n->is_max)
        sb_append(out, "max");
    else
        sb_printf(out, "%" PRIu64, n->v);
    return 0;
}

static int abstract_get(const struct cg_group *g, const char *key, struct strbuf *out,
                        struct nsl_err *e)
{
    struct cg_stats st;
    if (cg_group_stats(g, NULL, &st, e) < 0)
        return -1;
    int r = 0;
    if (strcmp(key, "limit") == 0) {
        if (g->ctrl == CG_CPU && st.limit.known) {
            if (st.limit.is_max)
                sb_printf(out, "max %" PRIu64, st.period.v);
            else
                sb_printf(out, "%" PRIu64 " %" PRIu64, st.limit.v, st.period.v);
        } else if (g->ctrl == CG_CPUSET) {
            sb_append(out, st.cpus);
        } else if (g->ctrl == CG_FREEZER) {
            r = nsl_usage(e, "%s is a freezer cgroup: it has no limit (frozen is its state)",
                          g->name);
        } else {
            r = num_value(&st.limit, "limit", g, out, e);
        }
    } else if (strcmp(key, "usage") == 0) {
        r = num_value(&st.usage, g->ctrl == CG_CPU ? "CPU usage (v1 keeps it in cpuacct, which is not mounted here)"
                                        : "usage",
                      g, out, e);
    } else if (strcmp(key, "procs") == 0) {
        sb_printf(out, "%zu", st.npids);
    } else if (strcmp(key, "oom_kill") == 0) {
        r = num_value(&st.oom_kill, "oom_kill counter", g, out, e);
    } else if (strcmp(key, "limit_hits") == 0) {
        r = num_value(&st.max_hits, "count of limit hits", g, out, e);
    } else if (strcmp(key, "throttled") == 0) {
        r = num_value(&st.nr_throttled, "nr_throttled counter", g, out, e);
    } else if (strcmp(key, "weight") == 0) {
        r = num_value(&st.weight, "cpu weight", g, out, e);
    } else if (strcmp(key, "cpus") == 0) {
        if (g->ctrl != CG_CPUSET)
            r = nsl_usage(e, "%s is not a cpuset cgroup", g->name);
        else
            sb_append(out, st.cpus);
    } else if (strcmp(key, "classid") == 0) {
        const char *v = cg_stats_get(&st, "net_cls.classid", NULL);
        if (!v)
            r = nsl_usage(e, "%s is not a net_cls cgroup: only those have a class ID", g->name);
        else
            sb_printf(out, "%#lx", strtoul(v, NULL, 10));
    } else if (strcmp(key, "frozen") == 0) {
        if (st.frozen < 0)
            r = nsl_usage(e,
                          "%s has no freeze state: on cgroup v1 only cgroups of the freezer "
                          "hierarchy freeze (cgcreate freezer)",
                          g->name);
        else
            sb_append(out, st.frozen == 2 ? "freezing" : st.frozen ? "1" : "0");
    }
    cg_stats_free(&st);
    return r;
}

/* In "key value\n" lines, the value of key. */
static bool keyed_value(const char *text, const char *key, struct strbuf *out)
{
    size_t klen = strlen(key);
    for (const char *p = text; *p;) {
        size_t len = strcspn(p, "\n");
        if (len > klen && strncmp(p, key, klen) == 0 && p[klen] == ' ') {
            sb_appendn(out, p + klen + 1, len - klen - 1);
            return true;
        }
        p += len;
        if (*p)
            p++;
    }
    return false;
}

int cg_value_get(const struct cg_group *g, const char *key, struct strbuf *out,
                 struct nsl_err *e)
{
    if (cg_key_is_abstract(key))
        return abstract_get(g, key, out, e);
    const char *colon = strchr(key, ':');
    cleanup_free char *file = xstrndup(key, colon ? (size_t)(colon - key) : strlen(key));
    struct strbuf text = {0};
    if (cg_file_read(g, file, &text, e) < 0) {
        sb_free(&text);
        return -1;
    }
    int r = 0;
    if (colon) {
        if (!keyed_value(sb_str(&text), colon + 1, out))
            r = nsl_fail(e, ENOENT, "%s/%s has no line '%s'", g->dir, file, colon + 1);
    } else {
        size_t n = text.len;
        while (n && (text.buf[n - 1] == '\n' || text.buf[n - 1] == ' '))
            n--;
        sb_appendn(out, sb_str(&text), n);
    }
    sb_free(&text);
    return r;
}

enum cmp_op { OP_EQ, OP_NE, OP_GT, OP_GE, OP_LT, OP_LE };

/* ">=64M" -> OP_GE and "64M"; no operator -> OP_EQ. */
static const char *op_parse(const char *want, enum cmp_op *op)
{
    static const struct {
        const char *text;
        enum cmp_op op;
    } ops[] = {{">=", OP_GE}, {"<=", OP_LE}, {"!=", OP_NE}, {">", OP_GT}, {"<", OP_LT}, {"=", OP_EQ}};
    for (size_t i = 0; i < ARRAY_SIZE(ops); i++) {
        size_t n = strlen(ops[i].text);
        if (strncmp(want, ops[i].text, n) == 0) {
            *op = ops[i].op;
            return want + n;
        }
    }
    *op = OP_EQ;
    return want;
}

/* A number as a file shows it: digits (with K/M/G for sizes), or "max". */
static bool number_parse(const char *s, uint64_t *out)
{
    bool is_max;
    size_t n = strcspn(s, " \n\t");
    cleanup_free char *word = xstrndup(s, n);
    if (parse_size(word, out, &is_max) < 0)
        return false;
    if (is_max)
        *out = UINT64_MAX;
    return true;
}

static bool op_holds(enum cmp_op op, uint64_t a, uint64_t b)
{
    switch (op) {
    case OP_EQ: return a == b;
    case OP_NE: return a != b;
    case OP_GT: return a > b;
    case OP_GE: return a >= b;
    case OP_LT: return a < b;
    case OP_LE: return a <= b;
    }
    return false;
}

/* Do have's first words equal want's words? */
static bool words_equal(const char *have, const char *want)
{
    size_t nw = 1;
    for (const char *p = want; *p; p++)
        if (*p == ' ')
            nw++;
    const char *p = have;
    while (*p == ' ')
        p++;
    const char *end = p;
    for (size_t k = 0; k < nw && *end; k++) {
        end += strcspn(end, " \n");
        if (k + 1 < nw && *end == ' ')
            end++;
    }
    return (size_t)(end - p) == strlen(want) && strncmp(p, want, strlen(want)) == 0;
}

/* An abstract `limit` against cgcreate's LIMIT syntax. */
static int limit_match(enum cg_ctrl ctrl, const char *have, const char *want, struct strbuf *why,
                       struct nsl_err *e)
{
    struct cg_limit l;
    if (cg_limit_parse(ctrl, want, &l, e) < 0)
        return -1;
    bool held;
    if (ctrl == CG_CPUSET) {
        held = strcmp(have, l.cpus) == 0;
    } else if (ctrl == CG_CPU) {
        char q[32];
        unsigned long long p = 0;
        held = sscanf(have, "%31s %llu", q, &p) == 2 && p == l.period &&
               (l.is_max ? strcmp(q, "max") == 0 : strtoull(q, NULL, 10) == l.value);
    } else {
        uint64_t v;
        held = number_parse(have, &v) && (l.is_max ? v == UINT64_MAX : v == l.value);
    }
    if (!held) {
        struct strbuf f = {0};
        cg_limit_format(&l, &f);
        sb_printf(why, _("the limit is %s, not %s"), have, sb_str(&f));
        sb_free(&f);
    }
    return held;
}

int cg_value_match(enum cg_ctrl ctrl, const char *key, const char *have, const char *want,
                   struct strbuf *why, struct nsl_err *e)
{
    enum cmp_op op;
    const char *rest = op_parse(want, &op);
    if (!*rest)
        return nsl_usage(e, "'%s' compares with nothing", want);
    if (strcmp(key, "limit") == 0 && rest == want)
        return limit_match(ctrl, have, want, why, e);
    uint64_t a, b;
    bool numbers = number_parse(have, &a) && number_parse(rest, &b);
    if (rest != want && !numbers) {
        if (!number_parse(rest, &b))
            return nsl_usage(e, "'%s': %s compares numbers (e.g. >0, <=64M)", want,
                             want[0] == '!' ? "!=" : "an operator");
        sb_printf(why, "%s is \"%s\", not a number", key, have);
        return 0;
    }
    bool held = numbers ? op_holds(op, a, b) : words_equal(have, want);
    if (!held)
        sb_printf(why, "%s is %s%s%s, not %s", key, numbers ? "" : "\"", have, numbers ? "" : "\"",
                  want);
    return held;
}

/* --- OOM kills reported as events ------------------------------------------ */

static uint64_t *oom_seen(struct nsl_cg *c, const char *dir)
{
    for (size_t k = 0; k < c->noom; k++)
        if (strcmp(c->oom[k].dir, dir) == 0)
            return &c->oom[k].count;
    c->oom = xrealloc(c->oom, (c->noom + 1) * sizeof *c->oom);
    struct cg_oom_seen *o = &c->oom[c->noom++];
    snprintf(o->dir, sizeof o->dir, "%s", dir);
    o->count = 0; /* a cgroup of the session starts with none */
    return &o->count;
}

bool cgroups_oom_note(struct nsl *sh, const struct subj_event *ev, struct subj_event *note)
{
    struct nsl_cg *c = sh->cg;
    if (!c || !c->ready || ev->kind != EV_EXITED || !WIFSIGNALED(ev->status) ||
        WTERMSIG(ev->status) != SIGKILL)
        return false;
    for (size_t k = 0; k < c->session.n; k++) {
        const struct cg_group *g = c->session.v[k];
        if (g->ctrl != CG_MEMORY)
            continue;
        struct cg_stats st;
        if (g->be->read_stats(g->dir, g->ctrl, NULL, &st, NULL) < 0)
            continue;
        uint64_t *seen = oom_seen(c, g->dir);
        bool up = st.oom_kill.known && st.oom_kill.v > *seen;
        if (up) {
            const char *file = "memory.events";
            for (size_t i = 0; i < st.nreads; i++)
                if (st.reads[i].key && strcmp(st.reads[i].key, "oom_kill") == 0)
                    file = st.reads[i].file;
            char lim[32] = "max";
            if (st.limit.known && !st.limit.is_max)
                cg_human_size(st.limit.v, lim, sizeof lim);
            *note = (struct subj_event){.kind = EV_TEXT, .pid = ev->pid};
            /* English in the event (-J, expect event); shown translated */
            snprintf(note->fmt, sizeof note->fmt, "%s",
                     N_("OOM kill in %s: the kernel's OOM killer ended a process there (%s "
                        "oom_kill %llu -> %llu; limit %s)"));
            snprintf(note->text, sizeof note->text, note->fmt, g->name, file,
                     (unsigned long long)*seen, (unsigned long long)st.oom_kill.v, lim);
            *seen = st.oom_kill.v;
        }
        cg_stats_free(&st);
        if (up)
            return true;
    }
    return false;
}

/* --- what a step wrote --------------------------------------------------- */

static int recording_write(void *ctx, struct trace *t, const char *path, const char *value)
{
    struct cg_writes *w = ctx;
    int r = w->inner.write(w->inner.ctx, t, path, value);
    int err = errno;
    if (r == 0) {
        if (w->n == w->cap) {
            w->cap = w->cap ? w->cap * 2 : 8;
            w->v = xrealloc(w->v, w->cap * sizeof *w->v);
        }
        w->v[w->n++] = (struct cg_write){.path = xstrdup(path), .value = xstrdup(value)};
    }
    errno = err;
    return r;
}

/* The other calls go through unchanged (ctx is shared by all four). */
static int passing_mkdir(void *ctx, struct trace *t, const char *path, mode_t mode)
{
    struct cg_writes *w = ctx;
    return w->inner.mkdir(w->inner.ctx, t, path, mode);
}

static int passing_rmdir(void *ctx, struct trace *t, const char *path)
{
    struct cg_writes *w = ctx;
    return w->inner.rmdir(w->inner.ctx, t, path);
}

static int passing_kill(void *ctx, struct trace *t, pid_t pid, int sig)
{
    struct cg_writes *w = ctx;
    return w->inner.kill(w->inner.ctx, t, pid, sig);
}

void cgroups_writes_begin(struct nsl *sh, struct cg_writes *w)
{
    struct cg_sys *sys = &sh->cg->session.sys;
    w->inner = *sys;
    sys->mkdir = passing_mkdir;
    sys->rmdir = passing_rmdir;
    sys->write = recording_write;
    sys->kill = passing_kill;
    sys->ctx = w;
}

void cgroups_writes_end(struct nsl *sh, struct cg_writes *w)
{
    sh->cg->session.sys = w->inner;
}

void cg_writes_free(struct cg_writes *w)
{
    for (size_t k = 0; k < w->n; k++) {
        free(w->v[k].path);
        free(w->v[k].value);
    }
    free(w->v);
    memset(w, 0, sizeof *w);
}
