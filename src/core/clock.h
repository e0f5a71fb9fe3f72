/* clock — the exercise clock that maps wall time to scenario time for a live exercise:
 * start, pause, resume, speed factor and jump. Pure arithmetic on times the caller passes in
 * (the library never reads a clock). Scenario time never runs backwards: a jump may only go
 * forward, and everything scheduled in between still fires, in order, when the engine is
 * advanced to the new time (so pause/resume and jumps never make an inject misfire). */
#ifndef CC_CLOCK_H
#define CC_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

#include "core/diag.h"

#define CC_CLOCK_MAX_SPEED 1000 /* scenario seconds per wall second, at most */

typedef struct cc_clock {
    bool started, running;
    int64_t anchor_wall_ms;       /* wall time at the last change */
    int64_t anchor_scn_ms;        /* scenario time at the last change */
    int32_t speed_num, speed_den; /* scenario ms per wall ms = num / den */
} cc_clock;

/* A stopped clock at scenario time 0, speed 1. */
void cc_clock_init(cc_clock *c);
/* Scenario time at wall time w (never less than at the last change; w before the last change
 * counts as the last change, so a wall clock stepping backwards cannot rewind the exercise). */
int64_t cc_clock_now(const cc_clock *c, int64_t wall_ms);

/* Each returns CC_OK, or CC_ERR_ARG when not allowed in the current state (start twice, pause
 * when paused, resume when running, ...), or CC_ERR_RANGE for a bad speed or a backwards jump. */
cc_err cc_clock_start(cc_clock *c, int64_t wall_ms);
cc_err cc_clock_pause(cc_clock *c, int64_t wall_ms);
cc_err cc_clock_resume(cc_clock *c, int64_t wall_ms);
/* Speed as scenario ms per wall ms, the fraction num/den (60/1: an hour of scenario per wall
 * minute; 1/2: half speed), 1/100 <= num/den <= CC_CLOCK_MAX_SPEED. */
cc_err cc_clock_speed(cc_clock *c, int64_t wall_ms, int32_t num, int32_t den);
/* Sets scenario time to scn_ms (>= the current scenario time; CC_ERR_RANGE leaves the clock as it was). */
cc_err cc_clock_jump(cc_clock *c, int64_t wall_ms, int64_t scn_ms);
/* Wall time at which scenario time reaches scn_ms if nothing changes; INT64_MAX when paused. */
int64_t cc_clock_wall_at(const cc_clock *c, int64_t scn_ms);

#endif
