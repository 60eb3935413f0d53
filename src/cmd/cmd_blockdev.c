#define _GNU_SOURCE
/* blockdev: a loop device on a file in the session's scratch directory, for
 * the io controller to throttle. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd_mount.h"
#include "cmd/handlers.h"
#include "i18n.h"
#include "kernel/loopdev.h"
#include "session/made.h"
#include "session/report.h"

#define BLOCKDEV_DEFAULT (64ULL << 20)
#define BLOCKDEV_MAX (4ULL << 30)

int cmd_blockdev(struct nsl *sh, int argc, char **argv)
{
    if (argc > 2)
        return step_usage(sh, "usage: blockdev [SIZE] (default 64M)");
    uint64_t size = BLOCKDEV_DEFAULT;
    bool is_max = false;
    if (argc == 2 && (parse_size(argv[1], &size, &is_max) < 0 || is_max))
        return step_usage(sh, "blockdev: '%s' is not a size (bytes with K, M or G, e.g. 64M)",
                          argv[1]);
    if (size == 0 || size % 512 || size > BLOCKDEV_MAX)
        return step_usage(sh, "blockdev: the size is a multiple of 512 bytes from 512 to 4G, "
                              "not %s", argv[1]);
    struct nsl_err e;
    const char *scratch = scratch_ensure(sh, &sh->step.trace, &e);
    if (!scratch)
        return step_fail_err(sh, &e);
    size_t n = sh->made ? sh->made->nloop : 0;
    cleanup_free char *file = xasprintf("%s/blockdev%zu.img", scratch, n + 1);
    cleanup_free char *link = xasprintf("%s/blockdev%zu", scratch, n + 1);
    struct loopdev d;
    if (loopdev_attach(&sh->step.trace, file, size, &d, &e) < 0)
        return step_fail_err(sh, &e);
    made_add_loop(sh, &d);
    /* a name that stays the same in a lab: $SCRATCH/blockdevN */
    if (symlink(d.path, link) < 0)
        return step_fail_errno(sh, errno, "cannot link %s to %s", link, d.path);
    char sz[32], mm[32];
    format_size(size, SIZE_EXACT, sz, sizeof sz);
    snprintf(mm, sizeof mm, "%u:%u", d.major, d.minor);
    print_string(sh, PRINT_ANY, "path", "%s", d.path);
    print_string(sh, PRINT_ANY, "dev", " %s", mm);
    out_printf(sh, _(" (%s, on %s; %s links to it)\n"), sz, file, link);
    print_string(sh, PRINT_JSON, "file", NULL, file);
    print_string(sh, PRINT_JSON, "link", NULL, link);
    print_uint(sh, PRINT_JSON, "size", NULL, size);
    out_printf(sh, _("It is detached at exit. cgset CGROUP write_bps %s 1M throttles a cgroup's "
                     "writes to it.\n"), link);
    return 0;
}
