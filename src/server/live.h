/* live — one exercise in play: the engine on a wall-driven control clock, the store that makes
 * every event durable before anyone hears of it, and the per-viewer projections the HTTP API
 * serves (state, items, event streams), each filtered by who may see what. Its memory does not
 * grow with the log: it keeps projections and the most recent events, and reads older ones back
 * from the store. Thread-safe: every function takes the exercise's lock. Wall time is always an
 * argument; nothing here reads a clock or draws randomness. */
#ifndef CC_LIVE_H
#define CC_LIVE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/diag.h"
#include "core/note.h"
#include "core/scenario.h"
#include "store/store.h"

typedef struct cc_live cc_live; /* opaque */

/* Who is looking: control, or one seat (index into the scenario's seats). */
typedef struct cc_live_viewer {
    int control;
    int seat; /* -1 for control */
} cc_live_viewer;

/* Called after new events became visible (the lock is not held): wake the event streams. */
typedef void (*cc_live_publish_fn)(void *ctx);

typedef struct cc_live_opts {
    cc_store *store;            /* borrowed; outlives the exercise */
    cc_live_publish_fn publish; /* may be NULL */
    void *publish_ctx;
    /* Signed checkpoints (docs/tamper-evidence.md): with a signer (borrowed), one is written to
     * the store (and as a file into checkpoint_dir when not NULL) every checkpoint_every events
     * (0: 1000), whenever the scenario clock passes the end of a phase, and by
     * cc_live_checkpoint. */
    const cc_note_signer *signer;
    uint64_t checkpoint_every;
    const char *checkpoint_dir;
    /* A witness (c2sp.org/tlog-witness) asked to cosign each checkpoint: its add-checkpoint URL
     * ("http://HOST:PORT/add-checkpoint") and its cosigner key (borrowed). Its cosignature is
     * added to the stored checkpoint; a refusal (a rollback, a split view) is reported through
     * the checkpoint's why and the checkpoint stays without it. NULL: no witness. The request is
     * made with the exercise's lock held, limited to 5 s. */
    const char *witness_url;
    const cc_note_verifier *witness_key;
    /* A new exercise: the endorsed guidelines note it runs under (checked by the caller,
     * core/guidelines.h), pinned in its run.start. NULL: none. A resumed exercise takes the note
     * its run.start pinned. */
    const char *guidelines;
} cc_live_opts;

/* Starts a new exercise from scenario text (checked here): creates it in the store with seed
 * and variant (NULL = the scenario's default), starts the engine at now_wall_ms (clock not yet
 * running: control starts it) and commits run.start. why receives the reason on failure
 * (diagnostics of a bad scenario, a store error). */
cc_err cc_live_create(const cc_live_opts *o, const char *name, const char *text, size_t len,
                      const char *source, uint64_t seed, const char *variant, int64_t now_wall_ms,
                      cc_live **out, char *why, size_t whylen);

/* Reopens exercise id from the store: rebuilds the engine by feeding the logged inputs again
 * and requires every regenerated event to equal the stored one byte for byte. */
cc_err cc_live_resume(const cc_live_opts *o, int64_t id, cc_live **out, char *why, size_t whylen);

/* A debrief copy of exercise id as it stood right after event at (docs/ui.md, "Debrief"): the
 * engine regenerates the stored events 0..at (checked byte for byte, as cc_live_resume does) and
 * the projections take in those events and no later one, so that cc_live_state gives what the live
 * /api/state gave each viewer then. The engine has run the input or clock step that made event at
 * to its end (its affordances, upcoming items and MSEL states are as of that step). The copy takes
 * no inputs, ticks or audit records (CC_ERR_IO) and writes nothing to the store. at beyond the
 * last event: CC_ERR_RANGE, why saying which events there are. */
cc_err cc_live_resume_at(const cc_live_opts *o, int64_t id, uint64_t at, cc_live **out, char *why,
                         size_t whylen);
/* The wall time of the last event taken in (a debrief copy's event: the time its state is read at). */
int64_t cc_live_last_wall(cc_live *lv);
/* The events of the log so far that viewer v may see, in order, each {"seq", "t", "type", "actor",
 * "label"}, decided as cc_live_sse decides (core/view); read back from the store. NULL: the store
 * failed or out of memory. */
json_t *cc_live_timeline(cc_live *lv, cc_live_viewer v);

void cc_live_free(cc_live *lv);

int64_t cc_live_exercise_id(const cc_live *lv);
/* The seed of the exercise's run (the one its run.start records, also after a resume). */
uint64_t cc_live_seed(const cc_live *lv);
const cc_scenario *cc_live_scenario(const cc_live *lv);
/* Seat index of a seat id, -1 when none. */
int cc_live_seat_index(const cc_live *lv, const char *id);
/* Number of committed events (the next seq). */
uint64_t cc_live_events(cc_live *lv);

/* Applies an input for viewer at now_wall_ms. For a seat, "seat" is set from the viewer (a
 * different one is CC_ERR_DENIED) and control-only actions are CC_ERR_DENIED; an input naming an
 * item the seat may not see (existing or not) is CC_ERR_NOTFOUND, why being "not-visible ID"
 * or "not-found ID" (for the audit record; nothing reaches the engine). CC_ERR_INVALID:
 * malformed (why says what). CC_ERR_IO: the store failed; the exercise then refuses further
 * changes. {"do":"end"} (control only, no other member) ends the run: run.end is logged and the
 * log is closed; every input after it is CC_ERR_RANGE. On success [*first, *last] are the seqs of the
 * committed events and refused (may be NULL) receives the engine's reason when it logged input.refused, else
 * "". */
cc_err cc_live_input(cc_live *lv, cc_live_viewer v, const json_t *input, int64_t now_wall_ms, uint64_t *first,
                     uint64_t *last, char *refused, size_t rlen, char *why, size_t whylen);

/* Logs a server audit record (a join, a refused join, a denied read) as an engine input, so it
 * sits in the hash chain with everything else. kind: "session.join", "session.refused",
 * "access.denied"; detail: extra members (may be NULL, borrowed). */
/* CC_ERR_RANGE once the run has ended: run.end stays the last event, and nothing is written. */
cc_err cc_live_audit(cc_live *lv, const char *kind, int seat, json_t *detail, int64_t now_wall_ms);

/* Advances the clock to now_wall_ms, committing what falls due; *next_wall_ms (may be NULL)
 * receives when to tick again at the latest (INT64_MAX: nothing scheduled). */
cc_err cc_live_tick(cc_live *lv, int64_t now_wall_ms, int64_t *next_wall_ms);

/* The viewer's snapshot (docs/http-api.md, GET /api/state): items, notes and findings are the
 * most recent 500, with their totals; the caller owns the result.
 * connected (nseats counts, may be NULL) fills seats[].connected, joined (nseats flags, may be
 * NULL) seats[].code_used, which only control's snapshot has. */
json_t *cc_live_state(cc_live *lv, cc_live_viewer v, int64_t now_wall_ms, const int *connected,
                      const uint8_t *joined);

/* One item the viewer may read (the first it got under that id, however old), or NULL (missing
 * and denied look the same). The caller owns the result. */
json_t *cc_live_item(cc_live *lv, cc_live_viewer v, const char *id);

/* The items the viewer may read whose id, title, body or text contains q (ASCII letters without
 * case), newest first, at most limit of them; *total counts every match. Searched: every inject
 * the viewer holds and its most recent items (messages included; the same window as
 * cc_live_state's list), so the work is bounded and a denied item is never matched. */
json_t *cc_live_search(cc_live *lv, cc_live_viewer v, const char *q, size_t limit, size_t *total);

/* Whether id names an item of the exercise at all (an inject of the scenario or added by
 * control, a message sent so far), whoever may read it. For audit records only: they tell a read
 * denied from a read of nothing, the answers do not. */
int cc_live_item_exists(cc_live *lv, const char *id);

/* Appends Server-Sent Events frames for the events from *next on that viewer may see, at most
 * max_bytes (at least one frame when one is due), and advances *next past what it examined.
 * Recent events come from memory; older ones are read back from the store, up to 8 x max_bytes
 * at a time. Returns the number of frames appended, or SIZE_MAX when the events could not be read
 * (the stream should end). */
size_t cc_live_sse(cc_live *lv, cc_live_viewer v, uint64_t *next, cc_buf *out, size_t max_bytes);

/* Whether v may see an event from `from` on (the frames cc_live_sse would send); *upto receives
 * the number of events examined up to: when none is visible, v sees nothing before *upto. Events
 * older than those held in memory count as visible (only the store could say). */
int cc_live_sees_from(cc_live *lv, cc_live_viewer v, uint64_t from, uint64_t *upto);

/* Signs and stores a checkpoint of the log as it is now (nothing when there is no signer or
 * the last checkpoint already covers every event). */
cc_err cc_live_checkpoint(cc_live *lv, char *why, size_t whylen);

/* Whether control sees one stored log line (len bytes): always with the scenario's
 * exercise.control_bypass, else when a seat of the control cell may read its label (unlabelled
 * events are seen, but for a seat's input carrying text, docs/http-api.md). No lock taken. */
int cc_live_control_sees_line(const cc_live *lv, const char *line, size_t len);
/* Whether the run has ended (run.end committed: control's {"do":"end"}). */
int cc_live_ended(cc_live *lv);
/* The scenario time (ms) the control clock shows at wall time now_wall_ms. */
int64_t cc_live_scenario_ms(cc_live *lv, int64_t now_wall_ms);
/* The scenario's exercise.control_bypass. */
int cc_live_control_bypass(const cc_live *lv);

/* Whether a viewer may see event seq (tests and the report use it). */
int cc_live_visible(cc_live *lv, cc_live_viewer v, uint64_t seq);

#endif
