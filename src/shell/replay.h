/* `nslab --replay RECORD`: a session recorded with `record FILE` shown
 * again, step by step, without root and without the kernel: only the file
 * is read. Each record line carries what the terminal was shown since the
 * line before ("shown": chunks {"echo"|"input"|"out"|"err": TEXT}); a step
 * begins at its echo (a script's command) or input (a line typed at the
 * prompt). A record without them (made with -J, or by an older nslab)
 * shows each step's command and output. */
#ifndef NSLAB_REPLAY_H
#define NSLAB_REPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "err.h"

enum replay_kind { RP_ECHO, RP_INPUT, RP_OUT, RP_ERR };

struct replay_chunk {
    enum replay_kind kind;
    char *text;
};

/* One step: its chunks [first, first + n) and its command (NULL for what
 * came before the first step); as its record line says, its number (0:
 * none), whether it succeeded, and the session's graph after it (DOT: the
 * line's "graph", or for a record without one the subject's namespaces
 * beside the host's; else the page before's; NULL when none is known). */
struct replay_page {
    char *command;
    size_t first, n;
    int step;
    bool ok;
    char *dot;
};

struct replay {
    struct replay_chunk *c;
    size_t nc, capc;
    struct replay_page *p;
    size_t np, capp;
};

/* Reads a record's text (NDJSON) into r: 0, or -1 with e saying which
 * line is not a record's. */
int replay_load(const char *text, size_t len, struct replay *r, struct nsl_err *e);
void replay_free(struct replay *r);
/* The first page after from (wrapping) whose command contains word, or -1. */
long replay_search(const struct replay *r, size_t from, const char *word);
/* Writes page k: echo, input and out to out, err to err; colour codes
 * removed unless colour. */
void replay_print_page(const struct replay *r, size_t k, bool colour, FILE *out, FILE *err);
struct serve;
/* The whole mode: read path, then show every page at once (stdin no
 * terminal, no serve) or one per key, each page also handed to serve
 * when not NULL (`--replay --serve`: then the keys come from stdin, a
 * terminal or not, one byte each). nslab's exit status. */
int replay_run(const char *path, bool colour, struct serve *serve);

#endif
