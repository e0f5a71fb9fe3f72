/* Tests of calibration (docs/calibration.md): sim/dfit's maximum-likelihood fits against closed
 * forms worked out by hand and against the likelihood equations, the Kaplan-Meier share and its
 * interval, the KS distance and its bootstrap; then sim/calib on logs. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/rng.h"
#include "sim/dfit.h"

#define Z95 1.959963984540054
#define H 3600.0

static cc_dfit_obs act(double t)
{
    return (cc_dfit_obs){t, t, CC_DFIT_ACT};
}
static cc_dfit_obs cens(double t)
{
    return (cc_dfit_obs){t, 0, CC_DFIT_CENSORED};
}

/* ---- special functions ---- */

Test(dfit, incomplete_gamma_closed_forms)
{
    for (double x = 0.01; x < 60; x *= 1.7) {
        cr_expect_float_eq(cc_dfit_gamma_p(1, x), -expm1(-x), 1e-13, "P(1, %g)", x);
        cr_expect_float_eq(cc_dfit_gamma_p(0.5, x), erf(sqrt(x)), 1e-13, "P(1/2, %g)", x);
        cr_expect_float_eq(cc_dfit_gamma_q(3, x), exp(-x) * (1 + x + x * x / 2), 1e-13, "Q(3, %g)", x);
        cr_expect_float_eq(cc_dfit_gamma_p(2.5, x) + cc_dfit_gamma_q(2.5, x), 1.0, 1e-14);
    }
    /* far in the upper tail Q is computed directly: Q(3, 50) = e^-50 (1 + 50 + 1250) */
    cr_expect(fabs(cc_dfit_gamma_q(3, 50) / (exp(-50) * 1301) - 1) < 1e-12);
    cr_expect_eq(cc_dfit_gamma_p(2, 0), 0.0);
    cr_expect_eq(cc_dfit_gamma_q(2, INFINITY), 0.0);
}

/* ---- exponential with censoring: the closed form, by hand ---- */

/* acts after 1, 2 and 3 h; offers censored at 4 and 5 h. With p held at 1, mean = total exposure /
 * acts = 15 h / 3 = 5 h; log L = -3 ln(5 h) - 15 h / 5 h; the observed information of ln(mean) is
 * the number of acts, so the interval is 5 h x e^(+-1.96 / sqrt 3). */
Test(dfit, exponential_censored_closed_form)
{
    cc_dfit_obs x[] = {act(1 * H), act(2 * H), act(3 * H), cens(4 * H), cens(5 * H)};
    cc_dfit f;
    cr_assert_eq(cc_dfit_fit(CC_DFIT_EXPONENTIAL, x, 5, 1, &f), CC_OK);
    cr_expect(f.converged);
    cr_expect_float_eq(f.par[0], 5 * H, 1e-6 * H);
    cr_expect_float_eq(f.loglik, -3 * log(5 * H) - 3, 1e-9);
    cr_expect_float_eq(f.aic, 4 - 2 * f.loglik, 1e-9);
    cr_expect_float_eq(f.lo[0], 5 * H * exp(-Z95 / sqrt(3)), 1e-4 * H);
    cr_expect_float_eq(f.hi[0], 5 * H * exp(Z95 / sqrt(3)), 1e-4 * H);
    cr_expect_eq(f.p, 1.0);
    cr_expect(!f.p_free);
    cr_expect_float_eq(cc_dfit_cdf(&f, 5 * H), 1 - exp(-1), 1e-12);
    cr_expect_float_eq(cc_dfit_quantile(&f, 1 - exp(-1)), 5 * H, 1e-6);
}

/* With p free the same data say that some offers never act: the likelihood is higher (or equal)
 * and the delay shorter. Here the profile in p has its maximum inside (0, 1): check the score
 * equation acts / p = sum F(c) / (1 - p F(c)) at the estimate. */
Test(dfit, exponential_with_action_probability)
{
    cc_dfit_obs x[] = {act(1 * H), act(2 * H), act(1.5 * H), cens(20 * H), cens(30 * H), cens(25 * H)};
    cc_dfit f, g;
    cr_assert_eq(cc_dfit_fit(CC_DFIT_EXPONENTIAL, x, 6, 0, &f), CC_OK);
    cr_assert_eq(cc_dfit_fit(CC_DFIT_EXPONENTIAL, x, 6, 1, &g), CC_OK);
    cr_expect(f.p_free && f.p < 0.9 && f.p > 0.2, "p %g", f.p);
    cr_expect(f.loglik >= g.loglik);
    cr_expect(f.par[0] < g.par[0]);
    double score = 3 / f.p;
    for (int i = 3; i < 6; i++) {
        double F = cc_dfit_cdf(&f, x[i].a);
        score -= F / (1 - f.p * F);
    }
    cr_expect(fabs(score) < 1e-6, "score in p %g", score);
    cr_expect(f.lo[0] < f.par[0] && f.par[0] < f.hi[0]);
}

/* Lognormal without censoring: the MLE is closed: mu = mean of ln d, sigma^2 = mean of
 * (ln d - mu)^2 (divided by n). */
Test(dfit, lognormal_uncensored_closed_form)
{
    cc_rng r;
    cc_rng_init(&r, 11, 0, 0);
    enum { N = 400 };
    cc_dfit_obs x[N];
    double s = 0, s2 = 0;
    for (int i = 0; i < N; i++) {
        double t = cc_rng_lognormal(&r, log(20 * 60.0), 0.9);
        x[i] = act(t);
        s += log(t);
    }
    double mu = s / N;
    for (int i = 0; i < N; i++)
        s2 += (log(x[i].a) - mu) * (log(x[i].a) - mu);
    double sigma = sqrt(s2 / N);
    cc_dfit f;
    cr_assert_eq(cc_dfit_fit(CC_DFIT_LOGNORMAL, x, N, 1, &f), CC_OK);
    cr_expect_float_eq(log(f.par[0]), mu, 1e-6);
    cr_expect_float_eq(f.par[1], sigma, 1e-6);
    /* se(mu) = sigma / sqrt n, se(ln sigma) = 1 / sqrt(2n) */
    cr_expect_float_eq(log(f.hi[0] / f.par[0]), Z95 * sigma / sqrt(N), 1e-4);
    cr_expect_float_eq(log(f.hi[1] / f.par[1]), Z95 / sqrt(2.0 * N), 1e-4);
    cr_expect(f.lo[0] < 20 * 60.0 && 20 * 60.0 < f.hi[0], "the true median in its interval");
}

/* Gamma without censoring: the MLE solves ln k - digamma(k) = ln(mean) - mean(ln d), scale =
 * mean / k (digamma by a central difference of lgamma). */
Test(dfit, gamma_uncensored_likelihood_equations)
{
    cc_rng r;
    cc_rng_init(&r, 12, 0, 0);
    enum { N = 500 };
    cc_dfit_obs x[N];
    double s = 0, sl = 0;
    for (int i = 0; i < N; i++) {
        double t = cc_rng_gamma(&r, 2, 45 * 60.0);
        x[i] = act(t);
        s += t;
        sl += log(t);
    }
    cc_dfit f;
    cr_assert_eq(cc_dfit_fit(CC_DFIT_GAMMA, x, N, 1, &f), CC_OK);
    double k = f.par[0], mean = s / N, eps = 1e-5;
    double digamma = (lgamma(k + eps) - lgamma(k - eps)) / (2 * eps);
    cr_expect(fabs(log(k) - digamma - (log(mean) - sl / N)) < 1e-6);
    cr_expect_float_eq(f.par[1], mean / k, 1e-5 * mean);
    cr_expect_float_eq(f.mean, mean, 1e-5 * mean);
    cr_expect(f.lo[0] < 2 && 2 < f.hi[0] && f.lo[1] < 2700 && 2700 < f.hi[1], "shape %g [%g, %g]", k, f.lo[0],
              f.hi[0]);
    /* the exponential is the gamma with shape 1: on these data the gamma wins the AIC */
    cc_dfit e;
    cr_assert_eq(cc_dfit_fit(CC_DFIT_EXPONENTIAL, x, N, 1, &e), CC_OK);
    cr_expect(f.aic < e.aic);
}

/* Censored gamma and lognormal samples with an action probability: the true values lie in the
 * intervals (fixed seeds: these are the draws of the seeds, the coverage is measured below). */
Test(dfit, censored_fits_recover_parameters)
{
    cc_rng r;
    cc_rng_init(&r, 13, 0, 0);
    enum { N = 800 };
    cc_dfit_obs x[N], y[N];
    for (int i = 0; i < N; i++) {
        double c = (1 + 5 * cc_rng_uniform(&r)) * H; /* situations of 1 to 6 hours */
        int acts = cc_rng_bernoulli(&r, 0.8);
        double t = cc_rng_gamma(&r, 2, 1800);
        x[i] = acts && t <= c ? act(t) : cens(c);
        double u = cc_rng_lognormal(&r, log(1800), 0.7);
        y[i] = acts && u <= c ? act(u) : cens(c);
    }
    cc_dfit g, l;
    cr_assert_eq(cc_dfit_fit(CC_DFIT_GAMMA, x, N, 0, &g), CC_OK);
    cr_assert_eq(cc_dfit_fit(CC_DFIT_LOGNORMAL, y, N, 0, &l), CC_OK);
    cr_expect(g.lo[0] < 2 && 2 < g.hi[0] && g.lo[1] < 1800 && 1800 < g.hi[1]);
    cr_expect(l.lo[0] < 1800 && 1800 < l.hi[0] && l.lo[1] < 0.7 && 0.7 < l.hi[1]);
    cr_expect(fabs(g.p - 0.8) < 0.05 && fabs(l.p - 0.8) < 0.05, "p %g %g", g.p, l.p);
}

Test(dfit, refuses_what_cannot_be_fitted)
{
    cc_dfit_obs none[] = {cens(H), cens(2 * H)};
    cc_dfit f;
    cr_expect_eq(cc_dfit_fit(CC_DFIT_LOGNORMAL, none, 2, 0, &f), CC_ERR_ARG, "no act");
    cc_dfit_obs neg[] = {act(-1), act(H)};
    cr_expect_eq(cc_dfit_fit(CC_DFIT_GAMMA, neg, 2, 0, &f), CC_ERR_ARG, "a negative time");
    cc_dfit_obs inf[] = {act(H), cens(INFINITY)};
    cr_expect_eq(cc_dfit_fit(CC_DFIT_EXPONENTIAL, inf, 2, 0, &f), CC_ERR_ARG, "an infinite time");
    cc_dfit_obs bad[] = {act(H), {2 * H, H, CC_DFIT_INTERVAL}};
    cr_expect_eq(cc_dfit_fit(CC_DFIT_EXPONENTIAL, bad, 2, 0, &f), CC_ERR_ARG, "an interval upside down");
}

/* An act recorded at 0 ms takes F(1 ms), an interval F(b) - F(a): the likelihood stays finite. */
Test(dfit, zero_delays_and_intervals)
{
    cc_dfit_obs x[] = {act(0), act(60), act(120), {100, 400, CC_DFIT_INTERVAL}, act(30), cens(600)};
    cc_dfit f;
    cr_assert_eq(cc_dfit_fit(CC_DFIT_LOGNORMAL, x, 6, 1, &f), CC_OK);
    cr_expect(isfinite(f.loglik) && f.converged);
}

/* ---- Kaplan-Meier, the share, KS ---- */

/* acts at 1, 2 and 4 h, offers censored at 3 and 5 h. By hand: S = 4/5 after 1 h, 3/5 after 2 h,
 * 3/10 after 4 h (2 at risk); P = 0.7 at h = 4 h; Greenwood: S^2 (1/(5 x 4) + 1/(4 x 3) + 1/(2 x 1))
 * = 0.09 x 0.63333 = 0.057, n* = 0.21 / 0.057 = 3.684. */
Test(dfit, kaplan_meier_share_by_hand)
{
    cc_dfit_obs x[] = {act(1 * H), cens(3 * H), act(2 * H), cens(5 * H), act(4 * H)};
    cc_dfit_km km;
    cr_assert_eq(cc_dfit_km_make(x, 5, &km), CC_OK);
    cr_assert_eq(km.n, 3);
    cr_expect_float_eq(km.t[2], 4 * H, 1e-9);
    cr_expect_float_eq(km.F[0], 0.2, 1e-12);
    cr_expect_float_eq(km.F[1], 0.4, 1e-12);
    cr_expect_float_eq(km.F[2], 0.7, 1e-12);
    cc_dfit_km_free(&km);
    cc_dfit_share sh;
    cr_assert_eq(cc_dfit_share_est(x, 5, &sh), CC_OK);
    cr_expect_float_eq(sh.p, 0.7, 1e-12);
    cr_expect_float_eq(sh.h, 4 * H, 1e-9);
    double var = 0.09 * (1 / 20.0 + 1 / 12.0 + 0.5);
    cr_expect_float_eq(sh.nstar, 0.21 / var, 1e-9);
    double lo, hi;
    cc_dfit_wilson(0.7, 0.21 / var, Z95, &lo, &hi);
    cr_expect_float_eq(sh.lo, lo, 1e-12);
    cr_expect_float_eq(sh.hi, hi, 1e-12);
    cr_expect_eq(sh.acts, 3);
    cr_expect_eq(sh.offers, 5);
}

/* Without censoring before h the share is k of n with the ordinary Wilson interval; all acted:
 * P = 1 with n* = n. */
Test(dfit, share_without_censoring_is_wilson)
{
    cc_dfit_obs x[] = {act(10), act(20), cens(50), act(40), cens(60), cens(70)};
    cc_dfit_share sh;
    cr_assert_eq(cc_dfit_share_est(x, 6, &sh), CC_OK);
    /* censored at 50, 60 and 70 s, after h = 40 s: 3 of 6 */
    cr_expect_float_eq(sh.p, 0.5, 1e-12);
    double lo, hi;
    cc_dfit_wilson(0.5, 6, Z95, &lo, &hi);
    cr_expect_float_eq(sh.nstar, 6, 1e-9);
    cr_expect_float_eq(sh.lo, lo, 1e-12);
    cc_dfit_obs y[] = {act(10), act(20), act(30)};
    cr_assert_eq(cc_dfit_share_est(y, 3, &sh), CC_OK);
    cr_expect_eq(sh.p, 1.0);
    cr_expect_float_eq(sh.nstar, 3, 1e-12);
    cr_expect_eq(sh.hi, 1.0);
    cr_expect_float_eq(sh.lo, 3 / (3 + Z95 * Z95), 1e-12);
}

/* D for an exponential (mean 1, p 1) against three acts at 0.5, 1 and 2: the steps of F_KM are
 * 1/3, 2/3, 1; D = max |F_KM - F| on both sides of each step, by hand. */
Test(dfit, ks_distance_by_hand)
{
    cc_dfit_obs x[] = {act(0.5), act(1), act(2)};
    cc_dfit_km km;
    cr_assert_eq(cc_dfit_km_make(x, 3, &km), CC_OK);
    cc_dfit f = {.model = CC_DFIT_EXPONENTIAL, .npar = 1, .par = {1, 0}, .p = 1};
    double F1 = 1 - exp(-0.5), F2 = 1 - exp(-1), F3 = 1 - exp(-2);
    double want = fmax(fmax(fabs(F1), fabs(1 / 3.0 - F1)),
                       fmax(fmax(fabs(1 / 3.0 - F2), fabs(2 / 3.0 - F2)), fmax(fabs(2 / 3.0 - F3), fabs(1 - F3))));
    cr_expect_float_eq(cc_dfit_ks(&km, &f), want, 1e-12);
    cc_dfit_km_free(&km);
}

/* The bootstrap p-value: the same stream gives the same value; a lognormal sample is not rejected
 * by the lognormal, a sample of two modes is rejected by it. */
Test(dfit, bootstrap_p_values)
{
    cc_rng r;
    cc_rng_init(&r, 21, 0, 0);
    enum { N = 200 };
    cc_dfit_obs x[N], y[N];
    for (int i = 0; i < N; i++) {
        double c = 4 * H * cc_rng_uniform(&r) + H;
        double t = cc_rng_lognormal(&r, log(1200), 0.6);
        x[i] = t <= c ? act(t) : cens(c);
        double u = i % 2 ? 600 + 60 * cc_rng_uniform(&r) : 5400 + 60 * cc_rng_uniform(&r);
        y[i] = u <= c ? act(u) : cens(c);
    }
    cc_dfit f, g;
    cc_dfit_km kx, ky;
    cr_assert_eq(cc_dfit_fit(CC_DFIT_LOGNORMAL, x, N, 0, &f), CC_OK);
    cr_assert_eq(cc_dfit_fit(CC_DFIT_LOGNORMAL, y, N, 0, &g), CC_OK);
    cr_assert_eq(cc_dfit_km_make(x, N, &kx), CC_OK);
    cr_assert_eq(cc_dfit_km_make(y, N, &ky), CC_OK);
    double dx = cc_dfit_ks(&kx, &f), dy = cc_dfit_ks(&ky, &g), px, py, px2;
    unsigned done;
    cc_rng b;
    cc_rng_init(&b, 1, 0, 0);
    cr_assert_eq(cc_dfit_boot(x, N, &f, dx, 99, &b, &px, &done), CC_OK);
    cr_expect_eq(done, 99);
    cc_rng_init(&b, 1, 0, 0);
    cr_assert_eq(cc_dfit_boot(x, N, &f, dx, 99, &b, &px2, &done), CC_OK);
    cr_expect_eq(px, px2, "deterministic");
    cc_rng_init(&b, 1, 0, 1);
    cr_assert_eq(cc_dfit_boot(y, N, &g, dy, 99, &b, &py, &done), CC_OK);
    cr_expect(px > 0.05, "the right family: p %g (D %g)", px, dx);
    cr_expect(py <= 0.02, "two modes: p %g (D %g)", py, dy);
    cr_expect(dy > dx);
    cc_dfit_km_free(&kx);
    cc_dfit_km_free(&ky);
}
