/* sha256 — SHA-256 (FIPS 180-4) on the hardware: OpenSSL's libcrypto, which uses the CPU's SHA
 * extensions (SHA-NI on x86-64, the ARMv8 crypto extensions) where present and its portable code
 * elsewhere; the same bytes everywhere (tested against FIPS 180-4 vectors and libsodium's
 * implementation). Every hash of the product goes through here: event hashes, the Merkle tree,
 * signed notes' key ids, scenario and note digests, session tokens. libsodium stays for Ed25519,
 * argon2id and random bytes.
 *
 * The state lives where the caller puts it (a stack variable): no allocation, no global state.
 * Pure: no I/O. */
#ifndef CC_SHA256_H
#define CC_SHA256_H
#include <stddef.h>

#define CC_SHA256_BYTES 32

/* A hash being computed. Its bytes are libcrypto's state; use only through the functions below. */
typedef struct cc_sha256_ctx {
    _Alignas(8) unsigned char opaque[128];
} cc_sha256_ctx;

void cc_sha256_init(cc_sha256_ctx *h);
void cc_sha256_update(cc_sha256_ctx *h, const void *data, size_t len);
/* Writes the digest to out and leaves h to be initialised again before reuse. */
void cc_sha256_final(cc_sha256_ctx *h, unsigned char out[CC_SHA256_BYTES]);
/* The digest of data[0..len) (len 0 with data NULL: the empty string's). */
void cc_sha256(const void *data, size_t len, unsigned char out[CC_SHA256_BYTES]);
#endif
