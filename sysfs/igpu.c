/* sysfs/igpu.c - lookups in the generated Intel GPU platform table and sentences about it.
 * Pure functions over constant data: no I/O. */
#include "sysfs/igpu.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/i18n.h"

static int cmp_id(const void *key, const void *row)
{
	unsigned id = *(const unsigned *)key;
	unsigned have = ((const struct sysfs_igpu_platform *)row)->device_id;

	return id < have ? -1 : id > have;
}

const struct sysfs_igpu_platform *sysfs_igpu_lookup(unsigned device_id)
{
	return bsearch(&device_id, sysfs_igpu_table, sysfs_igpu_table_len,
	               sizeof(sysfs_igpu_table[0]), cmp_id);
}

const char *sysfs_virt_name(enum sysfs_virt v)
{
	switch (v) {
	case SYSFS_VIRT_GVTG: return "gvt-g";
	case SYSFS_VIRT_SRIOV: return "sriov";
	case SYSFS_VIRT_NONE: break;
	}
	return "none";
}

char *sysfs_igpu_describe(const struct sysfs_igpu_platform *pl, char *buf, size_t n)
{
	char via[192] = "";
	size_t len = 0;

	if (!pl) {
		snprintf(buf, n, "%s", _("not an Intel GPU known to the platform table"));
		return buf;
	}
	switch (pl->virt) {
	case SYSFS_VIRT_GVTG: snprintf(buf, n, _("%s supports GVT-g (mdev)"), pl->platform); break;
	case SYSFS_VIRT_SRIOV:
		if (pl->sriov_i915_dkms)
			len += (size_t)snprintf(via + len, sizeof(via) - len, "i915-sriov-dkms");
		if (pl->sriov_xe_dkms && len < sizeof(via))
			len += (size_t)snprintf(via + len, sizeof(via) - len, "%sdkms xe",
			                        len ? _(", ") : "");
		if (strncmp(pl->sriov_upstream_xe, "yes", 3) == 0 && len < sizeof(via))
			snprintf(via + len, sizeof(via) - len, "%s", len ? _(", ") : "");
		if (strncmp(pl->sriov_upstream_xe, "yes", 3) == 0 && strlen(via) < sizeof(via))
			snprintf(via + strlen(via), sizeof(via) - strlen(via), _("upstream xe: %s"),
			         pl->sriov_upstream_xe);
		snprintf(buf, n, _("%s supports SR-IOV (%s)"), pl->platform, via);
		break;
	case SYSFS_VIRT_NONE:
		snprintf(buf, n, _("%s has neither SR-IOV nor GVT-g"), pl->platform);
		break;
	}
	return buf;
}
