/* policy/host_rules.c - the host rules over plain facts (struct policy_host, gathered by doctor in
 * host/doctor.c): the PF's driver, the VF counts and what sets them at boot, GVT-g's modules.
 * One check function per rule (or per group of messages of one rule), listed in checks[] in the
 * order doctor reports them.  Adding a host rule over facts: its line in rules.def, its function
 * and entry here, its test (tests/unit/policy_host_rules.c), its man page entry.
 * No I/O (tools/check-layering.sh): everything comes in through struct policy_host. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "policy/policy.h"

struct out {
	struct policy_findings *f;
	const enum policy_severity *severity;
	bool last_dropped; /* the last add() was off by the settings */
};

int policy_findings_vaddf(struct policy_findings *f, const enum policy_severity *severity,
                          bool *dropped, enum policy_rule_id rule, const char *dev,
                          const char *hint, const char *fmt, va_list ap)
{
	enum policy_severity sev = policy_rule_severity(severity, rule);
	struct policy_finding *nf;

	*dropped = sev == POLICY_SEVERITY_OFF;
	if (*dropped)
		return 0;
	nf = policy_findings_add(f);
	if (!nf)
		return -ENOMEM;
	nf->rule = rule;
	nf->severity = sev;
	snprintf(nf->device, sizeof(nf->device), "%s", dev ? dev : "");
	snprintf(nf->hint, sizeof(nf->hint), "%s", hint ? hint : "");
	vsnprintf(nf->message, sizeof(nf->message), fmt, ap);
	return 0;
}

void policy_findings_downgrade(struct policy_findings *f, bool dropped, enum policy_severity s)
{
	if (f->n && !dropped && s < f->v[f->n - 1].severity)
		f->v[f->n - 1].severity = s;
}

static int add(struct out *o, enum policy_rule_id rule, const char *dev, const char *hint,
               const char *fmt, ...) __attribute__((format(printf, 5, 6)));

int policy_temp_files_add(struct policy_findings *out, const enum policy_severity *severity,
                          const char *node, char *const *files, size_t n)
{
	struct out o = {out, severity, false};
	int r = 0;

	for (size_t i = 0; i < n && r == 0; i++) {
		r = add(&o, POLICY_RULE_TEMP_FILE_LEFT, NULL,
		        _(policy_rule_get(POLICY_RULE_TEMP_FILE_LEFT)->fix),
		        _("%s: a write of pve-passthrough was killed before it finished (its "
		          "process is gone)"),
		        files[i]);
		if (r == 0 && !o.last_dropped && node)
			snprintf(out->v[out->n - 1].node, sizeof(out->v[0].node), "%s", node);
	}
	return r;
}
static int add(struct out *o, enum policy_rule_id rule, const char *dev, const char *hint,
               const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = policy_findings_vaddf(o->f, o->severity, &o->last_dropped, rule, dev, hint, fmt, ap);
	va_end(ap);
	return r;
}

/* The SR-IOV checks run on an SR-IOV host (iGPU or generic PF), the GVT-g ones on a GVT-g iGPU. */
static bool sriov_host(const struct policy_host *h)
{
	return (h->igpu || h->generic) && h->mode != SYSFS_PROFILE_GVTG;
}

static bool gvtg_host(const struct policy_host *h)
{
	return h->igpu && h->mode == SYSFS_PROFILE_GVTG;
}

static int pf_unbound(const struct policy_host *h, struct out *o)
{
	if (!sriov_host(h))
		return 0;
	if (!h->pf_driver[0] && h->generic)
		return add(
		        o, POLICY_RULE_PF_UNBOUND, h->pf_bdf,
		        _("load the PF's driver; look for blacklist / 'options vfio-pci ids=' lines "
		          "in /etc/modprobe.d"),
		        _("no driver is bound to the PF %s: no VF can be created"), h->pf_bdf);
	if (h->generic && strcmp(h->pf_driver, "vfio-pci") == 0)
		return add(
		        o, POLICY_RULE_PF_UNBOUND, h->pf_bdf,
		        _("take the PF out of every VM config and out of 'options vfio-pci ids='"),
		        _("the PF %s is bound to vfio-pci: a VM holds the PF, so every VF is gone"),
		        h->pf_bdf);
	if (!h->pf_driver[0])
		return add(
		        o, POLICY_RULE_PF_UNBOUND, h->pf_bdf,
		        _("look for 'blacklist i915' / 'options vfio-pci ids=' in /etc/modprobe.d and "
		          "the i915 lines of dmesg"),
		        _("no driver is bound to the iGPU PF %s: no VF can be created (\"no driver "
		          "bound to device; cannot configure SR-IOV\")"),
		        h->pf_bdf);
	if (strcmp(h->pf_driver, "vfio-pci") == 0)
		return add(
		        o, POLICY_RULE_PF_UNBOUND, h->pf_bdf,
		        _("take the PF (and any 'All Functions' 00:02 entry) out of every VM config "
		          "and remove 'options vfio-pci ids=8086:...'; then reboot"),
		        _("the iGPU PF %s is bound to vfio-pci: a VM holds the PF or vfio-pci "
		          "claimed its id, so every VF is gone"),
		        h->pf_bdf);
	return 0;
}

/* The dkms i915 has max_vfs; the stock one ignores i915.max_vfs. */
static int pf_driver_stock(const struct policy_host *h, struct out *o)
{
	if (!sriov_host(h) || h->mode != SYSFS_PROFILE_SRIOV_I915 || !h->pf_module_loaded ||
	    h->max_vfs[0])
		return 0;
	return add(o, POLICY_RULE_PF_DRIVER_STOCK, h->pf_bdf,
	           _("build and install i915-sriov-dkms for the running kernel (see the dkms "
	             "findings), then reboot"),
	           _("the running i915 is the stock module (no max_vfs parameter) on kernel %s: "
	             "i915.max_vfs is ignored and sriov_numvfs writes fail with ENOENT"),
	           h->running[0] ? h->running : "?");
}

static int pf_guc(const struct policy_host *h, struct out *o)
{
	if (!sriov_host(h) || h->mode != SYSFS_PROFILE_SRIOV_I915 || !h->max_vfs[0] ||
	    !h->enable_guc[0] || strcmp(h->enable_guc, "3") == 0)
		return 0;
	return add(o, POLICY_RULE_PF_GUC, h->pf_bdf, _("set i915.enable_guc=3 (host setup sriov)"),
	           _("i915 runs with enable_guc=%s; SR-IOV needs 3"), h->enable_guc);
}

static int vfs_total_zero(const struct policy_host *h, struct out *o)
{
	if (!sriov_host(h) || h->totalvfs != 0 || !h->max_vfs[0])
		return 0;
	return add(o, POLICY_RULE_VFS_TOTAL_ZERO, h->pf_bdf,
	           _("add i915.max_vfs=7 to the kernel command line (host setup sriov) and reboot"),
	           _("sriov_totalvfs of %s is 0: i915.max_vfs was not set at boot"), h->pf_bdf);
}

/* Does boot setting v set the count of h's PF (a line that names no PF: the tool's unit and
 * the iGPU's setups name none, or the PF itself)? */
static bool boot_sets_pf(const struct policy_host *h, const struct policy_vf_boot *v)
{
	return v->count >= 0 && (!v->pf[0] || strcmp(v->pf, h->pf_bdf) == 0);
}

static int vfs_count(const struct policy_host *h, struct out *o)
{
	if (!sriov_host(h) || h->totalvfs <= 0 || h->numvfs != 0)
		return 0;
	/* a count set at boot that differs is vf-count-mismatch's */
	for (size_t i = 0; i < h->n_vf_boot; i++)
		if (boot_sets_pf(h, &h->vf_boot[i]))
			return 0;
	return add(o, POLICY_RULE_VFS_COUNT, h->pf_bdf, "pve-passthrough host vfs N",
	           _("no VFs enabled (sriov_numvfs 0, sriov_totalvfs %d)"), h->totalvfs);
}

static int vf_count_mismatch(const struct policy_host *h, struct out *o)
{
	int r = 0;

	if (!sriov_host(h) || h->totalvfs <= 0 || h->numvfs < 0)
		return 0;
	for (size_t i = 0; i < h->n_vf_boot && r == 0; i++) {
		const struct policy_vf_boot *v = &h->vf_boot[i];

		if (!boot_sets_pf(h, v) || v->count == h->numvfs)
			continue;
		if (v->tool_unit)
			r = add(o, POLICY_RULE_VF_COUNT_MISMATCH, h->pf_bdf,
			        _("pve-passthrough host vfs N sets it now (after checking no VM uses a VF)"),
			        _("%d VFs enabled, the tool's unit asks for %d"), h->numvfs,
			        v->count);
		else
			r = add(o, POLICY_RULE_VF_COUNT_MISMATCH, h->pf_bdf,
			        _("make the count there and the one enabled now agree (pve-passthrough "
			          "host vfs N)"),
			        _("%d VFs enabled, %s line %d sets %d at boot: '%s'"), h->numvfs,
			        v->file, v->line, v->count, v->text);
	}
	return r;
}

static int vfs_other_mechanism(const struct policy_host *h, struct out *o)
{
	size_t n = 0;
	int r = 0;

	if (!sriov_host(h))
		return 0;
	for (size_t i = 0; i < h->n_vf_boot; i++)
		n += !h->vf_boot[i].tool_unit;
	for (size_t i = 0; i < h->n_vf_boot && r == 0; i++) {
		const struct policy_vf_boot *v = &h->vf_boot[i];

		if (v->tool_unit)
			continue;
		r = add(o, POLICY_RULE_VFS_OTHER_MECHANISM, NULL,
		        h->unit ? _("remove this line: the tool's unit already sets the count")
		                : _("keep one mechanism: host setup sriov installs the tool's unit and "
		                    "reports this line"),
		        _("%s line %d: '%s': %s"), v->file, v->line, v->text,
		        h->unit || n > 1 ? v->why
		                         : _("sets sriov_numvfs at boot (not the tool's unit)"));
	}
	if (r == 0 && n == 1 && !h->unit)
		policy_findings_downgrade(o->f, o->last_dropped, POLICY_SEVERITY_INFO);
	return r;
}

static int vfs_not_persistent(const struct policy_host *h, struct out *o)
{
	bool other = false;

	if (!sriov_host(h))
		return 0;
	for (size_t i = 0; i < h->n_vf_boot; i++)
		other |= !h->vf_boot[i].tool_unit;
	if (!h->unit && !other)
		return add(o, POLICY_RULE_VFS_NOT_PERSISTENT, h->pf_bdf,
		           "pve-passthrough host setup sriov",
		           _("nothing sets sriov_numvfs at boot: the VFs are gone after a reboot"));
	for (size_t i = 0; h->unit && !h->unit_enabled && i < h->n_vf_boot; i++) {
		const char *file = h->vf_boot[i].file, *base = strrchr(file, '/');
		char hint[300];

		if (!h->vf_boot[i].tool_unit)
			continue;
		snprintf(hint, sizeof(hint), "systemctl enable %s", base ? base + 1 : file);
		return add(o, POLICY_RULE_VFS_NOT_PERSISTENT, h->pf_bdf, hint,
		           _("%s exists but is not enabled"), file);
	}
	return 0;
}

static int gvtg_disabled(const struct policy_host *h, struct out *o)
{
	if (!gvtg_host(h) || !h->pf_module_loaded || strcmp(h->enable_gvt, "Y") == 0 ||
	    strcmp(h->enable_gvt, "1") == 0)
		return 0;
	return add(o, POLICY_RULE_GVTG_DISABLED, h->pf_bdf,
	           _("i915.enable_gvt=1 (host setup gvtg), reboot"),
	           _("i915 runs without enable_gvt"));
}

static int gvtg_kvmgt(const struct policy_host *h, struct out *o)
{
	if (!gvtg_host(h))
		return 0;
	if (h->extra_module_loaded && !h->extra_module_at_boot)
		return add(
		        o, POLICY_RULE_GVTG_KVMGT, h->pf_bdf,
		        _("host setup gvtg (adds kvmgt to /etc/modules-load.d)"),
		        _("kvmgt is loaded now but nothing loads it at boot: after a reboot there "
		          "are no mdev types"));
	if (!h->extra_module_loaded)
		return add(o, POLICY_RULE_GVTG_KVMGT, h->pf_bdf,
		           _("host setup gvtg (adds kvmgt to modules-load.d), or modprobe kvmgt"),
		           _("kvmgt is not loaded: no mdev types"));
	return 0;
}

static int gvtg_no_types(const struct policy_host *h, struct out *o)
{
	if (!gvtg_host(h) || h->n_mdev_types)
		return 0;
	return add(o, POLICY_RULE_GVTG_NO_TYPES, h->pf_bdf,
	           _("needs i915.enable_gvt=1, kvmgt loaded and enough aperture in the BIOS (DVMT "
	             "pre-allocated >= 64M)"),
	           _("%s offers no mdev types (mdev_supported_types missing)"), h->pf_bdf);
}

/* The checks, in the order doctor reports them. */
static int (*const checks[])(const struct policy_host *, struct out *) = {
        pf_unbound,          pf_driver_stock,    pf_guc,
        vfs_total_zero,      vfs_count,          vf_count_mismatch,
        vfs_other_mechanism, vfs_not_persistent, gvtg_disabled,
        gvtg_kvmgt,          gvtg_no_types,
};

int policy_host_evaluate(const struct policy_host *h, const enum policy_severity *severity,
                         struct policy_findings *out)
{
	struct out o = {out, severity, false};

	for (size_t i = 0; i < sizeof(checks) / sizeof(checks[0]); i++)
		if (checks[i](h, &o) < 0)
			return -ENOMEM;
	return 0;
}
