#define _GNU_SOURCE
#include "err.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "i18n.h"

void nsl_vfail(struct nsl_err *e, int errnum, bool usage, const char *fmt, va_list ap)
{
    vsnprintf(e->msg, sizeof e->msg, _(fmt), ap);
    e->errnum = errnum;
    e->usage = usage;
}

void nsl_vfail_errno(struct nsl_err *e, int errnum, const char *fmt, va_list ap)
{
    int n = vsnprintf(e->msg, sizeof e->msg, _(fmt), ap);
    if (errnum && n >= 0 && (size_t)n < sizeof e->msg)
        snprintf(e->msg + n, sizeof e->msg - (size_t)n, ": %s (%s)", strerror(errnum),
                 errno_name(errnum));
    e->errnum = errnum;
    e->usage = false;
}

void nsl_err_hint(struct nsl_err *e, const char *hint)
{
    if (!e)
        return;
    size_t n = strlen(e->msg);
    snprintf(e->msg + n, sizeof e->msg - n, "; %s", _(hint));
}

int nsl_fail(struct nsl_err *e, int errnum, const char *fmt, ...)
{
    if (e) {
        va_list ap;
        va_start(ap, fmt);
        nsl_vfail(e, errnum, false, fmt, ap);
        va_end(ap);
    }
    return -1;
}

int nsl_usage(struct nsl_err *e, const char *fmt, ...)
{
    if (e) {
        va_list ap;
        va_start(ap, fmt);
        nsl_vfail(e, EINVAL, true, fmt, ap);
        va_end(ap);
    }
    return -1;
}

int nsl_fail_errno(struct nsl_err *e, int errnum, const char *fmt, ...)
{
    if (e) {
        va_list ap;
        va_start(ap, fmt);
        nsl_vfail_errno(e, errnum, fmt, ap);
        va_end(ap);
    }
    return -1;
}

void nsl_err_clear(struct nsl_err *e)
{
    e->errnum = 0;
    e->usage = false;
    e->msg[0] = '\0';
}
