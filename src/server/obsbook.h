/* obsbook — the evaluators' observations of a live exercise (eval.observation events), each with
 * who may see it, for the state of evaluators and control (docs/http-api.md, "Evaluation and
 * feedback in the state"). Who may see an observation is decided by core/view when the event is
 * committed (the same bytes as its stream frame): the book only keeps and filters. Not thread
 * safe: the live exercise's lock guards it. */
#ifndef CC_OBSBOOK_H
#define CC_OBSBOOK_H

#include <stddef.h>
#include <stdint.h>

#include "core/diag.h"

struct json_t;
typedef struct cc_obsbook cc_obsbook; /* opaque */

/* A book for nviewers viewers (the seats, then control). NULL when out of memory. */
cc_obsbook *cc_obsbook_new(size_t nviewers);
void cc_obsbook_free(cc_obsbook *b);
/* Adds the observation of event record rec ({"seq", "t", "actor", "label", "payload"}) with vis
 * (nviewers bytes, 1: that viewer may see it). CC_ERR_NOMEM. */
cc_err cc_obsbook_add(cc_obsbook *b, const struct json_t *rec, const uint8_t *vis);
/* The observations viewer may see, in log order: {"seq", "t", "by", "observation", "objective",
 * "target", "task", "kind", "rating", "text", "root_cause", "recommendation", "observed_t",
 * "evidence", "label"} (absent members null; evidence an array of event numbers). */
struct json_t *cc_obsbook_json(const cc_obsbook *b, size_t viewer);

#endif
