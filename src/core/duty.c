/* duty — on-duty time and work-time delays over office hours, holidays, watches and on-call
 * schedules (see duty.h). */
#include "core/duty.h"

/* floor(a / b) for b > 0 */
static int64_t fdiv(int64_t a, int64_t b)
{
    return a >= 0 ? a / b : -((-a + b - 1) / b);
}

/* the local date (days since 1970-01-01) of an instant in the schedule's zone */
static int32_t local_day(const cc_duty *d, int64_t s)
{
    return (int32_t)fdiv(s + cc_zone_offset(d->zone, s), 86400);
}

static int holiday(const cc_duty *d, int32_t day)
{
    size_t lo = 0, hi = d->nholidays;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (d->holidays[mid] < day)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < d->nholidays && d->holidays[lo] == day;
}

/* the next local midnight after s, in Unix seconds (the offset in effect then) */
static int64_t next_midnight(const cc_duty *d, int64_t s)
{
    int64_t local = (int64_t)(local_day(d, s) + 1) * 86400;
    int64_t guess = local - cc_zone_offset(d->zone, s);
    return guess > s ? guess : s + 1;
}

int cc_duty_office(const cc_duty *d, int64_t t_ms)
{
    if (!d->zone)
        return 0;
    int64_t s = fdiv(t_ms, 1000);
    return cc_workhours_open(d->zone, &d->hours, s) && !holiday(d, local_day(d, s));
}

/* The earliest instant >= t_ms inside office hours and not on a holiday, in milliseconds. */
static int64_t office_next(const cc_duty *d, int64_t t_ms)
{
    if (!d->zone)
        return INT64_MAX;
    if (cc_duty_office(d, t_ms))
        return t_ms;
    int64_t s = fdiv(t_ms + 999, 1000);
    for (int k = 0; k < 400; k++) {
        int64_t o = cc_workhours_next_open(d->zone, &d->hours, s);
        if (o == INT64_MAX)
            return INT64_MAX;
        if (!holiday(d, local_day(d, o)))
            return o * 1000;
        s = next_midnight(d, o); /* a holiday: try from the next day */
    }
    return INT64_MAX;
}

/* For an instant in office hours: when its stretch ends (the window's end, or the midnight
 * before a holiday), in milliseconds. */
static int64_t office_end(const cc_duty *d, int64_t t_ms)
{
    int64_t s = fdiv(t_ms, 1000);
    int64_t close = cc_workhours_next_close(d->zone, &d->hours, s);
    int64_t mid = next_midnight(d, s);
    if (close > mid && holiday(d, local_day(d, mid)))
        close = mid;
    return close == INT64_MAX ? INT64_MAX : close * 1000;
}

int64_t cc_duty_next_on(const cc_duty *d, int64_t t_ms)
{
    return d->kind == CC_DUTY_OFFICE ? office_next(d, t_ms) : t_ms;
}

int64_t cc_duty_finish(const cc_duty *d, int64_t t_ms, int64_t work_ms)
{
    if (work_ms < 0)
        work_ms = 0;
    if (d->kind == CC_DUTY_WATCH)
        return t_ms + work_ms;
    if (d->kind == CC_DUTY_ON_CALL)
        return t_ms + (cc_duty_office(d, t_ms) ? 0 : d->callout_ms) + work_ms;
    int64_t t = t_ms, left = work_ms;
    /* each pass ends one stretch of office hours (a working day): bounded by ten years of them */
    for (int k = 0; k < 4000; k++) {
        t = office_next(d, t);
        if (t == INT64_MAX)
            return INT64_MAX;
        int64_t end = office_end(d, t);
        if (end == INT64_MAX || end - t >= left)
            return t + left;
        left -= end - t;
        t = end;
    }
    return INT64_MAX;
}

int64_t cc_duty_on_between(const cc_duty *d, int64_t a_ms, int64_t b_ms)
{
    if (b_ms <= a_ms)
        return 0;
    if (d->kind != CC_DUTY_OFFICE)
        return b_ms - a_ms;
    int64_t t = a_ms, on = 0;
    for (int k = 0; k < 4000 && t < b_ms; k++) {
        t = office_next(d, t);
        if (t == INT64_MAX || t >= b_ms)
            break;
        int64_t end = office_end(d, t);
        if (end == INT64_MAX || end >= b_ms)
            return on + (b_ms - t);
        on += end - t;
        t = end;
    }
    return on;
}
