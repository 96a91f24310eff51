/* Race test: N stopped VMs, N free VFs, N `pve-passthrough assign VMID --vf auto` processes (the
 * real binary, fork + exec) started at once, many rounds.  Every VM must end up with a different
 * VF, every config must be exactly its old bytes plus the one new line, and one more assign must
 * then find no free VF (exit 1).  The node-wide allocation lock is what makes this hold. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "support/fakesys.h"
#include "support/tmpdir.h"

#ifndef PP_BIN_PATH
#define PP_BIN_PATH PP_SRCDIR "/pve-passthrough"
#endif

#define NVF    7
#define ROUNDS 20

static const char *bin(void)
{
	const char *b = getenv("PP_BIN");

	return b && *b ? b : PP_BIN_PATH;
}

static void conf_of(unsigned vmid, const char *hostpci, char *buf, size_t n)
{
	snprintf(buf, n,
	         "# VM %u\nboot: order=scsi0\ncores: 2\n%s%s%smachine: q35\nmemory: 2048\nname: "
	         "race%u\nscsi0: local-lvm:vm-%u-disk-0,size=8G\n\n[snap]\nhostpci0: 0000:00:02.0\n"
	         "snaptime: 1\n",
	         vmid, hostpci ? "hostpci0: " : "", hostpci ? hostpci : "", hostpci ? "\n" : "",
	         vmid, vmid);
}

static pid_t spawn_assign(const char *root, unsigned vmid)
{
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		char id[16];

		snprintf(id, sizeof(id), "%u", vmid);
		if (!freopen("/dev/null", "w", stdout) || !freopen("/dev/null", "w", stderr))
			_exit(98);
		execl(bin(), bin(), "--root", root, "--node", "pve1", "assign", id, "--vf", "auto",
		      "--lock-timeout", "120", (char *)NULL);
		_exit(99);
	}
	return pid;
}

static int wait_status(pid_t pid)
{
	int st;

	assert_int_equal(waitpid(pid, &st, 0), pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void test_parallel_auto_assign(void **state)
{
	char *root = tt_mkdtemp();
	char rel[128], want[1024];

	(void)state;
	if (access(bin(), X_OK) != 0)
		fail_msg("%s: not built (run make first)", bin());
	fs_add_device(root, "0000:00:02.0", 0x8086, 0xa7a0, 0x030000);
	fs_set_driver(root, "0000:00:02.0", "i915");
	fs_make_pf(root, "0000:00:02.0", NVF);
	fs_add_vfs(root, "0000:00:02.0", NVF, 20);
	fs_set_iommu(root, true);
	tt_write(root, "etc/hostname", "pve1\n");
	for (int round = 0; round < ROUNDS; round++) {
		pid_t pids[NVF];
		bool taken[NVF] = {false};

		for (unsigned i = 0; i < NVF; i++) {
			conf_of(101 + i, NULL, want, sizeof(want));
			snprintf(rel, sizeof(rel), "etc/pve/nodes/pve1/qemu-server/%u.conf",
			         101 + i);
			tt_write(root, rel, want);
		}
		snprintf(rel, sizeof(rel), "etc/pve/nodes/pve1/qemu-server/%u.conf", 200);
		conf_of(200, NULL, want, sizeof(want));
		tt_write(root, rel, want);
		for (unsigned i = 0; i < NVF; i++)
			pids[i] = spawn_assign(root, 101 + i);
		for (unsigned i = 0; i < NVF; i++)
			assert_int_equal(wait_status(pids[i]), 0);
		for (unsigned i = 0; i < NVF; i++) {
			char *got, *line, value[64];
			unsigned fn = 0;

			snprintf(rel, sizeof(rel), "etc/pve/nodes/pve1/qemu-server/%u.conf",
			         101 + i);
			got = tt_read(root, rel, NULL);
			assert_non_null(got);
			line = strstr(got, "\nhostpci0: 0000:00:02.");
			assert_non_null(line);
			assert_int_equal(sscanf(line, "\nhostpci0: 0000:00:02.%u", &fn), 1);
			assert_true(fn >= 1 && fn <= NVF);
			assert_false(taken[fn - 1]); /* two VMs never get the same VF */
			taken[fn - 1] = true;
			/* exactly the old bytes plus the one line */
			snprintf(value, sizeof(value), "0000:00:02.%u,pcie=1", fn);
			conf_of(101 + i, value, want, sizeof(want));
			assert_string_equal(got, want);
			free(got);
		}
		/* every VF is taken now: one more is refused */
		assert_int_equal(wait_status(spawn_assign(root, 200)), 1);
		conf_of(200, NULL, want, sizeof(want));
		{
			char *got = tt_read(root, "etc/pve/nodes/pve1/qemu-server/200.conf", NULL);

			assert_string_equal(got, want);
			free(got);
		}
	}
	tt_rmrf(root);
	free(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_parallel_auto_assign),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
