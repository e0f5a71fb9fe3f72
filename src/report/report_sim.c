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
    /* an event log's first line is one canonical record; a simulation result is an indented
     * object whose first line is a lone "{" */
    return n >= 2 && head[0] == '{' && (head[1] == '\n' || head[1] == '\r') &&
           strstr(head, "\"reps\"") != NULL;
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

/* An interval plot from summaries: per metric a panel with each variant's mean and 95% CI. */
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
                "<text x=\"10\" y=\"18\" font-weight=\"bold\">Mean with 95% interval per variant (each row "
                "on its own scale, from 0 to the largest upper bound)</text>\n");
    for (size_t m = 0; m < nm; m++) {
        const char *name = json_string_value(json_array_get(names, m));
        double top = 0;
        for (size_t v = 0; v < nv; v++) {
            const json_t *mt = json_object_get(json_object_get(json_array_get(vars, v), "metrics"), name);
            double hi = numv(json_array_get(json_object_get(mt, "mean_ci"), 1)),
                   mean = numv(json_object_get(mt, "mean"));
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
            double mean = numv(json_object_get(mt, "mean")),
                   lo = numv(json_array_get(json_object_get(mt, "mean_ci"), 0)),
                   hi = numv(json_array_get(json_object_get(mt, "mean_ci"), 1));
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
    cc_err rc = CC_OK;
    if (!json_is_object(root) || !json_is_array(vars) || !json_array_size(vars) ||
        !json_is_integer(json_object_get(root, "reps")) || !json_is_string(json_object_get(root, "scenario")))
        rc = bad(d, path, "it needs \"scenario\", \"reps\" and a non-empty \"variants\" array");
    size_t i, k;
    json_t *v, *mt;
    const char *key;
    json_array_foreach(vars, i, v)
    {
        if (rc == CC_OK &&
            (!json_is_string(json_object_get(v, "id")) || !json_is_object(json_object_get(v, "metrics"))))
            rc = bad(d, path, "each variant needs \"id\" and \"metrics\"");
    }
    cc_sim *sim = NULL;
    if (rc == CC_OK && s)
        rc = rerun(path, s, root, threads, d, &sim);
    if (rc != CC_OK) {
        json_decref(root);
        return rc;
    }
    /* metric names in the first variant's order (the file's, sorted by name) */
    json_t *names = json_array();
    json_object_foreach(json_object_get(json_array_get(vars, 0), "metrics"), key, mt)
    {
        json_array_append_new(names, json_string(key));
    }
    json_t *secs = json_array();
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
    json_array_append_new(secs, ov);

    json_t *ms = section("metrics", "Metrics by variant");
    json_array_append_new(
        json_object_get(ms, "intro"),
        json_string("Times in hours: mean with its 95% confidence interval, median, p90 and p99 over "
                    "the replications where the time occurred (n of total). Rates: the probability "
                    "with its 95% confidence interval."));
    json_t *trows = add_table(ms, "times", "Times (hours)",
                              json_pack("[s,s,s,s,s,s,s,s,s,s]", "metric", "variant", "n", "total", "mean",
                                        "95% CI low", "95% CI high", "median", "p90", "p99"));
    json_t *rrows = add_table(ms, "rates", "Rates",
                              json_pack("[s,s,s,s,s,s]", "metric", "variant", "probability", "95% CI low",
                                        "95% CI high", "replications"));
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
                                                       json_object_get(x, "total")));
            else
                json_array_append_new(
                    trows,
                    json_pack("[s,O,O,O,o,o,o,o,o,o]", name, json_object_get(v, "id"),
                              json_object_get(x, "n"), json_object_get(x, "total"),
                              num_or_null(json_object_get(x, "mean")), num_or_null(json_array_get(ci, 0)),
                              num_or_null(json_array_get(ci, 1)), num_or_null(json_object_get(x, "median")),
                              num_or_null(json_object_get(x, "p90")),
                              num_or_null(json_object_get(x, "p99"))));
        }
    }
    json_array_append_new(secs, ms);

    if (sim && cc_sim_nvariants(sim) > 1) {
        json_t *ds = section("differences", "Differences against the baseline");
        json_array_append_new(
            json_object_get(ds, "intro"),
            json_string("Difference of means (variant minus baseline) with a 95% confidence interval "
                        "(Welch); 'significant' when the interval excludes 0."));
        json_t *drows = add_table(ds, "differences", "Differences of means",
                                  json_pack("[s,s,s,s,s,s]", "metric", "variant", "difference", "95% CI low",
                                            "95% CI high", "significant"));
        for (size_t m = 0; m < cc_sim_nmetrics(sim); m++)
            for (size_t w = 1; w < cc_sim_nvariants(sim); w++) {
                double df, lo, hi;
                cc_sim_diff(sim, 0, w, m, &df, &lo, &hi);
                json_array_append_new(drows, json_pack("[s,s,o,o,o,s]", cc_sim_metric_name(sim, m),
                                                       cc_sim_variant_id(sim, w),
                                                       isnan(df) ? json_null() : json_real(df),
                                                       isnan(lo) ? json_null() : json_real(lo),
                                                       isnan(hi) ? json_null() : json_real(hi),
                                                       isnan(lo) || isnan(hi) ? ""
                                                       : (lo > 0 || hi < 0)   ? "yes"
                                                                              : "no"));
            }
        json_array_append_new(secs, ds);
    }

    json_t *ps = section("plots", "Plots");
    cc_buf svg;
    cc_buf_init(&svg);
    if (sim) {
        json_array_append_new(
            json_object_get(ps, "intro"),
            json_string("For every time, the empirical distribution (CDF) of each variant over all "
                        "replications; for every rate, each variant with its 95% interval."));
        char title[300];
        snprintf(title, sizeof title, "%s: %s", cc_scenario_id(s),
                 cc_scenario_title(s) ? cc_scenario_title(s) : "");
        rc = cc_simplot_svg(sim, title, &svg);
    } else {
        json_array_append_new(json_object_get(ps, "intro"),
                              json_string("Each metric's mean with its 95% interval per variant."));
        interval_svg(vars, names, &svg);
    }
    if (rc == CC_OK && svg.oom)
        rc = CC_ERR_NOMEM;
    json_object_set_new(ps, "svg", json_string(svg.data ? svg.data : ""));
    cc_buf_free(&svg);
    json_array_append_new(secs, ps);
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
