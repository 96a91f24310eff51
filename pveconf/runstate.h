/* pveconf/runstate.h - qemu-server's runtime files under /run/qemu-server: is a VM running
 * (<vmid>.pid + /proc/<pid>/cmdline, as PVE checks it, docs/cli.md), and which PCI ids PVE has
 * reserved for which VM (pci-id-reservations, docs/pve.md 3). */
#ifndef PP_PVECONF_RUNSTATE_H
#define PP_PVECONF_RUNSTATE_H

#include <stdbool.h>
#include <stddef.h>

#include "util/err.h"
#include "util/paths.h"

/* True when <root>/run/qemu-server/<vmid>.pid holds a pid whose <root>/proc/<pid>/cmdline is a
 * QEMU process (argv[0] ending in "kvm" like /usr/bin/kvm, or qemu-system-*) started with
 * -pidfile naming that file (/var/run/qemu-server/<vmid>.pid or /run/qemu-server/<vmid>.pid),
 * and not a zombie.  *pid (may be NULL) gets the pid when running.  No pid file, a malformed one,
 * no such process or another program under that pid mean "not running" (as PVE decides); a pid
 * file or /proc/<pid> that cannot be read (permissions, a FIFO, an I/O error) is not "not
 * running" but unknown: pveconf_vm_runstate() says so, this function says false. */
bool pveconf_vm_running(const struct util_paths *p, unsigned vmid, long *pid);

enum pveconf_runstate {
	PVECONF_VM_STOPPED,
	PVECONF_VM_RUNNING,
	PVECONF_VM_RUNSTATE_UNKNOWN, /* cannot tell: e says which file could not be read */
};
/* The same with the third answer: whether VM vmid runs cannot be told (message in e). */
enum pveconf_runstate pveconf_vm_runstate(const struct util_paths *p, unsigned vmid, long *pid,
                                          struct util_err *e);

/* Is this NUL-separated cmdline the QEMU of vmid?  (The pure part of pveconf_vm_running.) */
bool pveconf_qemu_cmdline_is_vm(const char *cmdline, size_t len, unsigned vmid);

enum pveconf_reservation_kind {
	PVECONF_RESERVATION_TIME, /* "time:<epoch>": held until that time (a start in progress) */
	PVECONF_RESERVATION_PID,  /* "pid:<pid>": held while that QEMU runs */
};

/* One line "<id> <vmid> time:<epoch>" or "<id> <vmid> pid:<pid>". */
struct pveconf_pci_reservation {
	char id[32]; /* "0000:00:02.1" as written */
	unsigned vmid;
	enum pveconf_reservation_kind kind;
	long long value; /* the epoch or the pid */
	unsigned line;
};

struct pveconf_pci_reservations {
	struct pveconf_pci_reservation
	        *v; /* one per id (a later line wins, as in PVE), file order */
	size_t n;
	unsigned *bad_lines; /* lines PVE ignores (do not match the format) */
	size_t n_bad;
};

/* Parses the file's bytes like PVE (lines that do not match are ignored and listed). */
int pveconf_pci_reservations_parse(const char *data, size_t len,
                                   struct pveconf_pci_reservations *out, struct util_err *e);
/* Reads <root>/run/qemu-server/pci-id-reservations; a missing file = no reservations. */
int pveconf_pci_reservations_load(const struct util_paths *p, struct pveconf_pci_reservations *out,
                                  struct util_err *e);
/* pveconf_pci_reservations_load() keeping only the reservations in force at now
 * (pveconf_pci_reservation_active): what holds a device as PVE's reserve_pci_usage sees it. */
int pveconf_pci_reservations_load_active(const struct util_paths *p, long long now,
                                         struct pveconf_pci_reservations *out, struct util_err *e);
void pveconf_pci_reservations_free(struct pveconf_pci_reservations *r);
/* The reservation of id ("0000:00:02.1"), or NULL. */
const struct pveconf_pci_reservation *pveconf_pci_reservation_find(
        const struct pveconf_pci_reservations *r, const char *id);
/* Still in force?  time: now < epoch; pid: the VM is running with that pid. */
bool pveconf_pci_reservation_active(const struct util_paths *p,
                                    const struct pveconf_pci_reservation *res, long long now);

#endif
