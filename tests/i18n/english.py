#!/usr/bin/env python3
"""english.py DEMO_OUTPUT STATUS_JSON PLATFORM_TSV RULES_DEF DEMO_HOST - prints every English word left in a translated
run of tools/demo.sh and exits 1 when there is one (issue 14: "no English sentence is left in the
text output").  Stricter than sentences: one English word outside the exemptions fails.

What is not a message, and so may stay English (each rule is one step below):
  1. the demo's echo of each command line ("$ pve-passthrough ...");
  2. the output of a command run with --format json|prometheus|nagios (read by machines);
  3. unified diffs (---/+++/@@ and the +/-/space lines after them): the contents of files the
     tool writes or shows;
  4. inside a line: text quoted in 「」 (PVE's own messages, kept verbatim so that they match
     PVE's task log and can be searched for), in '' (names and values from configs) or in ``
     (commands);
  5. command examples: from a command word (pve-passthrough, qm, apt, dkms, systemctl, ...) to
     the next Chinese character or the end of the line;
  6. data: device names (pci.ids, as status --format json reports them), the values of the
     platform table (../shared/data/intel-igpu-ids.tsv: platform, marketing name, graphics IP,
     upstream xe support), the VMs' name: and lock: values (the demo host's configs), and the
     rule ids of policy/rules.def;
  7. identifiers: a token with a digit or one of - _ . / : = @ < > [ ] | * + \\ (paths, BDFs,
     VMIDs, rule ids, hostpci keys, module parameters, versions), and the proper nouns and
     acronyms of ALLOWED (products, drivers, kernel and PVE terms that Chinese text writes in
     Latin letters too: PVE, VF, PF, IOMMU, GRUB...)."""
import json
import os
import re
import sys

ALLOWED = set("""
PVE Proxmox VE VF VFs PF IOMMU GRUB BIOS UEFI MOK ESP ESPs HA PCI BDF ID GuC DVMT MMIO BAR
Intel iGPU GPU CPU NVMe API REST JSON TLS VMID NAME TYPE FILE KVER mdev dkms vfio kvmgt xe grub
pcie hostpci map node path id iommugroup subsystem setup rollback sriov gvtg pending main
systemd snippets snippet lint doctor audit assign release status guard hook mapping pmxcfs
pf vf
""".split())
COMMANDS = ("pve-passthrough", "qm", "apt", "apt-get", "dkms", "systemctl", "update-initramfs",
            "update-grub", "proxmox-boot-tool", "mokutil", "modprobe", "echo", "pvecm", "chmod")
CJK = "\u3000-\u303f\u3400-\u9fff\uff00-\uffef"


def machine_blocks(lines):
    """Indexes of lines that are the output of a --format json/prometheus/nagios command."""
    skip, on = set(), False
    for i, l in enumerate(lines):
        if l.startswith("$ "):
            on = bool(re.search(r"--format[ =](json|prometheus|nagios)", l))
            continue
        if on:
            skip.add(i)
    return skip


def diff_lines(lines):
    skip, on = set(), False
    for i, l in enumerate(lines):
        if l.startswith("--- ") and i + 1 < len(lines) and lines[i + 1].startswith("+++ "):
            on = True
        if on and (l[:1] in ("+", "-", " ", "@") or l.startswith("--- ")):
            skip.add(i)
        elif on:
            on = False
    return skip


def main():
    out = open(sys.argv[1], encoding="utf-8").read().splitlines()
    data = set()
    for d in json.load(open(sys.argv[2], encoding="utf-8"))["devices"]:
        for k in ("device_name", "vendor_name", "platform"):
            if d.get(k):
                data.add(d[k])
    for row in open(sys.argv[3], encoding="utf-8").read().splitlines()[1:]:
        c = row.split("\t")
        data.update(x for x in (c[2], c[3], c[4], c[8]) if len(x) >= 4)
    ids = re.findall(r'^PP_RULE\(\w+, "([a-z0-9-]+)"', open(sys.argv[4]).read(), re.M)
    conf_dir = sys.argv[5] + "/etc/pve/nodes/pve1/qemu-server"
    for f in sorted(os.listdir(conf_dir)):
        for l in open(os.path.join(conf_dir, f), encoding="utf-8", errors="replace"):
            m = re.match(r"(name|lock): (\S+)", l)
            if m:
                data.add(m.group(2))
    skip = machine_blocks(out) | diff_lines(out)
    found = 0
    for i, line in enumerate(out):
        if i in skip or line.startswith("$ "):
            continue
        t = line
        t = re.sub(r"「[^」]*」", " ", t)
        t = re.sub(r"'[^']*'", " ", t)
        t = re.sub(r"`[^`]*`", " ", t)
        for v in sorted(data, key=len, reverse=True):
            t = re.sub(r"(?<![A-Za-z0-9])%s(?![A-Za-z0-9])" % re.escape(v), " ", t)
        cmd = "|".join(re.escape(c) for c in COMMANDS)
        t = re.sub(r"(?<![\w-])(?:%s)(?![\w-])[^%s]*" % (cmd, CJK), " ", t)
        words = []
        for tok in re.split(r"[\s%s,;()（）]+" % CJK, t):
            tok = tok.strip(".!?\"“”")
            if not tok or re.search(r"[0-9\-_./:=@<>\[\]|*+\\]", tok) or tok in ALLOWED or tok in ids:
                continue
            if re.fullmatch(r"[A-Za-z]{2,}", tok):
                words.append(tok)
        if words:
            found += 1
            print("english left on line %d: %s\n    words: %s" % (i + 1, line, " ".join(words)))
    print("english: %d line(s) with English words in %d lines of output" % (found, len(out)))
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
