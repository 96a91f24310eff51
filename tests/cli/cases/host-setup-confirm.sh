# host setup decides first, then shows, then asks: a platform refusal or a blocker prints no plan
# (exit 1; --force overrides a blocker); off a terminal without --yes the plan is printed and not
# applied (exit 1, "add --yes"); on a terminal (a real pty) it asks "Apply? [y/N]" and applies
# only on y.  host rollback asks the same way.
. "$SRC/tests/cli/lib/host.sh"
# pty ANSWER ARGS...: runs the tool on a pseudo-terminal (stdin, stdout and stderr), types ANSWER
# once it asks, prints what the terminal showed (the question and what follows) and the exit status
pty() {
	python3 - "$@" <<'PY'
import os, pty, sys
answer, args = sys.argv[1], [os.environ["PP"]] + sys.argv[2:]
pid, fd = pty.fork()
if pid == 0:
    os.execv(args[0], args)
out = b""
while True:
    try:
        chunk = os.read(fd, 4096)
    except OSError:
        break
    if not chunk:
        break
    out += chunk
    if out.endswith(b"Apply? [y/N] "):
        os.write(fd, answer.encode() + b"\n")
_, st = os.waitpid(pid, 0)
text = out.decode().replace("\r\n", "\n")
print(text[text.index("Apply?"):] if "Apply?" in text else text, end="")
print("exit", os.waitstatus_to_exitcode(st))
PY
}
echo "== no iGPU: refused before any plan (no unit line with an empty --pf)"
mkhost n >/dev/null; rm n/sys/bus/pci/devices/0000:00:02.0
"$PP" --root n host setup sriov --dry-run; echo "rc=$?"
echo "== a blocker (no i915-sriov-dkms for the next kernel): refused, --force shows and applies"
mkhost h
snap h >before
"$PP" --root h host setup sriov --dry-run; echo "rc=$?"
"$PP" --root h host setup sriov --dry-run --force | sed -n '/^Notes/,$p'
"$PP" --root h host setup sriov --force --yes | stamp | tail -2; echo "rc=$?"
"$PP" --root h host rollback --yes >/dev/null; echo "rollback rc=$?"
snap h >now; cmp -s before now && echo "after the rollback every file as before"
rm -rf h; mkhost h --kernel 6.8.12-4-pve; snap h >before
echo "== off a terminal without --yes: the plan, then 'add --yes'; nothing written"
"$PP" --root h host setup sriov </dev/null >plan 2>err; echo "rc=$?"
echo "files in the plan shown: $(grep -c '^+++ b/' plan)"; cat err
"$PP" --root h --format json host setup sriov </dev/null 2>/dev/null |
	python3 -c 'import json,sys; d=json.load(sys.stdin); print("json applied:", d["applied"])'
snap h >now; cmp -s before now && echo "nothing written"
echo "== on a terminal: asks; n (or just Enter) applies nothing, y applies"
pty n --root h host setup sriov
pty "" --root h host setup sriov
snap h >now; cmp -s before now && echo "nothing written"
pty y --root h host setup sriov | stamp | grep -E 'Apply|^exit'
[ -L "h/etc/systemd/system/multi-user.target.wants/pve-passthrough-vfs@0000:00:02.0:7.service" ] && echo "the VF unit is enabled"
echo "== host rollback asks the same way; --yes does not ask"
pty n --root h host rollback | stamp
"$PP" --root h host rollback </dev/null >/dev/null; echo "rollback off a terminal rc=$?"
"$PP" --root h host rollback -y </dev/null | stamp | tail -2; echo "rc=$?"
snap h >now; cmp -s before now && echo "every file as before the setup"
echo "== host vfs: no count shows the current one; --dry-run checks and writes nothing"
rm -rf h; mkhost h --numvfs 3
"$PP" --root h host vfs; echo "rc=$?"
"$PP" --root h --format json host vfs | tr -d ' \n'; echo; echo "rc=$?"
"$PP" --root h host vfs 5 --dry-run; echo "rc=$?"
"$PP" --root h host vfs 9 --dry-run; echo "rc=$?"
"$PP" --root h host vfs --dry-run; echo "rc=$?"
cat h/sys/devices/pci0000:00/0000:00:02.0/sriov_numvfs
echo "== doctor on a GVT-g platform: the platform table decides the mode (i915.max_vfs is ignored)"
rm -rf h; mkhost h --igpu 3e92 --total 0 --gvtg-types --cmdline-extra "intel_iommu=on i915.max_vfs=7"
"$PP" --root h doctor | head -1
"$PP" --root h doctor | grep -c 'host setup sriov'
"$PP" --root h --format json doctor | python3 -c 'import json,sys; print("json mode:", json.load(sys.stdin)["mode"])'
