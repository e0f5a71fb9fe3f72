/* Tests of core/guidelines: the canonical text of a scenario's guidelines (written out by hand for
 * tests/scenarios/valid/endorsed.yaml), endorsing it with each party's note key (tests/keys/), and
 * checking a note: every endorser signed, one missing, another scenario's text, a signature
 * altered, a key that is not a party's or is a cosigner key; and the lint errors of keys and
 * endorsers. */
#include <criterion/criterion.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/guidelines.h"
#include "core/note.h"
#include "core/scenario_model.h"
#include "io/file.h"
#include "io/scenario_load.h"

#define FIX "tests/scenarios/valid/endorsed.yaml"

static cc_scenario *load(const char *path)
{
    cc_diags d;
    cc_diags_init(&d);
    cc_scenario *s = NULL;
    cr_assert_eq(cc_scenario_load_file(path, NULL, &d, &s), CC_OK, "%s: %s", path,
                 d.count ? d.items[0].message : "");
    cc_diags_free(&d);
    return s;
}

static cc_note_signer *signer(const char *path)
{
    char *text = NULL;
    size_t len = 0;
    cr_assert_eq(cc_file_read(path, 4096, &text, &len, NULL, 0), CC_OK, "%s", path);
    cc_note_signer *k = NULL;
    cc_note_error ne;
    cr_assert_eq(cc_note_signer_parse(text, len, &k, &ne), CC_OK, "%s: %s", path, ne.message);
    free(text);
    return k;
}

Test(guidelines, the_text_is_the_canonical_rendering)
{
    cc_scenario *s = load(FIX);
    cc_buf b;
    cc_buf_init(&b);
    cr_assert_eq(cc_guidelines_text(s, &b), CC_OK);
    const char *want = "caucus guidelines/v1\n"
                       "scenario endorsed\n"
                       "guideline G-ack\n"
                       "text \"Both co-chairs acknowledge a request within 30 minutes: \\\"promptly\\\".\"\n"
                       "rule stage_deadline stage=acknowledge within=30m\n"
                       "objectives O-1\n"
                       "guideline G-note\n"
                       "text \"Positions are shared in both languages.\"\n"
                       "rule none\n"
                       "objectives none\n";
    cr_expect_str_eq(b.data, want);
    cc_buf_free(&b);
    cc_scenario_free(s);
}

/* In a scenario in several languages each translation is part of what is endorsed. */
Test(guidelines, every_language_is_endorsed)
{
    cc_scenario *s = load("tests/scenarios/valid/river-commission-bilingual.yaml");
    cc_buf b;
    cc_buf_init(&b);
    cr_assert_eq(cc_guidelines_text(s, &b), CC_OK);
    const char *want =
        "caucus guidelines/v1\n"
        "scenario river-commission\n"
        "guideline G-share\n"
        "text \"Gauge readings above the warning level are shared within one hour.\"\n"
        "text@ko \"\\uACBD\\uBCF4 \\uC218\\uC900\\uC744 \\uB118\\uB294 \\uAD00\\uCE21\\uAC12\\uC740 "
        "\\uD55C \\uC2DC\\uAC04 \\uC548\\uC5D0 \\uACF5\\uC720\\uD55C\\uB2E4.\"\n"
        "rule none\n"
        "objectives O-share\n";
    cr_expect_str_eq(b.data, want);
    cc_buf_free(&b);
    cc_scenario_free(s);
}

Test(guidelines, both_endorsers_sign_and_the_note_checks)
{
    cr_assert_geq(sodium_init(), 0);
    cc_scenario *s = load(FIX);
    cc_note_signer *xar = signer("tests/keys/xar.key"), *qmb = signer("tests/keys/qmb.key");
    cc_buf note;
    cc_buf_init(&note);
    cc_note_error ne;
    cr_assert_eq(cc_guidelines_endorse(s, xar, &note, &ne), CC_OK, "%s", ne.message);
    cc_endorsement e;
    cr_assert_eq(cc_guidelines_check(s, note.data, note.len, &e, &ne), CC_OK, "%s", ne.message);
    cr_assert_eq(e.nendorsers, 2);
    cr_expect_str_eq(e.endorser[0], "XAR");
    cr_expect_eq(e.signed_by[0], 1);
    cr_expect_eq(e.signed_by[1], 0);
    cr_expect_eq(e.missing, 1, "QMB has not signed yet");
    cr_expect_eq(e.key_id[0], cc_note_signer_key_id(xar));
    cc_endorsement_free(&e);
    /* the second signature; the same key again is refused */
    cr_assert_eq(cc_guidelines_endorse(s, qmb, &note, &ne), CC_OK, "%s", ne.message);
    cr_expect_eq(cc_guidelines_endorse(s, qmb, &note, &ne), CC_ERR_INVALID);
    cr_expect(strstr(ne.message, "already signed"), "%s", ne.message);
    cr_assert_eq(cc_guidelines_check(s, note.data, note.len, &e, &ne), CC_OK, "%s", ne.message);
    cr_expect_eq(e.missing, 0);
    cr_expect(e.signed_by[0] && e.signed_by[1]);
    unsigned char h[32];
    crypto_hash_sha256(h, (const unsigned char *)note.data, note.len);
    cr_expect(memcmp(h, e.sha256, 32) == 0, "the hash is of the whole note");
    cc_endorsement_free(&e);
    /* a signature altered: a note that says it is XAR's but does not verify */
    char *bad = strdup(note.data);
    char *sig = strstr(bad, "\xe2\x80\x94 XAR ");
    cr_assert_not_null(sig);
    sig[40] = sig[40] == 'A' ? 'B' : 'A'; /* inside the signature, past the key id */
    cr_expect_eq(cc_guidelines_check(s, bad, note.len, &e, &ne), CC_ERR_INVALID);
    cr_expect_eq(ne.status, CC_NOTE_BAD_SIGNATURE, "%s", ne.message);
    /* the key id altered instead: a signature by no party's key, ignored, so XAR has not signed */
    strcpy(bad, note.data);
    sig = strstr(bad, "\xe2\x80\x94 XAR ");
    sig[9] = sig[9] == 'A' ? 'B' : 'A';
    cr_assert_eq(cc_guidelines_check(s, bad, note.len, &e, &ne), CC_OK, "%s", ne.message);
    cr_expect_eq(e.signed_by[0], 0);
    cr_expect_eq(e.missing, 1);
    cc_endorsement_free(&e);
    free(bad);
    cc_buf_free(&note);
    cc_note_signer_free(xar);
    cc_note_signer_free(qmb);
    cc_scenario_free(s);
}

Test(guidelines, a_note_of_other_guidelines_is_refused_with_the_line)
{
    cr_assert_geq(sodium_init(), 0);
    cc_scenario *s = load(FIX);
    cc_note_signer *xar = signer("tests/keys/xar.key");
    cc_buf note;
    cc_buf_init(&note);
    cc_note_error ne;
    cr_assert_eq(cc_guidelines_endorse(s, xar, &note, &ne), CC_OK);
    /* the same scenario with one guideline's deadline changed */
    char *text = NULL;
    size_t len = 0;
    cr_assert_eq(cc_file_read(FIX, 1 << 20, &text, &len, NULL, 0), CC_OK);
    char *at = strstr(text, "within: 30m");
    cr_assert_not_null(at);
    at[8] = '4';
    cc_diags d;
    cc_diags_init(&d);
    cc_scenario *t = NULL;
    cr_assert_eq(cc_scenario_load(text, len, "changed.yaml", NULL, &d, &t), CC_OK);
    cc_endorsement e;
    cr_expect_eq(cc_guidelines_check(t, note.data, note.len, &e, &ne), CC_ERR_INVALID);
    cr_expect_eq(ne.line, 5, "the rule's line differs: %s", ne.message);
    cr_expect(strstr(ne.message, "is not the guidelines of scenario 'endorsed'"), "%s", ne.message);
    /* endorsing a note of other guidelines is refused too */
    cr_expect_eq(cc_guidelines_endorse(t, xar, &note, &ne), CC_ERR_INVALID);
    cc_scenario_free(t);
    cc_diags_free(&d);
    free(text);
    cc_buf_free(&note);
    cc_note_signer_free(xar);
    cc_scenario_free(s);
}

Test(guidelines, only_a_partys_note_key_endorses)
{
    cr_assert_geq(sodium_init(), 0);
    cc_scenario *s = load(FIX);
    cc_note_signer *cos = signer("tests/keys/xar-cosigner.key");
    cc_buf note;
    cc_buf_init(&note);
    cc_note_error ne;
    cr_expect_eq(cc_guidelines_endorse(s, cos, &note, &ne), CC_ERR_INVALID);
    cr_expect(strstr(ne.message, "cosigner key"), "%s", ne.message);
    cr_expect_eq(note.len, 0);
    /* a key named after no party */
    unsigned char seed[32] = {7};
    cc_buf sk, vk;
    cc_buf_init(&sk);
    cc_buf_init(&vk);
    cr_assert_eq(cc_note_keygen("NOBODY", seed, &sk, &vk, &ne), CC_OK);
    cc_note_signer *nob = NULL;
    cr_assert_eq(cc_note_signer_parse(sk.data, sk.len, &nob, &ne), CC_OK);
    cr_expect_eq(cc_guidelines_endorse(s, nob, &note, &ne), CC_ERR_NOTFOUND);
    /* ZZC holds a note key but is not an endorser: its signature verifies and counts for nothing */
    cc_note_signer *zzc = signer("tests/keys/zzc.key");
    cr_assert_eq(cc_guidelines_endorse(s, zzc, &note, &ne), CC_OK, "%s", ne.message);
    cc_endorsement e;
    cr_assert_eq(cc_guidelines_check(s, note.data, note.len, &e, &ne), CC_OK, "%s", ne.message);
    cr_expect_eq(e.missing, 2);
    cc_endorsement_free(&e);
    cc_note_signer_free(zzc);
    cc_note_signer_free(nob);
    cc_buf_free(&sk);
    cc_buf_free(&vk);
    cc_buf_free(&note);
    cc_note_signer_free(cos);
    cc_scenario_free(s);
}

/* What verify and the report say of a run's pinned note: every state, its sentence written out by
 * hand. */
Test(guidelines, the_state_of_a_pinned_note_in_one_sentence)
{
    cr_assert_geq(sodium_init(), 0);
    cc_scenario *s = load(FIX);
    cc_note_signer *xar = signer("tests/keys/xar.key"), *qmb = signer("tests/keys/qmb.key");
    char out[400], want[400];
    cr_expect_eq(cc_guidelines_state(s, NULL, out, sizeof out), CC_GSTATE_UNENDORSED);
    cr_expect_str_eq(
        out, "NOT endorsed: the scenario names endorsers XAR QMB; the exercise pinned no endorsed note");
    cc_buf note;
    cc_buf_init(&note);
    cc_note_error ne;
    cr_assert_eq(cc_guidelines_endorse(s, xar, &note, &ne), CC_OK, "%s", ne.message);
    cr_expect_eq(cc_guidelines_state(s, note.data, out, sizeof out), CC_GSTATE_INCOMPLETE);
    cr_expect_str_eq(out, "NOT endorsed: the pinned note lacks the signature of QMB");
    cr_assert_eq(cc_guidelines_endorse(s, qmb, &note, &ne), CC_OK, "%s", ne.message);
    unsigned char h[32];
    char hex[65];
    crypto_hash_sha256(h, (const unsigned char *)note.data, note.len);
    for (int i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", h[i]);
    snprintf(want, sizeof want, "endorsed by XAR (key %08x), QMB (key %08x); note sha256 %.16s...",
             cc_note_signer_key_id(xar), cc_note_signer_key_id(qmb), hex);
    cr_expect_eq(cc_guidelines_state(s, note.data, out, sizeof out), CC_GSTATE_ENDORSED);
    cr_expect_str_eq(out, want);
    /* truncated to the size given, never past it */
    char small[12];
    cr_expect_eq(cc_guidelines_state(s, note.data, small, sizeof small), CC_GSTATE_ENDORSED);
    cr_expect_str_eq(small, "endorsed by");
    /* a note of other text: invalid, with the checker's reason */
    cr_expect_eq(cc_guidelines_state(s, "not a note\n", out, sizeof out), CC_GSTATE_INVALID);
    cr_expect(strncmp(out, "NOT endorsed: the pinned note does not check: ", 46) == 0, "%s", out);
    cc_buf_free(&note);
    cc_note_signer_free(xar);
    cc_note_signer_free(qmb);
    cc_scenario_free(s);
    /* a scenario that names no endorsers */
    s = load("tests/scenarios/valid/minimal.yaml");
    cr_expect_eq(cc_guidelines_state(s, NULL, out, sizeof out), CC_GSTATE_NONE);
    cr_expect_str_eq(out, "none: the scenario names no endorsers");
    cc_scenario_free(s);
}
