/* pveconf/keys.h - private to pveconf/: PVE 9's VM config key table and its value checks
 * (qemu-server 9.2 $confdesc + check_type, pve-common JSONSchema property strings). */
#ifndef PP_PVECONF_KEYS_H
#define PP_PVECONF_KEYS_H

#include <stdbool.h>
#include <stddef.h>

enum pveconf_ktype {
	PVECONF_KTYPE_BOOL,
	PVECONF_KTYPE_INT,
	PVECONF_KTYPE_NUM,
	PVECONF_KTYPE_STR,
};

/* Which string format a key has (only the ones we validate are named; the others pass). */
enum pveconf_kfmt {
	PVECONF_KFMT_NONE, /* formatless string: loses one pair of surrounding quotes */
	PVECONF_KFMT_OTHER,
	PVECONF_KFMT_HOSTPCI,
	PVECONF_KFMT_MEMORY,
	PVECONF_KFMT_CONFIGID,
	PVECONF_KFMT_DNSNAME,
	PVECONF_KFMT_CPU, /* pve-vm-cpu-conf: needs the node's CPU models (pveconf/cpu.h) */
};

struct pveconf_format;

struct pveconf_keyinfo {
	const char *name; /* base name ("hostpci" for hostpci0..15) */
	enum pveconf_ktype type;
	enum pveconf_kfmt fmt;
	unsigned count; /* 0: a plain key; N: indexed name0..name(N-1) */
	/* PVECONF_KFMT_OTHER: the format check_type applies (one of the two, or neither) */
	const struct pveconf_format *ps; /* a property string (pveconf/format_tables.c) */
	int (*fn)(const char *v, size_t n, char *err, size_t errn); /* a named format */
	bool strict; /* checked even when the reader is lazy (what the guard reads) */
};

/* How much the reader checks: everything PVE checks, or only the keys the guard reads
 * (hostpci*, machine, vga, memory, name, hookscript, lock...) beyond their types. */
enum pveconf_check {
	PVECONF_CHECK_ALL,
	PVECONF_CHECK_LAZY,
};

/* Looks a key up in the main schema; NULL when PVE does not know it. */
const struct pveconf_keyinfo *pveconf_key_lookup(const char *key, size_t len);
/* Is key a drive key whose volume can be in use (ide, sata, scsi, virtio, efidisk0, tpmstate0)? */
bool pveconf_key_is_drive(const char *key);

/* PVE's check_type for one value.  On success returns 0 and puts the value PVE keeps into
 * out/outlen (a pointer into value, or into buf for normalised booleans and integers).
 * On failure returns -EINVAL with PVE's reason in err ("type check ('boolean') failed - got 'x'",
 * "unknown setting 'foo'", "host: value does not match the regex pattern"). */
int pveconf_value_check(const struct pveconf_keyinfo *ki, const char *key, const char *value,
                        size_t len, char *buf, size_t bufn, const char **out, size_t *outlen,
                        char *err, size_t errn);
struct pveconf_cpu_models;
/* What a check may depend on beyond the value: how much to check, and the node's CPU models
 * (NULL: custom models not judged). */
struct pveconf_check_ctx {
	enum pveconf_check level;
	const struct pveconf_cpu_models *cpu_models;
};
/* The same in a context (pveconf_value_check: everything, no CPU models; ctx may be NULL). */
int pveconf_value_check_at(const struct pveconf_keyinfo *ki, const struct pveconf_check_ctx *ctx,
                           const char *key, const char *value, size_t len, char *buf, size_t bufn,
                           const char **out, size_t *outlen, char *err, size_t errn);

/* One parsed property-string key (pve-common parse_property_string). */
struct pveconf_propdef {
	const char *key;
	bool is_bool;
	bool default_key;
};
struct pveconf_propval {
	const char *v; /* into the input, or "1"/"0" for parsed booleans */
	size_t len;
	bool set;
};

/* One non-blank part of a property string, cut as parse_property_string cuts it: at each ','
 * (parts of only white space skipped), then at the first '='. */
enum pveconf_propstr_kind {
	PVECONF_PROPSTR_KEY_VALUE, /* "k=v": key and value both non-empty */
	PVECONF_PROPSTR_BARE,      /* no '=': a value for the default key */
	PVECONF_PROPSTR_NO_KEY,    /* "=v", "k=" or "=": PVE's "missing key" */
};
struct pveconf_propstr_part {
	enum pveconf_propstr_kind kind;
	const char *part; /* the whole part (the key starts here) */
	size_t plen;
	size_t kl;     /* KEY_VALUE: the key is part[0..kl) */
	const char *v; /* KEY_VALUE: the value, vl bytes */
	size_t vl;
};
/* The next part of data[0..len) from *pos (start at 0); false when there is none left. */
bool pveconf_propstr_next(const char *data, size_t len, size_t *pos,
                          struct pveconf_propstr_part *out);

/* Splits a property string the way parse_property_string does (empty parts skipped, bare value =
 * default key, duplicate/invalid/missing key = error).  vals has n entries parallel to defs.
 * 0, or -EINVAL with PVE's words in err. */
int pveconf_propstr_split(const char *data, size_t len, const struct pveconf_propdef *defs,
                          size_t n, struct pveconf_propval *vals, char *err, size_t errn);

/* PVE's hostpci format check (no storage), errors joined by "; " in PVE's words. */
int pveconf_hostpci_check(const char *value, size_t len, char *err, size_t errn);

/* Small shared helpers. */
bool pveconf_is_configid(const char *s, size_t n);
bool pveconf_is_dns_name(const char *s, size_t n);
bool pveconf_is_ascii_space(unsigned char c);

/* Does s (n bytes) equal the lowercase word, ASCII case ignored? */
bool pveconf_ieq(const char *s, size_t n, const char *word);
/* pve-common parse_boolean: 1 (1/on/yes/true), 0 (0/off/no/false, any case), -1 (not a boolean). */
int pveconf_parse_boolean(const char *s, size_t n);
/* Perl's truth of a string: false for "" and "0" only. */
bool pveconf_perl_true(const char *v, size_t n);

#endif
