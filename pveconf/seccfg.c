/* pveconf/seccfg.c - line splitting and body-line syntax of PVE's SectionConfig files.
 * Pure string handling; no I/O. */
#include <stdlib.h>
#include <errno.h>
#include <fcntl.h>
#include "pveconf/seccfg.h"
#include "pveconf/vmconf.h"
#include "util/err.h"
#include "util/fileio.h"
#include "util/i18n.h"
#include "util/paths.h"

#include <string.h>

void pveconf_seccfg_init(struct pveconf_seccfg_lines *ls, char *buf, size_t len)
{
	ls->p = buf;
	ls->end = buf + len;
	ls->lineno = 0;
	for (char *z = memchr(buf, '\0', len); z; z = memchr(z, '\0', (size_t)(buf + len - z)))
		*z = '?';
}

/* Perl's \s */
bool pveconf_seccfg_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* The next line that is not a comment (^\s*#); NULL at the end.  *lineno counts every line. */

char *pveconf_seccfg_next(struct pveconf_seccfg_lines *ls)
{
	while (ls->p < ls->end) {
		char *s = ls->p, *nl = memchr(s, '\n', (size_t)(ls->end - s));
		char *t = s;

		if (nl) {
			*nl = '\0';
			ls->p = nl + 1;
		} else {
			ls->p = ls->end;
		}
		ls->lineno++;
		while (*t && pveconf_seccfg_space(*t))
			t++;
		if (*t != '#')
			return s;
	}
	return NULL;
}

/* Perl truth of a line: "" and "0" are false (and end a section body). */
bool pveconf_seccfg_truthy(const char *l)
{
	return l && l[0] && strcmp(l, "0") != 0;
}

/* Body line of a section: ^\s+(\S+)(\s+(.*\S))?\s*$ ; key and value (NULL) in place. */
bool pveconf_seccfg_body(char *l, char **k, char **v)
{
	char *t = l, *ke, *ve;

	if (!pveconf_seccfg_space(*t))
		return false;
	while (*t && pveconf_seccfg_space(*t))
		t++;
	if (!*t)
		return false;
	*k = t;
	while (*t && !pveconf_seccfg_space(*t))
		t++;
	ke = t;
	while (*t && pveconf_seccfg_space(*t))
		t++;
	*v = NULL;
	if (*t) {
		ve = t + strlen(t);
		while (ve > t && pveconf_seccfg_space(ve[-1]))
			ve--;
		*ve = '\0';
		*v = t;
	}
	*ke = '\0';
	return true;
}

int pveconf_seccfg_read(const char *path, const char *display, char **data, size_t *len,
                        struct util_err *e)
{
	/* a FIFO, directory or device in its place: util_open_regular's message names it */
	int r = util_file_readat(AT_FDCWD, path, 0, display, PVECONF_VM_MAX_BYTES, data, len, e);

	if (r == -ENOENT) {
		/* no such file: no mappings / storages, as PVE reads it */
		*data = calloc(1, 1);
		*len = 0;
		return *data ? 0 : util_err_set(e, -ENOMEM, _("out of memory reading %s"), display);
	}
	return r;
}

int pveconf_seccfg_load(const struct util_paths *p, const char *host_path,
                        int (*parse)(const char *data, size_t len, void *out, struct util_err *e),
                        void *out, struct util_err *e)
{
	char path[PP_PATH_MAX], *data;
	size_t len;
	int r;

	if (util_path(p, path, sizeof(path), "%s", host_path) < 0)
		return util_err_set(e, -ENAMETOOLONG, _("--root: path too long"));
	r = pveconf_seccfg_read(path, util_path_display(p, path), &data, &len, e);
	if (r < 0)
		return r;
	r = parse(data, len, out, e);
	free(data);
	return r;
}

/* "dir: local" -> type "dir", id "local" (PVE: ^(\S+):\s*(\S+)\s*$, type lowercased); in place */
bool pveconf_seccfg_header(char *l, char **type, char **id)
{
	char *colon = NULL, *t, *e;

	if (!*l || pveconf_seccfg_space(*l))
		return false;
	for (t = l; *t && !pveconf_seccfg_space(*t); t++)
		;
	/* the first \S+ run, greedy: the type ends at its last ':' that leaves an id */
	e = t;
	while (*t && pveconf_seccfg_space(*t))
		t++;
	if (*t) { /* "type: id": the first run must end with ':' */
		char *idend = t;

		while (*idend && !pveconf_seccfg_space(*idend))
			idend++;
		for (char *x = idend; *x; x++)
			if (!pveconf_seccfg_space(*x))
				return false;
		if (e[-1] != ':' || e - 1 == l)
			return false;
		*idend = '\0';
		e[-1] = '\0';
		*id = t;
	} else { /* "type:id" */
		for (char *x = e - 2; x > l; x--)
			if (*x == ':') {
				colon = x;
				break;
			}
		if (!colon)
			return false;
		*e = '\0';
		*colon = '\0';
		*id = colon + 1;
	}
	*type = l;
	for (char *x = l; *x; x++)
		if (*x >= 'A' && *x <= 'Z')
			*x = (char)(*x - 'A' + 'a');
	return true;
}
