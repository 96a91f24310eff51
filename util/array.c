/* util/array.c - growing a dynamic array by doubling (util/array.h). */
#include "util/array.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int util_array_grow(void *arrayp, size_t *cap, size_t n, size_t elem, size_t first)
{
	size_t nc = *cap ? *cap : first ? first : 1;
	void *old, *nv;

	if (n < *cap)
		return 0;
	while (nc <= n) {
		if (nc > SIZE_MAX / 2 / elem)
			return -ENOMEM;
		nc *= 2;
	}
	/* the array pointer is read and written as bytes: it may point to any element type */
	memcpy(&old, arrayp, sizeof(old));
	nv = realloc(old, nc * elem);
	if (!nv)
		return -ENOMEM;
	memcpy(arrayp, &nv, sizeof(nv));
	*cap = nc;
	return 0;
}
