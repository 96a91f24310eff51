/* tests/support/hostfacts.h - the host facts (host/setup.h) of the machine the host tests start
 * from: a Raptor Lake-P iGPU (8086:a7a0) at 0000:00:02.0 that i915 and xe can split into 7 VFs,
 * none enabled yet, IOMMU on.  Header-only: only the host tests include it (the support objects
 * are linked into every unit test, and the others have no host/). */
#ifndef PP_TESTS_HOSTFACTS_H
#define PP_TESTS_HOSTFACTS_H

#include <stdio.h>
#include <string.h>

#include "host/setup.h"

static inline struct host_facts tt_facts_raptor(void)
{
	struct host_facts f;

	memset(&f, 0, sizeof(f));
	f.igpu = true;
	snprintf(f.pf_bdf, sizeof(f.pf_bdf), "0000:00:02.0");
	f.device_id = 0xa7a0;
	f.platform = "Raptor Lake-P";
	f.gfx = "Gen12 Xe-LP";
	f.can_sriov_i915 = f.can_sriov_xe = true;
	f.totalvfs = 7;
	f.iommu = 1;
	return f;
}

#endif
