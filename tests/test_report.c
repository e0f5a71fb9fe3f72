/* Tests of report/: the after-action report document built from engine logs (sections,
 * figures checked against the log itself, per-seat filtering, banners), every refusal
 * (missing, broken, truncated log; wrong scenario; unknown seat), escaping in HTML and
 * Markdown, RFC 4180 CSV, determinism, and the simulation report. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/engine.h"
#include "core/scenario_model.h"
#include "io/scenario_load.h"
#include "core/verify.h"
#include "io/plines.h"
#include "report/report.h"
#include "sim/sim.h"
#include "support/evtest.h"
#include "support/tmpfile.h"

static cc_scenario *load(const char *path)
{
    cc_diags d;
    cc_diags_init(&d);
    cc_scenario *s = NULL;
    cc_err rc = cc_scenario_load_file(path, NULL, &d, &s);
    cc_diags_free(&d);
    cr_assert_eq(rc, CC_OK, "%s does not load", path);
    return s;
}

static int to_file(void *ctx, const char *line, size_t len)
{
    return fwrite(line, 1, len, (FILE *)ctx) == len ? 0 : -1;
}

/* Runs scenario s with every agent seat automated into a temporary log; returns its path
 * (malloc'd). */
static char *run_log(const cc_scenario *s, const char *source, uint64_t seed)
{
    char *path = strdup("/tmp/caucus-test-report-XXXXXX");
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    FILE *f = fdopen(fd, "wb");
    uint8_t *autos = calloc(s->nseats + 1, 1);
    for (size_t i = 0; i < s->nseats; i++)
        autos[i] = s->seats[i].agent != NULL;
    cc_engine_opts o = {.seed = seed, .variant = -1, .source = source, .auto_seats = autos};
    cc_engine *e;
    cr_assert_eq(cc_engine_new(s, &o, to_file, f, &e), CC_OK);
    cr_assert_eq(cc_engine_start(e), CC_OK);
    cr_assert_eq(cc_engine_run_until(e, s->duration_s * 1000), CC_OK);
    cc_engine_free(e);
    free(autos);
    fclose(f);
    return path;
}

/* The log's lines, for checking figures against it. */
typedef struct lines {
    json_t **v;
    size_t n;
} lines;

static lines read_lines(const char *path)
{
    lines l = {NULL, 0};
    FILE *f = fopen(path, "rb");
    cr_assert(f);
    char *buf = NULL;
    size_t cap = 0;
    ssize_t n;
    while ((n = getline(&buf, &cap, f)) > 0) {
        l.v = realloc(l.v, (l.n + 1) * sizeof *l.v);
        l.v[l.n++] = json_loads(buf, 0, NULL);
    }
    free(buf);
    fclose(f);
    return l;
}

static void lines_free(lines *l)
{
    for (size_t i = 0; i < l->n; i++)
        json_decref(l->v[i]);
    free(l->v);
}

static const json_t *section(const json_t *doc, const char *id)
{
    size_t i;
    json_t *s;
    json_array_foreach(json_object_get(doc, "sections"), i, s)
    {
        if (strcmp(json_string_value(json_object_get(s, "id")), id) == 0)
            return s;
    }
    return NULL;
}

static const json_t *tab(const json_t *doc, const char *sec, const char *id)
{
    size_t i;
    json_t *t;
    json_array_foreach(json_object_get(section(doc, sec), "tables"), i, t)
    {
        if (strcmp(json_string_value(json_object_get(t, "id")), id) == 0)
            return json_object_get(t, "rows");
    }
    return NULL;
}

static const char *fact(const json_t *doc, const char *sec, const char *key)
{
    size_t i;
    json_t *f;
    json_array_foreach(json_object_get(section(doc, sec), "facts"), i, f)
    {
        if (strcmp(json_string_value(json_array_get(f, 0)), key) == 0)
            return json_string_value(json_array_get(f, 1));
    }
    return NULL;
}

static json_t *build(const char *log, const cc_scenario *s, const char *seat, cc_err want, const char *msg)
{
    cc_diags d;
    cc_diags_init(&d);
    json_t *doc = NULL;
    cc_err rc = cc_report_from_log(log, s, seat, &d, &doc);
    cr_assert_eq(rc, want, "got %s (%s)", cc_err_str(rc), d.count ? d.items[0].message : "");
    if (msg) {
        cr_assert(d.count > 0);
        cr_expect(strstr(d.items[0].message, msg), "'%s' lacks '%s'", d.items[0].message, msg);
    }
    cc_diags_free(&d);
    return doc;
}

/* The log of scen run with the inputs file and the seats flagged in autos on their agents, written
 * to a new temporary file named from path (a mkstemp template, completed in place). */
static void inputs_log(const char *scen, const char *inputs, const unsigned char *autos, char *path)
{
    cc_buf log;
    cc_buf_init(&log);
    ev_log_inputs(scen, inputs, autos, &log);
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    cr_assert_eq(write(fd, log.data, log.len), (ssize_t)log.len);
    close(fd);
    cc_buf_free(&log);
}

Test(report, control_view_sections_match_the_log)
{
    cc_scenario *s = load("scenarios/ncg-interagency-sim.yaml");
    char *log = run_log(s, "scenarios/ncg-interagency-sim.yaml", 3); /* a run with a missed guideline */
    json_t *doc = build(log, s, NULL, CC_OK, NULL);
    /* HSEEP order, the integrity data in an appendix (docs/report.md) */
    static const char *const ids[] = {"overview",      "summary",   "objectives",  "timeline",
                                      "consultations", "knowledge", "compliance",  "decisions",
                                      "feedback",      "scoring",   "improvement", "integrity"};
    cr_assert_eq(json_array_size(json_object_get(doc, "sections")), 12);
    for (size_t i = 0; i < 12; i++) {
        const json_t *sec = json_array_get(json_object_get(doc, "sections"), i);
        cr_expect_str_eq(json_string_value(json_object_get(sec, "id")), ids[i]);
        cr_expect(strlen(json_string_value(json_object_get(sec, "banner"))) > 0);
    }
    lines l = read_lines(log);
    const json_t *last = l.v[l.n - 1];
    cr_expect_str_eq(fact(doc, "integrity", "Final event hash"),
                     json_string_value(json_object_get(last, "hash")));
    cr_expect_str_eq(json_string_value(json_object_get(doc, "log_hash")),
                     json_string_value(json_object_get(last, "hash")));
    cr_expect_str_eq(fact(doc, "integrity", "Seed"), "3");
    cr_expect_str_eq(fact(doc, "integrity", "Scenario file (as recorded)"), "ncg-interagency-sim.yaml");
    /* every finding of the log is listed, with its guideline and result */
    size_t nfind = 0, nrel = 0, nstage = 0;
    for (size_t i = 0; i < l.n; i++) {
        const char *ty = json_string_value(json_object_get(l.v[i], "type"));
        nfind += strcmp(ty, "finding") == 0;
        nrel += strcmp(ty, "inject.release") == 0;
        nstage += strcmp(ty, "consult.stage") == 0;
    }
    cr_assert(nfind > 0);
    cr_expect_eq(json_array_size(tab(doc, "compliance", "findings")), nfind);
    cr_expect_eq(json_array_size(tab(doc, "knowledge", "injects")), nrel);
    cr_expect_eq(json_array_size(tab(doc, "consultations", "stages")), nstage);
    size_t k;
    json_t *row;
    json_array_foreach(tab(doc, "compliance", "findings"), k, row)
    {
        json_int_t seq = json_integer_value(json_array_get(row, 0));
        const json_t *ev = l.v[seq];
        cr_expect_str_eq(json_string_value(json_object_get(ev, "type")), "finding");
        const json_t *p = json_object_get(ev, "payload");
        cr_expect_str_eq(json_string_value(json_array_get(row, 2)),
                         json_string_value(json_object_get(p, "guideline")));
        cr_expect_str_eq(json_string_value(json_array_get(row, 3)),
                         json_string_value(json_object_get(p, "result")));
    }
    /* a missed guideline becomes an open improvement-plan row with empty owner fields */
    bool missed = false;
    json_array_foreach(tab(doc, "compliance", "guidelines"), k, row)
    {
        missed |= json_integer_value(json_array_get(row, 4)) > 0;
    }
    cr_assert(missed);
    const json_t *plan = tab(doc, "improvement", "plan");
    cr_assert(json_array_size(plan) > 0);
    json_array_foreach(plan, k, row)
    {
        cr_expect_eq(json_array_size(row), 9);
        cr_expect_str_eq(json_string_value(json_array_get(row, 4)), "");
        cr_expect_str_eq(json_string_value(json_array_get(row, 5)), "");
        cr_expect_str_eq(json_string_value(json_array_get(row, 8)), "open");
    }
    /* the decision made is reported with its outcome */
    bool decided = false;
    for (size_t i = 0; i < l.n; i++)
        if (strcmp(json_string_value(json_object_get(l.v[i], "type")), "decision.made") == 0) {
            const json_t *p = json_object_get(l.v[i], "payload");
            json_array_foreach(tab(doc, "decisions", "decisions"), k, row)
            {
                if (strcmp(json_string_value(json_array_get(row, 0)),
                           json_string_value(json_object_get(p, "decision"))) != 0)
                    continue;
                cr_expect_str_eq(json_string_value(json_array_get(row, 6)),
                                 json_string_value(json_object_get(p, "outcome")));
                decided = true;
            }
        }
    cr_expect(decided);
    const json_t *tl = json_object_get(section(doc, "timeline"), "timeline");
    cr_expect_eq(json_array_size(json_object_get(tl, "lanes")), s->nparties);
    cr_expect(json_array_size(json_object_get(tl, "marks")) > 0);
    cr_expect(strstr(json_string_value(json_object_get(section(doc, "timeline"), "svg")), "<svg") != NULL);
    lines_free(&l);
    json_decref(doc);
    unlink(log);
    free(log);
    cc_scenario_free(s);
}

/* For every seat: each inject, decision and consultation listed was delivered to it, and
 * each section's banner is readable by it. */
Test(report, seat_view_holds_only_what_the_seat_received)
{
    cc_scenario *s = load("scenarios/ncg-policy-ttx.yaml");
    char *log = run_log(s, "scenarios/ncg-policy-ttx.yaml", 3);
    lines l = read_lines(log);
    size_t checked = 0, omitted = 0;
    for (size_t si = 0; si < s->nseats; si++) {
        const char *seat = s->seats[si].id;
        json_t *doc = build(log, s, seat, CC_OK, NULL);
        cr_assert(doc);
        cr_expect_str_eq(json_string_value(json_object_get(json_object_get(doc, "view"), "seat")), seat);
        size_t k;
        json_t *row;
        json_array_foreach(tab(doc, "knowledge", "injects"), k, row)
        {
            const char *id = json_string_value(json_array_get(row, 0));
            bool got = false;
            for (size_t i = 0; i < l.n && !got; i++) {
                const json_t *p = json_object_get(l.v[i], "payload");
                got = strcmp(json_string_value(json_object_get(l.v[i], "type")), "delivery") == 0 &&
                      strcmp(json_string_value(json_object_get(p, "item")), id) == 0 &&
                      strcmp(json_string_value(json_object_get(p, "seat")), seat) == 0;
            }
            cr_expect(got, "%s sees %s it was not delivered", seat, id);
            checked++;
        }
        size_t released = 0;
        for (size_t i = 0; i < l.n; i++)
            released += strcmp(json_string_value(json_object_get(l.v[i], "type")), "inject.release") == 0;
        omitted += released - json_array_size(tab(doc, "knowledge", "injects"));
        json_array_foreach(tab(doc, "decisions", "decisions"), k, row)
        {
            const char *id = json_string_value(json_array_get(row, 0));
            bool got = false;
            for (size_t i = 0; i < l.n && !got; i++) {
                const json_t *p = json_object_get(l.v[i], "payload");
                got = strcmp(json_string_value(json_object_get(l.v[i], "type")), "delivery") == 0 &&
                      strcmp(json_string_value(json_object_get(p, "item")), id) == 0 &&
                      strcmp(json_string_value(json_object_get(p, "seat")), seat) == 0;
            }
            cr_expect(got, "%s sees decision %s", seat, id);
        }
        /* every banner parses and the seat's clearance permits it */
        json_array_foreach(json_object_get(doc, "sections"), k, row)
        {
            const char *b = json_string_value(json_object_get(row, "banner"));
            cc_label lab;
            cr_assert_eq(cc_label_parse(s->policy, b, strlen(b), s->seats[si].party_index, &lab, NULL), CC_OK,
                         "%s", b);
            cr_expect(cc_label_permits(&lab, &s->seats[si].clearance), "%s may not read its own banner %s",
                      seat, b);
        }
        json_decref(doc);
    }
    cr_expect(checked > 0);
    cr_expect(omitted > 0, "some seat misses some inject in this sample");
    lines_free(&l);
    unlink(log);
    free(log);
    cc_scenario_free(s);
}

/* Every section banner and the document banner of every seat's report, for every seat of every
 * sample scenario, parses under the scenario's policy and is readable by that seat. */
Test(report, every_seat_of_every_sample_can_read_its_banners)
{
    static const char *const samples[] = {"scenarios/ncg-policy-ttx.yaml", "scenarios/ncg-mil-ttx.yaml",
                                          "scenarios/ncg-interagency-sim.yaml"};
    size_t seats = 0, banners = 0;
    for (size_t n = 0; n < sizeof samples / sizeof samples[0]; n++) {
        cc_scenario *s = load(samples[n]);
        char *log = run_log(s, samples[n], 7);
        for (size_t si = 0; si < s->nseats; si++) {
            json_t *doc = build(log, s, s->seats[si].id, CC_OK, NULL);
            cr_assert(doc);
            seats++;
            size_t k;
            json_t *sec;
            json_array_foreach(json_object_get(doc, "sections"), k, sec)
            {
                const char *b = json_string_value(json_object_get(sec, "banner"));
                cc_label lab;
                cr_assert_eq(cc_label_parse(s->policy, b, strlen(b), s->seats[si].party_index, &lab, NULL), CC_OK,
                             "%s: %s: %s", samples[n], s->seats[si].id, b);
                cr_expect(cc_label_permits(&lab, &s->seats[si].clearance), "%s: %s may not read its banner %s",
                          samples[n], s->seats[si].id, b);
                banners++;
            }
            const char *b = json_string_value(json_object_get(doc, "banner"));
            cc_label lab;
            cr_assert_eq(cc_label_parse(s->policy, b, strlen(b), s->seats[si].party_index, &lab, NULL), CC_OK,
                         "%s", b);
            cr_expect(cc_label_permits(&lab, &s->seats[si].clearance), "%s: document banner %s", s->seats[si].id, b);
            json_decref(doc);
        }
        unlink(log);
        free(log);
        cc_scenario_free(s);
    }
    cr_expect_geq(seats, 40);
    cr_expect_geq(banners, 8 * seats);
}

/* The overview's Merkle tree is the one caucus verify computes over the same log. */
Test(report, merkle_root_is_the_one_verify_computes)
{
    cc_scenario *s = load("scenarios/ncg-policy-ttx.yaml");
    char *log = run_log(s, "scenarios/ncg-policy-ttx.yaml", 5);
    json_t *doc = build(log, s, NULL, CC_OK, NULL);
    cr_assert(doc);
    cc_verify *v = NULL;
    cr_assert_eq(cc_verify_new(&v), CC_OK);
    FILE *f = fopen(log, "rb");
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    while ((n = getline(&line, &cap, f)) > 0)
        cc_verify_line(v, line, (size_t)n - 1, 1);
    free(line);
    fclose(f);
    cc_verify_result res;
    cc_verify_finish(v, &res);
    cr_assert_eq(res.bad, 0, "%s", res.why);
    const json_t *m = json_object_get(doc, "merkle");
    cr_expect_str_eq(json_string_value(json_object_get(m, "root")), res.root);
    cr_expect_eq((uint64_t)json_integer_value(json_object_get(m, "size")), res.events);
    cr_expect_null(json_object_get(doc, "checkpoint"));
    cr_expect(cc_report_checkpoint_ok(doc));
    cc_verify_free(v);
    json_decref(doc);
    unlink(log);
    free(log);
    cc_scenario_free(s);
}

static char *copy_with(const char *log, size_t line, const char *from, const char *to, int drop_last)
{
    lines l = read_lines(log);
    char *out = strdup("/tmp/caucus-test-report-XXXXXX");
    int fd = mkstemp(out);
    FILE *f = fdopen(fd, "wb");
    FILE *in = fopen(log, "rb");
    char *buf = NULL;
    size_t cap = 0;
    ssize_t n;
    size_t i = 0;
    while ((n = getline(&buf, &cap, in)) > 0) {
        i++;
        if (drop_last && i == l.n)
            break;
        if (i == line && from) {
            char *p = strstr(buf, from);
            cr_assert(p, "line %zu lacks %s", line, from);
            fwrite(buf, 1, (size_t)(p - buf), f);
            fputs(to, f);
            fputs(p + strlen(from), f);
        } else {
            fwrite(buf, 1, (size_t)n, f);
        }
    }
    free(buf);
    fclose(in);
    fclose(f);
    lines_free(&l);
    return out;
}

Test(report, refuses_broken_logs_with_the_line_and_why)
{
    cc_scenario *s = load("scenarios/ncg-policy-ttx.yaml");
    char *log = run_log(s, "scenarios/ncg-policy-ttx.yaml", 1);
    /* a flipped byte in line 5 */
    char *bad = copy_with(log, 5, "\"seq\":4", "\"seq\":5", 0);
    cc_diags d;
    cc_diags_init(&d);
    json_t *doc = NULL;
    cr_expect_eq(cc_report_from_log(bad, s, NULL, &d, &doc), CC_ERR_PARSE);
    cr_expect_null(doc);
    cr_assert(d.count > 0);
    cr_expect_eq(d.items[0].line, 5);
    cr_expect(strstr(d.items[0].message, "hash") != NULL, "%s", d.items[0].message);
    cc_diags_free(&d);
    unlink(bad);
    free(bad);
    /* truncated: run.end missing */
    bad = copy_with(log, 0, NULL, NULL, 1);
    json_decref(build(bad, s, NULL, CC_ERR_PARSE, "truncated"));
    unlink(bad);
    free(bad);
    /* missing file */
    json_decref(build("/nonexistent/caucus.jsonl", s, NULL, CC_ERR_IO, "cannot open"));
    /* unknown seat */
    json_decref(build(log, s, "usa-chiar", CC_ERR_NOTFOUND, "no seat 'usa-chiar'"));
    /* the wrong scenario */
    cc_scenario *other = load("scenarios/ncg-mil-ttx.yaml");
    json_decref(build(log, other, NULL, CC_ERR_INVALID, "was run on scenario ncg-policy-ttx"));
    cc_scenario_free(other);
    /* the first event names the scenario */
    cc_report_start st;
    cc_diags_init(&d);
    cr_expect_eq(cc_report_log_start(log, &st, &d), CC_OK);
    cr_expect_str_eq(st.scenario_id, "ncg-policy-ttx");
    cr_expect_str_eq(st.source, "scenarios/ncg-policy-ttx.yaml");
    char hx[65];
    cc_scenario_hash_hex(s, hx);
    cr_expect_str_eq(st.scenario_hash, hx);
    cr_expect_eq(cc_report_log_start("/nonexistent/x", &st, &d), CC_ERR_IO);
    cc_diags_free(&d);
    unlink(log);
    free(log);
    cc_scenario_free(s);
}

Test(report, same_log_same_bytes)
{
    cc_scenario *s = load("scenarios/ncg-mil-ttx.yaml");
    char *log = run_log(s, "scenarios/ncg-mil-ttx.yaml", 2);
    json_t *a = build(log, s, NULL, CC_OK, NULL), *b = build(log, s, NULL, CC_OK, NULL);
    cc_buf x, y;
    cc_buf_init(&x);
    cc_buf_init(&y);
    cr_assert_eq(cc_report_html(a, cc_scenario_policy(s), &x), CC_OK);
    cr_assert_eq(cc_report_html(b, cc_scenario_policy(s), &y), CC_OK);
    cr_expect_eq(x.len, y.len);
    cr_expect_eq(memcmp(x.data, y.data, x.len), 0);
    cr_expect(strstr(x.data, "@page") && strstr(x.data, "<svg") && !strstr(x.data, "<script"));
    cr_expect(!strstr(x.data, "src=\"http") && !strstr(x.data, "href=\"http"), "no external asset");
    cc_buf_free(&x);
    cc_buf_free(&y);
    json_decref(a);
    json_decref(b);
    unlink(log);
    free(log);
    cc_scenario_free(s);
}

static json_t *hostile_doc(void)
{
    const char *evil = "<script>alert(1)</script> & \"q\" 'a' | *b* _c_ [d](e) `f` \\g\nline";
    return json_pack("{s:s,s:s,s:s,s:[{s:s,s:s,s:s,s:[s],s:[[s,s]],s:[{s:s,s:s,s:[s,s],s:[[s,i]]}]}]}",
                     "title", evil, "banner", "SECRET//REL TO KOR, USA", "kind", "aar", "sections", "id",
                     "s1", "title", evil, "banner", "UNCLASSIFIED", "intro", evil, "facts", "k", evil,
                     "tables", "id", "t1", "title", "T", "columns", "a", "b", "rows", evil, 7);
}

Test(report, html_and_markdown_escape_everything)
{
    json_t *doc = hostile_doc();
    cc_buf h, m;
    cc_buf_init(&h);
    cc_buf_init(&m);
    cc_label_policy *pol = NULL;
    cr_assert_eq(cc_label_policy_new("p", &pol), CC_OK);
    cr_assert_eq(cc_label_policy_add_class(pol, "UNCLASSIFIED", "U", NULL), CC_OK);
    cr_assert_eq(cc_label_policy_add_class(pol, "SECRET", "S", NULL), CC_OK);
    cr_assert_eq(cc_report_html(doc, pol, &h), CC_OK);
    cr_assert_eq(cc_report_md(doc, &m), CC_OK);
    cr_expect_null(strstr(h.data, "<script"));
    cr_expect(strstr(h.data, "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;q&quot; &#39;a&#39;") !=
              NULL);
    cr_expect(strstr(h.data, "class=\"banner b-s\"") && strstr(h.data, "class=\"banner b-u\""));
    /* the styles are the policy's: SECRET shown as top secret, and without a policy as unknown */
    cr_assert_eq(cc_label_policy_set_class_style(pol, 1, CC_LABEL_STYLE_TOP_SECRET), CC_OK);
    cc_buf h2;
    cc_buf_init(&h2);
    cr_assert_eq(cc_report_html(doc, pol, &h2), CC_OK);
    cr_expect(strstr(h2.data, "class=\"banner b-ts\"") && !strstr(h2.data, "b-s\"") &&
              strstr(h2.data, "background:#ff8c00;color:#000"));
    cc_buf_reset(&h2);
    cr_assert_eq(cc_report_html(doc, NULL, &h2), CC_OK);
    cr_expect(strstr(h2.data, "class=\"banner b-x\"") && !strstr(h2.data, "b-s\"") &&
              !strstr(h2.data, "b-u\""));
    cc_buf_free(&h2);
    cc_label_policy_free(pol);
    cr_expect_null(strstr(m.data, "<script"));
    cr_expect(strstr(m.data, "&lt;script&gt;") != NULL);
    cr_expect(strstr(m.data, "\\| \\*b\\* \\_c\\_ \\[d\\](e) \\`f\\` \\\\g<br>line") != NULL, "%s", m.data);
    cc_buf_free(&h);
    cc_buf_free(&m);
    json_decref(doc);
    cc_buf j;
    cc_buf_init(&j);
    cr_expect_eq(cc_report_html(NULL, NULL, &j), CC_ERR_ARG);
    json_t *str = json_string("x");
    cr_expect_eq(cc_report_md(str, &j), CC_ERR_ARG);
    json_decref(str);
    cc_buf_free(&j);
}

typedef struct files {
    char names[64][64];
    char *data[64];
    size_t n;
    int fail_at;
} files;

static int sink(void *ctx, const char *name, const char *data, size_t len)
{
    files *f = ctx;
    if ((int)f->n == f->fail_at)
        return -1;
    snprintf(f->names[f->n], sizeof f->names[0], "%s", name);
    f->data[f->n] = strndup(data, len);
    f->n++;
    return 0;
}

Test(report, csv_is_rfc4180)
{
    cc_buf b;
    cc_buf_init(&b);
    cc_report_csv_field(&b, "plain");
    cc_buf_putc(&b, ',');
    cc_report_csv_field(&b, "a,b");
    cc_buf_putc(&b, ',');
    cc_report_csv_field(&b, "say \"hi\"");
    cc_buf_putc(&b, ',');
    cc_report_csv_field(&b, "two\r\nlines");
    cc_buf_putc(&b, ',');
    cc_report_csv_field(&b, "");
    cr_expect_str_eq(b.data, "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\r\nlines\",");
    cc_buf_free(&b);
    json_t *doc = hostile_doc();
    files f = {.fail_at = -1};
    cr_assert_eq(cc_report_csv(doc, sink, &f), CC_OK);
    cr_assert_eq(f.n, 3);
    cr_expect_str_eq(f.names[0], "s1-facts.csv");
    cr_expect_str_eq(f.names[1], "s1-t1.csv");
    cr_expect_str_eq(f.names[2], "banners.csv");
    cr_expect_str_eq(
        f.data[1],
        "a,b\r\n\"<script>alert(1)</script> & \"\"q\"\" 'a' | *b* _c_ [d](e) `f` \\g\nline\",7\r\n");
    cr_expect(strstr(f.data[2], "s1-t1.csv,s1,t1,T,UNCLASSIFIED\r\n") != NULL, "%s", f.data[2]);
    for (size_t i = 0; i < f.n; i++)
        free(f.data[i]);
    files g = {.fail_at = 1};
    cr_expect_eq(cc_report_csv(doc, sink, &g), CC_ERR_IO);
    for (size_t i = 0; i < g.n; i++)
        free(g.data[i]);
    json_decref(doc);
}

Test(report, simulation_result_with_and_without_rerun)
{
    cc_scenario *s = load("scenarios/ncg-interagency-sim.yaml");
    cc_sim_opts o = {.seed = 4, .reps = 40, .threads = 2};
    cc_sim *r;
    cr_assert_eq(cc_sim_run(s, &o, &r), CC_OK);
    /* the file caucus sim --json writes */
    json_t *root = cc_report_sim_result(r, "ncg-interagency-sim", 4);
    cr_assert_not_null(root);
    json_t *vars = json_object_get(root, "variants");
    cr_expect_eq(json_array_size(json_object_get(root, "differences")), 3 * cc_sim_nmetrics(r),
                 "every pair of the three variants, for every metric");
    char path[] = "/tmp/caucus-test-sim-XXXXXX";
    int fd = mkstemp(path);
    close(fd);
    cr_assert_eq(json_dump_file(root, path, JSON_INDENT(2) | JSON_SORT_KEYS), 0);
    cr_expect(cc_report_is_sim(path));
    cc_diags d;
    cc_diags_init(&d);
    json_t *doc = NULL;
    cr_assert_eq(cc_report_from_sim(path, NULL, 1, &d, &doc), CC_OK);
    cr_expect_str_eq(json_string_value(json_object_get(doc, "kind")), "sim");
    cr_expect_not_null(section(doc, "differences"), "the differences come from the file");
    cr_expect(json_array_size(tab(doc, "metrics", "times")) > 0 &&
              json_array_size(tab(doc, "metrics", "rates")) > 0);
    json_decref(doc);
    cr_assert_eq(cc_report_from_sim(path, s, 2, &d, &doc), CC_OK, "%s", d.count ? d.items[0].message : "");
    cr_expect_not_null(section(doc, "differences"));
    cr_expect(strstr(json_string_value(json_object_get(section(doc, "plots"), "svg")), "polyline") != NULL);
    json_decref(doc);
    /* a tampered mean no longer reproduces */
    json_t *m0 =
        json_object_get(json_object_get(json_array_get(vars, 0), "metrics"), cc_sim_metric_name(r, 0));
    json_object_set_new(m0, "mean", json_real(123.0));
    cr_assert_eq(json_dump_file(root, path, JSON_INDENT(2) | JSON_SORT_KEYS), 0);
    cr_expect_eq(cc_report_from_sim(path, s, 2, &d, &doc), CC_ERR_INVALID);
    cr_expect_null(doc);
    /* not a result at all */
    FILE *f = fopen(path, "w");
    fputs("{\n  \"reps\": 3\n}\n", f);
    fclose(f);
    cr_expect_eq(cc_report_from_sim(path, NULL, 1, &d, &doc), CC_ERR_INVALID);
    f = fopen(path, "w");
    fputs("{\n  \"reps\": [1,\n", f);
    fclose(f);
    cr_expect_eq(cc_report_from_sim(path, NULL, 1, &d, &doc), CC_ERR_PARSE);
    cr_expect(d.count >= 3);
    cc_diags_free(&d);
    unlink(path);
    json_decref(root);
    cc_sim_free(r);
    cc_scenario_free(s);
}

/* Reminders, escalations and retries per seat (tests/scenarios/valid/mech-unstick.yaml with its
 * inputs; docs/scenario-format.md, "Behaviour that un-sticks"), counted by hand from its timeline:
 * aut-chair reminds twice in C-1 and once in C-3 and escalates once; hun-desk is named in the
 * chair's two reminders, coord's two and the minister's one, and escalates once; hun-radio's line
 * loses three attempts, two of them retries. A seat's view holds its own row only. */
Test(report, reminders_escalations_and_retries_per_seat)
{
    const char *scen = "tests/scenarios/valid/mech-unstick.yaml";
    cc_scenario *s = load(scen);
    const unsigned char autos[6] = {1, 0, 1, 1, 0, 1};
    char path[] = "/tmp/caucus-test-report-XXXXXX";
    inputs_log(scen, "tests/inputs/mech-unstick.jsonl", autos, path);
    struct {
        const char *seat, *by;
        json_int_t sent, reminded, escalations, lost, retries;
    } want[] = {{"aut-chair", "agent", 3, 0, 1, 0, 0}, {"hun-desk", "person", 0, 5, 1, 0, 0},
                {"svk-desk", "agent", 0, 1, 0, 0, 0},  {"coord", "agent", 2, 0, 0, 0, 0},
                {"minister", "person", 1, 0, 0, 0, 0}, {"hun-radio", "agent", 0, 0, 0, 3, 2}};
    json_t *doc = build(path, s, NULL, CC_OK, NULL);
    const json_t *rows = tab(doc, "consultations", "follow_up");
    cr_assert_eq(json_array_size(rows), 6);
    for (size_t i = 0; i < 6; i++) {
        const json_t *r = json_array_get(rows, i);
        cr_expect_str_eq(json_string_value(json_array_get(r, 0)), want[i].seat);
        cr_expect_str_eq(json_string_value(json_array_get(r, 2)), want[i].by);
        json_int_t got[5],
            exp[5] = {want[i].sent, want[i].reminded, want[i].escalations, want[i].lost, want[i].retries};
        for (size_t k = 0; k < 5; k++) {
            got[k] = json_integer_value(json_array_get(r, 3 + k));
            cr_expect_eq(got[k], exp[k], "%s column %zu: %lld, want %lld", want[i].seat, 3 + k,
                         (long long)got[k], (long long)exp[k]);
        }
    }
    json_decref(doc);
    doc = build(path, s, "hun-desk", CC_OK, NULL);
    rows = tab(doc, "consultations", "follow_up");
    cr_assert_eq(json_array_size(rows), 1, "a seat sees its own row only");
    cr_expect_str_eq(json_string_value(json_array_get(json_array_get(rows, 0), 0)), "hun-desk");
    json_decref(doc);
    unlink(path);
    cc_scenario_free(s);
}

Test(report, hybrid_seats_say_who_played_and_who_acted)
{
    /* tests/inputs/river-basin-hybrid.jsonl (docs/cli.md, "Hybrid seats") */
    const char *scen = "tests/scenarios/valid/river-basin.yaml";
    cc_scenario *s = load(scen);
    const unsigned char autos[7] = {1, 0, 1, 1, 0, 1, 1};
    char path[] = "/tmp/caucus-test-report-XXXXXX";
    inputs_log(scen, "tests/inputs/river-basin-hybrid.jsonl", autos, path);
    json_t *doc = build(path, s, NULL, CC_OK, NULL);
    const json_t *rows = tab(doc, "overview", "seats");
    cr_assert_eq(json_array_size(rows), 7);
    static const char *const want[] = {
        "agent", "person, then agent from +5h; 1 act by its agent, 1 by control for the seat", "agent",
        "agent", "person, then agent from +3h, person from +5h30m; 1 act by its agent",        "agent",
        "agent",
    };
    for (size_t i = 0; i < 7; i++)
        cr_expect_str_eq(json_string_value(json_array_get(json_array_get(rows, i), 6)), want[i]);
    /* the timeline marks each hand-over (three seat.play) on the seat's party lane */
    const json_t *marks = tab(doc, "timeline", "marks");
    size_t ctl = 0;
    for (size_t i = 0; i < json_array_size(marks); i++) {
        const json_t *m = json_array_get(marks, i);
        if (strcmp(json_string_value(json_array_get(m, 3)), "control") != 0)
            continue;
        ctl++;
        cr_expect_str_eq(json_string_value(json_array_get(m, 2)), "XMD");
    }
    cr_expect_eq(ctl, 3);
    json_decref(doc);
    unlink(path);
    cc_scenario_free(s);
}

Test(report, a_hand_over_at_time_zero_is_who_played_from_the_start)
{
    /* tests/inputs/river-basin-auto0.jsonl: serve --auto hands seats over by control's play input
     * at scenario time 0 (docs/cli.md, "caucus serve"); the report reads such a seat as its agent's
     * from the start, not "person, then agent from +0s", and marks no hand-over on the timeline */
    const char *scen = "tests/scenarios/valid/river-basin.yaml";
    cc_scenario *s = load(scen);
    const unsigned char autos[7] = {1, 0, 1, 1, 0, 1, 1};
    char path[] = "/tmp/caucus-test-report-XXXXXX";
    inputs_log(scen, "tests/inputs/river-basin-auto0.jsonl", autos, path);
    json_t *doc = build(path, s, NULL, CC_OK, NULL);
    const json_t *rows = tab(doc, "overview", "seats");
    cr_assert_eq(json_array_size(rows), 7);
    const char *comm = json_string_value(json_array_get(json_array_get(rows, 1), 6));
    const char *hydro = json_string_value(json_array_get(json_array_get(rows, 4), 6));
    cr_expect(strncmp(comm, "person, then agent from +5h; ", 29) == 0, "%s", comm);
    cr_expect(strncmp(hydro, "agent, then person from +5h30m; ", 32) == 0, "%s", hydro);
    const json_t *marks = tab(doc, "timeline", "marks");
    size_t ctl = 0;
    for (size_t i = 0; i < json_array_size(marks); i++)
        ctl += strcmp(json_string_value(json_array_get(json_array_get(marks, i), 3)), "control") == 0;
    cr_expect_eq(ctl, 2, "the two hand-overs during the run, not the one at +0s");
    json_decref(doc);
    unlink(path);
    cc_scenario_free(s);
}

Test(report, control_steering_is_listed)
{
    /* tests/inputs/river-basin-steer.jsonl (docs/cli.md, "Control steers") */
    const char *scen = "tests/scenarios/valid/river-basin.yaml";
    cc_scenario *s = load(scen);
    const unsigned char autos[7] = {1, 0, 1, 1, 0, 1, 1};
    char path[] = "/tmp/caucus-test-report-XXXXXX";
    inputs_log(scen, "tests/inputs/river-basin-steer.jsonl", autos, path);
    json_t *doc = build(path, s, NULL, CC_OK, NULL);
    const json_t *rows = tab(doc, "overview", "steering");
    cr_assert_not_null(rows);
    static const char *const want[][3] = {
        {"+2h", "deadline extended", "by 30m, to +3h"},
        {"+3h10m", "stage ended",
         "stage acknowledge: the Midvale commissioner is absent; the chair proceeds"},
        {"+4h20m", "stage re-opened", "from assess to acknowledge: Midvale's delegation has arrived"},
        {"+4h40m", "stage ended", "stage acknowledge: Midvale still silent"},
        {"+5h50m", "stage ended", "stage assess: two desks of three have assessed"},
        {"+6h20m", "deadline extended", "by 1h, to +8h50m"},
        {"+6h30m", "stage ended",
         "stage decide, outcome coordinated-release: agreed in the room; Midvale concurs by telephone"},
        {"+7h", "inject chain skipped", "held I-2, I-3: the reservoir thread is out of scope today"},
    };
    cr_assert_eq(json_array_size(rows), sizeof want / sizeof want[0]);
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const json_t *r = json_array_get(rows, i);
        cr_expect_str_eq(json_string_value(json_array_get(r, 0)), want[i][0]);
        cr_expect_str_eq(json_string_value(json_array_get(r, 1)), want[i][1]);
        cr_expect_str_eq(json_string_value(json_array_get(r, 3)), want[i][2]);
    }
    json_decref(doc);
    unlink(path);
    cc_scenario_free(s);
}

Test(report, edits_of_released_injects_and_withdrawals_are_listed)
{
    /* tests/inputs/river-basin-relabel.jsonl (docs/cli.md, "Control edits an inject") */
    const char *scen = "tests/scenarios/valid/river-basin.yaml";
    cc_scenario *s = load(scen);
    const unsigned char autos[7] = {0, 0, 0, 0, 0, 0, 0};
    char path[] = "/tmp/caucus-test-report-XXXXXX";
    inputs_log(scen, "tests/inputs/river-basin-relabel.jsonl", autos, path);
    json_t *doc = build(path, s, NULL, CC_OK, NULL);
    const json_t *rows = tab(doc, "overview", "steering");
    cr_assert_not_null(rows);
    static const char *const want[][3] = {
        {"+1h10m", "released inject edited",
         "label RESTRICTED//REL TO EXCON, XUP (was PUBLIC//REL TO EXCON, XLW, XMD, XUP)"},
        {"+1h10m", "inject withdrawn", "from xmd-commissioner (its label no longer admits the seat)"},
        {"+1h10m", "inject withdrawn", "from xlw-commissioner (its label no longer admits the seat)"},
        {"+1h10m", "inject withdrawn", "from xmd-hydro (its label no longer admits the seat)"},
        {"+1h10m", "inject withdrawn", "from xlw-hydro (its label no longer admits the seat)"},
        {"+1h25m", "released inject edited",
         "label RESTRICTED//REL TO EXCON, XMD, XUP (was RESTRICTED//REL TO EXCON, XUP): cleared for the "
         "Midvale "
         "delegation"},
        {"+1h40m", "released inject edited", "to cell:technical, ctl"},
        {"+1h40m", "inject withdrawn", "from xup-commissioner (no longer a recipient)"},
        {"+1h40m", "inject withdrawn", "from xmd-commissioner (no longer a recipient)"},
        {"+1h50m", "released inject edited", "to all"},
    };
    cr_assert_eq(json_array_size(rows), sizeof want / sizeof want[0]);
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const json_t *r = json_array_get(rows, i);
        cr_expect_str_eq(json_string_value(json_array_get(r, 0)), want[i][0]);
        cr_expect_str_eq(json_string_value(json_array_get(r, 1)), want[i][1]);
        cr_expect_str_eq(json_string_value(json_array_get(r, 2)), "I-1");
        cr_expect_str_eq(json_string_value(json_array_get(r, 3)), want[i][2]);
    }
    json_decref(doc);
    unlink(path);
    cc_scenario_free(s);
}

Test(report, an_interim_report_times_what_is_open_up_to_now)
{
    /* tests/inputs/river-basin-steer.jsonl without its run.end: the exercise stopped at its last
     * event (+9h, D-2's deadline), or runs on (the live clock at +10h) */
    const char *scen = "tests/scenarios/valid/river-basin.yaml";
    cc_scenario *s = load(scen);
    const unsigned char autos[7] = {1, 0, 1, 1, 0, 1, 1};
    char path[] = "/tmp/caucus-test-report-XXXXXX";
    inputs_log(scen, "tests/inputs/river-basin-steer.jsonl", autos, path);
    char *cut = copy_with(path, 0, NULL, NULL, 1);
    json_t *doc = build(cut, s, NULL, CC_ERR_PARSE, "truncated"); /* the library refuses unless asked */
    cc_diags d;
    cc_diags_init(&d);
    cc_report_opts o = {.flags = CC_REPORT_IN_PROGRESS};
    cr_assert_eq(cc_report_from_log_opts(cut, s, &o, &d, &doc), CC_OK);
    cr_expect(strstr(json_string_value(json_object_get(doc, "title")),
                     "Interim after-action report (the log has no "
                     "run.end"));
    cr_expect_str_eq(
        fact(doc, "overview", "Run length"),
        "+9h scenario time (interim: the log has no run.end; the exercise is running or was stopped)");
    json_decref(doc);
    o.as_of_ms = 600 * 60000LL;
    cr_assert_eq(cc_report_from_log_opts(cut, s, &o, &d, &doc), CC_OK);
    cr_expect_str_eq(
        json_string_value(json_object_get(doc, "title")),
        "Interim after-action report (exercise in progress): Basin commission consultation on a drought "
        "outlook");
    cr_expect_str_eq(fact(doc, "overview", "Run length"),
                     "+10h scenario time (interim: the exercise is in progress)");
    json_decref(doc);
    /* the whole log: final, whatever the flag */
    cr_assert_eq(cc_report_from_log_opts(path, s, &o, &d, &doc), CC_OK);
    cr_expect(strncmp(json_string_value(json_object_get(doc, "title")), "After-action report", 19) == 0);
    json_decref(doc);
    cc_diags_free(&d);
    unlink(cut);
    free(cut);
    unlink(path);
    cc_scenario_free(s);
}

/* The report's rendering as JSON (every renderer reads only the document), or the first
 * diagnostic's line and message when the log is refused, at opts' threads and batch. */
static char *report_of(const char *log, const cc_scenario *s, const char *seat, unsigned threads,
                       size_t batch)
{
    cc_diags d;
    cc_diags_init(&d);
    json_t *doc = NULL;
    cc_report_opts o = {.seat = seat, .flags = CC_REPORT_IN_PROGRESS, .threads = threads, .batch = batch};
    cc_err rc = cc_report_from_log_opts(log, s, &o, &d, &doc);
    cc_buf b;
    cc_buf_init(&b);
    if (rc == CC_OK) {
        cr_assert_eq(cc_report_json(doc, &b), CC_OK);
    } else {
        cr_assert(d.count > 0);
        char head[64];
        snprintf(head, sizeof head, "%s line %d: ", cc_err_str(rc), d.items[0].line);
        cc_buf_append(&b, head, strlen(head));
        cc_buf_append(&b, d.items[0].message, strlen(d.items[0].message));
    }
    cc_buf_append(&b, "", 1);
    json_decref(doc);
    cc_diags_free(&d);
    return b.data;
}

/* cc_report_opts.threads (io/plines, docs/event-log.md "Checking lines on several threads"): the
 * same document, or the same refusal at the same line, on every thread count and batch size, for
 * a sound log (control's and a seat's view), lines spoiled at several places (with batches of
 * 1000 bytes every line is near a batch's edge), a log cut inside a line and one cut after a line. */
Test(report, the_same_report_on_every_thread_count)
{
    cc_scenario *s = load("tests/scenarios/valid/all-features.yaml");
    char *log = run_log(s, "tests/scenarios/valid/all-features.yaml", 1);
    lines l = read_lines(log);
    cr_assert_gt(l.n, 60);
    char *cases[8] = {log, log};
    const char *seats[8] = {NULL, "kor-intel"};
    int sound[8] = {1, 1}; /* a document expected, else a refusal */
    size_t nc = 2;
    const size_t at[] = {3, 40, 41, l.n - 1};
    for (size_t i = 0; i < sizeof at / sizeof *at; i++)
        cases[nc++] = copy_with(log, at[i], "\"seq\":", "\"seq\":1", 0);
    sound[nc] = 1;
    cases[nc++] = copy_with(log, 0, NULL, NULL, 1); /* without run.end: an interim report */
    { /* cut in the middle of line 30: the last line has no newline */
        FILE *f = fopen(log, "rb");
        cr_assert(f);
        cc_buf cut;
        cc_buf_init(&cut);
        char *buf = NULL;
        size_t cap = 0;
        ssize_t n;
        for (int i = 1; i <= 30 && (n = getline(&buf, &cap, f)) > 0; i++)
            cc_buf_append(&cut, buf, i < 30 ? (size_t)n : (size_t)n / 2);
        free(buf);
        fclose(f);
        cases[nc++] = tmp_write("test-report", cut.data, cut.len);
        cc_buf_free(&cut);
    }
    static const struct {
        unsigned threads;
        size_t batch;
    } runs[] = {{1, 0}, {2, 1000}, {3, 4096}, {8, 0}};
    for (size_t c = 0; c < nc; c++) {
        char *want = report_of(cases[c], s, seats[c], 0, 0);
        cr_assert(sound[c] ? want[0] == '{' : strncmp(want, "parse error line ", 17) == 0, "case %zu: %.80s",
                  c, want);
        for (size_t k = 0; k < sizeof runs / sizeof *runs; k++) {
            char *got = report_of(cases[c], s, seats[c], runs[k].threads, runs[k].batch);
            cr_expect_str_eq(got, want, "case %zu, threads %u, batch %zu", c, runs[k].threads, runs[k].batch);
            free(got);
        }
        free(want);
    }
    cc_diags d;
    cc_diags_init(&d);
    json_t *doc = NULL;
    cc_report_opts o = {.threads = CC_PLINES_MAX_THREADS + 1};
    cr_expect_eq(cc_report_from_log_opts(log, s, &o, &d, &doc), CC_ERR_ARG);
    cc_diags_free(&d);
    for (size_t c = 2; c < nc; c++) {
        unlink(cases[c]);
        free(cases[c]);
    }
    lines_free(&l);
    unlink(log);
    free(log);
    cc_scenario_free(s);
}
