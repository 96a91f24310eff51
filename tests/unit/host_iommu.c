/* Unit tests: host_iommu_token - which IOMMU token a generic SR-IOV PF needs, from the ACPI table
 * of the IOMMU (DMAR / IVRS), else the CPU vendor, and the kernel config's Intel IOMMU default
 * (Debian 12's 6.1 uses CONFIG_INTEL_IOMMU_DEFAULT_ON_INTGPU_OFF, on for all but integrated GPUs),
 * and intel_iommu=off on a command line the host boots with, on fake roots; host_mode_parse of
 * every journal mode name. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "host/probe.h"
#include "support/tmpdir.h"

#define REL "6.1.0-50-amd64"

/* the token for a root with these files ("" = absent) */
static void token_of(const char *acpi, const char *cpu, const char *config, char tok[32],
                     char why[256])
{
	char *dir = tt_mkdtemp();
	struct util_paths p;

	if (acpi[0])
		tt_write(dir, acpi, "table");
	if (cpu[0])
		tt_write(dir, "proc/cpuinfo", cpu);
	if (config[0])
		tt_write(dir, "boot/config-" REL, config);
	assert_int_equal(util_paths_init(&p, dir), 0);
	host_iommu_token(&p, REL, tok, why);
	tt_rmrf(dir);
	free(dir);
}

static void test_intel(void **state)
{
	char tok[32], why[256];

	(void)state;
	token_of("sys/firmware/acpi/tables/DMAR", "",
	         "# CONFIG_INTEL_IOMMU_DEFAULT_ON is not set\n", tok, why);
	assert_string_equal(tok, "intel_iommu=on");
	assert_non_null(strstr(why, "leaves it off by default"));
	token_of("sys/firmware/acpi/tables/DMAR", "",
	         "CONFIG_X=y\n# CONFIG_INTEL_IOMMU_DEFAULT_ON is not set\n"
	         "CONFIG_INTEL_IOMMU_DEFAULT_ON_INTGPU_OFF=y\n",
	         tok, why);
	assert_string_equal(tok, "");
	assert_non_null(strstr(why, "enables it by default"));
	token_of("sys/firmware/acpi/tables/DMAR", "", "CONFIG_INTEL_IOMMU_DEFAULT_ON=y", tok, why);
	assert_string_equal(tok, "");
	/* a prefix of another option is not the option */
	token_of("sys/firmware/acpi/tables/DMAR", "", "CONFIG_INTEL_IOMMU_DEFAULT_ON_X=y\n", tok,
	         why);
	assert_string_equal(tok, "intel_iommu=on");
	/* no config for the release: be safe */
	token_of("sys/firmware/acpi/tables/DMAR", "", "", tok, why);
	assert_string_equal(tok, "intel_iommu=on");
	assert_non_null(strstr(why, "unreadable"));
	/* the ACPI table wins over the CPU (QEMU's -cpu max under TCG says AuthenticAMD) */
	token_of("sys/firmware/acpi/tables/DMAR", "vendor_id\t: AuthenticAMD\n",
	         "# CONFIG_INTEL_IOMMU_DEFAULT_ON is not set\n", tok, why);
	assert_string_equal(tok, "intel_iommu=on");
	token_of("", "vendor_id\t: GenuineIntel\n", "# CONFIG_INTEL_IOMMU_DEFAULT_ON is not set\n",
	         tok, why);
	assert_string_equal(tok, "intel_iommu=on");
	assert_non_null(strstr(why, "CPU vendor"));
}

static void test_amd_and_unknown(void **state)
{
	char tok[32], why[256];

	(void)state;
	token_of("sys/firmware/acpi/tables/IVRS", "", "", tok, why);
	assert_string_equal(tok, "");
	assert_non_null(strstr(why, "AMD"));
	token_of("", "vendor_id\t: AuthenticAMD\n", "", tok, why);
	assert_string_equal(tok, "");
	token_of("", "", "CONFIG_INTEL_IOMMU_DEFAULT_ON=y\n", tok, why);
	assert_string_equal(tok, "intel_iommu=on");
	assert_non_null(strstr(why, "unknown"));
}

/* intel_iommu=off on a command line the host boots with: the kernel obeys it even where its
 * config enables the IOMMU by default, so the token is needed (and replaces it in the plan) */
static void test_intel_turned_off(void **state)
{
	static const struct {
		const char *file, *text, *where; /* where: NULL = not turned off */
	} cases[] = {
	        {"etc/default/grub", "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet intel_iommu=off\"\n",
	         "GRUB configuration"},
	        {"etc/default/grub.d/50-user.cfg",
	         "GRUB_CMDLINE_LINUX_DEFAULT=\"$GRUB_CMDLINE_LINUX_DEFAULT intel_iommu=sm_on,off\"\n",
	         "GRUB configuration"},
	        {"etc/kernel/cmdline", "root=ZFS=rpool/ROOT/pve-1 boot=zfs intel_iommu=off\n",
	         "/etc/kernel/cmdline"},
	        {"proc/cmdline", "BOOT_IMAGE=/vmlinuz ro intel_iommu=off quiet\n", "/proc/cmdline"},
	        /* the last one counts; "offset" is not "off" */
	        {"proc/cmdline", "ro intel_iommu=off intel_iommu=on\n", NULL},
	        {"proc/cmdline", "ro intel_iommu=offset\n", NULL},
	        {"etc/default/grub", "# GRUB_CMDLINE_LINUX_DEFAULT=\"intel_iommu=off\"\n", NULL},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *dir = tt_mkdtemp(), tok[32], why[256];
		struct util_paths p;

		tt_write(dir, "sys/firmware/acpi/tables/DMAR", "table");
		tt_write(dir, "boot/config-" REL, "CONFIG_INTEL_IOMMU_DEFAULT_ON=y\n");
		tt_write(dir, cases[i].file, cases[i].text);
		if (strncmp(cases[i].file, "etc/default/grub.d/", 19) == 0)
			tt_write(dir, "etc/default/grub", "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\n");
		assert_int_equal(util_paths_init(&p, dir), 0);
		host_iommu_token(&p, REL, tok, why);
		if (cases[i].where) {
			assert_string_equal(tok, "intel_iommu=on");
			assert_non_null(strstr(why, "intel_iommu=off in"));
			assert_non_null(strstr(why, cases[i].where));
		} else {
			assert_string_equal(tok, "");
			assert_non_null(strstr(why, "enables it by default"));
		}
		tt_rmrf(dir);
		free(dir);
	}
}

static void test_mode_names(void **state)
{
	const enum host_mode all[] = {HOST_MODE_SRIOV_I915, HOST_MODE_SRIOV_XE, HOST_MODE_GVTG,
	                              HOST_MODE_SRIOV_GENERIC};

	(void)state;
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		assert_int_equal(host_mode_parse(host_mode_name(all[i])), all[i]);
	assert_string_equal(host_mode_name(HOST_MODE_SRIOV_GENERIC), "sriov-generic");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_intel),
	        cmocka_unit_test(test_amd_and_unknown),
	        cmocka_unit_test(test_intel_turned_off),
	        cmocka_unit_test(test_mode_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
