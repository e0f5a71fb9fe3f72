/* report_docx — the after-action report as a Word document (Office Open XML, WordprocessingML),
 * written with libzip, for the planner to finish in a word processor (docs/report.md, "Output"):
 * the document's banner in the page header and footer, the title, each section a Heading 1 framed
 * by its banner, its intro lines as paragraphs, its facts as a two-column table and its tables
 * with a header row repeated on each page and fixed column widths proportioned to their longest
 * words. The same document gives the same bytes (fixed times in the archive). */
#include <stdio.h>
#include <string.h>
#include <zip.h>

#include "report/report.h"
#include "report/report_int.h"

#define PAGE_TEXT_TWIPS 9638  /* A4 (11906 twips) less 2 cm margins on each side */
#define CHAR_TWIPS 100        /* a character of table text (8 pt), bold headings included */
#define CELL_MARGIN_TWIPS 140 /* the cell margins (60 each side) and a little slack */
#define ZIP_TIME 315532800    /* 1980-01-01T00:00:00Z: the earliest time a ZIP entry can hold */

/* ---- XML text ---------------------------------------------------------------------------- */

/* Appends s as XML character data: & < > " escaped, C0 controls other than tab dropped (XML 1.0
 * has no way to write them), a line break as a Word line break when runs is set. */
static void xml_text(cc_buf *b, const char *s, int runs)
{
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        switch (c) {
        case '&': cc_buf_puts(b, "&amp;"); break;
        case '<': cc_buf_puts(b, "&lt;"); break;
        case '>': cc_buf_puts(b, "&gt;"); break;
        case '"': cc_buf_puts(b, "&quot;"); break;
        case '\n':
            if (runs)
                cc_buf_puts(b, "</w:t><w:br/><w:t xml:space=\"preserve\">");
            else
                cc_buf_putc(b, ' ');
            break;
        case '\t': cc_buf_putc(b, '\t'); break;
        default:
            if (c >= 0x20)
                cc_buf_putc(b, (char)c);
        }
    }
}

/* The colour (hex RGB, background) and text colour of a banner, by its classification. */
static void banner_colours(const char *banner, const char **bg, const char **fg)
{
    *fg = "FFFFFF";
    if (strncmp(banner, "TOP SECRET", 10) == 0) {
        *bg = "FF8C00";
        *fg = "000000";
    } else if (strncmp(banner, "SECRET", 6) == 0) {
        *bg = "C8102E";
    } else if (strncmp(banner, "CONFIDENTIAL", 12) == 0) {
        *bg = "0033A0";
    } else if (strncmp(banner, "UNCLASSIFIED", 12) == 0) {
        *bg = "007A33";
    } else {
        *bg = "555555";
    }
}

/* ---- paragraphs and tables --------------------------------------------------------------- */

static void para(cc_buf *b, const char *style, const char *text)
{
    cc_buf_puts(b, "<w:p>");
    if (style)
        cc_buf_printf(b, "<w:pPr><w:pStyle w:val=\"%s\"/></w:pPr>", style);
    cc_buf_puts(b, "<w:r><w:t xml:space=\"preserve\">");
    xml_text(b, text, 1);
    cc_buf_puts(b, "</w:t></w:r></w:p>");
}

/* A banner paragraph: bold, centred, on its classification's colour. */
static void banner_para(cc_buf *b, const char *text)
{
    if (!text || !*text)
        return;
    const char *bg, *fg;
    banner_colours(text, &bg, &fg);
    cc_buf_printf(
        b,
        "<w:p><w:pPr><w:pStyle w:val=\"Banner\"/><w:shd w:val=\"clear\" w:color=\"auto\" "
        "w:fill=\"%s\"/></w:pPr><w:r><w:rPr><w:color w:val=\"%s\"/></w:rPr><w:t xml:space=\"preserve\">",
        bg, fg);
    xml_text(b, text, 0);
    cc_buf_puts(b, "</w:t></w:r></w:p>");
}

/* The length of the longest word of s, in characters (UTF-8 continuation bytes not counted). */
static size_t longest_word(const char *s)
{
    size_t best = 0, cur = 0;
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == ' ' || c == '\n' || c == '-' || c == '/' || c == ',') {
            cur = 0;
            continue;
        }
        if ((c & 0xC0) != 0x80 && ++cur > best)
            best = cur;
    }
    return best;
}

/* Column widths (twips, summing to PAGE_TEXT_TWIPS): each column first gets room for its longest
 * word (headings included; up to 40 characters), so that no word is ever broken letter by letter
 * ("POC", "start"); what is left of the page goes to the columns by their average text length.
 * Only when the words alone are wider than the page are the columns scaled down. */
static void widths(const json_t *columns, const json_t *rows, int *w, size_t ncol)
{
    double minw[64], extra[64], mins = 0, extras = 0;
    cc_buf t;
    cc_buf_init(&t);
    for (size_t c = 0; c < ncol; c++) {
        size_t word = longest_word(json_string_value(json_array_get(columns, c))), sum = 0, n = 0;
        size_t r;
        const json_t *row;
        json_array_foreach(rows, r, row)
        {
            cc_buf_reset(&t);
            cc_report_cell_text(json_array_get(row, c), &t);
            const char *s = t.data ? t.data : "";
            size_t lw = longest_word(s);
            if (lw > word)
                word = lw;
            sum += strlen(s);
            n++;
        }
        double avg = n ? (double)sum / (double)n : 0;
        minw[c] = (double)(word < 40 ? word : 40) * CHAR_TWIPS + CELL_MARGIN_TWIPS;
        extra[c] = avg > 12 ? (avg < 120 ? avg : 120) : 1;
        mins += minw[c];
        extras += extra[c];
    }
    cc_buf_free(&t);
    double left = PAGE_TEXT_TWIPS - mins;
    int used = 0;
    for (size_t c = 0; c < ncol; c++) {
        double x = left > 0 ? minw[c] + left * extra[c] / extras : minw[c] * PAGE_TEXT_TWIPS / mins;
        w[c] = (int)x;
        used += w[c];
    }
    if (ncol)
        w[ncol - 1] += PAGE_TEXT_TWIPS - used;
}

static void cell(cc_buf *b, int width, const char *text, int header)
{
    cc_buf_printf(b,
                  "<w:tc><w:tcPr><w:tcW w:w=\"%d\" w:type=\"dxa\"/></w:tcPr><w:p><w:pPr><w:pStyle "
                  "w:val=\"TableText\"/></w:pPr><w:r>",
                  width);
    if (header)
        cc_buf_puts(b, "<w:rPr><w:b/></w:rPr>");
    cc_buf_puts(b, "<w:t xml:space=\"preserve\">");
    xml_text(b, text, 1);
    cc_buf_puts(b, "</w:t></w:r></w:p></w:tc>");
}

static void table(cc_buf *b, const json_t *columns, const json_t *rows)
{
    size_t ncol = json_array_size(columns);
    if (ncol == 0 || ncol > 64)
        return;
    int w[64];
    widths(columns, rows, w, ncol);
    cc_buf_puts(b, "<w:tbl><w:tblPr><w:tblStyle w:val=\"ReportTable\"/><w:tblW w:w=\"5000\" w:type=\"pct\"/>"
                   "<w:tblLayout w:type=\"fixed\"/></w:tblPr><w:tblGrid>");
    for (size_t c = 0; c < ncol; c++)
        cc_buf_printf(b, "<w:gridCol w:w=\"%d\"/>", w[c]);
    cc_buf_puts(b, "</w:tblGrid><w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>");
    for (size_t c = 0; c < ncol; c++)
        cell(b, w[c], json_string_value(json_array_get(columns, c)), 1);
    cc_buf_puts(b, "</w:tr>");
    cc_buf t;
    cc_buf_init(&t);
    size_t r;
    const json_t *row;
    json_array_foreach(rows, r, row)
    {
        cc_buf_puts(b, "<w:tr><w:trPr><w:cantSplit/></w:trPr>");
        for (size_t c = 0; c < ncol; c++) {
            cc_buf_reset(&t);
            cc_report_cell_text(json_array_get(row, c), &t);
            cell(b, w[c], t.data ? t.data : "", 0);
        }
        cc_buf_puts(b, "</w:tr>");
    }
    cc_buf_free(&t);
    cc_buf_puts(b, "</w:tbl>");
    para(b, NULL, ""); /* Word needs a paragraph between two tables */
}

static void section(cc_buf *b, const json_t *sec)
{
    const char *ban = cc_report_str(sec, "banner");
    cc_buf_puts(b, "<w:p><w:pPr><w:pageBreakBefore/></w:pPr></w:p>");
    banner_para(b, ban);
    para(b, "Heading1", cc_report_str(sec, "title"));
    size_t i;
    const json_t *x;
    json_array_foreach(json_object_get(sec, "intro"), i, x)
    {
        para(b, NULL, json_string_value(x));
    }
    const json_t *facts = json_object_get(sec, "facts");
    if (json_array_size(facts)) {
        json_t *cols = json_pack("[ss]", "", "");
        table(b, cols, facts);
        json_decref(cols);
    }
    json_array_foreach(json_object_get(sec, "tables"), i, x)
    {
        para(b, "Heading2", cc_report_str(x, "title"));
        const json_t *rows = json_object_get(x, "rows");
        if (json_array_size(rows))
            table(b, json_object_get(x, "columns"), rows);
        else
            para(b, NULL, "(none)");
        if (*cc_report_str(x, "note"))
            para(b, "Note", cc_report_str(x, "note"));
    }
    banner_para(b, ban);
}

/* ---- the parts of the package ------------------------------------------------------------ */

static const char content_types[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
    "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
    "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
    "<Override PartName=\"/word/document.xml\" "
    "ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>"
    "<Override PartName=\"/word/styles.xml\" "
    "ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/>"
    "<Override PartName=\"/word/header1.xml\" "
    "ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml\"/>"
    "<Override PartName=\"/word/footer1.xml\" "
    "ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml\"/>"
    "<Override PartName=\"/docProps/core.xml\" "
    "ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>"
    "</Types>";

static const char package_rels[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" "
    "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" "
    "Target=\"word/document.xml\"/>"
    "<Relationship Id=\"rId2\" "
    "Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" "
    "Target=\"docProps/core.xml\"/>"
    "</Relationships>";

static const char document_rels[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" "
    "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" "
    "Target=\"styles.xml\"/>"
    "<Relationship Id=\"rId2\" "
    "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/header\" "
    "Target=\"header1.xml\"/>"
    "<Relationship Id=\"rId3\" "
    "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer\" "
    "Target=\"footer1.xml\"/>"
    "</Relationships>";

#define W_NS "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\""
#define R_NS "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\""

static const char styles[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<w:styles " W_NS ">"
    "<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii=\"Calibri\" w:hAnsi=\"Calibri\" w:cs=\"Calibri\" "
    "w:eastAsia=\"Malgun Gothic\"/><w:sz w:val=\"20\"/><w:lang w:val=\"en-GB\"/></w:rPr></w:rPrDefault>"
    "<w:pPrDefault><w:pPr><w:spacing w:after=\"80\"/></w:pPr></w:pPrDefault></w:docDefaults>"
    "<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name w:val=\"Normal\"/></w:style>"
    "<w:style w:type=\"paragraph\" w:styleId=\"Title\"><w:name w:val=\"Title\"/><w:basedOn w:val=\"Normal\"/>"
    "<w:next w:val=\"Normal\"/><w:qFormat/><w:pPr><w:spacing w:after=\"240\"/></w:pPr><w:rPr><w:b/>"
    "<w:sz w:val=\"40\"/></w:rPr></w:style>"
    "<w:style w:type=\"paragraph\" w:styleId=\"Heading1\"><w:name w:val=\"heading 1\"/><w:basedOn "
    "w:val=\"Normal\"/><w:next w:val=\"Normal\"/><w:qFormat/><w:pPr><w:keepNext/><w:spacing w:before=\"240\" "
    "w:after=\"120\"/><w:outlineLvl w:val=\"0\"/></w:pPr><w:rPr><w:b/><w:sz w:val=\"32\"/></w:rPr></w:style>"
    "<w:style w:type=\"paragraph\" w:styleId=\"Heading2\"><w:name w:val=\"heading 2\"/><w:basedOn "
    "w:val=\"Normal\"/><w:next w:val=\"Normal\"/><w:qFormat/><w:pPr><w:keepNext/><w:spacing w:before=\"200\" "
    "w:after=\"80\"/><w:outlineLvl w:val=\"1\"/></w:pPr><w:rPr><w:b/><w:sz w:val=\"26\"/></w:rPr></w:style>"
    "<w:style w:type=\"paragraph\" w:styleId=\"Banner\"><w:name w:val=\"Banner\"/><w:basedOn "
    "w:val=\"Normal\"/>"
    "<w:pPr><w:jc w:val=\"center\"/><w:spacing w:before=\"60\" w:after=\"60\"/></w:pPr><w:rPr><w:b/>"
    "<w:sz w:val=\"18\"/></w:rPr></w:style>"
    "<w:style w:type=\"paragraph\" w:styleId=\"Note\"><w:name w:val=\"Note\"/><w:basedOn w:val=\"Normal\"/>"
    "<w:rPr><w:i/><w:sz w:val=\"18\"/></w:rPr></w:style>"
    "<w:style w:type=\"paragraph\" w:styleId=\"TableText\"><w:name w:val=\"Table Text\"/><w:basedOn "
    "w:val=\"Normal\"/><w:pPr><w:spacing w:after=\"0\"/></w:pPr><w:rPr><w:sz w:val=\"16\"/></w:rPr></w:style>"
    "<w:style w:type=\"table\" w:styleId=\"ReportTable\"><w:name w:val=\"Report Table\"/><w:tblPr>"
    "<w:tblBorders><w:top w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"808080\"/><w:left "
    "w:val=\"single\" "
    "w:sz=\"4\" w:space=\"0\" w:color=\"808080\"/><w:bottom w:val=\"single\" w:sz=\"4\" w:space=\"0\" "
    "w:color=\"808080\"/><w:right w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"808080\"/><w:insideH "
    "w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"808080\"/><w:insideV w:val=\"single\" w:sz=\"4\" "
    "w:space=\"0\" w:color=\"808080\"/></w:tblBorders><w:tblCellMar><w:left w:w=\"60\" w:type=\"dxa\"/>"
    "<w:right w:w=\"60\" w:type=\"dxa\"/></w:tblCellMar></w:tblPr></w:style>"
    "</w:styles>";

static void header_part(cc_buf *b, const char *kind, const char *banner)
{
    cc_buf_printf(b, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:%s " W_NS ">", kind);
    if (banner && *banner)
        banner_para(b, banner);
    else
        para(b, NULL, "");
    cc_buf_printf(b, "</w:%s>", kind);
}

static void core_part(cc_buf *b, const json_t *doc)
{
    cc_buf_puts(b, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
                   "<cp:coreProperties "
                   "xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" "
                   "xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:title>");
    xml_text(b, cc_report_str(doc, "title"), 0);
    cc_buf_puts(b, "</dc:title><dc:creator>caucus</dc:creator></cp:coreProperties>");
}

static void document_part(cc_buf *b, const json_t *doc)
{
    cc_buf_puts(b, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:document " W_NS " " R_NS
                   "><w:body>");
    banner_para(b, cc_report_str(doc, "banner"));
    para(b, "Title", cc_report_str(doc, "title"));
    size_t i;
    const json_t *x;
    json_array_foreach(json_object_get(doc, "alerts"), i, x)
    {
        para(b, "Heading2", json_string_value(x));
    }
    json_array_foreach(json_object_get(doc, "sections"), i, x)
    {
        section(b, x);
    }
    cc_buf_puts(
        b, "<w:sectPr><w:headerReference w:type=\"default\" r:id=\"rId2\"/><w:footerReference "
           "w:type=\"default\" r:id=\"rId3\"/><w:pgSz w:w=\"11906\" w:h=\"16838\"/><w:pgMar w:top=\"1304\" "
           "w:right=\"1134\" w:bottom=\"1304\" w:left=\"1134\" w:header=\"567\" w:footer=\"567\" "
           "w:gutter=\"0\"/></w:sectPr></w:body></w:document>");
}

/* ---- the archive ------------------------------------------------------------------------- */

static int add(zip_t *za, const char *name, const char *data, size_t len)
{
    zip_source_t *s = zip_source_buffer(za, data, len, 0);
    if (!s)
        return -1;
    zip_int64_t idx = zip_file_add(za, name, s, ZIP_FL_ENC_UTF_8);
    if (idx < 0) {
        zip_source_free(s);
        return -1;
    }
    return zip_file_set_mtime(za, (zip_uint64_t)idx, ZIP_TIME, 0);
}

cc_err cc_report_docx(const json_t *doc, cc_buf *out)
{
    cc_buf parts[5];
    for (size_t k = 0; k < 5; k++)
        cc_buf_init(&parts[k]);
    document_part(&parts[0], doc);
    header_part(&parts[1], "hdr", cc_report_str(doc, "banner"));
    header_part(&parts[2], "ftr", cc_report_str(doc, "banner"));
    core_part(&parts[3], doc);
    cc_buf_puts(&parts[4], styles);
    cc_err rc = CC_ERR_NOMEM;
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &ze);
    zip_t *za = src ? zip_open_from_source(src, ZIP_TRUNCATE, &ze) : NULL;
    if (!za) {
        zip_source_free(src);
        goto done;
    }
    zip_source_keep(src);
    static const char *const names[] = {"word/document.xml", "word/header1.xml", "word/footer1.xml",
                                        "docProps/core.xml", "word/styles.xml"};
    int bad = add(za, "[Content_Types].xml", content_types, strlen(content_types)) ||
              add(za, "_rels/.rels", package_rels, strlen(package_rels)) ||
              add(za, "word/_rels/document.xml.rels", document_rels, strlen(document_rels));
    for (size_t k = 0; k < 5 && !bad; k++)
        bad = add(za, names[k], parts[k].data ? parts[k].data : "", parts[k].len);
    if (bad || zip_close(za) != 0) {
        zip_discard(za);
        zip_source_free(src);
        rc = CC_ERR_IO;
        goto done;
    }
    if (zip_source_open(src) == 0) {
        rc = CC_OK;
        char buf[65536];
        zip_int64_t n;
        while ((n = zip_source_read(src, buf, sizeof buf)) > 0)
            if (cc_buf_append(out, buf, (size_t)n) != CC_OK)
                rc = CC_ERR_NOMEM;
        if (n < 0)
            rc = CC_ERR_IO;
        zip_source_close(src);
    } else {
        rc = CC_ERR_IO;
    }
    zip_source_free(src);
done:
    zip_error_fini(&ze);
    for (size_t k = 0; k < 5; k++)
        cc_buf_free(&parts[k]);
    return rc;
}
