/* libFuzzer target: raw HTTP request bytes through the real handler. Once per process a live
 * exercise (all-features fixture, SQLite store in a temporary directory) is served by cc_http on
 * 127.0.0.1 with an ephemeral port, with a control and a seat session already in the store; in
 * each input "@C@"/"@S@" become those sessions' tokens and "@X@"/"@Y@" their CSRF tokens, so
 * mutations reach the authenticated API too. Each input is written to a fresh connection, the
 * write side is shut, and the answer is read until the server closes or a whole answer arrived (at most 60
 * ms; event streams are cut once their headers arrived). Checks beyond "no crash": the server answers
 * /healthz after every input, and every answer it sends starts with an HTTP/1.x status line. */
#include <arpa/inet.h>
#include <errno.h>
#include <jansson.h>
#include <netinet/in.h>
#include <poll.h>
#include <sodium.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/scenario_model.h"
#include "io/file.h"
#include "server/http.h"
#include "server/live.h"
#include "store/store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#define SCENARIO "tests/scenarios/valid/all-features.yaml"
/* How long to wait for an answer: incomplete requests get none (the server waits for the rest
 * until its 30 s timeout), so this bounds the time per input. */
#define WAIT_MS 60

static cc_store *store;
static cc_live *live;
static cc_http *http;
static uint16_t port;
static char tok_control[65], tok_seat[65], csrf_control[65], csrf_seat[65];

static void hex(const unsigned char *in, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 15];
    }
    out[2 * n] = '\0';
}

/* A session the server will find in the store: token -> SHA-256 row, CSRF as the server
 * derives it (keyed BLAKE2b of the token, docs/http-api.md). */
static void add_session(const char *token, const char *role, const char *seat, char *csrf)
{
    unsigned char h[32];
    char th[65];
    crypto_hash_sha256(h, (const unsigned char *)token, strlen(token));
    hex(h, 32, th);
    cc_store_error err;
    if (cc_store_session_add(store, th, cc_live_exercise_id(live), role, seat, INT64_MAX / 2, &err) !=
        CC_OK) {
        fprintf(stderr, "fuzz_http: session: %s\n", err.message);
        abort();
    }
    crypto_generichash(h, 32, (const unsigned char *)token, strlen(token),
                       (const unsigned char *)"caucus-csrf", 11);
    hex(h, 32, csrf);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    if (sodium_init() < 0)
        abort();
    size_t len;
    char *text = NULL;
    if (cc_file_read(SCENARIO, 0, &text, &len, NULL, 0) != CC_OK)
        abort();
    char dir[256], path[400], why[512];
    snprintf(dir, sizeof dir, "%s/caucus-fuzz-http-XXXXXX",
             access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
    if (!mkdtemp(dir))
        abort();
    snprintf(path, sizeof path, "%s/s.db", dir);
    cc_store_error err;
    if (cc_store_open(path, NULL, &store, &err) != CC_OK)
        abort();
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    int64_t now = (int64_t)ts.tv_sec * 1000;
    cc_live_opts lo = {.store = store};
    if (cc_live_create(&lo, "fuzz", text, len, SCENARIO, 1, NULL, now, &live, why, sizeof why) != CC_OK) {
        fprintf(stderr, "fuzz_http: %s\n", why);
        abort();
    }
    free(text);
    /* every input comes from one address: no per-address cap (the defence has tests of its own) */
    cc_http_opts ho = {.host = "127.0.0.1",
                       .port = 0,
                       .store = store,
                       .live = live,
                       .join_per_min = 1000000,
                       .max_per_ip = CC_HTTP_NO_LIMIT};
    if (cc_http_start(&ho, &http, why, sizeof why) != CC_OK) {
        fprintf(stderr, "fuzz_http: %s\n", why);
        abort();
    }
    port = cc_http_port(http);
    memset(tok_control, 'c', 64);
    memset(tok_seat, '5', 64);
    add_session(tok_control, "control", NULL, csrf_control);
    add_session(tok_seat, "seat", cc_live_scenario(live)->seats[0].id, csrf_seat);
    return 0;
}

static int has(const char *hay, size_t n, const char *needle)
{
    size_t k = strlen(needle);
    for (size_t i = 0; i + k <= n; i++)
        if (memcmp(hay + i, needle, k) == 0)
            return 1;
    return 0;
}

/* Whether buf holds a whole answer: headers and Content-Length bytes of body. */
static int complete(const char *buf, size_t n)
{
    for (size_t i = 0; i + 4 <= n; i++) {
        if (memcmp(buf + i, "\r\n\r\n", 4) != 0)
            continue;
        size_t body = n - i - 4;
        for (size_t j = 0; j + 17 <= i; j++)
            if (strncasecmp(buf + j, "\r\ncontent-length:", 17) == 0)
                return body >= strtoul(buf + j + 17, NULL, 10);
        return 0;
    }
    return 0;
}

/* A new connection to the server. libFuzzer's -timeout timer (SIGALRM, no SA_RESTART) can
 * interrupt a connect() that waits for room in the server's accept queue: then the handshake goes
 * on, and its end is awaited. Transient refusals are retried for up to 5 s; a server that stops
 * accepting still aborts, with the reason. */
static int dial(void)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int e = 0;
    for (int attempt = 0; attempt < 100; attempt++) {
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        if (fd < 0) {
            fprintf(stderr, "fuzz_http: socket: %s\n", strerror(errno));
            abort();
        }
        if (connect(fd, (struct sockaddr *)&a, sizeof a) == 0)
            return fd;
        e = errno;
        if (e == EINTR || e == EINPROGRESS) {
            struct pollfd p = {fd, POLLOUT, 0};
            int err = 0;
            socklen_t el = sizeof err;
            int r;
            while ((r = poll(&p, 1, 5000)) < 0 && errno == EINTR) {
            }
            if (r == 1 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) == 0 && err == 0)
                return fd;
            e = r == 1 ? err : ETIMEDOUT;
        }
        close(fd);
        if (e != EINTR && e != EAGAIN && e != EADDRNOTAVAIL && e != ECONNREFUSED)
            break;
        struct timespec pause = {0, 50 * 1000000L};
        nanosleep(&pause, NULL);
    }
    fprintf(stderr, "fuzz_http: the server stopped accepting: %s\n", strerror(e));
    abort();
}

/* One request on a new connection; the answer (up to cap bytes) lands in out. */
static size_t exchange(const char *req, size_t len, char *out, size_t cap)
{
    int fd = dial();
    size_t off = 0;
    while (off < len) {
        ssize_t n = send(fd, req + off, len - off, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break; /* the server may close early (413, 431) */
        off += (size_t)n;
    }
    shutdown(fd, SHUT_WR);
    size_t got = 0;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        clock_gettime(CLOCK_MONOTONIC, &t1);
        long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
        if (ms >= WAIT_MS || got + 1 >= cap)
            break;
        struct pollfd p = {fd, POLLIN, 0};
        int r = poll(&p, 1, (int)(WAIT_MS - ms));
        if (r < 0 && errno == EINTR)
            continue; /* the timer's signal: the time left is measured again */
        if (r <= 0)
            break;
        ssize_t n = recv(fd, out + got, cap - 1 - got, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += (size_t)n;
        out[got] = '\0'; /* complete() reads the length with strtoul */
        if (has(out, got, "text/event-stream"))
            break; /* a stream never ends by itself */
        if (complete(out, got))
            break; /* a kept-alive connection stays open after a whole answer */
    }
    close(fd);
    return got;
}

/* The input with the session placeholders filled in. */
static char *expand(const uint8_t *data, size_t size, size_t *outlen)
{
    cc_buf b;
    cc_buf_init(&b);
    for (size_t i = 0; i < size; i++) {
        const char *rep = NULL;
        if (i + 2 < size && data[i] == '@' && data[i + 2] == '@') {
            switch (data[i + 1]) {
            case 'C': rep = tok_control; break;
            case 'S': rep = tok_seat; break;
            case 'X': rep = csrf_control; break;
            case 'Y': rep = csrf_seat; break;
            default: break;
            }
        }
        if (rep) {
            cc_buf_append(&b, rep, 64);
            i += 2;
        } else {
            cc_buf_append(&b, (const char *)data + i, 1);
        }
    }
    *outlen = b.len;
    cc_buf_append(&b, "", 1);
    return (char *)b.data;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t len;
    char *req = expand(data, size, &len);
    static char resp[1 << 16];
    size_t got = exchange(req, len, resp, sizeof resp);
    free(req);
    if (got > 0 && (got < 9 || memcmp(resp, "HTTP/1.", 7) != 0))
        abort(); /* something other than an HTTP answer came back */
    static const char health[] = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    got = exchange(health, sizeof health - 1, resp, sizeof resp);
    if (got < 12 || memcmp(resp + 9, "200", 3) != 0) {
        fprintf(stderr, "fuzz_http: /healthz answered %.*s\n", (int)(got < 200 ? got : 200), resp);
        abort(); /* the server stopped answering */
    }
    return 0;
}
