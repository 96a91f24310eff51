/* tests/support/fakesys.c - fake sysfs trees and a fake kernel for the sysfs unit tests and the
 * sysfs benchmark (see fakesys.h).  Uses libc only (it is linked into every unit test). */
#include "fakesys.h"

#include <errno.h>
#include <ftw.h>
#include <stdarg.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tmpdir.h"

/* fixture paths live in short temp directories: truncation cannot happen */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wformat-truncation"
#endif

#define DEVDIR "sys/devices/pci0000:00"

static void writef(const char *root, const char *content, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
static void writef(const char *root, const char *content, const char *fmt, ...)
{
	char rel[PATH_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(rel, sizeof(rel), fmt, ap);
	va_end(ap);
	tt_write(root, rel, content);
}

static void relink(const char *root, const char *rel, const char *target)
{
	char full[PATH_MAX];

	snprintf(full, sizeof(full), "%s/%s", root, rel);
	unlink(full);
	tt_symlink(root, rel, target);
}

static void put_le16(unsigned char *c, size_t off, unsigned v)
{
	c[off] = v & 0xff;
	c[off + 1] = (v >> 8) & 0xff;
}

/* 4096 bytes: ids, class, a capability list with a PCI Express capability (so that libpci reads
 * extended capabilities), and an SR-IOV extended capability for a PF. */
static void write_config(const char *root, const char *bdf, unsigned vendor, unsigned device,
                         unsigned class_code, int totalvfs)
{
	unsigned char c[4096];
	char rel[PATH_MAX];

	memset(c, 0, sizeof(c));
	put_le16(c, 0, vendor);
	put_le16(c, 2, device);
	put_le16(c, 6, 0x0010); /* status: capability list */
	c[9] = class_code & 0xff;
	c[10] = (class_code >> 8) & 0xff;
	c[11] = (class_code >> 16) & 0xff;
	c[0x34] = 0x40;
	c[0x40] = 0x10; /* PCI Express */
	c[0x42] = 0x02;
	if (totalvfs > 0) {
		put_le16(c, 0x100, 0x0010); /* SR-IOV, version 1, no next */
		c[0x102] = 0x01;
		put_le16(c, 0x10e, (unsigned)totalvfs);     /* InitialVFs */
		put_le16(c, 0x10e + 2, (unsigned)totalvfs); /* TotalVFs */
		put_le16(c, 0x11a, device);
	}
	snprintf(rel, sizeof(rel), DEVDIR "/%s/config", bdf);
	tt_write_bytes(root, rel, c, sizeof(c));
}

static void read_ids(const char *root, const char *bdf, unsigned *vendor, unsigned *device,
                     unsigned *cls);
static void dev_driver(const char *root, const char *bdf, char *buf, size_t n);

/* uevent as the kernel writes it for a PCI device (DRIVER only while bound) */
static void write_uevent(const char *root, const char *bdf)
{
	char text[512], drv[64], line[96];
	unsigned vendor, device, cls;

	read_ids(root, bdf, &vendor, &device, &cls);
	dev_driver(root, bdf, drv, sizeof(drv));
	text[0] = '\0';
	if (drv[0]) {
		snprintf(line, sizeof(line), "DRIVER=%s\n", drv);
		strcat(text, line);
	}
	snprintf(line, sizeof(line), "PCI_CLASS=%X\nPCI_ID=%04X:%04X\nPCI_SUBSYS_ID=8086:0000\n",
	         cls, vendor, device);
	strcat(text, line);
	snprintf(line, sizeof(line),
	         "PCI_SLOT_NAME=%s\nMODALIAS=pci:v%08Xd%08Xsv00008086sd00000000\n", bdf, vendor,
	         device);
	strcat(text, line);
	writef(root, text, DEVDIR "/%s/uevent", bdf);
}

/* The node's pci.ids, where the tool reads names under --root: the demo host's excerpt of
 * Debian 12's file (examples/demo-host/usr/share/misc/pci.ids), so names never depend on the
 * machine running the tests. */
#define PCI_IDS "usr/share/misc/pci.ids"
static void copy_pci_ids(const char *root)
{
	char *data, *have;
	size_t len;

	if ((have = tt_read(root, PCI_IDS, &len))) {
		free(have);
		return;
	}
	data = tt_read(tt_src("examples/demo-host"), PCI_IDS, &len);
	if (!data)
		abort();
	tt_write_bytes(root, PCI_IDS, data, len);
	free(data);
}

void fs_add_device(const char *root, const char *bdf, unsigned vendor, unsigned device,
                   unsigned class_code)
{
	char buf[32], target[PATH_MAX], rel[PATH_MAX];

	copy_pci_ids(root);
	snprintf(buf, sizeof(buf), "0x%04x\n", vendor);
	writef(root, buf, DEVDIR "/%s/vendor", bdf);
	snprintf(buf, sizeof(buf), "0x%04x\n", device);
	writef(root, buf, DEVDIR "/%s/device", bdf);
	snprintf(buf, sizeof(buf), "0x%06x\n", class_code);
	writef(root, buf, DEVDIR "/%s/class", bdf);
	writef(root, "0x8086\n", DEVDIR "/%s/subsystem_vendor", bdf);
	writef(root, "0x0000\n", DEVDIR "/%s/subsystem_device", bdf);
	writef(root, "(null)\n", DEVDIR "/%s/driver_override", bdf);
	write_config(root, bdf, vendor, device, class_code, 0);
	snprintf(target, sizeof(target), "../../../devices/pci0000:00/%s", bdf);
	snprintf(rel, sizeof(rel), "sys/bus/pci/devices/%s", bdf);
	tt_symlink(root, rel, target);
	write_uevent(root, bdf);
}

void fs_set_driver(const char *root, const char *bdf, const char *driver)
{
	char rel[PATH_MAX], target[PATH_MAX], full[PATH_MAX];

	snprintf(full, sizeof(full), "%s/" DEVDIR "/%s/driver", root, bdf);
	unlink(full);
	if (!driver || !*driver) {
		write_uevent(root, bdf);
		return;
	}
	writef(root, "", "sys/bus/pci/drivers/%s/bind", driver);
	writef(root, "", "sys/bus/pci/drivers/%s/unbind", driver);
	snprintf(rel, sizeof(rel), DEVDIR "/%s/driver", bdf);
	snprintf(target, sizeof(target), "../../../bus/pci/drivers/%s", driver);
	tt_symlink(root, rel, target);
	write_uevent(root, bdf);
}

void fs_set_group(const char *root, const char *bdf, int group)
{
	char rel[PATH_MAX], target[PATH_MAX];

	snprintf(rel, sizeof(rel), "sys/kernel/iommu_groups/%d/devices/%s", group, bdf);
	snprintf(target, sizeof(target), "../../../../devices/pci0000:00/%s", bdf);
	relink(root, rel, target);
	snprintf(rel, sizeof(rel), DEVDIR "/%s/iommu_group", bdf);
	snprintf(target, sizeof(target), "../../../kernel/iommu_groups/%d", group);
	relink(root, rel, target);
}

static void read_ids(const char *root, const char *bdf, unsigned *vendor, unsigned *device,
                     unsigned *cls)
{
	char rel[PATH_MAX], *s;

	snprintf(rel, sizeof(rel), DEVDIR "/%s/vendor", bdf);
	s = tt_read(root, rel, NULL);
	*vendor = s ? (unsigned)strtoul(s, NULL, 16) : 0;
	free(s);
	snprintf(rel, sizeof(rel), DEVDIR "/%s/device", bdf);
	s = tt_read(root, rel, NULL);
	*device = s ? (unsigned)strtoul(s, NULL, 16) : 0;
	free(s);
	snprintf(rel, sizeof(rel), DEVDIR "/%s/class", bdf);
	s = tt_read(root, rel, NULL);
	*cls = s ? (unsigned)strtoul(s, NULL, 16) : 0;
	free(s);
}

void fs_make_pf(const char *root, const char *pf, int total)
{
	char buf[32];
	unsigned vendor, device, cls;

	read_ids(root, pf, &vendor, &device, &cls);
	snprintf(buf, sizeof(buf), "%d\n", total);
	writef(root, buf, DEVDIR "/%s/sriov_totalvfs", pf);
	writef(root, "0\n", DEVDIR "/%s/sriov_numvfs", pf);
	writef(root, "1\n", DEVDIR "/%s/sriov_drivers_autoprobe", pf);
	snprintf(buf, sizeof(buf), "%04x\n", device);
	writef(root, buf, DEVDIR "/%s/sriov_vf_device", pf);
	write_config(root, pf, vendor, device, cls, total);
}

void fs_vf_bdf(const char *pf, int i, char *buf, size_t n)
{
	unsigned dom = 0, bus = 0, dev = 0, fn = 0, slot;

	sscanf(pf, "%x:%x:%x.%x", &dom, &bus, &dev, &fn);
	slot = dev * 8 + fn + 1 + (unsigned)i;
	snprintf(buf, n, "%04x:%02x:%02x.%x", dom, bus, (slot / 8) & 0x1f, slot % 8);
}

static void add_vf(const char *root, const char *pf, int i, int group)
{
	char vf[32], rel[PATH_MAX], target[PATH_MAX];
	unsigned vendor, device, cls;

	read_ids(root, pf, &vendor, &device, &cls);
	fs_vf_bdf(pf, i, vf, sizeof(vf));
	fs_add_device(root, vf, vendor, device, cls);
	/* a VF's own config space reads ffff: ids only in the vendor/device files */
	write_config(root, vf, 0xffff, 0xffff, cls, 0);
	snprintf(rel, sizeof(rel), DEVDIR "/%s/physfn", vf);
	snprintf(target, sizeof(target), "../%s", pf);
	relink(root, rel, target);
	snprintf(rel, sizeof(rel), DEVDIR "/%s/virtfn%d", pf, i);
	snprintf(target, sizeof(target), "../%s", vf);
	relink(root, rel, target);
	if (group >= 0)
		fs_set_group(root, vf, group);
}

void fs_add_vfs(const char *root, const char *pf, int n, int first_group)
{
	char buf[32];

	for (int i = 0; i < n; i++)
		add_vf(root, pf, i, first_group < 0 ? -1 : first_group + i);
	snprintf(buf, sizeof(buf), "%d\n", n);
	writef(root, buf, DEVDIR "/%s/sriov_numvfs", pf);
}

/* Where a parent's directory lives, relative to sys/: a PCI device, or a virtual device such as
 * the kernel's mtty sample ("devices/virtual/mtty/mtty"). */
static void parent_dir(const char *parent, char *buf, size_t n)
{
	if (strchr(parent, ':'))
		snprintf(buf, n, "devices/pci0000:00/%s", parent);
	else
		snprintf(buf, n, "devices/virtual/%s/%s", parent, parent);
}

void fs_add_mdev_type(const char *root, const char *parent, const char *type, const char *name,
                      const char *description, int available)
{
	char buf[PATH_MAX], dir[PATH_MAX], target[PATH_MAX], full[PATH_MAX];

	parent_dir(parent, dir, sizeof(dir));
	writef(root, name, "sys/%s/mdev_supported_types/%s/name", dir, type);
	writef(root, description, "sys/%s/mdev_supported_types/%s/description", dir, type);
	writef(root, "vfio-pci\n", "sys/%s/mdev_supported_types/%s/device_api", dir, type);
	snprintf(buf, sizeof(buf), "%d\n", available);
	writef(root, buf, "sys/%s/mdev_supported_types/%s/available_instances", dir, type);
	writef(root, "", "sys/%s/mdev_supported_types/%s/create", dir, type);
	writef(root, "", "sys/%s/mdev_supported_types/%s/devices/.keep", dir, type);
	snprintf(buf, sizeof(buf), "sys/class/mdev_bus/%s", parent);
	snprintf(full, sizeof(full), "%s/%s", root, buf);
	snprintf(target, sizeof(target), "../../%s", dir);
	if (access(full, F_OK) != 0)
		tt_symlink(root, buf, target);
}

void fs_add_mdev(const char *root, const char *parent, const char *type, const char *uuid)
{
	char rel[PATH_MAX], target[PATH_MAX], dir[PATH_MAX];

	parent_dir(parent, dir, sizeof(dir));
	writef(root, "", "sys/%s/%s/remove", dir, uuid);
	snprintf(rel, sizeof(rel), "sys/%s/%s/mdev_type", dir, uuid);
	snprintf(target, sizeof(target), "../mdev_supported_types/%s", type);
	relink(root, rel, target);
	snprintf(rel, sizeof(rel), "sys/%s/mdev_supported_types/%s/devices/%s", dir, type, uuid);
	snprintf(target, sizeof(target), "../../../%s", uuid);
	relink(root, rel, target);
	snprintf(rel, sizeof(rel), "sys/bus/mdev/devices/%s", uuid);
	snprintf(target, sizeof(target), "../../../%s/%s", dir, uuid);
	relink(root, rel, target);
}

void fs_set_iommu(const char *root, bool on)
{
	char full[PATH_MAX];

	tt_mkdir(root, "sys/class/iommu");
	snprintf(full, sizeof(full), "%s/sys/class/iommu/dmar0", root);
	if (on) {
		if (access(full, F_OK) != 0)
			tt_symlink(root, "sys/class/iommu/dmar0",
			           "../../devices/virtual/iommu/dmar0");
		tt_mkdir(root, "sys/devices/virtual/iommu/dmar0");
	} else {
		unlink(full);
	}
}

void fs_set_module_param(const char *root, const char *module, const char *param, const char *value)
{
	char buf[256];

	snprintf(buf, sizeof(buf), "%s\n", value);
	writef(root, buf, "sys/module/%s/parameters/%s", module, param);
}

void fs_set_kernel(const char *root, const char *release, const char *cmdline)
{
	char buf[4200];

	snprintf(buf, sizeof(buf), "%s\n", release);
	tt_write(root, "proc/sys/kernel/osrelease", buf);
	snprintf(buf, sizeof(buf), "%s\n", cmdline);
	tt_write(root, "proc/cmdline", buf);
}

/* ---------------------------------------------------------------- the fake kernel */

void fs_kernel_init(struct fs_kernel *k, const char *root)
{
	memset(k, 0, sizeof(*k));
	snprintf(k->root, sizeof(k->root), "%s", root);
	k->probe_default = "";
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

static void rmtree(const char *path)
{
	nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static int read_int(const char *root, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int read_int(const char *root, const char *fmt, ...)
{
	char rel[PATH_MAX], *s;
	va_list ap;
	int v;

	va_start(ap, fmt);
	vsnprintf(rel, sizeof(rel), fmt, ap);
	va_end(ap);
	s = tt_read(root, rel, NULL);
	if (!s)
		return -1;
	v = atoi(s);
	free(s);
	return v;
}

static void link_target_base(const char *root, const char *rel, char *buf, size_t n)
{
	char full[PATH_MAX], t[PATH_MAX];
	ssize_t len;

	buf[0] = '\0';
	snprintf(full, sizeof(full), "%s/%s", root, rel);
	len = readlink(full, t, sizeof(t) - 1);
	if (len <= 0)
		return;
	t[len] = '\0';
	snprintf(buf, n, "%s", strrchr(t, '/') ? strrchr(t, '/') + 1 : t);
}

static void dev_driver(const char *root, const char *bdf, char *buf, size_t n)
{
	char rel[PATH_MAX];

	snprintf(rel, sizeof(rel), DEVDIR "/%s/driver", bdf);
	link_target_base(root, rel, buf, n);
}

static int k_bind(struct fs_kernel *k, const char *bdf, const char *drv);

static int k_numvfs(struct fs_kernel *k, const char *pf, const char *data)
{
	char drv[64], rel[PATH_MAX], vf[32], full[PATH_MAX];
	int n = atoi(data), cur, total, make;

	dev_driver(k->root, pf, drv, sizeof(drv));
	if (!drv[0] || strcmp(drv, "vfio-pci") == 0)
		return -ENOENT;
	total = read_int(k->root, DEVDIR "/%s/sriov_totalvfs", pf);
	cur = read_int(k->root, DEVDIR "/%s/sriov_numvfs", pf);
	if (n > total)
		return -ERANGE;
	if (n == cur)
		return 0;
	if (cur != 0 && n != 0)
		return -EBUSY;
	if (n == 0) {
		for (int i = 0; i < cur; i++) {
			fs_vf_bdf(pf, i, vf, sizeof(vf));
			snprintf(full, sizeof(full), "%s/" DEVDIR "/%s", k->root, vf);
			rmtree(full);
			snprintf(full, sizeof(full), "%s/sys/bus/pci/devices/%s", k->root, vf);
			unlink(full);
			snprintf(full, sizeof(full), "%s/" DEVDIR "/%s/virtfn%d", k->root, pf, i);
			unlink(full);
		}
		writef(k->root, "0\n", DEVDIR "/%s/sriov_numvfs", pf);
		return 0;
	}
	make = k->vf_limit > 0 && k->vf_limit < n ? k->vf_limit : n;
	fs_add_vfs(k->root, pf, make, 100);
	/* with sriov_drivers_autoprobe on, new VFs are probed (bound to the default driver) */
	if (read_int(k->root, DEVDIR "/%s/sriov_drivers_autoprobe", pf) != 0 && k->probe_default &&
	    *k->probe_default)
		for (int i = 0; i < make; i++) {
			fs_vf_bdf(pf, i, vf, sizeof(vf));
			k_bind(k, vf, k->probe_default);
		}
	snprintf(rel, sizeof(rel), "%d\n", make);
	writef(k->root, rel, DEVDIR "/%s/sriov_numvfs", pf);
	return 0;
}

static int k_create(struct fs_kernel *k, const char *parent, const char *type, const char *data)
{
	char uuid[64], full[PATH_MAX], buf[32];
	size_t len = strcspn(data, "\n");
	int avail;

	if (len != 36)
		return -EINVAL;
	memcpy(uuid, data, len);
	uuid[len] = '\0';
	snprintf(full, sizeof(full), "%s/sys/bus/mdev/devices/%s", k->root, uuid);
	if (access(full, F_OK) == 0)
		return -EEXIST;
	snprintf(full, sizeof(full),
	         "sys/class/mdev_bus/%s/mdev_supported_types/%s/available_instances", parent, type);
	avail = read_int(k->root, "%s", full);
	if (avail <= 0)
		return -EUSERS;
	fs_add_mdev(k->root, parent, type, uuid);
	snprintf(buf, sizeof(buf), "%d\n", avail - 1);
	tt_write(k->root, full, buf);
	return 0;
}

static int k_remove(struct fs_kernel *k, const char *uuid)
{
	char rel[PATH_MAX], full[PATH_MAX], t[PATH_MAX], parent[32], type[128], buf[32];
	ssize_t len;
	int avail;

	snprintf(full, sizeof(full), "%s/sys/bus/mdev/devices/%s", k->root, uuid);
	len = readlink(full, t, sizeof(t) - 1);
	if (len <= 0)
		return -ENODEV;
	t[len] = '\0';
	*strrchr(t, '/') = '\0';
	snprintf(parent, sizeof(parent), "%s", strrchr(t, '/') + 1);
	snprintf(rel, sizeof(rel), "sys/bus/mdev/devices/%s/mdev_type", uuid);
	link_target_base(k->root, rel, type, sizeof(type));
	unlink(full);
	snprintf(full, sizeof(full), "%s/sys/class/mdev_bus/%s/%s", k->root, parent, uuid);
	rmtree(full);
	snprintf(full, sizeof(full), "%s/sys/class/mdev_bus/%s/mdev_supported_types/%s/devices/%s",
	         k->root, parent, type, uuid);
	unlink(full);
	snprintf(rel, sizeof(rel),
	         "sys/class/mdev_bus/%s/mdev_supported_types/%s/available_instances", parent, type);
	avail = read_int(k->root, "%s", rel);
	snprintf(buf, sizeof(buf), "%d\n", avail + 1);
	tt_write(k->root, rel, buf);
	return 0;
}

static int k_bind(struct fs_kernel *k, const char *bdf, const char *drv)
{
	char full[PATH_MAX], cur[64];

	snprintf(full, sizeof(full), "%s/sys/bus/pci/drivers/%s", k->root, drv);
	if (access(full, F_OK) != 0)
		return -ENODEV; /* module not loaded */
	dev_driver(k->root, bdf, cur, sizeof(cur));
	if (cur[0])
		return -EBUSY;
	/* vfio-pci's probe refuses a device outside an IOMMU group (no IOMMU, or it is off) */
	snprintf(full, sizeof(full), "%s/" DEVDIR "/%s/iommu_group", k->root, bdf);
	if (strcmp(drv, "vfio-pci") == 0 && access(full, F_OK) != 0)
		return -EINVAL;
	fs_set_driver(k->root, bdf, drv);
	return 0;
}

static int k_probe(struct fs_kernel *k, const char *bdf)
{
	char rel[PATH_MAX], cur[64], *ov;
	int r = 0;

	dev_driver(k->root, bdf, cur, sizeof(cur));
	if (cur[0])
		return 0;
	snprintf(rel, sizeof(rel), DEVDIR "/%s/driver_override", bdf);
	ov = tt_read(k->root, rel, NULL);
	if (!ov)
		return -ENODEV;
	ov[strcspn(ov, "\n")] = '\0';
	if (strcmp(ov, "(null)") != 0)
		k_bind(k, bdf, ov); /* a driver that does not exist: nothing binds, no error */
	else if (k->probe_default && *k->probe_default)
		k_bind(k, bdf, k->probe_default);
	free(ov);
	return r;
}

static int react(struct fs_kernel *k, const char *rel, const char *data)
{
	char a[128], b[128];
	const char *base = strrchr(rel, '/') + 1;
	char full[PATH_MAX];

	if (sscanf(rel, "/sys/class/mdev_bus/%127[^/]/mdev_supported_types/%127[^/]/create", a,
	           b) == 2)
		return k_create(k, a, b, data);
	if (sscanf(rel, "/sys/bus/mdev/devices/%127[^/]/remove", a) == 1)
		return strncmp(data, "1", 1) == 0 ? k_remove(k, a) : -EINVAL;
	if (sscanf(rel, "/sys/bus/pci/devices/%127[^/]/%127s", a, b) == 2) {
		snprintf(full, sizeof(full), "%s/" DEVDIR "/%s", k->root, a);
		if (access(full, F_OK) != 0)
			return -ENOENT;
		if (strcmp(b, "sriov_numvfs") == 0)
			return k_numvfs(k, a, data);
		if (strcmp(b, "driver_override") == 0) {
			size_t len = strcspn(data, "\n");
			char v[128];

			snprintf(v, sizeof(v), "%.*s\n", (int)len, data);
			writef(k->root, len ? v : "(null)\n", DEVDIR "/%s/driver_override", a);
			return 0;
		}
	}
	if (strcmp(rel, "/sys/bus/pci/drivers_probe") == 0) {
		snprintf(a, sizeof(a), "%.*s", (int)strcspn(data, "\n"), data);
		return k_probe(k, a);
	}
	if (sscanf(rel, "/sys/bus/pci/drivers/%127[^/]/", a) == 1) {
		char cur[64];

		snprintf(b, sizeof(b), "%.*s", (int)strcspn(data, "\n"), data);
		if (strcmp(base, "unbind") == 0) {
			dev_driver(k->root, b, cur, sizeof(cur));
			if (strcmp(cur, a) != 0)
				return -ENODEV;
			fs_set_driver(k->root, b, NULL);
			return 0;
		}
		if (strcmp(base, "bind") == 0)
			return k_bind(k, b, a);
	}
	/* anything else: a plain attribute that must exist */
	snprintf(full, sizeof(full), "%s%s", k->root, rel);
	if (access(full, F_OK) != 0)
		return -ENOENT;
	tt_write(k->root, rel + 1, data);
	return 0;
}

int fs_kernel_write(void *arg, const char *path, const char *data, size_t len)
{
	struct fs_kernel *k = arg;
	size_t rl = strlen(k->root);
	const char *rel = strncmp(path, k->root, rl) == 0 ? path + rl : path;
	char copy[256];
	struct fs_write_rec *rec = k->n_log < 64 ? &k->log[k->n_log++] : NULL;
	int r;

	snprintf(copy, sizeof(copy), "%.*s", (int)len, data);
	if (k->fail_suffix && strlen(rel) >= strlen(k->fail_suffix) &&
	    strcmp(rel + strlen(rel) - strlen(k->fail_suffix), k->fail_suffix) == 0 &&
	    k->fail_skip-- <= 0) {
		r = -k->fail_errno;
		k->fail_suffix = NULL;
		k->fail_skip = 0;
	} else {
		r = react(k, rel, copy);
	}
	if (rec) {
		snprintf(rec->path, sizeof(rec->path), "%s", rel);
		snprintf(rec->data, sizeof(rec->data), "%s", copy);
		rec->result = r;
	}
	return r;
}
