/* pveconf/ha.h - /etc/pve/ha/resources.cfg, as far as the hookscript checks need it: which VMs are
 * HA resources (the HA manager may start them on any node of the cluster). */
#ifndef PP_PVECONF_HA_H
#define PP_PVECONF_HA_H

#include <stdbool.h>
#include <stddef.h>

#include "util/err.h"
#include "util/paths.h"

struct pveconf_ha {
	unsigned *vmids; /* the `vm: <vmid>` sections, in file order */
	size_t n;
};

/* Parses resources.cfg bytes as PVE's SectionConfig does (header `type: id`, `ct:` sections and
 * lines it would ignore skipped).  0, -ENOMEM, -EFBIG. */
int pveconf_ha_parse(const char *data, size_t len, struct pveconf_ha *out, struct util_err *e);
/* Reads <root>/etc/pve/ha/resources.cfg (missing: no HA resource, as PVE reads it). */
int pveconf_ha_load(const struct util_paths *p, struct pveconf_ha *out, struct util_err *e);
bool pveconf_ha_has(const struct pveconf_ha *ha, unsigned vmid);
void pveconf_ha_free(struct pveconf_ha *ha);

#endif
