/* Tests of core/canon (canonical JSON) and core/buf. */
#include <criterion/criterion.h>
#include <string.h>

#include "core/canon.h"

static void expect_canon(const char *in, const char *want)
{
    json_error_t e;
    json_t *v = json_loads(in, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &e);
    cr_assert_not_null(v, "bad test JSON %s: %s", in, e.text);
    cc_buf b;
    cc_buf_init(&b);
    const char *why = NULL;
    cr_assert_eq(cc_canon_json(v, &b, &why), CC_OK, "%s: %s", in, why ? why : "");
    cr_expect_str_eq(b.data, want);
    cc_buf_free(&b);
    json_decref(v);
}

Test(canon, sorts_keys_and_strips_space)
{
    expect_canon("{ \"b\": 1, \"a\": [true, false, null], \"ab\": {\"z\": -3, \"y\": \"x\"} }",
                 "{\"a\":[true,false,null],\"ab\":{\"y\":\"x\",\"z\":-3},\"b\":1}");
    expect_canon("{}", "{}");
    expect_canon("[]", "[]");
    expect_canon("\"\"", "\"\"");
}

Test(canon, escapes_minimally)
{
    expect_canon("\"q\\\" b\\\\ n\\n t\\t c\\u0001 d\\u007f s/ e\\u00e9 k\\u041a\"",
                 "\"q\\\" b\\\\ n\\n t\\t c\\u0001 d\x7f s/ e\xc3\xa9 k\xd0\x9a\"");
    expect_canon("\"\\b\\f\\r\\u001f\"", "\"\\b\\f\\r\\u001f\"");
}

Test(canon, refuses_reals_and_big_integers)
{
    const char *bad[] = {"1.5", "{\"a\": 1e3}", "9007199254740992", "-9007199254740992"};
    for (size_t i = 0; i < 4; i++) {
        json_t *v = json_loads(bad[i], JSON_DECODE_ANY, NULL);
        cr_assert_not_null(v);
        cc_buf b;
        cc_buf_init(&b);
        const char *why = NULL;
        cr_expect_eq(cc_canon_json(v, &b, &why), CC_ERR_INVALID, "%s", bad[i]);
        cr_expect_not_null(why);
        cc_buf_free(&b);
        json_decref(v);
    }
    expect_canon("9007199254740991", "9007199254740991");
}

Test(canon, refuses_deep_nesting_and_nul)
{
    json_t *v = json_array();
    json_t *cur = v;
    for (int i = 0; i < 40; i++) {
        json_t *n = json_array();
        json_array_append_new(cur, n);
        cur = n;
    }
    cc_buf b;
    cc_buf_init(&b);
    const char *why = NULL;
    cr_expect_eq(cc_canon_json(v, &b, &why), CC_ERR_INVALID);
    cr_expect_str_eq(why, "nesting too deep");
    json_decref(v);
    cc_buf_reset(&b);
    json_t *s = json_stringn("a\0b", 3);
    cr_expect_eq(cc_canon_json(s, &b, &why), CC_ERR_INVALID);
    json_decref(s);
    cc_buf_free(&b);
}

Test(buf, appends_and_grows)
{
    cc_buf b;
    cc_buf_init(&b);
    for (int i = 0; i < 1000; i++)
        cr_assert_eq(cc_buf_printf(&b, "%d,", i), CC_OK);
    cr_expect_eq(strncmp(b.data, "0,1,2,", 6), 0);
    cr_expect_eq(b.data[b.len], 0);
    size_t len = b.len;
    cc_buf_reset(&b);
    cr_expect_eq(b.len, 0);
    cr_expect_geq(b.cap, len);
    cc_buf_free(&b);
}
