#define _GNU_SOURCE
#include "i18n.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <locale.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

/* The locale is process-wide state in the C library; these two remember
 * what nslab changed in the environment so programs it runs get the user's
 * own back (a `stat` in a lab must speak the user's language, not ours). */
static bool language_set;
static char *user_language;

const char *i18n_lang_from_env(void)
{
    static const char *const vars[] = {"LC_ALL", "LC_MESSAGES", "LANG"};
    for (size_t k = 0; k < ARRAY_SIZE(vars); k++) {
        const char *v = getenv(vars[k]);
        if (v && *v)
            return strncmp(v, "zh", 2) == 0 ? "zh" : "en";
    }
    return "en";
}

/* build/nslab finds build/locale; PREFIX/bin/nslab finds PREFIX/share/locale. */
static int locale_dir(char *buf, size_t size)
{
    static const char *const rel[] = {"locale", "../share/locale"};
    return data_dir_find(buf, size, "NSLAB_LOCALEDIR", rel, ARRAY_SIZE(rel),
                         "zh_CN/LC_MESSAGES/" I18N_DOMAIN ".mo");
}

/* gettext ignores LANGUAGE in the "C" locale, and a machine often lacks
 * zh_CN.UTF-8 itself; C.UTF-8 is always there and is enough: the messages
 * come from our catalog, and a UTF-8 LC_CTYPE keeps them (and the C
 * library's own strerror texts) from being converted to '?'. Only
 * LC_MESSAGES and LC_CTYPE change: numbers keep their C format. */
static void use_locale(int category)
{
    const char *got = setlocale(category, "");
    if (!got || strcmp(got, "C") == 0 || strcmp(got, "POSIX") == 0)
        setlocale(category, "C.UTF-8");
}

void i18n_init(const char *lang)
{
    char dir[PATH_MAX];
    if (!lang || strcmp(lang, "zh") != 0 || locale_dir(dir, sizeof dir) < 0) {
        /* English (also when no catalog is installed, as gettext would). */
        setlocale(LC_MESSAGES, "C");
        setlocale(LC_CTYPE, "C");
        return;
    }
    use_locale(LC_MESSAGES);
    use_locale(LC_CTYPE);
    if (!language_set) {
        const char *v = getenv("LANGUAGE");
        user_language = v ? xstrdup(v) : NULL;
        language_set = true;
    }
    setenv("LANGUAGE", "zh_CN", 1);
    bindtextdomain(I18N_DOMAIN, dir);
    bind_textdomain_codeset(I18N_DOMAIN, "UTF-8");
    /* Load the catalog now (gettext opens it at the first lookup and keeps
     * it mapped): the subject, forked later, inherits it, and after its
     * chroot or pivot_root the catalog's path no longer leads anywhere, so a
     * first lookup there would find nothing and speak English. The C
     * library's catalog too, for strerror's texts. */
    (void)dgettext(I18N_DOMAIN, "");
    (void)strerror(EPERM);
}

/* --- printf conversions of a translation ----------------------------- */

#define FMT_MAX_ARGS 32

/* Note that argument at is read as len/cls: -1 when it is out of range or
 * read before as another type (a numbered argument may be read twice, as
 * the same type). */
static int fmt_note(char types[FMT_MAX_ARGS][2], int at, char len, char cls, int *used)
{
    if (at < 0 || at >= FMT_MAX_ARGS || (types[at][0] && (types[at][0] != len || types[at][1] != cls)))
        return -1;
    types[at][0] = len, types[at][1] = cls;
    *used = at + 1 > *used ? at + 1 : *used;
    return 0;
}

/* Width and precision after *pp: digits, or '*' (an int argument, numbered
 * when the conversion is). -1 for what no format may hold. */
static int fmt_width_precision(const char **pp, bool has_pos, int *next,
                               char types[FMT_MAX_ARGS][2], int *used)
{
    const char *p = *pp;
    for (int part = 0; part < 2; part++) {
        if (part == 1) {
            if (*p != '.')
                break;
            p++;
        }
        if (*p == '*') {
            p++;
            int wpos = 0;
            const char *r = p;
            while (*r >= '0' && *r <= '9')
                wpos = wpos * 10 + (*r++ - '0');
            if (has_pos != (r > p && *r == '$'))
                return -1;
            int at = has_pos ? wpos - 1 : (*next)++;
            if (has_pos)
                p = r + 1;
            if (at < 0 || at >= FMT_MAX_ARGS || (types[at][0] && types[at][1] != 'i'))
                return -1;
            types[at][0] = '-', types[at][1] = 'i';
            *used = at + 1 > *used ? at + 1 : *used;
        } else {
            while (*p >= '0' && *p <= '9')
                p++;
        }
    }
    *pp = p;
    return 0;
}

/* The length letter at *pp (see fmt_types), moving past it. */
static char fmt_length(const char **pp)
{
    const char *p = *pp;
    char len = '-';
    if (p[0] == 'h')
        p += p[1] == 'h' ? 2 : 1; /* promoted to int */
    else if (p[0] == 'l' && p[1] == 'l')
        len = 'L', p += 2;
    else if (*p == 'q')
        len = 'L', p++;
    else if (*p && strchr("ljzt", *p))
        len = *p++;
    else if (*p == 'L')
        len = 'D', p++;
    *pp = p;
    return len;
}

/* The argument class of conversion letter c: 'i', 'f', 's', 'w', 'p'; 'm'
 * for %m (no argument); 0 for %n or what is no conversion. */
static char fmt_class(char c, char len)
{
    switch (c) {
    case 'd':
    case 'i':
    case 'o':
    case 'u':
    case 'x':
    case 'X':
    case 'c':
        return 'i';
    case 'e':
    case 'E':
    case 'f':
    case 'F':
    case 'g':
    case 'G':
    case 'a':
    case 'A':
        return 'f';
    case 's':
        return len == 'l' ? 'w' : 's';
    case 'p':
        return 'p';
    case 'm': /* strerror(errno): no argument */
        return 'm';
    default: /* %n writes to memory; anything else is not a conversion */
        return 0;
    }
}

/* Reads the conversions of fmt into types[] by argument position: each an
 * argument class ('i' integers and chars, 'f' floating, 's' string, 'p'
 * pointer, 'w' wide string) after a length letter ('-' none or promoted,
 * 'l', 'L' long long, 'j', 'z', 't', 'D' long double). Returns the number
 * of arguments, or -1 for what no translation may hold (%n, an unknown
 * conversion, numbered and unnumbered mixed, a hole, too many). */
static int fmt_types(const char *fmt, char types[FMT_MAX_ARGS][2])
{
    int next = 0, used = 0, numbered = -1;
    memset(types, 0, sizeof(char[FMT_MAX_ARGS][2]));
    for (const char *p = fmt; (p = strchr(p, '%'));) {
        p++;
        if (*p == '%') {
            p++;
            continue;
        }
        int pos = 0;
        const char *q = p;
        while (*q >= '0' && *q <= '9')
            pos = pos * 10 + (*q++ - '0');
        bool has_pos = q > p && *q == '$';
        if (has_pos)
            p = q + 1;
        if (numbered >= 0 && numbered != (int)has_pos)
            return -1;
        numbered = has_pos;
        while (*p && strchr("-+ #0'I", *p))
            p++;
        if (fmt_width_precision(&p, has_pos, &next, types, &used) < 0)
            return -1;
        char len = fmt_length(&p);
        char cls = fmt_class(*p, len);
        if (!cls)
            return -1;
        p++;
        if (cls == 'm')
            continue;
        if (fmt_note(types, has_pos ? pos - 1 : next++, len, cls, &used) < 0)
            return -1;
    }
    for (int k = 0; k < used; k++)
        if (!types[k][0])
            return -1; /* an argument no conversion reads: positions unclear */
    return used;
}

/* The '%' directives of a text that is no format (help texts name jobs %1,
 * %N; narration says 20%): each '%' with what follows it up to a letter or
 * a blank, in order, one per line into out. */
static void raw_directives(const char *s, struct strbuf *out)
{
    for (const char *p = s; (p = strchr(p, '%'));) {
        const char *q = p + 1;
        while (*q && q - p < 12 && !isalpha((unsigned char)*q) && !isspace((unsigned char)*q) &&
               *q != '%')
            q++;
        if (*q && isalpha((unsigned char)*q))
            q++;
        sb_appendn(out, p, (size_t)(q - p));
        sb_appendc(out, '\n');
        p = q;
    }
}

int i18n_formats_match(const char *msgid, const char *msgstr)
{
    char a[FMT_MAX_ARGS][2], b[FMT_MAX_ARGS][2];
    int na = fmt_types(msgid, a), nb = fmt_types(msgstr, b);
    if (na >= 0)
        return na == nb && memcmp(a, b, sizeof a) == 0;
    /* msgid is no valid format: the translation may only repeat its '%'
     * words exactly, so whatever printf makes of one, it makes of both. */
    cleanup_sb struct strbuf ra = {0}, rb = {0};
    raw_directives(msgid, &ra);
    raw_directives(msgstr, &rb);
    return strcmp(sb_str(&ra), sb_str(&rb)) == 0;
}

const char *i18n_gettext(const char *msgid)
{
    const char *t = dgettext(I18N_DOMAIN, msgid);
    if (t == msgid || (!strchr(msgid, '%') && !strchr(t, '%')))
        return t;
    return i18n_formats_match(msgid, t) ? t : msgid;
}

void i18n_restore_env(void)
{
    if (!language_set)
        return;
    if (user_language)
        setenv("LANGUAGE", user_language, 1);
    else
        unsetenv("LANGUAGE");
}

void i18n_done(void)
{
    free(user_language);
    user_language = NULL;
}

/* The length of the conversion at p ('%' first), 0 for "%%". */
static size_t conv_len(const char *p)
{
    size_t k = 1;
    if (p[k] == '%')
        return 0;
    while (p[k] && !strchr("diouxXeEfFgGaAcsp", p[k]))
        k++;
    return p[k] ? k + 1 : k;
}

/* Matches text against fmt, each conversion standing for any text (the
 * shortest that lets the rest match); the spans found in cap[]. */
static bool fmt_match(const char *f, const char *t, const char **cap, size_t *capn, int ncap)
{
    if (!*f)
        return !*t;
    if (*f == '%') {
        size_t n = conv_len(f);
        if (n == 0)
            return *t == '%' && fmt_match(f + 2, t + 1, cap, capn, ncap);
        if (ncap >= 16)
            return false;
        for (const char *e = t;; e++) {
            if (fmt_match(f + n, e, cap + 1, capn + 1, ncap + 1)) {
                cap[0] = t, capn[0] = (size_t)(e - t);
                return true;
            }
            if (!*e)
                return false;
        }
    }
    return *f == *t && fmt_match(f + 1, t + 1, cap, capn, ncap);
}

bool i18n_reformat(const char *fmt, const char *text, char *out, size_t size)
{
    /* A conversion the text did not fill stays empty. */
    const char *cap[16] = {0};
    size_t capn[16] = {0};
    const char *tr = _(fmt);
    if (tr == fmt || !fmt_match(fmt, text, cap, capn, 0))
        return false;
    size_t o = 0;
    int next = 0;
    for (const char *p = tr; *p && o + 1 < size; p++) {
        size_t n = *p == '%' ? conv_len(p) : 1;
        if (*p != '%' || n == 0) {
            out[o++] = *p;
            p += *p == '%';
            continue;
        }
        int i = next++;
        if (isdigit((unsigned char)p[1]) && strchr(p, '$') && strchr(p, '$') < p + n)
            i = atoi(p + 1) - 1;
        /* "%.0s" takes a value and shows none (an English plural's "s") */
        bool shown = !(p[n - 1] == 's' && n >= 4 && p[n - 3] == '.' && p[n - 2] == '0');
        if (shown && i >= 0 && i < 16 && cap[i]) {
            /* A string value may be the C library's English (strerror):
             * its own catalog has it in the user's language. */
            char v[256];
            const char *val = cap[i];
            size_t vn = capn[i];
            if (p[n - 1] == 's' && vn < sizeof v) {
                memcpy(v, cap[i], vn);
                v[vn] = '\0';
                const char *t = dgettext("libc", v);
                if (t != v)
                    val = t, vn = strlen(t);
            }
            size_t c = vn < size - 1 - o ? vn : size - 1 - o;
            memcpy(out + o, val, c);
            o += c;
        }
        p += n - 1;
    }
    out[o] = '\0';
    return true;
}

const char *i18n_ngettext(const char *msgid, const char *plural, unsigned long n)
{
    const char *en = n == 1 ? msgid : plural;
    const char *t = dngettext(I18N_DOMAIN, msgid, plural, n);
    if (t == msgid || t == plural)
        return en;
    return i18n_formats_match(en, t) ? t : en;
}
