/* calplot — Kaplan-Meier against the fitted model, and QQ panels, per rule (see calplot.h). */
#include "sim/calplot.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define PW 440 /* panel width */
#define RH 280 /* row height */
#define ML 60  /* margins inside a panel */
#define MR 28
#define MT 56
#define MB 44
#define MAXPTS 400 /* points drawn per curve */

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

/* A "nice" axis maximum (1, 2 or 5 times a power of ten). */
static double axis_top(double max)
{
    if (!(max > 0))
        max = 1;
    double p = pow(10, floor(log10(max)));
    double m = max / p;
    return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}

/* The time unit of an axis up to max seconds: minutes below 3 hours, else hours. */
static double unit_of(double max, const char **name)
{
    if (max < 3 * 3600.0) {
        *name = "minutes";
        return 60;
    }
    *name = "hours";
    return 3600;
}

static void frame(cc_buf *b, double x0, double y0, double xtop, double ytop, const char *xlabel,
                  const char *ylabel, int percent)
{
    double w = PW - ML - MR, h = RH - MT - MB;
    cc_buf_printf(b, "<g transform=\"translate(%.0f,%.0f)\">\n", x0, y0);
    cc_buf_printf(b,
                  "<rect x=\"%d\" y=\"%d\" width=\"%.0f\" height=\"%.0f\" fill=\"none\" stroke=\"#444\"/>\n",
                  ML, MT, w, h);
    for (int i = 0; i <= 5; i++) {
        double x = ML + w * i / 5.0, y = MT + h - h * i / 5.0;
        cc_buf_printf(b, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%.0f\" stroke=\"#ddd\"/>", x, MT, x,
                      MT + h);
        cc_buf_printf(b, "<text x=\"%.1f\" y=\"%.0f\" text-anchor=\"middle\">%g</text>\n", x, MT + h + 16,
                      xtop / 5 * i);
        if (percent)
            cc_buf_printf(b, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%.0f%%</text>\n", ML - 6, y + 4,
                          100.0 * ytop * i / 5.0);
        else
            cc_buf_printf(b, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%g</text>\n", ML - 6, y + 4,
                          ytop / 5 * i);
    }
    cc_buf_printf(b, "<text x=\"%.0f\" y=\"%.0f\" text-anchor=\"middle\">%s</text>\n", ML + w / 2,
                  MT + h + 34, xlabel);
    cc_buf_printf(
        b, "<text x=\"14\" y=\"%.0f\" text-anchor=\"middle\" transform=\"rotate(-90 14 %.0f)\">%s</text>\n",
        MT + h / 2, MT + h / 2, ylabel);
}

/* The model's share acting by t: p F(t) (a fixed delay: a step at it). */
static double model_at(const cc_calib_rule *R, double t)
{
    if (R->status == CC_CALIB_FIXED)
        return t >= R->fixed_s ? R->share.p : 0;
    const cc_dfit *f = &R->fits[R->best];
    return f->p * cc_dfit_cdf(f, t);
}

/* Left: F_KM (steps, blue) against p F (red), over [0, the last act]. */
static void km_panel(cc_buf *b, const cc_calib_rule *R, double y0)
{
    const cc_dfit_km *km = &R->km;
    double last = km->n ? km->t[km->n - 1] : 1;
    const char *uname;
    double unit = unit_of(last * 1.05, &uname), top = axis_top(last * 1.05 / unit);
    char xl[64];
    snprintf(xl, sizeof xl, "delay (%s)", uname);
    frame(b, 0, y0, top, 1, xl, "acted by then", 1);
    double w = PW - ML - MR, h = RH - MT - MB;
    cc_buf_printf(b, "<polyline fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"1.6\" points=\"%d,%.1f", ML,
                  MT + h);
    double prev = 0;
    size_t stride = km->n > MAXPTS ? km->n / MAXPTS : 1;
    for (size_t i = 0; i < km->n; i++) {
        if (i % stride && i + 1 < km->n)
            continue;
        double x = ML + w * km->t[i] / unit / top;
        cc_buf_printf(b, " %.1f,%.1f %.1f,%.1f", x, MT + h - h * prev, x, MT + h - h * km->F[i]);
        prev = km->F[i];
    }
    cc_buf_puts(b, "\"/>\n<polyline fill=\"none\" stroke=\"#d62728\" stroke-width=\"1.6\" "
                   "stroke-dasharray=\"5,3\" points=\"");
    for (int i = 0; i <= 200; i++) {
        double t = top * unit * i / 200.0;
        cc_buf_printf(b, "%s%.1f,%.1f", i ? " " : "", ML + w * i / 200.0, MT + h - h * model_at(R, t));
    }
    cc_buf_puts(b, "\"/>\n");
    double lx = ML + w - 150, ly = MT + h - 40; /* bottom right: the curves rise on the left */
    cc_buf_printf(
        b,
        "<rect x=\"%.0f\" y=\"%.0f\" width=\"14\" height=\"3\" fill=\"#1f77b4\"/><text x=\"%.0f\" "
        "y=\"%.0f\">observed (Kaplan-Meier)</text>\n<rect x=\"%.0f\" y=\"%.0f\" width=\"14\" height=\"3\" "
        "fill=\"#d62728\"/><text x=\"%.0f\" y=\"%.0f\">fitted (p F)</text>\n",
        lx, ly, lx + 18, ly + 5, lx, ly + 16, lx + 18, ly + 21);
    cc_buf_puts(b, "</g>\n");
}

/* Right: the model's quantile of each act's Kaplan-Meier mid-step against the act's delay. */
static void qq_panel(cc_buf *b, const cc_calib_rule *R, double y0)
{
    const cc_dfit_km *km = &R->km;
    const cc_dfit *f = R->status == CC_CALIB_FITTED ? &R->fits[R->best] : NULL;
    double p = f ? f->p : R->share.p, max = 0;
    for (size_t i = 0; i < km->n; i++) {
        double u = 0.5 * ((i ? km->F[i - 1] : 0) + km->F[i]) / p;
        double q = f ? cc_dfit_quantile(f, u) : R->fixed_s;
        if (u < 1 && isfinite(q))
            max = fmax(max, fmax(q, km->t[i]));
    }
    const char *uname;
    double unit = unit_of(max * 1.05, &uname), top = axis_top(max * 1.05 / unit);
    char xl[64], yl[64];
    snprintf(xl, sizeof xl, "model quantile (%s)", uname);
    snprintf(yl, sizeof yl, "observed delay (%s)", uname);
    frame(b, PW, y0, top, top, xl, yl, 0);
    double w = PW - ML - MR, h = RH - MT - MB;
    cc_buf_printf(
        b, "<line x1=\"%d\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%d\" stroke=\"#999\" stroke-dasharray=\"4,3\"/>\n",
        ML, MT + h, ML + w, MT);
    size_t stride = km->n > MAXPTS ? km->n / MAXPTS : 1;
    for (size_t i = 0; i < km->n; i += stride) {
        double u = 0.5 * ((i ? km->F[i - 1] : 0) + km->F[i]) / p;
        double q = f ? cc_dfit_quantile(f, u) : R->fixed_s;
        if (!(u < 1) || !isfinite(q))
            continue;
        cc_buf_printf(b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2\" fill=\"#1f77b4\" fill-opacity=\"0.7\"/>",
                      ML + w * fmin(q / unit / top, 1), MT + h - h * fmin(km->t[i] / unit / top, 1));
    }
    cc_buf_puts(b, "\n</g>\n");
}

static void row_title(cc_buf *b, const cc_calib_group *G, const cc_calib_rule *R, double y0)
{
    const cc_agent_rule *T = R->tmpl;
    cc_buf_printf(b, "<text x=\"10\" y=\"%.0f\" font-weight=\"bold\">", y0 + 22);
    esc(b, G->agent_id);
    cc_buf_printf(b, ", rule %zu: on %s%s%s, do %s", R->index + 1, cc_agent_event_name(T->on),
                  T->has_stage ? " " : "", T->has_stage ? cc_stage_kind_name(T->stage) : "",
                  cc_action_name(T->action));
    if (T->option) {
        cc_buf_putc(b, ' ');
        esc(b, T->option);
    }
    cc_buf_puts(b, "</text>\n");
    cc_buf_printf(b, "<text x=\"10\" y=\"%.0f\">%zu acts of %zu offers; ", y0 + 40, R->acts, R->offers);
    if (R->status == CC_CALIB_FIXED) {
        cc_buf_printf(b, "fixed %.0f s", R->fixed_s);
    } else {
        const cc_dfit *f = &R->fits[R->best];
        cc_buf_printf(b, "%s (AIC %.1f), p %.3f, KS D %.3f", cc_dfit_model_name(f->model), f->aic, f->p,
                      R->ks);
        if (!isnan(R->ks_p))
            cc_buf_printf(b, ", bootstrap p %.3f", R->ks_p);
    }
    cc_buf_puts(b, "</text>\n");
}

cc_err cc_calplot_svg(const cc_calib *c, cc_buf *out)
{
    size_t rows = 0;
    for (size_t g = 0; g < cc_calib_ngroups(c); g++) {
        const cc_calib_group *G = cc_calib_group_at(c, g);
        for (size_t r = 0; r < G->nrules; r++)
            rows += G->rules[r].status == CC_CALIB_FITTED || G->rules[r].status == CC_CALIB_FIXED;
    }
    double height = rows ? (double)rows * RH : 60;
    cc_buf_printf(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%.0f\" viewBox=\"0 0 %d %.0f\" "
        "font-family=\"sans-serif\" font-size=\"11\">\n<rect width=\"100%%\" height=\"100%%\" "
        "fill=\"#fff\"/>\n",
        2 * PW, height, 2 * PW, height);
    if (!rows)
        cc_buf_puts(out, "<text x=\"10\" y=\"30\">no rule had enough acts to be fitted</text>\n");
    double y = 0;
    for (size_t g = 0; g < cc_calib_ngroups(c); g++) {
        const cc_calib_group *G = cc_calib_group_at(c, g);
        for (size_t r = 0; r < G->nrules; r++) {
            const cc_calib_rule *R = &G->rules[r];
            if (R->status != CC_CALIB_FITTED && R->status != CC_CALIB_FIXED)
                continue;
            row_title(out, G, R, y);
            km_panel(out, R, y);
            qq_panel(out, R, y);
            y += RH;
        }
    }
    cc_buf_puts(out, "</svg>\n");
    return out->oom ? CC_ERR_NOMEM : CC_OK;
}
