/* arena — a bump allocator owning many small allocations freed together. A scenario and
 * everything in it (strings, arrays) live in one arena, so a loaded scenario frees at once. */
#ifndef CC_ARENA_H
#define CC_ARENA_H

#include <stddef.h>

typedef struct cc_arena cc_arena; /* opaque */

/* Creates an arena; chunk is the default block size (0 for 64 KiB). NULL on ENOMEM. */
cc_arena *cc_arena_new(size_t chunk);
/* Frees the arena and everything allocated from it. NULL is ignored. */
void cc_arena_free(cc_arena *a);
/* Zeroed, 16-byte aligned memory valid until cc_arena_free; NULL on ENOMEM or overflow. */
void *cc_arena_alloc(cc_arena *a, size_t size);
/* n elements of size bytes (overflow-checked). */
void *cc_arena_array(cc_arena *a, size_t n, size_t size);
/* Copies len bytes and appends a NUL. */
char *cc_arena_strndup(cc_arena *a, const char *s, size_t len);
char *cc_arena_strdup(cc_arena *a, const char *s);
/* Bytes handed out so far (for limits and benchmarks). */
size_t cc_arena_used(const cc_arena *a);

#endif
