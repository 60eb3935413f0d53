/* Chinese for help, errors and narration, through GNU gettext (the C
 * library's). English is the msgid itself, so English needs no catalog;
 * the Chinese catalog is built from the PO files in docs/i18n/zh_CN. */
#ifndef NSLAB_I18N_H
#define NSLAB_I18N_H

#include <libintl.h>
#include <stdbool.h>
#include <stddef.h>

#define I18N_DOMAIN "nslab"
#define _(s) i18n_gettext(s)
/* A translation only ever printed as text, through "%s" (help texts, lab
 * narration): its '%' (job %1, 20%) mean nothing, so it is not checked. */
#define T_(s) dgettext(I18N_DOMAIN, s)
/* A plural: singular s or plural p for n in English, the catalog's form
 * for n in the user's language; checked as _() is (the form chosen must
 * carry s's conversions, else English). */
#define NG_(s, p, n) i18n_ngettext(s, p, (unsigned long)(n))
const char *i18n_ngettext(const char *msgid, const char *plural, unsigned long n);
/* Marks a string for the catalog where it is defined; translated where used. */
#define N_(s) s

/* The translation of msgid, used only when it carries the same printf
 * conversions as msgid (the rule of msgfmt --check-format, checked here
 * again at use, so a catalog cannot turn a message into %n or %p): else
 * msgid itself, in English. Every translated string may be a format. */
const char *i18n_gettext(const char *msgid);
/* The check itself: 1 when the two strings' conversions (argument types,
 * in order or by %N$ position) are the same and none is %n, else 0. */
int i18n_formats_match(const char *msgid, const char *msgstr);

/* text was printed (in English) by the format fmt: the same text in the
 * user's language, the values put into fmt's translation, in out. False
 * (out unset) when fmt has no translation or text does not match it. */
bool i18n_reformat(const char *fmt, const char *text, char *out, size_t size);

/* Selects the language for the rest of the process: "zh" loads the Chinese
 * catalog (locale dir from NSLAB_LOCALEDIR, next to the binary, or
 * PREFIX/share/locale); anything else keeps the C locale, so English. */
void i18n_init(const char *lang);
/* In a child about to exec another program: the environment as the user
 * gave it (i18n_init sets LANGUAGE for gettext's sake). */
void i18n_restore_env(void);
/* At exit: frees what i18n_init kept. */
void i18n_done(void);
/* "zh" when LC_ALL, else LC_MESSAGES, else LANG names a Chinese locale. */
const char *i18n_lang_from_env(void);

#endif
