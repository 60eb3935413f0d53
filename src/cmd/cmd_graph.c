#define _GNU_SOURCE
/* graph [FILE]: the session as a Graphviz DOT file, for slides. This file
 * reads the kernel (the links of /proc/PID/ns, NS_GET_PARENT, cgroup.procs) into a
 * struct graph; render/graph_dot.c draws it. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "session/cgroups.h"
#include "cmd/handlers.h"
#include "cmd/cmd_graph.h"
#include "kernel/nsparent.h"
#include "kernel/nsscan.h"
#include "render/graph_dot.h"
#include "subject/subject.h"
#include "session/jobs.h"
#include "session/target.h"
#include "i18n.h"

#define GRAPH_CG_DEPTH 4     /* levels below a session cgroup drawn */
#define GRAPH_MAX_CGS 64     /* cgroups drawn in all */
#define GRAPH_MAX_OTHERS 24  /* processes in cgroups that are neither subject nor job */
#define GRAPH_TITLE_MAX 40   /* characters of a command line in a box */

/* Shorten s to at most max bytes, on a UTF-8 boundary, with "…". */
static char *shorten(const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n <= max)
        return xstrdup(s);
    while (max > 0 && ((unsigned char)s[max] & 0xc0) == 0x80)
        max--;
    return xasprintf("%.*s…", (int)max, s);
}

/* Add process pid with its namespaces; false when it is gone. */
static bool add_proc(struct nsl *sh, struct graph *g, enum graph_role role, const char *title,
                     pid_t pid, pid_t inner)
{
    struct ns_obs o[NS_NSLOTS];
    if (ns_read_all(sh->procfd, pid, o) < 0)
        return false;
    char pb[32];
    size_t k = graph_add_proc(g, role, title, fmt_pid(sh, pid, pb, sizeof pb));
    struct graph_proc *p = &g->procs[k];
    p->host_pid = pid;
    p->inner = inner != pid ? inner : 0;
    for (int s = 0; s < NS_NSLOTS; s++) {
        p->ns[s] = o[s].ino;
        if (!o[s].ino && o[s].err == ENOENT && ns_info[s].for_children)
            p->pending |= 1u << s;
    }
    return true;
}

/* A namespace node for every link of every process, labelled as the rest
 * of nslab prints inodes. */
static void add_namespaces(struct nsl *sh, struct graph *g)
{
    char b[32];
    for (size_t k = 0; k < g->nprocs; k++)
        for (int s = 0; s < NS_NSLOTS; s++) {
            ino_t ino = g->procs[k].ns[s];
            if (ino)
                graph_add_ns(g, (enum ns_slot)s, ino, fmt_ino(sh, (enum ns_slot)s, ino, b, sizeof b));
        }
}

static bool ns_is_hosts(const struct graph *g, enum ns_slot type, ino_t ino)
{
    for (int s = 0; s < NS_NSLOTS; s++)
        if (ns_info[s].base == type && g->procs[0].ns[s] == ino)
            return true;
    return false;
}

/* Climb NS_GET_PARENT from process k's link in slot s up to a namespace
 * already drawn (the host's, or one the climb from another link reached),
 * adding the ancestors no process of the session is in. */
static int climb(struct nsl *sh, struct graph *g, size_t k, enum ns_slot s, struct nsl_err *e)
{
    enum ns_slot type = ns_info[s].base;
    ino_t ino = g->procs[k].ns[s];
    if (!ino || ns_is_hosts(g, type, ino))
        return 0;
    size_t n = graph_find_ns(g, type, ino);
    if (n == (size_t)-1 || g->ns[n].parent)
        return 0;
    char path[64];
    snprintf(path, sizeof path, "%d/ns/%s", (int)g->procs[k].host_pid, ns_info[s].file);
    int fd = openat(sh->procfd, path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0; /* gone since: nothing to climb from */
    if (ns_fd_ino(fd) != ino) {
        close(fd); /* it moved meanwhile; the picture shows what was read */
        return 0;
    }
    while (fd >= 0) {
        ino_t parent;
        int pfd;
        int r = ns_get_parent(fd, &parent, &pfd, e);
        close(fd);
        if (r < 0)
            return -1;
        g->ns[n].parent = parent;
        if (!parent)
            break;
        size_t p = graph_find_ns(g, type, parent);
        if (p != (size_t)-1) {
            close(pfd);
            break;
        }
        char b[32];
        n = graph_add_ns(g, type, parent, fmt_ino(sh, type, parent, b, sizeof b));
        fd = pfd;
    }
    return 0;
}

static void cg_info(const struct cg_group *grp, const struct cg_stats *st, struct strbuf *out)
{
    sb_append(out, grp->ctrl < CG_NCTRL ? cg_ctrl_info[grp->ctrl].name : "cgroup");
    char b[48];
    switch (grp->ctrl) {
    case CG_MEMORY:
    case CG_PIDS:
        if (st->limit.known && !st->limit.is_max) {
            if (grp->ctrl == CG_MEMORY)
                cg_human_size(st->limit.v, b, sizeof b);
            else
                snprintf(b, sizeof b, "%" PRIu64, st->limit.v);
            sb_printf(out, ", limit %s", b);
        }
        break;
    case CG_CPU:
        if (st->limit.known && !st->limit.is_max && st->period.known && st->period.v)
            sb_printf(out, ", limit %.4g%% CPU", 100.0 * (double)st->limit.v / (double)st->period.v);
        break;
    case CG_CPUSET:
        if (st->cpus[0])
            sb_printf(out, ", cpus %s", st->cpus);
        break;
    default:
        break;
    }
    if (st->frozen == 1)
        sb_append(out, ", frozen");
}

/* The process index of pid, adding it (as a process of the session that is
 * neither subject nor job: a job's child) while there is room. */
static long proc_of(struct nsl *sh, struct graph *g, pid_t pid, size_t *others)
{
    for (size_t k = 0; k < g->nprocs; k++)
        if (g->procs[k].host_pid == pid)
            return (long)k;
    if (*others >= GRAPH_MAX_OTHERS)
        return -1;
    cleanup_free char *cmd = nsscan_command(sh->procfd, pid);
    if (!cmd)
        return -1;
    cleanup_free char *title = shorten(cmd, GRAPH_TITLE_MAX);
    if (!add_proc(sh, g, GRAPH_OTHER, title, pid, pid_inside(sh, pid)))
        return -1;
    (*others)++;
    return (long)g->nprocs - 1;
}

/* grp's node with its members, then the directories below it (sorted),
 * depth first, as cgls walks them. */
static void add_cgroup(struct nsl *sh, struct graph *g, size_t hier, long parent,
                       const struct cg_group *grp, int depth, size_t *others)
{
    if (g->ncgs >= GRAPH_MAX_CGS)
        return;
    struct cg_stats st = {0};
    struct nsl_err e;
    if (cg_read_stats(&sh->cg->session, grp, &st, &e) < 0) {
        cg_stats_free(&st);
        return; /* removed meanwhile */
    }
    struct strbuf info = {0};
    cg_info(grp, &st, &info);
    size_t c = graph_add_cg(g, hier, parent, grp->name, sb_str(&info));
    sb_free(&info);
    for (size_t i = 0; i < st.npids; i++) {
        long p = proc_of(sh, g, st.pids[i], others);
        if (p < 0)
            g->cgs[c].more++;
        else
            graph_cg_add_member(&g->cgs[c], (size_t)p);
    }
    cg_stats_free(&st);
    if (depth >= GRAPH_CG_DEPTH)
        return;
    struct cg_group *subs;
    size_t n = cg_children(grp, &subs);
    for (size_t k = 0; k < n; k++)
        add_cgroup(sh, g, hier, (long)c, &subs[k], depth + 1, others);
    free(subs);
}

/* One cluster per hierarchy holding session cgroups. Cgroups are optional
 * in the picture: without a usable layout there are simply none. */
static void add_cgroups(struct nsl *sh, struct graph *g)
{
    struct nsl_err e;
    if (!sh->cg || cgroups_need(sh, &e) < 0)
        return;
    const struct cg_session *s = &sh->cg->session;
    const struct cg_layout *L = &sh->cg->layout;
    size_t others = 0;
    char pb[32];
    for (size_t h = 0; h < L->nhier; h++) {
        bool any = false;
        for (size_t k = 0; k < s->n && !any; k++)
            any = s->v[k]->hier == (int)h;
        if (!any)
            continue;
        cleanup_free char *label =
            xasprintf("cgroup v%d: %s/…/nslab.%s", L->hier[h].version, L->hier[h].mount,
                      fmt_pid(sh, sh->shell_pid, pb, sizeof pb));
        size_t hi = graph_add_hier(g, label);
        for (size_t k = 0; k < s->n; k++)
            if (s->v[k]->hier == (int)h)
                add_cgroup(sh, g, hi, -1, s->v[k], 0, &others);
    }
}

static int graph_collect(struct nsl *sh, struct graph *g, struct nsl_err *e)
{
    char pb[32];
    g->title = xasprintf("nslab session (shell PID %s)",
                         fmt_pid(sh, sh->shell_pid, pb, sizeof pb));
    /* The shell's namespaces are the host's, as in every observation. */
    size_t k = graph_add_proc(g, GRAPH_SHELL, "nslab shell (host)",
                              fmt_pid(sh, sh->shell_pid, pb, sizeof pb));
    g->procs[k].host_pid = sh->shell_pid;
    for (int s = 0; s < NS_NSLOTS; s++)
        g->procs[k].ns[s] = sh->host_ns[s].ino;
    if (sh->subj.pid > 0)
        add_proc(sh, g, GRAPH_SUBJECT, "subject", sh->subj.pid, pid_inside(sh, sh->subj.pid));
    events_poll(sh, 0); /* jobs that ended are not drawn */
    for (size_t j = 0; j < sh->jobs.n; j++) {
        const struct job *jb = &sh->jobs.v[j];
        if (jb->state != JOB_RUNNING && jb->state != JOB_STOPPED)
            continue;
        cleanup_free char *cmd = shorten(jb->cmd ? jb->cmd : "", GRAPH_TITLE_MAX);
        cleanup_free char *title = xasprintf("%%%d %s", jb->id, cmd);
        add_proc(sh, g, GRAPH_JOB, title, jb->pid, jb->ns_pid);
    }
    add_cgroups(sh, g);
    add_namespaces(sh, g);
    for (size_t p = 0; p < g->nprocs; p++) {
        static const enum ns_slot climbed[] = {NS_PID, NS_PID4C, NS_USER};
        for (size_t i = 0; i < ARRAY_SIZE(climbed); i++)
            if (climb(sh, g, p, climbed[i], e) < 0)
                return -1;
    }
    return 0;
}

int graph_session_dot(struct nsl *sh, struct strbuf *dot, struct nsl_err *e)
{
    struct graph g = {0};
    int rc = graph_collect(sh, &g, e);
    if (rc == 0)
        graph_dot(&g, dot, NULL);
    graph_free(&g);
    return rc;
}

static int write_all(int fd, const char *buf, size_t len)
{
    while (len) {
        ssize_t w = write(fd, buf, len);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        buf += w;
        len -= (size_t)w;
    }
    return 0;
}

int cmd_graph(struct nsl *sh, int argc, char **argv)
{
    if (argc > 2)
        return step_usage(sh, "usage: graph [FILE] (FILE - or none: the DOT text is the "
                              "step's output)");
    const char *file = argc == 2 && strcmp(argv[1], "-") != 0 ? argv[1] : NULL;
    if (file && !*file)
        return step_usage(sh, "graph: the file name is empty");
    struct graph g = {0};
    struct nsl_err e;
    if (sh->cg)
        cgroups_for_step(sh); /* the -J step carries them, as the graph draws them */
    if (graph_collect(sh, &g, &e) < 0) {
        graph_free(&g);
        return step_fail_err(sh, &e);
    }
    struct strbuf dot = {0};
    struct graph_counts n;
    graph_dot(&g, &dot, &n);
    if (file) {
        int fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
        int err = errno;
        if (fd < 0 || write_all(fd, dot.buf, dot.len) < 0 || close(fd) < 0) {
            err = fd < 0 ? err : errno;
            if (fd >= 0)
                close(fd);
            sb_free(&dot);
            graph_free(&g);
            if (err == ELOOP)
                return step_fail_errno(sh, err, "cannot write the graph to %s (it is a symbolic "
                                                "link, which graph does not follow)", file);
            return step_fail_errno(sh, err, "cannot write the graph to %s", file);
        }
        out_printf(sh, _("wrote %s: %zu nodes, %zu edges (%zu processes, %zu namespaces, %zu "
                       "cgroups)\nrender it with: dot -Tsvg %s -o graph.svg\n"),
                   file, n.nodes, n.edges, g.nprocs, g.nns, g.ncgs, file);
    } else {
        out_printf(sh, "%s", sb_str(&dot));
    }
    print_string(sh, PRINT_JSON, "file", NULL, file);
    print_uint(sh, PRINT_JSON, "nodes", NULL, n.nodes);
    print_uint(sh, PRINT_JSON, "edges", NULL, n.edges);
    print_uint(sh, PRINT_JSON, "processes", NULL, g.nprocs);
    print_uint(sh, PRINT_JSON, "namespaces", NULL, g.nns);
    print_uint(sh, PRINT_JSON, "cgroups", NULL, g.ncgs);
    sb_free(&dot);
    graph_free(&g);
    return 0;
}
