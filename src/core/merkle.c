/* merkle — RFC 6962 / 9162 Merkle tree: streaming root over a frontier of perfect subtrees,
 * proof generation from a leaf source, and the RFC 9162 verification algorithms generalised to
 * subtrees [start, end). Contract in merkle.h; format in docs/tamper-evidence.md. */
#include "core/merkle.h"
#include "core/sha256.h"

#include <assert.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#define BATCH 256 /* leaves read per callback */

struct cc_merkle_stream {
    uint64_t size;
    unsigned char node[64][32]; /* node[l]: root of the perfect subtree of 2^l leaves, if bit l of size */
};

static cc_err fail(cc_merkle_error *err, cc_err code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static cc_err fail(cc_merkle_error *err, cc_err code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->message, sizeof err->message, fmt, ap);
        va_end(ap);
    }
    return code;
}

static cc_err ok(cc_merkle_error *err)
{
    if (err)
        err->message[0] = '\0';
    return CC_OK;
}

void cc_merkle_leaf_hash(const void *data, size_t len, unsigned char out[32])
{
    cc_sha256_ctx st;
    const unsigned char prefix = 0x00;
    cc_sha256_init(&st);
    cc_sha256_update(&st, &prefix, 1);
    cc_sha256_update(&st, data, len);
    cc_sha256_final(&st, out);
}

void cc_merkle_node_hash(const unsigned char left[32], const unsigned char right[32], unsigned char out[32])
{
    unsigned char buf[65];
    buf[0] = 0x01;
    memcpy(buf + 1, left, 32);
    memcpy(buf + 33, right, 32);
    cc_sha256(buf, sizeof buf, out);
}

void cc_merkle_empty_root(unsigned char out[32])
{
    cc_sha256(NULL, 0, out);
}

/* ---- Streaming root ---- */

cc_merkle_stream *cc_merkle_stream_new(void)
{
    cc_merkle_stream *s = malloc(sizeof *s);
    if (s)
        s->size = 0;
    return s;
}

void cc_merkle_stream_free(cc_merkle_stream *s)
{
    free(s);
}

void cc_merkle_stream_reset(cc_merkle_stream *s)
{
    s->size = 0;
}

uint64_t cc_merkle_stream_size(const cc_merkle_stream *s)
{
    return s->size;
}

cc_err cc_merkle_stream_append_hash(cc_merkle_stream *s, const unsigned char leaf_hash[32])
{
    if (s->size == UINT64_MAX)
        return CC_ERR_LIMIT;
    unsigned char carry[32];
    memcpy(carry, leaf_hash, 32);
    unsigned level = 0;
    /* Each set low bit is a perfect subtree of the same height to our left: merge into it. */
    while ((s->size >> level) & 1) {
        cc_merkle_node_hash(s->node[level], carry, carry);
        level++;
    }
    assert(level < 64);
    memcpy(s->node[level], carry, 32);
    s->size++;
    return CC_OK;
}

cc_err cc_merkle_stream_append(cc_merkle_stream *s, const void *data, size_t len)
{
    unsigned char h[32];
    cc_merkle_leaf_hash(data, len, h);
    return cc_merkle_stream_append_hash(s, h);
}

void cc_merkle_stream_root(const cc_merkle_stream *s, unsigned char root[32])
{
    if (s->size == 0) {
        cc_merkle_empty_root(root);
        return;
    }
    /* The RFC 6962 tree of n leaves: the perfect subtrees left to right, folded from the right. */
    unsigned level = (unsigned)__builtin_ctzll(s->size);
    unsigned char r[32];
    memcpy(r, s->node[level], 32);
    for (level++; level < 64; level++)
        if ((s->size >> level) & 1)
            cc_merkle_node_hash(s->node[level], r, r);
    memcpy(root, r, 32);
}

size_t cc_merkle_stream_frontier(const cc_merkle_stream *s, unsigned char (*out)[32])
{
    size_t n = 0;
    for (int level = 63; level >= 0; level--)
        if ((s->size >> level) & 1)
            memcpy(out[n++], s->node[level], 32);
    return n;
}

cc_err cc_merkle_stream_restore(cc_merkle_stream *s, uint64_t size, const unsigned char (*frontier)[32],
                                size_t n)
{
    if (n != (size_t)__builtin_popcountll(size) || (n > 0 && !frontier))
        return CC_ERR_ARG;
    size_t i = 0;
    for (int level = 63; level >= 0; level--)
        if ((size >> level) & 1)
            memcpy(s->node[level], frontier[i++], 32);
    s->size = size;
    return CC_OK;
}

/* ---- Leaf sources ---- */

void cc_merkle_leaves_array(cc_merkle_leaves *src, const unsigned char (*values)[32], uint64_t n, int raw)
{
    memset(src, 0, sizeof *src);
    src->values = values;
    src->count = n;
    src->raw = raw;
}

static cc_err read_leaves(const cc_merkle_leaves *src, uint64_t first, size_t count, unsigned char (*out)[32],
                          cc_merkle_error *err)
{
    if (src->read) {
        cc_err e = src->read(src->ctx, first, count, out);
        if (e != CC_OK)
            return fail(err, e, "reading leaves %" PRIu64 "..%" PRIu64 " from the leaf source failed: %s",
                        first, first + count - 1, cc_err_str(e));
    } else {
        if (first > src->count || count > src->count - first)
            return fail(err, CC_ERR_RANGE,
                        "the tree needs leaf %" PRIu64 " but the array holds %" PRIu64 " leaves",
                        first + count - 1, src->count);
        memcpy(out, src->values + first, count * 32);
    }
    if (src->raw)
        for (size_t i = 0; i < count; i++)
            cc_merkle_leaf_hash(out[i], 32, out[i]);
    return CC_OK;
}

static cc_err check_source(const cc_merkle_leaves *src, cc_merkle_error *err)
{
    if (!src || (!src->read && !src->values && src->count > 0))
        return fail(err, CC_ERR_ARG, "no leaf source");
    return CC_OK;
}

/* Root of leaves [a, b): the RFC 6962 tree of b - a leaves, which the stream computes. */
static cc_err range_root(const cc_merkle_leaves *src, uint64_t a, uint64_t b, unsigned char out[32],
                         cc_merkle_error *err)
{
    cc_merkle_stream s;
    unsigned char buf[BATCH][32];
    s.size = 0;
    while (a < b) {
        size_t k = b - a < BATCH ? (size_t)(b - a) : BATCH;
        cc_err e = read_leaves(src, a, k, buf, err);
        if (e != CC_OK)
            return e;
        for (size_t i = 0; i < k; i++)
            cc_merkle_stream_append_hash(&s, buf[i]);
        a += k;
    }
    cc_merkle_stream_root(&s, out);
    return CC_OK;
}

cc_err cc_merkle_root(const cc_merkle_leaves *src, uint64_t size, unsigned char root[32],
                      cc_merkle_error *err)
{
    cc_err e = check_source(src, err);
    if (e != CC_OK)
        return e;
    e = range_root(src, 0, size, root, err);
    return e == CC_OK ? ok(err) : e;
}

cc_err cc_merkle_range_root(const cc_merkle_leaves *src, uint64_t start, uint64_t end, unsigned char root[32],
                            cc_merkle_error *err)
{
    cc_err e = check_source(src, err);
    if (e != CC_OK)
        return e;
    if (start >= end)
        return fail(err, CC_ERR_RANGE, "empty or reversed range [%" PRIu64 ", %" PRIu64 ")", start, end);
    e = range_root(src, start, end, root, err);
    return e == CC_OK ? ok(err) : e;
}

/* ---- Proof generation ---- */

/* Largest power of two strictly less than w (w >= 2): where RFC 6962 splits w leaves. */
static uint64_t split_point(uint64_t w)
{
    assert(w >= 2);
    return (uint64_t)1 << (63 - __builtin_clzll(w - 1));
}

static void reverse(unsigned char (*p)[32], size_t n)
{
    unsigned char t[32];
    for (size_t i = 0, j = n; i + 1 < j; i++, j--) {
        memcpy(t, p[i], 32);
        memcpy(p[i], p[j - 1], 32);
        memcpy(p[j - 1], t, 32);
    }
}

/* RFC 9162 PATH(m, D[lo:hi]), top-down then reversed to leaf-first order. */
static cc_err path(const cc_merkle_leaves *src, uint64_t m, uint64_t lo, uint64_t hi,
                   unsigned char (*proof)[32], size_t *n, cc_merkle_error *err)
{
    size_t k = 0;
    while (hi - lo > 1) {
        uint64_t mid = lo + split_point(hi - lo);
        cc_err e;
        if (m < mid) {
            e = range_root(src, mid, hi, proof[k], err);
            hi = mid;
        } else {
            e = range_root(src, lo, mid, proof[k], err);
            lo = mid;
        }
        if (e != CC_OK)
            return e;
        k++;
    }
    assert(k <= 64);
    reverse(proof, k);
    *n = k;
    return ok(err);
}

cc_err cc_merkle_inclusion_proof(const cc_merkle_leaves *src, uint64_t index, uint64_t size,
                                 unsigned char (*proof)[32], size_t *n, cc_merkle_error *err)
{
    cc_err e = check_source(src, err);
    if (e != CC_OK)
        return e;
    if (!proof || !n)
        return fail(err, CC_ERR_ARG, "no room for the proof");
    if (index >= size)
        return fail(err, CC_ERR_RANGE, "leaf %" PRIu64 " is not in a tree of %" PRIu64 " leaves", index,
                    size);
    return path(src, index, 0, size, proof, n, err);
}

/* SUBTREE_SUBPROOF(start, end, D[0:size], true), the generalisation of RFC 9162 SUBPROOF to a
 * subtree: walk down from the root; a node that is the subtree itself needs no hash (the
 * verifier has it) unless we reached it after the subtree's own root was split (have_root
 * false), when it is the first hash of the proof. */
static cc_err subproof(const cc_merkle_leaves *src, uint64_t start, uint64_t end, uint64_t size,
                       unsigned char (*proof)[32], size_t *n, cc_merkle_error *err)
{
    uint64_t lo = 0, hi = size;
    int have_root = 1;
    size_t k = 0;
    for (;;) {
        if (start == lo && end == hi) {
            if (!have_root) {
                cc_err e = range_root(src, lo, hi, proof[k], err);
                if (e != CC_OK)
                    return e;
                k++;
            }
            break;
        }
        uint64_t mid = lo + split_point(hi - lo);
        cc_err e;
        if (end <= mid) {
            e = range_root(src, mid, hi, proof[k], err);
            hi = mid;
        } else if (start >= mid) {
            e = range_root(src, lo, mid, proof[k], err);
            lo = mid;
        } else {
            /* The subtree straddles mid: being valid, it starts at lo and contains [lo, mid). */
            assert(start == lo);
            e = range_root(src, lo, mid, proof[k], err);
            start = lo = mid;
            have_root = 0;
        }
        if (e != CC_OK)
            return e;
        k++;
    }
    assert(k <= CC_MERKLE_PROOF_MAX);
    reverse(proof, k);
    *n = k;
    return ok(err);
}

cc_err cc_merkle_consistency_proof(const cc_merkle_leaves *src, uint64_t size1, uint64_t size2,
                                   unsigned char (*proof)[32], size_t *n, cc_merkle_error *err)
{
    cc_err e = check_source(src, err);
    if (e != CC_OK)
        return e;
    if (!proof || !n)
        return fail(err, CC_ERR_ARG, "no room for the proof");
    if (size1 == 0 || size1 > size2)
        return fail(err, CC_ERR_RANGE, "no consistency proof from size %" PRIu64 " to size %" PRIu64 "%s",
                    size1, size2, size1 == 0 ? " (the empty tree is a prefix of every tree)" : "");
    if (size1 == size2) {
        *n = 0;
        return ok(err);
    }
    return subproof(src, 0, size1, size2, proof, n, err);
}

int cc_merkle_subtree_valid(uint64_t start, uint64_t end)
{
    if (start > end)
        return 0;
    if (start == 0 || start == end)
        return 1;
    uint64_t w = end - start;
    if (w > (uint64_t)1 << 63) /* its power-of-two ceiling is 2^64: only start 0 is aligned */
        return 0;
    uint64_t ceil = w == 1 ? 1 : (uint64_t)1 << (64 - __builtin_clzll(w - 1));
    return (start & (ceil - 1)) == 0;
}

static cc_err check_subtree(uint64_t start, uint64_t end, cc_merkle_error *err)
{
    if (start > end)
        return fail(err, CC_ERR_RANGE, "subtree [%" PRIu64 ", %" PRIu64 ") starts after it ends", start, end);
    if (!cc_merkle_subtree_valid(start, end))
        return fail(err, CC_ERR_RANGE,
                    "[%" PRIu64 ", %" PRIu64
                    ") is not a subtree: its start is not a multiple of the smallest "
                    "power of two >= its width %" PRIu64,
                    start, end, end - start);
    return CC_OK;
}

cc_err cc_merkle_subtree_inclusion_proof(const cc_merkle_leaves *src, uint64_t index, uint64_t start,
                                         uint64_t end, unsigned char (*proof)[32], size_t *n,
                                         cc_merkle_error *err)
{
    cc_err e = check_source(src, err);
    if (e != CC_OK)
        return e;
    if (!proof || !n)
        return fail(err, CC_ERR_ARG, "no room for the proof");
    e = check_subtree(start, end, err);
    if (e != CC_OK)
        return e;
    if (index < start || index >= end)
        return fail(err, CC_ERR_RANGE, "leaf %" PRIu64 " is not in subtree [%" PRIu64 ", %" PRIu64 ")", index,
                    start, end);
    return path(src, index, start, end, proof, n, err);
}

cc_err cc_merkle_subtree_consistency_proof(const cc_merkle_leaves *src, uint64_t start, uint64_t end,
                                           uint64_t size, unsigned char (*proof)[32], size_t *n,
                                           cc_merkle_error *err)
{
    cc_err e = check_source(src, err);
    if (e != CC_OK)
        return e;
    if (!proof || !n)
        return fail(err, CC_ERR_ARG, "no room for the proof");
    e = check_subtree(start, end, err);
    if (e != CC_OK)
        return e;
    if (end > size)
        return fail(err, CC_ERR_RANGE,
                    "subtree [%" PRIu64 ", %" PRIu64 ") ends after the tree of %" PRIu64 " leaves", start,
                    end, size);
    if (start == end || (start == 0 && end == size)) {
        *n = 0;
        return ok(err);
    }
    return subproof(src, start, end, size, proof, n, err);
}

/* ---- Verification ---- */

static int root_equal(const unsigned char computed[32], const unsigned char *root, size_t root_len)
{
    return root_len == 32 && root && sodium_memcmp(computed, root, 32) == 0;
}

static void hex8(const unsigned char *h, char out[17])
{
    static const char digits[] = "0123456789abcdef";
    for (int i = 0; i < 8; i++) {
        out[2 * i] = digits[h[i] >> 4];
        out[2 * i + 1] = digits[h[i] & 15];
    }
    out[16] = '\0';
}

static cc_err mismatch(cc_merkle_error *err, const char *what, uint64_t size,
                       const unsigned char computed[32], const unsigned char *given, size_t given_len)
{
    char c[17], g[17] = "";
    hex8(computed, c);
    if (given_len == 32 && given)
        hex8(given, g);
    if (given_len != 32)
        return fail(err, CC_ERR_INVALID, "%s at size %" PRIu64 " is %zu bytes long, not 32", what, size,
                    given_len);
    return fail(err, CC_ERR_INVALID,
                "%s at size %" PRIu64 " does not match: proof gives %s..., expected %s...", what, size, c, g);
}

static cc_err inclusion_root(uint64_t index, uint64_t size, const unsigned char leaf_hash[32],
                             const unsigned char (*proof)[32], size_t n, unsigned char out[32],
                             cc_merkle_error *err)
{
    if (!leaf_hash || (n > 0 && !proof))
        return fail(err, CC_ERR_ARG, "no leaf hash or proof");
    if (index >= size)
        return fail(err, CC_ERR_RANGE, "leaf %" PRIu64 " is not in a tree of %" PRIu64 " leaves", index,
                    size);
    if (n > CC_MERKLE_PROOF_MAX)
        return fail(err, CC_ERR_INVALID, "inclusion proof of %zu hashes is too long", n);
    /* RFC 9162 2.1.3.2, with fn = index and sn = size - 1 */
    uint64_t fn = index, sn = size - 1;
    unsigned char r[32];
    memcpy(r, leaf_hash, 32);
    for (size_t i = 0; i < n; i++) {
        if (sn == 0)
            return fail(err, CC_ERR_INVALID,
                        "inclusion proof for leaf %" PRIu64 " in %" PRIu64 " leaves is too long (%zu hashes)",
                        index, size, n);
        if ((fn & 1) || fn == sn) {
            cc_merkle_node_hash(proof[i], r, r);
            while (!(fn & 1) && fn != 0) {
                fn >>= 1;
                sn >>= 1;
            }
        } else {
            cc_merkle_node_hash(r, proof[i], r);
        }
        fn >>= 1;
        sn >>= 1;
    }
    if (sn != 0)
        return fail(err, CC_ERR_INVALID,
                    "inclusion proof for leaf %" PRIu64 " in %" PRIu64 " leaves is too short (%zu hashes)",
                    index, size, n);
    memcpy(out, r, 32);
    return CC_OK;
}

cc_err cc_merkle_root_from_inclusion(uint64_t index, uint64_t size, const unsigned char leaf_hash[32],
                                     const unsigned char (*proof)[32], size_t n, unsigned char root[32],
                                     cc_merkle_error *err)
{
    cc_err e = inclusion_root(index, size, leaf_hash, proof, n, root, err);
    return e == CC_OK ? ok(err) : e;
}

cc_err cc_merkle_verify_inclusion(uint64_t index, uint64_t size, const unsigned char leaf_hash[32],
                                  const unsigned char (*proof)[32], size_t n, const unsigned char *root,
                                  size_t root_len, cc_merkle_error *err)
{
    unsigned char r[32];
    cc_err e = inclusion_root(index, size, leaf_hash, proof, n, r, err);
    if (e != CC_OK)
        return e;
    if (!root_equal(r, root, root_len))
        return mismatch(err, "root", size, r, root, root_len);
    return ok(err);
}

cc_err cc_merkle_verify_subtree_inclusion(uint64_t index, uint64_t start, uint64_t end,
                                          const unsigned char leaf_hash[32], const unsigned char (*proof)[32],
                                          size_t n, const unsigned char *root, size_t root_len,
                                          cc_merkle_error *err)
{
    cc_err e = check_subtree(start, end, err);
    if (e != CC_OK)
        return e;
    if (index < start || index >= end)
        return fail(err, CC_ERR_RANGE, "leaf %" PRIu64 " is not in subtree [%" PRIu64 ", %" PRIu64 ")", index,
                    start, end);
    unsigned char r[32];
    e = inclusion_root(index - start, end - start, leaf_hash, proof, n, r, err);
    if (e != CC_OK)
        return e;
    if (!root_equal(r, root, root_len))
        return mismatch(err, "subtree root", end - start, r, root, root_len);
    return ok(err);
}

/* RFC 9162 2.1.4.2 generalised to a subtree [start, end) of a tree of size leaves: fn walks the
 * subtree's first leaf, sn its last, tn the tree's last, all shifted up one level per step. fr
 * rebuilds the subtree root from the hashes left of the path while the path is still inside
 * the subtree (fn < sn); sr rebuilds the tree root. For start = 0 this is exactly the RFC
 * algorithm with (fn, sn) of the RFC being (sn, tn) here. */
static cc_err subtree_consistency(uint64_t start, uint64_t end, uint64_t size,
                                  const unsigned char (*proof)[32], size_t n, const unsigned char *sub_root,
                                  size_t sub_root_len, const unsigned char *root, size_t root_len,
                                  cc_merkle_error *err)
{
    if (start == end) {
        unsigned char empty[32];
        cc_merkle_empty_root(empty);
        if (n != 0)
            return fail(err, CC_ERR_INVALID, "an empty subtree needs an empty proof, not %zu hashes", n);
        if (!root_equal(empty, sub_root, sub_root_len))
            return fail(err, CC_ERR_INVALID, "an empty subtree's root must be the empty root");
        return CC_OK;
    }
    if (start == 0 && end == size) {
        if (n != 0)
            return fail(err, CC_ERR_INVALID,
                        "equal trees of size %" PRIu64 " need an empty proof, not %zu hashes", size, n);
        if (sub_root_len != root_len || !sub_root || !root || memcmp(sub_root, root, root_len) != 0)
            return fail(err, CC_ERR_INVALID, "the two roots at size %" PRIu64 " differ", size);
        return CC_OK;
    }
    if (n == 0)
        return fail(err, CC_ERR_INVALID,
                    "empty consistency proof from [%" PRIu64 ", %" PRIu64 ") to size %" PRIu64, start, end,
                    size);
    if (!proof)
        return fail(err, CC_ERR_ARG, "no proof");
    if (n > CC_MERKLE_PROOF_MAX)
        return fail(err, CC_ERR_INVALID, "consistency proof of %zu hashes is too long", n);
    if (sub_root_len != 32 || !sub_root)
        return fail(err, CC_ERR_INVALID, "the %s root is %zu bytes long, not 32",
                    start == 0 ? "first" : "subtree", sub_root_len);

    uint64_t fn = start, sn = end - 1, tn = size - 1;
    if (sn == tn) {
        /* The subtree ends where the tree does: it is a node of the tree; climb to it. */
        while (fn != sn) {
            fn >>= 1;
            sn >>= 1;
            tn >>= 1;
        }
    } else {
        /* Climb while the last leaf's node is a right child inside the subtree. */
        while (fn != sn && (sn & 1)) {
            fn >>= 1;
            sn >>= 1;
            tn >>= 1;
        }
    }
    /* fn = sn: the subtree is a node (perfect, or ending at the tree's end) and the verifier
     * knows its hash. Otherwise the proof starts with the hash of the node we climbed to. */
    size_t i = 0;
    unsigned char fr[32], sr[32];
    if (fn == sn) {
        memcpy(fr, sub_root, 32);
    } else {
        memcpy(fr, proof[0], 32);
        i = 1;
    }
    memcpy(sr, fr, 32);
    for (; i < n; i++) {
        const unsigned char *c = proof[i];
        if (tn == 0)
            return fail(err, CC_ERR_INVALID,
                        "consistency proof from [%" PRIu64 ", %" PRIu64 ") to size %" PRIu64
                        " is too long (%zu hashes)",
                        start, end, size, n);
        if ((sn & 1) || sn == tn) {
            if (fn < sn)
                cc_merkle_node_hash(c, fr, fr);
            cc_merkle_node_hash(c, sr, sr);
            while (!(sn & 1) && sn != 0) {
                fn >>= 1;
                sn >>= 1;
                tn >>= 1;
            }
        } else {
            cc_merkle_node_hash(sr, c, sr);
        }
        fn >>= 1;
        sn >>= 1;
        tn >>= 1;
    }
    if (tn != 0)
        return fail(err, CC_ERR_INVALID,
                    "consistency proof from [%" PRIu64 ", %" PRIu64 ") to size %" PRIu64
                    " is too short (%zu hashes)",
                    start, end, size, n);
    if (!root_equal(fr, sub_root, sub_root_len))
        return mismatch(err, start == 0 ? "first root" : "subtree root", end - start, fr, sub_root,
                        sub_root_len);
    if (!root_equal(sr, root, root_len))
        return mismatch(err, "second root", size, sr, root, root_len);
    return CC_OK;
}

cc_err cc_merkle_verify_consistency(uint64_t size1, uint64_t size2, const unsigned char (*proof)[32],
                                    size_t n, const unsigned char *root1, size_t root1_len,
                                    const unsigned char *root2, size_t root2_len, cc_merkle_error *err)
{
    if (size1 > size2)
        return fail(err, CC_ERR_RANGE, "size %" PRIu64 " is larger than size %" PRIu64, size1, size2);
    if (size1 == 0)
        return fail(err, CC_ERR_RANGE,
                    "a consistency proof from the empty tree proves nothing (every tree extends it)");
    cc_err e = subtree_consistency(0, size1, size2, proof, n, root1, root1_len, root2, root2_len, err);
    return e == CC_OK ? ok(err) : e;
}

cc_err cc_merkle_verify_subtree_consistency(uint64_t start, uint64_t end, uint64_t size,
                                            const unsigned char (*proof)[32], size_t n,
                                            const unsigned char *sub_root, size_t sub_root_len,
                                            const unsigned char *root, size_t root_len, cc_merkle_error *err)
{
    cc_err e = check_subtree(start, end, err);
    if (e != CC_OK)
        return e;
    if (end > size)
        return fail(err, CC_ERR_RANGE,
                    "subtree [%" PRIu64 ", %" PRIu64 ") ends after the tree of %" PRIu64 " leaves", start,
                    end, size);
    e = subtree_consistency(start, end, size, proof, n, sub_root, sub_root_len, root, root_len, err);
    return e == CC_OK ? ok(err) : e;
}
