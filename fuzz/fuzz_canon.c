/* libFuzzer target: the direct canonical writer (core/cjw) against the reference (core/canon).
 * The input is parsed as JSON (any value, NUL allowed in strings); both encoders must give the same
 * status, the same reason and, on success, the same bytes, at the root and nested as a payload
 * (depth 1). The input's bytes are also encoded as one string (invalid UTF-8 and NUL included). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/canon.h"
#include "core/cjw.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void compare(const json_t *v, const json_t *wrapped)
{
    cc_buf a, b, c;
    cc_buf_init(&a);
    cc_buf_init(&b);
    cc_buf_init(&c);
    const char *wa = NULL, *wb = NULL, *wc = NULL;
    cc_err ra = cc_canon_json(v, &a, &wa);
    cc_err rb = cc_cjw_json(&b, v, &wb);
    if (ra != rb || (ra == CC_OK && (a.len != b.len || memcmp(a.data, b.data, a.len) != 0)) ||
        (ra == CC_ERR_INVALID && strcmp(wa, wb) != 0))
        abort();
    /* at depth 1 the writer must agree with the reference on [v] without its brackets */
    cc_buf_reset(&a);
    ra = cc_canon_json(wrapped, &a, &wa);
    cc_err rc = cc_cjw_json_at(&c, v, 1, &wc);
    if (ra != rc || (ra == CC_OK && (a.len != c.len + 2 || memcmp(a.data + 1, c.data, c.len) != 0)))
        abort();
    cc_buf_free(&a);
    cc_buf_free(&b);
    cc_buf_free(&c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_error_t e;
    json_t *v = json_loadb((const char *)data, size, JSON_DECODE_ANY | JSON_ALLOW_NUL, &e);
    if (v) {
        json_t *w = json_pack("[O]", v);
        if (w)
            compare(v, w);
        json_decref(w);
        json_decref(v);
    }
    json_t *s = json_stringn_nocheck((const char *)data, size);
    if (s) {
        json_t *w = json_pack("[O]", s);
        if (w)
            compare(s, w);
        json_decref(w);
        json_decref(s);
    }
    return 0;
}
