/* engine_play — hybrid seats: control hands a seat to its agent policy during a run, or back to a
 * person (input {"do": "play", "seat": S, "by": "agent" | "person"}; docs/cli.md, "Hybrid seats").
 * The agent takes over where the person left off: it is offered, at once, what is open for the
 * seat (the current stage of each consultation in which the seat may still act, each open decision
 * it decides outside any stage, each inject the seat holds and has not acted on), and its waiting
 * rules are armed for those stages. */
#include <assert.h>

#include "core/engine_int.h"

static cc_err refuse(cc_engine *e, const char *reason)
{
    return cc_eng_emit(e, CC_EV_INPUT_REFUSED, NULL, NULL, json_pack("{s:s}", "reason", reason), 0, 111);
}

/* The events an agent's rules answer (bit CC_AEV_x). */
static uint16_t agent_events(const cc_agent *A)
{
    uint16_t ev = 0;
    for (size_t k = 0; k < A->nrules; k++)
        ev |= (uint16_t)(1u << A->rules[k].on);
    return ev;
}

/* Offers the seat's agent the current stage of each open consultation in which the seat may act
 * and has not (in a sequential stage, only when its turn has come), as the stage's start did. */
static cc_err catch_up_consultations(cc_engine *e, size_t seat)
{
    cc_err rc = CC_OK;
    for (size_t c = 0; c < e->s->nconsultations && rc == CC_OK; c++) {
        const crun *K = &e->cons[c];
        if (e->consult_state[c] != ST_OPEN || !K->cur)
            continue;
        rc = cc_eng_arm_waiting_seat(e, c, seat);
        if (rc != CC_OK || K->revising || !K->part[seat] || K->acted[seat])
            continue;
        if (K->cur->mode == CC_MODE_SEQUENTIAL && K->cur->kind != CC_STAGE_DECIDE &&
            cc_eng_next_in_sequence(K, e->s->nseats) != (int)seat)
            continue;
        rc = cc_eng_agent_offer(e, seat, CC_AEV_STAGE, ITEM(CC_ITEM_CONSULTATION, c), -1, NULL,
                                (int)K->cur->kind, K->visit);
    }
    return rc;
}

/* Offers the seat's agent each open decision it decides outside a stage and has not voted on (and
 * the proposals made on it so far, once). */
static cc_err catch_up_decisions(cc_engine *e, size_t seat)
{
    cc_err rc = CC_OK;
    for (size_t d = 0; d < e->s->ndecisions && rc == CC_OK; d++) {
        const drun *R = &e->dec[d];
        if (e->decision_state[d] != ST_OPEN || R->gov || !R->decider[seat] || R->vote[seat] >= 0)
            continue;
        rc = cc_eng_agent_offer(e, seat, CC_AEV_DECISION_OPEN, ITEM(CC_ITEM_DECISION, d), -1, NULL, -1, 0);
        if (rc == CC_OK && R->nproposed && e->decision_state[d] == ST_OPEN)
            rc = cc_eng_agent_offer(e, seat, CC_AEV_PROPOSAL, ITEM(CC_ITEM_DECISION, d), -1, NULL, -1, 0);
    }
    return rc;
}

/* Offers the seat's agent each inject the seat holds and has not acknowledged, escalated or
 * forwarded (in inject order), as its delivery did. */
static cc_err catch_up_injects(cc_engine *e, size_t seat)
{
    cc_err rc = CC_OK;
    for (size_t i = 0; i < e->ninj && rc == CC_OK; i++) {
        if (!cc_engine_seat_has(e, seat, i) || cc_eng_seat_acted(e, seat, i))
            continue;
        const cc_inject *I = &e->inj[i];
        rc = cc_eng_agent_offer(e, seat, CC_AEV_INJECT, ITEM(CC_ITEM_INJECT, i), (int)I->channel, &I->classes,
                                -1, 0);
    }
    return rc;
}

cc_err cc_eng_play(cc_engine *e, size_t seat, int agent)
{
    const cc_scenario *s = e->s;
    assert(seat < s->nseats);
    int ai = s->seats[seat].agent_index;
    if (ai < 0)
        return refuse(e, "the seat has no agent policy");
    if (!!e->auto_seat[seat] == !!agent)
        return refuse(e, agent ? "the seat is already played by its agent"
                               : "the seat is already played by a person");
    const cc_agent *A = &s->agents[ai];
    cc_err rc = cc_eng_emit(e, CC_EV_SEAT_PLAY, NULL, NULL,
                            json_pack("{s:s,s:s,s:s}", "seat", s->seats[seat].id, "by",
                                      agent ? "agent" : "person", "agent", A->id),
                            0, 127);
    if (rc != CC_OK)
        return rc;
    e->auto_changed = 1;
    if (!agent) {
        e->auto_seat[seat] = 0;
        e->offer_events[seat] = 0;
        /* what the agent scheduled and has not done is void, even if the seat is handed to it again
         * before its time (a free slot is overwritten when reused) */
        for (size_t i = 0; i < e->nacts; i++)
            if (e->acts[i].seat == seat)
                e->acts[i].rule = NULL;
        return CC_OK;
    }
    e->auto_seat[seat] = 1;
    e->seat_agent[seat] = A;
    e->absent[seat] = 0; /* absence is drawn at the start of a run, for the seats agents play then */
    e->offer_events[seat] = agent_events(A);
    e->any_waiting |= (e->offer_events[seat] >> CC_AEV_WAITING) & 1;
    e->any_objection_rule |= (e->offer_events[seat] >> CC_AEV_OBJECTION) & 1;
    rc = catch_up_consultations(e, seat);
    if (rc == CC_OK)
        rc = catch_up_decisions(e, seat);
    return rc == CC_OK ? catch_up_injects(e, seat) : rc;
}
