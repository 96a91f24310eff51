#!/bin/sh
# tests/api/mapping.sh - resource mappings through the REST API, against the local HTTPS test server
# (tests/api/server.py, real TLS on loopback, a throwaway CA per run), fixture
# tests/api/fixtures/mapping.json: one mapping per condition of PVE::Mapping::PCI::assert_valid and
# one VM using each.  Node pve1's fake host is a copy of the demo host (examples/demo-host) with
# two changes made here: 0000:00:14.0 loses its subsystem ids and slot 00:1f its function 0; pve3
# is the GVT-g host (an mdev parent), pve5 has no map line at all.
#
#  - audit --api: every VM's mapping finding is PVE's own check (GET /cluster/mapping/pci
#    ?check-node=NODE, which the server computes from the fake host as PVE's index does), one
#    per condition; valid lines give none;
#  - the same lines judged locally (mapping check --root on the same tree) give PVE's same words;
#  - mapping create --api: POST for a new mapping, PUT with the digest for an existing one (another
#    node's line kept), nothing sent when nothing changes or on --dry-run, 403 without
#    Mapping.Modify, a digest that changed meanwhile, JSON output.
# Golden files in tests/api/mapping/NAME.out (UPDATE_GOLDEN=1 rewrites them).  Prints
# "api-mapping: N passed, N failed".
set -u
here=$(cd "$(dirname "$0")" && pwd)
TIER=api-mapping GOLDEN=$here/mapping
. "$here/lib.sh"
(umask 077 && echo 'root@pam!map=5d1c8e2a-7b3f-4c6d-9e0a-1f2b3c4d5e6f' >"$d/token")
# pve1's host: the demo host without subsystem ids on 00:14.0 and without 00:1f.0
cp -a "$SRC/examples/demo-host" "$d/host1"
dev14="$d/host1/sys/devices/pci0000:00/0000:00:14.0"
rm "$dev14/subsystem_vendor" "$dev14/subsystem_device"
sed -i '/^PCI_SUBSYS_ID=/d' "$dev14/uevent" # PVE reads the files, our reader the uevent
rm -r "$d/host1/sys/devices/pci0000:00/0000:00:1f.0" "$d/host1/sys/bus/pci/devices/0000:00:1f.0"
sed "s#@HOST1@#$d/host1#" "$here/fixtures/mapping.json" >"$d/fixture.json"
api_server_start --fixture "$d/fixture.json" --token "$d/token"
printf 'api {\n  url = "%s"\n  token-file = "%s"\n  ca-file = "%s"\n}\n' "$url" "$d/token" \
	"$d/certs/ca.pem" >"$d/pp.conf"
PPC="$PP --config $d/pp.conf"
requests() { grep -c "^$1" "$d/log" 2>/dev/null || echo 0; }
scrub() {
	sed -e "s#$d#@TMP@#g" -e "s#:$port#:@PORT@#g" -e 's#"digest": "[0-9a-f]*"#"digest": "@DIGEST@"#'
}

# --- audit --api: PVE's check of each assert_valid condition, one VM per mapping
run audit-text $PPC audit --api
$PPC audit --api --format json >"$d/audit.json" 2>/dev/null
# finding VMNAME RULE MESSAGE: the VM named VMNAME (the fixture names each after its mapping) has
# exactly one mapping finding, of RULE, quoting PVE's MESSAGE; RULE "-" = no mapping finding
finding() {
	"$py" - "$d/audit.json" "$d/fixture.json" "$@" <<'EOF'
import json, sys
doc, fixture = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
name, rule, msg = sys.argv[3], sys.argv[4], sys.argv[5]
vmid = [v["vmid"] for v in fixture["vms"] if v["config"]["name"] == name][0]
f = [x for x in doc["findings"] if x["vmid"] == vmid and
     x["rule"] in ("mapping-invalid", "mapping-missing")]
if rule == "-":
    sys.exit(0 if not f else 1)
ok = len(f) == 1 and f[0]["rule"] == rule and ('PVE\'s check says "%s"' % msg) in f[0]["message"]
if not ok:
    print("   got:", [(x["rule"], x["message"]) for x in f])
sys.exit(0 if ok else 1)
EOF
}
IC="Invalid configuration:"
expect "valid line: no finding" finding m-valid - ""
expect "subsystem-id missing" finding m-ss-missing mapping-invalid \
	"$IC missing expected property 'subsystem-id' for device '0000:00:02.3'"
expect "subsystem-id unexpected" finding m-ss-unexpected mapping-invalid \
	"$IC unexpected property 'subsystem-id' configured for device '0000:00:14.0'"
expect "subsystem-id different" finding m-ss-different mapping-invalid \
	"$IC 'subsystem-id' does not match for 'm-ss-different' (1028:0b14 != 1028:0b1a)"
expect "id different" finding m-id mapping-invalid \
	"$IC 'id' does not match for 'm-id' (8086:a7a0 != 8086:a7a1)"
expect "iommugroup of the first device different" finding m-group-first mapping-invalid \
	"$IC 'iommugroup' does not match for 'm-group-first' (22 != 23)"
expect "iommugroup of a later ';' device not checked" finding m-group-later - ""
expect "mdev 1 on a device that cannot do mdev" finding m-mdev-vf mapping-invalid \
	"$IC 'mdev' does not match for 'm-mdev-vf' (0 != 1)"
expect "an mdev parent without mdev 1" finding m-mdev-parent mapping-invalid \
	"$IC 'mdev' does not match for 'm-mdev-parent' (1 != 0)"
expect "an mdev parent with mdev 1: valid" finding m-mdev-parent-ok - ""
expect "device missing" finding m-missing mapping-invalid "$IC pci device '0000:00:02.9' not found"
expect "function-less path whose .0 exists: valid" finding m-nofn-ok - ""
expect "function-less path without .0" finding m-nofn mapping-invalid \
	"$IC pci device '0000:00:1f.0' not found"
expect "one invalid alternative fails the start (qemu-server checks every line)" \
	finding m-partial mapping-invalid "$IC missing expected property 'subsystem-id' for device '0000:00:02.6'"
expect "No mapping for node pve5." finding elsewhere mapping-missing "No mapping for node pve5."
expect "every check-node request went to a node with VMs using mappings (pve1 pve3 pve5)" \
	sh -c "[ \"\$(grep -o 'check-node=pve[0-9]' '$d/log' | sort -u | tr '\n' ' ')\" = 'check-node=pve1 check-node=pve3 check-node=pve5 ' ]"

# --- the same lines judged here, on the same tree: PVE's words from our own assert_valid
"$py" - "$d/fixture.json" "$d/host1/etc/pve/mapping/pci.cfg" <<'EOF'
import json, sys
with open(sys.argv[2], "w") as f:
    for m in json.load(open(sys.argv[1]))["mappings"]:
        f.write(m["id"] + "\n" + "".join("\tmap %s\n" % v for v in m["map"]) +
                ("\tmdev 1\n" if m.get("mdev") else "") + "\n")
EOF
$PP --root "$d/host1" --node pve1 mapping check --format json >"$d/local.json" 2>"$d/local.err"
# api_get PATH: the "data" of a GET, as JSON on stdout
api_get() {
	"$py" - "$url" "$d/token" "$d/certs/ca.pem" "$1" <<'EOF'
import json, ssl, sys, urllib.request
ctx = ssl.create_default_context(cafile=sys.argv[3])
req = urllib.request.Request(sys.argv[1] + "/api2/json" + sys.argv[4],
                             headers={"Authorization": "PVEAPIToken=" + open(sys.argv[2]).read().strip()})
print(json.dumps(json.load(urllib.request.urlopen(req, context=ctx))["data"]))
EOF
}
api_get "/cluster/mapping/pci?check-node=pve1" >"$d/server.json"
same_words() {
	"$py" - "$d/local.json" "$d/server.json" <<'EOF'
import json, sys
local = {m["name"]: m for m in json.load(open(sys.argv[1]))["mappings"]}
bad = 0
for e in json.load(open(sys.argv[2])):
    lm = local[e["id"]]
    ours = [l["pve_message"] + "\n" for l in lm["lines"] if not l["valid"]]
    theirs = [c["message"][len("Invalid configuration: "):] for c in e["checks"]
              if c["severity"] == "error"]
    nomap = [c["message"] for c in e["checks"] if c["severity"] == "warning"]
    # qemu-server dies on the first invalid line, PVE's index reports each: the same list
    if ours != theirs or (lm["pve_message"] is not None) != bool(nomap):
        print("   %s: ours %r, PVE's %r" % (e["id"], ours, theirs + nomap))
        bad += 1
sys.exit(1 if bad else 0)
EOF
}
expect "mapping check on the same tree gives PVE's words for every line" same_words

# --- mapping create --api
before=$(requests 'mapping ')
run create-dry $PPC --node pve1 mapping create newpool --api --vfs 0,1 --dry-run
expect "dry run: nothing sent" [ "$(requests 'mapping ')" = "$before" ]
run create-post $PPC --node pve1 mapping create newpool --api --vfs 0,1 --description 'VF pool'
expect "POST with id, both map lines and the description" grep -q \
	'^mapping POST newpool description=VF pool map=id=8086:a7a0,iommugroup=20,node=pve1,path=0000:00:02.1,subsystem-id=1028:0b14|id=8086:a7a0,iommugroup=21,node=pve1,path=0000:00:02.2,subsystem-id=1028:0b14$' "$d/log"
before=$(requests 'mapping ')
run create-again $PPC --node pve1 mapping create newpool --api --vfs 0,1
expect "nothing to do: nothing sent" [ "$(requests 'mapping ')" = "$before" ]
run create-put $PPC --node pve1 mapping create igpu-pool --api --format json
expect "PUT keeps pve2's line first, adds pve1's 7, with the digest" grep -Eq \
	'^mapping PUT igpu-pool digest=[0-9a-f]{40} map=id=8086:a7a0,iommugroup=31,node=pve2,path=0000:00:02.1,subsystem-id=1028:0b14(\|id=8086:a7a0,iommugroup=2[0-6],node=pve1,path=0000:00:02.[1-7],subsystem-id=1028:0b14){7}$' "$d/log"
run audit-after-create $PPC audit --api --vmid 100
ctl '{"token_lacks": ["Mapping.Modify"]}'
run create-403 $PPC --node pve1 mapping create other --api --vfs 2
run create-403-put $PPC --node pve1 mapping create newpool --api --vfs 3
ctl '{"touch_mapping_before_put": ["newpool"]}'
run create-digest $PPC --node pve1 mapping create newpool --api --vfs 4
map_lines() { api_get "/cluster/mapping/pci/$1" | "$py" -c 'import json,sys; print(len(json.load(sys.stdin)["map"]))'; }
expect "changed meanwhile: the pool keeps its two lines" [ "$(map_lines newpool)" = 2 ]
ctl '{}'
run create-unknown-node $PPC --node pve9 mapping create newpool --api
run create-usage $PP --config /dev/null --node pve1 mapping create x --api-url "$url"

finish
