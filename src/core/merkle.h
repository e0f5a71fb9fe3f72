/* merkle — RFC 6962 / RFC 9162 Merkle tree over the event log: leaf and node hashing, a
 * streaming root in O(log n) memory (the "frontier" of a compact range), inclusion and
 * consistency proofs and their verification, and the subtree proofs of the Merkle Tree
 * Certificates draft (subtree [start, end) of a larger tree). Pure: no I/O, no global state.
 *
 * Hashing (SHA-256): leaf = SHA-256(0x00 || data), node = SHA-256(0x01 || left || right),
 * empty tree = SHA-256(""). In caucus the leaves' data are the 32-byte event hashes of the log,
 * in log order (leaf i = event seq i). Format and auditing: docs/tamper-evidence.md. */
#ifndef CC_MERKLE_H
#define CC_MERKLE_H

#include <stddef.h>
#include <stdint.h>

#include "core/diag.h"

#define CC_MERKLE_HASH_SIZE 32
/* Longest proof any function produces or accepts: 64 levels for 64-bit sizes, plus one. */
#define CC_MERKLE_PROOF_MAX 65

/* Why a call failed; message is "" on success. Every err argument may be NULL. */
typedef cc_error cc_merkle_error; /* core/diag's error type */

/* out = SHA-256(0x00 || data[0..len)). */
void cc_merkle_leaf_hash(const void *data, size_t len, unsigned char out[32]);
/* out = SHA-256(0x01 || left || right); out may alias left or right. */
void cc_merkle_node_hash(const unsigned char left[32], const unsigned char right[32], unsigned char out[32]);
/* out = SHA-256 of no bytes, the root of the empty tree. */
void cc_merkle_empty_root(unsigned char out[32]);

/* ---- Streaming root ----------------------------------------------------------------------
 * Leaves are appended one at a time; the stream keeps only the roots of the perfect subtrees
 * that make up [0, size) (at most 64 hashes), so the root of a stream of any length costs
 * O(log n) memory, one leaf hash and on average one node hash per leaf. */
typedef struct cc_merkle_stream cc_merkle_stream;

/* A new empty stream (size 0); NULL when out of memory. Free with cc_merkle_stream_free. */
cc_merkle_stream *cc_merkle_stream_new(void);
void cc_merkle_stream_free(cc_merkle_stream *s);
void cc_merkle_stream_reset(cc_merkle_stream *s); /* back to size 0 */
uint64_t cc_merkle_stream_size(const cc_merkle_stream *s);
/* Appends a leaf given its leaf hash. CC_ERR_LIMIT when the size would exceed 2^64 - 1. */
cc_err cc_merkle_stream_append_hash(cc_merkle_stream *s, const unsigned char leaf_hash[32]);
/* Appends a leaf given its data (hashed as a leaf first): for caucus, an event's 32-byte hash. */
cc_err cc_merkle_stream_append(cc_merkle_stream *s, const void *data, size_t len);
/* The root of the tree of the leaves appended so far (the empty root at size 0). */
void cc_merkle_stream_root(const cc_merkle_stream *s, unsigned char root[32]);
/* The frontier: the roots of the perfect subtrees covering [0, size), left to right, one per
 * set bit of size (largest first). Writes popcount(size) hashes to out (room for 64) and
 * returns that count. Store it with the size to resume appending later. */
size_t cc_merkle_stream_frontier(const cc_merkle_stream *s, unsigned char (*out)[32]);
/* Sets the stream to the given size and frontier (as cc_merkle_stream_frontier wrote it).
 * CC_ERR_ARG when n != popcount(size). */
cc_err cc_merkle_stream_restore(cc_merkle_stream *s, uint64_t size, const unsigned char (*frontier)[32],
                                size_t n);

/* ---- Leaf sources and proof generation ---------------------------------------------------
 * Proofs are generated from the leaves themselves, read either from an array in memory or
 * through a callback. read(ctx, first, count, out) copies leaves [first, first + count) into
 * out[0..count) and returns CC_OK, or an error that aborts the call and is returned as is.
 * When raw is nonzero the values are the leaves' 32-byte data (the event hashes) and the
 * library applies the leaf hash; otherwise they are leaf hashes already.
 * Each function reads every leaf of the range it covers once, in increasing order and in
 * batches of at most 256, so it costs O(size) hashing and O(log size) memory. */
typedef cc_err (*cc_merkle_read_fn)(void *ctx, uint64_t first, size_t count, unsigned char (*out)[32]);
typedef struct cc_merkle_leaves {
    cc_merkle_read_fn read;            /* NULL: read from values */
    void *ctx;                         /* passed to read */
    const unsigned char (*values)[32]; /* when read is NULL: count values, borrowed */
    uint64_t count;
    int raw;
} cc_merkle_leaves;

/* Fills *src to read from an array of n 32-byte values (borrowed; must outlive every use of
 * src). Reading past n fails with CC_ERR_RANGE. */
void cc_merkle_leaves_array(cc_merkle_leaves *src, const unsigned char (*values)[32], uint64_t n, int raw);

/* Root of the tree of the first size leaves (the empty root for 0). */
cc_err cc_merkle_root(const cc_merkle_leaves *src, uint64_t size, unsigned char root[32],
                      cc_merkle_error *err);
/* Root of the subtree over leaves [start, end), start < end (any range, valid or not). */
cc_err cc_merkle_range_root(const cc_merkle_leaves *src, uint64_t start, uint64_t end, unsigned char root[32],
                            cc_merkle_error *err);

/* Proof outputs: proof must have room for CC_MERKLE_PROOF_MAX hashes; *n receives the count.
 * Proof hashes are ordered from the leaf level upwards, as in RFC 9162.
 * Errors: CC_ERR_RANGE for sizes or indices that admit no proof; the source's error. */

/* RFC 9162 2.1.3.1: inclusion of leaf index in the tree of size leaves (index < size). */
cc_err cc_merkle_inclusion_proof(const cc_merkle_leaves *src, uint64_t index, uint64_t size,
                                 unsigned char (*proof)[32], size_t *n, cc_merkle_error *err);
/* RFC 9162 2.1.4.1: consistency of the tree of size1 leaves with that of size2 (0 < size1 <= size2). */
cc_err cc_merkle_consistency_proof(const cc_merkle_leaves *src, uint64_t size1, uint64_t size2,
                                   unsigned char (*proof)[32], size_t *n, cc_merkle_error *err);

/* A subtree [start, end) is valid when start <= end and start is a multiple of the smallest
 * power of two >= end - start (so it is a node, or the left part of a node, of any tree that
 * contains it). Returns 1 when valid, 0 otherwise. */
int cc_merkle_subtree_valid(uint64_t start, uint64_t end);
/* Inclusion of leaf index in the valid subtree [start, end), start <= index < end: the inclusion
 * proof of index - start in the tree of leaves [start, end). */
cc_err cc_merkle_subtree_inclusion_proof(const cc_merkle_leaves *src, uint64_t index, uint64_t start,
                                         uint64_t end, unsigned char (*proof)[32], size_t *n,
                                         cc_merkle_error *err);
/* Consistency of the valid subtree [start, end) with the tree of size leaves (end <= size). For
 * start = 0 this is the consistency proof from size end to size. */
cc_err cc_merkle_subtree_consistency_proof(const cc_merkle_leaves *src, uint64_t start, uint64_t end,
                                           uint64_t size, unsigned char (*proof)[32], size_t *n,
                                           cc_merkle_error *err);

/* ---- Verification ------------------------------------------------------------------------
 * Roots are compared as byte strings (root, root_len): a root that is not 32 bytes long never
 * matches a computed hash, and two given roots match only when identical. Leaf and proof hashes
 * are 32 bytes each. Return values:
 *   CC_OK           the proof verifies;
 *   CC_ERR_RANGE    the indices or sizes admit no proof (index >= size, size1 > size2,
 *                   size1 = 0, a subtree that is not valid or not inside the tree);
 *   CC_ERR_INVALID  the proof has the wrong length, or a computed hash differs from a given one;
 *   CC_ERR_ARG      a NULL pointer where data is needed.
 * err->message says which, with the sizes involved. */

/* RFC 9162 2.1.3.2. */
cc_err cc_merkle_verify_inclusion(uint64_t index, uint64_t size, const unsigned char leaf_hash[32],
                                  const unsigned char (*proof)[32], size_t n, const unsigned char *root,
                                  size_t root_len, cc_merkle_error *err);
/* The root an inclusion proof implies (the first half of verification); same errors except
 * that no root is compared. */
cc_err cc_merkle_root_from_inclusion(uint64_t index, uint64_t size, const unsigned char leaf_hash[32],
                                     const unsigned char (*proof)[32], size_t n, unsigned char root[32],
                                     cc_merkle_error *err);
/* RFC 9162 2.1.4.2. size1 = 0 is refused (CC_ERR_RANGE): every tree extends the empty one, so
 * such a proof would prove nothing. size1 = size2 needs an empty proof and root1 = root2. */
cc_err cc_merkle_verify_consistency(uint64_t size1, uint64_t size2, const unsigned char (*proof)[32],
                                    size_t n, const unsigned char *root1, size_t root1_len,
                                    const unsigned char *root2, size_t root2_len, cc_merkle_error *err);
/* Inclusion of leaf index in the subtree [start, end) whose root is root. */
cc_err cc_merkle_verify_subtree_inclusion(uint64_t index, uint64_t start, uint64_t end,
                                          const unsigned char leaf_hash[32], const unsigned char (*proof)[32],
                                          size_t n, const unsigned char *root, size_t root_len,
                                          cc_merkle_error *err);
/* Consistency of subtree [start, end) with root sub_root and the tree of size leaves with root
 * root. An empty subtree (start = end <= size) needs an empty proof and sub_root = the empty
 * root, and says nothing about root. */
cc_err cc_merkle_verify_subtree_consistency(uint64_t start, uint64_t end, uint64_t size,
                                            const unsigned char (*proof)[32], size_t n,
                                            const unsigned char *sub_root, size_t sub_root_len,
                                            const unsigned char *root, size_t root_len, cc_merkle_error *err);

#endif
