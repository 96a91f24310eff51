#!/bin/sh
# tests/fuzz/run.sh [--smoke] SECONDS TARGET... - replays the checked-in crashers of each libFuzzer
# target (tests/fuzz/crashers/TARGET/), then fuzzes it for SECONDS, seeded from ../shared/corpus.
# Prints "fuzz: N passed, N failed" (one test per replay and per run) and appends to $PP_TALLY.
# The binaries are built by mk/fuzz.mk (build-fuzz/fuzz_TARGET).  Without clang: skipped.
set -u
cd "$(dirname "$0")/../.."
smoke=""
[ "${1:-}" = "--smoke" ] && { smoke=1; shift; }
secs=$1; shift
B=build-fuzz
SHARED=${SHARED:-../shared}
pass=0; fail=0
tally() { [ -n "${PP_TALLY:-}" ] && echo "fuzz $pass $fail" >>"$PP_TALLY"; return 0; }
if ! command -v "${FUZZ_CC:-clang}" >/dev/null 2>&1; then
	echo "fuzz: clang not installed, fuzz targets skipped"
	echo "fuzz: 0 passed, 0 failed"; tally; exit 0
fi
if [ ! -d "$SHARED/corpus" ]; then
	echo "FAIL fuzz: $SHARED/corpus is missing: the seed corpora are PVE's own files from it"
	echo "fuzz: 0 passed, 1 failed"; fail=1; tally; exit 1
fi
log=$(mktemp)
for t in "$@"; do
	bin=$B/fuzz_$t
	seeds=$B/seeds-$t
	rm -rf "$seeds"; mkdir -p "$seeds" "$B/corpus-$t"
	case $t in
	vmconf)
		cp "$SHARED"/corpus/pveconf/*.conf "$SHARED"/corpus/pve-generated/edge-input.conf "$seeds"/
		# the generated configs of the differential tier: every string format, hostile bytes
		for f in "$SHARED"/corpus/pveconf-diff/*.conf; do cp "$f" "$seeds/diff-$(basename "$f")"; done ;;
	hostpci)
		# every hostpci value of the corpus, one file each
		cat "$SHARED"/corpus/pveconf/*.conf "$SHARED"/corpus/pve-generated/edge-input.conf |
			sed -n 's/^hostpci[0-9]*: *//p' | sort -u |
			awk -v d="$seeds" '{ f = d "/v" NR; printf "%s", $0 > f; close(f) }' ;;
	pvefiles)
		cp "$SHARED"/corpus/pve-generated/pci.cfg.* "$seeds"/
		for f in etc/pve/mapping/pci.cfg etc/pve/storage.cfg etc/pve/.vmlist \
			run/qemu-server/pci-id-reservations; do
			[ -f "examples/demo-host/$f" ] && cp "examples/demo-host/$f" "$seeds/demo-$(basename "$f")"
		done ;;
	klog)
		# the kernel logs of the samples, whole, and as /dev/kmsg records
		cp "$SHARED"/corpus/samples/dmesg_*.txt "$seeds"/
		sed -n 's/^\[ *\([0-9]*\)\.\([0-9]*\)\] /6,1,\1\2,-;/p' \
			"$SHARED"/corpus/samples/dmesg_failures_i915.txt >"$seeds"/records ;;
	settings|journal|pveapi|modconf|sysattr)
		# checked-in seeds (tests/fuzz/seeds/TARGET/) plus what the corpus has of that kind
		cp tests/fuzz/seeds/"$t"/* "$seeds"/
		case $t in
		settings) cp examples/pve-passthrough.conf "$seeds"/example.conf ;;
		pveapi) cp "$SHARED"/corpus/pve-api/*.json "$seeds"/ ;;
		modconf) cp "$SHARED"/corpus/samples/etc_sysfs_conf_samples.txt \
			"$SHARED"/corpus/samples/modinfo_and_misc_samples.txt "$seeds"/ ;;
		sysattr) cp "$SHARED"/corpus/samples/sysfs_pf_sriov_files.txt \
			"$SHARED"/corpus/samples/gvtg_mdev_sysfs_samples.txt "$seeds"/ ;;
		esac ;;
	dkms)
		cp "$SHARED"/corpus/samples/dkms_status_outputs.txt data/dkms-windows.tsv "$seeds"/ ;;
	cmdline)
		cp "$SHARED"/corpus/samples/proc_cmdline_samples.txt \
			"$SHARED"/corpus/samples/etc_default_grub_samples.txt \
			"$SHARED"/corpus/samples/etc_kernel_cmdline_samples.txt "$seeds"/
		# one command line per file too
		grep -h -v '^#' "$SHARED"/corpus/samples/proc_cmdline_samples.txt |
			awk -v d="$seeds" 'NF { f = d "/line" NR; print > f; close(f) }' ;;
	esac
	if ls tests/fuzz/crashers/"$t"/* >/dev/null 2>&1; then
		if "$bin" tests/fuzz/crashers/"$t"/* >"$log" 2>&1; then
			pass=$((pass + 1))
		else
			echo "FAIL fuzz/$t: a checked-in crasher fails again"; tail -n 30 "$log"
			fail=$((fail + 1))
		fi
	fi
	if "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=16384 \
		-artifact_prefix="$B/crash-$t-" -print_final_stats=1 "$B/corpus-$t" "$seeds" >"$log" 2>&1; then
		pass=$((pass + 1))
		[ -z "$smoke" ] && grep -E '^stat::number_of_executed_units|^Done' "$log" | sed "s/^/fuzz\/$t: /"
	else
		echo "FAIL fuzz/$t: crash or leak, input saved as $B/crash-$t-* (add it to tests/fuzz/crashers/$t/)"
		grep -E 'ERROR|SUMMARY|Test unit written' "$log" | head -n 10
		fail=$((fail + 1))
	fi
done
rm -f "$log"
echo "fuzz: $pass passed, $fail failed"
tally
[ "$fail" -eq 0 ]
