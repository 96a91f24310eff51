/* tests/support/tmpdir.c - fixture helpers shared by the unit tests. */
#include "tmpdir.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef PP_SRCDIR
#define PP_SRCDIR "."
#endif

static void die(const char *what, const char *path)
{
	fprintf(stderr, "test fixture: %s %s: %s\n", what, path, strerror(errno));
	abort();
}

char *tt_mkdtemp(void)
{
	const char *base = getenv("TMPDIR");
	char *p;

	if (!base || !*base)
		base = "/tmp";
	if (asprintf(&p, "%s/pp-test-XXXXXX", base) < 0)
		abort();
	if (!mkdtemp(p))
		die("mkdtemp", p);
	return p;
}

void tt_rmrf(const char *path)
{
	char cmd[PATH_MAX + 32];

	if (!strstr(path, "/pp-test-"))
		abort();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", path);
	if (system(cmd) != 0)
		fprintf(stderr, "test fixture: could not remove %s\n", path);
}

static void mkparents(char *full)
{
	for (char *p = full + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(full, 0755) < 0 && errno != EEXIST)
			die("mkdir", full);
		*p = '/';
	}
}

void tt_write_bytes(const char *dir, const char *rel, const void *data, size_t len)
{
	char full[PATH_MAX];
	FILE *f;

	snprintf(full, sizeof(full), "%s/%s", dir, rel);
	mkparents(full);
	f = fopen(full, "wb");
	if (!f)
		die("fopen", full);
	if (len && fwrite(data, 1, len, f) != len)
		die("fwrite", full);
	if (fclose(f) != 0)
		die("fclose", full);
}

void tt_write(const char *dir, const char *rel, const char *content)
{
	tt_write_bytes(dir, rel, content, strlen(content));
}

void tt_symlink(const char *dir, const char *rel, const char *target)
{
	char full[PATH_MAX];

	snprintf(full, sizeof(full), "%s/%s", dir, rel);
	mkparents(full);
	unlink(full);
	if (symlink(target, full) < 0)
		die("symlink", full);
}

void tt_mkdir(const char *dir, const char *rel)
{
	char full[PATH_MAX];

	snprintf(full, sizeof(full), "%s/%s/", dir, rel);
	mkparents(full);
}

char *tt_read(const char *dir, const char *rel, size_t *len)
{
	char full[PATH_MAX];
	FILE *f;
	char *buf;
	long n;

	snprintf(full, sizeof(full), "%s/%s", dir, rel);
	f = fopen(full, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n)
		abort();
	buf[n] = '\0';
	fclose(f);
	if (len)
		*len = (size_t)n;
	return buf;
}

/* The next of eight static PATH_MAX buffers, so that a few paths can be used together. */
static char *next_buf(void)
{
	static char buf[8][PATH_MAX];
	static int i;

	i = (i + 1) % 8;
	return buf[i];
}

const char *tt_src(const char *rel)
{
	char *b = next_buf();

	snprintf(b, PATH_MAX, "%s/%s", PP_SRCDIR, rel);
	return b;
}

const char *tt_shared(const char *rel)
{
	char *b = next_buf();

	snprintf(b, PATH_MAX, "%s/../shared/%s", PP_SRCDIR, rel);
	/* the ground truth is not optional: without it a test fails at once, saying why */
	{
		char top[PATH_MAX];

		snprintf(top, sizeof(top), "%s/../shared/corpus", PP_SRCDIR);
		if (access(top, F_OK) != 0) {
			fprintf(stderr,
			        "FAIL: %s is missing: the tests read PVE's own outputs from it "
			        "(put the shared ground truth next to the source tree)\n",
			        top);
			abort();
		}
	}
	return b;
}
