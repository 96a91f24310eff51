/* tests/support/fixture.c - the shared temporary-root fixture of fixture.h. */
#include "fixture.h"

#include <stdio.h>
#include <stdlib.h>

#include "tmpdir.h"

int tt_root_setup(void **state)
{
	struct tt_root *t = calloc(1, sizeof(*t));

	if (!t)
		abort();
	t->dir = tt_mkdtemp();
	if (util_paths_init(&t->p, t->dir) != 0)
		abort();
	*state = t;
	return 0;
}

int tt_root_teardown(void **state)
{
	struct tt_root *t = *state;

	tt_rmrf(t->dir);
	free(t->dir);
	free(t);
	return 0;
}

const char *tt_root_path(struct tt_root *t, const char *rel)
{
	if ((size_t)snprintf(t->path, sizeof(t->path), "%s/%s", t->dir, rel) >= sizeof(t->path))
		abort();
	return t->path;
}
