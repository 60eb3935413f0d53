#define _GNU_SOURCE
#include "kernel/nsscan.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/nsfs.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "util.h"
#include "kernel/nsscan_int.h"

#ifndef NSFS_MAGIC
#define NSFS_MAGIC 0x6e736673
#endif

#define NO_NODE SIZE_MAX

/* Namespace inode -> index in the node array (open addressing; inodes
 * are never 0, so 0 marks a free slot). */
struct ino_map {
    ino_t *keys;
    size_t *vals;
    size_t cap, n;
};

static size_t map_slot(const struct ino_map *m, ino_t key)
{
    size_t h = (size_t)(((uint64_t)key * 0x9E3779B97F4A7C15ull) >> 20) & (m->cap - 1);
    while (m->keys[h] != 0 && m->keys[h] != key)
        h = (h + 1) & (m->cap - 1);
    return h;
}

static size_t map_get(const struct ino_map *m, ino_t key)
{
    if (m->cap == 0)
        return NO_NODE;
    size_t h = map_slot(m, key);
    return m->keys[h] == key ? m->vals[h] : NO_NODE;
}

static void map_put(struct ino_map *m, ino_t key, size_t val)
{
    if ((m->n + 1) * 2 > m->cap) {
        struct ino_map old = *m;
        m->cap = old.cap ? old.cap * 2 : 64;
        m->keys = xcalloc(m->cap, sizeof *m->keys);
        m->vals = xcalloc(m->cap, sizeof *m->vals);
        m->n = 0;
        for (size_t i = 0; i < old.cap; i++)
            if (old.keys[i] != 0)
                map_put(m, old.keys[i], old.vals[i]);
        free(old.keys);
        free(old.vals);
    }
    size_t h = map_slot(m, key);
    if (m->keys[h] == 0)
        m->n++;
    m->keys[h] = key;
    m->vals[h] = val;
}

static void map_free(struct ino_map *m)
{
    free(m->keys);
    free(m->vals);
}

enum node_state { NODE_PENDING, NODE_DONE, NODE_GONE };

struct tree_ctx {
    int procfd;
    enum ns_slot type;
    char root[256];      /* the /proc root, for messages */
    struct nsscan nodes; /* namespaces of the tree's type */
    size_t cap;
    unsigned char *state; /* enum node_state, per node */
    struct ino_map map;
    bool opened;   /* some namespace file could be opened */
    int first_err; /* first failed open, for the message when all fail */
    char first_path[320];
};

static size_t node_add(struct tree_ctx *c, enum ns_slot type, ino_t ino)
{
    if (c->nodes.n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 64;
        c->nodes.v = xrealloc(c->nodes.v, c->cap * sizeof *c->nodes.v);
        c->state = xrealloc(c->state, c->cap);
    }
    size_t i = c->nodes.n++;
    memset(&c->nodes.v[i], 0, sizeof c->nodes.v[i]);
    c->nodes.v[i].type = type;
    c->nodes.v[i].ino = ino;
    c->state[i] = NODE_PENDING;
    map_put(&c->map, ino, i);
    return i;
}

/* Open the namespace file of ns through one of its processes (the lowest
 * that still exists and is still in it). Returns the fd, -1 when every
 * member is gone, -2 with *e set when the file is not a namespace at all
 * (a fake /proc tree: the ioctls cannot work there). */
static int ns_open(struct tree_ctx *c, const struct nsscan_ns *ns, struct nsl_err *e)
{
    size_t ncand = ns->npids + (ns->for_children_of ? 1 : 0);
    for (size_t k = 0; k < ncand; k++) {
        bool pending = k == ns->npids;
        pid_t pid = pending ? ns->for_children_of : ns->pids[k];
        const char *file = pending ? ns_info[NS_PID4C].file : ns_info[ns->type].file;
        char path[64];
        snprintf(path, sizeof path, "%d/ns/%s", (int)pid, file);
        int fd = openat(c->procfd, path, O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            if (c->first_err == 0) {
                c->first_err = errno;
                snprintf(c->first_path, sizeof c->first_path, "%s/%s", c->root, path);
            }
            continue;
        }
        struct statfs sfs;
        struct stat st;
        if (fstatfs(fd, &sfs) < 0 || sfs.f_type != NSFS_MAGIC) {
            close(fd);
            nsl_fail(e, ENOTTY,
                     "cannot read the namespace hierarchy: %s/%s is not a namespace file "
                     "(the NS_GET_PARENT ioctl needs a real /proc)",
                     c->root, path);
            return -2;
        }
        if (fstat(fd, &st) < 0 || st.st_ino != ns->ino) {
            close(fd); /* the PID was reused by a process elsewhere */
            continue;
        }
        c->opened = true;
        return fd;
    }
    return -1;
}

static int ioctl_fail(struct nsl_err *e, int err, const char *what, const struct nsscan_ns *ns)
{
    return nsl_fail_errno(e, err, "cannot read the namespace hierarchy: ioctl(%s) on %s:[%ju]",
                          what, ns_info[ns->type].name, (uintmax_t)ns->ino);
}

/* Inode of the namespace an ioctl returned an fd for: 0 with EPERM (out
 * of our scope: the top we can see), -1 with *e on other errors. */
static int ioctl_ino(int fd, unsigned long req, const char *what, const struct nsscan_ns *ns,
                     int *out_fd, ino_t *ino, struct nsl_err *e)
{
    *ino = 0;
    *out_fd = -1;
    int r = ioctl(fd, req);
    if (r < 0)
        return errno == EPERM ? 0 : ioctl_fail(e, errno, what, ns);
    struct stat st;
    if (fstat(r, &st) < 0) {
        int err = errno;
        close(r);
        return ioctl_fail(e, err, what, ns);
    }
    *ino = st.st_ino;
    *out_fd = r;
    return 0;
}

/* Fill owner, owner_uid and parent of node idx from its open fd (taken),
 * then climb: an ancestor not yet known (no process is in it) is added and
 * resolved the same way. */
static int node_resolve(struct tree_ctx *c, size_t idx, int fd, struct nsl_err *e)
{
    while (fd >= 0) {
        cleanup_fd int nsfd = fd; /* every path below returns or sets fd anew */
        struct nsscan_ns *ns = &c->nodes.v[idx];
        int ofd;
        ino_t ino;
        if (ioctl_ino(nsfd, NS_GET_USERNS, "NS_GET_USERNS", ns, &ofd, &ino, e) < 0)
            return -1;
        if (ofd >= 0)
            close(ofd);
        ns->owner = ino;
        if (ns->type == NS_USER) {
            /* Initialised for valgrind, which does not know this ioctl
             * writes its argument. */
            uid_t uid = (uid_t)-1;
            if (ioctl(nsfd, NS_GET_OWNER_UID, &uid) < 0)
                return ioctl_fail(e, errno, "NS_GET_OWNER_UID", ns);
            ns->owner_uid = uid;
        }
        int pfd;
        if (ioctl_ino(nsfd, NS_GET_PARENT, "NS_GET_PARENT", ns, &pfd, &ino, e) < 0)
            return -1;
        ns->parent = ino;
        c->state[idx] = NODE_DONE;
        if (pfd < 0)
            return 0; /* a root */
        size_t p = map_get(&c->map, ino);
        if (p != NO_NODE && c->state[p] == NODE_DONE) {
            close(pfd);
            return 0;
        }
        if (p == NO_NODE)
            p = node_add(c, c->type, ino);
        idx = p;
        fd = pfd;
    }
    return 0;
}

static int owned_cmp(const void *pa, const void *pb)
{
    const struct nsscan_owned *a = pa, *b = pb;
    if (a->type != b->type)
        return a->type < b->type ? -1 : 1;
    return (a->ino > b->ino) - (a->ino < b->ino);
}

/* User tree: attach each other namespace to the user namespace that owns
 * it (adding that one if no process is in it). */
static int attach_owned(struct tree_ctx *c, struct nsscan *others, struct nsl_err *e)
{
    for (size_t i = 0; i < others->n; i++) {
        const struct nsscan_ns *o = &others->v[i];
        int fd = ns_open(c, o, e);
        if (fd == -2)
            return -1;
        if (fd < 0)
            continue;
        cleanup_fd int nsfd = fd;
        int ufd;
        ino_t uino;
        if (ioctl_ino(nsfd, NS_GET_USERNS, "NS_GET_USERNS", o, &ufd, &uino, e) < 0)
            return -1;
        if (ufd < 0)
            continue; /* owned by a user namespace above the ones we can see */
        size_t u = map_get(&c->map, uino);
        if (u == NO_NODE)
            u = node_add(c, NS_USER, uino);
        if (c->state[u] != NODE_DONE) {
            if (node_resolve(c, u, ufd, e) < 0)
                return -1;
        } else {
            close(ufd);
        }
        struct nsscan_ns *un = &c->nodes.v[u];
        un->owns = xrealloc(un->owns, (un->nowns + 1) * sizeof *un->owns);
        un->owns[un->nowns++] =
            (struct nsscan_owned){.type = o->type, .ino = o->ino, .nprocs = o->nprocs};
    }
    for (size_t i = 0; i < c->nodes.n; i++)
        if (c->nodes.v[i].nowns > 1)
            qsort(c->nodes.v[i].owns, c->nodes.v[i].nowns, sizeof(struct nsscan_owned), owned_cmp);
    return 0;
}

/* The last PID of the NSpid line: the PID in the process's own namespace. */
static pid_t read_ns_pid(int procfd, pid_t pid)
{
    char path[32];
    char buf[8192];
    snprintf(path, sizeof path, "%d/status", (int)pid);
    if (read_file_at(procfd, path, buf, sizeof buf) < 0)
        return 0;
    const char *line = strstr(buf, "\nNSpid:");
    if (!line)
        return 0;
    line += strlen("\nNSpid:");
    long last = 0;
    for (;;) {
        char *end;
        long v = strtol(line, &end, 10);
        if (end == line)
            break;
        last = v;
        line = end;
    }
    return (pid_t)last;
}

static void fill_procs(int procfd, struct nsscan_ns *ns, size_t max_procs)
{
    size_t n = ns->npids;
    if (max_procs && n > max_procs)
        n = max_procs;
    if (n == 0)
        return;
    ns->procs = xcalloc(n, sizeof *ns->procs);
    for (size_t k = 0; k < n; k++) {
        struct nsscan_proc *p = &ns->procs[k];
        p->pid = ns->pids[k];
        p->ns_pid = read_ns_pid(procfd, p->pid);
        p->command = k == 0 && ns->command ? xstrdup(ns->command) : nsscan_command(procfd, p->pid);
    }
    ns->nprocs_shown = n;
}

static int idx_ino_cmp(const void *pa, const void *pb, void *arg)
{
    const struct nsscan_ns *v = arg;
    ino_t a = v[*(const size_t *)pa].ino, b = v[*(const size_t *)pb].ino;
    return (a > b) - (a < b);
}

/* Put the live nodes in depth-first order (roots and siblings by inode)
 * and set their levels. Gone nodes are freed. */
static void order_tree(struct tree_ctx *c, struct nsscan *out)
{
    size_t n = c->nodes.n;
    struct nsscan_ns *v = c->nodes.v;
    cleanup_free size_t *byino = xmalloc(n * sizeof *byino);
    cleanup_free size_t *parent = xmalloc(n * sizeof *parent);
    cleanup_free size_t *nchild = xcalloc(n + 1, sizeof *nchild);
    cleanup_free size_t *first = xcalloc(n + 1, sizeof *first);
    cleanup_free size_t *kids = xmalloc(n * sizeof *kids);
    cleanup_free size_t *stack = xmalloc(n * sizeof *stack);
    cleanup_free bool *seen = xcalloc(n, sizeof *seen);
    size_t live = 0;
    for (size_t i = 0; i < n; i++) {
        if (c->state[i] != NODE_DONE)
            continue;
        byino[live++] = i;
        size_t p = v[i].parent ? map_get(&c->map, v[i].parent) : NO_NODE;
        parent[i] = p != NO_NODE && c->state[p] == NODE_DONE ? p : NO_NODE;
        if (parent[i] != NO_NODE)
            nchild[parent[i]]++;
    }
    qsort_r(byino, live, sizeof *byino, idx_ino_cmp, v);
    for (size_t i = 0; i < n; i++)
        first[i + 1] = first[i] + nchild[i];
    memset(nchild, 0, (n + 1) * sizeof *nchild);
    for (size_t k = 0; k < live; k++) {
        size_t i = byino[k];
        if (parent[i] != NO_NODE)
            kids[first[parent[i]] + nchild[parent[i]]++] = i;
    }

    out->v = xcalloc(live, sizeof *out->v);
    out->n = 0;
    /* Roots in inode order; a node whose parent chain never reaches a root
     * cannot exist, but would be shown as a root rather than lost. */
    for (int pass = 0; pass < 2; pass++) {
        for (size_t k = 0; k < live; k++) {
            size_t r = byino[k];
            if (seen[r] || (pass == 0 && parent[r] != NO_NODE))
                continue;
            size_t sp = 0;
            stack[sp++] = r;
            v[r].level = 0;
            while (sp > 0) {
                size_t i = stack[--sp];
                if (seen[i])
                    continue;
                seen[i] = true;
                out->v[out->n++] = v[i];
                for (size_t j = nchild[i]; j-- > 0;) {
                    size_t ch = kids[first[i] + j];
                    v[ch].level = v[i].level + 1;
                    stack[sp++] = ch;
                }
            }
        }
    }
    for (size_t i = 0; i < n; i++)
        if (c->state[i] != NODE_DONE)
            nsscan_ns_clear(&v[i]);
    free(v);
    c->nodes.v = NULL;
    c->nodes.n = 0;
}

static void ctx_free(struct tree_ctx *c)
{
    nsscan_free(&c->nodes);
    free(c->state);
    map_free(&c->map);
}

/* Move the collected groups of the tree's type into nodes; for PID, a
 * namespace seen only through pid_for_children becomes a node without
 * processes. Groups of other types stay in *scan (user tree: owned). */
static void take_nodes(struct tree_ctx *c, struct nsscan *scan)
{
    size_t kept = 0;
    for (size_t i = 0; i < scan->n; i++) {
        struct nsscan_ns *g = &scan->v[i];
        if (g->type == c->type) {
            size_t k = node_add(c, c->type, g->ino);
            c->nodes.v[k] = *g;
            memset(g, 0, sizeof *g);
        } else if (g->type == NS_PID4C) {
            if (map_get(&c->map, g->ino) == NO_NODE) {
                size_t k = node_add(c, NS_PID, g->ino);
                c->nodes.v[k].for_children_of = g->pids[0];
            }
            nsscan_ns_clear(g);
        } else {
            scan->v[kept++] = *g;
        }
    }
    scan->n = kept;
}

int nsscan_tree(int procfd, enum ns_slot type, size_t max_procs, struct nsscan *out,
                struct nsl_err *e)
{
    out->v = NULL;
    out->n = 0;
    if (type != NS_PID && type != NS_USER)
        return nsl_fail(e, EINVAL, "a namespace tree is of pid or user namespaces, not %s",
                        ns_info[type].name);
    unsigned mask = 1u << NS_PID | 1u << NS_PID4C;
    if (type == NS_USER) {
        mask = 0;
        for (int s = 0; s < NS_NSLOTS; s++)
            if (ns_is_type(s))
                mask |= 1u << s;
    }
    struct nsscan scan;
    if (nsscan_collect(procfd, mask, &scan, e) < 0)
        return -1;

    struct tree_ctx c = {.procfd = procfd, .type = type};
    nsscan_root_name(procfd, c.root, sizeof c.root);
    take_nodes(&c, &scan);
    size_t found = c.nodes.n + scan.n;
    int rc = -1;
    for (size_t i = 0; i < c.nodes.n; i++) {
        if (c.state[i] != NODE_PENDING)
            continue;
        int fd = ns_open(&c, &c.nodes.v[i], e);
        if (fd == -2)
            goto out;
        if (fd < 0) {
            c.state[i] = NODE_GONE; /* revived if a child names it as parent */
            continue;
        }
        if (node_resolve(&c, i, fd, e) < 0)
            goto out;
    }
    if (type == NS_USER && attach_owned(&c, &scan, e) < 0)
        goto out;
    if (found > 0 && !c.opened) {
        nsl_fail_errno(e, c.first_err,
                       "cannot read the namespace hierarchy: no namespace file could be "
                       "opened (first: %s)",
                       c.first_path);
        goto out;
    }
    for (size_t i = 0; i < c.nodes.n; i++) {
        struct nsscan_ns *ns = &c.nodes.v[i];
        if (c.state[i] != NODE_DONE)
            continue;
        if (ns->npids > 0)
            nsscan_fill_command(procfd, ns);
        fill_procs(procfd, ns, max_procs);
    }
    order_tree(&c, out);
    rc = 0;
out:
    nsscan_free(&scan);
    ctx_free(&c);
    return rc;
}
