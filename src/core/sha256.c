/* sha256 — see sha256.h.
 *
 * OpenSSL 3 marks the SHA256_Init/Update/Final functions deprecated in favour of EVP, but they
 * remain in every 3.x release and run the same assembly as EVP (the CPU's SHA extensions where
 * present) on a state the caller holds. The EVP interface needs an allocated context and costs
 * about 400 ns a call more: more than the hash of a 300-byte event line itself on a CPU with
 * SHA-NI (bench/RESULTS.md). Hence this file alone asks for the deprecated declarations. */
#define OPENSSL_SUPPRESS_DEPRECATED
#include "core/sha256.h"

#include <openssl/sha.h>

_Static_assert(sizeof(SHA256_CTX) <= sizeof(((cc_sha256_ctx *)0)->opaque),
               "cc_sha256_ctx holds a SHA256_CTX");
_Static_assert(_Alignof(SHA256_CTX) <= 8, "cc_sha256_ctx is aligned for a SHA256_CTX");

void cc_sha256_init(cc_sha256_ctx *h)
{
    SHA256_Init((SHA256_CTX *)(void *)h->opaque);
}

void cc_sha256_update(cc_sha256_ctx *h, const void *data, size_t len)
{
    if (len)
        SHA256_Update((SHA256_CTX *)(void *)h->opaque, data, len);
}

void cc_sha256_final(cc_sha256_ctx *h, unsigned char out[CC_SHA256_BYTES])
{
    SHA256_Final(out, (SHA256_CTX *)(void *)h->opaque);
}

void cc_sha256(const void *data, size_t len, unsigned char out[CC_SHA256_BYTES])
{
    cc_sha256_ctx h;
    cc_sha256_init(&h);
    cc_sha256_update(&h, data, len);
    cc_sha256_final(&h, out);
}
