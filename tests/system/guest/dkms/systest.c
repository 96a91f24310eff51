// SPDX-License-Identifier: GPL-2.0
/* The system tier's stand-in module for i915-sriov-dkms: it only proves that dkms built and
 * installed something for a kernel.  It is never loaded. */
#include <linux/module.h>

static int __init systest_init(void)
{
	return 0;
}

static void __exit systest_exit(void)
{
}

module_init(systest_init);
module_exit(systest_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("pve-passthrough system tier: dkms stand-in");
