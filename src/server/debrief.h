/* debrief — the hotwash after an exercise (docs/ui.md, "Debrief"; docs/http-api.md, /api/debrief):
 * the exercise as any viewer saw it right after any event, and the events a viewer saw, for the
 * control cell's debrief page. Both come from server/live's own code (a debrief copy of the
 * exercise rebuilt from the store, core/view for who sees what): there is no second filter here.
 * Pure request logic: the HTTP front (server/http) checks the session and sends the answer. */
#ifndef CC_DEBRIEF_H
#define CC_DEBRIEF_H

#include <jansson.h>
#include <stddef.h>

#include "core/diag.h"
#include "server/live.h"
#include "store/store.h"

/* An answer: an HTTP status, and either json (owned) or an error code and message. */
typedef struct cc_debrief_reply {
    unsigned status;
    json_t *json;
    const char *code; /* "bad-request", "not-ended", "internal" when json is NULL */
    char message[300];
} cc_debrief_reply;

/* GET /api/debrief?at=K&seat=S: the state viewer S (a seat id, or "control" or absent: control)
 * would have been given by /api/state right after event K, with event K itself when S sees it.
 * at and seat are the query's texts (may be NULL). Only once the exercise has ended (409
 * not-ended before). 400: at is not an event number of the log, or S names no seat. */
void cc_debrief_state(cc_store *st, cc_live *live, const char *at, const char *seat, cc_debrief_reply *out);

/* GET /api/debrief/events?seat=S: the events of the ended exercise viewer S saw, each
 * {"seq","t","type","actor","label"}, and how many events the log has. */
void cc_debrief_events(cc_live *live, const char *seat, cc_debrief_reply *out);

/* POST /api/debrief/fork {"at": K, "auto": "all" | [seat ids], "inputs": [...]} ("auto" absent:
 * "all"): "fork from here" (core/fork) run headless on the ended exercise's stored log, every seat
 * named handed to its agent policy at event K, then the inputs (at most 256, each with its "wall"
 * time, in time order, at or after event K's); the store is only read and the fork kept nowhere. The answer:
 * its origin (at, event_hash, merkle_root, fork_t), its counts (events, decisions_made, decisions_expired,
 * consultations_done, findings_met, findings_missed, agent_actions) and each decision and
 * consultation's end state (an outcome, a question or a topic only when control may read the item's
 * label, as control's live state). 400: a bad body (which member and why), K not an event before
 * the log's run.end, a seat unknown or without an agent policy, an input before the fork point or
 * not valid ("input N: why"). */
void cc_debrief_fork(cc_store *st, cc_live *live, const char *body, size_t len, cc_debrief_reply *out);

#endif
