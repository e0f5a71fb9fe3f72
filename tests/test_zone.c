/* Tests of core/zone and io/tzdb: real zoneinfo offsets and DST boundaries, the POSIX footer
 * rule on synthetic TZif data, hostile TZif bytes, zone-name validation, the zoneinfo
 * directory reader, and working hours across DST transitions and week boundaries. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/ctime.h"
#include "core/zone.h"
#include "io/tzdb.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define H 3600

static cc_zone *load(const char *name)
{
    cc_zone *z = NULL;
    const char *why = NULL;
    cc_err rc = cc_tzdb_load(NULL, name, &z, &why);
    cr_assert_eq(rc, CC_OK, "%s: %s", name, why ? why : "");
    return z;
}

static int64_t at(const char *rfc)
{
    int64_t t;
    int32_t off;
    cr_assert_eq(cc_rfc3339_parse(rfc, strlen(rfc), &t, &off, NULL), CC_OK, "%s", rfc);
    return t;
}

static unsigned char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "%s", path);
    unsigned char *buf = malloc(1 << 17);
    *len = fread(buf, 1, 1 << 17, f);
    fclose(f);
    return buf;
}

/* ---- synthetic TZif ----------------------------------------------------------------- */

typedef struct tzspec {
    int version; /* 1..4 */
    size_t ntimes;
    int64_t times[8];
    uint8_t idx[8];
    size_t ntypes;
    int32_t utoff[4];
    uint8_t isdst[4];
    const char *footer; /* version 2+ */
} tzspec;

typedef struct tzbytes {
    unsigned char b[2048];
    size_t n;
    size_t hdr2;  /* second header (version 2+), else 0 */
    size_t data2; /* data block that is read */
} tzbytes;

static void put32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

static void put_block(tzbytes *o, const tzspec *s, int version, size_t tsize)
{
    unsigned char *h = o->b + o->n;
    memset(h, 0, 44);
    memcpy(h, "TZif", 4);
    h[4] = version == 1 ? 0 : (unsigned char)('0' + version);
    put32(h + 32, (uint32_t)s->ntimes);
    put32(h + 36, (uint32_t)s->ntypes);
    put32(h + 40, 4);
    o->n += 44;
    o->data2 = o->n;
    for (size_t i = 0; i < s->ntimes; i++) {
        uint64_t v = (uint64_t)s->times[i];
        if (tsize == 8) {
            put32(o->b + o->n, (uint32_t)(v >> 32));
            o->n += 4;
        }
        put32(o->b + o->n, (uint32_t)v);
        o->n += 4;
    }
    memcpy(o->b + o->n, s->idx, s->ntimes);
    o->n += s->ntimes;
    for (size_t i = 0; i < s->ntypes; i++) {
        put32(o->b + o->n, (uint32_t)s->utoff[i]);
        o->b[o->n + 4] = s->isdst[i];
        o->b[o->n + 5] = 0;
        o->n += 6;
    }
    memcpy(o->b + o->n, "ABC", 4);
    o->n += 4;
}

static void build(const tzspec *s, tzbytes *o)
{
    memset(o, 0, sizeof *o);
    put_block(o, s, s->version, 4);
    if (s->version >= 2) {
        o->hdr2 = o->n;
        put_block(o, s, s->version, 8);
        o->n +=
            (size_t)snprintf((char *)o->b + o->n, sizeof o->b - o->n, "\n%s\n", s->footer ? s->footer : "");
    }
}

/* A version 2 file with no transitions: only the footer rule. */
static void footer_only(tzbytes *o, const char *footer)
{
    tzspec s = {.version = 2, .ntypes = 1, .footer = footer};
    build(&s, o);
}

/* ---- real zones ----------------------------------------------------------------------- */

Test(zone, washington_seoul_gap)
{
    cc_zone *ny = load("America/New_York"), *seoul = load("Asia/Seoul");
    int64_t jan = at("2026-01-15T12:00:00Z"), jul = at("2026-07-15T12:00:00Z");
    cr_expect_eq(cc_zone_offset(ny, jan), -5 * H);
    cr_expect_eq(cc_zone_offset(ny, jul), -4 * H);
    cr_expect_eq(cc_zone_offset(seoul, jan), 9 * H);
    cr_expect_eq(cc_zone_offset(seoul, jul), 9 * H);
    cr_expect_eq(cc_zone_offset(seoul, jan) - cc_zone_offset(ny, jan), 14 * H,
                 "14 hours apart in northern winter");
    cr_expect_eq(cc_zone_offset(seoul, jul) - cc_zone_offset(ny, jul), 13 * H, "13 hours apart in summer");
    cr_expect_str_eq(cc_zone_name(ny), "America/New_York");
    cr_expect_str_eq(cc_zone_name(seoul), "Asia/Seoul");
    cc_zone_free(ny);
    cc_zone_free(seoul);
}

Test(zone, dst_boundary_instants)
{
    static const struct {
        const char *zone, *when;
        int32_t off;
    } cases[] = {
        /* New York 2026: spring forward 2026-03-08 07:00Z, fall back 2026-11-01 06:00Z */
        {"America/New_York", "2026-03-08T06:59:59Z", -5 * H},
        {"America/New_York", "2026-03-08T07:00:00Z", -4 * H},
        {"America/New_York", "2026-11-01T05:59:59Z", -4 * H},
        {"America/New_York", "2026-11-01T06:00:00Z", -5 * H},
        /* Berlin: last Sundays of March and October at 01:00Z */
        {"Europe/Berlin", "2026-03-29T00:59:59Z", 1 * H},
        {"Europe/Berlin", "2026-03-29T01:00:00Z", 2 * H},
        {"Europe/Berlin", "2026-10-25T00:59:59Z", 2 * H},
        {"Europe/Berlin", "2026-10-25T01:00:00Z", 1 * H},
        /* southern hemisphere: Sydney leaves DST in April, enters it in October */
        {"Australia/Sydney", "2026-04-04T15:59:59Z", 11 * H},
        {"Australia/Sydney", "2026-04-04T16:00:00Z", 10 * H},
        {"Australia/Sydney", "2026-10-03T15:59:59Z", 10 * H},
        {"Australia/Sydney", "2026-10-03T16:00:00Z", 11 * H},
        /* half-hour DST and a negative-DST zone */
        {"Australia/Lord_Howe", "2026-07-01T00:00:00Z", 10 * H + 1800},
        {"Australia/Lord_Howe", "2026-01-01T00:00:00Z", 11 * H},
        {"Europe/Dublin", "2026-07-01T00:00:00Z", 1 * H},
        {"Europe/Dublin", "2026-01-01T00:00:00Z", 0},
        {"Asia/Kolkata", "2026-07-01T00:00:00Z", 5 * H + 1800},
        {"Asia/Seoul", "1988-06-01T00:00:00Z", 10 * H}, /* Seoul kept DST in 1987-88 */
        /* far beyond any transition table: the POSIX footer rule */
        {"America/New_York", "2090-07-01T00:00:00Z", -4 * H},
        {"America/New_York", "2090-12-01T00:00:00Z", -5 * H},
        {"America/New_York", "2090-03-12T06:59:59Z", -5 * H}, /* second Sunday of March 2090 */
        {"America/New_York", "2090-03-12T07:00:00Z", -4 * H},
        {"Australia/Sydney", "2090-01-15T00:00:00Z", 11 * H},
        {"Australia/Sydney", "2090-07-15T00:00:00Z", 10 * H},
        {"Europe/Dublin", "2090-07-15T00:00:00Z", 1 * H},
        {"Europe/Dublin", "2090-12-15T00:00:00Z", 0},
        {"Asia/Seoul", "2150-01-01T00:00:00Z", 9 * H},
    };
    for (size_t i = 0; i < N(cases); i++) {
        cc_zone *z = load(cases[i].zone);
        int32_t got = cc_zone_offset(z, at(cases[i].when));
        cr_expect_eq(got, cases[i].off, "%s at %s: %d", cases[i].zone, cases[i].when, got);
        cc_zone_free(z);
    }
}

Test(zone, offsets_defined_for_every_instant)
{
    cc_zone *ny = load("America/New_York");
    /* local mean time until 1883-11-18 17:00Z (-2717650800), then EST */
    cr_expect_eq(cc_zone_offset(ny, -2717650801), -17762);
    cr_expect_eq(cc_zone_offset(ny, -2717650800), -5 * H);
    static const int64_t ts[] = {INT64_MIN, INT64_MIN + 1, -(1LL << 59),  -1,
                                 0,         1LL << 40,     INT64_MAX - 1, INT64_MAX};
    for (size_t i = 0; i < N(ts); i++) {
        int32_t o = cc_zone_offset(ny, ts[i]);
        cr_expect((o >= -5 * H && o <= -4 * H) || o == -17762, "offset %d at %lld", o, (long long)ts[i]);
    }
    cc_zone_free(ny);
}

Test(zone, utc_without_files)
{
    static const char *const names[] = {"UTC", "Etc/UTC"};
    for (size_t i = 0; i < N(names); i++) {
        cc_zone *z = NULL;
        const char *why = NULL;
        cr_assert_eq(cc_tzdb_load("/nonexistent", names[i], &z, &why), CC_OK, "%s", names[i]);
        cr_expect_eq(cc_zone_offset(z, 1234567890), 0);
        cr_expect_eq(cc_zone_offset(z, INT64_MIN), 0);
        cr_expect_str_eq(cc_zone_name(z), "UTC");
        cc_zone_free(z);
    }
    cc_zone *z = NULL;
    cr_assert_eq(cc_zone_utc(&z), CC_OK);
    cr_expect_eq(cc_zone_offset(z, 0), 0);
    cc_zone_free(z);
    cc_zone_free(NULL);
}

/* ---- zone names and the zoneinfo directory ------------------------------------------------ */

Test(tzdb, names_refused)
{
    static const char *const bad[] = {
        "../etc/passwd",
        "/etc/passwd",
        "Asia/../../x",
        "",
        "Asia//Seoul",
        "Asia/",
        ".hidden",
        "Asia/./Seoul",
        "Asia/Se oul",
        "Asia/Seoul\n",
        "Asia\\Seoul",
        "Asia/Seo~ul",
        "localtime",
        "Asia/Seoul.tab",
        "zone.tab",
        "..",
        ".",
        "Europe/Berlin\xc3\xa9",
    };
    for (size_t i = 0; i < N(bad); i++) {
        cc_zone *z = (cc_zone *)1;
        const char *why = NULL;
        cr_expect_eq(cc_tzdb_load(NULL, bad[i], &z, &why), CC_ERR_INVALID, "'%s' accepted", bad[i]);
        cr_expect_null(z);
        cr_expect_str_eq(why, "not a valid time zone name");
    }
    cc_zone *z = NULL;
    const char *why = NULL;
    cr_expect_eq(cc_tzdb_load(NULL, NULL, &z, &why), CC_ERR_INVALID);
    /* at most 128 bytes: "Etc/" and 124 letters is a name (no such zone), one more is not */
    char name[160] = "Etc/";
    memset(name + 4, 'A', 124);
    name[128] = 0;
    cr_expect_eq(cc_tzdb_load(NULL, name, &z, &why), CC_ERR_NOTFOUND);
    name[128] = 'A';
    name[129] = 0;
    cr_expect_eq(cc_tzdb_load(NULL, name, &z, &why), CC_ERR_INVALID);
}

Test(tzdb, names_accepted)
{
    static const char *const ok[] = {
        "America/Argentina/Buenos_Aires", "Etc/GMT+5", "Etc/GMT-14", "US/Eastern",
        "America/Port-au-Prince",         "EST5EDT",   "Asia/Seoul"};
    for (size_t i = 0; i < N(ok); i++) {
        cc_zone *z = load(ok[i]);
        cr_expect_str_eq(cc_zone_name(z), ok[i]);
        cc_zone_free(z);
    }
    cc_zone *g = load("Etc/GMT+5"); /* POSIX sign: five hours west */
    cr_expect_eq(cc_zone_offset(g, 0), -5 * H);
    cc_zone_free(g);
}

Test(tzdb, missing_zones)
{
    static const struct {
        const char *name;
        cc_err rc;
    } cases[] = {
        {"Asia/Soeul", CC_ERR_NOTFOUND},
        {"Asia", CC_ERR_NOTFOUND}, /* a directory is not a zone */
        {"Asia/Seoul/x", CC_ERR_NOTFOUND},
        {"iso3166", CC_ERR_NOTFOUND},
    };
    for (size_t i = 0; i < N(cases); i++) {
        cc_zone *z = NULL;
        const char *why = NULL;
        cr_expect_eq(cc_tzdb_load(NULL, cases[i].name, &z, &why), cases[i].rc, "%s", cases[i].name);
        cr_expect_null(z);
        cr_expect_not_null(why);
    }
    cc_zone *z = NULL;
    const char *why = NULL;
    cr_expect_eq(cc_tzdb_load(NULL, "Asia/Soeul", &z, &why), CC_ERR_NOTFOUND);
    cr_expect_str_eq(why, "no such zone in the time zone database");
    cr_expect_eq(cc_tzdb_load(NULL, "leapseconds", &z, &why), CC_ERR_PARSE, "a text file is not TZif");
    cr_expect_str_eq(why, "not a TZif file");
}

Test(tzdb, reads_a_given_directory_safely)
{
    char dir[] = "/tmp/caucus-tzdb-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char path[256];
    size_t len;
    unsigned char *seoul = read_all("/usr/share/zoneinfo/Asia/Seoul", &len);
    snprintf(path, sizeof path, "%s/Test", dir);
    cr_assert_eq(mkdir(path, 0700), 0);
    snprintf(path, sizeof path, "%s/Test/Zone", dir);
    FILE *f = fopen(path, "wb");
    fwrite(seoul, 1, len, f);
    fclose(f);
    snprintf(path, sizeof path, "%s/Junk", dir);
    f = fopen(path, "wb");
    fputs("not a zone\n", f);
    fclose(f);
    snprintf(path, sizeof path, "%s/Big", dir); /* TZif magic, then more than 1 MiB */
    f = fopen(path, "wb");
    fwrite(seoul, 1, 44, f);
    fseek(f, (1L << 20) + 1, SEEK_SET);
    fputc(0, f);
    fclose(f);
    snprintf(path, sizeof path, "%s/Fifo", dir); /* opening must not block */
    cr_assert_eq(mkfifo(path, 0600), 0);
    free(seoul);

    static const struct {
        const char *name;
        cc_err rc;
        const char *why;
    } cases[] = {
        {"Test/Zone", CC_OK, NULL},
        {"Junk", CC_ERR_PARSE, "not a TZif file"},
        {"Big", CC_ERR_PARSE, "time zone file too large"},
        {"Fifo", CC_ERR_NOTFOUND, "no such zone in the time zone database (not a regular file)"},
        {"Test", CC_ERR_NOTFOUND, "no such zone in the time zone database (that name is a directory)"},
        {"Asia/Seoul", CC_ERR_NOTFOUND, "no such zone in the time zone database"},
        {"UTC", CC_OK, NULL},
    };
    for (size_t i = 0; i < N(cases); i++) {
        cc_zone *z = NULL;
        const char *why = NULL;
        cc_err rc = cc_tzdb_load(dir, cases[i].name, &z, &why);
        cr_expect_eq(rc, cases[i].rc, "%s: %d %s", cases[i].name, rc, why ? why : "");
        if (cases[i].why)
            cr_expect_str_eq(why, cases[i].why, "%s", cases[i].name);
        if (rc == CC_OK && strcmp(cases[i].name, "Test/Zone") == 0)
            cr_expect_eq(cc_zone_offset(z, at("2026-07-01T00:00:00Z")), 9 * H);
        cc_zone_free(z);
    }
    static const char *const files[] = {"Test/Zone", "Test", "Junk", "Big", "Fifo", ""};
    for (size_t i = 0; i < N(files); i++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        remove(path);
    }
}

/* ---- TZif parsing ------------------------------------------------------------------------ */

Test(zone, table_then_footer)
{
    /* two transitions, then the footer takes over */
    tzspec s = {.version = 2,
                .ntimes = 2,
                .times = {1000000000, 1100000000},
                .idx = {1, 0},
                .ntypes = 2,
                .utoff = {3600, 7200},
                .isdst = {0, 1},
                .footer = "<+03>-3"};
    tzbytes o;
    build(&s, &o);
    cc_zone *z = NULL;
    const char *why = NULL;
    cr_assert_eq(cc_zone_from_tzif("synthetic", o.b, o.n, &z, &why), CC_OK, "%s", why ? why : "");
    static const struct {
        int64_t t;
        int32_t off;
    } cases[] = {{INT64_MIN, 3600},   {999999999, 3600},   {1000000000, 7200}, {1099999999, 7200},
                 {1100000000, 3 * H}, {2000000000, 3 * H}, {INT64_MAX, 3 * H}};
    for (size_t i = 0; i < N(cases); i++)
        cr_expect_eq(cc_zone_offset(z, cases[i].t), cases[i].off, "t=%lld", (long long)cases[i].t);
    cc_zone_free(z);

    /* the same data as version 1 (no footer): the last type stays */
    s.version = 1;
    build(&s, &o);
    cr_assert_eq(cc_zone_from_tzif("v1", o.b, o.n, &z, &why), CC_OK, "%s", why ? why : "");
    cr_expect_eq(cc_zone_offset(z, 2000000000), 3600);
    cc_zone_free(z);

    /* an empty footer also keeps the last type */
    s.version = 3;
    s.footer = "";
    build(&s, &o);
    cr_assert_eq(cc_zone_from_tzif("v3", o.b, o.n, &z, &why), CC_OK, "%s", why ? why : "");
    cr_expect_eq(cc_zone_offset(z, 2000000000), 3600);
    cc_zone_free(z);
}

Test(zone, version_1_block_of_a_real_file)
{
    size_t len;
    unsigned char *buf = read_all("/usr/share/zoneinfo/America/New_York", &len);
    /* end of the version 1 block */
    uint32_t c[6];
    for (int i = 0; i < 6; i++)
        c[i] = (uint32_t)buf[20 + 4 * i] << 24 | (uint32_t)buf[21 + 4 * i] << 16 |
               (uint32_t)buf[22 + 4 * i] << 8 | buf[23 + 4 * i];
    size_t v1 = 44 + c[3] * 5 + c[4] * 6 + c[5] + c[2] * 8 + c[1] + c[0];
    cr_assert(c[3] > 0 && v1 < len, "New_York ships a populated version 1 block");
    unsigned char *copy = malloc(v1);
    memcpy(copy, buf, v1);
    copy[4] = 0;
    cc_zone *z = NULL;
    const char *why = NULL;
    cr_assert_eq(cc_zone_from_tzif("ny-v1", copy, v1, &z, &why), CC_OK, "%s", why ? why : "");
    cr_expect_eq(cc_zone_offset(z, at("2026-01-15T12:00:00Z")), -5 * H);
    cr_expect_eq(cc_zone_offset(z, at("2026-07-15T12:00:00Z")), -4 * H);
    cr_expect_eq(cc_zone_offset(z, at("2026-03-08T07:00:00Z")), -4 * H);
    cc_zone_free(z);
    free(copy);
    free(buf);
}

Test(zone, posix_footer_rules)
{
    static const struct {
        const char *footer, *when;
        int32_t off;
    } cases[] = {
        {"KST-9", "2031-07-10T00:00:00Z", 9 * H},
        {"<+0330>-3:30", "2031-07-10T00:00:00Z", 3 * H + 1800},
        {"<-0330>3:30", "2031-07-10T00:00:00Z", -(3 * H + 1800)},
        {"<+0545>-5:45", "2031-07-10T00:00:00Z", 5 * H + 2700},
        {"XXX-5:45:30", "2031-07-10T00:00:00Z", 5 * H + 2730},
        {"EST5EDT,M3.2.0,M11.1.0", "2031-01-10T00:00:00Z", -5 * H},
        {"EST5EDT,M3.2.0,M11.1.0", "2031-07-10T00:00:00Z", -4 * H},
        /* 2031: second Sunday of March is March 9; 02:00 EST = 07:00Z */
        {"EST5EDT,M3.2.0,M11.1.0", "2031-03-09T06:59:59Z", -5 * H},
        {"EST5EDT,M3.2.0,M11.1.0", "2031-03-09T07:00:00Z", -4 * H},
        /* first Sunday of November 2031 is November 2; 02:00 EDT = 06:00Z */
        {"EST5EDT,M11.1.0,M3.2.0", "2031-07-10T00:00:00Z", -5 * H}, /* rule read as written */
        {"EST5EDT,M3.2.0,M11.1.0", "2031-11-02T05:59:59Z", -4 * H},
        {"EST5EDT,M3.2.0,M11.1.0", "2031-11-02T06:00:00Z", -5 * H},
        /* no dates: the US rule */
        {"EST5EDT", "2031-03-09T07:00:00Z", -4 * H},
        {"EST5EDT", "2031-11-02T06:00:00Z", -5 * H},
        /* explicit DST offset */
        {"LHST-10:30LHDT-11,M10.1.0,M4.1.0", "2031-01-10T00:00:00Z", 11 * H},
        {"LHST-10:30LHDT-11,M10.1.0,M4.1.0", "2031-07-10T00:00:00Z", 10 * H + 1800},
        /* southern hemisphere: DST from October to April */
        {"AEST-10AEDT,M10.1.0,M4.1.0/3", "2031-01-10T00:00:00Z", 11 * H},
        {"AEST-10AEDT,M10.1.0,M4.1.0/3", "2031-07-10T00:00:00Z", 10 * H},
        /* M.5 is the last week: last Sunday of March 2031 is the 30th, 01:00Z */
        {"CET-1CEST,M3.5.0,M10.5.0/3", "2031-03-30T00:59:59Z", 1 * H},
        {"CET-1CEST,M3.5.0,M10.5.0/3", "2031-03-30T01:00:00Z", 2 * H},
        /* negative DST (Irish standard time in summer) */
        {"IST-1GMT0,M10.5.0,M3.5.0/1", "2031-07-10T00:00:00Z", 1 * H},
        {"IST-1GMT0,M10.5.0,M3.5.0/1", "2031-12-10T00:00:00Z", 0},
        /* negative transition times (RFC 8536 3.3.1): Nuuk, -01 in summer */
        {"<-02>2<-01>,M3.5.0/-1,M10.5.0/0", "2031-03-30T00:59:59Z", -2 * H},
        {"<-02>2<-01>,M3.5.0/-1,M10.5.0/0", "2031-03-30T01:00:00Z", -1 * H},
        /* transition times beyond 24 h: DST all year round */
        {"EST5EDT4,0/0,J365/25", "2031-01-01T00:00:00Z", -4 * H},
        {"EST5EDT4,0/0,J365/25", "2031-01-01T05:00:00Z", -4 * H},
        {"EST5EDT4,0/0,J365/25", "2031-07-01T00:00:00Z", -4 * H},
        {"EST5EDT4,0/0,J365/25", "2031-12-31T23:59:59Z", -4 * H},
        /* Julian day forms: Jn never counts February 29; n does */
        {"XXX0YYY,J60,J300", "2032-03-01T01:59:59Z", 0},
        {"XXX0YYY,J60,J300", "2032-03-01T02:00:00Z", 1 * H},
        {"XXX0YYY,59,J300", "2032-02-29T01:59:59Z", 0},
        {"XXX0YYY,59,J300", "2032-02-29T02:00:00Z", 1 * H},
        {"XXX0YYY,J60,J300", "2031-06-01T00:00:00Z", 1 * H},
        {"XXX0YYY,J60,J300", "2031-01-01T00:00:00Z", 0},
        /* 167-hour rule time: a week after Sunday, March 2 2031 */
        {"XXX0YYY,M3.1.0/167,M10.1.0", "2031-03-08T22:59:59Z", 0},
        {"XXX0YYY,M3.1.0/167,M10.1.0", "2031-03-08T23:00:00Z", 1 * H},
        /* far from 1970 in both directions */
        {"EST5EDT,M3.2.0,M11.1.0", "9999-07-01T00:00:00Z", -4 * H},
        {"EST5EDT,M3.2.0,M11.1.0", "1971-01-01T00:00:00Z", -5 * H},
    };
    for (size_t i = 0; i < N(cases); i++) {
        tzbytes o;
        footer_only(&o, cases[i].footer);
        cc_zone *z = NULL;
        const char *why = NULL;
        cr_assert_eq(cc_zone_from_tzif("footer", o.b, o.n, &z, &why), CC_OK, "'%s': %s", cases[i].footer,
                     why ? why : "");
        int32_t got = cc_zone_offset(z, at(cases[i].when));
        cr_expect_eq(got, cases[i].off, "'%s' at %s: %d", cases[i].footer, cases[i].when, got);
        /* any instant at all, without overflow */
        (void)cc_zone_offset(z, INT64_MIN);
        (void)cc_zone_offset(z, INT64_MAX);
        cc_zone_free(z);
    }
}

Test(zone, posix_footer_refused)
{
    static const char *const bad[] = {
        "E5",
        "EST",
        "5",
        "EST5EDT,M13.1.0,M11.1.0",
        "EST5EDT,M3.6.0,M11.1.0",
        "EST5EDT,M3.2.7,M11.1.0",
        "EST5EDT,M3.2.0",
        "EST5EDT,M3.2.0,",
        "EST5EDT,M3.2.0,M11.1.0,",
        "EST99",
        "EST25",
        "<AB>5",
        "<ABC5",
        "<A?C>5",
        "EST5EDT,J0,J365",
        "EST5EDT,J366,J1",
        "EST5EDT,366,1",
        "EST5EDT,M3.2.0/168,M11.1.0",
        "EST5EDT,M3.2.0/-168,M11.1.0",
        "EST5:60",
        "EST5EDT4:00:60",
        "EST5 ",
        "EST5EDT,M3..0,M11.1.0",
        "EST5EDT,M3",
        "EST5EDT,M3.2",
        "EST5EDT;M3.2.0,M11.1.0",
        "EST5EDT,M03.02.0,M11.1.0x",
        "EST5EDT,1000,1",
    };
    for (size_t i = 0; i < N(bad); i++) {
        tzbytes o;
        footer_only(&o, bad[i]);
        cc_zone *z = (cc_zone *)1;
        const char *why = NULL;
        cr_expect_eq(cc_zone_from_tzif("bad", o.b, o.n, &z, &why), CC_ERR_PARSE, "footer '%s' accepted",
                     bad[i]);
        cr_expect_null(z);
        cr_expect_str_eq(why, "TZif footer is not a valid POSIX TZ string", "'%s': %s", bad[i], why);
    }
}

/* One corruption of a valid synthetic version 2 file and the reason it must produce. */
typedef struct mutation {
    const char *what, *why;
    void (*apply)(tzbytes *o);
} mutation;

static void m_magic(tzbytes *o)
{
    o->b[3] = 'X';
}
static void m_version(tzbytes *o)
{
    o->b[4] = '5';
}
static void m_version2(tzbytes *o)
{
    o->b[o->hdr2 + 4] = '3';
}
static void m_hdr2(tzbytes *o)
{
    o->b[o->hdr2] = 'X';
}
static void m_typecnt0(tzbytes *o)
{
    put32(o->b + o->hdr2 + 36, 0);
}
static void m_timecnt_huge(tzbytes *o)
{
    put32(o->b + o->hdr2 + 32, 0xFFFFFFFFu);
}
static void m_timecnt_v1(tzbytes *o)
{
    put32(o->b + 32, 0x7FFFFFFFu);
}
static void m_charcnt_huge(tzbytes *o)
{
    put32(o->b + o->hdr2 + 40, 0x01000000u);
}
static void m_leapcnt_huge(tzbytes *o)
{
    put32(o->b + o->hdr2 + 28, 0xFFFFFFF0u);
}
static void m_typecnt_257(tzbytes *o)
{
    put32(o->b + o->hdr2 + 36, 257);
}
static void m_isstd(tzbytes *o)
{
    put32(o->b + o->hdr2 + 24, 1);
}
static void m_timecnt_more(tzbytes *o)
{
    put32(o->b + o->hdr2 + 32, 40);
}
static void m_idx(tzbytes *o)
{
    o->b[o->data2 + 2 * 8] = 7;
}
static void m_order(tzbytes *o)
{
    o->b[o->data2 + 8 + 4] = 0;
} /* second time becomes smaller */
static void m_utoff(tzbytes *o)
{
    put32(o->b + o->data2 + 2 * 9, 100000);
}
static void m_utoff_min(tzbytes *o)
{
    put32(o->b + o->data2 + 2 * 9, 0x80000000u);
}
static void m_isdst(tzbytes *o)
{
    o->b[o->data2 + 2 * 9 + 4] = 2;
}
static void m_desig(tzbytes *o)
{
    o->b[o->data2 + 2 * 9 + 5] = 4;
}
static void m_no_footer(tzbytes *o)
{
    o->n = o->data2 + 2 * 9 + 2 * 6 + 4;
}
static void m_footer_nl(tzbytes *o)
{
    o->n--;
}
static void m_footer_nul(tzbytes *o)
{
    o->b[o->n - 3] = 0;
}
static void m_footer_long(tzbytes *o)
{
    size_t p = o->data2 + 2 * 9 + 2 * 6 + 4;
    o->b[p] = '\n';
    memset(o->b + p + 1, 'A', 300);
    o->b[p + 301] = '\n';
    o->n = p + 302;
}
static void m_short(tzbytes *o)
{
    o->n = 30;
}
static void m_empty(tzbytes *o)
{
    o->n = 0;
}

Test(zone, corrupt_tzif_refused_with_reason)
{
    static const mutation ms[] = {
        {"bad magic", "not a TZif file", m_magic},
        {"version 5", "unsupported TZif version", m_version},
        {"versions differ", "TZif headers disagree on the version", m_version2},
        {"no second header", "TZif second header missing", m_hdr2},
        {"no types", "TZif data has no local time types", m_typecnt0},
        {"huge timecnt", "TZif counts are too large", m_timecnt_huge},
        {"huge v1 timecnt", "TZif counts are too large", m_timecnt_v1},
        {"huge charcnt", "TZif counts are too large", m_charcnt_huge},
        {"huge leapcnt", "TZif counts are too large", m_leapcnt_huge},
        {"257 types", "TZif counts are too large", m_typecnt_257},
        {"isstdcnt != typecnt", "TZif indicator counts do not match the type count", m_isstd},
        {"timecnt beyond the data", "truncated TZif data", m_timecnt_more},
        {"unknown type", "TZif transition names an unknown local time type", m_idx},
        {"unordered", "TZif transition times are not in ascending order", m_order},
        {"utoff 100000", "TZif UTC offset out of range", m_utoff},
        {"utoff -2^31", "TZif UTC offset out of range", m_utoff_min},
        {"isdst 2", "TZif daylight flag is not 0 or 1", m_isdst},
        {"abbreviation index", "TZif abbreviation index out of range", m_desig},
        {"no footer", "TZif footer missing", m_no_footer},
        {"unterminated footer", "TZif footer not terminated", m_footer_nl},
        {"NUL in footer", "TZif footer is not a valid POSIX TZ string", m_footer_nul},
        {"long footer", "TZif footer too long", m_footer_long},
        {"short", "truncated TZif header", m_short},
        {"empty", "not a TZif file", m_empty},
    };
    tzspec s = {.version = 2,
                .ntimes = 2,
                .times = {1000000000, 1100000000},
                .idx = {1, 0},
                .ntypes = 2,
                .utoff = {3600, 7200},
                .isdst = {0, 1},
                .footer = "CET-1CEST,M3.5.0,M10.5.0/3"};
    tzbytes good;
    build(&s, &good);
    cc_zone *z = NULL;
    const char *why = NULL;
    cr_assert_eq(cc_zone_from_tzif("good", good.b, good.n, &z, &why), CC_OK, "%s", why ? why : "");
    cc_zone_free(z);
    for (size_t i = 0; i < N(ms); i++) {
        tzbytes o = good;
        ms[i].apply(&o);
        unsigned char *copy = malloc(o.n ? o.n : 1); /* exact size, so ASan sees any over-read */
        memcpy(copy, o.b, o.n);
        z = (cc_zone *)1;
        why = NULL;
        cr_expect_eq(cc_zone_from_tzif("bad", copy, o.n, &z, &why), CC_ERR_PARSE, "%s accepted", ms[i].what);
        cr_expect_null(z, "%s", ms[i].what);
        cr_expect_str_eq(why ? why : "(null)", ms[i].why, "%s", ms[i].what);
        free(copy);
    }
    cr_expect_eq(cc_zone_from_tzif("null", NULL, 0, &z, NULL), CC_ERR_PARSE, "why may be NULL");
    cr_expect_eq(cc_zone_from_tzif("null", good.b, good.n, NULL, &why), CC_ERR_ARG);
}

/* Every prefix of each file is an error with a reason or a zone, never an over-read. */
Test(zone, every_prefix_of_real_files_is_safe)
{
    static const char *const files[] = {"/usr/share/zoneinfo/America/New_York",
                                        "/usr/share/zoneinfo/Asia/Seoul",
                                        "/usr/share/zoneinfo/right/Europe/Berlin"};
    for (size_t fi = 0; fi < N(files); fi++) {
        if (fi == 2 && access(files[fi], R_OK) != 0)
            continue; /* right/ zones are optional */
        size_t len;
        unsigned char *buf = read_all(files[fi], &len);
        size_t ok = 0;
        for (size_t n = 0; n <= len; n++) {
            unsigned char *copy = malloc(n ? n : 1);
            memcpy(copy, buf, n);
            cc_zone *z = NULL;
            const char *why = NULL;
            cc_err rc = cc_zone_from_tzif("prefix", copy, n, &z, &why);
            if (rc == CC_OK) {
                ok++;
                (void)cc_zone_offset(z, 1800000000);
                cc_zone_free(z);
            } else {
                cr_assert_eq(rc, CC_ERR_PARSE);
                cr_assert_not_null(why);
                cr_assert_null(z);
            }
            free(copy);
        }
        cr_expect_eq(ok, 1, "%s: only the complete file parses", files[fi]);
        free(buf);
    }
}

Test(zone, flipped_bytes_never_crash)
{
    size_t len;
    unsigned char *buf = read_all("/usr/share/zoneinfo/America/New_York", &len);
    static const unsigned char masks[] = {0x01, 0x80, 0xFF, 0xA5};
    cc_workhours w = {0x1F, 9 * 60, 17 * 60};
    for (size_t i = 0; i < len; i++) {
        unsigned char *copy = malloc(len);
        memcpy(copy, buf, len);
        copy[i] ^= masks[i % N(masks)];
        cc_zone *z = NULL;
        const char *why = NULL;
        if (cc_zone_from_tzif("flip", copy, len, &z, &why) == CC_OK) {
            (void)cc_zone_offset(z, (int64_t)i * 1000000);
            int64_t r = cc_workhours_next_open(z, &w, (int64_t)i * 1000000);
            cr_assert(r == INT64_MAX || cc_workhours_open(z, &w, r));
            cc_zone_free(z);
        } else {
            cr_assert_not_null(why);
        }
        free(copy);
    }
    free(buf);
}

/* ---- working hours ------------------------------------------------------------------------ */

Test(workhours, table)
{
    static const struct {
        const char *zone;
        uint8_t days;
        int16_t start, end;
        const char *from, *want; /* want NULL: never */
        const char *note;
    } cases[] = {
        {"Asia/Seoul", 0x1F, 540, 1080, "2026-11-28T10:00:00+09:00", "2026-11-30T09:00:00+09:00",
         "Saturday -> Monday"},
        {"Asia/Seoul", 0x1F, 540, 1080, "2026-11-30T11:00:00+09:00", "2026-11-30T11:00:00+09:00",
         "open: same instant"},
        {"Asia/Seoul", 0x1F, 540, 1080, "2026-11-30T09:00:00+09:00", "2026-11-30T09:00:00+09:00",
         "opening instant"},
        {"Asia/Seoul", 0x1F, 540, 1080, "2026-11-30T08:59:59+09:00", "2026-11-30T09:00:00+09:00",
         "a second early"},
        {"Asia/Seoul", 0x1F, 540, 1080, "2026-11-30T17:59:59+09:00", "2026-11-30T17:59:59+09:00",
         "last open second"},
        {"Asia/Seoul", 0x1F, 540, 1080, "2026-11-30T18:00:00+09:00", "2026-12-01T09:00:00+09:00",
         "end is exclusive"},
        {"Asia/Seoul", 0x1F, 540, 1080, "2026-11-27T18:00:00+09:00", "2026-11-30T09:00:00+09:00",
         "Friday evening"},
        {"Asia/Seoul", 0x1F, 540, 1080, "2026-11-29T23:59:59+09:00", "2026-11-30T09:00:00+09:00",
         "Sunday night"},
        {"Asia/Seoul", 0x40, 0, 1440, "2026-11-28T10:00:00+09:00", "2026-11-29T00:00:00+09:00",
         "Sunday only, 24:00"},
        {"Asia/Seoul", 0x01, 540, 600, "2026-11-30T10:00:00+09:00", "2026-12-07T09:00:00+09:00",
         "a week later"},
        {"Asia/Seoul", 0x7F, 0, 1440, "2026-11-28T03:04:05+09:00", "2026-11-28T03:04:05+09:00",
         "always open"},
        /* New York across the spring-forward weekend (2026-03-08) */
        {"America/New_York", 0x1F, 540, 1080, "2026-03-06T19:00:00-05:00", "2026-03-09T09:00:00-04:00",
         "Friday EST -> Monday EDT"},
        {"America/New_York", 0x7F, 540, 1020, "2026-03-07T20:00:00-05:00", "2026-03-08T09:00:00-04:00",
         "Saturday EST -> Sunday EDT"},
        {"America/New_York", 0x7F, 150, 240, "2026-03-08T00:00:00-05:00", "2026-03-08T03:00:00-04:00",
         "window start 02:30 skipped: opens at 03:00 EDT"},
        {"America/New_York", 0x7F, 120, 150, "2026-03-08T00:00:00-05:00", "2026-03-09T02:00:00-04:00",
         "window inside the gap: next day"},
        /* New York fall back (2026-11-01 06:00Z): 01:00-02:00 happens twice */
        {"America/New_York", 0x7F, 60, 90, "2026-11-01T00:30:00-04:00", "2026-11-01T01:00:00-04:00",
         "first 01:00"},
        {"America/New_York", 0x7F, 60, 90, "2026-11-01T01:45:00-04:00", "2026-11-01T01:00:00-05:00",
         "repeated 01:00"},
        {"America/New_York", 0x7F, 60, 90, "2026-11-01T01:15:00-05:00", "2026-11-01T01:15:00-05:00",
         "inside the repeated hour"},
        {"America/New_York", 0x7F, 60, 90, "2026-11-01T01:45:00-05:00", "2026-11-02T01:00:00-05:00",
         "next day"},
        /* Berlin: a positive-offset zone, same cases */
        {"Europe/Berlin", 0x7F, 150, 165, "2026-10-25T00:30:00+02:00", "2026-10-25T02:30:00+02:00",
         "first 02:30 (CEST)"},
        {"Europe/Berlin", 0x7F, 150, 165, "2026-10-25T02:50:00+02:00", "2026-10-25T02:30:00+01:00",
         "repeated 02:30 (CET)"},
        {"Europe/Berlin", 0x7F, 150, 180, "2026-03-29T00:00:00+01:00", "2026-03-30T02:30:00+02:00",
         "window inside the spring gap"},
        /* Monday = bit 0 in a zone east of the date line */
        {"Pacific/Kiritimati", 0x01, 540, 600, "2026-11-29T12:00:00Z", "2026-11-29T19:00:00Z",
         "Sunday noon UTC is Monday 02:00 at +14"},
        {"Asia/Seoul", 0x00, 540, 1080, "2026-11-28T10:00:00+09:00", NULL, "no days"},
        {"Asia/Seoul", 0x1F, 600, 600, "2026-11-28T10:00:00+09:00", NULL, "empty window"},
        {"Asia/Seoul", 0x1F, 600, 540, "2026-11-28T10:00:00+09:00", NULL, "end before start"},
        {"Asia/Seoul", 0x1F, 540, 1441, "2026-11-28T10:00:00+09:00", NULL, "end past 24:00"},
        {"Asia/Seoul", 0x1F, -60, 540, "2026-11-28T10:00:00+09:00", NULL, "negative start"},
    };
    for (size_t i = 0; i < N(cases); i++) {
        cc_zone *z = load(cases[i].zone);
        cc_workhours w = {cases[i].days, cases[i].start, cases[i].end};
        int64_t from = at(cases[i].from);
        int64_t got = cc_workhours_next_open(z, &w, from);
        int64_t want = cases[i].want ? at(cases[i].want) : INT64_MAX;
        char g[64];
        cc_rfc3339_format(got, cc_zone_offset(z, got), g, sizeof g);
        cr_expect_eq(got, want, "%s: %s", cases[i].note, got == INT64_MAX ? "never" : g);
        cr_expect_eq(cc_workhours_open(z, &w, from), cases[i].want && got == from, "%s: open(from)",
                     cases[i].note);
        if (cases[i].want) {
            cr_expect(cc_workhours_open(z, &w, got), "%s: open at the answer", cases[i].note);
            if (got > from)
                cr_expect(!cc_workhours_open(z, &w, got - 1), "%s: closed just before", cases[i].note);
        }
        cc_zone_free(z);
    }
}

Test(workhours, extreme_instants_terminate)
{
    cc_zone *ny = load("America/New_York");
    cc_workhours w = {0x1F, 540, 1080};
    static const int64_t ts[] = {INT64_MIN, INT64_MIN + 1,   -(1LL << 61),  -(1LL << 60), (1LL << 60) - 1,
                                 1LL << 60, (1LL << 60) + 1, INT64_MAX - 1, INT64_MAX};
    for (size_t i = 0; i < N(ts); i++) {
        int64_t r = cc_workhours_next_open(ny, &w, ts[i]);
        cr_expect(r == INT64_MAX || (r >= ts[i] && cc_workhours_open(ny, &w, r)), "from %lld: %lld",
                  (long long)ts[i], (long long)r);
        (void)cc_workhours_open(ny, &w, ts[i]);
    }
    cr_expect_eq(cc_workhours_next_open(ny, &w, INT64_MAX), INT64_MAX);
    cr_expect(!cc_workhours_open(ny, &w, INT64_MAX));
    cc_zone_free(ny);
}

/* A hostile zone with a transition every 61 s: bounded work, no wrong answer. */
Test(workhours, many_transitions_bounded)
{
    size_t nt = 100000;
    size_t cap = 2 * (44 + nt * 9 + 2 * 6 + 4) + 64;
    unsigned char *b = calloc(1, cap);
    size_t n = 0;
    for (int pass = 0; pass < 2; pass++) {
        size_t ts = pass ? 8 : 4;
        memcpy(b + n, "TZif2", 5);
        put32(b + n + 32, (uint32_t)nt);
        put32(b + n + 36, 2);
        put32(b + n + 40, 4);
        n += 44;
        for (size_t i = 0; i < nt; i++) {
            uint64_t t = 1800000000u + 61u * i;
            if (ts == 8) {
                put32(b + n, (uint32_t)(t >> 32));
                n += 4;
            }
            put32(b + n, (uint32_t)t);
            n += 4;
        }
        for (size_t i = 0; i < nt; i++)
            b[n++] = (unsigned char)(i & 1);
        put32(b + n, 0);
        put32(b + n + 6, (uint32_t)(12 * H));
        n += 12;
        memcpy(b + n, "ABC", 4);
        n += 4;
    }
    b[n++] = '\n';
    b[n++] = '\n';
    cc_zone *z = NULL;
    const char *why = NULL;
    cr_assert_eq(cc_zone_from_tzif("hostile", b, n, &z, &why), CC_OK, "%s", why ? why : "");
    cc_workhours w = {0x01, 0, 1}; /* Mondays 00:00-00:01 */
    for (int64_t t = 1800000000; t < 1800000000 + 61 * 100000; t += 61 * 997) {
        int64_t r = cc_workhours_next_open(z, &w, t);
        cr_assert(r == INT64_MAX || (r >= t && cc_workhours_open(z, &w, r)));
    }
    cc_zone_free(z);
    free(b);
}

/* next_open agrees with stepping minute by minute, near every 2026-2027 transition. */
Test(workhours, agrees_with_stepping)
{
    static const char *const zones[] = {"America/New_York", "Europe/Berlin", "Australia/Lord_Howe",
                                        "Asia/Seoul"};
    static const cc_workhours ws[] = {
        {0x1F, 540, 1080}, {0x7F, 60, 150}, {0x41, 0, 1440}, {0x22, 120, 135}, {0x7F, 1380, 1440},
    };
    uint64_t seed = 42;
    for (size_t zi = 0; zi < N(zones); zi++) {
        cc_zone *z = load(zones[zi]);
        int64_t base = at("2026-01-01T00:00:00Z");
        for (int q = 0; q < 24; q++) {
            seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
            int64_t t = base + (int64_t)((seed >> 20) % (730ULL * 86400)) / 60 * 60;
            const cc_workhours *w = &ws[q % N(ws)];
            int64_t want = INT64_MAX;
            for (int64_t u = t; u < t + 22 * 86400; u += 60)
                if (cc_workhours_open(z, w, u)) {
                    want = u;
                    break;
                }
            cr_expect_eq(cc_workhours_next_open(z, w, t), want, "%s from %lld", zones[zi], (long long)t);
        }
        cc_zone_free(z);
    }
}
