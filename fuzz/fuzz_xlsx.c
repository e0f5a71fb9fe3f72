/* libFuzzer target: the workbook reader (io/xlsx) and the MSEL import of a sheet. The first byte
 * picks where the rest goes: the whole workbook (a ZIP), or one part of an otherwise sound
 * workbook that the harness packs with libzip (the sheet, the shared strings, the styles, the
 * workbook part, its relationships), so that mutations reach the XML instead of dying in the
 * deflate stream. Checks: every refusal carries an error; every table read has rows in strictly
 * increasing order, fields that are valid UTF-8 without NUL and merges that are ordered ranges;
 * an accepted import loads as a scenario. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "core/scenario.h"
#include "core/utf8.h"
#include "io/msel.h"
#include "io/scenario_load.h"
#include "io/xlsx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REL "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
#define NS "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\""

static const char pkg_rels[] =
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"" REL "officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>";
static const char wb_rels[] =
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"" REL "worksheet\" Target=\"worksheets/sheet1.xml\"/>"
    "<Relationship Id=\"rId2\" Type=\"" REL "sharedStrings\" Target=\"sharedStrings.xml\"/>"
    "<Relationship Id=\"rId3\" Type=\"" REL "styles\" Target=\"styles.xml\"/></Relationships>";
static const char workbook[] =
    "<workbook " NS " xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
    "<workbookPr date1904=\"0\"/><sheets><sheet name=\"MSEL\" sheetId=\"1\" "
    "r:id=\"rId1\"/></sheets></workbook>";
static const char strings[] =
    "<sst " NS "><si><t>Inject #</t></si><si><t>Scenario Time</t></si><si><t>Event Synopsis</t></si>"
    "<si><t>To</t></si><si><t>Label</t></si><si><t>all</t></si><si><t>UNCLASSIFIED</t></si>"
    "<si><r><t>Rich </t></r><r><t>text</t></r></si></sst>";
static const char styles[] =
    "<styleSheet " NS "><numFmts><numFmt numFmtId=\"164\" formatCode=\"yyyy-mm-dd hh:mm\"/></numFmts>"
    "<cellXfs><xf numFmtId=\"0\"/><xf numFmtId=\"164\"/><xf numFmtId=\"46\"/></cellXfs></styleSheet>";
static const char sheet[] =
    "<worksheet " NS
    "><sheetData><row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c>"
    "<c r=\"C1\" t=\"s\"><v>2</v></c><c r=\"D1\" t=\"s\"><v>3</v></c><c r=\"E1\" t=\"s\"><v>4</v></c></row>"
    "<row r=\"2\"><c r=\"A2\"><v>1</v></c><c r=\"B2\" s=\"1\"><v>46084.5</v></c><c r=\"C2\" "
    "t=\"s\"><v>7</v></c>"
    "<c r=\"D2\" t=\"s\"><v>5</v></c><c r=\"E2\" t=\"s\"><v>6</v></c></row></sheetData>"
    "<mergeCells><mergeCell ref=\"A3:E3\"/></mergeCells></worksheet>";

/* Packs the sound workbook with part k replaced by the input. */
static char *pack(size_t k, const uint8_t *in, size_t n, size_t *len)
{
    const char *names[] = {"xl/worksheets/sheet1.xml", "xl/sharedStrings.xml",       "xl/styles.xml",
                           "xl/workbook.xml",          "xl/_rels/workbook.xml.rels", "_rels/.rels"};
    const char *texts[] = {sheet, strings, styles, workbook, wb_rels, pkg_rels};
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &ze);
    zip_t *z = src ? zip_open_from_source(src, ZIP_TRUNCATE, &ze) : NULL;
    zip_error_fini(&ze);
    if (!z) {
        zip_source_free(src);
        return NULL;
    }
    zip_source_keep(src);
    for (size_t i = 0; i < 6; i++) {
        zip_source_t *s =
            i == k ? zip_source_buffer(z, in, n, 0) : zip_source_buffer(z, texts[i], strlen(texts[i]), 0);
        if (!s || zip_file_add(z, names[i], s, 0) < 0) {
            zip_source_free(s);
            zip_discard(z);
            zip_source_free(src);
            return NULL;
        }
    }
    char *out = NULL;
    zip_stat_t st;
    if (zip_close(z) == 0 && zip_source_stat(src, &st) == 0 && zip_source_open(src) == 0) {
        out = malloc(st.size + 1);
        if (out && zip_source_read(src, out, st.size) != (zip_int64_t)st.size) {
            free(out);
            out = NULL;
        }
        *len = st.size;
        zip_source_close(src);
    } else {
        zip_discard(z);
    }
    zip_source_free(src);
    return out;
}

static void check_table(const cc_csv *t, const cc_xlsx_merge *m, size_t nm)
{
    int last = 0;
    for (size_t r = 0; r < cc_csv_nrecords(t); r++) {
        int row = cc_csv_row(t, r);
        if (row <= last)
            __builtin_trap(); /* rows out of order */
        last = row;
        for (size_t f = 0; f < cc_csv_nfields(t, r); f++) {
            size_t len, bad;
            const char *v = cc_csv_field(t, r, f, &len);
            if (cc_utf8_check(v, len, &bad) != CC_UTF8_OK || strlen(v) != len)
                __builtin_trap(); /* a field that is not clean UTF-8 */
        }
    }
    for (size_t i = 0; i < nm; i++)
        if (m[i].r0 > m[i].r1 || m[i].c0 > m[i].c1 || m[i].r0 < 0 || m[i].c0 < 0)
            __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    size_t mode = data[0] % 7, len = size - 1;
    char *bytes = NULL;
    if (mode == 6) {
        bytes = malloc(len + 1);
        if (bytes)
            memcpy(bytes, data + 1, len);
    } else {
        bytes = pack(mode, data + 1, len, &len);
    }
    if (!bytes)
        return 0;
    cc_diags d;
    cc_diags_init(&d);
    cc_xlsx *x = NULL;
    cc_err rc = cc_xlsx_open(bytes, len, "f.xlsx", &d, &x);
    if (rc != CC_OK && rc != CC_ERR_NOMEM && d.errors == 0)
        __builtin_trap(); /* refused without a reason */
    for (size_t i = 0; x && i < cc_xlsx_nsheets(x) && i < 4; i++) {
        cc_csv *t = NULL;
        cc_xlsx_merge *m = NULL;
        size_t nm = 0, before = d.errors;
        rc = cc_xlsx_read_sheet(x, i, &d, &t, &m, &nm);
        if (rc != CC_OK && rc != CC_ERR_NOMEM && d.errors == before)
            __builtin_trap();
        if (rc == CC_OK) {
            check_table(t, m, nm);
            if (i == 0) {
                cc_msel_import_opts o = {.dates = -1, .merges = m, .nmerges = nm};
                cc_diags d2;
                cc_diags_init(&d2);
                cc_buf y;
                cc_buf_init(&y);
                if (cc_msel_import_table(t, "f.xlsx[MSEL]", &o, &d2, &y) == CC_OK) {
                    cc_scenario *s = NULL;
                    cc_diags d3;
                    cc_diags_init(&d3);
                    if (cc_scenario_load(y.data, y.len, "out.yaml", NULL, &d3, &s) != CC_OK)
                        __builtin_trap(); /* an accepted import that does not load */
                    cc_scenario_free(s);
                    cc_diags_free(&d3);
                } else if (d2.errors == 0 && !d2.oom) {
                    __builtin_trap();
                }
                cc_buf_free(&y);
                cc_diags_free(&d2);
            }
        }
        free(m);
        cc_csv_free(t);
    }
    cc_xlsx_free(x);
    cc_diags_free(&d);
    free(bytes);
    return 0;
}
