#define _GNU_SOURCE
/* One step: dispatch a command, observe, render, remember it for expect. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../commands.h"
#include "../observe.h"
#include "../render/render.h"
#include "../subject.h"
#include "lex.h"
#include "shell.h"

void out_printf(struct nsl *sh, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sb_vprintf(&sh->step.out, fmt, ap);
    va_end(ap);
}

int step_fail(struct nsl *sh, int errnum, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sh->step.err.msg, sizeof sh->step.err.msg, fmt, ap);
    va_end(ap);
    sh->step.err.errnum = errnum;
    return -1;
}

int step_fail_errno(struct nsl *sh, int errnum, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(sh->step.err.msg, sizeof sh->step.err.msg, fmt, ap);
    va_end(ap);
    if (errnum && n >= 0 && (size_t)n < sizeof sh->step.err.msg)
        snprintf(sh->step.err.msg + n, sizeof sh->step.err.msg - (size_t)n, ": %s (%s)",
                 strerror(errnum), errno_name(errnum));
    sh->step.err.errnum = errnum;
    return -1;
}

int step_fail_err(struct nsl *sh, const struct nsl_err *e)
{
    sh->step.err = *e;
    return -1;
}

static void step_reset(struct step *st)
{
    free(st->command);
    trace_free(&st->trace);
    sb_free(&st->out);
    if (st->result)
        cJSON_Delete(st->result);
    memset(st, 0, sizeof *st);
}

int shell_exit_status(const struct nsl *sh)
{
    return sh->exit_status ? sh->exit_status : sh->fail_pending;
}

static void record_status(struct nsl *sh, int status)
{
    if (sh->exit_status == 0)
        sh->exit_status = status;
}

/* The failure held back for a following `expect fail` was not expected
 * after all: count it now. Returns false when the session must stop. */
static bool commit_pending(struct nsl *sh)
{
    if (!sh->fail_pending)
        return true;
    record_status(sh, sh->fail_pending);
    sh->fail_pending = 0;
    return sh->interactive || sh->opt.keep_going;
}

static void unknown_command(struct nsl *sh, const char *name)
{
    const char *s = command_suggest(name);
    if (s)
        step_fail(sh, 0, "unknown command '%s' (did you mean '%s'? `help` lists them)", name, s);
    else
        step_fail(sh, 0, "unknown command '%s' (`help` lists the commands)", name);
}

/* Run one command as a step. Returns false when the session must stop. */
static bool step_execute(struct nsl *sh, struct lex_cmd *c, const char *file)
{
    struct step *st = &sh->step;
    /* Only expect, say and pause may follow a failure that `expect fail`
     * is about to expect. */
    const struct command *next = command_find(c->argv[0]);
    if (!(next && (next->flags & CMD_NOT_A_STEP) && next->run != cmd_exit) && !commit_pending(sh))
        return false;
    /* What happened since the last step is told before this one. */
    events_poll(sh, 0);
    events_flush(sh);
    step_reset(st);
    st->number = ++sh->step_count;
    st->file = file;
    st->line = c->line;
    st->command = xstrdup(c->text);

    if (!sh->interactive)
        render_echo(sh, c->text);

    /* !PROGRAM: the word itself carries the program name. */
    const struct command *cmd;
    int argc = c->argc;
    char **argv = c->argv;
    if (argv[0][0] == '!') {
        cmd = command_find("!");
        if (argv[0][1]) {
            argv[0]++; /* the caller restores argv[0] */
        } else {
            argc--;
            argv++;
        }
    } else {
        cmd = command_find(argv[0]);
    }

    int rc;
    if (!cmd) {
        unknown_command(sh, argv[0]);
        rc = -1;
    } else {
        if (sh->subj.pid <= 0 || !subject_alive(sh)) {
            /* The subject died (killed from outside?): say so, start afresh. */
            struct nsl_err e;
            shell_reap_orphans(sh);
            if (sh->subj.pid > 0 || cmd->run != cmd_reset) {
                subject_stop(sh, NULL);
                if (subject_start(sh, &e) == 0)
                    trace_note(&st->trace, "the subject process had died: a fresh one was started "
                                           "in the host's namespaces");
            }
        }
        st->counts = !(cmd->flags & CMD_NOT_A_STEP);
        st->observed = !(cmd->flags & CMD_NO_OBSERVE);
        rc = cmd->run(sh, argc, argv);
    }

    st->ok = rc == 0;
    struct snapshot before = sh->prev, now;
    observe_subject(sh, &now);
    render_step(sh, &before, &now);
    if (!st->ok)
        render_error(sh, file, c->line, st->err.msg);
    events_flush(sh);

    if (st->counts) {
        struct last_step *l = &sh->last;
        free(l->output);
        l->valid = true;
        l->ok = st->ok;
        l->errnum = st->err.errnum;
        l->output = xstrdup(sb_str(&st->out));
        l->before = before;
        l->after = now;
    }
    sh->prev = now;

    bool held_back = false;
    if (!st->ok && st->counts) {
        /* Decided by the next step: see commit_pending. */
        sh->fail_pending = EXIT_STEP_FAILED;
        held_back = true;
    } else if (!st->ok) {
        /* An expect that did not hold while a failure waited: the failure
         * came first. */
        commit_pending(sh);
        record_status(sh, st->expect_failed ? EXIT_EXPECT : EXIT_STEP_FAILED);
    }
    if (sh->want_exit)
        return false;
    if (sh->interrupted && *sh->interrupted && !sh->interactive)
        return false;
    if (!st->ok && !held_back && !sh->interactive && !sh->opt.keep_going)
        return false;
    return true;
}

bool shell_run_text(struct nsl *sh, const char *text, const char *file, int line)
{
    struct lex_result r;
    struct nsl_err e;
    if (lex_split(text, line, &r, &e) < 0) {
        render_error(sh, file, line, e.msg);
        record_status(sh, EXIT_STEP_FAILED);
        return sh->interactive || sh->opt.keep_going;
    }
    bool go = true;
    for (size_t k = 0; k < r.n && go; k++) {
        /* step_execute may shift argv[0] for !PROGRAM; keep the original. */
        char *first = r.cmds[k].argv[0];
        go = step_execute(sh, &r.cmds[k], file);
        r.cmds[k].argv[0] = first;
    }
    lex_result_free(&r);
    return go;
}
