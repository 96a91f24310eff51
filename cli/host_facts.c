/* cli/host_facts.c - gathers struct host_facts (host/setup.h) from the sysfs/ snapshot: the iGPU
 * PF, its platform row, driver, VF counts, module parameters, and which VFs/mdevs are held (a VF
 * bound to vfio-pci, a VF in PVE's PCI reservations of a running VM, a live mdev instance).  With
 * a PF address that is not the iGPU: the same for that generic SR-IOV PF, plus the IOMMU token its
 * kernel needs.  No output. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "pveconf/runstate.h"
#include "host/setup.h"
#include "sysfs/driver.h"
#include "sysfs/host.h"

static bool is_igpu(const struct sysfs_device *d)
{
	return d->vendor == 0x8086 && (d->class_code >> 16) == 0x03 && d->role != SYSFS_ROLE_VF;
}

/* VFs in /run/qemu-server/pci-id-reservations that are in force as PVE reads them (pid: that
 * VM's QEMU runs, time: not expired) and not bound to vfio-pci yet (a VM starting right now).
 * Best effort: an unreadable file adds nothing. */
static void held_by_reservation(const struct cli_ctx *ctx, const struct sysfs_device *pf,
                                const struct sysfs_host *h, struct host_facts *f)
{
	struct pveconf_pci_reservations res;

	if (pveconf_pci_reservations_load_active(&ctx->paths, (long long)time(NULL), &res, NULL) <
	    0)
		return;
	for (size_t i = 0; i < res.n; i++) {
		const struct sysfs_device *vf = sysfs_host_find(h, res.v[i].id);
		size_t l = strlen(f->in_use);

		if (!vf || strcmp(vf->physfn, pf->bdf) != 0 || strcmp(vf->driver, "vfio-pci") == 0)
			continue;
		f->vfs_in_use++;
		snprintf(f->in_use + l, sizeof(f->in_use) - l, "%s", l ? _(", ") : "");
		l = strlen(f->in_use);
		snprintf(f->in_use + l, sizeof(f->in_use) - l, _("%s reserved by VM %u"), vf->bdf,
		         res.v[i].vmid);
		if (f->n_held < 16) {
			snprintf(f->held[f->n_held], sizeof(f->held[0]), "%s", vf->bdf);
			snprintf(f->held_why[f->n_held++], sizeof(f->held_why[0]),
			         _("VM %u holds it (PVE's PCI reservation)"), res.v[i].vmid);
		}
	}
	pveconf_pci_reservations_free(&res);
}

/* held VFs of pf: bound to vfio-pci (a VM has or had it) or reserved by a running VM */
static void held_vfs(const struct cli_ctx *ctx, const struct sysfs_device *pf,
                     const struct sysfs_host *h, struct host_facts *f)
{
	for (size_t i = 0; i < pf->n_vfs; i++) {
		const struct sysfs_device *vf = sysfs_host_find(h, pf->vfs[i]);
		size_t l = strlen(f->in_use);

		if (!vf || strcmp(vf->driver, "vfio-pci") != 0)
			continue;
		f->vfs_in_use++;
		snprintf(f->in_use + l, sizeof(f->in_use) - l, "%s", l ? _(", ") : "");
		l = strlen(f->in_use);
		snprintf(f->in_use + l, sizeof(f->in_use) - l, _("%s bound to vfio-pci"), vf->bdf);
	}
	held_by_reservation(ctx, pf, h, f);
}

/* --pf names a PF that is not the iGPU: a generic SR-IOV PF (a NIC, an NVMe controller) */
static void generic_facts(const struct cli_ctx *ctx, const char *bdf, const struct sysfs_host *h,
                          struct host_facts *f)
{
	const struct sysfs_device *d = sysfs_host_find(h, bdf);

	f->generic = true;
	host_iommu_token(&ctx->paths, f->running, f->iommu_token, f->iommu_why);
	if (!d)
		return;
	snprintf(f->pf_bdf, sizeof(f->pf_bdf), "%s", d->bdf);
	f->vendor_id = d->vendor;
	f->device_id = d->device;
	snprintf(f->pf_name, sizeof(f->pf_name), "%s%s%s", d->vendor_name,
	         d->vendor_name[0] && d->device_name[0] ? " " : "", d->device_name);
	snprintf(f->pf_driver, sizeof(f->pf_driver), "%s", d->driver);
	f->totalvfs = d->totalvfs;
	f->numvfs = d->numvfs;
	held_vfs(ctx, d, h, f);
}

int cli_host_facts(const struct cli_ctx *ctx, const struct sysfs_host *given, struct host_facts *f,
                   struct util_err *e)
{
	return cli_host_facts_pf(ctx, given, NULL, f, e);
}

int cli_host_facts_setup(const struct cli_ctx *ctx, const struct sysfs_host *given,
                         struct host_facts *f, struct util_err *e)
{
	char id[128], mode[32], kind[32], pf[16] = "";
	int r;

	/* the setup a rollback undoes: an interrupted one first (as host_rollback_plan), else the
	 * last applied one.  Only a generic PF's journal names a PF: the one whose VFs rollback
	 * sets to 0 (found on the real system: after a killed setup and a reboot, the VF unit had
	 * created them and rollback looked at the last finished setup's PF instead) */
	r = host_journal_interrupted(&ctx->paths, id, sizeof(id), kind, sizeof(kind), e);
	if (r == 0 && id[0] && strcmp(kind, "setup") == 0) {
		r = host_journal_setup_pf(&ctx->paths, id, pf, sizeof(pf), e);
	} else if (r == 0) {
		r = host_journal_last_setup(&ctx->paths, id, sizeof(id), mode, sizeof(mode), e);
		if (r == 0 && id[0] && host_mode_parse(mode) == HOST_MODE_SRIOV_GENERIC)
			r = host_journal_setup_pf(&ctx->paths, id, pf, sizeof(pf), e);
	}
	return r < 0 ? r : cli_host_facts_pf(ctx, given, pf[0] ? pf : NULL, f, e);
}

static bool module_loaded(const struct sysfs_host *h, const char *name)
{
	const struct sysfs_module *m = sysfs_host_module(h, name);

	return m && m->loaded;
}

int cli_host_facts_pf(const struct cli_ctx *ctx, const struct sysfs_host *given, const char *pf_bdf,
                      struct host_facts *f, struct util_err *e)
{
	struct sysfs_host *owned = NULL;
	const struct sysfs_host *h = given;
	const struct sysfs_device *pf = NULL;
	const struct sysfs_driver_profile *i915, *gvtg;
	const char *v;
	int r;

	memset(f, 0, sizeof(*f));
	f->totalvfs = f->numvfs = -1;
	f->iommu = -1;
	if (!h) {
		r = sysfs_host_read(&ctx->paths, &owned, e);
		if (r < 0)
			return r;
		h = owned;
	}
	for (size_t i = 0; i < h->n_devices; i++) {
		const struct sysfs_device *d = &h->devices[i];

		if (!is_igpu(d) || (pf_bdf && strcmp(d->bdf, pf_bdf) != 0))
			continue;
		if (!pf || strcmp(d->bdf, "0000:00:02.0") == 0 || (!pf->platform && d->platform))
			pf = d;
	}
	f->iommu = h->iommu;
	snprintf(f->running, sizeof(f->running), "%s", h->kernel_release);
	/* the modules and parameters the driver profiles name (sysfs/driver.c) */
	i915 = sysfs_driver_profile(SYSFS_PROFILE_SRIOV_I915);
	gvtg = sysfs_driver_profile(SYSFS_PROFILE_GVTG);
	f->i915_loaded = module_loaded(h, i915->module);
	f->xe_loaded = module_loaded(h, sysfs_driver_profile(SYSFS_PROFILE_SRIOV_XE)->module);
	f->kvmgt_loaded = module_loaded(h, gvtg->extra_modules[0]);
	if ((v = sysfs_host_module_param(h, i915->module, "enable_guc")))
		snprintf(f->enable_guc, sizeof(f->enable_guc), "%s", v);
	if ((v = sysfs_host_module_param(h, i915->module, i915->vf_param)))
		snprintf(f->max_vfs, sizeof(f->max_vfs), "%s", v);
	if ((v = sysfs_host_module_param(h, gvtg->module, "enable_gvt")))
		snprintf(f->enable_gvt, sizeof(f->enable_gvt), "%s", v);
	if (!pf && pf_bdf)
		generic_facts(ctx, pf_bdf, h, f);
	if (pf) {
		const struct sysfs_igpu_platform *pl = pf->platform;

		f->igpu = true;
		snprintf(f->pf_bdf, sizeof(f->pf_bdf), "%s", pf->bdf);
		f->device_id = pf->device;
		snprintf(f->pf_driver, sizeof(f->pf_driver), "%s", pf->driver);
		f->totalvfs = pf->totalvfs;
		f->numvfs = pf->numvfs;
		f->n_mdev_types = pf->n_mdev_types;
		for (size_t i = 0; i < pf->n_mdev_types; i++)
			if (pf->mdev_types[i].available > 0)
				f->mdev_available += pf->mdev_types[i].available;
		if (pl) {
			f->platform = pl->platform;
			f->gfx = pl->gfx_ip;
			f->can_gvtg = gvtg->platform_can(pl);
			f->can_sriov_i915 = i915->platform_can(pl);
			f->can_sriov_xe =
			        sysfs_driver_profile(SYSFS_PROFILE_SRIOV_XE)->platform_can(pl);
		}
		/* held VFs; live mdevs on the PF */
		held_vfs(ctx, pf, h, f);
		for (size_t i = 0; i < h->n_mdevs; i++) {
			size_t l = strlen(f->in_use);

			if (strcmp(h->mdevs[i].parent, pf->bdf) != 0)
				continue;
			f->mdevs_in_use++;
			snprintf(f->in_use + l, sizeof(f->in_use) - l, "%smdev %s", l ? ", " : "",
			         h->mdevs[i].uuid);
		}
	}
	if (owned)
		sysfs_host_free(owned);
	return 0;
}
