/* simplot — SVG plots (Kaplan-Meier curves, histograms, probability bars) and the self-contained
 * HTML page of cc_sim results, written by hand (no libraries, no script, no external asset). */
#include "sim/simplot.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/stats.h"

#define W 720
#define PH 250 /* panel height */
#define ML 70  /* margins */
#define MR 170
#define MT 40
#define MB 40
#define NBINS 30

static const char *const colors[] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd",
                                     "#ff7f0e", "#8c564b", "#17becf"};

static const char *color(size_t v)
{
    return colors[v % (sizeof colors / sizeof colors[0])];
}

static void esc(cc_buf *b, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': cc_buf_puts(b, "&amp;"); break;
        case '<': cc_buf_puts(b, "&lt;"); break;
        case '>': cc_buf_puts(b, "&gt;"); break;
        case '"': cc_buf_puts(b, "&quot;"); break;
        default: cc_buf_putc(b, *s);
        }
    }
}

static int dcmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* A "nice" axis maximum for values up to max (1, 2 or 5 times a power of ten). */
static double axis_top(double max)
{
    if (!(max > 0))
        max = 1;
    double p = pow(10, floor(log10(max)));
    double m = max / p;
    return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}

/* Frame, grid and x ticks of a panel; ylabels: 1 prints 0..ytop as percentages. */
static void panel_frame(cc_buf *b, double y0, const char *title, double xtop, const char *xlabel, int ylabels,
                        double ytop)
{
    double pw = W - ML - MR, ph = PH - MT - MB;
    cc_buf_printf(b, "<g transform=\"translate(0,%.0f)\">\n", y0);
    cc_buf_puts(b, "<text x=\"10\" y=\"24\" font-weight=\"bold\">");
    esc(b, title);
    cc_buf_puts(b, "</text>\n");
    cc_buf_printf(b,
                  "<rect x=\"%d\" y=\"%d\" width=\"%.0f\" height=\"%.0f\" fill=\"none\" stroke=\"#444\"/>\n",
                  ML, MT, pw, ph);
    for (int i = 0; i <= 5; i++) {
        double x = ML + pw * i / 5.0;
        cc_buf_printf(b, "<line x1=\"%.1f\" y1=\"%.0f\" x2=\"%.1f\" y2=\"%.0f\" stroke=\"#ddd\"/>", x,
                      (double)MT, x, MT + ph);
        cc_buf_printf(b, "<text x=\"%.1f\" y=\"%.0f\" text-anchor=\"middle\">%g</text>\n", x, MT + ph + 16,
                      xtop / 5 * i);
        double y = MT + ph - ph * i / 5.0;
        if (ylabels)
            cc_buf_printf(b, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%.3g%%</text>\n", ML - 6, y + 4,
                          100.0 * ytop * i / 5.0);
    }
    cc_buf_printf(b, "<text x=\"%.0f\" y=\"%.0f\" text-anchor=\"middle\">", ML + pw / 2, MT + ph + 32);
    esc(b, xlabel);
    cc_buf_puts(b, "</text>\n");
}

static void legend(cc_buf *b, const cc_sim *r, double x, double y)
{
    for (size_t v = 0; v < cc_sim_nvariants(r); v++) {
        cc_buf_printf(b, "<rect x=\"%.0f\" y=\"%.0f\" width=\"14\" height=\"4\" fill=\"%s\"/>", x,
                      y + 18.0 * v, color(v));
        cc_buf_printf(b, "<text x=\"%.0f\" y=\"%.0f\">", x + 20, y + 18.0 * v + 6);
        esc(b, cc_sim_variant_id(r, v));
        cc_buf_puts(b, "</text>\n");
    }
}

/* The times metric m took in variant v (observed only, not censored) into x, sorted; how many. */
static size_t values(const cc_sim *r, size_t v, size_t m, double *x)
{
    size_t n = 0;
    for (size_t k = 0; k < cc_sim_reps(r); k++) {
        double y = cc_sim_value(r, v, k, m);
        if (!isnan(y) && !signbit(y))
            x[n++] = y;
    }
    qsort(x, n, sizeof *x, dcmp);
    return n;
}

/* Largest time (observed or censored) of metric m over all variants; *count: how many values. */
static double metric_max(const cc_sim *r, size_t m, size_t *count)
{
    double max = 0;
    *count = 0;
    for (size_t v = 0; v < cc_sim_nvariants(r); v++)
        for (size_t k = 0; k < cc_sim_reps(r); k++) {
            double y = cc_sim_value(r, v, k, m);
            if (!isnan(y)) {
                ++*count;
                if (fabs(y) > max)
                    max = fabs(y);
            }
        }
    return max;
}

typedef struct km_obs {
    double t;
    uint8_t event;
} km_obs;

/* time ascending; at equal times events before censorings */
static int km_cmp(const void *a, const void *b)
{
    const km_obs *x = a, *y = b;
    if (x->t != y->t)
        return x->t < y->t ? -1 : 1;
    return (int)y->event - (int)x->event;
}

/* A probability with its 95% interval, one bar per variant. */
static void rate_panel(cc_buf *out, const cc_sim *r, size_t m, double y0, const char *title)
{
    size_t V = cc_sim_nvariants(r);
    double pw = W - ML - MR, ph = PH - MT - MB;
    panel_frame(out, y0, title, 1, "probability", 0, 0);
    for (size_t v = 0; v < V; v++) {
        cc_sim_summary sm;
        cc_sim_summarise(r, v, m, &sm);
        if (!sm.n)
            continue;
        double bh = ph / (double)(V + 1), by = MT + bh * ((double)v + 0.5);
        cc_buf_printf(out, "<rect x=\"%d\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>", ML, by,
                      pw * sm.mean, bh * 0.8, color(v));
        cc_buf_printf(out,
                      "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#000\" "
                      "stroke-width=\"2\"/>\n",
                      ML + pw * fmax(0, sm.mean_lo), by + bh * 0.4, ML + pw * fmin(1, sm.mean_hi),
                      by + bh * 0.4);
    }
    legend(out, r, W - MR + 20, MT + 10);
    cc_buf_puts(out, "</g>\n");
}

/* The share of replications where it had happened by each time, 1 - the Kaplan-Meier estimate:
 * a replication in which it had not happened when the run ended counts as censored there, so a
 * variant that often never finishes stays below 100%. */
static void km_panel(cc_buf *out, const cc_sim *r, size_t m, double y0, const char *title)
{
    size_t V = cc_sim_nvariants(r), R = cc_sim_reps(r), count;
    double pw = W - ML - MR, ph = PH - MT - MB;
    double top = axis_top(metric_max(r, m, &count));
    km_obs *o = malloc(sizeof *o * (R ? R : 1));
    double *t = malloc(sizeof *t * (R ? R : 1)), *sv = malloc(sizeof *sv * (R ? R : 1));
    uint8_t *ev = malloc(R ? R : 1);
    if (!o || !t || !sv || !ev) {
        out->oom = 1;
        free(o);
        free(t);
        free(sv);
        free(ev);
        return;
    }
    panel_frame(out, y0, title, top, "hours (share done by then: 1 - Kaplan-Meier)", 1, 1);
    for (size_t v = 0; v < V; v++) {
        size_t n = 0;
        for (size_t k = 0; k < R; k++) {
            double y = cc_sim_value(r, v, k, m);
            if (!isnan(y))
                o[n++] = (km_obs){fabs(y), (uint8_t)!signbit(y)};
        }
        if (!n)
            continue;
        qsort(o, n, sizeof *o, km_cmp);
        for (size_t k = 0; k < n; k++) {
            t[k] = o[k].t;
            ev[k] = o[k].event;
        }
        cc_stats_km(t, ev, n, sv);
        cc_buf_printf(out, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" points=\"%d,%.1f",
                      color(v), ML, MT + ph);
        double prev = 0, last_t = 0;
        size_t stride = n > 400 ? n / 400 : 1;
        for (size_t k = 0; k < n; k++) {
            double f = 1 - sv[k];
            last_t = t[k];
            if (f == prev || (k % stride && k + 1 < n && 1 - sv[k + 1] != f))
                continue;
            double px = ML + pw * t[k] / top;
            cc_buf_printf(out, " %.1f,%.1f %.1f,%.1f", px, MT + ph - ph * prev, px, MT + ph - ph * f);
            prev = f;
        }
        cc_buf_printf(out, " %.1f,%.1f\"/>\n", ML + pw * last_t / top, MT + ph - ph * prev);
    }
    legend(out, r, W - MR + 20, MT + 10);
    cc_buf_puts(out, "</g>\n");
    free(o);
    free(t);
    free(sv);
    free(ev);
}

/* A histogram of every variant's observed times (NBINS equal bins on the shared axis, share of the
 * variant's replications per bin), drawn as translucent step areas so overlapping variants stay
 * visible. */
static void hist_panel(cc_buf *out, const cc_sim *r, size_t m, double y0, const char *title, double *x)
{
    size_t V = cc_sim_nvariants(r), R = cc_sim_reps(r), count;
    double pw = W - ML - MR, ph = PH - MT - MB;
    double top = axis_top(metric_max(r, m, &count));
    size_t *bins = calloc(V * NBINS, sizeof *bins);
    if (!bins) {
        out->oom = 1;
        return;
    }
    size_t most = 1;
    for (size_t v = 0; v < V; v++) {
        size_t n = values(r, v, m, x);
        for (size_t k = 0; k < n; k++) {
            size_t b = (size_t)(x[k] / top * NBINS);
            size_t *c = &bins[v * NBINS + (b >= NBINS ? NBINS - 1 : b)];
            if (++*c > most)
                most = *c;
        }
    }
    double ytop = (double)most / (double)R;
    panel_frame(out, y0, title, top, "hours (share of replications per bin)", 1, ytop);
    for (size_t v = 0; v < V; v++) {
        cc_buf_printf(out,
                      "<polygon fill=\"%s\" fill-opacity=\"0.25\" stroke=\"%s\" stroke-width=\"1.2\" "
                      "points=\"%d,%.1f",
                      color(v), color(v), ML, MT + ph);
        for (size_t b = 0; b < NBINS; b++) {
            double h = ph * (double)bins[v * NBINS + b] / (double)most;
            double xa = ML + pw * (double)b / NBINS, xb = ML + pw * (double)(b + 1) / NBINS;
            cc_buf_printf(out, " %.1f,%.1f %.1f,%.1f", xa, MT + ph - h, xb, MT + ph - h);
        }
        cc_buf_printf(out, " %.1f,%.1f\"/>\n", ML + pw, MT + ph);
    }
    legend(out, r, W - MR + 20, MT + 10);
    cc_buf_puts(out, "</g>\n");
    free(bins);
}

/* Panels metric m gets: none without values, a bar chart for a rate, Kaplan-Meier + histogram for
 * a time. */
static size_t npanels(const cc_sim *r, size_t m)
{
    size_t count;
    metric_max(r, m, &count);
    return count == 0 ? 0 : cc_sim_metric_is_rate(r, m) ? 1 : 2;
}

/* Appends metric m's panels starting at y0; returns the height used. */
static double metric_panels(cc_buf *out, const cc_sim *r, size_t m, double y0, double *x)
{
    size_t p = npanels(r, m);
    const char *name = cc_sim_metric_name(r, m);
    if (p == 1) {
        rate_panel(out, r, m, y0, name);
    } else if (p == 2) {
        char t[256];
        snprintf(t, sizeof t, "%s: share done (Kaplan-Meier)", name);
        km_panel(out, r, m, y0, t);
        snprintf(t, sizeof t, "%s: histogram", name);
        hist_panel(out, r, m, y0 + PH, t, x);
    }
    return (double)p * PH;
}

static void svg_open(cc_buf *out, double height)
{
    cc_buf_printf(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%.0f\" viewBox=\"0 0 %d %.0f\" "
        "font-family=\"sans-serif\" font-size=\"12\">\n",
        W, height, W, height);
}

cc_err cc_simplot_svg(const cc_sim *r, const char *title, cc_buf *out)
{
    size_t M = cc_sim_nmetrics(r), R = cc_sim_reps(r), panels = 0;
    for (size_t m = 0; m < M; m++)
        panels += npanels(r, m);
    double *x = malloc(sizeof *x * (R ? R : 1));
    if (!x)
        return CC_ERR_NOMEM;
    svg_open(out, (double)panels * PH + 40);
    cc_buf_puts(out, "<title>");
    esc(out, title);
    cc_buf_puts(out, "</title>\n<text x=\"10\" y=\"22\" font-size=\"16\" font-weight=\"bold\">");
    esc(out, title);
    cc_buf_puts(out, "</text>\n");
    double y0 = 30;
    for (size_t m = 0; m < M; m++)
        y0 += metric_panels(out, r, m, y0, x);
    cc_buf_puts(out, "</svg>\n");
    free(x);
    return out->oom ? CC_ERR_NOMEM : CC_OK;
}

/* A number for the page: "-" when undefined. */
static void cell(cc_buf *out, const char *fmt, double v)
{
    cc_buf_puts(out, "<td>");
    if (isnan(v))
        cc_buf_puts(out, "-");
    else
        cc_buf_printf(out, fmt, v);
    cc_buf_puts(out, "</td>");
}

/* "[lo, hi]" or "-" in a cell */
static void interval(cc_buf *out, const char *fmt, double lo, double hi)
{
    cc_buf_puts(out, "<td>");
    if (isnan(lo) || isnan(hi))
        cc_buf_puts(out, "-");
    else {
        cc_buf_puts(out, "[");
        cc_buf_printf(out, fmt, lo);
        cc_buf_puts(out, ", ");
        cc_buf_printf(out, fmt, hi);
        cc_buf_puts(out, "]");
    }
    cc_buf_puts(out, "</td>");
}

static void summary_table(cc_buf *out, const cc_sim *r, size_t m)
{
    size_t V = cc_sim_nvariants(r);
    int rate = cc_sim_metric_is_rate(r, m);
    if (rate)
        cc_buf_puts(out, "<table><tr><th>variant</th><th>probability</th><th>95% CI (Wilson)</th><th>n</th></tr>\n");
    else
        cc_buf_puts(out, "<table><tr><th>variant</th><th>done</th><th>95% CI</th><th>restricted mean</th><th>95% "
                         "CI</th><th>mean if done</th><th>95% CI</th><th>median</th><th>95% CI</th><th>p90</th>"
                         "<th>p99</th><th>max</th><th>done/could</th></tr>\n");
    double tau = NAN;
    for (size_t v = 0; v < V; v++) {
        cc_sim_summary sm;
        cc_sim_summarise(r, v, m, &sm);
        cc_buf_printf(out, "<tr><td><span class=\"k\" style=\"background:%s\"></span>", color(v));
        esc(out, cc_sim_variant_id(r, v));
        cc_buf_puts(out, "</td>");
        if (rate) {
            cell(out, "%.3f", sm.mean);
            interval(out, "%.3f", sm.mean_lo, sm.mean_hi);
            cc_buf_printf(out, "<td>%zu/%zu</td></tr>\n", sm.n, sm.total);
            continue;
        }
        if (!isnan(sm.tau))
            tau = sm.tau;
        cell(out, "%.3f", sm.done);
        interval(out, "%.3f", sm.done_lo, sm.done_hi);
        cell(out, "%.2f", sm.rmean);
        interval(out, "%.2f", sm.rmean_lo, sm.rmean_hi);
        cell(out, "%.2f", sm.mean);
        interval(out, "%.2f", sm.mean_lo, sm.mean_hi);
        cell(out, "%.2f", sm.median);
        interval(out, "%.2f", sm.median_lo, sm.median_hi);
        cell(out, "%.2f", sm.p90);
        cell(out, "%.2f", sm.p99);
        cell(out, "%.2f", sm.max);
        cc_buf_printf(out, "<td>%zu/%zu</td></tr>\n", sm.n, sm.applicable);
    }
    cc_buf_puts(out, "</table>\n");
    if (!rate && isinf(tau))
        cc_buf_puts(out, "<p>Nothing was censored: the restricted mean is the mean of every replication.</p>\n");
    else if (!rate && !isnan(tau))
        cc_buf_printf(out,
                      "<p>Restricted mean to %.2f h: a replication in which it had not happened by then "
                      "counts as that.</p>\n",
                      tau);
    if (V < 2)
        return;
    cc_buf_printf(out, "<table><tr><th>difference (paired)</th><th>estimate</th><th>95%% CI</th><th>pairs</th>"
                       "<th>correlation</th><th>95%% CI unpaired</th></tr>\n");
    for (size_t a = 0; a < V; a++)
        for (size_t b = a + 1; b < V; b++) {
            cc_sim_comparison c;
            cc_sim_compare(r, a, b, m, &c);
            cc_buf_puts(out, "<tr><td>");
            esc(out, cc_sim_variant_id(r, b));
            cc_buf_puts(out, " &#8722; ");
            esc(out, cc_sim_variant_id(r, a));
            cc_buf_puts(out, rate ? " (probability)" : " (restricted mean)");
            cc_buf_puts(out, "</td>");
            cell(out, "%+.3f", c.diff);
            cc_buf_puts(out, "<td>");
            if (isnan(c.lo))
                cc_buf_puts(out, "-");
            else
                cc_buf_printf(out, "[%+.3f, %+.3f]%s", c.lo, c.hi, c.lo > 0 || c.hi < 0 ? " *" : "");
            cc_buf_printf(out, "</td><td>%zu</td>", c.n);
            cell(out, "%.2f", c.corr);
            interval(out, "%+.3f", c.unpaired_lo, c.unpaired_hi);
            cc_buf_puts(out, "</tr>\n");
        }
    cc_buf_puts(out, "</table>\n");
}

cc_err cc_simplot_html(const cc_sim *r, const char *title, cc_buf *out)
{
    size_t M = cc_sim_nmetrics(r), R = cc_sim_reps(r);
    double *x = malloc(sizeof *x * (R ? R : 1));
    if (!x)
        return CC_ERR_NOMEM;
    cc_buf_puts(out, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>");
    esc(out, title);
    cc_buf_puts(out,
                "</title>\n<style>body{font-family:sans-serif;max-width:60em;margin:1em auto;padding:0 1em}"
                "table{border-collapse:collapse;margin:.5em 0}th,td{border:1px solid #ccc;padding:.2em "
                ".5em;text-align:right}th:first-child,td:first-child{text-align:left}"
                ".k{display:inline-block;width:.8em;height:.8em;margin-right:.4em}"
                "svg{display:block;max-width:100%;height:auto}</style></head>\n<body>\n<h1>");
    esc(out, title);
    cc_buf_puts(out, "</h1>\n<p>Times in hours. For a time: the share of replications in which it happened "
                     "(done, Wilson interval), its restricted mean (a replication in which it had not "
                     "happened counts as the horizon every replication was observed to), and the mean and "
                     "quantiles of the times where it happened. Intervals are 95%: means by Student's t, "
                     "probabilities by Wilson's score, quantiles by ranks. Differences are paired by "
                     "replication (common random numbers): restricted means by Student's t on the "
                     "replication differences, probabilities by Newcombe's paired interval; * marks a "
                     "difference whose interval excludes 0. See docs/sim.md.</p>\n");
    for (size_t m = 0; m < M; m++) {
        cc_buf_printf(out, "<section id=\"m%zu\">\n<h2>", m);
        esc(out, cc_sim_metric_name(r, m));
        cc_buf_puts(out, "</h2>\n");
        summary_table(out, r, m);
        size_t p = npanels(r, m);
        if (p) {
            svg_open(out, (double)p * PH);
            metric_panels(out, r, m, 0, x);
            cc_buf_puts(out, "</svg>\n");
        } else {
            cc_buf_puts(out, "<p>No replication has a value for this metric.</p>\n");
        }
        cc_buf_puts(out, "</section>\n");
    }
    cc_buf_puts(out, "</body></html>\n");
    free(x);
    return out->oom ? CC_ERR_NOMEM : CC_OK;
}

/* ---- sweeps ------------------------------------------------------------------------------ */

/* The estimate plotted for metric m in column v: a time's restricted mean, a rate's probability. */
static void estimate(const cc_sim *r, size_t v, size_t m, double *e, double *lo, double *hi)
{
    cc_sim_summary sm;
    cc_sim_summarise(r, v, m, &sm);
    int rate = cc_sim_metric_is_rate(r, m);
    *e = rate ? sm.mean : sm.rmean;
    *lo = rate ? sm.mean_lo : sm.rmean_lo;
    *hi = rate ? sm.mean_hi : sm.rmean_hi;
}

static int shown(const cc_sim_axis *ax, size_t m)
{
    return !ax->show || ax->show[m];
}

/* One metric's response curves and bands, starting at y0. */
static void sweep_panel(cc_buf *out, const cc_sim *r, const cc_sim_axis *ax, size_t m, double y0)
{
    size_t K = cc_sim_nmechanisms(r), P = ax->n;
    int rate = cc_sim_metric_is_rate(r, m);
    double pw = W - ML - MR, ph = PH - MT - MB;
    double xmin = ax->x[0], xmax = ax->x[0], ytop = rate ? 1 : 0;
    for (size_t p = 1; p < P; p++) {
        xmin = fmin(xmin, ax->x[p]);
        xmax = fmax(xmax, ax->x[p]);
    }
    for (size_t p = 0; p < P && !rate; p++)
        for (size_t k = 0; k < K; k++) {
            double e, lo, hi;
            estimate(r, cc_sim_column(r, p, k), m, &e, &lo, &hi);
            if (!isnan(hi) && hi > ytop)
                ytop = hi;
            else if (!isnan(e) && e > ytop)
                ytop = e;
        }
    if (!rate)
        ytop = axis_top(ytop);
    double span = xmax > xmin ? xmax - xmin : 1;
    char title[300], xl[300];
    snprintf(title, sizeof title, "%s: %s", cc_sim_metric_name(r, m),
             rate ? "probability" : "restricted mean (h)");
    snprintf(xl, sizeof xl, "%s%s", ax->path, ax->durations && ax->n > 13 ? " (h)" : "");
    cc_buf_printf(out, "<g transform=\"translate(0,%.0f)\">\n<text x=\"10\" y=\"24\" font-weight=\"bold\">",
                  y0);
    esc(out, title);
    cc_buf_printf(out,
                  "</text>\n<rect x=\"%d\" y=\"%d\" width=\"%.0f\" height=\"%.0f\" fill=\"none\" "
                  "stroke=\"#444\"/>\n",
                  ML, MT, pw, ph);
    /* x ticks at the swept values as written when they are few, else at five even steps */
    size_t nt = P <= 13 ? P : 6;
    for (size_t i = 0; i < nt; i++) {
        double xv = P <= 13 ? ax->x[i] : xmin + span * (double)i / 5.0, gx = ML + pw * (xv - xmin) / span;
        cc_buf_printf(out, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%.0f\" stroke=\"#ddd\"/>", gx, MT,
                      gx, MT + ph);
        cc_buf_printf(out, "<text x=\"%.1f\" y=\"%.0f\" text-anchor=\"middle\">", gx, MT + ph + 16);
        if (P <= 13)
            esc(out, ax->labels[i]);
        else
            cc_buf_printf(out, "%.4g", xv);
        cc_buf_puts(out, "</text>\n");
    }
    for (int i = 0; i <= 5; i++)
        cc_buf_printf(out, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%.4g</text>\n", ML - 6,
                      MT + ph - ph * i / 5.0 + 4, ytop * i / 5.0);
    cc_buf_printf(out, "<text x=\"%.0f\" y=\"%.0f\" text-anchor=\"middle\">", ML + pw / 2, MT + ph + 32);
    esc(out, xl);
    cc_buf_puts(out, "</text>\n");
#define PX(x) (ML + pw * ((x)-xmin) / span)
#define PY(y) (MT + ph - ph * fmin(fmax((y) / ytop, 0), 1))
    double bx = PX(ax->x[ax->baseline]);
    cc_buf_printf(out,
                  "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%.0f\" stroke=\"#888\" "
                  "stroke-dasharray=\"4 3\"/><text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" "
                  "fill=\"#666\">baseline</text>\n",
                  bx, MT, bx, MT + ph, bx, MT - 4);
    for (size_t k = 0; k < K; k++) {
        /* the band: upper bounds left to right, lower bounds back */
        cc_buf_printf(out, "<polygon fill=\"%s\" fill-opacity=\"0.18\" stroke=\"none\" points=\"", color(k));
        for (size_t p = 0; p < P; p++) {
            double e, lo, hi;
            estimate(r, cc_sim_column(r, p, k), m, &e, &lo, &hi);
            if (!isnan(hi))
                cc_buf_printf(out, "%.1f,%.1f ", PX(ax->x[p]), PY(hi));
        }
        for (size_t p = P; p-- > 0;) {
            double e, lo, hi;
            estimate(r, cc_sim_column(r, p, k), m, &e, &lo, &hi);
            if (!isnan(lo))
                cc_buf_printf(out, "%.1f,%.1f ", PX(ax->x[p]), PY(lo));
        }
        cc_buf_printf(out, "\"/>\n<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"",
                      color(k));
        for (size_t p = 0; p < P; p++) {
            double e, lo, hi;
            estimate(r, cc_sim_column(r, p, k), m, &e, &lo, &hi);
            if (!isnan(e))
                cc_buf_printf(out, "%.1f,%.1f ", PX(ax->x[p]), PY(e));
        }
        cc_buf_puts(out, "\"/>\n");
        for (size_t p = 0; p < P; p++) {
            double e, lo, hi;
            estimate(r, cc_sim_column(r, p, k), m, &e, &lo, &hi);
            if (!isnan(e))
                cc_buf_printf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"%s\"/>", PX(ax->x[p]),
                              PY(e), color(k));
        }
        cc_buf_puts(out, "\n");
    }
#undef PX
#undef PY
    for (size_t k = 0; k < K; k++) {
        double lx = W - MR + 20, ly = MT + 10 + 18.0 * (double)k;
        cc_buf_printf(out, "<rect x=\"%.0f\" y=\"%.0f\" width=\"14\" height=\"4\" fill=\"%s\"/>", lx, ly,
                      color(k));
        cc_buf_printf(out, "<text x=\"%.0f\" y=\"%.0f\">", lx + 20, ly + 6);
        esc(out, cc_sim_variant_id(r, k));
        cc_buf_puts(out, "</text>\n");
    }
    cc_buf_puts(out, "</g>\n");
}

cc_err cc_simplot_sweep_svg(const cc_sim *r, const cc_sim_axis *ax, const char *title, cc_buf *out)
{
    size_t M = cc_sim_nmetrics(r), panels = 0;
    for (size_t m = 0; m < M; m++)
        panels += shown(ax, m);
    svg_open(out, (double)panels * PH + 40);
    cc_buf_puts(out, "<title>");
    esc(out, title);
    cc_buf_puts(out, "</title>\n<text x=\"10\" y=\"22\" font-size=\"16\" font-weight=\"bold\">");
    esc(out, title);
    cc_buf_puts(out, "</text>\n");
    double y0 = 30;
    for (size_t m = 0; m < M; m++)
        if (shown(ax, m)) {
            sweep_panel(out, r, ax, m, y0);
            y0 += PH;
        }
    cc_buf_puts(out, "</svg>\n");
    return out->oom ? CC_ERR_NOMEM : CC_OK;
}

/* Per point and variant: the estimate and the paired difference against the baseline point. */
static void sweep_table(cc_buf *out, const cc_sim *r, const cc_sim_axis *ax, size_t m)
{
    size_t K = cc_sim_nmechanisms(r);
    int rate = cc_sim_metric_is_rate(r, m);
    cc_buf_puts(out, "<table><tr><th>");
    esc(out, ax->path);
    cc_buf_printf(out,
                  "</th><th>variant</th><th>%s</th><th>95%% CI</th>%s<th>&#8722; baseline (paired)</th>"
                  "<th>95%% CI</th><th>pairs</th></tr>\n",
                  rate ? "probability" : "restricted mean", rate ? "" : "<th>done</th><th>95% CI</th>");
    for (size_t p = 0; p < ax->n; p++)
        for (size_t k = 0; k < K; k++) {
            size_t v = cc_sim_column(r, p, k);
            cc_sim_summary sm;
            cc_sim_summarise(r, v, m, &sm);
            cc_sim_comparison c;
            cc_sim_compare(r, cc_sim_column(r, ax->baseline, k), v, m, &c);
            cc_buf_puts(out, "<tr><td>");
            esc(out, ax->labels[p]);
            if (p == ax->baseline)
                cc_buf_puts(out, " (baseline)");
            cc_buf_printf(out, "</td><td><span class=\"k\" style=\"background:%s\"></span>", color(k));
            esc(out, cc_sim_variant_id(r, k));
            cc_buf_puts(out, "</td>");
            if (rate) {
                cell(out, "%.3f", sm.mean);
                interval(out, "%.3f", sm.mean_lo, sm.mean_hi);
            } else {
                cell(out, "%.2f", sm.rmean);
                interval(out, "%.2f", sm.rmean_lo, sm.rmean_hi);
                cell(out, "%.3f", sm.done);
                interval(out, "%.3f", sm.done_lo, sm.done_hi);
            }
            cell(out, rate ? "%+.3f" : "%+.2f", c.diff);
            cc_buf_puts(out, "<td>");
            if (p == ax->baseline || isnan(c.lo))
                cc_buf_puts(out, "-");
            else
                cc_buf_printf(out, rate ? "[%+.3f, %+.3f]%s" : "[%+.2f, %+.2f]%s", c.lo, c.hi,
                              c.lo > 0 || c.hi < 0 ? " *" : "");
            cc_buf_printf(out, "</td><td>%zu</td></tr>\n", c.n);
        }
    cc_buf_puts(out, "</table>\n");
}

cc_err cc_simplot_sweep_html(const cc_sim *r, const cc_sim_axis *ax, const char *title, cc_buf *out)
{
    size_t M = cc_sim_nmetrics(r);
    cc_buf_puts(out, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>");
    esc(out, title);
    cc_buf_puts(out,
                "</title>\n<style>body{font-family:sans-serif;max-width:60em;margin:1em auto;padding:0 1em}"
                "table{border-collapse:collapse;margin:.5em 0}th,td{border:1px solid #ccc;padding:.2em "
                ".5em;text-align:right}th:first-child,td:first-child{text-align:left}"
                ".k{display:inline-block;width:.8em;height:.8em;margin-right:.4em}"
                "svg{display:block;max-width:100%;height:auto}</style></head>\n<body>\n<h1>");
    esc(out, title);
    cc_buf_puts(out, "</h1>\n<p>A sweep of <code>");
    esc(out, ax->path);
    cc_buf_printf(out,
                  "</code> over %zu values, every value run on the same %zu replications of each variant "
                  "(common random numbers), so that each difference against the baseline value (",
                  ax->n, cc_sim_reps(r));
    esc(out, ax->labels[ax->baseline]);
    cc_buf_puts(out,
                ") is paired by replication. For a time the curve is its restricted mean in hours (a "
                "replication in which it had not happened counts as the horizon every replication was "
                "observed to), for a rate its probability; bands and intervals are 95%; * marks a "
                "difference whose interval excludes 0. See docs/sim.md, \"Exploring a mechanism\".</p>\n");
    for (size_t m = 0; m < M; m++) {
        if (!shown(ax, m))
            continue;
        cc_buf_printf(out, "<section id=\"m%zu\">\n<h2>", m);
        esc(out, cc_sim_metric_name(r, m));
        cc_buf_puts(out, "</h2>\n");
        svg_open(out, PH);
        sweep_panel(out, r, ax, m, 0);
        cc_buf_puts(out, "</svg>\n");
        sweep_table(out, r, ax, m);
        cc_buf_puts(out, "</section>\n");
    }
    cc_buf_puts(out, "</body></html>\n");
    return out->oom ? CC_ERR_NOMEM : CC_OK;
}
