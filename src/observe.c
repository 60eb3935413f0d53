#define _GNU_SOURCE
#include "observe.h"

#include "cmd/cmd_mount.h"

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

static int read_subject_mounts(struct nsl *sh, struct mount_table *t)
{
    if (sh->subj.pid <= 0)
        return -1;
    return mountinfo_read(&sh->paths, sh->subj.pid, t, NULL);
}

void observe_mounts_begin(struct nsl *sh)
{
    struct mount_session *ms = mount_session(sh);
    ms->diff_valid = false;
    if (ms->have_prev)
        return;
    ms->have_prev = read_subject_mounts(sh, &ms->prev) == 0;
}

void observe_mounts(struct nsl *sh)
{
    struct mount_session *ms = mount_session(sh);
    struct mount_table now = {0};
    ms->diff_valid = false;
    if (read_subject_mounts(sh, &now) < 0)
        return;
    if (ms->have_prev) {
        mount_table_diff(&ms->prev, &now, &ms->diff);
        ms->diff_valid = true;
    }
    mount_table_free(&ms->prev);
    ms->prev = now;
    ms->have_prev = true;
}
