/* evlog — one event of the caucus event log as a JSON Lines record: canonical encoding,
 * SHA-256 hash chain, and strict decoding that refuses any line that is not exactly the
 * canonical form of a valid record. Format: docs/event-log.md. Pure: no I/O. */
#ifndef CC_EVLOG_H
#define CC_EVLOG_H

#include <jansson.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/diag.h"

#define CC_EVLOG_VERSION 1
#define CC_EVLOG_LINE_MAX (1u << 20) /* longest accepted line, bytes */

typedef struct cc_evrec {
    uint64_t seq;
    int64_t t_ms;             /* scenario time, ms since exercise start */
    int64_t wall_ms;          /* wall clock as given to the engine, ms since 1970 (0 = none) */
    char *actor;              /* seat id, or NULL for the engine itself */
    char *type;               /* e.g. "run.start", "inject.release", "delivery" */
    char *label;              /* canonical banner, or NULL when the event carries no label */
    json_t *payload;          /* an object */
    unsigned char prev[32];   /* hash of the previous event; zeros for seq 0 */
    unsigned char digest[32]; /* engine state digest after this event */
    unsigned char hash[32];   /* SHA-256 of the canonical record without "hash" */
} cc_evrec;

/* Frees the strings and payload of a decoded record. */
void cc_evrec_clear(cc_evrec *e);

/* Computes e->hash and appends the canonical line plus '\n' to out. The strings and payload
 * are borrowed. Errors: CC_ERR_INVALID (payload not canonicalisable), CC_ERR_NOMEM. */
cc_err cc_evlog_encode(cc_evrec *e, cc_buf *out);

/* Where and why a line was refused. */
typedef struct cc_evlog_error {
    char message[200];
} cc_evlog_error;

/* Decodes one line (without '\n'): valid JSON, the exact member set, types, version, and the
 * line must equal its canonical encoding; the hash must match. On success the record owns
 * its strings and payload (cc_evrec_clear). Returns CC_ERR_PARSE with err filled otherwise. */
cc_err cc_evlog_decode(const char *line, size_t len, cc_evrec *out, cc_evlog_error *err);

void cc_hex(const unsigned char *bytes, size_t n, char *out);               /* out: 2n+1 bytes */
int cc_unhex(const char *hex, size_t hexlen, unsigned char *out, size_t n); /* 0 ok, -1 bad */

#endif
