# mapping check and mapping create in JSON (--format json after the subcommand or before the
# command): every line's verdict with PVE's message, the problems and the corrected line; what
# create would write (dry run) and what it wrote, re-read and checked.
root=$(copy_demo)
cfg="$root/etc/pve/mapping/pci.cfg"
printf 'pool2\n\tmap id=8086:a7a0,iommugroup=31,node=pve2,path=0000:00:02.1,subsystem-id=1028:0b14\n\tmap id=8086:a7a0,node=pve1,path=0000:00:02.2\n\tmap id=8086:a7a1,iommugroup=23,node=pve1,path=0000:00:02.4,subsystem-id=1028:0b14\n\tmdev 1\n\nnone-here\n\tmap id=8086:a7a0,iommugroup=31,node=pve2,path=0000:00:02.1,subsystem-id=1028:0b14\n\n' >>"$cfg"
"$PP" --root "$root" mapping check --format json; echo "exit $?"
"$PP" --root "$root" --format json mapping check iGPU-VF; echo "exit $?"
"$PP" --root "$root" mapping create igpu-pool --vfs 0,1 --dry-run --format json; echo "exit $?"
"$PP" --root "$root" mapping create igpu-pool --vfs 0,1 --format json; echo "exit $?"
"$PP" --root "$root" mapping create igpu-pool --vfs 0,1 --format json | grep '"changed"'
"$PP" --root "$root" mapping check --format prometheus; echo "exit $?"
