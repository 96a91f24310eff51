# malformed arguments: exit 2 with the usage
. "$SRC/tests/cli/lib/assign-host.sh"
pp assign 99 --vf auto
pp assign abc --vf auto
pp assign 101 --vf 0000:00:2.1
pp assign 101 --vf 0000:00:02.1 --mdev auto
pp assign 101
pp assign 101 --mdev 'a/b'
pp assign 101 --mapping 'x'
pp assign 101 --slot 16 --vf auto
pp assign 101 --api --vf auto
pp release 101
pp release 101 --slot 1 --all
pp release 101 --device zz
