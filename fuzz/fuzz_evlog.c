/* libFuzzer target: the strict event-log line decoder. Every accepted line must re-encode to
 * exactly the same bytes; and the fast scanner and the jansson path must agree: the same lines
 * accepted with the same values, the same refusals with the same messages (cc_evlog_decode and
 * cc_evlog_check against CC_EVLOG_SLOW; cc_evlog_scan accepts no more and gives the same values). Each input
 * is also tried with its "hash" member recomputed, so that mutations get past the hash to the checks before
 * it. */
#include <sodium.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/evlog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int same_str(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static int same_rec(const cc_evrec *a, const cc_evrec *b)
{
    return a->seq == b->seq && a->t_ms == b->t_ms && a->wall_ms == b->wall_ms &&
           same_str(a->actor, b->actor) && same_str(a->type, b->type) && same_str(a->label, b->label) &&
           json_equal(a->payload, b->payload) && memcmp(a->prev, b->prev, 32) == 0 &&
           memcmp(a->digest, b->digest, 32) == 0 && memcmp(a->hash, b->hash, 32) == 0;
}

static void one(const char *line, size_t size)
{
    cc_evrec f, s, r;
    cc_evlog_error ef, es, err, ec, ecs;
    cc_evhead h, hs;
    cc_err rf = cc_evlog_decode_path(line, size, &f, &ef, CC_EVLOG_FAST);
    cc_err rs = cc_evlog_decode_path(line, size, &s, &es, CC_EVLOG_SLOW);
    cc_err rc = cc_evlog_check(line, size, &h, &ec);
    cc_err rcs = cc_evlog_check_path(line, size, &hs, &ecs, CC_EVLOG_SLOW);
    if ((rf == CC_OK) != (rs == CC_OK) || rc != rs || strcmp(ec.message, es.message) != 0 || rcs != rs ||
        strcmp(ecs.message, es.message) != 0)
        abort(); /* the paths disagree on the verdict or the message */
    if (cc_evlog_decode(line, size, &r, &err) != rs || strcmp(err.message, es.message) != 0)
        abort();
    /* cc_evlog_scan (readers of whole logs): never accepts what the decoder refuses, and gives the
     * decoder's values, the payload as its canonical text */
    char *sb = malloc(size + 3);
    const char *pt = NULL;
    size_t pn = 0;
    cc_evrec v;
    if (!sb)
        abort();
    if (cc_evlog_scan(line, size, &v, sb, &pt, &pn)) {
        json_error_t je;
        v.payload = json_loadb(pt, pn, JSON_REJECT_DUPLICATES, &je);
        if (rs != CC_OK || !same_rec(&v, &s))
            abort();
        json_decref(v.payload);
    }
    free(sb);
    if (rs != CC_OK)
        return;
    if (!same_rec(&f, &s) || !same_rec(&r, &s) || memcmp(&h, &hs, sizeof h) != 0 || h.seq != s.seq ||
        memcmp(h.hash, s.hash, 32) != 0 || memcmp(h.prev, s.prev, 32) != 0)
        abort(); /* the paths extract different values */
    cc_buf b;
    cc_buf_init(&b);
    unsigned char hash[32];
    memcpy(hash, r.hash, 32);
    if (cc_evlog_encode(&r, &b) != CC_OK || b.len != size + 1 || memcmp(b.data, line, size) != 0 ||
        memcmp(hash, r.hash, 32) != 0)
        abort();
    cc_buf_free(&b);
    cc_evrec_clear(&f);
    cc_evrec_clear(&s);
    cc_evrec_clear(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    one((const char *)data, size);
    /* again with the first "hash":"<64>", member set to the hash of the rest, as the decoder reads it */
    static const char pat[] = "\"hash\":\"";
    for (size_t i = 0; i + 74 <= size; i++) {
        if (memcmp(data + i, pat, 8) != 0)
            continue;
        if (data[i + 72] != '"' || data[i + 73] != ',')
            break;
        char *c = malloc(size);
        if (!c)
            abort();
        memcpy(c, data, size);
        unsigned char h[32];
        crypto_hash_sha256_state hs;
        crypto_hash_sha256_init(&hs);
        crypto_hash_sha256_update(&hs, data, i);
        crypto_hash_sha256_update(&hs, data + i + 74, size - i - 74);
        crypto_hash_sha256_final(&hs, h);
        cc_hex(h, 32, c + i + 8); /* writes 64 digits and a NUL over the closing quote */
        c[i + 72] = '"';
        if (memcmp(c, data, size) != 0)
            one(c, size);
        free(c);
        break;
    }
    return 0;
}
