/* engine_consult — consultations through the stages of their mechanism, and decision points:
 * votes, proposals, objections and the four decision rules. Part of the engine (engine_int.h). */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/engine_int.h"

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
    cc_err rc = cc_eng_emit(e, "decision.made", NULL, D->label.text,
                            json_pack("{s:s,s:s,s:s,s:o}", "decision", D->id, "outcome",
                                      cc_eng_option_id(e, d, (size_t)outcome), "rule", how, "votes", votes),
                            ITEM(CC_ITEM_DECISION, d), ST_DONE);
    for (uint32_t k = e->decided.start[d]; rc == CC_OK && k < e->decided.start[d + 1]; k++) {
        const cc_when *w = cc_eng_item_when(e->s, e->decided.items[k]);
        if (!w->outcome || strcmp(w->outcome, cc_eng_option_id(e, d, (size_t)outcome)) == 0)
            rc = cc_sched_push(&e->q, e->now_ms + w->delay_s * 1000, K_FIRE, e->decided.items[k], 0);
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
    if (e->decision_state[d] != ST_OPEN || !R->decider[seat])
        return CC_OK;
    int k = cc_eng_option_index(e, d, option);
    if (k < 0)
        return cc_eng_emit(e, "decision.invalid", e->s->seats[seat].id, e->s->decisions[d].label.text,
                           CC_LAZY(e, json_pack("{s:s,s:s,s:s}", "decision", e->s->decisions[d].id, "option",
                                                option, "reason", "no such option")),
                           ITEM(CC_ITEM_DECISION, d), 20);
    R->vote[seat] = k;
    cc_err rc = cc_eng_emit(e, "decision.vote", e->s->seats[seat].id, e->s->decisions[d].label.text,
                            json_pack("{s:s,s:s}", "decision", e->s->decisions[d].id, "option", option),
                            ITEM(CC_ITEM_DECISION, d), 21);
    return rc ? rc : check_rule(e, d);
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
    cc_err rc = cc_eng_emit(
        e, "decision.propose", e->s->seats[seat].id, D->label.text,
        CC_LAZY(e, json_pack("{s:s,s:s,s:s}", "decision", D->id, "option", id, "text", text ? text : "")),
        ITEM(CC_ITEM_DECISION, d), 22);
    for (size_t i = 0; rc == CC_OK && i < e->s->nseats; i++)
        if (R->decider[i])
            rc = cc_eng_agent_offer(e, i, CC_AEV_PROPOSAL, ITEM(CC_ITEM_DECISION, d), -1, NULL, -1);
    return rc;
}

/* ---- consultations ------------------------------------------------------------------- */

static json_t *seats_json(const cc_engine *e, const uint8_t *mask)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < e->s->nseats; i++)
        if (mask[i])
            json_array_append_new(a, json_string(e->s->seats[i].id));
    return a;
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
    cc_err rc =
        cc_eng_emit(e, "consult.revise", NULL, C->label.text,
                    e->o.no_log ? NULL
                                : json_pack("{s:s,s:s,s:i,s:o,s:I}", "consultation", C->id, "stage", S->id,
                                            "round", K->round, "objectors", seats_json(e, K->objector),
                                            "revision_ms", (json_int_t)ms),
                    ITEM(CC_ITEM_CONSULTATION, c), 1000 + K->round);
    return rc ? rc : cc_sched_push(&e->q, e->now_ms + ms, K_ROUND, (uint32_t)c, (uint32_t)K->stage);
}

static cc_err finish_stage(cc_engine *e, size_t c)
{
    crun *K = &e->cons[c];
    const cc_mechanism *M = &e->s->mechanisms[K->mech];
    const cc_stage *S = &M->stages[K->stage];
    if (S->max_rounds > 0 && K->nobjectors > 0 && K->round < S->max_rounds)
        return start_revision(e, c);
    e->st.stages_completed++;
    if (e->o.observe_stage)
        e->o.observe_stage(e->o.observe_ctx, c, (size_t)K->stage, e->now_ms);
    json_t *p = NULL;
    if (!e->o.no_log) {
        p = json_pack("{s:s,s:s,s:s,s:I}", "consultation", e->s->consultations[c].id, "stage", S->id, "kind",
                      cc_stage_kind_name(S->kind), "duration_ms", (json_int_t)(e->now_ms - K->stage_start));
        if (p && S->max_rounds > 0) {
            json_object_set_new(p, "rounds", json_integer(K->round));
            json_object_set_new(p, "objectors", seats_json(e, K->objector));
        }
    }
    cc_err rc = cc_eng_emit(e, "consult.stage_done", NULL, e->s->consultations[c].label.text, p,
                            ITEM(CC_ITEM_CONSULTATION, c), 30 + K->stage);
    if (rc == CC_OK)
        rc = cc_eng_resolve_watches(e, CC_GRULE_STAGE_DEADLINE, ITEM(CC_ITEM_CONSULTATION, c), K->stage, 0);
    if (rc == CC_OK)
        rc = cc_eng_start_stage(e, c, K->stage + 1);
    return rc;
}

/* Whether the current stage is complete after an action. */
static int stage_complete(const cc_engine *e, size_t c)
{
    const crun *K = &e->cons[c];
    const cc_stage *S = K->cur;
    if (S->kind == CC_STAGE_DECIDE && e->s->consultations[c].decision_index >= 0)
        return e->decision_state[e->s->consultations[c].decision_index] == ST_DONE;
    if (S->kind == CC_STAGE_DECIDE && S->has_rule) {
        switch (S->rule) {
        case CC_RULE_UNANIMITY: return K->nacted == K->nparts;
        case CC_RULE_MAJORITY: return 2 * K->nacted > K->nparts;
        case CC_RULE_LEAD: return S->lead_index >= 0 && K->acted[S->lead_index];
        case CC_RULE_SILENCE: return 0; /* at the deadline */
        }
    }
    if (S->mode == CC_MODE_ANY)
        return K->nacted > 0;
    return K->nacted == K->nparts;
}

/* The seat that must act next in a sequential stage (lowest seat index not yet acted). */
int cc_eng_next_in_sequence(const crun *K, size_t nseats)
{
    for (size_t i = 0; i < nseats; i++)
        if (K->part[i] && !K->acted[i])
            return (int)i;
    return -1;
}

static cc_err offer_stage(cc_engine *e, size_t c, size_t seat)
{
    const crun *K = &e->cons[c];
    /* "request": the first time the consultation reaches the seat; "stage": every stage */
    cc_err rc = CC_OK;
    if (!K->asked[seat]) {
        K->asked[seat] = 1;
        rc = cc_eng_agent_offer(e, seat, CC_AEV_REQUEST, ITEM(CC_ITEM_CONSULTATION, c), -1, NULL, -1);
    }
    if (rc == CC_OK)
        rc = cc_eng_agent_offer(e, seat, CC_AEV_STAGE, ITEM(CC_ITEM_CONSULTATION, c), -1, NULL,
                                (int)K->cur->kind);
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
    memset(K->objector, 0, s->nseats);
    K->cur = (size_t)k < M->nstages ? &M->stages[k] : NULL;
    if ((size_t)k >= M->nstages) {
        e->consult_state[c] = ST_DONE;
        e->st.consultations_done++;
        return cc_eng_emit(e, "consult.done", NULL, C->label.text,
                           CC_LAZY(e, json_pack("{s:s,s:s}", "consultation", C->id, "mechanism", M->id)),
                           ITEM(CC_ITEM_CONSULTATION, c), ST_DONE);
    }
    const cc_stage *S = &M->stages[k];
    const uint8_t *named = e->stage_seats + (e->stage_base[K->mech] + (size_t)k) * s->nseats;
    const uint8_t *readable = e->cons_read + c * s->nseats;
    K->nparts = K->nacted = 0;
    memset(K->acted, 0, s->nseats);
    for (size_t i = 0; i < s->nseats; i++) {
        K->part[i] = named[i] && readable[i];
        K->nparts += K->part[i];
    }
    json_t *p = CC_LAZY(e, json_pack("{s:s,s:s,s:s,s:i,s:s,s:o}", "consultation", C->id, "stage", S->id,
                                     "kind", cc_stage_kind_name(S->kind), "index", k, "mode",
                                     S->mode == CC_MODE_ALL   ? "all"
                                     : S->mode == CC_MODE_ANY ? "any"
                                                              : "sequential",
                                     "participants", seats_json(e, K->part)));
    if (p && S->has_deadline)
        json_object_set_new(p, "deadline_ms", json_integer(e->now_ms + S->deadline_s * 1000));
    if (p && S->max_rounds > 0)
        json_object_set_new(p, "rounds", json_integer(S->max_rounds));
    if (S->kind == CC_STAGE_DECIDE)
        K->reached_decide = 1;
    cc_err rc =
        cc_eng_emit(e, "consult.stage", NULL, C->label.text, p, ITEM(CC_ITEM_CONSULTATION, c), 40 + k);
    if (rc == CC_OK)
        rc = cc_eng_watch_stage(e, c, k);
    if (rc == CC_OK)
        rc = cc_eng_deliver_mask(e, "consultation", C->id, &C->label, named, readable,
                                 ITEM(CC_ITEM_CONSULTATION, c), -1, -1);
    if (rc == CC_OK && S->has_deadline)
        rc = cc_sched_push(&e->q, e->now_ms + S->deadline_s * 1000, K_STAGE_DEADLINE, (uint32_t)c,
                           (uint32_t)k);
    /* items triggered by this stage starting */
    for (uint32_t j = e->staged.start[c]; rc == CC_OK && j < e->staged.start[c + 1]; j++) {
        const cc_when *w = cc_eng_item_when(s, e->staged.items[j]);
        if (w->stage && strcmp(w->stage, S->id) == 0)
            rc = cc_sched_push(&e->q, e->now_ms + w->delay_s * 1000, K_FIRE, e->staged.items[j], 0);
    }
    /* a decide stage of a consultation that informs a decision opens that decision */
    if (rc == CC_OK && S->kind == CC_STAGE_DECIDE && C->decision_index >= 0 &&
        e->decision_state[C->decision_index] == ST_PENDING)
        rc = cc_eng_fire(e, ITEM(CC_ITEM_DECISION, (size_t)C->decision_index));
    if (rc != CC_OK)
        return rc;
    if (K->nparts == 0 || stage_complete(e, c))
        return finish_stage(e, c);
    if (S->mode == CC_MODE_SEQUENTIAL) {
        int first = cc_eng_next_in_sequence(K, s->nseats);
        return first >= 0 ? offer_stage(e, c, (size_t)first) : CC_OK;
    }
    for (size_t i = 0; i < s->nseats && rc == CC_OK; i++)
        if (K->part[i])
            rc = offer_stage(e, c, i);
    return rc;
}

/* Whether the seat may act now in the current stage of consultation c: a participant that has not
 * acted, whose turn it is in a sequential stage, and not while the requester revises. */
static inline int may_act(const cc_engine *e, size_t c, size_t seat)
{
    const crun *K = &e->cons[c];
    if (e->consult_state[c] != ST_OPEN || !K->cur || K->revising || !K->part[seat] || K->acted[seat])
        return 0;
    return K->cur->mode != CC_MODE_SEQUENTIAL || cc_eng_next_in_sequence(K, e->s->nseats) == (int)seat;
}

int cc_eng_stage_has_rounds(const cc_engine *e, size_t c)
{
    const crun *K = &e->cons[c];
    return e->consult_state[c] == ST_OPEN && K->cur && K->cur->max_rounds > 0;
}

/* A seat acts in the current stage of consultation c (acknowledge, position, vote...). */
cc_err cc_eng_stage_act(cc_engine *e, size_t c, size_t seat, const char *type, const char *text)
{
    crun *K = &e->cons[c];
    if (!may_act(e, c, seat))
        return CC_OK; /* not a participant, already acted, or not this seat's turn yet */
    const cc_stage *S = K->cur;
    K->acted[seat] = 1;
    K->nacted++;
    json_t *p = NULL;
    if (!e->o.no_log) {
        p = json_pack("{s:s,s:s}", "consultation", e->s->consultations[c].id, "stage", S->id);
        if (p && S->max_rounds > 0)
            json_object_set_new(p, "round", json_integer(K->round));
        if (p && text)
            json_object_set_new(p, "text", json_string(text));
    }
    cc_err rc = cc_eng_emit(e, type, e->s->seats[seat].id, e->s->consultations[c].label.text, p,
                            ITEM(CC_ITEM_CONSULTATION, c), 50 + K->stage);
    if (rc)
        return rc;
    if (stage_complete(e, c))
        return finish_stage(e, c);
    if (S->mode == CC_MODE_SEQUENTIAL) {
        int next = cc_eng_next_in_sequence(K, e->s->nseats);
        if (next >= 0)
            return offer_stage(e, c, (size_t)next);
    }
    return CC_OK;
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
    return cc_eng_stage_act(e, c, seat, "consult.object", NULL);
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
    memcpy(K->part, K->objector, s->nseats);
    K->nparts = K->nobjectors;
    K->nacted = K->nobjectors = 0;
    K->objected = 0;
    memset(K->acted, 0, s->nseats);
    memset(K->objector, 0, s->nseats);
    cc_err rc =
        cc_eng_emit(e, "consult.round", NULL, C->label.text,
                    e->o.no_log ? NULL
                                : json_pack("{s:s,s:s,s:i,s:o}", "consultation", C->id, "stage", S->id,
                                            "round", K->round, "participants", seats_json(e, K->part)),
                    ITEM(CC_ITEM_CONSULTATION, c), 2000 + K->round);
    if (rc != CC_OK)
        return rc;
    if (S->mode == CC_MODE_SEQUENTIAL) {
        int first = cc_eng_next_in_sequence(K, s->nseats);
        return first >= 0 ? offer_stage(e, c, (size_t)first) : finish_stage(e, c);
    }
    for (size_t i = 0; i < s->nseats && rc == CC_OK; i++)
        if (K->part[i])
            rc = offer_stage(e, c, i);
    return rc;
}

cc_err cc_eng_stage_deadline(cc_engine *e, size_t c, int k)
{
    crun *K = &e->cons[c];
    if (e->consult_state[c] != ST_OPEN || K->stage != k)
        return CC_OK;
    const cc_consultation *C = &e->s->consultations[c];
    const cc_stage *S = &e->s->mechanisms[K->mech].stages[k];
    cc_err rc = cc_eng_emit(e, "consult.deadline", NULL, C->label.text,
                            json_pack("{s:s,s:s}", "consultation", C->id, "stage", S->id),
                            ITEM(CC_ITEM_CONSULTATION, c), 60 + k);
    if (rc == CC_OK && S->escalate_to.n) {
        rc = cc_eng_emit(e, "consult.escalate", NULL, C->label.text,
                         CC_LAZY(e, json_pack("{s:s,s:s,s:o}", "consultation", C->id, "stage", S->id, "to",
                                              cc_eng_refs_json(&S->escalate_to))),
                         ITEM(CC_ITEM_CONSULTATION, c), 70 + k);
        if (rc == CC_OK)
            rc = cc_eng_deliver(e, "consultation", C->id, &C->label, &S->escalate_to,
                                ITEM(CC_ITEM_CONSULTATION, c), -1, -1);
    }
    for (uint32_t j = e->stage_timeout.start[c]; rc == CC_OK && j < e->stage_timeout.start[c + 1]; j++) {
        const cc_when *w = cc_eng_item_when(e->s, e->stage_timeout.items[j]);
        if (w->stage && strcmp(w->stage, S->id) == 0)
            rc = cc_sched_push(&e->q, e->now_ms + w->delay_s * 1000, K_FIRE, e->stage_timeout.items[j], 0);
    }
    /* silence procedure: consent at the deadline unless someone objected */
    if (rc == CC_OK && S->kind == CC_STAGE_DECIDE && S->has_rule && S->rule == CC_RULE_SILENCE &&
        !K->objected && C->decision_index < 0)
        rc = finish_stage(e, c);
    return rc;
}

/* A decision was made: decide stages waiting for it complete. */
static cc_err consultations_on_decision(cc_engine *e, size_t d)
{
    cc_err rc = CC_OK;
    for (size_t c = 0; c < e->s->nconsultations && rc == CC_OK; c++) {
        crun *K = &e->cons[c];
        if (e->s->consultations[c].decision_index != (int)d || e->consult_state[c] != ST_OPEN ||
            K->mech < 0 || K->stage < 0 || (size_t)K->stage >= e->s->mechanisms[K->mech].nstages)
            continue;
        if (e->s->mechanisms[K->mech].stages[K->stage].kind == CC_STAGE_DECIDE)
            rc = finish_stage(e, c);
    }
    return rc;
}
