/* clock — piecewise-linear wall-to-scenario mapping, re-anchored at every change. */
#include "core/clock.h"

void cc_clock_init(cc_clock *c)
{
    *c = (cc_clock){.speed_num = 1, .speed_den = 1};
}

int64_t cc_clock_now(const cc_clock *c, int64_t wall_ms)
{
    if (!c->running || wall_ms <= c->anchor_wall_ms)
        return c->anchor_scn_ms;
    int64_t dw = wall_ms - c->anchor_wall_ms;
    /* floor(dw * num / den) exactly and without overflow: the quotient part is at most
     * CC_CLOCK_MAX_SPEED * dw, the remainder part below num * den < 2^62 */
    if (dw > (INT64_MAX / 4) / CC_CLOCK_MAX_SPEED)
        dw = (INT64_MAX / 4) / CC_CLOCK_MAX_SPEED;
    int64_t num = c->speed_num, den = c->speed_den;
    return c->anchor_scn_ms + dw / den * num + dw % den * num / den;
}

/* Re-anchors at wall time w (keeping scenario time continuous). */
static void anchor(cc_clock *c, int64_t wall_ms)
{
    int64_t scn = cc_clock_now(c, wall_ms);
    if (wall_ms > c->anchor_wall_ms)
        c->anchor_wall_ms = wall_ms;
    c->anchor_scn_ms = scn;
}

cc_err cc_clock_start(cc_clock *c, int64_t wall_ms)
{
    if (c->started)
        return CC_ERR_ARG;
    c->started = c->running = true;
    c->anchor_wall_ms = wall_ms;
    return CC_OK;
}

cc_err cc_clock_pause(cc_clock *c, int64_t wall_ms)
{
    if (!c->running)
        return CC_ERR_ARG;
    anchor(c, wall_ms);
    c->running = false;
    return CC_OK;
}

cc_err cc_clock_resume(cc_clock *c, int64_t wall_ms)
{
    if (!c->started || c->running)
        return CC_ERR_ARG;
    c->running = true;
    if (wall_ms > c->anchor_wall_ms)
        c->anchor_wall_ms = wall_ms;
    return CC_OK;
}

cc_err cc_clock_speed(cc_clock *c, int64_t wall_ms, int32_t num, int32_t den)
{
    if (num <= 0 || den <= 0 || (int64_t)num * 100 < den || num > (int64_t)CC_CLOCK_MAX_SPEED * den)
        return CC_ERR_RANGE;
    anchor(c, wall_ms);
    c->speed_num = num;
    c->speed_den = den;
    return CC_OK;
}

cc_err cc_clock_jump(cc_clock *c, int64_t wall_ms, int64_t scn_ms)
{
    if (scn_ms < cc_clock_now(c, wall_ms))
        return CC_ERR_RANGE; /* and the clock is unchanged */
    anchor(c, wall_ms);
    c->anchor_scn_ms = scn_ms;
    return CC_OK;
}

int64_t cc_clock_wall_at(const cc_clock *c, int64_t scn_ms)
{
    if (scn_ms <= c->anchor_scn_ms)
        return c->anchor_wall_ms;
    if (!c->running)
        return INT64_MAX;
    int64_t ds = scn_ms - c->anchor_scn_ms;
    /* smallest dw with floor(dw * num / den) >= ds, i.e. ceil(ds * den / num), split as in
     * cc_clock_now so that it cannot overflow */
    int64_t num = c->speed_num, den = c->speed_den;
    if (ds > INT64_MAX / 4 / 100)
        return INT64_MAX;
    int64_t dw = ds / num * den + (ds % num * den + num - 1) / num;
    return c->anchor_wall_ms > INT64_MAX - dw ? INT64_MAX : c->anchor_wall_ms + dw;
}
