#!/usr/bin/env python3
"""i18n-untranslated.py [-l] [FILE|DIR...] - counts the English string literals that reach a person
without passing through gettext (util/i18n.h: _(), N_(), P_()), per module (the top directory).

A literal counts when it holds an English word (two letters or more) and is, outside any _()/N_()/
P_() call:
  - the format (or another argument) of a call that shows or records a message: util_err_set,
    util_err_errno, cli_error/warn/info, cli_usage_error, the printf family on stdout/stderr/out,
    and the modules' own message collectors (diag_add, note, refuse, gather_warn, ...; MESSAGE
    below);
  - the sentence of a `help` table entry (cli/: {"--opt ARG", "sentence"} and a command's
    {"usage", "summary", ...}).
A literal that is a format argument (not the format) counts only when it has a space (a phrase,
not a keyword such as "main").  Comments and tests/ are skipped.  -l lists every literal counted
(file:line: text), else one "module: N" line per module and a total.  --wrap (a helper for
whoever marks a module: review its diff) puts each counted literal into _() or N_() in place.  Exit 0 always: a measure,
not a gate (check-po is the gate for what is marked).  `make i18n-count` runs it.  Default: every module of the tree."""
import os
import re
import sys

# call name -> index of its format argument (0-based); FILE-taking calls are filtered below
MESSAGE = {
    "util_err_set": 2, "util_err_errno": 2,
    "cli_error": 1, "cli_warn": 1, "cli_info": 1, "cli_usage_error": 2,
    "printf": 0, "puts": 0, "fprintf": 1, "fputs": 0, "vfprintf": 1,
    "diag_add": 5, "warn_add": 1, "gather_warn": 1, "gather_unread_add": 1,
    "note": 1, "refuse": 1, "block": 1, "push_conflict": 7, "add": 4,
    "assign_finding_add": 4, "internal_error": 3,
}
# arguments before the format that are sentences too: the findings' hints ("fix: ...")
EXTRA = {"add": (3,), "assign_finding_add": (3,)}
PER_FILE = {  # same name, other signature
    "pveconf/storage.c": {"diag": 2},
    "pveconf/mapping.c": {"diag": 4},
}
# what machines read (Prometheus, Nagios): English by design, never counted
MACHINE = {"cli/render_prometheus.c", "cli/render_nagios.c"}
STREAMS = {"stderr", "stdout", "out"}
GETTEXT = {"_", "N_", "P_"}
WORD = re.compile(r"[A-Za-z]{2,}")
TOKEN = re.compile(r'''
    (?P<comment>//[^\n]*|/\*.*?\*/)
  | (?P<string>"(?:\\.|[^"\\\n])*")
  | (?P<char>'(?:\\.|[^'\\\n])*')
  | (?P<ident>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<num>[0-9][A-Za-z0-9_.]*)
  | (?P<pp>^[ \t]*\#[^\n]*(?:\\\n[^\n]*)*)
  | (?P<punct>[(){}\[\],;?:])
  | (?P<other>\S)
''', re.S | re.X | re.M)


def tokens(text):
    """(kind, value, line) with adjacent string literals joined; comments and directives dropped
    (a #define's body is tokenized though: the help macros of cli/main.c live there)."""
    out = []
    for m in TOKEN.finditer(text):
        kind = m.lastgroup
        val = m.group(kind)
        line = text.count("\n", 0, m.start()) + 1
        span = (m.start(), m.end())
        if kind == "comment":
            continue
        if kind == "pp":
            if val.lstrip().startswith("#define"):
                body = re.sub(r"\\\n", " \n", re.sub(r"^\s*#\s*define\s+\w+", "", val))
                out.extend((k, v, line + l - 1, None) for k, v, l, _ in tokens(body))
            continue
        if kind == "string" and out and out[-1][0] == "string":
            k, v, l, sp = out[-1]
            out[-1] = (k, v[:-1] + val[1:], l, sp and (sp[0], span[1]))
            continue
        out.append((kind, val, line, span))
    return out


def args_of(toks, i):
    """toks[i] is '(' of a call: list of arguments, each a list of token indexes; and the index
    after the closing ')'."""
    depth, cur, args = 0, [], []
    j = i + 1
    while j < len(toks):
        k, v = toks[j][0], toks[j][1]
        if v in "([{" and k == "punct":
            depth += 1
        elif v in ")]}" and k == "punct":
            if depth == 0:
                args.append(cur)
                return args, j + 1
            depth -= 1
        elif v == "," and k == "punct" and depth == 0:
            args.append(cur)
            cur = []
            j += 1
            continue
        cur.append(j)
        j += 1
    return args, j


def bare_strings(toks, idx):
    """The string literals of an argument that are not inside a call (a gettext call or any
    other: what another function returns is its own business)."""
    depth, res = 0, []
    for n, j in enumerate(idx):
        k, v = toks[j][0], toks[j][1]
        if k == "punct" and v == "(":
            depth += 1
        elif k == "punct" and v == ")":
            depth -= 1
        elif k == "string" and depth == 0:
            res.append(j)
    return res


def english(lit):
    if lit.startswith('"PVE-PASSTHROUGH '):  # a Nagios status line: read by machines
        return False
    s = re.sub(r"%[-+ #0-9.*$lzhjt]*[a-zA-Z]", " ", lit[1:-1])
    s = re.sub(r"\\.", " ", s)
    return bool(WORD.search(s))


def scan(path, rel):
    with open(path, encoding="utf-8", errors="replace") as f:
        toks = tokens(f.read())
    calls = dict(MESSAGE)
    calls.update(PER_FILE.get(rel, {}))
    found = {}
    for i, (k, v, line, _) in enumerate(toks):
        if k != "ident" or i + 1 >= len(toks) or toks[i + 1][1] != "(":
            continue
        if v not in calls or (i and toks[i - 1][1] in ("->", ".")):
            continue
        # a declaration or definition: "int add(struct run *rn, ...)" has a type before it
        if i and toks[i - 1][0] == "ident" and toks[i - 1][1] not in ("return", "else"):
            continue
        if i and toks[i - 1][1] == "*":
            continue
        args, _ = args_of(toks, i + 1)
        fi = calls[v]
        if v in ("fprintf", "vfprintf", "fputs"):
            stream = args[0 if v != "fputs" else 1] if args else []
            names = {toks[j][1] for j in stream}
            if not names & STREAMS:
                continue
        if fi >= len(args):
            continue
        for a in [x for x in EXTRA.get(v, ()) if x < len(args)]:
            for j in bare_strings(toks, args[a]):
                if english(toks[j][1]):
                    found[j] = (toks[j][2], toks[j][1], toks[j][3], "_")
        for a in range(fi, len(args)):
            for j in bare_strings(toks, args[a]):
                lit = toks[j][1]
                if english(lit) and (a == fi or " " in lit):
                    found[j] = (toks[j][2], lit, toks[j][3], "_")
    if rel.startswith("cli/"):
        # help tables: { "opt", "sentence" } and { "usage", "summary", opts }
        for i in range(len(toks) - 3):
            if (toks[i][1] == "{" and toks[i + 1][0] == "string" and toks[i + 2][1] == ","
                    and toks[i + 3][0] == "string" and english(toks[i + 3][1])
                    and toks[i + 1][1].startswith(('"-', '"'))):
                # only tables of help: the sentence is followed by "}" or ", opts|NULL}"
                nxt = toks[i + 4][1] if i + 4 < len(toks) else ""
                if nxt in ("}", ",") and " " in toks[i + 3][1]:
                    found[i + 3] = (toks[i + 3][2], toks[i + 3][1], toks[i + 3][3], "N_")
    return sorted(found.values(), key=lambda h: (h[0], h[1]))


def wrap(path, hits):
    """--wrap: puts every counted literal of path into _() (N_() in help tables), in place."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    for _, _, span, macro in sorted(hits, key=lambda h: -(h[2] or (0, 0))[0]):
        if span:
            text = text[:span[0]] + macro + "(" + text[span[0]:span[1]] + ")" + text[span[1]:]
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def main():
    argv = sys.argv[1:]
    listing = "-l" in argv
    wrapping = "--wrap" in argv
    argv = [a for a in argv if a not in ("-l", "--wrap")]
    root = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    paths = argv or [d for d in sorted(os.listdir(root))
                     if os.path.isdir(os.path.join(root, d)) and not d.startswith((".", "build"))
                     and d not in ("tests", "tools", "po", "doc", "debian", "examples", "data",
                                   "mk", "units")]
    files = []
    for p in paths:
        full = p if os.path.isabs(p) else os.path.join(root, p)
        if os.path.isdir(full):
            for dp, _, fs in os.walk(full):
                files += [os.path.join(dp, f) for f in sorted(fs) if f.endswith((".c", ".h"))]
        else:
            files.append(full)
    per, total = {}, 0
    for f in sorted(files):
        rel = os.path.relpath(f, root)
        if rel.startswith("tests/") or rel in MACHINE:
            continue
        hits = scan(f, rel)
        mod = rel.split("/")[0]
        per[mod] = per.get(mod, 0) + len(hits)
        total += len(hits)
        if wrapping and hits:
            wrap(f, hits)
        if listing:
            for line, lit, _, _ in hits:
                print(f"{rel}:{line}: {lit}")
    if not listing:
        for m in sorted(per):
            print(f"{m}: {per[m]}")
        print(f"total: {total}")


if __name__ == "__main__":
    main()
