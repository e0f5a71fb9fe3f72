/* Tests of io/xlsx and io/sniff: workbooks written by libxlsxwriter and workbooks assembled part
 * by part with libzip (to reach what libxlsxwriter never writes: the 1904 date system, inline
 * strings, rich text, relative and absolute part names, hostile archives), and the kinds and
 * encodings of input files. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>
#include <zip.h>

#include "io/sniff.h"
#include "io/xlsx.h"

/* ---- helpers ------------------------------------------------------------------------------ */

static char *slurp_path(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "%s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    cr_assert_eq(fread(b, 1, (size_t)n, f), (size_t)n);
    b[n] = 0;
    fclose(f);
    *len = (size_t)n;
    return b;
}

static void tmpname(char *buf, size_t n, const char *tag)
{
    snprintf(buf, n, "/tmp/caucus-test-xlsx-%ld-%s.xlsx", (long)getpid(), tag);
}

/* A ZIP of members {name, text} (NULL-terminated pairs), made with libzip. */
static char *mkzip(const char *const *m, size_t *len)
{
    char path[128];
    tmpname(path, sizeof path, "zip");
    int err;
    zip_t *z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &err);
    cr_assert_not_null(z);
    for (size_t i = 0; m[i]; i += 2) {
        zip_source_t *s = zip_source_buffer(z, m[i + 1], strlen(m[i + 1]), 0);
        cr_assert_not_null(s);
        cr_assert(zip_file_add(z, m[i], s, ZIP_FL_ENC_UTF_8) >= 0, "%s", zip_strerror(z));
    }
    cr_assert_eq(zip_close(z), 0);
    char *b = slurp_path(path, len);
    remove(path);
    return b;
}

#define NS "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\""
#define RNS "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\""
#define REL "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
#define PKG_RELS                                                                                             \
    "<?xml version=\"1.0\"?><Relationships "                                                                 \
    "xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" "      \
    "Type=\"" REL "officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>"
#define WB_RELS(extra)                                                                                       \
    "<?xml version=\"1.0\"?><Relationships "                                                                 \
    "xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" "      \
    "Type=\"" REL "worksheet\" Target=\"worksheets/sheet1.xml\"/>" extra "</Relationships>"
#define WB(pr)                                                                                               \
    "<workbook " NS " " RNS ">" pr                                                                           \
    "<sheets><sheet name=\"MSEL\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>"
#define SHEET(data) "<worksheet " NS "><sheetData>" data "</sheetData></worksheet>"

typedef struct opened {
    char *bytes;
    cc_xlsx *x;
    cc_csv *t;
    cc_xlsx_merge *m;
    size_t nm;
    cc_diags d;
    cc_err rc;
} opened;

/* Opens the bytes and reads sheet 0; rc is the first failure. */
static void open_bytes(opened *o, char *bytes, size_t len)
{
    memset(o, 0, sizeof *o);
    o->bytes = bytes;
    cc_diags_init(&o->d);
    o->rc = cc_xlsx_open(bytes, len, "t.xlsx", &o->d, &o->x);
    if (o->rc == CC_OK)
        o->rc = cc_xlsx_read_sheet(o->x, 0, &o->d, &o->t, &o->m, &o->nm);
}

static void close_opened(opened *o)
{
    cc_csv_free(o->t);
    free(o->m);
    cc_xlsx_free(o->x);
    cc_diags_free(&o->d);
    free(o->bytes);
}

static const char *first_error(const opened *o)
{
    for (size_t i = 0; i < o->d.count; i++)
        if (o->d.items[i].sev == CC_SEV_ERROR)
            return o->d.items[i].message;
    return "(no error)";
}

static void open_parts(opened *o, const char *const *m)
{
    size_t len;
    char *b = mkzip(m, &len);
    open_bytes(o, b, len);
}

/* ---- libxlsxwriter workbooks ---------------------------------------------------------------- */

Test(xlsx, reads_what_libxlsxwriter_writes)
{
    char path[128];
    tmpname(path, sizeof path, "lxw");
    lxw_workbook *wb = workbook_new(path);
    lxw_worksheet *cover = workbook_add_worksheet(wb, "Cover");
    lxw_worksheet *ws = workbook_add_worksheet(wb, "MSEL");
    worksheet_write_string(cover, 0, 0, "Exercise cover sheet", NULL);
    lxw_format *dt = workbook_add_format(wb), *d = workbook_add_format(wb), *tm = workbook_add_format(wb);
    lxw_format *el = workbook_add_format(wb);
    format_set_num_format(dt, "yyyy-mm-dd hh:mm");
    format_set_num_format(d, "dd/mm/yyyy");
    format_set_num_format(tm, "hh:mm");
    format_set_num_format(el, "[h]:mm");
    worksheet_merge_range(ws, 0, 0, 0, 3, "Title merged across four columns", NULL);
    worksheet_write_string(ws, 1, 0, "plain", NULL);
    worksheet_write_number(ws, 1, 1, 3, NULL);
    worksheet_write_number(ws, 1, 2, 2.5, NULL);
    worksheet_write_number(ws, 1, 3, 1e-7, NULL);
    worksheet_write_boolean(ws, 1, 4, 1, NULL);
    lxw_datetime when = {2026, 3, 3, 9, 30, 0}, day = {2026, 3, 4, 0, 0, 0};
    worksheet_write_datetime(ws, 2, 0, &when, dt);
    worksheet_write_datetime(ws, 2, 1, &when, d);
    worksheet_write_datetime(ws, 2, 4, &day, d);
    lxw_datetime clock = {0, 0, 0, 14, 45, 30};
    worksheet_write_datetime(ws, 2, 2, &clock, tm);
    worksheet_write_number(ws, 2, 3, 1.5 + 1.0 / 48, el); /* 36:30 elapsed */
    worksheet_write_formula_str(ws, 3, 0, "=\"A\"&\"B\"", NULL, "AB");
    worksheet_write_string(ws, 3, 1, "ctl\x01 char, tab\there", NULL);
    worksheet_write_string(ws, 3, 2, "literal _x0041_ stays", NULL);
    worksheet_write_string(ws, 3, 3, "서울 naïve", NULL);
    worksheet_write_string(ws, 5, 5, "far", NULL); /* row 6 after an empty row 5 */
    cr_assert_eq(workbook_close(wb), LXW_NO_ERROR);
    size_t len;
    char *bytes = slurp_path(path, &len);
    remove(path);
    cr_expect_eq(cc_sniff(bytes, len), CC_SNIFF_XLSX);
    opened o;
    memset(&o, 0, sizeof o);
    cc_diags_init(&o.d);
    o.bytes = bytes;
    cr_assert_eq(cc_xlsx_open(bytes, len, "t.xlsx", &o.d, &o.x), CC_OK, "%s", first_error(&o));
    cr_assert_eq(cc_xlsx_nsheets(o.x), 2);
    cr_expect_str_eq(cc_xlsx_sheet_name(o.x, 0), "Cover");
    cr_expect_str_eq(cc_xlsx_sheet_name(o.x, 1), "MSEL");
    cr_expect_null(cc_xlsx_sheet_name(o.x, 2));
    cr_expect_eq(cc_xlsx_date1904(o.x), 0);
    cr_expect_eq(cc_xlsx_read_sheet(o.x, 2, &o.d, &o.t, NULL, NULL), CC_ERR_ARG);
    cr_assert_eq(cc_xlsx_read_sheet(o.x, 1, &o.d, &o.t, &o.m, &o.nm), CC_OK, "%s", first_error(&o));
    const cc_csv *t = o.t;
    cr_assert_eq(cc_csv_nrecords(t), 5); /* rows 1 to 4 and 6: the empty row 5 has no record */
    static const struct {
        size_t rec;
        int row;
        const char *cells[6];
    } want[] = {
        {0, 1, {"Title merged across four columns", "", "", "", "", ""}},
        {1, 2, {"plain", "3", "2.5", "1e-07", "TRUE", ""}},
        /* a date format shows the date; the time of day the cell holds is kept */
        {2, 3, {"2026-03-03 09:30", "2026-03-03 09:30", "14:45:30", "+36:30", "2026-03-04", ""}},
        /* libxlsxwriter writes _x0041_ as is, which Excel (ECMA-376 ST_Xstring) reads as "A" */
        {3, 4, {"AB", "ctl\x01 char, tab\there", "literal A stays", "서울 naïve", "", ""}},
        {4, 6, {"", "", "", "", "", "far"}},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        cr_expect_eq(cc_csv_row(t, want[i].rec), want[i].row, "record %zu", i);
        cr_expect_eq(cc_csv_nfields(t, want[i].rec), 6, "record %zu: fields A..F", i);
        for (size_t c = 0; c < 6; c++)
            cr_expect_str_eq(cc_csv_field(t, want[i].rec, c, NULL), want[i].cells[c], "row %d col %zu",
                             want[i].row, c);
    }
    cr_assert_eq(o.nm, 1);
    cr_expect(o.m[0].r0 == 1 && o.m[0].r1 == 1 && o.m[0].c0 == 0 && o.m[0].c1 == 3);
    close_opened(&o);
}

/* ---- assembled workbooks --------------------------------------------------------------------- */

Test(xlsx, date1904_inline_rich_and_phonetic_text)
{
    const char *parts[] = {
        "_rels/.rels",
        PKG_RELS,
        "xl/_rels/workbook.xml.rels",
        WB_RELS("<Relationship Id=\"rId2\" Type=\"" REL "sharedStrings\" Target=\"/xl/sharedStrings.xml\"/>"
                "<Relationship Id=\"rId3\" Type=\"" REL "styles\" Target=\"styles.xml\"/>"),
        "xl/workbook.xml",
        WB("<workbookPr date1904=\"1\"/>"),
        "xl/sharedStrings.xml",
        "<sst " NS "><si><r><t>Rich </t></r><r><t xml:space=\"preserve\">text</t></r></si>"
        "<si><t>漢字</t><rPh sb=\"0\" eb=\"1\"><t>かんじ</t></rPh></si><si><t>a_x000D_b</t></si></sst>",
        "xl/styles.xml",
        "<styleSheet " NS "><numFmts count=\"1\"><numFmt numFmtId=\"164\" formatCode=\"d mmm yyyy h:mm\"/>"
        "</numFmts><cellStyleXfs><xf numFmtId=\"22\"/></cellStyleXfs>"
        "<cellXfs><xf numFmtId=\"0\"/><xf numFmtId=\"164\"/><xf numFmtId=\"14\"/><xf "
        "numFmtId=\"49\"/></cellXfs>"
        "</styleSheet>",
        "xl/worksheets/sheet1.xml",
        SHEET("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c>"
              "<c r=\"C1\" t=\"s\"><v>2</v></c><c r=\"D1\" t=\"inlineStr\"><is><t>inline</t></is></c></row>"
              /* 44987.395833 in the 1904 system: 2027-03-03 09:30 */
              "<row><c s=\"1\"><v>44987.3958333333</v></c><c s=\"2\"><v>0</v></c><c s=\"0\"><v>42</v></c>"
              "<c s=\"3\"><v>7</v></c><c t=\"b\"><v>0</v></c><c t=\"e\"><v>#N/A</v></c></row>"),
        NULL};
    opened o;
    open_parts(&o, parts);
    cr_assert_eq(o.rc, CC_OK, "%s", first_error(&o));
    cr_expect_eq(cc_xlsx_date1904(o.x), 1);
    cr_assert_eq(cc_csv_nrecords(o.t), 2);
    cr_expect_str_eq(cc_csv_field(o.t, 0, 0, NULL), "Rich text");
    cr_expect_str_eq(cc_csv_field(o.t, 0, 1, NULL), "漢字");
    cr_expect_str_eq(cc_csv_field(o.t, 0, 2, NULL), "a\rb");
    cr_expect_str_eq(cc_csv_field(o.t, 0, 3, NULL), "inline");
    cr_expect_eq(cc_csv_row(o.t, 1), 2, "a row without r follows the previous one");
    cr_expect_str_eq(cc_csv_field(o.t, 1, 0, NULL), "2027-03-03 09:30");
    cr_expect_str_eq(cc_csv_field(o.t, 1, 1, NULL), "1904-01-01", "serial 0 is the 1904 epoch");
    cr_expect_str_eq(cc_csv_field(o.t, 1, 2, NULL), "42");
    cr_expect_str_eq(cc_csv_field(o.t, 1, 3, NULL), "7", "the text format @ is no date");
    cr_expect_str_eq(cc_csv_field(o.t, 1, 4, NULL), "FALSE");
    cr_expect_str_eq(cc_csv_field(o.t, 1, 5, NULL), "#N/A");
    close_opened(&o);
}

Test(xlsx, date_serials_of_the_1900_system)
{
    /* 1 = 1900-01-01, 59 = 1900-02-28, 61 = 1900-03-01 (60 is Excel's 29 February 1900 that never
       was: kept as a number), 46084.5 = 2026-03-03 12:00 */
    const char *parts[] = {
        "_rels/.rels",
        PKG_RELS,
        "xl/_rels/workbook.xml.rels",
        WB_RELS("<Relationship Id=\"rId3\" Type=\"" REL "styles\" Target=\"styles.xml\"/>"),
        "xl/workbook.xml",
        WB(""),
        "xl/styles.xml",
        "<styleSheet " NS "><cellXfs><xf numFmtId=\"0\"/><xf numFmtId=\"22\"/></cellXfs></styleSheet>",
        "xl/worksheets/sheet1.xml",
        SHEET("<row r=\"1\"><c s=\"1\"><v>1</v></c><c s=\"1\"><v>59</v></c><c s=\"1\"><v>60</v></c>"
              "<c s=\"1\"><v>61</v></c><c s=\"1\"><v>46084.5</v></c><c s=\"1\"><v>46084.00001</v></c></row>"),
        NULL};
    opened o;
    open_parts(&o, parts);
    cr_assert_eq(o.rc, CC_OK, "%s", first_error(&o));
    static const char *const want[] = {"1900-01-01 00:00", "1900-02-28 00:00", "60",
                                       "1900-03-01 00:00", "2026-03-03 12:00", "2026-03-03 00:00:01"};
    for (size_t i = 0; i < 6; i++)
        cr_expect_str_eq(cc_csv_field(o.t, 0, i, NULL), want[i], "cell %zu", i);
    close_opened(&o);
}

/* ---- refusals -------------------------------------------------------------------------------- */

static void expect_refused(const char *const *parts, cc_err rc, const char *text)
{
    opened o;
    open_parts(&o, parts);
    cr_expect_eq(o.rc, rc, "%s: got %d", text, o.rc);
    cr_expect(strstr(first_error(&o), text) != NULL, "want '%s' in '%s'", text, first_error(&o));
    close_opened(&o);
}

Test(xlsx, refuses_hostile_and_broken_workbooks)
{
    const char *dtd[] = {"_rels/.rels",
                         PKG_RELS,
                         "xl/_rels/workbook.xml.rels",
                         WB_RELS(""),
                         "xl/workbook.xml",
                         "<?xml version=\"1.0\"?><!DOCTYPE w [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b "
                         "\"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]>" WB(""),
                         "xl/worksheets/sheet1.xml",
                         SHEET(""),
                         NULL};
    expect_refused(dtd, CC_ERR_PARSE, "a document type declaration (DTD) is not allowed");
    const char *xxe[] = {
        "_rels/.rels",
        PKG_RELS,
        "xl/_rels/workbook.xml.rels",
        WB_RELS(""),
        "xl/workbook.xml",
        WB(""),
        "xl/worksheets/sheet1.xml",
        "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>" SHEET(
            "<row><c t=\"inlineStr\"><is><t>&e;</t></is></c></row>"),
        NULL};
    expect_refused(xxe, CC_ERR_PARSE, "a document type declaration (DTD) is not allowed");
    const char *traversal[] = {"_rels/.rels",
                               PKG_RELS,
                               "xl/_rels/workbook.xml.rels",
                               WB_RELS(""),
                               "xl/workbook.xml",
                               WB(""),
                               "xl/worksheets/sheet1.xml",
                               SHEET(""),
                               "../../evil.sh",
                               "echo",
                               NULL};
    expect_refused(traversal, CC_ERR_INVALID, "has a '..' component (path traversal); refused");
    const char *absolute[] = {"_rels/.rels", PKG_RELS, "/etc/cron.d/x", "x", NULL};
    expect_refused(absolute, CC_ERR_INVALID, "has an absolute path");
    const char *outside[] = {
        "_rels/.rels",
        PKG_RELS,
        "xl/workbook.xml",
        WB(""),
        "xl/_rels/workbook.xml.rels",
        "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
        "<Relationship Id=\"rId1\" Type=\"" REL "worksheet\" Target=\"../../../x.xml\"/>"
        "</Relationships>",
        NULL};
    expect_refused(outside, CC_ERR_INVALID, "points outside the archive");
    const char *far[] = {
        "_rels/.rels",
        PKG_RELS,
        "xl/_rels/workbook.xml.rels",
        WB_RELS(""),
        "xl/workbook.xml",
        WB(""),
        "xl/worksheets/sheet1.xml",
        "<worksheet " NS "><dimension ref=\"A1:XFD1048576\"/><sheetData><row r=\"1048576\">"
        "<c r=\"XFD1048576\" t=\"inlineStr\"><is><t>x</t></is></c></row></sheetData></worksheet>",
        NULL};
    expect_refused(far, CC_ERR_LIMIT, "cell XFD1048576 lies beyond the 100000 rows and 1024 columns");
    const char *badref[] = {"_rels/.rels",
                            PKG_RELS,
                            "xl/_rels/workbook.xml.rels",
                            WB_RELS(""),
                            "xl/workbook.xml",
                            WB(""),
                            "xl/worksheets/sheet1.xml",
                            SHEET("<row><c r=\"1A\"><v>1</v></c></row>"),
                            NULL};
    expect_refused(badref, CC_ERR_PARSE, "cell reference '1A' is not valid");
    /* fuzz_xlsx finding: row 0 was taken for a row before row 1 */
    const char *row0[] = {"_rels/.rels",
                          PKG_RELS,
                          "xl/_rels/workbook.xml.rels",
                          WB_RELS(""),
                          "xl/workbook.xml",
                          WB(""),
                          "xl/worksheets/sheet1.xml",
                          SHEET("<row r=\"1\"><c r=\"A1\"><v>1</v></c><c r=\"B0\"><v>2</v></c></row>"),
                          NULL};
    expect_refused(row0, CC_ERR_PARSE, "cell reference 'B0' is not valid");
    const char *nostr[] = {"_rels/.rels",
                           PKG_RELS,
                           "xl/_rels/workbook.xml.rels",
                           WB_RELS(""),
                           "xl/workbook.xml",
                           WB(""),
                           "xl/worksheets/sheet1.xml",
                           SHEET("<row><c t=\"s\"><v>7</v></c></row>"),
                           NULL};
    expect_refused(nostr, CC_ERR_PARSE, "cell A1 refers to shared string '7', which does not exist");
    const char *nan[] = {"_rels/.rels",
                         PKG_RELS,
                         "xl/_rels/workbook.xml.rels",
                         WB_RELS(""),
                         "xl/workbook.xml",
                         WB(""),
                         "xl/worksheets/sheet1.xml",
                         SHEET("<row><c><v>1e999</v></c></row>"),
                         NULL};
    expect_refused(nan, CC_ERR_PARSE, "cell A1 holds '1e999', which is not a number");
    const char *twice[] = {"_rels/.rels",
                           PKG_RELS,
                           "xl/_rels/workbook.xml.rels",
                           WB_RELS(""),
                           "xl/workbook.xml",
                           WB(""),
                           "xl/worksheets/sheet1.xml",
                           SHEET("<row r=\"1\"><c r=\"A1\"><v>1</v></c><c r=\"A1\"><v>2</v></c></row>"),
                           NULL};
    expect_refused(twice, CC_ERR_PARSE, "cell A1 appears twice");
    const char *broken[] = {"_rels/.rels",
                            PKG_RELS,
                            "xl/_rels/workbook.xml.rels",
                            WB_RELS(""),
                            "xl/workbook.xml",
                            WB(""),
                            "xl/worksheets/sheet1.xml",
                            "<worksheet><sheetData><row>",
                            NULL};
    expect_refused(broken, CC_ERR_PARSE,
                   "part 'xl/worksheets/sheet1.xml', line 1, column 28: not well-formed XML");
    const char *nosheet[] = {
        "_rels/.rels", PKG_RELS, "xl/_rels/workbook.xml.rels", WB_RELS(""), "xl/workbook.xml", WB(""), NULL};
    expect_refused(nosheet, CC_ERR_PARSE, "the part 'xl/worksheets/sheet1.xml' is missing");
    const char *nowb[] = {"word/document.xml", "<w/>", NULL};
    expect_refused(nowb, CC_ERR_PARSE,
                   "this ZIP archive is not an Excel workbook (it has no xl/workbook.xml)");
    const char *empty[] = {"_rels/.rels", PKG_RELS, "xl/workbook.xml", "<workbook " NS "/>", NULL};
    expect_refused(empty, CC_ERR_PARSE, "the workbook has no worksheet");
}

Test(xlsx, refuses_a_zip_bomb_in_bounded_memory)
{
    /* 80 MiB of one repeated row unpacks past the 64 MiB a part may have */
    size_t n = 80u << 20;
    char *big = malloc(n + 1);
    cr_assert_not_null(big);
    static const char head[] = "<worksheet " NS "><sheetData>";
    memcpy(big, head, sizeof head - 1);
    for (size_t i = sizeof head - 1; i < n; i++)
        big[i] = ' ';
    big[n] = 0;
    const char *parts[] = {"_rels/.rels",
                           PKG_RELS,
                           "xl/_rels/workbook.xml.rels",
                           WB_RELS(""),
                           "xl/workbook.xml",
                           WB(""),
                           "xl/worksheets/sheet1.xml",
                           big,
                           NULL};
    size_t len;
    char *b = mkzip(parts, &len);
    free(big);
    cr_expect_lt(len, 1u << 20, "the archive is small (%zu bytes)", len);
    opened o;
    open_bytes(&o, b, len);
    cr_expect_eq(o.rc, CC_ERR_LIMIT);
    cr_expect(strstr(first_error(&o), "unpacks to") != NULL, "%s", first_error(&o));
    cr_expect(strstr(first_error(&o), "zip bomb") == NULL, "the message states the size");
    cr_expect(o.d.items[0].hint && strstr(o.d.items[0].hint, "zip bomb"), "the hint names the attack");
    close_opened(&o);
}

Test(xlsx, refuses_data_that_is_no_zip)
{
    opened o;
    static const char junk[] = "PK\x03\x04 this is not really a zip archive at all";
    char *b = malloc(sizeof junk);
    memcpy(b, junk, sizeof junk);
    open_bytes(&o, b, sizeof junk - 1);
    cr_expect_eq(o.rc, CC_ERR_PARSE);
    cr_expect(strstr(first_error(&o), "the ZIP archive is damaged") != NULL, "%s", first_error(&o));
    close_opened(&o);
}

Test(xlsx, column_names)
{
    static const struct {
        int col;
        const char *name;
    } c[] = {{0, "A"}, {25, "Z"}, {26, "AA"}, {51, "AZ"}, {701, "ZZ"}, {702, "AAA"}, {16383, "XFD"}};
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        char buf[8];
        cc_xlsx_col_name(c[i].col, buf, sizeof buf);
        cr_expect_str_eq(buf, c[i].name);
    }
}

/* ---- sniff ---------------------------------------------------------------------------------- */

Test(sniff, kinds_by_content)
{
    static const struct {
        const char *bytes;
        size_t len;
        cc_sniff_kind k;
    } c[] = {
        {"", 0, CC_SNIFF_EMPTY},
        {"a,b\n1,2\n", 8, CC_SNIFF_UTF8},
        {"\xEF\xBB\xBF"
         "a,b\n",
         7, CC_SNIFF_UTF8},
        {"caf\xC3\xA9,b\n", 8, CC_SNIFF_UTF8},
        {"caf\xE9,b\n", 7, CC_SNIFF_CP1252},
        {"\x93quoted\x94,b\n", 11, CC_SNIFF_CP1252},
        {"bad \x81 byte\n", 11, CC_SNIFF_BINARY},
        {"over \xC0\xAF long\n", 13, CC_SNIFF_UTF8}, /* an overlong sequence: the reader locates it */
        {"\xFF\xFE"
         "a\0,\0b\0",
         8, CC_SNIFF_UTF16LE},
        {"\xFE\xFF\0a\0,\0b", 8, CC_SNIFF_UTF16BE},
        {"a\0,\0b\0\n\0", 8, CC_SNIFF_UTF16LE},
        {"\0a\0,\0b\0\n", 8, CC_SNIFF_UTF16BE},
        {"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1 ...", 12, CC_SNIFF_XLS},
        {"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1 E\0n\0c\0r\0y\0p\0t\0e\0d\0P\0a\0c\0k\0a\0g\0e\0", 41,
         CC_SNIFF_ENCRYPTED},
        {"PK\x03\x04....mimetypeapplication/vnd.oasis.opendocument.spreadsheet", 64, CC_SNIFF_ODS},
        {"PK\x03\x04....word/document.xml", 25, CC_SNIFF_ZIP},
        {"PK\x03\x04....xl/workbook.xml", 23, CC_SNIFF_XLSX},
        {"\x01\x02\x03\x04\x05\x06\x07\x08", 8, CC_SNIFF_BINARY},
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++)
        cr_expect_eq(cc_sniff(c[i].bytes, c[i].len), c[i].k, "case %zu: %s", i,
                     cc_sniff_name(cc_sniff(c[i].bytes, c[i].len)));
    cr_expect_str_eq(cc_sniff_name(CC_SNIFF_XLS),
                     "an Excel 97-2003 workbook (.xls) or another OLE2 compound file");
}

Test(sniff, converts_utf16_and_windows_1252)
{
    cc_buf b;
    cc_buf_init(&b);
    size_t bad;
    /* "a,é" and U+1F642 as a surrogate pair */
    cr_assert_eq(cc_sniff_to_utf8(CC_SNIFF_UTF16LE,
                                  "\xFF\xFE"
                                  "a\0,\0\xE9\0=\xD8\x42\xDE",
                                  12, &b, &bad),
                 CC_OK);
    cr_expect_str_eq(b.data, "a,\xC3\xA9\xF0\x9F\x99\x82");
    cc_buf_reset(&b);
    cr_assert_eq(cc_sniff_to_utf8(CC_SNIFF_UTF16BE, "\0a\0b", 4, &b, &bad), CC_OK);
    cr_expect_str_eq(b.data, "ab");
    cc_buf_reset(&b);
    cr_expect_eq(cc_sniff_to_utf8(CC_SNIFF_UTF16LE, "a\0\x00\xDC", 4, &b, &bad), CC_ERR_PARSE,
                 "lone surrogate");
    cr_expect_eq(bad, 2);
    cc_buf_reset(&b);
    cr_expect_eq(cc_sniff_to_utf8(CC_SNIFF_UTF16LE, "a\0b", 3, &b, &bad), CC_ERR_PARSE, "odd length");
    cc_buf_reset(&b);
    cr_assert_eq(cc_sniff_to_utf8(CC_SNIFF_CP1252, "caf\xE9 \x80 \x93q\x94", 11, &b, &bad), CC_OK);
    cr_expect_str_eq(b.data, "caf\xC3\xA9 \xE2\x82\xAC \xE2\x80\x9Cq\xE2\x80\x9D");
    cc_buf_reset(&b);
    cr_expect_eq(cc_sniff_to_utf8(CC_SNIFF_CP1252, "a\x81", 2, &b, &bad), CC_ERR_PARSE);
    cr_expect_eq(bad, 1);
    cr_expect_eq(cc_sniff_to_utf8(CC_SNIFF_XLSX, "a", 1, &b, &bad), CC_ERR_ARG);
    cc_buf_free(&b);
}
