/* wsrv — a transparency-log witness service (c2sp.org/tlog-witness) over core/witness: the latest
 * cosigned checkpoint of each origin kept as a file in a state directory (written atomically and
 * fsynced before the answer; one check-and-update at a time, across threads and processes, under
 * a lock file), cosignatures by the witness's cosigner key, and an optional HTTP front on
 * libmicrohttpd answering POST /add-checkpoint. Used by `caucus witness` and, with the same
 * state format, by `caucus cosign`. docs/tamper-evidence.md. */
#ifndef CC_WSRV_H
#define CC_WSRV_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/diag.h"
#include "core/note.h"
#include "core/witness.h"

typedef struct cc_wsrv cc_wsrv; /* opaque */

/* A witness signing with key (a cosigner key, borrowed) for the logs whose keys are logkeys
 * (borrowed, n of them), keeping its state in dir (created when missing, 0700). why on failure. */
cc_err cc_wsrv_new(const char *dir, const cc_note_signer *key, const cc_note_verifier *const *logkeys, size_t n,
                   cc_wsrv **out, char *why, size_t whylen);
void cc_wsrv_free(cc_wsrv *w);

/* Handles one add-checkpoint body at time now (POSIX seconds): *status is the HTTP status;
 * resp receives the cosignature line (200), the latest size and a newline (409 for a size
 * mismatch), or nothing; why says what was wrong. CC_ERR_IO when the state could not be read or
 * written (then nothing was cosigned: answer 500). */
cc_err cc_wsrv_add(cc_wsrv *w, const char *body, size_t len, uint64_t now, int *status, cc_buf *resp, char *why,
                   size_t whylen);

/* The latest checkpoint cosigned for origin as stored (the note, malloc'd) or NULL. */
char *cc_wsrv_latest(cc_wsrv *w, const char *origin);

/* Serves POST /add-checkpoint on host:port (0: any free port; *bound receives it) until
 * cc_wsrv_stop. Each request is logged by calling logf(ctx, line) when not NULL. */
typedef void (*cc_wsrv_log_fn)(void *ctx, const char *line);
cc_err cc_wsrv_listen(cc_wsrv *w, const char *host, uint16_t port, uint16_t *bound, cc_wsrv_log_fn logf, void *ctx,
                      char *why, size_t whylen);
void cc_wsrv_stop(cc_wsrv *w);

/* The state-file name of an origin in dir: hex SHA-256 of the origin plus ".checkpoint". */
void cc_wsrv_state_name(const char *origin, char out[80]);

#endif
