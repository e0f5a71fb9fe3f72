/* engine_consult — consultations through the stages of their mechanism, and decision points:
 * votes, proposals, objections and the four decision rules. Part of the engine (engine_int.h). */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/engine_int.h"
#include "core/grow.h"

/* ---- decisions ----------------------------------------------------------------------- */

size_t cc_eng_noptions(const cc_engine *e, size_t d)
{
    return e->s->decisions[d].noptions + e->dec[d].nproposed;
}

const char *cc_eng_option_id(const cc_engine *e, size_t d, size_t k)
{
    const cc_decision *D = &e->s->decisions[d];
    return k < D->noptions ? D->options[k].id : e->dec[d].proposed[k - D->noptions];
}

int cc_eng_option_index(const cc_engine *e, size_t d, const char *id)
{
    for (size_t k = 0; k < cc_eng_noptions(e, d); k++)
        if (strcmp(cc_eng_option_id(e, d, k), id) == 0)
            return (int)k;
    return -1;
}

static cc_err consultations_on_decision(cc_engine *e, size_t d);

cc_err cc_eng_decide(cc_engine *e, size_t d, int outcome, const char *how)
{
    const cc_decision *D = &e->s->decisions[d];
    drun *R = &e->dec[d];
    e->decision_state[d] = ST_DONE;
    R->outcome = outcome;
    e->st.decisions_made++;
    json_t *votes = CC_LAZY(e, json_object());
    for (size_t i = 0; i < e->s->nseats && votes; i++)
        if (R->vote[i] >= 0)
            json_object_set_new(votes, e->s->seats[i].id,
                                json_string(cc_eng_option_id(e, d, (size_t)R->vote[i])));
    json_t *p = CC_LAZY(e, json_pack("{s:s,s:s,s:s,s:o}", "decision", D->id, "outcome",
                                     cc_eng_option_id(e, d, (size_t)outcome), "rule", how, "votes", votes));
    if (p && R->gov) { /* made by the decide stage of a consultation */
        const crun *K = &e->cons[R->gov - 1];
        json_object_set_new(p, "consultation", json_string(e->s->consultations[R->gov - 1].id));
        json_object_set_new(p, "stage", json_string(K->cur ? K->cur->id : ""));
    }
    cc_err rc =
        cc_eng_emit(e, CC_EV_DECISION_MADE, NULL, D->label.text, p, ITEM(CC_ITEM_DECISION, d), ST_DONE);
    if (e->o.observe && strcmp(how, "silence") == 0)
        e->o.observe(e->o.observe_ctx, CC_EV_DECISION_MADE, ITEM(CC_ITEM_DECISION, d), CC_OBSERVE_SILENCE,
                     e->now_ms);
    for (uint32_t k = e->decided.start[d]; rc == CC_OK && k < e->decided.start[d + 1]; k++) {
        const cc_when *w = cc_eng_item_when(e->s, e->decided.items[k]);
        if (!w->outcome || strcmp(w->outcome, cc_eng_option_id(e, d, (size_t)outcome)) == 0)
            rc = cc_sched_push(&e->q, e->now_ms + cc_eng_trigger_delay_ms(e, w), K_FIRE, e->decided.items[k],
                               0);
    }
    if (rc == CC_OK)
        rc = cc_eng_check_consult_before(e, d);
    if (rc == CC_OK)
        rc = consultations_on_decision(e, d);
    return rc;
}

/* Applies the decision rule after a vote. */
static cc_err check_rule(cc_engine *e, size_t d)
{
    const cc_decision *D = &e->s->decisions[d];
    drun *R = &e->dec[d];
    size_t n = cc_eng_noptions(e, d);
    if (D->rule == CC_RULE_LEAD) {
        if (D->lead_index >= 0 && R->vote[D->lead_index] >= 0)
            return cc_eng_decide(e, d, R->vote[D->lead_index], "lead");
        return CC_OK;
    }
    if (D->rule == CC_RULE_SILENCE)
        return CC_OK; /* decided at the deadline */
    for (size_t k = 0; k < n; k++) {
        size_t votes = 0;
        for (size_t i = 0; i < e->s->nseats; i++)
            votes += R->decider[i] && R->vote[i] == (int)k;
        if (D->rule == CC_RULE_UNANIMITY && R->ndeciders && votes == R->ndeciders)
            return cc_eng_decide(e, d, (int)k, "unanimity");
        if (D->rule == CC_RULE_MAJORITY && 2 * votes > R->ndeciders)
            return cc_eng_decide(e, d, (int)k, "majority");
    }
    return CC_OK;
}

cc_err cc_eng_vote(cc_engine *e, size_t d, size_t seat, const char *option)
{
    drun *R = &e->dec[d];
    if (R->gov) /* a decide stage governs the decision: the vote is cast in it */
        return cc_eng_stage_vote(e, (size_t)(R->gov - 1), seat, option);
    if (e->decision_state[d] != ST_OPEN || !R->decider[seat])
        return CC_OK;
    int k = cc_eng_option_index(e, d, option);
    if (k < 0)
        return cc_eng_emit(e, CC_EV_DECISION_INVALID, e->s->seats[seat].id, e->s->decisions[d].label.text,
                           CC_LAZY(e, json_pack("{s:s,s:s,s:s}", "decision", e->s->decisions[d].id, "option",
                                                option, "reason", "no such option")),
                           ITEM(CC_ITEM_DECISION, d), 20);
    R->vote[seat] = k;
    cc_err rc = cc_eng_emit(e, CC_EV_DECISION_VOTE, e->s->seats[seat].id, e->s->decisions[d].label.text,
                            json_pack("{s:s,s:s}", "decision", e->s->decisions[d].id, "option", option),
                            ITEM(CC_ITEM_DECISION, d), 21);
    return rc ? rc : check_rule(e, d);
}

void cc_eng_written(cc_engine *e, const char *text, const char *lang)
{
    e->in_text = text;
    e->in_lang = text ? lang : NULL;
}

void cc_eng_mark_lang(const cc_engine *e, json_t *j, const char *text)
{
    if (j && text && text == e->in_text && e->in_lang)
        json_object_set_new(j, "lang", json_string(e->in_lang));
}

cc_err cc_eng_propose(cc_engine *e, size_t d, size_t seat, const char *text)
{
    const cc_decision *D = &e->s->decisions[d];
    drun *R = &e->dec[d];
    if (e->decision_state[d] != ST_OPEN || !D->proposals)
        return CC_OK;
    char **np = realloc(R->proposed, (R->nproposed + 1) * sizeof *np);
    if (!np)
        return CC_ERR_NOMEM;
    R->proposed = np;
    char id[24];
    snprintf(id, sizeof id, "P%zu", R->nproposed + 1);
    if (!(R->proposed[R->nproposed] = strdup(id)))
        return CC_ERR_NOMEM;
    R->nproposed++;
    json_t *j =
        CC_LAZY(e, json_pack("{s:s,s:s,s:s}", "decision", D->id, "option", id, "text", text ? text : ""));
    cc_eng_mark_lang(e, j, text);
    cc_err rc = cc_eng_emit(e, CC_EV_DECISION_PROPOSE, e->s->seats[seat].id, D->label.text, j,
                            ITEM(CC_ITEM_DECISION, d), 22);
    for (size_t i = 0; rc == CC_OK && i < e->s->nseats; i++)
        if (R->decider[i])
            rc = cc_eng_agent_offer(e, i, CC_AEV_PROPOSAL, ITEM(CC_ITEM_DECISION, d), -1, NULL, -1, 0);
    return rc;
}

/* ---- consultations ------------------------------------------------------------------- *
 * The meanings implemented here are defined in docs/scenario-format.md, "How a consultation
 * runs": participants, acts that belong to one stage (held when taken early), the decide stage
 * governing the linked decision, the silence procedure and what follows an objection. */

static json_t *seats_json(const cc_engine *e, const uint8_t *mask)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < e->s->nseats; i++)
        if (mask[i])
            json_array_append_new(a, json_string(e->s->seats[i].id));
    return a;
}

static int linked_decision(const cc_engine *e, size_t c)
{
    return e->s->consultations[c].decision_index;
}

/* The current stage of c is a decide stage that governs its linked decision. */
static int governs(const cc_engine *e, size_t c)
{
    const crun *K = &e->cons[c];
    int d = linked_decision(e, c);
    return K->cur && K->cur->kind == CC_STAGE_DECIDE && d >= 0 && e->dec[d].gov == (int)c + 1;
}

/* The rule the current decide stage decides by: unanimity once silence was broken. */
static cc_rule stage_rule(const crun *K)
{
    return K->fallback ? CC_RULE_UNANIMITY : K->cur->rule;
}

static int silence_holds(const crun *K)
{
    return K->cur && K->cur->kind == CC_STAGE_DECIDE && stage_rule(K) == CC_RULE_SILENCE && !K->broken;
}

int cc_eng_takes_part(const cc_engine *e, size_t c, size_t k, size_t seat)
{
    const cc_scenario *s = e->s;
    const crun *K = &e->cons[c];
    if (K->mech < 0 || k >= s->mechanisms[K->mech].nstages)
        return 0;
    if (!e->stage_seats[(e->stage_base[K->mech] + k) * s->nseats + seat] || !e->cons_read[c * s->nseats + seat])
        return 0;
    int d = linked_decision(e, c);
    if (s->mechanisms[K->mech].stages[k].kind == CC_STAGE_DECIDE && d >= 0)
        return cc_label_permits(&s->decisions[d].label.label, &s->seats[seat].clearance);
    return 1;
}

int cc_eng_stage_index(const cc_engine *e, size_t c, const char *stage_id)
{
    const crun *K = &e->cons[c];
    if (K->mech < 0 || !stage_id)
        return -1;
    const cc_mechanism *M = &e->s->mechanisms[K->mech];
    for (size_t k = 0; k < M->nstages; k++)
        if (M->stages[k].id && strcmp(M->stages[k].id, stage_id) == 0)
            return (int)k;
    return -1;
}

/* The option a silence procedure adopts: 'adopt', or the linked decision's first; -1 none. */
static int adopt_index(const cc_engine *e, size_t c)
{
    int d = linked_decision(e, c);
    const char *adopt = e->cons[c].cur->adopt;
    if (adopt)
        return cc_eng_option_index(e, (size_t)d, adopt);
    return cc_eng_noptions(e, (size_t)d) > 0 ? 0 : -1;
}

/* The outcome the governing decide stage's rule gives with the votes cast so far, or -1. */
static int governed_outcome(const cc_engine *e, size_t c)
{
    const crun *K = &e->cons[c];
    const drun *R = &e->dec[linked_decision(e, c)];
    size_t n = e->s->nseats;
    switch (stage_rule(K)) {
    case CC_RULE_LEAD: {
        int l = K->cur->lead_index;
        return l >= 0 && K->part[l] ? R->vote[l] : -1;
    }
    case CC_RULE_UNANIMITY: {
        int o = -1;
        for (size_t i = 0; i < n; i++) {
            if (!K->part[i])
                continue;
            if (R->vote[i] < 0 || (o >= 0 && R->vote[i] != o))
                return -1;
            o = R->vote[i];
        }
        return o;
    }
    case CC_RULE_MAJORITY:
        for (size_t k = 0; k < cc_eng_noptions(e, (size_t)linked_decision(e, c)); k++) {
            size_t votes = 0;
            for (size_t i = 0; i < n; i++)
                votes += K->part[i] && R->vote[i] == (int)k;
            if (2 * votes > K->nparts)
                return (int)k;
        }
        return -1;
    case CC_RULE_SILENCE: return -1;
    }
    return -1;
}

/* Whether the current stage is complete after an act. */
static int stage_complete(const cc_engine *e, size_t c)
{
    const crun *K = &e->cons[c];
    const cc_stage *S = K->cur;
    if (S->kind == CC_STAGE_DECIDE) {
        cc_rule r = stage_rule(K);
        if (r == CC_RULE_SILENCE)
            return 0; /* at the deadline */
        if (linked_decision(e, c) >= 0)
            return governs(e, c) && governed_outcome(e, c) >= 0;
        switch (r) {
        case CC_RULE_UNANIMITY: return K->nacted == K->nparts;
        case CC_RULE_MAJORITY: return 2 * K->nacted > K->nparts;
        case CC_RULE_LEAD: return S->lead_index >= 0 && K->acted[S->lead_index];
        case CC_RULE_SILENCE: return 0;
        }
    }
    if (S->mode == CC_MODE_ANY)
        return K->nacted > 0;
    return K->nacted == K->nparts;
}

/* A round of a stage with review rounds ended with objections: the requester revises (a delay
 * drawn from the stage's 'revision' on the engine's own stream), then the objectors review again. */
static cc_err start_revision(cc_engine *e, size_t c)
{
    crun *K = &e->cons[c];
    const cc_consultation *C = &e->s->consultations[c];
    const cc_stage *S = &e->s->mechanisms[K->mech].stages[K->stage];
    double d = cc_eng_draw_delay_s(&e->rng[0], &S->revision);
    int64_t ms = d >= 0 && d <= 1e9 ? (int64_t)(d * 1000.0) : d > 1e9 ? (int64_t)1e12 : 0;
    K->revising = 1;
    cc_err rc = CC_EMITF(
        e, CC_EV_CONSULT_REVISE, NULL, C->label.text, ITEM(CC_ITEM_CONSULTATION, c), 1000 + K->round,
        CC_JF_S("consultation", C->id), CC_JF_S("stage", S->id), CC_JF_I("round", K->round),
        CC_JF_PICKS("objectors", &e->s->seats[0].id, sizeof e->s->seats[0], e->s->nseats, K->objector),
        CC_JF_I("revision_ms", ms));
    return rc ? rc : cc_sched_push(&e->q, e->now_ms + ms, K_ROUND, (uint32_t)c, (uint32_t)K->stage);
}

/* The current stage ends; `by` (how a decide stage ended) and `outcome` (the linked decision's
 * option) go into consult.stage_done when not NULL. */
static cc_err finish_stage(cc_engine *e, size_t c, const char *by, const char *outcome)
{
    crun *K = &e->cons[c];
    const cc_mechanism *M = &e->s->mechanisms[K->mech];
    const cc_stage *S = &M->stages[K->stage];
    if (S->max_rounds > 0 && K->nobjectors > 0 && K->round < S->max_rounds)
        return start_revision(e, c);
    int d = linked_decision(e, c);
    if (d >= 0 && e->dec[d].gov == (int)c + 1)
        e->dec[d].gov = 0;
    e->st.stages_completed++;
    if (e->o.observe_stage)
        e->o.observe_stage(e->o.observe_ctx, c, (size_t)K->stage, e->now_ms);
    cc_err rc = CC_OK;
    if (!cc_eng_quiet(e, 30 + K->stage)) {
        cc_jf f[8];
        size_t n = 0;
        f[n++] = CC_JF_S("consultation", e->s->consultations[c].id);
        f[n++] = CC_JF_S("stage", S->id);
        f[n++] = CC_JF_S("kind", cc_stage_kind_name(S->kind));
        f[n++] = CC_JF_I("duration_ms", e->now_ms - K->stage_start);
        if (S->max_rounds > 0) {
            f[n++] = CC_JF_I("rounds", K->round);
            /* n++ apart: cppcheck reads the literal's .n as this n (unknownEvaluationOrder) */
            f[n] = CC_JF_PICKS("objectors", &e->s->seats[0].id, sizeof e->s->seats[0], e->s->nseats,
                               K->objector);
            n++;
        }
        if (by)
            f[n++] = CC_JF_S("by", by);
        if (outcome)
            f[n++] = CC_JF_S("outcome", outcome);
        rc = cc_eng_emit_fields(e, CC_EV_CONSULT_STAGE_DONE, NULL, e->s->consultations[c].label.text, f, n,
                                ITEM(CC_ITEM_CONSULTATION, c), 30 + K->stage);
    }
    if (rc == CC_OK)
        rc = cc_eng_resolve_watches(e, CC_GRULE_STAGE_DEADLINE, ITEM(CC_ITEM_CONSULTATION, c), K->stage, 0);
    if (rc == CC_OK)
        rc = cc_eng_start_stage(e, c, K->stage + 1);
    return rc;
}

cc_err cc_eng_finish_stage(cc_engine *e, size_t c, const char *by, const char *outcome)
{
    e->cons[c].nobjectors = 0; /* control ends the stage: no further review round */
    return finish_stage(e, c, by, outcome);
}

/* The current stage's rule is met: a governing decide stage makes its decision, then ends. */
static cc_err complete_stage(cc_engine *e, size_t c)
{
    const crun *K = &e->cons[c];
    if (K->cur->kind != CC_STAGE_DECIDE)
        return finish_stage(e, c, NULL, NULL);
    const char *how = cc_rule_name(stage_rule(K));
    if (!governs(e, c))
        return finish_stage(e, c, how, NULL);
    size_t d = (size_t)linked_decision(e, c);
    int o = governed_outcome(e, c);
    cc_err rc = cc_eng_decide(e, d, o, how);
    return rc ? rc : finish_stage(e, c, how, cc_eng_option_id(e, d, (size_t)o));
}

/* The consultation ends without completing (state ST_EXPIRED): a silence procedure broken with
 * on_objection: fail, or its decision expired. A decision it governed is left to its own rule. */
static cc_err fail_consultation(cc_engine *e, size_t c, const char *reason)
{
    crun *K = &e->cons[c];
    const cc_consultation *C = &e->s->consultations[c];
    int d = linked_decision(e, c);
    int governed = d >= 0 && e->dec[d].gov == (int)c + 1;
    if (governed)
        e->dec[d].gov = 0;
    e->consult_state[c] = ST_EXPIRED;
    K->nearly = 0;
    json_t *p = CC_LAZY(e, json_pack("{s:s,s:s,s:s}", "consultation", C->id, "stage", K->cur ? K->cur->id : "",
                                     "reason", reason));
    cc_err rc = cc_eng_emit(e, CC_EV_CONSULT_FAILED, NULL, C->label.text, p, ITEM(CC_ITEM_CONSULTATION, c),
                            ST_EXPIRED);
    if (rc == CC_OK && governed && e->decision_state[d] == ST_OPEN)
        rc = check_rule(e, (size_t)d); /* the votes cast so far, under the decision's own rule */
    return rc;
}

cc_err cc_eng_fail_consultation(cc_engine *e, size_t c, const char *reason)
{
    return fail_consultation(e, c, reason);
}

int cc_eng_linked_decision(const cc_engine *e, size_t c)
{
    return linked_decision(e, c);
}

/* Delivers consultation c to the seats of `to` as an escalation: each that may read it is marked as
 * escalated to (it may remind from then on) and offered the agent event 'escalation'. */
static cc_err escalate_deliver(cc_engine *e, size_t c, const cc_refs *to)
{
    const cc_consultation *C = &e->s->consultations[c];
    cc_eng_mark_recipients(e, to);
    for (size_t i = 0; i < e->s->nseats; i++)
        if (e->seatmask[i] && e->cons_read[c * e->s->nseats + i])
            e->cons[c].asked[i] |= 2;
    return cc_eng_deliver_mask(e, "consultation", C->id, &C->label, e->seatmask, NULL,
                               ITEM(CC_ITEM_CONSULTATION, c), -1, CC_AEV_ESCALATION);
}

/* Notifies the seats of the stage's escalate_to (a missed deadline, a broken silence). */
static cc_err escalate(cc_engine *e, size_t c, const cc_stage *S)
{
    const cc_consultation *C = &e->s->consultations[c];
    cc_err rc =
        cc_eng_emit(e, CC_EV_CONSULT_ESCALATE, NULL, C->label.text,
                    CC_LAZY(e, json_pack("{s:s,s:s,s:o}", "consultation", C->id, "stage", S->id, "to",
                                         cc_eng_refs_json(&S->escalate_to))),
                    ITEM(CC_ITEM_CONSULTATION, c), 70 + (int)(S - e->s->mechanisms[e->cons[c].mech].stages));
    if (rc == CC_OK)
        rc = escalate_deliver(e, c, &S->escalate_to);
    return rc;
}

/* A seat escalates consultation c to the seats of `to`, or without `to` to its current stage's
 * escalate_to (docs/scenario-format.md, "Behaviour that un-sticks"): each that may read it is
 * delivered the consultation and offered the escalation. */
cc_err cc_eng_seat_escalate(cc_engine *e, size_t c, size_t seat, const cc_refs *to)
{
    const cc_consultation *C = &e->s->consultations[c];
    const crun *K = &e->cons[c];
    const cc_refs *whom = to ? to : K->cur ? &K->cur->escalate_to : NULL;
    json_t *p = CC_LAZY(e, json_pack("{s:s,s:s}", "consultation", C->id, "by", e->s->seats[seat].id));
    if (p && whom && whom->n)
        json_object_set_new(p, "to", cc_eng_refs_json(whom));
    if (p && K->cur)
        json_object_set_new(p, "stage", json_string(K->cur->id));
    cc_err rc = cc_eng_emit(e, CC_EV_CONSULT_ESCALATE, e->s->seats[seat].id, C->label.text, p,
                            ITEM(CC_ITEM_CONSULTATION, c), 84);
    if (rc == CC_OK && whom && whom->n)
        rc = escalate_deliver(e, c, whom);
    return rc;
}

/* A seat reminds the participants of c's current stage who have not acted: each agent among them is
 * offered the stage again (a fresh reaction, as when it started; the act still counts once). */
cc_err cc_eng_remind(cc_engine *e, size_t c, size_t seat)
{
    crun *K = &e->cons[c];
    if (e->consult_state[c] != ST_OPEN || !K->cur || K->revising)
        return CC_OK;
    const cc_consultation *C = &e->s->consultations[c];
    json_t *to = CC_LAZY(e, json_array());
    size_t n = 0;
    for (size_t i = 0; i < e->s->nseats; i++)
        if (K->part[i] && !K->acted[i] && i != seat) {
            n++;
            if (to)
                json_array_append_new(to, json_string(e->s->seats[i].id));
        }
    if (n == 0) {
        json_decref(to);
        return CC_OK;
    }
    e->st.reminders++;
    cc_err rc = cc_eng_emit(
        e, CC_EV_CONSULT_REMIND, e->s->seats[seat].id, C->label.text,
        CC_LAZY(e, json_pack("{s:s,s:s,s:o}", "consultation", C->id, "stage", K->cur->id, "to", to)),
        ITEM(CC_ITEM_CONSULTATION, c), 87);
    uint32_t visit = K->visit;
    for (size_t i = 0; i < e->s->nseats && rc == CC_OK && K->visit == visit; i++)
        if (K->part[i] && !K->acted[i] && i != seat &&
            (K->cur->mode != CC_MODE_SEQUENTIAL || K->cur->kind == CC_STAGE_DECIDE ||
             cc_eng_next_in_sequence(K, e->s->nseats) == (int)i))
            rc = cc_eng_agent_offer(e, i, CC_AEV_STAGE, ITEM(CC_ITEM_CONSULTATION, c), -1, NULL,
                                    (int)K->cur->kind, K->visit);
    return rc;
}

static cc_err offer_stage(cc_engine *e, size_t c, size_t seat);

/* offer_stage of a seat with no act held for the stage (the seat is offered the request the first
 * time, then the stage). Inline: a stage's and a round's offers to every participant. */
static inline cc_err offer_fresh(cc_engine *e, size_t c, size_t seat)
{
    crun *K = &e->cons[c];
    cc_err rc = CC_OK;
    if (!(K->asked[seat] & 1)) {
        K->asked[seat] |= 1;
        rc = cc_eng_agent_offer(e, seat, CC_AEV_REQUEST, ITEM(CC_ITEM_CONSULTATION, c), -1, NULL, -1,
                                K->visit);
    }
    if (rc == CC_OK)
        rc = cc_eng_agent_offer(e, seat, CC_AEV_STAGE, ITEM(CC_ITEM_CONSULTATION, c), -1, NULL,
                                (int)K->cur->kind, K->visit);
    return rc;
}

/* Offers the current stage to every participant; stops when an act held for it ends the stage. */
static cc_err offer_all(cc_engine *e, size_t c)
{
    crun *K = &e->cons[c];
    uint32_t visit = K->visit;
    cc_err rc = CC_OK;
    if (!K->nearly) { /* no act is held: an offer only schedules, the stage cannot end meanwhile */
        const uint8_t *part = K->part;
        for (size_t i = 0, n = e->s->nseats; i < n && rc == CC_OK; i++)
            if (part[i])
                rc = offer_fresh(e, c, i);
        return rc;
    }
    for (size_t i = 0; i < e->s->nseats; i++) {
        if (!K->part[i])
            continue;
        rc = offer_stage(e, c, i);
        if (rc != CC_OK || K->visit != visit || e->consult_state[c] != ST_OPEN)
            return rc;
    }
    return CC_OK;
}

/* Silence was broken (silence procedure, docs/scenario-format.md): escalation, then a round of
 * votes under unanimity, the consultation's failure, or a return to an earlier stage. */
static cc_err break_silence(cc_engine *e, size_t c, size_t seat)
{
    crun *K = &e->cons[c];
    const cc_consultation *C = &e->s->consultations[c];
    const cc_stage *S = K->cur;
    K->broken = 1;
    static const char *const then[] = {"vote", "fail", "return"};
    cc_err rc = cc_eng_emit(e, CC_EV_CONSULT_SILENCE_BROKEN, e->s->seats[seat].id, C->label.text,
                            CC_LAZY(e, json_pack("{s:s,s:s,s:s,s:s}", "consultation", C->id, "stage", S->id,
                                                 "by", e->s->seats[seat].id, "then", then[S->on_objection])),
                            ITEM(CC_ITEM_CONSULTATION, c), 3001);
    if (rc == CC_OK && S->escalate_to.n)
        rc = escalate(e, c, S);
    if (rc == CC_OK && e->any_objection_rule)
        rc = cc_eng_offer_consult(e, c, CC_AEV_OBJECTION, seat);
    if (rc != CC_OK)
        return rc;
    int d = linked_decision(e, c);
    switch (S->on_objection) {
    case CC_OBJ_FAIL: return fail_consultation(e, c, "silence broken");
    case CC_OBJ_RETURN: {
        K->fallback = 1;
        if (d >= 0 && e->dec[d].gov == (int)c + 1)
            e->dec[d].gov = 0;
        const cc_stage *T = &e->s->mechanisms[K->mech].stages[S->on_objection_index];
        rc = cc_eng_emit(
            e, CC_EV_CONSULT_RETURN, NULL, C->label.text,
            CC_LAZY(e, json_pack("{s:s,s:s,s:s}", "consultation", C->id, "from", S->id, "to", T->id)),
            ITEM(CC_ITEM_CONSULTATION, c), 3002);
        return rc ? rc : cc_eng_start_stage(e, c, S->on_objection_index);
    }
    case CC_OBJ_VOTE: break;
    }
    /* a round of votes: every participant votes (again) under unanimity */
    K->fallback = 1;
    K->round = 2;
    K->visit++;
    K->nacted = 0;
    memset(K->acted, 0, e->s->nseats);
    K->seqpos = 0;
    for (size_t i = 0; d >= 0 && i < e->s->nseats; i++)
        if (K->part[i])
            e->dec[d].vote[i] = -1;
    rc = cc_eng_emit(
        e, CC_EV_CONSULT_ROUND, NULL, C->label.text,
        CC_LAZY(e, json_pack("{s:s,s:s,s:i,s:s,s:o}", "consultation", C->id, "stage", S->id, "round", 2,
                             "rule", "unanimity", "participants", seats_json(e, K->part))),
        ITEM(CC_ITEM_CONSULTATION, c), 2002);
    return rc ? rc : offer_all(e, c);
}

/* The seat that must act next in a sequential stage (lowest seat index not yet acted). */
/* Moves K->seqpos past the seats that are done (no participant, or acted): amortised over a round,
 * each seat is passed once. Only a sequential stage asks who is next; in any other the cursor stays
 * at 0, which is as true. */
static inline void advance_seq(crun *K, size_t nseats)
{
    if (!K->cur || K->cur->mode != CC_MODE_SEQUENTIAL)
        return;
    while (K->seqpos < nseats && !(K->part[K->seqpos] && !K->acted[K->seqpos]))
        K->seqpos++;
}

int cc_eng_next_in_sequence(const crun *K, size_t nseats)
{
    for (size_t i = K->seqpos; i < nseats; i++)
        if (K->part[i] && !K->acted[i])
            return (int)i;
    return -1;
}

static cc_err stage_act_at(cc_engine *e, size_t c, size_t seat, cc_evtype type, const char *text,
                           int64_t since_ms);
static cc_err stage_vote_at(cc_engine *e, size_t c, size_t seat, const char *option, int64_t since_ms);

/* The act the seat held for the current stage, if any, taken now (*done = 1). */
static cc_err apply_early(cc_engine *e, size_t c, size_t seat, int *done)
{
    crun *K = &e->cons[c];
    *done = 0;
    for (size_t k = 0; k < K->nearly; k++) {
        early_act a = K->early[k];
        if (a.seat != seat || a.stage != K->stage)
            continue;
        K->early[k] = K->early[--K->nearly];
        *done = 1;
        int d = linked_decision(e, c);
        switch (a.action) {
        case CC_ACT_VOTE:
            return stage_vote_at(e, c, seat, d >= 0 && a.option >= 0 ? cc_eng_option_id(e, (size_t)d, (size_t)a.option) : NULL,
                                 a.since_ms);
        case CC_ACT_POSITION: {
            /* the held text keeps its language; the input being applied (if any) is restored */
            const char *t = e->in_text, *l = e->in_lang;
            cc_eng_written(e, a.text, a.lang);
            cc_err rc = stage_act_at(e, c, seat, CC_EV_CONSULT_POSITION, a.text, a.since_ms);
            cc_eng_written(e, t, l);
            return rc;
        }
        case CC_ACT_OBJECT: return cc_eng_consult_object(e, c, seat);
        default: return stage_act_at(e, c, seat, CC_EV_CONSULT_ACK, NULL, a.since_ms);
        }
    }
    return CC_OK;
}

static cc_err offer_stage(cc_engine *e, size_t c, size_t seat)
{
    crun *K = &e->cons[c];
    /* an act held for this stage counts now, in place of an offer (the seat was reached when it
     * took it); a seat with none held is offered the stage, and the request the first time */
    if (K->nearly) {
        int done;
        cc_err rc = apply_early(e, c, seat, &done);
        if (done)
            K->asked[seat] |= 1;
        if (rc != CC_OK || done)
            return rc;
    }
    /* "request": the first time the consultation reaches the seat; "stage": every stage */
    return offer_fresh(e, c, seat);
}

/* A decide stage of a consultation linked to decision d starts: d opens if it has not; if it was
 * decided before, the stage ends with its outcome; if it expired, the consultation fails;
 * otherwise the stage governs it, and votes cast on it so far by participants count in the stage
 * (not under silence, where a vote is consent). *ended: the stage is over. */
static cc_err take_decision(cc_engine *e, size_t c, size_t d, int *ended)
{
    crun *K = &e->cons[c];
    uint32_t entry = K->entry;
    *ended = 0;
    cc_err rc = CC_OK;
    if (e->decision_state[d] == ST_PENDING)
        rc = cc_eng_fire(e, ITEM(CC_ITEM_DECISION, d));
    if (rc != CC_OK || K->entry != entry || e->consult_state[c] != ST_OPEN) {
        *ended = 1;
        return rc;
    }
    *ended = 1;
    if (e->decision_state[d] == ST_DONE)
        return finish_stage(e, c, "decided before the stage", cc_eng_option_id(e, d, (size_t)e->dec[d].outcome));
    if (e->decision_state[d] == ST_EXPIRED)
        return fail_consultation(e, c, "the decision expired before the stage");
    *ended = 0;
    if (e->dec[d].gov)
        return CC_OK; /* another consultation decides it: this stage ends when it is made */
    e->dec[d].gov = (int)c + 1;
    if (stage_rule(K) == CC_RULE_SILENCE)
        return CC_OK;
    for (size_t i = 0; i < e->s->nseats && rc == CC_OK; i++) {
        int v = e->dec[d].vote[i];
        if (!K->part[i] || v < 0)
            continue;
        K->acted[i] = 1;
        K->nacted++;
        advance_seq(K, e->s->nseats);
        rc = CC_EMITF(e, CC_EV_CONSULT_ACK, e->s->seats[i].id, e->s->consultations[c].label.text,
                      ITEM(CC_ITEM_CONSULTATION, c), 50 + K->stage,
                      CC_JF_S("consultation", e->s->consultations[c].id), CC_JF_S("stage", K->cur->id),
                      CC_JF_S("vote", cc_eng_option_id(e, d, (size_t)v)));
    }
    return rc;
}

cc_err cc_eng_start_stage(cc_engine *e, size_t c, int k)
{
    const cc_scenario *s = e->s;
    const cc_consultation *C = &s->consultations[c];
    crun *K = &e->cons[c];
    const cc_mechanism *M = &s->mechanisms[K->mech];
    K->stage = k;
    K->stage_start = e->now_ms;
    K->objected = 0;
    K->round = 1;
    K->revising = 0;
    K->nobjectors = 0;
    K->broken = 0;
    K->entry++;
    K->visit++;
    memset(K->objector, 0, s->nseats);
    K->cur = (size_t)k < M->nstages ? &M->stages[k] : NULL;
    if ((size_t)k >= M->nstages) {
        e->consult_state[c] = ST_DONE;
        e->st.consultations_done++;
        K->nearly = 0;
        return CC_EMITF(e, CC_EV_CONSULT_DONE, NULL, C->label.text, ITEM(CC_ITEM_CONSULTATION, c), ST_DONE,
                        CC_JF_S("consultation", C->id), CC_JF_S("mechanism", M->id));
    }
    const cc_stage *S = &M->stages[k];
    const uint8_t *named = e->stage_seats + (e->stage_base[K->mech] + (size_t)k) * s->nseats;
    const uint8_t *readable = e->cons_read + c * s->nseats;
    int d = C->decision_index;
    int decides = S->kind == CC_STAGE_DECIDE && d >= 0;
    K->nparts = K->nacted = 0;
    memset(K->acted, 0, s->nseats);
    K->seqpos = 0;
    for (size_t i = 0; i < s->nseats; i++) {
        K->part[i] = named[i] && readable[i] &&
                     (!decides || cc_label_permits(&s->decisions[d].label.label, &s->seats[i].clearance));
        K->nparts += K->part[i];
    }
    if (S->kind == CC_STAGE_DECIDE)
        K->reached_decide = 1;
    cc_err rc = CC_OK;
    if (!cc_eng_quiet(e, 40 + k)) {
        cc_jf f[9];
        size_t n = 0;
        f[n++] = CC_JF_S("consultation", C->id);
        f[n++] = CC_JF_S("stage", S->id);
        f[n++] = CC_JF_S("kind", cc_stage_kind_name(S->kind));
        f[n++] = CC_JF_I("index", k);
        f[n++] = CC_JF_S("mode", cc_stage_mode_name(S->mode));
        f[n] = CC_JF_PICKS("participants", &e->s->seats[0].id, sizeof e->s->seats[0], e->s->nseats, K->part);
        n++; /* apart: cppcheck reads the literal's .n as this n */
        if (S->has_deadline)
            f[n++] = CC_JF_I("deadline_ms", e->now_ms + S->deadline_s * 1000);
        if (S->max_rounds > 0)
            f[n++] = CC_JF_I("rounds", S->max_rounds);
        if (S->kind == CC_STAGE_DECIDE)
            f[n++] = CC_JF_S("rule", cc_rule_name(stage_rule(K)));
        rc = cc_eng_emit_fields(e, CC_EV_CONSULT_STAGE, NULL, C->label.text, f, n,
                                ITEM(CC_ITEM_CONSULTATION, c), 40 + k);
    }
    if (rc == CC_OK)
        rc = cc_eng_watch_stage(e, c, k);
    if (rc == CC_OK)
        rc = cc_eng_deliver_mask(e, "consultation", C->id, &C->label, named, readable,
                                 ITEM(CC_ITEM_CONSULTATION, c), -1, -1);
    K->deadline_ms = S->has_deadline ? e->now_ms + S->deadline_s * 1000 : INT64_MAX;
    if (rc == CC_OK && S->has_deadline)
        rc = cc_sched_push(&e->q, K->deadline_ms, K_STAGE_DEADLINE, (uint32_t)c, K->entry);
    /* items triggered by this stage starting */
    for (uint32_t j = e->staged.start[c]; rc == CC_OK && j < e->staged.start[c + 1]; j++) {
        const cc_when *w = cc_eng_item_when(s, e->staged.items[j]);
        if (w->stage && strcmp(w->stage, S->id) == 0)
            rc = cc_sched_push(&e->q, e->now_ms + cc_eng_trigger_delay_ms(e, w), K_FIRE, e->staged.items[j],
                               0);
    }
    if (rc == CC_OK && decides) {
        int ended;
        rc = take_decision(e, c, (size_t)d, &ended);
        if (rc != CC_OK || ended)
            return rc;
    }
    if (rc != CC_OK)
        return rc;
    if (K->nparts == 0)
        return finish_stage(e, c, NULL, NULL);
    if (stage_complete(e, c))
        return complete_stage(e, c);
    if (e->any_waiting && (rc = cc_eng_arm_waiting(e, c)) != CC_OK)
        return rc;
    if (S->mode == CC_MODE_SEQUENTIAL && S->kind != CC_STAGE_DECIDE) {
        int first = cc_eng_next_in_sequence(K, s->nseats);
        return first >= 0 ? offer_stage(e, c, (size_t)first) : CC_OK;
    }
    return offer_all(e, c);
}

/* Whether the seat may act now in the current stage of consultation c: a participant that has not
 * acted, whose turn it is in a sequential stage, and not while the requester revises. */
static inline int may_act(const cc_engine *e, size_t c, size_t seat)
{
    const crun *K = &e->cons[c];
    if (e->consult_state[c] != ST_OPEN || !K->cur || K->revising || !K->part[seat] || K->acted[seat])
        return 0;
    return K->cur->mode != CC_MODE_SEQUENTIAL || K->cur->kind == CC_STAGE_DECIDE ||
           cc_eng_next_in_sequence(K, e->s->nseats) == (int)seat;
}

int cc_eng_stage_has_rounds(const cc_engine *e, size_t c)
{
    const crun *K = &e->cons[c];
    return e->consult_state[c] == ST_OPEN && K->cur && K->cur->max_rounds > 0;
}

static cc_err stage_act_at(cc_engine *e, size_t c, size_t seat, cc_evtype type, const char *text,
                           int64_t since_ms)
{
    crun *K = &e->cons[c];
    if (!may_act(e, c, seat))
        return CC_OK; /* not a participant, already acted, or not this seat's turn yet */
    const cc_stage *S = K->cur;
    /* in a stage that decides a decision an acknowledgement or a position is no vote; under silence
     * it is consent (recorded, changes nothing) */
    int consent_only = S->kind == CC_STAGE_DECIDE && linked_decision(e, c) >= 0;
    if (consent_only && !silence_holds(K))
        return CC_OK;
    K->acted[seat] = 1;
    K->nacted++;
    advance_seq(K, e->s->nseats);
    cc_err rc = CC_OK;
    if (!cc_eng_quiet(e, 50 + K->stage)) {
        cc_jf f[6];
        size_t n = 0;
        f[n++] = CC_JF_S("consultation", e->s->consultations[c].id);
        f[n++] = CC_JF_S("stage", S->id);
        if (S->max_rounds > 0)
            f[n++] = CC_JF_I("round", K->round);
        if (text)
            f[n++] = CC_JF_S("text", text);
        if (text && text == e->in_text && e->in_lang) /* as cc_eng_mark_lang */
            f[n++] = CC_JF_S("lang", e->in_lang);
        if (since_ms >= 0)
            f[n++] = CC_JF_I("held_since", since_ms);
        rc = cc_eng_emit_fields(e, type, e->s->seats[seat].id, e->s->consultations[c].label.text, f, n,
                                ITEM(CC_ITEM_CONSULTATION, c), 50 + K->stage);
    }
    if (rc || consent_only)
        return rc;
    if (stage_complete(e, c))
        return complete_stage(e, c);
    if (S->mode == CC_MODE_SEQUENTIAL && S->kind != CC_STAGE_DECIDE && K->seqpos < e->s->nseats)
        /* advance_seq above stopped at the next seat to act; with no act held, offer_stage is offer_fresh */
        return K->nearly ? offer_stage(e, c, K->seqpos) : offer_fresh(e, c, K->seqpos);
    return CC_OK;
}

/* A seat acts in the current stage of consultation c (acknowledge, position...). */
cc_err cc_eng_stage_act(cc_engine *e, size_t c, size_t seat, cc_evtype type, const char *text)
{
    return stage_act_at(e, c, seat, type, text, -1);
}

static cc_err stage_vote_at(cc_engine *e, size_t c, size_t seat, const char *option, int64_t since_ms)
{
    crun *K = &e->cons[c];
    if (e->consult_state[c] != ST_OPEN || !K->cur)
        return CC_OK;
    if (K->cur->kind != CC_STAGE_DECIDE || !governs(e, c)) /* a vote outside a stage that decides: an act */
        return stage_act_at(e, c, seat, CC_EV_CONSULT_ACK, NULL, since_ms);
    if (!K->part[seat] || K->revising)
        return CC_OK;
    size_t d = (size_t)linked_decision(e, c);
    const cc_decision *D = &e->s->decisions[d];
    const cc_stage *S = K->cur;
    int k = option ? cc_eng_option_index(e, d, option) : -1;
    if (k < 0)
        return cc_eng_emit(e, CC_EV_DECISION_INVALID, e->s->seats[seat].id, D->label.text,
                           CC_LAZY(e, json_pack("{s:s,s:s,s:s}", "decision", D->id, "option",
                                                option ? option : "", "reason", "no such option")),
                           ITEM(CC_ITEM_DECISION, d), 20);
    json_t *p = CC_LAZY(e, json_pack("{s:s,s:s,s:s,s:s}", "decision", D->id, "option", option, "consultation",
                                     e->s->consultations[c].id, "stage", S->id));
    if (p && since_ms >= 0)
        json_object_set_new(p, "held_since", json_integer(since_ms));
    cc_err rc = cc_eng_emit(e, CC_EV_DECISION_VOTE, e->s->seats[seat].id, D->label.text, p,
                            ITEM(CC_ITEM_DECISION, d), 21);
    if (rc != CC_OK)
        return rc;
    if (silence_holds(K)) { /* a vote for the proposal is consent; for another option, an objection */
        if (k != adopt_index(e, c))
            return break_silence(e, c, seat);
        return CC_OK;
    }
    e->dec[d].vote[seat] = k;
    if (!K->acted[seat]) {
        K->acted[seat] = 1;
        K->nacted++;
        advance_seq(K, e->s->nseats);
        rc = CC_EMITF(e, CC_EV_CONSULT_ACK, e->s->seats[seat].id, e->s->consultations[c].label.text,
                      ITEM(CC_ITEM_CONSULTATION, c), 50 + K->stage,
                      CC_JF_S("consultation", e->s->consultations[c].id), CC_JF_S("stage", S->id));
    }
    if (rc == CC_OK && stage_complete(e, c))
        rc = complete_stage(e, c);
    return rc;
}

/* A seat votes in consultation c: in its current decide stage, for an option of the decision the
 * stage decides (a participant may change its vote while the stage is open); elsewhere the vote is
 * the seat's act in the stage. */
cc_err cc_eng_stage_vote(cc_engine *e, size_t c, size_t seat, const char *option)
{
    return stage_vote_at(e, c, seat, option, -1);
}

/* An objection that is the seat's review in the current stage: it counts as the seat's act, and the
 * objectors of a round review again in the next. *taken is 0 when the seat may not act now. */
cc_err cc_eng_stage_object(cc_engine *e, size_t c, size_t seat, int *taken)
{
    *taken = may_act(e, c, seat);
    if (!*taken)
        return CC_OK;
    crun *K = &e->cons[c];
    K->objected = 1;
    K->objector[seat] = 1;
    K->nobjectors++;
    return cc_eng_stage_act(e, c, seat, CC_EV_CONSULT_OBJECT, NULL);
}

/* A participant of the current stage objects: a review in a stage with rounds, breaking silence in
 * a silence procedure, a recorded dissent otherwise. Others' objections are not taken. */
cc_err cc_eng_consult_object(cc_engine *e, size_t c, size_t seat)
{
    crun *K = &e->cons[c];
    if (e->consult_state[c] != ST_OPEN || !K->cur || !K->part[seat])
        return CC_OK;
    if (K->cur->max_rounds > 0) {
        int taken;
        return cc_eng_stage_object(e, c, seat, &taken);
    }
    int breaks = silence_holds(K);
    K->objected = 1;
    cc_err rc = CC_EMITF(e, CC_EV_CONSULT_OBJECT, e->s->seats[seat].id, e->s->consultations[c].label.text,
                         ITEM(CC_ITEM_CONSULTATION, c), 82,
                         CC_JF_S("consultation", e->s->consultations[c].id), CC_JF_S("stage", K->cur->id));
    if (rc == CC_OK && breaks)
        return break_silence(e, c, seat);
    if (rc == CC_OK && e->any_objection_rule)
        rc = cc_eng_offer_consult(e, c, CC_AEV_OBJECTION, seat);
    return rc;
}

/* Holds an act of the seat for a later stage k of consultation c (docs/scenario-format.md). */
cc_err cc_eng_hold_act(cc_engine *e, size_t c, size_t seat, int k, cc_agent_action action, int option,
                       const char *text)
{
    crun *K = &e->cons[c];
    const cc_consultation *C = &e->s->consultations[c];
    for (size_t j = 0; j < K->nearly; j++)
        if (K->early[j].seat == seat && K->early[j].stage == k) /* a later act replaces an earlier one */
            K->early[j] = K->early[--K->nearly];
    early_act *n = cc_grow(K->early, &K->capearly, K->nearly + 1, sizeof *n);
    if (!n)
        return CC_ERR_NOMEM;
    K->early = n;
    const char *lang = text && text == e->in_text ? e->in_lang : NULL;
    if (text) {
        if (!e->added && !(e->added = cc_arena_new(0)))
            return CC_ERR_NOMEM;
        if (!(text = cc_arena_strdup(e->added, text)))
            return CC_ERR_NOMEM;
        if (lang && !(lang = cc_arena_strdup(e->added, lang)))
            return CC_ERR_NOMEM;
    }
    K->early[K->nearly++] = (early_act){(uint32_t)seat, k, action, option, text, lang, e->now_ms};
    const cc_stage *T = &e->s->mechanisms[K->mech].stages[k];
    json_t *p = CC_LAZY(e, json_pack("{s:s,s:s,s:s}", "consultation", C->id, "stage", T->id, "action",
                                     cc_action_names[action]));
    int d = linked_decision(e, c);
    if (p && action == CC_ACT_VOTE && d >= 0 && option >= 0)
        json_object_set_new(p, "option", json_string(cc_eng_option_id(e, (size_t)d, (size_t)option)));
    return cc_eng_emit(e, CC_EV_CONSULT_HELD, e->s->seats[seat].id, C->label.text, p,
                       ITEM(CC_ITEM_CONSULTATION, c), 3003);
}

/* The revision is done: the objectors of the last round review again. */
cc_err cc_eng_next_round(cc_engine *e, size_t c, int k)
{
    crun *K = &e->cons[c];
    if (e->consult_state[c] != ST_OPEN || K->stage != k || !K->revising)
        return CC_OK;
    const cc_scenario *s = e->s;
    const cc_consultation *C = &s->consultations[c];
    const cc_stage *S = &s->mechanisms[K->mech].stages[k];
    K->revising = 0;
    K->round++;
    K->visit++;
    memcpy(K->part, K->objector, s->nseats);
    K->nparts = K->nobjectors;
    K->nacted = K->nobjectors = 0;
    K->objected = 0;
    memset(K->acted, 0, s->nseats);
    memset(K->objector, 0, s->nseats);
    K->seqpos = 0;
    cc_err rc = CC_EMITF(
        e, CC_EV_CONSULT_ROUND, NULL, C->label.text, ITEM(CC_ITEM_CONSULTATION, c), 2000 + K->round,
        CC_JF_S("consultation", C->id), CC_JF_S("stage", S->id), CC_JF_I("round", K->round),
        CC_JF_PICKS("participants", &e->s->seats[0].id, sizeof e->s->seats[0], e->s->nseats, K->part));
    if (rc != CC_OK)
        return rc;
    if (S->mode == CC_MODE_SEQUENTIAL) {
        int first = cc_eng_next_in_sequence(K, s->nseats);
        return first >= 0 ? offer_stage(e, c, (size_t)first) : finish_stage(e, c, NULL, NULL);
    }
    return offer_all(e, c);
}

/* The deadline of the stage start `entry` passed. A silence procedure nobody broke succeeds: the
 * proposal is adopted and the stage ends, its deadline met. Any other open stage has missed it:
 * recorded, escalated, timeout triggers fired; it stays open. */
cc_err cc_eng_stage_deadline(cc_engine *e, size_t c, uint32_t entry)
{
    crun *K = &e->cons[c];
    if (e->consult_state[c] != ST_OPEN || K->entry != entry || !K->cur || e->now_ms < K->deadline_ms)
        return CC_OK; /* ... or control extended it: a later deadline event is scheduled */
    const cc_consultation *C = &e->s->consultations[c];
    const cc_stage *S = K->cur;
    if (silence_holds(K)) {
        if (!governs(e, c))
            return finish_stage(e, c, "silence", NULL);
        size_t d = (size_t)linked_decision(e, c);
        int o = adopt_index(e, c);
        if (o < 0)
            return fail_consultation(e, c, "nothing to adopt: the decision has no option");
        cc_err rc = cc_eng_decide(e, d, o, "silence");
        return rc ? rc : finish_stage(e, c, "silence", cc_eng_option_id(e, d, (size_t)o));
    }
    cc_err rc = CC_EMITF(e, CC_EV_CONSULT_DEADLINE, NULL, C->label.text, ITEM(CC_ITEM_CONSULTATION, c),
                         60 + K->stage, CC_JF_S("consultation", C->id), CC_JF_S("stage", S->id));
    if (rc == CC_OK && S->escalate_to.n)
        rc = escalate(e, c, S);
    for (uint32_t j = e->stage_timeout.start[c]; rc == CC_OK && j < e->stage_timeout.start[c + 1]; j++) {
        const cc_when *w = cc_eng_item_when(e->s, e->stage_timeout.items[j]);
        if (w->stage && strcmp(w->stage, S->id) == 0)
            rc = cc_sched_push(&e->q, e->now_ms + cc_eng_trigger_delay_ms(e, w), K_FIRE,
                               e->stage_timeout.items[j], 0);
    }
    return rc;
}

/* A decision was made outside the decide stages waiting for it: they end with its outcome. */
static cc_err consultations_on_decision(cc_engine *e, size_t d)
{
    cc_err rc = CC_OK;
    for (size_t c = 0; c < e->s->nconsultations && rc == CC_OK; c++) {
        const crun *K = &e->cons[c];
        if (linked_decision(e, c) != (int)d || e->consult_state[c] != ST_OPEN || !K->cur ||
            K->cur->kind != CC_STAGE_DECIDE || e->dec[d].gov == (int)c + 1)
            continue;
        rc = finish_stage(e, c, "decided outside the stage", cc_eng_option_id(e, d, (size_t)e->dec[d].outcome));
    }
    return rc;
}

/* Decision d expired: every consultation at a decide stage for it fails. */
cc_err cc_eng_decision_expired(cc_engine *e, size_t d)
{
    cc_err rc = CC_OK;
    for (size_t c = 0; c < e->s->nconsultations && rc == CC_OK; c++) {
        const crun *K = &e->cons[c];
        if (linked_decision(e, c) == (int)d && e->consult_state[c] == ST_OPEN && K->cur &&
            K->cur->kind == CC_STAGE_DECIDE)
            rc = fail_consultation(e, c, "the decision expired");
    }
    return rc;
}

/* Why seat may not take `action` on consultation c now (in stage `stage`, -1: the current one),
 * or NULL. For people's inputs (docs/scenario-format.md, "Who may act"). */
const char *cc_eng_act_refusal(const cc_engine *e, size_t c, size_t seat, cc_agent_action action, int stage)
{
    const cc_scenario *s = e->s;
    const crun *K = &e->cons[c];
    if (e->consult_state[c] != ST_OPEN || K->mech < 0 || !K->cur)
        return "the consultation is not in progress";
    if (!e->cons_read[c * s->nseats + seat])
        return "the seat may not read the consultation";
    const cc_mechanism *M = &s->mechanisms[K->mech];
    if (action == CC_ACT_ESCALATE || action == CC_ACT_REMIND) {
        if ((int)seat == s->consultations[c].requester_index)
            return NULL;
        /* a seat named in a stage it may not take part in (a decide stage whose decision it may
         * not read) is no participant: docs/scenario-format.md, "Who may act" */
        for (size_t k = 0; k < M->nstages; k++)
            if (cc_eng_takes_part(e, c, k, seat))
                return NULL;
        if (action == CC_ACT_REMIND && (K->asked[seat] & 2))
            return NULL; /* the consultation was escalated to the seat: it may remind */
        return "the seat takes no part in the consultation";
    }
    if (stage >= 0 && stage != K->stage) {
        if (stage < K->stage)
            return "that stage has ended";
        if (!cc_eng_takes_part(e, c, (size_t)stage, seat))
            return "the seat does not take part in that stage";
        return NULL; /* held for it */
    }
    if (!K->part[seat])
        return "the seat is not a participant of the consultation's current stage";
    const cc_stage *S = K->cur;
    if (action == CC_ACT_OBJECT && S->max_rounds == 0)
        return NULL;
    if (S->kind == CC_STAGE_DECIDE && linked_decision(e, c) >= 0 && e->dec[linked_decision(e, c)].gov == (int)c + 1) {
        if (action == CC_ACT_VOTE)
            return NULL; /* a vote may be changed while the stage is open */
        if (!silence_holds(K))
            return "this stage decides a decision: vote for one of its options";
    }
    if (K->acted[seat])
        return "the seat has already acted in this stage";
    if (K->revising)
        return "the requester is revising: the next round has not started";
    if (S->mode == CC_MODE_SEQUENTIAL && S->kind != CC_STAGE_DECIDE && cc_eng_next_in_sequence(K, s->nseats) != (int)seat)
        return "it is not the seat's turn in this sequential stage";
    return NULL;
}
