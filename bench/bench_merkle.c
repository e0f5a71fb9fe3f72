/* Merkle streaming root: leaves per second appended to a cc_merkle_stream (leaf hash plus the
 * node hashes of the frontier), against the baseline of plain SHA-256 over 32-byte inputs in
 * the same process. Leaves are 32-byte event hashes, as in caucus. Prints one number per run.
 * Usage: bench_merkle stream|sha256|sodium|proof N */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "core/merkle.h"
#include "core/sha256.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts); /* CPU time: the machine is shared */
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Event hash i: cheap to produce, different for every leaf, not a hash we measure. */
static void event_hash(uint64_t i, unsigned char out[32])
{
    memset(out, 0x5a, 32);
    memcpy(out, &i, sizeof i);
}

typedef struct {
    const unsigned char (*leaves)[32];
    uint64_t read;
} counted;

/* A leaf source over memory that counts the leaves read (what proof generation costs). */
static cc_err counted_read(void *ctx, uint64_t first, size_t count, unsigned char (*out)[32])
{
    counted *c = ctx;
    memcpy(out, c->leaves + first, count * 32);
    c->read += count;
    return CC_OK;
}

int main(int argc, char **argv)
{
    if (argc != 3 || sodium_init() < 0)
        return 2;
    uint64_t n = strtoull(argv[2], NULL, 10);
    unsigned char h[32], acc[32] = {0};
    double t0, dt;
    if (strcmp(argv[1], "stream") == 0) {
        cc_merkle_stream *s = cc_merkle_stream_new();
        if (!s)
            return 1;
        t0 = now_s();
        for (uint64_t i = 0; i < n; i++) {
            event_hash(i, h);
            cc_merkle_stream_append(s, h, 32);
        }
        cc_merkle_stream_root(s, acc);
        dt = now_s() - t0;
        cc_merkle_stream_free(s);
    } else if (strcmp(argv[1], "sha256") == 0) {
        t0 = now_s();
        for (uint64_t i = 0; i < n; i++) {
            event_hash(i, h);
            cc_sha256(h, 32, h);
            acc[i & 31] ^= h[0];
        }
        dt = now_s() - t0;
    } else if (strcmp(argv[1], "sodium") == 0) { /* the portable C SHA-256 caucus used before */
        t0 = now_s();
        for (uint64_t i = 0; i < n; i++) {
            event_hash(i, h);
            crypto_hash_sha256(h, h, 32);
            acc[i & 31] ^= h[0];
        }
        dt = now_s() - t0;
    } else if (strcmp(argv[1], "proof") == 0) {
        /* inclusion + consistency proof generation and verification over n leaves in memory */
        unsigned char(*leaves)[32] = malloc(n * 32);
        if (!leaves || n < 2)
            return 1;
        for (uint64_t i = 0; i < n; i++)
            event_hash(i, leaves[i]);
        counted ctx = {(const unsigned char(*)[32])leaves, 0};
        cc_merkle_leaves src = {counted_read, &ctx, NULL, 0, 1};
        unsigned char proof[CC_MERKLE_PROOF_MAX][32], root[32], old[32], leaf[32];
        size_t k;
        t0 = now_s();
        if (cc_merkle_root(&src, n, root, NULL) != CC_OK ||
            cc_merkle_root(&src, n / 2 + 1, old, NULL) != CC_OK ||
            cc_merkle_inclusion_proof(&src, n / 3, n, proof, &k, NULL) != CC_OK)
            return 1;
        cc_merkle_leaf_hash(leaves[n / 3], 32, leaf);
        if (cc_merkle_verify_inclusion(n / 3, n, leaf, (const unsigned char(*)[32])proof, k, root, 32,
                                       NULL) != CC_OK ||
            cc_merkle_consistency_proof(&src, n / 2 + 1, n, proof, &k, NULL) != CC_OK ||
            cc_merkle_verify_consistency(n / 2 + 1, n, (const unsigned char(*)[32])proof, k, old, 32, root,
                                         32, NULL) != CC_OK)
            return 1;
        dt = now_s() - t0;
        memcpy(acc, root, 32);
        free(leaves);
        /* leaves read (and hashed) per second by two roots and two proofs */
        n = ctx.read;
    } else {
        return 2;
    }
    printf("%.0f\n", (double)n / dt);
    fprintf(stderr, "checksum %02x%02x%02x%02x\n", acc[0], acc[1], acc[2], acc[3]);
    return 0;
}
