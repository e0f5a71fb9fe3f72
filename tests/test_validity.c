/* Validity of the simulator against answers known analytically (the files in tests/validity/):
 * a sequential chain of exponential stages, a stage waiting for all of k exponentials, a
 * lognormal stage against a deadline, censoring at the end of a run (restricted mean, completion
 * probability, Kaplan-Meier), the silence procedure, and the coverage of every reported 95%
 * interval (means, rates near 0 and 1, paired differences) over hundreds of seeds, each within
 * 93% to 97% (docs/sim.md, "Validity"). */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "io/patch.h"
#include "io/scenario_load.h"
#include "sim/sim.h"
#include "sim/stats.h"

static cc_scenario *load(const char *path)
{
    cc_diags d;
    cc_diags_init(&d);
    cc_scenario *s = NULL;
    cr_assert_eq(cc_scenario_load_file(path, NULL, &d, &s), CC_OK, "%s", path);
    cc_diags_free(&d);
    return s;
}

static int dcmp_v(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* mean and variance of metric m (hours) over all replications of variant 0 */
static void moments(const cc_sim *r, size_t m, double *mean, double *var, size_t *n)
{
    double s = 0, s2 = 0;
    *n = 0;
    for (size_t k = 0; k < cc_sim_reps(r); k++) {
        double x = cc_sim_value(r, 0, k, m);
        if (isnan(x))
            continue;
        s += x;
        s2 += x * x;
        (*n)++;
    }
    *mean = s / (double)*n;
    *var = s2 / (double)*n - *mean * *mean;
}

Test(validity, sequential_chain_of_exponentials)
{
    cc_scenario *s = load("tests/validity/chain.yaml");
    cc_sim_opts o = {.seed = 2026, .reps = 40000, .threads = 2};
    cc_sim *r = NULL;
    cr_assert_eq(cc_sim_run(s, &o, &r), CC_OK);
    double mean, var;
    size_t n;
    moments(r, 0, &mean, &var, &n);
    cr_assert_eq(n, 40000, "every replication completes");
    double want_mean = (10 + 20 + 30 + 40) / 60.0;               /* hours */
    double want_var = (100.0 + 400.0 + 900.0 + 1600.0) / 3600.0; /* sum of mean^2 */
    double se = sqrt(want_var / (double)n);
    cr_expect(fabs(mean - want_mean) < 4 * se, "mean %.5f h, want %.5f (se %.5f)", mean, want_mean, se);
    cr_expect(fabs(var - want_var) < 0.04 * want_var, "variance %.5f, want %.5f", var, want_var);
    cc_sim_free(r);
    cc_scenario_free(s);
}

Test(validity, parallel_stage_waits_for_all)
{
    cc_scenario *s = load("tests/validity/parallel.yaml");
    cc_sim_opts o = {.seed = 7, .reps = 40000, .threads = 2};
    cc_sim *r = NULL;
    cr_assert_eq(cc_sim_run(s, &o, &r), CC_OK);
    double mean, var;
    size_t n;
    moments(r, 0, &mean, &var, &n);
    double h5 = 1 + 1 / 2.0 + 1 / 3.0 + 1 / 4.0 + 1 / 5.0;
    double want = 30.0 * h5 / 60.0; /* E[max of 5 exponentials] = H_5 / rate */
    /* Var[max] = sum 1/(i rate)^2 */
    double v = 0;
    for (int i = 1; i <= 5; i++)
        v += (30.0 / i) * (30.0 / i);
    v /= 3600.0;
    cr_expect(fabs(mean - want) < 4 * sqrt(v / (double)n), "mean %.5f h, want %.5f", mean, want);
    cr_expect(fabs(var - v) < 0.05 * v, "variance %.5f, want %.5f", var, v);
    cc_sim_free(r);
    cc_scenario_free(s);
}

Test(validity, lognormal_deadline_miss_probability)
{
    cc_scenario *s = load("tests/validity/deadline.yaml");
    cc_sim_opts o = {.seed = 11, .reps = 40000, .threads = 2};
    cc_sim *r = NULL;
    cr_assert_eq(cc_sim_run(s, &o, &r), CC_OK);
    size_t m = cc_sim_nmetrics(r) - 1;
    cr_assert_str_eq(cc_sim_metric_name(r, m), "G: missed");
    cc_sim_summary sm;
    cc_sim_summarise(r, 0, m, &sm);
    /* P(miss) = 1 - Phi((ln d - mu) / sigma), d = 90 min, mu = ln 60 min, sigma = 0.5 */
    double z = (log(90.0) - log(60.0)) / 0.5;
    double want = 1 - 0.5 * erfc(-z / sqrt(2.0));
    double se = sqrt(want * (1 - want) / 40000.0);
    cr_expect(fabs(sm.mean - want) < 4 * se, "P(miss) %.5f, want %.5f", sm.mean, want);
    cr_expect(sm.mean_lo <= want && want <= sm.mean_hi, "the 95%% interval [%.4f, %.4f] holds %.4f",
              sm.mean_lo, sm.mean_hi, want);
    cc_sim_free(r);
    cc_scenario_free(s);
}

/* The share of seeds (of nseeds) whose 95% interval of metric m in variant 0 holds want. */
static double coverage(const char *path, size_t reps, uint64_t nseeds, size_t m, double want, int rate)
{
    cc_scenario *s = load(path);
    size_t covered = 0;
    for (uint64_t seed = 1; seed <= nseeds; seed++) {
        cc_sim_opts o = {.seed = seed, .reps = reps, .threads = 1};
        cc_sim *r = NULL;
        cr_assert_eq(cc_sim_run(s, &o, &r), CC_OK);
        cc_sim_summary sm;
        cc_sim_summarise(r, 0, m, &sm);
        cr_assert(rate || sm.n == reps, "nothing censored in %s", path);
        covered += sm.mean_lo <= want && want <= sm.mean_hi;
        cc_sim_free(r);
    }
    cc_scenario_free(s);
    return (double)covered / (double)nseeds;
}

Test(validity, mean_interval_coverage, .timeout = 120)
{
    /* the chain's mean, 200 replications a seed */
    double c = coverage("tests/validity/chain.yaml", 200, 1000, 0, (10 + 20 + 30 + 40) / 60.0, 0);
    cr_log_info("chain mean, 200 replications: held in %.1f%% of 1000 seeds", 100 * c);
    cr_expect(c >= 0.93 && c <= 0.97, "the 95%% interval held the true mean in %.1f%% of 1000 seeds", 100 * c);
}

/* At 8 replications the t interval is wider than 1.96 standard errors; the normal one would hold
 * the mean only about 91% of the time. */
Test(validity, mean_interval_coverage_at_small_n_uses_student_t, .timeout = 120)
{
    cc_scenario *s = load("tests/validity/uniform.yaml");
    size_t t_hold = 0, z_hold = 0, seeds = 2000;
    for (uint64_t seed = 1; seed <= seeds; seed++) {
        cc_sim_opts o = {.seed = seed, .reps = 8, .threads = 1};
        cc_sim *r = NULL;
        cr_assert_eq(cc_sim_run(s, &o, &r), CC_OK);
        cc_sim_summary sm;
        cc_sim_summarise(r, 0, 0, &sm);
        cr_assert_eq(sm.n, 8);
        t_hold += sm.mean_lo <= 1.0 && 1.0 <= sm.mean_hi;
        double h = 1.959963984540054 * sqrt(sm.var / 8.0);
        z_hold += sm.mean - h <= 1.0 && 1.0 <= sm.mean + h;
        cc_sim_free(r);
    }
    double t = (double)t_hold / (double)seeds, z = (double)z_hold / (double)seeds;
    cr_log_info("uniform mean, 8 replications: t held in %.1f%%, normal in %.1f%% of %zu seeds", 100 * t, 100 * z,
                seeds);
    cr_expect(t >= 0.93 && t <= 0.97, "the t interval held the mean in %.1f%% of %zu seeds", 100 * t, seeds);
    cr_expect(z < 0.93, "the normal interval would have held it in %.1f%%, below 93%%", 100 * z);
    cc_scenario_free(s);
}

/* Wilson's interval, exactly: the binomial probability of every outcome whose interval holds p. */
static double wilson_exact_coverage(double p, size_t n)
{
    double cov = 0;
    for (size_t k = 0; k <= n; k++) {
        double lo, hi;
        cc_stats_wilson(k, n, 1.959963984540054, &lo, &hi);
        if (lo <= p && p <= hi)
            cov += exp(lgamma((double)n + 1) - lgamma((double)k + 1) - lgamma((double)(n - k) + 1) +
                       (k ? (double)k * log(p) : 0) + (n - k ? (double)(n - k) * log1p(-p) : 0));
    }
    return cov;
}

Test(validity, rate_interval_coverage_exact)
{
    const double ps[] = {0.02, 0.05, 0.2, 0.5, 0.8, 0.95, 0.98};
    const size_t ns[] = {200, 500, 2000};
    for (size_t i = 0; i < sizeof ps / sizeof ps[0]; i++)
        for (size_t j = 0; j < sizeof ns / sizeof ns[0]; j++) {
            double c = wilson_exact_coverage(ps[i], ns[j]);
            cr_expect(c >= 0.93 && c <= 0.97, "Wilson at p %.2f, n %zu covers %.4f", ps[i], ns[j], c);
        }
}

/* Through the simulator: completions with probability 0.02 and 0.98, 2000 replications a seed. */
Test(validity, rate_interval_coverage_near_0_and_1, .timeout = 300)
{
    cc_scenario *s = load("tests/validity/rare.yaml");
    size_t seeds = 600, hold[2] = {0, 0};
    const double want[2] = {0.02, 0.98};
    for (uint64_t seed = 1; seed <= seeds; seed++) {
        cc_sim_opts o = {.seed = seed, .reps = 2000, .threads = 2};
        cc_sim *r = NULL;
        cr_assert_eq(cc_sim_run(s, &o, &r), CC_OK);
        for (size_t c = 0; c < 2; c++) {
            size_t m = 2 + c; /* C-rare: completed, C-common: completed */
            cr_assert(cc_sim_metric_is_rate(r, m));
            cc_sim_summary sm;
            cc_sim_summarise(r, 0, m, &sm);
            hold[c] += sm.mean_lo <= want[c] && want[c] <= sm.mean_hi;
        }
        cc_sim_free(r);
    }
    for (size_t c = 0; c < 2; c++) {
        double cov = (double)hold[c] / (double)seeds;
        cr_log_info("rate %.2f, 2000 replications: held in %.1f%% of %zu seeds", want[c], 100 * cov, seeds);
        cr_expect(cov >= 0.93 && cov <= 0.97, "p %.2f: held in %.1f%% of %zu seeds", want[c], 100 * cov, seeds);
    }
    cc_scenario_free(s);
}

/* long - short is the adviser's delay, uniform(0, 2 h): mean 1 h. The paired interval holds it
 * 93-97% of the time and is narrower than the unpaired one in every seed (correlation 0.87). */
Test(validity, paired_difference_coverage, .timeout = 120)
{
    cc_scenario *s = load("tests/validity/paired.yaml");
    size_t seeds = 1000, hold = 0, narrower = 0;
    double corr = 0;
    for (uint64_t seed = 1; seed <= seeds; seed++) {
        cc_sim_opts o = {.seed = seed, .reps = 50, .threads = 1};
        cc_sim *r = NULL;
        cr_assert_eq(cc_sim_run(s, &o, &r), CC_OK);
        cr_assert_str_eq(cc_sim_variant_id(r, 1), "long");
        cc_sim_comparison c;
        cc_sim_compare(r, 0, 1, 0, &c);
        cr_assert_eq(c.n, 50);
        hold += c.lo <= 1.0 && 1.0 <= c.hi;
        narrower += c.hi - c.lo < c.unpaired_hi - c.unpaired_lo;
        corr += c.corr;
        cc_sim_free(r);
    }
    double cov = (double)hold / (double)seeds;
    cr_log_info("paired difference, 50 replications: held in %.1f%% of %zu seeds, mean correlation %.3f", 100 * cov,
                seeds, corr / (double)seeds);
    cr_expect(cov >= 0.93 && cov <= 0.97, "the paired interval held 1 h in %.1f%% of %zu seeds", 100 * cov, seeds);
    cr_expect_eq(narrower, seeds, "paired narrower than unpaired in %zu of %zu seeds", narrower, seeds);
    corr /= (double)seeds;
    cr_expect(fabs(corr - 1 / sqrt(4.0 / 3.0)) < 0.03, "mean correlation %.3f, want 0.866", corr);
    cc_scenario_free(s);
}

/* Exponential answers (rate 2/h) censored at the end of a 2 h exercise: the completion
 * probability, the restricted mean, the mean of the completed ones and the Kaplan-Meier estimate
 * against their closed forms. */
Test(validity, censoring_against_the_exponential_closed_form)
{
    cc_scenario *s = load("tests/validity/censored.yaml");
    cc_sim_opts o = {.seed = 17, .reps = 40000, .threads = 2};
    cc_sim *r = NULL;
    cr_assert_eq(cc_sim_run(s, &o, &r), CC_OK);
    cr_assert_str_eq(cc_sim_metric_name(r, 0), "C: request to completion (h)");
    cc_sim_summary sm;
    cc_sim_summarise(r, 0, 0, &sm);
    double q = exp(-4.0), done = 1 - q, rmst = (1 - q) / 2, cond = 0.5 - 2 * q / (1 - q);
    cr_expect_eq(sm.applicable, 40000);
    cr_expect_eq(sm.tau, 2.0, "restricted to the 2 h every replication was observed for");
    /* within 4 standard errors (an interval holds the truth 95% of the time: coverage is tested
     * above over many seeds) */
    double se_done = sqrt(done * (1 - done) / 40000.0);
    cr_expect(fabs(sm.done - done) < 4 * se_done, "P(done) %.5f, want %.5f", sm.done, done);
    cr_expect(fabs(sm.rmean - rmst) < 4 * sqrt(sm.rvar / 40000.0), "restricted mean %.5f, want %.5f", sm.rmean,
              rmst);
    cr_expect(fabs(sm.mean - cond) < 4 * sqrt(sm.var / (double)sm.n), "mean if done %.5f, want %.5f", sm.mean,
              cond);
    cr_expect(sm.done_lo < sm.done && sm.done < sm.done_hi && sm.rmean_lo < sm.rmean && sm.rmean < sm.rmean_hi);
    /* every censored value is exactly the horizon */
    size_t cens = 0;
    for (size_t k = 0; k < 40000; k++) {
        double y = cc_sim_value(r, 0, k, 0);
        if (signbit(y)) {
            cr_assert_eq(y, -2.0);
            cens++;
        }
    }
    cr_expect_eq(cens, 40000 - sm.n);
    /* Kaplan-Meier at 1 h: S(1) = e^-2 (the values sorted, censored ones last at their time) */
    double *t = malloc(40000 * sizeof *t), *sv = malloc(40000 * sizeof *sv);
    uint8_t *ev = malloc(40000);
    size_t n = 0;
    for (size_t k = 0; k < 40000; k++)
        if (!signbit(cc_sim_value(r, 0, k, 0)))
            t[n++] = cc_sim_value(r, 0, k, 0);
    qsort(t, n, sizeof *t, dcmp_v);
    for (size_t k = 0; k < 40000; k++) {
        ev[k] = k < n;
        if (k >= n)
            t[k] = 2.0;
    }
    cc_stats_km(t, ev, 40000, sv);
    size_t at1 = 0;
    while (at1 + 1 < n && t[at1 + 1] <= 1.0)
        at1++;
    double se = sqrt(exp(-2.0) * (1 - exp(-2.0)) / 40000.0);
    cr_expect(fabs(sv[at1] - exp(-2.0)) < 4 * se, "S(1 h) %.5f, want %.5f", sv[at1], exp(-2.0));
    free(t);
    free(sv);
    free(ev);
    cc_sim_free(r);
    cc_scenario_free(s);
}

/* The silence procedure: adopted at its deadline when nobody objects (a completion 3 h 10 min after
 * the request, the guideline met), failed at the first objection (each co-chair objects with 0.2). */
Test(validity, silence_adopts_at_the_deadline_unless_broken)
{
    cc_scenario *s = load("tests/validity/silence.yaml");
    cc_sim_opts o = {.seed = 5, .reps = 20000, .threads = 2};
    cc_sim *r = NULL;
    cr_assert_eq(cc_sim_run(s, &o, &r), CC_OK);
    size_t done_m = 0, fail_m = 0, guide_m = 0, time_m = 0;
    for (size_t m = 0; m < cc_sim_nmetrics(r); m++) {
        const char *n = cc_sim_metric_name(r, m);
        done_m = strcmp(n, "C: completed") == 0 ? m : done_m;
        fail_m = strcmp(n, "C: failed") == 0 ? m : fail_m;
        guide_m = strcmp(n, "G: missed") == 0 ? m : guide_m;
        time_m = strcmp(n, "C: request to completion (h)") == 0 ? m : time_m;
    }
    cc_sim_summary d, f, g, t;
    cc_sim_summarise(r, 0, done_m, &d);
    cc_sim_summarise(r, 0, fail_m, &f);
    cc_sim_summarise(r, 0, guide_m, &g);
    cc_sim_summarise(r, 0, time_m, &t);
    double se = sqrt(0.64 * 0.36 / 20000.0);
    cr_expect(fabs(d.mean - 0.64) < 4 * se, "completed %.4f, want 0.64", d.mean);
    cr_expect(fabs(f.mean - 0.36) < 4 * se, "failed %.4f, want 0.36", f.mean);
    cr_expect_float_eq(d.mean + f.mean, 1.0, 1e-12, "every run ends one way or the other");
    cr_expect_float_eq(g.mean, f.mean, 1e-12, "the deadline is missed exactly when silence was broken");
    cr_expect_float_eq(t.median, 3.0 + 10.0 / 60.0, 1e-9, "adopted 3 h after the decide stage started");
    cr_expect_float_eq(t.max, 3.0 + 10.0 / 60.0, 1e-9);
    cc_sim_free(r);
    cc_scenario_free(s);
}

/* A seat in two stages acts in each: the co-chairs' request acts are held for the acknowledge
 * stage and count when it starts (tests/scenarios/valid/mech-agents.yaml). */
Test(validity, a_seat_in_two_stages_completes_both)
{
    cc_scenario *s = load("tests/scenarios/valid/mech-agents.yaml");
    cc_sim_opts o = {.seed = 3, .reps = 500, .threads = 2};
    cc_sim *r = NULL;
    cr_assert_eq(cc_sim_run(s, &o, &r), CC_OK);
    cc_sim_summary sm;
    cc_sim_summarise(r, 0, 0, &sm);
    cr_expect_eq(sm.n, 500, "every replication completes");
    cr_expect_float_eq(sm.max, 20.0 / 60.0, 1e-9, "20 min: when nld-desk ends notify");
    cc_sim_free(r);
    cc_scenario_free(s);
}

/* CONSULT-10 sequential (bench/consult-10.yaml), the rounds: in round r the A_r remaining
 * objectors review one after another (lognormal(ln 5 h, 0.5), mean 5 e^0.125 h), each approves
 * with 0.8, so A_1 = 10 and A_{r+1} ~ Binomial(A_r, 0.2), E[A_r] = 10 x 0.2^(r-1); the lead
 * revises (gamma(2, 2 h), mean 4 h) after round r < 5 when A_{r+1} > 0, with probability
 * 1 - (1 - 0.2^r)^10. Mean time to decision = E[review] x sum_r E[A_r] + 4 h x sum_{r<5}
 * P(A_{r+1} > 0) = 76.08 h. */
Test(validity, consult10_sequential_mean_time_to_decision)
{
    cc_scenario *s = load("bench/consult-10.yaml");
    int seq[] = {1};
    cc_sim_opts o = {.seed = 11, .reps = 20000, .variants = seq, .nvariants = 1, .threads = 2};
    cc_sim *r = NULL;
    cr_assert_eq(cc_sim_run(s, &o, &r), CC_OK);
    cr_assert_str_eq(cc_sim_variant_id(r, 0), "sequential");
    double mean, var;
    size_t n;
    moments(r, 0, &mean, &var, &n);
    cr_assert_eq(n, 20000, "every replication decides");
    double reviews = 0, revisions = 0;
    for (int k = 0; k < 5; k++) {
        reviews += 10 * pow(0.2, k);
        if (k >= 1)
            revisions += 1 - pow(1 - pow(0.2, k), 10);
    }
    double want = 5 * exp(0.125) * reviews + 2 * 2 * revisions;
    double se = sqrt(var / (double)n);
    cr_expect(fabs(mean - want) < 4 * se, "mean %.3f h, want %.3f (se %.3f)", mean, want, se);
    cc_sim_free(r);
    cc_scenario_free(s);
}

/* E[max of k lognormal(mu, sigma)] = integral over x > 0 of 1 - F(x)^k (Simpson, in hours). */
static double lognormal_max_mean(int k, double mu, double sigma)
{
    if (k == 0)
        return 0;
    const int n = 200000;
    const double hi = 400, h = hi / n;
    double sum = 0;
    for (int i = 0; i <= n; i++) {
        double x = i * h;
        double F = x > 0 ? 0.5 * erfc(-(log(x) - mu) / (sigma * sqrt(2.0))) : 0;
        double f = 1 - pow(F, k);
        sum += f * (i == 0 || i == n ? 1 : i % 2 ? 4 : 2);
    }
    return sum * h / 3;
}

/* CONSULT-10 parallel (bench/consult-10.yaml): round r lasts the slowest of its A_r reviews, so
 * the mean time to decision = sum_r sum_k P(A_r = k) E[max of k reviews] + 4 h x sum_{r<5}
 * P(A_{r+1} > 0), with A_1 = 10 and A_{r+1} ~ Binomial(A_r, 0.2) (the distribution of A_r is
 * carried exactly, E[max] integrated numerically): 25.60 h. */
Test(validity, consult10_parallel_mean_time_to_decision)
{
    double p[11] = {0}, bin[11][11] = {{0}};
    for (int k = 0; k <= 10; k++)
        for (int j = 0; j <= k; j++) {
            double c = 1;
            for (int i = 0; i < j; i++)
                c = c * (k - i) / (i + 1);
            bin[k][j] = c * pow(0.2, j) * pow(0.8, k - j);
        }
    double emax[11];
    for (int k = 0; k <= 10; k++)
        emax[k] = lognormal_max_mean(k, log(5), 0.5);
    p[10] = 1;
    double want = 0;
    for (int r = 1; r <= 5; r++) {
        double next[11] = {0};
        for (int k = 0; k <= 10; k++) {
            want += p[k] * emax[k];
            for (int j = 0; j <= k; j++)
                next[j] += p[k] * bin[k][j];
        }
        if (r < 5)
            want += 4 * (1 - next[0]);
        for (int k = 0; k <= 10; k++)
            p[k] = next[k];
    }
    cr_assert(want > 25 && want < 26.5, "closed form %.3f h", want);
    cc_scenario *s = load("bench/consult-10.yaml");
    int par[] = {0};
    cc_sim_opts o = {.seed = 12, .reps = 20000, .variants = par, .nvariants = 1, .threads = 2};
    cc_sim *r = NULL;
    cr_assert_eq(cc_sim_run(s, &o, &r), CC_OK);
    cr_assert_str_eq(cc_sim_variant_id(r, 0), "parallel");
    double mean, var;
    size_t n;
    moments(r, 0, &mean, &var, &n);
    cr_assert_eq(n, 20000, "every replication decides");
    double se = sqrt(var / (double)n);
    cr_expect(fabs(mean - want) < 4 * se, "mean %.3f h, want %.3f (se %.3f)", mean, want, se);
    cc_sim_free(r);
    cc_scenario_free(s);
}

/* Work time (tests/validity/worktime.yaml): 5 h from Friday 16:00 with Monday a holiday: 91 h in
 * work time, 88 h in calendar time then waiting for the office, 5 h on a watch (worked out by hand
 * in the fixture's header). */
Test(validity, work_time_across_a_weekend_and_a_holiday)
{
    cc_scenario *s = load("tests/validity/worktime.yaml");
    cc_sim_opts o = {.seed = 1, .reps = 40, .threads = 1};
    cc_sim *r = NULL;
    cr_assert_eq(cc_sim_run(s, &o, &r), CC_OK);
    const char *names[] = {"C-work: request to completion (h)", "C-calendar: request to completion (h)",
                           "C-watch: request to completion (h)"};
    const double want[] = {91, 88, 5};
    for (size_t i = 0; i < 3; i++) {
        size_t m = 0;
        while (m < cc_sim_nmetrics(r) && strcmp(cc_sim_metric_name(r, m), names[i]) != 0)
            m++;
        cr_assert_lt(m, cc_sim_nmetrics(r), "no metric %s", names[i]);
        for (size_t v = 0; v < cc_sim_nvariants(r); v++)
            for (size_t k = 0; k < 40; k++)
                cr_assert_eq(cc_sim_value(r, v, k, m), want[i], "%s: %g", names[i], cc_sim_value(r, v, k, m));
    }
    cc_sim_free(r);
    cc_scenario_free(s);
}

/* Reminders and retries (tests/validity/unstick.yaml, worked out by hand in its header): a desk
 * that acts on each offer with 0.6, offered again by two reminders, completes with 1 - 0.4^3 =
 * 0.936 in 1.9231 h on average; without reminders 0.6, at 1 h; a lost message retried twice
 * (channel failure 0.5) completes with 0.875 in 27.143 min on average. */
Test(validity, reminders_and_retries_against_the_closed_form)
{
    cc_scenario *s = load("tests/validity/unstick.yaml");
    enum { N = 20000 };
    cc_sim_opts o = {.seed = 11, .reps = N, .threads = 2};
    cc_sim *r = NULL;
    cr_assert_eq(cc_sim_run(s, &o, &r), CC_OK);
    const char *names[] = {"C-remind: request to completion (h)", "C-plain: request to completion (h)",
                           "C-retry: request to completion (h)"};
    const double p[] = {0.936, 0.6, 0.875};
    const double mean_if_done[] = {1.8 / 0.936, 1.0, (5.0 + 10.0 + 8.75) / 0.875 / 60.0};
    const double sd_if_done[] = {
        /* sqrt(E[T^2 | done] - mean^2) */
        sqrt((0.6 * 1 + 0.24 * 9 + 0.096 * 25) / 0.936 - (1.8 / 0.936) * (1.8 / 0.936)), 0.0,
        sqrt((0.5 * (10.0 / 60) * (10.0 / 60) + 0.25 * (40.0 / 60) * (40.0 / 60) +
              0.125 * (70.0 / 60) * (70.0 / 60)) /
                 0.875 -
             (27.142857 / 60) * (27.142857 / 60))};
    for (size_t i = 0; i < 3; i++) {
        size_t m = 0;
        while (m < cc_sim_nmetrics(r) && strcmp(cc_sim_metric_name(r, m), names[i]) != 0)
            m++;
        cr_assert_lt(m, cc_sim_nmetrics(r), "no metric %s", names[i]);
        size_t done = 0;
        double sum = 0;
        for (size_t k = 0; k < N; k++) {
            double x = cc_sim_value(r, 0, k, m);
            if (x >= 0) { /* a censored value is negative (sim.h) */
                done++;
                sum += x;
            }
        }
        double share = (double)done / N, se = sqrt(p[i] * (1 - p[i]) / N);
        cr_expect(fabs(share - p[i]) < 4 * se, "%s: done %.4f, want %.4f", names[i], share, p[i]);
        double mean = sum / (double)done, mse = sd_if_done[i] / sqrt((double)done);
        cr_expect(fabs(mean - mean_if_done[i]) < 4 * mse + 1e-9, "%s: mean if done %.4f h, want %.4f",
                  names[i], mean, mean_if_done[i]);
    }
    cc_sim_free(r);
    cc_scenario_free(s);
}

/* A sweep of the silence deadline (tests/validity/silence.yaml) against the closed form: the
 * co-chairs acknowledge after 10 min and object, each with 0.2, 1 h into the decide stage, so a
 * consultation completes exactly when nobody objects, at 10 min + the deadline. With common random
 * numbers the same replications complete at every value: the paired difference of "completed" is
 * exactly 0, and that of the restricted mean exactly (share completed) x (d - d0). */
Test(validity, a_sweep_of_the_silence_deadline_is_paired_by_replication)
{
    const char *values[] = {"2h", "3h", "5h", "8h"};
    const double hours[] = {2, 3, 5, 8};
    cc_scenario *pts[4];
    for (size_t p = 0; p < 4; p++) {
        cc_patch patch = {"mechanisms.silence.stages.decide.deadline", values[p]};
        cc_load_opts lo = {.patches = &patch, .npatches = 1};
        cc_diags d;
        cc_diags_init(&d);
        cr_assert_eq(cc_scenario_load_file("tests/validity/silence.yaml", &lo, &d, &pts[p]), CC_OK);
        cc_diags_free(&d);
    }
    enum { N = 4000 };
    cc_sim_opts o = {
        .seed = 21, .reps = N, .threads = 2, .points = (const cc_scenario *const *)pts, .npoints = 4};
    cc_sim *r = NULL;
    cr_assert_eq(cc_sim_run(pts[0], &o, &r), CC_OK);
    cr_assert_eq(cc_sim_npoints(r), 4);
    cr_assert_eq(cc_sim_nvariants(r), 4, "4 points x 1 variant");
    size_t tm = 0, dm = 0;
    for (size_t m = 0; m < cc_sim_nmetrics(r); m++) {
        tm = strcmp(cc_sim_metric_name(r, m), "C: request to completion (h)") == 0 ? m : tm;
        dm = strcmp(cc_sim_metric_name(r, m), "C: completed") == 0 ? m : dm;
    }
    size_t done = 0;
    for (size_t k = 0; k < N; k++)
        done += cc_sim_value(r, 0, k, dm) == 1;
    double share = (double)done / N, se = sqrt(0.64 * 0.36 / N);
    cr_expect(fabs(share - 0.64) < 4 * se, "completed %.4f, want 0.64", share);
    for (size_t p = 0; p < 4; p++) {
        for (size_t k = 0; k < N; k++) {
            double x = cc_sim_value(r, p, k, tm);
            int ok = cc_sim_value(r, 0, k, dm) == 1;
            cr_assert_eq(cc_sim_value(r, p, k, dm) == 1, ok,
                         "replication %zu completes at every value or none", k);
            if (ok)
                cr_assert_float_eq(x, hours[p] + 10.0 / 60.0, 1e-9, "at %s, replication %zu", values[p], k);
        }
        cc_sim_comparison c;
        cc_sim_compare(r, 0, p, dm, &c);
        cr_expect_float_eq(c.diff, 0.0, 1e-12);
        cc_sim_compare(r, 0, p, tm, &c);
        cr_expect_float_eq(c.diff, share * (hours[p] - hours[0]), 1e-9, "%s: %.6f, want %.6f", values[p],
                           c.diff, share * (hours[p] - hours[0]));
        if (p > 0) /* every pair differs by the same amount or by 0: the interval is tight around it */
            cr_expect(c.lo <= c.diff && c.diff <= c.hi && c.hi - c.lo < 0.05 * (hours[p] - hours[0]));
    }
    cc_sim_free(r);
    for (size_t p = 0; p < 4; p++)
        cc_scenario_free(pts[p]);
}
