/* sched — an unordered array for small queues, a binary heap keyed by (time, seq) for large ones. */
#include "core/sched.h"
#include "core/grow.h"

#include <stdlib.h>

cc_err cc_sched_init(cc_sched *s, size_t cap)
{
    s->cap = cap ? cap : 64;
    s->n = 0;
    s->next_seq = 0;
    s->small = 1;
    s->heap = malloc(s->cap * sizeof *s->heap);
    return s->heap ? CC_OK : CC_ERR_NOMEM;
}

void cc_sched_free(cc_sched *s)
{
    free(s->heap);
    s->heap = NULL;
    s->n = s->cap = 0;
}

void cc_sched_clear(cc_sched *s)
{
    s->n = 0;
    s->next_seq = 0;
    s->small = 1;
}

static void sift_down(cc_sched_ev *h, size_t n, size_t i)
{
    cc_sched_ev x = h[i];
    for (;;) {
        size_t l = 2 * i + 1;
        if (l >= n)
            break;
        size_t c = l + 1 < n && cc_sched_before(&h[l + 1], &h[l]) ? l + 1 : l;
        if (!cc_sched_before(&h[c], &x))
            break;
        h[i] = h[c];
        i = c;
    }
    h[i] = x;
}

cc_err cc_sched_push_slow(cc_sched *s, int64_t time, uint32_t kind, uint32_t a, uint32_t b)
{
    cc_sched_ev *h = cc_grow(s->heap, &s->cap, s->n + 1, sizeof *h);
    if (!h)
        return CC_ERR_NOMEM;
    s->heap = h;
    if (s->small && s->n < CC_SCHED_SMALL_MAX)
        return cc_sched_push(s, time, kind, a, b);
    if (s->small) { /* a heap of the queue (Floyd's construction) */
        for (size_t i = s->n / 2; i-- > 0;)
            sift_down(s->heap, s->n, i);
        s->small = 0;
    }
    cc_sched_ev e = {time, s->next_seq++, kind, a, b};
    size_t i = s->n++;
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (!cc_sched_before(&e, &s->heap[p]))
            break;
        s->heap[i] = s->heap[p];
        i = p;
    }
    s->heap[i] = e;
    return CC_OK;
}

int cc_sched_pop_heap(cc_sched *s, int64_t until, cc_sched_ev *out)
{
    if (s->n == 0 || s->heap[0].time > until)
        return 0;
    *out = s->heap[0];
    s->heap[0] = s->heap[--s->n];
    if (s->n > 1)
        sift_down(s->heap, s->n, 0);
    return 1;
}

int cc_sched_pop(cc_sched *s, cc_sched_ev *out)
{
    return cc_sched_pop_due(s, INT64_MAX, out);
}

const cc_sched_ev *cc_sched_peek(const cc_sched *s)
{
    if (s->n == 0)
        return NULL;
    return &s->heap[s->small ? cc_sched_earliest(s->heap, s->n) : 0];
}
