#define _GNU_SOURCE
/* A lab's header: read, checked, printed (lab.h). */
#include "lab/lab.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "render/render.h"

/* "# key: value" with this key: the value, else NULL. */
static const char *header_key(const char *line, const char *key)
{
    size_t n = strlen(key);
    if (strncmp(line, "# ", 2) != 0 || strncmp(line + 2, key, n) != 0 || line[2 + n] != ':')
        return NULL;
    const char *v = line + 3 + n;
    while (*v == ' ')
        v++;
    return v;
}

static bool is_key_line(const char *line)
{
    static const char *const keys[] = {"requires", "duration", "prerequisites", "transcript",
                                       "What you will see"};
    for (size_t k = 0; k < ARRAY_SIZE(keys); k++)
        if (header_key(line, keys[k]))
            return true;
    return false;
}

static void set_field(char **field, const char *v)
{
    if (!*field)
        *field = xstrdup(v);
}

void lab_header_parse(const char *text, struct lab_header *h)
{
    memset(h, 0, sizeof *h);
    struct strbuf see = {0};
    bool in_see = false;
    int n = 0;
    for (const char *p = text; *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        cleanup_free char *line = xstrndup(p, len);
        size_t k = strspn(line, " \t");
        if (line[k] && line[k] != '#')
            break; /* the first command */
        n++;
        const char *v;
        bool key = is_key_line(line);
        if (key)
            in_see = false;
        if (n == 1 && strncmp(line, "# ", 2) == 0 && line[2] && !key) {
            h->title = xstrdup(line + 2);
        } else if ((v = header_key(line, "requires"))) {
            set_field(&h->requires, v);
        } else if ((v = header_key(line, "duration"))) {
            set_field(&h->duration, v);
        } else if ((v = header_key(line, "prerequisites"))) {
            set_field(&h->prereq, v);
        } else if ((v = header_key(line, "What you will see"))) {
            in_see = !h->see && !see.len;
            if (in_see)
                sb_append(&see, v);
        } else if (in_see && strncmp(line, "# ", 2) == 0 && line[2]) {
            sb_printf(&see, " %s", line + 2);
        } else {
            in_see = false;
        }
        p = nl ? nl + 1 : p + len;
    }
    if (see.len)
        h->see = xstrdup(sb_str(&see));
    sb_free(&see);
    h->lines = n;
}

void lab_header_free(struct lab_header *h)
{
    free(h->title);
    free(h->requires);
    free(h->duration);
    free(h->prereq);
    free(h->see);
    memset(h, 0, sizeof *h);
}

static bool duration_ok(const char *d)
{
    char *end;
    long m = strtol(d, &end, 10);
    return end != d && m > 0 && (strcmp(end, " minutes") == 0 || strcmp(end, " minute") == 0);
}

int lab_header_check(const struct lab_header *h, struct strbuf *problems)
{
    int n = 0;
    if (!h->title) {
        sb_printf(problems, _("1: the first line is not a title comment ('# Title: what it "
                              "shows')\n"));
        n++;
    }
    if (!h->duration || !duration_ok(h->duration)) {
        sb_printf(problems, _("%d: no '# duration: N minutes' line in the header\n"),
                  h->lines ? h->lines : 1);
        n++;
    }
    if (!h->prereq || !*h->prereq) {
        sb_printf(problems, _("%d: no '# prerequisites:' line in the header (say 'none' when "
                              "there are none)\n"),
                  h->lines ? h->lines : 1);
        n++;
    }
    if (!h->see || !*h->see) {
        sb_printf(problems, _("%d: no '# What you will see:' paragraph in the header\n"),
                  h->lines ? h->lines : 1);
        n++;
    }
    return n;
}

/* text wrapped at spaces to width, each line after the first indented. */
static void wrap(struct strbuf *o, const char *text, int width, const char *indent)
{
    int col = 0;
    size_t ind = strlen(indent);
    for (const char *p = text; *p;) {
        while (*p == ' ')
            p++;
        size_t w = strcspn(p, " ");
        if (!w)
            break;
        /* Columns: a UTF-8 character of CJK text takes two; bytes are a
         * fair bound for the rest. */
        int cols = 0;
        for (size_t k = 0; k < w; k++)
            if (((unsigned char)p[k] & 0xc0) != 0x80)
                cols += (unsigned char)p[k] >= 0xe0 ? 2 : 1;
        if (col && col + 1 + cols > width) {
            sb_printf(o, "\n%s", indent);
            col = (int)ind;
        } else if (col) {
            sb_appendc(o, ' ');
            col++;
        }
        sb_appendn(o, p, w);
        col += cols;
        p += w;
    }
    sb_appendc(o, '\n');
}

void lab_header_print(struct nsl *sh, const struct lab_header *h, FILE *f, int width)
{
    struct strbuf o = {0};
    if (h->title)
        sb_printf(&o, "%s== %s ==%s\n", col(sh, C_BOLD), T_(h->title), col(sh, C_RESET));
    struct strbuf line = {0};
    if (h->duration && h->prereq)
        sb_printf(&line, _("Duration: %s. Prerequisites: %s."), T_(h->duration), T_(h->prereq));
    else if (h->duration)
        sb_printf(&line, _("Duration: %s."), T_(h->duration));
    else if (h->prereq)
        sb_printf(&line, _("Prerequisites: %s."), T_(h->prereq));
    if (line.len)
        wrap(&o, sb_str(&line), width, "  ");
    sb_free(&line);
    if (h->see) {
        sb_printf(&line, _("What you will see: %s"), T_(h->see));
        wrap(&o, sb_str(&line), width, "  ");
        sb_free(&line);
    }
    if (o.len) {
        sb_appendc(&o, '\n');
        fputs(sb_str(&o), f);
        fflush(f);
    }
    sb_free(&o);
}

bool lab_is_challenge(const char *text)
{
    const char *p = text;
    if (strncmp(p, "\xef\xbb\xbf", 3) == 0)
        p += 3;
    while (*p) {
        p += strspn(p, " \t");
        if (*p == '#' || *p == '\n') {
            const char *nl = strchr(p, '\n');
            if (!nl)
                return false;
            p = nl + 1;
            continue;
        }
        return strncmp(p, "goal", 4) == 0 && (p[4] == ' ' || p[4] == '\t' || p[4] == '\n' ||
                                              !p[4]);
    }
    return false;
}
