/* duty — when a seat is on duty, and how long a task takes in work time: a task's delay accrues
 * only while the seat is on duty (docs/scenario-format.md, "Duty and work time"). A seat keeps
 * office hours (its party's working hours, closed on the party's public holidays), stands a watch
 * around the clock, or is on call (around the clock, but a task that arrives outside office hours
 * waits for the call-out first). Pure functions over a schedule the caller owns; times in Unix
 * milliseconds. */
#ifndef CC_DUTY_H
#define CC_DUTY_H

#include <stddef.h>
#include <stdint.h>

#include "core/zone.h"

typedef enum cc_duty_kind { CC_DUTY_OFFICE, CC_DUTY_WATCH, CC_DUTY_ON_CALL } cc_duty_kind;

typedef struct cc_duty {
    cc_duty_kind kind;
    const cc_zone *zone;      /* office hours are read in it; NULL: never in office hours */
    cc_workhours hours;       /* office hours */
    const int32_t *holidays;  /* local dates (days since 1970-01-01) closed all day, ascending */
    size_t nholidays;
    int64_t callout_ms;       /* on call: the wait before a task that arrives outside office hours */
} cc_duty;

/* Whether t is inside office hours (and not on a holiday). */
int cc_duty_office(const cc_duty *d, int64_t t_ms);
/* Earliest instant >= t at which work can proceed (t itself for a watch or on call); INT64_MAX
 * when the schedule never opens (no working days, or only holidays for 400 days). */
int64_t cc_duty_next_on(const cc_duty *d, int64_t t_ms);
/* When a task of work_ms milliseconds of work that arrives at t is done: work accrues only while
 * on duty (office: inside office hours; watch: always; on call: always, after the call-out when it
 * arrives outside office hours). INT64_MAX when it never is. */
int64_t cc_duty_finish(const cc_duty *d, int64_t t_ms, int64_t work_ms);
/* The time on duty within [a, b) (milliseconds; 0 when b <= a). For on call: b - a. */
int64_t cc_duty_on_between(const cc_duty *d, int64_t a_ms, int64_t b_ms);

#endif
