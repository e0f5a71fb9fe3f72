/* zone — UTC offsets from TZif data (RFC 8536, versions 1-4): the transition table, then the
 * POSIX TZ footer rule for instants after it; and working hours in a zone. Every count and
 * offset of the input is checked against its length before use. */
#include "core/zone.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "core/ctime.h"

#define TZIF_HEADER 44
#define TZIF_MAX_TIMES 100000
#define TZIF_MAX_TYPES 256 /* a transition names its type in one byte */
#define TZIF_MAX_CHARS 65536
#define TZIF_MAX_LEAPS 10000
#define TZIF_MAX_FOOTER 255
#define UTOFF_MIN (-89999) /* RFC 8536 3.2: more than -25 h, less than 26 h */
#define UTOFF_MAX 93599

/* 400 Gregorian years: calendar, leap years and weekdays repeat exactly. */
#define CYCLE_S (146097LL * 86400)

/* Working hours are searched within +-2^60 s (36 billion years); beyond, they are closed. */
#define WH_LIMIT ((int64_t)1 << 60)
/* Every valid week has an open window within 22 days, even around skipped days (Samoa 2011). */
#define WH_HORIZON (22 * 86400)
/* Constant-offset segments examined; real zones have a handful of transitions in 22 days. */
#define WH_MAX_SEGMENTS 512

/* A POSIX TZ rule date: Jn (1..365, Feb 29 never counted), n (0..365), Mm.w.d. */
typedef struct tz_when {
    char kind; /* 'J', 'n' or 'M' */
    int a, b, c;
    int32_t time; /* seconds after local midnight; -167 h .. 167 h (RFC 8536 3.3.1) */
} tz_when;

typedef struct tz_rule {
    int32_t std_off, dst_off; /* UTC offsets, local = utc + off */
    bool has_dst;
    tz_when start, end; /* start in standard local time, end in daylight local time */
} tz_rule;

struct cc_zone {
    char *name;
    size_t ntrans;
    int64_t *trans;     /* ascending UTC instants */
    int32_t *trans_off; /* offset in effect from trans[i] */
    int32_t first_off;  /* before the first transition: local time type 0 */
    bool has_rule;      /* rule applies from the last transition on (all instants if none) */
    tz_rule rule;
};

/* ---- small arithmetic -------------------------------------------------------------- */

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static int64_t be32s(const unsigned char *p)
{
    uint32_t u = be32(p);
    return u >= 0x80000000u ? (int64_t)u - 0x100000000LL : (int64_t)u;
}

static int64_t be64s(const unsigned char *p)
{
    uint64_t u = (uint64_t)be32(p) << 32 | be32(p + 4);
    return u > (uint64_t)INT64_MAX ? -(int64_t)(~u) - 1 : (int64_t)u;
}

static int64_t read_time(const unsigned char *p, size_t tsize)
{
    return tsize == 8 ? be64s(p) : be32s(p);
}

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

static int64_t year_of(int64_t local)
{
    int64_t days, sod, y;
    unsigned m, d;
    split_day(local, &days, &sod);
    cc_civil_from_days(days, &y, &m, &d);
    return y;
}

static bool leap_year(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* ---- POSIX TZ strings (the TZif footer) -------------------------------------------- */

/* std or dst designation: three or more letters, or <...> with letters, digits, '+', '-'. */
static bool tz_name(const char **s)
{
    const char *p = *s;
    if (*p == '<') {
        const char *q = ++p;
        while ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
               *p == '+' || *p == '-')
            p++;
        if (*p != '>' || p - q < 3)
            return false;
        *s = p + 1;
        return true;
    }
    const char *q = p;
    while ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z'))
        p++;
    if (p - q < 3)
        return false;
    *s = p;
    return true;
}

/* Decimal number in [lo, hi] of at most maxdig digits. */
static bool tz_num(const char **s, int maxdig, int lo, int hi, int *out)
{
    const char *p = *s;
    int v = 0, n = 0;
    while (*p >= '0' && *p <= '9') {
        if (++n > maxdig)
            return false;
        v = v * 10 + (*p - '0');
        p++;
    }
    if (n == 0 || v < lo || v > hi)
        return false;
    *s = p;
    *out = v;
    return true;
}

/* [+-]h[h[h]][:mm[:ss]] with hours up to maxh; seconds in *out. */
static bool tz_time(const char **s, int maxh, int32_t *out)
{
    int sign = 1, h, m = 0, sec = 0;
    if (**s == '+' || **s == '-') {
        sign = **s == '-' ? -1 : 1;
        (*s)++;
    }
    if (!tz_num(s, 3, 0, maxh, &h))
        return false;
    if (**s == ':') {
        (*s)++;
        if (!tz_num(s, 2, 0, 59, &m))
            return false;
        if (**s == ':') {
            (*s)++;
            if (!tz_num(s, 2, 0, 59, &sec))
                return false;
        }
    }
    *out = sign * (h * 3600 + m * 60 + sec);
    return true;
}

static bool tz_date(const char **s, tz_when *w)
{
    w->time = 2 * 3600;
    w->b = w->c = 0;
    if (**s == 'J') {
        (*s)++;
        w->kind = 'J';
        if (!tz_num(s, 3, 1, 365, &w->a))
            return false;
    } else if (**s == 'M') {
        (*s)++;
        w->kind = 'M';
        if (!tz_num(s, 2, 1, 12, &w->a) || **s != '.')
            return false;
        (*s)++;
        if (!tz_num(s, 1, 1, 5, &w->b) || **s != '.')
            return false;
        (*s)++;
        if (!tz_num(s, 1, 0, 6, &w->c))
            return false;
    } else {
        w->kind = 'n';
        if (!tz_num(s, 3, 0, 365, &w->a))
            return false;
    }
    if (**s == '/') {
        (*s)++;
        if (!tz_time(s, 167, &w->time))
            return false;
    }
    return true;
}

/* "std offset [dst [offset] [,start[/time],end[/time]]]" (s is NUL-terminated, non-empty). */
static bool tz_parse(const char *s, tz_rule *r)
{
    int32_t off;
    if (!tz_name(&s) || !tz_time(&s, 24, &off))
        return false;
    r->std_off = -off; /* POSIX offsets count west of Greenwich */
    r->has_dst = false;
    if (!*s)
        return true;
    if (!tz_name(&s))
        return false;
    r->has_dst = true;
    r->dst_off = r->std_off + 3600;
    if (*s && *s != ',') {
        if (!tz_time(&s, 24, &off))
            return false;
        r->dst_off = -off;
    }
    if (!*s) {
        /* DST without dates: the US rule, as tzcode and glibc assume */
        r->start = (tz_when){'M', 3, 2, 0, 7200};
        r->end = (tz_when){'M', 11, 1, 0, 7200};
        return true;
    }
    if (*s != ',')
        return false;
    s++;
    if (!tz_date(&s, &r->start) || *s != ',')
        return false;
    s++;
    return tz_date(&s, &r->end) && *s == 0;
}

/* Local seconds (days since 1970 * 86400 + time of day) of a rule date in year y. */
static int64_t rule_local(int64_t y, const tz_when *w)
{
    int64_t jan1 = cc_days_from_civil(y, 1, 1), day;
    if (w->kind == 'J') {
        day = jan1 + w->a - 1 + (leap_year(y) && w->a >= 60);
    } else if (w->kind == 'n') {
        day = jan1 + w->a;
    } else {
        static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        int64_t first = cc_days_from_civil(y, (unsigned)w->a, 1);
        int mdays = dm[w->a - 1] + (w->a == 2 && leap_year(y));
        int wd = (cc_weekday_from_days(first) + 1) % 7; /* 0 = Sunday, as POSIX counts */
        day = first + (w->c - wd + 7) % 7 + 7 * (w->b - 1);
        while (day >= first + mdays) /* week 5 means the last such weekday */
            day -= 7;
    }
    return day * 86400 + w->time;
}

/* The rule's offset; t is reduced into (-400 y, +400 y) around 1970 so any int64 works. */
static int32_t rule_offset(const tz_rule *r, int64_t t)
{
    if (!r->has_dst)
        return r->std_off;
    t %= CYCLE_S;
    int64_t y = year_of(t + r->std_off);
    int64_t start = rule_local(y, &r->start) - r->std_off;
    int64_t end = rule_local(y, &r->end) - r->dst_off;
    bool dst = start < end ? (t >= start && t < end) : !(t >= end && t < start);
    return dst ? r->dst_off : r->std_off;
}

/* Earliest instant > t where rule_offset may change: this year's two dates or the start of
 * the next year (the year the dates are taken from). INT64_MAX when it never changes. */
static int64_t rule_next(const tz_rule *r, int64_t t)
{
    if (!r->has_dst)
        return INT64_MAX;
    int64_t u = t % CYCLE_S; /* t - u is a whole number of cycles */
    int64_t y = year_of(u + r->std_off);
    int64_t best = cc_days_from_civil(y + 1, 1, 1) * 86400 - r->std_off;
    int64_t c[2] = {rule_local(y, &r->start) - r->std_off, rule_local(y, &r->end) - r->dst_off};
    for (int i = 0; i < 2; i++)
        if (c[i] > u && c[i] < best)
            best = c[i];
    int64_t dist = best - u; /* > 0 and under two years */
    return t > INT64_MAX - dist ? INT64_MAX : t + dist;
}

/* ---- TZif ------------------------------------------------------------------------- */

static const char oom[] = "out of memory"; /* the one reason that is not CC_ERR_PARSE */

typedef struct tzif_header {
    int version;
    uint32_t isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt;
} tzif_header;

/* Reads and checks one header; avail >= TZIF_HEADER. NULL or a static reason. */
static const char *read_header(const unsigned char *p, tzif_header *h)
{
    if (memcmp(p, "TZif", 4) != 0)
        return "not a TZif file";
    if (p[4] == 0)
        h->version = 1;
    else if (p[4] >= '2' && p[4] <= '4')
        h->version = p[4] - '0';
    else
        return "unsupported TZif version";
    h->isutcnt = be32(p + 20);
    h->isstdcnt = be32(p + 24);
    h->leapcnt = be32(p + 28);
    h->timecnt = be32(p + 32);
    h->typecnt = be32(p + 36);
    h->charcnt = be32(p + 40);
    if (h->typecnt == 0)
        return "TZif data has no local time types";
    if (h->typecnt > TZIF_MAX_TYPES || h->timecnt > TZIF_MAX_TIMES || h->leapcnt > TZIF_MAX_LEAPS ||
        h->charcnt > TZIF_MAX_CHARS)
        return "TZif counts are too large";
    if ((h->isutcnt && h->isutcnt != h->typecnt) || (h->isstdcnt && h->isstdcnt != h->typecnt))
        return "TZif indicator counts do not match the type count";
    return NULL;
}

/* Bytes of the data block after a header; the limits above keep this far from overflow. */
static size_t body_size(const tzif_header *h, size_t tsize)
{
    return (size_t)h->timecnt * tsize + h->timecnt + (size_t)h->typecnt * 6 + h->charcnt +
           (size_t)h->leapcnt * (tsize + 4) + h->isstdcnt + h->isutcnt;
}

/* Decodes a data block (length already checked) into z. NULL or a static reason. */
static const char *decode_block(cc_zone *z, const tzif_header *h, const unsigned char *p, size_t tsize)
{
    const unsigned char *times = p;
    const unsigned char *idx = times + (size_t)h->timecnt * tsize;
    const unsigned char *types = idx + h->timecnt;
    const unsigned char *leaps = types + (size_t)h->typecnt * 6 + h->charcnt;
    const unsigned char *isstd = leaps + (size_t)h->leapcnt * (tsize + 4);
    const unsigned char *isut = isstd + h->isstdcnt;
    int32_t utoff[TZIF_MAX_TYPES];

    for (uint32_t i = 0; i < h->typecnt; i++) {
        const unsigned char *t = types + 6 * (size_t)i;
        int64_t off = be32s(t);
        if (off < UTOFF_MIN || off > UTOFF_MAX)
            return "TZif UTC offset out of range";
        if (t[4] > 1)
            return "TZif daylight flag is not 0 or 1";
        if (t[5] >= h->charcnt)
            return "TZif abbreviation index out of range";
        utoff[i] = (int32_t)off;
    }
    for (uint32_t i = 0; i < h->isstdcnt; i++)
        if (isstd[i] > 1)
            return "TZif standard/wall indicator is not 0 or 1";
    for (uint32_t i = 0; i < h->isutcnt; i++)
        if (isut[i] > 1 || (isut[i] && (!h->isstdcnt || !isstd[i])))
            return "TZif UT/local indicator is inconsistent";

    /* leap-second records (right/ zones): transition times count leap seconds */
    const size_t lsize = tsize + 4;
    for (uint32_t i = 0; i < h->leapcnt; i++) {
        const unsigned char *l = leaps + i * lsize;
        int64_t corr = be32s(l + tsize), prev = i ? be32s(l - lsize + tsize) : 0;
        if (corr - prev > 1 || corr - prev < -1 || (i && read_time(l, tsize) <= read_time(l - lsize, tsize)))
            return "TZif leap-second records are inconsistent";
    }

    z->first_off = utoff[0];
    z->ntrans = h->timecnt;
    if (h->timecnt == 0)
        return NULL;
    z->trans = malloc(h->timecnt * sizeof *z->trans);
    z->trans_off = malloc(h->timecnt * sizeof *z->trans_off);
    if (!z->trans || !z->trans_off)
        return oom;
    uint32_t j = 0; /* leap records at or before the transition */
    for (uint32_t i = 0; i < h->timecnt; i++) {
        int64_t t = read_time(times + (size_t)i * tsize, tsize);
        if (idx[i] >= h->typecnt)
            return "TZif transition names an unknown local time type";
        while (j < h->leapcnt && read_time(leaps + j * lsize, tsize) <= t)
            j++;
        int64_t corr = j ? be32s(leaps + (j - 1) * lsize + tsize) : 0;
        if ((corr > 0 && t < INT64_MIN + corr) || (corr < 0 && t > INT64_MAX + corr))
            return "TZif transition time out of range";
        t -= corr;
        if (i && t <= z->trans[i - 1])
            return "TZif transition times are not in ascending order";
        z->trans[i] = t;
        z->trans_off[i] = utoff[idx[i]];
    }
    return NULL;
}

/* Reads the footer "\nTZ\n" at data[pos..len). NULL or a static reason. */
static const char *read_footer(cc_zone *z, const unsigned char *data, size_t len, size_t pos)
{
    if (pos >= len || data[pos] != '\n')
        return "TZif footer missing";
    pos++;
    const unsigned char *nl = memchr(data + pos, '\n', len - pos);
    if (!nl)
        return "TZif footer not terminated";
    size_t n = (size_t)(nl - (data + pos));
    if (n > TZIF_MAX_FOOTER)
        return "TZif footer too long";
    if (n == 0)
        return NULL; /* no rule: the last transition's type stays in effect */
    char tz[TZIF_MAX_FOOTER + 1];
    memcpy(tz, data + pos, n);
    tz[n] = 0;
    if (strlen(tz) != n || !tz_parse(tz, &z->rule))
        return "TZif footer is not a valid POSIX TZ string";
    z->has_rule = true;
    return NULL;
}

cc_err cc_zone_from_tzif(const char *name, const unsigned char *data, size_t len, cc_zone **out,
                         const char **why)
{
    const char *reason = NULL;
    if (why)
        *why = NULL;
    if (!out) {
        if (why)
            *why = "no place for the zone";
        return CC_ERR_ARG;
    }
    *out = NULL;
    tzif_header h1, h2;
    if (!data || len < TZIF_HEADER) {
        reason =
            len >= 4 && data && memcmp(data, "TZif", 4) == 0 ? "truncated TZif header" : "not a TZif file";
        goto fail;
    }
    if ((reason = read_header(data, &h1)))
        goto fail;
    size_t end = TZIF_HEADER + body_size(&h1, 4);
    if (len < end) {
        reason = "truncated TZif data";
        goto fail;
    }
    const tzif_header *h = &h1;
    const unsigned char *block = data + TZIF_HEADER;
    size_t tsize = 4;
    if (h1.version >= 2) {
        /* the version 1 block only predates 64-bit readers: skip to the second header */
        if (len - end < TZIF_HEADER) {
            reason = "truncated TZif header";
            goto fail;
        }
        if ((reason = read_header(data + end, &h2))) {
            if (memcmp(data + end, "TZif", 4) != 0)
                reason = "TZif second header missing";
            goto fail;
        }
        if (h2.version != h1.version) {
            reason = "TZif headers disagree on the version";
            goto fail;
        }
        size_t body2 = body_size(&h2, 8);
        if (len - end - TZIF_HEADER < body2) {
            reason = "truncated TZif data";
            goto fail;
        }
        h = &h2;
        block = data + end + TZIF_HEADER;
        tsize = 8;
        end += TZIF_HEADER + body2;
    }
    cc_zone *z = calloc(1, sizeof *z);
    if (!z) {
        if (why)
            *why = oom;
        return CC_ERR_NOMEM;
    }
    z->name = strdup(name ? name : "");
    if (!z->name)
        reason = oom;
    if (!reason)
        reason = decode_block(z, h, block, tsize);
    if (!reason && h1.version >= 2)
        reason = read_footer(z, data, len, end);
    if (reason) {
        cc_zone_free(z);
        if (why)
            *why = reason;
        return reason == oom ? CC_ERR_NOMEM : CC_ERR_PARSE;
    }
    *out = z;
    return CC_OK;
fail:
    if (why)
        *why = reason;
    return CC_ERR_PARSE;
}

cc_err cc_zone_utc(cc_zone **out)
{
    *out = NULL;
    cc_zone *z = calloc(1, sizeof *z);
    if (!z)
        return CC_ERR_NOMEM;
    z->name = strdup("UTC");
    if (!z->name) {
        free(z);
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
    free(z->trans_off);
    free(z);
}

const char *cc_zone_name(const cc_zone *z)
{
    return z->name;
}

int32_t cc_zone_offset(const cc_zone *z, int64_t t)
{
    assert(z);
    size_t n = z->ntrans;
    if (n == 0)
        return z->has_rule ? rule_offset(&z->rule, t) : z->first_off;
    if (t < z->trans[0])
        return z->first_off;
    if (t >= z->trans[n - 1])
        return z->has_rule ? rule_offset(&z->rule, t) : z->trans_off[n - 1];
    size_t lo = 0, hi = n - 1; /* trans[lo] <= t < trans[hi] */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (z->trans[mid] <= t)
            lo = mid;
        else
            hi = mid;
    }
    return z->trans_off[lo];
}

/* Earliest instant > t at which the offset may change (INT64_MAX: never). The offset is
 * constant on [t, zone_next_change(z, t)). */
static int64_t zone_next_change(const cc_zone *z, int64_t t)
{
    size_t n = z->ntrans;
    if (n > 0 && t < z->trans[n - 1]) {
        size_t lo = 0, hi = n - 1; /* first transition after t lies in [lo, hi] */
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (z->trans[mid] > t)
                hi = mid;
            else
                lo = mid + 1;
        }
        return z->trans[lo];
    }
    return z->has_rule ? rule_next(&z->rule, t) : INT64_MAX;
}

/* ---- working hours ---------------------------------------------------------------- */

static bool wh_valid(const cc_workhours *w)
{
    return (w->days & 0x7F) && w->start_min >= 0 && w->start_min < w->end_min && w->end_min <= 1440;
}

/* Whether a local wall-clock instant (seconds, 1970-based) lies in a window. */
static bool wh_local_open(const cc_workhours *w, int64_t local)
{
    int64_t day, sod;
    split_day(local, &day, &sod);
    return (w->days >> cc_weekday_from_days(day) & 1) && sod >= w->start_min * 60 && sod < w->end_min * 60;
}

/* Earliest local instant >= local inside a window, reading the wall clock alone. */
static int64_t wh_local_next(const cc_workhours *w, int64_t local)
{
    if (wh_local_open(w, local))
        return local;
    int64_t day, sod;
    split_day(local, &day, &sod);
    for (int64_t d = day; d <= day + 7; d++) {
        int64_t start = d * 86400 + w->start_min * 60;
        if ((w->days >> cc_weekday_from_days(d) & 1) && start >= local)
            return start;
    }
    return INT64_MAX; /* unreachable for a valid w: some day of the week is open */
}

bool cc_workhours_open(const cc_zone *z, const cc_workhours *w, int64_t unix_s)
{
    assert(z && w);
    if (!wh_valid(w) || unix_s > WH_LIMIT || unix_s < -WH_LIMIT)
        return false;
    return wh_local_open(w, unix_s + cc_zone_offset(z, unix_s));
}

/* Walks the constant-offset segments from t: within one, the wall clock runs with UTC, so
 * the first open local instant maps straight back to UTC. A window start skipped by a
 * spring-forward gap is reached as the start of the next segment, which may already lie
 * inside the window; a fall-back that repeats a window hour is found in the earlier segment. */
int64_t cc_workhours_next_open(const cc_zone *z, const cc_workhours *w, int64_t unix_s)
{
    assert(z && w);
    if (!wh_valid(w) || unix_s > WH_LIMIT)
        return INT64_MAX;
    int64_t seg = unix_s < -WH_LIMIT ? -WH_LIMIT : unix_s;
    int64_t horizon = seg + WH_HORIZON;
    for (int k = 0; k < WH_MAX_SEGMENTS && seg <= horizon; k++) {
        int32_t off = cc_zone_offset(z, seg);
        int64_t next = zone_next_change(z, seg);
        int64_t cand = wh_local_next(w, seg + off) - off;
        if (cand < next)
            return cand > WH_LIMIT ? INT64_MAX : cand;
        seg = next;
    }
    return INT64_MAX;
}

/* For an open instant: the end of its window, walking the constant-offset segments (a window the
 * clock leaves through a spring-forward gap closes at the gap; one whose hour repeats runs on). */
int64_t cc_workhours_next_close(const cc_zone *z, const cc_workhours *w, int64_t unix_s)
{
    assert(z && w);
    if (!cc_workhours_open(z, w, unix_s))
        return unix_s;
    int64_t seg = unix_s;
    for (int k = 0; k < WH_MAX_SEGMENTS; k++) {
        int32_t off = cc_zone_offset(z, seg);
        int64_t next = zone_next_change(z, seg);
        int64_t day, sod;
        split_day(seg + off, &day, &sod);
        int64_t cand = day * 86400 + w->end_min * 60 - off; /* this local day's window end */
        if (cand <= next)
            return cand;
        if (!cc_workhours_open(z, w, next))
            return next;
        seg = next;
    }
    return INT64_MAX;
}
