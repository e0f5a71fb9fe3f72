/* stuck — what each open consultation and decision waits for, for control's console
 * (docs/http-api.md, "stuck"): from control's projection of the consultations and decisions
 * (server/live), the seats that have still to act, since when, and whether a deadline passed. */
#ifndef CC_STUCK_H
#define CC_STUCK_H

#include <jansson.h>
#include <stdint.h>

/* A new array (owned by the caller; NULL when out of memory) of
 * {"kind": "consultation"|"decision", "id", "stage"?, "since_t", "deadline_t", "overdue",
 *  "waiting_for": [seat ids], "waiting_ms"} for every consultation in progress and every open
 * decision (borrowed arrays cons and decs, as /api/state lists them), at scenario time now_t,
 * the longest waiting first. */
json_t *cc_stuck_list(const json_t *cons, const json_t *decs, int64_t now_t);

#endif
