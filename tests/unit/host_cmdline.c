/* Unit tests: host/cmdline (split/join, merge never replaces, conflicts need consent, undo leaves
 * the user's tokens, validation of dotted typos). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "host/cmdline.h"

static const char *const i915_tok[] = {"intel_iommu=on", "i915.enable_guc=3", "i915.max_vfs=7",
                                       "module_blacklist=xe", NULL};
static const char *const i915_forbid[] = {"i915.enable_gvt", NULL};
static const char *const i915_items[] = {"module_blacklist=i915", NULL};
static const struct host_cmdline_want want = {i915_tok, i915_forbid, i915_items};

static char *merged(const char *line, bool consent, struct host_edit **ed, size_t *n)
{
	struct host_tokens t;
	char *s;

	assert_int_equal(host_tokens_split(line, &t), 0);
	assert_int_equal(host_cmdline_merge(&t, &want, consent, ed, n), 0);
	s = host_tokens_join(&t);
	host_tokens_free(&t);
	return s;
}

static void test_split_quotes(void **state)
{
	struct host_tokens t;
	char *j;

	(void)state;
	assert_int_equal(host_tokens_split("  a=1   b=\"x y\"\tc ", &t), 0);
	assert_int_equal(t.n, 3);
	assert_string_equal(t.v[1], "b=\"x y\"");
	j = host_tokens_join(&t);
	assert_string_equal(j, "a=1 b=\"x y\" c");
	assert_int_equal(host_tokens_find(&t, "c"), 2);
	assert_int_equal(host_tokens_find(&t, "d"), -1);
	free(j);
	host_tokens_free(&t);
	/* '-' and '_' are the same in parameter names; the last duplicate wins */
	assert_int_equal(host_tokens_split("vfio-pci.ids=1 vfio_pci.ids=2", &t), 0);
	assert_int_equal(host_tokens_find(&t, "vfio_pci.ids"), 1);
	host_tokens_free(&t);
}

static void test_merge_list_and_no_duplicates(void **state)
{
	struct host_edit *ed;
	size_t n;
	char *s;

	(void)state;
	s = merged("quiet module_blacklist=nouveau intel_iommu=on", false, &ed, &n);
	assert_string_equal(s, "quiet module_blacklist=nouveau,xe intel_iommu=on i915.enable_guc=3 "
	                       "i915.max_vfs=7");
	assert_int_equal(n, 3);
	assert_int_equal(ed[0].kind, HOST_EDIT_ADD);
	assert_int_equal(ed[2].kind, HOST_EDIT_LIST_ADD);
	assert_string_equal(ed[2].value, "xe");
	free(s);
	free(ed);
	/* everything already there: nothing changes */
	s = merged("root=ZFS=rpool/ROOT/pve-1 intel_iommu=on i915.enable_guc=3 i915.max_vfs=7 "
	           "module_blacklist=nouveau,xe",
	           false, &ed, &n);
	assert_int_equal(n, 0);
	assert_string_equal(s, "root=ZFS=rpool/ROOT/pve-1 intel_iommu=on i915.enable_guc=3 "
	                       "i915.max_vfs=7 module_blacklist=nouveau,xe");
	free(s);
	free(ed);
}

static void test_conflicts_need_consent(void **state)
{
	struct host_edit *ed;
	size_t n;
	char *s;

	(void)state;
	s = merged("quiet i915.enable_gvt=1 i915.enable_guc=7 module_blacklist=i915", false, &ed,
	           &n);
	/* nothing conflicting changed, the rest added */
	assert_string_equal(s, "quiet i915.enable_gvt=1 i915.enable_guc=7 module_blacklist=i915,xe "
	                       "intel_iommu=on i915.max_vfs=7");
	for (size_t i = 0; i < n; i++)
		if (ed[i].kind == HOST_EDIT_REMOVE || ed[i].kind == HOST_EDIT_REPLACE ||
		    ed[i].kind == HOST_EDIT_LIST_DEL)
			assert_false(ed[i].applied);
	free(s);
	free(ed);
	s = merged("quiet i915.enable_gvt=1 i915.enable_guc=7 module_blacklist=i915", true, &ed,
	           &n);
	/* the emptied list token goes; the needed one comes back at the end */
	assert_string_equal(s, "quiet i915.enable_guc=3 intel_iommu=on i915.max_vfs=7 "
	                       "module_blacklist=xe");
	free(s);
	free(ed);
}

static void test_unmerge_keeps_user_tokens(void **state)
{
	struct host_tokens t;
	struct host_edit *ed;
	size_t n;
	char *s;
	const char *orig = "quiet module_blacklist=nouveau i915.enable_gvt=1 intel_iommu=on";

	(void)state;
	assert_int_equal(host_tokens_split(orig, &t), 0);
	assert_int_equal(host_cmdline_merge(&t, &want, true, &ed, &n), 0);
	/* the user adds a token afterwards */
	{
		char **nv = realloc(t.v, (t.n + 1) * sizeof(*nv));

		assert_non_null(nv);
		t.v = nv;
		t.v[t.n++] = strdup("mitigations=off");
	}
	assert_int_equal(host_cmdline_unmerge(&t, ed, n), 0);
	s = host_tokens_join(&t);
	/* intel_iommu=on was the user's: it stays; the removed conflict comes back (at the end) */
	assert_string_equal(s, "quiet module_blacklist=nouveau intel_iommu=on mitigations=off "
	                       "i915.enable_gvt=1");
	free(s);
	free(ed);
	host_tokens_free(&t);
}

static void test_validate(void **state)
{
	char why[512];

	(void)state;
	assert_true(host_token_valid("i915.enable_guc=3", why, sizeof(why)));
	assert_true(host_token_valid("xe.force_probe=46d4", why, sizeof(why)));
	assert_true(
	        host_token_valid("pcie_acs_override=downstream,multifunction", why, sizeof(why)));
	assert_true(
	        host_token_valid("nvme_core.default_ps_max_latency_us=14900", why, sizeof(why)));
	/* proc_cmdline_samples.txt: "915.enable_guc=7" */
	assert_false(host_token_valid("915.enable_guc=7", why, sizeof(why)));
	assert_non_null(strstr(why, "did you mean i915.enable_guc"));
	assert_false(host_token_valid("i915.enable_gcu=3", why, sizeof(why)));
	assert_non_null(strstr(why, "i915.enable_guc"));
	assert_false(host_token_valid("i91.max_vfs=7", why, sizeof(why)));
	assert_false(host_token_valid("intel_iommu=yes", why, sizeof(why)));
	assert_false(host_token_valid("module_blacklist=", why, sizeof(why)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_split_quotes),
	        cmocka_unit_test(test_merge_list_and_no_duplicates),
	        cmocka_unit_test(test_conflicts_need_consent),
	        cmocka_unit_test(test_unmerge_keeps_user_tokens),
	        cmocka_unit_test(test_validate),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
