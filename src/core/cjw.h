/* cjw — the canonical JSON writer without a parse tree: the bytes of core/canon (docs/event-log.md,
 * "Canonical JSON"), written straight into a caller's reused buffer, from jansson values or from a
 * list of fields on the stack. No allocation once the buffer has grown (objects up to
 * CC_CJW_STACK_MEMBERS members sort on the stack). core/canon stays the reference encoder:
 * tests/test_cjw.c and fuzz/fuzz_canon.c compare the two byte for byte. */
#ifndef CC_CJW_H
#define CC_CJW_H

#include <jansson.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/diag.h"

#define CC_CJW_STACK_MEMBERS 64

typedef enum cc_jf_kind {
    CC_JF_STR,  /* s: a NUL-terminated UTF-8 string; NULL writes null */
    CC_JF_STRN, /* s, n: n bytes */
    CC_JF_INT,  /* i: |i| <= 2^53 - 1 */
    CC_JF_BOOL, /* i: 0 false, else true */
    CC_JF_NULL,
    CC_JF_JSON, /* j: a jansson value, borrowed; NULL writes null */
    CC_JF_OBJ,  /* f, n: a nested object of fields */
    CC_JF_PICK, /* an array of the strings *(const char **)(base + k * stride) for k < n with mask[k]
                 * (mask NULL: every k), in order: e.g. the ids of the seats a mask flags */
    CC_JF_INTS  /* an array of the n integers at (const long long *)base */
} cc_jf_kind;

/* One member of an object: key (UTF-8, NUL-terminated) and value. Members may be given in any
 * order; the writer sorts them by key bytes as canonical JSON wants. A duplicate key is an error. */
typedef struct cc_jf {
    const char *key;
    cc_jf_kind kind;
    const char *s;
    long long i;
    const json_t *j;
    const struct cc_jf *f;
    size_t n;
    const void *base;
    size_t stride;
    const unsigned char *mask;
} cc_jf;

#define CC_JF_S(k, v) ((cc_jf){.key = (k), .kind = CC_JF_STR, .s = (v)})
#define CC_JF_I(k, v) ((cc_jf){.key = (k), .kind = CC_JF_INT, .i = (long long)(v)})
#define CC_JF_B(k, v) ((cc_jf){.key = (k), .kind = CC_JF_BOOL, .i = (v) ? 1 : 0})
#define CC_JF_NUL(k) ((cc_jf){.key = (k), .kind = CC_JF_NULL})
#define CC_JF_J(k, v) ((cc_jf){.key = (k), .kind = CC_JF_JSON, .j = (v)})
#define CC_JF_PICKS(k, first, size, count, flags)                                                            \
    ((cc_jf){                                                                                                \
        .key = (k), .kind = CC_JF_PICK, .base = (first), .stride = (size), .n = (count), .mask = (flags)})
#define CC_JF_IV(k, values, count) ((cc_jf){.key = (k), .kind = CC_JF_INTS, .base = (values), .n = (count)})
#define CC_JF_O(k, fields, count) ((cc_jf){.key = (k), .kind = CC_JF_OBJ, .f = (fields), .n = (count)})

/* Appends the canonical encoding of v (the same bytes as cc_canon_json). Errors as cc_canon_json's:
 * CC_ERR_INVALID with *why (if not NULL), CC_ERR_NOMEM. */
cc_err cc_cjw_json(cc_buf *out, const json_t *v, const char **why);
/* Appends the object of fields f[0..n). */
cc_err cc_cjw_fields(cc_buf *out, const cc_jf *f, size_t n, const char **why);
/* The same with v, or the object of fields, nested at depth (the nesting limit counts from the
 * whole document's root: an event's payload sits at depth 1 of its record). */
cc_err cc_cjw_json_at(cc_buf *out, const json_t *v, int depth, const char **why);
cc_err cc_cjw_fields_at(cc_buf *out, const cc_jf *f, size_t n, int depth, const char **why);
/* Appends s[0..len) as a canonical JSON string (refused: not UTF-8, a NUL). */
cc_err cc_cjw_string(cc_buf *out, const char *s, size_t len, const char **why);
/* Appends an integer (|n| <= 2^53 - 1). */
cc_err cc_cjw_int(cc_buf *out, long long n, const char **why);

#endif
