/* wsrv — see wsrv.h. A check and the update of the state it leads to happen under one lock (a
 * mutex for the threads of this process, flock on DIR/lock for other processes), and the new
 * state is on disk (written to a temporary file, fsynced, renamed, directory fsynced) before the
 * cosignature is returned: the spec's rule that a witness never answers for a state it could lose. */
#include "server/wsrv.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/evlog.h"
#include "core/sha256.h"

struct cc_wsrv {
    char *dir;
    const cc_note_signer *key;
    const cc_note_verifier *const *logkeys;
    size_t nkeys;
    pthread_mutex_t mu;
    struct MHD_Daemon *d;
    cc_wsrv_log_fn logf;
    void *logctx;
};

void cc_wsrv_state_name(const char *origin, char out[80])
{
    unsigned char h[32];
    cc_sha256((const unsigned char *)origin, strlen(origin), h);
    cc_hex(h, 32, out);
    strcat(out, ".checkpoint");
}

cc_err cc_wsrv_new(const char *dir, const cc_note_signer *key, const cc_note_verifier *const *logkeys, size_t n,
                   cc_wsrv **out, char *why, size_t whylen)
{
    *out = NULL;
    if (cc_note_signer_type(key) != CC_NOTE_KEY_COSIGNER) {
        snprintf(why, whylen, "the witness key must be a cosigner key (caucus keygen --cosigner)");
        return CC_ERR_ARG;
    }
    if (n == 0) {
        snprintf(why, whylen, "a witness needs the public key of at least one log (--log-key)");
        return CC_ERR_ARG;
    }
    if (sodium_init() < 0 || (mkdir(dir, 0700) != 0 && errno != EEXIST)) {
        snprintf(why, whylen, "%s: cannot create the state directory (%s)", dir, strerror(errno));
        return CC_ERR_IO;
    }
    cc_wsrv *w = calloc(1, sizeof *w);
    if (!w || !(w->dir = strdup(dir))) {
        free(w);
        return CC_ERR_NOMEM;
    }
    w->key = key;
    w->logkeys = logkeys;
    w->nkeys = n;
    pthread_mutex_init(&w->mu, NULL);
    *out = w;
    return CC_OK;
}

void cc_wsrv_free(cc_wsrv *w)
{
    if (!w)
        return;
    cc_wsrv_stop(w);
    pthread_mutex_destroy(&w->mu);
    free(w->dir);
    free(w);
}

static void path_of(const cc_wsrv *w, const char *origin, char *out, size_t n)
{
    char name[80];
    cc_wsrv_state_name(origin, name);
    snprintf(out, n, "%s/%s", w->dir, name);
}

/* Reads a whole small file; NULL when absent (errno ENOENT) or unreadable. */
static char *read_small(const char *path, size_t *len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    char *buf = malloc(CC_NOTE_MAX_SIZE + 1);
    size_t n = 0;
    ssize_t r = 0;
    while (buf && n < CC_NOTE_MAX_SIZE && (r = read(fd, buf + n, CC_NOTE_MAX_SIZE - n)) > 0)
        n += (size_t)r;
    close(fd);
    if (!buf || r < 0) {
        free(buf);
        return NULL;
    }
    buf[n] = 0;
    *len = n;
    return buf;
}

char *cc_wsrv_latest(cc_wsrv *w, const char *origin)
{
    char path[4200];
    size_t len;
    path_of(w, origin, path, sizeof path);
    return read_small(path, &len);
}

/* Writes data to path atomically and durably. */
static int write_durably(const char *dir, const char *path, const char *data, size_t len)
{
    char tmp[4300];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return -1;
    int bad = write(fd, data, len) != (ssize_t)len || fsync(fd) != 0;
    bad |= close(fd) != 0;
    if (bad || rename(tmp, path) != 0) {
        unlink(tmp);
        return -1;
    }
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
        return -1;
    bad = fsync(dfd) != 0;
    close(dfd);
    return bad ? -1 : 0;
}

/* The latest state of origin from its file (the stored note, opened with the log keys: a state
 * file that does not verify is refused as damaged). */
static cc_err load_latest(cc_wsrv *w, const char *origin, cc_witness_latest *lt, char *why, size_t whylen)
{
    memset(lt, 0, sizeof *lt);
    char path[4200];
    size_t len = 0;
    path_of(w, origin, path, sizeof path);
    errno = 0;
    char *note = read_small(path, &len);
    if (!note) {
        if (errno == ENOENT)
            return CC_OK;
        snprintf(why, whylen, "%s: cannot read the witness state (%s)", path, strerror(errno));
        return CC_ERR_IO;
    }
    size_t tlen = 0;
    cc_note_error ne;
    cc_checkpoint cp;
    memset(&cp, 0, sizeof cp);
    cc_err rc = cc_note_open(note, len, w->logkeys, w->nkeys, &tlen, &ne);
    if (rc == CC_OK)
        rc = cc_checkpoint_parse(note, tlen, &cp, &ne);
    free(note);
    if (rc != CC_OK || strcmp(cp.origin, origin) != 0) {
        cc_checkpoint_clear(&cp);
        snprintf(why, whylen, "%s: the witness state is damaged: %s", path, rc == CC_OK ? "another origin" : ne.message);
        return CC_ERR_IO;
    }
    lt->known = 1;
    lt->size = cp.size;
    memcpy(lt->root, cp.root, 32);
    cc_checkpoint_clear(&cp);
    return CC_OK;
}

cc_err cc_wsrv_add(cc_wsrv *w, const char *body, size_t len, uint64_t now, int *status, cc_buf *resp, char *why,
                   size_t whylen)
{
    cc_witness_request r;
    *status = 400;
    why[0] = 0;
    if (cc_witness_parse(body, len, &r, why, whylen) != CC_OK)
        return CC_OK;
    char *origin = cc_witness_origin(&r);
    if (!origin) {
        *status = 403;
        snprintf(why, whylen, "not a checkpoint: its first line is not an origin");
        return CC_OK;
    }
    char lockpath[4200];
    snprintf(lockpath, sizeof lockpath, "%s/lock", w->dir);
    pthread_mutex_lock(&w->mu);
    int lfd = open(lockpath, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    cc_err rc = CC_OK;
    if (lfd < 0 || flock(lfd, LOCK_EX) != 0) {
        snprintf(why, whylen, "%s: cannot lock the witness state (%s)", lockpath, strerror(errno));
        rc = CC_ERR_IO;
    }
    cc_witness_latest lt;
    if (rc == CC_OK)
        rc = load_latest(w, origin, &lt, why, whylen);
    if (rc == CC_OK) {
        cc_checkpoint cp;
        uint64_t have = 0;
        *status = cc_witness_check(&r, w->logkeys, w->nkeys, &lt, &cp, &have, why, whylen);
        cc_checkpoint_clear(&cp);
        if (*status == 409 && (!lt.known || r.old_size != lt.size))
            cc_buf_printf(resp, "%" PRIu64 "\n", have);
        if (*status == 200) {
            cc_note_error ne;
            char path[4200];
            path_of(w, origin, path, sizeof path);
            if (cc_note_cosign(w->key, r.note, r.note_len, now, resp, &ne) != CC_OK) {
                snprintf(why, whylen, "cannot cosign: %s", ne.message);
                rc = CC_ERR_IO;
            } else if (write_durably(w->dir, path, r.note, r.note_len) != 0) {
                snprintf(why, whylen, "%s: cannot store the witness state (%s)", path, strerror(errno));
                cc_buf_reset(resp);
                rc = CC_ERR_IO;
            }
        }
    }
    if (lfd >= 0)
        close(lfd); /* releases the flock */
    pthread_mutex_unlock(&w->mu);
    free(origin);
    if (rc != CC_OK)
        *status = 500;
    return rc;
}

/* ---- HTTP ---- */

typedef struct wreq {
    cc_buf body;
    int too_big;
} wreq;

static enum MHD_Result answer(struct MHD_Connection *c, int status, const char *type, const char *data, size_t len)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(len, (void *)data, MHD_RESPMEM_MUST_COPY);
    if (!r)
        return MHD_NO;
    MHD_add_response_header(r, "Content-Type", type);
    MHD_add_response_header(r, "Cache-Control", "no-store");
    enum MHD_Result ret = MHD_queue_response(c, (unsigned)status, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                              const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
    (void)version;
    cc_wsrv *w = cls;
    wreq *q = *con_cls;
    if (!q) {
        q = calloc(1, sizeof *q);
        if (!q)
            return MHD_NO;
        cc_buf_init(&q->body);
        *con_cls = q;
        return MHD_YES;
    }
    if (*upload_size) {
        if (q->body.len + *upload_size > CC_WITNESS_MAX_BODY)
            q->too_big = 1;
        else
            cc_buf_append(&q->body, upload, *upload_size);
        *upload_size = 0;
        return MHD_YES;
    }
    if (strcmp(url, "/add-checkpoint") != 0)
        return answer(c, 404, "text/plain; charset=utf-8", "not found\n", 10);
    if (strcmp(method, "POST") != 0)
        return answer(c, 405, "text/plain; charset=utf-8", "POST only\n", 10);
    if (q->too_big || q->body.oom)
        return answer(c, 413, "text/plain; charset=utf-8", "too large\n", 10);
    int status = 500;
    char why[400];
    cc_buf resp;
    cc_buf_init(&resp);
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    cc_wsrv_add(w, q->body.data ? q->body.data : "", q->body.len, (uint64_t)ts.tv_sec, &status, &resp, why,
                sizeof why);
    if (w->logf) {
        char line[600];
        snprintf(line, sizeof line, "add-checkpoint: %d%s%s", status, why[0] ? " " : "", why);
        w->logf(w->logctx, line);
    }
    enum MHD_Result ret;
    if (status == 200)
        ret = answer(c, 200, "text/plain; charset=utf-8", resp.data, resp.len);
    else if (status == 409 && resp.len)
        ret = answer(c, 409, "text/x.tlog.size", resp.data, resp.len);
    else {
        cc_buf_reset(&resp);
        cc_buf_printf(&resp, "%s\n", why);
        ret = answer(c, status, "text/plain; charset=utf-8", resp.data, resp.len);
    }
    cc_buf_free(&resp);
    return ret;
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)c;
    (void)toe;
    wreq *q = *con_cls;
    if (q) {
        cc_buf_free(&q->body);
        free(q);
        *con_cls = NULL;
    }
}

static void quiet(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    (void)fmt;
    (void)ap;
}

cc_err cc_wsrv_listen(cc_wsrv *w, const char *host, uint16_t port, uint16_t *bound, cc_wsrv_log_fn logf, void *ctx,
                      char *why, size_t whylen)
{
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons(port);
    if (inet_pton(AF_INET, host, &sa.sin_addr) != 1) {
        snprintf(why, whylen, "listen address \"%s\" is not an IPv4 address", host);
        return CC_ERR_ARG;
    }
    w->logf = logf;
    w->logctx = ctx;
    w->d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG, port, NULL, NULL, handle, w,
                            MHD_OPTION_SOCK_ADDR, &sa, MHD_OPTION_NOTIFY_COMPLETED, completed, w,
                            MHD_OPTION_EXTERNAL_LOGGER, quiet, w, MHD_OPTION_CONNECTION_TIMEOUT, 30u,
                            MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(128 * 1024), MHD_OPTION_END);
    if (!w->d) {
        snprintf(why, whylen, "cannot listen on %s:%u (in use?)", host, (unsigned)port);
        return CC_ERR_IO;
    }
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(w->d, MHD_DAEMON_INFO_BIND_PORT);
    *bound = di ? di->port : port;
    return CC_OK;
}

void cc_wsrv_stop(cc_wsrv *w)
{
    if (w && w->d) {
        MHD_stop_daemon(w->d);
        w->d = NULL;
    }
}
