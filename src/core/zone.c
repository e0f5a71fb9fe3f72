/* zone — UTC offsets from TZif data (RFC 8536, versions 1-4): the transition table, then the
 * POSIX TZ footer rule for instants after it; and working-hours arithmetic in a zone. Every
 * count and offset of the input is checked against its length before use. */
#include "core/zone.h"

#include <stdlib.h>
#include <string.h>

#include "core/ctime.h"

typedef struct tzrule_date {
    char kind; /* 'J' (1..365, no Feb 29), 'n' (0..365), 'M' (month.week.day) */
    int a, b, c;
    int32_t time; /* seconds after local midnight, may be negative or > 24h */
} tzrule_date;

struct cc_zone {
    char *name;
    size_t ntrans, ntypes;
    int64_t *trans;
    uint8_t *idx;
    int32_t *utoff;
    int has_footer, has_dst;
    int32_t std_off, dst_off; /* UTC offsets (local = utc + off) */
    tzrule_date start, end;
};

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64(const unsigned char *p)
{
    return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

/* ---- POSIX TZ string ------------------------------------------------------------- */

static int tz_name(const char **s)
{
    const char *p = *s;
    if (*p == '<') {
        p++;
        const char *q = p;
        while (*p && *p != '>') {
            if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
                  *p == '+' || *p == '-'))
                return -1;
            p++;
        }
        if (*p != '>' || p - q < 3)
            return -1;
        *s = p + 1;
        return 0;
    }
    const char *q = p;
    while ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z'))
        p++;
    if (p - q < 3)
        return -1;
    *s = p;
    return 0;
}

static int tz_num(const char **s, int lo, int hi, int *out)
{
    const char *p = *s;
    if (*p < '0' || *p > '9')
        return -1;
    int v = 0;
    while (*p >= '0' && *p <= '9') {
        v = v * 10 + (*p - '0');
        if (v > hi)
            return -1;
        p++;
    }
    if (v < lo)
        return -1;
    *s = p;
    *out = v;
    return 0;
}

/* [+-]hh[:mm[:ss]], hours up to maxh; returns seconds */
static int tz_time(const char **s, int maxh, int32_t *out)
{
    int sign = 1;
    if (**s == '+' || **s == '-') {
        sign = **s == '-' ? -1 : 1;
        (*s)++;
    }
    int h, m = 0, sec = 0;
    if (tz_num(s, 0, maxh, &h))
        return -1;
    if (**s == ':') {
        (*s)++;
        if (tz_num(s, 0, 59, &m))
            return -1;
        if (**s == ':') {
            (*s)++;
            if (tz_num(s, 0, 59, &sec))
                return -1;
        }
    }
    *out = sign * (h * 3600 + m * 60 + sec);
    return 0;
}

static int tz_date(const char **s, tzrule_date *d)
{
    d->time = 7200;
    if (**s == 'J') {
        (*s)++;
        d->kind = 'J';
        if (tz_num(s, 1, 365, &d->a))
            return -1;
    } else if (**s == 'M') {
        (*s)++;
        d->kind = 'M';
        if (tz_num(s, 1, 12, &d->a) || *(*s)++ != '.' || tz_num(s, 1, 5, &d->b) || *(*s)++ != '.' ||
            tz_num(s, 0, 6, &d->c))
            return -1;
    } else {
        d->kind = 'n';
        if (tz_num(s, 0, 365, &d->a))
            return -1;
    }
    if (**s == '/') {
        (*s)++;
        if (tz_time(s, 167, &d->time))
            return -1;
    }
    return 0;
}

static int parse_footer(cc_zone *z, const char *s)
{
    if (!*s)
        return 0; /* empty footer: no rule */
    int32_t off;
    if (tz_name(&s) || tz_time(&s, 24, &off))
        return -1;
    z->std_off = -off;
    z->has_footer = 1;
    if (!*s)
        return 0;
    if (tz_name(&s))
        return -1;
    z->has_dst = 1;
    z->dst_off = z->std_off + 3600;
    if (*s && *s != ',') {
        if (tz_time(&s, 24, &off))
            return -1;
        z->dst_off = -off;
    }
    if (!*s) {
        /* no rule given: the US rule, as glibc does */
        z->start = (tzrule_date){'M', 3, 2, 0, 7200};
        z->end = (tzrule_date){'M', 11, 1, 0, 7200};
        return 0;
    }
    if (*s++ != ',' || tz_date(&s, &z->start) || *s++ != ',' || tz_date(&s, &z->end) || *s)
        return -1;
    return 0;
}

/* Seconds from local midnight of Jan 1 of year y (local clock) to the rule's instant. */
static int64_t rule_local(int64_t y, const tzrule_date *d)
{
    int64_t jan1 = cc_days_from_civil(y, 1, 1);
    int64_t day;
    int is_leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (d->kind == 'J')
        day = d->a - 1 + (is_leap && d->a >= 60);
    else if (d->kind == 'n')
        day = d->a;
    else {
        int64_t first = cc_days_from_civil(y, (unsigned)d->a, 1);
        int wd = (cc_weekday_from_days(first) + 1) % 7; /* 0 = Sunday */
        int64_t dd = first + ((d->c - wd + 7) % 7) + 7 * (d->b - 1);
        static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        int mdays = dm[d->a - 1] + (d->a == 2 && is_leap);
        while (dd >= first + mdays)
            dd -= 7;
        day = dd - jan1;
    }
    return (jan1 + day) * 86400 + d->time;
}

static int32_t footer_offset(const cc_zone *z, int64_t t)
{
    if (!z->has_dst)
        return z->std_off;
    int64_t local = t + z->std_off;
    int64_t days = local >= 0 ? local / 86400 : -((-local + 86399) / 86400);
    int64_t y;
    unsigned m, d;
    cc_civil_from_days(days, &y, &m, &d);
    int64_t start = rule_local(y, &z->start) - z->std_off;
    int64_t end = rule_local(y, &z->end) - z->dst_off;
    int in_dst = start < end ? (t >= start && t < end) : !(t >= end && t < start);
    return in_dst ? z->dst_off : z->std_off;
}

/* ---- TZif ------------------------------------------------------------------------ */

cc_err cc_zone_from_tzif(const char *name, const unsigned char *data, size_t len, cc_zone **out,
                         const char **why)
{
    *out = NULL;
    *why = NULL;
    if (len < 44 || memcmp(data, "TZif", 4) != 0) {
        *why = "not a TZif file";
        return CC_ERR_PARSE;
    }
    int version = data[4] == 0 ? 1 : data[4] - '0';
    if (version < 1 || version > 4) {
        *why = "unknown TZif version";
        return CC_ERR_PARSE;
    }
    const unsigned char *h = data;
    size_t pos = 0;
    int tsize = 4;
    for (int pass = 0; pass < 2; pass++) {
        if (len - pos < 44 || memcmp(h, "TZif", 4) != 0) {
            *why = "truncated TZif header";
            return CC_ERR_PARSE;
        }
        uint32_t isut = be32(h + 20), isstd = be32(h + 24), leap = be32(h + 28), timecnt = be32(h + 32),
                 typecnt = be32(h + 36), charcnt = be32(h + 40);
        if (typecnt == 0 || typecnt > 256 || timecnt > 100000 || leap > 100000 || charcnt > 65536 ||
            (isut && isut != typecnt) || (isstd && isstd != typecnt)) {
            *why = "inconsistent TZif counts";
            return CC_ERR_PARSE;
        }
        size_t body = (size_t)timecnt * (size_t)tsize + timecnt + (size_t)typecnt * 6 + charcnt +
                      (size_t)leap * (size_t)(tsize + 4) + isstd + isut;
        if (len - pos - 44 < body) {
            *why = "truncated TZif data";
            return CC_ERR_PARSE;
        }
        if (version >= 2 && pass == 0) {
            pos += 44 + body;
            h = data + pos;
            tsize = 8;
            continue;
        }
        /* this is the block we use */
        const unsigned char *p = h + 44;
        cc_zone *z = calloc(1, sizeof *z);
        if (!z)
            return CC_ERR_NOMEM;
        z->name = strdup(name ? name : "");
        z->ntrans = timecnt;
        z->ntypes = typecnt;
        z->trans = malloc((timecnt ? timecnt : 1) * sizeof *z->trans);
        z->idx = malloc(timecnt ? timecnt : 1);
        z->utoff = malloc(typecnt * sizeof *z->utoff);
        if (!z->name || !z->trans || !z->idx || !z->utoff) {
            cc_zone_free(z);
            return CC_ERR_NOMEM;
        }
        for (uint32_t i = 0; i < timecnt; i++) {
            z->trans[i] = tsize == 8 ? be64(p + 8 * i) : (int32_t)be32(p + 4 * i);
            if (i && z->trans[i] <= z->trans[i - 1]) {
                cc_zone_free(z);
                *why = "TZif transitions out of order";
                return CC_ERR_PARSE;
            }
        }
        p += (size_t)timecnt * (size_t)tsize;
        for (uint32_t i = 0; i < timecnt; i++) {
            z->idx[i] = p[i];
            if (p[i] >= typecnt) {
                cc_zone_free(z);
                *why = "TZif transition names an unknown type";
                return CC_ERR_PARSE;
            }
        }
        p += timecnt;
        for (uint32_t i = 0; i < typecnt; i++) {
            int32_t off = (int32_t)be32(p + 6 * i);
            if (off < -25 * 3600 || off > 26 * 3600 || p[6 * i + 4] > 1 ||
                p[6 * i + 5] >= (charcnt ? charcnt : 1)) {
                cc_zone_free(z);
                *why = "TZif local time type out of range";
                return CC_ERR_PARSE;
            }
            z->utoff[i] = off;
        }
        if (version >= 2) {
            size_t fpos = pos + 44 + body;
            if (fpos >= len || data[fpos] != '\n') {
                cc_zone_free(z);
                *why = "TZif footer missing";
                return CC_ERR_PARSE;
            }
            const unsigned char *nl = memchr(data + fpos + 1, '\n', len - fpos - 1);
            if (!nl || (size_t)(nl - (data + fpos + 1)) > 255) {
                cc_zone_free(z);
                *why = "TZif footer not terminated";
                return CC_ERR_PARSE;
            }
            char foot[256];
            size_t fl = (size_t)(nl - (data + fpos + 1));
            memcpy(foot, data + fpos + 1, fl);
            foot[fl] = 0;
            if (memchr(foot, 0, fl) || parse_footer(z, foot) != 0) {
                cc_zone_free(z);
                *why = "TZif footer is not a valid POSIX TZ string";
                return CC_ERR_PARSE;
            }
        }
        *out = z;
        return CC_OK;
    }
    *why = "not a TZif file";
    return CC_ERR_PARSE;
}

cc_err cc_zone_utc(cc_zone **out)
{
    cc_zone *z = calloc(1, sizeof *z);
    if (!z)
        return CC_ERR_NOMEM;
    z->name = strdup("UTC");
    z->utoff = calloc(1, sizeof *z->utoff);
    z->trans = NULL;
    z->idx = NULL;
    z->ntypes = 1;
    if (!z->name || !z->utoff) {
        cc_zone_free(z);
        return CC_ERR_NOMEM;
    }
    *out = z;
    return CC_OK;
}

void cc_zone_free(cc_zone *z)
{
    if (!z)
        return;
    free(z->name);
    free(z->trans);
    free(z->idx);
    free(z->utoff);
    free(z);
}

const char *cc_zone_name(const cc_zone *z)
{
    return z->name;
}

int32_t cc_zone_offset(const cc_zone *z, int64_t t)
{
    if (z->ntrans == 0 || t < z->trans[0]) {
        if (z->ntrans == 0 && z->has_footer)
            return footer_offset(z, t);
        return z->utoff[0];
    }
    if (t >= z->trans[z->ntrans - 1] && z->has_footer)
        return footer_offset(z, t);
    size_t lo = 0, hi = z->ntrans; /* last transition <= t */
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (z->trans[mid] <= t)
            lo = mid;
        else
            hi = mid;
    }
    return z->utoff[z->idx[lo]];
}

/* ---- working hours --------------------------------------------------------------- */

static int64_t floor_div(int64_t a, int64_t b)
{
    return a >= 0 ? a / b : -((-a + b - 1) / b);
}

bool cc_workhours_open(const cc_zone *z, const cc_workhours *w, int64_t t)
{
    int64_t local = t + cc_zone_offset(z, t);
    int64_t day = floor_div(local, 86400);
    int64_t min = (local - day * 86400) / 60;
    int wd = cc_weekday_from_days(day);
    return (w->days >> wd & 1) && min >= w->start_min && min < w->end_min;
}

/* UTC instant of a local wall-clock time (the later one after a repeated hour). */
static int64_t local_to_utc(const cc_zone *z, int64_t local)
{
    int64_t guess = local - cc_zone_offset(z, local);
    int64_t c = local - cc_zone_offset(z, guess);
    return c;
}

int64_t cc_workhours_next_open(const cc_zone *z, const cc_workhours *w, int64_t t)
{
    if ((w->days & 0x7F) == 0 || w->start_min >= w->end_min)
        return INT64_MAX;
    if (cc_workhours_open(z, w, t))
        return t;
    int64_t local = t + cc_zone_offset(z, t);
    int64_t day = floor_div(local, 86400);
    for (int64_t d = day - 1; d <= day + 8; d++) {
        if (!(w->days >> cc_weekday_from_days(d) & 1))
            continue;
        int64_t c = local_to_utc(z, d * 86400 + (int64_t)w->start_min * 60);
        for (int k = 0; k < 3; k++, c += 3600) { /* a start skipped by a DST gap opens after it */
            if (c < t)
                continue;
            if (cc_workhours_open(z, w, c)) {
                /* after a DST gap the wall-clock start does not exist: back up to the first
                 * open minute (at most three hours) */
                for (int back = 0; back < 180 && c - 60 >= t && cc_workhours_open(z, w, c - 60); back++)
                    c -= 60;
                return c;
            }
        }
    }
    return INT64_MAX;
}
