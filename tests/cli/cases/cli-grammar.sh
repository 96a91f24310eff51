# One grammar: global options before or after the command; -q (findings only) for audit and
# doctor; --format checked once against what each command writes, after any command; "did you
# mean" for a mistyped command, sub-command or option; help COMMAND lists every option with a
# sentence; colour only when asked or on a terminal, never with NO_COLOR or --color=never.
R=$DEMO
echo "== global options after the command give the same output as before it"
"$PP" --root "$R" -q audit >before; echo "rc=$?"
"$PP" audit --root "$R" -q >after; echo "rc=$?"
cmp before after && echo "audit: same output"
"$PP" --root "$R" --format json doctor >before; echo "rc=$?"
"$PP" doctor --format json --root="$R" >after; echo "rc=$?"
cmp before after && echo "doctor: same output"
"$PP" lint --format json "$R"/etc/pve/nodes/pve1/qemu-server/105.conf | head -3
echo "== -q: the findings only, one line each"
"$PP" --root "$R" audit -q | grep -v guard-missing
"$PP" --root "$R" doctor -q | grep -c '^host'
"$PP" --root "$R" doctor -q | grep -c -v -E '^(host|VM [0-9]+).*: (error|warning|info) [a-z0-9-]+: '
echo "== --format: what the command does not write is a usage error"
"$PP" --root "$R" hook status --format nagios; echo "rc=$?"
"$PP" --root "$R" guard 100 pre-start --format json; echo "rc=$?"
echo "== did you mean"
"$PP" --root "$R" stauts; echo "rc=$?"
"$PP" --root "$R" hook instal 101; echo "rc=$?"
"$PP" --root "$R" assign 101 --vf auto --dyr-run; echo "rc=$?"
"$PP" --root "$R" audit --fial-on warning; echo "rc=$?"
"$PP" --root "$R" status --frobnicate; echo "rc=$?"
echo "== help COMMAND and COMMAND --help: every option with a sentence"
"$PP" help host
"$PP" host --help >a; "$PP" help host >b; cmp a b && echo "host --help = help host"
"$PP" help doctor | grep -c '^  --'
echo "== colour: never piped unless --color=always; NO_COLOR and --color=never win over auto"
"$PP" --root "$R" doctor | grep -c "$(printf '\033')"
"$PP" --root "$R" --color=always doctor | grep -c "$(printf '\033\\[31merror')"
"$PP" --root "$R" doctor --color=never | grep -c "$(printf '\033')"
"$PP" --root "$R" --color=sometimes doctor; echo "rc=$?"
