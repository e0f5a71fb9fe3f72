/* csv — RFC 4180 comma-separated values: a strict, bounded reader (quotes, doubled quotes,
 * embedded line breaks, CR LF / LF / CR, UTF-8 BOM, separator detection, limits, UTF-8
 * validation) with ROW:FIELD diagnostics, a quoting writer, and the reading of spreadsheet
 * date/time cells (ISO, day/month or month/day order, Excel serial numbers). */
#ifndef CC_CSV_H
#define CC_CSV_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/diag.h"

#define CC_CSV_MAX_BYTES (64u << 20) /* largest file cc_csv_read_file accepts */
#define CC_CSV_MAX_FIELD (1u << 20)  /* default longest field, bytes */
#define CC_CSV_MAX_ROWS 100000u      /* default most records, the header included */
#define CC_CSV_MAX_COLS 1024u        /* default most fields per record */

typedef struct cc_csv_opts {
    char sep;         /* ',', ';' or '\t'; 0: detected from the first record (most frequent of the
                         three outside quotes; ',' on a tie or when none occurs) */
    size_t max_field; /* 0: CC_CSV_MAX_FIELD */
    size_t max_rows;  /* 0: CC_CSV_MAX_ROWS */
    size_t max_cols;  /* 0: CC_CSV_MAX_COLS */
    int allow_ragged; /* non-zero: records may have another number of fields than the first */
} cc_csv_opts;

/* A parsed table of records (opaque). Records whose fields are all empty (blank lines,
 * ",,,") are dropped but still counted in row numbers, as a spreadsheet counts them. */
typedef struct cc_csv cc_csv;

/* Parses text[0..len); file names the input in diagnostics, which are "FILE:ROW:FIELD"
 * (ROW = 1-based record number, the header being row 1, as a spreadsheet shows it; FIELD =
 * 1-based field number) with the physical line in the message where it differs. Errors:
 * unterminated quoted field, a character after a closing quote, invalid UTF-8 or a NUL byte
 * (with the byte offset in the field), a ragged record, field/row/column limits
 * (CC_ERR_LIMIT), otherwise CC_ERR_PARSE. On success *out is a table the caller frees with
 * cc_csv_free; on error *out is NULL. opts may be NULL. Time and memory are linear in len. */
cc_err cc_csv_parse(const char *text, size_t len, const char *file, const cc_csv_opts *opts, cc_diags *d,
                    cc_csv **out);
void cc_csv_free(cc_csv *c);

/* A table built record by record by a reader of another format (io/xlsx): an empty table the
 * caller frees with cc_csv_free, or NULL on ENOMEM. */
cc_csv *cc_csv_new(void);
/* Appends a record of n fields (fields[i] of lens[i] bytes, copied; NULL counts as empty) read
 * from spreadsheet row row (its line too). The caller validates the text (UTF-8, limits).
 * Errors: CC_ERR_NOMEM. */
cc_err cc_csv_add_record(cc_csv *c, int row, const char *const *fields, const size_t *lens, size_t n);

/* Reads a whole file (at most CC_CSV_MAX_BYTES) into a malloc'd, NUL-terminated buffer the
 * caller frees. Errors (CC_ERR_IO, CC_ERR_LIMIT, CC_ERR_NOMEM) are appended to d. */
cc_err cc_csv_read_file(const char *path, char **text, size_t *len, cc_diags *d);

size_t cc_csv_nrecords(const cc_csv *c);
size_t cc_csv_nfields(const cc_csv *c, size_t rec);
/* Field text (NUL-terminated; may contain line breaks); "" for a field beyond the record's
 * end. len may be NULL. */
const char *cc_csv_field(const cc_csv *c, size_t rec, size_t field, size_t *len);
/* 1-based record number (spreadsheet row) of a kept record. */
int cc_csv_row(const cc_csv *c, size_t rec);
/* 1-based physical line on which a field starts (the record's line for a missing field). */
int cc_csv_line(const cc_csv *c, size_t rec, size_t field);
/* The separator used (given or detected). */
char cc_csv_sep(const cc_csv *c);

/* Appends one field, in double quotes (quotes doubled) when it contains the separator, a
 * quote, a line break, or leading/trailing spaces or tabs; otherwise as is. */
cc_err cc_csv_put_field(cc_buf *b, const char *s, size_t len, char sep);
/* Appends n fields (NULL counts as empty) and a CR LF. */
cc_err cc_csv_put_row(cc_buf *b, const char *const *fields, size_t n, char sep);

/* Date order of slash or dot dates ("01/03/2026"). */
typedef enum cc_csv_dates { CC_CSV_DMY = 0, CC_CSV_MDY = 1 } cc_csv_dates;

/* Reads a spreadsheet date/time cell as local civil time without a zone: *civil_s is the
 * number of seconds since 1970-01-01 00:00 on the wall clock. Accepted: "2026-03-01 09:30",
 * "2026-03-01T09:30:15", "2026/03/01 09:30", "01/03/2026 09:30" and "01.03.2026 9:30"
 * (order by dates; 2-digit years are refused), an optional " AM"/" PM" after a 12-hour
 * time, a date alone (midnight), and Excel serial numbers ("46082.395833", days since
 * 1899-12-30, >= 1, rounded to the second). Years 1970..9999. Errors: CC_ERR_PARSE with *why
 * a static message. */
cc_err cc_csv_datetime(const char *s, size_t len, cc_csv_dates dates, int64_t *civil_s, const char **why);

/* What a slash/dot date says about the order: 1 when it can only be day/month (first number
 * > 12), -1 when only month/day (second > 12), 0 otherwise or when s is no such date. */
int cc_csv_date_order(const char *s, size_t len);

#endif
