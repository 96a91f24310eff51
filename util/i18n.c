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

/* Messages in `language` under a locale that exists everywhere (glibc >= 2.35 builds C.UTF-8 in;
 * LANGUAGE is honoured under any locale but "C"). */
static void use_language(const char *language)
{
	setenv("LANGUAGE", language, 1);
	if (setlocale(LC_MESSAGES, "C.UTF-8"))
		setlocale(LC_CTYPE, "C.UTF-8");
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
	const char *msgs, *want;

	setlocale(LC_CTYPE, "");
	msgs = setlocale(LC_MESSAGES, "");
	if (language && *language) {
		use_language(language);
	} else if (!msgs) {
		/* the environment names a locale this host has not generated: its language all the
		 * same, unless LANGUAGE already says which */
		want = env_messages_locale();
		if (is_c(want))
			return;
		const char *lv = getenv("LANGUAGE");
		use_language(lv && *lv ? lv : want);
	} else if (is_c(msgs)) {
		return; /* LC_ALL=C and friends: English, and gettext never looks for a catalog */
	}
	if (!localedir[0])
		find_localedir();
	bindtextdomain(PP_TEXTDOMAIN, localedir);
	/* a C (ASCII) character type would turn every translated character into '?' */
	if (strcmp(nl_langinfo(CODESET), "UTF-8") != 0 && is_c(setlocale(LC_CTYPE, NULL)))
		bind_textdomain_codeset(PP_TEXTDOMAIN, "UTF-8");
}

const char *util_i18n_localedir(void)
{
	return localedir;
}
