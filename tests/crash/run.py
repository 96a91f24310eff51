#!/usr/bin/env python3
"""tests/crash/run.py - the check-crash tier: kill -9 at every system call (issue 13 defect 2).

For each of `assign`, `release`, `host setup` and `host rollback` on a copy of the demo host:

1. a clean run under `strace -f` counts the system calls the command makes, per syscall name;
2. for every syscall S and every N from 1 to its count, a fresh copy is run under
   `strace -e inject=S:signal=SIGKILL:when=N` (killed as it enters its N-th call of S);
3. right after the kill every file is old-or-new: byte for byte what it was before the command or
   what a complete run leaves (a missing file counts as a state; temporary files of ours are
   allowed at this point and nothing else);
4. the next run recovers: the command again (assign, release) or `host rollback` (after a killed
   setup or rollback), which must succeed and leave exactly the complete run's state (rollback:
   the state before the setup), with no temporary file left anywhere and no journal in
   "applying" - every interrupted journal is recoverable.

The host's hardware (sys/, proc/, lib/, usr/) is shared read-only by every copy through symbolic
links to one prepared tree per command; the tier checks at the end that no run changed it.  The
points run on as many workers as there are CPUs (at most 2).  Prints one line per failing point,
the figures per command (points, killed, completed, recovered, seconds), and
"crash: N passed, N failed" (one test per command) for tools/check.sh.

Usage: tests/crash/run.py [--binary PATH] [--only CMD] [--limit N] [-v]
"""
import argparse
import collections
import concurrent.futures
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

SRC = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEMO = os.path.join(SRC, "examples", "demo-host")
SHARED_DIRS = ("sys", "proc", "lib", "usr")  # the hardware: read-only, shared
TMP_TAG = ".pp-tmp."
JOURNAL = os.path.join("var", "lib", "pve-passthrough")
IGNORED = (os.path.join("run", "lock"), JOURNAL)  # lock files; the journal is checked apart


def snapshot(root):
    """{relative path: ('f', sha256, mode) | ('l', target) | ('d',)} of everything but the shared
    hardware, lock files, the journal and our temporary files; plus the temp files found."""
    state, temps = {}, []
    for dirpath, dirnames, filenames in os.walk(root):
        rel_dir = os.path.relpath(dirpath, root)
        if rel_dir == ".":
            dirnames[:] = [d for d in dirnames if d not in SHARED_DIRS]
        for name in dirnames + filenames:
            rel = os.path.normpath(os.path.join(rel_dir, name))
            full = os.path.join(dirpath, name)
            if TMP_TAG in name:
                temps.append(rel)
                continue
            if any(rel == i or rel.startswith(i + os.sep) for i in IGNORED):
                continue
            if os.path.islink(full):
                state[rel] = ("l", os.readlink(full))
            elif os.path.isdir(full):
                state[rel] = ("d",)
            else:
                with open(full, "rb") as f:
                    state[rel] = ("f", hashlib.sha256(f.read()).hexdigest(),
                                  os.stat(full).st_mode & 0o7777)
    return state, temps


def tree_digest(root):
    h = hashlib.sha256()
    for dirpath, dirnames, filenames in sorted(os.walk(root)):
        dirnames.sort()
        for name in sorted(filenames + dirnames):
            full = os.path.join(dirpath, name)
            h.update(os.path.relpath(full, root).encode())
            if os.path.islink(full):
                h.update(os.readlink(full).encode())
            elif os.path.isfile(full):
                with open(full, "rb") as f:
                    h.update(f.read())
    return h.hexdigest()


def copy_root(master, dest):
    """A copy of master: the writable parts copied, the hardware linked."""
    os.makedirs(dest)
    for name in os.listdir(master):
        src = os.path.join(master, name)
        if name in SHARED_DIRS:
            os.symlink(src, os.path.join(dest, name))
        elif not os.path.isdir(src) or os.path.islink(src):
            shutil.copy2(src, os.path.join(dest, name), follow_symlinks=False)
        else:
            shutil.copytree(src, os.path.join(dest, name), symlinks=True)


def run(binary, root, args, strace=None):
    cmd = [binary, "--root", root] + args
    if strace:
        cmd = strace + ["--"] + cmd
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          env=dict(os.environ, LC_ALL="C"))


def interrupted_journals(root):
    jdir = os.path.join(root, JOURNAL, "journal")
    bad = []
    if not os.path.isdir(jdir):
        return bad
    for j in os.listdir(jdir):
        path = os.path.join(jdir, j, "journal")
        if not os.path.isfile(path):
            bad.append(j + " (no journal file)")
            continue
        with open(path) as f:
            if "\nstate applying\n" in f.read():
                bad.append(j)
    return bad


class Scenario:
    """One command: its prepared master tree, arguments, before/after states, recovery."""

    def __init__(self, name, master, args, recover_args, old, new, final):
        self.name, self.master, self.args, self.recover_args = name, master, args, recover_args
        self.old, self.new, self.final = old, new, final


def diff_states(got, allowed_list):
    """Paths whose state is none of the allowed ones."""
    bad = []
    for path in sorted(set(got) | set().union(*allowed_list)):
        st = got.get(path)
        if not any(st == a.get(path) for a in allowed_list):
            bad.append(path)
    return bad


def one_point(binary, sc, syscall, n, workdir):
    """Kill sc's command at the n-th call of syscall; returns (outcome, problems)."""
    root = tempfile.mkdtemp(dir=workdir)
    w = os.path.join(root, "r")
    problems = []
    try:
        copy_root(sc.master, w)
        # (--seccomp-bpf would stop the tracee at that syscall only, but strace 6.1 then
        # never delivers the injected signal)
        strace = ["strace", "-f", "-qq", "-o", "/dev/null", "-e", "trace=" + syscall,
                  "-e", "inject=%s:signal=SIGKILL:when=%d" % (syscall, n)]
        p = run(binary, w, sc.args, strace)
        outcome = "killed" if p.returncode in (-9, 137) else "completed"
        if outcome == "completed" and p.returncode != 0:
            problems.append("exit %d without a kill: %s" % (p.returncode,
                                                            p.stderr.decode()[-300:]))
        state, _temps = snapshot(w)
        for path in diff_states(state, [sc.old, sc.new]):
            problems.append("after the kill %s is neither old nor new" % path)
        r = run(binary, w, sc.recover_args)
        if r.returncode != 0:
            problems.append("recovery `%s` exit %d: %s" % (" ".join(sc.recover_args),
                                                           r.returncode,
                                                           r.stderr.decode()[-400:]))
        state, temps = snapshot(w)
        for path in diff_states(state, [sc.final]):
            problems.append("after recovery %s differs from the expected state" % path)
        for t in temps:
            problems.append("temporary file left after the next run: " + t)
        for j in interrupted_journals(w):
            problems.append("journal still interrupted after recovery: " + j)
        return outcome, problems
    finally:
        shutil.rmtree(root, ignore_errors=True)


MUTATING = {"rename", "renameat", "renameat2", "link", "linkat", "unlink", "unlinkat",
            "symlink", "symlinkat", "rmdir", "fchmod", "fchmodat", "chmod", "fchown", "fchownat",
            "chown", "lchown", "truncate", "ftruncate", "fsync", "fdatasync", "mkdir", "mkdirat",
            "open", "openat", "creat", "write", "pwrite64", "writev"}


def mutates(name, line):
    """Whether this traced call can change a file other than a lock file."""
    if name not in MUTATING or re.search(r"/(run|var)/lock\b", line):
        return False
    if name in ("open", "openat"):
        return bool(re.search(r"O_(CREAT|WRONLY|RDWR|TMPFILE|TRUNC)", line))
    if name in ("write", "pwrite64", "writev"):
        return not re.match(r"^(?:\d+\s+)?\w+\([12],", line)  # not stdout/stderr
    if name in ("mkdir", "mkdirat"):
        return "EEXIST" not in line
    return True


def count_syscalls(binary, sc, workdir):
    """Per syscall name: how many calls a clean run makes, and how many of them come before the
    first call that can change a file (killing there changes nothing)."""
    root = tempfile.mkdtemp(dir=workdir)
    w = os.path.join(root, "r")
    log = os.path.join(root, "trace")
    try:
        copy_root(sc.master, w)
        p = run(binary, w, sc.args, ["strace", "-f", "-qq", "-o", log])
        if p.returncode != 0:
            raise SystemExit("crash: %s failed without a kill: %s" % (sc.name, p.stderr.decode()))
        counts, before = collections.Counter(), None
        with open(log) as f:
            for line in f:
                m = re.match(r"^(?:\d+\s+)?([a-z_0-9]+)\(", line)
                if not m:
                    continue
                if before is None and mutates(m.group(1), line):
                    before = collections.Counter(counts)
                counts[m.group(1)] += 1
        return counts, before if before is not None else collections.Counter(counts)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def prepare(binary, workdir):
    """The four scenarios, each with a master tree of its own."""
    def master(name):
        d = os.path.join(workdir, "master-" + name)
        shutil.copytree(DEMO, d, symlinks=True)
        return d

    def must(p, what):
        if p.returncode != 0:
            raise SystemExit("crash: cannot prepare (%s): %s" % (what, p.stderr.decode()))

    out = []
    # release: the demo host as shipped; VM 101 gives its VF back
    m = master("release")
    old, _ = snapshot(m)
    t = os.path.join(workdir, "t-release")
    copy_root(m, t)
    must(run(binary, t, ["release", "101", "--all"]), "release")
    new, _ = snapshot(t)
    out.append(Scenario("release", m, ["release", "101", "--all"], ["release", "101", "--all"],
                        old, new, new))
    # assign: the demo host with VFs free (VMs 101, 103 and 107 released); VM 101 gets one
    m2 = master("assign")
    for vm in ("101", "103", "107"):
        must(run(binary, m2, ["release", vm, "--all"]), "assign base")
    aold, _ = snapshot(m2)
    t = os.path.join(workdir, "t-assign")
    copy_root(m2, t)
    must(run(binary, t, ["assign", "101", "--vf", "auto"]), "assign")
    anew, _ = snapshot(t)
    out.append(Scenario("assign", m2, ["assign", "101", "--vf", "auto"],
                        ["assign", "101", "--vf", "auto"], aold, anew, anew))
    # host setup / rollback: the demo host with its VFs free (unbound, no running VM), which
    # rollback needs (it refuses while VFs are in use)
    m3 = master("host")
    for vf in ("0000:00:02.1", "0000:00:02.2"):
        dev = os.path.join(m3, "sys", "bus", "pci", "devices", vf)
        drv = os.path.join(dev, "driver")
        if os.path.islink(drv):
            target = os.path.realpath(drv)
            os.unlink(drv)
            link = os.path.join(target, vf)
            if os.path.islink(link):
                os.unlink(link)
        ue = os.path.join(dev, "uevent")
        with open(ue) as f:
            text = f.read()
        with open(ue, "w") as f:
            f.write("".join(l + "\n" for l in text.splitlines() if not l.startswith("DRIVER=")))
    for name in ("run/qemu-server/100.pid", "run/qemu-server/pci-id-reservations"):
        if os.path.exists(os.path.join(m3, name)):
            os.unlink(os.path.join(m3, name))
    hold, _ = snapshot(m3)
    t = os.path.join(workdir, "t-setup")
    copy_root(m3, t)
    must(run(binary, t, ["host", "setup", "sriov", "--vfs", "7"]), "host setup")
    hnew, _ = snapshot(t)
    out.append(Scenario("host setup", m3, ["host", "setup", "sriov", "--vfs", "7"],
                        ["host", "rollback"], hold, hnew, hold))
    # rollback: the state after that setup (its own writable copy, the same hardware)
    m4 = os.path.join(workdir, "master-rollback")
    copy_root(m3, m4)
    must(run(binary, m4, ["host", "setup", "sriov", "--vfs", "7"]), "rollback base")
    t = os.path.join(workdir, "t-rollback")
    copy_root(m4, t)
    must(run(binary, t, ["host", "rollback"]), "host rollback")
    bnew, _ = snapshot(t)
    out.append(Scenario("host rollback", m4, ["host", "rollback"], ["host", "rollback"],
                        hnew, bnew, bnew))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", default=os.path.join(SRC, "pve-passthrough"))
    ap.add_argument("--only", help="one command: assign, release, 'host setup', 'host rollback'")
    ap.add_argument("--limit", type=int, default=0, help="at most N points per command (0: all)")
    ap.add_argument("--all", action="store_true",
                    help="every call from the first on (default: from the first call that can "
                         "change a file on, every call of every syscall)")
    ap.add_argument("-v", action="store_true")
    a = ap.parse_args()
    tally = os.environ.get("PP_TALLY")
    if not shutil.which("strace"):
        print("FAIL crash: strace is not installed (tools/deps.sh installs it)")
        print("crash: 0 passed, 1 failed")
        if tally:
            with open(tally, "a") as f:
                f.write("crash 0 1\n")
        return 1
    workdir = tempfile.mkdtemp(prefix="pp-crash-")
    passed = failed = 0
    start_all = time.monotonic()
    try:
        scenarios = prepare(a.binary, workdir)
        digests = {sc.master: tree_digest(os.path.join(sc.master, "sys")) for sc in scenarios}
        workers = min(2, os.cpu_count() or 1)
        for sc in scenarios:
            if a.only and sc.name != a.only:
                continue
            start = time.monotonic()
            counts, before = count_syscalls(a.binary, sc, workdir)
            first = 1 if a.all else None
            points = [(s, n) for s in sorted(counts)
                      for n in range(first or before[s] + 1, counts[s] + 1)]
            if a.limit:
                points = points[:a.limit]
            outcomes = collections.Counter()
            bad = []
            with concurrent.futures.ThreadPoolExecutor(workers) as ex:
                futs = {ex.submit(one_point, a.binary, sc, s, n, workdir): (s, n)
                        for s, n in points}
                for fut in concurrent.futures.as_completed(futs):
                    s, n = futs[fut]
                    outcome, problems = fut.result()
                    outcomes[outcome] += 1
                    if problems:
                        bad.append((s, n, problems))
            secs = time.monotonic() - start
            for s, n, problems in sorted(bad)[:20]:
                print("FAIL crash/%s: killed at %s #%d: %s" % (sc.name, s, n, "; ".join(problems)))
            print("crash/%s: %d points (of %d syscalls of %d kinds; %d before the first change), "
                  "%d killed, %d ran to the end, %d not recovered, %.0f s"
                  % (sc.name, len(points), sum(counts.values()), len(counts),
                     sum(before.values()), outcomes["killed"],
                                                outcomes["completed"], len(bad), secs))
            if a.v:
                print("  " + ", ".join("%s %d" % (s, c) for s, c in counts.most_common()))
            if bad:
                failed += 1
            else:
                passed += 1
        for sc in scenarios:
            if tree_digest(os.path.join(sc.master, "sys")) != digests[sc.master]:
                print("FAIL crash: a run wrote to the shared hardware of %s" % sc.name)
                failed += 1
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print("crash: %d passed, %d failed (%.0f s)" % (passed, failed,
                                                    time.monotonic() - start_all))
    if tally:
        with open(tally, "a") as f:
            f.write("crash %d %d\n" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
