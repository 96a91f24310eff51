/* pveconf/format.h - private to pveconf/: PVE's string formats as data and the one checker that
 * applies them (pve-common JSONSchema check_format: a property string is split by
 * parse_property_string and every property checked as check_object/check_prop do; a named format
 * is a function).  The tables (format_tables.c) transcribe the facts of qemu-server 9.2's schema;
 * the named formats defined by Perl code have their own small checkers (format_named.c). */
#ifndef PP_PVECONF_FORMAT_H
#define PP_PVECONF_FORMAT_H

#include <stdbool.h>
#include <stddef.h>

/* A named format: 0 when value (n bytes) passes, else -1 with PVE's reason in err. */
typedef int (*pveconf_fmt_fn)(const char *v, size_t n, char *err, size_t errn);

enum pveconf_ptype {
	PVECONF_PT_STR,
	PVECONF_PT_INT,
	PVECONF_PT_NUM,
	PVECONF_PT_BOOL,
	PVECONF_PT_ALIAS, /* `alias => target` (with key_alias: `keyAlias => key_alias`) */
};

#define PVECONF_P_OPTIONAL    1u
#define PVECONF_P_DEFAULT_KEY 2u
#define PVECONF_P_MIN         4u
#define PVECONF_P_MAX         8u

/* One property of a property-string format (a hash format of JSONSchema). */
struct pveconf_prop {
	const char *name;
	enum pveconf_ptype type;
	unsigned flags;
	const char *alias;     /* PT_ALIAS: the property it stands for */
	const char *key_alias; /* PT_ALIAS: where the key's own name goes (net's model) */
	const char *enm;       /* "a|b|c": the value must be one of them */
	const char *pattern;   /* POSIX ERE the whole value must match (PVE's m/^pattern$/) */
	pveconf_fmt_fn fmt;    /* a named format */
	double min, max;       /* with PVECONF_P_MIN / PVECONF_P_MAX */
	unsigned maxlen;       /* 0: none */
	const char *requires;  /* another property that must be set when this one is */
};

struct pveconf_format;
/* A validator attached to a named hash format (runs on the parsed values). */
typedef int (*pveconf_fmt_validator)(const struct pveconf_format *f, const char *const *vals,
                                     const size_t *lens, char *err, size_t errn);

struct pveconf_format {
	const char *name;
	const struct pveconf_prop *props;
	size_t n;
	pveconf_fmt_validator validator;
};

#define PVECONF_FORMAT_MAX_PROPS 64

/* check_format for a hash format: 0, or -1 with PVE's reason in err. */
int pveconf_format_check(const struct pveconf_format *f, const char *v, size_t n, char *err,
                         size_t errn);
/* Parses like parse_property_string and checks; on success vals/lens (PVECONF_FORMAT_MAX_PROPS
 * entries, parallel to f->props) hold each property's value (NULL when unset; booleans as "1"/"0"
 * when they parse). */
int pveconf_format_parse(const struct pveconf_format *f, const char *v, size_t n, const char **vals,
                         size_t *lens, char *err, size_t errn);
/* The index of property name in f, or -1. */
int pveconf_format_prop(const struct pveconf_format *f, const char *name);

/* PVE's split_list (NUL, or ',', ';' and blanks separate) calling fn on each element. */
int pveconf_format_list(pveconf_fmt_fn fn, const char *v, size_t n, char *err, size_t errn);

/* Does the whole of v match the POSIX ERE pattern (compiled once)? */
bool pveconf_format_match(const char *pattern, const char *v, size_t n);

/* pve-common's is_integer / is_number on a property value */
bool pveconf_is_integer(const char *v, size_t n);
bool pveconf_is_number(const char *v, size_t n);

/* ------------------------------------------------------------- the formats (format_tables.c) */
extern const struct pveconf_format pveconf_fmt_net, pveconf_fmt_ide, pveconf_fmt_scsi,
        pveconf_fmt_sata, pveconf_fmt_virtio, pveconf_fmt_efidisk, pveconf_fmt_tpmstate,
        pveconf_fmt_unused, pveconf_fmt_ipconfig, pveconf_fmt_numa, pveconf_fmt_smbios1,
        pveconf_fmt_meta, pveconf_fmt_vga, pveconf_fmt_machine, pveconf_fmt_agent, pveconf_fmt_usb,
        pveconf_fmt_virtiofs, pveconf_fmt_audio, pveconf_fmt_rng, pveconf_fmt_watchdog,
        pveconf_fmt_spice, pveconf_fmt_ivshmem, pveconf_fmt_cicustom, pveconf_fmt_boot,
        pveconf_fmt_tdx, pveconf_fmt_sev;

/* PVE's parse_drive on a value that passed its format f: 0 with the drive's volume in file/flen,
 * or -1 where parse_drive returns nothing (cause 5 of issue 11: media=cdrom with format= or
 * snapshot=, cdrom on virtio, a *_max without its base, bps* with mbps*, *_rd/_wr with the total). */
int pveconf_drive_parse(const struct pveconf_format *f, bool is_virtio, const char *v, size_t n,
                        const char **file, size_t *flen);

/* ------------------------------------------------------------- named formats (format_named.c) */
int pveconf_fmt_volume_id(const char *v, size_t n, char *err, size_t errn);
int pveconf_fmt_volume_id_or_qm_path(const char *v, size_t n, char *err, size_t errn);
int pveconf_fmt_volume_id_or_abs_path(const char *v, size_t n, char *err, size_t errn);
int pveconf_fmt_storage_id(const char *v, size_t n, char *err, size_t errn);
int pveconf_fmt_configid(const char *v, size_t n, char *err, size_t errn);
int pveconf_fmt_dns_name(const char *v, size_t n, char *err, size_t errn);
int pveconf_fmt_mac(const char *v, size_t n, char *err, size_t errn);
int pveconf_fmt_bridge(const char *v, size_t n, char *err, size_t errn);
int pveconf_fmt_urlencoded(const char *v, size_t n, char *err, size_t errn);
int pveconf_fmt_disk_size(const char *v, size_t n, char *err, size_t errn);
int pveconf_fmt_ipv4(const char *v, size_t n, char *err, size_t errn);
int pveconf_fmt_ipv6(const char *v, size_t n, char *err, size_t errn);
int pveconf_fmt_ipv4_config(const char *v, size_t n, char *err, size_t errn);
int pveconf_fmt_ipv6_config(const char *v, size_t n, char *err, size_t errn);
int pveconf_fmt_address(const char *v, size_t n, char *err, size_t errn);
int pveconf_fmt_cpuset(const char *v, size_t n, char *err, size_t errn);
int pveconf_fmt_startup(const char *v, size_t n, char *err, size_t errn);
int pveconf_fmt_tag(const char *v, size_t n, char *err, size_t errn);
int pveconf_fmt_hotplug(const char *v, size_t n, char *err, size_t errn);
int pveconf_fmt_bootdisk(const char *v, size_t n, char *err, size_t errn);
int pveconf_fmt_bootdev(const char *v, size_t n, char *err, size_t errn);
int pveconf_fmt_phys_bits(const char *v, size_t n, char *err, size_t errn);
/* the -list forms */
int pveconf_fmt_tag_list(const char *v, size_t n, char *err, size_t errn);
int pveconf_fmt_address_list(const char *v, size_t n, char *err, size_t errn);
int pveconf_fmt_volume_id_list(const char *v, size_t n, char *err, size_t errn);
int pveconf_fmt_bootdev_list(const char *v, size_t n, char *err, size_t errn);

#endif
