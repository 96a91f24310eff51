/* tests/kernel/ktest.c - named checks and process helpers for the guest test program of the
 * real-kernel tier.  Prints to stdout (the guest's serial console); never touches the build host. */
#include "ktest.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

bool ktest_check(struct ktest *t, const char *name, bool ok, const char *why_fmt, ...)
{
	if (ok) {
		t->passed++;
		printf("PASS %s\n", name);
	} else {
		va_list ap;
		t->failed++;
		printf("FAIL %s: ", name);
		va_start(ap, why_fmt);
		vprintf(why_fmt, ap);
		va_end(ap);
		putchar('\n');
	}
	fflush(stdout);
	return ok;
}

void ktest_info(const char *fmt, ...)
{
	va_list ap;
	fputs("INFO ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

static char *slurp(int fd)
{
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap);
	ssize_t n;
	if (!buf)
		return NULL;
	while ((n = read(fd, buf + len, cap - len - 1)) > 0) {
		len += (size_t)n;
		if (cap - len < 2) {
			char *nb = realloc(buf, cap * 2);
			if (!nb) {
				free(buf);
				return NULL;
			}
			buf = nb;
			cap *= 2;
		}
	}
	buf[len] = '\0';
	close(fd);
	return buf;
}

int ktest_run(char *const argv[], char **out, char **err)
{
	int po[2], pe[2], status;
	pid_t pid;
	*out = *err = NULL;
	if (pipe(po) != 0)
		return -1;
	if (pipe(pe) != 0) {
		close(po[0]);
		close(po[1]);
		return -1;
	}
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		dup2(po[1], 1);
		dup2(pe[1], 2);
		close(po[0]);
		close(pe[0]);
		close(po[1]);
		close(pe[1]);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(po[1]);
	close(pe[1]);
	/* outputs here are small (a few KiB): read stdout fully, then stderr */
	*out = slurp(po[0]);
	*err = slurp(pe[0]);
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}
