/* util/lock.h - exclusive flock() on a lock file, with a timeout. */
#ifndef PP_UTIL_LOCK_H
#define PP_UTIL_LOCK_H

#include "util/err.h"

/* Opens (creating it and its directory) path and takes an exclusive flock, retrying until
 * timeout_ms has passed.  Returns the held fd (>= 0) or -errno; -ETIMEDOUT when another process
 * kept the lock, with a message naming the file. */
int util_lock_acquire(const char *path, int timeout_ms, struct util_err *e);
/* Releases and closes a lock fd from util_lock_acquire (fd < 0: nothing). */
void util_lock_release(int fd);

#endif
