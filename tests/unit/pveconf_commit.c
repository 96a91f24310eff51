/* Unit tests: pveconf/commit (safe write of a VM config): digest re-check under the lock, the VM
 * lock held by a real second process, `lock:` detection, owner node from .vmlist, the 1 MiB
 * limit, and a writer killed between every step of the write. */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "pveconf/commit.h"
#include "support/tmpdir.h"
#include "util/fileio.h"
#include "util/hash.h"
#include "util/lock.h"

#define CONF_REL "etc/pve/nodes/pve1/qemu-server/100.conf"
static const char old_conf[] = "boot: order=scsi0\ncores: 4\nmemory: 8192\nname: win11\n";
static const char new_conf[] = "boot: order=scsi0\ncores: 4\nhostpci0: 0000:00:02.3,pcie=1\n"
                               "memory: 8192\nname: win11\n";

struct fx {
	char *dir;
	struct util_paths p;
	char digest[UTIL_SHA1_HEX_LEN + 1];
};

static struct fx *fx_new(const char *conf)
{
	struct fx *f = calloc(1, sizeof(*f));

	f->dir = tt_mkdtemp();
	assert_int_equal(util_paths_init(&f->p, f->dir), 0);
	tt_write(f->dir, CONF_REL, conf);
	tt_write(f->dir, "etc/pve/.vmlist",
	         "{\"version\": 7, \"ids\": {\"100\": {\"node\": \"pve1\", \"type\": \"qemu\", "
	         "\"version\": 3}, \"200\": {\"node\": \"pve2\", \"type\": \"qemu\", \"version\": "
	         "5}}}\n");
	assert_int_equal(util_sha1_hex(conf, strlen(conf), f->digest), 0);
	return f;
}

static void fx_free(struct fx *f)
{
	tt_rmrf(f->dir);
	free(f->dir);
	free(f);
}

static char *conf_now(struct fx *f)
{
	return tt_read(f->dir, CONF_REL, NULL);
}

static void assert_conf(struct fx *f, const char *want)
{
	char *got = conf_now(f);

	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void test_paths(void **state)
{
	struct util_paths p;
	char buf[256];

	(void)state;
	util_paths_init(&p, "/r");
	assert_int_equal(pveconf_vm_conf_path(&p, "pve1", 100, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/r/etc/pve/nodes/pve1/qemu-server/100.conf");
	assert_int_equal(pveconf_vm_lock_path(&p, 100, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/r/var/lock/qemu-server/lock-100.conf");
	assert_int_equal(pveconf_vm_conf_path(&p, "../x", 100, buf, sizeof(buf)), -EINVAL);
	assert_int_equal(pveconf_vm_conf_path(&p, NULL, 100, buf, sizeof(buf)), -EINVAL);
}

static void test_commit_ok_keeps_mode(void **state)
{
	struct fx *f = fx_new(old_conf);
	struct util_err e = {0};
	char path[4096];
	struct stat st;

	(void)state;
	snprintf(path, sizeof(path), "%s/%s", f->dir, CONF_REL);
	chmod(path, 0640);
	assert_int_equal(pveconf_vm_commit(&f->p, "pve1", 100, f->digest, new_conf,
	                                   strlen(new_conf), NULL, &e),
	                 0);
	assert_conf(f, new_conf);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
	/* PVE's lock file exists (created like PVE: append/create), no temp file is left */
	snprintf(path, sizeof(path), "%s/var/lock/qemu-server/lock-100.conf", f->dir);
	assert_true(util_exists(path));
	snprintf(path, sizeof(path), "%s/%s.tmp.%ld", f->dir, CONF_REL, (long)getpid());
	assert_false(util_exists(path));
	fx_free(f);
}

static void test_digest_mismatch(void **state)
{
	struct fx *f = fx_new(old_conf);
	struct util_err e = {0};
	char stale[UTIL_SHA1_HEX_LEN + 1];

	(void)state;
	util_sha1_hex("something else", 14, stale);
	assert_int_equal(
	        pveconf_vm_commit(&f->p, "pve1", 100, stale, new_conf, strlen(new_conf), NULL, &e),
	        -ESTALE);
	assert_non_null(strstr(e.msg, "changed meanwhile"));
	assert_non_null(strstr(e.msg, "/etc/pve/nodes/pve1/qemu-server/100.conf"));
	assert_null(strstr(e.msg, f->dir)); /* the root is not shown */
	assert_conf(f, old_conf);
	/* a malformed digest is a caller error, not a mismatch */
	assert_int_equal(
	        pveconf_vm_commit(&f->p, "pve1", 100, "abc", new_conf, strlen(new_conf), NULL, &e),
	        -EINVAL);
	assert_non_null(strstr(e.msg, "not a SHA-1 digest"));
	/* upper-case hex of the right digest is the same digest */
	for (char *c = f->digest; *c; c++)
		if (*c >= 'a' && *c <= 'f')
			*c = (char)(*c - 'a' + 'A');
	assert_int_equal(pveconf_vm_commit(&f->p, "pve1", 100, f->digest, new_conf,
	                                   strlen(new_conf), NULL, &e),
	                 0);
	assert_conf(f, new_conf);
	fx_free(f);
}

/* A child takes the VM lock the way PVE does and keeps it until told to go. */
static pid_t hold_lock(struct fx *f, int *release_fd)
{
	int ready[2], go[2];
	char path[4096], c;
	pid_t pid;

	pveconf_vm_lock_path(&f->p, 100, path, sizeof(path));
	assert_int_equal(pipe(ready), 0);
	assert_int_equal(pipe(go), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int fd;

		close(go[1]); /* else read() below never sees EOF */
		close(ready[0]);
		fd = util_lock_acquire(path, 1000, NULL);
		c = fd >= 0 ? 'y' : 'n';
		if (write(ready[1], &c, 1) != 1)
			_exit(1);
		if (read(go[0], &c, 1) < 0)
			_exit(1);
		_exit(0);
	}
	close(ready[1]);
	close(go[0]);
	assert_int_equal(read(ready[0], &c, 1), 1);
	assert_int_equal(c, 'y');
	close(ready[0]);
	*release_fd = go[1];
	return pid;
}

static void test_lock_timeout(void **state)
{
	struct fx *f = fx_new(old_conf);
	struct pveconf_commit_opts o = {.lock_timeout_ms = 200};
	struct util_err e = {0};
	int go, status;
	pid_t pid = hold_lock(f, &go);

	(void)state;
	assert_int_equal(pveconf_vm_commit(&f->p, "pve1", 100, f->digest, new_conf,
	                                   strlen(new_conf), &o, &e),
	                 -ETIMEDOUT);
	assert_non_null(strstr(e.msg, "can't lock file '/var/lock/qemu-server/lock-100.conf'"));
	assert_non_null(strstr(e.msg, "got timeout"));
	assert_conf(f, old_conf);
	/* the holder goes away: the same call now succeeds */
	close(go);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(pveconf_vm_commit(&f->p, "pve1", 100, f->digest, new_conf,
	                                   strlen(new_conf), &o, &e),
	                 0);
	assert_conf(f, new_conf);
	fx_free(f);
}

/* A second process changes the file while it holds the lock; our commit waits for the lock and
 * must then see the change (re-read under the lock), not overwrite it. */
static void test_change_under_lock_is_seen(void **state)
{
	struct fx *f = fx_new(old_conf);
	struct util_err e = {0};
	char lpath[4096], cpath[4096], c;
	int ready[2], status;
	pid_t pid;

	(void)state;
	pveconf_vm_lock_path(&f->p, 100, lpath, sizeof(lpath));
	snprintf(cpath, sizeof(cpath), "%s/%s", f->dir, CONF_REL);
	assert_int_equal(pipe(ready), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct timespec ts = {0, 200 * 1000000L};
		int fd = util_lock_acquire(lpath, 1000, NULL);

		c = 'y';
		if (fd < 0 || write(ready[1], &c, 1) != 1)
			_exit(1);
		nanosleep(&ts, NULL); /* let the parent block on the lock */
		util_file_write_atomic(cpath, "cores: 2\n", 9, NULL, NULL);
		_exit(0); /* the kernel drops the flock */
	}
	assert_int_equal(read(ready[0], &c, 1), 1);
	assert_int_equal(pveconf_vm_commit(&f->p, "pve1", 100, f->digest, new_conf,
	                                   strlen(new_conf), NULL, &e),
	                 -ESTALE);
	assert_conf(f, "cores: 2\n");
	waitpid(pid, &status, 0);
	close(ready[0]);
	close(ready[1]);
	fx_free(f);
}

static void test_vm_locked(void **state)
{
	static const char locked[] = "cores: 1\nlock: backup\nname: plain\n";
	struct fx *f = fx_new(locked);
	struct pveconf_commit_opts o = {.ignore_vm_lock = true};
	struct util_err e = {0};

	(void)state;
	assert_int_equal(pveconf_vm_commit(&f->p, "pve1", 100, f->digest, new_conf,
	                                   strlen(new_conf), NULL, &e),
	                 -EBUSY);
	assert_non_null(strstr(e.msg, "VM is locked (backup)"));
	assert_conf(f, locked);
	assert_int_equal(pveconf_vm_commit(&f->p, "pve1", 100, f->digest, new_conf,
	                                   strlen(new_conf), &o, &e),
	                 0);
	assert_conf(f, new_conf);
	fx_free(f);
}

static void test_lock_get_table(void **state)
{
	static const struct {
		const char *conf;
		const char *want; /* NULL = not locked */
	} cases[] = {
	        {"lock: backup\n", "backup"},
	        {"cores: 1\nlock: migrate", "migrate"},        /* no final newline */
	        {"lock:snapshot\n", "snapshot"},               /* no space needed */
	        {"lock: \"backup\"\n", "backup"},              /* quotes removed */
	        {"lock: backup  \r\n", "backup"},              /* trailing blanks and CR */
	        {"lock: bogus\n", "bogus"},                    /* enums are not checked */
	        {"lock: a\nlock: b\n", "b"},                   /* last wins */
	        {"lock: 0\n", NULL},                           /* Perl truth: "0" does not lock */
	        {"lock: backup\nlock: 0\n", NULL},             /* last wins */
	        {" lock: backup\n", NULL},                     /* leading blank: not a key */
	        {"Lock: backup\n", NULL},                      /* keys are lowercase */
	        {"#lock: backup\n", NULL},                     /* comment */
	        {"locked: x\n", NULL},                         /* another key */
	        {"lock:\n", NULL},                             /* no value */
	        {"cores: 1\n[snap1]\nlock: backup\n", NULL},   /* only the main section */
	        {"cores: 1\n[PENDING]\nlock: backup\n", NULL}, /* same */
	        {"[weird section]\nlock: x\n", NULL},          /* unknown section ends main too */
	        {"cores: 1\n", NULL},
	        {"", NULL},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char buf[32];
		bool got =
		        pveconf_vm_lock_get(cases[i].conf, strlen(cases[i].conf), buf, sizeof(buf));

		if (got != (cases[i].want != NULL))
			fail_msg("case %zu (%s): locked=%d", i, cases[i].conf, got);
		if (got)
			assert_string_equal(buf, cases[i].want);
	}
}

static void test_other_node(void **state)
{
	struct fx *f = fx_new(old_conf);
	struct util_err e = {0};

	(void)state;
	/* .vmlist says 200 lives on pve2: pve1 must not write it, even if a file is there */
	tt_write(f->dir, "etc/pve/nodes/pve1/qemu-server/200.conf", old_conf);
	assert_int_equal(pveconf_vm_commit(&f->p, "pve1", 200, f->digest, new_conf,
	                                   strlen(new_conf), NULL, &e),
	                 -EEXIST);
	assert_non_null(strstr(e.msg, "belongs to node 'pve2'"));
	/* a container's VMID is never written as a VM config */
	tt_write(f->dir, "etc/pve/.vmlist",
	         "{\"ids\": {\"300\": {\"node\": \"pve1\", \"type\": \"lxc\"}}}");
	assert_int_equal(
	        pveconf_vm_commit(&f->p, "pve1", 300, NULL, new_conf, strlen(new_conf), NULL, &e),
	        -EEXIST);
	assert_non_null(strstr(e.msg, "lxc"));
	/* a corrupt .vmlist is an error, not a pass */
	tt_write(f->dir, "etc/pve/.vmlist", "{\"ids\": ");
	assert_int_equal(pveconf_vm_commit(&f->p, "pve1", 100, f->digest, new_conf,
	                                   strlen(new_conf), NULL, &e),
	                 -EINVAL);
	assert_conf(f, old_conf);
	/* no .vmlist at all (copied host): the directory decides */
	unlink(strcat(strcpy((char[4096]){0}, f->dir), "/etc/pve/.vmlist"));
	assert_int_equal(pveconf_vm_commit(&f->p, "pve1", 100, f->digest, new_conf,
	                                   strlen(new_conf), NULL, &e),
	                 0);
	fx_free(f);
}

static void test_missing_and_create(void **state)
{
	struct fx *f = fx_new(old_conf);
	struct util_err e = {0};
	char *got;

	(void)state;
	assert_int_equal(pveconf_vm_commit(&f->p, "pve1", 101, f->digest, new_conf,
	                                   strlen(new_conf), NULL, &e),
	                 -ENOENT);
	assert_non_null(strstr(e.msg, "101.conf"));
	assert_int_equal(
	        pveconf_vm_commit(&f->p, "pve1", 101, NULL, new_conf, strlen(new_conf), NULL, &e),
	        0);
	got = tt_read(f->dir, "etc/pve/nodes/pve1/qemu-server/101.conf", NULL);
	assert_string_equal(got, new_conf);
	free(got);
	/* NULL digest = must not exist */
	assert_int_equal(
	        pveconf_vm_commit(&f->p, "pve1", 100, NULL, new_conf, strlen(new_conf), NULL, &e),
	        -EEXIST);
	assert_conf(f, old_conf);
	fx_free(f);
}

static void test_size_limit(void **state)
{
	struct fx *f = fx_new(old_conf);
	struct util_err e = {0};
	size_t max = 1024 * 1024;
	char *big = malloc(max + 1), *got;
	size_t len;

	(void)state;
	memset(big, '#', max + 1);
	big[max - 1] = '\n';
	assert_int_equal(pveconf_vm_commit(&f->p, "pve1", 100, f->digest, big, max + 1, NULL, &e),
	                 -EFBIG);
	assert_non_null(strstr(e.msg, "1 MiB"));
	assert_conf(f, old_conf);
	/* exactly 1 MiB is what pmxcfs still takes */
	assert_int_equal(pveconf_vm_commit(&f->p, "pve1", 100, f->digest, big, max, NULL, &e), 0);
	got = tt_read(f->dir, CONF_REL, &len);
	assert_int_equal(len, max);
	free(got);
	/* the file on disk is now 1 MiB: a further commit reads it fine */
	util_sha1_hex(big, max, f->digest);
	assert_int_equal(pveconf_vm_commit(&f->p, "pve1", 100, f->digest, old_conf,
	                                   strlen(old_conf), NULL, &e),
	                 0);
	assert_conf(f, old_conf);
	/* a file above the limit on disk is refused */
	tt_write_bytes(f->dir, CONF_REL, big, max + 1);
	util_sha1_hex(big, max + 1, f->digest);
	assert_int_equal(pveconf_vm_commit(&f->p, "pve1", 100, f->digest, old_conf,
	                                   strlen(old_conf), NULL, &e),
	                 -EFBIG);
	free(big);
	fx_free(f);
}

static void stop_at(enum util_write_step step, void *arg)
{
	if ((int)step == *(int *)arg)
		raise(SIGSTOP);
}

/* The writer is killed at every step: the config is old or new, never a mix, and the VM lock
 * dies with the process so the next commit goes through. */
static void test_killed_between_steps(void **state)
{
	(void)state;
	for (int step = UTIL_WRITE_STEP_TMP_CREATED; step <= UTIL_WRITE_STEP_RENAMED; step++) {
		struct fx *f = fx_new(old_conf);
		struct util_err e = {0};
		char digest[UTIL_SHA1_HEX_LEN + 1], *got;
		int status;
		pid_t pid;

		pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			struct util_write_opts w = {.step = stop_at, .step_arg = &step};
			struct pveconf_commit_opts o = {.write = &w};

			pveconf_vm_commit(&f->p, "pve1", 100, f->digest, new_conf, strlen(new_conf),
			                  &o, NULL);
			_exit(0);
		}
		assert_int_equal(waitpid(pid, &status, WUNTRACED), pid);
		assert_true(WIFSTOPPED(status));
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		got = conf_now(f);
		assert_non_null(got);
		assert_string_equal(got, step == UTIL_WRITE_STEP_RENAMED ? new_conf : old_conf);
		util_sha1_hex(got, strlen(got), digest);
		free(got);
		assert_int_equal(
		        pveconf_vm_commit(&f->p, "pve1", 100, digest, "cores: 8\n", 9, NULL, &e),
		        0);
		assert_conf(f, "cores: 8\n");
		fx_free(f);
	}
}

/* Entries of the config's directory other than the config itself (temporary files left). */
static int dir_extra(struct fx *f)
{
	char dir[4096];
	DIR *d;
	struct dirent *de;
	int n = 0;

	snprintf(dir, sizeof(dir), "%s/etc/pve/nodes/pve1/qemu-server", f->dir);
	d = opendir(dir);
	assert_non_null(d);
	while ((de = readdir(d)))
		n += de->d_name[0] != '.' && strcmp(de->d_name, "100.conf") != 0;
	closedir(d);
	return n;
}

/* A real `sed -i` (which takes no lock and renames its own temp file over the config) runs after
 * our new content is written and before our rename(): the digest re-check just before rename()
 * sees it; its edit stays and ours is refused (issue 13 defect 4). */
static void run_sed(enum util_write_step step, void *arg)
{
	const char *path = arg;

	if (step == UTIL_WRITE_STEP_TMP_WRITTEN) {
		pid_t pid = fork();
		int st;

		if (pid == 0) {
			execlp("sed", "sed", "-i", "s/^cores: 4/cores: 6/", path, (char *)NULL);
			_exit(127);
		}
		assert_int_equal(waitpid(pid, &st, 0), pid);
		assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
}

static void test_sed_before_rename_is_seen(void **state)
{
	struct fx *f = fx_new(old_conf);
	struct util_err e = {0};
	char cpath[4096], *got;
	struct util_write_opts w = {.step = run_sed, .step_arg = cpath};
	struct pveconf_commit_opts o = {.write = &w};

	(void)state;
	snprintf(cpath, sizeof(cpath), "%s/%s", f->dir, CONF_REL);
	assert_int_equal(pveconf_vm_commit(&f->p, "pve1", 100, f->digest, new_conf,
	                                   strlen(new_conf), &o, &e),
	                 -ESTALE);
	assert_non_null(strstr(e.msg, "changed meanwhile"));
	got = conf_now(f);
	assert_non_null(strstr(got, "cores: 6\n"));
	assert_null(strstr(got, "hostpci0"));
	free(got);
	assert_int_equal(dir_extra(f), 0);
	fx_free(f);
}

/* Killed between writing and renaming: the named temporary file a killed writer leaves is removed
 * by the next commit (its pid is gone), and a stale file of another naming is left alone. */
static void test_stale_tmp_cleaned(void **state)
{
	struct fx *f = fx_new(old_conf);
	struct util_err e = {0};
	int step = UTIL_WRITE_STEP_TMP_WRITTEN, status;
	char digest[UTIL_SHA1_HEX_LEN + 1];
	pid_t pid;

	(void)state;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct util_write_opts w = {.step = stop_at, .step_arg = &step};
		struct pveconf_commit_opts o = {.write = &w};

		pveconf_vm_commit(&f->p, "pve1", 100, f->digest, new_conf, strlen(new_conf), &o,
		                  NULL);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, WUNTRACED), pid);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	tt_write(f->dir, "etc/pve/nodes/pve1/qemu-server/100.conf.tmp.1", "PVE's own\n");
	assert_int_equal(dir_extra(f), 2);
	assert_conf(f, old_conf);
	util_sha1_hex(old_conf, strlen(old_conf), digest);
	assert_int_equal(pveconf_vm_commit(&f->p, "pve1", 100, digest, "cores: 8\n", 9, NULL, &e),
	                 0);
	assert_int_equal(dir_extra(f), 1); /* only 100.conf.tmp.1 */
	fx_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_paths),
	        cmocka_unit_test(test_commit_ok_keeps_mode),
	        cmocka_unit_test(test_digest_mismatch),
	        cmocka_unit_test(test_lock_timeout),
	        cmocka_unit_test(test_change_under_lock_is_seen),
	        cmocka_unit_test(test_vm_locked),
	        cmocka_unit_test(test_lock_get_table),
	        cmocka_unit_test(test_other_node),
	        cmocka_unit_test(test_missing_and_create),
	        cmocka_unit_test(test_size_limit),
	        cmocka_unit_test(test_killed_between_steps),
	        cmocka_unit_test(test_sed_before_rename_is_seen),
	        cmocka_unit_test(test_stale_tmp_cleaned),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
