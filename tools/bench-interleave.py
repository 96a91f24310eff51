#!/usr/bin/env python3
# tools/bench-interleave.py RUNS OLD NEW -- ARGS... - the CPU time (user + system, from wait4) per
# call of two builds of the binary run with the same ARGS, interleaved (OLD, NEW, NEW, OLD, ...)
# so that the machine's load weighs on both alike; 20 warm-up runs each first.  For a change that
# costs every process start (a linked library): e.g. the guard on the bench-guard node, and
# `--version` (process start alone).  Started with posix_spawn (no fork of this interpreter is
# counted).  Prints the mean and median per binary and the ratio of the means; asserts nothing.
import os
import statistics
import sys

if len(sys.argv) < 5 or sys.argv[4] != "--":
    sys.exit("usage: bench-interleave.py RUNS OLD NEW -- ARGS...")
runs, old, new, args = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[5:]
null = os.open(os.devnull, os.O_WRONLY)


def one(binary):
    pid = os.posix_spawn(binary, [binary] + args, os.environ,
                         file_actions=[(os.POSIX_SPAWN_DUP2, null, 1),
                                       (os.POSIX_SPAWN_DUP2, null, 2)])
    _, status, ru = os.wait4(pid, 0)
    return (ru.ru_utime + ru.ru_stime) * 1000, os.waitstatus_to_exitcode(status)


for _ in range(20):
    one(old)
    one(new)
cpu = {old: [], new: []}
codes = {old: set(), new: set()}
for i in range(runs):
    for b in (old, new) if i % 2 == 0 else (new, old):
        t, rc = one(b)
        cpu[b].append(t)
        codes[b].add(rc)
for b in (old, new):
    print(f"{b}: mean {statistics.mean(cpu[b]):.3f} ms CPU, median "
          f"{statistics.median(cpu[b]):.3f} ms, {runs} runs, exit {sorted(codes[b])}")
print(f"new/old (means): {statistics.mean(cpu[new]) / statistics.mean(cpu[old]):.3f}")
