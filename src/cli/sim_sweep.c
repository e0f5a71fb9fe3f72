/* sim_sweep — `caucus sim --sweep PATH=VALUES` (docs/sim.md, "Exploring a mechanism"): the
 * scenario loaded once per value with the path set to it, every point run on the same
 * replications of every variant, and one response curve per metric with paired intervals against
 * the baseline point, as a terminal table, JSON, CSV, SVG and HTML. */
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/scenario.h"
#include "core/scenario_model.h"
#include "io/file.h"
#include "io/patch.h"
#include "io/scenario_load.h"
#include "report/report.h"
#include "sim/simplot.h"

int cc_cli_sweep_load(const char *cmd, const char *file, const char *agents, const cc_sweep *sw, cc_scenario ***out)
{
    char *text = NULL, why[256];
    size_t len = 0;
    *out = NULL;
    if (cc_file_read(file, CC_CLI_SLURP_MAX, &text, &len, why, sizeof why) != CC_OK) {
        fprintf(stderr, "caucus %s: %s\n", cmd, why);
        return -1;
    }
    cc_scenario **pts = calloc(sw->n, sizeof *pts);
    int bad = !pts;
    for (size_t p = 0; p < sw->n && !bad; p++) {
        cc_diags d;
        cc_diags_init(&d);
        cc_patch patch = {sw->path, sw->values[p]};
        cc_load_opts lo = {.patches = &patch, .npatches = 1, .agents = agents};
        if (cc_scenario_load(text, len, file, &lo, &d, &pts[p]) != CC_OK) {
            cc_diags_sort(&d);
            cc_cli_print_diags(stderr, &d);
            fprintf(stderr, "caucus %s: --sweep %s=%s: the scenario does not load with that value\n", cmd,
                    sw->path, sw->values[p]);
            bad = 1;
        }
        cc_diags_free(&d);
    }
    free(text);
    if (bad) {
        cc_cli_sweep_free(pts, sw->n);
        return -1;
    }
    *out = pts;
    return 0;
}

void cc_cli_sweep_free(cc_scenario **pts, size_t n)
{
    for (size_t p = 0; pts && p < n; p++)
        cc_scenario_free(pts[p]);
    free(pts);
}

/* "est [lo, hi]" or "-" */
static const char *ci(char *buf, size_t size, const char *fmt, double e, double lo, double hi)
{
    char a[40], b[40], c[40];
    if (isnan(e))
        return "-";
    snprintf(a, sizeof a, fmt, e);
    if (isnan(lo) || isnan(hi)) {
        snprintf(buf, size, "%s", a);
        return buf;
    }
    snprintf(b, sizeof b, fmt, lo);
    snprintf(c, sizeof c, fmt, hi);
    snprintf(buf, size, "%s [%s, %s]", a, b, c);
    return buf;
}

static void print_curve(const cc_sim *r, const cc_sim_axis *ax, size_t m)
{
    size_t K = cc_sim_nmechanisms(r);
    int rate = cc_sim_metric_is_rate(r, m);
    printf("\n%s: %s\n", cc_sim_metric_name(r, m), rate ? "probability" : "restricted mean (h)");
    int w = 8;
    for (size_t p = 0; p < ax->n; p++)
        if ((int)strlen(ax->labels[p]) + 11 > w)
            w = (int)strlen(ax->labels[p]) + 11;
    if (rate)
        printf("  %-*s %-16s %-24s %s\n", w, "value", "variant", "probability [95% CI]",
               "- baseline [95% CI]");
    else
        printf("  %-*s %-16s %-24s %-24s %s\n", w, "value", "variant", "restricted mean [95% CI]",
               "done [95% CI]", "- baseline [95% CI]");
    double tau = NAN;
    for (size_t p = 0; p < ax->n; p++)
        for (size_t k = 0; k < K; k++) {
            size_t v = cc_sim_column(r, p, k);
            cc_sim_summary sm;
            cc_sim_summarise(r, v, m, &sm);
            cc_sim_comparison c;
            cc_sim_compare(r, cc_sim_column(r, ax->baseline, k), v, m, &c);
            char lab[200], a[160], b[160], d[160];
            snprintf(lab, sizeof lab, "%s%s", ax->labels[p], p == ax->baseline ? " (baseline)" : "");
            const char *diff =
                p == ax->baseline ? "-" : ci(d, sizeof d, rate ? "%+.3f" : "%+.2f", c.diff, c.lo, c.hi);
            const char *star = p != ax->baseline && (c.lo > 0 || c.hi < 0) ? " *" : "";
            if (rate) {
                printf("  %-*s %-16s %-24s %s%s\n", w, lab, cc_sim_variant_id(r, k),
                       ci(a, sizeof a, "%.3f", sm.mean, sm.mean_lo, sm.mean_hi), diff, star);
            } else {
                if (!isnan(sm.tau))
                    tau = sm.tau;
                printf("  %-*s %-16s %-24s %-24s %s%s\n", w, lab, cc_sim_variant_id(r, k),
                       ci(a, sizeof a, "%.2f", sm.rmean, sm.rmean_lo, sm.rmean_hi),
                       ci(b, sizeof b, "%.3f", sm.done, sm.done_lo, sm.done_hi), diff, star);
            }
        }
    if (!rate && isinf(tau))
        printf("  nothing was censored: the restricted mean is the plain mean\n");
    else if (!rate && !isnan(tau))
        printf("  restricted mean to %.2f h (the same horizon at every value)\n", tau);
}

/* One row per value, variant and shown metric. */
static int write_curves_csv(const cc_sim *r, const cc_sim_axis *ax, const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "caucus sim: cannot write %s: %s\n", path, strerror(errno));
        return -1;
    }
    fprintf(
        f,
        "value,x,variant,metric,estimate_of,estimate,lo,hi,done,done_lo,done_hi,vs_baseline,vs_baseline_lo,"
        "vs_baseline_hi,pairs\n");
    size_t K = cc_sim_nmechanisms(r), M = cc_sim_nmetrics(r);
    for (size_t m = 0; m < M; m++) {
        if (ax->show && !ax->show[m])
            continue;
        int rate = cc_sim_metric_is_rate(r, m);
        for (size_t p = 0; p < ax->n; p++)
            for (size_t k = 0; k < K; k++) {
                size_t v = cc_sim_column(r, p, k);
                cc_sim_summary sm;
                cc_sim_summarise(r, v, m, &sm);
                cc_sim_comparison c;
                cc_sim_compare(r, cc_sim_column(r, ax->baseline, k), v, m, &c);
                double e[9] = {rate ? sm.mean : sm.rmean,
                               rate ? sm.mean_lo : sm.rmean_lo,
                               rate ? sm.mean_hi : sm.rmean_hi,
                               rate ? NAN : sm.done,
                               rate ? NAN : sm.done_lo,
                               rate ? NAN : sm.done_hi,
                               c.diff,
                               p == ax->baseline ? NAN : c.lo,
                               p == ax->baseline ? NAN : c.hi};
                fprintf(f, "%s,%.17g,%s,\"%s\",%s", ax->labels[p], ax->x[p], cc_sim_variant_id(r, k),
                        cc_sim_metric_name(r, m), rate ? "probability" : "restricted mean (h)");
                for (size_t i = 0; i < 9; i++)
                    if (isnan(e[i]))
                        fputc(',', f);
                    else
                        fprintf(f, ",%.17g", e[i]);
                fprintf(f, ",%zu\n", c.n);
            }
    }
    if (fclose(f) != 0) {
        fprintf(stderr, "caucus sim: cannot write %s: %s\n", path, strerror(errno));
        return -1;
    }
    return 0;
}

static int write_doc(cc_err (*fn)(const cc_sim *, const cc_sim_axis *, const char *, cc_buf *),
                     const cc_sim *r, const cc_sim_axis *ax, const char *title, const char *path)
{
    cc_buf b;
    cc_buf_init(&b);
    FILE *f = NULL;
    errno = 0;
    int bad =
        fn(r, ax, title, &b) != CC_OK || !(f = fopen(path, "wb")) || fwrite(b.data, 1, b.len, f) != b.len;
    if (f && fclose(f) != 0)
        bad = 1;
    if (bad)
        fprintf(stderr, "caucus sim: cannot write %s%s%s\n", path, errno ? ": " : "",
                errno ? strerror(errno) : "");
    cc_buf_free(&b);
    return bad ? -1 : 0;
}

int cc_cli_sweep_report(const cc_sim *r, const cc_sweep *sw, const cc_cli_sweep_out *o)
{
    size_t M = cc_sim_nmetrics(r);
    uint8_t *show = calloc(M + 1, 1);
    if (!show) {
        fprintf(stderr, "caucus sim: out of memory\n");
        return 1;
    }
    size_t nshown = 0;
    for (size_t m = 0; m < M; m++) {
        show[m] = o->nmetrics == 0;
        for (size_t i = 0; i < o->nmetrics && !show[m]; i++)
            show[m] = strstr(cc_sim_metric_name(r, m), o->metrics[i]) != NULL;
        nshown += show[m];
    }
    if (nshown == 0) {
        fprintf(stderr, "caucus sim: --metric: no metric's name contains '%s'; the metrics are:\n",
                o->metrics[0]);
        for (size_t m = 0; m < M; m++)
            fprintf(stderr, "  %s\n", cc_sim_metric_name(r, m));
        free(show);
        return 2;
    }
    cc_sim_axis ax = {sw->path, sw->values, sw->x, sw->n, o->baseline, sw->durations, show};
    size_t K = cc_sim_nmechanisms(r);
    printf("sweep %s over %zu values (%s ... %s), baseline %s: %zu replications per value and variant, seed "
           "%llu, %zu variant%s\n",
           sw->path, sw->n, sw->values[0], sw->values[sw->n - 1], sw->values[o->baseline], cc_sim_reps(r),
           (unsigned long long)o->seed, K, K == 1 ? "" : "s");
    for (size_t m = 0; m < M; m++)
        if (show[m])
            print_curve(r, &ax, m);
    printf(
        "\n* the 95%% interval of the difference excludes 0. Every value runs on the same replications\n"
        "(common random numbers), so each difference against the baseline value is paired by replication;\n"
        "for a time the estimate is its restricted mean in hours, for a rate its probability "
        "(docs/sim.md).\n");
    int status = 0;
    char title[512];
    snprintf(title, sizeof title, "%s: sweep of %s (%zu replications, seed %llu)", o->scenario_id, sw->path,
             cc_sim_reps(r), (unsigned long long)o->seed);
    if (o->csv && write_curves_csv(r, &ax, o->csv) != 0)
        status = 1;
    if (o->svg && write_doc(cc_simplot_sweep_svg, r, &ax, title, o->svg) != 0)
        status = 1;
    if (o->html && write_doc(cc_simplot_sweep_html, r, &ax, title, o->html) != 0)
        status = 1;
    if (o->json) {
        json_t *root = cc_report_sweep_result(r, &ax, o->scenario_id, o->seed);
        if (!root || json_dump_file(root, o->json, JSON_INDENT(2) | JSON_SORT_KEYS) != 0) {
            fprintf(stderr, "caucus sim: cannot write %s\n", o->json);
            status = 1;
        }
        json_decref(root);
    }
    free(show);
    return status;
}
