/* cjw — canonical JSON straight into a reused buffer: one capacity check per string or number,
 * a table-driven escape scan that copies ASCII as it goes and validates UTF-8 only from the first
 * non-ASCII byte on, object members sorted on the stack by insertion (objects are small). */
#include "core/cjw.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/canon.h"
#include "core/grow.h"
#include "core/utf8.h"

static const char BAD_STRING[] = "string is not valid UTF-8 or contains NUL";

/* Room for extra more bytes plus the NUL cc_buf keeps after its data. */
static cc_err reserve(cc_buf *b, size_t extra)
{
    if (b->oom)
        return CC_ERR_NOMEM;
    if (b->cap && extra < b->cap - b->len)
        return CC_OK;
    if (extra > ((size_t)-1) / 2 - b->len) {
        b->oom = 1;
        return CC_ERR_NOMEM;
    }
    char *d = cc_grow(b->data, &b->cap, b->len + extra + 1, 1);
    if (!d) {
        b->oom = 1;
        return CC_ERR_NOMEM;
    }
    b->data = d;
    return CC_OK;
}

static cc_err put_raw(cc_buf *b, const char *s, size_t n)
{
    if (reserve(b, n))
        return CC_ERR_NOMEM;
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = 0;
    return CC_OK;
}

static cc_err put_char(cc_buf *b, char c)
{
    if (reserve(b, 1))
        return CC_ERR_NOMEM;
    b->data[b->len++] = c;
    b->data[b->len] = 0;
    return CC_OK;
}

/* 0: copied as it is; 1: escaped or checked ('"', '\\', U+0000..U+001F, bytes >= 0x80) */
static const unsigned char special[256] = {
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
};

cc_err cc_cjw_string(cc_buf *out, const char *str, size_t len, const char **why)
{
    if (len > (((size_t)-1) / 2 - 2) / 6) {
        out->oom = 1;
        return CC_ERR_NOMEM;
    }
    if (reserve(out, 6 * len + 2))
        return CC_ERR_NOMEM;
    static const char hex[] = "0123456789abcdef";
    const unsigned char *s = (const unsigned char *)str;
    char *d = out->data + out->len;
    *d++ = '"';
    int checked = 0; /* the rest from the first non-ASCII byte on is valid UTF-8 */
    for (size_t i = 0; i < len; i++) {
        /* eight plain bytes at a time: none >= 0x80, < 0x20, '"' or '\\' */
        while (len - i >= 8) {
            uint64_t w;
            memcpy(&w, s + i, 8);
            const uint64_t ones = 0x0101010101010101ULL, high = 0x8080808080808080ULL;
            uint64_t ctl = (w - ones * 0x20) & ~w;                /* a byte < 0x20 (or >= 0x80) */
            uint64_t q = w ^ (ones * '"'), b = w ^ (ones * '\\'); /* a zero byte where '"' or '\\' */
            uint64_t zq = (q - ones) & ~q, zb = (b - ones) & ~b;
            if ((ctl | zq | zb | w) & high)
                break;
            memcpy(d, s + i, 8);
            d += 8;
            i += 8;
        }
        if (i >= len)
            break;
        unsigned char c = s[i];
        if (!special[c]) {
            *d++ = (char)c;
            continue;
        }
        if (c >= 0x80) {
            size_t bad;
            if (!checked && cc_utf8_check(str + i, len - i, &bad) != CC_UTF8_OK)
                goto bad;
            checked = 1;
            *d++ = (char)c;
            continue;
        }
        *d++ = '\\';
        switch (c) {
        case '"': *d++ = '"'; break;
        case '\\': *d++ = '\\'; break;
        case '\b': *d++ = 'b'; break;
        case '\f': *d++ = 'f'; break;
        case '\n': *d++ = 'n'; break;
        case '\r': *d++ = 'r'; break;
        case '\t': *d++ = 't'; break;
        case 0: goto bad;
        default:
            *d++ = 'u';
            *d++ = '0';
            *d++ = '0';
            *d++ = hex[c >> 4];
            *d++ = hex[c & 15];
        }
    }
    *d++ = '"';
    out->len = (size_t)(d - out->data);
    out->data[out->len] = 0;
    return CC_OK;
bad:
    out->data[out->len] = 0;
    if (why)
        *why = BAD_STRING;
    return CC_ERR_INVALID;
}

cc_err cc_cjw_int(cc_buf *out, long long n, const char **why)
{
    if (n > CC_CANON_INT_MAX || n < -CC_CANON_INT_MAX) {
        if (why)
            *why = "integer out of the exact range of 2^53";
        return CC_ERR_INVALID;
    }
    char tmp[24];
    char *p = tmp + sizeof tmp;
    unsigned long long u = n < 0 ? (unsigned long long)-n : (unsigned long long)n;
    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (n < 0)
        *--p = '-';
    return put_raw(out, p, (size_t)(tmp + sizeof tmp - p));
}

typedef struct member {
    const char *key;
    const json_t *value;
    const cc_jf *field;
} member;

static int key_after(const char *a, const char *b)
{
    if (a[0] != b[0])
        return (unsigned char)a[0] > (unsigned char)b[0];
    return strcmp(a, b) > 0;
}

/* Insertion sort by key bytes (strcmp compares as unsigned char): members are few. */
static void sort_members(member *m, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        member x = m[i];
        size_t j = i;
        while (j > 0 && key_after(m[j - 1].key, x.key)) {
            m[j] = m[j - 1];
            j--;
        }
        m[j] = x;
    }
}

static cc_err put_json(cc_buf *out, const json_t *v, int depth, const char **why);
static cc_err put_fields(cc_buf *out, const cc_jf *f, size_t n, int depth, const char **why);

static cc_err put_pick(cc_buf *out, const cc_jf *x, int depth, const char **why)
{
    if (depth > CC_CANON_MAX_DEPTH) {
        *why = "nesting too deep";
        return CC_ERR_INVALID;
    }
    cc_err rc = put_char(out, '[');
    int first = 1;
    for (size_t k = 0; k < x->n && rc == CC_OK; k++) {
        if (x->mask && !x->mask[k])
            continue;
        const char *s;
        memcpy(&s, (const char *)x->base + k * x->stride, sizeof s);
        if (!first)
            rc = put_char(out, ',');
        first = 0;
        if (rc == CC_OK)
            rc = s ? cc_cjw_string(out, s, strlen(s), why) : put_raw(out, "null", 4);
    }
    return rc ? rc : put_char(out, ']');
}

static cc_err put_ints(cc_buf *out, const cc_jf *x, int depth, const char **why)
{
    if (depth > CC_CANON_MAX_DEPTH) {
        *why = "nesting too deep";
        return CC_ERR_INVALID;
    }
    const long long *v = x->base;
    cc_err rc = put_char(out, '[');
    for (size_t k = 0; k < x->n && rc == CC_OK; k++) {
        if (k)
            rc = put_char(out, ',');
        if (rc == CC_OK)
            rc = cc_cjw_int(out, v[k], why);
    }
    return rc ? rc : put_char(out, ']');
}

static cc_err put_members(cc_buf *out, member *m, size_t n, int depth, const char **why)
{
    sort_members(m, n);
    cc_err rc = put_char(out, '{');
    for (size_t i = 0; i < n && rc == CC_OK; i++) {
        if (i && (rc = put_char(out, ',')) != CC_OK)
            break;
        if (m[i].field && i + 1 < n && strcmp(m[i].key, m[i + 1].key) == 0) {
            *why = "duplicate key";
            return CC_ERR_INVALID;
        }
        rc = cc_cjw_string(out, m[i].key, strlen(m[i].key), why);
        if (rc == CC_OK)
            rc = put_char(out, ':');
        if (rc == CC_OK) {
            if (!m[i].field) {
                rc = put_json(out, m[i].value, depth + 1, why);
                continue;
            }
            const cc_jf *x = m[i].field;
            switch (x->kind) {
            case CC_JF_STR:
                rc = x->s ? cc_cjw_string(out, x->s, strlen(x->s), why) : put_raw(out, "null", 4);
                break;
            case CC_JF_STRN: rc = cc_cjw_string(out, x->s, x->n, why); break;
            case CC_JF_INT: rc = cc_cjw_int(out, x->i, why); break;
            case CC_JF_BOOL: rc = x->i ? put_raw(out, "true", 4) : put_raw(out, "false", 5); break;
            case CC_JF_NULL: rc = put_raw(out, "null", 4); break;
            case CC_JF_JSON: rc = x->j ? put_json(out, x->j, depth + 1, why) : put_raw(out, "null", 4); break;
            case CC_JF_OBJ: rc = put_fields(out, x->f, x->n, depth + 1, why); break;
            case CC_JF_PICK: rc = put_pick(out, x, depth + 1, why); break;
            case CC_JF_INTS: rc = put_ints(out, x, depth + 1, why); break;
            default: *why = "unknown field kind"; rc = CC_ERR_INVALID;
            }
        }
    }
    if (rc == CC_OK)
        rc = put_char(out, '}');
    return rc;
}

static cc_err put_fields(cc_buf *out, const cc_jf *f, size_t n, int depth, const char **why)
{
    if (depth > CC_CANON_MAX_DEPTH) {
        *why = "nesting too deep";
        return CC_ERR_INVALID;
    }
    member stack[CC_CJW_STACK_MEMBERS];
    member *m = n <= CC_CJW_STACK_MEMBERS ? stack : malloc(n * sizeof *m);
    if (!m)
        return CC_ERR_NOMEM;
    for (size_t i = 0; i < n; i++)
        m[i] = (member){f[i].key, NULL, &f[i]};
    cc_err rc = put_members(out, m, n, depth, why);
    if (m != stack)
        free(m);
    return rc;
}

static cc_err put_json(cc_buf *out, const json_t *v, int depth, const char **why)
{
    if (depth > CC_CANON_MAX_DEPTH) {
        *why = "nesting too deep";
        return CC_ERR_INVALID;
    }
    switch (json_typeof(v)) {
    case JSON_NULL: return put_raw(out, "null", 4);
    case JSON_TRUE: return put_raw(out, "true", 4);
    case JSON_FALSE: return put_raw(out, "false", 5);
    case JSON_REAL: *why = "real numbers are not allowed"; return CC_ERR_INVALID;
    case JSON_INTEGER: return cc_cjw_int(out, (long long)json_integer_value(v), why);
    case JSON_STRING: return cc_cjw_string(out, json_string_value(v), json_string_length(v), why);
    case JSON_ARRAY: {
        size_t n = json_array_size(v);
        cc_err rc = put_char(out, '[');
        for (size_t i = 0; i < n && rc == CC_OK; i++) {
            if (i)
                rc = put_char(out, ',');
            if (rc == CC_OK)
                rc = put_json(out, json_array_get(v, i), depth + 1, why);
        }
        return rc ? rc : put_char(out, ']');
    }
    case JSON_OBJECT: {
        size_t n = json_object_size(v);
        member stack[CC_CJW_STACK_MEMBERS];
        member *m = n <= CC_CJW_STACK_MEMBERS ? stack : malloc(n * sizeof *m);
        if (!m)
            return CC_ERR_NOMEM;
        size_t k = 0;
        for (void *it = json_object_iter((json_t *)v); it && k < n;
             it = json_object_iter_next((json_t *)v, it))
            m[k++] = (member){json_object_iter_key(it), json_object_iter_value(it), NULL};
        cc_err rc = put_members(out, m, k, depth, why);
        if (m != stack)
            free(m);
        return rc;
    }
    }
    *why = "unknown JSON type";
    return CC_ERR_INVALID;
}

cc_err cc_cjw_json_at(cc_buf *out, const json_t *v, int depth, const char **why)
{
    const char *w = NULL;
    cc_err rc = put_json(out, v, depth, &w);
    if (rc == CC_OK && out->oom)
        rc = CC_ERR_NOMEM;
    if (why)
        *why = w;
    return rc;
}

cc_err cc_cjw_fields_at(cc_buf *out, const cc_jf *f, size_t n, int depth, const char **why)
{
    const char *w = NULL;
    cc_err rc = put_fields(out, f, n, depth, &w);
    if (rc == CC_OK && out->oom)
        rc = CC_ERR_NOMEM;
    if (why)
        *why = w;
    return rc;
}

cc_err cc_cjw_json(cc_buf *out, const json_t *v, const char **why)
{
    return cc_cjw_json_at(out, v, 0, why);
}

cc_err cc_cjw_fields(cc_buf *out, const cc_jf *f, size_t n, const char **why)
{
    return cc_cjw_fields_at(out, f, n, 0, why);
}
