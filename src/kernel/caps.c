#define _GNU_SOURCE
#include "kernel/caps.h"

#include <ctype.h>
#include <errno.h>
#include <linux/capability.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "kernel/userns.h"

static const char *const set_names[CAPSET_N] = {
    [CAPSET_EFF] = "effective", [CAPSET_PRM] = "permitted", [CAPSET_INH] = "inheritable",
    [CAPSET_BND] = "bounding",  [CAPSET_AMB] = "ambient",
};
static const char *const set_fields[CAPSET_N] = {
    [CAPSET_EFF] = "CapEff", [CAPSET_PRM] = "CapPrm", [CAPSET_INH] = "CapInh",
    [CAPSET_BND] = "CapBnd", [CAPSET_AMB] = "CapAmb",
};

const char *cap_set_name(enum cap_set s)
{
    return (unsigned)s < CAPSET_N ? set_names[s] : "";
}

const char *cap_set_field(enum cap_set s)
{
    return (unsigned)s < CAPSET_N ? set_fields[s] : "";
}

/* The value of "Name:\t..." in a status text, or NULL. */
static const char *field(const char *status, const char *name)
{
    size_t nl = strlen(name);
    for (const char *p = status; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
        if (strncmp(p, name, nl) == 0 && p[nl] == ':')
            return p + nl + 1;
    return NULL;
}

static int hex_field(const char *status, const char *name, uint64_t *out)
{
    const char *v = field(status, name);
    if (!v)
        return -1;
    while (*v == ' ' || *v == '\t')
        v++;
    char *end;
    errno = 0;
    unsigned long long x = strtoull(v, &end, 16);
    if (errno || end == v || (*end && *end != '\n') || *v == '-')
        return -1;
    *out = x;
    return 0;
}

static int int_field(const char *status, const char *name, int *out)
{
    const char *v = field(status, name);
    if (!v)
        return -1;
    long x;
    char *end;
    errno = 0;
    x = strtol(v, &end, 10);
    if (errno || end == v || (*end && *end != '\n') || x < 0 || x > 1 << 20)
        return -1;
    *out = (int)x;
    return 0;
}

int proc_security_parse(const char *status, struct proc_security *out, struct nsl_err *e)
{
    memset(out, 0, sizeof *out);
    for (int s = 0; s < CAPSET_N; s++)
        if (hex_field(status, set_fields[s], &out->set[s]) < 0)
            return nsl_fail(e, EINVAL, "no valid %s line in /proc/PID/status", set_fields[s]);
    if (int_field(status, "NoNewPrivs", &out->no_new_privs) < 0 || out->no_new_privs > 1)
        return nsl_fail(e, EINVAL, "no valid %s line in /proc/PID/status", "NoNewPrivs");
    if (int_field(status, "Seccomp", &out->seccomp) < 0 || out->seccomp > 2)
        return nsl_fail(e, EINVAL, "no valid %s line in /proc/PID/status", "Seccomp");
    if (int_field(status, "Seccomp_filters", &out->seccomp_filters) < 0)
        out->seccomp_filters = -1;
    return 0;
}

int cap_word_parse(const char *w)
{
    char low[48];
    size_t n = strlen(w);
    if (n == 0 || n >= sizeof low - 4)
        return -1;
    for (size_t k = 0; k <= n; k++)
        low[k] = (char)tolower((unsigned char)w[k]);
    const char *want = strncmp(low, "cap_", 4) == 0 ? low + 4 : low;
    for (int b = 0; b < cap_count_known(); b++)
        if (strcmp(cap_name(b) + 4, want) == 0)
            return b;
    return -1;
}

static const char *cap_closest(const char *w)
{
    char low[48];
    snprintf(low, sizeof low, "%s", w);
    for (char *p = low; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    const char *want = strncmp(low, "cap_", 4) == 0 ? low + 4 : low;
    const char *best = NULL;
    size_t bd = 3; /* at most two edits away */
    for (int b = 0; b < cap_count_known(); b++) {
        size_t d = edit_distance(want, cap_name(b) + 4);
        if (d < bd) {
            bd = d;
            best = cap_name(b);
        }
    }
    return best;
}

int cap_list_parse(const char *list, uint64_t *mask, struct nsl_err *e)
{
    *mask = 0;
    cleanup_free char *copy = xstrdup(list);
    char *save = NULL;
    int n = 0;
    for (char *w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save), n++) {
        int b = cap_word_parse(w);
        if (b >= 0) {
            *mask |= 1ULL << b;
            continue;
        }
        const char *near = cap_closest(w);
        if (near)
            return nsl_usage(e, "'%s' is no capability; did you mean %s? (capabilities(7))", w,
                             near);
        return nsl_usage(e, "'%s' is no capability (capabilities(7) lists them: cap_chown, "
                            "cap_sys_admin, ...)", w);
    }
    if (n == 0 || list[0] == ',' || list[strlen(list) - 1] == ',' || strstr(list, ",,"))
        return nsl_usage(e, "a capability list is names joined by commas, not '%s'", list);
    return 0;
}

void cap_mask_format(uint64_t mask, struct strbuf *out)
{
    bool first = true;
    for (int b = 0; b < 64; b++) {
        if (!(mask & (1ULL << b)))
            continue;
        const char *n = cap_name(b);
        if (n)
            sb_printf(out, "%s%s", first ? "" : ",", n);
        else
            sb_printf(out, "%scap_%d", first ? "" : ",", b);
        first = false;
    }
    if (first)
        sb_append(out, "none");
}

int cap_needed_by(const char *call)
{
    static const struct {
        const char *call;
        int cap;
    } needs[] = {
        {"mount", CAP_SYS_ADMIN},      {"umount2", CAP_SYS_ADMIN},
        {"unshare", CAP_SYS_ADMIN},    {"setns", CAP_SYS_ADMIN},
        {"sethostname", CAP_SYS_ADMIN}, {"setdomainname", CAP_SYS_ADMIN},
        {"pivot_root", CAP_SYS_ADMIN}, {"clone3", CAP_SYS_ADMIN},
        {"chroot", CAP_SYS_CHROOT},    {"kill", CAP_KILL},
    };
    for (size_t k = 0; k < ARRAY_SIZE(needs); k++)
        if (strcmp(needs[k].call, call) == 0)
            return needs[k].cap;
    return -1;
}

/* --- the calls ---------------------------------------------------------- */

static int capset_without(struct trace *t, uint64_t drop)
{
    struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3};
    /* Zeroed first: valgrind does not know that capget fills it. */
    struct __user_cap_data_struct d[2];
    memset(d, 0, sizeof d);
    if (syscall(SYS_capget, &h, d) < 0)
        return -1;
    for (int k = 0; k < 2; k++) {
        uint32_t keep = ~(uint32_t)(drop >> (32 * k));
        d[k].effective &= keep;
        d[k].permitted &= keep;
        d[k].inheritable &= keep;
    }
    uint64_t eff = (uint64_t)d[1].effective << 32 | d[0].effective;
    uint64_t prm = (uint64_t)d[1].permitted << 32 | d[0].permitted;
    uint64_t inh = (uint64_t)d[1].inheritable << 32 | d[0].inheritable;
    return TRACED(t, "capset", 0, syscall(SYS_capset, &h, d),
                  "{_LINUX_CAPABILITY_VERSION_3}, {effective=%#llx, permitted=%#llx, "
                  "inheritable=%#llx}",
                  (unsigned long long)eff, (unsigned long long)prm, (unsigned long long)inh);
}

int caps_drop(struct trace *t, uint64_t drop, int last_cap, int *stage, int *bit)
{
    *stage = 0;
    *bit = -1;
    /* Ambient capabilities survive an exec: lower them first. */
    for (int b = 0; b <= last_cap && b < 64; b++) {
        if (!(drop & (1ULL << b)) || prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, b, 0, 0) != 1)
            continue;
        if (TRACED(t, "prctl", 0, prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_LOWER, b, 0, 0),
                   "PR_CAP_AMBIENT, PR_CAP_AMBIENT_LOWER, %s", cap_name(b)) < 0) {
            *bit = b;
            return -1;
        }
    }
    *stage = 1;
    struct trace quiet = {0};
    cleanup_sb struct strbuf more = {0};
    int shown = 0;
    for (int b = 0; b <= last_cap && b < 64; b++) {
        if (!(drop & (1ULL << b)) || prctl(PR_CAPBSET_READ, b, 0, 0, 0) != 1)
            continue;
        const char *n = cap_name(b) ? cap_name(b) : "?";
        int rc = TRACED(shown ? &quiet : t, "prctl", 0, prctl(PR_CAPBSET_DROP, b, 0, 0, 0),
                        "PR_CAPBSET_DROP, %s", n);
        if (rc < 0) {
            int err = errno;
            if (shown)
                trace_extend(t, &quiet);
            trace_free(&quiet);
            *bit = b;
            errno = err;
            return -1;
        }
        if (shown++)
            sb_printf(&more, "%s%s", more.len ? "," : "", n);
    }
    trace_free(&quiet);
    if (more.len)
        trace_note(t, "and prctl(PR_CAPBSET_DROP, ...) = 0 for each of %s", sb_str(&more));
    *stage = 2;
    return capset_without(t, drop);
}

int sys_no_new_privs(struct trace *t)
{
    return TRACED(t, "prctl", 0, prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0),
                  "PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0");
}
