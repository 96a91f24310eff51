/* util/i18n.c - chooses the messages' language and where their catalogs are.  See util/i18n.h.
 * Never prints; loads no catalog itself (gettext does, at the first translated message). */
#include "util/i18n.h"

#include <langinfo.h>
#include <locale.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/paths.h"

static char localedir[PP_PATH_MAX];

static bool is_c(const char *l)
{
	return !l || !*l || strcmp(l, "C") == 0 || strcmp(l, "POSIX") == 0;
}

/* The locale setlocale(LC_MESSAGES, "") would take, by POSIX's order. */
static const char *env_messages_locale(void)
{
	static const char *const vars[] = {"LC_ALL", "LC_MESSAGES", "LANG"};

	for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
		const char *v = getenv(vars[i]);

		if (v && *v)
			return v;
	}
	return NULL;
}

/* The catalog answers: gettext("") is the header of the catalog it found for the current
 * LC_MESSAGES / LANGUAGE, "" when it found none. */
static bool catalog_found(void)
{
	static const char header[] = ""; /* not a literal: xgettext would take it for a message */
	const char *h = dgettext(PP_TEXTDOMAIN, header);

	return h && *h;
}

/* LANG= of the running machine's default locale file ("" when none): a locale that is generated
 * there (PVE nodes: en_US.UTF-8). */
static void system_locale(char *buf, size_t n)
{
	char line[256];
	FILE *f = fopen(PP_ETC_DEFAULT_LOCALE, "re");

	buf[0] = '\0';
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *v = line + strspn(line, " \t");
		size_t len;

		if (strncmp(v, "LANG=", 5) != 0)
			continue;
		v += 5;
		if (*v == '"' || *v == '\'')
			v++;
		len = strcspn(v, "\"' \t\r\n");
		if (len < n) {
			memcpy(buf, v, len);
			buf[len] = '\0';
		}
	}
	fclose(f);
}

/* Messages in `language` (a LANGUAGE value: "zh_CN", "zh_CN:en").  gettext honours LANGUAGE
 * under any LC_MESSAGES locale but the C ones; since glibc 2.39 (Debian 13) C.UTF-8 counts as C
 * too (glibc bug 16621), so C.UTF-8 alone no longer does.  Tried in order, the first under which
 * the catalog answers is kept: the language's own locale (when generated), C.UTF-8 (built into
 * glibc >= 2.35: enough before 2.39), the machine's default locale (/etc/default/locale; PVE nodes
 * generate en_US.UTF-8).  Numbers and dates stay "C" (only LC_MESSAGES and LC_CTYPE change).
 * None: English. */
static void use_language(const char *language)
{
	char own[128], sys[128];
	const char *cand[3];
	size_t n = 0;

	setenv("LANGUAGE", language, 1);
	snprintf(own, sizeof(own), "%.*s.UTF-8", (int)strcspn(language, ":."), language);
	cand[n++] = own;
	cand[n++] = "C.UTF-8";
	system_locale(sys, sizeof(sys));
	if (sys[0] && !is_c(sys))
		cand[n++] = sys;
	for (size_t i = 0; i < n; i++) {
		if (!setlocale(LC_MESSAGES, cand[i]))
			continue;
		if (catalog_found()) {
			setlocale(LC_CTYPE, cand[i]);
			return;
		}
	}
	setlocale(LC_MESSAGES, "C");
}

/* The installed catalogs, or, for a binary that is not the installed one, the build tree's
 * (make writes build/locale/LINGUAS next to them): ./pve-passthrough -> build/locale,
 * build/tests/pve-passthrough-test -> build/locale, build-asan/pve-passthrough -> build-asan/locale. */
static void find_localedir(void)
{
	static const char *const rel[] = {"/build/locale", "/locale", "/../locale"};
	char exe[PP_PATH_MAX], cand[PP_PATH_MAX + 32];
	ssize_t n;
	char *slash;

	snprintf(localedir, sizeof(localedir), "%s", PP_LOCALEDIR);
	n = readlink(PP_PROC_SELF_EXE, exe, sizeof(exe) - 1);
	if (n <= 0)
		return;
	exe[n] = '\0';
	if (strcmp(exe, PP_TOOL_BIN) == 0 || !(slash = strrchr(exe, '/')))
		return;
	*slash = '\0';
	for (size_t i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
		snprintf(cand, sizeof(cand), "%s%s/LINGUAS", exe, rel[i]);
		if (access(cand, R_OK) == 0) {
			cand[strlen(cand) - sizeof("/LINGUAS") + 1] = '\0';
			snprintf(localedir, sizeof(localedir), "%s", cand);
			return;
		}
	}
}

void util_i18n_init(const char *language)
{
	const char *msgs, *want, *lv;

	setlocale(LC_CTYPE, "");
	msgs = setlocale(LC_MESSAGES, "");
	if (!language || !*language) {
		if (msgs && is_c(msgs))
			return; /* LC_ALL=C and friends: English, and gettext never looks for a catalog */
		if (!msgs) {
			/* the environment names a locale this host has not generated: its language all
			 * the same, unless LANGUAGE already says which */
			want = env_messages_locale();
			if (is_c(want))
				return;
			lv = getenv("LANGUAGE");
			language = lv && *lv ? lv : want;
		}
	}
	if (!localedir[0])
		find_localedir();
	bindtextdomain(PP_TEXTDOMAIN, localedir);
	if (language && *language)
		use_language(language);
	/* a C (ASCII) character type would turn every translated character into '?' */
	if (strcmp(nl_langinfo(CODESET), "UTF-8") != 0 && is_c(setlocale(LC_CTYPE, NULL)))
		bind_textdomain_codeset(PP_TEXTDOMAIN, "UTF-8");
}

const char *util_i18n_localedir(void)
{
	return localedir;
}
