/* pveconf/format.c - the one checker of PVE's hash formats: parse_property_string (split on ',',
 * key=value or a bare value for the default key, aliases, booleans parsed) followed by the checks of
 * check_object/check_prop on every property (missing non-optional, type, named format, pattern,
 * maxLength, minimum/maximum, enum, requires).  Facts from pve-common 9.2 JSONSchema.pm; our code.
 * Pure: no I/O; the patterns are compiled once and kept. */
#include "pveconf/format.h"

#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pveconf/keys.h"

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

bool pveconf_is_integer(const char *v, size_t n)
{
	size_t i = 0;

	if (i < n && (v[i] == '+' || v[i] == '-'))
		i++;
	if (i == n)
		return false;
	for (; i < n; i++)
		if (!is_digit(v[i]))
			return false;
	return true;
}

/* ^[+-]?(\d+\.\d+|\d+\.|\.\d+|\d+)([eE][+-]?\d+)?$ */
bool pveconf_is_number(const char *v, size_t n)
{
	size_t i = 0, a, b = 0;

	if (i < n && (v[i] == '+' || v[i] == '-'))
		i++;
	a = i;
	while (i < n && is_digit(v[i]))
		i++;
	a = i - a;
	if (i < n && v[i] == '.') {
		size_t s = ++i;

		while (i < n && is_digit(v[i]))
			i++;
		b = i - s;
	}
	if (a == 0 && b == 0)
		return false;
	if (i < n && (v[i] == 'e' || v[i] == 'E')) {
		size_t s;

		i++;
		if (i < n && (v[i] == '+' || v[i] == '-'))
			i++;
		s = i;
		while (i < n && is_digit(v[i]))
			i++;
		if (i == s)
			return false;
	}
	return i == n;
}

int pveconf_format_prop(const struct pveconf_format *f, const char *name)
{
	for (size_t i = 0; i < f->n; i++)
		if (strcmp(f->props[i].name, name) == 0)
			return (int)i;
	return -1;
}

static int prop_n(const struct pveconf_format *f, const char *name, size_t len)
{
	for (size_t i = 0; i < f->n; i++)
		if (strlen(f->props[i].name) == len && memcmp(f->props[i].name, name, len) == 0)
			return (int)i;
	return -1;
}

/* ------------------------------------------------------------------ patterns */

struct cre {
	const char *pattern;
	regex_t re;
	bool ok;
};

bool pveconf_format_match(const char *pattern, const char *v, size_t n)
{
	static struct cre cache[32];
	static size_t ncache;
	struct cre *c = NULL;
	char *tmp;
	regmatch_t m;
	bool r;

	for (size_t i = 0; i < ncache; i++)
		if (cache[i].pattern == pattern)
			c = &cache[i];
	if (!c && ncache < sizeof(cache) / sizeof(cache[0])) {
		char *full = malloc(strlen(pattern) + 5);

		if (!full)
			return false;
		sprintf(full, "^(%s)$", pattern);
		c = &cache[ncache++];
		c->pattern = pattern;
		c->ok = regcomp(&c->re, full, REG_EXTENDED | REG_NOSUB) == 0;
		free(full);
	}
	if (!c || !c->ok || memchr(v, '\0', n))
		return false;
	tmp = malloc(n + 1);
	if (!tmp)
		return false;
	memcpy(tmp, v, n);
	tmp[n] = '\0';
	r = regexec(&c->re, tmp, 1, &m, 0) == 0;
	free(tmp);
	return r;
}

/* ------------------------------------------------------------------ lists */

/* \s of split_list (PVE::ParseUtils is `use v5.36`: unicode_strings, so NEL and NBSP count) */
static bool list_space(unsigned char c)
{
	return pveconf_is_ascii_space(c) || c == 0x85 || c == 0xa0;
}

int pveconf_format_list(pveconf_fmt_fn fn, const char *v, size_t n, char *err, size_t errn)
{
	size_t i = 0;

	if (memchr(v, '\0', n)) {
		for (size_t s = 0; s <= n; s++) {
			size_t e = s;

			while (e < n && v[e] != '\0')
				e++;
			/* split(/\0/): trailing empty fields go */
			if (e > s || e < n) {
				bool rest = false;

				for (size_t k = e; k < n; k++)
					rest |= v[k] != '\0';
				if (e > s || rest)
					if (fn(v + s, e - s, err, errn) < 0)
						return -1;
			}
			s = e;
		}
		return 0;
	}
	while (i < n) {
		size_t s;

		while (i < n && (v[i] == ',' || v[i] == ';' || list_space((unsigned char)v[i])))
			i++;
		s = i;
		while (i < n && v[i] != ',' && v[i] != ';' && !list_space((unsigned char)v[i]))
			i++;
		if (i > s && fn(v + s, i - s, err, errn) < 0)
			return -1;
	}
	return 0;
}

/* ------------------------------------------------------------------ property strings */

static bool in_enum(const char *enm, const char *v, size_t n)
{
	const char *p = enm;

	for (;;) {
		const char *bar = strchr(p, '|');
		size_t l = bar ? (size_t)(bar - p) : strlen(p);

		if (l == n && memcmp(p, v, n) == 0)
			return true;
		if (!bar)
			return false;
		p = bar + 1;
	}
}

/* check_prop on one set value */
static int check_value(const struct pveconf_prop *p, const char *v, size_t n, char *err,
                       size_t errn)
{
	char sub[512];
	int shown = (int)(n > 100 ? 100 : n);

	switch (p->type) {
	case PVECONF_PT_BOOL:
		if (!(n == 1 && (v[0] == '0' || v[0] == '1'))) {
			snprintf(err, errn, "%s: type check ('boolean') failed - got '%.*s'",
			         p->name, shown, v);
			return -1;
		}
		break;
	case PVECONF_PT_INT:
		if (!pveconf_is_integer(v, n)) {
			snprintf(err, errn, "%s: type check ('integer') failed - got '%.*s'",
			         p->name, shown, v);
			return -1;
		}
		break;
	case PVECONF_PT_NUM:
		if (!pveconf_is_number(v, n)) {
			snprintf(err, errn, "%s: type check ('number') failed - got '%.*s'",
			         p->name, shown, v);
			return -1;
		}
		break;
	case PVECONF_PT_STR:
	case PVECONF_PT_ALIAS: break;
	}
	if (p->fmt && p->fmt(v, n, sub, sizeof(sub)) < 0) {
		snprintf(err, errn, "%s: invalid format - %s", p->name, sub);
		return -1;
	}
	if (p->pattern && !pveconf_format_match(p->pattern, v, n)) {
		snprintf(err, errn, "%s: value does not match the regex pattern", p->name);
		return -1;
	}
	if (p->maxlen && n > p->maxlen) {
		snprintf(err, errn, "%s: value may only be %u characters long", p->name, p->maxlen);
		return -1;
	}
	if ((p->flags & (PVECONF_P_MIN | PVECONF_P_MAX)) && pveconf_is_number(v, n)) {
		char num[64];
		double d;

		snprintf(num, sizeof(num), "%.*s", (int)(n < 63 ? n : 63), v);
		d = n < 63 ? strtod(num, NULL) : (v[0] == '-' ? -1e300 : 1e300);
		if ((p->flags & PVECONF_P_MAX) && d > p->max) {
			snprintf(err, errn, "%s: value must have a maximum value of %.15g", p->name,
			         p->max);
			return -1;
		}
		if ((p->flags & PVECONF_P_MIN) && d < p->min) {
			snprintf(err, errn, "%s: value must have a minimum value of %.15g", p->name,
			         p->min);
			return -1;
		}
	}
	if (p->enm && !in_enum(p->enm, v, n)) {
		snprintf(err, errn, "%s: value '%.*s' does not have a value in the enumeration",
		         p->name, shown, v);
		return -1;
	}
	return 0;
}

int pveconf_format_parse(const struct pveconf_format *f, const char *data, size_t len,
                         const char **vals, size_t *lens, char *err, size_t errn)
{
	struct pveconf_propstr_part pp;
	size_t pos = 0;
	int default_key = -1;

	for (size_t i = 0; i < f->n; i++)
		vals[i] = NULL, lens[i] = 0;
	while (pveconf_propstr_next(data, len, &pos, &pp)) {
		const char *part = pp.part;
		size_t plen = pp.plen;

		if (pp.kind == PVECONF_PROPSTR_KEY_VALUE) {
			size_t kl = pp.kl, vl = pp.vl;
			const char *v = pp.v;
			int k = prop_n(f, part, kl);

			if (k >= 0 && vals[k]) {
				snprintf(err, errn,
				         "duplicate key in comma-separated list property: %.*s",
				         (int)kl, part);
				return -1;
			}
			if (k >= 0 && f->props[k].type == PVECONF_PT_ALIAS) {
				const struct pveconf_prop *a = &f->props[k];

				if (a->key_alias) {
					int ka = pveconf_format_prop(f, a->key_alias);

					if (ka >= 0 && vals[ka]) {
						snprintf(err, errn,
						         "key alias '%s' is already defined",
						         a->key_alias);
						return -1;
					}
					if (ka >= 0)
						vals[ka] = part, lens[ka] = kl;
				}
				k = pveconf_format_prop(f, a->alias);
				if (k >= 0 && vals[k]) {
					snprintf(err, errn,
					         "key '%s' is already defined (via alias)",
					         a->alias);
					return -1;
				}
			}
			if (k < 0) {
				snprintf(err, errn,
				         "invalid key in comma-separated list property: %.*s",
				         (int)kl, part);
				return -1;
			}
			if (f->props[k].type == PVECONF_PT_BOOL &&
			    pveconf_parse_boolean(v, vl) >= 0) {
				v = pveconf_parse_boolean(v, vl) ? "1" : "0";
				vl = 1;
			}
			vals[k] = v, lens[k] = vl;
		} else if (pp.kind == PVECONF_PROPSTR_BARE) {
			int k = -1;

			if (default_key >= 0) {
				snprintf(err, errn,
				         "duplicate key in comma-separated list property: %s",
				         f->props[default_key].name);
				return -1;
			}
			for (size_t i = 0; i < f->n && k < 0; i++)
				if (f->props[i].flags & PVECONF_P_DEFAULT_KEY)
					k = (int)i;
			if (k < 0) {
				snprintf(
				        err, errn,
				        "value without key, but schema does not define a default key");
				return -1;
			}
			default_key = k;
			if (vals[k] && pveconf_perl_true(vals[k], lens[k])) {
				snprintf(err, errn,
				         "duplicate key in comma-separated list property: %s",
				         f->props[k].name);
				return -1;
			}
			if (f->props[k].type == PVECONF_PT_BOOL &&
			    pveconf_parse_boolean(part, plen) >= 0)
				vals[k] = pveconf_parse_boolean(part, plen) ? "1" : "0",
				lens[k] = 1;
			else
				vals[k] = part, lens[k] = plen;
		} else {
			snprintf(err, errn, "missing key in comma-separated list property");
			return -1;
		}
	}
	/* check_object */
	for (size_t i = 0; i < f->n; i++) {
		const struct pveconf_prop *p = &f->props[i];

		if (p->type == PVECONF_PT_ALIAS)
			continue;
		if (!vals[i]) {
			if (!(p->flags & PVECONF_P_OPTIONAL)) {
				snprintf(err, errn,
				         "%s: property is missing and it is not optional", p->name);
				return -1;
			}
			continue;
		}
		if (check_value(p, vals[i], lens[i], err, errn) < 0)
			return -1;
	}
	for (size_t i = 0; i < f->n; i++) {
		const struct pveconf_prop *p = &f->props[i];
		int r;

		if (!vals[i] || !p->requires)
			continue;
		r = pveconf_format_prop(f, p->requires);
		if (r >= 0 && !vals[r]) {
			snprintf(err, errn, "%s: missing property required by '%s'", p->requires,
			         p->name);
			return -1;
		}
	}
	if (f->validator && f->validator(f, vals, lens, err, errn) < 0)
		return -1;
	return 0;
}

int pveconf_format_check(const struct pveconf_format *f, const char *v, size_t n, char *err,
                         size_t errn)
{
	const char *vals[PVECONF_FORMAT_MAX_PROPS];
	size_t lens[PVECONF_FORMAT_MAX_PROPS];

	return pveconf_format_parse(f, v, n, vals, lens, err, errn);
}
