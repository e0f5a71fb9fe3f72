/* hybrid — who plays each seat of a live exercise, and who really took each act, read from the
 * log as it is committed (docs/cli.md, "Hybrid seats"): run.start names the seats agents play
 * from the start, seat.play hands a seat over, and an act is control's when it follows control's
 * input for that seat ("by": "control"), a person's when it follows the seat's own input, and the
 * agent's when no input asked for it. Not thread-safe: the live exercise's lock guards it. */
#ifndef CC_HYBRID_H
#define CC_HYBRID_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "core/evtype.h"
#include "core/scenario.h"

typedef struct cc_hybrid cc_hybrid; /* opaque */

/* For the seats of s (which must outlive it). NULL when out of memory. Free with cc_hybrid_free. */
cc_hybrid *cc_hybrid_new(const cc_scenario *s);
void cc_hybrid_free(cc_hybrid *h);
/* Forgets everything fed (the log is read again from its first event). */
void cc_hybrid_reset(cc_hybrid *h);
/* Takes in the next committed event (type, actor seat index or -1, t in scenario ms, seq and the
 * record's payload). Returns who took it when it is a seat's act: "agent", "control", or NULL (a
 * person, or not an act). The string is static. */
const char *cc_hybrid_feed(cc_hybrid *h, cc_evtype type, int actor, int64_t t_ms, uint64_t seq,
                           const json_t *payload);
/* 1 when seat is played by its agent now. */
int cc_hybrid_agent_plays(const cc_hybrid *h, size_t seat);

#endif
