#define _GNU_SOURCE
/* nslab --lint LAB...: a lab checked without running it. Every command is
 * known (else a "did you mean"), takes a number of words its synopsis
 * allows, every expect is of a known form with known words (lab/expect.c),
 * and the header has its lines (lab/header.c). Nothing reaches the kernel. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>

#include "i18n.h"
#include "lab/lab.h"
#include "shell/commands.h"
#include "shell/lex.h"
#include "shell/shell.h"

/* The words one alternative of a synopsis allows after the command's name:
 * a [bracketed group] is optional (all its words count toward the most), a
 * word or group ending in "..." repeats. */
static void alt_bounds(const char *alt, int *min, int *max)
{
    int lo = 0, hi = 0, depth = 0;
    bool unbounded = false, first = true;
    const char *p = alt;
    while (*p) {
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        /* One group: a word, or a [bracketed run] with its spaces. */
        const char *start = p;
        int words = 1;
        while (*p && (*p != ' ' || depth > 0)) {
            depth += *p == '[' ? 1 : *p == ']' ? -1 : 0;
            words += *p == ' ';
            p++;
        }
        size_t len = (size_t)(p - start);
        if (first) { /* the command's name */
            first = false;
            continue;
        }
        bool optional = start[0] == '[';
        bool repeats = (len >= 3 && strncmp(p - 3, "...", 3) == 0) ||
                       (optional && len >= 4 && strncmp(p - 4, "...]", 4) == 0);
        if (!optional)
            lo++;
        hi += optional ? words : 1;
        unbounded |= repeats;
    }
    *min = lo;
    *max = unbounded ? -1 : hi;
}

/* The bounds over every alternative of a synopsis ("A | B"). */
static void synopsis_bounds(const char *syn, int *min, int *max)
{
    *min = 1 << 20;
    *max = 0;
    const char *p = syn;
    for (;;) {
        const char *bar = strstr(p, " | ");
        cleanup_free char *alt = bar ? xstrndup(p, (size_t)(bar - p)) : xstrdup(p);
        int lo, hi;
        alt_bounds(alt, &lo, &hi);
        *min = lo < *min ? lo : *min;
        *max = (*max < 0 || hi < 0) ? -1 : (hi > *max ? hi : *max);
        if (!bar)
            break;
        p = bar + 3;
    }
}

static int lint_command(const struct lex_cmd *c, const char *file, struct strbuf *out);

/* A challenge's `solution COMMAND`: the command is checked as a line of the
 * file would be. */
static int lint_solution(const struct lex_cmd *c, const char *file, struct strbuf *out)
{
    struct lex_result r;
    struct nsl_err e;
    if (lex_split(c->argv[1], c->line, &r, &e) < 0) {
        sb_printf(out, "%s:%d: solution: %s\n", file, c->line, e.msg);
        return 1;
    }
    int problems = 0;
    for (size_t k = 0; k < r.n; k++)
        problems += lint_command(&r.cmds[k], file, out);
    lex_result_free(&r);
    return problems;
}

static int lint_command(const struct lex_cmd *c, const char *file, struct strbuf *out)
{
    const char *name = c->argv[0];
    if (name[0] == '!')
        return 0; /* a program of the machine: nslab cannot know its words */
    const struct command *cmd = command_find(name);
    if (!cmd) {
        const char *s = command_suggest(name);
        if (s)
            sb_printf(out, _("%s:%d: unknown command '%s' (did you mean '%s'?)\n"), file, c->line,
                      name, s);
        else
            sb_printf(out, _("%s:%d: unknown command '%s' (`help` lists the commands)\n"), file,
                      c->line, name);
        return 1;
    }
    if (strcmp(name, "expect") == 0) {
        cleanup_sb struct strbuf msg = {0};
        if (expect_lint(c->argc, c->argv, &msg) == 0)
            return 0;
        sb_printf(out, "%s:%d: %s\n", file, c->line, sb_str(&msg));
        return 1;
    }
    if (strcmp(name, "say") == 0)
        return 0; /* say alone prints an empty line */
    if (strcmp(name, "check") == 0 && c->argc >= 3) {
        /* check NAME CONDITION...: NAME stands where expect's word would. */
        cleanup_sb struct strbuf msg = {0};
        if (expect_lint(c->argc - 1, c->argv + 1, &msg) == 0)
            return 0;
        sb_printf(out, "%s:%d: check %s: %s\n", file, c->line, c->argv[1], sb_str(&msg));
        return 1;
    }
    if (strcmp(name, "solution") == 0 && c->argc == 2)
        return lint_solution(c, file, out);
    int lo, hi, words = c->argc - 1;
    synopsis_bounds(cmd->synopsis, &lo, &hi);
    if (words >= lo && (hi < 0 || words <= hi))
        return 0;
    sb_printf(out, "%s:%d: ", file, c->line);
    if (hi < 0)
        sb_printf(out, _("%s takes at least %d word(s), not %d"), name, lo, words);
    else if (lo == hi)
        sb_printf(out, _("%s takes %d word(s), not %d"), name, lo, words);
    else
        sb_printf(out, _("%s takes %d to %d word(s), not %d"), name, lo, hi, words);
    sb_printf(out, _(" (usage: %s)\n"), cmd->synopsis);
    return 1;
}

int shell_lint_file(const char *file, struct strbuf *out)
{
    cleanup_sb struct strbuf text = {0};
    if (read_file_sb(AT_FDCWD, file, &text) < 0) {
        sb_printf(out, _("%s: cannot read: %s\n"), file, strerror(errno));
        return 1;
    }
    int problems = 0;
    struct lab_header h;
    lab_header_parse(sb_str(&text), &h);
    cleanup_sb struct strbuf hp = {0};
    problems += lab_header_check(&h, &hp);
    lab_header_free(&h);
    for (const char *p = sb_str(&hp); *p;) {
        const char *nl = strchr(p, '\n');
        sb_printf(out, "%s:%.*s\n", file, (int)(nl - p), p);
        p = nl + 1;
    }
    struct lex_result r;
    struct nsl_err e;
    if (lex_split(sb_str(&text), 1, &r, &e) < 0) {
        sb_printf(out, "%s: %s\n", file, e.msg);
        return problems + 1;
    }
    for (size_t k = 0; k < r.n; k++)
        problems += lint_command(&r.cmds[k], file, out);
    lex_result_free(&r);
    return problems;
}
