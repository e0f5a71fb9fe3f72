/* utf8 — strict UTF-8 validation (no overlong forms, no surrogates, <= U+10FFFF, no NUL)
 * and byte-offset to line:column conversion for diagnostics. */
#ifndef CC_UTF8_H
#define CC_UTF8_H

#include <stdbool.h>
#include <stddef.h>

#include "core/diag.h"

typedef enum cc_utf8_status {
    CC_UTF8_OK = 0,
    CC_UTF8_NUL,      /* a NUL byte */
    CC_UTF8_INVALID,  /* not UTF-8 (stray continuation, truncated sequence, > U+10FFFF) */
    CC_UTF8_OVERLONG, /* overlong encoding, e.g. C0 AF for '/' */
    CC_UTF8_SURROGATE /* encoded UTF-16 surrogate */
} cc_utf8_status;

/* Validates s[0..len). On failure *bad is the offset of the first bad byte. */
cc_utf8_status cc_utf8_check(const char *s, size_t len, size_t *bad);
const char *cc_utf8_status_str(cc_utf8_status st);
/* 1-based line and column (columns count code points) of byte offset off in s. */
cc_pos cc_utf8_pos(const char *s, size_t len, size_t off);

#endif
