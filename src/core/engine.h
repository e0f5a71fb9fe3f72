/* engine — the deterministic, event-sourced exercise engine. Given a checked scenario, a seed
 * and inputs, it schedules and releases injects, decides delivery to every seat by the label
 * rule, opens decision points and consultation requests, fires triggers and deadlines, and
 * emits every consequence as an event-log record (docs/event-log.md). No I/O, no clock, no
 * global state: time enters only as the scenario time the caller advances to, or as the wall
 * time it passes in for the control clock (core/clock) to map.
 *
 * Two ways to drive it. Scenario-driven (`caucus run` with "t" inputs, `caucus sim`): the caller
 * advances scenario time with cc_engine_run_until and applies inputs at the current time. Wall-
 * driven (opts.live_clock: the live server, `caucus run` with "wall" inputs): the caller passes
 * wall-clock time in with cc_engine_advance_wall and the control clock (core/clock: start, pause,
 * resume, speed, jump, all control inputs logged as events) maps it to scenario time. In both,
 * everything is scheduled in scenario time, so pausing, resuming, changing speed, jumping,
 * holding and releasing never make an inject or a deadline fire twice, early or at the wrong
 * scenario time. */
#ifndef CC_ENGINE_H
#define CC_ENGINE_H

#include <stddef.h>
#include <jansson.h>
#include <stdint.h>

#include "core/diag.h"
#include "core/evtype.h"
#include "core/scenario.h"

#define CC_ENGINE_VERSION "caucus-engine 0.1"

typedef struct cc_engine cc_engine; /* opaque */

typedef struct cc_engine_opts {
    uint64_t seed;
    uint64_t replication;
    int variant;               /* mechanism index for consultations without a fixed one; -1 = default */
    int64_t wall_start_ms;     /* wall clock at scenario time 0 (recorded, never read); 0 = none; with
                                  live_clock, the wall time of run.start */
    int live_clock;            /* 1: wall-driven (cc_engine_advance_wall); run.start records "clock":"wall" */
    int no_log;                /* 1: do not encode records or digests (simulation speed) */
    const char *source;        /* where the scenario was read from, recorded in run.start; may be NULL */
    const uint8_t *auto_seats; /* nseats flags: seats played by their agent policy; NULL = none */
    /* Called for each milestone of an item, also with no_log (simulation metrics): the events
     * inject.release, consult.request, consult.done, consult.failed, decision.open, decision.made
     * and decision.deadline, with the item they concern (kind << 28 | index, see cc_engine_item_*),
     * detail 0 and the scenario time; before each finding with CC_EV_FINDING, the guideline index
     * and detail CC_OBSERVE_MET when it was met; and once more with decision.made and detail
     * CC_OBSERVE_SILENCE right after a decision made by a silence procedure (a stage's or the
     * decision's own silence rule). Not for other events (it is on the simulator's hot path). May
     * be NULL. */
    void (*observe)(void *ctx, cc_evtype type, uint32_t item, unsigned detail, int64_t t_ms);
    /* Also for metrics, with observe_ctx, may be NULL: each delivery of an item to a seat, and
     * each stage that completes (consultation index, stage index in its mechanism). */
    void (*observe_delivery)(void *ctx, uint32_t item, size_t seat, int64_t t_ms);
    /* bit k set: observe_delivery is called only for the deliveries of items of kind k
     * (cc_engine_item_kind); 0: for every delivery */
    unsigned observe_delivery_kinds;
    void (*observe_stage)(void *ctx, size_t consultation, size_t stage, int64_t t_ms);
    void *observe_ctx;
    /* Replay: the log line the record with sequence number seq is expected to be (without its
     * '\n', *len bytes), a line the caller has checked with cc_evlog_check; NULL when there is
     * none. The record is still encoded and hashed in full unless its bytes equal that line's
     * outside the hash member, whose hash is then taken (cc_evlog_encode_seen): the same record
     * either way, one SHA-256 less per event. May be NULL. */
    const char *(*expect)(void *ctx, uint64_t seq, size_t *len);
    void *expect_ctx;
} cc_engine_opts;

/* Receives each encoded record: one canonical JSON line including its final '\n'. The
 * buffer is only valid during the call. Return non-zero to stop the engine (CC_ERR_IO). */
typedef int (*cc_engine_sink)(void *ctx, const char *line, size_t len);

/* Creates an engine for s (which must outlive it and have passed cc_scenario_check).
 * sink may be NULL. Returns CC_ERR_NOMEM or CC_ERR_ARG (bad variant). */
cc_err cc_engine_new(const cc_scenario *s, const cc_engine_opts *opts, cc_engine_sink sink, void *ctx,
                     cc_engine **out);
void cc_engine_free(cc_engine *e);
/* Makes e as cc_engine_new made it, with the same scenario, options, sink and storage, but for
 * replication `replication` and mechanism `variant` (-1: the scenario's default): the next
 * cc_engine_start begins a new run. What was added during play is dropped. Lets a simulation
 * reuse one engine (no allocation per replication); a restarted engine logs exactly what a new
 * one would. CC_ERR_ARG for a bad variant. */
cc_err cc_engine_restart(cc_engine *e, uint64_t replication, int variant);

/* Emits run.start and schedules everything timed. Call once, first. */
cc_err cc_engine_start(cc_engine *e);
/* Processes every scheduled event with scenario time <= until_ms, in (time, schedule order)
 * order, and leaves the clock at until_ms (or at the exercise end, where it emits run.end
 * and stops). Scenario-driven engines only: CC_ERR_ARG with live_clock. */
cc_err cc_engine_run_until(cc_engine *e, int64_t until_ms);
/* Wall-driven engines (live_clock; CC_ERR_ARG otherwise, CC_ERR_RANGE for wall_ms < 0): wall
 * time is now wall_ms. While the control clock runs, processes every event due up to the
 * scenario time the clock gives for wall_ms, each recorded with the wall time at which the
 * clock reached its scenario time; before "start" and while paused nothing is processed.
 * Call it with every tick and before every input (cc_engine_input_at does both). */
cc_err cc_engine_advance_wall(cc_engine *e, int64_t wall_ms);
/* Wall time (ms) at which the next scheduled event falls due if the clock does not change, so
 * a server can sleep until then: INT64_MAX when nothing is scheduled, the clock is stopped or
 * paused, the run has ended, or the engine is not wall-driven. Never late; may be early (an
 * event that turns out to be stale changes nothing). */
int64_t cc_engine_next_due_wall(const cc_engine *e);

/* Wall time at which the control clock reaches scenario_ms if it does not change (the current
 * wall time when already there); INT64_MAX when it is stopped or paused or not wall-driven. */
int64_t cc_engine_wall_at(const cc_engine *e, int64_t scenario_ms);

/* The control clock. */
typedef struct cc_engine_clock {
    int live;                     /* wall-driven engine */
    int started, running;         /* running: started and not paused */
    int32_t speed_num, speed_den; /* scenario ms per wall ms = num / den */
    int64_t scenario_ms;          /* scenario time now (at wall_ms for a running live clock) */
    int64_t next_due_wall_ms;     /* cc_engine_next_due_wall */
} cc_engine_clock;
/* State of the clock at wall time wall_ms (used only while a live clock runs; the engine's own
 * time is unaffected). */
void cc_engine_clock_get(const cc_engine *e, int64_t wall_ms, cc_engine_clock *out);

/* An input from a person or from control, applied at the engine's current time (advance it
 * with cc_engine_run_until or cc_engine_advance_wall first). The input is a JSON object
 * (docs/cli.md, "Inputs"):
 *   {"do": "acknowledge"|"position"|"vote"|"propose"|"object"|"share"|"escalate",
 *    "seat": SEAT, "consultation"|"decision"|"inject": ID, "option": ID, "text": STR,
 *    "to": [SEAT, ...]}                          (a seat's action),
 *   {"do": "message"|"note"|"rate"|"downgrade", ...},
 *   {"do": "release"|"hold", "inject": ID}       (control: release now, or hold),
 *   {"do": "edit", "inject": ID, "title"|"body"|"at": STR}   (control, before release),
 *   {"do": "add", "inject": {id, title, body, label, from, originator, to, channel, class,
 *    at | trigger: {after, delay}, expected_actions, objectives, notes}}   (control), or
 *   {"do": "start"|"pause"|"resume"} | {"do": "speed", "factor": 2 | "0.5" | "1/2"}
 *   | {"do": "jump", "to": "+1h30m" | "+01:30" | RFC 3339}  (control clock; live_clock only).
 * It is logged as an "input" event (so replay can feed it again), followed by its effects, or
 * by "input.refused" with the reason when it cannot be applied now (a seat not a participant of
 * the current stage, not a decider, an inject already released, a clock already paused, a jump
 * backwards, an added inject that fails the scenario rules, ...). Returns CC_ERR_INVALID with
 * why filled for a malformed input (unknown action, seat or item, missing member, a clock
 * control given to a scenario-driven engine); nothing is logged then. */
cc_err cc_engine_input(cc_engine *e, const json_t *input, char *why, size_t whylen);
/* Wall-driven: checks the input, then cc_engine_advance_wall(e, wall_ms), then applies it. */
cc_err cc_engine_input_at(cc_engine *e, int64_t wall_ms, const json_t *input, char *why, size_t whylen);
/* Checks an input against the scenario only (ids, members), as cc_engine_input does first. */
cc_err cc_engine_check_input(const cc_scenario *s, const json_t *input, char *why, size_t whylen);
/* The same, also accepting the nadded inject ids in added (injects that earlier "add" inputs
 * of the same file will add) wherever an inject is named. */
cc_err cc_engine_check_input_added(const cc_scenario *s, const json_t *input, const char *const *added,
                                   size_t nadded, char *why, size_t whylen);
/* 1 when the input is a control-clock action (start, pause, resume, speed, jump). */
int cc_engine_input_is_clock(const json_t *input);

/* What seat may do now, by the same checks its inputs meet (docs/http-api.md, "affordances"): a
 * new array (owned by the caller; NULL when out of memory) of the inputs the engine would apply
 * rather than refuse, each {"do", "consultation" | "decision", "option" (votes)}, for the open
 * consultations (acknowledge, position, object, escalate, remind; request for one it may ask for
 * now) and open decisions (vote per option, propose, object), with "waiting": true on the acts the
 * seat is expected to take (it has not acted in a stage it takes part in; it has not voted on a
 * decision it decides). Injects and messages the seat holds are not listed. */
json_t *cc_engine_affordances(const cc_engine *e, size_t seat);
/* The acts seat may take now on item id (an inject or a message "Mn"), as the engine would accept
 * them (docs/http-api.md, item_acts): a new array of names among "acknowledge", "escalate",
 * "share" (the item forwarded, with "inject" or "message") and "reply" (a message with "reply_to");
 * for an inject, all four while the seat holds it; for a message, share and reply while it holds it;
 * none for an evaluator seat, once the run has stopped, or for an item it does not hold. */
json_t *cc_engine_item_acts(const cc_engine *e, size_t seat, const char *id);
/* Consultations in progress that concern seat but have not reached it yet: it may read them and a
 * later stage names it. A new array of {"consultation", "topic", "stage" (the first such stage),
 * "current" (the current stage)}; NULL when out of memory. */
json_t *cc_engine_upcoming(const cc_engine *e, size_t seat);

/* Emits run.end now (reason "until") unless the run has ended. */
cc_err cc_engine_finish(cc_engine *e);

/* Queries. */
typedef struct cc_engine_stats {
    int64_t now_ms;
    uint64_t events;
    size_t injects_released, deliveries, denials, decisions_opened, decisions_expired,
        consultations_requested, decisions_made, stages_completed, consultations_done, agent_actions,
        messages_lost, findings_met, findings_missed, reminders;
    int ended;
} cc_engine_stats;

void cc_engine_stats_get(const cc_engine *e, cc_engine_stats *out);
/* State digest after the last event (32 bytes; zeros before the first or with no_log). */
const unsigned char *cc_engine_digest(const cc_engine *e);
/* State of a decision point: "pending", "open", "decided", "expired". *outcome (may be NULL)
 * receives the chosen option id once decided, else NULL. NULL for a bad index. */
const char *cc_engine_decision_state(const cc_engine *e, size_t decision, const char **outcome);
/* State of a consultation: "pending", "in progress", "done", "failed". *stage (may be NULL) receives the
 * current stage id while in progress (the stage it failed in once failed), *since_ms the scenario
 * time the stage started. */
const char *cc_engine_consultation_state(const cc_engine *e, size_t consultation, const char **stage,
                                         int64_t *since_ms);
/* The detail observe passes: a finding met; a decision made by a silence procedure. */
#define CC_OBSERVE_MET 1u
#define CC_OBSERVE_SILENCE 2u

/* Decoding of the item codes passed to observe: kind 0 inject, 1 decision, 2 consultation. */
static inline unsigned cc_engine_item_kind(uint32_t item)
{
    return item >> 28;
}
static inline size_t cc_engine_item_index(uint32_t item)
{
    return item & 0x0FFFFFFFu;
}

/* 1 when seat (index) has received inject (index), 0 otherwise. Injects added during play
 * follow the scenario's, in the order they were added. */
int cc_engine_seat_has(const cc_engine *e, size_t seat, size_t inject);
/* 1 when message n (Mn, 1-based) was sent and seat (index) holds it (its sender, or a seat it was
 * delivered or forwarded to), 0 otherwise, a message never sent included. Constant time: the
 * live server answers a denied message and a missing one alike, in time too. */
int cc_engine_message_held(const cc_engine *e, uint64_t n, size_t seat);
/* Number of injects (the scenario's and those added during play); index of an inject id, -1
 * when none; state of inject i: "pending", "held", "released" (NULL for a bad index), with *id
 * (may be NULL) its id and *at_ms (may be NULL) its scheduled scenario time, -1 when it waits
 * for a trigger. */
size_t cc_engine_inject_count(const cc_engine *e);
int cc_engine_inject_index(const cc_engine *e, const char *id);
const char *cc_engine_inject_state(const cc_engine *e, size_t i, const char **id, int64_t *at_ms);
struct cc_labelspec;
struct cc_refs;
/* Inject i as it stands now, control's edits included (NULL for a bad index): its title, its current
 * label (banner and spec; spec may be NULL) and its recipients (a pointer into the engine, valid
 * until the next input or restart). */
const char *cc_engine_inject_now(const cc_engine *e, size_t i, const struct cc_labelspec **label,
                                 const struct cc_refs **to);

#endif
