/* lang — language tag syntax (lang.h). */
#include "core/lang.h"

#include <string.h>

static bool is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Counts of letters and digits in the subtag s[0..n). */
static void subtag_kind(const char *s, size_t n, size_t *alpha, size_t *digit)
{
    *alpha = *digit = 0;
    for (size_t i = 0; i < n; i++) {
        *alpha += is_alpha(s[i]);
        *digit += is_digit(s[i]);
    }
}

bool cc_lang_tag_ok(const char *tag)
{
    if (!tag || strlen(tag) > CC_LANG_TAG_MAX)
        return false;
    int part = 0; /* 0 language, 1 script, 2 region, 3 variants */
    const char *p = tag;
    for (;;) {
        size_t n = strcspn(p, "-"), alpha, digit;
        subtag_kind(p, n, &alpha, &digit);
        bool ok = false;
        if (part == 0) {
            ok = (n == 2 || n == 3) && alpha == n;
            part = 1;
        } else if (part <= 1 && n == 4 && alpha == 4) {
            ok = true, part = 2;
        } else if (part <= 2 && ((n == 2 && alpha == 2) || (n == 3 && digit == 3))) {
            ok = true, part = 3;
        } else if (alpha + digit == n && ((n >= 5 && n <= 8) || (n == 4 && is_digit(p[0])))) {
            ok = true, part = 3;
        }
        if (!ok)
            return false;
        if (p[n] == 0)
            return true;
        p += n + 1;
    }
}

bool cc_lang_eq(const char *a, const char *b)
{
    if (!a || !b)
        return false;
    for (; *a && *b; a++, b++) {
        char x = *a >= 'A' && *a <= 'Z' ? (char)(*a + 32) : *a;
        char y = *b >= 'A' && *b <= 'Z' ? (char)(*b + 32) : *b;
        if (x != y)
            return false;
    }
    return *a == *b;
}
