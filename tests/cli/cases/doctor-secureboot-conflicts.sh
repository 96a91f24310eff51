# Secure Boot on (MOK hint), conflicting modprobe.d lines, an obsolete module, a stock i915 with
# the dkms module missing for the running kernel, a second mechanism writing sriov_numvfs;
# JSON in docs/cli.md's findings shape.
. "$SRC/tests/cli/lib/host.sh"
mkhost h --secure-boot --modprobe-conflicts --stock-i915 --kernel-nodkms 6.8.12-4-pve --boot sdboot-zfs
"$PP" --root h --node pve1 doctor; echo "rc=$?"
"$PP" --root h --node pve1 --format json doctor |
	python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["schema_version"], d["summary"], sorted(set(f["rule"] for f in d["findings"]))); print(sorted(d["findings"][0].keys()))'
