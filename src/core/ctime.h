/* ctime — durations, RFC 3339 timestamps, scenario times and clock-of-day values as plain
 * integers (seconds). Pure: no clock, no locale, no time zone database. */
#ifndef CC_CTIME_H
#define CC_CTIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/diag.h"

#define CC_DURATION_MAX_S (3650LL * 86400LL)

/* Where and why a time value was refused: col is 1-based within the text. */
typedef struct cc_time_error {
    int col;
    char message[160];
    char hint[160];
} cc_time_error;

/* "90s", "45m", "2h30m", "1d2h3m4s": units d,h,m,s in that order, each at most once;
 * at most CC_DURATION_MAX_S. A leading '+' is refused here (see cc_time_parse_scenario). */
cc_err cc_duration_parse(const char *s, size_t len, int64_t *out_s, cc_time_error *err);
/* Canonical text: "0s", "2h30m", "1d2h3m4s". Returns length needed like snprintf. */
int cc_duration_format(int64_t s, char *buf, size_t size);

/* RFC 3339 with a mandatory offset: "2026-03-02T11:30:00+09:00", "...Z", optional fraction
 * (truncated to seconds). Years 1970..9999. Validates calendar (leap years) and ranges.
 * *unix_s is seconds since 1970-01-01T00:00:00Z; *offset_s the written UTC offset. */
cc_err cc_rfc3339_parse(const char *s, size_t len, int64_t *unix_s, int32_t *offset_s, cc_time_error *err);
/* Formats unix_s shown at offset_s: "2026-03-02T11:30:00+09:00" ("Z" when offset 0). */
int cc_rfc3339_format(int64_t unix_s, int32_t offset_s, char *buf, size_t size);

/* A scenario time: "+DURATION" relative to start, or an RFC 3339 absolute time. On success
 * *rel_s is the offset from start_unix (negative absolute times are CC_ERR_RANGE). */
cc_err cc_time_parse_scenario(const char *s, size_t len, int64_t start_unix, int64_t *rel_s,
                              cc_time_error *err);

/* "HH:MM" 00:00..24:00 -> minutes since midnight. */
cc_err cc_clock_parse(const char *s, size_t len, int *minutes, cc_time_error *err);

/* Civil calendar helpers (proleptic Gregorian, UTC). */
int64_t cc_days_from_civil(int64_t y, unsigned m, unsigned d);
void cc_civil_from_days(int64_t days, int64_t *y, unsigned *m, unsigned *d);
/* 0 = Monday .. 6 = Sunday */
int cc_weekday_from_days(int64_t days);

#endif
