# lint --normalize: what PVE writes on stdout (byte for byte), the findings on stderr
cd "$SHARED/corpus"
"$PP" lint --normalize pve-generated/edge-input.conf >"$TMP/out"; echo "rc=$?"
cmp "$TMP/out" pve-generated/edge-input.conf.pve-written && echo "same as PVE"
"$PP" lint --normalize pveconf/parse-config-input_sections.conf; echo "rc=$?"
printf '#a\nname: x\n' >"$TMP/1.conf"; printf 'cores: 1' >"$TMP/2.conf"
"$PP" lint --normalize "$TMP/1.conf" "$TMP/2.conf"; echo "rc=$?"
