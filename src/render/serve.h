/* The projector view: `--serve [ADDR:]PORT` and `serve`. An output sink like
 * the terminal: the session hands it plain data (the text each step showed,
 * the session's graph as DOT), and it shows them to browsers, through
 * libmicrohttpd, as a static page (web/index.html, built in) and a stream
 * of Server-Sent Events (/events), the graph laid out by Graphviz's libgvc
 * into SVG. It accepts no command: GET and HEAD of / and /events only.
 *
 * Threads: the session's thread only appends and hands over (a mutex held
 * for a pointer's copy, never a wait on a viewer); one thread lays graphs
 * out; libmicrohttpd gives each viewer a thread of its own, and a viewer
 * that does not read is dropped after SERVE_TIMEOUT seconds. */
#ifndef NSLAB_SERVE_H
#define NSLAB_SERVE_H

#include <stdbool.h>

#include "err.h"

#define SERVE_TIMEOUT 10    /* seconds a viewer may not read before it is dropped */
#define SERVE_MAX_VIEWERS 256
#define SERVE_HISTORY 256   /* states a new viewer gets (the timeline) */

struct serve;

/* The page's words, translated by the caller (gettext), as JSON strings. */
struct serve_labels {
    const char *title, *step, *command, *shown, *graph, *timeline, *event, *waiting, *lang;
};

/* Parse "[ADDR:]PORT" ("[::1]:8080" for IPv6): *loopback says whether ADDR
 * is a loopback address (127.0.0.1 when absent). */
int serve_parse_addr(const char *spec, char *addr, size_t addrlen, int *port, bool *loopback,
                     struct nsl_err *e);
/* Start serving spec; off loopback every request needs ?token=TOKEN (a
 * random one, *token set to it, for the caller to print). NULL on failure. */
struct serve *serve_start(const char *spec, const struct serve_labels *labels,
                          const char **token, const char **url, struct nsl_err *e);
void serve_stop(struct serve *s);
/* Text the terminal showed: a chunk of kind "echo"/"input" begins a new
 * step's text (session's thread). Colour codes are dropped. */
void serve_text(struct serve *s, const char *kind, const char *text);
/* Hand the current state to the viewers: the step (0 before any), its
 * command, whether it succeeded, event (an event came, no step), and the
 * session's graph in DOT (NULL: keep the last picture). Never waits. */
void serve_publish(struct serve *s, int step, const char *command, bool ok, bool event,
                   const char *dot);
/* `--replay --serve`: the recording's page (0, 1, ...) the viewer stepped
 * to, with the text since serve_text's last "echo", and its graph as
 * recorded (NULL: none). The page keeps one timeline entry per page, in
 * the recording's order, and shows each one handed over. Never waits. */
void serve_publish_page(struct serve *s, long page, int step, const char *command, bool ok,
                        const char *dot);

#endif
