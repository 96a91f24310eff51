# a non-bdf entry and a half-written device in sys/bus/pci/devices: warnings, the rest is listed,
# libpci never exits the process
root=$(copy_demo)
mkdir "$root/sys/bus/pci/devices/garbage"
mkdir -p "$root/sys/devices/pci0000:00/0000:00:1f.6"
echo 0x8086 >"$root/sys/devices/pci0000:00/0000:00:1f.6/vendor"
ln -s ../../../devices/pci0000:00/0000:00:1f.6 "$root/sys/bus/pci/devices/0000:00:1f.6"
"$PP" --root "$root" --format json status --all | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["devices"]), "devices")'
echo "rc=$?"
