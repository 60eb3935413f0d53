#define _GNU_SOURCE
#include "observe.h"

#include <errno.h>
#include <string.h>

void observe_subject(struct nsl *sh, struct snapshot *out)
{
    memset(out, 0, sizeof *out);
    out->pid = sh->subj.pid;
    if (out->pid <= 0)
        return;
    out->valid = ns_read_all(sh->procfd, out->pid, out->ns) == 0;
}

bool snapshot_changed(const struct snapshot *a, const struct snapshot *b, enum ns_slot s)
{
    if (!a->valid || !b->valid)
        return false;
    return a->ns[s].ino != b->ns[s].ino || (a->ns[s].err != 0) != (b->ns[s].err != 0);
}

bool snapshot_differs(const struct nsl *sh, const struct snapshot *now, enum ns_slot s)
{
    if (!now->valid)
        return false;
    /* pending (no inode yet) differs from the host's, which always reads */
    return now->ns[s].ino != sh->host_ns[s].ino;
}
