/* Tests of core/engine: determinism, label-based delivery, trigger timing, deadlines and
 * timeouts, and that stepping the clock in pieces gives the same log as one run. */
#include <criterion/criterion.h>
#include <string.h>

#include "core/buf.h"
#include "core/ctime.h"
#include "core/engine.h"
#include "core/evlog.h"
#include "core/scenario_model.h"
#include "io/scenario_load.h"
#include "support/evtest.h"



/* Runs s to its end with the given seed, stepping the clock every step_ms (0 = one call). */
static void run(const cc_scenario *s, uint64_t seed, int64_t step_ms, cc_buf *out, cc_engine_stats *st)
{
    cc_engine_opts o = {.seed = seed, .variant = -1, .source = "test"};
    cc_engine *e = NULL;
    cr_assert_eq(cc_engine_new(s, &o, ev_collect, out, &e), CC_OK);
    cr_assert_eq(cc_engine_start(e), CC_OK);
    int64_t end = s->duration_s * 1000;
    if (step_ms > 0)
        for (int64_t t = 0; t < end; t += step_ms)
            cr_assert_eq(cc_engine_run_until(e, t), CC_OK);
    cr_assert_eq(cc_engine_run_until(e, end), CC_OK);
    cr_assert_eq(cc_engine_finish(e), CC_OK);
    if (st)
        cc_engine_stats_get(e, st);
    cc_engine_free(e);
}




Test(engine, same_inputs_same_bytes_and_stepping_does_not_matter)
{
    cc_scenario *s = ev_load("scenarios/ncg-policy-ttx.yaml");
    cc_buf a, b, c;
    cc_buf_init(&a);
    cc_buf_init(&b);
    cc_buf_init(&c);
    run(s, 7, 0, &a, NULL);
    run(s, 7, 0, &b, NULL);
    run(s, 7, 37 * 60 * 1000 + 13, &c, NULL); /* paused and resumed at odd instants */
    cr_assert_gt(a.len, 1000);
    cr_expect_eq(a.len, b.len);
    cr_expect_eq(memcmp(a.data, b.data, a.len), 0, "two runs differ");
    cr_expect_eq(a.len, c.len);
    cr_expect_eq(memcmp(a.data, c.data, a.len < c.len ? a.len : c.len), 0,
                 "stepping the clock changed the log");
    cc_buf_free(&a);
    cc_buf_free(&b);
    cc_buf_free(&c);
    cc_scenario_free(s);
}

Test(engine, run_start_pins_scenario_and_seed)
{
    cc_scenario *s = ev_load("tests/scenarios/valid/minimal.yaml");
    cc_buf log;
    cc_buf_init(&log);
    run(s, 18446744073709551615ULL, 0, &log, NULL);
    static cc_evrec ev[256];
    size_t n = ev_decode_all(&log, ev, 256);
    cr_assert_gt(n, 2);
    cr_expect_str_eq(ev[0].type, "run.start");
    char hash[65];
    cc_scenario_hash_hex(s, hash);
    cr_expect_str_eq(json_string_value(json_object_get(ev[0].payload, "scenario")), hash);
    cr_expect_str_eq(json_string_value(json_object_get(ev[0].payload, "seed")), "18446744073709551615");
    cr_expect_str_eq(ev[n - 1].type, "run.end");
    for (size_t i = 0; i < n; i++)
        cc_evrec_clear(&ev[i]);
    cc_buf_free(&log);
    cc_scenario_free(s);
}

Test(engine, delivery_follows_the_label_rule_and_trigger_timing)
{
    cc_scenario *s = ev_load("tests/scenarios/valid/all-features.yaml");
    cc_buf log;
    cc_buf_init(&log);
    cc_engine_stats st;
    run(s, 1, 0, &log, &st);
    static cc_evrec ev[4096];
    size_t n = ev_decode_all(&log, ev, 4096);
    /* I-1 at +30m to all, UNCLASSIFIED//REL TO ALLIANCE (originator USA): EXCON's controller is denied */
    const cc_evrec *rel = ev_find(ev, n, "inject.release", "inject", "I-1");
    cr_assert_not_null(rel);
    cr_expect_eq(rel->t_ms, 30 * 60 * 1000);
    int delivered = 0, denied = 0;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(ev_str(ev[i].payload, "item"), "I-1") != 0)
            continue;
        const char *seat = json_string_value(json_object_get(ev[i].payload, "seat"));
        if (strcmp(ev[i].type, "delivery") == 0)
            delivered++;
        if (strcmp(ev[i].type, "denial") == 0) {
            denied++;
            cr_expect_str_eq(seat, "ctl");
            cr_expect_str_eq(json_string_value(json_object_get(ev[i].payload, "reason")), "releasability");
        }
    }
    cr_expect_eq(delivered, 4);
    cr_expect_eq(denied, 1);
    /* I-2 (SECRET//NOFORN from usa-intel to party:USA) follows I-1 by 1h and reaches USA seats only */
    const cc_evrec *r2 = ev_find(ev, n, "inject.release", "inject", "I-2");
    cr_assert_not_null(r2);
    cr_expect_eq(r2->t_ms, rel->t_ms + 3600 * 1000);
    cr_expect_str_eq(r2->actor, "usa-intel");
    /* D-1 opens at +4h with a 6h deadline, nobody decides in this run: I-5 fires on its timeout */
    const cc_evrec *open = ev_find(ev, n, "decision.open", "decision", "D-1");
    const cc_evrec *dl = ev_find(ev, n, "decision.deadline", "decision", "D-1");
    const cc_evrec *i5 = ev_find(ev, n, "inject.release", "inject", "I-5");
    cr_assert_not_null(open);
    cr_assert_not_null(dl);
    cr_assert_not_null(i5);
    cr_expect_eq(open->t_ms, 4 * 3600 * 1000);
    cr_expect_eq(dl->t_ms, 10 * 3600 * 1000);
    cr_expect_eq(i5->t_ms, dl->t_ms);
    /* I-4 waits for D-1's outcome, which never comes */
    cr_expect_null(ev_find(ev, n, "inject.release", "inject", "I-4"));
    /* C-1 is requested 20 minutes after I-1 */
    const cc_evrec *c1 = ev_find(ev, n, "consult.request", "consultation", "C-1");
    cr_assert_not_null(c1);
    cr_expect_eq(c1->t_ms, rel->t_ms + 20 * 60 * 1000);
    cr_expect_str_eq(c1->actor, "kor-chair");
    cr_expect_eq(st.events, n);
    for (size_t i = 0; i < n; i++)
        cc_evrec_clear(&ev[i]);
    cc_buf_free(&log);
    cc_scenario_free(s);
}

Test(engine, seats_hold_what_they_were_delivered)
{
    cc_scenario *s = ev_load("tests/scenarios/valid/all-features.yaml");
    cc_engine_opts o = {.seed = 1, .variant = -1};
    cc_engine *e = NULL;
    cr_assert_eq(cc_engine_new(s, &o, NULL, NULL, &e), CC_OK);
    cc_engine_start(e);
    cc_engine_run_until(e, 3 * 3600 * 1000);
    /* seats: usa-chair 0, kor-chair 1, usa-intel 2, kor-intel 3, ctl 4; injects I-1 0, I-2 1 */
    cr_expect(cc_engine_seat_has(e, 0, 0));
    cr_expect(cc_engine_seat_has(e, 1, 0));
    cr_expect(!cc_engine_seat_has(e, 4, 0), "EXCON controller is not in REL TO ALLIANCE");
    cr_expect(cc_engine_seat_has(e, 0, 1), "NOFORN item reaches the USA co-chair");
    cr_expect(cc_engine_seat_has(e, 2, 1));
    cr_expect(!cc_engine_seat_has(e, 1, 1), "NOFORN item never reaches a KOR seat");
    cr_expect(!cc_engine_seat_has(e, 3, 1));
    cr_expect(!cc_engine_seat_has(e, 99, 0));
    cc_engine_stats st;
    cc_engine_stats_get(e, &st);
    cr_expect_eq(st.now_ms, 3 * 3600 * 1000);
    cr_expect_eq(st.ended, 0);
    /* queries: C-1 (requested 20m after I-1 at +30m) waits in its first stage; D-1 opens at +4h */
    const char *stage = NULL, *outcome = "x";
    int64_t since = -1;
    cr_expect_str_eq(cc_engine_consultation_state(e, 0, &stage, &since), "in progress");
    cr_expect_str_eq(stage, "ack", "parallel is the default mechanism; its first stage is ack");
    cr_expect_eq(since, 50 * 60 * 1000);
    cr_expect_str_eq(cc_engine_consultation_state(e, 1, &stage, NULL), "pending");
    cr_expect_null(stage);
    cr_expect_str_eq(cc_engine_decision_state(e, 0, &outcome), "pending");
    cr_expect_null(outcome);
    cr_expect_null(cc_engine_decision_state(e, 99, NULL));
    cr_expect_null(cc_engine_consultation_state(e, 99, NULL, NULL));
    cc_engine_run_until(e, 5 * 3600 * 1000);
    cr_expect_str_eq(cc_engine_decision_state(e, 0, NULL), "open");
    cc_engine_free(e);
    cc_scenario_free(s);
}

Test(engine, no_log_mode_counts_the_same)
{
    cc_scenario *s = ev_load("scenarios/ncg-policy-ttx.yaml");
    cc_buf log;
    cc_buf_init(&log);
    cc_engine_stats a, b;
    run(s, 3, 0, &log, &a);
    cc_engine_opts o = {.seed = 3, .variant = -1, .no_log = 1};
    cc_engine *e = NULL;
    cr_assert_eq(cc_engine_new(s, &o, NULL, NULL, &e), CC_OK);
    cc_engine_start(e);
    cc_engine_run_until(e, s->duration_s * 1000);
    cc_engine_finish(e);
    cc_engine_stats_get(e, &b);
    cr_expect_eq(a.events, b.events);
    cr_expect_eq(a.deliveries, b.deliveries);
    cr_expect_eq(a.denials, b.denials);
    cr_expect_eq(a.injects_released, b.injects_released);
    static const unsigned char zero[32];
    cr_expect_eq(memcmp(cc_engine_digest(e), zero, 32), 0);
    cc_engine_free(e);
    cc_buf_free(&log);
    cc_scenario_free(s);
}

Test(engine, bad_variant_and_sink_failure)
{
    cc_scenario *s = ev_load("tests/scenarios/valid/minimal.yaml");
    cc_engine_opts o = {.variant = 5};
    cc_engine *e = NULL;
    cr_expect_eq(cc_engine_new(s, &o, NULL, NULL, &e), CC_ERR_ARG, "minimal has no mechanisms");
    cr_expect_null(e);
    o.variant = -1;
    cr_assert_eq(cc_engine_new(s, &o, NULL, NULL, &e), CC_OK);
    cr_expect_eq(cc_engine_start(e), CC_OK);
    cr_expect_eq(cc_engine_start(e), CC_ERR_ARG, "start twice");
    cc_engine_free(e);
    cc_scenario_free(s);
}

static int refuse(void *ctx, const char *line, size_t len)
{
    (void)line;
    (void)len;
    return ++*(int *)ctx >= 2;
}

Test(engine, sink_failure_stops_the_run)
{
    cc_scenario *s = ev_load("tests/scenarios/valid/minimal.yaml");
    cc_engine_opts o = {.variant = -1};
    cc_engine *e = NULL;
    int calls = 0;
    cr_assert_eq(cc_engine_new(s, &o, refuse, &calls, &e), CC_OK);
    cr_expect_eq(cc_engine_start(e), CC_OK);
    cr_expect_eq(cc_engine_run_until(e, s->duration_s * 1000), CC_ERR_IO);
    cr_expect_eq(cc_engine_run_until(e, s->duration_s * 1000), CC_ERR_IO, "stays stopped");
    cc_engine_free(e);
    cc_scenario_free(s);
}

/* Runs a scenario with every agent seat automated, returns the decoded events. */
/* observe_delivery's counts by item kind (cc_engine_item_kind) */
static void count_delivery(void *ctx, uint32_t item, size_t seat, int64_t t_ms)
{
    (void)seat;
    (void)t_ms;
    ((size_t *)ctx)[cc_engine_item_kind(item) < 3 ? cc_engine_item_kind(item) : 3]++;
}

/* observe_delivery_kinds: 0 observes every delivery; bit k only the deliveries of items of kind k */
static void observed_deliveries(const cc_scenario *s, unsigned kinds, size_t n[4], cc_engine_stats *st)
{
    uint8_t autos[64] = {0};
    for (size_t i = 0; i < s->nseats && i < 64; i++)
        autos[i] = s->seats[i].agent_index >= 0;
    cc_engine_opts o = {.seed = 2,
                        .variant = -1,
                        .no_log = 1,
                        .auto_seats = autos,
                        .observe_delivery = count_delivery,
                        .observe_delivery_kinds = kinds,
                        .observe_ctx = n};
    cc_engine *e = NULL;
    cr_assert_eq(cc_engine_new(s, &o, NULL, NULL, &e), CC_OK);
    cr_assert_eq(cc_engine_start(e), CC_OK);
    cr_assert_eq(cc_engine_run_until(e, s->duration_s * 1000), CC_OK);
    cc_engine_stats_get(e, st);
    cc_engine_free(e);
}

Test(engine, observe_delivery_kinds_picks_the_deliveries_observed)
{
    cc_scenario *s = ev_load("tests/scenarios/valid/engine-consult.yaml");
    size_t all[4] = {0}, injects[4] = {0}, consults[4] = {0};
    cc_engine_stats a, b, c;
    observed_deliveries(s, 0, all, &a);
    observed_deliveries(s, 1u << CC_ITEM_INJECT, injects, &b);
    observed_deliveries(s, 1u << CC_ITEM_CONSULTATION, consults, &c);
    /* the scenario delivers injects, decisions and consultations: 0 observes them all */
    cr_expect_gt(all[CC_ITEM_INJECT], 0);
    cr_expect_gt(all[CC_ITEM_DECISION], 0);
    cr_expect_gt(all[CC_ITEM_CONSULTATION], 0);
    cr_expect_eq(all[0] + all[1] + all[2] + all[3], a.deliveries);
    /* a filter changes what is observed, not the run */
    cr_expect_eq(injects[CC_ITEM_INJECT], all[CC_ITEM_INJECT]);
    cr_expect_eq(injects[CC_ITEM_DECISION] + injects[CC_ITEM_CONSULTATION] + injects[3], 0);
    cr_expect_eq(consults[CC_ITEM_CONSULTATION], all[CC_ITEM_CONSULTATION]);
    cr_expect_eq(consults[CC_ITEM_INJECT] + consults[CC_ITEM_DECISION] + consults[3], 0);
    cr_expect_eq(b.deliveries, a.deliveries);
    cr_expect_eq(c.deliveries, a.deliveries);
    cr_expect_eq(b.events, a.events);
    cc_scenario_free(s);
}

static size_t run_auto(const char *path, const char *variant, uint64_t seed, cc_evrec *ev, size_t max,
                       cc_buf *raw)
{
    cc_scenario *s = ev_load(path);
    uint8_t autos[64] = {0};
    for (size_t i = 0; i < s->nseats && i < 64; i++)
        autos[i] = s->seats[i].agent_index >= 0;
    cc_engine_opts o = {.seed = seed, .variant = -1, .auto_seats = autos};
    for (size_t m = 0; variant && m < s->nmechanisms; m++)
        if (strcmp(s->mechanisms[m].id, variant) == 0)
            o.variant = (int)m;
    cc_buf log;
    cc_buf_init(&log);
    ev_run_log(s, &o, &log);
    size_t n = ev ? ev_decode_all(&log, ev, max) : 0;
    if (raw)
        cc_buf_append(raw, log.data, log.len);
    cc_buf_free(&log);
    cc_scenario_free(s);
    return n;
}

static int64_t minute_of(const cc_evrec *ev, size_t n, const char *type, const char *actor, const char *key,
                         const char *val)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(ev[i].type, type) == 0 && (!actor || (ev[i].actor && strcmp(ev[i].actor, actor) == 0)) &&
            (!key || strcmp(ev_str(ev[i].payload, key), val) == 0))
            return ev[i].t_ms / 60000;
    return -1;
}

Test(engine, consultation_moves_through_its_stages_on_time)
{
    static cc_evrec ev[512];
    size_t n = run_auto("tests/scenarios/valid/engine-consult.yaml", NULL, 1, ev, 512, NULL);
    /* requested at +1h; usa acknowledges after 10m, kor after 40m: the 30m deadline is missed */
    cr_expect_eq(minute_of(ev, n, "consult.request", "usa-chair", NULL, NULL), 60);
    cr_expect_eq(minute_of(ev, n, "consult.ack", "usa-chair", NULL, NULL), 70);
    cr_expect_eq(minute_of(ev, n, "consult.deadline", NULL, "stage", "ack"), 90);
    cr_expect_eq(minute_of(ev, n, "consult.escalate", NULL, "stage", "ack"), 90);
    cr_expect_eq(minute_of(ev, n, "inject.release", NULL, "inject", "I-late"), 90,
                 "timeout trigger on the stage");
    cr_expect_eq(minute_of(ev, n, "consult.ack", "kor-chair", NULL, NULL), 100);
    cr_expect_eq(minute_of(ev, n, "consult.stage_done", NULL, "stage", "ack"), 100);
    /* positions in turn: usa 5m after the stage starts, then kor 20m after usa */
    cr_expect_eq(minute_of(ev, n, "consult.position", "usa-chair", NULL, NULL), 105);
    cr_expect_eq(minute_of(ev, n, "consult.position", "kor-chair", NULL, NULL), 125);
    /* the decide stage opens D-1; unanimity when the slower co-chair votes */
    cr_expect_eq(minute_of(ev, n, "decision.open", NULL, "decision", "D-1"), 125);
    cr_expect_eq(minute_of(ev, n, "decision.vote", "usa-chair", NULL, NULL), 140);
    cr_expect_eq(minute_of(ev, n, "decision.made", NULL, "outcome", "issue"), 185);
    cr_expect_eq(minute_of(ev, n, "consult.done", NULL, "consultation", "C-1"), 185);
    cr_expect_eq(minute_of(ev, n, "inject.release", NULL, "inject", "I-issued"), 195,
                 "outcome trigger + 10m");
    /* guideline findings, each when it is decided */
    struct {
        const char *g, *result;
        int64_t minute;
    } want[] = {{"G-share-usa", "met", 90},     /* I-late reaches usa-staff on release */
                {"G-ack", "missed", 90},        /* kor acknowledges at 100, deadline 30m after 60 */
                {"G-pos", "met", 125},          /* positions 100 -> 125 */
                {"G-share-kor", "missed", 150}, /* nobody shares I-late with KOR */
                {"G-consult", "met", 185}};     /* C-1 reached its decide stage before D-1 */
    for (size_t k = 0; k < sizeof want / sizeof want[0]; k++) {
        int found = 0;
        for (size_t i = 0; i < n && !found; i++)
            if (strcmp(ev[i].type, "finding") == 0 &&
                strcmp(ev_str(ev[i].payload, "guideline"), want[k].g) == 0) {
                found = 1;
                cr_expect_str_eq(ev_str(ev[i].payload, "result"), want[k].result, "%s", want[k].g);
                cr_expect_eq(ev[i].t_ms / 60000, want[k].minute, "%s at minute %lld", want[k].g,
                             (long long)(ev[i].t_ms / 60000));
                cr_expect_eq(json_array_size(json_object_get(ev[i].payload, "evidence")), 2);
            }
        cr_expect(found, "no finding for %s", want[k].g);
    }
    int opened = 0, findings = 0;
    for (size_t i = 0; i < n; i++) {
        opened += strcmp(ev[i].type, "decision.open") == 0;
        findings += strcmp(ev[i].type, "finding") == 0;
    }
    cr_expect_eq(findings, 5, "one finding per watched rule");
    cr_expect_eq(opened, 1, "a decision opens once even when two paths open it");
    for (size_t i = 0; i < n; i++)
        cc_evrec_clear(&ev[i]);
}

Test(engine, agent_runs_are_deterministic_and_seed_dependent)
{
    cc_buf a, b, c;
    cc_buf_init(&a);
    cc_buf_init(&b);
    cc_buf_init(&c);
    run_auto("scenarios/ncg-interagency-sim.yaml", "parallel", 11, NULL, 0, &a);
    run_auto("scenarios/ncg-interagency-sim.yaml", "parallel", 11, NULL, 0, &b);
    run_auto("scenarios/ncg-interagency-sim.yaml", "parallel", 12, NULL, 0, &c);
    cr_assert_gt(a.len, 0);
    cr_expect(a.len == b.len && memcmp(a.data, b.data, a.len) == 0, "same seed, different log");
    cr_expect(a.len != c.len || memcmp(a.data, c.data, a.len) != 0, "seed has no effect");
    cc_buf_free(&a);
    cc_buf_free(&b);
    cc_buf_free(&c);
}

Test(engine, every_variant_of_the_simulation_completes_some_consultations)
{
    static const char *const variants[] = {"sequential", "parallel", "silence"};
    for (size_t v = 0; v < 3; v++) {
        size_t done = 0;
        for (uint64_t seed = 1; seed <= 5; seed++) {
            static cc_evrec ev[4096];
            size_t n = run_auto("scenarios/ncg-interagency-sim.yaml", variants[v], seed, ev, 4096, NULL);
            for (size_t i = 0; i < n; i++) {
                done += strcmp(ev[i].type, "consult.done") == 0;
                cc_evrec_clear(&ev[i]);
            }
        }
        cr_expect_gt(done, 0, "variant %s never completes a consultation in 5 runs", variants[v]);
    }
}

static cc_err input(cc_engine *e, const char *json, char *why)
{
    json_t *v = json_loads(json, 0, NULL);
    cr_assert_not_null(v, "bad test JSON %s", json);
    cc_err rc = cc_engine_input(e, v, why, 256);
    json_decref(v);
    return rc;
}

Test(engine, inputs_are_logged_checked_and_refused_with_reasons)
{
    cc_scenario *s = ev_load("tests/scenarios/valid/engine-consult.yaml");
    cc_buf log;
    cc_buf_init(&log);
    cc_engine_opts o = {.seed = 1, .variant = -1};
    cc_engine *e = NULL;
    char why[256];
    cr_assert_eq(cc_engine_new(s, &o, ev_collect, &log, &e), CC_OK);
    cc_engine_start(e);
    /* malformed inputs: an error, nothing logged */
    static const struct {
        const char *json, *why;
    } bad[] = {
        {"[1]", "an input must be a JSON object"},
        {"{\"seat\": \"usa-chair\"}", "missing \"do\""},
        {"{\"do\": \"dance\", \"seat\": \"usa-chair\", \"inject\": \"I-late\"}", "unknown action \"dance\""},
        {"{\"do\": \"acknowledge\", \"seat\": \"nobody\", \"consultation\": \"C-1\"}",
         "\"seat\" must name a seat"},
        {"{\"do\": \"acknowledge\", \"seat\": \"usa-chair\"}", "name exactly one of"},
        {"{\"do\": \"acknowledge\", \"seat\": \"usa-chair\", \"consultation\": \"C-9\"}",
         "no consultation \"C-9\""},
        {"{\"do\": \"vote\", \"seat\": \"usa-chair\", \"decision\": \"D-1\"}", "\"vote\" needs \"option\""},
        {"{\"do\": \"share\", \"seat\": \"usa-chair\", \"inject\": \"I-late\"}", "\"share\" needs \"to\""},
        {"{\"do\": \"share\", \"seat\": \"usa-chair\", \"inject\": \"I-late\", \"to\": [\"x\"]}",
         "entry 1 is not a seat"},
        {"{\"do\": \"release\"}", "needs \"inject\""},
        {"{\"do\": \"acknowledge\", \"seat\": \"usa-chair\", \"consultation\": \"C-1\", \"zz\": \"1\"}",
         "unknown member"},
        {"{\"do\": \"acknowledge\", \"seat\": 5, \"consultation\": \"C-1\"}", "\"seat\" must be a string"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        why[0] = 0;
        cr_expect_eq(input(e, bad[i].json, why), CC_ERR_INVALID, "%s accepted", bad[i].json);
        cr_expect(strstr(why, bad[i].why) != NULL, "%s: why '%s'", bad[i].json, why);
    }
    cc_engine_stats st;
    cc_engine_stats_get(e, &st);
    cr_expect_eq(st.events, 1, "malformed inputs are not logged");
    /* control holds I-issued before anything can release it, then releases it by hand */
    cr_expect_eq(input(e, "{\"do\": \"hold\", \"inject\": \"I-issued\"}", why), CC_OK);
    cr_assert_eq(cc_engine_run_until(e, 3600 * 1000), CC_OK); /* C-1 requested at +1h */
    /* a seat outside the stage, and a vote before the decision opens, are refused and logged */
    cr_expect_eq(
        input(e, "{\"do\": \"acknowledge\", \"seat\": \"usa-staff\", \"consultation\": \"C-1\"}", why),
        CC_OK);
    cr_expect_eq(
        input(e, "{\"do\": \"vote\", \"seat\": \"usa-chair\", \"decision\": \"D-1\", \"option\": \"issue\"}",
              why),
        CC_OK);
    cr_expect_eq(
        input(e, "{\"do\": \"acknowledge\", \"seat\": \"usa-chair\", \"consultation\": \"C-1\"}", why),
        CC_OK);
    cr_expect_eq(
        input(e, "{\"do\": \"acknowledge\", \"seat\": \"usa-chair\", \"consultation\": \"C-1\"}", why),
        CC_OK);
    cr_expect_eq(input(e, "{\"do\": \"release\", \"inject\": \"I-issued\"}", why), CC_OK);
    cr_expect_eq(input(e, "{\"do\": \"release\", \"inject\": \"I-issued\"}", why), CC_OK);
    cc_engine_free(e);
    static cc_evrec ev[256];
    size_t n = ev_decode_all(&log, ev, 256);
    const char *want[][2] = {
        {"input", NULL},
        {"inject.hold", NULL},
        {"input", NULL},
        {"input.refused", "the seat is not a participant of the consultation's current stage"},
        {"input", NULL},
        {"input.refused", "the decision is not open"},
        {"input", NULL},
        {"consult.ack", NULL},
        {"input", NULL},
        {"input.refused", "the seat has already acted in this stage"},
        {"input", NULL},
        {"inject.release", NULL}};
    size_t k = 0;
    for (size_t i = 0; i < n && k < sizeof want / sizeof want[0]; i++) {
        if (strcmp(ev[i].type, want[k][0]) != 0)
            continue;
        if (want[k][1])
            cr_expect_str_eq(ev_str(ev[i].payload, "reason"), want[k][1]);
        k++;
    }
    cr_expect_eq(k, sizeof want / sizeof want[0], "event sequence stopped matching at %zu", k);
    const cc_evrec *last = &ev[n - 1];
    cr_expect_str_eq(last->type, "input.refused", "a second release is refused");
    cr_expect_str_eq(ev_str(last->payload, "reason"), "the inject was already released");
    for (size_t i = 0; i < n; i++)
        cc_evrec_clear(&ev[i]);
    cc_buf_free(&log);
    cc_scenario_free(s);
}

Test(engine, messages_downgrades_notes_and_ratings)
{
    cc_scenario *s = ev_load("tests/scenarios/valid/all-features.yaml");
    cc_buf log;
    cc_buf_init(&log);
    cc_engine_opts o = {.seed = 1, .variant = -1};
    cc_engine *e = NULL;
    char why[256];
    cr_assert_eq(cc_engine_new(s, &o, ev_collect, &log, &e), CC_OK);
    cc_engine_start(e);
    cr_assert_eq(cc_engine_run_until(e, 31 * 60 * 1000), CC_OK); /* I-1 released at +30m */
    static const struct {
        const char *json, *why;
    } bad[] = {
        {"{\"do\": \"message\", \"seat\": \"usa-chair\", \"to\": [\"kor-chair\"], \"text\": \"x\"}",
         "missing \"label\""},
        {"{\"do\": \"message\", \"seat\": \"usa-chair\", \"to\": [\"kor-chair\"], \"text\": \"x\", "
         "\"label\": \"SECRETT\"}",
         "\"label\" column 1: unknown classification"},
        {"{\"do\": \"message\", \"to\": [\"kor-chair\"], \"text\": \"x\", \"label\": \"SECRET\"}",
         "needs \"seat\""},
        {"{\"do\": \"rate\", \"objective\": \"O-share\", \"rating\": \"A\"}", "must be P, S, M or U"},
        {"{\"do\": \"rate\", \"objective\": \"O-nope\", \"rating\": \"P\"}", "needs \"objective\""},
        {"{\"do\": \"note\"}", "needs \"text\""},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        why[0] = 0;
        cr_expect_eq(input(e, bad[i].json, why), CC_ERR_INVALID, "%s accepted", bad[i].json);
        cr_expect(strstr(why, bad[i].why) != NULL, "%s: why '%s'", bad[i].json, why);
    }
    /* releasable message: delivered; originator-only message to the ally: denied */
    cr_expect_eq(
        input(e,
              "{\"do\": \"message\", \"seat\": \"usa-chair\", \"to\": [\"kor-chair\"], \"text\": \"Call?\", "
              "\"label\": \"SECRET//REL TO USA, KOR\"}",
              why),
        CC_OK);
    cr_expect_eq(
        input(e,
              "{\"do\": \"message\", \"seat\": \"usa-chair\", \"to\": [\"kor-chair\"], \"text\": \"Ours\", "
              "\"label\": \"SECRET\"}",
              why),
        CC_OK);
    /* kor-intel (CONFIDENTIAL) may not send SECRET */
    cr_expect_eq(
        input(e,
              "{\"do\": \"message\", \"seat\": \"kor-intel\", \"to\": [\"kor-chair\"], \"text\": \"x\", "
              "\"label\": \"SECRET//REL TO KOR\"}",
              why),
        CC_OK);
    /* a reply to I-1 (UNCLASSIFIED//REL TO ALLIANCE) may not widen it to EXCON: the join keeps USA, KOR */
    cr_expect_eq(input(e,
                       "{\"do\": \"message\", \"seat\": \"usa-chair\", \"to\": [\"ctl\"], \"text\": \"FYI\", "
                       "\"label\": \"UNCLASSIFIED//REL TO USA, KOR, EXCON\", \"reply_to\": \"I-1\"}",
                       why),
                 CC_OK);
    /* an upgrade is no downgrade; a real downgrade reaches the controller denied before */
    cr_expect_eq(input(e,
                       "{\"do\": \"downgrade\", \"inject\": \"I-1\", \"label\": \"SECRET//REL TO USA\", "
                       "\"reason\": \"r\"}",
                       why),
                 CC_OK);
    cr_expect(!cc_engine_seat_has(e, 4, 0));
    cr_expect_eq(input(e,
                       "{\"do\": \"downgrade\", \"inject\": \"I-1\", \"label\": \"UNCLASSIFIED//REL TO USA, "
                       "KOR, EXCON\", \"reason\": \"cleared for the controller\"}",
                       why),
                 CC_OK);
    cr_expect(cc_engine_seat_has(e, 4, 0), "the controller now holds I-1");
    cr_expect_eq(
        input(e, "{\"do\": \"note\", \"seat\": \"ctl\", \"text\": \"Chairs slow to acknowledge\"}", why),
        CC_OK);
    cr_expect_eq(
        input(e, "{\"do\": \"rate\", \"objective\": \"O-share\", \"rating\": \"S\", \"text\": \"Late\"}",
              why),
        CC_OK);
    cc_engine_free(e);
    static cc_evrec ev[512];
    size_t n = ev_decode_all(&log, ev, 512);
    int found[11] = {0};
    for (size_t i = 0; i < n; i++) {
        const char *t = ev[i].type;
        if (strcmp(t, "delivery") == 0 && strcmp(ev_str(ev[i].payload, "item"), "M1") == 0)
            found[0] = strcmp(ev[i].label, "SECRET//REL TO KOR, USA") == 0;
        if (strcmp(t, "denial") == 0 && strcmp(ev_str(ev[i].payload, "item"), "M2") == 0)
            found[1] = strcmp(ev_str(ev[i].payload, "reason"), "releasability") == 0;
        if (strcmp(t, "input.refused") == 0 &&
            strcmp(ev_str(ev[i].payload, "reason"), "the sender may not use a label it cannot read itself") == 0)
            found[2] = 1;
        if (strcmp(t, "denial") == 0 && strcmp(ev_str(ev[i].payload, "item"), "M3") == 0)
            found[3] = strcmp(ev[i].label, "UNCLASSIFIED//REL TO KOR, USA") == 0; /* joined, not widened */
        if (strcmp(t, "input.refused") == 0 &&
            strcmp(ev_str(ev[i].payload, "reason"), "the new label is not a downgrade of the current one") == 0)
            found[4] = 1;
        if (strcmp(t, "label.downgrade") == 0)
            found[5] = strcmp(ev_str(ev[i].payload, "from"), "UNCLASSIFIED//REL TO KOR, USA") == 0;
        if (strcmp(t, "note") == 0)
            found[6] = strcmp(ev[i].actor, "ctl") == 0;
        if (strcmp(t, "objective.rating") == 0)
            found[7] = strcmp(ev_str(ev[i].payload, "rating"), "S") == 0;
        if (strcmp(t, "inject.release") == 0 && strcmp(ev_str(ev[i].payload, "inject"), "I-4") == 0)
            found[8] = strcmp(ev_str(ev[i].payload, "title"), "Statement (revised)") == 0;
        if (strcmp(t, "inject.edit") == 0)
            found[9]++;
        if (strcmp(t, "input.refused") == 0 &&
            strcmp(ev_str(ev[i].payload, "reason"), "the inject was already released") == 0)
            found[10] = 1;
    }
    static const char *const what[] = {"M1 delivered under its label",
                                       "M2 denied to the ally",
                                       "SECRET refused to a CONFIDENTIAL sender",
                                       "reply joined with its source",
                                       "upgrade refused",
                                       "downgrade logged with the old label",
                                       "note",
                                       "rating"};
    for (int k = 0; k < 8; k++)
        cr_expect(found[k], "%s", what[k]);
    for (size_t i = 0; i < n; i++)
        cc_evrec_clear(&ev[i]);
    cc_buf_free(&log);
    cc_scenario_free(s);
}


Test(engine, decision_rules)
{
    static cc_evrec ev[512];
    size_t n =
        ev_run_inputs("tests/scenarios/valid/engine-rules.yaml", "tests/inputs/engine-rules.jsonl", NULL, ev, 512);
    struct {
        const char *decision, *outcome;
        int64_t minute;
    } want[] = {
        {"D-majority", "yes", 90},   /* 2 of 3 */
        {"D-lead", "no", 100},       /* the lead's vote, whatever the others say */
        {"D-unanimity", "yes", 130}, /* only once the dissenting vote is changed */
        {"D-silence", "adopt", 180}, /* nobody objected by the deadline */
    };
    for (size_t k = 0; k < 4; k++) {
        const cc_evrec *m = ev_find(ev, n, "decision.made", "decision", want[k].decision);
        cr_assert_not_null(m, "%s not decided", want[k].decision);
        cr_expect_str_eq(ev_str(m->payload, "outcome"), want[k].outcome, "%s", want[k].decision);
        cr_expect_eq(m->t_ms / 60000, want[k].minute, "%s at %lld", want[k].decision,
                     (long long)(m->t_ms / 60000));
    }
    cr_expect_null(ev_find(ev, n, "decision.made", "decision", "D-silence-broken"),
                   "an objection breaks silence");
    const cc_evrec *dl = ev_find(ev, n, "decision.deadline", "decision", "D-silence-broken");
    cr_assert_not_null(dl);
    cr_expect_eq(dl->t_ms / 60000, 180);
    for (size_t i = 0; i < n; i++)
        cc_evrec_clear(&ev[i]);
}

/* ---- the control clock and control during play (tests/inputs/clock.yaml) ------------------- */

#define CLOCK_FIXTURE "tests/inputs/clock.yaml"
#define MIN (60 * 1000LL)

/* One step of a live run: wall minute (after exercise start), then an input (NULL: a tick). */
typedef struct step {
    int64_t wall_min;
    const char *json;
    const char *refused; /* expected input.refused reason, NULL when the input must be applied */
} step;

typedef struct live {
    cc_scenario *s;
    cc_engine *e;
    cc_buf log;
    int64_t base; /* wall ms at exercise start */
} live;

static void live_open(live *L)
{
    L->s = ev_load(CLOCK_FIXTURE);
    cc_buf_init(&L->log);
    L->base = L->s->start_unix * 1000;
    cc_engine_opts o = {.seed = 1, .variant = -1, .live_clock = 1, .wall_start_ms = L->base};
    cr_assert_eq(cc_engine_new(L->s, &o, ev_collect, &L->log, &L->e), CC_OK);
    cr_assert_eq(cc_engine_start(L->e), CC_OK);
}

static void live_close(live *L)
{
    cc_engine_free(L->e);
    cc_buf_free(&L->log);
    cc_scenario_free(L->s);
}

/* The last event logged so far. */
static void last_event(const live *L, cc_evrec *out)
{
    const char *end = L->log.data + L->log.len - 1, *p = end;
    while (p > L->log.data && p[-1] != '\n')
        p--;
    cc_evlog_error err;
    cr_assert_eq(cc_evlog_decode(p, (size_t)(end - p), out, &err), CC_OK, "%s", err.message);
}

static void live_steps(live *L, const step *st, size_t n)
{
    char why[256];
    for (size_t k = 0; k < n; k++) {
        int64_t w = L->base + st[k].wall_min * MIN;
        if (!st[k].json) {
            cr_assert_eq(cc_engine_advance_wall(L->e, w), CC_OK);
            continue;
        }
        json_t *v = json_loads(st[k].json, 0, NULL);
        cr_assert_not_null(v, "bad test JSON %s", st[k].json);
        cr_assert_eq(cc_engine_input_at(L->e, w, v, why, sizeof why), CC_OK, "%s: %s", st[k].json, why);
        json_decref(v);
        cc_evrec r;
        last_event(L, &r);
        if (st[k].refused) {
            cr_expect_str_eq(r.type, "input.refused", "%s was applied", st[k].json);
            cr_expect(strstr(ev_str(r.payload, "reason"), st[k].refused) != NULL, "%s: reason '%s'", st[k].json,
                      ev_str(r.payload, "reason"));
        } else {
            cr_expect_str_neq(r.type, "input.refused", "%s refused: %s", st[k].json,
                              ev_str(r.payload, "reason"));
        }
        cc_evrec_clear(&r);
    }
}

/* Runs steps on the fixture, then ticks to end_wall_min and finishes; decoded events in ev. */
static size_t run_live(const step *st, size_t n, int64_t end_wall_min, cc_buf *bytes, cc_evrec *ev,
                       size_t max)
{
    live L;
    live_open(&L);
    live_steps(&L, st, n);
    cr_assert_eq(cc_engine_advance_wall(L.e, L.base + end_wall_min * MIN), CC_OK);
    cr_assert_eq(cc_engine_finish(L.e), CC_OK);
    size_t k = ev_decode_all(&L.log, ev, max);
    if (bytes)
        cc_buf_append(bytes, L.log.data, L.log.len);
    live_close(&L);
    return k;
}



/* scenario and wall minute of the release of an inject */
static void expect_release(const cc_evrec *ev, size_t n, const char *id, int64_t t_min, int64_t wall_min,
                           int64_t base)
{
    cr_expect_eq(ev_count(ev, n, "inject.release", "inject", id), 1, "%s released %zu times", id,
                 ev_count(ev, n, "inject.release", "inject", id));
    const cc_evrec *r = ev_find(ev, n, "inject.release", "inject", id);
    if (!r)
        return;
    cr_expect_eq(r->t_ms, t_min * MIN, "%s at scenario %lld ms, want minute %lld", id, (long long)r->t_ms,
                 (long long)t_min);
    if (wall_min >= 0)
        cr_expect_eq(r->wall_ms, base + wall_min * MIN, "%s at wall +%lld ms, want minute %lld", id,
                     (long long)(r->wall_ms - base), (long long)wall_min);
}

Test(engine, live_pause_across_an_inject_fires_it_once_at_its_scenario_time)
{
    live L;
    live_open(&L);
    step st[] = {{0, "{\"do\": \"start\"}", NULL}, {20, "{\"do\": \"pause\"}", NULL}};
    live_steps(&L, st, 2);
    cr_expect_eq(cc_engine_next_due_wall(L.e), INT64_MAX, "a paused clock has nothing due");
    for (int64_t m = 21; m <= 50; m++) /* ticks across I-1's time (+30m) while paused */
        cr_assert_eq(cc_engine_advance_wall(L.e, L.base + m * MIN), CC_OK);
    cc_engine_clock c;
    cc_engine_clock_get(L.e, L.base + 50 * MIN, &c);
    cr_expect(c.live && c.started && !c.running);
    cr_expect_eq(c.scenario_ms, 20 * MIN, "paused at +20m");
    cr_expect_str_eq(cc_engine_inject_state(L.e, 0, NULL, NULL), "pending", "nothing released while paused");
    step st2[] = {{55, "{\"do\": \"resume\"}", NULL}};
    live_steps(&L, st2, 1);
    cr_expect_eq(cc_engine_next_due_wall(L.e), L.base + 65 * MIN, "I-1 is due 10 minutes after resuming");
    cc_engine_clock_get(L.e, L.base + 60 * MIN, &c);
    cr_expect_eq(c.scenario_ms, 25 * MIN);
    for (int64_t m = 56; m <= 120; m++)
        cr_assert_eq(cc_engine_advance_wall(L.e, L.base + m * MIN), CC_OK);
    cc_engine_finish(L.e);
    static cc_evrec ev[256];
    size_t n = ev_decode_all(&L.log, ev, 256);
    expect_release(ev, n, "I-1", 30, 65, L.base);
    expect_release(ev, n, "I-2", 60, 95, L.base);
    expect_release(ev, n, "I-4", 75, 110, L.base); /* 15 minutes after I-2, in scenario time */
    cr_expect_str_eq(ev_find(ev, n, "clock.pause", NULL, NULL)->actor, "control");
    ev_clear_all(ev, n);
    live_close(&L);
}

Test(engine, live_speed_change_midway)
{
    step st[] = {{0, "{\"do\": \"start\"}", NULL},
                 {10, "{\"do\": \"speed\", \"factor\": 2}", NULL},
                 {35, "{\"do\": \"speed\", \"factor\": \"1/4\"}", NULL}};
    static cc_evrec ev[256];
    size_t n = run_live(st, 3, 200, NULL, ev, 256);
    expect_release(ev, n, "I-1", 30, 20, 0 + ev[0].wall_ms); /* 10 + 20 / 2 */
    expect_release(ev, n, "I-2", 60, 35, ev[0].wall_ms);     /* 10 + 50 / 2: due exactly at the change */
    expect_release(ev, n, "I-4", 75, 95, ev[0].wall_ms);     /* 35 + 15 * 4 */
    const cc_evrec *sp = ev_find(ev, n, "clock.speed", "speed", "0.25");
    cr_assert_not_null(sp, "1/4 written as 0.25");
    cr_expect_str_eq(ev_str(sp->payload, "previous"), "2");
    cr_expect_eq(sp->t_ms, 60 * MIN);
    ev_clear_all(ev, n);
}

Test(engine, live_jump_releases_everything_due_in_order_at_its_own_times)
{
    step st[] = {{0, "{\"do\": \"start\"}", NULL},
                 {5, "{\"do\": \"jump\", \"to\": \"+03:30\"}", NULL},
                 {6, "{\"do\": \"jump\", \"to\": \"+1h\"}", "the clock only jumps forward: +1h is before"},
                 {6, "{\"do\": \"jump\", \"to\": \"+7h\"}", "after the end of the exercise"},
                 {7, "{\"do\": \"jump\", \"to\": \"2026-03-02T12:40:00Z\"}", NULL}};
    static cc_evrec ev[256];
    size_t n = run_live(st, 5, 30, NULL, ev, 256);
    int64_t base = ev[0].wall_ms;
    const cc_evrec *j = ev_find(ev, n, "clock.jump", NULL, NULL);
    cr_assert_not_null(j);
    cr_expect_eq(json_integer_value(json_object_get(j->payload, "from_ms")), 5 * MIN);
    cr_expect_eq(json_integer_value(json_object_get(j->payload, "to_ms")), 210 * MIN);
    expect_release(ev, n, "I-1", 30, 5, base);
    expect_release(ev, n, "I-2", 60, 5, base);
    expect_release(ev, n, "I-4", 75, 5, base);
    expect_release(ev, n, "I-3", 90, 5, base);
    const cc_evrec *open = ev_find(ev, n, "decision.open", "decision", "D-1");
    const cc_evrec *dl = ev_find(ev, n, "decision.deadline", "decision", "D-1");
    cr_assert(open && dl, "the decision opens and its deadline passes during the jump");
    cr_expect_eq(open->t_ms, 120 * MIN);
    cr_expect_eq(dl->t_ms, 180 * MIN);
    /* in order: scenario times never decrease */
    for (size_t i = 1; i < n; i++)
        cr_expect_geq(ev[i].t_ms, ev[i - 1].t_ms, "event %zu goes back in time", i);
    expect_release(ev, n, "I-5", 240, 27,
                   base); /* the absolute jump to 12:40 = +3h40m, then 20 more minutes */
    ev_clear_all(ev, n);
}

Test(engine, live_release_now_then_its_time_passes_delivers_once)
{
    step st[] = {{0, "{\"do\": \"start\"}", NULL},
                 {10, "{\"do\": \"release\", \"inject\": \"I-2\"}", NULL},
                 {70, "{\"do\": \"release\", \"inject\": \"I-2\"}", "the inject was already released"}};
    static cc_evrec ev[256];
    size_t n = run_live(st, 3, 120, NULL, ev, 256);
    expect_release(ev, n, "I-2", 10, 10, ev[0].wall_ms);
    expect_release(ev, n, "I-4", 25, 25, ev[0].wall_ms); /* its trigger fired once, at the early release */
    cr_expect_eq(ev_count(ev, n, "delivery", "item", "I-2"), 2, "two chairs, once each");
    ev_clear_all(ev, n);
}

Test(engine, live_hold_then_pause_then_release_fires_once)
{
    step st[] = {{0, "{\"do\": \"start\"}", NULL},
                 {10, "{\"do\": \"hold\", \"inject\": \"I-1\"}", NULL},
                 {11, "{\"do\": \"hold\", \"inject\": \"I-1\"}", "the inject is already held"},
                 {20, "{\"do\": \"pause\"}", NULL},
                 {21, "{\"do\": \"pause\"}", "the clock is already paused"},
                 {45, NULL, NULL},
                 {46, "{\"do\": \"release\", \"inject\": \"I-1\"}", NULL},
                 {50, "{\"do\": \"resume\"}", NULL},
                 {51, "{\"do\": \"resume\"}", "the clock is not paused"},
                 {52, "{\"do\": \"start\"}", "the clock is already started"}};
    static cc_evrec ev[256];
    size_t n = run_live(st, sizeof st / sizeof st[0], 100, NULL, ev, 256);
    expect_release(ev, n, "I-1", 20, 46, ev[0].wall_ms); /* released while paused, at the paused time */
    expect_release(ev, n, "I-2", 60, 90, ev[0].wall_ms);
    ev_clear_all(ev, n);
}

Test(engine, live_add_during_pause_and_every_refusal)
{
    step st[] = {
        {0, "{\"do\": \"pause\"}", "the clock has not started"},
        {0, "{\"do\": \"resume\"}", "the clock has not started"},
        {0, "{\"do\": \"start\"}", NULL},
        {20, "{\"do\": \"pause\"}", NULL},
        {21,
         "{\"do\": \"add\", \"inject\": {\"id\": \"N-1\", \"title\": \"Live item\", \"label\": "
         "\"UNCLASSIFIED//REL TO ALLIANCE\", \"from\": \"control\", \"to\": [\"all\"], \"at\": \"+25m\", "
         "\"class\": [\"warning\"]}}",
         NULL},
        {22,
         "{\"do\": \"add\", \"inject\": {\"id\": \"N-2\", \"title\": \"Now\", \"label\": \"UNCLASSIFIED//REL "
         "TO "
         "ALLIANCE\", \"from\": \"usa-chair\", \"to\": [\"party:KOR\"], \"channel\": \"call\"}}",
         NULL},
        {23,
         "{\"do\": \"add\", \"inject\": {\"id\": \"N-3\", \"title\": \"After\", \"label\": "
         "\"UNCLASSIFIED//REL TO "
         "ALLIANCE\", \"from\": \"control\", \"to\": [\"cell:chairs\"], \"trigger\": {\"after\": \"I-2\", "
         "\"delay\": \"5m\"}}}",
         NULL},
        {24,
         "{\"do\": \"add\", \"inject\": {\"id\": \"N-4\", \"title\": \"Chain\", \"label\": "
         "\"UNCLASSIFIED//REL TO "
         "ALLIANCE\", \"from\": \"control\", \"to\": [\"all\"], \"trigger\": {\"after\": \"N-3\"}}}",
         NULL},
        {25,
         "{\"do\": \"add\", \"inject\": {\"id\": \"I-1\", \"title\": \"x\", \"label\": \"UNCLASSIFIED\", "
         "\"from\": "
         "\"control\", \"to\": [\"all\"]}}",
         "duplicate inject id 'I-1'"},
        {25,
         "{\"do\": \"add\", \"inject\": {\"id\": \"N-1\", \"title\": \"x\", \"label\": \"UNCLASSIFIED\", "
         "\"from\": "
         "\"control\", \"to\": [\"all\"]}}",
         "duplicate inject id 'N-1'"},
        {25,
         "{\"do\": \"add\", \"inject\": {\"id\": \"N-5\", \"title\": \"x\", \"label\": \"UNCLASSIFIED\", "
         "\"from\": "
         "\"usa-chiar\", \"to\": [\"all\"]}}",
         "unknown seat 'usa-chiar' (did you mean 'usa-chair'?)"},
        {25,
         "{\"do\": \"add\", \"inject\": {\"id\": \"N-5\", \"title\": \"x\", \"label\": \"UNCLASSIFIED\", "
         "\"from\": "
         "\"control\", \"to\": [\"cell:nobody\"]}}",
         "unknown cell 'nobody'"},
        {25,
         "{\"do\": \"add\", \"inject\": {\"id\": \"N-5\", \"title\": \"x\", \"label\": \"TOP SECRET\", "
         "\"from\": "
         "\"control\", \"to\": [\"all\"]}}",
         "the inject's label, column"},
        {25,
         "{\"do\": \"add\", \"inject\": {\"id\": \"N-5\", \"title\": \"x\", \"label\": \"SECRET//REL TO USA, "
         "KOR\", "
         "\"from\": \"control\", \"to\": [\"kor-staff\"]}}",
         "seat 'kor-staff', whose clearance can never read"},
        {25,
         "{\"do\": \"add\", \"inject\": {\"id\": \"N-5\", \"title\": \"x\", \"label\": \"UNCLASSIFIED\", "
         "\"from\": "
         "\"control\", \"to\": [\"all\"], \"at\": \"+10m\"}}",
         "is before the current scenario time +20m"},
        {25,
         "{\"do\": \"add\", \"inject\": {\"id\": \"N-5\", \"title\": \"x\", \"label\": \"UNCLASSIFIED\", "
         "\"from\": "
         "\"control\", \"to\": [\"all\"], \"at\": \"+9h\"}}",
         "after the end of the exercise"},
        {25,
         "{\"do\": \"add\", \"inject\": {\"id\": \"N-5\", \"title\": \"x\", \"label\": \"UNCLASSIFIED\", "
         "\"from\": "
         "\"control\", \"to\": [\"all\"], \"titel\": \"y\"}}",
         "unknown member \"titel\" in the inject (did you mean \"title\"?)"},
        {25,
         "{\"do\": \"add\", \"inject\": {\"id\": \"N-5\", \"title\": \"x\", \"label\": \"UNCLASSIFIED\", "
         "\"from\": "
         "\"control\", \"to\": [\"all\"], \"trigger\": {\"after\": \"N-2\"}}}",
         "inject 'N-2' was already released"},
        {25,
         "{\"do\": \"add\", \"inject\": {\"id\": \"N-5\", \"title\": \"x\", \"label\": \"UNCLASSIFIED\", "
         "\"from\": "
         "\"control\", \"to\": [\"all\"], \"trigger\": {\"decision\": \"D-1\"}}}",
         "takes \"at\" or \"trigger\": {\"after\""},
        {25,
         "{\"do\": \"add\", \"inject\": {\"id\": \"N-5\", \"title\": \"\", \"label\": \"UNCLASSIFIED\", "
         "\"from\": "
         "\"control\", \"to\": [\"all\"]}}",
         "\"title\" must not be empty"},
        {25,
         "{\"do\": \"add\", \"inject\": {\"id\": \"N 5\", \"title\": \"x\", \"label\": \"UNCLASSIFIED\", "
         "\"from\": "
         "\"control\", \"to\": [\"all\"]}}",
         "is not a valid inject id"},
        {25,
         "{\"do\": \"add\", \"inject\": {\"id\": \"N-5\", \"title\": \"x\", \"label\": \"UNCLASSIFIED\", "
         "\"from\": "
         "\"control\", \"to\": [\"all\"], \"channel\": \"fax\"}}",
         "unknown channel 'fax'"},
        {25,
         "{\"do\": \"add\", \"inject\": {\"id\": \"N-5\", \"title\": \"x\", \"label\": \"UNCLASSIFIED\", "
         "\"from\": "
         "\"control\", \"to\": []}}",
         "needs \"to\""},
        {25,
         "{\"do\": \"add\", \"inject\": {\"id\": \"N-5\", \"title\": \"x\", \"label\": \"UNCLASSIFIED\", "
         "\"from\": "
         "\"control\", \"to\": [\"all\"], \"objectives\": [\"O-nope\"]}}",
         "unknown objective 'O-nope'"},
        {40, NULL, NULL},
        {50, "{\"do\": \"resume\"}", NULL},
        {60, "{\"do\": \"release\", \"inject\": \"N-1\"}", "the inject was already released"},
        {61, "{\"do\": \"edit\", \"inject\": \"N-3\", \"title\": \"After (edited)\"}", NULL},
    };
    static cc_evrec ev[512];
    size_t n = run_live(st, sizeof st / sizeof st[0], 200, NULL, ev, 512);
    int64_t base = ev[0].wall_ms;
    expect_release(ev, n, "N-2", 20, 22, base); /* no time: released at once, even while paused */
    expect_release(ev, n, "N-1", 25, 55, base); /* its time came 5 minutes after resuming */
    expect_release(ev, n, "N-3", 65, 95, base); /* 5 minutes after I-2 (+60m, wall 90) */
    expect_release(ev, n, "N-4", 65, 95, base); /* right after N-3 */
    cr_expect_eq(ev_count(ev, n, "inject.add", NULL, NULL), 4);
    const cc_evrec *a = ev_find(ev, n, "inject.add", "inject", "N-1");
    cr_assert_not_null(a);
    cr_expect_str_eq(a->actor, "control");
    cr_expect_str_eq(a->label, "UNCLASSIFIED//REL TO KOR, USA");
    cr_expect_eq(json_integer_value(json_object_get(a->payload, "at_ms")), 25 * MIN);
    const cc_evrec *r3 = ev_find(ev, n, "inject.release", "inject", "N-3");
    cr_expect_str_eq(ev_str(r3->payload, "title"), "After (edited)");
    cr_expect_eq(ev_count(ev, n, "denial", "item", "N-2"), 0, "party:KOR: both KOR seats, both cleared");
    cr_expect_eq(ev_count(ev, n, "delivery", "item", "N-2"), 2);
    ev_clear_all(ev, n);
}

Test(engine, edit_moves_an_inject_in_scenario_time)
{
    step st[] = {
        {0, "{\"do\": \"start\"}", NULL},
        {5, "{\"do\": \"edit\", \"inject\": \"I-5\", \"at\": \"+50m\"}", NULL},
        {6, "{\"do\": \"edit\", \"inject\": \"I-4\", \"at\": \"+2h\"}", NULL},
        {7, "{\"do\": \"edit\", \"inject\": \"I-2\", \"at\": \"+1m\"}",
         "is before the current scenario time"},
        {8, "{\"do\": \"edit\", \"inject\": \"I-2\", \"at\": \"+7h\"}", "after the end of the exercise"},
        {9, "{\"do\": \"hold\", \"inject\": \"I-3\"}", NULL},
        {10, "{\"do\": \"edit\", \"inject\": \"I-3\", \"at\": \"+20m\"}", NULL},
        {31, "{\"do\": \"edit\", \"inject\": \"I-1\", \"title\": \"late\"}",
         "the inject was already released"},
        {40, "{\"do\": \"release\", \"inject\": \"I-3\"}", NULL}};
    static cc_evrec ev[256];
    size_t n = run_live(st, sizeof st / sizeof st[0], 300, NULL, ev, 256);
    int64_t base = ev[0].wall_ms;
    expect_release(ev, n, "I-5", 50, 50, base);   /* moved earlier: released once, at the new time */
    expect_release(ev, n, "I-4", 120, 120, base); /* its trigger (I-2 + 15m) no longer releases it */
    expect_release(ev, n, "I-3", 40, 40, base);   /* held: the new time passes, the release counts */
    const cc_evrec *ed = ev_find(ev, n, "inject.edit", "inject", "I-5");
    cr_assert_not_null(ed);
    cr_expect_eq(json_integer_value(json_object_get(ed->payload, "at_ms")), 50 * MIN);
    ev_clear_all(ev, n);
}

Test(engine, clock_controls_need_a_wall_driven_engine_and_valid_values)
{
    cc_scenario *s = ev_load(CLOCK_FIXTURE);
    cc_buf log;
    cc_buf_init(&log);
    cc_engine_opts o = {.seed = 1, .variant = -1};
    cc_engine *e = NULL;
    char why[256];
    cr_assert_eq(cc_engine_new(s, &o, ev_collect, &log, &e), CC_OK);
    cr_assert_eq(cc_engine_start(e), CC_OK);
    cr_expect_eq(input(e, "{\"do\": \"pause\"}", why), CC_ERR_INVALID);
    cr_expect(strstr(why, "needs the control clock of a wall-driven run") != NULL, "%s", why);
    cr_expect_eq(cc_engine_advance_wall(e, 1000), CC_ERR_ARG);
    cr_expect_eq(cc_engine_next_due_wall(e), INT64_MAX);
    cr_expect_eq(cc_engine_wall_at(e, 1000), INT64_MAX);
    cc_engine_stats st;
    cc_engine_stats_get(e, &st);
    cr_expect_eq(st.events, 1, "nothing logged");
    cc_engine_free(e);

    o.live_clock = 1;
    cr_assert_eq(cc_engine_new(s, &o, ev_collect, &log, &e), CC_OK);
    cr_expect_eq(cc_engine_advance_wall(e, 0), CC_ERR_ARG, "before cc_engine_start");
    cr_assert_eq(cc_engine_start(e), CC_OK);
    cr_expect_eq(cc_engine_run_until(e, 1000), CC_ERR_ARG, "a live engine is driven by wall time");
    cr_expect_eq(cc_engine_advance_wall(e, -1), CC_ERR_RANGE);
    static const struct {
        const char *json, *why;
    } bad[] = {
        {"{\"do\": \"speed\"}", "\"speed\" needs \"factor\""},
        {"{\"do\": \"speed\", \"factor\": 0}", "between 0.01 and 1000"},
        {"{\"do\": \"speed\", \"factor\": 2000}", "between 0.01 and 1000"},
        {"{\"do\": \"speed\", \"factor\": \"1/1000\"}", "between 0.01 and 1000"},
        {"{\"do\": \"speed\", \"factor\": 0.5}", "numbers in an input must be integers"},
        {"{\"do\": \"speed\", \"factor\": \"fast\"}", "is not a speed"},
        {"{\"do\": \"speed\", \"factor\": \"0.1234\"}", "is not a speed"},
        {"{\"do\": \"speed\", \"factor\": \"1/0\"}", "between 0.01 and 1000"},
        {"{\"do\": \"speed\", \"factor\": true}", "must be an integer or a string"},
        {"{\"do\": \"jump\"}", "\"jump\" needs \"to\""},
        {"{\"do\": \"jump\", \"to\": \"1h\"}", "\"to\": a relative time starts with '+'"},
        {"{\"do\": \"jump\", \"to\": [\"+1h\"]}", "\"to\" must be a string"},
        {"{\"do\": \"pause\", \"inject\": \"I-1\"}", "\"pause\" takes no \"inject\""},
        {"{\"do\": \"add\"}", "\"add\" needs \"inject\""},
        {"{\"do\": \"add\", \"inject\": {\"title\": \"x\"}}", "the inject needs \"id\""},
        {"{\"do\": \"add\", \"inject\": {\"id\": \"N\"}, \"seat\": \"ctl\"}",
         "\"add\" takes only \"inject\""},
        {"{\"do\": \"add\", \"inject\": {\"id\": \"N\", \"n\": 1.5}}",
         "numbers in an input must be integers"},
        {"{\"do\": \"edit\", \"inject\": \"I-1\"}",
         "\"edit\" needs \"title\", \"body\", \"at\", \"label\" or \"to\""},
        {"{\"do\": \"edit\", \"inject\": \"I-1\", \"at\": \"soon\"}", "\"at\":"},
        {"{\"do\": \"release\", \"inject\": \"N-9\"}", "needs \"inject\""},
        {"{\"do\": \"note\", \"text\": \"x\", \"factor\": 2}", "\"factor\" only applies to \"speed\""},
        {"{\"do\": \"note\", \"text\": \"x\", \"at\": \"+1h\"}", "only apply to \"edit\""},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        why[0] = 0;
        cr_expect_eq(input(e, bad[i].json, why), CC_ERR_INVALID, "%s accepted", bad[i].json);
        cr_expect(strstr(why, bad[i].why) != NULL, "%s: why '%s'", bad[i].json, why);
    }
    cc_engine_stats_get(e, &st);
    cr_expect_eq(st.events, 1, "malformed controls are not logged");
    /* valid speeds in every form */
    static const struct {
        const char *json, *speed;
    } good[] = {{"{\"do\": \"speed\", \"factor\": 60}", "60"},
                {"{\"do\": \"speed\", \"factor\": \"0.5\"}", "0.5"},
                {"{\"do\": \"speed\", \"factor\": \"2/6\"}", "1/3"},
                {"{\"do\": \"speed\", \"factor\": \"0.01\"}", "0.01"},
                {"{\"do\": \"speed\", \"factor\": \"1000\"}", "1000"}};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        cr_expect_eq(input(e, good[i].json, why), CC_OK, "%s: %s", good[i].json, why);
        cc_evrec r;
        const char *end = log.data + log.len - 1, *p = end;
        while (p > log.data && p[-1] != '\n')
            p--;
        cc_evlog_error err;
        cr_assert_eq(cc_evlog_decode(p, (size_t)(end - p), &r, &err), CC_OK);
        cr_expect_str_eq(r.type, "clock.speed");
        cr_expect_str_eq(ev_str(r.payload, "speed"), good[i].speed, "%s", good[i].json);
        cc_evrec_clear(&r);
    }
    cc_engine_free(e);
    cc_buf_free(&log);
    cc_scenario_free(s);
}

/* The same control inputs give the same bytes whether the server ticks every second or only
 * when an input arrives: event wall times come from the clock, not from the ticks. */
Test(engine, live_logs_do_not_depend_on_tick_granularity_and_are_deterministic)
{
    step st[] = {
        {0, "{\"do\": \"start\"}", NULL},
        {3, "{\"do\": \"speed\", \"factor\": \"3\"}", NULL},
        {20, "{\"do\": \"pause\"}", NULL},
        {31, "{\"do\": \"resume\"}", NULL},
        {32, "{\"do\": \"hold\", \"inject\": \"I-3\"}", NULL},
        {33,
         "{\"do\": \"add\", \"inject\": {\"id\": \"N-1\", \"title\": \"Live\", \"label\": "
         "\"UNCLASSIFIED//REL TO ALLIANCE\", \"from\": \"control\", \"to\": [\"all\"], \"at\": \"+3h\"}}",
         NULL},
        {40, "{\"do\": \"jump\", \"to\": \"+2h30m\"}", NULL},
        {41, "{\"do\": \"release\", \"inject\": \"I-3\"}", NULL},
        {42, "{\"do\": \"speed\", \"factor\": \"1/2\"}", NULL}};
    size_t ns = sizeof st / sizeof st[0];
    cc_buf a, b, c;
    cc_buf_init(&a);
    cc_buf_init(&b);
    cc_buf_init(&c);
    static cc_evrec ev[512];
    size_t n = run_live(st, ns, 800, &a, ev, 512);
    ev_clear_all(ev, n);
    n = run_live(st, ns, 800, &b, ev, 512);
    ev_clear_all(ev, n);
    cr_expect(a.len == b.len && memcmp(a.data, b.data, a.len) == 0, "same inputs, same bytes");
    /* the same with a tick every wall second in between */
    live L;
    live_open(&L);
    int64_t next = 0;
    for (size_t k = 0; k < ns; k++) {
        for (; next < st[k].wall_min * 60; next++)
            cr_assert_eq(cc_engine_advance_wall(L.e, L.base + next * 1000), CC_OK);
        live_steps(&L, &st[k], 1);
    }
    for (; next <= 800 * 60; next += 7)
        cr_assert_eq(cc_engine_advance_wall(L.e, L.base + next * 1000), CC_OK);
    cr_assert_eq(cc_engine_advance_wall(L.e, L.base + 800 * MIN), CC_OK);
    cr_assert_eq(cc_engine_finish(L.e), CC_OK);
    cc_buf_append(&c, L.log.data, L.log.len);
    live_close(&L);
    cr_expect(a.len == c.len && memcmp(a.data, c.data, a.len) == 0, "ticks every second change the log");
    n = ev_decode_all(&a, ev, 512);
    cr_expect_eq(ev_count(ev, n, "run.end", "reason", "duration"), 1, "the clock ran to the end");
    cr_expect_str_eq(ev_str(ev[0].payload, "clock"), "wall");
    ev_clear_all(ev, n);
    cc_buf_free(&a);
    cc_buf_free(&b);
    cc_buf_free(&c);
}

Test(engine, scenario_driven_runs_log_no_clock)
{
    cc_scenario *s = ev_load(CLOCK_FIXTURE);
    cc_buf log;
    cc_buf_init(&log);
    run(s, 1, 0, &log, NULL);
    static cc_evrec ev[256];
    size_t n = ev_decode_all(&log, ev, 256);
    cr_expect_null(json_object_get(ev[0].payload, "clock"), "run.start of a headless run is unchanged");
    cr_expect_eq(ev[1].wall_ms, 0, "no wall clock, no wall times");
    expect_release(ev, n, "I-4", 75, -1, 0);
    ev_clear_all(ev, n);
    cc_buf_free(&log);
    cc_scenario_free(s);
}

Test(engine, live_due_now_waits_for_resume_and_fires_with_it)
{
    step st[] = {{0, "{\"do\": \"start\"}", NULL},
                 {20, "{\"do\": \"pause\"}", NULL},
                 {21,
                  "{\"do\": \"add\", \"inject\": {\"id\": \"N-1\", \"title\": \"Now\", \"label\": "
                  "\"UNCLASSIFIED//REL TO "
                  "ALLIANCE\", \"from\": \"control\", \"to\": [\"all\"], \"at\": \"+20m\"}}",
                  NULL},
                 {40, NULL, NULL},
                 {50, "{\"do\": \"resume\"}", NULL}};
    live L;
    live_open(&L);
    live_steps(&L, st, 4);
    cr_expect_str_eq(cc_engine_inject_state(L.e, 5, NULL, NULL), "pending", "due, but the clock is paused");
    int64_t at = 0;
    const char *id = NULL;
    cc_engine_inject_state(L.e, 5, &id, &at);
    cr_expect_str_eq(id, "N-1");
    cr_expect_eq(at, 20 * MIN);
    cr_expect_eq(cc_engine_inject_count(L.e), 6);
    cr_expect_eq(cc_engine_inject_index(L.e, "N-1"), 5);
    cr_expect_null(cc_engine_inject_state(L.e, 6, NULL, NULL));
    live_steps(&L, st + 4, 1);
    cr_expect_str_eq(cc_engine_inject_state(L.e, 5, NULL, NULL), "released", "released with the resume");
    cc_evrec r;
    last_event(&L, &r);
    cr_expect_eq(r.t_ms, 20 * MIN);
    cr_expect_eq(r.wall_ms, L.base + 50 * MIN);
    cc_evrec_clear(&r);
    live_close(&L);
}

/* The n-th event of a type (0-based), or NULL. */
static const cc_evrec *nth(const cc_evrec *ev, size_t n, const char *type, int k)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(ev[i].type, type) == 0 && k-- == 0)
            return &ev[i];
    return NULL;
}

static int64_t int_of(const cc_evrec *r, const char *key)
{
    return r ? (int64_t)json_integer_value(json_object_get(r->payload, key)) : -1;
}

static size_t count_type(const cc_evrec *ev, size_t n, const char *type)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        c += strcmp(ev[i].type, type) == 0;
    return c;
}

/* Review rounds (stage key 'rounds', agent action 'review'): usa-desk approves after 1h, kor-desk
 * objects after 2h each time; the objector alone reviews again after the 30m revision; the stage
 * ends after round 3 with kor-desk's objection standing. */
Test(engine, review_rounds_repeat_for_the_objectors_until_the_last_round)
{
    static cc_evrec ev[256];
    size_t n = run_auto("tests/scenarios/valid/engine-rounds.yaml", "parallel", 1, ev, 256, NULL);
    const cc_evrec *st = ev_find(ev, n, "consult.stage", "stage", "review");
    cr_assert_not_null(st);
    cr_expect_eq(int_of(st, "rounds"), 3, "the stage announces its rounds");
    cr_expect_eq(minute_of(ev, n, "consult.ack", "usa-desk", NULL, NULL), 120);
    cr_expect_eq(count_type(ev, n, "consult.ack"), 1, "an approver does not review again");
    cr_expect_eq(count_type(ev, n, "consult.object"), 3, "the objector reviews in every round");
    cr_expect_eq(count_type(ev, n, "consult.revise"), 2, "a revision after rounds 1 and 2, not 3");
    cr_expect_eq(count_type(ev, n, "consult.round"), 2);
    int64_t want_obj[] = {180, 330, 480}, want_rev[] = {180, 330}, want_round[] = {210, 360};
    for (int k = 0; k < 3; k++) {
        const cc_evrec *o = nth(ev, n, "consult.object", k);
        cr_assert_not_null(o);
        cr_expect_eq(o->t_ms / 60000, want_obj[k], "objection %d at minute %lld", k + 1,
                     (long long)(o->t_ms / 60000));
        cr_expect_eq(int_of(o, "round"), k + 1);
        cr_expect_str_eq(o->actor, "kor-desk");
    }
    for (int k = 0; k < 2; k++) {
        const cc_evrec *r = nth(ev, n, "consult.revise", k), *g = nth(ev, n, "consult.round", k);
        cr_assert(r && g);
        cr_expect_eq(r->t_ms / 60000, want_rev[k]);
        cr_expect_eq(int_of(r, "revision_ms"), 30 * 60000);
        cr_expect_eq(json_array_size(json_object_get(r->payload, "objectors")), 1);
        cr_expect_eq(g->t_ms / 60000, want_round[k]);
        cr_expect_eq(int_of(g, "round"), k + 2);
        json_t *parts = json_object_get(g->payload, "participants");
        cr_expect_eq(json_array_size(parts), 1, "only the objector reviews again");
        cr_expect_str_eq(json_string_value(json_array_get(parts, 0)), "kor-desk");
    }
    const cc_evrec *done = ev_find(ev, n, "consult.stage_done", "stage", "review");
    cr_assert_not_null(done);
    cr_expect_eq(done->t_ms / 60000, 480, "after the last round the stage ends");
    cr_expect_eq(int_of(done, "rounds"), 3);
    cr_expect_str_eq(json_string_value(json_array_get(json_object_get(done->payload, "objectors"), 0)),
                     "kor-desk", "the standing objection is recorded");
    cr_expect_eq(minute_of(ev, n, "consult.stage", NULL, "stage", "close"), 480, "the next stage follows");
    for (size_t i = 0; i < n; i++)
        cc_evrec_clear(&ev[i]);
}

/* A person in a sequential stage with rounds: an objection is the seat's review (its turn ends
 * and it is in the next round); an acknowledgement in the next round clears the objection. */
Test(engine, review_rounds_take_a_persons_objection_and_approval)
{
    cc_scenario *s = ev_load("tests/scenarios/valid/engine-rounds.yaml");
    uint8_t autos[8] = {0, 1, 1, 0};
    cc_engine_opts o = {.seed = 1, .variant = 1, .auto_seats = autos};
    cc_buf log;
    cc_buf_init(&log);
    cc_engine *e = NULL;
    char why[256];
    cr_assert_eq(cc_engine_new(s, &o, ev_collect, &log, &e), CC_OK);
    cr_assert_eq(cc_engine_start(e), CC_OK);
    /* usa-desk approves at 2h, kor-desk objects at 4h; then it is jpn-desk's turn */
    cr_assert_eq(cc_engine_run_until(e, 5 * 3600 * 1000), CC_OK);
    cr_expect_eq(input(e, "{\"do\": \"object\", \"seat\": \"jpn-desk\", \"consultation\": \"C-1\"}", why),
                 CC_OK);
    /* a second action in the same round is refused: the objection was the seat's review */
    cr_expect_eq(
        input(e, "{\"do\": \"acknowledge\", \"seat\": \"jpn-desk\", \"consultation\": \"C-1\"}", why), CC_OK);
    /* revision 1h, then round 2: kor-desk (2h) then jpn-desk */
    cr_assert_eq(cc_engine_run_until(e, 9 * 3600 * 1000), CC_OK);
    cr_expect_eq(
        input(e, "{\"do\": \"acknowledge\", \"seat\": \"jpn-desk\", \"consultation\": \"C-1\"}", why), CC_OK);
    cr_assert_eq(cc_engine_run_until(e, s->duration_s * 1000), CC_OK);
    cc_engine_free(e);
    static cc_evrec ev[256];
    size_t n = ev_decode_all(&log, ev, 256);
    const cc_evrec *o1 = nth(ev, n, "consult.object", 1);
    cr_assert_not_null(o1);
    cr_expect_str_eq(o1->actor, "jpn-desk");
    cr_expect_eq(o1->t_ms / 60000, 300);
    cr_expect_eq(int_of(o1, "round"), 1);
    const cc_evrec *ref = ev_find(ev, n, "input.refused", NULL, NULL);
    cr_assert_not_null(ref, "the second action of the round is refused");
    cr_expect(strstr(ev_str(ref->payload, "reason"), "already acted") != NULL, "%s",
              ev_str(ref->payload, "reason"));
    const cc_evrec *g = nth(ev, n, "consult.round", 0);
    cr_assert_not_null(g);
    cr_expect_eq(g->t_ms / 60000, 360, "revision of 1h after the round ends at 5h");
    cr_expect_eq(json_array_size(json_object_get(g->payload, "participants")), 2);
    cr_expect_eq(minute_of(ev, n, "consult.object", "kor-desk", NULL, NULL), 240);
    const cc_evrec *ack = nth(ev, n, "consult.ack", 1);
    cr_assert_not_null(ack);
    cr_expect_str_eq(ack->actor, "jpn-desk");
    cr_expect_eq(int_of(ack, "round"), 2);
    const cc_evrec *done = ev_find(ev, n, "consult.stage_done", "stage", "review");
    cr_assert_not_null(done);
    cr_expect_eq(done->t_ms / 60000, 540);
    cr_expect_eq(int_of(done, "rounds"), 2, "max 2 rounds");
    json_t *left = json_object_get(done->payload, "objectors");
    cr_expect_eq(json_array_size(left), 1, "kor-desk still objects after the last round");
    cr_expect_eq(count_type(ev, n, "consult.done"), 1);
    for (size_t i = 0; i < n; i++)
        cc_evrec_clear(&ev[i]);
    cc_buf_free(&log);
    cc_scenario_free(s);
}

/* One run of e: to 1h, a message between the first two seats (and with `add`, an inject added by
 * control), then to the end. */
static void drive(cc_engine *e, const cc_scenario *s, int add, const char *file)
{
    char why[256] = "", msg[512];
    cr_assert_eq(cc_engine_start(e), CC_OK);
    cr_assert_eq(cc_engine_run_until(e, 3600 * 1000), CC_OK);
    snprintf(msg, sizeof msg,
             "{\"do\": \"message\", \"seat\": \"%s\", \"to\": [\"%s\"], \"text\": \"x\", \"label\": "
             "\"UNCLASSIFIED\"}",
             s->seats[0].id, s->seats[1].id);
    cr_assert_eq(input(e, msg, why), CC_OK, "%s: %s", file, why);
    if (add)
        cr_assert_eq(input(e,
                           "{\"do\": \"add\", \"inject\": {\"id\": \"N-1\", \"title\": \"Added\", \"label\": "
                           "\"UNCLASSIFIED\", \"from\": \"control\", \"to\": [\"all\"], \"at\": \"+2h\"}}",
                           why),
                     CC_OK, "%s: %s", file, why);
    cr_assert_eq(cc_engine_run_until(e, s->duration_s * 1000), CC_OK);
}

/* A restarted engine logs byte for byte what a new engine logs, and answers the same queries,
 * for every replication and variant in any order, also after a run in which control added an
 * inject and a seat sent a message. */
Test(engine, a_restarted_engine_logs_what_a_new_one_logs)
{
    const char *const files[] = {
        "tests/scenarios/valid/engine-consult.yaml", "tests/scenarios/valid/engine-rounds.yaml",
        "scenarios/ncg-interagency-sim.yaml", "scenarios/ncg-policy-ttx.yaml", "bench/consult-10.yaml"};
    for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
        cc_scenario *s = ev_load(files[f]);
        uint8_t autos[256] = {0};
        for (size_t i = 0; i < s->nseats && i < 256; i++)
            autos[i] = s->seats[i].agent_index >= 0;
        cc_buf log, want;
        cc_buf_init(&log);
        cc_buf_init(&want);
        cc_engine_opts o = {.seed = 7, .replication = 0, .variant = -1, .auto_seats = autos};
        cc_engine *e = NULL;
        cr_assert_eq(cc_engine_new(s, &o, ev_collect, &log, &e), CC_OK);
        drive(e, s, 1, files[f]);
        cr_assert(strstr(log.data, "\"N-1\"") != NULL, "%s: the added inject is in the first run", files[f]);
        struct {
            uint64_t rep;
            int variant;
        } runs[] = {{3, -1}, {3, (int)s->nmechanisms - 1}, {0, 0}, {41, -1}};
        for (size_t k = 0; k < sizeof runs / sizeof runs[0]; k++) {
            cc_buf_reset(&log);
            cc_buf_reset(&want);
            cr_assert_eq(cc_engine_restart(e, runs[k].rep, runs[k].variant), CC_OK);
            drive(e, s, 0, files[f]);
            cc_engine_opts fo = o;
            fo.replication = runs[k].rep;
            fo.variant = runs[k].variant;
            cc_engine *fresh = NULL;
            cr_assert_eq(cc_engine_new(s, &fo, ev_collect, &want, &fresh), CC_OK);
            drive(fresh, s, 0, files[f]);
            cr_expect_eq(log.len, want.len, "%s rep %llu variant %d: %zu bytes, want %zu", files[f],
                         (unsigned long long)runs[k].rep, runs[k].variant, log.len, want.len);
            cr_expect(log.len == want.len && memcmp(log.data, want.data, log.len) == 0,
                      "%s rep %llu variant %d: the restarted engine's log differs", files[f],
                      (unsigned long long)runs[k].rep, runs[k].variant);
            cr_expect_eq(cc_engine_inject_count(e), cc_engine_inject_count(fresh));
            int same = 1;
            for (size_t i = 0; i < s->nseats; i++)
                for (size_t j = 0; j < cc_engine_inject_count(fresh); j++)
                    same &= cc_engine_seat_has(e, i, j) == cc_engine_seat_has(fresh, i, j);
            cr_expect(same, "%s: the restarted engine's seats hold what a new engine's hold", files[f]);
            cc_engine_free(fresh);
        }
        cr_expect_eq(cc_engine_restart(e, 0, (int)s->nmechanisms), CC_ERR_ARG, "a bad variant is refused");
        cc_engine_free(e);
        cc_buf_free(&log);
        cc_buf_free(&want);
        cc_scenario_free(s);
    }
}

/* ---- derived items: replies and forwards join their sources' labels ---------------------- */

/* The reason of the input.refused that follows the last "input" of log, "" when it was applied. */
static const char *last_refusal(const cc_buf *log, char *out, size_t size)
{
    static cc_evrec ev[1024];
    size_t n = ev_decode_all(log, ev, 1024);
    out[0] = 0;
    size_t k = n;
    while (k > 0 && strcmp(ev[k - 1].type, "input") != 0)
        k--;
    if (k < n && strcmp(ev[k].type, "input.refused") == 0)
        snprintf(out, size, "%s", ev_str(ev[k].payload, "reason"));
    for (size_t i = 0; i < n; i++)
        cc_evrec_clear(&ev[i]);
    return out;
}

/* The label of message id's "message" event, and whether it was delivered to / denied seat. */
static void message_fate(const cc_buf *log, const char *id, const char *seat, char *label, size_t size,
                         int *delivered, int *denied)
{
    static cc_evrec ev[1024];
    size_t n = ev_decode_all(log, ev, 1024);
    label[0] = 0;
    *delivered = *denied = 0;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(ev[i].type, "message") == 0 && strcmp(ev_str(ev[i].payload, "kind"), "message") == 0 &&
            strcmp(ev_str(ev[i].payload, "message"), id) == 0)
            snprintf(label, size, "%s", ev[i].label ? ev[i].label : "");
        if (strcmp(ev_str(ev[i].payload, "item"), id) == 0 && strcmp(ev_str(ev[i].payload, "seat"), seat) == 0) {
            *delivered |= strcmp(ev[i].type, "delivery") == 0;
            *denied |= strcmp(ev[i].type, "denial") == 0;
        }
    }
    for (size_t i = 0; i < n; i++)
        cc_evrec_clear(&ev[i]);
}

/* An engine on the all-features sample at scenario minute 31 (I-1, UNCLASSIFIED//REL TO ALLIANCE,
 * released), its log collected into *log. */
static cc_engine *features_at_minute_31(const cc_scenario *s, cc_buf *log)
{
    cc_engine_opts o = {.seed = 1, .variant = -1};
    cc_engine *e = NULL;
    cr_assert_eq(cc_engine_new(s, &o, ev_collect, log, &e), CC_OK);
    cc_engine_start(e);
    cr_assert_eq(cc_engine_run_until(e, 31 * 60 * 1000), CC_OK);
    return e;
}

#define MSG(seat, to, label, extra)                                                                          \
    "{\"do\": \"message\", \"seat\": \"" seat "\", \"to\": [" to "], \"text\": \"x\", \"label\": \"" label   \
    "\"" extra "}"

Test(engine, replies_to_messages_join_labels_and_chain)
{
    cc_scenario *s = ev_load("tests/scenarios/valid/all-features.yaml");
    cc_buf log;
    cc_buf_init(&log);
    cc_engine *e = features_at_minute_31(s, &log);
    char why[256], r[256], label[256];
    int del, den;
    /* M1 to both co-chairs and the CONFIDENTIAL KOR desk, which is denied it and so never holds it */
    cr_assert_eq(
        input(e, MSG("usa-chair", "\"kor-chair\", \"kor-intel\"", "SECRET//REL TO USA, KOR", ""), why), CC_OK,
        "%s", why);
    cr_expect_str_eq(last_refusal(&log, r, sizeof r), "");
    /* M2 replies to M1 under a wider label: it takes the join, so EXCON's controller is denied */
    cr_assert_eq(input(e,
                       MSG("kor-chair", "\"usa-chair\", \"ctl\"", "UNCLASSIFIED//REL TO USA, KOR, EXCON",
                           ", \"reply_to\": \"M1\""),
                       why),
                 CC_OK, "%s", why);
    cr_expect_str_eq(last_refusal(&log, r, sizeof r), "");
    message_fate(&log, "M2", "ctl", label, sizeof label, &del, &den);
    cr_expect_str_eq(label, "SECRET//REL TO KOR, USA", "a reply to a message joins its label");
    cr_expect(den && !del, "the join is not releasable to EXCON");
    message_fate(&log, "M2", "usa-chair", label, sizeof label, &del, &den);
    cr_expect(del && !den);
    /* M3 replies to the reply M2 with a caveat: the chain keeps SECRET and REL TO, adds NCG */
    cr_assert_eq(input(e,
                       MSG("usa-chair", "\"kor-chair\"", "UNCLASSIFIED//NCG//REL TO USA, KOR, EXCON",
                           ", \"reply_to\": \"M2\""),
                       why),
                 CC_OK, "%s", why);
    cr_expect_str_eq(last_refusal(&log, r, sizeof r), "");
    message_fate(&log, "M3", "kor-chair", label, sizeof label, &del, &den);
    cr_expect_str_eq(label, "SECRET//NCG//REL TO KOR, USA", "a reply to a reply joins the whole chain");
    cr_expect(del);
    /* refusals, each logged with its reason */
    static const struct {
        const char *json, *reason;
    } no[] = {
        /* the sender's own label narrows the join to USA: kor-chair could not read what it sends */
        {MSG("kor-chair", "\"usa-chair\"", "SECRET//REL TO USA", ", \"reply_to\": \"M1\""),
         "the sender may not use a label it cannot read itself"},
        /* kor-intel was denied M1, so it does not hold it */
        {MSG("kor-intel", "\"kor-chair\"", "CONFIDENTIAL//REL TO KOR", ", \"reply_to\": \"M1\""),
         "the seat does not hold the item it replies to"},
        {MSG("usa-chair", "\"kor-chair\"", "SECRET//REL TO USA, KOR", ", \"reply_to\": \"M99\""),
         "there is no message M99"},
        {"{\"do\": \"share\", \"seat\": \"kor-intel\", \"message\": \"M1\", \"to\": [\"kor-chair\"]}",
         "the seat does not hold this message"},
        {"{\"do\": \"share\", \"seat\": \"usa-chair\", \"message\": \"M7\", \"to\": [\"kor-chair\"]}",
         "there is no message M7"},
        /* a forward under a label the sender cannot read */
        {"{\"do\": \"share\", \"seat\": \"kor-chair\", \"message\": \"M1\", \"to\": [\"usa-chair\"], "
         "\"label\": "
         "\"SECRET//REL TO USA\"}",
         "the sender may not use a label it cannot read itself"},
    };
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++) {
        cr_assert_eq(input(e, no[i].json, why), CC_OK, "%s: %s", no[i].json, why);
        cr_expect_str_eq(last_refusal(&log, r, sizeof r), no[i].reason, "%s", no[i].json);
    }
    cr_expect_eq(input(e, MSG("usa-chair", "\"kor-chair\"", "SECRET", ", \"reply_to\": \"Mx\""), why),
                 CC_ERR_INVALID);
    cr_expect(strstr(why, "\"reply_to\" must name an inject") != NULL, "%s", why);
    cr_expect_eq(input(e, "{\"do\": \"acknowledge\", \"seat\": \"usa-chair\", \"message\": \"M1\"}", why),
                 CC_ERR_INVALID);
    cr_expect(strstr(why, "\"message\" only applies to \"share\"") != NULL, "%s", why);
    cc_engine_free(e);
    cc_buf_free(&log);
    cc_scenario_free(s);
}

Test(engine, a_persons_forward_keeps_or_joins_the_source_label)
{
    cc_scenario *s = ev_load("tests/scenarios/valid/all-features.yaml");
    cc_buf log;
    cc_buf_init(&log);
    cc_engine *e = features_at_minute_31(s, &log);
    char why[256], r[256];
    cr_assert_eq(input(e, MSG("usa-chair", "\"kor-chair\"", "SECRET//REL TO USA, KOR", ""), why), CC_OK);
    /* kor-chair forwards M1 to the controller and to usa-intel: under M1's own label */
    cr_assert_eq(input(e,
                       "{\"do\": \"share\", \"seat\": \"kor-chair\", \"message\": \"M1\", \"to\": [\"ctl\", "
                       "\"usa-intel\"]}",
                       why),
                 CC_OK, "%s", why);
    cr_expect_str_eq(last_refusal(&log, r, sizeof r), "");
    /* usa-intel now holds M1 and may reply to it; the controller was denied it and may not */
    cr_assert_eq(input(e, MSG("usa-intel", "\"usa-chair\"", "UNCLASSIFIED", ", \"reply_to\": \"M1\""), why),
                 CC_OK);
    cr_expect_str_eq(last_refusal(&log, r, sizeof r), "");
    cr_assert_eq(input(e, MSG("ctl", "\"usa-chair\"", "UNCLASSIFIED", ", \"reply_to\": \"M1\""), why), CC_OK);
    cr_expect_str_eq(last_refusal(&log, r, sizeof r), "the seat does not hold the item it replies to");
    /* a forward of an inject under a stricter label of the sender's: the join */
    cr_assert_eq(
        input(e,
              "{\"do\": \"share\", \"seat\": \"usa-chair\", \"inject\": \"I-1\", \"to\": [\"kor-chair\", "
              "\"kor-intel\"], \"label\": \"SECRET//REL TO USA, KOR\"}",
              why),
        CC_OK, "%s", why);
    cr_expect_str_eq(last_refusal(&log, r, sizeof r), "");
    cc_engine_free(e);
    static cc_evrec ev[1024];
    size_t n = ev_decode_all(&log, ev, 1024);
    int fwd = 0, to_ctl = 0, to_intel = 0, inj = 0;
    for (size_t i = 0; i < n; i++) {
        const char *t = ev[i].type;
        if (strcmp(t, "message") == 0 && strcmp(ev_str(ev[i].payload, "kind"), "forward") == 0 &&
            strcmp(ev_str(ev[i].payload, "message"), "M1") == 0)
            fwd =
                strcmp(ev[i].label, "SECRET//REL TO KOR, USA") == 0 && strcmp(ev[i].actor, "kor-chair") == 0;
        if (strcmp(ev_str(ev[i].payload, "item"), "M1") == 0 && strcmp(ev_str(ev[i].payload, "seat"), "ctl") == 0)
            to_ctl = strcmp(t, "denial") == 0;
        if (strcmp(ev_str(ev[i].payload, "item"), "M1") == 0 &&
            strcmp(ev_str(ev[i].payload, "seat"), "usa-intel") == 0)
            to_intel = strcmp(t, "delivery") == 0;
        if (strcmp(t, "message") == 0 && strcmp(ev_str(ev[i].payload, "kind"), "forward") == 0 &&
            strcmp(ev_str(ev[i].payload, "inject"), "I-1") == 0)
            inj |= strcmp(ev[i].label, "SECRET//REL TO KOR, USA") == 0;
        if (strcmp(t, "denial") == 0 && strcmp(ev_str(ev[i].payload, "item"), "I-1") == 0 &&
            strcmp(ev_str(ev[i].payload, "seat"), "kor-intel") == 0 &&
            strcmp(ev[i].label, "SECRET//REL TO KOR, USA") == 0)
            inj |= 2;
    }
    cr_expect(fwd, "the forward of M1 keeps M1's label");
    cr_expect(to_ctl, "the forward is denied to EXCON");
    cr_expect(to_intel, "the forward reaches usa-intel");
    cr_expect_eq(inj, 3, "the forward of I-1 takes the join and is denied to the CONFIDENTIAL desk");
    for (size_t i = 0; i < n; i++)
        cc_evrec_clear(&ev[i]);
    cc_buf_free(&log);
    cc_scenario_free(s);
}

/* A control-only input from a seat is logged and refused with its reason; the run goes on. */
Test(engine, control_only_inputs_from_a_seat_are_logged_refusals)
{
    cc_scenario *s = ev_load("tests/scenarios/valid/all-features.yaml");
    cc_buf log;
    cc_buf_init(&log);
    cc_engine *e = features_at_minute_31(s, &log);
    char why[256], r[256];
    static const struct {
        const char *json, *reason;
    } no[] = {
        {"{\"do\": \"downgrade\", \"seat\": \"usa-chair\", \"inject\": \"I-1\", \"label\": \"UNCLASSIFIED\", "
         "\"reason\": \"r\"}",
         "only control may downgrade"},
        {"{\"do\": \"edit\", \"seat\": \"usa-chair\", \"inject\": \"I-4\", \"title\": \"x\"}",
         "only control may edit injects"},
        {"{\"do\": \"rate\", \"seat\": \"usa-chair\", \"objective\": \"O-share\", \"rating\": \"P\"}",
         "only control may rate objectives"},
    };
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++) {
        cc_engine_stats before, after;
        cc_engine_stats_get(e, &before);
        cr_assert_eq(input(e, no[i].json, why), CC_OK, "%s: %s", no[i].json, why);
        cc_engine_stats_get(e, &after);
        cr_expect_eq(after.events, before.events + 2, "%s: the input and its refusal are logged", no[i].json);
        cr_expect_str_eq(last_refusal(&log, r, sizeof r), no[i].reason);
    }
    /* nothing changed: control's own downgrade still starts from the scenario's label */
    cr_assert_eq(
        input(e,
              "{\"do\": \"downgrade\", \"inject\": \"I-1\", \"label\": \"UNCLASSIFIED//REL TO USA, KOR, "
              "EXCON\"}",
              why),
        CC_ERR_INVALID, "a downgrade without a reason is malformed");
    cr_expect_str_eq(why, "\"downgrade\" needs \"reason\": why seats may now read what they could not");
    cr_assert_eq(
        input(e,
              "{\"do\": \"downgrade\", \"inject\": \"I-1\", \"label\": \"UNCLASSIFIED//REL TO USA, KOR, "
              "EXCON\", \"reason\": \"cleared\"}",
              why),
        CC_OK);
    cr_expect_str_eq(last_refusal(&log, r, sizeof r), "");
    cr_expect(strstr(log.data, "\"from\":\"UNCLASSIFIED//REL TO KOR, USA\"") != NULL);
    /* a seat's inputs must still be well-formed */
    cr_expect_eq(input(e, "{\"do\": \"downgrade\", \"seat\": \"usa-chair\", \"inject\": \"I-1\"}", why),
                 CC_ERR_INVALID);
    /* message memory is per run: after a restart M1 is unknown again */
    cr_assert_eq(input(e, MSG("usa-chair", "\"kor-chair\"", "SECRET//REL TO USA, KOR", ""), why), CC_OK);
    cc_buf_reset(&log);
    cr_assert_eq(cc_engine_restart(e, 0, -1), CC_OK);
    cc_engine_start(e);
    cr_assert_eq(cc_engine_run_until(e, 31 * 60 * 1000), CC_OK);
    cr_assert_eq(
        input(e, MSG("kor-chair", "\"usa-chair\"", "SECRET//REL TO USA, KOR", ", \"reply_to\": \"M1\""), why),
        CC_OK);
    cr_expect_str_eq(last_refusal(&log, r, sizeof r), "there is no message M1");
    cr_assert_eq(input(e, MSG("usa-chair", "\"kor-chair\"", "SECRET//REL TO USA, KOR", ""), why), CC_OK);
    cr_assert_eq(
        input(e, MSG("kor-chair", "\"usa-chair\"", "SECRET//REL TO USA, KOR", ", \"reply_to\": \"M1\""), why),
        CC_OK);
    cr_expect_str_eq(last_refusal(&log, r, sizeof r), "");
    cc_engine_free(e);
    cc_buf_free(&log);
    cc_scenario_free(s);
}

/* ---- timing of every stage kind, and mode: any --------------------------------------------- */

static const char stage_kinds_yaml[] =
    "caucus: 1\n"
    "exercise: {id: stage-kinds, title: Stage kinds, start: 2026-03-02T09:00:00Z, zone: UTC, duration: 1d}\n"
    "label_policy:\n"
    "  id: p\n"
    "  classifications: [{name: UNCLASSIFIED, short: U}]\n"
    "parties: [{id: USA, name: United States, zone: UTC}, {id: KOR, name: Korea, zone: UTC}]\n"
    "seats:\n"
    "  - {id: usa-chair, party: USA, role: Chair, clearance: UNCLASSIFIED}\n"
    "  - {id: kor-chair, party: KOR, role: Chair, clearance: UNCLASSIFIED}\n"
    "mechanisms:\n"
    "  - id: every\n"
    "    title: Every stage kind\n"
    "    stages:\n"
    "      - {id: s-notify, kind: notify, participants: [usa-chair, kor-chair]}\n"
    "      - {id: s-ack, kind: acknowledge, participants: [usa-chair, kor-chair]}\n"
    "      - {id: s-assess, kind: assess, participants: [usa-chair, kor-chair]}\n"
    "      - {id: s-convene, kind: convene, participants: [usa-chair, kor-chair]}\n"
    "      - {id: s-positions, kind: positions, participants: [usa-chair, kor-chair]}\n"
    "      - {id: s-communicate, kind: communicate, participants: [usa-chair, kor-chair]}\n"
    "      - {id: s-decide, kind: decide, participants: [usa-chair, kor-chair], rule: majority}\n"
    "  - id: any\n"
    "    title: First one wins\n"
    "    stages:\n"
    "      - {id: s-any, kind: assess, participants: [usa-chair, kor-chair], mode: any}\n"
    "      - {id: s-after, kind: notify, participants: [usa-chair]}\n"
    "consultations:\n"
    "  - {id: C-all, topic: All kinds, requested_by: usa-chair, mechanism: every, label: \"UNCLASSIFIED//REL "
    "TO USA, KOR\", at: +1h}\n"
    "  - {id: C-any, topic: Any, requested_by: usa-chair, mechanism: any, label: \"UNCLASSIFIED//REL TO USA, "
    "KOR\", at: +1h}\n";

static cc_scenario *load_text(const char *text)
{
    cc_diags d;
    cc_diags_init(&d);
    cc_scenario *s = NULL;
    cc_err rc = cc_scenario_load(text, strlen(text), "inline.yaml", NULL, &d, &s);
    cr_assert_eq(rc, CC_OK, "inline scenario: %s", d.count ? d.items[0].message : "");
    cc_diags_free(&d);
    return s;
}

/* Each stage kind of C-all starts when the one before ends and ends when its second participant
 * acts: usa-chair 3 minutes, kor-chair 7 minutes after its start. In C-any the first act ends the
 * `mode: any` stage, and the other participant's act comes too late. */
Test(engine, every_stage_kind_starts_and_ends_on_time)
{
    static const char *const kinds[] = {"notify",    "acknowledge", "assess", "convene",
                                        "positions", "communicate", "decide"};
    cc_scenario *s = load_text(stage_kinds_yaml);
    cc_buf log;
    cc_buf_init(&log);
    cc_engine_opts o = {.seed = 1, .variant = -1};
    cc_engine *e = NULL;
    char why[256], js[256];
    cr_assert_eq(cc_engine_new(s, &o, ev_collect, &log, &e), CC_OK);
    cc_engine_start(e);
    int64_t t = 60; /* minutes: C-all and C-any are requested at +1h */
    for (int k = 0; k < 7; k++) {
        const char *act = strcmp(kinds[k], "positions") == 0 ? "position" : "acknowledge";
        for (int who = 0; who < 2; who++) {
            cr_assert_eq(cc_engine_run_until(e, (t + (who ? 7 : 3)) * MIN), CC_OK);
            snprintf(js, sizeof js, "{\"do\": \"%s\", \"seat\": \"%s\", \"consultation\": \"C-all\"%s}", act,
                     who ? "kor-chair" : "usa-chair", k == 4 ? ", \"text\": \"Agreed\"" : "");
            cr_assert_eq(input(e, js, why), CC_OK, "%s: %s", js, why);
        }
        if (k == 0) {
            /* C-any: usa-chair acts first at +1h10m and alone ends s-any; kor-chair is then too late */
            cr_assert_eq(cc_engine_run_until(e, 70 * MIN), CC_OK);
            cr_assert_eq(
                input(e, "{\"do\": \"acknowledge\", \"seat\": \"usa-chair\", \"consultation\": \"C-any\"}",
                      why),
                CC_OK);
            cr_assert_eq(
                input(e, "{\"do\": \"acknowledge\", \"seat\": \"kor-chair\", \"consultation\": \"C-any\"}",
                      why),
                CC_OK);
        }
        t += 7;
    }
    cc_engine_free(e);
    static cc_evrec ev[512];
    size_t n = ev_decode_all(&log, ev, 512);
    t = 60;
    for (int k = 0; k < 7; k++, t += 7) {
        const cc_evrec *start = NULL, *done = NULL;
        for (size_t i = 0; i < n; i++) {
            if (strcmp(ev_str(ev[i].payload, "consultation"), "C-all") != 0 ||
                strcmp(ev_str(ev[i].payload, "kind"), kinds[k]) != 0)
                continue;
            if (strcmp(ev[i].type, "consult.stage") == 0)
                start = &ev[i];
            else if (strcmp(ev[i].type, "consult.stage_done") == 0)
                done = &ev[i];
        }
        cr_assert_not_null(start, "no %s stage", kinds[k]);
        cr_assert_not_null(done, "no %s stage done", kinds[k]);
        cr_expect_eq(start->t_ms, t * MIN, "%s starts at +%lld min", kinds[k],
                     (long long)(start->t_ms / MIN));
        cr_expect_eq(done->t_ms, (t + 7) * MIN, "%s ends at +%lld min", kinds[k],
                     (long long)(done->t_ms / MIN));
        cr_expect_eq(int_of(done, "duration_ms"), 7 * MIN, "%s lasts 7 min", kinds[k]);
    }
    cr_expect_eq(minute_of(ev, n, "consult.done", NULL, "consultation", "C-all"), 60 + 7 * 7);
    /* mode any */
    const cc_evrec *any = ev_find(ev, n, "consult.stage_done", "stage", "s-any");
    cr_assert_not_null(any);
    cr_expect_eq(any->t_ms, 70 * MIN, "the first act ends a mode: any stage");
    cr_expect_eq(int_of(any, "duration_ms"), 10 * MIN);
    const cc_evrec *after = ev_find(ev, n, "consult.stage", "stage", "s-after");
    cr_assert_not_null(after);
    cr_expect_eq(after->t_ms, 70 * MIN, "the next stage starts at once");
    int late = 0;
    for (size_t i = 0; i + 1 < n; i++)
        if (strcmp(ev[i].type, "input") == 0 && ev[i].actor && strcmp(ev[i].actor, "kor-chair") == 0 &&
            strcmp(ev_str(ev[i].payload, "consultation"), "C-any") == 0)
            late = strcmp(ev[i + 1].type, "input.refused") == 0 &&
                   strcmp(ev_str(ev[i + 1].payload, "reason"),
                          "the seat is not a participant of the consultation's current stage") == 0;
    cr_expect(late, "the second participant of a finished mode: any stage is refused");
    ev_clear_all(ev, n);
    cc_buf_free(&log);
    cc_scenario_free(s);
}
