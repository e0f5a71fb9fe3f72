/* suggest — bounded edit distance (with transpositions) for did-you-mean hints. */
#include "core/suggest.h"

#include <ctype.h>
#include <string.h>

#define SUGGEST_MAXLEN 64

size_t cc_suggest_distance(const char *a, const char *b, size_t cap)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > SUGGEST_MAXLEN || lb > SUGGEST_MAXLEN)
        return cap + 1;
    if ((la > lb ? la - lb : lb - la) > cap)
        return cap + 1;
    /* optimal string alignment distance: Levenshtein plus adjacent transpositions */
    size_t rows[3][SUGGEST_MAXLEN + 1];
    size_t *prev2 = rows[0], *prev = rows[1], *cur = rows[2];
    for (size_t j = 0; j <= lb; j++)
        prev[j] = j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = i;
        size_t best = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t v = prev[j - 1] + (a[i - 1] != b[j - 1]);
            if (prev[j] + 1 < v)
                v = prev[j] + 1;
            if (cur[j - 1] + 1 < v)
                v = cur[j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && prev2[j - 2] + 1 < v)
                v = prev2[j - 2] + 1;
            cur[j] = v;
            if (v < best)
                best = v;
        }
        if (best > cap)
            return cap + 1;
        size_t *t = prev2;
        prev2 = prev;
        prev = cur;
        cur = t;
    }
    return prev[lb] > cap ? cap + 1 : prev[lb];
}

static int equal_nocase(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
            return 0;
    return *a == *b;
}

const char *cc_suggest(const char *word, const char *const *candidates, size_t n)
{
    size_t len = strlen(word);
    size_t cap = len / 3 > 1 ? len / 3 : 1;
    const char *best = NULL;
    size_t bestd = cap + 1;
    for (size_t i = 0; i < n; i++) {
        if (!candidates[i])
            continue;
        if (equal_nocase(word, candidates[i]))
            return candidates[i];
        size_t d = cc_suggest_distance(word, candidates[i], cap);
        if (d < bestd) {
            bestd = d;
            best = candidates[i];
        }
    }
    return best;
}
