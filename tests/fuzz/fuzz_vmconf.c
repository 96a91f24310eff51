/* libFuzzer target: the VM config reader.  Property: parse -> serialise gives the input back byte
 * for byte; PVE's writer and the editor never crash, and an edited model still round-trips.  The
 * format checkers (pveconf/format*.c, pveconf/cpu.c with models read from the input itself as a
 * cpu-models.conf) also run on the input's first line directly; Perl's UTF-8 decoder
 * (pveconf/perlutf8.c) on the whole input gives a fixed point; and the guard's lazy reading gives
 * the keys the guard reads exactly as the full reading does. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pveconf/cpu.h"
#include "pveconf/format.h"
#include "pveconf/perlutf8.h"
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

/* decode(decode(x)) == decode(x): what the decoder emits is well-formed for it */
static void utf8_fixed_point(const unsigned char *s, size_t n)
{
	struct util_buf a = {0}, b = {0};

	for (size_t i = 0; i < n;) {
		size_t l = pveconf_perl_utf8_char(s + i, n - i);

		if (!l)
			l = pveconf_perl_utf8_bad(s + i, n - i);
		if (l == 0 || l > n - i)
			abort();
		i += l;
	}
	if (pveconf_perl_utf8_decode(&a, s, n) < 0 ||
	    pveconf_perl_utf8_decode(&b, (const unsigned char *)(a.s ? a.s : ""), a.len) < 0 ||
	    a.len != b.len || (a.len && memcmp(a.s, b.s, a.len) != 0))
		abort();
	util_buf_free(&a);
	util_buf_free(&b);
}

/* the keys the guard reads: the lazy reading must give what the full reading gives */
static void lazy_agrees(const uint8_t *data, size_t size, const struct pveconf_vm *full,
                        const struct pveconf_cpu_models *m)
{
	static const char *const keys[] = {"machine",    "vga",    "name",
	                                   "hookscript", "memory", "lock"};
	struct pveconf_vm *lazy = NULL;
	struct util_err e = {0};

	if (pveconf_vm_parse_opts((const char *)data, size, "lazy",
	                          &(struct pveconf_vm_opts){.lazy = true, .cpu_models = m}, &lazy,
	                          &e) < 0)
		abort();
	for (size_t s = 0; s < pveconf_vm_section_count(full); s++) {
		const char *sec = pveconf_vm_section(full, s)->name;

		for (int i = 0; i < 16 + 6; i++) {
			char key[16];
			const char *a, *b;

			if (i < 16)
				snprintf(key, sizeof(key), "hostpci%d", i);
			else
				snprintf(key, sizeof(key), "%s", keys[i - 16]);
			a = pveconf_vm_get(full, sec, key, NULL);
			b = pveconf_vm_get(lazy, sec, key, NULL);
			if ((a == NULL) != (b == NULL) || (a && strcmp(a, b) != 0))
				abort();
		}
	}
	pveconf_vm_free(lazy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pveconf_cpu_models *models = NULL;
	struct pveconf_vm *vm = NULL, *again = NULL;
	struct util_err e = {0};
	struct util_buf out = {0}, w = {0}, ed = {0}, ed2 = {0};
	const struct pveconf_diag *d;
	size_t n;

	{
		const char *nl = memchr(data, '\n', size);

		size_t l1 = nl ? (size_t)(nl - (const char *)data) : size;
		char err[512];

		formats((const char *)data, l1);
		if (pveconf_cpu_models_parse((const char *)data, size, &models) < 0)
			abort();
		pveconf_cpu_check((const char *)data, l1, models, err, sizeof(err));
		pveconf_cpu_check((const char *)data, l1, NULL, err, sizeof(err));
	}
	utf8_fixed_point(data, size);
	if (pveconf_vm_parse_opts((const char *)data, size, "fuzz",
	                          &(struct pveconf_vm_opts){.cpu_models = models}, &vm, &e) < 0) {
		if (size <= PVECONF_VM_MAX_BYTES)
			abort(); /* only -EFBIG may fail */
		pveconf_cpu_models_free(models);
		return 0;
	}
	lazy_agrees(data, size, vm, models);
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
	pveconf_cpu_models_free(models);
	return 0;
}
