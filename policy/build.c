/* policy/build.c - turns a parsed VM config (pveconf/ model) into a struct policy_vm: its sections,
 * their hostpci entries parsed with pveconf_hostpci_parse, machine and vga, hookscript and lock.
 * Pure: no I/O, no printing; must not decide anything the rules decide. */
#include "policy/build.h"
#include "util/buf.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *keep(struct policy_vm_build *b, const char *s)
{
	char *c;

	if (!s)
		return NULL;
	if (b->n_strings == b->cap_strings) {
		size_t cap = b->cap_strings ? b->cap_strings * 2 : 16;
		char **v = realloc(b->strings, cap * sizeof(*v));

		if (!v)
			return NULL;
		b->strings = v;
		b->cap_strings = cap;
	}
	c = strdup(s);
	if (c)
		b->strings[b->n_strings++] = c;
	return c;
}

/* "hostpci" followed by digits only (an index PVE does not know is still a hostpci key: the
 * reader reports it as dropped) */
static bool is_hostpci_key(const char *k)
{
	if (!k || strncmp(k, "hostpci", 7) != 0 || !k[7])
		return false;
	for (k += 7; *k; k++)
		if (!isdigit((unsigned char)*k))
			return false;
	return true;
}

static void hp_set(struct policy_vm_build *b, struct policy_hostpci *hp, const char *key,
                   const char *value, unsigned line)
{
	struct util_err pe = {0};

	hp->key = keep(b, key);
	hp->value = keep(b, value);
	hp->line = line;
	hp->valid = pveconf_hostpci_parse(value, &hp->parsed, &pe) == 0;
	if (!hp->valid)
		hp->error = keep(b, pe.msg);
}

static enum policy_section_kind kind_of(enum pveconf_section_kind k)
{
	return k == PVECONF_SECTION_MAIN      ? POLICY_SECTION_MAIN
	       : k == PVECONF_SECTION_PENDING ? POLICY_SECTION_PENDING
	                                      : POLICY_SECTION_SNAPSHOT;
}

/* The value of a line PVE drops, from the file's bytes ("hostpci0: 0000:00:02.3, pcie=1"). */
static bool raw_value(const char *data, size_t len, unsigned line, const char *key, char *buf,
                      size_t n)
{
	const char *p = data, *end = data + len, *eol;
	size_t kl = strlen(key);

	for (unsigned l = 1; l < line && p < end; l++) {
		p = memchr(p, '\n', (size_t)(end - p));
		p = p ? p + 1 : end;
	}
	if (p >= end)
		return false;
	eol = memchr(p, '\n', (size_t)(end - p));
	eol = eol ? eol : end;
	if ((size_t)(eol - p) <= kl || strncmp(p, key, kl) != 0 || p[kl] != ':')
		return false;
	p += kl + 1;
	while (p < eol && isspace((unsigned char)*p))
		p++;
	while (eol > p && isspace((unsigned char)eol[-1]))
		eol--;
	snprintf(buf, n, "%.*s", (int)(eol - p), p);
	return eol > p;
}

/* POLICY_BUILD_ALL_DROPPED: what a value PVE drops says, read as written or without the blanks
 * PVE rejects ("0000:00:02.3, pcie=1"), so the device a person meant still counts as used. */
static void hp_lenient(struct policy_hostpci *hp)
{
	char tmp[1024];
	size_t n = 0;

	if (!hp->value)
		return;
	hp->lenient = pveconf_hostpci_parse(hp->value, &hp->parsed, NULL) == 0;
	for (const char *s = hp->value; !hp->lenient && *s && n + 1 < sizeof(tmp); s++)
		if (!isspace((unsigned char)*s))
			tmp[n++] = *s;
	tmp[n] = '\0';
	if (!hp->lenient)
		hp->lenient = pveconf_hostpci_parse(tmp, &hp->parsed, NULL) == 0;
}

/* A dropped line's value from the file's bytes (serialised once, into *bytes), unless the section
 * has a key of that name PVE keeps. */
static const char *dropped_value(struct policy_vm_build *b, const struct pveconf_vm *conf, size_t s,
                                 const struct pveconf_diag *d, struct util_buf *bytes)
{
	const struct pveconf_section *ps = pveconf_vm_section(conf, s);
	char value[1024];

	if (pveconf_vm_get(conf, s == 0 ? NULL : ps->name, d->key, NULL))
		return NULL;
	if (!bytes->s && pveconf_vm_serialize(conf, bytes) < 0)
		return NULL;
	if (!raw_value(util_buf_str(bytes), bytes->len, d->line, d->key, value, sizeof(value)))
		return NULL;
	return keep(b, value);
}

/* Sections as written (ALL, or MAIN only); dropped: values PVE drops read too. */
static int build_sections(const struct pveconf_vm *conf, bool main_only, bool dropped,
                          struct policy_vm_build *b)
{
	const struct pveconf_diag *diags;
	size_t n_sec = pveconf_vm_section_count(conf), n_diags = pveconf_vm_diags(conf, &diags);
	size_t total = 0, n_hps = 0, ns = 0;
	struct util_buf bytes = {0};

	for (size_t s = 0; s < n_sec; s++) {
		const struct pveconf_kv *kv;
		size_t n = pveconf_vm_keys(conf, s, &kv);

		for (size_t i = 0; i < n; i++)
			total += is_hostpci_key(kv[i].key);
	}
	for (size_t d = 0; d < n_diags; d++)
		total += is_hostpci_key(diags[d].key) && pveconf_diag_is_loss(diags[d].kind);
	b->hps = calloc(total + 1, sizeof(*b->hps));
	b->secs = calloc(n_sec + 1, sizeof(*b->secs));
	if (!b->hps || !b->secs)
		return -ENOMEM;
	for (size_t s = 0; s < n_sec; s++) {
		const struct pveconf_section *ps = pveconf_vm_section(conf, s);
		struct policy_section *sec = &b->secs[ns];
		const struct pveconf_kv *kv;
		size_t n;

		if (ps->kind == PVECONF_SECTION_SPECIAL)
			continue;
		if (main_only && ps->kind != PVECONF_SECTION_MAIN)
			continue;
		sec->kind = kind_of(ps->kind);
		sec->name = sec->kind == POLICY_SECTION_SNAPSHOT ? keep(b, ps->name) : NULL;
		sec->hostpci = &b->hps[n_hps];
		n = pveconf_vm_keys(conf, s, &kv);
		for (size_t i = 0; i < n; i++) {
			if (strcmp(kv[i].key, "machine") == 0)
				sec->machine = keep(b, kv[i].value);
			else if (strcmp(kv[i].key, "vga") == 0)
				sec->vga = keep(b, kv[i].value);
			else if (is_hostpci_key(kv[i].key)) {
				hp_set(b, &b->hps[n_hps], kv[i].key, kv[i].value, kv[i].line);
				if (dropped && !b->hps[n_hps].valid)
					hp_lenient(&b->hps[n_hps]);
				n_hps++;
			}
		}
		/* values PVE drops never reach the keys: they are diagnostics of the reader */
		for (size_t d = 0; d < n_diags; d++) {
			struct policy_hostpci *hp;

			if (!is_hostpci_key(diags[d].key) || !pveconf_diag_is_loss(diags[d].kind) ||
			    !diags[d].section || strcmp(diags[d].section, ps->name) != 0)
				continue;
			hp = &b->hps[n_hps++];
			hp->key = keep(b, diags[d].key);
			/* the reader keeps only its reason; the bytes the value */
			hp->value = dropped ? dropped_value(b, conf, s, &diags[d], &bytes) : NULL;
			hp->line = diags[d].line;
			hp->valid = false;
			hp->dropped = true;
			hp->error = keep(b, diags[d].message);
			if (dropped)
				hp_lenient(hp);
		}
		sec->n_hostpci = (size_t)(&b->hps[n_hps] - sec->hostpci);
		ns++;
	}
	util_buf_free(&bytes);
	b->vm.sections = b->secs;
	b->vm.n_sections = ns;
	return 0;
}

/* The value the next start sees: [PENDING]'s over main's, unless pending deletes it. */
static const char *next_get(const struct pveconf_vm *conf, bool has_pending, const char *key,
                            unsigned *line)
{
	const char *v = has_pending ? pveconf_vm_get(conf, "PENDING", key, line) : NULL;
	bool force;

	if (v)
		return v;
	if (pveconf_vm_pending_deletes(conf, key, &force))
		return NULL;
	return pveconf_vm_get(conf, NULL, key, line);
}

static int build_next_start(const struct pveconf_vm *conf, struct policy_vm_build *b)
{
	bool has_pending = pveconf_vm_section_find(conf, "PENDING") >= 0;
	struct policy_section *sec;
	size_t n_hps = 0;

	b->hps = calloc(PVECONF_HOSTPCI_MAX, sizeof(*b->hps));
	b->secs = calloc(1, sizeof(*b->secs));
	if (!b->hps || !b->secs)
		return -ENOMEM;
	for (int i = 0; i < PVECONF_HOSTPCI_MAX; i++) {
		char key[16];
		unsigned line = 0;
		const char *v;

		snprintf(key, sizeof(key), "hostpci%d", i);
		v = next_get(conf, has_pending, key, &line);
		if (v)
			hp_set(b, &b->hps[n_hps++], key, v, line);
	}
	sec = &b->secs[0];
	sec->kind = POLICY_SECTION_MAIN;
	sec->hostpci = b->hps;
	sec->n_hostpci = n_hps;
	sec->machine = keep(b, next_get(conf, has_pending, "machine", NULL));
	sec->vga = keep(b, next_get(conf, has_pending, "vga", NULL));
	b->vm.sections = b->secs;
	b->vm.n_sections = 1;
	return 0;
}

int policy_vm_build(const struct pveconf_vm *conf, unsigned vmid, const char *node,
                    enum policy_build_view view, struct policy_vm_build *out, struct util_err *e)
{
	const char *lock;
	int r;

	memset(out, 0, sizeof(*out));
	out->vm.vmid = vmid;
	out->vm.node = keep(out, node);
	r = view == POLICY_BUILD_NEXT_START ? build_next_start(conf, out)
	                                    : build_sections(conf, view == POLICY_BUILD_MAIN,
	                                                     view == POLICY_BUILD_ALL_DROPPED, out);
	if (r < 0) {
		policy_vm_build_free(out);
		return util_err_set(e, r, _("out of memory"));
	}
	out->vm.hookscript = keep(out, pveconf_vm_get(conf, NULL, "hookscript", NULL));
	lock = pveconf_vm_lock(conf);
	out->vm.lock = lock ? keep(out, lock) : NULL;
	out->name = keep(out, pveconf_vm_get(conf, NULL, "name", NULL));
	return 0;
}

void policy_vm_build_free(struct policy_vm_build *b)
{
	for (size_t i = 0; i < b->n_strings; i++)
		free(b->strings[i]);
	free(b->strings);
	free(b->secs);
	free(b->hps);
	memset(b, 0, sizeof(*b));
}
