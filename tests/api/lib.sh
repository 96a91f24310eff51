# tests/api/lib.sh - sourced by the API tier's golden scripts (cli.sh, mapping.sh): a temp dir with
# a throwaway CA (mkcerts.sh), the HTTPS test server (server.py) on a loopback port, and the
# golden-file helpers.  The sourcing script sets here, TIER (its name in messages), GOLDEN (the
# folder of NAME.out) and defines scrub() (a sed filter for what varies per run), then calls
# api_server_start with the server's fixture and auth arguments.
export LC_ALL=C NO_COLOR=1
unset PVE_PASSTHROUGH_ROOT
SRC=$(cd "$here/../.." && pwd)
PP=${PP_BIN:-$SRC/pve-passthrough}
py=/usr/bin/python3; [ -x "$py" ] || py=python3
d=$(mktemp -d /tmp/pp-$TIER-XXXXXX); pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$d"; }
trap cleanup EXIT INT TERM
"$here/mkcerts.sh" "$d/certs"
echo '{}' >"$d/ctl"

# api_server_start ARGS...: starts server.py (control file $d/ctl, log $d/log) with ARGS (the
# fixture, token, user); sets pid, port, url
api_server_start() {
	"$py" "$here/server.py" --cert "$d/certs/server.pem" --key "$d/certs/server.key" \
		--control "$d/ctl" --log "$d/log" --port-file "$d/port" "$@" &
	pid=$!
	i=0; while [ ! -s "$d/port" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
	port=$(cat "$d/port")
	url="https://127.0.0.1:$port"
}
ctl() { echo "$1" >"$d/ctl"; }
. "$here/../cli/lib/golden.sh"

pass=0; fail=0
# check NAME: compares what the case wrote to $d/case.{stdout,stderr,rc}, scrubbed (and a Unix
# time between the run's start t0 and now as @NOW@), with $GOLDEN/NAME.out (UPDATE_GOLDEN=1
# rewrites it)
check() {
	name=$1
	out=$d/$name.out
	transcript "$d/case" | scrub |
		awk -v t0="$t0" -v t1="$(date +%s)" -f "$here/../cli/lib/now-filter.awk" >"$out"
	golden "$out" "$GOLDEN/$name.out" "$TIER/$name"
}
# run NAME CMD...: runs the command, then check
t0=$(date +%s)
run() {
	name=$1; shift
	t0=$(date +%s)
	"$@" >"$d/case.stdout" 2>"$d/case.stderr"
	echo "exit $?" >"$d/case.rc"
	check "$name"
}
# expect WHAT CONDITION...: a check that is not a golden file
expect() {
	what=$1; shift
	if "$@"; then pass=$((pass + 1)); else echo "FAIL $TIER: $what"; fail=$((fail + 1)); fi
}
# the closing line run-tier.sh counts, and the exit status
finish() {
	echo "$TIER: $pass passed, $fail failed"
	[ "$fail" -eq 0 ]
}
