/* wclient — see wclient.h. The request says Connection: close, so the answer ends where the
 * connection does; Content-Length is honoured when given, a chunked answer is refused. */
#include "server/wclient.h"

#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

static cc_err io_fail(char *why, size_t whylen, const char *what)
{
    snprintf(why, whylen, "%s: %s", what, errno ? strerror(errno) : "connection closed");
    return CC_ERR_IO;
}

/* The value of header name in the header block h (NUL-terminated), copied into out. */
static int header(const char *h, const char *name, char *out, size_t n)
{
    size_t nl = strlen(name);
    for (const char *p = strstr(h, "\r\n"); p; p = strstr(p + 2, "\r\n")) {
        const char *l = p + 2;
        if (strncasecmp(l, name, nl) == 0 && l[nl] == ':') {
            l += nl + 1;
            while (*l == ' ' || *l == '\t')
                l++;
            const char *e = strstr(l, "\r\n");
            size_t len = e ? (size_t)(e - l) : strlen(l);
            snprintf(out, n, "%.*s", (int)len, l);
            return 1;
        }
    }
    return 0;
}

/* HOST (host, at most 255 bytes), PORT (port, default 80) and PATH of http://HOST[:PORT]/PATH. */
static cc_err parse_url(const char *url, char host[256], char port[8], const char **path, char *why,
                        size_t whylen)
{
    if (strncmp(url, "http://", 7) != 0) {
        snprintf(why, whylen, "%.100s: only http:// URLs (put a TLS terminator in front of the witness)", url);
        return CC_ERR_ARG;
    }
    const char *hp = url + 7, *slash = strchr(hp, '/');
    size_t hl = slash ? (size_t)(slash - hp) : strlen(hp);
    const char *colon = memchr(hp, ':', hl);
    size_t nl = colon ? (size_t)(colon - hp) : hl;
    if (nl == 0 || nl >= 256 || (colon && (hl - nl - 1 == 0 || hl - nl - 1 >= 8))) {
        snprintf(why, whylen, "%.100s: not http://HOST[:PORT]/PATH", url);
        return CC_ERR_ARG;
    }
    memcpy(host, hp, nl);
    host[nl] = 0;
    memcpy(port, "80", 3);
    if (colon) {
        memcpy(port, colon + 1, hl - nl - 1);
        port[hl - nl - 1] = 0;
    }
    *path = slash ? slash : "/";
    return CC_OK;
}

/* A socket connected to host:port with send and receive timeouts, or -1 with the reason in why. */
static int connect_to(const char *host, const char *port, unsigned timeout_ms, char *why, size_t whylen)
{
    struct addrinfo hints, *ai = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    int gr = getaddrinfo(host, port, &hints, &ai);
    if (gr != 0) {
        snprintf(why, whylen, "%s: %s", host, gai_strerror(gr));
        return -1;
    }
    int fd = -1;
    errno = 0;
    for (struct addrinfo *a = ai; a && fd < 0; a = a->ai_next) {
        fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
        if (fd < 0)
            continue;
        struct timeval tv = {(time_t)(timeout_ms / 1000), (suseconds_t)(timeout_ms % 1000) * 1000};
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
        if (connect(fd, a->ai_addr, a->ai_addrlen) != 0) {
            close(fd);
            fd = -1;
        }
    }
    freeaddrinfo(ai);
    if (fd < 0)
        io_fail(why, whylen, "cannot connect to the witness");
    return fd;
}

/* Sends req on fd and reads the answer into in until the peer closes (at most max + 8 KiB). */
static cc_err exchange(int fd, const cc_buf *req, size_t max, cc_buf *in, char *why, size_t whylen)
{
    for (size_t off = 0; !req->oom && off < req->len;) {
        ssize_t w = send(fd, req->data + off, req->len - off, MSG_NOSIGNAL);
        if (w <= 0)
            return io_fail(why, whylen, "sending to the witness");
        off += (size_t)w;
    }
    char chunk[4096];
    for (;;) {
        ssize_t r = recv(fd, chunk, sizeof chunk, 0);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return io_fail(why, whylen, "reading the witness's answer");
        if (r == 0)
            return CC_OK;
        if (in->len + (size_t)r > max + 8192) {
            snprintf(why, whylen, "the witness's answer is larger than %zu bytes", max);
            return CC_ERR_IO;
        }
        cc_buf_append(in, chunk, (size_t)r);
    }
}

/* The answer in (NUL-terminated): its status, its body (by Content-Length, at most max bytes)
 * appended to resp, its Content-Type into type. */
static cc_err read_answer(const cc_buf *in, size_t max, int *status, cc_buf *resp, char *type, char *why,
                          size_t whylen)
{
    const char *end = !in->oom ? strstr(in->data, "\r\n\r\n") : NULL;
    int st = 0;
    if (!end || sscanf(in->data, "HTTP/1.%*d %d", &st) != 1 || st < 100 || st > 599) {
        snprintf(why, whylen, "the witness did not answer HTTP");
        return CC_ERR_IO;
    }
    cc_err rc = CC_OK;
    char te[64] = "", cl[32] = "";
    size_t hlen = (size_t)(end - in->data);
    char *h = strndup(in->data, hlen + 2);
    size_t blen = in->len - 1 - hlen - 4;
    if (h && header(h, "Transfer-Encoding", te, sizeof te) && strcasecmp(te, "identity") != 0) {
        snprintf(why, whylen, "the witness answered with Transfer-Encoding %s, which is not read here", te);
        rc = CC_ERR_IO;
    } else if (h && header(h, "Content-Length", cl, sizeof cl)) {
        size_t want = (size_t)strtoull(cl, NULL, 10);
        if (want > blen || want > max) {
            snprintf(why, whylen, "the witness's answer is shorter than its Content-Length, or too long");
            rc = CC_ERR_IO;
        } else {
            blen = want;
        }
    }
    if (rc == CC_OK && blen > max) {
        snprintf(why, whylen, "the witness's answer is larger than %zu bytes", max);
        rc = CC_ERR_IO;
    }
    if (rc == CC_OK) {
        if (type && h)
            header(h, "Content-Type", type, 64);
        cc_buf_append(resp, end + 4, blen);
        *status = st;
    }
    free(h);
    return rc;
}

cc_err cc_wclient_post(const char *url, const char *body, size_t len, unsigned timeout_ms, size_t max,
                       int *status, cc_buf *resp, char *type, char *why, size_t whylen)
{
    *status = 0;
    if (type)
        type[0] = 0;
    char host[256], port[8];
    const char *path;
    cc_err rc = parse_url(url, host, port, &path, why, whylen);
    if (rc != CC_OK)
        return rc;
    int fd = connect_to(host, port, timeout_ms, why, whylen);
    if (fd < 0)
        return CC_ERR_IO;
    cc_buf req, in;
    cc_buf_init(&req);
    cc_buf_init(&in);
    cc_buf_printf(&req,
                  "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: text/plain; charset=utf-8\r\n"
                  "Content-Length: %zu\r\nConnection: close\r\n\r\n",
                  path, host, len);
    cc_buf_append(&req, body, len);
    rc = exchange(fd, &req, max, &in, why, whylen);
    close(fd);
    cc_buf_putc(&in, 0);
    if (rc == CC_OK)
        rc = read_answer(&in, max, status, resp, type, why, whylen);
    cc_buf_free(&req);
    cc_buf_free(&in);
    return rc;
}
