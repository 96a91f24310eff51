/* util/diff.h - the one unified diff of the tool (assign --dry-run, host setup --dry-run, rollback
 * warnings): two small texts in memory, LCS over lines, 3 lines of context.  Pure: no I/O. */
#ifndef PP_UTIL_DIFF_H
#define PP_UTIL_DIFF_H

#include <stddef.h>

#include "util/buf.h"

enum util_diff_flags {
	/* "@@ -3,1 +3,2 @@" (every range with its count, as host setup has always printed) instead
	 * of GNU diff -u's "@@ -3 +3,2 @@" */
	UTIL_DIFF_FULL_RANGES = 1,
};

/* Appends "--- label_a\n+++ label_b\n" and the hunks turning a into b; nothing at all when the
 * texts are equal.  A last line without '\n' gets "\ No newline at end of file".  0 or -ENOMEM. */
int util_diff_unified(const char *label_a, const char *a, size_t la, const char *label_b,
                      const char *b, size_t lb, unsigned flags, struct util_buf *out);

#endif
