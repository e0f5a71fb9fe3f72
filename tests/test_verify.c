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
