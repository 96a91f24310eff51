/* Unit tests: host/probe + host/plan + host/journal on fake hosts of each PVE install type
 * (GRUB on LVM, systemd-boot on ZFS, GRUB on ZFS via proxmox-boot-tool, GRUB with a stray
 * /etc/kernel/cmdline): bootloader detection, the file each one edits, golden argv of the commands,
 * setup -> rollback byte-identical, a failure injected at every step leaves the host as before,
 * rollback twice, rollback after the user edited files, refusals, modprobe.d scan. */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "host/setup.h"
#include "policy/policy.h"
#include "support/hostfacts.h"
#include "support/tmpdir.h"
#include "util/buf.h"
#include "util/fileio.h"
#include "util/hash.h"

enum boot_case { GRUB_LVM, SDBOOT_ZFS, GRUB_ZFS_PBT, GRUB_STRAY };

static const char *grub_file(const char *dflt)
{
	static char buf[1024];

	snprintf(buf, sizeof(buf),
	         "# If you change this file, run 'update-grub' afterwards\n"
	         "GRUB_DEFAULT=0\nGRUB_TIMEOUT=5\n"
	         "GRUB_CMDLINE_LINUX_DEFAULT=\"%s\"\nGRUB_CMDLINE_LINUX=\"\"\n",
	         dflt);
	return buf;
}

/* The enabled instance of the VF unit for the Raptor Lake iGPU with 7 VFs. */
#define VF_LINK HOST_UNIT_WANTS_DIR "/" HOST_UNIT_PREFIX "0000:00:02.0:7.service"

/* The package's VF unit template as installed (units/pve-passthrough-vfs@.service.in). */
static void install_template(const char *root)
{
	size_t len;
	char *t = tt_read(tt_src(""), "units/pve-passthrough-vfs@.service.in", &len);

	assert_non_null(t);
	tt_write(root, &HOST_UNIT_TEMPLATE[1], t);
	free(t);
}

static void rm_rel(const char *root, const char *rel)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	assert_int_equal(unlink(path), 0);
}

/* A host root of one install type; extra: tokens the user already has. */
static char *mkhost(enum boot_case c, const char *extra)
{
	char *root = tt_mkdtemp(), buf[1024];

	install_template(root);

	tt_write(root, "proc/sys/kernel/osrelease", "6.8.12-4-pve\n");
	tt_write(root, "etc/modules", "# /etc/modules\n");
	tt_mkdir(root, "var/lib"); /* exists on every host; the journal goes below it */
	switch (c) {
	case GRUB_LVM:
	case GRUB_STRAY:
		tt_mkdir(root, "sys/firmware/efi");
		snprintf(buf, sizeof(buf),
		         "BOOT_IMAGE=/boot/vmlinuz-6.8.12-4-pve root=/dev/mapper/pve-root ro %s\n",
		         extra);
		tt_write(root, "proc/cmdline", buf);
		tt_write(root, "etc/default/grub", grub_file(extra));
		if (c == GRUB_STRAY)
			tt_write(root, "etc/kernel/cmdline",
			         "root=ZFS=rpool/ROOT/pve-1 boot=zfs\n");
		break;
	case SDBOOT_ZFS:
		tt_mkdir(root, "sys/firmware/efi");
		snprintf(buf, sizeof(buf),
		         "initrd=\\EFI\\proxmox\\6.8.12-4-pve\\initrd.img-6.8.12-4-pve "
		         "root=ZFS=rpool/ROOT/pve-1 boot=zfs %s\n",
		         extra);
		tt_write(root, "proc/cmdline", buf);
		snprintf(buf, sizeof(buf), "root=ZFS=rpool/ROOT/pve-1 boot=zfs %s\n", extra);
		tt_write(root, "etc/kernel/cmdline", buf);
		tt_write(root, "etc/kernel/proxmox-boot-uuids", "E014-501F\n");
		break;
	case GRUB_ZFS_PBT:
		snprintf(
		        buf, sizeof(buf),
		        "BOOT_IMAGE=/ROOT/pve-1@/boot/vmlinuz-6.8.12-4-pve root=ZFS=rpool/ROOT/pve-1 "
		        "ro boot=zfs %s\n",
		        extra);
		tt_write(root, "proc/cmdline", buf);
		tt_write(root, "etc/default/grub", grub_file(extra));
		tt_write(root, "etc/kernel/proxmox-boot-uuids", "6D31-87F4\nCE07-78FC\n");
		break;
	}
	return root;
}

/* Every file, link and directory under root (outside the tool's own state) with mode and SHA-256. */
static void snap_dir(const char *root, const char *rel, struct util_buf *b)
{
	char path[4096];
	DIR *d;
	struct dirent *de;
	char **names = NULL;
	size_t n = 0;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	d = opendir(path);
	if (!d)
		return;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
			names = realloc(names, (n + 1) * sizeof(*names));
			names[n++] = strdup(de->d_name);
		}
	closedir(d);
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++)
			if (strcmp(names[i], names[j]) > 0) {
				char *t = names[i];

				names[i] = names[j];
				names[j] = t;
			}
	for (size_t i = 0; i < n; i++) {
		char r2[4096], full[8192], hex[UTIL_SHA256_HEX_LEN + 1], target[4096];
		struct stat st;

		snprintf(r2, sizeof(r2), "%s%s%s", rel, *rel ? "/" : "", names[i]);
		snprintf(full, sizeof(full), "%s/%s", root, r2);
		free(names[i]);
		if (strcmp(r2, "var/lib/pve-passthrough") == 0 || lstat(full, &st) < 0)
			continue;
		if (S_ISLNK(st.st_mode)) {
			ssize_t l = readlink(full, target, sizeof(target) - 1);

			target[l < 0 ? 0 : l] = '\0';
			util_buf_addf(b, "L %s -> %s\n", r2, target);
		} else if (S_ISDIR(st.st_mode)) {
			util_buf_addf(b, "D %s %o\n", r2, st.st_mode & 07777);
			snap_dir(root, r2, b);
		} else {
			char *data;
			size_t len;

			assert_int_equal(util_file_read(full, 1 << 20, &data, &len, NULL), 0);
			util_sha256_hex(data, len, hex);
			free(data);
			util_buf_addf(b, "F %s %o %s\n", r2, st.st_mode & 07777, hex);
		}
	}
	free(names);
}

static char *snapshot(const char *root)
{
	struct util_buf b = {0};

	snap_dir(root, "", &b);
	return util_buf_steal(&b);
}

static void plan_for(const char *root, enum host_mode m, bool consent, struct host_plan *pl)
{
	struct util_paths p;
	struct host_setup_opts o = {
	        .mode = m, .replace_conflicts = consent, .tool = "/usr/sbin/pve-passthrough"};
	struct host_facts f = tt_facts_raptor();
	struct util_err e = {0};

	util_paths_init(&p, root);
	assert_int_equal(host_setup_plan(&p, &o, &f, pl, &e), 0);
}

static int apply_kind(const char *root, const struct host_plan *pl, const char *kind,
                      int fail_change, int fail_cmd, struct util_buf *argv_log)
{
	struct util_paths p;
	struct host_runner run = {.mode = HOST_RUN_RECORD, .fail_at = fail_cmd};
	struct host_apply_opts ao = {.kind = kind, .fail_at_change = fail_change};
	struct util_err e = {0};
	char id[128];
	int r;

	util_paths_init(&p, root);
	r = host_plan_apply(&p, pl, &run, &ao, id, sizeof(id), &e);
	if (argv_log)
		util_buf_adds(argv_log, util_buf_str(&run.log));
	host_runner_free(&run);
	return r;
}

static int apply(const char *root, const struct host_plan *pl, int fail_change, int fail_cmd,
                 struct util_buf *argv_log)
{
	return apply_kind(root, pl, "setup", fail_change, fail_cmd, argv_log);
}

static int rollback(const char *root, bool force, struct host_plan *pl, bool *found)
{
	struct util_paths p;
	struct host_rollback_opts ro = {.force = force};
	struct host_facts f = tt_facts_raptor();
	struct util_err e = {0};
	char id[128];
	int r;

	util_paths_init(&p, root);
	r = host_rollback_plan(&p, &ro, &f, pl, found, id, sizeof(id), &e);
	if (r < 0)
		fail_msg("%s", e.msg);
	if (!*found || pl->n_refusals)
		return 0;
	r = apply_kind(root, pl, "rollback", 0, 0, NULL);
	if (r == 0)
		assert_int_equal(host_journal_mark(&p, id, "rolled-back", &e), 0);
	return r;
}

static const struct host_change *change(const struct host_plan *pl, const char *path)
{
	for (size_t i = 0; i < pl->n_changes; i++)
		if (strcmp(pl->changes[i].path, path) == 0)
			return &pl->changes[i];
	return NULL;
}

static void check_golden(const char *name, const char *text)
{
	char rel[256];
	char *want;
	size_t len;

	snprintf(rel, sizeof(rel), "tests/unit/golden/%s", name);
	if (getenv("UPDATE_GOLDEN"))
		tt_write(tt_src(""), rel, text);
	assert_int_equal(util_file_read(tt_src(rel), 1 << 16, &want, &len, NULL), 0);
	assert_string_equal(text, want);
	free(want);
}

static void test_detection(void **state)
{
	static const struct {
		enum boot_case c;
		enum host_loader l;
		bool pbt, uefi;
		const char *refresh;
	} cases[] = {
	        {GRUB_LVM, HOST_LOADER_GRUB, false, true, "update-grub"},
	        {SDBOOT_ZFS, HOST_LOADER_SYSTEMD_BOOT, true, true, "proxmox-boot-tool"},
	        {GRUB_ZFS_PBT, HOST_LOADER_GRUB, true, false, "proxmox-boot-tool"},
	        {GRUB_STRAY, HOST_LOADER_GRUB, false, true, "update-grub"},
	};

	(void)state;
	for (size_t i = 0; i < 4; i++) {
		char *root = mkhost(cases[i].c, "quiet");
		struct util_paths p;
		struct host_boot b;

		util_paths_init(&p, root);
		assert_int_equal(host_boot_detect(&p, &b, NULL), 0);
		assert_int_equal(b.loader, cases[i].l);
		assert_true(b.from_proc);
		assert_int_equal(b.pbt, cases[i].pbt);
		assert_int_equal(b.uefi, cases[i].uefi);
		assert_string_equal(host_boot_refresh_argv(&b)[0], cases[i].refresh);
		tt_rmrf(root);
		free(root);
	}
	/* no /proc/cmdline (an offline copy): inferred from the files */
	{
		char *root = mkhost(SDBOOT_ZFS, "");
		char path[4096];
		struct util_paths p;
		struct host_boot b;

		snprintf(path, sizeof(path), "%s/proc/cmdline", root);
		unlink(path);
		util_paths_init(&p, root);
		assert_int_equal(host_boot_detect(&p, &b, NULL), 0);
		assert_int_equal(b.loader, HOST_LOADER_SYSTEMD_BOOT);
		assert_false(b.from_proc);
		/* Secure Boot on: proxmox-boot-tool puts GRUB (shim) on the ESPs */
		tt_write_bytes(
		        root,
		        "sys/firmware/efi/efivars/SecureBoot-8be4df61-93ca-11d2-aa0d-00e098032b8c",
		        "\x06\x00\x00\x00\x01", 5);
		assert_int_equal(host_boot_detect(&p, &b, NULL), 0);
		assert_true(b.secure_boot);
		assert_int_equal(b.loader, HOST_LOADER_GRUB);
		tt_rmrf(root);
		free(root);
	}
}

static void test_grub_cmdline_effective(void **state)
{
	char *root = mkhost(GRUB_LVM, "quiet"), *out;
	struct util_paths p;

	(void)state;
	util_paths_init(&p, root);
	tt_write(root, "etc/default/grub.d/50-user.cfg",
	         "GRUB_CMDLINE_LINUX_DEFAULT=\"${GRUB_CMDLINE_LINUX_DEFAULT} mitigations=off\"\n");
	tt_write(root, "etc/default/grub.d/zz.cfg", "GRUB_CMDLINE_LINUX=rootdelay=5\n");
	tt_write(root, "etc/default/grub.d/notes.txt", "GRUB_CMDLINE_LINUX=\"ignored\"\n");
	assert_int_equal(host_grub_cmdline(&p, NULL, &out, NULL), 0);
	assert_string_equal(out, "rootdelay=5 quiet mitigations=off");
	free(out);
	tt_rmrf(root);
	free(root);
}

static void test_each_bootloader_edits_its_file(void **state)
{
	static const struct {
		enum boot_case c;
		const char *file, *golden;
	} cases[] = {
	        {GRUB_LVM, HOST_GRUB_DROPIN, "host_setup_grub_lvm.argv"},
	        {SDBOOT_ZFS, PP_ETC_KERNEL_CMDLINE, "host_setup_sdboot_zfs.argv"},
	        {GRUB_ZFS_PBT, HOST_GRUB_DROPIN, "host_setup_grub_zfs_pbt.argv"},
	        {GRUB_STRAY, HOST_GRUB_DROPIN, "host_setup_grub_stray.argv"},
	};

	(void)state;
	for (size_t i = 0; i < 4; i++) {
		char *root = mkhost(cases[i].c, "quiet module_blacklist=nouveau"), *before, *after;
		struct host_plan pl, rb;
		struct util_buf argv = {0};
		const struct host_change *ch;
		bool found;

		before = snapshot(root);
		plan_for(root, HOST_MODE_SRIOV_I915, false, &pl);
		assert_int_equal(pl.n_refusals, 0);
		ch = change(&pl, cases[i].file);
		assert_non_null(ch);
		/* merged, not replaced: the user's blacklist entry stays */
		assert_non_null(strstr(ch->new_data, "module_blacklist=nouveau,xe"));
		assert_non_null(strstr(ch->new_data, "i915.enable_guc=3 i915.max_vfs=7"));
		/* the other file is never touched */
		assert_null(change(&pl, cases[i].c == SDBOOT_ZFS ? HOST_GRUB_DROPIN
		                                                 : PP_ETC_KERNEL_CMDLINE));
		assert_null(change(&pl, PP_ETC_DEFAULT_GRUB));
		assert_non_null(change(&pl, HOST_MODULES_FILE));
		/* the VF unit: the package's template enabled for the PF and count, nothing written */
		assert_non_null(change(&pl, VF_LINK));
		assert_true(change(&pl, VF_LINK)->is_link);
		assert_string_equal(change(&pl, VF_LINK)->target, HOST_UNIT_TEMPLATE);
		assert_null(change(&pl, HOST_UNIT_LEGACY));
		assert_int_equal(apply(root, &pl, 0, 0, &argv), 0);
		check_golden(cases[i].golden, util_buf_str(&argv));
		host_plan_free(&pl);
		/* a second setup changes nothing */
		plan_for(root, HOST_MODE_SRIOV_I915, false, &pl);
		assert_int_equal(pl.n_changes, 0);
		assert_int_equal(pl.n_cmds, 0);
		host_plan_free(&pl);
		/* rollback restores every byte, twice is harmless */
		assert_int_equal(rollback(root, false, &rb, &found), 0);
		assert_true(found);
		host_plan_free(&rb);
		after = snapshot(root);
		assert_string_equal(before, after);
		free(after);
		assert_int_equal(rollback(root, false, &rb, &found), 0);
		assert_false(found);
		host_plan_free(&rb);
		util_buf_free(&argv);
		free(before);
		tt_rmrf(root);
		free(root);
	}
}

static void test_injected_failure_every_step(void **state)
{
	(void)state;
	for (int step = 1; step <= 7; step++) {
		char *root = mkhost(GRUB_ZFS_PBT, "quiet i915.enable_gvt=1"), *before, *after;
		struct host_plan pl;
		size_t nch, ncmd;

		before = snapshot(root);
		plan_for(root, HOST_MODE_SRIOV_I915, true, &pl);
		nch = pl.n_changes;
		ncmd = pl.n_cmds;
		/* 4 changes (grub, drop-in, modules, the VF unit's link), 2 commands */
		assert_int_equal(nch, 4);
		assert_int_equal(ncmd, 2);
		if ((size_t)step <= nch)
			assert_int_equal(apply(root, &pl, step, 0, NULL), -EIO);
		else if ((size_t)step <= nch + ncmd)
			assert_int_equal(apply(root, &pl, 0, step - (int)nch, NULL), -EIO);
		else
			assert_int_equal(apply(root, &pl, 0, 0, NULL), 0);
		after = snapshot(root);
		if ((size_t)step <= nch + ncmd)
			assert_string_equal(before, after);
		else
			assert_string_not_equal(before, after);
		host_plan_free(&pl);
		free(before);
		free(after);
		tt_rmrf(root);
		free(root);
	}
}

static void test_conflicts_and_user_edits(void **state)
{
	char *root = mkhost(SDBOOT_ZFS, "quiet i915.enable_gvt=1"), *data, *before;
	struct host_plan pl, rb;
	bool found;
	size_t len;

	(void)state;
	before = snapshot(root);
	/* without consent the conflict is left, and blocks the setup (SR-IOV would not work) */
	plan_for(root, HOST_MODE_SRIOV_I915, false, &pl);
	assert_non_null(strstr(change(&pl, PP_ETC_KERNEL_CMDLINE)->new_data, "i915.enable_gvt=1"));
	assert_int_equal(pl.n_blockers, 1);
	assert_non_null(strstr(pl.blockers[0], "--replace-conflicts"));
	host_plan_free(&pl);
	plan_for(root, HOST_MODE_SRIOV_I915, true, &pl);
	assert_null(strstr(change(&pl, PP_ETC_KERNEL_CMDLINE)->new_data, "enable_gvt"));
	assert_int_equal(apply(root, &pl, 0, 0, NULL), 0);
	host_plan_free(&pl);
	/* the user edits the cmdline and the module file after the setup */
	data = tt_read(root, "etc/kernel/cmdline", &len);
	data[len - 1] = '\0';
	{
		char buf[2048];

		snprintf(buf, sizeof(buf), "%s mitigations=off\n", data);
		tt_write(root, "etc/kernel/cmdline", buf);
	}
	free(data);
	tt_write(root, "etc/modules-load.d/pve-passthrough.conf", "vfio\nmine\n");
	/* refused (with the diff) while the module file differs, unless forced */
	assert_int_equal(rollback(root, false, &rb, &found), 0);
	assert_true(rb.n_refusals == 1);
	assert_non_null(strstr(rb.refusals[0], "+mine"));
	host_plan_free(&rb);
	assert_int_equal(rollback(root, true, &rb, &found), 0);
	host_plan_free(&rb);
	data = tt_read(root, "etc/kernel/cmdline", &len);
	/* only the setup's tokens went; the removed conflict is back; the user's edit stays */
	assert_string_equal(data, "root=ZFS=rpool/ROOT/pve-1 boot=zfs quiet mitigations=off "
	                          "i915.enable_gvt=1\n");
	free(data);
	assert_null(tt_read(root, "etc/modules-load.d/pve-passthrough.conf", &len));
	free(before);
	tt_rmrf(root);
	free(root);
}

static void test_refusals(void **state)
{
	char *root = mkhost(GRUB_LVM, "quiet");
	struct util_paths p;
	struct host_plan pl;
	struct host_facts f = tt_facts_raptor();
	struct host_setup_opts o = {.mode = HOST_MODE_GVTG, .tool = "x"};
	struct util_err e = {0};

	(void)state;
	util_paths_init(&p, root);
	assert_int_equal(host_setup_plan(&p, &o, &f, &pl, &e), 0);
	assert_int_equal(pl.n_refusals, 1);
	assert_non_null(strstr(pl.refusals[0], "has no GVT-g"));
	/* decided first: a refused plan has nothing to show or apply */
	assert_int_equal(pl.n_changes, 0);
	assert_int_equal(pl.n_cmds, 0);
	host_plan_free(&pl);
	/* Rocket Lake: neither */
	f.platform = "Rocket Lake";
	f.device_id = 0x4c8a;
	f.can_sriov_i915 = f.can_sriov_xe = f.can_gvtg = false;
	o.mode = HOST_MODE_SRIOV_I915;
	assert_int_equal(host_setup_plan(&p, &o, &f, &pl, &e), 0);
	assert_non_null(strstr(pl.refusals[0], "neither GVT-g nor SR-IOV"));
	host_plan_free(&pl);
	/* Coffee Lake (Gen9): GVT-g only */
	f.platform = "Coffee Lake";
	f.can_gvtg = true;
	assert_int_equal(host_setup_plan(&p, &o, &f, &pl, &e), 0);
	assert_non_null(strstr(pl.refusals[0], "host setup gvtg"));
	host_plan_free(&pl);
	/* VFs in use and the count would change */
	f = tt_facts_raptor();
	f.numvfs = 7;
	f.vfs_in_use = 1;
	snprintf(f.in_use, sizeof(f.in_use), "0000:00:02.1 bound to vfio-pci");
	o.vfs = 3;
	assert_int_equal(host_setup_plan(&p, &o, &f, &pl, &e), 0);
	assert_non_null(strstr(pl.refusals[0], "stop the VMs that use them"));
	host_plan_free(&pl);
	o.vfs = 7; /* same count: nothing destroyed, allowed */
	assert_int_equal(host_setup_plan(&p, &o, &f, &pl, &e), 0);
	assert_int_equal(pl.n_refusals, 0);
	host_plan_free(&pl);
	tt_rmrf(root);
	free(root);
}

static void test_gvtg_and_scans(void **state)
{
	char *root = mkhost(GRUB_LVM, "quiet i915.enable_guc=3");
	struct util_paths p;
	struct host_plan pl;
	struct host_facts f = tt_facts_raptor();
	struct host_setup_opts o = {.mode = HOST_MODE_GVTG, .tool = "x"};
	struct host_conflict *c;
	size_t n;
	struct util_err e = {0};

	(void)state;
	util_paths_init(&p, root);
	tt_write(root, "etc/modprobe.d/vfio.conf", "options vfio-pci ids=8086:3e92,10de:1c82\n");
	tt_write(root, "etc/modprobe.d/blacklist.conf", "# comment\nblacklist i915\n");
	tt_write(root, "etc/modules", "vfio\nvfio_virqfd\nkvmgt\n");
	tt_write(root, "etc/sysfs.conf",
	         "# devices/x/sriov_numvfs = 1\n"
	         "devices/pci0000:00/0000:00:02.0/sriov_numvfs = 7\n");
	tt_write(root, "etc/rc.local",
	         "#!/bin/sh\necho 7 > /sys/devices/pci0000:00/0000:00:02.0/sriov_numvfs\n");
	assert_int_equal(host_modconf_scan(&p, HOST_MODE_SRIOV_I915, 0x3e92, &c, &n, &e), 0);
	assert_int_equal(n, 4); /* vfio ids, blacklist, vfio_virqfd, kvmgt on SR-IOV */
	assert_string_equal(c[0].file, "/etc/modprobe.d/blacklist.conf");
	assert_int_equal(c[0].line, 2);
	assert_string_equal(c[2].rule, "module-obsolete");
	free(c);
	assert_int_equal(host_modconf_scan(&p, HOST_MODE_GVTG, 0x3e92, &c, &n, &e), 0);
	assert_int_equal(n, 3); /* kvmgt is right for GVT-g */
	free(c);
	assert_int_equal(host_vf_mechanisms_scan(&p, &c, &n, &e), 0);
	assert_int_equal(n, 2);
	assert_string_equal(c[0].file, "/etc/sysfs.conf");
	assert_int_equal(c[0].line, 2);
	assert_string_equal(c[1].file, "/etc/rc.local");
	free(c);
	/* the same places with the PF and count read off each line, plus a udev rule, a tmpfiles.d
	 * w line and the tool's unit (first) */
	{
		struct policy_vf_boot *vb;
		bool enabled = false;

		tt_write(root, "etc/udev/rules.d/70-vfs.rules",
		         "ACTION==\"add\", SUBSYSTEM==\"pci\", KERNEL==\"0000:00:02.0\", "
		         "ATTR{sriov_numvfs}=\"3\"\n");
		tt_write(root, "etc/tmpfiles.d/vfs.conf",
		         "w /sys/bus/pci/devices/0000:00:02.0/sriov_numvfs - - - - 5\n");
		tt_write(root, "etc/systemd/system/pve-passthrough-vfs.service",
		         "[Service]\nExecStart=/usr/sbin/pve-passthrough host vfs 2\n");
		assert_int_equal(host_vf_boot_scan(&p, &vb, &n, &enabled), 0);
		assert_int_equal(n, 5);
		assert_true(vb[0].tool_unit);
		assert_int_equal(vb[0].count, 2);
		assert_false(enabled);
		assert_string_equal(vb[1].file, "/etc/sysfs.conf");
		assert_string_equal(vb[1].pf, "0000:00:02.0");
		assert_int_equal(vb[1].count, 7);
		assert_string_equal(vb[2].file, "/etc/rc.local");
		assert_int_equal(vb[2].count, 7);
		assert_string_equal(vb[3].file, "/etc/tmpfiles.d/vfs.conf");
		assert_int_equal(vb[3].count, 5);
		assert_string_equal(vb[4].file, "/etc/udev/rules.d/70-vfs.rules");
		assert_string_equal(vb[4].pf, "0000:00:02.0");
		assert_int_equal(vb[4].count, 3);
		free(vb);
		rm_rel(root, "etc/udev/rules.d/70-vfs.rules");
		rm_rel(root, "etc/tmpfiles.d/vfs.conf");
		rm_rel(root, "etc/systemd/system/pve-passthrough-vfs.service");
	}
	/* GVT-g on Coffee Lake: kvmgt, enable_gvt; enable_guc is a conflict */
	f.platform = "Coffee Lake";
	f.device_id = 0x3e92;
	f.can_sriov_i915 = f.can_sriov_xe = false;
	f.can_gvtg = true;
	assert_int_equal(host_setup_plan(&p, &o, &f, &pl, &e), 0);
	assert_int_equal(pl.n_refusals, 0);
	assert_non_null(strstr(change(&pl, HOST_GRUB_DROPIN)->new_data, "i915.enable_gvt=1"));
	assert_non_null(strstr(change(&pl, HOST_MODULES_FILE)->new_data, "kvmgt\n"));
	assert_null(strstr(change(&pl, HOST_MODULES_FILE)->new_data, "virqfd"));
	for (size_t i = 0; i < pl.n_changes; i++) /* no VF unit for GVT-g */
		assert_null(strstr(pl.changes[i].path, HOST_UNIT_PREFIX));
	host_plan_free(&pl);
	tt_rmrf(root);
	free(root);
}

static void test_dkms_deb_and_xe(void **state)
{
	char *root = mkhost(GRUB_LVM, "quiet"), deb[4200];
	struct util_paths p;
	struct host_plan pl, rb;
	struct host_facts f = tt_facts_raptor();
	struct host_setup_opts o = {.mode = HOST_MODE_SRIOV_I915, .tool = "x"};
	struct util_buf argv = {0};
	struct util_err e = {0};
	bool found;

	(void)state;
	util_paths_init(&p, root);
	snprintf(deb, sizeof(deb), "%s/i915-sriov-dkms_2025.07.22_amd64.deb", root);
	tt_write(root, "i915-sriov-dkms_2025.07.22_amd64.deb", "!<arch>\n");
	o.dkms_deb = deb;
	assert_int_equal(host_setup_plan(&p, &o, &f, &pl, &e), 0);
	assert_int_equal(pl.n_refusals, 0);
	assert_string_equal(pl.package, "i915-sriov-dkms");
	assert_string_equal(pl.cmds[0].v[0], "dpkg");
	assert_string_equal(pl.cmds[0].v[2], deb);
	assert_int_equal(apply(root, &pl, 0, 0, &argv), 0);
	/* dpkg first, then the unit reload, the initramfs, the bootloader */
	assert_non_null(strstr(util_buf_str(&argv),
	                       "\nsystemctl daemon-reload\nupdate-initramfs -u -k "
	                       "all\nupdate-grub\n"));
	host_plan_free(&pl);
	assert_int_equal(rollback(root, false, &rb, &found), 0);
	assert_true(found);
	assert_int_equal(rb.n_cmds, 4);
	assert_string_equal(rb.cmds[1].v[0], "dpkg");
	assert_string_equal(rb.cmds[1].v[1], "-r");
	assert_string_equal(rb.cmds[1].v[2], "i915-sriov-dkms");
	assert_string_equal(rb.cmds[3].v[0], "update-grub");
	host_plan_free(&rb);
	/* a file that is not a package is refused */
	o.dkms_deb = "/etc/hostname";
	assert_int_equal(host_setup_plan(&p, &o, &f, &pl, &e), 0);
	assert_int_equal(pl.n_refusals, 1);
	host_plan_free(&pl);
	/* the xe path: force_probe with the device id, i915 blacklisted, xe not */
	o.dkms_deb = NULL;
	o.mode = HOST_MODE_SRIOV_XE;
	assert_int_equal(host_setup_plan(&p, &o, &f, &pl, &e), 0);
	assert_non_null(
	        strstr(change(&pl, HOST_GRUB_DROPIN)->new_data,
	               "intel_iommu=on xe.max_vfs=7 xe.force_probe=a7a0 module_blacklist=i915\""));
	host_plan_free(&pl);
	util_buf_free(&argv);
	tt_rmrf(root);
	free(root);
}

static void test_mode_switch_and_stacked_rollbacks(void **state)
{
	char *root = mkhost(GRUB_LVM, "quiet"), *start, *after_sriov, *now;
	struct host_plan pl, rb;
	bool found;
	size_t len;

	(void)state;
	start = snapshot(root);
	plan_for(root, HOST_MODE_SRIOV_I915, false, &pl);
	assert_int_equal(apply(root, &pl, 0, 0, NULL), 0);
	host_plan_free(&pl);
	after_sriov = snapshot(root);
	/* GVT-g afterwards (say, the platform table was wrong): the VF unit and its link go */
	{
		struct util_paths p;
		struct host_facts f = tt_facts_raptor();
		struct host_setup_opts o = {.mode = HOST_MODE_GVTG, .tool = "x"};
		struct util_err e = {0};

		f.can_gvtg = true; /* pretend, to get past the refusal */
		util_paths_init(&p, root);
		assert_int_equal(host_setup_plan(&p, &o, &f, &pl, &e), 0);
		assert_int_equal(pl.n_refusals, 0);
		assert_true(change(&pl, VF_LINK)->remove);
		assert_int_equal(apply(root, &pl, 0, 0, NULL), 0);
		host_plan_free(&pl);
	}
	assert_null(tt_read(root, &VF_LINK[1], &len));
	/* rollbacks undo the last setup first, then the one before */
	assert_int_equal(rollback(root, false, &rb, &found), 0);
	host_plan_free(&rb);
	now = snapshot(root);
	assert_string_equal(now, after_sriov);
	free(now);
	assert_int_equal(rollback(root, false, &rb, &found), 0);
	host_plan_free(&rb);
	now = snapshot(root);
	assert_string_equal(now, start);
	free(now);
	free(start);
	free(after_sriov);
	tt_rmrf(root);
	free(root);
}

/* The VF unit is the package's template: without it setup refuses; the unit file and link of
 * versions before 0.2 go, another count replaces the instance, and the rollbacks give back every
 * byte and link of before (the old unit included). */
static void test_vf_unit_template(void **state)
{
	char *root = mkhost(GRUB_LVM, "quiet"), *start, *now;
	const char *three = HOST_UNIT_WANTS_DIR "/" HOST_UNIT_PREFIX "0000:00:02.0:3.service";
	struct util_paths p;
	struct host_facts f = tt_facts_raptor();
	struct host_setup_opts o = {.mode = HOST_MODE_SRIOV_I915, .tool = "x"};
	struct util_err e = {0};
	struct host_plan pl, rb;
	bool found;
	int n = 0;

	(void)state;
	util_paths_init(&p, root);
	/* the package is not installed: nothing would start the unit */
	{
		char path[PP_PATH_MAX];

		util_path(&p, path, sizeof(path), HOST_UNIT_TEMPLATE);
		assert_int_equal(unlink(path), 0);
	}
	plan_for(root, HOST_MODE_SRIOV_I915, false, &pl);
	assert_int_equal(pl.n_refusals, 1);
	assert_non_null(strstr(pl.refusals[0], HOST_UNIT_TEMPLATE));
	assert_non_null(strstr(pl.refusals[0], "not installed"));
	host_plan_free(&pl);
	install_template(root);
	/* an older version's unit, enabled */
	tt_write(root, &HOST_UNIT_LEGACY[1],
	         "[Service]\nExecStart=/usr/sbin/pve-passthrough host vfs --pf 0000:00:02.0 --wait "
	         "60 7\n");
	tt_symlink(root, &HOST_UNIT_LEGACY_WANTS[1], HOST_UNIT_LEGACY);
	start = snapshot(root);
	plan_for(root, HOST_MODE_SRIOV_I915, false, &pl);
	assert_int_equal(pl.n_refusals, 0);
	assert_true(change(&pl, HOST_UNIT_LEGACY)->remove);
	assert_true(change(&pl, HOST_UNIT_LEGACY_WANTS)->remove);
	assert_string_equal(change(&pl, VF_LINK)->target, HOST_UNIT_TEMPLATE);
	assert_int_equal(apply(root, &pl, 0, 0, NULL), 0);
	host_plan_free(&pl);
	/* 3 VFs instead of 7: one instance goes, the other comes */
	o.vfs = 3;
	assert_int_equal(host_setup_plan(&p, &o, &f, &pl, &e), 0);
	assert_int_equal(pl.n_refusals, 0);
	assert_true(change(&pl, VF_LINK)->remove);
	assert_false(change(&pl, three)->remove);
	assert_string_equal(change(&pl, three)->target, HOST_UNIT_TEMPLATE);
	for (size_t i = 0; i < pl.n_cmds; i++)
		n += strcmp(pl.cmds[i].v[0], "systemctl") == 0;
	assert_int_equal(n, 1); /* daemon-reload */
	assert_int_equal(apply(root, &pl, 0, 0, NULL), 0);
	host_plan_free(&pl);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(rollback(root, false, &rb, &found), 0);
		assert_true(found);
		host_plan_free(&rb);
	}
	now = snapshot(root);
	assert_string_equal(now, start);
	free(now);
	free(start);
	tt_rmrf(root);
	free(root);
}

/* Units and files that only read or test sriov_numvfs are no competing writers (doctor's
 * vfs-other-mechanism); those that write it, in each mechanism's syntax, are.  The system tier's
 * stand-in pve-guests.service (it records the VF count the VMs would find) is read from the tree. */
static void test_numvfs_readers_are_not_writers(void **state)
{
	char *root = tt_mkdtemp(), *standin, got[2048] = "";
	struct util_paths p;
	struct host_conflict *c;
	size_t n, len;
	struct util_err e = {0};

	(void)state;
	util_paths_init(&p, root);
	standin = tt_read(tt_src(""), "tests/system/guest/pve-guests.service", &len);
	assert_non_null(standin);
	tt_write(root, "etc/systemd/system/pve-guests.service", standin);
	free(standin);
	tt_write(
	        root, "etc/systemd/system/check-vfs.service",
	        "[Unit]\nConditionPathExists=/sys/bus/pci/devices/0000:01:00.0/sriov_numvfs\n"
	        "[Service]\n"
	        "ExecCondition=/bin/sh -c 'test -f /sys/bus/pci/devices/0000:01:00.0/sriov_numvfs'\n"
	        "ExecStart=/bin/sh -c '[ \"$(cat /sys/bus/pci/devices/0000:01:00.0/sriov_numvfs)\" "
	        "-gt 0 ] || logger no VFs'\n"
	        "ExecStartPost=/bin/grep -q 3 /sys/bus/pci/devices/0000:01:00.0/sriov_numvfs\n");
	tt_write(
	        root, "etc/systemd/system/vfs-echo.service",
	        "[Service]\nType=oneshot\n"
	        "ExecStart=/bin/sh -c 'echo 4 > /sys/bus/pci/devices/0000:01:00.0/sriov_numvfs'\n");
	tt_write(root, "etc/systemd/system/vfs-tee.service",
	         "[Service]\nExecStart=/bin/sh -c \"echo 2 | tee -a "
	         "'/sys/bus/pci/devices/0000:02:00.0/sriov_numvfs'\"\n");
	tt_write(root, "etc/rc.local",
	         "#!/bin/sh\n"
	         "read n </sys/bus/pci/devices/0000:01:00.0/sriov_numvfs\n"
	         "cat /sys/bus/pci/devices/0000:01:00.0/sriov_numvfs >/run/vfs 2>&1\n"
	         "[ -e /sys/bus/pci/devices/0000:03:00.0/sriov_numvfs ] && "
	         "echo 6 >>/sys/bus/pci/devices/0000:03:00.0/sriov_numvfs\n"
	         "printf 1 | dd of=/sys/bus/pci/devices/0000:04:00.0/sriov_numvfs\n");
	tt_write(root, "etc/sysfs.conf",
	         "mode bus/pci/devices/0000:01:00.0/sriov_numvfs = 0664\n"
	         "owner bus/pci/devices/0000:01:00.0/sriov_numvfs = root:kvm\n"
	         "bus/pci/devices/0000:01:00.0/sriov_numvfs = 7\n");
	tt_write(root, "etc/tmpfiles.d/vfs.conf",
	         "z /sys/bus/pci/devices/0000:01:00.0/sriov_numvfs 0644 root root -\n"
	         "w- /sys/bus/pci/devices/0000:01:00.0/sriov_numvfs - - - - 5\n");
	tt_write(root, "etc/udev/rules.d/70-vfs.rules",
	         "ACTION==\"add\", ATTR{sriov_numvfs}==\"0\", RUN+=\"/bin/logger no VFs\"\n"
	         "ACTION==\"add\", KERNEL==\"0000:01:00.0\", ATTR{sriov_numvfs}=\"3\"\n"
	         "ACTION==\"add\", KERNEL==\"0000:05:00.0\", "
	         "RUN+=\"/bin/sh -c 'echo 2 > /sys%p/sriov_numvfs'\"\n");
	assert_int_equal(host_vf_mechanisms_scan(&p, &c, &n, &e), 0);
	for (size_t i = 0; i < n; i++)
		snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s:%d\n", c[i].file,
		         c[i].line);
	assert_string_equal(got, "/etc/sysfs.conf:3\n"
	                         "/etc/rc.local:4\n"
	                         "/etc/rc.local:5\n"
	                         "/etc/tmpfiles.d/vfs.conf:2\n"
	                         "/etc/udev/rules.d/70-vfs.rules:2\n"
	                         "/etc/udev/rules.d/70-vfs.rules:3\n"
	                         "/etc/systemd/system/vfs-echo.service:3\n"
	                         "/etc/systemd/system/vfs-tee.service:2\n");
	free(c);
	/* the PF and count of each writer, as the host rules see them */
	{
		struct policy_vf_boot *vb;
		bool enabled = false;

		assert_int_equal(host_vf_boot_scan(&p, &vb, &n, &enabled), 0);
		assert_int_equal(n, 8);
		assert_string_equal(vb[1].pf, "0000:03:00.0");
		assert_int_equal(vb[1].count, 6);
		assert_string_equal(vb[6].pf, "0000:01:00.0");
		assert_int_equal(vb[6].count, 4);
		assert_string_equal(vb[7].pf, "0000:02:00.0");
		assert_int_equal(vb[7].count, 2);
		free(vb);
	}
	tt_rmrf(root);
	free(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_detection),
	        cmocka_unit_test(test_grub_cmdline_effective),
	        cmocka_unit_test(test_each_bootloader_edits_its_file),
	        cmocka_unit_test(test_injected_failure_every_step),
	        cmocka_unit_test(test_conflicts_and_user_edits),
	        cmocka_unit_test(test_refusals),
	        cmocka_unit_test(test_gvtg_and_scans),
	        cmocka_unit_test(test_numvfs_readers_are_not_writers),
	        cmocka_unit_test(test_dkms_deb_and_xe),
	        cmocka_unit_test(test_mode_switch_and_stacked_rollbacks),
	        cmocka_unit_test(test_vf_unit_template),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
