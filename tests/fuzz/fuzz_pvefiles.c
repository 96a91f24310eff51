/* libFuzzer target: the readers of PVE's cluster and runtime files (pci.cfg, storage.cfg,
 * .vmlist, pci-id-reservations, /proc cmdlines, `lock:` lines).  Properties: no crash or leak;
 * every diagnostic names a line of the input; PVE's pci.cfg writer reaches a fixed point (what it
 * writes parses without warnings and writes the same bytes again). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pveconf/commit.h"
#include "pveconf/mapping.h"
#include "pveconf/runstate.h"
#include "pveconf/storage.h"
#include "pveconf/vmlist.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned count_lines(const char *s, size_t n)
{
	unsigned lines = 1;

	for (size_t i = 0; i < n; i++)
		if (s[i] == '\n')
			lines++;
	return lines;
}

static void pci_cfg(const char *s, size_t n, unsigned lines)
{
	struct pveconf_pci_mappings m, m2;
	struct util_err e = {0};
	struct util_buf a = {0}, b = {0};

	if (pveconf_pci_mappings_parse(s, n, &m, &e) != 0)
		abort();
	for (size_t i = 0; i < m.n_diags; i++)
		if (m.diags[i].line < 1 || m.diags[i].line > lines || !m.diags[i].message)
			abort();
	if (pveconf_pci_mappings_write_pve(&m, &a, &e) == 0) {
		if (pveconf_pci_mappings_parse(a.s ? a.s : "", a.len, &m2, &e) != 0)
			abort();
		if (m2.n != m.n || pveconf_pci_mappings_write_pve(&m2, &b, &e) != 0 ||
		    a.len != b.len || (a.len && memcmp(a.s, b.s, a.len) != 0))
			abort();
		pveconf_pci_mappings_free(&m2);
	} else if (!e.msg[0]) {
		abort();
	}
	util_buf_free(&a);
	util_buf_free(&b);
	pveconf_pci_mappings_free(&m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	unsigned lines = count_lines(s, size);
	struct pveconf_storages st;
	struct pveconf_pci_reservations r;
	struct pveconf_vmlist l;
	struct util_err e = {0};
	char lockv[64];

	pci_cfg(s, size, lines);
	if (pveconf_storages_parse(s, size, &st, &e) != 0)
		abort();
	for (size_t i = 0; i < st.n_diags; i++)
		if (st.diags[i].line > lines)
			abort();
	if (!pveconf_storage_find(&st, "local")) /* PVE always has a local storage */
		abort();
	pveconf_storages_free(&st);
	if (pveconf_pci_reservations_parse(s, size, &r, &e) != 0)
		abort();
	if (r.n + r.n_bad > lines)
		abort();
	pveconf_pci_reservations_free(&r);
	if (pveconf_vmlist_parse(s, size, &l, &e) == 0)
		pveconf_vmlist_free(&l);
	else if (!e.msg[0])
		abort();
	pveconf_vm_lock_get(s, size, lockv, sizeof(lockv));
	pveconf_qemu_cmdline_is_vm(s, size, 100);
	return 0;
}
