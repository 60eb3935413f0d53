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
    out->valid = observe_ns_of(sh, out->pid, out->ns) == 0;
}

int observe_ns_of(struct nsl *sh, pid_t pid, struct ns_obs out[NS_NSLOTS])
{
    /* The subject's through the directory kept open for it; when nothing
     * reads there (it died), the path answers as for any other PID. */
    if (pid == sh->subj.pid && sh->subj.nsfd > 0 && ns_read_dir(sh->subj.nsfd, out) > 0)
        return 0;
    return ns_read_all(sh->procfd, pid, out);
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
