#define _GNU_SOURCE
#include "kernel/trace.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static struct trace_ent *trace_push(struct trace *t)
{
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 8;
        t->v = xrealloc(t->v, t->cap * sizeof *t->v);
    }
    struct trace_ent *te = &t->v[t->n++];
    memset(te, 0, sizeof *te);
    return te;
}

static void trace_vadd(struct trace *t, const char *call, long ret, int err, unsigned flags,
                       const char *argfmt, va_list ap)
{
    if (!t)
        return;
    struct trace_ent *te = trace_push(t);
    struct strbuf sb = {0};
    sb_vprintf(&sb, argfmt, ap);
    te->call = xstrdup(call);
    te->args = sb_steal(&sb);
    te->ret = ret;
    te->err = ret < 0 ? err : 0;
    te->flags = flags;
}

void trace_add(struct trace *t, const char *call, long ret, int err, unsigned flags,
               const char *argfmt, ...)
{
    va_list ap;
    va_start(ap, argfmt);
    trace_vadd(t, call, ret, err, flags, argfmt, ap);
    va_end(ap);
}

long trace_call(struct trace *t, const char *call, long ret, int err, unsigned flags,
                const char *argfmt, ...)
{
    va_list ap;
    va_start(ap, argfmt);
    trace_vadd(t, call, ret, err, flags, argfmt, ap);
    va_end(ap);
    errno = err;
    return ret;
}

void trace_note(struct trace *t, const char *fmt, ...)
{
    if (!t)
        return;
    struct trace_ent *te = trace_push(t);
    struct strbuf sb = {0};
    va_list ap;
    va_start(ap, fmt);
    sb_vprintf(&sb, fmt, ap);
    va_end(ap);
    te->call = xstrdup("#");
    te->args = sb_steal(&sb);
    te->flags = TRACE_NOTE;
}

void trace_extend(struct trace *dst, const struct trace *src)
{
    size_t n = src->n; /* dst may be src */
    for (size_t i = 0; i < n; i++) {
        struct trace_ent *te = trace_push(dst);
        *te = src->v[i];
        te->call = xstrdup(src->v[i].call);
        te->args = xstrdup(src->v[i].args);
    }
}

/* Drop the entries from index n on. */
static void trace_truncate(struct trace *t, size_t n)
{
    for (size_t i = n; i < t->n; i++) {
        free(t->v[i].call);
        free(t->v[i].args);
    }
    t->n = n;
}

void trace_clear(struct trace *t)
{
    trace_truncate(t, 0);
}

void trace_free(struct trace *t)
{
    trace_clear(t);
    free(t->v);
    t->v = NULL;
    t->cap = 0;
}

const struct trace_ent *trace_last(const struct trace *t)
{
    return t->n ? &t->v[t->n - 1] : NULL;
}

void trace_args_format(const struct trace_ent *te, struct strbuf *out,
                       const char *(*pidfmt)(void *ctx, pid_t pid), void *ctx)
{
    if ((te->flags & TRACE_ARG_PID) && pidfmt) {
        char *rest;
        long pid = strtol(te->args, &rest, 10);
        sb_printf(out, "%s%s", pidfmt(ctx, (pid_t)pid), rest);
    } else {
        sb_append(out, te->args);
    }
}

void trace_ent_format(const struct trace_ent *te, struct strbuf *out,
                      const char *(*pidfmt)(void *ctx, pid_t pid), void *ctx)
{
    if (te->flags & TRACE_NOTE) {
        sb_printf(out, "# %s", te->args);
        return;
    }
    /* File writes and netlink requests are not calls with an argument
     * list: `write PATH "VALUE"`, `RTM_NEWLINK veth name=v0 peer=v1`.
     * Appended, not printf'd: every step's trace goes through here. */
    if (strcmp(te->call, "write") == 0 || strncmp(te->call, "RTM_", 4) == 0) {
        sb_append(out, te->call);
        sb_appendc(out, ' ');
        trace_args_format(te, out, pidfmt, ctx);
    } else {
        sb_append(out, te->call);
        sb_appendc(out, '(');
        trace_args_format(te, out, pidfmt, ctx);
        sb_append(out, ")");
    }
    if (te->ret < 0) {
        sb_printf(out, " = -1 %s (%s)", errno_name(te->err), strerror(te->err));
    } else if ((te->flags & TRACE_RET_PID) && pidfmt) {
        sb_append(out, " = ");
        sb_append(out, pidfmt(ctx, (pid_t)te->ret));
    } else {
        char num[24], *p = num + sizeof num;
        unsigned long v = (unsigned long)te->ret; /* >= 0 here */
        *--p = '\0';
        do
            *--p = (char)('0' + v % 10);
        while ((v /= 10) != 0);
        sb_append(out, " = ");
        sb_append(out, p);
    }
}

/* Wire format: per entry "call\0args\0ret\0err\0flags\0", preceded by the
 * count "n\0". Text keeps it simple and the messages are small. */
void trace_pack(const struct trace *t, struct strbuf *sb)
{
    sb_printf(sb, "%zu", t->n);
    sb_appendc(sb, '\0');
    for (size_t i = 0; i < t->n; i++) {
        const struct trace_ent *te = &t->v[i];
        sb_append(sb, te->call);
        sb_appendc(sb, '\0');
        sb_append(sb, te->args);
        sb_appendc(sb, '\0');
        sb_printf(sb, "%ld", te->ret);
        sb_appendc(sb, '\0');
        sb_printf(sb, "%d", te->err);
        sb_appendc(sb, '\0');
        sb_printf(sb, "%u", te->flags);
        sb_appendc(sb, '\0');
    }
}

static const char *take(const char *buf, size_t len, size_t *pos)
{
    if (*pos >= len)
        return NULL;
    const char *s = buf + *pos;
    const char *nul = memchr(s, '\0', len - *pos);
    if (!nul)
        return NULL;
    *pos += (size_t)(nul - s) + 1;
    return s;
}

ssize_t trace_unpack(struct trace *t, const char *buf, size_t len)
{
    size_t pos = 0, n0 = t->n;
    const char *count = take(buf, len, &pos);
    long n;
    if (!count || parse_long(count, 0, 100000, &n) < 0)
        return -1;
    for (long i = 0; i < n; i++) {
        const char *call = take(buf, len, &pos);
        const char *args = take(buf, len, &pos);
        const char *ret = take(buf, len, &pos);
        const char *err = take(buf, len, &pos);
        const char *flags = take(buf, len, &pos);
        long r, e, f;
        if (!flags || parse_long(ret, -4096, __LONG_MAX__, &r) < 0 ||
            parse_long(err, 0, 4096, &e) < 0 || parse_long(flags, 0, 0xffff, &f) < 0) {
            /* All or nothing: a bad message must not leave half a trace. */
            trace_truncate(t, n0);
            return -1;
        }
        struct trace_ent *te = trace_push(t);
        te->call = xstrdup(call);
        te->args = xstrdup(args);
        te->ret = r;
        te->err = (int)e;
        te->flags = (unsigned)f;
    }
    return (ssize_t)pos;
}
