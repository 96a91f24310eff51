/* settings/api.c - parses the api { } and cluster "name" { } blocks (libconfuse) and applies the
 * --api-* overrides.  Reads only the config file; never opens the token or password files (that
 * is pveapi/'s job, with its permission check) and never prints. */
#include "settings/api.h"
#include "util/i18n.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/fileio.h"

/* libconfuse's error callback has no user pointer; this option's simple_value points into the
 * caller's struct err_sink, and its name cannot be written in a config file. */
#define SINK_NAME "\001sink"

struct err_sink {
	char *dummy; /* first: libconfuse writes the (NULL) default here */
	struct util_err *e;
	const char *path;
};

__attribute__((format(printf, 2, 0))) static void sink_errfunc(cfg_t *cfg, const char *fmt,
                                                               va_list ap)
{
	cfg_opt_t *o = NULL;
	struct err_sink *s;
	char msg[512];
	size_t i;

	for (i = 0; cfg->opts && cfg->opts[i].name; i++)
		if (strcmp(cfg->opts[i].name, SINK_NAME) == 0)
			o = &cfg->opts[i];
	if (!o || !o->simple_value.string)
		return;
	s = (struct err_sink *)(void *)o->simple_value.string;
	if (!s->e || s->e->code)
		return; /* keep the first message */
	vsnprintf(msg, sizeof(msg), fmt, ap);
	util_err_set(s->e, -EINVAL, "%s:%d: %s", s->path, cfg->line, msg);
}

#define API_OPTS(...)                                                                              \
	{                                                                                          \
		CFG_STR("url", NULL, CFGF_NONE), CFG_STR("token-file", NULL, CFGF_NONE),           \
		        CFG_STR("user", NULL, CFGF_NONE),                                          \
		        CFG_STR("password-file", NULL, CFGF_NONE),                                 \
		        CFG_STR("ca-file", NULL, CFGF_NONE),                                       \
		        CFG_STR("fingerprint", NULL, CFGF_NONE),                                   \
		        CFG_INT("timeout", SETTINGS_API_TIMEOUT_DEFAULT, CFGF_NONE),               \
		        __VA_ARGS__ CFG_END()                                                      \
	}

void settings_api_cfg_opts(cfg_opt_t out[2])
{
	/* Constant template; cfg_init() copies it. */
	static cfg_opt_t sub[] = API_OPTS();
	cfg_opt_t secs[] = {
	        CFG_SEC("api", sub, CFGF_MULTI),
	        CFG_SEC("cluster", sub, CFGF_MULTI | CFGF_TITLE | CFGF_NO_TITLE_DUPES),
	};

	out[0] = secs[0];
	out[1] = secs[1];
}

/* The config file as a FILE, opened by util_open_regular: a FIFO, directory or device in its
 * place is refused (never a wait), with a message naming it.  0 or -errno. */
static int open_config(const char *path, FILE **out, struct util_err *e)
{
	int fd = util_open_regular(AT_FDCWD, path, 0, path, e);

	*out = NULL;
	if (fd < 0)
		return fd;
	*out = fdopen(fd, "r");
	if (!*out) {
		int r = util_err_errno(e, -errno, _("cannot read %s"), path);

		close(fd);
		return r;
	}
	return 0;
}

/* libconfuse records where a section ends; messages point at where it starts: the line of
 * `api {` (title "") or `cluster "title" {`.  Falls back to def. */
static int header_line(const char *path, const char *title, int def)
{
	FILE *f;
	char line[1024];
	int n = 0, found = 0;

	if (open_config(path, &f, NULL) < 0)
		return def;
	while (!found && fgets(line, sizeof(line), f)) {
		const char *p = line;
		size_t tl = strlen(title);

		n++;
		while (*p == ' ' || *p == '\t')
			p++;
		if (!title[0]) {
			found = strncmp(p, "api", 3) == 0 &&
			        (p[3] == '{' || isspace((unsigned char)p[3]));
			continue;
		}
		if (strncmp(p, "cluster", 7) != 0 || !isspace((unsigned char)p[7]))
			continue;
		p += 7;
		while (isspace((unsigned char)*p))
			p++;
		if (*p == '"' || *p == '\'')
			p++;
		found = strncmp(p, title, tl) == 0 && !isalnum((unsigned char)p[tl]) &&
		        p[tl] != '-' && p[tl] != '_';
	}
	fclose(f);
	return found ? n : def;
}

static int copy_opt(cfg_t *sec, const char *opt, char *dst, size_t n, const char *where,
                    struct util_err *e)
{
	const char *v = cfg_getstr(sec, opt);

	dst[0] = '\0';
	if (!v)
		return 0;
	if (strlen(v) >= n)
		return util_err_set(e, -EINVAL, _("%s: %s is too long (at most %zu characters)"),
		                    where, opt, n - 1);
	memcpy(dst, v, strlen(v) + 1);
	return 0;
}

static int block_from_cfg(cfg_t *sec, const char *path, const char *name, struct settings_api *s,
                          struct util_err *e)
{
	char url[512];
	long t;
	int r;

	memset(s, 0, sizeof(*s));
	snprintf(s->where, sizeof(s->where), "%s:%d", path, header_line(path, name, sec->line));
	if (strlen(name) >= sizeof(s->name))
		return util_err_set(e, -EINVAL, _("%s: cluster name \"%s\" is too long"), s->where,
		                    name);
	memcpy(s->name, name, strlen(name) + 1);
	if ((r = copy_opt(sec, "url", url, sizeof(url), s->where, e)) ||
	    (r = copy_opt(sec, "token-file", s->token_file, sizeof(s->token_file), s->where, e)) ||
	    (r = copy_opt(sec, "user", s->user, sizeof(s->user), s->where, e)) ||
	    (r = copy_opt(sec, "password-file", s->password_file, sizeof(s->password_file),
	                  s->where, e)) ||
	    (r = copy_opt(sec, "ca-file", s->ca_file, sizeof(s->ca_file), s->where, e)))
		return r;
	if (url[0] && settings_api_url_normalize(url, s->url, sizeof(s->url)) < 0)
		return util_err_set(
		        e, -EINVAL,
		        _("%s: url \"%s\" is not an HTTPS address; write HOST, HOST:PORT or "
		          "https://HOST:PORT"),
		        s->where, url);
	if (cfg_getstr(sec, "fingerprint") &&
	    settings_api_fingerprint_normalize(cfg_getstr(sec, "fingerprint"), s->fingerprint,
	                                       sizeof(s->fingerprint)) < 0)
		return util_err_set(
		        e, -EINVAL,
		        _("%s: fingerprint must be the certificate's SHA-256 as 32 hex bytes "
		          "(AA:BB:...), as shown by `pvenode cert info`"),
		        s->where);
	t = cfg_getint(sec, "timeout");
	if (t < 1 || t > 3600)
		return util_err_set(e, -EINVAL, _("%s: timeout must be 1..3600 seconds, not %ld"),
		                    s->where, t);
	s->timeout_s = (unsigned)t;
	return settings_api_check(s, e);
}

int settings_api_from_cfg(cfg_t *root, const char *path, struct settings_api_list *out,
                          struct util_err *e)
{
	unsigned nclusters = cfg_size(root, "cluster");
	size_t n = 0;
	int r;

	memset(out, 0, sizeof(*out));
	out->v = calloc(nclusters + 1, sizeof(*out->v));
	if (!out->v)
		return util_err_set(e, -ENOMEM, _("out of memory"));
	/* "api" is declared MULTI only so that an absent block counts 0 */
	if (cfg_size(root, "api") > 1) {
		r = util_err_set(
		        e, -EINVAL,
		        _("%s:%d: more than one api block; name the others: cluster \"NAME\" { }"),
		        path, cfg_getnsec(root, "api", 1)->line);
		goto fail;
	}
	if (cfg_size(root, "api") == 1) {
		if ((r = block_from_cfg(cfg_getnsec(root, "api", 0), path, "", &out->v[n], e)) < 0)
			goto fail;
		n++;
		out->has_default = 1;
	}
	for (unsigned i = 0; i < nclusters; i++) {
		cfg_t *sec = cfg_getnsec(root, "cluster", i);

		if ((r = block_from_cfg(sec, path, cfg_title(sec), &out->v[n], e)) < 0)
			goto fail;
		if (!out->v[n].name[0]) {
			r = util_err_set(
			        e, -EINVAL,
			        _("%s: a cluster block needs a name: cluster \"NAME\" { ... }"),
			        out->v[n].where);
			goto fail;
		}
		n++;
	}
	out->n = n;
	return 0;
fail:
	settings_api_list_free(out);
	return r;
}

int settings_api_load(const char *path, struct settings_api_list *out, struct util_err *e)
{
	struct err_sink sink = {.e = e, .path = path};
	cfg_opt_t sub[] = API_OPTS(CFG_SIMPLE_STR(SINK_NAME, &sink.dummy), );
	cfg_opt_t root_opts[] = {
	        CFG_SEC("api", sub, CFGF_MULTI),
	        CFG_SEC("cluster", sub, CFGF_MULTI | CFGF_TITLE | CFGF_NO_TITLE_DUPES),
	        CFG_SIMPLE_STR(SINK_NAME, &sink.dummy),
	        /* other modules' top-level options are skipped (libconfuse 3.3 cannot skip their
	         * sections, and skips misspelt options inside ours too: the merged schema, parsed
	         * without CFGF_IGNORE_UNKNOWN, is strict) */
	        CFG_STR("__unknown", NULL, CFGF_NONE),
	        CFG_END(),
	};
	cfg_t *cfg;
	FILE *f;
	int r;

	memset(out, 0, sizeof(*out));
	if (access(path, F_OK) != 0)
		return errno == ENOENT ? 0 : util_err_errno(e, -errno, "%s", path);
	util_err_clear(e);
	cfg = cfg_init(root_opts, CFGF_IGNORE_UNKNOWN);
	if (!cfg)
		return util_err_set(e, -ENOMEM, _("out of memory"));
	cfg_set_error_function(cfg, sink_errfunc);
	r = open_config(path, &f, e);
	if (r < 0) {
		free(sink.dummy);
		cfg_free(cfg);
		return r;
	}
	r = cfg_parse_fp(cfg, f);
	fclose(f);
	if (r == CFG_FILE_ERROR) {
		r = util_err_errno(e, -EIO, "%s", path);
	} else if (r != CFG_SUCCESS) {
		if (!e || !e->code)
			util_err_set(e, -EINVAL, _("%s: syntax error"), path);
		r = -EINVAL;
	} else {
		r = settings_api_from_cfg(cfg, path, out, e);
	}
	free(sink.dummy);
	cfg_free(cfg);
	return r;
}

void settings_api_list_free(struct settings_api_list *l)
{
	if (!l)
		return;
	free(l->v);
	memset(l, 0, sizeof(*l));
}

const struct settings_api *settings_api_find(const struct settings_api_list *l, const char *name)
{
	for (size_t i = 0; l && i < l->n; i++) {
		if ((!name || !name[0]) && l->has_default && i == 0)
			return &l->v[0];
		if (name && name[0] && (i > 0 || !l->has_default) &&
		    strcmp(l->v[i].name, name) == 0)
			return &l->v[i];
	}
	return NULL;
}

static int set_str(char *dst, size_t n, const char *v, const char *opt, struct util_err *e)
{
	if (strlen(v) >= n)
		return util_err_set(e, -EINVAL, _("%s: value too long"), opt);
	memcpy(dst, v, strlen(v) + 1);
	return 0;
}

int settings_api_override(struct settings_api *s, const struct settings_api_overrides *o,
                          struct util_err *e)
{
	int r;

	if (o->url) {
		if (settings_api_url_normalize(o->url, s->url, sizeof(s->url)) < 0)
			return util_err_set(
			        e, -EINVAL,
			        _("--api-url \"%s\" is not an HTTPS address; write HOST, "
			          "HOST:PORT or https://HOST:PORT"),
			        o->url);
	}
	if (o->token_file) {
		if ((r = set_str(s->token_file, sizeof(s->token_file), o->token_file,
		                 "--api-token-file", e)))
			return r;
		s->user[0] = s->password_file[0] = '\0';
	}
	if (o->fingerprint) {
		if (settings_api_fingerprint_normalize(o->fingerprint, s->fingerprint,
		                                       sizeof(s->fingerprint)) < 0)
			return util_err_set(
			        e, -EINVAL,
			        _("--api-fingerprint must be the certificate's SHA-256 as 32 hex "
			          "bytes (AA:BB:...)"));
		s->ca_file[0] = '\0';
	}
	if (o->ca_file) {
		if (o->fingerprint)
			return util_err_set(
			        e, -EINVAL,
			        _("--api-ca-file and --api-fingerprint exclude each other"));
		if ((r = set_str(s->ca_file, sizeof(s->ca_file), o->ca_file, "--api-ca-file", e)))
			return r;
		s->fingerprint[0] = '\0';
	}
	if (!s->timeout_s)
		s->timeout_s = SETTINGS_API_TIMEOUT_DEFAULT;
	return settings_api_check(s, e);
}

int settings_api_check(const struct settings_api *s, struct util_err *e)
{
	const char *w = s->where[0] ? s->where : "command line";

	if (!s->url[0])
		return util_err_set(e, -EINVAL,
		                    _("%s: no API url; set url in the api block or --api-url"), w);
	if (s->token_file[0] && (s->user[0] || s->password_file[0]))
		return util_err_set(
		        e, -EINVAL,
		        _("%s: token-file and user/password-file exclude each other; keep one"), w);
	if (!s->token_file[0] && !(s->user[0] && s->password_file[0]))
		return util_err_set(
		        e, -EINVAL,
		        _("%s: no credentials; set token-file, or user and password-file"), w);
	if (s->ca_file[0] && s->fingerprint[0])
		return util_err_set(e, -EINVAL, _("%s: ca-file and fingerprint exclude each other"),
		                    w);
	return 0;
}

int settings_api_url_normalize(const char *in, char *out, size_t n)
{
	const char *p = in, *host, *end;
	size_t hostlen;
	unsigned long port = 8006;
	char *pe;
	int r;

	if (strncmp(p, "https://", 8) == 0)
		p += 8;
	else if (strstr(p, "://"))
		return -EINVAL;
	host = p;
	if (*p == '[') {
		end = strchr(p, ']');
		if (!end)
			return -EINVAL;
		p = end + 1;
	} else {
		while (*p && *p != ':' && *p != '/')
			p++;
	}
	hostlen = (size_t)(p - host);
	if (hostlen == 0 || hostlen > 253)
		return -EINVAL;
	for (size_t i = 0; i < hostlen; i++)
		if (!isalnum((unsigned char)host[i]) && !strchr(".-[]:_", host[i]))
			return -EINVAL;
	if (*p == ':') {
		errno = 0;
		port = strtoul(p + 1, &pe, 10);
		if (errno || pe == p + 1 || port == 0 || port > 65535)
			return -EINVAL;
		p = pe;
	}
	if (*p && strcmp(p, "/") != 0 && strcmp(p, "/api2/json") != 0 &&
	    strcmp(p, "/api2/json/") != 0)
		return -EINVAL;
	r = snprintf(out, n, "https://%.*s:%lu/api2/json", (int)hostlen, host, port);
	return r < 0 || (size_t)r >= n ? -EINVAL : 0;
}

int settings_api_fingerprint_normalize(const char *in, char *out, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t nibbles = 0, o = 0;

	if (n < 96)
		return -EINVAL;
	for (const char *p = in; *p; p++) {
		int c = toupper((unsigned char)*p);

		if (c == ':' || c == ' ')
			continue;
		if (!strchr(hex, c) || c == 0)
			return -EINVAL;
		if (nibbles == 64)
			return -EINVAL;
		if (nibbles && nibbles % 2 == 0)
			out[o++] = ':';
		out[o++] = (char)c;
		nibbles++;
	}
	out[o] = '\0';
	return nibbles == 64 ? 0 : -EINVAL;
}
