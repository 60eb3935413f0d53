#define _GNU_SOURCE
/* serve [ADDR:]PORT | serve off (and --serve): the projector view of the
 * session (render/serve.h), started and stopped here; the loop hands it
 * each step (shell/step.c). */
#include <string.h>

#include "cmd/handlers.h"
#include "render/serve.h"
#include "i18n.h"

int serve_begin(struct nsl *sh, const char *spec, bool recording, const char **url,
                struct nsl_err *e)
{
    const struct serve_labels labels = {
        .title = recording ? _("nslab: a recorded session") : _("nslab: the session"),
        .step = _("step"),
        .command = _("command"),
        .shown = _("what the terminal showed"),
        .graph = _("processes, namespaces, cgroups"),
        .timeline = _("steps (click one to see it again)"),
        .event = _("event"),
        .waiting = _("waiting for the first step"),
        .lang = sh->lang,
    };
    const char *token;
    struct serve *s = serve_start(spec, &labels, &token, url, e);
    if (!s)
        return -1;
    serve_stop(sh->serve);
    sh->serve = s;
    return 0;
}

void serve_end(struct nsl *sh)
{
    serve_stop(sh->serve);
    sh->serve = NULL;
}

int cmd_serve(struct nsl *sh, int argc, char **argv)
{
    if (argc != 2)
        return step_usage(sh, "usage: serve [ADDR:]PORT | serve off");
    if (strcmp(argv[1], "off") == 0) {
        bool was = sh->serve != NULL;
        serve_end(sh);
        out_printf(sh, was ? _("the projector view stopped\n")
                           : _("the projector view was not on\n"));
        return 0;
    }
    const char *url;
    struct nsl_err e;
    if (serve_begin(sh, argv[1], false, &url, &e) < 0)
        return step_fail_err(sh, &e);
    print_string(sh, PRINT_ANY, "url", _("the projector view: %s (only shows; serve off stops it)\n"),
                 url);
    return 0;
}
