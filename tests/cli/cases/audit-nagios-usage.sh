# a usage error under --format nagios is UNKNOWN (exit 3) with a status line, not exit 2 (CRITICAL)
"$PP" --root "$DEMO" audit --format nagios --vmid 12; echo "rc=$?"
"$PP" --root "$DEMO" --format nagios audit --bogus; echo "rc=$?"
"$PP" --root "$DEMO" audit --vmid 12; echo "rc=$?"
