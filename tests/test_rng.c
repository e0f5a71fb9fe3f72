/* Tests of core/rng: Philox known answers, stream independence, distribution moments. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>

#include "core/rng.h"
#include "core/rng_zig.inc"

Test(rng, philox_known_answers)
{
    /* Known-answer vectors from the Random123 distribution (kat_vectors, philox4x32 R=10) */
    uint32_t out[4];
    const uint32_t k0[2] = {0, 0}, c0[4] = {0, 0, 0, 0};
    cc_philox4x32_10(k0, c0, out);
    cr_expect_eq(out[0], 0x6627e8d5u);
    cr_expect_eq(out[1], 0xe169c58du);
    cr_expect_eq(out[2], 0xbc57ac4cu);
    cr_expect_eq(out[3], 0x9b00dbd8u);
    const uint32_t k1[2] = {0xffffffffu, 0xffffffffu},
                   c1[4] = {0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu};
    cc_philox4x32_10(k1, c1, out);
    cr_expect_eq(out[0], 0x408f276du);
    cr_expect_eq(out[1], 0x41c83b0eu);
    cr_expect_eq(out[2], 0xa20bc7c6u);
    cr_expect_eq(out[3], 0x6d5451fdu);
    const uint32_t k2[2] = {0xa4093822u, 0x299f31d0u},
                   c2[4] = {0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u};
    cc_philox4x32_10(k2, c2, out);
    cr_expect_eq(out[0], 0xd16cfe09u);
    cr_expect_eq(out[1], 0x94fdccebu);
    cr_expect_eq(out[2], 0x5001e420u);
    cr_expect_eq(out[3], 0x24126ea1u);
}

Test(rng, streams_are_reproducible_and_distinct)
{
    cc_rng a, b, c, d;
    cc_rng_init(&a, 42, 7, 3);
    cc_rng_init(&b, 42, 7, 3);
    cc_rng_init(&c, 42, 7, 4);
    cc_rng_init(&d, 42, 8, 3);
    int same_c = 0, same_d = 0;
    for (int i = 0; i < 1000; i++) {
        uint32_t x = cc_rng_u32(&a);
        cr_assert_eq(x, cc_rng_u32(&b));
        same_c += x == cc_rng_u32(&c);
        same_d += x == cc_rng_u32(&d);
    }
    cr_expect_lt(same_c, 3);
    cr_expect_lt(same_d, 3);
}

Test(rng, uniform_bounds_and_below)
{
    cc_rng r;
    cc_rng_init(&r, 1, 0, 0);
    int counts[6] = {0};
    for (int i = 0; i < 60000; i++) {
        double u = cc_rng_uniform(&r);
        cr_assert(u > 0 && u < 1);
        counts[cc_rng_below(&r, 6)]++;
    }
    for (int k = 0; k < 6; k++)
        cr_expect(counts[k] > 9500 && counts[k] < 10500, "bucket %d: %d", k, counts[k]);
    cr_expect_eq(cc_rng_bernoulli(&r, 0), 0);
    cr_expect_eq(cc_rng_bernoulli(&r, 1), 1);
}

static void moments(double (*draw)(cc_rng *, const double *), const double *p, double mean, double var,
                    const char *name)
{
    cc_rng r;
    cc_rng_init(&r, 2026, 1, 9);
    int n = 200000;
    double s = 0, s2 = 0;
    for (int i = 0; i < n; i++) {
        double x = draw(&r, p);
        s += x;
        s2 += x * x;
    }
    double m = s / n, v = s2 / n - m * m;
    /* 6 standard errors of the mean; variance within 3% */
    cr_expect(fabs(m - mean) < 6 * sqrt(var / n), "%s mean %g want %g", name, m, mean);
    cr_expect(fabs(v - var) < 0.03 * var, "%s variance %g want %g", name, v, var);
}

static double d_exp(cc_rng *r, const double *p)
{
    return cc_rng_exponential(r, p[0]);
}
static double d_norm(cc_rng *r, const double *p)
{
    (void)p;
    return cc_rng_normal(r);
}
static double d_logn(cc_rng *r, const double *p)
{
    return cc_rng_lognormal(r, p[0], p[1]);
}
static double d_gamma(cc_rng *r, const double *p)
{
    return cc_rng_gamma(r, p[0], p[1]);
}
static double d_tri(cc_rng *r, const double *p)
{
    return cc_rng_triangular(r, p[0], p[1], p[2]);
}

Test(rng, distribution_moments)
{
    double pe[] = {30};
    moments(d_exp, pe, 30, 900, "exponential");
    moments(d_norm, NULL, 0, 1, "normal");
    double pl[] = {log(5.0), 0.5};
    double lm = exp(log(5.0) + 0.125), lv = (exp(0.25) - 1) * exp(2 * log(5.0) + 0.25);
    moments(d_logn, pl, lm, lv, "lognormal");
    double pg[] = {2, 2};
    moments(d_gamma, pg, 4, 8, "gamma k=2");
    double pg2[] = {0.5, 3};
    moments(d_gamma, pg2, 1.5, 4.5, "gamma k=0.5");
    double pt[] = {1, 5, 20};
    double tm = (1 + 5 + 20) / 3.0, tv = (1 + 25 + 400 - 5 - 20 - 100) / 18.0;
    moments(d_tri, pt, tm, tv, "triangular");
}

static int dcmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The ziggurat normal against the normal CDF: Kolmogorov-Smirnov over 200,000 draws (critical
 * value 1.95 / sqrt(n) at 0.1%), and the far tail beyond the bottom layer, P(|Z| > R) = 5.77e-4,
 * over 2,000,000 draws (within 5 standard deviations). */
Test(rng, normal_follows_the_normal_distribution_into_the_tails)
{
    cc_rng r;
    cc_rng_init(&r, 99, 0, 3);
    const size_t n = 200000;
    double *x = malloc(n * sizeof *x);
    cr_assert_not_null(x);
    for (size_t i = 0; i < n; i++)
        x[i] = cc_rng_normal(&r);
    qsort(x, n, sizeof *x, dcmp);
    double d = 0;
    for (size_t i = 0; i < n; i++) {
        double F = 0.5 * erfc(-x[i] / sqrt(2.0));
        double a = fabs(F - (double)i / (double)n), b = fabs((double)(i + 1) / (double)n - F);
        d = fmax(d, fmax(a, b));
    }
    cr_expect(d < 1.95 / sqrt((double)n), "KS distance %g", d);
    free(x);
    const size_t m = 2000000;
    size_t tail = 0, neg = 0;
    for (size_t i = 0; i < m; i++) {
        double z = cc_rng_normal(&r);
        tail += fabs(z) > 3.442619855899;
        neg += z < -3.442619855899;
    }
    double p = erfc(3.442619855899 / sqrt(2.0)), want = p * (double)m, sd = sqrt(want * (1 - p));
    cr_expect(fabs((double)tail - want) < 5 * sd, "%zu draws beyond R, want %.0f", tail, want);
    cr_expect(neg > tail / 4 && neg < 3 * tail / 4, "both tails: %zu of %zu negative", neg, tail);
}

/* The checked-in tables are what tools/gen-ziggurat.py computes (the same recurrence in C). */
Test(rng, ziggurat_tables_match_their_definition)
{
    double x[CC_ZIG_LAYERS + 1];
    double f = exp(-0.5 * CC_ZIG_R * CC_ZIG_R), v = 9.91256303526217e-3;
    x[0] = v / f;
    x[1] = CC_ZIG_R;
    x[CC_ZIG_LAYERS] = 0;
    for (int i = 2; i < CC_ZIG_LAYERS; i++) {
        x[i] = sqrt(-2 * log(v / x[i - 1] + f));
        f = exp(-0.5 * x[i] * x[i]);
    }
    for (int i = 0; i <= CC_ZIG_LAYERS; i++)
        cr_expect(fabs(x[i] - cc_zig_x[i]) <= 1e-13 * fabs(x[i]), "x[%d] %a, table %a", i, x[i], cc_zig_x[i]);
    for (int i = 0; i < CC_ZIG_LAYERS; i++)
        cr_expect(fabs(x[i + 1] / x[i] - cc_zig_r[i]) <= 1e-13, "r[%d]", i);
    /* every layer has the same area: x[i] (f(x[i+1]) - f(x[i])) = v for the upper layers */
    for (int i = 1; i + 1 < CC_ZIG_LAYERS; i++) {
        double area = cc_zig_x[i] *
                      (exp(-0.5 * cc_zig_x[i + 1] * cc_zig_x[i + 1]) - exp(-0.5 * cc_zig_x[i] * cc_zig_x[i]));
        cr_expect(fabs(area - v) < 1e-9, "layer %d area %g", i, area);
    }
}

/* A Bernoulli draw takes one 32-bit word and hits its probability. */
Test(rng, bernoulli_uses_one_word_and_hits_its_probability)
{
    cc_rng a, b;
    cc_rng_init(&a, 5, 1, 2);
    cc_rng_init(&b, 5, 1, 2);
    size_t n = 1000000, hits = 0;
    for (size_t i = 0; i < n; i++) {
        hits += cc_rng_bernoulli(&a, 0.8);
        (void)cc_rng_u32(&b);
    }
    cr_expect_eq(cc_rng_u32(&a), cc_rng_u32(&b), "one word per draw");
    double sd = sqrt(0.8 * 0.2 * (double)n);
    cr_expect(fabs((double)hits - 0.8 * (double)n) < 5 * sd, "%zu hits of %zu", hits, n);
}

/* cc_rng_stream gives the stream cc_rng_init gives for the same seed and replication. */
Test(rng, stream_from_a_base_equals_a_fresh_init)
{
    cc_rng base, a, b;
    cc_rng_init(&base, 123456789, 42, 0);
    for (uint32_t s = 0; s < 5; s++) {
        cc_rng_init(&a, 123456789, 42, s);
        cc_rng_stream(&b, &base, s);
        for (int k = 0; k < 9; k++)
            cr_expect_eq(cc_rng_u32(&a), cc_rng_u32(&b), "stream %u word %d", s, k);
    }
}
