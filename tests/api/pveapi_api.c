/* API tests: pveapi/ against tests/api/server.py over real TLS on loopback - CA and pin
 * verification, credentials, every error mapping, digest-checked writes, ticket login, partial
 * failure (offline / unresponsive node), deadline, connection reuse, and that secrets never
 * reach a message.  Run by `make check-api`. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"
#include "pveapi/pveapi.h"
#include "pveapi/snapshot.h"
#include "support/tmpdir.h"

static struct ts srv; /* one server for the group; tests set its control file */

static const char *fixture_args(void)
{
	static char buf[1100];

	snprintf(buf, sizeof(buf), "--fixture %s", tt_src("tests/api/fixtures/cluster.json"));
	return buf;
}

static int group_setup(void **state)
{
	(void)state;
	ts_start(&srv, NULL, fixture_args(), NULL);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	ts_stop(&srv);
	return 0;
}

/* What most tests start from, made by reset (with the server's control file emptied) and freed
 * by done: the server's settings, a snapshot to fetch into and an error slot. */
struct api_case {
	struct settings_api s;       /* ts_settings of the group's server */
	struct pveapi_snapshot snap; /* fetch()'s; done frees what a test left in it */
	struct util_err e;
};

static int reset(void **state)
{
	struct api_case *t = calloc(1, sizeof(*t));

	if (!t)
		return -1;
	ts_control(&srv, "{}");
	ts_settings(&srv, &t->s);
	*state = t;
	return 0;
}

static int done(void **state)
{
	struct api_case *t = *state;

	pveapi_snapshot_free(&t->snap);
	free(t);
	return 0;
}

/* No message may carry the token secret or the password. */
static void assert_no_secret(const char *msg)
{
	assert_null(strstr(msg, srv.secret));
	assert_null(strstr(msg, "correct horse"));
	assert_null(strstr(msg, "wrong-secret-value"));
}

static struct pveapi_client *client(const struct settings_api *s)
{
	struct pveapi_client *c = NULL;
	struct util_err e = {0};
	int r = pveapi_client_new(s, &c, &e);

	if (r)
		fail_msg("pveapi_client_new: %s", e.msg);
	return c;
}

static int fetch(const struct settings_api *s, struct pveapi_snapshot *snap, struct util_err *e)
{
	struct pveapi_client *c = client(s);
	int r = pveapi_snapshot_fetch(c, NULL, snap, e);

	pveapi_client_free(c);
	return r;
}

static const char *kv(const struct pveapi_vm *vm, const char *key)
{
	return pveapi_kv_get(vm->config, vm->nconfig, key);
}

static void test_ca_snapshot(void **state)
{
	struct api_case *t = *state;
	const struct pveapi_vm *vm;
	const struct pveapi_node *n;

	assert_int_equal(fetch(&t->s, &t->snap, &t->e), 0);
	/* qemu only: the container 400 is not listed */
	assert_int_equal(t->snap.nvms, 4);
	assert_null(pveapi_snapshot_vm(&t->snap, 400));
	assert_int_equal(t->snap.nnodes, 3);
	/* 4 cluster-wide (with the HA resources) + 3 hardware + 1 mdev (pve2) + 4 configs + 3
	 * current (running VMs) + the snippet listings: VM 100 (HA) local on all 3 nodes, VM 101
	 * nas on its node */
	assert_int_equal(t->snap.requests, 19);
	assert_int_equal(t->snap.failed, 1); /* the listing of nas, no storage */

	vm = pveapi_snapshot_vm(&t->snap, 100);
	assert_non_null(vm);
	assert_string_equal(vm->node, "pve1");
	assert_string_equal(vm->status, "running");
	/* numbers arrive as JSON numbers and become text; strings stay strings */
	assert_string_equal(kv(vm, "cores"), "1");
	assert_string_equal(kv(vm, "memory"), "512");
	assert_string_equal(kv(vm, "hostpci1"), "mapping=someGpu,mdev=some-model");
	/* pending applied in config, not in ?current=1 */
	assert_string_equal(kv(vm, "hostpci2"), "0000:00:02.1,pcie=1");
	assert_true(vm->has_current);
	assert_null(pveapi_kv_get(vm->current, vm->ncurrent, "hostpci2"));
	assert_int_equal(strlen(vm->digest), 40);
	vm = pveapi_snapshot_vm(&t->snap, 101);
	assert_false(vm->has_current); /* stopped */
	assert_string_equal(kv(vm, "hostpci0"), "0000:00:02.2,pcie=1,x-vga=1");

	n = pveapi_snapshot_node(&t->snap, "pve1");
	assert_true(n->reachable);
	assert_true(n->has_pci);
	assert_true(n->sriov_fields);
	/* PVE's lspci of the demo host with 2 VFs: the PF, 2 VFs and 5 other devices */
	assert_int_equal(n->npci, 8);
	assert_string_equal(n->pci[0].id, "0000:00:02.0");
	assert_string_equal(n->pci[0].vendor, "0x8086");
	/* "virtfns" arrives as an object {"virtfn0": ..., "virtfn1": ...} */
	assert_int_equal(n->pci[0].nvirtfns, 2);
	assert_string_equal(n->pci[0].virtfns[0], "0000:00:02.1");
	assert_string_equal(n->pci[0].virtfns[1], "0000:00:02.2");
	assert_string_equal(n->pci[1].physfn, "0000:00:02.0");
	assert_int_equal(n->pci[1].iommugroup, 20);
	assert_string_equal(n->ssl_fingerprint, srv.fp);
	n = pveapi_snapshot_node(&t->snap, "pve2");
	assert_false(n->sriov_fields); /* GVT-g: no physfn/virtfns */
	assert_true(n->pci[0].mdev);
	assert_int_equal(n->pci[0].nmdev_types, 4);
	assert_string_equal(n->pci[0].mdev_types[0].type, "i915-GVTg_V5_4");
	assert_int_equal(n->pci[0].mdev_types[2].available, 3);
	/* the description keeps PVE's final newline */
	assert_string_equal(n->pci[0].mdev_types[1].description,
	                    "low_gm_size: 256MB\nhigh_gm_size: 1024MB\nfence: 4\n"
	                    "resolution: 1920x1200\nweight: 8\n");
	assert_int_equal(n->pci[1].iommugroup, -1); /* a node without IOMMU */

	/* hookscripts: VM 100 is an HA resource, its snippet only on pve1; nas is no storage */
	assert_true(pveapi_snapshot_vm(&t->snap, 100)->ha);
	assert_false(pveapi_snapshot_vm(&t->snap, 101)->ha);
	assert_int_equal(t->snap.ha_err, 0);
	assert_int_equal(pveapi_snippet_present(pveapi_snapshot_node(&t->snap, "pve1"),
	                                        "local:snippets/guard.sh"),
	                 1);
	assert_int_equal(pveapi_snippet_present(pveapi_snapshot_node(&t->snap, "pve2"),
	                                        "local:snippets/guard.sh"),
	                 0);
	assert_int_equal(pveapi_snippet_present(pveapi_snapshot_node(&t->snap, "pve3"),
	                                        "local:snippets/guard.sh"),
	                 0);
	assert_int_equal(
	        pveapi_snippet_present(pveapi_snapshot_node(&t->snap, "pve1"), "nas:snippets/x.sh"),
	        -1);
	assert_int_equal(pveapi_snapshot_node(&t->snap, "pve1")->nsnippets, 2);
	assert_non_null(strstr(pveapi_snapshot_node(&t->snap, "pve1")->snippets[1].errmsg,
	                       "does not exist"));
	/* a non-HA VM's storage is not listed on other nodes */
	assert_int_equal(pveapi_snapshot_node(&t->snap, "pve2")->nsnippets, 1);
	assert_int_equal(t->snap.nmappings, 2);
	assert_string_equal(t->snap.mappings[1].id, "someGpu");
	assert_true(t->snap.mappings[1].mdev);
	assert_string_equal(t->snap.mappings[0].map[0],
	                    "node=pve1,path=0000:02:00.0,id=8086:125c,iommugroup=5");
	pveapi_snapshot_free(&t->snap);
}

static void test_wrong_ca_refused(void **state)
{
	struct api_case *t = *state;
	int before = ts_log_count(&srv, "req ");

	snprintf(t->s.ca_file, sizeof(t->s.ca_file), "%s", srv.other_ca);
	assert_int_equal(fetch(&t->s, &t->snap, &t->e), -EKEYREJECTED);
	assert_non_null(strstr(t->e.msg, "not trusted"));
	assert_non_null(strstr(t->e.msg, srv.other_ca));
	assert_int_equal(t->snap.nvms, 0);
	assert_no_secret(t->e.msg);
	pveapi_snapshot_free(&t->snap);
	/* no request got through the refused handshake */
	assert_int_equal(ts_log_count(&srv, "req "), before);
}

static void test_system_cas_refuse_cluster_ca(void **state)
{
	struct api_case *t = *state;

	/* neither ca-file nor fingerprint: verification still on, against the system CAs */
	t->s.ca_file[0] = '\0';
	assert_int_equal(fetch(&t->s, &t->snap, &t->e), -EKEYREJECTED);
	assert_non_null(strstr(t->e.msg, "system CAs"));
	pveapi_snapshot_free(&t->snap);
}

static void test_hostname_checked_with_ca(void **state)
{
	struct api_case *t = *state;
	struct ts other;

	ts_start(&other, "wrongname", fixture_args(), NULL);
	ts_settings(&other, &t->s);
	assert_int_equal(fetch(&t->s, &t->snap, &t->e), -EKEYREJECTED);
	assert_non_null(strstr(t->e.msg, "127.0.0.1"));
	pveapi_snapshot_free(&t->snap);
	/* the pin names the certificate itself, so the same server is accepted by its pin */
	t->s.ca_file[0] = '\0';
	snprintf(t->s.fingerprint, sizeof(t->s.fingerprint), "%s", other.fp);
	assert_int_equal(fetch(&t->s, &t->snap, &t->e), 0);
	assert_int_equal(t->snap.nvms, 4);
	pveapi_snapshot_free(&t->snap);
	ts_stop(&other);
}

static void test_pin_accepted(void **state)
{
	struct api_case *t = *state;

	t->s.ca_file[0] = '\0'; /* the throwaway CA is nowhere in the system store */
	assert_int_equal(settings_api_fingerprint_normalize(srv.fp, t->s.fingerprint,
	                                                    sizeof(t->s.fingerprint)),
	                 0);
	assert_int_equal(fetch(&t->s, &t->snap, &t->e), 0);
	assert_int_equal(t->snap.nvms, 4);
	pveapi_snapshot_free(&t->snap);
}

static void test_pin_wrong_refused(void **state)
{
	struct api_case *t = *state;
	char wrong[96];

	t->s.ca_file[0] = '\0';
	snprintf(wrong, sizeof(wrong), "%s", srv.fp);
	wrong[0] = wrong[0] == 'A' ? 'B' : 'A';
	snprintf(t->s.fingerprint, sizeof(t->s.fingerprint), "%s", wrong);
	snprintf(t->s.where, sizeof(t->s.where), "test.conf:3");
	assert_int_equal(fetch(&t->s, &t->snap, &t->e), -EKEYREJECTED);
	assert_non_null(strstr(t->e.msg, wrong));  /* expected */
	assert_non_null(strstr(t->e.msg, srv.fp)); /* seen */
	assert_non_null(strstr(t->e.msg, "test.conf:3"));
	assert_no_secret(t->e.msg);
	pveapi_snapshot_free(&t->snap);
}

static void test_token_file_permissions(void **state)
{
	struct api_case *t = *state;
	struct pveapi_client *c = NULL;
	char *dir = tt_mkdtemp(), path[1100], tok[128];

	snprintf(tok, sizeof(tok), "root@pam!audit=%s\n", srv.secret);
	tt_write(dir, "tok", tok);
	snprintf(path, sizeof(path), "%s/tok", dir);
	snprintf(t->s.token_file, sizeof(t->s.token_file), "%s", path);
	chmod(path, 0644);
	assert_int_equal(pveapi_client_new(&t->s, &c, &t->e), -EACCES);
	assert_null(c);
	assert_non_null(strstr(t->e.msg, "chmod 600"));
	assert_non_null(strstr(t->e.msg, "0644"));
	assert_no_secret(t->e.msg);
	chmod(path, 0640);
	assert_int_equal(pveapi_client_new(&t->s, &c, &t->e), -EACCES);
	chmod(path, 0604);
	assert_int_equal(pveapi_client_new(&t->s, &c, &t->e), -EACCES);
	chmod(path, 0600);
	/* owned by someone else than root or the invoking user: refused however tight the mode */
	assert_int_equal(chown(path, 4242, 4242), 0);
	assert_int_equal(pveapi_client_new(&t->s, &c, &t->e), -EACCES);
	assert_non_null(strstr(t->e.msg, "belongs to uid 4242"));
	assert_no_secret(t->e.msg);
	assert_int_equal(chown(path, getuid(), getgid()), 0);
	assert_int_equal(pveapi_client_new(&t->s, &c, &t->e), 0);
	/* no core dump, no ptrace while the token is in memory; as before once it is wiped */
	assert_int_equal(prctl(PR_GET_DUMPABLE, 0, 0, 0, 0), 0);
	pveapi_client_free(c);
	assert_int_equal(prctl(PR_GET_DUMPABLE, 0, 0, 0, 0), 1);
	c = NULL;
	/* a FIFO in place of the token file: refused at once */
	unlink(path);
	assert_int_equal(mkfifo(path, 0600), 0);
	alarm(10);
	assert_int_equal(pveapi_client_new(&t->s, &c, &t->e), -EINVAL);
	alarm(0);
	assert_non_null(strstr(t->e.msg, "is not a regular file"));
	unlink(path);
	tt_write(dir, "tok", tok);
	/* malformed content: refused without echoing it */
	tt_write(dir, "tok", "wrong-secret-value\n");
	chmod(path, 0600);
	assert_int_equal(pveapi_client_new(&t->s, &c, &t->e), -EINVAL);
	assert_non_null(strstr(t->e.msg, "USER@REALM!TOKENID=SECRET"));
	assert_no_secret(t->e.msg);
	/* missing file */
	snprintf(t->s.token_file, sizeof(t->s.token_file), "%s/none", dir);
	assert_int_equal(pveapi_client_new(&t->s, &c, &t->e), -ENOENT);
	tt_rmrf(dir);
	free(dir);
}

static void test_bad_token_401(void **state)
{
	struct api_case *t = *state;
	char *dir = tt_mkdtemp();

	tt_write(dir, "tok", "root@pam!audit=wrong-secret-value\n");
	snprintf(t->s.token_file, sizeof(t->s.token_file), "%s/tok", dir);
	chmod(t->s.token_file, 0600);
	assert_int_equal(fetch(&t->s, &t->snap, &t->e), -EACCES);
	assert_non_null(strstr(t->e.msg, "HTTP 401"));
	assert_non_null(strstr(t->e.msg, "token"));
	assert_no_secret(t->e.msg);
	/* an authentication failure stops the run: only the first four requests went out */
	assert_true(t->snap.requests <= 4);
	pveapi_snapshot_free(&t->snap);
	tt_rmrf(dir);
	free(dir);
}

static void test_401_empty_body_injected(void **state)
{
	struct api_case *t = *state;

	ts_control(&srv, "{\"rules\":[{\"path\":\"/cluster/resources.*\",\"status\":401,"
	                 "\"reason\":\"invalid PVE ticket\",\"empty\":true}]}");
	assert_int_equal(fetch(&t->s, &t->snap, &t->e), -EACCES);
	assert_non_null(strstr(t->e.msg, "HTTP 401 invalid PVE ticket"));
	assert_no_secret(t->e.msg);
	pveapi_snapshot_free(&t->snap);
}

static void test_403_one_vm(void **state)
{
	struct api_case *t = *state;
	const struct pveapi_vm *vm;

	ts_control(&srv, "{\"rules\":[{\"path\":\"/nodes/pve1/qemu/101/config\",\"status\":403,"
	                 "\"reason\":\"Permission check failed (/vms/101, VM.Audit)\","
	                 "\"message\":\"Permission check failed (/vms/101, VM.Audit)\\n\"}]}");
	assert_int_equal(fetch(&t->s, &t->snap, &t->e), 0);
	vm = pveapi_snapshot_vm(&t->snap, 101);
	assert_int_equal(vm->err, -EPERM);
	assert_non_null(
	        strstr(vm->errmsg, "HTTP 403 Permission check failed (/vms/101, VM.Audit)"));
	assert_non_null(strstr(vm->errmsg, "GET /nodes/pve1/qemu/101/config"));
	/* the reason and the message are the same sentence: said once */
	assert_null(strstr(strstr(vm->errmsg, "VM.Audit") + 1, "VM.Audit"));
	assert_int_equal(pveapi_snapshot_vm(&t->snap, 100)->err, 0);
	assert_int_equal(t->snap.failed, 1);
	pveapi_snapshot_free(&t->snap);
}

static void test_500_with_message(void **state)
{
	struct api_case *t = *state;
	const struct pveapi_node *n;

	ts_control(&srv, "{\"rules\":[{\"path\":\"/nodes/pve2/hardware/pci\",\"status\":500,"
	                 "\"reason\":\"Internal Server Error\",\"message\":\"lspci failed: "
	                 "exit code 1\\n\"}]}");
	assert_int_equal(fetch(&t->s, &t->snap, &t->e), 0);
	n = pveapi_snapshot_node(&t->snap, "pve2");
	assert_false(n->has_pci);
	assert_true(n->reachable); /* an error from a node that answers */
	assert_int_equal(n->err, -EIO);
	assert_non_null(
	        strstr(n->errmsg, "HTTP 500 Internal Server Error: lspci failed: exit code 1"));
	assert_true(pveapi_snapshot_node(&t->snap, "pve1")->has_pci);
	pveapi_snapshot_free(&t->snap);
}

static void test_mapping_forbidden(void **state)
{
	struct api_case *t = *state;

	/* a token without Mapping.Audit: the mappings are missing, the rest is there */
	ts_control(&srv, "{\"rules\":[{\"path\":\"/cluster/mapping/pci\",\"status\":403,"
	                 "\"reason\":\"Permission check failed\",\"message\":\"Permission check "
	                 "failed (/mapping/pci, Mapping.Audit)\\n\"}]}");
	assert_int_equal(fetch(&t->s, &t->snap, &t->e), 0);
	assert_int_equal(t->snap.mappings_err, -EPERM);
	assert_non_null(strstr(t->snap.mappings_errmsg, "Mapping.Audit"));
	assert_int_equal(t->snap.nmappings, 0);
	assert_int_equal(t->snap.nvms, 4);
	pveapi_snapshot_free(&t->snap);
}

static void test_400_parameter_errors(void **state)
{
	struct api_case *t = *state;
	struct pveapi_client *c;
	struct pveapi_param p[] = {{"Bad Key", "x"}, {"cores", "2"}};

	c = client(&t->s);
	assert_int_equal(pveapi_vm_config_put(c, "pve1", 101, p, 2, NULL, NULL, &t->e), -EINVAL);
	assert_non_null(strstr(t->e.msg, "HTTP 400 Parameter verification failed."));
	assert_non_null(strstr(t->e.msg, "Bad Key: property is not defined in schema"));
	pveapi_client_free(c);
}

static void test_digest_put(void **state)
{
	struct api_case *t = *state;
	struct pveapi_client *c;
	json_t *conf = NULL;
	char digest[64];
	struct pveapi_param p[] = {{"hostpci1", "mapping=someNic"}};
	struct pveapi_param p2[] = {{"cores", "8"}};

	c = client(&t->s);
	assert_int_equal(pveapi_get(c, "/nodes/pve1/qemu/101/config", &conf, &t->e), 0);
	snprintf(digest, sizeof(digest), "%s", json_string_value(json_object_get(conf, "digest")));
	json_decref(conf);
	assert_int_equal(strlen(digest), 40);
	/* a token may write mapping= entries, with the digest we planned against */
	assert_int_equal(pveapi_vm_config_put(c, "pve1", 101, p, 1, "onboot", digest, &t->e), 0);
	assert_int_equal(pveapi_get(c, "/nodes/pve1/qemu/101/config", &conf, &t->e), 0);
	assert_string_equal(json_string_value(json_object_get(conf, "hostpci1")),
	                    "mapping=someNic");
	assert_null(json_object_get(conf, "onboot"));
	assert_string_not_equal(json_string_value(json_object_get(conf, "digest")), digest);
	json_decref(conf);
	/* the same old digest again: changed meanwhile */
	assert_int_equal(pveapi_vm_config_put(c, "pve1", 101, p2, 1, NULL, digest, &t->e), -ESTALE);
	assert_non_null(strstr(t->e.msg, "detected modified configuration"));
	assert_non_null(strstr(t->e.msg, "changed meanwhile"));
	assert_int_equal(pveapi_get(c, "/nodes/pve1/qemu/101/config", &conf, &t->e), 0);
	assert_int_equal(json_integer_value(json_object_get(conf, "cores")), 4); /* untouched */
	json_decref(conf);
	pveapi_client_free(c);
}

static void test_token_cannot_write_host(void **state)
{
	struct api_case *t = *state;
	struct pveapi_client *c;
	struct pveapi_param p[] = {{"hostpci3", "0000:00:02.2,pcie=1"}};

	c = client(&t->s);
	assert_true(pveapi_client_uses_token(c));
	/* qemu-server's check_hostpci_perm dies (HTTP 500), it raises no permission exception */
	assert_int_equal(pveapi_vm_config_put(c, "pve1", 101, p, 1, NULL, NULL, &t->e), -EIO);
	assert_non_null(strstr(t->e.msg,
	                       "HTTP 500 only root can set 'hostpci3' config for non-mapped "
	                       "devices"));
	pveapi_client_free(c);
}

static void test_ticket_login(void **state)
{
	struct api_case *t = *state;
	struct pveapi_client *c;
	struct pveapi_param p[] = {{"hostpci3", "0000:00:02.2,pcie=1"}};
	json_t *conf = NULL;
	char *log;

	t->s.token_file[0] = '\0';
	snprintf(t->s.user, sizeof(t->s.user), "root@pam");
	snprintf(t->s.password_file, sizeof(t->s.password_file), "%s", srv.password_file);
	c = client(&t->s);
	assert_false(pveapi_client_uses_token(c));
	assert_int_equal(pveapi_snapshot_fetch(c, NULL, &t->snap, &t->e), 0);
	assert_int_equal(t->snap.nvms, 4);
	pveapi_snapshot_free(&t->snap);
	/* root@pam may write host= entries; the write carries the CSRF token */
	assert_int_equal(pveapi_vm_config_put(c, "pve1", 101, p, 1, NULL, NULL, &t->e), 0);
	assert_int_equal(pveapi_get(c, "/nodes/pve1/qemu/101/config", &conf, &t->e), 0);
	assert_string_equal(json_string_value(json_object_get(conf, "hostpci3")),
	                    "0000:00:02.2,pcie=1");
	json_decref(conf);
	pveapi_client_free(c);
	/* the password travelled in the POST body, never in a URL */
	log = ts_log(&srv);
	assert_non_null(strstr(log, "req POST /access/ticket"));
	assert_null(strstr(log, "correct"));
	assert_null(strstr(log, srv.secret));
	free(log);
}

static void test_ticket_wrong_password(void **state)
{
	struct api_case *t = *state;
	struct pveapi_client *c;
	char *dir = tt_mkdtemp();

	t->s.token_file[0] = '\0';
	snprintf(t->s.user, sizeof(t->s.user), "root@pam");
	tt_write(dir, "pw", "wrong-secret-value\n");
	snprintf(t->s.password_file, sizeof(t->s.password_file), "%s/pw", dir);
	chmod(t->s.password_file, 0600);
	c = client(&t->s);
	assert_int_equal(pveapi_snapshot_fetch(c, NULL, &t->snap, &t->e), -EACCES);
	assert_non_null(strstr(t->e.msg, "login as root@pam failed"));
	assert_no_secret(t->e.msg);
	pveapi_snapshot_free(&t->snap);
	pveapi_client_free(c);
	chmod(t->s.password_file, 0644);
	assert_int_equal(pveapi_client_new(&t->s, &c, &t->e), -EACCES);
	tt_rmrf(dir);
	free(dir);
}

static void test_offline_node(void **state)
{
	struct api_case *t = *state;
	const struct pveapi_node *n;

	ts_control(&srv, "{\"offline\":[\"pve3\"]}");
	assert_int_equal(fetch(&t->s, &t->snap, &t->e), 0);
	n = pveapi_snapshot_node(&t->snap, "pve3");
	assert_false(n->reachable);
	assert_int_equal(n->err, -EHOSTUNREACH);
	assert_non_null(strstr(n->errmsg, "pve3"));
	assert_string_equal(n->status, "offline");
	assert_int_equal(pveapi_snapshot_vm(&t->snap, 300)->err, -EHOSTUNREACH);
	assert_null(pveapi_snapshot_vm(&t->snap, 300)->config);
	/* the rest completed */
	assert_true(pveapi_snapshot_node(&t->snap, "pve1")->has_pci);
	assert_true(pveapi_snapshot_node(&t->snap, "pve2")->has_pci);
	assert_int_equal(pveapi_snapshot_vm(&t->snap, 200)->err, 0);
	assert_string_equal(pveapi_kv_get(pveapi_snapshot_vm(&t->snap, 200)->config,
	                                  pveapi_snapshot_vm(&t->snap, 200)->nconfig, "hostpci0"),
	                    "0000:00:02.0,mdev=i915-GVTg_V5_4");
	pveapi_snapshot_free(&t->snap);
}

static void test_proxy_595(void **state)
{
	struct api_case *t = *state;
	const struct pveapi_node *n;

	/* /nodes still says online, but the proxied requests fail: found out per request */
	ts_control(&srv, "{\"rules\":[{\"path\":\"/nodes/pve2/.*\",\"status\":595,"
	                 "\"reason\":\"Connection refused\"}]}");
	assert_int_equal(fetch(&t->s, &t->snap, &t->e), 0);
	n = pveapi_snapshot_node(&t->snap, "pve2");
	assert_false(n->reachable);
	assert_int_equal(n->err, -EHOSTUNREACH);
	assert_non_null(strstr(n->errmsg, "HTTP 595 Connection refused"));
	assert_int_equal(pveapi_snapshot_vm(&t->snap, 200)->err, -EHOSTUNREACH);
	assert_int_equal(pveapi_snapshot_vm(&t->snap, 100)->err, 0);
	pveapi_snapshot_free(&t->snap);
}

static void test_unresponsive_node_times_out(void **state)
{
	struct api_case *t = *state;
	const struct pveapi_node *n;

	ts_control(&srv, "{\"hang\":[\"pve2\"],\"hang_s\":6}");
	t->s.timeout_s = 2;
	assert_int_equal(fetch(&t->s, &t->snap, &t->e), 0);
	n = pveapi_snapshot_node(&t->snap, "pve2");
	assert_false(n->reachable);
	assert_int_equal(n->err, -ETIMEDOUT);
	assert_non_null(strstr(n->errmsg, "no answer within 2 s"));
	assert_int_equal(pveapi_snapshot_vm(&t->snap, 200)->err, -ETIMEDOUT);
	assert_int_equal(pveapi_snapshot_vm(&t->snap, 100)->err, 0);
	assert_int_equal(pveapi_snapshot_vm(&t->snap, 300)->err, 0);
	assert_true(pveapi_snapshot_node(&t->snap, "pve3")->has_pci);
	pveapi_snapshot_free(&t->snap);
}

static void test_deadline(void **state)
{
	struct api_case *t = *state;
	struct pveapi_client *c;
	int r, timed_out = 0;

	/* every answer takes 600 ms, the whole fetch may take 800: the second wave cannot make it */
	ts_control(&srv, "{\"latency_ms\":600}");
	c = client(&t->s);
	pveapi_client_set_limits(c, 4, 800);
	r = pveapi_snapshot_fetch(c, NULL, &t->snap, &t->e);
	if (r) {
		assert_int_equal(r, -ETIMEDOUT); /* a very slow machine: even the list was late */
	} else {
		for (size_t i = 0; i < t->snap.nvms; i++)
			timed_out += t->snap.vms[i].err == -ETIMEDOUT;
		assert_true(timed_out > 0);
	}
	pveapi_snapshot_free(&t->snap);
	pveapi_client_free(c);
}

static void test_connections_reused(void **state)
{
	struct api_case *t = *state;
	struct ts big;
	struct pveapi_client *c;
	int conns, reqs;

	ts_start(&big, NULL, "--generate nodes=5,vms=200", NULL);
	ts_settings(&big, &t->s);
	c = client(&t->s);
	pveapi_client_set_limits(c, 8, 0);
	assert_int_equal(pveapi_snapshot_fetch(c, NULL, &t->snap, &t->e), 0);
	assert_int_equal(t->snap.nvms, 200);
	assert_int_equal(t->snap.failed, 0);
	reqs = ts_log_count(&big, "req ");
	conns = ts_log_count(&big, "conn");
	assert_int_equal((unsigned)reqs, t->snap.requests);
	/* 4 + 5 hw + 2 mdev + 200 configs + 100 current + 5 listings of local:snippets (HA VMs
	 * with a hookscript there: every node once) */
	assert_int_equal(reqs, 316);
	assert_true(conns >= 1);
	assert_true(conns <= 8); /* never more connections than transfers in flight */
	pveapi_snapshot_free(&t->snap);
	pveapi_client_free(c);
	ts_stop(&big);
}

static void test_node_filter(void **state)
{
	struct api_case *t = *state;
	struct pveapi_client *c;
	struct pveapi_snapshot_opts o = {.node = "pve2", .current = PVEAPI_CURRENT_NONE};

	c = client(&t->s);
	assert_int_equal(pveapi_snapshot_fetch(c, &o, &t->snap, &t->e), 0);
	assert_int_equal(t->snap.nvms, 1);
	assert_int_equal(t->snap.vms[0].vmid, 200);
	assert_int_equal(t->snap.nnodes, 1);
	assert_string_equal(t->snap.nodes[0].name, "pve2");
	assert_false(t->snap.vms[0].has_current);
	pveapi_snapshot_free(&t->snap);
	pveapi_client_free(c);
}

static void test_unknown_path(void **state)
{
	struct api_case *t = *state;
	struct pveapi_client *c;
	json_t *d = NULL;

	c = client(&t->s);
	assert_int_equal(pveapi_get(c, "/nodes/pve1/nothing", &d, &t->e), -ENOTSUP);
	assert_non_null(strstr(t->e.msg, "HTTP 501"));
	assert_null(d);
	assert_int_equal(pveapi_get(c, "/version", &d, &t->e), 0);
	assert_string_equal(json_string_value(json_object_get(d, "release")), "9.0");
	json_decref(d);
	pveapi_client_free(c);
}

static void test_connection_refused(void **state)
{
	struct api_case *t = *state;
	struct ts gone;

	ts_start(&gone, NULL, fixture_args(), NULL);
	ts_settings(&gone, &t->s);
	ts_stop(&gone); /* the port is free now: nobody listens */
	/* its files went with it: the group server's token and CA (never reached) */
	snprintf(t->s.ca_file, sizeof(t->s.ca_file), "%s", srv.ca);
	snprintf(t->s.token_file, sizeof(t->s.token_file), "%s", srv.token_file);
	assert_int_equal(fetch(&t->s, &t->snap, &t->e), -ECONNREFUSED);
	assert_non_null(strstr(t->e.msg, "cannot connect"));
	pveapi_snapshot_free(&t->snap);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(test_ca_snapshot, reset, done),
	        cmocka_unit_test_setup_teardown(test_wrong_ca_refused, reset, done),
	        cmocka_unit_test_setup_teardown(test_system_cas_refuse_cluster_ca, reset, done),
	        cmocka_unit_test_setup_teardown(test_hostname_checked_with_ca, reset, done),
	        cmocka_unit_test_setup_teardown(test_pin_accepted, reset, done),
	        cmocka_unit_test_setup_teardown(test_pin_wrong_refused, reset, done),
	        cmocka_unit_test_setup_teardown(test_token_file_permissions, reset, done),
	        cmocka_unit_test_setup_teardown(test_bad_token_401, reset, done),
	        cmocka_unit_test_setup_teardown(test_401_empty_body_injected, reset, done),
	        cmocka_unit_test_setup_teardown(test_403_one_vm, reset, done),
	        cmocka_unit_test_setup_teardown(test_500_with_message, reset, done),
	        cmocka_unit_test_setup_teardown(test_mapping_forbidden, reset, done),
	        cmocka_unit_test_setup_teardown(test_400_parameter_errors, reset, done),
	        cmocka_unit_test_setup_teardown(test_digest_put, reset, done),
	        cmocka_unit_test_setup_teardown(test_token_cannot_write_host, reset, done),
	        cmocka_unit_test_setup_teardown(test_ticket_login, reset, done),
	        cmocka_unit_test_setup_teardown(test_ticket_wrong_password, reset, done),
	        cmocka_unit_test_setup_teardown(test_offline_node, reset, done),
	        cmocka_unit_test_setup_teardown(test_proxy_595, reset, done),
	        cmocka_unit_test_setup_teardown(test_unresponsive_node_times_out, reset, done),
	        cmocka_unit_test_setup_teardown(test_deadline, reset, done),
	        cmocka_unit_test_setup_teardown(test_connections_reused, reset, done),
	        cmocka_unit_test_setup_teardown(test_node_filter, reset, done),
	        cmocka_unit_test_setup_teardown(test_unknown_path, reset, done),
	        cmocka_unit_test_setup_teardown(test_connection_refused, reset, done),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
