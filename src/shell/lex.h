/* The tokenizer: words, '…' and "…" quotes, backslash escapes, # comments at
 * the start of a word, and ';' or newline between commands. A pure function
 * on text, so it is unit-tested without a terminal. */
#ifndef NSLAB_LEX_H
#define NSLAB_LEX_H

#include <stdbool.h>

#include "err.h"

struct lex_cmd {
    int argc;
    char **argv; /* NULL-terminated */
    char *text;  /* the command as typed, trimmed (for echo and JSON) */
    int line;    /* line number of its first word */
};

struct lex_result {
    struct lex_cmd *cmds;
    size_t n;
};

/* Split text (one or more lines; "\\\n" continues a line) into commands.
 * first_line numbers the first line. 0, or -1 with e filled (unterminated
 * quote, NUL byte); on error out is empty. */
int lex_split(const char *text, int first_line, struct lex_result *out, struct nsl_err *e);
void lex_result_free(struct lex_result *r);
/* Does this physical line end in a continuation backslash (outside quotes)? */
bool lex_continues(const char *line);
/* The same, one physical line at a time: first for the first line of a
 * logical line, *quote_state the quote left open where the previous part
 * stopped (0 at first), updated. Gives what lex_continues gives on the
 * lines joined, without reading them again. */
bool lex_continues_from(const char *line, bool first, char *quote_state);

#endif
