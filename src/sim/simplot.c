/* simplot — SVG CDF and interval plots of cc_sim results, written by hand (no libraries). */
#include "sim/simplot.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define W 720
#define PH 250 /* panel height */
#define ML 70  /* margins */
#define MR 170
#define MT 40
#define MB 40

static const char *const colors[] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd",
                                     "#ff7f0e", "#8c564b", "#17becf"};

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

/* A "nice" axis maximum and step for values up to max. */
static void axis(double max, double *top, double *step)
{
    if (!(max > 0))
        max = 1;
    double p = pow(10, floor(log10(max)));
    double m = max / p;
    double nice = m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10;
    *top = nice * p;
    *step = *top / 5;
}

static void panel_frame(cc_buf *b, double y0, const char *title, double xtop, double xstep,
                        const char *xlabel, int percent_y)
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
                      xstep * i);
        double y = MT + ph - ph * i / 5.0;
        if (percent_y) /* CDF panels: share of replications; bar panels have no y scale */
            cc_buf_printf(b, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%g%%</text>\n", ML - 6, y + 4,
                          20.0 * i);
    }
    (void)xtop;
    cc_buf_printf(b, "<text x=\"%.0f\" y=\"%.0f\" text-anchor=\"middle\">", ML + pw / 2, MT + ph + 32);
    esc(b, xlabel);
    cc_buf_puts(b, "</text>\n");
}

static void legend(cc_buf *b, const cc_sim *r, double x, double y)
{
    for (size_t v = 0; v < cc_sim_nvariants(r); v++) {
        const char *c = colors[v % (sizeof colors / sizeof colors[0])];
        cc_buf_printf(b, "<rect x=\"%.0f\" y=\"%.0f\" width=\"14\" height=\"4\" fill=\"%s\"/>", x,
                      y + 18.0 * v, c);
        cc_buf_printf(b, "<text x=\"%.0f\" y=\"%.0f\">", x + 20, y + 18.0 * v + 6);
        esc(b, cc_sim_variant_id(r, v));
        cc_buf_puts(b, "</text>\n");
    }
}

cc_err cc_simplot_svg(const cc_sim *r, const char *title, cc_buf *out)
{
    size_t M = cc_sim_nmetrics(r), V = cc_sim_nvariants(r), R = cc_sim_reps(r);
    size_t panels = 0;
    for (size_t m = 0; m < M; m++) {
        size_t n = 0;
        for (size_t v = 0; v < V; v++) {
            cc_sim_summary sm;
            cc_sim_summarise(r, v, m, &sm);
            n += sm.n;
        }
        panels += n > 0;
    }
    double *x = malloc(sizeof *x * (R ? R : 1));
    if (!x)
        return CC_ERR_NOMEM;
    cc_buf_printf(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%zu\" viewBox=\"0 0 %d %zu\" "
        "font-family=\"sans-serif\" font-size=\"12\">\n<title>",
        W, panels * PH + 40, W, panels * PH + 40);
    esc(out, title);
    cc_buf_puts(out, "</title>\n<text x=\"10\" y=\"22\" font-size=\"16\" font-weight=\"bold\">");
    esc(out, title);
    cc_buf_puts(out, "</text>\n");
    double y0 = 30;
    double pw = W - ML - MR, ph = PH - MT - MB;
    for (size_t m = 0; m < M; m++) {
        int rate = cc_sim_metric_is_rate(r, m);
        double max = 0;
        size_t total = 0;
        for (size_t v = 0; v < V; v++)
            for (size_t k = 0; k < R; k++) {
                double y = cc_sim_value(r, v, k, m);
                if (!isnan(y)) {
                    total++;
                    if (y > max)
                        max = y;
                }
            }
        if (!total)
            continue;
        if (rate) {
            /* probability with its interval, one bar per variant */
            panel_frame(out, y0, cc_sim_metric_name(r, m), 1, 0.2, "probability", 0);
            for (size_t v = 0; v < V; v++) {
                cc_sim_summary sm;
                cc_sim_summarise(r, v, m, &sm);
                if (!sm.n)
                    continue;
                const char *c = colors[v % (sizeof colors / sizeof colors[0])];
                double bh = ph / (double)(V + 1), by = MT + bh * ((double)v + 0.5);
                cc_buf_printf(out, "<rect x=\"%d\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>",
                              ML, by, pw * sm.mean, bh * 0.8, c);
                cc_buf_printf(out,
                              "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#000\" "
                              "stroke-width=\"2\"/>\n",
                              ML + pw * fmax(0, sm.mean_lo), by + bh * 0.4, ML + pw * fmin(1, sm.mean_hi),
                              by + bh * 0.4);
            }
        } else {
            double top, step;
            axis(max, &top, &step);
            panel_frame(out, y0, cc_sim_metric_name(r, m), top, step, "hours", 1);
            for (size_t v = 0; v < V; v++) {
                size_t n = 0;
                for (size_t k = 0; k < R; k++) {
                    double y = cc_sim_value(r, v, k, m);
                    if (!isnan(y))
                        x[n++] = y;
                }
                if (!n)
                    continue;
                qsort(x, n, sizeof *x, dcmp);
                /* the empirical CDF over all replications (those without a value never reach 1) */
                const char *c = colors[v % (sizeof colors / sizeof colors[0])];
                cc_buf_printf(out,
                              "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" points=\"%d,%.1f",
                              c, ML, MT + ph);
                size_t stride = n > 400 ? n / 400 : 1;
                for (size_t k = 0; k < n; k += stride) {
                    double px = ML + pw * x[k] / top, py0 = MT + ph - ph * (double)k / (double)R,
                           py1 = MT + ph - ph * (double)(k + 1) / (double)R;
                    cc_buf_printf(out, " %.1f,%.1f %.1f,%.1f", px, py0, px, py1);
                }
                cc_buf_printf(out, " %.1f,%.1f\"/>\n", ML + pw, MT + ph - ph * (double)n / (double)R);
            }
        }
        legend(out, r, W - MR + 20, MT + 10);
        cc_buf_puts(out, "</g>\n");
        y0 += PH;
    }
    cc_buf_puts(out, "</svg>\n");
    free(x);
    return out->oom ? CC_ERR_NOMEM : CC_OK;
}
