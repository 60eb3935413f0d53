#define _GNU_SOURCE
#include "kernel/release.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"

int kernel_release_parse(const char *text, struct kernel_release *out)
{
    int major, minor, n = 0;
    if (sscanf(text, "%d.%d%n", &major, &minor, &n) != 2 || n == 0 || major < 0 || minor < 0)
        return -1;
    out->major = major;
    out->minor = minor;
    snprintf(out->text, sizeof out->text, "%.*s", (int)strcspn(text, " \n"), text);
    return 0;
}

int kernel_release_read(const struct nsl_paths *p, struct kernel_release *out)
{
    const char *fake = getenv("NSLAB_KERNEL_RELEASE");
    if (fake && *fake) {
        if (kernel_release_parse(fake, out) < 0) {
            errno = EINVAL;
            return -1;
        }
        return 0;
    }
    char path[300], line[128];
    proc_path(p, path, sizeof path, "sys/kernel/osrelease");
    FILE *f = fopen(path, "re");
    if (!f)
        return -1;
    char *got = fgets(line, sizeof line, f);
    fclose(f);
    if (!got || kernel_release_parse(line, out) < 0) {
        errno = EINVAL;
        return -1;
    }
    return 0;
}

bool kernel_release_at_least(const struct kernel_release *r, int major, int minor)
{
    return r->major > major || (r->major == major && r->minor >= minor);
}

int kernel_need(const struct nsl_paths *p, int major, int minor, const char *what,
                struct nsl_err *e)
{
    struct kernel_release r;
    if (kernel_release_read(p, &r) < 0 || kernel_release_at_least(&r, major, minor))
        return 0;
    return nsl_fail(e, ENOSYS, "%s needs Linux %d.%d or later; this kernel is Linux %s", _(what),
                    major, minor, r.text);
}
