#define _GNU_SOURCE
#include "kernel/nsscan.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"
#include "kernel/nsscan_int.h"

/* One (namespace, process) membership read from a /proc/PID/ns link. */
struct ns_rec {
    ino_t ino;
    pid_t pid;
    unsigned char slot;
};

struct rec_vec {
    struct ns_rec *v;
    size_t n, cap;
};

static void rec_push(struct rec_vec *r, ino_t ino, pid_t pid, enum ns_slot slot)
{
    if (r->n == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 1024;
        r->v = xrealloc(r->v, r->cap * sizeof *r->v);
    }
    r->v[r->n++] = (struct ns_rec){.ino = ino, .pid = pid, .slot = (unsigned char)slot};
}

static int rec_cmp(const void *pa, const void *pb)
{
    const struct ns_rec *a = pa, *b = pb;
    if (a->ino != b->ino)
        return a->ino < b->ino ? -1 : 1;
    if (a->slot != b->slot)
        return a->slot < b->slot ? -1 : 1;
    return (a->pid > b->pid) - (a->pid < b->pid);
}

static int pid_cmp(const void *pa, const void *pb)
{
    pid_t a = *(const pid_t *)pa, b = *(const pid_t *)pb;
    return (a > b) - (a < b);
}

/* A /proc entry that is a PID: digits only, no leading zero, fits pid_t. */
static pid_t dirent_pid(const char *name)
{
    if (name[0] < '1' || name[0] > '9')
        return 0;
    long v = 0;
    for (const char *p = name; *p; p++) {
        if (*p < '0' || *p > '9')
            return 0;
        v = v * 10 + (*p - '0');
        if (v > INT32_MAX)
            return 0;
    }
    return (pid_t)v;
}

void nsscan_root_name(int procfd, char *buf, size_t size)
{
    char link[64];
    snprintf(link, sizeof link, "/proc/self/fd/%d", procfd);
    ssize_t n = readlink(link, buf, size - 1);
    if (n <= 0) {
        snprintf(buf, size, "/proc");
        return;
    }
    buf[n] = '\0';
}

/* The PIDs under the /proc root, ascending (the kernel lists them in order;
 * a fake tree may not). */
static int list_pids(int procfd, pid_t **out, size_t *nout, struct nsl_err *e)
{
    int dfd = openat(procfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) {
        char root[256];
        nsscan_root_name(procfd, root, sizeof root);
        return nsl_fail_errno(e, errno, "cannot open %s", root);
    }
    DIR *d = fdopendir(dfd);
    if (!d) {
        int err = errno;
        close(dfd);
        return nsl_fail_errno(e, err, "cannot list the /proc root");
    }
    pid_t *v = NULL;
    size_t n = 0, cap = 0;
    bool sorted = true;
    struct dirent *de;
    while ((de = readdir(d))) {
        pid_t pid = dirent_pid(de->d_name);
        if (pid == 0)
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 512;
            v = xrealloc(v, cap * sizeof *v);
        }
        if (n > 0 && v[n - 1] > pid)
            sorted = false;
        v[n++] = pid;
    }
    closedir(d);
    if (!sorted)
        qsort(v, n, sizeof *v, pid_cmp);
    *out = v;
    *nout = n;
    return 0;
}

/* Read the wanted links of one process. A process that is gone (or whose
 * links we may not read, like a protected PID 1) contributes nothing. */
static void read_process(int procfd, pid_t pid, unsigned slot_mask, struct rec_vec *recs)
{
    char path[32];
    snprintf(path, sizeof path, "%d/ns", (int)pid);
    /* One lookup of PID/ns, then each link relative to it: this is what
     * makes the walk cheaper than a path lookup per link. */
    cleanup_fd int nsfd = openat(procfd, path, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (nsfd < 0)
        return;
    char link[64];
    for (int s = 0; s < NS_NSLOTS; s++) {
        if (!(slot_mask & (1u << s)))
            continue;
        ssize_t len = readlinkat(nsfd, ns_info[s].file, link, sizeof link - 1);
        if (len < 0)
            continue; /* exited after the open, or a pending pid_for_children */
        link[len] = '\0';
        ino_t ino;
        if (ns_link_parse(link, &ino) == 0)
            rec_push(recs, ino, pid, s);
    }
}

int nsscan_collect(int procfd, unsigned slot_mask, struct nsscan *out, struct nsl_err *e)
{
    out->v = NULL;
    out->n = 0;
    cleanup_free pid_t *pids = NULL;
    size_t npids = 0;
    if (list_pids(procfd, &pids, &npids, e) < 0)
        return -1;

    struct rec_vec recs = {0};
    for (size_t i = 0; i < npids; i++)
        read_process(procfd, pids[i], slot_mask, &recs);
    if (recs.n > 1)
        qsort(recs.v, recs.n, sizeof *recs.v, rec_cmp);

    size_t ngroups = 0;
    for (size_t i = 0; i < recs.n; i++)
        if (i == 0 || recs.v[i].ino != recs.v[i - 1].ino || recs.v[i].slot != recs.v[i - 1].slot)
            ngroups++;
    out->v = xcalloc(ngroups, sizeof *out->v);

    for (size_t i = 0; i < recs.n;) {
        size_t j = i;
        while (j < recs.n && recs.v[j].ino == recs.v[i].ino && recs.v[j].slot == recs.v[i].slot)
            j++;
        struct nsscan_ns *ns = &out->v[out->n++];
        ns->type = recs.v[i].slot;
        ns->ino = recs.v[i].ino;
        ns->npids = j - i;
        ns->nprocs = (int)ns->npids;
        ns->pids = xmalloc(ns->npids * sizeof *ns->pids);
        for (size_t k = i; k < j; k++)
            ns->pids[k - i] = recs.v[k].pid;
        i = j;
    }
    free(recs.v);
    return 0;
}

char *nsscan_command(int procfd, pid_t pid)
{
    char path[32];
    char buf[4096];
    snprintf(path, sizeof path, "%d/cmdline", (int)pid);
    ssize_t n = read_file_at(procfd, path, buf, sizeof buf);
    if (n < 0)
        return NULL;
    /* Arguments are NUL-separated (with a trailing NUL); a process that
     * rewrote its argv may leave several. */
    for (ssize_t i = 0; i < n; i++)
        if (buf[i] == '\0')
            buf[i] = ' ';
    while (n > 0 && buf[n - 1] == ' ')
        n--;
    buf[n] = '\0';
    /* Shown, never obeyed by a terminal: util.c sb_append_escaped, the one
     * way nslab shows bytes it did not write. */
    if (n > 0)
        return str_escaped(buf);
    /* Kernel threads and zombies have no command line: show the name the
     * kernel keeps, in brackets as ps(1) does. */
    char comm[64];
    snprintf(path, sizeof path, "%d/comm", (int)pid);
    n = read_file_at(procfd, path, comm, sizeof comm);
    if (n < 0)
        return NULL;
    chomp(comm);
    cleanup_free char *shown = str_escaped(comm);
    return xasprintf("[%s]", shown);
}

bool nsscan_fill_command(int procfd, struct nsscan_ns *ns)
{
    while (ns->npids > 0) {
        ns->command = nsscan_command(procfd, ns->pids[0]);
        if (ns->command)
            return true;
        /* Gone since the walk: the next member is now the lowest. */
        memmove(ns->pids, ns->pids + 1, (ns->npids - 1) * sizeof *ns->pids);
        ns->npids--;
        ns->nprocs--;
    }
    return false;
}

void nsscan_ns_clear(struct nsscan_ns *ns)
{
    free(ns->pids);
    free(ns->command);
    for (size_t i = 0; i < ns->nprocs_shown; i++)
        free(ns->procs[i].command);
    free(ns->procs);
    free(ns->owns);
    free(ns->held_path);
    memset(ns, 0, sizeof *ns);
}

void nsscan_free(struct nsscan *s)
{
    for (size_t i = 0; i < s->n; i++)
        nsscan_ns_clear(&s->v[i]);
    free(s->v);
    s->v = NULL;
    s->n = 0;
}

/* ns's owning user namespace and owner uid, through its first member's
 * namespace file (nothing when the ioctls fail: a fake /proc, EPERM). */
static void owner_fill(int procfd, struct nsscan_ns *ns)
{
    char path[64];
    snprintf(path, sizeof path, "%d/ns/%s", (int)ns->pids[0], ns_info[ns->type].file);
    cleanup_fd int fd = openat(procfd, path, O_RDONLY | O_CLOEXEC);
    if (fd >= 0)
        nsscan_owner_of_fd(fd, ns);
}

int nsscan_all(int procfd, struct nsscan *out, struct nsl_err *e)
{
    unsigned mask = 0;
    for (int s = 0; s < NS_NSLOTS; s++)
        if (ns_is_type(s))
            mask |= 1u << s;
    if (nsscan_collect(procfd, mask, out, e) < 0)
        return -1;
    size_t kept = 0;
    /* A process is the lowest member of several namespaces (PID 1 of every
     * root one; each unshare(2)d process of all it made), and their inodes
     * are mostly consecutive, so the command just read is usually the next
     * one's too: read once per run of the same PID in this walk. */
    pid_t last_pid = 0;
    const char *last_cmd = NULL;
    for (size_t i = 0; i < out->n; i++) {
        struct nsscan_ns *ns = &out->v[i];
        if (last_cmd && ns->npids > 0 && ns->pids[0] == last_pid) {
            ns->command = xstrdup(last_cmd);
        } else if (!nsscan_fill_command(procfd, ns)) {
            nsscan_ns_clear(ns);
            continue;
        }
        last_pid = ns->pids[0];
        owner_fill(procfd, ns);
        out->v[kept++] = *ns;
        last_cmd = out->v[kept - 1].command;
    }
    out->n = kept;
    nsscan_add_held(procfd, out);
    return 0;
}
