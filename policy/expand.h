/* policy/expand.h - (internal to policy/) hostpci entries expanded into the devices they pass, with
 * PVE's semantics: prefix match ("00:02" = every function of the slot), "A;B" passed together,
 * mapping=NAME = one alternative per map line of the VM's node, mdev= names a parent only. */
#ifndef PP_POLICY_EXPAND_H
#define PP_POLICY_EXPAND_H

#include "policy/policy.h"

#define POLICY_ALT_MAX_DEVS   16
#define POLICY_ENTRY_MAX_ALTS 8

/* One way PVE may satisfy an entry: the devices passed together. */
struct policy_alt {
	char devs[POLICY_ALT_MAX_DEVS][SYSFS_BDF_LEN];
	size_t n_devs;
	char missing[SYSFS_BDF_LEN]; /* first id that names no device on the host, "" when none */
	bool slot_wide;              /* some id had no function ("00:02") */
	const struct policy_map_line *map; /* the map line, NULL for host= */
};

enum policy_via {
	POLICY_VIA_HOST,    /* host=ID */
	POLICY_VIA_LIST,    /* host=A;B */
	POLICY_VIA_MAPPING, /* mapping=NAME */
};

struct policy_entry {
	const struct policy_vm *vm;
	const struct policy_section *sec;
	const struct policy_hostpci *hp;
	enum policy_via via;
	bool mdev; /* mdev=TYPE: alts[].devs[0] is the parent, not passed */
	const struct policy_mapping *mapping; /* NULL when via != MAPPING or the name is unknown */
	struct policy_alt alts[POLICY_ENTRY_MAX_ALTS];
	size_t n_alts;
};

/* Expands a valid entry (hp->valid).  host may be NULL: ids are then kept as written (full form). */
void policy_entry_expand(const struct policy_input *in, const struct policy_vm *vm,
                         const struct policy_section *sec, const struct policy_hostpci *hp,
                         struct policy_entry *out);

/* The hardware of node (in->host for in->node, else from in->other_hosts), or NULL. */
const struct sysfs_host *policy_host_of(const struct policy_input *in, const char *node);

#endif
