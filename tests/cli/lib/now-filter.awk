# tests/cli/lib/now-filter.awk - golden-file filter: the value of
# pve_passthrough_last_run_timestamp_seconds becomes @NOW@ when it lies within the case's run
# (awk -v t0=START -v t1=END, Unix seconds), so goldens stay stable while a wrong or missing
# clock still shows up as a difference.
/^pve_passthrough_last_run_timestamp_seconds\{[^}]*\} [0-9]+$/ {
	if ($NF + 0 >= t0 + 0 && $NF + 0 <= t1 + 0)
		sub(/ [0-9]+$/, " @NOW@")
}
{ print }
