/* Tests of sim/sim, sim/simplot and sim/sim_mpi: results independent of the thread and rank
 * count, summaries, differences, the SVG and HTML outputs. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/scenario_model.h"
#include "io/patch.h"
#include "io/scenario_load.h"
#include "sim/sim.h"
#include "sim/sim_mpi.h"
#include "sim/simplot.h"

static cc_scenario *load(const char *path)
{
    cc_diags d;
    cc_diags_init(&d);
    cc_scenario *s = NULL;
    cr_assert_eq(cc_scenario_load_file(path, NULL, &d, &s), CC_OK);
    cc_diags_free(&d);
    return s;
}

Test(sim, same_results_for_any_thread_count)
{
    cc_scenario *s = load("scenarios/ncg-interagency-sim.yaml");
    cc_sim *a = NULL, *b = NULL, *c = NULL;
    cc_sim_opts o = {.seed = 9, .reps = 300, .threads = 1};
    cr_assert_eq(cc_sim_run(s, &o, &a), CC_OK);
    o.threads = 2;
    cr_assert_eq(cc_sim_run(s, &o, &b), CC_OK);
    o.threads = 7;
    cr_assert_eq(cc_sim_run(s, &o, &c), CC_OK);
    cr_assert_eq(cc_sim_nvariants(a), 3);
    size_t M = cc_sim_nmetrics(a);
    cr_assert_gt(M, 4);
    for (size_t v = 0; v < 3; v++)
        for (size_t k = 0; k < 300; k++)
            for (size_t m = 0; m < M; m++) {
                double x = cc_sim_value(a, v, k, m), y = cc_sim_value(b, v, k, m),
                       z = cc_sim_value(c, v, k, m);
                cr_assert((isnan(x) && isnan(y) && isnan(z)) || (x == y && y == z), "v%zu rep%zu m%zu", v, k,
                          m);
            }
    cc_sim_free(a);
    cc_sim_free(b);
    cc_sim_free(c);
    cc_scenario_free(s);
}

Test(sim, variants_and_metrics)
{
    cc_scenario *s = load("scenarios/ncg-interagency-sim.yaml");
    int only[] = {2, 0}; /* silence, sequential */
    cc_sim_opts o = {.seed = 1, .reps = 400, .variants = only, .nvariants = 2, .threads = 2};
    cc_sim *r = NULL;
    cr_assert_eq(cc_sim_run(s, &o, &r), CC_OK);
    cr_expect_str_eq(cc_sim_variant_id(r, 0), "silence");
    cr_expect_str_eq(cc_sim_variant_id(r, 1), "sequential");
    cr_expect_str_eq(cc_sim_metric_name(r, 0), "C-1: request to completion (h)");
    cr_expect(!cc_sim_metric_is_rate(r, 0));
    size_t rate_m = 2; /* C-1: completed */
    cr_expect_str_eq(cc_sim_metric_name(r, rate_m), "C-1: completed");
    cr_expect(cc_sim_metric_is_rate(r, rate_m));
    for (size_t v = 0; v < 2; v++) {
        cc_sim_summary sm;
        cc_sim_summarise(r, v, 0, &sm);
        cr_expect_eq(sm.total, 400);
        cr_assert_gt(sm.n, 10);
        cr_expect(sm.mean_lo <= sm.mean && sm.mean <= sm.mean_hi);
        cr_expect(sm.median_lo <= sm.median && sm.median <= sm.median_hi);
        cr_expect(sm.median <= sm.p90 && sm.p90 <= sm.p99);
        cr_expect_eq(sm.applicable, 400, "C-1 is requested in every replication");
        cr_expect(sm.done_lo <= sm.done && sm.done <= sm.done_hi);
        cr_expect(sm.rmean_lo <= sm.rmean && sm.rmean <= sm.rmean_hi);
        cr_expect(sm.max >= sm.p99);
        cc_sim_summary rt;
        cc_sim_summarise(r, v, rate_m, &rt);
        cr_expect_eq(rt.n, 400, "a rate has a value in every replication where it applies");
        cr_expect_float_eq(rt.mean, (double)sm.n / 400.0, 1e-12, "completion rate matches completed count");
        cr_expect_float_eq(rt.mean, sm.done, 1e-12);
    }
    cc_sim_comparison c;
    cc_sim_compare(r, 1, 0, 0, &c);
    cr_expect(c.lo <= c.diff && c.diff <= c.hi);
    cr_expect_eq(c.n, 400);
    cr_expect_lt(c.hi, 0, "the silence procedure completes C-1 sooner than sequential staffing");
    cr_expect(c.hi - c.lo < c.unpaired_hi - c.unpaired_lo, "pairing narrows the interval");
    cc_sim_free(r);
    int bad[] = {7};
    o.variants = bad;
    o.nvariants = 1;
    cr_expect_eq(cc_sim_run(s, &o, &r), CC_ERR_ARG);
    o.variants = NULL;
    o.nvariants = 0;
    o.reps = 0;
    cr_expect_eq(cc_sim_run(s, &o, &r), CC_ERR_ARG);
    cc_scenario_free(s);
}

static size_t metric(const cc_sim *r, const char *name)
{
    for (size_t m = 0; m < cc_sim_nmetrics(r); m++)
        if (strcmp(cc_sim_metric_name(r, m), name) == 0)
            return m;
    cr_assert_fail("no metric '%s'", name);
    return 0;
}

Test(sim, stage_times_and_information_latency)
{
    cc_scenario *s = load("scenarios/ncg-interagency-sim.yaml");
    cc_sim_opts o = {.seed = 3, .reps = 300, .threads = 2};
    cc_sim *r = NULL;
    cr_assert_eq(cc_sim_run(s, &o, &r), CC_OK);
    size_t done = metric(r, "C-1: request to completion (h)");
    size_t notify = metric(r, "C-1: request to end of notify (h)");
    size_t assess = metric(r, "C-1: request to end of assess (h)");
    size_t comm = metric(r, "C-1: request to end of communicate (h)");
    size_t worst = metric(r, "information to KOR, class warning: slowest item, release to first delivery (h)");
    size_t all = metric(r, "information to KOR, class warning: every item delivered");
    size_t i02 = metric(r, "information to KOR, class warning: I-02, release to first delivery (h)");
    size_t i09 = metric(r, "information to KOR, class warning: I-09, release to first delivery (h)");
    size_t censored = 0;
    for (size_t v = 0; v < cc_sim_nvariants(r); v++)
        for (size_t k = 0; k < 300; k++) {
            double n = cc_sim_value(r, v, k, notify), c = cc_sim_value(r, v, k, comm),
                   d = cc_sim_value(r, v, k, done);
            cr_assert(!isnan(d), "C-1 is requested in every run: a value, observed or censored");
            if (!signbit(d)) {
                cr_assert(!signbit(c) && fabs(c - d) < 1e-9, "the last stage ends when the consultation completes");
                cr_assert(!signbit(n) && n <= c, "stages end in order");
            } else {
                cr_assert(fabs(d + (72.0 - 1.0 - 50.0 / 60.0)) < 1e-9,
                          "censored at the end of the run: 72 h minus the request at +1h50m, not %g", d);
                censored++;
            }
            /* the slowest warning: the larger latency, censored when either is */
            double a = cc_sim_value(r, v, k, i02), b = cc_sim_value(r, v, k, i09), w = cc_sim_value(r, v, k, worst);
            cr_assert_eq(!!signbit(w), signbit(a) || signbit(b));
            cr_assert(fabs(fabs(w) - fmax(fabs(a), fabs(b))) < 1e-9);
            cr_assert_eq(cc_sim_value(r, v, k, all), signbit(w) ? 0.0 : 1.0);
        }
    cr_expect_gt(censored, 0, "some runs end with C-1 still open");
    /* the silence mechanism has no assess stage: never a value there */
    cr_assert_str_eq(cc_sim_variant_id(r, 2), "silence");
    cc_sim_summary sm;
    cc_sim_summarise(r, 2, assess, &sm);
    cr_expect_eq(sm.n, 0);
    cr_expect_eq(sm.applicable, 0);
    cc_sim_free(r);
    cc_scenario_free(s);
}

/* The shares of any number of ranks, summed slot by slot, are bit-identical to one process. */
Test(sim, rank_shares_sum_to_the_single_process_result)
{
    cc_scenario *s = load("scenarios/ncg-interagency-sim.yaml");
    cc_sim_opts o = {.seed = 5, .reps = 101, .threads = 2};
    cc_sim *whole = NULL;
    cr_assert_eq(cc_sim_run(s, &o, &whole), CC_OK);
    size_t n = 0;
    const double *want = cc_sim_values(whole, &n);
    cr_assert_eq(n, 3 * 101 * cc_sim_nmetrics(whole));
    for (int P = 2; P <= 4; P++) {
        double *sum = calloc(n, sizeof *sum);
        cr_assert(sum);
        size_t nonzero_ranks_max = 0;
        for (int rank = 0; rank < P; rank++) {
            cc_sim_opts po = o;
            po.rank = rank;
            po.nranks = P;
            po.threads = 1 + rank % 2;
            cc_sim *part = NULL;
            cr_assert_eq(cc_sim_run(s, &po, &part), CC_OK, "rank %d of %d", rank, P);
            size_t pn = 0;
            const double *v = cc_sim_values(part, &pn);
            cr_assert_eq(pn, n);
            for (size_t i = 0; i < n; i++)
                sum[i] += v[i];
            /* a rank computes only its own jobs: job % P == rank, job = rep * nvariants + variant */
            size_t own = 0;
            for (size_t var = 0; var < 3; var++)
                for (size_t rep = 0; rep < 101; rep++)
                    if ((rep * 3 + var) % (size_t)P != (size_t)rank)
                        for (size_t m = 0; m < cc_sim_nmetrics(part); m++)
                            cr_assert(cc_sim_value(part, var, rep, m) == 0 &&
                                          !signbit(cc_sim_value(part, var, rep, m)),
                                      "rank %d computed job rep %zu variant %zu", rank, rep, var);
                    else
                        own++;
            nonzero_ranks_max = own > nonzero_ranks_max ? own : nonzero_ranks_max;
            cc_sim_free(part);
        }
        cr_expect_leq(nonzero_ranks_max, (size_t)(303 + P - 1) / (size_t)P, "jobs are spread evenly");
        cr_assert_eq(memcmp(sum, want, n * sizeof *sum), 0, "%d ranks differ from one process", P);
        free(sum);
    }
    cc_sim_free(whole);
    cc_scenario_free(s);
}

static int dcmp_t(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* quantile q of sorted x[0..n) and its 95% rank interval, computed the plain way */
static void want_quantile(const double *x, size_t n, double q, double out[3])
{
    double pos = q * (double)(n - 1);
    size_t i = (size_t)pos;
    double f = pos - (double)i;
    out[0] = i + 1 < n ? x[i] + f * (x[i + 1] - x[i]) : x[n - 1];
    double half = 1.96 * sqrt((double)n * q * (1 - q));
    double l = floor((double)n * q - half), h = ceil((double)n * q + half);
    out[1] = x[l < 0 ? 0 : (size_t)l >= n ? n - 1 : (size_t)l];
    out[2] = x[h < 0 ? 0 : (size_t)h >= n ? n - 1 : (size_t)h];
}

/* The summary's quantiles (found by selection, not a sort) equal those of the sorted values, for
 * small and large samples, time metrics and 0/1 rate metrics (many ties). */
Test(sim, quantiles_equal_those_of_the_sorted_values, .timeout = 60)
{
    cc_scenario *s = load("bench/consult-10.yaml");
    size_t reps[] = {1, 2, 3, 5, 17, 64, 1000, 20000};
    for (size_t k = 0; k < sizeof reps / sizeof reps[0]; k++) {
        cc_sim_opts o = {.seed = 3, .reps = reps[k], .threads = 1};
        cc_sim *r = NULL;
        cr_assert_eq(cc_sim_run(s, &o, &r), CC_OK);
        for (size_t m = 0; m < cc_sim_nmetrics(r); m++)
            for (size_t v = 0; v < cc_sim_nvariants(r); v++) {
                double *x = malloc(reps[k] * sizeof *x);
                size_t n = 0;
                for (size_t i = 0; i < reps[k]; i++) {
                    double y = cc_sim_value(r, v, i, m);
                    if (!isnan(y) && !signbit(y))
                        x[n++] = y;
                }
                cc_sim_summary sm;
                cc_sim_summarise(r, v, m, &sm);
                cr_assert_eq(sm.n, n);
                if (n && !cc_sim_metric_is_rate(r, m)) { /* a rate has no quantiles */
                    qsort(x, n, sizeof *x, dcmp_t);
                    double w[3];
                    const double got[3][3] = {{sm.median, sm.median_lo, sm.median_hi},
                                              {sm.p90, sm.p90_lo, sm.p90_hi},
                                              {sm.p99, sm.p99_lo, sm.p99_hi}};
                    const double qs[3] = {0.5, 0.9, 0.99};
                    for (int q = 0; q < 3; q++) {
                        want_quantile(x, n, qs[q], w);
                        for (int j = 0; j < 3; j++)
                            cr_expect_eq(got[q][j], w[j], "reps %zu metric %s q %.2f [%d]: %.17g, want %.17g",
                                         reps[k], cc_sim_metric_name(r, m), qs[q], j, got[q][j], w[j]);
                    }
                }
                free(x);
            }
        cc_sim_free(r);
    }
    cc_scenario_free(s);
}

/* Two summaries are the same bytes (NaN fields included). */
static int same_summary(const cc_sim_summary *a, const cc_sim_summary *b)
{
    return memcmp(a, b, sizeof *a) == 0;
}

/* Every summary and difference computed at once on T threads equals the one computed on use, for
 * any T; the value array is laid out [variant][metric][replication]. */
Test(sim, summaries_at_once_equal_those_on_use_for_any_thread_count)
{
    cc_scenario *s = load("scenarios/ncg-interagency-sim.yaml");
    cc_sim_opts o = {.seed = 5, .reps = 700, .threads = 2};
    cc_sim *lazy = NULL;
    cr_assert_eq(cc_sim_run(s, &o, &lazy), CC_OK);
    size_t V = cc_sim_nvariants(lazy), M = cc_sim_nmetrics(lazy), R = cc_sim_reps(lazy);
    cr_assert_eq(V, 3);
    size_t n = 0;
    double *val = cc_sim_values(lazy, &n);
    cr_assert_eq(n, V * M * R);
    for (size_t v = 0; v < V; v++)
        for (size_t m = 0; m < M; m++)
            for (size_t k = 0; k < R; k += 97) {
                double a = val[(v * M + m) * R + k], b = cc_sim_value(lazy, v, k, m);
                cr_assert(memcmp(&a, &b, sizeof a) == 0, "layout at v%zu m%zu rep%zu", v, m, k);
            }
    int threads[] = {1, 2, 3, 8, 64};
    for (size_t t = 0; t < sizeof threads / sizeof threads[0]; t++) {
        cc_sim *all = NULL;
        cr_assert_eq(cc_sim_run(s, &o, &all), CC_OK);
        cr_assert_eq(cc_sim_summarise_all(all, threads[t]), CC_OK);
        for (size_t v = 0; v < V; v++)
            for (size_t m = 0; m < M; m++) {
                cc_sim_summary a, b;
                cc_sim_summarise(lazy, v, m, &a);
                cc_sim_summarise(all, v, m, &b);
                cr_assert(same_summary(&a, &b), "threads %d v%zu %s", threads[t], v, cc_sim_metric_name(all, m));
                cr_assert(cc_sim_metric_is_rate(all, m) || a.n < 2 || a.var > 0 || a.mean_lo == a.mean_hi,
                          "variance of %s", cc_sim_metric_name(all, m));
                for (size_t w = 0; w < V; w++) {
                    cc_sim_comparison d1, d2;
                    cc_sim_compare(lazy, w, v, m, &d1);
                    cc_sim_compare(all, w, v, m, &d2);
                    cr_assert(memcmp(&d1, &d2, sizeof d1) == 0, "diff %zu-%zu of %s", v, w,
                              cc_sim_metric_name(all, m));
                }
            }
        cc_sim_free(all);
    }
    /* a difference taken before any summary is kept computes the summaries it needs */
    cc_sim *fresh = NULL;
    cr_assert_eq(cc_sim_run(s, &o, &fresh), CC_OK);
    cc_sim_comparison d1, d2;
    cc_sim_compare(fresh, 0, 1, 0, &d1);
    cr_assert_eq(cc_sim_summarise_all(fresh, 2), CC_OK);
    cc_sim_compare(fresh, 0, 1, 0, &d2);
    cr_assert(memcmp(&d1, &d2, sizeof d1) == 0);
    cr_assert(!isnan(d1.diff));
    /* changing the values (as a rank merge does) forgets the kept summaries */
    double *x = cc_sim_values(fresh, &n);
    for (size_t k = 0; k < R; k++)
        x[k] = (double)k; /* variant 0, metric 0 */
    cr_assert_eq(cc_sim_summarise_all(fresh, 2), CC_OK);
    cc_sim_summary sm;
    cc_sim_summarise(fresh, 0, 0, &sm);
    cr_expect_eq(sm.n, R);
    cr_expect_float_eq(sm.mean, (double)(R - 1) / 2, 1e-9);
    cr_expect_float_eq(sm.var, (double)R * (double)(R + 1) / 12, 1e-6);
    cr_expect_eq(sm.median, (double)(R - 1) / 2);
    cc_sim_free(fresh);
    cc_sim_free(lazy);
    cc_scenario_free(s);
}

/* Values with many ties (only +0 and 1), mixed with a censored time (negative: left out of the
 * quantiles), another value or NaN: every quantile equals that of the sorted observed values. */
Test(sim, two_valued_quantiles_equal_those_of_the_sorted_values, .timeout = 60)
{
    cc_scenario *s = load("bench/consult-10.yaml");
    const size_t R = 40000;
    cc_sim_opts o = {.seed = 1, .reps = R, .threads = 2};
    cc_sim *r = NULL;
    cr_assert_eq(cc_sim_run(s, &o, &r), CC_OK);
    /* per case: the share of ones, and what else is mixed in */
    const double share[] = {0, 0.003, 0.2, 0.5, 0.93, 0.995, 1};
    enum { PLAIN, CENSORED, A_TWO, WITH_NAN, NCASES };
    double *sorted = malloc(R * sizeof *sorted);
    for (size_t c = 0; c < sizeof share / sizeof share[0]; c++)
        for (int mix = 0; mix < NCASES; mix++) {
            size_t n = 0;
            double *x = cc_sim_values(r, &n);
            uint64_t st = 0x9e3779b97f4a7c15ull * (c * 8 + (size_t)mix + 1);
            size_t m = 0;
            for (size_t k = 0; k < R; k++) {
                st ^= st << 13, st ^= st >> 7, st ^= st << 17;
                double u = (double)(st >> 11) / 9007199254740992.0;
                double y = u < share[c] ? 1.0 : 0.0;
                if (k % 1000 == 7 && mix == CENSORED)
                    y = -5.0;
                if (k == R / 3 && mix == A_TWO)
                    y = 2.0;
                if (k % 3 == 0 && mix == WITH_NAN)
                    y = NAN;
                x[k] = y; /* variant 0, metric 0 */
                if (!isnan(y) && !signbit(y))
                    sorted[m++] = y;
            }
            qsort(sorted, m, sizeof *sorted, dcmp_t);
            cc_sim_summary sm;
            cc_sim_summarise(r, 0, 0, &sm);
            cr_assert_eq(sm.n, m);
            const double got[3][3] = {{sm.median, sm.median_lo, sm.median_hi},
                                      {sm.p90, sm.p90_lo, sm.p90_hi},
                                      {sm.p99, sm.p99_lo, sm.p99_hi}};
            const double qs[3] = {0.5, 0.9, 0.99};
            for (int q = 0; q < 3; q++) {
                double w[3];
                want_quantile(sorted, m, qs[q], w);
                for (int j = 0; j < 3; j++)
                    cr_expect_eq(got[q][j], w[j], "share %.3f mix %d q %.2f [%d]: %.17g, want %.17g", share[c],
                                 mix, qs[q], j, got[q][j], w[j]);
            }
        }
    free(sorted);
    cc_sim_free(r);
    cc_scenario_free(s);
}

Test(sim, bad_rank_options_are_refused)
{
    cc_scenario *s = load("scenarios/ncg-interagency-sim.yaml");
    cc_sim *r = NULL;
    cc_sim_opts o = {.seed = 1, .reps = 10, .threads = 1, .rank = 2, .nranks = 2};
    cr_expect_eq(cc_sim_run(s, &o, &r), CC_ERR_ARG, "rank must be below nranks");
    o.rank = 1;
    o.nranks = 0;
    cr_expect_eq(cc_sim_run(s, &o, &r), CC_ERR_ARG, "a rank without ranks");
    o.rank = -1;
    o.nranks = 2;
    cr_expect_eq(cc_sim_run(s, &o, &r), CC_ERR_ARG, "negative rank");
    o.rank = 0;
    o.nranks = -3;
    cr_expect_eq(cc_sim_run(s, &o, &r), CC_ERR_ARG, "negative rank count");
    o.nranks = 1;
    o.reps = 0;
    cr_expect_eq(cc_sim_run(s, &o, &r), CC_ERR_ARG, "no replications");
    o.reps = 10;
    o.threads = 0;
    cr_expect_eq(cc_sim_run(s, &o, &r), CC_ERR_ARG, "no threads");
    int bad[] = {3};
    o.threads = 1;
    o.variants = bad;
    o.nvariants = 1;
    cr_expect_eq(cc_sim_run(s, &o, &r), CC_ERR_ARG, "unknown variant index");
    cr_expect_null(r);
    cc_scenario_free(s);
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

/* Whether text holds "nan" or "inf" as a word (a printed undefined number, not "information"). */
static int has_undefined_number(const char *text)
{
    static const char *const words[] = {"nan", "inf"};
    for (size_t w = 0; w < 2; w++)
        for (const char *p = strstr(text, words[w]); p; p = strstr(p + 1, words[w])) {
            int before = p > text && ((p[-1] >= 'a' && p[-1] <= 'z') || (p[-1] >= 'A' && p[-1] <= 'Z'));
            int after = (p[3] >= 'a' && p[3] <= 'z') || (p[3] >= 'A' && p[3] <= 'Z');
            if (!before && !after)
                return 1;
        }
    return 0;
}

static size_t time_metrics_with_values(const cc_sim *r)
{
    size_t n = 0;
    for (size_t m = 0; m < cc_sim_nmetrics(r); m++) {
        size_t vals = 0;
        for (size_t v = 0; v < cc_sim_nvariants(r); v++) {
            cc_sim_summary sm;
            cc_sim_summarise(r, v, m, &sm);
            vals += sm.applicable; /* observed or censored: the Kaplan-Meier panel shows both */
        }
        n += vals && !cc_sim_metric_is_rate(r, m);
    }
    return n;
}

Test(simplot, svg_has_a_survival_curve_and_a_histogram_per_variant_and_time_metric)
{
    cc_scenario *s = load("scenarios/ncg-interagency-sim.yaml");
    cc_sim_opts o = {.seed = 3, .reps = 200, .threads = 2};
    cc_sim *r = NULL;
    cr_assert_eq(cc_sim_run(s, &o, &r), CC_OK);
    cc_buf b;
    cc_buf_init(&b);
    cr_assert_eq(cc_simplot_svg(r, "t <&> \"q\"", &b), CC_OK);
    size_t T = time_metrics_with_values(r);
    cr_assert_gt(T, 3);
    cr_expect_eq(count(b.data, "<polygon"), 3 * T, "one histogram area per variant and time metric");
    cr_expect_eq(count(b.data, ": histogram</text>"), T);
    cr_expect_eq(count(b.data, ": share done (Kaplan-Meier)</text>"), T);
    cr_expect_geq(count(b.data, "<polyline"), 2 * T, "curves (a variant without values has none)");
    cr_expect(strstr(b.data, "<title>t &lt;&amp;&gt; &quot;q&quot;</title>"), "the title is escaped");
    cr_expect(!has_undefined_number(b.data), "no undefined coordinates");
    cr_expect_eq(count(b.data, "<svg"), 1);
    cc_buf_free(&b);
    cc_sim_free(r);
    cc_scenario_free(s);
}

Test(simplot, html_page_is_self_contained_with_tables_and_plots)
{
    cc_scenario *s = load("scenarios/ncg-interagency-sim.yaml");
    cc_sim_opts o = {.seed = 3, .reps = 200, .threads = 2};
    cc_sim *r = NULL;
    cr_assert_eq(cc_sim_run(s, &o, &r), CC_OK);
    cc_buf b;
    cc_buf_init(&b);
    cr_assert_eq(cc_simplot_html(r, "page <1>", &b), CC_OK);
    size_t M = cc_sim_nmetrics(r), T = time_metrics_with_values(r);
    cr_expect(strncmp(b.data, "<!DOCTYPE html>", 15) == 0);
    cr_expect(strstr(b.data, "<h1>page &lt;1&gt;</h1>"));
    cr_expect_eq(count(b.data, "<section"), M, "a section per metric");
    cr_expect_eq(count(b.data, "<h2>"), M);
    cr_expect_eq(count(b.data, "<polygon"), 3 * T, "the histograms are inline");
    cr_expect(strstr(b.data, "<h2>C-1: request to completion (h)</h2>"));
    cr_expect(strstr(b.data, "<td>silence &#8722; sequential (restricted mean)</td>"), "pairwise differences");
    cr_expect(strstr(b.data, "<td>silence &#8722; sequential (probability)</td>"));
    cr_expect(strstr(b.data, "Restricted mean to "), "the horizon is named");
    cr_expect(!strstr(b.data, "<script") && !strstr(b.data, "src=") && !strstr(b.data, "href=") &&
                  !strstr(b.data, "url("),
              "no script and no external asset");
    cr_expect(!has_undefined_number(b.data), "undefined values print as -");
    cr_expect(strstr(b.data, "</body></html>\n"));
    cc_buf_free(&b);
    cc_sim_free(r);
    cc_scenario_free(s);
}

Test(simplot, a_metric_without_values_gets_a_note_and_no_panel)
{
    cc_scenario *s = load("scenarios/ncg-interagency-sim.yaml");
    int only[] = {2}; /* silence: a guideline that never applies to it */
    cc_sim_opts o = {.seed = 3, .reps = 50, .variants = only, .nvariants = 1, .threads = 1};
    cc_sim *r = NULL;
    cr_assert_eq(cc_sim_run(s, &o, &r), CC_OK);
    size_t empty = 0;
    for (size_t m = 0; m < cc_sim_nmetrics(r); m++) {
        cc_sim_summary sm;
        cc_sim_summarise(r, 0, m, &sm);
        empty += cc_sim_metric_is_rate(r, m) ? sm.n == 0 : sm.applicable == 0;
    }
    cr_assert_gt(empty, 0, "the fixture has a metric without values");
    cc_buf b;
    cc_buf_init(&b);
    cr_assert_eq(cc_simplot_html(r, "one", &b), CC_OK);
    cr_expect_eq(count(b.data, "No replication has a value for this metric."), empty);
    cr_expect(!strstr(b.data, "difference (paired)"), "one variant: no differences");
    cc_buf_free(&b);
    cc_sim_free(r);
    cc_scenario_free(s);
}

Test(sim_mpi, without_mpi_every_call_says_so)
{
    if (cc_simmpi_available())
        return; /* an MPI build: tests/cli/mpi.sh covers it under mpirun */
    int rank = 7, n = 7, argc = 0;
    char **argv = NULL;
    cr_expect_eq(cc_simmpi_init(&argc, &argv, &rank, &n), CC_ERR_ARG);
    cr_expect_eq(rank, 0);
    cr_expect_eq(n, 1);
    cr_expect_eq(cc_simmpi_merge(NULL, CC_OK), CC_ERR_ARG);
    cr_expect_eq(cc_simmpi_merge(NULL, CC_ERR_NOMEM), CC_ERR_NOMEM, "a local failure is passed on");
    cc_simmpi_finalize();
}

/* A sweep's point equals the scenario run alone with that value (same seed, same replications),
 * bit for bit, whatever the thread count; a point whose structure differs is refused. */
Test(sim, a_sweep_point_is_the_scenario_run_alone_with_that_value)
{
    const char *path = "agents.co-chair.rules.1.delay.median", *values[] = {"10m", "1h", "3h"};
    cc_scenario *pts[3];
    for (size_t p = 0; p < 3; p++) {
        cc_patch patch = {path, values[p]};
        cc_load_opts lo = {.patches = &patch, .npatches = 1};
        cc_diags d;
        cc_diags_init(&d);
        cr_assert_eq(cc_scenario_load_file("scenarios/ncg-interagency-sim.yaml", &lo, &d, &pts[p]), CC_OK);
        cc_diags_free(&d);
    }
    cc_sim_opts o = {
        .seed = 4, .reps = 120, .threads = 2, .points = (const cc_scenario *const *)pts, .npoints = 3};
    cc_sim *sw = NULL, *sw1 = NULL;
    cr_assert_eq(cc_sim_run(pts[0], &o, &sw), CC_OK);
    o.threads = 1;
    cr_assert_eq(cc_sim_run(pts[0], &o, &sw1), CC_OK);
    size_t K = cc_sim_nmechanisms(sw), M = cc_sim_nmetrics(sw);
    cr_assert_eq(K, 3);
    cr_assert_eq(cc_sim_nvariants(sw), 9);
    for (size_t p = 0; p < 3; p++) {
        cc_sim_opts one = {.seed = 4, .reps = 120, .threads = 2};
        cc_sim *alone = NULL;
        cr_assert_eq(cc_sim_run(pts[p], &one, &alone), CC_OK);
        for (size_t k = 0; k < K; k++) {
            size_t v = cc_sim_column(sw, p, k);
            cr_expect_str_eq(cc_sim_variant_id(sw, v), cc_sim_variant_id(alone, k));
            for (size_t rep = 0; rep < 120; rep++)
                for (size_t m = 0; m < M; m++) {
                    double a = cc_sim_value(alone, k, rep, m), b = cc_sim_value(sw, v, rep, m),
                           c = cc_sim_value(sw1, v, rep, m);
                    cr_assert(memcmp(&a, &b, sizeof a) == 0 && memcmp(&b, &c, sizeof b) == 0,
                              "point %s, variant %zu, replication %zu, %s: %g %g %g", values[p], k, rep,
                              cc_sim_metric_name(sw, m), a, b, c);
                }
        }
        cc_sim_free(alone);
    }
    /* a later median makes the co-chairs slower: C-1 completes later at 3h than at 10m, paired */
    size_t m0 = 0;
    while (strcmp(cc_sim_metric_name(sw, m0), "C-1: request to completion (h)") != 0)
        m0++;
    cc_sim_comparison c;
    cc_sim_compare(sw, cc_sim_column(sw, 0, 2), cc_sim_column(sw, 2, 2), m0, &c);
    cr_expect_gt(c.lo, 0, "silence: 3h median - 10m median = %+.3f [%+.3f, %+.3f]", c.diff, c.lo, c.hi);
    cc_sim_free(sw);
    cc_sim_free(sw1);
    /* another scenario is not a point of this one */
    cc_scenario *other = load("tests/validity/silence.yaml");
    const cc_scenario *mixed[2] = {pts[0], other};
    cc_sim_opts bad = {.seed = 4, .reps = 10, .threads = 1, .points = mixed, .npoints = 2};
    cc_sim *r = NULL;
    cr_expect_eq(cc_sim_run(pts[0], &bad, &r), CC_ERR_ARG);
    cr_expect_null(r);
    cc_scenario_free(other);
    for (size_t p = 0; p < 3; p++)
        cc_scenario_free(pts[p]);
}

Test(simplot, a_sweep_has_a_curve_and_band_per_variant_and_shown_metric)
{
    const char *values[] = {"1h", "4h"};
    double x[] = {1, 4};
    cc_scenario *pts[2];
    for (size_t p = 0; p < 2; p++) {
        cc_patch patch = {"mechanisms.silence.stages.decide.deadline", values[p]};
        cc_load_opts lo = {.patches = &patch, .npatches = 1};
        cc_diags d;
        cc_diags_init(&d);
        cr_assert_eq(cc_scenario_load_file("scenarios/ncg-interagency-sim.yaml", &lo, &d, &pts[p]), CC_OK);
        cc_diags_free(&d);
    }
    cc_sim_opts o = {
        .seed = 2, .reps = 60, .threads = 2, .points = (const cc_scenario *const *)pts, .npoints = 2};
    cc_sim *r = NULL;
    cr_assert_eq(cc_sim_run(pts[0], &o, &r), CC_OK);
    size_t M = cc_sim_nmetrics(r);
    uint8_t *show = calloc(M, 1);
    show[0] = show[M - 1] = 1;
    char *labels[] = {(char *)values[0], (char *)values[1]};
    cc_sim_axis ax = {"mechanisms.silence.stages.decide.deadline", labels, x, 2, 1, 1, show};
    cc_buf b;
    cc_buf_init(&b);
    cr_assert_eq(cc_simplot_sweep_svg(r, &ax, "t <&>", &b), CC_OK);
    size_t polys = 0, lines = 0;
    for (const char *p = b.data; (p = strstr(p, "<polygon")); p++)
        polys++;
    for (const char *p = b.data; (p = strstr(p, "<polyline")); p++)
        lines++;
    cr_expect_eq(polys, 2 * 3, "a band per variant in each of the 2 shown metrics");
    cr_expect_eq(lines, 2 * 3);
    cr_expect(strstr(b.data, "t &lt;&amp;&gt;"), "the title is escaped");
    cr_expect(strstr(b.data, ">baseline<"));
    cc_buf_free(&b);
    cc_buf_init(&b);
    cr_assert_eq(cc_simplot_sweep_html(r, &ax, "page", &b), CC_OK);
    cr_expect(strstr(b.data, "4h (baseline)"));
    cr_expect_null(strstr(b.data, "<script"));
    size_t sections = 0;
    for (const char *p = b.data; (p = strstr(p, "<section")); p++)
        sections++;
    cr_expect_eq(sections, 2);
    cc_buf_free(&b);
    free(show);
    cc_sim_free(r);
    for (size_t p = 0; p < 2; p++)
        cc_scenario_free(pts[p]);
}
