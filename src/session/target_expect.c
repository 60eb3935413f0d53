#define _GNU_SOURCE
/* expect alive / expect dead: the rows of expect's table (lab/expect.c)
 * about a TARGET's process, beside target.c which resolves the word. */
#include <string.h>

#include "session/jobs.h"
#include "session/target.h"
#include "subject/subject.h"
#include "i18n.h"

/* dead TARGET SIG: did a job that ended end by SIG? 1 yes, 0 no (why). */
static int ended_by(const struct target *t, const char *word, int sig, struct strbuf *why)
{
    char b[32];
    if (t->job && !(t->job->state == JOB_KILLED && t->job->status == sig)) {
        sb_printf(why, _("%s ended, but %s"), word, job_state_text(t->job, b, sizeof b));
        return 0;
    }
    if (!t->job) {
        sb_printf(why, _("%s is not a job of this session, so how it ended is unknown"), word);
        return 0;
    }
    return 1;
}

int target_expect_alive(struct nsl *sh, int argc, char **argv, struct strbuf *why,
                        struct nsl_err *e)
{
    bool want_alive = argv[0][0] == 'a';
    int sig = 0;
    if (argc == 3 && (sig = parse_signal(argv[2])) < 0)
        return nsl_usage(e, "unknown signal '%s'", argv[2]);
    struct target t;
    events_poll(sh, 0);
    if (target_resolve(sh, argv[1], TARGET_ALLOW_DEAD, &t, e) < 0)
        return -1;
    bool alive;
    if (t.job)
        alive = t.job->state == JOB_RUNNING || t.job->state == JOB_STOPPED;
    else
        alive = pid_alive(sh, t.pid);
    if (alive == want_alive)
        return !want_alive && sig ? ended_by(&t, argv[1], sig, why) : 1;
    char b[32];
    if (t.job)
        sb_printf(why, "%s: %s", argv[1], job_state_text(t.job, b, sizeof b));
    else
        sb_printf(why, alive ? _("%s is alive") : _("%s is not alive"), argv[1]);
    return 0;
}
