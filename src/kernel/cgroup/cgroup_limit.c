#define _GNU_SOURCE
#include "kernel/cgroup/cgroup.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define CPU_PERIOD_DEFAULT 100000 /* µs: the kernel's default CFS period */
#define CPU_PERIOD_MIN 1000       /* the kernel refuses periods below 1 ms ... */
#define CPU_PERIOD_MAX 1000000    /* ... and above 1 s */
#define CPU_QUOTA_MIN 1000        /* and quotas below 1 ms */
#define PIDS_MAX 4194304          /* PID_MAX_LIMIT */

/* "0.5", "12.5", "50": a non-negative decimal as num / den (den a power of
 * ten, at most 6 decimals). 0 or -1. */
static int decimal_parse(const char *s, size_t len, uint64_t *num, uint64_t *den)
{
    uint64_t n = 0, d = 1;
    bool dot = false, digits = false;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '.' && !dot) {
            dot = true;
            continue;
        }
        if (!isdigit((unsigned char)s[i]) || n > UINT64_MAX / 100 || (dot && d >= 1000000))
            return -1;
        n = n * 10 + (uint64_t)(s[i] - '0');
        digits = true;
        if (dot)
            d *= 10;
    }
    if (!digits)
        return -1;
    *num = n;
    *den = d;
    return 0;
}

static int cpu_parse(const char *text, struct cg_limit *out, struct nsl_err *e)
{
    out->period = CPU_PERIOD_DEFAULT;
    if (strcmp(text, "max") == 0) {
        out->is_max = true;
        out->value = UINT64_MAX;
        return 0;
    }
    const char *slash = strchr(text, '/');
    size_t len = strlen(text);
    if (slash) {
        long q, p;
        cleanup_free char *qs = xstrndup(text, (size_t)(slash - text));
        if (parse_long(qs, 1, 1L << 40, &q) < 0 || parse_long(slash + 1, 1, 1L << 40, &p) < 0)
            return nsl_usage(e, "bad cpu limit '%s': QUOTA/PERIOD are whole microseconds", text);
        out->value = (uint64_t)q;
        out->period = (uint64_t)p;
    } else {
        bool percent = len > 0 && text[len - 1] == '%';
        uint64_t num, den;
        if (decimal_parse(text, percent ? len - 1 : len, &num, &den) < 0)
            return nsl_usage(e, "bad cpu limit '%s' (expected %s)", text,
                             cg_ctrl_info[CG_CPU].limit_syntax);
        if (percent)
            den *= 100;
        /* A share of one CPU; above 1 (or 100%) means more than one CPU. */
        if (num > UINT64_MAX / CPU_PERIOD_DEFAULT)
            return nsl_fail(e, ERANGE, "cpu limit '%s' is too large", text);
        out->value = (num * CPU_PERIOD_DEFAULT + den / 2) / den;
    }
    if (out->period < CPU_PERIOD_MIN || out->period > CPU_PERIOD_MAX)
        return nsl_fail(e, ERANGE,
                        "cpu period %" PRIu64 " us is out of the kernel's range (1000 to 1000000)",
                        out->period);
    if (out->value < CPU_QUOTA_MIN)
        return nsl_fail(e, ERANGE,
                        "cpu quota %" PRIu64 " us is below the kernel's minimum of 1000 us (1 ms)",
                        out->value);
    return 0;
}

/* "0", "0-3", "0-1,4,6-7": ascending ranges of CPU numbers. */
static int cpus_parse(const char *text, struct cg_limit *out, struct nsl_err *e)
{
    const char *p = text;
    if (!*p || strlen(text) >= sizeof out->cpus)
        goto bad;
    while (*p) {
        char *end;
        if (!isdigit((unsigned char)*p))
            goto bad;
        unsigned long a = strtoul(p, &end, 10), b = a;
        p = end;
        if (*p == '-') {
            if (!isdigit((unsigned char)p[1]))
                goto bad;
            b = strtoul(p + 1, &end, 10);
            p = end;
        }
        if (a > 8191 || b > 8191 || b < a)
            goto bad;
        if (*p == ',' && p[1])
            p++;
        else if (*p)
            goto bad;
    }
    snprintf(out->cpus, sizeof out->cpus, "%s", text);
    return 0;
bad:
    return nsl_usage(e, "bad cpu list '%s' (expected e.g. 0, 0-1 or 0,2-3)", text);
}

int cg_limit_parse(enum cg_ctrl ctrl, const char *text, struct cg_limit *out, struct nsl_err *e)
{
    *out = (struct cg_limit){.ctrl = ctrl};
    const struct cg_ctrl_info *ci = &cg_ctrl_info[ctrl];
    switch (ctrl) {
    case CG_MEMORY:
        if (parse_size(text, &out->value, &out->is_max) < 0)
            return nsl_usage(e, "bad memory limit '%s' (expected %s)", text, ci->limit_syntax);
        return 0;
    case CG_CPU:
        return cpu_parse(text, out, e);
    case CG_PIDS: {
        long n;
        if (strcmp(text, "max") == 0) {
            out->is_max = true;
            out->value = UINT64_MAX;
            return 0;
        }
        if (parse_long(text, 0, PIDS_MAX, &n) < 0)
            return nsl_usage(e, "bad pids limit '%s' (expected %s, at most %d)", text,
                             ci->limit_syntax, PIDS_MAX);
        out->value = (uint64_t)n;
        return 0;
    }
    case CG_CPUSET:
        return cpus_parse(text, out, e);
    default:
        return nsl_usage(e, "the %s controller takes no limit (got '%s')", ci->name, text);
    }
}

void cg_limit_format(const struct cg_limit *l, struct strbuf *out)
{
    char buf[32];
    switch (l->ctrl) {
    case CG_MEMORY:
        format_size(l->value, SIZE_EXACT, buf, sizeof buf);
        sb_append(out, l->is_max ? "max" : buf);
        break;
    case CG_CPU:
        if (l->is_max) {
            sb_append(out, "max");
            break;
        }
        /* to a tenth of a percent, trailing ".0" dropped */
        uint64_t period = l->period ? l->period : CPU_PERIOD_DEFAULT;
        uint64_t permille = (l->value * 1000 + period / 2) / period;
        if (permille % 10)
            sb_printf(out, "%" PRIu64 ".%" PRIu64 "%%", permille / 10, permille % 10);
        else
            sb_printf(out, "%" PRIu64 "%%", permille / 10);
        sb_printf(out, " (%" PRIu64 "/%" PRIu64 " us)", l->value, period);
        break;
    case CG_PIDS:
        if (l->is_max)
            sb_append(out, "max");
        else
            sb_printf(out, "%" PRIu64, l->value);
        break;
    case CG_CPUSET:
        sb_append(out, l->cpus);
        break;
    default:
        break;
    }
}

int cg_name_check(const char *name, struct nsl_err *e)
{
    size_t n = strlen(name);
    if (n == 0)
        return nsl_usage(e, "a cgroup name cannot be empty");
    if (n > 63)
        return nsl_fail(e, ENAMETOOLONG, "cgroup name '%.20s...' is longer than 63 characters", name);
    if (strchr(name, '/'))
        return nsl_usage(e, "cgroup name '%s' contains '/': give a plain name, not a path", name);
    if (name[0] == '.' || name[0] == '-')
        return nsl_usage(e, "cgroup name '%s' may not start with '%c'", name, name[0]);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)name[i];
        /* ASCII only, whatever the locale says isalnum is */
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (!ok && c != '_' && c != '-' && c != '.')
            return nsl_usage(e,
                             "cgroup name '%s' has a character other than letters, digits, "
                             "'_', '-' and '.'",
                             name);
    }
    if (strncmp(name, "nslab.", 6) == 0)
        return nsl_usage(e, "cgroup names 'nslab.*' are kept for session parents");
    return 0;
}
