/* Unit tests: util/array - making room in a dynamic array by doubling, and leaving it as it was
 * when there is none. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "util/array.h"

struct pair {
	int a, b;
};

static void test_grow(void **state)
{
	struct pair *v = NULL;
	size_t cap = 0;

	(void)state;
	assert_int_equal(util_array_grow(&v, &cap, 0, sizeof(*v), 4), 0);
	assert_non_null(v);
	assert_int_equal(cap, 4);
	for (size_t n = 0; n < 100; n++) {
		assert_int_equal(util_array_grow(&v, &cap, n, sizeof(*v), 4), 0);
		assert_true(cap > n);
		v[n] = (struct pair){(int)n,
		                     -(int)n}; /* the room is there (ASan would say if not) */
	}
	assert_int_equal(cap, 128);
	for (size_t n = 0; n < 100; n++)
		assert_int_equal(v[n].a + v[n].b, 0); /* kept across the reallocations */
	/* room already there: nothing moves */
	{
		struct pair *before = v;

		assert_int_equal(util_array_grow(&v, &cap, 127, sizeof(*v), 4), 0);
		assert_ptr_equal(v, before);
		assert_int_equal(cap, 128);
	}
	/* a jump past the doubled size: doubled until it holds the element */
	assert_int_equal(util_array_grow(&v, &cap, 1000, sizeof(*v), 4), 0);
	assert_int_equal(cap, 1024);
	free(v);

	/* first 0 starts at 1; a size that would overflow size_t: -ENOMEM, array and cap kept */
	v = NULL;
	cap = 0;
	assert_int_equal(util_array_grow(&v, &cap, 0, sizeof(*v), 0), 0);
	assert_int_equal(cap, 1);
	v[0] = (struct pair){7, -7};
	assert_int_equal(util_array_grow(&v, &cap, SIZE_MAX / 2, sizeof(*v), 8), -ENOMEM);
	assert_int_equal(cap, 1);
	assert_int_equal(v[0].a, 7);
	free(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_grow),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
