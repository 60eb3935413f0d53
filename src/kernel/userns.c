#define _GNU_SOURCE
#include "kernel/userns.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* capabilities(7), in bit order. */
static const char *const cap_names[] = {
    "cap_chown",           "cap_dac_override",   "cap_dac_read_search", "cap_fowner",
    "cap_fsetid",          "cap_kill",           "cap_setgid",          "cap_setuid",
    "cap_setpcap",         "cap_linux_immutable", "cap_net_bind_service", "cap_net_broadcast",
    "cap_net_admin",       "cap_net_raw",        "cap_ipc_lock",        "cap_ipc_owner",
    "cap_sys_module",      "cap_sys_rawio",      "cap_sys_chroot",      "cap_sys_ptrace",
    "cap_sys_pacct",       "cap_sys_admin",      "cap_sys_boot",        "cap_sys_nice",
    "cap_sys_resource",    "cap_sys_time",       "cap_sys_tty_config",  "cap_mknod",
    "cap_lease",           "cap_audit_write",    "cap_audit_control",   "cap_setfcap",
    "cap_mac_override",    "cap_mac_admin",      "cap_syslog",          "cap_wake_alarm",
    "cap_block_suspend",   "cap_audit_read",     "cap_perfmon",         "cap_bpf",
    "cap_checkpoint_restore",
};

const char *cap_name(int bit)
{
    return bit >= 0 && (size_t)bit < ARRAY_SIZE(cap_names) ? cap_names[bit] : NULL;
}

int cap_count_known(void)
{
    return (int)ARRAY_SIZE(cap_names);
}

/* The value of "Name:\t..." in a status text, up to the end of its line. */
static const char *status_field(const char *status, const char *name, size_t *len)
{
    size_t nl = strlen(name);
    for (const char *p = status; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
        if (strncmp(p, name, nl) == 0 && p[nl] == ':') {
            const char *v = p + nl + 1;
            *len = strcspn(v, "\n");
            return v;
        }
    }
    return NULL;
}

static int parse_u32_list(const char *v, size_t len, uint32_t **out, size_t *n, size_t max)
{
    cleanup_free char *copy = xstrndup(v, len);
    char *save = NULL;
    *n = 0;
    for (char *w = strtok_r(copy, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
        char *end;
        errno = 0;
        unsigned long long x = strtoull(w, &end, 10);
        if (errno || *end || x > UINT32_MAX || w[0] == '-')
            return -1;
        if (max && *n >= max)
            return -1;
        *out = xrealloc(*out, (*n + 1) * sizeof **out);
        (*out)[(*n)++] = (uint32_t)x;
    }
    return 0;
}

int proc_creds_parse(const char *status, struct proc_creds *out, struct nsl_err *e)
{
    memset(out, 0, sizeof *out);
    static const char *const names[] = {"Uid", "Gid"};
    for (int k = 0; k < 2; k++) {
        size_t len, n = 0;
        const char *v = status_field(status, names[k], &len);
        uint32_t *ids = NULL;
        if (!v || parse_u32_list(v, len, &ids, &n, 4) < 0 || n != 4) {
            free(ids);
            return nsl_fail(e, EINVAL, "no valid %s line in /proc/PID/status", names[k]);
        }
        memcpy(k ? out->gid : out->uid, ids, sizeof out->uid);
        free(ids);
    }
    size_t len;
    const char *v = status_field(status, "Groups", &len);
    if (v && parse_u32_list(v, len, &out->groups, &out->ngroups, 0) < 0) {
        proc_creds_free(out);
        return nsl_fail(e, EINVAL, "the Groups line of /proc/PID/status is not a list of numbers");
    }
    v = status_field(status, "CapEff", &len);
    char *end;
    if (!v || (errno = 0, out->cap_eff = strtoull(v, &end, 16), errno) ||
        end == v || (size_t)(end - v) != len) {
        proc_creds_free(out);
        return nsl_fail(e, EINVAL, "no valid CapEff line in /proc/PID/status");
    }
    return 0;
}

void proc_creds_free(struct proc_creds *c)
{
    free(c->groups);
    c->groups = NULL;
    c->ngroups = 0;
}

int idmap_parse(const char *text, struct idmap *m, struct nsl_err *e)
{
    m->n = 0;
    const char *p = text;
    int lineno = 0;
    while (*p) {
        size_t len = strcspn(p, "\n");
        lineno++;
        char line[128];
        if (len >= sizeof line)
            return nsl_fail(e, EINVAL, "line %d of the id map is too long", lineno);
        memcpy(line, p, len);
        line[len] = '\0';
        p += len + (p[len] == '\n');
        unsigned long long in, out, cnt;
        char extra;
        if (strspn(line, " \t") == len)
            continue;
        if (sscanf(line, "%llu %llu %llu %c", &in, &out, &cnt, &extra) != 3 || in > UINT32_MAX ||
            out > UINT32_MAX || cnt > UINT32_MAX)
            return nsl_fail(e, EINVAL, "line %d of the id map is not INSIDE OUTSIDE COUNT", lineno);
        if (m->n >= IDMAP_MAX)
            return nsl_fail(e, EINVAL, "the id map has more than %d lines", IDMAP_MAX);
        m->v[m->n++] = (struct idmap_ext){(uint32_t)in, (uint32_t)out, (uint32_t)cnt};
    }
    return 0;
}

int64_t idmap_inside(const struct idmap *m, uint32_t outside)
{
    for (size_t k = 0; k < m->n; k++) {
        const struct idmap_ext *x = &m->v[k];
        if (outside >= x->outside && (uint64_t)outside < (uint64_t)x->outside + x->count)
            return (int64_t)x->inside + (outside - x->outside);
    }
    return -1;
}

static int id_word(const char *w, const char *what, uint64_t max, uint64_t min, uint64_t *out,
                   struct nsl_err *e)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(w, &end, 10);
    if (!*w || *end || errno || w[0] == '-' || w[0] == '+' || v > max || v < min)
        return nsl_usage(e, "%s '%s' is not a number from %" PRIu64 " to %" PRIu64, what, w, min,
                         max);
    *out = v;
    return 0;
}

int idmap_args_parse(const char *inside, const char *outside, const char *count,
                     struct idmap_ext *x, struct nsl_err *e)
{
    uint64_t in = 0, out = 0, cnt = 0;
    /* (uid_t)-1 is never a valid ID: the kernel keeps it for "no change". */
    if (id_word(inside, "INSIDE", UINT32_MAX - 1, 0, &in, e) < 0 ||
        id_word(outside, "OUTSIDE", UINT32_MAX - 1, 0, &out, e) < 0 ||
        id_word(count, "COUNT", UINT32_MAX, 1, &cnt, e) < 0)
        return -1;
    if (in + cnt > UINT32_MAX || out + cnt > UINT32_MAX)
        return nsl_usage(e,
                         "the range %" PRIu64 "..%" PRIu64 " goes past the largest ID "
                         "(4294967294)",
                         in + cnt > UINT32_MAX ? in : out,
                         (in + cnt > UINT32_MAX ? in : out) + cnt - 1);
    *x = (struct idmap_ext){(uint32_t)in, (uint32_t)out, (uint32_t)cnt};
    return 0;
}
