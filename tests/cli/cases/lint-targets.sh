# lint: VMIDs and --all read this node's configs under --root; --format after the command; a value
# PVE's writer dies on is exit 1 and --normalize prints nothing for it (issue 11)
Q=$TMP/etc/pve/nodes/pve1/qemu-server
mkdir -p "$Q"
printf 'memory: 512\nnet0: bogus\nvga: std\nvga: bogus\n' >"$Q/101.conf"
printf 'cores: 99999999999999999999\nmemory: 512\n' >"$Q/102.conf"
printf 'memory: 512\nscsi0: local:102/a.raw\nunused0: local:102/a.raw\n' >"$Q/103.conf"
"$PP" --root "$TMP" --node pve1 lint 101; echo "rc=$?"
"$PP" --root "$TMP" --node pve1 lint --all; echo "rc=$?"
"$PP" --root "$TMP" --node pve1 lint 102 --format json; echo "rc=$?"
"$PP" --root "$TMP" --node pve1 lint --normalize 102 103; echo "rc=$?"
