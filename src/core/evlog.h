/* evlog — one event of the caucus event log as a JSON Lines record: canonical encoding,
 * SHA-256 hash chain, and strict decoding that refuses any line that is not exactly the
 * canonical form of a valid record. Format: docs/event-log.md. Pure: no I/O. */
#ifndef CC_EVLOG_H
#define CC_EVLOG_H

#include <jansson.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/diag.h"

struct cc_jf; /* core/cjw.h */

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
/* The same record with the payload given as fields (core/cjw) instead of e->payload: the same bytes
 * as cc_evlog_encode of the equal jansson object. Nothing is allocated once out has grown. */
cc_err cc_evlog_encode_fields(cc_evrec *e, const struct cc_jf *f, size_t n, cc_buf *out);
/* cc_evlog_encode (f NULL) or cc_evlog_encode_fields (f not NULL; n 0 for no fields) for a caller
 * that expects the record to be a line it has already checked: seen[0..seen_len), without its
 * '\n', which cc_evlog_check (or cc_evlog_decode) accepted, so that its hash is the SHA-256 of its
 * bytes without the hash member. When the record's bytes equal seen's outside the hash member,
 * the hash is seen's, copied instead of computed again (the same bytes and e->hash either way);
 * otherwise it is computed. seen may be NULL. Never pass a line that was not checked. */
cc_err cc_evlog_encode_seen(cc_evrec *e, const struct cc_jf *f, size_t n, const char *seen, size_t seen_len,
                            cc_buf *out);
/* The reference encoder (jansson objects and core/canon), kept to test the direct one against. */
cc_err cc_evlog_encode_ref(cc_evrec *e, cc_buf *out);

/* Where and why a line was refused. */
typedef cc_error cc_evlog_error; /* core/diag's error type: the message says why */

/* Decodes one line (without '\n'): valid JSON, the exact member set, types, version, and the
 * line must equal its canonical encoding; the hash must match. On success the record owns
 * its strings and payload (cc_evrec_clear). Returns CC_ERR_PARSE with err filled otherwise.
 * A single-pass scanner of the canonical encoding accepts the lines it can prove canonical;
 * every other line goes through jansson and the canonical re-encoding, which decide the
 * refusal and its message (see cc_evlog_path). */
cc_err cc_evlog_decode(const char *line, size_t len, cc_evrec *out, cc_evlog_error *err);

/* The fast scanner of cc_evlog_decode alone, allocating nothing, for readers of whole logs: 1 when it
 * accepts the line (a canonical record whose hash matches, which cc_evlog_decode accepts with the
 * same values), with out's actor, type and label unescaped into strbuf (NUL-terminated; strbuf
 * holds at least len + 3 bytes) and pointing there, out->payload NULL and the payload's canonical
 * JSON text at *payload (*payload_len bytes, into line). Never cc_evrec_clear such a record. 0 when
 * the scanner does not handle the line: cc_evlog_decode decides it (and says why it refuses). */
int cc_evlog_scan(const char *line, size_t len, cc_evrec *out, char *strbuf, const char **payload,
                  size_t *payload_len);

/* The fixed-size fields of a record, for callers that only check the chain (core/verify). */
typedef struct cc_evhead {
    uint64_t seq;
    int64_t t_ms;
    int64_t wall_ms;
    const char *type; /* into the line: the type's JSON string body, type_len bytes, as written */
    size_t type_len;  /* (the type itself when it has no backslash; the line is canonical, so
                       * two types are equal exactly when these bytes are) */
    unsigned char prev[32];
    unsigned char digest[32];
    unsigned char hash[32];
} cc_evhead;

/* Checks one line exactly as cc_evlog_decode does (the same lines accepted, the same messages
 * for the refused ones) and fills out with its fixed-size fields. Allocates nothing for the
 * lines the scanner accepts, which are all canonical records. Returns CC_OK or CC_ERR_PARSE
 * with err filled. */
cc_err cc_evlog_check(const char *line, size_t len, cc_evhead *out, cc_evlog_error *err);

/* Where the fast scanner found a line's strings and payload, for a reader that checks lines on
 * one thread and builds the records on another (io/plines, `caucus report --threads N`). Each
 * string is its JSON body as written in the line (p NULL for null; esc: it holds a backslash). */
typedef struct cc_evspan {
    const char *p;
    size_t n;
    int esc;
} cc_evspan;
typedef struct cc_evspans {
    int scanned; /* 1: the fast scanner accepted the line and the spans are set; 0: it did not
                  * (a line the slow path accepted, or a refused one): use cc_evlog_decode */
    cc_evspan actor, type, label, payload; /* payload: the object's whole canonical text */
} cc_evspans;

/* cc_evlog_check, also filling *spans (scanned 0 for every line the fast scanner does not accept):
 * the same verdicts, messages and *out. */
cc_err cc_evlog_check_spans(const char *line, size_t len, cc_evhead *out, cc_evspans *spans,
                            cc_evlog_error *err);

/* What cc_evlog_scan gives for the line, from head and spans that cc_evlog_check_spans filled for
 * it (the line still in place): 1 and the same *out, strbuf and *payload when spans->scanned, 0
 * otherwise. Hashes nothing (the check did); strbuf holds at least the line's length + 3 bytes. */
int cc_evlog_scan_checked(const cc_evhead *head, const cc_evspans *spans, cc_evrec *out, char *strbuf,
                          const char **payload, size_t *payload_len);

/* The two decoders behind cc_evlog_decode, for the differential test and the fuzz target.
 * CC_EVLOG_FAST: the single-pass scanner alone; it refuses with the message "not handled by
 * the fast scanner" every line it cannot prove to be a canonical record with a matching hash.
 * CC_EVLOG_SLOW: jansson, the member and type checks, the canonical re-encoding compared with
 * the line, then the hash. CC_EVLOG_AUTO: what cc_evlog_decode does, FAST and then SLOW for any
 * line FAST refuses. FAST must never accept a line SLOW refuses nor extract other values. */
typedef enum cc_evlog_path { CC_EVLOG_AUTO = 0, CC_EVLOG_FAST, CC_EVLOG_SLOW } cc_evlog_path;
cc_err cc_evlog_decode_path(const char *line, size_t len, cc_evrec *out, cc_evlog_error *err,
                            cc_evlog_path path);
/* cc_evlog_check on the given path (CC_EVLOG_SLOW finds type in the line from the decoded record). */
cc_err cc_evlog_check_path(const char *line, size_t len, cc_evhead *out, cc_evlog_error *err,
                           cc_evlog_path path);

void cc_hex(const unsigned char *bytes, size_t n, char *out);               /* out: 2n+1 bytes */
int cc_unhex(const char *hex, size_t hexlen, unsigned char *out, size_t n); /* 0 ok, -1 bad */

#endif
