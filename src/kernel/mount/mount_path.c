#define _GNU_SOURCE
/* Paths as text: normalized without touching the filesystem, and whether
 * one lies at or below another (mount points are compared this way). */
#include "kernel/mount/mount_path.h"

#include <string.h>

#include "util.h"

char *path_normalize(const char *path)
{
    if (!path || path[0] != '/')
        return NULL;
    struct strbuf sb = {0};
    sb_append(&sb, "");
    const char *p = path;
    while (*p) {
        while (*p == '/')
            p++;
        const char *end = strchrnul(p, '/');
        size_t n = (size_t)(end - p);
        if (n == 0 || (n == 1 && p[0] == '.')) {
            /* nothing */
        } else if (n == 2 && p[0] == '.' && p[1] == '.') {
            char *slash = strrchr(sb.buf, '/');
            if (slash) {
                sb.len = (size_t)(slash - sb.buf);
                sb.buf[sb.len] = '\0';
            }
        } else {
            sb_appendc(&sb, '/');
            sb_appendn(&sb, p, n);
        }
        p = end;
    }
    if (sb.len == 0)
        sb_appendc(&sb, '/');
    return sb_steal(&sb);
}

bool path_is_under(const char *path, const char *dir)
{
    if (strcmp(dir, "/") == 0)
        return path[0] == '/';
    size_t n = strlen(dir);
    return strncmp(path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/');
}
