/* util/err.h - an error code plus the one message that explains it.
 *
 * Functions that can fail return 0 or -errno and, when given a struct util_err, fill it with a
 * sentence for a person (what failed, on which path, what to do).  Only the front end prints it. */
#ifndef PP_UTIL_ERR_H
#define PP_UTIL_ERR_H

struct util_err {
	int code; /* negative errno, 0 when unset */
	char msg[1024];
};

/* Records the message (when e is not NULL) and returns code, so callers can write
 * `return util_err_set(e, -ENOENT, "%s: no such file", path);`. */
int util_err_set(struct util_err *e, int code, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

/* Same, appending ": <strerror(-code)>" to the message. */
int util_err_errno(struct util_err *e, int code, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

void util_err_clear(struct util_err *e);

#endif
