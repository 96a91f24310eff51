# The Intel GPU platform table (sysfs/igpu_table.c) is generated from shared/data/intel-igpu-ids.tsv
# by tools/gen-igpu-table.py and checked in; this tier regenerates it and fails on any difference.
.PHONY: check-igpu-table igpu-table
CHECK_TIERS += check-igpu-table

check-igpu-table:
	@tools/check-igpu-table.sh

# Rewrites the table after the TSV changed.
igpu-table:
	python3 tools/gen-igpu-table.py $${SHARED:-../shared}/data/intel-igpu-ids.tsv >sysfs/igpu_table.c
