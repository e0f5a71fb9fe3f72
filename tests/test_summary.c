/* Tests of report/report_summary (the check of control's executive summary before it is kept, and
 * the drafted summary's text out of a report document) and server/obsbook (the evaluators'
 * observations filtered per viewer for the live state), on the flood consultation fixture. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <string.h>

#include "core/scenario.h"
#include "report/report.h"
#include "server/obsbook.h"
#include "support/evtest.h"

#define FLOOD "tests/scenarios/valid/flood-consultation.yaml"

static cc_err check(const cc_scenario *s, const char *text, size_t len, const char *label, char *canon,
                    char *why)
{
    return cc_report_summary_check(cc_scenario_policy(s), text, len, label, canon, 200, why, 300);
}

Test(summary, a_text_and_its_label_are_checked_and_the_label_made_canonical)
{
    cc_scenario *s = ev_load(FLOOD);
    char canon[200], why[300];
    const char *t = "One advisory.\n\nA duty officer.";
    cr_expect_eq(check(s, t, strlen(t), "OFFICIAL//REL TO REGION", canon, why), CC_OK, "%s", why);
    cr_expect_str_eq(canon, "OFFICIAL//REL TO EXCON, PHO, RBA");
    cr_expect_eq(check(s, t, strlen(t), NULL, canon, why), CC_OK);
    cr_expect_str_eq(canon, "");
    cr_expect_eq(check(s, NULL, 0, NULL, canon, why), CC_OK, "back to the draft");
    cr_expect_eq(check(s, t, strlen(t), "OFFICAL", canon, why), CC_ERR_INVALID);
    cr_expect(strstr(why, "not a label of the scenario's policy") != NULL, "%s", why);
    cr_expect_eq(check(s, "a\0b", 3, NULL, canon, why), CC_ERR_INVALID);
    cr_expect_str_eq(why, "the summary holds a NUL byte at offset 1");
    cr_expect_eq(check(s, "ok\n\ncaf\xe9", 8, NULL, canon, why), CC_ERR_INVALID);
    cr_expect(strstr(why, "not UTF-8 at line 3, column 4") != NULL, "%s", why);
    cr_expect_eq(check(s, " \n\t\n", 4, NULL, canon, why), CC_ERR_INVALID);
    cr_expect(strstr(why, "empty") != NULL, "%s", why);
    size_t n = CC_REPORT_SUMMARY_MAX + 1;
    char *big = malloc(n + 1);
    memset(big, 'a', n);
    big[n] = 0;
    cr_expect_eq(check(s, big, n, NULL, canon, why), CC_ERR_INVALID);
    cr_expect_str_eq(why, "the summary is 65537 bytes; at most 65536 are kept");
    big[n - 1] = 0;
    cr_expect_eq(check(s, big, n - 1, NULL, canon, why), CC_OK, "exactly 64 KiB is kept: %s", why);
    free(big);
    cc_scenario_free(s);
}

Test(summary, the_drafted_text_is_the_summary_sections_paragraphs)
{
    json_t *doc = json_pack("{s:[{s:s,s:[s]},{s:s,s:[s,s]}]}", "sections", "id", "overview", "intro",
                            "Not this.", "id", "summary", "intro", "First.", "Second.");
    char *t = cc_report_summary_text(doc);
    cr_expect_str_eq(t, "First.\n\nSecond.");
    free(t);
    json_decref(doc);
    doc = json_pack("{s:[]}", "sections");
    t = cc_report_summary_text(doc);
    cr_expect_str_eq(t, "");
    free(t);
    json_decref(doc);
}

/* Two observations: the first visible to viewer 0 and control (2), the second to viewer 1 only. */
Test(obsbook, filters_each_viewer_and_keeps_the_fields)
{
    cc_obsbook *b = cc_obsbook_new(3);
    cr_assert_not_null(b);
    json_t *r1 = json_loads(
        "{\"seq\": 16, \"t\": 2700000, \"actor\": \"evaluator\", \"label\": \"OFFICIAL\", "
        "\"payload\": {\"observation\": \"OB1\", \"objective\": \"O-advise\", \"target\": \"CT-1\","
        " \"task\": \"CT-1.1\", \"kind\": \"improvement\", \"rating\": \"S\", \"text\": \"Late.\","
        " \"root_cause\": \"Mailbox.\", \"observed_ms\": 2400000, \"evidence\": [5, 12]}}",
        0, NULL);
    json_t *r2 = json_loads("{\"seq\": 20, \"t\": 3000000, \"actor\": \"eval-b\", \"label\": null, "
                            "\"payload\": {\"observation\": \"OB2\", \"objective\": \"O-advise\", \"kind\": "
                            "\"strength\", \"text\": \"Quick.\"}}",
                            0, NULL);
    const uint8_t v1[3] = {1, 0, 1}, v2[3] = {0, 1, 0};
    cr_assert_eq(cc_obsbook_add(b, r1, v1), CC_OK);
    cr_assert_eq(cc_obsbook_add(b, r2, v2), CC_OK);
    json_t *a = cc_obsbook_json(b, 0), *c = cc_obsbook_json(b, 2), *e = cc_obsbook_json(b, 1),
           *none = cc_obsbook_json(b, 3);
    cr_expect_eq(json_array_size(a), 1);
    cr_expect_eq(json_array_size(c), 1);
    cr_expect_eq(json_array_size(e), 1);
    cr_expect_eq(json_array_size(none), 0, "a viewer the book does not have sees nothing");
    json_t *want =
        json_loads("{\"seq\": 16, \"t\": 2700000, \"by\": \"evaluator\", \"observation\": \"OB1\", "
                   "\"objective\": \"O-advise\", \"target\": \"CT-1\", \"task\": \"CT-1.1\", \"kind\": "
                   "\"improvement\", \"rating\": \"S\", \"text\": \"Late.\", \"root_cause\": \"Mailbox.\","
                   " \"recommendation\": null, \"observed_t\": 2400000, \"evidence\": [5, 12], "
                   "\"label\": \"OFFICIAL\"}",
                   0, NULL);
    if (!json_equal(json_array_get(a, 0), want)) {
        char *got = json_dumps(json_array_get(a, 0), JSON_SORT_KEYS);
        cr_expect_fail("the observation as the state shows it: %s", got);
        free(got);
    }
    json_t *o2 = json_array_get(e, 0);
    cr_expect_str_eq(json_string_value(json_object_get(o2, "observation")), "OB2");
    cr_expect(json_is_null(json_object_get(o2, "target")));
    cr_expect_eq(json_array_size(json_object_get(o2, "evidence")), 0, "no evidence: an empty list");
    json_decref(want);
    json_decref(a);
    json_decref(c);
    json_decref(e);
    json_decref(none);
    json_decref(r1);
    json_decref(r2);
    cc_obsbook_free(b);
}
