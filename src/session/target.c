#define _GNU_SOURCE
#include "session/target.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "subject/subject.h"
#include "session/jobs.h"

int target_resolve(struct nsl *sh, const char *word, unsigned flags, struct target *t,
                   struct nsl_err *e)
{
    memset(t, 0, sizeof *t);
    if (strcmp(word, "self") == 0) {
        if (sh->subj.pid <= 0)
            return nsl_fail(e, ESRCH, "there is no subject process (`reset` starts one)");
        t->pid = sh->subj.pid;
        t->is_self = true;
        return 0;
    }
    if (strcmp(word, "host") == 0) {
        t->pid = sh->shell_pid;
        t->is_host = true;
        return 0;
    }
    if (word[0] == '%') {
        long id;
        if (parse_long(word + 1, 1, 1000000, &id) < 0)
            return nsl_usage(e, "'%s' is not a job: jobs are written %%N, as `jobs` lists them",
                             word);
        events_poll(sh, 0);
        struct job *j = job_find(sh, (int)id);
        if (!j)
            return nsl_fail(e, ESRCH, "no job %%%ld (`jobs` lists them)", id);
        if (!(flags & TARGET_ALLOW_DEAD) && j->state != JOB_RUNNING && j->state != JOB_STOPPED) {
            char b[64];
            return nsl_fail(e, ESRCH, "job %%%ld (pid %d) has already ended: %s", id, (int)j->pid,
                            job_state_text(j, b, sizeof b));
        }
        t->pid = j->pid;
        t->job = j;
        return 0;
    }
    pid_t pid;
    if (parse_pid(word, &pid) < 0)
        return nsl_usage(e, "'%s' is not a target: use self, host, a PID, or %%N for a job", word);
    t->job = job_by_pid(sh, pid);
    if (!(flags & TARGET_ALLOW_DEAD) && !pid_alive(sh, pid))
        return nsl_fail(e, ESRCH, "no process with PID %d", (int)pid);
    t->pid = pid;
    return 0;
}

bool pid_alive(struct nsl *sh, pid_t pid)
{
    if (kill(pid, 0) < 0 && errno != EPERM)
        return false;
    char path[64], buf[512];
    snprintf(path, sizeof path, "%d/stat", (int)pid);
    if (read_file_at(sh->procfd, path, buf, sizeof buf) < 0)
        return false;
    /* The state follows the command's closing parenthesis. */
    char *rp = strrchr(buf, ')');
    return !(rp && rp[1] == ' ' && (rp[2] == 'Z' || rp[2] == 'X'));
}

pid_t pid_inside(struct nsl *sh, pid_t pid)
{
    char path[64], buf[4096];
    snprintf(path, sizeof path, "%d/status", (int)pid);
    if (read_file_at(sh->procfd, path, buf, sizeof buf) < 0)
        return 0;
    char *l = strstr(buf, "\nNSpid:");
    if (!l)
        return 0;
    l += 7;
    char *end = strchr(l, '\n');
    if (end)
        *end = '\0';
    char *last = NULL, *save = NULL;
    for (char *w = strtok_r(l, " \t", &save); w; w = strtok_r(NULL, " \t", &save))
        last = w;
    long v;
    return last && parse_long(last, 1, 1 << 22, &v) == 0 ? (pid_t)v : 0;
}
