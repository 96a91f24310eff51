/* tests/kernel/kernel_tests.c - the guest test program of the real-kernel tier: runs inside Debian's
 * kernel under QEMU (tests/kernel/init starts it) against the real /sys, with an SR-IOV NVMe
 * controller (4 VFs) behind an emulated Intel IOMMU and the mtty sample mdev driver.  Every change
 * the tool makes goes through the project's code (sysfs/write.h, the pve-passthrough binary); the
 * states only PVE makes (a driver bound, an mdev created) are set up by raw attribute writes
 * (kt_bind, kt_write); everything is verified by reading a fresh snapshot (sysfs_host_read).
 * Each check is named; tests/kernel/boot.sh counts them.
 * Must never run on a real host: it rebinds drivers and changes VF counts. */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <jansson.h>

#include "ktest.h"
#include "sysfs/host.h"
#include "sysfs/write.h"
#include "util/fileio.h"
#include "util/paths.h"

#define MAX_WRITES 16

/* A writer that passes every write to the real one and records it, so a check can say which
 * attributes the project's code wrote, in which order (or that it wrote nothing). */
struct recorder {
	int n;
	char path[MAX_WRITES][PP_PATH_MAX];
	char data[MAX_WRITES][64];
	int result[MAX_WRITES];
};

static int record_write(void *arg, const char *path, const char *data, size_t len)
{
	struct recorder *rec = arg;
	int r = sysfs_attr_write_real(NULL, path, data, len);
	if (rec->n < MAX_WRITES) {
		snprintf(rec->path[rec->n], sizeof rec->path[0], "%s", path);
		snprintf(rec->data[rec->n], sizeof rec->data[0], "%.*s", (int)len, data);
		rec->result[rec->n] = r;
	}
	rec->n++;
	return r;
}

/* A writer that loses every write of "0" to sriov_numvfs (reports success without reaching the
 * kernel) and passes the rest to the real one: as if something re-enabled VFs between the two
 * writes of N -> 0 -> M, so the kernel's own EBUSY reaches the project's translation. */
static int lose_zero_write(void *arg, const char *path, const char *data, size_t len)
{
	size_t plen = strlen(path);
	(void)arg;
	if (plen >= 13 && strcmp(path + plen - 13, "/sriov_numvfs") == 0 && len >= 1 &&
	    data[0] == '0')
		return 0;
	return sysfs_attr_write_real(NULL, path, data, len);
}

struct kt {
	struct ktest t;
	struct util_paths paths;
	struct recorder rec;
	struct sysfs_writer w;  /* record_write into rec */
	char pf[SYSFS_BDF_LEN]; /* the emulated NVMe PF */
	char vf0[SYSFS_BDF_LEN];
};

static void rec_reset(struct kt *k)
{
	k->rec.n = 0;
}

/* "0,3" - the data of the recorded writes to attributes whose path ends in attr */
static const char *rec_values(const struct kt *k, const char *attr, char *buf, size_t n)
{
	size_t used = 0, alen = strlen(attr);
	buf[0] = '\0';
	for (int i = 0; i < k->rec.n && i < MAX_WRITES; i++) {
		size_t plen = strlen(k->rec.path[i]);
		if (plen >= alen && strcmp(k->rec.path[i] + plen - alen, attr) == 0)
			used += (size_t)snprintf(buf + used, used < n ? n - used : 0, "%s%s",
			                         used ? "," : "", k->rec.data[i]);
	}
	return buf;
}

/* A fresh snapshot of the real host (the checks always re-read what the kernel shows). */
static struct sysfs_host *snapshot(struct kt *k, const char *check)
{
	struct sysfs_host *h = NULL;
	struct util_err e = {0};
	int r = sysfs_host_read(&k->paths, &h, &e);
	if (r != 0) {
		ktest_check(&k->t, check, false, "sysfs_host_read: %d %s", r, e.msg);
		return NULL;
	}
	return h;
}

/* Runs `pve-passthrough status --format json` in the guest and returns the parsed document (NULL
 * after a failed check). */
static json_t *status_json(struct kt *k, const char *name)
{
	char *argv[] = {"pve-passthrough", "status", "--format", "json", NULL};
	char *out, *err;
	json_error_t jerr;
	json_t *doc = NULL;
	int rc = ktest_run(argv, &out, &err);

	if (rc == 0 && out)
		doc = json_loads(out, 0, &jerr);
	if (!doc)
		ktest_check(&k->t, name, false,
		            "status --format json: exit %d, stderr '%s', stdout '%.300s'", rc,
		            err ? err : "", out ? out : "");
	free(out);
	free(err);
	return doc;
}

static json_t *status_device(json_t *doc, const char *bdf)
{
	size_t i;
	json_t *d;
	json_array_foreach(json_object_get(doc, "devices"), i, d)
	{
		if (json_is_string(json_object_get(d, "bdf")) &&
		    strcmp(json_string_value(json_object_get(d, "bdf")), bdf) == 0)
			return d;
	}
	return NULL;
}

static const char *jstr(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	return json_is_string(v) ? json_string_value(v) : "(not a string)";
}

/* status shows the PF with totalvfs 4 and n VFs, each VF with its physfn */
static void check_status(struct kt *k, const char *name, int n)
{
	json_t *doc = status_json(k, name), *pf, *sriov, *vfs;
	char why[512] = "";

	if (!doc)
		return;
	pf = status_device(doc, k->pf);
	sriov = pf ? json_object_get(pf, "sriov") : NULL;
	vfs = json_object_get(sriov, "vfs");
	if (json_integer_value(json_object_get(doc, "schema_version")) != 1 ||
	    !json_is_true(json_object_get(doc, "iommu")))
		snprintf(why, sizeof why, "schema_version/iommu wrong");
	else if (!pf)
		snprintf(why, sizeof why, "PF %s not in devices", k->pf);
	else if (strcmp(jstr(pf, "role"), "pf") != 0 || strcmp(jstr(pf, "vendor"), "1b36") != 0 ||
	         strcmp(jstr(pf, "class"), "010802") != 0 ||
	         !json_is_null(json_object_get(pf, "platform")) ||
	         !json_is_integer(json_object_get(pf, "iommu_group")))
		snprintf(why, sizeof why, "PF: role '%s' vendor '%s' class '%s'", jstr(pf, "role"),
		         jstr(pf, "vendor"), jstr(pf, "class"));
	else if (json_integer_value(json_object_get(sriov, "totalvfs")) != 4 ||
	         json_integer_value(json_object_get(sriov, "numvfs")) != n ||
	         json_array_size(vfs) != (size_t)n)
		snprintf(why, sizeof why,
		         "PF sriov: totalvfs %lld numvfs %lld, %zu vfs; want 4 %d %d",
		         (long long)json_integer_value(json_object_get(sriov, "totalvfs")),
		         (long long)json_integer_value(json_object_get(sriov, "numvfs")),
		         json_array_size(vfs), n, n);
	for (size_t i = 0; !why[0] && i < json_array_size(vfs); i++) {
		const char *bdf = json_string_value(json_array_get(vfs, i));
		json_t *vf = bdf ? status_device(doc, bdf) : NULL;
		if (!vf || strcmp(jstr(vf, "role"), "vf") != 0 ||
		    strcmp(jstr(vf, "physfn"), k->pf) != 0 ||
		    !json_is_null(json_object_get(vf, "sriov")))
			snprintf(why, sizeof why, "VF %s: %s, role '%s' physfn '%s'",
			         bdf ? bdf : "?", vf ? "listed" : "not listed",
			         vf ? jstr(vf, "role") : "", vf ? jstr(vf, "physfn") : "");
	}
	ktest_check(&k->t, name, !why[0], "%s", why);
	json_decref(doc);
}

static void test_status_text(struct kt *k)
{
	char *argv[] = {"pve-passthrough", "status", NULL};
	char *out, *err;
	int rc = ktest_run(argv, &out, &err);

	ktest_check(&k->t, "status-text",
	            rc == 0 && out && strstr(out, k->pf) && strstr(out, "No Intel iGPU"),
	            "status: exit %d, stderr '%s', stdout '%.400s'", rc, err ? err : "",
	            out ? out : "");
	if (out)
		ktest_info("pve-passthrough status in the guest:\n%s", out);
	free(out);
	free(err);
}

static void test_snapshot(struct kt *k)
{
	struct sysfs_host *h = snapshot(k, "snapshot-read");
	const struct sysfs_device *pf = NULL;
	const struct sysfs_module *vp;
	struct utsname u;
	size_t i, n_pf = 0;

	if (!h)
		return;
	uname(&u);
	ktest_check(&k->t, "snapshot-kernel",
	            strcmp(h->kernel_release, u.release) == 0 &&
	                    strstr(h->cmdline, "intel_iommu=on"),
	            "kernel_release '%s' (uname '%s'), cmdline '%s'", h->kernel_release, u.release,
	            h->cmdline);
	ktest_check(&k->t, "snapshot-iommu", h->iommu, "iommu false with the emulated Intel IOMMU");
	for (i = 0; i < h->n_devices; i++)
		if (h->devices[i].role == SYSFS_ROLE_PF) {
			pf = &h->devices[i];
			n_pf++;
		}
	if (ktest_check(&k->t, "snapshot-pf",
	                n_pf == 1 && pf->vendor == 0x1b36 && pf->class_code == 0x010802,
	                "%zu PFs found, want the one QEMU NVMe (1b36, class 010802)", n_pf)) {
		snprintf(k->pf, sizeof k->pf, "%s", pf->bdf);
		ktest_check(&k->t, "snapshot-pf-sriov",
		            pf->totalvfs == 4 && pf->numvfs == 0 && pf->n_vfs == 0,
		            "%s: totalvfs %d numvfs %d n_vfs %zu, want 4 0 0", pf->bdf,
		            pf->totalvfs, pf->numvfs, pf->n_vfs);
		ktest_check(&k->t, "snapshot-pf-driver",
		            strcmp(pf->driver, "nvme") == 0 && pf->driver_override[0] == '\0' &&
		                    pf->iommu_group >= 0,
		            "%s: driver '%s' override '%s' group %d, want nvme '' >=0", pf->bdf,
		            pf->driver, pf->driver_override, pf->iommu_group);
		ktest_check(&k->t, "snapshot-pf-names", pf->vendor_name[0] && pf->device_name[0],
		            "%s: vendor name '%s' device name '%s' (pci.ids)", pf->bdf,
		            pf->vendor_name, pf->device_name);
	}
	vp = sysfs_host_module(h, "vfio_pci");
	ktest_check(&k->t, "snapshot-module-vfio-pci", vp && vp->loaded,
	            "vfio_pci not seen as loaded");
	{
		/* vfio-pci's parameters as the kernel shows them (defaults; "ids" is not readable) */
		const char *sr = sysfs_host_module_param(h, "vfio_pci", "enable_sriov");
		const char *d3 = sysfs_host_module_param(h, "vfio_pci", "disable_idle_d3");
		const struct sysfs_module *i915 = sysfs_host_module(h, "i915");
		ktest_check(&k->t, "snapshot-module-params",
		            sr && strcmp(sr, "N") == 0 && d3 && strcmp(d3, "N") == 0 && i915 &&
		                    !i915->loaded,
		            "vfio_pci enable_sriov '%s' disable_idle_d3 '%s', i915 %s",
		            sr ? sr : "(none)", d3 ? d3 : "(none)",
		            i915 && i915->loaded ? "loaded" : "not loaded");
	}
	/* the guard's cheaper reads: no parameters, or only named ones; the same devices */
	{
		static const char *const named[] = {"vfio_pci.enable_sriov", "i915.max_vfs", NULL};
		struct sysfs_read_opts none = {SYSFS_READ_NO_PARAMS, NULL}, some = {0, named};
		struct sysfs_host *hn = NULL, *hs = NULL;
		struct util_err e = {0};
		char why[1400] = "";
		int rn = sysfs_host_read_opts(&k->paths, &none, &hn, &e);
		int rs = rn ? rn : sysfs_host_read_opts(&k->paths, &some, &hs, &e);

		if (rn || rs)
			snprintf(why, sizeof why, "sysfs_host_read_opts: %d %d %s", rn, rs, e.msg);
		else if (!sysfs_host_module(hn, "vfio_pci")->loaded ||
		         sysfs_host_module(hn, "vfio_pci")->n_params != 0 ||
		         hn->n_devices != h->n_devices)
			snprintf(why, sizeof why,
			         "no params: vfio_pci loaded %d, %zu params, %zu "
			         "devices (full read %zu)",
			         sysfs_host_module(hn, "vfio_pci")->loaded,
			         sysfs_host_module(hn, "vfio_pci")->n_params, hn->n_devices,
			         h->n_devices);
		else if (sysfs_host_module(hs, "vfio_pci")->n_params != 1 ||
		         !sysfs_host_module_param(hs, "vfio_pci", "enable_sriov") ||
		         strcmp(sysfs_host_module_param(hs, "vfio_pci", "enable_sriov"), "N") != 0)
			snprintf(why, sizeof why,
			         "named: vfio_pci has %zu params, enable_sriov '%s'",
			         sysfs_host_module(hs, "vfio_pci")->n_params,
			         sysfs_host_module_param(hs, "vfio_pci", "enable_sriov")
			                 ? sysfs_host_module_param(hs, "vfio_pci", "enable_sriov")
			                 : "(none)");
		for (size_t d = 0; !why[0] && d < h->n_devices; d++)
			if (strcmp(hn->devices[d].bdf, h->devices[d].bdf) != 0 ||
			    hn->devices[d].role != h->devices[d].role ||
			    strcmp(hn->devices[d].driver, h->devices[d].driver) != 0 ||
			    hn->devices[d].iommu_group != h->devices[d].iommu_group)
				snprintf(why, sizeof why, "device %zu differs: %s / %s", d,
				         hn->devices[d].bdf, h->devices[d].bdf);
		ktest_check(&k->t, "snapshot-param-choice", !why[0], "%s", why);
		sysfs_host_free(hn);
		sysfs_host_free(hs);
	}
	sysfs_host_free(h);
}

/* The PF and its VFs in a fresh snapshot match n enabled VFs. */
static void check_vfs(struct kt *k, const char *name, int n)
{
	struct sysfs_host *h = snapshot(k, name);
	const struct sysfs_device *pf;
	char why[512] = "";
	size_t n_vf_role = 0;

	if (!h)
		return;
	pf = sysfs_host_find(h, k->pf);
	if (!pf || pf->numvfs != n || pf->n_vfs != (size_t)n) {
		snprintf(why, sizeof why, "PF %s: numvfs %d, %zu virtfn links, want %d", k->pf,
		         pf ? pf->numvfs : -1, pf ? pf->n_vfs : 0, n);
	} else {
		for (size_t i = 0; i < pf->n_vfs && !why[0]; i++) {
			const struct sysfs_device *vf = sysfs_host_find(h, pf->vfs[i]);
			if (!vf || vf->role != SYSFS_ROLE_VF || strcmp(vf->physfn, k->pf) != 0 ||
			    vf->vf_index != (int)i || vf->iommu_group < 0 ||
			    vf->iommu_group == pf->iommu_group || vf->vendor != pf->vendor)
				snprintf(why, sizeof why,
				         "VF %s (virtfn%zu): role %d physfn '%s' index %d group %d "
				         "(PF group %d) vendor %04x",
				         pf->vfs[i], i, vf ? (int)vf->role : -1,
				         vf ? vf->physfn : "", vf ? vf->vf_index : -1,
				         vf ? vf->iommu_group : -1, pf->iommu_group,
				         vf ? vf->vendor : 0);
		}
		if (n > 0)
			snprintf(k->vf0, sizeof k->vf0, "%s", pf->vfs[0]);
	}
	for (size_t i = 0; i < h->n_devices; i++)
		n_vf_role += h->devices[i].role == SYSFS_ROLE_VF;
	if (!why[0] && n_vf_role != (size_t)n)
		snprintf(why, sizeof why, "%zu devices with the VF role, want %d", n_vf_role, n);
	ktest_check(&k->t, name, !why[0], "%s", why);
	sysfs_host_free(h);
}

static int set_numvfs(struct kt *k, int n, struct sysfs_numvfs_result *res, struct util_err *e,
                      const struct sysfs_vf_use *use, size_t n_use)
{
	rec_reset(k);
	memset(e, 0, sizeof *e);
	return sysfs_sriov_set_numvfs(&k->paths, &k->w, k->pf, n, use, n_use, res, e);
}

static void test_sriov(struct kt *k)
{
	struct sysfs_numvfs_result res;
	struct util_err e;
	char path[PP_PATH_MAX], vals[128];
	long v;
	int r;

	/* NVMe VFs start offline and the nvme driver would fail on them: keep them unbound */
	util_path(&k->paths, path, sizeof path, PP_SYS_PCI_DEVICES "/%s/sriov_drivers_autoprobe",
	          k->pf);
	rec_reset(k);
	memset(&e, 0, sizeof e);
	r = sysfs_sriov_set_autoprobe(&k->paths, &k->w, k->pf, false, &e);
	ktest_check(&k->t, "sriov-autoprobe-off",
	            r == 0 && util_attr_read_long(path, 10, &v) == 0 && v == 0 &&
	                    strcmp(rec_values(k, "/sriov_drivers_autoprobe", vals, sizeof vals),
	                           "0") == 0,
	            "sysfs_sriov_set_autoprobe(%s, off): %d (%s), reads %ld, writes '%s'", k->pf, r,
	            e.msg, v, vals);

	r = set_numvfs(k, 2, &res, &e, NULL, 0);
	ktest_check(&k->t, "sriov-enable-2",
	            r == 0 && res.before == 0 && res.after == 2 && res.n_vfs == 2 && !res.partial &&
	                    strcmp(rec_values(k, "/sriov_numvfs", vals, sizeof vals), "2") == 0,
	            "r %d (%s) before %d after %d n_vfs %zu partial %d writes '%s'", r, e.msg,
	            res.before, res.after, res.n_vfs, res.partial, vals);
	check_vfs(k, "sriov-enable-2-reread", 2);
	check_status(k, "status-json-2-vfs", 2);

	r = set_numvfs(k, 2, &res, &e, NULL, 0);
	ktest_check(&k->t, "sriov-same-count-noop", r == 0 && res.unchanged && k->rec.n == 0,
	            "r %d (%s) unchanged %d, %d writes", r, e.msg, res.unchanged, k->rec.n);

	/* the kernel itself refuses N -> M ... */
	util_path(&k->paths, path, sizeof path, PP_SYS_PCI_DEVICES "/%s/sriov_numvfs", k->pf);
	r = sysfs_attr_write(NULL, path, "3");
	ktest_check(&k->t, "sriov-kernel-refuses-n-to-m", r == -EBUSY,
	            "writing 3 over 2 VFs directly: %d, want -EBUSY", r);
	/* ... so the project's code goes through 0 */
	r = set_numvfs(k, 3, &res, &e, NULL, 0);
	ktest_check(&k->t, "sriov-n-to-m-through-0",
	            r == 0 && res.before == 2 && res.after == 3 && res.n_vfs == 3 &&
	                    strcmp(rec_values(k, "/sriov_numvfs", vals, sizeof vals), "0,3") == 0,
	            "r %d (%s) before %d after %d n_vfs %zu writes '%s', want 0,3", r, e.msg,
	            res.before, res.after, res.n_vfs, vals);
	check_vfs(k, "sriov-n-to-m-reread", 3);
	check_status(k, "status-json-3-vfs", 3);

	/* the kernel's own EBUSY (VFs enabled when the new count arrives), translated */
	{
		struct sysfs_writer lose = {lose_zero_write, NULL};
		long now = -1;
		memset(&e, 0, sizeof e);
		r = sysfs_sriov_set_numvfs(&k->paths, &lose, k->pf, 2, NULL, 0, &res, &e);
		util_attr_read_long(path, 10, &now);
		/* the note after the failure says what was re-read, not "disabled on the way" */
		ktest_check(
		        &k->t, "sriov-kernel-ebusy-message",
		        r == -EBUSY && strstr(e.msg, k->pf) && strstr(e.msg, "set it to 0 first") &&
		                strstr(e.msg, "sriov_numvfs reads 3 now") &&
		                !strstr(e.msg, "disabled on the way") && res.after == 3 && now == 3,
		        "r %d, message '%s', res.after %d, sriov_numvfs now %ld (want 3)", r, e.msg,
		        res.after, now);
	}

	/* above sriov_totalvfs: the kernel says ERANGE, the project's code refuses before writing */
	r = sysfs_attr_write(NULL, path, "5");
	ktest_check(&k->t, "sriov-kernel-erange", r == -ERANGE,
	            "writing 5 (totalvfs 4) directly: %d, want -ERANGE", r);
	r = set_numvfs(k, 5, &res, &e, NULL, 0);
	ktest_check(&k->t, "sriov-erange-message",
	            r == -ERANGE && k->rec.n == 0 && strstr(e.msg, k->pf) &&
	                    strstr(e.msg, "at most 4"),
	            "r %d, %d writes, message '%s'", r, k->rec.n, e.msg);

	/* a VF the caller reports in use blocks any change */
	{
		struct sysfs_vf_use use = {0};
		snprintf(use.bdf, sizeof use.bdf, "%s", k->vf0);
		snprintf(use.reason, sizeof use.reason, "VM 100 is running with it (hostpci0)");
		r = set_numvfs(k, 1, &res, &e, &use, 1);
		ktest_check(&k->t, "sriov-refuses-vf-in-use",
		            r == -EBUSY && k->rec.n == 0 && strstr(e.msg, "VM 100"),
		            "r %d, %d writes, message '%s'", r, k->rec.n, e.msg);
	}
}

static void check_driver(struct kt *k, const char *name, const char *bdf, const char *driver,
                         const char *override)
{
	struct sysfs_host *h = snapshot(k, name);
	const struct sysfs_device *d;
	if (!h)
		return;
	d = sysfs_host_find(h, bdf);
	ktest_check(&k->t, name,
	            d && strcmp(d->driver, driver) == 0 &&
	                    strcmp(d->driver_override, override) == 0,
	            "%s: driver '%s' override '%s', want '%s' '%s'", bdf, d ? d->driver : "?",
	            d ? d->driver_override : "?", driver, override);
	sysfs_host_free(h);
}

/* Test set-up the tool never does itself (PVE binds vfio-pci and creates an mdev when a VM
 * starts): raw attribute writes through the recording writer, to put the kernel into the states
 * whose reading (snapshot, status) and whose errors (sriov_numvfs) the checks are about. */
static int kt_write(struct kt *k, const char *data, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

static int kt_write(struct kt *k, const char *data, const char *fmt, ...)
{
	char rel[PP_PATH_MAX], path[PP_PATH_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(rel, sizeof rel, fmt, ap);
	va_end(ap);
	if (util_path(&k->paths, path, sizeof path, "%s", rel) < 0)
		return -ENAMETOOLONG;
	return sysfs_attr_write(&k->w, path, data);
}

/* bdf to driver ("" = none, override cleared): override, unbind from the current one, probe. */
static int kt_bind(struct kt *k, const char *bdf, const char *driver)
{
	char link[PP_PATH_MAX], cur[PP_PATH_MAX] = "";
	int r;

	if (util_path(&k->paths, link, sizeof link, PP_SYS_PCI_DEVICES "/%s/driver", bdf) == 0) {
		ssize_t n = readlink(link, cur, sizeof cur - 1);
		cur[n > 0 ? n : 0] = '\0';
	}
	r = kt_write(k, driver[0] ? driver : "\n", PP_SYS_PCI_DEVICES "/%s/driver_override", bdf);
	if (r == 0 && cur[0])
		r = kt_write(k, bdf, PP_SYS_PCI_DRIVERS "/%s/unbind", strrchr(cur, '/') + 1);
	if (r == 0 && driver[0])
		r = kt_write(k, bdf, "%s", PP_SYS_PCI_DRIVERS_PROBE);
	return r;
}

static void test_bind(struct kt *k)
{
	struct sysfs_numvfs_result res;
	struct util_err e = {0};
	char path[PP_PATH_MAX];
	struct sysfs_host *h;
	int r, group = -1;

	check_driver(k, "vf-starts-unbound", k->vf0, "", "");
	r = kt_bind(k, k->vf0, "vfio-pci");
	ktest_check(&k->t, "vf-bind-vfio-pci", r == 0, "bind %s: %d", k->vf0, r);
	check_driver(k, "vf-bind-vfio-pci-reread", k->vf0, "vfio-pci", "vfio-pci");
	{
		json_t *doc = status_json(k, "status-json-vf-on-vfio");
		json_t *vf = doc ? status_device(doc, k->vf0) : NULL;
		if (doc)
			ktest_check(&k->t, "status-json-vf-on-vfio",
			            vf && strcmp(jstr(vf, "driver"), "vfio-pci") == 0 &&
			                    strcmp(jstr(vf, "driver_override"), "vfio-pci") == 0,
			            "VF %s in status: %s, driver '%s' override '%s'", k->vf0,
			            vf ? "listed" : "not listed", vf ? jstr(vf, "driver") : "",
			            vf ? jstr(vf, "driver_override") : "");
		json_decref(doc);
	}
	if ((h = snapshot(k, "vf-vfio-group-node"))) {
		const struct sysfs_device *d = sysfs_host_find(h, k->vf0);
		group = d ? d->iommu_group : -1;
		sysfs_host_free(h);
		snprintf(path, sizeof path, "/dev/vfio/%d", group);
		ktest_check(&k->t, "vf-vfio-group-node", group >= 0 && access(path, F_OK) == 0,
		            "%s missing for the VF bound to vfio-pci", path);
	}

	/* a VF on vfio-pci may belong to a VM: the VF count must not be touched */
	r = set_numvfs(k, 1, &res, &e, NULL, 0);
	ktest_check(&k->t, "sriov-refuses-vf-on-vfio", r == -EBUSY && k->rec.n == 0,
	            "r %d, %d writes, message '%s'", r, k->rec.n, e.msg);

	r = kt_bind(k, k->vf0, "");
	ktest_check(&k->t, "vf-unbind", r == 0, "unbind %s: %d", k->vf0, r);
	check_driver(k, "vf-unbind-reread", k->vf0, "", "");
}

static void test_no_driver(struct kt *k)
{
	struct sysfs_numvfs_result res;
	struct util_err e;
	int r;

	r = set_numvfs(k, 0, &res, &e, NULL, 0);
	ktest_check(&k->t, "sriov-disable", r == 0 && res.after == 0 && res.n_vfs == 0,
	            "r %d (%s) after %d n_vfs %zu", r, e.msg, res.after, res.n_vfs);
	check_vfs(k, "sriov-disable-reread", 0);

	/* the PF without a driver: the kernel answers ENOENT, the message says why */
	r = kt_bind(k, k->pf, "");
	ktest_check(&k->t, "pf-unbind-nvme", r == 0, "unbind %s: %d", k->pf, r);
	check_driver(k, "pf-unbind-nvme-reread", k->pf, "", "");
	r = set_numvfs(k, 2, &res, &e, NULL, 0);
	ktest_check(&k->t, "sriov-enoent-no-driver",
	            r == -ENOENT && k->rec.n == 1 && k->rec.result[0] == -ENOENT &&
	                    strstr(e.msg, "no driver is bound"),
	            "r %d, %d writes (first %d), message '%s'", r, k->rec.n, k->rec.result[0],
	            e.msg);

	/* the PF on vfio-pci (vfio-pci does not configure SR-IOV by default): ENOENT too */
	r = kt_bind(k, k->pf, "vfio-pci");
	ktest_check(&k->t, "pf-bind-vfio-pci", r == 0, "bind %s: %d", k->pf, r);
	memset(&e, 0, sizeof e);
	r = set_numvfs(k, 2, &res, &e, NULL, 0);
	ktest_check(&k->t, "sriov-enoent-pf-on-vfio",
	            r == -ENOENT && strstr(e.msg, "bound to vfio-pci"), "r %d, message '%s'", r,
	            e.msg);

	/* and back on nvme, SR-IOV works again */
	r = kt_bind(k, k->pf, "nvme");
	ktest_check(&k->t, "pf-bind-nvme", r == 0, "bind %s to nvme: %d", k->pf, r);
	check_driver(k, "pf-bind-nvme-reread", k->pf, "nvme", "nvme");
	memset(&e, 0, sizeof e);
	r = set_numvfs(k, 1, &res, &e, NULL, 0);
	ktest_check(&k->t, "sriov-enable-after-rebind", r == 0 && res.after == 1,
	            "r %d (%s) after %d", r, e.msg, res.after);
	check_vfs(k, "sriov-enable-after-rebind-reread", 1);
}

/* mtty's parent is not a PCI device (/sys/devices/virtual/mtty/mtty): it is named by its entry in
 * /sys/class/mdev_bus, as an iGPU is by its PCI address. */
#define MTTY_PARENT "mtty"

/* available_instances of an mtty type, from a fresh snapshot (the non-PCI parent's types);
 * -1 when the snapshot does not list the type. */
static long mtty_available(struct kt *k, const char *type)
{
	struct sysfs_host *h = snapshot(k, "mdev-snapshot-read");
	const struct sysfs_mdev_type *t;
	long v;

	if (!h)
		return -1;
	t = sysfs_host_mdev_type(h, MTTY_PARENT, type);
	v = t ? t->available : -1;
	sysfs_host_free(h);
	return v;
}

/* The snapshot lists the instance uuid with that type (want = true) or does not list it. */
static void check_mdev_listed(struct kt *k, const char *name, const char *uuid, const char *type,
                              bool want)
{
	struct sysfs_host *h = snapshot(k, name);
	bool found = false;
	if (!h)
		return;
	for (size_t i = 0; i < h->n_mdevs; i++)
		if (strcmp(h->mdevs[i].uuid, uuid) == 0 && strcmp(h->mdevs[i].type, type) == 0 &&
		    strcmp(h->mdevs[i].parent, MTTY_PARENT) == 0)
			found = true;
	ktest_check(&k->t, name, found == want,
	            "mdev %s of type %s on " MTTY_PARENT " %s in the snapshot (%zu mdevs)", uuid,
	            type, found ? "listed" : "not listed", h->n_mdevs);
	sysfs_host_free(h);
}

static void test_mdev(struct kt *k)
{
	/* PVE's UUID for VM 100's hostpci1 ("%08d-0000-0000-0000-%012d") */
	const char *uuid = "00000001-0000-0000-0000-000000000100";
	long before, before1, after, after1;
	int r;

	/* mtty is an mdev parent that is not a PCI device: the snapshot lists it with its types */
	{
		struct sysfs_host *h = snapshot(k, "mdev-parent-snapshot");
		const struct sysfs_mdev_type *t1 = NULL, *t2 = NULL;
		size_t n_types = 0;

		if (h) {
			for (size_t i = 0; i < h->n_mdev_parents; i++)
				if (strcmp(h->mdev_parents[i].name, MTTY_PARENT) == 0)
					n_types = h->mdev_parents[i].n_types;
			t1 = sysfs_host_mdev_type(h, MTTY_PARENT, "mtty-1");
			t2 = sysfs_host_mdev_type(h, MTTY_PARENT, "mtty-2");
			ktest_check(
			        &k->t, "mdev-parent-snapshot",
			        n_types == 2 && t1 && t2 && t1->available == 24 &&
			                t2->available == 12 &&
			                strcmp(t2->device_api, "vfio-pci") == 0 && t2->name[0],
			        "%zu non-PCI parents, mtty with %zu types; mtty-1 available %ld, "
			        "mtty-2 available %ld device_api '%s' name '%s' (want 2 types, "
			        "24, 12, vfio-pci)",
			        h->n_mdev_parents, n_types, t1 ? t1->available : -1,
			        t2 ? t2->available : -1, t2 ? t2->device_api : "",
			        t2 ? t2->name : "");
			sysfs_host_free(h);
		}
	}
	before = mtty_available(k, "mtty-2");
	before1 = mtty_available(k, "mtty-1");
	r = kt_write(k, uuid,
	             PP_SYS_CLASS_MDEV_BUS "/" MTTY_PARENT "/mdev_supported_types/mtty-2/create");
	after = mtty_available(k, "mtty-2");
	after1 = mtty_available(k, "mtty-1");
	/* mtty has 24 ports: a mtty-2 instance takes two of them, as the snapshot re-reads */
	ktest_check(&k->t, "mdev-create",
	            r == 0 && before > 0 && after == before - 1 && after1 == before1 - 2,
	            "create: %d; mtty-2 available %ld -> %ld, mtty-1 %ld -> %ld", r, before, after,
	            before1, after1);
	check_mdev_listed(k, "mdev-create-reread", uuid, "mtty-2", true);
	{
		json_t *doc = status_json(k, "status-json-mdev"), *m;
		size_t i;
		bool found = false;
		if (doc) {
			json_array_foreach(json_object_get(doc, "mdevs"), i, m)
			{
				found |= strcmp(jstr(m, "uuid"), uuid) == 0 &&
				         strcmp(jstr(m, "type"), "mtty-2") == 0 &&
				         strcmp(jstr(m, "parent"), MTTY_PARENT) == 0;
			}
			ktest_check(&k->t, "status-json-mdev", found,
			            "status: mdev %s (mtty-2 on " MTTY_PARENT
			            ") not in \"mdevs\" (%zu)",
			            uuid, json_array_size(json_object_get(doc, "mdevs")));
			/* and the parent's types, with the instance taken */
			found = false;
			json_array_foreach(json_object_get(doc, "mdev_parents"), i, m)
			{
				size_t ti;
				json_t *t;

				if (strcmp(jstr(m, "name"), MTTY_PARENT) != 0)
					continue;
				json_array_foreach(json_object_get(m, "mdev_types"), ti, t)
				{
					found |= strcmp(jstr(t, "type"), "mtty-2") == 0 &&
					         json_integer_value(
					                 json_object_get(t, "available")) == after;
				}
			}
			ktest_check(&k->t, "status-json-mdev-parent", found,
			            "status: \"mdev_parents\" has no " MTTY_PARENT
			            " with mtty-2 available %ld",
			            after);
			json_decref(doc);
		}
	}
	r = kt_write(k, "1", PP_SYS_MDEV_DEVICES "/%s/remove", uuid);
	ktest_check(&k->t, "mdev-remove",
	            r == 0 && mtty_available(k, "mtty-2") == before &&
	                    mtty_available(k, "mtty-1") == before1,
	            "remove: %d; mtty-2 available %ld (was %ld before create)", r,
	            mtty_available(k, "mtty-2"), before);
	check_mdev_listed(k, "mdev-remove-reread", uuid, "mtty-2", false);
}

int main(void)
{
	struct kt k;

	memset(&k, 0, sizeof k);
	util_paths_init(&k.paths, NULL);
	k.w.write = record_write;
	k.w.arg = &k.rec;
	test_snapshot(&k);
	if (k.pf[0]) {
		check_status(&k, "status-json-pf", 0);
		test_status_text(&k);
		test_sriov(&k);
		if (k.vf0[0])
			test_bind(&k);
		test_no_driver(&k);
	}
	test_mdev(&k);
	printf("guest: %d passed, %d failed\n", k.t.passed, k.t.failed);
	return k.t.failed ? 1 : 0;
}
