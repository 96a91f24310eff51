/* pveconf/vmconf.c - a Proxmox VE VM config: the lossless line model, PVE's reading of it
 * (parse_vm_config of qemu-server 9.2), PVE's writer (write_vm_config) and the minimal-diff editor.
 * Works on memory only; pveconf_vm_load() is the one function that reads a file.  Never prints,
 * never knows /sys.  Edits splice the line model and re-read it, so the model and PVE's view of it
 * can never disagree. */
#include "pveconf/vmconf.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pveconf/format.h"
#include "pveconf/keys.h"
#include "pveconf/perlutf8.h"
#include "util/array.h"
#include "util/fileio.h"
#include "util/hash.h"
#include "util/i18n.h"

struct vline {
	size_t off, len; /* the line's bytes in vm->data, without its '\n' */
	bool nl;         /* followed by '\n' */
};

struct kvent {
	const char *key;
	const char *val; /* the value PVE keeps (NUL-terminated, may hold NULs: see vlen) */
	size_t vlen;
	const char *raw; /* the value as written on the line */
	size_t rawlen;
	unsigned line;
	bool live;
	bool is_args;                     /* stored without check_type (PVE's args: special case) */
	const struct pveconf_keyinfo *ki; /* its schema entry (main schema), NULL when none */
};

enum schema {
	SCHEMA_NONE, /* [special:X] with an unexpected case: PVE has no schema for it */
	SCHEMA_MAIN,
	SCHEMA_FLEECING,
	SCHEMA_RAW, /* [special:cloudinit]: stored unchecked */
};

struct sect {
	enum pveconf_section_kind kind;
	const char *name; /* "main", "PENDING", "special:x", snapshot name */
	const char *key;  /* name for duplicate detection: "cloudinit", snapshot name */
	unsigned line;    /* header line (1-based), 0 for main */
	size_t hdr_idx;   /* header line index, (size_t)-1 for main */
	size_t body_end;  /* first line index after the body */
	bool live;
	enum schema schema;
	struct kvent *kv;
	size_t nkv, kvcap;
	struct util_buf descr; /* decoded description text */
	bool has_descr;
	const char *desc_key; /* description: set through the generic key path */
	size_t desc_key_len;
	const char *desc; /* final description (NULL = none) */
	size_t desc_len;
	const char *del; /* [PENDING] delete: */
	unsigned del_line;
	const char *snapstate;
	unsigned snapstate_line;
	struct pveconf_kv *pub; /* effective keys for the API */
	size_t npub;
};

struct chunk {
	struct chunk *next;
	size_t used, cap;
	char mem[];
};

struct pveconf_vm {
	char *data;
	size_t len;
	char *name;
	char digest[UTIL_SHA1_HEX_LEN + 1];
	struct vline *lines;
	size_t nlines;
	struct sect *sects;
	size_t nsects, sectcap;
	struct pveconf_section *pubsec;
	size_t *pubsec_idx; /* index into sects */
	size_t npubsec;
	struct pveconf_diag *diags;
	size_t ndiags, diagcap;
	bool crlf;
	bool oom;
	bool built; /* pveconf_vm_build(): no bytes of its own, not edited */
	struct chunk *arena;
	struct pveconf_check_ctx ctx; /* how values are checked (pveconf_vm_parse_opts) */
};

/* ------------------------------------------------------------------ arena */

static void *arena_alloc(struct pveconf_vm *vm, size_t n)
{
	struct chunk *c = vm->arena;

	n = (n + 7) & ~(size_t)7;
	if (!c || c->cap - c->used < n) {
		size_t cap = n > 16384 ? n : 16384;

		c = malloc(sizeof(*c) + cap);
		if (!c) {
			vm->oom = true;
			return NULL;
		}
		c->next = vm->arena;
		c->used = 0;
		c->cap = cap;
		vm->arena = c;
	}
	c->used += n;
	return c->mem + c->used - n;
}

static const char *arena_strndup(struct pveconf_vm *vm, const char *s, size_t n)
{
	char *d = arena_alloc(vm, n + 1);

	if (!d)
		return "";
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

static void arena_free(struct pveconf_vm *vm)
{
	while (vm->arena) {
		struct chunk *n = vm->arena->next;

		free(vm->arena);
		vm->arena = n;
	}
}

/* ------------------------------------------------------------------ diagnostics */

static void diag_add(struct pveconf_vm *vm, enum pveconf_diag_kind kind, unsigned line,
                     const char *key, const char *section, const char *fmt, ...)
        __attribute__((format(printf, 6, 7)));

static void diag_add(struct pveconf_vm *vm, enum pveconf_diag_kind kind, unsigned line,
                     const char *key, const char *section, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (util_array_grow(&vm->diags, &vm->diagcap, vm->ndiags, sizeof(*vm->diags), 8) < 0) {
		vm->oom = true;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	vm->diags[vm->ndiags++] = (struct pveconf_diag){
	        .kind = kind,
	        .line = line,
	        .key = key ? arena_strndup(vm, key, strlen(key)) : NULL,
	        .section = section,
	        .message = arena_strndup(vm, msg, strlen(msg)),
	};
}

/* A line or value for a message: at most 120 bytes, control bytes and non-ASCII as \xNN. */
static void show(char *buf, size_t n, const char *s, size_t len)
{
	size_t o = 0;

	for (size_t i = 0; i < len && o + 8 < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (i == 120) {
			o += (size_t)snprintf(buf + o, n - o, "...");
			break;
		}
		if (c < 0x20 || c >= 0x7f)
			o += (size_t)snprintf(buf + o, n - o, "\\x%02x", c);
		else
			buf[o++] = (char)c;
	}
	buf[o] = '\0';
}

/* ------------------------------------------------------------------ text coding */

static int hexv(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* PVE's decode_text: %XX unescaped, then decoded by Encode's lax "utf8" (cause 4 of issue 11). */
static int decode_text(struct util_buf *out, const char *s, size_t n)
{
	unsigned char stackbuf[512], *tmp = n <= sizeof(stackbuf) ? stackbuf : malloc(n);
	size_t m = 0;
	int r = 0;

	if (!tmp)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%' && i + 2 < n && hexv((unsigned char)s[i + 1]) >= 0 &&
		    hexv((unsigned char)s[i + 2]) >= 0) {
			tmp[m++] = (unsigned char)(hexv((unsigned char)s[i + 1]) * 16 +
			                           hexv((unsigned char)s[i + 2]));
			i += 2;
		} else {
			tmp[m++] = (unsigned char)s[i];
		}
	}
	if (m > 0)
		r = pveconf_perl_utf8_decode(out, tmp, m);
	if (tmp != stackbuf)
		free(tmp);
	return r;
}

/* PVE's encode_text: control bytes, '%', ':' and every non-ASCII byte as %XX. */
static int encode_text(struct util_buf *out, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	int r = 0;

	for (size_t i = 0; i < n && r == 0; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x20 && c <= 0x7e && c != '%' && c != ':') {
			r = util_buf_addc(out, (char)c);
		} else {
			char e[3] = {'%', hex[c >> 4], hex[c & 15]};

			r = util_buf_add(out, e, 3);
		}
	}
	return r;
}

/* Length of a trailing Unicode white-space character (Perl's \s on a decoded string), or 0. */
static size_t trailing_space(const unsigned char *s, size_t n)
{
	if (n >= 1 && pveconf_is_ascii_space(s[n - 1]))
		return 1;
	if (n >= 2 && s[n - 2] == 0xc2 && (s[n - 1] == 0x85 || s[n - 1] == 0xa0))
		return 2;
	if (n >= 3) {
		const unsigned char *t = s + n - 3;

		if ((t[0] == 0xe1 && t[1] == 0x9a && t[2] == 0x80) ||
		    (t[0] == 0xe2 && t[1] == 0x80 &&
		     ((t[2] >= 0x80 && t[2] <= 0x8a) || t[2] == 0xa8 || t[2] == 0xa9 ||
		      t[2] == 0xaf)) ||
		    (t[0] == 0xe2 && t[1] == 0x81 && t[2] == 0x9f) ||
		    (t[0] == 0xe3 && t[1] == 0x80 && t[2] == 0x80))
			return 3;
	}
	return 0;
}

/* ------------------------------------------------------------------ sections and keys */

static struct sect *sect_new(struct pveconf_vm *vm, enum pveconf_section_kind kind,
                             const char *name, const char *key, unsigned line, size_t idx)
{
	struct sect *s;

	if (util_array_grow(&vm->sects, &vm->sectcap, vm->nsects, sizeof(*vm->sects), 4) < 0) {
		vm->oom = true;
		return NULL;
	}
	s = &vm->sects[vm->nsects++];
	memset(s, 0, sizeof(*s));
	s->kind = kind;
	s->name = name;
	s->key = key;
	s->line = line;
	s->hdr_idx = idx;
	s->live = true;
	s->schema = SCHEMA_MAIN;
	return s;
}

static struct kvent *kv_find(struct sect *s, const char *key)
{
	for (size_t i = s->nkv; i-- > 0;)
		if (s->kv[i].live && strcmp(s->kv[i].key, key) == 0)
			return &s->kv[i];
	return NULL;
}

static void kv_set(struct pveconf_vm *vm, struct sect *s, const char *key, size_t keylen,
                   const char *val, size_t vlen, const char *raw, size_t rawlen, unsigned line,
                   bool is_args)
{
	char kbuf[256];
	struct kvent *old;
	const char *oldkey = NULL;

	if (keylen > 255)
		keylen = 255;
	memcpy(kbuf, key, keylen);
	kbuf[keylen] = '\0';
	old = kv_find(s, kbuf);
	if (old) {
		oldkey = old->key; /* old points into s->kv, which may move below */
		old->live = false;
		if (old->vlen == vlen && memcmp(old->val, val, vlen) == 0)
			diag_add(vm, PVECONF_DIAG_CHANGED, old->line, old->key, s->name,
			         _("%s: set again with the same value at line %u"), old->key, line);
		else
			diag_add(vm, PVECONF_DIAG_SILENT, old->line, old->key, s->name,
			         _("%s: set again at line %u, the later value wins"), old->key,
			         line);
	}
	if (util_array_grow(&s->kv, &s->kvcap, s->nkv, sizeof(*s->kv), 16) < 0) {
		vm->oom = true;
		return;
	}
	s->kv[s->nkv++] = (struct kvent){
	        .key = oldkey ? oldkey : arena_strndup(vm, kbuf, strlen(kbuf)),
	        .val = arena_strndup(vm, val, vlen),
	        .vlen = vlen,
	        .raw = raw,
	        .rawlen = rawlen,
	        .line = line,
	        .live = true,
	        .is_args = is_args,
	        .ki = s->schema == SCHEMA_MAIN ? pveconf_key_lookup(kbuf, keylen) : NULL,
	};
}

static void finish_description(struct pveconf_vm *vm, struct sect *s)
{
	if (!s)
		return;
	if (s->has_descr) {
		size_t n = s->descr.len, t;

		while ((t = trailing_space((const unsigned char *)s->descr.s, n)) > 0)
			n -= t;
		s->desc = arena_strndup(vm, s->descr.s ? s->descr.s : "", n);
		s->desc_len = n;
		s->has_descr = false;
		util_buf_free(&s->descr);
	}
}

static bool is_lower(char c)
{
	return c >= 'a' && c <= 'z';
}

/* `^([a-z][a-z_\-]*\d*):` -> length of the key, or 0 */
static size_t key_prefix(const char *p, size_t n)
{
	size_t i = 0;

	if (n == 0 || !is_lower(p[0]))
		return 0;
	i = 1;
	while (i < n && (is_lower(p[i]) || p[i] == '_' || p[i] == '-'))
		i++;
	while (i < n && p[i] >= '0' && p[i] <= '9')
		i++;
	return i < n && p[i] == ':' ? i : 0;
}

/* Is k (NUL-terminated) a whole key of that grammar? */
static bool key_name_valid(const char *k)
{
	char tmp[300];
	size_t kl = strlen(k);

	if (kl == 0 || kl > 250)
		return false;
	snprintf(tmp, sizeof(tmp), "%s:x", k);
	return key_prefix(tmp, kl + 2) == kl;
}

/* `^word:\s*(.*\S)\s*$` -> value span, or false */
static bool word_value(const char *p, size_t n, const char *word, const char **v, size_t *vl)
{
	size_t wl = strlen(word), s, e;

	if (n <= wl || memcmp(p, word, wl) != 0 || p[wl] != ':')
		return false;
	s = wl + 1;
	e = n;
	while (s < n && pveconf_is_ascii_space((unsigned char)p[s]))
		s++;
	while (e > s && pveconf_is_ascii_space((unsigned char)p[e - 1]))
		e--;
	if (e == s)
		return false;
	*v = p + s;
	*vl = e - s;
	return true;
}

/* the unanchored `snapstate:\s*(prepare|delete)\s*$` */
static const char *snapstate_match(const char *p, size_t n)
{
	static const char tag[] = "snapstate:";

	for (size_t i = 0; i + sizeof(tag) - 1 <= n; i++) {
		size_t j = i + sizeof(tag) - 1, e = n;
		const char *w;

		if (memcmp(p + i, tag, sizeof(tag) - 1) != 0)
			continue;
		while (j < n && pveconf_is_ascii_space((unsigned char)p[j]))
			j++;
		while (e > j && pveconf_is_ascii_space((unsigned char)p[e - 1]))
			e--;
		w = e - j == 7 && memcmp(p + j, "prepare", 7) == 0  ? "prepare"
		    : e - j == 6 && memcmp(p + j, "delete", 6) == 0 ? "delete"
		                                                    : NULL;
		if (w)
			return w;
	}
	return NULL;
}

/* the drive's volume as PVE's parse_drive finds it; false where parse_drive rejects the value */
static bool drive_volume(const struct kvent *kv, const char **f, size_t *fl)
{
	if (!kv->ki || !kv->ki->ps || !pveconf_key_is_drive(kv->key))
		return false;
	return pveconf_drive_parse(kv->ki->ps, strncmp(kv->key, "virtio", 6) == 0, kv->val,
	                           kv->vlen, f, fl) == 0;
}

static bool ends_with(const char *s, size_t n, const char *t, size_t *cut)
{
	size_t tl = strlen(t);

	if (n < tl || memcmp(s + n - tl, t, tl) != 0)
		return false;
	*cut = n - tl;
	return true;
}

/* drive_is_cloudinit: m@[:/](?:vm-\d+-)?cloudinit(?:\.(raw|qcow|qcow2|qed|vmdk|cloop))?$@ */
static bool is_cloudinit_volume(const char *f, size_t n)
{
	static const char *const ends[] = {"cloudinit",       "cloudinit.raw", "cloudinit.qcow",
	                                   "cloudinit.qcow2", "cloudinit.qed", "cloudinit.vmdk",
	                                   "cloudinit.cloop"};

	for (size_t i = 0; i < sizeof(ends) / sizeof(ends[0]); i++) {
		size_t p, q;

		if (!ends_with(f, n, ends[i], &p))
			continue;
		if (p > 0 && (f[p - 1] == ':' || f[p - 1] == '/'))
			return true;
		/* vm-\d+- before it */
		if (p < 1 || f[p - 1] != '-')
			continue;
		q = p - 1;
		while (q > 0 && f[q - 1] >= '0' && f[q - 1] <= '9')
			q--;
		if (q == p - 1 || q < 4 || memcmp(f + q - 3, "vm-", 3) != 0)
			continue;
		if (f[q - 4] == ':' || f[q - 4] == '/')
			return true;
	}
	return false;
}

/* ------------------------------------------------------------------ reading */

static struct sect *main_sect(struct pveconf_vm *vm)
{
	return &vm->sects[0];
}

static struct sect *find_live(struct pveconf_vm *vm, enum pveconf_section_kind kind,
                              const char *key)
{
	for (size_t i = 0; i < vm->nsects; i++)
		if (vm->sects[i].live && vm->sects[i].kind == kind &&
		    (!key || strcmp(vm->sects[i].key, key) == 0))
			return &vm->sects[i];
	return NULL;
}

static int split_lines(struct pveconf_vm *vm)
{
	size_t cap = 64, pos = 0;

	vm->nlines = 0;
	vm->lines = malloc(cap * sizeof(*vm->lines));
	if (!vm->lines)
		return -ENOMEM;
	while (pos < vm->len) {
		const char *nl = memchr(vm->data + pos, '\n', vm->len - pos);
		size_t l = nl ? (size_t)(nl - (vm->data + pos)) : vm->len - pos;

		if (vm->nlines == cap) {
			struct vline *n = realloc(vm->lines, cap * 2 * sizeof(*n));

			if (!n)
				return -ENOMEM;
			vm->lines = n;
			cap *= 2;
		}
		vm->lines[vm->nlines++] = (struct vline){pos, l, nl != NULL};
		pos += l + (nl ? 1 : 0);
	}
	vm->crlf = vm->nlines > 0 && vm->lines[0].nl && vm->lines[0].len > 0 &&
	           vm->data[vm->lines[0].len - 1] == '\r';
	return 0;
}

static void close_section(struct pveconf_vm *vm, struct sect *cur, size_t idx)
{
	finish_description(vm, cur);
	if (cur)
		cur->body_end = idx;
}

/* A section header line: returns true and fills kind/name when it is one. kind = -1: unknown. */
static bool header(const char *p, size_t n, int *kind, const char **name, size_t *namelen)
{
	size_t e = n, i;

	if (n < 2 || p[0] != '[')
		return false;
	while (e > 0 && pveconf_is_ascii_space((unsigned char)p[e - 1]))
		e--;
	if (e < 2 || p[e - 1] != ']')
		return false;
	*name = p + 1;
	*namelen = e - 2;
	if (pveconf_ieq(*name, *namelen, "pending")) {
		*kind = PVECONF_SECTION_PENDING;
		return true;
	}
	/* m/^\[special:$re\]\s*$/i with $re a qr// of its own: only "special:" ignores case */
	if (*namelen > 8 && pveconf_ieq(*name, 8, "special:") &&
	    ((*namelen - 8 == 9 && memcmp(*name + 8, "cloudinit", 9) == 0) ||
	     (*namelen - 8 == 8 && memcmp(*name + 8, "fleecing", 8) == 0))) {
		*kind = PVECONF_SECTION_SPECIAL;
		*name += 8;
		*namelen -= 8;
		return true;
	}
	if (*namelen >= 2 && (((*name)[0] | 0x20) >= 'a' && ((*name)[0] | 0x20) <= 'z')) {
		for (i = 1; i < *namelen; i++) {
			char c = (*name)[i];

			if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			      (c >= '0' && c <= '9') || c == '_' || c == '-'))
				break;
		}
		if (i == *namelen) {
			*kind = PVECONF_SECTION_SNAPSHOT;
			return true;
		}
	}
	if (memchr(*name, ']', *namelen))
		return false;
	*kind = -1;
	return true;
}

/* A key line's value as PVE's `\s*(.+?)\s*$` takes it: [*s, *e) of v. */
static void value_span(const char *v, size_t rest, size_t *s, size_t *e)
{
	*s = 0;
	*e = rest;
	while (*s < rest && pveconf_is_ascii_space((unsigned char)v[*s]))
		(*s)++;
	if (*s == rest) {
		*s = rest - 1; /* `\s*(.+?)` leaves the last blank to the value */
	} else {
		while (*e > *s && pveconf_is_ascii_space((unsigned char)v[*e - 1]))
			(*e)--;
	}
}

/* One key's value (already trimmed), from a file's line or from the API alike: the section's
 * schema, PVE's check of the value, the keys PVE stores elsewhere (description, cdrom). */
static void read_value(struct pveconf_vm *vm, struct sect *cur, const char *key, const char *v,
                       size_t vl, unsigned lineno)
{
	size_t kl = strlen(key), outlen;
	char err[1024], nbuf[64], shown[512];
	const struct pveconf_keyinfo *ki;
	const char *out;

	if (cur->schema == SCHEMA_RAW) {
		kv_set(vm, cur, key, kl, v, vl, v, vl, lineno, false);
		return;
	}
	if (cur->schema == SCHEMA_NONE) {
		diag_add(vm, PVECONF_DIAG_DROPPED, lineno, key, cur->name,
		         "%s: check_type: no schema defined", key);
		return;
	}
	if (cur->schema == SCHEMA_FLEECING) {
		static const struct pveconf_keyinfo fleecing = {"fleecing-images",
		                                                PVECONF_KTYPE_STR,
		                                                PVECONF_KFMT_OTHER,
		                                                0,
		                                                NULL,
		                                                pveconf_fmt_volume_id_list,
		                                                false};

		ki = strcmp(key, "fleecing-images") == 0 ? &fleecing : NULL;
	} else {
		ki = pveconf_key_lookup(key, kl);
	}
	if (pveconf_value_check_at(ki, &vm->ctx, key, v, vl, nbuf, sizeof(nbuf), &out, &outlen, err,
	                           sizeof(err)) < 0) {
		if (!ki)
			snprintf(err, sizeof(err), "unknown setting");
		show(shown, sizeof(shown), err, strlen(err));
		diag_add(vm, PVECONF_DIAG_DROPPED, lineno, key, cur->name, "%s: %s", key, shown);
		return;
	}
	if (strcmp(key, "description") == 0) {
		cur->desc_key = arena_strndup(vm, out, outlen);
		cur->desc_key_len = outlen;
		return;
	}
	if (strcmp(key, "cdrom") == 0) {
		kv_set(vm, cur, "ide2", 4, out, outlen, v, vl, lineno, false);
		diag_add(vm, PVECONF_DIAG_CHANGED, lineno, key, cur->name,
		         _("cdrom: PVE writes it as ide2"));
		return;
	}
	kv_set(vm, cur, key, kl, out, outlen, v, vl, lineno, false);
}

static void read_key_line(struct pveconf_vm *vm, struct sect *cur, const char *p, size_t n,
                          size_t kl, unsigned lineno)
{
	const char *v = p + kl + 1;
	size_t s, e;
	char key[256];

	value_span(v, n - kl - 1, &s, &e);
	snprintf(key, sizeof(key), "%.*s", (int)(kl < 255 ? kl : 255), p);
	read_value(vm, cur, key, v + s, e - s, lineno);
}

static void read_line(struct pveconf_vm *vm, struct sect *cur, const char *p, size_t n,
                      unsigned lineno)
{
	const char *v, *st;
	size_t vl, kl;
	char shown[512];

	if (p[0] == '#') {
		cur->has_descr = true;
		if (decode_text(&cur->descr, p + 1, n - 1) < 0 || util_buf_addc(&cur->descr, '\n'))
			vm->oom = true;
		return;
	}
	if (word_value(p, n, "description", &v, &vl)) {
		cur->has_descr = true;
		if (decode_text(&cur->descr, v, vl) < 0)
			vm->oom = true;
		/* make the buffer exist even for an empty decode */
		if (util_buf_add(&cur->descr, "", 0) < 0)
			vm->oom = true;
		return;
	}
	if ((st = snapstate_match(p, n)) != NULL) {
		cur->snapstate = st;
		cur->snapstate_line = lineno;
		return;
	}
	if (word_value(p, n, "args", &v, &vl)) {
		kv_set(vm, cur, "args", 4, v, vl, v, vl, lineno, true);
		return;
	}
	if (word_value(p, n, "delete", &v, &vl)) {
		if (cur->kind == PVECONF_SECTION_PENDING) {
			if (cur->del)
				diag_add(vm, PVECONF_DIAG_SILENT, cur->del_line, "delete",
				         cur->name,
				         _("delete: set again at line %u, the later value wins"),
				         lineno);
			cur->del = arena_strndup(vm, v, vl);
			cur->del_line = lineno;
		} else {
			diag_add(vm, PVECONF_DIAG_DROPPED, lineno, "delete", cur->name,
			         "property 'delete' is only allowed in [PENDING]");
		}
		return;
	}
	if ((kl = key_prefix(p, n)) > 0 && kl + 1 < n) {
		read_key_line(vm, cur, p, n, kl, lineno);
		return;
	}
	show(shown, sizeof(shown), p, n);
	diag_add(vm, PVECONF_DIAG_DROPPED, lineno, NULL, cur->name, "unable to parse config: %s",
	         shown);
}

static void start_section(struct pveconf_vm *vm, struct sect **cur, int kind, const char *nm,
                          size_t nl, unsigned lineno, size_t idx)
{
	char name[600], shown[512];
	struct sect *old, *s;
	const char *key, *pubname;

	close_section(vm, *cur, idx);
	if (kind < 0) {
		show(shown, sizeof(shown), nm, nl);
		diag_add(vm, PVECONF_DIAG_DROPPED, lineno, NULL, arena_strndup(vm, nm, nl),
		         "unknown section '%s'", shown);
		*cur = NULL;
		return;
	}
	key = kind == PVECONF_SECTION_PENDING ? "pending" : arena_strndup(vm, nm, nl);
	if (kind == PVECONF_SECTION_PENDING)
		pubname = "PENDING";
	else if (kind == PVECONF_SECTION_SPECIAL)
		snprintf(name, sizeof(name), "special:%s", key), pubname = NULL;
	else
		pubname = key;
	if (!pubname)
		pubname = arena_strndup(vm, name, strlen(name));
	old = find_live(vm, (enum pveconf_section_kind)kind, key);
	if (old) {
		old->live = false;
		/* whole sentences per kind, for the translators */
		if (kind == PVECONF_SECTION_PENDING)
			diag_add(vm, PVECONF_DIAG_DROPPED, old->line, NULL, old->name,
			         _("duplicate section: %s (the one at line %u replaces this one)"),
			         key, lineno);
		else if (kind == PVECONF_SECTION_SPECIAL)
			diag_add(
			        vm, PVECONF_DIAG_DROPPED, old->line, NULL, old->name,
			        _("duplicate special section: %s (the one at line %u replaces this "
			          "one)"),
			        key, lineno);
		else
			diag_add(
			        vm, PVECONF_DIAG_DROPPED, old->line, NULL, old->name,
			        _("duplicate snapshot section: %s (the one at line %u replaces this "
			          "one)"),
			        key, lineno);
	}
	s = sect_new(vm, (enum pveconf_section_kind)kind, pubname, key, lineno, idx);
	if (!s) {
		*cur = NULL;
		return;
	}
	if (kind == PVECONF_SECTION_SPECIAL)
		s->schema = strcmp(key, "cloudinit") == 0  ? SCHEMA_RAW
		            : strcmp(key, "fleecing") == 0 ? SCHEMA_FLEECING
		                                           : SCHEMA_NONE;
	*cur = s;
}

static int cmp_diag(const void *a, const void *b)
{
	const struct pveconf_diag *x = a, *y = b;

	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x < y ? -1 : x > y;
}

/* the writer's value for an entry (check_type again: one more pair of quotes goes) */
static void write_value(const struct sect *s, const struct kvent *kv, const char **v, size_t *n)
{
	const struct pveconf_keyinfo *ki;

	*v = kv->val;
	*n = kv->vlen;
	if (s->schema != SCHEMA_MAIN)
		return;
	ki = kv->ki;
	if (ki && ki->type == PVECONF_KTYPE_STR && ki->fmt == PVECONF_KFMT_NONE && *n >= 2 &&
	    (*v)[0] == '"' && (*v)[*n - 1] == '"') {
		*v += 1;
		*n -= 2;
	}
}

static bool has_cloudinit(struct pveconf_vm *vm)
{
	struct sect *m = main_sect(vm);

	for (size_t i = 0; i < m->nkv; i++) {
		const char *f;
		size_t fl;

		if (m->kv[i].live && drive_volume(&m->kv[i], &f, &fl) && is_cloudinit_volume(f, fl))
			return true;
	}
	return false;
}

/* Diagnostics for what the writer changes beyond the reader (values, smp, unused, sections). */
/* Does PVE's writer die on this value?  Its second check_type of an integer Perl made >= 2^64
 * (int() gives "1e+20", no longer /^\d+$/) - cause 2 of issue 11. */
static bool unwritable(const struct sect *s, const struct kvent *kv)
{
	if (s->schema != SCHEMA_MAIN || s->kind == PVECONF_SECTION_SPECIAL || !kv->live ||
	    !kv->ki || kv->ki->type != PVECONF_KTYPE_INT)
		return false;
	for (size_t i = 0; i < kv->vlen; i++)
		if (kv->val[i] < '0' || kv->val[i] > '9')
			return true;
	return kv->vlen == 0;
}

/* The writer's smp conversion takes these away before its checks. */
static bool writer_removes(struct pveconf_vm *vm, const struct sect *s, const struct kvent *kv)
{
	struct sect *m = main_sect(vm);
	struct kvent *sockets = kv_find(m, "sockets"), *smp = kv_find(m, "smp");

	if (s != m || !smp)
		return false;
	if (sockets && pveconf_perl_true(sockets->val, sockets->vlen))
		return kv == smp;
	return pveconf_perl_true(smp->val, smp->vlen) &&
	       (kv == smp || strcmp(kv->key, "cores") == 0);
}

static bool vm_unwritable(struct pveconf_vm *vm)
{
	for (size_t si = 0; si < vm->nsects; si++)
		for (size_t i = 0; vm->sects[si].live && i < vm->sects[si].nkv; i++)
			if (unwritable(&vm->sects[si], &vm->sects[si].kv[i]) &&
			    !writer_removes(vm, &vm->sects[si], &vm->sects[si].kv[i]))
				return true;
	return false;
}

static void writer_diags(struct pveconf_vm *vm)
{
	struct sect *m = main_sect(vm);
	struct kvent *sockets = kv_find(m, "sockets"), *smp = kv_find(m, "smp");

	for (size_t si = 0; si < vm->nsects; si++)
		for (size_t i = 0; vm->sects[si].live && i < vm->sects[si].nkv; i++) {
			struct kvent *kv = &vm->sects[si].kv[i];
			struct sect *s = &vm->sects[si];

			if (unwritable(s, kv) && !writer_removes(vm, s, kv))
				diag_add(
				        vm, PVECONF_DIAG_UNWRITABLE, kv->line, kv->key, s->name,
				        _("%s: PVE reads it as %s, which its writer refuses (type check "
				          "('integer') failed): every PVE write of this VM fails"),
				        kv->key, kv->val);
		}
	for (size_t si = 0; si < vm->nsects; si++) {
		struct sect *s = &vm->sects[si];

		if (!s->live)
			continue;
		for (size_t i = 0; i < s->nkv; i++) {
			struct kvent *kv = &s->kv[i];
			const char *v;
			size_t n;
			char shown[512];

			if (!kv->live || strcmp(kv->key, "ide2") == 0)
				continue;
			if (kv->is_args && s->schema == SCHEMA_MAIN &&
			    memchr(kv->val, '\r', kv->vlen)) {
				diag_add(vm, PVECONF_DIAG_DROPPED, kv->line, kv->key, s->name,
				         "args: property contains a line feed");
				continue;
			}
			write_value(s, kv, &v, &n);
			if (n != kv->rawlen || memcmp(v, kv->raw, n) != 0) {
				show(shown, sizeof(shown), v, n);
				diag_add(vm, PVECONF_DIAG_CHANGED, kv->line, kv->key, s->name,
				         _("%s: PVE writes the value as '%s'"), kv->key, shown);
			}
		}
	}
	if (m->snapstate)
		diag_add(vm, PVECONF_DIAG_SILENT, m->snapstate_line, "snapstate", m->name,
		         _("snapstate: only kept in snapshot sections"));
	if (smp && sockets && pveconf_perl_true(sockets->val, sockets->vlen)) {
		diag_add(vm, PVECONF_DIAG_CHANGED, smp->line, "smp", m->name,
		         _("smp: obsolete, PVE drops it because sockets is set"));
	} else if (smp && pveconf_perl_true(smp->val, smp->vlen)) {
		struct kvent *cores = kv_find(m, "cores");

		diag_add(vm, PVECONF_DIAG_CHANGED, smp->line, "smp", m->name,
		         _("smp: obsolete, PVE writes it as sockets"));
		if (cores)
			diag_add(vm, PVECONF_DIAG_SILENT, cores->line, "cores", m->name,
			         _("cores: PVE drops it when it converts smp to sockets"));
	}
	for (size_t i = 0; i < m->nkv; i++) {
		struct kvent *u = &m->kv[i];

		if (!u->live || strncmp(u->key, "unused", 6) != 0)
			continue;
		for (size_t si = 0; si < vm->nsects; si++) {
			struct sect *s = &vm->sects[si];

			if (!s->live || (s != m && s->kind != PVECONF_SECTION_PENDING))
				continue;
			for (size_t j = 0; j < s->nkv; j++) {
				const char *f;
				size_t fl;

				if (s->kv[j].live && drive_volume(&s->kv[j], &f, &fl) &&
				    fl == u->vlen && memcmp(f, u->val, fl) == 0)
					diag_add(vm, PVECONF_DIAG_SILENT, u->line, u->key, m->name,
					         _("%s: the volume is attached as %s, PVE removes "
					           "this entry"),
					         u->key, s->kv[j].key);
			}
		}
	}
	{
		struct sect *ci = find_live(vm, PVECONF_SECTION_SPECIAL, "cloudinit");

		if (ci && !has_cloudinit(vm))
			diag_add(
			        vm, PVECONF_DIAG_SILENT, ci->line, NULL, ci->name,
			        _("[special:cloudinit] is dropped: the VM has no cloud-init drive"));
	}
}

static int build_public(struct pveconf_vm *vm)
{
	size_t n = 0;

	vm->pubsec = calloc(vm->nsects, sizeof(*vm->pubsec));
	vm->pubsec_idx = calloc(vm->nsects, sizeof(*vm->pubsec_idx));
	if (!vm->pubsec || !vm->pubsec_idx)
		return -ENOMEM;
	for (size_t i = 0; i < vm->nsects; i++) {
		struct sect *s = &vm->sects[i];
		size_t k = 0;

		if (!s->live)
			continue;
		vm->pubsec[n] = (struct pveconf_section){s->kind, s->name, s->line};
		vm->pubsec_idx[n++] = i;
		s->pub = arena_alloc(vm, (s->nkv ? s->nkv : 1) * sizeof(*s->pub));
		if (!s->pub)
			return -ENOMEM;
		for (size_t j = 0; j < s->nkv; j++)
			if (s->kv[j].live)
				s->pub[k++] = (struct pveconf_kv){s->kv[j].key, s->kv[j].val,
				                                  s->kv[j].line};
		s->npub = k;
	}
	vm->npubsec = n;
	return 0;
}

static void parse_state_free(struct pveconf_vm *vm)
{
	for (size_t i = 0; i < vm->nsects; i++) {
		free(vm->sects[i].kv);
		util_buf_free(&vm->sects[i].descr);
	}
	free(vm->sects);
	free(vm->lines);
	free(vm->pubsec);
	free(vm->pubsec_idx);
	free(vm->diags);
	arena_free(vm);
	vm->sects = NULL;
	vm->nsects = vm->sectcap = 0;
	vm->lines = NULL;
	vm->nlines = 0;
	vm->pubsec = NULL;
	vm->pubsec_idx = NULL;
	vm->npubsec = 0;
	vm->diags = NULL;
	vm->ndiags = vm->diagcap = 0;
	vm->oom = false;
}

/* (Re)interprets vm->data. */
static int interpret(struct pveconf_vm *vm)
{
	struct sect *cur;

	if (split_lines(vm) < 0)
		return -ENOMEM;
	cur = sect_new(vm, PVECONF_SECTION_MAIN, "main", "main", 0, (size_t)-1);
	if (!cur)
		return -ENOMEM;
	for (size_t i = 0; i < vm->nlines && !vm->oom; i++) {
		const char *p = vm->data + vm->lines[i].off, *nm;
		size_t n = vm->lines[i].len, nl, k;
		unsigned lineno = (unsigned)(i + 1);
		int kind;

		for (k = 0; k < n && pveconf_is_ascii_space((unsigned char)p[k]); k++)
			;
		if (k == n)
			continue;
		if (header(p, n, &kind, &nm, &nl)) {
			start_section(vm, &cur, kind, nm, nl, lineno, i);
			continue;
		}
		if (!cur)
			continue;
		read_line(vm, cur, p, n, lineno);
	}
	close_section(vm, cur, vm->nlines);
	for (size_t i = 0; i < vm->nsects; i++) {
		struct sect *s = &vm->sects[i];

		if (!s->desc && s->desc_key) {
			s->desc = s->desc_key;
			s->desc_len = s->desc_key_len;
		}
	}
	if (!vm->oom)
		writer_diags(vm);
	if (vm->oom || build_public(vm) < 0)
		return -ENOMEM;
	if (vm->ndiags)
		qsort(vm->diags, vm->ndiags, sizeof(*vm->diags), cmp_diag);
	return 0;
}

int pveconf_vm_parse(const char *data, size_t len, const char *name, struct pveconf_vm **out,
                     struct util_err *e)
{
	return pveconf_vm_parse_opts(data, len, name, NULL, out, e);
}

int pveconf_vm_parse_opts(const char *data, size_t len, const char *name,
                          const struct pveconf_vm_opts *o, struct pveconf_vm **out,
                          struct util_err *e)
{
	struct pveconf_vm *vm;
	int r;

	*out = NULL;
	if (len > PVECONF_VM_MAX_BYTES)
		return util_err_set(
		        e, -EFBIG,
		        _("%s: %zu bytes is larger than 1 MiB, the most a PVE config file "
		          "can hold (pmxcfs' limit)"),
		        name ? name : "config", len);
	vm = calloc(1, sizeof(*vm));
	if (!vm)
		return util_err_set(e, -ENOMEM, _("out of memory"));
	vm->data = malloc(len + 1);
	vm->name = strdup(name ? name : "config");
	vm->ctx.level = o && o->lazy ? PVECONF_CHECK_LAZY : PVECONF_CHECK_ALL;
	vm->ctx.cpu_models = o ? o->cpu_models : NULL;
	if (!vm->data || !vm->name) {
		pveconf_vm_free(vm);
		return util_err_set(e, -ENOMEM, _("out of memory"));
	}
	if (len)
		memcpy(vm->data, data, len);
	vm->data[len] = '\0';
	vm->len = len;
	if (util_sha1_hex(vm->data, len, vm->digest) < 0) {
		pveconf_vm_free(vm);
		return util_err_set(e, -EIO, _("%s: cannot compute the SHA-1 digest"),
		                    name ? name : "config");
	}
	r = interpret(vm);
	if (r < 0) {
		pveconf_vm_free(vm);
		return util_err_set(e, r, _("out of memory while reading %s"),
		                    name ? name : "config");
	}
	*out = vm;
	return 0;
}

int pveconf_vm_load(const char *path, struct pveconf_vm **out, struct util_err *e)
{
	return pveconf_vm_load_opts(path, NULL, out, e);
}

int pveconf_vm_load_opts(const char *path, const struct pveconf_vm_opts *o, struct pveconf_vm **out,
                         struct util_err *e)
{
	char *data = NULL;
	size_t len = 0;
	int r;

	*out = NULL;
	r = util_file_read(path, PVECONF_VM_MAX_BYTES, &data, &len, e);
	if (r == -EFBIG)
		return util_err_set(e, r,
		                    _("%s: larger than 1 MiB, the most a PVE config file can hold "
		                      "(pmxcfs' limit)"),
		                    path);
	if (r < 0)
		return r;
	r = pveconf_vm_parse_opts(data, len, path, o, out, e);
	free(data);
	return r;
}

/* ------------------------------------------------------------------ built from keys */

static int cmp_key_in(const void *a, const void *b)
{
	return strcmp((*(const struct pveconf_key_in *const *)a)->key,
	              (*(const struct pveconf_key_in *const *)b)->key);
}

/* How many '#' lines PVE's writer gives a description (gen_raw). */
static unsigned desc_line_count(const struct sect *s, bool pending)
{
	unsigned n = 0;
	size_t end = s->desc_len;

	if (!s->desc)
		return 0;
	if (!pveconf_perl_true(s->desc, s->desc_len))
		return pending ? 1 : 0;
	while (end > 0 && s->desc[end - 1] == '\n')
		end--;
	for (size_t a = 0; a < end; n++) {
		const char *nl = memchr(s->desc + a, '\n', end - a);

		a = nl ? (size_t)(nl - s->desc) + 1 : end;
	}
	return n;
}

/* One section's keys, in the byte-wise order PVE's writer puts them, numbered from *line on. */
static int build_section(struct pveconf_vm *vm, struct sect *s, const struct pveconf_key_in *in,
                         size_t n, unsigned *line)
{
	const struct pveconf_key_in **sorted = calloc(n ? n : 1, sizeof(*sorted));
	size_t m = 0;

	if (!sorted)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		if (!in[i].key || !in[i].value || strcmp(in[i].key, "digest") == 0)
			continue; /* the API's digest of the file: pveconf_vm_digest() */
		if (strcmp(in[i].key, "description") == 0) {
			size_t l = strlen(in[i].value), t;

			while ((t = trailing_space((const unsigned char *)in[i].value, l)) > 0)
				l -= t;
			s->desc = arena_strndup(vm, in[i].value, l);
			s->desc_len = l;
			continue;
		}
		sorted[m++] = &in[i];
	}
	qsort(sorted, m, sizeof(*sorted), cmp_key_in);
	*line += desc_line_count(s, s->kind == PVECONF_SECTION_PENDING);
	for (size_t i = 0; i < m && !vm->oom; i++) {
		const char *k = sorted[i]->key, *v = sorted[i]->value;
		size_t kl = strlen(k), vl = strlen(v), a, b;
		unsigned lineno = (*line)++;
		char shown[512];

		/* the value as it stands in the model's memory (kv->raw points at it) */
		v = arena_strndup(vm, v, vl);
		if (strcmp(k, "delete") == 0 && s->kind == PVECONF_SECTION_PENDING) {
			s->del = v;
			s->del_line = lineno;
		} else if (strcmp(k, "delete") == 0) {
			diag_add(vm, PVECONF_DIAG_DROPPED, lineno, "delete", s->name,
			         "property 'delete' is only allowed in [PENDING]");
		} else if (strcmp(k, "args") == 0) {
			kv_set(vm, s, "args", 4, v, vl, v, vl, lineno, true);
		} else if (!key_name_valid(k) || vl == 0 || memchr(v, '\n', vl)) {
			show(shown, sizeof(shown), k, kl);
			diag_add(vm, PVECONF_DIAG_DROPPED, lineno, NULL, s->name,
			         "unable to parse config: %s", shown);
		} else {
			value_span(v, vl, &a, &b);
			read_value(vm, s, k, v + a, b - a, lineno);
		}
	}
	free(sorted);
	return vm->oom ? -ENOMEM : 0;
}

int pveconf_vm_build(const struct pveconf_key_in *main, size_t n_main,
                     const struct pveconf_key_in *pending, size_t n_pending, const char *name,
                     const struct pveconf_vm_opts *o, struct pveconf_vm **out, struct util_err *e)
{
	struct pveconf_vm *vm = calloc(1, sizeof(*vm));
	struct sect *m, *p;
	unsigned line = 1;
	int r = -ENOMEM;

	*out = NULL;
	if (!vm)
		return util_err_set(e, -ENOMEM, _("out of memory"));
	vm->built = true;
	vm->data = strdup("");
	vm->name = strdup(name ? name : "config");
	vm->ctx.level = o && o->lazy ? PVECONF_CHECK_LAZY : PVECONF_CHECK_ALL;
	vm->ctx.cpu_models = o ? o->cpu_models : NULL;
	for (size_t i = 0; i < n_main; i++)
		if (main[i].key && main[i].value && strcmp(main[i].key, "digest") == 0)
			snprintf(vm->digest, sizeof(vm->digest), "%s", main[i].value);
	m = vm->data && vm->name ? sect_new(vm, PVECONF_SECTION_MAIN, "main", "main", 0, (size_t)-1)
	                         : NULL;
	if (m)
		r = build_section(vm, m, main, n_main, &line);
	if (r == 0 && n_pending) {
		line++; /* the writer's blank line before [PENDING] */
		p = sect_new(vm, PVECONF_SECTION_PENDING, "PENDING", "pending", line++, (size_t)-1);
		r = p ? build_section(vm, p, pending, n_pending, &line) : -ENOMEM;
	}
	if (r == 0)
		writer_diags(vm);
	if (r == 0 && (vm->oom || build_public(vm) < 0))
		r = -ENOMEM;
	if (r < 0) {
		pveconf_vm_free(vm);
		return util_err_set(e, r, _("out of memory while reading %s"),
		                    name ? name : "config");
	}
	if (vm->ndiags)
		qsort(vm->diags, vm->ndiags, sizeof(*vm->diags), cmp_diag);
	*out = vm;
	return 0;
}

void pveconf_vm_free(struct pveconf_vm *vm)
{
	if (!vm)
		return;
	parse_state_free(vm);
	free(vm->data);
	free(vm->name);
	free(vm);
}

const char *pveconf_vm_digest(const struct pveconf_vm *vm)
{
	return vm->digest;
}

int pveconf_vm_serialize(const struct pveconf_vm *vm, struct util_buf *out)
{
	if (vm->built) /* the file PVE wrote: what its writer makes of the keys */
		return pveconf_vm_write_pve(vm, out);
	return util_buf_add(out, vm->data, vm->len);
}

/* ------------------------------------------------------------------ PVE's writer */

struct wkv {
	const char *key;
	const char *v;
	size_t n;
};

static int cmp_wkv(const void *a, const void *b)
{
	return strcmp(((const struct wkv *)a)->key, ((const struct wkv *)b)->key);
}

static int gen_raw(struct pveconf_vm *vm, struct sect *s, bool pending, struct util_buf *out)
{
	struct sect *m = main_sect(vm);
	bool is_main = s == m;
	struct wkv *w = calloc(s->nkv + 3, sizeof(*w));
	size_t n = 0;
	int r = 0;
	struct kvent *sockets = NULL, *smp = NULL;
	bool drop_smp = false, smp_to_sockets = false;

	if (!w)
		return -ENOMEM;
	if (s->desc) {
		if (pveconf_perl_true(s->desc, s->desc_len)) {
			size_t a = 0;

			/* split(/\n/): inner empty lines stay, trailing ones go */
			size_t end = s->desc_len;

			while (end > 0 && s->desc[end - 1] == '\n')
				end--;
			while (a < end && r == 0) {
				const char *nl = memchr(s->desc + a, '\n', end - a);
				size_t l = nl ? (size_t)(nl - (s->desc + a)) : end - a;

				r = util_buf_addc(out, '#');
				if (r == 0)
					r = encode_text(out, s->desc + a, l);
				if (r == 0)
					r = util_buf_addc(out, '\n');
				a += l + 1;
			}
		} else if (pending) {
			r = util_buf_adds(out, "#\n");
		}
	}
	if (is_main) {
		sockets = kv_find(m, "sockets");
		smp = kv_find(m, "smp");
		if (smp && sockets && pveconf_perl_true(sockets->val, sockets->vlen))
			drop_smp = true;
		else if (smp && pveconf_perl_true(smp->val, smp->vlen))
			smp_to_sockets = true;
	}
	for (size_t i = 0; i < s->nkv; i++) {
		struct kvent *kv = &s->kv[i];

		if (!kv->live)
			continue;
		if (is_main && (drop_smp || smp_to_sockets) && kv == smp)
			continue;
		if (is_main && smp_to_sockets && (strcmp(kv->key, "cores") == 0 || kv == sockets))
			continue;
		if (kv->is_args && s->schema == SCHEMA_MAIN && memchr(kv->val, '\r', kv->vlen))
			continue;
		if (is_main && strncmp(kv->key, "unused", 6) == 0) {
			bool used = false;

			for (size_t si = 0; si < vm->nsects && !used; si++) {
				struct sect *d = &vm->sects[si];

				if (!d->live || (d != m && d->kind != PVECONF_SECTION_PENDING))
					continue;
				for (size_t j = 0; j < d->nkv && !used; j++) {
					const char *f;
					size_t fl;

					used = d->kv[j].live && drive_volume(&d->kv[j], &f, &fl) &&
					       fl == kv->vlen && memcmp(f, kv->val, fl) == 0;
				}
			}
			if (used)
				continue;
		}
		w[n].key = kv->key;
		write_value(s, kv, &w[n].v, &w[n].n);
		n++;
	}
	if (smp_to_sockets)
		w[n++] = (struct wkv){"sockets", smp->val, smp->vlen};
	if (s->del)
		w[n++] = (struct wkv){"delete", s->del, strlen(s->del)};
	if (s->snapstate && !is_main)
		w[n++] = (struct wkv){"snapstate", s->snapstate, strlen(s->snapstate)};
	qsort(w, n, sizeof(*w), cmp_wkv);
	for (size_t i = 0; i < n && r == 0; i++) {
		r = util_buf_addf(out, "%s: ", w[i].key);
		if (r == 0)
			r = util_buf_add(out, w[i].v, w[i].n);
		if (r == 0)
			r = util_buf_addc(out, '\n');
	}
	free(w);
	return r;
}

static int cmp_sect_name(const void *a, const void *b)
{
	const struct sect *x = *(const struct sect *const *)a, *y = *(const struct sect *const *)b;

	return strcmp(x->key, y->key);
}

int pveconf_vm_write_pve(const struct pveconf_vm *cvm, struct util_buf *out)
{
	struct pveconf_vm *vm = (struct pveconf_vm *)cvm; /* gen_raw reads only */
	struct sect *pend = find_live(vm, PVECONF_SECTION_PENDING, NULL);
	struct sect **list = calloc(vm->nsects + 1, sizeof(*list));
	size_t n = 0;
	int r;

	if (!list)
		return -ENOMEM;
	if (vm_unwritable(vm)) {
		free(list);
		return -ERANGE;
	}
	r = gen_raw(vm, main_sect(vm), false, out);
	if (r == 0 && pend && (pend->desc || pend->del || pend->snapstate || pend->npub)) {
		r = util_buf_adds(out, "\n[PENDING]\n");
		if (r == 0)
			r = gen_raw(vm, pend, true, out);
	}
	for (int pass = 0; pass < 2 && r == 0; pass++) {
		enum pveconf_section_kind kind =
		        pass == 0 ? PVECONF_SECTION_SPECIAL : PVECONF_SECTION_SNAPSHOT;

		n = 0;
		for (size_t i = 0; i < vm->nsects; i++)
			if (vm->sects[i].live && vm->sects[i].kind == kind)
				list[n++] = &vm->sects[i];
		qsort(list, n, sizeof(*list), cmp_sect_name);
		for (size_t i = 0; i < n && r == 0; i++) {
			if (kind == PVECONF_SECTION_SPECIAL &&
			    strcmp(list[i]->key, "cloudinit") == 0 && !has_cloudinit(vm))
				continue;
			r = util_buf_addf(out,
			                  kind == PVECONF_SECTION_SPECIAL ? "\n[special:%s]\n"
			                                                  : "\n[%s]\n",
			                  list[i]->key);
			if (r == 0)
				r = gen_raw(vm, list[i], false, out);
		}
	}
	free(list);
	return r;
}

/* ------------------------------------------------------------------ queries */

size_t pveconf_vm_section_count(const struct pveconf_vm *vm)
{
	return vm->npubsec;
}

const struct pveconf_section *pveconf_vm_section(const struct pveconf_vm *vm, size_t i)
{
	return i < vm->npubsec ? &vm->pubsec[i] : NULL;
}

int pveconf_vm_section_find(const struct pveconf_vm *vm, const char *name)
{
	if (!name)
		name = "main";
	for (size_t i = 0; i < vm->npubsec; i++)
		if (strcmp(vm->pubsec[i].name, name) == 0)
			return (int)i;
	return -1;
}

size_t pveconf_vm_keys(const struct pveconf_vm *vm, size_t section, const struct pveconf_kv **out)
{
	const struct sect *s;

	if (section >= vm->npubsec) {
		*out = NULL;
		return 0;
	}
	s = &vm->sects[vm->pubsec_idx[section]];
	*out = s->pub;
	return s->npub;
}

const char *pveconf_vm_get(const struct pveconf_vm *vm, const char *section, const char *key,
                           unsigned *line)
{
	int i = pveconf_vm_section_find(vm, section);
	struct sect *s;
	struct kvent *kv;

	if (line)
		*line = 0;
	if (i < 0)
		return NULL;
	s = &vm->sects[vm->pubsec_idx[i]];
	if (strcmp(key, "description") == 0)
		return s->desc;
	if (strcmp(key, "delete") == 0) {
		if (line)
			*line = s->del_line;
		return s->del;
	}
	kv = kv_find(s, key);
	if (!kv)
		return NULL;
	if (line)
		*line = kv->line;
	return kv->val;
}

/* One entry of a delete: list (PVE's parse_pending_delete); returns the next position. */
static const char *next_delete(const char *p, const char **k, size_t *kl, bool *force)
{
	while (*p && (pveconf_is_ascii_space((unsigned char)*p) || *p == ',' || *p == ';'))
		p++;
	if (!*p)
		return NULL;
	*force = *p == '!';
	if (*force)
		p++;
	*k = p;
	while (*p && !pveconf_is_ascii_space((unsigned char)*p) && *p != ',' && *p != ';')
		p++;
	*kl = (size_t)(p - *k);
	return p;
}

bool pveconf_vm_pending_deletes(const struct pveconf_vm *vm, const char *key, bool *force)
{
	struct sect *p = find_live((struct pveconf_vm *)vm, PVECONF_SECTION_PENDING, NULL);
	const char *pos, *k;
	size_t kl;
	bool f, found = false;

	if (force)
		*force = false;
	if (!p || !p->del)
		return false;
	pos = p->del;
	while ((pos = next_delete(pos, &k, &kl, &f)) != NULL) {
		if (kl == strlen(key) && memcmp(k, key, kl) == 0) {
			found = true; /* later entries win, as in PVE's hash */
			if (force)
				*force = f;
		}
	}
	return found;
}

size_t pveconf_vm_diags(const struct pveconf_vm *vm, const struct pveconf_diag **out)
{
	*out = vm->diags;
	return vm->ndiags;
}

/* ------------------------------------------------------------------ editing */

static const char *eol(const struct pveconf_vm *vm);

/* Replaces lines [start, start+ndel) by text (complete lines, each ending in '\n') and re-reads. */
static int splice(struct pveconf_vm *vm, size_t start, size_t ndel, const char *text,
                  struct util_err *e)
{
	struct util_buf b = {0};
	size_t from = start < vm->nlines ? vm->lines[start].off : vm->len;
	size_t to = start + ndel < vm->nlines ? vm->lines[start + ndel].off : vm->len;
	size_t tl = strlen(text);
	bool at_end = start + ndel >= vm->nlines;
	int r;

	r = util_buf_add(&b, vm->data, from);
	if (r == 0 && from == vm->len && vm->len > 0 && vm->data[vm->len - 1] != '\n' && tl) {
		/* appending after a last line without newline: keep the file without one */
		size_t el = strlen(eol(vm));

		r = util_buf_adds(&b, eol(vm));
		if (r == 0)
			r = util_buf_add(&b, text, tl >= el ? tl - el : tl);
	} else if (r == 0) {
		/* deleting the last line(s) of a file without final newline */
		if (at_end && ndel && !vm->lines[vm->nlines - 1].nl && !tl && b.len &&
		    b.s[b.len - 1] == '\n') {
			b.len--;
			if (b.len && b.s[b.len - 1] == '\r')
				b.len--;
		}
		r = util_buf_add(&b, text, tl);
	}
	if (r == 0)
		r = util_buf_add(&b, vm->data + to, vm->len - to);
	if (r == 0 && b.len > PVECONF_VM_MAX_BYTES)
		r = util_err_set(e, -EFBIG, _("%s: the edited config would be larger than 1 MiB"),
		                 vm->name);
	if (r < 0) {
		util_buf_free(&b);
		return r == -ENOMEM ? util_err_set(e, r, _("out of memory")) : r;
	}
	parse_state_free(vm);
	free(vm->data);
	vm->len = b.len;
	vm->data = b.s ? util_buf_steal(&b) : calloc(1, 1);
	if (!vm->data || interpret(vm) < 0)
		return util_err_set(e, -ENOMEM, _("out of memory"));
	return 0;
}

static const char *eol(const struct pveconf_vm *vm)
{
	return vm->crlf ? "\r\n" : "\n";
}

static bool line_blank(const struct pveconf_vm *vm, size_t i)
{
	const char *p = vm->data + vm->lines[i].off;

	for (size_t k = 0; k < vm->lines[i].len; k++)
		if (!pveconf_is_ascii_space((unsigned char)p[k]))
			return false;
	return true;
}

/* Key name of a key line (the generic `key:` form), into buf; false when not a key line. */
static bool line_key(const struct pveconf_vm *vm, size_t i, char *buf, size_t n)
{
	const char *p = vm->data + vm->lines[i].off;
	size_t kl = key_prefix(p, vm->lines[i].len);

	if (!kl || kl >= n)
		return false;
	memcpy(buf, p, kl);
	buf[kl] = '\0';
	return true;
}

static struct sect *edit_section(struct pveconf_vm *vm, const char *section, struct util_err *e)
{
	if (!section || strcmp(section, "main") == 0)
		return main_sect(vm);
	if (strcmp(section, "PENDING") == 0)
		return find_live(vm, PVECONF_SECTION_PENDING, NULL);
	util_err_set(e, -EINVAL, _("%s: can only edit the main section or [PENDING], not '%s'"),
	             vm->name, section);
	return NULL;
}

static size_t body_start(const struct sect *s)
{
	return s->hdr_idx == (size_t)-1 ? 0 : s->hdr_idx + 1;
}

static int check_kv(const struct pveconf_vm *vm, const char *key, const char *value,
                    struct util_err *e)
{
	size_t vl = value ? strlen(value) : 1;

	if (vm->built)
		return util_err_set(
		        e, -EROFS, _("%s: a config built from the API's keys has no lines to edit"),
		        vm->name);
	if (!key_name_valid(key))
		return util_err_set(e, -EINVAL, _("'%s' is not a config key"), key);
	if (value &&
	    (vl == 0 || strpbrk(value, "\r\n") || pveconf_is_ascii_space((unsigned char)value[0]) ||
	     pveconf_is_ascii_space((unsigned char)value[vl - 1])))
		return util_err_set(
		        e, -EINVAL,
		        _("%s: value for %s must be one line without surrounding blanks"), vm->name,
		        key);
	return 0;
}

/* Creates [PENDING] where PVE's writer puts it (right after the main section) with one line. */
static int create_pending(struct pveconf_vm *vm, const char *line, struct util_err *e)
{
	struct sect *m = main_sect(vm);
	size_t last = (size_t)-1, at;
	struct util_buf t = {0};
	int r;

	for (size_t i = 0; i < m->body_end; i++)
		if (!line_blank(vm, i))
			last = i;
	at = last == (size_t)-1 ? 0 : last + 1;
	r = util_buf_addf(&t, "%s[PENDING]%s%s%s", last == (size_t)-1 ? "" : eol(vm), eol(vm), line,
	                  eol(vm));
	if (r == 0 && at < vm->nlines && !line_blank(vm, at))
		r = util_buf_adds(&t, eol(vm));
	if (r < 0) {
		util_buf_free(&t);
		return util_err_set(e, -ENOMEM, _("out of memory"));
	}
	r = splice(vm, at, 0, util_buf_str(&t), e);
	util_buf_free(&t);
	return r;
}

/* Sets key's line in section s to `line` (replacing its last line, or inserting sorted). */
static int put_line(struct pveconf_vm *vm, struct sect *s, const char *key, const char *line,
                    struct util_err *e)
{
	size_t start = body_start(s), last_same = (size_t)-1, before = (size_t)-1,
	       last_key = (size_t)-1, last_nonblank = (size_t)-1;
	char k[256];
	struct util_buf t = {0};
	int r;

	for (size_t i = start; i < s->body_end; i++) {
		if (!line_blank(vm, i))
			last_nonblank = i;
		if (!line_key(vm, i, k, sizeof(k)))
			continue;
		last_key = i;
		if (strcmp(k, key) == 0)
			last_same = i;
		else if (before == (size_t)-1 && strcmp(k, key) > 0)
			before = i;
	}
	if (last_same != (size_t)-1) {
		const struct vline *l = &vm->lines[last_same];
		bool cr = l->len && vm->data[l->off + l->len - 1] == '\r';

		r = util_buf_addf(&t, "%s%s%s", line, cr ? "\r" : "", l->nl ? "\n" : "");
		if (r == 0 && !l->nl) {
			/* the last line of a file without final newline: replace in place */
			struct util_buf b = {0};

			r = util_buf_add(&b, vm->data, l->off);
			if (r == 0)
				r = util_buf_adds(&b, util_buf_str(&t));
			util_buf_free(&t);
			if (r < 0) {
				util_buf_free(&b);
				return util_err_set(e, -ENOMEM, _("out of memory"));
			}
			parse_state_free(vm);
			free(vm->data);
			vm->len = b.len;
			vm->data = util_buf_steal(&b);
			return interpret(vm) < 0 ? util_err_set(e, -ENOMEM, _("out of memory")) : 0;
		}
		if (r == 0)
			r = splice(vm, last_same, 1, util_buf_str(&t), e);
		util_buf_free(&t);
		return r;
	}
	r = util_buf_addf(&t, "%s%s", line, eol(vm));
	if (r < 0)
		return util_err_set(e, -ENOMEM, _("out of memory"));
	if (before != (size_t)-1)
		r = splice(vm, before, 0, util_buf_str(&t), e);
	else if (last_key != (size_t)-1)
		r = splice(vm, last_key + 1, 0, util_buf_str(&t), e);
	else if (last_nonblank != (size_t)-1)
		r = splice(vm, last_nonblank + 1, 0, util_buf_str(&t), e);
	else
		r = splice(vm, start, 0, util_buf_str(&t), e);
	util_buf_free(&t);
	return r;
}

/* Removes every key line named key from s; returns how many went (or -errno). */
static int drop_lines(struct pveconf_vm *vm, struct sect *s, const char *key, struct util_err *e)
{
	int removed = 0;
	char k[256];

	for (;;) {
		size_t found = (size_t)-1;

		for (size_t i = body_start(s); i < s->body_end; i++)
			if (line_key(vm, i, k, sizeof(k)) && strcmp(k, key) == 0)
				found = i;
		if (found == (size_t)-1)
			return removed;
		{
			bool is_pending = s->kind == PVECONF_SECTION_PENDING;
			int r = splice(vm, found, 1, "", e);

			if (r < 0)
				return r;
			removed++;
			s = is_pending ? find_live(vm, PVECONF_SECTION_PENDING, NULL)
			               : main_sect(vm);
			if (!s)
				return removed;
		}
	}
}

/* Takes away a [PENDING] that has nothing left in it (PVE does not write an empty one), with the
 * blank line before it; one blank line stays between what came before and what follows. */
static int drop_empty_pending(struct pveconf_vm *vm, struct util_err *e)
{
	struct sect *p = find_live(vm, PVECONF_SECTION_PENDING, NULL);
	size_t from, to;

	if (!p)
		return 0;
	for (size_t i = p->hdr_idx + 1; i < p->body_end; i++)
		if (!line_blank(vm, i))
			return 0;
	from = p->hdr_idx;
	to = p->body_end;
	if (from > 0 && line_blank(vm, from - 1))
		from--;
	return splice(vm, from, to - from, to < vm->nlines && from > 0 ? eol(vm) : "", e);
}

static int rewrite_delete(struct pveconf_vm *vm, const char *key, bool add, struct util_err *e);

int pveconf_vm_set(struct pveconf_vm *vm, const char *section, const char *key, const char *value,
                   struct util_err *e)
{
	struct sect *s;
	struct util_buf line = {0};
	bool pending = section && strcmp(section, "PENDING") == 0;
	int r;

	if ((r = check_kv(vm, key, value, e)) < 0)
		return r;
	if (strcmp(key, "delete") == 0 || strcmp(key, "description") == 0)
		return util_err_set(e, -EINVAL, _("%s: '%s' is not set through this editor"),
		                    vm->name, key);
	{
		/* never write what PVE would drop: its own check, its own words */
		const struct pveconf_keyinfo *ki = pveconf_key_lookup(key, strlen(key));
		char nbuf[64], err[1024];
		const char *o;
		size_t ol;

		if (pveconf_value_check_at(ki, &vm->ctx, key, value, strlen(value), nbuf,
		                           sizeof(nbuf), &o, &ol, err, sizeof(err)) < 0)
			return util_err_set(e, -EINVAL, "%s: %s: %s", vm->name, key,
			                    ki ? err : _("unknown setting"));
	}
	s = edit_section(vm, section, e);
	if (!s && !pending)
		return -EINVAL;
	if (util_buf_addf(&line, "%s: %s", key, value) < 0)
		return util_err_set(e, -ENOMEM, _("out of memory"));
	r = s ? put_line(vm, s, key, util_buf_str(&line), e)
	      : create_pending(vm, util_buf_str(&line), e);
	util_buf_free(&line);
	if (r == 0 && pending && pveconf_vm_pending_deletes(vm, key, NULL))
		r = rewrite_delete(vm, key, false, e); /* qm set: a new value cancels the delete */
	return r;
}

int pveconf_vm_unset(struct pveconf_vm *vm, const char *section, const char *key,
                     struct util_err *e)
{
	struct sect *s;
	int r;

	if ((r = check_kv(vm, key, NULL, e)) < 0)
		return r;
	s = edit_section(vm, section, e);
	if (!s)
		return section && strcmp(section, "PENDING") == 0
		               ? util_err_set(e, -ENOENT, _("%s: no [PENDING] section"), vm->name)
		               : -EINVAL;
	r = drop_lines(vm, s, key, e);
	if (r < 0)
		return r;
	if (r == 0)
		return util_err_set(e, -ENOENT, _("%s: %s is not set in %s"), vm->name, key,
		                    s->kind == PVECONF_SECTION_PENDING ? "[PENDING]"
		                                                       : _("the main section"));
	if (section && strcmp(section, "PENDING") == 0)
		return drop_empty_pending(vm, e);
	return 0;
}

struct delent {
	char key[128];
	bool force;
};

static int cmp_delent(const void *a, const void *b)
{
	return strcmp(((const struct delent *)a)->key, ((const struct delent *)b)->key);
}

static int rewrite_delete(struct pveconf_vm *vm, const char *key, bool add, struct util_err *e)
{
	struct sect *p = find_live(vm, PVECONF_SECTION_PENDING, NULL);
	struct delent list[256];
	size_t n = 0;
	struct util_buf line = {0};
	int r;

	if (p && p->del) {
		const char *pos = p->del, *k;
		size_t kl;
		bool f;

		while ((pos = next_delete(pos, &k, &kl, &f)) != NULL) {
			size_t j;

			if (kl >= sizeof(list[0].key))
				continue;
			for (j = 0; j < n; j++)
				if (strlen(list[j].key) == kl && memcmp(list[j].key, k, kl) == 0)
					break;
			if (j == n) {
				if (n == sizeof(list) / sizeof(list[0]))
					return util_err_set(e, -E2BIG,
					                    _("%s: delete: list too long"),
					                    vm->name);
				memcpy(list[n].key, k, kl);
				list[n].key[kl] = '\0';
				n++;
			}
			list[j].force = f;
		}
	}
	for (size_t j = 0; j < n; j++)
		if (strcmp(list[j].key, key) == 0) {
			list[j] = list[--n];
			break;
		}
	if (add) {
		if (n == sizeof(list) / sizeof(list[0]))
			return util_err_set(e, -E2BIG, _("%s: delete: list too long"), vm->name);
		snprintf(list[n].key, sizeof(list[n].key), "%s", key);
		list[n++].force = false;
	}
	qsort(list, n, sizeof(list[0]), cmp_delent);
	if (n == 0) {
		if (!p)
			return 0;
		r = drop_lines(vm, p, "delete", e);
		return r < 0 ? r : drop_empty_pending(vm, e);
	}
	r = util_buf_adds(&line, "delete: ");
	for (size_t j = 0; j < n && r == 0; j++)
		r = util_buf_addf(&line, "%s%s%s", j ? "," : "", list[j].force ? "!" : "",
		                  list[j].key);
	if (r < 0) {
		util_buf_free(&line);
		return util_err_set(e, -ENOMEM, _("out of memory"));
	}
	r = p ? put_line(vm, p, "delete", util_buf_str(&line), e)
	      : create_pending(vm, util_buf_str(&line), e);
	util_buf_free(&line);
	return r;
}

int pveconf_vm_pending_delete(struct pveconf_vm *vm, const char *key, bool add, struct util_err *e)
{
	struct sect *p;
	int r;

	if ((r = check_kv(vm, key, NULL, e)) < 0)
		return r;
	if (strlen(key) >= sizeof(((struct delent *)0)->key))
		return util_err_set(e, -EINVAL, _("'%s' is not a config key"), key);
	if (!add && !pveconf_vm_pending_deletes(vm, key, NULL))
		return util_err_set(e, -ENOENT, _("%s: %s is not marked for deletion in [PENDING]"),
		                    vm->name, key);
	p = find_live(vm, PVECONF_SECTION_PENDING, NULL);
	if (add && p && kv_find(p, key)) {
		/* qm set --delete: the pending value goes, the delete takes its place */
		r = drop_lines(vm, p, key, e);
		if (r < 0)
			return r;
	}
	return rewrite_delete(vm, key, add, e);
}

const char *pveconf_vm_lock(const struct pveconf_vm *vm)
{
	const char *v = pveconf_vm_get(vm, NULL, "lock", NULL);

	return v && *v && strcmp(v, "0") != 0 ? v : NULL;
}

bool pveconf_machine_is_q35(const char *machine)
{
	const char *type = NULL;
	size_t n;

	/* parse_machine: a property string whose default key is type */
	for (const char *s = machine; s && *s && !type;) {
		const char *comma = strchr(s, ',');

		n = comma ? (size_t)(comma - s) : strlen(s);
		if (n > 5 && strncmp(s, "type=", 5) == 0)
			type = s + 5;
		else if (n && !memchr(s, '=', n))
			type = s;
		s = comma ? comma + 1 : NULL;
	}
	if (!type)
		return false;
	n = strcspn(type, ",");
	for (size_t i = 0; i + 3 <= n; i++)
		if (strncmp(type + i, "q35", 3) == 0)
			return true;
	return false;
}
