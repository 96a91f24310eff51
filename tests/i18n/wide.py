#!/usr/bin/env python3
# tests/i18n/wide.py FILE LIMIT - prints the lines of FILE wider than LIMIT columns, as
# "line N: W columns: text", counting what a terminal shows: east-asian wide and full-width
# characters two columns, combining marks none.  Used by the width tests (demo-width, help-width).
import sys, unicodedata

limit = int(sys.argv[2])
for n, line in enumerate(open(sys.argv[1], encoding="utf-8", errors="replace"), 1):
    line = line.rstrip("\n")
    w = sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1
            for c in line)
    if w > limit:
        print(f"line {n}: {w} columns: {line[:120]}")
