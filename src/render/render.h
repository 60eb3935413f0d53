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
/* A record's first line (`record FILE`): who, where, what, when. Only the
 * record gets it (-J does not). Each line written to a record after it
 * ends with "chain": SHA-256 (hex) of the previous line's chain followed by
 * this line's text before the field: edited, reordered or missing lines
 * break it (docs/grading.md). */
struct record_header {
    const char *version, *lab; /* lab: the script file, or NULL (typed, -c, stdin) */
    bool challenge;
    time_t started;
    long uid;
    const char *user, *host, *kernel, *cgroup;
};
void render_record_begin(struct nsl *sh, const struct record_header *h);
/* `record off` (or another `record FILE`): the end object that closes the
 * chain, {"event":"end","recording":"stopped","steps":N}, to the record only. */
void render_record_stop(struct nsl *sh);
/* Report a failed step on stderr: "FILE:LINE: message" or "error: message". */
void render_error(struct nsl *sh, const char *file, int line, const char *msg);

/* Colour: every style nslab prints by its meaning, one table of escape
 * sequences per theme (render/theme.c), "" when colour is off (--no-color,
 * NO_COLOR, no terminal), whatever the theme. */
enum style {
    C_RESET,
    C_BOLD,
    C_DIM,    /* secondary text: headers, hints, "no change" */
    C_RED,    /* failed, removed */
    C_GREEN,  /* held, added */
    C_YELLOW, /* changed in place */
    C_CYAN,   /* differs from the host */
    C_MARK,   /* "<- changed", "<- new" */
    C_RESET_BOLD,
    C_NSTYLES
};
extern const char *const theme_styles[THEME_COUNT][C_NSTYLES];
/* "default" or "high-contrast" into *out; -1 for any other word. */
int theme_parse(const char *word, unsigned *out);
const char *theme_name(unsigned theme);
static inline const char *rc_col(const struct render_ctx *rc, enum style s)
{
    return rc->opt->color ? theme_styles[rc->opt->theme % THEME_COUNT][s] : "";
}
static inline const char *col(const struct nsl *sh, enum style s)
{
    return sh->opt.color ? theme_styles[sh->opt.theme % THEME_COUNT][s] : "";
}

#endif
