/* rng — Philox4x32-10 counter-based generator and distribution samplers. */
#include "core/rng.h"

#include <math.h>

#include "core/rng_zig.inc"

#define PHILOX_M0 0xD2511F53u
#define PHILOX_M1 0xCD9E8D57u
#define PHILOX_W0 0x9E3779B9u
#define PHILOX_W1 0xBB67AE85u

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

void cc_rng_stream(cc_rng *r, const cc_rng *base, uint32_t stream)
{
    r->key[0] = base->key[0];
    r->key[1] = base->key[1];
    r->ctr[0] = 0;
    r->ctr[1] = stream;
    r->ctr[2] = base->ctr[2];
    r->ctr[3] = base->ctr[3];
    r->used = 4;
}

void cc_rng_refill(cc_rng *r)
{
    cc_philox4x32_10(r->key, r->ctr, r->buf);
    r->ctr[0]++;
    r->used = 0;
}

uint64_t cc_rng_u64(cc_rng *r)
{
    uint64_t hi = cc_rng_u32(r);
    return (hi << 32) | cc_rng_u32(r);
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

double cc_rng_normal(cc_rng *r)
{
    /* Ziggurat (Marsaglia and Tsang 2000, Doornik 2005's form): one 64-bit draw gives a layer (its
     * low 7 bits) and a signed uniform (its top 53 bits); 98.8% of draws end at the first test,
     * without a call to exp or log. Tables: core/rng_zig.inc (tools/gen-ziggurat.py). */
    for (;;) {
        uint64_t b = cc_rng_u64(r);
        unsigned i = (unsigned)(b & (CC_ZIG_LAYERS - 1));
        double u = 2.0 * (((double)(b >> 11) + 0.5) * (1.0 / 9007199254740992.0)) - 1.0;
        if (fabs(u) < cc_zig_r[i])
            return u * cc_zig_x[i];
        if (i == 0)
            return normal_tail(r, u < 0);
        double x = u * cc_zig_x[i];
        double f0 = exp(-0.5 * (cc_zig_x[i] * cc_zig_x[i] - x * x));
        double f1 = exp(-0.5 * (cc_zig_x[i + 1] * cc_zig_x[i + 1] - x * x));
        if (f1 + cc_rng_uniform(r) * (f0 - f1) < 1.0)
            return x;
    }
}

double cc_rng_lognormal(cc_rng *r, double mu, double sigma)
{
    return exp(mu + sigma * cc_rng_normal(r));
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
