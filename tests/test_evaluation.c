/* Tests of core/evaluation and the engine's evaluation inputs (core/engine_eval.c): the timeline
 * of docs/scenario-format.md ("Participant feedback"), observations and their refusals, scores and
 * the weighted score worked out there, evaluators kept out of play, and what an evaluator sees. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "core/engine.h"
#include "core/evaluation.h"
#include "core/evlog.h"
#include "core/scenario_model.h"
#include "core/view.h"
#include "support/evtest.h"

#define SCEN "tests/scenarios/valid/evaluation.yaml"
#define INPUTS "tests/inputs/evaluation.jsonl"

static cc_evrec ev[512];
static size_t nev;

static void run_fixture(void)
{
    nev = ev_run_inputs(SCEN, INPUTS, NULL, ev, 512);
    cr_assert_gt(nev, 100);
}

static void done(void)
{
    ev_clear_all(ev, nev);
}

/* The reason of the refusal that follows the input at scenario minute m by seat (NULL: control). */
static const char *refusal_at(int64_t minute, const char *seat)
{
    for (size_t i = 0; i + 1 < nev; i++)
        if (strcmp(ev[i].type, "input") == 0 && ev[i].t_ms == minute * 60000 &&
            ((!seat && !ev[i].actor) || (seat && ev[i].actor && strcmp(ev[i].actor, seat) == 0)))
            return strcmp(ev[i + 1].type, "input.refused") == 0 ? ev_str(ev[i + 1].payload, "reason") : NULL;
    return "(no such input)";
}

TestSuite(evaluation, .init = run_fixture, .fini = done);

/* Why evaluator seat id may see ev[i], by core/view fed the fixture's log up to it. */
static cc_view_why view_why(const cc_scenario *s, cc_view *v, size_t upto, const char *id)
{
    cc_view_reset(v);
    cc_view_event e;
    for (size_t k = 0; k <= upto; k++) {
        cc_view_event_of(&ev[k], &e);
        cc_view_feed(v, &e);
    }
    return cc_view_why_for(v, &e, (cc_viewer){CC_VIEWER_SEAT, cc_scenario_seat_index(s, id)});
}

Test(evaluation, core_view_gives_an_evaluator_its_view)
{
    cc_scenario *s = ev_load(SCEN);
    cc_view *v = NULL;
    cr_assert_eq(cc_view_new(s, &v), CC_OK);
    cr_expect_eq(view_why(s, v, 0, "obs-kor"), CC_VIEW_FRAME, "run.start");
    size_t own = 0, secret = 0, input = 0;
    for (size_t i = 0; i < nev; i++) {
        const char *a = ev[i].actor ? ev[i].actor : "";
        if (!own && !strcmp(ev[i].type, "eval.observation") && !strcmp(a, "obs-usa"))
            own = i;
        if (!secret && !strcmp(ev[i].type, "eval.observation") && ev[i].label &&
            strstr(ev[i].label, "REL TO USA") && !strstr(ev[i].label, "KOR"))
            secret = i;
        if (!input && !strcmp(ev[i].type, "input") && !strcmp(a, "usa-lead"))
            input = i;
    }
    cr_assert(own && secret && input);
    cr_expect_eq(view_why(s, v, own, "obs-usa"), CC_VIEW_OWN);
    cr_expect_eq(view_why(s, v, secret, "obs-kor"), CC_VIEW_LABEL, "an observation above its clearance");
    cr_expect_eq(view_why(s, v, input, "obs-usa"), CC_VIEW_HIDDEN, "another seat's input");
    cr_expect_eq(view_why(s, v, input, "usa-lead"), CC_VIEW_OWN);
    size_t deliveries = 0;
    for (size_t i = 0; i < nev; i++)
        if (!strcmp(ev[i].type, "inject.release") && view_why(s, v, i, "obs-kor") == CC_VIEW_EVALUATOR)
            deliveries++;
    cr_expect_gt(deliveries, 0, "a release the evaluator's clearance reads");
    cc_view_free(v);
    cc_scenario_free(s);
}

Test(evaluation, questionnaires_follow_the_documented_timeline)
{
    const cc_evrec *open = ev_find(ev, nev, "feedback.open", "questionnaire", "Q-p1");
    cr_assert_not_null(open);
    cr_expect_eq(open->t_ms, 2 * 3600000, "Q-p1 is sent when phase p2 starts (+2h)");
    cr_expect_null(open->actor);
    cr_expect_eq(ev_count(ev, nev, "delivery", "item", "Q-p1"), 4, "the four player seats of USA and KOR");
    cr_expect_str_eq(refusal_at(110, "usa-lead"), "the questionnaire has not been sent yet");
    /* usa-lead answers at +2h10 and again at +2h20: both logged, the report counts the last */
    size_t answers = 0;
    for (size_t i = 0; i < nev; i++)
        if (strcmp(ev[i].type, "feedback.answer") == 0 && ev[i].actor && !strcmp(ev[i].actor, "usa-lead") &&
            !strcmp(ev_str(ev[i].payload, "questionnaire"), "Q-p1"))
            answers++;
    cr_expect_eq(answers, 2);
    const cc_evrec *hw = ev_find(ev, nev, "hotwash", NULL, NULL);
    cr_assert_not_null(hw);
    cr_expect_eq(hw->t_ms, 3 * 3600000);
    cr_expect_str_eq(hw->actor, "control");
    const cc_evrec *end = ev_find(ev, nev, "feedback.open", "questionnaire", "Q-end");
    cr_assert_not_null(end);
    cr_expect_eq(end->seq, hw->seq + 1, "the hotwash sends Q-end at once");
    cr_expect_str_eq(refusal_at(181, NULL), "the hotwash has already begun");
    cr_expect_str_eq(refusal_at(182, NULL), "the questionnaire was already sent");
    cr_expect_str_eq(refusal_at(160, "usa-lead"), "only control may start the hotwash");
    cr_expect_str_eq(refusal_at(185, "obs-kor"), "an evaluator observes and never acts in play");
}

Test(evaluation, answers_are_checked_and_labelled)
{
    cr_expect_str_eq(refusal_at(136, "kor-desk"), "question q1 needs an answer");
    cr_expect_str_eq(refusal_at(137, "usa-desk"), "question q1 takes 1 to 5");
    cr_expect_str_eq(refusal_at(150, "usa-lead"), "the questionnaire has not been sent yet");
    const cc_evrec *a = NULL;
    for (size_t i = 0; i < nev; i++)
        if (!strcmp(ev[i].type, "feedback.answer") && ev[i].actor && !strcmp(ev[i].actor, "kor-desk"))
            a = &ev[i];
    cr_assert_not_null(a);
    cr_expect_str_eq(a->label, "CONFIDENTIAL//REL TO KOR",
                     "the join of the questionnaire's and the seat's label");
    /* the control seat (EXCON) may not read Q-end: denied, never asked */
    const cc_evrec *d = ev_find(ev, nev, "denial", "item", "Q-end");
    cr_assert_not_null(d);
    cr_expect_str_eq(ev_str(d->payload, "seat"), "ctl");
    cr_expect_str_eq(ev_str(d->payload, "reason"), "releasability");
    cr_expect_null(ev_find(ev, nev, "delivery", "seat", "obs-usa"),
                   "nothing is ever delivered to an evaluator");
    cr_expect_null(ev_find(ev, nev, "delivery", "seat", "obs-kor"));
}

Test(evaluation, observations_are_events_with_their_evidence)
{
    const cc_evrec *o = ev_find(ev, nev, "eval.observation", "observation", "OB1");
    cr_assert_not_null(o);
    cr_expect_str_eq(o->actor, "obs-usa");
    cr_expect_str_eq(ev_str(o->payload, "objective"), "O-consult");
    cr_expect_str_eq(ev_str(o->payload, "target"), "CT-1");
    cr_expect_str_eq(ev_str(o->payload, "task"), "CT-1.1");
    cr_expect_str_eq(ev_str(o->payload, "kind"), "strength");
    cr_expect_eq(json_integer_value(json_object_get(o->payload, "observed_ms")), 35 * 60000);
    json_t *evid = json_object_get(o->payload, "evidence");
    cr_assert_eq(json_array_size(evid), 1);
    cr_expect_eq(json_integer_value(json_array_get(evid, 0)), 12);
    const cc_evrec *o2 = ev_find(ev, nev, "eval.observation", "observation", "OB2");
    cr_assert_not_null(o2);
    cr_expect_str_eq(ev_str(o2->payload, "rating"), "S");
    cr_expect_str_eq(ev_str(o2->payload, "root_cause"), "The request reached the desk, not the co-chair.");
    cr_expect_eq(json_integer_value(json_object_get(o2->payload, "observed_ms")), 75 * 60000, "default: now");
    const cc_evrec *o3 = ev_find(ev, nev, "eval.observation", "observation", "OB3");
    cr_assert_not_null(o3);
    cr_expect_str_eq(o3->label, "SECRET//REL TO USA");
    cr_expect_null(ev_find(ev, nev, "eval.observation", "observation", "OB4"));
    cr_expect_str_eq(refusal_at(80, "obs-kor"), "the seat is not an evaluator of objective O-share's guide");
    cr_expect_str_eq(refusal_at(90, "obs-kor"), "the observation's label is one the evaluator may not read");
    cr_expect_str_eq(refusal_at(91, "obs-usa"), "the time observed is later than now");
    cr_expect_str_eq(refusal_at(92, "obs-usa"), "evidence 999 is not an earlier event of the log");
    cr_expect_str_eq(refusal_at(93, "usa-lead"), "only an evaluator seat observes");
    cr_expect_str_eq(refusal_at(50, "obs-usa"), "an evaluator observes and never acts in play");
    cr_expect_not_null(ev_find(ev, nev, "note", NULL, NULL), "an evaluator may write a note");
}

Test(evaluation, scores_need_a_team_a_started_move_and_every_criterion)
{
    const cc_evrec *s = ev_find(ev, nev, "score.submit", "team", "party:USA");
    cr_assert_not_null(s);
    cr_expect_str_eq(s->actor, "usa-lead");
    cr_expect_str_eq(ev_str(s->payload, "move"), "p1");
    const cc_evrec *ref = NULL;
    for (size_t i = 0; i < nev; i++)
        if (!strcmp(ev[i].type, "score.submit") && json_is_null(json_object_get(ev[i].payload, "team")))
            ref = &ev[i];
    cr_assert_not_null(ref, "control's reference of the move");
    cr_expect_str_eq(ref->actor, "control");
    cr_expect_not_null(ev_find(ev, nev, "score.submit", "team", "party:KOR"));
    cr_expect_str_eq(refusal_at(104, "usa-lead"), "move p2 has not started");
    cr_expect_str_eq(refusal_at(105, "usa-lead"), "criterion clear has no score");
    cr_expect_str_eq(refusal_at(106, "obs-usa"), "an evaluator observes and never acts in play");
}

Test(rules, weighted_score_as_documented)
{
    cc_scenario *s = ev_load(SCEN);
    const cc_scoring *m = &s->scorings[0];
    int scores[] = {4, 3, 5}; /* weights 3, 2, 1, max 5 each: 23/30 */
    cr_expect(fabs(cc_eval_weighted(m, scores) - 100.0 * 23 / 30) < 1e-9);
    int zero[] = {0, 0, 0}, full[] = {5, 5, 5};
    cr_expect_eq(cc_eval_weighted(m, zero), 0);
    cr_expect_eq(cc_eval_weighted(m, full), 100);
    cr_expect_eq(cc_eval_nmoves(s, m), 2, "every phase when the model names none");
    cr_expect_str_eq(cc_eval_move_id(s, m, 1), "p2");
    cr_expect_eq(cc_eval_move_start_ms(s, m, 1), 2 * 3600000);
    char buf[64];
    cr_expect_str_eq(cc_eval_team_text(m, 1, buf, sizeof buf), "party:KOR");
    cr_expect_eq(cc_eval_team_index(m, "party:KOR"), 1);
    cr_expect_eq(cc_eval_team_index(m, "KOR"), -1);
    cc_scenario_free(s);
}

static int seat(const cc_scenario *s, const char *id)
{
    for (size_t i = 0; i < s->nseats; i++)
        if (!strcmp(s->seats[i].id, id))
            return (int)i;
    return -1;
}

Test(rules, evaluators_are_reached_by_no_reference_but_their_own)
{
    cc_scenario *s = ev_load(SCEN);
    int obs = seat(s, "obs-usa"), lead = seat(s, "usa-lead");
    cc_ref all = {CC_REF_ALL, "all", -1, {0, 0}};
    cc_ref usa = {CC_REF_PARTY, "USA", 0, {0, 0}};
    cc_ref own = {CC_REF_SEAT, "obs-usa", obs, {0, 0}};
    cr_expect(!cc_scenario_ref_has_seat(s, &all, (size_t)obs));
    cr_expect(!cc_scenario_ref_has_seat(s, &usa, (size_t)obs));
    cr_expect(cc_scenario_ref_has_seat(s, &own, (size_t)obs));
    cr_expect(cc_scenario_ref_has_seat(s, &usa, (size_t)lead));
    cr_expect(!cc_eval_asks(s, &s->questionnaires[1], (size_t)obs));
    cr_expect(cc_eval_asks(s, &s->questionnaires[1], (size_t)lead));
    cr_expect_eq(cc_eval_team_of(s, &s->scorings[0], (size_t)obs), -1);
    cr_expect_eq(cc_eval_send_ms(s, &s->questionnaires[0]), 2 * 3600000);
    cr_expect_eq(cc_eval_send_ms(s, &s->questionnaires[1]), -1, "send: end waits for the hotwash");
    cc_scenario_free(s);
}

Test(rules, guides_name_their_evaluators)
{
    cc_scenario *s = ev_load(SCEN);
    int usa = seat(s, "obs-usa"), kor = seat(s, "obs-kor"), lead = seat(s, "usa-lead");
    cr_expect(cc_eval_may_observe(s, 0, (size_t)usa));
    cr_expect(cc_eval_may_observe(s, 0, (size_t)kor),
              "EEG-consult names none: every evaluator that reads it");
    cr_expect(cc_eval_may_observe(s, 1, (size_t)usa));
    cr_expect(!cc_eval_may_observe(s, 1, (size_t)kor), "EEG-share names obs-usa only");
    cr_expect(!cc_eval_may_observe(s, 0, (size_t)lead), "a player never observes");
    cc_scenario_free(s);
}

Test(rules, what_an_evaluator_sees)
{
    cc_scenario *s = ev_load(SCEN);
    size_t kor = (size_t)seat(s, "obs-kor"), usa = (size_t)seat(s, "obs-usa");
    cc_label secret, conf;
    cr_assert_eq(cc_label_parse(s->policy, "SECRET//NCG//REL TO KOR, USA", 28, -1, &secret, NULL), CC_OK);
    cr_assert_eq(cc_label_parse(s->policy, "CONFIDENTIAL//REL TO KOR, USA", 29, -1, &conf, NULL), CC_OK);
    cr_expect(cc_eval_sees(s, kor, cc_evtype_of("run.start"), NULL, NULL));
    cr_expect(cc_eval_sees(s, kor, cc_evtype_of("clock.pause"), "control", NULL));
    cr_expect(cc_eval_sees(s, kor, cc_evtype_of("delivery"), NULL, &conf));
    cr_expect(!cc_eval_sees(s, kor, cc_evtype_of("delivery"), NULL, &secret), "above its clearance");
    cr_expect(cc_eval_sees(s, usa, cc_evtype_of("consult.position"), "usa-lead", &secret));
    cr_expect(cc_eval_sees(s, kor, cc_evtype_of("decision.deadline"), NULL, NULL), "no label, no content");
    cr_expect(!cc_eval_sees(s, usa, cc_evtype_of("note"), "usa-lead", NULL), "another seat's note");
    cr_expect(cc_eval_sees(s, usa, cc_evtype_of("note"), "obs-usa", NULL), "its own note");
    cr_expect(!cc_eval_sees(s, usa, cc_evtype_of("input"), "usa-lead", NULL), "another seat's input");
    cr_expect(!cc_eval_sees(s, usa, cc_evtype_of("inject.edit"), NULL, &conf),
              "control's edit before release");
    cr_expect(!cc_eval_sees(s, usa, cc_evtype_of("access.read"), NULL, NULL), "audit records");
    cr_expect(!cc_eval_sees(s, (size_t)seat(s, "usa-lead"), CC_EV_RUN_START, NULL, NULL), "not an evaluator");
    cc_scenario_free(s);
}
