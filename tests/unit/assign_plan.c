/* Unit tests: assign/ end to end on fake hosts built per test (fake sysfs from tests/support, real
 * VM config files, real flock): every refusal leaves the file byte-identical, every successful
 * assign changes exactly one line at PVE's sorted position, running VMs get [PENDING], idempotence,
 * release in both states, lock timeouts, and the assign -> release round trip over generated
 * configs. */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "assign/assign.h"
#include "util/diff.h"
#include "support/fakesys.h"
#include "support/tmpdir.h"
#include "util/lock.h"

#define PF "0000:00:02.0"

/* ------------------------------------------------------------------ fixtures */

/* An SR-IOV host: iGPU PF with nvfs VFs (02.1..), IOMMU on, node pve1. */
static char *sriov_host(int nvfs)
{
	char *root = tt_mkdtemp();

	fs_add_device(root, PF, 0x8086, 0xa7a0, 0x030000);
	fs_set_driver(root, PF, "i915");
	fs_set_group(root, PF, 0);
	fs_make_pf(root, PF, 7);
	if (nvfs)
		fs_add_vfs(root, PF, nvfs, 20);
	fs_add_device(root, "0000:00:14.0", 0x8086, 0x51ed, 0x0c0330);
	fs_set_iommu(root, true);
	tt_write(root, "etc/hostname", "pve1\n");
	tt_mkdir(root, "etc/pve/nodes/pve1/qemu-server");
	return root;
}

/* A GVT-g host: Coffee Lake iGPU with two mdev types. */
static char *gvtg_host(int avail4, int avail8)
{
	char *root = tt_mkdtemp();

	fs_add_device(root, PF, 0x8086, 0x3e92, 0x030000);
	fs_set_driver(root, PF, "i915");
	fs_set_group(root, PF, 0);
	fs_add_mdev_type(root, PF, "i915-GVTg_V5_4", "GVTg_V5_4",
	                 "low_gm_size: 128MB\nhigh_gm_size: 512MB\nfence: 4\nresolution: "
	                 "1920x1200\nweight: 4\n",
	                 avail4);
	fs_add_mdev_type(root, PF, "i915-GVTg_V5_8", "GVTg_V5_8",
	                 "low_gm_size: 64MB\nhigh_gm_size: 384MB\nfence: 4\nresolution: "
	                 "1024x768\nweight: 2\n",
	                 avail8);
	fs_set_iommu(root, true);
	tt_write(root, "etc/hostname", "pve1\n");
	tt_mkdir(root, "etc/pve/nodes/pve1/qemu-server");
	return root;
}

static void put_vm(const char *root, unsigned vmid, const char *conf)
{
	char rel[256];

	snprintf(rel, sizeof(rel), "etc/pve/nodes/pve1/qemu-server/%u.conf", vmid);
	tt_write(root, rel, conf);
}

static char *get_vm(const char *root, unsigned vmid)
{
	char rel[256];

	snprintf(rel, sizeof(rel), "etc/pve/nodes/pve1/qemu-server/%u.conf", vmid);
	return tt_read(root, rel, NULL);
}

/* VM vmid runs: a pid file naming a kvm process started with -pidfile on it. */
static void set_running(const char *root, unsigned vmid, int pid)
{
	char rel[256], buf[64], cmd[512];
	int n;

	snprintf(rel, sizeof(rel), "run/qemu-server/%u.pid", vmid);
	snprintf(buf, sizeof(buf), "%d\n", pid);
	tt_write(root, rel, buf);
	n = snprintf(cmd, sizeof(cmd),
	             "/usr/bin/kvm%c-id%c%u%c-pidfile%c/var/run/qemu-server/%u.pid%c", 0, 0, vmid,
	             0, 0, vmid, 0);
	snprintf(rel, sizeof(rel), "proc/%d/cmdline", pid);
	tt_write_bytes(root, rel, cmd, (size_t)n);
}

static const char *BASE = "boot: order=scsi0;net0\n"
                          "cores: 4\n"
                          "machine: q35\n"
                          "memory: 8192\n"
                          "name: vm\n"
                          "net0: virtio=BC:24:11:00:00:01,bridge=vmbr0\n"
                          "ostype: l26\n"
                          "scsi0: local-lvm:vm-disk-0,size=32G\n";

static struct assign_request vf_req(unsigned vmid, const char *vf)
{
	struct assign_request r;

	memset(&r, 0, sizeof(r));
	r.vmid = vmid;
	r.kind = ASSIGN_KIND_VF;
	snprintf(r.vf, sizeof(r.vf), "%s", vf ? vf : "");
	r.slot = -1;
	r.pcie = PVECONF_UNSET;
	return r;
}

static struct assign_request release_req(unsigned vmid, enum assign_release_what w, int slot,
                                         const char *dev)
{
	struct assign_request r;

	memset(&r, 0, sizeof(r));
	r.vmid = vmid;
	r.kind = ASSIGN_KIND_RELEASE;
	r.release = w;
	r.slot = slot;
	r.pcie = PVECONF_UNSET;
	snprintf(r.device, sizeof(r.device), "%s", dev ? dev : "");
	return r;
}

static int run(const char *root, const struct assign_request *req, bool dry,
               struct assign_plan *plan, struct util_err *e)
{
	struct util_paths p;
	struct assign_run_opts o = {"pve1", dry, 300, NULL, NULL, NULL};

	assert_int_equal(util_paths_init(&p, root), 0);
	return assign_run(&p, &o, req, plan, e);
}

static const struct assign_finding *finding(const struct assign_plan *p, const char *rule)
{
	for (size_t i = 0; i < p->n_findings; i++)
		if (strcmp(p->findings[i].rule, rule) == 0)
			return &p->findings[i];
	return NULL;
}

/* Runs a request that must be refused by rule; the file must not change. */
static void expect_refused(const char *root, const struct assign_request *req, const char *rule)
{
	struct assign_plan plan;
	struct util_err e = {0};
	char *before = get_vm(root, req->vmid), *after;

	assert_int_equal(run(root, req, false, &plan, &e), 0);
	if (plan.outcome != ASSIGN_OUTCOME_REFUSED || !finding(&plan, rule)) {
		fprintf(stderr, "outcome %d, summary '%s', findings:\n", plan.outcome,
		        plan.summary);
		for (size_t i = 0; i < plan.n_findings; i++)
			fprintf(stderr, "  %s: %s\n", plan.findings[i].rule,
			        plan.findings[i].message);
		fail_msg("expected a refusal by %s", rule);
	}
	assert_true(finding(&plan, rule)->refuses);
	assert_true(finding(&plan, rule)->hint[0] != '\0');
	after = get_vm(root, req->vmid);
	if (before)
		assert_string_equal(before, after);
	free(before);
	free(after);
	assign_plan_free(&plan);
}

static void expect_file(const char *root, unsigned vmid, const char *want)
{
	char *got = get_vm(root, vmid);

	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void cleanup(char *root)
{
	tt_rmrf(root);
	free(root);
}

/* ------------------------------------------------------------------ VF choice */

static void test_vf_auto_lowest_free_exact_bytes(void **state)
{
	char *root = sriov_host(7);
	struct assign_request req = vf_req(101, NULL);
	struct assign_plan plan;
	struct util_err e = {0};
	const char *conf101 = "# my comment\n"
	                      "boot: order=scsi0\n"
	                      "cores: 2\n"
	                      "hostpci1: 0000:01:00.0\n"
	                      "machine: pc-q35-8.1\n"
	                      "memory: 4096\n"
	                      "vga: std\n"
	                      "\n"
	                      "[before]\n"
	                      "cores: 2\n"
	                      "hostpci0: 0000:00:02.0\n"
	                      "snaptime: 1700000000\n";

	(void)state;
	put_vm(root, 100, "hostpci0: 0000:00:02.1,pcie=1\nmachine: q35\n");
	put_vm(root, 102, "hostpci0: 0000:00:02.3;0000:00:02.4\n");
	put_vm(root, 101, conf101);
	set_running(root, 100, 4242);
	assert_int_equal(run(root, &req, false, &plan, &e), 0);
	assert_int_equal(plan.outcome, ASSIGN_OUTCOME_CHANGE);
	assert_string_equal(plan.changes[0].key, "hostpci0");
	assert_string_equal(plan.changes[0].value, "0000:00:02.2,pcie=1");
	assert_false(plan.changes[0].pending);
	assert_non_null(strstr(plan.why, "0000:00:02.2 is the lowest-numbered VF"));
	assert_non_null(strstr(plan.why, "02.1 by VM 100 hostpci0"));
	/* only the new line, at PVE's sorted position; comment and snapshot untouched */
	expect_file(root, 101,
	            "# my comment\n"
	            "boot: order=scsi0\n"
	            "cores: 2\n"
	            "hostpci0: 0000:00:02.2,pcie=1\n"
	            "hostpci1: 0000:01:00.0\n"
	            "machine: pc-q35-8.1\n"
	            "memory: 4096\n"
	            "vga: std\n"
	            "\n"
	            "[before]\n"
	            "cores: 2\n"
	            "hostpci0: 0000:00:02.0\n"
	            "snaptime: 1700000000\n");
	assign_plan_free(&plan);

	/* the next one skips 02.2 (now ours), 02.3 and 02.4 (a ';' list) */
	put_vm(root, 103, BASE);
	req = vf_req(103, NULL);
	assert_int_equal(run(root, &req, false, &plan, &e), 0);
	assert_int_equal(plan.outcome, ASSIGN_OUTCOME_CHANGE);
	assert_string_equal(plan.changes[0].value, "0000:00:02.5,pcie=1");
	assert_non_null(strstr(plan.why, "in a ';' list"));
	assign_plan_free(&plan);
	cleanup(root);
}

static void test_vf_auto_i440fx_no_pcie(void **state)
{
	char *root = sriov_host(2);
	struct assign_request req = vf_req(101, NULL);
	struct assign_plan plan;
	struct util_err e = {0};

	(void)state;
	put_vm(root, 101, "cores: 2\nmemory: 2048\n");
	req.x_vga = true;
	assert_int_equal(run(root, &req, false, &plan, &e), 0);
	assert_int_equal(plan.outcome, ASSIGN_OUTCOME_CHANGE);
	assert_string_equal(plan.changes[0].value, "0000:00:02.1,x-vga=1");
	expect_file(root, 101, "cores: 2\nhostpci0: 0000:00:02.1,x-vga=1\nmemory: 2048\n");
	assign_plan_free(&plan);
	cleanup(root);
}

static void test_no_free_vf_lists_holders(void **state)
{
	char *root = sriov_host(3);
	struct assign_request req = vf_req(105, NULL);
	struct assign_plan plan;
	const struct assign_finding *f;

	(void)state;
	tt_write(root, "etc/pve/mapping/pci.cfg",
	         "iGPU-VF\n\tmap id=8086:a7a0,iommugroup=22,node=pve1,path=0000:00:02.3\n"
	         "\tmap id=8086:a7a0,node=pve2,path=0000:00:02.2\n\n");
	put_vm(root, 100, "hostpci0: 0000:00:02.1,pcie=1\n");
	put_vm(root, 101, "cores: 1\n\n[PENDING]\nhostpci3: 00:02.2\n");
	put_vm(root, 102, "hostpci0: mapping=iGPU-VF\n");
	put_vm(root, 105, BASE);
	expect_refused(root, &req, "vf-none-free");
	/* again, to read the message */
	{
		struct util_err e = {0};

		assert_int_equal(run(root, &req, true, &plan, &e), 0);
		f = finding(&plan, "vf-none-free");
		assert_non_null(f);
		assert_non_null(strstr(f->message, "02.1 by VM 100 hostpci0"));
		assert_non_null(strstr(f->message, "02.2 by VM 101 [PENDING] hostpci3"));
		assert_non_null(
		        strstr(f->message, "02.3 by VM 102 hostpci0 (through its mapping)"));
		assign_plan_free(&plan);
	}
	/* a function-less id holds every VF too */
	put_vm(root, 100, "cores: 1\n");
	put_vm(root, 101, "cores: 1\n");
	put_vm(root, 102, "cores: 1\n");
	put_vm(root, 106, "hostpci0: 00:02,pcie=1\nmachine: q35\n");
	expect_refused(root, &req, "vf-none-free");
	cleanup(root);
}

static void test_snapshot_and_dropped_values_count_as_used(void **state)
{
	char *root = sriov_host(2);
	struct assign_request req = vf_req(101, NULL);
	struct assign_plan plan;
	struct util_err e = {0};

	(void)state;
	/* VM 100 names 02.1 in a snapshot only; VM 102 with a blank PVE drops */
	put_vm(root, 100, "cores: 1\n\n[snap1]\nhostpci0: 0000:00:02.1\n");
	put_vm(root, 102, "hostpci0: 0000:00:02.2, pcie=1\n");
	put_vm(root, 101, BASE);
	assert_int_equal(run(root, &req, true, &plan, &e), 0);
	if (plan.outcome != ASSIGN_OUTCOME_REFUSED)
		fail_msg("not refused: %s / %s", plan.summary, plan.why);
	assert_non_null(strstr(plan.findings[0].message, "snapshot 'snap1' hostpci0"));
	assert_non_null(strstr(plan.findings[0].message, "PVE drops the value"));
	assign_plan_free(&plan);
	cleanup(root);
}

/* Who holds a device is policy's one expansion (policy_uses_collect with POLICY_USES_DROPPED), the
 * same as status and the rules use.  Two places where assign's own loop used to differ:
 * a mapped GVT-g entry (mapping=NAME,mdev=TYPE) needs an instance of the type as much as one that
 * names the parent, a [special:cloudinit] section is never started with, so it holds nothing, and
 * hostpci16 (dropped by PVE) holds its VF like any other dropped value. */
static void test_holders_are_policy_uses(void **state)
{
	char *root = gvtg_host(1, 3), *sroot = sriov_host(2);
	struct assign_request req = vf_req(101, NULL);
	struct assign_plan plan;
	struct util_err e = {0};
	const struct assign_finding *f;

	(void)state;
	tt_write(root, "etc/pve/mapping/pci.cfg",
	         "gvt\n\tmap id=8086:3e92,iommugroup=0,node=pve1,path=0000:00:02.0\n\tmdev 1\n\n");
	put_vm(root, 100, "hostpci0: mapping=gvt,mdev=i915-GVTg_V5_4\n");
	put_vm(root, 101, BASE);
	req.kind = ASSIGN_KIND_MDEV;
	snprintf(req.mdev, sizeof(req.mdev), "i915-GVTg_V5_4");
	assert_int_equal(run(root, &req, true, &plan, &e), 0);
	f = finding(&plan, "mdev-exhausted");
	if (!f)
		fail_msg("not refused: %s / %s", plan.summary, plan.why);
	assert_non_null(strstr(f->message, "VM 100 hostpci0"));
	assign_plan_free(&plan);
	cleanup(root);

	/* VM 100 names 02.1 only in [special:cloudinit]: the lowest free VF is still 02.1 */
	put_vm(sroot, 100, "cores: 1\n\n[special:cloudinit]\nhostpci0: 0000:00:02.1\n");
	put_vm(sroot, 101, BASE);
	req = vf_req(101, NULL);
	assert_int_equal(run(sroot, &req, true, &plan, &e), 0);
	assert_int_equal(plan.outcome, ASSIGN_OUTCOME_CHANGE);
	assert_string_equal(plan.changes[0].value, "0000:00:02.1,pcie=1");
	assign_plan_free(&plan);
	/* an index past hostpci15 is dropped by PVE like any bad value: it still holds its VF */
	put_vm(sroot, 102, "hostpci16: 0000:00:02.1\n");
	assert_int_equal(run(sroot, &req, true, &plan, &e), 0);
	assert_string_equal(plan.changes[0].value, "0000:00:02.2,pcie=1");
	assert_non_null(strstr(plan.why, "02.1 by VM 102 hostpci16 (PVE drops the value)"));
	assign_plan_free(&plan);
	cleanup(sroot);
}

static void test_several_pfs_need_pf(void **state)
{
	char *root = sriov_host(2);
	struct assign_request req = vf_req(101, NULL);
	struct assign_plan plan;
	struct util_err e = {0};

	(void)state;
	/* a second SR-IOV Intel GPU (a discrete card) */
	fs_add_device(root, "0000:03:00.0", 0x8086, 0x56a0, 0x030000);
	fs_set_driver(root, "0000:03:00.0", "xe");
	fs_make_pf(root, "0000:03:00.0", 2);
	fs_add_vfs(root, "0000:03:00.0", 2, 40);
	put_vm(root, 101, BASE);
	assert_int_equal(run(root, &req, true, &plan, &e), 0);
	assert_int_equal(plan.outcome, ASSIGN_OUTCOME_NEEDS_ARG);
	assert_non_null(strstr(plan.summary, "--pf"));
	assign_plan_free(&plan);
	snprintf(req.pf, sizeof(req.pf), "0000:03:00.0");
	assert_int_equal(run(root, &req, true, &plan, &e), 0);
	assert_int_equal(plan.outcome, ASSIGN_OUTCOME_CHANGE);
	assert_string_equal(plan.changes[0].value, "0000:03:00.1,pcie=1");
	assign_plan_free(&plan);
	/* --vf of the other PF with --pf: refused */
	snprintf(req.vf, sizeof(req.vf), "0000:00:02.1");
	expect_refused(root, &req, "vf-unsupported");
	cleanup(root);
}

static void test_reservations_hold_devices(void **state)
{
	char *root = sriov_host(3);
	struct assign_request req = vf_req(101, NULL);
	struct assign_plan plan;
	struct util_err e = {0};

	(void)state;
	/* VM 300 is starting with 02.1 (PVE reserved it until far in the future); 02.2 was reserved
	 * by a VM that has stopped long ago */
	tt_write(root, "run/qemu-server/pci-id-reservations",
	         "0000:00:02.1 300 time:99999999999\n0000:00:02.2 301 time:1\n");
	put_vm(root, 101, BASE);
	assert_int_equal(run(root, &req, true, &plan, &e), 0);
	assert_int_equal(plan.outcome, ASSIGN_OUTCOME_CHANGE);
	assert_string_equal(plan.changes[0].value, "0000:00:02.2,pcie=1");
	assert_non_null(strstr(plan.why, "02.1 by VM 300 (pci-id-reservations)"));
	assign_plan_free(&plan);
	req = vf_req(101, "0000:00:02.1");
	expect_refused(root, &req, "vf-taken");
	cleanup(root);
}

/* ------------------------------------------------------------------ refusals */

static void test_refuse_pf_and_shared(void **state)
{
	char *root = sriov_host(3);
	struct assign_request req = vf_req(101, PF);
	struct assign_plan plan;
	struct util_err e = {0};

	(void)state;
	put_vm(root, 100, "hostpci0: 0000:00:02.1,pcie=1\n");
	put_vm(root, 101, BASE);
	expect_refused(root, &req, "pf-with-vfs");
	req = vf_req(101, "0000:00:02.1");
	expect_refused(root, &req, "vf-taken");
	assert_int_equal(run(root, &req, true, &plan, &e), 0);
	assert_non_null(strstr(finding(&plan, "vf-taken")->message, "VM 100 hostpci0"));
	assign_plan_free(&plan);
	req = vf_req(101, "0000:00:03.0");
	expect_refused(root, &req, "device-missing");
	cleanup(root);
}

static void test_refuse_pcie_on_i440fx(void **state)
{
	char *root = sriov_host(1);
	struct assign_request req = vf_req(101, NULL);

	(void)state;
	put_vm(root, 101, "cores: 1\nmachine: pc-i440fx-8.1\n");
	req.pcie = PVECONF_ON;
	expect_refused(root, &req, "pcie-needs-q35");
	cleanup(root);
}

static void test_refuse_lock_and_other_node(void **state)
{
	char *root = sriov_host(1);
	struct assign_request req = vf_req(101, NULL);

	(void)state;
	put_vm(root, 101, "cores: 1\nlock: backup\n");
	expect_refused(root, &req, "vm-locked");
	/* "lock: 0" does not lock (PVE tests Perl truth) */
	{
		struct assign_plan plan;
		struct util_err e = {0};

		put_vm(root, 101, "cores: 1\nlock: 0\n");
		assert_int_equal(run(root, &req, false, &plan, &e), 0);
		assert_int_equal(plan.outcome, ASSIGN_OUTCOME_CHANGE);
		assign_plan_free(&plan);
		expect_file(root, 101, "cores: 1\nhostpci0: 0000:00:02.1\nlock: 0\n");
	}
	put_vm(root, 101, BASE);
	tt_write(root, "etc/pve/.vmlist",
	         "{\"version\":3,\"ids\":{\"101\":{\"node\":\"pve1\",\"type\":\"qemu\"},"
	         "\"102\":{\"node\":\"pve2\",\"type\":\"qemu\"}}}");
	tt_write(root, "etc/pve/nodes/pve2/qemu-server/102.conf", BASE);
	req = vf_req(102, NULL);
	expect_refused(root, &req, "vm-other-node");
	req = vf_req(999, NULL);
	expect_refused(root, &req, "vm-missing");
	cleanup(root);
}

static void test_refuse_slots_full_and_slot_taken(void **state)
{
	char *root = sriov_host(1);
	struct assign_request req = vf_req(101, NULL);
	char conf[4096] = "";
	struct assign_plan plan;
	struct util_err e = {0};

	(void)state;
	for (int i = 0; i < 16; i++)
		snprintf(conf + strlen(conf), sizeof(conf) - strlen(conf),
		         "hostpci%d: 0000:0%x:00.0\n", i, i < 10 ? i + 1 : 1);
	put_vm(root, 101, conf);
	expect_refused(root, &req, "slots-full");
	/* a slot taken only in [PENDING] is taken too */
	put_vm(root, 101, "hostpci0: 0000:05:00.0\n\n[PENDING]\nhostpci1: 0000:06:00.0\n");
	req.slot = 1;
	expect_refused(root, &req, "slot-taken");
	req.slot = -1;
	assert_int_equal(run(root, &req, true, &plan, &e), 0);
	assert_int_equal(plan.outcome, ASSIGN_OUTCOME_CHANGE);
	assert_string_equal(plan.changes[0].key, "hostpci2");
	assign_plan_free(&plan);
	cleanup(root);
}

static void test_refuse_wrong_kind_of_host(void **state)
{
	char *root = sriov_host(2), *groot = gvtg_host(1, 2);
	struct assign_request req = vf_req(101, NULL);

	(void)state;
	put_vm(root, 101, BASE);
	req.kind = ASSIGN_KIND_MDEV;
	expect_refused(root, &req, "mdev-unsupported");
	put_vm(groot, 101, BASE);
	req = vf_req(101, NULL);
	expect_refused(groot, &req, "vf-unsupported");
	cleanup(root);
	cleanup(groot);
}

static void test_romfile(void **state)
{
	char *root = sriov_host(1);
	struct assign_request req = vf_req(101, NULL);
	struct assign_plan plan;
	struct util_err e = {0};

	(void)state;
	put_vm(root, 101, BASE);
	snprintf(req.romfile, sizeof(req.romfile), "igd.rom");
	expect_refused(root, &req, "romfile-missing");
	tt_write(root, "usr/share/kvm/igd.rom", "rom");
	assert_int_equal(run(root, &req, true, &plan, &e), 0);
	assert_int_equal(plan.outcome, ASSIGN_OUTCOME_CHANGE);
	assert_string_equal(plan.changes[0].value, "0000:00:02.1,pcie=1,romfile=igd.rom");
	assign_plan_free(&plan);
	cleanup(root);
}

/* ------------------------------------------------------------------ mdev */

static void test_mdev(void **state)
{
	char *root = gvtg_host(1, 3);
	struct assign_request req = vf_req(101, NULL);
	struct assign_plan plan;
	struct util_err e = {0};

	(void)state;
	req.kind = ASSIGN_KIND_MDEV;
	/* VM 100 (stopped) is configured for V5_4 and needs the one instance left */
	put_vm(root, 100, "hostpci0: 0000:00:02.0,mdev=i915-GVTg_V5_4\n");
	put_vm(root, 101, BASE);
	snprintf(req.mdev, sizeof(req.mdev), "i915-GVTg_V5_4");
	expect_refused(root, &req, "mdev-exhausted");
	snprintf(req.mdev, sizeof(req.mdev), "i915-GVTg_V5_1");
	expect_refused(root, &req, "mdev-type-missing");
	/* auto: the type with the most left */
	req.mdev[0] = '\0';
	assert_int_equal(run(root, &req, false, &plan, &e), 0);
	assert_int_equal(plan.outcome, ASSIGN_OUTCOME_CHANGE);
	assert_string_equal(plan.changes[0].value, "0000:00:02.0,mdev=i915-GVTg_V5_8,pcie=1");
	assert_non_null(strstr(plan.why, "i915-GVTg_V5_8 has the most instances left"));
	assert_non_null(strstr(plan.why, "i915-GVTg_V5_4: 0 left"));
	assign_plan_free(&plan);
	/* again: already has it */
	assert_int_equal(run(root, &req, false, &plan, &e), 0);
	assert_int_equal(plan.outcome, ASSIGN_OUTCOME_NOTHING);
	assign_plan_free(&plan);
	/* VM 100 running: its instance exists, so it no longer counts against available */
	set_running(root, 100, 777);
	fs_add_mdev(root, PF, "i915-GVTg_V5_4", "00000000-0000-0000-0000-000000000100");
	put_vm(root, 102, BASE);
	req.vmid = 102;
	snprintf(req.mdev, sizeof(req.mdev), "i915-GVTg_V5_4");
	assert_int_equal(run(root, &req, true, &plan, &e), 0);
	assert_int_equal(plan.outcome, ASSIGN_OUTCOME_CHANGE);
	assign_plan_free(&plan);
	cleanup(root);
}

/* ------------------------------------------------------------------ running, idempotence, release */

static void test_running_goes_pending_and_release(void **state)
{
	char *root = sriov_host(2);
	struct assign_request req = vf_req(100, NULL);
	struct assign_plan plan;
	struct util_err e = {0};
	const char *orig = "cores: 2\nmachine: q35\nmemory: 2048\n";

	(void)state;
	put_vm(root, 100, orig);
	set_running(root, 100, 4242);
	assert_int_equal(run(root, &req, false, &plan, &e), 0);
	assert_int_equal(plan.outcome, ASSIGN_OUTCOME_CHANGE);
	assert_true(plan.changes[0].pending);
	assert_non_null(strstr(plan.summary, "next start"));
	expect_file(root, 100,
	            "cores: 2\nmachine: q35\nmemory: 2048\n\n[PENDING]\nhostpci0: "
	            "0000:00:02.1,pcie=1\n");
	assign_plan_free(&plan);
	/* idempotent */
	assert_int_equal(run(root, &req, false, &plan, &e), 0);
	assert_int_equal(plan.outcome, ASSIGN_OUTCOME_NOTHING);
	assert_non_null(strstr(plan.summary, "already"));
	assign_plan_free(&plan);

	/* a running VM's main entry: release = pending delete */
	put_vm(root, 100, "cores: 2\nhostpci0: 0000:00:02.1,pcie=1\nmachine: q35\n");
	req = release_req(100, ASSIGN_RELEASE_SLOT, 0, NULL);
	assert_int_equal(run(root, &req, false, &plan, &e), 0);
	assert_int_equal(plan.outcome, ASSIGN_OUTCOME_CHANGE);
	expect_file(root, 100,
	            "cores: 2\nhostpci0: 0000:00:02.1,pcie=1\nmachine: q35\n\n[PENDING]"
	            "\ndelete: hostpci0\n");
	assign_plan_free(&plan);
	/* again: nothing left to release */
	assert_int_equal(run(root, &req, false, &plan, &e), 0);
	assert_int_equal(plan.outcome, ASSIGN_OUTCOME_NOTHING);
	assign_plan_free(&plan);
	cleanup(root);
}

static void test_release_stopped(void **state)
{
	char *root = sriov_host(2);
	struct assign_request req = release_req(101, ASSIGN_RELEASE_DEVICE, -1, "0000:00:02.2");
	struct assign_plan plan;
	struct util_err e = {0};

	(void)state;
	put_vm(root, 101,
	       "cores: 2\nhostpci0: 0000:00:02.1\nhostpci1: 0000:00:02.2,pcie=1\nmemory: 1\n");
	assert_int_equal(run(root, &req, false, &plan, &e), 0);
	assert_int_equal(plan.outcome, ASSIGN_OUTCOME_CHANGE);
	expect_file(root, 101, "cores: 2\nhostpci0: 0000:00:02.1\nmemory: 1\n");
	assign_plan_free(&plan);
	req = release_req(101, ASSIGN_RELEASE_ALL, -1, NULL);
	assert_int_equal(run(root, &req, false, &plan, &e), 0);
	expect_file(root, 101, "cores: 2\nmemory: 1\n");
	assign_plan_free(&plan);
	assert_int_equal(run(root, &req, false, &plan, &e), 0);
	assert_int_equal(plan.outcome, ASSIGN_OUTCOME_NOTHING);
	assert_non_null(strstr(plan.summary, "nothing to do"));
	assign_plan_free(&plan);
	cleanup(root);
}

static void test_dry_run_changes_nothing(void **state)
{
	char *root = sriov_host(2), *lock;
	struct assign_request req = vf_req(101, NULL);
	struct assign_plan plan;
	struct util_err e = {0};
	struct util_buf d = {0};

	(void)state;
	put_vm(root, 101, BASE);
	assert_int_equal(run(root, &req, true, &plan, &e), 0);
	assert_int_equal(plan.outcome, ASSIGN_OUTCOME_CHANGE);
	expect_file(root, 101, BASE);
	assert_int_equal(util_diff_unified("a/101.conf", plan.before, plan.before_len, "b/101.conf",
	                                   plan.after, plan.after_len, 0, &d),
	                 0);
	assert_string_equal(util_buf_str(&d), "--- a/101.conf\n+++ b/101.conf\n@@ -1,5 +1,6 @@\n"
	                                      " boot: order=scsi0;net0\n cores: 4\n"
	                                      "+hostpci0: 0000:00:02.1,pcie=1\n machine: q35\n"
	                                      " memory: 8192\n name: vm\n");
	/* no lock file was created: a dry run works on a read-only copy */
	lock = tt_read(root, "run/lock/pve-passthrough/assign.lock", NULL);
	assert_null(lock);
	util_buf_free(&d);
	assign_plan_free(&plan);
	cleanup(root);
}

static void test_lock_timeouts(void **state)
{
	char *root = sriov_host(2);
	struct assign_request req = vf_req(101, NULL);
	struct assign_plan plan;
	struct util_err e = {0};
	char path[4096];
	int fd;

	(void)state;
	put_vm(root, 101, BASE);
	snprintf(path, sizeof(path), "%s/run/lock/pve-passthrough/assign.lock", root);
	fd = util_lock_acquire(path, 0, &e);
	assert_true(fd >= 0);
	assert_int_equal(run(root, &req, false, &plan, &e), -ETIMEDOUT);
	assert_non_null(strstr(e.msg, "allocation lock"));
	assign_plan_free(&plan);
	util_lock_release(fd);
	/* the VM's own lock, held by "qm" */
	snprintf(path, sizeof(path), "%s/var/lock/qemu-server/lock-101.conf", root);
	fd = util_lock_acquire(path, 0, &e);
	assert_true(fd >= 0);
	assert_int_equal(run(root, &req, false, &plan, &e), -ETIMEDOUT);
	assert_non_null(strstr(e.msg, "VM 101"));
	assign_plan_free(&plan);
	util_lock_release(fd);
	expect_file(root, 101, BASE);
	cleanup(root);
}

/* Someone (qm set, the GUI) changes the config between our plan and our write: nothing of ours is
 * written, their change stays, and the error says so (-ESTALE: exit 3). */
static void change_meanwhile(void *arg)
{
	put_vm(arg, 101, "cores: 8\nmemory: 1024\n");
}

static void test_changed_meanwhile(void **state)
{
	char *root = sriov_host(2);
	struct assign_request req = vf_req(101, NULL);
	struct assign_plan plan;
	struct util_err e = {0};
	struct util_paths p;
	struct assign_run_opts o = {"pve1", false, 300, NULL, change_meanwhile, root};

	(void)state;
	put_vm(root, 101, BASE);
	assert_int_equal(util_paths_init(&p, root), 0);
	assert_int_equal(assign_run(&p, &o, &req, &plan, &e), -ESTALE);
	assert_non_null(strstr(e.msg, "changed meanwhile"));
	assert_int_equal(plan.outcome, ASSIGN_OUTCOME_CHANGE); /* the plan itself was fine */
	assign_plan_free(&plan);
	expect_file(root, 101, "cores: 8\nmemory: 1024\n");
	cleanup(root);
}

static void test_machine_q35(void **state)
{
	(void)state;
	assert_true(pveconf_machine_is_q35("q35"));
	assert_true(pveconf_machine_is_q35("pc-q35-8.1"));
	assert_true(pveconf_machine_is_q35("pc-q35-9.0+pve1"));
	assert_true(pveconf_machine_is_q35("type=q35,viommu=intel"));
	assert_true(pveconf_machine_is_q35("q35,viommu=virtio"));
	assert_false(pveconf_machine_is_q35(NULL));
	assert_false(pveconf_machine_is_q35("pc-i440fx-8.1"));
	assert_false(pveconf_machine_is_q35("pc"));
	assert_false(pveconf_machine_is_q35("viommu=intel"));
}

/* ------------------------------------------------------------------ round trip */

/* assign then release on generated configs, stopped (main section) and running ([PENDING], then
 * dropped from it): the file comes back byte for byte. */
static void test_round_trip_property(void **state)
{
	static const char *keys[] = {"agent: 1",
	                             "balloon: 0",
	                             "bios: ovmf",
	                             "boot: order=scsi0",
	                             "cores: 4",
	                             "cpu: host",
	                             "hostpci0: 0000:01:00.0",
	                             "hostpci1: 0000:02:00.0,pcie=1",
	                             "hostpci10: 0000:03:00.0",
	                             "hostpci2: 0000:04:00.0",
	                             "machine: q35",
	                             "memory: 4096",
	                             "name: gen",
	                             "net0: virtio=BC:24:11:AA:BB:CC,bridge=vmbr0",
	                             "onboot: 1",
	                             "ostype: win11",
	                             "scsi0: local:1,size=8G",
	                             "vga: none",
	                             "vmgenid: 1234"};
	char *root = sriov_host(7);
	unsigned seed = 4242;
	int checked[2] = {0, 0};

	(void)state;
	for (int round = 0; round < 200; round++) {
		bool running = round % 2;
		struct util_buf c = {0};
		struct assign_request req = vf_req(101, NULL);
		struct assign_plan plan;
		struct util_err e = {0};
		char *back;
		int slot;

		if (rand_r(&seed) % 3 == 0)
			util_buf_addf(&c, "#comment %d\n#  second line\n", round);
		for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
			if (rand_r(&seed) % 2)
				util_buf_addf(&c, "%s\n", keys[k]);
		if (rand_r(&seed) % 4 == 0)
			util_buf_adds(&c, "#trailing comment\n");
		if (rand_r(&seed) % 3 == 0)
			util_buf_addf(&c, "\n[PENDING]\nmemory: 8192\n");
		if (rand_r(&seed) % 2)
			util_buf_addf(
			        &c, "\n[snap%d]\nhostpci0: 0000:00:02.5\nmemory: 1\nsnaptime: 1\n",
			        round);
		put_vm(root, 101, util_buf_str(&c));
		if (running) {
			set_running(root, 101, 5000 + round);
		} else {
			char pidfile[4096];

			snprintf(pidfile, sizeof(pidfile), "%s/run/qemu-server/101.pid", root);
			unlink(pidfile);
		}
		assert_int_equal(run(root, &req, false, &plan, &e), 0);
		if (plan.outcome == ASSIGN_OUTCOME_CHANGE)
			assert_int_equal(plan.changes[0].pending, running);
		if (plan.outcome != ASSIGN_OUTCOME_CHANGE) {
			assign_plan_free(&plan);
			util_buf_free(&c);
			continue;
		}
		slot = atoi(plan.changes[0].key + 7);
		assign_plan_free(&plan);
		req = release_req(101, ASSIGN_RELEASE_SLOT, slot, NULL);
		assert_int_equal(run(root, &req, false, &plan, &e), 0);
		assert_int_equal(plan.outcome, ASSIGN_OUTCOME_CHANGE);
		assign_plan_free(&plan);
		back = get_vm(root, 101);
		assert_string_equal(back, util_buf_str(&c));
		free(back);
		util_buf_free(&c);
		checked[running]++;
	}
	/* both states, most rounds (some configs already have a VF: nothing to assign) */
	assert_true(checked[0] > 50 && checked[1] > 50);
	cleanup(root);
}

/* The same round trip on every real config of the corpus (shared/corpus/pveconf). */
static void test_round_trip_corpus(void **state)
{
	char *root = sriov_host(7);
	const char *dir = tt_shared("corpus/pveconf");
	DIR *d = opendir(dir);
	struct dirent *de;
	int checked = 0, files = 0;

	(void)state;
	assert_non_null(d);
	while ((de = readdir(d)) != NULL) {
		struct assign_request req = vf_req(101, NULL);
		struct assign_plan plan;
		struct util_err e = {0};
		char path[4096], *orig, *back;
		size_t len = 0;
		int slot;

		if (!strstr(de->d_name, ".conf"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		orig = tt_read(dir, de->d_name, &len);
		if (!orig || strlen(orig) != len) { /* NUL bytes: not a text config */
			free(orig);
			continue;
		}
		files++;
		put_vm(root, 101, orig);
		assert_int_equal(run(root, &req, false, &plan, &e), 0);
		if (plan.outcome != ASSIGN_OUTCOME_CHANGE) {
			assign_plan_free(&plan);
			free(orig);
			continue;
		}
		slot = atoi(plan.changes[0].key + 7);
		assign_plan_free(&plan);
		req = release_req(101, ASSIGN_RELEASE_SLOT, slot, NULL);
		assert_int_equal(run(root, &req, false, &plan, &e), 0);
		assign_plan_free(&plan);
		back = get_vm(root, 101);
		if (strcmp(back, orig) != 0)
			fail_msg("%s: not byte-identical after assign + release", path);
		free(back);
		free(orig);
		checked++;
	}
	closedir(d);
	print_message("corpus: %d of %d configs got a VF and gave it back byte-identically\n",
	              checked, files);
	assert_true(files > 200);
	assert_true(checked > files / 3);
	cleanup(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_vf_auto_lowest_free_exact_bytes),
	        cmocka_unit_test(test_vf_auto_i440fx_no_pcie),
	        cmocka_unit_test(test_no_free_vf_lists_holders),
	        cmocka_unit_test(test_snapshot_and_dropped_values_count_as_used),
	        cmocka_unit_test(test_holders_are_policy_uses),
	        cmocka_unit_test(test_several_pfs_need_pf),
	        cmocka_unit_test(test_reservations_hold_devices),
	        cmocka_unit_test(test_refuse_pf_and_shared),
	        cmocka_unit_test(test_refuse_pcie_on_i440fx),
	        cmocka_unit_test(test_refuse_lock_and_other_node),
	        cmocka_unit_test(test_refuse_slots_full_and_slot_taken),
	        cmocka_unit_test(test_refuse_wrong_kind_of_host),
	        cmocka_unit_test(test_romfile),
	        cmocka_unit_test(test_mdev),
	        cmocka_unit_test(test_running_goes_pending_and_release),
	        cmocka_unit_test(test_release_stopped),
	        cmocka_unit_test(test_dry_run_changes_nothing),
	        cmocka_unit_test(test_lock_timeouts),
	        cmocka_unit_test(test_changed_meanwhile),
	        cmocka_unit_test(test_machine_q35),
	        cmocka_unit_test(test_round_trip_property),
	        cmocka_unit_test(test_round_trip_corpus),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
