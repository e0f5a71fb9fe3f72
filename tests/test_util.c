/* Tests of the small core utilities: diag, arena, suggest, idmap, utf8. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "core/diag.h"
#include "core/idmap.h"
#include "core/suggest.h"
#include "core/utf8.h"

Test(diag, formats_position_and_severity)
{
    cc_diags d;
    cc_diags_init(&d);
    cr_assert_eq(
        cc_diags_add(&d, CC_SEV_ERROR, "f.yaml", (cc_pos){3, 7}, "code", "a hint", "bad %s", "thing"), CC_OK);
    cr_assert_eq(cc_diags_add(&d, CC_SEV_WARNING, NULL, (cc_pos){0, 0}, NULL, NULL, "no position"), CC_OK);
    char buf[128];
    cc_diag_format(&d.items[0], buf, sizeof buf);
    cr_expect_str_eq(buf, "f.yaml:3:7: error: bad thing");
    cc_diag_format(&d.items[1], buf, sizeof buf);
    cr_expect_str_eq(buf, "<input>: warning: no position");
    cr_expect_str_eq(d.items[0].hint, "a hint");
    cr_expect_eq(d.errors, 1);
    cr_expect_eq(d.warnings, 1);
    cc_diags_free(&d);
    cr_expect_eq(d.count, 0);
}

Test(diag, caps_and_counts_dropped)
{
    cc_diags d;
    cc_diags_init(&d);
    d.max_items = 3;
    for (int i = 0; i < 10; i++)
        cc_diags_add(&d, CC_SEV_ERROR, "f", (cc_pos){i + 1, 1}, NULL, NULL, "e%d", i);
    cr_expect_eq(d.count, 3);
    cr_expect_eq(d.dropped, 7);
    cr_expect_eq(d.errors, 10);
    cc_diags_free(&d);
}

Test(diag, sort_is_stable_by_position)
{
    cc_diags d;
    cc_diags_init(&d);
    cc_diags_add(&d, CC_SEV_ERROR, "f", (cc_pos){5, 1}, NULL, NULL, "c");
    cc_diags_add(&d, CC_SEV_ERROR, "f", (cc_pos){2, 9}, NULL, NULL, "a");
    cc_diags_add(&d, CC_SEV_ERROR, "f", (cc_pos){2, 9}, NULL, NULL, "b");
    cc_diags_sort(&d);
    cr_expect_str_eq(d.items[0].message, "a");
    cr_expect_str_eq(d.items[1].message, "b");
    cr_expect_str_eq(d.items[2].message, "c");
    cc_diags_free(&d);
}

Test(diag, error_strings)
{
    cr_expect_str_eq(cc_err_str(CC_OK), "ok");
    cr_expect_str_eq(cc_err_str(CC_ERR_NOMEM), "out of memory");
    cr_expect_str_eq(cc_err_str((cc_err)-99), "unknown error");
}

Test(arena, aligned_zeroed_and_large)
{
    cc_arena *a = cc_arena_new(64);
    cr_assert_not_null(a);
    for (int i = 1; i < 100; i++) {
        unsigned char *p = cc_arena_alloc(a, (size_t)i);
        cr_assert_not_null(p);
        cr_expect_eq((uintptr_t)p % 16, 0);
        for (int k = 0; k < i; k++)
            cr_expect_eq(p[k], 0);
        memset(p, 0xAB, (size_t)i);
    }
    char *big = cc_arena_alloc(a, 1 << 20);
    cr_assert_not_null(big);
    big[(1 << 20) - 1] = 1;
    cr_expect_null(cc_arena_array(a, SIZE_MAX / 4, 8));
    cr_expect_str_eq(cc_arena_strndup(a, "hello world", 5), "hello");
    cr_expect_geq(cc_arena_used(a), (size_t)(1 << 20));
    cc_arena_free(a);
    cc_arena_free(NULL);
}

Test(suggest, distance_and_candidates)
{
    cr_expect_eq(cc_suggest_distance("title", "titel", 5), 1);
    cr_expect_eq(cc_suggest_distance("", "abc", 5), 3);
    cr_expect_eq(cc_suggest_distance("kitten", "sitting", 5), 3);
    cr_expect_eq(cc_suggest_distance("a", "abcdefgh", 2), 3);
    static const char *const keys[] = {"title", "body", "label", "trigger"};
    cr_expect_str_eq(cc_suggest("titel", keys, 4), "title");
    cr_expect_str_eq(cc_suggest("TITLE", keys, 4), "title");
    cr_expect_str_eq(cc_suggest("trigge", keys, 4), "trigger");
    cr_expect_null(cc_suggest("zzzzzz", keys, 4));
}

Test(idmap, put_get_duplicates)
{
    cc_arena *a = cc_arena_new(0);
    cc_idmap *m = cc_idmap_new(a, 1000);
    char ids[1000][16];
    for (int i = 0; i < 1000; i++) {
        snprintf(ids[i], sizeof ids[i], "id%d", i);
        cr_expect_eq(cc_idmap_put(m, ids[i], i), -1);
    }
    for (int i = 0; i < 1000; i++)
        cr_expect_eq(cc_idmap_get(m, ids[i]), i);
    cr_expect_eq(cc_idmap_put(m, "id7", 5000), 7);
    cr_expect_eq(cc_idmap_get(m, "id7"), 7);
    cr_expect_eq(cc_idmap_get(m, "nope"), -1);
    cr_expect_eq(cc_idmap_get(m, NULL), -1);
    const char *keys[2000];
    cr_expect_eq(cc_idmap_keys(m, keys, 2000), 1000);
    cc_arena_free(a);
}

Test(utf8, validation_cases)
{
    static const struct {
        const char *s;
        size_t len;
        cc_utf8_status st;
        size_t bad;
    } cases[] = {
        {"plain ascii", 11, CC_UTF8_OK, 0},        {"caf\xc3\xa9", 5, CC_UTF8_OK, 0},
        {"\xf0\x9f\x98\x80", 4, CC_UTF8_OK, 0},    {"ab\0cd", 5, CC_UTF8_NUL, 2},
        {"a\xc0\xaf", 3, CC_UTF8_OVERLONG, 1},     {"\xe0\x80\xaf", 3, CC_UTF8_OVERLONG, 0},
        {"\xed\xa0\x80", 3, CC_UTF8_SURROGATE, 0}, {"\xf4\x90\x80\x80", 4, CC_UTF8_INVALID, 0},
        {"x\x80", 2, CC_UTF8_INVALID, 1},          {"\xc3", 1, CC_UTF8_INVALID, 0},
        {"\xff", 1, CC_UTF8_INVALID, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t bad = 99;
        cc_utf8_status st = cc_utf8_check(cases[i].s, cases[i].len, &bad);
        cr_expect_eq(st, cases[i].st, "case %zu: status %d", i, st);
        if (st != CC_UTF8_OK)
            cr_expect_eq(bad, cases[i].bad, "case %zu: offset %zu", i, bad);
    }
    cc_pos p = cc_utf8_pos("ab\ncd\xc3\xa9x", 8, 7);
    cr_expect_eq(p.line, 2);
    cr_expect_eq(p.col, 4);
    p = cc_utf8_pos("ab\ncd\xc3\xa9x", 8, 8);
    cr_expect_eq(p.col, 5);
}
