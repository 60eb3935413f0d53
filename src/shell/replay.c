#define _GNU_SOURCE
/* --replay: a recorded session shown again (replay.h). Reads one file and
 * the keyboard; no subject, no /proc, no cgroup, no privilege. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "i18n.h"
#include "kernel/ns.h"
#include "nslab.h"
#include "render/graph_dot.h"
#include "render/serve.h"
#include "shell/replay.h"
#include "util.h"

/* A chunk; an echo or input (or, with begin, any chunk) starts a page. */
static void add_chunk(struct replay *r, enum replay_kind kind, const char *text,
                      const char *command, bool begin)
{
    begin |= kind == RP_ECHO || kind == RP_INPUT;
    if (begin || r->np == 0) {
        if (r->np == r->capp) {
            r->capp = r->capp ? 2 * r->capp : 64;
            r->p = xrealloc(r->p, r->capp * sizeof *r->p);
        }
        r->p[r->np++] = (struct replay_page){
            .command = begin && command ? xstrdup(command) : NULL, .first = r->nc, .ok = true};
    }
    if (r->nc == r->capc) {
        r->capc = r->capc ? 2 * r->capc : 256;
        r->c = xrealloc(r->c, r->capc * sizeof *r->c);
    }
    r->c[r->nc++] = (struct replay_chunk){.kind = kind, .text = xstrdup(text)};
    r->p[r->np - 1].n++;
}

/* The chunks of one record line. A step whose command was not echoed (a
 * lab's `say` shows its text only) begins its page at its first chunk. */
static void add_shown(struct replay *r, const cJSON *shown, const char *command, bool step)
{
    static const char *const kinds[] = {[RP_ECHO] = "echo", [RP_INPUT] = "input",
                                        [RP_OUT] = "out", [RP_ERR] = "err"};
    bool echoed = false;
    const cJSON *c;
    cJSON_ArrayForEach(c, shown)
    {
        const cJSON *v = c->child;
        if (cJSON_IsObject(c) && v && cJSON_IsString(v))
            echoed |= strcmp(v->string, "echo") == 0 || strcmp(v->string, "input") == 0;
    }
    bool begin = step && command && !echoed;
    cJSON_ArrayForEach(c, shown)
    {
        const cJSON *v = c->child;
        if (!cJSON_IsObject(c) || !v || !cJSON_IsString(v))
            continue;
        for (size_t k = 0; k < ARRAY_SIZE(kinds); k++) {
            if (strcmp(v->string, kinds[k]) != 0)
                continue;
            add_chunk(r, (enum replay_kind)k, v->valuestring, command, begin);
            begin = false;
        }
    }
}

/* A step line that showed no command (-J, an older nslab): its command and
 * output, as the fields say. */
static void add_from_fields(struct replay *r, const cJSON *o, const char *command)
{
    cleanup_sb struct strbuf echo = {0};
    sb_printf(&echo, "> %s\n", command);
    add_chunk(r, RP_ECHO, sb_str(&echo), command, true);
    const cJSON *out = cJSON_GetObjectItemCaseSensitive(o, "output");
    if (cJSON_IsString(out) && out->valuestring[0])
        add_chunk(r, RP_OUT, out->valuestring, NULL, false);
    const cJSON *err = cJSON_GetObjectItemCaseSensitive(o, "error");
    if (cJSON_IsString(err)) {
        cleanup_sb struct strbuf line = {0};
        sb_printf(&line, "%s\n", err->valuestring);
        add_chunk(r, RP_ERR, sb_str(&line), NULL, false);
    }
}

/* A record without "graph" (an older nslab): the subject and the host's
 * shell, each with the namespaces the line says, as `graph` draws them
 * (no jobs or cgroups: the line does not name them). NULL without them. */
static char *dot_of_subject(const cJSON *subject)
{
    const cJSON *ns = cJSON_GetObjectItemCaseSensitive(subject, "ns");
    const cJSON *pid = cJSON_GetObjectItemCaseSensitive(subject, "pid");
    if (!cJSON_IsObject(ns))
        return NULL;
    struct graph g = {.title = xstrdup("nslab session (recorded)")};
    char pb[32];
    if (cJSON_IsNumber(pid))
        snprintf(pb, sizeof pb, "%.0f", pid->valuedouble);
    else
        snprintf(pb, sizeof pb, "%s", cJSON_IsString(pid) ? pid->valuestring : "?");
    graph_add_proc(&g, GRAPH_SHELL, "nslab shell (host)", "?");
    graph_add_proc(&g, GRAPH_SUBJECT, "subject", pb);
    for (int s = 0; s < NS_NSLOTS; s++) {
        const cJSON *o = cJSON_GetObjectItemCaseSensitive(ns, ns_info[s].file);
        const cJSON *ino = cJSON_GetObjectItemCaseSensitive(o, "inode");
        const cJSON *host = cJSON_GetObjectItemCaseSensitive(o, "host");
        if (!cJSON_IsNumber(ino) || !cJSON_IsNumber(host))
            continue;
        g.procs[0].ns[s] = (ino_t)host->valuedouble;
        g.procs[1].ns[s] = (ino_t)ino->valuedouble;
        for (int k = 0; k < 2; k++) {
            char b[32];
            snprintf(b, sizeof b, "%ju", (uintmax_t)g.procs[k].ns[s]);
            graph_add_ns(&g, (enum ns_slot)s, g.procs[k].ns[s], b);
        }
    }
    struct strbuf dot = {0};
    graph_dot(&g, &dot, NULL);
    graph_free(&g);
    return sb_steal(&dot);
}

/* A step's line: its number, outcome and graph belong to the page it
 * ended on. */
static void note_step(struct replay *r, const cJSON *o)
{
    if (r->np == 0)
        return;
    struct replay_page *p = &r->p[r->np - 1];
    const cJSON *step = cJSON_GetObjectItemCaseSensitive(o, "step");
    const cJSON *ok = cJSON_GetObjectItemCaseSensitive(o, "ok");
    const cJSON *graph = cJSON_GetObjectItemCaseSensitive(o, "graph");
    if (cJSON_IsNumber(step))
        p->step = step->valueint;
    if (cJSON_IsBool(ok))
        p->ok = cJSON_IsTrue(ok);
    char *dot = cJSON_IsString(graph)
                    ? xstrdup(graph->valuestring)
                    : dot_of_subject(cJSON_GetObjectItemCaseSensitive(o, "subject"));
    if (dot) {
        free(p->dot);
        p->dot = dot;
    }
}

/* A page no step line drew (what came before the first step, a `say`)
 * shows the picture of the page before it. */
static void inherit_graphs(struct replay *r)
{
    for (size_t k = 1; k < r->np; k++)
        if (!r->p[k].dot && r->p[k - 1].dot)
            r->p[k].dot = xstrdup(r->p[k - 1].dot);
}

int replay_load(const char *text, size_t len, struct replay *r, struct nsl_err *e)
{
    memset(r, 0, sizeof *r);
    size_t lineno = 0;
    for (size_t at = 0; at < len;) {
        const char *nl = memchr(text + at, '\n', len - at);
        size_t n = nl ? (size_t)(nl - (text + at)) : len - at;
        lineno++;
        const char *line = text + at;
        at += n + 1;
        if (n == 0)
            continue;
        cJSON *o = cJSON_ParseWithLength(line, n);
        if (!cJSON_IsObject(o)) {
            cJSON_Delete(o);
            replay_free(r);
            return nsl_fail(e, EINVAL, "line %zu is not a JSON object: not a record of nslab",
                            lineno);
        }
        const cJSON *cmd = cJSON_GetObjectItemCaseSensitive(o, "command");
        const char *command = cJSON_IsString(cmd) ? cmd->valuestring : NULL;
        const cJSON *shown = cJSON_GetObjectItemCaseSensitive(o, "shown");
        bool step = cJSON_GetObjectItemCaseSensitive(o, "step") != NULL;
        if (cJSON_IsArray(shown))
            add_shown(r, shown, command, step);
        else if (command && step)
            add_from_fields(r, o, command);
        if (step)
            note_step(r, o);
        cJSON_Delete(o);
    }
    inherit_graphs(r);
    return 0;
}

void replay_free(struct replay *r)
{
    for (size_t k = 0; k < r->nc; k++)
        free(r->c[k].text);
    for (size_t k = 0; k < r->np; k++) {
        free(r->p[k].command);
        free(r->p[k].dot);
    }
    free(r->c);
    free(r->p);
    memset(r, 0, sizeof *r);
}

long replay_search(const struct replay *r, size_t from, const char *word)
{
    for (size_t i = 1; i <= r->np; i++) {
        size_t k = (from + i) % r->np;
        if (r->p[k].command && strstr(r->p[k].command, word))
            return (long)k;
    }
    return -1;
}

/* text without nslab's colour codes (ESC [ digits m). */
static void put_plain(const char *text, FILE *f)
{
    for (const char *s = text; *s;) {
        if (s[0] == '\033' && s[1] == '[') {
            size_t i = 2;
            while ((s[i] >= '0' && s[i] <= '9') || s[i] == ';')
                i++;
            if (s[i] == 'm') {
                s += i + 1;
                continue;
            }
        }
        fputc(*s++, f);
    }
}

void replay_print_page(const struct replay *r, size_t k, bool colour, FILE *out, FILE *err)
{
    const struct replay_page *p = &r->p[k];
    for (size_t i = p->first; i < p->first + p->n; i++) {
        FILE *f = r->c[i].kind == RP_ERR ? err : out;
        /* The two streams in the order they were written. */
        fflush(f == err ? out : err);
        if (colour)
            fputs(r->c[i].text, f);
        else
            put_plain(r->c[i].text, f);
    }
    fflush(out);
    fflush(err);
}

static int read_byte(void)
{
    unsigned char c;
    ssize_t n;
    do
        n = read(0, &c, 1);
    while (n < 0 && errno == EINTR);
    return n == 1 ? c : EOF;
}

/* One key from the terminal, without echo or waiting for Enter (from
 * anything else, one byte); EOF at the end of input. */
static int read_key(void)
{
    struct termios old, raw;
    if (tcgetattr(0, &old) < 0)
        return read_byte();
    raw = old;
    raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
    raw.c_cc[VMIN] = 1;
    raw.c_cc[VTIME] = 0;
    tcsetattr(0, TCSANOW, &raw);
    int c = read_byte();
    tcsetattr(0, TCSANOW, &old);
    return c;
}

/* "/" at the keys: a word, then the next step whose command has it. */
static long ask_search(const struct replay *r, size_t at)
{
    printf("%s", _("search for a command: "));
    fflush(stdout);
    /* Byte by byte: the keys that follow stay unread (a pipe too). */
    char word[256];
    size_t n = 0;
    int c;
    while ((c = read_byte()) != EOF && c != '\n')
        if (n + 1 < sizeof word)
            word[n++] = (char)c;
    word[n] = '\0';
    if (!word[0])
        return -1;
    long k = replay_search(r, at, word);
    if (k < 0)
        printf(_("no step's command contains '%s'\n"), word);
    return k;
}

/* Page k on the terminal, and to the projector view when serving. */
static void show_page(const struct replay *r, size_t k, bool colour, struct serve *serve)
{
    replay_print_page(r, k, colour, stdout, stderr);
    if (!serve)
        return;
    const struct replay_page *p = &r->p[k];
    serve_text(serve, "echo", ""); /* the page's own text, from its start */
    for (size_t i = p->first; i < p->first + p->n; i++)
        serve_text(serve, "out", r->c[i].text);
    serve_publish_page(serve, (long)k, p->step, p->command, p->ok, p->dot);
}

/* One page a key: Enter, space or n the next, b the one before, / a search,
 * q the end. */
static void replay_keys(const struct replay *r, bool colour, struct serve *serve)
{
    size_t at = 0;
    /* What came before the first step (an event) is no step of its own. */
    size_t lead = r->p[0].command ? 0 : 1;
    if (lead && r->np > 1)
        replay_print_page(r, 0, colour, stdout, stderr);
    show_page(r, at = lead && r->np > 1 ? 1 : 0, colour, serve);
    for (;;) {
        printf(_("[step %zu of %zu: Enter next, b back, / search, q quit]"), at + 1 - lead,
               r->np - lead);
        fflush(stdout);
        int c = read_key();
        printf("\r\033[K");
        long next = -1;
        if (c == EOF || c == 'q' || c == 4)
            break;
        if (c == '\n' || c == ' ' || c == 'n') {
            if (at + 1 >= r->np)
                break;
            next = (long)at + 1;
        } else if ((c == 'b' || c == 'p') && at > lead) {
            next = (long)at - 1;
        } else if (c == '/') {
            next = ask_search(r, at);
        }
        if (next >= 0)
            show_page(r, at = (size_t)next, colour, serve);
    }
    fflush(stdout);
}

int replay_run(const char *path, bool colour, struct serve *serve)
{
    cleanup_sb struct strbuf text = {0};
    if (read_file_sb(AT_FDCWD, path, &text) < 0) {
        fprintf(stderr, _("nslab: cannot open %s: %s\n"), path, strerror(errno));
        return EXIT_USAGE;
    }
    struct replay r;
    struct nsl_err e;
    if (replay_load(sb_str(&text), text.len, &r, &e) < 0) {
        fprintf(stderr, "nslab: %s: %s\n", path, e.msg);
        return EXIT_USAGE;
    }
    if (r.np == 0) {
        fprintf(stderr, _("nslab: %s: no step recorded\n"), path);
        replay_free(&r);
        return EXIT_USAGE;
    }
    if ((isatty(0) && isatty(1)) || serve) {
        replay_keys(&r, colour, serve);
    } else {
        for (size_t k = 0; k < r.np; k++)
            replay_print_page(&r, k, colour, stdout, stderr);
    }
    replay_free(&r);
    return EXIT_OK;
}
