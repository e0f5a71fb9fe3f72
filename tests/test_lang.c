/* Tests of core/lang (the language tags caucus accepts) and of the scenario's texts in several
 * languages (core/scenario: cc_scenario_text_in and its kin) on a bilingual fixture: the model's
 * fields hold the authoritative text, every other language is found through them. */
#include <criterion/criterion.h>
#include <string.h>

#include "core/lang.h"
#include "core/scenario.h"
#include "core/scenario_model.h"
#include "io/scenario_load.h"

static const struct {
    const char *tag;
    bool ok;
} tags[] = {
    {"en", true},          {"ko", true},      {"KO", true},
    {"fil", true},         {"pt-BR", true},   {"zh-Hant", true},
    {"zh-Hant-TW", true},  {"es-419", true},  {"de-CH-1996", true},
    {"sl-rozaj", true},    {"", false},       {"e", false},
    {"english", false},    {"en_US", false},  {"en-", false},
    {"-en", false},        {"en--US", false}, {"en-US-x-priv", false},
    {"ko-KR-Kore", false}, {"1en", false},    {"en-abcdefghi", false},
};

Test(lang, tag_syntax)
{
    for (size_t i = 0; i < sizeof tags / sizeof tags[0]; i++)
        cr_expect_eq(cc_lang_tag_ok(tags[i].tag), tags[i].ok, "'%s' should be %s", tags[i].tag,
                     tags[i].ok ? "accepted" : "refused");
    cr_expect_not(cc_lang_tag_ok(NULL));
}

Test(lang, tags_compare_without_case)
{
    cr_expect(cc_lang_eq("pt-BR", "PT-br"));
    cr_expect_not(cc_lang_eq("pt", "pt-BR"));
    cr_expect_not(cc_lang_eq(NULL, "en"));
}

static cc_scenario *load(const char *path, cc_diags *d)
{
    cc_scenario *s = NULL;
    cc_diags_init(d);
    cr_assert_eq(cc_scenario_load_file(path, NULL, d, &s), CC_OK, "%s does not load", path);
    return s;
}

Test(lang, texts_of_a_bilingual_scenario)
{
    cc_diags d;
    cc_scenario *s = load("tests/scenarios/valid/river-commission-bilingual.yaml", &d);
    cr_expect_eq(d.warnings, 0);
    cr_assert_eq(cc_scenario_nlanguages(s), 2);
    cr_expect_str_eq(cc_scenario_language(s, 1), "ko");
    cr_expect_null(cc_scenario_language(s, 2));
    cr_expect_str_eq(cc_scenario_authoritative_language(s), "en");
    /* the existing accessors and fields: the authoritative text, as before */
    cr_expect_str_eq(cc_scenario_title(s), "Joint river commission flood-season consultation");
    const cc_inject *I = &s->injects[0];
    cr_expect_str_eq(I->title, "Upstream gauge above the warning level");
    /* each text in either language */
    cr_expect_str_eq(cc_scenario_text_in(s, cc_scenario_title(s), "ko"), "공동 하천위원회 홍수기 협의");
    cr_expect_eq(cc_scenario_text_in(s, I->title, "en"), I->title);
    cr_expect_str_eq(cc_scenario_text_in(s, I->body, "KO"),
                     "상류 관측소의 수위가 경보 수준을 넘어 계속 오르고 있다.");
    cr_expect_str_eq(cc_scenario_text_in(s, I->expected_actions.v[0], "ko"),
                     "관측값을 상대 대표단과 공유한다");
    cr_expect_str_eq(cc_scenario_text_in(s, s->decisions[0].options[1].text, "ko"), "다음 관측까지 보류한다");
    cr_expect_str_eq(cc_scenario_text_in(s, s->guidelines[0].text, "ko"),
                     "경보 수준을 넘는 관측값은 한 시간 안에 공유한다.");
    cr_expect_str_eq(cc_scenario_text_in(s, s->class_display[1], "ko"), "위원회 한정");
    cr_expect_str_eq(cc_scenario_text_in(s, s->mechanisms[0].stages[1].title, "ko"), "결정");
    /* an undeclared language, a text that is not one of the model's, NULL */
    cr_expect_null(cc_scenario_text_in(s, I->title, "ja"));
    cr_expect_str_eq(cc_scenario_text_or(s, I->title, "ja"), I->title);
    cr_expect_null(cc_scenario_text_in(s, "Upstream gauge above the warning level", "ko"));
    cr_expect_null(cc_scenario_text_in(s, NULL, "ko"));
    cc_scenario_free(s);
    cc_diags_free(&d);
}

Test(lang, missing_text_falls_back_and_one_language_scenarios_have_none)
{
    cc_diags d;
    cc_scenario *s = load("tests/scenarios/warnings/bilingual-missing-korean.yaml", &d);
    cr_expect_gt(d.warnings, 0);
    const cc_inject *I = &s->injects[0];
    cr_expect_null(cc_scenario_text_in(s, I->title, "ko"), "no Korean title: no text");
    cr_expect_str_eq(cc_scenario_text_or(s, I->title, "ko"), "Request to consult");
    cc_scenario_free(s);
    cc_diags_free(&d);
    s = load("tests/scenarios/valid/minimal.yaml", &d);
    cr_expect_eq(cc_scenario_nlanguages(s), 0);
    cr_expect_null(cc_scenario_authoritative_language(s));
    cr_expect_null(cc_scenario_text_in(s, s->injects[0].title, "en"));
    cr_expect_str_eq(cc_scenario_text_or(s, s->injects[0].title, "en"), "Request to consult");
    cc_scenario_free(s);
    cc_diags_free(&d);
}

Test(lang, require_languages_makes_a_missing_text_an_error)
{
    cc_diags d;
    cc_diags_init(&d);
    cc_scenario *s = NULL;
    cc_load_opts o = {.require_languages = 1};
    cr_expect_eq(cc_scenario_load_file("tests/scenarios/warnings/bilingual-missing-korean.yaml", &o, &d, &s),
                 CC_ERR_INVALID);
    cr_expect_null(s);
    cr_expect_eq(d.warnings, 0);
    cr_expect_eq(d.errors, 10);
    cc_diags_free(&d);
}
