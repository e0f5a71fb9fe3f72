/* calib_log — observations of agent rules in event logs (see calib.h; the definitions this file
 * implements are docs/calibration.md, "What is observed"). A log is decoded whole (strictly, with its
 * hash chain), then replayed event by event: the events that offer a situation open an observation
 * for every matching rule of the seat's agent, an act of the seat closes the observation it
 * answers, and the end of a situation censors the ones still open. Part of calib (calib_int.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/duty.h"
#include "core/evlog.h"
#include "core/evtype.h"
#include "core/grow.h"
#include "core/idmap.h"
#include "core/label.h"
#include "sim/calib_int.h"

/* ---- one log ------------------------------------------------------------------------------ */

enum { CTX_CONSULT, CTX_DECISION, CTX_INJECT };
enum { END_VISIT, END_TARGET, END_CONSULT, END_DECISION, END_RUN };

/* An observation waiting for its act or its end. */
typedef struct open_obs {
    uint32_t seat, rule;
    uint8_t ctx, end;
    uint32_t item;  /* consultation, decision, or inject of the log */
    uint32_t visit; /* END_VISIT: the consultation's stage visit */
    int32_t target; /* END_TARGET: the stage it acts in */
    int64_t t0;
    uint64_t order;
} open_obs;

/* A consultation during the log. */
typedef struct cstate {
    int mech, stage, open;
    cc_stage_kind kind;
    cc_stage_mode mode;
    uint32_t visit;
    uint32_t *part; /* participants of the current visit, as listed */
    size_t npart;
    uint8_t *acted, *asked; /* nseats each */
    uint8_t *held;          /* nstages x nseats: an act held for that stage */
    size_t nheld;           /* acts held, for any seat and stage */
} cstate;

/* An inject of the log: the scenario's, then those added during play. */
typedef struct linj {
    const char *id;
    int channel;
    const json_t *classes; /* added injects: the inject.add's "class" */
} linj;

/* What an event of a seat is, as an act (docs/calibration.md, the act column). */
typedef enum act_kind {
    A_ACK,      /* consult.ack in consultation c's current stage */
    A_POSITION, /* consult.position */
    A_VOTE,     /* decision.vote in c's current stage (decision d, option) */
    A_OBJECT,   /* consult.object in c's current stage */
    A_ESCALATE, /* consult.escalate by the seat, consultation c */
    A_HELD,     /* consult.held: stage k of c, action */
    A_DVOTE,    /* decision.vote on d outside a stage */
    A_PROPOSE,  /* decision.propose on d */
    A_DOBJECT,  /* decision.object on d */
    A_INJ_ACK,  /* inject.ack of inject i */
    A_SHARE,    /* message forwarding inject i */
    A_INJ_ESC,  /* inject.escalate of inject i */
    A_LOST      /* message.lost of action */
} act_kind;

typedef struct act_desc {
    act_kind kind;
    int c, d, i, k;
    const char *option;
    cc_agent_action action; /* A_HELD, A_LOST */
} act_desc;

typedef struct logst {
    cc_calib *c;
    const cc_scenario *s;
    cc_evrec *ev;
    size_t nev;
    uint8_t *played; /* nseats: 1 an agent, 2 a person, 0 nobody (or absent) */
    uint8_t *absent;
    cstate *cons;
    uint8_t *dec_open, *dec_recv; /* ndecisions; ndecisions x nseats */
    linj *inj;
    size_t ninj, capinj;
    int dctx, ditem; /* what the deliveries that follow offer: 0 none, 1 inject, 2 message */
    open_obs *open;
    size_t nopen, capopen;
    uint64_t order;
    int64_t now;
    int oom;
} logst;

static const char *pstr(const cc_evrec *e, const char *key)
{
    return json_string_value(json_object_get(e->payload, key));
}

static int seat_of(const logst *L, const char *id)
{
    return id ? cc_idmap_get(L->c->seat_ids, id) : -1;
}

static int cons_of(const logst *L, const cc_evrec *e)
{
    const char *id = pstr(e, "consultation");
    return id ? cc_idmap_get(L->c->cons_ids, id) : -1;
}

static int dec_of(const logst *L, const cc_evrec *e)
{
    const char *id = pstr(e, "decision");
    return id ? cc_idmap_get(L->c->dec_ids, id) : -1;
}

static int inj_of(const logst *L, const char *id)
{
    if (!id)
        return -1;
    int i = cc_idmap_get(L->c->inj_ids, id);
    if (i >= 0)
        return i;
    for (size_t k = L->s->ninjects; k < L->ninj; k++)
        if (strcmp(L->inj[k].id, id) == 0)
            return (int)k;
    return -1;
}

static int stage_index(const logst *L, int c, const char *id)
{
    int m = L->cons[c].mech;
    if (m < 0 || !id)
        return -1;
    const cc_mechanism *M = &L->s->mechanisms[m];
    for (size_t k = 0; k < M->nstages; k++)
        if (strcmp(M->stages[k].id, id) == 0)
            return (int)k;
    return -1;
}

/* The engine's takes_part: named by stage k, may read the consultation (and a decide stage's
 * linked decision). */
static int takes_part(const logst *L, int c, size_t k, size_t seat)
{
    const cc_scenario *s = L->s;
    const cc_consultation *C = &s->consultations[c];
    const cc_stage *S = &s->mechanisms[L->cons[c].mech].stages[k];
    int named = 0;
    for (size_t r = 0; r < S->participants.n && !named; r++)
        named = cc_scenario_ref_has_seat(s, &S->participants.v[r], seat);
    if (!named || !cc_label_permits(&C->label.label, &s->seats[seat].clearance))
        return 0;
    if (S->kind == CC_STAGE_DECIDE && C->decision_index >= 0)
        return cc_label_permits(&s->decisions[C->decision_index].label.label, &s->seats[seat].clearance);
    return 1;
}

/* ---- observations: opening, closing ------------------------------------------------------ */

static void push_open(logst *L, open_obs o)
{
    open_obs *n = cc_grow(L->open, &L->capopen, L->nopen + 1, sizeof *n);
    if (!n) {
        L->oom = 1;
        return;
    }
    L->open = n;
    o.order = L->order++;
    L->open[L->nopen++] = o;
}

/* The earliest instant x in [lo, hi] with pred(x) true, pred monotone (false then true). */
static int64_t first_true(const cc_duty *d, int64_t lo, int64_t hi, int64_t target, int want_ge)
{
    while (lo < hi) {
        int64_t mid = lo + (hi - lo) / 2;
        int64_t n = cc_duty_next_on(d, mid);
        int ok = want_ge ? n >= target : n > target;
        if (ok)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

/* The observation of rule R of seat from t0 to t1 (scenario ms) in the rule's time, seconds
 * (docs/calibration.md, "Work time"): 0 when it carries nothing (censored after no time). */
static int measure(const logst *L, size_t seat, const cc_agent_rule *R, int64_t t0, int64_t t1, int acted,
                   cc_dfit_obs *o)
{
    const cc_scenario *s = L->s;
    cc_duty d = cc_scenario_seat_duty(s, seat);
    int64_t base = s->start_unix * 1000, a = base + t0, b = base + t1;
    double x;
    if (d.kind == CC_DUTY_WATCH) {
        x = (double)(t1 - t0);
    } else if (d.kind == CC_DUTY_ON_CALL) {
        int64_t v = t1 - t0 - (cc_duty_office(&d, a) ? 0 : d.callout_ms);
        x = (double)(v > 0 ? v : 0);
    } else if (!R->calendar_delay) {
        x = (double)cc_duty_on_between(&d, a, b);
    } else if (acted) {
        /* an act at the start of an on-duty stretch: D lies in the off-duty gap before it */
        if (b > a && cc_duty_next_on(&d, b - 1) == b && !cc_duty_office(&d, b - 1)) {
            int64_t g = first_true(&d, a, b, b, 1);
            *o = (cc_dfit_obs){(double)(g - a) / 1000.0, (double)(b - a) / 1000.0,
                               g < b ? CC_DFIT_INTERVAL : CC_DFIT_ACT};
            if (o->kind == CC_DFIT_ACT)
                o->b = o->a;
            return 1;
        }
        x = (double)(b - a);
    } else {
        /* censored: the act would have fallen by t1 exactly when t0 + D <= h */
        int64_t h = first_true(&d, a, b + 1, b, 0) - 1;
        x = (double)(h > a ? h - a : 0);
    }
    x /= 1000.0;
    if (!acted && !(x > 0))
        return 0;
    *o = acted ? (cc_dfit_obs){x, x, CC_DFIT_ACT} : (cc_dfit_obs){x, 0, CC_DFIT_CENSORED};
    return 1;
}

static void add_obs(logst *L, int g, size_t r, cc_dfit_obs o)
{
    cc_calib_rule *R = &L->c->groups[g].rules[r];
    size_t *cap = &L->c->caps[g][r];
    cc_dfit_obs *n = cc_grow(R->obs, cap, R->offers + 1, sizeof *n);
    if (!n) {
        L->oom = 1;
        return;
    }
    R->obs = n;
    R->obs[R->offers++] = o;
    R->acts += o.kind != CC_DFIT_CENSORED;
    R->intervals += o.kind == CC_DFIT_INTERVAL;
    R->censored += o.kind == CC_DFIT_CENSORED;
}

/* Closes open observation k at the current time: acted or censored. */
static void close_obs(logst *L, size_t k, int acted)
{
    open_obs o = L->open[k];
    L->open[k] = L->open[--L->nopen];
    int g = L->c->seat_group[o.seat];
    cc_calib_group *G = &L->c->groups[g];
    cc_calib_rule *R = &G->rules[o.rule];
    cc_dfit_obs x;
    if (measure(L, o.seat, R->tmpl, o.t0, L->now, acted, &x))
        add_obs(L, g, o.rule, x);
    else
        R->dropped++;
    if (acted && L->played[o.seat] == 1)
        G->agent_acts++;
}

/* Censors every open observation that end says has ended: kind end about item (and visit). */
static void end_open(logst *L, int end, uint32_t item, int64_t visit_or_target)
{
    for (size_t k = L->nopen; k-- > 0;) {
        const open_obs *o = &L->open[k];
        int hit;
        switch (end) {
        case END_VISIT: /* a stage visit of consultation item ended */
            hit = o->ctx == CTX_CONSULT && o->item == item &&
                  ((o->end == END_VISIT && o->visit == (uint32_t)visit_or_target) ||
                   (o->end == END_TARGET && o->target == L->cons[item].stage));
            break;
        case END_CONSULT: hit = o->ctx == CTX_CONSULT && o->item == item; break;
        case END_DECISION: hit = o->ctx == CTX_DECISION && o->item == item; break;
        default: hit = 1;
        }
        if (hit)
            close_obs(L, k, 0);
    }
}

/* Whether rule R's act matches: consultation acts need the observation bound to the stage where
 * the act happened. */
static int act_matches(const logst *L, const open_obs *o, const cc_agent_rule *R, const act_desc *a)
{
    cc_agent_action x = R->action;
    int here = 0; /* the observation belongs to c's current stage */
    if (o->ctx == CTX_CONSULT && a->c >= 0 && o->item == (uint32_t)a->c) {
        const cstate *K = &L->cons[a->c];
        here =
            (o->end == END_VISIT && o->visit == K->visit) || (o->end == END_TARGET && o->target == K->stage);
    }
    switch (a->kind) {
    case A_ACK: return here && (x == CC_ACT_ACKNOWLEDGE || x == CC_ACT_REVIEW || x == CC_ACT_VOTE);
    case A_POSITION: return here && x == CC_ACT_POSITION;
    case A_OBJECT:
        if (o->ctx == CTX_DECISION)
            return x == CC_ACT_OBJECT && a->d >= 0 && o->item == (uint32_t)a->d;
        return here && (x == CC_ACT_OBJECT || x == CC_ACT_REVIEW);
    case A_VOTE:
    case A_DVOTE:
        if (x != CC_ACT_VOTE || !R->option || !a->option || strcmp(R->option, a->option) != 0)
            return 0;
        if (o->ctx == CTX_DECISION)
            return a->d >= 0 && o->item == (uint32_t)a->d;
        return a->kind == A_VOTE && here;
    case A_ESCALATE:
        return x == CC_ACT_ESCALATE && o->ctx == CTX_CONSULT && o->end == END_CONSULT &&
               o->item == (uint32_t)a->c;
    case A_HELD:
        return o->ctx == CTX_CONSULT && o->end == END_TARGET && o->item == (uint32_t)a->c &&
               o->target == a->k &&
               (x == a->action ||
                (x == CC_ACT_REVIEW && (a->action == CC_ACT_ACKNOWLEDGE || a->action == CC_ACT_OBJECT)));
    case A_PROPOSE:
        if (x != CC_ACT_PROPOSE || a->d < 0)
            return 0;
        if (o->ctx == CTX_DECISION)
            return o->item == (uint32_t)a->d;
        return o->ctx == CTX_CONSULT && L->s->consultations[o->item].decision_index == a->d;
    case A_DOBJECT: return x == CC_ACT_OBJECT && o->ctx == CTX_DECISION && o->item == (uint32_t)a->d;
    case A_INJ_ACK:
        return o->ctx == CTX_INJECT && o->item == (uint32_t)a->i &&
               (x == CC_ACT_ACKNOWLEDGE || x == CC_ACT_REVIEW);
    case A_SHARE: return o->ctx == CTX_INJECT && o->item == (uint32_t)a->i && x == CC_ACT_SHARE;
    case A_INJ_ESC: return o->ctx == CTX_INJECT && o->item == (uint32_t)a->i && x == CC_ACT_ESCALATE;
    case A_LOST: return x == a->action;
    }
    return 0;
}

/* An act of seat: it answers the matching open observation offered first. */
static void seat_acts(logst *L, int seat, const act_desc *a)
{
    if (seat < 0 || !L->played[seat] || L->c->seat_group[seat] < 0) {
        if (seat >= 0 && L->played[seat] && L->c->seat_group[seat] < 0)
            L->c->unfitted++;
        return;
    }
    const cc_calib_group *G = &L->c->groups[L->c->seat_group[seat]];
    size_t best = SIZE_MAX;
    for (size_t k = 0; k < L->nopen; k++) {
        const open_obs *o = &L->open[k];
        if (o->seat == (uint32_t)seat && act_matches(L, o, &G->tmpl->rules[o->rule], a) &&
            (best == SIZE_MAX || o->order < L->open[best].order))
            best = k;
    }
    if (best == SIZE_MAX)
        return;
    cc_calib_rule *R = &L->c->groups[L->c->seat_group[seat]].rules[L->open[best].rule];
    if (R->tmpl->action == CC_ACT_REVIEW) {
        int obj = a->kind == A_OBJECT || (a->kind == A_HELD && a->action == CC_ACT_OBJECT);
        R->objections += obj;
        R->approvals += !obj && a->kind != A_LOST;
    }
    if (a->kind == A_LOST) {
        R->lost++;
        L->c->groups[L->c->seat_group[seat]].lost++;
    }
    close_obs(L, best, 1);
}

/* ---- offers ------------------------------------------------------------------------------- */

static int rule_matches_inject(const cc_agent_rule *R, const linj *I, const cc_scenario *s, size_t i)
{
    if (R->has_channel && (int)R->channel != I->channel)
        return 0;
    if (!R->inject_class)
        return 1;
    if (i < s->ninjects) {
        for (size_t k = 0; k < s->injects[i].classes.n; k++)
            if (strcmp(s->injects[i].classes.v[k], R->inject_class) == 0)
                return 1;
        return 0;
    }
    size_t k;
    json_t *v;
    json_array_foreach(I->classes, k, v) if (json_string_value(v) &&
                                             strcmp(json_string_value(v), R->inject_class) == 0) return 1;
    return 0;
}

/* Offers event ev about an item to seat: one observation per matching rule of its agent. */
static void offer(logst *L, int seat, cc_agent_event ev, int ctx, int item)
{
    if (seat < 0 || L->played[seat] == 0 || L->c->seat_group[seat] < 0)
        return;
    const cc_agent *A = L->c->groups[L->c->seat_group[seat]].tmpl;
    const cstate *K = ctx == CTX_CONSULT ? &L->cons[item] : NULL;
    for (size_t r = 0; r < A->nrules; r++) {
        const cc_agent_rule *R = &A->rules[r];
        if (R->on != ev)
            continue;
        if ((ev == CC_AEV_INJECT || ev == CC_AEV_MESSAGE) &&
            !rule_matches_inject(R, &L->inj[item], L->s, (size_t)item))
            continue;
        if (ev == CC_AEV_STAGE && R->has_stage && R->stage != K->kind)
            continue;
        open_obs o = {(uint32_t)seat, (uint32_t)r, (uint8_t)ctx, END_RUN, (uint32_t)item, 0, -1, L->now, 0};
        if (ctx == CTX_DECISION) {
            o.end = END_DECISION;
        } else if (ctx == CTX_CONSULT) {
            o.end = R->action == CC_ACT_ESCALATE || R->action == CC_ACT_SHARE ? END_CONSULT : END_VISIT;
            o.visit = K->visit;
            if (o.end == END_VISIT && ev == CC_AEV_REQUEST && R->has_stage) {
                const cc_mechanism *M = &L->s->mechanisms[K->mech];
                size_t j = (size_t)K->stage;
                while (j < M->nstages &&
                       !(M->stages[j].kind == R->stage && takes_part(L, item, j, (size_t)seat)))
                    j++;
                if (j == M->nstages)
                    continue; /* no such stage ahead for this seat */
                if ((int)j != K->stage) {
                    o.end = END_TARGET;
                    o.target = (int32_t)j;
                }
            }
        }
        push_open(L, o);
    }
}

/* The stage of consultation c is offered to seat (its start, or its turn), as the engine's
 * offer_stage: an act the seat held for it counts instead; the first offer is also the request
 * reaching the seat. */
static void offer_stage(logst *L, int c, int seat)
{
    cstate *K = &L->cons[c];
    if (K->nheld) {
        uint8_t *held = &K->held[(size_t)K->stage * L->s->nseats + (size_t)seat];
        if (*held) {
            K->asked[seat] = 1;
            *held = 0;
            K->nheld--;
            return;
        }
    }
    if (!K->asked[seat]) {
        K->asked[seat] = 1;
        offer(L, seat, CC_AEV_REQUEST, CTX_CONSULT, c);
    }
    offer(L, seat, CC_AEV_STAGE, CTX_CONSULT, c);
}

/* Offers the current stage visit: every participant, or in a sequential stage the first. */
static void offer_visit(logst *L, int c)
{
    cstate *K = &L->cons[c];
    int seq = K->mode == CC_MODE_SEQUENTIAL && K->kind != CC_STAGE_DECIDE;
    for (size_t k = 0; k < K->npart; k++) {
        offer_stage(L, c, (int)K->part[k]);
        if (seq)
            break;
    }
}

/* After seat acted in c's current stage: mark it; in a sequential stage the next is offered. */
static void stage_acted(logst *L, int c, int seat)
{
    cstate *K = &L->cons[c];
    if (seat < 0 || K->stage < 0 || K->acted[seat])
        return;
    K->acted[seat] = 1;
    if (K->mode != CC_MODE_SEQUENTIAL || K->kind == CC_STAGE_DECIDE)
        return;
    for (size_t k = 0; k < K->npart; k++)
        if (!K->acted[K->part[k]]) {
            offer_stage(L, c, (int)K->part[k]);
            return;
        }
}

/* The seat's other observations of c's current stage end with its act (the engine voids a second
 * act there), except in a decide stage that decides a decision, where votes may change. */
static void competing_end(logst *L, int c, int seat)
{
    const cstate *K = &L->cons[c];
    if (K->kind == CC_STAGE_DECIDE && L->s->consultations[c].decision_index >= 0)
        return;
    for (size_t k = L->nopen; k-- > 0;) {
        const open_obs *o = &L->open[k];
        if (o->seat == (uint32_t)seat && o->ctx == CTX_CONSULT && o->item == (uint32_t)c &&
            ((o->end == END_VISIT && o->visit == K->visit) ||
             (o->end == END_TARGET && o->target == K->stage)))
            close_obs(L, k, 0);
    }
}

/* ---- events ------------------------------------------------------------------------------- */

/* A new stage visit of c (consult.stage or consult.round): participants from the payload. */
static void new_visit(logst *L, int c, const cc_evrec *e, int k, int is_round)
{
    cstate *K = &L->cons[c];
    end_open(L, END_VISIT, (uint32_t)c, K->visit);
    const cc_scenario *s = L->s;
    if (!is_round) {
        const cc_stage *S = &s->mechanisms[K->mech].stages[k];
        K->stage = k;
        K->kind = S->kind;
        K->mode = S->mode;
    }
    K->visit++;
    memset(K->acted, 0, s->nseats);
    K->npart = 0;
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(e->payload, "participants"), i, v)
    {
        int seat = seat_of(L, json_string_value(v));
        if (seat >= 0 && K->npart < s->nseats)
            K->part[K->npart++] = (uint32_t)seat;
    }
    offer_visit(L, c);
}

static void on_consult_event(logst *L, const cc_evrec *e)
{
    int c = cons_of(L, e);
    if (c < 0)
        return;
    cstate *K = &L->cons[c];
    cc_evtype t = cc_evtype_of(e->type);
    if (t == CC_EV_CONSULT_REQUEST) {
        const char *m = pstr(e, "mechanism");
        K->mech = m ? cc_idmap_get(L->c->mech_ids, m) : -1;
        K->open = K->mech >= 0;
        return;
    }
    if (!K->open)
        return;
    switch (t) {
    case CC_EV_CONSULT_STAGE: {
        json_int_t k = json_integer_value(json_object_get(e->payload, "index"));
        if (k >= 0 && (size_t)k < L->s->mechanisms[K->mech].nstages)
            new_visit(L, c, e, (int)k, 0);
        break;
    }
    case CC_EV_CONSULT_ROUND:
        if (K->stage >= 0)
            new_visit(L, c, e, K->stage, 1);
        break;
    case CC_EV_CONSULT_STAGE_DONE:
    case CC_EV_CONSULT_RETURN:
        end_open(L, END_VISIT, (uint32_t)c, K->visit);
        K->visit++;
        K->stage = -1;
        break;
    case CC_EV_CONSULT_FAILED:
    case CC_EV_CONSULT_DONE:
        end_open(L, END_VISIT, (uint32_t)c, K->visit);
        end_open(L, END_CONSULT, (uint32_t)c, 0);
        K->open = 0;
        K->stage = -1;
        K->nheld = 0;
        break;
    default: break;
    }
}

/* The action a record names ("action": "share"), as a seat takes it (not "remind"); -1 when none. */
static int seat_action(const char *name)
{
    int x = cc_name_index(cc_action_names, name);
    return x < CC_ACT_REMIND ? x : -1;
}

/* consult.ack / consult.position / consult.object / consult.held / consult.escalate by a seat. */
static void on_consult_act(logst *L, const cc_evrec *e, const cc_evrec *prev)
{
    int c = cons_of(L, e), seat = seat_of(L, e->actor);
    if (c < 0 || seat < 0 || !L->cons[c].open)
        return;
    cstate *K = &L->cons[c];
    cc_evtype t = cc_evtype_of(e->type);
    act_desc a = {A_ACK, c, L->s->consultations[c].decision_index, -1, -1, NULL, CC_ACT_ACKNOWLEDGE};
    if (t == CC_EV_CONSULT_ESCALATE) {
        if (pstr(e, "by")) {
            a.kind = A_ESCALATE;
            seat_acts(L, seat, &a);
        }
        return;
    }
    if (t == CC_EV_CONSULT_HELD) {
        int k = stage_index(L, c, pstr(e, "stage"));
        int x = seat_action(pstr(e, "action"));
        a.kind = A_HELD;
        a.k = k;
        if (x >= 0)
            a.action = (cc_agent_action)x;
        if (k >= 0) {
            uint8_t *h = &K->held[(size_t)k * L->s->nseats + (size_t)seat];
            K->nheld += !*h;
            *h = 1;
            seat_acts(L, seat, &a);
        }
        return;
    }
    if (K->stage < 0 || stage_index(L, c, pstr(e, "stage")) != K->stage)
        return;
    /* a held act counting at the stage's start, a vote counted from before the stage, or the
     * acknowledgement that follows a seat's vote in a decide stage: no act of its own */
    int consequence = json_object_get(e->payload, "held_since") || json_object_get(e->payload, "vote") ||
                      (prev && cc_evtype_of(prev->type) == CC_EV_DECISION_VOTE && prev->actor && e->actor &&
                       strcmp(prev->actor, e->actor) == 0 && t == CC_EV_CONSULT_ACK);
    int ends = t != CC_EV_CONSULT_OBJECT || json_object_get(e->payload, "round") != NULL;
    if (!consequence) {
        a.kind = t == CC_EV_CONSULT_ACK ? A_ACK : t == CC_EV_CONSULT_POSITION ? A_POSITION : A_OBJECT;
        seat_acts(L, seat, &a);
    }
    if (ends) {
        competing_end(L, c, seat);
        stage_acted(L, c, seat);
    }
}

static void on_decision_event(logst *L, const cc_evrec *e)
{
    int d = dec_of(L, e), seat = seat_of(L, e->actor);
    if (d < 0)
        return;
    act_desc a = {A_DVOTE, -1, d, -1, -1, pstr(e, "option"), CC_ACT_VOTE};
    switch (cc_evtype_of(e->type)) {
    case CC_EV_DECISION_OPEN:
        L->dec_open[d] = 1;
        memset(L->dec_recv + (size_t)d * L->s->nseats, 0, L->s->nseats);
        break;
    case CC_EV_DECISION_MADE:
    case CC_EV_DECISION_DEADLINE:
        L->dec_open[d] = 0;
        end_open(L, END_DECISION, (uint32_t)d, 0);
        break;
    case CC_EV_DECISION_VOTE: {
        int c = cons_of(L, e);
        if (json_object_get(e->payload, "held_since"))
            return; /* a held vote: counted where it was held */
        if (c >= 0 && L->cons[c].open && L->cons[c].stage >= 0 &&
            stage_index(L, c, pstr(e, "stage")) == L->cons[c].stage) {
            a.kind = A_VOTE;
            a.c = c;
        }
        seat_acts(L, seat, &a);
        break;
    }
    case CC_EV_DECISION_PROPOSE:
        a.kind = A_PROPOSE;
        seat_acts(L, seat, &a);
        for (size_t i = 0; L->dec_open[d] && i < L->s->nseats; i++)
            if (L->dec_recv[(size_t)d * L->s->nseats + i])
                offer(L, (int)i, CC_AEV_PROPOSAL, CTX_DECISION, d);
        break;
    case CC_EV_DECISION_OBJECT:
        a.kind = A_DOBJECT;
        seat_acts(L, seat, &a);
        break;
    default: break;
    }
}

static void on_delivery(logst *L, const cc_evrec *e)
{
    const char *kind = pstr(e, "kind"), *item = pstr(e, "item");
    int seat = seat_of(L, pstr(e, "seat"));
    if (!kind || !item || seat < 0)
        return;
    if (strcmp(kind, "decision") == 0) {
        int d = cc_idmap_get(L->c->dec_ids, item);
        if (d >= 0) {
            L->dec_recv[(size_t)d * L->s->nseats + (size_t)seat] = 1;
            offer(L, seat, CC_AEV_DECISION_OPEN, CTX_DECISION, d);
        }
    } else if (strcmp(kind, "inject") == 0 && L->dctx && inj_of(L, item) == L->ditem) {
        offer(L, seat, L->dctx == 1 ? CC_AEV_INJECT : CC_AEV_MESSAGE, CTX_INJECT, L->ditem);
    } else if (strcmp(kind, "message") == 0 && L->dctx == 3) {
        offer(L, seat, CC_AEV_MESSAGE, CTX_INJECT, L->ditem);
    }
}

/* message: a forward of an inject (an act of its sender; its deliveries offer on: message), a
 * reply to an inject (its deliveries offer on: message about that inject), or neither. */
static void on_message(logst *L, const cc_evrec *e)
{
    const char *kind = pstr(e, "kind");
    int seat = seat_of(L, e->actor);
    L->dctx = 0;
    if (kind && strcmp(kind, "forward") == 0 && pstr(e, "inject")) {
        int i = inj_of(L, pstr(e, "inject"));
        if (i < 0)
            return;
        act_desc a = {A_SHARE, -1, -1, i, -1, NULL, CC_ACT_SHARE};
        seat_acts(L, seat, &a);
        L->dctx = 2;
        L->ditem = i;
    } else if (kind && strcmp(kind, "message") == 0 && pstr(e, "reply_to")) {
        int i = inj_of(L, pstr(e, "reply_to"));
        if (i >= 0) {
            L->dctx = 3;
            L->ditem = i;
        }
    }
}

static void add_inject(logst *L, const cc_evrec *e)
{
    const char *id = pstr(e, "inject"), *ch = pstr(e, "channel");
    if (!id || inj_of(L, id) >= 0)
        return;
    linj *n = cc_grow(L->inj, &L->capinj, L->ninj + 1, sizeof *n);
    if (!n) {
        L->oom = 1;
        return;
    }
    L->inj = n;
    int channel = cc_name_index(cc_channel_names, ch);
    if (channel < 0)
        channel = 0;
    L->inj[L->ninj++] = (linj){id, channel, json_object_get(e->payload, "class")};
}

static void on_inject_event(logst *L, const cc_evrec *e)
{
    cc_evtype t = cc_evtype_of(e->type);
    int i = inj_of(L, pstr(e, "inject")), seat = seat_of(L, e->actor);
    if (t == CC_EV_INJECT_ADD) {
        add_inject(L, e);
        return;
    }
    if (i < 0)
        return;
    if (t == CC_EV_INJECT_RELEASE) {
        L->dctx = 1;
        L->ditem = i;
    } else if (t == CC_EV_INJECT_ACK || t == CC_EV_INJECT_ESCALATE) {
        act_desc a = {t == CC_EV_INJECT_ACK ? A_INJ_ACK : A_INJ_ESC, -1, -1, i, -1, NULL, CC_ACT_ACKNOWLEDGE};
        seat_acts(L, seat, &a);
    }
}

static void on_event(logst *L, size_t n)
{
    const cc_evrec *e = &L->ev[n], *prev = n ? &L->ev[n - 1] : NULL;
    L->now = e->t_ms;
    cc_evtype t = cc_evtype_of(e->type);
    switch (t) {
    case CC_EV_CONSULT_ACK:
    case CC_EV_CONSULT_POSITION:
    case CC_EV_CONSULT_OBJECT:
    case CC_EV_CONSULT_HELD:
    case CC_EV_CONSULT_ESCALATE: on_consult_act(L, e, prev); break;
    case CC_EV_DECISION_OPEN:
        on_decision_event(L, e);
        L->dctx = 0;
        break;
    case CC_EV_LABEL_DOWNGRADE: {
        int i = inj_of(L, pstr(e, "inject"));
        L->dctx = i >= 0;
        L->ditem = i;
        break;
    }
    case CC_EV_MESSAGE: on_message(L, e); break;
    case CC_EV_DELIVERY: on_delivery(L, e); break;
    case CC_EV_MESSAGE_LOST:
        /* the first attempt is the seat's act; an agent's retries of it (attempt 2, 3, ...) are not */
        if (json_integer_value(json_object_get(e->payload, "attempt")) <= 1) {
            int x = seat_action(pstr(e, "action"));
            act_desc a = {A_LOST, -1, -1, -1, -1, NULL, x >= 0 ? (cc_agent_action)x : CC_ACT_ACKNOWLEDGE};
            if (x >= 0)
                seat_acts(L, seat_of(L, e->actor), &a);
        }
        break;
    default:
        if (cc_evtype_is_consult(t))
            on_consult_event(L, e);
        else if (cc_evtype_is_decision(t))
            on_decision_event(L, e);
        else if (t >= CC_EV_INJECT_RELEASE && t <= CC_EV_INJECT_ADD)
            on_inject_event(L, e);
        break;
    }
}

/* ---- reading a log ------------------------------------------------------------------------ */

/* Decodes every line of text into L->ev, checking the chain. */
static cc_err decode_all(logst *L, const char *name, const char *text, size_t len, cc_calib_error *err)
{
    size_t cap = 0;
    for (size_t off = 0, line = 1; off < len; line++) {
        const char *nl = memchr(text + off, '\n', len - off);
        if (!nl) {
            cc_calib_fail(err, name, "line %zu: not terminated by a newline (a log cut short?)", line);
            return CC_ERR_PARSE;
        }
        cc_evrec *n = cc_grow(L->ev, &cap, L->nev + 1, sizeof *n);
        if (!n)
            return CC_ERR_NOMEM;
        L->ev = n;
        cc_evlog_error ee;
        cc_evrec *e = &L->ev[L->nev];
        if (cc_evlog_decode(text + off, (size_t)(nl - (text + off)), e, &ee) != CC_OK) {
            cc_calib_fail(err, name, "line %zu: %s", line, ee.message);
            return CC_ERR_PARSE;
        }
        L->nev++;
        const unsigned char zero[32] = {0};
        if (e->seq != L->nev - 1 || memcmp(e->prev, L->nev > 1 ? L->ev[L->nev - 2].hash : zero, 32) != 0) {
            cc_calib_fail(
                err, name,
                "line %zu: the hash chain is broken (seq %llu, or prev does not match the line before)", line,
                (unsigned long long)e->seq);
            return CC_ERR_PARSE;
        }
        off = (size_t)(nl - text) + 1;
    }
    if (L->nev == 0) {
        cc_calib_fail(err, name, "%s", "empty: no events");
        return CC_ERR_PARSE;
    }
    if (cc_evtype_of(L->ev[0].type) != CC_EV_RUN_START) {
        cc_calib_fail(err, name, "line 1: the first event is %s, not run.start", L->ev[0].type);
        return CC_ERR_PARSE;
    }
    return CC_OK;
}

/* Who played: run.start's auto less the absent, and the actors of inputs. */
static void who_played(logst *L)
{
    const cc_calib *c = L->c;
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(L->ev[0].payload, "auto"), i, v)
    {
        int seat = seat_of(L, json_string_value(v));
        if (seat >= 0)
            L->played[seat] = 1;
    }
    for (size_t n = 1; n < L->nev; n++) {
        int seat = seat_of(L, L->ev[n].actor);
        if (seat < 0)
            continue;
        cc_evtype t = cc_evtype_of(L->ev[n].type);
        if (t == CC_EV_SEAT_ABSENT)
            L->absent[seat] = 1;
        else if (t == CC_EV_INPUT && !L->played[seat])
            L->played[seat] = 2;
    }
    for (size_t k = 0; k < L->s->nseats; k++) {
        int g = c->seat_group[k];
        if (g < 0)
            continue;
        cc_calib_group *G = &c->groups[g];
        G->seat_logs += L->played[k] != 0;
        G->agent_seat_logs += L->played[k] == 1;
        G->absent += L->played[k] == 1 && L->absent[k];
        if (L->absent[k])
            L->played[k] = 0;
    }
}

static cc_err state_alloc(logst *L)
{
    const cc_scenario *s = L->s;
    size_t ns = s->nseats, nc = s->nconsultations, maxst = 1;
    for (size_t m = 0; m < s->nmechanisms; m++)
        maxst = s->mechanisms[m].nstages > maxst ? s->mechanisms[m].nstages : maxst;
    L->played = calloc(ns + 1, 1);
    L->absent = calloc(ns + 1, 1);
    L->cons = calloc(nc + 1, sizeof *L->cons);
    L->dec_open = calloc(s->ndecisions + 1, 1);
    L->dec_recv = calloc(s->ndecisions * ns + 1, 1);
    L->capinj = s->ninjects + 8;
    L->inj = calloc(L->capinj, sizeof *L->inj);
    if (!L->played || !L->absent || !L->cons || !L->dec_open || !L->dec_recv || !L->inj)
        return CC_ERR_NOMEM;
    for (size_t i = 0; i < s->ninjects; i++)
        L->inj[i] = (linj){s->injects[i].id, (int)s->injects[i].channel, NULL};
    L->ninj = s->ninjects;
    for (size_t c = 0; c < nc; c++) {
        cstate *K = &L->cons[c];
        K->mech = K->stage = -1;
        K->part = calloc(ns + 1, sizeof *K->part);
        K->acted = calloc(ns + 1, 1);
        K->asked = calloc(ns + 1, 1);
        K->held = calloc(maxst * ns + 1, 1);
        if (!K->part || !K->acted || !K->asked || !K->held)
            return CC_ERR_NOMEM;
    }
    return CC_OK;
}

static void state_free(logst *L)
{
    for (size_t c = 0; L->cons && c < L->s->nconsultations; c++) {
        free(L->cons[c].part);
        free(L->cons[c].acted);
        free(L->cons[c].asked);
        free(L->cons[c].held);
    }
    for (size_t n = 0; n < L->nev; n++)
        cc_evrec_clear(&L->ev[n]);
    free(L->ev);
    free(L->played);
    free(L->absent);
    free(L->cons);
    free(L->dec_open);
    free(L->dec_recv);
    free(L->inj);
    free(L->open);
}

cc_err cc_calib_add_log(cc_calib *c, const char *name, const char *text, size_t len, cc_calib_error *err)
{
    if (c->fitted) {
        cc_calib_fail(err, name, "%s", "the calibration was already fitted");
        return CC_ERR_ARG;
    }
    logst L = {.c = c, .s = c->s};
    cc_err rc = decode_all(&L, name, text, len, err);
    if (rc == CC_OK) {
        const char *pin = pstr(&L.ev[0], "scenario");
        if (!pin || strcmp(pin, c->hash) != 0) {
            cc_calib_fail(err, name, "a log of another scenario: its run.start pins sha256 %.64s, %s has %s",
                          pin ? pin : "(none)", c->s->file, c->hash);
            rc = CC_ERR_INVALID;
        }
    }
    char *copy = rc == CC_OK ? strdup(name) : NULL, stream[64] = "";
    if (rc == CC_OK)
        snprintf(stream, sizeof stream, "%.30s/%lld", pstr(&L.ev[0], "seed") ? pstr(&L.ev[0], "seed") : "-",
                 (long long)json_integer_value(json_object_get(L.ev[0].payload, "replication")));
    char *scopy = rc == CC_OK ? strdup(stream) : NULL;
    if (rc == CC_OK && c->nlogs == c->caplogs) { /* two arrays of one capacity */
        size_t cl = c->caplogs, cs = c->caplogs;
        char **n = cc_grow(c->logs, &cl, c->nlogs + 1, sizeof *n);
        char **m = n ? cc_grow(c->streams, &cs, c->nlogs + 1, sizeof *m) : NULL;
        if (n)
            c->logs = n;
        if (m) {
            c->streams = m;
            c->caplogs = cs;
        }
    }
    if (rc == CC_OK && (!copy || !scopy || c->nlogs == c->caplogs || state_alloc(&L) != CC_OK))
        rc = CC_ERR_NOMEM;
    if (rc == CC_OK) {
        who_played(&L);
        for (size_t n = 1; n < L.nev && !L.oom; n++)
            on_event(&L, n);
        L.now = L.ev[L.nev - 1].t_ms;
        end_open(&L, END_RUN, 0, 0);
        if (L.oom)
            rc = CC_ERR_NOMEM;
    }
    if (rc == CC_OK) {
        for (size_t i = 0; i < c->nlogs; i++)
            if (strcmp(c->streams[i], scopy) == 0) {
                c->shared++;
                break;
            }
        c->streams[c->nlogs] = scopy;
        c->logs[c->nlogs++] = copy;
        copy = scopy = NULL;
    } else if (rc == CC_ERR_NOMEM) {
        cc_calib_fail(err, name, "%s", "out of memory");
    }
    free(copy);
    free(scopy);
    state_free(&L);
    return rc;
}
