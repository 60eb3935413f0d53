/* The trace is the lesson: every syscall or file write a step performs is
 * recorded here (call, arguments, result, errno) and rendered after the step.
 * A trace is plain data so the subject process can ship it to the shell. */
#ifndef NSLAB_TRACE_H
#define NSLAB_TRACE_H

#include <errno.h>

#include "util.h"

enum trace_flags {
    TRACE_RET_PID = 1 << 0, /* ret is a host PID (shown as pid@N with --stable) */
    TRACE_NOTE = 1 << 1,    /* not a call: an explanatory line ("# ...") */
    TRACE_ARG_PID = 1 << 2, /* args start with a host PID ("4242, SIGKILL") */
};

struct trace_ent {
    char *call; /* "unshare", "setns", "write", "clone", ... */
    char *args; /* "CLONE_NEWUTS", "/proc/1234/ns/net, CLONE_NEWNET" */
    long ret;
    int err; /* errno when ret < 0, else 0 */
    unsigned flags;
};

struct trace {
    struct trace_ent *v;
    size_t n, cap;
};

void trace_add(struct trace *t, const char *call, long ret, int err, unsigned flags,
               const char *argfmt, ...) PRINTF(6, 7);
void trace_note(struct trace *t, const char *fmt, ...) PRINTF(2, 3);
/* The one way a traced wrapper records its call: as trace_add, then errno
 * is err again (whatever recording did to it) and ret is returned, so the
 * wrapper returns what the call returned with the errno it left. */
long trace_call(struct trace *t, const char *call, long ret, int err, unsigned flags,
                const char *argfmt, ...) PRINTF(6, 7);
/* Make a call (an int or long expression) and record it as NAME through
 * trace_call with the errno it left; the arguments are formatted after the
 * call (so they may show what it wrote). Gives the call's result, errno as
 * the call left it. */
#define TRACED(t, name, flags, call, ...)                                        \
    __extension__({                                                            \
        long traced_ret_ = (long)(call);                                       \
        int traced_err_ = errno;                                               \
        trace_call((t), (name), traced_ret_, traced_err_, (flags), __VA_ARGS__); \
    })
/* Append every entry of src to dst (copies). */
void trace_extend(struct trace *dst, const struct trace *src);
void trace_clear(struct trace *t);
void trace_free(struct trace *t);
/* The last entry, or NULL. */
const struct trace_ent *trace_last(const struct trace *t);
/* "unshare(CLONE_NEWUTS) = 0", "... = -1 EPERM (Operation not permitted)";
 * pidfmt renders a PID (for --stable); NULL prints the number. */
void trace_ent_format(const struct trace_ent *te, struct strbuf *out,
                      const char *(*pidfmt)(void *ctx, pid_t pid), void *ctx);

/* Just the arguments, with a leading PID formatted by pidfmt. */
void trace_args_format(const struct trace_ent *te, struct strbuf *out,
                       const char *(*pidfmt)(void *ctx, pid_t pid), void *ctx);

/* Serialisation for the subject's replies: appends to sb / parses from buf.
 * trace_unpack returns bytes consumed, or -1 on malformed input. */
void trace_pack(const struct trace *t, struct strbuf *sb);
ssize_t trace_unpack(struct trace *t, const char *buf, size_t len);

#endif
