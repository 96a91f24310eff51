/* Unit tests: the Proxmox side of the bundled demo host (examples/demo-host, scenario in
 * examples/README.md) read through the pveconf readers, so the fixture and the readers keep
 * agreeing: VMs 100..110 on pve1, VM 100 running as pid 4242, the iGPU-VF mapping, the
 * snippets storage, the reservation, `lock: backup` on 110. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pveconf/commit.h"
#include "pveconf/mapping.h"
#include "pveconf/node.h"
#include "pveconf/runstate.h"
#include "pveconf/storage.h"
#include "pveconf/vmlist.h"
#include "support/tmpdir.h"
#include "util/fileio.h"

static struct util_paths demo;

static int setup(void **state)
{
	(void)state;
	return util_paths_init(&demo, tt_src("examples/demo-host"));
}

static void test_node_and_vms(void **state)
{
	struct util_err e = {0};
	struct pveconf_vmrefs all, mine;
	struct pveconf_vmlist l;
	char node[64];

	(void)state;
	assert_int_equal(pveconf_node_name(&demo, node, sizeof(node), &e), 0);
	assert_string_equal(node, "pve1");
	assert_int_equal(pveconf_vms_scan(&demo, NULL, &all, &e), 0);
	assert_int_equal(pveconf_vms_scan(&demo, "pve1", &mine, &e), 0);
	assert_int_equal(all.n, 11);
	assert_int_equal(mine.n, 11);
	assert_int_equal(pveconf_vmlist_load(&demo, &l, &e), 0);
	assert_int_equal(l.n, 11);
	for (size_t i = 0; i < 11; i++) {
		const struct pveconf_vmlist_entry *ent = pveconf_vmlist_find(&l, 100 + (unsigned)i);

		assert_int_equal(mine.v[i].vmid, 100 + i);
		assert_non_null(ent);
		assert_string_equal(ent->node, "pve1");
		assert_string_equal(ent->type, "qemu");
	}
	pveconf_vmlist_free(&l);
	pveconf_vmrefs_free(&all);
	pveconf_vmrefs_free(&mine);
}

static void test_running_and_reservations(void **state)
{
	struct pveconf_pci_reservations r;
	struct util_err e = {0};
	long pid = 0;

	(void)state;
	assert_true(pveconf_vm_running(&demo, 100, &pid));
	assert_int_equal(pid, 4242);
	for (unsigned v = 101; v <= 110; v++)
		assert_false(pveconf_vm_running(&demo, v, NULL));
	assert_int_equal(pveconf_pci_reservations_load(&demo, &r, &e), 0);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.n_bad, 0);
	assert_string_equal(r.v[0].id, "0000:00:02.1");
	assert_int_equal(r.v[0].vmid, 100);
	assert_true(pveconf_pci_reservation_active(&demo, &r.v[0], 0));
	pveconf_pci_reservations_free(&r);
}

static void test_mapping_and_storage(void **state)
{
	struct pveconf_pci_mappings m;
	struct pveconf_storages s;
	struct util_err e = {0};
	const struct pveconf_pci_mapping *vf;
	const struct pveconf_storage *snip;

	(void)state;
	assert_int_equal(pveconf_pci_mappings_load(&demo, &m, &e), 0);
	assert_int_equal(m.n_diags, 0);
	vf = pveconf_pci_mapping_find(&m, "iGPU-VF");
	assert_non_null(vf);
	assert_true(vf->usable);
	assert_int_equal(vf->n_maps, 2);
	assert_string_equal(vf->maps[0].path, "0000:00:02.3");
	assert_int_equal(vf->maps[0].iommugroup, 22);
	assert_string_equal(vf->maps[1].path, "0000:00:02.4");
	assert_int_equal(vf->maps[1].iommugroup, 23);
	assert_string_equal(vf->maps[1].id, "8086:a7a0");
	pveconf_pci_mappings_free(&m);

	assert_int_equal(pveconf_storages_load(&demo, &s, &e), 0);
	assert_int_equal(s.n_diags, 0);
	assert_int_equal(s.n, 2);
	snip = pveconf_storage_snippets_first(&s, "pve1");
	assert_non_null(snip);
	assert_string_equal(snip->id, "local");
	assert_string_equal(snip->snippets_dir, "/var/lib/vz/snippets");
	assert_false(pveconf_storage_find(&s, "local-lvm")->snippets);
	pveconf_storages_free(&s);
}

static void test_locks(void **state)
{
	(void)state;
	for (unsigned v = 100; v <= 110; v++) {
		char path[4096], *data, lockv[32];
		size_t len;
		struct util_err e = {0};

		assert_int_equal(pveconf_vm_conf_path(&demo, "pve1", v, path, sizeof(path)), 0);
		assert_int_equal(util_file_read(path, 1 << 20, &data, &len, &e), 0);
		assert_int_equal(pveconf_vm_lock_get(data, len, lockv, sizeof(lockv)), v == 110);
		if (v == 110)
			assert_string_equal(lockv, "backup");
		free(data);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_node_and_vms),
	        cmocka_unit_test(test_running_and_reservations),
	        cmocka_unit_test(test_mapping_and_storage),
	        cmocka_unit_test(test_locks),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
