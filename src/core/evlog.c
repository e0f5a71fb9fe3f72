/* evlog — canonical event records and their hash chain. Decoding has two paths: a single-pass
 * scanner that accepts only lines it proves to be canonical records (no allocation, no parse
 * tree), and the jansson parse plus canonical re-encoding that decides every other line. */
#include "core/evlog.h"

#include <assert.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "core/canon.h"
#include "core/cjw.h"
#include "core/sha256.h"

void cc_hex(const unsigned char *bytes, size_t n, char *out)
{
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = hex[bytes[i] >> 4];
        out[2 * i + 1] = hex[bytes[i] & 15];
    }
    out[2 * n] = 0;
}

/* Branch-free (replay takes each record's hash from its line with it): only lower-case digits are
 * accepted, upper case is not canonical; out is written even when -1 is returned. */
static int unhex32(const char *hex, unsigned char out[32])
{
    unsigned char nib[64];
    unsigned bad = 0;
    for (int i = 0; i < 64; i++) { /* fixed bounds: vectorised */
        unsigned c = (unsigned char)hex[i];
        unsigned digit = (unsigned char)(c - '0') < 10, lower = (unsigned char)(c - 'a') < 6;
        bad |= !(digit | lower);
        nib[i] = (unsigned char)((c & 15) + 9 * lower);
    }
    for (int i = 0; i < 32; i++)
        out[i] = (unsigned char)(nib[2 * i] << 4 | nib[2 * i + 1]);
    return bad ? -1 : 0;
}

int cc_unhex(const char *hex, size_t hexlen, unsigned char *out, size_t n)
{
    if (hexlen != 2 * n)
        return -1;
    if (n == 32)
        return unhex32(hex, out);
    unsigned bad = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned h = (unsigned char)hex[2 * i], l = (unsigned char)hex[2 * i + 1];
        unsigned hd = (unsigned char)(h - '0') < 10, hl = (unsigned char)(h - 'a') < 6;
        unsigned ld = (unsigned char)(l - '0') < 10, ll = (unsigned char)(l - 'a') < 6;
        bad |= !(hd | hl) | !(ld | ll);
        out[i] = (unsigned char)(((h & 15) + 9 * hl) << 4 | ((l & 15) + 9 * ll));
    }
    return bad ? -1 : 0;
}

void cc_evrec_clear(cc_evrec *e)
{
    free(e->actor);
    free(e->type);
    free(e->label);
    json_decref(e->payload);
    memset(e, 0, sizeof *e);
}

/* The record as a JSON object; with_hash adds the "hash" member. NULL on ENOMEM. */
static json_t *to_json(const cc_evrec *e, int with_hash)
{
    char hex[65];
    json_t *o = json_object();
    if (!o)
        return NULL;
    int bad = 0;
    bad |= json_object_set_new(o, "v", json_integer(CC_EVLOG_VERSION));
    bad |= json_object_set_new(o, "seq", json_integer((json_int_t)e->seq));
    bad |= json_object_set_new(o, "t", json_integer(e->t_ms));
    bad |= json_object_set_new(o, "wall", json_integer(e->wall_ms));
    bad |= json_object_set_new(o, "actor", e->actor ? json_string(e->actor) : json_null());
    bad |= json_object_set_new(o, "type", json_string(e->type ? e->type : ""));
    bad |= json_object_set_new(o, "label", e->label ? json_string(e->label) : json_null());
    bad |= e->payload ? json_object_set(o, "payload", e->payload)
                      : json_object_set_new(o, "payload", json_object());
    cc_hex(e->prev, 32, hex);
    bad |= json_object_set_new(o, "prev", json_string(hex));
    cc_hex(e->digest, 32, hex);
    bad |= json_object_set_new(o, "digest", json_string(hex));
    if (with_hash) {
        cc_hex(e->hash, 32, hex);
        bad |= json_object_set_new(o, "hash", json_string(hex));
    }
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static cc_err hash_of(const cc_evrec *e, unsigned char out[32])
{
    json_t *o = to_json(e, 0);
    if (!o)
        return CC_ERR_NOMEM;
    cc_buf b;
    cc_buf_init(&b);
    cc_err rc = cc_canon_json(o, &b, NULL);
    if (rc == CC_OK)
        cc_sha256((const unsigned char *)b.data, b.len, out);
    cc_buf_free(&b);
    json_decref(o);
    return rc;
}

cc_err cc_evlog_encode_ref(cc_evrec *e, cc_buf *out)
{
    if (e->payload && !json_is_object(e->payload))
        return CC_ERR_INVALID;
    cc_err rc = hash_of(e, e->hash);
    if (rc)
        return rc;
    json_t *o = to_json(e, 1);
    if (!o)
        return CC_ERR_NOMEM;
    rc = cc_canon_json(o, out, NULL);
    json_decref(o);
    if (rc == CC_OK)
        rc = cc_buf_putc(out, '\n');
    return rc;
}

/* The record's members in key order are actor, digest, hash, label, payload, prev, seq, t, type, v,
 * wall: the hashed record (without "hash") is the line with the hash member cut out. So the line is
 * written once, with a gap where the hash goes, the two parts around the gap are hashed, and the
 * gap is filled. */
#define HASH_MEMBER_LEN 74 /* "hash":"<64 hex>", */

/* cc_buf_append without the call when the room is there (most appends, the buffer being reused) */
static inline cc_err put(cc_buf *b, const char *s, size_t n)
{
    if (b->cap && n < b->cap - b->len && !b->oom) {
        memcpy(b->data + b->len, s, n);
        b->len += n;
        b->data[b->len] = 0;
        return CC_OK;
    }
    return cc_buf_append(b, s, n);
}

static cc_err encode_direct(cc_evrec *e, const cc_jf *f, size_t nf, const char *seen, size_t seen_len,
                            cc_buf *out)
{
    if (!f && e->payload && !json_is_object(e->payload))
        return CC_ERR_INVALID;
    size_t start = out->len;
    char hex[65];
    const char *why = NULL;
    cc_err rc = put(out, "{\"actor\":", 9);
    if (rc == CC_OK)
        rc = e->actor ? cc_cjw_string(out, e->actor, strlen(e->actor), &why) : put(out, "null", 4);
    cc_hex(e->digest, 32, hex);
    if (rc == CC_OK)
        rc = put(out, ",\"digest\":\"", 11);
    if (rc == CC_OK)
        rc = put(out, hex, 64);
    if (rc == CC_OK)
        rc = put(out, "\",", 2);
    size_t gap = out->len;
    if (rc == CC_OK)
        rc = put(out, "\"hash\":\"0000000000000000000000000000000000000000000000000000000000000000\",",
                 HASH_MEMBER_LEN);
    size_t rest = out->len;
    if (rc == CC_OK)
        rc = put(out, "\"label\":", 8);
    if (rc == CC_OK)
        rc = e->label ? cc_cjw_string(out, e->label, strlen(e->label), &why) : put(out, "null", 4);
    if (rc == CC_OK)
        rc = put(out, ",\"payload\":", 11);
    if (rc == CC_OK)
        rc = f            ? cc_cjw_fields_at(out, f, nf, 1, &why)
             : e->payload ? cc_cjw_json_at(out, e->payload, 1, &why)
                          : put(out, "{}", 2);
    cc_hex(e->prev, 32, hex);
    if (rc == CC_OK)
        rc = put(out, ",\"prev\":\"", 9);
    if (rc == CC_OK)
        rc = put(out, hex, 64);
    if (rc == CC_OK)
        rc = put(out, "\",\"seq\":", 8);
    if (rc == CC_OK)
        rc = cc_cjw_int(out, (long long)e->seq, &why);
    if (rc == CC_OK)
        rc = put(out, ",\"t\":", 5);
    if (rc == CC_OK)
        rc = cc_cjw_int(out, e->t_ms, &why);
    if (rc == CC_OK)
        rc = put(out, ",\"type\":", 8);
    if (rc == CC_OK)
        rc = e->type ? cc_cjw_string(out, e->type, strlen(e->type), &why) : put(out, "\"\"", 2);
    if (rc == CC_OK)
        rc = put(out, ",\"v\":1,\"wall\":", 14);
    if (rc == CC_OK)
        rc = cc_cjw_int(out, e->wall_ms, &why);
    if (rc == CC_OK)
        rc = put(out, "}", 1);
    if (rc == CC_OK && out->oom)
        rc = CC_ERR_NOMEM;
    if (rc != CC_OK) {
        if (!out->oom && out->data) {
            out->len = start;
            out->data[start] = 0;
        }
        return rc;
    }
    /* A verified line equal to the record outside the hash member has the record's hash (its own,
     * which cc_evlog_check proved to be the SHA-256 of those same bytes): copied, not recomputed. */
    size_t n = out->len - start, head = gap - start, tail = out->len - rest;
    if (seen && seen_len == n && memcmp(seen, out->data + start, head) == 0 &&
        memcmp(seen + head + HASH_MEMBER_LEN, out->data + rest, tail) == 0 &&
        memcmp(seen + head, "\"hash\":\"", 8) == 0 && cc_unhex(seen + head + 8, 64, e->hash, 32) == 0) {
        memcpy(out->data + gap + 8, seen + head + 8, 64);
        return cc_buf_putc(out, '\n');
    }
    cc_sha256_ctx h;
    cc_sha256_init(&h);
    cc_sha256_update(&h, out->data + start, head);
    cc_sha256_update(&h, out->data + rest, tail);
    cc_sha256_final(&h, e->hash);
    cc_hex(e->hash, 32, hex);
    memcpy(out->data + gap + 8, hex, 64);
    return cc_buf_putc(out, '\n');
}

cc_err cc_evlog_encode(cc_evrec *e, cc_buf *out)
{
    return encode_direct(e, NULL, 0, NULL, 0, out);
}

cc_err cc_evlog_encode_fields(cc_evrec *e, const cc_jf *f, size_t n, cc_buf *out)
{
    static const cc_jf none[1] = {{0}};
    return encode_direct(e, f ? f : none, f ? n : 0, NULL, 0, out);
}

cc_err cc_evlog_encode_seen(cc_evrec *e, const cc_jf *f, size_t n, const char *seen, size_t seen_len,
                            cc_buf *out)
{
    return encode_direct(e, f, n, seen, seen_len, out);
}

#define FAIL(...)                                                                                            \
    do {                                                                                                     \
        snprintf(err->message, sizeof err->message, __VA_ARGS__);                                            \
        goto fail;                                                                                           \
    } while (0)

static char *dup_str(const json_t *v)
{
    return strdup(json_string_value(v));
}

/* The reference decoder: jansson, member and type checks, the canonical re-encoding compared
 * byte for byte with the line, then the hash. Its refusals and messages are the contract. */
static cc_err decode_slow(const char *line, size_t len, cc_evrec *out, cc_evlog_error *err)
{
    memset(out, 0, sizeof *out);
    err->message[0] = 0;
    json_t *o = NULL;
    cc_buf b;
    cc_buf_init(&b);
    if (len > CC_EVLOG_LINE_MAX)
        FAIL("line is longer than %u bytes", CC_EVLOG_LINE_MAX);
    json_error_t je;
    o = json_loadb(line, len, JSON_REJECT_DUPLICATES, &je);
    if (!o)
        FAIL("not valid JSON at column %d: %s", je.column, je.text);
    if (!json_is_object(o))
        FAIL("an event must be a JSON object");
    static const char *const keys[] = {"v",     "seq",     "t",    "wall",   "actor", "type",
                                       "label", "payload", "prev", "digest", "hash"};
    size_t nk = sizeof keys / sizeof keys[0];
    for (size_t i = 0; i < nk; i++)
        if (!json_object_get(o, keys[i]))
            FAIL("missing member \"%s\"", keys[i]);
    if (json_object_size(o) != nk) {
        const char *k;
        json_t *v;
        json_object_foreach(o, k, v)
        {
            int known = 0;
            for (size_t i = 0; i < nk; i++)
                known |= strcmp(k, keys[i]) == 0;
            if (!known)
                FAIL("unknown member \"%s\"", k);
        }
    }
    json_t *v = json_object_get(o, "v");
    if (!json_is_integer(v))
        FAIL("\"v\" must be an integer");
    if (json_integer_value(v) != CC_EVLOG_VERSION)
        FAIL("unsupported event log version %lld (this caucus reads version %d)",
             (long long)json_integer_value(v), CC_EVLOG_VERSION);
    json_t *seq = json_object_get(o, "seq"), *t = json_object_get(o, "t"), *wall = json_object_get(o, "wall");
    if (!json_is_integer(seq) || json_integer_value(seq) < 0)
        FAIL("\"seq\" must be a non-negative integer");
    if (!json_is_integer(t) || json_integer_value(t) < 0)
        FAIL("\"t\" must be a non-negative integer");
    if (!json_is_integer(wall) || json_integer_value(wall) < 0)
        FAIL("\"wall\" must be a non-negative integer");
    json_t *actor = json_object_get(o, "actor"), *type = json_object_get(o, "type"),
           *label = json_object_get(o, "label"), *payload = json_object_get(o, "payload");
    if (!json_is_null(actor) && !json_is_string(actor))
        FAIL("\"actor\" must be a string or null");
    if (!json_is_string(type) || json_string_length(type) == 0)
        FAIL("\"type\" must be a non-empty string");
    if (!json_is_null(label) && !json_is_string(label))
        FAIL("\"label\" must be a string or null");
    if (!json_is_object(payload))
        FAIL("\"payload\" must be an object");
    const char *hk[3] = {"prev", "digest", "hash"};
    unsigned char *dst[3] = {out->prev, out->digest, out->hash};
    for (int i = 0; i < 3; i++) {
        json_t *h = json_object_get(o, hk[i]);
        if (!json_is_string(h) || cc_unhex(json_string_value(h), json_string_length(h), dst[i], 32) != 0)
            FAIL("\"%s\" must be 64 lower-case hex digits", hk[i]);
    }
    const char *why = NULL;
    if (cc_canon_json(o, &b, &why) != CC_OK)
        FAIL("not canonical: %s", why ? why : "encoding failed");
    if (b.len != len || memcmp(b.data, line, len) != 0) {
        size_t i = 0;
        while (i < len && i < b.len && b.data[i] == line[i])
            i++;
        FAIL("not in canonical form (first difference at byte %zu)", i + 1);
    }
    out->seq = (uint64_t)json_integer_value(seq);
    out->t_ms = json_integer_value(t);
    out->wall_ms = json_integer_value(wall);
    out->actor = json_is_string(actor) ? dup_str(actor) : NULL;
    out->type = dup_str(type);
    out->label = json_is_string(label) ? dup_str(label) : NULL;
    out->payload = json_incref(payload);
    if ((json_is_string(actor) && !out->actor) || !out->type || (json_is_string(label) && !out->label))
        FAIL("out of memory");
    /* The line is canonical, so the canonical record without "hash" is the line without its
     * "hash":"<64 hex>", member (keys are sorted: it sits between "digest" and "label", and a
     * quote inside a string is always escaped, so its first occurrence is the member). */
    unsigned char h[32];
    const char *hp = NULL;
    for (size_t i = 0; i + 8 <= len && !hp; i++)
        if (line[i] == '"' && memcmp(line + i, "\"hash\":\"", 8) == 0)
            hp = line + i;
    if (!hp || (size_t)(hp - line) + 74 > len || hp[72] != '"' || hp[73] != ',')
        FAIL("cannot hash the record");
    cc_sha256_ctx hs;
    cc_sha256_init(&hs);
    cc_sha256_update(&hs, (const unsigned char *)line, (unsigned long long)(hp - line));
    cc_sha256_update(&hs, (const unsigned char *)hp + 74,
                     (unsigned long long)(len - (size_t)(hp - line) - 74));
    cc_sha256_final(&hs, h);
    if (memcmp(h, out->hash, 32) != 0)
        FAIL("hash does not match the record's contents");
    cc_buf_free(&b);
    json_decref(o);
    return CC_OK;
fail:
    cc_buf_free(&b);
    json_decref(o);
    cc_evrec_clear(out);
    return CC_ERR_PARSE;
}

/* ---- Fast path -----------------------------------------------------------------------------
 * A single pass over the line against the canonical encoding of docs/event-log.md: the eleven
 * members in their sorted order with their types, and for the payload the grammar of canonical
 * JSON (sorted unique keys, integers within 2^53 - 1 without leading zeros or "-0", strings of
 * strict UTF-8 with only the escapes the encoder writes, nesting as deep as cc_canon_json
 * allows). It says only "yes, canonical, hash matches" or "not handled"; a line it does not
 * handle goes to decode_slow, which finds the reason. So it may refuse more than decode_slow
 * (never does, on any line tests/test_evlog.c and fuzz/fuzz_evlog.c produce), never accept more. */

typedef const unsigned char *cur; /* scanning position */

typedef struct span {
    const char *p; /* string body between the quotes, as written; NULL for null */
    size_t n;
    int esc; /* the body holds an escape (a backslash) */
} span;

typedef struct fastrec {
    uint64_t seq;
    int64_t t_ms, wall_ms;
    span actor, type, label, payload; /* payload: the whole object text */
    unsigned char prev[32], digest[32], hash[32];
} fastrec;

/* Value + 1 of each lower-case hex digit, 0 for every other byte. */
static const unsigned char hexdig[256] = {
    ['0'] = 1, ['1'] = 2,  ['2'] = 3,  ['3'] = 4,  ['4'] = 5,  ['5'] = 6,  ['6'] = 7,  ['7'] = 8,
    ['8'] = 9, ['9'] = 10, ['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
};

/* Inlined at every use, so that each memcmp has a constant length and the compiler compares the
 * few bytes in registers: as a call, memcmp was 5% of caucus verify (docs/event-log.md). */
static inline __attribute__((always_inline)) int lit(cur *pp, cur end, const char *s, size_t n)
{
    if ((size_t)(end - *pp) < n || memcmp(*pp, s, n) != 0)
        return 0;
    *pp += n;
    return 1;
}
#define LIT(pp, end, s) lit(pp, end, s, sizeof(s) - 1)

/* 64 lower-case hex digits at *pp into out[32]. Branch-free: a table-driven loop over the three
 * hashes of each line was half the scanner's time. With SSE2 (every x86-64), 16 digits per step
 * (the compiler's own vectorisation of the portable loop below took 10 instructions a digit). */
#if defined(__SSE2__)
static int hex32(cur *pp, cur end, unsigned char out[32])
{
    cur p = *pp;
    if (end - p < 64)
        return 0;
    int good = 0xFFFF;
    for (int k = 0; k < 4; k++) {
        __m128i c = _mm_loadu_si128((const __m128i *)(const void *)(p + 16 * k));
        /* signed byte compares: bytes >= 0x80 are negative, so neither digits nor letters */
        __m128i digit = _mm_and_si128(_mm_cmpgt_epi8(c, _mm_set1_epi8('0' - 1)),
                                      _mm_cmplt_epi8(c, _mm_set1_epi8('9' + 1)));
        __m128i lower = _mm_and_si128(_mm_cmpgt_epi8(c, _mm_set1_epi8('a' - 1)),
                                      _mm_cmplt_epi8(c, _mm_set1_epi8('f' + 1)));
        good &= _mm_movemask_epi8(_mm_or_si128(digit, lower));
        /* nibble: the low 4 bits, + 9 for a-f; then byte 2i << 4 | byte 2i+1 of each 16-bit pair */
        __m128i nib =
            _mm_add_epi8(_mm_and_si128(c, _mm_set1_epi8(15)), _mm_and_si128(lower, _mm_set1_epi8(9)));
        __m128i pair = _mm_or_si128(_mm_and_si128(_mm_slli_epi16(nib, 4), _mm_set1_epi16(0x00F0)),
                                    _mm_srli_epi16(nib, 8));
        _mm_storel_epi64((__m128i *)(void *)(out + 8 * k), _mm_packus_epi16(pair, pair));
    }
    *pp = p + 64;
    return good == 0xFFFF;
}
#else
static int hex32(cur *pp, cur end, unsigned char out[32])
{
    cur p = *pp;
    if (end - p < 64)
        return 0;
    unsigned char nib[64];
    unsigned bad = 0;
    for (int i = 0; i < 64; i++) {
        unsigned c = p[i];
        unsigned digit = (unsigned char)(c - '0') < 10, lower = (unsigned char)(c - 'a') < 6;
        bad |= !(digit | lower);
        nib[i] = (unsigned char)((c & 15) + 9 * lower);
    }
    for (int i = 0; i < 32; i++)
        out[i] = (unsigned char)(nib[2 * i] << 4 | nib[2 * i + 1]);
    *pp = p + 64;
    return bad == 0;
}
#endif

/* Length of the strict UTF-8 sequence (2 to 4 bytes) at p, 0 when it is not one: no overlong
 * forms, no surrogates, nothing above U+10FFFF (as core/utf8 and jansson). */
static size_t utf8_seq(cur p, cur end)
{
    unsigned c = p[0];
    size_t n;
    uint32_t cp, min;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2, cp = c & 0x1F, min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3, cp = c & 0x0F, min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4, cp = c & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if ((size_t)(end - p) < n)
        return 0;
    for (size_t k = 1; k < n; k++) {
        if ((p[k] & 0xC0) != 0x80)
            return 0;
        cp = cp << 6 | (p[k] & 0x3F);
    }
    if (cp < min || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
        return 0;
    return n;
}

/* A canonical string at *pp (opening quote included): raw UTF-8 except '"', '\\' and the
 * control characters, which must be escaped as canon.c does; no NUL. */
static int scan_str(cur *pp, cur end, span *out)
{
    cur p = *pp;
    if (p == end || *p != '"')
        return 0;
    cur body = ++p;
    int esc = 0;
    for (;;) {
        /* Eight plain bytes at a time: no byte >= 0x80, < 0x20, '"' or '\\' among them. */
        while (end - p >= 8) {
            uint64_t w;
            memcpy(&w, p, 8);
            const uint64_t ones = 0x0101010101010101u, high = 0x8080808080808080u;
            uint64_t q = w ^ (ones * '"'), b = w ^ (ones * '\\');
            if ((w | ((w - ones * 0x20) & ~w) | ((q - ones) & ~q) | ((b - ones) & ~b)) & high)
                break;
            p += 8;
        }
        while (p < end && *p >= 0x20 && *p < 0x80 && *p != '"' && *p != '\\')
            p++;
        if (p == end)
            return 0;
        unsigned c = *p;
        if (c == '"')
            break;
        if (c < 0x20)
            return 0;
        if (c == '\\') {
            esc = 1;
            if (end - p < 2)
                return 0;
            switch (p[1]) {
            case '"':
            case '\\':
            case 'b':
            case 'f':
            case 'n':
            case 'r':
            case 't': p += 2; continue;
            case 'u': {
                /* only \u0001..\u001f, lower-case, and not the five with a short escape */
                if (end - p < 6 || p[2] != '0' || p[3] != '0' || (p[4] != '0' && p[4] != '1') ||
                    !hexdig[p[5]])
                    return 0;
                unsigned v = (unsigned)(p[4] - '0') << 4 | (hexdig[p[5]] - 1u);
                if (v == 0 || v == '\b' || v == '\t' || v == '\n' || v == '\f' || v == '\r')
                    return 0;
                p += 6;
                continue;
            }
            default: return 0;
            }
        }
        size_t n = utf8_seq(p, end);
        if (!n)
            return 0;
        p += n;
    }
    out->p = (const char *)body;
    out->n = (size_t)(p - body);
    out->esc = esc;
    *pp = p + 1;
    return 1;
}

/* The next byte of a validated string body at p, and how many bytes of the body it took. */
static size_t unescape_byte(const char *p, unsigned char *out)
{
    if (p[0] != '\\') {
        *out = (unsigned char)p[0];
        return 1;
    }
    switch (p[1]) {
    case 'b': *out = '\b'; return 2;
    case 'f': *out = '\f'; return 2;
    case 'n': *out = '\n'; return 2;
    case 'r': *out = '\r'; return 2;
    case 't': *out = '\t'; return 2;
    case 'u': *out = (unsigned char)((p[4] - '0') << 4 | (hexdig[(unsigned char)p[5]] - 1)); return 6;
    default: *out = (unsigned char)p[1]; return 2; /* '"' or '\\' */
    }
}

/* Compares two validated keys by the bytes they stand for, as canon.c sorts members. */
static int key_cmp(const span *a, const span *b)
{
    if (!a->esc && !b->esc) {
        int c = memcmp(a->p, b->p, a->n < b->n ? a->n : b->n);
        return c ? c : (a->n > b->n) - (a->n < b->n);
    }
    size_t i = 0, j = 0;
    while (i < a->n && j < b->n) {
        unsigned char x, y;
        i += unescape_byte(a->p + i, &x);
        j += unescape_byte(b->p + j, &y);
        if (x != y)
            return x < y ? -1 : 1;
    }
    return (i < a->n) - (j < b->n);
}

/* A canonical integer: no leading zeros, no "-0", |n| <= 2^53 - 1. Negative only if allowed. */
static int scan_int(cur *pp, cur end, int negative_ok, int64_t *out)
{
    cur p = *pp;
    int neg = 0;
    if (p < end && *p == '-') {
        if (!negative_ok)
            return 0;
        neg = 1;
        p++;
    }
    if (p == end || *p < '0' || *p > '9')
        return 0;
    uint64_t v = 0;
    if (*p == '0') {
        p++;
        if (neg || (p < end && *p >= '0' && *p <= '9'))
            return 0;
    } else {
        cur lim = end - p > 16 ? p + 16 : end; /* 2^53 - 1 has 16 digits */
        while (p < lim && (unsigned char)(*p - '0') < 10)
            v = v * 10 + (uint64_t)(*p++ - '0');
        if ((p < end && (unsigned char)(*p - '0') < 10) || v > (uint64_t)CC_CANON_INT_MAX)
            return 0;
    }
    *out = neg ? -(int64_t)v : (int64_t)v;
    *pp = p;
    return 1;
}

static int scan_value(cur *pp, cur end, int depth);

/* A canonical object at *pp whose members sit at depth + 1. */
static int scan_object(cur *pp, cur end, int depth)
{
    cur p = *pp;
    if (p == end || *p != '{')
        return 0;
    p++;
    if (p < end && *p == '}') {
        *pp = p + 1;
        return 1;
    }
    span prev = {NULL, 0, 0};
    for (;;) {
        span key;
        if (!scan_str(&p, end, &key) || (prev.p && key_cmp(&prev, &key) >= 0))
            return 0; /* not a string, or out of order, or a duplicate */
        if (p == end || *p++ != ':' || !scan_value(&p, end, depth + 1) || p == end)
            return 0;
        prev = key;
        if (*p == '}') {
            *pp = p + 1;
            return 1;
        }
        if (*p++ != ',')
            return 0;
    }
}

static int scan_array(cur *pp, cur end, int depth)
{
    cur p = *pp;
    if (p == end || *p != '[')
        return 0;
    p++;
    if (p < end && *p == ']') {
        *pp = p + 1;
        return 1;
    }
    for (;;) {
        if (!scan_value(&p, end, depth + 1) || p == end)
            return 0;
        if (*p == ']') {
            *pp = p + 1;
            return 1;
        }
        if (*p++ != ',')
            return 0;
    }
}

/* Any canonical value at *pp, at nesting depth depth (the record itself is 0). */
static int scan_value(cur *pp, cur end, int depth)
{
    if (depth > CC_CANON_MAX_DEPTH || *pp == end)
        return 0;
    span s;
    int64_t n;
    switch (**pp) {
    case '{': return scan_object(pp, end, depth);
    case '[': return scan_array(pp, end, depth);
    case '"': return scan_str(pp, end, &s);
    case 't': return LIT(pp, end, "true");
    case 'f': return LIT(pp, end, "false");
    case 'n': return LIT(pp, end, "null");
    default: return scan_int(pp, end, 1, &n);
    }
}

static int string_or_null(cur *pp, cur end, span *out)
{
    if (LIT(pp, end, "null")) {
        out->p = NULL;
        out->n = 0;
        out->esc = 0;
        return 1;
    }
    return scan_str(pp, end, out);
}

/* The whole line as a canonical record with a matching hash; 0 when it is not handled. */
static int scan_record(const char *line, size_t len, fastrec *r)
{
    if (len > CC_EVLOG_LINE_MAX)
        return 0;
    cur p = (cur)line, end = p + len;
    if (!LIT(&p, end, "{\"actor\":") || !string_or_null(&p, end, &r->actor) ||
        !LIT(&p, end, ",\"digest\":\"") || !hex32(&p, end, r->digest) || !LIT(&p, end, "\","))
        return 0;
    cur hp = p; /* "hash":"<64 hex>", is left out of the hashed bytes */
    if (!LIT(&p, end, "\"hash\":\"") || !hex32(&p, end, r->hash) || !LIT(&p, end, "\",\"label\":") ||
        !string_or_null(&p, end, &r->label) || !LIT(&p, end, ",\"payload\":"))
        return 0;
    cur pl = p;
    if (!scan_object(&p, end, 1))
        return 0;
    r->payload.p = (const char *)pl;
    r->payload.n = (size_t)(p - pl);
    r->payload.esc = 0; /* (not read for the payload; set so that spans copy no indeterminate value) */
    int64_t seq;
    if (!LIT(&p, end, ",\"prev\":\"") || !hex32(&p, end, r->prev) || !LIT(&p, end, "\",\"seq\":") ||
        !scan_int(&p, end, 0, &seq) || !LIT(&p, end, ",\"t\":") || !scan_int(&p, end, 0, &r->t_ms) ||
        !LIT(&p, end, ",\"type\":") || !scan_str(&p, end, &r->type) || r->type.n == 0 ||
        !LIT(&p, end, ",\"v\":1,\"wall\":") || !scan_int(&p, end, 0, &r->wall_ms) || !LIT(&p, end, "}") ||
        p != end)
        return 0;
    r->seq = (uint64_t)seq;
    unsigned char h[32];
    cc_sha256_ctx hs;
    cc_sha256_init(&hs);
    cc_sha256_update(&hs, (cur)line, (unsigned long long)(hp - (cur)line));
    cc_sha256_update(&hs, hp + 74, (unsigned long long)(end - hp - 74));
    cc_sha256_final(&hs, h);
    return memcmp(h, r->hash, 32) == 0;
}

/* A NUL-terminated copy of a validated string body with its escapes undone; NULL on ENOMEM. */
static char *unescape_dup(const span *s)
{
    char *out = malloc(s->n + 1);
    if (!out)
        return NULL;
    size_t i = 0, k = 0;
    while (i < s->n) {
        unsigned char c;
        i += unescape_byte(s->p + i, &c);
        out[k++] = (char)c;
    }
    out[k] = 0;
    return out;
}

/* The record's numbers and hashes from a scanned record (its strings and payload are the caller's). */
static void scalars_of(const fastrec *r, cc_evrec *out)
{
    out->seq = r->seq;
    out->t_ms = r->t_ms;
    out->wall_ms = r->wall_ms;
    memcpy(out->prev, r->prev, 32);
    memcpy(out->digest, r->digest, 32);
    memcpy(out->hash, r->hash, 32);
}

/* The record from a line scan_record accepted; CC_ERR_PARSE (not handled) or CC_ERR_NOMEM
 * otherwise, out cleared. */
static cc_err decode_fast(const char *line, size_t len, cc_evrec *out)
{
    memset(out, 0, sizeof *out);
    fastrec r;
    if (!scan_record(line, len, &r))
        return CC_ERR_PARSE;
    scalars_of(&r, out);
    out->actor = r.actor.p ? unescape_dup(&r.actor) : NULL;
    out->type = unescape_dup(&r.type);
    out->label = r.label.p ? unescape_dup(&r.label) : NULL;
    json_error_t je;
    out->payload = json_loadb(r.payload.p, r.payload.n, JSON_REJECT_DUPLICATES, &je);
    if ((r.actor.p && !out->actor) || !out->type || (r.label.p && !out->label) ||
        !json_is_object(out->payload)) {
        cc_evrec_clear(out);
        return CC_ERR_NOMEM; /* (or jansson refused what the scanner accepted: the slow path decides) */
    }
    return CC_OK;
}

/* A validated string body unescaped into dst (NUL-terminated); returns the byte after the NUL. */
static char *unescape_to(const span *s, char *dst)
{
    size_t i = 0;
    while (i < s->n) {
        unsigned char c;
        i += unescape_byte(s->p + i, &c);
        *dst++ = (char)c;
    }
    *dst++ = 0;
    return dst;
}

/* out's strings (into strbuf) and payload text from the spans of a scanned line. */
static void strings_of(const span *type, const span *actor, const span *label, const span *payload,
                       cc_evrec *out, char *strbuf, const char **pt, size_t *pn)
{
    char *p = strbuf;
    out->type = p;
    p = unescape_to(type, p);
    if (actor->p) {
        out->actor = p;
        p = unescape_to(actor, p);
    }
    if (label->p) {
        out->label = p;
        unescape_to(label, p);
    }
    *pt = payload->p;
    *pn = payload->n;
}

int cc_evlog_scan(const char *line, size_t len, cc_evrec *out, char *strbuf, const char **payload,
                  size_t *payload_len)
{
    memset(out, 0, sizeof *out);
    fastrec r;
    if (!scan_record(line, len, &r))
        return 0;
    scalars_of(&r, out);
    strings_of(&r.type, &r.actor, &r.label, &r.payload, out, strbuf, payload, payload_len);
    return 1;
}

static void span_out(const span *s, cc_evspan *o)
{
    o->p = s->p;
    o->n = s->n;
    o->esc = s->esc;
}

static void span_in(const cc_evspan *o, span *s)
{
    s->p = o->p;
    s->n = o->n;
    s->esc = o->esc;
}

int cc_evlog_scan_checked(const cc_evhead *head, const cc_evspans *spans, cc_evrec *out, char *strbuf,
                          const char **payload, size_t *payload_len)
{
    memset(out, 0, sizeof *out);
    if (!spans->scanned)
        return 0;
    out->seq = head->seq;
    out->t_ms = head->t_ms;
    out->wall_ms = head->wall_ms;
    memcpy(out->prev, head->prev, 32);
    memcpy(out->digest, head->digest, 32);
    memcpy(out->hash, head->hash, 32);
    span t, a, l, p;
    span_in(&spans->type, &t);
    span_in(&spans->actor, &a);
    span_in(&spans->label, &l);
    span_in(&spans->payload, &p);
    strings_of(&t, &a, &l, &p, out, strbuf, payload, payload_len);
    return 1;
}

cc_err cc_evlog_decode_path(const char *line, size_t len, cc_evrec *out, cc_evlog_error *err,
                            cc_evlog_path path)
{
    if (path != CC_EVLOG_SLOW) {
        err->message[0] = 0;
        if (decode_fast(line, len, out) == CC_OK)
            return CC_OK;
        if (path == CC_EVLOG_FAST) {
            snprintf(err->message, sizeof err->message, "not handled by the fast scanner");
            return CC_ERR_PARSE;
        }
    }
    return decode_slow(line, len, out, err);
}

cc_err cc_evlog_decode(const char *line, size_t len, cc_evrec *out, cc_evlog_error *err)
{
    return cc_evlog_decode_path(line, len, out, err, CC_EVLOG_AUTO);
}

/* Bytes of the canonical JSON string body of s (canon.c's escapes). */
static size_t canon_body_len(const char *s)
{
    size_t n = 0;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        n += c == '"' || c == '\\' || c == '\b' || c == '\f' || c == '\n' || c == '\r' || c == '\t' ? 2
             : c < 0x20                                                                             ? 6
                                                                                                    : 1;
    }
    return n;
}

/* cc_evlog_check_path, also filling *spans when spans is not NULL. */
static cc_err check_path(const char *line, size_t len, cc_evhead *out, cc_evspans *spans, cc_evlog_error *err,
                         cc_evlog_path path)
{
    memset(out, 0, sizeof *out);
    if (spans)
        memset(spans, 0, sizeof *spans);
    err->message[0] = 0;
    fastrec r;
    if (path != CC_EVLOG_SLOW) {
        if (scan_record(line, len, &r)) {
            if (spans) {
                spans->scanned = 1;
                span_out(&r.actor, &spans->actor);
                span_out(&r.type, &spans->type);
                span_out(&r.label, &spans->label);
                span_out(&r.payload, &spans->payload);
            }
            out->seq = r.seq;
            out->t_ms = r.t_ms;
            out->wall_ms = r.wall_ms;
            out->type = r.type.p;
            out->type_len = r.type.n;
            memcpy(out->prev, r.prev, 32);
            memcpy(out->digest, r.digest, 32);
            memcpy(out->hash, r.hash, 32);
            return CC_OK;
        }
        if (path == CC_EVLOG_FAST) {
            snprintf(err->message, sizeof err->message, "not handled by the fast scanner");
            return CC_ERR_PARSE;
        }
    }
    cc_evrec e;
    if (decode_slow(line, len, &e, err) != CC_OK)
        return CC_ERR_PARSE;
    /* The line is canonical, so it ends with ,"type":"<body>","v":1,"wall":<digits>} and the
     * body is as long as the type's canonical encoding. */
    out->seq = e.seq;
    out->t_ms = e.t_ms;
    out->wall_ms = e.wall_ms;
    memcpy(out->prev, e.prev, 32);
    memcpy(out->digest, e.digest, 32);
    memcpy(out->hash, e.hash, 32);
    static const char after[] = "\",\"v\":1,\"wall\":", before[] = ",\"type\":\"";
    size_t tail = len - 1, body_len = canon_body_len(e.type);
    while (tail > 0 && line[tail - 1] >= '0' && line[tail - 1] <= '9')
        tail--;
    assert(tail >= sizeof after - 1 + body_len + sizeof before - 1);
    size_t body_end = tail - (sizeof after - 1);
    out->type = line + body_end - body_len;
    out->type_len = body_len;
    assert(memcmp(line + body_end, after, sizeof after - 1) == 0 &&
           memcmp(out->type - (sizeof before - 1), before, sizeof before - 1) == 0);
    cc_evrec_clear(&e);
    return CC_OK;
}

cc_err cc_evlog_check_path(const char *line, size_t len, cc_evhead *out, cc_evlog_error *err,
                           cc_evlog_path path)
{
    return check_path(line, len, out, NULL, err, path);
}

cc_err cc_evlog_check(const char *line, size_t len, cc_evhead *out, cc_evlog_error *err)
{
    return check_path(line, len, out, NULL, err, CC_EVLOG_AUTO);
}

cc_err cc_evlog_check_spans(const char *line, size_t len, cc_evhead *out, cc_evspans *spans,
                            cc_evlog_error *err)
{
    return check_path(line, len, out, spans, err, CC_EVLOG_AUTO);
}
