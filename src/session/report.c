#define _GNU_SOURCE
/* Reporting a step: the text and the JSON result from one call (see
 * report.h); failures worded by err.c into sh->step.err. */
#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include "render/render.h"
#include "session/report.h"

void out_printf(struct nsl *sh, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sb_vprintf(&sh->step.out, fmt, ap);
    va_end(ap);
}

int (step_fail)(struct nsl *sh, int errnum, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    nsl_vfail(&sh->step.err, errnum, false, fmt, ap);
    va_end(ap);
    return -1;
}

int (step_usage)(struct nsl *sh, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    nsl_vfail(&sh->step.err, EINVAL, true, fmt, ap);
    va_end(ap);
    return -1;
}

int (step_fail_errno)(struct nsl *sh, int errnum, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    nsl_vfail_errno(&sh->step.err, errnum, fmt, ap);
    va_end(ap);
    return -1;
}

int (step_fail_err)(struct nsl *sh, const struct nsl_err *e)
{
    sh->step.err = *e;
    return -1;
}

/* The container the next value goes into: the innermost open one, else
 * the step's result (an object made for it when there is none). */
static cJSON *json_top(struct step *st)
{
    /* A stack left over from an older result (one replaced or freed by
     * whoever reset the step) is no stack. */
    if (st->jdepth > 0 && st->jstack[0] != st->result)
        st->jdepth = 0;
    if (st->jdepth == 0) {
        if (!st->result)
            st->result = cJSON_CreateObject();
        st->jstack[st->jdepth++] = st->result;
    }
    return st->jstack[st->jdepth - 1];
}

static void json_add(struct nsl *sh, const char *key, cJSON *item)
{
    cJSON *top = json_top(&sh->step);
    if (cJSON_IsArray(top))
        cJSON_AddItemToArray(top, item);
    else if (key)
        cJSON_AddItemToObject(top, key, item);
    else
        cJSON_Delete(item); /* a value with no name in an object: nowhere to go */
}

static bool to_text(enum print_to to, const char *fmt)
{
    return fmt && to != PRINT_JSON;
}

static bool to_json(enum print_to to, const char *key)
{
    (void)key;
    return to != PRINT_FP;
}

#define TEXT(fmt, v)                                                                              \
    do {                                                                                          \
        _Pragma("GCC diagnostic push");                                                           \
        _Pragma("GCC diagnostic ignored \"-Wformat-nonliteral\"");                                \
        sb_printf(&sh->step.out, fmt, v);                                                         \
        _Pragma("GCC diagnostic pop");                                                            \
    } while (0)

void (print_string)(struct nsl *sh, enum print_to to, const char *key, const char *fmt,
                  const char *value)
{
    if (to_text(to, fmt) && value)
        TEXT(fmt, value);
    if (to_json(to, key))
        json_add(sh, key, value ? cJSON_CreateString(value) : cJSON_CreateNull());
}

void (print_int)(struct nsl *sh, enum print_to to, const char *key, const char *fmt, long long value)
{
    if (to_text(to, fmt))
        TEXT(fmt, value);
    if (to_json(to, key))
        json_add(sh, key, cJSON_CreateNumber((double)value));
}

void (print_uint)(struct nsl *sh, enum print_to to, const char *key, const char *fmt,
                unsigned long long value)
{
    if (to_text(to, fmt))
        TEXT(fmt, value);
    if (to_json(to, key))
        json_add(sh, key, cJSON_CreateNumber((double)value));
}

void (print_double)(struct nsl *sh, enum print_to to, const char *key, const char *fmt,
                  double value)
{
    if (to_text(to, fmt))
        TEXT(fmt, value);
    if (to_json(to, key))
        json_add(sh, key, cJSON_CreateNumber(value));
}

void (print_bool)(struct nsl *sh, enum print_to to, const char *key, const char *fmt, bool value)
{
    if (to_text(to, fmt))
        TEXT(fmt, value ? "true" : "false");
    if (to_json(to, key))
        json_add(sh, key, cJSON_CreateBool(value));
}

void print_null(struct nsl *sh, const char *key)
{
    json_add(sh, key, cJSON_CreateNull());
}

void (print_pid)(struct nsl *sh, enum print_to to, const char *key, const char *fmt, pid_t pid)
{
    char b[32];
    if (to_text(to, fmt))
        TEXT(fmt, fmt_pid(sh, pid, b, sizeof b));
    if (to_json(to, key))
        json_add(sh, key, json_pid(sh, pid));
}

void (print_ino)(struct nsl *sh, enum print_to to, const char *key, const char *fmt,
               enum ns_slot slot, ino_t ino)
{
    char b[32];
    if (to_text(to, fmt))
        TEXT(fmt, fmt_ino(sh, slot, ino, b, sizeof b));
    if (to_json(to, key))
        json_add(sh, key, json_ino(sh, slot, ino));
}

static void json_open(struct nsl *sh, const char *key, cJSON *c)
{
    struct step *st = &sh->step;
    if (st->jdepth > 0 && st->jstack[0] != st->result)
        st->jdepth = 0;
    if (st->jdepth == 0 && !st->result)
        st->result = c;
    else
        json_add(sh, key, c);
    if (st->jdepth < (int)ARRAY_SIZE(st->jstack))
        st->jstack[st->jdepth++] = c;
}

void open_json_object(struct nsl *sh, const char *key)
{
    json_open(sh, key, cJSON_CreateObject());
}

void open_json_array(struct nsl *sh, const char *key)
{
    json_open(sh, key, cJSON_CreateArray());
}

void close_json_object(struct nsl *sh)
{
    if (sh->step.jdepth > 0)
        sh->step.jdepth--;
}

void close_json_array(struct nsl *sh)
{
    close_json_object(sh);
}

void print_uint_array(struct nsl *sh, const char *key, const unsigned long long *v, size_t n)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t k = 0; k < n; k++)
        cJSON_AddItemToArray(a, cJSON_CreateNumber((double)v[k]));
    json_add(sh, key, a);
}

void print_json(struct nsl *sh, const char *key, cJSON *value)
{
    if (value)
        json_add(sh, key, value);
}
