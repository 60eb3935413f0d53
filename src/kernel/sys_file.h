/* Traced writes of files whose path is shown differently from how it is
 * opened (a --stable PID label in /proc/PID/uid_map). */
#ifndef NSLAB_SYS_FILE_H
#define NSLAB_SYS_FILE_H

#include <sys/types.h>

#include "kernel/trace.h"

/* As sys_write_file, traced as write SHOWN "VALUE". */
int sys_write_file_shown(struct trace *t, const char *path, const char *shown, const char *value);

/* The files of a root filesystem being laid out (image busybox), each traced
 * as the call it makes. */
int sys_mkdir(struct trace *t, const char *path, mode_t mode);
int sys_chmod(struct trace *t, const char *path, mode_t mode);
int sys_symlink(struct trace *t, const char *target, const char *linkpath);
/* A new file (O_CREAT|O_EXCL) holding value, traced as open and write. */
int sys_create_file(struct trace *t, const char *path, mode_t mode, const char *value);
/* A copy of the regular file src as the new file dst (O_EXCL) with mode,
 * by copy_file_range(2), traced as that one call with the bytes copied. */
int sys_copy_file(struct trace *t, const char *src, const char *dst, mode_t mode);
/* chroot(2) and chdir(2), traced. */
int sys_chroot(struct trace *t, const char *path);
int sys_chdir(struct trace *t, const char *path);
/* pivot_root(2) (no glibc wrapper: the raw system call), traced. */
int sys_pivot_root(struct trace *t, const char *new_root, const char *put_old);

#endif
