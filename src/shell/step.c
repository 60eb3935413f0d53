#define _GNU_SOURCE
/* One step: dispatch a command, observe, render, remember it for expect. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "session/confine.h"
#include "session/cgroups.h"
#include "cmd/cmd_graph.h"
#include "cmd/cmd_mount.h"
#include "render/serve.h"
#include "shell/commands.h"
#include "shell/equivalents.h"
#include "observe/observe.h"
#include "render/render.h"
#include "subject/subject.h"
#include "session/jobs.h"
#include "session/made_ns.h"
#include "bench.h"
#include "i18n.h"
#include "shell/lex.h"
#include "shell/shell.h"

static void step_reset(struct step *st)
{
    free(st->command);
    trace_free(&st->trace);
    sb_free(&st->out);
    sb_free(&st->equivalent);
    if (st->result)
        cJSON_Delete(st->result);
    cg_snap_free(&st->cgroups);
    memset(st, 0, sizeof *st);
}

static void record_status(struct nsl *sh, int status)
{
    if (sh->exit_status == 0)
        sh->exit_status = status;
}

/* A failure counted: the first one's status is the exit status. */
void shell_count_failure(struct nsl *sh, int status)
{
    sh->failed_count++;
    record_status(sh, status);
}

int shell_exit_status(struct nsl *sh)
{
    if (sh->pending_fail) {
        sh->pending_fail = false;
        shell_count_failure(sh, EXIT_STEP_FAILED);
    }
    return sh->exit_status;
}

/* Before a command runs: settle a failure left pending by the previous step.
 * Returns false when the script must stop instead of running it. */
static bool settle_pending(struct nsl *sh, const struct command *cmd)
{
    if (!sh->pending_fail || (cmd && (cmd->flags & CMD_NOT_A_STEP)))
        return true;
    sh->pending_fail = false;
    shell_count_failure(sh, EXIT_STEP_FAILED);
    return sh->interactive || sh->opt.keep_going;
}

static void unknown_command(struct nsl *sh, const char *name)
{
    const char *s = command_suggest(name);
    if (s)
        step_usage(sh, "unknown command '%s' (did you mean '%s'? `help` lists them)", name, s);
    else
        step_usage(sh, "unknown command '%s' (`help` lists the commands)", name);
    sh->step.err.errnum = 0; /* no errno: nothing was asked of the kernel */
}

/* Run one command as a step. Returns false when the session must stop. */
/* The cgroup and mount observations are only ever shown: in text with -q,
 * and nothing recording, nobody sees them, so they are not read (the
 * namespaces are: the prompt and `expect ns` use them). */
static bool observation_shown(const struct nsl *sh)
{
    return !sh->opt.quiet || sh->opt.json || sh->record;
}

/* --from N: whether this step is one of those before N, which run
 * quietly; the first one after them says where the lab goes on. */
static void step_replay_mark(struct nsl *sh, const struct step *st)
{
    if (!sh->from_step && !sh->from_line)
        return;
    bool before = sh->from_step ? st->number < sh->from_step : st->line < sh->from_line;
    if (before) {
        sh->replaying = true;
        return;
    }
    bool was = sh->replaying;
    sh->replaying = false;
    sh->from_step = sh->from_line = 0;
    if (was && !sh->opt.json) {
        printf(_("(steps 1 to %d replayed quietly; going on from step %d, line %d)\n"),
               st->number - 1, st->number, st->line);
        fflush(stdout);
    }
}

/* Phase 1: settle what the previous step left, tell the events that came
 * since, and start this step's record. false: the script stops here. */
static bool step_begin(struct nsl *sh, const struct lex_cmd *c, const char *file,
                       unsigned long *evseq)
{
    struct step *st = &sh->step;
    const char *name0 = c->argv[0][0] == '!' ? "!" : c->argv[0];
    if (!settle_pending(sh, command_find(name0)))
        return false;
    /* What happened since the last step is told before this one. */
    events_poll(sh, 0);
    events_flush(sh);
    *evseq = sh->evseq;
    step_reset(st);
    st->number = ++sh->step_count;
    st->file = file;
    st->line = c->line;
    st->command = xstrdup(c->text);

    step_replay_mark(sh, st);
    /* A script's command is echoed after its prompt, except `say`: its
     * text, printed once, is the narration. */
    if (!sh->interactive && strcmp(name0, "say") != 0)
        render_echo(sh, c->text);
    return true;
}

/* Phase 2: the table's row for the command, and the words its handler
 * gets. !PROGRAM: the word itself carries the program name (argv[0] is
 * moved past the '!'; the caller restores it). */
static const struct command *step_command(struct lex_cmd *c, int *argc, char ***argv)
{
    *argc = c->argc;
    *argv = c->argv;
    if ((*argv)[0][0] != '!')
        return command_find((*argv)[0]);
    if ((*argv)[0][1]) {
        (*argv)[0]++;
    } else {
        (*argc)--;
        (*argv)++;
    }
    return command_find("!");
}

/* The subject died (killed from outside?): say so, start afresh. */
static void step_revive_subject(struct nsl *sh, const struct command *cmd)
{
    if (sh->subj.pid > 0 && subject_alive(sh))
        return;
    struct nsl_err e;
    shell_reap_orphans(sh);
    if (sh->subj.pid > 0 || cmd->run != cmd_reset) {
        subject_stop(sh, NULL);
        if (subject_start(sh, &e) == 0)
            trace_note(&sh->step.trace, "the subject process had died: a fresh one was started "
                                        "in the host's namespaces");
    }
}

/* Phase 3: run the handler, with the mount observation around it. *shown:
 * the observation is shown after this step. The handler's return. */
static int step_dispatch(struct nsl *sh, const struct command *cmd, struct lex_cmd *c, int argc,
                         char **argv, bool *shown)
{
    struct step *st = &sh->step;
    *shown = false;
    if (!cmd) {
        unknown_command(sh, argv[0]);
        st->counts = true; /* a failed step (a usage error: never expected) */
        return -1;
    }
    if (scratch_expand(sh, 1, c->argc, c->argv) < 0) {
        st->counts = !(cmd->flags & CMD_NOT_A_STEP);
        return -1;
    }
    step_revive_subject(sh, cmd);
    st->counts = !(cmd->flags & CMD_NOT_A_STEP);
    st->observed = !(cmd->flags & CMD_NO_OBSERVE);
    *shown = st->observed && observation_shown(sh);
    if (*shown && (sh->opt.observe & OBS_MOUNTS))
        observe_mounts_begin(sh);
    int rc = cmd->run(sh, argc, argv);
    /* A network namespace the step left empty ends now, with its devices. */
    made_ns_let_go(sh, NS_NET);
    /* A call the session's own caps drop or seccomp rule refused: say so. */
    if (rc < 0 && !st->err.usage)
        confine_explain(sh);
    /* A usage error changed nothing: no observation block before it. */
    if (rc < 0 && st->err.usage)
        st->observed = false;
    BENCH_START(tm);
    if (*shown && (sh->opt.observe & OBS_MOUNTS))
        observe_mounts(sh);
    else if (st->observed && (sh->opt.observe & OBS_MOUNTS))
        observe_mounts_skip(sh);
    BENCH_STOP(sh, tm);
    return rc;
}

/* Phase 4: observe the subject and the cgroups, render the step and its
 * error. *now: the new snapshot. */
static void step_observe_render(struct nsl *sh, bool shown, const struct snapshot *before,
                                struct snapshot *now, const char *file, int line)
{
    struct step *st = &sh->step;
    struct observation obs;
    BENCH_START(t0);
    observe_step(sh, shown, before, now, &obs);
    /* A record keeps the picture too, for `--replay --serve`. */
    struct strbuf dot = {0};
    struct nsl_err e;
    if (sh->record && !sh->replaying && graph_session_dot(sh, &dot, &e) == 0)
        sh->record_graph = dot.buf;
    render_step(sh, &obs);
    sh->record_graph = NULL;
    sb_free(&dot);
    BENCH_STOP(sh, t0);
    /* A failed expect has said so in its ✗ line (with the line number):
     * in text it is not repeated on stderr. */
    if (!st->ok && !(st->expect_failed && !sh->opt.json))
        render_error(sh, file, line, st->err.msg);
    events_flush(sh);
}

/* Phase 5: a step that counts becomes the previous step for expect. */
static void step_remember(struct nsl *sh, unsigned long evseq, const struct snapshot *before,
                          const struct snapshot *now)
{
    struct step *st = &sh->step;
    if (st->counts) {
        struct last_step *l = &sh->last;
        free(l->output);
        l->valid = true;
        l->evseq = evseq;
        l->ok = st->ok;
        l->usage = !st->ok && st->err.usage;
        l->line = st->line;
        l->errnum = st->err.errnum;
        l->output = xstrdup(sb_str(&st->out));
        cJSON_Delete(l->result);
        l->result = st->result ? cJSON_Duplicate(st->result, true) : NULL;
        l->before = *before;
        l->after = *now;
    }
    sh->prev = *now;
}

/* Phase 6: count a failure (or leave it pending for `expect fail`), and
 * decide whether the session goes on. */
static bool step_settle(struct nsl *sh)
{
    struct step *st = &sh->step;
    if (!st->ok && sh->replaying) /* the last one is what stopped it */
        sh->replay_failed = (struct step_failure){st->number, st->line, st->err};
    if (!st->ok && st->counts && !st->expect_failed) {
        /* Counted (and a script stopped) only if no `expect fail` follows. */
        sh->pending_fail = true;
    } else if (!st->ok) {
        if (sh->pending_fail) { /* that failure came first */
            sh->pending_fail = false;
            shell_count_failure(sh, EXIT_STEP_FAILED);
        }
        shell_count_failure(sh, st->expect_failed ? EXIT_EXPECT : EXIT_STEP_FAILED);
        if (!sh->interactive && !sh->opt.keep_going)
            return false;
    }
    if (sh->want_exit)
        return false;
    if (sh->interrupted && *sh->interrupted && !sh->interactive)
        return false;
    return true;
}

void shell_serve_publish(struct nsl *sh, bool event)
{
    if (!sh->serve)
        return;
    struct strbuf dot = {0};
    struct nsl_err e;
    bool drawn = graph_session_dot(sh, &dot, &e) == 0;
    serve_publish(sh->serve, sh->step.number, sh->step.command, sh->step.ok, event,
                  drawn ? sb_str(&dot) : NULL);
    sb_free(&dot);
}

static bool step_execute(struct nsl *sh, struct lex_cmd *c, const char *file)
{
    struct step *st = &sh->step;
    unsigned long evseq;
    if (!step_begin(sh, c, file, &evseq))
        return false;
    int argc;
    char **argv;
    const struct command *cmd = step_command(c, &argc, &argv);
    bool shown;
    int rc = step_dispatch(sh, cmd, c, argc, argv, &shown);

    st->ok = rc == 0;
    if (cmd)
        equivalent_report(sh, cmd->name, argc, argv);
    if (cmd && strcmp(cmd->name, "expect") == 0) {
        if (st->ok)
            sh->expects_held++;
        else if (st->expect_failed)
            sh->expects_failed++;
    }
    struct snapshot before = sh->prev, now;
    step_observe_render(sh, shown, &before, &now, file, c->line);
    step_remember(sh, evseq, &before, &now);
    shell_serve_publish(sh, false);
    return step_settle(sh);
}

bool shell_run_text(struct nsl *sh, const char *text, const char *file, int line)
{
    struct lex_result r;
    struct nsl_err e;
    if (lex_split(text, line, &r, &e) < 0) {
        render_error(sh, file, line, e.msg);
        shell_count_failure(sh, EXIT_STEP_FAILED);
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
