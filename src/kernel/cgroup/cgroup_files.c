#define _GNU_SOURCE
#include "kernel/cgroup/cgroup_files.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct cg_kept *kept_find(struct cg_files *k, const char *path)
{
    for (size_t i = 0; i < k->n; i++)
        if (strcmp(k->v[i].path, path) == 0)
            return &k->v[i];
    if (k->n == k->cap) {
        k->cap = k->cap ? k->cap * 2 : 16;
        k->v = xrealloc(k->v, k->cap * sizeof *k->v);
    }
    struct cg_kept *c = &k->v[k->n++];
    *c = (struct cg_kept){.path = xstrdup(path), .fd = -2};
    return c;
}

static void kept_close(struct cg_kept *c)
{
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -2; /* not open, not known to be absent */
}

/* One pass over the file from offset 0 into sb; -1 with errno. */
static int kept_pass(int fd, unsigned flags, struct strbuf *sb)
{
    sb_reset(sb);
    for (;;) {
        sb_reserve(sb, 4096);
        size_t room = sb->cap - sb->len - 1;
        ssize_t n = pread(fd, sb->buf + sb->len, room, (off_t)sb->len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            sb->buf[sb->len] = '\0';
            return -1;
        }
        sb->len += (size_t)n;
        sb->buf[sb->len] = '\0';
        if (n == 0 || ((flags & CGF_ONE_RECORD) && (size_t)n < room))
            return 0;
    }
}

/* The same into a caller's buffer, truncated to size - 1 bytes. */
static ssize_t kept_pass_buf(int fd, unsigned flags, char *buf, size_t size)
{
    size_t got = 0;
    while (got < size - 1) {
        size_t room = size - 1 - got;
        ssize_t n = pread(fd, buf + got, room, (off_t)got);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            buf[got] = '\0';
            return -1;
        }
        got += (size_t)n;
        if (n == 0 || ((flags & CGF_ONE_RECORD) && (size_t)n < room))
            break;
    }
    buf[got] = '\0';
    return (ssize_t)got;
}

/* Read c's file with pass (into sb, or into buf of size): through the kept
 * descriptor first; if its file is gone (ENODEV, ESRCH) or anything else
 * fails, the path is opened afresh once, as a plain reader would. */
static ssize_t kept_read(struct cg_kept *c, unsigned flags, struct strbuf *sb, char *buf,
                         size_t size)
{
    c->used = true;
    if (c->fd == -1 && (flags & CGF_ABSENT_FINAL)) {
        errno = c->err;
        return -1;
    }
    if (c->fd >= 0) {
        ssize_t n = sb ? kept_pass(c->fd, flags, sb) : kept_pass_buf(c->fd, flags, buf, size);
        if (n >= 0)
            return n;
    }
    kept_close(c);
    int fd = open(c->path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        int err = errno;
        if (err == ENOENT && (flags & CGF_ABSENT_FINAL)) {
            c->fd = -1;
            c->err = err;
        }
        errno = err;
        return -1;
    }
    ssize_t n = sb ? kept_pass(fd, flags, sb) : kept_pass_buf(fd, flags, buf, size);
    if (n < 0) {
        int err = errno;
        close(fd);
        errno = err;
        return -1;
    }
    c->fd = fd;
    return n;
}

int cg_files_read(struct cg_files *k, const char *path, unsigned flags, struct strbuf *sb)
{
    if (kept_read(kept_find(k, path), flags, sb, NULL, 0) < 0) {
        int err = errno;
        sb_reset(sb);
        sb_reserve(sb, 0);
        sb->buf[0] = '\0';
        errno = err;
        return -1;
    }
    return 0;
}

ssize_t cg_files_read_buf(struct cg_files *k, const char *path, unsigned flags, char *buf,
                          size_t size)
{
    if (size == 0) {
        errno = EINVAL;
        return -1;
    }
    buf[0] = '\0';
    return kept_read(kept_find(k, path), flags, NULL, buf, size);
}

void cg_files_sweep(struct cg_files *k)
{
    size_t w = 0;
    for (size_t i = 0; i < k->n; i++) {
        struct cg_kept *c = &k->v[i];
        if (!c->used) {
            kept_close(c);
            free(c->path);
            continue;
        }
        c->used = false;
        k->v[w++] = *c;
    }
    k->n = w;
}

void cg_files_free(struct cg_files *k)
{
    for (size_t i = 0; i < k->n; i++) {
        kept_close(&k->v[i]);
        free(k->v[i].path);
    }
    free(k->v);
    memset(k, 0, sizeof *k);
}
