/* Tests of io/ytree: positions, guards against hostile YAML, lookups. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/ytree.h"

static cc_err parse(const char *text, size_t len, cc_arena **a, cc_diags *d, cc_ynode **root)
{
    *a = cc_arena_new(0);
    cc_diags_init(d);
    return cc_ytree_parse(text, len, "t.yaml", *a, d, root);
}

static const char *first(const cc_diags *d, char *buf, size_t n)
{
    if (!d->count)
        return "";
    cc_diag_format(&d->items[0], buf, n);
    return buf;
}

Test(ytree, builds_tree_with_positions)
{
    const char *y = "a: 1\nb:\n  - x\n  - {k: 'v'}\n";
    cc_arena *a;
    cc_diags d;
    cc_ynode *r;
    cr_assert_eq(parse(y, strlen(y), &a, &d, &r), CC_OK);
    cr_assert_eq(r->kind, CC_Y_MAP);
    cr_expect_eq(r->n, 2);
    cc_ynode *b = cc_ytree_get(r, "b");
    cr_assert_eq(b->kind, CC_Y_SEQ);
    cr_expect_eq(b->n, 2);
    cr_expect_str_eq(b->items[0]->text, "x");
    cr_expect_eq(b->items[0]->pos.line, 3);
    cr_expect_eq(b->items[0]->pos.col, 5);
    cc_ynode *k = cc_ytree_get(b->items[1], "k");
    cr_expect_str_eq(k->text, "v");
    cr_expect_eq(k->style, CC_YS_QUOTED);
    cr_expect_eq(cc_ytree_key(r, "a")->pos.line, 1);
    cr_expect_null(cc_ytree_get(r, "zzz"));
    cr_expect_null(cc_ytree_get(k, "x"));
    cc_arena_free(a);
    cc_diags_free(&d);
}

static void expect_error(const char *y, size_t len, cc_err want, const char *msg)
{
    cc_arena *a;
    cc_diags d;
    cc_ynode *r = (cc_ynode *)1;
    char buf[512];
    cr_expect_eq(parse(y, len, &a, &d, &r), want, "for %s", msg);
    cr_expect_null(r);
    cr_expect_str_eq(first(&d, buf, sizeof buf), msg);
    cc_arena_free(a);
    cc_diags_free(&d);
}

Test(ytree, refuses_hostile_constructs)
{
    expect_error("a: &x 1\nb: 2\n", 12, CC_ERR_PARSE,
                 "t.yaml:1:4: error: YAML anchors are not allowed in scenarios");
    expect_error("a: [1]\nb: *x\n", 13, CC_ERR_PARSE,
                 "t.yaml:2:4: error: YAML aliases are not allowed in scenarios");
    expect_error("a: !!str 1\n", 11, CC_ERR_PARSE,
                 "t.yaml:1:4: error: YAML tags are not allowed in scenarios");
    expect_error("a: 1\na: 2\n", 10, CC_ERR_PARSE, "t.yaml:2:1: error: duplicate key 'a' (first at line 1)");
    expect_error("a: 1\n---\nb: 2\n", 14, CC_ERR_PARSE,
                 "t.yaml:2:1: error: a scenario file holds one YAML document");
    expect_error("a: x\0y\n", 7, CC_ERR_PARSE, "t.yaml:1:5: error: NUL byte (byte 0x00 at offset 4)");
    expect_error("a: \xc0\xaf\n", 6, CC_ERR_PARSE,
                 "t.yaml:1:4: error: overlong UTF-8 encoding (byte 0xC0 at offset 3)");
    expect_error("a: \"x\\0y\"\n", 10, CC_ERR_PARSE, "t.yaml:1:4: error: NUL character in a string");
    expect_error("[1]: x\n", 7, CC_ERR_PARSE, "t.yaml:1:1: error: mapping keys must be plain strings");
}

Test(ytree, syntax_error_has_position)
{
    const char *y = "a: 1\nb: [1, 2\nc: 3";
    cc_arena *a;
    cc_diags d;
    cc_ynode *r;
    cr_expect_eq(parse(y, strlen(y), &a, &d, &r), CC_ERR_PARSE);
    cr_assert_eq(d.count, 1);
    /* where the bracket opened, not line 4 where the parser gave up */
    cr_expect_eq(d.items[0].line, 2);
    cr_expect_eq(d.items[0].col, 4);
    cr_expect(strstr(d.items[0].message, "YAML syntax:") != NULL);
    cc_arena_free(a);
    cc_diags_free(&d);
}

/* An unclosed bracket, brace or quote is reported where it opened, the message saying where the
 * parser gave up; a closer that does not match its opener names both. Other syntax errors, and
 * brackets and quotes that are text (plain scalars, block scalars, comments), are left alone. */
Test(ytree, unclosed_reported_where_it_opened)
{
    static const struct {
        const char *y;
        int line, col;
        const char *msg, *hint;
    } cases[] = {
        {"a: 1\nb: [1, 2\nc: 3", 2, 4,
         "YAML syntax: the '[' opened here is never closed (the parser gave up at 4:1: flow sequence without "
         "a "
         "closing bracket)",
         "close it with ']'"},
        {"p: [\n  {id: A, n: U},\n  {id: K, n: K\ns: []\n", 3, 3,
         "YAML syntax: the '{' opened here is never closed", "close it with '}'"},
        {"a: {x: [1, 2}\nb: 2\n", 1, 8, "YAML syntax: '}' at 1:13 does not match the '[' opened here",
         "close the '[' with ']' before the '}'"},
        {"a: 1\nb: \"abc\nc: 2\n", 2, 4, "YAML syntax: the double quote opened here is never closed",
         "close it with a double quote (\")"},
        {"a: 1\nb: 'it''s\nc: 2\n", 2, 4, "YAML syntax: the single quote opened here is never closed",
         "close it with a single quote (')"},
        /* text, not openers: a bracket in a plain scalar, block scalar and comment; escapes */
        {"t: a [draft\nd: |\n  {not: [flow\n# [comment\ne: \"q\\\" [\"\nx: [1, 2\n", 6, 4,
         "YAML syntax: the '[' opened here is never closed", "close it with ']'"},
        /* nothing unclosed: libfyaml's own message stays */
        {"a: 1\n\tb: 2\n", 1, 4, "YAML syntax: invalid multiline plain key", NULL},
        {"a: [1]]\n", 1, 7, "YAML syntax:", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cc_arena *a;
        cc_diags d;
        cc_ynode *r;
        cr_expect_eq(parse(cases[i].y, strlen(cases[i].y), &a, &d, &r), CC_ERR_PARSE, "case %zu", i);
        cr_assert_eq(d.count, 1, "case %zu: one diagnostic", i);
        cr_expect_eq(d.items[0].line, cases[i].line, "case %zu: line %d", i, d.items[0].line);
        cr_expect_eq(d.items[0].col, cases[i].col, "case %zu: col %d", i, d.items[0].col);
        cr_expect(strncmp(d.items[0].message, cases[i].msg, strlen(cases[i].msg)) == 0, "case %zu: %s", i,
                  d.items[0].message);
        if (cases[i].hint)
            cr_expect_str_eq(d.items[0].hint ? d.items[0].hint : "(none)", cases[i].hint, "case %zu", i);
        cc_arena_free(a);
        cc_diags_free(&d);
    }
}

Test(ytree, depth_limit)
{
    size_t n = 10000;
    char *y = malloc(2 * n + 1);
    memset(y, '[', n);
    memset(y + n, ']', n);
    y[2 * n] = 0;
    cc_arena *a;
    cc_diags d;
    cc_ynode *r;
    cr_expect_neq(parse(y, 2 * n, &a, &d, &r), CC_OK);
    cr_expect_null(r);
    cr_expect_geq(d.errors, 1);
    free(y);
    cc_arena_free(a);
    cc_diags_free(&d);
    /* exactly at the limit is fine */
    char ok[2 * CC_YTREE_MAX_DEPTH + 1];
    memset(ok, '[', CC_YTREE_MAX_DEPTH);
    memset(ok + CC_YTREE_MAX_DEPTH, ']', CC_YTREE_MAX_DEPTH);
    ok[2 * CC_YTREE_MAX_DEPTH] = 0;
    cr_expect_eq(parse(ok, 2 * CC_YTREE_MAX_DEPTH, &a, &d, &r), CC_OK, "%s",
                 d.count ? d.items[0].message : "");
    cc_arena_free(a);
    cc_diags_free(&d);
}

Test(ytree, empty_document_and_nulls)
{
    cc_arena *a;
    cc_diags d;
    cc_ynode *r = (cc_ynode *)1;
    cr_expect_eq(parse("", 0, &a, &d, &r), CC_OK);
    cr_expect_null(r);
    cc_arena_free(a);
    cc_diags_free(&d);
    cr_expect_eq(parse("a: ~\nb:\nc: 'null'\n", 18, &a, &d, &r), CC_OK);
    cr_expect(cc_ytree_is_null(cc_ytree_get(r, "a")));
    cr_expect(cc_ytree_is_null(cc_ytree_get(r, "b")));
    cr_expect(!cc_ytree_is_null(cc_ytree_get(r, "c")));
    cc_arena_free(a);
    cc_diags_free(&d);
}

Test(ytree, many_duplicate_keys_fast)
{
    /* 100k keys: duplicate detection must be n log n, and every duplicate reported (capped) */
    size_t n = 100000;
    char *y = malloc(n * 16);
    size_t off = 0;
    for (size_t i = 0; i < n; i++)
        off += (size_t)sprintf(y + off, "k%zu: 1\n", i % 50000);
    cc_arena *a;
    cc_diags d;
    cc_ynode *r;
    cr_expect_eq(parse(y, off, &a, &d, &r), CC_ERR_PARSE);
    cr_expect_eq(d.errors, 50000);
    free(y);
    cc_arena_free(a);
    cc_diags_free(&d);
}

Test(ytree, single_quoted_values)
{
    /* one-line single-quoted scalars are unescaped by caucus itself (libfyaml leak work-around) */
    const char *y = "a: 'it''s'\nb: ''''''''''''\nc: ['x', 'y''']\nd: ''\ne: 'multi\n  line'\n"
                    "f: 'one  \n\n   two \n\n\n  three'\ng: ' lead\r\n  trail '\n";
    cc_arena *a;
    cc_diags d;
    cc_ynode *r;
    cr_assert_eq(parse(y, strlen(y), &a, &d, &r), CC_OK);
    cr_expect_str_eq(cc_ytree_get(r, "a")->text, "it's");
    cr_expect_str_eq(cc_ytree_get(r, "b")->text, "'''''");
    cr_expect_eq(cc_ytree_get(r, "b")->len, 5);
    cr_expect_str_eq(cc_ytree_get(r, "c")->items[1]->text, "y'");
    cr_expect_str_eq(cc_ytree_get(r, "d")->text, "");
    cr_expect_str_eq(cc_ytree_get(r, "e")->text, "multi line");
    cr_expect_str_eq(cc_ytree_get(r, "f")->text, "one\ntwo\n\nthree");
    cr_expect_str_eq(cc_ytree_get(r, "g")->text, " lead trail ");
    cc_arena_free(a);
    cc_diags_free(&d);
}

Test(ytree, fuzz_regression_quoted_leak)
{
    /* found by make fuzz: leaked 512 bytes inside libfyaml; must parse with no leak (ASan run) */
    const char *y = "''''''''''''";
    cc_arena *a;
    cc_diags d;
    cc_ynode *r;
    cr_expect_eq(parse(y, strlen(y), &a, &d, &r), CC_OK);
    cr_expect_str_eq(r->text, "'''''");
    cc_arena_free(a);
    cc_diags_free(&d);
}

Test(ytree, fuzz_regression_multiline_quoted_leak)
{
    /* second make fuzz finding: the same libfyaml leak on a multi-line single-quoted scalar */
    const char *y = "'''''''xxxx''''xxxx\n  at: xxxll'";
    cc_arena *a;
    cc_diags d;
    cc_ynode *r;
    cr_expect_eq(parse(y, strlen(y), &a, &d, &r), CC_OK);
    cr_expect_str_eq(r->text, "'''xxxx''xxxx at: xxxll");
    cc_arena_free(a);
    cc_diags_free(&d);
}

/* The unclosed-quote scan stops at the end of the text: a quoted scalar whose last character is
 * a UTF-8 sequence running to the end (fuzz_scenario's finding, a heap read past the text under
 * ASan) is an error, not a read past the end. The text is copied to a buffer of its exact length
 * so that ASan sees any read beyond it. */
Test(ytree, an_unclosed_quote_at_the_very_end_is_an_error)
{
    static const char y[] = "a: ''''-season consultation\n    ''''-season consultation\n    ko: \xea\xb3\xb5";
    size_t n = sizeof y - 1;
    char *t = malloc(n);
    cr_assert_not_null(t);
    memcpy(t, y, n);
    cc_arena *a;
    cc_diags d;
    cc_ynode *r;
    cr_expect_neq(parse(t, n, &a, &d, &r), CC_OK);
    cr_expect_gt(d.count, 0);
    cc_diags_free(&d);
    cc_arena_free(a);
    free(t);
}
