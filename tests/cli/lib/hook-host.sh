# tests/cli/lib/hook-host.sh - sourced by the hook cases: a copy of the demo host ($R; its node's
# VM configs in $C) where VM 101 already has a hookscript of its own, local:snippets/old.sh, whose
# body (after #!/bin/sh) the case gives on stdin: `old_hook <<'EOF' ... EOF`.
R=$(copy_demo)
C=$R/etc/pve/nodes/pve1/qemu-server
old_hook() {
	mkdir -p "$R/var/lib/vz/snippets"
	{ echo '#!/bin/sh'; cat; } >"$R/var/lib/vz/snippets/old.sh"
	chmod +x "$R/var/lib/vz/snippets/old.sh"
	sed -i 's/^cores: 4$/cores: 4\nhookscript: local:snippets\/old.sh/' "$C/101.conf"
}
