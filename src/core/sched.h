/* sched — the discrete-event scheduler: a binary min-heap in one growable array, ordered
 * by (time, insertion sequence) so equal-time events run in the order they were scheduled,
 * deterministically. No allocation per event (the array doubles when full). */
#ifndef CC_SCHED_H
#define CC_SCHED_H

#include <stddef.h>
#include <stdint.h>

#include "core/diag.h"

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
} cc_sched;

/* Initialises with room for cap events (0 = 64). Returns CC_ERR_NOMEM on failure. */
cc_err cc_sched_init(cc_sched *s, size_t cap);
void cc_sched_free(cc_sched *s);
/* Removes every event and restarts the sequence; keeps the storage. */
void cc_sched_clear(cc_sched *s);
/* Schedules an event; returns CC_ERR_NOMEM when the array cannot grow. */
cc_err cc_sched_push(cc_sched *s, int64_t time, uint32_t kind, uint32_t a, uint32_t b);
/* Removes the earliest event into *out; returns 0 when empty. */
int cc_sched_pop(cc_sched *s, cc_sched_ev *out);
/* Earliest event without removing it, or NULL. */
const cc_sched_ev *cc_sched_peek(const cc_sched *s);
static inline size_t cc_sched_size(const cc_sched *s)
{
    return s->n;
}

#endif
