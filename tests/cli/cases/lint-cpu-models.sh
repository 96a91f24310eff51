# lint: cpu: as PVE checks it, with the node's models read under --root (issue 11): custom-NAME is
# kept only when /etc/pve/virtual-guest/cpu-models.conf defines NAME (none without the file), a
# config off its node (no /etc/pve under the root) does not judge custom models; QEMU's JSON list
# of models replaces qemu-server's own when the node ships it
Q=$TMP/etc/pve/nodes/pve1/qemu-server
mkdir -p "$Q"
printf 'cpu: custom-mine,flags=+aes\nmemory: 512\n' >"$Q/101.conf"
printf 'cpu: custom-other\nmemory: 512\n' >"$Q/102.conf"
printf 'cpu: Host\ncpu: host,flags=+vmx\nmemory: 512\n' >"$Q/103.conf"
printf 'cpu: NewLake\nmemory: 512\n' >"$Q/104.conf"
echo "== no cpu-models.conf"
"$PP" --root "$TMP" --node pve1 lint 101 102; echo "rc=$?"
mkdir -p "$TMP/etc/pve/virtual-guest"
printf '# custom models\ncpu-model: mine\n\tflags +aes\n\treported-model kvm64\n' \
	>"$TMP/etc/pve/virtual-guest/cpu-models.conf"
echo "== mine defined"
"$PP" --root "$TMP" --node pve1 lint 101 102 103; echo "rc=$?"
"$PP" --root "$TMP" --node pve1 lint --normalize 103; echo "rc=$?"
echo "== QEMU's list"
"$PP" --root "$TMP" --node pve1 lint 104; echo "rc=$?"
mkdir -p "$TMP/usr/share/kvm"
printf '{"NewLake": "GenuineIntel", "kvm64": "default"}' >"$TMP/usr/share/kvm/cpu-models-x86_64.json"
printf '{}' >"$TMP/usr/share/kvm/cpu-models-aarch64.json"
"$PP" --root "$TMP" --node pve1 lint 104; echo "rc=$?"
echo "== off the node"
mkdir -p "$TMP/copy"
cp "$Q/102.conf" "$TMP/copy/"
"$PP" --root "$TMP/copy" lint "$TMP/copy/102.conf"; echo "rc=$?"
