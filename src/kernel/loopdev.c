#define _GNU_SOURCE
#include "kernel/loopdev.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/loop.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "kernel/sys.h"

int loopdev_attach(struct trace *t, const char *file, uint64_t size, struct loopdev *out,
                   struct nsl_err *e)
{
    *out = (struct loopdev){.fd = -1};
    cleanup_free char *q = str_quoted(file);
    int back = (int)TRACED(t, "open", 0,
                           open(file, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600),
                           "%s, O_RDWR|O_CREAT|O_EXCL, 0600", q);
    if (back < 0)
        return nsl_fail_errno(e, errno, "cannot create %s", file);
    if (TRACED(t, "ftruncate", 0, ftruncate(back, (off_t)size), "%s, %llu", q,
               (unsigned long long)size) < 0) {
        int err = errno;
        close(back);
        return nsl_fail_errno(e, err, "cannot make %s %llu bytes long", file,
                              (unsigned long long)size);
    }
    int ctl = open("/dev/loop-control", O_RDWR | O_CLOEXEC);
    if (ctl < 0) {
        int err = errno;
        close(back);
        return nsl_fail_errno(e, err, "cannot open /dev/loop-control");
    }
    int r = -1, err = 0;
    /* another process may take the free device first: try again */
    for (int tries = 0; tries < 5 && r < 0; tries++) {
        long n = TRACED(t, "ioctl", 0, ioctl(ctl, LOOP_CTL_GET_FREE),
                        "\"/dev/loop-control\", LOOP_CTL_GET_FREE");
        if (n < 0) {
            err = errno;
            break;
        }
        snprintf(out->path, sizeof out->path, "/dev/loop%ld", n);
        out->fd = open(out->path, O_RDWR | O_CLOEXEC);
        if (out->fd < 0) {
            err = errno;
            continue;
        }
        struct loop_config cfg = {.fd = (unsigned)back};
        cfg.info.lo_flags = LO_FLAGS_AUTOCLEAR;
        snprintf((char *)cfg.info.lo_file_name, sizeof cfg.info.lo_file_name, "%s", file);
        r = (int)TRACED(t, "ioctl", 0, ioctl(out->fd, LOOP_CONFIGURE, &cfg),
                        "\"%s\", LOOP_CONFIGURE, {fd=%s, flags=LO_FLAGS_AUTOCLEAR}", out->path,
                        q);
        if (r < 0) {
            err = errno;
            close(out->fd);
            out->fd = -1;
            if (err != EBUSY)
                break;
        }
    }
    close(ctl);
    close(back); /* the device holds the file now */
    if (r < 0)
        return nsl_fail_errno(e, err, "cannot attach a loop device to %s", file);
    struct stat st;
    if (fstat(out->fd, &st) < 0 || !S_ISBLK(st.st_mode)) {
        err = errno;
        loopdev_release(t, out);
        return nsl_fail_errno(e, err ? err : ENOTBLK, "%s is not a block device", out->path);
    }
    out->major = major(st.st_rdev);
    out->minor = minor(st.st_rdev);
    return 0;
}

void loopdev_release(struct trace *t, struct loopdev *d)
{
    if (d->fd < 0)
        return;
    TRACED(t, "close", 0, close(d->fd), "\"%s\" (LO_FLAGS_AUTOCLEAR: the kernel detaches it)",
           d->path);
    d->fd = -1;
}

int blockdev_parse(const char *word, unsigned *major_out, unsigned *minor_out,
                   struct nsl_err *e)
{
    unsigned a, b;
    char end;
    if (sscanf(word, "%u:%u%c", &a, &b, &end) == 2) {
        *major_out = a;
        *minor_out = b;
        return 0;
    }
    struct stat st;
    if (stat(word, &st) < 0)
        return nsl_usage(e, "'%s' is neither MAJ:MIN nor a device: %s", word, strerror(errno));
    if (!S_ISBLK(st.st_mode))
        return nsl_usage(e, "'%s' is not a block device (blockdev makes one)", word);
    *major_out = major(st.st_rdev);
    *minor_out = minor(st.st_rdev);
    return 0;
}
