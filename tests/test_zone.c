/* Tests of core/zone and io/tzdb: real zoneinfo offsets and DST, the POSIX footer rule on
 * synthetic TZif data, hostile TZif bytes, zone-name validation and working hours. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ctime.h"
#include "core/zone.h"
#include "io/tzdb.h"

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

Test(zone, washington_seoul_gap)
{
    cc_zone *ny = load("America/New_York"), *seoul = load("Asia/Seoul");
    int64_t jan = at("2026-01-15T12:00:00Z"), jul = at("2026-07-15T12:00:00Z");
    cr_expect_eq(cc_zone_offset(ny, jan), -5 * 3600);
    cr_expect_eq(cc_zone_offset(ny, jul), -4 * 3600);
    cr_expect_eq(cc_zone_offset(seoul, jan), 9 * 3600);
    cr_expect_eq(cc_zone_offset(seoul, jul), 9 * 3600);
    cr_expect_eq(cc_zone_offset(seoul, jan) - cc_zone_offset(ny, jan), 14 * 3600);
    cr_expect_eq(cc_zone_offset(seoul, jul) - cc_zone_offset(ny, jul), 13 * 3600);
    /* the 2026 spring-forward instant, and far beyond any transition table */
    int64_t sw = at("2026-03-08T07:00:00Z");
    cr_expect_eq(cc_zone_offset(ny, sw - 1), -5 * 3600);
    cr_expect_eq(cc_zone_offset(ny, sw), -4 * 3600);
    cr_expect_eq(cc_zone_offset(ny, at("2090-07-01T00:00:00Z")), -4 * 3600);
    cr_expect_eq(cc_zone_offset(ny, at("2090-12-01T00:00:00Z")), -5 * 3600);
    cr_expect_str_eq(cc_zone_name(ny), "America/New_York");
    cc_zone_free(ny);
    cc_zone_free(seoul);
}

Test(zone, utc_without_files)
{
    cc_zone *z = NULL;
    const char *why;
    cr_assert_eq(cc_tzdb_load("/nonexistent", "UTC", &z, &why), CC_OK);
    cr_expect_eq(cc_zone_offset(z, 1234567890), 0);
    cc_zone_free(z);
    cr_assert_eq(cc_tzdb_load("/nonexistent", "Etc/UTC", &z, &why), CC_OK);
    cc_zone_free(z);
}

Test(zone, names_refused)
{
    static const char *const bad[] = {"../etc/passwd", "/etc/passwd", "Asia/../../x", "",
                                      "Asia//Seoul",   "Asia/",       ".hidden",      "Asia/Se oul",
                                      "Asia/Seoul\n"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cc_zone *z = NULL;
        const char *why = NULL;
        cr_expect_eq(cc_tzdb_load(NULL, bad[i], &z, &why), CC_ERR_INVALID, "'%s' accepted", bad[i]);
        cr_expect_null(z);
        cr_expect_str_eq(why, "not a valid time zone name");
    }
    cc_zone *z = NULL;
    const char *why = NULL;
    cr_expect_eq(cc_tzdb_load(NULL, "Asia/Soeul", &z, &why), CC_ERR_NOTFOUND);
    cr_expect_eq(cc_tzdb_load(NULL, "Asia", &z, &why), CC_ERR_NOTFOUND, "a directory is not a zone");
}

/* A v2 TZif with no transitions: only the footer rule. */
static size_t footer_only(unsigned char *buf, const char *footer)
{
    size_t n = 0;
    for (int pass = 0; pass < 2; pass++) {
        memset(buf + n, 0, 44);
        memcpy(buf + n, "TZif2", 5);
        buf[n + 39] = 1; /* typecnt = 1 */
        buf[n + 43] = 4; /* charcnt = 4 */
        n += 44;
        memset(buf + n, 0, 6); /* ttinfo: utoff 0, isdst 0, idx 0 */
        n += 6;
        memcpy(buf + n, "STD", 4);
        n += 4;
    }
    n += (size_t)sprintf((char *)buf + n, "\n%s\n", footer);
    return n;
}

Test(zone, posix_footer_rules)
{
    unsigned char buf[512];
    cc_zone *z = NULL;
    const char *why = NULL;
    size_t n = footer_only(buf, "EST5EDT,M3.2.0,M11.1.0");
    cr_assert_eq(cc_zone_from_tzif("test/us", buf, n, &z, &why), CC_OK, "%s", why ? why : "");
    cr_expect_eq(cc_zone_offset(z, at("2031-01-10T00:00:00Z")), -5 * 3600);
    cr_expect_eq(cc_zone_offset(z, at("2031-07-10T00:00:00Z")), -4 * 3600);
    /* 2031: second Sunday of March is March 9; 02:00 EST = 07:00Z */
    cr_expect_eq(cc_zone_offset(z, at("2031-03-09T06:59:59Z")), -5 * 3600);
    cr_expect_eq(cc_zone_offset(z, at("2031-03-09T07:00:00Z")), -4 * 3600);
    cc_zone_free(z);

    n = footer_only(buf, "<+0330>-3:30");
    cr_assert_eq(cc_zone_from_tzif("test/fixed", buf, n, &z, &why), CC_OK);
    cr_expect_eq(cc_zone_offset(z, at("2031-07-10T00:00:00Z")), 3 * 3600 + 1800);
    cc_zone_free(z);

    /* southern hemisphere: DST from October to April */
    n = footer_only(buf, "AEST-10AEDT,M10.1.0,M4.1.0/3");
    cr_assert_eq(cc_zone_from_tzif("test/syd", buf, n, &z, &why), CC_OK);
    cr_expect_eq(cc_zone_offset(z, at("2031-01-10T00:00:00Z")), 11 * 3600);
    cr_expect_eq(cc_zone_offset(z, at("2031-07-10T00:00:00Z")), 10 * 3600);
    cc_zone_free(z);

    /* Julian day forms */
    n = footer_only(buf, "XXX0YYY,J60,J300");
    cr_assert_eq(cc_zone_from_tzif("test/julian", buf, n, &z, &why), CC_OK);
    cr_expect_eq(cc_zone_offset(z, at("2031-06-01T00:00:00Z")), 3600);
    cr_expect_eq(cc_zone_offset(z, at("2031-01-01T00:00:00Z")), 0);
    cc_zone_free(z);

    static const char *const bad[] = {"E5",    "EST",  "EST5EDT,M13.1.0,M11.1.0", "EST5EDT,M3.2.0",
                                      "EST99", "<AB>5"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        n = footer_only(buf, bad[i]);
        z = NULL;
        cr_expect_eq(cc_zone_from_tzif("bad", buf, n, &z, &why), CC_ERR_PARSE, "footer '%s' accepted",
                     bad[i]);
        cr_expect_null(z);
    }
}

Test(zone, every_prefix_of_a_real_file_is_safe)
{
    FILE *f = fopen("/usr/share/zoneinfo/America/New_York", "rb");
    cr_assert_not_null(f);
    unsigned char *buf = malloc(1 << 16);
    size_t len = fread(buf, 1, 1 << 16, f);
    fclose(f);
    size_t ok = 0;
    for (size_t n = 0; n <= len; n++) {
        unsigned char *copy = malloc(n ? n : 1); /* exact size, so ASan sees any over-read */
        memcpy(copy, buf, n);
        cc_zone *z = NULL;
        const char *why = NULL;
        cc_err rc = cc_zone_from_tzif("ny", copy, n, &z, &why);
        if (rc == CC_OK) {
            ok++;
            (void)cc_zone_offset(z, 1800000000);
            cc_zone_free(z);
        } else {
            cr_assert_not_null(why);
        }
        free(copy);
    }
    cr_expect_eq(ok, 1, "only the complete file parses");
    /* flipped bytes: errors or zones, never a crash */
    for (size_t i = 0; i < len; i += 7) {
        unsigned char *copy = malloc(len);
        memcpy(copy, buf, len);
        copy[i] ^= 0xA5;
        cc_zone *z = NULL;
        const char *why = NULL;
        if (cc_zone_from_tzif("ny", copy, len, &z, &why) == CC_OK) {
            (void)cc_zone_offset(z, (int64_t)i * 100000);
            cc_zone_free(z);
        }
        free(copy);
    }
    free(buf);
}

Test(zone, working_hours)
{
    cc_zone *seoul = load("Asia/Seoul"), *ny = load("America/New_York");
    cc_workhours w = {0x1F, 9 * 60, 18 * 60}; /* Mon-Fri 09:00-18:00 */
    /* Saturday 2026-11-28 10:00 KST -> Monday 2026-11-30 09:00 KST */
    int64_t sat = at("2026-11-28T10:00:00+09:00");
    cr_expect(!cc_workhours_open(seoul, &w, sat));
    cr_expect_eq(cc_workhours_next_open(seoul, &w, sat), at("2026-11-30T09:00:00+09:00"));
    int64_t mon = at("2026-11-30T11:00:00+09:00");
    cr_expect(cc_workhours_open(seoul, &w, mon));
    cr_expect_eq(cc_workhours_next_open(seoul, &w, mon), mon);
    /* after hours on Friday -> Monday */
    cr_expect_eq(cc_workhours_next_open(seoul, &w, at("2026-11-27T18:00:00+09:00")),
                 at("2026-11-30T09:00:00+09:00"));
    /* New York across the spring-forward weekend: Friday evening -> Monday 09:00 EDT */
    cr_expect_eq(cc_workhours_next_open(ny, &w, at("2026-03-06T19:00:00-05:00")),
                 at("2026-03-09T09:00:00-04:00"));
    /* a window starting inside the DST gap (02:30 on 2026-03-08) opens after it */
    cc_workhours gap = {0x7F, 150, 240};
    int64_t g = cc_workhours_next_open(ny, &gap, at("2026-03-08T00:00:00-05:00"));
    cr_expect(cc_workhours_open(ny, &gap, g));
    cr_expect_eq(g, at("2026-03-08T03:00:00-04:00"));
    cc_workhours none = {0, 540, 1080};
    cr_expect_eq(cc_workhours_next_open(seoul, &none, sat), INT64_MAX);
    /* 24:00 end and a Sunday-only week */
    cc_workhours sun = {0x40, 0, 1440};
    cr_expect_eq(cc_workhours_next_open(seoul, &sun, sat), at("2026-11-29T00:00:00+09:00"));
    cc_zone_free(seoul);
    cc_zone_free(ny);
}
