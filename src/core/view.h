/* view — who may see each event of a log, and why: the one definition behind every path out of
 * caucus (the live server's streams, states, items and search, a seat's after-action report, and
 * any export to come). Fed the events of a log in order, a view answers for any event fed so far
 * which seats, and control, may see it.
 *
 * The rule (docs/scenario-format.md, "Who sees what"; SECURITY.md, "Label model"):
 * - the run's frame (run.start, run.end) and the control clock (clock.*): every viewer;
 * - a delivery: the seat it delivers to (the engine applied the label rule to it);
 * - an event of a consultation or a decision: the seats that take part in it, from the event that
 *   made them take part on (its requester; a participant the engine named in a stage or round; a
 *   decider the decision's label admits; a seat the item was delivered to): what a participant
 *   was delivered it sees. The event's label is checked again for each of them, read with the
 *   item's own originator (the scenario's), never with the actor's or none;
 * - a seat's own input, refusal, message, acknowledgement or escalation: that seat, when the
 *   event's label (read with the seat's party as originator) admits it;
 * - a note: its writer, and the seats of the writer's notes pad: seats sharing a cell with the
 *   writer whose clearance may read the note. A note has no label of its own: it is read as
 *   labelled at its writer's clearance (classification and caveats) and releasable to the
 *   writer's party only, since it may say anything its writer read. The input that wrote it
 *   (do: note) is a note too. A note without a writer (control's) is control's;
 * - everything else (releases, denials, findings, ratings, holds, edits, audit records): control.
 * Control (the control cell's console) sees everything with exercise.control_bypass; otherwise
 * an unlabelled event, and a labelled one (a note: its label above) when a seat of the control
 * cell may read its label, read with the item's originator; a seat's input that carries text
 * (message, position, proposal) when it states a label a control-cell seat may read and answers
 * no inject or message (a reply's label is stricter than the one it states).
 *
 * A report of a seat is built from the same answers: an item (inject, consultation, decision,
 * message) is in it when the seat may see at least one event of it.
 *
 * Viewers are kinds: a seat and control. An evaluator seat (one that observes and rates and never
 * acts in play) has its own case in the rule (view.c, evaluator_why): its own acts and notes, the
 * frame, and the record of play (releases, deliveries, denials, messages, consultations,
 * decisions, findings, ratings, observations, feedback, scores) whose label its clearance reads.
 *
 * Memory: a join table of consultations x seats and decisions x seats (sequence numbers), made
 * at cc_view_new; feeding allocates nothing. Not thread-safe; many views may coexist. */
#ifndef CC_VIEW_H
#define CC_VIEW_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "core/diag.h"
#include "core/evlog.h"
#include "core/evtype.h"
#include "core/scenario.h"
#include "core/scenario_model.h"

typedef struct cc_view cc_view; /* opaque */

typedef enum cc_viewer_kind {
    CC_VIEWER_SEAT,   /* a seat of the scenario (seat: its index) */
    CC_VIEWER_CONTROL /* the control cell's console */
} cc_viewer_kind;

typedef struct cc_viewer {
    cc_viewer_kind kind;
    int seat; /* CC_VIEWER_SEAT: seat index */
} cc_viewer;

/* Why a viewer may or may not see an event. The hidden reasons come first. */
typedef enum cc_view_why {
    CC_VIEW_HIDDEN = 0,  /* nothing in it is the viewer's (not its item, act or note; control's event) */
    CC_VIEW_LABEL,       /* it is the viewer's, but its label does not admit the viewer */
    CC_VIEW_FRAME,       /* the run's start and end and the control clock: every viewer */
    CC_VIEW_DELIVERED,   /* a delivery to this seat */
    CC_VIEW_PARTICIPANT, /* an event of a consultation or decision the seat takes part in */
    CC_VIEW_OWN,         /* the seat's own act or note */
    CC_VIEW_NOTES_PAD,   /* a note of a cell-mate that the seat's clearance may read */
    CC_VIEW_EVALUATOR,   /* an evaluator: the record of play its clearance may read */
    CC_VIEW_CONTROL,     /* control reads it: unlabelled, or a control-cell seat may read its label */
    CC_VIEW_BYPASS       /* control reads everything: exercise.control_bypass */
} cc_view_why;

/* Whether why lets the viewer see the event. */
static inline int cc_view_sees(cc_view_why why)
{
    return why >= CC_VIEW_FRAME;
}
/* "hidden", "label", "frame", "delivered", "participant", "own", "notes pad", "evaluator", "control",
 * "bypass". */
const char *cc_view_why_str(cc_view_why why);

/* An event as a view reads it: the record's sequence number, type, actor (seat id, "control" or
 * NULL), label (banner or NULL) and payload (borrowed). */
typedef struct cc_view_event {
    uint64_t seq;
    cc_evtype type;
    const char *actor;
    const char *label;
    const json_t *payload;
} cc_view_event;

/* The view's reading of a decoded record (borrowing its strings and payload). */
void cc_view_event_of(const cc_evrec *r, cc_view_event *out);

/* A view of the log of a run of s (which must outlive it), with nothing fed yet. Frees with
 * cc_view_free (NULL is ignored). CC_ERR_NOMEM. */
cc_err cc_view_new(const cc_scenario *s, cc_view **out);
void cc_view_free(cc_view *v);
/* Forgets every event fed. */
void cc_view_reset(cc_view *v);

/* Takes in the next event of the log: whom it makes take part in a consultation or decision, from
 * its sequence number on. Feed every event once, in log order, before asking about it. */
void cc_view_feed(cc_view *v, const cc_view_event *e);

/* Why the viewer may or may not see e, an event fed already (or the one just fed): its item's
 * participants as of e's sequence number, so an event read back later is answered as it was when
 * it was fed. A seat index out of range is CC_VIEW_HIDDEN. */
cc_view_why cc_view_why_for(const cc_view *v, const cc_view_event *e, cc_viewer who);

/* The same for every viewer at once: why[i] for seat i (i < nseats), why[nseats] for control;
 * why holds cc_view_nviewers(v) bytes. */
void cc_view_decide(const cc_view *v, const cc_view_event *e, uint8_t *why);
size_t cc_view_nviewers(const cc_view *v);

/* Whether control may read an item labelled l (a valid label): with exercise.control_bypass, or
 * when a seat of the control cell may (what control's list of the MSEL shows a title for). */
int cc_view_control_reads(const cc_view *v, const cc_labelspec *l);

#endif
