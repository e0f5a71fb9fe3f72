/* arena — bump allocator: a linked list of blocks, each allocation 16-byte aligned. */
#include "core/arena.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct block {
    struct block *next;
    size_t size, used;
    _Alignas(16) unsigned char data[];
} block;

struct cc_arena {
    block *head;
    size_t chunk;
    size_t total;
};

cc_arena *cc_arena_new(size_t chunk)
{
    cc_arena *a = calloc(1, sizeof *a);
    if (a)
        a->chunk = chunk ? chunk : 64 * 1024;
    return a;
}

void cc_arena_free(cc_arena *a)
{
    if (!a)
        return;
    block *b = a->head;
    while (b) {
        block *n = b->next;
        free(b);
        b = n;
    }
    free(a);
}

void *cc_arena_alloc(cc_arena *a, size_t size)
{
    if (size > SIZE_MAX / 2)
        return NULL;
    size_t need = (size + 15) & ~(size_t)15;
    if (need == 0)
        need = 16;
    block *b = a->head;
    if (!b || b->size - b->used < need) {
        size_t bs = need > a->chunk ? need : a->chunk;
        block *nb = malloc(sizeof *nb + bs);
        if (!nb)
            return NULL;
        nb->size = bs;
        nb->used = 0;
        if (b && need > a->chunk) {
            /* a large allocation gets its own block behind the current one */
            nb->next = b->next;
            b->next = nb;
        } else {
            nb->next = b;
            a->head = nb;
        }
        b = nb;
    }
    void *p = b->data + b->used;
    b->used += need;
    a->total += need;
    memset(p, 0, size);
    return p;
}

void *cc_arena_array(cc_arena *a, size_t n, size_t size)
{
    if (size && n > SIZE_MAX / 2 / size)
        return NULL;
    return cc_arena_alloc(a, n * size);
}

char *cc_arena_strndup(cc_arena *a, const char *s, size_t len)
{
    char *r = cc_arena_alloc(a, len + 1);
    if (r && len)
        memcpy(r, s, len);
    return r;
}

char *cc_arena_strdup(cc_arena *a, const char *s)
{
    return cc_arena_strndup(a, s, strlen(s));
}

size_t cc_arena_used(const cc_arena *a)
{
    return a->total;
}
