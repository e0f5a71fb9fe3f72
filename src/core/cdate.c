/* cdate — see cdate.h. */
#include "core/cdate.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

static const char *const months[] = {"january", "february", "march",     "april",   "may",      "june",
                                     "july",    "august",   "september", "october", "november", "december"};

static const char *const month_names[] = {"January",   "February", "March",    "April",
                                          "May",       "June",     "July",     "August",
                                          "September", "October",  "November", "December"};

static int leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int exists(int y, int m, int d)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1900 || y > 9999 || m < 1 || m > 12 || d < 1)
        return 0;
    return d <= days[m - 1] + (m == 2 && leap(y));
}

/* A month by its name or its first three letters (any case), 1..12; 0 when none. */
static int month_named(const char *w, size_t n)
{
    char low[16];
    if (n < 3 || n >= sizeof low)
        return 0;
    for (size_t i = 0; i < n; i++)
        low[i] = (char)tolower((unsigned char)w[i]);
    low[n] = 0;
    if (n == 4 && strcmp(low, "sept") == 0)
        return 9;
    for (int m = 0; m < 12; m++)
        if ((n == 3 && strncmp(months[m], low, 3) == 0) || strcmp(months[m], low) == 0)
            return m + 1;
    return 0;
}

/* The text as tokens: numbers and words, separators ' ', ',', '/', '.', '-' between them. */
typedef struct tok {
    const char *s;
    size_t n;
    int num; /* a number (digits only), else a word */
    long v;
} tok;

static size_t tokens(const char *t, tok *out, size_t max, char *seps, size_t *nseps)
{
    size_t n = 0;
    *nseps = 0;
    while (*t) {
        if (strchr(" ,/.-", *t)) {
            if (*t != ' ' && *t != ',' && *nseps < 4)
                seps[(*nseps)++] = *t;
            t++;
            continue;
        }
        if (n == max)
            return max + 1;
        const char *b = t;
        int digits = isdigit((unsigned char)*t) != 0;
        while (*t && !strchr(" ,/.-", *t) && (isdigit((unsigned char)*t) != 0) == digits)
            t++;
        if (digits && t - b > 4)
            return max + 1;
        if (!digits && !isalpha((unsigned char)*b))
            return max + 1;
        long v = 0;
        for (const char *c = b; digits && c < t; c++)
            v = v * 10 + (*c - '0');
        out[n++] = (tok){b, (size_t)(t - b), digits, v};
    }
    return n;
}

static cc_err ok(char iso[11], int y, int m, int d)
{
    /* exists() holds: 1900 <= y <= 9999, 1 <= m <= 12, 1 <= d <= 31 */
    const int v[] = {y / 1000, y / 100 % 10, y / 10 % 10, y % 10, m / 10, m % 10, d / 10, d % 10};
    const int at[] = {0, 1, 2, 3, 5, 6, 8, 9};
    for (int i = 0; i < 8; i++)
        iso[at[i]] = (char)('0' + v[i]);
    iso[4] = iso[7] = '-';
    iso[10] = 0;
    return CC_OK;
}

cc_err cc_date_parse(const char *text, char iso[11], char *why, size_t whylen, char *hint, size_t hintlen)
{
    tok t[4];
    char seps[4];
    size_t nseps;
    iso[0] = 0;
    hint[0] = 0;
    size_t n = text ? tokens(text, t, 3, seps, &nseps) : 0;
    snprintf(hint, hintlen, "write the date as YYYY-MM-DD, e.g. 2026-06-01, or as 1 June 2026");
    if (n != 3) {
        snprintf(why, whylen, "'%.60s' is not a date", text ? text : "");
        return CC_ERR_PARSE;
    }
    int y = -1, m = -1, d = -1;
    if (t[0].num && t[0].n == 4 && t[1].num && t[2].num) { /* year first: ISO and its variants */
        y = (int)t[0].v, m = (int)t[1].v, d = (int)t[2].v;
    } else if (t[0].num && !t[1].num && t[2].num && t[2].n == 4) { /* 1 June 2026 */
        d = (int)t[0].v, m = month_named(t[1].s, t[1].n), y = (int)t[2].v;
    } else if (!t[0].num && t[1].num && t[2].num && t[2].n == 4) { /* June 1, 2026 */
        m = month_named(t[0].s, t[0].n), d = (int)t[1].v, y = (int)t[2].v;
    } else if (t[0].num && t[1].num && t[2].num && t[2].n == 4 && t[0].n <= 2 && t[1].n <= 2) {
        int a = (int)t[0].v, b = (int)t[1].v;
        y = (int)t[2].v;
        int dm = exists(y, b, a), md = exists(y, a, b);
        if (dm && md && a != b) {
            snprintf(why, whylen, "'%.60s' is ambiguous: day and month could be either way round", text);
            snprintf(hint, hintlen, "write %04d-%02d-%02d (%d %s) or %04d-%02d-%02d (%d %s)", y, b, a, a,
                     month_names[b - 1], y, a, b, b, month_names[a - 1]);
            return CC_ERR_PARSE;
        }
        if (dm)
            d = a, m = b;
        else
            d = b, m = a;
    }
    if (m <= 0 || !exists(y, m, d)) {
        snprintf(why, whylen, "'%.60s' is not a date", text);
        return CC_ERR_PARSE;
    }
    return ok(iso, y, m, d);
}

int cc_date_before(const char *a, const char *b)
{
    return a && b && strcmp(a, b) < 0;
}
