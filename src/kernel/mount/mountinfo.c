#define _GNU_SOURCE
#include "kernel/mount/mountinfo.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Garbage goes into error messages only quoted, short and printable, so a
 * fuzzed line never floods or corrupts the terminal. */
static const char *field_quote(const char *s, char *buf, size_t size)
{
    size_t o = 0, i = 0;
    for (; s[i] && o + 4 < size && i < 32; i++)
        buf[o++] = isprint((unsigned char)s[i]) ? s[i] : '?';
    if (s[i] && o + 4 < size) {
        memcpy(buf + o, "...", 3);
        o += 3;
    }
    buf[o] = '\0';
    return buf;
}

static bool is_odigit(char c)
{
    return c >= '0' && c <= '7';
}

char *mountinfo_unescape(const char *s)
{
    struct strbuf sb = {0};
    sb_appendn(&sb, "", 0);
    while (*s) {
        if (s[0] == '\\' && is_odigit(s[1]) && is_odigit(s[2]) && is_odigit(s[3])) {
            int v = (s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0');
            if (v == 0 || v > 255) {
                sb_free(&sb);
                return NULL;
            }
            sb_appendc(&sb, (char)v);
            s += 4;
        } else {
            sb_appendc(&sb, *s++);
        }
    }
    return sb_steal(&sb);
}

static int parse_id(const char *s, int min, int *out)
{
    long v;
    if (!isdigit((unsigned char)s[0]) || parse_long(s, min, INT_MAX, &v) < 0)
        return -1;
    *out = (int)v;
    return 0;
}

static int parse_devno(const char *s, unsigned *major, unsigned *minor)
{
    const char *colon = strchr(s, ':');
    if (!colon || colon == s)
        return -1;
    char maj[16];
    size_t n = (size_t)(colon - s);
    if (n >= sizeof maj)
        return -1;
    memcpy(maj, s, n);
    maj[n] = '\0';
    int a, b;
    if (parse_id(maj, 0, &a) < 0 || parse_id(colon + 1, 0, &b) < 0)
        return -1;
    *major = (unsigned)a;
    *minor = (unsigned)b;
    return 0;
}

static void ent_free(struct mount_ent *m)
{
    free(m->root);
    free(m->target);
    free(m->opts);
    free(m->optional);
    free(m->fstype);
    free(m->source);
    free(m->super_opts);
    free(m->line);
}

void mount_table_free(struct mount_table *t)
{
    for (size_t i = 0; i < t->n; i++)
        ent_free(&t->v[i]);
    free(t->v);
    t->v = NULL;
    t->n = t->cap = 0;
}

/* One optional field: a known tag must be well formed and appear once;
 * unknown tags are kept in the raw text only, as newer kernels may add some. */
static int optional_parse(const char *f, struct mount_ent *m, struct nsl_err *e,
                          unsigned line_no)
{
    static const struct {
        const char *tag;
        size_t off;
    } tags[] = {
        {"shared:", offsetof(struct mount_ent, shared)},
        {"master:", offsetof(struct mount_ent, master)},
        {"propagate_from:", offsetof(struct mount_ent, propagate_from)},
    };
    char q[48];
    if (!*f)
        return nsl_fail(e, 0, "line %u: empty optional field (two spaces in a row)", line_no);
    if (strcmp(f, "unbindable") == 0) {
        if (m->unbindable)
            return nsl_fail(e, 0, "line %u: 'unbindable' appears twice", line_no);
        m->unbindable = true;
        return 0;
    }
    for (size_t i = 0; i < ARRAY_SIZE(tags); i++) {
        size_t tl = strlen(tags[i].tag);
        if (strncmp(f, tags[i].tag, tl) != 0)
            continue;
        int *slot = (int *)((char *)m + tags[i].off);
        if (*slot)
            return nsl_fail(e, 0, "line %u: '%.*s' appears twice", line_no, (int)tl - 1,
                            tags[i].tag);
        if (parse_id(f + tl, 1, slot) < 0)
            return nsl_fail(e, 0, "line %u: optional field '%s' has no valid peer group number",
                            line_no, field_quote(f, q, sizeof q));
        return 0;
    }
    return 0;
}

/* Split at single spaces: the kernel separates fields by exactly one, so an
 * empty field (an empty source) stays in its place. */
static char **fields_split(char *line, size_t *nf)
{
    size_t n = 1;
    for (char *p = line; *p; p++)
        n += *p == ' ';
    char **v = xcalloc(n, sizeof *v);
    size_t i = 0;
    v[i++] = line;
    for (char *p = line; *p; p++) {
        if (*p == ' ') {
            *p = '\0';
            v[i++] = p + 1;
        }
    }
    *nf = i;
    return v;
}

static int line_parse(const char *raw, size_t len, unsigned line_no, struct mount_ent *m,
                      struct nsl_err *e)
{
    char q[48];
    if (len == 0)
        return nsl_fail(e, 0, "line %u is empty", line_no);
    if (memchr(raw, '\0', len))
        return nsl_fail(e, 0, "line %u contains a NUL byte", line_no);
    cleanup_free char *line = xstrndup(raw, len);
    size_t nf;
    cleanup_free char **f = fields_split(line, &nf);

    size_t sep = 0;
    for (size_t i = 6; i < nf; i++) {
        if (strcmp(f[i], "-") == 0) {
            sep = i;
            break;
        }
    }
    if (nf < 10 && !sep)
        return nsl_fail(e, 0, "line %u: too few fields (%zu; a mountinfo line has at least 10)",
                        line_no, nf);
    if (!sep)
        return nsl_fail(e, 0, "line %u: no ' - ' separator before the filesystem type",
                        line_no);
    if (nf - sep - 1 < 3)
        return nsl_fail(e, 0, "line %u: expected FSTYPE SOURCE SUPER_OPTIONS after ' - '",
                        line_no);
    if (parse_id(f[0], 0, &m->id) < 0)
        return nsl_fail(e, 0, "line %u: mount ID '%s' is not a number", line_no,
                        field_quote(f[0], q, sizeof q));
    if (parse_id(f[1], 0, &m->parent) < 0)
        return nsl_fail(e, 0, "line %u: parent ID '%s' is not a number", line_no,
                        field_quote(f[1], q, sizeof q));
    if (parse_devno(f[2], &m->major, &m->minor) < 0)
        return nsl_fail(e, 0, "line %u: '%s' is not MAJOR:MINOR", line_no,
                        field_quote(f[2], q, sizeof q));
    static const char *const what[] = {"root", "mount point", "mount options"};
    for (int i = 3; i <= 5; i++)
        if (!*f[i])
            return nsl_fail(e, 0, "line %u: empty %s", line_no, what[i - 3]);
    if (!*f[sep + 1])
        return nsl_fail(e, 0, "line %u: empty filesystem type", line_no);
    for (size_t i = 6; i < sep; i++)
        if (optional_parse(f[i], m, e, line_no) < 0)
            return -1;

    m->root = mountinfo_unescape(f[3]);
    m->target = mountinfo_unescape(f[4]);
    m->source = mountinfo_unescape(f[sep + 2]);
    if (!m->root || !m->target || !m->source)
        return nsl_fail(e, 0, "line %u: a path escapes a NUL byte (\\000)", line_no);
    m->opts = xstrdup(f[5]);
    m->fstype = xstrdup(f[sep + 1]);

    struct strbuf sb = {0};
    for (size_t i = 6; i < sep; i++)
        sb_printf(&sb, "%s%s", i > 6 ? " " : "", f[i]);
    m->optional = sb_steal(&sb);
    /* The superblock options are the rest of the line: a filesystem that
     * forgot to escape a space must not make the line unreadable. */
    for (size_t i = sep + 3; i < nf; i++)
        sb_printf(&sb, "%s%s", i > sep + 3 ? " " : "", f[i]);
    m->super_opts = sb_steal(&sb);
    m->line = xstrndup(raw, len);
    m->line_no = line_no;
    return 0;
}

int mountinfo_parse(const char *text, size_t len, struct mount_table *out, struct nsl_err *e)
{
    struct mount_table t = {0};
    if (len == 0)
        return nsl_fail(e, 0, "mountinfo is empty");
    size_t pos = 0;
    unsigned line_no = 0;
    while (pos < len) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - text) : len;
        line_no++;
        if (t.n == t.cap) {
            t.cap = t.cap ? t.cap * 2 : 32;
            t.v = xrealloc(t.v, t.cap * sizeof *t.v);
        }
        struct mount_ent *m = &t.v[t.n];
        memset(m, 0, sizeof *m);
        if (line_parse(text + pos, end - pos, line_no, m, e) < 0) {
            ent_free(m);
            mount_table_free(&t);
            return -1;
        }
        t.n++;
        pos = end + 1;
    }
    mount_table_free(out);
    out->v = t.v;
    out->n = t.n;
    out->cap = t.cap;
    return 0;
}

int mntns_inode(const struct nsl_paths *p, pid_t pid, ino_t *ino)
{
    char path[512];
    struct stat st;
    if (pid)
        proc_path(p, path, sizeof path, "%d/ns/mnt", (int)pid);
    else
        proc_path(p, path, sizeof path, "self/ns/mnt");
    if (stat(path, &st) < 0)
        return -1;
    *ino = st.st_ino;
    return 0;
}

int mountinfo_read_text(const struct nsl_paths *p, pid_t pid, struct strbuf *sb,
                        struct nsl_err *e)
{
    char path[512];
    if (pid)
        proc_path(p, path, sizeof path, "%d/mountinfo", (int)pid);
    else
        proc_path(p, path, sizeof path, "self/mountinfo");
    if (read_file_sb(AT_FDCWD, path, sb) < 0) {
        int err = errno;
        return nsl_fail_errno(e, err, "cannot read %s", path);
    }
    return 0;
}

int mountinfo_from_text(const struct nsl_paths *p, pid_t pid, const struct strbuf *sb,
                        struct mount_table *out, struct nsl_err *e)
{
    struct nsl_err pe;
    if (mountinfo_parse(sb_str(sb), sb->len, out, &pe) < 0) {
        char path[512];
        if (pid)
            proc_path(p, path, sizeof path, "%d/mountinfo", (int)pid);
        else
            proc_path(p, path, sizeof path, "self/mountinfo");
        return nsl_fail(e, 0, "cannot parse %s: %s", path, pe.msg);
    }
    ino_t ino = 0;
    out->mntns = mntns_inode(p, pid, &ino) == 0 ? ino : 0;
    out->pid = pid;
    return 0;
}

int mountinfo_read(const struct nsl_paths *p, pid_t pid, struct mount_table *out,
                   struct nsl_err *e)
{
    struct strbuf sb = {0};
    int r = mountinfo_read_text(p, pid, &sb, e) < 0 ? -1 : mountinfo_from_text(p, pid, &sb, out, e);
    sb_free(&sb);
    return r;
}

/* Among the mounts at exactly `path`, the top one is the one no other mount
 * at the same point has as its parent. */
const struct mount_ent *mount_table_find_target(const struct mount_table *t, const char *path)
{
    const struct mount_ent *last = NULL, *top = NULL;
    for (size_t i = 0; i < t->n; i++) {
        const struct mount_ent *m = &t->v[i];
        if (strcmp(m->target, path) != 0)
            continue;
        last = m;
        bool covered = false;
        for (size_t j = 0; j < t->n && !covered; j++)
            covered = j != i && t->v[j].parent == m->id && strcmp(t->v[j].target, path) == 0;
        if (!covered)
            top = m;
    }
    return top ? top : last;
}

static size_t target_match(const char *target, const char *path)
{
    size_t tl = strlen(target);
    if (tl == 0)
        return 0;
    if (strcmp(target, "/") == 0)
        return path[0] == '/' ? 1 : 0;
    if (strncmp(path, target, tl) != 0 || (path[tl] != '\0' && path[tl] != '/'))
        return 0;
    return tl;
}

const struct mount_ent *mount_table_find_containing(const struct mount_table *t,
                                                    const char *path)
{
    const struct mount_ent *best = NULL;
    size_t best_len = 0;
    for (size_t i = 0; i < t->n; i++) {
        size_t l = target_match(t->v[i].target, path);
        if (l > best_len) {
            best_len = l;
            best = &t->v[i];
        }
    }
    return best ? mount_table_find_target(t, best->target) : NULL;
}

const struct mount_ent *mount_table_find_id(const struct mount_table *t, int id)
{
    for (size_t i = 0; i < t->n; i++)
        if (t->v[i].id == id)
            return &t->v[i];
    return NULL;
}

bool mount_table_is_under(const struct mount_table *t, const struct mount_ent *m,
                          const struct mount_ent *ancestor)
{
    /* Bounded walk: a corrupt table may contain a parent cycle. */
    for (size_t steps = 0; m && steps <= t->n; steps++) {
        if (m->id == ancestor->id)
            return true;
        if (m->parent == m->id)
            return false;
        m = mount_table_find_id(t, m->parent);
    }
    return false;
}
