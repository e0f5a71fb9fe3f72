/* yaml_write — double-quoted YAML scalars and small helpers for generated scenarios. */
#include "io/yaml_write.h"

#include <stdio.h>
#include <string.h>

#include "core/utf8.h"

/* Decodes one code point of valid UTF-8 at s (n bytes left); returns its length. */
static size_t decode(const unsigned char *s, size_t n, unsigned *cp)
{
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    if ((s[0] & 0xE0) == 0xC0 && n >= 2) {
        *cp = ((unsigned)(s[0] & 0x1F) << 6) | (s[1] & 0x3F);
        return 2;
    }
    if ((s[0] & 0xF0) == 0xE0 && n >= 3) {
        *cp = ((unsigned)(s[0] & 0x0F) << 12) | ((unsigned)(s[1] & 0x3F) << 6) | (s[2] & 0x3F);
        return 3;
    }
    if (n >= 4) {
        *cp = ((unsigned)(s[0] & 0x07) << 18) | ((unsigned)(s[1] & 0x3F) << 12) |
              ((unsigned)(s[2] & 0x3F) << 6) | (s[3] & 0x3F);
        return 4;
    }
    *cp = 0xFFFD;
    return 1;
}

cc_err cc_yw_quoted(cc_buf *b, const char *s, size_t len)
{
    size_t bad;
    if (cc_utf8_check(s, len, &bad) != CC_UTF8_OK)
        return CC_ERR_INVALID;
    cc_buf_putc(b, '"');
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0, from = 0;
    while (i < len) {
        unsigned cp;
        size_t k = decode(u + i, len - i, &cp);
        const char *esc = NULL;
        char tmp[12];
        switch (cp) {
        case '"': esc = "\\\""; break;
        case '\\': esc = "\\\\"; break;
        case '\n': esc = "\\n"; break;
        case '\t': esc = "\\t"; break;
        case '\r': esc = "\\r"; break;
        case 0x2028: esc = "\\L"; break;
        case 0x2029: esc = "\\P"; break;
        default:
            if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F)) {
                snprintf(tmp, sizeof tmp, "\\x%02X", cp);
                esc = tmp;
            } else if (cp == 0xFEFF || cp == 0xFFFE || cp == 0xFFFF) {
                snprintf(tmp, sizeof tmp, "\\u%04X", cp);
                esc = tmp;
            }
        }
        if (esc) {
            cc_buf_append(b, s + from, i - from);
            cc_buf_puts(b, esc);
            from = i + k;
        }
        i += k;
    }
    cc_buf_append(b, s + from, len - from);
    return cc_buf_putc(b, '"');
}

cc_err cc_yw_quotedz(cc_buf *b, const char *s)
{
    return cc_yw_quoted(b, s, strlen(s));
}

cc_err cc_yw_key(cc_buf *b, int indent, const char *key)
{
    return cc_buf_printf(b, "%*s%s: ", indent, "", key);
}

cc_err cc_yw_pair(cc_buf *b, int indent, const char *key, const char *value)
{
    cc_yw_key(b, indent, key);
    cc_err rc = cc_yw_quotedz(b, value);
    cc_buf_putc(b, '\n');
    return rc != CC_OK ? rc : (b->oom ? CC_ERR_NOMEM : CC_OK);
}

cc_err cc_yw_flow_list(cc_buf *b, const char *const *items, size_t n)
{
    cc_err rc = CC_OK;
    cc_buf_putc(b, '[');
    for (size_t i = 0; i < n; i++) {
        if (i)
            cc_buf_puts(b, ", ");
        cc_err r = cc_yw_quotedz(b, items[i]);
        if (r != CC_OK)
            rc = r;
    }
    cc_buf_putc(b, ']');
    return rc != CC_OK ? rc : (b->oom ? CC_ERR_NOMEM : CC_OK);
}
