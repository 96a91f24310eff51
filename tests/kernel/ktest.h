/* tests/kernel/ktest.h - the guest side of the real-kernel tier: named checks printed as
 * "PASS name" / "FAIL name: why" on the serial console (tests/kernel/boot.sh counts them), and
 * helpers to run the project's binary inside the guest.  Runs only inside the QEMU guest. */
#ifndef PP_TESTS_KTEST_H
#define PP_TESTS_KTEST_H

#include <stdbool.h>
#include <stddef.h>

struct ktest {
	int passed, failed;
};

/* Records one named check: prints "PASS name", or "FAIL name: <why>" when !ok.  Returns ok. */
bool ktest_check(struct ktest *t, const char *name, bool ok, const char *why_fmt, ...)
        __attribute__((format(printf, 4, 5)));

/* Prints an informational line ("INFO ...") that boot.sh shows with the failures. */
void ktest_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Runs argv (argv[0] looked up in PATH) with stdout captured into *out (malloc'd, NUL-terminated)
 * and stderr into *err.  Returns the exit status, or -1 when it could not run or was killed. */
int ktest_run(char *const argv[], char **out, char **err);

#endif
