/* hybrid — see hybrid.h. */
#include "core/hybrid.h"

#include <stdlib.h>
#include <string.h>

#include "core/scenario_model.h"

struct cc_hybrid {
    const cc_scenario *s;
    uint8_t *agent; /* nseats: played by its agent now */
    /* the last input of a seat: its effects follow it at once, at the same scenario time */
    int in_seat, in_control;
    int64_t in_t;
    uint64_t in_seq;
};

/* Acts follow their input within this many events (an input's effects are its next few events:
 * the act, and the stage or decision it completes). */
#define INPUT_REACH 64

cc_hybrid *cc_hybrid_new(const cc_scenario *s)
{
    cc_hybrid *h = calloc(1, sizeof *h);
    if (!h || !(h->agent = calloc(s->nseats + 1, 1))) {
        free(h);
        return NULL;
    }
    h->s = s;
    h->in_seat = -1;
    return h;
}

void cc_hybrid_free(cc_hybrid *h)
{
    if (!h)
        return;
    free(h->agent);
    free(h);
}

void cc_hybrid_reset(cc_hybrid *h)
{
    memset(h->agent, 0, h->s->nseats + 1);
    h->in_seat = -1;
}

static int seat_index(const cc_scenario *s, const char *id)
{
    for (size_t i = 0; id && i < s->nseats; i++)
        if (strcmp(s->seats[i].id, id) == 0)
            return (int)i;
    return -1;
}

/* A seat's act: what a person, control for the seat, or its agent does. */
static int is_act(cc_evtype t)
{
    switch (t) {
    case CC_EV_CONSULT_ACK:
    case CC_EV_CONSULT_POSITION:
    case CC_EV_CONSULT_OBJECT:
    case CC_EV_CONSULT_HELD:
    case CC_EV_CONSULT_REMIND:
    case CC_EV_CONSULT_ESCALATE:
    case CC_EV_DECISION_VOTE:
    case CC_EV_DECISION_PROPOSE:
    case CC_EV_DECISION_OBJECT:
    case CC_EV_INJECT_ACK:
    case CC_EV_INJECT_ESCALATE:
    case CC_EV_MESSAGE: return 1;
    default: return 0;
    }
}

const char *cc_hybrid_feed(cc_hybrid *h, cc_evtype type, int actor, int64_t t_ms, uint64_t seq,
                           const json_t *payload)
{
    const cc_scenario *s = h->s;
    if (type == CC_EV_RUN_START) {
        json_t *a = json_object_get(payload, "auto");
        size_t k;
        json_t *x;
        json_array_foreach(a, k, x)
        {
            int i = seat_index(s, json_string_value(x));
            if (i >= 0)
                h->agent[i] = 1;
        }
        return NULL;
    }
    if (type == CC_EV_SEAT_PLAY) {
        int i = seat_index(s, json_string_value(json_object_get(payload, "seat")));
        const char *by = json_string_value(json_object_get(payload, "by"));
        if (i >= 0 && by)
            h->agent[i] = strcmp(by, "agent") == 0;
        return NULL;
    }
    if (type == CC_EV_INPUT) {
        const char *by = json_string_value(json_object_get(payload, "by"));
        const char *act = json_string_value(json_object_get(payload, "do"));
        h->in_seat = act && strcmp(act, "play") == 0 ? -1 : actor;
        h->in_control = by && strcmp(by, "control") == 0;
        h->in_t = t_ms;
        h->in_seq = seq;
        return NULL;
    }
    if (actor < 0 || !is_act(type))
        return NULL;
    if (actor == h->in_seat && t_ms == h->in_t && seq - h->in_seq <= INPUT_REACH)
        return h->in_control ? "control" : NULL;
    return h->agent[actor] ? "agent" : NULL;
}

int cc_hybrid_agent_plays(const cc_hybrid *h, size_t seat)
{
    return seat < h->s->nseats && h->agent[seat];
}
