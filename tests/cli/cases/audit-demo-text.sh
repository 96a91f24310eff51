# audit on the demo scenario (examples/README.md): exactly the problems its table lists, grouped by
# VM, most severe first, then the summary line; exit 1 (errors at the default --fail-on error)
R=$DEMO
"$PP" --root "$R" audit
echo "rc=$?"
