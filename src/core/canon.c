/* canon — canonical JSON writer over jansson values. */
#include "core/canon.h"

#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"

static cc_err put_string(cc_buf *out, const char *s, size_t len, const char **why)
{
    size_t bad;
    if (cc_utf8_check(s, len, &bad) != CC_UTF8_OK) {
        *why = "string is not valid UTF-8 or contains NUL";
        return CC_ERR_INVALID;
    }
    static const char hex[] = "0123456789abcdef";
    cc_buf_putc(out, '"');
    size_t run = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        cc_buf_append(out, s + run, i - run);
        run = i + 1;
        char esc[7] = {'\\', 0};
        size_t n = 2;
        switch (c) {
        case '"': esc[1] = '"'; break;
        case '\\': esc[1] = '\\'; break;
        case '\b': esc[1] = 'b'; break;
        case '\f': esc[1] = 'f'; break;
        case '\n': esc[1] = 'n'; break;
        case '\r': esc[1] = 'r'; break;
        case '\t': esc[1] = 't'; break;
        default:
            esc[1] = 'u';
            esc[2] = '0';
            esc[3] = '0';
            esc[4] = hex[c >> 4];
            esc[5] = hex[c & 15];
            n = 6;
        }
        cc_buf_append(out, esc, n);
    }
    cc_buf_append(out, s + run, len - run);
    return cc_buf_putc(out, '"');
}

typedef struct member {
    const char *key;
    size_t klen;
    json_t *value;
} member;

static int member_cmp(const void *a, const void *b)
{
    const member *x = a, *y = b;
    size_t n = x->klen < y->klen ? x->klen : y->klen;
    int c = memcmp(x->key, y->key, n);
    if (c)
        return c;
    return x->klen < y->klen ? -1 : (x->klen > y->klen);
}

static cc_err put(const json_t *v, cc_buf *out, int depth, const char **why)
{
    if (depth > CC_CANON_MAX_DEPTH) {
        *why = "nesting too deep";
        return CC_ERR_INVALID;
    }
    switch (json_typeof(v)) {
    case JSON_NULL: return cc_buf_puts(out, "null");
    case JSON_TRUE: return cc_buf_puts(out, "true");
    case JSON_FALSE: return cc_buf_puts(out, "false");
    case JSON_REAL: *why = "real numbers are not allowed"; return CC_ERR_INVALID;
    case JSON_INTEGER: {
        json_int_t n = json_integer_value(v);
        if (n > CC_CANON_INT_MAX || n < -CC_CANON_INT_MAX) {
            *why = "integer out of the exact range of 2^53";
            return CC_ERR_INVALID;
        }
        return cc_buf_printf(out, "%lld", (long long)n);
    }
    case JSON_STRING: return put_string(out, json_string_value(v), json_string_length(v), why);
    case JSON_ARRAY: {
        cc_buf_putc(out, '[');
        for (size_t i = 0; i < json_array_size(v); i++) {
            if (i)
                cc_buf_putc(out, ',');
            cc_err rc = put(json_array_get(v, i), out, depth + 1, why);
            if (rc)
                return rc;
        }
        return cc_buf_putc(out, ']');
    }
    case JSON_OBJECT: {
        size_t n = json_object_size(v);
        member *m = malloc((n ? n : 1) * sizeof *m);
        if (!m)
            return CC_ERR_NOMEM;
        size_t k = 0;
        const char *key;
        json_t *val;
        void *iter = json_object_iter((json_t *)v);
        while (iter && k < n) {
            key = json_object_iter_key(iter);
            val = json_object_iter_value(iter);
            m[k++] = (member){key, strlen(key), val};
            iter = json_object_iter_next((json_t *)v, iter);
        }
        qsort(m, k, sizeof *m, member_cmp);
        cc_buf_putc(out, '{');
        cc_err rc = CC_OK;
        for (size_t i = 0; i < k && rc == CC_OK; i++) {
            if (i)
                cc_buf_putc(out, ',');
            rc = put_string(out, m[i].key, m[i].klen, why);
            if (rc == CC_OK) {
                cc_buf_putc(out, ':');
                rc = put(m[i].value, out, depth + 1, why);
            }
        }
        free(m);
        if (rc)
            return rc;
        return cc_buf_putc(out, '}');
    }
    }
    *why = "unknown JSON type";
    return CC_ERR_INVALID;
}

cc_err cc_canon_json(const json_t *v, cc_buf *out, const char **why)
{
    const char *w = NULL;
    cc_err rc = put(v, out, 0, &w);
    if (rc == CC_OK && out->oom)
        rc = CC_ERR_NOMEM;
    if (why)
        *why = w;
    return rc;
}
