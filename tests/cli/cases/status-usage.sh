# status: bad option, stray argument, a format it does not write
"$PP" --root "$DEMO" status --bogus; echo "rc=$?"
"$PP" --root "$DEMO" status extra; echo "rc=$?"
"$PP" --root "$DEMO" status --format nagios; echo "rc=$?"
"$PP" --root "$DEMO" --format prometheus status; echo "rc=$?"
"$PP" status --help; echo "rc=$?"
