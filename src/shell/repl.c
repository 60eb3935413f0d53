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

#include "session/made.h"
#include "i18n.h"
#include "render/render.h"
#include "subject/subject.h"
#include "session/jobs.h"
#include "shell/lex.h"
#include "shell/shell.h"

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
    shell_count_failure(sh, EXIT_STEP_FAILED);
    return false;
}

/* A continued line longer than the limit: an error for the whole of it. */
static void logical_too_long(struct nsl *sh, const char *name, int first, int last)
{
    char msg[200];
    snprintf(msg, sizeof msg,
             _("continued line too long (lines %d to %d, more than %d bytes): nothing of it runs"),
             first, last, NSLAB_MAX_LINE);
    render_error(sh, name, first, msg);
    shell_count_failure(sh, EXIT_STEP_FAILED);
}

/* Script input from a descriptor (a pipe, a terminal, a file as stdin):
 * read with read(2) after poll(2), which watches the subject's event socket
 * too, so an event (a job ended, an OOM kill) is told when it happens, also
 * while the next line is slow to come (a program driving -J through a
 * pipe). A stream without a descriptor (a script read whole, -c text) is
 * read with getline. */
struct script_in {
    FILE *in;
    int fd;
    struct strbuf buf; /* read, not yet returned */
    size_t start;      /* where the unreturned part of buf begins */
    bool eof;
};

/* The next line, with its newline if it has one, into *line (like
 * getline). -1 at the end of input or when a signal ends the session. */
static ssize_t script_getline(struct nsl *sh, struct script_in *si, char **line, size_t *cap)
{
    if (si->fd < 0) {
        for (;;) {
            errno = 0;
            ssize_t n = getline(line, cap, si->in);
            if (n < 0 && errno == EINTR && !stop_signal(sh)) {
                clearerr(si->in);
                continue;
            }
            return n;
        }
    }
    for (;;) {
        const char *p = si->buf.buf ? si->buf.buf + si->start : "";
        size_t have = si->buf.buf ? si->buf.len - si->start : 0;
        const char *nl = have ? memchr(p, '\n', have) : NULL;
        if (nl || (si->eof && have)) {
            size_t n = nl ? (size_t)(nl - p) + 1 : have;
            if (!*line || *cap < n + 1) {
                *cap = n + 1;
                *line = xrealloc(*line, *cap);
            }
            memcpy(*line, p, n);
            (*line)[n] = '\0';
            si->start += n;
            if (si->start == si->buf.len) {
                sb_reset(&si->buf);
                si->start = 0;
            }
            return (ssize_t)n;
        }
        if (si->eof || stop_signal(sh))
            return -1;
        /* Events already read (the projector's picture reads them) are
         * told now, not at the next line. */
        if (sh->evq_n)
            shell_events_flush(sh);
        struct pollfd pf[2] = {{.fd = si->fd, .events = POLLIN},
                               {.fd = sh->subj.evt, .events = POLLIN}};
        /* Wakes now and then: a signal may land just before poll sleeps. */
        int r = poll(pf, sh->subj.evt >= 0 ? 2 : 1, 200);
        if (r < 0 && errno != EINTR)
            return -1;
        if (r <= 0)
            continue;
        if (sh->subj.evt >= 0 && (pf[1].revents & POLLIN)) {
            events_poll(sh, 0);
            shell_events_flush(sh);
        }
        if (pf[0].revents & (POLLIN | POLLHUP | POLLERR)) {
            if (si->start && si->buf.buf) { /* what was returned makes room */
                memmove(si->buf.buf, si->buf.buf + si->start, si->buf.len - si->start);
                si->buf.len -= si->start;
                si->start = 0;
            }
            sb_reserve(&si->buf, 65536);
            ssize_t n = read(si->fd, si->buf.buf + si->buf.len, 65536);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                si->eof = true;
            else
                si->buf.len += (size_t)n;
        }
    }
}

void shell_run_script(struct nsl *sh, FILE *in, const char *name)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int lineno = 0, first = 0;
    struct strbuf logical = {0};
    bool go = true;
    bool too_long = false; /* the logical line being read passed the limit */
    char quote = 0;        /* the quote a continued line left open */
    struct script_in si = {.in = in, .fd = fileno(in)};
    while (go && !stop_signal(sh)) {
        n = script_getline(sh, &si, &line, &cap);
        if (n < 0)
            break;
        lineno++;
        size_t len = (size_t)n;
        if (len && line[len - 1] == '\n')
            len--;
        /* A byte order mark some editors write first is not part of a command. */
        if (lineno == 1 && len >= 3 && memcmp(line, "\xef\xbb\xbf", 3) == 0) {
            memmove(line, line + 3, (size_t)n - 3 + 1);
            len -= 3;
        }
        line[len] = '\0';
        if (!line_acceptable(sh, line, len, name, lineno)) {
            sb_reset(&logical);
            too_long = false;
            go = sh->opt.keep_going;
            continue;
        }
        bool first_part = logical.len == 0 && !too_long;
        if (first_part) {
            first = lineno;
            quote = 0;
        }
        bool more = lex_continues_from(line, first_part, &quote);
        if (!too_long && logical.len + len > NSLAB_MAX_LINE) {
            too_long = true;
            sb_reset(&logical);
        }
        if (!too_long) {
            sb_appendn(&logical, line, len);
            if (more)
                sb_appendc(&logical, '\n');
        }
        if (more)
            continue;
        if (too_long) {
            logical_too_long(sh, name, first, lineno);
            too_long = false;
            go = sh->opt.keep_going;
            continue;
        }
        events_poll(sh, 0);
        shell_events_flush(sh);
        go = shell_run_text(sh, logical.buf, name, first);
        sb_reset(&logical);
    }
    if (go && too_long && !stop_signal(sh))
        logical_too_long(sh, name, first, lineno);
    else if (go && logical.len && !stop_signal(sh))
        shell_run_text(sh, logical.buf, name, first);
    /* Events that arrived after the last step still belong to the session. */
    events_poll(sh, 0);
    shell_events_flush(sh);
    sb_free(&logical);
    sb_free(&si.buf);
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

/* Events told: on the terminal, and to the projector view with a fresh
 * picture of the session (a job's exit, an OOM kill). */
void shell_events_flush(struct nsl *sh)
{
    bool any = sh->evq_n > 0;
    events_flush(sh);
    if (any)
        shell_serve_publish(sh, true);
}

static void print_events_above_prompt(struct nsl *sh)
{
    if (sh->evq_n == 0)
        return;
    rl_clear_visible_line();
    shell_events_flush(sh);
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
    sigset_t old;
    stop_signals_block(&old);
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
        if (sh->evq_n)
            print_events_above_prompt(sh);
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
    bool has_hist = history_path(hist, sizeof hist) == 0;
    using_history();
    stifle_history(2000);
    if (has_hist)
        history_load(hist);
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
        shell_events_flush(sh);
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
            /* Job states come from events: read the ones waiting first. */
            events_poll(sh, 0);
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
        render_input(sh, logical.buf);
        shell_run_text(sh, logical.buf, NULL, lineno);
        sb_reset(&logical);
        /* SIGTERM or SIGHUP during a step ends the session; Ctrl-C only
         * ended what the step waited for. */
        if (stop_signal(sh))
            break;
        *sh->interrupted = 0;
    }
    sb_free(&logical);
    if (has_hist)
        history_save(hist);
    rl_clear_history();
}
