/* zone — time zone rules (UTC offset at an instant) built from TZif bytes (RFC 8536,
 * versions 1-4, including the POSIX TZ footer string for instants past the table), and
 * working hours in a zone. Pure: the bytes come from io/tzdb. */
#ifndef CC_ZONE_H
#define CC_ZONE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/diag.h"

typedef struct cc_zone cc_zone; /* opaque, immutable once built, shareable across threads */

/* Parses TZif data. name is copied (for messages). On error returns CC_ERR_PARSE (or
 * CC_ERR_NOMEM, or CC_ERR_ARG when out is NULL), leaves *out NULL and sets *why (why may be
 * NULL) to a static message. Leap-second records (right/ zones) are applied to the
 * transition times. An empty footer keeps the last transition's type in effect; a footer
 * with DST but no dates uses the US rule M3.2.0,M11.1.0 as tzcode does. The caller frees
 * the zone with cc_zone_free. */
cc_err cc_zone_from_tzif(const char *name, const unsigned char *data, size_t len, cc_zone **out,
                         const char **why);
/* The UTC zone, named "UTC", without any file. */
cc_err cc_zone_utc(cc_zone **out);
void cc_zone_free(cc_zone *z);
const char *cc_zone_name(const cc_zone *z);

/* UTC offset in seconds in effect at unix_s (local = utc + offset). */
int32_t cc_zone_offset(const cc_zone *z, int64_t unix_s);

/* Working hours: weekdays bitmask (bit 0 = Monday .. bit 6 = Sunday) and a daily window
 * [start_min, end_min) in local minutes, 0 <= start_min < end_min <= 1440. */
typedef struct cc_workhours {
    uint8_t days;
    int16_t start_min;
    int16_t end_min;
} cc_workhours;

/* true when unix_s falls inside working hours in zone z. An invalid w (no days, or a window
 * outside the rule above) is never open; so is any instant beyond +-2^60 s. */
bool cc_workhours_open(const cc_zone *z, const cc_workhours *w, int64_t unix_s);
/* Earliest instant >= unix_s inside working hours (unix_s itself when open). Returns
 * INT64_MAX when w has no days or is invalid. Handles DST transitions (a window start
 * skipped by a transition opens at the first valid instant after it; a window hour repeated
 * by a fall-back opens at its first occurrence). Bounded work: at most 512 constant-offset
 * stretches within 22 days are examined (INT64_MAX if none opens, which only a hostile
 * zone with hundreds of transitions in that span can cause). */
int64_t cc_workhours_next_open(const cc_zone *z, const cc_workhours *w, int64_t unix_s);
/* For an instant inside working hours, the first instant after it outside them (the end of its
 * window: a window ending at 24:00 ends at local midnight even when the next day's window starts
 * there); unix_s itself when it is not open. INT64_MAX only for a hostile zone (see above). */
int64_t cc_workhours_next_close(const cc_zone *z, const cc_workhours *w, int64_t unix_s);

#endif
