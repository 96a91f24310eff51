/* host/run.h - the seam through which host/ runs external commands (update-grub, dpkg, ...).
 *
 * argv only, never a shell.  In record mode nothing runs: each argv is appended to a list that the
 * front end prints as next steps (--root other than "/", --dry-run) and that tests compare with
 * golden files. */
#ifndef PP_HOST_RUN_H
#define PP_HOST_RUN_H

#include <stdbool.h>

#include "util/buf.h"
#include "util/err.h"

enum host_run_mode {
	HOST_RUN_EXEC,   /* run the command (and record it) */
	HOST_RUN_RECORD, /* only record it */
};

struct host_runner {
	enum host_run_mode mode;
	struct util_buf log; /* one line per command, shell-quoted for a person to copy */
	int count;           /* commands seen so far */
	int fail_at;         /* tests: the Nth command (1-based) fails with -EIO; 0 = never */
};

/* Runs (or records) argv (NULL-terminated).  The child's stdout goes to our stderr so the tool's
 * own stdout stays clean.  0, or -EIO when it exits non-zero, -errno when it cannot start. */
int host_run(struct host_runner *r, const char *const argv[], struct util_err *e);

/* Runs argv and captures its stdout (at most max bytes) into *out (malloc'd).  Read-only commands
 * only (dkms status); always executes, so callers check util_paths_is_host() first.
 * 0, -ENOENT when the program is not installed, -EIO on a non-zero exit. */
int host_run_capture(const char *const argv[], size_t max, char **out, struct util_err *e);

/* Appends argv to b as one shell-quoted line ("update-grub\n"). */
int host_argv_format(struct util_buf *b, const char *const argv[]);

void host_runner_free(struct host_runner *r);

#endif
