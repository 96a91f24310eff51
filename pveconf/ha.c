/* pveconf/ha.c - the VMs of /etc/pve/ha/resources.cfg.  The file is a SectionConfig like
 * storage.cfg (pveconf/seccfg.h): a header `vm: 100` (or `ct: 101`, or the `vm:100` form) starts a
 * resource, indented `key value` lines follow, an empty line ends it.  Only the headers matter
 * here: an HA resource is one the HA manager may start on any node (recovery, migration). */
#include "pveconf/ha.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pveconf/seccfg.h"
#include "pveconf/vmconf.h"
#include "pveconf/vmlist.h"
#include "util/i18n.h"

int pveconf_ha_parse(const char *data, size_t len, struct pveconf_ha *out, struct util_err *e)
{
	struct pveconf_seccfg_lines ls;
	char *copy;

	memset(out, 0, sizeof(*out));
	if (len > PVECONF_VM_MAX_BYTES)
		return util_err_set(e, -EFBIG, _("%s: larger than 1 MiB"), PP_ETC_PVE_HA_RESOURCES);
	copy = malloc(len + 1);
	out->vmids = calloc(len / 4 + 1, sizeof(*out->vmids)); /* "vm:1" is the shortest */
	if (!copy || !out->vmids) {
		free(copy);
		pveconf_ha_free(out);
		return util_err_set(e, -ENOMEM, _("out of memory reading %s"), "resources.cfg");
	}
	memcpy(copy, data, len);
	copy[len] = '\0';
	pveconf_seccfg_init(&ls, copy, len);
	while (ls.p < ls.end) {
		char *l = pveconf_seccfg_next(&ls), *type, *id;
		unsigned vmid;

		/* body lines and what PVE ignores are skipped: only `vm` headers name a VM */
		if (pveconf_seccfg_truthy(l) && pveconf_seccfg_header(l, &type, &id) &&
		    strcmp(type, "vm") == 0 && pveconf_vmid_parse(id, &vmid) == 0 &&
		    !pveconf_ha_has(out, vmid))
			out->vmids[out->n++] = vmid;
	}
	free(copy);
	return 0;
}

static int parse_any(const char *data, size_t len, void *out, struct util_err *e)
{
	return pveconf_ha_parse(data, len, out, e);
}

int pveconf_ha_load(const struct util_paths *p, struct pveconf_ha *out, struct util_err *e)
{
	memset(out, 0, sizeof(*out));
	return pveconf_seccfg_load(p, PP_ETC_PVE_HA_RESOURCES, parse_any, out, e);
}

bool pveconf_ha_has(const struct pveconf_ha *ha, unsigned vmid)
{
	for (size_t i = 0; i < ha->n; i++)
		if (ha->vmids[i] == vmid)
			return true;
	return false;
}

void pveconf_ha_free(struct pveconf_ha *ha)
{
	free(ha->vmids);
	memset(ha, 0, sizeof(*ha));
}
