/* host/probe.h - reads how the host boots and loads modules: bootloader (docs/igpu.md order),
 * Secure Boot, the GRUB command line as GRUB will build it, conflicting modprobe.d / modules lines,
 * and every other mechanism that sets sriov_numvfs.  Read-only; every path under --root. */
#ifndef PP_HOST_PROBE_H
#define PP_HOST_PROBE_H

#include <stdbool.h>
#include <stddef.h>

#include "sysfs/driver.h"
#include "sysfs/host.h"
#include "util/err.h"
#include "util/paths.h"

/* Files the tool owns or reads besides util/paths.h. */
#define HOST_GRUB_DROPIN  PP_ETC_DEFAULT_GRUB_D "/pve-passthrough.cfg"
#define HOST_MODULES_FILE PP_ETC_MODULES_LOAD_D "/pve-passthrough.conf"
/* The VF boot unit: the shipped template pve-passthrough-vfs@.service, enabled by setup as the
 * instance pve-passthrough-vfs@<PF>:<N>.service (a link in multi-user.target.wants, as `systemctl
 * enable` makes it); HOST_UNIT_LEGACY is the unit file versions before 0.2 wrote into /etc. */
#define HOST_UNIT_PREFIX       "pve-passthrough-vfs@"
#define HOST_UNIT_TEMPLATE     PP_UNITDIR "/" HOST_UNIT_PREFIX ".service"
#define HOST_UNIT_WANTS_DIR    PP_ETC_SYSTEMD_SYSTEM "/multi-user.target.wants"
#define HOST_UNIT_LEGACY       PP_ETC_SYSTEMD_SYSTEM "/pve-passthrough-vfs.service"
#define HOST_UNIT_LEGACY_WANTS HOST_UNIT_WANTS_DIR "/pve-passthrough-vfs.service"
#define HOST_JOURNAL_DIR       PP_VAR_LIB_TOOL "/journal"
#define HOST_ETC_TMPFILES_D    PP_ETC_TMPFILES_D
#define HOST_ETC_RC_LOCAL      PP_ETC_RC_LOCAL
#define HOST_SECUREBOOT_VAR    PP_SYS_EFIVARS "/SecureBoot-8be4df61-93ca-11d2-aa0d-00e098032b8c"
#define HOST_DKMS_MOK          PP_VAR_LIB_DKMS "/mok.pub"

/* The ways of sharing setup and doctor know: the driver profiles of sysfs/driver.h (tokens,
 * modules, parameters, how VFs are made), which each mode's value indexes. */
enum host_mode {
	HOST_MODE_SRIOV_I915 = SYSFS_PROFILE_SRIOV_I915, /* SR-IOV through i915-sriov-dkms */
	HOST_MODE_SRIOV_XE = SYSFS_PROFILE_SRIOV_XE,     /* SR-IOV through xe */
	HOST_MODE_GVTG = SYSFS_PROFILE_GVTG,             /* GVT-g mdev through kvmgt */
	/* SR-IOV on a PF that is not an Intel iGPU (a NIC, an NVMe controller): the IOMMU token
	 * where the kernel needs it, vfio modules, the VF unit; nothing of i915/xe */
	HOST_MODE_SRIOV_GENERIC = SYSFS_PROFILE_SRIOV_GENERIC,
};
/* The mode's driver profile. */
const struct sysfs_driver_profile *host_mode_profile(enum host_mode m);
/* "sriov-i915", "sriov-xe", "gvtg", "sriov-generic" (the profile's name) */
const char *host_mode_name(enum host_mode m);
/* The mode of a journal's mode name; the iGPU SR-IOV mode for an unknown name. */
enum host_mode host_mode_parse(const char *name);

/* The IOMMU token a generic SR-IOV PF needs on the kernel command line: "intel_iommu=on" when
 * the IOMMU is Intel's (ACPI DMAR table; without tables the CPU vendor in /proc/cpuinfo) and
 * /boot/config-<release> does not enable it by default (CONFIG_INTEL_IOMMU_DEFAULT_ON or
 * ..._DEFAULT_ON_INTGPU_OFF, which leaves only integrated GPUs out) or a command line the host
 * boots with turns it off (intel_iommu=off in the GRUB configuration, /etc/kernel/cmdline or
 * /proc/cmdline; the plan then replaces it, with consent), or when that cannot be told;
 * "" for AMD-Vi (on by default).  why: one sentence of evidence. */
void host_iommu_token(const struct util_paths *p, const char *release, char token[32],
                      char why[256]);

enum host_loader {
	HOST_LOADER_UNKNOWN,
	HOST_LOADER_GRUB,
	HOST_LOADER_SYSTEMD_BOOT,
};
const char *host_loader_name(enum host_loader l); /* "grub", "systemd-boot", "unknown" */

struct host_boot {
	enum host_loader loader;
	bool from_proc; /* decided from /proc/cmdline; false: inferred from files */
	bool uefi;      /* /sys/firmware/efi exists */
	bool pbt; /* /etc/kernel/proxmox-boot-uuids non-empty: proxmox-boot-tool manages ESPs */
	bool secure_boot;    /* SecureBoot efivar reads 1 */
	bool kernel_cmdline; /* /etc/kernel/cmdline exists */
	char proc_cmdline[4096];
	char why[256]; /* the evidence, one sentence */
};

/* Detects the bootloader: /proc/cmdline "initrd=\EFI\proxmox\" = systemd-boot, "BOOT_IMAGE=" =
 * GRUB; else proxmox-boot-tool on UEFI without Secure Boot with /etc/kernel/cmdline = systemd-boot,
 * else GRUB.  0 or -errno. */
int host_boot_detect(const struct util_paths *p, struct host_boot *b, struct util_err *e);

/* The command that applies a changed command line: {"update-grub"} or
 * {"proxmox-boot-tool", "refresh"}, NULL-terminated, static. */
const char *const *host_boot_refresh_argv(const struct host_boot *b);

/* The command line GRUB will build: GRUB_CMDLINE_LINUX + GRUB_CMDLINE_LINUX_DEFAULT after
 * /etc/default/grub and /etc/default/grub.d/ *.cfg in order (skip: a drop-in name to leave out, or
 * NULL).  "$VAR"/"${VAR}" of the two variables are expanded.  *out malloc'd.  0 or -errno. */
int host_grub_cmdline(const struct util_paths *p, const char *skip, char **out, struct util_err *e);

/* Removes whole tokens from the GRUB_CMDLINE_LINUX[_DEFAULT]= lines of a /etc/default/grub text.
 * *removed counts them.  *out malloc'd.  0 or -ENOMEM. */
int host_grub_text_remove(const char *text, const char *const *tokens, char **out, size_t *removed);

/* A line somewhere in /etc that works against the setup (or against any iGPU sharing). */
struct host_conflict {
	char rule
	        [32]; /* host rule id: "modprobe-conflict", "module-obsolete", "vfs-other-mechanism" */
	char file[256]; /* host path as displayed ("/etc/modprobe.d/i915.conf") */
	int line;       /* 1-based */
	char text[256]; /* the line */
	char why[320];  /* what it does wrong */
};

/* Scans /etc/modprobe.d/ *.conf, /etc/modules and /etc/modules-load.d/ *.conf for lines that work
 * against mode: blacklist/install-false of the needed driver, "options vfio-pci ids=" claiming
 * the iGPU (igpu_id: its device id, 0 = any 8086 id), old enable_guc values, enable_gvt on SR-IOV,
 * kvmgt on SR-IOV, vfio_virqfd / vfio_mdev anywhere.  The tool's own module file is skipped.
 * 0 or -errno. */
int host_modconf_scan(const struct util_paths *p, enum host_mode mode, unsigned igpu_id,
                      struct host_conflict **out, size_t *n, struct util_err *e);

/* Finds every other place that writes sriov_numvfs at boot: /etc/sysfs.conf, /etc/sysfs.d,
 * /etc/tmpfiles.d, /etc/rc.local, systemd units other than the tool's.  0 or -errno. */
/* Every place that sets a PF's VF count at boot, for the host rules: the tool's unit first (when
 * it exists; *unit_enabled tells whether it is enabled), then host_vf_mechanisms_scan()'s lines,
 * each with the PF and the count read off it.  0 or -errno; free *out. */
struct policy_vf_boot;
int host_vf_boot_scan(const struct util_paths *p, struct policy_vf_boot **out, size_t *n,
                      bool *unit_enabled);
int host_vf_mechanisms_scan(const struct util_paths *p, struct host_conflict **out, size_t *n,
                            struct util_err *e);

/* The VF unit's instance: "PF:N" (what setup enables) or "N" (the iGPU, which `host vfs` finds
 * itself).  pf gets the PF's address or "".  0, or -EINVAL when inst is neither. */
int host_vf_instance_parse(const char *inst, char pf[SYSFS_BDF_LEN], int *n);

/* The enabled instances of the VF unit template: the names (pve-passthrough-vfs@INST.service) in
 * HOST_UNIT_WANTS_DIR, sorted.  Free with host_names_free.  0 or -errno. */
int host_vf_units_list(const struct util_paths *p, char ***names, size_t *n);
void host_names_free(char **names, size_t n);

#endif
