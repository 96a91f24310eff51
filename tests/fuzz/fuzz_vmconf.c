/* libFuzzer target: the VM config reader.  Property: parse -> serialise gives the input back byte
 * for byte; PVE's writer and the editor never crash, and an edited model still round-trips. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pveconf/vmconf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pveconf_vm *vm = NULL, *again = NULL;
	struct util_err e = {0};
	struct util_buf out = {0}, w = {0}, ed = {0}, ed2 = {0};
	const struct pveconf_diag *d;
	size_t n;

	if (pveconf_vm_parse((const char *)data, size, "fuzz", &vm, &e) < 0) {
		if (size <= PVECONF_VM_MAX_BYTES)
			abort(); /* only -EFBIG may fail */
		return 0;
	}
	if (pveconf_vm_serialize(vm, &out) < 0 || out.len != size ||
	    (size && memcmp(out.s, data, size) != 0))
		abort();
	if (pveconf_vm_write_pve(vm, &w) < 0)
		abort();
	n = pveconf_vm_diags(vm, &d);
	for (size_t i = 0; i < n; i++)
		if (!d[i].message || !d[i].section || d[i].line == 0)
			abort();
	for (size_t i = 0; i < pveconf_vm_section_count(vm); i++) {
		const struct pveconf_kv *kv;
		size_t k = pveconf_vm_keys(vm, i, &kv);

		for (size_t j = 0; j < k; j++)
			if (!kv[j].key || !kv[j].value)
				abort();
	}
	/* edits: whatever they do, the model stays a faithful copy of its bytes */
	pveconf_vm_set(vm, "PENDING", "hostpci0", "0000:00:02.1", &e);
	pveconf_vm_pending_delete(vm, "net0", true, &e);
	pveconf_vm_set(vm, NULL, "memory", "1024", &e);
	pveconf_vm_unset(vm, NULL, "cores", &e);
	if (pveconf_vm_serialize(vm, &ed) < 0)
		abort();
	if (pveconf_vm_parse(ed.s ? ed.s : "", ed.len, "again", &again, &e) == 0) {
		if (pveconf_vm_serialize(again, &ed2) < 0 || ed2.len != ed.len ||
		    (ed.len && memcmp(ed.s, ed2.s, ed.len) != 0))
			abort();
		pveconf_vm_free(again);
	}
	util_buf_free(&out);
	util_buf_free(&w);
	util_buf_free(&ed);
	util_buf_free(&ed2);
	pveconf_vm_free(vm);
	return 0;
}
