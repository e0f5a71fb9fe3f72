/* sedit — a scenario file edited one item at a time, as the browser's scenario editor does: the
 * file's sections as JSON (a list section's items, a map section's value), and edits that rewrite
 * only the text of the item they touch (replace, insert at a position, move, delete), so that
 * everything else, comments and layout included, stays byte for byte. Diagnostics of the edited
 * file are placed on the section, item and field they concern. */
#ifndef CC_SEDIT_H
#define CC_SEDIT_H

#include <jansson.h>
#include <stddef.h>

#include "core/buf.h"
#include "core/diag.h"

/* A parsed scenario text (opaque); it keeps a copy of the text. */
typedef struct cc_sedit cc_sedit;

/* Parses text[0..len) (YAML; a scenario's top level must be a block mapping). YAML errors go to d
 * (CC_ERR_PARSE or CC_ERR_LIMIT). *out is freed with cc_sedit_free. */
cc_err cc_sedit_open(const char *text, size_t len, const char *file, cc_diags *d, cc_sedit **out);
void cc_sedit_free(cc_sedit *e);

/* The sections in file order, as a JSON array the caller owns:
 *   {"key": "injects", "kind": "list", "items": [ITEM...]}  (a block sequence of mappings)
 *   {"key": "exercise", "kind": "map", "value": {...}}
 *   {"key": "caucus", "kind": "scalar", "value": "1"}
 * Values: mappings as objects (keys in file order), sequences as arrays, scalars as strings,
 * a plain null as JSON null. NULL on ENOMEM. */
json_t *cc_sedit_model(const cc_sedit *e);

/* The item of a list section whose "id" is id (index *index, may be NULL), or the value of a map
 * section when id is NULL; a new reference the caller owns, or NULL when absent. */
json_t *cc_sedit_get(const cc_sedit *e, const char *section, const char *id, size_t *index);

/* Writes the edited text to out:
 *  - list section, value an object: replaces the item named id (id NULL: inserts a new item);
 *    at >= 0 puts it at that index (a move when it existed), at < 0 keeps its place or appends;
 *  - list section, value NULL: deletes the item named id;
 *  - map section (id NULL), value an object: replaces the section's value; a section not in the
 *    file yet (or empty, "agents:") is written as a map, but one of the format's list sections
 *    (parties, cells, seats, objectives, injects, decisions, mechanisms, consultations,
 *    guidelines, agents) starts as a block list holding the new item.
 * Values are JSON as cc_sedit_model gives them; an object {"$yaml": "TEXT"} stands for the value
 * that YAML text holds (a flow list of maps typed in a form). Items of injects are written with
 * their keys in the format's order (id, title, body, label, from, originator, to, channel,
 * class, at, trigger, expected_actions, objectives, notes); others in the order given. An item
 * the file writes in flow style ({id: x, ...}) stays on one line when it fits. An item saved in
 * its place with the value it already has (JSON-equal to what cc_sedit_get gives) keeps its
 * text byte for byte, however it was written (quoting, layout, comments). Errors
 * (CC_ERR_NOTFOUND, CC_ERR_INVALID, CC_ERR_NOMEM) with why filled: no such item, an id used
 * twice, a section written in flow style, bad $yaml. */
cc_err cc_sedit_put(const cc_sedit *e, const char *section, const char *id, const json_t *value, long at,
                    cc_buf *out, char *why, size_t whylen);

/* A copy of value (the caller owns it) with every {"$yaml": TEXT} in it replaced by the value
 * TEXT holds, as cc_sedit_put reads it; NULL with why filled when a TEXT is not YAML (why empty:
 * out of memory). */
json_t *cc_sedit_resolve(const json_t *value, char *why, size_t whylen);

/* The diagnostics of d (from loading this text) as a JSON array the caller owns, each
 * {"severity", "line", "column", "code", "message", "hint"?, "section"?, "index"?, "id"?,
 * "field"?}: the section whose lines hold the diagnostic, the item of a list section, and the
 * field (top-level key of the item or map) on or above that line. */
json_t *cc_sedit_locate(const cc_sedit *e, const cc_diags *d);

/* Appends value written as YAML text (flow when it fits on a line): what a form shows for a
 * value too complex for one text box. */
cc_err cc_sedit_yaml_text(const json_t *value, cc_buf *out);

#endif
