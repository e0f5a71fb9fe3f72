/* report_svg — the after-action report's timeline as an inline SVG: a scenario-time axis, one
 * lane per party, injects as dots where a party first received them, consultations as bars,
 * decisions as diamonds with a line to their outcome, messages as count bars per time bucket.
 * Drawn by hand from the "timeline" member of a report document; every text is escaped. */
#include <stdint.h>
#include <string.h>

#include "report/report.h"
#include "report/report_int.h"

#define SW 1000 /* width */
#define SL 90   /* left margin (lane names) */
#define SR 20
#define ST 30 /* top margin (axis labels) */
#define LH 64 /* lane height */

static double xpos(int64_t t, int64_t t0, int64_t t1)
{
    if (t1 <= t0)
        return SL;
    if (t < t0)
        t = t0;
    if (t > t1)
        t = t1;
    return SL + (double)(t - t0) * (SW - SL - SR) / (double)(t1 - t0);
}

static int64_t tick_step(int64_t span_ms)
{
    static const int64_t steps[] = {60000,    300000,   900000,   1800000,   3600000,   7200000,   10800000,
                                    21600000, 43200000, 86400000, 172800000, 604800000, 2592000000};
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++)
        if (span_ms / steps[i] <= 12)
            return steps[i];
    return span_ms / 12 + 1;
}

static void title_el(cc_buf *b, const json_t *m)
{
    char tb[48];
    cc_buf_puts(b, "<title>");
    cc_report_html_escape(b, cc_report_str(m, "kind"));
    cc_buf_putc(b, ' ');
    cc_report_html_escape(b, cc_report_str(m, "id"));
    cc_report_tfmt(json_integer_value(json_object_get(m, "t")), tb, sizeof tb);
    cc_buf_printf(b, " %s", tb);
    json_t *t2 = json_object_get(m, "t2");
    if (t2) {
        cc_report_tfmt(json_integer_value(t2), tb, sizeof tb);
        cc_buf_printf(b, " to %s", tb);
    }
    const char *text = cc_report_str(m, "text");
    if (*text) {
        cc_buf_puts(b, ": ");
        cc_report_html_escape(b, text);
    }
    cc_buf_puts(b, "</title>");
}

cc_err cc_report_timeline_svg(const json_t *tl, cc_buf *b)
{
    const json_t *lanes = json_object_get(tl, "lanes"), *marks = json_object_get(tl, "marks"),
                 *bins = json_object_get(tl, "message_bins");
    if (!json_is_array(lanes) || !json_is_array(marks))
        return CC_ERR_ARG;
    int64_t t0 = json_integer_value(json_object_get(tl, "start_ms"));
    int64_t t1 = json_integer_value(json_object_get(tl, "end_ms"));
    if (t1 <= t0)
        t1 = t0 + 1;
    size_t nl = json_array_size(lanes);
    int h = ST + (int)nl * LH + 50;
    cc_buf_printf(
        b,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"100%%\" "
        "role=\"img\" aria-label=\"Timeline by party\" font-family=\"sans-serif\" font-size=\"11\">\n",
        SW, h);
    cc_buf_printf(b, "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"#fff\"/>\n", SW, h);
    /* lanes */
    for (size_t i = 0; i < nl; i++) {
        int y = ST + (int)i * LH;
        cc_buf_printf(b, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"/>\n", SL, y,
                      SW - SL - SR, LH, i % 2 ? "#f4f6f8" : "#fbfcfd");
        cc_buf_printf(b, "<text x=\"6\" y=\"%d\" font-weight=\"bold\">", y + LH / 2 + 4);
        cc_report_html_escape(b, json_string_value(json_array_get(lanes, i))
                                     ? json_string_value(json_array_get(lanes, i))
                                     : "");
        cc_buf_puts(b, "</text>\n");
    }
    /* axis */
    int64_t step = tick_step(t1 - t0);
    int yb = ST + (int)nl * LH;
    for (int64_t t = t0; t <= t1; t += step) {
        double x = xpos(t, t0, t1);
        char tb[48];
        cc_report_tfmt(t - t0, tb, sizeof tb);
        cc_buf_printf(b, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ccc\"/>\n", x, ST, x,
                      yb);
        cc_buf_printf(b, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" fill=\"#333\">%s</text>\n", x,
                      ST - 8, tb);
    }
    /* message bins */
    uint64_t maxc = 1;
    size_t k;
    json_t *m;
    json_array_foreach(bins, k, m)
    {
        uint64_t c = (uint64_t)json_integer_value(json_object_get(m, "count"));
        if (c > maxc)
            maxc = c;
    }
    json_array_foreach(bins, k, m)
    {
        int lane = (int)json_integer_value(json_object_get(m, "lane"));
        if (lane < 0 || (size_t)lane >= nl)
            continue;
        uint64_t c = (uint64_t)json_integer_value(json_object_get(m, "count"));
        double x1 = xpos(json_integer_value(json_object_get(m, "t")), t0, t1);
        double x2 = xpos(json_integer_value(json_object_get(m, "t2")), t0, t1);
        double hh = 2 + 12.0 * (double)c / (double)maxc;
        int ybase = ST + lane * LH + LH - 4;
        cc_buf_printf(
            b,
            "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#2ca02c\"><title>%llu "
            "messages</title></rect>\n",
            x1, ybase - hh, x2 - x1 > 1 ? x2 - x1 - 0.5 : 0.5, hh, (unsigned long long)c);
    }
    /* marks */
    json_array_foreach(marks, k, m)
    {
        int lane = (int)json_integer_value(json_object_get(m, "lane"));
        if (lane < 0 || (size_t)lane >= nl)
            continue;
        const char *kind = cc_report_str(m, "kind");
        int y = ST + lane * LH;
        double x = xpos(json_integer_value(json_object_get(m, "t")), t0, t1);
        json_t *t2 = json_object_get(m, "t2");
        double x2 = t2 ? xpos(json_integer_value(t2), t0, t1) : x;
        if (strcmp(kind, "inject") == 0) {
            cc_buf_printf(b, "<circle cx=\"%.1f\" cy=\"%d\" r=\"4\" fill=\"#1f77b4\" fill-opacity=\"0.8\">",
                          x, y + 12);
            title_el(b, m);
            cc_buf_puts(b, "</circle>\n");
        } else if (strcmp(kind, "control") == 0) { /* a hand-over of a seat, or control's steering */
            cc_buf_printf(b, "<path d=\"M%.1f %d l4 7 l-8 0 z\" fill=\"#222\">", x, y + 1);
            title_el(b, m);
            cc_buf_puts(b, "</path>\n");
        } else if (strcmp(kind, "consultation") == 0) {
            cc_buf_printf(b,
                          "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"9\" fill=\"#ff7f0e\" "
                          "fill-opacity=\"0.7\" stroke=\"#b35900\">",
                          x, y + 22, x2 - x > 2 ? x2 - x : 2);
            title_el(b, m);
            cc_buf_puts(b, "</rect>\n");
        } else {
            int yc = y + 38;
            if (t2)
                cc_buf_printf(b, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#9467bd\"/>\n",
                              x, yc, x2, yc);
            cc_buf_printf(b, "<path d=\"M%.1f %d l5 5 l-5 5 l-5 -5 z\" fill=\"#9467bd\">", x, yc - 5);
            title_el(b, m);
            cc_buf_puts(b, "</path>\n");
            if (t2)
                cc_buf_printf(b, "<rect x=\"%.1f\" y=\"%d\" width=\"4\" height=\"8\" fill=\"#9467bd\"/>\n",
                              x2 - 2, yc - 4);
        }
    }
    /* legend */
    int yl = yb + 26;
    cc_buf_printf(
        b,
        "<circle cx=\"%d\" cy=\"%d\" r=\"4\" fill=\"#1f77b4\"/><text x=\"%d\" y=\"%d\">inject "
        "received</text>\n"
        "<rect x=\"%d\" y=\"%d\" width=\"16\" height=\"9\" fill=\"#ff7f0e\"/><text x=\"%d\" "
        "y=\"%d\">consultation</text>\n"
        "<path d=\"M%d %d l5 5 l-5 5 l-5 -5 z\" fill=\"#9467bd\"/><text x=\"%d\" y=\"%d\">decision (open "
        "to outcome)</text>\n"
        "<rect x=\"%d\" y=\"%d\" width=\"8\" height=\"10\" fill=\"#2ca02c\"/><text x=\"%d\" "
        "y=\"%d\">messages (count)</text>\n",
        SL, yl, SL + 10, yl + 4, SL + 130, yl - 5, SL + 152, yl + 4, SL + 270, yl - 5, SL + 282, yl + 4,
        SL + 460, yl - 6, SL + 474, yl + 4);
    cc_buf_puts(b, "</svg>\n");
    return b->oom ? CC_ERR_NOMEM : CC_OK;
}
