/* Unit tests: pveconf/format_named.c - the formats PVE defines in Perl code (cause 1 of issue 11),
 * each with values of ../shared/corpus/pveconf-diff/: what PVE kept, and what it dropped with the
 * reason its .pve-warnings give (the text after the key's "unable to parse value of" or after the
 * property name).  Then the property-string checker on a few hash formats the corpus exercises. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "pveconf/format.h"

struct fmt_case {
	const char *what;
	pveconf_fmt_fn fn;
	const char *value;
	const char *error; /* NULL: PVE keeps it */
};

#define C(fn, v, e)                                                                                \
	{                                                                                          \
#fn, fn, v, e                                                                      \
	}

static const struct fmt_case cases[] = {
        /* vmstate, hookscript, drive files: pve-volume-id */
        C(pveconf_fmt_volume_id, "local:8006/vm-8006-state-snap.raw", NULL),
        C(pveconf_fmt_volume_id, "somestorage:state-volume", NULL),
        C(pveconf_fmt_volume_id, "bogus", "unable to parse volume ID 'bogus'"),
        C(pveconf_fmt_volume_id, "nostorage", "unable to parse volume ID 'nostorage'"),
        C(pveconf_fmt_volume_id, ":x", "unable to parse volume ID ':x'"),
        C(pveconf_fmt_volume_id, "1bad:vm-8006-disk-2",
          "unable to parse volume ID '1bad:vm-8006-disk-2'"),
        /* vmstatestorage: pve-storage-id */
        C(pveconf_fmt_storage_id, "local-lvm", NULL),
        C(pveconf_fmt_storage_id, "a b", "storage ID 'a b' contains illegal characters"),
        C(pveconf_fmt_storage_id, "1bad", "storage ID '1bad' contains illegal characters"),
        /* bootdisk: pve-qm-bootdisk */
        C(pveconf_fmt_bootdisk, "ide0", NULL),
        C(pveconf_fmt_bootdisk, "scsi0", NULL),
        C(pveconf_fmt_bootdisk, "virtio0", NULL),
        C(pveconf_fmt_bootdisk, "scsi31", "invalid boot disk 'scsi31'"),
        C(pveconf_fmt_bootdisk, "net0", "invalid boot disk 'net0'"),
        C(pveconf_fmt_bootdisk, "foo0", "invalid boot disk 'foo0'"),
        /* tags: pve-tag-list */
        C(pveconf_fmt_tag_list, "foo bar", NULL),
        C(pveconf_fmt_tag_list, "a,b", NULL),
        C(pveconf_fmt_tag_list, "a;b", NULL),
        C(pveconf_fmt_tag_list, "\"a\"", "invalid characters in tag"),
        /* startup: pve-startup-order */
        C(pveconf_fmt_startup, "order=1", NULL),
        C(pveconf_fmt_startup, "up=30,down=60", NULL),
        C(pveconf_fmt_startup, "order=x", "unable to parse startup options"),
        /* affinity: pve-cpuset */
        C(pveconf_fmt_cpuset, "0-3", NULL),
        C(pveconf_fmt_cpuset, "0-3,8-11", NULL),
        C(pveconf_fmt_cpuset, "0,2,4", NULL),
        C(pveconf_fmt_cpuset, "a", "unable to parse cpuset option"),
        /* hotplug: pve-hotplug-features */
        C(pveconf_fmt_hotplug, "memory", NULL),
        C(pveconf_fmt_hotplug, "1", NULL),
        C(pveconf_fmt_hotplug, "cpu,memory", NULL),
        /* net's macaddr and bridge, drives' size */
        C(pveconf_fmt_mac, "BC:24:11:00:00:01", NULL),
        C(pveconf_fmt_mac, "01:00:00:00:00:01",
          "value does not look like a valid unicast MAC address"),
        C(pveconf_fmt_bridge, "vmbr0", NULL),
        C(pveconf_fmt_bridge, "vm br0", "invalid bridge ID 'vm br0'"),
        C(pveconf_fmt_disk_size, "32G", NULL),
        C(pveconf_fmt_disk_size, "1X", "value does not look like a valid disk size: 1X"),
        /* nameserver: address-list */
        C(pveconf_fmt_address_list, "1.1.1.1;8.8.8.8", NULL),
        C(pveconf_fmt_address_list, "::1", NULL),
        /* cpu's phys-bits */
        C(pveconf_fmt_phys_bits, "host", NULL),
        C(pveconf_fmt_phys_bits, "99", "value must be an integer between 8 and 64 or 'host'"),
};

static void test_named_formats(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char err[512] = "";
		int r = cases[i].fn(cases[i].value, strlen(cases[i].value), err, sizeof(err));

		if (cases[i].error ? r == 0 || strcmp(err, cases[i].error) != 0 : r != 0) {
			fprintf(stderr, "%s('%s') -> %d '%s', want %s\n", cases[i].what,
			        cases[i].value, r, err, cases[i].error ? cases[i].error : "kept");
			fail();
		}
	}
}

/* hash formats: the property-string checker with the corpus' reasons */
static void test_hash_formats(void **state)
{
	static const struct {
		const struct pveconf_format *f;
		const char *value, *error;
	} t[] = {
	        {&pveconf_fmt_net, "virtio=BC:24:11:00:00:01,bridge=vmbr0,firewall=1", NULL},
	        {&pveconf_fmt_net, "bogus",
	         "model: value 'bogus' does not have a value in the enumeration"},
	        {&pveconf_fmt_net, "virtio=BC:24:11:00:00:01,tag=0",
	         "tag: value must have a minimum value of 1"},
	        {&pveconf_fmt_net, "virtio,firewall=2",
	         "firewall: type check ('boolean') failed - got '2'"},
	        {&pveconf_fmt_scsi, "local-lvm:vm-100-disk-0,size=32G", NULL},
	        {&pveconf_fmt_scsi, "local-lvm:vm-100-disk-0,discard=maybe",
	         "discard: value 'maybe' does not have a value in the enumeration"},
	        {&pveconf_fmt_vga, "STD",
	         "type: value 'STD' does not have a value in the enumeration"},
	        {&pveconf_fmt_watchdog, "model=bogus",
	         "model: value 'bogus' does not have a value in the enumeration"},
	        {&pveconf_fmt_meta, "creation-qemu=9.0.2,ctime=x",
	         "ctime: type check ('integer') failed - got 'x'"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		char err[512] = "";
		int r = pveconf_format_check(t[i].f, t[i].value, strlen(t[i].value), err,
		                             sizeof(err));

		if (t[i].error ? r == 0 || strncmp(err, t[i].error, strlen(t[i].error)) != 0
		               : r != 0) {
			fprintf(stderr, "%s('%s') -> %d '%s', want %s\n", t[i].f->name, t[i].value,
			        r, err, t[i].error ? t[i].error : "kept");
			fail();
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_named_formats),
	        cmocka_unit_test(test_hash_formats),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
