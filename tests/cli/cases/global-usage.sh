# unknown command, unknown option, missing command or option value: exit 2 with a hint; --version and help exit 0
"$PP" bogus; echo "rc=$?"
"$PP" --bogus help; echo "rc=$?"
"$PP"  >/dev/null 2>&1; echo "rc=$?"
"$PP" --version | sed 's/[0-9][0-9.]*/X/'; echo "rc=$?"
"$PP" --root "$TMP/nope" help; echo "rc=$?"
"$PP" --format yaml help; echo "rc=$?"
"$PP" --node 'bad name' help; echo "rc=$?"
# a global option without its value says so (not "unknown option"); an unknown short one in a cluster
"$PP" --root; echo "rc=$?"
"$PP" --format; echo "rc=$?"
"$PP" -qx help; echo "rc=$?"
