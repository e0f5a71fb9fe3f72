/* report_sim — the comparison report of a `caucus sim --json` result: the run's parameters,
 * each time metric and each rate per variant with its interval, differences against the
 * first variant, and plots. Given the scenario, the simulation is run again (results depend
 * only on scenario, seed, replications and variants), checked against the file, and the
 * per-replication CDF plots of sim/simplot are included; otherwise an interval plot is drawn
 * from the summaries alone. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/scenario_model.h"
#include "report/report.h"
#include "report/report_int.h"
#include "sim/sim.h"
#include "sim/simplot.h"

int cc_report_is_sim(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    char head[4096];
    size_t n = fread(head, 1, sizeof head - 1, f);
    fclose(f);
    head[n] = 0;
    /* an event log's first line is one canonical record; a simulation result (of a comparison or
     * of a sweep) is an indented object whose first line is a lone "{" */
    return n >= 2 && head[0] == '{' && (head[1] == '\n' || head[1] == '\r');
}

static int bad(cc_diags *d, const char *path, const char *what)
{
    cc_diags_add(d, CC_SEV_ERROR, path, (cc_pos){0, 0}, "report-sim", NULL, "not a caucus sim result: %s",
                 what);
    return CC_ERR_INVALID;
}

static json_t *num_or_null(const json_t *v)
{
    return json_is_number(v) ? json_real(json_number_value(v)) : json_null();
}

static double numv(const json_t *v)
{
    return json_is_number(v) ? json_number_value(v) : NAN;
}

static bool same(double a, double b)
{
    if (isnan(a) || isnan(b))
        return isnan(a) && isnan(b);
    return fabs(a - b) <= 1e-9 * (fabs(a) > 1 ? fabs(a) : 1);
}

static json_t *num(double x)
{
    return isnan(x) || isinf(x) ? json_null() : json_real(x);
}

static json_t *pair(double lo, double hi)
{
    return json_pack("[o,o]", num(lo), num(hi));
}

/* One metric's summary in the result document. */
static json_t *summary_json(const cc_sim_summary *sm, int rate)
{
    json_t *o = json_pack("{s:b,s:I,s:I,s:o,s:o,s:o,s:o}", "rate", rate, "n", (json_int_t)sm->n, "total",
                          (json_int_t)sm->total, "mean", num(sm->mean), "mean_ci", pair(sm->mean_lo, sm->mean_hi),
                          "variance", num(sm->var), "sd", num(sqrt(sm->var)));
    if (!o || rate)
        return o;
    json_t *t = json_pack(
        "{s:I,s:I,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "applicable", (json_int_t)sm->applicable,
        "censored", (json_int_t)(sm->applicable - sm->n), "done", num(sm->done), "done_ci",
        pair(sm->done_lo, sm->done_hi), "median", num(sm->median), "median_ci", pair(sm->median_lo, sm->median_hi),
        "p90", num(sm->p90), "p90_ci", pair(sm->p90_lo, sm->p90_hi), "p99", num(sm->p99), "p99_ci",
        pair(sm->p99_lo, sm->p99_hi), "max", num(sm->max), "tau", num(sm->tau), "restricted_mean", num(sm->rmean),
        "restricted_mean_ci", pair(sm->rmean_lo, sm->rmean_hi), "restricted_sd", num(sqrt(sm->rvar)),
        "restricted_to_end", json_boolean(isinf(sm->tau)));
    if (!t || json_object_update(o, t) != 0) {
        json_decref(t);
        json_decref(o);
        return NULL;
    }
    json_decref(t);
    return o;
}

json_t *cc_report_sim_result(const cc_sim *r, const char *scenario_id, uint64_t seed)
{
    char sd[24];
    snprintf(sd, sizeof sd, "%llu", (unsigned long long)seed);
    json_t *root = json_pack(
        "{s:s,s:I,s:s,s:o,s:o,s:{s:s,s:s,s:s,s:s,s:s,s:s}}", "scenario", scenario_id, "reps",
        (json_int_t)cc_sim_reps(r), "seed", sd, "variants", json_array(), "differences", json_array(), "methods",
        "mean", "Student t, 95%", "rate", "Wilson score, 95%", "quantile",
        "distribution-free, order statistics at n q +- 1.96 sqrt(n q (1 - q))", "restricted_mean",
        "mean of min(T, tau) over the replications where T could happen, Student t, 95%", "difference_time",
        "paired by replication: Student t on the differences of min(T, tau)", "difference_rate",
        "paired by replication: Newcombe (1998) method 10");
    if (!root)
        return NULL;
    size_t V = cc_sim_nvariants(r), M = cc_sim_nmetrics(r);
    json_t *vars = json_object_get(root, "variants"), *diffs = json_object_get(root, "differences");
    int ok = 1;
    for (size_t v = 0; v < V && ok; v++) {
        json_t *mets = json_object();
        for (size_t m = 0; m < M && mets; m++) {
            cc_sim_summary sm;
            cc_sim_summarise(r, v, m, &sm);
            json_object_set_new(mets, cc_sim_metric_name(r, m), summary_json(&sm, cc_sim_metric_is_rate(r, m)));
        }
        ok = mets && json_array_append_new(vars, json_pack("{s:s,s:o}", "id", cc_sim_variant_id(r, v), "metrics",
                                                            mets)) == 0;
    }
    for (size_t m = 0; m < M && ok; m++)
        for (size_t a = 0; a < V && ok; a++)
            for (size_t b = a + 1; b < V && ok; b++) {
                cc_sim_comparison c;
                cc_sim_compare(r, a, b, m, &c);
                ok = json_array_append_new(
                         diffs, json_pack("{s:s,s:s,s:s,s:I,s:o,s:o,s:o,s:o,s:s}", "metric", cc_sim_metric_name(r, m),
                                          "a", cc_sim_variant_id(r, a), "b", cc_sim_variant_id(r, b), "n",
                                          (json_int_t)c.n, "difference", num(c.diff), "ci", pair(c.lo, c.hi),
                                          "correlation", num(c.corr), "unpaired_ci",
                                          pair(c.unpaired_lo, c.unpaired_hi), "method", c.method ? c.method : "")) == 0;
            }
    if (!ok) {
        json_decref(root);
        return NULL;
    }
    return root;
}

json_t *cc_report_sweep_result(const cc_sim *r, const cc_sim_axis *ax, const char *scenario_id, uint64_t seed)
{
    char sd[24];
    snprintf(sd, sizeof sd, "%llu", (unsigned long long)seed);
    json_t *vals = json_array(), *xs = json_array();
    for (size_t p = 0; p < ax->n && vals && xs; p++) {
        json_array_append_new(vals, json_string(ax->labels[p]));
        json_array_append_new(xs, num(ax->x[p]));
    }
    json_t *root =
        json_pack("{s:s,s:I,s:s,s:{s:s,s:o,s:o,s:s,s:s,s:I},s:o,s:o,s:{s:s,s:s,s:s,s:s}}", "scenario",
                  scenario_id, "reps", (json_int_t)cc_sim_reps(r), "seed", sd, "sweep", "path", ax->path,
                  "values", vals, "x", xs, "x_unit", ax->durations ? "hours" : "number", "baseline",
                  ax->labels[ax->baseline], "baseline_index", (json_int_t)ax->baseline, "variants",
                  json_array(), "metrics", json_array(), "methods", "estimate_time",
                  "restricted mean of min(T, tau) over the replications where T could happen, Student t, "
                  "95%",
                  "estimate_rate", "Wilson score, 95%", "difference_time",
                  "paired by replication with the baseline point: Student t on the differences of min(T, "
                  "tau)",
                  "difference_rate",
                  "paired by replication with the baseline point: Newcombe (1998) "
                  "method 10");
    if (!root)
        return NULL;
    size_t K = cc_sim_nmechanisms(r), M = cc_sim_nmetrics(r);
    int ok = 1;
    for (size_t k = 0; k < K && ok; k++)
        ok = json_array_append_new(json_object_get(root, "variants"), json_string(cc_sim_variant_id(r, k))) ==
             0;
    for (size_t m = 0; m < M && ok; m++) {
        if (ax->show && !ax->show[m])
            continue;
        int rate = cc_sim_metric_is_rate(r, m);
        json_t *curves = json_array();
        for (size_t k = 0; k < K && curves && ok; k++) {
            json_t *pts = json_array();
            for (size_t p = 0; p < ax->n && pts && ok; p++) {
                size_t v = cc_sim_column(r, p, k);
                cc_sim_summary sm;
                cc_sim_summarise(r, v, m, &sm);
                cc_sim_comparison c;
                cc_sim_compare(r, cc_sim_column(r, ax->baseline, k), v, m, &c);
                json_t *pt = json_pack(
                    "{s:s,s:o,s:o,s:o,s:{s:I,s:o,s:o,s:o}}", "value", ax->labels[p], "x", num(ax->x[p]),
                    "estimate", num(rate ? sm.mean : sm.rmean), "summary", summary_json(&sm, rate),
                    "vs_baseline", "n", (json_int_t)c.n, "difference", num(c.diff), "ci",
                    p == ax->baseline ? pair(NAN, NAN) : pair(c.lo, c.hi), "correlation", num(c.corr));
                ok = pt && json_array_append_new(pts, pt) == 0;
            }
            ok = ok && pts &&
                 json_array_append_new(
                     curves, json_pack("{s:s,s:o}", "variant", cc_sim_variant_id(r, k), "points", pts)) == 0;
        }
        ok = ok && curves &&
             json_array_append_new(json_object_get(root, "metrics"),
                                   json_pack("{s:s,s:b,s:s,s:o}", "name", cc_sim_metric_name(r, m), "rate",
                                             rate, "estimate", rate ? "probability" : "restricted mean (h)",
                                             "curves", curves)) == 0;
    }
    if (!ok) {
        json_decref(root);
        return NULL;
    }
    return root;
}

/* An interval plot from summaries: per metric a panel with each variant's mean and 95% CI (for a
 * time, its restricted mean). */
static void interval_svg(const json_t *vars, const json_t *names, cc_buf *b)
{
    static const char *const colors[] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"};
    size_t nv = json_array_size(vars), nm = json_array_size(names);
    int ph = 18 + 14 * (int)nv, W = 900, L = 330, R = 30;
    int h = 30 + ph * (int)nm + 10 + 18 * (int)nv;
    cc_buf_printf(b,
                  "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"100%%\" "
                  "font-family=\"sans-serif\" font-size=\"11\" role=\"img\" aria-label=\"Means with 95%% "
                  "intervals\">\n<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>\n",
                  W, h, W, h);
    cc_buf_puts(b,
                "<text x=\"10\" y=\"18\" font-weight=\"bold\">Mean (for a time, restricted mean) with 95% "
                "interval per variant (each row on its own scale, from 0 to the largest upper bound)</text>\n");
    for (size_t m = 0; m < nm; m++) {
        const char *name = json_string_value(json_array_get(names, m));
        double top = 0;
        for (size_t v = 0; v < nv; v++) {
            const json_t *mt = json_object_get(json_object_get(json_array_get(vars, v), "metrics"), name);
            const char *mk = json_object_get(mt, "restricted_mean") ? "restricted_mean" : "mean";
            char ck[40];
            snprintf(ck, sizeof ck, "%s_ci", mk);
            double hi = numv(json_array_get(json_object_get(mt, ck), 1)), mean = numv(json_object_get(mt, mk));
            if (!isnan(hi) && hi > top)
                top = hi;
            if (!isnan(mean) && mean > top)
                top = mean;
        }
        if (!(top > 0))
            top = 1;
        int y0 = 30 + ph * (int)m;
        cc_buf_printf(b, "<text x=\"10\" y=\"%d\">", y0 + 12);
        cc_report_html_escape(b, name);
        cc_buf_printf(b, "</text><text x=\"%d\" y=\"%d\" text-anchor=\"end\" fill=\"#666\">%.3g</text>\n",
                      W - 4, y0 + 12, top);
        cc_buf_printf(b, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#ddd\"/>\n", L, y0 + ph - 2,
                      W - R, y0 + ph - 2);
        for (size_t v = 0; v < nv; v++) {
            const json_t *mt = json_object_get(json_object_get(json_array_get(vars, v), "metrics"), name);
            const char *mk = json_object_get(mt, "restricted_mean") ? "restricted_mean" : "mean";
            char ck[40];
            snprintf(ck, sizeof ck, "%s_ci", mk);
            double mean = numv(json_object_get(mt, mk)), lo = numv(json_array_get(json_object_get(mt, ck), 0)),
                   hi = numv(json_array_get(json_object_get(mt, ck), 1));
            if (isnan(mean))
                continue;
            double sx = (W - R - L) / top;
            int y = y0 + 8 + 14 * (int)v;
            const char *c = colors[v % 6];
            if (!isnan(lo) && !isnan(hi))
                cc_buf_printf(
                    b,
                    "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2\"/>\n",
                    L + (lo < 0 ? 0 : lo) * sx, y, L + hi * sx, y, c);
            cc_buf_printf(b, "<circle cx=\"%.1f\" cy=\"%d\" r=\"3.5\" fill=\"%s\"><title>",
                          L + (mean < 0 ? 0 : mean) * sx, y, c);
            cc_report_html_escape(b, cc_report_str(json_array_get(vars, v), "id"));
            cc_buf_printf(b, ": %.4g [%.4g, %.4g]</title></circle>\n", mean, lo, hi);
        }
    }
    int yl = 30 + ph * (int)nm + 10;
    for (size_t v = 0; v < nv; v++) {
        cc_buf_printf(
            b, "<rect x=\"10\" y=\"%d\" width=\"12\" height=\"10\" fill=\"%s\"/><text x=\"28\" y=\"%d\">",
            yl + 18 * (int)v, colors[v % 6], yl + 18 * (int)v + 9);
        cc_report_html_escape(b, cc_report_str(json_array_get(vars, v), "id"));
        cc_buf_puts(b, "</text>\n");
    }
    cc_buf_puts(b, "</svg>\n");
}

static json_t *section(const char *id, const char *title)
{
    return json_pack("{s:s,s:s,s:s,s:[],s:[],s:[]}", "id", id, "title", title, "banner", "", "intro", "facts",
                     "tables");
}

static json_t *add_table(json_t *sec, const char *id, const char *title, json_t *cols)
{
    json_t *rows = json_array();
    json_array_append_new(json_object_get(sec, "tables"), json_pack("{s:s,s:s,s:o,s:o}", "id", id, "title",
                                                                    title, "columns", cols, "rows", rows));
    return rows;
}

/* Runs the simulation again and compares it with the file. */
static cc_err rerun(const char *path, const cc_scenario *s, const json_t *root, int threads, cc_diags *d,
                    cc_sim **out)
{
    *out = NULL;
    const json_t *vars = json_object_get(root, "variants");
    const char *sid = cc_report_str(root, "scenario");
    if (strcmp(sid, cc_scenario_id(s)) != 0) {
        cc_diags_add(d, CC_SEV_ERROR, path, (cc_pos){0, 0}, "report-scenario",
                     "pass the scenario the simulation ran", "the result is of scenario '%s', not '%s'", sid,
                     cc_scenario_id(s));
        return CC_ERR_INVALID;
    }
    size_t nv = json_array_size(vars);
    int *idx = calloc(nv ? nv : 1, sizeof *idx);
    if (!idx)
        return CC_ERR_NOMEM;
    for (size_t v = 0; v < nv; v++) {
        const char *id = cc_report_str(json_array_get(vars, v), "id");
        idx[v] = -1;
        for (size_t m = 0; m < s->nmechanisms; m++)
            if (strcmp(s->mechanisms[m].id, id) == 0)
                idx[v] = (int)m;
        if (idx[v] < 0) {
            cc_diags_add(d, CC_SEV_ERROR, path, (cc_pos){0, 0}, "report-scenario", NULL,
                         "the scenario has no mechanism '%s'", id);
            free(idx);
            return CC_ERR_INVALID;
        }
    }
    uint64_t seed = strtoull(cc_report_str(root, "seed"), NULL, 10);
    cc_sim_opts o = {.seed = seed,
                     .reps = (size_t)json_integer_value(json_object_get(root, "reps")),
                     .variants = idx,
                     .nvariants = nv,
                     .threads = threads > 0 ? threads : 1};
    cc_sim *r = NULL;
    cc_err rc = cc_sim_run(s, &o, &r);
    free(idx);
    if (rc != CC_OK) {
        cc_diags_add(d, CC_SEV_ERROR, path, (cc_pos){0, 0}, "report-sim", NULL,
                     "the simulation did not run again: %s", cc_err_str(rc));
        return rc;
    }
    for (size_t v = 0; v < nv && rc == CC_OK; v++) {
        const json_t *mets = json_object_get(json_array_get(vars, v), "metrics");
        if (json_object_size(mets) != cc_sim_nmetrics(r))
            rc = CC_ERR_INVALID;
        for (size_t m = 0; m < cc_sim_nmetrics(r) && rc == CC_OK; m++) {
            const json_t *mt = json_object_get(mets, cc_sim_metric_name(r, m));
            cc_sim_summary sm;
            cc_sim_summarise(r, v, m, &sm);
            if (!mt || (size_t)json_integer_value(json_object_get(mt, "n")) != sm.n ||
                !same(numv(json_object_get(mt, "mean")), sm.mean))
                rc = CC_ERR_INVALID;
        }
    }
    if (rc != CC_OK) {
        cc_diags_add(d, CC_SEV_ERROR, path, (cc_pos){0, 0}, "report-sim",
                     "was the result produced from this scenario file and this version of caucus?",
                     "running the simulation again from the scenario does not reproduce the result");
        cc_sim_free(r);
        return rc;
    }
    *out = r;
    return CC_OK;
}

/* The summary's shape: 0, or the error reported. */
static cc_err check_summary(const char *path, const json_t *root, cc_diags *d)
{
    const json_t *vars = json_object_get(root, "variants");
    if (json_is_object(json_object_get(root, "sweep"))) {
        cc_diags_add(
            d, CC_SEV_ERROR, path, (cc_pos){0, 0}, "report-sweep",
            "caucus sim --sweep ... --html PAGE writes its curves as a page; caucus report reads the "
            "results of caucus sim without --sweep",
            "this is the result of a sweep (caucus sim --sweep), not of a comparison of variants");
        return CC_ERR_INVALID;
    }
    if (!json_is_object(root) || !json_is_array(vars) || !json_array_size(vars) ||
        !json_is_integer(json_object_get(root, "reps")) || !json_is_string(json_object_get(root, "scenario")))
        return bad(d, path, "it needs \"scenario\", \"reps\" and a non-empty \"variants\" array");
    size_t i;
    const json_t *v;
    json_array_foreach(vars, i, v)
    {
        if (!json_is_string(json_object_get(v, "id")) || !json_is_object(json_object_get(v, "metrics")))
            return bad(d, path, "each variant needs \"id\" and \"metrics\"");
    }
    return CC_OK;
}

/* The overview: scenario, seed, replications, variants, and whether a re-run (sim, of s)
 * reproduced the summaries. */
static json_t *overview_section(const json_t *root, const cc_scenario *s, const cc_sim *sim)
{
    const json_t *vars = json_object_get(root, "variants");
    json_t *ov = section("overview", "Simulation overview");
    char b[512];
    json_array_append_new(
        json_object_get(ov, "intro"),
        json_string("Monte Carlo comparison of consultation mechanism variants, from the summary "
                    "written by caucus sim --json."));
    json_t *facts = json_object_get(ov, "facts");
    json_array_append_new(facts, json_pack("[s,O]", "Scenario", json_object_get(root, "scenario")));
    json_array_append_new(facts, json_pack("[s,O]", "Seed", json_object_get(root, "seed")));
    json_array_append_new(facts,
                          json_pack("[s,O]", "Replications per variant", json_object_get(root, "reps")));
    cc_buf vl;
    cc_buf_init(&vl);
    size_t i;
    const json_t *v;
    json_array_foreach(vars, i, v)
    {
        cc_buf_printf(&vl, "%s%s", i ? ", " : "", cc_report_str(v, "id"));
    }
    json_array_append_new(facts,
                          json_pack("[s,s]", "Variants (first is the baseline)", vl.data ? vl.data : ""));
    cc_buf_free(&vl);
    if (sim) {
        char hx[65];
        cc_scenario_hash_hex(s, hx);
        snprintf(b, sizeof b, "yes: run again from %s (sha256 %s), every summary reproduced",
                 cc_scenario_id(s), hx);
    } else {
        snprintf(b, sizeof b, "%s", "no (pass --scenario to run it again, verify it and plot distributions)");
    }
    json_array_append_new(facts, json_pack("[s,s]", "Verified against a re-run", b));
    return ov;
}

/* One time metric x of a variant v as a row of the times table. */
static json_t *time_row(const char *name, const json_t *v, const json_t *x)
{
    const json_t *ci = json_object_get(x, "mean_ci");
    const json_t *dci = json_object_get(x, "done_ci"), *rci = json_object_get(x, "restricted_mean_ci");
    json_t *row = json_pack(
        "[s,O,o,o,o,o,o,o,o]", name, json_object_get(v, "id"), num_or_null(json_object_get(x, "done")),
        num_or_null(json_array_get(dci, 0)), num_or_null(json_array_get(dci, 1)),
        num_or_null(json_object_get(x, "restricted_mean")),
        json_is_true(json_object_get(x, "restricted_to_end")) ? json_string("end")
                                                              : num_or_null(json_object_get(x, "tau")),
        num_or_null(json_array_get(rci, 0)), num_or_null(json_array_get(rci, 1)));
    json_t *more = json_pack(
        "[o,o,o,o,o,o,O,O]", num_or_null(json_object_get(x, "mean")), num_or_null(json_array_get(ci, 0)),
        num_or_null(json_array_get(ci, 1)), num_or_null(json_object_get(x, "median")),
        num_or_null(json_object_get(x, "p90")), num_or_null(json_object_get(x, "p99")),
        json_object_get(x, "n"),
        json_object_get(x, "applicable") ? json_object_get(x, "applicable") : json_object_get(x, "total"));
    if (row && more)
        json_array_extend(row, more);
    json_decref(more);
    return row;
}

/* Metrics by variant: a table of times and one of rates, metrics in the order of names. */
static json_t *metrics_section(const json_t *vars, const json_t *names)
{
    json_t *ms = section("metrics", "Metrics by variant");
    json_array_append_new(
        json_object_get(ms, "intro"),
        json_string("Times in hours. For a time: the share of replications in which it happened (done, "
                    "Wilson interval); its restricted mean, where a replication in which it had not happened "
                    "counts as the horizon every replication was observed to (Student t interval); and the mean, "
                    "median, p90 and p99 of the times where it happened. Rates: the probability with its "
                    "Wilson interval. See docs/sim.md."));
    json_t *trows = add_table(
        ms, "times", "Times (hours)",
        json_pack("[s,s,s,s,s,s,s,s,s,s,s,s,s,s,s,s,s]", "metric", "variant", "done", "done CI low",
                  "done CI high", "restricted mean", "restricted to", "95% CI low", "95% CI high", "mean if done",
                  "mean CI low", "mean CI high", "median", "p90", "p99", "done (n)", "could (n)"));
    json_t *rrows = add_table(ms, "rates", "Rates",
                              json_pack("[s,s,s,s,s,s]", "metric", "variant", "probability", "95% CI low",
                                        "95% CI high", "replications"));
    size_t i, k;
    const json_t *v, *mt;
    json_array_foreach(names, k, mt)
    {
        const char *name = json_string_value(mt);
        json_array_foreach(vars, i, v)
        {
            const json_t *x = json_object_get(json_object_get(v, "metrics"), name);
            if (!x)
                continue;
            const json_t *ci = json_object_get(x, "mean_ci");
            if (json_is_true(json_object_get(x, "rate")))
                json_array_append_new(rrows, json_pack("[s,O,o,o,o,O]", name, json_object_get(v, "id"),
                                                       num_or_null(json_object_get(x, "mean")),
                                                       num_or_null(json_array_get(ci, 0)),
                                                       num_or_null(json_array_get(ci, 1)),
                                                       json_object_get(x, "n")));
            else
                json_array_append_new(trows, time_row(name, v, x));
        }
    }
    return ms;
}

/* Every pair of variants, b minus a. */
static json_t *differences_section(const json_t *diffs)
{
    json_t *ds = section("differences", "Differences between variants");
    json_array_append_new(
        json_object_get(ds, "intro"),
        json_string("Every pair of variants, b minus a, paired by replication (replication r of every "
                    "variant draws the same random numbers): for a time the difference of restricted means "
                    "(Student t on the replication differences), for a rate the difference of probabilities "
                    "(Newcombe's paired interval); 'significant' when the 95% interval excludes 0. The "
                    "unpaired interval shows what the pairing gains."));
    json_t *drows = add_table(ds, "differences", "Differences",
                              json_pack("[s,s,s,s,s,s,s,s,s,s,s]", "metric", "b", "a", "difference",
                                        "95% CI low", "95% CI high", "pairs", "correlation",
                                        "unpaired CI low", "unpaired CI high", "significant"));
    size_t i;
    const json_t *v;
    json_array_foreach(diffs, i, v)
    {
        const json_t *ci = json_object_get(v, "ci"), *uci = json_object_get(v, "unpaired_ci");
        double lo = numv(json_array_get(ci, 0)), hi = numv(json_array_get(ci, 1));
        json_array_append_new(
            drows, json_pack("[O,O,O,o,o,o,O,o,o,o,s]", json_object_get(v, "metric"), json_object_get(v, "b"),
                             json_object_get(v, "a"), num_or_null(json_object_get(v, "difference")),
                             num_or_null(json_array_get(ci, 0)), num_or_null(json_array_get(ci, 1)),
                             json_object_get(v, "n"), num_or_null(json_object_get(v, "correlation")),
                             num_or_null(json_array_get(uci, 0)), num_or_null(json_array_get(uci, 1)),
                             isnan(lo) || isnan(hi) ? ""
                             : (lo > 0 || hi < 0)   ? "yes"
                                                    : "no"));
    }
    return ds;
}

/* The plots: distributions from the re-run (sim, of s), else each metric's interval. */
static cc_err plots_section(const json_t *vars, const json_t *names, const cc_scenario *s, const cc_sim *sim,
                            json_t **out)
{
    cc_err rc = CC_OK;
    json_t *ps = section("plots", "Plots");
    cc_buf svg;
    cc_buf_init(&svg);
    if (sim) {
        json_array_append_new(
            json_object_get(ps, "intro"),
            json_string("For every time, the share of replications in which it had happened by each time "
                        "(1 - Kaplan-Meier, censored at the end of the run) and the histogram of the times "
                        "where it happened; for every rate, each variant with its 95% interval."));
        char title[300];
        snprintf(title, sizeof title, "%s: %s", cc_scenario_id(s),
                 cc_scenario_title(s) ? cc_scenario_title(s) : "");
        rc = cc_simplot_svg(sim, title, &svg);
    } else {
        json_array_append_new(json_object_get(ps, "intro"),
                              json_string("Each metric's mean (for a time, its restricted mean) with its 95% interval per variant."));
        interval_svg(vars, names, &svg);
    }
    if (rc == CC_OK && svg.oom)
        rc = CC_ERR_NOMEM;
    json_object_set_new(ps, "svg", json_string(svg.data ? svg.data : ""));
    cc_buf_free(&svg);
    *out = ps;
    return rc;
}

cc_err cc_report_from_sim(const char *path, const cc_scenario *s, int threads, cc_diags *d, json_t **doc)
{
    *doc = NULL;
    json_error_t je;
    json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
    if (!root) {
        cc_diags_add(d, CC_SEV_ERROR, path, (cc_pos){je.line, je.column}, "report-sim", NULL, "%s", je.text);
        return CC_ERR_PARSE;
    }
    const json_t *vars = json_object_get(root, "variants");
    cc_err rc = check_summary(path, root, d);
    cc_sim *sim = NULL;
    if (rc == CC_OK && s)
        rc = rerun(path, s, root, threads, d, &sim);
    if (rc != CC_OK) {
        json_decref(root);
        return rc;
    }
    /* metric names in the first variant's order (the file's, sorted by name) */
    json_t *names = json_array();
    const char *key;
    const json_t *mt;
    json_object_foreach(json_object_get(json_array_get(vars, 0), "metrics"), key, mt)
    {
        json_array_append_new(names, json_string(key));
    }
    json_t *secs = json_array();
    json_array_append_new(secs, overview_section(root, s, sim));
    json_array_append_new(secs, metrics_section(vars, names));
    const json_t *diffs = json_object_get(root, "differences");
    if (json_array_size(diffs))
        json_array_append_new(secs, differences_section(diffs));
    json_t *ps = NULL;
    rc = plots_section(vars, names, s, sim, &ps);
    json_array_append_new(secs, ps);
    char b[512];
    snprintf(b, sizeof b, "Simulation comparison: %s", cc_report_str(root, "scenario"));
    *doc = json_pack("{s:s,s:s,s:s,s:s,s:o}", "format", CC_REPORT_FORMAT, "kind", "sim", "title", b, "banner",
                     "", "sections", secs);
    json_decref(names);
    json_decref(root);
    cc_sim_free(sim);
    if (!*doc && rc == CC_OK)
        rc = CC_ERR_NOMEM;
    if (rc != CC_OK) {
        json_decref(*doc);
        *doc = NULL;
    }
    return rc;
}
