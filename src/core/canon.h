/* canon — the canonical JSON encoding that caucus hashes (event log, digests): object members
 * sorted by the bytes of their UTF-8 keys, no whitespace, integers only (|n| <= 2^53 - 1),
 * strings as raw UTF-8 with only '"', '\\' and U+0000..U+001F escaped (\b \f \n \r \t, else
 * \u00xx in lower-case hex). Specified in docs/event-log.md so others can verify. */
#ifndef CC_CANON_H
#define CC_CANON_H

#include <jansson.h>

#include "core/buf.h"
#include "core/diag.h"

#define CC_CANON_MAX_DEPTH 32
#define CC_CANON_INT_MAX 9007199254740991LL /* 2^53 - 1 */

/* Appends the canonical encoding of v to out. Errors: CC_ERR_INVALID (a real number, an
 * integer out of range, a string that is not valid UTF-8 or contains NUL, nesting deeper
 * than CC_CANON_MAX_DEPTH), CC_ERR_NOMEM. On error *why (if not NULL) names the problem. */
cc_err cc_canon_json(const json_t *v, cc_buf *out, const char **why);

#endif
