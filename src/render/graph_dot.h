/* `graph`: one session as a Graphviz DOT picture, for slides. The shell
 * (the host), the subject and the jobs are boxes; namespaces are ellipses
 * coloured by type; the host's namespaces are drawn once, in one cluster the
 * shell points at, and a process has an arrow only to each namespace in
 * which it differs from the host; pid and user namespaces point at their
 * parent (NS_GET_PARENT); the session's cgroups are folders in one cluster
 * per hierarchy, joined to the processes in them.
 *
 * Plain data in, text out: the handler (cmd/cmd_graph.c) reads the kernel
 * and fills struct graph; graph_dot() only writes, so tests draw fake
 * sessions. */
#ifndef NSLAB_GRAPH_DOT_H
#define NSLAB_GRAPH_DOT_H

#include <stddef.h>
#include <sys/types.h>

#include "kernel/ns.h"
#include "util.h"

enum graph_role { GRAPH_SHELL, GRAPH_SUBJECT, GRAPH_JOB, GRAPH_OTHER };

struct graph_proc {
    enum graph_role role;
    char *title;         /* "subject", "%1 sleep 100", "nslab shell" */
    char *pid;           /* host PID as printed (a label with --stable) */
    pid_t host_pid;      /* for matching cgroup.procs; not drawn */
    pid_t inner;         /* PID in its own PID namespace when not the host PID; else 0 */
    ino_t ns[NS_NSLOTS]; /* 0: not readable (gone, or a pending pid_for_children) */
    unsigned pending;    /* slots (1 << slot) the kernel hides until a child is born */
};

struct graph_ns {
    enum ns_slot type; /* a type (NS_PID for pid_for_children too) */
    ino_t ino;
    char *label;  /* the inode as printed (a label with --stable) */
    ino_t parent; /* pid, user: NS_GET_PARENT's inode; 0 when none is visible */
};

struct graph_cg {
    char *name;    /* "mem1", "mem1/sub" */
    char *info;    /* a second line: "memory, limit 64M"; NULL for none */
    size_t hier;   /* index into graph.hiers */
    long parent;   /* index into graph.cgs of the cgroup above it; -1: the top */
    size_t *members; /* indexes into graph.procs, from cgroup.procs */
    size_t nmembers;
    size_t more;   /* members beyond the ones drawn */
};

struct graph {
    char *title;
    /* procs[0] is the shell: its namespaces are the host's. */
    struct graph_proc *procs;
    size_t nprocs;
    struct graph_ns *ns; /* every inode some process or parent link names */
    size_t nns;
    struct graph_cg *cgs; /* parents before their children */
    size_t ncgs;
    char **hiers; /* one cluster label per hierarchy with session cgroups */
    size_t nhiers;
};

struct graph_counts {
    size_t nodes, edges;
};

/* Write g as a DOT digraph into out (appended) and count what was drawn. */
void graph_dot(const struct graph *g, struct strbuf *out, struct graph_counts *counts);

/* s as a DOT double-quoted string, quotes included: '"' and '\' escaped,
 * a newline becomes DOT's line break \n, other control characters and
 * bytes that are not UTF-8 become '?'. */
void dot_quote(struct strbuf *out, const char *s);

/* Building: add a process (strings copied; returns its index), a namespace
 * (once per type and inode; returns its index), a cgroup, a hierarchy. */
size_t graph_add_proc(struct graph *g, enum graph_role role, const char *title, const char *pid);
size_t graph_add_ns(struct graph *g, enum ns_slot type, ino_t ino, const char *label);
/* Index of the namespace (type, ino), or (size_t)-1. */
size_t graph_find_ns(const struct graph *g, enum ns_slot type, ino_t ino);
size_t graph_add_cg(struct graph *g, size_t hier, long parent, const char *name,
                    const char *info);
void graph_cg_add_member(struct graph_cg *c, size_t proc);
size_t graph_add_hier(struct graph *g, const char *label);
void graph_free(struct graph *g);

#endif
