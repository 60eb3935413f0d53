#define _GNU_SOURCE
/* Reading commands: scripts (files, stdin, -c text) and the interactive
 * terminal (GNU readline in callback mode, so events from jobs show up while
 * the prompt waits and Ctrl-C can cancel a line). At the prompt Ctrl-C never
 * ends the session; Ctrl-D on an empty line does, after a first one said
 * what would end with it. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "../cmd/made.h"
#include "../i18n.h"
#include "../render/render.h"
#include "../subject.h"
#include "lex.h"
#include "shell.h"

static bool stop_signal(const struct nsl *sh)
{
    int s = sh->interrupted ? *sh->interrupted : 0;
    return s == SIGTERM || s == SIGHUP || (s == SIGINT && !sh->interactive);
}

/* Reject what no command can mean before it reaches the lexer. */
static bool line_acceptable(struct nsl *sh, const char *line, size_t n, const char *name, int lineno)
{
    char msg[160];
    size_t bad;
    if (n > NSLAB_MAX_LINE)
        snprintf(msg, sizeof msg, "line too long (%zu bytes; the limit is %d): ignored", n,
                 NSLAB_MAX_LINE);
    else if (memchr(line, '\0', n))
        snprintf(msg, sizeof msg, "line contains a NUL byte: ignored");
    else if (!utf8_valid(line, n, &bad))
        snprintf(msg, sizeof msg, "line is not valid UTF-8 (byte 0x%02x at column %zu): ignored",
                 (unsigned char)line[bad], bad + 1);
    else
        return true;
    render_error(sh, name, lineno, msg);
    if (sh->exit_status == 0)
        sh->exit_status = EXIT_STEP_FAILED;
    return false;
}

void shell_run_script(struct nsl *sh, FILE *in, const char *name)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int lineno = 0, first = 0;
    struct strbuf logical = {0};
    bool go = true;
    while (go && !stop_signal(sh)) {
        errno = 0;
        n = getline(&line, &cap, in);
        if (n < 0) {
            if (errno == EINTR && !stop_signal(sh)) {
                clearerr(in);
                continue;
            }
            break;
        }
        lineno++;
        size_t len = (size_t)n;
        if (len && line[len - 1] == '\n')
            len--;
        if (!line_acceptable(sh, line, len, name, lineno)) {
            sb_reset(&logical);
            go = sh->opt.keep_going;
            continue;
        }
        if (logical.len == 0)
            first = lineno;
        sb_appendn(&logical, line, len);
        if (lex_continues(logical.buf) && logical.len < NSLAB_MAX_LINE) {
            sb_appendc(&logical, '\n');
            continue;
        }
        events_poll(sh, 0);
        events_flush(sh);
        go = shell_run_text(sh, logical.buf, name, first);
        sb_reset(&logical);
    }
    if (go && logical.len && !stop_signal(sh))
        shell_run_text(sh, logical.buf, name, first);
    /* Events that arrived after the last step still belong to the session. */
    events_poll(sh, 0);
    events_flush(sh);
    sb_free(&logical);
    free(line);
}

/* --- interactive ------------------------------------------------------ */

/* readline's callback interface reports through globals; these three are
 * the only ones nslab has. */
static char *line_got;
static bool line_done, line_eof;

static void on_line(char *line)
{
    line_done = true;
    if (!line)
        line_eof = true;
    line_got = line;
    rl_callback_handler_remove();
}

static void history_path(char *buf, size_t size)
{
    const char *home = getenv("HOME");
    snprintf(buf, size, "%s/.nslab_history", home && *home ? home : ".");
}

static void print_events_above_prompt(struct nsl *sh)
{
    if (sh->evq_n == 0)
        return;
    rl_clear_visible_line();
    events_flush(sh);
    rl_on_new_line();
    rl_redisplay();
}

enum read_result {
    READ_LINE,      /* a line was entered */
    READ_CANCELLED, /* Ctrl-C: the line being typed is dropped */
    READ_EOF,       /* Ctrl-D on an empty line */
    READ_ENDED,     /* SIGTERM or SIGHUP: the session ends */
};

/* Read one line at the prompt into *out. */
static enum read_result read_line(struct nsl *sh, const char *prompt, char **out)
{
    line_done = line_eof = false;
    line_got = NULL;
    *out = NULL;
    /* The terminal must be nslab's own whenever it reads (term.c). */
    term_reclaim(sh);
    if (sh->intr_echoed && *sh->intr_echoed) {
        *sh->intr_echoed = 0;
        fputc('\n', stdout); /* after a ^C the terminal echoed (pause) */
    }
    rl_callback_handler_install(prompt, on_line);
    /* The signals that end or cancel the read are blocked except inside
     * ppoll: one that comes between the check of the flag and the wait
     * cuts the wait short instead of being noticed only at the next key. */
    sigset_t stop, old;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGHUP);
    sigprocmask(SIG_BLOCK, &stop, &old);
    enum read_result res = READ_LINE;
    while (!line_done) {
        int s = *sh->interrupted;
        if (s == SIGTERM || s == SIGHUP) {
            rl_callback_handler_remove();
            res = READ_ENDED;
            break;
        }
        if (s == SIGINT) {
            /* Ctrl-C drops the line being typed, as bash does, and never
             * ends the session (`exit` or Ctrl-D do). */
            *sh->interrupted = 0;
            rl_callback_sigcleanup();
            rl_free_line_state();
            rl_replace_line("", 0);
            rl_point = rl_end = 0;
            fputs("^C\n", stdout);
            rl_callback_handler_remove();
            res = READ_CANCELLED;
            break;
        }
        struct pollfd p[2] = {{.fd = 0, .events = POLLIN}, {.fd = sh->subj.evt, .events = POLLIN}};
        int r = ppoll(p, sh->subj.evt >= 0 ? 2 : 1, NULL, &old);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            break;
        if (sh->subj.evt >= 0 && (p[1].revents & POLLIN))
            events_poll(sh, 0);
        if (p[0].revents & (POLLIN | POLLHUP))
            rl_callback_read_char();
        /* Events read meanwhile (completion reads them, to offer live jobs
         * only) are printed above the prompt. */
        if (!line_done)
            print_events_above_prompt(sh);
    }
    sigprocmask(SIG_SETMASK, &old, NULL);
    if (res != READ_LINE)
        return res;
    if (line_eof) {
        fputc('\n', stdout);
        return READ_EOF;
    }
    *out = line_got;
    return line_got ? READ_LINE : READ_EOF;
}

void shell_interactive(struct nsl *sh)
{
    char hist[4096];
    history_path(hist, sizeof hist);
    using_history();
    stifle_history(2000);
    read_history(hist);
    rl_catch_signals = 0;
    rl_catch_sigwinch = 1;
    complete_init(sh);

    struct strbuf logical = {0};
    int lineno = 0;
    /* Ctrl-D said what the end of the session would end: a second one, right
     * after, ends it. */
    bool warned = false;
    while (!sh->want_exit) {
        struct strbuf prompt = {0};
        if (logical.len)
            sb_append(&prompt, "... ");
        else
            render_prompt(sh, &prompt, true);
        events_poll(sh, 0);
        events_flush(sh);
        char *line;
        enum read_result got = read_line(sh, sb_str(&prompt), &line);
        sb_free(&prompt);
        if (got == READ_ENDED)
            break;
        if (got == READ_CANCELLED) {
            sb_reset(&logical);
            warned = false;
            continue;
        }
        if (got == READ_EOF) {
            if (logical.len) {
                /* Ctrl-D at the continuation prompt drops the unfinished line. */
                sb_reset(&logical);
                continue;
            }
            struct strbuf alive = {0};
            if (!warned && made_alive_summary(sh, &alive) > 0) {
                printf(_("%s: Ctrl-D again or `exit` ends them and the session.\n"),
                       sb_str(&alive));
                sb_free(&alive);
                warned = true;
                continue;
            }
            sb_free(&alive);
            break;
        }
        warned = false;
        lineno++;
        size_t len = strlen(line);
        if (!line_acceptable(sh, line, len, NULL, lineno)) {
            free(line);
            sb_reset(&logical);
            continue;
        }
        if (len && !logical.len) {
            HIST_ENTRY *last = history_length ? history_get(history_base + history_length - 1) : NULL;
            if (!last || strcmp(last->line, line) != 0)
                add_history(line);
        }
        sb_append(&logical, line);
        free(line);
        if (lex_continues(logical.buf)) {
            sb_appendc(&logical, '\n');
            continue;
        }
        shell_run_text(sh, logical.buf, NULL, lineno);
        sb_reset(&logical);
        *sh->interrupted = 0;
    }
    sb_free(&logical);
    write_history(hist);
    rl_clear_history();
}
