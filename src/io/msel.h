/* msel — the Master Scenario Events List: a scenario's injects as a table (one row per
 * inject, one column per field, see docs/msel.md), written as CSV, and read back from a CSV
 * of any common MSEL template into a scenario file (YAML). Export then import keeps every
 * inject field. Import reports every problem as FILE:ROW:COL with the column's header. */
#ifndef CC_MSEL_H
#define CC_MSEL_H

#include <stddef.h>

#include "core/buf.h"
#include "core/diag.h"
#include "core/scenario.h"
#include "io/csv.h"
#include "io/xlsx.h"

/* Columns, in the order export writes them. */
typedef enum cc_msel_col {
    CC_MSEL_ID,               /* inject number (inject id) */
    CC_MSEL_TIME,             /* scenario time, "+2h30m" (empty for a triggered inject) */
    CC_MSEL_DELIVERY,         /* delivery time in the exercise zone, "2026-03-03 11:30" */
    CC_MSEL_TITLE,            /* event synopsis */
    CC_MSEL_BODY,             /* inject body */
    CC_MSEL_FROM,             /* sender seat or "control" */
    CC_MSEL_TO,               /* intended players: references, comma separated */
    CC_MSEL_CHANNEL,          /* delivery method */
    CC_MSEL_EXPECTED,         /* expected actions, one per line (or a JSON array) */
    CC_MSEL_OBJECTIVES,       /* objective ids */
    CC_MSEL_CONTROLLER,       /* kept as the notes' last line "Controller: NAME" */
    CC_MSEL_NOTES,            /* controller notes */
    CC_MSEL_LABEL,            /* canonical banner */
    CC_MSEL_TRIGGER,          /* "after I-3", "decision D-1 outcome hold", ... */
    CC_MSEL_DELAY,            /* trigger delay */
    CC_MSEL_CLASS,            /* tags used by guideline rules */
    CC_MSEL_ORIGINATOR,       /* inject originator party, when written in the scenario */
    CC_MSEL_LABEL_ORIGINATOR, /* label originator, when it differs from the inject's */
    CC_MSEL_NCOLS
} cc_msel_col;

/* Header written by export ("Inject #", "Scenario Time", ...). */
const char *cc_msel_header(cc_msel_col c);
/* Short key used by --map ("id", "time", "delivery", "title", ...). */
const char *cc_msel_key(cc_msel_col c);
/* The column a header names: exact key, export header or a known synonym, compared without
 * case, spaces or punctuation ("Inject No." = "inject #" = "id"); -1 when unknown. */
int cc_msel_col_of(const char *header, size_t len);

/* A table of rows x CC_MSEL_NCOLS strings (opaque). */
typedef struct cc_msel cc_msel;

/* Builds the table of a loaded scenario's injects, in scenario order. The caller frees it
 * with cc_msel_free. Errors: CC_ERR_NOMEM, CC_ERR_ARG. */
cc_err cc_msel_export(const cc_scenario *s, cc_msel **out);
void cc_msel_free(cc_msel *m);
size_t cc_msel_nrows(const cc_msel *m);
/* Never NULL ("" for an empty cell). */
const char *cc_msel_cell(const cc_msel *m, size_t row, cc_msel_col c);
/* Texts in several languages (docs/msel.md, "Several languages"): a table of a scenario that
 * declares languages carries, after the columns above, one column per other language for each
 * text column (cc_msel_text_cols: title, body, expected, notes), headed "HEADER@TAG" ("Inject
 * Body@ko"), in the order of exercise.languages. The columns above hold the authoritative text. */
#define CC_MSEL_NTEXT 4
extern const cc_msel_col cc_msel_text_cols[CC_MSEL_NTEXT];
/* Index of c in cc_msel_text_cols, -1 when c is not a text column. */
int cc_msel_text_index(cc_msel_col c);
/* The languages other than the authoritative one the table carries (0 for a scenario in one
 * language), and the k-th one's tag. */
size_t cc_msel_nlangs(const cc_msel *m);
const char *cc_msel_lang(const cc_msel *m, size_t k);
/* The text of column c in the table's k-th other language; "" when c is no text column, k is out
 * of range or the scenario has no such text. */
const char *cc_msel_cell_lang(const cc_msel *m, size_t row, cc_msel_col c, size_t k);
/* Splits a header "HEADER@TAG": the text column HEADER names (cc_msel_col_of) and the tag
 * (copied to tag[size]); -1 when the header has no '@', names no text column, or the tag is no
 * language tag. */
int cc_msel_lang_header(const char *h, size_t len, char *tag, size_t size);

/* Appends the header row and every row as CSV (sep ',', ';' or '\t'; CR LF line ends; a
 * UTF-8 BOM first when bom is non-zero, which spreadsheet programs need to read UTF-8). */
cc_err cc_msel_write_csv(const cc_msel *m, char sep, int bom, cc_buf *out);

/* Writes the table as an Excel workbook at path (libxlsxwriter): one sheet, MSEL, the same
 * columns as the CSV, every cell as text (so "+2h30m" stays text), a bold header row kept in
 * view, a filter, wrapped text. Errors: CC_ERR_IO (cannot create or write; nothing is left at
 * path), CC_ERR_LIMIT (a cell over Excel's 32,767 characters), CC_ERR_NOMEM; why receives the
 * reason with the row and column. */
cc_err cc_msel_write_xlsx(const cc_msel *m, const char *path, char *why, size_t whylen);

typedef struct cc_msel_import_opts {
    char sep;                /* 0: detect from the header line */
    const char *const *maps; /* "COLUMN=Header Name,COLUMN=Header" (COLUMN as cc_msel_key) */
    size_t nmaps;
    int dates;             /* order of slash dates: -1 detect from the values (default
                              day/month), CC_CSV_DMY (0) or CC_CSV_MDY (1) */
    const char *into_file; /* base scenario: its path (for diagnostics) and text, or NULL */
    const char *into_text;
    size_t into_len;
    int merge; /* with a base: keep base injects the CSV does not name and
                  replace those it does; default: the CSV replaces all injects */
    /* without a base, for the minimal scenario: */
    const char *start;      /* RFC 3339 start; NULL: the earliest absolute time, else
                               2026-01-01T00:00:00Z */
    const char *zone;       /* IANA zone of the exercise and its parties; NULL: UTC */
    const char *id, *title; /* exercise id and title; NULL: from the file name */
    const char *tzdir;      /* time zone database; NULL: /usr/share/zoneinfo */
    /* merged ranges of a workbook sheet (cc_msel_import_table): a group header merged across
       columns names the sub-headers of the row below; a range merged down a column gives its
       value to every row it covers; a row that is one range across the table is a section
       heading, not an inject */
    const cc_xlsx_merge *merges;
    size_t nmerges;
} cc_msel_import_opts;

/* Reads an MSEL CSV (csv[0..len), named file) and appends a complete scenario (YAML) to out:
 * the base scenario with its injects section replaced (or merged), or a minimal scenario
 * built around the injects (parties, seats, groups, cells and objectives inferred from the
 * references; see docs/msel.md). The result is loaded and checked before it is returned;
 * every diagnostic is reported against the CSV row and column it comes from. Returns CC_OK
 * (warnings may have been appended), CC_ERR_PARSE / CC_ERR_INVALID / CC_ERR_LIMIT when errors
 * were appended (out must then not be used), CC_ERR_ARG for a bad --map, or CC_ERR_NOMEM. */
cc_err cc_msel_import(const char *csv, size_t len, const char *file, const cc_msel_import_opts *o,
                      cc_diags *d, cc_buf *out);

/* The same from a table already read (a CSV, or a workbook sheet through io/xlsx; the table
 * stays the caller's). The header is the first of the first ten rows that names at least two
 * MSEL columns; rows above it (a title) are not imported, with a note. */
cc_err cc_msel_import_table(const cc_csv *table, const char *file, const cc_msel_import_opts *o, cc_diags *d,
                            cc_buf *out);

#endif
