/* http — the HTTP front of a live exercise (docs/http-api.md) on libmicrohttpd: join codes and
 * sessions, the JSON API, Server-Sent Events streams that are suspended while idle and woken
 * after each commit, the embedded UI, and the web defences (CSRF header and Origin checks,
 * strict headers, body/connection/stream limits, join rate limits). It owns the ticker thread
 * that drives the exercise's control clock. This module reads the wall clock and draws random
 * session tokens: it is the edge where time and randomness enter. */
#ifndef CC_HTTP_H
#define CC_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "core/diag.h"
#include "server/live.h"
#include "store/store.h"

typedef struct cc_http cc_http; /* opaque */

#define CC_HTTP_NO_LIMIT 0xffffffffu

/* The formats of /api/report (?format=html|md|json|docx), and the executive summary the report
 * drafts from the data, as text (paragraphs separated by blank lines; /api/summary's draft). */
enum {
    CC_HTTP_REPORT_HTML,
    CC_HTTP_REPORT_MD,
    CC_HTTP_REPORT_JSON,
    CC_HTTP_REPORT_DOCX,
    CC_HTTP_REPORT_DRAFT
};

#define CC_HTTP_MAX_THREADS 64

typedef struct cc_http_opts {
    const char *host;     /* address to listen on, e.g. "127.0.0.1" */
    uint16_t port;        /* 0: any free port (cc_http_port tells which) */
    const char *tls_cert; /* PEM text of certificate and key, both or neither */
    const char *tls_key;
    unsigned max_conns;           /* open connections in all; 0: 4096 (at most the open-file limit less
                                     64: the store and the log need descriptors too) */
    unsigned max_per_ip;          /* open connections per client address; 0: 256, at most a quarter of
                                     max_conns; CC_HTTP_NO_LIMIT: none (load tests from one address) */
    unsigned conn_timeout_s;      /* a connection idle this long is closed; 0: 30 */
    unsigned join_per_min;        /* join attempts per client address per minute (an IPv6 address by
                                     its /64); 0: 8 */
    unsigned streams_per_session; /* open event streams per session; 0: 4 */
    unsigned threads;             /* libmicrohttpd threads sending answers and stream frames (the
                                     handlers run one at a time); 0: 1, at most CC_HTTP_MAX_THREADS */
    unsigned poll_ms;             /* the clock thread wakes at least this often (0: 1000); a store
                                     shared with other server processes is read for their events
                                     on each wake */
    cc_store *store;              /* borrowed */
    cc_live *live;                /* borrowed; its publish hook must call cc_http_publish_events */
    /* Renders the after-action report of the exercise for a viewer in a format (CC_HTTP_REPORT_*);
     * NULL: /api/report is 501. lang: the reader's language (a language tag, ?lang=; NULL: English
     * with the scenario's authoritative texts; a language without a report catalogue gives that
     * too). Returns the malloc'd bytes and their length, or NULL with why filled. */
    char *(*report)(void *ctx, cc_live *live, cc_live_viewer v, int format, const char *lang, size_t *len,
                    char *why, size_t whylen);
    void *report_ctx;
} cc_http_opts;

/* Starts listening and the ticker. why receives the reason on failure (address in use, bad
 * certificate, ...). */
cc_err cc_http_start(const cc_http_opts *o, cc_http **out, char *why, size_t whylen);
uint16_t cc_http_port(const cc_http *h);
/* Wakes every waiting event stream (pings, ended sessions, stopping). ctx is the cc_http. */
void cc_http_publish(void *ctx);
/* The live exercise's publish hook (after a commit): wakes only the waiting streams whose viewer
 * may see one of the new events; the others stay asleep, past the events they may not see. */
void cc_http_publish_events(void *ctx);
/* Stops accepting, ends every stream, stops the ticker and frees h. */
void cc_http_stop(cc_http *h);

/* Join codes: "XXXXX-XXXXX-XXXXX-XXXXX" (Crockford base32; 20 bits of lookup key + 80 random
 * bits). Makes a code from 13 random bytes and the account secret to store for it (the lookup
 * key and an argon2id hash of the rest). secret_out must hold CC_HTTP_SECRET_MAX bytes. */
#define CC_HTTP_CODE_LEN 23
#define CC_HTTP_SECRET_MAX 192
cc_err cc_http_make_code(const unsigned char random[13], char code[CC_HTTP_CODE_LEN + 1],
                         char secret_out[CC_HTTP_SECRET_MAX]);
/* 1 when code matches a stored secret from cc_http_make_code. */
int cc_http_code_matches(const char *code, const char *secret);

#endif
