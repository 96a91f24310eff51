# unknown command, unknown option, missing command: exit 2 with a hint; --version and help exit 0
"$PP" bogus; echo "rc=$?"
"$PP" --bogus help; echo "rc=$?"
"$PP"  >/dev/null 2>&1; echo "rc=$?"
"$PP" --version | sed 's/[0-9][0-9.]*/X/'; echo "rc=$?"
"$PP" --root "$TMP/nope" help; echo "rc=$?"
"$PP" --format yaml help; echo "rc=$?"
"$PP" --node 'bad name' help; echo "rc=$?"
