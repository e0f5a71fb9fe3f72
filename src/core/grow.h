/* grow — the one way caucus grows an array: doubling its capacity (from 8 elements) until it holds
 * what is needed, overflow-checked, so that appending is amortised O(1). Pure. */
#ifndef CC_GROW_H
#define CC_GROW_H

#include <stddef.h>

/* The array arr (malloc'd, or NULL with *cap 0; *cap elements of size bytes) grown by realloc to a
 * doubled capacity that holds at least need (>= 1) elements, *cap updated: arr itself when it
 * holds them already. The old elements are kept; the new ones are not initialised. NULL when the
 * memory cannot be had (or need * size overflows): arr is then untouched and *cap unchanged.
 *   gcount *g = cc_grow(r->gc, &r->gccap, r->ngc + 1, sizeof *g);
 *   if (!g) return CC_ERR_NOMEM;
 *   r->gc = g; */
void *cc_grow(void *arr, size_t *cap, size_t need, size_t size);

#endif
