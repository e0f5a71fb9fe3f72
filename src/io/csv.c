/* csv — RFC 4180 reader and writer, and spreadsheet date/time cells. The reader is one pass
 * over the bytes with explicit limits; every field is validated as UTF-8 after unquoting. */
#include "io/csv.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ctime.h"
#include "core/grow.h"
#include "core/utf8.h"
#include "io/file.h"

typedef struct csv_field {
    size_t off, len;
    int line;
} csv_field;

typedef struct csv_rec {
    size_t first, n;
    int row, line;
} csv_rec;

struct cc_csv {
    cc_buf data; /* field bytes, each NUL-terminated */
    csv_field *fields;
    size_t nfields, capfields;
    csv_rec *recs;
    size_t nrecs, caprecs;
    char sep;
};

static int grow(void **v, size_t *cap, size_t need, size_t size)
{
    void *p = need ? cc_grow(*v, cap, need, size) : *v;
    if (need && !p)
        return -1;
    *v = p;
    return 0;
}

void cc_csv_free(cc_csv *c)
{
    if (!c)
        return;
    cc_buf_free(&c->data);
    free(c->fields);
    free(c->recs);
    free(c);
}

/* The separator of the first record: the most frequent of , ; TAB outside quotes. */
static char detect_sep(const char *t, size_t len)
{
    size_t comma = 0, semi = 0, tab = 0;
    int inq = 0;
    for (size_t i = 0; i < len; i++) {
        char ch = t[i];
        if (ch == '"')
            inq = !inq;
        else if (!inq && (ch == '\n' || ch == '\r'))
            break;
        else if (!inq && ch == ',')
            comma++;
        else if (!inq && ch == ';')
            semi++;
        else if (!inq && ch == '\t')
            tab++;
    }
    if (semi > comma && semi >= tab)
        return ';';
    if (tab > comma && tab > semi)
        return '\t';
    return ',';
}

typedef struct rd {
    cc_csv *c;
    const char *file;
    cc_diags *d;
    size_t errors;
    const char *text; /* the input, read from pos */
    size_t len, pos;
    int row, line; /* the record and the line being read */
    char sep;
    size_t max_field, max_cols;
    char note[48];
} rd;

__attribute__((format(printf, 6, 7))) static void rerr(rd *R, int row, int field, const char *code,
                                                       const char *hint, const char *fmt, ...)
{
    char buf[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    R->errors++;
    cc_diags_add(R->d, CC_SEV_ERROR, R->file, (cc_pos){row, field}, code, hint, "%s", buf);
}

static const char *line_note(char *buf, size_t n, int row, int line)
{
    if (row == line)
        buf[0] = 0;
    else
        snprintf(buf, n, " (line %d)", line);
    return buf;
}

/* A quoted field (pos at its opening quote) appended to the data, stopping once it is longer
 * than the limit. */
static cc_err quoted_field(rd *R, int fno, int fline, size_t start)
{
    cc_csv *c = R->c;
    const char *text = R->text;
    size_t len = R->len;
    R->pos++;
    for (;;) {
        if (R->pos >= len) {
            rerr(R, R->row, fno, "unterminated-quote",
                 "close the field with a double quote; a quote inside a field is written \"\"",
                 "row %d, field %d: quoted field starting on line %d is never closed", R->row, fno, fline);
            return CC_ERR_PARSE;
        }
        char ch = text[R->pos];
        if (ch == '"') {
            if (R->pos + 1 < len && text[R->pos + 1] == '"') {
                cc_buf_putc(&c->data, '"');
                R->pos += 2;
                continue;
            }
            R->pos++;
            break;
        }
        if (ch == '\n' || (ch == '\r' && !(R->pos + 1 < len && text[R->pos + 1] == '\n')))
            R->line++;
        /* copy a run of ordinary bytes at once */
        size_t run = R->pos + 1;
        while (run < len && text[run] != '"' && text[run] != '\n' && text[run] != '\r')
            run++;
        cc_buf_append(&c->data, text + R->pos, run - R->pos);
        R->pos = run;
        if (c->data.len - start > R->max_field)
            return CC_OK;
    }
    size_t pos = R->pos;
    if (c->data.len - start <= R->max_field && pos < len && text[pos] != R->sep && text[pos] != '\n' &&
        text[pos] != '\r') {
        unsigned char bad = (unsigned char)text[pos];
        rerr(R, R->row, fno, "bad-quote",
             "a field that contains a quote must be quoted as a whole, with the quote doubled",
             bad >= 0x20 && bad < 0x7f ? "row %d, field %d: unexpected '%c' after the closing quote%s"
                                       : "row %d, field %d: unexpected byte 0x%02x after the closing "
                                         "quote%s",
             R->row, fno, bad, line_note(R->note, sizeof R->note, R->row, R->line));
        return CC_ERR_PARSE;
    }
    return CC_OK;
}

/* One field (number fno of the record) read, checked and kept; *more is set when another
 * field of the record follows. */
static cc_err read_field(rd *R, int fno, size_t *nonempty, int *more)
{
    cc_csv *c = R->c;
    const char *text = R->text;
    size_t len = R->len;
    int fline = R->line;
    size_t start = c->data.len;
    *more = 0;
    if (R->pos < len && text[R->pos] == '"') {
        cc_err rc = quoted_field(R, fno, fline, start);
        if (rc != CC_OK)
            return rc;
    } else {
        size_t e = R->pos;
        while (e < len && text[e] != R->sep && text[e] != '\n' && text[e] != '\r')
            e++;
        if (e - R->pos > R->max_field)
            e = R->pos + R->max_field + 1;
        cc_buf_append(&c->data, text + R->pos, e - R->pos);
        R->pos = e;
    }
    size_t flen = c->data.len - start;
    if (flen > R->max_field) {
        rerr(R, R->row, fno, "limit", "shorten the field, or check for a missing closing quote",
             "row %d, field %d is longer than %zu bytes (starts on line %d)", R->row, fno, R->max_field,
             fline);
        return CC_ERR_LIMIT;
    }
    size_t bad;
    const char *field = c->data.data ? c->data.data + start : ""; /* NULL: nothing appended yet */
    cc_utf8_status st = cc_utf8_check(field, flen, &bad);
    if (st != CC_UTF8_OK) {
        rerr(R, R->row, fno, "bad-utf8", "save the file as UTF-8 (in Excel: CSV UTF-8)",
             "row %d, field %d: %s at byte %zu of the field (byte 0x%02x)%s", R->row, fno,
             cc_utf8_status_str(st), bad + 1, (unsigned char)field[bad],
             line_note(R->note, sizeof R->note, R->row, fline));
    }
    if (cc_buf_putc(&c->data, 0) != CC_OK ||
        grow((void **)&c->fields, &c->capfields, c->nfields + 1, sizeof *c->fields))
        return CC_ERR_NOMEM;
    c->fields[c->nfields++] = (csv_field){start, flen, fline};
    if (flen)
        (*nonempty)++;
    if (R->pos >= len)
        return CC_OK;
    if (text[R->pos] == R->sep) {
        R->pos++;
        *more = 1;
        return CC_OK;
    }
    /* end of record: CR LF, LF or CR */
    if (text[R->pos] == '\r' && R->pos + 1 < len && text[R->pos + 1] == '\n')
        R->pos++;
    R->pos++;
    R->line++;
    return CC_OK;
}

/* The fields of one record, up to its end. */
static cc_err read_record(rd *R, size_t *nonempty)
{
    for (int fno = 1;; fno++) {
        if ((size_t)fno > R->max_cols) {
            rerr(R, R->row, fno, "limit", "split the table or raise the limit",
                 "row %d has more than %zu fields%s", R->row, R->max_cols,
                 line_note(R->note, sizeof R->note, R->row, R->line));
            return CC_ERR_LIMIT;
        }
        int more = 0;
        cc_err rc = read_field(R, fno, nonempty, &more);
        if (rc != CC_OK || !more)
            return rc;
    }
}

cc_err cc_csv_parse(const char *text, size_t len, const char *file, const cc_csv_opts *opts, cc_diags *d,
                    cc_csv **out)
{
    *out = NULL;
    cc_csv_opts o = opts ? *opts : (cc_csv_opts){0};
    size_t max_rows = o.max_rows ? o.max_rows : CC_CSV_MAX_ROWS;
    if (o.sep && o.sep != ',' && o.sep != ';' && o.sep != '\t')
        return CC_ERR_ARG;
    cc_csv *c = calloc(1, sizeof *c);
    if (!c)
        return CC_ERR_NOMEM;
    cc_buf_init(&c->data);
    rd R = {.c = c,
            .file = file,
            .d = d,
            .text = text,
            .len = len,
            .line = 1,
            .max_field = o.max_field ? o.max_field : CC_CSV_MAX_FIELD,
            .max_cols = o.max_cols ? o.max_cols : CC_CSV_MAX_COLS};
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        R.pos = 3;
    R.sep = o.sep ? o.sep : detect_sep(text + R.pos, len - R.pos);
    c->sep = R.sep;
    size_t header_n = 0;
    int have_header = 0;
    cc_err rc = CC_OK;
    while (R.pos < len && rc == CC_OK) {
        R.row++;
        int rec_line = R.line, row = R.row;
        size_t first = c->nfields, nonempty = 0;
        if ((rc = read_record(&R, &nonempty)) != CC_OK)
            break;
        size_t n = c->nfields - first;
        if (nonempty == 0) {
            c->nfields = first; /* a blank record: counted, not kept */
            continue;
        }
        if (!have_header) {
            have_header = 1;
            header_n = n;
        } else if (n != header_n && !o.allow_ragged) {
            rerr(&R, row, (int)(n < header_n ? n : header_n) + 1, "ragged",
                 "a field that contains the separator or a line break must be in double quotes",
                 "row %d has %zu field%s, but the header has %zu%s", row, n, n == 1 ? "" : "s", header_n,
                 line_note(R.note, sizeof R.note, row, rec_line));
        }
        if (c->nrecs >= max_rows) {
            rerr(&R, row, 1, "limit", "split the table", "more than %zu rows", max_rows);
            rc = CC_ERR_LIMIT;
            break;
        }
        if (grow((void **)&c->recs, &c->caprecs, c->nrecs + 1, sizeof *c->recs)) {
            rc = CC_ERR_NOMEM;
            break;
        }
        c->recs[c->nrecs++] = (csv_rec){first, n, row, rec_line};
    }
    if (rc == CC_OK && c->data.oom)
        rc = CC_ERR_NOMEM;
    if (rc == CC_OK && R.errors)
        rc = CC_ERR_PARSE;
    if (rc != CC_OK) {
        cc_csv_free(c);
        return rc;
    }
    *out = c;
    return CC_OK;
}

cc_csv *cc_csv_new(void)
{
    cc_csv *c = calloc(1, sizeof *c);
    if (c) {
        cc_buf_init(&c->data);
        c->sep = ',';
    }
    return c;
}

cc_err cc_csv_add_record(cc_csv *c, int row, const char *const *fields, const size_t *lens, size_t n)
{
    if (grow((void **)&c->fields, &c->capfields, c->nfields + n, sizeof *c->fields) ||
        grow((void **)&c->recs, &c->caprecs, c->nrecs + 1, sizeof *c->recs))
        return CC_ERR_NOMEM;
    size_t first = c->nfields;
    for (size_t i = 0; i < n; i++) {
        size_t start = c->data.len, len = fields[i] ? lens[i] : 0;
        if (len)
            cc_buf_append(&c->data, fields[i], len);
        cc_buf_putc(&c->data, 0);
        c->fields[c->nfields++] = (csv_field){start, len, row};
    }
    if (c->data.oom) {
        c->nfields = first;
        return CC_ERR_NOMEM;
    }
    c->recs[c->nrecs++] = (csv_rec){first, n, row, row};
    return CC_OK;
}

cc_err cc_csv_read_file(const char *path, char **text, size_t *len, cc_diags *d)
{
    char why[300];
    cc_err rc = cc_file_read(path, CC_CSV_MAX_BYTES, text, len, why, sizeof why);
    if (rc != CC_OK)
        cc_diags_add(d, CC_SEV_ERROR, path, (cc_pos){0, 0}, rc == CC_ERR_LIMIT ? "limit" : "io", NULL, "%s", why);
    return rc;
}

size_t cc_csv_nrecords(const cc_csv *c)
{
    return c->nrecs;
}

size_t cc_csv_nfields(const cc_csv *c, size_t rec)
{
    return rec < c->nrecs ? c->recs[rec].n : 0;
}

const char *cc_csv_field(const cc_csv *c, size_t rec, size_t field, size_t *len)
{
    if (rec >= c->nrecs || field >= c->recs[rec].n) {
        if (len)
            *len = 0;
        return "";
    }
    const csv_field *f = &c->fields[c->recs[rec].first + field];
    if (len)
        *len = f->len;
    return c->data.data + f->off;
}

int cc_csv_row(const cc_csv *c, size_t rec)
{
    return rec < c->nrecs ? c->recs[rec].row : 0;
}

int cc_csv_line(const cc_csv *c, size_t rec, size_t field)
{
    if (rec >= c->nrecs)
        return 0;
    if (field >= c->recs[rec].n)
        return c->recs[rec].line;
    return c->fields[c->recs[rec].first + field].line;
}

char cc_csv_sep(const cc_csv *c)
{
    return c->sep;
}

/* ---- writer ------------------------------------------------------------------------ */

cc_err cc_csv_put_field(cc_buf *b, const char *s, size_t len, char sep)
{
    int quote = len > 0 && (s[0] == ' ' || s[0] == '\t' || s[len - 1] == ' ' || s[len - 1] == '\t');
    for (size_t i = 0; i < len && !quote; i++)
        quote = s[i] == sep || s[i] == '"' || s[i] == '\n' || s[i] == '\r';
    if (!quote)
        return cc_buf_append(b, s, len);
    cc_buf_putc(b, '"');
    size_t from = 0;
    for (size_t i = 0; i < len; i++)
        if (s[i] == '"') {
            cc_buf_append(b, s + from, i + 1 - from);
            cc_buf_putc(b, '"');
            from = i + 1;
        }
    cc_buf_append(b, s + from, len - from);
    return cc_buf_putc(b, '"');
}

cc_err cc_csv_put_row(cc_buf *b, const char *const *fields, size_t n, char sep)
{
    for (size_t i = 0; i < n; i++) {
        if (i)
            cc_buf_putc(b, sep);
        const char *f = fields[i] ? fields[i] : "";
        cc_csv_put_field(b, f, strlen(f), sep);
    }
    return cc_buf_append(b, "\r\n", 2);
}

/* ---- date/time cells ------------------------------------------------------------- */

typedef struct scan {
    const char *s;
    size_t len, i;
} scan;

/* Reads 1..maxd digits; -1 when there are none. */
static int64_t digits(scan *p, int maxd, int *nd)
{
    int64_t v = 0;
    int n = 0;
    while (p->i < p->len && n < maxd && p->s[p->i] >= '0' && p->s[p->i] <= '9') {
        v = v * 10 + (p->s[p->i] - '0');
        p->i++;
        n++;
    }
    if (nd)
        *nd = n;
    return n ? v : -1;
}

static int peek(const scan *p)
{
    return p->i < p->len ? (unsigned char)p->s[p->i] : -1;
}

static void skip_spaces(scan *p)
{
    while (p->i < p->len && (p->s[p->i] == ' ' || p->s[p->i] == '\t'))
        p->i++;
}

static int days_in_month(int64_t y, unsigned m)
{
    static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return dm[m - 1];
}

/* The date part: ISO y-m-d or y/m/d, or d/m/y, m/d/y, d.m.y. */
static int read_date(scan *p, cc_csv_dates dates, int64_t *y, unsigned *m, unsigned *dd, const char **why)
{
    int n1, n2, n3;
    int64_t a = digits(p, 4, &n1);
    int s1 = peek(p);
    if (a < 0 || (s1 != '-' && s1 != '/' && s1 != '.')) {
        *why = "expected a date such as 2026-03-01 or 01/03/2026";
        return -1;
    }
    p->i++;
    int64_t b = digits(p, 2, &n2);
    if (b < 0 || peek(p) != s1) {
        *why = "expected a date such as 2026-03-01 or 01/03/2026";
        return -1;
    }
    p->i++;
    int64_t c = digits(p, 4, &n3);
    if (c < 0) {
        *why = "expected a date such as 2026-03-01 or 01/03/2026";
        return -1;
    }
    if (n1 == 4) {
        if (s1 == '.' || n3 > 2) {
            *why = "expected a date such as 2026-03-01";
            return -1;
        }
        *y = a, *m = (unsigned)b, *dd = (unsigned)c;
    } else {
        if (s1 == '-' || n3 != 4) {
            *why = n3 != 4 ? "write the year with four digits" : "expected a date such as 2026-03-01";
            return -1;
        }
        *y = c;
        if (dates == CC_CSV_MDY && s1 != '.')
            *m = (unsigned)a, *dd = (unsigned)b;
        else
            *m = (unsigned)b, *dd = (unsigned)a;
    }
    if (*y < 1970 || *y > 9999) {
        *why = "year out of range (1970..9999)";
        return -1;
    }
    if (*m < 1 || *m > 12) {
        *why = "month out of range";
        return -1;
    }
    if (*dd < 1 || (int)*dd > days_in_month(*y, *m)) {
        *why = "day out of range for the month";
        return -1;
    }
    return 0;
}

static cc_err excel_serial(const char *s, size_t len, int64_t *civil_s, const char **why)
{
    char buf[40];
    if (len >= sizeof buf) {
        *why = "not a date and time";
        return CC_ERR_PARSE;
    }
    memcpy(buf, s, len);
    buf[len] = 0;
    char *end;
    errno = 0;
    double v = strtod(buf, &end);
    if (*end || errno || !isfinite(v)) {
        *why = "not a date and time";
        return CC_ERR_PARSE;
    }
    /* 25569 = 1970-01-01; 2958465 = 9999-12-31 */
    if (v < 25569.0 || v >= 2958466.0) {
        *why = "an Excel date serial number must lie between 25569 (1970-01-01) and 2958465 (9999-12-31)";
        return CC_ERR_PARSE;
    }
    *civil_s = (int64_t)llround((v - 25569.0) * 86400.0);
    return CC_OK;
}

cc_err cc_csv_datetime(const char *s, size_t len, cc_csv_dates dates, int64_t *civil_s, const char **why)
{
    const char *dummy;
    if (!why)
        why = &dummy;
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
        len--;
    scan p = {s, len, 0};
    skip_spaces(&p);
    size_t k = p.i;
    int numeric = k < len;
    for (size_t i = k; i < len; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || s[i] == '.'))
            numeric = 0;
    if (numeric) {
        size_t dots = 0;
        for (size_t i = k; i < len; i++)
            dots += s[i] == '.';
        if (dots <= 1)
            return excel_serial(s + k, len - k, civil_s, why);
    }
    int64_t y;
    unsigned m, d;
    if (read_date(&p, dates, &y, &m, &d, why))
        return CC_ERR_PARSE;
    int64_t hh = 0, mm = 0, ss = 0;
    if (p.i < len) {
        if (peek(&p) == 'T' || peek(&p) == 't')
            p.i++;
        else if (peek(&p) == ' ')
            skip_spaces(&p);
        else {
            *why = "expected a space or 'T' between date and time";
            return CC_ERR_PARSE;
        }
        int nd;
        hh = digits(&p, 2, &nd);
        if (hh < 0 || peek(&p) != ':') {
            *why = "expected a time such as 09:30";
            return CC_ERR_PARSE;
        }
        p.i++;
        mm = digits(&p, 2, &nd);
        if (mm < 0 || nd != 2) {
            *why = "expected a time such as 09:30";
            return CC_ERR_PARSE;
        }
        if (peek(&p) == ':') {
            p.i++;
            ss = digits(&p, 2, &nd);
            if (ss < 0 || nd != 2) {
                *why = "expected seconds such as 09:30:15";
                return CC_ERR_PARSE;
            }
            if (peek(&p) == '.') { /* fraction of a second: dropped */
                p.i++;
                if (digits(&p, 9, NULL) < 0) {
                    *why = "expected digits after the decimal point";
                    return CC_ERR_PARSE;
                }
            }
        }
        skip_spaces(&p);
        if (p.i < len) {
            int ch = peek(&p) | 0x20;
            if ((ch == 'a' || ch == 'p') && p.i + 2 == len && (s[p.i + 1] | 0x20) == 'm') {
                if (hh < 1 || hh > 12) {
                    *why = "a 12-hour time needs an hour from 1 to 12";
                    return CC_ERR_PARSE;
                }
                hh = (hh % 12) + (ch == 'p' ? 12 : 0);
                p.i = len;
            } else {
                *why = "unexpected text after the time (a UTC offset belongs in RFC 3339 form, "
                       "2026-03-01T09:30:00+09:00)";
                return CC_ERR_PARSE;
            }
        }
        if (hh > 23 || mm > 59 || ss > 59) {
            *why = "time of day out of range";
            return CC_ERR_PARSE;
        }
    }
    *civil_s = cc_days_from_civil(y, m, d) * 86400 + hh * 3600 + mm * 60 + ss;
    return CC_OK;
}

int cc_csv_date_order(const char *s, size_t len)
{
    scan p = {s, len, 0};
    skip_spaces(&p);
    int n1;
    int64_t a = digits(&p, 4, &n1);
    int sp = peek(&p);
    if (a < 0 || n1 > 2 || (sp != '/' && sp != '.'))
        return 0;
    p.i++;
    int64_t b = digits(&p, 2, NULL);
    if (b < 0 || peek(&p) != sp)
        return 0;
    if (a > 12 && b <= 12)
        return 1;
    if (b > 12 && a <= 12)
        return -1;
    return 0;
}
