#define _GNU_SOURCE
/* Tab completion, driven by the command table's `complete` and `options`
 * columns: commands, namespace types, targets, job ids, file paths. */
#include <stdlib.h>
#include <string.h>

#include <readline/readline.h>

#include "../cgroups.h"
#include "../commands.h"
#include "../subject.h"
#include "shell.h"

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

static void cand(const char *s)
{
    if (cands.n == cands.cap) {
        cands.cap = cands.cap ? cands.cap * 2 : 32;
        cands.v = xrealloc(cands.v, cands.cap * sizeof *cands.v);
    }
    cands.v[cands.n++] = xstrdup(s);
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

static void add_class(const char *cls, bool *files)
{
    char buf[32];
    if (strcmp(cls, "@type") == 0) {
        for (int s = 0; s < NS_NSLOTS; s++)
            if (ns_is_type(s))
                cand(ns_info[s].name);
    } else if (strcmp(cls, "@target") == 0 || strcmp(cls, "@job") == 0) {
        if (cls[1] == 't') {
            cand("self");
            cand("host");
        }
        for (size_t k = 0; comp_sh && k < comp_sh->jobs.n; k++) {
            snprintf(buf, sizeof buf, "%%%d", comp_sh->jobs.v[k].id);
            cand(buf);
        }
    } else if (strcmp(cls, "@cgroup") == 0) {
        for (size_t k = 0; comp_sh && comp_sh->cg && k < comp_sh->cg->session.n; k++)
            cand(comp_sh->cg->session.v[k]->name);
    } else if (strcmp(cls, "@command") == 0) {
        for (size_t k = 0; k < commands_count; k++)
            if (strcmp(commands[k].name, "!") != 0)
                cand(commands[k].name);
        *files = true;
    } else if (strcmp(cls, "@file") == 0) {
        *files = true;
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
    } else {
        cand(cls);
    }
}

/* Candidates for argument number pos (0 = first after the command). */
static void add_spec(const char *spec, int pos, bool *files)
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
    char *save2 = NULL;
    for (char *alt = strtok_r(tok, "|", &save2); alt; alt = strtok_r(NULL, "|", &save2))
        add_class(alt, files);
}

static char **nsl_completion(const char *text, int start, int end)
{
    (void)end;
    cands_reset();
    rl_attempted_completion_over = 1;
    /* The words of the current command, before the one being completed. */
    int seg = start;
    while (seg > 0 && rl_line_buffer[seg - 1] != ';')
        seg--;
    cleanup_free char *before = xstrndup(rl_line_buffer + seg, (size_t)(start - seg));
    char *words[64];
    int nw = 0;
    char *save = NULL;
    for (char *w = strtok_r(before, " \t", &save); w && nw < 64; w = strtok_r(NULL, " \t", &save))
        words[nw++] = w;

    bool files = false;
    if (nw == 0) {
        if (text[0] == '!') {
            rl_attempted_completion_over = 0;
            return NULL;
        }
        for (size_t k = 0; k < commands_count; k++)
            if (strcmp(commands[k].name, "!") != 0)
                cand(commands[k].name);
    } else {
        const struct command *c = command_find(words[0][0] == '!' ? "!" : words[0]);
        if (!c)
            return NULL;
        if (text[0] == '-' && c->options) {
            cleanup_free char *opts = xstrdup(c->options);
            char *s2 = NULL;
            for (char *o = strtok_r(opts, " ", &s2); o; o = strtok_r(NULL, " ", &s2))
                cand(o);
        } else if (c->complete) {
            int pos = 0;
            for (int k = 1; k < nw; k++)
                if (words[k][0] != '-')
                    pos++;
            /* Values of options: spawn --ns TYPES. */
            if (nw >= 2 && strcmp(words[nw - 1], "--ns") == 0)
                add_class("@type", &files);
            else if (nw >= 2 && strcmp(words[nw - 1], "--cg") == 0)
                add_class("@cgroup", &files);
            else if (nw >= 2 && strcmp(words[nw - 1], "--in") == 0)
                add_class("@target", &files);
            else if (nw >= 2 && strcmp(words[nw - 1], "--propagation") == 0) {
                cand("private"), cand("slave"), cand("shared"), cand("unchanged");
            } else
                add_spec(c->complete, pos, &files);
        }
    }
    if (cands.n == 0 && files) {
        rl_attempted_completion_over = 0;
        return NULL;
    }
    char **m = rl_completion_matches(text, generator);
    if (!m && files)
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
