#!/bin/sh
# bench.sh BENCH_FETCH - `make bench-api`: a simulated 5-node cluster with 1,000 VMs and 20 ms
# server latency per request (tests/api/server.py), fetched once through pveapi/ (parallel, curl
# multi) and once one request at a time with python3-proxmoxer; prints both and the ratio.
# NODES, VMS, LATENCY_MS, PARALLEL override the defaults.
set -eu
fetch=$1
here=$(cd "$(dirname "$0")" && pwd)
NODES=${NODES:-5}; VMS=${VMS:-1000}; LATENCY_MS=${LATENCY_MS:-20}; PARALLEL=${PARALLEL:-16 32}
py=/usr/bin/python3; [ -x "$py" ] || py=python3
d=$(mktemp -d); pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$d"; }
trap cleanup EXIT INT TERM
"$here/mkcerts.sh" "$d/certs"
umask 077
echo "root@pam!bench=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')" >"$d/token"
"$py" "$here/server.py" --cert "$d/certs/server.pem" --key "$d/certs/server.key" \
	--generate "nodes=$NODES,vms=$VMS" --latency-ms "$LATENCY_MS" --token "$d/token" \
	--port-file "$d/port" &
pid=$!
i=0; while [ ! -s "$d/port" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
port=$(cat "$d/port")
url="https://127.0.0.1:$port"
echo "bench-api: simulated cluster of $NODES nodes, $VMS VMs (half running), $LATENCY_MS ms server latency per request"
best=""
for p in $PARALLEL; do
	line=$("$fetch" --url "$url" --token-file "$d/token" --ca-file "$d/certs/ca.pem" --parallel "$p")
	echo "$line"
	req=$(echo "$line" | sed -n 's/^pveapi: \([0-9]*\) requests.*/\1/p')
	sec=$(echo "$line" | sed -n 's/.* \([0-9.]*\) s, .*/\1/p')
	awk -v r="$req" -v p="$p" -v l="$LATENCY_MS" -v s="$sec" 'BEGIN {
		i = r / p * l / 1000; printf "  ideal (requests / parallelism x latency) = %d / %d x %d ms = %.2f s; measured/ideal = %.2f\n", r, p, l, i, s / i }'
	[ -z "$best" ] && best=$sec
	best=$(awk -v a="$best" -v b="$sec" 'BEGIN { print (b < a ? b : a) }')
done
if "$py" -c 'import proxmoxer' 2>/dev/null; then
	line=$("$py" "$here/bench_proxmoxer.py" 127.0.0.1 "$port" "$d/token" "$d/certs/ca.pem")
	echo "$line"
	psec=$(echo "$line" | sed -n 's/.* \([0-9.]*\) s, .*/\1/p')
	awk -v a="$psec" -v b="$best" 'BEGIN { printf "bench-api: pveapi (best) %.2f s vs proxmoxer %.2f s: %.1fx faster\n", b, a, a / b }'
else
	echo "bench-api: python3-proxmoxer is not installed (tools/deps.sh installs it); no baseline"
fi
