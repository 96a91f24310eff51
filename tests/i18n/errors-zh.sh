#!/bin/sh
# tests/i18n/errors-zh.sh - one representative error of each module (and a command's help) comes
# out in Chinese under LANG=zh_CN.UTF-8 (issue 14: every message a person reads is a translatable
# sentence).  Each case breaks a copy of examples/demo-host the way a host can be broken, runs the
# real binary on it under --root twice and compares: under LC_ALL=C the English sentence is there
# (so the case does reach the message), under LANG=zh_CN.UTF-8 the Chinese one is, and the English
# one is not.
# The expected texts are the msgid and msgstr of po/zh_CN.po (with the case's values in them).
# Ends with "errors-zh: N passed, N failed".
set -u
cd "$(dirname "$0")/../.."
BIN=$PWD/pve-passthrough
pass=0; fail=0
ok() { echo "PASS $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1"; fail=$((fail + 1)); }
tmp=$(mktemp -d /tmp/pp-i18n-err-XXXXXX)
trap 'rm -rf "$tmp"' EXIT

fresh() { rm -rf "$tmp/root"; cp -a examples/demo-host "$tmp/root"; R=$tmp/root; }

# case NAME EN ZH -- COMMAND...: runs COMMAND in both languages (its output, stdout and stderr)
case_() {
	name=$1 en=$2 zh=$3
	shift 4
	env -u LANGUAGE -u LC_MESSAGES LC_ALL=C NO_COLOR=1 "$@" >"$tmp/en" 2>&1
	env -u LANGUAGE -u LC_MESSAGES -u LC_ALL LANG=zh_CN.UTF-8 NO_COLOR=1 "$@" >"$tmp/zh" 2>&1
	if ! grep -qF -- "$en" "$tmp/en"; then
		bad "$name: the English run does not say '$en':"; sed 's/^/    /' "$tmp/en" | head -n 5
	elif ! grep -qF -- "$zh" "$tmp/zh"; then
		bad "$name: the Chinese run does not say '$zh':"; sed 's/^/    /' "$tmp/zh" | head -n 5
	elif grep -qF -- "$en" "$tmp/zh"; then
		bad "$name: the Chinese run still says '$en'"
	else
		ok "$name: $(grep -F -- "$zh" "$tmp/zh" | head -n 1)"
	fi
}

# pveconf: a VM config larger than pmxcfs takes
fresh
python3 -c "import sys; open(sys.argv[1], 'a').write('description: ' + 'x' * 1100000 + '\n')" \
	"$R/etc/pve/nodes/pve1/qemu-server/100.conf"
case_ pveconf "larger than 1 MiB, the most a PVE config file can hold" \
	"超过了 PVE 配置文件的上限 1 MiB" -- "$BIN" --root "$R" lint 100

# pveconf: lint's note on a line PVE rewrites (this tool's sentence, translated; PVE's own
# warnings stay verbatim)
printf 'cdrom: none\nmemory: 512\n' >"$tmp/cdrom.conf"
case_ "pveconf lint note" "note: cdrom: PVE writes it as ide2" "注意：cdrom：PVE 会把它写成 ide2" \
	-- "$BIN" lint "$tmp/cdrom.conf"

# settings: an API address that is not HTTPS
fresh
case_ settings '--api-url "http://pve1" is not an HTTPS address' \
	'--api-url "http://pve1" 不是 HTTPS 地址' -- "$BIN" --root "$R" status --api --api-url http://pve1

# util: a directory where a file is read
fresh
case_ util "is a directory, not a regular file: remove or replace it" "是目录，不是普通文件：请删除或替换它" \
	-- "$BIN" --root "$R" lint "$R/etc"

# gather: .vmlist names a VM of this node whose config is missing
fresh
sed -i 's/"ids": {/"ids": {\n"999": { "node": "pve1", "type": "qemu", "version": 1 },/' "$R/etc/pve/.vmlist"
case_ gather "VM 999: .vmlist places it on node pve1, but" "虚拟机 999：.vmlist 说它在节点 pve1 上，但找不到" \
	-- "$BIN" --root "$R" audit

# pveapi: an API token file others can read
fresh
printf 'root@pam!pp=0123456789abcdef\n' >"$tmp/token"
chmod 0644 "$tmp/token"
case_ pveapi "may be read by group or others (mode 0644); it holds a secret" \
	"可被同组用户或其他人读取（权限 0644）；它保存着机密信息" \
	-- "$BIN" --root "$R" audit --api --api-url https://127.0.0.1:1 --api-token-file "$tmp/token"

# sysfs: more VFs than the iGPU's PF offers (sriov_totalvfs 7 on the demo host)
fresh
case_ sysfs "cannot enable 8 VFs: the PF offers at most 7" "无法启用 8 个 VF：该 PF 最多提供 7 个" \
	-- "$BIN" --root "$R" host vfs 8 --dry-run

# host: GVT-g asked of an iGPU that does SR-IOV only (the demo host's Raptor Lake-P)
fresh
case_ host "has no GVT-g: GVT-g ended with 10th gen Core (Gen9)" "不支持 GVT-g：GVT-g 止于第 10 代酷睿（Gen9）" \
	-- "$BIN" --root "$R" host setup gvtg --dry-run

# cli: an option's value out of range (a usage error), and a command's help (every option's sentence)
fresh
case_ cli "--slot '16': not 0..15" "--slot '16'：不在 0..15 之间" \
	-- "$BIN" --root "$R" assign 100 --vf auto --slot 16
case_ "cli help" "show the change as a unified diff and write nothing" "以统一 diff 格式显示改动，不写入任何内容" \
	-- "$BIN" help assign

# cli: hook status' table, its column headings and its state words (JSON keeps "not-guarded")
fresh
"$BIN" --root "$R" hook install 100 >/dev/null 2>&1
case_ "hook status headings" "STATE        HOOKSCRIPT" "状态         钩子脚本" -- "$BIN" --root "$R" hook status
case_ "hook status guarded" "100        pve1         guarded " "100        pve1         受保护 " \
	-- "$BIN" --root "$R" hook status
case_ "hook status not guarded" "not-guarded" "未受保护" -- "$BIN" --root "$R" hook status

echo "errors-zh: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
