#define _GNU_SOURCE
/* The namespaces the session made, held open (see made_ns.h). */
#include "session/made_ns.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "subject/nshelper.h"
#include "subject/subject.h"

/* More namespaces than this held at once (a long session that unshares
 * over and over) and those no process of the session is in are let go;
 * then the oldest. A namespace let go counts as the host's again: the
 * guards fail closed. */
#define MADE_NS_MAX 256

struct made_ns_ent {
    enum ns_slot slot;
    ino_t ino;
    int fd;
};

struct made_ns {
    struct made_ns_ent *v;
    size_t n, cap;
};

bool made_ns_has(const struct nsl *sh, enum ns_slot slot, ino_t ino)
{
    const struct made_ns *m = sh->made_ns;
    for (size_t i = 0; m && ino && i < m->n; i++)
        if (m->v[i].slot == slot && m->v[i].ino == ino)
            return true;
    return false;
}

static void drop(struct made_ns *m, size_t i)
{
    close(m->v[i].fd);
    m->v[i] = m->v[--m->n];
}

/* Is ino the slot namespace of the subject or of a running job? */
static bool in_use(struct nsl *sh, enum ns_slot slot, ino_t ino)
{
    if (sh->subj.pid > 0 && ns_inode_of(sh, sh->subj.pid, slot) == ino)
        return true;
    for (size_t k = 0; k < sh->jobs.n; k++) {
        const struct job *j = &sh->jobs.v[k];
        if (j->state != JOB_EXITED && j->state != JOB_KILLED &&
            ns_inode_of(sh, j->pid, slot) == ino)
            return true;
    }
    return false;
}

static void make_room(struct nsl *sh, struct made_ns *m)
{
    for (size_t i = m->n; i-- > 0 && m->n >= MADE_NS_MAX;)
        if (!in_use(sh, m->v[i].slot, m->v[i].ino))
            drop(m, i);
    if (m->n >= MADE_NS_MAX) {
        close(m->v[0].fd);
        memmove(m->v, m->v + 1, (m->n - 1) * sizeof *m->v);
        m->n--;
    }
}

void made_ns_note(struct nsl *sh, enum ns_slot slot, pid_t pid, ino_t before, ino_t expect)
{
    if (pid <= 0)
        return;
    char rel[64];
    snprintf(rel, sizeof rel, "%d/ns/%s", (int)pid, ns_info[slot].file);
    int fd = openat(sh->procfd, rel, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0)
        return;
    if (fstat(fd, &st) < 0 || (before && st.st_ino == before) || (expect && st.st_ino != expect) ||
        (!before && !expect) || made_ns_has(sh, slot, st.st_ino)) {
        close(fd);
        return;
    }
    if (!sh->made_ns)
        sh->made_ns = xcalloc(1, sizeof *sh->made_ns);
    struct made_ns *m = sh->made_ns;
    if (m->n >= MADE_NS_MAX)
        make_room(sh, m);
    if (m->n == m->cap) {
        m->cap = m->cap ? m->cap * 2 : 8;
        m->v = xrealloc(m->v, m->cap * sizeof *m->v);
    }
    m->v[m->n++] = (struct made_ns_ent){.slot = slot, .ino = st.st_ino, .fd = fd};
}

void made_ns_let_go(struct nsl *sh, enum ns_slot slot)
{
    struct made_ns *m = sh->made_ns;
    for (size_t i = m ? m->n : 0; i-- > 0;)
        if (m->v[i].slot == slot && !in_use(sh, slot, m->v[i].ino))
            drop(m, i);
}

void made_ns_forget(struct nsl *sh, enum ns_slot slot, ino_t ino)
{
    struct made_ns *m = sh->made_ns;
    for (size_t i = m ? m->n : 0; i-- > 0;)
        if (m->v[i].slot == slot && m->v[i].ino == ino)
            drop(m, i);
}

size_t made_ns_list(const struct nsl *sh, enum ns_slot slot, ino_t **out)
{
    const struct made_ns *m = sh->made_ns;
    size_t n = 0;
    *out = NULL;
    for (size_t i = 0; m && i < m->n; i++) {
        if (m->v[i].slot != slot)
            continue;
        *out = xrealloc(*out, (n + 1) * sizeof **out);
        (*out)[n++] = m->v[i].ino;
    }
    return n;
}

void made_ns_free(struct nsl *sh)
{
    struct made_ns *m = sh->made_ns;
    if (!m)
        return;
    for (size_t i = 0; i < m->n; i++)
        close(m->v[i].fd);
    free(m->v);
    free(m);
    sh->made_ns = NULL;
}
