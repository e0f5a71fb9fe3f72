/* texts — the scenario's texts in a reader's language for what a viewer already sees (GET
 * /api/texts, docs/http-api.md): the browser shows a seat the exercise in its language without
 * the server sending it anything the label rule would not: a translation is given only for a
 * text that is in the viewer's own state. */
#ifndef CC_TEXTS_H
#define CC_TEXTS_H

#include <jansson.h>

#include "core/scenario.h"

/* {authoritative text: its text in lang} for every string of seen (a viewer's state, as
 * cc_live_state gives it) that is a text of s with a different text in lang. A new object the
 * caller owns ({} when s has none in lang); NULL on ENOMEM. */
json_t *cc_texts_seen(const cc_scenario *s, const json_t *seen, const char *lang);

/* {classification name: its display name in lang} for the classifications of s's policy that
 * have one (label_policy 'display'; the policy is every participant's to read). A new object;
 * NULL on ENOMEM. */
json_t *cc_texts_classes(const cc_scenario *s, const char *lang);

#endif
