#!/bin/sh
# bench.sh PVE_PASSTHROUGH - `make bench-api`: `pve-passthrough audit --api` (the real command:
# parallel fetch, the rules, the JSON report) against a simulated 5-node cluster with 1,000 VMs
# and 20 ms server latency per request (tests/api/server.py), beside python3-proxmoxer doing the
# same fetches one request at a time (bench_proxmoxer.py).  Prints both and the ratio.
# NODES, VMS, LATENCY_MS, RUNS override the defaults.
set -eu
pp=$1
here=$(cd "$(dirname "$0")" && pwd)
NODES=${NODES:-5}; VMS=${VMS:-1000}; LATENCY_MS=${LATENCY_MS:-20}; RUNS=${RUNS:-3}
py=/usr/bin/python3; [ -x "$py" ] || py=python3
d=$(mktemp -d); pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$d"; }
trap cleanup EXIT INT TERM
"$here/mkcerts.sh" "$d/certs"
umask 077
echo "root@pam!bench=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')" >"$d/token"
"$py" "$here/server.py" --cert "$d/certs/server.pem" --key "$d/certs/server.key" \
	--generate "nodes=$NODES,vms=$VMS" --latency-ms "$LATENCY_MS" --token "$d/token" \
	--port-file "$d/port" --log "$d/log" &
pid=$!
i=0; while [ ! -s "$d/port" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
port=$(cat "$d/port")
printf 'api {\n  url = "https://127.0.0.1:%s"\n  token-file = "%s"\n  ca-file = "%s"\n  timeout = 30\n}\n' \
	"$port" "$d/token" "$d/certs/ca.pem" >"$d/pp.conf"
now() { date +%s.%N; }
echo "bench-api: simulated cluster of $NODES nodes, $VMS VMs (half running), $LATENCY_MS ms server latency per request"
times=""
for r in $(seq "$RUNS"); do
	: >"$d/log"
	t0=$(now)
	rc=0; "$pp" --config "$d/pp.conf" audit --api --format json >"$d/out.json" 2>"$d/err" || rc=$?
	t1=$(now)
	[ "$rc" -le 1 ] || { echo "bench-api: audit --api failed (exit $rc):"; cat "$d/err"; exit 1; }
	req=$(grep -c '^req ' "$d/log")
	vms=$(sed -n 's/.*"vms": *\([0-9]*\).*/\1/p' "$d/out.json" | tail -n 1)
	sec=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
	echo "pve-passthrough audit --api: run $r: $req requests, $sec s, $vms VMs judged (16 in flight)"
	times="$times $sec"
done
best=$(echo $times | tr ' ' '\n' | sort -n | head -n 1)
median=$(echo $times | tr ' ' '\n' | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
awk -v r="$req" -v l="$LATENCY_MS" -v s="$median" 'BEGIN {
	i = r / 16 * l / 1000; printf "  ideal (requests / parallelism x latency) = %d / 16 x %d ms = %.2f s; median %.2f s = %.2f x ideal\n", r, l, i, s, s / i }'
if "$py" -c 'import proxmoxer' 2>/dev/null; then
	line=$("$py" "$here/bench_proxmoxer.py" 127.0.0.1 "$port" "$d/token" "$d/certs/ca.pem")
	echo "$line"
	psec=$(echo "$line" | sed -n 's/.* \([0-9.]*\) s, .*/\1/p')
	awk -v a="$psec" -v b="$median" 'BEGIN { printf "bench-api: audit --api (median) %.2f s vs proxmoxer fetches alone %.2f s: %.1fx faster\n", b, a, a / b }'
else
	echo "bench-api: python3-proxmoxer is not installed (tools/deps.sh installs it); no baseline"
fi
