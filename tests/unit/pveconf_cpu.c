/* Unit tests: pveconf/cpu - `cpu:` as qemu-server 9.2 checks it (cause 1 of issue 11 for the cpu
 * key).  The values are the cpu: lines of ../shared/corpus/pveconf-diff/ (what PVE kept and the
 * reason it gave for what it dropped, from the .pve-warnings files), then the rules of
 * validate_vm_cpu_conf the corpus does not reach; the node's models are read from cpu-models.conf
 * text and from a root on disk; the reader drops a bad cpu: in the config and lazy reading (the
 * guard's) leaves it alone. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pveconf/cpu.h"
#include "pveconf/vmconf.h"
#include "support/tmpdir.h"

/* the harness's cpu-models.conf (corpus README.txt): custom models qemu64 and alldefault */
static const char harness_models[] = "cpu-model: qemu64\n\treported-model qemu64\n\n"
                                     "cpu-model: alldefault\n";

struct cpu_case {
	const char *value;
	const char *error; /* NULL: PVE keeps it; else its reason */
};

static const struct cpu_case cases[] = {
        /* kept by PVE in the corpus */
        {"x86-64-v2-AES", NULL},
        {"host", NULL},
        {"host,level=30,flags=+md-clear;+pdpe1gb;-hv-tlbflush", NULL},
        {"host,guest-phys-bits=39", NULL},
        {"custom-alldefault", NULL},
        {"Icelake-Client", NULL},
        {"custom-qemu64,phys-bits=host", NULL},
        {"custom-qemu64,flags=+virt-ssbd", NULL},
        {"kvm64", NULL},
        {"host,flags=+aes", NULL},
        {"cputype=host", NULL},
        /* dropped by PVE in the corpus (0249, 1346, 0354, 1527), in its words */
        {"Host", "Built-in cputype 'Host' is not defined (missing 'custom-' prefix?)"},
        {"host,phys-bits=99",
         "phys-bits: invalid format - value must be an integer between 8 and 64 or 'host'"},
        {"nonexistent",
         "Built-in cputype 'nonexistent' is not defined (missing 'custom-' prefix?)"},
        /* validate_vm_cpu_conf's other rules */
        {"custom-other", "Custom cputype 'other' not found"},
        {"custom-", "Custom cputype '' not found"},
        {"flags=+aes", "CPU is missing cputype"},
        {"0", "CPU is missing cputype"},
        {"host,flags=+vmx",
         "VM-specific CPU flags must be a subset of: aes, amd-no-ssb, amd-ssbd, hv-evmcs, "
         "hv-tlbflush, ibpb, md-clear, nested-virt, pcid, pdpe1gb, spec-ctrl, ssbd, virt-ssbd"},
        {"host,flags=aes", "flags: value does not match the regex pattern"},
        {"host,reported-model=kvm64",
         "Property 'reported-model' not allowed in VM-specific CPU config."},
        {"host,reported-model=bogus",
         "reported-model: value 'bogus' does not have a value in the enumeration"},
        {"host,hv-vendor-id=0123456789abc", "hv-vendor-id: value does not match the regex pattern"},
        {"host,hv-vendor-id=proxmox", NULL},
        {"host,guest-phys-bits=31", "guest-phys-bits: value must have a minimum value of 32"},
        {"host,level=4294967296", "level: value must have a maximum value of 4294967295"},
        {"host,hidden=yes", NULL},
        {"host,hidden=maybe", "hidden: type check ('boolean') failed - got 'maybe'"},
        {"x86-64-v4,phys-bits=8", NULL},
        {"host,bogus=1", "invalid key in comma-separated list property: bogus"},
};

static void test_cpu_values(void **state)
{
	struct pveconf_cpu_models *m = NULL;

	(void)state;
	assert_int_equal(pveconf_cpu_models_parse(harness_models, sizeof(harness_models) - 1, &m),
	                 0);
	assert_int_equal(pveconf_cpu_models_custom_count(m), 2);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char err[1024] = "";
		int r = pveconf_cpu_check(cases[i].value, strlen(cases[i].value), m, err,
		                          sizeof(err));

		if (cases[i].error ? r == 0 || strcmp(err, cases[i].error) != 0 : r != 0) {
			fprintf(stderr, "cpu: %s -> %d '%s', want %s\n", cases[i].value, r, err,
			        cases[i].error ? cases[i].error : "kept");
			fail();
		}
	}
	pveconf_cpu_models_free(m);
}

/* Without the node's models (a config read off the node) custom models are not judged. */
static void test_custom_unknown(void **state)
{
	char err[256];

	(void)state;
	assert_int_equal(pveconf_cpu_check("custom-anything", 15, NULL, err, sizeof(err)), 0);
	assert_int_equal(pveconf_cpu_check("Host", 4, NULL, err, sizeof(err)), -1);
}

/* cpu-models.conf as SectionConfig reads it. */
static void test_models_file(void **state)
{
	static const char text[] =
	        "# comment\n"
	        "cpu-model: a\n"
	        "\tflags +aes\n"
	        "# a comment inside the body does not end it\n"
	        "cpu-model: b\n" /* inside a's body: an ignored line, not a header */
	        "\n"
	        "other-type: c\n"
	        "\tx 1\n"
	        "\n"
	        "cpu-model:d\n"
	        "\n"
	        "cpu-model: e f\n" /* two words: no header */
	        "\n"
	        "cpu-model: g \r\n"
	        "0\n"
	        "cpu-model:x:h\n" /* type cpu-model:x */
	        "\n"
	        "cpu-model: i:\n"; /* id 'i:' */
	static const char *const defined[] = {"a", "d", "g", "i:"};
	static const char *const undefined[] = {"b", "c", "e", "f", "h", "x:h", "i"};
	struct pveconf_cpu_models *m = NULL;
	char err[256], v[64];

	(void)state;
	assert_int_equal(pveconf_cpu_models_parse(text, sizeof(text) - 1, &m), 0);
	assert_int_equal(pveconf_cpu_models_custom_count(m), 4);
	for (size_t i = 0; i < sizeof(defined) / sizeof(defined[0]); i++) {
		snprintf(v, sizeof(v), "custom-%s", defined[i]);
		assert_int_equal(pveconf_cpu_check(v, strlen(v), m, err, sizeof(err)), 0);
	}
	for (size_t i = 0; i < sizeof(undefined) / sizeof(undefined[0]); i++) {
		snprintf(v, sizeof(v), "custom-%s", undefined[i]);
		assert_int_equal(pveconf_cpu_check(v, strlen(v), m, err, sizeof(err)), -1);
	}
	pveconf_cpu_models_free(m);
}

/* Under a root: /etc/pve without the file = no custom model; QEMU's JSON list replaces
 * qemu-server's own when /usr/share/kvm ships it; a broken list is an error. */
static void test_models_load(void **state)
{
	char *root = tt_mkdtemp(), err[256];
	struct util_paths p;
	struct util_err e = {0};
	struct pveconf_cpu_models *m = NULL;

	(void)state;
	assert_int_equal(util_paths_init(&p, root), 0);
	/* no /etc/pve: not a node, custom models not judged */
	assert_int_equal(pveconf_cpu_models_load(&p, &m, &e), 0);
	assert_int_equal(pveconf_cpu_check("custom-x", 8, m, err, sizeof(err)), 0);
	pveconf_cpu_models_free(m);
	/* a node without cpu-models.conf: every custom model is dropped */
	tt_mkdir(root, "etc/pve");
	assert_int_equal(pveconf_cpu_models_load(&p, &m, &e), 0);
	assert_int_equal(pveconf_cpu_check("custom-x", 8, m, err, sizeof(err)), -1);
	assert_string_equal(err, "Custom cputype 'x' not found");
	pveconf_cpu_models_free(m);
	tt_write(root, "etc/pve/virtual-guest/cpu-models.conf", "cpu-model: x\n\tflags +aes\n");
	assert_int_equal(pveconf_cpu_models_load(&p, &m, &e), 0);
	assert_int_equal(pveconf_cpu_check("custom-x", 8, m, err, sizeof(err)), 0);
	assert_int_equal(pveconf_cpu_check("Penryn", 6, m, err, sizeof(err)), 0);
	pveconf_cpu_models_free(m);
	/* QEMU's lists */
	tt_write(root, "usr/share/kvm/cpu-models-x86_64.json", "{\"NewLake\": \"GenuineIntel\"}");
	tt_write(root, "usr/share/kvm/cpu-models-aarch64.json", "{\"cortex-a53\": \"ARM\"}");
	assert_int_equal(pveconf_cpu_models_load(&p, &m, &e), 0);
	assert_int_equal(pveconf_cpu_check("NewLake", 7, m, err, sizeof(err)), 0);
	assert_int_equal(pveconf_cpu_check("cortex-a53", 10, m, err, sizeof(err)), 0);
	assert_int_equal(pveconf_cpu_check("Penryn", 6, m, err, sizeof(err)), -1);
	assert_int_equal(pveconf_cpu_check("host", 4, m, err, sizeof(err)), 0);
	assert_int_equal(pveconf_cpu_check("x86-64-v3", 9, m, err, sizeof(err)), 0);
	pveconf_cpu_models_free(m);
	tt_write(root, "usr/share/kvm/cpu-models-x86_64.json", "[1, 2");
	assert_int_equal(pveconf_cpu_models_load(&p, &m, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "cpu-models-x86_64.json"));
	assert_null(m);
	tt_rmrf(root);
	free(root);
}

/* In a config: a bad cpu: is dropped (corpus 0354: the later invalid duplicate loses and the
 * earlier value is dropped too); the guard's lazy reading does not check cpu: at all, but still
 * checks what it reads (hostpci, vga). */
static void test_reader(void **state)
{
	static const char conf[] = "cpu: Host\ncpu: host,phys-bits=99\nvga: bogus\nname: a\n";
	struct pveconf_cpu_models *m = NULL;
	struct pveconf_vm *vm = NULL;
	struct util_err e = {0};
	struct util_buf out = {0};
	const struct pveconf_diag *d;
	size_t n;

	(void)state;
	assert_int_equal(pveconf_cpu_models_parse(harness_models, sizeof(harness_models) - 1, &m),
	                 0);
	assert_int_equal(pveconf_vm_parse_opts(conf, sizeof(conf) - 1, "t",
	                                       &(struct pveconf_vm_opts){.cpu_models = m}, &vm, &e),
	                 0);
	assert_null(pveconf_vm_get(vm, NULL, "cpu", NULL));
	assert_int_equal(pveconf_vm_write_pve(vm, &out), 0);
	assert_string_equal(util_buf_str(&out), "name: a\n");
	n = pveconf_vm_diags(vm, &d);
	assert_int_equal(n, 3);
	assert_string_equal(d[0].message, "cpu: Built-in cputype 'Host' is not defined (missing "
	                                  "'custom-' prefix?)");
	util_buf_free(&out);
	pveconf_vm_free(vm);

	assert_int_equal(pveconf_vm_parse_opts(conf, sizeof(conf) - 1, "t",
	                                       &(struct pveconf_vm_opts){.lazy = true}, &vm, &e),
	                 0);
	assert_string_equal(pveconf_vm_get(vm, NULL, "cpu", NULL), "host,phys-bits=99");
	assert_null(pveconf_vm_get(vm, NULL, "vga", NULL));
	n = pveconf_vm_diags(vm, &d);
	assert_int_equal(n, 2); /* the earlier cpu: (silent) and vga */
	pveconf_vm_free(vm);
	pveconf_cpu_models_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_cpu_values),  cmocka_unit_test(test_custom_unknown),
	        cmocka_unit_test(test_models_file), cmocka_unit_test(test_models_load),
	        cmocka_unit_test(test_reader),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
