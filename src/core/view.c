/* view — see view.h. Who takes part in each consultation and decision is kept as the sequence
 * number of the event that made each seat take part (NEVER: not yet), so that a question about an
 * old event is answered as of that event. Every other answer comes from the event itself and the
 * scenario. */
#include "core/view.h"

#include "core/evaluation.h"

#include <stdlib.h>
#include <string.h>

#include "core/idmap.h"
#include "core/scenario_model.h"

#define NEVER UINT64_MAX

struct cc_view {
    const cc_scenario *s;
    cc_arena *a;
    cc_idmap *injects, *decisions, *consultations, *seats; /* seats: as cc_scenario_seat_index, hashed */
    uint64_t *cjoin; /* nconsultations x nseats: seq at which the seat came to take part */
    uint64_t *djoin; /* ndecisions x nseats */
    cc_label *note;  /* per seat: the label its notes are read under */
};

const char *cc_view_why_str(cc_view_why why)
{
    switch (why) {
    case CC_VIEW_HIDDEN: return "hidden";
    case CC_VIEW_LABEL: return "label";
    case CC_VIEW_FRAME: return "frame";
    case CC_VIEW_DELIVERED: return "delivered";
    case CC_VIEW_PARTICIPANT: return "participant";
    case CC_VIEW_OWN: return "own";
    case CC_VIEW_NOTES_PAD: return "notes pad";
    case CC_VIEW_EVALUATOR: return "evaluator";
    case CC_VIEW_CONTROL: return "control";
    case CC_VIEW_BYPASS: return "bypass";
    }
    return "?";
}

void cc_view_event_of(const cc_evrec *r, cc_view_event *out)
{
    out->seq = r->seq;
    out->type = cc_evtype_of(r->type);
    out->actor = r->actor;
    out->label = r->label;
    out->payload = r->payload;
}

static cc_idmap *index_ids(cc_arena *a, const void *base, size_t n, size_t size)
{
    cc_idmap *m = cc_idmap_new(a, n ? n : 1);
    for (size_t i = 0; m && i < n; i++)
        cc_idmap_put(m, *(const char *const *)((const char *)base + i * size), (int)i);
    return m;
}

/* The label a seat's notes are read under: its clearance's classification and caveats,
 * releasable to its party only. */
static cc_label note_label(const cc_seat *st)
{
    cc_label l;
    memset(&l, 0, sizeof l);
    l.policy_hash = st->clearance.policy_hash;
    l.cls = st->clearance.cls;
    l.originator = st->clearance.party;
    l.caveats = st->clearance.caveats;
    return l;
}

cc_err cc_view_new(const cc_scenario *s, cc_view **out)
{
    *out = NULL;
    cc_view *v = calloc(1, sizeof *v);
    if (!v)
        return CC_ERR_NOMEM;
    v->s = s;
    v->a = cc_arena_new(0);
    size_t n = s->nseats ? s->nseats : 1;
    if (v->a) {
        v->injects = index_ids(v->a, s->injects, s->ninjects, sizeof *s->injects);
        v->decisions = index_ids(v->a, s->decisions, s->ndecisions, sizeof *s->decisions);
        v->consultations = index_ids(v->a, s->consultations, s->nconsultations, sizeof *s->consultations);
        v->seats = index_ids(v->a, s->seats, s->nseats, sizeof *s->seats);
        v->cjoin = cc_arena_array(v->a, (s->nconsultations ? s->nconsultations : 1) * n, sizeof *v->cjoin);
        v->djoin = cc_arena_array(v->a, (s->ndecisions ? s->ndecisions : 1) * n, sizeof *v->djoin);
        v->note = cc_arena_array(v->a, n, sizeof *v->note);
    }
    if (!v->a || !v->injects || !v->decisions || !v->consultations || !v->seats || !v->cjoin || !v->djoin ||
        !v->note) {
        cc_view_free(v);
        return CC_ERR_NOMEM;
    }
    for (size_t i = 0; i < s->nseats; i++)
        v->note[i] = note_label(&s->seats[i]);
    cc_view_reset(v);
    *out = v;
    return CC_OK;
}

void cc_view_free(cc_view *v)
{
    if (!v)
        return;
    cc_arena_free(v->a);
    free(v);
}

void cc_view_reset(cc_view *v)
{
    const cc_scenario *s = v->s;
    for (size_t i = 0; i < s->nconsultations * s->nseats; i++)
        v->cjoin[i] = NEVER;
    for (size_t i = 0; i < s->ndecisions * s->nseats; i++)
        v->djoin[i] = NEVER;
}

size_t cc_view_nviewers(const cc_view *v)
{
    return v->s->nseats + 1;
}

/* ---- what an event is about ---- */

static const char *pstr(const json_t *p, const char *k)
{
    return json_string_value(json_object_get(p, k));
}

static int lookup(const cc_idmap *m, const char *id)
{
    return id ? cc_idmap_get(m, id) : -1;
}

static int seat_of(const cc_view *v, const char *id)
{
    return lookup(v->seats, id);
}

/* The scenario item an event is about (kind, index), or -1: a consultation's or decision's
 * event, an inject's, a delivery's or denial's item, a finding's subject. */
static int subject(const cc_view *v, const cc_view_event *e, cc_item_kind *kind)
{
    const json_t *p = e->payload;
    int i;
    if (cc_evtype_is_consult(e->type)) {
        *kind = CC_ITEM_CONSULTATION;
        return lookup(v->consultations, pstr(p, "consultation"));
    }
    if (cc_evtype_is_decision(e->type)) {
        *kind = CC_ITEM_DECISION;
        return lookup(v->decisions, pstr(p, "decision"));
    }
    const char *item = pstr(p, "item"), *k = pstr(p, "kind");
    if ((e->type == CC_EV_DELIVERY || e->type == CC_EV_DENIAL) && k) {
        if (strcmp(k, "inject") == 0)
            return *kind = CC_ITEM_INJECT, lookup(v->injects, item);
        if (strcmp(k, "decision") == 0)
            return *kind = CC_ITEM_DECISION, lookup(v->decisions, item);
        if (strcmp(k, "consultation") == 0)
            return *kind = CC_ITEM_CONSULTATION, lookup(v->consultations, item);
        return -1;
    }
    if (e->type == CC_EV_FINDING) {
        const char *sub = pstr(p, "subject");
        if ((i = lookup(v->consultations, sub)) >= 0)
            return *kind = CC_ITEM_CONSULTATION, i;
        if ((i = lookup(v->injects, sub)) >= 0)
            return *kind = CC_ITEM_INJECT, i;
        if ((i = lookup(v->decisions, sub)) >= 0)
            return *kind = CC_ITEM_DECISION, i;
        return -1;
    }
    *kind = CC_ITEM_INJECT;
    return lookup(v->injects, pstr(p, "inject"));
}

/* The scenario's label of an item (with the originator the engine read it with). */
static const cc_labelspec *item_label(const cc_view *v, cc_item_kind kind, int i)
{
    switch (kind) {
    case CC_ITEM_INJECT: return &v->s->injects[i].label;
    case CC_ITEM_DECISION: return &v->s->decisions[i].label;
    case CC_ITEM_CONSULTATION: return &v->s->consultations[i].label;
    }
    return NULL;
}

/* What the rule needs of one event, worked out once for all viewers. */
typedef struct evinfo {
    const cc_view_event *e;
    cc_item_kind kind;
    int item;      /* its scenario item, -1 none */
    int actor;     /* seat index of its actor, -1 none */
    int writer;    /* a note's writer (-1: control's note), -2: no note */
    bool labeled;  /* it carries a label ... */
    bool label_ok; /* ... that parses, read with its item's originator (else its actor's party) */
    cc_label label;
} evinfo;

static bool parse(const cc_view *v, const char *banner, int orig, cc_label *out)
{
    if (orig < -1 || orig >= (int)v->s->nparties)
        orig = -1;
    return cc_label_parse(v->s->policy, banner, strlen(banner), orig, out, NULL) == CC_OK;
}

/* The writer of a note: the note's actor, or the seat of the input that writes one; -1 for
 * control's note, -2 when e is no note. */
static int note_writer(const cc_view *v, const cc_view_event *e)
{
    if (e->type == CC_EV_NOTE)
        return seat_of(v, e->actor);
    if (e->type == CC_EV_INPUT) {
        const char *act = pstr(e->payload, "do");
        if (act && strcmp(act, "note") == 0)
            return seat_of(v, e->actor);
    }
    return -2;
}

static void info(const cc_view *v, const cc_view_event *e, evinfo *x)
{
    memset(x, 0, sizeof *x);
    x->e = e;
    x->item = subject(v, e, &x->kind);
    x->actor = seat_of(v, e->actor);
    x->writer = note_writer(v, e);
    x->labeled = e->label != NULL;
    if (!x->labeled)
        return;
    const cc_labelspec *ls = x->item >= 0 ? item_label(v, x->kind, x->item) : NULL;
    if (ls && ls->valid && ls->text && strcmp(ls->text, e->label) == 0) {
        x->label = ls->label; /* the item's own label, as the engine read it */
        x->label_ok = true;
    } else {
        /* the item's originator (the scenario's), else the actor's party */
        int orig = ls && ls->valid ? ls->label.originator
                   : x->actor >= 0 ? v->s->seats[x->actor].party_index
                                   : -1;
        x->label_ok = parse(v, e->label, orig, &x->label);
    }
}

/* ---- who takes part ---- */

static void join_at(uint64_t *slot, uint64_t seq)
{
    if (*slot == NEVER)
        *slot = seq;
}

void cc_view_feed(cc_view *v, const cc_view_event *e)
{
    const cc_scenario *s = v->s;
    const json_t *p = e->payload;
    size_t n = s->nseats, k;
    json_t *x;
    cc_item_kind kind;
    /* an inject has no join rows: its deliveries and denials (subject's "inject" kind) and any
     * other event about one change nothing here */
    if (e->type == CC_EV_DELIVERY || e->type == CC_EV_DENIAL) {
        const char *ik = pstr(p, "kind");
        if (ik && strcmp(ik, "inject") == 0)
            return;
    }
    int i = subject(v, e, &kind);
    if (i < 0 || kind == CC_ITEM_INJECT)
        return;
    if (e->type == CC_EV_DELIVERY) {
        int seat = seat_of(v, pstr(p, "seat"));
        if (seat >= 0 && kind == CC_ITEM_CONSULTATION)
            join_at(&v->cjoin[(size_t)i * n + (size_t)seat], e->seq);
        else if (seat >= 0 && kind == CC_ITEM_DECISION)
            join_at(&v->djoin[(size_t)i * n + (size_t)seat], e->seq);
    } else if (kind == CC_ITEM_CONSULTATION) {
        uint64_t *row = v->cjoin + (size_t)i * n;
        int actor = seat_of(v, e->actor);
        if (e->type == CC_EV_CONSULT_REQUEST && actor >= 0)
            join_at(&row[actor], e->seq);
        json_array_foreach(json_object_get(p, "participants"), k, x)
        {
            int seat = seat_of(v, json_string_value(x));
            if (seat >= 0)
                join_at(&row[seat], e->seq);
        }
    } else if (kind == CC_ITEM_DECISION && e->type == CC_EV_DECISION_OPEN) {
        /* the deciders the decision's label admits: the engine delivers it to them */
        uint64_t *row = v->djoin + (size_t)i * n;
        json_array_foreach(json_object_get(p, "deciders"), k, x)
        {
            int seat = seat_of(v, json_string_value(x));
            if (seat >= 0 && cc_scenario_seat_reads(s, (size_t)seat, &s->decisions[i].label))
                join_at(&row[seat], e->seq);
        }
    }
}

/* ---- the rule ---- */

static bool shares_cell(const cc_seat *a, const cc_seat *b)
{
    for (size_t i = 0; i < a->cell_index.n; i++)
        for (size_t k = 0; k < b->cell_index.n; k++)
            if (a->cell_index.v[i] >= 0 && a->cell_index.v[i] == b->cell_index.v[k])
                return true;
    return false;
}

static cc_view_why seat_note(const cc_view *v, int writer, size_t seat)
{
    const cc_scenario *s = v->s;
    if (writer < 0)
        return CC_VIEW_HIDDEN;
    if ((size_t)writer == seat)
        return CC_VIEW_OWN;
    if (!shares_cell(&s->seats[seat], &s->seats[writer]))
        return CC_VIEW_HIDDEN;
    return cc_label_permits(&v->note[writer], &s->seats[seat].clearance) ? CC_VIEW_NOTES_PAD : CC_VIEW_LABEL;
}

/* A seat's own act: its label read with the seat's party as originator. */
static cc_view_why own(const cc_view *v, const evinfo *x, size_t seat)
{
    if (x->actor != (int)seat)
        return CC_VIEW_HIDDEN;
    if (!x->labeled)
        return CC_VIEW_OWN;
    const cc_scenario *s = v->s;
    cc_label l;
    bool ok = parse(v, x->e->label, s->seats[seat].party_index, &l);
    return ok && cc_label_permits(&l, &s->seats[seat].clearance) ? CC_VIEW_OWN : CC_VIEW_LABEL;
}

/* An evaluator (docs/scenario-format.md, "Evaluator seats"): its own acts and notes; the run's
 * frame; the record of play (core/evaluation's cc_eval_see_type) when the event's label, read
 * with its item's originator, admits it; nothing else (other seats' inputs and notes, control's
 * holds and edits, audit records). */
static cc_view_why evaluator_why(const cc_view *v, const evinfo *x, size_t seat)
{
    if (x->writer > -2)
        return x->writer == (int)seat ? CC_VIEW_OWN : CC_VIEW_HIDDEN;
    if (x->actor == (int)seat)
        return own(v, x, seat);
    switch (cc_eval_see_type(x->e->type)) {
    case CC_EVAL_SEE_FRAME: return CC_VIEW_FRAME;
    case CC_EVAL_SEE_PLAY:
        if (x->labeled && !(x->label_ok && cc_label_permits(&x->label, &v->s->seats[seat].clearance)))
            return CC_VIEW_LABEL;
        return CC_VIEW_EVALUATOR;
    case CC_EVAL_SEE_NONE: break;
    }
    return CC_VIEW_HIDDEN;
}

static cc_view_why seat_why(const cc_view *v, const evinfo *x, size_t seat)
{
    const cc_view_event *e = x->e;
    if (v->s->seats[seat].evaluator)
        return evaluator_why(v, x, seat);
    if (x->writer > -2)
        return seat_note(v, x->writer, seat);
    switch (e->type) {
    case CC_EV_RUN_START:
    case CC_EV_RUN_END:
    case CC_EV_CLOCK_START:
    case CC_EV_CLOCK_PAUSE:
    case CC_EV_CLOCK_RESUME:
    case CC_EV_CLOCK_SPEED:
    case CC_EV_CLOCK_JUMP: return CC_VIEW_FRAME;
    case CC_EV_DELIVERY:
    case CC_EV_INJECT_WITHDRAW: /* the seat that loses an item is told so (the event has no content) */
        return seat_of(v, pstr(e->payload, "seat")) == (int)seat ? CC_VIEW_DELIVERED : CC_VIEW_HIDDEN;
    case CC_EV_INPUT:
    case CC_EV_INPUT_REFUSED:
    case CC_EV_MESSAGE:
    case CC_EV_INJECT_ACK:
    case CC_EV_INJECT_ESCALATE:
    case CC_EV_FEEDBACK_ANSWER:
    case CC_EV_SCORE_SUBMIT: return own(v, x, seat);
    case CC_EV_EVAL_OBSERVATION:
        /* a control-cell seat reads the evaluators' observations its clearance admits, as
         * control's console does (the report control reads without the bypass is such a seat's) */
        if (!v->s->seats[seat].control)
            return CC_VIEW_HIDDEN;
        if (x->labeled && !(x->label_ok && cc_label_permits(&x->label, &v->s->seats[seat].clearance)))
            return CC_VIEW_LABEL;
        return CC_VIEW_CONTROL;
    default: break;
    }
    if (x->item < 0 || !(cc_evtype_is_consult(e->type) || cc_evtype_is_decision(e->type)))
        return CC_VIEW_HIDDEN; /* control's: releases, denials, findings, ratings, holds, edits, audit */
    /* a participant, as of this event, whom the event's label admits */
    const uint64_t *join = x->kind == CC_ITEM_CONSULTATION ? v->cjoin : v->djoin;
    if (join[(size_t)x->item * v->s->nseats + seat] > e->seq)
        return CC_VIEW_HIDDEN;
    if (x->labeled && !(x->label_ok && cc_label_permits(&x->label, &v->s->seats[seat].clearance)))
        return CC_VIEW_LABEL;
    return CC_VIEW_PARTICIPANT;
}

/* Whether a seat of the control cell may read l. */
static bool control_reads(const cc_scenario *s, const cc_label *l)
{
    for (size_t i = 0; i < s->nseats; i++)
        if (s->seats[i].control && cc_label_permits(l, &s->seats[i].clearance))
            return true;
    return false;
}

static cc_view_why control_why(const cc_view *v, const evinfo *x)
{
    const cc_scenario *s = v->s;
    const cc_view_event *e = x->e;
    if (s->control_bypass)
        return CC_VIEW_BYPASS;
    if (cc_evtype_is_clock(e->type))
        return CC_VIEW_FRAME;
    if (x->writer > -2)
        return x->writer < 0 || control_reads(s, &v->note[x->writer]) ? CC_VIEW_CONTROL : CC_VIEW_LABEL;
    if (x->labeled)
        return x->label_ok && control_reads(s, &x->label) ? CC_VIEW_CONTROL : CC_VIEW_LABEL;
    /* what a seat's input says carries the label it states (a message, a position, a proposal) */
    if (e->type == CC_EV_INPUT && x->actor >= 0 && json_object_get(e->payload, "text")) {
        const char *banner = pstr(e->payload, "label");
        cc_label l;
        if (!banner || json_object_get(e->payload, "reply_to"))
            return CC_VIEW_LABEL;
        bool ok = parse(v, banner, s->seats[x->actor].party_index, &l);
        return ok && control_reads(s, &l) ? CC_VIEW_CONTROL : CC_VIEW_LABEL;
    }
    return CC_VIEW_CONTROL;
}

/* The rule per kind of viewer: an evaluator is one more case here. */
static cc_view_why viewer_why(const cc_view *v, const evinfo *x, cc_viewer who)
{
    switch (who.kind) {
    case CC_VIEWER_SEAT:
        return who.seat >= 0 && (size_t)who.seat < v->s->nseats ? seat_why(v, x, (size_t)who.seat)
                                                                : CC_VIEW_HIDDEN;
    case CC_VIEWER_CONTROL: return control_why(v, x);
    }
    return CC_VIEW_HIDDEN;
}

cc_view_why cc_view_why_for(const cc_view *v, const cc_view_event *e, cc_viewer who)
{
    evinfo x;
    info(v, e, &x);
    return viewer_why(v, &x, who);
}

void cc_view_decide(const cc_view *v, const cc_view_event *e, uint8_t *why)
{
    evinfo x;
    info(v, e, &x);
    size_t n = v->s->nseats;
    for (size_t i = 0; i < n; i++)
        why[i] = (uint8_t)viewer_why(v, &x, (cc_viewer){CC_VIEWER_SEAT, (int)i});
    why[n] = (uint8_t)viewer_why(v, &x, (cc_viewer){CC_VIEWER_CONTROL, -1});
}

int cc_view_control_reads(const cc_view *v, const cc_labelspec *l)
{
    return v->s->control_bypass || (l->valid && control_reads(v->s, &l->label));
}
