/* util/paths.c - puts host paths under the --root directory.
 * Must not do any I/O: it only builds strings. */
#include "util/paths.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int util_paths_init(struct util_paths *p, const char *root)
{
	size_t n;

	p->root[0] = '\0';
	p->rootlen = 0;
	if (!root)
		return 0;
	n = strlen(root);
	while (n > 0 && root[n - 1] == '/')
		n--;
	if (n >= sizeof(p->root))
		return -ENAMETOOLONG;
	memcpy(p->root, root, n);
	p->root[n] = '\0';
	p->rootlen = n;
	return 0;
}

bool util_paths_is_host(const struct util_paths *p)
{
	return p->rootlen == 0;
}

int util_path(const struct util_paths *p, char *buf, size_t n, const char *fmt, ...)
{
	va_list ap;
	int len;

	if (n <= p->rootlen) {
		if (n)
			buf[0] = '\0';
		return -ENAMETOOLONG;
	}
	memcpy(buf, p->root, p->rootlen);
	va_start(ap, fmt);
	len = vsnprintf(buf + p->rootlen, n - p->rootlen, fmt, ap);
	va_end(ap);
	if (len < 0 || (size_t)len >= n - p->rootlen) {
		buf[0] = '\0';
		return -ENAMETOOLONG;
	}
	return 0;
}

const char *util_path_display(const struct util_paths *p, const char *full)
{
	if (p->rootlen && strncmp(full, p->root, p->rootlen) == 0 && full[p->rootlen] == '/')
		return full + p->rootlen;
	return full;
}
