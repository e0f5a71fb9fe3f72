/* Tests of core/merkle: hashing known answers (computed independently with Python hashlib),
 * the streaming root against a recursive reference, proof generation and verification for
 * every index and size up to a bound with every single-hash corruption rejected, and the
 * public RFC 6962 / 9162 test vectors of transparency-dev/merkle in
 * ../shared/vectors/rfc6962-merkle (relative to the repository root, where the test runs). */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/merkle.h"

#define VECTORS "../shared/vectors/rfc6962-merkle"

/* Where the public vectors are: $CAUCUS_VECTORS (the directory holding rfc6962-merkle), else
 * ../shared/vectors beside the repository (the workspace layout), else /work/shared/vectors
 * (a clone elsewhere on this machine). Never a copy inside the repository. */
static const char *vectors_dir(void)
{
    static char buf[1024];
    const char *env = getenv("CAUCUS_VECTORS");
    if (env && *env) {
        snprintf(buf, sizeof buf, "%s/rfc6962-merkle", env);
        return buf;
    }
    DIR *d = opendir(VECTORS);
    if (d) {
        closedir(d);
        return VECTORS;
    }
    return "/work/shared/vectors/rfc6962-merkle";
}

static void unhex32(const char *hex, unsigned char out[32])
{
    size_t len = 0;
    cr_assert_eq(sodium_hex2bin(out, 32, hex, strlen(hex), NULL, &len, NULL), 0);
    cr_assert_eq(len, 32);
}

static int eq32(const unsigned char *a, const unsigned char *b)
{
    return memcmp(a, b, 32) == 0;
}

/* Reference: RFC 6962 MTH by its recursive definition over leaf hashes. */
static void ref_mth(const unsigned char (*lh)[32], uint64_t n, unsigned char out[32])
{
    if (n == 0) {
        crypto_hash_sha256(out, NULL, 0);
        return;
    }
    if (n == 1) {
        memcpy(out, lh[0], 32);
        return;
    }
    uint64_t k = 1;
    while (k * 2 < n)
        k *= 2;
    unsigned char l[32], r[32], buf[65];
    ref_mth(lh, k, l);
    ref_mth(lh + k, n - k, r);
    buf[0] = 1;
    memcpy(buf + 1, l, 32);
    memcpy(buf + 33, r, 32);
    crypto_hash_sha256(out, buf, 65);
}

/* n event-like leaves: data i = SHA-256("event i"), leaf hashes in lh (when non-NULL). */
static void make_leaves(uint64_t n, unsigned char (*data)[32], unsigned char (*lh)[32])
{
    for (uint64_t i = 0; i < n; i++) {
        char s[40];
        int len = snprintf(s, sizeof s, "event %llu", (unsigned long long)i);
        crypto_hash_sha256(data[i], (const unsigned char *)s, (size_t)len);
        if (lh)
            cc_merkle_leaf_hash(data[i], 32, lh[i]);
    }
}

/* ---- hashing and the streaming root ---- */

Test(merkle, hashes_known_answers)
{
    unsigned char h[32], want[32];
    cc_merkle_empty_root(h);
    unhex32("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", want);
    cr_expect(eq32(h, want));
    cc_merkle_leaf_hash("", 0, h);
    unhex32("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d", want);
    cr_expect(eq32(h, want));
    unsigned char l[32], r[32];
    memset(l, 0, 32);
    memset(r, 1, 32);
    cc_merkle_node_hash(l, r, h);
    unhex32("2ad82c3a51e8ed6418cb5bf267c5f9e521b99f7ab4fce657f460a8f1a3e87b2e", want);
    cr_expect(eq32(h, want));
    cc_merkle_node_hash(l, r, l); /* out may alias an input */
    cr_expect(eq32(l, want));
}

/* The RFC 6962 test leaves used by Certificate Transparency implementations; roots for sizes 1..8. */
Test(merkle, rfc6962_roots_of_the_standard_leaves)
{
    static const char *data[8] = {"",
                                  "\x00",
                                  "\x10",
                                  "\x20\x21",
                                  "\x30\x31",
                                  "\x40\x41\x42\x43",
                                  "\x50\x51\x52\x53\x54\x55\x56\x57",
                                  "\x60\x61\x62\x63\x64\x65\x66\x67\x68\x69\x6a\x6b\x6c\x6d\x6e\x6f"};
    static const size_t len[8] = {0, 1, 1, 2, 2, 4, 8, 16};
    static const char *roots[8] = {
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    };
    cc_merkle_stream *s = cc_merkle_stream_new();
    cr_assert_not_null(s);
    for (int i = 0; i < 8; i++) {
        cr_assert_eq(cc_merkle_stream_append(s, data[i], len[i]), CC_OK);
        unsigned char root[32], want[32];
        cc_merkle_stream_root(s, root);
        unhex32(roots[i], want);
        cr_expect(eq32(root, want), "size %d", i + 1);
    }
    cc_merkle_stream_free(s);
}

/* Leaves SHA-256("event i") as caucus uses them (event hashes); values from Python hashlib. */
Test(merkle, event_hash_leaves_known_roots)
{
    static unsigned char data[1000][32];
    make_leaves(1000, data, NULL);
    cc_merkle_stream *s = cc_merkle_stream_new();
    unsigned char root[32], want[32];
    for (int i = 0; i < 1000; i++) {
        cc_merkle_stream_append(s, data[i], 32);
        if (i == 6) {
            cc_merkle_stream_root(s, root);
            unhex32("0c81987f75d6996491309991da68af48923adde91de36c6936de0364747d588d", want);
            cr_expect(eq32(root, want));
        }
    }
    cc_merkle_stream_root(s, root);
    unhex32("5fee179b3c3e9eed9c656c4f4215105acb1435bfeb42712dd102bd912cb5d75c", want);
    cr_expect(eq32(root, want));
    cr_expect_eq(cc_merkle_stream_size(s), 1000);
    cc_merkle_stream_free(s);
}

Test(merkle, stream_matches_recursive_definition_at_every_size)
{
    enum { N = 300 };
    static unsigned char data[N][32], lh[N][32];
    make_leaves(N, data, lh);
    cc_merkle_stream *s = cc_merkle_stream_new();
    unsigned char got[32], want[32];
    cc_merkle_stream_root(s, got);
    ref_mth(lh, 0, want);
    cr_expect(eq32(got, want), "size 0");
    for (uint64_t n = 1; n <= N; n++) {
        cr_assert_eq(cc_merkle_stream_append_hash(s, lh[n - 1]), CC_OK);
        cc_merkle_stream_root(s, got);
        ref_mth(lh, n, want);
        cr_expect(eq32(got, want), "size %llu", (unsigned long long)n);
    }
    cc_merkle_stream_reset(s);
    cr_expect_eq(cc_merkle_stream_size(s), 0);
    cc_merkle_stream_root(s, got);
    ref_mth(lh, 0, want);
    cr_expect(eq32(got, want));
    cc_merkle_stream_free(s);
}

Test(merkle, frontier_saves_and_resumes_a_stream)
{
    enum { N = 200 };
    static unsigned char data[N][32], lh[N][32];
    make_leaves(N, data, lh);
    for (uint64_t cut = 0; cut <= N; cut += 7) {
        cc_merkle_stream *a = cc_merkle_stream_new(), *b = cc_merkle_stream_new();
        for (uint64_t i = 0; i < cut; i++)
            cc_merkle_stream_append_hash(a, lh[i]);
        unsigned char fr[64][32];
        size_t n = cc_merkle_stream_frontier(a, fr);
        cr_expect_eq(n, (size_t)__builtin_popcountll(cut));
        cr_assert_eq(cc_merkle_stream_restore(b, cut, (const unsigned char(*)[32])fr, n), CC_OK);
        for (uint64_t i = cut; i < N; i++) {
            cc_merkle_stream_append_hash(a, lh[i]);
            cc_merkle_stream_append_hash(b, lh[i]);
        }
        unsigned char ra[32], rb[32], want[32];
        cc_merkle_stream_root(a, ra);
        cc_merkle_stream_root(b, rb);
        ref_mth(lh, N, want);
        cr_expect(eq32(ra, want) && eq32(rb, want), "cut %llu", (unsigned long long)cut);
        /* a frontier of the wrong length is refused and leaves the stream as it was */
        cr_expect_eq(cc_merkle_stream_restore(b, cut, (const unsigned char(*)[32])fr, n + 1), CC_ERR_ARG);
        cr_expect_eq(cc_merkle_stream_restore(b, 3, (const unsigned char(*)[32])fr, 1), CC_ERR_ARG);
        cr_expect_eq(cc_merkle_stream_size(b), N);
        cc_merkle_stream_free(a);
        cc_merkle_stream_free(b);
    }
}

Test(merkle, stream_refuses_to_overflow)
{
    cc_merkle_stream *s = cc_merkle_stream_new();
    unsigned char fr[64][32];
    memset(fr, 7, sizeof fr);
    cr_assert_eq(cc_merkle_stream_restore(s, UINT64_MAX, (const unsigned char(*)[32])fr, 64), CC_OK);
    unsigned char h[32] = {0};
    cr_expect_eq(cc_merkle_stream_append_hash(s, h), CC_ERR_LIMIT);
    cr_expect_eq(cc_merkle_stream_append(s, h, 32), CC_ERR_LIMIT);
    cr_expect_eq(cc_merkle_stream_size(s), UINT64_MAX);
    /* one below the limit still appends, carrying through all 63 levels */
    cr_assert_eq(cc_merkle_stream_restore(s, UINT64_MAX - 1, (const unsigned char(*)[32])fr, 63), CC_OK);
    cr_expect_eq(cc_merkle_stream_append_hash(s, h), CC_OK);
    cr_expect_eq(cc_merkle_stream_size(s), UINT64_MAX);
    cc_merkle_stream_free(s);
}

/* ---- leaf sources ---- */

typedef struct {
    const unsigned char (*values)[32];
    uint64_t n;
    uint64_t fail_at; /* first leaf whose read fails; UINT64_MAX for never */
    uint64_t reads, max_batch;
} cb_ctx;

static cc_err cb_read(void *ctx, uint64_t first, size_t count, unsigned char (*out)[32])
{
    cb_ctx *c = ctx;
    c->reads++;
    if (count > c->max_batch)
        c->max_batch = count;
    if (c->fail_at >= first && c->fail_at < first + count)
        return CC_ERR_IO;
    if (first + count > c->n)
        return CC_ERR_NOTFOUND;
    memcpy(out, c->values + first, count * 32);
    return CC_OK;
}

Test(merkle, roots_from_array_and_callback_sources)
{
    enum { N = 1500 };
    static unsigned char data[N][32], lh[N][32];
    make_leaves(N, data, lh);
    cc_merkle_leaves arr_raw, arr_hashed, cb;
    cc_merkle_leaves_array(&arr_raw, (const unsigned char(*)[32])data, N, 1);
    cc_merkle_leaves_array(&arr_hashed, (const unsigned char(*)[32])lh, N, 0);
    cb_ctx ctx = {(const unsigned char(*)[32])data, N, UINT64_MAX, 0, 0};
    cb = (cc_merkle_leaves){cb_read, &ctx, NULL, 0, 1};
    uint64_t sizes[] = {0, 1, 2, 255, 256, 257, 1024, 1499, 1500};
    for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
        unsigned char a[32], b[32], c[32], want[32];
        cc_merkle_error err;
        cr_assert_eq(cc_merkle_root(&arr_raw, sizes[i], a, &err), CC_OK, "%s", err.message);
        cr_assert_eq(cc_merkle_root(&arr_hashed, sizes[i], b, &err), CC_OK, "%s", err.message);
        cr_assert_eq(cc_merkle_root(&cb, sizes[i], c, &err), CC_OK, "%s", err.message);
        ref_mth(lh, sizes[i], want);
        cr_expect(eq32(a, want) && eq32(b, want) && eq32(c, want), "size %llu", (unsigned long long)sizes[i]);
    }
    cr_expect_leq(ctx.max_batch, 256);
    /* range roots equal the reference over the slice */
    unsigned char r[32], want[32];
    cr_assert_eq(cc_merkle_range_root(&cb, 300, 1234, r, NULL), CC_OK);
    ref_mth(lh + 300, 934, want);
    cr_expect(eq32(r, want));
    cc_merkle_error err;
    cr_expect_eq(cc_merkle_range_root(&cb, 5, 5, r, &err), CC_ERR_RANGE);
    cr_expect_eq(cc_merkle_range_root(&cb, 6, 5, r, &err), CC_ERR_RANGE);
    cr_expect(strstr(err.message, "range") != NULL, "%s", err.message);
}

Test(merkle, source_errors_are_returned_with_the_leaves_involved)
{
    enum { N = 600 };
    static unsigned char data[N][32];
    make_leaves(N, data, NULL);
    cb_ctx ctx = {(const unsigned char(*)[32])data, N, 517, 0, 0};
    cc_merkle_leaves cb = {cb_read, &ctx, NULL, 0, 1};
    unsigned char r[32], proof[CC_MERKLE_PROOF_MAX][32];
    size_t n;
    cc_merkle_error err;
    cr_expect_eq(cc_merkle_root(&cb, N, r, &err), CC_ERR_IO);
    cr_expect(strstr(err.message, "512..599") != NULL, "%s", err.message);
    cr_expect_eq(cc_merkle_inclusion_proof(&cb, 3, N, proof, &n, &err), CC_ERR_IO);
    cr_expect_eq(cc_merkle_consistency_proof(&cb, 10, N, proof, &n, &err), CC_ERR_IO);
    cr_expect_eq(cc_merkle_subtree_consistency_proof(&cb, 512, 518, N, proof, &n, &err), CC_ERR_IO);
    cr_expect_eq(cc_merkle_subtree_inclusion_proof(&cb, 512, 512, 520, proof, &n, &err), CC_ERR_IO);
    /* the root of a prefix that avoids the failing leaf still works */
    cr_expect_eq(cc_merkle_root(&cb, 512, r, &err), CC_OK, "%s", err.message);
    /* an array shorter than the tree */
    cc_merkle_leaves arr;
    cc_merkle_leaves_array(&arr, (const unsigned char(*)[32])data, 100, 1);
    cr_expect_eq(cc_merkle_root(&arr, 101, r, &err), CC_ERR_RANGE);
    cr_expect(strstr(err.message, "leaf 100") != NULL, "%s", err.message);
    cr_expect_eq(cc_merkle_inclusion_proof(&arr, 0, 101, proof, &n, &err), CC_ERR_RANGE);
    /* no source, no room */
    cr_expect_eq(cc_merkle_root(NULL, 1, r, &err), CC_ERR_ARG);
    cc_merkle_leaves none = {NULL, NULL, NULL, 5, 0};
    cr_expect_eq(cc_merkle_root(&none, 1, r, &err), CC_ERR_ARG);
    cr_expect_eq(cc_merkle_inclusion_proof(&arr, 0, 10, NULL, &n, &err), CC_ERR_ARG);
    cr_expect_eq(cc_merkle_consistency_proof(&arr, 1, 10, proof, NULL, &err), CC_ERR_ARG);
    cr_expect_eq(cc_merkle_subtree_inclusion_proof(&arr, 1, 0, 8, NULL, &n, &err), CC_ERR_ARG);
    cr_expect_eq(cc_merkle_subtree_inclusion_proof(&arr, 1, 0, 8, proof, NULL, &err), CC_ERR_ARG);
    cr_expect_eq(cc_merkle_subtree_consistency_proof(&arr, 0, 4, 8, NULL, &n, &err), CC_ERR_ARG);
    cr_expect_eq(cc_merkle_subtree_consistency_proof(&arr, 0, 4, 8, proof, NULL, &err), CC_ERR_ARG);
    cr_expect(strstr(err.message, "no room") != NULL, "%s", err.message);
    cr_expect_eq(cc_merkle_subtree_consistency_proof(&none, 0, 4, 8, NULL, NULL, &err), CC_ERR_ARG);
}

/* ---- proofs: generation and verification, every position, every corruption ---- */

static void flip(unsigned char *h, int bit)
{
    h[bit / 8] ^= (unsigned char)(1u << (bit % 8));
}

Test(merkle, inclusion_proofs_verify_and_every_corruption_is_rejected)
{
    enum { N = 70 };
    static unsigned char data[N][32], lh[N][32];
    make_leaves(N, data, lh);
    cc_merkle_leaves src;
    cc_merkle_leaves_array(&src, (const unsigned char(*)[32])data, N, 1);
    unsigned char proof[CC_MERKLE_PROOF_MAX + 1][32];
    unsigned long verified = 0, rejected = 0;
    for (uint64_t size = 1; size <= N; size++) {
        unsigned char root[32];
        ref_mth(lh, size, root);
        for (uint64_t i = 0; i < size; i++) {
            size_t n;
            cc_merkle_error err;
            cr_assert_eq(cc_merkle_inclusion_proof(&src, i, size, proof, &n, &err), CC_OK, "%s", err.message);
            cr_assert_eq(cc_merkle_verify_inclusion(i, size, lh[i], (const unsigned char(*)[32])proof, n,
                                                    root, 32, &err),
                         CC_OK, "leaf %llu of %llu: %s", (unsigned long long)i, (unsigned long long)size,
                         err.message);
            cr_assert_eq(err.message[0], '\0');
            unsigned char implied[32];
            cr_assert_eq(cc_merkle_root_from_inclusion(i, size, lh[i], (const unsigned char(*)[32])proof, n,
                                                       implied, NULL),
                         CC_OK);
            cr_assert(eq32(implied, root));
            verified++;
#define REJECT(call, code)                                                                                   \
    do {                                                                                                     \
        cr_assert_eq((call), (code), "leaf %llu of %llu", (unsigned long long)i, (unsigned long long)size);  \
        rejected++;                                                                                          \
    } while (0)
            const unsigned char(*p)[32] = (const unsigned char(*)[32])proof;
            for (size_t k = 0; k < n; k++) {
                flip(proof[k], (int)(k * 37 % 256));
                REJECT(cc_merkle_verify_inclusion(i, size, lh[i], p, n, root, 32, NULL), CC_ERR_INVALID);
                flip(proof[k], (int)(k * 37 % 256));
            }
            unsigned char bad[32];
            memcpy(bad, lh[i], 32);
            flip(bad, 3);
            REJECT(cc_merkle_verify_inclusion(i, size, bad, p, n, root, 32, NULL), CC_ERR_INVALID);
            memcpy(bad, root, 32);
            flip(bad, 255);
            REJECT(cc_merkle_verify_inclusion(i, size, lh[i], p, n, bad, 32, NULL), CC_ERR_INVALID);
            REJECT(cc_merkle_verify_inclusion(i, size, lh[i], p, n, root, 31, NULL), CC_ERR_INVALID);
            if (n > 0)
                REJECT(cc_merkle_verify_inclusion(i, size, lh[i], p, n - 1, root, 32, NULL), CC_ERR_INVALID);
            memcpy(proof[n], root, 32);
            REJECT(cc_merkle_verify_inclusion(i, size, lh[i], p, n + 1, root, 32, NULL), CC_ERR_INVALID);
            if (size > 1) {
                uint64_t other = i ^ 1;
                if (other < size)
                    REJECT(cc_merkle_verify_inclusion(other, size, lh[i], p, n, root, 32, NULL),
                           CC_ERR_INVALID);
                /* (A different size is not always detected: leaf 0 of 3 has the same path as
                 * in a tree of 4 whose last node is leaf 2. The size comes from the signed
                 * checkpoint, which binds it.) */
            }
            REJECT(cc_merkle_verify_inclusion(size, size, lh[i], p, n, root, 32, NULL), CC_ERR_RANGE);
        }
    }
    cr_expect_eq(verified, N * (N + 1) / 2);
    cr_expect_gt(rejected, verified * 5);
    size_t n;
    cc_merkle_error err;
    cr_expect_eq(cc_merkle_inclusion_proof(&src, 5, 5, proof, &n, &err), CC_ERR_RANGE);
    cr_expect(strstr(err.message, "leaf 5 is not in a tree of 5 leaves") != NULL, "%s", err.message);
    cr_expect_eq(cc_merkle_verify_inclusion(0, 0, lh[0], NULL, 0, lh[0], 32, &err), CC_ERR_RANGE);
    cr_expect_eq(cc_merkle_verify_inclusion(0, 1, NULL, NULL, 0, lh[0], 32, &err), CC_ERR_ARG);
    cr_expect_eq(cc_merkle_verify_inclusion(0, 2, lh[0], NULL, 1, lh[0], 32, &err), CC_ERR_ARG);
    /* the size-1 tree: the leaf hash is the root, the proof is empty */
    cr_expect_eq(cc_merkle_verify_inclusion(0, 1, lh[0], NULL, 0, lh[0], 32, &err), CC_OK, "%s", err.message);
}

Test(merkle, consistency_proofs_verify_and_every_corruption_is_rejected)
{
    enum { N = 50 };
    static unsigned char data[N][32], lh[N][32], roots[N + 1][32];
    make_leaves(N, data, lh);
    for (int s = 0; s <= N; s++)
        ref_mth(lh, (uint64_t)s, roots[s]);
    cc_merkle_leaves src;
    cc_merkle_leaves_array(&src, (const unsigned char(*)[32])lh, N, 0);
    unsigned char proof[CC_MERKLE_PROOF_MAX + 1][32];
    const unsigned char(*p)[32] = (const unsigned char(*)[32])proof;
    unsigned long verified = 0, rejected = 0;
    for (uint64_t s2 = 1; s2 <= N; s2++) {
        for (uint64_t s1 = 1; s1 <= s2; s1++) {
            size_t n;
            cc_merkle_error err;
            cr_assert_eq(cc_merkle_consistency_proof(&src, s1, s2, proof, &n, &err), CC_OK, "%s",
                         err.message);
            cr_assert_eq(cc_merkle_verify_consistency(s1, s2, p, n, roots[s1], 32, roots[s2], 32, &err),
                         CC_OK, "%llu -> %llu: %s", (unsigned long long)s1, (unsigned long long)s2,
                         err.message);
            verified++;
            uint64_t i = s1, size = s2; /* for REJECT's message */
            for (size_t k = 0; k < n; k++) {
                flip(proof[k], (int)(k * 41 % 256));
                REJECT(cc_merkle_verify_consistency(s1, s2, p, n, roots[s1], 32, roots[s2], 32, NULL),
                       CC_ERR_INVALID);
                flip(proof[k], (int)(k * 41 % 256));
            }
            if (n > 0)
                REJECT(cc_merkle_verify_consistency(s1, s2, p, n - 1, roots[s1], 32, roots[s2], 32, NULL),
                       CC_ERR_INVALID);
            memcpy(proof[n], roots[s1], 32);
            REJECT(cc_merkle_verify_consistency(s1, s2, p, n + 1, roots[s1], 32, roots[s2], 32, NULL),
                   CC_ERR_INVALID);
            if (s1 != s2) {
                REJECT(cc_merkle_verify_consistency(s1, s2, p, n, roots[s2], 32, roots[s1], 32, NULL),
                       CC_ERR_INVALID);
                REJECT(cc_merkle_verify_consistency(s1 - 1 ? s1 - 1 : s1 + 1, s2, p, n, roots[s1], 32,
                                                    roots[s2], 32, NULL),
                       CC_ERR_INVALID);
            }
            REJECT(cc_merkle_verify_consistency(s1, s2, p, n, roots[s1], 32, roots[s2 - 1], 32, NULL),
                   CC_ERR_INVALID);
        }
    }
    cr_expect_eq(verified, N * (N + 1) / 2);
    cr_expect_gt(rejected, verified * 3);
    size_t n;
    cc_merkle_error err;
    cr_expect_eq(cc_merkle_consistency_proof(&src, 0, 5, proof, &n, &err), CC_ERR_RANGE);
    cr_expect(strstr(err.message, "empty tree") != NULL, "%s", err.message);
    cr_expect_eq(cc_merkle_consistency_proof(&src, 6, 5, proof, &n, &err), CC_ERR_RANGE);
    cr_expect_eq(cc_merkle_verify_consistency(0, 5, NULL, 0, roots[0], 32, roots[5], 32, &err), CC_ERR_RANGE);
    cr_expect_eq(cc_merkle_verify_consistency(6, 5, NULL, 0, roots[6], 32, roots[5], 32, &err), CC_ERR_RANGE);
    cr_expect(strstr(err.message, "larger") != NULL, "%s", err.message);
    cr_expect_eq(cc_merkle_verify_consistency(3, 5, NULL, 0, roots[3], 32, roots[5], 32, &err),
                 CC_ERR_INVALID);
    cr_expect(strstr(err.message, "empty consistency proof") != NULL, "%s", err.message);
}

/* A proof binds the leaves: change one leaf inside the old tree and the old root no longer
 * verifies against the new tree's proof and root. */
Test(merkle, consistency_detects_a_rewritten_leaf)
{
    enum { N = 40 };
    static unsigned char data[N][32], lh[N][32];
    make_leaves(N, data, lh);
    unsigned char old_root[32];
    ref_mth(lh, 13, old_root);
    for (int victim = 0; victim < 13; victim++) {
        unsigned char saved[32];
        memcpy(saved, lh[victim], 32);
        flip(lh[victim], 0);
        cc_merkle_leaves src;
        cc_merkle_leaves_array(&src, (const unsigned char(*)[32])lh, N, 0);
        unsigned char proof[CC_MERKLE_PROOF_MAX][32], new_root[32];
        size_t n;
        cr_assert_eq(cc_merkle_consistency_proof(&src, 13, N, proof, &n, NULL), CC_OK);
        ref_mth(lh, N, new_root);
        cc_merkle_error err;
        cr_expect_eq(cc_merkle_verify_consistency(13, N, (const unsigned char(*)[32])proof, n, old_root, 32,
                                                  new_root, 32, &err),
                     CC_ERR_INVALID, "victim %d", victim);
        cr_expect(strstr(err.message, "first root at size 13 does not match") != NULL, "%s", err.message);
        memcpy(lh[victim], saved, 32);
    }
}

Test(merkle, subtree_validity)
{
    cr_expect(cc_merkle_subtree_valid(0, 0));
    cr_expect(cc_merkle_subtree_valid(0, 13));
    cr_expect(cc_merkle_subtree_valid(5, 5));
    cr_expect(cc_merkle_subtree_valid(8, 16));
    cr_expect(cc_merkle_subtree_valid(8, 11));
    cr_expect(cc_merkle_subtree_valid(3, 4));
    cr_expect(cc_merkle_subtree_valid(0, UINT64_MAX));
    cr_expect(!cc_merkle_subtree_valid(1, 3));
    cr_expect(!cc_merkle_subtree_valid(2, 5));
    cr_expect(!cc_merkle_subtree_valid(2, 6));
    cr_expect(!cc_merkle_subtree_valid(4, 3));
    cr_expect(!cc_merkle_subtree_valid(1, 15));
    cr_expect(!cc_merkle_subtree_valid(1, ((uint64_t)1 << 63) + 2));
    cr_expect(cc_merkle_subtree_valid((uint64_t)1 << 63, UINT64_MAX));
}

Test(merkle, subtree_proofs_for_every_valid_subtree)
{
    enum { N = 40 };
    static unsigned char data[N][32], lh[N][32];
    make_leaves(N, data, lh);
    cc_merkle_leaves src;
    cc_merkle_leaves_array(&src, (const unsigned char(*)[32])data, N, 1);
    unsigned char proof[CC_MERKLE_PROOF_MAX + 1][32];
    const unsigned char(*p)[32] = (const unsigned char(*)[32])proof;
    unsigned long subtrees = 0, inclusions = 0, rejected = 0;
    for (uint64_t size = 1; size <= N; size++) {
        unsigned char root[32];
        ref_mth(lh, size, root);
        for (uint64_t start = 0; start < size; start++) {
            for (uint64_t end = start + 1; end <= size; end++) {
                if (!cc_merkle_subtree_valid(start, end))
                    continue;
                unsigned char sub[32], want[32];
                cc_merkle_error err;
                cr_assert_eq(cc_merkle_range_root(&src, start, end, sub, &err), CC_OK);
                ref_mth(lh + start, end - start, want);
                cr_assert(eq32(sub, want));
                size_t n;
                cr_assert_eq(cc_merkle_subtree_consistency_proof(&src, start, end, size, proof, &n, &err),
                             CC_OK, "%s", err.message);
                cr_assert_eq(
                    cc_merkle_verify_subtree_consistency(start, end, size, p, n, sub, 32, root, 32, &err),
                    CC_OK, "[%llu, %llu) in %llu: %s", (unsigned long long)start, (unsigned long long)end,
                    (unsigned long long)size, err.message);
                subtrees++;
                uint64_t i = start; /* for REJECT */
                for (size_t k = 0; k < n; k++) {
                    flip(proof[k], (int)(k * 29 % 256));
                    REJECT(
                        cc_merkle_verify_subtree_consistency(start, end, size, p, n, sub, 32, root, 32, NULL),
                        CC_ERR_INVALID);
                    flip(proof[k], (int)(k * 29 % 256));
                }
                unsigned char bad[32];
                memcpy(bad, sub, 32);
                flip(bad, 100);
                REJECT(cc_merkle_verify_subtree_consistency(start, end, size, p, n, bad, 32, root, 32, NULL),
                       CC_ERR_INVALID);
                memcpy(bad, root, 32);
                flip(bad, 100);
                REJECT(cc_merkle_verify_subtree_consistency(start, end, size, p, n, sub, 32, bad, 32, NULL),
                       CC_ERR_INVALID);
                if (n > 0)
                    REJECT(cc_merkle_verify_subtree_consistency(start, end, size, p, n - 1, sub, 32, root, 32,
                                                                NULL),
                           CC_ERR_INVALID);
                memcpy(proof[n], sub, 32);
                REJECT(
                    cc_merkle_verify_subtree_consistency(start, end, size, p, n + 1, sub, 32, root, 32, NULL),
                    CC_ERR_INVALID);
                if (end < size)
                    REJECT(
                        cc_merkle_verify_subtree_consistency(start, end, end, p, n, sub, 32, root, 32, NULL),
                        CC_ERR_INVALID);
                if (start == 0 && end < size) {
                    /* from the start this is the ordinary consistency proof, hash for hash */
                    unsigned char plain[CC_MERKLE_PROOF_MAX][32];
                    size_t m;
                    cr_assert_eq(cc_merkle_consistency_proof(&src, end, size, plain, &m, NULL), CC_OK);
                    cr_assert_eq(cc_merkle_subtree_consistency_proof(&src, 0, end, size, proof, &n, NULL),
                                 CC_OK);
                    cr_assert(m == n && memcmp(plain, proof, n * 32) == 0);
                }
                for (uint64_t idx = start; idx < end; idx++) {
                    cr_assert_eq(cc_merkle_subtree_inclusion_proof(&src, idx, start, end, proof, &n, &err),
                                 CC_OK, "%s", err.message);
                    cr_assert_eq(
                        cc_merkle_verify_subtree_inclusion(idx, start, end, lh[idx], p, n, sub, 32, &err),
                        CC_OK, "%s", err.message);
                    inclusions++;
                    if (n > 0) {
                        flip(proof[n - 1], 9);
                        REJECT(
                            cc_merkle_verify_subtree_inclusion(idx, start, end, lh[idx], p, n, sub, 32, NULL),
                            CC_ERR_INVALID);
                    }
                    REJECT(cc_merkle_verify_subtree_inclusion(end, start, end, lh[idx], p, n, sub, 32, NULL),
                           CC_ERR_RANGE);
                }
            }
        }
    }
    cr_expect_gt(subtrees, 1000);
    cr_expect_gt(inclusions, subtrees);
    cr_expect_gt(rejected, subtrees * 3);
}

/* Rewriting a leaf inside a subtree, or a leaf outside it, breaks the subtree consistency proof. */
Test(merkle, subtree_consistency_binds_both_roots)
{
    enum { N = 24 };
    static unsigned char data[N][32], lh[N][32];
    make_leaves(N, data, lh);
    const uint64_t start = 8, end = 11, size = N;
    unsigned char sub[32], root[32];
    ref_mth(lh + start, end - start, sub);
    ref_mth(lh, size, root);
    for (uint64_t victim = 0; victim < size; victim++) {
        unsigned char saved[32];
        memcpy(saved, lh[victim], 32);
        flip(lh[victim], 1);
        cc_merkle_leaves src;
        cc_merkle_leaves_array(&src, (const unsigned char(*)[32])lh, N, 0);
        unsigned char proof[CC_MERKLE_PROOF_MAX][32], new_root[32];
        size_t n;
        cr_assert_eq(cc_merkle_subtree_consistency_proof(&src, start, end, size, proof, &n, NULL), CC_OK);
        ref_mth(lh, size, new_root);
        /* the old subtree root with the rewritten tree: always refused */
        cr_expect_eq(cc_merkle_verify_subtree_consistency(start, end, size, (const unsigned char(*)[32])proof,
                                                          n, sub, 32, new_root, 32, NULL),
                     victim >= start && victim < end ? CC_ERR_INVALID : CC_OK, "victim %llu",
                     (unsigned long long)victim);
        /* the rewritten tree's proof against the old tree root: always refused */
        cr_expect_eq(cc_merkle_verify_subtree_consistency(start, end, size, (const unsigned char(*)[32])proof,
                                                          n, sub, 32, root, 32, NULL),
                     CC_ERR_INVALID, "victim %llu", (unsigned long long)victim);
        memcpy(lh[victim], saved, 32);
    }
}

Test(merkle, subtree_errors)
{
    unsigned char proof[CC_MERKLE_PROOF_MAX][32], empty[32], h[32];
    size_t n;
    cc_merkle_error err;
    static unsigned char data[16][32];
    make_leaves(16, data, NULL);
    cc_merkle_leaves src;
    cc_merkle_leaves_array(&src, (const unsigned char(*)[32])data, 16, 1);
    cc_merkle_empty_root(empty);
    memset(h, 5, 32);
    cr_expect_eq(cc_merkle_subtree_consistency_proof(&src, 2, 5, 8, proof, &n, &err), CC_ERR_RANGE);
    cr_expect(strstr(err.message, "[2, 5) is not a subtree") != NULL, "%s", err.message);
    cr_expect_eq(cc_merkle_subtree_consistency_proof(&src, 5, 4, 8, proof, &n, &err), CC_ERR_RANGE);
    cr_expect(strstr(err.message, "starts after it ends") != NULL, "%s", err.message);
    cr_expect_eq(cc_merkle_subtree_consistency_proof(&src, 8, 16, 12, proof, &n, &err), CC_ERR_RANGE);
    cr_expect(strstr(err.message, "ends after the tree of 12 leaves") != NULL, "%s", err.message);
    cr_expect_eq(cc_merkle_subtree_inclusion_proof(&src, 1, 1, 3, proof, &n, &err), CC_ERR_RANGE);
    cr_expect_eq(cc_merkle_subtree_inclusion_proof(&src, 3, 4, 8, proof, &n, &err), CC_ERR_RANGE);
    cr_expect(strstr(err.message, "leaf 3 is not in subtree [4, 8)") != NULL, "%s", err.message);
    cr_expect_eq(cc_merkle_subtree_inclusion_proof(&src, 4, 4, 4, proof, &n, &err), CC_ERR_RANGE);
    /* empty subtrees: no proof, the empty root, and nothing said about the tree root */
    cr_expect_eq(cc_merkle_subtree_consistency_proof(&src, 4, 4, 8, proof, &n, &err), CC_OK);
    cr_expect_eq(n, 0);
    cr_expect_eq(cc_merkle_verify_subtree_consistency(4, 4, 8, NULL, 0, empty, 32, h, 32, &err), CC_OK);
    cr_expect_eq(cc_merkle_verify_subtree_consistency(4, 4, 8, NULL, 0, h, 32, h, 32, &err), CC_ERR_INVALID);
    cr_expect_eq(cc_merkle_verify_subtree_consistency(4, 4, 8, (const unsigned char(*)[32])proof, 1, empty,
                                                      32, h, 32, &err),
                 CC_ERR_INVALID);
    cr_expect_eq(cc_merkle_verify_subtree_consistency(9, 9, 8, NULL, 0, empty, 32, h, 32, &err),
                 CC_ERR_RANGE);
    cr_expect_eq(cc_merkle_verify_subtree_consistency(2, 6, 8, NULL, 0, h, 32, h, 32, &err), CC_ERR_RANGE);
    cr_expect_eq(cc_merkle_verify_subtree_inclusion(0, 0, 0, h, NULL, 0, h, 32, &err), CC_ERR_RANGE);
    cr_expect_eq(cc_merkle_verify_subtree_consistency(8, 12, 16, NULL, 0, h, 32, h, 32, &err),
                 CC_ERR_INVALID);
    cr_expect(strstr(err.message, "empty consistency proof") != NULL, "%s", err.message);
    cr_expect_eq(cc_merkle_verify_subtree_consistency(8, 12, 16, (const unsigned char(*)[32])proof, 2, h, 31,
                                                      h, 32, &err),
                 CC_ERR_INVALID);
    cr_expect(strstr(err.message, "31 bytes") != NULL, "%s", err.message);
    cr_expect_eq(cc_merkle_verify_subtree_consistency(8, 12, 16, NULL, 2, h, 32, h, 32, &err), CC_ERR_ARG);
}

/* Proofs longer than any tree needs, and random proofs, are refused without trouble. */
Test(merkle, random_and_oversized_proofs_are_refused)
{
    static unsigned char junk[CC_MERKLE_PROOF_MAX + 10][32];
    randombytes_buf(junk, sizeof junk);
    const unsigned char(*p)[32] = (const unsigned char(*)[32])junk;
    unsigned char leaf[32], root[32];
    randombytes_buf(leaf, 32);
    randombytes_buf(root, 32);
    cr_expect_eq(cc_merkle_verify_inclusion(5, UINT64_MAX, leaf, p, CC_MERKLE_PROOF_MAX + 1, root, 32, NULL),
                 CC_ERR_INVALID);
    cr_expect_eq(
        cc_merkle_verify_consistency(5, UINT64_MAX, p, CC_MERKLE_PROOF_MAX + 1, root, 32, root, 32, NULL),
        CC_ERR_INVALID);
    for (int t = 0; t < 2000; t++) {
        uint64_t size =
            ((uint64_t)randombytes_random() << 32 | randombytes_random()) >> (randombytes_random() % 64);
        if (size == 0)
            size = 1;
        uint64_t idx = size > 1 ? ((uint64_t)randombytes_random() << 32 | randombytes_random()) % size : 0;
        size_t n = randombytes_uniform(CC_MERKLE_PROOF_MAX + 5);
        cr_expect_neq(cc_merkle_verify_inclusion(idx, size, leaf, p, n, root, 32, NULL), CC_OK);
        cr_expect_neq(cc_merkle_verify_consistency(idx + 1, size, p, n, leaf, 32, root, 32, NULL), CC_OK);
        cr_expect_neq(cc_merkle_verify_subtree_consistency(0, idx + 1, size, p, n, leaf, 32, root, 32, NULL),
                      CC_OK);
    }
}

/* A large tree read through the callback: a proof at size one million. */
Test(merkle, proofs_in_a_million_leaf_tree)
{
    enum { N = 1000000 };
    unsigned char(*data)[32] = malloc((size_t)N * 32);
    cr_assert_not_null(data);
    make_leaves(N, data, NULL);
    cb_ctx ctx = {(const unsigned char(*)[32])data, N, UINT64_MAX, 0, 0};
    cc_merkle_leaves cb = {cb_read, &ctx, NULL, 0, 1};
    cc_merkle_stream *s = cc_merkle_stream_new();
    for (uint64_t i = 0; i < N; i++)
        cc_merkle_stream_append(s, data[i], 32);
    unsigned char root[32], mid_root[32], leaf[32], proof[CC_MERKLE_PROOF_MAX][32];
    cc_merkle_stream_root(s, root);
    size_t n;
    cc_merkle_error err;
    cr_assert_eq(cc_merkle_inclusion_proof(&cb, 777777, N, proof, &n, &err), CC_OK, "%s", err.message);
    cr_expect_eq(n, 20);
    cc_merkle_leaf_hash(data[777777], 32, leaf);
    cr_expect_eq(
        cc_merkle_verify_inclusion(777777, N, leaf, (const unsigned char(*)[32])proof, n, root, 32, &err),
        CC_OK, "%s", err.message);
    cr_assert_eq(cc_merkle_root(&cb, 654321, mid_root, &err), CC_OK);
    cr_assert_eq(cc_merkle_consistency_proof(&cb, 654321, N, proof, &n, &err), CC_OK, "%s", err.message);
    cr_expect_eq(cc_merkle_verify_consistency(654321, N, (const unsigned char(*)[32])proof, n, mid_root, 32,
                                              root, 32, &err),
                 CC_OK, "%s", err.message);
    cc_merkle_stream_free(s);
    free(data);
}

/* ---- the public vectors ---- */

typedef struct {
    unsigned long total, accepted, rejected, undecodable, wrong;
} tally;

/* Decodes base64 (standard, padded); returns the length or -1. */
static long b64(const char *s, unsigned char *out, size_t cap)
{
    size_t len = 0;
    const char *end = NULL;
    if (sodium_base642bin(out, cap, s, strlen(s), NULL, &len, &end, sodium_base64_VARIANT_ORIGINAL) != 0 ||
        end != s + strlen(s))
        return -1;
    return (long)len;
}

/* Exact unsigned value of member key: jansson holds integers up to 2^63 - 1; a larger one was
 * decoded as a real (JSON_DECODE_INT_AS_REAL), so read its digits from the file text. */
static int get_u64(json_t *o, const char *key, const char *text, uint64_t *out)
{
    json_t *v = json_object_get(o, key);
    if (json_is_integer(v) && json_integer_value(v) >= 0) {
        *out = (uint64_t)json_integer_value(v);
        return 0;
    }
    if (!json_is_real(v))
        return -1;
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\"", key);
    const char *p = strstr(text, pat);
    if (!p)
        return -1;
    p += strlen(pat);
    while (*p == ' ' || *p == ':' || *p == '\n' || *p == '\t' || *p == '\r')
        p++;
    errno = 0;
    char *e;
    unsigned long long x = strtoull(p, &e, 10);
    if (errno || e == p || *p == '-')
        return -1;
    *out = x;
    return 0;
}

typedef struct {
    unsigned char leaf[32];
    unsigned char root1[64], root2[64];
    long root1_len, root2_len;
    unsigned char proof[CC_MERKLE_PROOF_MAX + 8][32];
    size_t n;
    int undecodable; /* a leaf or proof hash that is not 32 bytes: no call can carry it */
} vec_hashes;

static void get_hashes(json_t *o, const char *r1, const char *r2, int with_leaf, vec_hashes *h,
                       const char *file)
{
    memset(h, 0, sizeof *h);
    json_t *v1 = json_object_get(o, r1), *v2 = r2 ? json_object_get(o, r2) : NULL;
    cr_assert(json_is_string(v1), "%s: %s", file, r1);
    h->root1_len = b64(json_string_value(v1), h->root1, sizeof h->root1);
    cr_assert_geq(h->root1_len, 0, "%s", file);
    if (r2) {
        cr_assert(json_is_string(v2), "%s: %s", file, r2);
        h->root2_len = b64(json_string_value(v2), h->root2, sizeof h->root2);
        cr_assert_geq(h->root2_len, 0, "%s", file);
    }
    if (with_leaf) {
        json_t *l = json_object_get(o, "leafHash");
        cr_assert(json_is_string(l), "%s", file);
        unsigned char tmp[64];
        if (b64(json_string_value(l), tmp, sizeof tmp) != 32)
            h->undecodable = 1;
        else
            memcpy(h->leaf, tmp, 32);
    }
    json_t *p = json_object_get(o, "proof");
    cr_assert(json_is_null(p) || json_is_array(p), "%s: proof", file);
    size_t i;
    json_t *e;
    json_array_foreach(p, i, e)
    {
        cr_assert(json_is_string(e), "%s", file);
        cr_assert_lt(i, CC_MERKLE_PROOF_MAX + 8, "%s", file);
        unsigned char tmp[64];
        if (b64(json_string_value(e), tmp, sizeof tmp) != 32)
            h->undecodable = 1;
        else
            memcpy(h->proof[h->n++], tmp, 32);
    }
}

static void run_vector(const char *kind, const char *file, tally *t)
{
    FILE *f = fopen(file, "rb");
    cr_assert_not_null(f, "%s", file);
    static char text[1 << 16];
    size_t len = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[len] = '\0';
    json_error_t jerr;
    json_t *o = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!o) /* an integer beyond 2^63 - 1 */
        o = json_loadb(text, len, JSON_REJECT_DUPLICATES | JSON_DECODE_INT_AS_REAL, &jerr);
    cr_assert_not_null(o, "%s:%d: %s", file, jerr.line, jerr.text);
    json_t *want = json_object_get(o, "wantErr");
    cr_assert(json_is_boolean(want), "%s: wantErr", file);
    int want_err = json_is_true(want);
    vec_hashes *h = malloc(sizeof *h);
    cr_assert_not_null(h);
    const unsigned char(*p)[32] = (const unsigned char(*)[32])h->proof;
    cc_err rc;
    cc_merkle_error err;
    uint64_t a, b, c;
    if (strcmp(kind, "inclusion") == 0) {
        cr_assert(!get_u64(o, "leafIdx", text, &a) && !get_u64(o, "treeSize", text, &b), "%s", file);
        get_hashes(o, "root", NULL, 1, h, file);
        rc = h->undecodable
                 ? CC_ERR_PARSE
                 : cc_merkle_verify_inclusion(a, b, h->leaf, p, h->n, h->root1, (size_t)h->root1_len, &err);
    } else if (strcmp(kind, "subtreeinclusion") == 0) {
        cr_assert(!get_u64(o, "leafIdx", text, &a) && !get_u64(o, "start", text, &b) &&
                      !get_u64(o, "end", text, &c),
                  "%s", file);
        get_hashes(o, "root", NULL, 1, h, file);
        rc = h->undecodable ? CC_ERR_PARSE
                            : cc_merkle_verify_subtree_inclusion(a, b, c, h->leaf, p, h->n, h->root1,
                                                                 (size_t)h->root1_len, &err);
    } else if (strcmp(kind, "consistency") == 0) {
        cr_assert(!get_u64(o, "size1", text, &a) && !get_u64(o, "size2", text, &b), "%s", file);
        get_hashes(o, "root1", "root2", 0, h, file);
        rc = h->undecodable ? CC_ERR_PARSE
                            : cc_merkle_verify_consistency(a, b, p, h->n, h->root1, (size_t)h->root1_len,
                                                           h->root2, (size_t)h->root2_len, &err);
    } else {
        cr_assert(!get_u64(o, "start", text, &a) && !get_u64(o, "end", text, &b) &&
                      !get_u64(o, "size", text, &c),
                  "%s", file);
        get_hashes(o, "root1", "root2", 0, h, file);
        rc = h->undecodable
                 ? CC_ERR_PARSE
                 : cc_merkle_verify_subtree_consistency(a, b, c, p, h->n, h->root1, (size_t)h->root1_len,
                                                        h->root2, (size_t)h->root2_len, &err);
    }
    t->total++;
    if (h->undecodable)
        t->undecodable++;
    if (rc == CC_OK)
        t->accepted++;
    else
        t->rejected++;
    if ((rc == CC_OK) == want_err) {
        t->wrong++;
        cr_log_error("%s: wantErr %s but got %s (%s)", file, want_err ? "true" : "false", cc_err_str(rc),
                     rc == CC_OK ? "" : err.message);
    } else if (rc != CC_OK && !h->undecodable) {
        cr_assert(rc == CC_ERR_RANGE || rc == CC_ERR_INVALID, "%s: %s", file, cc_err_str(rc));
        cr_assert_neq(err.message[0], '\0', "%s", file);
    }
    free(h);
    json_decref(o);
}

static void walk(const char *kind, const char *dir, tally *t)
{
    DIR *d = opendir(dir);
    cr_assert_not_null(d, "cannot open %s (%s): the vectors must be at %s (or set CAUCUS_VECTORS)", dir,
                       strerror(errno), vectors_dir());
    struct dirent *e;
    char **names = NULL;
    size_t n = 0;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        names = realloc(names, (n + 1) * sizeof *names);
        names[n++] = strdup(e->d_name);
    }
    closedir(d);
    for (size_t i = 0; i < n; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        struct stat st;
        cr_assert_eq(stat(path, &st), 0, "%s", path);
        size_t l = strlen(names[i]);
        if (S_ISDIR(st.st_mode))
            walk(kind, path, t);
        else if (l > 5 && strcmp(names[i] + l - 5, ".json") == 0)
            run_vector(kind, path, t);
        free(names[i]);
    }
    free(names);
}

/* Every case of one vector directory: wantErr false verifies, wantErr true is refused. The
 * counts are those of the vectors' snapshot (transparency-dev/merkle 417fb0c); a walker that
 * skipped a folder would change them. Cases whose leaf or proof hashes are not 32 bytes cannot
 * be passed to a 32-byte API; all of them are wantErr true and count as refused. */
static void check_dir(const char *kind, unsigned long want_total, unsigned long want_ok)
{
    tally t = {0};
    char dir[512];
    snprintf(dir, sizeof dir, "%s/%s", vectors_dir(), kind);
    walk(kind, dir, &t);
    cr_log_info("%s: %lu cases, %lu verified, %lu refused (%lu of them undecodable)", kind, t.total,
                t.accepted, t.rejected, t.undecodable);
    cr_assert_gt(t.total, 0, "%s: no cases", kind);
    cr_expect_eq(t.wrong, 0, "%s: %lu cases with the wrong outcome", kind, t.wrong);
    cr_expect_eq(t.total, want_total, "%s: %lu cases", kind, t.total);
    cr_expect_eq(t.accepted, want_ok, "%s: %lu verified", kind, t.accepted);
    cr_expect_lt(t.undecodable, t.rejected);
}

Test(merkle_vectors, inclusion)
{
    check_dir("inclusion", 98, 6);
}

Test(merkle_vectors, consistency)
{
    check_dir("consistency", 98, 6);
}

Test(merkle_vectors, subtreeinclusion)
{
    check_dir("subtreeinclusion", 204, 12);
}

Test(merkle_vectors, subtreeconsistency)
{
    check_dir("subtreeconsistency", 118, 12);
}
