/* summary — control's executive summary of the live exercise over HTTP (/api/summary,
 * docs/http-api.md): the versions kept in the store and the summary the report drafts from the
 * data; saving a new text under a label, or going back to the draft. The HTTP front (server/http)
 * checks the session (control only) and CSRF; this module reads no clock. */
#ifndef CC_SUMMARY_H
#define CC_SUMMARY_H

#include <stddef.h>
#include <stdint.h>

#include "core/diag.h"
#include "core/label.h"
#include "store/store.h"

struct json_t;

/* The answer of GET /api/summary: {"summary": the newest version with a text or null, "versions":
 * every version newest first ({"version", "text" (null: back to the draft), "label", "author",
 * "saved_wall_ms"}), "draft": draft}. NULL with err filled when the store fails. */
struct json_t *cc_summary_json(cc_store *st, int64_t ex, const char *draft, cc_error *err);

/* POST /api/summary with body[0..len): {"text": "..." [, "label": BANNER] [, "author": NAME]} saves
 * a new version by NAME (default: author), {"text": null} goes back to the draft. Returns the HTTP status:
 * 200 saved (*version set), 400 a bad body or text or label (why says where and why), 503 the store failed
 * (why). */
unsigned cc_summary_post(cc_store *st, int64_t ex, const cc_label_policy *p, const char *body, size_t len,
                         const char *author, int64_t now_wall_ms, int64_t *version, char *why, size_t whylen);

#endif
