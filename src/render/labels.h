/* --stable labels: namespace inodes, host PIDs and mount peer groups become
 * labels numbered in order of first use ("uts#1", "pid@3", "peer#1"), and
 * strings that vary between machines are replaced in the rendered text.
 * Without stable every function prints the plain number. Plain data in:
 * nothing here knows the shell. */
#ifndef NSLAB_RENDER_LABELS_H
#define NSLAB_RENDER_LABELS_H

#include <stdbool.h>
#include <sys/types.h>

#include "kernel/ns.h"
#include "util.h"

/* --stable labels: inode -> "uts#1", pid -> "pid@3", numbered by first use. */
struct label {
    unsigned long long key;
    int kind; /* enum ns_slot base type for inodes, -1 for pids, -2 peer groups */
    char text[32];
};
struct labels {
    struct label *v;
    size_t n, cap;
    int count[NS_NSLOTS + 2];
    /* Strings that vary between machines and runs (a session's cgroup
     * parents, its scratch directory) and what --stable prints instead. */
    char **subst; /* from, to, from, to, ... */
    size_t nsubst;
};

/* The returned string lives until the next call with the same buf. */
const char *labels_pid(struct labels *l, bool stable, pid_t pid, char *buf, size_t size);
const char *labels_ino(struct labels *l, bool stable, enum ns_slot slot, ino_t ino, char *buf,
                       size_t size);
/* A mount peer group number ("3", or "peer#1" with stable). */
const char *labels_peer(struct labels *l, bool stable, int group, char *buf, size_t size);
void labels_free(struct labels *l);
/* With stable: print `to` wherever `from` would appear. */
void labels_subst_add(struct labels *l, bool stable, const char *from, const char *to);
/* Apply the substitutions to rendered text, in place. */
void labels_subst_apply(const struct labels *l, bool stable, struct strbuf *text);

#endif
