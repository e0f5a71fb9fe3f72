/* Validity of the simulator against answers known analytically (the files in tests/validity/):
 * a sequential chain of exponential stages, a stage waiting for all of k exponentials, a
 * lognormal stage against a deadline, and the coverage of the reported 95% intervals. */
#include <criterion/criterion.h>
#include <math.h>

#include "io/scenario_load.h"
#include "sim/sim.h"

static cc_scenario *load(const char *path)
{
    cc_diags d;
    cc_diags_init(&d);
    cc_scenario *s = NULL;
    cr_assert_eq(cc_scenario_load_file(path, NULL, &d, &s), CC_OK, "%s", path);
    cc_diags_free(&d);
    return s;
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

Test(validity, confidence_interval_coverage)
{
    cc_scenario *s = load("tests/validity/chain.yaml");
    double want = (10 + 20 + 30 + 40) / 60.0;
    int covered = 0;
    for (uint64_t seed = 1; seed <= 200; seed++) {
        cc_sim_opts o = {.seed = seed, .reps = 200, .threads = 1};
        cc_sim *r = NULL;
        cr_assert_eq(cc_sim_run(s, &o, &r), CC_OK);
        cc_sim_summary sm;
        cc_sim_summarise(r, 0, 0, &sm);
        covered += sm.mean_lo <= want && want <= sm.mean_hi;
        cc_sim_free(r);
    }
    cr_expect(covered >= 180 && covered <= 198, "the 95%% interval held the true mean in %d of 200 seeds",
              covered);
    cc_scenario_free(s);
}

/* CONSULT-10 sequential (bench/consult-10.yaml): the reviewers clear one after another, each
 * after a chain of at most 5 reviews (lognormal(ln 5 h, 0.5), approval 0.8) with a gamma(2, 2 h)
 * revision after each objection, so the mean is 10 x E[chain] =
 * 10 x (E[review] x sum_{k<5} 0.2^k + E[revision] x sum_{1<=k<5} 0.2^k). The scenario draws each
 * chain from 4096 bin means of 262144 sorted draws: the mean is kept to about 0.01 h a chain. */
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
    double reviews = 1 + 0.2 + 0.04 + 0.008 + 0.0016, revisions = reviews - 1;
    double want = 10 * (5 * exp(0.125) * reviews + 2 * 2 * revisions);
    double se = sqrt(var / (double)n);
    cr_expect(fabs(mean - want) < 4 * se + 0.3, "mean %.3f h, want %.3f (se %.3f)", mean, want, se);
    cc_sim_free(r);
    cc_scenario_free(s);
}
