/* pveconf/mapping.c - reads /etc/pve/mapping/pci.cfg the way PVE's section-config parser does
 * (header = the mapping id alone, body lines indented, a section ends at an empty line, `#`
 * lines skipped), including its warnings, and writes it back the way PVE would.
 * Knows nothing of /sys: whether the hardware still matches is the caller's business.
 * Never prints. */
#include "pveconf/mapping.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pveconf/node.h"
#include "pveconf/seccfg.h"
#include "pveconf/vmconf.h"
#include "util/array.h"
#include "util/fileio.h"
#include "util/hash.h"
#include "util/i18n.h"

static bool hexl(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

static bool hexany(char c)
{
	return hexl(c) || (c >= 'A' && c <= 'F');
}

static bool alnum(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* pve-configid: ^[a-z][a-z0-9_-]+$ (case-insensitive) */
static bool configid_ok(const char *s)
{
	size_t n = strlen(s);

	if (n < 2 || !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!alnum(s[i]) && s[i] != '_' && s[i] != '-')
			return false;
	return true;
}

/* ^[0-9A-Fa-f]{4}:[0-9A-Fa-f]{4}$ */
static bool vendev_ok(const char *s)
{
	if (strlen(s) != 9 || s[4] != ':')
		return false;
	for (int i = 0; i < 9; i++)
		if (i != 4 && !hexany(s[i]))
			return false;
	return true;
}

/* ^[+-]?\d+$ (JSONSchema's is_integer) */
static bool integer_ok(const char *s)
{
	if (*s == '+' || *s == '-')
		s++;
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* path: ^(?:ID;)*ID$ ; fills ids (malloc'd) */
static bool path_parse(const char *s, struct pveconf_pci_map *m)
{
	size_t cap = 0;

	for (;;) {
		struct pveconf_pci_id id;
		size_t used = strcspn(s, ";");

		/* PVE's path regex takes a domain of any length: a too large one is clamped */
		if (pveconf_pci_id_parse(s, used, PVECONF_PCI_ID_NEED_DOMAIN, &id) == -EINVAL)
			return false;
		if (util_array_grow(&m->ids, &cap, m->n_ids, sizeof(*m->ids), 4) < 0)
			return false;
		m->ids[m->n_ids++] = id;
		s += used;
		if (*s == '\0')
			return true;
		if (*s != ';')
			return false;
		s++;
	}
}

static void map_free(struct pveconf_pci_map *m)
{
	free(m->raw);
	free(m->node);
	free(m->path);
	free(m->ids);
	free(m->iommugroup_text);
	free(m->description);
}

static void mapping_free(struct pveconf_pci_mapping *s)
{
	free(s->name);
	free(s->description);
	for (size_t i = 0; i < s->n_maps; i++)
		map_free(&s->maps[i]);
	free(s->maps);
}

/* A `map` value is a property string (PVE's parse_property_string + the map format).  On error
 * writes PVE's reason to err and returns false. */
static bool map_parse(const char *value, struct pveconf_pci_map *m, struct util_buf *err)
{
	static const char *const keys[] = {"node", "id",         "subsystem-id",
	                                   "path", "iommugroup", "description"};
	char *vals[6] = {0}, *copy = strdup(value);
	bool ok = true;

	memset(m, 0, sizeof(*m));
	if (!copy)
		return false;
	/* Perl's split(/,/) drops trailing empty fields; empty or blank parts are skipped anyway */
	for (char *part = copy, *next; ok && part; part = next) {
		char *eq;
		int k = -1;

		next = strchr(part, ',');
		if (next)
			*next++ = '\0';
		if (strspn(part, " \t\r\n\f\v") == strlen(part))
			continue;
		eq = strchr(part, '=');
		if (eq && eq != part && eq[1] != '\0') { /* ^([^=]+)=(.+)$ */
			*eq = '\0';
			for (int i = 0; i < 6; i++)
				if (strcmp(part, keys[i]) == 0)
					k = i;
			if (k >= 0 && vals[k]) {
				util_buf_addf(err,
				              "duplicate key in comma-separated list property: %s",
				              part);
				ok = false;
			} else if (k < 0) {
				util_buf_addf(err,
				              "invalid key in comma-separated list property: %s",
				              part);
				ok = false;
			} else {
				vals[k] = eq + 1;
			}
		} else if (!eq) {
			util_buf_adds(
			        err, "value without key, but schema does not define a default key");
			ok = false;
		} else {
			util_buf_adds(err, "missing key in comma-separated list property");
			ok = false;
		}
	}
	if (ok) {
		/* check_object: every key of the format, all errors */
		const char *why[6] = {0};

		for (int i = 0; i < 3; i += 1) {
			static const int required[] = {0, 1, 3};

			if (!vals[required[i]])
				why[required[i]] = "property is missing and it is not optional";
		}
		if (vals[0] && pveconf_node_name_valid(vals[0]) < 0)
			why[0] = "invalid format - value does not look like a valid node name";
		if (vals[1] && !vendev_ok(vals[1]))
			why[1] = "value does not match the regex pattern";
		if (vals[2] && !vendev_ok(vals[2]))
			why[2] = "value does not match the regex pattern";
		if (vals[3] && !path_parse(vals[3], m))
			why[3] = "value does not match the regex pattern";
		if (vals[4] && !integer_ok(vals[4]))
			why[4] = "type check ('integer') failed";
		if (vals[5] && strlen(vals[5]) > 4096)
			why[5] = "value may only be 4096 characters long";
		for (int i = 0; i < 6; i++) {
			if (!why[i])
				continue;
			util_buf_addf(err, "%s%s: %s", ok ? "" : "; ", keys[i], why[i]);
			if (i == 4)
				util_buf_addf(err, " - got '%s'", vals[4]);
			ok = false;
		}
	}
	if (ok) {
		m->raw = strdup(value);
		m->node = strdup(vals[0]);
		m->path = strdup(vals[3]);
		snprintf(m->id, sizeof(m->id), "%s", vals[1]);
		if (vals[2])
			snprintf(m->subsystem_id, sizeof(m->subsystem_id), "%s", vals[2]);
		if (vals[4]) {
			m->has_iommugroup = true;
			m->iommugroup = strtol(vals[4], NULL, 10);
			m->iommugroup_text = strdup(vals[4]);
		}
		if (vals[5])
			m->description = strdup(vals[5]);
		if (!m->raw || !m->node || !m->path || (vals[5] && !m->description) ||
		    (vals[4] && !m->iommugroup_text))
			ok = false;
	}
	free(copy);
	if (!ok) {
		map_free(m);
		memset(m, 0, sizeof(*m));
	}
	return ok;
}

struct parser {
	struct pveconf_pci_mappings *out;
	size_t cap_v, cap_d;
	int oom;
};

static void diag(struct parser *ps, unsigned line, const char *section, bool skip, const char *fmt,
                 ...) __attribute__((format(printf, 5, 6)));

static void diag(struct parser *ps, unsigned line, const char *section, bool skip, const char *fmt,
                 ...)
{
	struct pveconf_pci_mappings *m = ps->out;
	struct pveconf_mapping_diag *d;
	va_list ap;

	if (m->n_diags == ps->cap_d) {
		size_t nc = ps->cap_d ? ps->cap_d * 2 : 8;
		struct pveconf_mapping_diag *nv = realloc(m->diags, nc * sizeof(*nv));

		if (!nv) {
			ps->oom = 1;
			return;
		}
		m->diags = nv;
		ps->cap_d = nc;
	}
	d = &m->diags[m->n_diags];
	d->line = line;
	d->skip_section = skip;
	d->section = section ? strdup(section) : NULL;
	va_start(ap, fmt);
	if (vasprintf(&d->message, fmt, ap) < 0)
		d->message = NULL;
	va_end(ap);
	if (!d->message || (section && !d->section)) {
		free(d->section);
		free(d->message);
		ps->oom = 1;
		return;
	}
	m->n_diags++;
}

/* Header: ^(\S+)\s*$ -> the id, NUL-terminated in place; NULL when not a header. */
static char *header_id(char *l)
{
	char *e = l;

	if (!*l || pveconf_seccfg_space(*l))
		return NULL;
	while (*e && !pveconf_seccfg_space(*e))
		e++;
	for (char *t = e; *t; t++)
		if (!pveconf_seccfg_space(*t))
			return NULL;
	*e = '\0';
	return l;
}

enum { K_DESCRIPTION, K_MDEV, K_LIVE, K_TYPE, K_N };

static int add_mapping(struct parser *ps, struct pveconf_pci_mapping *s)
{
	struct pveconf_pci_mappings *m = ps->out;

	/* a repeated id replaces the earlier section and takes the later position */
	for (size_t i = 0; i < m->n; i++) {
		if (strcmp(m->v[i].name, s->name) != 0)
			continue;
		mapping_free(&m->v[i]);
		memmove(&m->v[i], &m->v[i + 1], (m->n - i - 1) * sizeof(*m->v));
		m->n--;
		break;
	}
	if (util_array_grow(&m->v, &ps->cap_v, m->n, sizeof(*m->v), 8) < 0)
		return -ENOMEM;
	m->v[m->n++] = *s;
	return 0;
}

static int add_map(struct pveconf_pci_mapping *s, struct pveconf_pci_map *mp)
{
	struct pveconf_pci_map *nv = realloc(s->maps, (s->n_maps + 1) * sizeof(*nv));

	if (!nv)
		return -ENOMEM;
	s->maps = nv;
	s->maps[s->n_maps++] = *mp;
	return 0;
}

static void parse_section(struct parser *ps, struct pveconf_seccfg_lines *ls, char *id,
                          unsigned hline)
{
	struct pveconf_pci_mapping s = {0};
	bool skip = !configid_ok(id), seen[K_N] = {0};
	unsigned last = hline;
	char *l;

	if (skip)
		diag(ps, hline, id, true, "invalid configuration ID '%s'", id);
	s.name = strdup(id);
	s.line = hline;
	s.mdev = s.live_migration = PVECONF_UNSET;
	if (!s.name)
		ps->oom = 1;
	while (pveconf_seccfg_truthy(l = pveconf_seccfg_next(ls))) {
		char *k, *v;
		int key = -1;
		struct util_buf why = {0};

		if (skip)
			continue;
		last = ls->lineno;
		if (!pveconf_seccfg_body(l, &k, &v)) {
			diag(ps, ls->lineno, id, false, "ignore config line: %s", l);
			continue;
		}
		if (strcmp(k, "map") == 0) {
			struct pveconf_pci_map mp;

			if (!v)
				util_buf_adds(&why, "got undefined value");
			else if (strpbrk(v, "\r\n"))
				util_buf_adds(&why, "property contains a line feed");
			else if (map_parse(v, &mp, &why)) {
				mp.line = ls->lineno;
				if (add_map(&s, &mp) < 0) {
					map_free(&mp);
					ps->oom = 1;
				}
			}
			if (why.len)
				diag(ps, ls->lineno, id, false,
				     "unable to parse value of 'map': %s%s",
				     strncmp(why.s, "got ", 4) && strncmp(why.s, "property ", 9)
				             ? "invalid format - "
				             : "",
				     why.s);
			util_buf_free(&why);
			continue;
		}
		if (strcmp(k, "description") == 0)
			key = K_DESCRIPTION;
		else if (strcmp(k, "mdev") == 0)
			key = K_MDEV;
		else if (strcmp(k, "live-migration-capable") == 0)
			key = K_LIVE;
		else if (strcmp(k, "type") == 0)
			key = K_TYPE;
		if (key < 0 && strcmp(k, "id") == 0) {
			diag(ps, ls->lineno, id, false,
			     "unable to parse value of '%s': unexpected property '%s'", k, k);
			continue;
		}
		if (key < 0) {
			diag(ps, ls->lineno, id, false,
			     "unable to parse value of '%s': unknown property type", k);
			continue;
		}
		if (seen[key]) {
			diag(ps, ls->lineno, id, false,
			     "unable to parse value of '%s': duplicate attribute", k);
			continue;
		}
		if (key == K_TYPE) { /* "type pci" is the section's own type */
			if (v && strcmp(v, "pci") == 0)
				seen[key] = true;
			else
				diag(ps, ls->lineno, id, false,
				     "unable to parse value of 'type': unexpected property 'type'");
			continue;
		}
		if (key == K_MDEV || key == K_LIVE) {
			enum pveconf_tristate *t = key == K_MDEV ? &s.mdev : &s.live_migration;

			/* a bare key is true; otherwise the schema check takes "1" or "0" only */
			if (!v || strcmp(v, "1") == 0)
				*t = PVECONF_ON;
			else if (strcmp(v, "0") == 0)
				*t = PVECONF_OFF;
			else if (strpbrk(v, "\r\n"))
				util_buf_adds(&why, "property contains a line feed");
			else
				util_buf_addf(&why, "type check ('boolean') failed - got '%s'", v);
		} else if (!v) {
			util_buf_adds(&why, "got undefined value");
		} else if (strpbrk(v, "\r\n")) {
			util_buf_adds(&why, "property contains a line feed");
		} else if (strlen(v) > 4096) {
			util_buf_adds(&why, "value may only be 4096 characters long");
		} else if (!(s.description = strdup(v))) {
			ps->oom = 1;
		}
		if (why.len)
			diag(ps, ls->lineno, id, false, "unable to parse value of '%s': %s", k,
			     why.s);
		else
			seen[key] = true;
		util_buf_free(&why);
	}
	if (skip) {
		mapping_free(&s);
		return;
	}
	s.usable = s.n_maps > 0;
	if (!s.usable)
		diag(ps, last, id, true, "missing value for required option 'map'");
	if (add_mapping(ps, &s) < 0) {
		mapping_free(&s);
		ps->oom = 1;
	}
}

int pveconf_pci_mappings_parse(const char *data, size_t len, struct pveconf_pci_mappings *out,
                               struct util_err *e)
{
	struct parser ps = {.out = out};
	struct pveconf_seccfg_lines ls;
	char *copy;

	memset(out, 0, sizeof(*out));
	if (len > PVECONF_VM_MAX_BYTES)
		return util_err_set(e, -EFBIG, _("%s: larger than 1 MiB"), PP_ETC_PVE_MAPPING_PCI);
	if (util_sha1_hex(data, len, out->digest) < 0)
		return util_err_set(e, -EIO, _("cannot compute the digest of pci.cfg"));
	copy = malloc(len + 1);
	if (!copy)
		return util_err_set(e, -ENOMEM, _("out of memory reading pci.cfg"));
	memcpy(copy, data, len);
	copy[len] = '\0';
	/* Lines are C strings from here on: a NUL byte (which PVE treats as an ordinary
	 * non-blank character) becomes '?', which every check here treats the same way. */
	for (char *z = memchr(copy, '\0', len); z; z = memchr(z, '\0', (size_t)(copy + len - z)))
		*z = '?';
	ls.p = copy;
	ls.end = copy + len;
	ls.lineno = 0;
	while (ls.p < ls.end && !ps.oom) {
		char *l = pveconf_seccfg_next(&ls), *id;

		if (!pveconf_seccfg_truthy(l))
			continue;
		id = header_id(l);
		if (id)
			parse_section(&ps, &ls, id, ls.lineno);
		else
			diag(&ps, ls.lineno, NULL, false, "ignore config line: %s", l);
	}
	free(copy);
	if (ps.oom) {
		pveconf_pci_mappings_free(out);
		return util_err_set(e, -ENOMEM, _("out of memory reading pci.cfg"));
	}
	return 0;
}

int pveconf_pci_mappings_add(struct pveconf_pci_mappings *m,
                             const struct pveconf_pci_mapping_entry *in, struct util_err *e)
{
	struct pveconf_pci_mapping s = {0};
	struct pveconf_pci_mapping *nv;
	unsigned line;

	/* pci.cfg as PVE's writer lays it out (pveconf_pci_mappings_write_pve): the id line, the
	 * map lines, description, live-migration-capable, mdev, a blank line */
	if (m->n) {
		const struct pveconf_pci_mapping *last = &m->v[m->n - 1];

		line = last->line + 1 + (unsigned)last->n_maps + (last->description ? 1 : 0) +
		       (last->live_migration != PVECONF_UNSET) + (last->mdev != PVECONF_UNSET) + 1;
	} else {
		line = 1;
	}
	s.name = strdup(in->id ? in->id : "");
	s.line = line;
	s.mdev = in->mdev;
	s.live_migration = in->live_migration;
	if (!s.name ||
	    (in->description && in->description[0] && !(s.description = strdup(in->description))))
		goto oom;
	for (size_t k = 0; k < in->n_maps; k++) {
		struct pveconf_pci_map mp;
		struct util_buf why = {0};
		bool ok = in->maps[k] && map_parse(in->maps[k], &mp, &why);

		line++;
		if (ok) {
			mp.line = line;
			if (add_map(&s, &mp) < 0) {
				map_free(&mp);
				util_buf_free(&why);
				goto oom;
			}
		}
		util_buf_free(&why); /* PVE's API hands out only entries its reader kept */
	}
	s.usable = s.n_maps > 0;
	nv = realloc(m->v, (m->n + 1) * sizeof(*nv));
	if (!nv)
		goto oom;
	m->v = nv;
	m->v[m->n++] = s;
	return 0;
oom:
	mapping_free(&s);
	return util_err_set(e, -ENOMEM, _("out of memory"));
}

static int parse_any(const char *data, size_t len, void *out, struct util_err *e)
{
	return pveconf_pci_mappings_parse(data, len, out, e);
}

int pveconf_pci_mappings_load(const struct util_paths *p, struct pveconf_pci_mappings *out,
                              struct util_err *e)
{
	memset(out, 0, sizeof(*out));
	return pveconf_seccfg_load(p, PP_ETC_PVE_MAPPING_PCI, parse_any, out, e);
}

void pveconf_pci_mappings_free(struct pveconf_pci_mappings *m)
{
	for (size_t i = 0; i < m->n; i++)
		mapping_free(&m->v[i]);
	for (size_t i = 0; i < m->n_diags; i++) {
		free(m->diags[i].section);
		free(m->diags[i].message);
	}
	free(m->v);
	free(m->diags);
	memset(m, 0, sizeof(*m));
}

const struct pveconf_pci_mapping *pveconf_pci_mapping_find(const struct pveconf_pci_mappings *m,
                                                           const char *name)
{
	for (size_t i = 0; i < m->n; i++)
		if (strcmp(m->v[i].name, name) == 0)
			return &m->v[i];
	return NULL;
}

size_t pveconf_pci_mapping_maps_on(const struct pveconf_pci_mapping *mapping, const char *node,
                                   const struct pveconf_pci_map **out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < mapping->n_maps; i++) {
		if (strcmp(mapping->maps[i].node, node) != 0)
			continue;
		if (n < max)
			out[n] = &mapping->maps[i];
		n++;
	}
	return n;
}

int pveconf_mapping_diag_format(const struct pveconf_mapping_diag *d, const char *filename,
                                struct util_buf *out)
{
	if (!d->section)
		return util_buf_addf(out, "file %s line %u - %s", filename, d->line, d->message);
	if (d->skip_section)
		return util_buf_addf(out, "file %s line %u (skip section '%s'): %s", filename,
		                     d->line, d->section, d->message);
	return util_buf_addf(out, "file %s line %u (section '%s') - %s", filename, d->line,
	                     d->section, d->message);
}

int pveconf_pci_mappings_write_pve(const struct pveconf_pci_mappings *m, struct util_buf *out,
                                   struct util_err *e)
{
	int r = 0;

	for (size_t i = 0; i < m->n; i++)
		if (!m->v[i].usable)
			return util_err_set(
			        e, -EINVAL,
			        _("pci.cfg line %u: mapping '%s' has no valid map line; "
			          "PVE cannot write this file until it is fixed"),
			        m->v[i].line, m->v[i].name);
	/* per section: the id, the required key (map), then the optional keys sorted */
	for (size_t i = 0; i < m->n && r == 0; i++) {
		const struct pveconf_pci_mapping *s = &m->v[i];

		r = util_buf_addf(out, "%s\n", s->name);
		for (size_t k = 0; k < s->n_maps && r == 0; k++)
			r = util_buf_addf(out, "\tmap %s\n", s->maps[k].raw);
		if (r == 0 && s->description && s->description[0])
			r = util_buf_addf(out, "\tdescription %s\n", s->description);
		if (r == 0 && s->live_migration != PVECONF_UNSET)
			r = util_buf_addf(out, "\tlive-migration-capable %d\n",
			                  s->live_migration == PVECONF_ON);
		if (r == 0 && s->mdev != PVECONF_UNSET)
			r = util_buf_addf(out, "\tmdev %d\n", s->mdev == PVECONF_ON);
		if (r == 0)
			r = util_buf_addc(out, '\n');
	}
	return r < 0 ? util_err_set(e, r, _("out of memory writing pci.cfg")) : 0;
}

int pveconf_pci_mapping_put(struct pveconf_pci_mappings *m, const char *name,
                            const char *description, const char *node, const char *const *values,
                            size_t n, size_t *replaced, struct util_err *e)
{
	struct pveconf_pci_mapping *s = NULL;
	size_t added = 0;

	*replaced = 0;
	if (!configid_ok(name))
		return util_err_set(
		        e, -EINVAL,
		        _("'%s' is not a valid mapping id (PVE: a letter, then letters, "
		          "digits, '-' or '_'; at least 2 characters)"),
		        name);
	if (description && (strlen(description) > 4096 || strpbrk(description, "\r\n")))
		return util_err_set(
		        e, -EINVAL,
		        _("the description must be one line of at most 4096 characters"));
	for (size_t i = 0; i < m->n; i++)
		if (strcmp(m->v[i].name, name) == 0)
			s = &m->v[i];
	if (!s) {
		struct pveconf_pci_mapping *nv = realloc(m->v, (m->n + 1) * sizeof(*nv));

		if (!nv)
			return util_err_set(e, -ENOMEM, _("out of memory"));
		m->v = nv;
		s = &m->v[m->n];
		memset(s, 0, sizeof(*s));
		s->mdev = s->live_migration = PVECONF_UNSET;
		if (!(s->name = strdup(name)))
			return util_err_set(e, -ENOMEM, _("out of memory"));
		m->n++;
	}
	if (description) {
		char *d = strdup(description);

		if (!d)
			return util_err_set(e, -ENOMEM, _("out of memory"));
		free(s->description);
		s->description = d;
	}
	for (size_t k = 0; k < n; k++) {
		struct pveconf_pci_map mp;
		struct util_buf why = {0};
		size_t at = s->n_maps;

		if (!map_parse(values[k], &mp, &why)) {
			int r = util_err_set(e, -EINVAL, _("map line '%s': %s"), values[k],
			                     why.len ? util_buf_str(&why) : _("out of memory"));

			util_buf_free(&why);
			return r;
		}
		util_buf_free(&why);
		if (strcmp(mp.node, node) != 0) {
			map_free(&mp);
			return util_err_set(e, -EINVAL, _("map line '%s' is not for node %s"),
			                    values[k], node);
		}
		for (size_t i = 0; i < s->n_maps; i++)
			if (strcmp(s->maps[i].node, node) == 0 &&
			    strcmp(s->maps[i].path, mp.path) == 0)
				at = i;
		if (at < s->n_maps) {
			if (strcmp(s->maps[at].raw, mp.raw) != 0)
				(*replaced)++;
			map_free(&s->maps[at]);
			s->maps[at] = mp;
		} else if (add_map(s, &mp) < 0) {
			map_free(&mp);
			return util_err_set(e, -ENOMEM, _("out of memory"));
		} else {
			added++;
		}
	}
	s->usable = s->n_maps > 0;
	return (int)added;
}
