/* The loop: reads commands (a terminal with readline, a script, -c text),
 * runs each as a step, renders it, and applies bail / keep-going. */
#ifndef NSLAB_SHELL_H
#define NSLAB_SHELL_H

#include <stdio.h>

#include "nslab.h"

/* Run every command of text (one logical line or more). Returns false when
 * the session must stop (exit, bail in a script, interrupt). */
bool shell_run_text(struct nsl *sh, const char *text, const char *file, int line);
/* Replay a script from a stream (name for messages: a path, or "<stdin>"). */
void shell_run_script(struct nsl *sh, FILE *in, const char *name);
/* The interactive loop on a terminal. */
void shell_interactive(struct nsl *sh);
/* The history file (history.c): its path, 0 or -1 when there is none
 * (no home); load into readline's list, save it (only a regular file of
 * the user the session is for, never through a symbolic link). */
int history_path(char *buf, size_t size);
void history_load(const char *path);
void history_save(const char *path);

/* The terminal's foreground process group (term.c): take a group of its
 * own at start when nslab holds the terminal (before the subject is
 * forked), take the terminal back before reading a line, give it back at
 * exit. */
void term_init(struct nsl *sh);
void term_reclaim(struct nsl *sh);
void term_done(struct nsl *sh);
/* Readline completion setup. */
void complete_init(struct nsl *sh);

/* Hand the projector view (--serve) the state after the last step, or
 * after an event, with the session's graph; nothing when it is off. */
void shell_serve_publish(struct nsl *sh, bool event);
/* events_flush(), then the projector view when there were events. */
void shell_events_flush(struct nsl *sh);
/* nslab --lint (lint.c): FILE's problems, one "FILE:LINE: message" line
 * each, appended to out; how many. */
int shell_lint_file(const char *file, struct strbuf *out);

/* The exit status so far (SPEC §1). */
int shell_exit_status(struct nsl *sh);
/* Count a failure (a step, a rejected line); the first sets the status. */
void shell_count_failure(struct nsl *sh, int status);

#endif
