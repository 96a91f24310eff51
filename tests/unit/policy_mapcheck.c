/* Unit tests: policy/mapcheck, one map line against the hardware as PVE's
 * PVE::Mapping::PCI::assert_valid judges it.  Table-driven: each case is a pci.cfg section (read by
 * pveconf's reader, as the gatherer does), judged against a snapshot with the demo host's iGPU
 * and a few devices for the edge cases; the expected answer is PVE's message for the first problem
 * (its die text), the number of problems, and the corrected map line / mdev flag. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#pragma GCC diagnostic ignored "-Wmissing-field-initializers" /* valid cases list no problem */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "policy/mapcheck.h"
#include "pveconf/mapping.h"

static struct sysfs_device devs[32];
static struct sysfs_host host;

static struct sysfs_device *dev(const char *bdf, unsigned vendor, unsigned device, int group)
{
	struct sysfs_device *d = &devs[host.n_devices++];

	memset(d, 0, sizeof(*d));
	snprintf(d->bdf, sizeof(d->bdf), "%s", bdf);
	d->vendor = vendor;
	d->device = device;
	d->has_subsystem = true;
	d->subsystem_vendor = 0x1028;
	d->subsystem_device = 0x0b14;
	d->iommu_group = group;
	d->totalvfs = d->numvfs = d->vf_index = -1;
	return d;
}

/* The host every test judges against, built afresh before each (cmocka setup); sorted by bdf, as
 * sysfs_host_read gives it. */
static int host_build(void **state)
{
	char bdf[16];

	(void)state;
	memset(&host, 0, sizeof(host));
	host.devices = devs;
	dev("0000:00:02.0", 0x8086, 0xa7a0, 0);
	for (int i = 1; i <= 7; i++) {
		snprintf(bdf, sizeof(bdf), "0000:00:02.%d", i);
		dev(bdf, 0x8086, 0xa7a0, 19 + i); /* groups 20..26 as on the demo host */
	}
	dev("0000:00:14.0", 0x8086, 0x51ed, 2);
	dev("0000:03:00.0", 0x8086, 0x3e92, 7)->mdev_parent = true; /* a GVT-g parent */
	dev("0000:04:00.0", 0x1b36, 0x0001, 8)->has_subsystem = false;
	dev("0000:05:00.0", 0x1b36, 0x0002, -1); /* no IOMMU group */
	dev("0000:06:00.0", 0x10de, 0x2684, 9);  /* a multifunction card */
	dev("0000:06:00.1", 0x10de, 0x22ba, 9);
	dev("0000:07:00.1", 0x10de, 0x22ba, 10); /* function 1 without a function 0 */
	return 0;
}

struct mcase {
	const char *what;
	const char *map;  /* the map value */
	bool mdev;        /* the section has "mdev 1" */
	const char *pve;  /* PVE's message for the first problem; NULL = valid */
	size_t problems;  /* how many problems in all */
	const char *fix;  /* the corrected map value; "" = none */
	int fix_mdev;     /* -1 = none */
	const char *prop; /* problems[0].property, expected, found */
	const char *expected, *found;
};

#define OK_LINE "id=8086:a7a0,iommugroup=22,node=pve1,path=0000:00:02.3,subsystem-id=1028:0b14"

static const struct mcase cases[] = {
        {"valid line", OK_LINE, false, NULL, 0, "", -1},
        {"subsystem-id missing: the device has subsystem ids",
         "id=8086:a7a0,iommugroup=22,node=pve1,path=0000:00:02.3", false,
         "missing expected property 'subsystem-id' for device '0000:00:02.3'", 1, OK_LINE, -1,
         "subsystem-id", "1028:0b14", ""},
        {"subsystem-id unexpected: the device has none",
         "id=1b36:0001,iommugroup=8,node=pve1,path=0000:04:00.0,subsystem-id=1b36:1100", false,
         "unexpected property 'subsystem-id' configured for device '0000:04:00.0'", 1,
         "id=1b36:0001,iommugroup=8,node=pve1,path=0000:04:00.0", -1, "subsystem-id", "",
         "1b36:1100"},
        {"subsystem-id different",
         "id=8086:a7a0,iommugroup=22,node=pve1,path=0000:00:02.3,subsystem-id=1028:0b1a", false,
         "'subsystem-id' does not match for 'pool' (1028:0b14 != 1028:0b1a)", 1, OK_LINE, -1,
         "subsystem-id", "1028:0b14", "1028:0b1a"},
        {"id different",
         "id=8086:a7a1,iommugroup=22,node=pve1,path=0000:00:02.3,subsystem-id=1028:0b14", false,
         "'id' does not match for 'pool' (8086:a7a0 != 8086:a7a1)", 1, OK_LINE, -1, "id",
         "8086:a7a0", "8086:a7a1"},
        {"id in upper case: PVE compares case-sensitively",
         "id=8086:A7A0,iommugroup=22,node=pve1,path=0000:00:02.3,subsystem-id=1028:0b14", false,
         "'id' does not match for 'pool' (8086:a7a0 != 8086:A7A0)", 1, OK_LINE, -1, "id",
         "8086:a7a0", "8086:A7A0"},
        {"iommugroup different on the first device",
         "id=8086:a7a0,iommugroup=23,node=pve1,path=0000:00:02.3;0000:00:02.4,subsystem-id=1028:0b14",
         false, "'iommugroup' does not match for 'pool' (22 != 23)", 1,
         "id=8086:a7a0,iommugroup=22,node=pve1,path=0000:00:02.3;0000:00:02.4,subsystem-id=1028:0b14",
         -1, "iommugroup", "22", "23"},
        {"a later ';' device in another group is not checked",
         "id=8086:a7a0,iommugroup=22,node=pve1,path=0000:00:02.3;0000:00:02.4,subsystem-id=1028:0b14",
         false, NULL, 0, "", -1},
        {"iommugroup written 022: PVE compares the text",
         "id=8086:a7a0,iommugroup=022,node=pve1,path=0000:00:02.3,subsystem-id=1028:0b14", false,
         "'iommugroup' does not match for 'pool' (22 != 022)", 1, OK_LINE, -1, "iommugroup", "22",
         "022"},
        {"iommugroup missing while the device has one",
         "id=8086:a7a0,node=pve1,path=0000:00:02.3,subsystem-id=1028:0b14", false,
         "missing expected property 'iommugroup' for device '0000:00:02.3'", 1, OK_LINE, -1,
         "iommugroup", "22", ""},
        {"iommugroup on a device without IOMMU group",
         "id=1b36:0002,iommugroup=3,node=pve1,path=0000:05:00.0,subsystem-id=1028:0b14", false,
         "unexpected property 'iommugroup' configured for device '0000:05:00.0'", 1,
         "id=1b36:0002,node=pve1,path=0000:05:00.0,subsystem-id=1028:0b14", -1, "iommugroup", "",
         "3"},
        {"mdev 1 on a device that cannot do mdev (a VF)", OK_LINE, true,
         "'mdev' does not match for 'pool' (0 != 1)", 1, "", 0, "mdev", "0", "1"},
        {"no mdev on an mdev parent",
         "id=8086:3e92,iommugroup=7,node=pve1,path=0000:03:00.0,subsystem-id=1028:0b14", false,
         "'mdev' does not match for 'pool' (1 != 0)", 1, "", 1, "mdev", "1", "0"},
        {"mdev 1 on an mdev parent",
         "id=8086:3e92,iommugroup=7,node=pve1,path=0000:03:00.0,subsystem-id=1028:0b14", true, NULL,
         0, "", -1},
        {"device missing",
         "id=8086:a7a0,iommugroup=29,node=pve1,path=0000:00:02.9,subsystem-id=1028:0b14", false,
         "pci device '0000:00:02.9' not found", 1, "", -1, "", "", ""},
        {"a later ';' device missing",
         "id=8086:a7a0,iommugroup=22,node=pve1,path=0000:00:02.3;0000:00:03.1,subsystem-id=1028:0b14",
         false, "pci device '0000:00:03.1' not found", 1, "", -1, "", "", ""},
        {"function-less path: .0 is checked",
         "id=10de:2684,iommugroup=9,node=pve1,path=0000:06:00,subsystem-id=1028:0b14", false, NULL,
         0, "", -1},
        {"function-less path without a .0",
         "id=10de:22ba,iommugroup=10,node=pve1,path=0000:07:00,subsystem-id=1028:0b14", false,
         "pci device '0000:07:00.0' not found", 1, "", -1, "", "", ""},
        {"a later ';' device with another id: no single line fits",
         "id=8086:a7a0,iommugroup=22,node=pve1,path=0000:00:02.3;0000:00:14.0,subsystem-id=1028:0b14",
         false, "'id' does not match for 'pool' (8086:51ed != 8086:a7a0)", 1, "", -1, "id",
         "8086:51ed", "8086:a7a0"},
        {"several problems: reported in PVE's order (id first), all fixed in one line",
         "id=8086:a7a1,node=pve1,path=0000:00:02.3", true,
         "'id' does not match for 'pool' (8086:a7a0 != 8086:a7a1)", 4, OK_LINE, 0, "id",
         "8086:a7a0", "8086:a7a1"},
        {"the corrected line keeps the line's order and other properties",
         "node=pve1,path=0000:00:02.1,id=8086:a7a0,description=first VF", false,
         "missing expected property 'iommugroup' for device '0000:00:02.1'", 2,
         "iommugroup=20,node=pve1,path=0000:00:02.1,id=8086:a7a0,description=first VF,"
         "subsystem-id=1028:0b14",
         -1, "iommugroup", "20", ""},
};

static void judge(const char *map, bool mdev, struct policy_mapcheck *out)
{
	struct pveconf_pci_mappings m;
	struct util_err e = {0};
	struct policy_map_line ml = {0};
	char text[1024];
	const struct pveconf_pci_map *pm;

	snprintf(text, sizeof(text), "pool\n\tmap %s\n%s", map, mdev ? "\tmdev 1\n" : "");
	assert_int_equal(pveconf_pci_mappings_parse(text, strlen(text), &m, &e), 0);
	if (m.n != 1 || m.v[0].n_maps != 1 || m.n_diags)
		fail_msg("test line does not parse as PVE reads it: %s (%s)", map,
		         m.n_diags ? m.diags[0].message : "");
	pm = &m.v[0].maps[0];
	ml.node = pm->node;
	ml.path = pm->path;
	ml.id = pm->id;
	ml.subsystem_id = pm->subsystem_id[0] ? pm->subsystem_id : NULL;
	ml.iommugroup = pm->has_iommugroup ? (int)pm->iommugroup : -1;
	ml.iommugroup_text = pm->iommugroup_text;
	ml.raw = pm->raw;
	ml.line = pm->line;
	policy_mapcheck_line(&host, m.v[0].name, m.v[0].mdev == PVECONF_ON, &ml, out);
	pveconf_pci_mappings_free(&m);
}

static void test_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct mcase *c = &cases[i];
		struct policy_mapcheck r;

		print_message("case: %s\n", c->what);
		judge(c->map, c->mdev, &r);
		assert_int_equal(r.valid, c->pve == NULL);
		assert_int_equal(r.n_problems, c->problems);
		assert_string_equal(r.pve_message, c->pve ? c->pve : "");
		assert_string_equal(r.fix_map, c->fix);
		assert_int_equal(r.fix_mdev, c->fix_mdev);
		if (c->pve && c->prop) {
			assert_string_equal(r.problems[0].property, c->prop);
			assert_string_equal(r.problems[0].expected, c->expected);
			assert_string_equal(r.problems[0].found, c->found);
		}
		/* a corrected line is valid itself */
		if (c->fix[0]) {
			struct policy_mapcheck again;

			judge(c->fix, c->fix_mdev >= 0 ? c->fix_mdev == 1 : c->mdev, &again);
			assert_true(again.valid);
		}
	}
}

/* "0x" is removed from both sides before comparing (PVE's s/0x//g): a line built by hand, since
 * PVE's own format never lets "0x" into id or subsystem-id. */
static void test_0x_ignored(void **state)
{
	struct policy_map_line ml = {.node = "pve1",
	                             .path = "0000:00:02.3",
	                             .id = "0x8086:0xa7a0",
	                             .subsystem_id = "0x1028:0x0b14",
	                             .iommugroup = 22};
	struct policy_mapcheck r;

	(void)state;
	policy_mapcheck_line(&host, "pool", false, &ml, &r);
	assert_true(r.valid);
	ml.subsystem_id = "0x1028:0x0b1a";
	policy_mapcheck_line(&host, "pool", false, &ml, &r);
	assert_false(r.valid);
	assert_string_equal(r.pve_message,
	                    "'subsystem-id' does not match for 'pool' (1028:0b14 != 1028:0b1a)");
}

/* The line mapping create writes for a device is valid for it. */
static void test_line_for(void **state)
{
	char buf[256];

	(void)state;
	for (size_t i = 0; i < host.n_devices; i++) {
		struct policy_mapcheck r;

		assert_int_equal(policy_mapcheck_line_for(&devs[i], "pve1", buf, sizeof(buf)), 0);
		judge(buf, devs[i].mdev_parent, &r);
		if (!r.valid)
			fail_msg("%s: %s", buf, r.pve_message);
	}
	assert_int_equal(policy_mapcheck_line_for(&devs[3], "pve1", buf, sizeof(buf)), 0);
	assert_string_equal(buf, OK_LINE);
	assert_int_equal(policy_mapcheck_line_for(&devs[11], "pve2", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "id=1b36:0002,node=pve2,path=0000:05:00.0,subsystem-id=1028:0b14");
	assert_int_equal(policy_mapcheck_line_for(&devs[3], "pve1", buf, 20), -ENOSPC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup(test_table, host_build),
	        cmocka_unit_test_setup(test_0x_ignored, host_build),
	        cmocka_unit_test_setup(test_line_for, host_build),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
