#!/bin/sh
# tests/api/cli.sh - golden tests of `audit --api`, `status --api`, `assign --api` and `release --api` against the
# local HTTPS test server (tests/api/server.py, fixture tests/api/fixtures/demo.json: 4 nodes whose
# hardware is what PVE's own lspci returned for our fake hosts (../shared/corpus/pve-api): the demo
# host's iGPU PF with 7 VFs on pve1 (2 on pve4), an older libpve-common without physfn/virtfns on
# pve2, the GVT-g host on pve3; VMs with the demo host's problems).  A throwaway CA per run (mkcerts.sh).
#
# Each case prints stdout, stderr and the exit status into tests/api/cli/NAME.out, with the port,
# the temp dir and the run's certificate fingerprints replaced by @PORT@, @TMP@, @FP@,
# @WRONGFP@.  UPDATE_GOLDEN=1 rewrites the .out files.  Prints "api-cli: N passed, N failed".
set -u
here=$(cd "$(dirname "$0")" && pwd)
TIER=api-cli GOLDEN=$here/cli
. "$here/lib.sh"
(umask 077 && echo 'root@pam!audit=8f2c5a9e-1b7d-4e3a-9c0f-2d6b8a1e4f70' >"$d/token" &&
	echo 'Tr0ub4dor&3-test' >"$d/password")
cp "$here/fixtures/demo.json" "$d/fixture.json"
api_server_start --fixture "$d/fixture.json" --token "$d/token" --user root@pam \
	--password-file "$d/password"
fp=$(cat "$d/certs/server.fp"); wfp=$(cat "$d/certs/wrongname.fp")
# (a refused token: which of the first parallel requests reports it varies: @FIRST-OF-PARALLEL@)
# the tool's config: the cluster as `api { }`, and a second name for the same server
cat >"$d/pp.conf" <<EOF
api {
  url = "$url"
  token-file = "$d/token"
  ca-file = "$d/certs/ca.pem"
  timeout = 2
}
cluster "edge" {
  url = "$url"
  token-file = "$d/token"
  fingerprint = "$fp"
}
EOF
PPC="$PP --config $d/pp.conf"
# root@pam with a ticket (POST /access/ticket), which may write host= entries
printf 'api {\n  url = "%s"\n  user = "root@pam"\n  password-file = "%s"\n  ca-file = "%s"\n}\n' \
	"$url" "$d/password" "$d/certs/ca.pem" >"$d/pp-root.conf"
requests() { grep -c '^req ' "$d/log" 2>/dev/null || echo 0; }

scrub() {
	sed -e "s#$d#@TMP@#g" -e "s#:$port#:@PORT@#g" -e "s#$fp#@FP@#g" -e "s#$wfp#@WRONGFP@#g" \
		-e 's#GET /[a-z/]*\(?type=vm\)\{0,1\}: HTTP 401#GET @FIRST-OF-PARALLEL@: HTTP 401#'
}

# --- audit --api, every format
for f in text json prometheus nagios; do
	run "audit-$f" $PPC audit --api --format $f
done
# the tool's first promise through the API: the PF of active VFs given to a VM (102 on pve1), seen
# through "virtfns" as PVE sends it (an object) - and not on pve2, whose lspci lacks the fields
$PPC audit --api --format json >"$d/audit.json" 2>/dev/null
pf_flagged() {
	"$py" -c 'import json,sys; f=json.load(open(sys.argv[1]))["findings"]
sys.exit(0 if any(x["rule"]=="pf-with-vfs" and x["vmid"]==int(sys.argv[2]) and x["node"]==sys.argv[3]
                  for x in f) else 1)' "$d/audit.json" "$@"
}
expect "audit --api flags VM 102 given the PF of active VFs (virtfns object)" pf_flagged 102 pve1
pf_not_flagged() { ! pf_flagged "$@"; }
expect "no pf-with-vfs on a node whose lspci has no virtfns" pf_not_flagged 200 pve2
expect "fixtures carry no hand-written hardware (PVE's outputs only)" \
	sh -c "! grep -l '\"pci\"\|virtfn' '$here'/fixtures/*.json"
# hookscripts through GET .../storage/local/content: VM 107 is an HA resource whose guard snippet
# is in node-local storage on pve1 and pve2 only: missing on pve3 and pve4, one finding each
hook_missing_on() {
	"$py" -c 'import json,sys; f=json.load(open(sys.argv[1]))["findings"]
n=sorted(x["message"].split(" on node ")[1].split(";")[0] for x in f
         if x["rule"]=="hookscript-missing" and x["vmid"]==107)
sys.exit(0 if n==sys.argv[2].split() else 1)' "$d/audit.json" "$1"
}
expect "audit --api: hookscript-missing for HA VM 107 on exactly pve3 and pve4" hook_missing_on "pve3 pve4"
run audit-vmid $PPC audit --api --vmid 105 --vmid 300
run audit-overrides $PP --config /dev/null audit --api --api-url "$url" \
	--api-token-file "$d/token" --api-fingerprint "$fp" --format nagios
run audit-fleet $PPC audit --api --cluster --vmid 102 --format json
run audit-cluster-name $PPC audit --api --cluster edge --fail-on warning --format nagios

# --- one node offline: node-unreachable, the rest judged, and the report incomplete: exit 3,
# Nagios UNKNOWN naming the node, Prometheus pve_passthrough_up 0 (blind is never OK)
ctl '{"offline": ["pve3"]}'
run audit-offline-text $PPC audit --api
run audit-offline-json $PPC audit --api --format json
run audit-offline-nagios $PPC audit --api --format nagios
run audit-offline-prometheus $PPC audit --api --format prometheus
expect "offline node: pve_passthrough_up 0" grep -q '^pve_passthrough_up{node="127.0.0.1"} 0$' "$d/case.stdout"
# a node that does not answer in time (timeout = 2 s in the config)
ctl '{"hang": ["pve2"], "hang_s": 4}'
run audit-hang $PPC -q audit --api --format prometheus
# a node that answers but not with its hardware: node-unreachable, its VMs judged without it
ctl '{"rules": [{"path": "/nodes/pve2/hardware/pci", "status": 500, "message": "got timeout"}]}'
run audit-no-hardware $PPC -q audit --api --vmid 200 --vmid 201
# node-unreachable turned down to info: no finding at --fail-on error, but still incomplete (exit 3)
cp "$d/pp.conf" "$d/pp-warn.conf"
printf 'rule node-unreachable {\n  severity = info\n}\n' >>"$d/pp-warn.conf"
ctl '{"offline": ["pve3"]}'
run audit-offline-severity $PP --config "$d/pp-warn.conf" -q audit --api --vmid 300 --vmid 302
# every node down (the cluster list still answers, as pmxcfs keeps it): nothing judged, exit 3
ctl '{"offline": ["pve1", "pve2", "pve3", "pve4"]}'
run audit-nodes-down $PPC audit --api --format json
# every node down and the cluster list fails too: nothing read, exit 3
ctl '{"rules": [{"path": "/cluster/resources.*", "status": 595, "reason": "No route to host"}], "offline": ["pve1", "pve2", "pve3", "pve4"]}'
run audit-all-down $PPC audit --api
run audit-all-down-nagios $PPC audit --api --format nagios
ctl '{}'

# --- TLS and credentials: refused, exit 3
run audit-wrong-fp $PP --config /dev/null audit --api --api-url "$url" \
	--api-token-file "$d/token" --api-fingerprint "$wfp"
run audit-wrong-ca $PP --config /dev/null audit --api --api-url "$url" \
	--api-token-file "$d/token" --api-ca-file "$d/certs/other-ca.pem"
cp "$d/token" "$d/token-open"; chmod 644 "$d/token-open"
before=$(requests)
run audit-token-perms $PPC audit --api --api-token-file "$d/token-open"
expect "token file readable by others: no request sent" [ "$(requests)" = "$before" ]
(umask 077 && echo 'root@pam!audit=wrong' >"$d/token-bad")
run audit-401 $PPC audit --api --api-token-file "$d/token-bad"
run audit-no-api $PP --config /dev/null audit --api
run audit-usage $PPC audit --cluster edge

# --- status --api
run status-pve1 $PPC status --api --node pve1 --format json
run status-pve3 $PPC status --api --node pve3
run status-pve2-text $PPC status --api --node pve2
run status-no-node $PP --config "$d/pp.conf" --node elsewhere status --api
run status-unknown-node $PPC status --api --node pve9

# --- assign --api
before=$(requests)
run assign-host-token $PPC assign --api 108 --vf auto
expect "token + host=: no request sent" [ "$(requests)" = "$before" ]
run assign-mapping-dry $PPC assign --api 108 --mapping igpu-vf --dry-run
expect "dry run: nothing written" sh -c "! grep -q '^req PUT' '$d/log'"
run assign-mapping $PPC assign --api 108 --mapping igpu-vf
expect "PUT sent with the digest" grep -Eq '^put 108 digest=[0-9a-f]{40} hostpci0=mapping=igpu-vf' "$d/log"
run assign-mapping-again $PPC assign --api 108 --mapping igpu-vf
run assign-refused $PPC assign --api 104 --mapping igpu-vf --pcie
# a refusal names the map line of pci.cfg as PVE writes the file (igpu-vf: lines 1-4, igpu-pf's
# map for pve1, naming the PF by a function-less id, on line 7); the API's mappings used to go through a second reader that said line 0
run assign-refused-line $PPC assign --api 108 --mapping igpu-pf --dry-run
expect "refused: nothing written" sh -c "! grep -q '^put 104' '$d/log'"
# a running VM: PVE keeps the new entry pending
run assign-running $PPC assign --api 105 --mapping igpu-vf --slot 3
run audit-after-assign $PPC audit --api --vmid 105 --vmid 108
# digest mismatch: the server changes the config between our GET and PUT
ctl '{"touch_before_put": [101]}'
run assign-digest $PPC assign --api 101 --mapping igpu-vf --slot 2
ctl '{}'

# a fleet judges each cluster on its own: 108's mapping (map line for pve1) is found in both
run audit-fleet-mapping $PPC audit --api --cluster --vmid 108 --format json

# root@pam (ticket): --vf auto picks pve4's free VF and writes a host= entry
run assign-ticket-vf $PP --config "$d/pp-root.conf" assign --api 401 --vf auto
expect "host= written with a ticket and the digest" \
	grep -Eq '^put 401 digest=[0-9a-f]{40} hostpci0=0000:00:02.2,pcie=1$' "$d/log"
expect "the write used the ticket cookie" grep -q '^req PUT /nodes/pve4/qemu/401/config auth=cookie' "$d/log"

# --- release --api: the same fetch, plan and PUT with the digest as assign --api; the keys go as
# `delete`, which PVE turns into a [PENDING] delete for a running VM
# hostpci VMID NODE [current]: the VM's hostpci keys as GET .../config shows them (pending
# applied; with "current": ?current=1, without the pending part)
hostpci() {
	"$py" - "$url" "$d/certs/ca.pem" "$(cat "$d/token")" "$@" <<'PY'
import json, ssl, sys, urllib.request
url, ca, tok, vmid, node = sys.argv[1:6]
q = "?current=1" if len(sys.argv) > 6 else ""
req = urllib.request.Request("%s/api2/json/nodes/%s/qemu/%s/config%s" % (url, node, vmid, q),
                             headers={"Authorization": "PVEAPIToken=" + tok})
c = json.load(urllib.request.urlopen(req, context=ssl.create_default_context(cafile=ca)))["data"]
print(" ".join("%s=%s" % (k, c[k]) for k in sorted(c) if k.startswith("hostpci")) or "none")
PY
}
is() { [ "$("$@" 2>&1)" = "$want" ] || { echo "  got: $("$@" 2>&1)"; false; }; }
run release-dry $PPC release --api 108 --slot 0 --dry-run
expect "release dry run: nothing written" sh -c "! grep -q '^put 108 delete' '$d/log'"
run release-mapping $PPC release --api 108 --slot 0
expect "release: PUT delete=hostpci0 with the digest" \
	grep -Eq '^put 108 delete=hostpci0 digest=[0-9a-f]{40}$' "$d/log"
want=none expect "release: VM 108 has no hostpci entry left" is hostpci 108 pve1
run release-again $PPC release --api 108 --slot 0
# a token may not remove a host= entry (PVE: root@pam only): refused before anything is sent
puts101() { grep -c '^req PUT /nodes/pve1/qemu/101/' "$d/log"; }
before=$(puts101)
run release-host-token $PPC release --api 101 --slot 0
expect "token + host= release: no PUT sent" [ "$(puts101)" = "$before" ]
# running VM 105: hostpci3 (the mapping assign --api put there) is only pending: dropped, no
# [PENDING] delete left; hostpci0 (host=, root@pam) becomes a pending delete, still in use now
run release-running-pending $PPC release --api 105 --slot 3
want="hostpci0=0000:00:02.4,pcie=1 hostpci1=0000:00:02.5,pcie=1" \
	expect "release of a pending-only entry drops it" is hostpci 105 pve1
run release-running-ticket $PP --config "$d/pp-root.conf" release --api 105 --device 0000:00:02.4
want="hostpci1=0000:00:02.5,pcie=1" expect "running VM: hostpci0 deleted in [PENDING]" is hostpci 105 pve1
want="hostpci0=0000:00:02.4,pcie=1" \
	expect "running VM: hostpci0 still in the running config" is hostpci 105 pve1 current
# a concurrent change between our GET and PUT: the digest no longer matches, nothing written
ctl '{"touch_before_put": [101]}'
run release-digest $PP --config "$d/pp-root.conf" release --api 101 --slot 0
want="hostpci0=0000:00:02.1,pcie=1" expect "digest mismatch: VM 101 keeps hostpci0" is hostpci 101 pve1
# a token without Mapping.Use on the mapping: PVE's 403, said with the privilege to grant
ctl '{"token_lacks": ["Mapping.Use"]}'
run release-403 $PPC release --api 302 --slot 0
want="hostpci0=mapping=igpu-vf,pcie=1" expect "403: VM 302 keeps hostpci0" is hostpci 302 pve3
ctl '{}'
run release-usage $PPC release 101 --slot 0 --api-url "$url"
expect "the password is in no output" sh -c "! grep -rq 'Tr0ub4dor' '$d'/*.out"

finish
