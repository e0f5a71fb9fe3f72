/* Tests of core/view, the one definition of who sees what: a national-only consultation and
 * decision seen by their participants (and no one else), the notes pad, a seat's own acts and
 * national messages, control with and without the bypass, answers as of an event's sequence
 * number; and the property over every seat of every sample (what a seat sees of an item is what
 * reached it; a note follows the pad rule, computed here from cells, parties and banners). */
#include <criterion/criterion.h>
#include <string.h>

#include "core/scenario_model.h"
#include "core/view.h"
#include "support/evtest.h"

#define MAX_EV 4000

typedef struct viewed {
    cc_scenario *s;
    cc_view *v;
    cc_evrec *ev;
    size_t n, nv; /* events, viewers */
    uint8_t *why; /* n x nv: cc_view_decide of each event as it was fed */
} viewed;

/* Runs scenario scen (every agent seat automated) with inputs, feeding each event to a view. */
static void view_log(viewed *w, const char *scen, const char *inputs)
{
    memset(w, 0, sizeof *w);
    w->s = ev_load(scen);
    unsigned char *autos = calloc(w->s->nseats + 1, 1);
    for (size_t i = 0; i < w->s->nseats; i++)
        autos[i] = w->s->seats[i].agent != NULL;
    w->ev = calloc(MAX_EV, sizeof *w->ev);
    w->n = ev_run_inputs(scen, inputs, autos, w->ev, MAX_EV);
    free(autos);
    cr_assert(w->n > 10 && w->n < MAX_EV);
    cr_assert_eq(cc_view_new(w->s, &w->v), CC_OK);
    w->nv = cc_view_nviewers(w->v);
    cr_assert_eq(w->nv, w->s->nseats + 1);
    w->why = calloc(w->n, w->nv);
    for (size_t k = 0; k < w->n; k++) {
        cc_view_event e;
        cc_view_event_of(&w->ev[k], &e);
        cc_view_feed(w->v, &e);
        cc_view_decide(w->v, &e, w->why + k * w->nv);
    }
}

static void viewed_free(viewed *w)
{
    cc_view_free(w->v);
    ev_clear_all(w->ev, w->n);
    free(w->ev);
    free(w->why);
    cc_scenario_free(w->s);
}

static int seat(const viewed *w, const char *id)
{
    int i = cc_scenario_seat_index(w->s, id);
    cr_assert(i >= 0, "no seat %s", id);
    return i;
}

/* Why a seat (or control: NULL) sees the first event of type with key = val, as decided when fed. */
static cc_view_why why(const viewed *w, const char *type, const char *key, const char *val, const char *who)
{
    const cc_evrec *e = ev_find(w->ev, w->n, type, key, val);
    cr_assert_not_null(e, "no %s with %s = %s", type, key ? key : "-", val ? val : "-");
    return (cc_view_why)w->why[e->seq * w->nv + (who ? (size_t)seat(w, who) : w->s->nseats)];
}

/* The same asked now, after every event was fed. */
static cc_view_why why_now(const viewed *w, const char *type, const char *key, const char *val,
                           const char *who)
{
    const cc_evrec *r = ev_find(w->ev, w->n, type, key, val);
    cr_assert_not_null(r);
    cc_view_event e;
    cc_view_event_of(r, &e);
    cc_viewer v = {who ? CC_VIEWER_SEAT : CC_VIEWER_CONTROL, who ? seat(w, who) : -1};
    return cc_view_why_for(w->v, &e, v);
}

#define EXPECT_WHY(got, want)                                                                                \
    cr_expect_eq((got), (want), "%s: %s, want %s", #got, cc_view_why_str(got), cc_view_why_str(want))

#define NATIONAL "tests/scenarios/valid/view-national.yaml", "tests/inputs/view-national.jsonl"

Test(view, a_national_consultation_and_decision_reach_their_participants_only)
{
    viewed w;
    view_log(&w, NATIONAL);
    /* the US participants see every event of the national-only consultation and decision */
    static const char *const cons[] = {"consult.stage", "consult.stage_done", "consult.done"};
    for (size_t k = 0; k < 3; k++) {
        EXPECT_WHY(why(&w, cons[k], "consultation", "C-US", "usa-chair"), CC_VIEW_PARTICIPANT);
        EXPECT_WHY(why(&w, cons[k], "consultation", "C-US", "usa-staff"), CC_VIEW_PARTICIPANT);
        EXPECT_WHY(why(&w, cons[k], "consultation", "C-US", "kor-chair"), CC_VIEW_HIDDEN);
        EXPECT_WHY(why(&w, cons[k], "consultation", "C-US", "usa-press"), CC_VIEW_HIDDEN);
        EXPECT_WHY(why(&w, cons[k], "consultation", "C-US", NULL), CC_VIEW_LABEL);
    }
    static const char *const dec[] = {"decision.open", "decision.vote", "decision.made"};
    for (size_t k = 0; k < 3; k++) {
        EXPECT_WHY(why(&w, dec[k], "decision", "D-US", "usa-chair"), CC_VIEW_PARTICIPANT);
        EXPECT_WHY(why(&w, dec[k], "decision", "D-US", "usa-staff"), CC_VIEW_PARTICIPANT);
        /* named a decider (through the co-chairs cell), but the label does not admit it */
        EXPECT_WHY(why(&w, dec[k], "decision", "D-US", "kor-chair"), CC_VIEW_HIDDEN);
        EXPECT_WHY(why(&w, dec[k], "decision", "D-US", NULL), CC_VIEW_LABEL);
    }
    /* the request: its requester at once; usa-staff only from the stage that named it on */
    EXPECT_WHY(why(&w, "consult.request", "consultation", "C-US", "usa-chair"), CC_VIEW_PARTICIPANT);
    EXPECT_WHY(why(&w, "consult.request", "consultation", "C-US", "usa-staff"), CC_VIEW_HIDDEN);
    EXPECT_WHY(why_now(&w, "consult.request", "consultation", "C-US", "usa-staff"), CC_VIEW_HIDDEN);
    EXPECT_WHY(why_now(&w, "consult.done", "consultation", "C-US", "usa-staff"), CC_VIEW_PARTICIPANT);
    /* a delivery: the seat it delivers to, and control; the KOR denial: control's */
    EXPECT_WHY(why(&w, "delivery", "seat", "usa-staff", "usa-staff"), CC_VIEW_DELIVERED);
    EXPECT_WHY(why(&w, "delivery", "seat", "usa-staff", "usa-chair"), CC_VIEW_HIDDEN);
    EXPECT_WHY(why(&w, "denial", "seat", "kor-chair", "kor-chair"), CC_VIEW_HIDDEN);
    EXPECT_WHY(why(&w, "denial", "seat", "kor-chair", NULL), CC_VIEW_LABEL);
    /* the release of the allied inject: control's alone */
    EXPECT_WHY(why(&w, "inject.release", "inject", "I-1", NULL), CC_VIEW_CONTROL);
    EXPECT_WHY(why(&w, "inject.release", "inject", "I-1", "usa-chair"), CC_VIEW_HIDDEN);
    EXPECT_WHY(why(&w, "inject.release", "inject", "I-2", NULL), CC_VIEW_LABEL);
    /* the run's frame: everyone */
    EXPECT_WHY(why(&w, "run.start", NULL, NULL, "kor-chair"), CC_VIEW_FRAME);
    EXPECT_WHY(why(&w, "run.end", NULL, NULL, NULL), CC_VIEW_FRAME);
    viewed_free(&w);
}

Test(view, notes_reach_the_writers_pad_under_the_writers_clearance)
{
    viewed w;
    view_log(&w, NATIONAL);
    /* usa-staff (SECRET, no caveat) shares usa-team with usa-chair and press with usa-press */
    const char *n = "staff note: usa-team and press cells";
    EXPECT_WHY(why(&w, "note", "text", n, "usa-staff"), CC_VIEW_OWN);
    EXPECT_WHY(why(&w, "note", "text", n, "usa-chair"), CC_VIEW_NOTES_PAD);
    EXPECT_WHY(why(&w, "note", "text", n, "usa-press"), CC_VIEW_LABEL); /* CONFIDENTIAL */
    EXPECT_WHY(why(&w, "note", "text", n, "kor-chair"), CC_VIEW_HIDDEN);
    EXPECT_WHY(why(&w, "note", "text", n, NULL), CC_VIEW_LABEL); /* no US seat in the control cell */
    /* usa-press (CONFIDENTIAL): its press cell-mate usa-staff reads it, usa-chair is no cell-mate */
    n = "press note: the press cell";
    EXPECT_WHY(why(&w, "note", "text", n, "usa-staff"), CC_VIEW_NOTES_PAD);
    EXPECT_WHY(why(&w, "note", "text", n, "usa-chair"), CC_VIEW_HIDDEN);
    /* usa-chair holds the NCG caveat, which its usa-team cell-mate lacks; kor-chair is of another party */
    n = "chair note: NCG caveat held";
    EXPECT_WHY(why(&w, "note", "text", n, "usa-chair"), CC_VIEW_OWN);
    EXPECT_WHY(why(&w, "note", "text", n, "usa-staff"), CC_VIEW_LABEL);
    EXPECT_WHY(why(&w, "note", "text", n, "kor-chair"), CC_VIEW_LABEL);
    EXPECT_WHY(why(&w, "note", "text", "KOR chair note", "usa-chair"), CC_VIEW_LABEL);
    EXPECT_WHY(why(&w, "note", "text", "KOR chair note", "kor-chair"), CC_VIEW_OWN);
    /* control's note: control's alone */
    EXPECT_WHY(why(&w, "note", "text", "control note", NULL), CC_VIEW_CONTROL);
    EXPECT_WHY(why(&w, "note", "text", "control note", "usa-chair"), CC_VIEW_HIDDEN);
    /* the input that writes a note is that note */
    const cc_evrec *in = NULL;
    for (size_t k = 0; k < w.n && !in; k++)
        if (strcmp(w.ev[k].type, "input") == 0 && strcmp(ev_str(w.ev[k].payload, "text"), n) == 0)
            in = &w.ev[k];
    cr_assert_not_null(in);
    for (size_t i = 0; i < w.nv; i++)
        cr_expect_eq(w.why[in->seq * w.nv + i], w.why[(in->seq + 1) * w.nv + i], "viewer %zu", i);
    cr_expect_str_eq(w.ev[in->seq + 1].type, "note");
    viewed_free(&w);
}

Test(view, own_acts_and_national_messages)
{
    viewed w;
    view_log(&w, NATIONAL);
    EXPECT_WHY(why(&w, "message", "text", "national message", "usa-chair"), CC_VIEW_OWN);
    EXPECT_WHY(why(&w, "message", "text", "national message", "usa-staff"), CC_VIEW_HIDDEN);
    EXPECT_WHY(why(&w, "message", "text", "national message", NULL), CC_VIEW_LABEL);
    EXPECT_WHY(why(&w, "message", "text", "allied message", NULL), CC_VIEW_LABEL); /* not REL TO EXCON */
    EXPECT_WHY(why(&w, "delivery", "item", "M1", "usa-staff"), CC_VIEW_DELIVERED);
    EXPECT_WHY(why(&w, "denial", "item", "M1", "kor-chair"), CC_VIEW_HIDDEN);
    EXPECT_WHY(why(&w, "delivery", "item", "M2", "kor-chair"), CC_VIEW_DELIVERED);
    /* the input stating a label control may not read */
    EXPECT_WHY(why(&w, "input", "text", "national message", NULL), CC_VIEW_LABEL);
    EXPECT_WHY(why(&w, "input", "text", "national message", "usa-chair"), CC_VIEW_OWN);
    EXPECT_WHY(why(&w, "input", "text", "national message", "usa-staff"), CC_VIEW_HIDDEN);
    /* an agent's acknowledgement of the consultation is its participant's */
    EXPECT_WHY(why(&w, "consult.ack", "consultation", "C-US", "usa-chair"), CC_VIEW_PARTICIPANT);
    viewed_free(&w);
}

Test(view, control_bypass_and_control_reads)
{
    viewed w;
    view_log(&w, NATIONAL);
    cr_expect(cc_view_control_reads(w.v, &w.s->injects[0].label), "I-1 is REL TO EXCON");
    cr_expect(!cc_view_control_reads(w.v, &w.s->injects[1].label), "I-2 is national");
    w.s->control_bypass = true;
    cr_expect(cc_view_control_reads(w.v, &w.s->injects[1].label));
    EXPECT_WHY(why_now(&w, "consult.stage", "consultation", "C-US", NULL), CC_VIEW_BYPASS);
    EXPECT_WHY(why_now(&w, "note", "text", "staff note: usa-team and press cells", NULL), CC_VIEW_BYPASS);
    /* the bypass is control's: the seats see what they saw */
    EXPECT_WHY(why_now(&w, "consult.stage", "consultation", "C-US", "kor-chair"), CC_VIEW_HIDDEN);
    w.s->control_bypass = false;
    viewed_free(&w);
}

Test(view, answers_are_as_of_the_event_and_reset_forgets)
{
    viewed w;
    view_log(&w, NATIONAL);
    /* asking again after the whole log gives what was decided when each event was fed */
    for (size_t k = 0; k < w.n; k++) {
        cc_view_event e;
        cc_view_event_of(&w.ev[k], &e);
        uint8_t now[16];
        cr_assert(w.nv <= sizeof now);
        cc_view_decide(w.v, &e, now);
        cr_expect_eq(memcmp(now, w.why + k * w.nv, w.nv), 0, "event %zu (%s) is answered otherwise now", k,
                     w.ev[k].type);
        for (size_t i = 0; i < w.nv; i++) {
            cc_viewer v = {i < w.s->nseats ? CC_VIEWER_SEAT : CC_VIEWER_CONTROL,
                           i < w.s->nseats ? (int)i : -1};
            cr_expect_eq(cc_view_why_for(w.v, &e, v), (cc_view_why)now[i]);
        }
    }
    /* a seat that is no seat sees nothing */
    const cc_evrec *start = ev_find(w.ev, w.n, "run.start", NULL, NULL);
    cc_view_event e;
    cc_view_event_of(start, &e);
    EXPECT_WHY(cc_view_why_for(w.v, &e, (cc_viewer){CC_VIEWER_SEAT, -1}), CC_VIEW_HIDDEN);
    EXPECT_WHY(cc_view_why_for(w.v, &e, (cc_viewer){CC_VIEWER_SEAT, (int)w.s->nseats}), CC_VIEW_HIDDEN);
    /* reset: nobody takes part in anything until it is fed again */
    cc_view_reset(w.v);
    EXPECT_WHY(why_now(&w, "consult.done", "consultation", "C-US", "usa-chair"), CC_VIEW_HIDDEN);
    EXPECT_WHY(why_now(&w, "decision.made", "decision", "D-US", "usa-staff"), CC_VIEW_HIDDEN);
    EXPECT_WHY(why_now(&w, "delivery", "seat", "usa-staff", "usa-staff"), CC_VIEW_DELIVERED);
    viewed_free(&w);
}

Test(view, every_reason_has_its_own_name)
{
    for (int a = CC_VIEW_HIDDEN; a <= CC_VIEW_BYPASS; a++) {
        cr_expect_str_neq(cc_view_why_str((cc_view_why)a), "?");
        cr_expect_eq(cc_view_sees((cc_view_why)a), a >= CC_VIEW_FRAME);
        for (int b = a + 1; b <= CC_VIEW_BYPASS; b++)
            cr_expect_str_neq(cc_view_why_str((cc_view_why)a), cc_view_why_str((cc_view_why)b));
    }
    cr_expect_str_eq(cc_view_why_str((cc_view_why)99), "?");
}

/* ---- the property over the samples ---- */

static bool in_cell(const cc_seat *st, const char *cell)
{
    for (size_t k = 0; k < st->cells.n; k++)
        if (strcmp(st->cells.v[k], cell) == 0)
            return true;
    return false;
}

/* Whether reader's clearance may read a note of writer: the banner of the writer's clearance (its
 * classification and caveats, no REL TO: the writer's party only), built from the scenario's words. */
static bool note_reads(const cc_scenario *s, int writer, size_t reader)
{
    const cc_seat *w = &s->seats[writer];
    cc_label l;
    cr_assert_eq(cc_label_build(s->policy, w->clearance_name, w->caveats.v, w->caveats.n, NULL, 0,
                                w->party_index, &l, NULL, NULL),
                 CC_OK);
    return cc_label_permits(&l, &s->seats[reader].clearance);
}

/* The pad rule: the writer, and its cell-mates that may read its notes. */
static bool pad_reads(const cc_scenario *s, int writer, size_t reader)
{
    const cc_seat *w = &s->seats[writer];
    bool mate = false;
    for (size_t k = 0; k < w->cells.n; k++)
        mate |= in_cell(&s->seats[reader], w->cells.v[k]);
    return (size_t)writer == reader || (mate && note_reads(s, writer, reader));
}

/* The item an event is about, as "kind:id" into buf, or "" (messages by their id). */
static const char *item_of(const cc_evrec *e, char *buf, size_t n)
{
    const json_t *p = e->payload;
    static const char *const keys[] = {"consultation", "decision", "inject"};
    buf[0] = 0;
    if (!strcmp(e->type, "delivery") || !strcmp(e->type, "denial"))
        snprintf(buf, n, "%s:%s", ev_str(p, "kind"), ev_str(p, "item"));
    else if (!strcmp(e->type, "message") && *ev_str(p, "message"))
        snprintf(buf, n, "message:%s", ev_str(p, "message"));
    else if (strncmp(e->type, "input", 5) != 0)
        for (size_t k = 0; k < 3 && !buf[0]; k++)
            if (*ev_str(p, keys[k]))
                snprintf(buf, n, "%s:%s", keys[k], ev_str(p, keys[k]));
    return buf;
}

static bool listed(char (*v)[80], size_t n, const char *x)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(v[i], x) == 0)
            return true;
    return false;
}

/* Every seat of a run: the items it sees an event of are the items that reached it (delivered,
 * requested, sent), every delivery to it is seen, and notes follow the pad rule. */
static size_t property(const char *scen, const char *inputs)
{
    viewed w;
    view_log(&w, scen, inputs);
    size_t checked = 0;
    char(*reached)[80] = calloc(w.n, 80), (*seen)[80] = calloc(w.n, 80), it[80];
    for (size_t i = 0; i < w.s->nseats; i++) {
        const char *id = w.s->seats[i].id;
        size_t nr = 0, ns = 0;
        for (size_t k = 0; k < w.n; k++) {
            const cc_evrec *e = &w.ev[k];
            cc_view_why y = (cc_view_why)w.why[k * w.nv + i];
            item_of(e, it, sizeof it);
            bool mine = e->actor && strcmp(e->actor, id) == 0;
            if ((!strcmp(e->type, "delivery") && !strcmp(ev_str(e->payload, "seat"), id)) ||
                (mine && (!strcmp(e->type, "consult.request") || !strcmp(e->type, "message"))))
                strcpy(reached[nr++], it);
            if (!strcmp(e->type, "delivery"))
                cr_expect_eq(cc_view_sees(y), strcmp(ev_str(e->payload, "seat"), id) == 0, "%s, event %zu",
                             id, k);
            if (!strcmp(e->type, "note")) {
                int wr = e->actor ? cc_scenario_seat_index(w.s, e->actor) : -1;
                cr_expect_eq(cc_view_sees(y), wr >= 0 && pad_reads(w.s, wr, i), "%s, note %zu", id, k);
            }
            if (cc_view_sees(y) && it[0] && !mine)
                strcpy(seen[ns++], it);
            checked++;
        }
        for (size_t k = 0; k < ns; k++)
            cr_expect(listed(reached, nr, seen[k]), "%s sees an event of %s, which never reached it", id,
                      seen[k]);
    }
    /* control without the bypass: a note when a control-cell seat's clearance may read it */
    w.s->control_bypass = false;
    for (size_t k = 0; k < w.n; k++) {
        const cc_evrec *e = &w.ev[k];
        if (strcmp(e->type, "note") != 0)
            continue;
        cc_view_event ve;
        cc_view_event_of(e, &ve);
        int wr = e->actor ? cc_scenario_seat_index(w.s, e->actor) : -1;
        bool want = wr < 0;
        for (size_t c = 0; c < w.s->nseats && wr >= 0; c++)
            want |= in_cell(&w.s->seats[c], w.s->cells[w.s->control_cell].id) && note_reads(w.s, wr, c);
        cr_expect_eq(cc_view_sees(cc_view_why_for(w.v, &ve, (cc_viewer){CC_VIEWER_CONTROL, -1})), want,
                     "note %zu", k);
    }
    free(reached);
    free(seen);
    viewed_free(&w);
    return checked;
}

Test(view, every_seat_of_every_sample_sees_what_reached_it)
{
    size_t checked = property("scenarios/ncg-policy-ttx.yaml", "tests/inputs/policy-people.jsonl");
    checked += property("scenarios/ncg-mil-ttx.yaml", NULL);
    checked += property("scenarios/ncg-interagency-sim.yaml", NULL);
    checked += property(NATIONAL);
    cr_expect_gt(checked, 5000);
}
