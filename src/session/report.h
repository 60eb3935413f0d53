/* Reporting a step. A handler never prints: it states what happened through
 * these calls, and the loop renders the step (text, or one JSON object).
 *
 * A fact is stated once: print_string(sh, PRINT_ANY, "name", "%s\n", v)
 * writes the text line (through fmt) and the field "name" of the step's
 * result from one call, as iproute2's print_string() does. PRINT_FP writes
 * the text only, PRINT_JSON the field only; a NULL fmt writes no text, a
 * NULL key no field (inside an array, values have no key). The result is
 * built in sh->step.result: an object opened by the first field, or what
 * open_json_object/open_json_array at the top made. PIDs and namespace
 * inodes are typed (print_pid, print_ino): their --stable labels come from
 * render/labels.c, the same label in the text and in the JSON. */
#ifndef NSLAB_SESSION_REPORT_H
#define NSLAB_SESSION_REPORT_H

#include <stdio.h>

#include "nslab.h"

/* Output of the current step: the text a command prints. */
void out_printf(struct nsl *sh, const char *fmt, ...) PRINTF(2, 3);
/* Fail the current step: fills sh->step.err (err.c words it), returns -1. */
int (step_fail)(struct nsl *sh, int errnum, const char *fmt, ...) PRINTF(3, 4);
/* A usage error of the lab itself (EINVAL, err.usage): `expect fail` never
 * accepts it, and no observation is shown before it. */
int (step_usage)(struct nsl *sh, const char *fmt, ...) PRINTF(2, 3);
/* Same, appending the errno description. */
int (step_fail_errno)(struct nsl *sh, int errnum, const char *fmt, ...) PRINTF(3, 4);
/* Copy an nsl_err into the step (for lower layers' errors). Returns -1. */
int (step_fail_err)(struct nsl *sh, const struct nsl_err *e);
/* Each returns -1; the macros say so where the call is, so a reader (and
 * the static analyzer) sees that a handler's `return step_fail(...)` is a
 * failure without looking into report.c. */
#define step_fail(...) ({ (step_fail)(__VA_ARGS__); -1; })
#define step_usage(...) ({ (step_usage)(__VA_ARGS__); -1; })
#define step_fail_errno(...) ({ (step_fail_errno)(__VA_ARGS__); -1; })
#define step_fail_err(...) ({ (step_fail_err)(__VA_ARGS__); -1; })

enum print_to {
    PRINT_ANY,  /* the text and the JSON field */
    PRINT_FP,   /* the text only */
    PRINT_JSON, /* the JSON field only */
};

/* fmt takes the value with one conversion ("%s", "%-10s", "%lld", "%u" ...,
 * as the print_* function's type); text through fmt is not translated here
 * (pass _("...") where it is a sentence). A NULL value is JSON null, and
 * "(null)" is never printed: the text is skipped. */
void print_string(struct nsl *sh, enum print_to to, const char *key, const char *fmt,
                  const char *value);
void print_int(struct nsl *sh, enum print_to to, const char *key, const char *fmt, long long value);
void print_uint(struct nsl *sh, enum print_to to, const char *key, const char *fmt,
                unsigned long long value);
void print_double(struct nsl *sh, enum print_to to, const char *key, const char *fmt,
                  double value);
void print_bool(struct nsl *sh, enum print_to to, const char *key, const char *fmt, bool value);
void print_null(struct nsl *sh, const char *key);
/* A host PID (text "%s" of its label; JSON a number, or the label). */
void print_pid(struct nsl *sh, enum print_to to, const char *key, const char *fmt, pid_t pid);
/* A namespace inode of type slot (JSON null for 0). */
void print_ino(struct nsl *sh, enum print_to to, const char *key, const char *fmt,
               enum ns_slot slot, ino_t ino);
/* Nested JSON: an object or array as the next field (key) or array item
 * (NULL key); at the top (nothing open) it becomes the step's result. */
void open_json_object(struct nsl *sh, const char *key);
void open_json_array(struct nsl *sh, const char *key);
void close_json_object(struct nsl *sh);
void close_json_array(struct nsl *sh);
/* The compiler checks each literal text format against the value's type
 * (print_int's "%u" is a mistake it then reports): printf in sizeof is
 * never called. */
#ifdef __CPPCHECK__
/* cppcheck reads the literal in "(fmt) ? ..." as a mistaken test; the check
 * is the compiler's, so cppcheck sees none. */
#define PRINT_CHECK(fmt, dflt, v) ((void)0)
#else
#define PRINT_CHECK(fmt, dflt, v) ((void)sizeof(printf((fmt) ? (fmt) : dflt, v)))
#endif
#define print_string(sh, to, key, fmt, v)                                                         \
    (PRINT_CHECK(fmt, "%s", (const char *)(v)), (print_string)(sh, to, key, fmt, v))
#define print_int(sh, to, key, fmt, v)                                                            \
    (PRINT_CHECK(fmt, "%lld", (long long)(v)), (print_int)(sh, to, key, fmt, v))
#define print_uint(sh, to, key, fmt, v)                                                           \
    (PRINT_CHECK(fmt, "%llu", (unsigned long long)(v)), (print_uint)(sh, to, key, fmt, v))
#define print_double(sh, to, key, fmt, v)                                                         \
    (PRINT_CHECK(fmt, "%f", (double)(v)), (print_double)(sh, to, key, fmt, v))
#define print_bool(sh, to, key, fmt, v)                                                           \
    (PRINT_CHECK(fmt, "%s", "true"), (print_bool)(sh, to, key, fmt, v))
#define print_pid(sh, to, key, fmt, v)                                                            \
    (PRINT_CHECK(fmt, "%s", "pid"), (print_pid)(sh, to, key, fmt, v))
#define print_ino(sh, to, key, fmt, slot, v)                                                      \
    (PRINT_CHECK(fmt, "%s", "ino"), (print_ino)(sh, to, key, fmt, slot, v))

/* An array of numbers in one call: "key": [v0, v1, ...] (JSON only). */
void print_uint_array(struct nsl *sh, const char *key, const unsigned long long *v, size_t n);
/* A value built elsewhere (a real tree: a render function's JSON), taken. */
void print_json(struct nsl *sh, const char *key, cJSON *value);

#endif
