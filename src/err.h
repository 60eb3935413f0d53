/* Errors are values: a function that can fail returns -1 and fills an
 * nsl_err with the errno (0 for errors that are not the kernel's) and one
 * human sentence that names the object. Only the shell loop reports them. */
#ifndef NSLAB_ERR_H
#define NSLAB_ERR_H

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

#endif
