/* verify — see verify.h. One pass, memory O(log n) plus the checkpoints (and the hashes when a
 * proof is wanted): each line is decoded and chained, its hash appended to a streaming Merkle
 * tree, and at each checkpoint size the tree's root is compared with the signed one. */
#include "core/verify.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/evlog.h"
#include "core/merkle.h"
#include "core/grow.h"

typedef struct vcp {
    uint64_t size;
    unsigned char root[32];
    char *origin;
    char *source;
} vcp;

struct cc_verify {
    cc_merkle_stream *tree;
    vcp *cps;
    size_t ncps, next_cp; /* checkpoints sorted by size; next_cp: first not yet reached */
    uint64_t n;           /* sound events so far */
    unsigned char prev[32];
    int64_t last_wall;
    int bad;
    uint64_t bad_index;
    char why[400];
    char origin[100];
    size_t checked;
    uint64_t last_ok; /* size of the last checkpoint the log matched (0: none) */
    int keep;
    unsigned char (*hashes)[32];
    uint64_t nh;
    size_t caph;
};

void cc_verify_origin_of(const char *hash0_hex, char *out, size_t n)
{
    snprintf(out, n, "caucus-log/%.64s", hash0_hex);
}

cc_err cc_verify_new(cc_verify **out)
{
    cc_verify *v = calloc(1, sizeof *v);
    if (!v || !(v->tree = cc_merkle_stream_new())) {
        free(v);
        return CC_ERR_NOMEM;
    }
    *out = v;
    return CC_OK;
}

void cc_verify_free(cc_verify *v)
{
    if (!v)
        return;
    cc_merkle_stream_free(v->tree);
    for (size_t i = 0; i < v->ncps; i++) {
        free(v->cps[i].origin);
        free(v->cps[i].source);
    }
    free(v->cps);
    free(v->hashes);
    free(v);
}

void cc_verify_keep_hashes(cc_verify *v, int keep)
{
    v->keep = keep;
}

const unsigned char (*cc_verify_hashes(const cc_verify *v, uint64_t *n))[32]
{
    *n = v->nh;
    return (const unsigned char(*)[32])v->hashes;
}

static int by_size(const void *a, const void *b)
{
    const vcp *x = a, *y = b;
    return x->size < y->size ? -1 : x->size > y->size;
}

cc_err cc_verify_add_checkpoint(cc_verify *v, const cc_checkpoint *c, const char *source)
{
    vcp *n = realloc(v->cps, (v->ncps + 1) * sizeof *n);
    if (!n)
        return CC_ERR_NOMEM;
    v->cps = n;
    vcp *p = &v->cps[v->ncps];
    p->size = c->size;
    memcpy(p->root, c->root, 32);
    p->origin = strdup(c->origin ? c->origin : "");
    p->source = strdup(source ? source : "checkpoint");
    if (!p->origin || !p->source) {
        free(p->origin);
        free(p->source);
        return CC_ERR_NOMEM;
    }
    v->ncps++;
    qsort(v->cps, v->ncps, sizeof *v->cps, by_size);
    return CC_OK;
}

static cc_err bad(cc_verify *v, uint64_t index, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static cc_err bad(cc_verify *v, uint64_t index, const char *fmt, ...)
{
    v->bad = 1;
    v->bad_index = index;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(v->why, sizeof v->why, fmt, ap);
    va_end(ap);
    return CC_ERR_INVALID;
}

/* Compares the tree with every checkpoint of the current size. */
static cc_err check_cps(cc_verify *v)
{
    while (v->next_cp < v->ncps && v->cps[v->next_cp].size <= v->n) {
        vcp *c = &v->cps[v->next_cp];
        if (c->size == v->n) {
            unsigned char root[32];
            cc_merkle_stream_root(v->tree, root);
            if (memcmp(root, c->root, 32) != 0)
                return bad(
                    v, v->last_ok,
                    "%s: the log's Merkle root at size %" PRIu64
                    " differs from the signed checkpoint: an event from %" PRIu64 " to %" PRIu64
                    " was changed and the chain recomputed (forged), or the checkpoint is not of this log's "
                    "history",
                    c->source, c->size, v->last_ok, c->size - 1);
            v->last_ok = c->size;
            v->checked++;
        }
        v->next_cp++;
    }
    return CC_OK;
}

cc_err cc_verify_line(cc_verify *v, const char *line, size_t len, int complete)
{
    if (v->bad || !complete)
        return cc_verify_checked(v, complete, CC_ERR_PARSE, NULL, NULL, NULL);
    /* Only the fixed-size fields: no copy of the strings, no payload tree, nothing allocated. */
    cc_evhead r;
    cc_evlog_error e;
    cc_err rc = cc_evlog_check(line, len, &r, &e);
    return cc_verify_checked(v, 1, rc, &r, &e, NULL);
}

cc_err cc_verify_checked(cc_verify *v, int complete, cc_err check, const cc_evhead *head,
                         const cc_evlog_error *err, const unsigned char leaf[32])
{
    if (v->bad)
        return CC_ERR_INVALID;
    uint64_t i = v->n;
    if (!complete)
        return bad(v, i, "event %" PRIu64 ": the file ends inside it (no newline): the log was truncated", i);
    if (check != CC_OK)
        return bad(v, i, "event %" PRIu64 ": %s", i, err->message);
    const cc_evhead *r = head;
    uint64_t seq = r->seq;
    int chained = memcmp(r->prev, v->prev, 32) == 0;
    const unsigned char *h = r->hash;
    int first_is_start = i > 0 || (r->type_len == 9 && memcmp(r->type, "run.start", 9) == 0);
    if (seq != i) {
        if (seq > i)
            return bad(v, i,
                       "event %" PRIu64 ": its seq is %" PRIu64 ": %" PRIu64
                       " event(s) before it were deleted (or it was moved here)",
                       i, seq, seq - i);
        return bad(v, i,
                   "event %" PRIu64 ": its seq is %" PRIu64
                   ": an event was inserted or the events were reordered",
                   i, seq);
    }
    if (!chained)
        return bad(v, i,
                   "event %" PRIu64 ": prev is not the hash of event %" PRIu64
                   ": the event before it was replaced, or the log was spliced",
                   i, i ? i - 1 : 0);
    if (!first_is_start)
        return bad(v, 0, "event 0: the first event is not run.start");
    if (i == 0) {
        char hex[65];
        cc_hex(h, 32, hex);
        cc_verify_origin_of(hex, v->origin, sizeof v->origin);
        for (size_t k = 0; k < v->ncps; k++)
            if (strcmp(v->cps[k].origin, v->origin) != 0)
                return bad(v, 0,
                           "%s: checkpoint from another log (origin \"%.80s\"; this log's origin is \"%s\")",
                           v->cps[k].source, v->cps[k].origin, v->origin);
    }
    if (v->keep) {
        unsigned char(*nhs)[32] = cc_grow(v->hashes, &v->caph, (size_t)v->nh + 1, sizeof *nhs);
        if (!nhs)
            return CC_ERR_NOMEM;
        v->hashes = nhs;
        memcpy(v->hashes[v->nh++], h, 32);
    }
    cc_err rc = leaf ? cc_merkle_stream_append_hash(v->tree, leaf) : cc_merkle_stream_append(v->tree, h, 32);
    if (rc != CC_OK)
        return rc;
    memcpy(v->prev, h, 32);
    v->last_wall = r->wall_ms;
    v->n++;
    return check_cps(v);
}

void cc_verify_head(const cc_verify *v, uint64_t *n, unsigned char hash[32], int64_t *wall_ms)
{
    *n = v->n;
    memcpy(hash, v->prev, 32);
    *wall_ms = v->last_wall;
}

void cc_verify_finish(cc_verify *v, cc_verify_result *out)
{
    memset(out, 0, sizeof *out);
    if (!v->bad && v->n == 0)
        bad(v, 0, "the log is empty");
    if (!v->bad && v->next_cp < v->ncps) {
        vcp *c = &v->cps[v->ncps - 1];
        bad(v, v->n,
            "%s: a signed checkpoint covers %" PRIu64 " events but the log has only %" PRIu64
            ": events were removed from its end (truncated)",
            c->source, c->size, v->n);
    }
    out->events = v->n;
    unsigned char root[32];
    cc_merkle_stream_root(v->tree, root);
    cc_hex(root, 32, out->root);
    cc_hex(v->prev, 32, out->last_hash);
    snprintf(out->origin, sizeof out->origin, "%s", v->origin);
    out->checkpoints = v->checked;
    out->bad = v->bad;
    out->bad_index = v->bad_index;
    snprintf(out->why, sizeof out->why, "%s", v->why);
}
