/* util/err.c - fills struct util_err.  Never prints. */
#include "util/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static void err_vset(struct util_err *e, int code, const char *fmt, va_list ap)
        __attribute__((format(printf, 3, 0)));

static void err_vset(struct util_err *e, int code, const char *fmt, va_list ap)
{
	e->code = code;
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
}

int util_err_set(struct util_err *e, int code, const char *fmt, ...)
{
	va_list ap;

	if (!e)
		return code;
	va_start(ap, fmt);
	err_vset(e, code, fmt, ap);
	va_end(ap);
	return code;
}

int util_err_errno(struct util_err *e, int code, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	if (!e)
		return code;
	va_start(ap, fmt);
	err_vset(e, code, fmt, ap);
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
