#define _GNU_SOURCE
#include "kernel/mount/sys_mount.h"

#include <errno.h>
#include <stdlib.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>

static void umount_flags_format(int f, struct strbuf *out)
{
    static const struct {
        int flag;
        const char *name;
    } names[] = {
        {MNT_FORCE, "MNT_FORCE"},
        {MNT_DETACH, "MNT_DETACH"},
        {MNT_EXPIRE, "MNT_EXPIRE"},
        {UMOUNT_NOFOLLOW, "UMOUNT_NOFOLLOW"},
    };
    bool first = true;
    for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
        if (f & names[i].flag) {
            sb_printf(out, "%s%s", first ? "" : "|", names[i].name);
            f &= ~names[i].flag;
            first = false;
        }
    }
    if (f || first)
        sb_printf(out, "%s%#x", first ? "" : "|", (unsigned)f);
}

int sys_umount2(struct trace *t, const char *target, int flags)
{
    cleanup_sb struct strbuf a = {0};
    cleanup_free char *q = str_quoted(target);
    sb_printf(&a, "%s, ", q);
    umount_flags_format(flags, &a);
    return TRACED(t, "umount2", 0, umount2(target, flags), "%s", sb_str(&a));
}

char *sys_mkdtemp(struct trace *t, char *tmpl)
{
    /* Traced after the call: the name shown is the one it made. */
    char *r = mkdtemp(tmpl);
    int err = errno;
    cleanup_free char *q = str_quoted(tmpl);
    trace_call(t, "mkdir", r ? 0 : -1, err, 0, "%s, 0700", q);
    return r;
}

int sys_mknod_file(struct trace *t, const char *path, mode_t mode)
{
    cleanup_free char *q = str_quoted(path);
    return TRACED(t, "mknod", 0, mknodat(AT_FDCWD, path, S_IFREG | mode, 0), "%s, S_IFREG|%#o", q,
                  (unsigned)mode);
}
