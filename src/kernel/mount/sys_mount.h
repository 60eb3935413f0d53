/* Traced mount-related calls beyond sys_mount (sys.h). */
#ifndef NSLAB_SYS_MOUNT_H
#define NSLAB_SYS_MOUNT_H

#include "kernel/trace.h"

/* umount2(2), traced as umount2("/x", MNT_DETACH) = 0. */
int sys_umount2(struct trace *t, const char *target, int flags);
/* mkdtemp(3) of tmpl ("/tmp/nslab-scratch.XXXXXX", rewritten in place),
 * traced as the mkdir(2) it makes: mkdir("/tmp/nslab-scratch.Ab12Cd", 0700) = 0.
 * Returns tmpl, or NULL with errno. */
char *sys_mkdtemp(struct trace *t, char *tmpl);

#endif
