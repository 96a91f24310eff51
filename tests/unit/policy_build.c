/* Unit tests: policy/build.c (a pveconf model turned into rule input, in its four views) and
 * policy/uses.c (which devices the entries name: status's used_by; with the values PVE drops,
 * who holds a device for assign and release), on configs parsed by the real
 * pveconf reader and a small hand-built host snapshot (02.0 PF with VFs 02.1, 02.2; 1f.3). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "policy/build.h"

static const char conf_text[] = "lock: 0\n"
                                "machine: q35\n"
                                "name: t\n"
                                "hostpci0: 0000:00:02.1,pcie=1\n"
                                "hostpci1: 0000:00:02.2, pcie=1\n"
                                "hostpci3: 00:1f.3\n"
                                "\n"
                                "[PENDING]\n"
                                "delete: hostpci0\n"
                                "hostpci2: 00:02\n"
                                "machine: pc\n"
                                "\n"
                                "[snap1]\n"
                                "hostpci0: 0000:00:02.0\n"
                                "snaptime: 1700000000\n"
                                "\n"
                                "[special:cloudinit]\n"
                                "hostpci0: 0000:00:02.2\n";

static struct pveconf_vm *parse(void)
{
	struct pveconf_vm *vm = NULL;
	struct util_err e = {0};

	assert_int_equal(pveconf_vm_parse(conf_text, sizeof(conf_text) - 1, "t.conf", &vm, &e), 0);
	return vm;
}

static const struct policy_hostpci *entry(const struct policy_section *s, const char *key)
{
	for (size_t i = 0; i < s->n_hostpci; i++)
		if (strcmp(s->hostpci[i].key, key) == 0)
			return &s->hostpci[i];
	return NULL;
}

static void test_views(void **state)
{
	struct pveconf_vm *conf = parse();
	struct policy_vm_build b;
	struct util_err e = {0};
	char label[80];

	(void)state;
	/* every section PVE keeps, [special:*] aside; the dropped value kept as invalid */
	assert_int_equal(policy_vm_build(conf, 101, "pve1", POLICY_BUILD_ALL, &b, &e), 0);
	pveconf_vm_free(conf); /* nothing of b points into the model */
	assert_int_equal(b.vm.vmid, 101);
	assert_string_equal(b.vm.node, "pve1");
	assert_string_equal(b.name, "t");
	assert_null(b.vm.lock); /* 'lock: 0' does not lock */
	assert_int_equal(b.vm.n_sections, 3);
	assert_int_equal(b.vm.sections[0].kind, POLICY_SECTION_MAIN);
	assert_string_equal(b.vm.sections[0].machine, "q35");
	assert_int_equal(b.vm.sections[0].n_hostpci, 3);
	assert_true(entry(&b.vm.sections[0], "hostpci0")->valid);
	assert_false(entry(&b.vm.sections[0], "hostpci1")->valid);
	assert_non_null(entry(&b.vm.sections[0], "hostpci1")->error);
	assert_int_equal(b.vm.sections[1].kind, POLICY_SECTION_PENDING);
	assert_string_equal(b.vm.sections[1].machine, "pc");
	policy_section_label(&b.vm.sections[2], label, sizeof(label));
	assert_string_equal(label, "snapshot:snap1");
	policy_vm_build_free(&b);

	/* the guard: main only */
	conf = parse();
	assert_int_equal(policy_vm_build(conf, 101, "pve1", POLICY_BUILD_MAIN, &b, &e), 0);
	assert_int_equal(b.vm.n_sections, 1);
	assert_int_equal(b.vm.sections[0].n_hostpci, 3);
	policy_vm_build_free(&b);

	/* the next start: pending's delete and values applied, the dropped value gone */
	assert_int_equal(policy_vm_build(conf, 101, "pve1", POLICY_BUILD_NEXT_START, &b, &e), 0);
	assert_int_equal(b.vm.n_sections, 1);
	assert_string_equal(b.vm.sections[0].machine, "pc");
	assert_null(entry(&b.vm.sections[0], "hostpci0"));
	assert_null(entry(&b.vm.sections[0], "hostpci1"));
	assert_non_null(entry(&b.vm.sections[0], "hostpci2"));
	assert_non_null(entry(&b.vm.sections[0], "hostpci3"));
	policy_vm_build_free(&b);
	pveconf_vm_free(conf);
}

static void dev(struct sysfs_device *d, const char *bdf)
{
	memset(d, 0, sizeof(*d));
	snprintf(d->bdf, sizeof(d->bdf), "%s", bdf);
	d->iommu_group = -1;
}

/* The uses of VM 101 (the config above, built in view) on the small host of node pve1, as
 * "BDF SECTION KEY|" one after the other; node names the node asked about. */
static const char *uses_of(enum policy_build_view view, const char *node, unsigned flags)
{
	static char got[1024];
	struct sysfs_device devs[4];
	struct sysfs_host host;
	struct pveconf_vm *conf = parse();
	struct policy_vm_build b;
	struct policy_input in;
	struct policy_uses u;
	struct util_err e = {0};

	memset(&host, 0, sizeof(host));
	dev(&devs[0], "0000:00:02.0");
	dev(&devs[1], "0000:00:02.1");
	dev(&devs[2], "0000:00:02.2");
	dev(&devs[3], "0000:00:1f.3");
	host.devices = devs;
	host.n_devices = 4;
	assert_int_equal(policy_vm_build(conf, 101, "pve1", view, &b, &e), 0);
	pveconf_vm_free(conf);
	memset(&in, 0, sizeof(in));
	in.node = node;
	in.host = &host;
	in.vms = &b.vm;
	in.n_vms = 1;
	assert_int_equal(policy_uses_collect(&in, flags, &u, &e), 0);
	got[0] = '\0';
	for (size_t i = 0; i < u.n; i++) {
		char label[80];
		size_t l = strlen(got);

		policy_section_label(u.v[i].sec, label, sizeof(label));
		snprintf(got + l, sizeof(got) - l, "%s %s %s|", u.v[i].bdf, label, u.v[i].hp->key);
	}
	policy_uses_free(&u);
	policy_vm_build_free(&b);
	return got;
}

static void test_uses(void **state)
{
	struct pveconf_vm *conf = parse();
	struct policy_vm_build b;
	struct util_err e = {0};
	const struct policy_hostpci *hp;
	char all[1024];

	(void)state;
	/* main: 02.1, (02.2 dropped: nothing), 1f.3 domain-less; pending: 00:02 = PF + both VFs;
	 * snapshot: the PF; [special:cloudinit]: nothing */
	assert_string_equal(uses_of(POLICY_BUILD_ALL, "pve1", 0),
	                    "0000:00:02.1 main hostpci0|0000:00:1f.3 main hostpci3|"
	                    "0000:00:02.0 pending hostpci2|0000:00:02.1 pending hostpci2|"
	                    "0000:00:02.2 pending hostpci2|0000:00:02.0 snapshot:snap1 hostpci0|");
	/* another node's VM names nothing on this node's hardware */
	assert_string_equal(uses_of(POLICY_BUILD_ALL, "pve2", 0), "");

	/* POLICY_BUILD_ALL_DROPPED + POLICY_USES_DROPPED (assign and release): the value PVE drops
	 * is read from the file's bytes and names what the person meant; [special:cloudinit] still
	 * names nothing */
	assert_int_equal(policy_vm_build(conf, 101, "pve1", POLICY_BUILD_ALL_DROPPED, &b, &e), 0);
	pveconf_vm_free(conf);
	hp = entry(&b.vm.sections[0], "hostpci1");
	assert_non_null(hp);
	assert_false(hp->valid);
	assert_true(hp->dropped && hp->lenient);
	assert_string_equal(hp->value, "0000:00:02.2, pcie=1");
	assert_int_equal(hp->parsed.n_ids, 1);
	policy_vm_build_free(&b);
	assert_string_equal(uses_of(POLICY_BUILD_ALL_DROPPED, "pve1", POLICY_USES_DROPPED),
	                    "0000:00:02.1 main hostpci0|0000:00:1f.3 main hostpci3|"
	                    "0000:00:02.2 main hostpci1|"
	                    "0000:00:02.0 pending hostpci2|0000:00:02.1 pending hostpci2|"
	                    "0000:00:02.2 pending hostpci2|0000:00:02.0 snapshot:snap1 hostpci0|");
	/* without the flag: what PVE uses, as status shows it */
	snprintf(all, sizeof(all), "%s", uses_of(POLICY_BUILD_ALL, "pve1", 0));
	assert_string_equal(uses_of(POLICY_BUILD_ALL_DROPPED, "pve1", 0), all);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_views),
	        cmocka_unit_test(test_uses),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
