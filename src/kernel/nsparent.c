#define _GNU_SOURCE
/* NS_GET_PARENT on one namespace file (see nsparent.h). */
#include "kernel/nsparent.h"

#include <errno.h>
#include <linux/nsfs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

ino_t ns_fd_ino(int fd)
{
    struct stat st;
    return fstat(fd, &st) < 0 ? 0 : st.st_ino;
}

int ns_get_parent(int fd, ino_t *parent, int *parent_fd, struct nsl_err *e)
{
    *parent = 0;
    *parent_fd = -1;
    int r = ioctl(fd, NS_GET_PARENT);
    if (r < 0) {
        if (errno == EPERM)
            return 0;
        return nsl_fail_errno(e, errno, "cannot find the parent namespace: ioctl(NS_GET_PARENT)");
    }
    ino_t ino = ns_fd_ino(r);
    if (!ino) {
        int err = errno;
        close(r);
        return nsl_fail_errno(e, err, "cannot find the parent namespace: fstat of its fd");
    }
    *parent = ino;
    *parent_fd = r;
    return 0;
}
