#define _GNU_SOURCE
/* Events: what the subject (a child exited, stopped, continued) and the
 * builtins (their reports) tell, as it comes. The subject delivers each
 * one (sh->subj.on_event while a request runs, events_poll otherwise); here
 * it updates the job table and is queued for printing and logged for
 * `expect event`, as data with its job resolved now. Render writes it. */
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "i18n.h"
#include "render/render.h"
#include "session/cgroups.h"
#include "session/jobs.h"
#include "session/made_ns.h"

#define EARLY_MAX 16

static void event_copy(struct nsl_event *to, const struct nsl_event *from)
{
    *to = *from;
    to->cmd = from->cmd ? xstrdup(from->cmd) : NULL;
    to->text = from->text ? xstrdup(from->text) : NULL;
    to->shown = from->shown ? xstrdup(from->shown) : NULL;
}

static void event_free(struct nsl_event *ev)
{
    free(ev->cmd);
    free(ev->text);
    free(ev->shown);
    memset(ev, 0, sizeof *ev);
}

static void evq_push(struct nsl *sh, const struct subj_event *ev)
{
    const struct job *j = job_by_pid(sh, ev->pid);
    /* A PID that is no job is shown by its number: with --stable its label
     * is given now, in the order events come, not when it is printed. */
    char pb[32];
    if (!j)
        fmt_pid(sh, ev->pid, pb, sizeof pb);
    struct nsl_event e = {.kind = ev->kind,
                          .pid = ev->pid,
                          .status = ev->status,
                          .job = j ? j->id : 0,
                          .cmd = j ? j->cmd : NULL,
                          .text = ev->kind == EV_TEXT ? (char *)ev->text : NULL};
    /* A builtin's report is English (-J and `expect event` read it so);
     * the text shows it in the user's language. */
    char local[sizeof ev->text * 2];
    if (ev->kind == EV_TEXT && ev->fmt[0] && i18n_reformat(ev->fmt, ev->text, local, sizeof local))
        e.shown = local;
    struct nsl_event *slot = &sh->evlog[sh->evseq++ % EVLOG_SIZE];
    event_free(slot);
    event_copy(slot, &e);
    if (sh->evq_n == sh->evq_cap) {
        sh->evq_cap = sh->evq_cap ? sh->evq_cap * 2 : 8;
        sh->evq = xrealloc(sh->evq, sh->evq_cap * sizeof *sh->evq);
    }
    event_copy(&sh->evq[sh->evq_n++], &e);
}

void events_init_gone(struct nsl *sh, pid_t pid)
{
    struct subj_event note = {.kind = EV_TEXT, .pid = pid};
    snprintf(note.text, sizeof note.text, "%s",
             _("was PID 1 of the PID namespace `unshare pid` made, and has exited: that namespace "
               "is gone, no process can start in it any more (`reset` starts a fresh subject)"));
    evq_push(sh, &note);
}

/* A job being spawned right now, or a foreground child, or an old
 * subject's: keep the last few for job_add to claim. */
static void early_keep(struct nsl *sh, const struct subj_event *ev)
{
    if (sh->nearly == EARLY_MAX) {
        memmove(sh->early, sh->early + 1, (EARLY_MAX - 1) * sizeof *sh->early);
        sh->nearly--;
    }
    if (!sh->early)
        sh->early = xcalloc(EARLY_MAX, sizeof *sh->early);
    sh->early[sh->nearly++] = *ev;
}

void event_apply(struct nsl *sh, const struct subj_event *ev)
{
    struct job *j = job_by_pid(sh, ev->pid);
    if (ev->kind == EV_TEXT) {
        evq_push(sh, ev);
        return;
    }
    if (!j) {
        early_keep(sh, ev);
        return;
    }
    switch (ev->kind) {
    case EV_EXITED:
        if (WIFSIGNALED(ev->status)) {
            j->state = JOB_KILLED;
            j->status = WTERMSIG(ev->status);
        } else {
            j->state = JOB_EXITED;
            j->status = WEXITSTATUS(ev->status);
        }
        break;
    case EV_STOPPED:
        j->state = JOB_STOPPED;
        j->status = WSTOPSIG(ev->status);
        break;
    case EV_CONTINUED:
        j->state = JOB_RUNNING;
        break;
    }
    evq_push(sh, ev);
    if (ev->kind == EV_EXITED) /* its network namespace may end with it */
        made_ns_let_go(sh, NS_NET);
    if (ev->kind == EV_EXITED && j->pending_init)
        events_init_gone(sh, j->pid);
    struct subj_event oom;
    if (cgroups_oom_note(sh, ev, &oom)) /* "OOM kill in mem1: ..." */
        evq_push(sh, &oom);
}

int events_poll(struct nsl *sh, int timeout_ms)
{
    /* From now on, also while a request runs. */
    sh->subj.on_event = event_apply;
    return subject_events_read(sh, timeout_ms, event_apply);
}

void events_job_born(struct nsl *sh, const struct job *j)
{
    for (size_t k = 0; k < sh->evq_n; k++) {
        struct nsl_event *e = &sh->evq[k];
        if (e->pid != j->pid || e->job)
            continue;
        e->job = j->id;
        free(e->cmd);
        e->cmd = xstrdup(j->cmd);
    }
}

void events_drop(struct nsl *sh, pid_t pid, int kind)
{
    size_t w = 0;
    for (size_t k = 0; k < sh->evq_n; k++) {
        if (sh->evq[k].pid == pid && sh->evq[k].kind == kind)
            event_free(&sh->evq[k]);
        else
            sh->evq[w++] = sh->evq[k];
    }
    sh->evq_n = w;
}

void events_flush(struct nsl *sh)
{
    for (size_t k = 0; k < sh->evq_n; k++) {
        render_event(sh, &sh->evq[k]);
        event_free(&sh->evq[k]);
    }
    sh->evq_n = 0;
}

bool events_log_has(struct nsl *sh, unsigned long seq, const char *s)
{
    struct strbuf line = {0};
    struct render_ctx rc = render_ctx_of(sh);
    render_event_text_en(&rc, &sh->evlog[seq % EVLOG_SIZE], &line);
    bool has = strstr(sb_str(&line), s) != NULL;
    sb_free(&line);
    return has;
}

void events_free(struct nsl *sh)
{
    for (size_t k = 0; k < sh->evq_n; k++)
        event_free(&sh->evq[k]);
    free(sh->evq);
    sh->evq = NULL;
    sh->evq_n = sh->evq_cap = 0;
    free(sh->early);
    sh->early = NULL;
    sh->nearly = 0;
    for (size_t k = 0; k < EVLOG_SIZE; k++)
        event_free(&sh->evlog[k]);
}
