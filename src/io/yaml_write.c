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

static int plain_ok(const char *s, int flow)
{
    size_t n = strlen(s);
    if (!n || s[n - 1] == ' ' || s[n - 1] == ':' || n > 200)
        return 0;
    unsigned char c0 = (unsigned char)s[0];
    if (!((c0 >= 'a' && c0 <= 'z') || (c0 >= 'A' && c0 <= 'Z') || (c0 >= '0' && c0 <= '9') || c0 >= 0xC2 ||
          strchr("_./+(", c0)))
        return 0;
    static const char *const nulls[] = {"null", "Null", "NULL", "~"};
    for (size_t i = 0; i < 4; i++)
        if (strcmp(s, nulls[i]) == 0)
            return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == 0x7f || c == '"' || c == '\\' || c == '\'' || c == '`')
            return 0;
        if ((c == ':' && (i + 1 == n || s[i + 1] == ' ')) || (c == '#' && i && s[i - 1] == ' '))
            return 0;
        if (flow && strchr(",[]{}:#", c))
            return 0;
        if (c == 0xE2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
            ((unsigned char)s[i + 2] == 0xA8 || (unsigned char)s[i + 2] == 0xA9))
            return 0; /* line and paragraph separators */
        if (c == 0xEF && i + 2 < n && (unsigned char)s[i + 1] == 0xBB && (unsigned char)s[i + 2] == 0xBF)
            return 0;
        if (c >= 0x80 && c < 0xA0 && i && (unsigned char)s[i - 1] == 0xC2)
            return 0; /* C1 controls */
    }
    size_t bad;
    return cc_utf8_check(s, n, &bad) == CC_UTF8_OK;
}

cc_err cc_yw_scalar(cc_buf *b, const char *s, int flow)
{
    if (plain_ok(s, flow))
        return cc_buf_puts(b, s);
    return cc_yw_quotedz(b, s);
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
