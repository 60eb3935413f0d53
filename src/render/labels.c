#define _GNU_SOURCE
/* --stable: namespace inodes and host PIDs become labels numbered in order
 * of first appearance ("uts#1", "pid@3"), so transcripts compare equal
 * across machines and runs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/labels.h"

#include "render/render.h"

#include "kernel/ns.h"
#include "util.h"

static const char *label_get(struct labels *l, unsigned long long key, int kind, const char *prefix,
                             char sep)
{
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

/* v in decimal into buf, as snprintf's "%llu" (or "-%llu") would put it,
 * truncation included; every observation prints a dozen of these. */
static const char *fmt_dec(unsigned long long v, bool minus, char *buf, size_t size)
{
    char tmp[24];
    char *p = tmp + sizeof tmp;
    do
        *--p = (char)('0' + v % 10);
    while ((v /= 10) != 0);
    if (minus)
        *--p = '-';
    size_t n = (size_t)(tmp + sizeof tmp - p);
    if (size == 0)
        return buf;
    if (n > size - 1)
        n = size - 1;
    memcpy(buf, p, n);
    buf[n] = '\0';
    return buf;
}

const char *labels_pid(struct labels *l, bool stable, pid_t pid, char *buf, size_t size)
{
    if (!stable || pid <= 0)
        return fmt_dec(pid < 0 ? -(unsigned long long)pid : (unsigned long long)pid, pid < 0,
                       buf, size);
    size_t before = l->n;
    snprintf(buf, size, "%s", label_get(l, (unsigned long long)pid, -1, "pid", '@'));
    if (l->n != before) {
        /* A PID written to a file (cgroup.procs) appears quoted in the
         * trace: label it there too. */
        char from[32], to[48];
        snprintf(from, sizeof from, "\"%d\"", (int)pid);
        snprintf(to, sizeof to, "\"%s\"", buf);
        labels_subst_add(l, stable, from, to);
    }
    return buf;
}

const char *labels_ino(struct labels *l, bool stable, enum ns_slot slot, ino_t ino, char *buf,
                       size_t size)
{
    if (!stable || ino == 0)
        return fmt_dec((unsigned long long)ino, false, buf, size);
    enum ns_slot base = ns_info[slot].base;
    snprintf(buf, size, "%s", label_get(l, (unsigned long long)ino, (int)base, ns_info[base].name, '#'));
    return buf;
}

void labels_free(struct labels *l)
{
    free(l->v);
    for (size_t k = 0; k < l->nsubst; k++)
        free(l->subst[k]);
    free(l->subst);
    memset(l, 0, sizeof *l);
}

void labels_subst_add(struct labels *l, bool stable, const char *from, const char *to)
{
    if (!stable || !*from)
        return;
    for (size_t k = 0; k < l->nsubst; k += 2)
        if (strcmp(l->subst[k], from) == 0)
            return;
    l->subst = xrealloc(l->subst, (l->nsubst + 2) * sizeof *l->subst);
    l->subst[l->nsubst++] = xstrdup(from);
    l->subst[l->nsubst++] = xstrdup(to);
}

void labels_subst_apply(const struct labels *l, bool stable, struct strbuf *text)
{
    if (!stable || !l->nsubst || !text->len)
        return;
    for (size_t k = 0; k < l->nsubst; k += 2) {
        const char *from = l->subst[k], *to = l->subst[k + 1];
        size_t flen = strlen(from);
        if (!strstr(sb_str(text), from))
            continue;
        struct strbuf out = {0};
        const char *p = sb_str(text), *hit;
        while ((hit = strstr(p, from))) {
            sb_appendn(&out, p, (size_t)(hit - p));
            sb_append(&out, to);
            p = hit + flen;
        }
        sb_append(&out, p);
        sb_free(text);
        *text = out;
    }
}

const char *labels_peer(struct labels *l, bool stable, int group, char *buf, size_t size)
{
    if (!stable || group <= 0) {
        snprintf(buf, size, "%d", group);
        return buf;
    }
    snprintf(buf, size, "%s", label_get(l, (unsigned long long)group, -2, "peer", '#'));
    return buf;
}

/* --- as JSON values ------------------------------------------------------ */

cJSON *render_json_pid(const struct render_ctx *rc, pid_t pid)
{
    char b[32];
    if (rc->opt->stable && pid > 0)
        return cJSON_CreateString(rc_pid(rc, pid, b, sizeof b));
    return cJSON_CreateNumber(pid);
}

cJSON *render_json_ino(const struct render_ctx *rc, enum ns_slot slot, ino_t ino)
{
    char b[32];
    if (ino == 0)
        return cJSON_CreateNull();
    if (rc->opt->stable)
        return cJSON_CreateString(rc_ino(rc, slot, ino, b, sizeof b));
    return cJSON_CreateNumber((double)ino);
}
