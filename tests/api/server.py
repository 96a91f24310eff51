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
Other answers: envelope {"data": ...}, integers and booleans as JSON numbers, the rest
strings, `digest` in VM configs and honoured on PUT, errors as HTTP status + reason phrase + body
{"data":null,"message":...,"errors":{...}}, 401 with an empty body.  Checks the auth header (API
token, or ticket cookie + CSRFPreventionToken for writes).  Listens on loopback only.

Behaviour that tests change while it runs is read from --control FILE (JSON) on every request:
  {"latency_ms": 20,              # added to every answer
   "offline": ["pve3"],           # /nodes/pve3/... answer 595 "No route to host", /nodes says offline
   "hang": ["pve2"], "hang_s": 5, # /nodes/pve2/... answer only after hang_s seconds
   "touch_before_put": [101],     # a PUT of VM 101's config finds it changed by someone else
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
    return pci, mdev


def digest_of(conf):
    text = "".join("%s: %s\n" % (k, conf[k]) for k in sorted(conf))
    return hashlib.sha1(text.encode()).hexdigest()


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
            n["pci"], n["mdev"] = hardware(n, corpus) if "hardware" in n else ([], {})
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

    def config(self, vm, current):
        conf = dict(vm["config"])
        if not current:
            conf.update(vm["pending"])
            for k in vm["pending_delete"]:
                conf.pop(k, None)
        conf["digest"] = digest_of(vm["config"])
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
        n = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(n).decode() if n else ""
        return dict(urllib.parse.parse_qsl(raw, keep_blank_values=True))

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
        if method == "GET" and path == "/cluster/mapping/pci":
            return self.reply(200, c.mappings)
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
                    vm["config"]["tags"] = "changed-meanwhile"  # another writer got there first
                self.server.note("put %d %s" % (vm["vmid"], " ".join(
                    "%s=%s" % (k, v) for k, v in sorted(params.items()))))
                return self.put_config(vm, params, kind)
        return self.fail(501, "Method '%s %s' not implemented" % (method, path))

    def put_config(self, vm, params, kind):
        errors = {}
        for k in params:
            if k not in ("digest", "delete") and not re.fullmatch(r"[a-z][a-z0-9_-]*", k):
                errors[k] = "property is not defined in schema and the schema does not allow " \
                            "additional properties"
        if errors:
            return self.fail(400, "Parameter verification failed.", errors)
        if params.get("digest") and params["digest"] != digest_of(vm["config"]):
            return self.fail(500, "detected modified configuration - file changed by other "
                             "user? Try again.")
        if kind == "token":
            for k, v in params.items():
                if re.fullmatch(r"hostpci\d+", k) and not v.startswith("mapping="):
                    return self.fail(403, "Permission check failed (/, Sys.Modify)")
        for k, v in params.items():
            if k in ("digest", "delete"):
                continue
            if vm["status"] == "running" and re.fullmatch(r"hostpci\d+", k):
                vm["pending"][k] = v  # as PVE: hot-plugging a PCI device is not possible
                continue
            vm["config"][k] = int(v) if re.fullmatch(r"-?\d+", v) and k in (
                "cores", "sockets", "numa", "balloon", "onboot") else v
        for k in filter(None, params.get("delete", "").split(",")):
            vm["config"].pop(k.strip(), None)
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
