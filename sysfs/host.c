/* sysfs/host.c - reads the host snapshot of sysfs/host.h in one pass of directory reads:
 * a pre-scan of /sys/bus/pci/devices (entries libpci would die on are skipped with a warning),
 * libpci for enumeration and names (sysfs/pcilib.c), then each device's text attributes and
 * links through one directory descriptor per device, mdev types and instances, IOMMU, kernel,
 * cmdline and module parameters.
 * Must not know anything of VMs, must not print, must not write. */
#include "sysfs/host.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sysfs/pcilib.h"
#include "util/fileio.h"

static const char *const module_names[4] = {"i915", "xe", "kvmgt", "vfio_pci"};

static int warn_add(struct sysfs_host *h, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));
static int warn_add(struct sysfs_host *h, const char *fmt, ...)
{
	char **nw, *msg;
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (r < 0)
		return -ENOMEM;
	nw = realloc(h->warnings, (h->n_warnings + 1) * sizeof(*nw));
	if (!nw) {
		free(msg);
		return -ENOMEM;
	}
	h->warnings = nw;
	h->warnings[h->n_warnings++] = msg;
	return 0;
}

static void pci_warn(void *arg, const char *msg)
{
	warn_add(arg, "libpci: %s", msg);
}

/* Reads a small attribute relative to a directory descriptor; trailing whitespace trimmed. */
static int attr_at(int dfd, const char *name, char *buf, size_t n)
{
	ssize_t got;
	int fd;

	buf[0] = '\0';
	fd = openat(dfd, name, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	do
		got = read(fd, buf, n - 1);
	while (got < 0 && errno == EINTR);
	if (got < 0) {
		int r = -errno;

		close(fd);
		return r;
	}
	close(fd);
	while (got > 0 && (buf[got - 1] == '\n' || buf[got - 1] == ' ' || buf[got - 1] == '\t'))
		got--;
	buf[got] = '\0';
	return 0;
}

static int attr_long_at(int dfd, const char *name, int base, long *out)
{
	char buf[64], *end;
	long v;
	int r = attr_at(dfd, name, buf, sizeof(buf));

	if (r < 0)
		return r;
	errno = 0;
	v = strtol(buf, &end, base);
	if (errno || end == buf || *end)
		return -EINVAL;
	*out = v;
	return 0;
}

/* The last component of a symlink's target ("../../../0000:00:02.0" -> "0000:00:02.0"). */
static int link_base_at(int dfd, const char *name, char *buf, size_t n)
{
	char target[1024];
	const char *base;
	ssize_t len = readlinkat(dfd, name, target, sizeof(target) - 1);

	buf[0] = '\0';
	if (len < 0)
		return -errno;
	target[len] = '\0';
	while (len > 1 && target[len - 1] == '/')
		target[--len] = '\0';
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	if (strlen(base) >= n)
		return -ENAMETOOLONG;
	strcpy(buf, base);
	return 0;
}

/* Copies with truncation (all attribute values here are short; a longer one is cut, not refused). */
static void scopy(char *dst, size_t n, const char *src)
{
	size_t len = strnlen(src, n - 1);

	memcpy(dst, src, len);
	dst[len] = '\0';
}

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

/* "dddd:bb:dd.f" with lowercase hex, as the kernel names devices (domain 4 to 7 digits). */
static bool is_bdf(const char *s)
{
	size_t len = strlen(s), dom = len - 8, i;

	if (len < 12 || len >= SYSFS_BDF_LEN)
		return false;
	for (i = 0; i < dom; i++)
		if (!is_hex(s[i]))
			return false;
	s += dom;
	return s[0] == ':' && is_hex(s[1]) && is_hex(s[2]) && s[3] == ':' && is_hex(s[4]) &&
	       is_hex(s[5]) && s[6] == '.' && s[7] >= '0' && s[7] <= '7' &&
	       strtol(s + 4, NULL, 16) <= 0x1f;
}

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct sysfs_pci_entry *)a)->bdf,
	              ((const struct sysfs_pci_entry *)b)->bdf);
}

static int cmp_device(const void *a, const void *b)
{
	return strcmp(((const struct sysfs_device *)a)->bdf, ((const struct sysfs_device *)b)->bdf);
}

/* A device entry libpci can read: vendor, device and class present and hex. */
static const char *entry_problem(int devfd, const char *name)
{
	static const char *const files[] = {"vendor", "device", "class"};
	char rel[300], buf[32], *end;

	for (size_t i = 0; i < 3; i++) {
		snprintf(rel, sizeof(rel), "%s/%s", name, files[i]);
		if (attr_at(devfd, rel, buf, sizeof(buf)) < 0)
			return files[i];
		if (strtoul(buf, &end, 16), end == buf || *end)
			return files[i];
	}
	return NULL;
}

/* Pre-scan of devices/: the bdf entries libpci can read, sorted; the rest become warnings.
 * *clean is false when anything was skipped (then libpci must not scan the directory itself). */
static int prescan(struct sysfs_host *h, int devfd, const char *shown, struct sysfs_pci_entry **out,
                   size_t *n_out, bool *clean, struct util_err *e)
{
	struct sysfs_pci_entry *ents = NULL, *ne;
	size_t n = 0, cap = 0;
	struct dirent *de;
	int fd = dup(devfd);
	DIR *d;

	*clean = true;
	if (fd < 0 || !(d = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return util_err_errno(e, -errno, "cannot list %s", shown);
	}
	while ((de = readdir(d))) {
		const char *bad;

		if (de->d_name[0] == '.')
			continue;
		if (!is_bdf(de->d_name)) {
			warn_add(h, "%s/%s: not a PCI address, skipped", shown, de->d_name);
			*clean = false;
			continue;
		}
		bad = entry_problem(devfd, de->d_name);
		if (bad) {
			warn_add(h, "%s/%s: incomplete device entry (no readable '%s'), skipped",
			         shown, de->d_name, bad);
			*clean = false;
			continue;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			ne = realloc(ents, cap * sizeof(*ents));
			if (!ne) {
				closedir(d);
				free(ents);
				return util_err_set(e, -ENOMEM, "out of memory listing %s", shown);
			}
			ents = ne;
		}
		memset(&ents[n], 0, sizeof(ents[n]));
		strcpy(ents[n++].bdf, de->d_name);
	}
	closedir(d);
	if (n)
		qsort(ents, n, sizeof(*ents), cmp_entry);
	*out = ents;
	*n_out = n;
	return 0;
}

static void parse_description(struct sysfs_mdev_type *t)
{
	char *save = NULL, copy[sizeof(t->description)], *line;

	t->low_gm_mb = t->high_gm_mb = t->fence = t->weight = -1;
	t->resolution[0] = '\0';
	snprintf(copy, sizeof(copy), "%s", t->description);
	for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *colon = strchr(line, ':'), *v;

		if (!colon)
			continue;
		*colon = '\0';
		v = colon + 1;
		while (*v == ' ' || *v == '\t')
			v++;
		if (strcmp(line, "low_gm_size") == 0)
			t->low_gm_mb = strtol(v, NULL, 10);
		else if (strcmp(line, "high_gm_size") == 0)
			t->high_gm_mb = strtol(v, NULL, 10);
		else if (strcmp(line, "fence") == 0)
			t->fence = strtol(v, NULL, 10);
		else if (strcmp(line, "weight") == 0)
			t->weight = strtol(v, NULL, 10);
		else if (strcmp(line, "resolution") == 0)
			snprintf(t->resolution, sizeof(t->resolution), "%s", v);
	}
}

static int cmp_mdev_type(const void *a, const void *b)
{
	return strcmp(((const struct sysfs_mdev_type *)a)->id,
	              ((const struct sysfs_mdev_type *)b)->id);
}

static int read_mdev_types(int dfd, struct sysfs_device *dev)
{
	int fd = openat(dfd, "mdev_supported_types", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct dirent *de;
	size_t cap = 0;
	DIR *d;

	if (fd < 0)
		return errno == ENOENT || errno == ENOTDIR ? 0 : -errno;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return -errno;
	}
	while ((de = readdir(d))) {
		struct sysfs_mdev_type *t;
		char rel[300];
		long v;

		if (de->d_name[0] == '.' || strlen(de->d_name) >= sizeof(t->id))
			continue;
		if (dev->n_mdev_types == cap) {
			struct sysfs_mdev_type *nt;

			cap = cap ? cap * 2 : 8;
			nt = realloc(dev->mdev_types, cap * sizeof(*nt));
			if (!nt) {
				closedir(d);
				return -ENOMEM;
			}
			dev->mdev_types = nt;
		}
		t = &dev->mdev_types[dev->n_mdev_types++];
		memset(t, 0, sizeof(*t));
		strcpy(t->id, de->d_name);
		snprintf(rel, sizeof(rel), "%s/name", de->d_name);
		attr_at(dirfd(d), rel, t->name, sizeof(t->name));
		snprintf(rel, sizeof(rel), "%s/description", de->d_name);
		attr_at(dirfd(d), rel, t->description, sizeof(t->description));
		snprintf(rel, sizeof(rel), "%s/device_api", de->d_name);
		attr_at(dirfd(d), rel, t->device_api, sizeof(t->device_api));
		snprintf(rel, sizeof(rel), "%s/available_instances", de->d_name);
		t->available = attr_long_at(dirfd(d), rel, 10, &v) == 0 ? v : -1;
		parse_description(t);
	}
	closedir(d);
	if (dev->n_mdev_types > 1)
		qsort(dev->mdev_types, dev->n_mdev_types, sizeof(*dev->mdev_types), cmp_mdev_type);
	return 0;
}

/* All attributes of one device, through the descriptor of its directory. */
static int read_device(int dfd, struct sysfs_device *dev)
{
	char buf[128], name[32];
	long v;
	int r;

	if (attr_long_at(dfd, "vendor", 16, &v) == 0)
		dev->vendor = (unsigned)v;
	if (attr_long_at(dfd, "device", 16, &v) == 0)
		dev->device = (unsigned)v;
	if (attr_long_at(dfd, "subsystem_vendor", 16, &v) == 0)
		dev->subsystem_vendor = (unsigned)v;
	if (attr_long_at(dfd, "subsystem_device", 16, &v) == 0)
		dev->subsystem_device = (unsigned)v;
	if (attr_long_at(dfd, "class", 16, &v) == 0)
		dev->class_code = (unsigned)v;
	link_base_at(dfd, "driver", dev->driver, sizeof(dev->driver));
	if (attr_at(dfd, "driver_override", buf, sizeof(buf)) == 0 && strcmp(buf, "(null)") != 0)
		scopy(dev->driver_override, sizeof(dev->driver_override), buf);
	dev->iommu_group = -1;
	if (link_base_at(dfd, "iommu_group", buf, sizeof(buf)) == 0)
		dev->iommu_group = atoi(buf);
	dev->totalvfs = dev->numvfs = -1;
	dev->vf_index = -1;
	dev->role = SYSFS_ROLE_DEVICE;
	if (attr_long_at(dfd, "sriov_totalvfs", 10, &v) == 0) {
		size_t cap = 0;

		dev->role = SYSFS_ROLE_PF;
		dev->totalvfs = (int)v;
		dev->numvfs = attr_long_at(dfd, "sriov_numvfs", 10, &v) == 0 ? (int)v : -1;
		for (unsigned i = 0; i < 65536; i++) {
			char vf[SYSFS_BDF_LEN];

			snprintf(name, sizeof(name), "virtfn%u", i);
			if (link_base_at(dfd, name, vf, sizeof(vf)) < 0)
				break;
			if (dev->n_vfs == cap) {
				char(*nv)[SYSFS_BDF_LEN];

				cap = cap ? cap * 2 : 8;
				nv = realloc(dev->vfs, cap * sizeof(*nv));
				if (!nv)
					return -ENOMEM;
				dev->vfs = nv;
			}
			strcpy(dev->vfs[dev->n_vfs++], vf);
		}
	}
	if (link_base_at(dfd, "physfn", dev->physfn, sizeof(dev->physfn)) == 0)
		dev->role = SYSFS_ROLE_VF;
	r = read_mdev_types(dfd, dev);
	if (r < 0)
		return r;
	if (dev->vendor == 0x8086 && (dev->class_code >> 16) == 0x03)
		dev->platform = sysfs_igpu_lookup(dev->device);
	return 0;
}

static int read_devices(const struct util_paths *p, unsigned flags, struct sysfs_host *h,
                        struct util_err *e)
{
	char path[PP_PATH_MAX], buspath[PP_PATH_MAX];
	struct sysfs_pci_entry *ents = NULL;
	size_t n = 0;
	bool clean;
	int devfd, r;

	if (util_path(p, path, sizeof(path), PP_SYS_PCI_DEVICES) < 0 ||
	    util_path(p, buspath, sizeof(buspath), PP_SYS_BUS_PCI) < 0)
		return util_err_set(e, -ENAMETOOLONG, "--root: path too long");
	devfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (devfd < 0) {
		if (errno == ENOENT) /* no PCI bus here (a container, a --root without sys/) */
			return warn_add(h, "%s does not exist: no PCI devices listed",
			                PP_SYS_PCI_DEVICES);
		return util_err_errno(e, -errno, "cannot open %s", path);
	}
	r = prescan(h, devfd, PP_SYS_PCI_DEVICES, &ents, &n, &clean, e);
	if (r == 0 && n)
		r = sysfs_pci_enumerate(buspath, ents, n, clean, flags & SYSFS_READ_NAMES, pci_warn,
		                        h, e);
	if (r == 0 && n) {
		h->devices = calloc(n, sizeof(*h->devices));
		if (!h->devices)
			r = util_err_set(e, -ENOMEM, "out of memory reading %s", path);
	}
	for (size_t i = 0; r == 0 && i < n; i++) {
		struct sysfs_device *dev;
		int dfd;

		if (!ents[i].seen)
			continue;
		dfd = openat(devfd, ents[i].bdf, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (dfd < 0) { /* removed since the pre-scan (VFs being disabled) */
			warn_add(h, "%s/%s: vanished while reading, skipped", PP_SYS_PCI_DEVICES,
			         ents[i].bdf);
			continue;
		}
		dev = &h->devices[h->n_devices++];
		strcpy(dev->bdf, ents[i].bdf);
		strcpy(dev->vendor_name, ents[i].vendor_name);
		strcpy(dev->device_name, ents[i].device_name);
		r = read_device(dfd, dev);
		close(dfd);
		if (r < 0)
			r = util_err_errno(e, r, "cannot read %s/%s", path, ents[i].bdf);
	}
	close(devfd);
	free(ents);
	if (r < 0)
		return r;
	/* each VF's index is N of its PF's virtfnN link */
	for (size_t i = 0; i < h->n_devices; i++) {
		const struct sysfs_device *pf = &h->devices[i];

		for (size_t k = 0; k < pf->n_vfs; k++) {
			struct sysfs_device *vf =
			        (struct sysfs_device *)sysfs_host_find(h, pf->vfs[k]);

			if (vf && strcmp(vf->physfn, pf->bdf) == 0)
				vf->vf_index = (int)k;
		}
	}
	return 0;
}

static int cmp_mdev(const void *a, const void *b)
{
	return strcmp(((const struct sysfs_mdev *)a)->uuid, ((const struct sysfs_mdev *)b)->uuid);
}

static int read_mdevs(const struct util_paths *p, struct sysfs_host *h)
{
	char path[PP_PATH_MAX];
	struct dirent *de;
	size_t cap = 0;
	DIR *d;

	if (util_path(p, path, sizeof(path), PP_SYS_MDEV_DEVICES) < 0)
		return -ENAMETOOLONG;
	d = opendir(path);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d))) {
		char target[1024], rel[300], *slash;
		struct sysfs_mdev *m;
		ssize_t len;

		if (de->d_name[0] == '.' || strlen(de->d_name) >= sizeof(m->uuid))
			continue;
		if (h->n_mdevs == cap) {
			struct sysfs_mdev *nm;

			cap = cap ? cap * 2 : 8;
			nm = realloc(h->mdevs, cap * sizeof(*nm));
			if (!nm) {
				closedir(d);
				return -ENOMEM;
			}
			h->mdevs = nm;
		}
		m = &h->mdevs[h->n_mdevs++];
		memset(m, 0, sizeof(*m));
		strcpy(m->uuid, de->d_name);
		snprintf(rel, sizeof(rel), "%s/mdev_type", de->d_name);
		link_base_at(dirfd(d), rel, m->type, sizeof(m->type));
		/* the entry links to <parent device dir>/<uuid> */
		len = readlinkat(dirfd(d), de->d_name, target, sizeof(target) - 1);
		if (len > 0) {
			target[len] = '\0';
			slash = strrchr(target, '/');
			if (slash) {
				*slash = '\0';
				slash = strrchr(target, '/');
				slash = slash ? slash + 1 : target;
				if (is_bdf(slash))
					strcpy(m->parent, slash);
			}
		}
	}
	closedir(d);
	if (h->n_mdevs > 1)
		qsort(h->mdevs, h->n_mdevs, sizeof(*h->mdevs), cmp_mdev);
	return 0;
}

static int cmp_param(const void *a, const void *b)
{
	return strcmp(((const struct sysfs_module_param *)a)->name,
	              ((const struct sysfs_module_param *)b)->name);
}

static int read_module(const struct util_paths *p, struct sysfs_module *m, const char *name)
{
	char path[PP_PATH_MAX];
	struct dirent *de;
	size_t cap = 0;
	int fd;
	DIR *d;

	snprintf(m->name, sizeof(m->name), "%s", name);
	if (util_path(p, path, sizeof(path), PP_SYS_MODULE "/%s", name) < 0)
		return -ENAMETOOLONG;
	fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	m->loaded = true;
	d = NULL;
	{
		int pfd = openat(fd, "parameters", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		close(fd);
		if (pfd < 0)
			return 0;
		d = fdopendir(pfd);
		if (!d) {
			close(pfd);
			return -errno;
		}
	}
	while ((de = readdir(d))) {
		struct sysfs_module_param *mp;

		if (de->d_name[0] == '.' || strlen(de->d_name) >= sizeof(mp->name))
			continue;
		if (m->n_params == cap) {
			struct sysfs_module_param *np;

			cap = cap ? cap * 2 : 16;
			np = realloc(m->params, cap * sizeof(*np));
			if (!np) {
				closedir(d);
				return -ENOMEM;
			}
			m->params = np;
		}
		mp = &m->params[m->n_params];
		strcpy(mp->name, de->d_name);
		if (attr_at(dirfd(d), de->d_name, mp->value, sizeof(mp->value)) < 0)
			continue; /* write-only parameter */
		m->n_params++;
	}
	closedir(d);
	if (m->n_params > 1)
		qsort(m->params, m->n_params, sizeof(*m->params), cmp_param);
	return 0;
}

static bool dir_has_entry(const char *path)
{
	struct dirent *de;
	bool any = false;
	DIR *d = opendir(path);

	if (!d)
		return false;
	while (!any && (de = readdir(d)))
		any = de->d_name[0] != '.';
	closedir(d);
	return any;
}

int sysfs_host_read_flags(const struct util_paths *p, unsigned flags, struct sysfs_host **out,
                          struct util_err *e)
{
	struct sysfs_host *h = calloc(1, sizeof(*h));
	char path[PP_PATH_MAX];
	int r;

	*out = NULL;
	if (!h)
		return util_err_set(e, -ENOMEM, "out of memory");
	r = read_devices(p, flags, h, e);
	if (r == 0) {
		r = read_mdevs(p, h);
		if (r < 0)
			r = util_err_errno(e, r, "cannot read %s", PP_SYS_MDEV_DEVICES);
	}
	for (size_t i = 0; r == 0 && i < 4; i++) {
		r = read_module(p, &h->modules[i], module_names[i]);
		if (r < 0)
			r = util_err_errno(e, r, "cannot read %s/%s", PP_SYS_MODULE,
			                   module_names[i]);
	}
	if (r < 0) {
		sysfs_host_free(h);
		return r;
	}
	if (util_path(p, path, sizeof(path), PP_SYS_CLASS_IOMMU) == 0)
		h->iommu = dir_has_entry(path);
	if (util_path(p, path, sizeof(path), PP_PROC_OSRELEASE) == 0)
		util_attr_read(path, h->kernel_release, sizeof(h->kernel_release));
	if (util_path(p, path, sizeof(path), PP_PROC_CMDLINE) == 0)
		util_attr_read(path, h->cmdline, sizeof(h->cmdline));
	*out = h;
	return 0;
}

int sysfs_host_read(const struct util_paths *p, struct sysfs_host **out, struct util_err *e)
{
	return sysfs_host_read_flags(p, SYSFS_READ_NAMES, out, e);
}

void sysfs_host_free(struct sysfs_host *h)
{
	if (!h)
		return;
	for (size_t i = 0; i < h->n_devices; i++) {
		free(h->devices[i].vfs);
		free(h->devices[i].mdev_types);
	}
	free(h->devices);
	free(h->mdevs);
	for (size_t i = 0; i < 4; i++)
		free(h->modules[i].params);
	for (size_t i = 0; i < h->n_warnings; i++)
		free(h->warnings[i]);
	free(h->warnings);
	free(h);
}

bool sysfs_bdf_valid(const char *s)
{
	return s && is_bdf(s);
}

const struct sysfs_device *sysfs_host_find(const struct sysfs_host *h, const char *bdf)
{
	struct sysfs_device key;

	if (!h || !bdf || strlen(bdf) >= sizeof(key.bdf) || !h->n_devices)
		return NULL;
	strcpy(key.bdf, bdf);
	return bsearch(&key, h->devices, h->n_devices, sizeof(*h->devices), cmp_device);
}

const struct sysfs_module *sysfs_host_module(const struct sysfs_host *h, const char *name)
{
	for (size_t i = 0; h && i < 4; i++)
		if (strcmp(h->modules[i].name, name) == 0)
			return &h->modules[i];
	return NULL;
}

const char *sysfs_host_module_param(const struct sysfs_host *h, const char *module,
                                    const char *param)
{
	const struct sysfs_module *m = sysfs_host_module(h, module);

	for (size_t i = 0; m && i < m->n_params; i++)
		if (strcmp(m->params[i].name, param) == 0)
			return m->params[i].value;
	return NULL;
}
