/* Tests of sim/stats: quantiles against published tables, Wilson and Newcombe intervals against
 * values computed by hand (the formulas of docs/sim.md, evaluated separately), Kaplan-Meier on a
 * worked example. */
#include <criterion/criterion.h>
#include <math.h>

#include "sim/stats.h"

#define Z95 1.959963984540054

Test(stats, normal_quantiles)
{
    cr_expect_float_eq(cc_stats_normal_quantile(0.975), 1.959963984540054, 1e-14);
    cr_expect_float_eq(cc_stats_normal_quantile(0.5), 0.0, 1e-15);
    cr_expect_float_eq(cc_stats_normal_quantile(0.05), -1.6448536269514722, 1e-13);
    cr_expect_float_eq(cc_stats_normal_quantile(1e-10), -6.361340902404056, 1e-10);
    cr_expect(isnan(cc_stats_normal_quantile(1.5)) && isinf(cc_stats_normal_quantile(1.0)));
}

/* Student t: the 0.975 quantiles of the tables (df 1, 2, 4, 7, 29, 199) and the CDF at them */
Test(stats, t_quantiles_and_cdf)
{
    const double df[] = {1, 2, 4, 7, 29, 199};
    const double want[] = {12.706204736174707, 4.302652729749464, 2.7764451051977934,
                           2.3646242515927849, 2.0452296421327034, 1.9719565442493954};
    for (size_t i = 0; i < sizeof df / sizeof df[0]; i++) {
        double q = cc_stats_t_quantile(0.975, df[i]);
        cr_expect(fabs(q - want[i]) < 1e-9 * want[i], "df %g: %.15g, want %.15g", df[i], q, want[i]);
        cr_expect_float_eq(cc_stats_t_cdf(want[i], df[i]), 0.975, 1e-12);
        cr_expect_float_eq(cc_stats_t_quantile(0.025, df[i]), -q, 1e-12, "symmetric");
    }
    cr_expect_float_eq(cc_stats_t_cdf(0, 3), 0.5, 1e-15);
    /* df 1 is the Cauchy distribution: P(T <= 1) = 3/4 */
    cr_expect_float_eq(cc_stats_t_cdf(1, 1), 0.75, 1e-13);
    cr_expect(fabs(cc_stats_t_quantile(0.975, 1e9) - Z95) < 1e-9, "large df: the normal");
    cr_expect(isnan(cc_stats_t_quantile(0.975, 0)) && isnan(cc_stats_t_quantile(0, 5)));
}

/* Wilson: centre (p + z^2/2n) / (1 + z^2/n), half-width z sqrt(p(1-p)/n + z^2/4n^2) / (1 + z^2/n),
 * computed by hand for 4 of 200, 1 of 1 and 0 of 10 */
Test(stats, wilson_intervals)
{
    double lo, hi;
    cc_stats_wilson(4, 200, Z95, &lo, &hi);
    cr_expect_float_eq(lo, 0.0078044264163494685, 1e-15);
    cr_expect_float_eq(hi, 0.050287086905826436, 1e-15);
    cc_stats_wilson(1, 1, Z95, &lo, &hi);
    cr_expect_float_eq(lo, 0.20654931437723745, 1e-15, "one replication: never a zero-width interval");
    cr_expect_eq(hi, 1.0);
    cc_stats_wilson(0, 10, Z95, &lo, &hi);
    cr_expect_eq(lo, 0.0);
    cr_expect_float_eq(hi, 0.2775327998628892, 1e-15, "no success: still an upper bound above 0");
    cc_stats_wilson(0, 0, Z95, &lo, &hi);
    cr_expect(isnan(lo) && isnan(hi));
}

/* Newcombe's method 10 for the pairs a 12, b 9, c 2, d 21 (n 44), by hand: p1 - p2 = 7/44,
 * phi = (12 x 21 - 9 x 2) / sqrt(21 x 23 x 14 x 30), and the interval combining the Wilson
 * margins of 21/44 and 14/44 */
Test(stats, newcombe_paired_difference)
{
    double d, lo, hi, phi;
    cc_stats_newcombe_paired(12, 9, 2, 21, Z95, &d, &lo, &hi, &phi);
    cr_expect_float_eq(d, 7.0 / 44.0, 1e-15);
    cr_expect_float_eq(phi, 0.5195383931624605, 1e-14);
    cr_expect_float_eq(lo, 0.018210226243591948, 1e-14);
    cr_expect_float_eq(hi, 0.28915665958827236, 1e-14);
    /* identical variants: a zero difference, phi 1, and an interval around it that is far narrower
     * than ignoring the pairing (phi 0), though not of zero width (Wilson margins are asymmetric):
     * |(p - l) - (u - p)| on each side, 0.0148 for 30 of 100 */
    cc_stats_newcombe_paired(30, 0, 0, 70, Z95, &d, &lo, &hi, &phi);
    cr_expect_eq(d, 0.0);
    cr_expect_float_eq(phi, 1.0, 1e-15);
    double wl, wh;
    cc_stats_wilson(30, 100, Z95, &wl, &wh);
    cr_expect_float_eq(hi, fabs((0.3 - wl) - (wh - 0.3)), 1e-15);
    cr_expect_float_eq(lo, -hi, 1e-15);
    double unpaired = sqrt((0.3 - wl) * (0.3 - wl) + (wh - 0.3) * (wh - 0.3)) * 2;
    cr_expect_lt(hi - lo, 0.25 * unpaired, "perfectly correlated: [%g, %g] against %g unpaired", lo, hi, unpaired);
    cc_stats_newcombe_paired(0, 0, 0, 0, Z95, &d, &lo, &hi, &phi);
    cr_expect(isnan(d) && isnan(lo) && isnan(hi));
}

/* Kaplan-Meier on 1, 2, 2+, 3, 4+ (+: censored): S = 4/5 after 1; the censored 2 is still at risk
 * at 2, so 4/5 x 3/4 = 0.6; at 3 two are at risk: 0.3; 4+ changes nothing. */
Test(stats, kaplan_meier_worked_example)
{
    const double t[] = {1, 2, 2, 3, 4};
    const uint8_t ev[] = {1, 1, 0, 1, 0};
    double s[5];
    cc_stats_km(t, ev, 5, s);
    const double want[] = {0.8, 0.6, 0.6, 0.3, 0.3};
    for (int i = 0; i < 5; i++)
        cr_expect_float_eq(s[i], want[i], 1e-15, "S after %g: %g, want %g", t[i], s[i], want[i]);
}
