#!/bin/sh
# tests/api/same-model.sh - one node model from both producers: the demo host's VMs read from their
# files (`audit --root`, gather_local) and the same VMs served by the REST API test server
# (tests/api/server.py; `audit --api`, gather_api, whose configs pveconf_vm_build() makes from the
# API's keys without config text) give the same findings, word for word.
#
# The fixture is made here from the demo host's own files: each config's main section and
# [PENDING] as GET .../config returns them (its keys and values as the file holds them), running =
# a pid file in /run/qemu-server, the mappings of pci.cfg, the snippets in the local storage.
# What the API cannot show is left out of the comparison and said so: snapshot sections (GET
# .../config has none) and the host's drivers (vf-bound-on-host: GET .../hardware/pci has none).
# Prints "api-same-model: N passed, N failed".
set -u
here=$(cd "$(dirname "$0")" && pwd)
TIER=api-same-model GOLDEN=$here/cli
. "$here/lib.sh"
(umask 077 && echo 'root@pam!audit=8f2c5a9e-1b7d-4e3a-9c0f-2d6b8a1e4f70' >"$d/token")
cp -a "$SRC/examples/demo-host" "$d/host"
# VM 109 (a [PENDING] hostpci1) runs in both: the API then sends its current config and the
# pending one (a stopped VM's comes pending applied, one request), so [PENDING] is compared too
mkdir -p "$d/host/proc/4309"
echo 4309 >"$d/host/run/qemu-server/109.pid"
printf '/usr/bin/kvm\0-id\0109\0-name\0snapper\0-pidfile\0/var/run/qemu-server/109.pid\0' \
	>"$d/host/proc/4309/cmdline"
"$py" - "$d/host" "$d/fixture.json" <<'PY'
import glob, json, os, re, sys
root, out = sys.argv[1], sys.argv[2]
node = open(os.path.join(root, "etc/hostname")).read().strip()
run = os.path.join(root, "run/qemu-server")
running = {int(f[:-4]) for f in os.listdir(run) if f.endswith(".pid")}
vms = []
for f in sorted(glob.glob(os.path.join(root, "etc/pve/nodes", node, "qemu-server/*.conf"))):
    vmid = int(os.path.basename(f)[:-5])
    conf, pending, dels, sec = {}, {}, [], "main"
    for line in open(f):
        line = line.rstrip("\n")
        if not line.strip() or line.startswith("#"):
            continue
        m = re.fullmatch(r"\[(.*)\]", line)
        if m:
            sec = "pending" if m.group(1).upper() == "PENDING" else "snapshot"
            continue
        k, v = re.fullmatch(r"([a-z][a-z_-]*\d*):\s*(.+?)\s*", line).groups()
        if sec == "main":
            conf[k] = v
        elif sec == "pending" and k == "delete":
            dels += [x for x in re.split(r"[,;\s]+", v) if x]
        elif sec == "pending":
            pending[k] = v
    # a JSON object's order means nothing: served backwards, so no line number can come from it
    conf = dict(reversed(list(conf.items())))
    vms.append({"vmid": vmid, "node": node, "config": conf, "pending": pending,
                "pending_delete": dels,
                "status": "running" if vmid in running else "stopped"})
mappings, cur = [], None
for line in open(os.path.join(root, "etc/pve/mapping/pci.cfg")):
    if line.strip() and not line[0].isspace():
        cur = {"id": line.strip(), "map": []}
        mappings.append(cur)
    elif line.strip():
        k, _, v = line.strip().partition(" ")
        if k == "map":
            cur["map"].append(v)
        else:
            cur[k] = v
snippets = sorted(f for f in os.listdir(os.path.join(root, "var/lib/vz/snippets"))
                  if not f.startswith("."))
json.dump({"nodes": [{"node": node, "status": "online", "hardware": "demo-host",
                      "snippets": {"local": snippets}}],
           "vms": vms, "mappings": mappings}, open(out, "w"), indent=1)
PY
api_server_start --fixture "$d/fixture.json" --token "$d/token"
printf 'api {\n  url = "%s"\n  token-file = "%s"\n  ca-file = "%s"\n}\n' "$url" "$d/token" \
	"$d/certs/ca.pem" >"$d/pp.conf"
"$PP" --config /dev/null --root "$d/host" audit --format json >"$d/local.json" 2>"$d/local.err"
"$PP" --config "$d/pp.conf" audit --api --format json >"$d/api.json" 2>"$d/api.err"
findings() {
	"$py" - "$1" <<'PY'
import json, sys
for f in json.load(open(sys.argv[1]))["findings"]:
    if f.get("section") not in ("main", "pending"):
        continue  # snapshots: GET .../config does not return them
    if f["rule"] == "vf-bound-on-host":
        continue  # the host's drivers: GET .../hardware/pci does not list them
    print(json.dumps({k: f.get(k) for k in ("vmid", "rule", "severity", "section", "key",
                                             "device", "message", "hint")}, sort_keys=True))
PY
}
findings "$d/local.json" | sort >"$d/local.txt"
findings "$d/api.json" | sort >"$d/api.txt"
expect "both producers read every VM (local: $(grep -c . "$d/local.txt") findings)" \
	test "$(grep -c . "$d/local.txt")" -ge 15
expect "the API's config models give the local files' format findings (hostpci-invalid, line 7)" \
	grep -q '"hostpci0 (line 7) is not valid' "$d/api.txt"
expect "the API's [PENDING] is judged as the file's" grep -q '"section": "pending"' "$d/api.txt"
same() { diff -u "$d/local.txt" "$d/api.txt"; }
expect "the same VMs read locally and through the API give the same findings" same
finish
