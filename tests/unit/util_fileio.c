/* Unit tests: util/fileio (whole reads, attributes, atomic replace incl. a writer killed at every
 * step) and util/lock (flock timeout against a real second process). */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "support/fixture.h"
#include "support/tmpdir.h"
#include "util/fileio.h"
#include "util/hash.h"
#include "util/lock.h"
#include "util/paths.h"

static void test_read_whole_and_limit(void **state)
{
	struct tt_root *t = *state;
	char *data;
	size_t len;

	tt_write_bytes(t->dir, "f", "a\0b\n", 4);
	tt_root_path(t, "f");
	assert_int_equal(util_file_read(t->path, 100, &data, &len, &t->e), 0);
	assert_int_equal(len, 4);
	assert_memory_equal(data, "a\0b\n", 4);
	free(data);
	assert_int_equal(util_file_read(t->path, 3, &data, &len, &t->e), -EFBIG);
	assert_null(data);
	assert_non_null(strstr(t->e.msg, "larger than 3 bytes"));
	tt_root_path(t, "missing");
	assert_int_equal(util_file_read(t->path, 100, &data, &len, &t->e), -ENOENT);
	assert_non_null(strstr(t->e.msg, "No such file"));
}

static void test_attr(void **state)
{
	struct tt_root *t = *state;
	char buf[16];
	long v;

	tt_write(t->dir, "numvfs", "7\n");
	tt_write(t->dir, "vendor", "0x8086\n");
	tt_write(t->dir, "bad", "7x\n");
	tt_root_path(t, "numvfs");
	assert_int_equal(util_attr_read(t->path, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "7");
	assert_int_equal(util_attr_read_long(t->path, 10, &v), 0);
	assert_int_equal(v, 7);
	tt_root_path(t, "vendor");
	assert_int_equal(util_attr_read_long(t->path, 16, &v), 0);
	assert_int_equal(v, 0x8086);
	tt_root_path(t, "bad");
	assert_int_equal(util_attr_read_long(t->path, 10, &v), -EINVAL);
	tt_symlink(t->dir, "link", "../../../0000:00:02.0");
	tt_root_path(t, "link");
	assert_int_equal(util_link_basename(t->path, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "0000:00:02.0");
}

static void test_paths(void **state)
{
	struct util_paths p;
	char buf[64];

	(void)state;
	assert_int_equal(util_paths_init(&p, "/tmp/root/"), 0);
	assert_int_equal(util_path(&p, buf, sizeof(buf), PP_SYS_PCI_DEVICES "/%s", "0000:00:02.0"),
	                 0);
	assert_string_equal(buf, "/tmp/root/sys/bus/pci/devices/0000:00:02.0");
	assert_string_equal(util_path_display(&p, buf), "/sys/bus/pci/devices/0000:00:02.0");
	assert_false(util_paths_is_host(&p));
	assert_int_equal(util_paths_init(&p, "/"), 0);
	assert_true(util_paths_is_host(&p));
	assert_int_equal(util_path(&p, buf, sizeof(buf), PP_ETC_PVE_LOCAL), 0);
	assert_string_equal(buf, "/etc/pve/local");
	assert_int_equal(util_path(&p, buf, 8, PP_ETC_PVE_LOCAL), -ENAMETOOLONG);
	assert_string_equal(buf, "");
}

static void test_atomic_keeps_mode(void **state)
{
	struct tt_root *t = *state;
	char *got;
	struct stat st;

	tt_write(t->dir, "100.conf", "old\n");
	tt_root_path(t, "100.conf");
	chmod(t->path, 0640);
	assert_int_equal(util_file_write_atomic(t->path, "new\n", 4, NULL, &t->e), 0);
	got = tt_read(t->dir, "100.conf", NULL);
	assert_string_equal(got, "new\n");
	free(got);
	assert_int_equal(stat(t->path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
	/* no temp file left behind */
	snprintf(t->path, sizeof(t->path), "%s/100.conf.tmp.%ld", t->dir, (long)getpid());
	assert_false(util_exists(t->path));
}

static void test_atomic_failure_leaves_old(void **state)
{
	struct tt_root *t = *state;
	char *got;

	/* target is a directory: rename fails, the temp file must go, nothing else changes */
	tt_mkdir(t->dir, "d.conf");
	tt_write(t->dir, "d.conf/keep", "x");
	tt_root_path(t, "d.conf");
	assert_true(util_file_write_atomic(t->path, "new\n", 4, NULL, &t->e) < 0);
	assert_non_null(strstr(t->e.msg, "cannot replace"));
	got = tt_read(t->dir, "d.conf/keep", NULL);
	assert_string_equal(got, "x");
	free(got);
	snprintf(t->path, sizeof(t->path), "%s/d.conf.tmp.%ld", t->dir, (long)getpid());
	assert_false(util_exists(t->path));
}

/* The child stops itself at the chosen step; the parent kills it there with SIGKILL. */
static void stop_at(enum util_write_step step, void *arg)
{
	if ((int)step == *(int *)arg)
		raise(SIGSTOP);
}

static void test_atomic_killed_at_every_step(void **state)
{
	static const char old_c[] = "old content\n";
	char newc[8192];

	(void)state;
	memset(newc, 'n', sizeof(newc) - 1);
	newc[sizeof(newc) - 1] = '\n';
	for (int step = UTIL_WRITE_STEP_TMP_CREATED; step <= UTIL_WRITE_STEP_RENAMED; step++) {
		char *dir = tt_mkdtemp(), path[4096], *got;
		size_t len;
		int status;
		pid_t pid;

		tt_write(dir, "100.conf", old_c);
		snprintf(path, sizeof(path), "%s/100.conf", dir);
		pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			struct util_write_opts o = {.step = stop_at, .step_arg = &step};

			util_file_write_atomic(path, newc, sizeof(newc), &o, NULL);
			_exit(0);
		}
		assert_int_equal(waitpid(pid, &status, WUNTRACED), pid);
		assert_true(WIFSTOPPED(status));
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		got = tt_read(dir, "100.conf", &len);
		assert_non_null(got);
		if (step == UTIL_WRITE_STEP_RENAMED) {
			assert_int_equal(len, sizeof(newc));
			assert_memory_equal(got, newc, sizeof(newc));
		} else {
			assert_string_equal(got, old_c);
		}
		free(got);
		tt_rmrf(dir);
		free(dir);
	}
}

/* A write that fails half-way (the file size limit: EFBIG, as a full disk gives ENOSPC) leaves the
 * old file as it was and no temp file.  Run in a child, whose limit does not touch the tests. */
static void test_atomic_write_error_removes_tmp(void **state)
{
	struct tt_root *t = *state;
	char tmp[4200], *got;
	static char newc[8192];
	int status;
	pid_t pid;

	memset(newc, 'n', sizeof(newc));
	tt_write(t->dir, "100.conf", "old content\n");
	tt_root_path(t, "100.conf");
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct rlimit rl = {.rlim_cur = 1000, .rlim_max = 1000};
		struct util_err e = {0};
		int r;

		signal(SIGXFSZ, SIG_IGN);
		if (setrlimit(RLIMIT_FSIZE, &rl) < 0)
			_exit(10);
		r = util_file_write_atomic(t->path, newc, sizeof(newc), NULL, &e);
		snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", t->path, (long)getpid());
		if (r != -EFBIG)
			_exit(11);
		if (!strstr(e.msg, "cannot write"))
			_exit(12);
		_exit(util_exists(tmp) ? 13 : 0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	got = tt_read(t->dir, "100.conf", NULL);
	assert_string_equal(got, "old content\n");
	free(got);
	snprintf(tmp, sizeof(tmp), "%s/100.conf.tmp.%ld", t->dir, (long)pid);
	assert_false(util_exists(tmp));
}

static void test_lock_timeout_real_process(void **state)
{
	struct tt_root *t = *state;
	int pipefd[2], fd;
	char c;
	pid_t pid;

	tt_root_path(t, "var/lock/qemu-server/lock-100.conf");
	assert_int_equal(pipe(pipefd), 0);
	pid = fork();
	if (pid == 0) {
		int lfd = util_lock_acquire(t->path, 1000, NULL);

		c = lfd >= 0 ? 'y' : 'n';
		if (write(pipefd[1], &c, 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	assert_int_equal(read(pipefd[0], &c, 1), 1);
	assert_int_equal(c, 'y');
	assert_int_equal(util_lock_acquire(t->path, 200, &t->e), -ETIMEDOUT);
	assert_non_null(strstr(t->e.msg, "lock-100.conf"));
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	fd = util_lock_acquire(t->path, 200, &t->e);
	assert_true(fd >= 0);
	util_lock_release(fd);
	/* a symbolic link in place of the lock file is not followed (issue 13 defect 9) */
	{
		char target[4200];

		snprintf(target, sizeof(target), "%s/elsewhere", t->dir);
		unlink(t->path);
		assert_int_equal(symlink(target, t->path), 0);
		assert_int_equal(util_lock_acquire(t->path, 200, &t->e), -ELOOP);
		assert_non_null(strstr(t->e.msg, "symbolic link"));
		assert_false(util_exists(target));
	}
}

static void test_sha(void **state)
{
	char hex[UTIL_SHA256_HEX_LEN + 1];

	(void)state;
	assert_int_equal(util_sha1_hex("abc", 3, hex), 0);
	assert_string_equal(hex, "a9993e364706816aba3e25717850c26c9cd0d89d");
	assert_int_equal(util_sha256_hex("abc", 3, hex), 0);
	assert_string_equal(hex,
	                    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

/* A FIFO, a directory or a device where a file is expected: a clear error naming the path, at
 * once (issue 13 defect 6).  alarm() turns a regression (a blocking open) into a failure. */
static void test_not_regular_never_blocks(void **state)
{
	struct tt_root *t = *state;
	char buf[64], *data;
	size_t len;

	alarm(10);
	tt_root_path(t, "pci.cfg");
	assert_int_equal(mkfifo(t->path, 0644), 0);
	assert_int_equal(util_file_read(t->path, 1 << 20, &data, &len, &t->e), -EINVAL);
	assert_non_null(strstr(t->e.msg, "pci.cfg is a FIFO, not a regular file"));
	assert_int_equal(util_attr_read(t->path, buf, sizeof(buf)), -EINVAL);
	tt_mkdir(t->dir, "d");
	tt_root_path(t, "d");
	assert_int_equal(util_file_read(t->path, 1 << 20, &data, &len, &t->e), -EISDIR);
	assert_non_null(strstr(t->e.msg, "is a directory"));
	assert_int_equal(util_file_read("/dev/zero", 1 << 20, &data, &len, &t->e), -EINVAL);
	assert_non_null(strstr(t->e.msg, "/dev/zero is a character device"));
	/* /dev/null is the empty file */
	assert_int_equal(util_file_read("/dev/null", 1 << 20, &data, &len, &t->e), 0);
	assert_int_equal(len, 0);
	free(data);
	alarm(0);
}

/* Temporary names are unique: a leftover with the old "<file>.tmp.<pid>" naming of this very pid
 * (a killed run whose pid came back) does not make the write fail on O_EXCL (defect 3); two
 * writes in a row leave nothing; our naming is recognised. */
static void test_tmp_names(void **state)
{
	struct tt_root *t = *state;
	char name[64], base[64], *got;
	long pid;

	tt_write(t->dir, "100.conf", "old\n");
	snprintf(name, sizeof(name), "100.conf.tmp.%ld", (long)getpid());
	tt_write(t->dir, name, "left by a killed run\n");
	tt_root_path(t, "100.conf");
	assert_int_equal(util_file_write_atomic(t->path, "new\n", 4, NULL, &t->e), 0);
	assert_int_equal(util_file_write_atomic(t->path, "new2\n", 5, NULL, &t->e), 0);
	got = tt_read(t->dir, "100.conf", NULL);
	assert_string_equal(got, "new2\n");
	free(got);
	assert_true(util_tmp_name_parse("100.conf.pp-tmp.4242.0123456789abcdef", base, sizeof(base),
	                                &pid));
	assert_string_equal(base, "100.conf");
	assert_int_equal(pid, 4242);
	assert_false(util_tmp_name_parse("100.conf.tmp.4242", NULL, 0, NULL));
	assert_false(util_tmp_name_parse("100.conf.pp-tmp.4242.xyz", NULL, 0, NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(test_read_whole_and_limit, tt_root_setup,
	                                        tt_root_teardown),
	        cmocka_unit_test_setup_teardown(test_attr, tt_root_setup, tt_root_teardown),
	        cmocka_unit_test(test_paths),
	        cmocka_unit_test_setup_teardown(test_atomic_keeps_mode, tt_root_setup,
	                                        tt_root_teardown),
	        cmocka_unit_test_setup_teardown(test_atomic_failure_leaves_old, tt_root_setup,
	                                        tt_root_teardown),
	        cmocka_unit_test(test_atomic_killed_at_every_step),
	        cmocka_unit_test_setup_teardown(test_atomic_write_error_removes_tmp, tt_root_setup,
	                                        tt_root_teardown),
	        cmocka_unit_test_setup_teardown(test_lock_timeout_real_process, tt_root_setup,
	                                        tt_root_teardown),
	        cmocka_unit_test(test_sha),
	        cmocka_unit_test_setup_teardown(test_not_regular_never_blocks, tt_root_setup,
	                                        tt_root_teardown),
	        cmocka_unit_test_setup_teardown(test_tmp_names, tt_root_setup, tt_root_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
