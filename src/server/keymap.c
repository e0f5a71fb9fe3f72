/* keymap — see keymap.h. Records live in one array; a bucket array of chains (by keyed hash)
 * finds them, and a doubly linked list orders them by last use (head: least recent). Free
 * records are chained through their bucket link. */
#include "server/keymap.h"

#include <assert.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define NIL UINT32_MAX

typedef struct entry {
    char key[CC_KEYMAP_KEY_MAX + 1];
    uint32_t chain;        /* next in its bucket (or in the free list) */
    uint32_t older, newer; /* the order of use */
    int64_t used;
    int live;
} entry;

struct cc_keymap {
    entry *e;
    unsigned char *vals;
    uint32_t *bucket;
    size_t cap, valsize, nbuckets, n;
    uint32_t free, oldest, newest;
    unsigned char hk[crypto_shorthash_KEYBYTES];
};

static uint32_t bucket_of(const cc_keymap *m, const char *key)
{
    unsigned char h[crypto_shorthash_BYTES];
    crypto_shorthash(h, (const unsigned char *)key, strlen(key), m->hk);
    uint64_t v = 0;
    memcpy(&v, h, sizeof v);
    return (uint32_t)(v & (m->nbuckets - 1));
}

cc_err cc_keymap_new(size_t cap, size_t valsize, const unsigned char hashkey[16], cc_keymap **out)
{
    *out = NULL;
    if (!cap || !valsize || cap >= NIL / 4)
        return CC_ERR_ARG;
    cc_keymap *m = calloc(1, sizeof *m);
    if (!m)
        return CC_ERR_NOMEM;
    m->cap = cap;
    m->valsize = valsize;
    for (m->nbuckets = 16; m->nbuckets < 2 * cap;)
        m->nbuckets *= 2;
    m->e = calloc(cap, sizeof *m->e);
    m->vals = calloc(cap, valsize);
    m->bucket = malloc(m->nbuckets * sizeof *m->bucket);
    if (!m->e || !m->vals || !m->bucket) {
        cc_keymap_free(m);
        return CC_ERR_NOMEM;
    }
    memcpy(m->hk, hashkey, sizeof m->hk);
    for (size_t i = 0; i < m->nbuckets; i++)
        m->bucket[i] = NIL;
    for (size_t i = 0; i < cap; i++)
        m->e[i].chain = i + 1 < cap ? (uint32_t)(i + 1) : NIL;
    m->free = 0;
    m->oldest = m->newest = NIL;
    *out = m;
    return CC_OK;
}

void cc_keymap_free(cc_keymap *m)
{
    if (!m)
        return;
    free(m->e);
    free(m->vals);
    free(m->bucket);
    sodium_memzero(m->hk, sizeof m->hk);
    free(m);
}

static void *val_of(cc_keymap *m, uint32_t i)
{
    return m->vals + (size_t)i * m->valsize;
}

static void unlink_use(cc_keymap *m, uint32_t i)
{
    entry *x = &m->e[i];
    if (x->older != NIL)
        m->e[x->older].newer = x->newer;
    else
        m->oldest = x->newer;
    if (x->newer != NIL)
        m->e[x->newer].older = x->older;
    else
        m->newest = x->older;
    x->older = x->newer = NIL;
}

/* Record i becomes the most recently used (a record being added is not in the order yet). */
static void mark_used(cc_keymap *m, uint32_t i, int64_t now)
{
    entry *x = &m->e[i];
    x->used = now;
    if (m->newest == i)
        return;
    if (x->live)
        unlink_use(m, i);
    x->older = m->newest;
    x->newer = NIL;
    if (m->newest != NIL)
        m->e[m->newest].newer = i;
    m->newest = i;
    if (m->oldest == NIL)
        m->oldest = i;
}

static uint32_t find(const cc_keymap *m, const char *key, uint32_t b)
{
    for (uint32_t i = m->bucket[b]; i != NIL; i = m->e[i].chain)
        if (strcmp(m->e[i].key, key) == 0)
            return i;
    return NIL;
}

/* Takes record i out of the map (its bucket, the order of use) and onto the free list. */
static void drop(cc_keymap *m, uint32_t i)
{
    uint32_t b = bucket_of(m, m->e[i].key);
    for (uint32_t *pp = &m->bucket[b]; *pp != NIL; pp = &m->e[*pp].chain)
        if (*pp == i) {
            *pp = m->e[i].chain;
            break;
        }
    unlink_use(m, i);
    m->e[i].live = 0;
    m->e[i].key[0] = 0;
    m->e[i].chain = m->free;
    m->free = i;
    m->n--;
}

void *cc_keymap_get(cc_keymap *m, const char *key, int64_t now)
{
    if (strlen(key) > CC_KEYMAP_KEY_MAX)
        return NULL;
    uint32_t i = find(m, key, bucket_of(m, key));
    if (i == NIL)
        return NULL;
    mark_used(m, i, now);
    return val_of(m, i);
}

void *cc_keymap_put(cc_keymap *m, const char *key, int64_t now, int64_t drop_before, int *added,
                    void *dropped, int *had_dropped)
{
    *added = 0;
    if (had_dropped)
        *had_dropped = 0;
    size_t kl = strlen(key);
    if (kl > CC_KEYMAP_KEY_MAX)
        return NULL;
    uint32_t b = bucket_of(m, key);
    uint32_t i = find(m, key, b);
    if (i != NIL) {
        mark_used(m, i, now);
        return val_of(m, i);
    }
    if (m->free == NIL) {
        uint32_t old = m->oldest;
        assert(old != NIL && m->n == m->cap);
        if (m->e[old].used >= drop_before)
            return NULL; /* every key is in use: no room */
        if (dropped)
            memcpy(dropped, val_of(m, old), m->valsize);
        if (had_dropped)
            *had_dropped = 1;
        drop(m, old);
    }
    i = m->free;
    m->free = m->e[i].chain;
    entry *x = &m->e[i];
    memcpy(x->key, key, kl + 1);
    x->chain = m->bucket[b];
    m->bucket[b] = i;
    x->older = x->newer = NIL;
    x->live = 0;
    mark_used(m, i, now);
    x->live = 1;
    m->n++;
    memset(val_of(m, i), 0, m->valsize);
    *added = 1;
    return val_of(m, i);
}

void cc_keymap_each(cc_keymap *m, int (*fn)(void *ctx, const char *key, void *val), void *ctx)
{
    for (uint32_t i = m->oldest, nx; i != NIL; i = nx) {
        nx = m->e[i].newer;
        if (fn(ctx, m->e[i].key, val_of(m, i)))
            drop(m, i);
    }
}

size_t cc_keymap_count(const cc_keymap *m)
{
    return m->n;
}

size_t cc_keymap_capacity(const cc_keymap *m)
{
    return m->cap;
}
