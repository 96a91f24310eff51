/* Unit tests: policy/ rules, table-driven.  Each case builds a host snapshot (plain structs as
 * sysfs/host.h defines them: the demo host's Raptor Lake-P iGPU with 7 VFs, or a GVT-g variant)
 * and VM configs, runs policy_evaluate() and compares the exact list of findings.  The hostpci
 * structs are built field by field (this is not the PVE grammar; pveconf/ parses that). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#pragma GCC diagnostic ignored                                                                     \
        "-Wmissing-field-initializers" /* the case table lists only what differs */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "policy/expand.h"
#include "support/tmpdir.h"
#include "policy/policy.h"

/* ------------------------------------------------------------ fixture host */

static char vf_list[7][SYSFS_BDF_LEN];
static struct sysfs_mdev_type gvt_types[1];

static void device(struct sysfs_device *d, const char *bdf, unsigned vendor, unsigned devid,
                   unsigned cls, const char *driver, int group)
{
	memset(d, 0, sizeof(*d));
	snprintf(d->bdf, sizeof(d->bdf), "%s", bdf);
	d->vendor = vendor;
	d->device = devid;
	d->subsystem_vendor = 0x1028;
	d->subsystem_device = 0x0b1a;
	d->class_code = cls;
	snprintf(d->driver, sizeof(d->driver), "%s", driver);
	d->iommu_group = group;
	d->role = SYSFS_ROLE_DEVICE;
	d->totalvfs = d->numvfs = -1;
	d->vf_index = -1;
}

static const struct sysfs_igpu_platform rpl = {
        .device_id = 0xa7a0, .platform = "Raptor Lake-P", .virt = SYSFS_VIRT_SRIOV};

enum host_kind { HOST_SRIOV, HOST_GVTG, HOST_NO_IOMMU, HOST_PF_VFIO, HOST_NO_VFS };

/* The demo host (examples/README.md), or variants of it. */
static void host_build(struct sysfs_host *h, struct sysfs_device *devs, enum host_kind kind,
                       struct sysfs_mdev *mdevs, size_t n_mdevs)
{
	static const char *vf_drv[7] = {"vfio-pci", "vfio-pci", "", "", "i915", "", ""};
	size_t n = 0;

	memset(h, 0, sizeof(*h));
	device(&devs[n++], "0000:00:00.0", 0x8086, 0xa706, 0x060000, "", 1);
	device(&devs[n], "0000:00:02.0", 0x8086, 0xa7a0, 0x030000,
	       kind == HOST_PF_VFIO ? "vfio-pci" : "i915", 0);
	devs[n].platform = &rpl;
	if (kind == HOST_GVTG) {
		snprintf(gvt_types[0].id, sizeof(gvt_types[0].id), "i915-GVTg_V5_4");
		gvt_types[0].available = 1;
		devs[n].mdev_types = gvt_types;
		devs[n].n_mdev_types = 1;
		n++;
	} else {
		devs[n].role = SYSFS_ROLE_PF;
		devs[n].totalvfs = 7;
		devs[n].numvfs = kind == HOST_SRIOV || kind == HOST_NO_IOMMU ? 7 : 0;
		for (int i = 0; i < 7; i++)
			snprintf(vf_list[i], SYSFS_BDF_LEN, "0000:00:02.%d", i + 1);
		devs[n].vfs = vf_list;
		devs[n].n_vfs = (size_t)devs[n].numvfs;
		n++;
		for (int i = 0; i < 7 && (kind == HOST_SRIOV || kind == HOST_NO_IOMMU); i++) {
			device(&devs[n], vf_list[i], 0x8086, 0xa7a0, 0x030000, vf_drv[i], 20 + i);
			devs[n].role = SYSFS_ROLE_VF;
			snprintf(devs[n].physfn, SYSFS_BDF_LEN, "0000:00:02.0");
			devs[n].vf_index = i;
			n++;
		}
	}
	device(&devs[n++], "0000:00:14.0", 0x8086, 0x51ed, 0x0c0330, "xhci_hcd", 2);
	device(&devs[n++], "0000:00:1f.0", 0x8086, 0x519d, 0x060100, "", 3);
	device(&devs[n++], "0000:00:1f.3", 0x8086, 0x51c8, 0x040380, "snd_hda_intel", 3);
	device(&devs[n++], "0000:00:1f.4", 0x8086, 0x51a3, 0x0c0500, "i801_smbus", 3);
	device(&devs[n++], "0000:02:00.0", 0x8086, 0x125c, 0x020000, "igc", 5);
	if (kind == HOST_NO_IOMMU)
		for (size_t i = 0; i < n; i++)
			devs[i].iommu_group = -1;
	h->devices = devs;
	h->n_devices = n;
	h->iommu = kind != HOST_NO_IOMMU;
	h->mdevs = mdevs;
	h->n_mdevs = n_mdevs;
}

/* ------------------------------------------------------------ fixture VMs */

/* A hostpci entry: a value in PVE's grammar, parsed by pveconf's parser as the gatherer does
 * ("host=00:02.1;00:02.2,pcie=1", "mapping=M", "0000:00:02.0,mdev=T"), or "!reason" for a value
 * PVE drops (the reader reports those as diagnostics). */
static void hp_make(struct policy_hostpci *hp, const char *key, const char *spec)
{
	struct util_err e = {0};

	memset(hp, 0, sizeof(*hp));
	hp->key = key;
	hp->value = spec;
	hp->line = 3;
	if (spec[0] == '!') {
		hp->value = NULL;
		hp->error = spec + 1;
		return;
	}
	hp->valid = pveconf_hostpci_parse(spec, &hp->parsed, &e) == 0;
	if (!hp->valid)
		fail_msg("test value '%s' does not parse: %s", spec, e.msg);
}

#define MAX_HP 4
struct vm_spec {
	unsigned vmid;
	bool running;
	const char *machine;
	const char *main[MAX_HP];
	const char *pending[MAX_HP];
	const char *snapshot[MAX_HP]; /* snapshot "snap1" */
	const char *node;             /* NULL = pve1 */
	const char *hookscript;
	enum policy_hook_state hook;
	bool guard;
};

struct vm_store {
	struct policy_hostpci hp[3][MAX_HP];
	struct policy_section sec[3];
	char keys[3][MAX_HP][16];
};

static void vm_build(const struct vm_spec *s, struct policy_vm *vm, struct vm_store *st)
{
	const char *const *lists[3] = {s->main, s->pending, s->snapshot};
	size_t ns = 0;

	memset(vm, 0, sizeof(*vm));
	vm->vmid = s->vmid;
	vm->node = s->node ? s->node : "pve1";
	vm->running = s->running;
	vm->hookscript = s->hookscript;
	vm->hook_state = s->hook;
	vm->hook_is_guard = s->guard;
	for (int k = 0; k < 3; k++) {
		size_t n = 0;

		if (k > 0 && !lists[k][0])
			continue;
		for (; n < MAX_HP && lists[k][n]; n++) {
			snprintf(st->keys[k][n], 16, "hostpci%zu", n + (k == 1 ? 1 : 0));
			hp_make(&st->hp[k][n], st->keys[k][n], lists[k][n]);
		}
		st->sec[ns] = (struct policy_section){
		        .kind = k == 0   ? POLICY_SECTION_MAIN
		                : k == 1 ? POLICY_SECTION_PENDING
		                         : POLICY_SECTION_SNAPSHOT,
		        .name = k == 2 ? "snap1" : NULL,
		        .hostpci = st->hp[k],
		        .n_hostpci = n,
		        .machine = k == 2 ? NULL : s->machine,
		};
		ns++;
	}
	vm->sections = st->sec;
	vm->n_sections = ns;
}

/* a map line's path= as pveconf's reader hands it over: one id with domain and function */
#define ID(b, s, f)                                                                                \
	((const struct pveconf_pci_id[]){{.has_domain = true,                                      \
	                                  .has_function = true,                                    \
	                                  .bus = (b),                                              \
	                                  .slot = (s),                                             \
	                                  .function = (f)}})
static const struct policy_map_line vf_maps[] = {
        {.node = "pve1",
         .path = "0000:00:02.3",
         .ids = ID(0x00, 0x02, 3),
         .n_ids = 1,
         .id = "8086:a7a0",
         .iommugroup = 22,
         .line = 2},
        {.node = "pve1",
         .path = "0000:00:02.4",
         .ids = ID(0x00, 0x02, 4),
         .n_ids = 1,
         .id = "8086:a7a0",
         .iommugroup = 23,
         .line = 3},
        {.node = "pve2",
         .path = "0000:00:02.1",
         .ids = ID(0x00, 0x02, 1),
         .n_ids = 1,
         .id = "8086:a7a0",
         .iommugroup = 20,
         .line = 4},
};
static const struct policy_map_line bad_maps[] = {
        {.node = "pve1",
         .path = "0000:00:02.3",
         .ids = ID(0x00, 0x02, 3),
         .n_ids = 1,
         .id = "8086:46a6",
         .iommugroup = 30,
         .line = 7},
        {.node = "pve1",
         .path = "0000:00:09.0",
         .ids = ID(0x00, 0x09, 0),
         .n_ids = 1,
         .id = "8086:a7a0",
         .iommugroup = -1,
         .line = 8},
};
static const struct policy_map_line pf_maps[] = {
        {.node = "pve1",
         .path = "0000:00:02.0",
         .ids = ID(0x00, 0x02, 0),
         .n_ids = 1,
         .id = "8086:a7a0",
         .iommugroup = 0,
         .line = 11},
};
static const struct policy_map_line shared_maps[] = {
        {.node = "pve1",
         .path = "0000:00:02.1",
         .ids = ID(0x00, 0x02, 1),
         .n_ids = 1,
         .id = "8086:a7a0",
         .iommugroup = 20,
         .line = 14},
};
static const struct policy_map_line mixed_maps[] = {
        {.node = "pve1", .path = "0000:00:02.3", .id = "8086:a7a0", .iommugroup = 22, .line = 17},
        {.node = "pve1", .path = "0000:00:02.4", .id = "8086:a7a0", .iommugroup = 99, .line = 18},
        {.node = "pve2", .path = "0000:00:02.6", .id = "8086:a7a0", .iommugroup = 25, .line = 19},
};
static const struct policy_mapping mappings[] = {
        {"igpu-vf", vf_maps, 3, false},       {"igpu-bad", bad_maps, 2, false},
        {"igpu-pf", pf_maps, 1, false},       {"igpu-one", shared_maps, 1, false},
        {"igpu-mixed", mixed_maps, 3, false},
};

/* ------------------------------------------------------------ cases */

#define MAX_VMS 6
struct rcase {
	const char *name;
	enum host_kind host;
	enum policy_mode mode;
	unsigned guard_vmid;
	struct vm_spec vms[MAX_VMS];
	/* live mdev instances: "parent type uuid" */
	const char *mdevs[3];
	const struct policy_reservation *res;
	const char *overrides; /* "rule=severity;..." */
	int pve2;              /* node pve2's hardware is known: 1 + enum host_kind; 0 unknown */
	/* expected findings, one per line: rule severity vmid section key device */
	const char *expect;
};

static const struct policy_reservation res_100[] = {{"0000:00:02.3", 150}, {NULL, 0}};

static const struct rcase cases[] = {
        {"a VF alone is fine",
         HOST_SRIOV,
         POLICY_MODE_AUDIT,
         0,
         {{100, true, "q35", {"host=0000:00:02.1,pcie=1"}, .guard = true}},
         .expect = ""},
        {"the PF of active VFs, directly",
         HOST_SRIOV,
         POLICY_MODE_AUDIT,
         0,
         {{102, false, NULL, {"host=0000:00:02.0"}, .guard = true}},
         .expect = "pf-with-vfs error 102 main hostpci0 0000:00:02.0\n"},
        {"00:02 passes the PF and every VF",
         HOST_SRIOV,
         POLICY_MODE_AUDIT,
         0,
         {{103, false, "q35", {"host=00:02,pcie=1"}, .guard = true},
          {100, true, "q35", {"host=0000:00:02.1"}, .guard = true}},
         .expect = "pf-with-vfs error 103 main hostpci0 0000:00:02.0\n"},
        /* (02.5 of 00:02 is bound to i915: not reported, the entry must change anyway) */
        {"the PF hidden in a ; list",
         HOST_SRIOV,
         POLICY_MODE_AUDIT,
         0,
         {{104, false, "q35", {"host=0000:00:02.3;0000:00:02.0"}, .guard = true}},
         .expect = "pf-with-vfs error 104 main hostpci0 0000:00:02.0\n"},
        {"the PF through a mapping",
         HOST_SRIOV,
         POLICY_MODE_AUDIT,
         0,
         {{105, false, "q35", {"mapping=igpu-pf"}, .guard = true}},
         .expect = "pf-with-vfs error 105 main hostpci0 0000:00:02.0\n"},
        {"mdev entries name the PF without passing it",
         HOST_GVTG,
         POLICY_MODE_AUDIT,
         0,
         {{110, false, "q35", {"host=0000:00:02.0,mdev=i915-GVTg_V5_4"}, .guard = true}},
         .expect = ""},
        {"PF without VFs (numvfs 0) may be passed",
         HOST_NO_VFS,
         POLICY_MODE_AUDIT,
         0,
         {{111, false, NULL, {"host=0000:00:02.0"}, .guard = true}},
         .expect = ""},
        {"passing the mdev parent of another VM",
         HOST_GVTG,
         POLICY_MODE_AUDIT,
         0,
         {{110, true, "q35", {"host=0000:00:02.0,mdev=i915-GVTg_V5_4"}, .guard = true},
          {111, false, NULL, {"host=00:02.0"}, .guard = true}},
         {"0000:00:02.0 i915-GVTg_V5_4 00000000-0000-0000-0000-000000000110"},
         .expect = "pf-with-mdev error 111 main hostpci0 0000:00:02.0\n"},
        {"mdev naming the SR-IOV PF: no pf-with-vfs, but the type is missing",
         HOST_SRIOV,
         POLICY_MODE_GUARD,
         110,
         {{110, false, "q35", {"0000:00:02.0,mdev=i915-GVTg_V5_4"}, .guard = true}},
         .expect = "mdev-type-missing error 110 main hostpci0 0000:00:02.0\n"},
        {"a ; list shares one of its devices with a running VM",
         HOST_SRIOV,
         POLICY_MODE_GUARD,
         104,
         {{101, true, "q35", {"0000:00:02.4"}, .guard = true},
          {104, false, "q35", {"0000:00:02.3;0000:00:02.4"}, .guard = true}},
         .expect = "device-shared error 104 main hostpci0 0000:00:02.4\n"},
        {"mdev type the parent does not offer",
         HOST_GVTG,
         POLICY_MODE_AUDIT,
         0,
         {{110, false, "q35", {"host=0000:00:02.0,mdev=i915-GVTg_V5_8"}, .guard = true}},
         .expect = "mdev-type-missing error 110 main hostpci0 0000:00:02.0\n"},
        {"mdev over-subscribed in audit: warning for each",
         HOST_GVTG,
         POLICY_MODE_AUDIT,
         0,
         {{110, false, "q35", {"host=0000:00:02.0,mdev=i915-GVTg_V5_4"}, .guard = true},
          {111, false, "q35", {"host=0000:00:02.0,mdev=i915-GVTg_V5_4"}, .guard = true}},
         .expect = "mdev-exhausted warning 110 main hostpci0 0000:00:02.0\n"
                   "mdev-exhausted warning 111 main hostpci0 0000:00:02.0\n"},
        {"mdev exhausted at start: error in the guard",
         HOST_GVTG,
         POLICY_MODE_GUARD,
         111,
         {{110, true, "q35", {"host=0000:00:02.0,mdev=i915-GVTg_V5_4"}, .guard = true},
          {111, false, "q35", {"host=0000:00:02.0,mdev=i915-GVTg_V5_4"}, .guard = true}},
         {"0000:00:02.0 i915-GVTg_V5_4 00000000-0000-0000-0000-000000000110"},
         .expect = "mdev-exhausted error 111 main hostpci0 0000:00:02.0\n"},
        {"the guard's own instance left over is not exhaustion",
         HOST_GVTG,
         POLICY_MODE_GUARD,
         111,
         {{111, false, "q35", {"host=0000:00:02.0,mdev=i915-GVTg_V5_4"}, .guard = true}},
         {"0000:00:02.0 i915-GVTg_V5_4 00000000-0000-0000-0000-000000000111"},
         .expect = ""},
        {"same VF as a running VM: warning in audit",
         HOST_SRIOV,
         POLICY_MODE_AUDIT,
         0,
         {{100, true, "q35", {"host=0000:00:02.1,pcie=1"}, .guard = true},
          {104, false, "q35", {"host=0000:00:02.1,pcie=1"}, .guard = true}},
         .expect = "device-shared warning 104 main hostpci0 0000:00:02.1\n"},
        {"same VF as a running VM: error when it starts",
         HOST_SRIOV,
         POLICY_MODE_GUARD,
         104,
         {{100, true, "q35", {"host=0000:00:02.1,pcie=1"}, .guard = true},
          {104, false, "q35", {"host=0000:00:02.1,pcie=1"}, .guard = true}},
         .expect = "device-shared error 104 main hostpci0 0000:00:02.1\n"},
        {"same VF, both stopped: warning once (higher vmid)",
         HOST_SRIOV,
         POLICY_MODE_AUDIT,
         0,
         {{100, false, "q35", {"host=00:02.1"}, .guard = true},
          {104, false, "q35", {"host=0000:00:02.1"}, .guard = true}},
         .expect = "device-shared warning 104 main hostpci0 0000:00:02.1\n"},
        {"both running on one VF: error",
         HOST_SRIOV,
         POLICY_MODE_AUDIT,
         0,
         {{100, true, "q35", {"host=00:02.1"}, .guard = true},
          {104, true, "q35", {"host=0000:00:02.1"}, .guard = true}},
         .expect = "device-shared error 104 main hostpci0 0000:00:02.1\n"},
        {"other node's hardware unknown: config rules only",
         HOST_SRIOV,
         POLICY_MODE_AUDIT,
         0,
         {{200, false, NULL, {"0000:00:02.0,pcie=1"}, .node = "pve2", .guard = true}},
         .expect = "pcie-needs-q35 error 200 main hostpci0 -\n"},
        {"other node's hardware known (REST API): its rules apply there",
         HOST_SRIOV,
         POLICY_MODE_AUDIT,
         0,
         {{200, false, "q35", {"0000:00:02.0"}, .node = "pve2", .guard = true},
          {201, false, "q35", {"0000:00:02.1"}, .node = "pve2", .guard = true}},
         .pve2 = 1 + HOST_PF_VFIO,
         .expect = "pf-driver error 0 - - 0000:00:02.0\n"
                   "device-missing error 201 main hostpci0 0000:00:02.1\n"},
        {"other node's VMs never share",
         HOST_SRIOV,
         POLICY_MODE_AUDIT,
         0,
         {{100, true, "q35", {"host=00:02.1"}, .guard = true},
          {200, true, "q35", {"host=0000:00:02.1"}, .node = "pve2", .guard = true}},
         .expect = ""},
        {"reserved by a starting VM without config here",
         HOST_SRIOV,
         POLICY_MODE_GUARD,
         101,
         {{101, false, "q35", {"host=0000:00:02.3"}, .guard = true}},
         .res = res_100,
         .expect = "device-shared error 101 main hostpci0 0000:00:02.3\n"},
        {"a mapping with a free alternative is not shared",
         HOST_SRIOV,
         POLICY_MODE_GUARD,
         106,
         {{101, true, "q35", {"host=0000:00:02.3"}, .guard = true},
          {106, false, "q35", {"mapping=igpu-vf,pcie=1"}, .guard = true}},
         .expect = ""},
        {"a mapping with every alternative taken is",
         HOST_SRIOV,
         POLICY_MODE_GUARD,
         106,
         {{101, true, "q35", {"host=0000:00:02.3"}, .guard = true},
          {102, true, "q35", {"host=0000:00:02.4"}, .guard = true},
          {106, false, "q35", {"mapping=igpu-vf,pcie=1"}, .guard = true}},
         .expect = "device-shared error 106 main hostpci0 0000:00:02.3\n"},
        {"one-line mapping vs a direct id",
         HOST_SRIOV,
         POLICY_MODE_GUARD,
         106,
         {{100, true, "q35", {"host=0000:00:02.1"}, .guard = true},
          {106, false, "q35", {"mapping=igpu-one"}, .guard = true}},
         .expect = "device-shared error 106 main hostpci0 0000:00:02.1\n"},
        {"unknown mapping, and no line for this node",
         HOST_SRIOV,
         POLICY_MODE_AUDIT,
         0,
         {{106, false, "q35", {"mapping=nope"}, .guard = true},
          {107, false, "q35", {"mapping=igpu-vf"}, .node = "pve3", .guard = true}},
         .expect = "mapping-missing error 106 main hostpci0 -\n"
                   "mapping-missing error 107 main hostpci0 -\n"},
        {"mapping lines that no longer match the hardware",
         HOST_SRIOV,
         POLICY_MODE_AUDIT,
         0,
         {{106, false, "q35", {"mapping=igpu-bad"}, .guard = true}},
         .expect = "mapping-invalid error 106 main hostpci0 0000:00:02.3\n"
                   "mapping-invalid error 106 main hostpci0 0000:00:09.0\n"},
        {"one invalid line among valid ones: PVE checks every line of the node and refuses",
         HOST_SRIOV,
         POLICY_MODE_GUARD,
         106,
         {{106, false, "q35", {"mapping=igpu-mixed"}, .guard = true}},
         .expect = "mapping-invalid error 106 main hostpci0 0000:00:02.4\n"},
        {"a mapping's invalid line on another node does not matter here",
         HOST_SRIOV,
         POLICY_MODE_GUARD,
         106,
         {{106, false, "q35", {"mapping=igpu-mixed"}, .node = "pve2", .guard = true}},
         .pve2 = 1 + HOST_SRIOV,
         .expect = ""},
        {"VFs gone: device-missing with the SR-IOV hint",
         HOST_NO_VFS,
         POLICY_MODE_GUARD,
         100,
         {{100, false, "q35", {"host=0000:00:02.1,pcie=1"}, .guard = true}},
         .expect = "device-missing error 100 main hostpci0 0000:00:02.1\n"},
        {"PF on vfio-pci: pf-driver (host) and the VF is missing",
         HOST_PF_VFIO,
         POLICY_MODE_AUDIT,
         0,
         {{100, false, "q35", {"host=0000:00:02.1"}, .guard = true}},
         .expect = "pf-driver error 0 - - 0000:00:02.0\n"
                   "device-missing error 100 main hostpci0 0000:00:02.1\n"},
        {"no IOMMU",
         HOST_NO_IOMMU,
         POLICY_MODE_GUARD,
         100,
         {{100, false, "q35", {"host=0000:00:02.1"}, .guard = true}},
         .expect = "iommu-off error 100 main hostpci0 0000:00:02.1\n"},
        {"IOMMU group shared with host devices",
         HOST_SRIOV,
         POLICY_MODE_AUDIT,
         0,
         {{100, false, "q35", {"host=0000:00:1f.3"}, .guard = true}},
         .expect = "iommu-group-shared warning 100 main hostpci0 0000:00:1f.3\n"},
        {"IOMMU group passed whole is fine",
         HOST_SRIOV,
         POLICY_MODE_AUDIT,
         0,
         {{100, false, "q35", {"host=00:1f"}, .guard = true}},
         .expect = ""},
        {"pcie=1 on i440fx",
         HOST_SRIOV,
         POLICY_MODE_GUARD,
         107,
         {{107, false, NULL, {"host=0000:00:02.6,pcie=1"}, .guard = true}},
         .expect = "pcie-needs-q35 error 107 main hostpci0 -\n"},
        {"pcie=1 on pc-q35-9.0 is fine",
         HOST_SRIOV,
         POLICY_MODE_GUARD,
         107,
         {{107, false, "pc-q35-9.0", {"host=0000:00:02.6,pcie=1"}, .guard = true}},
         .expect = ""},
        {"value PVE drops",
         HOST_SRIOV,
         POLICY_MODE_AUDIT,
         0,
         {{105, false, "q35", {"!value does not match the regex pattern"}, .guard = true}},
         .expect = "hostpci-invalid error 105 main hostpci0 -\n"},
        {"neither host= nor mapping=",
         HOST_SRIOV,
         POLICY_MODE_GUARD,
         105,
         {{105, false, "q35", {"pcie=1"}, .guard = true}},
         .expect = "hostpci-invalid error 105 main hostpci0 -\n"},
        {"VF bound to i915 on the host",
         HOST_SRIOV,
         POLICY_MODE_GUARD,
         108,
         {{108, false, "q35", {"host=0000:00:02.5,pcie=1"}, .guard = true}},
         .expect = "vf-bound-on-host warning 108 main hostpci0 0000:00:02.5\n"},
        {"pending and snapshot, judged in audit only",
         HOST_SRIOV,
         POLICY_MODE_AUDIT,
         0,
         {{101, false, "q35", {"host=0000:00:02.2,pcie=1"}, .guard = true},
          {109,
           false,
           "q35",
           {"host=0000:00:02.7,pcie=1"},
           {"host=0000:00:02.2"},
           {"host=0000:00:02.0"},
           .guard = true}},
         .expect = "hostpci-pending warning 109 pending hostpci1 0000:00:02.2\n"
                   "hostpci-in-snapshot warning 109 snapshot:snap1 hostpci0 0000:00:02.0\n"},
        {"a harmless pending entry is info",
         HOST_SRIOV,
         POLICY_MODE_AUDIT,
         0,
         {{109, false, "q35", {"host=0000:00:02.7"}, {"host=0000:00:02.6"}, .guard = true}},
         .expect = "hostpci-pending info 109 pending hostpci1 -\n"},
        {"a pending entry that breaks an error rule takes its severity",
         HOST_SRIOV,
         POLICY_MODE_AUDIT,
         0,
         {{109, false, "q35", {"host=0000:00:02.7"}, {"host=0000:00:02.0"}, .guard = true}},
         .expect = "hostpci-pending error 109 pending hostpci1 0000:00:02.0\n"},
        {"the guard ignores pending and snapshots",
         HOST_SRIOV,
         POLICY_MODE_GUARD,
         109,
         {{109,
           false,
           "q35",
           {"host=0000:00:02.7,pcie=1"},
           {"host=0000:00:02.0"},
           {"host=0000:00:02.0"},
           .guard = true}},
         .expect = ""},
        {"hookscript missing, guard missing",
         HOST_SRIOV,
         POLICY_MODE_AUDIT,
         0,
         {{100,
           false,
           "q35",
           {"host=0000:00:02.1"},
           .hookscript = "local:snippets/x.sh",
           .hook = POLICY_HOOK_MISSING},
          {101, false, "q35", {"host=0000:00:02.2"}},
          {102,
           false,
           "q35",
           {NULL},
           .hookscript = "local:snippets/y.sh",
           .hook = POLICY_HOOK_NOT_EXECUTABLE}},
         .expect = "hookscript-missing error 100 - - -\n"
                   "guard-missing info 100 - - -\n"
                   "guard-missing info 101 - - -\n"
                   "hookscript-missing error 102 - - -\n"},
        {"settings: disabled rule and lowered severity",
         HOST_SRIOV,
         POLICY_MODE_AUDIT,
         0,
         {{102, false, NULL, {"host=0000:00:02.0"}},
          {107, false, NULL, {"host=0000:00:02.6,pcie=1"}, .guard = true}},
         .overrides = "guard-missing=off;pcie-needs-q35=warning",
         .expect = "pf-with-vfs error 102 main hostpci0 0000:00:02.0\n"
                   "pcie-needs-q35 warning 107 main hostpci0 -\n"},
        {"settings: an error downgraded lets the guard pass",
         HOST_SRIOV,
         POLICY_MODE_GUARD,
         102,
         {{102, false, NULL, {"host=0000:00:02.0"}}},
         .overrides = "pf-with-vfs=warning",
         .expect = "pf-with-vfs warning 102 main hostpci0 0000:00:02.0\n"},
};

static void run_case(const struct rcase *tc)
{
	struct sysfs_device devs[32], devs2[32];
	struct sysfs_mdev mdevs[3];
	struct sysfs_host host, host2;
	struct policy_node_host other = {"pve2", &host2};
	struct policy_vm vms[MAX_VMS];
	struct vm_store *st = calloc(MAX_VMS, sizeof(*st));
	enum policy_severity sev[POLICY_RULE_COUNT];
	struct policy_findings f = {0};
	struct policy_input in = {0};
	struct util_err e = {0};
	char got[4096] = "";
	size_t n_vms = 0, n_mdevs = 0, len = 0, n_res = 0;

	assert_non_null(st);
	for (; n_mdevs < 3 && tc->mdevs[n_mdevs]; n_mdevs++) {
		struct sysfs_mdev *m = &mdevs[n_mdevs];

		memset(m, 0, sizeof(*m));
		assert_int_equal(
		        sscanf(tc->mdevs[n_mdevs], "%15s %95s %39s", m->parent, m->type, m->uuid),
		        3);
	}
	if (n_mdevs)
		gvt_types[0].available = 0;
	host_build(&host, devs, tc->host, mdevs, n_mdevs);
	if (n_mdevs)
		gvt_types[0].available = 0;
	for (; n_vms < MAX_VMS && tc->vms[n_vms].vmid; n_vms++)
		vm_build(&tc->vms[n_vms], &vms[n_vms], &st[n_vms]);
	for (int r = 0; r < POLICY_RULE_COUNT; r++)
		sev[r] = policy_rule_get((enum policy_rule_id)r)->severity;
	if (tc->overrides) {
		char buf[256], *save = NULL;

		snprintf(buf, sizeof(buf), "%s", tc->overrides);
		for (char *kv = strtok_r(buf, ";", &save); kv; kv = strtok_r(NULL, ";", &save)) {
			char *eq = strchr(kv, '=');

			*eq = 0;
			assert_non_null(policy_rule_find(kv));
			assert_int_equal(
			        policy_severity_parse(eq + 1, &sev[policy_rule_find(kv)->id]), 0);
		}
	}
	while (tc->res && tc->res[n_res].bdf)
		n_res++;
	in.mode = tc->mode;
	in.guard_vmid = tc->guard_vmid;
	in.node = "pve1";
	in.host = &host;
	in.vms = vms;
	in.n_vms = n_vms;
	in.mappings = mappings;
	in.n_mappings = sizeof(mappings) / sizeof(mappings[0]);
	in.reservations = tc->res;
	in.n_reservations = n_res;
	in.severity = sev;
	if (tc->pve2) {
		host_build(&host2, devs2, (enum host_kind)(tc->pve2 - 1), NULL, 0);
		in.other_hosts = &other;
		in.n_other_hosts = 1;
	}
	assert_int_equal(policy_evaluate(&in, &f, &e), 0);
	for (size_t i = 0; i < f.n; i++) {
		const struct policy_finding *x = &f.v[i];

		/* every finding must explain itself and say what to do */
		assert_true(strlen(x->message) > 10);
		assert_true(strlen(x->hint) > 5);
		len += (size_t)snprintf(got + len, sizeof(got) - len, "%s %s %u %s %s %s\n",
		                        policy_rule_get(x->rule)->name,
		                        policy_severity_name(x->severity), x->vmid,
		                        x->section[0] && x->key[0] ? x->section : "-",
		                        x->key[0] ? x->key : "-", x->device[0] ? x->device : "-");
	}
	if (strcmp(got, tc->expect) != 0) {
		for (size_t i = 0; i < f.n; i++)
			fprintf(stderr, "  %s: %s (%s)\n", policy_rule_get(f.v[i].rule)->name,
			        f.v[i].message, f.v[i].hint);
		fail_msg("case '%s':\nexpected:\n%sgot:\n%s", tc->name, tc->expect, got);
	}
	policy_findings_free(&f);
	free(st);
	gvt_types[0].available = 1;
}

static void test_rule_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run_case(&cases[i]);
}

static void test_rule_table(void **state)
{
	(void)state;
	for (int r = 0; r < POLICY_RULE_COUNT; r++) {
		const struct policy_rule *rule = policy_rule_get((enum policy_rule_id)r);

		assert_int_equal(rule->id, r);
		assert_ptr_equal(policy_rule_find(rule->name), rule);
		assert_true(rule->summary && rule->fix && rule->scope);
	}
	assert_null(policy_rule_find("pf-with-vf"));
	assert_null(policy_rule_get(POLICY_RULE_COUNT));
}

static void test_messages_name_devices_and_vms(void **state)
{
	const struct rcase *tc = NULL;
	struct sysfs_device devs[32];
	struct sysfs_host host;
	struct policy_vm vms[2];
	struct vm_store st[2];
	struct policy_findings f = {0};
	struct policy_input in = {.mode = POLICY_MODE_GUARD, .guard_vmid = 104, .node = "pve1"};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (strcmp(cases[i].name, "same VF as a running VM: error when it starts") == 0)
			tc = &cases[i];
	assert_non_null(tc);
	host_build(&host, devs, HOST_SRIOV, NULL, 0);
	vm_build(&tc->vms[0], &vms[0], &st[0]);
	vm_build(&tc->vms[1], &vms[1], &st[1]);
	in.host = &host;
	in.vms = vms;
	in.n_vms = 2;
	assert_int_equal(policy_evaluate(&in, &f, NULL), 0);
	assert_int_equal(f.n, 1);
	assert_non_null(strstr(f.v[0].message, "0000:00:02.1"));
	assert_non_null(strstr(f.v[0].message, "VM 100 (running)"));
	assert_non_null(strstr(f.v[0].hint, "assign"));
	assert_string_equal(f.v[0].node, "pve1");
	policy_findings_free(&f);
}

/* audit --api: PVE's own checks of a node (GET /cluster/mapping/pci?check-node=) replace our judgement
 * of the map lines: each check is one finding in PVE's words, a mapping without a check gets none
 * (even when our own assert_valid finds fault), and without PVE's answer we judge ourselves. */
static const struct policy_map_line t_bad[] = {
        {.node = "pve2",
         .path = "0000:00:02.1",
         .ids = ID(0x00, 0x02, 1),
         .n_ids = 1,
         .id = "8086:a7a0",
         .iommugroup = 99,
         .line = 2}, /* the device is in group 20 */
};
static const struct policy_map_line t_good[] = {
        {.node = "pve2",
         .path = "0000:00:02.2",
         .ids = ID(0x00, 0x02, 2),
         .n_ids = 1,
         .id = "8086:a7a0",
         .iommugroup = 21,
         .line = 5},
};
static const struct policy_map_line t_elsewhere[] = {
        {.node = "pve1",
         .path = "0000:00:02.3",
         .ids = ID(0x00, 0x02, 3),
         .n_ids = 1,
         .id = "8086:a7a0",
         .iommugroup = 22,
         .line = 8},
};
static const struct policy_mapping t_mappings[] = {
        {"t-bad", t_bad, 1, false},
        {"t-good", t_good, 1, false},
        {"t-elsewhere", t_elsewhere, 1, false},
};

/* The mapping findings for VMs 106 (t-bad), 107 (t-good), 108 (t-elsewhere) on pve2, with or
 * without PVE's answer for pve2 (which finds fault with t-good only, and no line of t-elsewhere;
 * with_pve 2: an answer that does not list t-bad, as PVE leaves out what the token may not see). */
static size_t mapping_findings(int with_pve, struct policy_findings *f)
{
	static const char *const listed[] = {"t-good", "t-elsewhere", "t-bad"};
	static const struct vm_spec specs[] = {
	        {106, false, "q35", {"mapping=t-bad"}, .node = "pve2", .guard = true},
	        {107, false, "q35", {"mapping=t-good"}, .node = "pve2", .guard = true},
	        {108, false, "q35", {"mapping=t-elsewhere"}, .node = "pve2", .guard = true},
	};
	static const struct policy_pve_check checks[] = {
	        {"t-good", true, "Invalid configuration: pci device '0000:00:02.2' not found"},
	        {"t-elsewhere", false, "No mapping for node pve2."},
	};
	struct sysfs_device devs[32];
	struct sysfs_host host;
	struct policy_vm vms[3];
	struct vm_store st[3];
	struct policy_node_host other = {.node = "pve2", .host = &host};
	struct policy_input in = {.mode = POLICY_MODE_AUDIT, .node = "pve1"};
	size_t k = 0;

	host_build(&host, devs, HOST_SRIOV, NULL, 0);
	for (size_t i = 0; i < 3; i++)
		vm_build(&specs[i], &vms[i], &st[i]);
	if (with_pve) {
		other.has_pve_checks = true;
		other.pve_checks = checks;
		other.n_pve_checks = 2;
		other.pve_mappings = listed;
		other.n_pve_mappings = with_pve == 2 ? 2 : 3; /* 2: t-bad left out of the answer */
	}
	in.other_hosts = &other;
	in.n_other_hosts = 1;
	in.vms = vms;
	in.n_vms = 3;
	in.mappings = t_mappings;
	in.n_mappings = 3;
	memset(f, 0, sizeof(*f));
	assert_int_equal(policy_evaluate(&in, f, NULL), 0);
	for (size_t i = 0; i < f->n; i++)
		if (f->v[i].rule == POLICY_RULE_MAPPING_INVALID ||
		    f->v[i].rule == POLICY_RULE_MAPPING_MISSING)
			f->v[k++] = f->v[i];
	f->n = k;
	return k;
}

static void test_pve_checks_replace_ours(void **state)
{
	struct policy_findings f;

	(void)state;
	assert_int_equal(mapping_findings(1, &f), 2);
	assert_int_equal(f.v[0].vmid, 107);
	assert_int_equal(f.v[0].rule, POLICY_RULE_MAPPING_INVALID);
	assert_int_equal(f.v[0].severity, POLICY_SEVERITY_ERROR);
	assert_string_equal(f.v[0].node, "pve2");
	assert_non_null(strstr(f.v[0].message,
	                       "mapping 't-good' on node pve2: PVE's check says \"Invalid "
	                       "configuration: pci device '0000:00:02.2' not found\""));
	assert_int_equal(f.v[1].vmid, 108);
	assert_int_equal(f.v[1].rule, POLICY_RULE_MAPPING_MISSING);
	assert_int_equal(f.v[1].severity, POLICY_SEVERITY_ERROR); /* the start fails */
	assert_non_null(strstr(f.v[1].message, "\"No mapping for node pve2.\""));
	policy_findings_free(&f);
	/* without PVE's answer: our own judgement (106's group is wrong, 108 has no line here) */
	assert_int_equal(mapping_findings(0, &f), 2);
	assert_int_equal(f.v[0].vmid, 106);
	assert_int_equal(f.v[0].rule, POLICY_RULE_MAPPING_INVALID);
	assert_non_null(
	        strstr(f.v[0].message, "'iommugroup' does not match for 't-bad' (20 != 99)"));
	assert_int_equal(f.v[1].vmid, 108);
	assert_int_equal(f.v[1].rule, POLICY_RULE_MAPPING_MISSING);
	for (size_t i = 0; i < f.n; i++)
		assert_null(strstr(f.v[i].message, "PVE's check says"));
	policy_findings_free(&f);
	/* a mapping PVE's answer does not list is judged here, the others by PVE */
	assert_int_equal(mapping_findings(2, &f), 3);
	assert_int_equal(f.v[0].vmid, 106);
	assert_non_null(
	        strstr(f.v[0].message, "'iommugroup' does not match for 't-bad' (20 != 99)"));
	assert_non_null(strstr(f.v[1].message, "PVE's check says"));
	assert_non_null(strstr(f.v[2].message, "PVE's check says"));
	policy_findings_free(&f);
}

/* The man page's RULES section lists every rule id (".B pf\-with\-vfs") with its default severity. */
static void test_man_page_lists_every_rule(void **state)
{
	char *dir = strdup(tt_src("doc")), *man;

	(void)state;
	man = tt_read(dir, "pve-passthrough.8", NULL);
	assert_non_null(man);
	for (int r = 0; r < POLICY_RULE_COUNT; r++) {
		const struct policy_rule *rule = policy_rule_get((enum policy_rule_id)r);
		char want[128], *p = want;

		p += sprintf(p, ".B ");
		for (const char *c = rule->name; *c; c++)
			p += *c == '-' ? sprintf(p, "\\-") : sprintf(p, "%c", *c);
		sprintf(p, "\n(%s;", policy_severity_name(rule->severity));
		if (!strstr(man, want))
			fail_msg("doc/pve-passthrough.8 does not list rule %s as '%s'", rule->name,
			         want);
	}
	free(man);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_rule_table),
	        cmocka_unit_test(test_rule_cases),
	        cmocka_unit_test(test_messages_name_devices_and_vms),
	        cmocka_unit_test(test_pve_checks_replace_ours),
	        cmocka_unit_test(test_man_page_lists_every_rule),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
