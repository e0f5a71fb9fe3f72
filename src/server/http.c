/* http — see http.h. One libmicrohttpd daemon with its internal epoll thread; handlers run
 * there. Event streams are suspended while they have nothing to send and resumed by
 * cc_http_publish after each commit (and every 15 s, to ping and to notice gone clients). */
#include "server/http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>

#include "core/buf.h"
#include "core/lang.h"
#include "server/texts.h"
#include "core/evlog.h"
#include "core/scenario_model.h"
#include "core/utf8.h"
#include "server/debrief.h"
#include "server/editor.h"
#include "server/keymap.h"
#include "server/marks.h"
#include "server/summary.h"

struct ui_asset {
    const char *path, *type;
    const unsigned char *data;
    size_t len;
};
#include "ui.inc"
#include "core/sha256.h"

#define BODY_MAX (64 * 1024)
#define LOG_CHUNK (256 * 1024) /* /api/log is sent in pieces of about this size */
#define STREAMS_PER_SESSION 4
#define SESSION_MS (12LL * 3600 * 1000)
#define PING_MS 15000
/* The buffer libmicrohttpd gives each event stream's response, resident for as long as the
 * stream is open: a delivery frame is under 1 KiB, a longer one (a backlog) goes out in pieces. */
#define SSE_BLOCK 2048
#define COOKIE "caucus_session"
#define RATE_KEYS 4096     /* client addresses whose join attempts are counted (docs/http-api.md) */
#define REFUSAL_KEYS 1024  /* refusal keys (who, kind, path, reason) counted */
#define REFUSAL_IDS 32     /* probed ids a refusal summary names */
#define REFUSALS_PER_S 32  /* refusal records written per second in all; the rest are counted */
#define JOIN_QUEUE 16      /* join codes waiting for their argon2id check */
#define PER_IP_DEFAULT 256 /* connections per client address */
#define REVOKE_MS 1000     /* how often sessions with open streams are checked against the store */

static const char CSP[] = "default-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
                          "frame-ancestors 'none'; img-src 'self' data:";

typedef struct account {
    int control;
    int seat;
    char lookup[5];
    char *hash; /* argon2id string */
} account;

typedef struct session {
    unsigned char token_hash[32];
    char csrf[65];
    int control, seat;
    int64_t expires; /* 0: ended (logged out here, or found gone from the store) */
    int streams;
    cc_marks marks; /* the items new for this session (server/marks.h), under h->mu */
    struct session *next;
} session;

typedef struct stream stream;
struct stream {
    cc_http *h;
    struct MHD_Connection *conn;
    int fd; /* its socket, watched while suspended for the client going away */
    session *sess;
    cc_live_viewer v;
    uint64_t next;
    cc_buf out;
    size_t off;
    int64_t last_write;
    int suspended;
    int gone;      /* the client closed it: end the response (h->wmu) */
    int released;  /* its slot (session's streams, seat's connected) was given back (h->mu) */
    stream *snext; /* in its viewer's h->wait list while suspended */
};

/* The streams of one viewer (a seat, control) waiting for events, under h->wmu. A commit wakes
 * them only when the viewer may see one of its events (cc_http_publish_events); otherwise the
 * list only learns that the viewer sees nothing before `clear`, without touching its streams. */
typedef struct wlist {
    stream *head;
    uint64_t lo;    /* no stream in the list has an earlier next (UINT64_MAX: none since emptied) */
    uint64_t clear; /* the viewer sees nothing before clear: a stream leaving moves its next up to it */
} wlist;

/* Join attempts of one client address in the minute `window`. */
typedef struct rate {
    int64_t window;
    unsigned count;
} rate;

/* Refusals of one key (who, kind, path, reason): the second of the last record written for it,
 * and what was counted since without a record of its own (suppressed, with the ids it probed),
 * to be written as one summary record once that second is over. */
typedef struct refusal {
    int64_t second;
    unsigned suppressed;
    unsigned nids, ids_more;
    int has_session, control, seat;
    char kind[20], path[24], reason[40], addr[48];
    char ids[REFUSAL_IDS][65];
} refusal;

/* A join code waiting for its argon2id check on the join thread; the connection is suspended
 * until it is done. */
typedef struct joinjob {
    struct MHD_Connection *conn;
    char code[129]; /* as typed ("" when longer: malformed) */
    int match;      /* the account, -1 none, -2 the server is stopping */
    int done;
    struct joinjob *next;
} joinjob;

/* Per request: the body collected so far, or the stream it became. */
typedef struct req {
    cc_buf body;
    int refused; /* answered when the headers came in (refuse_early); the body is not read */
    stream *st;
    joinjob *job; /* a join being checked */
} req;

struct cc_http {
    struct MHD_Daemon *d;
    cc_http_opts o;
    uint16_t port;
    int secure;
    pthread_mutex_t hmu; /* held by every request handler: they run one at a time (handle) */
    pthread_mutex_t mu;  /* sessions, rate limits, refusal counts, connected counts */
    account *acc;       /* fixed once started: the join thread reads them without a lock */
    size_t nacc;
    int maxdup;                         /* most accounts sharing one lookup key (normally 1) */
    char dummy[crypto_pwhash_STRBYTES]; /* an argon2id hash no code matches: the same work */
    session *sessions;
    cc_keymap *rates;          /* address -> rate */
    rate rate_overflow;        /* the addresses the map has no room for share one count */
    cc_keymap *refusals;       /* key -> refusal */
    int64_t refusal_second;    /* the second whose refusal records are being counted ... */
    unsigned refusal_budget;   /* ... and how many more may be written in it */
    unsigned refusal_overflow; /* refusals no key had room for, not yet recorded */
    int refusal_pending;       /* some key holds a count to summarise */
    int64_t last_revoke;
    int *connected;      /* streams per seat */
    uint8_t *joined;     /* seats whose code has been used since this server started */
    pthread_mutex_t wmu; /* waiting streams (wake_due takes h->mu inside it) */
    wlist *wait;         /* per viewer: seat i at i, control at nwait - 2, any other at nwait - 1 */
    size_t nwait;
    int nstreams;
    pthread_t ticker;
    pthread_mutex_t tmu;
    pthread_cond_t tcv;
    int stopping;
    int kick;
    /* the join thread: argon2id checks of join codes, off libmicrohttpd's thread */
    pthread_t joiner;
    int joiner_started;
    pthread_mutex_t jmu;
    pthread_cond_t jcv;
    joinjob *jhead, *jtail;
    unsigned jn;
    int jstop;
};

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- join codes ---- */

static const char B32[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"; /* Crockford */

cc_err cc_http_make_code(const unsigned char random[13], char code[CC_HTTP_CODE_LEN + 1],
                         char secret_out[CC_HTTP_SECRET_MAX])
{
    /* 20 symbols x 5 bits = 100 bits from the 13 random bytes */
    char sym[20];
    for (int i = 0; i < 20; i++) {
        int bit = i * 5, byte = bit / 8, sh = bit % 8;
        unsigned v = ((unsigned)random[byte] << 8 | (byte + 1 < 13 ? random[byte + 1] : 0)) >> (11 - sh);
        sym[i] = B32[v & 31];
    }
    int k = 0;
    for (int i = 0; i < 20; i++) {
        if (i && i % 5 == 0)
            code[k++] = '-';
        code[k++] = sym[i];
    }
    code[k] = 0;
    char h[crypto_pwhash_STRBYTES];
    /* argon2id, 2 passes over 19 MiB (OWASP's minimum for argon2id) */
    if (crypto_pwhash_str_alg(h, sym + 4, 16, 2, 19u << 20, crypto_pwhash_ALG_ARGON2ID13) != 0)
        return CC_ERR_NOMEM;
    snprintf(secret_out, CC_HTTP_SECRET_MAX, "%.4s:%s", sym, h);
    return CC_OK;
}

/* Normalises a typed code: upper case, no separators, Crockford's look-alikes mapped. */
static int normalise(const char *code, char out[21])
{
    int n = 0;
    for (const char *c = code; *c; c++) {
        char ch = *c;
        if (ch == '-' || ch == ' ')
            continue;
        if (ch >= 'a' && ch <= 'z')
            ch = (char)(ch - 32);
        if (ch == 'O')
            ch = '0';
        if (ch == 'I' || ch == 'L')
            ch = '1';
        if (!strchr(B32, ch) || ch == 0 || n >= 20)
            return -1;
        out[n++] = ch;
    }
    out[n] = 0;
    return n == 20 ? 0 : -1;
}

int cc_http_code_matches(const char *code, const char *secret)
{
    char sym[21];
    if (normalise(code, sym) != 0 || strlen(secret) < 6 || secret[4] != ':')
        return 0;
    if (memcmp(sym, secret, 4) != 0)
        return 0;
    return crypto_pwhash_str_verify(secret + 5, sym + 4, 16) == 0;
}

/* The account a typed code opens, or -1, in the same work for every code (SECURITY.md: not
 * yours and does not exist answer alike, in time too): exactly h->maxdup argon2id verifications
 * (one, unless accounts share a lookup key), against the accounts whose lookup key is the
 * code's first four symbols and, for the rest, against a hash no code matches. A malformed code
 * is checked as the code of all zeros would be. Runs on the join thread: h->acc is fixed. */
static int check_code(const cc_http *h, const char *code)
{
    char sym[21];
    int ok = code[0] && normalise(code, sym) == 0;
    if (!ok)
        memcpy(sym, "00000000000000000000", 21);
    int match = -1;
    for (int k = 0; k < h->maxdup; k++) {
        /* the k-th account with that lookup key, else the dummy; every account is compared */
        const char *hash = h->dummy;
        int idx = -1, seen = 0;
        for (size_t i = 0; i < h->nacc; i++) {
            int same = sodium_memcmp(h->acc[i].lookup, sym, 4) == 0;
            if (same && seen++ == k) {
                hash = h->acc[i].hash + 5;
                idx = (int)i;
            }
        }
        if (crypto_pwhash_str_verify(hash, sym + 4, 16) == 0 && ok && idx >= 0 && match < 0)
            match = idx;
    }
    return match;
}

/* The argon2id cost of a stored hash ("$argon2id$v=19$m=KIB,t=N,p=1$..."); the defaults of
 * cc_http_make_code when it does not say. */
static void hash_cost(const char *hash, unsigned long long *ops, size_t *mem)
{
    unsigned m = 0, t = 0;
    const char *p = hash ? strstr(hash, "$m=") : NULL;
    *ops = 2;
    *mem = 19u << 20;
    if (p && sscanf(p, "$m=%u,t=%u", &m, &t) == 2 && m >= 8 && m <= (1u << 22) && t >= 1 && t <= 16) {
        *ops = t;
        *mem = (size_t)m << 10;
    }
}

/* Prepares the constant work of check_code: the dummy hash (at the accounts' cost) and the most
 * accounts sharing a lookup key. */
static cc_err prepare_codes(cc_http *h)
{
    h->maxdup = 1;
    for (size_t i = 0; i < h->nacc; i++) {
        int n = 0;
        for (size_t k = 0; k < h->nacc; k++)
            n += memcmp(h->acc[i].lookup, h->acc[k].lookup, 4) == 0;
        if (n > h->maxdup)
            h->maxdup = n;
    }
    unsigned char rnd[16];
    char pw[33];
    randombytes_buf(rnd, sizeof rnd);
    cc_hex(rnd, 16, pw);
    unsigned long long ops;
    size_t mem;
    hash_cost(h->nacc ? h->acc[0].hash : NULL, &ops, &mem);
    if (crypto_pwhash_str_alg(h->dummy, pw, 16, ops, mem, crypto_pwhash_ALG_ARGON2ID13) != 0)
        return CC_ERR_NOMEM;
    return CC_OK;
}

/* ---- responses ---- */

static void harden_csp(cc_http *h, struct MHD_Response *r, const char *csp)
{
    MHD_add_response_header(r, "Content-Security-Policy", csp);
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(r, "Cache-Control", "no-store");
    MHD_add_response_header(r, "X-Frame-Options", "DENY");
    MHD_add_response_header(r, "Cross-Origin-Opener-Policy", "same-origin");
    if (h->secure)
        MHD_add_response_header(r, "Strict-Transport-Security", "max-age=31536000");
}

static void harden(cc_http *h, struct MHD_Response *r)
{
    harden_csp(h, r, CSP);
}

/* The first occurrence of the string s in the len bytes at p, or NULL. */
static const char *find_bytes(const char *p, size_t len, const char *s)
{
    size_t n = strlen(s);
    for (size_t i = 0; n <= len && i <= len - n; i++)
        if (memcmp(p + i, s, n) == 0)
            return p + i;
    return NULL;
}

/* The report page: its one inline stylesheet is allowed by its hash (CSP level 2), nothing else
 * inline, so the label banners keep their colours under the page's policy (docs/http-api.md). */
static enum MHD_Result send_report(cc_http *h, struct MHD_Connection *c, int format, const char *type,
                                   const char *body, size_t len)
{
    char csp[sizeof CSP + 80];
    snprintf(csp, sizeof csp, "%s", CSP);
    /* an HTML report's one inline stylesheet is allowed by its hash, nothing else inline */
    const char *open = format == CC_HTTP_REPORT_HTML ? find_bytes(body, len, "<style>") : NULL;
    const char *close = open ? find_bytes(open, len - (size_t)(open - body), "</style>") : NULL;
    if (open && close) {
        unsigned char hash[CC_SHA256_BYTES];
        cc_sha256(open + 7, (size_t)(close - open - 7), hash);
        char b64[sodium_base64_ENCODED_LEN(CC_SHA256_BYTES, sodium_base64_VARIANT_ORIGINAL)];
        sodium_bin2base64(b64, sizeof b64, hash, sizeof hash, sodium_base64_VARIANT_ORIGINAL);
        snprintf(csp, sizeof csp, "%s; style-src 'sha256-%s'", CSP, b64);
    }
    struct MHD_Response *r = MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_MUST_COPY);
    if (!r)
        return MHD_NO;
    harden_csp(h, r, csp);
    MHD_add_response_header(r, "Content-Type", type);
    if (format == CC_HTTP_REPORT_DOCX)
        MHD_add_response_header(r, "Content-Disposition",
                                "attachment; filename=\"after-action-report.docx\"");
    enum MHD_Result ret = MHD_queue_response(c, 200, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result send_buf(cc_http *h, struct MHD_Connection *c, unsigned status, const char *type,
                                const void *data, size_t len, const char *cookie)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(len, (void *)data, MHD_RESPMEM_MUST_COPY);
    if (!r)
        return MHD_NO;
    harden(h, r);
    if (type)
        MHD_add_response_header(r, "Content-Type", type);
    if (cookie)
        MHD_add_response_header(r, "Set-Cookie", cookie);
    enum MHD_Result ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result send_json(cc_http *h, struct MHD_Connection *c, unsigned status, json_t *j,
                                 const char *cookie)
{
    char *s = j ? json_dumps(j, JSON_COMPACT) : NULL;
    json_decref(j);
    if (!s) {
        static const char oom[] = "{\"error\":\"out of memory\",\"code\":\"internal\"}";
        return send_buf(h, c, 500, "application/json", oom, sizeof oom - 1, NULL);
    }
    enum MHD_Result r = send_buf(h, c, status, "application/json; charset=utf-8", s, strlen(s), cookie);
    free(s);
    return r;
}

static enum MHD_Result fail(cc_http *h, struct MHD_Connection *c, unsigned status, const char *code,
                            const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static enum MHD_Result fail(cc_http *h, struct MHD_Connection *c, unsigned status, const char *code,
                            const char *fmt, ...)
{
    char msg[300];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return send_json(h, c, status, json_pack("{s:s,s:s}", "error", msg, "code", code), NULL);
}

/* An error answer {"error": why, "code": code} with one more header (name: value). */
static enum MHD_Result send_error(cc_http *h, struct MHD_Connection *c, unsigned status, const char *code,
                                  const char *why, const char *name, const char *value)
{
    json_t *j = json_pack("{s:s,s:s}", "error", why, "code", code);
    char *text = j ? json_dumps(j, JSON_COMPACT) : NULL;
    json_decref(j);
    if (!text)
        return MHD_NO;
    struct MHD_Response *r = MHD_create_response_from_buffer(strlen(text), text, MHD_RESPMEM_MUST_FREE);
    if (!r) {
        free(text);
        return MHD_NO;
    }
    harden(h, r);
    MHD_add_response_header(r, "Content-Type", "application/json; charset=utf-8");
    MHD_add_response_header(r, name, value);
    enum MHD_Result ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ret;
}

/* A refusal sent as soon as the headers are in, before any of the body is read (a body
 * announced over the cap, a chunked upload): the connection is closed after it, since the
 * client may still be sending. */
static enum MHD_Result refuse_early(cc_http *h, struct MHD_Connection *c, unsigned status, const char *code,
                                    const char *why)
{
    return send_error(h, c, status, code, why, "Connection", "close");
}

/* The answer when an audited read, join or export cannot be recorded: 503 with Retry-After
 * and nothing of what was asked for (docs/http-api.md, "Fail closed"). */
#define AUDIT_RETRY_S "5"
static enum MHD_Result fail_retry(cc_http *h, struct MHD_Connection *c, const char *code, const char *what)
{
    return send_error(h, c, 503, code, what, "Retry-After", AUDIT_RETRY_S);
}

static enum MHD_Result fail_unaudited(cc_http *h, struct MHD_Connection *c, const char *what)
{
    return fail_retry(h, c, "audit-failed", what);
}

/* Writes an audit record and waits until it is durable. 1 when the request may be served: the
 * record committed, or the exercise has ended (its log is closed: reads after the end are not
 * recorded, docs/http-api.md). 0 when it could not be written: answer with fail_unaudited. */
static int audited(cc_http *h, const char *kind, int seat, json_t *detail)
{
    cc_err rc = cc_live_audit(h->o.live, kind, seat, detail, now_ms());
    return rc == CC_OK || rc == CC_ERR_RANGE;
}

/* ---- sessions ---- */

static void client_addr(struct MHD_Connection *c, char *out, size_t n)
{
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    out[0] = 0;
    if (!ci || !ci->client_addr)
        return;
    const struct sockaddr *sa = ci->client_addr;
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out, (socklen_t)n);
    else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, out, (socklen_t)n);
}

/* The key a client's join attempts are counted under: its address, an IPv6 address by its /64
 * (one host may hold a whole /64). */
static void rate_key(struct MHD_Connection *c, char *out, size_t n)
{
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    out[0] = 0;
    if (ci && ci->client_addr && ci->client_addr->sa_family == AF_INET6) {
        struct in6_addr a = ((const struct sockaddr_in6 *)(const void *)ci->client_addr)->sin6_addr;
        int v4 = IN6_IS_ADDR_V4MAPPED(&a);
        if (!v4)
            memset(a.s6_addr + 8, 0, 8);
        char t[INET6_ADDRSTRLEN];
        inet_ntop(AF_INET6, &a, t, sizeof t);
        snprintf(out, n, "%s%s", t, v4 ? "" : "/64");
        return;
    }
    client_addr(c, out, n);
}

/* Adds one refusal to r: counted, its probed id (may be NULL) named while there is room. */
static void refusal_count(refusal *r, const char *id)
{
    r->suppressed++;
    if (!id || !*id)
        return;
    for (unsigned i = 0; i < r->nids; i++)
        if (strcmp(r->ids[i], id) == 0)
            return;
    if (r->nids < REFUSAL_IDS && strlen(id) < sizeof r->ids[0])
        snprintf(r->ids[r->nids++], sizeof r->ids[0], "%s", id);
    else
        r->ids_more++;
}

/* The summary record of what r counted (kind, detail members), written with h->mu released. */
typedef struct summary {
    char kind[20];
    int seat;
    json_t *detail;
} summary;

static int summary_of(const refusal *r, summary *out)
{
    json_t *d = json_pack("{s:s,s:s,s:s,s:s,s:I}", "path", r->path, "reason", r->reason, "address", r->addr,
                          "role", r->has_session ? (r->control ? "control" : "seat") : "none", "suppressed",
                          (json_int_t)r->suppressed);
    if (!d)
        return -1;
    if (r->nids) {
        /* a record's detail holds strings and integers: the ids as one space-separated string */
        cc_buf b;
        cc_buf_init(&b);
        for (unsigned i = 0; i < r->nids; i++) {
            if (i)
                cc_buf_putc(&b, ' ');
            cc_buf_puts(&b, r->ids[i]);
        }
        cc_buf_putc(&b, 0);
        if (!b.oom)
            json_object_set_new(d, "items", json_string(b.data));
        cc_buf_free(&b);
    }
    if (r->ids_more)
        json_object_set_new(d, "items_more", json_integer(r->ids_more));
    snprintf(out->kind, sizeof out->kind, "%s", r->kind);
    out->seat = r->has_session && !r->control ? r->seat : -1;
    out->detail = d;
    return 0;
}

static void summaries_write(cc_http *h, summary *v, size_t n, int64_t now)
{
    for (size_t i = 0; i < n; i++) {
        cc_live_audit(h->o.live, v[i].kind, v[i].seat, v[i].detail, now);
        json_decref(v[i].detail);
    }
}

/* A new second for the refusal records: its budget. h->mu held. */
static void refusal_tick(cc_http *h, int64_t second)
{
    if (h->refusal_second != second) {
        h->refusal_second = second;
        h->refusal_budget = REFUSALS_PER_S;
    }
}

/* Logs a refusal (kind "access.denied" or "session.refused") about seat (-1: control or nobody):
 * detail gets "path", "reason", the client's "address" and "role"; id (may be NULL) is what was
 * probed (an item id), kept in the summary when this refusal is only counted. Bounded
 * (docs/http-api.md, "Refusal records"): one record a second per key (the session, or the
 * address without one; kind; path; reason), REFUSALS_PER_S records a second in all; what is not
 * written at once is counted, with the ids probed, and written as one summary record per key
 * after its second (refusals_flush), never dropped. detail (may be NULL) is borrowed. */
static void audit_refusal(cc_http *h, struct MHD_Connection *c, const unsigned char *token_hash, int control,
                          int seat, const char *kind, const char *path, const char *reason, const char *id,
                          json_t *detail)
{
    char addr[48], who[70], key[CC_KEYMAP_KEY_MAX + 1];
    client_addr(c, addr, sizeof addr);
    if (token_hash)
        cc_hex(token_hash, 8, who);
    else
        snprintf(who, sizeof who, "%s", addr);
    snprintf(key, sizeof key, "%s|%s|%s|%s", who, kind, path, reason);
    int64_t now = now_ms(), second = now / 1000;
    summary late = {{0}, -1, NULL};
    pthread_mutex_lock(&h->mu);
    refusal_tick(h, second);
    int added = 0, had = 0;
    refusal dropped;
    refusal *r = cc_keymap_put(h->refusals, key, now, second * 1000, &added, &dropped, &had);
    if (had && dropped.suppressed)
        summary_of(&dropped, &late); /* a key dropped for room: its count is written now */
    int write = 0;
    if (!r) {
        h->refusal_overflow++; /* every key was used this second: counted in one record */
        h->refusal_pending = 1;
    } else {
        if (added) {
            r->has_session = token_hash != NULL;
            r->control = control;
            r->seat = seat;
            snprintf(r->kind, sizeof r->kind, "%s", kind);
            snprintf(r->path, sizeof r->path, "%s", path);
            snprintf(r->reason, sizeof r->reason, "%s", reason);
            snprintf(r->addr, sizeof r->addr, "%s", addr);
            r->second = -1;
        }
        if (r->second != second && h->refusal_budget > 0) {
            r->second = second;
            h->refusal_budget--;
            write = 1;
        } else {
            refusal_count(r, id);
            h->refusal_pending = 1;
        }
    }
    pthread_mutex_unlock(&h->mu);
    if (late.detail)
        summaries_write(h, &late, 1, now);
    if (!write)
        return;
    json_t *d = detail ? json_deep_copy(detail) : json_object();
    if (!d)
        return;
    json_object_set_new(d, "path", json_string(path));
    json_object_set_new(d, "reason", json_string(reason));
    json_object_set_new(d, "address", json_string(addr));
    json_object_set_new(d, "role", json_string(token_hash ? (control ? "control" : "seat") : "none"));
    cc_live_audit(h->o.live, kind, token_hash && !control ? seat : -1, d, now);
    json_decref(d);
}

typedef struct flushing {
    int64_t second;
    summary *v;
    size_t n, cap;
    int left; /* a key still holds a count (its second not over, or no budget left) */
    unsigned *budget;
} flushing;

static int flush_one(void *ctx, const char *key, void *val)
{
    (void)key;
    flushing *f = ctx;
    refusal *r = val;
    if (!r->suppressed)
        return r->second < f->second - 60; /* quiet for a minute: forgotten */
    if (r->second >= f->second || *f->budget == 0 || f->n == f->cap) {
        f->left = 1;
        return 0;
    }
    if (summary_of(r, &f->v[f->n]) == 0) {
        f->n++;
        (*f->budget)--;
        r->suppressed = r->nids = r->ids_more = 0;
        r->second = f->second; /* the summary is this key's record of this second */
    } else {
        f->left = 1;
    }
    return 0;
}

/* Writes the summary records of the refusals counted in seconds that are over (the ticker calls
 * it at least once a second while some are pending), within the budget of records of this
 * second; final (the server stops): every count, whatever its second. */
static void refusals_flush(cc_http *h, int64_t now, int final)
{
    unsigned all = REFUSAL_KEYS;
    flushing f = {final ? INT64_MAX / 2 : now / 1000,    NULL, 0,
                  final ? REFUSAL_KEYS : REFUSALS_PER_S, 0,    NULL};
    f.v = calloc(f.cap + 1, sizeof *f.v);
    if (!f.v)
        return;
    pthread_mutex_lock(&h->mu);
    if (!h->refusal_pending) {
        pthread_mutex_unlock(&h->mu);
        free(f.v);
        return;
    }
    refusal_tick(h, now / 1000);
    f.budget = final ? &all : &h->refusal_budget;
    cc_keymap_each(h->refusals, flush_one, &f);
    if (h->refusal_overflow) {
        /* refusals of more keys than the table holds in one second: one record, counted */
        refusal o;
        memset(&o, 0, sizeof o);
        snprintf(o.kind, sizeof o.kind, "access.denied");
        snprintf(o.path, sizeof o.path, "*");
        snprintf(o.reason, sizeof o.reason, "overflow");
        o.suppressed = h->refusal_overflow;
        if (summary_of(&o, &f.v[f.n]) == 0) {
            f.n++;
            h->refusal_overflow = 0;
        }
    }
    h->refusal_pending = f.left || h->refusal_overflow;
    pthread_mutex_unlock(&h->mu);
    summaries_write(h, f.v, f.n, now);
    free(f.v);
}

/* An access.denied record for a request of session s (NULL: none); id: what it probed (may be
 * NULL). */
static void deny_log(cc_http *h, struct MHD_Connection *c, const session *s, const char *path,
                     const char *reason, const char *id, json_t *detail)
{
    audit_refusal(h, c, s ? s->token_hash : NULL, s ? s->control : 0, s ? s->seat : -1, "access.denied", path,
                  reason, id, detail);
}

/* Join attempts per client address (fixed one-minute windows): 1 when the attempt may go on.
 * Every address has its own count (keymap: exact keys); when the table is full of addresses seen
 * this minute, the others share one count, so that many addresses cannot reset anyone's. */
static int rate_ok(cc_http *h, const char *key, int64_t now, int *retry_s)
{
    unsigned limit = h->o.join_per_min ? h->o.join_per_min : 8;
    int64_t win = now / 60000;
    pthread_mutex_lock(&h->mu);
    int added;
    rate *r = cc_keymap_put(h->rates, key, now, win * 60000, &added, NULL, NULL);
    if (!r)
        r = &h->rate_overflow;
    if (r->window != win) {
        r->window = win;
        r->count = 0;
    }
    int ok = r->count < limit;
    if (ok)
        r->count++;
    pthread_mutex_unlock(&h->mu);
    *retry_s = (int)(60 - (now / 1000) % 60);
    return ok;
}

/* Forgets the sessions that ended (expired or logged out) and have no stream open, so the list
 * holds only live sessions. Handlers and stream readers run on libmicrohttpd's one thread, which is
 * the only one that holds session pointers. h->mu held. */
static void prune_sessions(cc_http *h, int64_t now)
{
    for (session **pp = &h->sessions; *pp;) {
        session *s = *pp;
        if (s->expires <= now && s->streams == 0) {
            *pp = s->next;
            free(s);
        } else {
            pp = &s->next;
        }
    }
}

static void token_hash(const char *token, unsigned char out[32])
{
    cc_sha256((const unsigned char *)token, strlen(token), out);
}

static void csrf_of(const char *token, char out[65])
{
    unsigned char hh[32];
    crypto_generichash(hh, 32, (const unsigned char *)token, strlen(token),
                       (const unsigned char *)"caucus-csrf", 11);
    cc_hex(hh, 32, out);
}

/* Whether the store still holds session s (another server may have ended it: a logout there,
 * docs/http-api.md "Several servers"). 1 yes, 0 no (s is then marked ended), -1 the store
 * could not say. libmicrohttpd's thread only (s stays valid). */
static int stored_session(cc_http *h, const unsigned char th[32], int64_t now);
static int session_live(cc_http *h, session *s, int64_t now)
{
    int live = stored_session(h, s->token_hash, now);
    if (live == 0) {
        pthread_mutex_lock(&h->mu);
        s->expires = 0;
        int streams = s->streams;
        pthread_mutex_unlock(&h->mu);
        if (streams)
            cc_http_publish(h); /* its streams wake, see it ended and close */
    }
    return live;
}

/* The caller's session from its cookie, or NULL: looked up in memory, then in the store (a
 * restarted server keeps its sessions). A session known here is checked against the store on
 * every request, so that a logout on another server sharing the store ends it here too.
 * *store_failed: the store could not be read (the answer is then 503, not 401). */
static session *find_session(cc_http *h, struct MHD_Connection *c, char *csrf_out, int *store_failed)
{
    *store_failed = 0;
    const char *tok = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, h->secure ? "__Host-" COOKIE : COOKIE);
    if (!tok || strlen(tok) != 64)
        return NULL;
    unsigned char th[32];
    token_hash(tok, th);
    int64_t now = now_ms();
    pthread_mutex_lock(&h->mu);
    session *s = h->sessions;
    while (s && sodium_memcmp(s->token_hash, th, 32) != 0)
        s = s->next;
    if (s && s->expires <= now)
        s = NULL;
    pthread_mutex_unlock(&h->mu);
    if (s) {
        int live = session_live(h, s, now);
        if (live < 0)
            *store_failed = 1;
        if (live <= 0)
            return NULL;
    } else {
        char hex[65];
        cc_hex(th, 32, hex);
        int64_t ex;
        char *role = NULL, *seat = NULL;
        cc_store_error err;
        cc_err rc = cc_store_session_get(h->o.store, hex, now, &ex, &role, &seat, &err);
        if (rc != CC_OK && rc != CC_ERR_NOTFOUND)
            *store_failed = 1;
        if (rc == CC_OK && ex == cc_live_exercise_id(h->o.live)) {
            s = calloc(1, sizeof *s);
            if (s) {
                memcpy(s->token_hash, th, 32);
                s->control = strcmp(role, "control") == 0;
                s->seat = s->control ? -1 : cc_live_seat_index(h->o.live, seat);
                s->expires = now + SESSION_MS;
                csrf_of(tok, s->csrf);
                if (!s->control && s->seat < 0) {
                    free(s);
                    s = NULL;
                } else {
                    cc_marks_init(&s->marks, cc_live_events(h->o.live)); /* nothing before is new */
                    pthread_mutex_lock(&h->mu);
                    prune_sessions(h, now);
                    s->next = h->sessions;
                    h->sessions = s;
                    if (!s->control)
                        h->joined[s->seat] = 1;
                    pthread_mutex_unlock(&h->mu);
                }
            }
        }
        free(role);
        free(seat);
    }
    if (s && csrf_out)
        memcpy(csrf_out, s->csrf, 65);
    return s;
}

/* Whether the store holds the session with this token hash: 1, 0, -1 (the store could not say). */
static int stored_session(cc_http *h, const unsigned char th[32], int64_t now)
{
    char hex[65];
    cc_hex(th, 32, hex);
    int64_t ex;
    char *role = NULL, *seat = NULL;
    cc_store_error err;
    cc_err rc = cc_store_session_get(h->o.store, hex, now, &ex, &role, &seat, &err);
    free(role);
    free(seat);
    return rc == CC_OK ? 1 : rc == CC_ERR_NOTFOUND ? 0 : -1;
}

/* Sessions with open streams that the store no longer holds (ended by a logout on another
 * server, or expired) are ended here, and their streams woken to close. The ticker calls it every
 * REVOKE_MS; it holds no session pointer while the lock is released (libmicrohttpd's thread may
 * free a session then), only copies of token hashes. */
static void revoke_sweep(cc_http *h, int64_t now)
{
    size_t n = 0, cap = 0;
    unsigned char(*v)[32] = NULL;
    pthread_mutex_lock(&h->mu);
    for (session *s = h->sessions; s; s = s->next)
        if (s->streams > 0 && s->expires > now) {
            if (n == cap) {
                size_t nc = cap ? cap * 2 : 16;
                unsigned char(*nv)[32] = realloc(v, nc * sizeof *nv);
                if (!nv)
                    break;
                v = nv;
                cap = nc;
            }
            memcpy(v[n++], s->token_hash, 32);
        }
    pthread_mutex_unlock(&h->mu);
    size_t dead = 0;
    for (size_t i = 0; i < n; i++)
        if (stored_session(h, v[i], now) == 0)
            memmove(v[dead++], v[i], 32);
    if (dead) {
        pthread_mutex_lock(&h->mu);
        for (session *s = h->sessions; s; s = s->next)
            for (size_t i = 0; i < dead; i++)
                if (sodium_memcmp(s->token_hash, v[i], 32) == 0)
                    s->expires = 0;
        pthread_mutex_unlock(&h->mu);
        cc_http_publish(h);
    }
    free(v);
}

static cc_live_viewer viewer_of(const session *s)
{
    cc_live_viewer v = {s->control, s->control ? -1 : s->seat};
    return v;
}

/* Origin and Sec-Fetch-Site: a browser's cross-site request is refused. */
static int same_origin(cc_http *h, struct MHD_Connection *c)
{
    const char *site = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Sec-Fetch-Site");
    if (site && strcmp(site, "same-origin") != 0 && strcmp(site, "none") != 0)
        return 0;
    const char *origin = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Origin");
    if (!origin)
        return 1;
    const char *host = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Host");
    if (!host)
        return 0;
    char want[300];
    snprintf(want, sizeof want, "%s://%s", h->secure ? "https" : "http", host);
    return strcmp(origin, want) == 0;
}

/* ---- handlers ---- */

static json_t *parse_body(const req *r, char *why, size_t n)
{
    json_error_t je;
    if (r->body.len == 0) {
        snprintf(why, n, "empty body: send a JSON object");
        return NULL;
    }
    json_t *j = json_loadb(r->body.data, r->body.len, JSON_REJECT_DUPLICATES, &je);
    if (!j) {
        snprintf(why, n, "body: line %d, column %d: %s", je.line, je.column, je.text);
        return NULL;
    }
    if (!json_is_object(j)) {
        json_decref(j);
        snprintf(why, n, "body: a JSON object is expected");
        return NULL;
    }
    return j;
}

/* What a session is: "control", "evaluator" (an evaluator seat) or "seat". */
static const char *role_of(const cc_http *h, const session *s)
{
    if (s->control)
        return "control";
    const cc_scenario *sc = h->o.live ? cc_live_scenario(h->o.live) : NULL;
    return sc && s->seat >= 0 && (size_t)s->seat < sc->nseats && sc->seats[s->seat].evaluator ? "evaluator"
                                                                                              : "seat";
}

/* ---- joins: the code is checked on the join thread ---- */

/* The join thread: checks the codes queued by do_join, one at a time, each with the same
 * argon2id work (check_code), then resumes its connection. On stop it answers what is left
 * without checking it. */
static void *join_main(void *arg)
{
    cc_http *h = arg;
    pthread_mutex_lock(&h->jmu);
    for (;;) {
        while (!h->jhead && !h->jstop)
            pthread_cond_wait(&h->jcv, &h->jmu);
        joinjob *j = h->jhead;
        if (!j)
            break;
        h->jhead = j->next;
        if (!h->jhead)
            h->jtail = NULL;
        h->jn--;
        int stop = h->jstop;
        pthread_mutex_unlock(&h->jmu);
        int match = stop ? -2 : check_code(h, j->code);
        sodium_memzero(j->code, sizeof j->code);
        pthread_mutex_lock(&h->jmu);
        j->match = match;
        j->done = 1;
        pthread_mutex_unlock(&h->jmu);
        MHD_resume_connection(j->conn); /* the handler is called again and answers */
        pthread_mutex_lock(&h->jmu);
    }
    pthread_mutex_unlock(&h->jmu);
    return NULL;
}

static enum MHD_Result too_many_joins(cc_http *h, struct MHD_Connection *c, int retry, const char *msg)
{
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(strlen(msg), (void *)msg, MHD_RESPMEM_PERSISTENT);
    if (!resp)
        return MHD_NO;
    harden(h, resp);
    char ra[16];
    snprintf(ra, sizeof ra, "%d", retry);
    MHD_add_response_header(resp, "Retry-After", ra);
    MHD_add_response_header(resp, "Content-Type", "application/json");
    enum MHD_Result ret = MHD_queue_response(c, 429, resp);
    MHD_destroy_response(resp);
    return ret;
}

/* The join's code has been checked (r->job done): a session, or 401. */
static enum MHD_Result finish_join(cc_http *h, struct MHD_Connection *c, req *r)
{
    int match = r->job->match;
    free(r->job);
    r->job = NULL;
    if (match == -2)
        return fail_retry(h, c, "stopping", "the server is stopping");
    char addr[48];
    client_addr(c, addr, sizeof addr);
    int64_t now = now_ms();
    if (match < 0) {
        /* a wrong code: a bounded refusal record like any other (per address and second) */
        audit_refusal(h, c, NULL, 0, -1, "session.refused", "/api/join", "bad-code", NULL, NULL);
        return fail(h, c, 401, "bad-code", "that join code is not valid for this exercise");
    }
    account *a = &h->acc[match];
    unsigned char rnd[32];
    randombytes_buf(rnd, sizeof rnd);
    char tok[65];
    cc_hex(rnd, 32, tok);
    session *s = calloc(1, sizeof *s);
    if (!s)
        return fail(h, c, 500, "internal", "out of memory");
    token_hash(tok, s->token_hash);
    csrf_of(tok, s->csrf);
    s->control = a->control;
    s->seat = a->seat;
    s->expires = now + SESSION_MS;
    char hex[65];
    cc_hex(s->token_hash, 32, hex);
    const cc_scenario *sc = cc_live_scenario(h->o.live);
    const char *seat = s->control ? NULL : sc->seats[s->seat].id;
    cc_store_error err;
    if (cc_store_session_add(h->o.store, hex, cc_live_exercise_id(h->o.live), s->control ? "control" : "seat",
                             seat, s->expires, &err) != CC_OK) {
        free(s);
        char msg[400];
        snprintf(msg, sizeof msg, "the session could not be stored: %s", err.message);
        return fail_retry(h, c, "store-failed", msg);
    }
    /* the join is recorded before the session is usable; without the record there is no session */
    json_t *d = json_pack("{s:s,s:s}", "address", addr, "role", s->control ? "control" : "seat");
    int recorded = audited(h, "session.join", s->seat, d);
    json_decref(d);
    if (!recorded) {
        cc_store_session_delete(h->o.store, hex, &err);
        free(s);
        return fail_unaudited(h, c, "the join could not be recorded in the log; no session was opened");
    }
    cc_marks_init(&s->marks, cc_live_events(h->o.live)); /* what reaches the viewer from now on is new */
    pthread_mutex_lock(&h->mu);
    prune_sessions(h, now);
    s->next = h->sessions;
    h->sessions = s;
    if (!s->control)
        h->joined[s->seat] = 1;
    pthread_mutex_unlock(&h->mu);
    char cookie[200];
    snprintf(cookie, sizeof cookie, "%s%s=%s; Path=/; HttpOnly; SameSite=Strict%s",
             h->secure ? "__Host-" : "", COOKIE, tok, h->secure ? "; Secure" : "");
    sodium_memzero(tok, sizeof tok);
    return send_json(
        h, c, 200, json_pack("{s:s,s:s?,s:s}", "role", role_of(h, s), "seat", seat, "csrf", s->csrf), cookie);
}

/* POST /api/join: the rate limit of the address, then the code is queued for the join thread
 * and the connection suspended until it has been checked (finish_join answers). A full queue is a
 * 429 at once: argon2id work never runs on libmicrohttpd's thread, and never more of it than one
 * thread does (docs/http-api.md, "Joins"). */
static enum MHD_Result do_join(cc_http *h, struct MHD_Connection *c, req *r)
{
    if (r->job) {
        pthread_mutex_lock(&h->jmu);
        int done = r->job->done; /* always, once the join thread has resumed the connection */
        pthread_mutex_unlock(&h->jmu);
        return done ? finish_join(h, c, r) : MHD_YES;
    }
    char key[64];
    rate_key(c, key, sizeof key);
    int64_t now = now_ms();
    int retry;
    if (!rate_ok(h, key, now, &retry)) {
        audit_refusal(h, c, NULL, 0, -1, "session.refused", "/api/join", "rate-limited", NULL, NULL);
        return too_many_joins(h, c, retry,
                              "{\"error\":\"too many join attempts\",\"code\":\"rate-limited\"}\n");
    }
    char why[200];
    json_t *j = parse_body(r, why, sizeof why);
    if (!j)
        return fail(h, c, 400, "bad-request", "%s", why);
    joinjob *job = calloc(1, sizeof *job);
    if (!job) {
        json_decref(j);
        return fail(h, c, 500, "internal", "out of memory");
    }
    const char *code = json_string_value(json_object_get(j, "code"));
    if (code && strlen(code) < sizeof job->code)
        snprintf(job->code, sizeof job->code, "%s", code); /* longer, or not a string: malformed, "" */
    json_decref(j);
    job->conn = c;
    job->match = -1;
    pthread_mutex_lock(&h->jmu);
    if (h->jstop || h->jn >= JOIN_QUEUE) {
        int stop = h->jstop;
        pthread_mutex_unlock(&h->jmu);
        free(job);
        if (stop)
            return fail_retry(h, c, "stopping", "the server is stopping");
        audit_refusal(h, c, NULL, 0, -1, "session.refused", "/api/join", "busy", NULL, NULL);
        return too_many_joins(h, c, 1,
                              "{\"error\":\"the server is checking other join codes: try again in a second\","
                              "\"code\":\"rate-limited\"}\n");
    }
    /* suspended before the join thread can see it, so that its resume always comes after */
    MHD_suspend_connection(c);
    r->job = job;
    if (h->jtail)
        h->jtail->next = job;
    else
        h->jhead = job;
    h->jtail = job;
    h->jn++;
    pthread_cond_signal(&h->jcv);
    pthread_mutex_unlock(&h->jmu);
    return MHD_YES;
}

static enum MHD_Result do_logout(cc_http *h, struct MHD_Connection *c, session *s)
{
    char addr[48];
    client_addr(c, addr, sizeof addr);
    json_t *d = json_pack("{s:s,s:s,s:s,s:s}", "path", "/api/logout", "action", "logout", "address", addr,
                          "role", s->control ? "control" : "seat");
    cc_live_audit(h->o.live, "access.read", s->control ? -1 : s->seat, d, now_ms());
    json_decref(d);
    char hex[65];
    cc_hex(s->token_hash, 32, hex);
    cc_store_error err;
    cc_store_session_delete(h->o.store, hex, &err);
    pthread_mutex_lock(&h->mu);
    s->expires = 0; /* kept in the list (streams may point at it) but dead */
    int streams = s->streams;
    pthread_mutex_unlock(&h->mu);
    if (streams)
        cc_http_publish(h); /* its streams end now, not at the next event or ping */
    char cookie[160];
    snprintf(cookie, sizeof cookie, "%s%s=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0%s",
             h->secure ? "__Host-" : "", COOKIE, h->secure ? "; Secure" : "");
    return send_buf(h, c, 204, NULL, "", 0, cookie);
}

/* POST /api/reissue {"seat": S} (control): a new join code for the seat. The old one stops working
 * at once, every session it opened ends (streams close, requests get 401), here and in the store
 * other server processes read; the new code is in the answer only, the audit record
 * (session.reissue) says how many sessions ended. */
static enum MHD_Result do_reissue(cc_http *h, struct MHD_Connection *c, session *s, const req *r)
{
    char why[300];
    if (!s->control) {
        deny_log(h, c, s, "/api/reissue", "control-only", NULL, NULL);
        return fail(h, c, 403, "forbidden", "only control reissues join codes");
    }
    json_t *j = parse_body(r, why, sizeof why);
    if (!j)
        return fail(h, c, 400, "bad-input", "%s", why);
    int seat = cc_live_seat_index(h->o.live, json_string_value(json_object_get(j, "seat")));
    json_decref(j);
    if (seat < 0)
        return fail(h, c, 400, "bad-input", "\"seat\" must name a seat of the exercise");
    const char *id = cc_live_scenario(h->o.live)->seats[seat].id;
    unsigned char rnd[13];
    randombytes_buf(rnd, sizeof rnd);
    char code[CC_HTTP_CODE_LEN + 1], secret[CC_HTTP_SECRET_MAX];
    cc_store_error err;
    int ended = 0;
    if (cc_http_make_code(rnd, code, secret) != CC_OK ||
        cc_store_account_set(h->o.store, cc_live_exercise_id(h->o.live), "seat", id, secret, &err) != CC_OK ||
        cc_store_sessions_end(h->o.store, cc_live_exercise_id(h->o.live), "seat", id, &ended, &err) !=
            CC_OK) {
        sodium_memzero(code, sizeof code);
        return fail_unaudited(h, c, "the new code could not be stored; the old one still works");
    }
    char *hash = strdup(secret);
    pthread_mutex_lock(&h->mu);
    for (size_t i = 0; i < h->nacc && hash; i++)
        if (!h->acc[i].control && h->acc[i].seat == seat) {
            free(h->acc[i].hash);
            h->acc[i].hash = hash;
            memcpy(h->acc[i].lookup, secret, 4);
            hash = NULL;
        }
    for (session *x = h->sessions; x; x = x->next)
        if (!x->control && x->seat == seat)
            x->expires = 0; /* kept in the list (streams may point at it) but dead */
    h->joined[seat] = 0;
    pthread_mutex_unlock(&h->mu);
    free(hash); /* an account loaded after start is not in memory: the store has it */
    json_t *d = json_pack("{s:s,s:i}", "path", "/api/reissue", "sessions_ended", ended);
    cc_live_audit(h->o.live, "session.reissue", seat, d, now_ms());
    json_decref(d);
    json_t *out = json_pack("{s:s,s:s}", "seat", id, "code", code);
    sodium_memzero(code, sizeof code);
    return send_json(h, c, 200, out, NULL);
}

static void kick_ticker(cc_http *h)
{
    pthread_mutex_lock(&h->tmu);
    h->kick = 1;
    pthread_cond_signal(&h->tcv);
    pthread_mutex_unlock(&h->tmu);
}

static enum MHD_Result do_input(cc_http *h, struct MHD_Connection *c, session *s, const req *r)
{
    char why[300];
    json_t *j = parse_body(r, why, sizeof why);
    if (!j)
        return fail(h, c, 400, "bad-input", "%s", why);
    uint64_t first = 0, last = 0;
    char refused[200] = "";
    cc_err rc = cc_live_input(h->o.live, viewer_of(s), j, now_ms(), &first, &last, refused, sizeof refused,
                              why, sizeof why);
    if (rc == CC_ERR_DENIED) {
        const char *act = json_string_value(json_object_get(j, "do"));
        json_t *d = json_pack("{s:s%,s:s}", "do", act ? act : "", act ? strnlen(act, 40) : 0, "why", why);
        const char *seat = json_string_value(json_object_get(j, "seat"));
        int other = !s->control && seat && strcmp(seat, cc_live_scenario(h->o.live)->seats[s->seat].id) != 0;
        deny_log(h, c, s, "/api/input", other ? "impersonation" : "control-only", NULL, d);
        json_decref(d);
    }
    if (rc == CC_ERR_NOTFOUND) {
        /* an item the seat may not see answers as one that does not exist, as GET /api/items/ID
         * does; why is "not-visible ID" or "not-found ID", for the record alone */
        const char *act = json_string_value(json_object_get(j, "do"));
        const char *sp = strchr(why, ' ');
        char reason[16];
        snprintf(reason, sizeof reason, "%.*s", sp ? (int)(sp - why) : 0, why);
        json_t *d = json_pack("{s:s%,s:s}", "do", act ? act : "", act ? strnlen(act, 40) : 0, "item",
                              sp ? sp + 1 : "");
        deny_log(h, c, s, "/api/input", reason, sp ? sp + 1 : NULL, d);
        json_decref(d);
    }
    json_decref(j);
    kick_ticker(h);
    if (rc == CC_ERR_NOTFOUND)
        return fail(h, c, 404, "not-found", "no such item");
    if (rc == CC_ERR_INVALID)
        return fail(h, c, 400, "bad-input", "%s", why);
    if (rc == CC_ERR_DENIED)
        return fail(h, c, 403, "forbidden", "%s", why);
    if (rc == CC_ERR_RANGE)
        return fail(h, c, 409, "exercise-ended", "%s", why);
    if (rc != CC_OK)
        return fail(h, c, 503, "store-failed", "%s", why);
    return send_json(h, c, 200,
                     json_pack("{s:[I,I],s:s?}", "seq", (json_int_t)first, (json_int_t)last, "refused",
                               refused[0] ? refused : NULL),
                     NULL);
}

/* The session's new items in its state (server/marks.h): "unread" (their ids) and "unread_count". */
static void add_unread(cc_http *h, session *s, json_t *st)
{
    pthread_mutex_lock(&h->mu);
    json_t *u = cc_marks_unread(&s->marks, json_object_get(st, "items"));
    pthread_mutex_unlock(&h->mu);
    if (u)
        json_object_set_new(st, "unread_count", json_integer((json_int_t)json_array_size(u)));
    json_object_set_new(st, "unread", u ? u : json_array());
}

static enum MHD_Result do_state(cc_http *h, struct MHD_Connection *c, session *s)
{
    int *conn = NULL;
    uint8_t *joined = NULL;
    const cc_scenario *sc = cc_live_scenario(h->o.live);
    pthread_mutex_lock(&h->mu);
    if (sc->nseats && (conn = malloc(sc->nseats * sizeof *conn)) && (joined = malloc(sc->nseats))) {
        memcpy(conn, h->connected, sc->nseats * sizeof *conn);
        memcpy(joined, h->joined, sc->nseats);
    }
    pthread_mutex_unlock(&h->mu);
    json_t *st = cc_live_state(h->o.live, viewer_of(s), now_ms(), conn, joined);
    free(conn);
    free(joined);
    add_unread(h, s, st);
    return send_json(h, c, 200, st, NULL);
}

/* POST /api/read {"items": [ID, ...]} or {"all": true}: the session marks items of its state read
 * (docs/http-api.md, "New items"); answers {"unread": [...], "unread_count"}. */
static enum MHD_Result do_read(cc_http *h, struct MHD_Connection *c, session *s, const req *r)
{
    char why[300];
    json_t *j = parse_body(r, why, sizeof why);
    if (!j)
        return fail(h, c, 400, "bad-input", "%s", why);
    json_t *ids = json_object_get(j, "items");
    int all = json_is_true(json_object_get(j, "all"));
    size_t n = json_array_size(ids);
    int bad = (all ? ids != NULL : !json_is_array(ids) || n == 0 || n > 500) || json_object_size(j) != 1;
    for (size_t k = 0; !bad && k < n; k++)
        bad = !json_is_string(json_array_get(ids, k));
    if (bad) {
        json_decref(j);
        return fail(h, c, 400, "bad-input",
                    "give \"items\": a list of 1 to 500 item ids of your state, or \"all\": true");
    }
    json_t *st = cc_live_state(h->o.live, viewer_of(s), now_ms(), NULL, NULL);
    json_t *items = json_object_get(st, "items");
    uint64_t upto = (uint64_t)(json_integer_value(json_object_get(st, "seq")) + 1);
    pthread_mutex_lock(&h->mu);
    if (all)
        cc_marks_all(&s->marks, upto);
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it)
    {
        json_t *seq = json_object_get(it, "seq");
        const char *id = json_string_value(json_object_get(it, "id"));
        for (size_t k = 0; !all && id && json_is_integer(seq) && k < n; k++)
            if (strcmp(id, json_string_value(json_array_get(ids, k))) == 0)
                cc_marks_read(&s->marks, (uint64_t)json_integer_value(seq));
    }
    pthread_mutex_unlock(&h->mu);
    json_decref(j);
    json_t *out = json_object();
    if (st && out) {
        add_unread(h, s, st);
        json_object_set(out, "unread", json_object_get(st, "unread"));
        json_object_set(out, "unread_count", json_object_get(st, "unread_count"));
    }
    json_decref(st);
    return send_json(h, c, 200, out, NULL);
}

/* GET /api/texts?lang=TAG: the scenario's texts in TAG for the strings of the viewer's state
 * (server/texts.h): what the viewer already reads, in its language. */
static enum MHD_Result do_texts(cc_http *h, struct MHD_Connection *c, session *s)
{
    const char *lang = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "lang");
    if (!lang || !cc_lang_tag_ok(lang))
        return fail(h, c, 400, "bad-request", "\"lang\" must be a language tag such as en or ko");
    const cc_scenario *sc = cc_live_scenario(h->o.live);
    json_t *st = cc_live_state(h->o.live, viewer_of(s), now_ms(), NULL, NULL);
    json_t *t = st ? cc_texts_seen(sc, st, lang) : NULL;
    json_t *cls = cc_texts_classes(sc, lang);
    json_decref(st);
    const char *auth = cc_scenario_authoritative_language(sc);
    json_t *out = NULL;
    if (t && cls) { /* json_pack takes both, even when it fails */
        out =
            json_pack("{s:s,s:s?,s:o,s:o}", "lang", lang, "authoritative", auth, "texts", t, "classes", cls);
    } else {
        json_decref(t);
        json_decref(cls);
    }
    if (!out)
        return fail(h, c, 500, "nomem", "out of memory");
    return send_json(h, c, 200, out, NULL);
}

static enum MHD_Result do_item(cc_http *h, struct MHD_Connection *c, session *s, const char *id)
{
    json_t *it = cc_live_item(h->o.live, viewer_of(s), id);
    if (it) {
        json_t *d = json_pack("{s:s,s:s}", "path", "/api/items", "item", id);
        int recorded = audited(h, "access.read", s->control ? -1 : s->seat, d);
        json_decref(d);
        if (!recorded) {
            json_decref(it);
            return fail_unaudited(h, c, "the read could not be recorded in the log; nothing was sent");
        }
        return send_json(h, c, 200, it, NULL);
    }
    /* a denied item and a missing one answer alike (for control too, without the bypass); the
     * attempt is logged, and only the record tells them apart */
    char probed[65];
    snprintf(probed, sizeof probed, "%.64s", id);
    json_t *d = json_pack("{s:s}", "item", probed);
    deny_log(h, c, s, "/api/items", cc_live_item_exists(h->o.live, id) ? "not-visible" : "not-found", probed,
             d);
    json_decref(d);
    return fail(h, c, 404, "not-found", "no such item");
}

/* GET /api/search?q=TEXT[&limit=N]: the viewer's items containing TEXT (cc_live_search). */
#define SEARCH_MAX_Q 200
#define SEARCH_MAX_LIMIT 200
static enum MHD_Result do_search(cc_http *h, struct MHD_Connection *c, session *s)
{
    const char *q = NULL, *lim = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "limit");
    size_t qn = 0, bad = 0; /* the length as sent: a %00 in q is refused below, not cut at */
    if (MHD_lookup_connection_value_n(c, MHD_GET_ARGUMENT_KIND, "q", 1, &q, &qn) != MHD_YES) {
        q = NULL;
        qn = 0;
    }
    if (!q || !qn || qn > SEARCH_MAX_Q)
        return fail(h, c, 400, "bad-request", "q: give 1 to %d bytes of text to search for", SEARCH_MAX_Q);
    if (cc_utf8_check(q, qn, &bad) != CC_UTF8_OK)
        return fail(h, c, 400, "bad-request", "q: not UTF-8 text (byte %zu)", bad);
    long limit = 50;
    if (lim) {
        char *end = NULL;
        errno = 0;
        limit = strtol(lim, &end, 10);
        if (!*lim || *end || errno || limit < 1 || limit > SEARCH_MAX_LIMIT)
            return fail(h, c, 400, "bad-request", "limit: a whole number from 1 to %d", SEARCH_MAX_LIMIT);
    }
    size_t total = 0;
    json_t *hits = cc_live_search(h->o.live, viewer_of(s), q, (size_t)limit, &total);
    if (!hits)
        return fail(h, c, 500, "internal", "out of memory");
    /* the record names how much was searched for and found, not the text */
    json_t *d = json_pack("{s:s,s:I,s:I}", "path", "/api/search", "query_bytes", (json_int_t)qn, "results",
                          (json_int_t)total);
    int recorded = audited(h, "access.read", s->control ? -1 : s->seat, d);
    json_decref(d);
    if (!recorded) {
        json_decref(hits);
        return fail_unaudited(h, c, "the search could not be recorded in the log; nothing was sent");
    }
    return send_json(h, c, 200, json_pack("{s:o,s:I}", "items", hits, "total", (json_int_t)total), NULL);
}

/* /api/log, sent in pieces read from the store: events [next, end) of the log as it was when
 * asked for, so the memory it takes does not grow with the log. */
typedef struct logstream {
    cc_store *st;
    cc_live *lv; /* filter: without exercise.control_bypass, only the lines control sees */
    int filter;
    int64_t ex;
    uint64_t next, end;
    cc_buf b;
    size_t off;
} logstream;

static int log_line(void *ctx, uint64_t seq, const char *line, size_t len)
{
    logstream *l = ctx;
    if (seq >= l->end)
        return 1;
    l->next = seq + 1;
    if (l->filter && !cc_live_control_sees_line(l->lv, line, len))
        return 0;
    cc_buf_append(&l->b, line, len);
    cc_buf_putc(&l->b, '\n');
    return l->b.oom || l->b.len >= LOG_CHUNK;
}

/* Reads the next piece into l->b; CC_OK with l->b empty at the end. */
static cc_err log_fill(logstream *l, char *why, size_t whylen)
{
    cc_buf_reset(&l->b);
    l->off = 0;
    if (l->next >= l->end)
        return CC_OK;
    uint64_t from = l->next;
    cc_store_error err;
    if (cc_store_events(l->st, l->ex, from, log_line, l, NULL, &err) != CC_OK) {
        snprintf(why, whylen, "%s", err.message);
        return CC_ERR_IO;
    }
    if (l->b.oom || l->next == from) {
        snprintf(why, whylen, "%s", l->b.oom ? "out of memory" : "the log is shorter than its head");
        return l->b.oom ? CC_ERR_NOMEM : CC_ERR_IO;
    }
    return CC_OK;
}

static ssize_t log_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    (void)pos;
    logstream *l = cls;
    char why[300];
    if (l->off >= l->b.len && log_fill(l, why, sizeof why) != CC_OK)
        return MHD_CONTENT_READER_END_WITH_ERROR;
    if (l->b.len == 0)
        return MHD_CONTENT_READER_END_OF_STREAM;
    size_t n = l->b.len - l->off;
    if (n > max)
        n = max;
    memcpy(buf, l->b.data + l->off, n);
    l->off += n;
    return (ssize_t)n;
}

static void log_free(void *cls)
{
    logstream *l = cls;
    cc_buf_free(&l->b);
    free(l);
}

static enum MHD_Result do_log(cc_http *h, struct MHD_Connection *c)
{
    logstream *l = calloc(1, sizeof *l);
    if (!l)
        return fail(h, c, 500, "internal", "out of memory");
    l->st = h->o.store;
    l->lv = h->o.live;
    l->filter = !cc_live_control_bypass(h->o.live);
    l->ex = cc_live_exercise_id(h->o.live);
    cc_buf_init(&l->b);
    char hh[65], why[300];
    cc_store_error err;
    cc_err rc = cc_store_head(l->st, l->ex, &l->end, hh, &err);
    if (rc != CC_OK)
        snprintf(why, sizeof why, "%s", err.message);
    else
        rc = log_fill(l, why, sizeof why); /* the first piece now: a store failure is still a 503 */
    if (rc != CC_OK) {
        log_free(l);
        return fail(h, c, 503, "store-failed", "%s", why);
    }
    json_t *d =
        json_pack("{s:s,s:I,s:b}", "path", "/api/log", "events", (json_int_t)l->end, "filtered", l->filter);
    int recorded = audited(h, "access.read", -1, d);
    json_decref(d);
    if (!recorded) {
        log_free(l);
        return fail_unaudited(h, c, "the export could not be recorded in the log; nothing was sent");
    }
    struct MHD_Response *r =
        MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 64 * 1024, log_read, l, log_free);
    if (!r) {
        log_free(l);
        return MHD_NO;
    }
    harden(h, r);
    MHD_add_response_header(r, "Content-Type", "application/x-ndjson");
    enum MHD_Result ret = MHD_queue_response(c, 200, r);
    MHD_destroy_response(r);
    return ret;
}

/* The control seat whose view control reads without exercise.control_bypass: want, or the first
 * (want NULL); -1 when there is none. */
static int control_seat(cc_http *h, const char *want)
{
    const cc_scenario *sc = cc_live_scenario(h->o.live);
    for (size_t i = 0; i < sc->nseats; i++)
        if (sc->seats[i].control && (!want || strcmp(want, sc->seats[i].id) == 0))
            return (int)i;
    return -1;
}

static enum MHD_Result do_report(cc_http *h, struct MHD_Connection *c, session *s)
{
    if (!h->o.report)
        return fail(h, c, 501, "not-implemented", "this server was started without reports");
    static const char *const formats[] = {"html", "md", "json", "docx"};
    static const char *const types[] = {
        "text/html; charset=utf-8", "text/markdown; charset=utf-8", "application/json",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"};
    const char *fmt = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "format");
    int format = 0;
    while (fmt && format < 4 && strcmp(fmt, formats[format]) != 0)
        format++;
    if (format == 4)
        return fail(h, c, 400, "bad-request", "\"format\" is html, md, json or docx");
    cc_live_viewer v = viewer_of(s);
    if (v.control && !cc_live_control_bypass(h->o.live)) {
        /* without the bypass control reads the report of a control seat: ?seat=ID (default: the
         * first control seat) */
        const char *want = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "seat");
        int pick = control_seat(h, want);
        if (pick < 0) {
            deny_log(h, c, s, "/api/report", want ? "not-a-control-seat" : "no-control-seat", NULL, NULL);
            return fail(h, c, 403, "forbidden",
                        want ? "\"seat\" must name a seat of the control cell"
                             : "without exercise.control_bypass, control reads the report of a control "
                               "seat, and the scenario has none");
        }
        v.control = 0;
        v.seat = pick;
    }
    const char *lang = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "lang");
    if (lang && !cc_lang_tag_ok(lang))
        return fail(h, c, 400, "bad-request", "\"lang\" must be a language tag such as en or ko");
    char why[300] = "";
    size_t len = 0;
    char *html = h->o.report(h->o.report_ctx, h->o.live, v, format, lang, &len, why, sizeof why);
    if (!html)
        return fail(h, c, 500, "report-failed", "%s", why);
    json_t *d = json_pack("{s:s}", "path", "/api/report");
    if (lang)
        json_object_set_new(d, "lang", json_string(lang));
    if (s->control && !v.control)
        json_object_set_new(d, "as_seat", json_string(cc_live_scenario(h->o.live)->seats[v.seat].id));
    int recorded = audited(h, "access.read", s->control ? -1 : s->seat, d);
    json_decref(d);
    if (!recorded) {
        free(html);
        return fail_unaudited(h, c, "the report read could not be recorded in the log; nothing was sent");
    }
    enum MHD_Result r = send_report(h, c, format, types[format], html, len);
    free(html);
    return r;
}

/* ---- the executive summary (control, server/summary): versions in the store, and the draft ---- */

static enum MHD_Result do_summary(cc_http *h, struct MHD_Connection *c, session *s, const req *r, int post)
{
    if (!s->control) {
        deny_log(h, c, s, "/api/summary", "control-only", NULL, NULL);
        return fail(h, c, 403, "forbidden", "the executive summary is control's");
    }
    int64_t ex = cc_live_exercise_id(h->o.live);
    char why[400] = "";
    if (post) {
        int64_t version = 0;
        unsigned st = cc_summary_post(h->o.store, ex, cc_live_scenario(h->o.live)->policy, r->body.data,
                                      r->body.len, "control", now_ms(), &version, why, sizeof why);
        if (st != 200)
            return fail(h, c, st, st == 400 ? "bad-request" : "store-failed", "%s", why);
    }
    /* the draft as control reads the report (a control seat's view without the bypass) */
    cc_live_viewer v = viewer_of(s);
    if (!cc_live_control_bypass(h->o.live)) {
        v.control = 0;
        v.seat = control_seat(h, NULL);
    }
    size_t len = 0;
    char *draft =
        h->o.report && (v.control || v.seat >= 0)
            ? h->o.report(h->o.report_ctx, h->o.live, v, CC_HTTP_REPORT_DRAFT, NULL, &len, why, sizeof why)
            : NULL;
    cc_error err;
    json_t *j = cc_summary_json(h->o.store, ex, draft, &err);
    free(draft);
    if (!j)
        return fail(h, c, 503, "store-failed", "%s", err.message);
    /* the read (and a save: its version) is recorded in the log before the answer is sent */
    json_t *vs = json_object_get(j, "versions");
    json_t *d = json_pack("{s:s}", "path", "/api/summary");
    if (post)
        json_object_set_new(d, "saved_version",
                            json_incref(json_object_get(json_array_get(vs, 0), "version")));
    int recorded = audited(h, "access.read", -1, d);
    json_decref(d);
    if (!recorded) {
        json_decref(j);
        return fail_unaudited(h, c, "the summary read could not be recorded in the log; nothing was sent");
    }
    return send_json(h, c, 200, j, NULL);
}

/* ---- the improvement plan (control): items kept in the store across exercises ---- */

/* ---- the scenario editor (server/editor), control only ---- */

/* GET /api/debrief, /api/debrief/events (control; server/debrief): the ended exercise as a viewer
 * saw it after an event, and the events it saw. */
static enum MHD_Result do_debrief(cc_http *h, struct MHD_Connection *c, session *s, const char *url)
{
    if (!s->control) {
        deny_log(h, c, s, "/api/debrief", "control-only", NULL, NULL);
        return fail(h, c, 403, "forbidden", "the debrief is control's");
    }
    const char *seat = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "seat");
    cc_debrief_reply out;
    if (strcmp(url, "/api/debrief/events") == 0)
        cc_debrief_events(h->o.live, seat, &out);
    else
        cc_debrief_state(h->o.store, h->o.live, MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "at"),
                         seat, &out);
    if (out.json)
        return send_json(h, c, out.status, out.json, NULL);
    return fail(h, c, out.status, out.code, "%s", out.message);
}

/* POST /api/debrief/fork (control; server/debrief): "fork from here", run headless. */
static enum MHD_Result do_fork(cc_http *h, struct MHD_Connection *c, session *s, const req *r)
{
    if (!s->control) {
        deny_log(h, c, s, "/api/debrief/fork", "control-only", NULL, NULL);
        return fail(h, c, 403, "forbidden", "the debrief is control's");
    }
    cc_debrief_reply out;
    cc_debrief_fork(h->o.store, h->o.live, r->body.data, r->body.len, &out);
    if (out.json)
        return send_json(h, c, out.status, out.json, NULL);
    return fail(h, c, out.status, out.code, "%s", out.message);
}

static const char *editor_arg(void *ctx, const char *name)
{
    return MHD_lookup_connection_value((struct MHD_Connection *)ctx, MHD_GET_ARGUMENT_KIND, name);
}

static enum MHD_Result do_editor(cc_http *h, struct MHD_Connection *c, session *s, const req *r,
                                 const char *url, int post)
{
    if (!s->control) {
        deny_log(h, c, s, "/api/editor", "control-only", NULL, NULL);
        return fail(h, c, 403, "forbidden", "the scenario editor is control's");
    }
    cc_editor_req rq = {.method = post ? "POST" : "GET",
                        .path = url + 12,
                        .arg = editor_arg,
                        .arg_ctx = c,
                        .body = r->body.data,
                        .len = r->body.len,
                        .author = "control",
                        .live_exercise = h->o.live ? cc_live_exercise_id(h->o.live) : 0,
                        .now_wall_ms = now_ms()};
    cc_editor_reply out;
    if (cc_editor_handle(h->o.store, &rq, &out) != CC_OK)
        return fail(h, c, 500, "internal", "out of memory");
    enum MHD_Result ret;
    if (out.json) {
        ret = send_json(h, c, out.status, out.json, NULL);
        out.json = NULL;
    } else {
        struct MHD_Response *resp =
            MHD_create_response_from_buffer(out.len, out.body ? out.body : (void *)"", MHD_RESPMEM_MUST_COPY);
        if (!resp) {
            cc_editor_reply_clear(&out);
            return MHD_NO;
        }
        harden(h, resp);
        MHD_add_response_header(resp, "Content-Type", out.type ? out.type : "application/octet-stream");
        if (out.filename[0]) {
            char disp[160];
            snprintf(disp, sizeof disp, "attachment; filename=\"%s\"", out.filename);
            MHD_add_response_header(resp, "Content-Disposition", disp);
        }
        ret = MHD_queue_response(c, out.status, resp);
        MHD_destroy_response(resp);
    }
    cc_editor_reply_clear(&out);
    return ret;
}

static enum MHD_Result do_plan_get(cc_http *h, struct MHD_Connection *c)
{
    cc_store_plan_item *v = NULL;
    size_t n = 0;
    cc_store_error err;
    if (cc_store_plan_list(h->o.store, 0, &v, &n, &err) != CC_OK)
        return fail(h, c, 503, "store-failed", "%s", err.message);
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        json_array_append_new(arr, cc_store_plan_item_json(&v[i]));
        cc_store_plan_item_clear(&v[i]);
    }
    free(v);
    return send_json(h, c, 200, json_pack("{s:o}", "items", arr), NULL);
}

/* {"action": "add"|"update"|"close", "id": N (update, close), fields...}: the fields are those
 * of cc_store_plan_item; unknown members are refused. */
static enum MHD_Result do_plan_post(cc_http *h, struct MHD_Connection *c, const req *r)
{
    char why[300];
    json_t *j = parse_body(r, why, sizeof why);
    if (!j)
        return fail(h, c, 400, "bad-request", "%s", why);
    static const char *const fields[] = {"finding", "capability", "issue", "action", "element",    "owner",
                                         "poc",     "start",      "due",   "status", "closed_note"};
    const char *key;
    json_t *val;
    json_object_foreach(j, key, val)
    {
        int known = strcmp(key, "action") == 0 || strcmp(key, "id") == 0 || strcmp(key, "verb") == 0;
        for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
            known |= strcmp(key, fields[i]) == 0;
        if (!known || (strcmp(key, "id") != 0 && !json_is_string(val) && !json_is_null(val))) {
            enum MHD_Result ret =
                fail(h, c, 400, "bad-request", "unknown or non-string member \"%.40s\"", key);
            json_decref(j); /* key points into j */
            return ret;
        }
    }
    const char *verb = json_string_value(json_object_get(j, "verb"));
    cc_store_plan_item p;
    memset(&p, 0, sizeof p);
    cc_store_error err;
    cc_err rc = CC_OK;
    int64_t id = json_integer_value(json_object_get(j, "id"));
    if (!verb || (strcmp(verb, "add") != 0 && strcmp(verb, "update") != 0 && strcmp(verb, "close") != 0)) {
        json_decref(j);
        return fail(h, c, 400, "bad-request", "\"verb\" is add, update or close");
    }
    if (strcmp(verb, "add") != 0 && cc_store_plan_get(h->o.store, id, &p, &err) != CC_OK) {
        json_decref(j);
        return fail(h, c, 404, "not-found", "%s", err.message);
    }
    char **slots[] = {&p.finding, &p.capability, &p.issue, &p.action, &p.element,    &p.owner,
                      &p.poc,     &p.start,      &p.due,   &p.status, &p.closed_note};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        json_t *x = json_object_get(j, fields[i]);
        if (!x)
            continue;
        free(*slots[i]);
        *slots[i] = json_is_string(x) ? strdup(json_string_value(x)) : NULL;
    }
    if (strcmp(verb, "add") == 0) {
        p.exercise = cc_live_exercise_id(h->o.live);
        if (!p.status)
            p.status = strdup("open");
        rc = cc_store_plan_add(h->o.store, &p, &p.id, &err);
    } else {
        if (strcmp(verb, "close") == 0) {
            if (!p.closed_note || !*p.closed_note) {
                cc_store_plan_item_clear(&p);
                json_decref(j);
                return fail(h, c, 400, "bad-request", "closing an item needs \"closed_note\": why");
            }
            free(p.status);
            p.status = strdup("closed");
        }
        rc = cc_store_plan_update(h->o.store, &p, &err);
    }
    json_decref(j);
    enum MHD_Result ret = rc == CC_OK        ? send_json(h, c, 200, cc_store_plan_item_json(&p), NULL)
                          : rc == CC_ERR_ARG ? fail(h, c, 400, "bad-request", "%s", err.message)
                                             : fail(h, c, 503, "store-failed", "%s", err.message);
    cc_store_plan_item_clear(&p);
    return ret;
}

/* ---- event streams ---- */

/* The waiting list of v's streams. */
static wlist *wait_of(cc_http *h, cc_live_viewer v)
{
    if (v.control)
        return &h->wait[h->nwait - 2];
    return v.seat >= 0 && (size_t)v.seat < h->nwait - 2 ? &h->wait[v.seat] : &h->wait[h->nwait - 1];
}

/* Suspends st into its viewer's list (h->wmu held). */
static void wait_add(cc_http *h, stream *st)
{
    wlist *w = wait_of(h, st->v);
    st->suspended = 1;
    st->snext = w->head;
    w->head = st;
    if (st->next < w->lo)
        w->lo = st->next;
}

/* st leaves list w, to be resumed (h->wmu held; the caller unlinks it). */
static void wait_leave(wlist *w, stream *st)
{
    st->suspended = 0;
    if (st->next < w->clear)
        st->next = w->clear;
}

/* Takes st off its list if it is in one (h->wmu held). */
static void wait_unlink(cc_http *h, stream *st)
{
    wlist *w = wait_of(h, st->v);
    for (stream **pp = &w->head; *pp; pp = &(*pp)->snext)
        if (*pp == st) {
            *pp = st->snext;
            wait_leave(w, st);
            break;
        }
    if (!w->head)
        w->lo = UINT64_MAX;
}

static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    (void)pos;
    stream *st = cls;
    cc_http *h = st->h;
    if (st->off >= st->out.len) {
        cc_buf_reset(&st->out);
        st->off = 0;
        pthread_mutex_lock(&h->wmu);
        int gone = st->gone, stopping = h->stopping;
        pthread_mutex_unlock(&h->wmu);
        if (stopping)
            return MHD_CONTENT_READER_END_OF_STREAM;
        if (gone)
            return MHD_CONTENT_READER_END_WITH_ERROR; /* the client closed it: nothing more to send */
        pthread_mutex_lock(&h->mu);
        int dead = st->sess->expires <= now_ms();
        pthread_mutex_unlock(&h->mu);
        if (dead)
            return MHD_CONTENT_READER_END_OF_STREAM; /* logged out or expired */
        if (cc_live_sse(h->o.live, st->v, &st->next, &st->out, 32768) == SIZE_MAX)
            return MHD_CONTENT_READER_END_WITH_ERROR; /* the client reconnects with Last-Event-ID */
        if (st->out.len == 0 && now_ms() - st->last_write >= PING_MS)
            cc_buf_puts(&st->out, ": ping\n\n");
        if (st->out.oom)
            return MHD_CONTENT_READER_END_WITH_ERROR;
        if (st->out.len == 0) {
            /* nothing to send: wait for a publish, unless one raced in */
            pthread_mutex_lock(&h->wmu);
            if (cc_live_events(h->o.live) > st->next || h->stopping) {
                pthread_mutex_unlock(&h->wmu);
                return 0;
            }
            wait_add(h, st);
            MHD_suspend_connection(st->conn);
            cc_buf_free(&st->out); /* an idle stream holds no buffer (its backlog may have been large) */
            pthread_mutex_unlock(&h->wmu);
            return 0;
        }
        st->last_write = now_ms();
    }
    size_t n = st->out.len - st->off;
    if (n > max)
        n = max;
    memcpy(buf, st->out.data + st->off, n);
    st->off += n;
    return (ssize_t)n;
}

/* Gives back a stream's slot: its session's count and its seat's connected count. h->mu held. */
static void release_slot(cc_http *h, stream *st)
{
    if (st->released)
        return;
    st->released = 1;
    st->sess->streams--;
    if (!st->v.control && st->v.seat >= 0)
        h->connected[st->v.seat]--;
}

/* Waiting streams (of session only, or all: NULL) whose client has gone: a suspended connection is
 * not watched by libmicrohttpd, so a closed one would hold its slot until the next ping (15 s).
 * Their sockets are polled: one readable or hung up (an event stream's client sends nothing
 * after its request) is taken off the waiting list, its slot given back at once, and resumed so
 * that libmicrohttpd closes it. Returns how many. Not with h->mu or h->wmu held. */
static size_t reap_streams(cc_http *h, const session *only)
{
    enum { BATCH = 256 };
    struct pollfd pf[BATCH];
    stream *sv[BATCH], *gone[BATCH];
    size_t n = 0, ng = 0;
    pthread_mutex_lock(&h->wmu);
    for (size_t k = 0; k < h->nwait && n < BATCH; k++)
        for (stream *st = h->wait[k].head; st && n < BATCH; st = st->snext)
            if ((!only || st->sess == only) && st->fd >= 0) {
                pf[n] = (struct pollfd){st->fd, POLLIN, 0};
                sv[n++] = st;
            }
    if (n && poll(pf, (nfds_t)n, 0) > 0) {
        for (size_t i = 0; i < n; i++) {
            if (!(pf[i].revents & (POLLIN | POLLHUP | POLLERR | POLLNVAL)))
                continue;
            wait_unlink(h, sv[i]);
            sv[i]->gone = 1;
            gone[ng++] = sv[i];
        }
    }
    pthread_mutex_unlock(&h->wmu);
    if (!ng)
        return 0;
    pthread_mutex_lock(&h->mu);
    for (size_t i = 0; i < ng; i++)
        release_slot(h, gone[i]);
    pthread_mutex_unlock(&h->mu);
    for (size_t i = 0; i < ng; i++)
        MHD_resume_connection(gone[i]->conn);
    return ng;
}

static void stream_free(void *cls)
{
    stream *st = cls;
    cc_http *h = st->h;
    pthread_mutex_lock(&h->wmu);
    if (st->suspended)
        wait_unlink(h, st);
    h->nstreams--;
    pthread_mutex_unlock(&h->wmu);
    pthread_mutex_lock(&h->mu);
    release_slot(h, st);
    pthread_mutex_unlock(&h->mu);
    cc_buf_free(&st->out);
    free(st);
}

void cc_http_publish(void *ctx)
{
    cc_http *h = ctx;
    stream *wake = NULL;
    pthread_mutex_lock(&h->wmu);
    for (size_t k = 0; k < h->nwait; k++) {
        wlist *w = &h->wait[k];
        for (stream *s = w->head, *nx; s; s = nx) {
            nx = s->snext;
            wait_leave(w, s);
            s->snext = wake;
            wake = s;
        }
        w->head = NULL;
        w->lo = UINT64_MAX;
    }
    pthread_mutex_unlock(&h->wmu);
    /* resume outside the lock the reader takes */
    for (stream *s = wake, *nx; s; s = nx) {
        nx = s->snext;
        MHD_resume_connection(s->conn);
    }
}

/* The 15 s tick: wakes the waiting streams that have sent nothing for PING_MS (each sends its
 * ping) or whose session has expired (each ends); the others stay asleep, since waking one costs a
 * resume, a suspend and an eventfd write and it would send nothing (with 10,000 idle streams,
 * tens of ms of libmicrohttpd's thread every 15 s). A stream's last_write is only written by its
 * own reader before it is added to a list, so reading it here under h->wmu is safe. Takes h->mu
 * inside h->wmu (for the sessions' expiry); nothing takes them the other way round. */
static void wake_due(cc_http *h, int64_t now)
{
    stream *wake = NULL;
    pthread_mutex_lock(&h->wmu);
    pthread_mutex_lock(&h->mu);
    for (size_t k = 0; k < h->nwait; k++) {
        wlist *w = &h->wait[k];
        uint64_t lo = UINT64_MAX;
        for (stream **pp = &w->head; *pp;) {
            stream *s = *pp;
            if (now - s->last_write >= PING_MS || s->sess->expires <= now) {
                *pp = s->snext;
                wait_leave(w, s);
                s->snext = wake;
                wake = s;
                continue;
            }
            if (s->next < lo)
                lo = s->next;
            pp = &s->snext;
        }
        w->lo = lo;
    }
    pthread_mutex_unlock(&h->mu);
    pthread_mutex_unlock(&h->wmu);
    for (stream *s = wake, *nx; s; s = nx) {
        nx = s->snext;
        MHD_resume_connection(s->conn);
    }
}

/* Waking a stream costs a resume and a suspend on libmicrohttpd's thread, and with 10,000 streams
 * even walking them all costs milliseconds at every commit, while most commits carry nothing for
 * most viewers (a national inject, control's notes, audit records). So each viewer is asked once
 * whether it may see an event from the earliest position of its waiting streams on: if so, its
 * streams wake (each reads from its own position); if not, none is touched and the list records
 * that the viewer sees nothing before the events examined. A ping, an ended session or the next
 * event the viewer may see wakes them as before (docs/http-api.md, "Event streams"). */
void cc_http_publish_events(void *ctx)
{
    cc_http *h = ctx;
    stream *wake = NULL;
    pthread_mutex_lock(&h->wmu);
    for (size_t k = 0; k < h->nwait; k++) {
        wlist *w = &h->wait[k];
        if (!w->head)
            continue;
        uint64_t from = w->lo > w->clear ? w->lo : w->clear, upto = from;
        /* the last list holds streams of no known viewer: always woken */
        int seen = k == h->nwait - 1 || cc_live_sees_from(h->o.live, w->head->v, from, &upto);
        if (!seen) {
            w->clear = upto;
            continue;
        }
        for (stream *s = w->head, *nx; s; s = nx) {
            nx = s->snext;
            wait_leave(w, s);
            s->snext = wake;
            wake = s;
        }
        w->head = NULL;
        w->lo = UINT64_MAX;
    }
    pthread_mutex_unlock(&h->wmu);
    for (stream *s = wake, *nx; s; s = nx) {
        nx = s->snext;
        MHD_resume_connection(s->conn);
    }
}

static enum MHD_Result do_events(cc_http *h, struct MHD_Connection *c, session *s)
{
    uint64_t after = 0;
    int have_after = 0;
    const char *lei = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Last-Event-ID");
    if (!lei)
        lei = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "after");
    if (lei) {
        char *end;
        errno = 0;
        unsigned long long v = strtoull(lei, &end, 10);
        if (!*lei || *end || errno || lei[0] == '-' || v >= cc_live_events(h->o.live)) {
            json_t *d = json_pack("{s:s%}", "last_event_id", lei, strnlen(lei, 40));
            deny_log(h, c, s, "/api/events", "bad-last-event-id", NULL, d);
            json_decref(d);
            return fail(h, c, 400, "bad-last-event-id",
                        "Last-Event-ID must be the id of an event already sent");
        }
        after = v;
        have_after = 1;
    }
    int cap = (int)(h->o.streams_per_session ? h->o.streams_per_session : STREAMS_PER_SESSION);
    pthread_mutex_lock(&h->mu);
    int full = s->streams >= cap;
    pthread_mutex_unlock(&h->mu);
    if (full)
        reap_streams(h, s); /* a stream of this session whose client has gone (a reload) makes room */
    pthread_mutex_lock(&h->mu);
    int ok = s->streams < cap;
    if (ok) {
        s->streams++;
        if (!s->control && s->seat >= 0)
            h->connected[s->seat]++;
    }
    pthread_mutex_unlock(&h->mu);
    if (!ok) {
        deny_log(h, c, s, "/api/events", "too-many-streams", NULL, NULL);
        return fail(h, c, 429, "too-many-streams", "at most %d event streams per session", cap);
    }
    stream *st = calloc(1, sizeof *st);
    if (!st) {
        pthread_mutex_lock(&h->mu); /* give back the slot taken above */
        s->streams--;
        if (!s->control && s->seat >= 0)
            h->connected[s->seat]--;
        pthread_mutex_unlock(&h->mu);
        return fail(h, c, 500, "internal", "out of memory");
    }
    st->h = h;
    st->conn = c;
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
    st->fd = ci ? ci->connect_fd : -1;
    st->sess = s;
    st->v = viewer_of(s);
    st->next = have_after ? after + 1 : 0;
    st->last_write = now_ms();
    cc_buf_init(&st->out);
    cc_buf_puts(&st->out, "retry: 2000\n\n");
    pthread_mutex_lock(&h->wmu);
    h->nstreams++;
    pthread_mutex_unlock(&h->wmu);
    struct MHD_Response *r =
        MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, SSE_BLOCK, stream_read, st, stream_free);
    if (!r) {
        stream_free(st);
        return MHD_NO;
    }
    harden(h, r);
    MHD_add_response_header(r, "Content-Type", "text/event-stream; charset=utf-8");
    MHD_add_response_header(r, "X-Accel-Buffering", "no");
    enum MHD_Result ret = MHD_queue_response(c, 200, r);
    MHD_destroy_response(r);
    return ret;
}

/* ---- dispatch ---- */

static int hexval(char c)
{
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

/* URL unescaping that never makes a NUL: "%00" stays as it is (so "/app.js%00.html" is not
 * "/app.js"), every other %HH is decoded. */
static size_t unescape(void *cls, struct MHD_Connection *c, char *s)
{
    (void)cls;
    (void)c;
    char *w = s;
    for (const char *r = s; *r; r++) {
        int hi, lo;
        if (r[0] == '%' && (hi = hexval(r[1])) >= 0 && (lo = hexval(r[2])) >= 0 && (hi | lo) != 0) {
            *w++ = (char)(hi * 16 + lo);
            r += 2;
        } else {
            *w++ = *r;
        }
    }
    *w = 0;
    return (size_t)(w - s);
}

/* Counts the Content-Length headers of a request and whether they disagree. */
typedef struct cl_count {
    int n;
    const char *first;
    int differ;
} cl_count;

static enum MHD_Result count_cl(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    (void)kind;
    cl_count *c = cls;
    if (key && strcasecmp(key, "Content-Length") == 0) {
        if (c->n++ && (!c->first || !value || strcmp(c->first, value) != 0))
            c->differ = 1;
        if (!c->first)
            c->first = value;
    }
    return MHD_YES;
}

static enum MHD_Result serve_asset(cc_http *h, struct MHD_Connection *c, const char *url)
{
    if (strcmp(url, "/") == 0)
        url = "/index.html";
    for (const struct ui_asset *a = ui_assets; a->path; a++)
        if (strcmp(a->path, url) == 0)
            return send_buf(h, c, 200, a->type, a->data, a->len, NULL);
    return fail(h, c, 404, "not-found", "no such page");
}

/* Whether url is an API endpoint read by GET (POST to it is a 405). */
static int get_endpoint(const char *url)
{
    static const char *const g[] = {"/api/state",  "/api/events", "/api/report",  "/api/log",
                                    "/api/search", "/api/texts",  "/api/debrief", "/api/debrief/events"};
    for (size_t i = 0; i < sizeof g / sizeof g[0]; i++)
        if (strcmp(url, g[i]) == 0)
            return 1;
    return 0;
}

static int known_endpoint(const char *url)
{
    return get_endpoint(url) || strcmp(url, "/api/join") == 0 || strcmp(url, "/api/input") == 0 ||
           strcmp(url, "/api/logout") == 0 || strcmp(url, "/api/plan") == 0 ||
           strcmp(url, "/api/summary") == 0 || strcmp(url, "/api/reissue") == 0 ||
           strcmp(url, "/api/debrief/fork") == 0 || strcmp(url, "/api/read") == 0;
}

/* The path an audit record names: item ids and unknown paths are the client's text, kept out of
 * the refusal records' rate-limit key. */
static const char *logged_path(const char *url)
{
    if (strncmp(url, "/api/items/", 11) == 0)
        return "/api/items";
    return known_endpoint(url) ? url : "/api/*";
}

/* A request's headers have arrived: its state into *con_cls, and a request that is refused
 * before its body is read (conflicting lengths, chunked, too large) answered now. */
static enum MHD_Result first_call(cc_http *h, struct MHD_Connection *c, void **con_cls)
{
    req *r = calloc(1, sizeof *r);
    if (!r)
        return MHD_NO;
    cc_buf_init(&r->body);
    *con_cls = r;
    /* two Content-Length headers that disagree: a smuggling attempt (RFC 9112 6.3) */
    cl_count cl = {0, NULL, 0};
    MHD_get_connection_values(c, MHD_HEADER_KIND, count_cl, &cl);
    r->refused = 1;
    if (cl.differ)
        return refuse_early(h, c, 400, "bad-request", "conflicting Content-Length headers");
    /* Chunked uploads are refused when their headers arrive: the API's bodies are small
     * JSON documents with a length, and libmicrohttpd takes a response only here or once
     * the whole body is in, so a chunked body (of any announced chunk size) could not be
     * answered before it ends. Both framings at once is a smuggling attempt. */
    if (MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_TRANSFER_ENCODING)) {
        if (cl.n)
            return refuse_early(h, c, 400, "bad-request", "Content-Length and Transfer-Encoding together");
        return refuse_early(h, c, 411, "length-required",
                            "send the body with a Content-Length; chunked uploads are not accepted");
    }
    /* a body announced too large is refused before it is read */
    if (cl.first && strtoull(cl.first, NULL, 10) > BODY_MAX) {
        char why[64];
        snprintf(why, sizeof why, "the body exceeds %d bytes", BODY_MAX);
        return refuse_early(h, c, 413, "too-large", why);
    }
    r->refused = 0;
    return MHD_YES;
}

/* A POST of a session (s) whose CSRF token matched. */
static enum MHD_Result post_api(cc_http *h, struct MHD_Connection *c, session *s, req *r, const char *url)
{
    if (strcmp(url, "/api/input") == 0)
        return do_input(h, c, s, r);
    if (strcmp(url, "/api/logout") == 0)
        return do_logout(h, c, s);
    if (strcmp(url, "/api/reissue") == 0)
        return do_reissue(h, c, s, r);
    if (strcmp(url, "/api/debrief/fork") == 0)
        return do_fork(h, c, s, r);
    if (strcmp(url, "/api/read") == 0)
        return do_read(h, c, s, r);
    if (strncmp(url, "/api/editor/", 12) == 0)
        return do_editor(h, c, s, r, url, 1);
    if (strcmp(url, "/api/summary") == 0)
        return do_summary(h, c, s, r, 1);
    if (strcmp(url, "/api/plan") == 0) {
        if (s->control)
            return do_plan_post(h, c, r);
        deny_log(h, c, s, "/api/plan", "control-only", NULL, NULL);
        return fail(h, c, 403, "forbidden", "the improvement plan is control's");
    }
    if (get_endpoint(url) || (strncmp(url, "/api/items/", 11) == 0 && url[11]))
        return fail(h, c, 405, "method-not-allowed", "GET only");
    return fail(h, c, 404, "not-found", "no such endpoint");
}

/* A GET of a session (s). */
static enum MHD_Result get_api(cc_http *h, struct MHD_Connection *c, session *s, req *r, const char *url)
{
    if (strcmp(url, "/api/state") == 0)
        return do_state(h, c, s);
    if (strncmp(url, "/api/editor/", 12) == 0)
        return do_editor(h, c, s, r, url, 0);
    if (strcmp(url, "/api/summary") == 0)
        return do_summary(h, c, s, r, 0);
    if (strcmp(url, "/api/plan") == 0) {
        if (s->control)
            return do_plan_get(h, c);
        deny_log(h, c, s, "/api/plan", "control-only", NULL, NULL);
        return fail(h, c, 403, "forbidden", "the improvement plan is control's");
    }
    if (strncmp(url, "/api/items/", 11) == 0 && url[11])
        return do_item(h, c, s, url + 11);
    if (strcmp(url, "/api/events") == 0)
        return do_events(h, c, s);
    if (strcmp(url, "/api/search") == 0)
        return do_search(h, c, s);
    if (strcmp(url, "/api/texts") == 0)
        return do_texts(h, c, s);
    if (strcmp(url, "/api/report") == 0)
        return do_report(h, c, s);
    if (strcmp(url, "/api/debrief") == 0 || strcmp(url, "/api/debrief/events") == 0)
        return do_debrief(h, c, s, url);
    if (strcmp(url, "/api/log") == 0) {
        if (!s->control) {
            deny_log(h, c, s, "/api/log", "control-only", NULL, NULL);
            return fail(h, c, 403, "forbidden", "the full log is for control");
        }
        return do_log(h, c);
    }
    if (strcmp(url, "/api/join") == 0 || strcmp(url, "/api/input") == 0 || strcmp(url, "/api/logout") == 0 ||
        strcmp(url, "/api/reissue") == 0 || strcmp(url, "/api/debrief/fork") == 0 ||
        strcmp(url, "/api/read") == 0)
        return fail(h, c, 405, "method-not-allowed", "POST only");
    return fail(h, c, 404, "not-found", "no such endpoint");
}

static enum MHD_Result handle_one(cc_http *h, struct MHD_Connection *c, const char *url, const char *method,
                                  const char *upload, size_t *upload_size, void **con_cls)
{
    req *r = *con_cls;
    if (!r)
        return first_call(h, c, con_cls);
    if (*upload_size) {
        size_t n = *upload_size;
        *upload_size = 0;
        if (r->refused)
            return MHD_NO; /* answered already: the rest of the body is not read */
        cc_buf_append(&r->body, upload, n);
        return MHD_YES;
    }
    if (r->refused)
        return MHD_YES; /* the refusal is queued already */
    int get = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
    int post = strcmp(method, "POST") == 0;
    if (!get && !post)
        return fail(h, c, 405, "method-not-allowed", "only GET and POST");
    if (r->body.oom)
        return fail(h, c, 500, "internal", "out of memory");
    if (strcmp(url, "/healthz") == 0 && get)
        return send_buf(h, c, 200, "text/plain", "ok\n", 3, NULL);
    if (strncmp(url, "/api/", 5) != 0)
        return get ? serve_asset(h, c, url)
                   : fail(h, c, 405, "method-not-allowed", "static pages are GET only");
    if (!same_origin(h, c)) {
        deny_log(h, c, NULL, logged_path(url), "cross-site", NULL, NULL);
        return fail(h, c, 403, "csrf", "cross-site request refused");
    }
    if (strcmp(url, "/api/join") == 0) {
        if (!post)
            return fail(h, c, 405, "method-not-allowed", "POST only");
        const char *ct = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
        if (!ct || strncmp(ct, "application/json", 16) != 0)
            return fail(h, c, 415, "unsupported-media-type", "send the code as application/json");
        return do_join(h, c, r);
    }
    char csrf[65];
    int store_failed;
    session *s = find_session(h, c, csrf, &store_failed);
    const char *logged = logged_path(url);
    if (!s && store_failed)
        return fail_retry(h, c, "store-failed", "the session could not be checked: the store cannot be read");
    if (!s) {
        deny_log(h, c, NULL, logged, "no-session", NULL, NULL);
        return fail(h, c, 401, "no-session", "join with a code first");
    }
    if (post) {
        const char *tok = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-CSRF-Token");
        if (!tok || strlen(tok) != 64 || sodium_memcmp(tok, csrf, 64) != 0) {
            deny_log(h, c, s, logged, "csrf-token", NULL, NULL);
            return fail(h, c, 403, "csrf", "missing or wrong X-CSRF-Token");
        }
        return post_api(h, c, s, r, url);
    }
    return get_api(h, c, s, r, url);
}

/* libmicrohttpd's threads (--threads, see cc_http_start) share the sending of answers and of
 * event-stream frames, but the handlers run one at a time under h->hmu, as on one thread: what they
 * share (the scenario, which an added inject grows; sessions; the store's plans ...) needs no other
 * lock than before. Only stream_read, stream_free and completed run beside a handler; they touch
 * their own stream or request and what h->wmu, h->mu and the exercise's lock guard. */
static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                              const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
    (void)version;
    cc_http *h = cls;
    pthread_mutex_lock(&h->hmu);
    enum MHD_Result ret = handle_one(h, c, url, method, upload, upload_size, con_cls);
    pthread_mutex_unlock(&h->hmu);
    return ret;
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
                      enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)c;
    (void)toe;
    req *r = *con_cls;
    if (!r)
        return;
    cc_buf_free(&r->body);
    free(r->job);
    free(r);
    *con_cls = NULL;
}

static void quiet_log(void *cls, const char *fmt, va_list ap)
{
    (void)cls; /* the library never prints */
    (void)fmt;
    (void)ap;
}

/* ---- ticker ---- */

static void *tick_main(void *arg)
{
    cc_http *h = arg;
    int64_t last_ping = now_ms();
    pthread_mutex_lock(&h->tmu);
    while (!h->stopping) {
        pthread_mutex_unlock(&h->tmu);
        int64_t now = now_ms(), next = INT64_MAX;
        cc_live_tick(h->o.live, now, &next);
        if (now - last_ping >= PING_MS) {
            wake_due(h, now); /* idle streams ping, streams of expired sessions end */
            last_ping = now;
        }
        reap_streams(h, NULL); /* closed streams give their slots back within a second */
        refusals_flush(h, now, 0);
        if (now - h->last_revoke >= REVOKE_MS) {
            revoke_sweep(h, now);
            h->last_revoke = now;
        }
        /* at least once a second: the refusal summaries of the second just over, closed streams */
        int64_t until = now + (h->o.poll_ms && h->o.poll_ms < 1000 ? h->o.poll_ms : 1000);
        if (next < until)
            until = next;
        if (last_ping + PING_MS < until)
            until = last_ping + PING_MS;
        struct timespec ts;
        ts.tv_sec = (time_t)(until / 1000);
        ts.tv_nsec = (long)(until % 1000) * 1000000L;
        pthread_mutex_lock(&h->tmu);
        if (!h->kick && !h->stopping && until > now)
            pthread_cond_timedwait(&h->tcv, &h->tmu, &ts);
        h->kick = 0;
    }
    pthread_mutex_unlock(&h->tmu);
    return NULL;
}

/* ---- start / stop ---- */

typedef struct acc_load {
    cc_http *h;
    int bad;
} acc_load;

static int load_account(void *ctx, const char *role, const char *seat, const char *secret)
{
    acc_load *L = ctx;
    cc_http *h = L->h;
    account *n = realloc(h->acc, (h->nacc + 1) * sizeof *n);
    if (!n) {
        L->bad = 1;
        return 1;
    }
    h->acc = n;
    account *a = &h->acc[h->nacc];
    memset(a, 0, sizeof *a);
    a->control = strcmp(role, "control") == 0;
    a->seat = a->control ? -1 : cc_live_seat_index(h->o.live, seat);
    if ((!a->control && a->seat < 0) || strlen(secret) < 6 || secret[4] != ':')
        return 0; /* an account for a seat the scenario lacks: ignored */
    memcpy(a->lookup, secret, 4);
    a->hash = strdup(secret);
    if (!a->hash) {
        L->bad = 1;
        return 1;
    }
    h->nacc++;
    return 0;
}

cc_err cc_http_start(const cc_http_opts *o, cc_http **out, char *why, size_t whylen)
{
    *out = NULL;
    if (sodium_init() < 0) {
        snprintf(why, whylen, "libsodium could not initialise");
        return CC_ERR_IO;
    }
    if ((o->tls_cert == NULL) != (o->tls_key == NULL)) {
        snprintf(why, whylen, "TLS needs both a certificate and a key");
        return CC_ERR_ARG;
    }
    cc_http *h = calloc(1, sizeof *h);
    if (!h)
        return CC_ERR_NOMEM;
    h->o = *o;
    h->secure = o->tls_cert != NULL;
    pthread_mutex_init(&h->hmu, NULL);
    pthread_mutex_init(&h->mu, NULL);
    pthread_mutex_init(&h->wmu, NULL);
    pthread_mutex_init(&h->tmu, NULL);
    pthread_cond_init(&h->tcv, NULL);
    pthread_mutex_init(&h->jmu, NULL);
    pthread_cond_init(&h->jcv, NULL);
    unsigned char hk[16];
    randombytes_buf(hk, sizeof hk); /* the rate and refusal tables' hash key: no chosen collisions */
    if (cc_keymap_new(RATE_KEYS, sizeof(rate), hk, &h->rates) != CC_OK ||
        cc_keymap_new(REFUSAL_KEYS, sizeof(refusal), hk, &h->refusals) != CC_OK) {
        snprintf(why, whylen, "out of memory");
        cc_http_stop(h);
        return CC_ERR_NOMEM;
    }
    const cc_scenario *sc = cc_live_scenario(o->live);
    h->connected = calloc(sc->nseats ? sc->nseats : 1, sizeof *h->connected);
    h->wait = calloc(sc->nseats + 2, sizeof *h->wait);
    h->nwait = h->wait ? sc->nseats + 2 : 0;
    for (size_t k = 0; k < h->nwait; k++)
        h->wait[k].lo = UINT64_MAX;
    h->joined = calloc(sc->nseats ? sc->nseats : 1, 1);
    acc_load L = {h, 0};
    cc_store_error err;
    if (!h->connected || !h->joined || !h->wait ||
        cc_store_accounts(o->store, cc_live_exercise_id(o->live), load_account, &L, &err) != CC_OK || L.bad) {
        snprintf(why, whylen, "accounts: %s",
                 L.bad || !h->connected || !h->wait ? "out of memory" : err.message);
        cc_http_stop(h);
        return CC_ERR_IO;
    }
    if (prepare_codes(h) != CC_OK || pthread_create(&h->joiner, NULL, join_main, h) != 0) {
        snprintf(why, whylen, "cannot start the join thread");
        cc_http_stop(h);
        return CC_ERR_IO;
    }
    h->joiner_started = 1;
    /* Connections: in all at most the open-file limit allows (less what the store and the log
     * need); per client address a share of that, so that one address cannot take them all
     * (docs/http-api.md, "Limits"). */
    unsigned max_conns = o->max_conns ? o->max_conns : 4096;
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
        rl.rlim_cur < (rlim_t)max_conns + 64)
        max_conns = rl.rlim_cur > 128 ? (unsigned)rl.rlim_cur - 64 : 64;
    unsigned per_ip = o->max_per_ip == CC_HTTP_NO_LIMIT ? 0 : o->max_per_ip ? o->max_per_ip : PER_IP_DEFAULT;
    if (o->max_per_ip == 0 && per_ip > max_conns / 4)
        per_ip = max_conns / 4 ? max_conns / 4 : 1;
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons(o->port);
    if (inet_pton(AF_INET, o->host ? o->host : "127.0.0.1", &sa.sin_addr) != 1) {
        snprintf(why, whylen, "listen address \"%s\" is not an IPv4 address", o->host ? o->host : "");
        cc_http_stop(h);
        return CC_ERR_ARG;
    }
    unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG;
    /* --threads: libmicrohttpd threads, each with its own connections, send answers and stream
     * frames side by side; the handlers still run one at a time (handle). Default one: on the shared
     * test machine a second thread cost CPU per delivery and gained no time (docs/http-api.md) */
    unsigned pool =
        o->threads > 1 ? (o->threads < CC_HTTP_MAX_THREADS ? o->threads : CC_HTTP_MAX_THREADS) : 0;
    if (h->secure)
        flags |= MHD_USE_TLS;
    struct MHD_OptionItem opts[] = {
        {MHD_OPTION_SOCK_ADDR, 0, &sa},
        {MHD_OPTION_CONNECTION_LIMIT, max_conns, NULL},
        {MHD_OPTION_PER_IP_CONNECTION_LIMIT, per_ip, NULL},
        {MHD_OPTION_CONNECTION_MEMORY_LIMIT, 32 * 1024, NULL},
        {MHD_OPTION_CONNECTION_TIMEOUT, o->conn_timeout_s ? o->conn_timeout_s : 30, NULL},
        {MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)completed, h},
        {MHD_OPTION_EXTERNAL_LOGGER, (intptr_t)quiet_log, h},
        {MHD_OPTION_UNESCAPE_CALLBACK, (intptr_t)unescape, NULL},
        {MHD_OPTION_LISTENING_ADDRESS_REUSE, 1, NULL},
        {MHD_OPTION_THREAD_POOL_SIZE, pool, NULL},
        {h->secure ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, 0, (void *)o->tls_cert},
        {h->secure ? MHD_OPTION_HTTPS_MEM_KEY : MHD_OPTION_END, 0, (void *)o->tls_key},
        {MHD_OPTION_END, 0, NULL},
    };
    h->d = MHD_start_daemon(flags, o->port, NULL, NULL, handle, h, MHD_OPTION_ARRAY, opts, MHD_OPTION_END);
    if (!h->d) {
        snprintf(why, whylen, "cannot listen on %s:%u%s", o->host ? o->host : "127.0.0.1", (unsigned)o->port,
                 h->secure ? " (or the TLS certificate/key is unusable)" : " (in use?)");
        cc_http_stop(h);
        return CC_ERR_IO;
    }
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(h->d, MHD_DAEMON_INFO_BIND_PORT);
    h->port = di ? di->port : o->port;
    if (pthread_create(&h->ticker, NULL, tick_main, h) != 0) {
        snprintf(why, whylen, "cannot start the clock thread");
        MHD_stop_daemon(h->d);
        h->d = NULL;
        cc_http_stop(h);
        return CC_ERR_IO;
    }
    pthread_mutex_lock(&h->tmu); /* the clock thread reads it */
    h->kick = 0;
    pthread_mutex_unlock(&h->tmu);
    if (cc_live_control_bypass(o->live)) {
        /* SECURITY.md: control's bypass is a logged scenario flag; each server opening the
         * exercise states it in the log */
        json_t *d = json_pack("{s:s,s:s,s:s}", "action", "control-bypass", "path", "*", "reason",
                              "the scenario sets exercise.control_bypass: control reads every event");
        cc_live_audit(o->live, "access.read", -1, d, now_ms());
        json_decref(d);
    }
    *out = h;
    return CC_OK;
}

uint16_t cc_http_port(const cc_http *h)
{
    return h->port;
}

void cc_http_stop(cc_http *h)
{
    if (!h)
        return;
    if (h->d) {
        pthread_mutex_lock(&h->tmu);
        pthread_mutex_lock(&h->wmu); /* stream_read reads it under h->wmu */
        h->stopping = 1;
        pthread_mutex_unlock(&h->wmu);
        pthread_cond_signal(&h->tcv);
        pthread_mutex_unlock(&h->tmu);
        pthread_join(h->ticker, NULL);
    }
    if (h->joiner_started) {
        /* the join thread answers what is queued ("stopping") and resumes those connections */
        pthread_mutex_lock(&h->jmu);
        h->jstop = 1;
        pthread_cond_signal(&h->jcv);
        pthread_mutex_unlock(&h->jmu);
        pthread_join(h->joiner, NULL);
    }
    if (h->d) {
        refusals_flush(h, now_ms(), 1); /* what was counted is written before the end */
        /* every suspended stream must be resumed before the daemon stops; they then end */
        for (int i = 0; i < 200; i++) {
            cc_http_publish(h);
            pthread_mutex_lock(&h->wmu);
            int left = h->nstreams;
            pthread_mutex_unlock(&h->wmu);
            if (!left)
                break;
            struct timespec ts = {0, 10 * 1000000L};
            nanosleep(&ts, NULL);
        }
        MHD_stop_daemon(h->d);
    }
    for (size_t i = 0; i < h->nacc; i++)
        free(h->acc[i].hash);
    free(h->acc);
    for (session *s = h->sessions, *nx; s; s = nx) {
        nx = s->next;
        free(s);
    }
    free(h->connected);
    free(h->wait);
    free(h->joined);
    cc_keymap_free(h->rates);
    cc_keymap_free(h->refusals);
    pthread_mutex_destroy(&h->jmu);
    pthread_cond_destroy(&h->jcv);
    pthread_mutex_destroy(&h->hmu);
    pthread_mutex_destroy(&h->mu);
    pthread_mutex_destroy(&h->wmu);
    pthread_mutex_destroy(&h->tmu);
    pthread_cond_destroy(&h->tcv);
    free(h);
}
