/* Unit tests: pveconf/runstate (is a VM running: pid file + /proc/<pid>/cmdline as PVE checks it;
 * the pci-id-reservations file), on fixture trees. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pveconf/runstate.h"
#include "support/fixture.h"
#include "support/tmpdir.h"

/* NUL-separated argv as in /proc/<pid>/cmdline; "|" stands for NUL in the table. */
static size_t argv_bytes(const char *spec, char *out, size_t n)
{
	size_t len = strlen(spec);

	assert_true(len < n);
	for (size_t i = 0; i < len; i++)
		out[i] = spec[i] == '|' ? '\0' : spec[i];
	return len;
}

static void test_cmdline_table(void **state)
{
	static const struct {
		const char *argv;
		bool want;
	} cases[] = {
	        {"/usr/bin/kvm|-id|100|-name|win11,debug-threads=on|-pidfile|/var/run/qemu-server/"
	         "100.pid|-daemonize|",
	         true},
	        {"/usr/bin/kvm|-pidfile|/run/qemu-server/100.pid|", true},
	        {"/usr/bin/kvm|--pidfile|/run/qemu-server/100.pid", true}, /* no final NUL */
	        {"/usr/bin/qemu-system-x86_64|-pidfile|/var/run/qemu-server/100.pid|", true},
	        {"kvm|-pidfile|/var/run/qemu-server/100.pid|", true},
	        {"/usr/bin/kvm|-pidfile|/var/run/qemu-server/101.pid|", false}, /* another VM */
	        {"/usr/bin/kvm|-pidfile|/var/run/qemu-server/1000.pid|", false},
	        {"/usr/bin/kvm|-pidfile|/tmp/100.pid|", false},
	        {"/usr/bin/kvm|-id|100|", false}, /* no -pidfile */
	        {"/usr/bin/kvm|-pidfile|", false},
	        {"/usr/bin/kvm|-pidfile", false},
	        /* the first -pidfile decides */
	        {"/usr/bin/kvm|-pidfile|/x|-pidfile|/run/qemu-server/100.pid|", false},
	        {"/bin/bash|-pidfile|/var/run/qemu-server/100.pid|", false}, /* not QEMU */
	        {"/usr/bin/kvm-ok|-pidfile|/var/run/qemu-server/100.pid|", false},
	        {"/usr/bin/qemu-system-|-pidfile|/var/run/qemu-server/100.pid|", false},
	        {"|/usr/bin/kvm|-pidfile|/var/run/qemu-server/100.pid|", false},
	        {"", false},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char buf[512];
		size_t len = argv_bytes(cases[i].argv, buf, sizeof(buf));

		if (pveconf_qemu_cmdline_is_vm(buf, len, 100) != cases[i].want)
			fail_msg("case %zu (%s): want %d", i, cases[i].argv, cases[i].want);
	}
}

static void write_argv(const char *dir, const char *rel, const char *spec)
{
	char buf[512];
	size_t len = argv_bytes(spec, buf, sizeof(buf));

	tt_write_bytes(dir, rel, buf, len);
}

static void test_running(void **state)
{
	struct tt_root *t = *state;
	long pid = -1;

	/* 100 runs (PVE's own spelling /var/run) */
	tt_write(t->dir, "run/qemu-server/100.pid", "4242\n");
	write_argv(t->dir, "proc/4242/cmdline",
	           "/usr/bin/kvm|-id|100|-pidfile|/var/run/qemu-server/100.pid|");
	assert_true(pveconf_vm_running(&t->p, 100, &pid));
	assert_int_equal(pid, 4242);
	assert_true(pveconf_vm_running(&t->p, 100, NULL));
	/* a zombie is not running */
	tt_write(t->dir, "proc/4242/stat", "4242 (kvm) Z 1 4242 4242 0 -1\n");
	assert_false(pveconf_vm_running(&t->p, 100, &pid));
	assert_int_equal(pid, 0);
	tt_write(t->dir, "proc/4242/stat", "4242 (kvm) S 1 4242 4242 0 -1\n");
	assert_true(pveconf_vm_running(&t->p, 100, &pid));
	/* 101: stale pid file, the pid now belongs to something else */
	tt_write(t->dir, "run/qemu-server/101.pid", "777\n");
	write_argv(t->dir, "proc/777/cmdline", "/usr/sbin/sshd|-D|");
	assert_false(pveconf_vm_running(&t->p, 101, &pid));
	/* 102: stale pid file, no such process */
	tt_write(t->dir, "run/qemu-server/102.pid", "31337\n");
	assert_false(pveconf_vm_running(&t->p, 102, &pid));
	/* 103: the pid is another VM's QEMU */
	tt_write(t->dir, "run/qemu-server/103.pid", "4242\n");
	assert_false(pveconf_vm_running(&t->p, 103, &pid));
	/* malformed pid files */
	tt_write(t->dir, "run/qemu-server/104.pid", " 4242\n");
	assert_false(pveconf_vm_running(&t->p, 104, &pid));
	tt_write(t->dir, "run/qemu-server/105.pid", "");
	assert_false(pveconf_vm_running(&t->p, 105, &pid));
	tt_write(t->dir, "run/qemu-server/106.pid", "0\n");
	assert_false(pveconf_vm_running(&t->p, 106, &pid));
	/* no pid file */
	assert_false(pveconf_vm_running(&t->p, 107, &pid));
	/* qemu-system with /run spelling */
	tt_write(t->dir, "run/qemu-server/108.pid", "5000");
	write_argv(t->dir, "proc/5000/cmdline",
	           "/usr/bin/qemu-system-x86_64|-pidfile|/run/qemu-server/108.pid");
	assert_true(pveconf_vm_running(&t->p, 108, &pid));
	assert_int_equal(pid, 5000);
}

static void test_reservations(void **state)
{
	static const char file[] = "0000:00:02.1 100 pid:4242\n"
	                           "0000:00:02.2 101 time:1700000100\n"
	                           "00:02.3 102 time:5\n" /* domain-less id */
	                           "0000:00:02.4 103 pid:1\n"
	                           "0000:00:02.4 104 pid:2\n"   /* later line wins */
	                           "0000:00:02.5  105 pid:3\n"  /* two blanks */
	                           "0000:00:02 106 pid:3\n"     /* no function */
	                           "0000:00:0A.0 106 pid:3\n"   /* uppercase */
	                           "0000:00:02.6 107 pid:3\r\n" /* CR */
	                           "0000:00:02.6 107 mdev:3\n"  /* unknown kind */
	                           "0000:00:02.6 107 pid:\n"    /* no value */
	                           "0000:00:02.6 x pid:3\n"     /* bad vmid */
	                           "\n"
	                           "0000:00:02.7\t108\ttime:99"; /* tabs, no final newline */
	struct pveconf_pci_reservations r;
	struct util_err e = {0};
	const struct pveconf_pci_reservation *x;

	(void)state;
	assert_int_equal(pveconf_pci_reservations_parse(file, strlen(file), &r, &e), 0);
	assert_int_equal(r.n, 5);
	x = pveconf_pci_reservation_find(&r, "0000:00:02.1");
	assert_non_null(x);
	assert_int_equal(x->vmid, 100);
	assert_int_equal(x->kind, PVECONF_RESERVATION_PID);
	assert_int_equal(x->value, 4242);
	assert_int_equal(x->line, 1);
	x = pveconf_pci_reservation_find(&r, "0000:00:02.2");
	assert_int_equal(x->kind, PVECONF_RESERVATION_TIME);
	assert_int_equal(x->value, 1700000100LL);
	assert_non_null(pveconf_pci_reservation_find(&r, "00:02.3"));
	x = pveconf_pci_reservation_find(&r, "0000:00:02.4");
	assert_int_equal(x->vmid, 104);
	assert_int_equal(x->line, 5);
	x = pveconf_pci_reservation_find(&r, "0000:00:02.7");
	assert_int_equal(x->vmid, 108);
	assert_null(pveconf_pci_reservation_find(&r, "0000:00:02.5"));
	assert_null(pveconf_pci_reservation_find(&r, "0000:00:02.6"));
	assert_int_equal(r.n_bad, 7);
	assert_int_equal(r.bad_lines[0], 6);
	assert_int_equal(r.bad_lines[6], 12);
	pveconf_pci_reservations_free(&r);
}

static void test_reservations_load_active(void **state)
{
	struct tt_root *t = *state;
	struct pveconf_pci_reservations r;

	assert_int_equal(pveconf_pci_reservations_load(&t->p, &r, &t->e), 0); /* missing: none */
	assert_int_equal(r.n, 0);
	tt_write(t->dir, "run/qemu-server/pci-id-reservations",
	         "0000:00:02.1 100 pid:4242\n0000:00:02.2 101 pid:4343\n"
	         "0000:00:02.3 102 time:1000\n");
	tt_write(t->dir, "run/qemu-server/100.pid", "4242\n");
	write_argv(t->dir, "proc/4242/cmdline",
	           "/usr/bin/kvm|-pidfile|/var/run/qemu-server/100.pid|");
	assert_int_equal(pveconf_pci_reservations_load(&t->p, &r, &t->e), 0);
	assert_int_equal(r.n, 3);
	assert_true(pveconf_pci_reservation_active(&t->p, &r.v[0], 0));  /* VM 100 runs as 4242 */
	assert_false(pveconf_pci_reservation_active(&t->p, &r.v[1], 0)); /* VM 101 does not run */
	assert_true(pveconf_pci_reservation_active(&t->p, &r.v[2], 999));
	assert_false(pveconf_pci_reservation_active(&t->p, &r.v[2], 1000));
	pveconf_pci_reservations_free(&r);
	/* the same filter in one call: at 999 VM 100's and the time: entry hold, at 1000 only 100's */
	assert_int_equal(pveconf_pci_reservations_load_active(&t->p, 999, &r, &t->e), 0);
	assert_int_equal(r.n, 2);
	assert_string_equal(r.v[0].id, "0000:00:02.1");
	assert_string_equal(r.v[1].id, "0000:00:02.3");
	pveconf_pci_reservations_free(&r);
	assert_int_equal(pveconf_pci_reservations_load_active(&t->p, 1000, &r, &t->e), 0);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.v[0].vmid, 100);
	pveconf_pci_reservations_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_cmdline_table),
	        cmocka_unit_test_setup_teardown(test_running, tt_root_setup, tt_root_teardown),
	        cmocka_unit_test(test_reservations),
	        cmocka_unit_test_setup_teardown(test_reservations_load_active, tt_root_setup,
	                                        tt_root_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
