/* Rendering: the step (command output, trace, observation) as text or as one
 * NDJSON object, events, the prompt. Render never touches the kernel. */
#ifndef NSLAB_RENDER_H
#define NSLAB_RENDER_H

#include "nslab.h"

/* Print the finished step sh->step (text or JSON; also to the record file). */
void render_step(struct nsl *sh, const struct snapshot *before, const struct snapshot *now);
void render_event(struct nsl *sh, const struct nsl_event *ev);
/* One line for an event, "[%1 init] reaped pid 7 (exit 0)", without newline. */
void render_event_text(struct nsl *sh, const struct nsl_event *ev, struct strbuf *out,
                       bool colour);
/* The observation block alone (for `show` and text steps). */
void render_observation(struct nsl *sh, const struct snapshot *before, const struct snapshot *now,
                        struct strbuf *out);
cJSON *render_step_json(struct nsl *sh, const struct snapshot *before, const struct snapshot *now);
cJSON *render_event_json(struct nsl *sh, const struct nsl_event *ev);
/* A PID or inode as JSON: a number, or the label string with --stable. */
cJSON *json_pid(struct nsl *sh, pid_t pid);
cJSON *json_ino(struct nsl *sh, enum ns_slot slot, ino_t ino);
cJSON *render_subject_json(struct nsl *sh, const struct snapshot *before,
                           const struct snapshot *now);
/* "nslab 4242 [uts net pid→]> " — plain, or with readline's invisible
 * markers around colour codes when for_readline. */
void render_prompt(struct nsl *sh, struct strbuf *out, bool for_readline);
/* Echo a command as if typed (script mode, text only). */
void render_echo(struct nsl *sh, const char *text);
/* The end of a run: the JSON object {"event":"end","status":N,...} (with -J
 * and to the record file), and in text, when text_summary, the line
 * "12 steps, 9 expects held, 0 failed". */
void render_end(struct nsl *sh, int status, bool text_summary);
/* Report a failed step on stderr: "FILE:LINE: message" or "error: message". */
void render_error(struct nsl *sh, const char *file, int line, const char *msg);

/* Colour helpers: "" when colour is off. */
const char *col(const struct nsl *sh, const char *code);
#define C_RESET "\033[0m"
#define C_BOLD "\033[1m"
#define C_DIM "\033[2m"
#define C_RED "\033[31m"
#define C_GREEN "\033[32m"
#define C_YELLOW "\033[33m"
#define C_CYAN "\033[36m"

#endif
