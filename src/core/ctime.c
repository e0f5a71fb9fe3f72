/* ctime — durations, RFC 3339 timestamps, scenario times and HH:MM as integer seconds.
 * Strict, position-reporting parsers; civil-calendar arithmetic after H. Hinnant's
 * days_from_civil. Pure: no clock, locale or time zone database. */
#include "core/ctime.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define TERR(col_, ...) return fail(err, CC_ERR_PARSE, (size_t)(col_), NULL, __VA_ARGS__)

/* Fills err (when not NULL) and returns rc. col is 1-based; hint may be NULL. */
__attribute__((format(printf, 5, 6))) static cc_err fail(cc_time_error *err, cc_err rc, size_t col,
                                                         const char *hint, const char *fmt, ...)
{
    if (err) {
        err->col = (int)col;
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->message, sizeof err->message, fmt, ap);
        va_end(ap);
        snprintf(err->hint, sizeof err->hint, "%s", hint ? hint : "");
    }
    return rc;
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

cc_err cc_duration_parse(const char *s, size_t len, int64_t *out_s, cc_time_error *err)
{
    static const char units[] = "dhms";
    static const int64_t mult[] = {86400, 3600, 60, 1};
    if (err)
        memset(err, 0, sizeof *err);
    if (len == 0)
        TERR(1, "empty duration");
    if (s[0] == '-')
        TERR(1, "a duration cannot be negative");
    if (s[0] == '+') {
        return fail(err, CC_ERR_PARSE, 1, "write '+' only in front of a scenario time (at: +2h)",
                    "a duration has no sign");
    }
    int64_t total = 0;
    int last_unit = -1;
    size_t i = 0;
    while (i < len) {
        size_t start = i;
        if ((unsigned char)s[i] >= 0x80) {
            return fail(err, CC_ERR_PARSE, i + 1,
                        "retype it in ASCII; a look-alike character may have been pasted",
                        "non-ASCII character in a duration");
        }
        if (!is_digit(s[i])) {
            return fail(err, CC_ERR_PARSE, i + 1, "durations look like 90s, 45m, 2h30m or 1d12h",
                        "expected a number in duration '%.*s'", (int)(len > 60 ? 60 : len), s);
        }
        int64_t v = 0;
        while (i < len && is_digit(s[i])) {
            if (v > CC_DURATION_MAX_S)
                TERR(start + 1, "duration is too large (at most 3650 days)");
            v = v * 10 + (s[i] - '0');
            i++;
        }
        if (i == len) {
            char hint[80];
            int nd = (int)(i - start > 20 ? 20 : i - start);
            snprintf(hint, sizeof hint, "write %.*sm or %.*ss", nd, s + start, nd, s + start);
            return fail(err, CC_ERR_PARSE, i + 1, hint, "duration needs a unit (d, h, m or s)");
        }
        const char *u = memchr(units, s[i], 4);
        if (!u || s[i] == 0) {
            static const char units_hint[] = "units are d (days), h (hours), m (minutes) and s (seconds)";
            if (s[i] == ' ' || s[i] == '\t')
                return fail(err, CC_ERR_PARSE, i + 1, "write 4h30m, not 4 hours 30 minutes",
                            "spaces are not allowed in a duration");
            if ((unsigned char)s[i] >= 0x80 || s[i] < 0x20)
                return fail(err, CC_ERR_PARSE, i + 1, units_hint, "unknown duration unit");
            return fail(err, CC_ERR_PARSE, i + 1, units_hint, "unknown duration unit '%c'", s[i]);
        }
        int k = (int)(u - units);
        if (k == last_unit) {
            return fail(err, CC_ERR_PARSE, i + 1, "write each unit once, e.g. 2h30m",
                        "unit '%c' appears twice", s[i]);
        }
        if (k < last_unit) {
            return fail(err, CC_ERR_PARSE, i + 1, "write units from largest to smallest: d, h, m, s",
                        "duration units out of order ('%c' after '%c')", s[i], units[last_unit]);
        }
        last_unit = k;
        if (v > CC_DURATION_MAX_S / mult[k] || total + v * mult[k] > CC_DURATION_MAX_S)
            TERR(start + 1, "duration is too large (at most 3650 days)");
        total += v * mult[k];
        i++;
    }
    *out_s = total;
    return CC_OK;
}

int cc_duration_format(int64_t s, char *buf, size_t size)
{
    if (s < 0)
        return snprintf(buf, size, "-%lld s", (long long)-s);
    if (s == 0)
        return snprintf(buf, size, "0s");
    int64_t d = s / 86400, h = s / 3600 % 24, m = s / 60 % 60, sec = s % 60;
    char tmp[64];
    size_t off = 0;
    if (d)
        off += (size_t)snprintf(tmp + off, sizeof tmp - off, "%lldd", (long long)d);
    if (h)
        off += (size_t)snprintf(tmp + off, sizeof tmp - off, "%lldh", (long long)h);
    if (m)
        off += (size_t)snprintf(tmp + off, sizeof tmp - off, "%lldm", (long long)m);
    if (sec)
        snprintf(tmp + off, sizeof tmp - off, "%llds", (long long)sec);
    return snprintf(buf, size, "%s", tmp);
}

int64_t cc_days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? (unsigned)-3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

void cc_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t yy = (int64_t)yoe + era * 400;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = yy + (*m <= 2);
}

int cc_weekday_from_days(int64_t z)
{
    /* 1970-01-01 was a Thursday (3 when Monday = 0) */
    int64_t w = (z + 3) % 7;
    return (int)(w < 0 ? w + 7 : w);
}

static int leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int64_t y, unsigned m)
{
    static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 ? 28 + leap(y) : dm[m - 1];
}

/* n digits at s[*i], advancing; -1 when not digits */
static int digits(const char *s, size_t len, size_t *i, int n)
{
    int v = 0;
    for (int k = 0; k < n; k++) {
        if (*i >= len || !is_digit(s[*i]))
            return -1;
        v = v * 10 + (s[(*i)++] - '0');
    }
    return v;
}

#define EXPECT_CH(ch, what)                                                                                  \
    do {                                                                                                     \
        if (i >= len || s[i] != (ch))                                                                        \
            TERR(i + 1, "expected '%c' %s in time '%.*s'", (ch), what, (int)(len > 60 ? 60 : len), s);       \
        i++;                                                                                                 \
    } while (0)

cc_err cc_rfc3339_parse(const char *s, size_t len, int64_t *unix_s, int32_t *offset_s, cc_time_error *err)
{
    if (err)
        memset(err, 0, sizeof *err);
    size_t i = 0;
    if (len == 0)
        TERR(1, "empty time");
    if (s[0] == '+' || s[0] == '-') {
        return fail(err, CC_ERR_PARSE, 1, "write 2026-03-02T09:00:00+09:00",
                    "expected an absolute RFC 3339 time, not a relative one");
    }
    int y = digits(s, len, &i, 4);
    if (y < 0)
        TERR(i + 1, "expected a four-digit year in time '%.*s'", (int)(len > 60 ? 60 : len), s);
    EXPECT_CH('-', "after the year");
    size_t mcol = i + 1;
    int mo = digits(s, len, &i, 2);
    if (mo < 0)
        TERR(i + 1, "expected a two-digit month");
    EXPECT_CH('-', "after the month");
    size_t dcol = i + 1;
    int d = digits(s, len, &i, 2);
    if (d < 0)
        TERR(i + 1, "expected a two-digit day");
    if (i >= len || (s[i] != 'T' && s[i] != 't')) {
        return fail(err, CC_ERR_PARSE, i + 1, "write 2026-03-02T09:00:00+09:00",
                    "expected 'T' between date and time");
    }
    i++;
    size_t hcol = i + 1;
    int hh = digits(s, len, &i, 2);
    if (hh < 0)
        TERR(i + 1, "expected a two-digit hour");
    EXPECT_CH(':', "after the hour");
    size_t mincol = i + 1;
    int mi = digits(s, len, &i, 2);
    if (mi < 0)
        TERR(i + 1, "expected two-digit minutes");
    EXPECT_CH(':', "after the minutes");
    size_t scol = i + 1;
    int ss = digits(s, len, &i, 2);
    if (ss < 0)
        TERR(i + 1, "expected two-digit seconds");
    if (i < len && s[i] == '.') {
        i++;
        if (i >= len || !is_digit(s[i]))
            TERR(i + 1, "expected digits after '.'");
        while (i < len && is_digit(s[i]))
            i++;
    }
    if (y < 1970)
        TERR(1, "year %d is before 1970", y);
    if (mo < 1 || mo > 12)
        TERR(mcol, "month %02d does not exist", mo);
    if (d < 1 || d > days_in_month(y, (unsigned)mo))
        TERR(dcol, "day %02d does not exist in %04d-%02d", d, y, mo);
    if (hh > 23)
        TERR(hcol, "hour %02d is out of range (00-23)", hh);
    if (mi > 59)
        TERR(mincol, "minute %02d is out of range (00-59)", mi);
    if (ss > 60)
        TERR(scol, "second %02d is out of range (00-59)", ss);
    if (ss == 60)
        ss = 59; /* leap second: caucus clocks do not represent it */
    int32_t off = 0;
    if (i >= len) {
        return fail(err, CC_ERR_PARSE, i + 1, "add Z or an offset such as +09:00", "time has no UTC offset");
    }
    if (s[i] == 'Z' || s[i] == 'z') {
        i++;
    } else if (s[i] == '+' || s[i] == '-') {
        int sign = s[i] == '-' ? -1 : 1;
        size_t ocol = i + 1;
        i++;
        int oh = digits(s, len, &i, 2);
        if (oh < 0)
            TERR(i + 1, "expected a two-digit offset hour");
        EXPECT_CH(':', "in the UTC offset");
        int om = digits(s, len, &i, 2);
        if (om < 0)
            TERR(i + 1, "expected two-digit offset minutes");
        if (oh > 23 || om > 59)
            TERR(ocol, "UTC offset out of range");
        off = sign * (oh * 3600 + om * 60);
    } else {
        return fail(err, CC_ERR_PARSE, i + 1, "end with Z or an offset such as +09:00",
                    "unexpected character after the time");
    }
    if (i != len)
        TERR(i + 1, "unexpected text after the UTC offset");
    int64_t days = cc_days_from_civil(y, (unsigned)mo, (unsigned)d);
    *unix_s = days * 86400 + hh * 3600 + mi * 60 + ss - off;
    *offset_s = off;
    return CC_OK;
}

int cc_rfc3339_format(int64_t unix_s, int32_t offset_s, char *buf, size_t size)
{
    int64_t local = unix_s + offset_s;
    int64_t days = local >= 0 ? local / 86400 : -((-local + 86399) / 86400);
    int64_t sod = local - days * 86400;
    int64_t y;
    unsigned m, d;
    cc_civil_from_days(days, &y, &m, &d);
    char off[16];
    if (offset_s == 0)
        snprintf(off, sizeof off, "Z");
    else {
        int32_t a = offset_s < 0 ? -offset_s : offset_s;
        snprintf(off, sizeof off, "%c%02d:%02d", offset_s < 0 ? '-' : '+', a / 3600, a / 60 % 60);
    }
    return snprintf(buf, size, "%04lld-%02u-%02uT%02d:%02d:%02d%s", (long long)y, m, d, (int)(sod / 3600),
                    (int)(sod / 60 % 60), (int)(sod % 60), off);
}

cc_err cc_time_parse_scenario(const char *s, size_t len, int64_t start_unix, int64_t *rel_s,
                              cc_time_error *err)
{
    if (err)
        memset(err, 0, sizeof *err);
    if (len > 0 && s[0] == '+') {
        cc_err rc = cc_duration_parse(s + 1, len - 1, rel_s, err);
        if (rc != CC_OK && err && err->col > 0)
            err->col++;
        return rc;
    }
    if (len > 0 && is_digit(s[0]) && len < 12 && !memchr(s, '-', len)) {
        char hint[64];
        snprintf(hint, sizeof hint, "write +%.*s", (int)(len > 40 ? 40 : len), s);
        return fail(err, CC_ERR_PARSE, 1, hint, "a relative time starts with '+'");
    }
    int64_t t;
    int32_t off;
    cc_err rc = cc_rfc3339_parse(s, len, &t, &off, err);
    if (rc != CC_OK)
        return rc;
    if (t < start_unix) {
        return fail(err, CC_ERR_RANGE, 1, "scenario times must not precede exercise.start",
                    "time is before the exercise start");
    }
    if (t - start_unix > CC_DURATION_MAX_S) {
        return fail(err, CC_ERR_RANGE, 1, NULL, "time is more than 3650 days after the exercise start");
    }
    *rel_s = t - start_unix;
    return CC_OK;
}

cc_err cc_clock_parse(const char *s, size_t len, int *minutes, cc_time_error *err)
{
    if (err)
        memset(err, 0, sizeof *err);
    size_t i = 0;
    int h = digits(s, len, &i, 2);
    if (h < 0 || i >= len || s[i] != ':') {
        return fail(err, CC_ERR_PARSE, i + 1, "write \"08:00\" (quoted)", "expected a clock time HH:MM");
    }
    i++;
    int m = digits(s, len, &i, 2);
    if (m < 0 || i != len) {
        return fail(err, CC_ERR_PARSE, i + 1, "write \"08:00\" (quoted)", "expected a clock time HH:MM");
    }
    if (h > 24 || m > 59 || (h == 24 && m != 0))
        TERR(1, "clock time %02d:%02d is out of range (00:00-24:00)", h, m);
    *minutes = h * 60 + m;
    return CC_OK;
}
