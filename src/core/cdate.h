/* cdate — calendar dates as planners write them (docs/cli.md, "caucus plan"): ISO 8601
 * (YYYY-MM-DD, also without leading zeros or with '/' or '.'), a month by name ("1 June 2026",
 * "June 1, 2026", "1-Jun-2026"), and day/month/year with '/', '.' or '-' when only one reading is
 * a date or both readings are the same day; a form whose day and month could be swapped
 * ("01/06/2026") is refused with both readings as the hint. Pure: no I/O, no locale. */
#ifndef CC_CDATE_H
#define CC_CDATE_H

#include <stddef.h>

#include "core/diag.h"

/* Reads text into iso (YYYY-MM-DD and a NUL). CC_ERR_PARSE with why (the message) and hint (what to
 * write instead, "" when none) filled otherwise. Years 1900..9999; the day must exist in its month
 * (leap years counted). */
cc_err cc_date_parse(const char *text, char iso[11], char *why, size_t whylen, char *hint, size_t hintlen);

/* Whether a date (YYYY-MM-DD) is before another (YYYY-MM-DD), comparing as text. */
int cc_date_before(const char *a, const char *b);

#endif
