/* rng — Philox4x32-10 counter-based generator and distribution samplers. */
#include "core/rng.h"

#include <math.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
/* AVX2 for the batch refill, chosen at run time (x86-64 with GCC or Clang) */
#if defined(__SSE2__) && defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define CC_RNG_AVX2 1
#include <immintrin.h>
#else
#define CC_RNG_AVX2 0
#endif

#include "core/rng_zig.inc"

#define PHILOX_M0 0xD2511F53u
#define PHILOX_M1 0xCD9E8D57u
#define PHILOX_W0 0x9E3779B9u
#define PHILOX_W1 0xBB67AE85u

#if defined(__SSE2__)
/* A block lives in one SSE2 register (SSE2 is part of x86-64: no run-time check). A round:
 * _mm_mul_epu32 multiplies lanes 0 and 2 (c0 M0, c2 M1) into two 64-bit products
 * [lo0 hi0 lo1 hi1], and the block becomes [hi1 ^ c1 ^ k0, lo1, hi0 ^ c3 ^ k1, lo0], k being
 * [k0 0 k1 0]: the bits of the scalar rounds below (tests/test_rng.c: Random123's known answers). */
static inline __m128i philox_round(__m128i c, __m128i k)
{
    const __m128i mul = _mm_set_epi32(0, (int)PHILOX_M1, 0, (int)PHILOX_M0);
    __m128i p = _mm_shuffle_epi32(_mm_mul_epu32(c, mul), _MM_SHUFFLE(0, 1, 2, 3));
    return _mm_xor_si128(p, _mm_xor_si128(_mm_srli_epi64(c, 32), k));
}

static inline __m128i philox_key(const uint32_t key[2])
{
    return _mm_set_epi32(0, (int)key[1], 0, (int)key[0]);
}

static inline __m128i philox_bump(__m128i k)
{
    return _mm_add_epi32(k, _mm_set_epi32(0, (int)PHILOX_W1, 0, (int)PHILOX_W0));
}

void cc_philox4x32_10(const uint32_t key[2], const uint32_t ctr[4], uint32_t out[4])
{
    __m128i k = philox_key(key);
    __m128i c = _mm_loadu_si128((const __m128i *)(const void *)ctr);
    for (int i = 0; i < 10; i++) {
        c = philox_round(c, k);
        k = philox_bump(k);
    }
    _mm_storeu_si128((__m128i *)(void *)out, c);
}

/* Four blocks of one key at once: a round's latency (the multiply) is what a single block waits
 * on, so four independent ones take little longer than one. */
static void philox_x4(const uint32_t key[2], cc_rng *const r[4])
{
    __m128i k = philox_key(key);
    __m128i c0 = _mm_loadu_si128((const __m128i *)(const void *)r[0]->ctr);
    __m128i c1 = _mm_loadu_si128((const __m128i *)(const void *)r[1]->ctr);
    __m128i c2 = _mm_loadu_si128((const __m128i *)(const void *)r[2]->ctr);
    __m128i c3 = _mm_loadu_si128((const __m128i *)(const void *)r[3]->ctr);
    for (int i = 0; i < 10; i++) {
        c0 = philox_round(c0, k);
        c1 = philox_round(c1, k);
        c2 = philox_round(c2, k);
        c3 = philox_round(c3, k);
        k = philox_bump(k);
    }
    _mm_storeu_si128((__m128i *)(void *)r[0]->buf, c0);
    _mm_storeu_si128((__m128i *)(void *)r[1]->buf, c1);
    _mm_storeu_si128((__m128i *)(void *)r[2]->buf, c2);
    _mm_storeu_si128((__m128i *)(void *)r[3]->buf, c3);
}

#if CC_RNG_AVX2
/* The same rounds on two blocks per AVX2 register (one per 128-bit lane; the instructions work
 * lane by lane), twelve blocks at once. Only called when the CPU has AVX2. */
#define CC_AVX2 __attribute__((target("avx2")))
static inline CC_AVX2 __m256i philox_round2(__m256i c, __m256i k)
{
    const __m256i mul =
        _mm256_set_epi32(0, (int)PHILOX_M1, 0, (int)PHILOX_M0, 0, (int)PHILOX_M1, 0, (int)PHILOX_M0);
    __m256i p = _mm256_shuffle_epi32(_mm256_mul_epu32(c, mul), _MM_SHUFFLE(0, 1, 2, 3));
    return _mm256_xor_si256(p, _mm256_xor_si256(_mm256_srli_epi64(c, 32), k));
}

static inline CC_AVX2 __m256i philox_load2(const cc_rng *a, const cc_rng *b)
{
    __m128i lo = _mm_loadu_si128((const __m128i *)(const void *)a->ctr);
    __m128i hi = _mm_loadu_si128((const __m128i *)(const void *)b->ctr);
    return _mm256_inserti128_si256(_mm256_castsi128_si256(lo), hi, 1);
}

static inline CC_AVX2 void philox_store2(__m256i c, cc_rng *a, cc_rng *b)
{
    _mm_storeu_si128((__m128i *)(void *)a->buf, _mm256_castsi256_si128(c));
    _mm_storeu_si128((__m128i *)(void *)b->buf, _mm256_extracti128_si256(c, 1));
}

static CC_AVX2 void philox_x12(const uint32_t key[2], cc_rng *const r[12])
{
    const __m256i weyl =
        _mm256_set_epi32(0, (int)PHILOX_W1, 0, (int)PHILOX_W0, 0, (int)PHILOX_W1, 0, (int)PHILOX_W0);
    __m256i k = _mm256_set_epi32(0, (int)key[1], 0, (int)key[0], 0, (int)key[1], 0, (int)key[0]);
    __m256i c0 = philox_load2(r[0], r[1]), c1 = philox_load2(r[2], r[3]), c2 = philox_load2(r[4], r[5]);
    __m256i c3 = philox_load2(r[6], r[7]), c4 = philox_load2(r[8], r[9]), c5 = philox_load2(r[10], r[11]);
    for (int i = 0; i < 10; i++) {
        c0 = philox_round2(c0, k);
        c1 = philox_round2(c1, k);
        c2 = philox_round2(c2, k);
        c3 = philox_round2(c3, k);
        c4 = philox_round2(c4, k);
        c5 = philox_round2(c5, k);
        k = _mm256_add_epi32(k, weyl);
    }
    philox_store2(c0, r[0], r[1]);
    philox_store2(c1, r[2], r[3]);
    philox_store2(c2, r[4], r[5]);
    philox_store2(c3, r[6], r[7]);
    philox_store2(c4, r[8], r[9]);
    philox_store2(c5, r[10], r[11]);
}
#endif
#else
static uint32_t mulhilo(uint32_t a, uint32_t b, uint32_t *hi)
{
    uint64_t p = (uint64_t)a * b;
    *hi = (uint32_t)(p >> 32);
    return (uint32_t)p;
}

void cc_philox4x32_10(const uint32_t key[2], const uint32_t ctr[4], uint32_t out[4])
{
    uint32_t c0 = ctr[0], c1 = ctr[1], c2 = ctr[2], c3 = ctr[3];
    uint32_t k0 = key[0], k1 = key[1];
    for (int i = 0; i < 10; i++) {
        uint32_t hi0, hi1;
        uint32_t lo0 = mulhilo(PHILOX_M0, c0, &hi0);
        uint32_t lo1 = mulhilo(PHILOX_M1, c2, &hi1);
        uint32_t n0 = hi1 ^ c1 ^ k0;
        uint32_t n1 = lo1;
        uint32_t n2 = hi0 ^ c3 ^ k1;
        uint32_t n3 = lo0;
        c0 = n0;
        c1 = n1;
        c2 = n2;
        c3 = n3;
        k0 += PHILOX_W0;
        k1 += PHILOX_W1;
    }
    out[0] = c0;
    out[1] = c1;
    out[2] = c2;
    out[3] = c3;
}
#endif

/* splitmix64 finaliser: spreads a 64-bit seed over the key */
static uint64_t mix64(uint64_t z)
{
    z += 0x9E3779B97F4A7C15ULL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

void cc_rng_init(cc_rng *r, uint64_t seed, uint64_t rep, uint32_t stream)
{
    uint64_t k = mix64(seed);
    r->key[0] = (uint32_t)k;
    r->key[1] = (uint32_t)(k >> 32);
    /* counter layout: [draw block low, draw block high, rep low ^ stream mix, rep high] */
    r->ctr[0] = 0;
    r->ctr[1] = stream;
    r->ctr[2] = (uint32_t)rep;
    r->ctr[3] = (uint32_t)(rep >> 32);
    r->used = 4;
}

void cc_rng_refill(cc_rng *r)
{
    cc_philox4x32_10(r->key, r->ctr, r->buf);
    r->ctr[0]++;
    r->used = 0;
}

#if defined(__SSE2__)
/* Refills the m (1 to 12) streams of g, which share a key and are empty: twelve at once with AVX2,
 * else four at once; a short group repeats its last stream. */
static void refill_group(cc_rng *g[12], int m)
{
    for (int j = m; j < 12; j++)
        g[j] = g[m - 1];
#if CC_RNG_AVX2
    if (m > 4 && __builtin_cpu_supports("avx2"))
        philox_x12(g[0]->key, g);
    else
#endif
        for (int j = 0; j < m; j += 4)
            philox_x4(g[0]->key, g + j);
    for (int j = 0; j < m; j++) {
        g[j]->ctr[0]++;
        g[j]->used = 0;
    }
}
#endif

void cc_rng_refill_set(cc_rng *r, const uint32_t *idx, size_t n)
{
#if defined(__SSE2__)
    cc_rng *g[12];
    int m = 0;
    for (size_t i = 0; i < n; i++) {
        cc_rng *x = &r[idx[i]];
        if (x->used != 4)
            continue;
        if (m > 0 && (x->key[0] != g[0]->key[0] || x->key[1] != g[0]->key[1])) {
            refill_group(g, m);
            m = 0;
        }
        g[m++] = x;
        if (m == 12) {
            refill_group(g, m);
            m = 0;
        }
    }
    if (m > 0)
        refill_group(g, m);
#else
    for (size_t i = 0; i < n; i++)
        if (r[idx[i]].used == 4)
            cc_rng_refill(&r[idx[i]]);
#endif
}

double cc_rng_uniform(cc_rng *r)
{
    /* (k + 0.5) / 2^53 lies strictly inside (0, 1) */
    uint64_t k = cc_rng_u64(r) >> 11;
    return ((double)k + 0.5) * (1.0 / 9007199254740992.0);
}

uint32_t cc_rng_below(cc_rng *r, uint32_t n)
{
    /* Lemire's nearly divisionless method */
    uint64_t m = (uint64_t)cc_rng_u32(r) * n;
    uint32_t l = (uint32_t)m;
    if (l < n) {
        uint32_t t = (uint32_t)(-n) % n;
        while (l < t) {
            m = (uint64_t)cc_rng_u32(r) * n;
            l = (uint32_t)m;
        }
    }
    return (uint32_t)(m >> 32);
}

double cc_rng_exponential(cc_rng *r, double mean)
{
    return -mean * log(cc_rng_uniform(r));
}

/* The tail beyond the ziggurat's bottom layer, |x| > CC_ZIG_R (Marsaglia 1964). */
static double normal_tail(cc_rng *r, int negative)
{
    double x, y;
    do {
        x = log(cc_rng_uniform(r)) / CC_ZIG_R;
        y = log(cc_rng_uniform(r));
    } while (-2 * y < x * x);
    return negative ? x - CC_ZIG_R : CC_ZIG_R - x;
}

/* The signed uniform of a ziggurat draw b, from its top 53 bits: 2 ((b >> 11) + 0.5) / 2^53 - 1 (the
 * scaling by a power of two is exact, so this is that expression's double). */
static inline double zig_u(uint64_t b)
{
    return ((double)(b >> 11) + 0.5) * (1.0 / 4503599627370496.0) - 1.0;
}

#if defined(__GNUC__) || defined(__clang__)
#define CC_NOINLINE __attribute__((noinline))
#else
#define CC_NOINLINE
#endif

/* cc_rng_normal after a draw b outside its layer's rectangle: the tail, the wedge, and the draws
 * after a rejection. Not inlined, so that cc_rng_normal's common path needs no stack frame. */
static CC_NOINLINE double normal_rest(cc_rng *r, uint64_t b)
{
    for (;;) {
        unsigned i = (unsigned)(b & (CC_ZIG_LAYERS - 1));
        double u = zig_u(b);
        if (fabs(u) < cc_zig_r[i])
            return u * cc_zig_x[i];
        if (i == 0)
            return normal_tail(r, u < 0);
        double x = u * cc_zig_x[i];
        double f0 = exp(-0.5 * (cc_zig_x[i] * cc_zig_x[i] - x * x));
        double f1 = exp(-0.5 * (cc_zig_x[i + 1] * cc_zig_x[i + 1] - x * x));
        if (f1 + cc_rng_uniform(r) * (f0 - f1) < 1.0)
            return x;
        b = cc_rng_u64(r);
    }
}

double cc_rng_normal(cc_rng *r)
{
    /* Ziggurat (Marsaglia and Tsang 2000, Doornik 2005's form): one 64-bit draw gives a layer (its
     * low 7 bits) and a signed uniform (its top 53 bits); 98.8% of draws end at the first test,
     * without a call to exp or log. Tables: core/rng_zig.inc (tools/gen-ziggurat.py). */
    uint64_t b = cc_rng_u64(r);
    unsigned i = (unsigned)(b & (CC_ZIG_LAYERS - 1));
    double u = zig_u(b);
    if (fabs(u) < cc_zig_r[i])
        return u * cc_zig_x[i];
    return normal_rest(r, b);
}

double cc_rng_gamma(cc_rng *r, double shape, double scale)
{
    if (shape < 1.0) {
        /* boost: Gamma(a) = Gamma(a+1) * U^(1/a) */
        double u = cc_rng_uniform(r);
        return cc_rng_gamma(r, shape + 1.0, scale) * pow(u, 1.0 / shape);
    }
    double d = shape - 1.0 / 3.0, c = 1.0 / sqrt(9.0 * d);
    for (;;) {
        double x, v;
        do {
            x = cc_rng_normal(r);
            v = 1.0 + c * x;
        } while (v <= 0);
        v = v * v * v;
        double u = cc_rng_uniform(r);
        if (u < 1.0 - 0.0331 * x * x * x * x || log(u) < 0.5 * x * x + d * (1.0 - v + log(v)))
            return d * v * scale;
    }
}

double cc_rng_triangular(cc_rng *r, double min, double mode, double max)
{
    double u = cc_rng_uniform(r);
    if (max <= min)
        return min;
    double f = (mode - min) / (max - min);
    if (u < f)
        return min + sqrt(u * (max - min) * (mode - min));
    return max - sqrt((1 - u) * (max - min) * (max - mode));
}
