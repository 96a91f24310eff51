# audit --format prometheus: textfile-collector lines, one per (VM, rule, severity), plus totals
R=$DEMO
"$PP" --root "$R" audit --format prometheus
echo "rc=$?"
