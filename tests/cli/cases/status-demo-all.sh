# --all lists every PCI device, with IOMMU groups (1f.0, 1f.3, 1f.4 share group 3)
"$PP" --root "$DEMO" --format json status --all | python3 -c '
import json, sys
d = json.load(sys.stdin)
for x in d["devices"]:
    print(x["bdf"], x["vendor"] + ":" + x["device"], x["class"], x["driver"], x["iommu_group"], x["role"], x["physfn"])'
"$PP" --root "$DEMO" status --all --table | grep -A2 '^BDF'
