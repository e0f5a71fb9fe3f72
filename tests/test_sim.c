/* Tests of sim/sim: results independent of the thread count, summaries, differences. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "core/scenario_model.h"
#include "io/scenario_load.h"
#include "sim/sim.h"

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
        cc_sim_summary rt;
        cc_sim_summarise(r, v, rate_m, &rt);
        cr_expect_eq(rt.n, 400, "a rate has a value in every replication");
        cr_expect_float_eq(rt.mean, (double)sm.n / 400.0, 1e-12, "completion rate matches completed count");
    }
    double d, lo, hi;
    cc_sim_diff(r, 1, 0, 0, &d, &lo, &hi);
    cr_expect(lo <= d && d <= hi);
    cr_expect_lt(hi, 0, "the silence procedure completes C-1 sooner than sequential staffing");
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
    size_t kor = metric(r, "information latency to KOR (h)");
    size_t usa = metric(r, "information latency to USA (h)");
    for (size_t v = 0; v < cc_sim_nvariants(r); v++)
        for (size_t k = 0; k < 300; k++) {
            double n = cc_sim_value(r, v, k, notify), c = cc_sim_value(r, v, k, comm),
                   d = cc_sim_value(r, v, k, done);
            if (!isnan(d)) {
                cr_assert(!isnan(c) && fabs(c - d) < 1e-9,
                          "the last stage ends when the consultation completes");
                cr_assert(!isnan(n) && n <= c, "stages end in order");
            }
            cr_assert(cc_sim_value(r, v, k, usa) >= 0 && cc_sim_value(r, v, k, kor) >= 0);
        }
    /* the silence mechanism has no assess stage: never a value there */
    cr_assert_str_eq(cc_sim_variant_id(r, 2), "silence");
    cc_sim_summary sm;
    cc_sim_summarise(r, 2, assess, &sm);
    cr_expect_eq(sm.n, 0);
    /* national reporting reaches KOR only when USA intelligence shares it: later than USA */
    cc_sim_summary sk, su;
    cc_sim_summarise(r, 0, kor, &sk);
    cc_sim_summarise(r, 0, usa, &su);
    cr_expect_gt(sk.mean, su.mean);
    cc_sim_free(r);
    cc_scenario_free(s);
}
