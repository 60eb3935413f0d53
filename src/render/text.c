#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "session/cgroups.h"
#include "render/cast.h"
#include "render/mounts_print.h"
#include "render/serve.h"
#include "render/render.h"
#include "i18n.h"

static const char *pidfmt_cb(void *ctx, pid_t pid)
{
    static char buf[32];
    return rc_pid(ctx, pid, buf, sizeof buf);
}

/* Order of rows: each *_for_children under its type. The table order is the
 * kernel's, which already puts them there. */
void render_observation(const struct render_ctx *rc, const struct observation *obs,
                        struct strbuf *out)
{
    char b1[32], b2[32];
    const struct snapshot *before = obs->before, *now = obs->now;
    if (!now->valid) {
        sb_printf(out, _("  %s(no subject process: `reset` starts one)%s\n"), rc_col(rc, C_DIM),
                  rc_col(rc, C_RESET));
        return;
    }
    /* `observe changed`: only the rows this step changed, nothing when none */
    bool only_changed = (rc->opt->observe & OBS_CHANGED) != 0;
    bool any = false;
    for (int s = 0; s < NS_NSLOTS; s++)
        any |= (!only_changed && snapshot_differs(now, obs->host, s)) ||
               (before && snapshot_changed(before, now, s));
    if (!any && only_changed)
        return;
    if (!any) {
        /* Nothing to mark: one line, within 80 columns whatever the PID
         * (seven digits at most). */
        sb_printf(out, _("  %sns of subject %s: all ten the host's (8 types, pid and time for "
                         "children)%s\n"),
                  rc_col(rc, C_DIM), rc_pid(rc, now->pid, b2, sizeof b2), rc_col(rc, C_RESET));
        return;
    }
    /* "  NAMESPACE(18) SUBJECT PID(16) HOST", appended as the rows are. */
    /* TRANSLATORS: a column header, followed by the subject's PID. */
    snprintf(b1, sizeof b1, "%s ", _("SUBJECT"));
    size_t hl = strlen(b1);
    rc_pid(rc, now->pid, b1 + hl, sizeof b1 - hl);
    sb_append(out, "  ");
    sb_append(out, rc_col(rc, C_DIM));
    sb_append_padded(out, "NAMESPACE", 18);
    sb_appendc(out, ' ');
    sb_append_padded(out, b1, 16);
    sb_appendc(out, ' ');
    /* TRANSLATORS: a column header: the host's namespaces. */
    sb_append(out, _("HOST"));
    sb_append(out, rc_col(rc, C_RESET));
    sb_appendc(out, '\n');
    bool pending = false;
    for (int s = 0; s < NS_NSLOTS; s++) {
        const struct ns_obs *o = &now->ns[s];
        bool differs = snapshot_differs(now, obs->host, s);
        bool changed = before && snapshot_changed(before, now, s);
        if (only_changed && !changed)
            continue;
        const char *subj;
        if (o->ino)
            subj = rc_ino(rc, s, o->ino, b1, sizeof b1);
        else if (o->err == ENOENT && ns_info[s].for_children)
            subj = _("pending"), pending = true;
        else
            subj = (snprintf(b1, sizeof b1, "(%s)", errno_name(o->err)), b1);
        const char *host = differs ? rc_ino(rc, s, obs->host[s].ino, b2, sizeof b2) : _("same");
        /* "  NAME(18) SUBJECT(16) HOST", appended piece by piece: eleven
         * rows every step are worth more than a printf each. */
        sb_append(out, "  ");
        if (differs)
            sb_append(out, rc_col(rc, C_CYAN));
        sb_append_padded(out, ns_info[s].name, 18);
        sb_appendc(out, ' ');
        sb_append_padded(out, subj, 16);
        sb_appendc(out, ' ');
        sb_append(out, host);
        if (differs)
            sb_append(out, rc_col(rc, C_RESET));
        if (changed) {
            /* HOST padded to 14, as %*s pads (a negative width pads too). */
            int w = 14 - (int)str_cols(host);
            sb_append_padded(out, "", (size_t)(w < 0 ? -w : w));
            sb_append(out, rc_col(rc, C_MARK));
            sb_append(out, _("<- changed"));
            sb_append(out, rc_col(rc, C_RESET));
        }
        sb_appendc(out, '\n');
    }
    if (pending)
        sb_printf(out,
                  _("  %s(pending: the new PID namespace has no process yet, so the kernel cannot "
                    "show it; the next `spawn` becomes its PID 1)%s\n"),
                  rc_col(rc, C_DIM), rc_col(rc, C_RESET));
}

static void emit_text(struct nsl *sh, struct strbuf *o, FILE *f);

static void render_step_text(const struct render_ctx *rc, const struct step *st,
                             const struct observation *obs, struct strbuf *o)
{
    if (rc->opt->trace) {
        for (size_t k = 0; k < st->trace.n; k++) {
            const struct trace_ent *te = &st->trace.v[k];
            bool bad = te->ret < 0 && !(te->flags & TRACE_NOTE);
            sb_append(o, "  ");
            sb_append(o, bad ? rc_col(rc, C_RED) : rc_col(rc, C_DIM));
            sb_append(o, "-> ");
            trace_ent_format(te, o, pidfmt_cb, (void *)rc);
            sb_append(o, rc_col(rc, C_RESET));
            sb_appendc(o, '\n');
        }
    }
    if (st->out.len) {
        sb_append(o, sb_str(&st->out));
        if (st->out.buf[st->out.len - 1] != '\n')
            sb_appendc(o, '\n');
    }
    if (st->observed && !rc->opt->quiet && (rc->opt->observe & OBS_NS))
        render_observation(rc, obs, o);
    if (st->observed && !rc->opt->quiet && obs->cg)
        render_cg_observation(rc, obs->cg, o);
    if (st->observed && !rc->opt->quiet && obs->mounts)
        render_mounts_observation(rc, obs->mounts, o);
}

/* Every rendered line leaves through here or emit_json: --stable
 * substitutions apply to all of it. */
/* Length of nslab's own colour sequence (ESC [ digits m) at s, else 0. */
static size_t sgr_len(const char *s, size_t n)
{
    if (!s || n < 3 || s[0] != '\033' || s[1] != '[')
        return 0;
    size_t i = 2;
    while (i < n && ((s[i] >= '0' && s[i] <= '9') || s[i] == ';'))
        i++;
    return i < n && s[i] == 'm' ? i + 1 : 0;
}

/* What a path, a hostname or a typed word holds is shown, never obeyed by
 * the terminal: control characters and bytes that are not UTF-8 become
 * \xNN (util.c sb_append_escaped, as ps shows command lines), keeping
 * newlines, tabs and, when colour is on, nslab's own colour codes. */
static void escape_controls(bool colour, struct strbuf *o)
{
    /* One look at each byte, the common case: plain ASCII needs nothing. */
    bool clean = true, ascii = true;
    for (size_t i = 0; o->buf && i < o->len && clean; i++) {
        unsigned char c = (unsigned char)o->buf[i];
        clean = !((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f);
        ascii = ascii && c < 0x80;
    }
    if (clean && (ascii || utf8_valid(o->buf, o->len, NULL)))
        return;
    struct strbuf out = {0};
    size_t start = 0;
    for (size_t i = 0; i < o->len;) {
        size_t sgr = colour ? sgr_len(o->buf + i, o->len - i) : 0;
        if (!sgr) {
            i++;
            continue;
        }
        sb_append_escaped(&out, o->buf + start, i - start, ESC_KEEP_NL);
        sb_appendn(&out, o->buf + i, sgr);
        i += sgr;
        start = i;
    }
    sb_append_escaped(&out, o->buf + start, o->len - start, ESC_KEEP_NL);
    sb_free(o);
    *o = out;
}

/* A record or cast file whose write failed: say so once, and stop it. */
static void sink_failed(struct nsl *sh, FILE **fp, const char *name, int err)
{
    fclose(*fp);
    *fp = NULL;
    char msg[600];
    snprintf(msg, sizeof msg, _("recording to %s stopped: a write failed: %s (%s)"),
             name ? name : "?", strerror(err), errno_name(err));
    render_error(sh, sh->step.file, sh->step.line, msg);
    if (sh->exit_status == 0)
        sh->exit_status = EXIT_STEP_FAILED;
}

static void cast_write(struct nsl *sh, const char *text)
{
    struct strbuf o = {0};
    cast_event(&o, (double)(now_ms() - sh->cast_t0) / 1000.0, text, strlen(text));
    errno = 0;
    if (fputs(sb_str(&o), sh->cast) == EOF || fflush(sh->cast) != 0)
        sink_failed(sh, &sh->cast, sh->cast_name, errno ? errno : EIO);
    sb_free(&o);
}

/* Everything the terminal is shown passes here as a chunk of a kind: "echo"
 * (a script's command, as if typed) and "input" (a line typed at the
 * prompt) begin a step, "out" and "err" are the two streams. It goes to the
 * cast, and into sh->shown for the next record line. While nothing records,
 * only the last command's chunk is kept: `record FILE`'s own line has it. */
static void shown_add(struct nsl *sh, const char *kind, const char *text)
{
    if (!text[0])
        return;
    if (sh->cast)
        cast_write(sh, text);
    if (sh->serve)
        serve_text(sh->serve, kind, text);
    bool begins = strcmp(kind, "echo") == 0 || strcmp(kind, "input") == 0;
    if (!sh->record && !begins)
        return;
    if (!sh->record || !sh->shown) {
        cJSON_Delete(sh->shown);
        sh->shown = cJSON_CreateArray();
    }
    cJSON *c = cJSON_CreateObject();
    cJSON_AddStringToObject(c, kind, text);
    cJSON_AddItemToArray(sh->shown, c);
}

void render_input(struct nsl *sh, const char *line)
{
    if (!sh->cast && !sh->record && !sh->serve)
        return;
    struct strbuf p = {0};
    render_prompt(sh, &p, false);
    sb_append(&p, line);
    sb_appendc(&p, '\n');
    shown_add(sh, "input", sb_str(&p));
    sb_free(&p);
}

/* One character at p (UTF-8, or an escape sequence): its bytes in *len,
 * its columns returned (a colour sequence none; a wide or fullwidth
 * character of the East Asian scripts, CJK punctuation too, two). */
static int char_cols(const char *p, size_t *len)
{
    const unsigned char c = (unsigned char)*p;
    if (c == 033 && p[1] == '[') {
        size_t k = 2;
        while (p[k] && !((p[k] >= 'A' && p[k] <= 'Z') || (p[k] >= 'a' && p[k] <= 'z')))
            k++;
        *len = p[k] ? k + 1 : k;
        return 0;
    }
    *len = c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
    for (size_t k = 1; k < *len; k++)
        if (((unsigned char)p[k] & 0xc0) != 0x80) {
            *len = k;
            return 1;
        }
    if (*len == 3) {
        unsigned cp = ((c & 0x0fu) << 12) | (((unsigned char)p[1] & 0x3fu) << 6) |
                      ((unsigned char)p[2] & 0x3fu);
        /* The wide and fullwidth ranges of UAX #11 in the BMP. */
        bool wide = (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf) ||
                    (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) ||
                    (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
                    (cp >= 0xffe0 && cp <= 0xffe6);
        return wide ? 2 : 1;
    }
    return *len == 4 ? 2 : 1;
}

static int text_cols(const char *p, size_t n)
{
    int cols = 0;
    for (size_t k = 0, len; k < n; k += len)
        cols += char_cols(p + k, &len);
    return cols;
}

/* One line wider than width, wrapped: at runs of spaces (dropped where the
 * line breaks), or between two East Asian characters; never inside a word
 * of other scripts (one longer than a line stays whole). Lines after the
 * first are indented two more than the first. */
static void wrap_line(struct strbuf *out, const char *line, size_t n, int width)
{
    size_t lead = strspn(line, " ");
    lead = lead > n ? n : lead;
    int hang = (int)lead + 2 > width / 2 ? 2 : (int)lead + 2;
    sb_appendn(out, line, lead);
    int col = (int)lead;
    bool fresh = true; /* nothing but the indent on this line yet */
    size_t k = lead;
    while (k < n) {
        size_t sp = k;
        while (sp < n && line[sp] == ' ')
            sp++;
        size_t end = sp;
        while (end < n && line[end] != ' ')
            end++;
        int gap = (int)(sp - k), wcols = text_cols(line + sp, end - sp);
        if (!fresh && col + gap + wcols > width) {
            sb_appendc(out, '\n');
            sb_append_padded(out, "", (size_t)hang);
            col = hang;
        } else {
            sb_appendn(out, line + k, sp - k);
            col += gap;
        }
        /* The word, broken between wide characters where it must be. */
        for (size_t i = sp, len; i < end; i += len) {
            int cw = char_cols(line + i, &len);
            if (cw == 2 && col + cw > width && !fresh) {
                sb_appendc(out, '\n');
                sb_append_padded(out, "", (size_t)hang);
                col = hang;
            }
            sb_appendn(out, line + i, len);
            col += cw;
            fresh &= cw == 0;
        }
        k = end;
    }
}

void render_wrap(struct strbuf *o, int width)
{
    if (width < 20 || !o->len)
        return;
    struct strbuf out = {0};
    const char *p = o->buf, *end = o->buf + o->len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        if (text_cols(p, n) <= width)
            sb_appendn(&out, p, n);
        else
            wrap_line(&out, p, n, width);
        if (nl)
            sb_appendc(&out, '\n');
        p += n + (nl ? 1 : 0);
    }
    sb_free(o);
    *o = out;
}

/* The width of the terminal f writes to, or 0 when it is no terminal. */
static int terminal_width(FILE *f)
{
    struct winsize ws;
    int fd = fileno(f);
    if (fd < 0 || !isatty(fd) || ioctl(fd, TIOCGWINSZ, &ws) < 0)
        return 0;
    return ws.ws_col;
}

static void emit_text(struct nsl *sh, struct strbuf *o, FILE *f)
{
    if (sh->replaying) { /* --from: the steps before it run quietly */
        sb_free(o);
        return;
    }
    escape_controls(sh->opt.color, o);
    stable_subst_apply(sh, o);
    /* In a terminal, lines fit its width, broken between words. */
    render_wrap(o, terminal_width(f));
    if (sh->intr_echoed && *sh->intr_echoed) {
        *sh->intr_echoed = 0;
        fputc('\n', f); /* after the ^C the terminal echoed */
    }
    if (sh->page_step && sh->interactive && f == stdout && isatty(STDOUT_FILENO) &&
        isatty(STDIN_FILENO)) {
        int cols, rows;
        term_size(STDOUT_FILENO, &cols, &rows);
        tty_page(STDIN_FILENO, f, sb_str(o), rows,
                 _("-- more: Space a page, Enter a line, q enough --"));
    } else
        fputs(sb_str(o), f);
    fflush(f);
    shown_add(sh, f == stderr ? "err" : "out", sb_str(o));
    sb_free(o);
}

/* One NDJSON line of obj, as written. */
static void json_line(struct nsl *sh, const cJSON *obj, struct strbuf *o)
{
    char *line = cJSON_PrintUnformatted(obj);
    /* cJSON escapes control characters but copies other bytes: one that is
     * not UTF-8 (a hostname, a path) becomes the text \xNN, so every line
     * is valid JSON. Such bytes only occur inside strings. */
    sb_append_escaped(o, line, strlen(line), ESC_JSON);
    sb_appendc(o, '\n');
    cJSON_free(line);
    stable_subst_apply(sh, o);
}

/* One line of o (an object, "...}\n") to the record, its chain added
 * (render.h, struct record_header). */
static void record_write(struct nsl *sh, struct strbuf *o)
{
    if (o->len < 3 || strcmp(o->buf + o->len - 2, "}\n") != 0)
        return; /* json_line always ends an object so */
    size_t body = o->len - 2;
    cleanup_sb struct strbuf in = {0};
    sb_append(&in, sh->record_chain);
    sb_appendn(&in, o->buf, body);
    sha256_hex(in.buf, in.len, sh->record_chain);
    cleanup_sb struct strbuf line = {0};
    sb_appendn(&line, o->buf, body);
    sb_printf(&line, "%s\"chain\":\"%s\"}\n", o->buf[body - 1] == '{' ? "" : ",",
              sh->record_chain);
    errno = 0;
    /* A record that lost a line is no record: say so once, and stop. */
    if (fputs(sb_str(&line), sh->record) == EOF || fflush(sh->record) != 0)
        sink_failed(sh, &sh->record, sh->record_name, errno ? errno : EIO);
}

/* One NDJSON line, to stdout (-J) and to the record file, where it carries
 * what the terminal was shown since the last line ("shown") and, on a
 * step's line, the session's graph ("graph"). Takes obj. */
static void emit_json(struct nsl *sh, cJSON *obj)
{
    struct strbuf o = {0};
    if (sh->opt.json && !sh->replaying) {
        json_line(sh, obj, &o);
        fputs(sb_str(&o), stdout);
        fflush(stdout);
    }
    if (sh->record) {
        if (sh->record_graph) { /* the record's own: -J's lines stay as they were */
            cJSON_AddStringToObject(obj, "graph", sh->record_graph);
            sb_reset(&o);
        }
        if (sh->shown && cJSON_GetArraySize(sh->shown) > 0) {
            cJSON_AddItemToObject(obj, "shown", sh->shown);
            sh->shown = NULL;
            sb_reset(&o);
        }
        if (!o.len)
            json_line(sh, obj, &o);
        record_write(sh, &o);
    }
    cJSON_Delete(obj);
    sb_free(&o);
}

/* To the record only. Takes obj. */
static void emit_record(struct nsl *sh, cJSON *obj)
{
    if (sh->record) {
        cleanup_sb struct strbuf o = {0};
        json_line(sh, obj, &o);
        record_write(sh, &o);
    }
    cJSON_Delete(obj);
}

void render_record_begin(struct nsl *sh, const struct record_header *h)
{
    sh->record_chain[0] = '\0';
    char when[32];
    struct tm tm;
    gmtime_r(&h->started, &tm);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "record", "nslab");
    cJSON_AddNumberToObject(o, "format", 2);
    cJSON_AddStringToObject(o, "version", h->version);
    if (h->lab)
        cJSON_AddStringToObject(o, "lab", h->lab);
    else
        cJSON_AddNullToObject(o, "lab");
    cJSON_AddBoolToObject(o, "challenge", h->challenge);
    cJSON_AddStringToObject(o, "started", when);
    cJSON_AddNumberToObject(o, "uid", (double)h->uid);
    cJSON_AddStringToObject(o, "user", h->user);
    cJSON_AddStringToObject(o, "host", h->host);
    cJSON_AddStringToObject(o, "kernel", h->kernel);
    cJSON_AddStringToObject(o, "cgroup", h->cgroup);
    emit_record(sh, o);
}

void render_record_stop(struct nsl *sh)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "event", "end");
    cJSON_AddStringToObject(o, "recording", "stopped");
    cJSON_AddNumberToObject(o, "steps", sh->step_count);
    emit_record(sh, o);
}

void render_step(struct nsl *sh, const struct observation *obs)
{
    struct render_ctx rc = render_ctx_of(sh);
    if (!sh->opt.json) {
        struct strbuf o = {0};
        sb_reserve(&o, 2048); /* a usual step in one allocation */
        render_step_text(&rc, &sh->step, obs, &o);
        emit_text(sh, &o, stdout);
    } else if (sh->serve) {
        /* -J: the terminal shows JSON, the projector still the text. */
        struct strbuf o = {0};
        render_prompt(sh, &o, false);
        sb_printf(&o, "%s\n", sh->step.command ? sh->step.command : "");
        serve_text(sh->serve, "echo", sb_str(&o));
        sb_reset(&o);
        render_step_text(&rc, &sh->step, obs, &o);
        stable_subst_apply(sh, &o);
        serve_text(sh->serve, "out", sb_str(&o));
        sb_free(&o);
    }
    if (sh->opt.json || sh->record)
        emit_json(sh, render_step_json(&rc, &sh->step, obs));
    sh->page_step = false;
}

void render_event(struct nsl *sh, const struct nsl_event *ev)
{
    struct render_ctx rc = render_ctx_of(sh);
    if (!sh->opt.json || sh->serve) {
        struct strbuf o = {0};
        render_event_text(&rc, ev, &o, !sh->opt.json);
        sb_appendc(&o, '\n');
        if (!sh->opt.json) {
            emit_text(sh, &o, stdout);
        } else { /* -J: the projector still shows the line */
            stable_subst_apply(sh, &o);
            serve_text(sh->serve, "out", sb_str(&o));
            sb_free(&o);
        }
    }
    if (sh->opt.json || sh->record)
        emit_json(sh, render_event_json(&rc, ev));
}

static const char *as_is(const char *s)
{
    return s;
}

static void event_text(const struct render_ctx *rc, const struct nsl_event *ev,
                       struct strbuf *out, bool colour, const char *(*tr)(const char *));

void render_event_text(const struct render_ctx *rc, const struct nsl_event *ev,
                       struct strbuf *out, bool colour)
{
    event_text(rc, ev, out, colour, i18n_gettext);
}

void render_event_text_en(const struct render_ctx *rc, const struct nsl_event *ev,
                          struct strbuf *out)
{
    event_text(rc, ev, out, false, as_is);
}

static void event_text(const struct render_ctx *rc, const struct nsl_event *ev,
                       struct strbuf *out, bool colour, const char *(*tr)(const char *))
{
    char pb[32];
    struct strbuf o = {0};
    if (ev->job)
        sb_printf(&o, "%s[%%%d %s]%s ", colour ? rc_col(rc, C_BOLD) : "", ev->job,
                  ev->cmd ? ev->cmd : "", colour ? rc_col(rc, C_RESET) : "");
    else
        sb_printf(&o, "[pid %s] ", rc_pid(rc, ev->pid, pb, sizeof pb));
    switch (ev->kind) {
    case EV_EXITED:
        if (WIFSIGNALED(ev->status))
            sb_printf(&o, tr(N_("killed by SIG%s%s")), signal_name(WTERMSIG(ev->status)),
                      WCOREDUMP(ev->status) ? tr(N_(" (core dumped)")) : "");
        else
            sb_printf(&o, tr(N_("exited with status %d")), WEXITSTATUS(ev->status));
        break;
    case EV_STOPPED:
        sb_printf(&o, tr(N_("stopped by SIG%s")), signal_name(WSTOPSIG(ev->status)));
        break;
    case EV_CONTINUED:
        sb_append(&o, tr(N_("continued")));
        break;
    case EV_TEXT:
        sb_append(&o, ev->shown && tr != as_is ? ev->shown : ev->text ? ev->text : "");
        break;
    }
    sb_append(out, sb_str(&o));
    sb_free(&o);
}

void render_prompt_text(const struct render_ctx *rc, const struct snapshot *now,
                        const struct ns_obs *host, struct strbuf *out, bool for_readline)
{
    char pb[32];
    const char *start = for_readline ? "\001" : "", *end = for_readline ? "\002" : "";
    /* Every echoed script line starts with this: appended, not printf'd. */
    sb_append(out, start);
    sb_append(out, rc_col(rc, C_BOLD));
    sb_append(out, end);
    sb_append(out, "nslab ");
    sb_append(out, rc_pid(rc, rc->subject, pb, sizeof pb));
    bool any = false;
    for (int s = 0; s < NS_NSLOTS && now->valid; s++) {
        if (!snapshot_differs(now, host, s))
            continue;
        /* pid_for_children differing while pid does not: shown as "pid>" */
        if (ns_info[s].for_children && snapshot_differs(now, host, ns_info[s].base))
            continue;
        sb_append(out, any ? " " : " [");
        sb_append(out, start);
        sb_append(out, rc_col(rc, C_CYAN));
        sb_append(out, end);
        sb_append(out, ns_info[ns_info[s].base].name);
        if (ns_info[s].for_children)
            sb_append(out, ">");
        sb_append(out, start);
        sb_append(out, rc_col(rc, C_RESET_BOLD));
        sb_append(out, end);
        any = true;
    }
    if (any)
        sb_append(out, "]");
    sb_append(out, "> ");
    sb_append(out, start);
    sb_append(out, rc_col(rc, C_RESET));
    sb_append(out, end);
}

void render_echo(struct nsl *sh, const char *text)
{
    if (sh->opt.json || sh->replaying)
        return;
    struct strbuf p = {0};
    render_prompt(sh, &p, false);
    sb_append(&p, text);
    sb_appendc(&p, '\n');
    fputs(sb_str(&p), stdout);
    fflush(stdout);
    shown_add(sh, "echo", sb_str(&p));
    sb_free(&p);
}

void render_end(struct nsl *sh, int status, bool text_summary)
{
    /* The line first, so the record's end object carries it as shown. */
    if (!sh->opt.json && text_summary)
        render_summary(sh);
    if (sh->opt.json || sh->record) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "event", "end");
        cJSON_AddNumberToObject(o, "status", status);
        cJSON_AddNumberToObject(o, "steps", sh->step_count);
        cJSON_AddNumberToObject(o, "failed", sh->failed_count);
        cJSON *ex = cJSON_AddObjectToObject(o, "expects");
        cJSON_AddNumberToObject(ex, "held", sh->expects_held);
        cJSON_AddNumberToObject(ex, "failed", sh->expects_failed);
        if (sh->chal) {
            cJSON *ch = cJSON_AddObjectToObject(o, "challenge");
            cJSON_AddBoolToObject(ch, "solved", sh->chal->solved);
            cJSON_AddNumberToObject(ch, "checks_run", sh->chal->checks_run);
            cJSON_AddNumberToObject(ch, "hints_shown", (double)sh->chal->hints_shown);
            cJSON_AddBoolToObject(ch, "solution_shown", sh->chal->solution_shown);
        }
        emit_json(sh, o);
    }
}

void render_challenge_start(struct nsl *sh, const char *file)
{
    const struct challenge *c = sh->chal;
    if (sh->opt.json || sh->record) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "event", "challenge");
        cJSON_AddStringToObject(o, "file", file);
        cJSON_AddStringToObject(o, "goal", T_(c->goal));
        cJSON *names = cJSON_AddArrayToObject(o, "checks");
        for (size_t k = 0; k < c->nchecks; k++) {
            bool seen = false;
            for (size_t j = 0; j < k; j++)
                seen |= strcmp(c->checks[j].name, c->checks[k].name) == 0;
            if (!seen)
                cJSON_AddItemToArray(names, cJSON_CreateString(c->checks[k].name));
        }
        cJSON_AddNumberToObject(o, "hints", (double)c->nhints);
        emit_json(sh, o);
    }
    if (sh->opt.json)
        return;
    struct strbuf o = {0};
    sb_printf(&o, _("%sGoal:%s %s\n"), col(sh, C_BOLD), col(sh, C_RESET), T_(c->goal));
    sb_printf(&o, _("Work at the prompt with any command. `check` tests your work against the "
                    "kernel, `hint` gives a hint (%zu in all), `solution` shows a reference "
                    "solution, `goal` repeats the goal.\n"),
              c->nhints);
    emit_text(sh, &o, stdout);
}

void render_challenge_end(struct nsl *sh)
{
    if (sh->opt.json)
        return; /* the end object says it */
    struct strbuf o = {0};
    if (sh->chal->solved)
        sb_printf(&o, _("Challenge solved.%s\n"),
                  sh->chal->solution_shown ? _(" (The reference solution was shown.)") : "");
    else
        sb_printf(&o, _("Challenge not solved (`check` says which checks fail).\n"));
    emit_text(sh, &o, stdout);
}

void render_summary(struct nsl *sh)
{
    if (sh->opt.json)
        return; /* -J: the end object says it */
    /* "12 steps, 9 expects held, 0 failed": failed counts every failure
     * (a failed expect is a failed step too). */
    struct strbuf o = {0};
    char steps[64], held[64];
    snprintf(steps, sizeof steps, sh->step_count == 1 ? _("%d step") : _("%d steps"),
             sh->step_count);
    snprintf(held, sizeof held, sh->expects_held == 1 ? _("%d expect held") : _("%d expects held"),
             sh->expects_held);
    sb_printf(&o, _("%s, %s, %d failed\n"), steps, held, sh->failed_count);
    emit_text(sh, &o, stdout);
}

void render_error(struct nsl *sh, const char *file, int line, const char *msg)
{
    fflush(stdout);
    struct strbuf o = {0};
    if (file)
        sb_printf(&o, "%s:%d: %s\n", file, line, msg);
    else
        sb_printf(&o, "%s%s%s %s\n", col(sh, C_RED), _("error:"), col(sh, C_RESET), msg);
    emit_text(sh, &o, stderr);
}
