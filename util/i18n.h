/* util/i18n.h - translated messages (gettext; libintl is part of glibc).
 *
 * Every sentence a person reads is written whole in English, with placeholders, and passed through
 * _() where it is formatted; N_() marks a string for the catalog without translating it (tables,
 * the rule registry: they are translated with _() where they are shown); P_() picks the plural
 * form.  The catalogs come from po/ (zh_CN.po); xgettext extracts the strings at build time.
 * JSON keys, rule ids and the Prometheus/Nagios lines are never passed through these macros. */
#ifndef PP_UTIL_I18N_H
#define PP_UTIL_I18N_H

#include <libintl.h>

#define PP_TEXTDOMAIN "pve-passthrough"

#define _(s)        dgettext(PP_TEXTDOMAIN, s)
#define N_(s)       s
#define P_(s, p, n) dngettext(PP_TEXTDOMAIN, s, p, n)

/* Selects the messages' language from the environment (LANGUAGE, LC_ALL, LC_MESSAGES, LANG), or
 * from language (a LANGUAGE value such as "zh_CN"; NULL or "" = the environment).  Only
 * LC_MESSAGES and LC_CTYPE follow the environment (numbers, sorting and dates stay "C": JSON and
 * the Prometheus lines never change).  A language whose locale is not generated on the host
 * (PVE nodes usually have only en_US.UTF-8) still gets its messages, through C.UTF-8 (glibc < 2.39)
 * or the host's default locale (util/i18n.c); the catalog is then opened here, to see that the
 * chosen locale lets it answer.  Otherwise gettext reads it at the first translated message, and
 * never under the C locale.  May be called again (the guard calls it with its `language` setting
 * only when it has to speak). */
void util_i18n_init(const char *language);

/* Where the catalogs were looked up (PP_LOCALEDIR, or the build tree's for an uninstalled
 * binary); "" before util_i18n_init() or when no language is selected. */
const char *util_i18n_localedir(void);

#endif
