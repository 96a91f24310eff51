/* pveconf/hostpci.c - the hostpciN property string: PVE's exact grammar (qemu-server PCI.pm
 * $hostpci_fmt checked the way pve-common's parse_property_string does), the canonical format,
 * and PVE's prefix matching of ids.  No I/O, no knowledge of the host. */
#include "pveconf/hostpci.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "pveconf/keys.h"
#include "util/i18n.h"

enum {
	HP_HOST,
	HP_MAPPING,
	HP_ROMBAR,
	HP_ROMFILE,
	HP_PCIE,
	HP_XVGA,
	HP_LEGACY_IGD,
	HP_MDEV,
	HP_VENDOR,
	HP_DEVICE,
	HP_SUBVENDOR,
	HP_SUBDEVICE,
	HP_DRIVER,
	HP_N,
};

static const struct pveconf_propdef hp_defs[HP_N] = {
        [HP_HOST] = {"host", false, true},
        [HP_MAPPING] = {"mapping", false, false},
        [HP_ROMBAR] = {"rombar", true, false},
        [HP_ROMFILE] = {"romfile", false, false},
        [HP_PCIE] = {"pcie", true, false},
        [HP_XVGA] = {"x-vga", true, false},
        [HP_LEGACY_IGD] = {"legacy-igd", true, false},
        [HP_MDEV] = {"mdev", false, false},
        [HP_VENDOR] = {"vendor-id", false, false},
        [HP_DEVICE] = {"device-id", false, false},
        [HP_SUBVENDOR] = {"sub-vendor-id", false, false},
        [HP_SUBDEVICE] = {"sub-device-id", false, false},
        [HP_DRIVER] = {"driver", false, false},
};

static int hexval(char c, unsigned flags)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if ((flags & PVECONF_PCI_ID_ANY_CASE) && c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1; /* PVE's pattern is lowercase only */
}

int pveconf_pci_id_parse(const char *s, size_t n, unsigned flags, struct pveconf_pci_id *id)
{
	size_t run = 0, p = 0;
	struct pveconf_pci_id r = {0};
	bool overflow = false;

	while (run < n && hexval(s[run], flags) >= 0)
		run++;
	if (run >= 4 && run < n && s[run] == ':') {
		unsigned long long d = 0;

		for (size_t i = 0; i < run; i++) {
			if (d > 0xffffffffULL)
				break;
			d = d * 16 + (unsigned)hexval(s[i], flags);
		}
		overflow = d > 0xffffffffULL;
		r.has_domain = true;
		r.domain = overflow ? 0xffffffffU : (unsigned)d;
		p = run + 1;
	} else if (flags & PVECONF_PCI_ID_NEED_DOMAIN) {
		return -EINVAL;
	}
	if (n - p < 5 || hexval(s[p], flags) < 0 || hexval(s[p + 1], flags) < 0 ||
	    s[p + 2] != ':' || hexval(s[p + 3], flags) < 0 || hexval(s[p + 4], flags) < 0)
		return -EINVAL;
	r.bus = (unsigned)(hexval(s[p], flags) * 16 + hexval(s[p + 1], flags));
	r.slot = (unsigned)(hexval(s[p + 3], flags) * 16 + hexval(s[p + 4], flags));
	p += 5;
	if (p < n) {
		if (n - p != 2 || s[p] != '.' || hexval(s[p + 1], flags) < 0)
			return -EINVAL;
		r.has_function = true;
		r.function = (unsigned)hexval(s[p + 1], flags);
	}
	if (id)
		*id = r;
	return overflow ? -ERANGE : 0;
}

int pveconf_pci_ids_parse(const char *s, unsigned flags, struct pveconf_pci_id *ids, size_t max)
{
	size_t n = 0;

	for (;;) {
		size_t len = strcspn(s, ";");
		int r;

		if (n == max)
			return -E2BIG;
		r = pveconf_pci_id_parse(s, len, flags, &ids[n]);
		if (r == -EINVAL)
			return r;
		n++;
		if (!s[len])
			return (int)n;
		s += len + 1;
	}
}

static bool match_pattern(const char *v, size_t n, int which)
{
	switch (which) {
	case HP_ROMFILE:
		if (n == 0)
			return false;
		for (size_t i = 0; i < n; i++)
			if (v[i] == ',' || v[i] == ';')
				return false;
		return true;
	case HP_MDEV:
		if (n == 0)
			return false;
		for (size_t i = 0; i < n; i++)
			if (v[i] == '/' || v[i] == '.' || v[i] == ':')
				return false;
		return true;
	default: /* the four hex ids: ^0x[0-9a-fA-F]{4}$ */
		if (n != 6 || v[0] != '0' || v[1] != 'x')
			return false;
		for (size_t i = 2; i < 6; i++) {
			char c = v[i];

			if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
			      (c >= 'A' && c <= 'F')))
				return false;
		}
		return true;
	}
}

static void add_err(char *err, size_t errn, const char *key, const char *msg)
{
	size_t used = strlen(err);

	if (used < errn)
		snprintf(err + used, errn - used, "%s%s: %s", used ? "; " : "", key, msg);
}

#define SHOWN(vl) ((int)((vl) > 200 ? 200 : (vl)))

/* Splits and checks; vals filled on success.  Errors in PVE's words, joined by "; ". */
static int hostpci_check_vals(const char *value, size_t len, struct pveconf_propval *vals,
                              char *err, size_t errn)
{
	char msg[512];

	err[0] = '\0';
	if (pveconf_propstr_split(value, len, hp_defs, HP_N, vals, err, errn) < 0)
		return -EINVAL;
	for (int k = 0; k < HP_N; k++) {
		const char *v = vals[k].v;
		size_t vl = vals[k].len;

		if (!vals[k].set)
			continue;
		if (hp_defs[k].is_bool) {
			if (!(vl == 1 && (v[0] == '0' || v[0] == '1'))) {
				snprintf(msg, sizeof(msg),
				         "type check ('boolean') failed - got '%.*s'", SHOWN(vl),
				         v);
				add_err(err, errn, hp_defs[k].key, msg);
			}
			continue;
		}
		switch (k) {
		case HP_HOST: {
			size_t s = 0;
			bool ok = true;

			for (size_t i = 0; i <= vl && ok; i++) {
				if (i < vl && v[i] != ';')
					continue;
				ok = pveconf_pci_id_parse(v + s, i - s, 0, NULL) != -EINVAL;
				s = i + 1;
			}
			if (!ok)
				add_err(err, errn, "host",
				        "value does not match the regex pattern");
			break;
		}
		case HP_MAPPING:
			if (!pveconf_is_configid(v, vl)) {
				snprintf(msg, sizeof(msg),
				         "invalid format - invalid configuration ID '%.*s'",
				         SHOWN(vl), v);
				add_err(err, errn, "mapping", msg);
			}
			break;
		case HP_DRIVER:
			if (!((vl == 4 && memcmp(v, "vfio", 4) == 0) ||
			      (vl == 4 && memcmp(v, "keep", 4) == 0))) {
				snprintf(msg, sizeof(msg),
				         "value '%.*s' does not have a value in the enumeration "
				         "'vfio, keep'",
				         SHOWN(vl), v);
				add_err(err, errn, "driver", msg);
			}
			break;
		default:
			if (!match_pattern(v, vl, k))
				add_err(err, errn, hp_defs[k].key,
				        "value does not match the regex pattern");
			break;
		}
	}
	return err[0] ? -EINVAL : 0;
}

int pveconf_hostpci_check(const char *value, size_t len, char *err, size_t errn)
{
	struct pveconf_propval vals[HP_N];

	return hostpci_check_vals(value, len, vals, err, errn);
}

static int copy_str(char *dst, size_t n, const struct pveconf_propval *v, const char *key,
                    struct util_err *e)
{
	if (!v->set) {
		dst[0] = '\0';
		return 0;
	}
	if (v->len >= n || memchr(v->v, '\0', v->len))
		return util_err_set(e, -EINVAL, _("%s: value too long (at most %zu characters)"),
		                    key, n - 1);
	memcpy(dst, v->v, v->len);
	dst[v->len] = '\0';
	return 0;
}

int pveconf_hostpci_parse(const char *value, struct pveconf_hostpci *out, struct util_err *e)
{
	struct pveconf_propval vals[HP_N];
	char err[1024];
	size_t len = strlen(value);
	enum pveconf_tristate *tri[HP_N] = {
	        [HP_ROMBAR] = &out->rombar,
	        [HP_PCIE] = &out->pcie,
	        [HP_XVGA] = &out->x_vga,
	        [HP_LEGACY_IGD] = &out->legacy_igd,
	};

	memset(out, 0, sizeof(*out));
	if (hostpci_check_vals(value, len, vals, err, sizeof(err)) < 0)
		return util_err_set(e, -EINVAL, "%s", err);
	if (vals[HP_HOST].set) {
		const char *v = vals[HP_HOST].v;
		size_t vl = vals[HP_HOST].len, s = 0;

		for (size_t i = 0; i <= vl; i++) {
			if (i < vl && v[i] != ';')
				continue;
			if (out->n_ids == PVECONF_HOSTPCI_MAX_IDS)
				return util_err_set(e, -EINVAL, _("host: more than %d devices"),
				                    PVECONF_HOSTPCI_MAX_IDS);
			if (pveconf_pci_id_parse(v + s, i - s, 0, &out->ids[out->n_ids++]) < 0)
				return util_err_set(e, -EINVAL,
				                    _("host: PCI domain '%.*s' is too large"),
				                    (int)(i - s), v + s);
			s = i + 1;
		}
	}
	if (copy_str(out->mapping, sizeof(out->mapping), &vals[HP_MAPPING], "mapping", e) < 0 ||
	    copy_str(out->mdev, sizeof(out->mdev), &vals[HP_MDEV], "mdev", e) < 0 ||
	    copy_str(out->romfile, sizeof(out->romfile), &vals[HP_ROMFILE], "romfile", e) < 0 ||
	    copy_str(out->vendor_id, sizeof(out->vendor_id), &vals[HP_VENDOR], "vendor-id", e) <
	            0 ||
	    copy_str(out->device_id, sizeof(out->device_id), &vals[HP_DEVICE], "device-id", e) <
	            0 ||
	    copy_str(out->sub_vendor_id, sizeof(out->sub_vendor_id), &vals[HP_SUBVENDOR],
	             "sub-vendor-id", e) < 0 ||
	    copy_str(out->sub_device_id, sizeof(out->sub_device_id), &vals[HP_SUBDEVICE],
	             "sub-device-id", e) < 0)
		return -EINVAL;
	for (int k = 0; k < HP_N; k++)
		if (tri[k])
			*tri[k] = !vals[k].set          ? PVECONF_UNSET
			          : vals[k].v[0] == '1' ? PVECONF_ON
			                                : PVECONF_OFF;
	out->driver = !vals[HP_DRIVER].set          ? PVECONF_HOSTPCI_DRIVER_UNSET
	              : vals[HP_DRIVER].v[0] == 'v' ? PVECONF_HOSTPCI_DRIVER_VFIO
	                                            : PVECONF_HOSTPCI_DRIVER_KEEP;
	return 0;
}

void pveconf_pci_id_format(const struct pveconf_pci_id *id, char *buf, size_t n)
{
	if (id->has_function)
		snprintf(buf, n, "%04x:%02x:%02x.%x", id->domain, id->bus, id->slot, id->function);
	else
		snprintf(buf, n, "%04x:%02x:%02x", id->domain, id->bus, id->slot);
}

int pveconf_hostpci_format(const struct pveconf_hostpci *h, struct util_buf *out)
{
	/* the other keys, sorted by name */
	const struct {
		const char *key;
		const char *str;
		enum pveconf_tristate tri;
	} rest[] = {
	        {"device-id", h->device_id, PVECONF_UNSET},
	        {"driver",
	         h->driver == PVECONF_HOSTPCI_DRIVER_VFIO   ? "vfio"
	         : h->driver == PVECONF_HOSTPCI_DRIVER_KEEP ? "keep"
	                                                    : "",
	         PVECONF_UNSET},
	        {"legacy-igd", "", h->legacy_igd},
	        {"mapping", h->n_ids ? h->mapping : "", PVECONF_UNSET},
	        {"mdev", h->mdev, PVECONF_UNSET},
	        {"pcie", "", h->pcie},
	        {"rombar", "", h->rombar},
	        {"romfile", h->romfile, PVECONF_UNSET},
	        {"sub-device-id", h->sub_device_id, PVECONF_UNSET},
	        {"sub-vendor-id", h->sub_vendor_id, PVECONF_UNSET},
	        {"vendor-id", h->vendor_id, PVECONF_UNSET},
	        {"x-vga", "", h->x_vga},
	};
	bool first = true;
	int r = 0;

	for (size_t i = 0; i < h->n_ids && r == 0; i++) {
		char id[32];

		pveconf_pci_id_format(&h->ids[i], id, sizeof(id));
		r = util_buf_addf(out, "%s%s", i ? ";" : "", id);
		first = false;
	}
	if (!h->n_ids && h->mapping[0]) {
		r = util_buf_addf(out, "mapping=%s", h->mapping);
		first = false;
	}
	for (size_t i = 0; i < sizeof(rest) / sizeof(rest[0]) && r == 0; i++) {
		if (rest[i].tri != PVECONF_UNSET)
			r = util_buf_addf(out, "%s%s=%d", first ? "" : ",", rest[i].key,
			                  rest[i].tri == PVECONF_ON);
		else if (rest[i].str[0])
			r = util_buf_addf(out, "%s%s=%s", first ? "" : ",", rest[i].key,
			                  rest[i].str);
		else
			continue;
		first = false;
	}
	return r;
}

bool pveconf_pci_id_match(const struct pveconf_pci_id *id, const char *bdf)
{
	struct pveconf_pci_id dev;

	if (pveconf_pci_id_parse(bdf, strlen(bdf), 0, &dev) < 0)
		return false;
	if (id->domain != dev.domain || id->bus != dev.bus || id->slot != dev.slot)
		return false;
	if (!id->has_function)
		return true;
	return dev.has_function && dev.function == id->function;
}
