/* editor — the scenario editor's API for control (docs/http-api.md, /api/editor/...): scenario
 * documents kept in the store with every save a new version, item-level edits through io/sedit
 * with the same diagnostics as `caucus lint`, the second save of an item changed by someone else
 * refused with their change, line diffs between versions, exports (YAML as stored, MSEL CSV and
 * workbook), the inject catalogue, and a headless run of a version that the store records as an
 * exercise pinned to it. The HTTP front (server/http) authenticates and hands requests over;
 * this module reads no clock (now is an argument) and keeps no state between requests. */
#ifndef CC_EDITOR_H
#define CC_EDITOR_H

#include <stddef.h>
#include <stdint.h>

#include "core/diag.h"
#include "store/store.h"

/* A reply: status, and either json (owned) or body[0..len) (malloc'd, owned) of content type
 * `type` (static), with `filename` (static or NULL) for a download. */
typedef struct cc_editor_reply {
    unsigned status;
    struct json_t *json;
    char *body;
    size_t len;
    const char *type;
    char filename[96];
} cc_editor_reply;

void cc_editor_reply_clear(cc_editor_reply *r);

/* Query argument name of the request, or NULL. */
typedef const char *(*cc_editor_arg_fn)(void *ctx, const char *name);

typedef struct cc_editor_req {
    const char *method; /* "GET" or "POST" */
    const char *path;   /* after "/api/editor/" */
    cc_editor_arg_fn arg;
    void *arg_ctx;
    const char *body; /* POST: JSON text (len bytes) */
    size_t len;
    const char *author;    /* who saves, unless the body names itself ("author") */
    int64_t live_exercise; /* the running exercise (for "from": "exercise"), or 0 */
    const char *tzdir;     /* time zone database; NULL: the system's */
    int64_t now_wall_ms;
} cc_editor_req;

/* Handles one request (control's; the caller has checked the session and CSRF). Always fills
 * *out: 200 with the result, 400 bad request, 404 no such document or version, 409 a conflict
 * (JSON code "conflict" with the other planner's item and version), 422 an edit that cannot be
 * written (code "bad-edit"), 503 a store failure; errors as {"error", "code"}. Returns CC_OK, or
 * CC_ERR_NOMEM when not even the reply could be made. */
cc_err cc_editor_handle(cc_store *st, const cc_editor_req *rq, cc_editor_reply *out);

/* The text of a new, empty scenario (a starting point that does not lint clean yet). */
const char *cc_editor_empty_scenario(void);

#endif
