/* Tests of core/evlog: encode/decode round trip, hash chain values, every refusal with its
 * message, and the differential test of the fast scanner against the jansson path. */
#include <criterion/criterion.h>
#include <criterion/logging.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/canon.h"
#include "core/engine.h"
#include "core/evlog.h"
#include "core/scenario_model.h"
#include "io/scenario_load.h"

static void make(cc_evrec *e)
{
    memset(e, 0, sizeof *e);
    e->seq = 3;
    e->t_ms = 5400000;
    e->wall_ms = 1772460000000;
    e->actor = "usa-chair";
    e->type = "consult.ack";
    e->label = "SECRET//REL TO KOR, USA";
    e->payload = json_pack("{s:s,s:i}", "consultation", "C-1", "stage", 1);
    memset(e->prev, 0xab, 32);
    memset(e->digest, 0x01, 32);
}

Test(evlog, encodes_canonically_and_decodes)
{
    cc_evrec e;
    make(&e);
    cc_buf b;
    cc_buf_init(&b);
    cr_assert_eq(cc_evlog_encode(&e, &b), CC_OK);
    cr_expect_eq(b.data[b.len - 1], '\n');
    const char *prefix = "{\"actor\":\"usa-chair\",\"digest\":\"0101";
    cr_expect_eq(strncmp(b.data, prefix, strlen(prefix)), 0, "%s", b.data);
    cc_evrec d;
    cc_evlog_error err;
    cr_assert_eq(cc_evlog_decode(b.data, b.len - 1, &d, &err), CC_OK, "%s", err.message);
    cr_expect_eq(d.seq, 3);
    cr_expect_eq(d.t_ms, 5400000);
    cr_expect_str_eq(d.actor, "usa-chair");
    cr_expect_str_eq(d.label, "SECRET//REL TO KOR, USA");
    cr_expect_eq(memcmp(d.hash, e.hash, 32), 0);
    cr_expect(json_equal(d.payload, e.payload));
    cc_evrec_clear(&d);
    cc_buf_free(&b);
    json_decref(e.payload);
}

Test(evlog, hash_changes_with_any_field)
{
    cc_evrec e;
    make(&e);
    cc_buf b;
    cc_buf_init(&b);
    cc_evlog_encode(&e, &b);
    unsigned char h0[32];
    memcpy(h0, e.hash, 32);
    e.t_ms++;
    cc_evlog_encode(&e, &b);
    cr_expect_neq(memcmp(h0, e.hash, 32), 0);
    e.t_ms--;
    e.prev[31] ^= 1;
    cc_evlog_encode(&e, &b);
    cr_expect_neq(memcmp(h0, e.hash, 32), 0);
    e.prev[31] ^= 1;
    cc_evlog_encode(&e, &b);
    cr_expect_eq(memcmp(h0, e.hash, 32), 0);
    cc_buf_free(&b);
    json_decref(e.payload);
}

static void expect_refused(const char *line, const char *msg)
{
    cc_evrec d;
    cc_evlog_error err;
    cr_expect_eq(cc_evlog_decode(line, strlen(line), &d, &err), CC_ERR_PARSE, "accepted: %s", line);
    cr_expect(strstr(err.message, msg) != NULL, "message '%s' lacks '%s'", err.message, msg);
}

Test(evlog, refuses_bad_lines)
{
    cc_evrec e;
    make(&e);
    cc_buf b;
    cc_buf_init(&b);
    cc_evlog_encode(&e, &b);
    b.data[--b.len] = 0; /* drop newline */
    char *good = strdup(b.data);
    /* byte flip inside a value: hash mismatch */
    char *flip = strdup(good);
    *strstr(flip, "C-1") = 'D';
    expect_refused(flip, "hash does not match");
    /* whitespace: not canonical */
    char ws[4096];
    snprintf(ws, sizeof ws, "{ %s", good + 1);
    expect_refused(ws, "not in canonical form");
    expect_refused("not json", "not valid JSON");
    expect_refused("[1,2]", "must be a JSON object");
    expect_refused("{\"v\":1}", "missing member");
    char *ver = strdup(good);
    char *p = strstr(ver, "\"v\":1");
    p[4] = '9';
    expect_refused(ver, "unsupported event log version 9");
    char dup[4096];
    snprintf(dup, sizeof dup, "{\"actor\":\"x\",%s", good + 1);
    expect_refused(dup, "not valid JSON");
    char extra[4096];
    snprintf(extra, sizeof extra, "{\"zz\":1,%s", good + 1);
    expect_refused(extra, "unknown member \"zz\"");
    free(flip);
    free(ver);
    free(good);
    cc_buf_free(&b);
    json_decref(e.payload);
}

Test(evlog, hex_round_trip)
{
    unsigned char in[4] = {0x00, 0x7f, 0xa5, 0xff}, out[4];
    char hex[9];
    cc_hex(in, 4, hex);
    cr_expect_str_eq(hex, "007fa5ff");
    cr_expect_eq(cc_unhex(hex, 8, out, 4), 0);
    cr_expect_eq(memcmp(in, out, 4), 0);
    cr_expect_eq(cc_unhex("007FA5FF", 8, out, 4), -1);
    cr_expect_eq(cc_unhex("007fa5f", 7, out, 4), -1);
}

/* cc_hex of a hash (its own path) and of other lengths: every byte value at every position, as
 * printf's %02x writes it. */
Test(evlog, hex_every_byte)
{
    for (size_t n = 1; n <= 33; n += 31) {
        for (int c = 0; c < 256; c++) {
            unsigned char in[33];
            char out[67], want[67];
            for (size_t i = 0; i < n; i++)
                in[i] = (unsigned char)(c + 7 * i);
            for (size_t i = 0; i < n; i++)
                snprintf(want + 2 * i, 3, "%02x", in[i]);
            cc_hex(in, n, out);
            cr_assert_str_eq(out, want, "n %zu c %d", n, c);
        }
    }
    unsigned char h[32];
    char out[65], want[65];
    for (int c = 0; c < 256; c++) {
        for (size_t i = 0; i < 32; i++) {
            h[i] = (unsigned char)(c + 13 * i);
            snprintf(want + 2 * i, 3, "%02x", h[i]);
        }
        cc_hex(h, 32, out);
        cr_assert_str_eq(out, want, "c %d", c);
    }
}

/* cc_unhex against the rule it states, for every pair of bytes at every position of a 32-byte hash
 * (the vectorised path) and of a 2-byte one (the loop): lower-case digits only. */
Test(evlog, unhex_every_byte_pair)
{
    static const char ok[] = "0123456789abcdef";
    char good[65];
    unsigned char want[32], out[32];
    for (int i = 0; i < 32; i++)
        want[i] = (unsigned char)(i * 37 + 11);
    cc_hex(want, 32, good);
    for (int c = 0; c < 256; c++) {
        const char *d = c ? strchr(ok, c) : NULL;
        for (int pos = 0; pos < 64; pos += 9) {
            char h[65];
            memcpy(h, good, 65);
            h[pos] = (char)c;
            int rc = cc_unhex(h, 64, out, 32);
            cr_assert_eq(rc, d ? 0 : -1, "byte %d at %d", c, pos);
            if (d) {
                unsigned char w[32];
                memcpy(w, want, 32);
                unsigned v = (unsigned)(d - ok);
                w[pos / 2] =
                    (unsigned char)(pos % 2 ? (w[pos / 2] & 0xf0) | v : (w[pos / 2] & 0x0f) | v << 4);
                cr_assert_eq(memcmp(out, w, 32), 0, "byte %d at %d", c, pos);
            }
        }
        for (int c2 = 0; c2 < 256; c2++) {
            char h[4] = {(char)c, (char)c2, '7', 'f'};
            const char *d2 = c2 ? strchr(ok, c2) : NULL;
            unsigned char o[2];
            int rc = cc_unhex(h, 4, o, 2);
            cr_assert_eq(rc, d && d2 ? 0 : -1, "bytes %d %d", c, c2);
            if (d && d2)
                cr_assert(o[0] == (unsigned)((d - ok) << 4 | (d2 - ok)) && o[1] == 0x7f);
        }
    }
}

/* cc_evlog_encode_seen: the same line and hash as cc_evlog_encode, whether seen is the line itself
 * (the hash is taken), NULL, or a checked line that differs from the record (the hash computed). */
Test(evlog, encode_seen_gives_the_same_bytes)
{
    cc_evrec e;
    make(&e);
    cc_buf want, b;
    cc_buf_init(&want);
    cc_buf_init(&b);
    cr_assert_eq(cc_evlog_encode(&e, &want), CC_OK);
    unsigned char hash[32];
    memcpy(hash, e.hash, 32);
    /* another record of the same length: the stage 1 -> 2, checked */
    char *other = strndup(want.data, want.len - 1);
    cc_evrec e2;
    make(&e2);
    json_decref(e2.payload);
    e2.payload = json_pack("{s:s,s:i}", "consultation", "C-1", "stage", 2);
    cc_buf ob;
    cc_buf_init(&ob);
    cr_assert_eq(cc_evlog_encode(&e2, &ob), CC_OK);
    cr_assert_eq(ob.len, want.len);
    cc_evhead h;
    cc_evlog_error err;
    cr_assert_eq(cc_evlog_check(ob.data, ob.len - 1, &h, &err), CC_OK);
    const char *seen[3] = {other, NULL, ob.data};
    for (int k = 0; k < 3; k++) {
        cc_buf_reset(&b);
        memset(e.hash, 0, 32);
        cr_assert_eq(cc_evlog_encode_seen(&e, NULL, 0, seen[k], seen[k] ? want.len - 1 : 0, &b), CC_OK);
        cr_expect_eq(b.len, want.len, "case %d", k);
        cr_expect_eq(memcmp(b.data, want.data, want.len), 0, "case %d: %s", k, b.data);
        cr_expect_eq(memcmp(e.hash, hash, 32), 0, "case %d", k);
    }
    free(other);
    cc_buf_free(&ob);
    cc_buf_free(&want);
    cc_buf_free(&b);
    json_decref(e.payload);
    json_decref(e2.payload);
}

/* ---- Every refusal, with the message the slow path gives --------------------------------------
 * Each case edits a good line (first occurrence of from -> to), gives it a matching hash where
 * it still has a hash member, and expects the message; cc_evlog_check must refuse it with the
 * same message, so the fast path changes no refusal. */

/* Sets the "hash" member (the first "hash":"<64>", as the decoder finds it) to the SHA-256 of
 * the rest of the line, so that a mutation reaches the checks before the hash. 0 when the line
 * has no such member. */
static int rehash(char *l, size_t n)
{
    const char *pat = "\"hash\":\"";
    for (size_t i = 0; i + 74 <= n; i++) {
        if (memcmp(l + i, pat, 8) != 0)
            continue;
        if (l[i + 72] != '"' || l[i + 73] != ',')
            return 0;
        unsigned char h[32];
        crypto_hash_sha256_state hs;
        crypto_hash_sha256_init(&hs);
        crypto_hash_sha256_update(&hs, (const unsigned char *)l, i);
        crypto_hash_sha256_update(&hs, (const unsigned char *)l + i + 74, n - i - 74);
        crypto_hash_sha256_final(&hs, h);
        char hex[65];
        cc_hex(h, 32, hex);
        memcpy(l + i + 8, hex, 64);
        return 1;
    }
    return 0;
}

/* line with the first occurrence of from replaced by to (malloc'd, NUL-terminated); NULL when
 * from does not occur. */
static char *replace(const char *line, size_t n, const char *from, size_t fn, const char *to, size_t tn,
                     size_t *outn)
{
    for (size_t i = 0; i + fn <= n; i++) {
        if (memcmp(line + i, from, fn) != 0)
            continue;
        char *o = malloc(n - fn + tn + 1);
        memcpy(o, line, i);
        memcpy(o + i, to, tn);
        memcpy(o + i + tn, line + i + fn, n - i - fn);
        *outn = n - fn + tn;
        o[*outn] = 0;
        return o;
    }
    return NULL;
}

static char *good_line(size_t *n)
{
    cc_evrec e;
    make(&e);
    cc_buf b;
    cc_buf_init(&b);
    cr_assert_eq(cc_evlog_encode(&e, &b), CC_OK);
    json_decref(e.payload);
    *n = b.len - 1;
    b.data[*n] = 0;
    return b.data;
}

typedef struct refusal {
    const char *from, *to; /* edit of the good line ("" from: replace nothing, to is the line) */
    const char *msg;
} refusal;

Test(evlog, every_refusal_has_its_message_on_both_paths)
{
    static const refusal cases[] = {
        {"", "not json", "not valid JSON at column"},
        {"", "[1,2]", "an event must be a JSON object"},
        {"", "{\"v\":1}", "missing member \"seq\""},
        {",\"v\":1,", ",\"v\":1,\"zz\":1,", "unknown member \"zz\""},
        {"\"v\":1", "\"v\":\"1\"", "\"v\" must be an integer"},
        {"\"v\":1", "\"v\":2", "unsupported event log version 2 (this caucus reads version 1)"},
        {"\"seq\":3", "\"seq\":-3", "\"seq\" must be a non-negative integer"},
        {"\"seq\":3", "\"seq\":\"3\"", "\"seq\" must be a non-negative integer"},
        {"\"t\":5400000", "\"t\":-1", "\"t\" must be a non-negative integer"},
        {"\"wall\":1772460000000", "\"wall\":null", "\"wall\" must be a non-negative integer"},
        {"\"actor\":\"usa-chair\"", "\"actor\":7", "\"actor\" must be a string or null"},
        {"\"type\":\"consult.ack\"", "\"type\":\"\"", "\"type\" must be a non-empty string"},
        {"\"type\":\"consult.ack\"", "\"type\":null", "\"type\" must be a non-empty string"},
        {"\"label\":\"SECRET//REL TO KOR, USA\"", "\"label\":[]", "\"label\" must be a string or null"},
        {"{\"consultation\":\"C-1\",\"stage\":1}", "[\"C-1\",1]", "\"payload\" must be an object"},
        {"\"prev\":\"ab", "\"prev\":\"AB", "\"prev\" must be 64 lower-case hex digits"},
        {"\"digest\":\"01", "\"digest\":\"1", "\"digest\" must be 64 lower-case hex digits"},
        {"\"hash\":\"", "\"hash\":\"x", "\"hash\" must be 64 lower-case hex digits"},
        {"\"stage\":1", "\"stage\":1.0", "not canonical: real numbers are not allowed"},
        {"\"stage\":1", "\"stage\":9007199254740992",
         "not canonical: integer out of the exact range of 2^53"},
        {"\"stage\":1", "\"stage\":-9007199254740992",
         "not canonical: integer out of the exact range of 2^53"},
        {"\"stage\":1", "\"stage\":01", "not valid JSON"},
        {"\"C-1\"", "\"C-\\u0000\"", "not valid JSON"},
        {"\"C-1\"", "\"C-\xc3\"", "not valid JSON"},
        {"\"C-1\"", "\"C-\\ud800\"", "not valid JSON"},
        {"{\"consultation\"", "{\"stage\":1,\"consultation\"", "not valid JSON"}, /* duplicate */
        {"{\"consultation\"", " {\"consultation\"", "not in canonical form (first difference at byte"},
        {"\"C-1\"", "\"C\\u002d1\"", "not in canonical form (first difference at byte"},
        {"\"C-1\"", "\"C-1\\/\"", "not in canonical form (first difference at byte"},
        {"\"stage\":1}", "\"stage\":1,\"a\":0}", "not in canonical form (first difference at byte"},
        {"\"stage\":1", "\"stage\":-0", "not in canonical form (first difference at byte"},
        {"\"stage\":1", "\"stage\":1e0", "not canonical: real numbers are not allowed"},
        {"\"stage\":1", "\"stage\":2", "hash does not match the record's contents"},
    };
    size_t gn;
    char *good = good_line(&gn);
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        const refusal *c = &cases[k];
        size_t n;
        char *l = c->from[0] ? replace(good, gn, c->from, strlen(c->from), c->to, strlen(c->to), &n)
                             : strdup(c->to);
        cr_assert_not_null(l, "case %zu: '%s' not in the good line", k, c->from);
        if (!c->from[0])
            n = strlen(l);
        if (!strstr(c->msg, "hash does not match"))
            rehash(l, n);
        cc_evrec d;
        cc_evlog_error err, err2;
        cc_evhead h;
        cr_expect_eq(cc_evlog_decode(l, n, &d, &err), CC_ERR_PARSE, "case %zu accepted: %s", k, l);
        cr_expect(strstr(err.message, c->msg) == err.message, "case %zu: '%s', expected '%s'", k, err.message,
                  c->msg);
        cr_expect_eq(cc_evlog_check(l, n, &h, &err2), CC_ERR_PARSE, "case %zu accepted by check", k);
        cr_expect_str_eq(err2.message, err.message, "case %zu", k);
        free(l);
    }
    /* longer than CC_EVLOG_LINE_MAX: refused before anything else */
    char *big = malloc(CC_EVLOG_LINE_MAX + 2);
    memset(big, ' ', CC_EVLOG_LINE_MAX + 1);
    big[CC_EVLOG_LINE_MAX + 1] = 0;
    cc_evrec d;
    cc_evlog_error err, err2;
    cc_evhead h;
    cr_expect_eq(cc_evlog_decode(big, CC_EVLOG_LINE_MAX + 1, &d, &err), CC_ERR_PARSE);
    cr_expect_str_eq(err.message, "line is longer than 1048576 bytes");
    cr_expect_eq(cc_evlog_check(big, CC_EVLOG_LINE_MAX + 1, &h, &err2), CC_ERR_PARSE);
    cr_expect_str_eq(err2.message, err.message);
    free(big);
    free(good);
}

Test(evlog, check_extracts_the_fixed_fields)
{
    size_t n;
    char *good = good_line(&n);
    cc_evhead h;
    cc_evlog_error err;
    cr_assert_eq(cc_evlog_check(good, n, &h, &err), CC_OK, "%s", err.message);
    cr_expect_str_eq(err.message, "");
    cr_expect_eq(h.seq, 3);
    cr_expect_eq(h.t_ms, 5400000);
    cr_expect_eq(h.wall_ms, 1772460000000);
    cr_expect_eq(h.type_len, strlen("consult.ack"));
    cr_expect_eq(memcmp(h.type, "consult.ack", h.type_len), 0);
    unsigned char ab[32], one[32];
    memset(ab, 0xab, 32);
    memset(one, 0x01, 32);
    cr_expect_eq(memcmp(h.prev, ab, 32), 0);
    cr_expect_eq(memcmp(h.digest, one, 32), 0);
    cc_evrec d;
    cr_assert_eq(cc_evlog_decode(good, n, &d, &err), CC_OK);
    cr_expect_eq(memcmp(h.hash, d.hash, 32), 0);
    cc_evrec_clear(&d);
    free(good);
}

/* ---- Differential test: the fast scanner against the jansson path ---------------------------
 * Every line below goes through CC_EVLOG_FAST, CC_EVLOG_SLOW, cc_evlog_decode and
 * cc_evlog_check: the fast scanner must accept exactly the lines the slow path accepts (never
 * more; and no fewer, so that the fast path is the whole happy path) with the same values, and
 * decode and check must refuse with the slow path's message. Lines: the logs of the sample
 * scenarios, records built to hold escapes, unicode and numbers at the limits, and many
 * deterministic mutations of them, each also with its hash recomputed so that it reaches the
 * checks before the hash. */

typedef struct diff_stats {
    size_t lines;    /* lines compared */
    size_t accepted; /* by both paths */
} diff_stats;

static int same_str(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* The canonical JSON text of a string, without its quotes, in out (malloc'd). */
static char *canon_body(const char *s, size_t *n)
{
    json_t *j = json_string(s);
    cc_buf b;
    cc_buf_init(&b);
    cr_assert_eq(cc_canon_json(j, &b, NULL), CC_OK);
    json_decref(j);
    memmove(b.data, b.data + 1, b.len - 2);
    *n = b.len - 2;
    return b.data;
}

static int same_payload(const json_t *a, const json_t *b)
{
    cc_buf x, y;
    cc_buf_init(&x);
    cc_buf_init(&y);
    int same = json_equal(a, b) && cc_canon_json(a, &x, NULL) == CC_OK &&
               cc_canon_json(b, &y, NULL) == CC_OK && x.len == y.len && memcmp(x.data, y.data, x.len) == 0;
    cc_buf_free(&x);
    cc_buf_free(&y);
    return same;
}

static int same_rec(const cc_evrec *a, const cc_evrec *b)
{
    return a->seq == b->seq && a->t_ms == b->t_ms && a->wall_ms == b->wall_ms &&
           same_str(a->actor, b->actor) && same_str(a->type, b->type) && same_str(a->label, b->label) &&
           same_payload(a->payload, b->payload) && memcmp(a->prev, b->prev, 32) == 0 &&
           memcmp(a->digest, b->digest, 32) == 0 && memcmp(a->hash, b->hash, 32) == 0;
}

/* A printable prefix of a line for failure messages. */
static const char *shown(const char *l, size_t n, char *out, size_t cap)
{
    size_t k = 0;
    for (size_t i = 0; i < n && k + 5 < cap; i++) {
        unsigned char c = (unsigned char)l[i];
        if (c >= 0x20 && c < 0x7f) {
            out[k++] = (char)c;
        } else {
            snprintf(out + k, cap - k, "\\x%02x", c);
            k += 4;
        }
    }
    out[k] = 0;
    return out;
}

static void diff_one(const char *l, size_t n, diff_stats *st)
{
    cc_evrec f, s, a;
    cc_evlog_error ef, es, ea, ec;
    cc_evhead h;
    char show[700];
    cc_err rf = cc_evlog_decode_path(l, n, &f, &ef, CC_EVLOG_FAST);
    cc_err rs = cc_evlog_decode_path(l, n, &s, &es, CC_EVLOG_SLOW);
    cc_err ra = cc_evlog_decode(l, n, &a, &ea);
    cc_err rc = cc_evlog_check(l, n, &h, &ec);
    cc_evhead hs;
    cc_evlog_error ehs;
    cc_err rhs = cc_evlog_check_path(l, n, &hs, &ehs, CC_EVLOG_SLOW);
    st->lines++;
    if (rf == CC_OK && rs != CC_OK)
        cr_assert_fail("the fast path accepts a line the slow path refuses (%s): %s", es.message,
                       shown(l, n, show, sizeof show));
    if (rs == CC_OK && rf != CC_OK)
        cr_assert_fail("the fast path misses a line the slow path accepts: %s",
                       shown(l, n, show, sizeof show));
    if (ra != rs || strcmp(ea.message, es.message) != 0)
        cr_assert_fail("cc_evlog_decode: %d '%s', slow path: %d '%s': %s", ra, ea.message, rs, es.message,
                       shown(l, n, show, sizeof show));
    if (rc != rs || strcmp(ec.message, es.message) != 0)
        cr_assert_fail("cc_evlog_check: %d '%s', slow path: %d '%s': %s", rc, ec.message, rs, es.message,
                       shown(l, n, show, sizeof show));
    if (rhs != rs || strcmp(ehs.message, es.message) != 0)
        cr_assert_fail("cc_evlog_check_path SLOW: %d '%s', slow path: %d '%s': %s", rhs, ehs.message, rs,
                       es.message, shown(l, n, show, sizeof show));
    /* cc_evlog_check_spans: cc_evlog_check's verdict, message and fields; spans exactly where the
     * fast scanner accepts; from them cc_evlog_scan_checked gives what cc_evlog_scan gives */
    cc_evhead hp;
    cc_evspans sp;
    cc_evlog_error ep;
    cc_err rp = cc_evlog_check_spans(l, n, &hp, &sp, &ep);
    if (rp != rc || strcmp(ep.message, ec.message) != 0 || memcmp(&hp, &h, sizeof h) != 0 ||
        sp.scanned != (rf == CC_OK))
        cr_assert_fail("cc_evlog_check_spans differs from cc_evlog_check (%d '%s', scanned %d): %s", rp,
                       ep.message, sp.scanned, shown(l, n, show, sizeof show));
    if (sp.scanned) {
        char *b1 = malloc(n + 3), *b2 = malloc(n + 3);
        cr_assert(b1 && b2);
        cc_evrec v1, v2;
        const char *p1 = NULL, *p2 = NULL;
        size_t n1 = 0, n2 = 0;
        cr_assert(cc_evlog_scan(l, n, &v1, b1, &p1, &n1) == 1);
        cr_assert(cc_evlog_scan_checked(&hp, &sp, &v2, b2, &p2, &n2) == 1);
        v1.payload = v2.payload = s.payload; /* the text is compared below */
        if (!same_rec(&v1, &v2) || !same_rec(&v2, &s) || p1 != p2 || n1 != n2 || p1 < l || p1 + n1 > l + n ||
            (v2.actor && (v2.actor < b2 || v2.actor > b2 + n + 2)) || v2.type < b2 || v2.type > b2 + n + 2)
            cr_assert_fail("cc_evlog_scan_checked gives other values than cc_evlog_scan: %s",
                           shown(l, n, show, sizeof show));
        json_error_t je;
        json_t *pj = json_loadb(p2, n2, JSON_REJECT_DUPLICATES, &je);
        cr_assert(same_payload(pj, s.payload), "payload text: %s", shown(l, n, show, sizeof show));
        json_decref(pj);
        free(b1);
        free(b2);
    } else {
        cc_evrec v;
        const char *pt = NULL;
        size_t pn = 0;
        cr_assert(cc_evlog_scan_checked(&hp, &sp, &v, show, &pt, &pn) == 0 && !v.type && !v.actor);
    }
    if (rs != CC_OK)
        return;
    st->accepted++;
    if (memcmp(&h, &hs, sizeof h) != 0) /* both memset first, so padding compares too */
        cr_assert_fail("cc_evlog_check gives other fields on the slow path: %s",
                       shown(l, n, show, sizeof show));
    if (!same_rec(&f, &s) || !same_rec(&a, &s))
        cr_assert_fail("the paths extract different values: %s", shown(l, n, show, sizeof show));
    size_t tn;
    char *tb = canon_body(s.type, &tn);
    if (h.seq != s.seq || h.t_ms != s.t_ms || h.wall_ms != s.wall_ms || memcmp(h.prev, s.prev, 32) != 0 ||
        memcmp(h.digest, s.digest, 32) != 0 || memcmp(h.hash, s.hash, 32) != 0 || h.type_len != tn ||
        memcmp(h.type, tb, tn) != 0 || h.type < l || h.type + h.type_len > l + n)
        cr_assert_fail("cc_evlog_check extracts other values: %s", shown(l, n, show, sizeof show));
    free(tb);
    cc_evrec_clear(&f);
    cc_evrec_clear(&s);
    cc_evrec_clear(&a);
}

/* The line as it is, and with its hash recomputed when that changes it. */
static void diff_both(const char *l, size_t n, diff_stats *st)
{
    diff_one(l, n, st);
    char *c = malloc(n + 1);
    memcpy(c, l, n);
    c[n] = 0;
    if (rehash(c, n) && memcmp(c, l, n) != 0)
        diff_one(c, n, st);
    free(c);
}

static uint64_t next_rand(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* count random byte-level edits of l: a byte replaced (by one that matters to the grammar or any
 * byte), 1 to 3 bytes deleted, or 1 to 4 bytes inserted. */
static void byte_mutations(const char *l, size_t n, int count, uint64_t *rng, diff_stats *st)
{
    static const char pick[] = " \t\n\"\\/{}[],:-+.0159aefnuAEx\x01\x1f\x7f\x80\xbf\xc0\xc3\xed\xf4\xf8\xff";
    char *m = malloc(n + 8);
    for (int k = 0; k < count; k++) {
        size_t pos = (size_t)(next_rand(rng) % (n + 1)), mn = n;
        uint64_t r = next_rand(rng);
        unsigned char b =
            (r >> 8) % 4 == 0 ? (unsigned char)(r >> 16) : (unsigned char)pick[(r >> 16) % (sizeof pick - 1)];
        memcpy(m, l, n);
        switch (r % 3) {
        case 0:
            if (pos == n)
                pos--;
            m[pos] = (char)b;
            break;
        case 1: {
            size_t d = 1 + (r >> 24) % 3;
            if (pos + d > n)
                d = n - pos;
            memmove(m + pos, l + pos + d, n - pos - d);
            mn = n - d;
            break;
        }
        default: {
            size_t d = 1 + (r >> 24) % 4;
            memcpy(m + pos + d, l + pos, n - pos);
            for (size_t i = 0; i < d; i++)
                m[pos + i] = i ? pick[(r >> (28 + 4 * i)) % (sizeof pick - 1)] : (char)b;
            mn = n + d;
        }
        }
        diff_both(m, mn, st);
    }
    free(m);
}

/* Member spans [start, end) of the canonical object text o[0..n). */
static size_t members(const char *o, size_t n, size_t (*sp)[2], size_t max)
{
    size_t k = 0, start = 1;
    int depth = 0, in = 0;
    for (size_t i = 1; i + 1 < n && k < max; i++) {
        char c = o[i];
        if (in) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in = 0;
        } else if (c == '"') {
            in = 1;
        } else if (c == '{' || c == '[') {
            depth++;
        } else if (c == '}' || c == ']') {
            depth--;
        } else if (c == ',' && depth == 0) {
            sp[k][0] = start;
            sp[k++][1] = i;
            start = i + 1;
        }
    }
    if (n > 2 && k < max) {
        sp[k][0] = start;
        sp[k++][1] = n - 1;
    }
    return k;
}

/* Rebuilds the object o with its members in the order idx[0..m) into out; returns the length. */
static size_t rebuild(const char *o, size_t (*sp)[2], const size_t *idx, size_t m, char *out)
{
    size_t k = 0;
    out[k++] = '{';
    for (size_t i = 0; i < m; i++) {
        if (i)
            out[k++] = ',';
        memcpy(out + k, o + sp[idx[i]][0], sp[idx[i]][1] - sp[idx[i]][0]);
        k += sp[idx[i]][1] - sp[idx[i]][0];
    }
    out[k++] = '}';
    return k;
}

/* Calls back with each reordering, duplication and deletion of the members of object o. */
typedef void (*object_fn)(const char *obj, size_t n, void *ctx);
static void member_edits(const char *o, size_t n, object_fn fn, void *ctx)
{
    size_t sp[64][2], idx[130];
    size_t m = members(o, n, sp, 64);
    char *out = malloc(2 * n + 4);
    for (size_t j = 0; j < m; j++) {
        size_t k = 0;
        for (size_t i = 0; i < m; i++) /* swap j and j + 1 */
            idx[k++] = i == j && j + 1 < m ? j + 1 : i == j + 1 ? j : i;
        if (j + 1 < m)
            fn(out, rebuild(o, sp, idx, k, out), ctx);
        k = 0;
        for (size_t i = 0; i < m; i++) { /* duplicate j */
            idx[k++] = i;
            if (i == j)
                idx[k++] = i;
        }
        fn(out, rebuild(o, sp, idx, k, out), ctx);
        k = 0;
        for (size_t i = 0; i < m; i++) /* delete j */
            if (i != j)
                idx[k++] = i;
        fn(out, rebuild(o, sp, idx, k, out), ctx);
        k = 0;
        idx[k++] = j; /* move j to the front */
        for (size_t i = 0; i < m; i++)
            if (i != j)
                idx[k++] = i;
        fn(out, rebuild(o, sp, idx, k, out), ctx);
    }
    free(out);
}

typedef struct line_ctx {
    const char *line;
    size_t n;
    size_t p0, p1; /* the payload object's text in line */
    diff_stats *st;
} line_ctx;

/* Finds the payload object of a canonical line. */
static void find_payload(line_ctx *c)
{
    const char *k = ",\"payload\":", *e = ",\"prev\":\"";
    size_t p0 = 0, p1 = 0;
    for (size_t i = 0; i + strlen(k) <= c->n && !p0; i++)
        if (memcmp(c->line + i, k, strlen(k)) == 0)
            p0 = i + strlen(k);
    for (size_t i = c->n - strlen(e); i > p0 && !p1; i--)
        if (memcmp(c->line + i, e, strlen(e)) == 0)
            p1 = i;
    cr_assert(p0 && p1, "no payload in the line");
    c->p0 = p0;
    c->p1 = p1;
}

/* The line with its payload replaced by obj. */
static void with_payload(const char *obj, size_t on, void *ctx)
{
    line_ctx *c = ctx;
    size_t n = c->p0 + on + (c->n - c->p1);
    char *l = malloc(n + 1);
    memcpy(l, c->line, c->p0);
    memcpy(l + c->p0, obj, on);
    memcpy(l + c->p0 + on, c->line + c->p1, c->n - c->p1);
    l[n] = 0;
    diff_both(l, n, c->st);
    free(l);
}

static void whole_line(const char *obj, size_t on, void *ctx)
{
    diff_both(obj, on, ((line_ctx *)ctx)->st);
}

/* Every member of the record and of its payload, given each value of a list of numbers and
 * near-numbers (the limits of the canonical range, -0, leading zeros, fractions, exponents, 2^63,
 * 2^64, and other types). */
static void value_edits(line_ctx *c)
{
    static const char *const vals[] = {"0",
                                       "-0",
                                       "00",
                                       "01",
                                       "-01",
                                       "1",
                                       "-1",
                                       "+1",
                                       "1.0",
                                       "1.5",
                                       "0.0",
                                       "1e3",
                                       "1E3",
                                       "1e+3",
                                       "-",
                                       "9007199254740991",
                                       "9007199254740992",
                                       "-9007199254740991",
                                       "-9007199254740992",
                                       "9223372036854775807",
                                       "9223372036854775808",
                                       "-9223372036854775808",
                                       "18446744073709551616",
                                       "1000000000000000000000",
                                       "true",
                                       "false",
                                       "null",
                                       "nul",
                                       "\"1\"",
                                       "[]",
                                       "{}",
                                       "[1,]",
                                       "{\"a\":}",
                                       "\"\""};
    size_t sp[64][2];
    for (int payload = 0; payload < 2; payload++) {
        const char *o = payload ? c->line + c->p0 : c->line;
        size_t on = payload ? c->p1 - c->p0 : c->n;
        size_t m = members(o, on, sp, 64);
        for (size_t j = 0; j < m; j++) {
            const char *colon = memchr(o + sp[j][0], ':', sp[j][1] - sp[j][0]);
            /* the key ends at the first ':' after its closing quote: keys here have no ':' */
            size_t v0 = (size_t)(colon - o) + 1, v1 = sp[j][1];
            for (size_t k = 0; k < sizeof vals / sizeof vals[0]; k++) {
                size_t vn = strlen(vals[k]), n = on - (v1 - v0) + vn;
                char *e = malloc(n + 1);
                memcpy(e, o, v0);
                memcpy(e + v0, vals[k], vn);
                memcpy(e + v0 + vn, o + v1, on - v1);
                e[n] = 0;
                if (payload)
                    with_payload(e, n, c);
                else
                    diff_both(e, n, c->st);
                free(e);
            }
        }
    }
}

/* White space at each structural position of the record (outside strings). */
static void whitespace_edits(const char *l, size_t n, diff_stats *st)
{
    static const char ws[] = " \t\n\r";
    char *m = malloc(n + 2);
    int in = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && in) {
            if (l[i] == '\\')
                i++;
            else if (l[i] == '"')
                in = 0;
            continue;
        }
        if (i < n && l[i] == '"')
            in = 1;
        memcpy(m, l, i);
        m[i] = ws[i % 4];
        memcpy(m + i + 1, l + i, n - i);
        diff_both(m, n + 1, st);
    }
    free(m);
}

/* All the edits of one canonical line. */
static void mutate_line(const char *l, size_t n, int bytes, uint64_t *rng, diff_stats *st)
{
    diff_both(l, n, st);
    line_ctx c = {l, n, 0, 0, st};
    find_payload(&c);
    member_edits(l, n, whole_line, &c);
    member_edits(l + c.p0, c.p1 - c.p0, with_payload, &c);
    value_edits(&c);
    byte_mutations(l, n, bytes, rng, st);
}

static int collect_log(void *ctx, const char *line, size_t len)
{
    return cc_buf_append(ctx, line, len) != CC_OK;
}

/* The log of a sample scenario run to its end with every agent seat automated. */
static void sample_log(const char *path, uint64_t seed, cc_buf *out)
{
    cc_diags d;
    cc_diags_init(&d);
    cc_scenario *s = NULL;
    cr_assert_eq(cc_scenario_load_file(path, NULL, &d, &s), CC_OK, "%s", path);
    cc_diags_free(&d);
    uint8_t *autos = calloc(s->nseats + 1, 1);
    for (size_t i = 0; i < s->nseats; i++)
        autos[i] = s->seats[i].agent_index >= 0;
    cc_engine_opts o = {.seed = seed, .variant = -1, .source = path, .auto_seats = autos};
    cc_engine *e = NULL;
    cr_assert_eq(cc_engine_new(s, &o, collect_log, out, &e), CC_OK);
    cr_assert_eq(cc_engine_start(e), CC_OK);
    cr_assert_eq(cc_engine_run_until(e, s->duration_s * 1000), CC_OK);
    cr_assert_eq(cc_engine_finish(e), CC_OK);
    cc_engine_free(e);
    free(autos);
    cc_scenario_free(s);
}

/* Runs fn over each line of a log (text ending in '\n'). */
static size_t each_line(const cc_buf *log, void (*fn)(const char *, size_t, void *), void *ctx)
{
    size_t k = 0;
    for (const char *p = log->data, *end = log->data + log->len; p < end; k++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        cr_assert_not_null(nl);
        fn(p, (size_t)(nl - p), ctx);
        p = nl + 1;
    }
    return k;
}

typedef struct sample_ctx {
    diff_stats *st;
    char types[64][40]; /* event types already mutated */
    size_t ntypes;
    uint64_t rng;
} sample_ctx;

/* Each line of a sample log as it is; the first line of each event type also mutated. */
static void sample_line(const char *l, size_t n, void *ctx)
{
    sample_ctx *c = ctx;
    cc_evrec e;
    cc_evlog_error err;
    cr_assert_eq(cc_evlog_decode_path(l, n, &e, &err, CC_EVLOG_SLOW), CC_OK, "%s", err.message);
    size_t k = 0;
    while (k < c->ntypes && strcmp(c->types[k], e.type) != 0)
        k++;
    if (k == c->ntypes && k < 64 && strlen(e.type) < 40) {
        snprintf(c->types[c->ntypes++], 40, "%s", e.type);
        mutate_line(l, n, 150, &c->rng, c->st);
    } else {
        diff_both(l, n, c->st);
    }
    cc_evrec_clear(&e);
}

static const char *const samples[] = {"scenarios/ncg-interagency-sim.yaml", "scenarios/ncg-policy-ttx.yaml",
                                      "scenarios/ncg-mil-ttx.yaml",
                                      "tests/scenarios/valid/all-features.yaml"};

Test(evlog_diff, sample_logs_and_their_mutations, .timeout = 300)
{
    diff_stats st = {0, 0};
    size_t events = 0;
    for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
        cc_buf log;
        cc_buf_init(&log);
        sample_log(samples[i], 7, &log);
        sample_ctx c;
        memset(&c, 0, sizeof c);
        c.st = &st;
        c.rng = 0x9e3779b97f4a7c15ULL + i;
        events += each_line(&log, sample_line, &c);
        cc_buf_free(&log);
    }
    cr_expect_gt(events, 500);
    cr_expect_geq(st.accepted, events); /* every sample line, and some mutations (e.g. a reordered payload) */
    cr_log_info("evlog_diff samples: %zu sample events, %zu lines compared, %zu accepted", events, st.lines,
                st.accepted);
}

/* The event-log fuzz corpus and the verify corpus: real lines, a checkpoint, truncations. */
static void corpus_line(const char *l, size_t n, void *ctx)
{
    sample_ctx *c = ctx;
    cc_evrec e;
    cc_evlog_error err;
    if (cc_evlog_decode_path(l, n, &e, &err, CC_EVLOG_SLOW) == CC_OK) {
        cc_evrec_clear(&e);
        byte_mutations(l, n, 100, &c->rng, c->st);
    }
    diff_both(l, n, c->st);
}

Test(evlog_diff, fuzz_corpus_lines)
{
    static const char *const files[] = {"fuzz/corpus/evlog/1",
                                        "fuzz/corpus/evlog/2",
                                        "fuzz/corpus/verify/sound",
                                        "fuzz/corpus/verify/deleted",
                                        "fuzz/corpus/verify/truncated",
                                        "fuzz/corpus/verify/with-checkpoint",
                                        "fuzz/corpus/verify/checkpoint-truncated"};
    diff_stats st = {0, 0};
    sample_ctx c;
    memset(&c, 0, sizeof c);
    c.st = &st;
    c.rng = 42;
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        FILE *f = fopen(files[i], "rb");
        cr_assert_not_null(f, "%s", files[i]);
        cc_buf b;
        cc_buf_init(&b);
        char chunk[4096];
        size_t got;
        while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
            cc_buf_append(&b, chunk, got);
        fclose(f);
        if (b.len && b.data[b.len - 1] != '\n')
            cc_buf_putc(&b, '\n'); /* a truncated last line is compared as it is */
        each_line(&b, corpus_line, &c);
        cc_buf_free(&b);
    }
    cr_expect_gt(st.accepted, 20);
    cr_log_info("evlog_diff corpus: %zu lines compared, %zu accepted", st.lines, st.accepted);
}

/* A record built to hold what the samples lack: every escape, unicode at the edges (U+007F,
 * 2-, 3- and 4-byte forms, U+FFFF, U+10FFFF), keys that need escapes and sort by their bytes,
 * empty and nested containers, integers at the limits. */
static char *tricky_line(size_t *n)
{
    cc_evrec e;
    memset(&e, 0, sizeof e);
    e.seq = 9007199254740991ULL;
    e.t_ms = 0;
    e.wall_ms = 9007199254740991LL;
    e.actor = "s\xc3\xab"
              "at \"q\" \\ /";
    e.type = "note.\xc3\xbc\x01";
    e.label = "SECRET//REL TO KOR, USA \xe2\x80\x94 \xe2\x9c\x93";
    e.payload = json_object();
    json_object_set_new(
        e.payload, "text",
        json_string("\xf0\x9f\x98\x80 \xc3\xa9 \xe2\x9c\x93 \"q\" \\ / \x01 \x1f \b\f\n\r\t "
                    "\x7f \xef\xbf\xbf \xf4\x8f\xbf\xbf \xc2\x80 \xe0\xa0\x80 \xf0\x90\x80\x80"));
    json_object_set_new(e.payload, "\t", json_integer(1));
    json_object_set_new(e.payload, "\n", json_integer(2));
    json_object_set_new(e.payload, "a\"", json_integer(3));
    json_object_set_new(e.payload, "a\\", json_integer(4));
    json_object_set_new(e.payload, "a", json_integer(5));
    json_object_set_new(e.payload, "ab", json_integer(6));
    json_object_set_new(e.payload, "\xc3\xa9", json_integer(7));
    json_object_set_new(e.payload, "z", json_integer(8));
    json_object_set_new(e.payload, "", json_string(""));
    json_object_set_new(e.payload, "big", json_integer(9007199254740991LL));
    json_object_set_new(e.payload, "neg", json_integer(-9007199254740991LL));
    json_object_set_new(e.payload, "zero", json_integer(0));
    json_object_set_new(e.payload, "arr", json_pack("[[],{},[1,[2,[3]]],b,b,n,s,{s:[]}]", 1, 0, "", "k"));
    json_object_set_new(e.payload, "\x01\x1f", json_null());
    memset(e.prev, 0xfe, 32);
    memset(e.digest, 0x0a, 32);
    cc_buf b;
    cc_buf_init(&b);
    cr_assert_eq(cc_evlog_encode(&e, &b), CC_OK);
    json_decref(e.payload);
    *n = b.len - 1;
    b.data[*n] = 0;
    return b.data;
}

Test(evlog_diff, escapes_unicode_and_limits)
{
    diff_stats st = {0, 0};
    size_t n;
    char *l = tricky_line(&n);
    uint64_t rng = 7;
    mutate_line(l, n, 2000, &rng, &st);
    whitespace_edits(l, n, &st);
    /* non-canonical spellings of the same values, and invalid UTF-8 in their place */
    static const char *const subst[][2] = {
        {"\xf0\x9f\x98\x80", "\\ud83d\\ude00"},
        {"\xf0\x9f\x98\x80", "\\uD83D\\uDE00"},
        {"\xf0\x9f\x98\x80", "\\ud83d"},
        {"\xf0\x9f\x98\x80", "\xf0\x9f\x98"},
        {"\xf0\x9f\x98\x80", "\xf0\x80\x80\x80"},
        {"\xc3\xa9 ", "\\u00e9 "},
        {"\xc3\xa9 ", "\xc3 "},
        {"\xc3\xa9 ", "\xa9 "},
        {"\xc3\xa9 ", "\xc0\xa9 "},
        {"\xc3\xa9 ", "\xe0\x83\xa9 "},
        {"\xe2\x9c\x93 \\", "\xed\xa0\x80 \\"},
        {"\xe2\x9c\x93 \\", "\xed\x9f\xbf \\"},
        {"\xe2\x9c\x93 \\", "\xee\x80\x80 \\"},
        {"\xe2\x9c\x93 \\", "\xf4\x90\x80\x80 \\"},
        {"\xe2\x9c\x93 \\", "\xf5\x80\x80\x80 \\"},
        {"\xe2\x9c\x93 \\", "\xf8\x88\x80\x80\x80 \\"},
        {"\xe2\x9c\x93 \\", "\xe2\x9c \\"},
        {"\xe2\x9c\x93 \\", "\xef\xbf\xbe \\"},
        {" / ", " \\/ "},
        {"\\u001f", "\\u001F"},
        {"\\u001f", "\x1f"},
        {"\\u001f", "\\u0020"},
        {"\\u001f", "\\u007f"},
        {"\\u0001", "\\u0000"},
        {"\\u0001", "\\u01"},
        {"\\u0001", "\\u0g01"},
        {"\\u0001", "\\u0101"},
        {"\\u0001", "\\U0001"},
        {"\\n", "\\u000a"},
        {"\\b", "\\u0008"},
        {"\\t", "\\u0009"},
        {"\\f", "\\u000c"},
        {"\\r", "\\u000d"},
        {"\\n", "\\x"},
        {"\\n", "\\"},
        {"\\n", "\n"},
        {"\x7f", "\\u007f"},
        {"\\\"q", "\\u0022q"},
        {"\\\\ /", "\\u005c /"},
        {"\\\\ /", "\\\\\\ /"},
        {"\"big\":9007199254740991", "\"big\":9007199254740992"},
        {"\"big\":9007199254740991", "\"big\":09007199254740991"},
        {"\"neg\":-9007199254740991", "\"neg\":-9007199254740992"},
        {"\"seq\":9007199254740991", "\"seq\":9007199254740992"},
        {"\"seq\":9007199254740991", "\"seq\":18446744073709551615"},
        {"\"wall\":9007199254740991", "\"wall\":9007199254740990"},
        {"\"\\t\":1,\"\\n\":2", "\"\\n\":2,\"\\t\":1"},
        {"\"a\\\"\":3,\"a\\\\\":4", "\"a\\\\\":4,\"a\\\"\":3"},
        {"\"a\\\"\":3,\"a\\\\\":4", "\"a\\\"\":3,\"a\\u0022\":4"},
        {"\"a\\\"\":3,\"a\\\\\":4", "\"a\\\"\":3,\"a\\\"\":4"},
        {"\"a\":5,\"a\\\"\":3", "\"a\\\"\":3,\"a\":5"},
        {"\"a\\\\\":4,\"ab\":6", "\"ab\":6,\"a\\\\\":4"},
        {"\"z\":8", "\"z\":8,\"\xc3\xa9\":7"},
        {"\"\":\"\"", "\"\":\"\",\"\":\"\""},
        {"\"type\":\"note.", "\"type\":\"\\u006eote."},
        {"\"type\":\"note.\xc3\xbc\\u0001\"", "\"type\":\"\""},
        {"\"type\":\"note.\xc3\xbc\\u0001\"", "\"type\":\"\\u0001\""},
        {"\"actor\":\"s", "\"actor\":\"\\u0073"},
    };
    for (size_t k = 0; k < sizeof subst / sizeof subst[0]; k++) {
        size_t mn;
        char *m = replace(l, n, subst[k][0], strlen(subst[k][0]), subst[k][1], strlen(subst[k][1]), &mn);
        cr_assert_not_null(m, "substitution %zu: '%s' is not in the line", k, subst[k][0]);
        diff_both(m, mn, &st);
        uint64_t r = k;
        byte_mutations(m, mn, 20, &r, &st);
        free(m);
    }
    cr_expect_gt(st.accepted, 1);
    cr_log_info("evlog_diff escapes: %zu lines compared, %zu accepted", st.lines, st.accepted);
    free(l);
}

/* A payload nesting depth objects ({"a":{"a":...{"b":1}...}}) or depth arrays ({"a":[[...[1]...]]}). */
static size_t nested(char *obj, int depth, int arrays)
{
    size_t k = 0;
    obj[k++] = '{';
    if (arrays) {
        k += (size_t)sprintf(obj + k, "\"a\":");
        for (int i = 0; i < depth; i++)
            obj[k++] = '[';
        obj[k++] = '1';
        for (int i = 0; i < depth; i++)
            obj[k++] = ']';
    } else {
        for (int i = 0; i < depth; i++)
            k += (size_t)sprintf(obj + k, "\"a\":{");
        k += (size_t)sprintf(obj + k, "\"b\":1");
        for (int i = 0; i < depth; i++)
            obj[k++] = '}';
    }
    obj[k++] = '}';
    return k;
}

Test(evlog_diff, nesting_at_the_depth_limit)
{
    diff_stats st = {0, 0};
    size_t n;
    char *l = good_line(&n);
    line_ctx c = {l, n, 0, 0, &st};
    find_payload(&c);
    char obj[400];
    for (int arrays = 0; arrays < 2; arrays++) {
        int deepest = -1;
        for (int depth = 26; depth < 40; depth++) {
            size_t before = st.accepted;
            with_payload(obj, nested(obj, depth, arrays), &c);
            if (st.accepted > before)
                deepest = depth;
        }
        /* the record is depth 0, the payload 1, so the innermost value of 30 nested containers
         * inside the payload sits at CC_CANON_MAX_DEPTH (32); one more is refused */
        cr_expect_eq(deepest, CC_CANON_MAX_DEPTH - 2, "arrays %d: deepest accepted %d", arrays, deepest);
    }
    free(l);
}

Test(evlog_diff, line_length_limit)
{
    diff_stats st = {0, 0};
    cc_evrec e;
    make(&e);
    json_object_set_new(e.payload, "text", json_string(""));
    cc_buf b;
    cc_buf_init(&b);
    cr_assert_eq(cc_evlog_encode(&e, &b), CC_OK);
    size_t base = b.len - 1; /* without the newline */
    for (size_t extra = 0; extra < 2; extra++) {
        size_t tn = CC_EVLOG_LINE_MAX - base + extra;
        char *t = malloc(tn + 1);
        memset(t, 'x', tn);
        t[tn] = 0;
        json_object_set_new(e.payload, "text", json_string(t));
        free(t);
        cc_buf_reset(&b);
        cr_assert_eq(cc_evlog_encode(&e, &b), CC_OK);
        cr_assert_eq(b.len - 1, CC_EVLOG_LINE_MAX + extra);
        size_t before = st.accepted;
        diff_one(b.data, b.len - 1, &st);
        cr_expect_eq(st.accepted - before, extra ? 0 : 1, "a line of %zu bytes", b.len - 1);
    }
    cc_buf_free(&b);
    json_decref(e.payload);
}

/* The fast scanner's word-at-a-time parts, byte by byte (docs/event-log.md, "Where verify's time
 * goes"): a string skipped eight bytes at a time with every kind of byte that must stop it at
 * every offset of strings 1 to 24 bytes long; each hex digit of the three hashes replaced by
 * the characters either side of the digit and letter ranges; integers of 1 to 18 digits. */
Test(evlog_diff, word_at_a_time_scanning_byte_by_byte)
{
    diff_stats st = {0, 0};
    cc_evrec e;
    make(&e);
    static const char *const stops[] = {"\x01", "\x1f",    " ",    "\"",   "\\",       "\\\\",
                                        "\\n",  "\\u0001", "\x7f", "\x80", "\xc3\xa9", "\xe2\x9c\x93",
                                        "\xff", "~",       "!",    "#"};
    cc_buf b;
    cc_buf_init(&b);
    for (size_t len = 1; len <= 24; len++) {
        char text[25];
        memset(text, 'x', len);
        text[len] = 0;
        json_object_set_new(e.payload, "text", json_string(text));
        cc_buf_reset(&b);
        cr_assert_eq(cc_evlog_encode(&e, &b), CC_OK);
        size_t n = b.len - 1;
        char *at = strstr(b.data, "\"text\":\"") + 8;
        for (size_t i = 0; i < len; i++)
            for (size_t k = 0; k < sizeof stops / sizeof stops[0]; k++) {
                size_t sn = strlen(stops[k]), off = (size_t)(at - b.data) + i;
                char *l = malloc(n + sn + 1);
                memcpy(l, b.data, off);
                memcpy(l + off, stops[k], sn);
                memcpy(l + off + sn, b.data + off + 1, n - off - 1);
                l[n - 1 + sn] = 0;
                diff_both(l, n - 1 + sn, &st);
                free(l);
            }
    }
    size_t strings = st.accepted;
    cr_expect_gt(strings, 0);
    /* hex digits */
    cc_buf_reset(&b);
    cr_assert_eq(cc_evlog_encode(&e, &b), CC_OK);
    size_t n = b.len - 1;
    static const char *const fields[] = {"\"digest\":\"", "\"hash\":\"", "\"prev\":\""};
    static const char subst[] = "/09:`afgAF\x80\xff";
    for (size_t f = 0; f < 3; f++) {
        size_t off = (size_t)(strstr(b.data, fields[f]) - b.data) + strlen(fields[f]);
        for (size_t i = 0; i < 64; i++)
            for (size_t k = 0; k < sizeof subst - 1; k++) {
                char *l = malloc(n + 1);
                memcpy(l, b.data, n + 1);
                l[off + i] = subst[k];
                diff_both(l, n, &st);
                free(l);
            }
    }
    cr_expect_gt(st.accepted, strings);
    /* integers: "stage" in the payload and "t", 1 to 18 digits (2^53 - 1 has 16) */
    size_t before = st.accepted;
    for (size_t digits = 1; digits <= 18; digits++) {
        char num[20];
        memset(num, '7', digits);
        num[digits] = 0;
        static const char *const ints[][2] = {{"\"stage\":1", "\"stage\":"}, {"\"t\":5400000", "\"t\":"}};
        for (size_t k = 0; k < 2; k++) {
            char to[40];
            snprintf(to, sizeof to, "%s%s", ints[k][1], num);
            size_t mn;
            char *m = replace(b.data, n, ints[k][0], strlen(ints[k][0]), to, strlen(to), &mn);
            cr_assert_not_null(m);
            diff_both(m, mn, &st);
            free(m);
        }
    }
    /* 1 to 16 digits of 7s are within 2^53 - 1 (7,777,777,777,777,777 < 9,007,199,254,740,991;
     * rehashed: accepted), 17 and 18 digits are not */
    cr_expect_eq(st.accepted - before, 2 * 16);
    cc_buf_free(&b);
    json_decref(e.payload);
    cr_log_info("evlog_diff word at a time: %zu lines compared, %zu accepted", st.lines, st.accepted);
}
