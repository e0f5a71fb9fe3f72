/* engine — the deterministic, event-sourced exercise engine. Given a checked scenario, a seed
 * and inputs, it schedules and releases injects, decides delivery to every seat by the label
 * rule, opens decision points and consultation requests, fires triggers and deadlines, and
 * emits every consequence as an event-log record (docs/event-log.md). No I/O, no clock, no
 * global state: time enters only as the scenario time the caller advances to.
 *
 * Status (issue 3, in progress): injects (times, every trigger kind, delays), delivery/denial
 * per seat, decision points (votes, proposals, objections, the four decision rules, deadlines),
 * consultations through the stages of their mechanism (modes all/any/sequential, deadlines,
 * escalation), and agent seats acting on their policies with per-seat random streams.
 * Control inputs and human actions from an inputs file come next. */
#ifndef CC_ENGINE_H
#define CC_ENGINE_H

#include <stddef.h>
#include <jansson.h>
#include <stdint.h>

#include "core/diag.h"
#include "core/scenario.h"

#define CC_ENGINE_VERSION "caucus-engine 0.1"

typedef struct cc_engine cc_engine; /* opaque */

typedef struct cc_engine_opts {
    uint64_t seed;
    uint64_t replication;
    int variant;               /* mechanism index for consultations without a fixed one; -1 = default */
    int64_t wall_start_ms;     /* wall clock at scenario time 0 (recorded, never read); 0 = none */
    int no_log;                /* 1: do not encode records or digests (simulation speed) */
    const char *source;        /* where the scenario was read from, recorded in run.start; may be NULL */
    const uint8_t *auto_seats; /* nseats flags: seats played by their agent policy; NULL = none */
    /* Called for every event, also with no_log (simulation metrics): its type, the item it
     * concerns (kind << 28 | index, see cc_engine_item_*), the scenario time; and before each
     * finding with type "finding.met" or "finding.missed" and the guideline index. May be NULL. */
    void (*observe)(void *ctx, const char *type, uint32_t item, int64_t t_ms);
    /* Also for metrics, with observe_ctx, may be NULL: each delivery of an item to a seat, and
     * each stage that completes (consultation index, stage index in its mechanism). */
    void (*observe_delivery)(void *ctx, uint32_t item, size_t seat, int64_t t_ms);
    void (*observe_stage)(void *ctx, size_t consultation, size_t stage, int64_t t_ms);
    void *observe_ctx;
} cc_engine_opts;

/* Receives each encoded record: one canonical JSON line including its final '\n'. The
 * buffer is only valid during the call. Return non-zero to stop the engine (CC_ERR_IO). */
typedef int (*cc_engine_sink)(void *ctx, const char *line, size_t len);

/* Creates an engine for s (which must outlive it and have passed cc_scenario_check).
 * sink may be NULL. Returns CC_ERR_NOMEM or CC_ERR_ARG (bad variant). */
cc_err cc_engine_new(const cc_scenario *s, const cc_engine_opts *opts, cc_engine_sink sink, void *ctx,
                     cc_engine **out);
void cc_engine_free(cc_engine *e);

/* Emits run.start and schedules everything timed. Call once, first. */
cc_err cc_engine_start(cc_engine *e);
/* Processes every scheduled event with scenario time <= until_ms, in (time, schedule order)
 * order, and leaves the clock at until_ms (or at the exercise end, where it emits run.end
 * and stops). */
cc_err cc_engine_run_until(cc_engine *e, int64_t until_ms);
/* An input from a person or from control, applied at the engine's current time (advance it
 * with cc_engine_run_until first). The input is a JSON object (docs/cli.md, "Inputs"):
 *   {"do": "acknowledge"|"position"|"vote"|"propose"|"object"|"share"|"escalate",
 *    "seat": SEAT, "consultation"|"decision"|"inject": ID, "option": ID, "text": STR,
 *    "to": [SEAT, ...]}                         (a seat's action), or
 *   {"do": "release"|"hold", "inject": ID}      (control).
 * It is logged as an "input" event (so replay can feed it again), followed by its effects, or
 * by "input.refused" with the reason when the seat may not act so (not a participant of the
 * current stage, not a decider, does not hold the inject it forwards, ...). Returns
 * CC_ERR_INVALID with why filled for a malformed input (unknown action, seat or item, missing
 * member); nothing is logged then. */
cc_err cc_engine_input(cc_engine *e, const json_t *input, char *why, size_t whylen);
/* Checks an input against the scenario only (ids, members), as cc_engine_input does first. */
cc_err cc_engine_check_input(const cc_scenario *s, const json_t *input, char *why, size_t whylen);

/* Emits run.end now (reason "until") unless the run has ended. */
cc_err cc_engine_finish(cc_engine *e);

/* Queries. */
typedef struct cc_engine_stats {
    int64_t now_ms;
    uint64_t events;
    size_t injects_released, deliveries, denials, decisions_opened, decisions_expired,
        consultations_requested, decisions_made, stages_completed, consultations_done, agent_actions,
        messages_lost, findings_met, findings_missed;
    int ended;
} cc_engine_stats;

void cc_engine_stats_get(const cc_engine *e, cc_engine_stats *out);
/* State digest after the last event (32 bytes; zeros before the first or with no_log). */
const unsigned char *cc_engine_digest(const cc_engine *e);
/* State of a decision point: "pending", "open", "decided", "expired". *outcome (may be NULL)
 * receives the chosen option id once decided, else NULL. NULL for a bad index. */
const char *cc_engine_decision_state(const cc_engine *e, size_t decision, const char **outcome);
/* State of a consultation: "pending", "in progress", "done". *stage (may be NULL) receives the
 * current stage id while in progress, *since_ms the scenario time the stage started. */
const char *cc_engine_consultation_state(const cc_engine *e, size_t consultation, const char **stage,
                                         int64_t *since_ms);
/* Decoding of the item codes passed to observe: kind 0 inject, 1 decision, 2 consultation. */
static inline unsigned cc_engine_item_kind(uint32_t item)
{
    return item >> 28;
}
static inline size_t cc_engine_item_index(uint32_t item)
{
    return item & 0x0FFFFFFFu;
}

/* 1 when seat (index) has received inject (index), 0 otherwise. */
int cc_engine_seat_has(const cc_engine *e, size_t seat, size_t inject);

#endif
