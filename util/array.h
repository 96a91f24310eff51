/* util/array.h - growing a dynamic array: one way to make room, by doubling. */
#ifndef PP_UTIL_ARRAY_H
#define PP_UTIL_ARRAY_H

#include <stddef.h>

/* Makes room for element n (0-based) of the array *arrayp (any element pointer, passed as its
 * address) of elem-byte elements whose capacity is *cap: when n >= *cap, the capacity doubles
 * (first when it is 0) until it holds n + 1.  0, or -ENOMEM with *arrayp and *cap unchanged. */
int util_array_grow(void *arrayp, size_t *cap, size_t n, size_t elem, size_t first);

#endif
