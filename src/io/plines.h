/* plines — the lines of an event log read in batches and checked on several threads: the work
 * that depends on no other line (io/lines' splitting and limits, cc_evlog_check of the line, the
 * Merkle leaf hash of its event hash) runs on worker threads ahead of the caller, who takes the
 * lines back one at a time and in file order, each with its check, and does the work that
 * depends on the lines before (sequence numbers, the chain, the Merkle nodes, the first error
 * in line order). Used by `caucus verify --threads N`, `caucus replay --threads N` and `caucus
 * report --threads N`
 * (docs/event-log.md, "Checking lines on several threads").
 *
 * The lines, their numbering and their errors are io/lines' (same max, same "line N is longer
 * than M bytes", same read errors, the same last line without a newline), and each line's check
 * is cc_evlog_check's on it: a reader of cc_plines sees what a reader of cc_lines calling
 * cc_evlog_check on each line sees. Memory is bounded: a ring of 2 * threads + 2 batches of
 * about opts.batch bytes (a batch grows to max + 1 bytes only to hold a line longer than it),
 * and per batch one entry for each line checked, which stops at the batch's first refused line.
 * The threads belong to the reader (started by cc_plines_open, joined by cc_plines_close); no
 * global state. One reader is used by one thread at a time. */
#ifndef CC_PLINES_H
#define CC_PLINES_H

#include <stddef.h>
#include <stdint.h>

#include "core/diag.h"
#include "core/evlog.h"

typedef struct cc_plines cc_plines; /* opaque */

typedef struct cc_plines_opts {
    unsigned threads; /* threads checking lines, the caller's included (it checks a batch itself
                       * when the next is not ready): 1 to CC_PLINES_MAX_THREADS; 1 starts none */
    size_t batch;     /* bytes read for a batch (whole lines are checked together); 0: 256 KiB */
    int leaf;         /* nonzero: also compute each accepted line's Merkle leaf hash */
    int spans;        /* nonzero: check with cc_evlog_check_spans and hand back its spans */
} cc_plines_opts;

#define CC_PLINES_MAX_THREADS 64

/* One line, valid until the next call on the reader. */
typedef struct cc_plines_line {
    const char *line; /* the line without its newline (into the reader's buffer) */
    size_t len;
    int complete;              /* 0 for a last line that has no newline */
    cc_err check;              /* cc_evlog_check(line, len): CC_OK or CC_ERR_PARSE */
    const cc_evhead *head;     /* when check is CC_OK: its fields (type points into line) */
    const cc_evlog_error *err; /* when check is not CC_OK: why */
    const unsigned char *leaf; /* when check is CC_OK and opts.leaf: cc_merkle_leaf_hash of head->hash */
    const cc_evspans *spans;   /* when check is CC_OK and opts.spans: where the strings are (into line) */
} cc_plines_line;

/* Opens path ("-" is standard input) for lines of at most max bytes, as cc_lines_open (the same
 * errors and messages), and starts opts->threads - 1 worker threads (fewer when the system
 * refuses one: the caller then checks more batches itself; the lines and checks are the same).
 * CC_ERR_ARG (why says so) for threads outside 1..CC_PLINES_MAX_THREADS. On success *out is the
 * caller's (cc_plines_close). */
cc_err cc_plines_open(const char *path, size_t max, const cc_plines_opts *opts, cc_plines **out, char *why,
                      size_t whylen);
/* The same for the lines of text[0..len) (the caller's, unchanged until cc_plines_close): the
 * batches are slices of it, nothing is read or copied; the same lines, checks and errors as for a
 * file of those bytes (never CC_ERR_IO). For callers that hold the whole log (`caucus replay`). */
cc_err cc_plines_open_mem(const char *text, size_t len, size_t max, const cc_plines_opts *opts,
                          cc_plines **out, char *why, size_t whylen);
/* Stops the workers (each ends the batch it is checking) and frees everything. NULL is fine. */
void cc_plines_close(cc_plines *r);

/* The next line and its check. Returns CC_OK with a line, CC_ERR_NOTFOUND at the end of the
 * file, CC_ERR_LIMIT for a line longer than max (why: "line N is longer than M bytes"),
 * CC_ERR_IO for a read error (why: "read error after line N: ..."), as cc_lines_next, each
 * only after every line before it, or CC_ERR_NOMEM when a batch cannot be had; an error is
 * returned again by every later call. */
cc_err cc_plines_next(cc_plines *r, cc_plines_line *out, char *why, size_t whylen);

/* The 1-based number of the line last returned (0 before the first). */
uint64_t cc_plines_number(const cc_plines *r);

#endif
