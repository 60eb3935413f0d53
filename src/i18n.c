#define _GNU_SOURCE
#include "i18n.h"

#include <limits.h>
#include <stdbool.h>
#include <locale.h>
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
