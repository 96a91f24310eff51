/* libFuzzer target: the VM config reader.  Property: parse -> serialise gives the input back byte
 * for byte; PVE's writer and the editor never crash, and an edited model still round-trips.  The
 * format checkers (pveconf/format*.c) also run on the input's first line directly. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pveconf/format.h"
#include "pveconf/vmconf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* every hash format and every named format on one value: they never crash */
static void formats(const char *v, size_t n)
{
	static const struct pveconf_format *const hash[] = {
	        &pveconf_fmt_net,      &pveconf_fmt_ide,      &pveconf_fmt_scsi,
	        &pveconf_fmt_sata,     &pveconf_fmt_virtio,   &pveconf_fmt_efidisk,
	        &pveconf_fmt_tpmstate, &pveconf_fmt_unused,   &pveconf_fmt_ipconfig,
	        &pveconf_fmt_numa,     &pveconf_fmt_smbios1,  &pveconf_fmt_meta,
	        &pveconf_fmt_vga,      &pveconf_fmt_machine,  &pveconf_fmt_agent,
	        &pveconf_fmt_usb,      &pveconf_fmt_virtiofs, &pveconf_fmt_audio,
	        &pveconf_fmt_rng,      &pveconf_fmt_watchdog, &pveconf_fmt_spice,
	        &pveconf_fmt_ivshmem,  &pveconf_fmt_cicustom, &pveconf_fmt_boot,
	        &pveconf_fmt_tdx,      &pveconf_fmt_sev};
	static const pveconf_fmt_fn named[] = {
	        pveconf_fmt_volume_id,   pveconf_fmt_volume_id_or_qm_path,
	        pveconf_fmt_storage_id,  pveconf_fmt_configid,
	        pveconf_fmt_dns_name,    pveconf_fmt_mac,
	        pveconf_fmt_bridge,      pveconf_fmt_urlencoded,
	        pveconf_fmt_disk_size,   pveconf_fmt_ipv4_config,
	        pveconf_fmt_ipv6_config, pveconf_fmt_address_list,
	        pveconf_fmt_cpuset,      pveconf_fmt_startup,
	        pveconf_fmt_tag_list,    pveconf_fmt_hotplug,
	        pveconf_fmt_bootdisk,    pveconf_fmt_bootdev_list,
	        pveconf_fmt_phys_bits,   pveconf_fmt_volume_id_list};
	char err[512];

	for (size_t i = 0; i < sizeof(hash) / sizeof(hash[0]); i++) {
		const char *file;
		size_t fl;

		pveconf_format_check(hash[i], v, n, err, sizeof(err));
		if (i >= 1 && i <= 4 &&
		    pveconf_drive_parse(hash[i], i == 4, v, n, &file, &fl) == 0 &&
		    (file < v || file + fl > v + n))
			abort(); /* the volume points into the value */
	}
	for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++)
		named[i](v, n, err, sizeof(err));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pveconf_vm *vm = NULL, *again = NULL;
	struct util_err e = {0};
	struct util_buf out = {0}, w = {0}, ed = {0}, ed2 = {0};
	const struct pveconf_diag *d;
	size_t n;

	{
		const char *nl = memchr(data, '\n', size);

		formats((const char *)data, nl ? (size_t)(nl - (const char *)data) : size);
	}
	if (pveconf_vm_parse((const char *)data, size, "fuzz", &vm, &e) < 0) {
		if (size <= PVECONF_VM_MAX_BYTES)
			abort(); /* only -EFBIG may fail */
		return 0;
	}
	if (pveconf_vm_serialize(vm, &out) < 0 || out.len != size ||
	    (size && memcmp(out.s, data, size) != 0))
		abort();
	n = pveconf_vm_diags(vm, &d);
	{
		/* the writer fails exactly where a diagnostic says PVE's writer dies */
		bool dies = false;

		for (size_t i = 0; i < n; i++)
			dies |= d[i].kind == PVECONF_DIAG_UNWRITABLE;
		if (pveconf_vm_write_pve(vm, &w) != (dies ? -ERANGE : 0) || (dies && w.len))
			abort();
	}
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
