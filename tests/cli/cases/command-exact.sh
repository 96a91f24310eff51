# Command and sub-command names match exactly (the command table of cli/main.c and each command's
# sub-command table): a prefix, a longer word or another case is a usage error (exit 2) and
# nothing runs, so a hookscript with a typo can never reach a different command.
R=$(copy_demo)
for args in "stat" "statuses" "STATUS" "guar 100 pre-start" "audi" "help stat" \
	"host set sriov" "host setups" "hook inst 100" "hook statu" "mapping chec" \
	"mapping creat pool"; do
	echo "== $args"
	$PP --root "$R" $args 2>&1
	echo "status $?"
done
# every command of the table is reached by its full name (help NAME prints its usage line)
for c in help lint assign release status guard hook audit host mapping doctor; do
	$PP help "$c" | head -n 1 | cut -c1-40
done
