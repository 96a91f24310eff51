#!/bin/sh
# tests/bench/lint.sh [N] - `make bench-lint`: generates a node with N (default 10000) realistic VM
# configs in a temp dir (descriptions, disks, nets, hostpci; every 10th with snapshots, every 20th
# with [PENDING]; a few with a value PVE drops), then times `pve-passthrough lint` over all of them
# against `cat` of the same files in the same run: wall time (hyperfine, warm cache) and peak RSS
# (/usr/bin/time).  Prints the figures; changes nothing outside its temp dir.
set -eu
cd "$(dirname "$0")/../.."
N=${1:-10000}
PP=$PWD/pve-passthrough
tmp=$(mktemp -d /tmp/pp-bench-lint-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
dir=$tmp/etc/pve/nodes/pve1/qemu-server
mkdir -p "$dir"
awk -v n="$N" -v d="$dir" 'BEGIN {
	srand(42)
	for (i = 0; i < n; i++) {
		id = 100 + i; f = d "/" id ".conf"
		printf "#VM %d%%3A web tier\n#owner: ops team\n", id > f
		printf "agent: 1\nballoon: 2048\nbios: ovmf\nboot: order=scsi0;ide2;net0\n" > f
		printf "cores: %d\ncpu: x86-64-v2-AES\n", 1 + i % 8 > f
		printf "efidisk0: local-lvm:vm-%d-disk-1,efitype=4m,pre-enrolled-keys=1,size=4M\n", id > f
		if (i % 7 == 0) printf "hostpci0: 0000:00:02.%d,pcie=1\n", 1 + i % 7 > f
		printf "ide2: none,media=cdrom\nmachine: q35\nmemory: %d\nmeta: creation-qemu=9.0.2,ctime=%d\n", 1024 * (1 + i % 16), 1700000000 + i > f
		printf "name: vm-%d\nnet0: virtio=BC:24:11:%02X:%02X:%02X,bridge=vmbr0,firewall=1\nnuma: 0\n", id, i % 256, int(i / 256) % 256, 7, id > f
		printf "onboot: 1\nostype: l26\nscsi0: local-lvm:vm-%d-disk-0,discard=on,iothread=1,size=%dG\n", id, 8 * (1 + i % 32) > f
		printf "scsihw: virtio-scsi-single\nsmbios1: uuid=%08x-1fe6-428e-965b-08a1b64a%04x\nsockets: 1\n", i, i % 65536 > f
		printf "tags: prod;web\nvmgenid: %08x-50e3-4079-afe7-23e67566b946\n", i > f
		if (i % 100 == 3) printf "hostpci16: 00:02.1\n" > f
		if (i % 20 == 0) printf "\n[PENDING]\ndelete: hostpci0\nmemory: 4096\n" > f
		if (i % 10 == 0)
			for (s = 1; s <= 3; s++) {
				printf "\n[snap%d]\n#before upgrade %d\nagent: 1\nboot: order=scsi0\ncores: 2\n", s, s > f
				printf "memory: 2048\nname: vm-%d\nnet0: virtio=BC:24:11:00:00:01,bridge=vmbr0\n", id > f
				if (s > 1) printf "parent: snap%d\n", s - 1 > f
				printf "scsi0: local-lvm:vm-%d-disk-0,size=32G\nsnaptime: %d\nvmstate: local-lvm:vm-%d-state-snap%d\n", id, 1700000000 + s, id, s > f
			}
		close(f)
	}
}'
files=$(ls "$dir"/*.conf | wc -l)
bytes=$(cat "$dir"/*.conf | wc -c)
echo "bench-lint: $files VM configs, $((bytes / 1024)) KiB in total (node $dir)"
cd "$dir"
rss() { /usr/bin/time -f '%M' "$@" >/dev/null 2>"$tmp/rss" || true; tail -n 1 "$tmp/rss"; }
hyperfine -N -i --warmup 2 --runs 10 --export-json "$tmp/h.json" \
	-n cat "cat $(echo *.conf)" -n lint "$PP lint $(echo *.conf)" >/dev/null 2>&1 ||
	hyperfine -i --warmup 2 --runs 10 --export-json "$tmp/h.json" \
		-n cat "cat *.conf" -n lint "$PP lint *.conf" >/dev/null
cat_ms=$(python3 -c "import json;r=json.load(open('$tmp/h.json'))['results'];print('%.1f'%(r[0]['mean']*1000))")
lint_ms=$(python3 -c "import json;r=json.load(open('$tmp/h.json'))['results'];print('%.1f'%(r[1]['mean']*1000))")
cat_rss=$(rss cat *.conf)
lint_rss=$(rss "$PP" lint *.conf)
# KiB -> MiB with one decimal, rounded the same way on every line
mib() { python3 -c "print('%.1f' % ($1 / 1024))"; }
echo "bench-lint: cat  $files files: ${cat_ms} ms wall (mean of 10), peak RSS $(mib "$cat_rss") MiB"
echo "bench-lint: lint $files files: ${lint_ms} ms wall (mean of 10), peak RSS $(mib "$lint_rss") MiB"
python3 -c "print('bench-lint: lint/cat wall time ratio %.2f (aim: <= 2), lint peak RSS %s MiB (aim: < 32)' % ($lint_ms / $cat_ms, '$(mib "$lint_rss")'))"
