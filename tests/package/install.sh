#!/bin/sh
# tests/package/install.sh - `make install` with a prefix that is not the default, into a DESTDIR:
# every installed file lies under that prefix and names no default-prefix install path, and the
# installed binary, units and completion use the prefix (the hook snippet it writes, the unit host
# setup plans, the data file it looks up, the units' ExecStart).  Tier check-install.
set -u
cd "$(dirname "$0")/../.."
SRC=$(pwd)
P=/opt/pp-test
T=$(mktemp -d /tmp/pp-install-XXXXXX)
trap 'rm -rf "$T"' EXIT
D=$T/dest
pass=0; fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL install: $*"; fail=$((fail + 1)); }

if ! ${MAKE:-make} --no-print-directory -s B="$T/build" BIN="$T/build/pve-passthrough" PREFIX=$P \
	DESTDIR="$D" install >"$T/make.log" 2>&1; then
	cat "$T/make.log"; echo "install: 0 passed, 1 failed"; exit 1
fi
PP=$D$P/sbin/pve-passthrough

# 1. nothing outside the prefix
out=$(cd "$D" && find . -mindepth 1 \( -type f -o -type l \) | grep -v "^\.$P/" || true)
[ -z "$out" ] && ok || bad "installed outside $P: $out"
for f in sbin/pve-passthrough share/man/man8/pve-passthrough.8 share/pve-passthrough/dkms-windows.tsv \
	share/bash-completion/completions/pve-passthrough lib/systemd/system/pve-passthrough-vfs@.service \
	lib/systemd/system/pve-passthrough-audit.service lib/systemd/system/pve-passthrough-audit.timer \
	share/doc/pve-passthrough/examples/pve-passthrough.conf \
	share/doc/pve-passthrough/examples/demo-host/etc/pve/.vmlist; do
	[ -e "$D$P/$f" ] && ok || bad "$P/$f not installed"
done

# 2. no installed file (binary included) names an install path of the default prefix
re='/usr/(s?bin/pve-passthrough|share/(pve-passthrough|doc/pve-passthrough|man/|bash-completion)|lib/systemd)'
out=$(grep -rlaE "$re" "$D" || true)
[ -z "$out" ] && ok || bad "default-prefix paths in: $(echo "$out" | sed "s#$D##g" | tr '\n' ' ')"

# 3. the units run the binary under the prefix
for u in "$D$P"/lib/systemd/system/*.service; do
	x=$(sed -n 's/^ExecStart=//p' "$u")
	case $x in "$P/sbin/pve-passthrough "* | *" $P/sbin/pve-passthrough "* | *"'$P/sbin/pve-passthrough "*) ok ;;
	*) bad "$(basename "$u"): ExecStart=$x does not run $P/sbin/pve-passthrough" ;;
	esac
done

# 4. the hook snippet the installed binary writes runs the binary under the prefix
cp -a examples/demo-host "$T/root"
"$PP" -q --root "$T/root" hook install 100 >"$T/hook.out" 2>&1 || bad "hook install: $(cat "$T/hook.out")"
grep -q "$P/sbin/pve-passthrough" "$T/root/var/lib/vz/snippets/pve-passthrough-guard.sh" 2>/dev/null &&
	ok || bad "the hook snippet does not name $P/sbin/pve-passthrough"

# 5. host setup enables the installed VF unit template under the prefix (this node has the
# package installed there)
mkdir -p "$T/root$P/lib/systemd/system"
cp "$D$P/lib/systemd/system/pve-passthrough-vfs@.service" "$T/root$P/lib/systemd/system/"
"$PP" --root "$T/root" host setup sriov --dry-run --force >"$T/setup.out" 2>&1
grep -q "$P/" "$T/setup.out" && ! grep -qE "$re" "$T/setup.out" && ok ||
	bad "host setup --dry-run does not plan with $P: $(grep -nE "sbin|systemd" "$T/setup.out" | head -5)"

# 6. the data lookup reads <root>$P/share/pve-passthrough (a broken table there is reported)
mkdir -p "$T/root$P/share/pve-passthrough"
printf 'not a window\n' >"$T/root$P/share/pve-passthrough/dkms-windows.tsv"
"$PP" --root "$T/root" doctor >/dev/null 2>"$T/doctor.err"; rc=$?
[ $rc -eq 3 ] && grep -q "$P/share/pve-passthrough/dkms-windows.tsv line 1" "$T/doctor.err" && ok ||
	bad "doctor (exit $rc) did not read $P/share/pve-passthrough/dkms-windows.tsv: $(cat "$T/doctor.err")"

# 7. the example configuration is valid (audit exits 3 on a config error; 1 = findings)
"$PP" --config "$D$P/share/doc/pve-passthrough/examples/pve-passthrough.conf" \
	--root "$D$P/share/doc/pve-passthrough/examples/demo-host" audit >/dev/null 2>"$T/audit.err"; rc=$?
[ $rc -le 1 ] && ok || bad "example config: audit exit $rc: $(cat "$T/audit.err")"

# 8. the installed completion, in bash, on the installed demo host
comp() { # LINE -> the offered words, one line
	bash -c '. "$1"; COMP_LINE=$2; COMP_POINT=${#COMP_LINE}
		fn=$(complete -p pve-passthrough | sed -n "s/.*-F \([^ ]*\) .*/\1/p")
		"$fn" pve-passthrough; echo "${COMPREPLY[*]}"' _ "$D$P/share/bash-completion/completions/pve-passthrough" "$1"
}
DEMO=$D$P/share/doc/pve-passthrough/examples/demo-host
want() { got=$(comp "$1"); [ "$got" = "$2" ] && ok || bad "completion of '$1': '$got', want '$2'"; }
want "pve-passthrough as" "assign"
want "pve-passthrough hook " "install remove"
want "pve-passthrough host setup " "sriov gvtg"
want "pve-passthrough --root $DEMO guard 1" "100 101 102 103 104 105 106 107 108 109 110"
want "pve-passthrough --root $DEMO assign 101 --vf " \
	"auto 0000:00:02.1 0000:00:02.2 0000:00:02.3 0000:00:02.4 0000:00:02.5 0000:00:02.6 0000:00:02.7"
want "pve-passthrough --root $DEMO release 101 --device 0000:00:02.7" "02.7"
want "pve-passthrough --root $DEMO host vfs --pf " "0000:00:02.0"
want "pve-passthrough audit --fail-on " "error info warning"
# every command of the binary's help is offered
# (a command's line starts at column 3; a wrapped synopsis and the summary are indented more)
cmds=$("$PP" help | awk '/^Commands:/ {on = 1; next} on && /^  [^ ]/ {print $1} on && !NF {exit}' | tr '\n' ' ')
want "pve-passthrough " "$(comp "pve-passthrough -" | tr ' ' '\n' | sort | tr '\n' ' ' | sed 's/ $//') ${cmds% }"

echo "install: $pass passed, $fail failed"
[ $fail -eq 0 ]
