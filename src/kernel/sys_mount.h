/* Traced mount-related calls beyond sys_mount (sys.h). */
#ifndef NSLAB_SYS_MOUNT_H
#define NSLAB_SYS_MOUNT_H

#include "trace.h"

/* umount2(2), traced as umount2("/x", MNT_DETACH) = 0. */
int sys_umount2(struct trace *t, const char *target, int flags);

#endif
