/* host/run.c - runs or records external commands for host/ (argv, fork + execvp, no shell).
 * Must not decide which commands to run, and never prints (the child's output goes to stderr). */
#include "host/run.h"
#include "util/i18n.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static bool needs_quote(const char *s)
{
	if (!*s)
		return true;
	for (; *s; s++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:=,+@%",
		            *s))
			return true;
	return false;
}

int host_argv_format(struct util_buf *b, const char *const argv[])
{
	int r = 0;

	for (size_t i = 0; argv[i] && r == 0; i++) {
		if (i)
			r = util_buf_addc(b, ' ');
		if (r == 0 && !needs_quote(argv[i])) {
			r = util_buf_adds(b, argv[i]);
			continue;
		}
		r = r ? r : util_buf_addc(b, '\'');
		for (const char *s = argv[i]; *s && r == 0; s++)
			r = *s == '\'' ? util_buf_adds(b, "'\\''") : util_buf_addc(b, *s);
		r = r ? r : util_buf_addc(b, '\'');
	}
	return r ? r : util_buf_addc(b, '\n');
}

static int wait_child(pid_t pid, const char *name, struct util_err *e)
{
	int st;

	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return util_err_errno(e, -errno, _("waiting for %s"), name);
	if (WIFEXITED(st) && WEXITSTATUS(st) == 127)
		return util_err_set(e, -ENOENT, _("%s: command not found"), name);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return WIFEXITED(st) ? util_err_set(e, -EIO, _("%s failed (exit status %d)"), name,
		                                    WEXITSTATUS(st))
		                     : util_err_set(e, -EIO, _("%s failed (signal %d)"), name,
		                                    WTERMSIG(st));
	return 0;
}

int host_run(struct host_runner *r, const char *const argv[], struct util_err *e)
{
	pid_t pid;
	int rc;

	r->count++;
	rc = host_argv_format(&r->log, argv);
	if (rc < 0)
		return util_err_set(e, rc, _("out of memory"));
	if (r->fail_at && r->count == r->fail_at)
		return util_err_set(e, -EIO, _("%s failed (injected failure)"), argv[0]);
	if (r->mode == HOST_RUN_RECORD)
		return 0;
	pid = fork();
	if (pid < 0)
		return util_err_errno(e, -errno, _("cannot start %s"), argv[0]);
	if (pid == 0) {
		dup2(STDERR_FILENO, STDOUT_FILENO);
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	return wait_child(pid, argv[0], e);
}

int host_run_capture(const char *const argv[], size_t max, char **out, struct util_err *e)
{
	int fd[2], rc;
	struct util_buf b = {0};
	char chunk[4096];
	ssize_t got;
	pid_t pid;

	*out = NULL;
	if (pipe2(fd, O_CLOEXEC) < 0)
		return util_err_errno(e, -errno, _("cannot start %s"), argv[0]);
	pid = fork();
	if (pid < 0) {
		rc = -errno;
		close(fd[0]);
		close(fd[1]);
		return util_err_errno(e, rc, _("cannot start %s"), argv[0]);
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY);

		dup2(fd[1], STDOUT_FILENO);
		if (null >= 0)
			dup2(null, STDIN_FILENO);
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(fd[1]);
	while ((got = read(fd[0], chunk, sizeof(chunk))) != 0) {
		if (got < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (b.len + (size_t)got <= max && util_buf_add(&b, chunk, (size_t)got) < 0)
			break;
	}
	close(fd[0]);
	rc = wait_child(pid, argv[0], e);
	if (rc < 0) {
		util_buf_free(&b);
		return rc;
	}
	if (!b.s && util_buf_adds(&b, "") < 0)
		return util_err_set(e, -ENOMEM, _("out of memory"));
	*out = util_buf_steal(&b);
	return 0;
}

void host_runner_free(struct host_runner *r)
{
	util_buf_free(&r->log);
}
