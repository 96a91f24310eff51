#!/usr/bin/env python3
"""mk-demo-sys.py [DEMO_ROOT] - writes the hardware half of the demo host (examples/demo-host):
sys/ (PCI devices, SR-IOV PF with 7 VFs, drivers, IOMMU groups, modules) and proc/cmdline,
proc/sys/kernel/osrelease, exactly as the table in examples/README.md says.

Laid out like the kernel's sysfs (docs/kernel.md): device directories under sys/devices/pci0000:00
with text attributes and a 4096-byte config space (PCI Express capability, SR-IOV extended capability
on the PF, VFs' config reading ffff), RELATIVE links for sys/bus/pci/devices, driver, iommu_group,
virtfnN and physfn.  Re-running it replaces sys/ and those two proc files and nothing else (etc/,
run/ and proc/<pid>/ belong to the Proxmox half).  The generated tree is committed."""
import os
import shutil
import struct
import sys

ROOT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "examples", "demo-host")
PF = "0000:00:02.0"

# bdf, vendor, device, class, driver, iommu group, subsystem vendor:device
DEVICES = [
    ("0000:00:00.0", 0x8086, 0xa706, 0x060000, None, 1, (0x1028, 0x0b14)),
    (PF, 0x8086, 0xa7a0, 0x030000, "i915", 0, (0x1028, 0x0b14)),
    ("0000:00:14.0", 0x8086, 0x51ed, 0x0c0330, "xhci_hcd", 2, (0x1028, 0x0b14)),
    ("0000:00:1f.0", 0x8086, 0x519d, 0x060100, None, 3, (0x1028, 0x0b14)),
    ("0000:00:1f.3", 0x8086, 0x51c8, 0x040380, "snd_hda_intel", 3, (0x1028, 0x0b14)),
    ("0000:00:1f.4", 0x8086, 0x51a3, 0x0c0500, "i801_smbus", 3, (0x1028, 0x0b14)),
    ("0000:01:00.0", 0x144d, 0xa80a, 0x010802, "nvme", 4, (0x144d, 0xa801)),
    ("0000:02:00.0", 0x8086, 0x125c, 0x020000, "igc", 5, (0x8086, 0x0000)),
]
# VF n: bdf, driver, iommu group
VFS = [
    ("0000:00:02.1", "vfio-pci", 20),
    ("0000:00:02.2", "vfio-pci", 21),
    ("0000:00:02.3", None, 22),
    ("0000:00:02.4", None, 23),
    ("0000:00:02.5", "i915", 24),  # a media server grabbed it
    ("0000:00:02.6", None, 25),
    ("0000:00:02.7", None, 26),
]
CMDLINE = ("BOOT_IMAGE=/boot/vmlinuz-6.8.12-4-pve root=/dev/mapper/pve-root ro quiet "
           "intel_iommu=on i915.enable_guc=3 i915.max_vfs=7 module_blacklist=xe")
RELEASE = "6.8.12-4-pve"
MODULE_PARAMS = {
    "i915": {"enable_guc": "3", "max_vfs": "7"},
    "vfio_pci": {"ids": "", "disable_vga": "N", "disable_idle_d3": "N", "enable_sriov": "N"},
}


def put(rel, content, mode=0o644):
    path = os.path.join(ROOT, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb" if isinstance(content, bytes) else "w") as f:
        f.write(content)
    os.chmod(path, mode)


def link(rel, target):
    path = os.path.join(ROOT, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    os.symlink(target, path)


def config(vendor, device, cls, sub, totalvfs=0, vf=False):
    c = bytearray(4096)
    struct.pack_into("<HH", c, 0, 0xffff if vf else vendor, 0xffff if vf else device)
    struct.pack_into("<H", c, 6, 0x0010)  # status: capability list
    c[8] = 0x04  # revision
    c[9], c[10], c[11] = cls & 0xff, (cls >> 8) & 0xff, (cls >> 16) & 0xff
    struct.pack_into("<HH", c, 0x2c, sub[0], sub[1])
    c[0x34] = 0x40
    c[0x40], c[0x41], c[0x42] = 0x10, 0x00, 0x02  # PCI Express capability, v2, end of list
    if totalvfs:
        struct.pack_into("<I", c, 0x100, 0x0010 | (1 << 16))  # SR-IOV ext cap v1, last
        struct.pack_into("<HHH", c, 0x10c, totalvfs, totalvfs, totalvfs)  # Initial, Total, Num
        struct.pack_into("<HH", c, 0x114, 1, 1)  # First VF offset, stride
        struct.pack_into("<H", c, 0x11a, device)  # VF device id
    return bytes(c)


def device(bdf, vendor, dev, cls, driver, group, sub, vf=False, totalvfs=0):
    d = "sys/devices/pci0000:00/" + bdf
    put(d + "/vendor", "0x%04x\n" % vendor)
    put(d + "/device", "0x%04x\n" % dev)
    put(d + "/class", "0x%06x\n" % cls)
    put(d + "/subsystem_vendor", "0x%04x\n" % sub[0])
    put(d + "/subsystem_device", "0x%04x\n" % sub[1])
    put(d + "/revision", "0x04\n")
    put(d + "/driver_override", "(null)\n")
    put(d + "/irq", "0\n")  # lspci asks for IRQ and resources
    put(d + "/resource", "0x0000000000000000 0x0000000000000000 0x0000000000000000\n" * 13)
    put(d + "/config", config(vendor, dev, cls, sub, totalvfs, vf))
    put(d + "/uevent", ("DRIVER=%s\n" % driver if driver else "") +
        "PCI_CLASS=%X\nPCI_ID=%04X:%04X\nPCI_SUBSYS_ID=%04X:%04X\nPCI_SLOT_NAME=%s\n"
        "MODALIAS=pci:v%08Xd%08Xsv%08Xsd%08Xbc%02Xsc%02Xi%02X\n" % (
            cls, vendor, dev, sub[0], sub[1], bdf, vendor, dev, sub[0], sub[1],
            cls >> 16, (cls >> 8) & 0xff, cls & 0xff))
    link("sys/bus/pci/devices/" + bdf, "../../../devices/pci0000:00/" + bdf)
    if driver:
        drv = "sys/bus/pci/drivers/" + driver
        if not os.path.exists(os.path.join(ROOT, drv, "bind")):
            put(drv + "/bind", "", 0o200)
            put(drv + "/unbind", "", 0o200)
            put(drv + "/new_id", "", 0o200)
        link(d + "/driver", "../../../bus/pci/drivers/" + driver)
        link(drv + "/" + bdf, "../../../../devices/pci0000:00/" + bdf)
    link(d + "/iommu_group", "../../../kernel/iommu_groups/%d" % group)
    link("sys/kernel/iommu_groups/%d/devices/%s" % (group, bdf),
         "../../../../devices/pci0000:00/" + bdf)


def main():
    if not os.path.isdir(ROOT):
        sys.exit("mk-demo-sys.py: %s is not a directory" % ROOT)
    shutil.rmtree(os.path.join(ROOT, "sys"), ignore_errors=True)
    for rel in ("proc/cmdline", "proc/sys/kernel/osrelease"):
        if os.path.exists(os.path.join(ROOT, rel)):
            os.unlink(os.path.join(ROOT, rel))
    put("sys/bus/pci/drivers_probe", "", 0o200)
    put("sys/bus/pci/rescan", "", 0o200)
    for bdf, vendor, dev, cls, driver, group, sub in DEVICES:
        device(bdf, vendor, dev, cls, driver, group, sub, totalvfs=7 if bdf == PF else 0)
    pf = "sys/devices/pci0000:00/" + PF
    put(pf + "/sriov_totalvfs", "7\n")
    put(pf + "/sriov_numvfs", "%d\n" % len(VFS))
    put(pf + "/sriov_offset", "1\n")
    put(pf + "/sriov_stride", "1\n")
    put(pf + "/sriov_vf_device", "a7a0\n")
    put(pf + "/sriov_drivers_autoprobe", "1\n")
    for n, (bdf, driver, group) in enumerate(VFS):
        device(bdf, 0x8086, 0xa7a0, 0x030000, driver, group, (0x1028, 0x0b14), vf=True)
        link("sys/devices/pci0000:00/%s/physfn" % bdf, "../" + PF)
        link("%s/virtfn%d" % (pf, n), "../" + bdf)
    put("sys/devices/virtual/iommu/dmar0/intel-iommu/version", "1:0\n")
    link("sys/class/iommu/dmar0", "../../devices/virtual/iommu/dmar0")
    for mod, params in MODULE_PARAMS.items():
        for name, value in params.items():
            put("sys/module/%s/parameters/%s" % (mod, name), value + "\n")
    put("proc/cmdline", CMDLINE + "\n")
    put("proc/sys/kernel/osrelease", RELEASE + "\n")


main()
