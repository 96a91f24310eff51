# lint: PVE's reasons with file:line, exit 1 when PVE would drop something, 0 when not
cd "$SHARED/corpus"
"$PP" lint pve-generated/edge-input.conf; echo "rc=$?"
"$PP" lint pveconf/parse-config-input_duplicate-sections.conf pveconf/parse-config-input_unknown-sections.conf; echo "rc=$?"
# only re-sorting and comment re-encoding: not a loss
"$PP" lint pveconf/q35-linux-hostpci.conf; echo "rc=$?"
# a rewritten value is a note, not a loss
printf 'lock: "backup"\nnuma: on\n' >"$TMP/100.conf"
"$PP" lint "$TMP/100.conf"; echo "rc=$?"
