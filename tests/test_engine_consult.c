/* Tests of core/engine_consult: every timeline of docs/scenario-format.md, "How a consultation
 * runs" (fixtures tests/scenarios/valid/mech-semantics.yaml with the inputs
 * tests/inputs/mech-semantics.jsonl, and mech-agents.yaml played by its agents). */
#include <criterion/criterion.h>
#include <string.h>

#include "support/evtest.h"

#define SEM "tests/scenarios/valid/mech-semantics.yaml"
#define SEM_INPUTS "tests/inputs/mech-semantics.jsonl"
#define MIN 60000LL

static cc_evrec ev[2048];
static size_t nev;

static void run_semantics(void)
{
    nev = ev_run_inputs(SEM, SEM_INPUTS, NULL, ev, 2048);
}

static void clear(void)
{
    ev_clear_all(ev, nev);
}

/* The first event of type about consultation (or decision) id whose payload has key = val (key may
 * be NULL); asserts there is one. */
static const cc_evrec *the(const char *type, const char *what, const char *id, const char *key, const char *val)
{
    for (size_t i = 0; i < nev; i++)
        if (strcmp(ev[i].type, type) == 0 && strcmp(ev_str(ev[i].payload, what), id) == 0 &&
            (!key || strcmp(ev_str(ev[i].payload, key), val) == 0))
            return &ev[i];
    cr_assert_fail("no %s about %s %s%s%s", type, what, id, key ? " with " : "", key ? val : "");
    return NULL;
}

static size_t how_many(const char *type, const char *what, const char *id)
{
    return ev_count(ev, nev, type, what, id);
}

static void at(const cc_evrec *r, int64_t minute)
{
    cr_expect_eq(r->t_ms, minute * MIN, "%s at minute %lld, want %lld", r->type, (long long)(r->t_ms / MIN),
                 (long long)minute);
}

TestSuite(engine_consult, .init = run_semantics, .fini = clear);

Test(engine_consult, an_act_for_a_later_stage_is_held_and_counts_when_it_starts)
{
    at(the("consult.held", "consultation", "C-hold", "stage", "acknowledge"), 65);
    const cc_evrec *a = the("consult.ack", "consultation", "C-hold", "stage", "acknowledge");
    cr_expect_str_eq(a->actor, "nld-chair");
    at(a, 70); /* notify ended at +1h10 when nld-desk acknowledged */
    cr_expect_eq(json_integer_value(json_object_get(a->payload, "held_since")), 65 * MIN);
    at(the("consult.stage_done", "consultation", "C-hold", "stage", "notify"), 70);
    const cc_evrec *d = the("consult.stage_done", "consultation", "C-hold", "stage", "acknowledge");
    at(d, 85);
    cr_expect_eq(json_integer_value(json_object_get(d->payload, "duration_ms")), 15 * MIN);
    cr_expect_eq(ev_count(ev, nev, "consult.ack", "consultation", "C-hold"), 3, "nld-desk, nld-chair, deu-chair");
}

Test(engine_consult, a_seat_in_two_stages_acts_in_each)
{
    /* without naming a stage, nld-chair's act counts in notify; it acknowledges again after */
    const cc_evrec *n = the("consult.ack", "consultation", "C-hold2", "stage", "notify");
    cr_expect_str_eq(n->actor, "nld-chair");
    at(n, 65);
    const cc_evrec *a = the("consult.ack", "consultation", "C-hold2", "stage", "acknowledge");
    cr_expect_str_eq(a->actor, "nld-chair");
    at(a, 75);
    at(the("consult.done", "consultation", "C-hold2", NULL, NULL), 85);
}

Test(engine_consult, silence_adopts_at_the_deadline_and_meets_it)
{
    const cc_evrec *m = the("decision.made", "decision", "D-silence", NULL, NULL);
    at(m, 260);
    cr_expect_str_eq(ev_str(m->payload, "outcome"), "act");
    cr_expect_str_eq(ev_str(m->payload, "rule"), "silence");
    cr_expect_str_eq(ev_str(m->payload, "consultation"), "C-silence");
    const cc_evrec *d = the("consult.stage_done", "consultation", "C-silence", "stage", "decide");
    at(d, 260);
    cr_expect_str_eq(ev_str(d->payload, "by"), "silence");
    cr_expect_eq(how_many("consult.deadline", "consultation", "C-silence"), 0, "adoption is no missed deadline");
    cr_expect_eq(how_many("consult.escalate", "consultation", "C-silence"), 0);
    const cc_evrec *f = the("finding", "guideline", "G-silence", NULL, NULL);
    cr_expect_str_eq(ev_str(f->payload, "result"), "met", "within is inclusive");
    cr_expect_eq(json_integer_value(json_object_get(f->payload, "elapsed_ms")), 180 * MIN);
    at(the("consult.done", "consultation", "C-silence", NULL, NULL), 260);
}

Test(engine_consult, an_objection_breaks_silence_and_a_round_of_votes_follows)
{
    const cc_evrec *b = the("consult.silence_broken", "consultation", "C-vote", NULL, NULL);
    at(b, 120);
    cr_expect_str_eq(ev_str(b->payload, "by"), "deu-chair");
    cr_expect_str_eq(ev_str(b->payload, "then"), "vote");
    at(the("consult.escalate", "consultation", "C-vote", NULL, NULL), 120);
    const cc_evrec *r = the("consult.round", "consultation", "C-vote", NULL, NULL);
    cr_expect_str_eq(ev_str(r->payload, "rule"), "unanimity");
    const cc_evrec *m = the("decision.made", "decision", "D-vote", NULL, NULL);
    at(m, 180);
    cr_expect_str_eq(ev_str(m->payload, "rule"), "unanimity");
    cr_expect_eq(how_many("consult.deadline", "consultation", "C-vote"), 0);
}

Test(engine_consult, silence_broken_with_on_objection_fail_ends_the_consultation)
{
    const cc_evrec *b = the("consult.silence_broken", "consultation", "C-fail", NULL, NULL);
    at(b, 120); /* a vote for another option breaks silence */
    const cc_evrec *f = the("consult.failed", "consultation", "C-fail", NULL, NULL);
    at(f, 120);
    cr_expect_str_eq(ev_str(f->payload, "reason"), "silence broken");
    cr_expect_eq(how_many("consult.done", "consultation", "C-fail"), 0);
    /* the decision is left to its own rule: its deciders decide it by unanimity */
    const cc_evrec *m = the("decision.made", "decision", "D-fail", NULL, NULL);
    at(m, 160);
    cr_expect_str_eq(ev_str(m->payload, "consultation"), "", "decided outside the consultation");
}

Test(engine_consult, silence_broken_with_on_objection_stage_returns_and_then_decides_by_unanimity)
{
    const cc_evrec *r = the("consult.return", "consultation", "C-return", NULL, NULL);
    at(r, 120);
    cr_expect_str_eq(ev_str(r->payload, "to"), "convene");
    cr_expect_eq(how_many("consult.stage", "consultation", "C-return"), 5,
                 "acknowledge, convene, decide, convene again, decide again");
    size_t k = 0;
    for (size_t i = 0; i < nev; i++)
        if (strcmp(ev[i].type, "consult.stage") == 0 && strcmp(ev_str(ev[i].payload, "consultation"), "C-return") == 0 &&
            strcmp(ev_str(ev[i].payload, "stage"), "decide") == 0) {
            cr_expect_str_eq(ev_str(ev[i].payload, "rule"), k == 0 ? "silence" : "unanimity");
            at(&ev[i], k == 0 ? 90 : 150);
            k++;
        }
    cr_expect_eq(k, 2);
    const cc_evrec *m = the("decision.made", "decision", "D-return", NULL, NULL);
    at(m, 180);
    cr_expect_str_eq(ev_str(m->payload, "rule"), "unanimity");
}

Test(engine_consult, the_decide_stage_governs_its_decision)
{
    /* D-unan's own rule is majority among three deciders: nld-chair + nld-desk would decide it. The
     * stage's unanimity of the co-chairs decides instead, after kor changes its vote. */
    const cc_evrec *m = the("decision.made", "decision", "D-unan", NULL, NULL);
    at(m, 120);
    cr_expect_str_eq(ev_str(m->payload, "rule"), "unanimity");
    cr_expect_str_eq(ev_str(m->payload, "outcome"), "act");
    const cc_evrec *d = the("consult.stage_done", "consultation", "C-unan", "stage", "decide");
    at(d, 120);
    cr_expect_str_eq(ev_str(d->payload, "by"), "unanimity");
    cr_expect_str_eq(ev_str(d->payload, "outcome"), "act");
    cr_expect_eq(ev_count(ev, nev, "decision.vote", "decision", "D-unan"), 3, "nld act, deu defer, deu act");
}

Test(engine_consult, a_decision_made_before_the_stage_ends_it_at_once)
{
    const cc_evrec *d = the("consult.stage_done", "consultation", "C-before", "stage", "decide");
    at(d, 80);
    cr_expect_str_eq(ev_str(d->payload, "by"), "decided before the stage");
    cr_expect_str_eq(ev_str(d->payload, "outcome"), "act");
    const cc_evrec *f = the("finding", "guideline", "G-before", NULL, NULL);
    cr_expect_str_eq(ev_str(f->payload, "result"), "missed");
    at(f, 50);
}

Test(engine_consult, a_decision_that_expires_fails_the_consultation)
{
    at(the("decision.deadline", "decision", "D-expire", NULL, NULL), 90);
    const cc_evrec *f = the("consult.failed", "consultation", "C-expire", NULL, NULL);
    at(f, 90);
    cr_expect_str_eq(ev_str(f->payload, "reason"), "the decision expired");
}

Test(engine_consult, who_may_act_is_checked_for_every_input)
{
    static const struct {
        int64_t minute;
        const char *actor, *reason;
    } want[] = {
        {80, "nld-chair", "that stage has ended"},
        {95, "nld-desk", "the seat does not take part in the stage that decides this decision"},
        {95, "nld-obs", "the seat takes no part in the consultation"},
        {95, "nld-obs", "the seat is not a participant of the consultation's current stage"},
        {95, "nld-desk", "the seat is not a participant of the consultation's current stage"},
    };
    size_t k = 0;
    for (size_t i = 0; i < nev; i++) {
        if (strcmp(ev[i].type, "input.refused") != 0)
            continue;
        cr_assert_lt(k, sizeof want / sizeof want[0], "unexpected refusal: %s", ev_str(ev[i].payload, "reason"));
        at(&ev[i], want[k].minute);
        cr_expect_str_eq(ev[i].actor, want[k].actor);
        cr_expect_str_eq(ev_str(ev[i].payload, "reason"), want[k].reason);
        k++;
    }
    cr_expect_eq(k, sizeof want / sizeof want[0]);
}

Test(engine_consult, an_agents_act_belongs_to_the_stage_that_asked_for_it, .init = NULL, .fini = NULL)
{
    static cc_evrec ag[256];
    const unsigned char autos[4] = {1, 1, 1, 1};
    size_t n = ev_run_inputs("tests/scenarios/valid/mech-agents.yaml", NULL, autos, ag, 256);
    /* the co-chairs' request rule is for the acknowledge stage: held while notify is open */
    cr_expect_eq(ev_count(ag, n, "consult.held", "stage", "acknowledge"), 2);
    const cc_evrec *a = ev_find(ag, n, "consult.ack", "stage", "acknowledge");
    cr_assert_not_null(a);
    cr_expect_eq(a->t_ms, 80 * MIN);
    cr_expect_eq(json_integer_value(json_object_get(a->payload, "held_since")), 65 * MIN);
    const cc_evrec *d = ev_find(ag, n, "consult.done", NULL, NULL);
    cr_assert_not_null(d);
    cr_expect_eq(d->t_ms, 80 * MIN);
    /* deu-desk's notify act comes after notify ended: void, never spent on acknowledge */
    size_t deu = 0;
    for (size_t i = 0; i < n; i++)
        deu += ag[i].actor && strcmp(ag[i].actor, "deu-desk") == 0;
    cr_expect_eq(deu, 0);
    ev_clear_all(ag, n);
}

/* ---- behaviour that un-sticks (tests/scenarios/valid/mech-unstick.yaml with
 * tests/inputs/mech-unstick.jsonl; docs/scenario-format.md, "Behaviour that un-sticks") ---- */

static cc_evrec un[512];
static size_t nun;

static void run_unstick(void)
{
    /* aut-chair, svk-desk, coord and hun-radio are agents; hun-desk and minister are people */
    const unsigned char autos[6] = {1, 0, 1, 1, 0, 1};
    nun = ev_run_inputs("tests/scenarios/valid/mech-unstick.yaml", "tests/inputs/mech-unstick.jsonl", autos,
                        un, 512);
}

static void clear_unstick(void)
{
    ev_clear_all(un, nun);
}

/* The n-th (from 0) event of a type by actor about consultation id (actor NULL: any; id NULL: any). */
static const cc_evrec *nth(const char *type, const char *actor, const char *id, size_t n)
{
    for (size_t i = 0; i < nun; i++)
        if (strcmp(un[i].type, type) == 0 && (!actor || (un[i].actor && strcmp(un[i].actor, actor) == 0)) &&
            (!id || strcmp(ev_str(un[i].payload, "consultation"), id) == 0) && n-- == 0)
            return &un[i];
    return NULL;
}

static size_t count_of(const char *type, const char *actor, const char *id)
{
    size_t n = 0;
    while (nth(type, actor, id, n))
        n++;
    return n;
}

static void remind_at(const cc_evrec *r, int64_t minute, const char *to)
{
    cr_assert_not_null(r);
    at(r, minute);
    json_t *a = json_object_get(r->payload, "to");
    cr_expect_eq(json_array_size(a), 1);
    cr_expect_str_eq(json_string_value(json_array_get(a, 0)), to);
}

TestSuite(engine_unstick, .init = run_unstick, .fini = clear_unstick);

Test(engine_unstick, a_waiting_rule_reminds_every_interval_up_to_its_max)
{
    /* stage acknowledge starts at +1h; after: 2h, max: 2 -> +3h and +5h, not +7h */
    remind_at(nth("consult.remind", "aut-chair", "C-1", 0), 180, "hun-desk");
    remind_at(nth("consult.remind", "aut-chair", "C-1", 1), 300, "hun-desk");
    cr_expect_eq(count_of("consult.remind", "aut-chair", "C-1"), 2);
    /* svk-desk acknowledged at +1h30: a reminder names only who has not acted */
    at(nth("consult.ack", "svk-desk", "C-1", 0), 90);
}

Test(engine_unstick, an_escalated_seat_reacts_and_its_reactions_are_bounded)
{
    /* the deadline (+7h) escalates to coord (escalate_to), which reminds 15 min later */
    const cc_evrec *d = nth("consult.escalate", NULL, "C-1", 0);
    cr_assert_not_null(d);
    at(d, 420);
    cr_expect_null(d->actor, "escalated by the deadline, not by a seat");
    remind_at(nth("consult.remind", "coord", "C-1", 0), 435, "hun-desk");
    /* hun-desk escalates to coord by name at +12h: coord's second (and last, max: 2) reaction */
    const cc_evrec *h = nth("consult.escalate", "hun-desk", "C-1", 0);
    cr_assert_not_null(h);
    at(h, 720);
    cr_expect_str_eq(json_string_value(json_array_get(json_object_get(h->payload, "to"), 0)), "coord");
    remind_at(nth("consult.remind", "coord", "C-1", 1), 735, "hun-desk");
    cr_expect_eq(count_of("consult.remind", "coord", "C-1"), 2);
}

Test(engine_unstick, a_waiting_rule_escalates_to_a_named_seat_which_may_then_remind)
{
    /* after: 9h from +1h: the chair escalates to the minister at +10h */
    const cc_evrec *e = nth("consult.escalate", "aut-chair", "C-1", 0);
    cr_assert_not_null(e);
    at(e, 600);
    cr_expect_str_eq(json_string_value(json_array_get(json_object_get(e->payload, "to"), 0)), "minister");
    cr_expect_str_eq(ev_str(e->payload, "stage"), "acknowledge");
    /* the minister's remind at +9h, before it was escalated to, is refused; at +11h it counts */
    const cc_evrec *no = nth("input.refused", "minister", NULL, 0);
    cr_assert_not_null(no);
    at(no, 540);
    cr_expect_str_eq(ev_str(no->payload, "reason"), "the seat takes no part in the consultation");
    remind_at(nth("consult.remind", "minister", "C-1", 0), 660, "hun-desk");
}

Test(engine_unstick, an_objection_is_reacted_to_once)
{
    /* svk-desk objects at +2h (silence broken: a vote round); the chair reminds 20 min later,
     * once (max 1) although svk-desk objects again in the round */
    at(nth("consult.silence_broken", "svk-desk", "C-3", 0), 120);
    remind_at(nth("consult.remind", "aut-chair", "C-3", 0), 140, "svk-desk");
    cr_expect_gt(count_of("consult.object", "svk-desk", "C-3"), 1);
    cr_expect_eq(count_of("consult.remind", "aut-chair", "C-3"), 1);
}

Test(engine_unstick, a_lost_message_is_retried_up_to_the_attempts_allowed)
{
    /* hun-radio acknowledges after 10 min and every message is lost: attempts at +1h10, +1h40,
     * +2h10 (retry after 30m, max 3), then it gives up */
    const int64_t when[] = {70, 100, 130};
    for (size_t i = 0; i < 3; i++) {
        const cc_evrec *l = nth("message.lost", "hun-radio", NULL, i);
        cr_assert_not_null(l);
        at(l, when[i]);
        cr_expect_eq(json_integer_value(json_object_get(l->payload, "attempt")), (json_int_t)i + 1);
        cr_expect_eq(json_is_true(json_object_get(l->payload, "retry")), i < 2, "attempt %zu", i + 1);
    }
    cr_expect_null(nth("message.lost", "hun-radio", NULL, 3));
    for (size_t i = 0; i < 2; i++) {
        const cc_evrec *t = nth("message.retry", "hun-radio", NULL, i);
        cr_assert_not_null(t);
        at(t, when[i + 1]);
        cr_expect_eq(json_integer_value(json_object_get(t->payload, "attempt")), (json_int_t)i + 2);
    }
    cr_expect_eq(count_of("message.retry", "hun-radio", NULL), 2);
}

/* A seat reached for the first time while another seat's act is held still gets its request
 * (tests/scenarios/valid/mech-request.yaml): the chair's acknowledgement is held from +1h05 and
 * counts at +1h20 when acknowledge starts; the records desk, new to the consultation then, acts
 * on its request 10 min later, at +1h30, which completes it. */
Test(engine_consult, a_seat_new_to_a_consultation_with_a_held_act_is_offered_the_request, .init = NULL,
     .fini = NULL)
{
    static cc_evrec rq[128];
    const unsigned char autos[3] = {1, 1, 1};
    size_t n = ev_run_inputs("tests/scenarios/valid/mech-request.yaml", NULL, autos, rq, 128);
    const cc_evrec *h = ev_find(rq, n, "consult.held", "stage", "acknowledge");
    cr_assert_not_null(h);
    cr_expect_eq(h->t_ms, 65 * MIN);
    const cc_evrec *a = NULL;
    for (size_t i = 0; i < n && !a; i++)
        if (strcmp(rq[i].type, "consult.ack") == 0 && rq[i].actor && strcmp(rq[i].actor, "records") == 0)
            a = &rq[i];
    cr_assert_not_null(a, "the records desk acted on its request");
    cr_expect_eq(a->t_ms, 90 * MIN);
    const cc_evrec *d = ev_find(rq, n, "consult.done", NULL, NULL);
    cr_assert_not_null(d);
    cr_expect_eq(d->t_ms, 90 * MIN);
    ev_clear_all(rq, n);
}

/* docs/scenario-format.md, "Who may act": nld-desk is named in C-warn's decide stage and
 * may read C-warn, but not D-warn, the decision the stage decides. It is no participant: none of
 * its objections, votes, escalations or reminders is taken, and the silence procedure adopts. */
Test(engine_consult, a_seat_that_may_not_read_the_decision_takes_no_part_in_its_stage, .init = NULL,
     .fini = NULL)
{
    static cc_evrec pe[512];
    size_t n = ev_run_inputs("tests/scenarios/valid/mech-participation.yaml",
                             "tests/inputs/mech-participation.jsonl", NULL, pe, 512);
    static const char *want[] = {
        "the seat does not take part in that stage",
        "the seat is not a participant of the consultation's current stage",
        "the seat does not take part in the stage that decides this decision",
        "the seat is not a participant of the consultation's current stage",
        "the seat does not take part in the stage that decides this decision",
        "the seat takes no part in the consultation",
        "the seat takes no part in the consultation",
    };
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(pe[i].type, "input.refused") != 0)
            continue;
        cr_assert_lt(k, sizeof want / sizeof want[0], "unexpected refusal: %s",
                     ev_str(pe[i].payload, "reason"));
        cr_expect_str_eq(pe[i].actor, "nld-desk");
        cr_expect_str_eq(ev_str(pe[i].payload, "reason"), want[k]);
        k++;
    }
    cr_expect_eq(k, sizeof want / sizeof want[0], "%zu refusals", k);
    cr_expect_eq(ev_count(pe, n, "consult.escalate", "consultation", "C-warn"), 0);
    cr_expect_eq(ev_count(pe, n, "consult.object", "consultation", "C-warn"), 0);
    cr_expect_eq(ev_count(pe, n, "consult.remind", "consultation", "C-warn"), 1); /* nld-chair's */
    const cc_evrec *made = NULL;
    for (size_t i = 0; i < n; i++)
        if (strcmp(pe[i].type, "decision.made") == 0)
            made = &pe[i];
    cr_assert(made, "D-warn was not made");
    cr_expect_str_eq(ev_str(made->payload, "outcome"), "act");
    cr_expect_str_eq(ev_str(made->payload, "rule"), "silence");
    ev_clear_all(pe, n);
}
