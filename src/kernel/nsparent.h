/* The parent of a PID or user namespace (NS_GET_PARENT of ioctl_ns(2)), for
 * `graph`. `ls-ns --tree` climbs the same links inside kernel/nsscan_tree.c,
 * which walks all of /proc; this one starts from one open namespace file. */
#ifndef NSLAB_NSPARENT_H
#define NSLAB_NSPARENT_H

#include <sys/types.h>

#include "err.h"

/* fd: an open namespace file (/proc/PID/ns/pid, .../user). Fills *parent
 * with the parent's inode and *parent_fd with an fd of it (the caller
 * closes it), or *parent = 0 and *parent_fd = -1 when no parent is visible
 * from here (EPERM: the top namespace the caller can see). -1 with e filled
 * on any other error (ENOTTY: not a namespace file; EINVAL: a type without
 * parents). Reads only: nothing is traced. */
int ns_get_parent(int fd, ino_t *parent, int *parent_fd, struct nsl_err *e);

/* The inode of the namespace open at fd, or 0 (errno set). */
ino_t ns_fd_ino(int fd);

#endif
