#define _GNU_SOURCE
#include "shell/lex.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct words {
    char **v;
    size_t n, cap;
};

static void words_push(struct words *w, char *s)
{
    if (w->n + 2 > w->cap) {
        w->cap = w->cap ? w->cap * 2 : 8;
        w->v = xrealloc(w->v, w->cap * sizeof *w->v);
    }
    w->v[w->n++] = s;
    w->v[w->n] = NULL;
}

static void words_free(struct words *w)
{
    for (size_t i = 0; i < w->n; i++)
        free(w->v[i]);
    free(w->v);
    w->v = NULL;
    w->n = w->cap = 0;
}

static void result_push(struct lex_result *r, struct words *w, const char *start, const char *end,
                        int line)
{
    while (start < end && (*start == ' ' || *start == '\t'))
        start++;
    while (end > start && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\n' || end[-1] == ';'))
        end--;
    r->cmds = xrealloc(r->cmds, (r->n + 1) * sizeof *r->cmds);
    struct lex_cmd *c = &r->cmds[r->n++];
    c->argc = (int)w->n;
    c->argv = w->v;
    c->line = line;
    /* The text as typed, with continuations folded into spaces. */
    struct strbuf t = {0};
    for (const char *p = start; p < end; p++) {
        if (p[0] == '\\' && p + 1 < end && p[1] == '\n') {
            sb_appendc(&t, ' ');
            p++;
        } else if (*p == '\n') {
            sb_appendc(&t, ' ');
        } else {
            sb_appendc(&t, *p);
        }
    }
    c->text = sb_steal(&t);
    w->v = NULL;
    w->n = w->cap = 0;
}

/* The word being read, if any, ends. */
static void word_end(struct words *w, struct strbuf *word, bool *in_word)
{
    if (*in_word) {
        words_push(w, sb_steal(word));
        *in_word = false;
    }
}

/* A '…' or "…" quote at *pp (its quote character): its text is appended to
 * word, *pp moves past the closing quote, *line counts the newlines in it.
 * Inside "…", \" and \\ escape and \<newline> continues. -1 with e filled
 * when it is not closed. */
static int quoted(const char **pp, int *line, struct strbuf *word, struct nsl_err *e)
{
    char c = **pp;
    int qline = *line;
    const char *q = *pp + 1;
    sb_reserve(word, 0); /* "" is a word too */
    for (;; q++) {
        if (*q == '\0')
            return nsl_fail(e, EINVAL, "line %d: unterminated %s quote", qline,
                            c == '\'' ? "single" : "double");
        if (*q == c)
            break;
        if (*q == '\n')
            (*line)++;
        if (c == '"' && *q == '\\' && (q[1] == '"' || q[1] == '\\')) {
            q++;
        } else if (c == '"' && *q == '\\' && q[1] == '\n') {
            q++;
            (*line)++;
            continue;
        }
        sb_appendc(word, *q);
    }
    *pp = q + 1;
    return 0;
}

int lex_split(const char *text, int first_line, struct lex_result *out, struct nsl_err *e)
{
    out->cmds = NULL;
    out->n = 0;
    struct words w = {0};
    cleanup_sb struct strbuf word = {0};
    bool in_word = false;
    int line = first_line, cmd_line = first_line;
    const char *cmd_start = text;
    const char *p = text;
    const char *word_last = text; /* just past the last word (drops comments) */

    for (;;) {
        char c = *p;
        if (in_word)
            word_last = p;
        if (c == '\0' || c == '\n' || c == ';') {
            word_end(&w, &word, &in_word);
            if (w.n)
                result_push(out, &w, cmd_start, word_last, cmd_line);
            if (c == '\0')
                break;
            if (c == '\n')
                line++;
            p++;
            cmd_start = p;
            cmd_line = line;
            continue;
        }
        if (c == ' ' || c == '\t' || c == '\r') {
            word_end(&w, &word, &in_word);
            p++;
            continue;
        }
        if (c == '#' && !in_word) {
            /* A comment runs to the end of the line. */
            while (*p && *p != '\n')
                p++;
            continue;
        }
        if (c == '\\' && p[1] == '\n') {
            /* A continuation joins the lines and is no word of its own:
             * "a \<newline> b" is two words, as in sh, not a, "" and b. */
            line++;
            p += 2;
            continue;
        }
        if (!in_word && w.n == 0) {
            cmd_start = p;
            cmd_line = line;
        }
        in_word = true;
        if (c == '\\') {
            if (p[1] != '\0')
                sb_appendc(&word, p[1]);
            p += p[1] != '\0' ? 2 : 1;
            continue;
        }
        if (c == '\'' || c == '"') {
            if (quoted(&p, &line, &word, e) < 0) {
                words_free(&w);
                lex_result_free(out);
                return -1;
            }
            continue;
        }
        sb_appendc(&word, c);
        p++;
    }
    words_free(&w);
    return 0;
}

void lex_result_free(struct lex_result *r)
{
    for (size_t i = 0; i < r->n; i++) {
        for (int j = 0; j < r->cmds[i].argc; j++)
            free(r->cmds[i].argv[j]);
        free(r->cmds[i].argv);
        free(r->cmds[i].text);
    }
    free(r->cmds);
    r->cmds = NULL;
    r->n = 0;
}

bool lex_continues_from(const char *line, bool first, char *quote_state)
{
    /* Track quotes so a backslash inside '…' does not continue the line. */
    char quote = *quote_state;
    bool escaped = false;
    size_t n = strlen(line);
    while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
        n--;
    for (size_t i = 0; i < n; i++) {
        char c = line[i];
        if (escaped) {
            escaped = false;
            continue;
        }
        if (quote == '\'') {
            if (c == '\'')
                quote = 0;
            continue;
        }
        if (c == '\\') {
            if (i == n - 1) {
                *quote_state = quote;
                return true;
            }
            escaped = true;
            continue;
        }
        if (quote == '"') {
            if (c == '"')
                quote = 0;
            continue;
        }
        /* A '#' starts a comment at the start of a word; the first
         * character of a continuation line follows a newline, not a blank. */
        if (c == '#' &&
            ((i == 0 && first) || (i > 0 && (line[i - 1] == ' ' || line[i - 1] == '\t'))))
            return false;
        if (c == '\'' || c == '"')
            quote = c;
    }
    return false;
}

bool lex_continues(const char *line)
{
    char quote = 0;
    return lex_continues_from(line, true, &quote);
}
