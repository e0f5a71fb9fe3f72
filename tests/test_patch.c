/* Tests of io/patch: sweep specifications (lists, ranges, every refusal) and paths that set a
 * numeric or duration field of a scenario before it loads (by id, by position, an absent field,
 * and every way a path can name nothing). */
#include <criterion/criterion.h>
#include <string.h>

#include "core/scenario_model.h"
#include "io/patch.h"
#include "io/scenario_load.h"

#define FIX "tests/validity/unstick.yaml"

/* ---- specifications ---- */

Test(patch, a_list_keeps_its_order_and_text)
{
    cc_sweep sw;
    char why[256];
    cr_assert_eq(cc_sweep_parse("agents.a.rules.1.probability=0.9,0.5,0.7", &sw, why, sizeof why), CC_OK,
                 "%s", why);
    cr_expect_str_eq(sw.path, "agents.a.rules.1.probability");
    cr_assert_eq(sw.n, 3);
    cr_expect_str_eq(sw.values[0], "0.9");
    cr_expect_str_eq(sw.values[2], "0.7");
    cr_expect_float_eq(sw.x[1], 0.5, 1e-15);
    cr_expect_eq(sw.durations, 0);
    cc_sweep_free(&sw);
}

Test(patch, a_duration_range_includes_both_ends_on_a_step)
{
    cc_sweep sw;
    char why[256];
    cr_assert_eq(cc_sweep_parse("x.deadline=1h..3h/30m", &sw, why, sizeof why), CC_OK, "%s", why);
    cr_assert_eq(sw.n, 5);
    const char *want[] = {"1h", "1h30m", "2h", "2h30m", "3h"};
    for (size_t i = 0; i < 5; i++) {
        cr_expect_str_eq(sw.values[i], want[i]);
        cr_expect_float_eq(sw.x[i], 1.0 + 0.5 * (double)i, 1e-12);
    }
    cr_expect_eq(sw.durations, 1);
    cc_sweep_free(&sw);
    /* the end is left out when it does not fall on a step: 1h, 1h40m, 2h20m (3h would be beyond) */
    cr_assert_eq(cc_sweep_parse("x.deadline=1h..2h50m/40m", &sw, why, sizeof why), CC_OK, "%s", why);
    cr_expect_eq(sw.n, 3);
    cr_expect_str_eq(sw.values[2], "2h20m");
    cc_sweep_free(&sw);
}

Test(patch, a_number_range_has_no_rounding_residue)
{
    cc_sweep sw;
    char why[256];
    cr_assert_eq(cc_sweep_parse("x.probability=0.1..0.9/0.1", &sw, why, sizeof why), CC_OK, "%s", why);
    cr_assert_eq(sw.n, 9);
    cr_expect_str_eq(sw.values[2], "0.3");
    cr_expect_str_eq(sw.values[8], "0.9");
    cc_sweep_free(&sw);
    cr_assert_eq(cc_sweep_parse("x.max=1..20/1", &sw, why, sizeof why), CC_OK, "%s", why);
    cr_expect_eq(sw.n, 20);
    cc_sweep_free(&sw);
}

Test(patch, bad_specifications_say_why)
{
    struct {
        const char *spec, *why;
        cc_err rc;
    } cases[] = {
        {"no-equals", "write PATH=V1,V2", CC_ERR_PARSE},
        {"=1,2", "write PATH=V1,V2", CC_ERR_PARSE},
        {"x.max=", "no values after 'x.max='", CC_ERR_PARSE},
        {"x.max=1,,", "an empty value in '1,,'", CC_ERR_PARSE},
        {"x.max=,1", "an empty value", CC_ERR_PARSE},
        {"x.max=1,two", "'two' is neither a number nor a duration", CC_ERR_PARSE},
        {"x.max=1,1h", "all numbers or all durations", CC_ERR_PARSE},
        {"x.max=1,2,1", "the value '1' is given twice", CC_ERR_PARSE},
        {"x.deadline=1h,60m", "the value '60m' is given twice", CC_ERR_PARSE},
        {"x.deadline=1h..3h", "a range needs a step", CC_ERR_PARSE},
        {"x.deadline=3h..1h/1h", "ends before it starts", CC_ERR_PARSE},
        {"x.deadline=1h..3h/0s", "must be more than 0", CC_ERR_PARSE},
        {"x.deadline=1h..3h/1", "all numbers or all durations", CC_ERR_PARSE},
        {"x.deadline=1h..soon/1h", "'soon' is neither", CC_ERR_PARSE},
        {"x.max=1..100000/1", "at most 1000 points", CC_ERR_LIMIT},
        {"x.max=nan", "neither a number nor a duration", CC_ERR_PARSE},
        {"x.max=inf", "neither a number nor a duration", CC_ERR_PARSE},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cc_sweep sw;
        char why[256] = "";
        cr_expect_eq(cc_sweep_parse(cases[i].spec, &sw, why, sizeof why), cases[i].rc, "%s", cases[i].spec);
        cr_expect(strstr(why, cases[i].why), "%s: '%s' lacks '%s'", cases[i].spec, why, cases[i].why);
        cr_expect_eq(sw.n, 0);
    }
}

/* ---- paths ---- */

static cc_scenario *load_with(const char *path, const char *value, cc_diags *d)
{
    cc_patch p = {path, value};
    cc_load_opts o = {.patches = &p, .npatches = 1};
    cc_scenario *s = NULL;
    cc_diags_init(d);
    cc_scenario_load_file(FIX, &o, d, &s);
    return s;
}

Test(patch, paths_by_id_and_by_position_set_the_field)
{
    cc_diags d;
    cc_scenario *s = load_with("agents.forgetful.rules.1.probability", "0.25", &d);
    cr_assert_not_null(s, "%s", d.count ? d.items[0].message : "");
    const cc_agent *A = NULL;
    for (size_t i = 0; i < s->nagents; i++)
        if (strcmp(s->agents[i].id, "forgetful") == 0)
            A = &s->agents[i];
    cr_assert_not_null(A);
    cr_expect_float_eq(A->rules[0].probability, 0.25, 1e-15);
    cc_scenario_free(s);
    cc_diags_free(&d);
    /* the 4th agent (lossy) by position; its retry interval */
    s = load_with("agents.4.retry.after", "45m", &d);
    cr_assert_not_null(s, "%s", d.count ? d.items[0].message : "");
    cr_expect_eq(s->agents[3].retry_after.kind, CC_DIST_FIXED);
    cr_expect_float_eq(s->agents[3].retry_after.a, 45 * 60.0, 1e-9);
    cc_scenario_free(s);
    cc_diags_free(&d);
    /* the waiting rule's interval */
    s = load_with("agents.reminder.rules.1.after", "3h", &d);
    cr_assert_not_null(s);
    cr_expect_eq(s->agents[0].rules[0].after_s, 3 * 3600);
    cc_scenario_free(s);
    cc_diags_free(&d);
}

Test(patch, an_absent_field_is_added)
{
    /* the to-aut acknowledge stage has no deadline in the file */
    cc_diags d;
    cc_scenario *s = load_with("mechanisms.to-aut.stages.ack.deadline", "90m", &d);
    cr_assert_not_null(s, "%s", d.count ? d.items[0].message : "");
    cr_expect(s->mechanisms[0].stages[0].has_deadline);
    cr_expect_eq(s->mechanisms[0].stages[0].deadline_s, 90 * 60);
    cc_scenario_free(s);
    cc_diags_free(&d);
}

Test(patch, paths_that_name_nothing_are_errors_of_the_load)
{
    struct {
        const char *path, *value, *msg;
    } cases[] = {
        {"exercise.duration", "2d", "it must start with a section: mechanisms, agents"},
        {"mechanisms.to-nowhere.stages.ack.deadline", "1h",
         "'mechanisms' has no item 'to-nowhere' (items: to-aut, "
         "to-ita; or positions 1 to 2)"},
        {"mechanisms.3.stages.ack.deadline", "1h", "has no item '3'"},
        {"mechanisms.0.stages.ack.deadline", "1h", "has no item '0'"},
        {"agents.forgetful.rules.1.dely", "1h", "'dely' is not one of: deadline, delay"},
        {"agents.forgetful.rules.1", "1h", "'1' is not one of"},
        {"agents.forgetful.rules", "1h", "'rules' is not one of"},
        {"agents.forgetful.availability.hours.x.delay", "1h", "'hours' is a value, so 'x' cannot be reached"},
        {"agents.forgetful.retry.after", "1h", "'retry' is absent, so 'after' cannot be reached"},
        {"guidelines.G.rule.within", "1h", "the scenario has no 'guidelines'"},
        {"agents.forgetful.rules.1.delay", "soon", "'soon' is neither a number nor a duration"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cc_diags d;
        cc_scenario *s = load_with(cases[i].path, cases[i].value, &d);
        cr_expect_null(s, "%s", cases[i].path);
        cr_assert_gt(d.count, 0, "%s", cases[i].path);
        cr_expect_str_eq(d.items[0].code, "bad-sweep-path");
        cr_expect(strstr(d.items[0].message, cases[i].msg), "%s: '%s' lacks '%s'", cases[i].path,
                  d.items[0].message, cases[i].msg);
        cr_expect(strstr(d.items[0].message, cases[i].path), "the message names the path");
        cc_scenario_free(s);
        cc_diags_free(&d);
    }
}

Test(patch, a_map_names_its_fields_in_the_hint)
{
    cc_diags d;
    cc_patch p = {"agents.x.rules.1.delay", "1h"};
    cc_load_opts o = {.patches = &p, .npatches = 1};
    cc_scenario *s = NULL;
    cc_diags_init(&d);
    const char *text = "caucus: 1\nexercise: {id: e, title: E, start: 2026-01-05T00:00:00Z}\n"
                       "label_policy: {id: p, classifications: [{name: U, short: U}]}\n"
                       "parties: [{id: NLD, name: N, zone: UTC}]\n"
                       "seats: [{id: a, party: NLD, role: R, clearance: U, agent: x}]\n"
                       "agents: [{id: x, rules: [{on: inject, do: acknowledge, "
                       "delay: {dist: gamma, shape: 2, scale: 1h}}]}]\n";
    cr_expect_neq(cc_scenario_load(text, strlen(text), "t.yaml", &o, &d, &s), CC_OK);
    cr_assert_gt(d.count, 0);
    cr_expect(strstr(d.items[0].message, "'delay' is a map, not a value"), "%s", d.items[0].message);
    cr_assert_not_null(d.items[0].hint);
    cr_expect(strstr(d.items[0].hint, "agents.x.rules.1.delay.shape agents.x.rules.1.delay.scale"), "%s",
              d.items[0].hint);
    cc_scenario_free(s);
    cc_diags_free(&d);
}

Test(patch, a_value_the_field_refuses_is_the_loaders_error_at_the_field)
{
    cc_diags d;
    cc_scenario *s = load_with("agents.forgetful.rules.1.probability", "1.5", &d);
    cr_expect_null(s);
    cr_assert_gt(d.count, 0);
    cr_expect(strstr(d.items[0].message, "'probability' is 1.5; it must be between 0 and 1"), "%s",
              d.items[0].message);
    cr_expect_gt(d.items[0].line, 0, "located at the field in the file");
    cc_scenario_free(s);
    cc_diags_free(&d);
}
