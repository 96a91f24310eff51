/* pveconf/storage.c - the parts of /etc/pve/storage.cfg the hookscript installer needs: snippets
 * storages, their paths and node restrictions, with PVE's own fix-ups of `local`.
 * Reads only; does not check that the directories exist (the caller does, under --root). */
#include "pveconf/storage.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pveconf/seccfg.h"
#include "pveconf/vmconf.h"
#include "pveconf/node.h"
#include "util/array.h"
#include "util/fileio.h"
#include "util/i18n.h"

#define LOCAL_PATH PP_VAR_LIB_VZ /* the host path PVE forces for `local` */

static const char *const known_types[] = {"dir",       "btrfs", "nfs",         "cifs",    "cephfs",
                                          "glusterfs", "lvm",   "lvmthin",     "zfspool", "zfs",
                                          "rbd",       "iscsi", "iscsidirect", "pbs",     "esxi"};
/* file storages that can hold snippets */
static const char *const snippet_types[] = {"dir", "btrfs", "nfs", "cifs", "cephfs", "glusterfs"};
/* mounted storages whose path defaults to /mnt/pve/<id>; PVE treats them as shared */
static const char *const mount_types[] = {"nfs", "cifs", "cephfs", "glusterfs"};

static bool in(const char *s, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(s, list[i]) == 0)
			return true;
	return false;
}
#define IN(s, list) in(s, list, sizeof(list) / sizeof(list[0]))

struct parser {
	struct pveconf_storages *out;
	size_t cap;
	int oom;
};

static void diag(struct parser *ps, unsigned line, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

static void diag(struct parser *ps, unsigned line, const char *fmt, ...)
{
	struct pveconf_storages *s = ps->out;
	struct pveconf_storage_diag *nv;
	va_list ap;
	char *msg;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&msg, fmt, ap);
	va_end(ap);
	nv = r < 0 ? NULL : realloc(s->diags, (s->n_diags + 1) * sizeof(*nv));
	if (!nv) {
		if (r >= 0)
			free(msg);
		ps->oom = 1;
		return;
	}
	s->diags = nv;
	s->diags[s->n_diags].line = line;
	s->diags[s->n_diags].message = msg;
	s->n_diags++;
}

static void storage_free(struct pveconf_storage *st)
{
	free(st->id);
	free(st->type);
	free(st->path);
	free(st->snippets_dir);
	for (size_t i = 0; i < st->n_nodes; i++)
		free(st->nodes[i]);
	free(st->nodes);
	memset(st, 0, sizeof(*st));
}

/* PVE's split_list: separators , ; and blanks */
static char *list_next(char **cur)
{
	char *s = *cur, *e;

	s += strspn(s, ",; \t\r\n\f\v");
	if (!*s)
		return NULL;
	e = s + strcspn(s, ",; \t\r\n\f\v");
	*cur = *e ? e + 1 : e;
	*e = '\0';
	return s;
}

/* parse_storage_id: ^[a-z][a-z0-9\-\_\.]*[a-z0-9]$ (case-insensitive) */
static bool storage_id_ok(const char *s)
{
	size_t n = strlen(s);

	if (n < 2)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = (char)(s[i] | 0x20);
		bool letter = c >= 'a' && c <= 'z', digit = s[i] >= '0' && s[i] <= '9';

		if (i == 0       ? !letter
		    : i == n - 1 ? !(letter || digit)
		                 : !(letter || digit || strchr("-_.", s[i])))
			return false;
	}
	return true;
}

static int set_str(char **dst, const char *v)
{
	free(*dst);
	*dst = strdup(v);
	return *dst ? 0 : -ENOMEM;
}

static int snippets_dir(struct pveconf_storage *st, const char *subdir)
{
	if (!st->snippets || !st->path)
		return 0;
	while (*subdir == '/')
		subdir++;
	free(st->snippets_dir);
	if (asprintf(&st->snippets_dir, "%s/%s", strcmp(st->path, "/") ? st->path : "", subdir) <
	    0) {
		st->snippets_dir = NULL;
		return -ENOMEM;
	}
	return 0;
}

static int add(struct parser *ps, struct pveconf_storage *st, bool front)
{
	struct pveconf_storages *s = ps->out;

	for (size_t i = 0; i < s->n; i++) { /* a repeated id replaces the earlier one */
		if (strcmp(s->v[i].id, st->id) != 0)
			continue;
		storage_free(&s->v[i]);
		memmove(&s->v[i], &s->v[i + 1], (s->n - i - 1) * sizeof(*s->v));
		s->n--;
		break;
	}
	if (util_array_grow(&s->v, &ps->cap, s->n, sizeof(*s->v), 8) < 0)
		return -ENOMEM;
	if (front) {
		memmove(&s->v[1], &s->v[0], s->n * sizeof(*s->v));
		s->v[0] = *st;
	} else {
		s->v[s->n] = *st;
	}
	s->n++;
	return 0;
}

static void parse_section(struct parser *ps, struct pveconf_seccfg_lines *ls, const char *type,
                          const char *id)
{
	struct pveconf_storage st = {0};
	char *l, *k, *v, subdir[256] = "snippets";
	unsigned hline = ls->lineno;
	bool skip = false, want_snippets = false;

	if (!storage_id_ok(id)) {
		diag(ps, hline, "skip section '%s': storage ID '%s' contains illegal characters",
		     id, id);
		skip = true;
	} else if (!IN(type, known_types)) {
		diag(ps, hline, "skip section '%s': unsupported type '%s'", id, type);
		skip = true;
	}
	st.line = hline;
	if (!skip && (set_str(&st.id, id) < 0 || set_str(&st.type, type) < 0))
		ps->oom = 1;
	while (pveconf_seccfg_truthy(l = pveconf_seccfg_next(ls))) {
		if (skip)
			continue;
		if (!pveconf_seccfg_body(l, &k, &v)) {
			diag(ps, ls->lineno, "section '%s': ignore config line: %s", id, l);
			continue;
		}
		if (strcmp(k, "path") == 0 && v) {
			if (set_str(&st.path, v) < 0)
				ps->oom = 1;
		} else if (strcmp(k, "content") == 0 && v) {
			char *cur = v, *c;

			want_snippets = false;
			while ((c = list_next(&cur)))
				if (strcmp(c, "snippets") == 0)
					want_snippets = true;
		} else if (strcmp(k, "content-dirs") == 0 && v) {
			char *cur = v, *c;

			while ((c = list_next(&cur)))
				if (strncmp(c, "snippets=", 9) == 0)
					snprintf(subdir, sizeof(subdir), "%s", c + 9);
		} else if (strcmp(k, "disable") == 0) {
			st.disabled = !v || strcmp(v, "0") != 0;
		} else if (strcmp(k, "shared") == 0) {
			st.shared = !v || strcmp(v, "0") != 0;
		} else if (strcmp(k, "nodes") == 0 && v) {
			char *cur = v, *c;

			while ((c = list_next(&cur))) {
				char **nv;

				if (pveconf_node_name_valid(c) < 0)
					continue;
				nv = realloc(st.nodes, (st.n_nodes + 1) * sizeof(*nv));
				if (!nv || !(nv[st.n_nodes] = strdup(c))) {
					if (nv)
						st.nodes = nv;
					ps->oom = 1;
					break;
				}
				st.nodes = nv;
				st.n_nodes++;
			}
		}
	}
	if (skip || ps->oom) {
		storage_free(&st);
		return;
	}
	if (!st.path && IN(type, mount_types) && asprintf(&st.path, PP_MNT_PVE "/%s", id) < 0) {
		st.path = NULL;
		ps->oom = 1;
	}
	if (!st.path && (strcmp(type, "dir") == 0 || strcmp(type, "btrfs") == 0)) {
		diag(ps, hline, "skip section '%s': missing value for required option 'path'", id);
		storage_free(&st);
		return;
	}
	if (IN(type, mount_types))
		st.shared = true;
	if (want_snippets && !IN(type, snippet_types))
		diag(ps, hline, "storage '%s': storage does not support content type 'snippets'",
		     id);
	st.snippets = want_snippets && IN(type, snippet_types);
	if (snippets_dir(&st, subdir) < 0 || add(ps, &st, false) < 0) {
		storage_free(&st);
		ps->oom = 1;
	}
}

/* PVE: `local` is always dir:/var/lib/vz; otherwise its built-in default replaces it. */
static void fix_local(struct parser *ps)
{
	struct pveconf_storages *s = ps->out;
	struct pveconf_storage *loc = NULL, def = {0};
	size_t i;

	for (i = 0; i < s->n; i++)
		if (strcmp(s->v[i].id, "local") == 0)
			loc = &s->v[i];
	if (loc && strcmp(loc->type, "dir") == 0 && strcmp(loc->path, LOCAL_PATH) == 0) {
		struct pveconf_storage keep = *loc;

		for (i = 0; i < keep.n_nodes; i++) /* PVE drops node restrictions of local */
			free(keep.nodes[i]);
		free(keep.nodes);
		keep.nodes = NULL;
		keep.n_nodes = 0;
		memmove(loc, loc + 1, (size_t)(s->v + s->n - loc - 1) * sizeof(*loc));
		s->n--;
		if (add(ps, &keep, true) < 0) {
			storage_free(&keep);
			ps->oom = 1;
		}
		return;
	}
	if (loc)
		diag(ps, loc->line,
		     _("storage 'local' is not dir:%s: PVE replaces it with its default"),
		     LOCAL_PATH);
	def.snippets = true;
	if (set_str(&def.id, "local") < 0 || set_str(&def.type, "dir") < 0 ||
	    set_str(&def.path, LOCAL_PATH) < 0 || snippets_dir(&def, "snippets") < 0 ||
	    add(ps, &def, true) < 0) {
		storage_free(&def);
		ps->oom = 1;
	}
}

int pveconf_storages_parse(const char *data, size_t len, struct pveconf_storages *out,
                           struct util_err *e)
{
	struct parser ps = {.out = out};
	struct pveconf_seccfg_lines ls;
	char *copy;

	memset(out, 0, sizeof(*out));
	if (len > PVECONF_VM_MAX_BYTES)
		return util_err_set(e, -EFBIG, _("%s: larger than 1 MiB"), PP_ETC_PVE_STORAGE);
	copy = malloc(len + 1);
	if (!copy)
		return util_err_set(e, -ENOMEM, _("out of memory reading storage.cfg"));
	memcpy(copy, data, len);
	copy[len] = '\0';
	pveconf_seccfg_init(&ls, copy, len);
	while (ls.p < ls.end && !ps.oom) {
		char *l = pveconf_seccfg_next(&ls), *type, *id;

		if (!pveconf_seccfg_truthy(l))
			continue;
		if (pveconf_seccfg_header(l, &type, &id))
			parse_section(&ps, &ls, type, id);
		else
			diag(&ps, ls.lineno, "ignore config line: %s", l);
	}
	free(copy);
	if (!ps.oom)
		fix_local(&ps);
	if (ps.oom) {
		pveconf_storages_free(out);
		return util_err_set(e, -ENOMEM, _("out of memory reading storage.cfg"));
	}
	return 0;
}

static int parse_any(const char *data, size_t len, void *out, struct util_err *e)
{
	return pveconf_storages_parse(data, len, out, e);
}

int pveconf_storages_load(const struct util_paths *p, struct pveconf_storages *out,
                          struct util_err *e)
{
	memset(out, 0, sizeof(*out));
	return pveconf_seccfg_load(p, PP_ETC_PVE_STORAGE, parse_any, out, e);
}

void pveconf_storages_free(struct pveconf_storages *s)
{
	for (size_t i = 0; i < s->n; i++)
		storage_free(&s->v[i]);
	for (size_t i = 0; i < s->n_diags; i++)
		free(s->diags[i].message);
	free(s->v);
	free(s->diags);
	memset(s, 0, sizeof(*s));
}

const struct pveconf_storage *pveconf_storage_find(const struct pveconf_storages *s, const char *id)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->v[i].id, id) == 0)
			return &s->v[i];
	return NULL;
}

bool pveconf_storage_snippets_on(const struct pveconf_storage *st, const char *node)
{
	if (!st->snippets || st->disabled || !st->snippets_dir)
		return false;
	if (st->n_nodes == 0)
		return true;
	for (size_t i = 0; i < st->n_nodes; i++)
		if (node && strcmp(st->nodes[i], node) == 0)
			return true;
	return false;
}

const struct pveconf_storage *pveconf_storage_snippets_first(const struct pveconf_storages *s,
                                                             const char *node)
{
	for (size_t i = 0; i < s->n; i++)
		if (pveconf_storage_snippets_on(&s->v[i], node))
			return &s->v[i];
	return NULL;
}

const struct pveconf_storage *pveconf_storage_snippets_pick(const struct pveconf_storages *s,
                                                            const char *node)
{
	const struct pveconf_storage *here = NULL;

	for (size_t i = 0; i < s->n; i++) {
		const struct pveconf_storage *st = &s->v[i];

		if (!st->shared || !pveconf_storage_snippets_on(st, node))
			continue;
		if (st->n_nodes == 0)
			return st;
		if (!here)
			here = st;
	}
	return here ? here : pveconf_storage_snippets_first(s, node);
}
