/* lang — language tags (BCP 47, the subset caucus accepts) for scenarios in several languages
 * (docs/scenario-format.md, "Texts and languages"). Pure functions, no allocation. */
#ifndef CC_LANG_H
#define CC_LANG_H

#include <stdbool.h>

#define CC_LANG_TAG_MAX 35 /* the longest tag accepted */

/* Whether tag is a language tag caucus accepts: language (2-3 letters) [-script (4 letters)]
 * [-region (2 letters or 3 digits)] *(-variant (5-8 letters or digits, or a digit and 3)), at
 * most CC_LANG_TAG_MAX characters; letters of any case. No extensions or private use. */
bool cc_lang_tag_ok(const char *tag);
/* Whether two tags name the same language (ASCII case-insensitive; NULL equals nothing). */
bool cc_lang_eq(const char *a, const char *b);

#endif
