# a running VM: the entry goes to [PENDING] (applies at the next start); release of a running VM's
# entry is a pending delete, so PVE's stop cleanup still sees it
. "$SRC/tests/cli/lib/assign-host.sh"
pp assign 100 --mapping iGPU-VF
cat "$Q/100.conf"
pp release 100 --slot 0 --dry-run
pp release 100 --slot 0 --format json
cat "$Q/100.conf"
pp release 100 --slot 0
pp release 100 --slot 1
cat "$Q/100.conf"
