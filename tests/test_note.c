/* Tests of core/note: known answers from independent implementations (the Go sumdb/note
 * documentation example, the C2SP signed-note spec example, and checkpoints signed with
 * Python's `cryptography` Ed25519 using the RFC 8032 test 1 key), round trips, and a refusal with
 * its specific status and line for every tampered field and every malformed input. */
#include <criterion/criterion.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "core/note.h"

/* RFC 8032 section 7.1, TEST 1 */
static const char *RFC_SEED = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
static const char *RFC_PK = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";

#define NAME "caucus.example/ncg-ttx-2026"
/* Python: name + "+" + sha256(name + b"\n\x01" + pk)[:4].hex() + "+" + b64(b"\x01" + pk) */
static const char *VKEY = NAME "+69e2047a+AddamAGCsQq31Uv+08lkBzoO4XLz2qYjJa8CGmj3B1Ea";
static const char *SKEY = "PRIVATE+KEY+" NAME "+69e2047a+AZ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g";
/* The root of the 7 leaves SHA-256("event 0") .. SHA-256("event 6") (see test_merkle.c). */
static const char *ROOT7 = "0c81987f75d6996491309991da68af48923adde91de36c6936de0364747d588d";
/* Python cryptography's Ed25519 signature over the checkpoint text. */
static const char *CHECKPOINT7 =
    NAME "\n7\nDIGYf3XWmWSRMJmR2mivSJI63ekd42xpNt4DZHR9WI0=\n\n\xE2\x80\x94 " NAME
         " aeIEej7OR5Nulg+IKpdPSQ1HowU7+/25assR5vuFpBojbD+Sj1Y1tYJPXK31hItrnMKxAvKSxycLt"
         "No5as0sB2TO6Ak=\n";
static const char *CHECKPOINT7_EXT =
    NAME "\n7\nDIGYf3XWmWSRMJmR2mivSJI63ekd42xpNt4DZHR9WI0=\ncaucus-run: "
         "fictional exercise\n\n\xE2\x80\x94 " NAME
         " aeIEemEywsr0psICHUKszx5IoAac3v3TZZ6o06NgHI+UbS1CGEbqUhffqY5zDB8u7J/"
         "ag66Yc1nnEN/HWZR7tuPJtAA=\n";

static void unhex(const char *hex, unsigned char *out, size_t n)
{
    size_t len = 0;
    cr_assert_eq(sodium_hex2bin(out, n, hex, strlen(hex), NULL, &len, NULL), 0);
    cr_assert_eq(len, n);
}

static cc_note_signer *signer_of(const char *skey)
{
    cc_note_signer *s = NULL;
    cc_note_error err;
    cr_assert_eq(cc_note_signer_parse(skey, strlen(skey), &s, &err), CC_OK, "%s", err.message);
    return s;
}

static cc_note_verifier *verifier_of(const char *vkey)
{
    cc_note_verifier *v = NULL;
    cc_note_error err;
    cr_assert_eq(cc_note_verifier_parse(vkey, strlen(vkey), &v, &err), CC_OK, "%s", err.message);
    return v;
}

/* ---- known answers ---- */

Test(note, keygen_matches_independent_computation)
{
    unsigned char seed[32], pk[32];
    unhex(RFC_SEED, seed, 32);
    unhex(RFC_PK, pk, 32);
    cc_buf sk, vk;
    cc_buf_init(&sk);
    cc_buf_init(&vk);
    cc_note_error err;
    cr_assert_eq(cc_note_keygen(NAME, seed, &sk, &vk, &err), CC_OK, "%s", err.message);
    cr_expect_str_eq(sk.data, SKEY);
    cr_expect_str_eq(vk.data, VKEY);
    cc_note_verifier *v = verifier_of(vk.data);
    cr_expect_str_eq(cc_note_verifier_name(v), NAME);
    cr_expect_eq(cc_note_verifier_key_id(v), 0x69e2047a);
    /* the public key inside the verifier key is RFC 8032's for this seed */
    unsigned char bin[33];
    size_t len;
    const char *b64 = vk.data + strlen(NAME "+69e2047a+"); /* base64 may itself contain + */
    cr_assert_eq(sodium_base642bin(bin, sizeof bin, b64, strlen(b64), NULL, &len, NULL,
                                   sodium_base64_VARIANT_ORIGINAL),
                 0);
    cr_expect_eq(len, 33);
    cr_expect_eq(bin[0], 1);
    cr_expect_eq(memcmp(bin + 1, pk, 32), 0);
    cc_note_signer *s = signer_of(sk.data);
    cr_expect_eq(cc_note_signer_key_id(s), 0x69e2047a);
    cr_expect_str_eq(cc_note_signer_name(s), NAME);
    cc_buf again;
    cc_buf_init(&again);
    cr_assert_eq(cc_note_signer_vkey(s, &again), CC_OK);
    cr_expect_str_eq(again.data, VKEY);
    cc_buf_free(&again);
    cc_note_signer_free(s);
    cc_note_verifier_free(v);
    cc_buf_free(&sk);
    cc_buf_free(&vk);
}

Test(note, checkpoint_signature_matches_python_cryptography)
{
    cc_note_signer *s = signer_of(SKEY);
    unsigned char root[32];
    unhex(ROOT7, root, 32);
    cc_buf out;
    cc_buf_init(&out);
    cc_note_error err;
    cr_assert_eq(cc_note_sign_checkpoint(s, NAME, 7, root, NULL, 0, &out, &err), CC_OK, "%s", err.message);
    cr_expect_str_eq(out.data, CHECKPOINT7);
    cc_buf_reset(&out);
    const char *ext[] = {"caucus-run: fictional exercise"};
    cr_assert_eq(cc_note_sign_checkpoint(s, NAME, 7, root, ext, 1, &out, &err), CC_OK, "%s", err.message);
    cr_expect_str_eq(out.data, CHECKPOINT7_EXT);
    cc_buf_free(&out);
    cc_note_signer_free(s);

    cc_note_verifier *v = verifier_of(VKEY);
    cc_checkpoint cp;
    cr_assert_eq(cc_note_open_checkpoint(CHECKPOINT7_EXT, strlen(CHECKPOINT7_EXT), v, NAME, &cp, &err), CC_OK,
                 "%s", err.message);
    cr_expect_str_eq(cp.origin, NAME);
    cr_expect_eq(cp.size, 7);
    cr_expect_eq(memcmp(cp.root, root, 32), 0);
    cr_assert_eq(cp.next, 1);
    cr_expect_str_eq(cp.ext[0], "caucus-run: fictional exercise");
    cc_checkpoint_clear(&cp);
    cr_expect_null(cp.origin);
    cc_note_verifier_free(v);
}

/* golang.org/x/mod/sumdb/note's documented example: the same key must give the same bytes. */
Test(note, go_sumdb_note_example)
{
    static const char *skey =
        "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
    static const char *vkey = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
    static const char *text = "If you think cryptography is the answer to your problem,\n"
                              "then you don't know what your problem is.\n";
    static const char *want =
        "If you think cryptography is the answer to your problem,\n"
        "then you don't know what your problem is.\n"
        "\n"
        "\xE2\x80\x94 PeterNeumann "
        "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
    cc_note_signer *s = signer_of(skey);
    cc_buf out, vk;
    cc_buf_init(&out);
    cc_buf_init(&vk);
    cc_note_error err;
    cr_assert_eq(cc_note_sign(s, text, strlen(text), &out, &err), CC_OK, "%s", err.message);
    cr_expect_str_eq(out.data, want);
    cr_assert_eq(cc_note_signer_vkey(s, &vk), CC_OK);
    cr_expect_str_eq(vk.data, vkey);
    cc_note_verifier *v = verifier_of(vkey);
    size_t tlen = 0;
    cr_expect_eq(cc_note_open(want, strlen(want), (const cc_note_verifier *const *)&v, 1, &tlen, &err), CC_OK,
                 "%s", err.message);
    cr_expect_eq(tlen, strlen(text));
    cc_note_verifier_free(v);
    cc_note_signer_free(s);
    cc_buf_free(&out);
    cc_buf_free(&vk);
}

/* The example in c2sp.org/signed-note ("Verifier keys"). */
Test(note, c2sp_spec_example)
{
    static const char *vkey = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k";
    static const char *msg =
        "This is an example message.\n\n\xE2\x80\x94 example.com/foo "
        "Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM="
        "\n";
    cc_note_verifier *v = verifier_of(vkey);
    size_t tlen = 0;
    cc_note_error err;
    cr_expect_eq(cc_note_open(msg, strlen(msg), (const cc_note_verifier *const *)&v, 1, &tlen, &err), CC_OK,
                 "%s", err.message);
    cr_expect_eq(tlen, strlen("This is an example message.\n"));
    /* it is not a checkpoint: one line only */
    cc_checkpoint cp;
    cr_expect_eq(cc_note_open_checkpoint(msg, strlen(msg), v, NULL, &cp, &err), CC_ERR_PARSE);
    cr_expect_eq(err.status, CC_NOTE_BAD_SIZE);
    cr_expect_str_eq(err.message, "line 2: the tree size line is missing");
    cc_note_verifier_free(v);
}

/* ---- round trip and tampering ---- */

typedef struct {
    cc_note_signer *s;
    cc_note_verifier *v;
    cc_buf note;
    unsigned char root[32];
} fixture;

static void setup(fixture *f, uint64_t size)
{
    unsigned char seed[32];
    memset(seed, 0x42, 32);
    cc_buf sk, vk;
    cc_buf_init(&sk);
    cc_buf_init(&vk);
    cr_assert_eq(cc_note_keygen("caucus.example/log", seed, &sk, &vk, NULL), CC_OK);
    f->s = signer_of(sk.data);
    f->v = verifier_of(vk.data);
    cc_buf_free(&sk);
    cc_buf_free(&vk);
    for (int i = 0; i < 32; i++)
        f->root[i] = (unsigned char)(i * 7 + 1);
    cc_buf_init(&f->note);
    cr_assert_eq(cc_note_sign_checkpoint(f->s, "caucus.example/log", size, f->root, NULL, 0, &f->note, NULL),
                 CC_OK);
}

static void teardown(fixture *f)
{
    cc_note_signer_free(f->s);
    cc_note_verifier_free(f->v);
    cc_buf_free(&f->note);
}

/* Opens text as a checkpoint with f's key; asserts the refusal's code, status, line and message. */
static void expect_refused(fixture *f, const char *text, size_t len, cc_err code, cc_note_status st, int line,
                           const char *msg_part)
{
    cc_checkpoint cp;
    cc_note_error err;
    cc_err e = cc_note_open_checkpoint(text, len, f->v, "caucus.example/log", &cp, &err);
    cr_expect_eq(e, code, "got %s: %s", cc_err_str(e), err.message);
    cr_expect_eq(err.status, st, "got %s: %s", cc_note_status_str(err.status), err.message);
    cr_expect_eq(err.line, line, "%s", err.message);
    cr_expect(strstr(err.message, msg_part) != NULL, "'%s' lacks '%s'", err.message, msg_part);
    cr_expect_null(cp.origin);
}

Test(note, round_trip_for_many_sizes)
{
    static const uint64_t sizes[] = {0, 1, 9, 10, 4294967296ull, UINT64_MAX};
    for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
        fixture f;
        setup(&f, sizes[i]);
        cc_checkpoint cp;
        cc_note_error err;
        cr_assert_eq(cc_note_open_checkpoint(f.note.data, f.note.len, f.v, "caucus.example/log", &cp, &err),
                     CC_OK, "%s", err.message);
        cr_expect_eq(cp.size, sizes[i]);
        cr_expect_eq(memcmp(cp.root, f.root, 32), 0);
        cr_expect_eq(cp.next, 0);
        cr_expect_eq(err.status, CC_NOTE_OK);
        cc_checkpoint_clear(&cp);
        /* without an expected origin */
        cr_assert_eq(cc_note_open_checkpoint(f.note.data, f.note.len, f.v, NULL, &cp, &err), CC_OK);
        cc_checkpoint_clear(&cp);
        teardown(&f);
    }
}

/* Replaces the first occurrence of from with to in the fixture's note; returns a new string. */
static char *edit(const char *note, const char *from, const char *to)
{
    const char *p = strstr(note, from);
    cr_assert_not_null(p, "'%s' not in note", from);
    size_t a = (size_t)(p - note), fl = strlen(from), tl = strlen(to), n = strlen(note);
    char *s = malloc(n - fl + tl + 1);
    memcpy(s, note, a);
    memcpy(s + a, to, tl);
    memcpy(s + a + tl, p + fl, n - a - fl + 1);
    return s;
}

Test(note, every_tampered_field_is_refused)
{
    fixture f;
    setup(&f, 1234);
    const char *n = f.note.data;
    char *t;
    /* origin, size, root: the text changed, the signature no longer verifies */
    t = edit(n, "caucus.example/log\n", "caucus.example/lag\n");
    expect_refused(&f, t, strlen(t), CC_ERR_INVALID, CC_NOTE_BAD_SIGNATURE, 5, "does not verify");
    free(t);
    t = edit(n, "\n1234\n", "\n1235\n");
    expect_refused(&f, t, strlen(t), CC_ERR_INVALID, CC_NOTE_BAD_SIGNATURE, 5, "does not verify");
    free(t);
    char *root_line = strchr(strchr(n, '\n') + 1, '\n') + 1;
    char orig[8] = {0}, repl[8] = {0};
    memcpy(orig, root_line, 4);
    memcpy(repl, root_line, 4);
    repl[0] = repl[0] == 'A' ? 'B' : 'A';
    t = edit(n, orig, repl);
    expect_refused(&f, t, strlen(t), CC_ERR_INVALID, CC_NOTE_BAD_SIGNATURE, 5, "does not verify");
    free(t);
    /* one byte of the signature (inside the base64, after the 4-byte key id) */
    t = strdup(n);
    char *sig = strrchr(t, ' ') + 1;
    sig[20] = sig[20] == 'A' ? 'B' : 'A';
    expect_refused(&f, t, strlen(t), CC_ERR_INVALID, CC_NOTE_BAD_SIGNATURE, 5, "caucus.example/log+");
    free(t);
    /* the key name of the signature line: no longer our key */
    t = edit(n, "\xE2\x80\x94 caucus.example/log ", "\xE2\x80\x94 caucus.example/other ");
    expect_refused(&f, t, strlen(t), CC_ERR_NOTFOUND, CC_NOTE_UNKNOWN_KEY, 0,
                   "no signature by key caucus.example/log+");
    free(t);
    /* the key id (first base64 characters of the signature): same name, another key */
    t = strdup(n);
    sig = strrchr(t, ' ') + 1;
    sig[0] = sig[0] == 'A' ? 'B' : 'A';
    expect_refused(&f, t, strlen(t), CC_ERR_NOTFOUND, CC_NOTE_UNKNOWN_KEY, 5, "not the known key");
    free(t);
    /* the expected origin differs (the signature is fine) */
    cc_checkpoint cp;
    cc_note_error err;
    cr_expect_eq(cc_note_open_checkpoint(n, strlen(n), f.v, "caucus.example/other", &cp, &err),
                 CC_ERR_INVALID);
    cr_expect_eq(err.status, CC_NOTE_BAD_ORIGIN);
    cr_expect_eq(err.line, 1);
    cr_expect_null(cp.origin);
    /* a truncated note */
    expect_refused(&f, n, strlen(n) - 1, CC_ERR_PARSE, CC_NOTE_MALFORMED, 5, "does not end with a newline");
    teardown(&f);
}

/* Checkpoint texts that are well signed but not valid checkpoints. */
static void sign_and_expect(fixture *f, const char *text, cc_err code, cc_note_status st, int line,
                            const char *msg_part)
{
    cc_buf out;
    cc_buf_init(&out);
    cc_note_error err;
    cr_assert_eq(cc_note_sign(f->s, text, strlen(text), &out, &err), CC_OK, "%s", err.message);
    expect_refused(f, out.data, out.len, code, st, line, msg_part);
    cc_buf_free(&out);
}

Test(note, checkpoint_body_errors)
{
    fixture f;
    setup(&f, 1);
    const char *R = "AQgPFh0kKzI5QEdOVVxjanF4f4aNlJuiqbC3vsXM09o=\n";
    char body[512];
#define BODY(...) (snprintf(body, sizeof body, __VA_ARGS__), body)
    sign_and_expect(&f, BODY("caucus.example/log\n12a\n%s", R), CC_ERR_PARSE, CC_NOTE_BAD_SIZE, 2,
                    "\"12a\" is not a decimal number");
    sign_and_expect(&f, BODY("caucus.example/log\n-1\n%s", R), CC_ERR_PARSE, CC_NOTE_BAD_SIZE, 2,
                    "not a decimal number");
    sign_and_expect(&f, BODY("caucus.example/log\n007\n%s", R), CC_ERR_PARSE, CC_NOTE_BAD_SIZE, 2,
                    "has a leading zero");
    sign_and_expect(&f, BODY("caucus.example/log\n18446744073709551616\n%s", R), CC_ERR_PARSE,
                    CC_NOTE_BAD_SIZE, 2, "larger than 2^64 - 1");
    sign_and_expect(&f, BODY("caucus.example/log\n\n%s", R), CC_ERR_PARSE, CC_NOTE_BAD_SIZE, 2,
                    "tree size is empty");
    sign_and_expect(&f, "caucus.example/log\n5\n", CC_ERR_PARSE, CC_NOTE_BAD_ROOT, 3,
                    "root hash line is missing");
    sign_and_expect(&f, "caucus.example/log\n", CC_ERR_PARSE, CC_NOTE_BAD_SIZE, 2,
                    "tree size line is missing");
    sign_and_expect(&f, "caucus.example/log\n5\n!!!!\n", CC_ERR_PARSE, CC_NOTE_BAD_ROOT, 3,
                    "not canonical base64");
    sign_and_expect(&f, "caucus.example/log\n5\nAQgPFh0kKzI5QEdOVVxjanF4f4aNlJuiqbC3vsXM0w==\n", CC_ERR_PARSE,
                    CC_NOTE_BAD_ROOT, 3, "31 bytes, not 32");
    /* non-zero padding bits: decodes, but is not the canonical encoding */
    sign_and_expect(&f, "caucus.example/log\n5\nAQgPFh0kKzI5QEdOVVxjanF4f4aNlJuiqbC3vsXM09p=\n", CC_ERR_PARSE,
                    CC_NOTE_BAD_ROOT, 3, "not canonical base64");
    /* fuzz finding: libsodium 1.0.18 decodes bytes >= 0x80 as base64 digits; this root decoded to
     * 32 bytes there (regression corpus file fuzz/corpus/note/regress-b64-high-bytes) */
    sign_and_expect(&f, "caucus.example/log\n5\nAQgXFh2kKzI5QE\xe2\x80\x94/xjanF4f4aNlJbquCi3rsXM09o=\n",
                    CC_ERR_PARSE, CC_NOTE_BAD_ROOT, 3, "not canonical base64");
    sign_and_expect(&f, "caucus.example/log\n5\nAQgPFh0kKzI5QEdOVVxjanF4f4aNlJuiqbC3vsXM09\xc3\xbf\n",
                    CC_ERR_PARSE, CC_NOTE_BAD_ROOT, 3, "not canonical base64");
    sign_and_expect(&f, "caucus.example/log\n5\nAQgPFh0kKzI5QEdOVVxjanF4f4aNlJ=iqbC3vsXM09o=\n", CC_ERR_PARSE,
                    CC_NOTE_BAD_ROOT, 3, "not canonical base64");
    sign_and_expect(&f, BODY("\n5\n%s", R), CC_ERR_PARSE, CC_NOTE_BAD_ORIGIN, 1, "origin is empty");
    sign_and_expect(&f, BODY("caucus.example/log\n5\n%s\next\n", R), CC_ERR_PARSE, CC_NOTE_MALFORMED, 4,
                    "empty extension line");
    /* extension lines: up to 64 */
    char many[4096];
    int off = snprintf(many, sizeof many, "caucus.example/log\n5\n%s", R);
    for (int i = 0; i < 65; i++)
        off += snprintf(many + off, sizeof many - (size_t)off, "x%d\n", i);
    sign_and_expect(&f, many, CC_ERR_LIMIT, CC_NOTE_TOO_LONG, 3 + 65, "more than 64 extension lines");
    /* the same through cc_checkpoint_parse directly */
    cc_checkpoint cp;
    cc_note_error err;
    cr_expect_eq(cc_checkpoint_parse("o\n5\n", 4, &cp, &err), CC_ERR_PARSE);
    cr_expect_eq(err.status, CC_NOTE_BAD_ROOT);
    cr_expect_eq(cc_checkpoint_parse("o\n5", 3, &cp, &err), CC_ERR_PARSE);
    cr_expect_eq(err.status, CC_NOTE_MALFORMED);
    cr_expect_eq(cc_checkpoint_parse("", 0, &cp, &err), CC_ERR_PARSE);
    cr_expect_eq(cc_checkpoint_parse(NULL, 0, &cp, &err), CC_ERR_ARG);
    snprintf(body, sizeof body, "o\n5\n%sext one\next two\n", R);
    cr_assert_eq(cc_checkpoint_parse(body, strlen(body), &cp, &err), CC_OK, "%s", err.message);
    cr_expect_eq(cp.next, 2);
    cr_expect_str_eq(cp.ext[1], "ext two");
    cc_checkpoint_clear(&cp);
    teardown(&f);
}

/* ---- note syntax ---- */

static void open_expect(fixture *f, const char *msg, size_t len, cc_err code, cc_note_status st, int line,
                        const char *part)
{
    size_t tlen;
    cc_note_error err;
    cc_err e = cc_note_open(msg, len, (const cc_note_verifier *const *)&f->v, 1, &tlen, &err);
    cr_expect_eq(e, code, "got %s: %s", cc_err_str(e), err.message);
    cr_expect_eq(err.status, st, "got %s: %s", cc_note_status_str(err.status), err.message);
    cr_expect_eq(err.line, line, "%s", err.message);
    cr_expect(strstr(err.message, part) != NULL, "'%s' lacks '%s'", err.message, part);
}

Test(note, malformed_notes)
{
    fixture f;
    setup(&f, 3);
    const char *n = f.note.data;
    char *t;
    t = edit(n, "\n3\n", "\n3\xff\n");
    open_expect(&f, t, strlen(t), CC_ERR_PARSE, CC_NOTE_ENCODING, 2, "column 2: invalid UTF-8");
    free(t);
    t = edit(n, "\n3\n", "\n3\xc0\xaf\n");
    open_expect(&f, t, strlen(t), CC_ERR_PARSE, CC_NOTE_ENCODING, 2, "overlong");
    free(t);
    t = edit(n, "\n3\n", "\n3\t\n");
    open_expect(&f, t, strlen(t), CC_ERR_PARSE, CC_NOTE_ENCODING, 2, "column 2: control character 0x09");
    free(t);
    t = edit(n, "\n3\n", "\n3\r\n");
    open_expect(&f, t, strlen(t), CC_ERR_PARSE, CC_NOTE_ENCODING, 2, "control character 0x0d");
    free(t);
    t = strdup(n);
    t[3] = '\0';
    open_expect(&f, t, f.note.len, CC_ERR_PARSE, CC_NOTE_ENCODING, 1, "NUL");
    free(t);
    /* layout */
    open_expect(&f, "a\nb\n", 4, CC_ERR_PARSE, CC_NOTE_MALFORMED, 0, "no blank line");
    open_expect(&f, "a\nb\n\n", 5, CC_ERR_PARSE, CC_NOTE_MALFORMED, 4, "no signature lines");
    open_expect(&f, "", 0, CC_ERR_PARSE, CC_NOTE_MALFORMED, 1, "does not end with a newline");
    t = edit(n, "\xE2\x80\x94 ", "-- ");
    open_expect(&f, t, strlen(t), CC_ERR_PARSE, CC_NOTE_MALFORMED, 5, "must start with an em dash");
    free(t);
    t = edit(n, "\xE2\x80\x94 ", "\xE2\x80\x94");
    open_expect(&f, t, strlen(t), CC_ERR_PARSE, CC_NOTE_MALFORMED, 5, "em dash");
    free(t);
    t = edit(n, "\xE2\x80\x94 caucus.example/log ", "\xE2\x80\x94 caucus.example/log");
    open_expect(&f, t, strlen(t), CC_ERR_PARSE, CC_NOTE_MALFORMED, 5, "no space between");
    free(t);
    t = edit(n, "\xE2\x80\x94 caucus.example/log ", "\xE2\x80\x94 caucus+example ");
    open_expect(&f, t, strlen(t), CC_ERR_PARSE, CC_NOTE_MALFORMED, 5, "contains '+'");
    free(t);
    t = edit(n, "\xE2\x80\x94 caucus.example/log ", "\xE2\x80\x94 caucus\xE3\x80\x80log ");
    open_expect(&f, t, strlen(t), CC_ERR_PARSE, CC_NOTE_MALFORMED, 5, "contains a space");
    free(t);
    t = edit(n, "\xE2\x80\x94 caucus.example/log ", "\xE2\x80\x94  ");
    open_expect(&f, t, strlen(t), CC_ERR_PARSE, CC_NOTE_MALFORMED, 5, "key name is empty");
    free(t);
    /* signature base64 */
    {
        char line[600];
        snprintf(line, sizeof line, "%.*s\n\xE2\x80\x94 caucus.example/log %s\n",
                 (int)(strstr(n, "\n\n") - n + 1), n, "AAAA!AAA");
        open_expect(&f, line, strlen(line), CC_ERR_PARSE, CC_NOTE_MALFORMED, 5, "not canonical base64");
        snprintf(line, sizeof line, "%.*s\n\xE2\x80\x94 caucus.example/log %s\n",
                 (int)(strstr(n, "\n\n") - n + 1), n, "AAAAAA==");
        open_expect(&f, line, strlen(line), CC_ERR_PARSE, CC_NOTE_MALFORMED, 5, "4 bytes, too short");
        snprintf(line, sizeof line, "%.*s\n\xE2\x80\x94 caucus.example/log %s\n",
                 (int)(strstr(n, "\n\n") - n + 1), n, "AAAAAAA");
        open_expect(&f, line, strlen(line), CC_ERR_PARSE, CC_NOTE_MALFORMED, 5, "not canonical base64");
    }
    /* a signature of the right key id but 65 bytes long */
    {
        const char *sig = strrchr(n, ' ') + 1;
        unsigned char bin[70];
        size_t blen;
        cr_assert_eq(sodium_base642bin(bin, sizeof bin, sig, strlen(sig) - 1, NULL, &blen, NULL,
                                       sodium_base64_VARIANT_ORIGINAL),
                     0);
        bin[blen++] = 0;
        char enc[200], line[600];
        sodium_bin2base64(enc, sizeof enc, bin, blen, sodium_base64_VARIANT_ORIGINAL);
        snprintf(line, sizeof line, "%.*s\n\xE2\x80\x94 caucus.example/log %s\n",
                 (int)(strstr(n, "\n\n") - n + 1), n, enc);
        open_expect(&f, line, strlen(line), CC_ERR_INVALID, CC_NOTE_BAD_SIGNATURE, 5, "65 bytes, not 64");
    }
    /* no verifier */
    size_t tlen;
    cc_note_error err;
    cr_expect_eq(cc_note_open(n, f.note.len, NULL, 0, &tlen, &err), CC_ERR_NOTFOUND);
    cr_expect_eq(err.status, CC_NOTE_UNKNOWN_KEY);
    cr_expect_eq(cc_note_open(NULL, 0, NULL, 0, &tlen, &err), CC_ERR_ARG);
    cc_checkpoint cp;
    cr_expect_eq(cc_note_open_checkpoint(NULL, 0, f.v, NULL, &cp, &err), CC_ERR_ARG);
    teardown(&f);
}

Test(note, limits)
{
    fixture f;
    setup(&f, 3);
    const char *n = f.note.data;
    size_t text_len = (size_t)(strstr(n, "\n\n") - n) + 1;
    /* more than 1 MiB */
    size_t big = CC_NOTE_MAX_SIZE + 1;
    char *t = malloc(big);
    memset(t, 'a', big);
    for (size_t i = 100; i < big; i += 101)
        t[i] = '\n';
    open_expect(&f, t, big, CC_ERR_LIMIT, CC_NOTE_TOO_LONG, 0, "more than the limit of 1048576");
    /* a line over 8192 bytes, on line 2 */
    memset(t, 'a', 9000);
    t[5] = '\n';
    t[8999] = '\n';
    open_expect(&f, t, 9000, CC_ERR_LIMIT, CC_NOTE_TOO_LONG, 2, "longer than 8192 bytes");
    /* exactly 8192 bytes is fine (then the layout is what fails) */
    memset(t, 'a', 8193);
    t[8192] = '\n';
    open_expect(&f, t, 8193, CC_ERR_PARSE, CC_NOTE_MALFORMED, 0, "no blank line");
    /* 101 signature lines: the limit is 100 */
    const char *sigline = strstr(n, "\n\n") + 2;
    size_t sl = strlen(sigline);
    size_t len = 0;
    memcpy(t, n, text_len + 1);
    len = text_len + 1;
    for (int i = 0; i < 101; i++) {
        memcpy(t + len, sigline, sl);
        len += sl;
    }
    open_expect(&f, t, len, CC_ERR_LIMIT, CC_NOTE_TOO_LONG, 5 + 100, "more than 100 signature lines");
    /* 100 copies of a valid signature line are accepted */
    size_t tlen;
    cc_note_error err;
    cr_expect_eq(cc_note_open(t, len - sl, (const cc_note_verifier *const *)&f.v, 1, &tlen, &err), CC_OK,
                 "%s", err.message);
    free(t);
    /* signing refuses what opening would refuse */
    cc_buf out;
    cc_buf_init(&out);
    cr_expect_eq(cc_note_sign(f.s, "no newline", 10, &out, &err), CC_ERR_PARSE);
    cr_expect_eq(err.status, CC_NOTE_MALFORMED);
    cr_expect_eq(cc_note_sign(f.s, "a\tb\n", 4, &out, &err), CC_ERR_PARSE);
    cr_expect_eq(err.status, CC_NOTE_ENCODING);
    cr_expect_eq(err.line, 1);
    char *huge = malloc(CC_NOTE_MAX_SIZE);
    memset(huge, 'a', CC_NOTE_MAX_SIZE);
    for (size_t i = 1000; i < CC_NOTE_MAX_SIZE; i += 1000)
        huge[i] = '\n';
    huge[CC_NOTE_MAX_SIZE - 1] = '\n';
    cr_expect_eq(cc_note_sign(f.s, huge, CC_NOTE_MAX_SIZE, &out, &err), CC_ERR_LIMIT);
    cr_expect_eq(err.status, CC_NOTE_TOO_LONG);
    cr_expect_eq(out.len, 0);
    free(huge);
    cc_buf_free(&out);
    teardown(&f);
}

/* Several signatures: unknown keys are ignored, every known one must verify. */
Test(note, cosigned_notes)
{
    unsigned char seed[32];
    cc_buf sk[3], vk[3], notes[3];
    cc_note_signer *s[3];
    cc_note_verifier *v[3];
    const char *names[3] = {"caucus.example/log", "witness.example/w1", "witness.example/w2"};
    const char *text = "caucus.example/log\n5\nAQgPFh0kKzI5QEdOVVxjanF4f4aNlJuiqbC3vsXM09o=\n";
    for (int i = 0; i < 3; i++) {
        memset(seed, i + 1, 32);
        cc_buf_init(&sk[i]);
        cc_buf_init(&vk[i]);
        cc_buf_init(&notes[i]);
        cr_assert_eq(cc_note_keygen(names[i], seed, &sk[i], &vk[i], NULL), CC_OK);
        s[i] = signer_of(sk[i].data);
        v[i] = verifier_of(vk[i].data);
        cr_assert_eq(cc_note_sign(s[i], text, strlen(text), &notes[i], NULL), CC_OK);
    }
    /* text, blank line, the log's then the first witness's signature line */
    cc_buf both;
    cc_buf_init(&both);
    cc_buf_puts(&both, notes[0].data);
    cc_buf_puts(&both, strstr(notes[1].data, "\n\n") + 2);
    size_t tlen;
    cc_note_error err;
    const cc_note_verifier *const *vv = (const cc_note_verifier *const *)v;
    cr_expect_eq(cc_note_open(both.data, both.len, vv, 2, &tlen, &err), CC_OK, "%s", err.message);
    cr_expect_eq(tlen, strlen(text));
    cr_expect_eq(cc_note_open(both.data, both.len, vv + 1, 1, &tlen, &err), CC_OK, "%s", err.message);
    cr_expect_eq(cc_note_open(both.data, both.len, vv + 2, 1, &tlen, &err), CC_ERR_NOTFOUND);
    cr_expect(strstr(err.message, "no signature by key witness.example/w2+") != NULL, "%s", err.message);
    cr_expect_eq(cc_note_open(both.data, both.len, vv + 1, 2, &tlen, &err), CC_OK, "%s", err.message);
    /* a known key's bad signature fails the note even though another verifies */
    char *bad = strdup(both.data);
    char *last = strrchr(bad, ' ') + 1;
    last[30] = last[30] == 'A' ? 'B' : 'A';
    cr_expect_eq(cc_note_open(bad, strlen(bad), vv, 2, &tlen, &err), CC_ERR_INVALID);
    cr_expect_eq(err.status, CC_NOTE_BAD_SIGNATURE);
    cr_expect_eq(err.line, 6);
    cr_expect(strstr(err.message, "witness.example/w1+") != NULL, "%s", err.message);
    /* ... but is ignored when that key is not given */
    cr_expect_eq(cc_note_open(bad, strlen(bad), vv, 1, &tlen, &err), CC_OK, "%s", err.message);
    cr_expect_eq(cc_note_open(bad, strlen(bad), NULL, 0, &tlen, &err), CC_ERR_NOTFOUND);
    free(bad);
    cc_buf_free(&both);
    for (int i = 0; i < 3; i++) {
        cc_note_signer_free(s[i]);
        cc_note_verifier_free(v[i]);
        cc_buf_free(&sk[i]);
        cc_buf_free(&vk[i]);
        cc_buf_free(&notes[i]);
    }
}

/* ---- key texts ---- */

static void vkey_expect(const char *text, cc_err code, cc_note_status st, const char *part)
{
    cc_note_verifier *v = (cc_note_verifier *)1;
    cc_note_error err;
    cr_expect_eq(cc_note_verifier_parse(text, strlen(text), &v, &err), code, "%s: %s", text, err.message);
    cr_expect_eq(err.status, st, "%s: %s", text, err.message);
    cr_expect(strstr(err.message, part) != NULL, "'%s' lacks '%s'", err.message, part);
    cr_expect_null(v);
}

static void skey_expect(const char *text, cc_err code, cc_note_status st, const char *part)
{
    cc_note_signer *s = (cc_note_signer *)1;
    cc_note_error err;
    cr_expect_eq(cc_note_signer_parse(text, strlen(text), &s, &err), code, "%s: %s", text, err.message);
    cr_expect_eq(err.status, st, "%s: %s", text, err.message);
    cr_expect(strstr(err.message, part) != NULL, "'%s' lacks '%s'", err.message, part);
    cr_expect_null(s);
}

Test(note, key_texts)
{
    /* a trailing newline (as in a key file) is fine */
    char withnl[200];
    snprintf(withnl, sizeof withnl, "%s\n", VKEY);
    cc_note_verifier_free(verifier_of(withnl));
    snprintf(withnl, sizeof withnl, "%s \r\n", SKEY);
    cc_note_signer_free(signer_of(withnl));

    vkey_expect("", CC_ERR_PARSE, CC_NOTE_BAD_KEY, "expected NAME+KEYID+KEY");
    vkey_expect("justaname", CC_ERR_PARSE, CC_NOTE_BAD_KEY, "expected NAME+KEYID+KEY");
    vkey_expect("+69e2047a+AddamAGCsQq31Uv+08lkBzoO4XLz2qYjJa8CGmj3B1Ea", CC_ERR_PARSE, CC_NOTE_BAD_KEY,
                "key name is empty");
    vkey_expect("a b+69e2047a+AddamAGCsQq31Uv+08lkBzoO4XLz2qYjJa8CGmj3B1Ea", CC_ERR_PARSE, CC_NOTE_BAD_KEY,
                "contains a space");
    vkey_expect(NAME "+69e2047+AddamAGCsQq31Uv+08lkBzoO4XLz2qYjJa8CGmj3B1Ea", CC_ERR_PARSE, CC_NOTE_BAD_KEY,
                "8 hex digits");
    vkey_expect(NAME "+69e2047g+AddamAGCsQq31Uv+08lkBzoO4XLz2qYjJa8CGmj3B1Ea", CC_ERR_PARSE, CC_NOTE_BAD_KEY,
                "8 hex digits");
    vkey_expect(NAME "+69e2047a", CC_ERR_PARSE, CC_NOTE_BAD_KEY, "8 hex digits");
    vkey_expect(NAME "+69e2047a+AddamAGCsQq31Uv+08lkBzoO4XLz2qYjJa8CGmj3B1E", CC_ERR_PARSE, CC_NOTE_BAD_KEY,
                "not base64");
    vkey_expect(NAME "+69e2047a+AddamAGCsQq31Uv+08lkBzoO4XLz2qYjJa8CGmj3B\xff\xff", CC_ERR_PARSE,
                CC_NOTE_BAD_KEY, "not base64");
    /* type byte 0x02 (ECDSA) instead of 0x01 */
    vkey_expect(NAME "+69e2047a+AtdamAGCsQq31Uv+08lkBzoO4XLz2qYjJa8CGmj3B1Ea", CC_ERR_PARSE, CC_NOTE_BAD_KEY,
                "unsupported signature type 0x02");
    vkey_expect(NAME "+69e2047a+AddamAGCsQq31Uv+08lkBzoO4XLz2qYjJa8CGmj3B1E=", CC_ERR_PARSE, CC_NOTE_BAD_KEY,
                "32 bytes, not 31");
    /* the key id of another key */
    vkey_expect(NAME "+69e2047b+AddamAGCsQq31Uv+08lkBzoO4XLz2qYjJa8CGmj3B1Ea", CC_ERR_INVALID, CC_NOTE_KEY_ID,
                "they give 69e2047a");
    /* a name that is not the one the key id was made with */
    vkey_expect("caucus.example/other+69e2047a+AddamAGCsQq31Uv+08lkBzoO4XLz2qYjJa8CGmj3B1Ea", CC_ERR_INVALID,
                CC_NOTE_KEY_ID, "does not match the name and key");
    /* the identity point is not a usable Ed25519 public key */
    vkey_expect(NAME "+69e2047a+AQEAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", CC_ERR_PARSE, CC_NOTE_BAD_KEY,
                "not a valid Ed25519 public key");

    skey_expect(VKEY, CC_ERR_PARSE, CC_NOTE_BAD_KEY, "PRIVATE+KEY+");
    skey_expect("PRIVATE+KEY+" NAME "+69e2047b+AZ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g", CC_ERR_INVALID,
                CC_NOTE_KEY_ID, "they give 69e2047a");
    skey_expect("PRIVATE+KEY+" NAME "+69e2047a+AZ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9", CC_ERR_PARSE,
                CC_NOTE_BAD_KEY, "not base64");
    skey_expect("PRIVATE+KEY+" NAME "+69e2047a+Ap1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g", CC_ERR_PARSE,
                CC_NOTE_BAD_KEY, "unsupported signature type 0x02");
    /* another seed under the same name and key id */
    skey_expect("PRIVATE+KEY+" NAME "+69e2047a+AZ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9h", CC_ERR_INVALID,
                CC_NOTE_KEY_ID, "does not match");
    skey_expect("PRIVATE+KEY+" NAME "+69e2047a+AZ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn8g", CC_ERR_INVALID,
                CC_NOTE_KEY_ID, "does not match");

    cc_note_verifier *v;
    cr_expect_eq(cc_note_verifier_parse(NULL, 0, &v, NULL), CC_ERR_ARG);
}

Test(note, keygen_refuses_bad_names)
{
    static const char *bad[] = {"",      "a b",  "a+b",
                                "a\tb",  "a\nb", "a\xc2\xa0z", /* U+00A0 no-break space */
                                "a\xff", "a\x7f"};
    unsigned char seed[32] = {0};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        cc_buf sk, vk;
        cc_buf_init(&sk);
        cc_buf_init(&vk);
        cc_note_error err;
        cr_expect_eq(cc_note_keygen(bad[i], seed, &sk, &vk, &err), CC_ERR_PARSE, "name %zu", i);
        cr_expect_eq(err.status, CC_NOTE_BAD_KEY);
        cr_expect_eq(sk.len, 0);
        cc_buf_free(&sk);
        cc_buf_free(&vk);
    }
    char longname[300];
    memset(longname, 'n', 257);
    longname[257] = '\0';
    cc_buf sk, vk;
    cc_buf_init(&sk);
    cc_buf_init(&vk);
    cc_note_error err;
    cr_expect_eq(cc_note_keygen(longname, seed, &sk, &vk, &err), CC_ERR_PARSE);
    cr_expect(strstr(err.message, "longer than 256") != NULL, "%s", err.message);
    longname[256] = '\0';
    cr_expect_eq(cc_note_keygen(longname, seed, &sk, &vk, &err), CC_OK, "%s", err.message);
    cr_expect_eq(cc_note_keygen(NULL, seed, &sk, &vk, &err), CC_ERR_ARG);
    cc_buf_free(&sk);
    cc_buf_free(&vk);
}

Test(note, checkpoint_format_refusals)
{
    unsigned char root[32] = {0};
    cc_buf out;
    cc_buf_init(&out);
    cc_note_error err;
    cr_expect_eq(cc_checkpoint_format("", 1, root, NULL, 0, &out, &err), CC_ERR_PARSE);
    cr_expect_eq(err.status, CC_NOTE_BAD_ORIGIN);
    cr_expect_eq(cc_checkpoint_format("a\nb", 1, root, NULL, 0, &out, &err), CC_ERR_PARSE);
    cr_expect_eq(err.status, CC_NOTE_BAD_ORIGIN);
    cr_expect(strstr(err.message, "control character or newline") != NULL, "%s", err.message);
    const char *ext[65];
    for (int i = 0; i < 65; i++)
        ext[i] = "x";
    cr_expect_eq(cc_checkpoint_format("o", 1, root, ext, 65, &out, &err), CC_ERR_LIMIT);
    cr_expect_eq(err.status, CC_NOTE_TOO_LONG);
    ext[3] = "two\nlines";
    cr_expect_eq(cc_checkpoint_format("o", 1, root, ext, 5, &out, &err), CC_ERR_PARSE);
    cr_expect_str_eq(err.message, "extension line 4 contains a control character or newline");
    ext[3] = "";
    cr_expect_eq(cc_checkpoint_format("o", 1, root, ext, 5, &out, &err), CC_ERR_PARSE);
    cr_expect_str_eq(err.message, "extension line 4 is empty");
    cr_expect_eq(out.len, 0);
    cr_expect_eq(cc_checkpoint_format("o", 18446744073709551615ull, root, ext, 3, &out, &err), CC_OK);
    cr_expect_str_eq(out.data,
                     "o\n18446744073709551615\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\nx\nx\nx\n");
    cc_buf_free(&out);
}

/* ---- cosignatures (c2sp.org/tlog-cosignature, Ed25519 v1) ---- */

/* Python cryptography: the RFC 8032 test 1 key as a cosigner key (type 0x04) named
 * usa.ncg.example/auditor, cosigning CHECKPOINT7's text at time 1679315147. */
#define COSIGNER "usa.ncg.example/auditor"
static const char *CO_VKEY = COSIGNER "+363c7976+BNdamAGCsQq31Uv+08lkBzoO4XLz2qYjJa8CGmj3B1Ea";
static const char *CO_SKEY = "PRIVATE+KEY+" COSIGNER "+363c7976+BJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g";
static const char *CO_LINE = "\xE2\x80\x94 " COSIGNER " Njx5dgAAAABkGFDL2bZ9OZGG9CiEyiRmY48fKssZ0TKuiBsIUG4+q1jE5xLo/"
                             "XpHeX0mwYPqiaJGzaqmYpMgvUQyx4gPcm/a5KKhAA==\n";

Test(note, cosignature_known_answer_and_keygen)
{
    cc_note_signer *s = signer_of(CO_SKEY);
    cr_expect_eq(cc_note_signer_type(s), CC_NOTE_KEY_COSIGNER);
    cc_buf line;
    cc_buf_init(&line);
    cc_note_error e;
    cr_assert_eq(cc_note_cosign(s, CHECKPOINT7, strlen(CHECKPOINT7), 1679315147, &line, &e), CC_OK, "%s",
                 e.message);
    cr_expect_str_eq(line.data, CO_LINE, "the cosignature differs from Python's");
    /* keygen from the same seed gives the same texts */
    unsigned char seed[32];
    unhex(RFC_SEED, seed, 32);
    cc_buf sk, vk;
    cc_buf_init(&sk);
    cc_buf_init(&vk);
    cr_assert_eq(cc_note_keygen_type(COSIGNER, seed, CC_NOTE_KEY_COSIGNER, &sk, &vk, &e), CC_OK, "%s", e.message);
    cr_expect_str_eq(sk.data, CO_SKEY);
    cr_expect_str_eq(vk.data, CO_VKEY);
    /* a cosigner key cosigns, it does not sign notes; a note key does not cosign */
    cc_buf out;
    cc_buf_init(&out);
    cr_expect_eq(cc_note_sign(s, "text\n", 5, &out, &e), CC_ERR_ARG);
    cc_note_signer *plain = signer_of(SKEY);
    cr_expect_eq(cc_note_cosign(plain, CHECKPOINT7, strlen(CHECKPOINT7), 1, &out, &e), CC_ERR_ARG);
    cr_expect_eq(cc_note_cosign(s, CHECKPOINT7, strlen(CHECKPOINT7), (uint64_t)INT64_MAX + 1, &out, &e), CC_ERR_ARG);
    cc_note_signer_free(plain);
    cc_note_signer_free(s);
    cc_buf_free(&line);
    cc_buf_free(&sk);
    cc_buf_free(&vk);
    cc_buf_free(&out);
}

Test(note, cosigned_checkpoint_checked_per_key)
{
    cc_buf note;
    cc_buf_init(&note);
    cc_buf_puts(&note, CHECKPOINT7);
    cc_buf_puts(&note, CO_LINE);
    cc_note_verifier *log = verifier_of(VKEY), *usa = verifier_of(CO_VKEY);
    cr_expect_eq(cc_note_verifier_type(usa), CC_NOTE_KEY_COSIGNER);
    /* a second party's cosigner key, made here */
    unsigned char seed[32];
    memset(seed, 7, 32);
    cc_buf sk, vk;
    cc_buf_init(&sk);
    cc_buf_init(&vk);
    cc_note_error e;
    cr_assert_eq(cc_note_keygen_type("kor.ncg.example/auditor", seed, CC_NOTE_KEY_COSIGNER, &sk, &vk, &e), CC_OK);
    cc_note_signer *ks = signer_of(sk.data);
    cc_note_verifier *kor = verifier_of(vk.data);
    const cc_note_verifier *keys[3] = {log, usa, kor};
    cc_note_sig res[3];
    size_t tlen = 0;
    cr_assert_eq(cc_note_check(note.data, note.len, keys, 3, &tlen, res, &e), CC_OK, "%s", e.message);
    cr_expect(res[0].verified && res[1].verified && !res[2].verified);
    cr_expect_eq(res[1].timestamp, 1679315147);
    cr_expect_eq(tlen, strlen(CHECKPOINT7) - strlen(strstr(CHECKPOINT7, "\n\n")) + 1);
    /* KOR adds its cosignature: all three now */
    cr_assert_eq(cc_note_cosign(ks, note.data, note.len, 1700000000, &note, &e), CC_OK, "%s", e.message);
    cr_assert_eq(cc_note_check(note.data, note.len, keys, 3, &tlen, res, &e), CC_OK, "%s", e.message);
    cr_expect(res[0].verified && res[1].verified && res[2].verified);
    cr_expect_eq(res[2].timestamp, 1700000000);
    /* a cosignature whose timestamp was changed does not verify, and says whose it is */
    char *bad = strdup(note.data);
    char *usa_line = strstr(bad, COSIGNER " Njx5dgAAAABk");
    cr_assert_not_null(usa_line);
    usa_line[strlen(COSIGNER " Njx5dgAAAABk")] = 'H';
    cr_expect_eq(cc_note_check(bad, strlen(bad), keys, 3, &tlen, res, &e), CC_ERR_INVALID);
    cr_expect_eq(e.status, CC_NOTE_BAD_SIGNATURE);
    cr_expect(strstr(e.message, "the cosignature by " COSIGNER), "%s", e.message);
    /* the same cosignature over another checkpoint text does not verify either */
    free(bad);
    bad = strdup(note.data);
    bad[strlen(NAME) + 1] = '8'; /* size 7 -> 8 */
    cr_expect_eq(cc_note_check(bad, strlen(bad), keys, 3, &tlen, res, &e), CC_ERR_INVALID);
    free(bad);
    cc_note_signer_free(ks);
    cc_note_verifier_free(log);
    cc_note_verifier_free(usa);
    cc_note_verifier_free(kor);
    cc_buf_free(&note);
    cc_buf_free(&sk);
    cc_buf_free(&vk);
}
