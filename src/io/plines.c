/* plines — see plines.h. The caller's thread reads: each batch is the bytes of one read (about
 * opts.batch), cut after its last newline, the rest carried to the next batch, so that a batch
 * holds whole lines. Batches wait in a ring; a worker (or the caller, while the batch it needs
 * next is not ready) claims the oldest unclaimed one and checks its lines in order until the
 * first refused one. The caller hands the lines back in order from the ring's head, checking
 * itself the rare lines after a batch's refused line, and frees a slot when it leaves a batch.
 *
 * Synchronisation: one mutex guards the counters and each batch's done flag; a batch's bytes and
 * entries are written by the one thread that fills or checks it, before the counter or flag that
 * publishes it is set under the mutex, and read by others only after they saw that under it. */
#include "io/plines.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/grow.h"
#include "core/merkle.h"
#include "io/lines.h"

#define DEFAULT_BATCH (256u * 1024)

enum stop { STOP_END, STOP_BAD, STOP_LONG, STOP_NOMEM };

typedef struct pl_entry {
    size_t off, len; /* the line: text[off .. off + len) of its batch */
    cc_evhead head;
    unsigned char leaf[32];
    cc_evspans spans; /* opts.spans */
} pl_entry;

typedef struct pl_batch {
    const char *text; /* the batch's bytes: buf, or a slice of the caller's memory */
    char *buf;
    size_t cap, len; /* len: whole lines, each with its newline, or the last line without one */
    int done;        /* checked (guarded by the mutex) */
    pl_entry *e;     /* the lines checked and accepted, in order */
    size_t ne, cape;
    size_t stop;        /* offset of the first line not in e */
    enum stop kind;     /* why checking stopped there */
    cc_evlog_error err; /* STOP_BAD: why that line was refused */
} pl_batch;

struct cc_plines {
    int fd, own;
    const char *mem; /* cc_plines_open_mem: the lines are read from here, not from fd */
    size_t memlen, mempos;
    size_t max, chunk;
    int leaf, spans;
    pthread_mutex_t mu;
    pthread_cond_t work; /* a batch to check, or quit */
    pthread_cond_t done; /* a batch was checked */
    pl_batch *ring;
    size_t nring;
    uint64_t filled, claimed, head; /* batches read, claimed for checking, the one being handed back */
    int quit;
    pthread_t *th;
    size_t nth;
    /* reading: the caller's thread only */
    char *carry; /* the start of a line cut by the end of the last read */
    size_t ncarry, capcarry;
    int eof, ended;
    cc_err end;      /* why reading ended: CC_ERR_NOTFOUND (the end), _IO, _LIMIT, _NOMEM */
    char ioerr[200]; /* CC_ERR_IO: strerror of the read */
    /* handing back: the caller's thread only */
    int inbatch; /* the head batch is being handed back */
    size_t k, pos;
    cc_evhead ownhead; /* a line checked by the caller, its leaf, its spans, or why it was refused */
    unsigned char ownleaf[32];
    cc_evspans ownspans;
    cc_evlog_error ownerr;
    uint64_t number;
    cc_err fail;
    char why[300];
};

/* cc_evlog_check of a line, or cc_evlog_check_spans when the reader hands back spans. */
static cc_err check(const cc_plines *r, const char *line, size_t len, cc_evhead *head, cc_evspans *spans,
                    cc_evlog_error *err)
{
    return r->spans ? cc_evlog_check_spans(line, len, head, spans, err)
                    : cc_evlog_check(line, len, head, err);
}

/* Checks b's lines in order until the first that is too long or refused. */
static void check_batch(const cc_plines *r, pl_batch *b)
{
    size_t pos = 0, ne = 0;
    enum stop kind = STOP_END;
    while (pos < b->len) {
        const char *nl = memchr(b->text + pos, '\n', b->len - pos);
        size_t end = nl ? (size_t)(nl - b->text) : b->len;
        if (end - pos > r->max) {
            kind = STOP_LONG;
            break;
        }
        pl_entry *e = cc_grow(b->e, &b->cape, ne + 1, sizeof *e);
        if (!e) {
            kind = STOP_NOMEM; /* the caller checks the rest itself */
            break;
        }
        b->e = e;
        e += ne;
        e->off = pos;
        e->len = end - pos;
        if (check(r, b->text + pos, e->len, &e->head, &e->spans, &b->err) != CC_OK) {
            kind = STOP_BAD;
            break;
        }
        if (r->leaf)
            cc_merkle_leaf_hash(e->head.hash, 32, e->leaf);
        ne++;
        pos = nl ? end + 1 : end;
    }
    b->ne = ne;
    b->stop = pos;
    b->kind = kind;
}

static void *worker(void *arg)
{
    cc_plines *r = arg;
    pthread_mutex_lock(&r->mu);
    for (;;) {
        while (!r->quit && r->claimed == r->filled)
            pthread_cond_wait(&r->work, &r->mu);
        if (r->quit)
            break;
        pl_batch *b = &r->ring[r->claimed++ % r->nring];
        pthread_mutex_unlock(&r->mu);
        check_batch(r, b);
        pthread_mutex_lock(&r->mu);
        b->done = 1;
        pthread_cond_signal(&r->done);
    }
    pthread_mutex_unlock(&r->mu);
    return NULL;
}

/* Makes room for n bytes in *p (capacity *cap), keeping the first keep bytes. 0, or -1. */
static int room(char **p, size_t *cap, size_t n, size_t keep)
{
    if (*cap >= n)
        return 0;
    char *q = malloc(n);
    if (!q)
        return -1;
    if (keep)
        memcpy(q, *p, keep);
    free(*p);
    *p = q;
    *cap = n;
    return 0;
}

/* fill for lines in memory: b is a slice of it, cut as a read of chunk bytes would be. */
static int fill_mem(cc_plines *r, pl_batch *b)
{
    const char *p = r->mem + r->mempos;
    size_t left = r->memlen - r->mempos, n = left < r->chunk ? left : r->chunk;
    while (n > 0 && p[n - 1] != '\n')
        n--;
    if (n == 0) { /* no newline in the chunk: one line, if it ends within max + 1 bytes */
        const char *nl = memchr(p, '\n', left < r->max + 1 ? left : r->max + 1);
        n = nl ? (size_t)(nl - p) + 1 : left;
    }
    r->ended = r->mempos + n == r->memlen;
    r->end = CC_ERR_NOTFOUND;
    if (n > r->max && p[n - 1] != '\n') {
        r->ended = 1;
        r->end = CC_ERR_LIMIT;
        return 0;
    }
    if (n == 0)
        return 0;
    b->text = p;
    b->len = n;
    r->mempos += n;
    return 1;
}

/* Reads the next batch into b (a free slot): whole lines, or the file's last line without its
 * newline. 1 with a batch; 0 when reading has ended (r->end says why). */
static int fill(cc_plines *r, pl_batch *b)
{
    if (r->ended)
        return 0;
    if (r->mem)
        return fill_mem(r, b);
    size_t want = r->chunk > r->ncarry ? r->chunk : r->ncarry;
    if (room(&b->buf, &b->cap, want, 0) != 0) {
        r->ended = 1;
        r->end = CC_ERR_NOMEM;
        return 0;
    }
    if (r->ncarry)
        memcpy(b->buf, r->carry, r->ncarry);
    size_t len = r->ncarry;
    r->ncarry = 0;
    int ioerr = 0;
    for (;;) {
        while (len < b->cap && !r->eof && !ioerr) {
            ssize_t n = read(r->fd, b->buf + len, b->cap - len);
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0) {
                snprintf(r->ioerr, sizeof r->ioerr, "%s", strerror(errno));
                ioerr = 1;
            } else if (n == 0) {
                r->eof = 1;
            } else {
                len += (size_t)n;
            }
        }
        size_t last = len;
        while (last > 0 && b->buf[last - 1] != '\n')
            last--;
        if (last > 0 || len > r->max || ioerr || r->eof)
            break;
        /* one unfinished line of at most max bytes: room for the longest line and read on */
        if (room(&b->buf, &b->cap, r->max + 1, len) != 0) {
            r->ended = 1;
            r->end = CC_ERR_NOMEM;
            return 0;
        }
    }
    size_t last = len;
    while (last > 0 && b->buf[last - 1] != '\n')
        last--;
    if (last > 0 && !ioerr) { /* whole lines; the rest starts the next batch */
        if (room(&r->carry, &r->capcarry, len - last, 0) != 0) {
            r->ended = 1;
            r->end = CC_ERR_NOMEM;
            return 0;
        }
        if (len > last)
            memcpy(r->carry, b->buf + last, len - last);
        r->ncarry = len - last;
        b->text = b->buf;
        b->len = last;
        return 1;
    }
    if (last > 0) { /* a read error: the whole lines before it, then the error */
        r->ended = 1;
        r->end = CC_ERR_IO;
        b->text = b->buf;
        b->len = last;
        return 1;
    }
    r->ended = 1;
    r->end = len > r->max ? CC_ERR_LIMIT : ioerr ? CC_ERR_IO : CC_ERR_NOTFOUND;
    if (r->end != CC_ERR_NOTFOUND || len == 0)
        return 0;
    b->text = b->buf;
    b->len = len; /* the last line, without its newline */
    return 1;
}

/* Waits until the head batch is checked, reading ahead into free slots and checking unclaimed
 * batches meanwhile. CC_OK, or how reading ended when every batch has been handed back. */
static cc_err take_head(cc_plines *r)
{
    pthread_mutex_lock(&r->mu);
    for (;;) {
        if (!r->ended && r->filled - r->head < r->nring) {
            pl_batch *b = &r->ring[r->filled % r->nring];
            pthread_mutex_unlock(&r->mu);
            int got = fill(r, b);
            pthread_mutex_lock(&r->mu);
            if (got) {
                b->done = 0;
                r->filled++;
                pthread_cond_signal(&r->work);
            }
            continue;
        }
        if (r->head == r->filled) {
            pthread_mutex_unlock(&r->mu);
            return r->end;
        }
        if (r->ring[r->head % r->nring].done)
            break;
        if (r->claimed < r->filled) {
            pl_batch *b = &r->ring[r->claimed++ % r->nring];
            pthread_mutex_unlock(&r->mu);
            check_batch(r, b);
            pthread_mutex_lock(&r->mu);
            b->done = 1;
            continue;
        }
        pthread_cond_wait(&r->done, &r->mu);
    }
    pthread_mutex_unlock(&r->mu);
    return CC_OK;
}

/* A reader of lines of at most max bytes on opts->threads threads, its workers started; NULL when
 * out of memory. */
static cc_plines *start(size_t max, const cc_plines_opts *opts)
{
    cc_plines *r = calloc(1, sizeof *r);
    size_t nring = 2 * (size_t)opts->threads + 2;
    if (r) {
        r->ring = calloc(nring, sizeof *r->ring);
        r->th = calloc(opts->threads, sizeof *r->th);
    }
    if (!r || !r->ring || !r->th) {
        if (r) {
            free(r->ring);
            free(r->th);
        }
        free(r);
        return NULL;
    }
    r->max = max;
    r->chunk = opts->batch ? opts->batch : DEFAULT_BATCH;
    r->leaf = opts->leaf;
    r->spans = opts->spans;
    r->nring = nring;
    pthread_mutex_init(&r->mu, NULL);
    pthread_cond_init(&r->work, NULL);
    pthread_cond_init(&r->done, NULL);
    for (unsigned i = 1; i < opts->threads; i++)
        if (pthread_create(&r->th[r->nth], NULL, worker, r) == 0)
            r->nth++;
    return r;
}

static int bad_opts(const cc_plines_opts *opts, char *why, size_t whylen)
{
    if (opts && opts->threads >= 1 && opts->threads <= CC_PLINES_MAX_THREADS)
        return 0;
    snprintf(why, whylen, "threads must be 1 to %d", CC_PLINES_MAX_THREADS);
    return 1;
}

cc_err cc_plines_open(const char *path, size_t max, const cc_plines_opts *opts, cc_plines **out, char *why,
                      size_t whylen)
{
    *out = NULL;
    if (bad_opts(opts, why, whylen))
        return CC_ERR_ARG;
    int fd, own;
    cc_err rc = cc_lines_open_fd(path, &fd, &own, why, whylen);
    if (rc != CC_OK)
        return rc;
    cc_plines *r = start(max, opts);
    if (!r) {
        if (own)
            close(fd);
        snprintf(why, whylen, "out of memory");
        return CC_ERR_NOMEM;
    }
    r->fd = fd;
    r->own = own;
    *out = r;
    return CC_OK;
}

cc_err cc_plines_open_mem(const char *text, size_t len, size_t max, const cc_plines_opts *opts,
                          cc_plines **out, char *why, size_t whylen)
{
    *out = NULL;
    if (bad_opts(opts, why, whylen))
        return CC_ERR_ARG;
    cc_plines *r = start(max, opts);
    if (!r) {
        snprintf(why, whylen, "out of memory");
        return CC_ERR_NOMEM;
    }
    r->fd = -1;
    r->mem = text;
    r->memlen = len;
    *out = r;
    return CC_OK;
}

void cc_plines_close(cc_plines *r)
{
    if (!r)
        return;
    pthread_mutex_lock(&r->mu);
    r->quit = 1;
    pthread_cond_broadcast(&r->work);
    pthread_mutex_unlock(&r->mu);
    for (size_t i = 0; i < r->nth; i++)
        pthread_join(r->th[i], NULL);
    pthread_cond_destroy(&r->done);
    pthread_cond_destroy(&r->work);
    pthread_mutex_destroy(&r->mu);
    for (size_t i = 0; i < r->nring; i++) {
        free(r->ring[i].buf);
        free(r->ring[i].e);
    }
    free(r->ring);
    free(r->th);
    free(r->carry);
    if (r->own)
        close(r->fd);
    free(r);
}

uint64_t cc_plines_number(const cc_plines *r)
{
    return r->number;
}

/* Ends the stream with an error, returned by this and every later call. */
static cc_err fail(cc_plines *r, cc_err rc, char *why, size_t whylen)
{
    r->fail = rc;
    if (rc == CC_ERR_LIMIT)
        snprintf(r->why, sizeof r->why, "line %llu is longer than %zu bytes",
                 (unsigned long long)r->number + 1, r->max);
    else if (rc == CC_ERR_IO)
        snprintf(r->why, sizeof r->why, "read error after line %llu: %s", (unsigned long long)r->number,
                 r->ioerr);
    else if (rc == CC_ERR_NOMEM)
        snprintf(r->why, sizeof r->why, "out of memory");
    else
        r->why[0] = 0;
    snprintf(why, whylen, "%s", r->why);
    return rc;
}

cc_err cc_plines_next(cc_plines *r, cc_plines_line *out, char *why, size_t whylen)
{
    if (r->fail) {
        snprintf(why, whylen, "%s", r->why);
        return r->fail;
    }
    for (;;) {
        if (!r->inbatch) {
            cc_err rc = take_head(r);
            if (rc != CC_OK)
                return fail(r, rc, why, whylen);
            r->inbatch = 1;
            r->k = r->pos = 0;
        }
        pl_batch *b = &r->ring[r->head % r->nring];
        if (r->pos < b->len)
            break;
        pthread_mutex_lock(&r->mu); /* leave the batch: its slot can be read into again */
        r->head++;
        pthread_mutex_unlock(&r->mu);
        r->inbatch = 0;
    }
    pl_batch *b = &r->ring[r->head % r->nring];
    memset(out, 0, sizeof *out);
    if (r->k < b->ne) { /* checked and accepted by whoever checked the batch */
        const pl_entry *e = &b->e[r->k++];
        out->line = b->text + e->off;
        out->len = e->len;
        out->check = CC_OK;
        out->head = &e->head;
        out->leaf = r->leaf ? e->leaf : NULL;
        out->spans = r->spans ? &e->spans : NULL;
    } else if (r->pos == b->stop && b->kind == STOP_LONG) {
        return fail(r, CC_ERR_LIMIT, why, whylen);
    } else if (r->pos == b->stop && b->kind == STOP_BAD) {
        const char *nl = memchr(b->text + r->pos, '\n', b->len - r->pos);
        out->line = b->text + r->pos;
        out->len = nl ? (size_t)(nl - out->line) : b->len - r->pos;
        out->check = CC_ERR_PARSE;
        out->err = &b->err;
    } else { /* after a refused line (or when a worker ran out of memory): checked here */
        const char *nl = memchr(b->text + r->pos, '\n', b->len - r->pos);
        out->line = b->text + r->pos;
        out->len = nl ? (size_t)(nl - out->line) : b->len - r->pos;
        if (out->len > r->max)
            return fail(r, CC_ERR_LIMIT, why, whylen);
        out->check = check(r, out->line, out->len, &r->ownhead, &r->ownspans, &r->ownerr);
        if (out->check == CC_OK) {
            out->head = &r->ownhead;
            out->spans = r->spans ? &r->ownspans : NULL;
            if (r->leaf) {
                cc_merkle_leaf_hash(r->ownhead.hash, 32, r->ownleaf);
                out->leaf = r->ownleaf;
            }
        } else {
            out->err = &r->ownerr;
        }
    }
    size_t end = (size_t)(out->line - b->text) + out->len;
    out->complete = end < b->len;
    r->pos = out->complete ? end + 1 : end;
    r->number++;
    return CC_OK;
}
