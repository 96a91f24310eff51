# hookscript-missing from the local files in a cluster (issue 12).  PVE refuses a start on a node
# where the VM's hookscript file is absent (check_hookscript).  An HA resource of pve2
# (/etc/pve/ha/resources.cfg) may be started on pve1, so its node-local snippet missing on pve1 is
# a finding on pve1 - from audit --cluster and from the plain audit the monitoring timer runs; a
# VM of pve2 that is not HA is pve2's to check; a snippet on shared storage is the same file
# everywhere (missing: every start fails, which its own node reports).  (Through the API:
# tests/api/cli.sh, hookscript-missing for HA VM 107.)
R=$(copy_demo)
N2=$R/etc/pve/nodes/pve2/qemu-server
mkdir -p "$N2" "$R/etc/pve/ha"
vm() { printf 'boot: order=scsi0\ncores: 2\nhookscript: %s\nmemory: 2048\nname: %s\nscsi0: local-lvm:vm-%s-disk-0,size=8G\n' "$2" "$3" "$1" >"$N2/$1.conf"; }
vm 200 local:snippets/pve-passthrough-guard.sh ha-local
vm 201 local:snippets/pve-passthrough-guard.sh not-ha
vm 202 nas:snippets/pve-passthrough-guard.sh ha-shared
cat >>"$R/etc/pve/storage.cfg" <<'CFG'

nfs: nas
	export /export/pve
	path /mnt/pve/nas
	server 192.0.2.10
	content snippets
CFG
printf 'vm: 200\n\tstate started\n\tmax_relocate 1\n\nct: 900\n\tstate started\n\nvm:202\n\tstate started\n' \
	>"$R/etc/pve/ha/resources.cfg"
python3 - "$R/etc/pve/.vmlist" <<'PY'
import json, sys
l = json.load(open(sys.argv[1]))
for v in (200, 201, 202):
    l["ids"][str(v)] = {"node": "pve2", "type": "qemu", "version": v - 175}
json.dump(l, open(sys.argv[1], "w"), indent=0)
PY
hooks() { # the hookscript findings of audit --cluster about pve2's VMs, one line each
	"$PP" --root "$R" audit --cluster --format json >"$TMP/a.json"
	echo "exit $?"
	python3 -c '
import json, sys
for f in json.load(open(sys.argv[1]))["findings"]:
    if f["rule"] in ("hookscript-missing", "guard-missing") and f["vmid"] >= 200:
        print(f["rule"], f["severity"], f["vmid"], f["node"], f["message"], "| fix:", f["hint"])' "$TMP/a.json"
}
echo "== no snippet anywhere on pve1: 200 cannot be started here, 202's shared one is missing everywhere"
hooks
echo "== the guard installed in pve1's local snippets: 200 can start here; 202 still missing"
mkdir -p "$R/var/lib/vz/snippets"
printf '#!/bin/sh\n# pve-passthrough guard hook\nexit 0\n' >"$R/var/lib/vz/snippets/pve-passthrough-guard.sh"
chmod 755 "$R/var/lib/vz/snippets/pve-passthrough-guard.sh"
hooks
echo "== and on the NFS storage: no hookscript finding left"
mkdir -p "$R/mnt/pve/nas/snippets"
cp -p "$R/var/lib/vz/snippets/pve-passthrough-guard.sh" "$R/mnt/pve/nas/snippets/"
hooks
echo "== without --cluster (the monitoring timer's audit): this node's VMs, and the HA resources"
echo "== of other nodes that cannot be started here (200 once its snippet is gone from pve1)"
"$PP" --root "$R" audit --format json >"$TMP/a.json"; echo "exit $?"
python3 -c '
import json, sys
j = json.load(open(sys.argv[1]))
print("vms checked", j["summary"]["vms"])
for f in j["findings"]:
    if f["vmid"] and f["vmid"] >= 200:
        print(f["rule"], f["severity"], f["vmid"], f["node"], f["message"])' "$TMP/a.json"
rm "$R/var/lib/vz/snippets/pve-passthrough-guard.sh"
"$PP" --root "$R" audit --format prometheus | grep 'rule="hookscript-missing"'
"$PP" --root "$R" audit --format json | python3 -c '
import json, sys
for f in json.load(sys.stdin)["findings"]:
    if f["vmid"] and f["vmid"] >= 200:
        print(f["rule"], f["severity"], f["vmid"], f["node"], f["message"])'
echo "== text: the finding as an administrator reads it"
"$PP" --root "$R" audit --cluster --vmid 200
echo "exit $?"
