/* evtype — see evtype.h. The names, in enum order (designated initialisers: a type without a name
 * is a compile-time omission the unit test catches); a lookup is a binary search over them. */
#include "core/evtype.h"

#include <string.h>

static const char *const names[CC_EV_COUNT] = {
    [CC_EV_UNKNOWN] = "?",
    [CC_EV_RUN_START] = "run.start",
    [CC_EV_RUN_END] = "run.end",
    [CC_EV_INJECT_RELEASE] = "inject.release",
    [CC_EV_INJECT_ACK] = "inject.ack",
    [CC_EV_INJECT_ESCALATE] = "inject.escalate",
    [CC_EV_INJECT_HOLD] = "inject.hold",
    [CC_EV_INJECT_EDIT] = "inject.edit",
    [CC_EV_INJECT_ADD] = "inject.add",
    [CC_EV_INJECT_SKIP] = "inject.skip",
    [CC_EV_INJECT_WITHDRAW] = "inject.withdraw",
    [CC_EV_DELIVERY] = "delivery",
    [CC_EV_DENIAL] = "denial",
    [CC_EV_DECISION_OPEN] = "decision.open",
    [CC_EV_DECISION_DEADLINE] = "decision.deadline",
    [CC_EV_DECISION_VOTE] = "decision.vote",
    [CC_EV_DECISION_PROPOSE] = "decision.propose",
    [CC_EV_DECISION_OBJECT] = "decision.object",
    [CC_EV_DECISION_INVALID] = "decision.invalid",
    [CC_EV_DECISION_EXTEND] = "decision.extend",
    [CC_EV_DECISION_MADE] = "decision.made",
    [CC_EV_CONSULT_REQUEST] = "consult.request",
    [CC_EV_CONSULT_STAGE] = "consult.stage",
    [CC_EV_CONSULT_ACK] = "consult.ack",
    [CC_EV_CONSULT_POSITION] = "consult.position",
    [CC_EV_CONSULT_DEADLINE] = "consult.deadline",
    [CC_EV_CONSULT_HELD] = "consult.held",
    [CC_EV_CONSULT_SILENCE_BROKEN] = "consult.silence_broken",
    [CC_EV_CONSULT_RETURN] = "consult.return",
    [CC_EV_CONSULT_FAILED] = "consult.failed",
    [CC_EV_CONSULT_ESCALATE] = "consult.escalate",
    [CC_EV_CONSULT_STAGE_DONE] = "consult.stage_done",
    [CC_EV_CONSULT_REVISE] = "consult.revise",
    [CC_EV_CONSULT_ROUND] = "consult.round",
    [CC_EV_CONSULT_DONE] = "consult.done",
    [CC_EV_CONSULT_OBJECT] = "consult.object",
    [CC_EV_CONSULT_FORCE] = "consult.force",
    [CC_EV_CONSULT_REOPEN] = "consult.reopen",
    [CC_EV_CONSULT_EXTEND] = "consult.extend",
    [CC_EV_CONSULT_REMIND] = "consult.remind",
    [CC_EV_SEAT_ABSENT] = "seat.absent",
    [CC_EV_SEAT_PLAY] = "seat.play",
    [CC_EV_MESSAGE] = "message",
    [CC_EV_MESSAGE_LOST] = "message.lost",
    [CC_EV_MESSAGE_RETRY] = "message.retry",
    [CC_EV_LABEL_DOWNGRADE] = "label.downgrade",
    [CC_EV_NOTE] = "note",
    [CC_EV_OBJECTIVE_RATING] = "objective.rating",
    [CC_EV_INPUT] = "input",
    [CC_EV_INPUT_REFUSED] = "input.refused",
    [CC_EV_CLOCK_START] = "clock.start",
    [CC_EV_CLOCK_PAUSE] = "clock.pause",
    [CC_EV_CLOCK_RESUME] = "clock.resume",
    [CC_EV_CLOCK_SPEED] = "clock.speed",
    [CC_EV_CLOCK_JUMP] = "clock.jump",
    [CC_EV_FINDING] = "finding",
    [CC_EV_SESSION_JOIN] = "session.join",
    [CC_EV_SESSION_REFUSED] = "session.refused",
    [CC_EV_SESSION_REISSUE] = "session.reissue",
    [CC_EV_ACCESS_READ] = "access.read",
    [CC_EV_ACCESS_DENIED] = "access.denied",
    [CC_EV_EVAL_OBSERVATION] = "eval.observation",
    [CC_EV_HOTWASH] = "hotwash",
    [CC_EV_FEEDBACK_OPEN] = "feedback.open",
    [CC_EV_FEEDBACK_ANSWER] = "feedback.answer",
    [CC_EV_SCORE_SUBMIT] = "score.submit",
};

const char *cc_evtype_name(cc_evtype t)
{
    return (unsigned)t < CC_EV_COUNT && names[t] ? names[t] : "?";
}

/* The types in the order of their names (strcmp), for the binary search; test_evtype checks it. */
static const unsigned char by_name[CC_EV_COUNT - 1] = {
    CC_EV_ACCESS_DENIED,     CC_EV_ACCESS_READ,
    CC_EV_CLOCK_JUMP,        CC_EV_CLOCK_PAUSE,
    CC_EV_CLOCK_RESUME,      CC_EV_CLOCK_SPEED,
    CC_EV_CLOCK_START,       CC_EV_CONSULT_ACK,
    CC_EV_CONSULT_DEADLINE,  CC_EV_CONSULT_DONE,
    CC_EV_CONSULT_ESCALATE,  CC_EV_CONSULT_EXTEND,
    CC_EV_CONSULT_FAILED,    CC_EV_CONSULT_FORCE,
    CC_EV_CONSULT_HELD,      CC_EV_CONSULT_OBJECT,
    CC_EV_CONSULT_POSITION,  CC_EV_CONSULT_REMIND,
    CC_EV_CONSULT_REOPEN,    CC_EV_CONSULT_REQUEST,
    CC_EV_CONSULT_RETURN,    CC_EV_CONSULT_REVISE,
    CC_EV_CONSULT_ROUND,     CC_EV_CONSULT_SILENCE_BROKEN,
    CC_EV_CONSULT_STAGE,     CC_EV_CONSULT_STAGE_DONE,
    CC_EV_DECISION_DEADLINE, CC_EV_DECISION_EXTEND,
    CC_EV_DECISION_INVALID,  CC_EV_DECISION_MADE,
    CC_EV_DECISION_OBJECT,   CC_EV_DECISION_OPEN,
    CC_EV_DECISION_PROPOSE,  CC_EV_DECISION_VOTE,
    CC_EV_DELIVERY,          CC_EV_DENIAL,
    CC_EV_EVAL_OBSERVATION,  CC_EV_FEEDBACK_ANSWER,
    CC_EV_FEEDBACK_OPEN,     CC_EV_FINDING,
    CC_EV_HOTWASH,           CC_EV_INJECT_ACK,
    CC_EV_INJECT_ADD,        CC_EV_INJECT_EDIT,
    CC_EV_INJECT_ESCALATE,   CC_EV_INJECT_HOLD,
    CC_EV_INJECT_RELEASE,    CC_EV_INJECT_SKIP,
    CC_EV_INJECT_WITHDRAW,   CC_EV_INPUT,
    CC_EV_INPUT_REFUSED,     CC_EV_LABEL_DOWNGRADE,
    CC_EV_MESSAGE,           CC_EV_MESSAGE_LOST,
    CC_EV_MESSAGE_RETRY,     CC_EV_NOTE,
    CC_EV_OBJECTIVE_RATING,  CC_EV_RUN_END,
    CC_EV_RUN_START,         CC_EV_SCORE_SUBMIT,
    CC_EV_SEAT_ABSENT,       CC_EV_SEAT_PLAY,
    CC_EV_SESSION_JOIN,      CC_EV_SESSION_REFUSED,
    CC_EV_SESSION_REISSUE,
};

/* strcmp of the NUL-terminated a with the len bytes of b */
static int cmp_n(const char *a, const char *b, size_t len)
{
    int c = strncmp(a, b, len);
    return c ? c : (unsigned char)a[len];
}

cc_evtype cc_evtype_of_n(const char *name, size_t len)
{
    size_t lo = 0, hi = CC_EV_COUNT - 1;
    while (name && lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = cmp_n(names[by_name[mid]], name, len);
        if (c == 0)
            return (cc_evtype)by_name[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return CC_EV_UNKNOWN;
}

cc_evtype cc_evtype_of(const char *name)
{
    return name ? cc_evtype_of_n(name, strlen(name)) : CC_EV_UNKNOWN;
}

bool cc_evtype_is_consult(cc_evtype t)
{
    return t >= CC_EV_CONSULT_REQUEST && t <= CC_EV_CONSULT_REMIND;
}

bool cc_evtype_is_decision(cc_evtype t)
{
    return t >= CC_EV_DECISION_OPEN && t <= CC_EV_DECISION_MADE;
}

bool cc_evtype_is_clock(cc_evtype t)
{
    return t == CC_EV_RUN_START || t == CC_EV_RUN_END || (t >= CC_EV_CLOCK_START && t <= CC_EV_CLOCK_JUMP);
}

bool cc_evtype_is_audit(cc_evtype t)
{
    return t >= CC_EV_SESSION_JOIN && t <= CC_EV_ACCESS_DENIED;
}

bool cc_evtype_is_eval(cc_evtype t)
{
    return t >= CC_EV_EVAL_OBSERVATION && t <= CC_EV_SCORE_SUBMIT;
}
