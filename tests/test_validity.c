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
