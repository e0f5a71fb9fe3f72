/* verify — offline verification of an event log as a stream of lines: strict decoding of each
 * record, sequence numbers, the hash chain, an RFC 6962 Merkle tree over the event hashes, and
 * signed checkpoints (already opened with their key by the caller) that the log must be
 * consistent with. The first problem is reported with the index of the first bad event and a
 * reason that names the kind of tampering. Pure: no I/O. Format: docs/tamper-evidence.md. */
#ifndef CC_VERIFY_H
#define CC_VERIFY_H

#include <stddef.h>
#include <stdint.h>

#include "core/diag.h"
#include "core/evlog.h"
#include "core/note.h"

typedef struct cc_verify cc_verify; /* opaque */

typedef struct cc_verify_result {
    uint64_t events;    /* events read and found sound */
    char root[65];      /* hex Merkle root over the sound events */
    char last_hash[65]; /* hex hash of the last sound event */
    char origin[100];   /* the log's checkpoint origin, "" before the first event */
    size_t checkpoints; /* checkpoints checked against the log */
    int bad;            /* 1 when a problem was found */
    uint64_t bad_index; /* the first bad event (or the checkpoint size that exposed it) */
    char why[400];      /* what is wrong, in words */
} cc_verify_result;

/* The checkpoint origin of a log whose first event has hash hash0 (64 hex digits):
 * "caucus-log/" followed by those digits. out holds at least 100 bytes. */
void cc_verify_origin_of(const char *hash0_hex, char *out, size_t n);

cc_err cc_verify_new(cc_verify **out);
void cc_verify_free(cc_verify *v);

/* Adds a checkpoint the log must agree with (copied); source names it in messages (a file
 * name, "store"). Add all checkpoints before the first line. */
cc_err cc_verify_add_checkpoint(cc_verify *v, const cc_checkpoint *c, const char *source);

/* Feeds the next line (without its newline; complete = 0 when the file ended without one).
 * Returns CC_OK, or CC_ERR_INVALID once a problem is found (then cc_verify_result tells
 * which and why; later lines are ignored). */
cc_err cc_verify_line(cc_verify *v, const char *line, size_t len, int complete);

/* cc_verify_line for a line checked already (io/plines checks lines on other threads):
 * check is cc_evlog_check's result on the line, with head filled when it is CC_OK and err when
 * not (neither is read for a line that is not complete); leaf is cc_merkle_leaf_hash of
 * head->hash, or NULL to compute it here. The same verdicts, messages and state as
 * cc_verify_line on the line. */
cc_err cc_verify_checked(cc_verify *v, int complete, cc_err check, const cc_evhead *head,
                         const cc_evlog_error *err, const unsigned char leaf[32]);

/* The state after the sound events so far: their number, the hash and wall time of the last
 * one (zeros before the first). For callers that hold other copies of those values to them. */
void cc_verify_head(const cc_verify *v, uint64_t *n, unsigned char hash[32], int64_t *wall_ms);

/* Ends the stream: checkpoints beyond the end expose a truncated log; an empty log is bad. */
void cc_verify_finish(cc_verify *v, cc_verify_result *out);

/* Hashes of the sound events so far (for proofs), when kept: cc_verify_keep_hashes(v, 1)
 * before the first line. *n receives the count; the array belongs to v. */
void cc_verify_keep_hashes(cc_verify *v, int keep);
const unsigned char (*cc_verify_hashes(const cc_verify *v, uint64_t *n))[32];

#endif
