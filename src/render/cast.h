/* asciicast v2 (the format of asciinema): a header line, then one event a
 * line, [seconds since the start, "o", text]. Plain data in, lines out: the
 * sink in text.c hands it what the terminal was shown and when. */
#ifndef NSLAB_CAST_H
#define NSLAB_CAST_H

#include <stdio.h>
#include <time.h>

#include "util.h"

/* The header: {"version": 2, "width": W, "height": H, "timestamp": T, ...}
 * and its newline. */
void cast_header(struct strbuf *out, int width, int height, time_t timestamp, const char *title);
/* One output event at t seconds: the text as a terminal gets it, each "\n"
 * a "\r\n" (the terminal's own translation, which a player does not do). */
void cast_event(struct strbuf *out, double t, const char *text, size_t n);

#endif
