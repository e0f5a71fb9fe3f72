/* Tests of io/csv: RFC 4180 reading (quotes, line breaks, BOM, separators, blank and ragged
 * rows, UTF-8, limits), the quoting writer, and spreadsheet date/time cells. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ctime.h"
#include "io/csv.h"

static cc_csv *parse_ok(const char *text, size_t len, const cc_csv_opts *o)
{
    cc_diags d;
    cc_diags_init(&d);
    cc_csv *c = NULL;
    cc_err rc = cc_csv_parse(text, len, "t.csv", o, &d, &c);
    cr_assert_eq(rc, CC_OK, "parse failed: %s", d.count ? d.items[0].message : "(no diagnostic)");
    cr_assert_eq(d.count, 0);
    cc_diags_free(&d);
    return c;
}

/* Parses text that must fail; returns the first diagnostic formatted. */
static void parse_bad(const char *text, size_t len, const cc_csv_opts *o, cc_err want, char *out, size_t n)
{
    cc_diags d;
    cc_diags_init(&d);
    cc_csv *c = (cc_csv *)1;
    cc_err rc = cc_csv_parse(text, len, "t.csv", o, &d, &c);
    cr_assert_eq(rc, want, "rc %d, want %d", rc, want);
    cr_assert_null(c);
    cr_assert_geq(d.count, 1);
    cc_diag_format(&d.items[0], out, n);
    cc_diags_free(&d);
}

static void expect_row(const cc_csv *c, size_t rec, size_t n, const char *const *want)
{
    cr_assert_eq(cc_csv_nfields(c, rec), n, "record %zu has %zu fields", rec, cc_csv_nfields(c, rec));
    for (size_t i = 0; i < n; i++)
        cr_expect_str_eq(cc_csv_field(c, rec, i, NULL), want[i], "record %zu field %zu", rec, i);
}

Test(csv, plain_records_and_positions)
{
    const char *t = "a,b,c\n1,2,3\n";
    cc_csv *c = parse_ok(t, strlen(t), NULL);
    cr_assert_eq(cc_csv_nrecords(c), 2);
    expect_row(c, 0, 3, (const char *[]){"a", "b", "c"});
    expect_row(c, 1, 3, (const char *[]){"1", "2", "3"});
    cr_expect_eq(cc_csv_row(c, 1), 2);
    cr_expect_eq(cc_csv_line(c, 1, 2), 2);
    cr_expect_eq(cc_csv_sep(c), ',');
    cr_expect_str_eq(cc_csv_field(c, 1, 7, NULL), "");
    cr_expect_str_eq(cc_csv_field(c, 9, 0, NULL), "");
    cc_csv_free(c);
}

Test(csv, quotes_doubled_quotes_and_line_breaks)
{
    const char *t = "id,text\r\n1,\"a, \"\"quoted\"\" word\"\r\n2,\"two\r\nlines\nand LF\"\r\n3,\"\"\r\n";
    cc_csv *c = parse_ok(t, strlen(t), NULL);
    cr_assert_eq(cc_csv_nrecords(c), 4);
    expect_row(c, 1, 2, (const char *[]){"1", "a, \"quoted\" word"});
    expect_row(c, 2, 2, (const char *[]){"2", "two\r\nlines\nand LF"});
    expect_row(c, 3, 2, (const char *[]){"3", ""});
    /* record 3 starts on line 3; record 4 on line 6 (after two embedded line breaks) */
    cr_expect_eq(cc_csv_line(c, 2, 1), 3);
    cr_expect_eq(cc_csv_line(c, 3, 0), 6);
    cr_expect_eq(cc_csv_row(c, 3), 4);
    cc_csv_free(c);
}

Test(csv, bom_lone_cr_and_no_final_newline)
{
    const char *t = "\xEF\xBB\xBFh1,h2\rx,y";
    cc_csv *c = parse_ok(t, strlen(t), NULL);
    cr_assert_eq(cc_csv_nrecords(c), 2);
    expect_row(c, 0, 2, (const char *[]){"h1", "h2"});
    expect_row(c, 1, 2, (const char *[]){"x", "y"});
    cr_expect_eq(cc_csv_line(c, 1, 0), 2);
    cc_csv_free(c);
}

Test(csv, separator_detection_and_override)
{
    static const struct {
        const char *text;
        char sep, want;
        size_t nfields;
    } cases[] = {
        {"a;b;\"c,d\"\n1;2;3\n", 0, ';', 3}, /* commas inside quotes do not count */
        {"a\tb\tc\n1\t2\t3\n", 0, '\t', 3},  {"a,b;c\n1,2;3\n", 0, ',', 2},   /* a tie goes to the comma */
        {"single\nx\n", 0, ',', 1},          {"a;b,c\n1;2,3\n", ',', ',', 2}, /* given, not detected */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cc_csv_opts o = {.sep = cases[i].sep};
        cc_csv *c = parse_ok(cases[i].text, strlen(cases[i].text), &o);
        cr_expect_eq(cc_csv_sep(c), cases[i].want, "case %zu", i);
        cr_expect_eq(cc_csv_nfields(c, 1), cases[i].nfields, "case %zu", i);
        cc_csv_free(c);
    }
    cc_csv_opts bad = {.sep = '|'};
    cc_diags d;
    cc_diags_init(&d);
    cc_csv *c = NULL;
    cr_expect_eq(cc_csv_parse("a|b\n", 4, "t.csv", &bad, &d, &c), CC_ERR_ARG);
    cc_diags_free(&d);
}

Test(csv, blank_rows_are_dropped_but_counted)
{
    const char *t = "a,b\n\n,\n1,2\n,,\n\n\n";
    cc_csv *c = parse_ok(t, strlen(t), NULL);
    cr_assert_eq(cc_csv_nrecords(c), 2);
    expect_row(c, 1, 2, (const char *[]){"1", "2"});
    cr_expect_eq(cc_csv_row(c, 1), 4);
    cc_csv_free(c);
}

Test(csv, trailing_separator_makes_an_empty_field)
{
    const char *t = "a,b,\n1,2,";
    cc_csv *c = parse_ok(t, strlen(t), NULL);
    expect_row(c, 1, 3, (const char *[]){"1", "2", ""});
    cc_csv_free(c);
}

Test(csv, bare_quote_inside_an_unquoted_field_is_data)
{
    const char *t = "a,b\n5\" screen,x\n";
    cc_csv *c = parse_ok(t, strlen(t), NULL);
    expect_row(c, 1, 2, (const char *[]){"5\" screen", "x"});
    cc_csv_free(c);
}

Test(csv, empty_input_has_no_records)
{
    cc_csv *c = parse_ok("", 0, NULL);
    cr_expect_eq(cc_csv_nrecords(c), 0);
    cc_csv_free(c);
    c = parse_ok("\xEF\xBB\xBF", 3, NULL);
    cr_expect_eq(cc_csv_nrecords(c), 0);
    cc_csv_free(c);
}

Test(csv, errors_name_row_and_field)
{
    static const struct {
        const char *text;
        size_t len; /* 0: strlen */
        cc_err rc;
        const char *msg;
    } cases[] = {
        {"a,b\n1,2,3\n", 0, CC_ERR_PARSE, "t.csv:2:3: error: row 2 has 3 fields, but the header has 2"},
        {"a,b,c\n1\n", 0, CC_ERR_PARSE, "t.csv:2:2: error: row 2 has 1 field, but the header has 3"},
        {"a,b\n\"x\n\"1,2\n", 0, CC_ERR_PARSE,
         "t.csv:2:1: error: row 2, field 1: unexpected '1' after the closing quote (line 3)"},
        {"a,b\n1,\"open\n2,3\n", 0, CC_ERR_PARSE,
         "t.csv:2:2: error: row 2, field 2: quoted field starting on line 2 is never closed"},
        {"a,b\n1,caf\xC3\n", 0, CC_ERR_PARSE,
         "t.csv:2:2: error: row 2, field 2: invalid UTF-8 byte sequence at byte 4 of the field (byte 0xc3)"},
        {"a,b\n1,\xC0\xAF\n", 0, CC_ERR_PARSE,
         "t.csv:2:2: error: row 2, field 2: overlong UTF-8 encoding at byte 1 of the field (byte 0xc0)"},
        {"a,b\n1,x\0y\n", 9, CC_ERR_PARSE,
         "t.csv:2:2: error: row 2, field 2: NUL byte at byte 2 of the field (byte 0x00)"},
        {"a,b\n\"1\"\xFF,2\n", 0, CC_ERR_PARSE,
         "t.csv:2:1: error: row 2, field 1: unexpected byte 0xff after the closing quote"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char buf[512];
        parse_bad(cases[i].text, cases[i].len ? cases[i].len : strlen(cases[i].text), NULL, cases[i].rc, buf,
                  sizeof buf);
        cr_expect_str_eq(buf, cases[i].msg, "case %zu", i);
    }
}

Test(csv, ragged_rows_allowed_on_request)
{
    cc_csv_opts o = {.allow_ragged = 1};
    const char *t = "a,b\n1\n1,2,3\n";
    cc_csv *c = parse_ok(t, strlen(t), &o);
    cr_expect_eq(cc_csv_nfields(c, 1), 1);
    cr_expect_eq(cc_csv_nfields(c, 2), 3);
    cc_csv_free(c);
}

Test(csv, limits)
{
    char buf[512];
    cc_csv_opts o = {.max_field = 4};
    parse_bad("a,b\n12345,1\n", 12, &o, CC_ERR_LIMIT, buf, sizeof buf);
    cr_expect_str_eq(buf, "t.csv:2:1: error: row 2, field 1 is longer than 4 bytes (starts on line 2)");
    parse_bad("a,b\n\"12345\",1\n", 14, &o, CC_ERR_LIMIT, buf, sizeof buf);
    cr_expect_str_eq(buf, "t.csv:2:1: error: row 2, field 1 is longer than 4 bytes (starts on line 2)");
    cc_csv_opts r = {.max_rows = 2};
    parse_bad("a\n1\n2\n", 6, &r, CC_ERR_LIMIT, buf, sizeof buf);
    cr_expect_str_eq(buf, "t.csv:3:1: error: more than 2 rows");
    cc_csv_opts k = {.max_cols = 2};
    parse_bad("a,b,c\n", 6, &k, CC_ERR_LIMIT, buf, sizeof buf);
    cr_expect_str_eq(buf, "t.csv:1:3: error: row 1 has more than 2 fields");
    /* exactly at the limits is fine */
    cc_csv *c = parse_ok("abcd,1\n", 7, &o);
    cc_csv_free(c);
}

Test(csv, unterminated_quote_on_a_large_input_is_linear)
{
    size_t n = 4u << 20;
    char *t = malloc(n);
    cr_assert_not_null(t);
    memset(t, 'x', n);
    t[0] = '"';
    char buf[512];
    parse_bad(t, n, NULL, CC_ERR_LIMIT, buf, sizeof buf);
    cr_expect_str_eq(buf, "t.csv:1:1: error: row 1, field 1 is longer than 1048576 bytes (starts on line 1)");
    free(t);
}

Test(csv, writer_quotes_only_when_needed_and_reads_back)
{
    static const char *const fields[] = {"plain", "a,b",     "say \"hi\"", "two\nlines", "cr\rx",
                                         " lead", "trail\t", "semi;colon", "",           "ünï"};
    size_t n = sizeof fields / sizeof fields[0];
    cc_buf b;
    cc_buf_init(&b);
    cr_assert_eq(cc_csv_put_row(&b, fields, n, ','), CC_OK);
    cr_assert_eq(cc_csv_put_row(&b, fields, n, ','), CC_OK);
    cr_expect(strncmp(b.data,
                      "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\"cr\rx\",\" "
                      "lead\",\"trail\t\",semi;colon,,ünï\r\n",
                      b.len / 2) == 0,
              "%s", b.data);
    cc_csv *c = parse_ok(b.data, b.len, &(cc_csv_opts){.sep = ','});
    cr_assert_eq(cc_csv_nrecords(c), 2);
    expect_row(c, 1, n, fields);
    cc_csv_free(c);
    cc_buf_reset(&b);
    const char *const semi[] = {"semi;colon", "a,b"};
    cc_csv_put_row(&b, semi, 2, ';');
    cr_expect_str_eq(b.data, "\"semi;colon\";a,b\r\n");
    cc_buf_free(&b);
}

Test(csv, read_file_errors)
{
    cc_diags d;
    cc_diags_init(&d);
    char *t = NULL;
    size_t n;
    cr_expect_eq(cc_csv_read_file("/nonexistent/x.csv", &t, &n, &d), CC_ERR_IO);
    cr_expect_null(t);
    char buf[256];
    cc_diag_format(&d.items[0], buf, sizeof buf);
    cr_expect_str_eq(buf, "/nonexistent/x.csv: error: cannot open: No such file or directory");
    cc_diags_free(&d);
    cc_diags_init(&d);
    cr_expect_eq(cc_csv_read_file("/dev/null", &t, &n, &d), CC_OK);
    cr_expect_eq(n, 0);
    cr_expect_str_eq(t, "");
    free(t);
    cc_diags_free(&d);
}

static int64_t civil(int y, unsigned m, unsigned dd, int h, int mi, int s)
{
    return cc_days_from_civil(y, m, dd) * 86400 + h * 3600 + mi * 60 + s;
}

Test(csv, datetime_cells)
{
    static const struct {
        const char *text;
        cc_csv_dates order;
        int y;
        unsigned m, d;
        int h, mi, s;
    } ok[] = {
        {"2026-03-01 09:30", CC_CSV_DMY, 2026, 3, 1, 9, 30, 0},
        {"2026-03-01T09:30:15", CC_CSV_DMY, 2026, 3, 1, 9, 30, 15},
        {"2026/03/01 09:30", CC_CSV_MDY, 2026, 3, 1, 9, 30, 0},
        {"01/03/2026 09:30", CC_CSV_DMY, 2026, 3, 1, 9, 30, 0},
        {"01/03/2026 09:30", CC_CSV_MDY, 2026, 1, 3, 9, 30, 0},
        {"3/1/2026 9:30 PM", CC_CSV_MDY, 2026, 3, 1, 21, 30, 0},
        {"3/1/2026 12:05 am", CC_CSV_MDY, 2026, 3, 1, 0, 5, 0},
        {"01.03.2026 9:30", CC_CSV_MDY, 2026, 3, 1, 9, 30, 0}, /* dots are always day first */
        {"2026-03-01", CC_CSV_DMY, 2026, 3, 1, 0, 0, 0},
        {" 2026-03-01 09:30:00.75 ", CC_CSV_DMY, 2026, 3, 1, 9, 30, 0},
        {"29/02/2028 23:59:59", CC_CSV_DMY, 2028, 2, 29, 23, 59, 59},
        {"46082.395833", CC_CSV_DMY, 2026, 3, 1, 9, 30, 0}, /* Excel serial, rounded to the second */
        {"46082", CC_CSV_DMY, 2026, 3, 1, 0, 0, 0},
        {"46082.5", CC_CSV_DMY, 2026, 3, 1, 12, 0, 0},
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        int64_t v = 0;
        const char *why = NULL;
        cr_expect_eq(cc_csv_datetime(ok[i].text, strlen(ok[i].text), ok[i].order, &v, &why), CC_OK, "%s: %s",
                     ok[i].text, why ? why : "");
        int64_t want = civil(ok[i].y, ok[i].m, ok[i].d, ok[i].h, ok[i].mi, ok[i].s);
        /* 46082.395833 is 09:29:59.97: rounding gives 09:30:00 */
        cr_expect_eq(v, want, "%s: got %lld want %lld", ok[i].text, (long long)v, (long long)want);
    }
    static const struct {
        const char *text, *why;
    } bad[] = {
        {"2026-13-01", "month out of range"},
        {"2027-02-29", "day out of range for the month"},
        {"01/03/26 09:30", "write the year with four digits"},
        {"2026-03-01 25:00", "time of day out of range"},
        {"2026-03-01 9", "expected a time such as 09:30"},
        {"2026-03-01 09:3", "expected a time such as 09:30"},
        {"2026-03-01 13:00 PM", "a 12-hour time needs an hour from 1 to 12"},
        {"2026-03-01 09:30+09:00", "unexpected text after the time (a UTC offset belongs in RFC 3339 form, "
                                   "2026-03-01T09:30:00+09:00)"},
        {"2026-03-01X09:30", "expected a space or 'T' between date and time"},
        {"1969-12-31", "year out of range (1970..9999)"},
        {"12", "an Excel date serial number must lie between 25569 (1970-01-01) and 2958465 (9999-12-31)"},
        {"9999999",
         "an Excel date serial number must lie between 25569 (1970-01-01) and 2958465 (9999-12-31)"},
        {"noon", "expected a date such as 2026-03-01 or 01/03/2026"},
        {"", "expected a date such as 2026-03-01 or 01/03/2026"},
        {"1.2.3", "write the year with four digits"},
        {"2026.03.01", "expected a date such as 2026-03-01"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int64_t v = 42;
        const char *why = NULL;
        cr_expect_eq(cc_csv_datetime(bad[i].text, strlen(bad[i].text), CC_CSV_DMY, &v, &why), CC_ERR_PARSE,
                     "%s", bad[i].text);
        cr_expect_str_eq(why ? why : "(null)", bad[i].why, "%s", bad[i].text);
        cr_expect_eq(v, 42);
    }
}

Test(csv, date_order_hints)
{
    cr_expect_eq(cc_csv_date_order("13/03/2026", 10), 1);
    cr_expect_eq(cc_csv_date_order("03/13/2026 10:00", 16), -1);
    cr_expect_eq(cc_csv_date_order("03/04/2026", 10), 0);
    cr_expect_eq(cc_csv_date_order("2026-03-13", 10), 0);
    cr_expect_eq(cc_csv_date_order("+2h", 3), 0);
    cr_expect_eq(cc_csv_date_order("13.03.2026", 10), 1);
}
