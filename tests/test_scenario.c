/* Tests of core/scenario, the scenario model's rules written once: the names of its enumerations
 * are the JSON Schema's (in enum order, so an index is a value) and come back through
 * cc_name_index; identifiers and the reference syntax; who a reference reaches; the originator
 * rule of an inject (its originator, control's party, its seat's party); a distribution written in
 * the scenario format's notation and read back (cc_scenario_dist_write, cc_scenario_load_dist). */
#include <criterion/criterion.h>
#include <jansson.h>
#include <string.h>

#include "core/label.h"
#include "core/scenario.h"
#include "core/scenario_model.h"
#include "io/scenario_load.h"
#include "support/evtest.h"

/* The enum of the schema at a JSON pointer-like path of object keys. */
static const json_t *schema_enum(const json_t *schema, const char *const *path)
{
    const json_t *o = schema;
    for (size_t i = 0; path[i]; i++)
        o = json_object_get(o, path[i]);
    cr_assert(json_is_array(json_object_get(o, "enum")), "no enum at %s", path[0]);
    return json_object_get(o, "enum");
}

static void expect_table(const json_t *e, const char *const *names, size_t n, const char *what)
{
    cr_expect_eq(json_array_size(e), n, "%s: the schema lists %zu, the code %zu", what, json_array_size(e),
                 n);
    for (size_t i = 0; i < n && i < json_array_size(e); i++) {
        cr_expect_str_eq(names[i], json_string_value(json_array_get(e, i)), "%s %zu", what, i);
        cr_expect_eq(cc_name_index(names, names[i]), (int)i, "%s %s", what, names[i]);
    }
    cr_expect_null(names[n], "%s: the table ends in NULL", what);
}

Test(scenario, the_names_tables_are_the_schemas_enums)
{
    json_error_t je;
    json_t *s = json_load_file("schema/caucus-scenario-v1.schema.json", 0, &je);
    cr_assert_not_null(s, "%s", je.text);
    static const char *const channel[] = {"$defs", "channel", NULL};
    static const char *const kind[] = {"$defs", "stage_kind", NULL};
    static const char *const rule[] = {"$defs", "rule_name", NULL};
    static const char *const mode[] = {"properties", "mechanisms", "items", "properties", "stages",
                                       "items",      "properties", "mode",  NULL};
    static const char *const on[] = {"properties", "agents",     "items", "properties", "rules",
                                     "items",      "properties", "on",    NULL};
    static const char *const act[] = {"properties", "agents",     "items", "properties", "rules",
                                      "items",      "properties", "do",    NULL};
    static const char *const style[] = {"properties", "label_policy", "properties", "classifications",
                                        "items",      "properties",   "style",      NULL};
    expect_table(schema_enum(s, channel), cc_channel_names, CC_CH_COUNT, "channel");
    expect_table(schema_enum(s, kind), cc_stage_kind_names, CC_STAGE_COUNT, "stage kind");
    expect_table(schema_enum(s, rule), cc_rule_names, CC_RULE_COUNT, "rule");
    expect_table(schema_enum(s, mode), cc_stage_mode_names, CC_MODE_COUNT, "mode");
    expect_table(schema_enum(s, on), cc_agent_event_names, CC_AEV_COUNT, "on");
    expect_table(schema_enum(s, act), cc_action_names, CC_ACT_COUNT, "do");
    expect_table(schema_enum(s, style), cc_label_style_names, CC_LABEL_STYLE_COUNT, "style");
    json_decref(s);
}

Test(scenario, a_name_out_of_range_is_a_question_mark_and_an_unknown_name_minus_one)
{
    cr_expect_str_eq(cc_channel_name(CC_CH_COUNT), "?");
    cr_expect_str_eq(cc_stage_kind_name((cc_stage_kind)-1), "?");
    cr_expect_str_eq(cc_rule_name((cc_rule)CC_RULE_COUNT), "?");
    cr_expect_str_eq(cc_stage_mode_name((cc_stage_mode)CC_MODE_COUNT), "?");
    cr_expect_str_eq(cc_agent_event_name((cc_agent_event)CC_AEV_COUNT), "?");
    cr_expect_str_eq(cc_action_name((cc_agent_action)CC_ACT_COUNT), "?");
    cr_expect_str_eq(cc_action_name(CC_ACT_REMIND), "remind");
    cr_expect_str_eq(cc_agent_event_name(CC_AEV_OBJECTION), "objection");
    cr_expect_eq(cc_name_index(cc_action_names, "approve"), -1);
    cr_expect_eq(cc_name_index(cc_action_names, NULL), -1);
}

Test(scenario, identifiers)
{
    cr_expect(cc_scenario_id_ok("usa-chair"));
    cr_expect(cc_scenario_id_ok("G.1_a"));
    cr_expect(cc_scenario_id_ok("7"));
    char max[CC_ID_MAX + 2];
    memset(max, 'a', CC_ID_MAX);
    max[CC_ID_MAX] = 0;
    cr_expect(cc_scenario_id_ok(max));
    max[CC_ID_MAX] = 'a';
    max[CC_ID_MAX + 1] = 0;
    cr_expect_not(cc_scenario_id_ok(max), "longer than CC_ID_MAX");
    cr_expect_not(cc_scenario_id_ok(""));
    cr_expect_not(cc_scenario_id_ok("-x"), "starts with a letter or digit");
    cr_expect_not(cc_scenario_id_ok("a b"));
    cr_expect_not(cc_scenario_id_ok("a:b"));
}

Test(scenario, the_reference_syntax_and_its_text)
{
    static const struct {
        const char *text;
        cc_ref_kind kind;
        const char *name;
        cc_ref_syntax syn;
    } cases[] = {
        {"usa-chair", CC_REF_SEAT, "usa-chair", CC_REF_OK},
        {"cell:chairs", CC_REF_CELL, "chairs", CC_REF_OK},
        {"party:USA", CC_REF_PARTY, "USA", CC_REF_OK},
        {"group:ALLIANCE", CC_REF_GROUP, "ALLIANCE", CC_REF_OK},
        {"all", CC_REF_ALL, "all", CC_REF_OK},
        {"team:x", CC_REF_SEAT, "team:x", CC_REF_BAD_KIND},
        {"cell:-x", CC_REF_CELL, "-x", CC_REF_BAD_NAME},
        {"a b", CC_REF_SEAT, "a b", CC_REF_BAD_NAME},
        {"party:", CC_REF_PARTY, "", CC_REF_BAD_NAME},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cc_ref r;
        cr_expect_eq(cc_scenario_ref_parse(cases[i].text, &r), cases[i].syn, "%s", cases[i].text);
        cr_expect_eq(r.kind, cases[i].kind, "%s", cases[i].text);
        cr_expect_str_eq(r.name, cases[i].name, "%s", cases[i].text);
        cr_expect_eq(r.index, -1);
        if (cases[i].syn == CC_REF_OK) {
            char buf[80];
            cr_expect_eq(cc_scenario_ref_text(&r, buf, sizeof buf), (int)strlen(cases[i].text));
            cr_expect_str_eq(buf, cases[i].text, "written back as read");
        }
    }
}

Test(scenario, who_a_reference_reaches_and_an_injects_originator)
{
    cc_scenario *s = ev_load("scenarios/ncg-policy-ttx.yaml");
    int usa = cc_label_policy_party(s->policy, "USA"), kor = cc_label_policy_party(s->policy, "KOR");
    int chair = cc_scenario_seat_index(s, "usa-chair"), kchair = cc_scenario_seat_index(s, "kor-chair");
    cr_assert(usa >= 0 && kor >= 0 && chair >= 0 && kchair >= 0);
    cr_expect_eq(cc_scenario_seat_index(s, "nobody"), -1);
    cr_expect_eq(cc_scenario_seat_index(s, NULL), -1);
    /* references as the checker resolved them */
    cc_ref party = {.kind = CC_REF_PARTY, .name = "KOR", .index = -1};
    for (size_t p = 0; p < s->nparties; p++)
        if (strcmp(s->parties[p].id, "KOR") == 0)
            party.index = (int)p;
    cc_ref seat = {.kind = CC_REF_SEAT, .name = "usa-chair", .index = chair};
    cc_ref all = {.kind = CC_REF_ALL, .name = "all", .index = -1};
    cr_expect(cc_scenario_ref_has_seat(s, &party, (size_t)kchair));
    cr_expect_not(cc_scenario_ref_has_seat(s, &party, (size_t)chair));
    cr_expect(cc_scenario_ref_has_seat(s, &seat, (size_t)chair));
    cr_expect_not(cc_scenario_ref_has_seat(s, &seat, (size_t)kchair));
    cr_expect(cc_scenario_ref_has_seat(s, &all, (size_t)kchair));
    cc_ref unresolved = {.kind = CC_REF_PARTY, .name = "KOR", .index = -1};
    cr_expect_not(cc_scenario_ref_has_seat(s, &unresolved, (size_t)kchair),
                  "an unresolved reference reaches no one");
    size_t members = 0, kor_seats = 0;
    for (size_t i = 0; i < s->nseats; i++)
        kor_seats += s->seats[i].party_index == party.index;
    /* a label only the originator's nationals may read: the KOR seats reached, none of them readers
     * when it is USA's own; when it is KOR's, those cleared SECRET (the sample's kor-pa is
     * CONFIDENTIAL) */
    cc_labelspec l;
    memset(&l, 0, sizeof l);
    cc_label_error le;
    cr_assert_eq(cc_label_parse(s->policy, "SECRET//NOFORN", 14, usa, &l.label, &le), CC_OK, "%s",
                 le.message);
    l.valid = true;
    cr_expect_eq(cc_scenario_ref_readers(s, &party, &l, &members), 0);
    cr_expect_eq(members, kor_seats);
    cr_assert_eq(cc_label_parse(s->policy, "SECRET//NOFORN", 14, kor, &l.label, &le), CC_OK, "%s",
                 le.message);
    cr_expect_eq(cc_scenario_ref_readers(s, &party, &l, NULL), kor_seats - 1);
    int kpa = cc_scenario_seat_index(s, "kor-pa");
    cr_assert_geq(kpa, 0);
    cr_expect_not(cc_scenario_seat_reads(s, (size_t)kpa, &l));
    cr_expect(cc_scenario_seat_reads(s, (size_t)kchair, &l));
    l.valid = false;
    cr_expect_eq(cc_scenario_ref_readers(s, &party, &l, NULL), 0, "an invalid label admits no one");
    /* the originator: named, else control's party, else the sending seat's */
    cr_expect_eq(cc_scenario_inject_originator(s, "usa-chair", "KOR"), kor);
    cr_expect_eq(cc_scenario_inject_originator(s, "usa-chair", NULL), usa);
    cr_expect_eq(cc_scenario_inject_originator(s, "kor-chair", NULL), kor);
    cr_expect_eq(cc_scenario_inject_originator(s, "control", NULL), cc_scenario_control_party(s));
    cr_expect_geq(cc_scenario_control_party(s), 0);
    cr_expect_eq(cc_scenario_inject_originator(s, "nobody", NULL), -1);
    cr_expect_eq(cc_scenario_inject_originator(s, NULL, NULL), -1);
    cr_expect_eq(cc_scenario_inject_originator(s, "usa-chair", "XYZ"), -1, "a party the policy lacks");
    cc_scenario_free(s);
}

Test(scenario, the_inject_keys_are_the_schemas)
{
    json_error_t je;
    json_t *s = json_load_file("schema/caucus-scenario-v1.schema.json", 0, &je);
    cr_assert_not_null(s, "%s", je.text);
    const json_t *props = json_object_get(
        json_object_get(json_object_get(json_object_get(s, "properties"), "injects"), "items"), "properties");
    cr_assert(json_is_object(props));
    cr_expect_eq(json_object_size(props), CC_INJECT_NKEYS);
    for (size_t i = 0; i < CC_INJECT_NKEYS; i++)
        cr_expect_not_null(json_object_get(props, cc_inject_keys[i]), "%s", cc_inject_keys[i]);
    cr_expect_null(cc_inject_keys[CC_INJECT_NKEYS]);
    json_decref(s);
}

/* cc_scenario_ref_readers against its definition: the seats cc_scenario_ref_has_seat admits, and
 * of those the ones cc_scenario_seat_reads admits. Every kind of reference to every cell, party,
 * group and seat (and unresolved ones, and a seat index past the last), under the label of every
 * inject and an invalid one, in scenarios with groups, several cells and evaluator seats. */
Test(scenario, ref_readers_counts_the_seats_has_seat_admits)
{
    static const char *const paths[] = {"scenarios/ncg-policy-ttx.yaml", "scenarios/ncg-interagency-sim.yaml",
                                        "tests/scenarios/valid/all-features.yaml",
                                        "tests/scenarios/valid/evaluation.yaml"};
    size_t compared = 0, evaluators = 0, nonzero = 0;
    for (size_t p = 0; p < sizeof paths / sizeof *paths; p++) {
        cc_scenario *s = ev_load(paths[p]);
        for (size_t si = 0; si < s->nseats; si++)
            evaluators += s->seats[si].evaluator != 0;
        for (size_t li = 0; li <= s->ninjects; li++) {
            cc_labelspec invalid;
            memset(&invalid, 0, sizeof invalid);
            const cc_labelspec *l = li < s->ninjects ? &s->injects[li].label : &invalid;
            for (int kind = CC_REF_SEAT; kind <= CC_REF_ALL; kind++) {
                size_t count = kind == CC_REF_SEAT    ? s->nseats + 1
                               : kind == CC_REF_CELL  ? s->ncells
                               : kind == CC_REF_PARTY ? s->nparties
                               : kind == CC_REF_GROUP ? s->ngroups
                                                      : 0;
                for (int index = -1; index < (int)count; index++) {
                    cc_ref x = {.kind = (cc_ref_kind)kind, .name = "x", .index = index};
                    size_t want_m = 0, want_r = 0, m = 99;
                    for (size_t si = 0; si < s->nseats; si++) {
                        if (!cc_scenario_ref_has_seat(s, &x, si))
                            continue;
                        want_m++;
                        want_r += (size_t)cc_scenario_seat_reads(s, si, l);
                    }
                    size_t r = cc_scenario_ref_readers(s, &x, l, &m);
                    cr_expect_eq(m, want_m, "%s: kind %d index %d label %zu: members", paths[p], kind, index,
                                 li);
                    cr_expect_eq(r, want_r, "%s: kind %d index %d label %zu: readers", paths[p], kind, index,
                                 li);
                    cr_expect_eq(cc_scenario_ref_readers(s, &x, l, NULL), want_r);
                    compared++;
                    nonzero += want_r != 0;
                }
            }
        }
        cc_scenario_free(s);
    }
    cr_expect_gt(evaluators, 0, "an evaluator seat is among them");
    cr_expect_gt(nonzero, 100, "readers found: %zu of %zu", nonzero, compared);
}

/* The scenario format's notation, read by the loader's reader and written back: every kind, in the
 * form cc_scenario_dist_write writes, gives back its bytes; other forms are written in that one. */
Test(scenario, distribution_notation_reads_and_writes_back)
{
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"{dist: fixed, value: 45m}", NULL},
        {"{dist: uniform, min: 30m, max: 1h30m}", NULL},
        {"{dist: exponential, mean: 40m}", NULL},
        {"{dist: lognormal, median: 20m, sigma: 0.5}", NULL},
        {"{dist: gamma, shape: 1.7, scale: 12m}", NULL},
        {"{dist: triangular, min: 15m, mode: 25m, max: 1h5m}", NULL},
        {"{dist: empirical, values: [10m, 20m, 20m, 1h15m]}", NULL},
        {"{dist: lognormal, median: 1h, sigma: 0.35}", NULL},
        /* the shortest form that reads back as the same double, not %g's six digits */
        {"{dist: gamma, shape: 0.30000000000000004, scale: 1h}", NULL},
        {"{dist: exponential, mean: 3600s}", "{dist: exponential, mean: 1h}"},
        {"{dist: uniform, min: 90m, max: 7200s}", "{dist: uniform, min: 1h30m, max: 2h}"},
        {"{sigma: 0.50, median: 1d, dist: lognormal}", "{dist: lognormal, median: 1d, sigma: 0.5}"},
        {"{dist: fixed, value: 0s}", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cc_arena *a = cc_arena_new(0);
        cc_diags d;
        cc_diags_init(&d);
        cc_dist dist;
        cr_assert_eq(
            cc_scenario_load_dist(cases[i].in, strlen(cases[i].in), "cell", "the delay", a, &d, &dist), CC_OK,
            "%s: %s", cases[i].in, d.count ? d.items[0].message : "");
        cc_buf b;
        cc_buf_init(&b);
        cc_scenario_dist_write(&dist, &b);
        cr_expect_str_eq(b.data, cases[i].out ? cases[i].out : cases[i].in);
        cc_buf_free(&b);
        cc_diags_free(&d);
        cc_arena_free(a);
    }
    /* lognormal: the loader keeps mu = ln(median); ln 1200 = ln 1.2 + ln 1000 = 0.1823216 + 6.9077553 */
    cc_arena *a = cc_arena_new(0);
    cc_diags d;
    cc_diags_init(&d);
    cc_dist dist;
    const char *ln = "{dist: lognormal, median: 20m, sigma: 0.5}";
    cr_assert_eq(cc_scenario_load_dist(ln, strlen(ln), "cell", "the delay", a, &d, &dist), CC_OK);
    cr_expect_eq(dist.kind, CC_DIST_LOGNORMAL);
    cr_expect(dist.a > 7.0900768 - 1e-7 && dist.a < 7.0900768 + 1e-7, "mu %.9f", dist.a);
    cr_expect(dist.b == 0.5);
    /* errors carry the loader's message and a position in the text */
    const char *bad = "{dist: exponential, mean: 0s}";
    cr_expect_eq(cc_scenario_load_dist(bad, strlen(bad), "cell", "the delay", a, &d, &dist), CC_ERR_INVALID);
    cr_assert_eq(d.errors, 1);
    cr_expect_str_eq(d.items[0].message, "the delay: exponential mean must be greater than zero");
    cr_expect_eq(d.items[0].line, 1);
    cr_expect_eq(d.items[0].col, 27);
    cc_diags_free(&d);
    cc_arena_free(a);
}
