/* Tests of core/ctime: durations, RFC 3339, scenario times, HH:MM, civil calendar. */
#include <criterion/criterion.h>
#include <string.h>

#include "core/ctime.h"

Test(ctime, durations_valid)
{
    static const struct {
        const char *s;
        int64_t v;
    } ok[] = {{"0s", 0},       {"90s", 90},       {"45m", 2700},       {"2h", 7200},
              {"2h30m", 9000}, {"1d12h", 129600}, {"1d2h3m4s", 93784}, {"3650d", 3650LL * 86400},
              {"0d0h0m1s", 1}};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        int64_t v = -1;
        cc_time_error e;
        cr_expect_eq(cc_duration_parse(ok[i].s, strlen(ok[i].s), &v, &e), CC_OK, "%s: %s", ok[i].s,
                     e.message);
        cr_expect_eq(v, ok[i].v, "%s", ok[i].s);
    }
}

Test(ctime, durations_refused_with_column)
{
    static const struct {
        const char *s;
        int col;
        const char *msg, *hint;
    } bad[] = {
        {"", 1, "empty duration", ""},
        {"90", 3, "duration needs a unit (d, h, m or s)", "write 90m or 90s"},
        {"2m3h", 4, "duration units out of order ('h' after 'm')", "largest to smallest"},
        {"1h1h", 4, "unit 'h' appears twice", "each unit once"},
        {"-5m", 1, "a duration cannot be negative", ""},
        {"+5m", 1, "a duration has no sign", "at: +2h"},
        {"5x", 2, "unknown duration unit 'x'", "d (days)"},
        {"4 hours", 2, "spaces are not allowed in a duration", "4h30m"},
        {"h", 1, "expected a number in duration 'h'", "2h30m"},
        {"3651d", 1, "duration is too large (at most 3650 days)", ""},
        {"99999999999999999999s", 1, "duration is too large (at most 3650 days)", ""},
        {"1d\xd0\x9a", 3, "non-ASCII character in a duration", "look-alike"},
        {"\xd0\x9a", 1, "non-ASCII character in a duration", "ASCII"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int64_t v = 0;
        cc_time_error e;
        cr_expect_eq(cc_duration_parse(bad[i].s, strlen(bad[i].s), &v, &e), CC_ERR_PARSE, "%s accepted",
                     bad[i].s);
        cr_expect_eq(e.col, bad[i].col, "%s: col %d", bad[i].s, e.col);
        cr_expect_str_eq(e.message, bad[i].msg, "%s", bad[i].s);
        cr_expect(strstr(e.hint, bad[i].hint) != NULL, "%s: hint '%s'", bad[i].s, e.hint);
    }
}

Test(ctime, duration_format_round_trip)
{
    char buf[32];
    int64_t vals[] = {0, 1, 59, 60, 3600, 9000, 93784, 3650LL * 86400};
    for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
        cc_duration_format(vals[i], buf, sizeof buf);
        int64_t back = -1;
        cr_expect_eq(cc_duration_parse(buf, strlen(buf), &back, NULL), CC_OK, "%s", buf);
        cr_expect_eq(back, vals[i]);
    }
    cc_duration_format(9000, buf, sizeof buf);
    cr_expect_str_eq(buf, "2h30m");
}

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
        {"2028-02-29T00:00:00Z", 1835395200, 0},
        {"2026-03-02T02:30:00.123456Z", 1772418600, 0},
        {"2026-03-02t02:30:00z", 1772418600, 0},
        {"2016-12-31T23:59:60Z", 1483228799, 0},
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        int64_t t;
        int32_t off;
        cc_time_error e;
        cr_expect_eq(cc_rfc3339_parse(ok[i].s, strlen(ok[i].s), &t, &off, &e), CC_OK, "%s: %s", ok[i].s,
                     e.message);
        cr_expect_eq(t, ok[i].t, "%s: %lld", ok[i].s, (long long)t);
        cr_expect_eq(off, ok[i].off);
    }
}

Test(ctime, rfc3339_refused)
{
    static const struct {
        const char *s;
        int col;
        const char *msg;
    } bad[] = {
        {"2026-03-02T11:30:00", 20, "time has no UTC offset"},
        {"2027-02-29T00:00:00Z", 9, "day 29 does not exist in 2027-02"},
        {"2026-02-30T00:00:00Z", 9, "day 30 does not exist in 2026-02"},
        {"2026-13-01T00:00:00Z", 6, "month 13 does not exist"},
        {"2026-03-02T25:00:00Z", 12, "hour 25 is out of range (00-23)"},
        {"2026-03-02T10:61:00Z", 15, "minute 61 is out of range (00-59)"},
        {"2026-03-02 10:00:00Z", 11, "expected 'T' between date and time"},
        {"+2h", 1, "expected an absolute RFC 3339 time, not a relative one"},
        {"1969-12-31T23:59:59Z", 1, "year 1969 is before 1970"},
        {"2026-03-02T10:00:00+9:00", 22, "expected a two-digit offset hour"},
        {"2026-03-02T10:00:00+09:00x", 26, "unexpected text after the UTC offset"},
        {"2026-03-02T10:00:00Q", 20, "unexpected character after the time"},
        {"26-03-02T10:00:00Z", 3, "expected a four-digit year in time '26-03-02T10:00:00Z'"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int64_t t;
        int32_t off;
        cc_time_error e;
        cr_expect_eq(cc_rfc3339_parse(bad[i].s, strlen(bad[i].s), &t, &off, &e), CC_ERR_PARSE, "%s accepted",
                     bad[i].s);
        cr_expect_eq(e.col, bad[i].col, "%s: col %d", bad[i].s, e.col);
        cr_expect_str_eq(e.message, bad[i].msg, "%s", bad[i].s);
    }
}

Test(ctime, rfc3339_format)
{
    char buf[40];
    cc_rfc3339_format(1772418600, 32400, buf, sizeof buf);
    cr_expect_str_eq(buf, "2026-03-02T11:30:00+09:00");
    cc_rfc3339_format(1772418600, -18000, buf, sizeof buf);
    cr_expect_str_eq(buf, "2026-03-01T21:30:00-05:00");
    cc_rfc3339_format(0, 0, buf, sizeof buf);
    cr_expect_str_eq(buf, "1970-01-01T00:00:00Z");
}

Test(ctime, scenario_times)
{
    int64_t start = 1772418600, rel;
    cc_time_error e;
    cr_expect_eq(cc_time_parse_scenario("+2h30m", 6, start, &rel, &e), CC_OK);
    cr_expect_eq(rel, 9000);
    cr_expect_eq(cc_time_parse_scenario("2026-03-02T12:30:00+09:00", 25, start, &rel, &e), CC_OK);
    cr_expect_eq(rel, 3600);
    cr_expect_eq(cc_time_parse_scenario("2026-03-02T10:30:00+09:00", 25, start, &rel, &e), CC_ERR_RANGE);
    cr_expect_str_eq(e.message, "time is before the exercise start");
    cr_expect_eq(cc_time_parse_scenario("+2x", 3, start, &rel, &e), CC_ERR_PARSE);
    cr_expect_eq(e.col, 3, "column counts the '+'");
    cr_expect_eq(cc_time_parse_scenario("2h", 2, start, &rel, &e), CC_ERR_PARSE);
    cr_expect_str_eq(e.message, "a relative time starts with '+'");
    cr_expect_str_eq(e.hint, "write +2h");
}

Test(ctime, clock_times)
{
    int m;
    cc_time_error e;
    cr_expect_eq(cc_clock_parse("08:30", 5, &m, &e), CC_OK);
    cr_expect_eq(m, 510);
    cr_expect_eq(cc_clock_parse("24:00", 5, &m, &e), CC_OK);
    cr_expect_eq(m, 1440);
    cr_expect_eq(cc_clock_parse("24:30", 5, &m, &e), CC_ERR_PARSE);
    cr_expect_eq(cc_clock_parse("8:00", 4, &m, &e), CC_ERR_PARSE);
    cr_expect_eq(cc_clock_parse("08:60", 5, &m, &e), CC_ERR_PARSE);
    cr_expect_eq(cc_clock_parse("0800", 4, &m, &e), CC_ERR_PARSE);
}

Test(ctime, civil_calendar_round_trip)
{
    for (int64_t d = -800000; d <= 800000; d += 37) {
        int64_t y;
        unsigned m, dd;
        cc_civil_from_days(d, &y, &m, &dd);
        cr_assert_eq(cc_days_from_civil(y, m, dd), d);
    }
    cr_expect_eq(cc_weekday_from_days(0), 3);                                /* 1970-01-01 Thursday */
    cr_expect_eq(cc_weekday_from_days(cc_days_from_civil(2026, 11, 28)), 5); /* Saturday */
}
