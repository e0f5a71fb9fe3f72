/* Tests of core/cjw (the direct canonical JSON writer) against core/canon (the jansson reference):
 * the same bytes and the same refusals, on fixed cases and on random documents with every escape,
 * non-ASCII text, invalid UTF-8, integers at and past the 2^53 bounds and nested objects; and the
 * event record written directly (cc_evlog_encode, cc_evlog_encode_fields) against the reference
 * record encoder. */
#include <criterion/criterion.h>
#include <string.h>

#include "core/canon.h"
#include "core/cjw.h"
#include "core/evlog.h"

/* both encoders on v: the same status, and on success the same bytes */
static void same(const json_t *v, int depth)
{
    cc_buf a, b;
    cc_buf_init(&a);
    cc_buf_init(&b);
    const char *wa = NULL, *wb = NULL;
    cc_err ra = cc_canon_json(v, &a, &wa);
    cc_err rb = depth ? cc_cjw_json_at(&b, v, depth, &wb) : cc_cjw_json(&b, v, &wb);
    if (depth) {
        /* the reference at depth d: v nested in d arrays, the brackets taken off again */
        json_t *w = json_deep_copy(v);
        for (int i = 0; i < depth; i++)
            w = json_pack("[o]", w);
        cc_buf_reset(&a);
        ra = cc_canon_json(w, &a, &wa);
        json_decref(w);
        if (ra == CC_OK) {
            memmove(a.data, a.data + depth, a.len - 2 * (size_t)depth);
            a.len -= 2 * (size_t)depth;
            a.data[a.len] = 0;
        }
    }
    cr_assert_eq(ra, rb, "status %d (%s) against %d (%s)", ra, wa ? wa : "", rb, wb ? wb : "");
    if (ra == CC_OK) {
        cr_assert_eq(a.len, b.len, "length %zu against %zu:\n%s\n%s", a.len, b.len, a.data, b.data);
        cr_assert(memcmp(a.data, b.data, a.len) == 0, "bytes differ:\n%s\n%s", a.data, b.data);
    } else {
        cr_assert_str_eq(wa, wb);
    }
    cc_buf_free(&a);
    cc_buf_free(&b);
}

Test(cjw, fixed_cases)
{
    const char *in[] = {"{ \"b\": 1, \"a\": [true, false, null], \"ab\": {\"z\": -3, \"y\": \"x\"} }",
                        "{}",
                        "[]",
                        "\"\"",
                        "\"q\\\" b\\\\ n\\n t\\t c\\u0001 d\\u007f s/ e\\u00e9 k\\u041a\"",
                        "\"\\b\\f\\r\\u001f\\u0000x\"",
                        "1.5",
                        "9007199254740991",
                        "-9007199254740991",
                        "9007199254740992",
                        "-9007199254740992",
                        "0",
                        "-1",
                        "{\"\\u00e9\": 1, \"e\": 2, \"\": 3, \"ee\": 4, \"\\u0001\": 5}",
                        "\"\\ud83d\\ude00 emoji\""};
    for (size_t i = 0; i < sizeof in / sizeof in[0]; i++) {
        json_error_t e;
        json_t *v = json_loads(in[i], JSON_DECODE_ANY | JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &e);
        cr_assert_not_null(v, "%s: %s", in[i], e.text);
        same(v, 0);
        json_decref(v);
    }
    /* invalid UTF-8 (jansson's constructors refuse it; json_stringn_nocheck does not) and NUL */
    const char *bad[] = {"a\xc0\xafz", "\xed\xa0\x80", "\xf4\x90\x80\x80", "ok\xe2\x82", "\x80", "x\0y"};
    size_t blen[] = {4, 3, 4, 4, 1, 3};
    for (size_t i = 0; i < 6; i++) {
        json_t *v = json_stringn_nocheck(bad[i], blen[i]);
        same(v, 0);
        json_decref(v);
    }
    /* nesting: 32 levels pass, 33 do not, in both */
    json_t *deep = json_integer(1);
    for (int i = 0; i < 33; i++) {
        same(deep, 0);
        deep = json_pack("{s:o}", "k", deep);
    }
    same(deep, 0);
    same(deep, 1);
    json_decref(deep);
}

/* A small deterministic generator (xorshift), so a failure repeats. */
static uint64_t rnd_state;
static uint64_t rnd(void)
{
    rnd_state ^= rnd_state << 13;
    rnd_state ^= rnd_state >> 7;
    rnd_state ^= rnd_state << 17;
    return rnd_state;
}

/* a string of n bytes drawn from ASCII, every escape, multi-byte UTF-8 and (rarely) invalid bytes */
static void rnd_text(char *s, size_t *len, int allow_bad)
{
    static const char *const pieces[] = {"a",
                                         "Z",
                                         "0",
                                         " ",
                                         "/",
                                         "\"",
                                         "\\",
                                         "\n",
                                         "\t",
                                         "\r",
                                         "\b",
                                         "\f",
                                         "\x01",
                                         "\x1f",
                                         "\x7f",
                                         "\xc3\xa9",
                                         "\xd0\x9a",
                                         "\xe2\x82\xac",
                                         "\xf0\x9f\x98\x80",
                                         "}",
                                         "{",
                                         ":",
                                         ","};
    static const char *const badp[] = {"\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80",
                                       "\xe2\x82", "\x80",         "\xff"};
    size_t n = rnd() % 12, k = 0;
    for (size_t i = 0; i < n; i++) {
        const char *p = allow_bad && rnd() % 40 == 0 ? badp[rnd() % 6] : pieces[rnd() % 23];
        size_t m = strlen(p);
        memcpy(s + k, p, m);
        k += m;
    }
    if (allow_bad && rnd() % 60 == 0)
        s[k++] = 0; /* an embedded NUL */
    s[k] = 0;
    *len = k;
}

static json_t *rnd_value(int depth, int allow_bad)
{
    int kind = depth > 4 ? (int)(rnd() % 5) : (int)(rnd() % 8);
    char s[256];
    size_t n;
    switch (kind) {
    case 0: return json_null();
    case 1: return json_boolean(rnd() % 2);
    case 2: {
        static const long long edge[] = {0,
                                         1,
                                         -1,
                                         9,
                                         10,
                                         -10,
                                         9007199254740991LL,
                                         -9007199254740991LL,
                                         9007199254740992LL,
                                         -9007199254740992LL,
                                         1234567890123LL};
        if (rnd() % 2)
            return json_integer(edge[rnd() % 11]);
        return json_integer((long long)(rnd() % 20000000000000000ULL) - 10000000000000000LL);
    }
    case 3:
        if (allow_bad && rnd() % 30 == 0)
            return json_real(0.5);
        /* fall through */
    case 4: rnd_text(s, &n, allow_bad); return json_stringn_nocheck(s, n);
    case 5:
    case 6: {
        json_t *o = json_object();
        size_t m = rnd() % 7;
        for (size_t i = 0; i < m; i++) {
            rnd_text(s, &n, 0);
            s[n] = 0;
            json_object_set_new_nocheck(o, s, rnd_value(depth + 1, allow_bad));
        }
        return o;
    }
    default: {
        json_t *a = json_array();
        size_t m = rnd() % 5;
        for (size_t i = 0; i < m; i++)
            json_array_append_new(a, rnd_value(depth + 1, allow_bad));
        return a;
    }
    }
}

Test(cjw, random_documents_match_the_reference)
{
    rnd_state = 0x9e3779b97f4a7c15ULL;
    for (int i = 0; i < 20000; i++) {
        json_t *v = rnd_value(0, i % 2);
        same(v, 0);
        same(v, 1);
        json_decref(v);
    }
}

/* fields give the same bytes as the equal jansson object */
Test(cjw, fields_match_the_object)
{
    json_t *inner = json_pack("{s:i,s:s}", "n", 3, "t", "x\ny");
    cc_jf sub[] = {CC_JF_S("zeta", "z"), CC_JF_I("alpha", -7)};
    cc_jf f[] = {CC_JF_S("seat", "kor-nso"),
                 CC_JF_S("kind", "inject \"I-1\" \xc3\xa9"),
                 CC_JF_S("none", NULL),
                 CC_JF_I("big", 9007199254740991LL),
                 CC_JF_B("yes", 1),
                 CC_JF_B("no", 0),
                 CC_JF_NUL("nil"),
                 CC_JF_J("j", inner),
                 CC_JF_J("jn", NULL),
                 CC_JF_O("obj", sub, 2),
                 {.key = "strn", .kind = CC_JF_STRN, .s = "abc\tdef", .n = 5}};
    json_t *o =
        json_pack("{s:s,s:s,s:n,s:I,s:b,s:b,s:n,s:O,s:n,s:{s:s,s:i},s:s}", "seat", "kor-nso", "kind",
                  "inject \"I-1\" \xc3\xa9", "none", "big", (json_int_t)9007199254740991LL, "yes", 1, "no", 0,
                  "nil", "j", inner, "jn", "obj", "zeta", "z", "alpha", -7, "strn", "abc\td");
    cr_assert_not_null(o);
    cc_buf a, b;
    cc_buf_init(&a);
    cc_buf_init(&b);
    cr_assert_eq(cc_canon_json(o, &a, NULL), CC_OK);
    const char *why = NULL;
    cr_assert_eq(cc_cjw_fields(&b, f, sizeof f / sizeof f[0], &why), CC_OK, "%s", why);
    cr_assert_str_eq(a.data, b.data);
    /* refusals: a duplicate key, an integer past 2^53, a bad string */
    cc_jf dup[] = {CC_JF_I("a", 1), CC_JF_I("a", 2)};
    cr_assert_eq(cc_cjw_fields(&b, dup, 2, &why), CC_ERR_INVALID);
    cr_assert_str_eq(why, "duplicate key");
    cc_jf big[] = {CC_JF_I("a", 9007199254740992LL)};
    cr_assert_eq(cc_cjw_fields(&b, big, 1, &why), CC_ERR_INVALID);
    cc_jf bad[] = {CC_JF_S("a", "\xc0\xaf")};
    cr_assert_eq(cc_cjw_fields(&b, bad, 1, &why), CC_ERR_INVALID);
    cr_assert_str_eq(why, "string is not valid UTF-8 or contains NUL");
    /* an object of more members than sort on the stack */
    cc_jf many[100];
    char keys[100][8];
    json_t *om = json_object();
    for (int i = 0; i < 100; i++) {
        snprintf(keys[i], sizeof keys[i], "k%d", (i * 37) % 100);
        many[i] = CC_JF_I(keys[i], i);
        json_object_set_new(om, keys[i], json_integer(i));
    }
    cc_buf_reset(&a);
    cc_buf_reset(&b);
    cr_assert_eq(cc_canon_json(om, &a, NULL), CC_OK);
    cr_assert_eq(cc_cjw_fields(&b, many, 100, &why), CC_OK);
    cr_assert_str_eq(a.data, b.data);
    same(om, 0);
    json_decref(om);
    json_decref(o);
    json_decref(inner);
    cc_buf_free(&a);
    cc_buf_free(&b);
}

/* the event record: direct encoders against the reference, hash included */
Test(cjw, event_records_match_the_reference)
{
    rnd_state = 12345;
    cc_buf a, b, c;
    cc_buf_init(&a);
    cc_buf_init(&b);
    cc_buf_init(&c);
    for (int i = 0; i < 3000; i++) {
        char actor[256], label[256];
        size_t n;
        rnd_text(actor, &n, 0);
        rnd_text(label, &n, 0);
        json_t *p = json_object();
        size_t m = rnd() % 6;
        cc_jf f[8];
        char keys[8][16];
        char vals[8][256];
        for (size_t k = 0; k < m; k++) {
            snprintf(keys[k], sizeof keys[k], "m%u", (unsigned)(rnd() % 1000));
            if (json_object_get(p, keys[k])) {
                m = k;
                break;
            }
            rnd_text(vals[k], &n, 0);
            f[k] = CC_JF_S(keys[k], vals[k]);
            json_object_set_new(p, keys[k], json_string(vals[k]));
        }
        cc_evrec r = {.seq = rnd() % 9007199254740992ULL,
                      .t_ms = (int64_t)(rnd() % 1000000000),
                      .wall_ms = i % 3 ? (int64_t)(rnd() % 9007199254740992ULL) : 0,
                      .actor = i % 4 ? actor : NULL,
                      .type = (char *)"delivery",
                      .label = i % 5 ? label : NULL,
                      .payload = i % 7 ? p : NULL};
        for (int k = 0; k < 32; k++) {
            r.prev[k] = (unsigned char)rnd();
            r.digest[k] = (unsigned char)rnd();
        }
        cc_buf_reset(&a);
        cc_buf_reset(&b);
        cc_buf_reset(&c);
        cr_assert_eq(cc_evlog_encode_ref(&r, &a), CC_OK);
        unsigned char h[32];
        memcpy(h, r.hash, 32);
        memset(r.hash, 0, 32);
        cr_assert_eq(cc_evlog_encode(&r, &b), CC_OK);
        cr_assert(memcmp(h, r.hash, 32) == 0);
        cr_assert_str_eq(a.data, b.data);
        if (r.payload) {
            cr_assert_eq(cc_evlog_encode_fields(&r, f, m, &c), CC_OK);
            cr_assert_str_eq(a.data, c.data);
        }
        /* and the line decodes with its hash */
        cc_evrec d;
        cc_evlog_error err;
        cr_assert_eq(cc_evlog_decode(b.data, b.len - 1, &d, &err), CC_OK, "%s", err.message);
        cc_evrec_clear(&d);
        json_decref(p);
    }
    /* a payload that is not an object, and one with a real, are refused by both */
    json_t *arr = json_array();
    cc_evrec r = {.type = (char *)"x", .payload = arr};
    cr_assert_eq(cc_evlog_encode_ref(&r, &a), CC_ERR_INVALID);
    cr_assert_eq(cc_evlog_encode(&r, &b), CC_ERR_INVALID);
    json_decref(arr);
    cc_buf_free(&a);
    cc_buf_free(&b);
    cc_buf_free(&c);
}
