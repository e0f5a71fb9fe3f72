/* evlog — canonical event records and their hash chain. */
#include "core/evlog.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/canon.h"

void cc_hex(const unsigned char *bytes, size_t n, char *out)
{
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = hex[bytes[i] >> 4];
        out[2 * i + 1] = hex[bytes[i] & 15];
    }
    out[2 * n] = 0;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1; /* upper case is not canonical */
}

int cc_unhex(const char *hex, size_t hexlen, unsigned char *out, size_t n)
{
    if (hexlen != 2 * n)
        return -1;
    for (size_t i = 0; i < n; i++) {
        int h = hexval(hex[2 * i]), l = hexval(hex[2 * i + 1]);
        if (h < 0 || l < 0)
            return -1;
        out[i] = (unsigned char)(h << 4 | l);
    }
    return 0;
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
    bad |= json_object_set(o, "payload", e->payload ? e->payload : json_object());
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
        crypto_hash_sha256(out, (const unsigned char *)b.data, b.len);
    cc_buf_free(&b);
    json_decref(o);
    return rc;
}

cc_err cc_evlog_encode(cc_evrec *e, cc_buf *out)
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

#define FAIL(...)                                                                                            \
    do {                                                                                                     \
        snprintf(err->message, sizeof err->message, __VA_ARGS__);                                            \
        goto fail;                                                                                           \
    } while (0)

static char *dup_str(const json_t *v)
{
    return strdup(json_string_value(v));
}

cc_err cc_evlog_decode(const char *line, size_t len, cc_evrec *out, cc_evlog_error *err)
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
    crypto_hash_sha256_state hs;
    crypto_hash_sha256_init(&hs);
    crypto_hash_sha256_update(&hs, (const unsigned char *)line, (unsigned long long)(hp - line));
    crypto_hash_sha256_update(&hs, (const unsigned char *)hp + 74,
                              (unsigned long long)(len - (size_t)(hp - line) - 74));
    crypto_hash_sha256_final(&hs, h);
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
