/* policy/mapcheck.h - one `map` line of /etc/pve/mapping/pci.cfg judged against a node's hardware
 * exactly as PVE's PVE::Mapping::PCI::assert_valid does before every start of a VM that uses the
 * mapping (qemu-server checks every map line of the node and refuses the start on the first that
 * fails: "PCI device mapping invalid (hardware probably changed): ...").
 *
 * Per device of the path (';'-separated; a function-less part means its ".0"): the device must
 * exist; then, in PVE's order, `id` = vendor:device, `iommugroup` (first device only), `mdev` (the
 * mapping's flag = the device can do mdev), `subsystem-id`.  A property the device has and the line
 * lacks is "missing", one the line has and the device lacks is "unexpected", else the values must
 * be equal after removing every "0x" (case matters, as in PVE).  Pure: no I/O. */
#ifndef PP_POLICY_MAPCHECK_H
#define PP_POLICY_MAPCHECK_H

#include <stdbool.h>
#include <stddef.h>

#include "policy/policy.h"
#include "sysfs/host.h"

enum policy_mapcheck_kind {
	POLICY_MAPCHECK_DEVICE_MISSING, /* "pci device '0000:00:02.9' not found" */
	POLICY_MAPCHECK_MISSING,        /* the device has the property, the line does not */
	POLICY_MAPCHECK_UNEXPECTED,     /* the line has it, the device does not */
	POLICY_MAPCHECK_DIFFERENT,      /* both have it, the values differ */
};

#define POLICY_MAPCHECK_MAX 16

struct policy_mapcheck_problem {
	enum policy_mapcheck_kind kind;
	char device[SYSFS_BDF_LEN + 8]; /* as PVE names it: the path part, ".0" added */
	char property[16];              /* "id", "iommugroup", "mdev", "subsystem-id"; "" */
	char expected[32];              /* the hardware's value (PVE's "expected"); "" = none */
	char found[32]; /* the line's (or for mdev the mapping's) value; "" = none */
};

struct policy_mapcheck {
	bool valid;
	/* every problem, in the order PVE checks; problems[0] is the one PVE reports */
	struct policy_mapcheck_problem problems[POLICY_MAPCHECK_MAX];
	size_t n_problems;
	char pve_message[256]; /* PVE's words for problems[0]: "missing expected property ..." */
	/* The corrected map value (what follows "map ") when changing the line's id, iommugroup
	 * and subsystem-id makes it valid; "" when no line can (a device is missing, the devices of
	 * a ';' path disagree) or nothing on the line is wrong. */
	char fix_map[1024];
	/* The mapping's `mdev` value that PVE expects (0/1), -1 when mdev is right. */
	int fix_mdev;
};

/* Judges ml for mapping `name` (whose section says `mdev 1` when mapping_mdev) against host. */
void policy_mapcheck_line(const struct sysfs_host *host, const char *name, bool mapping_mdev,
                          const struct policy_map_line *ml, struct policy_mapcheck *out);

/* The first problem as "subsystem-id: expected 1028:0b14 (device 0000:00:02.3), found none",
 * "device 0000:00:02.9 not found" (+ " (+N more)"), or "valid". */
void policy_mapcheck_describe(const struct policy_mapcheck *r, char *buf, size_t n);
/* What to do, "replace pci.cfg line 2 with: map ..." / "set 'mdev 1' in mapping 'X'" / ...;
 * "" when valid.  line: the map line's number in pci.cfg. */
void policy_mapcheck_fix(const struct policy_mapcheck *r, const char *name, unsigned line,
                         char *buf, size_t n);

/* The map value PVE's GUI would write for device d on node: the properties sorted
 * (id, iommugroup, node, path, subsystem-id), absent ones left out.  0 or -ENOSPC. */
int policy_mapcheck_line_for(const struct sysfs_device *d, const char *node, char *buf, size_t n);

#endif
