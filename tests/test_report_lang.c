/* Tests of report/report_lang: the message catalogues (src/report/lang/TAG.json) hold the same keys
 * with the same placeholders; a document is rewritten for a Korean reader (fixed texts, patterns
 * whose captures are translated in turn, scenario texts with the authoritative ones beside them),
 * and left alone for an English one. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <string.h>

#include "core/scenario.h"
#include "io/scenario_load.h"
#include "report/report_lang.h"

/* The placeholders {1}..{9} a value uses, as a bit set. */
static unsigned placeholders(const char *v)
{
    unsigned m = 0;
    for (const char *p = v; (p = strchr(p, '{')); p++)
        if (p[1] >= '1' && p[1] <= '9' && p[2] == '}')
            m |= 1u << (p[1] - '0');
    return m;
}

Test(report_lang, catalogues_hold_the_same_keys_and_placeholders)
{
    json_error_t je;
    json_t *en = json_load_file("src/report/lang/en.json", JSON_REJECT_DUPLICATES, &je);
    cr_assert_not_null(en, "en.json: %s", je.text);
    json_t *ko = json_load_file("src/report/lang/ko.json", JSON_REJECT_DUPLICATES, &je);
    cr_assert_not_null(ko, "ko.json: %s", je.text);
    cr_expect_eq(json_object_size(en), json_object_size(ko));
    const char *k;
    json_t *v;
    json_object_foreach(en, k, v)
    {
        const char *t = json_string_value(json_object_get(ko, k));
        cr_expect_not_null(t, "ko.json lacks '%s'", k);
        if (t)
            cr_expect_eq(placeholders(t), placeholders(json_string_value(v)), "'%s': placeholders differ", k);
    }
    cr_expect(cc_report_lang_known("ko") && cc_report_lang_known("KO") && cc_report_lang_known("en"));
    cr_expect_not(cc_report_lang_known("ja"));
    json_decref(en);
    json_decref(ko);
}

static cc_scenario *load(const char *path)
{
    cc_diags d;
    cc_diags_init(&d);
    cc_scenario *s = NULL;
    cr_assert_eq(cc_scenario_load_file(path, NULL, &d, &s), CC_OK, "%s", path);
    cc_diags_free(&d);
    return s;
}

static json_t *doc_of(void)
{
    return json_pack("{s:s,s:[{s:s,s:s,s:[s],s:[[s,s]],s:[{s:s,s:s,s:[s,s],s:[[s,s],[s,s],[s,s]]}]}]}",
                     "title", "After-action report: Joint river commission flood-season consultation",
                     "sections", "id", "decisions", "title", "Decisions", "intro", "Not in the catalogue.",
                     "facts", "View", "seat xar-comm: only what this seat received or may read", "tables",
                     "id", "decisions", "title", "Decision points", "columns", "question", "rationale",
                     "rows", "Issue a joint notice to downstream communities? (expired)", "We meet at noon.",
                     "Decision D-1 (Issue a joint notice to downstream communities?) expired undecided",
                     "usa-chair at +1h", "Hold for the next reading", "x");
}

/* a list no key matches whole is translated item by item; a banner's note; a pattern of 7 captures */
Test(report_lang, lists_banners_and_long_patterns)
{
    cc_scenario *s = load("tests/scenarios/valid/river-commission-bilingual.yaml");
    json_t *doc = json_pack(
        "{s:s,s:s,s:[{s:s,s:s,s:s,s:[s,s,s]}]}", "title", "After-action report", "banner",
        "COMMISSION//REL TO (no party may receive all of it: exercise control only)", "sections", "id",
        "summary", "title", "Executive summary", "banner",
        "COMMISSION//REL TO (no party may receive all of it: exercise control only)", "intro",
        "2 injects released; 1 consultation requested (0 completed); 1 decision opened (1 made, 0 expired "
        "undecided); guideline findings: 3 met, 1 missed.",
        "notify, acknowledge, We meet at noon",
        "Exercise X was played from 2026-07-14T09:00:00+09:00 to 2026-07-14T21:00:00+09:00 (12h of scenario "
        "time) by 4 seats of 3 parties (4 played by people).");
    cc_error e = {0};
    cr_assert_eq(cc_report_localise(doc, s, "ko", &e), CC_OK, "%s", e.message);
    cr_expect_str_eq(json_string_value(json_object_get(doc, "banner")),
                     "COMMISSION//REL TO (어느 당사자도 전부를 받을 수 없음: 연습 통제반 전용)");
    json_t *sec = json_array_get(json_object_get(doc, "sections"), 0);
    cr_expect_str_eq(json_string_value(json_object_get(sec, "title")), "요약");
    cr_expect_str_eq(json_string_value(json_object_get(sec, "banner")),
                     "COMMISSION//REL TO (어느 당사자도 전부를 받을 수 없음: 연습 통제반 전용)");
    json_t *intro = json_object_get(sec, "intro");
    cr_expect_str_eq(
        json_string_value(json_array_get(intro, 0)),
        "상황 부여 2건 부여; 협의 1건 요청(0건 완료); 결정 1건 개시(1건 결정, 0건 미결 만료); 지침 판정: "
        "충족 3건, 미충족 1건.");
    cr_expect_str_eq(json_string_value(json_array_get(intro, 1)), "통보, 접수, We meet at noon",
                     "the items it knows, the rest as written");
    cr_expect_str_eq(
        json_string_value(json_array_get(intro, 2)),
        "Exercise X은(는) 2026-07-14T09:00:00+09:00부터 2026-07-14T21:00:00+09:00까지(시나리오 시간 "
        "12h) 3개 당사자의 좌석 4개로 진행되었다(사람이 진행한 좌석 4개).");
    json_decref(doc);
    cc_scenario_free(s);
}

Test(report_lang, a_document_for_a_korean_reader)
{
    cc_scenario *s = load("tests/scenarios/valid/river-commission-bilingual.yaml");
    json_t *doc = doc_of();
    cc_error e = {0};
    cr_assert_eq(cc_report_localise(doc, s, "ko", &e), CC_OK, "%s", e.message);
    cr_expect_str_eq(json_string_value(json_object_get(doc, "title")),
                     "사후 강평 보고서: 공동 하천위원회 홍수기 협의");
    json_t *sec = json_array_get(json_object_get(doc, "sections"), 0);
    cr_expect_str_eq(json_string_value(json_object_get(sec, "title")), "결정");
    cr_expect_str_eq(json_string_value(json_array_get(json_object_get(sec, "intro"), 0)),
                     "Not in the catalogue.");
    json_t *fact = json_array_get(json_object_get(sec, "facts"), 0);
    cr_expect_str_eq(json_string_value(json_array_get(fact, 0)), "보기 범위");
    cr_expect_str_eq(json_string_value(json_array_get(fact, 1)),
                     "좌석 xar-comm: 이 좌석이 받았거나 열람할 수 있는 내용만");
    json_t *t = json_array_get(json_object_get(sec, "tables"), 0);
    cr_expect_str_eq(json_string_value(json_object_get(t, "title")), "결정 사항");
    cr_expect_str_eq(json_string_value(json_array_get(json_object_get(t, "columns"), 0)), "question",
                     "keys stay");
    cr_expect_str_eq(json_string_value(json_array_get(json_object_get(t, "headings"), 0)), "질문");
    json_t *rows = json_object_get(t, "rows");
    cr_expect_str_eq(json_string_value(json_array_get(json_array_get(rows, 0), 0)),
                     "하류 지역사회에 공동 공지를 발표할 것인가?(기한 만료)",
                     "a pattern whose capture is a scenario text");
    cr_expect_str_eq(json_string_value(json_array_get(json_array_get(rows, 0), 1)), "We meet at noon.",
                     "free text is no '{w} at {w}'");
    cr_expect_str_eq(json_string_value(json_array_get(json_array_get(rows, 1), 0)),
                     "결정 D-1(하류 지역사회에 공동 공지를 발표할 것인가?)이 결정 없이 기한 만료");
    cr_expect_str_eq(json_string_value(json_array_get(json_array_get(rows, 1), 1)), "usa-chair, +1h");
    cr_expect_str_eq(json_string_value(json_array_get(json_array_get(rows, 2), 0)), "다음 관측까지 보류한다");
    /* the authoritative texts the section gave in Korean, beside them */
    json_t *auth = json_array_get(json_object_get(sec, "tables"), 1);
    cr_assert_not_null(auth);
    cr_expect_str_eq(json_string_value(json_object_get(auth, "id")), "authoritative");
    cr_expect_str_eq(json_string_value(json_object_get(auth, "title")), "기준 언어 원문(en)");
    cr_expect_eq(json_array_size(json_object_get(auth, "rows")), 2);
    cr_expect_str_eq(json_string_value(json_array_get(json_array_get(json_object_get(auth, "rows"), 1), 1)),
                     "Hold for the next reading");
    cr_expect_str_eq(json_string_value(json_object_get(doc, "lang")), "ko");
    cr_expect_str_eq(json_string_value(json_object_get(doc, "authoritative_language")), "en");
    cr_expect_str_eq(json_string_value(json_object_get(doc, "none")), "없음.");
    json_decref(doc);
    cc_scenario_free(s);
}

Test(report_lang, english_is_left_alone_and_unknown_languages_refused)
{
    cc_scenario *s = load("tests/scenarios/valid/river-commission-bilingual.yaml");
    json_t *doc = doc_of(), *copy = json_deep_copy(doc);
    cc_error e = {0};
    cr_expect_eq(cc_report_localise(doc, s, "en", &e), CC_OK);
    cr_expect(json_equal(doc, copy), "--lang en of an English scenario changes nothing");
    cr_expect_eq(cc_report_localise(doc, s, "ja", &e), CC_ERR_NOTFOUND);
    cr_expect_str_eq(e.message, "no report catalogue for language 'ja' (built in: en, ko)");
    json_decref(doc);
    json_decref(copy);
    cc_scenario_free(s);
}
