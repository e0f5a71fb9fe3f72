/* evtype — the types of the events of the log (docs/event-log.md), as an enumeration with one
 * table of their names: what the engine writes in a record's "type", and what every reader of a
 * log (the report, the live server, the view, the observers) switches on. */
#ifndef CC_EVTYPE_H
#define CC_EVTYPE_H

#include <stdbool.h>
#include <stddef.h>

/* In the order of docs/event-log.md; CC_EV_UNKNOWN for a type this caucus does not know. */
typedef enum cc_evtype {
    CC_EV_UNKNOWN = 0,
    CC_EV_RUN_START,
    CC_EV_RUN_END,
    CC_EV_INJECT_RELEASE,
    CC_EV_INJECT_ACK,
    CC_EV_INJECT_ESCALATE,
    CC_EV_INJECT_HOLD,
    CC_EV_INJECT_EDIT,
    CC_EV_INJECT_ADD,
    CC_EV_INJECT_SKIP,
    CC_EV_INJECT_WITHDRAW,
    CC_EV_DELIVERY,
    CC_EV_DENIAL,
    CC_EV_DECISION_OPEN,
    CC_EV_DECISION_DEADLINE,
    CC_EV_DECISION_VOTE,
    CC_EV_DECISION_PROPOSE,
    CC_EV_DECISION_OBJECT,
    CC_EV_DECISION_INVALID,
    CC_EV_DECISION_EXTEND,
    CC_EV_DECISION_MADE,
    CC_EV_CONSULT_REQUEST,
    CC_EV_CONSULT_STAGE,
    CC_EV_CONSULT_ACK,
    CC_EV_CONSULT_POSITION,
    CC_EV_CONSULT_DEADLINE,
    CC_EV_CONSULT_HELD,
    CC_EV_CONSULT_SILENCE_BROKEN,
    CC_EV_CONSULT_RETURN,
    CC_EV_CONSULT_FAILED,
    CC_EV_CONSULT_ESCALATE,
    CC_EV_CONSULT_STAGE_DONE,
    CC_EV_CONSULT_REVISE,
    CC_EV_CONSULT_ROUND,
    CC_EV_CONSULT_DONE,
    CC_EV_CONSULT_OBJECT,
    CC_EV_CONSULT_FORCE,
    CC_EV_CONSULT_REOPEN,
    CC_EV_CONSULT_EXTEND,
    CC_EV_CONSULT_REMIND,
    CC_EV_SEAT_ABSENT,
    CC_EV_SEAT_PLAY,
    CC_EV_MESSAGE,
    CC_EV_MESSAGE_LOST,
    CC_EV_MESSAGE_RETRY,
    CC_EV_LABEL_DOWNGRADE,
    CC_EV_NOTE,
    CC_EV_OBJECTIVE_RATING,
    CC_EV_INPUT,
    CC_EV_INPUT_REFUSED,
    CC_EV_CLOCK_START,
    CC_EV_CLOCK_PAUSE,
    CC_EV_CLOCK_RESUME,
    CC_EV_CLOCK_SPEED,
    CC_EV_CLOCK_JUMP,
    CC_EV_FINDING,
    CC_EV_SESSION_JOIN,
    CC_EV_SESSION_REFUSED,
    CC_EV_SESSION_REISSUE,
    CC_EV_ACCESS_READ,
    CC_EV_ACCESS_DENIED,
    CC_EV_EVAL_OBSERVATION, /* evaluation (docs/event-log.md, "Evaluation") */
    CC_EV_HOTWASH,
    CC_EV_FEEDBACK_OPEN,
    CC_EV_FEEDBACK_ANSWER,
    CC_EV_SCORE_SUBMIT,
    CC_EV_COUNT
} cc_evtype;

/* The name a record's "type" holds ("consult.stage"); "?" for CC_EV_UNKNOWN or out of range. */
const char *cc_evtype_name(cc_evtype t);
/* The type named name (len bytes, not NUL-terminated), CC_EV_UNKNOWN when none (or name NULL). */
cc_evtype cc_evtype_of_n(const char *name, size_t len);
/* The same for a NUL-terminated name. */
cc_evtype cc_evtype_of(const char *name);

/* The families of types, by their name's prefix. */
bool cc_evtype_is_consult(cc_evtype t);  /* consult.* */
bool cc_evtype_is_decision(cc_evtype t); /* decision.* */
bool cc_evtype_is_clock(cc_evtype t);    /* clock.*, and run.start and run.end: the run's frame */
bool cc_evtype_is_audit(cc_evtype t);    /* session.*, access.*: the live server's audit records */
bool cc_evtype_is_eval(cc_evtype t);     /* eval.observation, hotwash, feedback.*, score.submit */

#endif
