/* iso3166 — see iso3166.h. */
#include "io/iso3166.h"

#include <ctype.h>
#include <stddef.h>
#include <string.h>

static const char *const iso3166[] = {
#include "iso3166.inc"
};

static bool user_assigned(const char *c)
{
    if (strlen(c) != 3 || !isupper((unsigned char)c[0]) || !isupper((unsigned char)c[1]) ||
        !isupper((unsigned char)c[2]))
        return false;
    return (c[0] == 'A' && c[1] == 'A') || (c[0] == 'Q' && c[1] >= 'M') || c[0] == 'X' ||
           (c[0] == 'Z' && c[1] == 'Z');
}

bool cc_iso3166_nation(const char *code)
{
    if (!code)
        return false;
    if (user_assigned(code))
        return true;
    size_t lo = 0, hi = sizeof iso3166 / sizeof iso3166[0];
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int r = strcmp(iso3166[mid], code);
        if (r == 0)
            return true;
        if (r < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return false;
}
