/* Traced mount-related calls beyond sys_mount (sys.h). */
#ifndef NSLAB_SYS_MOUNT_H
#define NSLAB_SYS_MOUNT_H

#include <sys/types.h>

#include "kernel/trace.h"

/* umount2(2), traced as umount2("/x", MNT_DETACH) = 0. */
int sys_umount2(struct trace *t, const char *target, int flags);
/* mkdtemp(3) of tmpl ("/tmp/nslab-scratch.XXXXXX", rewritten in place),
 * traced as the mkdir(2) it makes: mkdir("/tmp/nslab-scratch.Ab12Cd", 0700) = 0.
 * Returns tmpl, or NULL with errno. */
char *sys_mkdtemp(struct trace *t, char *tmpl);
/* mknod(2) of an empty regular file (fails with EEXIST when path is
 * there), traced as mknod("/x", S_IFREG|0644) = 0: a file to mount on. */
int sys_mknod_file(struct trace *t, const char *path, mode_t mode);

#endif
