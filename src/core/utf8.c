/* utf8 — strict validation per RFC 3629 and position reporting. */
#include "core/utf8.h"

#include <stdint.h>

const char *cc_utf8_status_str(cc_utf8_status st)
{
    switch (st) {
    case CC_UTF8_OK: return "valid UTF-8";
    case CC_UTF8_NUL: return "NUL byte";
    case CC_UTF8_INVALID: return "invalid UTF-8 byte sequence";
    case CC_UTF8_OVERLONG: return "overlong UTF-8 encoding";
    case CC_UTF8_SURROGATE: return "UTF-8 encoded surrogate code point";
    }
    return "invalid UTF-8";
}

cc_utf8_status cc_utf8_check(const char *str, size_t len, size_t *bad)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < len) {
        unsigned c = s[i];
        if (c == 0) {
            *bad = i;
            return CC_UTF8_NUL;
        }
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t n;
        uint32_t cp, min;
        if (c >= 0xC0 && c <= 0xDF) {
            n = 1;
            cp = c & 0x1F;
            min = 0x80;
        } else if (c >= 0xE0 && c <= 0xEF) {
            n = 2;
            cp = c & 0x0F;
            min = 0x800;
        } else if (c >= 0xF0 && c <= 0xF7) {
            n = 3;
            cp = c & 0x07;
            min = 0x10000;
        } else {
            *bad = i;
            return CC_UTF8_INVALID;
        }
        if (len - i <= n) {
            *bad = i;
            return CC_UTF8_INVALID;
        }
        for (size_t k = 1; k <= n; k++) {
            if ((s[i + k] & 0xC0) != 0x80) {
                *bad = i;
                return CC_UTF8_INVALID;
            }
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if (cp < min) {
            *bad = i;
            return CC_UTF8_OVERLONG;
        }
        if (cp >= 0xD800 && cp <= 0xDFFF) {
            *bad = i;
            return CC_UTF8_SURROGATE;
        }
        if (cp > 0x10FFFF) {
            *bad = i;
            return CC_UTF8_INVALID;
        }
        i += n + 1;
    }
    return CC_UTF8_OK;
}

cc_pos cc_utf8_pos(const char *s, size_t len, size_t off)
{
    cc_pos p = {1, 1};
    if (off > len)
        off = len;
    for (size_t i = 0; i < off; i++) {
        if (s[i] == '\n') {
            p.line++;
            p.col = 1;
        } else if (((unsigned char)s[i] & 0xC0) != 0x80) {
            p.col++;
        }
    }
    return p;
}
