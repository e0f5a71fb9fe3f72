/* ctime — durations, RFC 3339 timestamps, scenario times and HH:MM as integer seconds.
 * Strict parsers that report a 1-based column, a message and a hint; civil-calendar
 * arithmetic after H. Hinnant's days_from_civil. Pure: no clock, locale or zone database. */
#include "core/ctime.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define RFC3339_EXAMPLE "2026-03-02T09:00:00+09:00"
#define ECHO_MAX 40 /* longest input echoed back in a message or hint */

/* Fills *err (when given) and returns rc. hint may be NULL. */
static cc_err time_fail(cc_time_error *err, cc_err rc, size_t col, const char *hint, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static cc_err time_fail(cc_time_error *err, cc_err rc, size_t col, const char *hint, const char *fmt, ...)
{
    if (!err)
        return rc;
    err->col = col > 100000 ? 100000 : (int)col;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    snprintf(err->hint, sizeof err->hint, "%s", hint ? hint : "");
    return rc;
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Whether s[0..len) may be echoed in a message: short, printable ASCII only. */
static bool echoable(const char *s, size_t len)
{
    if (len > ECHO_MAX)
        return false;
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
            return false;
    return true;
}

/* Splits t seconds into whole days (rounded down) and the second of the day, without overflow
 * for any t. */
static void split_day(int64_t t, int64_t *days, int64_t *sod)
{
    int64_t q = t / 86400, r = t % 86400;
    if (r < 0) {
        r += 86400;
        q--;
    }
    *days = q;
    *sod = r;
}

/* ---- durations ------------------------------------------------------------------ */

cc_err cc_duration_parse(const char *s, size_t len, int64_t *out_s, cc_time_error *err)
{
    static const char units[] = "dhms";
    static const int64_t unit_s[] = {86400, 3600, 60, 1};
    static const char examples[] = "durations look like 90s, 45m, 2h30m or 1d12h";
    char hint[160];
    if (err)
        memset(err, 0, sizeof *err);
    if (len == 0)
        return time_fail(err, CC_ERR_PARSE, 1, "write a duration such as 90s, 45m or 2h30m",
                         "empty duration");
    if (s[0] == '-') {
        if (len > 1 && echoable(s + 1, len - 1))
            snprintf(hint, sizeof hint, "a duration counts forward: write %.*s", (int)(len - 1), s + 1);
        else
            snprintf(hint, sizeof hint, "a duration counts forward, e.g. 5m");
        return time_fail(err, CC_ERR_PARSE, 1, hint, "a duration cannot be negative");
    }
    if (s[0] == '+')
        return time_fail(err, CC_ERR_PARSE, 1, "write '+' only in front of a scenario time (at: +2h)",
                         "a duration has no sign");
    if (s[0] == 'P' || s[0] == 'p')
        return time_fail(err, CC_ERR_PARSE, 1, "ISO 8601 durations are not used: write PT2H30M as 2h30m",
                         "expected a number in duration '%.*s'", echoable(s, len) ? (int)len : 0, s);
    int64_t total = 0;
    int last = -1;     /* index of the last unit seen */
    unsigned seen = 0; /* bit per unit */
    size_t i = 0;
    while (i < len) {
        size_t start = i;
        if ((unsigned char)s[i] >= 0x80)
            return time_fail(err, CC_ERR_PARSE, i + 1,
                             "retype it in ASCII; a look-alike character may have been pasted",
                             "non-ASCII character in a duration");
        if (!is_digit(s[i])) {
            if (s[i] == ' ' || s[i] == '\t')
                return time_fail(err, CC_ERR_PARSE, i + 1, "write 4h30m, not 4 hours 30 minutes",
                                 "spaces are not allowed in a duration");
            if (echoable(s, len))
                return time_fail(err, CC_ERR_PARSE, i + 1, examples, "expected a number in duration '%.*s'",
                                 (int)len, s);
            return time_fail(err, CC_ERR_PARSE, i + 1, examples, "expected a number in a duration");
        }
        int64_t v = 0;
        while (i < len && is_digit(s[i])) {
            if (v > CC_DURATION_MAX_S) /* keeps v * 10 + 9 far from overflow */
                return time_fail(err, CC_ERR_PARSE, start + 1, NULL,
                                 "duration is too large (at most 3650 days)");
            v = v * 10 + (s[i] - '0');
            i++;
        }
        if (i == len) {
            size_t n = i - start;
            if (n <= ECHO_MAX)
                snprintf(hint, sizeof hint, "write %.*sm or %.*ss", (int)n, s + start, (int)n, s + start);
            else
                snprintf(hint, sizeof hint, "units are d (days), h (hours), m (minutes) and s (seconds)");
            return time_fail(err, CC_ERR_PARSE, i + 1, hint, "duration needs a unit (d, h, m or s)");
        }
        char c = s[i];
        int k = 0;
        while (k < 4 && units[k] != c)
            k++;
        if (k == 4) {
            if (c == ' ' || c == '\t')
                return time_fail(err, CC_ERR_PARSE, i + 1, "write 4h30m, not 4 hours 30 minutes",
                                 "spaces are not allowed in a duration");
            if (c == '.' || c == ',')
                return time_fail(err, CC_ERR_PARSE, i + 1, "write 1h30m, not 1.5h",
                                 "fractions are not allowed in a duration");
            if (c == 'D' || c == 'H' || c == 'M' || c == 'S') {
                snprintf(hint, sizeof hint, "units are lower case: write %c", c - 'A' + 'a');
                return time_fail(err, CC_ERR_PARSE, i + 1, hint, "unknown duration unit '%c'", c);
            }
            static const char unit_hint[] = "units are d (days), h (hours), m (minutes) and s (seconds)";
            if ((unsigned char)c >= 0x80)
                return time_fail(err, CC_ERR_PARSE, i + 1,
                                 "retype it in ASCII; a look-alike character may have been pasted",
                                 "non-ASCII character in a duration");
            if ((unsigned char)c < 0x20 || c == 0x7f)
                return time_fail(err, CC_ERR_PARSE, i + 1, unit_hint, "unknown duration unit");
            return time_fail(err, CC_ERR_PARSE, i + 1, unit_hint, "unknown duration unit '%c'", c);
        }
        if (seen & (1u << k))
            return time_fail(err, CC_ERR_PARSE, i + 1, "write each unit once, e.g. 2h30m",
                             "unit '%c' appears twice", c);
        if (k < last)
            return time_fail(err, CC_ERR_PARSE, i + 1, "write units from largest to smallest: d, h, m, s",
                             "duration units out of order ('%c' after '%c')", c, units[last]);
        seen |= 1u << k;
        last = k;
        if (v > CC_DURATION_MAX_S / unit_s[k] || total + v * unit_s[k] > CC_DURATION_MAX_S)
            return time_fail(err, CC_ERR_PARSE, start + 1, NULL, "duration is too large (at most 3650 days)");
        total += v * unit_s[k];
        i++;
    }
    *out_s = total;
    return CC_OK;
}

int cc_duration_format(int64_t s, char *buf, size_t size)
{
    /* magnitude as unsigned so that INT64_MIN formats too */
    uint64_t a = s < 0 ? (uint64_t)0 - (uint64_t)s : (uint64_t)s;
    if (a == 0)
        return snprintf(buf, size, "0s");
    uint64_t d = a / 86400, h = a / 3600 % 24, m = a / 60 % 60, sec = a % 60;
    char tmp[64];
    int off = 0;
    if (s < 0)
        tmp[off++] = '-';
    if (d)
        off += snprintf(tmp + off, sizeof tmp - (size_t)off, "%llud", (unsigned long long)d);
    if (h)
        off += snprintf(tmp + off, sizeof tmp - (size_t)off, "%lluh", (unsigned long long)h);
    if (m)
        off += snprintf(tmp + off, sizeof tmp - (size_t)off, "%llum", (unsigned long long)m);
    if (sec)
        snprintf(tmp + off, sizeof tmp - (size_t)off, "%llus", (unsigned long long)sec);
    tmp[sizeof tmp - 1] = 0;
    return snprintf(buf, size, "%s", tmp);
}

/* ---- civil calendar ------------------------------------------------------------- */

int64_t cc_days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);                       /* [0, 399] */
    unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1; /* [0, 365] */
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;           /* [0, 146096] */
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
    /* 1970-01-01 (day 0) was a Thursday: 3 when Monday = 0 */
    int64_t w = z % 7 + 3;
    w %= 7;
    return (int)(w < 0 ? w + 7 : w);
}

static bool is_leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int64_t y, int m)
{
    static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 ? 28 + is_leap(y) : dm[m - 1];
}

/* ---- RFC 3339 ------------------------------------------------------------------- */

/* Exactly n digits at s[*i], advancing *i past the digits read; -1 when fewer. */
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

/* "expected C ..." at column i + 1 when s[i] is not c. */
static cc_err expect_char(const char *s, size_t len, size_t *i, char c, const char *what, const char *hint,
                          cc_time_error *err)
{
    if (*i < len && s[*i] == c) {
        (*i)++;
        return CC_OK;
    }
    if (echoable(s, len))
        return time_fail(err, CC_ERR_PARSE, *i + 1, hint, "expected '%c' %s in time '%.*s'", c, what,
                         (int)len, s);
    return time_fail(err, CC_ERR_PARSE, *i + 1, hint, "expected '%c' %s", c, what);
}

/* The fields of an RFC 3339 date and time, with the column each starts at. */
typedef struct tfields {
    int y, mo, d, hh, mi, ss;
    size_t mcol, dcol, hcol, mincol, scol;
} tfields;

static const char rfc3339_example[] = "write " RFC3339_EXAMPLE;

/* YYYY-MM-DD from s[*i]. */
static cc_err parse_date(const char *s, size_t len, size_t *i, tfields *f, cc_time_error *err)
{
    const char *example = rfc3339_example;
    f->y = digits(s, len, i, 4);
    if (f->y < 0) {
        if (echoable(s, len))
            return time_fail(err, CC_ERR_PARSE, *i + 1, example, "expected a four-digit year in time '%.*s'",
                             (int)len, s);
        return time_fail(err, CC_ERR_PARSE, *i + 1, example, "expected a four-digit year");
    }
    if (expect_char(s, len, i, '-', "after the year", example, err))
        return CC_ERR_PARSE;
    f->mcol = *i + 1;
    f->mo = digits(s, len, i, 2);
    if (f->mo < 0)
        return time_fail(err, CC_ERR_PARSE, *i + 1, "write the month with two digits, e.g. 03",
                         "expected a two-digit month");
    if (expect_char(s, len, i, '-', "after the month", example, err))
        return CC_ERR_PARSE;
    f->dcol = *i + 1;
    f->d = digits(s, len, i, 2);
    if (f->d < 0)
        return time_fail(err, CC_ERR_PARSE, *i + 1, "write the day with two digits, e.g. 02",
                         "expected a two-digit day");
    return CC_OK;
}

/* hh:mm:ss[.fraction] from s[*i] (the fraction truncated). */
static cc_err parse_clock(const char *s, size_t len, size_t *i, tfields *f, cc_time_error *err)
{
    const char *example = rfc3339_example;
    f->hcol = *i + 1;
    f->hh = digits(s, len, i, 2);
    if (f->hh < 0)
        return time_fail(err, CC_ERR_PARSE, *i + 1, example, "expected a two-digit hour");
    if (expect_char(s, len, i, ':', "after the hour", example, err))
        return CC_ERR_PARSE;
    f->mincol = *i + 1;
    f->mi = digits(s, len, i, 2);
    if (f->mi < 0)
        return time_fail(err, CC_ERR_PARSE, *i + 1, example, "expected two-digit minutes");
    if (expect_char(s, len, i, ':', "after the minutes", "seconds are required: write " RFC3339_EXAMPLE, err))
        return CC_ERR_PARSE;
    f->scol = *i + 1;
    f->ss = digits(s, len, i, 2);
    if (f->ss < 0)
        return time_fail(err, CC_ERR_PARSE, *i + 1, example, "expected two-digit seconds");
    if (*i < len && (s[*i] == '.' || s[*i] == ',')) {
        if (s[*i] == ',')
            return time_fail(err, CC_ERR_PARSE, *i + 1, "write a fraction of a second with '.'",
                             "expected '.' before the fraction of a second");
        (*i)++;
        if (*i >= len || !is_digit(s[*i]))
            return time_fail(err, CC_ERR_PARSE, *i + 1, "write 09:00:00.5 or leave the fraction out",
                             "expected digits after '.'");
        while (*i < len && is_digit(s[*i])) /* fraction: truncated to whole seconds */
            (*i)++;
    }
    return CC_OK;
}

/* Every field within its range (a second of 60 is checked once the offset is known). */
static cc_err check_fields(const tfields *f, cc_time_error *err)
{
    if (f->y < 1970)
        return time_fail(err, CC_ERR_PARSE, 1, "caucus times start at 1970-01-01T00:00:00Z",
                         "year %d is before 1970", f->y);
    if (f->mo < 1 || f->mo > 12)
        return time_fail(err, CC_ERR_PARSE, f->mcol, "months are 01 to 12", "month %02d does not exist",
                         f->mo);
    if (f->d < 1 || f->d > days_in_month(f->y, f->mo)) {
        char hint[96];
        snprintf(hint, sizeof hint, "%04d-%02d has %d days", f->y, f->mo, days_in_month(f->y, f->mo));
        return time_fail(err, CC_ERR_PARSE, f->dcol, hint, "day %02d does not exist in %04d-%02d", f->d, f->y,
                         f->mo);
    }
    if (f->hh > 23)
        return time_fail(err, CC_ERR_PARSE, f->hcol,
                         "hours are 00 to 23; the end of a day is 00:00 of the next",
                         "hour %02d is out of range (00-23)", f->hh);
    if (f->mi > 59)
        return time_fail(err, CC_ERR_PARSE, f->mincol, "minutes are 00 to 59",
                         "minute %02d is out of range (00-59)", f->mi);
    if (f->ss > 60)
        return time_fail(err, CC_ERR_PARSE, f->scol, "seconds are 00 to 59",
                         "second %02d is out of range (00-59)", f->ss);
    return CC_OK;
}

/* Z or +hh:mm / -hh:mm from s[*i] into *off (seconds east of UTC). */
static cc_err parse_offset(const char *s, size_t len, size_t *i, int32_t *off, cc_time_error *err)
{
    *off = 0;
    if (*i >= len)
        return time_fail(err, CC_ERR_PARSE, *i + 1, "add Z or an offset such as +09:00",
                         "time has no UTC offset");
    if (s[*i] == 'Z' || s[*i] == 'z') {
        (*i)++;
        return CC_OK;
    }
    if (s[*i] != '+' && s[*i] != '-')
        return time_fail(err, CC_ERR_PARSE, *i + 1, "end with Z or an offset such as +09:00",
                         "unexpected character after the time");
    static const char off_hint[] = "write the offset as +09:00, -05:00 or Z";
    int sign = s[*i] == '-' ? -1 : 1;
    size_t ocol = *i + 1;
    (*i)++;
    int oh = digits(s, len, i, 2);
    if (oh < 0)
        return time_fail(err, CC_ERR_PARSE, *i + 1, off_hint, "expected a two-digit offset hour");
    if (expect_char(s, len, i, ':', "in the UTC offset", off_hint, err))
        return CC_ERR_PARSE;
    int om = digits(s, len, i, 2);
    if (om < 0)
        return time_fail(err, CC_ERR_PARSE, *i + 1, off_hint, "expected two-digit offset minutes");
    if (oh > 23 || om > 59)
        return time_fail(err, CC_ERR_PARSE, ocol, "offsets lie between -23:59 and +23:59",
                         "UTC offset out of range");
    *off = sign * (oh * 3600 + om * 60);
    return CC_OK;
}

cc_err cc_rfc3339_parse(const char *s, size_t len, int64_t *unix_s, int32_t *offset_s, cc_time_error *err)
{
    const char *example = rfc3339_example;
    if (err)
        memset(err, 0, sizeof *err);
    if (len == 0)
        return time_fail(err, CC_ERR_PARSE, 1, example, "empty time");
    if (s[0] == '+' || s[0] == '-')
        return time_fail(err, CC_ERR_PARSE, 1, example,
                         "expected an absolute RFC 3339 time, not a relative one");
    size_t i = 0;
    tfields f;
    memset(&f, 0, sizeof f);
    cc_err rc = parse_date(s, len, &i, &f, err);
    if (rc != CC_OK)
        return rc;
    if (i >= len || (s[i] != 'T' && s[i] != 't'))
        return time_fail(err, CC_ERR_PARSE, i + 1, example, "expected 'T' between date and time");
    i++;
    int32_t off = 0;
    if ((rc = parse_clock(s, len, &i, &f, err)) != CC_OK || (rc = check_fields(&f, err)) != CC_OK ||
        (rc = parse_offset(s, len, &i, &off, err)) != CC_OK)
        return rc;
    if (i != len)
        return time_fail(err, CC_ERR_PARSE, i + 1, "remove the text after the offset",
                         "unexpected text after the UTC offset");
    int64_t t =
        cc_days_from_civil(f.y, (unsigned)f.mo, (unsigned)f.d) * 86400 + f.hh * 3600 + f.mi * 60 + f.ss - off;
    if (f.ss == 60) {
        /* a leap second exists only as 23:59:60 UTC; it is folded into the second before */
        if (t % 86400 != 0)
            return time_fail(err, CC_ERR_PARSE, f.scol, "seconds are 00 to 59 (60 only at 23:59:60 UTC)",
                             "second 60 is only valid for a leap second");
        t--;
    }
    *unix_s = t;
    *offset_s = off;
    return CC_OK;
}

int cc_rfc3339_format(int64_t unix_s, int32_t offset_s, char *buf, size_t size)
{
    /* RFC 3339 offsets have whole minutes: drop any seconds (LMT offsets) so the text still
     * names the same instant; offsets beyond +-23:59 cannot be written and show as UTC. */
    int32_t off = offset_s - offset_s % 60;
    if (off <= -86400 || off >= 86400)
        off = 0;
    int64_t days, sod;
    split_day(unix_s, &days, &sod);
    sod += off; /* within (-1 day, 2 days) */
    if (sod < 0) {
        sod += 86400;
        days--;
    } else if (sod >= 86400) {
        sod -= 86400;
        days++;
    }
    int64_t y;
    unsigned m, d;
    cc_civil_from_days(days, &y, &m, &d);
    char zone[8];
    if (off == 0)
        snprintf(zone, sizeof zone, "Z");
    else {
        int32_t a = off < 0 ? -off : off;
        snprintf(zone, sizeof zone, "%c%02d:%02d", off < 0 ? '-' : '+', (int)(a / 3600), (int)(a / 60 % 60));
    }
    return snprintf(buf, size, "%04lld-%02u-%02uT%02d:%02d:%02d%s", (long long)y, m, d, (int)(sod / 3600),
                    (int)(sod / 60 % 60), (int)(sod % 60), zone);
}

/* ---- scenario times and clock times -------------------------------------------- */

cc_err cc_time_parse_scenario(const char *s, size_t len, int64_t start_unix, int64_t *rel_s,
                              cc_time_error *err)
{
    static const char either[] =
        "write +2h30m (after exercise.start) or an RFC 3339 time such as " RFC3339_EXAMPLE;
    char hint[160];
    int64_t v;
    if (err)
        memset(err, 0, sizeof *err);
    if (len == 0)
        return time_fail(err, CC_ERR_PARSE, 1, either, "empty time");
    /* the forms planners write: +1d02:30, +2:30, D+1 H+3, Day 2, T+2h */
    int c0 = s[0] | 0x20;
    if ((s[0] == '+' && memchr(s, ':', len)) || ((c0 == 'd' || c0 == 'h' || c0 == 't') && len > 1 &&
                                                 (s[1] == '+' || s[1] == '-' || (s[1] | 0x20) == 'a'))) {
        cc_reltime r = {0};
        cc_err rc = cc_reltime_parse(s, len, &r, err);
        if (rc == CC_OK && r.day_clock)
            return time_fail(err, CC_ERR_PARSE, 1, "write an offset such as +1d02:30, or an RFC 3339 time",
                             "a time of day on an exercise day is read in MSEL imports only");
        if (rc == CC_OK)
            *rel_s = r.offset_s;
        if (rc != CC_ERR_NOTFOUND)
            return rc;
    }
    if (s[0] == '+') {
        if (len == 1)
            return time_fail(err, CC_ERR_PARSE, 2, "write +2h30m", "expected a duration after '+'");
        if (s[1] == '+' || s[1] == '-')
            return time_fail(err, CC_ERR_PARSE, 2, "write +2h30m", "expected a duration after '+'");
        cc_err rc = cc_duration_parse(s + 1, len - 1, rel_s, err);
        if (rc != CC_OK && err && err->col > 0)
            err->col++;
        return rc;
    }
    if (s[0] == '-') {
        if (cc_duration_parse(s + 1, len - 1, &v, NULL) == CC_OK)
            return time_fail(err, CC_ERR_RANGE, 1,
                             "relative times count forward from exercise.start: write +0s or later",
                             "time is before the exercise start");
        return time_fail(err, CC_ERR_PARSE, 1, either, "expected a time");
    }
    /* something that is not the start of a date ("2h", "90") was meant as a relative time */
    if (is_digit(s[0]) && !memchr(s, '-', len) && !memchr(s, ':', len)) {
        if (echoable(s, len) && cc_duration_parse(s, len, &v, NULL) == CC_OK)
            snprintf(hint, sizeof hint, "write +%.*s", (int)len, s);
        else
            snprintf(hint, sizeof hint, "%s", either);
        return time_fail(err, CC_ERR_PARSE, 1, hint, "a relative time starts with '+'");
    }
    int64_t t = 0;
    int32_t off = 0;
    cc_err rc = cc_rfc3339_parse(s, len, &t, &off, err);
    if (rc != CC_OK)
        return rc;
    if (t < start_unix)
        return time_fail(err, CC_ERR_RANGE, 1, "scenario times must not precede exercise.start",
                         "time is before the exercise start");
    if (t - start_unix > CC_DURATION_MAX_S)
        return time_fail(err, CC_ERR_RANGE, 1, "an exercise spans at most 3650 days",
                         "time is more than 3650 days after the exercise start");
    *rel_s = t - start_unix;
    return CC_OK;
}

/* ---- relative times as planners write them ------------------------------------------ */

typedef struct rscan {
    const char *s;
    size_t len, i;
} rscan;

static int rs_peek(const rscan *p)
{
    return p->i < p->len ? (unsigned char)p->s[p->i] : -1;
}

static int rs_lower(const rscan *p, size_t k)
{
    return p->i + k < p->len ? ((unsigned char)p->s[p->i + k] | 0x20) : -1;
}

static void rs_seps(rscan *p, const char *seps)
{
    while (p->i < p->len && strchr(seps, p->s[p->i]))
        p->i++;
}

/* Up to maxd digits as a number; -1 when there are none. */
static int64_t rs_num(rscan *p, int maxd)
{
    int64_t v = 0;
    int n = 0;
    while (p->i < p->len && is_digit(p->s[p->i]) && n < maxd) {
        v = v * 10 + (p->s[p->i++] - '0');
        n++;
    }
    return n ? v : -1;
}

/* H:MM[:SS] with at most max_h hours -> seconds; -1 when malformed, -2 when a part is out of
 * range. */
static int64_t rs_hms(rscan *p, int64_t max_h)
{
    int64_t h = rs_num(p, 7);
    if (h < 0 || rs_peek(p) != ':')
        return -1;
    p->i++;
    size_t at = p->i;
    int64_t m = rs_num(p, 2);
    if (m < 0 || p->i - at != 2)
        return -1;
    int64_t sec = 0;
    if (rs_peek(p) == ':') {
        p->i++;
        at = p->i;
        sec = rs_num(p, 2);
        if (sec < 0 || p->i - at != 2)
            return -1;
    }
    if (h > max_h || m > 59 || sec > 59)
        return -2;
    return h * 3600 + m * 60 + sec;
}

static cc_err rel_done(cc_reltime *out, cc_time_error *err, int64_t off)
{
    if (off > CC_DURATION_MAX_S)
        return time_fail(err, CC_ERR_RANGE, 1, "an exercise spans at most 3650 days",
                         "time is more than 3650 days after the start");
    *out = (cc_reltime){.offset_s = off};
    return CC_OK;
}

static cc_err rel_clock(rscan *p, cc_reltime *out, cc_time_error *err, int64_t day)
{
    size_t at = p->i;
    int64_t c = rs_hms(p, 24);
    rs_seps(p, " \t");
    if (c < 0 || c > 86400 || p->i != p->len)
        return time_fail(err, CC_ERR_PARSE, at + 1, "write the time of day as 09:30 (24-hour clock)",
                         "expected a time of day such as 09:30");
    if (day * 86400 > CC_DURATION_MAX_S)
        return time_fail(err, CC_ERR_RANGE, 1, "an exercise spans at most 3650 days",
                         "time is more than 3650 days after the start");
    *out = (cc_reltime){.day_clock = true, .day = day, .clock_s = c};
    return CC_OK;
}

/* "D+1 H+3 M+30", "H+3", "D+1 09:30" (p at the D or H). */
static cc_err rel_dh(rscan *p, cc_reltime *out, cc_time_error *err)
{
    static const char hint[] = "write D+1 H+3 (one day and three hours after the start), or D+1 09:30";
    int64_t days = 0, secs = 0;
    int seen = 0;
    const char units[] = "dhm";
    for (int u = 0; u < 3; u++) {
        if (rs_lower(p, 0) != units[u] ||
            (p->i + 1 < p->len && p->s[p->i + 1] != '+' && p->s[p->i + 1] != '-'))
            continue;
        if (p->i + 1 >= p->len)
            return time_fail(err, CC_ERR_PARSE, p->i + 2, hint, "expected '+' and a number after '%c'",
                             p->s[p->i]);
        if (p->s[p->i + 1] == '-')
            return time_fail(err, CC_ERR_RANGE, p->i + 1, "times count forward from the start (D+0, H+0)",
                             "time is before the exercise start");
        p->i += 2;
        size_t at = p->i;
        if (u == 1 && memchr(p->s + p->i, ':', p->len - p->i)) {
            int64_t v = rs_hms(p, 87600);
            if (v < 0)
                return time_fail(err, CC_ERR_PARSE, at + 1, hint, "expected hours such as H+3 or H+3:30");
            secs += v;
        } else {
            int64_t v = rs_num(p, 7);
            if (v < 0)
                return time_fail(err, CC_ERR_PARSE, at + 1, hint, "expected a number after '%c+'",
                                 units[u] - 32);
            if (u == 0)
                days = v;
            else
                secs += v * (u == 1 ? 3600 : 60);
        }
        seen = 1;
        rs_seps(p, " \t,/");
        if (u == 0 && is_digit((char)rs_peek(p)))
            return rel_clock(p, out, err, days);
    }
    if (!seen || p->i != p->len)
        return time_fail(err, CC_ERR_PARSE, p->i + 1, hint,
                         seen ? "unexpected text in a D+/H+ time" : "expected D+N or H+N");
    if (days > CC_DURATION_MAX_S / 86400)
        return rel_done(out, err, CC_DURATION_MAX_S + 1);
    return rel_done(out, err, days * 86400 + secs);
}

cc_err cc_reltime_parse(const char *s, size_t len, cc_reltime *out, cc_time_error *err)
{
    if (err)
        memset(err, 0, sizeof *err);
    rscan p = {s, len, 0};
    while (p.len && (s[p.len - 1] == ' ' || s[p.len - 1] == '\t'))
        p.len--;
    rs_seps(&p, " \t");
    int c0 = rs_lower(&p, 0), c1 = rs_lower(&p, 1), c2 = rs_lower(&p, 2);
    if (c0 == 'd' && c1 == 'a' && c2 == 'y') { /* Day N [HH:MM] */
        p.i += 3;
        rs_seps(&p, " \t");
        size_t at = p.i;
        int64_t n = rs_num(&p, 5);
        if (n < 0)
            return time_fail(err, CC_ERR_PARSE, at + 1, "write Day 2 09:30",
                             "expected a day number after 'Day'");
        if (n == 0)
            return time_fail(err, CC_ERR_RANGE, at + 1, "the exercise starts on Day 1",
                             "Day 0 is before the exercise start");
        rs_seps(&p, " \t,");
        if (p.i == p.len)
            return rel_done(out, err, (n - 1) * 86400);
        return rel_clock(&p, out, err, n - 1);
    }
    if ((c0 == 'd' || c0 == 'h') && (rs_peek(&p) >= 0) && p.i + 1 < p.len &&
        (p.s[p.i + 1] == '+' || p.s[p.i + 1] == '-'))
        return rel_dh(&p, out, err);
    if (c0 == 't' && p.i + 1 < p.len && p.s[p.i + 1] == '+')
        p.i++;
    if (rs_peek(&p) != '+')
        return CC_ERR_NOTFOUND;
    p.i++;
    size_t body = p.i;
    if (!memchr(p.s + p.i, ':', p.len - p.i)) {
        int64_t v;
        cc_err rc = cc_duration_parse(p.s + p.i, p.len - p.i, &v, err);
        if (rc != CC_OK) {
            if (err && err->col > 0)
                err->col += (int)body;
            return rc;
        }
        return rel_done(out, err, v);
    }
    int64_t days = 0;
    size_t save = p.i;
    int64_t n = rs_num(&p, 5);
    if (n >= 0 && rs_lower(&p, 0) == 'd') {
        days = n;
        p.i++;
        rs_seps(&p, " \t");
    } else {
        p.i = save;
    }
    int64_t v = rs_hms(&p, days ? 23 : 87600);
    if (v == -2)
        return time_fail(err, CC_ERR_PARSE, save + 1,
                         "minutes and seconds run from 00 to 59, hours after a day "
                         "from 00 to 23",
                         "hours:minutes out of range");
    if (v < 0 || p.i != p.len)
        return time_fail(err, CC_ERR_PARSE, (v < 0 ? save : p.i) + 1,
                         "write +2:30 (hours:minutes), +1d02:30 (a day, two hours and a half) or +2h30m",
                         "expected hours:minutes after '+'");
    return rel_done(out, err, days * 86400 + v);
}

cc_err cc_clock_parse(const char *s, size_t len, int *minutes, cc_time_error *err)
{
    static const char quoted[] = "write a quoted 24-hour time such as \"08:00\"";
    char hint[64];
    if (err)
        memset(err, 0, sizeof *err);
    if (len == 0)
        return time_fail(err, CC_ERR_PARSE, 1, quoted, "empty clock time");
    /* H:MM: the usual slip, answered with the exact fix */
    if (len == 4 && is_digit(s[0]) && s[1] == ':' && is_digit(s[2]) && is_digit(s[3])) {
        snprintf(hint, sizeof hint, "write \"0%.4s\"", s);
        return time_fail(err, CC_ERR_PARSE, 1, hint, "expected a clock time HH:MM (two-digit hour)");
    }
    size_t i = 0;
    int h = digits(s, len, &i, 2);
    if (h < 0 || i >= len || s[i] != ':')
        return time_fail(err, CC_ERR_PARSE, i + 1, quoted, "expected a clock time HH:MM");
    i++;
    int m = digits(s, len, &i, 2);
    if (m < 0)
        return time_fail(err, CC_ERR_PARSE, i + 1, quoted, "expected a clock time HH:MM");
    if (i != len) {
        if (s[i] == ':')
            return time_fail(err, CC_ERR_PARSE, i + 1, "write HH:MM without seconds, e.g. \"08:00\"",
                             "seconds are not used in a clock time");
        return time_fail(err, CC_ERR_PARSE, i + 1, quoted, "unexpected text after the clock time");
    }
    if (h > 24)
        return time_fail(err, CC_ERR_PARSE, 1, "hours are 00 to 24",
                         "clock time %02d:%02d is out of range (00:00-24:00)", h, m);
    if (m > 59)
        return time_fail(err, CC_ERR_PARSE, 4, "minutes are 00 to 59",
                         "clock time %02d:%02d is out of range (00:00-24:00)", h, m);
    if (h == 24 && m != 0)
        return time_fail(err, CC_ERR_PARSE, 4, "24:00 is the end of the day; later times do not exist",
                         "clock time %02d:%02d is out of range (00:00-24:00)", h, m);
    *minutes = h * 60 + m;
    return CC_OK;
}
