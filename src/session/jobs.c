#define _GNU_SOURCE
/* The job table: the processes `spawn` (and a stopped `!PROGRAM`) made,
 * by %N. Their state follows the events (events.c). */
#include <stdlib.h>
#include <string.h>

#include "session/jobs.h"
#include "i18n.h"


struct job *job_add(struct nsl *sh, pid_t pid, const char *cmd)
{
    struct jobs *js = &sh->jobs;
    if (js->n == js->cap) {
        js->cap = js->cap ? js->cap * 2 : 8;
        js->v = xrealloc(js->v, js->cap * sizeof *js->v);
    }
    struct job *j = &js->v[js->n++];
    memset(j, 0, sizeof *j);
    j->id = ++js->next_id;
    j->pid = pid;
    j->cmd = xstrdup(cmd);
    j->state = JOB_RUNNING;
    events_job_born(sh, j);
    /* Its exit may have come before it was a job (it ended at once). */
    for (size_t k = 0; k < sh->nearly; k++) {
        if (sh->early[k].pid != pid)
            continue;
        struct subj_event ev = sh->early[k];
        memmove(sh->early + k, sh->early + k + 1, (sh->nearly - k - 1) * sizeof *sh->early);
        sh->nearly--;
        event_apply(sh, &ev);
        break;
    }
    return j;
}

struct job *job_find(struct nsl *sh, int id)
{
    for (size_t k = 0; k < sh->jobs.n; k++)
        if (sh->jobs.v[k].id == id)
            return &sh->jobs.v[k];
    return NULL;
}

struct job *job_by_pid(struct nsl *sh, pid_t pid)
{
    for (size_t k = 0; k < sh->jobs.n; k++)
        if (sh->jobs.v[k].pid == pid)
            return &sh->jobs.v[k];
    return NULL;
}

void jobs_free(struct nsl *sh)
{
    for (size_t k = 0; k < sh->jobs.n; k++)
        free(sh->jobs.v[k].cmd);
    free(sh->jobs.v);
    memset(&sh->jobs, 0, sizeof sh->jobs);
}

static const char *job_state(const struct job *j, char *buf, size_t size,
                             const char *(*tr)(const char *))
{
    switch (j->state) {
    case JOB_RUNNING:
        snprintf(buf, size, "%s", tr(N_("running")));
        break;
    case JOB_STOPPED:
        snprintf(buf, size, tr(N_("stopped by SIG%s")), signal_name(j->status));
        break;
    case JOB_EXITED:
        snprintf(buf, size, tr(N_("exited %d")), j->status);
        break;
    case JOB_KILLED:
        snprintf(buf, size, tr(N_("killed by SIG%s")), signal_name(j->status));
        break;
    }
    return buf;
}

static const char *as_is(const char *s)
{
    return s;
}

const char *job_state_text(const struct job *j, char *buf, size_t size)
{
    return job_state(j, buf, size, i18n_gettext);
}

const char *job_state_word(const struct job *j, char *buf, size_t size)
{
    return job_state(j, buf, size, as_is);
}
