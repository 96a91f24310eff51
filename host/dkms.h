/* host/dkms.h - i915-sriov-dkms across installed kernels: `dkms status` in both grammars, the dkms
 * tree, headers, the kernel that boots next, and the release -> kernel window table (a data file
 * users can update without rebuilding).  Read-only. */
#ifndef PP_HOST_DKMS_H
#define PP_HOST_DKMS_H

#include <stdbool.h>
#include <stddef.h>

#include "policy/policy.h"
#include "util/err.h"
#include "util/paths.h"

#define HOST_DKMS_WINDOWS_SYSTEM PP_DKMS_WINDOWS_SYSTEM
#define HOST_DKMS_WINDOWS_LOCAL  PP_DKMS_WINDOWS_LOCAL

enum host_dkms_state {
	HOST_DKMS_ADDED,
	HOST_DKMS_BUILT,
	HOST_DKMS_INSTALLED,
	HOST_DKMS_INSTALLED_WEAK,
	HOST_DKMS_BROKEN,
	HOST_DKMS_UNKNOWN,
};

/* One line of `dkms status`. */
struct host_dkms_entry {
	char module[64], version[64];
	char kernel[128], arch[32]; /* "" for added/broken */
	enum host_dkms_state state;
	char extra[160]; /* "(Original modules exist)", "(WARNING! Diff between ...)", "" */
};

/* Parses `dkms status` output (2.x "mod, ver, kver, arch: state" and 3.x "mod/ver, kver, arch:
 * state"; added/broken lines; suffixes).  Lines that fit neither are counted in *skipped.
 * 0 or -ENOMEM. */
int host_dkms_status_parse(const char *text, struct host_dkms_entry **out, size_t *n,
                           size_t *skipped);

/* Compares kernel releases the way dpkg orders PVE kernels ("6.8.12-10-pve" > "6.8.12-4-pve"). */
int host_kver_cmp(const char *a, const char *b);

struct host_dkms_window {
	char release[64];
	int min_major, min_minor, max_major, max_minor;
};

/* Loads the window table: /etc/pve-passthrough/dkms-windows.tsv if present, else
 * PP_DATADIR/dkms-windows.tsv, else the built-in copy of docs/igpu.md's table.
 * Format: "release<TAB>min<TAB>max", '#' comments ("2025.07.22	6.8	6.16").  *source names the
 * file used ("built-in" otherwise).  A malformed line is an error naming file and line. */
int host_dkms_windows_load(const struct util_paths *p, struct host_dkms_window **w, size_t *n,
                           char *source, size_t source_len, struct util_err *e);
bool host_dkms_window_fits(const struct host_dkms_window *w, const char *kver);

struct host_dkms_report {
	char module[64];     /* dkms module name found ("i915-sriov-dkms"), "" when none */
	char (*sources)[64]; /* versions added to dkms (/var/lib/dkms/<module>/<ver>) */
	size_t n_sources;
	struct policy_kernel *kernels; /* installed kernels, newest first (the host rules' facts) */
	size_t n_kernels;
	long next_boot; /* index into kernels, -1 when none; whether the running i915 is the
	                   dkms one is a fact of the snapshot (struct host_facts.max_vfs) */
};

/* Scans /lib/modules, /boot, /var/lib/dkms and /etc/kernel/proxmox-boot-pin (never /sys).
 * running: the running release ("" when unknown).  0 or -errno. */
int host_dkms_scan(const struct util_paths *p, const char *running,
                   const struct host_dkms_window *w, size_t n_w, struct host_dkms_report *r,
                   struct util_err *e);
void host_dkms_report_free(struct host_dkms_report *r);

#endif
