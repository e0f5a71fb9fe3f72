/* Tests of io/sedit (item-level edits of scenario text), core/ldiff (unified line diffs) and
 * cc_yw_scalar: every edit touches only its item, loads, and reads back as what was written. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ldiff.h"
#include "core/scenario_model.h"
#include "io/file.h"
#include "io/scenario_load.h"
#include "io/sedit.h"
#include "io/yaml_write.h"
#include "io/ytree.h"

static char *slurp(const char *path, size_t *len)
{
    char *t = NULL, why[200];
    cr_assert_eq(cc_file_read(path, 0, &t, len, why, sizeof why), CC_OK, "%s: %s", path, why);
    return t;
}

static cc_sedit *open_text(const char *t, size_t n)
{
    cc_diags d;
    cc_diags_init(&d);
    cc_sedit *e = NULL;
    cr_assert_eq(cc_sedit_open(t, n, "t.yaml", &d, &e), CC_OK, "%s", d.count ? d.items[0].message : "");
    cc_diags_free(&d);
    return e;
}

/* put, expecting success; the caller frees the text */
static char *put(const cc_sedit *e, const char *section, const char *id, const char *json, long at)
{
    json_error_t je;
    json_t *v = json ? json_loads(json, JSON_DECODE_ANY, &je) : NULL;
    cr_assert(!json || v, "bad test JSON: %s", je.text);
    cc_buf b;
    cc_buf_init(&b);
    char why[300] = "";
    cr_assert_eq(cc_sedit_put(e, section, id, v, at, &b, why, sizeof why), CC_OK, "%s", why);
    json_decref(v);
    cc_buf_putc(&b, 0);
    return b.data;
}

static cc_scenario *load_ok(const char *t)
{
    cc_diags d;
    cc_diags_init(&d);
    cc_scenario *s = NULL;
    cr_assert_eq(cc_scenario_load(t, strlen(t), "edited.yaml", NULL, &d, &s), CC_OK, "%s (line %d)\n%s",
                 d.count ? d.items[0].message : "", d.count ? d.items[0].line : 0, t);
    cc_diags_free(&d);
    return s;
}

static const char *const samples[] = {"scenarios/ncg-interagency-sim.yaml", "scenarios/ncg-mil-ttx.yaml",
                                      "scenarios/ncg-policy-ttx.yaml"};

Test(sedit, model_has_every_section_in_file_order)
{
    size_t n;
    char *t = slurp("scenarios/ncg-policy-ttx.yaml", &n);
    cc_sedit *e = open_text(t, n);
    json_t *m = cc_sedit_model(e);
    cr_assert(json_is_array(m));
    const char *want[] = {"caucus", "exercise", "label_policy", "parties"};
    for (size_t i = 0; i < 4; i++)
        cr_expect_str_eq(json_string_value(json_object_get(json_array_get(m, i), "key")), want[i]);
    json_t *inj = NULL;
    size_t i;
    json_t *s;
    json_array_foreach(m, i, s) if (strcmp(json_string_value(json_object_get(s, "key")), "injects") == 0)
        inj = s;
    cr_assert_not_null(inj);
    cr_expect_str_eq(json_string_value(json_object_get(inj, "kind")), "list");
    json_t *items = json_object_get(inj, "items");
    cr_expect_eq(json_array_size(items), 33);
    json_t *first = json_array_get(items, 0);
    cr_expect_str_eq(json_string_value(json_object_get(first, "id")), "I-01");
    cr_expect(json_is_array(json_object_get(first, "to")));
    cr_expect_str_eq(json_string_value(json_object_get(json_array_get(m, 1), "kind")), "map");
    size_t idx = 0;
    json_t *it = cc_sedit_get(e, "injects", "I-05", &idx);
    cr_expect_eq(idx, 4);
    cr_expect_str_eq(json_string_value(json_object_get(json_object_get(it, "trigger"), "after")), "I-02");
    json_decref(it);
    cr_expect_null(cc_sedit_get(e, "injects", "I-99", NULL));
    json_t *ex = cc_sedit_get(e, "exercise", NULL, NULL);
    cr_expect_str_eq(json_string_value(json_object_get(ex, "id")), "ncg-policy-ttx");
    json_decref(ex);
    json_decref(m);
    cc_sedit_free(e);
    free(t);
}

/* Writing every inject, decision and party of every sample back as the model gives it: the file
 * still loads with the same content, and the text outside the item is byte for byte the same. */
Test(sedit, every_item_written_back_reads_the_same, .timeout = 60)
{
    static const char *const sections[] = {"injects", "decisions", "parties", "seats", "objectives"};
    for (size_t f = 0; f < sizeof samples / sizeof samples[0]; f++) {
        size_t n;
        char *t = slurp(samples[f], &n);
        cc_scenario *a = load_ok(t);
        cc_sedit *e = open_text(t, n);
        for (size_t s = 0; s < sizeof sections / sizeof sections[0]; s++) {
            json_t *m = cc_sedit_model(e);
            size_t i;
            json_t *sec, *items = NULL;
            json_array_foreach(m, i, sec) if (strcmp(json_string_value(json_object_get(sec, "key")),
                                                     sections[s]) == 0) items = json_object_get(sec, "items");
            for (size_t k = 0; items && k < json_array_size(items); k++) {
                json_t *item = json_array_get(items, k);
                const char *id = json_string_value(json_object_get(item, "id"));
                char *js = json_dumps(item, JSON_PRESERVE_ORDER);
                char *out = put(e, sections[s], id, js, -1);
                cc_scenario *b = load_ok(out);
                cr_expect_eq(a->ninjects, b->ninjects);
                if (strcmp(sections[s], "injects") == 0) {
                    const cc_inject *x = &a->injects[k], *y = &b->injects[k];
                    cr_expect_str_eq(x->id, y->id);
                    cr_expect_str_eq(x->title, y->title, "%s %s", samples[f], id);
                    cr_expect_str_eq(x->body ? x->body : "", y->body ? y->body : "", "%s %s body", samples[f],
                                     id);
                    cr_expect_str_eq(x->label.text, y->label.text);
                    cr_expect_eq(x->when.at_s, y->when.at_s);
                    cr_expect_eq(x->to.n, y->to.n);
                    cr_expect_eq(x->expected_actions.n, y->expected_actions.n);
                }
                /* the same prefix up to the item, the same suffix after it */
                size_t pre = 0;
                while (pre < n && t[pre] == out[pre])
                    pre++;
                size_t on = strlen(out), suf = 0;
                while (suf < n && suf < on && t[n - 1 - suf] == out[on - 1 - suf])
                    suf++;
                if (pre < n) { /* what changed lies within the item */
                    size_t last = n - suf > pre ? n - suf - 1 : pre;
                    int l1 = 1, l2 = 1;
                    for (size_t q0 = 0; q0 < last; q0++) {
                        l1 += q0 < pre && t[q0] == '\n';
                        l2 += t[q0] == '\n';
                    }
                    cc_diags dd;
                    cc_diags_init(&dd);
                    cc_diags_add(&dd, CC_SEV_NOTE, "t", (cc_pos){l1, 1}, "x", NULL, "first change");
                    cc_diags_add(&dd, CC_SEV_NOTE, "t", (cc_pos){l2, 1}, "x", NULL, "last change");
                    json_t *loc = cc_sedit_locate(e, &dd);
                    for (size_t q = 0; q < 2; q++) {
                        json_t *g = json_array_get(loc, q);
                        const char *gs = json_string_value(json_object_get(g, "section"));
                        const char *gi = json_string_value(json_object_get(g, "id"));
                        cr_expect(gs && gi && strcmp(gs, sections[s]) == 0 && strcmp(gi, id) == 0,
                                  "%s %s: a change outside the item, line %d", samples[f], id, q ? l2 : l1);
                    }
                    json_decref(loc);
                    cc_diags_free(&dd);
                }
                cc_scenario_free(b);
                free(out);
                free(js);
            }
            json_decref(m);
        }
        cc_sedit_free(e);
        cc_scenario_free(a);
        free(t);
    }
}

static const char base[] = "caucus: 1\n"
                           "# the exercise\n"
                           "exercise: {id: x, title: X, start: \"2026-03-02T09:00:00Z\"}\n"
                           "label_policy:\n"
                           "  id: p\n"
                           "  classifications: [{name: UNCLASSIFIED, short: U}]\n"
                           "parties:\n"
                           "  - {id: USA, name: U, zone: UTC}\n"
                           "cells: [{id: c, name: C, kind: control}]\n"
                           "seats:\n"
                           "  - {id: usa-chair, party: USA, role: R, clearance: UNCLASSIFIED, cells: [c]}\n"
                           "injects:\n"
                           "  - id: I-1\n"
                           "    title: One   # a comment\n"
                           "    label: UNCLASSIFIED\n"
                           "    from: control\n"
                           "    to: [usa-chair]\n"
                           "    at: +1h\n"
                           "\n"
                           "  - id: I-2\n"
                           "    title: Two\n"
                           "    label: UNCLASSIFIED\n"
                           "    from: control\n"
                           "    to: [usa-chair]\n"
                           "    at: +2h\n"
                           "\n"
                           "# objectives follow\n"
                           "objectives:\n"
                           "  - {id: O-1, title: First}\n";

#define NEW                                                                                                  \
    "{\"id\": \"I-3\", \"title\": \"Three\", \"label\": \"UNCLASSIFIED\", \"from\": \"control\", \"to\": "   \
    "[\"usa-chair\"], \"at\": \"+3h\"}"

Test(sedit, insert_move_delete_keep_the_layout)
{
    cc_sedit *e = open_text(base, strlen(base));
    char *t = put(e, "injects", NULL, NEW, 0);
    cr_expect(
        strstr(t,
               "injects:\n  - id: I-3\n    title: Three\n    label: UNCLASSIFIED\n    from: control\n    to: "
               "[usa-chair]\n    at: +3h\n\n  - id: I-1\n    title: One   # a comment\n") != NULL,
        "%s", t);
    cc_scenario_free(load_ok(t));
    free(t);
    t = put(e, "injects", NULL, NEW, -1); /* appended, after a blank line, before the comment */
    cr_expect(strstr(t, "    at: +2h\n\n  - id: I-3\n    title: Three\n") != NULL, "%s", t);
    cr_expect(strstr(t, "    at: +3h\n\n# objectives follow\nobjectives:\n") != NULL, "%s", t);
    cc_scenario_free(load_ok(t));
    free(t);
    t = put(e, "injects", "I-2", NULL, -1); /* the last goes, with its separator */
    cr_expect(strstr(t, "    at: +1h\n\n# objectives follow\n") != NULL, "%s", t);
    cc_scenario_free(load_ok(t));
    free(t);
    t = put(e, "injects", "I-1", NULL, -1);
    cr_expect(strstr(t, "injects:\n  - id: I-2\n") != NULL, "%s", t);
    free(t);
    /* a move: I-2 first, unchanged */
    t = put(
        e, "injects", "I-2",
        "{\"id\": \"I-2\", \"title\": \"Two\", \"label\": \"UNCLASSIFIED\", \"from\": \"control\", \"to\": "
        "[\"usa-chair\"], \"at\": \"+2h\"}",
        0);
    cr_expect(strstr(t, "injects:\n  - id: I-2\n    title: Two\n") != NULL, "%s", t);
    cr_expect(strstr(t, "  - id: I-1\n    title: One   # a comment\n") != NULL, "%s", t);
    cc_scenario *s = load_ok(t);
    cr_expect_str_eq(s->injects[0].id, "I-2");
    cr_expect_str_eq(s->injects[1].id, "I-1");
    cc_scenario_free(s);
    free(t);
    /* the only item of a section: the section becomes [] */
    t = put(e, "objectives", "O-1", NULL, -1);
    cr_expect(strstr(t, "objectives: []\n") != NULL, "%s", t);
    free(t);
    /* a flow item stays a flow item; a map section is rewritten as a block */
    t = put(e, "parties", "USA", "{\"id\": \"USA\", \"name\": \"United States\", \"zone\": \"UTC\"}", -1);
    cr_expect(strstr(t, "parties:\n  - {id: USA, name: United States, zone: UTC}\ncells:") != NULL, "%s", t);
    free(t);
    t = put(e, "exercise", NULL,
            "{\"id\": \"x\", \"title\": \"A title: with colon\", \"start\": \"2026-03-02T09:00:00Z\"}", -1);
    cr_expect(strstr(t, "# the exercise\nexercise:\n  id: x\n  title: \"A title: with colon\"\n  start: "
                        "2026-03-02T09:00:00Z\nlabel_policy:\n") != NULL,
              "%s", t);
    cc_scenario_free(load_ok(t));
    free(t);
    /* a value typed as YAML in a form */
    t = put(
        e, "label_policy", NULL,
        "{\"id\": \"p\", \"classifications\": {\"$yaml\": \"[{name: UNCLASSIFIED, short: U}, {name: SECRET, "
        "short: S}]\"}}",
        -1);
    cr_expect(strstr(t, "  classifications: [{name: UNCLASSIFIED, short: U}, {name: SECRET, short: S}]\n") !=
                  NULL,
              "%s", t);
    free(t);
    cc_sedit_free(e);
}

Test(sedit, refusals)
{
    cc_sedit *e = open_text(base, strlen(base));
    static const struct {
        const char *section, *id, *json;
        cc_err rc;
        const char *why;
    } c[] = {
        {"injects", "I-9", NEW, CC_ERR_NOTFOUND, "no item 'I-9' in the section"},
        {"injects", "I-9", NULL, CC_ERR_NOTFOUND, "no item 'I-9' in the section"},
        {"injects", "I-2", "{\"id\": \"I-1\"}", CC_ERR_INVALID, "another item already has the id 'I-1'"},
        {"cells", "c", "{\"id\": \"c\"}", CC_ERR_INVALID, "'cells' is written in flow style"},
        {"injects", NULL, "[1]", CC_ERR_INVALID, "an item of 'injects' is a mapping"},
        {"injects", NULL, "{\"id\": \"I-5\", \"to\": {\"$yaml\": \"[a,\"}}", CC_ERR_INVALID, "YAML syntax"},
        {"caucus", NULL, "{\"id\": \"x\"}", CC_ERR_INVALID, "'caucus' is not a list of items"},
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        json_t *v = c[i].json ? json_loads(c[i].json, JSON_DECODE_ANY, NULL) : NULL;
        cc_buf b;
        cc_buf_init(&b);
        char why[300] = "";
        cr_expect_eq(cc_sedit_put(e, c[i].section, c[i].id, v, -1, &b, why, sizeof why), c[i].rc,
                     "case %zu: %s", i, why);
        cr_expect(strstr(why, c[i].why) != NULL, "case %zu: %s", i, why);
        cc_buf_free(&b);
        json_decref(v);
    }
    cc_sedit_free(e);
    cc_diags d;
    cc_diags_init(&d);
    cc_sedit *f = NULL;
    cr_expect_eq(cc_sedit_open("[1, 2]\n", 7, "f.yaml", &d, &f), CC_ERR_INVALID);
    cr_expect_str_eq(d.items[0].message, "the scenario's top level must be a block mapping");
    cc_diags_free(&d);
    cr_expect_eq(cc_sedit_open("a: [1\n", 6, "f.yaml", &d, &f), CC_ERR_PARSE);
    cc_diags_free(&d);
}

/* An item saved in its place with the value it has keeps its text byte for byte, whatever its
 * quoting and however a distribution in it is given (as the model gives it, or as the notation's
 * text, which the editor's form sends); a changed item is rewritten, the rest stays. */
Test(sedit, an_item_saved_unchanged_keeps_its_text)
{
    size_t n = 0;
    char *t = slurp("tests/scenarios/valid/health-council-drawn.yaml", &n);
    cc_sedit *e = open_text(t, n);
    static const char *const ids[] = {"H-01", "H-02", "H-03", "H-04", "H-05",
                                      "H-06", "H-07", "H-08", "H-09", "H-10"};
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
        json_t *it = cc_sedit_get(e, "injects", ids[i], NULL);
        cr_assert(it, "%s", ids[i]);
        char *js = json_dumps(it, JSON_COMPACT);
        char *out = put(e, "injects", ids[i], js, -1);
        cr_expect_str_eq(out, t, "%s saved unchanged", ids[i]);
        free(out);
        free(js);
        json_decref(it);
    }
    json_t *it = cc_sedit_get(e, "injects", "H-04", NULL);
    json_object_set_new(json_object_get(it, "trigger"), "delay",
                        json_pack("{s:s}", "$yaml", "{dist: exponential, mean: 40m}"));
    char *js = json_dumps(it, JSON_COMPACT);
    char *out = put(e, "injects", "H-04", js, -1);
    cr_expect_str_eq(out, t, "the delay as the notation's text");
    free(out);
    free(js);
    json_object_set_new(json_object_get(it, "trigger"), "delay",
                        json_pack("{s:s}", "$yaml", "{dist: exponential, mean: 45m}"));
    js = json_dumps(it, JSON_COMPACT);
    out = put(e, "injects", "H-04", js, -1);
    cr_expect(strstr(out, "    trigger: {after: H-03, delay: {dist: exponential, mean: 45m}}\n") != NULL,
              "%s", out);
    const char *h04 = strstr(t, "  - id: \"H-04\""), *h05 = strstr(t, "  - id: \"H-05\"");
    cr_assert(h04 && h05);
    cr_expect_eq(strncmp(out, t, (size_t)(h04 - t)), 0, "the text before H-04 stays");
    cr_expect_str_eq(strstr(out, "  - id: \"H-05\""), h05, "the text after H-04 stays");
    cc_scenario_free(load_ok(out));
    free(out);
    free(js);
    json_decref(it);
    cc_sedit_free(e);
    free(t);
}

/* The first item of a list section the file does not have yet starts it as a block list. */
Test(sedit, a_new_list_section_starts_as_a_list)
{
    size_t n = 0;
    char *t = slurp("tests/scenarios/valid/health-council-drawn.yaml", &n);
    cc_sedit *e = open_text(t, n);
    char *out = put(
        e, "mechanisms", NULL,
        "{\"id\": \"review\", \"title\": \"Officers review\", \"stages\": [{\"id\": \"review\", \"kind\": "
        "\"assess\", \"participants\": [\"cell:officers\"], \"rounds\": {\"$yaml\": \"{max: 2, "
        "revision: {dist: fixed, value: 1h}}\"}}]}",
        -1);
    cr_expect_eq(strncmp(out, t, n), 0, "the file before stays");
    cr_expect_str_eq(out + n, "mechanisms:\n  - id: review\n    title: Officers review\n    stages:\n"
                              "      - id: review\n        kind: assess\n"
                              "        participants: [\"cell:officers\"]\n"
                              "        rounds: {max: 2, revision: {dist: fixed, value: 1h}}\n");
    cc_scenario *s = load_ok(out);
    cr_expect_eq(s->nmechanisms, 1);
    cc_scenario_free(s);
    free(out);
    cc_sedit_free(e);
    free(t);
    static const char empty[] = "caucus: 1\nagents:\n";
    e = open_text(empty, strlen(empty));
    out = put(e, "agents", NULL, "{\"id\": \"a\"}", -1);
    cr_expect_str_eq(out, "caucus: 1\nagents:\n  - id: a\n");
    free(out);
    cc_sedit_free(e);
}

/* cc_sedit_resolve: each {"$yaml": TEXT} read, anywhere in the value; bad YAML named. */
Test(sedit, resolve_reads_yaml_texts)
{
    json_t *v = json_loads("{\"a\": [{\"$yaml\": \"{dist: fixed, value: 1h}\"}], \"b\": \"x\"}", 0, NULL);
    char why[200];
    json_t *r = cc_sedit_resolve(v, why, sizeof why);
    json_t *want = json_loads("{\"a\": [{\"dist\": \"fixed\", \"value\": \"1h\"}], \"b\": \"x\"}", 0, NULL);
    cr_expect(r && json_equal(r, want));
    json_decref(r);
    json_decref(want);
    json_decref(v);
    v = json_pack("{s:{s:s}}", "d", "$yaml", "{dist: fixed");
    cr_expect_null(cc_sedit_resolve(v, why, sizeof why));
    cr_expect(strstr(why, "never closed") != NULL, "%s", why);
    json_decref(v);
}

Test(sedit, diagnostics_placed_on_section_item_and_field)
{
    /* I-2 addressed to a seat that does not exist; the exercise without a zone is fine */
    char *t = strdup(base);
    char *p = strstr(t, "    to: [usa-chair]\n    at: +2h");
    memcpy(p, "    to: [usa-chai]", 18);
    memmove(p + 18, p + 19, strlen(p + 19) + 1);
    cc_sedit *e = open_text(t, strlen(t));
    cc_diags d;
    cc_diags_init(&d);
    cc_scenario *s = NULL;
    cc_scenario_load(t, strlen(t), "t.yaml", NULL, &d, &s);
    cc_scenario_free(s);
    json_t *a = cc_sedit_locate(e, &d);
    cr_assert_geq(json_array_size(a), 1);
    json_t *g = json_array_get(a, 0);
    cr_expect_str_eq(json_string_value(json_object_get(g, "section")), "injects");
    cr_expect_str_eq(json_string_value(json_object_get(g, "id")), "I-2");
    cr_expect_eq(json_integer_value(json_object_get(g, "index")), 1);
    cr_expect_str_eq(json_string_value(json_object_get(g, "field")), "to");
    cr_expect_str_eq(json_string_value(json_object_get(g, "severity")), "error");
    cr_expect(strstr(json_string_value(json_object_get(g, "message")), "usa-chai") != NULL);
    json_decref(a);
    cc_diags_free(&d);
    cc_sedit_free(e);
    free(t);
}

Test(sedit, scalars_plain_only_when_they_read_back)
{
    static const struct {
        const char *s;
        int flow;
        const char *want;
    } c[] = {
        {"plain text", 0, "plain text"},
        {"+2h30m", 0, "+2h30m"},
        {"UNCLASSIFIED//REL TO USA, KOR", 0, "UNCLASSIFIED//REL TO USA, KOR"},
        {"UNCLASSIFIED//REL TO USA, KOR", 1, "\"UNCLASSIFIED//REL TO USA, KOR\""},
        {"a: b", 0, "\"a: b\""},
        {"a #b", 0, "\"a #b\""},
        {"null", 0, "\"null\""},
        {"~", 0, "\"~\""},
        {"", 0, "\"\""},
        {"-x", 0, "\"-x\""},
        {"[x]", 0, "\"[x]\""},
        {" lead", 0, "\" lead\""},
        {"true", 0, "true"},
        {"서울", 0, "서울"},
        {"two\nlines", 0, "\"two\\nlines\""},
        {"it's", 0, "\"it's\""},
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        cc_buf b;
        cc_buf_init(&b);
        cr_assert_eq(cc_yw_scalar(&b, c[i].s, c[i].flow), CC_OK);
        cc_buf_putc(&b, 0);
        cr_expect_str_eq(b.data, c[i].want, "case %zu", i);
        cc_buf_free(&b);
    }
}

Test(ldiff, unified_diffs)
{
    static const struct {
        const char *a, *b, *want;
    } c[] = {
        {"a\nb\n", "a\nb\n", ""},
        {"a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\n", "a\nb\nC\nd\ne\nf\ng\nh\ni\nj\nk\nl",
         "--- v1\n+++ v2\n@@ -1,6 +1,6 @@\n a\n b\n-c\n+C\n d\n e\n f\n@@ -9,3 +9,4 @@\n i\n j\n k\n+l\n\\ "
         "No newline at "
         "end of file\n"},
        {"", "x\n", "--- v1\n+++ v2\n@@ -0,0 +1,1 @@\n+x\n"},
        {"x\ny\n", "", "--- v1\n+++ v2\n@@ -1,2 +0,0 @@\n-x\n-y\n"},
        {"a\nb\nc\n", "a\nc\n", "--- v1\n+++ v2\n@@ -1,3 +1,2 @@\n a\n-b\n c\n"},
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        cc_buf b;
        cc_buf_init(&b);
        cr_assert_eq(cc_ldiff(c[i].a, strlen(c[i].a), c[i].b, strlen(c[i].b), "v1", "v2", &b), CC_OK);
        cc_buf_putc(&b, 0);
        cr_expect_str_eq(b.data, c[i].want, "case %zu", i);
        cc_buf_free(&b);
    }
}

Test(ldiff, a_diff_applied_gives_the_new_text)
{
    /* random edits of a sample: applying the hunks to the old text gives the new one */
    size_t n;
    char *t = slurp("scenarios/ncg-mil-ttx.yaml", &n);
    unsigned seed = 7;
    for (int round = 0; round < 20; round++) {
        cc_buf nb;
        cc_buf_init(&nb);
        for (const char *p = t; *p;) {
            const char *e = strchr(p, '\n');
            size_t len = e ? (size_t)(e - p + 1) : strlen(p);
            seed = seed * 1103515245u + 12345u;
            unsigned r = (seed >> 16) % 40;
            if (r == 0)
                ; /* dropped */
            else if (r == 1)
                cc_buf_printf(&nb, "inserted %d\n%.*s", round, (int)len, p);
            else
                cc_buf_append(&nb, p, len);
            p += len;
        }
        cc_buf d;
        cc_buf_init(&d);
        cr_assert_eq(cc_ldiff(t, n, nb.data, nb.len, "a", "b", &d), CC_OK);
        cc_buf_putc(&d, 0);
        /* apply: copy old lines, skip '-', add '+' */
        cc_buf res;
        cc_buf_init(&res);
        const char *old = t;
        size_t oline = 1;
        for (const char *p = strstr(d.data, "@@"); p && *p;) {
            size_t ostart;
            cr_assert_eq(sscanf(p, "@@ -%zu", &ostart), 1);
            if (ostart == 0)
                ostart = 1;
            while (oline < ostart) {
                const char *e = strchr(old, '\n');
                cc_buf_append(&res, old, (size_t)(e - old + 1));
                old = e + 1;
                oline++;
            }
            p = strchr(p, '\n') + 1;
            while (*p && *p != '@') {
                const char *e = strchr(p, '\n');
                if (*p == ' ' || *p == '-') {
                    const char *oe = strchr(old, '\n');
                    if (*p == ' ')
                        cc_buf_append(&res, old, (size_t)(oe - old + 1));
                    old = oe + 1;
                    oline++;
                } else if (*p == '+') {
                    cc_buf_append(&res, p + 1, (size_t)(e - p));
                }
                p = e + 1;
            }
        }
        cc_buf_puts(&res, old);
        cr_expect(res.len == nb.len && memcmp(res.data, nb.data, nb.len) == 0, "round %d", round);
        cc_buf_free(&res);
        cc_buf_free(&d);
        cc_buf_free(&nb);
    }
    free(t);
}
