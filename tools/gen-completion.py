#!/usr/bin/env python3
"""gen-completion.py BINARY [MANPAGE] - writes the bash completion of pve-passthrough to stdout.

Generated at build time from what the built binary itself prints (`help`, and `help COMMAND` for
each command it lists), so the completion follows the command table and never drifts: commands,
subcommands, options and the values an option lists (`--format text|json`).  Placeholders become
live lookups when completing: VMID (and --vmid) -> the QEMU VMs of /etc/pve/.vmlist, BDF -> the
SR-IOV VFs under /sys/bus/pci/devices (--pf: the PFs), FILE/F -> files, DIR -> directories,
RULE -> the rule ids, read from the man page's RULES section (the registry's documented ids).
Every lookup honours a --root DIR given earlier on the command line."""
import re
import subprocess
import sys

ARG = r"(?:\s+([A-Za-z0-9_.]+(?:\|[A-Za-z0-9_.]+)*))?"
OPT = re.compile(r"(--[a-z0-9][a-z0-9-]*)(\*)?" + ARG)


def run(binary, *args):
    p = subprocess.run([binary, *args], capture_output=True, text=True, env={"LC_ALL": "C"})
    if p.returncode != 0:
        sys.exit(f"gen-completion: {binary} {' '.join(args)} exited {p.returncode}: {p.stderr}")
    return p.stdout


def section(text, title):
    """Indented lines under 'Title:' (or 'Title (a remark):') up to the next blank line."""
    out, on = [], False
    for line in text.splitlines():
        head = re.sub(r" \(.*\):$", ":", line.strip())
        if head == title and not line.startswith(" "):
            on = True
        elif on and not line.strip():
            break
        elif on:
            out.append(line)
    return out


def kind_of(placeholder, opt=None):
    """The completion kind of a placeholder (or of an option's argument)."""
    if opt and "vmid" in opt:
        return "vmid"
    if placeholder == "F":  # --api-token-file F is a file, audit's --format F is not
        return "file" if opt and "file" in opt else None
    return {"VMID": "vmid", "BDF": "pf" if opt == "--pf" else "vf", "FILE": "file", "DIR": "dir",
            "RULE": "rule"}.get(placeholder)


def parse_args(usage, optargs):
    """Options of a usage text; fills optargs[opt] = (values, kinds); returns the option list."""
    opts = []
    for m in OPT.finditer(usage):
        opt, glob, arg = m.group(1), m.group(2), m.group(3)
        if glob:  # --api-*: every option of that family, expanded later
            opts.append(opt + "*")
            continue
        opts.append(opt)
        if not arg:
            optargs.setdefault(opt, (set(), set()))
            continue
        vals, kinds = optargs.setdefault(opt, (set(), set()))
        if not arg.isupper() and "|" not in arg:
            continue  # a word of prose after the option ("--normalize prints ..."), not a value
        for a in arg.split("|"):
            if a.isupper():
                k = kind_of(a, opt)
                if k:
                    kinds.add(k)
                kinds.add("arg")  # takes an argument even when nothing can be offered
            else:
                vals.add(a)
    return opts


def main():
    binary = sys.argv[1]
    man = sys.argv[2] if len(sys.argv) > 2 else None
    top = run(binary, "help")
    version = run(binary, "--version").strip()

    optargs = {}
    # the option column only (up to the first run of two spaces): the rest is its description
    gcol = [re.split(r"\s{2,}", line.strip())[0] for line in section(top, "Global options:")]
    gopts = parse_args("\n".join(gcol), optargs)
    gopts += [m.group(0) for line in section(top, "Global options:")
              for m in re.finditer(r"(?<![\w-])-[a-z](?=[,\s])", line)]
    # a command's line starts at column 3; a long synopsis and the summary go on, indented more
    commands = [line.split()[0] for line in section(top, "Commands:") if re.match(r"  \S", line)]
    if not commands:
        sys.exit("gen-completion: no 'Commands:' list in the help output")

    cmd_opts, subs, modes, positional = {}, {}, {}, {}
    for c in commands:
        usage = run(binary, "help", c)
        cmd_opts[c] = parse_args(usage, optargs)
        # subcommands: "hook install|remove", "host setup ... | host rollback ..."
        # (only where the synopsis names the command: after "pve-passthrough" or a "|")
        for m in re.finditer(r"(?:pve-passthrough|\|)\s+" + re.escape(c) +
                             r"\s+([a-z][a-z0-9]*(?:\|[a-z][a-z0-9]*)*)\b", usage):
            for s in m.group(1).split("|"):
                subs.setdefault(c, []).append(s) if s not in subs.get(c, []) else None
        for s in subs.get(c, []):
            m = re.search(r"\b" + re.escape(c) + r"\s+" + s +
                          r"\s+([a-z][a-z0-9]*(?:\|[a-z][a-z0-9]*)+)", usage)
            if m:
                modes[c + " " + s] = m.group(1).split("|")
        # positional words: the placeholders that are not an option's argument
        bare = OPT.sub(" ", usage)
        kinds = {kind_of(p) for p in re.findall(r"\b([A-Z]+)\b", bare)} - {None}
        positional[c] = " ".join(sorted(kinds))
    # --api-* -> every --api-... option seen anywhere
    family = sorted(o for o in optargs if o.startswith("--api-"))
    for c in cmd_opts:
        expanded = []
        for o in cmd_opts[c]:
            expanded += [f for f in family if f.startswith(o[:-1])] if o.endswith("*") else [o]
        cmd_opts[c] = sorted(set(expanded))

    rules = []
    if man:
        on = False
        for line in open(man, encoding="utf-8"):
            if line.startswith(".SH"):
                on = line.strip() == ".SH RULES"
            elif on:
                m = re.match(r"\.B ([a-z0-9\\-]+)\s*$", line)
                if m:
                    rules.append(m.group(1).replace("\\-", "-"))

    w = sys.stdout.write
    w(f"# bash completion for pve-passthrough ({version}).\n")
    w("# Generated at build time by tools/gen-completion.py from the binary's own `help` output;\n")
    w("# do not edit.  VMIDs (/etc/pve/.vmlist) and VF addresses (/sys) are read when completing.\n\n")
    w(f"_pve_passthrough_commands='{' '.join(commands)}'\n")
    w(f"_pve_passthrough_globals='{' '.join(sorted(set(gopts)))}'\n")
    w(f"_pve_passthrough_rules='{' '.join(rules)}'\n\n")
    w("_pve_passthrough_lookup() { # kind root\n")
    w("\tlocal d\n\tcase $1 in\n")
    w("\tvmid) grep '\"type\": *\"qemu\"' \"$2/etc/pve/.vmlist\" 2>/dev/null |\n"
      "\t\tsed -n 's/^[[:space:]]*\"\\([0-9][0-9]*\\)\".*/\\1/p' ;;\n")
    w("\tvf) for d in \"$2\"/sys/bus/pci/devices/*/physfn; do [ -e \"$d\" ] && d=${d%/physfn} &&\n"
      "\t\techo \"${d##*/}\"; done ;;\n")
    w("\tpf) for d in \"$2\"/sys/bus/pci/devices/*/sriov_totalvfs; do [ -e \"$d\" ] &&\n"
      "\t\td=${d%/sriov_totalvfs} && echo \"${d##*/}\"; done ;;\n")
    w("\trule) echo \"$_pve_passthrough_rules\" ;;\n\tesac\n}\n\n")

    w("_pve_passthrough_offer() { # cur root words... kinds (file dir vmid vf pf rule)\n")
    w("\tlocal cur=$1 root=$2 words=$3 k; shift 3\n")
    w("\tCOMPREPLY=($(compgen -W \"$words\" -- \"$cur\"))\n")
    w("\tfor k in \"$@\"; do\n\t\tcase $k in\n")
    w("\t\tfile) COMPREPLY+=($(compgen -f -- \"$cur\")) ;;\n")
    w("\t\tdir) COMPREPLY+=($(compgen -d -- \"$cur\")) ;;\n")
    w("\t\tvmid | vf | pf | rule) COMPREPLY+=($(compgen -W \"$(_pve_passthrough_lookup \"$k\" "
      "\"$root\")\" -- \"$cur\")) ;;\n")
    w("\t\tesac\n\tdone\n}\n\n")

    w("_pve_passthrough() {\n")
    w("\t# words from the line itself, so that a BDF's ':' does not split the current word\n")
    w("\tlocal line=${COMP_LINE:0:COMP_POINT} cur words i w root= cmd= sub= mode= prev=\n")
    w("\tread -ra words <<<\"$line\"\n")
    w("\tif [[ $line =~ [[:space:]]$ ]]; then cur=; else cur=${words[-1]}; unset 'words[-1]'; fi\n")
    w("\tprev=${words[-1]}\n")
    w("\tfor ((i = 1; i < ${#words[@]}; i++)); do\n\t\tw=${words[i]}\n")
    w("\t\tcase $w in --root) root=${words[i + 1]}; i=$((i + 1)); continue ;; --root=*) "
      "root=${w#--root=}; continue ;; esac\n")
    w("\t\tif [[ -z $cmd ]]; then\n\t\t\tcase $w in\n")
    takes = sorted(o for o in set(gopts) if o in optargs and optargs[o][1])
    if takes:
        w(f"\t\t\t{' | '.join(takes)}) i=$((i + 1)) ;;\n")
    w("\t\t\t-*) ;;\n\t\t\t*) cmd=$w ;;\n\t\t\tesac\n")
    w("\t\telif [[ -z $sub ]]; then\n\t\t\tcase \"$cmd $w\" in\n")
    pairs = [f"'{c} {s}'" for c in subs for s in subs[c]]
    if pairs:
        w(f"\t\t\t{' | '.join(pairs)}) sub=$w ;;\n")
    w("\t\t\tesac\n\t\telif [[ -z $mode && $w != -* ]]; then\n\t\t\tmode=$w\n\t\tfi\n\tdone\n")
    w("\t# the argument of an option\n\tcase $prev in\n")
    for o in sorted(optargs):
        vals, kinds = optargs[o]
        if not vals and not kinds:
            continue
        ks = " ".join(sorted(kinds - {"arg"}))
        w(f"\t{o}) _pve_passthrough_offer \"$cur\" \"$root\" '{' '.join(sorted(vals))}' {ks}\n")
        w("\t\t_pve_passthrough_trim \"$cur\"; return ;;\n")
    w("\tesac\n")
    w("\tif [[ -z $cmd ]]; then\n\t\t_pve_passthrough_offer \"$cur\" \"$root\" "
      "\"$_pve_passthrough_globals $_pve_passthrough_commands\"\n\t\treturn\n\tfi\n")
    w("\tcase $cmd in\n")
    for c in commands:
        opts = " ".join(cmd_opts[c])
        w(f"\t{c})\n")
        w(f"\t\tif [[ $cur == -* ]]; then _pve_passthrough_offer \"$cur\" \"$root\" '{opts}'; return; fi\n")
        if subs.get(c):
            w(f"\t\tif [[ -z $sub ]]; then _pve_passthrough_offer \"$cur\" \"$root\" "
              f"'{' '.join(subs[c])}'; return; fi\n")
            for s in subs[c]:
                if c + " " + s in modes:
                    w(f"\t\tif [[ $sub == {s} && -z $mode ]]; then _pve_passthrough_offer \"$cur\" "
                      f"\"$root\" '{' '.join(modes[c + ' ' + s])}'; return; fi\n")
        if c == "help":
            w("\t\t_pve_passthrough_offer \"$cur\" \"$root\" \"$_pve_passthrough_commands\"; return ;;\n")
            continue
        w(f"\t\t_pve_passthrough_offer \"$cur\" \"$root\" '' {positional[c]}\n")
        w("\t\t_pve_passthrough_trim \"$cur\" ;;\n")
    w("\tesac\n}\n\n")
    w("# bash replaces only the part of the word after the last ':' (COMP_WORDBREAKS): offer that part\n")
    w("_pve_passthrough_trim() {\n\tlocal pre i\n")
    w("\t[[ $1 == *:* && $COMP_WORDBREAKS == *:* ]] || return 0\n")
    w("\tpre=${1%\"${1##*:}\"}\n")
    w("\tfor i in \"${!COMPREPLY[@]}\"; do COMPREPLY[i]=${COMPREPLY[i]#\"$pre\"}; done\n}\n\n")
    w("complete -F _pve_passthrough pve-passthrough\n")


if __name__ == "__main__":
    main()
