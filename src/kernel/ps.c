#define _GNU_SOURCE
#include "kernel/ps.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/nsscan.h"

int ps_parse_nspid(const char *status, pid_t *out, int max)
{
    const char *l = strstr(status, "\nNSpid:");
    if (!l)
        l = strncmp(status, "NSpid:", 6) == 0 ? status - 1 : NULL;
    if (!l)
        return 0;
    const char *p = l + 7;
    int n = 0;
    while (*p && *p != '\n' && n < max) {
        char *end;
        long v = strtol(p, &end, 10);
        if (end == p)
            break;
        out[n++] = (pid_t)v;
        p = end;
        while (*p == ' ' || *p == '\t')
            p++;
    }
    return n;
}

static int field_int(const char *status, const char *key)
{
    const char *l = strstr(status, key);
    return l ? atoi(l + strlen(key)) : 0;
}

static char field_state(const char *status)
{
    const char *l = strstr(status, "\nState:");
    if (!l)
        return '?';
    l += 7;
    while (*l == ' ' || *l == '\t')
        l++;
    return *l ? *l : '?';
}

static int by_pid(const void *a, const void *b)
{
    const struct ps_proc *x = a, *y = b;
    return (x->pid > y->pid) - (x->pid < y->pid);
}

int ps_collect(int procfd, ino_t ns, struct ps_list *out, struct nsl_err *e)
{
    memset(out, 0, sizeof *out);
    struct nsscan tree = {0};
    if (nsscan_tree(procfd, NS_PID, 1, &tree, e) < 0)
        return -1;
    size_t at = tree.n;
    for (size_t k = 0; k < tree.n; k++)
        if (tree.v[k].ino == ns)
            at = k;
    if (at == tree.n) {
        nsscan_free(&tree);
        return nsl_fail(e, ESRCH, "no process is in PID namespace %llu", (unsigned long long)ns);
    }
    out->ns = ns;
    out->level = tree.v[at].level;
    /* Depth-first order: the nested namespaces follow, deeper than it. */
    size_t cap = 0;
    for (size_t k = at; k < tree.n && (k == at || tree.v[k].level > out->level); k++) {
        for (size_t j = 0; j < tree.v[k].npids; j++) {
            pid_t host = tree.v[k].pids[j];
            char path[64], buf[4096];
            snprintf(path, sizeof path, "%d/status", (int)host);
            if (read_file_at(procfd, path, buf, sizeof buf) < 0)
                continue; /* gone meanwhile */
            struct ps_proc p = {.host_pid = host};
            p.nlevels = ps_parse_nspid(buf, p.nspid, PS_MAX_LEVELS);
            if (p.nlevels <= out->level)
                continue;
            p.pid = p.nspid[out->level];
            p.state = field_state(buf);
            pid_t ppid_host = field_int(buf, "\nPPid:");
            /* The parent's PID here, if the parent is visible here. */
            if (ppid_host > 0) {
                snprintf(path, sizeof path, "%d/status", (int)ppid_host);
                pid_t chain[PS_MAX_LEVELS];
                if (read_file_at(procfd, path, buf, sizeof buf) >= 0) {
                    int n = ps_parse_nspid(buf, chain, PS_MAX_LEVELS);
                    /* Visible here exactly when it is in this namespace or
                     * below: it has a PID at this level and shares the
                     * ancestry, which for a parent of a member means n >
                     * level. */
                    if (n > out->level)
                        p.ppid = chain[out->level];
                }
            }
            p.command = nsscan_command(procfd, host);
            if (!p.command)
                p.command = xstrdup("?");
            if (out->n == cap) {
                cap = cap ? cap * 2 : 16;
                out->v = xrealloc(out->v, cap * sizeof *out->v);
            }
            out->v[out->n++] = p;
        }
    }
    nsscan_free(&tree);
    qsort(out->v, out->n, sizeof *out->v, by_pid);
    return 0;
}

void ps_free(struct ps_list *l)
{
    for (size_t k = 0; k < l->n; k++)
        free(l->v[k].command);
    free(l->v);
    memset(l, 0, sizeof *l);
}
