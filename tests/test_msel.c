/* Tests of io/msel and io/yaml_write: column names, export, import into a base scenario and
 * as a minimal scenario, the round trip of every inject field on every sample, and every
 * import error with its row, column and header. */
#include <criterion/criterion.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/scenario_model.h"
#include "io/csv.h"
#include "io/msel.h"
#include "io/scenario_load.h"
#include "io/yaml_write.h"
#include "io/ytree.h"

/* ---- yaml_write ---------------------------------------------------------------------- */

Test(yaml_write, quoted_scalars_parse_back_to_the_same_bytes)
{
    static const char *const cases[] = {
        "",
        "plain",
        "null",
        "yes",
        "- dash",
        "key: value # not a comment",
        "'single' \"double\" \\back\\slash",
        "two\nlines\n",
        "cr\rlf\r\n",
        "tab\tend\t",
        "  spaces  ",
        "\x01\x1f\x7f controls",
        "C1 \xC2\x85 \xC2\x9F",
        "line sep \xE2\x80\xA8 para \xE2\x80\xA9",
        "bom \xEF\xBB\xBF nonchar \xEF\xBF\xBE \xEF\xBF\xBF",
        "서울 naïve 🙂",
        "%TAG ! !x",
        "{[*&!|>'\"%@`]}",
        "...",
        "---",
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cc_buf b;
        cc_buf_init(&b);
        cc_buf_puts(&b, "k: ");
        cr_assert_eq(cc_yw_quotedz(&b, cases[i]), CC_OK);
        cc_buf_putc(&b, '\n');
        cr_expect_null(strchr(b.data + 3, '\n') == b.data + b.len - 1 ? NULL : "x", "case %zu on one line",
                       i);
        cc_arena *a = cc_arena_new(0);
        cc_diags d;
        cc_diags_init(&d);
        cc_ynode *root = NULL;
        cr_assert_eq(cc_ytree_parse(b.data, b.len, "t.yaml", a, &d, &root), CC_OK, "case %zu: %s", i,
                     d.count ? d.items[0].message : "");
        cc_ynode *v = cc_ytree_get(root, "k");
        cr_assert_not_null(v);
        cr_expect_eq(v->len, strlen(cases[i]), "case %zu", i);
        cr_expect(memcmp(v->text, cases[i], v->len) == 0, "case %zu: %s", i, b.data);
        cc_arena_free(a);
        cc_diags_free(&d);
        cc_buf_free(&b);
    }
}

Test(yaml_write, refuses_invalid_utf8_and_nul)
{
    cc_buf b;
    cc_buf_init(&b);
    cr_expect_eq(cc_yw_quoted(&b, "a\xFF", 2), CC_ERR_INVALID);
    cr_expect_eq(cc_yw_quoted(&b, "a\0b", 3), CC_ERR_INVALID);
    cr_expect_eq(b.len, 0);
    const char *items[] = {"a", "b\"c"};
    cr_expect_eq(cc_yw_flow_list(&b, items, 2), CC_OK);
    cr_expect_str_eq(b.data, "[\"a\", \"b\\\"c\"]");
    cc_buf_reset(&b);
    cr_expect_eq(cc_yw_pair(&b, 2, "k", "v"), CC_OK);
    cr_expect_str_eq(b.data, "  k: \"v\"\n");
    cc_buf_free(&b);
}

/* ---- columns --------------------------------------------------------------------------- */

Test(msel, header_names_and_synonyms)
{
    static const struct {
        const char *header;
        int col;
    } cases[] = {
        {"Inject #", CC_MSEL_ID},
        {"inject no.", CC_MSEL_ID},
        {"INJECT NUMBER", CC_MSEL_ID},
        {"#", CC_MSEL_ID},
        {"id", CC_MSEL_ID},
        {"Time", CC_MSEL_TIME},
        {"Scenario_Time", CC_MSEL_TIME},
        {"Delivery Date/Time", CC_MSEL_DELIVERY},
        {"Synopsis", CC_MSEL_TITLE},
        {" Event  Synopsis ", CC_MSEL_TITLE},
        {"Description", CC_MSEL_BODY},
        {"Sender", CC_MSEL_FROM},
        {"Intended Player(s)", CC_MSEL_TO},
        {"Delivery Method", CC_MSEL_CHANNEL},
        {"Expected Player Action", CC_MSEL_EXPECTED},
        {"Objective / Capability", CC_MSEL_OBJECTIVES},
        {"Core Capability", CC_MSEL_OBJECTIVES},
        {"Controller", CC_MSEL_CONTROLLER},
        {"Remarks", CC_MSEL_NOTES},
        {"Classification", CC_MSEL_LABEL},
        {"label_originator", CC_MSEL_LABEL_ORIGINATOR},
        {"Label Originator", CC_MSEL_LABEL_ORIGINATOR},
        {"Weather", -1},
        {"", -1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        cr_expect_eq(cc_msel_col_of(cases[i].header, strlen(cases[i].header)), cases[i].col, "%s",
                     cases[i].header);
    for (int c = 0; c < CC_MSEL_NCOLS; c++) {
        const char *h = cc_msel_header((cc_msel_col)c), *k = cc_msel_key((cc_msel_col)c);
        cr_expect_eq(cc_msel_col_of(h, strlen(h)), c, "header %s", h);
        cr_expect_eq(cc_msel_col_of(k, strlen(k)), c, "key %s", k);
    }
    cr_expect_str_eq(cc_msel_header(CC_MSEL_NCOLS), "");
}

/* ---- helpers ----------------------------------------------------------------------------- */

static char *slurp(const char *path, size_t *len)
{
    cc_diags d;
    cc_diags_init(&d);
    char *t = NULL;
    cr_assert_eq(cc_csv_read_file(path, &t, len, &d), CC_OK, "%s", path);
    cc_diags_free(&d);
    return t;
}

static cc_scenario *load_text(const char *text, size_t len, const char *name)
{
    cc_diags d;
    cc_diags_init(&d);
    cc_scenario *s = NULL;
    cc_err rc = cc_scenario_load(text, len, name, NULL, &d, &s);
    cr_assert_eq(rc, CC_OK, "%s does not load: %s (line %d)", name, d.count ? d.items[0].message : "",
                 d.count ? d.items[0].line : 0);
    cr_expect_eq(d.errors, 0);
    cc_diags_free(&d);
    return s;
}

static char *export_csv(const cc_scenario *s, char sep, size_t *len)
{
    cc_msel *m = NULL;
    cr_assert_eq(cc_msel_export(s, &m), CC_OK);
    cc_buf b;
    cc_buf_init(&b);
    cr_assert_eq(cc_msel_write_csv(m, sep, 1, &b), CC_OK);
    cc_msel_free(m);
    *len = b.len;
    return b.data;
}

/* Imports csv; returns rc; the YAML (or NULL) in *yaml, the diagnostics in d. */
static cc_err import(const char *csv, const cc_msel_import_opts *o, cc_diags *d, char **yaml, size_t *ylen)
{
    cc_buf b;
    cc_buf_init(&b);
    cc_diags_init(d);
    cc_err rc = cc_msel_import(csv, strlen(csv), "m.csv", o, d, &b);
    cc_diags_sort(d);
    if (rc == CC_OK) {
        *yaml = b.data;
        *ylen = b.len;
    } else {
        cc_buf_free(&b);
        *yaml = NULL;
    }
    return rc;
}

static int str_eq(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "") == 0; /* absent text and "" are the same */
}

static void expect_strs_eq(const cc_strs *a, const cc_strs *b, const char *what, const char *id)
{
    cr_expect_eq(a->n, b->n, "%s %s: count", id, what);
    for (size_t k = 0; k < a->n && k < b->n; k++)
        cr_expect_str_eq(a->v[k], b->v[k], "%s %s[%zu]", id, what, k);
}

/* A trigger delay drawn from a distribution is kept: its kind and every parameter. */
static void expect_same_dist(const cc_when *u, const cc_when *w, const char *name, const char *id)
{
    cr_expect_eq(u->delay_drawn, w->delay_drawn, "%s %s: drawn delay", name, id);
    if (!u->delay_drawn || !w->delay_drawn)
        return;
    const cc_dist *x = &u->delay_dist, *y = &w->delay_dist;
    cr_expect_eq(x->kind, y->kind, "%s %s: dist", name, id);
    cr_expect(x->a == y->a && x->b == y->b && x->c == y->c,
              "%s %s: parameters %.17g %.17g %.17g vs %.17g %.17g %.17g", name, id, x->a, x->b, x->c, y->a,
              y->b, y->c);
    cr_expect_eq(x->nvalues, y->nvalues, "%s %s: values", name, id);
    for (size_t k = 0; k < x->nvalues && k < y->nvalues; k++)
        cr_expect(x->values[k] == y->values[k], "%s %s: values[%zu]", name, id, k);
}

/* Every inject field of a equals that of b. */
static void expect_same_injects(const cc_scenario *a, const cc_scenario *b, const char *name)
{
    cr_assert_eq(a->ninjects, b->ninjects, "%s: inject count", name);
    for (size_t i = 0; i < a->ninjects; i++) {
        const cc_inject *x = &a->injects[i], *y = &b->injects[i];
        const char *id = x->id;
        cr_expect_str_eq(x->id, y->id, "%s: id", name);
        cr_expect(str_eq(x->title, y->title), "%s %s: title", name, id);
        cr_expect(str_eq(x->body, y->body), "%s %s: body", name, id);
        cr_expect(str_eq(x->notes, y->notes), "%s %s: notes '%s' vs '%s'", name, id, x->notes, y->notes);
        cr_expect_str_eq(x->label.text, y->label.text, "%s %s: label", name, id);
        cr_expect_eq(x->label.valid, y->label.valid);
        cr_expect_eq(x->label.label.cls, y->label.label.cls, "%s %s: label cls", name, id);
        cr_expect_eq(x->label.label.originator, y->label.label.originator, "%s %s: label originator", name,
                     id);
        cr_expect_eq(x->label.label.caveats, y->label.label.caveats, "%s %s: caveats", name, id);
        cr_expect_eq(x->label.label.has_rel_to, y->label.label.has_rel_to, "%s %s: has_rel_to", name, id);
        cr_expect_eq(x->label.label.noforn, y->label.label.noforn, "%s %s: noforn", name, id);
        cr_expect(memcmp(&x->label.label.rel_to, &y->label.label.rel_to, sizeof x->label.label.rel_to) == 0,
                  "%s %s: rel_to", name, id);
        cr_expect_str_eq(x->from, y->from, "%s %s: from", name, id);
        cr_expect(str_eq(x->originator, y->originator), "%s %s: originator", name, id);
        cr_expect_eq(x->to.n, y->to.n, "%s %s: to", name, id);
        for (size_t k = 0; k < x->to.n && k < y->to.n; k++) {
            cr_expect_eq(x->to.v[k].kind, y->to.v[k].kind, "%s %s: to[%zu] kind", name, id, k);
            cr_expect_str_eq(x->to.v[k].name, y->to.v[k].name, "%s %s: to[%zu]", name, id, k);
        }
        cr_expect_eq(x->channel, y->channel, "%s %s: channel", name, id);
        expect_strs_eq(&x->classes, &y->classes, "class", id);
        expect_strs_eq(&x->expected_actions, &y->expected_actions, "expected_actions", id);
        expect_strs_eq(&x->objectives, &y->objectives, "objectives", id);
        const cc_when *u = &x->when, *w = &y->when;
        cr_expect_eq(u->has_at, w->has_at, "%s %s: at", name, id);
        cr_expect_eq(u->at_s, w->at_s, "%s %s: at_s", name, id);
        cr_expect_eq(u->has_trigger, w->has_trigger, "%s %s: trigger", name, id);
        if (u->has_trigger && w->has_trigger) {
            cr_expect_eq(u->trig, w->trig, "%s %s: trigger kind", name, id);
            cr_expect_str_eq(u->target, w->target, "%s %s: target", name, id);
            cr_expect(str_eq(u->outcome, w->outcome), "%s %s: outcome", name, id);
            cr_expect(str_eq(u->stage, w->stage), "%s %s: stage", name, id);
            cr_expect_eq(u->delay_s, w->delay_s, "%s %s: delay", name, id);
            expect_same_dist(u, w, name, id);
        }
    }
}

static const char *const samples[] = {
    "scenarios/ncg-interagency-sim.yaml",
    "scenarios/ncg-mil-ttx.yaml",
    "scenarios/ncg-policy-ttx.yaml",
    "scenarios/validation/alliance-council.yaml",
    "tests/scenarios/valid/all-features.yaml",
    "tests/scenarios/valid/coastal-handover.yaml",
    "tests/scenarios/valid/engine-consult.yaml",
    "tests/scenarios/valid/engine-rounds.yaml",
    "tests/scenarios/valid/endorsed.yaml",
    "tests/scenarios/valid/evaluation.yaml",
    "tests/scenarios/valid/fisheries-council-written-lang.yaml",
    "tests/scenarios/valid/flood-consultation.yaml",
    "tests/scenarios/valid/harbour-evaluation.yaml",
    "tests/scenarios/valid/health-council-drawn.yaml",
    "tests/scenarios/valid/ports-storm-drawn.yaml",
    "tests/scenarios/valid/engine-rules.yaml",
    "tests/scenarios/valid/fictional-nations.yaml",
    "tests/scenarios/valid/mech-agents.yaml",
    "tests/scenarios/valid/mech-participation.yaml",
    "tests/scenarios/valid/mech-request.yaml",
    "tests/scenarios/valid/mech-semantics.yaml",
    "tests/scenarios/valid/mech-unstick.yaml",
    "tests/scenarios/valid/minimal.yaml",
    "tests/scenarios/valid/records-office-queue.yaml",
    "tests/scenarios/valid/river-basin.yaml",
    "tests/scenarios/valid/harbour-debrief.yaml",
    "tests/scenarios/valid/river-commission-bilingual.yaml",
    "tests/scenarios/valid/view-national.yaml",
    "tests/msel/edge.yaml",
};

/* ---- round trip ---------------------------------------------------------------------- */

/* scenario -> workbook -> scenario (--into) keeps every inject field of every sample */
Test(msel, workbook_round_trip_keeps_every_inject_field, .timeout = 60)
{
    for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
        size_t blen;
        char *base = slurp(samples[i], &blen);
        cc_scenario *a = load_text(base, blen, samples[i]);
        cc_msel *m = NULL;
        cr_assert_eq(cc_msel_export(a, &m), CC_OK);
        char path[96], why[300];
        snprintf(path, sizeof path, "/tmp/caucus-test-msel-%ld.xlsx", (long)getpid());
        cr_assert_eq(cc_msel_write_xlsx(m, path, why, sizeof why), CC_OK, "%s", why);
        cc_msel_free(m);
        size_t xlen;
        char *xb = slurp(path, &xlen);
        remove(path);
        cc_diags d;
        cc_diags_init(&d);
        cc_xlsx *x = NULL;
        cc_csv *t = NULL;
        cr_assert_eq(cc_xlsx_open(xb, xlen, "rt.xlsx", &d, &x), CC_OK);
        cr_assert_eq(cc_xlsx_read_sheet(x, 0, &d, &t, NULL, NULL), CC_OK);
        cc_msel_import_opts o = {.dates = -1, .into_file = samples[i], .into_text = base, .into_len = blen};
        cc_buf out;
        cc_buf_init(&out);
        cr_assert_eq(cc_msel_import_table(t, "rt.xlsx[MSEL]", &o, &d, &out), CC_OK, "%s: %s", samples[i],
                     d.count ? d.items[0].message : "");
        cr_expect_eq(d.warnings, 0, "%s: %s", samples[i], d.count ? d.items[0].message : "");
        cc_scenario *b = load_text(out.data, out.len, "roundtrip.yaml");
        expect_same_injects(a, b, samples[i]);
        cc_scenario_free(b);
        cc_buf_free(&out);
        cc_csv_free(t);
        cc_xlsx_free(x);
        free(xb);
        cc_diags_free(&d);
        cc_scenario_free(a);
        free(base);
    }
}

Test(msel, workbook_write_errors)
{
    cc_scenario *s = NULL;
    size_t blen;
    char *base = slurp("tests/scenarios/valid/minimal.yaml", &blen);
    s = load_text(base, blen, "minimal.yaml");
    cc_msel *m = NULL;
    cr_assert_eq(cc_msel_export(s, &m), CC_OK);
    char why[300];
    cr_expect_eq(cc_msel_write_xlsx(m, "/nonexistent/dir/x.xlsx", why, sizeof why), CC_ERR_IO);
    cr_expect(strstr(why, "/nonexistent/dir/x.xlsx") != NULL, "%s", why);
    cc_msel_free(m);
    cc_scenario_free(s);
    free(base);
}

Test(msel, samples_list_is_complete)
{
    /* every valid sample is in the round-trip list */
    const char *const pats[] = {"scenarios/*.yaml", "tests/scenarios/valid/*.yaml"};
    for (size_t p = 0; p < 2; p++) {
        glob_t g;
        cr_assert_eq(glob(pats[p], 0, NULL, &g), 0);
        for (size_t i = 0; i < g.gl_pathc; i++) {
            int found = 0;
            for (size_t k = 0; k < sizeof samples / sizeof samples[0]; k++)
                found |= strcmp(samples[k], g.gl_pathv[i]) == 0;
            cr_expect(found, "%s is not in the round-trip list", g.gl_pathv[i]);
        }
        globfree(&g);
    }
}

Test(msel, round_trip_keeps_every_inject_field, .timeout = 60)
{
    static const char seps[] = {',', ';', '\t'};
    for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
        size_t blen;
        char *base = slurp(samples[i], &blen);
        cc_scenario *a = load_text(base, blen, samples[i]);
        size_t clen;
        char *csv = export_csv(a, seps[i % 3], &clen);
        cc_msel_import_opts o = {.dates = -1, .into_file = samples[i], .into_text = base, .into_len = blen};
        cc_diags d;
        char *y;
        size_t ylen;
        cr_assert_eq(import(csv, &o, &d, &y, &ylen), CC_OK, "%s: %s", samples[i],
                     d.count ? d.items[0].message : "");
        cr_expect_eq(d.warnings, 0, "%s: %s", samples[i], d.count ? d.items[0].message : "");
        cc_scenario *b = load_text(y, ylen, "roundtrip.yaml");
        expect_same_injects(a, b, samples[i]);
        /* the second export is byte for byte the first */
        size_t clen2;
        char *csv2 = export_csv(b, seps[i % 3], &clen2);
        cr_expect(clen == clen2 && memcmp(csv, csv2, clen) == 0, "%s: exports differ", samples[i]);
        /* the rest of the base scenario is untouched */
        cr_expect_eq(a->ndecisions, b->ndecisions);
        cr_expect_eq(a->nseats, b->nseats);
        cr_expect_eq(a->nagents, b->nagents);
        free(csv2);
        cc_scenario_free(b);
        free(y);
        cc_diags_free(&d);
        free(csv);
        cc_scenario_free(a);
        free(base);
    }
}

Test(msel, merge_replaces_named_injects_and_keeps_the_rest)
{
    size_t blen;
    const char *path = "scenarios/ncg-policy-ttx.yaml";
    char *base = slurp(path, &blen);
    cc_scenario *a = load_text(base, blen, path);
    const char *csv = "Inject #,Scenario Time,Event Synopsis,From,To,Label,Delivery Method\n"
                      "I-02,+20m,Changed title,control,all,UNCLASSIFIED//REL TO ALLIANCE,E-mail\n"
                      "I-99,+5h,A new inject,control,usa-chair,UNCLASSIFIED//REL TO ALLIANCE,\n";
    cc_msel_import_opts o = {.dates = -1, .into_file = path, .into_text = base, .into_len = blen, .merge = 1};
    cc_diags d;
    char *y;
    size_t ylen;
    cr_assert_eq(import(csv, &o, &d, &y, &ylen), CC_OK, "%s", d.count ? d.items[0].message : "");
    cc_scenario *b = load_text(y, ylen, "merged.yaml");
    cr_assert_eq(b->ninjects, a->ninjects + 1);
    cr_expect_str_eq(b->injects[1].id, "I-02");
    cr_expect_str_eq(b->injects[1].title, "Changed title");
    cr_expect_eq(b->injects[1].when.at_s, 20 * 60);
    cr_expect_eq(b->injects[1].channel, CC_CH_EMAIL);
    /* fields the sheet has no column for are kept from the base inject */
    cr_expect(str_eq(b->injects[1].body, a->injects[1].body));
    cr_expect(str_eq(b->injects[1].notes, a->injects[1].notes));
    cr_expect_eq(b->injects[1].classes.n, a->injects[1].classes.n);
    expect_strs_eq(&a->injects[1].expected_actions, &b->injects[1].expected_actions, "expected", "I-02");
    cr_expect_str_eq(b->injects[b->ninjects - 1].id, "I-99");
    for (size_t i = 2; i < a->ninjects; i++)
        cr_expect_str_eq(a->injects[i].title, b->injects[i].title);
    cc_scenario_free(b);
    free(y);
    cc_diags_free(&d);
    /* without --merge the CSV's two injects are all there is (and the decisions that trigger on
       removed injects are reported against the base file) */
    o.merge = 0;
    cr_assert_eq(import(csv, &o, &d, &y, &ylen), CC_ERR_INVALID);
    char buf[600];
    int found = 0;
    for (size_t i = 0; i < d.count; i++) {
        cc_diag_format(&d.items[i], buf, sizeof buf);
        found |= strstr(buf, "scenarios/ncg-policy-ttx.yaml:") == buf &&
                 strstr(buf, "(with the imported injects)");
    }
    cr_expect(found, "a base-file diagnostic");
    cc_diags_free(&d);
    cc_scenario_free(a);
    free(base);
}

/* ---- import from other templates ------------------------------------------------------ */

Test(msel, minimal_scenario_from_a_foreign_template)
{
    /* semicolons, BOM, CR LF, Excel dates day first, synonyms, a column caucus does not know */
    const char *csv =
        "\xEF\xBB\xBFInject No.;Date/Time;Synopsis;Description;Sender;Intended Player(s);Method;"
        "Expected Player Action;Objective;Controller;Remarks;Classification;Weather\r\n"
        "1;01/03/2026 09:00;STARTEX;\"Exercise starts;\r\nday 1\";;all;Email;;;J. Doe;;"
        "UNCLASSIFIED//REL TO USA, KOR;sunny\r\n"
        "2;13/03/2026 10:30;Request to consult;\"Text with \"\"quotes\"\"\";kor-chair;usa-chair, usa-nsc;"
        "Phone;\"Acknowledge within 30 minutes\nInform the co-chair\";OBJ-1;;note;"
        "SECRET//REL TO USA, KOR;\r\n"
        "3;46082.4375;Excel serial date;;usa-chair;party:USA;VTC;;OBJ-1;;;SECRET//NOFORN;\r\n"
        ";;;;;;;;;;;;\r\n\r\n";
    cc_msel_import_opts o = {.dates = -1, .zone = "Asia/Seoul"};
    cc_diags d;
    char *y;
    size_t ylen;
    cr_assert_eq(import(csv, &o, &d, &y, &ylen), CC_OK, "%s", d.count ? d.items[0].message : "");
    cr_expect_eq(d.errors, 0);
    cr_assert_geq(d.count, 1);
    char buf[400];
    cc_diag_format(&d.items[0], buf, sizeof buf);
    cr_expect_str_eq(buf, "m.csv:1:13: warning: column 'Weather' is not an MSEL column; it is not imported");
    cc_scenario *s = load_text(y, ylen, "minimal.yaml");
    cr_assert_eq(s->ninjects, 3);
    cr_expect_str_eq(s->id, "m");
    /* the earliest time starts the exercise, read in the given zone */
    cr_expect_eq(s->start_unix, 1772323200); /* 2026-03-01T09:00:00+09:00 */
    cr_expect_eq(s->injects[0].when.at_s, 0);
    cr_expect_str_eq(s->injects[0].body, "Exercise starts;\r\nday 1");
    cr_expect_str_eq(s->injects[0].from, "control");
    cr_expect_eq(s->injects[0].channel, CC_CH_EMAIL);
    cr_expect_str_eq(s->injects[0].notes, "Controller: J. Doe");
    cr_expect_eq(s->injects[1].when.at_s, 12 * 86400 + 5400);
    cr_expect_eq(s->injects[1].channel, CC_CH_CALL);
    cr_expect_str_eq(s->injects[1].body, "Text with \"quotes\"");
    cr_expect_eq(s->injects[1].expected_actions.n, 2);
    cr_expect_str_eq(s->injects[1].expected_actions.v[1], "Inform the co-chair");
    cr_expect_str_eq(s->injects[1].notes, "note");
    cr_expect_eq(s->injects[2].when.at_s, 5400); /* 46082.4375 = 2026-03-01 10:30 */
    cr_expect_eq(s->injects[2].channel, CC_CH_VTC);
    /* seats named PARTY-role get their party; referenced objectives exist */
    cr_expect_eq(s->nparties, 2);
    cr_expect_eq(s->nobjectives, 1);
    int seen = 0;
    for (size_t i = 0; i < s->nseats; i++)
        if (strcmp(s->seats[i].id, "kor-chair") == 0)
            seen = strcmp(s->seats[i].party, "KOR") == 0;
    cr_expect(seen);
    cc_scenario_free(s);
    free(y);
    cc_diags_free(&d);
}

Test(msel, column_map_for_other_headers)
{
    const char *csv = "Msg Ref,When,Subject,Addressees,Caveat\n"
                      "M-1,+1h,Hello,usa-chair,UNCLASSIFIED\n";
    const char *maps[] = {"id=msg ref, to=ADDRESSEES", "label=Caveat"};
    cc_msel_import_opts o = {.dates = -1, .maps = maps, .nmaps = 2};
    cc_diags d;
    char *y;
    size_t ylen;
    cr_assert_eq(import(csv, &o, &d, &y, &ylen), CC_ERR_INVALID);
    char buf[400];
    /* "When" is not a known name of the time column */
    cc_diag_format(&d.items[0], buf, sizeof buf);
    cr_expect_str_eq(buf, "m.csv:1:0: error: no column for the scenario time or trigger");
    cc_diag_format(&d.items[1], buf, sizeof buf);
    cr_expect_str_eq(buf, "m.csv:1:2: warning: column 'When' is not an MSEL column; it is not imported");
    cc_diags_free(&d);
    const char *maps2[] = {"id=msg ref, to=ADDRESSEES", "label=Caveat,time=when"};
    o.maps = maps2;
    cr_assert_eq(import(csv, &o, &d, &y, &ylen), CC_OK, "%s", d.count ? d.items[0].message : "");
    cr_expect_eq(d.count, 0);
    cc_scenario *s = load_text(y, ylen, "mapped.yaml");
    cr_expect_str_eq(s->injects[0].id, "M-1");
    cr_expect_str_eq(s->injects[0].title, "Hello");
    cr_expect_eq(s->injects[0].when.at_s, 3600);
    cr_expect_str_eq(s->id, "m");
    cc_scenario_free(s);
    free(y);
    cc_diags_free(&d);
}

/* ---- errors ------------------------------------------------------------------------------ */

#define H "Inject #,Scenario Time,Event Synopsis,From,To,Label,Trigger,Delay,Delivery Method,Controller\n"

static const struct {
    const char *name, *csv;
    const char *maps; /* one --map, or NULL */
    cc_err rc;
    const char *first; /* the first diagnostic, formatted */
    const char *hint;  /* its hint, or NULL */
} errors[] = {
    {"empty file", "", NULL, CC_ERR_PARSE, "m.csv:1:0: error: no header row: the file is empty",
     "the first row names the columns"},
    {"csv syntax", H "1,+1h,\"open,x,y,U\n", NULL, CC_ERR_PARSE,
     "m.csv:2:3: error: row 2, field 3: quoted field starting on line 2 is never closed", NULL},
    {"ragged", H "1,+1h,T,control,all\n", NULL, CC_ERR_PARSE,
     "m.csv:2:6: error: row 2 has 5 fields, but the header has 10", NULL},
    {"no id column", "Scenario Time,Event Synopsis,To,Label\n+1h,T,all,U\n", NULL, CC_ERR_INVALID,
     "m.csv:1:0: error: no column for the inject number", "name a column 'Inject #', or use --map id=HEADER"},
    {"no time column", "Inject #,Event Synopsis,To,Label\n1,T,all,U\n", NULL, CC_ERR_INVALID,
     "m.csv:1:0: error: no column for the scenario time or trigger",
     "name a column 'Scenario Time' or 'Trigger', or use --map time=HEADER"},
    {"two id columns", "Inject #,Inject No.,Time,Synopsis,To,Label\n1,1,+1h,T,all,U\n", NULL, CC_ERR_INVALID,
     "m.csv:1:2: error: columns 1 'Inject #' and 2 'Inject No.' both hold the id", NULL},
    {"map without =", H, "id", CC_ERR_ARG, "--map: error: 'id' has no '='", "write COLUMN=Header Name"},
    {"map unknown column", H, "colour=Label", CC_ERR_ARG, "--map: error: unknown column 'colour'", NULL},
    {"map unknown header", H, "id=Serial", CC_ERR_ARG,
     "--map: error: id=Serial: the header row has no column 'Serial'", NULL},
    {"empty id", H "  ,+1h,T,control,all,UNCLASSIFIED//REL TO USA,,,,\n", NULL, CC_ERR_INVALID,
     "m.csv:2:1: error: column 'Inject #': the inject number is empty",
     "every row needs an inject number such as I-01"},
    {"empty title", H "1,+1h,,control,all,UNCLASSIFIED//REL TO USA,,,,\n", NULL, CC_ERR_INVALID,
     "m.csv:2:3: error: column 'Event Synopsis': the synopsis is empty", NULL},
    {"empty label", H "1,+1h,T,control,all,,,,,\n", NULL, CC_ERR_INVALID,
     "m.csv:2:6: error: column 'Label': the label is empty", NULL},
    {"no recipient", H "1,+1h,T,control, ; ,UNCLASSIFIED//REL TO USA,,,,\n", NULL, CC_ERR_INVALID,
     "m.csv:2:5: error: column 'To': no intended player", NULL},
    {"unknown channel", H "1,+1h,T,control,usa-a,UNCLASSIFIED//REL TO USA,,,Pigeon,\n", NULL, CC_ERR_INVALID,
     "m.csv:2:9: error: column 'Delivery Method': unknown delivery method 'Pigeon'",
     "use one of message, cable, call, email, meeting, vtc, news, intel-report, statement"},
    {"controller on two lines", H "1,+1h,T,control,usa-a,UNCLASSIFIED//REL TO USA,,,,\"A\nB\"\n", NULL,
     CC_ERR_INVALID, "m.csv:2:10: error: column 'Controller': the controller must fit on one line", NULL},
    {"bad duration", H "1,+2x,T,control,usa-a,UNCLASSIFIED//REL TO USA,,,,\n", NULL, CC_ERR_INVALID,
     "m.csv:2:2: error: column 'Scenario Time': cannot read '+2x' as a time: unknown duration unit 'x'",
     NULL},
    {"bad clock time", H "1,+1:75,T,control,usa-a,UNCLASSIFIED//REL TO USA,,,,\n", NULL, CC_ERR_INVALID,
     "m.csv:2:2: error: column 'Scenario Time': cannot read '+1:75' as a time: hours:minutes out of range",
     NULL},
    {"bad date", H "1,31/02/2026 10:00,T,control,usa-a,UNCLASSIFIED//REL TO USA,,,,\n", NULL, CC_ERR_INVALID,
     "m.csv:2:2: error: column 'Scenario Time': cannot read '31/02/2026 10:00' as a time (day out of range "
     "for "
     "the month)",
     NULL},
    {"time and trigger", H "1,+1h,T,control,usa-a,UNCLASSIFIED//REL TO USA,after 0,,,\n", NULL,
     CC_ERR_INVALID, "m.csv:2:7: error: column 'Trigger': the inject has both a scenario time and a trigger",
     "keep either the scenario time or the trigger"},
    {"neither time nor trigger", H "1,,T,control,usa-a,UNCLASSIFIED//REL TO USA,,,,\n", NULL, CC_ERR_INVALID,
     "m.csv:2:2: error: column 'Scenario Time': the inject has neither a scenario time nor a trigger", NULL},
    {"delay without trigger", H "1,+1h,T,control,usa-a,UNCLASSIFIED//REL TO USA,,5m,,\n", NULL,
     CC_ERR_INVALID, "m.csv:2:8: error: column 'Delay': a delay without a trigger", NULL},
    {"delay twice",
     H "1,+1h,T,control,usa-a,U//REL TO USA,,,,\n2,,T,control,usa-a,U//REL TO USA,after 1 delay 5m,5m,,\n",
     NULL, CC_ERR_INVALID, "m.csv:3:8: error: column 'Delay': a delay is given both here and in the trigger",
     NULL},
    {"drawn delay: unknown kind",
     H "1,+1h,T,control,usa-a,U//REL TO USA,,,,\n2,,T,control,usa-a,U//REL TO USA,after 1,\"{dist: "
       "exponentail, "
       "mean: 30m}\",,\n",
     NULL, CC_ERR_INVALID,
     "m.csv:3:8: error: column 'Delay': the delay 'dist': unknown value 'exponentail', in '{dist: "
     "exponentail, "
     "mean: 30m}'",
     "did you mean 'exponential'?"},
    {"drawn delay: missing parameter",
     H "1,+1h,T,control,usa-a,U//REL TO USA,,,,\n2,,T,control,usa-a,U//REL TO USA,after 1,{dist: "
       "exponential},,\n",
     NULL, CC_ERR_INVALID,
     "m.csv:3:8: error: column 'Delay': the delay is missing required key 'mean', in '{dist: exponential}'",
     NULL},
    {"drawn delay: negative mean",
     H "1,+1h,T,control,usa-a,U//REL TO USA,,,,\n2,,T,control,usa-a,U//REL TO USA,after 1,\"{dist: "
       "exponential, "
       "mean: -30m}\",,\n",
     NULL, CC_ERR_INVALID,
     "m.csv:3:8: error: column 'Delay': the delay 'mean': a duration cannot be negative, in '{dist: "
     "exponential, mean: -30m}'",
     "a duration counts forward: write 30m"},
    {"drawn delay: zero mean",
     H "1,+1h,T,control,usa-a,U//REL TO USA,,,,\n2,,T,control,usa-a,U//REL TO USA,after 1,\"{dist: "
       "exponential, "
       "mean: 0s}\",,\n",
     NULL, CC_ERR_INVALID,
     "m.csv:3:8: error: column 'Delay': the delay: exponential mean must be greater than zero, in '{dist: "
     "exponential, mean: 0s}'",
     NULL},
    {"drawn delay: malformed duration",
     H "1,+1h,T,control,usa-a,U//REL TO USA,,,,\n2,,T,control,usa-a,U//REL TO USA,after 1,\"{dist: fixed, "
       "value: "
       "5 minutes}\",,\n",
     NULL, CC_ERR_INVALID,
     "m.csv:3:8: error: column 'Delay': the delay 'value': spaces are not allowed in a duration, in '{dist: "
     "fixed, value: 5 minutes}'",
     "write 4h30m, not 4 hours 30 minutes"},
    {"drawn delay: no values",
     H
     "1,+1h,T,control,usa-a,U//REL TO USA,,,,\n2,,T,control,usa-a,U//REL TO USA,after 1,\"{dist: empirical, "
     "values: []}\",,\n",
     NULL, CC_ERR_INVALID,
     "m.csv:3:8: error: column 'Delay': the delay: empirical needs at least one value, in '{dist: empirical, "
     "values: []}'",
     NULL},
    {"drawn delay: sigma zero",
     H
     "1,+1h,T,control,usa-a,U//REL TO USA,,,,\n2,,T,control,usa-a,U//REL TO USA,after 1,\"{dist: lognormal, "
     "median: 20m, sigma: 0}\",,\n",
     NULL, CC_ERR_INVALID,
     "m.csv:3:8: error: column 'Delay': the delay: lognormal sigma must be greater than zero, in '{dist: "
     "lognormal, median: 20m, sigma: 0}'",
     NULL},
    {"drawn delay: unknown parameter",
     H "1,+1h,T,control,usa-a,U//REL TO USA,,,,\n2,,T,control,usa-a,U//REL TO USA,after 1,\"{dist: gamma, "
       "shape: "
       "2, scale: 1h, mean: 2h}\",,\n",
     NULL, CC_ERR_INVALID,
     "m.csv:3:8: error: column 'Delay': unknown key 'mean' in distribution, in '{dist: gamma, shape: 2, "
     "scale: "
     "1h, mean: 2h}'",
     NULL},
    {"drawn delay in the trigger: min above max",
     H "1,+1h,T,control,usa-a,U//REL TO USA,,,,\n2,,T,control,usa-a,U//REL TO USA,\"after 1 delay {dist: "
       "uniform, min: 2h, max: 1h}\",,,\n",
     NULL, CC_ERR_INVALID,
     "m.csv:3:7: error: column 'Trigger': the delay: uniform min is greater than max, in '{dist: uniform, "
     "min: "
     "2h, max: 1h}'",
     "swap min and max"},
    {"drawn delay: never closed",
     H "1,+1h,T,control,usa-a,U//REL TO USA,,,,\n2,,T,control,usa-a,U//REL TO USA,after 1,\"{dist: fixed, "
       "value: 5m\",,\n",
     NULL, CC_ERR_INVALID,
     "m.csv:3:8: error: column 'Delay': YAML syntax: the '{' opened here is never closed (the parser gave up "
     "at 2:1: missing comma in flow mapping), in '{dist: fixed, value: 5m'",
     "close it with '}'"},
    {"drawn delay in the trigger: values not a list",
     H "1,+1h,T,control,usa-a,U//REL TO USA,,,,\n2,,T,control,usa-a,U//REL TO USA,\"{after: 1, delay: {dist: "
       "empirical, values: 5m}}\",,,\n",
     NULL, CC_ERR_INVALID,
     "m.csv:3:7: error: column 'Trigger': empirical values must be a list, not a scalar, in '{dist: "
     "empirical, "
     "values: 5m}'",
     NULL},
    {"trigger unknown word", H "1,,T,control,usa-a,U//REL TO USA,when 1,,,\n", NULL, CC_ERR_INVALID,
     "m.csv:2:7: error: column 'Trigger': unknown word 'when' in trigger 'when 1'", NULL},
    {"trigger odd words", H "1,,T,control,usa-a,U//REL TO USA,after,,,\n", NULL, CC_ERR_INVALID,
     "m.csv:2:7: error: column 'Trigger': cannot read trigger 'after': expected KEY VALUE pairs", NULL},
    {"trigger key twice", H "1,,T,control,usa-a,U//REL TO USA,after 1 after 2,,,\n", NULL, CC_ERR_INVALID,
     "m.csv:2:7: error: column 'Trigger': 'after' appears twice in trigger 'after 1 after 2'", NULL},
    {"duplicate id", H "1,+1h,T,control,usa-a,U//REL TO USA,,,,\n1,+2h,T,control,usa-a,U//REL TO USA,,,,\n",
     NULL, CC_ERR_INVALID,
     "m.csv:3:1: error: column 'Inject #': inject number '1' is used again (first on row 2)", NULL},
    {"before the start",
     H "1,2026-03-02 10:00,T,control,usa-a,U//REL TO USA,,,,\n2,+1h,T,control,usa-a,U//REL TO "
       "USA,,,,\n",
     "", CC_ERR_INVALID,
     "m.csv:2:2: error: column 'Scenario Time': time '2026-03-02 10:00' lies before the exercise "
     "start 2026-03-03T00:00:00Z",
     "check the date, or the date order (--dates dmy|mdy)"},
    {"seat without party", H "1,+1h,T,control,chair,\"U//REL TO USA, KOR\",,,,\n", NULL, CC_ERR_INVALID,
     "m.csv:2:5: error: column 'To': cannot tell which party seat 'chair' belongs to", NULL},
    {"bad label, mapped back", H "1,+1h,T,control,usa-a,SECRET//REL TO  USA,,,,\n", NULL, CC_ERR_INVALID,
     "m.csv:2:6: error: column 'Label': inject label: extra space", NULL},
    {"bad id, mapped back", H "1 2,+1h,T,control,usa-a,U//REL TO USA,,,,\n", NULL, CC_ERR_INVALID,
     "m.csv:2:1: error: column 'Inject #': inject 'id' is not a valid identifier: '1 2'", NULL},
    {"undefined trigger target", H "1,,T,control,usa-a,U//REL TO USA,decision D-1,,,\n", NULL, CC_ERR_INVALID,
     "m.csv:2:7: error: column 'Trigger': the trigger waits for decision 'D-1', which an MSEL cannot define",
     "import --into SCENARIO, the scenario that defines decision 'D-1'"},
    {"no injects", H, NULL, CC_ERR_INVALID, "m.csv:1:0: error: the MSEL has no injects", NULL},
};

Test(msel, import_errors_name_row_column_and_header)
{
    for (size_t i = 0; i < sizeof errors / sizeof errors[0]; i++) {
        const char *maps[1] = {errors[i].maps};
        cc_msel_import_opts o = {
            .dates = -1, .maps = maps, .nmaps = errors[i].maps && *errors[i].maps ? 1 : 0};
        if (errors[i].maps && !*errors[i].maps)
            o.start = "2026-03-03T00:00:00Z";
        cc_diags d;
        char *y = NULL;
        size_t ylen;
        cr_expect_eq(import(errors[i].csv, &o, &d, &y, &ylen), errors[i].rc, "%s", errors[i].name);
        cr_expect_null(y, "%s: no output on error", errors[i].name);
        free(y);
        const cc_diag *first = NULL;
        for (size_t k = 0; k < d.count && !first; k++)
            if (d.items[k].sev == CC_SEV_ERROR)
                first = &d.items[k];
        cr_assert_not_null(first, "%s: no error", errors[i].name);
        char buf[600];
        cc_diag_format(first, buf, sizeof buf);
        cr_expect_str_eq(buf, errors[i].first, "%s", errors[i].name);
        if (errors[i].hint)
            cr_expect_str_eq(first->hint ? first->hint : "(none)", errors[i].hint, "%s", errors[i].name);
        cc_diags_free(&d);
    }
}

Test(msel, base_scenario_errors)
{
    const char *csv = H "I-1,+1h,T,control,usa-chair,U//REL TO USA,,,,\n";
    cc_diags d;
    char *y;
    size_t ylen;
    /* a base that does not load */
    const char *broken = "caucus: 1\nexercise: [\n";
    cc_msel_import_opts o = {
        .dates = -1, .into_file = "base.yaml", .into_text = broken, .into_len = strlen(broken)};
    cr_expect_eq(import(csv, &o, &d, &y, &ylen), CC_ERR_INVALID);
    char buf[600];
    cc_diag_format(&d.items[0], buf, sizeof buf);
    cr_expect_str_eq(buf, "base.yaml: error: the base scenario does not load");
    cc_diag_format(&d.items[1], buf, sizeof buf);
    cr_expect_str_eq(
        buf, "base.yaml:2:11: error: YAML syntax: the '[' opened here is never closed (the parser gave "
             "up at 3:1: flow sequence without a closing bracket)");
    cc_diags_free(&d);
    /* a base written in flow style cannot be spliced */
    size_t blen;
    char *min = slurp("tests/scenarios/valid/minimal.yaml", &blen);
    cc_scenario *s = load_text(min, blen, "minimal.yaml");
    cc_scenario_free(s);
    const char *flow =
        "{caucus: 1, exercise: {id: x, title: X, start: \"2026-03-02T09:00:00Z\"}, label_policy: {id: p, "
        "classifications: [{name: UNCLASSIFIED, short: U}]}, parties: [{id: USA, name: U, zone: UTC}], "
        "seats: "
        "[{id: usa-chair, party: USA, role: R, clearance: U}], cells: [{id: c, name: C, kind: control}], "
        "injects: [{id: I, title: T, label: U, from: usa-chair, to: [usa-chair], at: +1h}]}\n";
    o.into_file = "flow.yaml";
    o.into_text = flow;
    o.into_len = strlen(flow);
    cr_expect_eq(import(csv, &o, &d, &y, &ylen), CC_ERR_INVALID);
    cc_diag_format(&d.items[0], buf, sizeof buf);
    cr_expect_str_eq(buf,
                     "flow.yaml:1:1: error: cannot replace the injects of a scenario written in flow style");
    cc_diags_free(&d);
    /* a seat the base does not have: reported on the CSV cell */
    o.into_file = "minimal.yaml";
    o.into_text = min;
    o.into_len = blen;
    const char *csv2 = H "1,+1h,T,control,usa-chiar,U//REL TO USA,,,,\n";
    cr_expect_eq(import(csv2, &o, &d, &y, &ylen), CC_ERR_INVALID);
    cc_diag_format(&d.items[0], buf, sizeof buf);
    cr_expect(strncmp(buf, "m.csv:2:5: error: column 'To': ", 31) == 0, "%s", buf);
    cr_expect(strstr(buf, "usa-chiar") != NULL, "%s", buf);
    cc_diags_free(&d);
    /* good: the base keeps everything but its injects; the output loads */
    cr_expect_eq(import(csv, &o, &d, &y, &ylen), CC_OK);
    s = load_text(y, ylen, "out.yaml");
    cr_expect_eq(s->ninjects, 1);
    cr_expect_eq(s->ndecisions, 0 + 1);
    cc_scenario_free(s);
    free(y);
    cc_diags_free(&d);
    /* bad --zone / --start for a minimal scenario */
    cc_msel_import_opts z = {.dates = -1, .zone = "Mars/Olympus"};
    cr_expect_eq(import(csv, &z, &d, &y, &ylen), CC_ERR_ARG);
    cc_diag_format(&d.items[0], buf, sizeof buf);
    cr_expect(strncmp(buf, "--zone: error: unknown time zone 'Mars/Olympus'", 47) == 0, "%s", buf);
    cc_diags_free(&d);
    cc_msel_import_opts st = {.dates = -1, .start = "tomorrow"};
    cr_expect_eq(import(csv, &st, &d, &y, &ylen), CC_ERR_ARG);
    cc_diag_format(&d.items[0], buf, sizeof buf);
    cr_expect(strncmp(buf, "--start: error: 'tomorrow': ", 28) == 0, "%s", buf);
    cc_diags_free(&d);
    free(min);
}

Test(msel, date_order_from_the_values)
{
    const char *csv = "Inject #,Time,Synopsis,To,Label\n"
                      "1,03/04/2026 10:00,A,usa-a,U//REL TO USA\n"
                      "2,03/13/2026 10:00,B,usa-a,U//REL TO USA\n";
    cc_msel_import_opts o = {.dates = -1, .start = "2026-03-01T00:00:00Z"};
    cc_diags d;
    char *y;
    size_t ylen;
    cr_assert_eq(import(csv, &o, &d, &y, &ylen), CC_OK, "%s", d.count ? d.items[0].message : "");
    cc_scenario *s = load_text(y, ylen, "dates.yaml");
    cr_expect_eq(s->injects[0].when.at_s, 3 * 86400 + 10 * 3600); /* 4 March: month first */
    cc_scenario_free(s);
    free(y);
    cc_diags_free(&d);
    o.dates = CC_CSV_DMY; /* forced: 03/13 is then no date */
    cr_expect_eq(import(csv, &o, &d, &y, &ylen), CC_ERR_INVALID);
    cc_diags_free(&d);
    const char *mixed = "Inject #,Time,Synopsis,To,Label\n"
                        "1,13/03/2026 10:00,A,usa-a,U//REL TO USA\n"
                        "2,03/13/2026 10:00,B,usa-a,U//REL TO USA\n";
    o.dates = -1;
    cr_expect_eq(import(mixed, &o, &d, &y, &ylen), CC_ERR_INVALID);
    char buf[400];
    cc_diag_format(&d.items[0], buf, sizeof buf);
    cr_expect_str_eq(
        buf, "m.csv: warning: dates are written both day/month and month/day; reading them as day/month");
    cc_diags_free(&d);
}

Test(msel, delivery_time_stands_in_and_is_checked)
{
    const char *csv = "Inject #,Scenario Time,Delivery Time,Synopsis,To,Label\n"
                      "1,,2026-03-01 10:00,A,usa-a,U//REL TO USA\n"
                      "2,+2h,2026-03-01 11:30,B,usa-a,U//REL TO USA\n";
    cc_msel_import_opts o = {.dates = -1, .start = "2026-03-01T09:00:00Z"};
    cc_diags d;
    char *y;
    size_t ylen;
    cr_assert_eq(import(csv, &o, &d, &y, &ylen), CC_OK, "%s", d.count ? d.items[0].message : "");
    cr_assert_eq(d.count, 1);
    char buf[400];
    cc_diag_format(&d.items[0], buf, sizeof buf);
    cr_expect_str_eq(
        buf, "m.csv:3:3: warning: column 'Delivery Time': delivery time (+2h30m) differs from the scenario "
             "time (+2h)");
    cc_scenario *s = load_text(y, ylen, "deliv.yaml");
    cr_expect_eq(s->injects[0].when.at_s, 3600);
    cr_expect_eq(s->injects[1].when.at_s, 7200);
    cc_scenario_free(s);
    free(y);
    cc_diags_free(&d);
}

/* ---- imports that lose nothing ----------------------------------------------------------- */

/* Every diagnostic, formatted, one per line (hints as "  hint: ..."). */
static char *all_diags(const cc_diags *d)
{
    cc_buf b;
    cc_buf_init(&b);
    for (size_t i = 0; i < d->count; i++) {
        char buf[800];
        cc_diag_format(&d->items[i], buf, sizeof buf);
        cc_buf_printf(&b, "%s\n", buf);
        if (d->items[i].hint)
            cc_buf_printf(&b, "  hint: %s\n", d->items[i].hint);
    }
    cc_buf_putc(&b, 0);
    return b.data;
}

#define P "Inject #,Scenario Time,Event Synopsis,From,To,Label,Core Capability,Class\n"

Test(msel, multi_value_cells_split_on_documented_separators_only)
{
    const char *csv = P "1,+1h,T,control,\"usa-a; kor-b\nusa-c\",\"U//REL TO USA, KOR\","
                        "Situational assessment and information sharing,\"warning, public\"\n"
                        "2,+2h,T,control,\"usa-a, kor-b\",\"U//REL TO USA, KOR\",O-1;O-2,media\n";
    cc_msel_import_opts o = {.dates = -1};
    cc_diags d;
    char *y;
    size_t ylen;
    cr_assert_eq(import(csv, &o, &d, &y, &ylen), CC_OK, "%s", d.count ? d.items[0].message : "");
    char *all = all_diags(&d);
    cr_expect(strstr(all,
                     "m.csv:2:7: warning: column 'Core Capability': 'Situational assessment and information "
                     "sharing' looks like prose: read as one value\n  hint: separate several values with ';' "
                     "or a line break; spaces do not separate") != NULL,
              "%s", all);
    cr_expect_eq(d.warnings, 1, "%s", all);
    cc_scenario *s = load_text(y, ylen, "split.yaml");
    cr_assert_eq(s->ninjects, 2);
    cr_assert_eq(s->injects[0].to.n, 3);
    cr_expect_str_eq(s->injects[0].to.v[2].name, "usa-c");
    cr_assert_eq(s->injects[0].objectives.n, 1, "prose is one objective, never one per word");
    cr_expect_str_eq(s->injects[0].objectives.v[0], "situational-assessment-and-information-sharing");
    cr_expect_str_eq(s->objectives[0].title, "Situational assessment and information sharing");
    cr_expect_eq(s->injects[0].classes.n, 2);
    cr_expect_eq(s->injects[1].to.n, 2);
    cr_expect_eq(s->injects[1].objectives.n, 2);
    cc_scenario_free(s);
    free(all);
    free(y);
    cc_diags_free(&d);
    /* references never contain spaces: an error that names the separator */
    const char *bad = P "1,+1h,T,control,usa-a kor-b,\"U//REL TO USA, KOR\",,\n";
    cr_expect_eq(import(bad, &o, &d, &y, &ylen), CC_ERR_INVALID);
    all = all_diags(&d);
    cr_expect(strstr(all,
                     "m.csv:2:5: error: column 'To': 'usa-a kor-b' is not one reference (references have no "
                     "spaces)\n  hint: separate references with ';' or a line break") != NULL,
              "%s", all);
    free(all);
    cc_diags_free(&d);
}

Test(msel, objective_titles_read_into_a_base)
{
    size_t blen;
    const char *path = "scenarios/ncg-policy-ttx.yaml";
    char *base = slurp(path, &blen);
    cc_msel_import_opts o = {.dates = -1, .into_file = path, .into_text = base, .into_len = blen, .merge = 1};
    const char *csv = "Inject #,Objective / Capability\n"
                      "I-02,share warning and assessment information with the ally promptly; O-consult\n";
    cc_diags d;
    char *y;
    size_t ylen;
    cr_assert_eq(import(csv, &o, &d, &y, &ylen), CC_OK, "%s", d.count ? d.items[0].message : "");
    cr_expect_eq(d.warnings, 0);
    cc_scenario *s = load_text(y, ylen, "titles.yaml");
    cr_assert_eq(s->injects[1].objectives.n, 2);
    cr_expect_str_eq(s->injects[1].objectives.v[0], "O-share");
    cr_expect_str_eq(s->injects[1].objectives.v[1], "O-consult");
    cc_scenario_free(s);
    free(y);
    cc_diags_free(&d);
    const char *csv2 = "Inject #,Objective / Capability\nI-02,Nothing like any objective\n";
    cr_expect_eq(import(csv2, &o, &d, &y, &ylen), CC_ERR_INVALID);
    char *all = all_diags(&d);
    cr_expect(strstr(all,
                     "m.csv:2:2: error: column 'Objective / Capability': no objective of "
                     "scenarios/ncg-policy-ttx.yaml is titled 'Nothing like any objective'\n  hint: write "
                     "objective ids separated by ';' (O-consult, O-share, O-protect") != NULL,
              "%s", all);
    free(all);
    cc_diags_free(&d);
    free(base);
}

Test(msel, merge_keeps_every_field_the_sheet_does_not_carry)
{
    size_t blen;
    const char *path = "scenarios/ncg-interagency-sim.yaml";
    char *base = slurp(path, &blen);
    cc_scenario *a = load_text(base, blen, path);
    int k = -1;
    for (size_t i = 0; i < a->ninjects && k < 0; i++)
        if (a->injects[i].classes.n == 1 && strcmp(a->injects[i].classes.v[0], "warning") == 0)
            k = (int)i;
    cr_assert_geq(k, 0);
    char csv[300];
    snprintf(csv, sizeof csv, "Inject #,Event Synopsis\n%s,A new synopsis only\n", a->injects[k].id);
    cc_msel_import_opts o = {.dates = -1, .into_file = path, .into_text = base, .into_len = blen, .merge = 1};
    cc_diags d;
    char *y;
    size_t ylen;
    cr_assert_eq(import(csv, &o, &d, &y, &ylen), CC_OK, "%s", d.count ? d.items[0].message : "");
    cc_scenario *b = load_text(y, ylen, "merged.yaml");
    cr_assert_eq(b->ninjects, a->ninjects);
    const cc_inject *A = &a->injects[k], *B = &b->injects[k];
    cr_expect_str_eq(B->title, "A new synopsis only");
    cr_assert_eq(B->classes.n, 1, "class: [warning] is kept");
    cr_expect_str_eq(B->classes.v[0], "warning");
    cr_expect(str_eq(A->body, B->body));
    cr_expect(str_eq(A->originator, B->originator));
    cr_expect_str_eq(A->label.text, B->label.text);
    cr_expect_eq(A->when.at_s, B->when.at_s);
    cr_expect_eq(A->channel, B->channel);
    cr_expect_eq(A->to.n, B->to.n);
    expect_strs_eq(&A->expected_actions, &B->expected_actions, "expected", A->id);
    expect_strs_eq(&A->objectives, &B->objectives, "objectives", A->id);
    cc_scenario_free(b);
    free(y);
    cc_diags_free(&d);
    /* a new inject in such a sheet lacks what it needs: said per row, with the missing column */
    const char *csv2 = "Inject #,Event Synopsis\nI-NEW,Nothing else\n";
    cr_expect_eq(import(csv2, &o, &d, &y, &ylen), CC_ERR_INVALID);
    char *all = all_diags(&d);
    cr_expect(
        strstr(
            all,
            "m.csv:2:0: error: inject 'I-NEW' is not in scenarios/ncg-interagency-sim.yaml, and the "
            "sheet has no column 'Label'\n  hint: add a column 'Label', or name only injects of the base") !=
            NULL,
        "%s", all);
    cr_expect(strstr(all, "no column 'To'") != NULL && strstr(all, "no column 'Scenario Time'") != NULL, "%s",
              all);
    free(all);
    cc_diags_free(&d);
    cc_scenario_free(a);
    free(base);
}

Test(msel, every_problem_in_one_pass_in_order)
{
    size_t blen;
    const char *path = "scenarios/ncg-policy-ttx.yaml";
    char *base = slurp(path, &blen);
    cc_msel_import_opts o = {.dates = -1, .into_file = path, .into_text = base, .into_len = blen, .merge = 1};
    /* row 2: a time that does not read; row 3: a seat typo; row 4: a party no scenario knows in the
       label and an unknown channel; row 5: a decision trigger on a decision that does not exist */
    const char *csv = "Inject #,Scenario Time,Event Synopsis,From,To,Label,Delivery Method,Trigger\n"
                      "X-1,+2q,Bad time,control,usa-chair,\"UNCLASSIFIED//REL TO USA, KOR\",,\n"
                      "X-2,+3h,Seat typo,control,usa-chiar,\"UNCLASSIFIED//REL TO USA, KOR\",,\n"
                      "X-3,+4h,Unknown party,control,usa-chair,\"UNCLASSIFIED//REL TO USA, JPN\",Pigeon,\n"
                      "X-4,,Bad trigger,control,usa-chair,\"UNCLASSIFIED//REL TO USA, KOR\",,decision D-9\n";
    cc_diags d;
    char *y;
    size_t ylen;
    cr_expect_eq(import(csv, &o, &d, &y, &ylen), CC_ERR_INVALID);
    char *all = all_diags(&d);
    static const char *const want[] = {
        "m.csv:2:2: error: column 'Scenario Time': cannot read '+2q' as a time: unknown duration unit 'q'",
        "m.csv:3:5: error: column 'To': inject 'X-2' refers to undefined seat 'usa-chiar'",
        "m.csv:4:6: error: column 'Label': inject label: unknown party or group 'JPN' in REL TO",
        "m.csv:4:7: error: column 'Delivery Method': unknown delivery method 'Pigeon'",
        "m.csv:5:8: error: column 'Trigger':",
    };
    const char *at = all;
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const char *p = strstr(at, want[i]);
        cr_expect_not_null(p, "missing or out of order: %s\nin:\n%s", want[i], all);
        if (p)
            at = p;
    }
    cr_expect_eq(d.errors, 5, "%s", all);
    free(all);
    cc_diags_free(&d);
    free(base);
}

Test(msel, relative_times_as_planners_write_them)
{
    size_t blen;
    const char *path = "scenarios/ncg-policy-ttx.yaml"; /* starts 2026-03-03T09:00:00+09:00 */
    char *base = slurp(path, &blen);
    cc_msel_import_opts o = {.dates = -1, .into_file = path, .into_text = base, .into_len = blen, .merge = 1};
    const char *csv = "Inject #,Scenario Time\nI-02,D+1 H+3\nI-03,+1d02:30\nI-04,Day 2 09:30\n"
                      "I-09,Day 1 08:00\n";
    cc_diags d;
    char *y;
    size_t ylen;
    cr_expect_eq(import(csv, &o, &d, &y, &ylen), CC_ERR_INVALID);
    char *all = all_diags(&d);
    cr_expect(strstr(all,
                     "m.csv:5:2: error: column 'Scenario Time': time 'Day 1 08:00' lies before the exercise "
                     "start 2026-03-03T09:00:00+09:00") != NULL,
              "%s", all);
    cr_expect_eq(d.errors, 1, "%s", all);
    free(all);
    cc_diags_free(&d);
    const char *good = "Inject #,Scenario Time\nI-02,D+1 H+3\nI-03,+1d02:30\nI-04,Day 2 09:30\n";
    cr_assert_eq(import(good, &o, &d, &y, &ylen), CC_OK, "%s", d.count ? d.items[0].message : "");
    cc_scenario *s = load_text(y, ylen, "times.yaml");
    cr_expect_eq(s->injects[1].when.at_s, 86400 + 3 * 3600);
    cr_expect_eq(s->injects[2].when.at_s, 86400 + 2 * 3600 + 1800);
    cr_expect_eq(s->injects[3].when.at_s, 86400 + 1800, "Day 2 09:30 Seoul time");
    cc_scenario_free(s);
    free(y);
    cc_diags_free(&d);
    free(base);
}

/* A sheet as a workbook gives it: a title row, a group header merged over two columns with its
 * sub-headers below, a section heading merged across the table, a controller merged down. */
Test(msel, workbook_layout_title_group_header_headings_and_merged_cells)
{
    static const char *const rows[][9] = {
        {"Policy TTX - Master Scenario Events List", "", "", "", "", "", "", "", ""},
        {"Inject #", "Scenario Time", "Event Synopsis", "To", "Label", "Delivery", "", "Controller", "Notes"},
        {"", "", "", "", "", "Method", "Time", "", ""},
        {"DAY 1", "", "", "", "", "", "", "", ""},
        {"1", "+1h", "First", "usa-a", "U//REL TO USA", "E-mail", "2026-03-03 10:00", "Kim", ""},
        {"2", "+2h", "Second", "usa-a", "U//REL TO USA", "Phone", "", "", "n"},
    };
    cc_csv *t = cc_csv_new();
    cr_assert_not_null(t);
    for (size_t r = 0; r < 6; r++) {
        size_t lens[9];
        for (size_t c = 0; c < 9; c++)
            lens[c] = strlen(rows[r][c]);
        cr_assert_eq(cc_csv_add_record(t, (int)r + 1, rows[r], lens, 9), CC_OK);
    }
    static const cc_xlsx_merge merges[] = {
        {1, 1, 0, 8}, /* title */
        {2, 2, 5, 6}, /* "Delivery" over Method and Time */
        {2, 3, 0, 0}, /* Inject # over both header rows */
        {4, 4, 0, 8}, /* DAY 1 */
        {5, 6, 7, 7}, /* Kim, for both injects */
    };
    cc_msel_import_opts o = {.dates = -1, .merges = merges, .nmerges = 5, .start = "2026-03-03T09:00:00Z"};
    cc_diags d;
    cc_diags_init(&d);
    cc_buf out;
    cc_buf_init(&out);
    cr_assert_eq(cc_msel_import_table(t, "book.xlsx[MSEL]", &o, &d, &out), CC_OK, "%s",
                 d.count ? d.items[0].message : "");
    cc_diags_sort(&d);
    char *all = all_diags(&d);
    cr_expect(
        strstr(all,
               "book.xlsx[MSEL]:1:0: note: rows 1 to 1 above the header row 2 are a title; not imported") !=
            NULL,
        "%s", all);
    cr_expect(strstr(all,
                     "book.xlsx[MSEL]:4:1: note: a section heading ('DAY 1', merged across the table); not "
                     "imported") != NULL,
              "%s", all);
    cr_expect_eq(d.errors + d.warnings, 0, "%s", all);
    cc_scenario *s = load_text(out.data, out.len, "book.yaml");
    cr_assert_eq(s->ninjects, 2);
    cr_expect_eq(s->injects[0].channel, CC_CH_EMAIL, "'Delivery Method' from the group header");
    cr_expect_eq(s->injects[1].channel, CC_CH_CALL);
    cr_expect_str_eq(s->injects[0].notes, "Controller: Kim");
    cr_expect_str_eq(s->injects[1].notes, "n\nController: Kim", "the merged controller covers row 6");
    cc_scenario_free(s);
    free(all);
    cc_diags_free(&d);
    cc_buf_free(&out);
    cc_csv_free(t);
}

/* A language column's header: a text column's header or key, '@', a language tag. */
Test(msel, language_column_headers)
{
    static const struct {
        const char *h;
        int col;
        const char *tag;
    } cases[] = {
        {"Event Synopsis@ko", CC_MSEL_TITLE, "ko"},
        {"body@pt-BR", CC_MSEL_BODY, "pt-BR"},
        {"Expected Action@ko ", CC_MSEL_EXPECTED, "ko"},
        {"Notes@zh-Hant", CC_MSEL_NOTES, "zh-Hant"},
        {"From@ko", -1, NULL},
        {"Notes@", -1, NULL},
        {"Notes@korean", -1, NULL},
        {"Event Synopsis", -1, NULL},
        {"user@example.org", -1, NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char tag[36] = "";
        int c = cc_msel_lang_header(cases[i].h, strlen(cases[i].h), tag, sizeof tag);
        cr_expect_eq(c, cases[i].col, "'%s': column %d", cases[i].h, c);
        if (cases[i].tag)
            cr_expect_str_eq(tag, cases[i].tag, "'%s'", cases[i].h);
    }
    cr_expect_eq(cc_msel_text_index(CC_MSEL_FROM), -1);
    cr_expect_eq(cc_msel_text_cols[cc_msel_text_index(CC_MSEL_NOTES)], CC_MSEL_NOTES);
}

/* ---- trigger delays drawn from a distribution (docs/msel.md, "A delay drawn from a distribution") */

#define HEALTH "tests/scenarios/valid/health-council-drawn.yaml"

/* text with its one occurrence of from replaced by to (malloc'd) */
static char *replace_once(const char *text, const char *from, const char *to)
{
    const char *p = strstr(text, from);
    cr_assert_not_null(p, "'%s' not found", from);
    cr_assert_null(strstr(p + 1, from), "'%s' found twice", from);
    size_t n = strlen(text) - strlen(from) + strlen(to) + 1;
    char *r = malloc(n);
    cr_assert_not_null(r);
    snprintf(r, n, "%.*s%s%s", (int)(p - text), text, to, p + strlen(from));
    return r;
}

/* The worked example of docs/msel.md: the health council's drawn delays through CSV and workbook
 * and back give the scenario's bytes; an edited cell is read in any form and written in one. */
Test(msel, drawn_delays_round_trip_byte_for_byte_and_read_edits, .timeout = 30)
{
    size_t blen;
    char *base = slurp(HEALTH, &blen);
    cc_scenario *a = load_text(base, blen, HEALTH);
    cc_msel *m = NULL;
    cr_assert_eq(cc_msel_export(a, &m), CC_OK);
    /* row 6 of the sheet (index 4) is H-05: its trigger and its delay as the scenario writes it */
    cr_expect_str_eq(cc_msel_cell(m, 4, CC_MSEL_ID), "H-05");
    cr_expect_str_eq(cc_msel_cell(m, 4, CC_MSEL_TRIGGER), "after H-04");
    cr_expect_str_eq(cc_msel_cell(m, 4, CC_MSEL_DELAY), "{dist: lognormal, median: 20m, sigma: 0.5}");
    cr_expect_str_eq(cc_msel_cell(m, 1, CC_MSEL_DELAY), "{dist: fixed, value: 45m}");
    cr_expect_str_eq(cc_msel_cell(m, 7, CC_MSEL_DELAY), "{dist: empirical, values: [10m, 20m, 20m, 1h15m]}");
    cr_expect_str_eq(cc_msel_cell(m, 8, CC_MSEL_DELAY), "30m"); /* a fixed delay stays a duration */
    cr_expect_str_eq(cc_msel_cell(m, 9, CC_MSEL_DELAY), "{dist: lognormal, median: 1h, sigma: 0.35}");
    /* through the workbook: the same bytes */
    char path[96], why[300];
    snprintf(path, sizeof path, "/tmp/caucus-test-msel-drawn-%ld.xlsx", (long)getpid());
    cr_assert_eq(cc_msel_write_xlsx(m, path, why, sizeof why), CC_OK, "%s", why);
    cc_msel_free(m);
    size_t xlen;
    char *xb = slurp(path, &xlen);
    remove(path);
    cc_diags d;
    cc_diags_init(&d);
    cc_xlsx *x = NULL;
    cc_csv *t = NULL;
    cr_assert_eq(cc_xlsx_open(xb, xlen, "h.xlsx", &d, &x), CC_OK);
    cr_assert_eq(cc_xlsx_read_sheet(x, 0, &d, &t, NULL, NULL), CC_OK);
    cc_msel_import_opts o = {.dates = -1, .into_file = HEALTH, .into_text = base, .into_len = blen};
    cc_buf out;
    cc_buf_init(&out);
    cr_assert_eq(cc_msel_import_table(t, "h.xlsx[MSEL]", &o, &d, &out), CC_OK, "%s",
                 d.count ? d.items[0].message : "");
    cr_expect(out.len == blen && memcmp(out.data, base, blen) == 0, "workbook round trip differs");
    cc_buf_free(&out);
    cc_csv_free(t);
    cc_xlsx_free(x);
    free(xb);
    cc_diags_free(&d);
    /* through CSV: the same bytes */
    size_t clen;
    char *csv = export_csv(a, ';', &clen);
    char *y;
    size_t ylen;
    cr_assert_eq(import(csv, &o, &d, &y, &ylen), CC_OK, "%s", d.count ? d.items[0].message : "");
    cr_expect(ylen == blen && memcmp(y, base, blen) == 0, "CSV round trip differs");
    free(y);
    cc_diags_free(&d);
    /* H-04's delay edited to 3600 s, in the Delay cell, in the Trigger cell, in the trigger's YAML
     * flow form: each gives the base with that one line changed (3600 s = 1h) */
    const char *from = "trigger: {after: \"H-03\", delay: {dist: exponential, mean: 40m}}";
    char *want = replace_once(base, from, "trigger: {after: \"H-03\", delay: {dist: exponential, mean: 1h}}");
    static const char *const edits[][2] = {
        {"after H-03;{dist: exponential, mean: 40m}", "after H-03;{dist: exponential, mean: 3600s}"},
        {"after H-03;{dist: exponential, mean: 40m}", "after H-03 delay {dist: exponential, mean: 3600s};"},
        {"after H-03;{dist: exponential, mean: 40m}",
         "{after: H-03, delay: {dist: exponential, mean: 3600s}};"},
    };
    for (size_t i = 0; i < sizeof edits / sizeof edits[0]; i++) {
        char *ed = replace_once(csv, edits[i][0], edits[i][1]);
        cr_assert_eq(import(ed, &o, &d, &y, &ylen), CC_OK, "%s: %s", edits[i][1],
                     d.count ? d.items[0].message : "");
        cr_expect(ylen == strlen(want) && memcmp(y, want, ylen) == 0, "%s: %.*s", edits[i][1], (int)ylen, y);
        free(y);
        cc_diags_free(&d);
        free(ed);
    }
    /* --merge of a sheet without a Delay column keeps every base delay, drawn or not */
    o.merge = 1;
    cr_assert_eq(import("Inject #,Event Synopsis\nH-05,Ferry staffing note\n", &o, &d, &y, &ylen), CC_OK,
                 "%s", d.count ? d.items[0].message : "");
    char *merged =
        replace_once(base, "title: \"Calder Isles ferry staffing note\"", "title: \"Ferry staffing note\"");
    cr_expect(ylen == strlen(merged) && memcmp(y, merged, ylen) == 0, "merge: %.*s", (int)ylen, y);
    free(merged);
    free(y);
    cc_diags_free(&d);
    /* the docs' error: H-06's shape set to zero, reported at row 7, column 15 (Delay); nothing written */
    o.merge = 0;
    free(csv);
    csv = export_csv(a, ',', &clen);
    char *ed =
        replace_once(csv, "{dist: gamma, shape: 1.7, scale: 12m}", "{dist: gamma, shape: 0, scale: 12m}");
    cr_expect_eq(import(ed, &o, &d, &y, &ylen), CC_ERR_INVALID);
    cr_expect_null(y);
    cr_assert_eq(d.errors, 1);
    char buf[600];
    cc_diag_format(&d.items[0], buf, sizeof buf);
    cr_expect_str_eq(
        buf, "m.csv:7:15: error: column 'Delay': the delay: gamma shape must be greater than zero, in "
             "'{dist: gamma, shape: 0, scale: 12m}'");
    cc_diags_free(&d);
    free(ed);
    free(want);
    free(csv);
    cc_scenario_free(a);
    free(base);
}

/* Without a base: a minimal scenario keeps drawn delays of 'after' triggers. */
Test(msel, drawn_delays_in_a_minimal_scenario)
{
    const char *csv = H "1,+1h,T,control,usa-a,U//REL TO USA,,,,\n"
                        "2,,T,control,usa-a,U//REL TO USA,after 1,\"{dist: triangular, min: 5m, mode: 10m, "
                        "max: 20m}\",,\n";
    cc_msel_import_opts o = {.dates = -1};
    cc_diags d;
    char *y;
    size_t ylen;
    cr_assert_eq(import(csv, &o, &d, &y, &ylen), CC_OK, "%s", d.count ? d.items[0].message : "");
    cr_expect(
        strstr(y, "    trigger: {after: \"1\", delay: {dist: triangular, min: 5m, mode: 10m, max: 20m}}\n") !=
            NULL,
        "%s", y);
    cc_scenario *s = load_text(y, ylen, "min.yaml");
    cr_assert_eq(s->ninjects, 2);
    const cc_when *w = &s->injects[1].when;
    cr_expect(w->delay_drawn);
    cr_expect_eq(w->delay_dist.kind, CC_DIST_TRIANGULAR);
    cr_expect(w->delay_dist.a == 300 && w->delay_dist.b == 600 && w->delay_dist.c == 1200);
    cc_scenario_free(s);
    free(y);
    cc_diags_free(&d);
}
