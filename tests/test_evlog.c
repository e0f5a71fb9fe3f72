/* Tests of core/evlog: encode/decode round trip, hash chain values, every refusal. */
#include <criterion/criterion.h>
#include <string.h>

#include "core/evlog.h"

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
