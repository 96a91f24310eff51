/* Unit tests: pveconf/vmconf's reading rules (docs/pve.md 1), table-driven - each case is a config,
 * the values PVE keeps, the diagnostics it gives and (where it matters) what PVE writes - plus
 * hostile inputs that must round-trip byte for byte. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pveconf/keys.h"
#include "pveconf/vmconf.h"
#include "support/tmpdir.h"

struct want_kv {
	const char *section; /* NULL = main */
	const char *key;
	const char *value; /* NULL: must be absent */
};

struct reader_case {
	const char *name;
	const char *input;
	struct want_kv kv[6];
	const char *diags[6]; /* "LINE:message" of every DROPPED diagnostic, in order */
	const char *written;  /* what PVE writes, or NULL to skip */
};

static const struct reader_case cases[] = {
        {"whitespace-only value is one blank",
         "boot:   \n",
         {{NULL, "boot", " "}},
         {NULL},
         "boot:  \n"},
        {"no space after the colon", "cores:4\n", {{NULL, "cores", "4"}}, {NULL}, "cores: 4\n"},
        {"empty value is unparsable",
         "cores:\n",
         {{NULL, "cores", NULL}},
         {"1:unable to parse config: cores:"},
         ""},
        {"leading blank, uppercase, bad key",
         "  memory: 512\nMEMORY: 5\nnet0x: a\n",
         {{NULL, "memory", NULL}},
         {"1:unable to parse config:   memory: 512", "2:unable to parse config: MEMORY: 5",
          "3:unable to parse config: net0x: a"},
         ""},
        {"last duplicate wins",
         "memory: 512\nmemory: 1024\n",
         {{NULL, "memory", "1024"}},
         {"1:memory: set again at line 2, the later value wins"},
         "memory: 1024\n"},
        {"an invalid later duplicate does not win",
         "memory: 512\nmemory: 5\n",
         {{NULL, "memory", "512"}},
         {"2:memory: current: value must have a minimum value of 16"},
         "memory: 512\n"},
        {"memory forms",
         "memory: current=2048\n",
         {{NULL, "memory", "current=2048"}},
         {NULL},
         NULL},
        {"memory bad",
         "memory: 1G\n",
         {{NULL, "memory", NULL}},
         {"1:memory: current: type check ('integer') failed - got '1G'"},
         NULL},
        {"memory unknown key",
         "memory: max=4096\n",
         {{NULL, "memory", NULL}},
         {"1:memory: invalid key in comma-separated list property: max"},
         NULL},
        {"booleans become 0/1",
         "numa: on\nonboot: Yes\nacpi: FALSE\n",
         {{NULL, "numa", "1"}, {NULL, "onboot", "1"}, {NULL, "acpi", "0"}},
         {NULL},
         "acpi: 0\nnuma: 1\nonboot: 1\n"},
        {"boolean type check",
         "numa: maybe\n",
         {{NULL, "numa", NULL}},
         {"1:numa: type check ('boolean') failed - got 'maybe'"},
         ""},
        {"integers lose leading zeros, no min/max in check_type",
         "cores: 007\nsockets: 0\n",
         {{NULL, "cores", "7"}, {NULL, "sockets", "0"}},
         {NULL},
         "cores: 7\nsockets: 0\n"},
        {"integer type check",
         "cores: -1\nballoon: 1.5\n",
         {{NULL, "cores", NULL}},
         {"1:cores: type check ('integer') failed - got '-1'",
          "2:balloon: type check ('integer') failed - got '1.5'"},
         ""},
        {"huge integer becomes a Perl float",
         "snaptime: 123456789012345678901234\n",
         {{NULL, "snaptime", "1.23456789012346e+23"}},
         /* cause 2 of issue 11: PVE's writer dies on it */
         {"1:snaptime: PVE reads it as 1.23456789012346e+23, which its writer refuses (type "
          "check ('integer') failed): every PVE write of this VM fails"},
         NULL},
        {"numbers",
         "cpulimit: 1.5\nmigrate_downtime: 1.\n",
         {{NULL, "cpulimit", "1.5"}},
         {"2:migrate_downtime: type check ('number') failed - got '1.'"},
         "cpulimit: 1.5\n"},
        {"formatless strings lose one pair of quotes on read, one more on write",
         "lock: \"backup\"\nostype: \"\"l26\"\"\n",
         {{NULL, "lock", "backup"}, {NULL, "ostype", "\"l26\""}},
         {NULL},
         "lock: backup\nostype: l26\n"},
        {"strings with a format keep their quotes",
         "vmstate: local:\"a\"\n",
         {{NULL, "vmstate", "local:\"a\""}},
         {NULL},
         "vmstate: local:\"a\"\n"},
        /* cause 1 of issue 11: every key's string format */
        {"net model enum, and a later bad vga leaves the earlier one",
         "net0: bogus\nvga: std\nvga: bogus\n",
         {{NULL, "net0", NULL}, {NULL, "vga", "std"}},
         {"1:net0: model: value 'bogus' does not have a value in the enumeration",
          "3:vga: type: value 'bogus' does not have a value in the enumeration"},
         "vga: std\n"},
        /* cause 4: Perl's lax UTF-8 decoder */
        {"a bad sequence is one U+FFFD, above U+10FFFF stays",
         "#\xc0\x80x\n#\xf4\x90\x80\x80\n",
         {{NULL, "description", "\xef\xbf\xbdx\n\xf4\x90\x80\x80"}},
         {NULL},
         "#%EF%BF%BDx\n#%F4%90%80%80\n"},
        /* cause 5: parse_drive's rejections */
        {"a cdrom with format= is no drive: its unused entry stays",
         "ide0: local:1/vm-1-disk-0.raw,media=cdrom,format=raw\nunused0: local:1/vm-1-disk-0.raw\n",
         {{NULL, "unused0", "local:1/vm-1-disk-0.raw"}},
         {NULL},
         "ide0: local:1/vm-1-disk-0.raw,media=cdrom,format=raw\nunused0: local:1/vm-1-disk-0.raw\n"},
        {"a cloud-init drive parse_drive rejects does not keep the section",
         "ide2: local:vm-1-cloudinit,media=cdrom,snapshot=1\n[special:cloudinit]\nname: x\n",
         {{"special:cloudinit", "name", "x"}},
         {"2:[special:cloudinit] is dropped: the VM has no cloud-init drive"},
         "ide2: local:vm-1-cloudinit,media=cdrom,snapshot=1\n"},
        /* pveconf-diff 9096 (PVE's own output): a cdrom on virtio is no drive, so the VM has no
         * cloud-init drive and the section goes */
        {"a cdrom on virtio is no cloud-init drive",
         "memory: 512\nvirtio2: local-lvm:8006/cloudinit.vmdk,media=cdrom,size=4M\n\n"
         "[special:cloudinit]\nipconfig0: ip=dhcp\nname: \"x\"\n",
         {{NULL, "virtio2", "local-lvm:8006/cloudinit.vmdk,media=cdrom,size=4M"},
          {"special:cloudinit", "ipconfig0", "ip=dhcp"}},
         {"4:[special:cloudinit] is dropped: the VM has no cloud-init drive"},
         "memory: 512\nvirtio2: local-lvm:8006/cloudinit.vmdk,media=cdrom,size=4M\n"},
        /* pveconf-diff 9213 (PVE's own output): mbps_max without mbps fails parse_drive; the
         * line stays, but the VM has no cloud-init drive */
        {"mbps_max without mbps is no drive",
         "memory: 512\nvirtio3: local:vm-8006-cloudinit,cache=none,mbps_max=10\n\n"
         "[special:cloudinit]\nipconfig0: ip=dhcp\n\n[PENDING]\nunused2: local:vm-8006-cloudinit\n",
         {{NULL, "virtio3", "local:vm-8006-cloudinit,cache=none,mbps_max=10"}},
         {"4:[special:cloudinit] is dropped: the VM has no cloud-init drive"},
         "memory: 512\nvirtio3: local:vm-8006-cloudinit,cache=none,mbps_max=10\n\n[PENDING]\n"
         "unused2: local:vm-8006-cloudinit\n"},
        /* cause 6: silent losses are losses of their own kind */
        {"unused naming an attached volume goes silently",
         "scsi0: local:1/a.raw\nunused0: local:1/a.raw\n",
         {{NULL, "unused0", "local:1/a.raw"}},
         {"2:unused0: the volume is attached as scsi0, PVE removes this entry"},
         "scsi0: local:1/a.raw\n"},
        {"a format that refuses the quotes drops the value",
         "tags: \"a\"\n",
         {{NULL, "tags", NULL}},
         {"1:tags: invalid characters in tag"},
         ""},
        {"enums are not checked", "lock: bogus\n", {{NULL, "lock", "bogus"}}, {NULL}, NULL},
        {"name is a dns-name",
         "name: my-vm.example\nname: -bad\n",
         {{NULL, "name", "my-vm.example"}},
         {"2:name: value does not look like a valid DNS name"},
         NULL},
        {"name with underscore",
         "name: a_b\n",
         {{NULL, "name", NULL}},
         {"1:name: value does not look like a valid DNS name"},
         NULL},
        {"parent is a configid",
         "[s1]\nparent: x\n",
         {{"s1", "parent", NULL}},
         {"2:parent: invalid configuration ID 'x'"},
         "\n[s1]\n"},
        {"index ranges",
         "net31: virtio\nnet32: virtio\nusb13: host=1-1\nusb14: host=1-1\nnet01: virtio\n",
         {{NULL, "net31", "virtio"}, {NULL, "usb13", "host=1-1"}},
         {"2:net32: unknown setting", "4:usb14: unknown setting", "5:net01: unknown setting"},
         NULL},
        {"more index ranges",
         "scsi30: /a\nscsi31: /a\nunused255: lo:b\nunused256: lo:a\nnuma7: cpus=0\nnuma8: cpus=0\n",
         {{NULL, "scsi30", "/a"}, {NULL, "unused255", "lo:b"}, {NULL, "numa7", "cpus=0"}},
         {"2:scsi31: unknown setting", "4:unused256: unknown setting", "6:numa8: unknown setting"},
         NULL},
        {"hostpci range and grammar",
         "hostpci15: 00:02.0\nhostpci16: 00:02.1\nhostpci0: 0000:00:0A.0\nhostpci1: mapping=g\n",
         {{NULL, "hostpci15", "00:02.0"}},
         {"2:hostpci16: unknown setting",
          "3:hostpci0: host: value does not match the regex pattern",
          "4:hostpci1: mapping: invalid format - invalid configuration ID 'g'"},
         "hostpci15: 00:02.0\n"},
        {"description decoding",
         "#a%3Ab 100%25\n#\ndescription: x%0Ay\n#z\n",
         {{NULL, "description", "a:b 100%\n\nx\nyz"}},
         {NULL},
         "#a%3Ab 100%25\n#\n#x\n#yz\n"},
        {"comments anywhere in the section",
         "cores: 1\n# late\n",
         {{NULL, "description", " late"}},
         {NULL},
         "# late\ncores: 1\n"},
        {"description is trimmed at the end",
         "#x  \n#   \n",
         {{NULL, "description", "x"}},
         {NULL},
         "#x\n"},
        {"delete outside [PENDING]",
         "delete: net0\n[sn]\ndelete: x\n",
         {{NULL, "delete", NULL}},
         {"1:property 'delete' is only allowed in [PENDING]",
          "3:property 'delete' is only allowed in [PENDING]"},
         "\n[sn]\n"},
        {"pending with delete",
         "cores: 1\n[PENDING]\ndelete: !net0 ; hostpci1\ncores: 2\n",
         {{"PENDING", "cores", "2"}, {"PENDING", "delete", "!net0 ; hostpci1"}},
         {NULL},
         "cores: 1\n\n[PENDING]\ncores: 2\ndelete: !net0 ; hostpci1\n"},
        {"section names",
         "[PenDing]\ncores: 2\n[special:cloudinit]\nfoo: bar\n[ab]\n[weird section]\nx\n",
         {{"PENDING", "cores", "2"}, {"special:cloudinit", "foo", "bar"}},
         {"6:unknown section 'weird section'",
          "3:[special:cloudinit] is dropped: the VM has no cloud-init drive"},
         "\n[PENDING]\ncores: 2\n\n[ab]\n"},
        {"cloud-init section kept with a cloud-init drive",
         "ide2: local:vm-100-cloudinit,media=cdrom\n[special:cloudinit]\nname: x\n",
         {{"special:cloudinit", "name", "x"}},
         {NULL},
         "ide2: local:vm-100-cloudinit,media=cdrom\n\n[special:cloudinit]\nname: x\n"},
        {"one-letter section is unknown",
         "[a]\n[ab]\n",
         {{NULL, "x", NULL}},
         {"1:unknown section 'a'"},
         "\n[ab]\n"},
        {"duplicate snapshot: the later wins",
         "[s1]\ncores: 1\n[s1]\ncores: 2\n",
         {{"s1", "cores", "2"}},
         {"1:duplicate snapshot section: s1 (the one at line 3 replaces this one)"},
         "\n[s1]\ncores: 2\n"},
        {"snapstate kept in snapshots only",
         "snapstate: prepare\n[sn]\nfoo snapstate: delete\n",
         {{NULL, "snapstate", NULL}},
         {"1:snapstate: only kept in snapshot sections"},
         "\n[sn]\nsnapstate: delete\n"},
        {"args are stored unchecked",
         "args: -foo \"x\"\n",
         {{NULL, "args", "-foo \"x\""}},
         {NULL},
         "args: -foo \"x\"\n"},
        {"cdrom becomes ide2", "cdrom: none\n", {{NULL, "ide2", "none"}}, {NULL}, "ide2: none\n"},
        {"smp becomes sockets",
         "smp: 4\ncores: 2\n",
         {{NULL, "smp", "4"}},
         {"2:cores: PVE drops it when it converts smp to sockets"},
         "sockets: 4\n"},
        {"unused entry of an attached volume goes",
         "scsi0: local:1,size=1G\nunused0: local:1\n",
         {{NULL, "unused0", "local:1"}},
         {"2:unused0: the volume is attached as scsi0, PVE removes this entry"},
         "scsi0: local:1,size=1G\n"},
        {"fleecing section schema",
         "[special:fleecing]\nfleecing-images: aa:b\ncores: 1\n",
         {{"special:fleecing", "fleecing-images", "aa:b"}},
         {"3:cores: unknown setting"},
         "\n[special:fleecing]\nfleecing-images: aa:b\n"},
        /* cause 3 of issue 11: m/^\[special:$re\]/i with $re a qr// of its own */
        {"after special: the section name is case-sensitive",
         "[special:FLEECING]\ncores: 1\n[special:CloudInit]\nname: x\n",
         {{NULL, "cores", NULL}, {NULL, "name", NULL}},
         {"1:unknown section 'special:FLEECING'", "3:unknown section 'special:CloudInit'"},
         ""},
        {"the special: prefix itself ignores case",
         "[SPECIAL:fleecing]\nfleecing-images: aa:b\n",
         {{"special:fleecing", "fleecing-images", "aa:b"}},
         {NULL},
         "\n[special:fleecing]\nfleecing-images: aa:b\n"},
        {"carriage return in a value",
         "boot:\r\n",
         {{NULL, "boot", NULL}},
         {"1:boot: property contains a line feed"},
         ""},
};

static void check_case(const struct reader_case *c)
{
	struct pveconf_vm *vm = NULL;
	struct util_err e = {0};
	const struct pveconf_diag *d;
	size_t n, k = 0;

	assert_int_equal(pveconf_vm_parse(c->input, strlen(c->input), c->name, &vm, &e), 0);
	for (size_t i = 0; i < 6 && c->kv[i].key; i++) {
		const char *v = pveconf_vm_get(vm, c->kv[i].section, c->kv[i].key, NULL);

		if (!c->kv[i].value) {
			if (v)
				fail_msg("%s: %s should be absent, is '%s'", c->name, c->kv[i].key,
				         v);
		} else if (!v || strcmp(v, c->kv[i].value) != 0) {
			fail_msg("%s: %s is '%s', want '%s'", c->name, c->kv[i].key,
			         v ? v : "(none)", c->kv[i].value);
		}
	}
	n = pveconf_vm_diags(vm, &d);
	for (size_t i = 0; i < n; i++) {
		char got[1200];

		if (!pveconf_diag_is_loss(d[i].kind))
			continue;
		snprintf(got, sizeof(got), "%u:%s", d[i].line, d[i].message);
		if (k >= 6 || !c->diags[k])
			fail_msg("%s: unexpected diagnostic '%s'", c->name, got);
		/* the same set in any order for the cross-section cases */
		{
			bool found = false;

			for (size_t j = 0; j < 6 && c->diags[j]; j++)
				found = found || strcmp(c->diags[j], got) == 0;
			if (!found)
				fail_msg("%s: diagnostic '%s' not expected", c->name, got);
		}
		k++;
	}
	if (k < 6 && c->diags[k])
		fail_msg("%s: missing diagnostic '%s'", c->name, c->diags[k]);
	if (c->written) {
		struct util_buf out = {0};

		assert_int_equal(pveconf_vm_write_pve(vm, &out), 0);
		if (strcmp(util_buf_str(&out), c->written) != 0)
			fail_msg("%s: PVE writes\n%s---\nwe wrote\n%s---", c->name, c->written,
			         util_buf_str(&out));
		util_buf_free(&out);
	}
	pveconf_vm_free(vm);
}

static void test_reader_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_case(&cases[i]);
}

/* Cause 2 of issue 11: an integer of 2^64 or more becomes a Perl float that PVE's writer refuses:
 * the diagnostic is UNWRITABLE on that key, and PVE's writer output is nothing (-ERANGE); 2^64 - 1
 * is still an integer PVE writes back. */
static void test_integer_beyond_uv(void **state)
{
	static const struct {
		const char *input, *written; /* written NULL: PVE's writer dies */
	} t[] = {
	        {"cores: 99999999999999999999\nmemory: 512\n", NULL},
	        {"memory: 512\nsockets: 18446744073709551616\n", NULL},
	        {"memory: 512\nsockets: 18446744073709551615\n",
	         "memory: 512\nsockets: 18446744073709551615\n"},
	        {"memory: 512\nsockets: 00018446744073709551615\n",
	         "memory: 512\nsockets: 18446744073709551615\n"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct pveconf_vm *vm = NULL;
		struct util_err e = {0};
		struct util_buf out = {0};
		const struct pveconf_diag *d;
		size_t n, unwritable = 0;

		assert_int_equal(pveconf_vm_parse(t[i].input, strlen(t[i].input), "t", &vm, &e), 0);
		n = pveconf_vm_diags(vm, &d);
		for (size_t k = 0; k < n; k++)
			if (d[k].kind == PVECONF_DIAG_UNWRITABLE) {
				unwritable++;
				assert_non_null(
				        strstr(d[k].message, "every PVE write of this VM fails"));
			}
		if (t[i].written) {
			assert_int_equal(unwritable, 0);
			assert_int_equal(pveconf_vm_write_pve(vm, &out), 0);
			assert_string_equal(util_buf_str(&out), t[i].written);
		} else {
			assert_int_equal(unwritable, 1);
			assert_int_equal(pveconf_vm_write_pve(vm, &out), -ERANGE);
			assert_int_equal(out.len, 0);
		}
		util_buf_free(&out);
		pveconf_vm_free(vm);
	}
}

/* The key table: every key of qemu-server 9.2's $confdesc is found, every index range ends where
 * PVE's does (usb: MAX_USB_DEVICES = 14, so usb0..usb13). */
static void test_key_table(void **state)
{
	static const char *const flat[] = {
	        "acpi",
	        "affinity",
	        "agent",
	        "allow-ksm",
	        "amd-sev",
	        "arch",
	        "args",
	        "audio0",
	        "autostart",
	        "balloon",
	        "bios",
	        "boot",
	        "bootdisk",
	        "cdrom",
	        "cicustom",
	        "cipassword",
	        "citype",
	        "ciupgrade",
	        "ciuser",
	        "cores",
	        "cpu",
	        "cpulimit",
	        "cpuunits",
	        "description",
	        "efidisk0",
	        "freeze",
	        "hookscript",
	        "hotplug",
	        "hugepages",
	        "intel-tdx",
	        "ivshmem",
	        "keephugepages",
	        "keyboard",
	        "kvm",
	        "localtime",
	        "lock",
	        "machine",
	        "memory",
	        "meta",
	        "migrate_downtime",
	        "migrate_speed",
	        "name",
	        "nameserver",
	        "numa",
	        "onboot",
	        "ostype",
	        "parent",
	        "protection",
	        "reboot",
	        "rng0",
	        "running-nets-host-mtu",
	        "runningcpu",
	        "runningmachine",
	        "scsihw",
	        "searchdomain",
	        "shares",
	        "smbios1",
	        "smp",
	        "snaptime",
	        "sockets",
	        "spice_enhancements",
	        "sshkeys",
	        "startdate",
	        "startup",
	        "tablet",
	        "tags",
	        "tdf",
	        "template",
	        "tpmstate0",
	        "vcpus",
	        "vga",
	        "vmgenid",
	        "vmstate",
	        "vmstatestorage",
	        "watchdog",
	};
	static const struct {
		const char *base;
		unsigned count;
	} idx[] = {
	        {"hostpci", 16}, {"ide", 4},     {"ipconfig", 32}, {"net", 32},   {"numa", 8},
	        {"parallel", 3}, {"sata", 6},    {"scsi", 31},     {"serial", 4}, {"unused", 256},
	        {"usb", 14},     {"virtio", 16}, {"virtiofs", 10},
	};
	static const char *const unknown[] = {"foo",    "pending",  "digest",  "snapstate",
	                                      "delete", "net",      "hostpci", "audio1",
	                                      "rng1",   "efidisk1", "scsi00",  "net-1"};
	char key[64];

	(void)state;
	for (size_t i = 0; i < sizeof(flat) / sizeof(flat[0]); i++)
		if (!pveconf_key_lookup(flat[i], strlen(flat[i])))
			fail_msg("%s not found", flat[i]);
	for (size_t i = 0; i < sizeof(idx) / sizeof(idx[0]); i++) {
		for (unsigned n = 0; n < idx[i].count; n++) {
			snprintf(key, sizeof(key), "%s%u", idx[i].base, n);
			if (!pveconf_key_lookup(key, strlen(key)))
				fail_msg("%s not found", key);
		}
		snprintf(key, sizeof(key), "%s%u", idx[i].base, idx[i].count);
		if (pveconf_key_lookup(key, strlen(key)))
			fail_msg("%s is past PVE's range", key);
	}
	for (size_t i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++)
		if (pveconf_key_lookup(unknown[i], strlen(unknown[i])))
			fail_msg("%s should be unknown", unknown[i]);
}

static void test_sections_and_keys(void **state)
{
	static const char in[] = "cores: 1\nname: a\n[PENDING]\nhostpci1: 00:02.1\n"
	                         "delete: hostpci0,!net0\n[snap1]\nhostpci0: 00:02.1\n[x y]\n";
	struct pveconf_vm *vm = NULL;
	struct util_err e = {0};
	const struct pveconf_kv *kv;
	bool force;

	(void)state;
	assert_int_equal(pveconf_vm_parse(in, sizeof(in) - 1, "t", &vm, &e), 0);
	assert_int_equal(pveconf_vm_section_count(vm), 3);
	assert_string_equal(pveconf_vm_section(vm, 0)->name, "main");
	assert_string_equal(pveconf_vm_section(vm, 1)->name, "PENDING");
	assert_int_equal(pveconf_vm_section(vm, 1)->line, 3);
	assert_int_equal(pveconf_vm_section(vm, 2)->kind, PVECONF_SECTION_SNAPSHOT);
	assert_int_equal(pveconf_vm_section_find(vm, "snap1"), 2);
	assert_int_equal(pveconf_vm_section_find(vm, "x y"), -1);
	assert_int_equal(pveconf_vm_keys(vm, 0, &kv), 2);
	assert_string_equal(kv[1].key, "name");
	assert_int_equal(kv[1].line, 2);
	assert_true(pveconf_vm_pending_deletes(vm, "hostpci0", &force));
	assert_false(force);
	assert_true(pveconf_vm_pending_deletes(vm, "net0", &force));
	assert_true(force);
	assert_false(pveconf_vm_pending_deletes(vm, "hostpci1", NULL));
	assert_string_equal(pveconf_vm_digest(vm), "924d45e99fbb4573dfd27edeb17606426342f268");
	pveconf_vm_free(vm);
}

#define D(x) x, sizeof(x) - 1

struct hostile {
	const char *name;
	const char *data;
	size_t len;
	const char *written; /* NULL: not checked */
	const char *diag;    /* a substring of some diagnostic, or NULL for none */
};

static void test_hostile_inputs_round_trip(void **state)
{
	static const struct hostile h[] = {
	        {"no final newline", D("cores: 2\nname: x"), "cores: 2\nname: x\n", NULL},
	        {"CRLF", D("#c\r\n#d\r\ncores: 2\r\n\r\n[s1]\r\nname: y\r\n"),
	         "#c%0D\n#d\ncores: 2\n\n[s1]\nname: y\n", NULL},
	        {"NUL in a value", D("name: a\0b\ncores: 1\n"), "cores: 1\n", "DNS name"},
	        {"NUL in a line", D("\0\n"), "", "unable to parse config: \\x00"},
	        {"invalid UTF-8 in a comment", D("#a\xff\xc3\n"), "#a%EF%BF%BD%EF%BF%BD\n", NULL},
	        {"valid UTF-8 in a comment", D("#\xc3\xa4\n"), "#%C3%A4\n", NULL},
	        {"only blanks", D(" \t\n\n\x0b\n"), "", NULL},
	        {"empty", D(""), "", NULL},
	        {"lone bracket", D("[\n]\n[]\n"), "", "unknown section ''"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(h) / sizeof(h[0]); i++) {
		struct pveconf_vm *vm = NULL;
		struct util_err e = {0};
		struct util_buf out = {0}, w = {0};
		const struct pveconf_diag *d;
		size_t n;
		bool found = false;

		assert_int_equal(pveconf_vm_parse(h[i].data, h[i].len, h[i].name, &vm, &e), 0);
		assert_int_equal(pveconf_vm_serialize(vm, &out), 0);
		assert_int_equal(out.len, h[i].len);
		if (h[i].len)
			assert_memory_equal(out.s, h[i].data, h[i].len);
		assert_int_equal(pveconf_vm_write_pve(vm, &w), 0);
		if (h[i].written && strcmp(util_buf_str(&w), h[i].written) != 0)
			fail_msg("%s: wrote '%s'", h[i].name, util_buf_str(&w));
		n = pveconf_vm_diags(vm, &d);
		for (size_t k = 0; k < n; k++)
			found = found || (h[i].diag && strstr(d[k].message, h[i].diag));
		if (h[i].diag && !found)
			fail_msg("%s: no diagnostic with '%s'", h[i].name, h[i].diag);
		if (!h[i].diag && n)
			fail_msg("%s: unexpected diagnostic '%s'", h[i].name, d[0].message);
		util_buf_free(&out);
		util_buf_free(&w);
		pveconf_vm_free(vm);
	}
}

static void test_long_line_and_size_limit(void **state)
{
	size_t big = 100000;
	char *data = malloc(PVECONF_VM_MAX_BYTES + 2), *dir, path[4096];
	struct pveconf_vm *vm = NULL;
	struct util_err e = {0};
	struct util_buf out = {0};

	(void)state;
	assert_non_null(data);
	memcpy(data, "args: ", 6);
	memset(data + 6, 'x', big);
	data[6 + big] = '\n';
	assert_int_equal(pveconf_vm_parse(data, big + 7, "long", &vm, &e), 0);
	assert_int_equal(strlen(pveconf_vm_get(vm, NULL, "args", NULL)), big);
	assert_int_equal(pveconf_vm_serialize(vm, &out), 0);
	assert_int_equal(out.len, big + 7);
	assert_memory_equal(out.s, data, big + 7);
	util_buf_free(&out);
	pveconf_vm_free(vm);

	/* exactly 1 MiB is fine, one byte more is not */
	memset(data, '#', PVECONF_VM_MAX_BYTES + 1);
	assert_int_equal(pveconf_vm_parse(data, PVECONF_VM_MAX_BYTES, "max", &vm, &e), 0);
	pveconf_vm_free(vm);
	assert_int_equal(pveconf_vm_parse(data, PVECONF_VM_MAX_BYTES + 1, "big", &vm, &e), -EFBIG);
	assert_null(vm);
	assert_non_null(strstr(e.msg, "big: "));
	assert_non_null(strstr(e.msg, "1 MiB"));

	dir = tt_mkdtemp();
	tt_write_bytes(dir, "100.conf", data, PVECONF_VM_MAX_BYTES + 1);
	snprintf(path, sizeof(path), "%s/100.conf", dir);
	assert_int_equal(pveconf_vm_load(path, &vm, &e), -EFBIG);
	assert_non_null(strstr(e.msg, "100.conf"));
	snprintf(path, sizeof(path), "%s/missing.conf", dir);
	assert_int_equal(pveconf_vm_load(path, &vm, &e), -ENOENT);
	assert_non_null(strstr(e.msg, "missing.conf"));
	tt_rmrf(dir);
	free(dir);
	free(data);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_reader_table),
	        cmocka_unit_test(test_integer_beyond_uv),
	        cmocka_unit_test(test_key_table),
	        cmocka_unit_test(test_sections_and_keys),
	        cmocka_unit_test(test_hostile_inputs_round_trip),
	        cmocka_unit_test(test_long_line_and_size_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
