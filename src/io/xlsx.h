/* xlsx — reads the sheets of an Office Open XML workbook (.xlsx, SpreadsheetML) into tables of
 * text cells: the ZIP container through libzip, every XML part through expat. Shared strings,
 * inline and rich text, numbers, booleans, formula results, dates stored as serial numbers
 * (1900 and 1904 date systems, by the cell's number format) and merged ranges. Hostile
 * workbooks are refused with a clear error in bounded time and memory: parts that unpack to
 * more than CC_XLSX_MAX_PART bytes (zip bombs), member names that climb out of the archive
 * (path traversal), any DTD (entity expansion), cells beyond the table limits (absurd
 * dimensions), too many strings, cells or merged ranges. Nothing is ever written to disk. */
#ifndef CC_XLSX_H
#define CC_XLSX_H

#include <stddef.h>

#include "core/diag.h"
#include "io/csv.h"

#define CC_XLSX_MAX_PART (64u << 20)   /* bytes one part may unpack to */
#define CC_XLSX_MAX_TOTAL (256u << 20) /* bytes all parts read may unpack to */
#define CC_XLSX_MAX_MEMBERS 10000u     /* members in the archive */
#define CC_XLSX_MAX_STRINGS 1000000u   /* shared strings */
#define CC_XLSX_MAX_CELLS 2000000u     /* non-empty cells of a sheet */
#define CC_XLSX_MAX_MERGES 100000u     /* merged ranges of a sheet */
#define CC_XLSX_MAX_SHEETS 1000u       /* sheets of a workbook */

/* An open workbook (opaque): its sheet list, shared strings, styles and date system. */
typedef struct cc_xlsx cc_xlsx;

/* A merged range of a sheet: rows r0..r1 (1-based spreadsheet rows) and columns c0..c1
 * (0-based, the table's field numbers), inclusive. */
typedef struct cc_xlsx_merge {
    int r0, r1;
    int c0, c1;
} cc_xlsx_merge;

/* Opens the workbook data[0..len) (the bytes must stay valid until cc_xlsx_free); file names it
 * in diagnostics. Reads the package relationships, the workbook (sheet names, date system),
 * the shared strings and the styles. Errors are appended to d: CC_ERR_PARSE (not a ZIP, not
 * a workbook, malformed XML, a DTD), CC_ERR_LIMIT (a bound above exceeded), CC_ERR_INVALID
 * (encrypted parts, path traversal names), CC_ERR_NOMEM. On success the caller frees *out
 * with cc_xlsx_free. */
cc_err cc_xlsx_open(const char *data, size_t len, const char *file, cc_diags *d, cc_xlsx **out);
void cc_xlsx_free(cc_xlsx *x);

size_t cc_xlsx_nsheets(const cc_xlsx *x);
/* Name of sheet i (0-based, in workbook order), or NULL beyond the end. */
const char *cc_xlsx_sheet_name(const cc_xlsx *x, size_t i);
/* 1 when the workbook uses the 1904 date system. */
int cc_xlsx_date1904(const cc_xlsx *x);

/* Reads sheet i into a table: one record per row that has a value (its spreadsheet row number
 * kept), fields from column A to the last column with a value in the sheet, each the cell's
 * text: strings as written (OOXML _xHHHH_ escapes decoded), numbers in their shortest exact
 * decimal form, booleans TRUE/FALSE, error values as written (#N/A), numbers formatted as a
 * date as "YYYY-MM-DD HH:MM[:SS]" (a date alone "YYYY-MM-DD", a time of day "HH:MM[:SS]", an
 * elapsed time [h]:mm as "+H:MM[:SS]"). *merges (may be NULL when not wanted) receives a
 * malloc'd array of the sheet's merged ranges, *nmerges their count; the caller frees both the
 * table (cc_csv_free) and the array (free). Diagnostics name the file as "FILE[SHEET]" with
 * the row and column of the cell. Errors as cc_xlsx_open, and CC_ERR_ARG for i out of range. */
cc_err cc_xlsx_read_sheet(cc_xlsx *x, size_t i, cc_diags *d, cc_csv **table, cc_xlsx_merge **merges,
                          size_t *nmerges);

/* Column letters of a 0-based column ("A", "Z", "AA", ...) into buf (at least 4 bytes). */
void cc_xlsx_col_name(int col, char *buf, size_t size);

#endif
