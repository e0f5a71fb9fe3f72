/* evgen — test support: a chain of valid event-log records (fictional "note" events), so
 * store tests, the crash-test writer and benchmarks append real, verifiable lines. */
#ifndef CC_TEST_EVGEN_H
#define CC_TEST_EVGEN_H

#include <stdint.h>

#include "core/buf.h"

typedef struct evgen {
    uint64_t seq;           /* next sequence number */
    unsigned char prev[32]; /* hash of the last generated event (zeros before the first) */
} evgen;

/* Starts a chain at seq with prev_hex (64 hex digits or NULL for zeros). 0 ok, -1 bad hex. */
int evgen_init(evgen *g, uint64_t seq, const char *prev_hex);
/* Appends n canonical lines (each ending in '\n') continuing the chain; 0 ok, -1 on failure. */
int evgen_lines(evgen *g, int n, cc_buf *out);

#endif
