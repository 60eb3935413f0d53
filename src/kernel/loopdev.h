/* Loop devices: a block device of the session's own, on a file, for the io
 * controller to throttle. Attached with LO_FLAGS_AUTOCLEAR, so the kernel
 * detaches it when its last descriptor closes: nslab holds one until the
 * session ends (and a killed nslab's is closed by the kernel too). */
#ifndef NSLAB_LOOPDEV_H
#define NSLAB_LOOPDEV_H

#include <stdint.h>

#include "err.h"
#include "kernel/trace.h"

struct loopdev {
    int fd;          /* held open: the device lives while it is */
    char path[32];   /* "/dev/loop3" */
    unsigned major, minor;
};

/* Create file (it must not exist) of size bytes, sparse, and attach a free
 * loop device to it. Each call traced. 0, or -1 with nothing left but the
 * file (the caller's scratch directory removes it). */
int loopdev_attach(struct trace *t, const char *file, uint64_t size, struct loopdev *out,
                   struct nsl_err *e);
/* Close the device's descriptor: the kernel detaches it (autoclear). */
void loopdev_release(struct trace *t, struct loopdev *d);
/* A block device named by a path (a device node, or a link to one) or by
 * "MAJ:MIN". 0, or -1 (a usage error) saying why. */
int blockdev_parse(const char *word, unsigned *major, unsigned *minor, struct nsl_err *e);

#endif
