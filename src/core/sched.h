/* sched — the discrete-event scheduler, ordered by (time, insertion sequence) so equal-time events
 * run in the order they were scheduled, deterministically. One growable array. A small queue is
 * left unordered: a push appends, and a pop scans for the earliest event with comparisons that
 * become conditional moves, not branches (a new event's time is as unpredictable as a coin, and a
 * heap or a sorted insertion would branch on it while it is still being computed). Past
 * CC_SCHED_SMALL_MAX events the queue becomes a binary min-heap until cleared. No allocation per
 * event (the array doubles when full). */
#ifndef CC_SCHED_H
#define CC_SCHED_H

#include <stddef.h>
#include <stdint.h>

#include "core/diag.h"

/* the largest queue left unordered */
#define CC_SCHED_SMALL_MAX 32

typedef struct cc_sched_ev {
    int64_t time;  /* scenario milliseconds (or any monotone unit the caller chooses) */
    uint64_t seq;  /* insertion order, assigned by cc_sched_push */
    uint32_t kind; /* caller-defined */
    uint32_t a, b; /* caller-defined arguments */
} cc_sched_ev;

typedef struct cc_sched {
    cc_sched_ev *heap;
    size_t n, cap;
    uint64_t next_seq;
    int small; /* heap[0..n) in no order; else a binary min-heap */
} cc_sched;

/* Initialises with room for cap events (0 = 64). Returns CC_ERR_NOMEM on failure. */
cc_err cc_sched_init(cc_sched *s, size_t cap);
void cc_sched_free(cc_sched *s);
/* Removes every event and restarts the sequence; keeps the storage. */
void cc_sched_clear(cc_sched *s);
/* cc_sched_push past the small queue's end: grows the array when full, turns the queue into a heap
 * when it outgrows CC_SCHED_SMALL_MAX, and schedules the event. */
cc_err cc_sched_push_slow(cc_sched *s, int64_t time, uint32_t kind, uint32_t a, uint32_t b);

/* (time, seq) order */
static inline int cc_sched_before(const cc_sched_ev *x, const cc_sched_ev *y)
{
    return x->time < y->time || (x->time == y->time && x->seq < y->seq);
}

/* Schedules an event; returns CC_ERR_NOMEM when the array cannot grow. Inline: the engine schedules
 * every agent action. */
static inline cc_err cc_sched_push(cc_sched *s, int64_t time, uint32_t kind, uint32_t a, uint32_t b)
{
    if (!s->small || s->n == s->cap || s->n == CC_SCHED_SMALL_MAX)
        return cc_sched_push_slow(s, time, kind, a, b);
    s->heap[s->n++] = (cc_sched_ev){time, s->next_seq++, kind, a, b};
    return CC_OK;
}

/* Index of the earliest of the n >= 1 events of a small queue: the least time by conditional moves
 * (no branch on the times, as unpredictable as coins), and among equal times, rare, the least seq. */
static inline size_t cc_sched_earliest(const cc_sched_ev *h, size_t n)
{
    size_t best = 0;
    int64_t bt = h[0].time;
    for (size_t i = 1; i < n; i++) {
        int64_t t = h[i].time;
        if (t == bt && h[i].seq < h[best].seq)
            best = i;
        int take = t < bt;
        best = take ? i : best;
        bt = take ? t : bt;
    }
    return best;
}

/* Removes the earliest event into *out; returns 0 when empty. */
int cc_sched_pop(cc_sched *s, cc_sched_ev *out);
/* cc_sched_pop_due of a queue that is a heap (not small). */
int cc_sched_pop_heap(cc_sched *s, int64_t until, cc_sched_ev *out);

/* The same when the earliest event is due by `until` (time <= until); else returns 0 and removes
 * nothing. Inline: the engine pops every event, and most queues of a simulation are small. */
static inline int cc_sched_pop_due(cc_sched *s, int64_t until, cc_sched_ev *out)
{
    if (!s->small)
        return cc_sched_pop_heap(s, until, out);
    if (s->n == 0)
        return 0;
    size_t best = cc_sched_earliest(s->heap, s->n);
    if (s->heap[best].time > until)
        return 0;
    *out = s->heap[best];
    s->heap[best] = s->heap[--s->n];
    return 1;
}
/* Earliest event without removing it, or NULL. */
const cc_sched_ev *cc_sched_peek(const cc_sched *s);
static inline size_t cc_sched_size(const cc_sched *s)
{
    return s->n;
}

#endif
