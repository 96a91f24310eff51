#!/usr/bin/python3
"""tests/api/bench_proxmoxer.py - the baseline of `make bench-api`: the same fetches as pveapi's
cluster snapshot (the snippet listings for hookscripts included), one by one, the way an administrator would script them today with Debian's
python3-proxmoxer (token auth, CA-verified TLS, one kept-alive requests.Session)."""
import sys
import time

from proxmoxer import ProxmoxAPI


def main():
    host, port, token_file, ca = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    tok = open(token_file).read().strip()
    user, rest = tok.split("!", 1)
    name, value = rest.split("=", 1)
    t0 = time.monotonic()
    px = ProxmoxAPI(host, port=port, user=user, token_name=name, token_value=value,
                    verify_ssl=ca, timeout=30)
    n = 0
    nodes = px.nodes.get()
    resources = px.cluster.resources.get(type="vm")
    px.cluster.mapping.pci.get()
    ha = {h["sid"] for h in px.cluster.ha.resources.get()}
    n += 4
    for node in nodes:
        if node.get("status") == "offline":
            continue
        for dev in px.nodes(node["node"]).hardware.pci.get():
            if dev.get("mdev"):
                px.nodes(node["node"]).hardware.pci(dev["id"]).mdev.get()
                n += 1
        n += 1
    configs = 0
    listings = set()  # (node, storage) the hookscripts need, as pveapi asks for them
    online = [nd["node"] for nd in nodes if nd.get("status") != "offline"]
    for r in resources:
        if r.get("type") != "qemu":
            continue
        vm = px.nodes(r["node"]).qemu(r["vmid"])
        conf = vm.config.get()
        n += 1
        hook = conf.get("hookscript", "")
        if ":snippets/" in hook:
            for nd in (online if "vm:%d" % r["vmid"] in ha else [r["node"]]):
                listings.add((nd, hook.split(":")[0]))
        configs += 1
        if r.get("status") == "running":
            vm.config.get(current=1)
            n += 1
    for nd, st in sorted(listings):
        px.nodes(nd).storage(st).content.get(content="snippets")
        n += 1
    t = time.monotonic() - t0
    print("proxmoxer: %d requests, one at a time, %.2f s, %.0f requests/s (%d configs)"
          % (n, t, n / t, configs))


if __name__ == "__main__":
    main()
