/* report_html — renders a report document as one self-contained HTML page: inline CSS and
 * SVG, no script, no external asset; prints on A4 and Letter (page margins in millimetres,
 * fluid widths, a page break before each section, table headers repeated, rows kept whole)
 * with the document's banner in the top and bottom page margins of every printed page (CSS
 * margin boxes, so it never covers body text) and each section's banner above and below it. Every text from the document is escaped. */
#include <string.h>

#include "report/report.h"
#include "report/report_int.h"

void cc_report_html_escape(cc_buf *b, const char *s)
{
    const char *run = s;
    for (; *s; s++) {
        const char *rep = NULL;
        switch (*s) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&#39;"; break;
        default: break;
        }
        if (rep) {
            cc_buf_append(b, run, (size_t)(s - run));
            cc_buf_puts(b, rep);
            run = s + 1;
        }
    }
    cc_buf_append(b, run, (size_t)(s - run));
}

static void esc_cell(cc_buf *b, const json_t *v)
{
    cc_buf t;
    cc_buf_init(&t);
    cc_report_cell_text(v, &t);
    cc_report_html_escape(b, t.data ? t.data : "");
    cc_buf_free(&t);
}

/* A cell of event numbers ("#5, #12") with each "#N" a link to the element "ANCHORN"; the rest of
 * the text as it is. */
static void link_cell(cc_buf *b, const json_t *v, const char *anchor)
{
    cc_buf t;
    cc_buf_init(&t);
    cc_report_cell_text(v, &t);
    const char *p = t.data ? t.data : "";
    while (*p) {
        size_t n = 0;
        while (p[0] == '#' && p[1 + n] >= '0' && p[1 + n] <= '9')
            n++;
        if (n) {
            cc_buf_puts(b, "<a href=\"#");
            cc_report_html_escape(b, anchor);
            cc_buf_printf(b, "%.*s\">#%.*s</a>", (int)n, p + 1, (int)n, p + 1);
            p += 1 + n;
        } else {
            char one[2] = {*p++, 0};
            cc_report_html_escape(b, one);
        }
    }
    cc_buf_free(&t);
}

/* How a banner is shown: its classification's style in the label policy (none without a policy). */
static cc_label_style style_of(const cc_label_policy *p, const char *banner)
{
    return cc_label_policy_class_style(p, cc_label_policy_banner_rank(p, banner));
}

/* CSS class of each style (cc_label_style order), colours as in the CSS below. */
static const char *const style_css[CC_LABEL_STYLE_COUNT] = {"b-x", "b-u", "b-c", "b-s", "b-ts"};

static void banner(cc_buf *b, const cc_label_policy *p, const char *text)
{
    if (!*text)
        return;
    cc_buf_printf(b, "<div class=\"banner %s\">", style_css[style_of(p, text)]);
    cc_report_html_escape(b, text);
    cc_buf_puts(b, "</div>\n");
}

/* The printed page: each page carries the document's banner in its top and bottom margin boxes
 * (CSS Paged Media), outside the body's area, so a banner never covers text. */
static const char page_css[] = "@page{margin:20mm 12mm}\n";
static const char margin_box_css[] =
    "font:bold 8pt -apple-system,'Segoe UI',Helvetica,Arial,sans-serif;letter-spacing:.03em;"
    "text-align:center;vertical-align:middle;height:6mm;width:100%;"
    "-webkit-print-color-adjust:exact;print-color-adjust:exact";

/* Colours of each style (background, text), as in the CSS below. */
static const char *const style_bg[CC_LABEL_STYLE_COUNT] = {"#555", "#007a33", "#0033a0", "#c8102e",
                                                           "#ff8c00"};
static const char *const style_fg[CC_LABEL_STYLE_COUNT] = {"#fff", "#fff", "#fff", "#fff", "#000"};

/* Appends s as the body of a CSS string: ASCII other than letters, digits, space and a few
 * marks as hex escapes (so no quote, backslash or "</style" can end it); UTF-8 as is. */
static void css_string(cc_buf *b, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            strchr(" /,.()+:-_", c))
            cc_buf_putc(b, (char)c);
        else
            cc_buf_printf(b, "\\%x ", c);
    }
}

static void page_rules(cc_buf *b, const cc_label_policy *p, const char *banner_text)
{
    cc_buf_puts(b, page_css);
    if (!*banner_text)
        return;
    cc_label_style st = style_of(p, banner_text);
    const char *bg = style_bg[st], *fg = style_fg[st];
    static const char *const boxes[] = {"top-center", "bottom-center"};
    cc_buf_puts(b, "@page{");
    for (size_t i = 0; i < 2; i++) {
        cc_buf_printf(b, "@%s{content:\"", boxes[i]);
        css_string(b, banner_text);
        cc_buf_printf(b, "\";background:%s;color:%s;%s}", bg, fg, margin_box_css);
    }
    cc_buf_puts(b, "}\n");
}

static const char css[] =
    "*{box-sizing:border-box}\n"
    "body{font-family:-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;font-size:10.5pt;line-height:1.35;"
    "color:#111;margin:0 auto;max-width:60rem;padding:0 1rem}\n"
    "h1{font-size:18pt;margin:.6em 0 .2em}h2{font-size:14pt;margin:.4em 0;border-bottom:2px solid #334}"
    "h3{font-size:11.5pt;margin:1em 0 .3em}\n"
    ".banner{text-align:center;font-weight:bold;letter-spacing:.03em;padding:2px 4px;margin:.4em "
    "0;"
    "color:#fff;-webkit-print-color-adjust:exact;print-color-adjust:exact}\n"
    ".b-u{background:#007a33}.b-c{background:#0033a0}.b-s{background:#c8102e}.b-ts{background:#ff8c00;color:#"
    "000}"
    ".b-x{background:#555}\n"

    "table{border-collapse:collapse;width:100%;table-layout:auto;margin:.3em 0 .8em;font-size:9pt}\n"
    "th,td{border:1px solid #bbb;padding:2px 4px;vertical-align:top;text-align:left;overflow-wrap:anywhere;"
    "white-space:pre-wrap}\n"
    /* a heading is never narrower than its longest word: "POC" and "start" are never wrapped
     * letter by letter (docs/report.md); cells still break a long hash or id anywhere */
    "th{background:#e8ebef;overflow-wrap:normal;word-break:normal;hyphens:none}\n"
    "dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:1px 1em;margin:.4em 0}"
    "dl.facts dt{font-weight:bold}dl.facts dd{margin:0;overflow-wrap:anywhere}\n"
    "figure{margin:.5em 0}figure svg{max-width:100%;height:auto}\n"
    "p.note{font-style:italic;color:#444;margin:.2em 0 .8em}\n"
    ".alert{border:3px solid #c8102e;background:#fde8ea;color:#000;font-weight:bold;font-size:12pt;"
    "padding:.5em .7em;margin:.6em 0;-webkit-print-color-adjust:exact;print-color-adjust:exact}\n"
    /* the contents' links are targets of at least 24 px (WCAG 2.2 target size, docs/ui.md) */
    "nav ol{columns:2;margin:.3em 0}nav a{display:inline-block;min-height:24px;padding:3px 0}\n"
    "@media print{body{max-width:none;padding:0;font-size:9.5pt}"
    "section{break-before:page}section.first{break-before:auto}"
    "tr,figure,dl.facts,.banner{break-inside:avoid}thead{display:table-header-group}"
    "h2,h3{break-after:avoid}nav{display:none}}\n";

static void table_html(cc_buf *b, const json_t *t, const char *secid, const char *none)
{
    const json_t *cols = json_object_get(t, "headings"), *rows = json_object_get(t, "rows");
    if (!cols)
        cols = json_object_get(t, "columns");
    cc_buf_printf(b, "<h3 id=\"");
    cc_report_html_escape(b, secid);
    cc_buf_putc(b, '-');
    cc_report_html_escape(b, cc_report_str(t, "id"));
    cc_buf_puts(b, "\">");
    cc_report_html_escape(b, cc_report_str(t, "title"));
    cc_buf_puts(b, "</h3>\n");
    if (!json_array_size(rows)) {
        cc_buf_puts(b, "<p class=\"note\">");
        cc_report_html_escape(b, none);
        cc_buf_puts(b, "</p>\n");
    } else {
        cc_buf_puts(b, "<table><thead><tr>");
        size_t i, j;
        json_t *c, *row, *v;
        json_array_foreach(cols, i, c)
        {
            cc_buf_puts(b, "<th>");
            esc_cell(b, c);
            cc_buf_puts(b, "</th>");
        }
        cc_buf_puts(b, "</tr></thead>\n<tbody>\n");
        /* "links": a column of event numbers linked to "anchor" + N; "row_ids": each row's id ("": none) */
        const json_t *links = json_object_get(t, "links"), *ids = json_object_get(t, "row_ids");
        json_int_t lcol = links ? json_integer_value(json_object_get(links, "column")) : -1;
        const char *anchor = links ? cc_report_str(links, "anchor") : "";
        json_array_foreach(rows, i, row)
        {
            const char *rid = json_string_value(json_array_get(ids, i));
            if (rid && *rid) {
                cc_buf_puts(b, "<tr id=\"");
                cc_report_html_escape(b, rid);
                cc_buf_puts(b, "\">");
            } else {
                cc_buf_puts(b, "<tr>");
            }
            json_array_foreach(row, j, v)
            {
                cc_buf_puts(b, "<td>");
                if ((json_int_t)j == lcol)
                    link_cell(b, v, anchor);
                else
                    esc_cell(b, v);
                cc_buf_puts(b, "</td>");
            }
            cc_buf_puts(b, "</tr>\n");
        }
        cc_buf_puts(b, "</tbody></table>\n");
    }
    const char *note = cc_report_str(t, "note");
    if (*note) {
        cc_buf_puts(b, "<p class=\"note\">");
        cc_report_html_escape(b, note);
        cc_buf_puts(b, "</p>\n");
    }
}

cc_err cc_report_html(const json_t *doc, const cc_label_policy *policy, cc_buf *b)
{
    if (!json_is_object(doc))
        return CC_ERR_ARG;
    const char *title = cc_report_str(doc, "title"), *docb = cc_report_str(doc, "banner");
    const char *lang = cc_report_str(doc, "lang"), *none = cc_report_str(doc, "none");
    cc_buf_puts(b, "<!DOCTYPE html>\n<html lang=\"");
    cc_report_html_escape(b, *lang ? lang : "en");
    cc_buf_puts(b, "\">\n<head>\n<meta charset=\"utf-8\">\n"
                   "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
    cc_report_html_escape(b, title);
    cc_buf_puts(b, "</title>\n<style>\n");
    page_rules(b, policy, docb);
    cc_buf_printf(b, "%s</style>\n</head>\n<body>\n", css);
    cc_buf_puts(b, "<header>\n");
    banner(b, policy, docb);
    cc_buf_puts(b, "<h1>");
    cc_report_html_escape(b, title);
    cc_buf_puts(b, "</h1>\n");
    size_t ai;
    json_t *al;
    json_array_foreach(json_object_get(doc, "alerts"), ai, al)
    {
        cc_buf_puts(b, "<div class=\"alert\" role=\"alert\">");
        esc_cell(b, al);
        cc_buf_puts(b, "</div>\n");
    }
    const json_t *secs = json_object_get(doc, "sections");
    size_t i;
    json_t *s;
    cc_buf_puts(b, "<nav><ol>\n");
    json_array_foreach(secs, i, s)
    {
        cc_buf_puts(b, "<li><a href=\"#");
        cc_report_html_escape(b, cc_report_str(s, "id"));
        cc_buf_puts(b, "\">");
        cc_report_html_escape(b, cc_report_str(s, "title"));
        cc_buf_puts(b, "</a></li>\n");
    }
    cc_buf_puts(b, "</ol></nav>\n</header>\n");
    json_array_foreach(secs, i, s)
    {
        const char *id = cc_report_str(s, "id"), *sb = cc_report_str(s, "banner");
        cc_buf_printf(b, "<section id=\"");
        cc_report_html_escape(b, id);
        cc_buf_printf(b, "\"%s>\n", i == 0 ? " class=\"first\"" : "");
        banner(b, policy, sb);
        cc_buf_puts(b, "<h2>");
        cc_report_html_escape(b, cc_report_str(s, "title"));
        cc_buf_puts(b, "</h2>\n");
        size_t k;
        json_t *v;
        json_array_foreach(json_object_get(s, "intro"), k, v)
        {
            cc_buf_puts(b, "<p>");
            esc_cell(b, v);
            cc_buf_puts(b, "</p>\n");
        }
        const json_t *facts = json_object_get(s, "facts");
        if (json_array_size(facts)) {
            cc_buf_puts(b, "<dl class=\"facts\">\n");
            json_array_foreach(facts, k, v)
            {
                cc_buf_puts(b, "<dt>");
                esc_cell(b, json_array_get(v, 0));
                cc_buf_puts(b, "</dt><dd>");
                esc_cell(b, json_array_get(v, 1));
                cc_buf_puts(b, "</dd>\n");
            }
            cc_buf_puts(b, "</dl>\n");
        }
        const char *svg = cc_report_str(s, "svg");
        if (*svg) {
            /* generated by caucus (report_svg.c, sim/simplot.c) with every text escaped */
            cc_buf_puts(b, "<figure>\n");
            cc_buf_puts(b, svg);
            cc_buf_puts(b, "</figure>\n");
        }
        json_array_foreach(json_object_get(s, "tables"), k, v)
        {
            table_html(b, v, id, *none ? none : "None.");
        }
        banner(b, policy, sb);
        cc_buf_puts(b, "</section>\n");
    }
    cc_buf_puts(b, "</body>\n</html>\n");
    return b->oom ? CC_ERR_NOMEM : CC_OK;
}
