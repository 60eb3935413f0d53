#define _GNU_SOURCE
/* --stable: namespace inodes and host PIDs become labels numbered in order
 * of first appearance ("uts#1", "pid@3"), so transcripts compare equal
 * across machines and runs. */
#include <stdio.h>
#include <string.h>

#include "../nslab.h"

static const char *label_get(struct nsl *sh, unsigned long long key, int kind, const char *prefix,
                             char sep)
{
    struct labels *l = &sh->labels;
    for (size_t k = 0; k < l->n; k++)
        if (l->v[k].key == key && l->v[k].kind == kind)
            return l->v[k].text;
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 32;
        l->v = xrealloc(l->v, l->cap * sizeof *l->v);
    }
    struct label *nl = &l->v[l->n++];
    nl->key = key;
    nl->kind = kind;
    int idx = kind < 0 ? NS_NSLOTS - kind - 1 : kind;
    snprintf(nl->text, sizeof nl->text, "%s%c%d", prefix, sep, ++l->count[idx]);
    return nl->text;
}

const char *fmt_pid(struct nsl *sh, pid_t pid, char *buf, size_t size)
{
    if (!sh->opt.stable || pid <= 0) {
        snprintf(buf, size, "%d", (int)pid);
        return buf;
    }
    snprintf(buf, size, "%s", label_get(sh, (unsigned long long)pid, -1, "pid", '@'));
    return buf;
}

const char *fmt_ino(struct nsl *sh, enum ns_slot slot, ino_t ino, char *buf, size_t size)
{
    if (!sh->opt.stable || ino == 0) {
        snprintf(buf, size, "%llu", (unsigned long long)ino);
        return buf;
    }
    enum ns_slot base = ns_info[slot].base;
    snprintf(buf, size, "%s", label_get(sh, (unsigned long long)ino, (int)base, ns_info[base].name, '#'));
    return buf;
}

const char *fmt_peer(struct nsl *sh, int group, char *buf, size_t size)
{
    if (!sh->opt.stable || group <= 0) {
        snprintf(buf, size, "%d", group);
        return buf;
    }
    snprintf(buf, size, "%s", label_get(sh, (unsigned long long)group, -2, "peer", '#'));
    return buf;
}
