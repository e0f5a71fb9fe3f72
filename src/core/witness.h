/* witness — the checks of a transparency-log witness (c2sp.org/tlog-witness): an add-checkpoint
 * request (the size the client believes the witness last cosigned, a consistency proof from it,
 * and a signed checkpoint) is held to the latest checkpoint the witness cosigned for that
 * origin. A smaller tree (a rollback), another tree of the same size (a split view) or a tree
 * the proof does not extend (a fork) is refused; only a consistent one may be cosigned. Pure: the
 * caller keeps the latest checkpoint per origin, persists it atomically with the answer, and
 * gives the time of the cosignature. Format and worked example: docs/tamper-evidence.md. */
#ifndef CC_WITNESS_H
#define CC_WITNESS_H

#include <stddef.h>
#include <stdint.h>

#include "core/diag.h"
#include "core/note.h"

#define CC_WITNESS_MAX_PROOF 63         /* consistency proof lines a client may send */
#define CC_WITNESS_MAX_BODY (64 * 1024) /* largest request accepted, bytes */

typedef struct cc_witness_request {
    uint64_t old_size;
    unsigned char proof[CC_WITNESS_MAX_PROOF][32];
    size_t nproof;
    const char *note; /* into the parsed body: the signed checkpoint, note_len bytes */
    size_t note_len;
} cc_witness_request;

/* Parses an add-checkpoint body: "old N\n", zero to 63 base64 hash lines, an empty line, then
 * the checkpoint note. CC_ERR_PARSE with why (naming the line) when it is malformed (HTTP 400). */
cc_err cc_witness_parse(const char *body, size_t len, cc_witness_request *out, char *why, size_t whylen);

/* What the witness has cosigned for one origin: nothing yet, or its size and root. */
typedef struct cc_witness_latest {
    int known;
    uint64_t size;
    unsigned char root[32];
} cc_witness_latest;

/* Checks request r against the log keys (type CC_NOTE_KEY_NOTE; signature lines by other keys
 * are ignored) and against latest, the state for the checkpoint's origin (the caller finds it by
 * origin: call once with a zeroed latest to learn the origin from *cp, or look it up first with
 * cc_witness_origin). Returns the HTTP status of the tlog-witness protocol:
 *   200 cosign (*cp is the checkpoint; store it as the new latest before answering),
 *   404 no configured key has the name of a signature line (unknown log),
 *   403 no signature by a configured key verifies,
 *   400 the old size is larger than the checkpoint's,
 *   409 the old size is not the latest cosigned size (*conflict_size says which), or the same
 *       size with another root (a split view),
 *   422 the consistency proof does not verify (a fork, or a rollback behind a bad proof).
 * why says what was wrong in words. *cp is cleared except for 200 and 409 / 422 (for the log). */
int cc_witness_check(const cc_witness_request *r, const cc_note_verifier *const *logkeys, size_t nkeys,
                     const cc_witness_latest *latest, cc_checkpoint *cp, uint64_t *conflict_size, char *why,
                     size_t whylen);

/* The origin line of the request's checkpoint (the caller's key for its state), malloc'd, or
 * NULL when the note is not a checkpoint. */
char *cc_witness_origin(const cc_witness_request *r);

/* Formats an add-checkpoint body for a checkpoint note and a proof from old_size. */
cc_err cc_witness_format(uint64_t old_size, const unsigned char (*proof)[32], size_t nproof, const char *note,
                         size_t note_len, cc_buf *out);

#endif
