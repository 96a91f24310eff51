/* util/buf.h - a growable byte buffer (always NUL-terminated, may hold NUL bytes). */
#ifndef PP_UTIL_BUF_H
#define PP_UTIL_BUF_H

#include <stddef.h>

struct util_buf {
	char *s; /* NULL until the first append */
	size_t len;
	size_t cap;
};

/* All return 0 or -ENOMEM. */
int util_buf_add(struct util_buf *b, const void *data, size_t len);
int util_buf_adds(struct util_buf *b, const char *s);
int util_buf_addc(struct util_buf *b, char c);
int util_buf_addf(struct util_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Returns the string (never NULL; "" when empty), still owned by the buffer. */
const char *util_buf_str(const struct util_buf *b);
/* Hands the string over to the caller (free()), leaving the buffer empty. */
char *util_buf_steal(struct util_buf *b);
void util_buf_reset(struct util_buf *b);
void util_buf_free(struct util_buf *b);

#endif
