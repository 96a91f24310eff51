#!/usr/bin/env python3
"""tests/api/server.py - a local HTTPS stand-in for a PVE cluster's REST API (tests and bench only).

Serves a multi-node cluster from a fixture file (or a generated one) shaped like the real API
(docs/pve.md section 7).  A node's hardware is never written by hand: `"hardware": "demo-host"`
serves what PVE's own functions returned for that host (../shared/corpus/pve-api/NAME.json:
GET .../hardware/pci = PVE::SysFSTools::lspci, .../hardware/pci/{id}/mdev = get_mdev_types),
changed only the way the host's state changes lspci's answer:
  "vfs": N               only the first N VFs enabled (sriov_numvfs=N): fewer virtfnN keys and
                         VF entries; 0 = no "virtfns" key at all, as lspci leaves it out
  "pve_common": "9.1.11" a libpve-common older than 9.1.12, whose lspci has no physfn/virtfns
  "iommu": false         no IOMMU: no iommu_group link, lspci says "iommugroup": -1
Storage (GET /nodes/{n}/storage/{s}/content?content=snippets): "storage": [{"storage": "local",
"type": "dir", "shared": 0}, ...] lists storage.cfg (default: local only); a node's files are its
"snippets": {"local": ["guard.sh"]}, a shared storage's are the cluster's "shared_snippets"; a
storage not in the list answers 500 "storage 'x' does not exist".  "ha": ["vm:100"] are the HA
resources (GET /cluster/ha/resources).
Resource mappings ("mappings": [{"id", "map": [...], "description"?, "mdev"?: 1}]): GET
/cluster/mapping/pci lists them with the digest of the set; with ?check-node=NODE each gets the
"checks" PVE's own index computes (pve-manager PVE::API2::Cluster::Mapping::PCI): "No mapping for
node NODE." (warning) when no valid map line names the node, else one "Invalid configuration: <die
text of PVE::Mapping::PCI::assert_valid>\n" (error) per map line of the node that fails it.  The
server runs assert_valid's conditions itself, in its order, over pci_device_info() of the node's
fake host: read from the host's sysfs tree like pve-common's PVE::SysFSTools::pci_device_info when
the node names one ("sysfs": DIR, relative to the repository; "demo-host" hardware means
examples/demo-host), else from the node's lspci entries (PVE's output over the same files; lspci
hides classes 05, 06, 0b, so such a device counts as missing).  "vfs" and "iommu" change it as they
change lspci.  POST /cluster/mapping/pci (id, map repeated, description, mdev) and PUT
/cluster/mapping/pci/{id} (map, description, mdev, delete, digest) as pve-manager's create/update:
the map entries checked against PVE's map format, "pci ID 'x' already defined" / "does not exist",
the digest compared ("detected modified configuration"), and the token's privileges: a control
"token_lacks": ["Mapping.Modify"] makes them answer 403 "Permission check failed (PATH, PRIV)" as
PVE's permission check does.  "touch_mapping_before_put": ["id"] changes that mapping (as another
writer would) just before a PUT is checked.
Other answers: envelope {"data": ...}, integers and booleans as JSON numbers, the rest
strings, `digest` in VM configs and honoured on PUT, errors as HTTP status + reason phrase + body
{"data":null,"message":...,"errors":{...}}, 401 with an empty body.  Checks the auth header (API
token, or ticket cookie + CSRFPreventionToken for writes).  Listens on loopback only.

Behaviour that tests change while it runs is read from --control FILE (JSON) on every request:
  {"latency_ms": 20,              # added to every answer
   "offline": ["pve3"],           # /nodes/pve3/... answer 595 "No route to host", /nodes says offline
   "hang": ["pve2"], "hang_s": 5, # /nodes/pve2/... answer only after hang_s seconds
   "touch_before_put": [101],     # a PUT of VM 101's config finds it changed by someone else
   "token_lacks": ["Mapping.Use"],  # (or "VM.Config.HWType", "Mapping.Modify") a token's PUT of
                                  # a mapping= hostpci answers 403 as PVE's permission check
   "rules": [{"method": "GET", "path": "/nodes/pve1/hardware/pci", "status": 500,
              "reason": "...", "message": "...", "errors": {"p": "msg"}, "empty": false}]}
A rule's path is a regular expression matched against the whole path (with query).
"""
import argparse
import hashlib
import json
import os
import re
import secrets
import socket
import ssl
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

API = "/api2/json"
CORPUS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "shared",
                      "corpus", "pve-api")


def pve_version_lt(a, b):
    return [int(x) for x in a.split(".")] < [int(x) for x in b.split(".")]


def hardware(node, corpus):
    """The node's (pci list, {id: mdev types}) from PVE's own output for its host."""
    with open(os.path.join(corpus, node["hardware"] + ".json")) as f:
        raw = json.load(f)
    pci = raw["hardware/pci"]
    mdev = {k[len("hardware/pci/"):-len("/mdev")]: v for k, v in raw.items()
            if k.startswith("hardware/pci/") and k.endswith("/mdev")}
    if "vfs" in node:
        keep = node["vfs"]
        gone = set()
        for d in pci:
            vf = d.get("virtfns")
            if vf is None:
                continue
            for k in list(vf):
                if int(k[len("virtfn"):]) >= keep:
                    gone.add(vf.pop(k))
            if not vf:
                del d["virtfns"]
        pci = [d for d in pci if d["id"] not in gone]
    if "pve_common" in node and pve_version_lt(node["pve_common"], "9.1.12"):
        for d in pci:
            d.pop("physfn", None)
            d.pop("virtfns", None)
    if node.get("iommu") is False:
        for d in pci:
            d["iommugroup"] = -1
    return pci, mdev, {d["id"] for d in raw["hardware/pci"]} - {d["id"] for d in pci}


def digest_of(vm):
    """SHA-1 of the config file: its main section, then [PENDING] (values and delete:)."""
    conf = vm["config"]
    text = "".join("%s: %s\n" % (k, conf[k]) for k in sorted(conf))
    if vm.get("pending") or vm.get("pending_delete"):
        text += "\n[PENDING]\n" + "".join("%s: %s\n" % (k, vm["pending"][k])
                                         for k in sorted(vm["pending"]))
        if vm.get("pending_delete"):
            text += "delete: %s\n" % ",".join(vm["pending_delete"])
    return hashlib.sha1(text.encode()).hexdigest()


REPO = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
PCI_ID = re.compile(r"^([a-f0-9]{4}):([a-f0-9]{2}):([a-f0-9]{2})\.([a-f0-9])$")
PCI_RE = r"[a-f0-9]{4,}:[a-f0-9]{2}:[a-f0-9]{2}(?:\.[a-f0-9])?"
# pve-guest-common PVE::Mapping::PCI's $map_fmt: key -> (pattern, optional)
MAP_FMT = {"node": (r"[a-zA-Z0-9]([a-zA-Z0-9\-]*[a-zA-Z0-9])?", False),
           "id": (r"[0-9A-Fa-f]{4}:[0-9A-Fa-f]{4}", False),
           "subsystem-id": (r"[0-9A-Fa-f]{4}:[0-9A-Fa-f]{4}", True),
           "path": (r"(?:%s;)*%s" % (PCI_RE, PCI_RE), False),
           "iommugroup": (r"-?\d+", True),
           "description": (r"(?s).{0,4096}", True)}


def parse_map(value):
    """A map entry as PVE's parse_property_string($map_fmt) reads it; raises ValueError."""
    res = {}
    for part in value.split(","):
        if part == "":
            continue
        if "=" not in part:
            raise ValueError("value without key, but schema does not define a default key")
        k, v = part.split("=", 1)
        if k not in MAP_FMT:
            raise ValueError("invalid key in comma-separated list property: %s" % k)
        if k in res:
            raise ValueError("duplicate key in comma-separated list property: %s" % k)
        if not re.fullmatch(MAP_FMT[k][0], v):
            raise ValueError("invalid format - value does not match the regex pattern")
        res[k] = v
    for k, (_, optional) in MAP_FMT.items():
        if not optional and k not in res:
            raise ValueError("missing key '%s'" % k)
    return res


def read_first_line(path):
    try:
        with open(path) as f:
            return f.readline().rstrip("\n")
    except OSError:
        return None


def pci_device_info_sysfs(root, name):
    """pve-common PVE::SysFSTools::pci_device_info($name, 1) over a fake host's sysfs tree."""
    if not PCI_ID.match(name):
        return None
    d = os.path.join(root, "sys", "bus", "pci", "devices", name)
    irq = read_first_line(os.path.join(d, "irq"))
    if irq is None or not re.fullmatch(r"\d+", irq):
        return None
    vendor, device = read_first_line(os.path.join(d, "vendor")), read_first_line(os.path.join(d, "device"))
    if vendor is None or not vendor.startswith("0x") or device is None or not device.startswith("0x"):
        return None
    info = {"vendor": vendor[2:], "device": device[2:]}
    for k in ("subsystem_vendor", "subsystem_device"):
        v = read_first_line(os.path.join(d, k))
        if v is not None:
            info[k] = v[2:] if v.startswith("0x") else v
    if os.path.exists(os.path.join(d, "iommu_group")):
        m = re.search(r"/(\d+)$", os.readlink(os.path.join(d, "iommu_group")))
        info["iommugroup"] = int(m.group(1)) if m else 0
    if os.path.isdir(os.path.join(d, "mdev_supported_types")) or os.path.isdir(os.path.join(d, "nvidia")):
        info["mdev"] = 1
    return info


def pci_device_info_lspci(pci, name):
    """The same fields from the node's lspci entry (PVE's own output over the same sysfs files)."""
    for d in pci:
        if d["id"] == name:
            info = {"vendor": d["vendor"][2:] if d["vendor"].startswith("0x") else d["vendor"],
                    "device": d["device"][2:] if d["device"].startswith("0x") else d["device"]}
            for k in ("subsystem_vendor", "subsystem_device"):
                if k in d:
                    info[k] = d[k][2:] if d[k].startswith("0x") else d[k]
            if d.get("iommugroup", -1) != -1:
                info["iommugroup"] = d["iommugroup"]
            if d.get("mdev"):
                info["mdev"] = 1
            return info
    return None


def assert_valid(name, mapping, cluster_cfg, device_info):
    """PVE::Mapping::PCI::assert_valid: None when valid, else its die text (with the newline)."""
    for idx, path in enumerate([p for p in (mapping.get("path") or "").split(";") if p != ""]):
        if not re.search(r"\.[a-f0-9]", path, re.I):
            path = path + ".0"  # whole device: .0 must exist
        info = device_info(path)
        if info is None:
            return "pci device '%s' not found\n" % path
        expected = {"id": "%s:%s" % (info["vendor"], info["device"]),
                    "iommugroup": info.get("iommugroup"), "subsystem-id": None}
        if info.get("subsystem_vendor") is not None and info.get("subsystem_device") is not None:
            expected["subsystem-id"] = "%s:%s" % (info["subsystem_vendor"], info["subsystem_device"])
        configured = {k: mapping.get(k) for k in ("id", "iommugroup", "subsystem-id")}
        if cluster_cfg is not None:
            expected["mdev"] = 1 if info.get("mdev") else 0
            configured["mdev"] = 1 if cluster_cfg.get("mdev") else 0
        for prop in sorted(expected):
            if prop == "iommugroup" and idx > 0:
                continue  # iommu only on the first device
            e, c = expected[prop], configured[prop]
            if e is None and c is None:
                continue
            if e is not None and c is None:
                return "missing expected property '%s' for device '%s'\n" % (prop, path)
            if e is None and c is not None:
                return "unexpected property '%s' configured for device '%s'\n" % (prop, path)
            e, c = str(e).replace("0x", ""), str(c).replace("0x", "")
            if e != c:
                return "'%s' does not match for '%s' (%s != %s)\n" % (prop, name, e, c)
    return None


def generate(spec):
    """nodes=5,vms=1000[,mdev=1]: a cluster like the bench's."""
    opts = dict(kv.split("=") for kv in spec.split(","))
    nnodes, nvms = int(opts.get("nodes", 5)), int(opts.get("vms", 1000))
    # SR-IOV (the demo host) and GVT-g nodes in turn, as PVE's own functions return them
    nodes = [{"node": "pve%d" % i, "status": "online",
              "hardware": "demo-host" if i % 2 else "gvtg-host",
              "snippets": {"local": ["pve-passthrough-guard.sh"]}} for i in range(1, nnodes + 1)]
    vms = []
    for v in range(nvms):
        vmid = 100 + v
        node = "pve%d" % (v % nnodes + 1)
        conf = {"name": "vm%d" % vmid, "cores": 2, "sockets": 1, "memory": "4096", "numa": 0,
                "ostype": "l26", "machine": "q35", "bios": "ovmf", "scsihw": "virtio-scsi-pci",
                "scsi0": "local-lvm:vm-%d-disk-0,size=32G" % vmid, "boot": "order=scsi0",
                "net0": "virtio=BC:24:11:%02X:%02X:01,bridge=vmbr0" % (vmid // 256 % 256, vmid % 256),
                "smbios1": "uuid=00000000-0000-4000-8000-%012d" % vmid, "vmgenid": "1-%d" % vmid}
        if v % 10 == 0:
            conf["hostpci0"] = "0000:00:02.%d,pcie=1" % (v // 10 % 7 + 1)
        elif v % 10 == 1:
            conf["hostpci0"] = "mapping=igpu-vf,pcie=1"
        if v % 10 in (0, 1):  # the guard as hookscript, in node-local storage
            conf["hookscript"] = "local:snippets/pve-passthrough-guard.sh"
        vms.append({"vmid": vmid, "node": node, "status": "running" if v % 2 == 0 else "stopped",
                    "config": conf})
    return {"nodes": nodes, "vms": vms, "ha": ["vm:%d" % (100 + v) for v in range(0, nvms, 20)], "lxc": [{"vmid": 90000, "node": "pve1", "status": "running"}],
            "mappings": [{"id": "igpu-vf", "description": "iGPU VFs",
                          "map": ["node=pve%d,path=0000:00:02.1,id=8086:a7a0,iommugroup=20" % i
                                  for i in range(1, nnodes + 1, 2)]}]}


class Cluster:
    def __init__(self, data, corpus):
        self.lock = threading.Lock()
        self.nodes = {n["node"]: n for n in data["nodes"]}
        for n in self.nodes.values():
            if "pci" in n:
                raise SystemExit("node %s: hand-written \"pci\"; name the host whose PVE output to "
                                 "serve with \"hardware\"" % n["node"])
            n["pci"], n["mdev"], n["gone"] = hardware(n, corpus) if "hardware" in n else ([], {}, set())
            root = n.get("sysfs") or ("examples/demo-host" if n.get("hardware") == "demo-host" else None)
            n["sysfs_root"] = os.path.join(REPO, root) if root else None
        self.vms = {}
        for vm in data["vms"]:
            vm.setdefault("pending", {})
            vm.setdefault("pending_delete", [])
            self.vms[vm["vmid"]] = vm
        self.lxc = data.get("lxc", [])
        self.mappings = data.get("mappings", [])
        self.storage = {st["storage"]: st for st in data.get(
            "storage", [{"storage": "local", "type": "dir", "shared": 0}])}
        self.shared_snippets = data.get("shared_snippets", {})
        self.ha = data.get("ha", [])

    def device_info(self, n, name):
        """pci_device_info() on node n's fake host, in the state the node's settings give it."""
        if name in n["gone"]:
            return None  # a VF beyond "vfs": sriov_numvfs removed it
        if n["sysfs_root"]:
            info = pci_device_info_sysfs(n["sysfs_root"], name)
        else:
            info = pci_device_info_lspci(n["pci"], name)
        if info is not None and n.get("iommu") is False:
            info.pop("iommugroup", None)
        return info

    def mapping_digest(self):
        return hashlib.sha1(json.dumps(self.mappings, sort_keys=True).encode()).hexdigest()

    def mapping_entries(self, check_node):
        """GET /cluster/mapping/pci as pve-manager's index builds it (checks with check-node)."""
        res = []
        for m in self.mappings:
            entry = json.loads(json.dumps(m))
            entry["digest"] = self.mapping_digest()
            if check_node is not None:
                entry["checks"] = []
                lines = []
                for v in m.get("map", []):  # PVE::Mapping::PCI::get_node_mapping
                    try:
                        parsed = parse_map(v)
                    except ValueError:
                        continue  # PVE warns and skips it
                    if parsed["node"] == check_node:
                        lines.append(parsed)
                if not lines:
                    entry["checks"].append({"severity": "warning",
                                            "message": "No mapping for node %s." % check_node})
                node = self.nodes[check_node]
                for ml in lines:
                    err = assert_valid(m["id"], ml, entry, lambda name: self.device_info(node, name))
                    if err is not None:
                        entry["checks"].append({"severity": "error",
                                                "message": "Invalid configuration: " + err})
            res.append(entry)
        return res

    def config(self, vm, current):
        conf = dict(vm["config"])
        if not current:
            conf.update(vm["pending"])
            for k in vm["pending_delete"]:
                conf.pop(k, None)
        conf["digest"] = digest_of(vm)
        return conf


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "pve-api-proxy/3.0"

    def log_message(self, fmt, *args):
        pass

    def setup(self):
        super().setup()
        self.server.note("conn")

    # -- helpers
    def control(self):
        try:
            with open(self.server.control_path) as f:
                return json.load(f)
        except (OSError, ValueError, TypeError):
            return {}

    def reply(self, status, data=None, reason=None, message=None, errors=None, empty=False):
        body = b""
        if not empty:
            env = {"data": data}
            if message is not None:
                env["message"] = message
            if errors:
                env["errors"] = errors
            body = json.dumps(env).encode()
        self.send_response(status, reason)
        self.send_header("Content-Type", "application/json;charset=UTF-8")
        self.send_header("Content-Length", str(len(body)))
        # headers and body in one write (no Nagle/delayed-ACK stall between them)
        self._headers_buffer.append(b"\r\n")
        self._headers_buffer.append(body)
        self.flush_headers()

    def fail(self, status, message, errors=None):
        reason = message.split("\n")[0] if status != 401 else "No ticket"
        self.reply(status, None, reason=reason, message=message + "\n", errors=errors,
                   empty=(status == 401))

    def form(self):
        """The form body as PVE's decode_urlencoded reads it: a repeated key becomes a list."""
        n = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(n).decode() if n else ""
        res = {}
        for k, v in urllib.parse.parse_qsl(raw, keep_blank_values=True):
            res[k] = (res[k] if isinstance(res[k], list) else [res[k]]) + [v] if k in res else v
        return res

    def auth(self, write):
        """'token', 'ticket' or None."""
        h = self.headers.get("Authorization", "")
        if self.server.token and h == "PVEAPIToken=" + self.server.token:
            return "token"
        cookie = self.headers.get("Cookie", "")
        m = re.search(r"PVEAuthCookie=([^;]+)", cookie)
        if m and m.group(1) in self.server.tickets:
            if write and self.headers.get("CSRFPreventionToken") != self.server.tickets[m.group(1)]:
                return None
            return "ticket"
        return None

    # -- dispatch
    def do_GET(self):
        self.handle_any("GET")

    def do_PUT(self):
        self.handle_any("PUT")

    def do_POST(self):
        self.handle_any("POST")

    def handle_any(self, method):
        ctl = self.control()
        url = urllib.parse.urlsplit(self.path)
        full = self.path[len(API):] if self.path.startswith(API) else self.path
        path = url.path[len(API):] if url.path.startswith(API) else url.path
        query = dict(urllib.parse.parse_qsl(url.query))
        params = self.form() if method in ("PUT", "POST") else {}
        self.server.note("req %s %s auth=%s" % (method, full,
                         "token" if self.headers.get("Authorization") else
                         "cookie" if self.headers.get("Cookie") else "none"))
        if ctl.get("latency_ms"):
            time.sleep(ctl["latency_ms"] / 1000.0)
        elif self.server.latency:
            time.sleep(self.server.latency)
        for rule in ctl.get("rules", []):
            if rule.get("method", method) == method and re.fullmatch(rule["path"], full):
                st = rule.get("status", 500)
                self.reply(st, None, reason=rule.get("reason", rule.get("message", "error")),
                           message=rule.get("message"), errors=rule.get("errors"),
                           empty=rule.get("empty", st == 401))
                return
        m = re.match(r"/nodes/([^/]+)(/.*)?$", path)
        if m and m.group(2):
            if m.group(1) in ctl.get("offline", []):
                self.reply(595, None, reason="No route to host")
                return
            if m.group(1) in ctl.get("hang", []):
                time.sleep(ctl.get("hang_s", 5))
        if method == "POST" and path == "/access/ticket":
            return self.ticket(params)
        kind = self.auth(method != "GET")
        if not kind:
            self.reply(401, None, reason="No ticket", empty=True)
            return
        with self.server.cluster.lock:
            self.route(method, path, query, params, kind, ctl)

    def ticket(self, p):
        if (self.server.user and p.get("username") == self.server.user
                and p.get("password") == self.server.password):
            t = "PVE:%s:%X::%s" % (self.server.user, int(time.time()), secrets.token_urlsafe(24))
            csrf = "%X:%s" % (int(time.time()), secrets.token_urlsafe(16))
            self.server.tickets[t] = csrf
            self.reply(200, {"ticket": t, "CSRFPreventionToken": csrf, "username": self.server.user})
        else:
            self.reply(401, None, reason="authentication failure", empty=True)

    def route(self, method, path, query, params, kind, ctl):
        c = self.server.cluster
        offline = set(ctl.get("offline", [])) | {n for n, d in c.nodes.items()
                                                   if d.get("status") == "offline"}
        if method == "GET" and path == "/version":
            return self.reply(200, {"version": "9.0.3", "release": "9.0", "repoid": "deadbeef"})
        if method == "GET" and path == "/nodes":
            return self.reply(200, [{"node": n, "type": "node", "id": "node/" + n,
                                     "status": "offline" if n in offline else "online",
                                     "ssl_fingerprint": self.server.fingerprint, "level": "",
                                     "maxcpu": 8, "cpu": 0.012, "uptime": 86400}
                                    for n in c.nodes])
        if method == "GET" and path == "/cluster/resources":
            res = []
            for vm in c.vms.values():
                r = {"id": "qemu/%d" % vm["vmid"], "type": "qemu", "vmid": vm["vmid"],
                     "node": vm["node"], "name": vm["config"].get("name", ""),
                     "status": "unknown" if vm["node"] in offline else vm["status"],
                     "template": vm.get("template", 0), "maxmem": 4294967296, "maxcpu": 2}
                if vm.get("lock"):
                    r["lock"] = vm["lock"]
                res.append(r)
            for ct in c.lxc:
                res.append({"id": "lxc/%d" % ct["vmid"], "type": "lxc", "vmid": ct["vmid"],
                            "node": ct["node"], "status": ct["status"], "template": 0})
            if query.get("type") not in (None, "vm"):
                res = []
            return self.reply(200, res)
        if path == "/cluster/mapping/pci" or path.startswith("/cluster/mapping/pci/"):
            return self.mapping(method, path, query, params, kind, ctl, offline)
        if method == "GET" and path == "/cluster/ha/resources":
            return self.reply(200, [{"sid": sid, "type": sid.split(":")[0], "state": "started",
                                     "max_restart": 1, "max_relocate": 1} for sid in c.ha])
        m = re.fullmatch(r"/nodes/([^/]+)/(.*)", path)
        if not m:
            return self.fail(501, "Method '%s %s' not implemented" % (method, path))
        node, rest = m.groups()
        if node not in c.nodes:
            return self.fail(595, "no such cluster node '%s'" % node)
        n = c.nodes[node]
        if method == "GET" and rest == "hardware/pci":
            return self.reply(200, n.get("pci", []))
        m = re.fullmatch(r"storage/([^/]+)/content", rest)
        if method == "GET" and m:
            st = c.storage.get(m.group(1))
            if not st:
                return self.fail(500, "storage '%s' does not exist" % m.group(1))
            files = (c.shared_snippets if st.get("shared") else n.get("snippets", {})).get(
                st["storage"], [])
            if query.get("content") not in (None, "snippets"):
                files = []
            return self.reply(200, [{"volid": "%s:snippets/%s" % (st["storage"], name),
                                     "format": "snippet", "content": "snippets", "size": 120,
                                     "ctime": 1764900000} for name in files])
        m = re.fullmatch(r"hardware/pci/([^/]+)/mdev", rest)
        if method == "GET" and m:
            types = n.get("mdev", {}).get(m.group(1))
            if types is None:
                return self.fail(500, "invalid pci id '%s'" % m.group(1))
            return self.reply(200, types)
        m = re.fullmatch(r"qemu/(\d+)/config", rest)
        if m:
            vm = c.vms.get(int(m.group(1)))
            if not vm or vm["node"] != node:
                return self.fail(500, "Configuration file 'nodes/%s/qemu-server/%s.conf' does "
                                 "not exist" % (node, m.group(1)))
            if method == "GET":
                return self.reply(200, c.config(vm, query.get("current") == "1"))
            if method == "PUT":
                if vm["vmid"] in ctl.get("touch_before_put", []):
                    vm["touched"] = vm.get("touched", 0) + 1  # another writer got there first
                    vm["config"]["tags"] = "changed-meanwhile-%d" % vm["touched"]
                self.server.note("put %d %s" % (vm["vmid"], " ".join(
                    "%s=%s" % (k, v) for k, v in sorted(params.items()))))
                return self.put_config(vm, params, kind, ctl)
        return self.fail(501, "Method '%s %s' not implemented" % (method, path))

    def mapping(self, method, path, query, params, kind, ctl, offline):
        """/cluster/mapping/pci[/{id}] as pve-manager's PVE::API2::Cluster::Mapping::PCI."""
        c = self.server.cluster
        mid = path[len("/cluster/mapping/pci/"):] if path != "/cluster/mapping/pci" else None
        if method == "GET" and mid is None:
            node = query.get("check-node")
            if node is not None:  # proxied to that node, which checks its own hardware
                if node not in c.nodes:
                    return self.fail(595, "no such cluster node '%s'" % node)
                if node in offline:
                    return self.reply(595, None, reason="No route to host")
                if node in ctl.get("hang", []):
                    time.sleep(ctl.get("hang_s", 5))
            return self.reply(200, c.mapping_entries(node))
        if method == "GET":
            m = next((x for x in c.mappings if x["id"] == mid), None)
            if m is None:
                return self.fail(500, "mapping '%s' not found" % mid)
            return self.reply(200, dict(m, digest=c.mapping_digest()))
        if method not in ("POST", "PUT") or (method == "POST") != (mid is None):
            return self.fail(501, "Method '%s %s' not implemented" % (method, path))
        perm = "/mapping/pci" if method == "POST" else "/mapping/pci/" + mid
        if kind == "token" and "Mapping.Modify" in ctl.get("token_lacks", []):
            return self.fail(403, "Permission check failed (%s, Mapping.Modify)" % perm)
        allowed = {"id", "map", "description", "mdev", "live-migration-capable"}
        if method == "PUT":
            allowed |= {"digest", "delete"}
        errors = {k: "property is not defined in schema and the schema does not allow "
                  "additional properties" for k in params if k not in allowed}
        ident = params.get("id") if method == "POST" else mid
        if not isinstance(ident, str) or not re.fullmatch(r"(?i:[a-z][a-z0-9_-]+)", ident):
            errors["id"] = "invalid format - invalid configuration ID '%s'" % ident
        maps = params.get("map")
        maps = [] if maps is None else maps if isinstance(maps, list) else [maps]
        if method == "POST" and not maps:
            errors["map"] = "property is missing and it is not optional"
        for v in maps:
            try:
                parse_map(v)
            except ValueError as ex:
                errors["map"] = "invalid format - %s" % ex
        for k in ("mdev", "live-migration-capable"):
            if k in params and params[k] not in ("0", "1"):
                errors[k] = "type check ('boolean') failed - got '%s'" % params[k]
        if errors:
            return self.fail(400, "Parameter verification failed.", errors)
        self.server.note("mapping %s %s %s" % (method, ident, " ".join(
            "%s=%s" % (k, "|".join(v) if isinstance(v, list) else v)
            for k, v in sorted(params.items()) if k != "id")))
        opts = {}
        if maps:
            opts["map"] = maps
        for k in ("description",):
            if k in params:
                opts[k] = params[k]
        for k in ("mdev", "live-migration-capable"):
            if k in params:
                opts[k] = int(params[k])
        cur = next((x for x in c.mappings if x["id"] == ident), None)
        if method == "POST":
            if cur is not None:
                return self.fail(500, "create hardware mapping failed: pci ID '%s' already "
                                 "defined" % ident)
            c.mappings.append(dict(opts, id=ident))
            return self.reply(200, None)
        if cur is not None and ident in ctl.get("touch_mapping_before_put", []):
            cur["description"] = "changed meanwhile"  # another writer got there first
        if params.get("digest") and params["digest"] != c.mapping_digest():
            return self.fail(500, "update hardware mapping failed: detected modified "
                             "configuration - file changed by other user? Try again.")
        if cur is None:
            return self.fail(500, "update hardware mapping failed: pci ID '%s' does not exist"
                             % ident)
        for k in filter(None, re.split(r"[,;\s]+", params.get("delete", ""))):
            cur.pop(k, None)
        cur.update(opts)
        return self.reply(200, None)

    def hostpci_perm(self, vm, key, value, kind, ctl):
        """qemu-server's check_hostpci_perm, for a value set or (its old value) deleted: None
        when allowed, else the failure."""
        if kind != "token":  # root@pam (ticket) may do anything
            return None
        mapping = re.search(r"(?:^|,)mapping=([^,]+)", value)
        if not mapping:  # a die, not a permission exception: HTTP 500
            return (500, "only root can set '%s' config for non-mapped devices" % key)
        lacks = ctl.get("token_lacks", [])
        if "Mapping.Use" in lacks:
            return (403, "Permission check failed (/mapping/pci/%s, Mapping.Use)"
                    % mapping.group(1))
        if "VM.Config.HWType" in lacks:
            return (403, "Permission check failed (/vms/%d, VM.Config.HWType)" % vm["vmid"])
        return None

    def put_config(self, vm, params, kind, ctl):
        """PUT .../config as qemu-server's update_vm_api: the digest checked, each delete takes
        the key's pending value and becomes a pending delete, each value becomes pending, then
        what changes nothing is cleaned up and the pending part applied - at once for a
        stopped VM; for a running one except hostpci (no PCI hot-plug), which stays pending."""
        errors = {}
        for k in params:
            if k not in ("digest", "delete") and not re.fullmatch(r"[a-z][a-z0-9_-]*", k):
                errors[k] = "property is not defined in schema and the schema does not allow " \
                            "additional properties"
        if errors:
            return self.fail(400, "Parameter verification failed.", errors)
        if params.get("digest") and params["digest"] != digest_of(vm):
            return self.fail(500, "detected modified configuration - file changed by other "
                             "user? Try again.")
        conf, pending, dels = vm["config"], vm["pending"], vm["pending_delete"]
        for k in filter(None, re.split(r"[,;\s]+", params.get("delete", ""))):
            val = conf.get(k, pending.get(k))
            if val is None:
                continue  # PVE warns "cannot delete 'k' - not set in current configuration!"
            if re.fullmatch(r"hostpci\d+", k):
                denied = self.hostpci_perm(vm, k, str(val), kind, ctl)
                if denied:
                    return self.fail(*denied)
            pending.pop(k, None)
            if k not in dels:
                dels.append(k)
        for k, v in params.items():
            if k in ("digest", "delete"):
                continue
            if re.fullmatch(r"hostpci\d+", k):
                for value in ([conf[k]] if k in conf else []) + [v]:
                    denied = self.hostpci_perm(vm, k, value, kind, ctl)
                    if denied:
                        return self.fail(*denied)
            pending[k] = v
            if k in dels:
                dels.remove(k)
        # cleanup_pending: values equal to the current ones, deletes of keys not set
        for k in [k for k in pending if str(conf.get(k)) == str(pending[k])]:
            del pending[k]
        dels[:] = [k for k in dels if k in conf]
        running = vm["status"] == "running"
        for k in list(pending):
            if running and re.fullmatch(r"hostpci\d+", k):
                continue  # as PVE: hot-plugging a PCI device is not possible
            v = pending.pop(k)
            conf[k] = int(v) if re.fullmatch(r"-?\d+", v) and k in (
                "cores", "sockets", "numa", "balloon", "onboot") else v
        for k in list(dels):
            if running and re.fullmatch(r"hostpci\d+", k):
                continue  # a pending delete until the next start
            conf.pop(k, None)
            dels.remove(k)
        self.reply(200, None)


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def finish_request(self, request, client_address):
        # TLS handshake in the connection's own thread: a client that refuses the certificate
        # (wrong pin, wrong CA) only ends its own connection.
        try:
            request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            request = self.ssl_ctx.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError):
            return
        super().finish_request(request, client_address)

    def handle_error(self, request, client_address):
        pass

    def note(self, line):
        if self.log:
            with self.log_lock:
                self.log.write(line + "\n")
                self.log.flush()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cert", required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("--fixture")
    ap.add_argument("--generate", help="nodes=N,vms=M")
    ap.add_argument("--token", help="token file: USER@REALM!TOKENID=SECRET accepted")
    ap.add_argument("--user")
    ap.add_argument("--password-file")
    ap.add_argument("--latency-ms", type=float, default=0)
    ap.add_argument("--control", default="")
    ap.add_argument("--log")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--fingerprint", default="")
    ap.add_argument("--corpus", default=CORPUS, help="PVE's own API outputs (pve-api/)")
    a = ap.parse_args()
    if a.fixture:
        with open(a.fixture) as f:
            data = json.load(f)
    else:
        data = generate(a.generate or "nodes=3,vms=10")
    srv = Server(("127.0.0.1", a.port), Handler)  # loopback only
    srv.cluster = Cluster(data, a.corpus)
    srv.control_path = a.control
    srv.latency = a.latency_ms / 1000.0
    srv.token = open(a.token).read().strip() if a.token else None
    srv.user = a.user
    srv.password = open(a.password_file).read().split("\n")[0] if a.password_file else None
    srv.tickets = {}
    srv.fingerprint = a.fingerprint
    srv.log = open(a.log, "a") if a.log else None
    srv.log_lock = threading.Lock()
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(a.cert, a.key)
    srv.ssl_ctx = ctx
    tmp = a.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % srv.server_address[1])
    os.rename(tmp, a.port_file)
    try:
        srv.serve_forever(poll_interval=0.05)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
