#define _GNU_SOURCE
/* The shell's own commands: exit, say, pause, show, observe, trace (help
 * lives with the table it reads, in commands.c). */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "session/cgroups.h"
#include "cmd/handlers.h"
#include "i18n.h"
#include "observe/observe.h"
#include "render/render.h"

static void join_words(struct strbuf *sb, int argc, char **argv)
{
    for (int k = 0; k < argc; k++)
        sb_printf(sb, "%s%s", k ? " " : "", argv[k]);
}

int cmd_exit(struct nsl *sh, int argc, char **argv)
{
    long st = -1;
    if (argc > 2 || (argc == 2 && parse_long(argv[1], 0, 255, &st) < 0))
        return step_usage(sh, "usage: exit [STATUS] (STATUS from 0 to 255)");
    sh->want_exit = true;
    sh->exit_request = (int)st;
    return 0;
}

int cmd_say(struct nsl *sh, int argc, char **argv)
{
    struct strbuf sb = {0};
    join_words(&sb, argc - 1, argv + 1);
    /* Lab narration is in the catalog too (scripts/i18n-pot collects it). */
    out_printf(sh, "%s\n", sb.len ? T_(sb_str(&sb)) : "");
    sb_free(&sb);
    return 0;
}

int cmd_pause(struct nsl *sh, int argc, char **argv)
{
    if (!sh->pausing || sh->replaying)
        return 0;
    fputs(_("(press Enter to go on) "), stdout);
    fflush(stdout);
    /* Enter, end of input or a signal (Ctrl-C) ends the pause. The signals
     * are blocked except inside ppoll: one that came just before the wait
     * would otherwise be noticed only at the next key. */
    sigset_t old;
    stop_signals_block(&old);
    while (!(sh->interrupted && *sh->interrupted)) {
        struct pollfd p = {.fd = 0, .events = POLLIN};
        int r = ppoll(&p, 1, NULL, &old);
        if (r < 0 && errno == EINTR)
            continue;
        char c;
        if (r < 0 || read(0, &c, 1) != 1 || c == '\n')
            break;
    }
    sigprocmask(SIG_SETMASK, &old, NULL);
    /* Ctrl-C at a lab's pause ends the lab: say how to come back here. */
    if (sh->interrupted && *sh->interrupted == SIGINT && !sh->interactive && sh->step.file) {
        if (sh->intr_echoed && *sh->intr_echoed) {
            *sh->intr_echoed = 0;
            fputc('\n', stdout);
        }
        printf(_("stopped at step %d (line %d): `nslab %s --from %d` resumes\n"), sh->step.number,
               sh->step.line, sh->step.file, sh->step.number);
        fflush(stdout);
    }
    return 0;
}

int cmd_show(struct nsl *sh, int argc, char **argv)
{
    if (argc != 1)
        return step_usage(sh, "usage: show");
    struct snapshot now;
    observe_subject(sh, &now);
    struct render_ctx rc = render_ctx_of(sh);
    /* show is the whole block, whatever `observe changed` leaves out */
    struct nsl_opts all = sh->opt;
    all.observe &= ~(unsigned)OBS_CHANGED;
    rc.opt = &all;
    struct observation obs = {.now = &now, .host = sh->host_ns};
    render_observation(&rc, &obs, &sh->step.out);
    sh->prev = now;
    if (sh->cg)
        render_cg_observation(&rc, cgroups_for_step(sh), &sh->step.out);
    return 0;
}

int cmd_observe(struct nsl *sh, int argc, char **argv)
{
    if (argc == 1) {
        out_printf(sh, "observe %s%s%s%s%s\n", sh->opt.observe & OBS_NS ? "ns " : "",
                   sh->opt.observe & OBS_CGROUP ? "cgroup " : "",
                   sh->opt.observe & OBS_MOUNTS ? "mounts " : "",
                   sh->opt.observe & OBS_CHANGED ? "changed " : "", sh->opt.observe ? "" : "none");
        return 0;
    }
    struct strbuf sb = {0};
    join_words(&sb, argc - 1, argv + 1);
    struct nsl_err e;
    unsigned bits = 0;
    int rc = observe_parse(sb_str(&sb), &bits, &e);
    sb_free(&sb);
    if (rc < 0)
        return step_fail_err(sh, &e);
    sh->opt.observe = bits;
    return 0;
}

int cmd_trace(struct nsl *sh, int argc, char **argv)
{
    if (argc != 2 || (strcmp(argv[1], "on") != 0 && strcmp(argv[1], "off") != 0))
        return step_usage(sh, "usage: trace on|off");
    sh->opt.trace = strcmp(argv[1], "on") == 0;
    return 0;
}

int cmd_theme(struct nsl *sh, int argc, char **argv)
{
    if (argc == 1) {
        out_printf(sh, "theme %s\n", theme_name(sh->opt.theme));
        return 0;
    }
    if (argc != 2 || theme_parse(argv[1], &sh->opt.theme) < 0)
        return step_usage(sh, "usage: theme default|high-contrast");
    return 0;
}

int cmd_equivalents(struct nsl *sh, int argc, char **argv)
{
    if (argc != 2 || (strcmp(argv[1], "on") != 0 && strcmp(argv[1], "off") != 0))
        return step_usage(sh, "usage: equivalents on|off");
    sh->opt.equivalents = strcmp(argv[1], "on") == 0;
    return 0;
}
