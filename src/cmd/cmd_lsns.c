#define _GNU_SOURCE
#include "cmd_lsns.h"

#include <errno.h>

/* Replaced by the nsscan-based implementation when that module lands. */
int ls_ns_all(struct nsl *sh)
{
    return step_fail(sh, ENOSYS, "ls-ns all: not built yet");
}

int ls_ns_tree(struct nsl *sh, enum ns_slot type)
{
    return step_fail(sh, ENOSYS, "ls-ns --tree: not built yet");
}
