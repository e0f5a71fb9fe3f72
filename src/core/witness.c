/* witness — see witness.h. The order of the checks is the spec's: known origin, signature, old
 * size against the checkpoint, old size against the latest cosigned, equal sizes with equal roots,
 * then the consistency proof. */
#include "core/witness.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/merkle.h"

static int say(char *why, size_t n, int status, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static int say(char *why, size_t n, int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, n, fmt, ap);
    va_end(ap);
    return status;
}

static int b64_32(const char *s, size_t len, unsigned char out[32])
{
    size_t got = 0;
    const char *end = NULL;
    if (len != 44)
        return -1;
    for (size_t i = 0; i < 43; i++)
        if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
              s[i] == '+' || s[i] == '/'))
            return -1;
    if (s[43] != '=')
        return -1;
    if (sodium_base642bin(out, 32, s, len, NULL, &got, &end, sodium_base64_VARIANT_ORIGINAL) != 0 || got != 32 ||
        end != s + len)
        return -1;
    char again[45];
    sodium_bin2base64(again, sizeof again, out, 32, sodium_base64_VARIANT_ORIGINAL);
    return memcmp(again, s, 44) == 0 ? 0 : -1;
}

cc_err cc_witness_parse(const char *body, size_t len, cc_witness_request *out, char *why, size_t whylen)
{
    memset(out, 0, sizeof *out);
    if (len > CC_WITNESS_MAX_BODY) {
        snprintf(why, whylen, "the request is %zu bytes, more than %d", len, CC_WITNESS_MAX_BODY);
        return CC_ERR_PARSE;
    }
    const char *p = body, *end = body + len;
    const char *nl = memchr(p, '\n', len);
    if (!nl || nl - p < 5 || memcmp(p, "old ", 4) != 0) {
        snprintf(why, whylen, "line 1: expected \"old N\"");
        return CC_ERR_PARSE;
    }
    const char *d = p + 4;
    size_t dl = (size_t)(nl - d);
    if (dl > 20 || (dl > 1 && d[0] == '0')) {
        snprintf(why, whylen, "line 1: the old size is not a decimal number without leading zeros");
        return CC_ERR_PARSE;
    }
    uint64_t v = 0;
    for (size_t i = 0; i < dl; i++) {
        unsigned c = (unsigned)(d[i] - '0');
        if (c > 9 || v > (UINT64_MAX - c) / 10) {
            snprintf(why, whylen, "line 1: the old size is not a decimal 64-bit number");
            return CC_ERR_PARSE;
        }
        v = v * 10 + c;
    }
    out->old_size = v;
    p = nl + 1;
    int line = 2;
    for (;; line++) {
        nl = p < end ? memchr(p, '\n', (size_t)(end - p)) : NULL;
        if (!nl) {
            snprintf(why, whylen, "line %d: the empty line before the checkpoint is missing", line);
            return CC_ERR_PARSE;
        }
        if (nl == p)
            break;
        if (out->nproof == CC_WITNESS_MAX_PROOF) {
            snprintf(why, whylen, "line %d: more than %d consistency proof lines", line, CC_WITNESS_MAX_PROOF);
            return CC_ERR_PARSE;
        }
        if (b64_32(p, (size_t)(nl - p), out->proof[out->nproof]) != 0) {
            snprintf(why, whylen, "line %d: a proof line is the canonical base64 of a 32-byte hash", line);
            return CC_ERR_PARSE;
        }
        out->nproof++;
        p = nl + 1;
    }
    out->note = nl + 1;
    out->note_len = (size_t)(end - out->note);
    if (out->note_len == 0) {
        snprintf(why, whylen, "line %d: no checkpoint after the empty line", line + 1);
        return CC_ERR_PARSE;
    }
    return CC_OK;
}

char *cc_witness_origin(const cc_witness_request *r)
{
    const char *nl = memchr(r->note, '\n', r->note_len);
    if (!nl || nl == r->note)
        return NULL;
    size_t n = (size_t)(nl - r->note);
    char *o = malloc(n + 1);
    if (o) {
        memcpy(o, r->note, n);
        o[n] = 0;
    }
    return o;
}

/* 1 when some signature line of the note is by a key named as one of keys. */
static int names_a_key(const char *note, size_t len, const cc_note_verifier *const *keys, size_t nkeys)
{
    for (const char *p = note; p < note + len;) {
        const char *nl = memchr(p, '\n', (size_t)(note + len - p));
        size_t l = nl ? (size_t)(nl - p) : (size_t)(note + len - p);
        if (l > 4 && memcmp(p, "\xE2\x80\x94 ", 4) == 0)
            for (size_t k = 0; k < nkeys; k++) {
                const char *name = cc_note_verifier_name(keys[k]);
                size_t nl2 = strlen(name);
                if (l > 4 + nl2 && memcmp(p + 4, name, nl2) == 0 && p[4 + nl2] == ' ')
                    return 1;
            }
        if (!nl)
            break;
        p = nl + 1;
    }
    return 0;
}

int cc_witness_check(const cc_witness_request *r, const cc_note_verifier *const *logkeys, size_t nkeys,
                     const cc_witness_latest *latest, cc_checkpoint *cp, uint64_t *conflict_size, char *why,
                     size_t whylen)
{
    memset(cp, 0, sizeof *cp);
    *conflict_size = latest->known ? latest->size : 0;
    if (!names_a_key(r->note, r->note_len, logkeys, nkeys))
        return say(why, whylen, 404, "unknown log: no signature by a log key this witness knows");
    size_t tlen = 0;
    cc_note_error ne;
    cc_err rc = cc_note_open(r->note, r->note_len, logkeys, nkeys, &tlen, &ne);
    if (rc != CC_OK)
        return say(why, whylen, 403, "no valid signature by a known log key: %s", ne.message);
    if (cc_checkpoint_parse(r->note, tlen, cp, &ne) != CC_OK)
        return say(why, whylen, 403, "signed, but not a checkpoint: %s", ne.message);
    if (r->old_size > cp->size)
        return say(why, whylen, 400,
                   "the old size %" PRIu64 " is larger than the checkpoint's %" PRIu64 " (a rollback)", r->old_size,
                   cp->size);
    uint64_t have = latest->known ? latest->size : 0;
    if (r->old_size != have)
        return say(why, whylen, 409, "the latest checkpoint cosigned for %.100s has size %" PRIu64 ", not %" PRIu64,
                   cp->origin, have, r->old_size);
    /* from here cp->size >= have: a smaller tree was refused as 400 or 409 above */
    if (latest->known && cp->size == latest->size) {
        if (memcmp(cp->root, latest->root, 32) != 0)
            return say(why, whylen, 409,
                       "another tree of size %" PRIu64 " than the one cosigned (a split view): the roots differ",
                       cp->size);
        if (r->nproof != 0)
            return say(why, whylen, 422, "a proof between two trees of the same size must be empty");
        return 200;
    }
    if (r->old_size == 0) {
        if (r->nproof != 0)
            return say(why, whylen, 422, "a proof from size 0 must be empty");
        return 200;
    }
    cc_merkle_error me;
    if (cc_merkle_verify_consistency(latest->size, cp->size, (const unsigned char(*)[32])r->proof, r->nproof,
                                     latest->root, 32, cp->root, 32, &me) != CC_OK)
        return say(why, whylen, 422,
                   "the consistency proof from size %" PRIu64 " to %" PRIu64
                   " does not verify (a fork, or a split view): %s",
                   latest->size, cp->size, me.message);
    return 200;
}

cc_err cc_witness_format(uint64_t old_size, const unsigned char (*proof)[32], size_t nproof, const char *note,
                         size_t note_len, cc_buf *out)
{
    if (nproof > CC_WITNESS_MAX_PROOF)
        return CC_ERR_LIMIT;
    cc_buf_printf(out, "old %" PRIu64 "\n", old_size);
    for (size_t i = 0; i < nproof; i++) {
        char enc[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_ORIGINAL)];
        sodium_bin2base64(enc, sizeof enc, proof[i], 32, sodium_base64_VARIANT_ORIGINAL);
        cc_buf_puts(out, enc);
        cc_buf_putc(out, '\n');
    }
    cc_buf_putc(out, '\n');
    cc_buf_append(out, note, note_len);
    return out->oom ? CC_ERR_NOMEM : CC_OK;
}
