#define _GNU_SOURCE
#include "kernel/sys_file.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
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
