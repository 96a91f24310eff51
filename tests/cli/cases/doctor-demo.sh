# doctor on the demo host (the one make demo uses).
"$PP" --root "$DEMO" doctor; echo "rc=$?"
