/* idmap — string id -> index lookup (open addressing, arena-allocated), so reference
 * checks stay linear on scenarios with tens of thousands of items. */
#ifndef CC_IDMAP_H
#define CC_IDMAP_H

#include <stddef.h>

#include "core/arena.h"

typedef struct cc_idmap cc_idmap;

/* A map sized for up to n ids; NULL on ENOMEM. Lives in the arena. */
cc_idmap *cc_idmap_new(cc_arena *a, size_t n);
/* Inserts id -> index. Returns -1 when inserted, or the existing index when id is present
 * (the map keeps the first). The id string must outlive the map. NULL ids are ignored (-1). */
int cc_idmap_put(cc_idmap *m, const char *id, int index);
/* The index of id, or -1. */
int cc_idmap_get(const cc_idmap *m, const char *id);
/* Copies up to max ids (in table order, not insertion order) to out, for did-you-mean
 * suggestions; returns how many. */
size_t cc_idmap_keys(const cc_idmap *m, const char **out, size_t max);

#endif
