/* Tests of hybrid seats in the engine (core/engine_agent, core/engine_input): an agent rule narrowed
 * to one decision, a seat handed to its agent and back during a run, and acts by control on a
 * seat's behalf; the timelines of docs/scenario-format.md ("Rules for one decision") and
 * docs/ui.md ("Hybrid seats"), computed by hand on tests/scenarios/valid/river-basin.yaml. */
#include <criterion/criterion.h>
#include <string.h>

#include "core/engine.h"
#include "support/evtest.h"

#define RIVER "tests/scenarios/valid/river-basin.yaml"
#define MIN 60000LL

static const cc_evrec *need(const cc_evrec *ev, size_t n, const char *type, const char *key, const char *val)
{
    const cc_evrec *r = ev_find(ev, n, type, key, val);
    cr_assert_not_null(r, "no %s with %s = %s", type, key ? key : "-", val ? val : "-");
    return r;
}

Test(hybrid, a_rule_for_one_decision_answers_only_that_decision)
{
    static cc_evrec ev[256];
    const unsigned char autos[7] = {1, 1, 1, 1, 1, 1, 1};
    size_t n = ev_run_inputs(RIVER, NULL, autos, ev, 256);
    /* C-1 at +1h30; the commissioners acknowledge at +1h40; the desks assess at +2h40, when the
     * decide stage opens D-1; the D-1 votes at +3h00 decide it; D-2 opens at +3h30 and its votes,
     * 15 minutes later, decide it at +3h45. */
    const cc_evrec *d1 = need(ev, n, "decision.made", "decision", "D-1");
    cr_expect_eq(d1->t_ms, 180 * MIN);
    cr_expect_str_eq(ev_str(d1->payload, "outcome"), "coordinated-release");
    const cc_evrec *d2 = need(ev, n, "decision.made", "decision", "D-2");
    cr_expect_eq(d2->t_ms, 225 * MIN);
    cr_expect_str_eq(ev_str(d2->payload, "outcome"), "joint-notice");
    /* the D-2 rule is never offered D-1 (which has no option joint-notice), nor the reverse */
    cr_expect_eq(ev_count(ev, n, "decision.invalid", NULL, NULL), 0);
    cr_expect_eq(ev_count(ev, n, "decision.vote", "decision", "D-1"), 3);
    cr_expect_eq(ev_count(ev, n, "decision.vote", "decision", "D-2"), 3);
    ev_clear_all(ev, n);
}

/* ---- hybrid seats: tests/inputs/river-basin-hybrid.jsonl (docs/cli.md, "Hybrid seats") ---- */

static const cc_evrec *actor_find(const cc_evrec *ev, size_t n, const char *type, const char *actor,
                                  const char *key, const char *val)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(ev[i].type, type) == 0 && ev[i].actor && strcmp(ev[i].actor, actor) == 0 &&
            (!key || strcmp(ev_str(ev[i].payload, key), val) == 0))
            return &ev[i];
    return NULL;
}

Test(hybrid, control_hands_seats_to_their_agents_and_acts_on_a_seats_behalf)
{
    static cc_evrec ev[256];
    /* xup-commissioner, xmd-commissioner, xlw-commissioner, xup-hydro, xmd-hydro, xlw-hydro, ctl */
    const unsigned char autos[7] = {1, 0, 1, 1, 0, 1, 1};
    size_t n = ev_run_inputs(RIVER, "tests/inputs/river-basin-hybrid.jsonl", autos, ev, 256);
    /* +3h: xmd-hydro handed to its agent, which is offered the assess stage it has not acted in */
    const cc_evrec *p = need(ev, n, "seat.play", "seat", "xmd-hydro");
    cr_expect_eq(p->t_ms, 180 * MIN);
    cr_expect_str_eq(ev_str(p->payload, "by"), "agent");
    cr_expect_str_eq(ev_str(p->payload, "agent"), "technical");
    cr_expect_null(p->actor, "control hands the seat over; the seat does not act");
    /* its position one hour later ends the stage (the agent's act: no input before it) */
    const cc_evrec *pos = actor_find(ev, n, "consult.position", "xmd-hydro", NULL, NULL);
    cr_assert_not_null(pos);
    cr_expect_eq(pos->t_ms, 240 * MIN);
    cr_expect_neq(strcmp(pos[-1].type, "input"), 0);
    cr_expect_eq(need(ev, n, "consult.stage_done", "stage", "assess")->t_ms, 240 * MIN);
    /* +4h30: control votes on xmd-commissioner's behalf: the input says so, the vote is the seat's */
    const cc_evrec *in = actor_find(ev, n, "input", "xmd-commissioner", "by", "control");
    cr_assert_not_null(in);
    cr_expect_eq(in->t_ms, 270 * MIN);
    cr_expect_str_eq(in[1].type, "decision.vote");
    cr_expect_str_eq(in[1].actor, "xmd-commissioner");
    const cc_evrec *d1 = need(ev, n, "decision.made", "decision", "D-1");
    cr_expect_eq(d1->t_ms, 270 * MIN);
    /* +5h: xmd-commissioner handed to its agent with D-2 open: it votes with the others at +5h15 */
    const cc_evrec *v = actor_find(ev, n, "decision.vote", "xmd-commissioner", "decision", "D-2");
    cr_assert_not_null(v);
    cr_expect_eq(v->t_ms, 315 * MIN);
    cr_expect_eq(need(ev, n, "decision.made", "decision", "D-2")->t_ms, 315 * MIN);
    /* +5h30 back to a person; +5h40 a seat already played by its agent: refused */
    cr_expect_eq(ev_count(ev, n, "seat.play", "seat", "xmd-hydro"), 2);
    const cc_evrec *r = need(ev, n, "input.refused", NULL, NULL);
    cr_expect_eq(r->t_ms, 340 * MIN);
    cr_expect_str_eq(ev_str(r->payload, "reason"), "the seat is already played by its agent");
    ev_clear_all(ev, n);
}

Test(hybrid, an_act_the_agent_had_not_taken_is_void_once_the_seat_is_handed_back)
{
    static cc_evrec ev[256];
    const unsigned char autos[7] = {1, 1, 1, 1, 0, 1, 1};
    size_t n = ev_run_inputs(RIVER, "tests/inputs/river-basin-handback.jsonl", autos, ev, 256);
    cr_expect_eq(ev_count(ev, n, "seat.play", "seat", "xmd-hydro"), 2);
    cr_expect_null(actor_find(ev, n, "consult.position", "xmd-hydro", NULL, NULL));
    const cc_evrec *dl = need(ev, n, "consult.deadline", "stage", "assess");
    cr_expect_eq(dl->t_ms, 280 * MIN); /* assess started at +1h40 with a 3h deadline */
    cr_expect_null(ev_find(ev, n, "decision.made", "decision", "D-1"));
    ev_clear_all(ev, n);
}

Test(hybrid, play_and_by_are_checked)
{
    cc_scenario *s = ev_load(RIVER);
    static const char *const bad[] = {
        "{\"do\":\"play\",\"seat\":\"xmd-hydro\"}",
        "{\"do\":\"play\",\"seat\":\"xmd-hydro\",\"by\":\"control\"}",
        "{\"do\":\"play\",\"by\":\"agent\"}",
        "{\"do\":\"play\",\"seat\":\"xmd-hydro\",\"by\":\"agent\",\"text\":\"x\"}",
        "{\"do\":\"acknowledge\",\"seat\":\"xmd-hydro\",\"consultation\":\"C-1\",\"by\":\"agent\"}",
        "{\"do\":\"note\",\"text\":\"x\",\"by\":\"control\"}",
    };
    char why[200];
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        json_t *j = json_loads(bad[i], 0, NULL);
        cr_expect_eq(cc_engine_check_input(s, j, why, sizeof why), CC_ERR_INVALID, "%s accepted", bad[i]);
        json_decref(j);
    }
    json_t *ok = json_loads(
        "{\"do\":\"acknowledge\",\"seat\":\"xmd-hydro\",\"consultation\":\"C-1\",\"by\":\"control\"}", 0,
        NULL);
    cr_expect_eq(cc_engine_check_input(s, ok, why, sizeof why), CC_OK, "%s", why);
    json_decref(ok);
    cc_scenario_free(s);
}

/* ---- control steers: tests/inputs/river-basin-steer.jsonl (docs/cli.md, "Control steers") ---- */

Test(steer, control_extends_forces_reopens_and_skips)
{
    static cc_evrec ev[256];
    /* xmd-commissioner and xmd-hydro are people who never act */
    const unsigned char autos[7] = {1, 0, 1, 1, 0, 1, 1};
    size_t n = ev_run_inputs(RIVER, "tests/inputs/river-basin-steer.jsonl", autos, ev, 256);
    /* +2h: the acknowledge stage's deadline (+2h30) moves to +3h00, where it passes */
    const cc_evrec *x = need(ev, n, "consult.extend", "consultation", "C-1");
    cr_expect_eq(x->t_ms, 120 * MIN);
    cr_expect_eq(json_integer_value(json_object_get(x->payload, "deadline_ms")), 180 * MIN);
    cr_expect_eq(ev_count(ev, n, "consult.deadline", "stage", "acknowledge"), 1, "the old deadline is void");
    cr_expect_eq(need(ev, n, "consult.deadline", "stage", "acknowledge")->t_ms, 180 * MIN);
    /* +3h10: forced to complete; assess starts */
    const cc_evrec *f = need(ev, n, "consult.force", "stage", "acknowledge");
    cr_expect_eq(f->t_ms, 190 * MIN);
    cr_expect_str_eq(ev_str(f->payload, "outcome"), "complete");
    cr_expect_str_eq(f[1].type, "consult.stage_done");
    cr_expect_str_eq(ev_str(f[1].payload, "by"), "control");
    /* +4h20: re-opened at acknowledge, whose agents act again at +4h30 */
    const cc_evrec *r = need(ev, n, "consult.reopen", "consultation", "C-1");
    cr_expect_eq(r->t_ms, 260 * MIN);
    cr_expect_str_eq(ev_str(r->payload, "from"), "assess");
    cr_expect_str_eq(ev_str(r->payload, "to"), "acknowledge");
    cr_expect_eq(ev_count(ev, n, "consult.ack", "stage", "acknowledge"), 4);
    /* +6h20: D-1's deadline (+7h50) moves to +8h50; +6h30 control decides it in the stage */
    const cc_evrec *dx = need(ev, n, "decision.extend", "decision", "D-1");
    cr_expect_eq(json_integer_value(json_object_get(dx->payload, "deadline_ms")), 530 * MIN);
    const cc_evrec *m = need(ev, n, "decision.made", "decision", "D-1");
    cr_expect_eq(m->t_ms, 390 * MIN);
    cr_expect_str_eq(ev_str(m->payload, "rule"), "control");
    cr_expect_str_eq(ev_str(m->payload, "outcome"), "coordinated-release");
    cr_expect_eq(need(ev, n, "consult.done", "consultation", "C-1")->t_ms, 390 * MIN);
    /* +7h: I-2 and I-3 (triggered after it) are skipped: neither is released */
    const cc_evrec *s = need(ev, n, "inject.skip", "inject", "I-2");
    json_t *sk = json_object_get(s->payload, "skipped");
    cr_expect_eq(json_array_size(sk), 2);
    cr_expect_str_eq(json_string_value(json_array_get(sk, 1)), "I-3");
    cr_expect_null(ev_find(ev, n, "inject.release", "inject", "I-2"));
    cr_expect_null(ev_find(ev, n, "inject.release", "inject", "I-3"));
    /* +7h10: a consultation that is over cannot be forced */
    const cc_evrec *no = need(ev, n, "input.refused", NULL, NULL);
    cr_expect_eq(no->t_ms, 430 * MIN);
    cr_expect_str_eq(ev_str(no->payload, "reason"), "the consultation is not in progress");
    ev_clear_all(ev, n);
}

Test(steer, steering_inputs_are_checked)
{
    cc_scenario *s = ev_load(RIVER);
    static const char *const bad[] = {
        "{\"do\":\"force\",\"consultation\":\"C-1\",\"outcome\":\"complete\"}",
        "{\"do\":\"force\",\"consultation\":\"C-1\",\"outcome\":\"done\",\"reason\":\"x\"}",
        "{\"do\":\"force\",\"consultation\":\"C-9\",\"outcome\":\"fail\",\"reason\":\"x\"}",
        "{\"do\":\"extend\",\"consultation\":\"C-1\",\"duration\":\"0s\"}",
        "{\"do\":\"extend\",\"consultation\":\"C-1\",\"decision\":\"D-1\",\"duration\":\"1h\"}",
        "{\"do\":\"extend\",\"decision\":\"D-1\"}",
        "{\"do\":\"reopen\",\"consultation\":\"C-1\"}",
        "{\"do\":\"skip\",\"inject\":\"I-9\"}",
    };
    char why[200];
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        json_t *j = json_loads(bad[i], 0, NULL);
        cr_expect_eq(cc_engine_check_input(s, j, why, sizeof why), CC_ERR_INVALID, "%s accepted", bad[i]);
        json_decref(j);
    }
    cc_scenario_free(s);
}

/* ---- affordances: what a seat may do now (docs/http-api.md) ---- */

static int has(const json_t *aff, const char *act, const char *kind, const char *id, const char *option)
{
    size_t k;
    json_t *a;
    json_array_foreach(aff, k, a)
    {
        if (strcmp(ev_str(a, "do"), act) == 0 && strcmp(ev_str(a, kind), id) == 0 &&
            (!option || strcmp(ev_str(a, "option"), option) == 0))
            return 1 + json_is_true(json_object_get(a, "waiting"));
    }
    return 0;
}

Test(affordances, a_seat_is_offered_what_the_engine_accepts)
{
    cc_scenario *s = ev_load(RIVER);
    cc_engine_opts o = {.seed = 1, .variant = -1};
    cc_engine *e = NULL;
    cr_assert_eq(cc_engine_new(s, &o, NULL, NULL, &e), CC_OK);
    cr_assert_eq(cc_engine_start(e), CC_OK);
    /* before the request: xlw-commissioner, C-1's requester, may request it; nobody else */
    cr_assert_eq(cc_engine_run_until(e, 60 * MIN), CC_OK);
    json_t *a = cc_engine_affordances(e, 2);
    cr_expect(has(a, "request", "consultation", "C-1", NULL));
    json_decref(a);
    a = cc_engine_affordances(e, 1);
    cr_expect(!has(a, "request", "consultation", "C-1", NULL));
    json_decref(a);
    /* +1h45: the acknowledge stage waits for xmd-commissioner (1); xmd-hydro (4) comes later */
    cr_assert_eq(cc_engine_run_until(e, 105 * MIN), CC_OK);
    a = cc_engine_affordances(e, 1);
    cr_expect_eq(has(a, "acknowledge", "consultation", "C-1", NULL), 2, "offered and waiting");
    cr_expect(has(a, "remind", "consultation", "C-1", NULL));
    json_decref(a);
    a = cc_engine_affordances(e, 4);
    cr_expect(!has(a, "acknowledge", "consultation", "C-1", NULL), "not a participant of this stage");
    cr_expect(has(a, "remind", "consultation", "C-1", NULL), "a later stage names it: it may remind");
    json_decref(a);
    json_t *u = cc_engine_upcoming(e, 4);
    cr_expect_eq(json_array_size(u), 1);
    cr_expect_str_eq(ev_str(json_array_get(u, 0), "stage"), "assess");
    json_decref(u);
    /* every offered act is applied, none refused */
    char why[200];
    json_t *in =
        json_pack("{s:s,s:s,s:s}", "do", "acknowledge", "seat", "xmd-commissioner", "consultation", "C-1");
    cr_assert_eq(cc_engine_input(e, in, why, sizeof why), CC_OK, "%s", why);
    json_decref(in);
    a = cc_engine_affordances(e, 1);
    cr_expect(!has(a, "acknowledge", "consultation", "C-1", NULL), "acted: no second acknowledgement");
    json_decref(a);
    cc_engine_free(e);
    cc_scenario_free(s);
}

/* ---- control edits an inject's label before its release (docs/cli.md, edit) ---- */

Test(steer, an_edited_label_decides_who_receives_the_inject)
{
    static cc_evrec ev[256];
    const unsigned char autos[7] = {1, 1, 1, 1, 1, 1, 1};
    size_t n = ev_run_inputs(RIVER, "tests/inputs/river-basin-edit.jsonl", autos, ev, 256);
    const cc_evrec *x = need(ev, n, "inject.edit", "inject", "I-2");
    cr_expect_str_eq(ev_str(x->payload, "label"), "RESTRICTED//REL TO XUP");
    const cc_evrec *r = need(ev, n, "inject.release", "inject", "I-2");
    cr_expect_eq(r->t_ms, 480 * MIN);
    size_t got = 0, denied = 0;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(ev_str(ev[i].payload, "item"), "I-2") != 0)
            continue;
        got += strcmp(ev[i].type, "delivery") == 0;
        denied += strcmp(ev[i].type, "denial") == 0 &&
                  strcmp(ev_str(ev[i].payload, "reason"), "releasability") == 0;
    }
    cr_expect_eq(got, 1, "only xup-hydro receives it");
    cr_expect_eq(denied, 2, "xmd-hydro and xlw-hydro are denied");
    cr_expect_str_eq(ev_str(need(ev, n, "delivery", "item", "I-2")->payload, "seat"), "xup-hydro");
    /* after its release a less restrictive label needs a reason (docs/cli.md, "Control edits an inject") */
    const cc_evrec *no = need(ev, n, "input.refused", NULL, NULL);
    cr_expect_eq(no->t_ms, 540 * MIN);
    cr_expect_str_eq(
        ev_str(no->payload, "reason"),
        "the new label lets seats read what the old one did not: a downgrade needs a \"reason\"");
    ev_clear_all(ev, n);
}

/* ---- control edits a released inject's label and recipients: tests/inputs/river-basin-relabel.jsonl
 * (docs/cli.md, "Control edits an inject"; every seat a person) ---- */

/* The seats named by events of type at time t (minutes) about I-1 (payload "seat"), in log order,
 * joined by spaces, with the reason of a withdrawal ("seat:reason"). */
static const char *seats_at(const cc_evrec *ev, size_t n, const char *type, long long t, char *buf,
                            size_t size)
{
    size_t k = 0;
    buf[0] = 0;
    for (size_t i = 0; i < n; i++) {
        const char *item = ev_str(ev[i].payload, strcmp(type, "inject.withdraw") == 0 ? "inject" : "item");
        if (ev[i].t_ms != t * MIN || strcmp(ev[i].type, type) != 0 || strcmp(item, "I-1") != 0)
            continue;
        const char *why = strcmp(type, "inject.withdraw") == 0 ? ev_str(ev[i].payload, "reason") : NULL;
        k += (size_t)snprintf(buf + k, size - k, "%s%s%s%s", k ? " " : "", ev_str(ev[i].payload, "seat"),
                              why ? ":" : "", why ? why : "");
        if (k >= size)
            break;
    }
    return buf;
}

Test(steer, a_released_injects_label_and_recipients_change_and_deliveries_follow)
{
    static cc_evrec ev[256];
    const unsigned char autos[7] = {0, 0, 0, 0, 0, 0, 0};
    size_t n = ev_run_inputs(RIVER, "tests/inputs/river-basin-relabel.jsonl", autos, ev, 256);
    char b[400];
    /* +1h: I-1 to all seven seats under PUBLIC//REL TO BASIN, EXCON */
    cr_expect_str_eq(seats_at(ev, n, "delivery", 60, b, sizeof b),
                     "xup-commissioner xmd-commissioner xlw-commissioner xup-hydro xmd-hydro xlw-hydro ctl");
    /* +1h10: an upgrade to RESTRICTED//REL TO XUP, EXCON (no reason needed): the four seats of XMD
     * and XLW lose it, in seat order */
    const cc_evrec *up = NULL;
    for (size_t i = 0; i < n && !up; i++)
        if (strcmp(ev[i].type, "inject.edit") == 0 && ev[i].t_ms == 70 * MIN)
            up = &ev[i];
    cr_assert_not_null(up);
    cr_expect_str_eq(ev_str(up->payload, "from"), "PUBLIC//REL TO EXCON, XLW, XMD, XUP");
    cr_expect_str_eq(ev_str(up->payload, "label"), "RESTRICTED//REL TO EXCON, XUP");
    cr_expect_str_eq(up->label, "RESTRICTED//REL TO EXCON, XUP");
    cr_expect_str_eq(seats_at(ev, n, "inject.withdraw", 70, b, sizeof b),
                     "xmd-commissioner:label xlw-commissioner:label xmd-hydro:label xlw-hydro:label");
    const cc_evrec *w = need(ev, n, "inject.withdraw", "seat", "xmd-commissioner");
    cr_expect_null(w->label, "a withdrawal carries no content, so no label");
    /* +1h15: the text of a released inject no longer changes; +1h20: a downgrade without a reason */
    size_t refused = 0;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(ev[i].type, "input.refused") != 0)
            continue;
        refused++;
        if (ev[i].t_ms == 75 * MIN)
            cr_expect_str_eq(ev_str(ev[i].payload, "reason"),
                             "the inject was already released: only its label and recipients can change");
        else if (ev[i].t_ms == 80 * MIN)
            cr_expect_str_eq(ev_str(ev[i].payload, "reason"),
                             "the new label lets seats read what the old one did not: a downgrade needs a "
                             "\"reason\"");
        else
            cr_expect_eq(ev[i].t_ms, 125 * MIN); /* a seat's edit */
    }
    cr_expect_eq(refused, 3);
    cr_expect_str_eq(seats_at(ev, n, "inject.withdraw", 80, b, sizeof b), "");
    /* +1h25: with a reason, RESTRICTED//REL TO XUP, XMD, EXCON: XMD's two seats receive it again */
    cr_expect_str_eq(seats_at(ev, n, "delivery", 85, b, sizeof b), "xmd-commissioner xmd-hydro");
    const cc_evrec *down = ev_find(ev, n, "inject.edit", "reason", "cleared for the Midvale delegation");
    cr_assert_not_null(down);
    cr_expect_eq(down->t_ms, 85 * MIN);
    /* +1h40: recipients cell:technical and ctl: the commissioners holding it lose it */
    cr_expect_str_eq(seats_at(ev, n, "inject.withdraw", 100, b, sizeof b),
                     "xup-commissioner:recipients xmd-commissioner:recipients");
    cr_expect_str_eq(seats_at(ev, n, "delivery", 100, b, sizeof b), "");
    /* +1h50: recipients all: the two commissioners who may read it receive it, xlw-commissioner
     * (newly named, not in REL TO) is denied; xlw-hydro (named before, still refused) gets nothing */
    cr_expect_str_eq(seats_at(ev, n, "delivery", 110, b, sizeof b), "xup-commissioner xmd-commissioner");
    cr_expect_str_eq(seats_at(ev, n, "denial", 110, b, sizeof b), "xlw-commissioner");
    /* +2h: I-2's recipients before its release: at +8h it goes to the desks and xlw-commissioner */
    size_t i2 = 0, xlw = 0;
    for (size_t i = 0; i < n; i++)
        if (strcmp(ev[i].type, "delivery") == 0 && strcmp(ev_str(ev[i].payload, "item"), "I-2") == 0) {
            cr_expect_eq(ev[i].t_ms, 480 * MIN);
            i2++;
            xlw += strcmp(ev_str(ev[i].payload, "seat"), "xlw-commissioner") == 0;
        }
    cr_expect_eq(i2, 4);
    cr_expect_eq(xlw, 1);
    ev_clear_all(ev, n);
}

/* ---- the acts a seat may take on an item (cc_engine_item_acts), as the engine accepts them ---- */

static char *acts_of(cc_engine *e, size_t seat, const char *id)
{
    json_t *a = cc_engine_item_acts(e, seat, id);
    char *t = json_dumps(a, JSON_COMPACT);
    json_decref(a);
    return t;
}

/* An inject relabelled during play keeps its label when an added inject makes the engine's
 * per-inject arrays grow (the label's text lives in the inject's banner buffer, which moves). */
Test(steer, a_changed_label_survives_an_added_inject)
{
    static cc_evrec ev[256];
    const unsigned char autos[7] = {0, 0, 0, 0, 0, 0, 0};
    size_t n = ev_run_inputs(RIVER, "tests/inputs/river-basin-relabel-add.jsonl", autos, ev, 256);
    const cc_evrec *add = NULL, *again = NULL;
    for (size_t i = 0; i < n; i++) {
        cr_expect_str_neq(ev[i].type, "input.refused", "event %zu refused", i);
        if (strcmp(ev[i].type, "inject.add") == 0)
            add = &ev[i];
        if (strcmp(ev[i].type, "inject.edit") == 0 && ev[i].t_ms == 74 * MIN)
            again = &ev[i];
    }
    cr_assert_not_null(add, "N-1 is added at +1h12m");
    cr_assert_not_null(again, "I-1 is edited again at +1h14m");
    cr_expect_str_eq(again->label, "RESTRICTED//REL TO EXCON, XUP");
}

Test(steer, the_acts_on_an_item_follow_what_the_seat_holds)
{
    cc_scenario *s = ev_load(RIVER);
    cc_engine_opts o = {.seed = 1, .variant = -1};
    cc_engine *e = NULL;
    cr_assert_eq(cc_engine_new(s, &o, NULL, NULL, &e), CC_OK);
    cr_assert_eq(cc_engine_start(e), CC_OK);
    char why[256], *t;
    cr_assert_eq(cc_engine_run_until(e, 65 * MIN), CC_OK); /* I-1 released at +1h to every seat */
    /* xmd-hydro (4) holds I-1: every act; I-2 is not released; M1 is not sent */
    cr_expect_str_eq(t = acts_of(e, 4, "I-1"), "[\"acknowledge\",\"escalate\",\"share\",\"reply\"]");
    free(t);
    cr_expect_str_eq(t = acts_of(e, 4, "I-2"), "[]");
    free(t);
    cr_expect_str_eq(t = acts_of(e, 4, "M1"), "[]");
    free(t);
    json_t *in =
        json_loads("{\"do\": \"message\", \"seat\": \"xmd-hydro\", \"to\": [\"ctl\"], \"text\": \"x\", "
                   "\"label\": \"PUBLIC//REL TO XMD, EXCON\", \"reply_to\": \"I-1\"}",
                   0, NULL);
    cr_assert_eq(cc_engine_input(e, in, why, sizeof why), CC_OK, "%s", why);
    json_decref(in);
    cr_expect_str_eq(t = acts_of(e, 4, "M1"), "[\"share\",\"reply\"]", "its sender holds M1");
    free(t);
    cr_expect_str_eq(t = acts_of(e, 6, "M1"), "[\"share\",\"reply\"]", "ctl received it");
    free(t);
    cr_expect_str_eq(t = acts_of(e, 3, "M1"), "[]", "xup-hydro did not");
    free(t);
    /* an upgrade takes I-1 from xmd-hydro: nothing is offered on it any more */
    in = json_loads("{\"do\": \"edit\", \"inject\": \"I-1\", \"label\": \"RESTRICTED//REL TO XUP, EXCON\"}",
                    0, NULL);
    cr_assert_eq(cc_engine_input(e, in, why, sizeof why), CC_OK, "%s", why);
    json_decref(in);
    cr_expect_str_eq(t = acts_of(e, 4, "I-1"), "[]");
    free(t);
    cr_expect_str_eq(t = acts_of(e, 3, "I-1"), "[\"acknowledge\",\"escalate\",\"share\",\"reply\"]");
    free(t);
    cc_engine_free(e);
    cc_scenario_free(s);
}

/* ---- control re-opens a failed and a completed consultation: tests/inputs/river-basin-reopen.jsonl
 * (docs/cli.md, "Control steers") ---- */

Test(steer, a_failed_or_completed_consultation_is_re_opened)
{
    static cc_evrec ev[256];
    const unsigned char autos[7] = {1, 1, 1, 1, 1, 1, 1};
    size_t n = ev_run_inputs(RIVER, "tests/inputs/river-basin-reopen.jsonl", autos, ev, 256);
    cr_expect_eq(need(ev, n, "consult.failed", "consultation", "C-1")->t_ms, 105 * MIN);
    /* +1h50: it failed in assess, so decide is a later stage; +3h30: D-1 is made */
    const char *want[] = {"only the current stage or an earlier one can be re-opened",
                          "the decision is already made"};
    long long at[] = {110, 210};
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (strcmp(ev[i].type, "input.refused") == 0) {
            cr_assert_lt(k, 2);
            cr_expect_eq(ev[i].t_ms, at[k] * MIN);
            cr_expect_str_eq(ev_str(ev[i].payload, "reason"), want[k]);
            k++;
        }
    cr_expect_eq(k, 2);
    /* +2h: re-opened after failing; the desks assess an hour later, D-1 is decided at +3h20 */
    const cc_evrec *r1 = need(ev, n, "consult.reopen", "was", "failed");
    cr_expect_eq(r1->t_ms, 120 * MIN);
    cr_expect_str_eq(ev_str(r1->payload, "from"), "assess");
    cr_expect_str_eq(ev_str(r1->payload, "to"), "assess");
    cr_expect_str_eq(r1[1].type, "consult.stage");
    const cc_evrec *d1 = need(ev, n, "decision.made", "decision", "D-1");
    cr_expect_eq(d1->t_ms, 200 * MIN);
    /* +3h40: re-opened after completing, at acknowledge; D-2 opens at +3h50 and is decided at +4h05 */
    const cc_evrec *r2 = need(ev, n, "consult.reopen", "was", "completed");
    cr_expect_eq(r2->t_ms, 220 * MIN);
    cr_expect_str_eq(ev_str(r2->payload, "from"), "decide");
    cr_expect_str_eq(ev_str(r2->payload, "to"), "acknowledge");
    cr_expect_eq(need(ev, n, "decision.made", "decision", "D-2")->t_ms, 245 * MIN);
    /* twice done: at +3h20, and at +4h50, when the decide stage ends at once with D-1's outcome */
    size_t done = 0;
    for (size_t i = 0; i < n; i++)
        if (strcmp(ev[i].type, "consult.done") == 0)
            cr_expect_eq(ev[i].t_ms, (done++ ? 290 : 200) * MIN);
    cr_expect_eq(done, 2);
    cr_expect_eq(ev_count(ev, n, "decision.made", "decision", "D-1"), 1, "the decision is made once");
    ev_clear_all(ev, n);
}

/* ---- an agent handed a seat takes up the injects it holds: tests/inputs/coastal-handover.jsonl
 * (docs/cli.md, "Hybrid seats") ---- */

Test(hybrid, an_agent_handed_a_seat_takes_up_the_injects_it_holds_and_has_not_acted_on)
{
    static cc_evrec ev[128];
    const unsigned char autos[3] = {0, 0, 0};
    size_t n = ev_run_inputs("tests/scenarios/valid/coastal-handover.yaml",
                             "tests/inputs/coastal-handover.jsonl", autos, ev, 128);
    static const struct {
        long long t;
        const char *seat, *inject;
        int person;
    } want[] = {
        {80, "north-info", "A-1", 1},  {130, "north-info", "A-2", 0}, {130, "south-info", "A-1", 0},
        {130, "south-info", "A-2", 0}, {190, "south-info", "A-3", 0},
    };
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(ev[i].type, "inject.ack") != 0)
            continue;
        cr_assert_lt(k, sizeof want / sizeof want[0], "one acknowledgement too many: %s %s at %lld",
                     ev[i].actor, ev_str(ev[i].payload, "inject"), (long long)ev[i].t_ms / MIN);
        cr_expect_eq(ev[i].t_ms, want[k].t * MIN);
        cr_expect_str_eq(ev[i].actor, want[k].seat);
        cr_expect_str_eq(ev_str(ev[i].payload, "inject"), want[k].inject);
        /* a person's act follows its input; an agent's has none */
        cr_expect_eq(strcmp(ev[i - 1].type, "input") == 0, want[k].person, "%s %s", want[k].seat,
                     want[k].inject);
        k++;
    }
    cr_expect_eq(k, sizeof want / sizeof want[0]);
    ev_clear_all(ev, n);
}

Test(hybrid, an_act_scheduled_before_a_hand_back_stays_void_after_a_new_hand_over)
{
    static cc_evrec ev[256];
    const unsigned char autos[7] = {1, 1, 1, 1, 0, 1, 1};
    size_t n = ev_run_inputs(RIVER, "tests/inputs/river-basin-handback2.jsonl", autos, ev, 256);
    size_t k = 0;
    int64_t at = -1;
    for (size_t i = 0; i < n; i++)
        if (strcmp(ev[i].type, "consult.position") == 0 && ev[i].actor &&
            strcmp(ev[i].actor, "xmd-hydro") == 0) {
            k++;
            at = ev[i].t_ms;
        }
    cr_expect_eq(k, 1, "one position, from the second hand-over");
    cr_expect_eq(at, 220 * MIN);
    ev_clear_all(ev, n);
}
