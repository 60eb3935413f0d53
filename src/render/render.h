/* Rendering: the step (command output, trace, observation) as text or as one
 * NDJSON object, events, the prompt. Render never touches the kernel. */
#ifndef NSLAB_RENDER_H
#define NSLAB_RENDER_H

#include "nslab.h"
#include "observe/observation.h"
#include "session/cgroups.h"

struct nsl_event;
struct cg_layout;

/* What rendering needs beyond the data it renders: the options (colour,
 * --stable, JSON, -q, --trace, --observe), the --stable labels, and who is
 * who among PIDs (the subject is "self", a job's PID "%N"; the cgroup
 * layout names a hierarchy's controllers). Render functions take this and
 * plain data, never the shell. */
struct render_ctx {
    const struct nsl_opts *opt;
    struct labels *labels;
    pid_t subject;
    const struct jobs *jobs;
    const struct cg_layout *cg_layout; /* NULL: cgroups unavailable */
};
/* The context of the shell sh (for the layers above, which hold sh). */
static inline struct render_ctx render_ctx_of(struct nsl *sh)
{
    return (struct render_ctx){.opt = &sh->opt,
                               .labels = &sh->labels,
                               .subject = sh->subj.pid,
                               .jobs = &sh->jobs,
                               .cg_layout = sh->cg ? &sh->cg->layout : NULL};
}
static inline const char *rc_pid(const struct render_ctx *rc, pid_t pid, char *buf, size_t size)
{
    return labels_pid(rc->labels, rc->opt->stable, pid, buf, size);
}
static inline const char *rc_ino(const struct render_ctx *rc, enum ns_slot slot, ino_t ino,
                                 char *buf, size_t size)
{
    return labels_ino(rc->labels, rc->opt->stable, slot, ino, buf, size);
}
static inline const char *rc_peer(const struct render_ctx *rc, int group, char *buf, size_t size)
{
    return labels_peer(rc->labels, rc->opt->stable, group, buf, size);
}
/* The job whose process pid is, or NULL. */
static inline const struct job *rc_job(const struct render_ctx *rc, pid_t pid)
{
    for (size_t k = 0; rc->jobs && k < rc->jobs->n; k++)
        if (rc->jobs->v[k].pid == pid)
            return &rc->jobs->v[k];
    return NULL;
}
/* Labels for peer groups and mnt ns inodes as the mount printers take them
 * (ctx: rc, which must outlive their use). */
struct mount_labels render_mount_labels(const struct render_ctx *rc);

/* Print the finished step sh->step with its observation obs (text or JSON;
 * also to the record file). The sinks (this, events, the end, errors, the
 * echo) write to the session's outputs, so they take the shell. */
void render_step(struct nsl *sh, const struct observation *obs);
void render_event(struct nsl *sh, const struct nsl_event *ev);
/* One line for an event, "[%1 init] reaped pid 7 (exit 0)", without
 * newline (the event names its job, resolved when it was queued). */
/* The same in English whatever the language: what `expect event` matches. */
void render_event_text_en(const struct render_ctx *rc, const struct nsl_event *ev,
                          struct strbuf *out);
void render_event_text(const struct render_ctx *rc, const struct nsl_event *ev,
                       struct strbuf *out, bool colour);
/* The namespaces block alone (for `show` and text steps). */
void render_observation(const struct render_ctx *rc, const struct observation *obs,
                        struct strbuf *out);
/* The step's object; obs->now NULL leaves "subject" out. */
cJSON *render_step_json(const struct render_ctx *rc, const struct step *st,
                        const struct observation *obs);
cJSON *render_event_json(const struct render_ctx *rc, const struct nsl_event *ev);
/* A PID or inode as JSON: a number, or the label string with --stable. */
cJSON *render_json_pid(const struct render_ctx *rc, pid_t pid);
cJSON *render_json_ino(const struct render_ctx *rc, enum ns_slot slot, ino_t ino);
static inline cJSON *json_pid(struct nsl *sh, pid_t pid)
{
    struct render_ctx rc = render_ctx_of(sh);
    return render_json_pid(&rc, pid);
}
static inline cJSON *json_ino(struct nsl *sh, enum ns_slot slot, ino_t ino)
{
    struct render_ctx rc = render_ctx_of(sh);
    return render_json_ino(&rc, slot, ino);
}
cJSON *render_subject_json(const struct render_ctx *rc, const struct observation *obs);
/* "nslab 4242 [uts net pid→]> " — plain, or with readline's invisible
 * markers around colour codes when for_readline. */
void render_prompt_text(const struct render_ctx *rc, const struct snapshot *now,
                        const struct ns_obs *host, struct strbuf *out, bool for_readline);
static inline void render_prompt(struct nsl *sh, struct strbuf *out, bool for_readline)
{
    struct render_ctx rc = render_ctx_of(sh);
    render_prompt_text(&rc, &sh->prev, sh->host_ns, out, for_readline);
}
/* Echo a command as if typed (script mode, text only). */
void render_echo(struct nsl *sh, const char *text);
/* A line typed at the prompt, as the terminal showed it (prompt and line):
 * for the record and the cast only, the terminal has shown it already. */
void render_input(struct nsl *sh, const char *line);
/* The end of a run: the JSON object {"event":"end","status":N,...} (with -J
 * and to the record file), and in text, when text_summary, the line
 * "12 steps, 9 expects held, 0 failed". */
void render_end(struct nsl *sh, int status, bool text_summary);
/* A lab's last line: "12 steps, 9 expects held, 0 failed" (render_end
 * prints it when text_summary). */
void render_summary(struct nsl *sh);
/* Text for a terminal width columns wide (nothing happens under 20): each
 * longer line broken at spaces, or between East Asian characters, never
 * inside a word; its continuations indented two more than it. Colour
 * sequences take no column. */
void render_wrap(struct strbuf *o, int width);
/* A challenge as it starts (its goal, and how to work: text; -J and the
 * record: {"event": "challenge", "goal", "checks": [names], "hints"}) and
 * its verdict at the end (text; -J has it in the end object). */
void render_challenge_start(struct nsl *sh, const char *file);
void render_challenge_end(struct nsl *sh);
/* Report a failed step on stderr: "FILE:LINE: message" or "error: message". */
void render_error(struct nsl *sh, const char *file, int line, const char *msg);

/* Colour helpers: "" when colour is off. */
static inline const char *rc_col(const struct render_ctx *rc, const char *code)
{
    return rc->opt->color ? code : "";
}
static inline const char *col(const struct nsl *sh, const char *code)
{
    return sh->opt.color ? code : "";
}
#define C_RESET "\033[0m"
#define C_BOLD "\033[1m"
#define C_DIM "\033[2m"
#define C_RED "\033[31m"
#define C_GREEN "\033[32m"
#define C_YELLOW "\033[33m"
#define C_CYAN "\033[36m"

#endif
