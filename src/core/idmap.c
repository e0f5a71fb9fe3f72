/* idmap — FNV-1a hashed open addressing table; capacity is a power of two >= 2n. */
#include "core/idmap.h"

#include <stdint.h>
#include <string.h>

typedef struct slot {
    const char *key;
    int index;
} slot;

struct cc_idmap {
    slot *slots;
    size_t mask, count;
};

static uint64_t hash(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return h;
}

cc_idmap *cc_idmap_new(cc_arena *a, size_t n)
{
    size_t cap = 16;
    while (cap < 2 * n + 2)
        cap *= 2;
    cc_idmap *m = cc_arena_alloc(a, sizeof *m);
    if (!m)
        return NULL;
    m->slots = cc_arena_array(a, cap, sizeof *m->slots);
    if (!m->slots)
        return NULL;
    m->mask = cap - 1;
    return m;
}

/* The slot holding id, or the empty slot where it would go. */
static slot *find(const cc_idmap *m, const char *id)
{
    size_t i = (size_t)hash(id) & m->mask;
    while (m->slots[i].key && strcmp(m->slots[i].key, id) != 0)
        i = (i + 1) & m->mask;
    return &m->slots[i];
}

int cc_idmap_put(cc_idmap *m, const char *id, int index)
{
    if (!id || m->count >= m->mask / 2 + 1)
        return -1;
    slot *sl = find(m, id);
    if (sl->key)
        return sl->index;
    sl->key = id;
    sl->index = index;
    m->count++;
    return -1;
}

int cc_idmap_get(const cc_idmap *m, const char *id)
{
    if (!id)
        return -1;
    const slot *sl = find(m, id);
    return sl->key ? sl->index : -1;
}

size_t cc_idmap_keys(const cc_idmap *m, const char **out, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i <= m->mask && n < max; i++)
        if (m->slots[i].key)
            out[n++] = m->slots[i].key;
    return n;
}
