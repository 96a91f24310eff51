/* util/buf.c - growable buffer.  No I/O. */
#include "util/buf.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int buf_reserve(struct util_buf *b, size_t extra)
{
	size_t need, cap;
	char *s;

	if (extra > (size_t)-1 / 2 - b->len)
		return -ENOMEM;
	need = b->len + extra + 1;
	if (need <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap *= 2;
	s = realloc(b->s, cap);
	if (!s)
		return -ENOMEM;
	b->s = s;
	b->cap = cap;
	return 0;
}

int util_buf_add(struct util_buf *b, const void *data, size_t len)
{
	int r = buf_reserve(b, len);

	if (r < 0)
		return r;
	if (len)
		memcpy(b->s + b->len, data, len);
	b->len += len;
	b->s[b->len] = '\0';
	return 0;
}

int util_buf_adds(struct util_buf *b, const char *s)
{
	return util_buf_add(b, s, strlen(s));
}

int util_buf_addc(struct util_buf *b, char c)
{
	return util_buf_add(b, &c, 1);
}

int util_buf_addf(struct util_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n, r;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -EINVAL;
	r = buf_reserve(b, (size_t)n);
	if (r < 0)
		return r;
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

const char *util_buf_str(const struct util_buf *b)
{
	return b->s ? b->s : "";
}

char *util_buf_steal(struct util_buf *b)
{
	char *s = b->s;

	if (!s)
		s = calloc(1, 1);
	b->s = NULL;
	b->len = b->cap = 0;
	return s;
}

void util_buf_reset(struct util_buf *b)
{
	b->len = 0;
	if (b->s)
		b->s[0] = '\0';
}

void util_buf_free(struct util_buf *b)
{
	free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
}
