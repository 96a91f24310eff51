/* settings/settings.c - parses /etc/pve-passthrough.conf with libconfuse into struct settings.
 * libconfuse's errors and our value checks both come back as "FILE:LINE: problem" in struct
 * util_err (through its error callback).  Must not print: libconfuse's default error function
 * writes to stderr, so it is always replaced. */
#include "settings/settings.h"

#include <confuse.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/fileio.h"
#include "util/i18n.h"

/* What the callbacks need while one file is parsed.  libconfuse passes its callbacks no user
 * pointer, so the parse in progress is found through this thread-local, set only for the
 * duration of cfg_parse() in settings_load(). */
struct parse_ctx {
	const char *path;
	const char *const *known;
	char msg[1024];
	bool failed;
};
static _Thread_local struct parse_ctx *current;

static void on_error(cfg_t *cfg, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
static void on_error(cfg_t *cfg, const char *fmt, va_list ap)
{
	char text[768];

	if (!current || current->failed)
		return; /* keep the first problem: later ones are often its echoes */
	vsnprintf(text, sizeof(text), fmt, ap);
	snprintf(current->msg, sizeof(current->msg), "%s:%d: %s", current->path,
	         cfg ? cfg->line : 0, text);
	current->failed = true;
}

static int check_severity(cfg_t *cfg, cfg_opt_t *opt)
{
	static const char *ok[] = {"info", "warning", "error", "off"};
	const char *v = cfg_opt_getnstr(opt, cfg_opt_size(opt) - 1);

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (v && strcmp(v, ok[i]) == 0)
			return 0;
	cfg_error(cfg, _("severity '%s' is not one of info, warning, error, off"), v ? v : "");
	return -1;
}

static int check_on_error(cfg_t *cfg, cfg_opt_t *opt)
{
	const char *v = cfg_opt_getnstr(opt, cfg_opt_size(opt) - 1);

	if (v && (strcmp(v, "allow") == 0 || strcmp(v, "refuse") == 0))
		return 0;
	cfg_error(cfg, _("on-internal-error '%s' is not one of allow, refuse"), v ? v : "");
	return -1;
}

static int check_timeout(cfg_t *cfg, cfg_opt_t *opt)
{
	long v = cfg_opt_getnint(opt, cfg_opt_size(opt) - 1);

	if (v >= 1 && v <= 600)
		return 0;
	cfg_error(cfg, _("timeout %ld is out of range (1..600 seconds)"), v);
	return -1;
}

/* A LANGUAGE value: "zh_CN", "zh_CN:en", "de_DE.UTF-8"; "" = the environment's. */
static bool language_valid(const char *v)
{
	size_t n = v ? strlen(v) : 0;

	if (!v || n >= sizeof(((struct settings *)0)->guard_language))
		return false;
	return strspn(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_@.:-") ==
	       n;
}

static int check_language(cfg_t *cfg, cfg_opt_t *opt)
{
	const char *v = cfg_opt_getnstr(opt, cfg_opt_size(opt) - 1);

	if (language_valid(v))
		return 0;
	cfg_error(cfg,
	          _("language '%s' is not a language name such as zh_CN (or \"\" for the "
	            "environment's)"),
	          v ? v : "");
	return -1;
}

static int check_deadline(cfg_t *cfg, cfg_opt_t *opt)
{
	long v = cfg_opt_getnint(opt, cfg_opt_size(opt) - 1);

	if (v >= 0 && v <= SETTINGS_TIMEOUT_MAX)
		return 0;
	cfg_error(cfg, _("timeout %ld is out of range (0..%d seconds; 0 = no limit)"), v,
	          SETTINGS_TIMEOUT_MAX);
	return -1;
}

static int check_rule(cfg_t *cfg, cfg_opt_t *opt)
{
	cfg_t *sec = cfg_opt_getnsec(opt, cfg_opt_size(opt) - 1);
	const char *name = sec ? cfg_title(sec) : NULL;

	if (!current || !current->known || !name)
		return 0;
	for (size_t i = 0; current->known[i]; i++)
		if (strcmp(current->known[i], name) == 0)
			return 0;
	cfg_error(cfg, _("unknown rule '%s' (pve-passthrough(8) lists the rule ids)"), name);
	return -1;
}

/* libconfuse accepts a file that ends inside a section ("guard {" without "}"); find the line of
 * the first '{' left open, skipping quoted strings and # // comments.  0 when balanced. */
static unsigned unclosed_brace(const char *p)
{
	unsigned line = 1, open_lines[32], depth = 0;
	char quote = 0;

	for (; *p; p++) {
		if (*p == '\n')
			line++;
		if (quote) {
			if (*p == '\\' && p[1])
				p++;
			else if (*p == quote)
				quote = 0;
			continue;
		}
		if (*p == '"' || *p == '\'')
			quote = *p;
		else if (*p == '#' || (*p == '/' && p[1] == '/'))
			while (p[1] && p[1] != '\n')
				p++;
		else if (*p == '{' && depth < 32)
			open_lines[depth++] = line;
		else if (*p == '}' && depth)
			depth--;
	}
	return depth ? open_lines[depth - 1] : 0;
}

/* The guard { } blocks of the file, found without parsing the rest: every byte outside them is
 * blanked (newlines kept, so libconfuse's line numbers stay the file's).  Quotes and # // comments
 * are skipped; "guard" at depth 0 followed by '{' opens a block, whatever precedes it.  A NUL byte inside a
 * block stays (and fails the parse); outside one it is blanked with the rest.  Returns the number
 * of blocks found. */
static size_t guard_blocks(const char *data, size_t len, char *out)
{
	size_t depth = 0, blocks = 0, keep_from = (size_t)-1;
	char quote = 0;

	for (size_t i = 0; i < len; i++)
		out[i] = data[i] == '\n' ? '\n' : ' ';
	out[len] = '\0';
	for (size_t i = 0; i < len; i++) {
		char c = data[i];

		if (quote) {
			if (c == '\\' && i + 1 < len)
				i++;
			else if (c == quote)
				quote = 0;
		} else if (c == '"' || c == '\'') {
			quote = c;
		} else if (c == '#' || (c == '/' && i + 1 < len && data[i + 1] == '/')) {
			while (i + 1 < len && data[i + 1] != '\n')
				i++;
		} else if (c == '{') {
			depth++;
		} else if (c == '}' && depth) {
			if (--depth == 0 && keep_from != (size_t)-1) {
				memcpy(out + keep_from, data + keep_from, i + 1 - keep_from);
				keep_from = (size_t)-1;
				blocks++;
			}
		} else if (depth == 0 && c == 'g' && i + 5 <= len &&
		           strncmp(data + i, "guard", 5) == 0) {
			/* whatever comes before it: libconfuse splits "timeout = 60*guard {"
			 * before "guard" (fuzz_settings), and a block this read misses could only
			 * make the guard weaker than the file says */
			size_t j = i + 5;

			while (j < len && strchr(" \t\r\n", data[j]))
				j++;
			if (j < len && data[j] == '{') {
				keep_from = i;
				depth++;
				i = j;
			}
		}
	}
	return blocks;
}

/* The options of guard { }, read by settings_load and, alone, by settings_guard_load. */
/* clang-format off */
#define GUARD_OPTS {                                                                               \
	CFG_STR("on-internal-error", "allow", CFGF_NONE),                                          \
	CFG_INT("timeout", SETTINGS_GUARD_TIMEOUT_DEFAULT, CFGF_NONE),                             \
	CFG_STR("language", "", CFGF_NONE),                                                        \
	CFG_END(),                                                                                 \
}
/* clang-format on */

/* settings_defaults(out), then the file's bytes (NUL-terminated).  1: no file and none needed
 * (the defaults stand), 0: read, or -errno with a message. */
static int read_file(const char *path, bool must_exist, struct settings *out, char **data,
                     size_t *len, struct util_err *e)
{
	int r;

	settings_defaults(out);
	r = util_file_read(path, 1 << 20, data, len, e);
	return r == -ENOENT && !must_exist ? 1 : r;
}

/* A libconfuse context for opts whose errors go to on_error; NULL (text freed, e set) without
 * memory. */
static cfg_t *cfg_new(cfg_opt_t *opts, const char *path, char *text, struct util_err *e)
{
	cfg_t *cfg = cfg_init(opts, CFGF_NONE);

	if (!cfg) {
		free(text);
		util_err_set(e, -ENOMEM, _("%s: out of memory"), path);
		return NULL;
	}
	cfg_set_error_function(cfg, on_error);
	return cfg;
}

/* Parses text (then freed) into cfg.  -EINVAL (cfg freed) with on_error's file:line message, or a
 * general one when libconfuse gave none. */
static int cfg_parse_text(cfg_t *cfg, struct parse_ctx *ctx, char *text, bool guard_only,
                          struct util_err *e)
{
	int r;

	current = ctx;
	r = cfg_parse_buf(cfg, text);
	current = NULL;
	free(text);
	if (r == CFG_SUCCESS)
		return 0;
	if (!ctx->failed)
		snprintf(ctx->msg, sizeof(ctx->msg),
		         guard_only ? _("%s: the guard block cannot be parsed")
		                    : _("%s: cannot be parsed"),
		         ctx->path);
	cfg_free(cfg);
	return util_err_set(e, -EINVAL, "%s", ctx->msg);
}

void settings_defaults(struct settings *s)
{
	memset(s, 0, sizeof(*s));
	s->guard_on_error = SETTINGS_ON_ERROR_ALLOW;
	s->guard_timeout = SETTINGS_GUARD_TIMEOUT_DEFAULT;
	s->timeout = SETTINGS_TIMEOUT_DEFAULT;
}

int settings_load(const char *path, bool must_exist, const char *const *known_rules,
                  struct settings *out, struct util_err *e)
{
	cfg_opt_t rule_opts[] = {CFG_STR("severity", "", CFGF_NONE), CFG_END()};
	cfg_opt_t guard_opts[] = GUARD_OPTS;
	cfg_opt_t opts[] = {
	        CFG_SEC("guard", guard_opts, CFGF_NONE),
	        CFG_SEC("rule", rule_opts, CFGF_MULTI | CFGF_TITLE | CFGF_NO_TITLE_DUPES),
	        CFG_INT("timeout", SETTINGS_TIMEOUT_DEFAULT, CFGF_NONE),
	        CFG_END(), /* api { } and cluster "name" { } (settings/api.h) */
	        CFG_END(),
	        CFG_END(),
	};
	struct parse_ctx ctx = {.path = path, .known = known_rules};

	settings_api_cfg_opts(&opts[3]);
	cfg_t *cfg, *guard;
	char *data;
	size_t len;
	int r;

	r = read_file(path, must_exist, out, &data, &len, e);
	if (r)
		return r < 0 ? r : 0;
	if (strlen(data) != len) {
		unsigned line = 1;

		for (const char *c = data; *c; c++)
			line += *c == '\n';
		free(data);
		return util_err_set(e, -EINVAL,
		                    _("%s:%u: contains a NUL byte; it is not a text file"), path,
		                    line);
	}
	r = (int)unclosed_brace(data);
	if (r) {
		free(data);
		return util_err_set(e, -EINVAL, _("%s:%d: this '{' is never closed; add the '}'"),
		                    path, r);
	}
	cfg = cfg_new(opts, path, data, e);
	if (!cfg)
		return -ENOMEM;
	cfg_set_validate_func(cfg, "rule|severity", check_severity);
	cfg_set_validate_func(cfg, "rule", check_rule);
	cfg_set_validate_func(cfg, "guard|on-internal-error", check_on_error);
	cfg_set_validate_func(cfg, "guard|timeout", check_timeout);
	cfg_set_validate_func(cfg, "guard|language", check_language);
	cfg_set_validate_func(cfg, "timeout", check_deadline);
	r = cfg_parse_text(cfg, &ctx, data, false, e);
	if (r < 0)
		return r;
	guard = cfg_getsec(cfg, "guard");
	if (guard) {
		out->guard_on_error = strcmp(cfg_getstr(guard, "on-internal-error"), "refuse") == 0
		                              ? SETTINGS_ON_ERROR_REFUSE
		                              : SETTINGS_ON_ERROR_ALLOW;
		out->guard_timeout = (unsigned)cfg_getint(guard, "timeout");
		snprintf(out->guard_language, sizeof(out->guard_language), "%s",
		         cfg_getstr(guard, "language"));
	}
	out->timeout = (unsigned)cfg_getint(cfg, "timeout");
	r = settings_api_from_cfg(cfg, path, &out->api, e);
	if (r < 0) {
		cfg_free(cfg);
		return r;
	}
	out->n_rules = cfg_size(cfg, "rule");
	out->rules = calloc(out->n_rules ? out->n_rules : 1, sizeof(*out->rules));
	if (!out->rules) {
		cfg_free(cfg);
		return util_err_set(e, -ENOMEM, _("%s: out of memory"), path);
	}
	for (size_t i = 0; i < out->n_rules; i++) {
		cfg_t *sec = cfg_getnsec(cfg, "rule", (unsigned)i);

		snprintf(out->rules[i].name, sizeof(out->rules[i].name), "%s", cfg_title(sec));
		snprintf(out->rules[i].severity, sizeof(out->rules[i].severity), "%s",
		         cfg_getstr(sec, "severity"));
		out->rules[i].line = (unsigned)sec->line;
	}
	cfg_free(cfg);
	return 0;
}

void settings_free(struct settings *s)
{
	settings_api_list_free(&s->api);
	free(s->rules);
	s->rules = NULL;
	s->n_rules = 0;
}

void settings_timeout_load(const char *path, unsigned *secs)
{
	struct settings s;

	*secs = SETTINGS_TIMEOUT_DEFAULT;
	if (settings_load(path, false, NULL, &s, NULL) == 0)
		*secs = s.timeout;
	settings_free(&s);
}

int settings_guard_load(const char *path, bool must_exist, struct settings *out, struct util_err *e)
{
	cfg_opt_t guard_opts[] = GUARD_OPTS;
	cfg_opt_t opts[] = {
	        CFG_SEC("guard", guard_opts, CFGF_NONE),
	        CFG_END(),
	};
	struct parse_ctx ctx = {.path = path};
	cfg_t *cfg, *guard;
	char *data, *text;
	const char *oie;
	size_t len;
	long timeout;
	int r;

	r = read_file(path, must_exist, out, &data, &len, e);
	if (r)
		return r < 0 ? r : 0;
	text = malloc(len + 1);
	if (!text) {
		free(data);
		return util_err_set(e, -ENOMEM, _("%s: out of memory"), path);
	}
	r = (int)guard_blocks(data, len, text);
	free(data);
	if (r == 0 || strlen(text) != len) {
		free(text);
		return r == 0 ? 0
		              : util_err_set(e, -EINVAL,
		                             _("%s: a guard { } block contains a NUL byte"), path);
	}
	cfg = cfg_new(opts, path, text, e);
	if (!cfg)
		return -ENOMEM;
	cfg_set_validate_func(cfg, "guard|on-internal-error", check_on_error);
	r = cfg_parse_text(cfg, &ctx, text, true, e);
	if (r < 0)
		return r;
	guard = cfg_getsec(cfg, "guard");
	oie = guard ? cfg_getstr(guard, "on-internal-error") : "allow";
	timeout = guard ? cfg_getint(guard, "timeout") : SETTINGS_GUARD_TIMEOUT_DEFAULT;
	out->guard_on_error =
	        strcmp(oie, "refuse") == 0 ? SETTINGS_ON_ERROR_REFUSE : SETTINGS_ON_ERROR_ALLOW;
	/* a timeout out of range keeps the built-in one; settings_load() reports its line */
	if (timeout >= 1 && timeout <= 600)
		out->guard_timeout = (unsigned)timeout;
	/* a malformed language keeps English (settings_load() reports its line) */
	if (guard && language_valid(cfg_getstr(guard, "language")))
		snprintf(out->guard_language, sizeof(out->guard_language), "%s",
		         cfg_getstr(guard, "language"));
	cfg_free(cfg);
	return 0;
}
