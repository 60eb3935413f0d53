#define _GNU_SOURCE
/* nslab grade (grade.h): the rubric read and checked against expect's one
 * grammar (lab/expect.c), each record's chain verified, the conditions
 * judged on the recorded steps (lab/expect_record.c), the class report as
 * text, CSV or JSON. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "lab/lab.h"
#include "nslab.h"
#include "shell/commands.h"
#include "shell/grade.h"
#include "shell/lex.h"

struct criterion {
    char *name, *condition; /* NAME and CONDITION as written */
    bool some_step;         /* "at some step:", else at the end */
    int line;
    struct lex_result words; /* "expect CONDITION" */
    bool gradable;
    int held_by;
};

struct learner {
    const char *file;
    cJSON *header;
    cJSON **objs;
    size_t n;
    enum rec_state state;
    size_t bad_line;
    char *problem;
    int *marks; /* per criterion: 1 held, 0 not, -1 not graded */
    char **why;
    int held;
};

/* --- the chain ------------------------------------------------------------ */

static const char chain_key[] = ",\"chain\":\"";

/* One line's chain checked against prev: its value into next, or false. */
static bool chain_ok(const char *line, size_t n, const char *prev, char next[65])
{
    const char *at = NULL;
    for (const char *p = line; (p = memmem(p, n - (size_t)(p - line), chain_key,
                                            sizeof chain_key - 1));
         p++)
        at = p;
    size_t klen = sizeof chain_key - 1;
    if (!at || (size_t)(at - line) + klen + 64 + 2 != n || memcmp(line + n - 2, "\"}", 2) != 0)
        return false;
    cleanup_sb struct strbuf in = {0};
    sb_append(&in, prev);
    sb_appendn(&in, line, (size_t)(at - line));
    sha256_hex(in.buf, in.len, next);
    return memcmp(next, at + klen, 64) == 0;
}

static bool is_end(const char *line, size_t n)
{
    cJSON *o = cJSON_ParseWithLength(line, n);
    const cJSON *ev = cJSON_GetObjectItemCaseSensitive(o, "event");
    bool end = cJSON_IsString(ev) && strcmp(ev->valuestring, "end") == 0;
    cJSON_Delete(o);
    return end;
}

enum rec_state grade_verify(const char *text, size_t len, size_t *line, struct strbuf *msg)
{
    char chain[65] = "", next[65];
    size_t lineno = 0;
    bool ended = false;
    for (size_t at = 0; at < len;) {
        const char *nl = memchr(text + at, '\n', len - at);
        size_t n = nl ? (size_t)(nl - (text + at)) : len - at;
        const char *l = text + at;
        at += n + 1;
        *line = ++lineno;
        if (lineno == 1) {
            cJSON *h = cJSON_ParseWithLength(l, n);
            const cJSON *r = cJSON_GetObjectItemCaseSensitive(h, "record");
            bool header = cJSON_IsString(r) && strcmp(r->valuestring, "nslab") == 0;
            cJSON_Delete(h);
            if (!header) {
                sb_printf(msg, "%s", _("line 1 is no record header: not a record of this nslab "
                                       "(an older one's has no chain to verify; nslab --replay "
                                       "still shows it)"));
                return REC_UNCHAINED;
            }
        }
        if (ended) {
            sb_printf(msg, _("line %zu comes after the end object: lines were added"), lineno);
            return REC_EDITED;
        }
        if (!nl) {
            sb_printf(msg, _("line %zu is cut off: the record was truncated"), lineno);
            return REC_TRUNCATED;
        }
        if (!chain_ok(l, n, chain, next)) {
            sb_printf(msg, _("line %zu does not match the chain: it, or the line before it, was "
                             "edited, removed or moved"),
                      lineno);
            return REC_EDITED;
        }
        memcpy(chain, next, sizeof chain);
        ended = is_end(l, n);
    }
    if (lineno == 0) {
        *line = 1;
        sb_printf(msg, "%s", _("the file is empty: not a record"));
        return REC_UNCHAINED;
    }
    if (!ended) {
        sb_printf(msg, _("no end object after line %zu: the record was truncated"), lineno);
        return REC_TRUNCATED;
    }
    return REC_INTACT;
}

/* --- the rubric ------------------------------------------------------------ */

static void criteria_free(struct criterion *c, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        free(c[k].name);
        free(c[k].condition);
        lex_result_free(&c[k].words);
    }
    free(c);
}

static char *trimmed(const char *s, size_t n)
{
    while (n && (*s == ' ' || *s == '\t')) {
        s++;
        n--;
    }
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        n--;
    return xstrndup(s, n);
}

/* One rubric line into c: 0, or -1 with the problem in msg. */
static int criterion_parse(const char *l, size_t n, struct criterion *c, struct strbuf *msg)
{
    const char *colon = memchr(l, ':', n);
    c->name = trimmed(l, colon ? (size_t)(colon - l) : n);
    if (!colon || !c->name[0] || strpbrk(c->name, " \t")) {
        sb_printf(msg, "%s", _("a rubric line is NAME: CONDITION or NAME: at some step: "
                               "CONDITION (NAME one word)"));
        return -1;
    }
    char *rest = trimmed(colon + 1, n - (size_t)(colon + 1 - l));
    static const char some[] = "at some step";
    if (strncmp(rest, some, sizeof some - 1) == 0) {
        char *after = rest + sizeof some - 1;
        if (*after != ':') {
            sb_printf(msg, "%s", _("write \"at some step:\", with its colon, before the condition"));
            free(rest);
            return -1;
        }
        c->some_step = true;
        char *cond = trimmed(after + 1, strlen(after + 1));
        free(rest);
        rest = cond;
    }
    c->condition = rest;
    cleanup_sb struct strbuf text = {0};
    sb_printf(&text, "expect %s", rest);
    struct nsl_err e;
    if (!rest[0] || lex_split(sb_str(&text), 1, &c->words, &e) < 0 || c->words.n != 1) {
        sb_printf(msg, "%s", rest[0] ? _("the condition must be one expect condition, "
                                         "on one line")
                                     : _("no condition after the name"));
        return -1;
    }
    c->gradable = true;
    struct lex_cmd *w = &c->words.cmds[0];
    if (expect_lint(w->argc, w->argv, msg) < 0)
        return -1;
    if (expect_record_check(w->argc, w->argv, msg) < 0)
        c->gradable = false; /* said, and reported as not graded */
    return 0;
}

/* The rubric's criteria: 0, or -1 after each problem was said on stderr. */
static int rubric_load(const char *path, struct criterion **out, size_t *nout)
{
    cleanup_sb struct strbuf text = {0};
    if (read_file_sb(AT_FDCWD, path, &text) < 0) {
        fprintf(stderr, _("nslab: cannot open %s: %s\n"), path, strerror(errno));
        return -1;
    }
    struct criterion *c = NULL;
    size_t n = 0, cap = 0;
    int bad = 0, lineno = 0;
    for (const char *l = sb_str(&text); *l;) {
        const char *nl = strchr(l, '\n');
        size_t len = nl ? (size_t)(nl - l) : strlen(l);
        const char *at = l;
        l += len + (nl ? 1 : 0);
        lineno++;
        size_t lead = strspn(at, " \t");
        if (lead >= len || at[lead] == '#' || at[lead] == '\r')
            continue;
        if (n == cap)
            c = xrealloc(c, (cap = cap ? 2 * cap : 16) * sizeof *c);
        c[n] = (struct criterion){.line = lineno};
        cleanup_sb struct strbuf msg = {0};
        int rc = criterion_parse(at, len, &c[n], &msg);
        for (size_t k = 0; k < n && rc == 0; k++)
            if (strcmp(c[k].name, c[n].name) == 0) {
                sb_printf(&msg, _("%s is named twice (line %d first)"), c[n].name, c[k].line);
                rc = -1;
            }
        if (rc < 0 || !c[n].gradable)
            fprintf(stderr, "%s:%d: %s\n", path, lineno, sb_str(&msg));
        bad += rc < 0;
        n++;
    }
    if (!n && !bad) {
        fprintf(stderr, _("%s: no condition in the rubric\n"), path);
        bad = 1;
    }
    if (bad) {
        criteria_free(c, n);
        return -1;
    }
    *out = c;
    *nout = n;
    return 0;
}

/* --- judging ---------------------------------------------------------------- */

/* Does the recorded step act (a command that is a step; not `expect`,
 * `say` and the others that only look or tell)? */
static bool acting_step(const cJSON *o)
{
    const cJSON *cmd = cJSON_GetObjectItemCaseSensitive(o, "command");
    if (!cJSON_GetObjectItemCaseSensitive(o, "step") || !cJSON_IsString(cmd))
        return false;
    cleanup_free char *word = xstrndup(cmd->valuestring, strcspn(cmd->valuestring, " \t"));
    const struct command *c = command_find(word);
    return !c || !(c->flags & CMD_NOT_A_STEP);
}

/* The step's cgroups added to (or replacing those of) the recorded ones. */
static void cgroups_add(cJSON *seen, const cJSON *o)
{
    const cJSON *g;
    cJSON_ArrayForEach(g, cJSON_GetObjectItemCaseSensitive(o, "cgroups"))
    {
        const cJSON *name = cJSON_GetObjectItemCaseSensitive(g, "name");
        if (!cJSON_IsString(name))
            continue;
        cJSON *copy = cJSON_Duplicate(g, true);
        if (cJSON_GetObjectItemCaseSensitive(seen, name->valuestring))
            cJSON_ReplaceItemInObjectCaseSensitive(seen, name->valuestring, copy);
        else
            cJSON_AddItemToObject(seen, name->valuestring, copy);
    }
}

static int judge(const struct learner *r, const struct criterion *c, struct strbuf *why)
{
    const struct lex_cmd *w = &c->words.cmds[0];
    cJSON *seen = cJSON_CreateObject();
    struct rec_view v = {.cgroups = seen};
    int held = 0;
    struct nsl_err e;
    for (size_t k = 0; k < r->n && held != 1; k++) {
        cgroups_add(seen, r->objs[k]);
        if (!acting_step(r->objs[k]))
            continue;
        v.step = r->objs[k];
        if (c->some_step) {
            sb_reset(why);
            held = expect_on_record(&v, w->argc - 1, w->argv + 1, why, &e);
        }
    }
    if (!c->some_step)
        held = expect_on_record(&v, w->argc - 1, w->argv + 1, why, &e);
    else if (held == 0) {
        sb_reset(why);
        sb_printf(why, "%s", _("at no step"));
    }
    if (held < 0) {
        sb_reset(why);
        sb_printf(why, "%s", e.msg);
        held = 0;
    }
    cJSON_Delete(seen);
    return held;
}

/* --- the records -------------------------------------------------------------- */

/* Reads and verifies one record: -1 when it cannot be read (said). */
static int learner_load(const char *path, struct learner *r, size_t ncrit)
{
    cleanup_sb struct strbuf text = {0};
    if (read_file_sb(AT_FDCWD, path, &text) < 0) {
        fprintf(stderr, _("nslab: cannot open %s: %s\n"), path, strerror(errno));
        return -1;
    }
    *r = (struct learner){.file = path};
    r->marks = xcalloc(ncrit ? ncrit : 1, sizeof *r->marks);
    r->why = xcalloc(ncrit ? ncrit : 1, sizeof *r->why);
    cleanup_sb struct strbuf msg = {0};
    r->state = grade_verify(sb_str(&text), text.len, &r->bad_line, &msg);
    if (r->state != REC_INTACT) {
        r->problem = sb_steal(&msg);
        return 0;
    }
    size_t cap = 0;
    const char *t = sb_str(&text);
    for (size_t at = 0; at < text.len;) {
        const char *nl = memchr(t + at, '\n', text.len - at);
        size_t n = nl ? (size_t)(nl - (t + at)) : text.len - at;
        cJSON *o = cJSON_ParseWithLength(t + at, n);
        at += n + 1;
        if (!o)
            continue;
        if (!r->header) {
            r->header = o;
            continue;
        }
        if (r->n == cap)
            r->objs = xrealloc(r->objs, (cap = cap ? 2 * cap : 64) * sizeof *r->objs);
        r->objs[r->n++] = o;
    }
    return 0;
}

static void learner_free(struct learner *r, size_t ncrit)
{
    cJSON_Delete(r->header);
    for (size_t k = 0; k < r->n; k++)
        cJSON_Delete(r->objs[k]);
    for (size_t k = 0; k < ncrit; k++)
        free(r->why[k]);
    free(r->objs);
    free(r->marks);
    free(r->why);
    free(r->problem);
}

static const char *header_string(const struct learner *r, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(r->header, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static const char *state_word(enum rec_state s)
{
    static const char *const words[] = {[REC_INTACT] = "intact",
                                        [REC_EDITED] = "edited",
                                        [REC_TRUNCATED] = "truncated",
                                        [REC_UNCHAINED] = "unchained"};
    return words[s];
}

/* --- the report --------------------------------------------------------------- */

struct class {
    const char *rubric;
    struct criterion *crit;
    size_t ncrit;
    struct learner *rec;
    size_t nrec;
};

static int gradable_count(const struct class *cl)
{
    int n = 0;
    for (size_t k = 0; k < cl->ncrit; k++)
        n += cl->crit[k].gradable;
    return n;
}

/* The columns text takes in a terminal: a character of the East Asian
 * scripts (three UTF-8 bytes) two, any other one. */
static int text_columns(const char *text)
{
    int cols = 0;
    for (const unsigned char *p = (const unsigned char *)text; *p; p++)
        if ((*p & 0xc0) != 0x80)
            cols += (*p & 0xf0) == 0xe0 ? 2 : 1;
    return cols;
}

static void report_text(const struct class *cl)
{
    int total = gradable_count(cl);
    for (size_t i = 0; i < cl->nrec; i++) {
        const struct learner *r = &cl->rec[i];
        if (r->state != REC_INTACT) {
            printf(_("%s: not graded: %s\n"), r->file, r->problem);
            continue;
        }
        const char *user = header_string(r, "user"), *lab = header_string(r, "lab");
        printf(_("%s (%s, %s, started %s): %d of %d\n"), user ? user : "?", r->file,
               lab ? lab : _("no lab"), header_string(r, "started") ? header_string(r, "started") : "?",
               r->held, total);
        for (size_t k = 0; k < cl->ncrit; k++) {
            const struct criterion *c = &cl->crit[k];
            const char *mark = r->marks[k] < 0 ? _("not graded")
                               : r->marks[k] ? _("held")
                                             : _("not held");
            printf("  %s%*s %s: %s%s%s%s\n", mark, 10 - text_columns(mark), "", c->name,
                   c->some_step ? _("at some step: ") : "", c->condition,
                   r->marks[k] == 0 ? " -- " : "", r->marks[k] == 0 ? r->why[k] : "");
        }
    }
    int intact = 0;
    for (size_t i = 0; i < cl->nrec; i++)
        intact += cl->rec[i].state == REC_INTACT;
    printf(_("Per condition (%d intact record(s) of %zu):\n"), intact, cl->nrec);
    for (size_t k = 0; k < cl->ncrit; k++) {
        const struct criterion *c = &cl->crit[k];
        if (c->gradable)
            printf(_("  %s: held by %d of %d\n"), c->name, c->held_by, intact);
        else
            printf(_("  %s: not graded (a record does not carry what it needs)\n"), c->name);
    }
}

/* One CSV field (RFC 4180: quoted when it holds a comma, quote or newline). */
static void csv_field(const char *s, bool last)
{
    if (strpbrk(s, ",\"\n\r")) {
        putchar('"');
        for (; *s; s++) {
            if (*s == '"')
                putchar('"');
            putchar(*s);
        }
        putchar('"');
    } else {
        fputs(s, stdout);
    }
    putchar(last ? '\n' : ',');
}

static void report_csv(const struct class *cl)
{
    static const char *const cols[] = {"learner", "uid", "record", "status", "line"};
    for (size_t k = 0; k < ARRAY_SIZE(cols); k++)
        csv_field(cols[k], false);
    for (size_t k = 0; k < cl->ncrit; k++)
        csv_field(cl->crit[k].name, false);
    csv_field("marks", true);
    char num[32];
    for (size_t i = 0; i < cl->nrec; i++) {
        const struct learner *r = &cl->rec[i];
        bool ok = r->state == REC_INTACT;
        const char *user = ok ? header_string(r, "user") : NULL;
        const cJSON *uid = cJSON_GetObjectItemCaseSensitive(r->header, "uid");
        csv_field(user ? user : "", false);
        snprintf(num, sizeof num, "%.0f", cJSON_IsNumber(uid) ? uid->valuedouble : 0);
        csv_field(ok && cJSON_IsNumber(uid) ? num : "", false);
        csv_field(r->file, false);
        csv_field(state_word(r->state), false);
        snprintf(num, sizeof num, "%zu", r->bad_line);
        csv_field(ok ? "" : num, false);
        for (size_t k = 0; k < cl->ncrit; k++)
            csv_field(!ok || r->marks[k] < 0 ? "" : r->marks[k] ? "1" : "0", false);
        snprintf(num, sizeof num, "%d", r->held);
        csv_field(ok ? num : "", true);
    }
}

static cJSON *learner_json(const struct class *cl, const struct learner *r)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "record", r->file);
    cJSON_AddStringToObject(o, "status", state_word(r->state));
    bool ok = r->state == REC_INTACT;
    cJSON_AddItemToObject(o, "header", ok ? cJSON_Duplicate(r->header, true) : cJSON_CreateNull());
    if (!ok) {
        cJSON_AddNumberToObject(o, "line", (double)r->bad_line);
        cJSON_AddStringToObject(o, "problem", r->problem);
        return o;
    }
    cJSON *m = cJSON_AddArrayToObject(o, "marks");
    for (size_t k = 0; k < cl->ncrit; k++) {
        cJSON *e = cJSON_CreateObject();
        cJSON_AddStringToObject(e, "name", cl->crit[k].name);
        if (r->marks[k] < 0)
            cJSON_AddNullToObject(e, "held");
        else
            cJSON_AddBoolToObject(e, "held", r->marks[k] == 1);
        if (r->marks[k] == 0)
            cJSON_AddStringToObject(e, "why", r->why[k]);
        cJSON_AddItemToArray(m, e);
    }
    cJSON_AddNumberToObject(o, "held", r->held);
    return o;
}

static void report_json(const struct class *cl, bool intact)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "rubric", cl->rubric);
    cJSON *cs = cJSON_AddArrayToObject(o, "conditions");
    for (size_t k = 0; k < cl->ncrit; k++) {
        const struct criterion *c = &cl->crit[k];
        cJSON *e = cJSON_CreateObject();
        cJSON_AddStringToObject(e, "name", c->name);
        cJSON_AddStringToObject(e, "condition", c->condition);
        cJSON_AddStringToObject(e, "when", c->some_step ? "some step" : "end");
        cJSON_AddBoolToObject(e, "graded", c->gradable);
        if (c->gradable)
            cJSON_AddNumberToObject(e, "held_by", c->held_by);
        cJSON_AddItemToArray(cs, e);
    }
    cJSON *rs = cJSON_AddArrayToObject(o, "learners");
    for (size_t i = 0; i < cl->nrec; i++)
        cJSON_AddItemToArray(rs, learner_json(cl, &cl->rec[i]));
    cJSON_AddBoolToObject(o, "intact", intact);
    char *s = cJSON_PrintUnformatted(o);
    puts(s);
    cJSON_free(s);
    cJSON_Delete(o);
}

/* --- nslab grade ------------------------------------------------------------ */

static void grade_usage(FILE *f)
{
    fputs(_("usage: nslab grade [--csv | -J] RUBRIC RECORD...\n"
            "Judges the rubric's conditions (NAME: CONDITION, held at the end of the\n"
            "record, or NAME: at some step: CONDITION; CONDITION as `expect` takes it)\n"
            "on each record made by `record FILE`, after checking its chain. Exit\n"
            "status: 0 every record intact, 1 one edited, truncated or unchained, 2 a\n"
            "usage or rubric error. docs/grading.md tells more.\n"),
          f);
}

static void class_grade(struct class *cl)
{
    for (size_t i = 0; i < cl->nrec; i++) {
        struct learner *r = &cl->rec[i];
        if (r->state != REC_INTACT)
            continue;
        for (size_t k = 0; k < cl->ncrit; k++) {
            struct criterion *c = &cl->crit[k];
            if (!c->gradable) {
                r->marks[k] = -1;
                continue;
            }
            cleanup_sb struct strbuf why = {0};
            r->marks[k] = judge(r, c, &why);
            r->why[k] = sb_steal(&why);
            r->held += r->marks[k];
            c->held_by += r->marks[k];
        }
    }
}

int grade_main(int argc, char **argv)
{
    enum { TEXT, CSV, JSON } format = TEXT;
    int k = 1;
    for (; k < argc && argv[k][0] == '-' && argv[k][1]; k++) {
        if (strcmp(argv[k], "--csv") == 0) {
            format = CSV;
        } else if (strcmp(argv[k], "-J") == 0 || strcmp(argv[k], "--json") == 0) {
            format = JSON;
        } else if (strcmp(argv[k], "-h") == 0 || strcmp(argv[k], "--help") == 0) {
            grade_usage(stdout);
            return EXIT_OK;
        } else if (strcmp(argv[k], "--lang") == 0 && k + 1 < argc &&
                   (strcmp(argv[k + 1], "en") == 0 || strcmp(argv[k + 1], "zh") == 0)) {
            i18n_init(argv[++k]);
        } else {
            fprintf(stderr, _("nslab grade: unknown option '%s'\n"), argv[k]);
            grade_usage(stderr);
            return EXIT_USAGE;
        }
    }
    if (argc - k < 2) {
        grade_usage(stderr);
        return EXIT_USAGE;
    }
    struct class cl = {.rubric = argv[k]};
    if (rubric_load(argv[k], &cl.crit, &cl.ncrit) < 0)
        return EXIT_USAGE;
    cl.rec = xcalloc((size_t)(argc - k - 1), sizeof *cl.rec);
    int status = EXIT_OK;
    for (int i = k + 1; i < argc; i++) {
        if (learner_load(argv[i], &cl.rec[cl.nrec], cl.ncrit) < 0) {
            status = EXIT_USAGE;
            continue;
        }
        if (cl.rec[cl.nrec].state != REC_INTACT && status == EXIT_OK)
            status = EXIT_STEP_FAILED;
        cl.nrec++;
    }
    if (status != EXIT_USAGE) {
        class_grade(&cl);
        if (format == CSV)
            report_csv(&cl);
        else if (format == JSON)
            report_json(&cl, status == EXIT_OK);
        else
            report_text(&cl);
        /* Whatever the format, each record not intact gets its line on stderr. */
        for (size_t i = 0; i < cl.nrec; i++)
            if (cl.rec[i].state != REC_INTACT && format != TEXT)
                fprintf(stderr, "%s: %s\n", cl.rec[i].file, cl.rec[i].problem);
    }
    for (size_t i = 0; i < cl.nrec; i++)
        learner_free(&cl.rec[i], cl.ncrit);
    free(cl.rec);
    criteria_free(cl.crit, cl.ncrit);
    return status;
}
