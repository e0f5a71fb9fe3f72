/* note — C2SP signed notes and tlog checkpoints with Ed25519 (libsodium). Parsing is strict:
 * canonical base64 only, every limit checked before use, and each refusal names its line.
 * Contract in note.h; format in docs/tamper-evidence.md. */
#include "core/note.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/utf8.h"
#include "core/sha256.h"

#define ALG_ED25519 0x01  /* signed-note Ed25519 signatures */
#define ALG_COSIGN_V1 0x04 /* tlog-cosignature v1: Ed25519 over a timestamped header */
#define EM_DASH "\xE2\x80\x94"
#define B64_MAX (CC_NOTE_MAX_LINE + 4) /* longest base64 text we decode, with its NUL */

struct cc_note_signer {
    char name[CC_NOTE_MAX_NAME + 1];
    uint32_t id;
    int type; /* ALG_ED25519 or ALG_COSIGN_V1 */
    unsigned char pk[32];
    unsigned char sk[64];
};

struct cc_note_verifier {
    char name[CC_NOTE_MAX_NAME + 1];
    uint32_t id;
    int type;
    unsigned char pk[32];
};

const char *cc_note_status_str(cc_note_status s)
{
    switch (s) {
    case CC_NOTE_OK: return "ok";
    case CC_NOTE_MALFORMED: return "malformed";
    case CC_NOTE_ENCODING: return "encoding";
    case CC_NOTE_TOO_LONG: return "too-long";
    case CC_NOTE_UNKNOWN_KEY: return "unknown-key";
    case CC_NOTE_BAD_SIGNATURE: return "bad-signature";
    case CC_NOTE_BAD_ORIGIN: return "bad-origin";
    case CC_NOTE_BAD_SIZE: return "bad-size";
    case CC_NOTE_BAD_ROOT: return "bad-root";
    case CC_NOTE_BAD_KEY: return "bad-key";
    case CC_NOTE_KEY_ID: return "key-id-mismatch";
    }
    return "unknown";
}

static cc_err nfail(cc_note_error *err, cc_err code, cc_note_status st, int line, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static cc_err nfail(cc_note_error *err, cc_err code, cc_note_status st, int line, const char *fmt, ...)
{
    if (err) {
        err->status = st;
        err->line = line;
        int off = line > 0 ? snprintf(err->message, sizeof err->message, "line %d: ", line) : 0;
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->message + off, sizeof err->message - (size_t)off, fmt, ap);
        va_end(ap);
    }
    return code;
}

static cc_err nok(cc_note_error *err)
{
    if (err) {
        err->status = CC_NOTE_OK;
        err->line = 0;
        err->message[0] = '\0';
    }
    return CC_OK;
}

static cc_err nomem(cc_note_error *err)
{
    return nfail(err, CC_ERR_NOMEM, CC_NOTE_TOO_LONG, 0, "out of memory");
}

/* ---- small parts ---- */

/* Decodes one code point of valid UTF-8 at s (len > 0); returns its length. */
static size_t utf8_next(const unsigned char *s, size_t len, uint32_t *cp)
{
    unsigned c = s[0];
    size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    if (n > len)
        n = len;
    uint32_t v = n == 1 ? c : n == 2 ? (c & 0x1F) : n == 3 ? (c & 0x0F) : (c & 0x07);
    for (size_t k = 1; k < n; k++)
        v = (v << 6) | (s[k] & 0x3F);
    *cp = v;
    return n;
}

/* Unicode White_Space, as Go's unicode.IsSpace (which the reference note code uses). */
static int is_unicode_space(uint32_t c)
{
    return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680 ||
           (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F ||
           c == 0x3000;
}

/* Why name is not a valid key name, or NULL when it is. */
static const char *name_problem(const char *name, size_t len)
{
    size_t bad;
    if (len == 0)
        return "the key name is empty";
    if (len > CC_NOTE_MAX_NAME)
        return "the key name is longer than 256 bytes";
    if (cc_utf8_check(name, len, &bad) != CC_UTF8_OK)
        return "the key name is not UTF-8";
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        i += utf8_next((const unsigned char *)name + i, len - i, &cp);
        if (cp == '+')
            return "the key name contains '+'";
        if (is_unicode_space(cp))
            return "the key name contains a space";
        if (cp < 0x20 || cp == 0x7F)
            return "the key name contains a control character";
    }
    return NULL;
}

static uint32_t key_id(const char *name, size_t len, int type, const unsigned char pk[32])
{
    cc_sha256_ctx st;
    unsigned char h[32];
    const unsigned char sep[2] = {'\n', (unsigned char)type};
    cc_sha256_init(&st);
    cc_sha256_update(&st, (const unsigned char *)name, len);
    cc_sha256_update(&st, sep, 2);
    cc_sha256_update(&st, pk, 32);
    cc_sha256_final(&st, h);
    return (uint32_t)h[0] << 24 | (uint32_t)h[1] << 16 | (uint32_t)h[2] << 8 | h[3];
}

static int is_b64_digit(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
}

/* Canonical standard base64 (RFC 4648 section 4, padded): decodes s[0..len) into out (cap
 * bytes); 0 on success. We check the alphabet ourselves: libsodium 1.0.18 decodes some bytes
 * >= 0x80 as digits (found by fuzz/fuzz_note.c). Encoding the result must give back s. */
static int b64_decode(const char *s, size_t len, unsigned char *out, size_t cap, size_t *outlen)
{
    const char *end = NULL;
    if (len == 0 || len >= B64_MAX || len % 4 != 0)
        return -1;
    size_t pad = 0;
    while (pad < 2 && s[len - 1 - pad] == '=')
        pad++;
    for (size_t i = 0; i < len - pad; i++)
        if (!is_b64_digit(s[i]))
            return -1;
    if (sodium_base642bin(out, cap, s, len, NULL, outlen, &end, sodium_base64_VARIANT_ORIGINAL) != 0 ||
        end != s + len || sodium_base64_ENCODED_LEN(*outlen, sodium_base64_VARIANT_ORIGINAL) != len + 1)
        return -1;
    char *again = malloc(len + 1);
    if (!again)
        return -1;
    sodium_bin2base64(again, len + 1, out, *outlen, sodium_base64_VARIANT_ORIGINAL);
    int same = memcmp(again, s, len) == 0;
    free(again);
    return same ? 0 : -1;
}

static cc_err b64_append(cc_buf *out, const unsigned char *bin, size_t n)
{
    char enc[sodium_base64_ENCODED_LEN(4 + 64, sodium_base64_VARIANT_ORIGINAL)];
    if (n > 4 + 64)
        return CC_ERR_ARG;
    sodium_bin2base64(enc, sizeof enc, bin, n, sodium_base64_VARIANT_ORIGINAL);
    return cc_buf_puts(out, enc);
}

static int is_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* Length of text without trailing newlines, carriage returns, spaces and tabs. */
static size_t trim_end(const char *text, size_t len)
{
    while (len > 0 &&
           (text[len - 1] == '\n' || text[len - 1] == '\r' || text[len - 1] == ' ' || text[len - 1] == '\t'))
        len--;
    return len;
}

/* ---- keys ---- */

/* Splits "name+hex8+base64(0x01 || key32)" (the part after PRIVATE+KEY+ for signer keys) and
 * checks its syntax; key receives the 32 key bytes. */
static cc_err parse_key_body(const char *kind, const char *t, size_t len, char name[CC_NOTE_MAX_NAME + 1],
                             uint32_t *id, int *type, unsigned char key[32], cc_note_error *err)
{
    const char *plus1 = memchr(t, '+', len);
    if (!plus1)
        return nfail(err, CC_ERR_PARSE, CC_NOTE_BAD_KEY, 0, "%s key: expected NAME+KEYID+KEY", kind);
    size_t nlen = (size_t)(plus1 - t);
    const char *why = name_problem(t, nlen);
    if (why)
        return nfail(err, CC_ERR_PARSE, CC_NOTE_BAD_KEY, 0, "%s key: %s", kind, why);
    const char *h = plus1 + 1, *end = t + len;
    const char *plus2 = memchr(h, '+', (size_t)(end - h));
    if (!plus2 || plus2 - h != 8)
        return nfail(err, CC_ERR_PARSE, CC_NOTE_BAD_KEY, 0, "%s key: the key id must be 8 hex digits", kind);
    uint32_t v = 0;
    for (int i = 0; i < 8; i++) {
        if (!is_hex(h[i]))
            return nfail(err, CC_ERR_PARSE, CC_NOTE_BAD_KEY, 0, "%s key: the key id must be 8 hex digits",
                         kind);
        v = v << 4 | (uint32_t)(h[i] <= '9' ? h[i] - '0' : (h[i] | 0x20) - 'a' + 10);
    }
    const char *k = plus2 + 1;
    unsigned char bin[64];
    size_t blen = 0;
    if (b64_decode(k, (size_t)(end - k), bin, sizeof bin, &blen) != 0)
        return nfail(err, CC_ERR_PARSE, CC_NOTE_BAD_KEY, 0, "%s key: the key is not base64", kind);
    if (blen == 0 || (bin[0] != ALG_ED25519 && bin[0] != ALG_COSIGN_V1))
        return nfail(err, CC_ERR_PARSE, CC_NOTE_BAD_KEY, 0,
                     "%s key: unsupported signature type 0x%02x (Ed25519 0x01, or Ed25519 cosignature 0x04)",
                     kind, blen ? bin[0] : 0);
    if (blen != 33)
        return nfail(err, CC_ERR_PARSE, CC_NOTE_BAD_KEY, 0, "%s key: an Ed25519 key is 32 bytes, not %zu",
                     kind, blen - 1);
    memcpy(name, t, nlen);
    name[nlen] = '\0';
    *id = v;
    *type = bin[0];
    memcpy(key, bin + 1, 32);
    sodium_memzero(bin, sizeof bin);
    return CC_OK;
}

static cc_err put_key_text(cc_buf *out, const char *prefix, const char *name, uint32_t id, int type,
                           const unsigned char key[32])
{
    unsigned char bin[33];
    bin[0] = (unsigned char)type;
    memcpy(bin + 1, key, 32);
    cc_buf_printf(out, "%s%s+%08" PRIx32 "+", prefix, name, id);
    cc_err e = b64_append(out, bin, sizeof bin);
    sodium_memzero(bin, sizeof bin);
    return e != CC_OK || out->oom ? CC_ERR_NOMEM : CC_OK;
}

cc_err cc_note_keygen(const char *name, const unsigned char seed[32], cc_buf *skey, cc_buf *vkey,
                      cc_note_error *err)
{
    return cc_note_keygen_type(name, seed, CC_NOTE_KEY_NOTE, skey, vkey, err);
}

cc_err cc_note_keygen_type(const char *name, const unsigned char seed[32], cc_note_key_type type, cc_buf *skey,
                           cc_buf *vkey, cc_note_error *err)
{
    if (type != CC_NOTE_KEY_NOTE && type != CC_NOTE_KEY_COSIGNER)
        return nfail(err, CC_ERR_ARG, CC_NOTE_BAD_KEY, 0, "unknown key type");
    if (!name || !seed || !skey || !vkey)
        return nfail(err, CC_ERR_ARG, CC_NOTE_BAD_KEY, 0, "missing argument");
    const char *why = name_problem(name, strlen(name));
    if (why)
        return nfail(err, CC_ERR_PARSE, CC_NOTE_BAD_KEY, 0, "%s", why);
    unsigned char pk[32], sk[64];
    crypto_sign_seed_keypair(pk, sk, seed);
    sodium_memzero(sk, sizeof sk);
    uint32_t id = key_id(name, strlen(name), (int)type, pk);
    if (put_key_text(skey, "PRIVATE+KEY+", name, id, (int)type, seed) != CC_OK ||
        put_key_text(vkey, "", name, id, (int)type, pk) != CC_OK)
        return nomem(err);
    return nok(err);
}

cc_err cc_note_signer_parse(const char *text, size_t len, cc_note_signer **out, cc_note_error *err)
{
    static const char prefix[] = "PRIVATE+KEY+";
    if (!text || !out)
        return nfail(err, CC_ERR_ARG, CC_NOTE_BAD_KEY, 0, "missing argument");
    *out = NULL;
    len = trim_end(text, len);
    if (len < sizeof prefix - 1 || memcmp(text, prefix, sizeof prefix - 1) != 0)
        return nfail(err, CC_ERR_PARSE, CC_NOTE_BAD_KEY, 0, "signer key: does not start with PRIVATE+KEY+");
    if (len > CC_NOTE_MAX_LINE)
        return nfail(err, CC_ERR_PARSE, CC_NOTE_BAD_KEY, 0, "signer key: longer than %d bytes",
                     CC_NOTE_MAX_LINE);
    cc_note_signer *s = malloc(sizeof *s);
    if (!s)
        return nomem(err);
    unsigned char seed[32];
    cc_err e = parse_key_body("signer", text + sizeof prefix - 1, len - (sizeof prefix - 1), s->name, &s->id,
                              &s->type, seed, err);
    if (e == CC_OK) {
        crypto_sign_seed_keypair(s->pk, s->sk, seed);
        uint32_t want = key_id(s->name, strlen(s->name), s->type, s->pk);
        if (want != s->id)
            e = nfail(err, CC_ERR_INVALID, CC_NOTE_KEY_ID, 0,
                      "signer key: key id %08" PRIx32 " does not match the name and key (they give %08" PRIx32
                      ")",
                      s->id, want);
    }
    sodium_memzero(seed, sizeof seed);
    if (e != CC_OK) {
        cc_note_signer_free(s);
        return e;
    }
    *out = s;
    return nok(err);
}

void cc_note_signer_free(cc_note_signer *s)
{
    if (!s)
        return;
    sodium_memzero(s, sizeof *s);
    free(s);
}

cc_err cc_note_signer_vkey(const cc_note_signer *s, cc_buf *vkey)
{
    return put_key_text(vkey, "", s->name, s->id, s->type, s->pk);
}

const char *cc_note_signer_name(const cc_note_signer *s)
{
    return s->name;
}

uint32_t cc_note_signer_key_id(const cc_note_signer *s)
{
    return s->id;
}

cc_note_key_type cc_note_signer_type(const cc_note_signer *s)
{
    return (cc_note_key_type)s->type;
}

cc_err cc_note_verifier_parse(const char *text, size_t len, cc_note_verifier **out, cc_note_error *err)
{
    if (!text || !out)
        return nfail(err, CC_ERR_ARG, CC_NOTE_BAD_KEY, 0, "missing argument");
    *out = NULL;
    len = trim_end(text, len);
    if (len > CC_NOTE_MAX_LINE)
        return nfail(err, CC_ERR_PARSE, CC_NOTE_BAD_KEY, 0, "verifier key: longer than %d bytes",
                     CC_NOTE_MAX_LINE);
    cc_note_verifier *v = calloc(1, sizeof *v);
    if (!v)
        return nomem(err);
    cc_err e = parse_key_body("verifier", text, len, v->name, &v->id, &v->type, v->pk, err);
    if (e == CC_OK && crypto_core_ed25519_is_valid_point(v->pk) != 1)
        e = nfail(err, CC_ERR_PARSE, CC_NOTE_BAD_KEY, 0, "verifier key: not a valid Ed25519 public key");
    if (e == CC_OK) {
        uint32_t want = key_id(v->name, strlen(v->name), v->type, v->pk);
        if (want != v->id)
            e = nfail(err, CC_ERR_INVALID, CC_NOTE_KEY_ID, 0,
                      "verifier key: key id %08" PRIx32
                      " does not match the name and key (they give %08" PRIx32 ")",
                      v->id, want);
    }
    if (e != CC_OK) {
        free(v);
        return e;
    }
    *out = v;
    return nok(err);
}

void cc_note_verifier_free(cc_note_verifier *v)
{
    free(v);
}

const char *cc_note_verifier_name(const cc_note_verifier *v)
{
    return v->name;
}

uint32_t cc_note_verifier_key_id(const cc_note_verifier *v)
{
    return v->id;
}

cc_note_key_type cc_note_verifier_type(const cc_note_verifier *v)
{
    return (cc_note_key_type)v->type;
}

/* ---- notes ---- */

/* Checks size, UTF-8, control characters and line lengths of msg[0..len). */
static cc_err check_text(const char *msg, size_t len, cc_note_error *err)
{
    if (len > CC_NOTE_MAX_SIZE)
        return nfail(err, CC_ERR_LIMIT, CC_NOTE_TOO_LONG, 0,
                     "the note is %zu bytes, more than the limit of %u", len, CC_NOTE_MAX_SIZE);
    size_t bad;
    cc_utf8_status st = cc_utf8_check(msg, len, &bad);
    if (st != CC_UTF8_OK) {
        cc_pos p = cc_utf8_pos(msg, len, bad);
        return nfail(err, CC_ERR_PARSE, CC_NOTE_ENCODING, p.line, "column %d: %s", p.col,
                     cc_utf8_status_str(st));
    }
    int line = 1;
    size_t start = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)msg[i];
        if (c == '\n') {
            line++;
            start = i + 1;
        } else if (c < 0x20) {
            cc_pos p = cc_utf8_pos(msg, len, i);
            return nfail(err, CC_ERR_PARSE, CC_NOTE_ENCODING, line, "column %d: control character 0x%02x",
                         p.col, c);
        } else if (i - start >= CC_NOTE_MAX_LINE) {
            return nfail(err, CC_ERR_LIMIT, CC_NOTE_TOO_LONG, line, "longer than %d bytes", CC_NOTE_MAX_LINE);
        }
    }
    return CC_OK;
}

cc_err cc_note_sign(const cc_note_signer *s, const char *text, size_t len, cc_buf *out, cc_note_error *err)
{
    if (!s || !text || !out)
        return nfail(err, CC_ERR_ARG, CC_NOTE_MALFORMED, 0, "missing argument");
    if (s->type != ALG_ED25519)
        return nfail(err, CC_ERR_ARG, CC_NOTE_BAD_KEY, 0,
                     "%s is a cosigner key: it cosigns checkpoints (cc_note_cosign), it does not sign notes", s->name);
    cc_err e = check_text(text, len, err);
    if (e != CC_OK)
        return e;
    if (len == 0 || text[len - 1] != '\n')
        return nfail(err, CC_ERR_PARSE, CC_NOTE_MALFORMED, 0, "the text to sign must end in a newline");
    size_t name_len = strlen(s->name);
    /* text, blank line, em dash, space, name, space, base64 of 68 bytes, newline */
    if (len + 1 + 3 + 1 + name_len + 1 + 92 + 1 > CC_NOTE_MAX_SIZE)
        return nfail(err, CC_ERR_LIMIT, CC_NOTE_TOO_LONG, 0, "the signed note would exceed %u bytes",
                     CC_NOTE_MAX_SIZE);
    unsigned char sig[4 + 64];
    sig[0] = (unsigned char)(s->id >> 24);
    sig[1] = (unsigned char)(s->id >> 16);
    sig[2] = (unsigned char)(s->id >> 8);
    sig[3] = (unsigned char)s->id;
    crypto_sign_detached(sig + 4, NULL, (const unsigned char *)text, len, s->sk);
    cc_buf_append(out, text, len);
    cc_buf_puts(out, "\n" EM_DASH " ");
    cc_buf_puts(out, s->name);
    cc_buf_putc(out, ' ');
    b64_append(out, sig, sizeof sig);
    cc_buf_putc(out, '\n');
    return out->oom ? nomem(err) : nok(err);
}

static int line_of(const char *msg, size_t off)
{
    int line = 1;
    for (size_t i = 0; i < off; i++)
        line += msg[i] == '\n';
    return line;
}

/* The message a v1 cosignature signs: "cosignature/v1\ntime T\n" and the note's text. */
static unsigned char *cosigned_message(uint64_t ts, const char *text, size_t text_len, size_t *mlen)
{
    char head[64];
    int hl = snprintf(head, sizeof head, "cosignature/v1\ntime %" PRIu64 "\n", ts);
    unsigned char *m = malloc((size_t)hl + text_len);
    if (!m)
        return NULL;
    memcpy(m, head, (size_t)hl);
    memcpy(m + hl, text, text_len);
    *mlen = (size_t)hl + text_len;
    return m;
}

/* Checks one signature by verifier v over text: bin[0..blen) is key id || signature. */
static cc_err check_by(const cc_note_verifier *v, const unsigned char *bin, size_t blen, int lineno,
                       const char *text, size_t text_len, uint64_t *ts, cc_note_error *err)
{
    *ts = 0;
    if (v->type == ALG_ED25519) {
        if (blen != 4 + 64)
            return nfail(err, CC_ERR_INVALID, CC_NOTE_BAD_SIGNATURE, lineno,
                         "the signature by %s+%08" PRIx32 " is %zu bytes, not 64", v->name, v->id, blen - 4);
        if (crypto_sign_verify_detached(bin + 4, (const unsigned char *)text, text_len, v->pk) != 0)
            return nfail(err, CC_ERR_INVALID, CC_NOTE_BAD_SIGNATURE, lineno,
                         "the signature by %s+%08" PRIx32 " does not verify", v->name, v->id);
        return CC_OK;
    }
    if (blen != 4 + 8 + 64)
        return nfail(err, CC_ERR_INVALID, CC_NOTE_BAD_SIGNATURE, lineno,
                     "the cosignature by %s+%08" PRIx32 " is %zu bytes, not 8 + 64", v->name, v->id, blen - 4);
    uint64_t t = 0;
    for (int i = 0; i < 8; i++)
        t = t << 8 | bin[4 + i];
    if (t > INT64_MAX)
        return nfail(err, CC_ERR_INVALID, CC_NOTE_BAD_SIGNATURE, lineno,
                     "the cosignature by %s+%08" PRIx32 " has a timestamp over 2^63 - 1", v->name, v->id);
    size_t mlen = 0;
    unsigned char *m = cosigned_message(t, text, text_len, &mlen);
    if (!m)
        return nomem(err);
    int bad = crypto_sign_verify_detached(bin + 12, m, mlen, v->pk) != 0;
    free(m);
    if (bad)
        return nfail(err, CC_ERR_INVALID, CC_NOTE_BAD_SIGNATURE, lineno,
                     "the cosignature by %s+%08" PRIx32 " does not verify", v->name, v->id);
    *ts = t;
    return CC_OK;
}

/* One signature line (without "\n"); sets *verified when it is by a given key and verifies. */
static cc_err check_signature(const char *line, size_t len, int lineno, const char *text, size_t text_len,
                              const cc_note_verifier *const *verifiers, size_t n, unsigned char *bin,
                              int *verified, int *near_line, uint32_t *near_id, cc_note_sig *res,
                              cc_note_error *err)
{
    if (len < 4 || memcmp(line, EM_DASH " ", 4) != 0)
        return nfail(err, CC_ERR_PARSE, CC_NOTE_MALFORMED, lineno,
                     "a signature line must start with an em dash (U+2014) and a space");
    const char *name = line + 4, *end = line + len;
    const char *sp = memchr(name, ' ', (size_t)(end - name));
    if (!sp)
        return nfail(err, CC_ERR_PARSE, CC_NOTE_MALFORMED, lineno,
                     "no space between the key name and the signature");
    size_t name_len = (size_t)(sp - name);
    const char *why = name_problem(name, name_len);
    if (why)
        return nfail(err, CC_ERR_PARSE, CC_NOTE_MALFORMED, lineno, "%s", why);
    const char *b = sp + 1;
    size_t blen = 0;
    if (b64_decode(b, (size_t)(end - b), bin, B64_MAX, &blen) != 0)
        return nfail(err, CC_ERR_PARSE, CC_NOTE_MALFORMED, lineno, "the signature is not canonical base64");
    if (blen < 5)
        return nfail(err, CC_ERR_PARSE, CC_NOTE_MALFORMED, lineno, "the signature is %zu bytes, too short",
                     blen);
    uint32_t id = (uint32_t)bin[0] << 24 | (uint32_t)bin[1] << 16 | (uint32_t)bin[2] << 8 | bin[3];
    for (size_t k = 0; k < n; k++) {
        const cc_note_verifier *v = verifiers[k];
        if (strlen(v->name) != name_len || memcmp(v->name, name, name_len) != 0)
            continue;
        if (v->id != id) {
            if (!*near_line) {
                *near_line = lineno;
                *near_id = id;
            }
            continue;
        }
        uint64_t ts;
        cc_err e = check_by(v, bin, blen, lineno, text, text_len, &ts, err);
        if (e != CC_OK)
            return e;
        *verified = 1;
        if (res) {
            res[k].verified = 1;
            res[k].timestamp = ts;
            res[k].line = lineno;
        }
    }
    return CC_OK;
}

static cc_err open_note(const char *msg, size_t len, const cc_note_verifier *const *verifiers, size_t n,
                        int need_verified, size_t *text_len, size_t *nsigs, cc_note_sig *res, cc_note_error *err);

cc_err cc_note_split(const char *msg, size_t len, size_t *text_len, size_t *nsigs, cc_note_error *err)
{
    return open_note(msg, len, NULL, 0, 0, text_len, nsigs, NULL, err);
}

cc_err cc_note_check(const char *msg, size_t len, const cc_note_verifier *const *verifiers, size_t n,
                     size_t *text_len, cc_note_sig *res, cc_note_error *err)
{
    if (res)
        memset(res, 0, n * sizeof *res);
    return open_note(msg, len, verifiers, n, 0, text_len, NULL, res, err);
}

cc_err cc_note_open(const char *msg, size_t len, const cc_note_verifier *const *verifiers, size_t n,
                    size_t *text_len, cc_note_error *err)
{
    return open_note(msg, len, verifiers, n, 1, text_len, NULL, NULL, err);
}

static cc_err open_note(const char *msg, size_t len, const cc_note_verifier *const *verifiers, size_t n,
                        int need_verified, size_t *text_len, size_t *nsigs, cc_note_sig *res, cc_note_error *err)
{
    if (!msg || !text_len || (n > 0 && !verifiers))
        return nfail(err, CC_ERR_ARG, CC_NOTE_MALFORMED, 0, "missing argument");
    cc_err e = check_text(msg, len, err);
    if (e != CC_OK)
        return e;
    if (len == 0 || msg[len - 1] != '\n')
        return nfail(err, CC_ERR_PARSE, CC_NOTE_MALFORMED, len ? line_of(msg, len) : 1,
                     "the note does not end with a newline");
    /* The text ends at the last blank line; the signatures follow it. */
    size_t split = len;
    for (size_t i = len - 1; i > 0; i--)
        if (msg[i] == '\n' && msg[i - 1] == '\n') {
            split = i - 1;
            break;
        }
    if (split == len)
        return nfail(err, CC_ERR_PARSE, CC_NOTE_MALFORMED, 0,
                     "no blank line separates the text from the signature lines");
    size_t tlen = split + 1, pos = split + 2;
    int lineno = line_of(msg, pos);
    if (pos >= len)
        return nfail(err, CC_ERR_PARSE, CC_NOTE_MALFORMED, lineno, "no signature lines after the blank line");
    unsigned char *bin = malloc(B64_MAX);
    if (!bin)
        return nomem(err);
    int verified = 0, near_line = 0, count = 0;
    uint32_t near_id = 0;
    while (pos < len) {
        const char *nl = memchr(msg + pos, '\n', len - pos); /* found: msg ends in '\n' */
        size_t llen = (size_t)(nl - (msg + pos));
        if (++count > CC_NOTE_MAX_SIGS) {
            free(bin);
            return nfail(err, CC_ERR_LIMIT, CC_NOTE_TOO_LONG, lineno, "more than %d signature lines",
                         CC_NOTE_MAX_SIGS);
        }
        e = check_signature(msg + pos, llen, lineno, msg, tlen, verifiers, n, bin, &verified, &near_line,
                            &near_id, res, err);
        if (e != CC_OK) {
            free(bin);
            return e;
        }
        pos += llen + 1;
        lineno++;
    }
    free(bin);
    if (nsigs)
        *nsigs = (size_t)count;
    if (!verified && need_verified) {
        if (n == 0)
            return nfail(err, CC_ERR_NOTFOUND, CC_NOTE_UNKNOWN_KEY, 0, "no verifier key given");
        if (near_line)
            return nfail(err, CC_ERR_NOTFOUND, CC_NOTE_UNKNOWN_KEY, near_line,
                         "signed by %s with key id %08" PRIx32 ", not the known key %08" PRIx32,
                         verifiers[0]->name, near_id, verifiers[0]->id);
        if (n == 1)
            return nfail(err, CC_ERR_NOTFOUND, CC_NOTE_UNKNOWN_KEY, 0, "no signature by key %s+%08" PRIx32,
                         verifiers[0]->name, verifiers[0]->id);
        return nfail(err, CC_ERR_NOTFOUND, CC_NOTE_UNKNOWN_KEY, 0,
                     "no signature by any of the %zu given keys", n);
    }
    *text_len = tlen;
    return nok(err);
}

cc_err cc_note_cosign(const cc_note_signer *s, const char *note, size_t len, uint64_t timestamp, cc_buf *out,
                      cc_note_error *err)
{
    if (!s || !note || !out)
        return nfail(err, CC_ERR_ARG, CC_NOTE_MALFORMED, 0, "missing argument");
    if (s->type != ALG_COSIGN_V1)
        return nfail(err, CC_ERR_ARG, CC_NOTE_BAD_KEY, 0,
                     "%s is not a cosigner key (type 0x04): make one with `caucus keygen --cosigner`", s->name);
    if (timestamp > INT64_MAX)
        return nfail(err, CC_ERR_ARG, CC_NOTE_MALFORMED, 0, "the timestamp is over 2^63 - 1");
    size_t tlen = 0, nsigs = 0;
    cc_err e = cc_note_split(note, len, &tlen, &nsigs, err);
    if (e != CC_OK)
        return e;
    if (nsigs >= CC_NOTE_MAX_SIGS)
        return nfail(err, CC_ERR_LIMIT, CC_NOTE_TOO_LONG, 0, "the note has %d signature lines already",
                     CC_NOTE_MAX_SIGS);
    if (len + 4 + strlen(s->name) + 1 + 104 + 1 > CC_NOTE_MAX_SIZE)
        return nfail(err, CC_ERR_LIMIT, CC_NOTE_TOO_LONG, 0, "the cosigned note would exceed %u bytes",
                     CC_NOTE_MAX_SIZE);
    size_t mlen = 0;
    unsigned char *m = cosigned_message(timestamp, note, tlen, &mlen);
    if (!m)
        return nomem(err);
    unsigned char sig[4 + 8 + 64];
    for (int i = 0; i < 4; i++)
        sig[i] = (unsigned char)(s->id >> (24 - 8 * i));
    for (int i = 0; i < 8; i++)
        sig[4 + i] = (unsigned char)(timestamp >> (56 - 8 * i));
    crypto_sign_detached(sig + 12, NULL, m, mlen, s->sk);
    free(m);
    char enc[sodium_base64_ENCODED_LEN(sizeof sig, sodium_base64_VARIANT_ORIGINAL)];
    sodium_bin2base64(enc, sizeof enc, sig, sizeof sig, sodium_base64_VARIANT_ORIGINAL);
    cc_buf_puts(out, EM_DASH " ");
    cc_buf_puts(out, s->name);
    cc_buf_putc(out, ' ');
    cc_buf_puts(out, enc);
    cc_buf_putc(out, '\n');
    return out->oom ? nomem(err) : nok(err);
}

/* ---- checkpoints ---- */

void cc_checkpoint_clear(cc_checkpoint *c)
{
    if (!c)
        return;
    free(c->origin);
    for (size_t i = 0; i < c->next; i++)
        free(c->ext[i]);
    free(c->ext);
    memset(c, 0, sizeof *c);
}

/* Why a one-line field (origin or extension) cannot be written, or NULL. */
static const char *field_problem(const char *s)
{
    size_t len = strlen(s), bad;
    if (len == 0)
        return "is empty";
    if (len > CC_NOTE_MAX_LINE)
        return "is longer than 8192 bytes";
    if (cc_utf8_check(s, len, &bad) != CC_UTF8_OK)
        return "is not UTF-8";
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)s[i] < 0x20)
            return "contains a control character or newline";
    return NULL;
}

cc_err cc_checkpoint_format(const char *origin, uint64_t size, const unsigned char root[32],
                            const char *const *ext, size_t next, cc_buf *out, cc_note_error *err)
{
    if (!origin || !root || !out || (next > 0 && !ext))
        return nfail(err, CC_ERR_ARG, CC_NOTE_MALFORMED, 0, "missing argument");
    const char *why = field_problem(origin);
    if (why)
        return nfail(err, CC_ERR_PARSE, CC_NOTE_BAD_ORIGIN, 0, "the origin %s", why);
    if (next > CC_NOTE_MAX_EXT)
        return nfail(err, CC_ERR_LIMIT, CC_NOTE_TOO_LONG, 0, "%zu extension lines, more than %d", next,
                     CC_NOTE_MAX_EXT);
    for (size_t i = 0; i < next; i++)
        if (!ext[i] || (why = field_problem(ext[i])) != NULL)
            return nfail(err, CC_ERR_PARSE, CC_NOTE_MALFORMED, 0, "extension line %zu %s", i + 1,
                         ext[i] ? why : "is missing");
    cc_buf_printf(out, "%s\n%" PRIu64 "\n", origin, size);
    char enc[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_ORIGINAL)];
    sodium_bin2base64(enc, sizeof enc, root, 32, sodium_base64_VARIANT_ORIGINAL);
    cc_buf_puts(out, enc);
    cc_buf_putc(out, '\n');
    for (size_t i = 0; i < next; i++) {
        cc_buf_puts(out, ext[i]);
        cc_buf_putc(out, '\n');
    }
    return out->oom ? nomem(err) : nok(err);
}

static cc_err parse_size(const char *s, size_t len, uint64_t *out, cc_note_error *err)
{
    if (len == 0)
        return nfail(err, CC_ERR_PARSE, CC_NOTE_BAD_SIZE, 2, "the tree size is empty");
    for (size_t i = 0; i < len; i++)
        if (s[i] < '0' || s[i] > '9')
            return nfail(err, CC_ERR_PARSE, CC_NOTE_BAD_SIZE, 2,
                         "the tree size \"%.*s\" is not a decimal number", (int)(len > 40 ? 40 : len), s);
    if (len > 1 && s[0] == '0')
        return nfail(err, CC_ERR_PARSE, CC_NOTE_BAD_SIZE, 2, "the tree size \"%.*s\" has a leading zero",
                     (int)(len > 40 ? 40 : len), s);
    uint64_t v = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned d = (unsigned)(s[i] - '0');
        if (v > (UINT64_MAX - d) / 10)
            return nfail(err, CC_ERR_PARSE, CC_NOTE_BAD_SIZE, 2,
                         "the tree size \"%.*s\" is larger than 2^64 - 1", (int)(len > 40 ? 40 : len), s);
        v = v * 10 + d;
    }
    *out = v;
    return CC_OK;
}

cc_err cc_checkpoint_parse(const char *text, size_t len, cc_checkpoint *out, cc_note_error *err)
{
    if (!text || !out)
        return nfail(err, CC_ERR_ARG, CC_NOTE_MALFORMED, 0, "missing argument");
    memset(out, 0, sizeof *out);
    cc_err e = check_text(text, len, err);
    if (e != CC_OK)
        return e;
    if (len == 0 || text[len - 1] != '\n')
        return nfail(err, CC_ERR_PARSE, CC_NOTE_MALFORMED, len ? line_of(text, len) : 1,
                     "the checkpoint does not end with a newline");
    const char *p = text, *end = text + len;
    int line = 1;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t l = (size_t)(nl - p);
        if (line == 1) {
            if (l == 0) {
                e = nfail(err, CC_ERR_PARSE, CC_NOTE_BAD_ORIGIN, 1, "the origin is empty");
                break;
            }
            if (!(out->origin = malloc(l + 1))) {
                e = nomem(err);
                break;
            }
            memcpy(out->origin, p, l);
            out->origin[l] = '\0';
        } else if (line == 2) {
            if ((e = parse_size(p, l, &out->size, err)) != CC_OK)
                break;
        } else if (line == 3) {
            unsigned char bin[B64_MAX];
            size_t blen = 0;
            if (l == 0) {
                e = nfail(err, CC_ERR_PARSE, CC_NOTE_BAD_ROOT, 3, "the root hash is empty");
                break;
            }
            if (b64_decode(p, l, bin, sizeof bin, &blen) != 0) {
                e = nfail(err, CC_ERR_PARSE, CC_NOTE_BAD_ROOT, 3, "the root hash is not canonical base64");
                break;
            }
            if (blen != 32) {
                e = nfail(err, CC_ERR_PARSE, CC_NOTE_BAD_ROOT, 3, "the root hash is %zu bytes, not 32", blen);
                break;
            }
            memcpy(out->root, bin, 32);
        } else {
            if (l == 0) {
                e = nfail(err, CC_ERR_PARSE, CC_NOTE_MALFORMED, line, "empty extension line");
                break;
            }
            if (out->next == CC_NOTE_MAX_EXT) {
                e = nfail(err, CC_ERR_LIMIT, CC_NOTE_TOO_LONG, line, "more than %d extension lines",
                          CC_NOTE_MAX_EXT);
                break;
            }
            char **grown = realloc(out->ext, (out->next + 1) * sizeof *grown);
            if (!grown || !(grown[out->next] = malloc(l + 1))) {
                if (grown)
                    out->ext = grown;
                e = nomem(err);
                break;
            }
            out->ext = grown;
            memcpy(out->ext[out->next], p, l);
            out->ext[out->next][l] = '\0';
            out->next++;
        }
        p = nl + 1;
        line++;
    }
    if (e == CC_OK && line <= 3)
        e = line == 2 ? nfail(err, CC_ERR_PARSE, CC_NOTE_BAD_SIZE, 2, "the tree size line is missing")
                      : nfail(err, CC_ERR_PARSE, CC_NOTE_BAD_ROOT, 3, "the root hash line is missing");
    if (e != CC_OK) {
        cc_checkpoint_clear(out);
        return e;
    }
    return nok(err);
}

cc_err cc_note_sign_checkpoint(const cc_note_signer *s, const char *origin, uint64_t size,
                               const unsigned char root[32], const char *const *ext, size_t next, cc_buf *out,
                               cc_note_error *err)
{
    cc_buf body;
    cc_buf_init(&body);
    cc_err e = cc_checkpoint_format(origin, size, root, ext, next, &body, err);
    if (e == CC_OK)
        e = cc_note_sign(s, body.data, body.len, out, err);
    cc_buf_free(&body);
    return e;
}

cc_err cc_note_open_checkpoint(const char *msg, size_t len, const cc_note_verifier *v, const char *origin,
                               cc_checkpoint *out, cc_note_error *err)
{
    if (!out)
        return nfail(err, CC_ERR_ARG, CC_NOTE_MALFORMED, 0, "missing argument");
    memset(out, 0, sizeof *out);
    if (!v)
        return nfail(err, CC_ERR_ARG, CC_NOTE_UNKNOWN_KEY, 0, "no verifier key given");
    size_t tlen = 0;
    cc_err e = cc_note_open(msg, len, &v, 1, &tlen, err);
    if (e != CC_OK)
        return e;
    e = cc_checkpoint_parse(msg, tlen, out, err);
    if (e != CC_OK)
        return e;
    if (origin && strcmp(origin, out->origin) != 0) {
        e = nfail(err, CC_ERR_INVALID, CC_NOTE_BAD_ORIGIN, 1,
                  "the origin \"%.80s\" is not the expected \"%.80s\"", out->origin, origin);
        cc_checkpoint_clear(out);
        return e;
    }
    return nok(err);
}
