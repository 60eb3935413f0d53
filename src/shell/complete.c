#define _GNU_SOURCE
/* Tab completion, driven by the command table's `complete` and `options`
 * columns (commands.h says their syntax): each word completes by its
 * meaning there: a program, a namespace type (or a comma list of them), a
 * live job, a cgroup, one of its files, a key of expect cg, a path. */
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <readline/readline.h>

#include "session/cgroups.h"
#include "shell/commands.h"
#include "subject/subject.h"
#include "session/jobs.h"
#include "shell/shell.h"

/* readline's completion hooks take no context pointer. */
static struct nsl *comp_sh;
static struct {
    char **v;
    size_t n, cap, next;
} cands;

static void cands_reset(void)
{
    for (size_t k = 0; k < cands.n; k++)
        free(cands.v[k]);
    cands.n = cands.next = 0;
}

static void cand2(const char *prefix, const char *s)
{
    if (cands.n == cands.cap) {
        cands.cap = cands.cap ? cands.cap * 2 : 32;
        cands.v = xrealloc(cands.v, cands.cap * sizeof *cands.v);
    }
    struct strbuf b = {0};
    sb_append(&b, prefix);
    sb_append(&b, s);
    cands.v[cands.n++] = sb_steal(&b);
}

static void cand(const char *s)
{
    cand2("", s);
}

static char *generator(const char *text, int state)
{
    size_t len = strlen(text);
    if (state == 0)
        cands.next = 0;
    while (cands.next < cands.n) {
        const char *c = cands.v[cands.next++];
        if (strncmp(c, text, len) == 0)
            return xstrdup(c);
    }
    return NULL;
}

/* What the word being completed is, and the words before it. */
struct comp {
    const char *text;  /* the word being completed */
    char **pos;        /* the positional words of the command so far */
    int npos;
    bool files;        /* fall back to readline's file names */
    bool keep_order;   /* the candidates' order means something */
};

/* In a comma list ("pid,mnt,"), the part before the last element; the
 * elements already given are not offered again. */
static const char *list_prefix(const struct comp *c, char *buf, size_t size)
{
    const char *comma = strrchr(c->text, ',');
    size_t n = comma ? (size_t)(comma - c->text) + 1 : 0;
    if (n >= size)
        n = 0;
    memcpy(buf, c->text, n);
    buf[n] = '\0';
    return buf;
}

static bool in_list(const char *list, const char *word)
{
    size_t n = strlen(word);
    for (const char *p = list; (p = strstr(p, word)); p += n)
        if ((p == list || p[-1] == ',') && p[n] == ',')
            return true;
    return false;
}

static void add_jobs(bool live_only)
{
    char buf[32];
    if (!comp_sh)
        return;
    /* Job states come from events: read those waiting (the prompt prints
     * them once the completion is done). */
    events_poll(comp_sh, 0);
    for (size_t k = 0; k < comp_sh->jobs.n; k++) {
        const struct job *j = &comp_sh->jobs.v[k];
        if (live_only && j->state != JOB_RUNNING && j->state != JOB_STOPPED)
            continue;
        snprintf(buf, sizeof buf, "%%%d", j->id);
        cand(buf);
    }
}

static int str_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The executables on PATH whose name starts with text, sorted, once each,
 * minus those in skip (NULL-terminated), each with prefix before it. */
static void add_path_programs(const char *prefix, const char *text, const char *const *skip)
{
    const char *path = getenv("PATH");
    if (!path || strchr(text, '/'))
        return;
    size_t tl = strlen(text);
    char **v = NULL;
    size_t n = 0, cap = 0;
    cleanup_free char *copy = xstrdup(path);
    char *save = NULL;
    for (char *dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
        int dfd = open(*dir ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
        if (!d) {
            if (dfd >= 0)
                close(dfd);
            continue;
        }
        struct dirent *de;
        while ((de = readdir(d))) {
            struct stat st;
            if (de->d_name[0] == '.' || strncmp(de->d_name, text, tl) != 0)
                continue;
            if (fstatat(dfd, de->d_name, &st, 0) < 0 || !S_ISREG(st.st_mode) ||
                faccessat(dfd, de->d_name, X_OK, 0) < 0)
                continue;
            if (n == cap) {
                cap = cap ? cap * 2 : 64;
                v = xrealloc(v, cap * sizeof *v);
            }
            v[n++] = xstrdup(de->d_name);
        }
        closedir(d);
    }
    if (n)
        qsort(v, n, sizeof *v, str_cmp);
    for (size_t k = 0; k < n; k++) {
        bool dup = k > 0 && strcmp(v[k], v[k - 1]) == 0;
        for (size_t s = 0; skip && skip[s] && !dup; s++)
            dup = strcmp(v[k], skip[s]) == 0;
        if (!dup)
            cand2(prefix, v[k]);
    }
    for (size_t k = 0; k < n; k++)
        free(v[k]);
    free(v);
}

/* The files of the cgroup named by the command's first positional word. */
static void add_cgroup_files(const struct comp *c)
{
    struct cg_group buf;
    const struct cg_group *g;
    struct nsl_err e;
    if (!comp_sh || c->npos < 1 || cgroups_resolve(comp_sh, c->pos[0], &buf, &g, &e) < 0)
        return;
    DIR *d = opendir(g->dir);
    if (!d)
        return;
    struct dirent *de;
    while ((de = readdir(d)))
        if (de->d_type == DT_REG)
            cand(de->d_name);
    closedir(d);
}

static void add_class(struct comp *c, const char *cls)
{
    char pre[256];
    if (strcmp(cls, "@type") == 0 || strcmp(cls, "@types") == 0) {
        /* @types: a comma list of types, or all. */
        bool list = cls[5] == 's';
        const char *prefix = list ? list_prefix(c, pre, sizeof pre) : "";
        for (int s = 0; s < NS_NSLOTS; s++)
            if (ns_is_type(s) && !in_list(prefix, ns_info[s].name))
                cand2(prefix, ns_info[s].name);
        if (list && !*prefix)
            cand("all");
    } else if (strcmp(cls, "@target") == 0 || strcmp(cls, "@anytarget") == 0) {
        cand("self");
        cand("host");
        add_jobs(cls[1] == 't');
    } else if (strcmp(cls, "@has-target") == 0) {
        if (c->npos > 0 && strcmp(c->pos[c->npos - 1], "has") == 0)
            add_class(c, "@target");
    } else if (strcmp(cls, "@job") == 0) {
        add_jobs(true);
    } else if (strcmp(cls, "@cgroup") == 0 || strcmp(cls, "@cgroups") == 0) {
        const char *prefix = cls[7] == 's' ? list_prefix(c, pre, sizeof pre) : "";
        for (size_t k = 0; comp_sh && comp_sh->cg && k < comp_sh->cg->session.n; k++)
            if (!in_list(prefix, comp_sh->cg->session.v[k]->name))
                cand2(prefix, comp_sh->cg->session.v[k]->name);
    } else if (strcmp(cls, "@cgkeys") == 0) {
        for (size_t k = 0; cg_abstract_key(k); k++)
            cand(cg_abstract_key(k));
    } else if (strcmp(cls, "@cgfiles") == 0) {
        add_cgroup_files(c);
    } else if (strcmp(cls, "@program") == 0) {
        /* The builtins first, then the programs on PATH (spawn runs either). */
        const char *names[16] = {0};
        for (size_t k = 0; builtin_name(k) && k < ARRAY_SIZE(names) - 1; k++)
            cand(names[k] = builtin_name(k));
        add_path_programs("", c->text, names);
        c->keep_order = true;
        c->files = true; /* ./prog, /usr/bin/prog */
    } else if (strcmp(cls, "@command") == 0) {
        for (size_t k = 0; k < commands_count; k++)
            if (strcmp(commands[k].name, "!") != 0)
                cand(commands[k].name);
    } else if (strcmp(cls, "@file") == 0) {
        c->files = true;
    } else if (strcmp(cls, "@topic") == 0) {
        static const char *const topics[] = {
            "namespaces", "uts", "ipc", "pid", "pid1", "mnt", "net", "user", "userns",
            "time", "cgroup", "cgroups", "memory", "cpu", "pids", "cpuset", "freezer",
            "propagation", "cow"};
        for (size_t k = 0; k < ARRAY_SIZE(topics); k++)
            cand(topics[k]);
    } else if (strcmp(cls, "@signal") == 0) {
        static const char *const sigs[] = {"KILL", "TERM", "INT", "HUP", "STOP", "CONT", "USR1"};
        for (size_t k = 0; k < ARRAY_SIZE(sigs); k++)
            cand(sigs[k]);
    } else if (cls[0] && cls[0] != '@') {
        cand(cls);
    }
}

/* One token of a spec: alternatives separated by '|'. */
static void add_alternatives(struct comp *c, const char *tok)
{
    cleanup_free char *copy = xstrdup(tok);
    char *save = NULL;
    for (char *alt = strtok_r(copy, "|", &save); alt; alt = strtok_r(NULL, "|", &save))
        add_class(c, alt);
}

/* Candidates for positional word number pos (0 = the first after the
 * command) by one segment of a `complete` spec: tokens by position, the
 * last one repeating when it ends in "...". */
static void add_positional(struct comp *c, const char *spec, int pos)
{
    cleanup_free char *copy = xstrdup(spec);
    char *save = NULL, *tok, *last = NULL;
    int i = 0;
    for (tok = strtok_r(copy, " ", &save); tok; tok = strtok_r(NULL, " ", &save), i++) {
        last = tok;
        if (i == pos)
            break;
    }
    if (!tok) {
        size_t l = last ? strlen(last) : 0;
        if (!last || l < 3 || strcmp(last + l - 3, "...") != 0)
            return;
        tok = last;
    }
    size_t l = strlen(tok);
    if (l >= 3 && strcmp(tok + l - 3, "...") == 0)
        tok[l - 3] = '\0';
    add_alternatives(c, tok);
}

/* A `complete` spec: "SPEC; WORD: SPEC; ...". The first segment is for the
 * words of the command; a segment "WORD: SPEC" takes over when the first
 * positional word is WORD (expect cg ...), counting positions after it, and
 * "WORD: @again" starts over after WORD (expect not ...). */
static void add_spec(struct comp *c, const char *spec, int depth)
{
    cleanup_free char *copy = xstrdup(spec);
    char *save = NULL;
    char *first = strtok_r(copy, ";", &save);
    if (c->npos > 0 && depth < 8) {
        for (char *seg = strtok_r(NULL, ";", &save); seg; seg = strtok_r(NULL, ";", &save)) {
            seg += strspn(seg, " ");
            char *colon = strchr(seg, ':');
            if (!colon || (size_t)(colon - seg) != strlen(c->pos[0]) ||
                strncmp(seg, c->pos[0], (size_t)(colon - seg)) != 0)
                continue;
            const char *rest = colon + 1 + strspn(colon + 1, " ");
            c->pos++;
            c->npos--;
            if (strcmp(rest, "@again") == 0)
                add_spec(c, spec, depth + 1);
            else
                add_positional(c, rest, c->npos);
            return;
        }
    }
    if (first)
        add_positional(c, first, c->npos);
}

/* The option word opt ("--ns") in an options column ("--ns=@types --cg=@cgroups
 * --"): NULL when it is not there; else its value's class ("@types"), ""
 * for an option without a value. */
static const char *option_value(const char *options, const char *opt, char *buf, size_t size)
{
    size_t ol = strcspn(opt, "=");
    for (const char *p = options; p && *p;) {
        p += strspn(p, " ");
        size_t tl = strcspn(p, " ");
        size_t nl = strcspn(p, "= ");
        if (nl == ol && strncmp(p, opt, ol) == 0) {
            if (p[nl] != '=')
                return "";
            size_t vl = tl - nl - 1;
            /* "--name=": a value nothing completes. */
            snprintf(buf, size, "%.*s", (int)vl, vl ? p + nl + 1 : "@none");
            return buf;
        }
        p += tl;
    }
    return NULL;
}

static void complete_args(struct comp *c, const struct command *cmd, char **words, int nw)
{
    char vbuf[128];
    const char *pending = NULL; /* the class of the value an option waits for */
    bool options_end = false;
    for (int k = 1; k < nw; k++) {
        const char *w = words[k];
        if (pending) {
            pending = NULL;
            continue;
        }
        if (!options_end && strcmp(w, "--") == 0) {
            options_end = true;
            continue;
        }
        if (!options_end && w[0] == '-' && w[1] && cmd->options) {
            const char *v = option_value(cmd->options, w, vbuf, sizeof vbuf);
            if (v && *v && !strchr(w, '='))
                pending = v;
            continue;
        }
        c->pos[c->npos++] = words[k];
    }
    if (pending) {
        add_alternatives(c, pending);
        return;
    }
    if (!options_end && c->text[0] == '-' && cmd->options) {
        /* --ns=pid,<Tab>: the value after '='. */
        const char *eq = strchr(c->text, '=');
        const char *v = eq ? option_value(cmd->options, c->text, vbuf, sizeof vbuf) : NULL;
        if (v && *v) {
            size_t before = cands.n;
            struct comp vc = *c;
            vc.text = eq + 1;
            add_alternatives(&vc, v);
            /* Offered with the option in front: "--ns=pid,mnt". */
            for (size_t k = before; k < cands.n; k++) {
                struct strbuf b = {0};
                sb_appendn(&b, c->text, (size_t)(eq - c->text) + 1);
                sb_append(&b, cands.v[k]);
                free(cands.v[k]);
                cands.v[k] = sb_steal(&b);
            }
            return;
        }
        cleanup_free char *opts = xstrdup(cmd->options);
        char *s2 = NULL;
        for (char *o = strtok_r(opts, " ", &s2); o; o = strtok_r(NULL, " ", &s2)) {
            o[strcspn(o, "=")] = '\0';
            cand(o);
        }
        return;
    }
    if (cmd->complete)
        add_spec(c, cmd->complete, 0);
}

static char **nsl_completion(const char *text, int start, int end)
{
    (void)end;
    cands_reset();
    rl_attempted_completion_over = 1;
    rl_sort_completion_matches = 1;
    /* The words of the current command, before the one being completed. */
    int seg = start;
    while (seg > 0 && rl_line_buffer[seg - 1] != ';')
        seg--;
    cleanup_free char *before = xstrndup(rl_line_buffer + seg, (size_t)(start - seg));
    char *words[64], *pos[64];
    int nw = 0;
    char *save = NULL;
    for (char *w = strtok_r(before, " \t", &save); w && nw < 64; w = strtok_r(NULL, " \t", &save))
        words[nw++] = w;

    struct comp c = {.text = text, .pos = pos};
    if (nw == 0) {
        if (text[0] == '!') {
            /* !PROGRAM: the programs on PATH, the ! kept in front. */
            add_path_programs("!", text + 1, NULL);
        } else {
            add_class(&c, "@command");
        }
    } else {
        /* "!bash ARGS": the row of "!", PROGRAM being its word 0. */
        const struct command *cmd = command_find(words[0][0] == '!' ? "!" : words[0]);
        if (!cmd)
            return NULL;
        complete_args(&c, cmd, words, nw);
    }
    if (cands.n == 0 && c.files) {
        rl_attempted_completion_over = 0;
        return NULL;
    }
    if (c.keep_order)
        rl_sort_completion_matches = 0;
    char **m = rl_completion_matches(text, generator);
    if (!m && c.files)
        rl_attempted_completion_over = 0;
    return m;
}

void complete_init(struct nsl *sh)
{
    comp_sh = sh;
    rl_readline_name = "nslab";
    rl_attempted_completion_function = nsl_completion;
    rl_basic_word_break_characters = " \t\n;";
}
