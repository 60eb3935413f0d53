#define _GNU_SOURCE
/* Keyrings through libkeyutils (keys.h). The view travels as lines:
 *   uid N
 *   ses ID ERRNO DESC       the session keyring (ID 0 and ERRNO when unnamed)
 *   usr ID ERRNO DESC       the user keyring
 *   key ID TYPE DESC        each key linked in the user keyring
 *   proc N                  lines of /proc/keys the reader saw (-1: unread)
 * DESC last, escaped (no control character, so no newline, survives). */
#include "kernel/keys.h"

#include <errno.h>
#include <keyutils.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *spec_name(key_serial_t spec)
{
    return spec == KEY_SPEC_SESSION_KEYRING ? "KEY_SPEC_SESSION_KEYRING" : "KEY_SPEC_USER_KEYRING";
}

/* "type;uid;gid;perm;description" (keyctl_describe): type and description,
 * escaped, appended to sb as "TYPE DESC" or just "DESC". */
static void describe_into(struct strbuf *sb, const char *d, int with_type)
{
    const char *p = d;
    for (int k = 0; k < 4 && p; k++) {
        const char *semi = strchr(p, ';');
        if (k == 0 && with_type) {
            size_t n = semi ? (size_t)(semi - p) : strlen(p);
            /* a type has no space: one word */
            for (size_t i = 0; i < n; i++)
                sb_appendc(sb, p[i] == ' ' ? '_' : p[i]);
            sb_appendc(sb, ' ');
        }
        p = semi ? semi + 1 : NULL;
    }
    if (p)
        sb_append_escaped(sb, p, strlen(p), 0);
}

/* A keyring named by spec: "TAG ID ERRNO DESC"; its ID, or 0. */
static key_serial_t ring_line(struct trace *t, struct strbuf *out, const char *tag,
                              key_serial_t spec)
{
    key_serial_t id = TRACED(t, "keyctl", 0, keyctl_get_keyring_ID(spec, 0),
                             "KEYCTL_GET_KEYRING_ID, %s, 0", spec_name(spec));
    int err = id < 0 ? errno : 0;
    sb_printf(out, "%s %d %d ", tag, id < 0 ? 0 : (int)id, err);
    char *d = NULL;
    if (id >= 0 && keyctl_describe_alloc(id, &d) >= 0)
        describe_into(out, d, 0);
    free(d);
    sb_appendc(out, '\n');
    return id < 0 ? 0 : id;
}

static long proc_keys_lines(void)
{
    FILE *f = fopen("/proc/keys", "re");
    if (!f)
        return -1;
    long n = 0;
    int c;
    while ((c = getc(f)) != EOF)
        n += c == '\n';
    fclose(f);
    return n;
}

int keys_view_read(void *arg, struct trace *t, struct strbuf *out)
{
    sb_printf(out, "uid %ld\n", (long)getuid());
    ring_line(t, out, "ses", KEY_SPEC_SESSION_KEYRING);
    key_serial_t user = ring_line(t, out, "usr", KEY_SPEC_USER_KEYRING);
    if (user) {
        void *buf = NULL;
        long n = TRACED(t, "keyctl", 0, keyctl_read_alloc(user, &buf), "KEYCTL_READ, %d",
                        (int)user);
        const key_serial_t *ids = buf;
        for (long k = 0; ids && n > 0 && k < n / (long)sizeof *ids; k++) {
            char *d = NULL;
            if (keyctl_describe_alloc(ids[k], &d) < 0)
                continue; /* gone meanwhile, or not ours to view */
            sb_printf(out, "key %d ", (int)ids[k]);
            describe_into(out, d, 1);
            sb_appendc(out, '\n');
            free(d);
        }
        free(buf);
    }
    sb_printf(out, "proc %ld\n", proc_keys_lines());
    if (!user) {
        errno = EPERM;
        return -1;
    }
    return 0;
}

/* s up to its line's end, a new string. */
static char *field_rest(const char *s)
{
    const char *nl = strchr(s, '\n');
    return strndup(s, nl ? (size_t)(nl - s) : strlen(s));
}

static int parse_line(const char *s, struct keys_view *v)
{
    int id = 0, err = 0, at = 0;
    char tag[8], type[40];
    if (sscanf(s, "%7s", tag) != 1)
        return -1;
    if (!strcmp(tag, "uid"))
        return sscanf(s, "uid %ld", &v->uid) == 1 ? 0 : -1;
    if (!strcmp(tag, "proc"))
        return sscanf(s, "proc %ld", &v->proc_keys) == 1 ? 0 : -1;
    if (!strcmp(tag, "ses") || !strcmp(tag, "usr")) {
        if (sscanf(s, "%*s %d %d %n", &id, &err, &at) < 2 || !at)
            return -1;
        bool ses = tag[0] == 's';
        *(ses ? &v->session_id : &v->user_id) = id;
        *(ses ? &v->session_err : &v->user_err) = err;
        char **d = ses ? &v->session_desc : &v->user_desc;
        free(*d);
        *d = field_rest(s + at);
        return 0;
    }
    if (!strcmp(tag, "key")) {
        if (sscanf(s, "key %d %39s %n", &id, type, &at) < 2 || !at)
            return -1;
        struct key_entry *nk = realloc(v->keys, (v->nkeys + 1) * sizeof *nk);
        if (!nk)
            return -1;
        v->keys = nk;
        nk[v->nkeys++] = (struct key_entry){.id = id, .type = strdup(type),
                                            .desc = field_rest(s + at)};
        return 0;
    }
    return -1;
}

int keys_view_parse(const char *text, struct keys_view *v)
{
    memset(v, 0, sizeof *v);
    v->uid = -1;
    v->proc_keys = -1;
    for (const char *s = text; s && *s;) {
        /* One line at a time: no field is read from the next. */
        char *line = field_rest(s);
        int r = parse_line(line, v);
        free(line);
        if (r < 0)
            return -1;
        s = strchr(s, '\n');
        if (s)
            s++;
    }
    return v->user_id || v->user_err ? 0 : -1;
}

void keys_view_free(struct keys_view *v)
{
    free(v->session_desc);
    free(v->user_desc);
    for (size_t k = 0; k < v->nkeys; k++) {
        free(v->keys[k].type);
        free(v->keys[k].desc);
    }
    free(v->keys);
    memset(v, 0, sizeof *v);
}

int keys_is_user_session(const char *desc)
{
    return desc && !strncmp(desc, "_uid_ses.", 9);
}

long sys_add_user_key(struct trace *t, const char *name, const char *data, size_t len)
{
    cleanup_free char *qn = str_quoted(name);
    cleanup_free char *qd = str_quoted(data);
    return TRACED(t, "add_key", 0, add_key("user", name, data, len, KEY_SPEC_USER_KEYRING),
                  "\"user\", %s, %s, %zu, KEY_SPEC_USER_KEYRING", qn, qd, len);
}

long sys_search_user_key(struct trace *t, const char *name)
{
    cleanup_free char *qn = str_quoted(name);
    return TRACED(t, "keyctl", 0, keyctl_search(KEY_SPEC_USER_KEYRING, "user", name, 0),
                  "KEYCTL_SEARCH, KEY_SPEC_USER_KEYRING, \"user\", %s, 0", qn);
}

long sys_unlink_user_key(struct trace *t, int32_t id)
{
    return TRACED(t, "keyctl", 0, keyctl_unlink(id, KEY_SPEC_USER_KEYRING),
                  "KEYCTL_UNLINK, %d, KEY_SPEC_USER_KEYRING", (int)id);
}

long sys_read_key(struct trace *t, int32_t id, struct strbuf *out)
{
    void *buf = NULL;
    long n = TRACED(t, "keyctl", 0, keyctl_read_alloc(id, &buf), "KEYCTL_READ, %d", (int)id);
    if (n >= 0 && buf)
        sb_appendn(out, buf, (size_t)n);
    free(buf);
    return n;
}
