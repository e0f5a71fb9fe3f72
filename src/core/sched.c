/* sched — binary heap keyed by (time, seq). */
#include "core/sched.h"

#include <stdlib.h>

static int before(const cc_sched_ev *x, const cc_sched_ev *y)
{
    return x->time < y->time || (x->time == y->time && x->seq < y->seq);
}

cc_err cc_sched_init(cc_sched *s, size_t cap)
{
    s->cap = cap ? cap : 64;
    s->n = 0;
    s->next_seq = 0;
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
}

cc_err cc_sched_push(cc_sched *s, int64_t time, uint32_t kind, uint32_t a, uint32_t b)
{
    if (s->n == s->cap) {
        size_t nc = s->cap ? s->cap * 2 : 64;
        cc_sched_ev *h = realloc(s->heap, nc * sizeof *h);
        if (!h)
            return CC_ERR_NOMEM;
        s->heap = h;
        s->cap = nc;
    }
    cc_sched_ev e = {time, s->next_seq++, kind, a, b};
    size_t i = s->n++;
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (!before(&e, &s->heap[p]))
            break;
        s->heap[i] = s->heap[p];
        i = p;
    }
    s->heap[i] = e;
    return CC_OK;
}

int cc_sched_pop(cc_sched *s, cc_sched_ev *out)
{
    if (s->n == 0)
        return 0;
    *out = s->heap[0];
    cc_sched_ev last = s->heap[--s->n];
    size_t i = 0, n = s->n;
    for (;;) {
        size_t l = 2 * i + 1;
        if (l >= n)
            break;
        size_t c = l + 1 < n && before(&s->heap[l + 1], &s->heap[l]) ? l + 1 : l;
        if (!before(&s->heap[c], &last))
            break;
        s->heap[i] = s->heap[c];
        i = c;
    }
    if (n)
        s->heap[i] = last;
    return 1;
}

const cc_sched_ev *cc_sched_peek(const cc_sched *s)
{
    return s->n ? &s->heap[0] : NULL;
}
