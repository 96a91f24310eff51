/* policy/host_rules.c - every host rule (doctor's): the judge over the plain facts of struct
 * policy_host that host/doctor.c gathers (the sysfs snapshot, the bootloader and its command lines,
 * dkms per installed kernel, Secure Boot, modprobe.d lines, the kernel log, the files that set the
 * VF count at boot, the setup journal, temporary files).  One check function per rule (or per
 * group of messages of one rule), listed in checks[] in the order doctor reports them.  Adding a
 * host rule: its line in rules.def, its function and entry here, its test
 * (tests/unit/policy_host_rules.c), its man page entry; a fact no rule had before is one more
 * field of struct policy_host that doctor fills.
 * No I/O (tools/check-layering.sh): everything comes in through struct policy_host. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "policy/policy.h"
#include "util/paths.h"

struct out {
	struct policy_findings *f;
	const enum policy_severity *severity;
	bool last_dropped; /* the last add() was off by the settings */
};

static int vaddf(struct policy_findings *f, const enum policy_severity *severity, bool *dropped,
                 enum policy_rule_id rule, const char *dev, const char *hint, const char *fmt,
                 va_list ap) __attribute__((format(printf, 7, 0)));
static int vaddf(struct policy_findings *f, const enum policy_severity *severity, bool *dropped,
                 enum policy_rule_id rule, const char *dev, const char *hint, const char *fmt,
                 va_list ap)
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

/* Lowers the severity of the finding just added (never above what the settings allow). */
static void downgrade(struct out *o, enum policy_severity s)
{
	struct policy_findings *f = o->f;

	if (f->n && !o->last_dropped && s < f->v[f->n - 1].severity)
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
	r = vaddf(o->f, o->severity, &o->last_dropped, rule, dev, hint, fmt, ap);
	va_end(ap);
	return r;
}

/* ------------------------------------------------ the setup's journal, our temporary files */

static int journal_interrupted(const struct policy_host *h, struct out *o)
{
	if (h->journal_error)
		return add(o, POLICY_RULE_JOURNAL_INTERRUPTED, NULL,
		           _("fix the state directory, then run pve-passthrough host rollback"),
		           "%s", h->journal_error);
	if (!h->journal_interrupted)
		return 0;
	return add(o, POLICY_RULE_JOURNAL_INTERRUPTED, NULL,
	           _("run pve-passthrough host rollback: it undoes the steps that were "
	             "applied; host setup refuses until then"),
	           _("the %s of journal %s/%s stopped half-way (state applying)"),
	           h->journal_kind ? h->journal_kind : "", h->journal_dir ? h->journal_dir : "",
	           h->journal_interrupted);
}

static int temp_file_left(const struct policy_host *h, struct out *o)
{
	int r = policy_temp_files_add(o->f, o->severity, NULL, h->temp_files, h->n_temp_files);

	o->last_dropped = false;
	return r;
}

/* ------------------------------------------------ the platform and the IOMMU */

/* generic-pf, igpu-missing, platform-unknown, platform-unsupported or platform: what the host
 * is, the one finding the others are read against. */
static int platform(const struct policy_host *h, struct out *o)
{
	const char *drv = h->pf_driver && h->pf_driver[0] ? h->pf_driver : _("none");
	const char *name = h->pf_name ? h->pf_name : "";
	char id[64], can[160] = "";

	if (h->mode == SYSFS_PROFILE_SRIOV_GENERIC)
		/* TRANSLATORS: %04x:%04x%s%s is the PF's vendor:device id and its name (" NAME" or
		 * ""); then its driver, why the host mode is generic, the VF counts and the IOMMU
		 * state */
		return h->pf_bdf && h->pf_bdf[0]
		               ? add(o, POLICY_RULE_GENERIC_PF, h->pf_bdf, NULL,
		                     _("%04x:%04x%s%s (driver %s): generic SR-IOV PF, %s; %d of %d "
		                       "VFs enabled; %s"),
		                     h->vendor_id, h->device_id, name[0] ? " " : "", name, drv,
		                     h->mode_why, h->numvfs, h->totalvfs, h->iommu_why)
		               : add(o, POLICY_RULE_GENERIC_PF, NULL, NULL,
		                     _("the PF of the setup is gone; %04x:%04x%s%s (driver %s): "
		                       "generic SR-IOV PF, %s; %d of %d VFs enabled; %s"),
		                     h->vendor_id, h->device_id, name[0] ? " " : "", name, drv,
		                     h->mode_why, h->numvfs, h->totalvfs, h->iommu_why);
	if (!h->igpu)
		return add(o, POLICY_RULE_IGPU_MISSING, NULL,
		           _("this tool is for Intel iGPUs (vendor 8086, display class)"),
		           _("no Intel iGPU found"));
	if (!h->platform)
		return add(o, POLICY_RULE_PLATFORM_UNKNOWN, h->pf_bdf,
		           _("update pve-passthrough (its platform table)"),
		           _("iGPU 8086:%04x is not in the platform table"), h->device_id);
	if (!h->can_gvtg && !h->can_sriov_i915 && !h->can_sriov_xe)
		return add(o, POLICY_RULE_PLATFORM_UNSUPPORTED, h->pf_bdf,
		           _("only full passthrough of the whole iGPU to one VM is possible"),
		           _("%s (8086:%04x) has neither SR-IOV nor GVT-g"), h->platform,
		           h->device_id);
	if (h->gfx)
		snprintf(id, sizeof(id), "8086:%04x, %s", h->device_id, h->gfx);
	else
		snprintf(id, sizeof(id), "8086:%04x", h->device_id);
	/* what the platform can do, as a list of ways */
	if (h->can_gvtg)
		snprintf(can, sizeof(can), "GVT-g");
	if (h->can_sriov_i915)
		snprintf(can + strlen(can), sizeof(can) - strlen(can), "%s%s",
		         can[0] ? _(", ") : "", _("SR-IOV via i915-sriov-dkms"));
	if (h->can_sriov_xe)
		snprintf(can + strlen(can), sizeof(can) - strlen(can), "%s%s",
		         can[0] ? _(", ") : "", _("SR-IOV via xe"));
	return add(o, POLICY_RULE_PLATFORM, h->pf_bdf, NULL, _("%s (%s) can do %s"), h->platform,
	           id, can);
}

static int iommu_off(const struct policy_host *h, struct out *o)
{
	if (h->iommu != 0)
		return 0;
	return add(
	        o, POLICY_RULE_IOMMU_OFF, NULL,
	        _("enable VT-d in the firmware setup and put intel_iommu=on on the kernel command "
	          "line (host setup does)"),
	        _("no IOMMU is active (/sys/class/iommu is empty): nothing can be passed through"));
}

/* ------------------------------------------------ the kernel command line */

static const char *mode_name(const struct policy_host *h)
{
	return sysfs_driver_profile(h->mode)->name;
}

static int bootloader(const struct policy_host *h, struct out *o)
{
	const struct policy_cmdline *c = h->cmdline;
	char loader[128], files[PP_PATH_MAX + 64];

	if (!c)
		return 0;
	if (c->pbt)
		snprintf(loader, sizeof(loader), _("%s on ESPs managed by proxmox-boot-tool"),
		         c->loader);
	else
		snprintf(loader, sizeof(loader), "%s", c->loader);
	snprintf(files, sizeof(files), "%s%s", c->file,
	         c->grub_dropins ? " + /etc/default/grub.d/*.cfg" : "");
	return add(o, POLICY_RULE_BOOTLOADER, NULL, NULL, _("%s; command line in %s (%s)"), loader,
	           files, c->loader_why);
}

/* The hint of the rules that host setup fixes: "pve-passthrough host setup sriov". */
static const char *setup_hint(const struct policy_host *h, char *buf, size_t n)
{
	snprintf(buf, n, "pve-passthrough host setup %s", sysfs_driver_profile(h->mode)->setup);
	return buf;
}

/* cmdline-missing and cmdline-pending, token by token */
static int cmdline_tokens(const struct policy_host *h, struct out *o)
{
	const struct policy_cmdline *c = h->cmdline;
	char setup[64];
	int r = 0;

	for (size_t i = 0; c && i < c->n_tokens && r == 0; i++) {
		const struct policy_cmdline_token *t = &c->tokens[i];

		if (!t->persisted)
			r = add(o, POLICY_RULE_CMDLINE_MISSING, NULL,
			        setup_hint(h, setup, sizeof(setup)),
			        _("%s is not in the persisted command line (%s): %s needs it"),
			        t->token, c->file, mode_name(h));
		else if (c->running_known && !t->active)
			r = add(o, POLICY_RULE_CMDLINE_PENDING, NULL,
			        _("reboot; if it is still missing afterwards, the bootloader reads another file"),
			        _("%s is persisted in %s but not in /proc/cmdline: a reboot is pending"),
			        t->token, c->file);
	}
	return r;
}

/* cmdline-conflict: a whole token, or one item of a comma list */
static int conflict(const struct policy_host *h, const struct policy_cmdline_conflict *x,
                    struct out *o)
{
	if (!x->item)
		return add(o, POLICY_RULE_CMDLINE_CONFLICT, NULL,
		           _("remove it, or let setup do it: host setup ... --replace-conflicts"),
		           _("'%s' in %s works against %s"), x->token, h->cmdline->file,
		           mode_name(h));
	return add(o, POLICY_RULE_CMDLINE_CONFLICT, NULL,
	           _("remove it from the list, or host setup ... --replace-conflicts"),
	           _("%s in %s lists %s, the driver %s needs"), x->key, h->cmdline->file, x->item,
	           mode_name(h));
}

/* cmdline-typo; a typo of the persisted file that /proc/cmdline has too was said once, from
 * /proc/cmdline */
static int typo(const struct policy_host *h, const struct policy_cmdline_typo *t, struct out *o)
{
	const struct policy_cmdline *c = h->cmdline;

	if (!t->running && c->running_known && t->also_running)
		return 0;
	return add(o, POLICY_RULE_CMDLINE_TYPO, NULL,
	           t->running ? _("correct the token in the bootloader's file")
	                      : _("correct the token"),
	           "%s: %s", t->running ? PP_PROC_CMDLINE : c->file, t->why);
}

static int cmdline_conflict(const struct policy_host *h, struct out *o)
{
	int r = 0;

	for (size_t i = 0; h->cmdline && i < h->cmdline->n_conflicts && r == 0; i++)
		r = conflict(h, &h->cmdline->conflicts[i], o);
	return r;
}

static int cmdline_typo(const struct policy_host *h, struct out *o)
{
	int r = 0;

	for (size_t i = 0; h->cmdline && i < h->cmdline->n_typos && r == 0; i++)
		r = typo(h, &h->cmdline->typos[i], o);
	return r;
}

/* the first needed token that is only in the file the bootloader does not read */
static int cmdline_wrong_file(const struct policy_host *h, struct out *o)
{
	const struct policy_cmdline *c = h->cmdline;
	char setup[64];

	for (size_t i = 0; c && c->other_file && i < c->n_tokens; i++)
		if (c->tokens[i].other_file && !c->tokens[i].persisted)
			return add(o, POLICY_RULE_CMDLINE_WRONG_FILE, NULL,
			           setup_hint(h, setup, sizeof(setup)),
			           _("%s is in %s, but this host boots with %s, which reads %s: "
			             "the token never reaches the kernel"),
			           c->tokens[i].token, c->other_file, c->loader, c->file);
	return 0;
}

/* ------------------------------------------------ the PF, its VFs, GVT-g */

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
		downgrade(o, POLICY_SEVERITY_INFO);
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

/* ------------------------------------------------ i915-sriov-dkms per installed kernel */

/* The headers package of a kernel release: Proxmox VE's kernels end in -pve, Debian's do not. */
static const char *headers_pkg(const char *release)
{
	size_t l = strlen(release);

	return l > 4 && strcmp(release + l - 4, "-pve") == 0 ? "proxmox-headers" : "linux-headers";
}

/* the kernel as the findings name it: "6.8.12-8-pve (newest: boots next)" */
static void kernel_name(const struct policy_kernel *k, char *buf, size_t n)
{
	if (k->next_boot && k->pinned)
		snprintf(buf, n, _("%s (pinned: boots next)"), k->release);
	else if (k->next_boot)
		snprintf(buf, n, _("%s (newest: boots next)"), k->release);
	else if (k->running)
		snprintf(buf, n, _("%s (running)"), k->release);
	else
		snprintf(buf, n, "%s", k->release);
}

/* dkms-missing: what to do depends on what is there (a source, headers, a release that fits) */
static void dkms_missing_hint(const struct policy_dkms *d, const struct policy_kernel *k,
                              char *hint, size_t n)
{
	if (!d->n_sources)
		snprintf(hint, n,
		         _("i915-sriov-dkms is not installed: get the release that fits "
		           "(%s) and run host setup sriov --dkms-deb FILE"),
		         k->fitting[0] ? k->fitting : _("none known for this kernel"));
	else if (!k->headers && k->fitting[0])
		snprintf(hint, n,
		         _("apt install %s-%s, then dkms autoinstall -k %s; release "
		           "fitting it: %s"),
		         headers_pkg(k->release), k->release, k->release, k->fitting);
	else if (!k->headers)
		snprintf(hint, n, _("apt install %s-%s, then dkms autoinstall -k %s"),
		         headers_pkg(k->release), k->release, k->release);
	else if (d->n_sources && !k->source_fits && k->fitting[0])
		snprintf(hint, n,
		         _("the added i915-sriov-dkms release does not cover %s: install "
		           "release %s (host setup sriov --dkms-deb FILE)"),
		         k->release, k->fitting);
	else if (k->fitting[0])
		snprintf(hint, n, _("dkms autoinstall -k %s; release fitting it: %s"), k->release,
		         k->fitting);
	else
		snprintf(hint, n, "dkms autoinstall -k %s", k->release);
}

static int dkms_missing(const struct policy_dkms *d, const struct policy_kernel *k, struct out *o)
{
	char kname[160], hint[512];
	int r;

	kernel_name(k, kname, sizeof(kname));
	dkms_missing_hint(d, k, hint, sizeof(hint));
	if (k->next_boot && d->said[0])
		r = add(o, POLICY_RULE_DKMS_MISSING, NULL, hint,
		        _("kernel %s has no i915-sriov-dkms module: after the reboot the "
		          "stock i915 loads and every VF is gone; dkms status: %s"),
		        kname, d->said);
	else if (k->next_boot)
		r = add(o, POLICY_RULE_DKMS_MISSING, NULL, hint,
		        _("kernel %s has no i915-sriov-dkms module: after the reboot the "
		          "stock i915 loads and every VF is gone"),
		        kname);
	else if (d->said[0])
		r = add(o, POLICY_RULE_DKMS_MISSING, NULL, hint,
		        _("kernel %s has no i915-sriov-dkms module; dkms status: %s"), kname,
		        d->said);
	else
		r = add(o, POLICY_RULE_DKMS_MISSING, NULL, hint,
		        _("kernel %s has no i915-sriov-dkms module"), kname);
	if (r == 0 && !k->next_boot && !k->running)
		downgrade(o, POLICY_SEVERITY_WARNING);
	return r;
}

static int dkms_window(const struct policy_dkms *d, const struct policy_kernel *k, struct out *o)
{
	if (!d->window_release)
		return 0;
	if (k->fitting[0])
		return add(o, POLICY_RULE_DKMS_WINDOW, NULL,
		           _("install the release that fits (host setup sriov --dkms-deb "
		             "FILE) or pin an older kernel: proxmox-boot-tool kernel pin "
		             "<kver>"),
		           _("i915-sriov-dkms %s supports kernels %d.%d to %d.%d; %s is "
		             "outside, dkms skips the build silently; release fitting it: %s"),
		           d->window_release, d->window_min[0], d->window_min[1], d->window_max[0],
		           d->window_max[1], k->release, k->fitting);
	return add(o, POLICY_RULE_DKMS_WINDOW, NULL,
	           _("install the release that fits (host setup sriov --dkms-deb "
	             "FILE) or pin an older kernel: proxmox-boot-tool kernel pin "
	             "<kver>"),
	           _("i915-sriov-dkms %s supports kernels %d.%d to %d.%d; %s is "
	             "outside, dkms skips the build silently"),
	           d->window_release, d->window_min[0], d->window_min[1], d->window_max[0],
	           d->window_max[1], k->release);
}

/* dkms-missing, dkms-not-installed, headers-missing and dkms-window, kernel by kernel, newest
 * first; then dkms-broken from `dkms status` */
static int dkms(const struct policy_host *h, struct out *o)
{
	const struct policy_dkms *d = h->dkms;
	int r = 0;

	for (size_t i = 0; d && i < d->n_kernels && r == 0; i++) {
		const struct policy_kernel *k = &d->kernels[i];
		char kname[160], hint[512];

		kernel_name(k, kname, sizeof(kname));
		if (!k->dkms_built && !k->dkms_installed) {
			r = dkms_missing(d, k, o);
		} else if (k->dkms_built && !k->dkms_installed) {
			snprintf(hint, sizeof(hint), "dkms install %s/%s -k %s", d->module,
			         k->dkms_version, k->release);
			r = add(o, POLICY_RULE_DKMS_NOT_INSTALLED, NULL, hint,
			        _("i915-sriov-dkms %s is built for %s but not installed"),
			        k->dkms_version, kname);
		}
		if (r == 0 && !k->headers && (k->next_boot || k->running)) {
			snprintf(hint, sizeof(hint), "apt install %s-%s", headers_pkg(k->release),
			         k->release);
			r = add(o, POLICY_RULE_HEADERS_MISSING, NULL, hint,
			        _("no headers for kernel %s (/lib/modules/%s/build): dkms cannot build "
			          "the module for it"),
			        kname, k->release);
		}
		if (r == 0 && k->next_boot && d->n_sources && !k->source_fits && !k->dkms_installed)
			r = dkms_window(d, k, o);
	}
	for (size_t i = 0; d && i < d->n_broken && r == 0; i++)
		r = add(o, POLICY_RULE_DKMS_BROKEN, NULL,
		        _("dkms remove the version, then reinstall the package"),
		        _("dkms status: %s/%s is broken"), d->broken[i].module,
		        d->broken[i].version);
	return r;
}

/* ------------------------------------------------ Secure Boot, modprobe.d, the kernel log */

static int secure_boot(const struct policy_host *h, struct out *o)
{
	char hint[512];
	int r;

	if (!h->secure_boot)
		return 0;
	if (h->mok_exists)
		snprintf(hint, sizeof(hint),
		         _("mokutil --import %s, reboot, choose Enroll MOK in the MOK manager; "
		           "check with mokutil --test-key %s"),
		         h->mok, h->mok);
	else
		snprintf(hint, sizeof(hint),
		         _("the dkms key %s appears after the first dkms build; then mokutil "
		           "--import it and reboot to enroll it"),
		         h->mok);
	r = add(o, POLICY_RULE_SECURE_BOOT, NULL, hint,
	        _("Secure Boot is on: the kernel loads the dkms module only when the dkms key "
	          "is enrolled (\"Key was rejected by service\" otherwise)"));
	if (r == 0 && h->mode == SYSFS_PROFILE_GVTG)
		downgrade(o, POLICY_SEVERITY_INFO);
	return r;
}

static int modconf(const struct policy_host *h, struct out *o)
{
	int r = 0;

	for (size_t i = 0; i < h->n_modconf && r == 0; i++) {
		const struct policy_modconf *c = &h->modconf[i];

		r = add(o,
		        c->obsolete ? POLICY_RULE_MODULE_OBSOLETE : POLICY_RULE_MODPROBE_CONFLICT,
		        NULL,
		        c->modprobe_d
		                ? _("fix or remove that line, then update-initramfs -u -k all")
		                : _("remove that line"),
		        _("%s line %d: '%s': %s"), c->file, c->line, c->text, c->why);
	}
	return r;
}

/* The kernel log of this boot against host/klog_sig.c's table.  A message that confirms a finding
 * already made (same rule and device: pf-driver-stock from sysfs, module-obsolete from
 * /etc/modules) is quoted in that finding; any other is a finding of its own.  A log that could
 * not be read is klog-unreadable. */
static int klog(const struct policy_host *h, struct out *o)
{
	int r = 0;

	if (h->klog_unreadable)
		return add(
		        o, POLICY_RULE_KLOG_UNREADABLE, NULL,
		        _("run doctor as root, or give the log with --kernel-log FILE (dmesg > FILE)"),
		        _("the kernel log was not read: %s"), h->klog_unreadable);
	for (size_t i = 0; i < h->n_klog && r == 0; i++) {
		const struct policy_klog_match *m = &h->klog[i];
		char quote[600], times[32] = "";
		struct policy_findings *fl = o->f;
		size_t k;

		if (m->count > 1)
			snprintf(times, sizeof(times), _(" (%u lines)"), m->count);
		snprintf(quote, sizeof(quote), "\"%s%s%s%s\"%s", m->stamp, m->stamp[0] ? " " : "",
		         m->text, m->truncated ? "..." : "", times);
		/* "i915: unknown parameter..." names no device: it confirms the PF's finding */
		for (k = 0; k < fl->n; k++)
			if (fl->v[k].rule == m->rule &&
			    (!m->device[0] || strcmp(fl->v[k].device, m->device) == 0))
				break;
		if (k < fl->n) {
			size_t len = strlen(fl->v[k].message);

			snprintf(fl->v[k].message + len, sizeof(fl->v[k].message) - len,
			         _("; kernel log: %s"), quote);
			continue;
		}
		r = add(o, m->rule, m->device[0] ? m->device : NULL, m->fix,
		        _("%s; kernel log (%s): %s"), m->meaning, h->klog_source, quote);
	}
	return r;
}

/* The checks, in the order doctor reports them. */
static int (*const checks[])(const struct policy_host *, struct out *) = {
        journal_interrupted,
        temp_file_left,
        platform,
        iommu_off,
        bootloader,
        cmdline_tokens,
        cmdline_conflict,
        cmdline_typo,
        cmdline_wrong_file,
        pf_unbound,
        pf_driver_stock,
        pf_guc,
        vfs_total_zero,
        vfs_count,
        vf_count_mismatch,
        vfs_other_mechanism,
        vfs_not_persistent,
        gvtg_disabled,
        gvtg_kvmgt,
        gvtg_no_types,
        dkms,
        secure_boot,
        modconf,
        klog,
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
