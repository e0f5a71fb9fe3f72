/* Tests of core/duty: work-time delays against times worked out by hand (New York office hours
 * Monday to Friday 08:00-18:00): across a night, a weekend, a public holiday and the change to
 * daylight saving time; a watch, on call with a call-out, time on duty between two instants. */
#include <criterion/criterion.h>

#include "core/duty.h"
#include "io/tzdb.h"

#define H (3600 * 1000LL)

static cc_zone *ny;

static void open_ny(void)
{
    const char *why = NULL;
    cr_assert_eq(cc_tzdb_load(NULL, "America/New_York", &ny, &why), CC_OK, "%s", why ? why : "");
}

static void close_ny(void)
{
    cc_zone_free(ny);
}

TestSuite(duty, .init = open_ny, .fini = close_ny);

static cc_duty office(const int32_t *holidays, size_t n)
{
    return (cc_duty){CC_DUTY_OFFICE, ny, {0x1F, 8 * 60, 18 * 60}, holidays, n, 0};
}

#define T(unix_s) ((int64_t)(unix_s) * 1000)

Test(duty, a_task_requested_at_night_waits_for_the_office_then_takes_its_hours)
{
    cc_duty d = office(NULL, 0);
    /* Tue 2026-02-10 02:00 EST, 3 h of work: 08:00 to 11:00, not 08:00 (the old calendar delay) */
    cr_expect_eq(cc_duty_finish(&d, T(1770706800), 3 * H), T(1770739200));
    /* Tue 17:00, 3 h: one hour on Tuesday, two on Wednesday: Wed 10:00 */
    cr_expect_eq(cc_duty_finish(&d, T(1770760800), 3 * H), T(1770822000));
    cr_expect_eq(cc_duty_next_on(&d, T(1770706800)), T(1770706800) + 6 * H);
    cr_expect(!cc_duty_office(&d, T(1770706800)) && cc_duty_office(&d, T(1770739200)));
}

Test(duty, a_weekend_and_a_holiday_are_not_worked)
{
    cc_duty d = office(NULL, 0);
    /* Fri 2026-02-13 16:00, 5 h: two on Friday, three on Monday: Mon 11:00 */
    cr_expect_eq(cc_duty_finish(&d, T(1771016400), 5 * H), T(1771257600));
    const int32_t presidents_day[] = {20500}; /* Mon 2026-02-16 */
    cc_duty h = office(presidents_day, 1);
    cr_expect_eq(cc_duty_finish(&h, T(1771016400), 5 * H), T(1771344000), "Tue 11:00");
    cr_expect(!cc_duty_office(&h, T(1771257600)), "closed on the holiday");
    /* on duty from Fri 16:00 to Mon 11:00: 2 h + 3 h; with the holiday only Friday's 2 h */
    cr_expect_eq(cc_duty_on_between(&d, T(1771016400), T(1771257600)), 5 * H);
    cr_expect_eq(cc_duty_on_between(&h, T(1771016400), T(1771257600)), 2 * H);
    cr_expect_eq(cc_duty_on_between(&h, T(1771257600), T(1771016400)), 0);
}

Test(duty, daylight_saving_time_changes_the_hours_not_the_work)
{
    cc_duty d = office(NULL, 0);
    /* Fri 2026-03-06 17:00 EST, 2 h: one hour Friday, one from Mon 08:00 EDT: 09:00 EDT (13:00 UTC) */
    cr_expect_eq(cc_duty_finish(&d, T(1772834400), 2 * H), T(1773061200));
    /* an office open around the clock: 4 h of work from Sat 23:00 EST across the night the clocks
     * go forward end at 08:00 UTC (04:00 EDT): real hours are worked, not wall-clock ones */
    cc_duty all = {CC_DUTY_OFFICE, ny, {0x7F, 0, 24 * 60}, NULL, 0, 0};
    cr_expect_eq(cc_duty_finish(&all, T(1772942400), 4 * H), T(1772956800));
    cr_expect_eq(cc_duty_on_between(&all, T(1772942400), T(1772956800)), 4 * H);
}

Test(duty, a_watch_and_on_call)
{
    cc_duty w = {CC_DUTY_WATCH, ny, {0x1F, 8 * 60, 18 * 60}, NULL, 0, 0};
    cr_expect_eq(cc_duty_finish(&w, T(1770706800), 3 * H), T(1770706800) + 3 * H);
    cc_duty c = {CC_DUTY_ON_CALL, ny, {0x1F, 8 * 60, 18 * 60}, NULL, 0, 45 * 60 * 1000LL};
    /* Tue 02:00, 1 h: called out (45 min), then the hour: 03:45 */
    cr_expect_eq(cc_duty_finish(&c, T(1770706800), 1 * H), T(1770713100));
    /* in office hours no call-out: Tue 11:00 + 1 h */
    cr_expect_eq(cc_duty_finish(&c, T(1770739200), 1 * H), T(1770739200) + H);
    cr_expect_eq(cc_duty_on_between(&c, T(1770706800), T(1770739200)), 9 * H);
    cr_expect_eq(cc_duty_next_on(&c, T(1770706800)), T(1770706800));
}

Test(duty, a_schedule_that_never_opens)
{
    cc_duty none = {CC_DUTY_OFFICE, ny, {0, 8 * 60, 18 * 60}, NULL, 0, 0};
    cr_expect_eq(cc_duty_finish(&none, T(1770706800), H), INT64_MAX);
    cr_expect_eq(cc_duty_next_on(&none, T(1770706800)), INT64_MAX);
    cr_expect_eq(cc_duty_on_between(&none, T(1770706800), T(1770739200)), 0);
    cc_duty nozone = {CC_DUTY_OFFICE, NULL, {0x1F, 8 * 60, 18 * 60}, NULL, 0, 0};
    cr_expect_eq(cc_duty_finish(&nozone, T(1770706800), H), INT64_MAX);
}
