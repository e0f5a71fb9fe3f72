/* suggest — "did you mean" for identifiers: the closest candidate by edit distance. */
#ifndef CC_SUGGEST_H
#define CC_SUGGEST_H

#include <stddef.h>

/* Edit distance (insert, delete, substitute, swap adjacent; case-sensitive), capped:
 * returns cap+1 when larger. */
size_t cc_suggest_distance(const char *a, const char *b, size_t cap);
/* Returns the candidate closest to word when it is close enough to be a likely typo
 * (distance <= max(1, len/3), or equal ignoring case), else NULL. Ties go to the first. */
const char *cc_suggest(const char *word, const char *const *candidates, size_t n);

#endif
