#define _GNU_SOURCE
#include "observe/observe.h"

#include "session/cgroups.h"
#include "kernel/mount/mount_watch.h"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>

/* Bring the last reading of the subject's namespaces up to date, reading
 * only what may have changed. Nothing but the subject itself changes them,
 * and it does so only on requests, which mark the slots they may change
 * (subject_call); the uts link is read every time, as the answer to
 * whether the subject is still there. false: no usable reading (none yet,
 * or the subject is gone or a zombie): read everything, as for anyone. */
static bool subject_reading_refresh(struct subject *sj)
{
    if (!sj->ns_known || sj->nsfd <= 0)
        return false;
    struct ns_obs uts;
    if (ns_read_slot(sj->nsfd, NS_UTS, &uts) < 0)
        return false;
    if (!(sj->ns_stale & (1u << NS_UTS)) && uts.ino != sj->ns[NS_UTS].ino)
        return false; /* cannot happen; if it does, trust nothing kept */
    sj->ns[NS_UTS] = uts;
    for (int s = 0; s < NS_NSLOTS; s++)
        if (s != NS_UTS && (sj->ns_stale & (1u << s)))
            ns_read_slot(sj->nsfd, s, &sj->ns[s]);
    sj->ns_stale = 0;
    return true;
}

void observe_subject(struct nsl *sh, struct snapshot *out)
{
    struct subject *sj = &sh->subj;
    memset(out, 0, sizeof *out);
    out->pid = sj->pid;
    if (out->pid <= 0)
        return;
    if (subject_reading_refresh(sj)) {
        memcpy(out->ns, sj->ns, sizeof out->ns);
        out->valid = true;
        return;
    }
    out->valid = observe_ns_of(sh, out->pid, out->ns) == 0;
    /* Remembered only when the subject itself answered. */
    sj->ns_known = out->valid && out->ns[NS_UTS].ino != 0 && sj->nsfd > 0;
    sj->ns_stale = 0;
    if (sj->ns_known)
        memcpy(sj->ns, out->ns, sizeof sj->ns);
}

int observe_ns_of(struct nsl *sh, pid_t pid, struct ns_obs out[NS_NSLOTS])
{
    /* The subject's through the directory kept open for it; when nothing
     * reads there (it died), the path answers as for any other PID. */
    if (pid == sh->subj.pid && sh->subj.nsfd > 0 && ns_read_dir(sh->subj.nsfd, out) > 0)
        return 0;
    return ns_read_all(sh->procfd, pid, out);
}

static int read_subject_mounts(struct nsl *sh, struct mount_table *t)
{
    if (sh->subj.pid <= 0)
        return -1;
    return mountinfo_read(&sh->paths, sh->subj.pid, t, NULL);
}

/* The mount observation's state, made on first use. */
static struct mount_history *mount_history(struct nsl *sh)
{
    if (!sh->mhist)
        sh->mhist = xcalloc(1, sizeof *sh->mhist);
    return sh->mhist;
}

void observe_mounts_free(struct nsl *sh)
{
    struct mount_history *ms = sh->mhist;
    if (!ms)
        return;
    mount_table_free(&ms->prev);
    sb_free(&ms->prev_text);
    mount_diff_free(&ms->diff);
    mount_watch_close(&ms->watch);
    free(ms);
    sh->mhist = NULL;
}

void observe_mounts_begin(struct nsl *sh)
{
    struct mount_history *ms = mount_history(sh);
    ms->diff_valid = false;
    if (ms->have_prev)
        return;
    ms->have_prev = read_subject_mounts(sh, &ms->prev) == 0;
    ms->prev_text_ok = false;
}

void observe_mounts_skip(struct nsl *sh)
{
    struct mount_history *ms = mount_history(sh);
    ms->diff_valid = false;
    ms->have_prev = false;
    ms->prev_text_ok = false;
    mount_watch_close(&ms->watch);
}

/* May the subject's mount table differ from prev without the kernel's
 * signal? Propagation changes (--make-shared ...) raise none: they come
 * from a process in that namespace, which is the subject on a request
 * that may change its mounts (subject_call marks it) or a job. */
static bool mounts_unsignalled(struct nsl *sh)
{
    bool stale = sh->subj.mounts_stale;
    sh->subj.mounts_stale = false;
    for (size_t i = 0; i < sh->jobs.n && !stale; i++)
        stale = sh->jobs.v[i].state == JOB_RUNNING || sh->jobs.v[i].state == JOB_STOPPED;
    return stale;
}

void observe_mounts(struct nsl *sh)
{
    struct mount_history *ms = mount_history(sh);
    struct mount_table now = {0};
    struct strbuf text = {0};
    pid_t pid = sh->subj.pid;
    ms->diff_valid = false;
    /* Nothing mounted, unmounted or remounted (the kernel's signal, asked
     * before reading) and nothing that may have changed propagation: prev
     * is the table, and the diff is empty, without reading it. */
    bool changed = mount_watch_changed(&ms->watch, &sh->paths, pid);
    if (mounts_unsignalled(sh))
        changed = true;
    if (!changed && ms->have_prev && ms->prev_text_ok && ms->prev.pid == pid &&
        ms->prev.mntns == ms->watch.mntns) {
        mount_diff_free(&ms->diff);
        ms->diff.ns_before = ms->diff.ns_after = ms->prev.mntns;
        ms->diff.n_before = ms->diff.n_after = ms->prev.n;
        ms->diff_valid = true;
        return;
    }
    if (pid <= 0 || mountinfo_read_text(&sh->paths, pid, &text, NULL) < 0) {
        mount_watch_forget(&ms->watch);
        sb_free(&text);
        return;
    }
    /* Read again, the table is parsed again only when its text, the
     * process or its mount namespace differ from what prev was made of.
     * An unchanged table gives the empty diff, as parsing it would. */
    ino_t mntns = ms->watch.mntns; /* the watch's, read just now, when it has one */
    if (ms->have_prev && ms->prev_text_ok && ms->prev.pid == pid &&
        (mntns || mntns_inode(&sh->paths, pid, &mntns) == 0) && mntns == ms->prev.mntns &&
        text.len == ms->prev_text.len && memcmp(text.buf, ms->prev_text.buf, text.len) == 0) {
        mount_diff_free(&ms->diff); /* what mount_table_diff of prev with itself gives */
        ms->diff.ns_before = ms->diff.ns_after = mntns;
        ms->diff.n_before = ms->diff.n_after = ms->prev.n;
        ms->diff_valid = true;
        sb_free(&text);
        return;
    }
    if (mountinfo_from_text(&sh->paths, pid, &text, &now, NULL) < 0) {
        mount_watch_forget(&ms->watch);
        sb_free(&text);
        return;
    }
    if (ms->have_prev) {
        mount_table_diff(&ms->prev, &now, &ms->diff);
        ms->diff_valid = true;
    }
    mount_table_free(&ms->prev);
    ms->prev = now;
    ms->have_prev = true;
    sb_free(&ms->prev_text);
    ms->prev_text = text;
    ms->prev_text_ok = true;
}

void observe_step(struct nsl *sh, bool shown, const struct snapshot *before,
                  struct snapshot *now, struct observation *out)
{
    observe_subject(sh, now);
    if (shown && (sh->opt.observe & OBS_CGROUP))
        cgroups_observe_step(sh);
    else if (sh->step.observed && (sh->opt.observe & OBS_CGROUP))
        cgroups_observe_skip(sh);
    observation_of(sh, before, now, out);
}

void observation_of(struct nsl *sh, const struct snapshot *before, const struct snapshot *now,
                    struct observation *out)
{
    const struct step *st = &sh->step;
    const struct mount_history *mw = sh->mhist;
    *out = (struct observation){.before = before, .now = now, .host = sh->host_ns};
    if (st->observed && (sh->opt.observe & OBS_CGROUP) && sh->cg)
        out->cg = &sh->cg->now;
    else if (st->cgroups.taken)
        out->cg = &st->cgroups; /* for -J: the text listed them itself */
    if (st->observed && (sh->opt.observe & OBS_MOUNTS) && mw && mw->diff_valid)
        out->mounts = &mw->diff;
}

int observe_parse(const char *list, unsigned *out, struct nsl_err *e)
{
    cleanup_free char *copy = xstrdup(list);
    unsigned bits = 0;
    char *save = NULL;
    bool any = false;
    for (char *w = strtok_r(copy, ", ", &save); w; w = strtok_r(NULL, ", ", &save)) {
        any = true;
        if (strcmp(w, "ns") == 0)
            bits |= OBS_NS;
        else if (strcmp(w, "cgroup") == 0)
            bits |= OBS_CGROUP;
        else if (strcmp(w, "mounts") == 0)
            bits |= OBS_MOUNTS;
        else if (strcmp(w, "all") == 0)
            bits |= OBS_ALL;
        else if (strcmp(w, "changed") == 0)
            bits |= OBS_CHANGED;
        else if (strcmp(w, "none") == 0)
            bits = 0;
        else
            return nsl_usage(
                e, "unknown observation '%s' (use ns, cgroup, mounts, all, changed, none)", w);
    }
    if (!any)
        return nsl_usage(e, "no observation named (use ns, cgroup, mounts, all, changed, none)");
    /* "changed" alone: the changed rows of every part */
    if (bits == OBS_CHANGED)
        bits |= OBS_ALL;
    *out = bits;
    return 0;
}
