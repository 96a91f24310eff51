/* host/klog_sig.c - the kernel messages that explain a broken iGPU setup: one table of
 * signatures (POSIX extended regular expressions over the message text), each naming the host
 * rule it means, what the kernel is saying and what to do.  Real lines of each are in
 * ../shared/corpus/samples/dmesg_*.txt and in tests/unit/host_klog.c.
 *
 * Adding a signature is one row here (and its rule in the registry when the rule is new).  Pure:
 * no I/O. */
#include "host/klog.h"

#include <errno.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

struct klog_sig {
	const char *rule;
	const char *lit;    /* a literal every matching line contains: the cheap test done first */
	const char *re;     /* matched against the message text (POSIX ERE) */
	const char *unless; /* the match does not count when any line of the log matches this */
	const char *meaning;
	const char *fix;
};

/* Messages a working setup prints: never findings, whatever a signature below would say. */
static const char *const expected[] = {
        "loading out-of-tree module taints kernel",
        "module verification failed: signature and/or required key missing",
        "Setting dangerous option enable_guc",
};

#define DKMS_FIX                                                                                   \
	"install i915-sriov-dkms for the running kernel (`dkms status`; doctor's dkms checks say " \
	"what is missing) and reboot"

/* First match wins: more specific rows come before general ones. */
static const struct klog_sig sigs[] = {
        /* the stock module: no SR-IOV in it */
        {"pf-driver-stock", "unknown parameter 'max_vfs'",
         "^(i915|xe): unknown parameter 'max_vfs' ignored", NULL,
         "the loaded driver is the stock module: it ignores max_vfs, so no VF can be created",
         DKMS_FIX},
        {"klog-sriov-unsupported", "driver does not support SR-IOV",
         "driver does not support SR-IOV configuration via sysfs", NULL,
         "the driver bound to the PF cannot create VFs through sriov_numvfs (the stock i915, not "
         "i915-sriov-dkms)",
         DKMS_FIX},
        {"klog-sriov-unsupported", "Support for SR-IOV is not available",
         "\\[drm\\] Support for SR-IOV is not available", NULL,
         "the xe driver has no SR-IOV support for this platform",
         "use a driver that supports SR-IOV on this platform (see `pve-passthrough status`: the "
         "platform table says which), or GVT-g on 6th-10th gen"},
        {"klog-no-driver", "no driver bound to device",
         "no driver bound to device; cannot configure SR-IOV", NULL,
         "no driver is bound to the PF, so VFs cannot be created",
         "bind the PF to i915 (or xe): make sure the module is installed, not blacklisted, and that "
         "vfio-pci does not claim the iGPU's id (doctor's modprobe checks)"},
        /* VFs cannot be enabled */
        {"klog-mmio", "not enough MMIO resources", "not enough MMIO resources for SR-IOV", NULL,
         "the firmware left no memory window for the VFs' BARs",
         "in the BIOS enable Above 4G Decoding and SR-IOV support (and Resizable BAR where offered), "
         "or add pci=realloc to the kernel command line; then reboot"},
        {"klog-mmio", "-ENOMEM)", "Failed to enable [0-9]+ VFs? \\(-ENOMEM\\)", NULL,
         "enabling the VFs failed for lack of memory space (-ENOMEM)",
         "in the BIOS enable Above 4G Decoding and SR-IOV support (and Resizable BAR where offered), "
         "or add pci=realloc to the kernel command line; then reboot"},
        {"klog-vf-enable-failed", "Failed to enable ", "Failed to enable [0-9]+ VFs? \\(", NULL,
         "the driver could not enable the VFs",
         "check that the dkms module matches the kernel (`dkms status`) and that the GuC firmware "
         "loaded; try fewer VFs (`pve-passthrough host vfs N`)"},
        {"klog-vfs-in-use", "are still assigned",
         "Can't disable [0-9]+ VFs?, [0-9]+ (is|are) still assigned", NULL,
         "the VF count cannot change while VMs still hold VFs",
         "stop the VMs that use the VFs (`pve-passthrough status`) before changing the count"},
        /* parameters */
        {"klog-enable-guc-invalid",
         "Incompatible option enable_guc=", "Incompatible option enable_guc=", NULL,
         "the driver rejects the enable_guc value on the command line",
         "use i915.enable_guc=3 on an SR-IOV host (`pve-passthrough host setup sriov` writes it); 7 "
         "was an old guide's value"},
        {"klog-vf-guc-disabled", "GuC submission disabled",
         "\\[drm\\] \\*ERROR\\* GuC submission disabled", NULL,
         "a VF (in a guest) runs without GuC submission and cannot initialise",
         "inside the VM add i915.enable_guc=3 to the guest kernel command line and use a guest "
         "driver with SR-IOV VF support"},
        /* modules */
        {"klog-module-rejected", "Key was rejected by service", "Key was rejected by service", NULL,
         "Secure Boot rejected an unsigned module (a dkms module is signed with the dkms key only)",
         "enrol the dkms key: `mokutil --import /var/lib/dkms/mok.pub`, reboot and confirm in the "
         "MOK manager (or turn Secure Boot off)"},
        {"klog-pf-blacklisted", "Module i915 is blacklisted", "^Module i915 is blacklisted",
         "^xe [0-9a-f]{4}:[0-9a-f]{2}:",
         "i915 is blacklisted and no other driver (xe) took the iGPU",
         "remove module_blacklist=i915 / the modprobe.d blacklist line, or set the host up for xe "
         "(`pve-passthrough host setup sriov --driver xe`)"},
        {"klog-pf-blacklisted", "Module xe is blacklisted", "^Module xe is blacklisted",
         "^i915 [0-9a-f]{4}:[0-9a-f]{2}:",
         "xe is blacklisted and no other driver (i915) took the iGPU",
         "remove the xe blacklist, or install i915-sriov-dkms"},
        {"klog-kvmgt-mismatch",
         "kvmgt: ", "^kvmgt: (disagrees about version of symbol|Unknown symbol)", NULL,
         "the stock kvmgt module does not fit the dkms i915 (kvmgt is listed for loading)",
         "remove kvmgt from /etc/modules (SR-IOV hosts do not use it), or update i915-sriov-dkms "
         "(releases from 2025.03.26 build kvmgt too)"},
        {"module-obsolete", "Failed to find module '", "Failed to find module '[^']+'", NULL,
         "a module listed for loading at boot does not exist in this kernel",
         "remove it from /etc/modules or /etc/modules-load.d (vfio_virqfd and vfio_mdev were "
         "merged into vfio)"},
        /* GVT-g */
        {"klog-gvt-unsupported", "GVT-g is disabled", "Unsupported device\\. GVT-g is disabled",
         NULL, "GVT-g does not support this platform (only Broadwell to Comet Lake)",
         "use SR-IOV on 11th gen and newer (`pve-passthrough host setup sriov`), not GVT-g"},
        {"klog-gvt-guc", "not yet supported with GuC submission",
         "Graphics virtualization is not yet supported with GuC submission", NULL,
         "GVT-g cannot run while GuC submission is on",
         "remove i915.enable_guc from the command line (or set it to 0) on a GVT-g host"},
        {"gvtg-disabled", "GVT-g is disabled by kernel params",
         "GVT-g is disabled by kernel params", NULL, "i915 runs with GVT-g turned off",
         "add i915.enable_gvt=1 (`pve-passthrough host setup gvtg`)"},
        {"klog-gvt-firmware", "golden_hw_state", "Direct firmware load for i915/gvt/.* failed",
         NULL, "the GVT-g golden state firmware file is missing",
         "update the kernel and pve-firmware/linux-firmware; on current kernels it is not needed"},
        {"klog-gvt-init", "'kvmgt': No such device",
         "(could not insert|Failed to insert module) 'kvmgt': No such device", NULL,
         "kvmgt cannot load because GVT-g did not initialise",
         "fix what made GVT-g fail (the lines before: unsupported device, GuC, enable_gvt); on an "
         "SR-IOV host remove kvmgt from /etc/modules"},
/* GuC and VF state */
#define GUC_FAILURE                                                                                   \
	NULL, "the GuC failed while handling VFs (saving VF state, reset, VF configuration)",         \
	        "update i915-sriov-dkms, the kernel and the GuC firmware together; run fewer VFs if " \
	        "it persists"
        {"klog-guc-failure", "GUC: CT: Sending action",
         "GUC: CT: Sending action 0x[0-9a-fA-F]+ failed", GUC_FAILURE},
        {"klog-guc-failure", "Failed to save VF", "IOV: Failed to save VF[0-9]+ state",
         GUC_FAILURE},
        {"klog-guc-failure", "Resetting chip for stopped heartbeat",
         "Resetting chip for stopped heartbeat", GUC_FAILURE},
        {"klog-guc-failure", "Unsuccessful self-config", "Unsuccessful self-config", GUC_FAILURE},
        {"klog-guc-failure", "CT: Failed to register", "CT: Failed to register (RECV|SEND) buffer",
         GUC_FAILURE},
        {"klog-guc-failure", "FLR didn't complete", "VF[0-9]+ FLR didn't complete", GUC_FAILURE},
/* firmware and device ids */
#define FIRMWARE                                                                                   \
	NULL, "the GPU firmware is missing or older than the driver expects",                      \
	        "update pve-firmware (Proxmox) or linux-firmware, then reboot"
        {"klog-firmware", "is recommended, but only",
         "GuC firmware .* is recommended, but only .* was found", FIRMWARE},
        {"klog-firmware", "Consider updating your linux-firmware",
         "Consider updating your linux-firmware", FIRMWARE},
        {"klog-firmware", "Direct firmware load for i915/",
         "Direct firmware load for i915/.* failed", FIRMWARE},
        {"klog-force-probe", "Force probing unsupported Device ID",
         "Force probing unsupported Device ID", NULL,
         "the driver is force-probing a device id it does not support natively",
         "use a driver release that lists this platform and drop the force_probe parameter"},
};

#define N_SIGS (sizeof(sigs) / sizeof(sigs[0]))

const char *const *host_klog_rule_ids(size_t *n)
{
	static const char *ids[N_SIGS];
	static size_t n_ids;

	if (n_ids == 0) {
		for (size_t i = 0; i < N_SIGS; i++) {
			size_t j = 0;

			while (j < n_ids && strcmp(ids[j], sigs[i].rule) != 0)
				j++;
			if (j == n_ids)
				ids[n_ids++] = sigs[i].rule;
		}
	}
	*n = n_ids;
	return ids;
}

static bool is_expected(const char *text)
{
	for (size_t i = 0; i < sizeof(expected) / sizeof(expected[0]); i++)
		if (strstr(text, expected[i]))
			return true;
	return false;
}

static bool any_line_matches(const struct host_klog *log, const regex_t *re)
{
	for (size_t i = 0; i < log->n; i++)
		if (regexec(re, log->v[i].text, 0, NULL, 0) == 0)
			return true;
	return false;
}

/* Compiles row s (and its `unless`, judged over the whole log) the first time a line has its
 * literal: most logs need none or a few of the expressions.  0 or -EINVAL (a bad row: the unit
 * test catches it). */
static int prepare(const struct host_klog *log, size_t s, regex_t *re, bool *compiled,
                   bool *suppressed)
{
	regex_t u;

	if (compiled[s])
		return 0;
	if (regcomp(&re[s], sigs[s].re, REG_EXTENDED | REG_NOSUB) != 0)
		return -EINVAL;
	compiled[s] = true;
	if (sigs[s].unless) {
		if (regcomp(&u, sigs[s].unless, REG_EXTENDED | REG_NOSUB) != 0)
			return -EINVAL;
		suppressed[s] = any_line_matches(log, &u);
		regfree(&u);
	}
	return 0;
}

int host_klog_match(const struct host_klog *log, struct host_klog_match **out, size_t *n)
{
	regex_t re[N_SIGS];
	bool compiled[N_SIGS] = {false}, suppressed[N_SIGS] = {false};
	struct host_klog_match *m = NULL;
	size_t nm = 0;
	int rc = 0;

	*out = NULL;
	*n = 0;
	for (size_t i = 0; i < log->n; i++) {
		const struct host_klog_record *r = &log->v[i];
		size_t s, k;

		if (is_expected(r->text))
			continue;
		for (s = 0; s < N_SIGS; s++) {
			if (!strstr(r->text, sigs[s].lit))
				continue;
			rc = prepare(log, s, re, compiled, suppressed);
			if (rc)
				goto out;
			if (regexec(&re[s], r->text, 0, NULL, 0) == 0)
				break;
		}
		if (s == N_SIGS || suppressed[s])
			continue;
		for (k = 0; k < nm; k++)
			if (strcmp(m[k].rule, sigs[s].rule) == 0 &&
			    strcmp(m[k].device, r->device) == 0)
				break;
		if (k < nm) {
			m[k].count++;
			continue;
		}
		struct host_klog_match *v = realloc(m, (nm + 1) * sizeof(*m));

		if (!v) {
			rc = -ENOMEM;
			goto out;
		}
		m = v;
		m[nm] = (struct host_klog_match){.rule = sigs[s].rule,
		                                 .meaning = sigs[s].meaning,
		                                 .fix = sigs[s].fix,
		                                 .first = r,
		                                 .count = 1};
		memcpy(m[nm].device, r->device, sizeof(m[nm].device));
		nm++;
	}
out:
	for (size_t i = 0; i < N_SIGS; i++)
		if (compiled[i])
			regfree(&re[i]);
	if (rc) {
		free(m);
		return rc;
	}
	*out = m;
	*n = nm;
	return 0;
}

/* Every row's expressions compile and every row's literal is in what its expression matches
 * (checked by the unit test with the rows' own sample lines). */
int host_klog_table_check(void)
{
	for (size_t s = 0; s < N_SIGS; s++) {
		regex_t re;

		if (!sigs[s].lit || !sigs[s].lit[0] ||
		    regcomp(&re, sigs[s].re, REG_EXTENDED | REG_NOSUB))
			return -EINVAL;
		regfree(&re);
		if (sigs[s].unless) {
			if (regcomp(&re, sigs[s].unless, REG_EXTENDED | REG_NOSUB))
				return -EINVAL;
			regfree(&re);
		}
	}
	return 0;
}
