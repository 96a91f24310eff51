/* util/err.c - fills struct util_err.  Never prints. */
#include "util/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int util_err_set(struct util_err *e, int code, const char *fmt, ...)
{
	va_list ap;

	if (!e)
		return code;
	e->code = code;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return code;
}

int util_err_errno(struct util_err *e, int code, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	if (!e)
		return code;
	e->code = code;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	n = strlen(e->msg);
	if (n < sizeof(e->msg))
		snprintf(e->msg + n, sizeof(e->msg) - n, ": %s", strerror(code < 0 ? -code : code));
	return code;
}

void util_err_clear(struct util_err *e)
{
	if (e) {
		e->code = 0;
		e->msg[0] = '\0';
	}
}
