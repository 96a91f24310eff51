/* Unit tests: settings/api - the api { } and cluster "name" { } blocks of the config file, their
 * checks with FILE:LINE messages, URL and fingerprint normalization, the --api-* overrides. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "settings/api.h"
#include "support/fixture.h"
#include "support/tmpdir.h"

static int load(const char *content, struct settings_api_list *l, struct util_err *e)
{
	char *dir = tt_mkdtemp(), path[1100];
	int r;

	tt_write(dir, "pve-passthrough.conf", content);
	snprintf(path, sizeof(path), "%s/pve-passthrough.conf", dir);
	r = settings_api_load(path, l, e);
	tt_rmrf(dir);
	free(dir);
	return r;
}

/* Issue 13 defect 6: a FIFO (or a directory) in place of the config file is refused with a
 * message naming it, never waited on; alarm() turns a hang into a failure. */
static void test_not_a_regular_file(void **state)
{
	struct tt_root *t = *state;
	struct settings_api_list l;

	tt_root_path(t, "pve-passthrough.conf");
	assert_int_equal(mkfifo(t->path, 0600), 0);
	alarm(10);
	assert_int_equal(settings_api_load(t->path, &l, &t->e), -EINVAL);
	alarm(0);
	assert_non_null(strstr(t->e.msg, "pve-passthrough.conf is a FIFO, not a regular file"));
	assert_int_equal(unlink(t->path), 0);
	assert_int_equal(mkdir(t->path, 0700), 0);
	memset(&t->e, 0, sizeof(t->e));
	assert_int_equal(settings_api_load(t->path, &l, &t->e), -EISDIR);
	assert_non_null(strstr(t->e.msg, "is a directory"));
}

static void test_blocks(void **state)
{
	struct settings_api_list l;
	struct util_err e = {0};
	const struct settings_api *a;

	(void)state;
	/* options of other modules are ignored here (sections are not: libconfuse cannot skip
	 * them, see README "Merging the settings schema") */
	assert_int_equal(load("# settings of another module\n"
	                      "fail-on = \"warning\"\n"
	                      "api {\n"
	                      "  url = \"pve1.example.org\"\n"
	                      "  token-file = \"/etc/pve-passthrough/token\"\n"
	                      "  ca-file = \"/etc/pve/pve-root-ca.pem\"\n"
	                      "}\n"
	                      "cluster \"edge\" {\n"
	                      "  url = \"https://10.0.0.5:8443/api2/json\"\n"
	                      "  user = \"root@pam\"\n"
	                      "  password-file = \"/root/.edge\"\n"
	                      "  fingerprint = \"aa:bb:cc:dd:ee:ff:00:11:22:33:44:55:66:77:88:99:"
	                      "aa:bb:cc:dd:ee:ff:00:11:22:33:44:55:66:77:88:99\"\n"
	                      "  timeout = 30\n"
	                      "}\n"
	                      "cluster \"lab\" { url = \"[fd00::1]\" token-file = \"/t\" }\n",
	                      &l, &e),
	                 0);
	assert_int_equal(l.n, 3);
	a = settings_api_find(&l, NULL);
	assert_non_null(a);
	assert_string_equal(a->url, "https://pve1.example.org:8006/api2/json");
	assert_string_equal(a->token_file, "/etc/pve-passthrough/token");
	assert_string_equal(a->ca_file, "/etc/pve/pve-root-ca.pem");
	assert_int_equal(a->timeout_s, SETTINGS_API_TIMEOUT_DEFAULT);
	assert_non_null(strstr(a->where, "pve-passthrough.conf:3"));
	a = settings_api_find(&l, "edge");
	assert_non_null(a);
	assert_string_equal(a->url, "https://10.0.0.5:8443/api2/json");
	assert_string_equal(a->user, "root@pam");
	assert_string_equal(a->fingerprint, "AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:"
	                                    "AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99");
	assert_int_equal(a->timeout_s, 30);
	assert_string_equal(settings_api_find(&l, "lab")->url, "https://[fd00::1]:8006/api2/json");
	assert_null(settings_api_find(&l, "nope"));
	settings_api_list_free(&l);
}

/* The way settings/settings.c takes the sections into its own (strict) schema. */
static void test_merged_schema(void **state)
{
	struct tt_root *t = *state;
	cfg_opt_t guard[] = {CFG_INT("timeout", 5, CFGF_NONE), CFG_END()};
	cfg_opt_t opts[] = {CFG_SEC("guard", guard, CFGF_NONE), CFG_END(), CFG_END(), CFG_END()};
	struct settings_api_list l;
	cfg_t *cfg;

	settings_api_cfg_opts(&opts[1]);
	tt_write(
	        t->dir, "c.conf",
	        "guard { timeout = 7 }\n"
	        "api { url = \"pve1\" token-file = \"/t\" }\n"
	        "cluster \"b\" { url = \"pve9:443\" user = \"root@pam\" password-file = \"/p\" }\n");
	tt_root_path(t, "c.conf");
	cfg = cfg_init(opts, CFGF_NONE);
	assert_int_equal(cfg_parse(cfg, t->path), CFG_SUCCESS);
	assert_int_equal(cfg_getint(cfg_getsec(cfg, "guard"), "timeout"), 7);
	assert_int_equal(settings_api_from_cfg(cfg, t->path, &l, &t->e), 0);
	assert_int_equal(l.n, 2);
	assert_string_equal(settings_api_find(&l, NULL)->url, "https://pve1:8006/api2/json");
	assert_string_equal(settings_api_find(&l, "b")->url, "https://pve9:443/api2/json");
	assert_non_null(strstr(settings_api_find(&l, "b")->where, "c.conf:3"));
	settings_api_list_free(&l);
	cfg_free(cfg);
}

static void test_missing_file_is_empty(void **state)
{
	struct settings_api_list l;
	struct util_err e = {0};

	(void)state;
	assert_int_equal(settings_api_load("/nonexistent/pve-passthrough.conf", &l, &e), 0);
	assert_int_equal(l.n, 0);
	assert_null(settings_api_find(&l, NULL));
}

static void test_errors_name_file_and_line(void **state)
{
	struct settings_api_list l;
	struct util_err e = {0};

	(void)state;
	assert_int_equal(load("\napi {\n url = \"pve1\"\n}\n", &l, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "pve-passthrough.conf:2: no credentials"));

	util_err_clear(&e);
	assert_int_equal(load("api {\n url = \"http://pve1\"\n token-file = \"/t\"\n}\n", &l, &e),
	                 -EINVAL);
	assert_non_null(strstr(e.msg, "not an HTTPS address"));

	util_err_clear(&e);
	assert_int_equal(load("api {\n url = \"pve1\"\n token-file = \"/t\"\n user = \"root@pam\"\n"
	                      " password-file = \"/p\"\n}\n",
	                      &l, &e),
	                 -EINVAL);
	assert_non_null(strstr(e.msg, "exclude each other"));

	util_err_clear(&e);
	assert_int_equal(load("api {\n url = \"pve1\"\n token-file = \"/t\"\n fingerprint = "
	                      "\"AA:BB\"\n}\n",
	                      &l, &e),
	                 -EINVAL);
	assert_non_null(strstr(e.msg, "32 hex bytes"));

	util_err_clear(&e);
	assert_int_equal(
	        load("api {\n url = \"pve1\"\n token-file = \"/t\"\n timeout = 0\n}\n", &l, &e),
	        -EINVAL);
	assert_non_null(strstr(e.msg, "timeout"));

	/* a syntax error inside the block: libconfuse's message, with our file and line */
	util_err_clear(&e);
	assert_int_equal(load("api {\n url = \"pve1\"\n token-file = \n", &l, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "pve-passthrough.conf:"));

	util_err_clear(&e);
	assert_int_equal(load("api { url = \"a\" token-file = \"/t\" }\n"
	                      "api { url = \"b\" token-file = \"/t\" }\n",
	                      &l, &e),
	                 -EINVAL);
	assert_non_null(strstr(e.msg, "more than one api block"));

	util_err_clear(&e);
	assert_int_equal(load("\n\ncluster \"b\" {\n url = \"pve1\"\n}\n", &l, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "pve-passthrough.conf:3: no credentials"));

	util_err_clear(&e);
	assert_int_equal(load("cluster \"a\" { url = \"x\" token-file = \"/t\" }\n"
	                      "cluster \"a\" { url = \"y\" token-file = \"/t\" }\n",
	                      &l, &e),
	                 -EINVAL);
	assert_non_null(strstr(e.msg, "pve-passthrough.conf:"));
}

static void test_url_normalize(void **state)
{
	char out[512];

	(void)state;
	assert_int_equal(settings_api_url_normalize("pve1", out, sizeof(out)), 0);
	assert_string_equal(out, "https://pve1:8006/api2/json");
	assert_int_equal(settings_api_url_normalize("pve1:443", out, sizeof(out)), 0);
	assert_string_equal(out, "https://pve1:443/api2/json");
	assert_int_equal(settings_api_url_normalize("https://192.0.2.1:8006/", out, sizeof(out)),
	                 0);
	assert_string_equal(out, "https://192.0.2.1:8006/api2/json");
	assert_int_equal(
	        settings_api_url_normalize("https://[::1]:8006/api2/json", out, sizeof(out)), 0);
	assert_string_equal(out, "https://[::1]:8006/api2/json");
	assert_int_equal(settings_api_url_normalize("http://pve1", out, sizeof(out)), -EINVAL);
	assert_int_equal(settings_api_url_normalize("pve1:0", out, sizeof(out)), -EINVAL);
	assert_int_equal(settings_api_url_normalize("pve1:99999", out, sizeof(out)), -EINVAL);
	assert_int_equal(settings_api_url_normalize("pve1/other/path", out, sizeof(out)), -EINVAL);
	assert_int_equal(settings_api_url_normalize("", out, sizeof(out)), -EINVAL);
	assert_int_equal(settings_api_url_normalize("user@pve1", out, sizeof(out)), -EINVAL);
}

static void test_fingerprint_normalize(void **state)
{
	char out[96];
	const char *up =
	        "39:91:67:B6:54:09:E0:74:02:A9:1D:E4:70:5C:A5:E1:37:BD:CF:90:1C:A5:8D:8D:86:"
	        "24:75:6E:5C:2C:D7:F7";

	(void)state;
	assert_int_equal(settings_api_fingerprint_normalize(up, out, sizeof(out)), 0);
	assert_string_equal(out, up);
	assert_int_equal(settings_api_fingerprint_normalize(
	                         "399167b65409e07402a91de4705ca5e137bdcf901ca58d8d8624756e5c2cd7f7",
	                         out, sizeof(out)),
	                 0);
	assert_string_equal(out, up);
	/* SHA-1 length, odd digits, junk */
	assert_int_equal(
	        settings_api_fingerprint_normalize("AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:"
	                                           "77:88:99:AA:BB:CC:DD",
	                                           out, sizeof(out)),
	        -EINVAL);
	assert_int_equal(settings_api_fingerprint_normalize("zz", out, sizeof(out)), -EINVAL);
	assert_int_equal(settings_api_fingerprint_normalize("", out, sizeof(out)), -EINVAL);
}

static void test_overrides(void **state)
{
	struct settings_api s = {0};
	struct settings_api_overrides o = {0};
	struct util_err e = {0};

	(void)state;
	/* nothing configured, all from the command line */
	o.url = "pve2:8006";
	o.token_file = "/root/token";
	o.fingerprint = "399167b65409e07402a91de4705ca5e137bdcf901ca58d8d8624756e5c2cd7f7";
	assert_int_equal(settings_api_override(&s, &o, &e), 0);
	assert_string_equal(s.url, "https://pve2:8006/api2/json");
	assert_int_equal(s.timeout_s, SETTINGS_API_TIMEOUT_DEFAULT);
	/* a configured ticket login and CA file give way to the token and the pin */
	memset(&s, 0, sizeof(s));
	snprintf(s.url, sizeof(s.url), "https://pve1:8006/api2/json");
	snprintf(s.user, sizeof(s.user), "root@pam");
	snprintf(s.password_file, sizeof(s.password_file), "/root/pw");
	snprintf(s.ca_file, sizeof(s.ca_file), "/etc/pve/pve-root-ca.pem");
	memset(&o, 0, sizeof(o));
	o.token_file = "/root/token";
	o.fingerprint = "399167b65409e07402a91de4705ca5e137bdcf901ca58d8d8624756e5c2cd7f7";
	assert_int_equal(settings_api_override(&s, &o, &e), 0);
	assert_string_equal(s.user, "");
	assert_string_equal(s.ca_file, "");
	assert_string_equal(s.url, "https://pve1:8006/api2/json");
	/* and the other way round */
	memset(&o, 0, sizeof(o));
	o.ca_file = "/tmp/ca.pem";
	assert_int_equal(settings_api_override(&s, &o, &e), 0);
	assert_string_equal(s.fingerprint, "");
	assert_string_equal(s.ca_file, "/tmp/ca.pem");
	/* bad values */
	o.fingerprint = "AA:BB";
	assert_int_equal(settings_api_override(&s, &o, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "--api-fingerprint"));
	memset(&o, 0, sizeof(o));
	o.url = "http://pve1";
	assert_int_equal(settings_api_override(&s, &o, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "--api-url"));
	/* no url at all */
	memset(&s, 0, sizeof(s));
	memset(&o, 0, sizeof(o));
	o.token_file = "/t";
	assert_int_equal(settings_api_override(&s, &o, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "--api-url"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_blocks),
	        cmocka_unit_test_setup_teardown(test_not_a_regular_file, tt_root_setup,
	                                        tt_root_teardown),
	        cmocka_unit_test_setup_teardown(test_merged_schema, tt_root_setup,
	                                        tt_root_teardown),
	        cmocka_unit_test(test_missing_file_is_empty),
	        cmocka_unit_test(test_errors_name_file_and_line),
	        cmocka_unit_test(test_url_normalize),
	        cmocka_unit_test(test_fingerprint_normalize),
	        cmocka_unit_test(test_overrides),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
