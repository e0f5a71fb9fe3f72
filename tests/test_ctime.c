/* Tests of core/ctime: durations, RFC 3339, scenario times, HH:MM and the civil calendar.
 * Refusals are checked for their exact column and message and for a useful hint. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include "core/ctime.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* ---- durations ------------------------------------------------------------------ */

Test(ctime, durations_valid)
{
    static const struct {
        const char *s;
        int64_t v;
    } ok[] = {
        {"0s", 0},       {"90s", 90},       {"45m", 2700},       {"2h", 7200},
        {"2h30m", 9000}, {"1d12h", 129600}, {"1d2h3m4s", 93784}, {"3650d", 3650LL * 86400},
        {"0d0h0m1s", 1}, {"007m", 420},     {"1d30s", 86430},    {"3649d24h", 3650LL * 86400},
        {"36h", 129600}, {"90m", 5400},     {"1h59m59s", 7199},  {"315360000s", 3650LL * 86400},
    };
    for (size_t i = 0; i < N(ok); i++) {
        int64_t v = -1;
        cc_time_error e;
        cr_expect_eq(cc_duration_parse(ok[i].s, strlen(ok[i].s), &v, &e), CC_OK, "%s: %s", ok[i].s,
                     e.message);
        cr_expect_eq(v, ok[i].v, "%s: %lld", ok[i].s, (long long)v);
    }
}

Test(ctime, durations_refused_with_column_message_and_hint)
{
    static const struct {
        const char *s;
        int col;
        const char *msg, *hint; /* hint: a substring */
    } bad[] = {
        {"", 1, "empty duration", "90s, 45m or 2h30m"},
        {"90", 3, "duration needs a unit (d, h, m or s)", "write 90m or 90s"},
        {"1h30", 5, "duration needs a unit (d, h, m or s)", "write 30m or 30s"},
        {"2m3h", 4, "duration units out of order ('h' after 'm')", "largest to smallest"},
        {"1h1h", 4, "unit 'h' appears twice", "each unit once"},
        {"1h2m1h", 6, "unit 'h' appears twice", "each unit once"},
        {"-5m", 1, "a duration cannot be negative", "write 5m"},
        {"+5m", 1, "a duration has no sign", "at: +2h"},
        {"5x", 2, "unknown duration unit 'x'", "d (days)"},
        {"2H", 2, "unknown duration unit 'H'", "lower case: write h"},
        {"1.5h", 2, "fractions are not allowed in a duration", "1h30m"},
        {"4 hours", 2, "spaces are not allowed in a duration", "4h30m"},
        {"2h ", 3, "spaces are not allowed in a duration", "4h30m"},
        {"h", 1, "expected a number in duration 'h'", "2h30m"},
        {"1hm", 3, "expected a number in duration '1hm'", "2h30m"},
        {"PT2H", 1, "expected a number in duration 'PT2H'", "ISO 8601"},
        {"3651d", 1, "duration is too large (at most 3650 days)", ""},
        {"3650d1s", 6, "duration is too large (at most 3650 days)", ""},
        {"99999999999999999999s", 1, "duration is too large (at most 3650 days)", ""},
        {"1d\xd0\x9a", 3, "non-ASCII character in a duration", "look-alike"},
        {"5\xd0\xbc", 2, "non-ASCII character in a duration", "ASCII"},
        {"\xd0\x9a", 1, "non-ASCII character in a duration", "ASCII"},
        {"5\x01", 2, "unknown duration unit", "d (days)"},
    };
    for (size_t i = 0; i < N(bad); i++) {
        int64_t v = 12345;
        cc_time_error e;
        cr_expect_eq(cc_duration_parse(bad[i].s, strlen(bad[i].s), &v, &e), CC_ERR_PARSE, "'%s' accepted",
                     bad[i].s);
        cr_expect_eq(v, 12345, "'%s': output written on error", bad[i].s);
        cr_expect_eq(e.col, bad[i].col, "'%s': col %d", bad[i].s, e.col);
        cr_expect_str_eq(e.message, bad[i].msg, "'%s'", bad[i].s);
        cr_expect(strstr(e.hint, bad[i].hint) != NULL, "'%s': hint '%s'", bad[i].s, e.hint);
    }
}

Test(ctime, duration_parse_respects_len_and_null_err)
{
    int64_t v;
    cr_expect_eq(cc_duration_parse("2h30mXYZ", 5, &v, NULL), CC_OK, "only len bytes are read");
    cr_expect_eq(v, 9000);
    cr_expect_eq(cc_duration_parse("90", 2, &v, NULL), CC_ERR_PARSE, "err may be NULL");
    cr_expect_eq(cc_duration_parse("5m\0", 3, &v, NULL), CC_ERR_PARSE, "an embedded NUL is refused");
}

Test(ctime, duration_format)
{
    static const struct {
        int64_t v;
        const char *s;
    } cases[] = {
        {0, "0s"},        {1, "1s"},       {59, "59s"},       {60, "1m"},
        {3600, "1h"},     {9000, "2h30m"}, {86400, "1d"},     {93784, "1d2h3m4s"},
        {86430, "1d30s"}, {-300, "-5m"},   {-9000, "-2h30m"}, {3650LL * 86400, "3650d"},
    };
    char buf[48];
    for (size_t i = 0; i < N(cases); i++) {
        int n = cc_duration_format(cases[i].v, buf, sizeof buf);
        cr_expect_str_eq(buf, cases[i].s);
        cr_expect_eq(n, (int)strlen(cases[i].s));
        if (cases[i].v >= 0) {
            int64_t back = -1;
            cr_expect_eq(cc_duration_parse(buf, strlen(buf), &back, NULL), CC_OK, "%s", buf);
            cr_expect_eq(back, cases[i].v, "%s round trip", buf);
        }
    }
    cr_expect_eq(cc_duration_format(9000, NULL, 0), 5, "length needed, like snprintf");
    cr_expect_eq(cc_duration_format(9000, buf, 3), 5);
    cr_expect_str_eq(buf, "2h");
    cc_duration_format(INT64_MIN, buf, sizeof buf);
    cr_expect_str_eq(buf, "-106751991167300d15h30m8s");
}

/* ---- RFC 3339 ------------------------------------------------------------------- */

Test(ctime, rfc3339_valid)
{
    static const struct {
        const char *s;
        int64_t t;
        int32_t off;
    } ok[] = {
        {"1970-01-01T00:00:00Z", 0, 0},
        {"2026-03-02T11:30:00+09:00", 1772418600, 32400},
        {"2026-03-01T21:30:00-05:00", 1772418600, -18000},
        {"2026-03-02T02:30:00-00:00", 1772418600, 0},
        {"2026-03-02T08:00:00+05:30", 1772418600, 19800},
        {"2028-02-29T00:00:00Z", 1835395200, 0},
        {"2000-02-29T12:00:00Z", 951825600, 0},
        {"2026-03-02T02:30:00.123456Z", 1772418600, 0},
        {"2026-03-02T02:30:00.999999999Z", 1772418600, 0},
        {"2026-03-02T02:30:00.5+00:00", 1772418600, 0},
        {"2026-03-02t02:30:00z", 1772418600, 0},
        {"2016-12-31T23:59:60Z", 1483228799, 0},
        {"2017-01-01T08:59:60+09:00", 1483228799, 32400},
        {"1970-01-01T00:00:00+09:00", -32400, 32400},
        {"9999-12-31T23:59:59Z", 253402300799, 0},
        {"2026-12-31T23:59:59+23:59", 1798761599 - 86340, 86340},
    };
    for (size_t i = 0; i < N(ok); i++) {
        int64_t t;
        int32_t off;
        cc_time_error e;
        cr_expect_eq(cc_rfc3339_parse(ok[i].s, strlen(ok[i].s), &t, &off, &e), CC_OK, "%s: %s", ok[i].s,
                     e.message);
        cr_expect_eq(t, ok[i].t, "%s: %lld", ok[i].s, (long long)t);
        cr_expect_eq(off, ok[i].off, "%s", ok[i].s);
    }
}

Test(ctime, rfc3339_refused_with_column_message_and_hint)
{
    static const struct {
        const char *s;
        int col;
        const char *msg, *hint;
    } bad[] = {
        {"2026-03-02T11:30:00", 20, "time has no UTC offset", "add Z or an offset such as +09:00"},
        {"2026-03-02T11:30:00.25", 23, "time has no UTC offset", "add Z or an offset such as +09:00"},
        {"2027-02-29T00:00:00Z", 9, "day 29 does not exist in 2027-02", "2027-02 has 28 days"},
        {"2100-02-29T00:00:00Z", 9, "day 29 does not exist in 2100-02", "2100-02 has 28 days"},
        {"2026-02-30T00:00:00Z", 9, "day 30 does not exist in 2026-02", "has 28 days"},
        {"2026-04-31T00:00:00Z", 9, "day 31 does not exist in 2026-04", "has 30 days"},
        {"2026-03-00T00:00:00Z", 9, "day 00 does not exist in 2026-03", "has 31 days"},
        {"2026-13-01T00:00:00Z", 6, "month 13 does not exist", "01 to 12"},
        {"2026-00-01T00:00:00Z", 6, "month 00 does not exist", "01 to 12"},
        {"2026-03-02T25:00:00Z", 12, "hour 25 is out of range (00-23)", "00 to 23"},
        {"2026-03-02T24:00:00Z", 12, "hour 24 is out of range (00-23)", "00:00 of the next"},
        {"2026-03-02T10:61:00Z", 15, "minute 61 is out of range (00-59)", "00 to 59"},
        {"2026-03-02T10:00:61Z", 18, "second 61 is out of range (00-59)", "00 to 59"},
        {"2026-03-02T10:00:60Z", 18, "second 60 is only valid for a leap second", "23:59:60 UTC"},
        {"2026-03-02 10:00:00Z", 11, "expected 'T' between date and time", "2026-03-02T09:00:00+09:00"},
        {"2026-03-02", 11, "expected 'T' between date and time", "2026-03-02T09:00:00+09:00"},
        {"+2h", 1, "expected an absolute RFC 3339 time, not a relative one", "2026-03-02T09:00:00+09:00"},
        {"-2h", 1, "expected an absolute RFC 3339 time, not a relative one", "2026-03-02T09:00:00+09:00"},
        {"", 1, "empty time", "2026-03-02T09:00:00+09:00"},
        {"1969-12-31T23:59:59Z", 1, "year 1969 is before 1970", "1970-01-01"},
        {"2026-03-02T10:00:00+9:00", 22, "expected a two-digit offset hour", "+09:00"},
        {"2026-03-02T10:00:00+0900", 23, "expected ':' in the UTC offset in time '2026-03-02T10:00:00+0900'",
         "+09:00"},
        {"2026-03-02T10:00:00+24:00", 20, "UTC offset out of range", "-23:59 and +23:59"},
        {"2026-03-02T10:00:00+09:60", 20, "UTC offset out of range", "-23:59 and +23:59"},
        {"2026-03-02T10:00:00+09:00x", 26, "unexpected text after the UTC offset", "remove"},
        {"2026-03-02T10:00:00Zx", 21, "unexpected text after the UTC offset", "remove"},
        {"2026-03-02T10:00:00Q", 20, "unexpected character after the time", "end with Z"},
        {"2026-03-02T10:00:00.Z", 21, "expected digits after '.'", "leave the fraction out"},
        {"2026-03-02T10:00:00,5Z", 20, "expected '.' before the fraction of a second", "'.'"},
        {"2026-03-02T10:00Z", 17, "expected ':' after the minutes in time '2026-03-02T10:00Z'",
         "seconds are required"},
        {"26-03-02T10:00:00Z", 3, "expected a four-digit year in time '26-03-02T10:00:00Z'",
         "2026-03-02T09:00:00+09:00"},
        {"2026-3-02T10:00:00Z", 7, "expected a two-digit month", "03"},
        {"2026-03-2T10:00:00Z", 10, "expected a two-digit day", "02"},
        {"2026/03/02T10:00:00Z", 5, "expected '-' after the year in time '2026/03/02T10:00:00Z'",
         "2026-03-02T09"},
        {"2026-03-02T1:00:00Z", 13, "expected a two-digit hour", "2026-03-02T09"},
    };
    for (size_t i = 0; i < N(bad); i++) {
        int64_t t = 777;
        int32_t off = 777;
        cc_time_error e;
        cr_expect_eq(cc_rfc3339_parse(bad[i].s, strlen(bad[i].s), &t, &off, &e), CC_ERR_PARSE,
                     "'%s' accepted", bad[i].s);
        cr_expect(t == 777 && off == 777, "'%s': outputs written on error", bad[i].s);
        cr_expect_eq(e.col, bad[i].col, "'%s': col %d", bad[i].s, e.col);
        cr_expect_str_eq(e.message, bad[i].msg, "'%s'", bad[i].s);
        cr_expect(strstr(e.hint, bad[i].hint) != NULL, "'%s': hint '%s'", bad[i].s, e.hint);
    }
}

Test(ctime, rfc3339_format)
{
    static const struct {
        int64_t t;
        int32_t off;
        const char *s;
    } cases[] = {
        {1772418600, 32400, "2026-03-02T11:30:00+09:00"},
        {1772418600, -18000, "2026-03-01T21:30:00-05:00"},
        {1772418600, 19800, "2026-03-02T08:00:00+05:30"},
        {1772418600, -12600, "2026-03-01T23:00:00-03:30"},
        {0, 0, "1970-01-01T00:00:00Z"},
        {-1, 0, "1969-12-31T23:59:59Z"},
        {-32400, 32400, "1970-01-01T00:00:00+09:00"},
        {1835395200, 0, "2028-02-29T00:00:00Z"},
        {253402300799, 0, "9999-12-31T23:59:59Z"},
        /* New York's LMT, -4:56:02: the seconds are dropped, the instant is kept */
        {-2717650800, -17762, "1883-11-18T12:04:00-04:56"},
        {1772418600, 90000, "2026-03-02T02:30:00Z"}, /* +25:00 cannot be written */
    };
    char buf[64];
    for (size_t i = 0; i < N(cases); i++) {
        int n = cc_rfc3339_format(cases[i].t, cases[i].off, buf, sizeof buf);
        cr_expect_str_eq(buf, cases[i].s);
        cr_expect_eq(n, (int)strlen(cases[i].s));
    }
    /* extremes format without overflow */
    cc_rfc3339_format(INT64_MIN, -86399, buf, sizeof buf);
    cc_rfc3339_format(INT64_MAX, 86399, buf, sizeof buf);
}

Test(ctime, rfc3339_round_trip)
{
    static const int32_t offs[] = {0, 32400, -18000, 19800, -12600, 49500, -43200, 50400};
    char buf[64];
    for (int64_t t = 86400; t < 4102444800LL; t += 7654321) {
        for (size_t k = 0; k < N(offs); k++) {
            cc_rfc3339_format(t, offs[k], buf, sizeof buf);
            int64_t back;
            int32_t off;
            cc_time_error e;
            cr_assert_eq(cc_rfc3339_parse(buf, strlen(buf), &back, &off, &e), CC_OK, "%s: %s", buf,
                         e.message);
            cr_assert_eq(back, t, "%s", buf);
            cr_assert_eq(off, offs[k], "%s", buf);
        }
    }
}

/* ---- scenario times ------------------------------------------------------------- */

Test(ctime, scenario_times)
{
    const int64_t start = 1772418600; /* 2026-03-02T11:30:00+09:00 */
    static const struct {
        const char *s;
        cc_err rc;
        int64_t rel;
        int col;
        const char *msg, *hint;
    } cases[] = {
        {"+2h30m", CC_OK, 9000, 0, "", ""},
        {"+0s", CC_OK, 0, 0, "", ""},
        {"+3650d", CC_OK, 3650LL * 86400, 0, "", ""},
        {"2026-03-02T12:30:00+09:00", CC_OK, 3600, 0, "", ""},
        {"2026-03-02T02:30:00Z", CC_OK, 0, 0, "", ""},
        {"2026-03-02T10:30:00+09:00", CC_ERR_RANGE, 0, 1, "time is before the exercise start",
         "must not precede"},
        {"-2h", CC_ERR_RANGE, 0, 1, "time is before the exercise start", "count forward"},
        {"2036-03-02T11:30:00+09:00", CC_ERR_RANGE, 0, 1,
         "time is more than 3650 days after the exercise start", "3650 days"},
        {"+2x", CC_ERR_PARSE, 0, 3, "unknown duration unit 'x'", "d (days)"},
        {"+90", CC_ERR_PARSE, 0, 4, "duration needs a unit (d, h, m or s)", "write 90m or 90s"},
        {"+2m3h", CC_ERR_PARSE, 0, 5, "duration units out of order ('h' after 'm')", "largest to smallest"},
        {"+", CC_ERR_PARSE, 0, 2, "expected a duration after '+'", "+2h30m"},
        {"++2h", CC_ERR_PARSE, 0, 2, "expected a duration after '+'", "+2h30m"},
        {"2h", CC_ERR_PARSE, 0, 1, "a relative time starts with '+'", "write +2h"},
        {"90", CC_ERR_PARSE, 0, 1, "a relative time starts with '+'", "+2h30m (after exercise.start)"},
        {"", CC_ERR_PARSE, 0, 1, "empty time", "+2h30m"},
        {"2026-03-02T12:30:00", CC_ERR_PARSE, 0, 20, "time has no UTC offset",
         "add Z or an offset such as +09:00"},
        {"2026-02-30T12:30:00Z", CC_ERR_PARSE, 0, 9, "day 30 does not exist in 2026-02", "28 days"},
        {"noon", CC_ERR_PARSE, 0, 1, "expected a four-digit year in time 'noon'",
         "2026-03-02T09:00:00+09:00"},
        /* the forms planners write */
        {"+1d02:30", CC_OK, 86400 + 9000, 0, "", ""},
        {"+2:30", CC_OK, 9000, 0, "", ""},
        {"D+1 H+3", CC_OK, 86400 + 3 * 3600, 0, "", ""},
        {"T+2h", CC_OK, 7200, 0, "", ""},
        {"Day 2", CC_OK, 86400, 0, "", ""},
        {"Day 2 09:30", CC_ERR_PARSE, 0, 1, "a time of day on an exercise day is read in MSEL imports only",
         "+1d02:30"},
        {"D-1", CC_ERR_RANGE, 0, 1, "time is before the exercise start", "D+0"},
    };
    for (size_t i = 0; i < N(cases); i++) {
        int64_t rel = -777;
        cc_time_error e;
        cc_err rc = cc_time_parse_scenario(cases[i].s, strlen(cases[i].s), start, &rel, &e);
        cr_expect_eq(rc, cases[i].rc, "'%s': rc %d (%s)", cases[i].s, rc, e.message);
        if (cases[i].rc == CC_OK) {
            cr_expect_eq(rel, cases[i].rel, "'%s': %lld", cases[i].s, (long long)rel);
            continue;
        }
        cr_expect_eq(rel, -777, "'%s': output written on error", cases[i].s);
        cr_expect_eq(e.col, cases[i].col, "'%s': col %d", cases[i].s, e.col);
        cr_expect_str_eq(e.message, cases[i].msg, "'%s'", cases[i].s);
        cr_expect(strstr(e.hint, cases[i].hint) != NULL, "'%s': hint '%s'", cases[i].s, e.hint);
    }
}

Test(ctime, relative_times_as_planners_write_them)
{
    static const struct {
        const char *s;
        cc_err rc;
        int day_clock;
        int64_t a, b; /* offset, or day and clock */
        const char *msg;
    } cases[] = {
        {"+2h30m", CC_OK, 0, 9000, 0, ""},
        {"T+2h30m", CC_OK, 0, 9000, 0, ""},
        {"t+45m", CC_OK, 0, 2700, 0, ""},
        {"+2:30", CC_OK, 0, 9000, 0, ""},
        {"+02:30:15", CC_OK, 0, 9015, 0, ""},
        {"+100:00", CC_OK, 0, 360000, 0, ""},
        {"+1d02:30", CC_OK, 0, 95400, 0, ""},
        {"+1d 02:30:00", CC_OK, 0, 95400, 0, ""},
        {" +1D02:30 ", CC_OK, 0, 95400, 0, ""},
        {"D+1 H+3", CC_OK, 0, 97200, 0, ""},
        {"d+1, h+3", CC_OK, 0, 97200, 0, ""},
        {"D+1/H+3:30", CC_OK, 0, 99000, 0, ""},
        {"D+0 H+2 M+30", CC_OK, 0, 9000, 0, ""},
        {"H+3", CC_OK, 0, 10800, 0, ""},
        {"D+2", CC_OK, 0, 172800, 0, ""},
        {"D+1 09:30", CC_OK, 1, 1, 34200, ""},
        {"Day 2 09:30", CC_OK, 1, 1, 34200, ""},
        {"day 1, 07:05:09", CC_OK, 1, 0, 25509, ""},
        {"DAY 3", CC_OK, 0, 172800, 0, ""},
        {"Day 1 24:00", CC_OK, 1, 0, 86400, ""},
        {"2026-03-03 09:30", CC_ERR_NOTFOUND, 0, 0, 0, ""},
        {"09:30", CC_ERR_NOTFOUND, 0, 0, 0, ""},
        {"Dday", CC_ERR_NOTFOUND, 0, 0, 0, ""},
        {"+1:75", CC_ERR_PARSE, 0, 0, 0, "hours:minutes out of range"},
        {"+1d25:00", CC_ERR_PARSE, 0, 0, 0, "hours:minutes out of range"},
        {"+1d", CC_OK, 0, 86400, 0, ""},
        {"+1x02:30", CC_ERR_PARSE, 0, 0, 0, "expected hours:minutes after '+'"},
        {"D-1", CC_ERR_RANGE, 0, 0, 0, "time is before the exercise start"},
        {"D+", CC_ERR_PARSE, 0, 0, 0, "expected a number after 'D+'"},
        {"D+1 H+", CC_ERR_PARSE, 0, 0, 0, "expected a number after 'H+'"},
        {"D+1 X+2", CC_ERR_PARSE, 0, 0, 0, "unexpected text in a D+/H+ time"},
        {"D+1 9:3", CC_ERR_PARSE, 0, 0, 0, "expected a time of day such as 09:30"},
        {"Day 0 09:00", CC_ERR_RANGE, 0, 0, 0, "Day 0 is before the exercise start"},
        {"Day two", CC_ERR_PARSE, 0, 0, 0, "expected a day number after 'Day'"},
        {"Day 2 25:00", CC_ERR_PARSE, 0, 0, 0, "expected a time of day such as 09:30"},
        {"Day 2 noon", CC_ERR_PARSE, 0, 0, 0, "expected a time of day such as 09:30"},
        {"D+4000", CC_ERR_RANGE, 0, 0, 0, "time is more than 3650 days after the start"},
        {"Day 4000 09:00", CC_ERR_RANGE, 0, 0, 0, "time is more than 3650 days after the start"},
    };
    for (size_t i = 0; i < N(cases); i++) {
        cc_reltime r = {.offset_s = -777};
        cc_time_error e;
        cc_err rc = cc_reltime_parse(cases[i].s, strlen(cases[i].s), &r, &e);
        cr_expect_eq(rc, cases[i].rc, "'%s': rc %d (%s)", cases[i].s, rc, e.message);
        if (rc != CC_OK || cases[i].rc != CC_OK) {
            if (cases[i].rc != CC_ERR_NOTFOUND)
                cr_expect_str_eq(e.message, cases[i].msg, "'%s'", cases[i].s);
            continue;
        }
        cr_expect_eq(r.day_clock, cases[i].day_clock, "'%s'", cases[i].s);
        if (cases[i].day_clock) {
            cr_expect_eq(r.day, cases[i].a, "'%s': day %lld", cases[i].s, (long long)r.day);
            cr_expect_eq(r.clock_s, cases[i].b, "'%s': clock %lld", cases[i].s, (long long)r.clock_s);
        } else {
            cr_expect_eq(r.offset_s, cases[i].a, "'%s': %lld", cases[i].s, (long long)r.offset_s);
        }
    }
}

/* ---- clock times ---------------------------------------------------------------- */

Test(ctime, clock_times_valid)
{
    static const struct {
        const char *s;
        int m;
    } ok[] = {{"00:00", 0},    {"08:30", 510},  {"09:00", 540},
              {"17:59", 1079}, {"23:59", 1439}, {"24:00", 1440}};
    for (size_t i = 0; i < N(ok); i++) {
        int m = -1;
        cc_time_error e;
        cr_expect_eq(cc_clock_parse(ok[i].s, strlen(ok[i].s), &m, &e), CC_OK, "%s: %s", ok[i].s, e.message);
        cr_expect_eq(m, ok[i].m, "%s", ok[i].s);
    }
}

Test(ctime, clock_times_refused)
{
    static const struct {
        const char *s;
        int col;
        const char *msg, *hint;
    } bad[] = {
        {"", 1, "empty clock time", "\"08:00\""},
        {"8:00", 1, "expected a clock time HH:MM (two-digit hour)", "write \"08:00\""},
        {"0800", 3, "expected a clock time HH:MM", "\"08:00\""},
        {"08:0", 5, "expected a clock time HH:MM", "\"08:00\""},
        {"08:00:00", 6, "seconds are not used in a clock time", "without seconds"},
        {"08:00 ", 6, "unexpected text after the clock time", "\"08:00\""},
        {"24:30", 4, "clock time 24:30 is out of range (00:00-24:00)", "end of the day"},
        {"25:00", 1, "clock time 25:00 is out of range (00:00-24:00)", "00 to 24"},
        {"08:60", 4, "clock time 08:60 is out of range (00:00-24:00)", "00 to 59"},
        {"8am", 2, "expected a clock time HH:MM", "24-hour"},
    };
    for (size_t i = 0; i < N(bad); i++) {
        int m = -7;
        cc_time_error e;
        cr_expect_eq(cc_clock_parse(bad[i].s, strlen(bad[i].s), &m, &e), CC_ERR_PARSE, "'%s' accepted",
                     bad[i].s);
        cr_expect_eq(m, -7);
        cr_expect_eq(e.col, bad[i].col, "'%s': col %d", bad[i].s, e.col);
        cr_expect_str_eq(e.message, bad[i].msg, "'%s'", bad[i].s);
        cr_expect(strstr(e.hint, bad[i].hint) != NULL, "'%s': hint '%s'", bad[i].s, e.hint);
    }
}

/* ---- civil calendar ------------------------------------------------------------- */

Test(ctime, civil_calendar)
{
    for (int64_t d = -800000; d <= 800000; d += 37) {
        int64_t y;
        unsigned m, dd;
        cc_civil_from_days(d, &y, &m, &dd);
        cr_assert_eq(cc_days_from_civil(y, m, dd), d);
        cr_assert(m >= 1 && m <= 12 && dd >= 1 && dd <= 31);
    }
    static const struct {
        int64_t y;
        unsigned m, d;
        int64_t days;
        int wd; /* 0 = Monday */
    } known[] = {
        {1970, 1, 1, 0, 3},      {1969, 12, 31, -1, 2},    {2000, 2, 29, 11016, 1},
        {2000, 3, 1, 11017, 2},  {2026, 11, 28, 20785, 5}, {2026, 11, 30, 20787, 0},
        {2028, 2, 29, 21243, 1}, {1900, 3, 1, -25508, 3},  {1600, 1, 1, -135140, 5},
    };
    for (size_t i = 0; i < N(known); i++) {
        cr_expect_eq(cc_days_from_civil(known[i].y, known[i].m, known[i].d), known[i].days, "%lld-%u-%u",
                     (long long)known[i].y, known[i].m, known[i].d);
        cr_expect_eq(cc_weekday_from_days(known[i].days), known[i].wd, "weekday of day %lld",
                     (long long)known[i].days);
    }
    /* weekday needs no overflow room */
    cr_expect(cc_weekday_from_days(INT64_MAX) >= 0 && cc_weekday_from_days(INT64_MIN) >= 0);
}
