/* ldiff — a line diff of two texts as a unified diff (Myers' O(ND) algorithm), for showing
 * what changed between two versions of a scenario. Pure: no I/O. */
#ifndef CC_LDIFF_H
#define CC_LDIFF_H

#include <stddef.h>

#include "core/buf.h"
#include "core/diag.h"

#define CC_LDIFF_MAX_EDITS 20000 /* beyond this many changed lines the diff is one replacement */

/* Appends to out the unified diff (3 lines of context, "--- name_a" / "+++ name_b" headers,
 * "@@ -l,n +l,n @@" hunks) that turns a[0..alen) into b[0..blen); nothing when they are equal.
 * A text that does not end in a line break gets "\ No newline at end of file". Time O((N+M)D),
 * memory O(D^2) for D changed lines up to CC_LDIFF_MAX_EDITS (more: one hunk replacing all).
 * Errors: CC_ERR_NOMEM. */
cc_err cc_ldiff(const char *a, size_t alen, const char *b, size_t blen, const char *name_a,
                const char *name_b, cc_buf *out);

#endif
