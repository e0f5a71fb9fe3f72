/* Tests of core/verify: a sound chain, each refusal with the index it names, and checkpoints
 * (matching, forged, from another log, beyond the end). Records come from tests/support/evgen. */
#include <criterion/criterion.h>
#include <string.h>

#include "core/evlog.h"
#include "core/merkle.h"
#include "core/verify.h"
#include "support/evgen.h"

/* n generated lines; lines[i] points into b (NUL-separated copy). */
static char **make_log(int n, cc_buf *b)
{
    evgen g;
    evgen_init(&g, 0, NULL);
    cc_buf_init(b);
    cr_assert_eq(evgen_lines(&g, n, b), 0);
    char **lines = calloc((size_t)n, sizeof *lines);
    char *p = b->data;
    for (int i = 0; i < n; i++) {
        lines[i] = p;
        p = strchr(p, '\n');
        *p++ = 0;
    }
    return lines;
}

static cc_verify_result feed(char **lines, int n, const cc_checkpoint *cps, int ncp)
{
    cc_verify *v;
    cr_assert_eq(cc_verify_new(&v), CC_OK);
    for (int i = 0; i < ncp; i++)
        cr_assert_eq(cc_verify_add_checkpoint(v, &cps[i], "cp"), CC_OK);
    for (int i = 0; i < n; i++)
        if (cc_verify_line(v, lines[i], strlen(lines[i]), 1) != CC_OK)
            break;
    cc_verify_result r;
    cc_verify_finish(v, &r);
    cc_verify_free(v);
    return r;
}

/* A checkpoint of the first size events of lines, with the log's origin. */
static cc_checkpoint checkpoint_of(char **lines, uint64_t size, const char *origin)
{
    cc_merkle_stream *t = cc_merkle_stream_new();
    for (uint64_t i = 0; i < size; i++) {
        cc_evrec e;
        cc_evlog_error err;
        cr_assert_eq(cc_evlog_decode(lines[i], strlen(lines[i]), &e, &err), CC_OK);
        cc_merkle_stream_append(t, e.hash, 32);
        cc_evrec_clear(&e);
    }
    cc_checkpoint c;
    memset(&c, 0, sizeof c);
    c.origin = strdup(origin);
    c.size = size;
    cc_merkle_stream_root(t, c.root);
    cc_merkle_stream_free(t);
    return c;
}

static void origin_of_log(char **lines, char *o, size_t n)
{
    cc_evrec e;
    cc_evlog_error err;
    cr_assert_eq(cc_evlog_decode(lines[0], strlen(lines[0]), &e, &err), CC_OK);
    char hex[65];
    cc_hex(e.hash, 32, hex);
    cc_evrec_clear(&e);
    cc_verify_origin_of(hex, o, n);
}

Test(verify, a_sound_log_matches_its_checkpoints)
{
    cc_buf b;
    char **l = make_log(50, &b);
    char o[100];
    origin_of_log(l, o, sizeof o);
    cc_checkpoint c[3] = {checkpoint_of(l, 50, o), checkpoint_of(l, 1, o), checkpoint_of(l, 17, o)};
    cc_verify_result r = feed(l, 50, c, 3);
    cr_expect_eq(r.bad, 0, "%s", r.why);
    cr_expect_eq(r.events, 50);
    cr_expect_eq(r.checkpoints, 3);
    cr_expect_str_eq(r.origin, o);
    for (int i = 0; i < 3; i++)
        cc_checkpoint_clear(&c[i]);
    free(l);
    cc_buf_free(&b);
}

Test(verify, a_changed_root_exposes_a_forgery_between_checkpoints)
{
    cc_buf b;
    char **l = make_log(40, &b);
    char o[100];
    origin_of_log(l, o, sizeof o);
    cc_checkpoint c[2] = {checkpoint_of(l, 10, o), checkpoint_of(l, 30, o)};
    c[1].root[5] ^= 1;
    cc_verify_result r = feed(l, 40, c, 2);
    cr_expect(r.bad);
    cr_expect_eq(r.bad_index, 10);
    cr_expect(strstr(r.why, "an event from 10 to 29 was changed"), "%s", r.why);
    cc_checkpoint_clear(&c[0]);
    cc_checkpoint_clear(&c[1]);
    free(l);
    cc_buf_free(&b);
}

Test(verify, checkpoints_of_another_log_and_beyond_the_end)
{
    cc_buf b;
    char **l = make_log(20, &b);
    cc_checkpoint other = checkpoint_of(l, 5, "caucus-log/0000");
    cc_verify_result r = feed(l, 20, &other, 1);
    cr_expect(r.bad);
    cr_expect(strstr(r.why, "another log"), "%s", r.why);
    cc_checkpoint_clear(&other);
    char o[100];
    origin_of_log(l, o, sizeof o);
    cc_checkpoint full = checkpoint_of(l, 20, o);
    r = feed(l, 12, &full, 1);
    cr_expect(r.bad);
    cr_expect_eq(r.bad_index, 12);
    cr_expect(strstr(r.why, "covers 20 events but the log has only 12"), "%s", r.why);
    cc_checkpoint_clear(&full);
    free(l);
    cc_buf_free(&b);
}

Test(verify, chain_breaks_name_the_event)
{
    cc_buf b;
    char **l = make_log(10, &b);
    char *swap = l[4];
    l[4] = l[5];
    l[5] = swap;
    cc_verify_result r = feed(l, 10, NULL, 0);
    cr_expect(r.bad);
    cr_expect_eq(r.bad_index, 4);
    cr_expect(strstr(r.why, "seq is 5"), "%s", r.why);
    l[5] = l[4]; /* now event 4 appears twice */
    r = feed(l, 10, NULL, 0);
    cr_expect(r.bad);
    free(l);
    cc_buf_free(&b);
}

Test(verify, hashes_are_kept_for_proofs)
{
    cc_buf b;
    char **l = make_log(8, &b);
    cc_verify *v;
    cc_verify_new(&v);
    cc_verify_keep_hashes(v, 1);
    for (int i = 0; i < 8; i++)
        cr_assert_eq(cc_verify_line(v, l[i], strlen(l[i]), 1), CC_OK);
    uint64_t n;
    const unsigned char(*h)[32] = cc_verify_hashes(v, &n);
    cr_expect_eq(n, 8);
    cc_evrec e;
    cc_evlog_error err;
    cc_evlog_decode(l[7], strlen(l[7]), &e, &err);
    cr_expect_eq(memcmp(h[7], e.hash, 32), 0);
    cc_evrec_clear(&e);
    cc_verify_free(v);
    free(l);
    cc_buf_free(&b);
}

Test(verify, empty_and_incomplete_logs)
{
    cc_verify_result r = feed(NULL, 0, NULL, 0);
    cr_expect(r.bad);
    cr_expect(strstr(r.why, "empty"));
    cc_verify *v;
    cc_verify_new(&v);
    cr_expect_eq(cc_verify_line(v, "{\"a\":", 5, 0), CC_ERR_INVALID);
    cc_verify_finish(v, &r);
    cr_expect(strstr(r.why, "truncated"), "%s", r.why);
    cc_verify_free(v);
}

Test(verify, origin_names_the_first_hash)
{
    char o[100];
    cc_verify_origin_of("ab12", o, sizeof o);
    cr_expect_str_eq(o, "caucus-log/ab12");
}

/* One record with the given seq, type and prev (hash written to hash), as a line in b. */
static void record(cc_buf *b, uint64_t seq, const char *type, const unsigned char prev[32],
                   unsigned char hash[32])
{
    cc_evrec e;
    memset(&e, 0, sizeof e);
    e.seq = seq;
    e.type = (char *)type;
    e.payload = json_object();
    memcpy(e.prev, prev, 32);
    cr_assert_eq(cc_evlog_encode(&e, b), CC_OK);
    json_decref(e.payload);
    memcpy(hash, e.hash, 32);
}

Test(verify, the_first_event_must_be_run_start)
{
    static const char *const types[] = {"note", "run.star", "run.start\t", "Run.start", "run.start.x"};
    for (size_t k = 0; k < sizeof types / sizeof types[0]; k++) {
        cc_buf b;
        cc_buf_init(&b);
        unsigned char zero[32] = {0}, h0[32], h1[32];
        record(&b, 0, types[k], zero, h0);
        record(&b, 1, "note", h0, h1);
        char *l[2] = {b.data, strchr(b.data, '\n') + 1};
        l[0][l[1] - l[0] - 1] = 0;
        l[1][strlen(l[1]) - 1] = 0;
        cc_verify_result r = feed(l, 2, NULL, 0);
        cr_expect(r.bad, "type '%s'", types[k]);
        cr_expect_str_eq(r.why, "event 0: the first event is not run.start", "type '%s'", types[k]);
        cc_buf_free(&b);
    }
    cc_buf b;
    cc_buf_init(&b);
    unsigned char zero[32] = {0}, h0[32], h1[32];
    record(&b, 0, "run.start", zero, h0);
    record(&b, 1, "run.start", h0, h1); /* only the first event must be run.start */
    char *l[2] = {b.data, strchr(b.data, '\n') + 1};
    l[0][l[1] - l[0] - 1] = 0;
    l[1][strlen(l[1]) - 1] = 0;
    cc_verify_result r = feed(l, 2, NULL, 0);
    cr_expect_eq(r.bad, 0, "%s", r.why);
    cc_buf_free(&b);
}

/* verify reads records through cc_evlog_check (the fast scanner): a refused line must be named
 * with exactly the message of the reference decoder, for many edits of one line. */
Test(verify, refusals_carry_the_decoders_message)
{
    cc_buf b;
    char **l = make_log(6, &b);
    char *orig = strdup(l[3]);
    size_t n = strlen(orig), checked = 0;
    char *m = malloc(n + 2);
    static const char bytes[] = " \"\\{}[],:0-ae\x01\x7f\xc3";
    for (size_t pos = 0; pos < n; pos++) {
        for (size_t k = 0; k < sizeof bytes - 1 + 2; k++) {
            size_t mn = n;
            memcpy(m, orig, n);
            if (k == sizeof bytes - 1) { /* delete the byte */
                memmove(m + pos, orig + pos + 1, n - pos - 1);
                mn = n - 1;
            } else if (k == sizeof bytes) { /* insert a space before it */
                m[pos] = ' ';
                memcpy(m + pos + 1, orig + pos, n - pos);
                mn = n + 1;
            } else {
                m[pos] = bytes[k];
            }
            m[mn] = 0;
            cc_evrec e;
            cc_evlog_error err;
            if (cc_evlog_decode_path(m, mn, &e, &err, CC_EVLOG_SLOW) == CC_OK) {
                cc_evrec_clear(&e);
                continue;
            }
            char *saved = l[3];
            l[3] = m;
            cc_verify_result r = feed(l, 6, NULL, 0);
            l[3] = saved;
            char want[400];
            snprintf(want, sizeof want, "event 3: %s", err.message);
            cr_assert(r.bad && r.bad_index == 3, "edit at %zu accepted", pos);
            cr_assert_str_eq(r.why, want);
            checked++;
        }
    }
    cr_expect_gt(checked, n * 10);
    free(m);
    free(orig);
    free(l);
    cc_buf_free(&b);
}

/* The verdict's hashes are those of the reference decoder: root and last hash recomputed from
 * the slow path over a log long enough for a deep tree. */
Test(verify, hashes_and_root_match_the_reference_decoder)
{
    cc_buf b;
    int n = 1000;
    char **l = make_log(n, &b);
    cc_verify_result r = feed(l, n, NULL, 0);
    cr_assert_eq(r.bad, 0, "%s", r.why);
    cc_merkle_stream *t = cc_merkle_stream_new();
    unsigned char last[32];
    for (int i = 0; i < n; i++) {
        cc_evrec e;
        cc_evlog_error err;
        cr_assert_eq(cc_evlog_decode_path(l[i], strlen(l[i]), &e, &err, CC_EVLOG_SLOW), CC_OK);
        cc_merkle_stream_append(t, e.hash, 32);
        memcpy(last, e.hash, 32);
        cc_evrec_clear(&e);
    }
    unsigned char root[32];
    cc_merkle_stream_root(t, root);
    cc_merkle_stream_free(t);
    char hex[65];
    cc_hex(root, 32, hex);
    cr_expect_str_eq(r.root, hex);
    cc_hex(last, 32, hex);
    cr_expect_str_eq(r.last_hash, hex);
    cr_expect_eq(r.events, (uint64_t)n);
    free(l);
    cc_buf_free(&b);
}
