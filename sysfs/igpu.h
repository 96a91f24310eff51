/* sysfs/igpu.h - the Intel GPU platform table (generated from shared/data/intel-igpu-ids.tsv by
 * tools/gen-igpu-table.py) and the words used about it.  sysfs_igpu_lookup() is in sysfs/host.h. */
#ifndef PP_SYSFS_IGPU_H
#define PP_SYSFS_IGPU_H

#include <stddef.h>

#include "sysfs/host.h"

/* Sorted by device_id (sysfs/igpu_table.c). */
extern const struct sysfs_igpu_platform sysfs_igpu_table[];
extern const size_t sysfs_igpu_table_len;

/* "none", "gvt-g", "sriov" (the JSON words of docs/cli.md). */
const char *sysfs_virt_name(enum sysfs_virt v);

/* One sentence about what the platform can do, e.g. "Rocket Lake has neither SR-IOV nor GVT-g",
 * "Raptor Lake-P supports SR-IOV (i915-sriov-dkms, dkms xe, upstream xe: yes (7.x, force_probe))",
 * "Comet Lake supports GVT-g".  Returns buf. */
char *sysfs_igpu_describe(const struct sysfs_igpu_platform *pl, char *buf, size_t n);

#endif
