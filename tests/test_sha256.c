/* Tests of core/sha256: the FIPS 180-4 example vectors (written out from the standard), a million
 * 'a', and every length from 0 to 1,100 bytes, whole and split into pieces at every place, against
 * libsodium's independent implementation. */
#include <criterion/criterion.h>
#include <sodium.h>
#include <string.h>

#include "core/evlog.h"
#include "core/sha256.h"

static void expect_hex(const unsigned char *h, const char *want)
{
    char hex[65];
    cc_hex(h, 32, hex);
    cr_expect_str_eq(hex, want);
}

Test(sha256, the_fips_180_4_examples)
{
    unsigned char h[32];
    cc_sha256("abc", 3, h);
    expect_hex(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    cc_sha256(NULL, 0, h);
    expect_hex(h, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    const char *m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    cc_sha256(m, strlen(m), h);
    expect_hex(h, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    /* a million 'a', fed in pieces of 1,000 */
    char a[1000];
    memset(a, 'a', sizeof a);
    cc_sha256_ctx c;
    cc_sha256_init(&c);
    for (int i = 0; i < 1000; i++)
        cc_sha256_update(&c, a, sizeof a);
    cc_sha256_final(&c, h);
    expect_hex(h, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

Test(sha256, every_length_and_split_agrees_with_libsodium)
{
    cr_assert_geq(sodium_init(), 0);
    static unsigned char msg[1100];
    for (size_t i = 0; i < sizeof msg; i++)
        msg[i] = (unsigned char)(i * 131 + 7);
    for (size_t len = 0; len <= sizeof msg; len++) {
        unsigned char want[32], got[32];
        crypto_hash_sha256(want, msg, len);
        cc_sha256(msg, len, got);
        cr_assert(memcmp(want, got, 32) == 0, "length %zu", len);
        /* two updates split at every place (for short messages), at a few for long ones */
        size_t step = len < 200 ? 1 : 61;
        for (size_t cut = 0; cut <= len; cut += step) {
            cc_sha256_ctx c;
            cc_sha256_init(&c);
            cc_sha256_update(&c, msg, cut);
            cc_sha256_update(&c, msg + cut, len - cut);
            cc_sha256_final(&c, got);
            cr_assert(memcmp(want, got, 32) == 0, "length %zu split at %zu", len, cut);
        }
    }
}

Test(sha256, a_context_initialised_again_is_reused)
{
    unsigned char h1[32], h2[32];
    cc_sha256_ctx c;
    cc_sha256_init(&c);
    cc_sha256_update(&c, "first", 5);
    cc_sha256_final(&c, h1);
    cc_sha256_init(&c);
    cc_sha256_update(&c, "abc", 3);
    cc_sha256_final(&c, h2);
    expect_hex(h2, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    cr_expect(memcmp(h1, h2, 32) != 0);
}
