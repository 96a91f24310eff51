/* pveconf/keys.c - PVE 9's key table for VM configs and the value checks PVE applies when it reads
 * one (check_type, the string formats we need exactly, property-string splitting).
 * Facts from qemu-server 9.2.6 ($confdesc) and pve-common 9.2 (JSONSchema); our own table and code.
 * Pure functions: no I/O, no allocation. */
#include "pveconf/keys.h"

#include "pveconf/cpu.h"
#include "pveconf/format.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define B  PVECONF_KTYPE_BOOL
#define I  PVECONF_KTYPE_INT
#define N  PVECONF_KTYPE_NUM
#define S  PVECONF_KTYPE_STR
#define F0 PVECONF_KFMT_NONE
#define FX PVECONF_KFMT_OTHER

/* Every key of qemu-server 9.2's $confdesc (cloud-init keys included).  Indexed keys carry their
 * count: usb has MAX_USB_DEVICES = 14, i.e. usb0..usb13. */
static const struct pveconf_keyinfo keytab[] = {
        {"acpi", B, F0, 0, NULL, NULL, false},
        {"affinity", S, FX, 0, .fn = pveconf_fmt_cpuset},
        {"agent", S, FX, 0, .ps = &pveconf_fmt_agent},
        {"allow-ksm", B, F0, 0, NULL, NULL, false},
        {"amd-sev", S, FX, 0, .ps = &pveconf_fmt_sev},
        {"arch", S, F0, 0, NULL, NULL, false},
        {"args", S, F0, 0, NULL, NULL, false},
        {"audio0", S, FX, 0, .ps = &pveconf_fmt_audio},
        {"autostart", B, F0, 0, NULL, NULL, false},
        {"balloon", I, F0, 0, NULL, NULL, false},
        {"bios", S, F0, 0, NULL, NULL, false},
        {"boot", S, FX, 0, .ps = &pveconf_fmt_boot},
        {"bootdisk", S, FX, 0, .fn = pveconf_fmt_bootdisk},
        {"cdrom", S, FX, 0, .ps = &pveconf_fmt_ide},
        {"cicustom", S, FX, 0, .ps = &pveconf_fmt_cicustom},
        {"cipassword", S, F0, 0, NULL, NULL, false},
        {"citype", S, F0, 0, NULL, NULL, false},
        {"ciupgrade", B, F0, 0, NULL, NULL, false},
        {"ciuser", S, F0, 0, NULL, NULL, false},
        {"cores", I, F0, 0, NULL, NULL, false},
        {"cpu", S, PVECONF_KFMT_CPU, 0, NULL, NULL, false},
        {"cpulimit", N, F0, 0, NULL, NULL, false},
        {"cpuunits", I, F0, 0, NULL, NULL, false},
        {"description", S, F0, 0, NULL, NULL, false},
        {"efidisk0", S, FX, 0, .ps = &pveconf_fmt_efidisk},
        {"freeze", B, F0, 0, NULL, NULL, false},
        {"hookscript", S, FX, 0, .fn = pveconf_fmt_volume_id, .strict = true},
        {"hotplug", S, FX, 0, .fn = pveconf_fmt_hotplug},
        {"hugepages", S, F0, 0, NULL, NULL, false},
        {"intel-tdx", S, FX, 0, .ps = &pveconf_fmt_tdx},
        {"ivshmem", S, FX, 0, .ps = &pveconf_fmt_ivshmem},
        {"keephugepages", B, F0, 0, NULL, NULL, false},
        {"keyboard", S, F0, 0, NULL, NULL, false},
        {"kvm", B, F0, 0, NULL, NULL, false},
        {"localtime", B, F0, 0, NULL, NULL, false},
        {"lock", S, F0, 0, NULL, NULL, false},
        {"machine", S, FX, 0, .ps = &pveconf_fmt_machine, .strict = true},
        {"memory", S, PVECONF_KFMT_MEMORY, 0, .strict = true},
        {"meta", S, FX, 0, .ps = &pveconf_fmt_meta},
        {"migrate_downtime", N, F0, 0, NULL, NULL, false},
        {"migrate_speed", I, F0, 0, NULL, NULL, false},
        {"name", S, PVECONF_KFMT_DNSNAME, 0, .strict = true},
        {"nameserver", S, FX, 0, .fn = pveconf_fmt_address_list},
        {"numa", B, F0, 0, NULL, NULL, false},
        {"onboot", B, F0, 0, NULL, NULL, false},
        {"ostype", S, F0, 0, NULL, NULL, false},
        {"parent", S, PVECONF_KFMT_CONFIGID, 0, NULL, NULL, false},
        {"protection", B, F0, 0, NULL, NULL, false},
        {"reboot", B, F0, 0, NULL, NULL, false},
        {"rng0", S, FX, 0, .ps = &pveconf_fmt_rng},
        {"running-nets-host-mtu", S, F0, 0, NULL, NULL, false},
        {"runningcpu", S, F0, 0, NULL, NULL, false},
        {"runningmachine", S, FX, 0, .ps = &pveconf_fmt_machine},
        {"scsihw", S, F0, 0, NULL, NULL, false},
        {"searchdomain", S, F0, 0, NULL, NULL, false},
        {"shares", I, F0, 0, NULL, NULL, false},
        {"smbios1", S, FX, 0, .ps = &pveconf_fmt_smbios1},
        {"smp", I, F0, 0, NULL, NULL, false},
        {"snaptime", I, F0, 0, NULL, NULL, false},
        {"sockets", I, F0, 0, NULL, NULL, false},
        {"spice_enhancements", S, FX, 0, .ps = &pveconf_fmt_spice},
        {"sshkeys", S, FX, 0, .fn = pveconf_fmt_urlencoded},
        {"startdate", S, F0, 0, NULL, NULL, false},
        {"startup", S, FX, 0, .fn = pveconf_fmt_startup},
        {"tablet", B, F0, 0, NULL, NULL, false},
        {"tags", S, FX, 0, .fn = pveconf_fmt_tag_list},
        {"tdf", B, F0, 0, NULL, NULL, false},
        {"template", B, F0, 0, NULL, NULL, false},
        {"tpmstate0", S, FX, 0, .ps = &pveconf_fmt_tpmstate},
        {"vcpus", I, F0, 0, NULL, NULL, false},
        {"vga", S, FX, 0, .ps = &pveconf_fmt_vga, .strict = true},
        {"vmgenid", S, F0, 0, NULL, NULL, false},
        {"vmstate", S, FX, 0, .fn = pveconf_fmt_volume_id},
        {"vmstatestorage", S, FX, 0, .fn = pveconf_fmt_storage_id},
        {"watchdog", S, FX, 0, .ps = &pveconf_fmt_watchdog},
};

/* indexed keys name0..name(count-1); sorted by name as well */
static const struct pveconf_keyinfo indexed[] = {
        {"hostpci", S, PVECONF_KFMT_HOSTPCI, 16, .strict = true},
        {"ide", S, FX, 4, .ps = &pveconf_fmt_ide},
        {"ipconfig", S, FX, 32, .ps = &pveconf_fmt_ipconfig},
        {"net", S, FX, 32, .ps = &pveconf_fmt_net},
        {"numa", S, FX, 8, .ps = &pveconf_fmt_numa},
        {"parallel", S, F0, 3, NULL, NULL, false},
        {"sata", S, FX, 6, .ps = &pveconf_fmt_sata},
        {"scsi", S, FX, 31, .ps = &pveconf_fmt_scsi},
        {"serial", S, F0, 4, NULL, NULL, false},
        {"unused", S, FX, 256, .ps = &pveconf_fmt_unused},
        {"usb", S, FX, 14, .ps = &pveconf_fmt_usb},
        {"virtio", S, FX, 16, .ps = &pveconf_fmt_virtio},
        {"virtiofs", S, FX, 10, .ps = &pveconf_fmt_virtiofs},
};

static int cmp_name(const char *key, size_t len, const char *name)
{
	size_t nl = strlen(name);
	int c = memcmp(key, name, len < nl ? len : nl);

	if (c)
		return c;
	return len < nl ? -1 : len > nl;
}

static const struct pveconf_keyinfo *search(const struct pveconf_keyinfo *tab, size_t n,
                                            const char *key, size_t len)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = cmp_name(key, len, tab[mid].name);

		if (c == 0)
			return &tab[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

const struct pveconf_keyinfo *pveconf_key_lookup(const char *key, size_t len)
{
	const struct pveconf_keyinfo *k =
	        search(keytab, sizeof(keytab) / sizeof(keytab[0]), key, len);
	size_t base = len;
	unsigned long idx = 0;

	if (k)
		return k;
	while (base > 0 && key[base - 1] >= '0' && key[base - 1] <= '9')
		base--;
	/* the index as PVE spells it: no leading zeros, below the count */
	if (base == len || base == 0 || len - base > 4 || (len - base > 1 && key[base] == '0'))
		return NULL;
	k = search(indexed, sizeof(indexed) / sizeof(indexed[0]), key, base);
	if (!k)
		return NULL;
	for (size_t j = base; j < len; j++)
		idx = idx * 10 + (unsigned long)(key[j] - '0');
	return idx < k->count ? k : NULL;
}

bool pveconf_key_is_drive(const char *key)
{
	static const char *const bases[] = {"ide", "sata", "scsi", "virtio"};
	const struct pveconf_keyinfo *k = pveconf_key_lookup(key, strlen(key));

	if (!k)
		return false;
	if (strcmp(key, "efidisk0") == 0 || strcmp(key, "tpmstate0") == 0)
		return true;
	for (size_t i = 0; i < sizeof(bases) / sizeof(bases[0]); i++)
		if (k->count && strcmp(k->name, bases[i]) == 0)
			return true;
	return false;
}

bool pveconf_is_ascii_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static bool is_alnum(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static bool is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

bool pveconf_is_configid(const char *s, size_t n)
{
	unsigned char c0 = n ? (unsigned char)s[0] : 0;

	if (n < 2 || !((c0 >= 'a' && c0 <= 'z') || (c0 >= 'A' && c0 <= 'Z')))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!is_alnum((unsigned char)s[i]) && s[i] != '_' && s[i] != '-')
			return false;
	return true;
}

bool pveconf_is_dns_name(const char *s, size_t n)
{
	size_t start = 0;

	if (n == 0)
		return false;
	for (size_t i = 0; i <= n; i++) {
		if (i < n && s[i] != '.')
			continue;
		/* label s[start..i) */
		if (i == start || !is_alnum((unsigned char)s[start]) ||
		    !is_alnum((unsigned char)s[i - 1]))
			return false;
		for (size_t j = start; j < i; j++)
			if (!is_alnum((unsigned char)s[j]) && s[j] != '-')
				return false;
		start = i + 1;
	}
	return true;
}

bool pveconf_ieq(const char *s, size_t n, const char *word)
{
	size_t wl = strlen(word);

	if (n != wl)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != word[i])
			return false;
	}
	return true;
}

int pveconf_parse_boolean(const char *s, size_t n)
{
	if ((n == 1 && s[0] == '1') || pveconf_ieq(s, n, "on") || pveconf_ieq(s, n, "yes") ||
	    pveconf_ieq(s, n, "true"))
		return 1;
	if ((n == 1 && s[0] == '0') || pveconf_ieq(s, n, "off") || pveconf_ieq(s, n, "no") ||
	    pveconf_ieq(s, n, "false"))
		return 0;
	return -1;
}

bool pveconf_perl_true(const char *v, size_t n)
{
	return !(n == 0 || (n == 1 && v[0] == '0'));
}

bool pveconf_propstr_next(const char *data, size_t len, size_t *pos,
                          struct pveconf_propstr_part *out)
{
	while (*pos <= len) {
		const char *part = data + *pos;
		const char *comma = memchr(part, ',', len - *pos);
		size_t plen = comma ? (size_t)(comma - part) : len - *pos;
		const char *eq = memchr(part, '=', plen);
		bool blank = true;

		*pos += plen + 1;
		for (size_t i = 0; i < plen && blank; i++)
			blank = pveconf_is_ascii_space((unsigned char)part[i]);
		if (blank)
			continue;
		*out = (struct pveconf_propstr_part){.part = part, .plen = plen};
		if (!eq) {
			out->kind = PVECONF_PROPSTR_BARE;
		} else if (eq > part && eq + 1 < part + plen) {
			out->kind = PVECONF_PROPSTR_KEY_VALUE;
			out->kl = (size_t)(eq - part);
			out->v = eq + 1;
			out->vl = plen - out->kl - 1;
		} else {
			out->kind = PVECONF_PROPSTR_NO_KEY;
		}
		return true;
	}
	return false;
}

int pveconf_propstr_split(const char *data, size_t len, const struct pveconf_propdef *defs,
                          size_t n, struct pveconf_propval *vals, char *err, size_t errn)
{
	struct pveconf_propstr_part pp;
	size_t pos = 0;
	bool default_used = false;

	for (size_t i = 0; i < n; i++)
		vals[i] = (struct pveconf_propval){0};
	while (pveconf_propstr_next(data, len, &pos, &pp)) {
		const char *part = pp.part;
		size_t plen = pp.plen;

		if (pp.kind == PVECONF_PROPSTR_KEY_VALUE) {
			size_t kl = pp.kl, k;
			const char *v = pp.v;
			size_t vl = pp.vl;

			for (k = 0; k < n; k++)
				if (strlen(defs[k].key) == kl && memcmp(defs[k].key, part, kl) == 0)
					break;
			if (k < n && vals[k].set) {
				snprintf(err, errn,
				         "duplicate key in comma-separated list property: %.*s",
				         (int)kl, part);
				return -EINVAL;
			}
			if (k == n) {
				snprintf(err, errn,
				         "invalid key in comma-separated list property: %.*s",
				         (int)kl, part);
				return -EINVAL;
			}
			if (defs[k].is_bool && pveconf_parse_boolean(v, vl) >= 0) {
				v = pveconf_parse_boolean(v, vl) ? "1" : "0";
				vl = 1;
			}
			vals[k] = (struct pveconf_propval){v, vl, true};
		} else if (pp.kind == PVECONF_PROPSTR_BARE) {
			size_t k;

			for (k = 0; k < n; k++)
				if (defs[k].default_key)
					break;
			if (default_used && k < n) {
				snprintf(err, errn,
				         "duplicate key in comma-separated list property: %s",
				         defs[k].key);
				return -EINVAL;
			}
			if (k == n) {
				snprintf(err, errn,
				         "value without key, but schema does not define a "
				         "default key");
				return -EINVAL;
			}
			default_used = true;
			/* PVE only refuses when the earlier value is true in Perl's sense */
			if (vals[k].set && pveconf_perl_true(vals[k].v, vals[k].len)) {
				snprintf(err, errn,
				         "duplicate key in comma-separated list property: %s",
				         defs[k].key);
				return -EINVAL;
			}
			if (defs[k].is_bool && pveconf_parse_boolean(part, plen) >= 0)
				vals[k] = (struct pveconf_propval){
				        pveconf_parse_boolean(part, plen) ? "1" : "0", 1, true};
			else
				vals[k] = (struct pveconf_propval){part, plen, true};
		} else {
			snprintf(err, errn, "missing key in comma-separated list property");
			return -EINVAL;
		}
	}
	return 0;
}

/* memory: pve-qm-memory, { current: integer, default key, minimum 16 } */
static int check_memory(const char *v, size_t len, char *err, size_t errn)
{
	static const struct pveconf_propdef defs[] = {{"current", false, true}};
	struct pveconf_propval val;
	bool isint = true;
	size_t i = 0;

	err[0] = '\0';
	if (pveconf_propstr_split(v, len, defs, 1, &val, err, errn) < 0)
		return -EINVAL;
	if (!val.set) {
		snprintf(err, errn, "current: property is missing and it is not optional");
		return -EINVAL;
	}
	if (val.len && (val.v[0] == '+' || val.v[0] == '-'))
		i = 1;
	if (i == val.len)
		isint = false;
	for (; i < val.len; i++)
		if (!is_digit((unsigned char)val.v[i]))
			isint = false;
	if (!isint) {
		snprintf(err, errn, "current: type check ('integer') failed - got '%.*s'",
		         (int)(val.len > 200 ? 200 : val.len), val.v);
		return -EINVAL;
	}
	{
		char num[64];

		snprintf(num, sizeof(num), "%.*s", (int)(val.len < 63 ? val.len : 63), val.v);
		if (val.len >= 63 ? val.v[0] == '-' : strtod(num, NULL) < 16) {
			snprintf(err, errn, "current: value must have a minimum value of 16");
			return -EINVAL;
		}
	}
	return 0;
}

/* Perl's int() of a digit string, as PVE's check_type returns it */
static void perl_int(const char *v, size_t len, char *buf, size_t bufn)
{
	size_t i = 0;

	while (i + 1 < len && v[i] == '0')
		i++;
	if (len - i < 20 || (len - i == 20 && memcmp(v + i, "18446744073709551615", 20) <= 0)) {
		snprintf(buf, bufn, "%.*s", (int)(len - i), v + i);
	} else {
		char *tmp = malloc(len - i + 1);
		double d;

		if (!tmp) {
			snprintf(buf, bufn, "%.*s", (int)(len - i), v + i);
			return;
		}
		memcpy(tmp, v + i, len - i);
		tmp[len - i] = '\0';
		d = strtod(tmp, NULL);
		free(tmp);
		snprintf(buf, bufn, "%.15g", d);
	}
}

int pveconf_value_check(const struct pveconf_keyinfo *ki, const char *key, const char *value,
                        size_t len, char *buf, size_t bufn, const char **out, size_t *outlen,
                        char *err, size_t errn)
{
	return pveconf_value_check_at(ki, NULL, key, value, len, buf, bufn, out, outlen, err, errn);
}

int pveconf_value_check_at(const struct pveconf_keyinfo *ki, const struct pveconf_check_ctx *ctx,
                           const char *key, const char *value, size_t len, char *buf, size_t bufn,
                           const char **out, size_t *outlen, char *err, size_t errn)
{
	int shown = (int)(len > 200 ? 200 : len);
	enum pveconf_check level = ctx ? ctx->level : PVECONF_CHECK_ALL;

	if (!ki) {
		snprintf(err, errn, "unknown setting '%s'", key);
		return -EINVAL;
	}
	if (memchr(value, '\n', len) || memchr(value, '\r', len)) {
		snprintf(err, errn, "property contains a line feed");
		return -EINVAL;
	}
	*out = value;
	*outlen = len;
	switch (ki->type) {
	case PVECONF_KTYPE_BOOL: {
		int b = pveconf_parse_boolean(value, len);

		if (b < 0) {
			snprintf(err, errn, "type check ('boolean') failed - got '%.*s'", shown,
			         value);
			return -EINVAL;
		}
		*out = b ? "1" : "0";
		*outlen = 1;
		return 0;
	}
	case PVECONF_KTYPE_INT:
		for (size_t i = 0; i < len; i++)
			if (!is_digit((unsigned char)value[i]))
				len = 0;
		if (len == 0) {
			snprintf(err, errn, "type check ('integer') failed - got '%.*s'", shown,
			         value);
			return -EINVAL;
		}
		perl_int(value, len, buf, bufn);
		*out = buf;
		*outlen = strlen(buf);
		return 0;
	case PVECONF_KTYPE_NUM: {
		size_t i = 0;
		bool ok = true;

		while (i < len && is_digit((unsigned char)value[i]))
			i++;
		if (i == 0)
			ok = false;
		if (ok && i < len) {
			size_t f = ++i;

			if (value[f - 1] != '.')
				ok = false;
			while (i < len && is_digit((unsigned char)value[i]))
				i++;
			if (i == f || i != len)
				ok = false;
		}
		if (!ok) {
			snprintf(err, errn, "type check ('number') failed - got '%.*s'", shown,
			         value);
			return -EINVAL;
		}
		return 0;
	}
	case PVECONF_KTYPE_STR: break;
	}
	switch (ki->fmt) {
	case PVECONF_KFMT_NONE:
		if (len >= 2 && value[0] == '"' && value[len - 1] == '"') {
			*out = value + 1;
			*outlen = len - 2;
		}
		return 0;
	case PVECONF_KFMT_OTHER:
		if (level == PVECONF_CHECK_LAZY && !ki->strict)
			return 0;
		if (ki->ps)
			return pveconf_format_check(ki->ps, value, len, err, errn) < 0 ? -EINVAL
			                                                               : 0;
		if (ki->fn)
			return ki->fn(value, len, err, errn) < 0 ? -EINVAL : 0;
		return 0;
	case PVECONF_KFMT_CPU:
		if (level == PVECONF_CHECK_LAZY && !ki->strict)
			return 0;
		return pveconf_cpu_check(value, len, ctx ? ctx->cpu_models : NULL, err, errn) < 0
		               ? -EINVAL
		               : 0;
	case PVECONF_KFMT_HOSTPCI: return pveconf_hostpci_check(value, len, err, errn);
	case PVECONF_KFMT_MEMORY: return check_memory(value, len, err, errn);
	case PVECONF_KFMT_CONFIGID:
		if (!pveconf_is_configid(value, len)) {
			snprintf(err, errn, "invalid configuration ID '%.*s'", shown, value);
			return -EINVAL;
		}
		return 0;
	case PVECONF_KFMT_DNSNAME:
		if (!pveconf_is_dns_name(value, len)) {
			snprintf(err, errn, "value does not look like a valid DNS name");
			return -EINVAL;
		}
		return 0;
	}
	return 0;
}
