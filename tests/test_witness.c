/* Tests of core/witness (c2sp.org/tlog-witness): the worked example of docs/tamper-evidence.md —
 * a log growing 4 -> 8 -> 10 is cosigned at each step; a genuine older checkpoint (rollback), a
 * second tree of the same size (split view) and a tree the proof does not extend (fork) are
 * refused with the spec's statuses; unknown and badly signed logs; every malformed request. */
#include <criterion/criterion.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "core/merkle.h"
#include "core/note.h"
#include "core/witness.h"

#define ORIGIN "caucus-log/0000000000000000000000000000000000000000000000000000000000000001"

typedef struct fixture {
    unsigned char a[10][32], b[10][32]; /* two logs sharing their first 6 events */
    cc_note_signer *log;
    cc_note_verifier *vlog;
} fixture;

static void setup(fixture *f)
{
    for (int i = 0; i < 10; i++) {
        char t[16];
        snprintf(t, sizeof t, "a%d", i);
        crypto_hash_sha256(f->a[i], (const unsigned char *)t, strlen(t));
        snprintf(t, sizeof t, i < 6 ? "a%d" : "b%d", i);
        crypto_hash_sha256(f->b[i], (const unsigned char *)t, strlen(t));
    }
    unsigned char seed[32];
    memset(seed, 0x42, 32);
    cc_buf sk, vk;
    cc_buf_init(&sk);
    cc_buf_init(&vk);
    cc_note_error e;
    cr_assert_eq(cc_note_keygen("caucus.example/log", seed, &sk, &vk, &e), CC_OK);
    cr_assert_eq(cc_note_signer_parse(sk.data, sk.len, &f->log, &e), CC_OK);
    cr_assert_eq(cc_note_verifier_parse(vk.data, vk.len, &f->vlog, &e), CC_OK);
    cc_buf_free(&sk);
    cc_buf_free(&vk);
}

static void teardown(fixture *f)
{
    cc_note_signer_free(f->log);
    cc_note_verifier_free(f->vlog);
}

/* The add-checkpoint body for the tree of `size` leaves of log, with a proof from old. */
static void request(const fixture *f, unsigned char (*log)[32], uint64_t old, uint64_t size, cc_buf *body)
{
    cc_merkle_leaves L;
    cc_merkle_leaves_array(&L, (const unsigned char(*)[32])log, 10, 1);
    unsigned char root[32], proof[CC_MERKLE_PROOF_MAX][32];
    size_t np = 0;
    cc_merkle_error me;
    cr_assert_eq(cc_merkle_root(&L, size, root, &me), CC_OK);
    if (old > 0 && old < size)
        cr_assert_eq(cc_merkle_consistency_proof(&L, old, size, proof, &np, &me), CC_OK, "%s", me.message);
    cc_buf note;
    cc_buf_init(&note);
    cc_note_error e;
    cr_assert_eq(cc_note_sign_checkpoint(f->log, ORIGIN, size, root, NULL, 0, &note, &e), CC_OK);
    cc_buf_init(body);
    cr_assert_eq(cc_witness_format(old, (const unsigned char(*)[32])proof, np, note.data, note.len, body), CC_OK);
    cc_buf_free(&note);
}

/* Submits body; on 200 the witness's state moves to the checkpoint, as the caller must do. */
static int submit(const fixture *f, const cc_buf *body, cc_witness_latest *st, uint64_t *conflict, char *why)
{
    cc_witness_request r;
    cr_assert_eq(cc_witness_parse(body->data, body->len, &r, why, 300), CC_OK, "%s", why);
    char *o = cc_witness_origin(&r);
    cr_expect_str_eq(o, ORIGIN);
    free(o);
    const cc_note_verifier *keys[1] = {f->vlog};
    cc_checkpoint cp;
    int status = cc_witness_check(&r, keys, 1, st, &cp, conflict, why, 300);
    if (status == 200) {
        st->known = 1;
        st->size = cp.size;
        memcpy(st->root, cp.root, 32);
    }
    cc_checkpoint_clear(&cp);
    return status;
}

Test(witness, grows_then_refuses_rollback_split_view_and_fork)
{
    fixture f;
    setup(&f);
    cc_witness_latest st = {0, 0, {0}};
    uint64_t conflict = 0;
    char why[300];
    cc_buf b;
    request(&f, f.a, 0, 4, &b);
    cr_expect_eq(submit(&f, &b, &st, &conflict, why), 200, "%s", why);
    cc_buf_free(&b);
    request(&f, f.a, 4, 8, &b);
    cr_expect_eq(submit(&f, &b, &st, &conflict, why), 200, "%s", why);
    cc_buf_free(&b);
    /* the same checkpoint again: consistent with itself */
    request(&f, f.a, 8, 8, &b);
    cr_expect_eq(submit(&f, &b, &st, &conflict, why), 200, "%s", why);
    cc_buf_free(&b);
    /* rollback: the genuine checkpoint of size 4, sent as if nothing newer had been cosigned */
    request(&f, f.a, 4, 4, &b);
    cr_expect_eq(submit(&f, &b, &st, &conflict, why), 409, "%s", why);
    cr_expect_eq(conflict, 8);
    cr_expect(strstr(why, "has size 8, not 4"), "%s", why);
    cc_buf_free(&b);
    /* ... and sent honestly, from the latest size: a smaller tree */
    cc_buf_init(&b);
    request(&f, f.a, 0, 4, &b);
    cc_buf_free(&b);
    {
        cc_merkle_leaves L;
        cc_merkle_leaves_array(&L, (const unsigned char(*)[32])f.a, 10, 1);
        unsigned char root[32];
        cc_merkle_error me;
        cc_merkle_root(&L, 4, root, &me);
        cc_buf note;
        cc_buf_init(&note);
        cc_note_error e;
        cc_note_sign_checkpoint(f.log, ORIGIN, 4, root, NULL, 0, &note, &e);
        cc_buf_init(&b);
        cc_witness_format(8, NULL, 0, note.data, note.len, &b);
        cc_buf_free(&note);
    }
    cr_expect_eq(submit(&f, &b, &st, &conflict, why), 400, "%s", why);
    cr_expect(strstr(why, "a rollback"), "%s", why);
    cc_buf_free(&b);
    /* split view: another tree of size 8, signed by the same log key */
    request(&f, f.b, 8, 8, &b);
    cr_expect_eq(submit(&f, &b, &st, &conflict, why), 409, "%s", why);
    cr_expect(strstr(why, "split view"), "%s", why);
    cc_buf_free(&b);
    /* fork: the other tree grown to 10, its proof from its own 8 */
    request(&f, f.b, 8, 10, &b);
    cr_expect_eq(submit(&f, &b, &st, &conflict, why), 422, "%s", why);
    cr_expect(strstr(why, "does not verify"), "%s", why);
    cc_buf_free(&b);
    /* the state never moved: the honest log goes on from 8 */
    cr_expect_eq(st.size, 8);
    request(&f, f.a, 8, 10, &b);
    cr_expect_eq(submit(&f, &b, &st, &conflict, why), 200, "%s", why);
    cr_expect_eq(st.size, 10);
    cc_buf_free(&b);
    teardown(&f);
}

Test(witness, unknown_and_badly_signed_logs)
{
    fixture f;
    setup(&f);
    cc_witness_latest st = {0, 0, {0}};
    uint64_t conflict = 0;
    char why[300];
    cc_buf b;
    request(&f, f.a, 0, 4, &b);
    /* a witness that knows another log key: 404 */
    unsigned char seed[32];
    memset(seed, 1, 32);
    cc_buf sk, vk;
    cc_buf_init(&sk);
    cc_buf_init(&vk);
    cc_note_error e;
    cr_assert_eq(cc_note_keygen("other.example/log", seed, &sk, &vk, &e), CC_OK);
    cc_note_verifier *other;
    cr_assert_eq(cc_note_verifier_parse(vk.data, vk.len, &other, &e), CC_OK);
    cc_witness_request r;
    cr_assert_eq(cc_witness_parse(b.data, b.len, &r, why, sizeof why), CC_OK);
    const cc_note_verifier *keys[1] = {other};
    cc_checkpoint cp;
    cr_expect_eq(cc_witness_check(&r, keys, 1, &st, &cp, &conflict, why, sizeof why), 404, "%s", why);
    cc_checkpoint_clear(&cp);
    /* the log's name, a bad signature: 403 */
    b.data[b.len - 3] = b.data[b.len - 3] == 'A' ? 'B' : 'A';
    cr_assert_eq(cc_witness_parse(b.data, b.len, &r, why, sizeof why), CC_OK);
    keys[0] = f.vlog;
    cr_expect_eq(cc_witness_check(&r, keys, 1, &st, &cp, &conflict, why, sizeof why), 403, "%s", why);
    cc_checkpoint_clear(&cp);
    cc_note_verifier_free(other);
    cc_buf_free(&sk);
    cc_buf_free(&vk);
    cc_buf_free(&b);
    teardown(&f);
}

Test(witness, malformed_requests)
{
    static const struct {
        const char *body, *why;
    } cases[] = {
        {"", "line 1: expected \"old N\""},
        {"old\n\nx\n", "line 1: expected \"old N\""},
        {"old 01\n\nx\n", "leading zeros"},
        {"old 18446744073709551616\n\nx\n", "not a decimal 64-bit number"},
        {"old 1x\n\nx\n", "not a decimal 64-bit number"},
        {"old 4\nnot base64\n\nx\n", "line 2: a proof line is the canonical base64 of a 32-byte hash"},
        {"old 4\nAAAA\n\nx\n", "line 2: a proof line"},
        {"old 4\n", "line 2: the empty line before the checkpoint is missing"},
        {"old 4\n\n", "line 3: no checkpoint after the empty line"},
    };
    char why[300];
    cc_witness_request r;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cr_expect_eq(cc_witness_parse(cases[i].body, strlen(cases[i].body), &r, why, sizeof why), CC_ERR_PARSE,
                     "case %zu accepted", i);
        cr_expect(strstr(why, cases[i].why), "case %zu: %s", i, why);
    }
    /* 64 proof lines: one too many */
    cc_buf b;
    cc_buf_init(&b);
    cc_buf_puts(&b, "old 4\n");
    for (int i = 0; i < 64; i++)
        cc_buf_puts(&b, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n");
    cc_buf_puts(&b, "\nx\n");
    cr_expect_eq(cc_witness_parse(b.data, b.len, &r, why, sizeof why), CC_ERR_PARSE);
    cr_expect(strstr(why, "more than 63 consistency proof lines"), "%s", why);
    cc_buf_free(&b);
}

Test(witness, proof_lines_with_old_zero_or_equal_sizes_are_refused)
{
    fixture f;
    setup(&f);
    cc_witness_latest st = {0, 0, {0}};
    uint64_t conflict = 0;
    char why[300];
    cc_buf b, bad;
    request(&f, f.a, 0, 4, &b);
    cc_buf_init(&bad);
    cc_buf_puts(&bad, "old 0\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n");
    cc_buf_append(&bad, strchr(b.data, '\n') + 1, b.len - (size_t)(strchr(b.data, '\n') + 1 - b.data));
    cr_expect_eq(submit(&f, &bad, &st, &conflict, why), 422, "%s", why);
    cr_expect_eq(st.known, 0, "the state moved on a refusal");
    cc_buf_free(&b);
    cc_buf_free(&bad);
    teardown(&f);
}
