/* Tests of core/clock: start, pause, resume, speed, jump, and clock steps backwards. */
#include <criterion/criterion.h>
#include <string.h>

#include "core/clock.h"

Test(clock, runs_pauses_and_resumes)
{
    cc_clock c;
    cc_clock_init(&c);
    cr_expect_eq(cc_clock_now(&c, 5000), 0, "a stopped clock stays at 0");
    cr_expect_eq(cc_clock_pause(&c, 0), CC_ERR_ARG);
    cr_expect_eq(cc_clock_resume(&c, 0), CC_ERR_ARG, "resume before start");
    cr_assert_eq(cc_clock_start(&c, 1000), CC_OK);
    cr_expect_eq(cc_clock_start(&c, 1000), CC_ERR_ARG, "start twice");
    cr_expect_eq(cc_clock_now(&c, 61000), 60000);
    cr_assert_eq(cc_clock_pause(&c, 61000), CC_OK);
    cr_expect_eq(cc_clock_now(&c, 999999), 60000, "paused: time stands still");
    cr_expect_eq(cc_clock_wall_at(&c, 70000), INT64_MAX);
    cr_expect_eq(cc_clock_pause(&c, 70000), CC_ERR_ARG, "pause twice");
    cr_assert_eq(cc_clock_resume(&c, 500000), CC_OK);
    cr_expect_eq(cc_clock_resume(&c, 500000), CC_ERR_ARG, "resume twice");
    cr_expect_eq(cc_clock_now(&c, 510000), 70000, "no time passed while paused");
    cr_expect_eq(cc_clock_wall_at(&c, 70000), 510000, "an inject due at 70 s fires at wall 510 s");
}

Test(clock, speed_and_jump)
{
    cc_clock c;
    cc_clock_init(&c);
    cc_clock_start(&c, 0);
    cr_assert_eq(cc_clock_speed(&c, 10000, 60, 1), CC_OK); /* an hour of scenario per wall minute */
    cr_expect_eq(cc_clock_now(&c, 10000), 10000, "speed changes keep time continuous");
    cr_expect_eq(cc_clock_now(&c, 70000), 10000 + 60 * 60000);
    cr_expect_eq(cc_clock_wall_at(&c, 10000 + 3600000), 70000);
    cr_expect_eq(cc_clock_speed(&c, 0, 0, 1), CC_ERR_RANGE);
    cr_expect_eq(cc_clock_speed(&c, 0, 1, 1000), CC_ERR_RANGE);
    cr_expect_eq(cc_clock_speed(&c, 0, 2000, 1), CC_ERR_RANGE);
    cr_assert_eq(cc_clock_speed(&c, 70000, 1, 2), CC_OK);
    cr_expect_eq(cc_clock_now(&c, 80000), 10000 + 3600000 + 5000);
    cr_assert_eq(cc_clock_jump(&c, 80000, 8 * 3600000), CC_OK);
    cr_expect_eq(cc_clock_now(&c, 80000), 8 * 3600000);
    cr_expect_eq(cc_clock_now(&c, 82000), 8 * 3600000 + 1000);
    cr_expect_eq(cc_clock_jump(&c, 82000, 1000), CC_ERR_RANGE, "no jumps backwards");
}

Test(clock, wall_clock_stepping_back_does_not_rewind)
{
    cc_clock c;
    cc_clock_init(&c);
    cc_clock_start(&c, 100000);
    cr_expect_eq(cc_clock_now(&c, 160000), 60000);
    cr_expect_eq(cc_clock_pause(&c, 160000), CC_OK);
    cr_expect_eq(cc_clock_resume(&c, 150000), CC_OK, "host clock stepped back 10 s");
    cr_expect_eq(cc_clock_now(&c, 150000), 60000);
    cr_expect_eq(cc_clock_now(&c, 170000), 70000);
    cr_expect_eq(cc_clock_now(&c, 90000), 60000, "earlier wall times never give earlier scenario times");
}

Test(clock, a_refused_jump_leaves_the_clock_unchanged)
{
    cc_clock c;
    cc_clock_init(&c);
    cc_clock_start(&c, 0);
    cc_clock_speed(&c, 0, 2, 1);
    cc_clock before = c;
    cr_expect_eq(cc_clock_jump(&c, 10000, 5000), CC_ERR_RANGE, "20 s of scenario time have passed");
    cr_expect_eq(memcmp(&before, &c, sizeof c), 0, "no re-anchoring on a refused jump");
    cr_expect_eq(cc_clock_now(&c, 10000), 20000);
}

/* wall_at is the exact inverse of now: now(wall_at(t)) >= t and now(wall_at(t) - 1) < t, for any
 * speed, including the extremes, and far from the anchor (no overflow). */
Test(clock, wall_at_inverts_now_at_every_speed)
{
    static const int32_t speeds[][2] = {{1, 1},   {2, 1},    {1, 2},           {1, 3},       {7, 3},
                                        {1, 100}, {1000, 1}, {9999999, 10000}, {3, 9999999}, {999, 1000}};
    uint64_t x = 88172645463325252ULL;
    for (size_t k = 0; k < sizeof speeds / sizeof speeds[0]; k++) {
        cc_clock c;
        cc_clock_init(&c);
        cc_clock_start(&c, 1772442000000LL);
        int32_t num = speeds[k][0], den = speeds[k][1];
        if ((int64_t)num * 100 < den || num > (int64_t)CC_CLOCK_MAX_SPEED * den)
            continue;
        cr_assert_eq(cc_clock_speed(&c, 1772442000000LL + 777, num, den), CC_OK, "%d/%d", num, den);
        for (int i = 0; i < 20000; i++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            int64_t t = cc_clock_now(&c, 1772442000777LL) +
                        (int64_t)(x % (i < 10000 ? 100000000ULL : 3000000000000ULL));
            int64_t w = cc_clock_wall_at(&c, t);
            cr_assert_geq(cc_clock_now(&c, w), t, "%d/%d t %lld", num, den, (long long)t);
            cr_assert_lt(cc_clock_now(&c, w - 1), t, "%d/%d t %lld: wall_at is not the first instant", num,
                         den, (long long)t);
        }
    }
}
