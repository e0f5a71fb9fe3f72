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
    double want = fmax(fmax(fabs(F1), fabs(1 / 3.0 - F1)), fmax(fmax(fabs(1 / 3.0 - F2), fabs(2 / 3.0 - F2)),
                                                                fmax(fabs(2 / 3.0 - F3), fabs(1 - F3))));
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

/* ---- calib: observations in logs ---- */

#include <jansson.h>
#include <stdio.h>

#include "core/buf.h"
#include "core/ctime.h"
#include "core/engine.h"
#include "core/scenario_model.h"
#include "io/file.h"
#include "io/scenario_load.h"
#include "sim/calib.h"
#include "sim/calout.h"
#include "sim/calplot.h"

#define ACTS "tests/calib/acts.yaml"
#define RIVER "tests/calib/river-commission.yaml"

static cc_scenario *load_with(const char *path, const char *agents)
{
    cc_diags d;
    cc_diags_init(&d);
    cc_scenario *s = NULL;
    cc_load_opts o = {.agents = agents};
    cc_err rc = cc_scenario_load_file(path, &o, &d, &s);
    cr_assert_eq(rc, CC_OK, "%s: %s", path, d.count ? d.items[0].message : "?");
    cc_diags_free(&d);
    return s;
}

static int to_buf(void *ctx, const char *line, size_t len)
{
    return cc_buf_append(ctx, line, len) != CC_OK;
}

/* The log of a run: every agent seat played by its agent (agents) or by nobody, with the inputs of
 * a JSON Lines file timed by "t" (NULL: none). */
static void run_log(const cc_scenario *s, uint64_t seed, uint64_t rep, int agents, const char *inputs,
                    cc_buf *out)
{
    uint8_t autos[64] = {0};
    for (size_t i = 0; agents && i < s->nseats; i++)
        autos[i] = s->seats[i].agent_index >= 0;
    cc_engine_opts o = {.seed = seed, .replication = rep, .variant = -1, .auto_seats = autos};
    cc_engine *e = NULL;
    cr_assert_eq(cc_engine_new(s, &o, to_buf, out, &e), CC_OK);
    cr_assert_eq(cc_engine_start(e), CC_OK);
    FILE *f = inputs ? fopen(inputs, "r") : NULL;
    char line[1024];
    while (f && fgets(line, sizeof line, f)) {
        json_t *in = json_loads(line, 0, NULL);
        cr_assert(in, "%s: %s", inputs, line);
        const char *t = json_string_value(json_object_get(in, "t"));
        int64_t rel;
        cc_time_error te;
        cr_assert_eq(cc_time_parse_scenario(t, strlen(t), s->start_unix, &rel, &te), CC_OK);
        cr_assert_eq(cc_engine_run_until(e, rel * 1000), CC_OK);
        char why[256];
        cr_assert_eq(cc_engine_input(e, in, why, sizeof why), CC_OK, "%s", why);
        json_decref(in);
    }
    if (f)
        fclose(f);
    cr_assert_eq(cc_engine_run_until(e, s->duration_s * 1000), CC_OK);
    cc_engine_free(e);
}

static const cc_calib_group *group_named(const cc_calib *c, const char *name)
{
    for (size_t g = 0; g < cc_calib_ngroups(c); g++)
        if (strcmp(cc_calib_group_at(c, g)->name, name) == 0)
            return cc_calib_group_at(c, g);
    cr_assert_fail("no group %s", name);
    return NULL;
}

/* Rule r (1-based) of group name has exactly the observations want[0..n) in order. */
static void expect_obs(const cc_calib *c, const char *name, size_t r, const cc_dfit_obs *want, size_t n)
{
    const cc_calib_rule *R = &group_named(c, name)->rules[r - 1];
    cr_expect_eq(R->offers, n, "%s rule %zu: %zu observations, want %zu", name, r, R->offers, n);
    for (size_t i = 0; i < n && i < R->offers; i++) {
        cr_expect_eq(R->obs[i].kind, want[i].kind, "%s rule %zu obs %zu: kind", name, r, i);
        cr_expect_float_eq(R->obs[i].a, want[i].a, 1e-9, "%s rule %zu obs %zu: %g, want %g", name, r, i,
                           R->obs[i].a, want[i].a);
        if (want[i].kind == CC_DFIT_INTERVAL)
            cr_expect_float_eq(R->obs[i].b, want[i].b, 1e-9);
    }
}

static cc_calib *calib_of(const cc_scenario *s, cc_calib_by by, const cc_buf *log)
{
    cc_calib_opts o = {by, 1, 0, 1};
    cc_calib *c = NULL;
    cr_assert_eq(cc_calib_new(s, &o, &c), CC_OK);
    cc_calib_error err;
    cr_assert_eq(cc_calib_add_log(c, "acts.jsonl", log->data, log->len, &err), CC_OK, "%s", err.message);
    cr_assert_eq(cc_calib_fit(c, &err), CC_OK, "%s", err.message);
    return c;
}

/* The timeline of tests/calib/acts-inputs.jsonl against docs/calibration.md (all seats people):
 * - C's first stage (ack, +0s) is each watcher's request (rule 1) and each desk officer's stage;
 *   w1 acts at +17m; o2 (calendar time, office hours) on Monday 09:00, the opening after Friday
 *   17:00: in the gap [1 h, 2d17h]; o1 (work time) on Monday 09:30: 1 h on Friday + 30 min;
 *   w2 (a watch) on Monday 10:00, 2d18h after the offer;
 * - the sequential stage: w1 is offered at its start and acts 20 min later; w2 is offered at w1's
 *   act and acts 30 min after it;
 * - the decide stage: w1 votes after 10 min, w2 after 25 min (decided); the object rule of each is
 *   censored at the stage's end, 25 min (a vote does not end the other rule's observation there);
 * - the inject to w1 at +1h, shared 30 min later; w2 receives the forward and acknowledges the
 *   inject 30 min later (on: message);
 * - C2 (+3d): w1's request at notify is for the later ack stage, held after 5 min; the held act
 *   counting when ack starts is no new act and no offer. */
Test(calib, observations_by_hand)
{
    cc_scenario *s = load_with(ACTS, NULL);
    cc_buf log;
    cc_buf_init(&log);
    run_log(s, 1, 0, 0, "tests/calib/acts-inputs.jsonl", &log);
    cc_calib *c = calib_of(s, CC_CALIB_BY_SEAT, &log);
    const cc_dfit_obs w1r1[] = {act(1020), act(300)}, w2r1[] = {act(237600)};
    expect_obs(c, "w1", 1, w1r1, 2);
    expect_obs(c, "w2", 1, w2r1, 1);
    const cc_dfit_obs w1r2[] = {act(1200)}, w2r2[] = {act(1800)};
    expect_obs(c, "w1", 2, w1r2, 1);
    expect_obs(c, "w2", 2, w2r2, 1);
    const cc_dfit_obs w1r3[] = {act(600)}, w2r3[] = {act(1500)}, r4[] = {cens(1500)};
    expect_obs(c, "w1", 3, w1r3, 1);
    expect_obs(c, "w2", 3, w2r3, 1);
    expect_obs(c, "w1", 4, r4, 1);
    expect_obs(c, "w2", 4, r4, 1);
    const cc_dfit_obs w1r5[] = {act(1800)}, w2r6[] = {act(1800)};
    expect_obs(c, "w1", 5, w1r5, 1);
    expect_obs(c, "w2", 5, NULL, 0);
    expect_obs(c, "w1", 6, NULL, 0);
    expect_obs(c, "w2", 6, w2r6, 1);
    const cc_dfit_obs o1[] = {act(5400)}, o2[] = {{3600, 234000, CC_DFIT_INTERVAL}};
    expect_obs(c, "o1", 1, o1, 1);
    expect_obs(c, "o2", 1, o2, 1);
    const cc_calib_group *G = group_named(c, "w1");
    cr_expect_eq(G->seat_logs, 1);
    cr_expect_eq(G->agent_seat_logs, 0, "a person played it");
    cr_expect(isnan(G->absence) && isnan(G->channel_failure), "no agent-played logs: nothing measured");
    cr_expect_eq(cc_calib_shared_streams(c), 0);
    cc_calib_free(c);
    cc_buf_free(&log);
    cc_scenario_free(s);
}

/* Grouping (docs/calibration.md): by seat the seat's id, suffixed when an agent has that id; by
 * role the role in lower case, the same role with another agent a second group; by agent, the
 * agent's own id. Observations of a group are pooled. */
Test(calib, grouping_and_ids)
{
    cc_scenario *s = load_with(ACTS, NULL);
    cc_buf log;
    cc_buf_init(&log);
    run_log(s, 1, 0, 0, "tests/calib/acts-inputs.jsonl", &log);
    static const struct {
        cc_calib_by by;
        const char *ids[4];
        size_t n;
    } cases[] = {{CC_CALIB_BY_SEAT, {"w1", "w2", "o1-calibrated", "o2"}, 4},
                 {CC_CALIB_BY_ROLE, {"watch-officer", "desk-officer", "desk-officer-2", NULL}, 3},
                 {CC_CALIB_BY_AGENT, {"watcher", "o1", "clerk-cal", NULL}, 3}};
    for (size_t k = 0; k < 3; k++) {
        cc_calib *c = calib_of(s, cases[k].by, &log);
        cr_assert_eq(cc_calib_ngroups(c), cases[k].n);
        for (size_t g = 0; g < cases[k].n; g++)
            cr_expect_str_eq(cc_calib_group_at(c, g)->agent_id, cases[k].ids[g], "by %s, group %zu",
                             cc_calib_by_name(cases[k].by), g);
        if (cases[k].by != CC_CALIB_BY_SEAT) /* w1 and w2 pooled: rule 1 has both acts */
            cr_expect_eq(cc_calib_group_at(c, 0)->rules[0].offers, 3);
        cc_calib_free(c);
    }
    cc_buf_free(&log);
    cc_scenario_free(s);
}

static cc_err add_text(cc_calib *c, const char *text, size_t len, cc_calib_error *err)
{
    return cc_calib_add_log(c, "bad.jsonl", text, len, err);
}

/* Every refusal names the log and, where there is one, the line. */
Test(calib, refuses_bad_logs)
{
    cc_scenario *s = load_with(ACTS, NULL), *r = load_with(RIVER, NULL);
    cc_buf log, other;
    cc_buf_init(&log);
    cc_buf_init(&other);
    run_log(s, 1, 0, 0, "tests/calib/acts-inputs.jsonl", &log);
    run_log(r, 1, 0, 1, NULL, &other);
    cc_calib *c = NULL;
    cc_calib_opts o = {CC_CALIB_BY_SEAT, 1, 0, 1};
    cr_assert_eq(cc_calib_new(s, &o, &c), CC_OK);
    cc_calib_error err;
    cr_expect_eq(add_text(c, other.data, other.len, &err), CC_ERR_INVALID);
    cr_expect(strstr(err.message, "bad.jsonl: a log of another scenario") != NULL, "%s", err.message);
    cr_expect_eq(add_text(c, "", 0, &err), CC_ERR_PARSE);
    cr_expect(strstr(err.message, "empty") != NULL, "%s", err.message);
    cr_expect_eq(add_text(c, log.data, log.len - 1, &err), CC_ERR_PARSE, "the last newline cut off");
    cr_expect(strstr(err.message, "not terminated by a newline") != NULL, "%s", err.message);
    char *t = strdup(log.data);
    char *second = strchr(t, '\n') + 1, *third = strchr(second, '\n') + 1;
    char *flip = strstr(second, "\"t\":");
    flip[5] = flip[5] == '1' ? '2' : '1'; /* a changed byte on line 2 */
    cr_expect_eq(add_text(c, t, log.len, &err), CC_ERR_PARSE);
    cr_expect(strstr(err.message, "line 2:") != NULL, "%s", err.message);
    memcpy(t, log.data, log.len);
    memmove(second, third, (size_t)(t + log.len - third) + 1); /* line 2 deleted */
    cr_expect_eq(add_text(c, t, strlen(t), &err), CC_ERR_PARSE);
    cr_expect(strstr(err.message, "line 2: the hash chain is broken") != NULL, "%s", err.message);
    free(t);
    cr_expect_eq(cc_calib_nlogs(c), 0, "nothing of a refused log is kept");
    cr_expect_eq(cc_calib_fit(c, &err), CC_ERR_INVALID, "no log");
    cc_calib_free(c);
    cc_buf_free(&log);
    cc_buf_free(&other);
    cc_scenario_free(s);
    cc_scenario_free(r);
}

/* A run nobody played (no agents, no inputs) offers nothing: "no observations". */
Test(calib, no_observations)
{
    cc_scenario *s = load_with(ACTS, NULL);
    cc_buf log;
    cc_buf_init(&log);
    run_log(s, 1, 0, 0, NULL, &log);
    cc_calib *c = NULL;
    cr_assert_eq(cc_calib_new(s, NULL, &c), CC_OK);
    cc_calib_error err;
    cr_assert_eq(cc_calib_add_log(c, "empty.jsonl", log.data, log.len, &err), CC_OK);
    cr_expect_eq(cc_calib_fit(c, &err), CC_ERR_INVALID);
    cr_expect(strstr(err.message, "no observations") != NULL, "%s", err.message);
    cr_expect_eq(cc_calib_add_log(c, "late.jsonl", log.data, log.len, &err), CC_ERR_ARG, "after the fit");
    cc_calib_free(c);
    cc_buf_free(&log);
    cc_scenario_free(s);
}

/* Agent logs: absences are the seat.absent events, lost acts the message.lost events; two logs of
 * the same seed and replication share streams. */
Test(calib, absence_loss_and_shared_streams)
{
    cc_scenario *s = load_with(RIVER, NULL);
    cc_calib_opts o = {CC_CALIB_BY_AGENT, 10, 0, 1};
    cc_calib *c = NULL;
    cr_assert_eq(cc_calib_new(s, &o, &c), CC_OK);
    size_t absent = 0, lost = 0;
    cc_buf log;
    cc_buf_init(&log);
    for (uint64_t rep = 0; rep < 12; rep++) {
        cc_buf_reset(&log);
        run_log(s, 3, rep % 10, 1, NULL, &log);
        for (const char *p = log.data; (p = strstr(p, "\"type\":\"seat.absent\"")) != NULL; p++)
            absent++;
        for (const char *p = log.data; (p = strstr(p, "\"type\":\"message.lost\"")) != NULL; p++)
            lost++;
        cc_calib_error err;
        cr_assert_eq(cc_calib_add_log(c, "r.jsonl", log.data, log.len, &err), CC_OK, "%s", err.message);
    }
    cc_calib_error err;
    cr_assert_eq(cc_calib_fit(c, &err), CC_OK);
    const cc_calib_group *C = group_named(c, "commissioner"), *D = group_named(c, "hydrology-desk");
    cr_expect_eq(C->absent + D->absent, absent);
    cr_expect_eq(C->lost + D->lost, lost);
    cr_expect_eq(C->agent_seat_logs, 36);
    cr_expect(lost > 0, "the fixture loses some acts");
    cr_expect_eq(cc_calib_shared_streams(c), 2, "replications 0 and 1 twice");
    cc_buf_free(&log);
    cc_calib_free(c);
    cc_scenario_free(s);
}

/* ---- recovery: simulate from known parameters, calibrate, find them in their intervals ---- */

typedef struct tally {
    size_t in, n;
} tally;

static void check(tally *t, double lo, double truth, double hi)
{
    t->n++;
    t->in += lo <= truth && truth <= hi;
}

/* The true family's fit of a rule (whatever the AIC chose). */
static const cc_dfit *fit_of(const cc_calib_rule *R, cc_dfit_model m)
{
    cr_assert(R->fitted[m], "rule %zu: %s not fitted", R->index + 1, cc_dfit_model_name(m));
    return &R->fits[m];
}

/* One seed: nlogs replications of tests/calib/river-commission.yaml, calibrated by agent; every
 * known parameter checked against its interval. delay: the delay parameters; prob: probabilities
 * below 1, absence and channel failure; one: the probabilities of rules that always act; best:
 * rules whose AIC chose the true family. */
static void recover(const cc_scenario *s, uint64_t seed, size_t nlogs, tally *delay, tally *prob, tally *one,
                    tally *best)
{
    cc_calib_opts o = {CC_CALIB_BY_AGENT, 10, 0, 1};
    cc_calib *c = NULL;
    cr_assert_eq(cc_calib_new(s, &o, &c), CC_OK);
    cc_buf log;
    cc_buf_init(&log);
    cc_calib_error err;
    for (size_t rep = 0; rep < nlogs; rep++) {
        cc_buf_reset(&log);
        run_log(s, seed, rep, 1, NULL, &log);
        cr_assert_eq(cc_calib_add_log(c, "r.jsonl", log.data, log.len, &err), CC_OK, "%s", err.message);
    }
    cc_buf_free(&log);
    cr_assert_eq(cc_calib_fit(c, &err), CC_OK, "%s", err.message);
    const cc_calib_group *C = group_named(c, "commissioner"), *D = group_named(c, "hydrology-desk");
    /* the scenario's truth: commissioner {ack lognormal(25m, 0.8); vote lognormal(45m, 0.5) p 0.85;
     * object exponential(30m) p 0.25; absence 0.05; channel failure 0.02}; desk {assess gamma(2, 40m);
     * share exponential(20m) p 0.7; acknowledge a forward exponential(15m) p 0.9} */
    static const struct {
        int desk, rule;
        cc_dfit_model m;
        double par[2], p;
    } truth[] = {{0, 0, CC_DFIT_LOGNORMAL, {1500, 0.8}, 1},    {0, 1, CC_DFIT_LOGNORMAL, {2700, 0.5}, 0.85},
                 {0, 2, CC_DFIT_EXPONENTIAL, {1800, 0}, 0.25}, {1, 0, CC_DFIT_GAMMA, {2, 2400}, 1},
                 {1, 1, CC_DFIT_EXPONENTIAL, {1200, 0}, 0.7},  {1, 2, CC_DFIT_EXPONENTIAL, {900, 0}, 0.9}};
    for (size_t k = 0; k < sizeof truth / sizeof truth[0]; k++) {
        const cc_calib_rule *R = &(truth[k].desk ? D : C)->rules[truth[k].rule];
        cr_assert_eq(R->status, CC_CALIB_FITTED, "rule %zu", R->index + 1);
        const cc_dfit *f = fit_of(R, truth[k].m);
        for (int i = 0; i < f->npar; i++)
            check(delay, f->lo[i], truth[k].par[i], f->hi[i]);
        check(truth[k].p < 1 ? prob : one, R->p_lo, truth[k].p, R->p_hi);
        best->n++;
        best->in += R->best == (int)truth[k].m;
    }
    check(prob, C->absence_lo, 0.05, C->absence_hi);
    check(prob, C->cf_lo, 0.02, C->cf_hi);
    cc_calib_free(c);
}

/* docs/calibration.md, "Recovery": over 40 seeds of 60 logs each (about 1,000 offers per rule), the
 * 95% intervals of the delay parameters and of the probabilities hold the true values about 95% of
 * the time; the AIC picks the true family most of the time (an exponential is a gamma of shape 1,
 * so the gamma is not always told apart from it). Measured: see docs/calibration.md. */
Test(calib, recovery_coverage, .timeout = 600)
{
    cc_scenario *s = load_with(RIVER, NULL);
    tally delay = {0, 0}, prob = {0, 0}, one = {0, 0}, best = {0, 0};
    for (uint64_t seed = 1; seed <= 40; seed++)
        recover(s, seed, 60, &delay, &prob, &one, &best);
    double cd = (double)delay.in / (double)delay.n, cp = (double)prob.in / (double)prob.n;
    double cb = (double)best.in / (double)best.n;
    cr_log_info(
        "recovery: delay parameters %zu of %zu in their intervals (%.3f); probabilities below 1, absence "
        "and channel failure %zu of %zu (%.3f); probability 1 %zu of %zu; true family chosen %zu of %zu "
        "(%.3f)",
        delay.in, delay.n, cd, prob.in, prob.n, cp, one.in, one.n, best.in, best.n, cb);
    cr_expect(cd >= 0.91 && cd <= 0.99, "delay coverage %.3f (%zu of %zu)", cd, delay.in, delay.n);
    cr_expect(cp >= 0.90 && cp <= 0.995, "probability coverage %.3f (%zu of %zu)", cp, prob.in, prob.n);
    cr_expect(cb >= 0.7, "the AIC chose the true family in %.3f", cb);
    cr_expect(one.in >= one.n - 2, "a rule that always acts: 1 in its interval %zu of %zu", one.in, one.n);
    cc_scenario_free(s);
}

/* ---- the agents file: written, read back, merged, refused ---- */

#include <unistd.h>

static char tmpdir[64];

static const char *tmpfile_with(const char *name, const char *text)
{
    static char path[128];
    if (!tmpdir[0]) {
        snprintf(tmpdir, sizeof tmpdir, "/tmp/caucus-calib-XXXXXX");
        cr_assert(mkdtemp(tmpdir) != NULL);
    }
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "w");
    cr_assert(f);
    fputs(text, f);
    fclose(f);
    return path;
}

/* Loads ACTS with the agents file text; returns the diagnostics' text (one line each). */
static cc_err load_agents_text(const char *text, cc_scenario **out, char *diags, size_t size)
{
    const char *path = tmpfile_with("agents.yaml", text);
    cc_diags d;
    cc_diags_init(&d);
    cc_load_opts o = {.agents = path};
    cc_err rc = cc_scenario_load_file(ACTS, &o, &d, out);
    diags[0] = 0;
    for (size_t i = 0; i < d.count; i++) {
        char line[600];
        cc_diag_format(&d.items[i], line, sizeof line);
        size_t n = strlen(diags);
        snprintf(diags + n, size - n, "%s\n", line);
    }
    cc_diags_free(&d);
    return rc;
}

/* Its agents replace the scenario's of the same id or are added; its seats are re-assigned; the
 * scenario records the file and its SHA-256. */
Test(agentsfile, merges_into_the_scenario)
{
    cc_scenario *s = NULL;
    char diags[4096];
    cc_err rc = load_agents_text("caucus_agents: 1\n"
                                 "scenario: calib-acts\n"
                                 "agents:\n"
                                 "  - id: watcher\n"
                                 "    availability: {hours: always}\n"
                                 "    rules:\n"
                                 "      - {on: request, stage: acknowledge, do: acknowledge, delay: 3m}\n"
                                 "  - id: fast\n"
                                 "    availability: {hours: working}\n"
                                 "    rules:\n"
                                 "      - {on: stage, stage: acknowledge, do: acknowledge, delay: 2m}\n"
                                 "seats:\n"
                                 "  o2: fast\n",
                                 &s, diags, sizeof diags);
    cr_assert_eq(rc, CC_OK, "%s", diags);
    cr_expect_eq(s->nagents, 4);
    cr_expect_str_eq(s->agents[0].id, "watcher", "replaced in place");
    cr_expect_eq(s->agents[0].nrules, 1);
    cr_expect_float_eq(s->agents[0].rules[0].delay.a, 180, 1e-9);
    cr_expect_str_eq(s->agents[s->seats[3].agent_index].id, "fast", "o2 re-assigned");
    cr_expect_str_eq(s->agents[s->seats[0].agent_index].id, "watcher");
    cr_expect(s->agents_file && strstr(s->agents_file, "agents.yaml"));
    unsigned char zero[32] = {0};
    cr_expect(memcmp(s->agents_hash, zero, 32) != 0);
    cc_scenario_free(s);
}

/* Each mistake is an error (or for a rule that can never act, a warning) at its line in the agents
 * file, not in the scenario. */
Test(agentsfile, refuses_with_positions)
{
    static const struct {
        const char *text, *want;
        cc_err rc;
    } cases[] = {
        {"caucus_agents: 1\nagents:\n  - id: watcher\n    rules: [{on: stage, do: acknowledge}]\nseats:\n  "
         "w9: watcher\n",
         "agents.yaml:6:3: error: the agents file assigns seat 'w9', which scenario 'calib-acts' does not "
         "have",
         CC_ERR_INVALID},
        {"caucus_agents: 1\nscenario: other\nagents: []\n",
         "agents.yaml:2:11: error: the agents file is for scenario 'other', not 'calib-acts'",
         CC_ERR_INVALID},
        {"caucus_agents: 2\nagents: []\n", "agents.yaml:1:16: error: unsupported agents file version '2'",
         CC_ERR_INVALID},
        {"caucus_agents: 1\nseats: {w1: watcher}\n",
         "agents.yaml:1:1: error: the agents file is missing required key 'agents'", CC_ERR_INVALID},
        {"caucus_agents: 1\nagents: []\nseats:\n  w1: nobody\n",
         "agents.yaml:4:7: error: seat 'w1' refers to undefined agent 'nobody'", CC_ERR_INVALID},
        {"caucus_agents: 1\nagents:\n  - id: watcher\n    rules:\n      - {on: stage, stage: decide, do: "
         "vote, option: maybe}\n",
         "agents.yaml:5:54: warning: rule 1 of agent 'watcher' votes for option 'maybe', which no decision "
         "offers",
         CC_OK},
        {"caucus_agents: 1\nagentz: []\n", "agents.yaml:2:1: error: unknown key 'agentz' in the agents file",
         CC_ERR_INVALID},
        {"caucus_agents: 1\nagents:\n  - id: watcher\n    rules:\n      - {on: stage, stage: convene, do: "
         "acknowledge}\n",
         "agents.yaml:5:9: warning: agent 'watcher', rule 1 (on: stage): no situation of its seats can match "
         "it",
         CC_OK},
        {"", "agents.yaml:1:1: error: the agents file is empty", CC_ERR_INVALID},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        cc_scenario *s = NULL;
        char diags[4096];
        cc_err rc = load_agents_text(cases[k].text, &s, diags, sizeof diags);
        cr_expect_eq(rc, cases[k].rc, "case %zu: %d\n%s", k, rc, diags);
        cr_expect(strstr(diags, cases[k].want) != NULL, "case %zu: want '%s' in\n%s", k, cases[k].want,
                  diags);
        cc_scenario_free(s);
    }
    cc_diags d;
    cc_diags_init(&d);
    cc_scenario *s = NULL;
    cc_load_opts o = {.agents = "/nonexistent/agents.yaml"};
    cr_expect_eq(cc_scenario_load_file(ACTS, &o, &d, &s), CC_ERR_INVALID);
    cr_expect(d.count && strstr(d.items[0].message, "cannot open") != NULL);
    cc_diags_free(&d);
}

/* What calibrate writes is an agents file the scenario loads, that re-assigns every seat it
 * calibrated and carries the fitted values; the JSON and the SVG hold every fitted rule. */
Test(agentsfile, calibrated_file_round_trip, .timeout = 120)
{
    cc_scenario *s = load_with(RIVER, NULL);
    cc_calib_opts o = {CC_CALIB_BY_SEAT, 10, 20, 7};
    cc_calib *c = NULL;
    cr_assert_eq(cc_calib_new(s, &o, &c), CC_OK);
    cc_buf b;
    cc_buf_init(&b);
    cc_calib_error err;
    for (uint64_t rep = 0; rep < 20; rep++) {
        cc_buf_reset(&b);
        run_log(s, 9, rep, 1, NULL, &b);
        cr_assert_eq(cc_calib_add_log(c, "r.jsonl", b.data, b.len, &err), CC_OK);
    }
    cr_assert_eq(cc_calib_fit(c, &err), CC_OK);
    cc_buf_reset(&b);
    cr_assert_eq(cc_calout_agents(c, &b), CC_OK);
    cc_scenario *t = load_with(RIVER, tmpfile_with("river-agents.yaml", b.data));
    const cc_calib_group *G = group_named(c, "midval-chair");
    const cc_seat *seat = &t->seats[1];
    cr_expect_str_eq(seat->id, "midval-chair");
    const cc_agent *A = &t->agents[seat->agent_index];
    cr_expect_str_eq(A->id, "midval-chair");
    const cc_calib_rule *R = &G->rules[1];
    cr_assert_eq(R->status, CC_CALIB_FITTED);
    cr_expect_float_eq(A->rules[1].probability, floor(R->p * 1e4 + 0.5) / 1e4, 1e-12,
                       "the probability written");
    cr_expect_eq(A->rules[1].delay.kind, R->best == CC_DFIT_LOGNORMAL ? CC_DIST_LOGNORMAL
                                         : R->best == CC_DFIT_GAMMA   ? CC_DIST_GAMMA
                                                                      : CC_DIST_EXPONENTIAL);
    cr_expect(strstr(b.data, "# logs:\n#   r.jsonl\n") != NULL, "the header names the logs");
    for (size_t i = 0; i < t->nseats; i++)
        if (t->seats[i].agent_index >= 0)
            cr_expect_str_eq(t->agents[t->seats[i].agent_index].id, t->seats[i].id, "seat %s",
                             t->seats[i].id);
    cc_engine *e = NULL;
    cc_engine_opts eo = {.seed = 1, .variant = -1};
    cr_expect_eq(cc_engine_new(t, &eo, NULL, NULL, &e), CC_OK, "the calibrated scenario runs");
    cc_engine_free(e);
    /* JSON: every group and rule; SVG: one row of two panels per fitted or fixed rule */
    json_t *j = cc_calout_json(c);
    cr_assert(j);
    size_t rows = 0, n = 0;
    for (size_t g = 0; g < cc_calib_ngroups(c); g++)
        for (size_t r = 0; r < cc_calib_group_at(c, g)->nrules; r++) {
            cc_calib_status st = cc_calib_group_at(c, g)->rules[r].status;
            rows += st == CC_CALIB_FITTED || st == CC_CALIB_FIXED;
            n++;
        }
    size_t jn = 0, i;
    json_t *grp;
    json_array_foreach(json_object_get(j, "groups"), i, grp) jn +=
        json_array_size(json_object_get(grp, "rules"));
    cr_expect_eq(jn, n);
    cr_expect_str_eq(json_string_value(json_object_get(j, "scenario")), "river-commission");
    json_decref(j);
    cc_buf_reset(&b);
    cr_assert_eq(cc_calplot_svg(c, &b), CC_OK);
    size_t panels = 0;
    for (const char *p = b.data; (p = strstr(p, "<g transform=")) != NULL; p++)
        panels++;
    cr_expect_eq(panels, 2 * rows);
    cr_expect(rows > 0);
    cc_buf_reset(&b);
    cr_assert_eq(cc_calout_text(c, &b), CC_OK);
    cr_expect(strstr(b.data, "midval-chair -> agent midval-chair") != NULL);
    cc_buf_free(&b);
    cc_calib_free(c);
    cc_scenario_free(t);
    cc_scenario_free(s);
}
