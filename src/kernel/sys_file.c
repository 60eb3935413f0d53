#define _GNU_SOURCE
#include "kernel/sys_file.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

int sys_write_file_shown(struct trace *t, const char *path, const char *shown, const char *value)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    int r = -1;
    if (fd >= 0) {
        size_t len = strlen(value);
        /* One write(2): the kernel parses a map file from a single write. */
        ssize_t n = write(fd, value, len);
        r = n == (ssize_t)len ? 0 : -1;
        if (n >= 0 && n != (ssize_t)len)
            errno = EIO;
        int err = errno;
        close(fd);
        errno = err;
    }
    int err = errno;
    cleanup_free char *q = str_quoted(value);
    return trace_call(t, "write", r, err, 0, "%s %s", shown, q);
}

int sys_mkdir(struct trace *t, const char *path, mode_t mode)
{
    cleanup_free char *q = str_quoted(path);
    return TRACED(t, "mkdir", 0, mkdir(path, mode), "%s, 0%o", q, (unsigned)mode);
}

int sys_chmod(struct trace *t, const char *path, mode_t mode)
{
    cleanup_free char *q = str_quoted(path);
    return TRACED(t, "chmod", 0, chmod(path, mode), "%s, 0%o", q, (unsigned)mode);
}

int sys_symlink(struct trace *t, const char *target, const char *linkpath)
{
    cleanup_free char *qt = str_quoted(target);
    cleanup_free char *ql = str_quoted(linkpath);
    return TRACED(t, "symlink", 0, symlink(target, linkpath), "%s, %s", qt, ql);
}

int sys_create_file(struct trace *t, const char *path, mode_t mode, const char *value)
{
    cleanup_free char *qp = str_quoted(path);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    int err = errno;
    trace_call(t, "open", fd, err, 0, "%s, O_WRONLY|O_CREAT|O_EXCL, 0%o", qp, (unsigned)mode);
    if (fd < 0)
        return -1;
    size_t len = strlen(value);
    ssize_t n = write(fd, value, len);
    err = n < 0 ? errno : n != (ssize_t)len ? EIO : 0;
    close(fd);
    cleanup_free char *qv = str_quoted(value);
    return trace_call(t, "write", err ? -1 : (long)n, err, 0, "%s, %s, %zu", qp, qv, len) < 0
               ? -1
               : 0;
}

int sys_copy_file(struct trace *t, const char *src, const char *dst, mode_t mode)
{
    cleanup_free char *qs = str_quoted(src);
    cleanup_free char *qd = str_quoted(dst);
    long long total = 0;
    int err = 0;
    int in = open(src, O_RDONLY | O_CLOEXEC);
    int out = in < 0 ? -1 : open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    if (in < 0 || out < 0)
        err = errno;
    while (!err) {
        ssize_t n = copy_file_range(in, NULL, out, NULL, 1 << 20, 0);
        if (n < 0)
            err = errno;
        if (n <= 0)
            break;
        total += n;
    }
    if (in >= 0)
        close(in);
    if (out >= 0)
        close(out);
    return trace_call(t, "copy_file_range", err ? -1 : total, err, 0, "%s, %s, 0%o", qs, qd,
                      (unsigned)mode) < 0
               ? -1
               : 0;
}

int sys_chroot(struct trace *t, const char *path)
{
    cleanup_free char *q = str_quoted(path);
    return TRACED(t, "chroot", 0, chroot(path), "%s", q);
}

int sys_chdir(struct trace *t, const char *path)
{
    cleanup_free char *q = str_quoted(path);
    return TRACED(t, "chdir", 0, chdir(path), "%s", q);
}

int sys_pivot_root(struct trace *t, const char *new_root, const char *put_old)
{
    cleanup_free char *qn = str_quoted(new_root);
    cleanup_free char *qo = str_quoted(put_old);
    return TRACED(t, "pivot_root", 0, syscall(SYS_pivot_root, new_root, put_old), "%s, %s", qn,
                  qo);
}
