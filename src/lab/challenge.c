#define _GNU_SOURCE
/* Challenges: goal, check, hint and solution (labs/README.md,
 * "Challenges"). In the challenge file each statement defines (goal TEXT,
 * check NAME CONDITION..., hint TEXT, solution COMMAND); at the prompt the
 * same word alone acts: shows the goal, evaluates every check against the
 * kernel's state now, reveals the next hint, shows the solution (noted in
 * the record). The learner cannot add a check: definitions are read from
 * the file only. */
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd_mount.h"
#include "cmd/handlers.h"
#include "i18n.h"
#include "lab/lab.h"
#include "render/render.h"

static char *join(int argc, char **argv)
{
    struct strbuf sb = {0};
    for (int k = 0; k < argc; k++)
        sb_printf(&sb, "%s%s", k ? " " : "", argv[k]);
    return sb_steal(&sb);
}

/* A text of the file as it was written: the step expanded $SCRATCH in its
 * words, but the catalog knows the text with $SCRATCH (and the learner
 * types $SCRATCH too). */
static char *as_written(struct nsl *sh, int argc, char **argv)
{
    char *text = join(argc, argv);
    const char *dir = sh->mnt ? sh->mnt->scratch : NULL;
    if (!dir || !*dir || !strstr(text, dir))
        return text;
    struct strbuf sb = {0};
    size_t dl = strlen(dir);
    for (const char *p = text; *p;) {
        if (strncmp(p, dir, dl) == 0) {
            sb_append(&sb, SCRATCH_WORD);
            p += dl;
        } else {
            sb_appendc(&sb, *p++);
        }
    }
    free(text);
    return sb_steal(&sb);
}

static bool defining(struct nsl *sh)
{
    return sh->chal && sh->chal->loading;
}

/* The word used outside a challenge, or with words at the prompt. */
static int not_here(struct nsl *sh, const char *word)
{
    if (!sh->chal)
        return step_usage(sh,
                          "%s: no challenge is running (start one with `nslab FILE`, a file "
                          "whose first statement is goal)",
                          word);
    return step_usage(sh, "%s with words belongs in the challenge file; `%s` alone acts here",
                      word, word);
}

static void push(char ***v, size_t *n, char *s)
{
    *v = xrealloc(*v, (*n + 1) * sizeof **v);
    (*v)[(*n)++] = s;
}

int cmd_goal(struct nsl *sh, int argc, char **argv)
{
    if (defining(sh) && argc >= 2) {
        if (sh->chal->goal)
            return step_usage(sh, "a challenge has one goal (it was given before)");
        sh->chal->goal = as_written(sh, argc - 1, argv + 1);
        return 0;
    }
    if (!sh->chal || argc != 1)
        return not_here(sh, "goal");
    print_string(sh, PRINT_ANY, "goal", _("Goal: %s\n"), T_(sh->chal->goal));
    return 0;
}

int cmd_hint(struct nsl *sh, int argc, char **argv)
{
    if (defining(sh) && argc >= 2) {
        push(&sh->chal->hints, &sh->chal->nhints, as_written(sh, argc - 1, argv + 1));
        return 0;
    }
    if (!sh->chal || argc != 1)
        return not_here(sh, "hint");
    challenge_next_hint(sh);
    return 0;
}

void challenge_next_hint(struct nsl *sh)
{
    struct challenge *c = sh->chal;
    if (c->hints_shown >= c->nhints) {
        out_printf(sh, _("No more hints (%zu of %zu shown); `solution` shows a reference "
                         "solution.\n"),
                   c->hints_shown, c->nhints);
        print_int(sh, PRINT_JSON, "hint", NULL, 0);
        return;
    }
    size_t k = c->hints_shown++;
    char head[64];
    snprintf(head, sizeof head, _("Hint %zu of %zu: "), k + 1, c->nhints);
    out_printf(sh, "%s%s\n", head, T_(c->hints[k]));
    print_int(sh, PRINT_JSON, "hint", NULL, (long long)k + 1);
    print_int(sh, PRINT_JSON, "hints", NULL, (long long)c->nhints);
    print_string(sh, PRINT_JSON, "text", NULL, T_(c->hints[k]));
}

int cmd_solution(struct nsl *sh, int argc, char **argv)
{
    if (defining(sh) && argc >= 2) {
        push(&sh->chal->solution, &sh->chal->nsolution, as_written(sh, argc - 1, argv + 1));
        return 0;
    }
    if (!sh->chal || argc != 1)
        return not_here(sh, "solution");
    struct challenge *c = sh->chal;
    c->solution_shown = true;
    out_printf(sh, _("A reference solution (its showing is noted in the record):\n"));
    open_json_object(sh, NULL); /* the result: {"solution": [...], "solution_shown": true} */
    open_json_array(sh, "solution");
    for (size_t k = 0; k < c->nsolution; k++) {
        out_printf(sh, "  %s\n", c->solution[k]);
        print_string(sh, PRINT_JSON, NULL, NULL, c->solution[k]);
    }
    close_json_array(sh);
    print_bool(sh, PRINT_JSON, "solution_shown", NULL, true);
    close_json_object(sh);
    return 0;
}

/* Evaluates the checks; held[k] for each distinct name (in order of first
 * appearance), why[k] what did not hold. The number of names. */
static size_t evaluate_checks(struct nsl *sh, const char **names, bool *held, struct strbuf *why)
{
    struct challenge *c = sh->chal;
    size_t n = 0;
    for (size_t k = 0; k < c->nchecks; k++) {
        size_t i = 0;
        while (i < n && strcmp(names[i], c->checks[k].name) != 0)
            i++;
        if (i == n) {
            names[n] = c->checks[k].name;
            held[n] = true;
            n++;
        }
        if (!held[i])
            continue; /* its first condition that failed says why */
        struct nsl_err e;
        cleanup_sb struct strbuf w = {0};
        int r = expect_evaluate(sh, c->checks[k].argc, c->checks[k].argv, &w, &e);
        if (r != 1) {
            held[i] = false;
            sb_reset(&why[i]);
            sb_append(&why[i], r < 0 ? e.msg : sb_str(&w));
        }
    }
    return n;
}

int cmd_check(struct nsl *sh, int argc, char **argv)
{
    if (defining(sh) && argc >= 3) {
        struct challenge *c = sh->chal;
        c->checks = xrealloc(c->checks, (c->nchecks + 1) * sizeof *c->checks);
        struct chal_check *k = &c->checks[c->nchecks++];
        k->name = xstrdup(argv[1]);
        k->argc = argc - 2;
        k->argv = xcalloc((size_t)argc - 1, sizeof *k->argv);
        for (int i = 2; i < argc; i++)
            k->argv[i - 2] = xstrdup(argv[i]);
        return 0;
    }
    if (defining(sh))
        return step_usage(sh, "usage: check NAME CONDITION (an expect condition)");
    if (!sh->chal || argc != 1)
        return not_here(sh, "check");
    struct challenge *c = sh->chal;
    const char **names = xcalloc(c->nchecks + 1, sizeof *names);
    bool *held = xcalloc(c->nchecks + 1, sizeof *held);
    struct strbuf *why = xcalloc(c->nchecks + 1, sizeof *why);
    size_t n = evaluate_checks(sh, names, held, why);
    size_t nheld = 0;
    open_json_object(sh, NULL); /* the result: {"checks": [...], "solved": ...} */
    open_json_array(sh, "checks");
    for (size_t i = 0; i < n; i++) {
        nheld += held[i];
        if (held[i])
            out_printf(sh, "%s✓%s %s\n", col(sh, C_GREEN), col(sh, C_RESET), names[i]);
        else
            out_printf(sh, "%s✗%s %s: %s\n", col(sh, C_RED), col(sh, C_RESET), names[i],
                       sb_str(&why[i]));
        open_json_object(sh, NULL);
        print_string(sh, PRINT_JSON, "name", NULL, names[i]);
        print_bool(sh, PRINT_JSON, "held", NULL, held[i]);
        close_json_object(sh);
        sb_free(&why[i]);
    }
    close_json_array(sh);
    bool solved = nheld == n;
    c->checks_run++;
    c->solved |= solved;
    print_bool(sh, PRINT_JSON, "solved", NULL, solved);
    if (solved)
        out_printf(sh, _("Solved: every check holds.\n"));
    else
        out_printf(sh, _("Not yet: %zu of %zu checks hold.\n"), nheld, n);
    free(names);
    free(held);
    free(why);
    /* A failed check reveals the next hint, if one is left. */
    if (!solved && c->hints_shown < c->nhints) {
        open_json_object(sh, "next_hint");
        challenge_next_hint(sh);
        close_json_object(sh);
    }
    close_json_object(sh);
    return 0;
}

bool challenge_solved_now(struct nsl *sh)
{
    struct challenge *c = sh->chal;
    const char **names = xcalloc(c->nchecks + 1, sizeof *names);
    bool *held = xcalloc(c->nchecks + 1, sizeof *held);
    struct strbuf *why = xcalloc(c->nchecks + 1, sizeof *why);
    size_t n = evaluate_checks(sh, names, held, why);
    bool all = true;
    for (size_t i = 0; i < n; i++) {
        all &= held[i];
        sb_free(&why[i]);
    }
    free(names);
    free(held);
    free(why);
    return all;
}

void challenge_free(struct challenge *c)
{
    if (!c)
        return;
    free(c->goal);
    for (size_t k = 0; k < c->nchecks; k++) {
        free(c->checks[k].name);
        for (int i = 0; i < c->checks[k].argc; i++)
            free(c->checks[k].argv[i]);
        free(c->checks[k].argv);
    }
    free(c->checks);
    for (size_t k = 0; k < c->nhints; k++)
        free(c->hints[k]);
    free(c->hints);
    for (size_t k = 0; k < c->nsolution; k++)
        free(c->solution[k]);
    free(c->solution);
    free(c);
}
