/* Has a process's mount table changed? The kernel's own signal, so that a
 * reader of /proc/PID/mountinfo need not read and compare the whole table
 * (its cost grows with the number of mounts) when nothing changed.
 *
 * A descriptor of PROC/PID/mountinfo, kept open, is only polled, never read:
 * poll(2) reports POLLPRI|POLLERR on it once after its mount namespace
 * changed (proc(5); fs/proc_namespace.c mounts_poll). The descriptor belongs
 * to the mount namespace of its open, so it is opened again when the process
 * or its mount namespace (the inode of PROC/PID/ns/mnt) is another.
 *
 * What the signal covers (verified on Linux 6.18): a mount, an unmount,
 * a move, a remount (options), copies that propagation adds or removes in
 * the namespace. What it does NOT cover: a change of propagation alone
 * (--make-shared, --make-slave, --make-private, --make-unbindable) bumps no
 * counter, so a caller that shows propagation must read again after
 * anything that may have changed it (a process running in that namespace).
 */
#ifndef NSLAB_MOUNT_WATCH_H
#define NSLAB_MOUNT_WATCH_H

#include <stdbool.h>
#include <sys/types.h>

#include "kernel/sys.h"

struct mount_watch {
    int fd;      /* PROC/PID/mountinfo, polled only; 0: none */
    pid_t pid;   /* whose */
    ino_t mntns; /* the mount namespace it belongs to */
};

/* Must the table of pid be read again? true when it may have changed since
 * the previous call (the kernel signalled a change, or another process or
 * mount namespace than last time, or the first call, or anything could not
 * be checked); false only when the kernel says nothing was mounted,
 * unmounted or remounted there since. Call it BEFORE reading the table: a
 * change after the call is reported by the next one. A zeroed watch is a
 * valid empty one. */
bool mount_watch_changed(struct mount_watch *w, const struct nsl_paths *p, pid_t pid);
/* The next mount_watch_changed answers true (the caller's reading failed). */
void mount_watch_forget(struct mount_watch *w);
/* Close the descriptor; the watch is empty (zeroed) again. */
void mount_watch_close(struct mount_watch *w);

#endif
