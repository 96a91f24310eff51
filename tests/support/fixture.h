/* tests/support/fixture.h - the fixture most file-reading unit tests share, set up and torn down
 * by cmocka around each test: a fresh temporary root (tt_mkdtemp), its util_paths, a zeroed error
 * and a path buffer.  Register a test with
 *     cmocka_unit_test_setup_teardown(test_x, tt_root_setup, tt_root_teardown)
 * and open it with `struct tt_root *t = *state;`; teardown removes the root and frees it all. */
#ifndef PP_TESTS_FIXTURE_H
#define PP_TESTS_FIXTURE_H

#include "util/err.h"
#include "util/paths.h"

struct tt_root {
	char *dir;           /* the root, malloc'd by tt_mkdtemp */
	struct util_paths p; /* util_paths_init(&p, dir) */
	struct util_err e;   /* zeroed */
	char path[4096];     /* tt_root_path's buffer */
};

int tt_root_setup(void **state);
int tt_root_teardown(void **state);
/* dir + "/" + rel in t->path (aborts when it does not fit); returns t->path. */
const char *tt_root_path(struct tt_root *t, const char *rel);

#endif
