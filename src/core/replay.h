/* replay — the inverse of cc_engine_start: the engine options a log's run.start pins (seed,
 * replication, variant, clock, the scenario's source, the seats its agents played), and the logged
 * inputs fed back at their times, so that an engine on the same scenario regenerates the log
 * event for event. `caucus replay` (and its forks) and the live server resuming an exercise from
 * its store (`caucus serve --exercise`) drive their engines through it. Pure: no I/O. */
#ifndef CC_REPLAY_H
#define CC_REPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/diag.h"
#include "core/engine.h"
#include "core/evlog.h"
#include "core/scenario.h"

typedef struct cc_replay {
    cc_engine_opts opts; /* for cc_engine_new; opts.source borrows from run.start's payload, and
                            opts.auto_seats is auto_seats below */
    uint8_t *auto_seats; /* owned: nseats flags, the seats run.start's "auto" lists */
} cc_replay;

/* The options of scenario s's engine that regenerates the log whose first event is run_start (a
 * decoded run.start of s, which must outlive opts.source's use): its seed, replication, variant
 * (-1 when it names no mechanism of s), wall time, clock ("wall": wall-driven) and automated
 * seats. Errors, with why filled: CC_ERR_INVALID ("the first event is TYPE, not run.start",
 * "run.start has no valid seed", "unknown clock 'C' in run.start"), CC_ERR_NOMEM. Free with
 * cc_replay_clear, also after an error. */
cc_err cc_replay_of(const cc_scenario *s, const cc_evrec *run_start, cc_replay *out, char *why,
                    size_t whylen);
void cc_replay_clear(cc_replay *r);

/* The endorsed guidelines note run_start pins (none: nothing to do), checked against s as when
 * the run started (core/guidelines.h: the guidelines' text, every signature, every endorser) and
 * pinned in s again, so that the engine's run.start carries it. Errors, with why filled:
 * CC_ERR_INVALID ("the endorsed guidelines it pins do not check: ...", "the guidelines it pins
 * lack N endorser(s)"), CC_ERR_NOMEM. */
cc_err cc_replay_pin(cc_scenario *s, const cc_evrec *run_start, char *why, size_t whylen);

/* Feeds a logged input event back to e at its time: at its wall time through the control clock
 * for a wall-driven run (cc_engine_input_at), else after running e to its scenario time. Returns
 * what the engine returns (CC_ERR_INVALID with why when the input does not apply). */
cc_err cc_replay_input(cc_engine *e, const cc_replay *r, const cc_evrec *input, char *why, size_t whylen);

/* Brings e to the log's last event (its wall time, or its scenario time) and, when that event is
 * run.end, ends the run there (cc_engine_finish, which does nothing when the run ended by itself). */
cc_err cc_replay_end(cc_engine *e, const cc_replay *r, const cc_evrec *last);

#endif
