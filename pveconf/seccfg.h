/* pveconf/seccfg.h - line handling shared by the readers of PVE's section-config files
 * (/etc/pve/mapping/pci.cfg, /etc/pve/storage.cfg, /etc/pve/ha/resources.cfg), with the rules of
 * PVE's SectionConfig parser.
 * Internal to pveconf/. */
#ifndef PP_PVECONF_SECCFG_H
#define PP_PVECONF_SECCFG_H

#include <stdbool.h>
#include <stddef.h>

struct util_err;
struct util_paths;

/* Reads a section-config file (at most 1 MiB, pmxcfs' limit) into a malloc'd NUL-terminated
 * buffer; a missing file reads as empty, as PVE treats it.  0 or -errno with a message naming
 * display (the path as the user knows it). */
int pveconf_seccfg_read(const char *path, const char *display, char **data, size_t *len,
                        struct util_err *e);
/* Reads the section-config file host_path (under p's --root) as above and hands its bytes to
 * parse (which fills out).  0 or -errno with a message. */
int pveconf_seccfg_load(const struct util_paths *p, const char *host_path,
                        int (*parse)(const char *data, size_t len, void *out, struct util_err *e),
                        void *out, struct util_err *e);

/* Lines of a writable copy of the file; lineno counts every line read so far. */
struct pveconf_seccfg_lines {
	char *p, *end;
	unsigned lineno;
};

/* buf holds len bytes plus a NUL.  NUL bytes inside become '?' (PVE treats them as ordinary
 * non-blank characters, and so does every check on '?'). */
void pveconf_seccfg_init(struct pveconf_seccfg_lines *ls, char *buf, size_t len);
/* The next line that is not a comment (^\s*#), NUL-terminated in place; NULL at the end. */
char *pveconf_seccfg_next(struct pveconf_seccfg_lines *ls);
/* Perl's truth of a line: "" and "0" are false (and end a section body). */
bool pveconf_seccfg_truthy(const char *l);
/* Perl's \s. */
bool pveconf_seccfg_space(char c);
/* A section header ^(\S+):\s*(\S+)\s*$ ("dir: local", "vm:100"): the type (lowercased) and the
 * id, NUL-terminated in place; false when l is no header. */
bool pveconf_seccfg_header(char *l, char **type, char **id);
/* A body line ^\s+(\S+)(\s+(.*\S))?\s*$: key and value (NULL when none), in place. */
bool pveconf_seccfg_body(char *l, char **k, char **v);

#endif
