/* Paths as text, the way mount points are compared: pure functions. */
#ifndef NSLAB_MOUNT_PATH_H
#define NSLAB_MOUNT_PATH_H

#include <stdbool.h>

/* "/a//b/./c/" -> "/a/b/c" without touching the filesystem (.. drops a
 * component). Paths must be absolute: NULL otherwise. */
char *path_normalize(const char *path);
/* Is path at or below dir (both normalized)? */
bool path_is_under(const char *path, const char *dir);

#endif
