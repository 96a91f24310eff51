/* pveconf/vmconf.h - a Proxmox VE VM config file: lossless model, PVE-exact reading, PVE's writer,
 * and a minimal-diff editor.  (docs/pve.md sections 1, 2 and 4.)
 *
 * The model keeps every line with its exact bytes, so serialising an unmodified model gives the
 * file back byte for byte.  On top of it, the reader interprets the lines exactly as PVE's
 * parse_vm_config does: which sections exist, which value each key has (last duplicate wins, later
 * duplicate section wins), and which lines/values PVE drops, each as a diagnostic with its line.
 * Pure: parsing and writing work on memory; pveconf_vm_load() is the only function that reads. */
#ifndef PP_PVECONF_VMCONF_H
#define PP_PVECONF_VMCONF_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"
#include "util/err.h"

#define PVECONF_VM_MAX_BYTES (1024 * 1024) /* pmxcfs' limit per file */

struct pveconf_vm; /* opaque */

enum pveconf_section_kind {
	PVECONF_SECTION_MAIN,
	PVECONF_SECTION_PENDING,
	PVECONF_SECTION_SPECIAL,  /* [special:cloudinit], [special:fleecing] */
	PVECONF_SECTION_SNAPSHOT, /* [name] */
};

/* A section as PVE keeps it (unknown sections are skipped by PVE and are not listed here). */
struct pveconf_section {
	enum pveconf_section_kind kind;
	const char *name; /* "main", "PENDING", "special:cloudinit", or the snapshot name */
	unsigned line;    /* line of the header (0 for main) */
};

/* An effective key of a section: the value PVE keeps (after its checks and trimming). */
struct pveconf_kv {
	const char *key;
	const char *value;
	unsigned line; /* 1-based line it came from */
};

enum pveconf_diag_kind {
	PVECONF_DIAG_DROPPED, /* PVE warns and drops the line, value or section at its next write */
	PVECONF_DIAG_CHANGED, /* PVE keeps it but rewrites it differently (e.g. quotes removed) */
	PVECONF_DIAG_SILENT,  /* PVE drops it at its next write without a warning */
	PVECONF_DIAG_UNWRITABLE, /* PVE's writer dies on it: every PVE write of this VM fails */
};

/* Does PVE lose something there (every kind but CHANGED)?  lint exits 1 on these. */
static inline bool pveconf_diag_is_loss(enum pveconf_diag_kind kind)
{
	return kind != PVECONF_DIAG_CHANGED;
}

/* Something PVE would drop or change, in PVE's words. */
struct pveconf_diag {
	enum pveconf_diag_kind kind;
	unsigned line;
	const char *key;     /* NULL when the line is not a key line */
	const char *section; /* section name as in struct pveconf_section ("main", ...) */
	const char
	        *message; /* "hostpci16: unknown setting", "unknown section 'weird section'" ... */
};

/* Parses a config held in memory.  name is used in messages only.  Never fails on content (every
 * problem becomes a diagnostic); -ENOMEM, or -EFBIG above PVECONF_VM_MAX_BYTES. */
int pveconf_vm_parse(const char *data, size_t len, const char *name, struct pveconf_vm **out,
                     struct util_err *e);
/* Reads and parses a file (at most PVECONF_VM_MAX_BYTES).  0 or -errno with a message naming it. */
int pveconf_vm_load(const char *path, struct pveconf_vm **out, struct util_err *e);

struct pveconf_cpu_models; /* pveconf/cpu.h */
/* How a config is read (NULL: as PVE reads it, custom CPU models not judged). */
struct pveconf_vm_opts {
	/* lazy: only the keys the guard reads (hostpci*, machine, vga, memory, name, hookscript)
	 * get their string-format checks; other values are kept as written, and the diagnostics
	 * PVE's format checks would give for them are not given.  For the pre-start guard. */
	bool lazy;
	/* the node's CPU models for cpu: (custom-NAME must be defined); must outlive the model */
	const struct pveconf_cpu_models *cpu_models;
};
int pveconf_vm_parse_opts(const char *data, size_t len, const char *name,
                          const struct pveconf_vm_opts *o, struct pveconf_vm **out,
                          struct util_err *e);
int pveconf_vm_load_opts(const char *path, const struct pveconf_vm_opts *o, struct pveconf_vm **out,
                         struct util_err *e);
/* A key of a section as the REST API gives it (GET /nodes/N/qemu/V/config: numbers as text). */
struct pveconf_key_in {
	const char *key;
	const char *value;
};
/* The model of a config the REST API returned, built from its keys without text in between: main
 * (with the API's "digest", which becomes pveconf_vm_digest()) and [PENDING] (its keys and
 * "delete": a list as in the file; none when n_pending is 0).  Every value goes through the same
 * checks as a file's line, so the diagnostics and effective keys are the ones the file gives;
 * lines are numbered as PVE's writer lays the file out (description lines, keys sorted
 * byte-wise, a blank line, [PENDING]).  The model has no bytes of its own:
 * pveconf_vm_serialize() gives what PVE's writer makes of it, and the editor refuses it
 * (-EROFS).  -ENOMEM only. */
int pveconf_vm_build(const struct pveconf_key_in *main, size_t n_main,
                     const struct pveconf_key_in *pending, size_t n_pending, const char *name,
                     const struct pveconf_vm_opts *o, struct pveconf_vm **out, struct util_err *e);
void pveconf_vm_free(struct pveconf_vm *vm);

/* SHA-1 hex of the bytes the model was parsed from (PVE's `digest`). */
const char *pveconf_vm_digest(const struct pveconf_vm *vm);

/* The model's bytes: identical to the input until the model is edited. */
int pveconf_vm_serialize(const struct pveconf_vm *vm, struct util_buf *out);

/* What PVE's write_vm_config(parse_vm_config(file)) produces, byte for byte; -ERANGE (nothing
 * added to out) where PVE's writer dies (a PVECONF_DIAG_UNWRITABLE diagnostic says why). */
int pveconf_vm_write_pve(const struct pveconf_vm *vm, struct util_buf *out);

/* Sections PVE keeps, main first, in file order. */
size_t pveconf_vm_section_count(const struct pveconf_vm *vm);
const struct pveconf_section *pveconf_vm_section(const struct pveconf_vm *vm, size_t i);
/* Index of a section by name ("main", "PENDING", snapshot name), or -1. */
int pveconf_vm_section_find(const struct pveconf_vm *vm, const char *name);

/* The effective keys of section i, in file order of their winning line. */
size_t pveconf_vm_keys(const struct pveconf_vm *vm, size_t section, const struct pveconf_kv **out);
/* The effective value of key in the named section (NULL = main), or NULL.  *line may be NULL. */
const char *pveconf_vm_get(const struct pveconf_vm *vm, const char *section, const char *key,
                           unsigned *line);
/* The main section's lock: value when it locks the VM, else NULL ('lock: 0' and an empty value do
 * not lock: PVE's check_lock tests Perl truth).  The one lock: reader of a config model (the
 * commit path reads raw bytes under the VM lock: pveconf_vm_lock_get, commit.h). */
const char *pveconf_vm_lock(const struct pveconf_vm *vm);
/* Is a machine: value a q35 machine, as PVE's machine_type_is_q35 decides: the type (the default
 * key, or type=) contains "q35" ("q35", "pc-q35-8.1+pve0", "viommu=intel,type=q35").  NULL (no
 * machine:) is i440fx.  The one q35 check: policy's pcie-needs-q35 and assign's pcie=1 default. */
bool pveconf_machine_is_q35(const char *machine);
/* [PENDING] delete: list: is key marked for deletion (force = with '!')? */
bool pveconf_vm_pending_deletes(const struct pveconf_vm *vm, const char *key, bool *force);

/* Everything PVE would drop or change, in line order. */
size_t pveconf_vm_diags(const struct pveconf_vm *vm, const struct pveconf_diag **out);

/* Minimal-diff editing for the tool's own writes; no other byte of the file changes.
 * section: NULL or "main", or "PENDING" (created at PVE's position when missing).
 * A new key goes where PVE's byte-wise sort puts it among the section's keys. */
int pveconf_vm_set(struct pveconf_vm *vm, const char *section, const char *key, const char *value,
                   struct util_err *e);
/* Removes the key's line(s) from the section; -ENOENT when absent. */
int pveconf_vm_unset(struct pveconf_vm *vm, const char *section, const char *key,
                     struct util_err *e);
/* Adds key to / removes it from [PENDING]'s delete: list, as qm set does. */
int pveconf_vm_pending_delete(struct pveconf_vm *vm, const char *key, bool add, struct util_err *e);

#endif
