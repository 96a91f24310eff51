# lint --format json: schema_version 1, one entry per file
cd "$SHARED/corpus"
"$PP" --format json lint pve-generated/edge-input.conf pveconf/aio.conf; echo "rc=$?"
printf 'boot: c\n' >"$TMP/3.conf"
"$PP" --format json lint --normalize "$TMP/3.conf"; echo "rc=$?"
