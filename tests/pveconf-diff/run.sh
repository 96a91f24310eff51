#!/bin/sh
# run.sh - runs the differential tier (check.c) with the floors make passes in the environment.
exec "$PVECONF_DIFF_BIN" "$PVECONF_DIFF_DIR" --min-identical "$PVECONF_DIFF_MIN_IDENTICAL" \
	--min-agree "$PVECONF_DIFF_MIN_AGREE"
