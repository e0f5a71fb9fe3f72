/* ctime — durations, RFC 3339 timestamps, scenario times and clock-of-day values as plain
 * integers (seconds). Pure: no clock, no locale, no time zone database. */
#ifndef CC_CTIME_H
#define CC_CTIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/diag.h"

#define CC_DURATION_MAX_S (3650LL * 86400LL)

/* Where and why a time value was refused (core/diag's error type): col is 1-based within the text. */
typedef cc_error cc_time_error;

/* Every parser below returns CC_OK or an error code and then fills *err (err may be NULL):
 * the 1-based column of the offending character, a message and a fix-it hint. Outputs are
 * written only on success. */

/* "90s", "45m", "2h30m", "1d2h3m4s": units d,h,m,s in that order, each at most once;
 * at most CC_DURATION_MAX_S. A leading '+' is refused here (see cc_time_parse_scenario).
 * Errors: CC_ERR_PARSE. */
cc_err cc_duration_parse(const char *s, size_t len, int64_t *out_s, cc_time_error *err);
/* Canonical text: "0s", "2h30m", "1d2h3m4s"; a negative value gets a leading '-' ("-5m").
 * Returns length needed like snprintf. */
int cc_duration_format(int64_t s, char *buf, size_t size);

/* RFC 3339 with a mandatory offset: "2026-03-02T11:30:00+09:00", "...Z", optional fraction
 * (truncated to seconds). Years 1970..9999. Validates calendar (leap years) and ranges.
 * 't' and 'z' may be lower case; "-00:00" reads as UTC. Second 60 is accepted only as a
 * leap second (23:59:60 UTC) and folded into the second before it. Errors: CC_ERR_PARSE.
 * *unix_s is seconds since 1970-01-01T00:00:00Z; *offset_s the written UTC offset. */
cc_err cc_rfc3339_parse(const char *s, size_t len, int64_t *unix_s, int32_t *offset_s, cc_time_error *err);
/* Formats unix_s shown at offset_s: "2026-03-02T11:30:00+09:00" ("Z" when offset 0).
 * Seconds of an offset (LMT) are dropped so the text still names unix_s; offsets beyond
 * +-23:59 cannot be written and show as UTC. Returns length needed like snprintf. */
int cc_rfc3339_format(int64_t unix_s, int32_t offset_s, char *buf, size_t size);

/* A scenario time: "+DURATION" relative to start, or an RFC 3339 absolute time. On success
 * *rel_s is the offset from start_unix. Times before the start ("-2h", or an absolute time
 * before start_unix) and absolute times more than CC_DURATION_MAX_S after it are
 * CC_ERR_RANGE; malformed text is CC_ERR_PARSE (columns count the '+'). */
cc_err cc_time_parse_scenario(const char *s, size_t len, int64_t start_unix, int64_t *rel_s,
                              cc_time_error *err);

/* Relative times as exercise planners write them. Either an offset from the start, or a wall
 * clock time on a day of the exercise (which only the exercise's zone turns into an offset). */
typedef struct cc_reltime {
    bool day_clock;   /* true: clock_s on day `day`; false: offset_s after the start */
    int64_t offset_s; /* seconds after the start */
    int64_t day;      /* 0 = the start's date (Day 1, D+0) */
    int64_t clock_s;  /* seconds after midnight, 0..86400 */
} cc_reltime;

/* Reads (letters in any case, spaces around the parts optional):
 *   "+2h30m", "T+2h30m"            an offset written as a duration;
 *   "+2:30", "+02:30:00"           hours:minutes[:seconds] after the start;
 *   "+1d02:30", "+1d 02:30:00"     days, then hours:minutes[:seconds];
 *   "D+1 H+3", "D+1, H+3:30", "H+3", "D+2", "D+1 H+3 M+30"   D-day and H-hour counting (D+0 and
 *                                  H+0 are the start);
 *   "Day 2 09:30", "D+1 09:30"     a clock time on a day (Day 1 = D+0 = the start's date);
 *   "Day 2"                        the start's time of day on that day (+1d).
 * CC_ERR_NOTFOUND when s is in none of these forms (the caller tries dates), CC_ERR_PARSE when it
 * starts like one but does not read, CC_ERR_RANGE for a time before the start ("D-1", "Day 0")
 * or beyond CC_DURATION_MAX_S. */
cc_err cc_reltime_parse(const char *s, size_t len, cc_reltime *out, cc_time_error *err);

/* "HH:MM" 00:00..24:00 -> minutes since midnight (two-digit hour, no seconds).
 * Errors: CC_ERR_PARSE. */
cc_err cc_clock_parse(const char *s, size_t len, int *minutes, cc_time_error *err);

/* Civil calendar helpers (proleptic Gregorian, UTC); day 0 is 1970-01-01, m is 1..12. */
int64_t cc_days_from_civil(int64_t y, unsigned m, unsigned d);
void cc_civil_from_days(int64_t days, int64_t *y, unsigned *m, unsigned *d);
/* 0 = Monday .. 6 = Sunday */
int cc_weekday_from_days(int64_t days);

#endif
