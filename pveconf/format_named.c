/* pveconf/format_named.c - PVE's string formats that Perl code defines (register_format with a
 * function): volume ids (pve-storage's parse_volume_id and qemu-server's path variants), storage
 * and bridge ids, MAC, IP configs, DNS names, cpusets, startup order, tags, hotplug features,
 * boot devices, disk sizes.  One small checker each, facts from pve-common 9.2, pve-storage 9.1
 * and qemu-server 9.2; our own code.  Pure functions. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pveconf/format.h"
#include "pveconf/keys.h"

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_alnum(char c)
{
	return is_alpha(c) || is_digit(c);
}

static bool is_hex(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* is c one of set's characters (never NUL)? */
static bool in_set(char c, const char *set)
{
	return c != '\0' && strchr(set, c) != NULL;
}

static int fail(char *err, size_t errn, const char *what, const char *v, size_t n)
{
	snprintf(err, errn, "%s '%.*s'", what, (int)(n > 100 ? 100 : n), v);
	return -1;
}

static bool eq(const char *v, size_t n, const char *w)
{
	return strlen(w) == n && memcmp(v, w, n) == 0;
}

/* /^[a-z][a-z0-9\-\_\.]*[a-z0-9]$/i */
static bool storage_id(const char *v, size_t n)
{
	if (n < 2 || !is_alpha(v[0]) || !is_alnum(v[n - 1]))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!is_alnum(v[i]) && v[i] != '-' && v[i] != '_' && v[i] != '.')
			return false;
	return true;
}

int pveconf_fmt_storage_id(const char *v, size_t n, char *err, size_t errn)
{
	/* pve-storage's parse_storage_id, in its words */
	if (storage_id(v, n))
		return 0;
	snprintf(err, errn, "storage ID '%.*s' contains illegal characters",
	         (int)(n > 100 ? 100 : n), v);
	return -1;
}

/* pve-storage parse_volume_id: m/^([a-z][a-z0-9\-\_\.]*[a-z0-9]):(.+)$/i - the storage id is the
 * longest prefix that fits (the regex backtracks from the last ':') */
int pveconf_fmt_volume_id(const char *v, size_t n, char *err, size_t errn)
{
	for (size_t i = n; i-- > 0;)
		if (v[i] == ':' && i + 1 < n && storage_id(v, i))
			return 0;
	return fail(err, errn, "unable to parse volume ID", v, n);
}

int pveconf_fmt_volume_id_or_abs_path(const char *v, size_t n, char *err, size_t errn)
{
	if (n > 0 && v[0] == '/')
		return 0;
	return pveconf_fmt_volume_id(v, n, err, errn);
}

int pveconf_fmt_volume_id_or_qm_path(const char *v, size_t n, char *err, size_t errn)
{
	if (eq(v, n, "none") || eq(v, n, "cdrom"))
		return 0;
	return pveconf_fmt_volume_id_or_abs_path(v, n, err, errn);
}

int pveconf_fmt_configid(const char *v, size_t n, char *err, size_t errn)
{
	return pveconf_is_configid(v, n) ? 0 : fail(err, errn, "invalid configuration ID", v, n);
}

int pveconf_fmt_dns_name(const char *v, size_t n, char *err, size_t errn)
{
	if (pveconf_is_dns_name(v, n))
		return 0;
	snprintf(err, errn, "value does not look like a valid DNS name");
	return -1;
}

/* ^[a-f0-9][02468ace](?::[a-f0-9]{2}){5}$ /i */
int pveconf_fmt_mac(const char *v, size_t n, char *err, size_t errn)
{
	bool ok = n == 17 && is_hex(v[0]) && in_set(v[1], "02468aceACE");

	for (size_t i = 2; ok && i < 17; i += 3)
		ok = v[i] == ':' && is_hex(v[i + 1]) && is_hex(v[i + 2]);
	if (ok)
		return 0;
	snprintf(err, errn, "value does not look like a valid unicast MAC address");
	return -1;
}

/* ^[-_.\w\d]+$ */
int pveconf_fmt_bridge(const char *v, size_t n, char *err, size_t errn)
{
	bool ok = n > 0;

	for (size_t i = 0; ok && i < n; i++)
		ok = is_alnum(v[i]) || v[i] == '-' || v[i] == '_' || v[i] == '.';
	return ok ? 0 : fail(err, errn, "invalid bridge ID", v, n);
}

/* ^[-%a-zA-Z0-9_.!~*'()]*$ */
int pveconf_fmt_urlencoded(const char *v, size_t n, char *err, size_t errn)
{
	for (size_t i = 0; i < n; i++)
		if (!is_alnum(v[i]) && !in_set(v[i], "-%_.!~*'()"))
			return fail(err, errn, "invalid urlencoded string:", v, n);
	return 0;
}

/* parse_size: ^(\d+(\.\d+)?)([KMGT](?:iB)?)?$ */
int pveconf_fmt_disk_size(const char *v, size_t n, char *err, size_t errn)
{
	size_t i = 0, s;

	while (i < n && is_digit(v[i]))
		i++;
	if (i == 0)
		goto bad;
	if (i < n && v[i] == '.') {
		s = ++i;
		while (i < n && is_digit(v[i]))
			i++;
		if (i == s)
			goto bad;
	}
	if (i < n && in_set(v[i], "KMGT")) {
		i++;
		if (n - i == 2 && v[i] == 'i' && v[i + 1] == 'B')
			i += 2;
	}
	if (i == n)
		return 0;
bad:
	snprintf(err, errn, "value does not look like a valid disk size: %.*s",
	         (int)(n > 100 ? 100 : n), v); /* PVE's words, unquoted */
	return -1;
}

/* IPV4RE: four octets of 1-3 digits, each at most 255 */
static bool ipv4(const char *v, size_t n)
{
	size_t i = 0;

	for (int o = 0; o < 4; o++) {
		size_t s = i;
		unsigned val = 0;

		while (i < n && is_digit(v[i]) && i - s < 3)
			val = val * 10 + (unsigned)(v[i++] - '0');
		if (i == s || val > 255)
			return false;
		if (o < 3) {
			if (i >= n || v[i] != '.')
				return false;
			i++;
		}
	}
	return i == n;
}

static bool ipv6(const char *v, size_t n)
{
	char buf[64];
	unsigned char out[16];

	if (n == 0 || n >= sizeof(buf) || memchr(v, '\0', n))
		return false;
	memcpy(buf, v, n);
	buf[n] = '\0';
	return inet_pton(AF_INET6, buf, out) == 1;
}

int pveconf_fmt_ipv4(const char *v, size_t n, char *err, size_t errn)
{
	if (ipv4(v, n))
		return 0;
	snprintf(err, errn, "value does not look like a valid IPv4 address");
	return -1;
}

int pveconf_fmt_ipv6(const char *v, size_t n, char *err, size_t errn)
{
	if (ipv6(v, n))
		return 0;
	snprintf(err, errn, "value does not look like a valid IPv6 address");
	return -1;
}

/* ADDR/(\d+) with lo < bits <= hi */
static bool cidr(const char *v, size_t n, bool v6)
{
	const char *slash = NULL;
	unsigned long bits = 0;

	for (size_t i = n; i-- > 0;)
		if (v[i] == '/') {
			slash = v + i;
			break;
		}
	if (!slash || slash + 1 == v + n)
		return false;
	for (const char *p = slash + 1; p < v + n; p++) {
		if (!is_digit(*p))
			return false;
		if (bits < 1000)
			bits = bits * 10 + (unsigned long)(*p - '0');
	}
	if (!(v6 ? ipv6(v, (size_t)(slash - v)) : ipv4(v, (size_t)(slash - v))))
		return false;
	return bits > 7 && bits <= (v6 ? 128u : 32u);
}

int pveconf_fmt_ipv4_config(const char *v, size_t n, char *err, size_t errn)
{
	if (eq(v, n, "dhcp") || eq(v, n, "manual") || cidr(v, n, false))
		return 0;
	snprintf(err, errn, "value does not look like a valid ipv4 network configuration");
	return -1;
}

int pveconf_fmt_ipv6_config(const char *v, size_t n, char *err, size_t errn)
{
	if (eq(v, n, "auto") || eq(v, n, "dhcp") || eq(v, n, "manual") || cidr(v, n, true))
		return 0;
	snprintf(err, errn, "value does not look like a valid ipv6 network configuration");
	return -1;
}

int pveconf_fmt_address(const char *v, size_t n, char *err, size_t errn)
{
	if (ipv4(v, n) || ipv6(v, n) || pveconf_is_dns_name(v, n))
		return 0;
	return fail(err, errn, "value does not look like a valid address:", v, n);
}

int pveconf_fmt_address_list(const char *v, size_t n, char *err, size_t errn)
{
	return pveconf_format_list(pveconf_fmt_address, v, n, err, errn);
}

/* PVE::CpuSet::parse_cpuset: split(/,/) parts of /^\s*(\d+)(?:-(\d+))?\s*$/ with from <= to */
int pveconf_fmt_cpuset(const char *v, size_t n, char *err, size_t errn)
{
	size_t end = n, pos = 0;

	while (end > 0 && v[end - 1] == ',') /* split drops trailing empty fields */
		end--;
	while (pos < end) {
		const char *c = memchr(v + pos, ',', end - pos);
		size_t l = c ? (size_t)(c - (v + pos)) : end - pos, i = 0;
		const char *p = v + pos;
		double from = 0, to;
		bool ok;

		while (i < l && pveconf_is_ascii_space((unsigned char)p[i]))
			i++;
		ok = i < l && is_digit(p[i]);
		while (i < l && is_digit(p[i]))
			from = from * 10 + (p[i++] - '0');
		to = from;
		if (ok && i < l && p[i] == '-') {
			size_t s = ++i;

			to = 0;
			while (i < l && is_digit(p[i]))
				to = to * 10 + (p[i++] - '0');
			ok = i > s;
		}
		while (i < l && pveconf_is_ascii_space((unsigned char)p[i]))
			i++;
		if (!ok || i != l || to < from) {
			snprintf(err, errn, "unable to parse cpuset option");
			return -1;
		}
		pos += l + 1;
	}
	return 0;
}

/* pve_parse_startup_order: false value, or parts order=N / N / up=N / down=N */
int pveconf_fmt_startup(const char *v, size_t n, char *err, size_t errn)
{
	size_t pos = 0;

	if (!pveconf_perl_true(v, n))
		goto bad;
	while (pos <= n) {
		const char *c = memchr(v + pos, ',', n - pos);
		size_t l = c ? (size_t)(c - (v + pos)) : n - pos, i = 0, s;
		const char *p = v + pos;
		bool blank = true;

		pos += l + 1;
		for (size_t k = 0; k < l; k++)
			blank &= pveconf_is_ascii_space((unsigned char)p[k]);
		if (blank)
			continue;
		if (l > 6 && memcmp(p, "order=", 6) == 0)
			i = 6;
		else if (l > 3 && memcmp(p, "up=", 3) == 0)
			i = 3;
		else if (l > 5 && memcmp(p, "down=", 5) == 0)
			i = 5;
		s = i;
		while (i < l && is_digit(p[i]))
			i++;
		if (i == s || i != l)
			goto bad;
	}
	return 0;
bad:
	snprintf(err, errn, "unable to parse startup options");
	return -1;
}

/* PVE_TAG_RE: [a-z0-9_][a-z0-9_\-\+\.]* (case-insensitive) */
int pveconf_fmt_tag(const char *v, size_t n, char *err, size_t errn)
{
	bool ok = n > 0 && (is_alnum(v[0]) || v[0] == '_');

	for (size_t i = 1; ok && i < n; i++)
		ok = is_alnum(v[i]) || in_set(v[i], "_-+.");
	if (ok)
		return 0;
	snprintf(err, errn, "invalid characters in tag");
	return -1;
}

int pveconf_fmt_tag_list(const char *v, size_t n, char *err, size_t errn)
{
	return pveconf_format_list(pveconf_fmt_tag, v, n, err, errn);
}

static int hotplug_feature(const char *v, size_t n, char *err, size_t errn)
{
	static const char *const f[] = {"network", "disk", "cpu", "memory", "usb", "cloudinit"};

	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		if (eq(v, n, f[i]))
			return 0;
	return fail(err, errn, "invalid hotplug feature", v, n);
}

/* parse_hotplug_features: '0', '1', or a list of features */
int pveconf_fmt_hotplug(const char *v, size_t n, char *err, size_t errn)
{
	if (eq(v, n, "0") || eq(v, n, "1"))
		return 0;
	return pveconf_format_list(hotplug_feature, v, n, err, errn);
}

/* is_valid_drivename: a drive key (ide, sata, scsi, virtio, efidisk0, tpmstate0) */
static bool drivename(const char *v, size_t n)
{
	char key[32];

	if (n == 0 || n >= sizeof(key))
		return false;
	memcpy(key, v, n);
	key[n] = '\0';
	return memchr(v, '\0', n) == NULL && pveconf_key_is_drive(key);
}

int pveconf_fmt_bootdisk(const char *v, size_t n, char *err, size_t errn)
{
	return drivename(v, n) ? 0 : fail(err, errn, "invalid boot disk", v, n);
}

/* verify_bootdev: a drive but efidisk/tpmstate, or a net/usb/hostpci key of the schema */
int pveconf_fmt_bootdev(const char *v, size_t n, char *err, size_t errn)
{
	static const char *const bases[] = {"net", "usb", "hostpci"};
	bool special = (n >= 7 && memcmp(v, "efidisk", 7) == 0) ||
	               (n >= 8 && memcmp(v, "tpmstate", 8) == 0);

	if (drivename(v, n) && !special)
		return 0;
	for (size_t i = 0; i < sizeof(bases) / sizeof(bases[0]); i++) {
		size_t bl = strlen(bases[i]);
		bool digits = n > bl && memcmp(v, bases[i], bl) == 0;

		for (size_t k = bl; digits && k < n; k++)
			digits = is_digit(v[k]);
		if (digits && pveconf_key_lookup(v, n))
			return 0;
	}
	return fail(err, errn, "invalid boot device", v, n);
}

int pveconf_fmt_bootdev_list(const char *v, size_t n, char *err, size_t errn)
{
	return pveconf_format_list(pveconf_fmt_bootdev, v, n, err, errn);
}

/* parse_phys_bits: host, or 1-2 digits between 8 and 64 */
int pveconf_fmt_phys_bits(const char *v, size_t n, char *err, size_t errn)
{
	if (eq(v, n, "host"))
		return 0;
	if ((n == 1 || n == 2) && is_digit(v[0]) && is_digit(v[n - 1])) {
		int x = n == 1 ? v[0] - '0' : (v[0] - '0') * 10 + (v[1] - '0');

		if (x >= 8 && x <= 64)
			return 0;
	}
	snprintf(err, errn, "value must be an integer between 8 and 64 or 'host'");
	return -1;
}

int pveconf_fmt_volume_id_list(const char *v, size_t n, char *err, size_t errn)
{
	return pveconf_format_list(pveconf_fmt_volume_id, v, n, err, errn);
}
