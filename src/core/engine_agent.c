/* engine_agent — agent seats: rules matched against events, delays drawn from each seat's own
 * random stream, working hours and absence; and the actions any seat takes (agent or person).
 * Part of the engine (engine_int.h). */
#include <assert.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/engine_int.h"
#include "core/duty.h"
#include "core/grow.h"

/* ---- agents -------------------------------------------------------------------------- */

/* When an act whose delay is delay_ms, offered now, is taken (scenario ms; INT64_MAX: never): the
 * delay is work time, accruing only while the seat is on duty, or with delay_in: calendar runs in
 * calendar time and the act then waits for the seat to be on duty (core/duty.h). */
static int64_t act_time(const cc_engine *e, size_t seat, const cc_agent_rule *R, int64_t delay_ms)
{
    const cc_duty *d = &e->duty[seat];
    if (d->kind == CC_DUTY_WATCH)
        return e->now_ms + delay_ms;
    int64_t base = e->s->start_unix * 1000;
    int64_t at = R->calendar_delay ? cc_duty_next_on(d, base + e->now_ms + delay_ms)
                                   : cc_duty_finish(d, base + e->now_ms, delay_ms);
    return at == INT64_MAX ? INT64_MAX : at - base;
}

/* A free slot of e->acts; CC_ERR_NOMEM when the array cannot grow. */
static inline cc_err act_slot(cc_engine *e, uint32_t *slot)
{
    if (e->nfree_acts) {
        *slot = e->free_acts[--e->nfree_acts];
        return CC_OK;
    }
    if (e->nacts < e->capacts) { /* both arrays hold capacts: a replication's first acts */
        *slot = (uint32_t)e->nacts++;
        return CC_OK;
    }
    size_t ca = e->capacts, cf = e->capacts; /* two arrays of one capacity */
    pending *n = cc_grow(e->acts, &ca, e->nacts + 1, sizeof *n);
    if (!n)
        return CC_ERR_NOMEM;
    e->acts = n;
    uint32_t *f = cc_grow(e->free_acts, &cf, e->nacts + 1, sizeof *f);
    if (!f)
        return CC_ERR_NOMEM;
    e->free_acts = f;
    e->capacts = ca;
    *slot = (uint32_t)e->nacts++;
    return CC_OK;
}

/* Always inlined where kind is a constant, so that the capacity's bookkeeping costs the acts of a seat
 * without a capacity nothing. */
#if defined(__GNUC__)
#define CC_ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define CC_ALWAYS_INLINE inline
#endif

/* Schedules p (an act, kind K_AGENT; an act holding a place of its seat's capacity, K_WORK; or a
 * waiting rule's next firing, K_WAIT) after a delay drawn from d on the seat's stream, in work time
 * (act_time); nothing when the seat is never on duty. */
static CC_ALWAYS_INLINE cc_err schedule_now(cc_engine *e, size_t seat, const cc_agent_rule *R,
                                            const cc_dist *d, uint32_t kind, const pending *p)
{
    double delay = cc_eng_draw_delay_s(&e->rng[seat + 1], d);
    if (!(delay >= 0))
        delay = 0;
    if (delay > 1e9)
        delay = 1e9;
    int64_t at = act_time(e, seat, R, (int64_t)(delay * 1000.0));
    if (at == INT64_MAX)
        return CC_OK;
    uint32_t slot;
    cc_err rc = act_slot(e, &slot);
    if (rc)
        return rc;
    e->acts[slot] = *p;
    if (kind == K_WORK)
        e->wq[seat].busy++;
    return cc_sched_push(&e->q, at, kind, slot, 0);
}

/* The delay distribution of an act (attempt > 0 is a retry): a retry's is its agent's retry.after,
 * else its rule's delay. */
static const cc_dist *act_dist(const cc_engine *e, const pending *p)
{
    return p->attempt > 0 ? &e->seat_agent[p->seat]->retry_after : &p->rule->delay;
}

/* An act of a seat with a capacity (docs/scenario-format.md, "Capacity"): it starts at once when a
 * place is free and nothing waits, else it waits at the end of the seat's line, and its delay is
 * drawn when it starts (cc_eng_work_done). */
static cc_err schedule_work(cc_engine *e, size_t seat, const cc_agent_rule *R, const cc_dist *d,
                            const pending *p)
{
    workq *w = &e->wq[seat];
    if (w->busy < e->s->seats[seat].capacity && !w->n)
        return schedule_now(e, seat, R, d, K_WORK, p);
    if (w->n == w->cap) { /* grow the ring, its waiting acts in order from 0 */
        uint32_t cap = w->cap ? 2 * w->cap : 16;
        pending *v = malloc((size_t)cap * sizeof *v);
        if (!v)
            return CC_ERR_NOMEM;
        for (uint32_t k = 0; k < w->n; k++)
            v[k] = w->v[(w->head + k) % w->cap];
        free(w->v);
        w->v = v;
        w->cap = cap;
        w->head = 0;
    }
    w->v[(w->head + w->n++) % w->cap] = *p;
    return CC_OK;
}

/* Schedules p (kind K_AGENT or K_WAIT, as schedule_now); an act of a seat with a capacity through
 * its line (schedule_work). */
static CC_ALWAYS_INLINE cc_err schedule(cc_engine *e, size_t seat, const cc_agent_rule *R, const cc_dist *d,
                                        uint32_t kind, const pending *p)
{
    if (e->wq && kind == K_AGENT && e->s->seats[seat].capacity)
        return schedule_work(e, seat, R, d, p);
    return schedule_now(e, seat, R, d, kind, p);
}

cc_err cc_eng_work_done(cc_engine *e, size_t seat)
{
    workq *w = &e->wq[seat];
    if (w->busy)
        w->busy--;
    uint32_t capacity = e->s->seats[seat].capacity;
    while (w->busy < capacity && w->n) { /* an act that can never be done holds no place: the next */
        pending p = w->v[w->head];
        w->head = (w->head + 1) % w->cap;
        w->n--;
        cc_err rc = schedule_now(e, seat, p.rule, act_dist(e, &p), K_WORK, &p);
        if (rc)
            return rc;
    }
    return CC_OK;
}

/* A rule with a decision filter answers only that decision, or a consultation that decides it. */
static int for_decision(const cc_engine *e, uint32_t context, int d)
{
    if (ITEM_KIND(context) == CC_ITEM_DECISION)
        return (int)ITEM_INDEX(context) == d;
    if (ITEM_KIND(context) == CC_ITEM_CONSULTATION)
        return e->s->consultations[ITEM_INDEX(context)].decision_index == d;
    return 0;
}

/* The rules of a seat's agent on event ev (the agent plays the seat, is present and has such a rule:
 * cc_eng_agent_offer checked). */
cc_err cc_eng_agent_offer_rules(cc_engine *e, size_t seat, cc_agent_event ev, uint32_t context, int channel,
                                const cc_strs *classes, int stage_kind, uint32_t visit0)
{
    const cc_agent *A = e->seat_agent[seat];
    assert(A && e->auto_seat[seat] && !e->absent[seat]);
    cc_rng *r = &e->rng[seat + 1];
    size_t react = 0; /* the rule's place among the agent's objection and escalation rules */
    for (size_t k = 0; k < A->nrules; k++) {
        const cc_agent_rule *R = &A->rules[k];
        uint8_t *fired = NULL;
        if (e->nreact && (R->on == CC_AEV_OBJECTION || R->on == CC_AEV_ESCALATION)) {
            if (R->on == ev && ITEM_KIND(context) == CC_ITEM_CONSULTATION)
                fired = &e->react[(ITEM_INDEX(context) * e->s->nseats + seat) * e->nreact + react];
            react++;
        }
        if (R->on != ev)
            continue;
        if (fired && *fired >= R->max)
            continue; /* fired its 'max' times for this consultation */
        if (R->has_channel && (int)R->channel != channel)
            continue;
        if (R->inject_class) {
            int found = 0;
            for (size_t c = 0; classes && c < classes->n && !found; c++)
                found = strcmp(classes->v[c], R->inject_class) == 0;
            if (!found)
                continue;
        }
        if (R->has_stage && (ev == CC_AEV_STAGE || ev == CC_AEV_WAITING) && (int)R->stage != stage_kind)
            continue;
        if (R->decision && !for_decision(e, context, R->decision_index))
            continue;
        /* an act on a consultation belongs to the stage visit that offered it; a request rule with
         * a stage kind, to the first stage of that kind the seat takes part in (held until then) */
        uint32_t visit = 0;
        int32_t target = -1;
        if (visit0 && R->action != CC_ACT_SHARE && R->action != CC_ACT_ESCALATE &&
            R->action != CC_ACT_REMIND) {
            visit = visit0;
            if (ev == CC_AEV_REQUEST && R->has_stage) {
                const crun *K = &e->cons[ITEM_INDEX(context)];
                size_t n = e->s->mechanisms[K->mech].nstages, j = (size_t)K->stage;
                while (j < n && !(e->s->mechanisms[K->mech].stages[j].kind == R->stage &&
                                  cc_eng_takes_part(e, ITEM_INDEX(context), j, seat)))
                    j++;
                if (j == n)
                    continue; /* no such stage ahead for this seat */
                target = j == (size_t)K->stage ? -1 : (int32_t)j;
            }
        }
        if (!cc_rng_bernoulli(r, R->probability))
            continue;
        if (fired)
            (*fired)++;
        cc_err rc = schedule(e, seat, R, &R->delay, K_AGENT,
                             &(pending){(uint32_t)seat, context, R, visit, (int16_t)target, 0});
        if (rc)
            return rc;
    }
    return CC_OK;
}

/* ---- waiting, reminders, escalations and objections -----------------------------------
 * docs/scenario-format.md, "Behaviour that un-sticks": a seat's 'on: waiting' rule fires when a
 * stage of a consultation it requested or takes part in has waited 'after' (scenario time) without
 * ending, and again every 'after' up to 'max' times; 'escalation' and 'objection' are offered as
 * those happen. */

/* Whether an agent seat that has rules on ev may be offered them now. */
static int listens(const cc_engine *e, size_t seat, cc_agent_event ev)
{
    return e->offer_events[seat] >> ev & 1u;
}

/* A seat the consultation concerns: its requester, a participant of its current stage, or a seat it
 * was escalated to. */
static int concerned(const cc_engine *e, size_t c, size_t seat)
{
    return (int)seat == e->s->consultations[c].requester_index || e->cons[c].part[seat] ||
           (e->cons[c].asked[seat] & 2);
}

cc_err cc_eng_arm_waiting_seat(cc_engine *e, size_t c, size_t seat)
{
    const crun *K = &e->cons[c];
    if (!listens(e, seat, CC_AEV_WAITING) || !concerned(e, c, seat))
        return CC_OK;
    const cc_agent *A = e->seat_agent[seat];
    for (size_t k = 0; k < A->nrules; k++) {
        const cc_agent_rule *R = &A->rules[k];
        if (R->on != CC_AEV_WAITING || (R->has_stage && R->stage != K->cur->kind))
            continue;
        uint32_t slot;
        cc_err rc = act_slot(e, &slot);
        if (rc)
            return rc;
        e->acts[slot] = (pending){(uint32_t)seat, ITEM(CC_ITEM_CONSULTATION, c), R, K->visit, -1, 0};
        if ((rc = cc_sched_push(&e->q, e->now_ms + R->after_s * 1000, K_WAIT, slot, 0)) != CC_OK)
            return rc;
    }
    return CC_OK;
}

/* The current stage of consultation c starts: arms the waiting rules of the seats it concerns. */
cc_err cc_eng_arm_waiting(cc_engine *e, size_t c)
{
    cc_err rc = CC_OK;
    for (size_t seat = 0; seat < e->s->nseats && rc == CC_OK; seat++)
        rc = cc_eng_arm_waiting_seat(e, c, seat);
    return rc;
}

/* A waiting rule's time came: while the stage it was armed for is still open, the rule acts (after
 * its delay, bound to that stage) and is armed again, up to its 'max' firings. */
cc_err cc_eng_agent_wait(cc_engine *e, const pending *w)
{
    size_t c = ITEM_INDEX(w->context);
    const crun *K = &e->cons[c];
    if (e->consult_state[c] != ST_OPEN || K->visit != w->visit || e->absent[w->seat] ||
        !e->auto_seat[w->seat] || !w->rule)
        return CC_OK; /* ... or the seat was handed back to a person */
    const cc_agent_rule *R = w->rule;
    cc_err rc = CC_OK;
    if (cc_rng_bernoulli(&e->rng[w->seat + 1], R->probability))
        rc = schedule(e, w->seat, R, &R->delay, K_AGENT, &(pending){w->seat, w->context, R, w->visit, -1, 0});
    if (rc == CC_OK && w->attempt + 1 < R->max) {
        uint32_t slot;
        if ((rc = act_slot(e, &slot)) == CC_OK) {
            e->acts[slot] = *w;
            e->acts[slot].attempt = (uint16_t)(w->attempt + 1);
            rc = cc_sched_push(&e->q, e->now_ms + R->after_s * 1000, K_WAIT, slot, 0);
        }
    }
    return rc;
}

/* Offers ev (escalation, objection) about consultation c to the agent seats it concerns, except one. */
cc_err cc_eng_offer_consult(cc_engine *e, size_t c, cc_agent_event ev, size_t except)
{
    cc_err rc = CC_OK;
    for (size_t seat = 0; seat < e->s->nseats && rc == CC_OK; seat++)
        if (seat != except && concerned(e, c, seat))
            rc = cc_eng_agent_offer(e, seat, ev, ITEM(CC_ITEM_CONSULTATION, c), -1, NULL,
                                    (int)e->cons[c].cur->kind, e->cons[c].visit);
    return rc;
}

/* ---- agent actions ------------------------------------------------------------------- */

/* Carries out one action of a seat about the item `context` (an agent's or a person's). */
cc_err cc_eng_do_action(cc_engine *e, size_t seat, cc_agent_action action, uint32_t context,
                        const char *option, const char *text, const cc_refs *to)
{
    const cc_scenario *s = e->s;
    size_t idx = ITEM_INDEX(context);
    cc_item_kind kind = ITEM_KIND(context);
    int cons = kind == CC_ITEM_CONSULTATION ? (int)idx : -1;
    int dec = kind == CC_ITEM_DECISION ? (int)idx : cons >= 0 ? s->consultations[cons].decision_index : -1;
    if (kind == CC_ITEM_INJECT &&
        (action == CC_ACT_ACKNOWLEDGE || action == CC_ACT_ESCALATE || (action == CC_ACT_SHARE && to)))
        cc_eng_seat_acts_on(e, seat, idx); /* an agent handed the seat later is not offered it again */
    switch (action) {
    case CC_ACT_ACKNOWLEDGE:
        if (cons >= 0)
            return cc_eng_stage_act(e, (size_t)cons, seat, CC_EV_CONSULT_ACK, NULL);
        if (kind == CC_ITEM_INJECT)
            return CC_EMITF(e, CC_EV_INJECT_ACK, s->seats[seat].id, e->inj[idx].label.text, context, 81,
                            CC_JF_S("inject", e->inj[idx].id));
        return CC_OK;
    case CC_ACT_POSITION:
        if (cons >= 0)
            return cc_eng_stage_act(e, (size_t)cons, seat, CC_EV_CONSULT_POSITION, text);
        return CC_OK;
    case CC_ACT_VOTE:
        /* on a consultation: in its current stage (a vote in a stage that decides a decision);
         * on a decision: in the stage that governs it, else under its own rule */
        if (cons >= 0)
            return cc_eng_stage_vote(e, (size_t)cons, seat, option);
        if (dec >= 0 && option)
            return cc_eng_vote(e, (size_t)dec, seat, option);
        return CC_OK;
    case CC_ACT_PROPOSE: return dec >= 0 ? cc_eng_propose(e, (size_t)dec, seat, text) : CC_OK;
    case CC_ACT_REVIEW: /* carried out by cc_eng_agent_act as acknowledge or object */ return CC_OK;
    case CC_ACT_OBJECT:
        /* on a consultation: by a participant of its current stage; on a decision: by a participant
         * of the stage that governs it, else by a decider of the open decision */
        if (cons >= 0)
            return cc_eng_consult_object(e, (size_t)cons, seat);
        if (dec >= 0 && e->dec[dec].gov)
            return cc_eng_consult_object(e, (size_t)(e->dec[dec].gov - 1), seat);
        if (dec >= 0 && e->decision_state[dec] == ST_OPEN && e->dec[dec].decider[seat]) {
            e->dec[dec].objected = 1;
            return CC_EMITF(e, CC_EV_DECISION_OBJECT, s->seats[seat].id, s->decisions[dec].label.text,
                            ITEM(CC_ITEM_DECISION, dec), 23, CC_JF_S("decision", s->decisions[dec].id));
        }
        return CC_OK;
    case CC_ACT_SHARE:
        if (kind == CC_ITEM_INJECT && to) {
            const cc_inject *I = &e->inj[idx];
            const cc_labelspec *L = &e->inj_label[idx]; /* a forward keeps the item's label */
            cc_err rc = cc_eng_emit(
                e, CC_EV_MESSAGE, s->seats[seat].id, L->text,
                json_pack("{s:s,s:s,s:o}", "kind", "forward", "inject", I->id, "to", cc_eng_refs_json(to)),
                context, 83);
            if (rc == CC_OK)
                rc = cc_eng_deliver(e, "inject", I->id, L, to, context, (int)idx, CC_AEV_MESSAGE);
            return rc;
        }
        return CC_OK;
    case CC_ACT_REMIND:
        if (cons >= 0 && !cc_eng_act_refusal(e, (size_t)cons, seat, CC_ACT_REMIND, -1))
            return cc_eng_remind(e, (size_t)cons, seat);
        return CC_OK;
    case CC_ACT_ESCALATE:
        if (cons >= 0 && cc_eng_act_refusal(e, (size_t)cons, seat, CC_ACT_ESCALATE, -1))
            return CC_OK; /* the seat takes no part in the consultation */
        if (cons >= 0)
            return cc_eng_seat_escalate(e, (size_t)cons, seat, to && to->n ? to : NULL);
        if (kind == CC_ITEM_INJECT)
            return CC_EMITF(e, CC_EV_INJECT_ESCALATE, s->seats[seat].id, e->inj[idx].label.text, context, 85,
                            CC_JF_S("inject", e->inj[idx].id));
        return CC_OK;
    }
    return CC_OK;
}

cc_err cc_eng_agent_act(cc_engine *e, const pending *a)
{
    const cc_scenario *s = e->s;
    const cc_agent_rule *R = a->rule;
    cc_rng *r = &e->rng[a->seat + 1];
    const cc_agent *A = e->seat_agent[a->seat];
    if (!e->auto_seat[a->seat] || !R)
        return CC_OK;     /* control handed the seat back to a person: the agent's pending act is void */
    if (a->attempt > 0) { /* a retry of an act whose message was lost */
        cc_err rc =
            CC_EMITF(e, CC_EV_MESSAGE_RETRY, s->seats[a->seat].id, NULL, 0, 86,
                     CC_JF_S("action", cc_action_names[R->action]), CC_JF_I("attempt", a->attempt + 1));
        if (rc != CC_OK)
            return rc;
    }
    if (cc_rng_bernoulli(r, A->channel_failure)) {
        e->st.messages_lost++;
        /* with retry: the seat notices no answer and sends again after retry.after, up to retry.max
         * attempts in all */
        int again = a->attempt + 1 < A->retry_max;
        json_t *p = CC_LAZY(e, json_pack("{s:s,s:s,s:i}", "action", cc_action_names[R->action], "reason",
                                         "channel failure", "attempt", a->attempt + 1));
        if (p && again)
            json_object_set_new(p, "retry", json_true());
        cc_err rc = cc_eng_emit(e, CC_EV_MESSAGE_LOST, s->seats[a->seat].id, NULL, p, 0, 80);
        if (rc != CC_OK || !again)
            return rc;
        pending next = *a;
        next.attempt++;
        return schedule(e, a->seat, R, &A->retry_after, K_AGENT, &next);
    }

    if (a->visit) {
        /* an act on a consultation belongs to one stage: void once that stage is over, held when
         * it is for a stage still to come */
        size_t c = ITEM_INDEX(a->context);
        const crun *K = &e->cons[c];
        if (e->consult_state[c] != ST_OPEN)
            return CC_OK;
        if (a->target >= 0 && K->stage < a->target) {
            cc_agent_action act = R->action;
            if (act == CC_ACT_REVIEW)
                act = cc_rng_bernoulli(r, R->approve) ? CC_ACT_ACKNOWLEDGE : CC_ACT_OBJECT;
            int d = s->consultations[c].decision_index;
            int opt = act == CC_ACT_VOTE && d >= 0 && R->option ? cc_eng_option_index(e, (size_t)d, R->option) : -1;
            e->st.agent_actions++;
            return cc_eng_hold_act(e, c, a->seat, a->target, act, opt, R->text);
        }
        if (a->target >= 0 ? K->stage != a->target : K->visit != a->visit)
            return CC_OK;
    }
    e->st.agent_actions++;
    if (R->action == CC_ACT_REVIEW) {
        /* approve or object, drawn from the seat's own stream; an objection is the seat's review
         * (cc_eng_stage_object) when the seat may act in the consultation's current stage */
        int approve = cc_rng_bernoulli(r, R->approve);
        if (ITEM_KIND(a->context) != CC_ITEM_CONSULTATION)
            return cc_eng_do_action(e, a->seat, approve ? CC_ACT_ACKNOWLEDGE : CC_ACT_OBJECT, a->context,
                                    NULL, NULL, NULL);
        if (approve) /* cc_eng_do_action's acknowledge of a consultation */
            return cc_eng_stage_act(e, ITEM_INDEX(a->context), a->seat, CC_EV_CONSULT_ACK, NULL);
        return cc_eng_consult_object(e, ITEM_INDEX(a->context), a->seat);
    }
    return cc_eng_do_action(e, a->seat, R->action, a->context, R->option, R->text, &R->to);
}
