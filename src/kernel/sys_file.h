/* Traced writes of files whose path is shown differently from how it is
 * opened (a --stable PID label in /proc/PID/uid_map). */
#ifndef NSLAB_SYS_FILE_H
#define NSLAB_SYS_FILE_H

#include "kernel/trace.h"

/* As sys_write_file, traced as write SHOWN "VALUE". */
int sys_write_file_shown(struct trace *t, const char *path, const char *shown, const char *value);

#endif
