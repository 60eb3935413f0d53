/* Errors are values: a function that can fail returns -1 and fills an
 * nsl_err with the errno (0 for errors that are not the kernel's) and one
 * human sentence that names the object. Only the shell loop reports them. */
#ifndef NSLAB_ERR_H
#define NSLAB_ERR_H

#include <stdarg.h>

#include "util.h"

struct nsl_err {
    int errnum;     /* errno value, or 0 */
    /* The lab's own mistake (a usage error, an unknown word, a malformed
     * size or name), found before anything was asked of the kernel. Such a
     * failure is never what a lab means by `expect fail`. */
    bool usage;
    char msg[1024]; /* one sentence, no trailing newline */
};

/* Set *e (when e is not NULL) and return -1. */
int nsl_fail(struct nsl_err *e, int errnum, const char *fmt, ...) PRINTF(3, 4);
/* Same, appending ": <strerror> (<ENAME>)" for errnum != 0. */
int nsl_fail_errno(struct nsl_err *e, int errnum, const char *fmt, ...) PRINTF(3, 4);
/* A usage error (EINVAL, usage set): the words given cannot mean anything. */
int nsl_usage(struct nsl_err *e, const char *fmt, ...) PRINTF(2, 3);
void nsl_err_clear(struct nsl_err *e);
/* Append "; hint" (translated) to e's sentence (when e is not NULL). */
void nsl_err_hint(struct nsl_err *e, const char *hint);
/* The va_list forms, for callers that fill an nsl_err of their own
 * (session/report.c's step_fail*): the one place a failure is worded. */
void nsl_vfail(struct nsl_err *e, int errnum, bool usage, const char *fmt, va_list ap);
void nsl_vfail_errno(struct nsl_err *e, int errnum, const char *fmt, va_list ap);

#endif
