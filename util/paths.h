/* util/paths.h - every host path the tool touches, and how it is put under --root.
 *
 * No other file spells out "/sys", "/etc/pve", "/proc", "/run" or "/var": they use these
 * macros with util_path(), which prefixes the root given by --root / PVE_PASSTHROUGH_ROOT. */
#ifndef PP_UTIL_PATHS_H
#define PP_UTIL_PATHS_H

#include <stdbool.h>
#include <stddef.h>

#define PP_PATH_MAX 4096

/* Where the tool itself is installed.  PP_PREFIX is the one build-time setting (the Makefile's
 * PREFIX, passed as -DPP_PREFIX); the hook snippet, the VF boot unit, the systemd units made from
 * their .in files and the data lookup all follow it.  No other source spells an install path
 * (tools/check-layering.sh). */
#ifndef PP_PREFIX
#define PP_PREFIX "/usr"
#endif
#define PP_TOOL_BIN PP_PREFIX "/sbin/pve-passthrough" /* what hookscripts and units run */
#define PP_DATADIR  PP_PREFIX "/share/pve-passthrough"
/* The shipped systemd units (units/ *.in): `host setup` enables the VF unit template from here.
 * Debian 12 packages install into /lib/systemd/system, which is the same directory on its merged
 * /usr; systemd searches both. */
#define PP_UNITDIR PP_PREFIX "/lib/systemd/system"
/* The message catalogs (<dir>/zh_CN/LC_MESSAGES/pve-passthrough.mo); util/i18n.c falls back to the
 * build tree's when the binary runs uninstalled. */
#define PP_LOCALEDIR PP_PREFIX "/share/locale"
/* The running binary (not under --root: the tool's own file, to find an uninstalled build's
 * catalogs). */
#define PP_PROC_SELF_EXE "/proc/self/exe"
/* The running machine's default locale (Debian's update-locale writes LANG= here; the PVE
 * installer sets it): not under --root, as setlocale() only knows this machine's locales. */
#define PP_ETC_DEFAULT_LOCALE "/etc/default/locale"

/* Host paths, relative to the root (always starting with '/'). */
#define PP_SYS_BUS_PCI           "/sys/bus/pci"
#define PP_SYS_PCI_DEVICES       "/sys/bus/pci/devices"
#define PP_SYS_PCI_DRIVERS       "/sys/bus/pci/drivers"
#define PP_SYS_PCI_DRIVERS_PROBE "/sys/bus/pci/drivers_probe"
#define PP_SYS_IOMMU_GROUPS      "/sys/kernel/iommu_groups"
#define PP_SYS_CLASS_IOMMU       "/sys/class/iommu"
#define PP_SYS_CLASS_MDEV_BUS    "/sys/class/mdev_bus"
#define PP_SYS_MDEV_DEVICES      "/sys/bus/mdev/devices"
#define PP_SYS_MODULE            "/sys/module"
#define PP_SYS_FIRMWARE_EFI      "/sys/firmware/efi"
#define PP_SYS_ACPI_TABLES       "/sys/firmware/acpi/tables"
#define PP_SYS_EFIVARS           "/sys/firmware/efi/efivars"
#define PP_PROC_CMDLINE          "/proc/cmdline"
#define PP_PROC_CPUINFO          "/proc/cpuinfo"
#define PP_PROC_OSRELEASE        "/proc/sys/kernel/osrelease"
#define PP_PROC                  "/proc"
#define PP_DEV_KMSG              "/dev/kmsg"     /* the kernel log, one record per read */
#define PP_PROC_SELF_FD          "/proc/self/fd" /* our own fds: never put under --root */
#define PP_ETC_PVE               "/etc/pve"
#define PP_ETC_PVE_LOCAL         "/etc/pve/local"
#define PP_ETC_PVE_NODES         "/etc/pve/nodes"
#define PP_ETC_PVE_QEMU          "/etc/pve/qemu-server"
#define PP_ETC_PVE_MAPPING       "/etc/pve/mapping"
#define PP_ETC_PVE_MAPPING_PCI   "/etc/pve/mapping/pci.cfg"
#define PP_ETC_PVE_PRIV_LOCK     "/etc/pve/priv/lock" /* pmxcfs lock directories */
#define PP_ETC_PVE_STORAGE       "/etc/pve/storage.cfg"
#define PP_ETC_PVE_HA_RESOURCES  "/etc/pve/ha/resources.cfg"              /* HA resources */
#define PP_ETC_PVE_CPU_MODELS    "/etc/pve/virtual-guest/cpu-models.conf" /* custom CPU models */
#define PP_ETC_PVE_VMLIST        "/etc/pve/.vmlist"
#define PP_ETC_HOSTNAME          "/etc/hostname"
#define PP_RUN_QEMU_SERVER       "/run/qemu-server"
#define PP_VAR_RUN_QEMU_SERVER   "/var/run/qemu-server" /* how PVE spells it in -pidfile */
#define PP_RUN_PCI_RESERVATIONS  "/run/qemu-server/pci-id-reservations"
#define PP_RUN_LOCK              "/run/lock/pve-passthrough"
#define PP_VAR_LOCK_QEMU         "/var/lock/qemu-server"
#define PP_ETC                   "/etc"
#define PP_ETC_DEFAULT           "/etc/default"
#define PP_ETC_KERNEL            "/etc/kernel"
#define PP_ETC_DEFAULT_GRUB      "/etc/default/grub"
#define PP_ETC_DEFAULT_GRUB_D    "/etc/default/grub.d"
#define PP_ETC_KERNEL_CMDLINE    "/etc/kernel/cmdline"
#define PP_ETC_KERNEL_BOOT_UUIDS "/etc/kernel/proxmox-boot-uuids"
#define PP_ETC_KERNEL_BOOT_PIN   "/etc/kernel/proxmox-boot-pin"
#define PP_ETC_MODULES           "/etc/modules"
#define PP_ETC_MODULES_LOAD_D    "/etc/modules-load.d"
#define PP_ETC_MODPROBE_D        "/etc/modprobe.d"
#define PP_ETC_SYSFS_CONF        "/etc/sysfs.conf"
#define PP_ETC_SYSFS_D           "/etc/sysfs.d"
#define PP_LIB_MODULES           "/lib/modules"
#define PP_BOOT                  "/boot"
#define PP_VAR_LIB_DKMS          "/var/lib/dkms"
#define PP_USR_SRC               "/usr/src"
#define PP_USR_SHARE_KVM         "/usr/share/kvm"
#define PP_VAR_LIB_VZ            "/var/lib/vz"
#define PP_MNT_PVE               "/mnt/pve" /* default mount point of nfs/cifs/cephfs storages */
#define PP_VAR_LIB_TOOL          "/var/lib/pve-passthrough"
#define PP_ETC_TOOL_CONF         "/etc/pve-passthrough.conf"
#define PP_ETC_SYSTEMD_SYSTEM    "/etc/systemd/system"
#define PP_ETC_TMPFILES_D        "/etc/tmpfiles.d"
#define PP_ETC_RC_LOCAL          "/etc/rc.local"
#define PP_ETC_UDEV_RULES_D      "/etc/udev/rules.d"
#define PP_DKMS_WINDOWS_SYSTEM   PP_DATADIR "/dkms-windows.tsv"
#define PP_DKMS_WINDOWS_LOCAL    "/etc/pve-passthrough/dkms-windows.tsv"

/* The root every host path is read and written under.  "" means the real host ("/"). */
struct util_paths {
	char root[PP_PATH_MAX];
	size_t rootlen;
};

/* Sets the root; NULL, "" or "/" mean the real host.  A trailing '/' is dropped.
 * Returns 0 or -ENAMETOOLONG. */
int util_paths_init(struct util_paths *p, const char *root);

/* True when the root is the real host, i.e. external commands may run. */
bool util_paths_is_host(const struct util_paths *p);

/* Formats a host path and prefixes the root: util_path(p, buf, sizeof buf, PP_SYS_PCI_DEVICES
 * "/%s/sriov_numvfs", bdf).  Returns 0 or -ENAMETOOLONG (buf then holds ""). */
int util_path(const struct util_paths *p, char *buf, size_t n, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));

/* Strips the root prefix from a full path for display ("/tmp/x/etc/pve/..." -> "/etc/pve/...");
 * returns the input unchanged when it is not under the root. */
const char *util_path_display(const struct util_paths *p, const char *full);

#endif
