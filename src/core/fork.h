/* fork — "fork from here" (docs/cli.md, "Forks"; docs/ui.md, "Debrief"): a what-if run from an
 * event of a log. The parent's events 0..at are regenerated (each byte for byte, or the fork is
 * refused), together with the rest of the step that made event at (what its input caused, what
 * fell due at the same moment), which the parent holds too. Then, at event at's time: control's
 * note recording the fork's origin (the parent's name, at, event at's hash and the Merkle root of
 * events 0..at, the root a checkpoint of the parent at at+1 events signs), control's hand-over of
 * each seat asked for to its agent policy, the clock started or resumed if it was not running
 * (a wall-driven log), then the fork's own inputs at their times, and the run to its end. The
 * parent is only read. Pure: no I/O, no clock; every event goes to the caller's sink. */
#ifndef CC_FORK_H
#define CC_FORK_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "core/diag.h"
#include "core/engine.h"
#include "core/scenario.h"

typedef struct cc_fork_opts {
    uint64_t at;           /* the fork point: an event of the parent, not its run.end */
    const uint8_t *agents; /* nseats flags: the seats handed to their agent policy (NULL: none) */
    json_t *const *inputs; /* the fork's own inputs, in time order (NULL: none) ... */
    const int64_t *t_ms;   /* ... each at its time: wall ms for a wall-driven log, else scenario ms */
    size_t ninputs;
    const char *parent; /* how the origin note names the parent (a file, "exercise 3") */
} cc_fork_opts;

/* What a fork did: its origin as recorded, and its outcome. */
typedef struct cc_fork_result {
    char event_hash[65];  /* hex SHA-256 of the parent's event at (its chain hash) */
    char merkle_root[65]; /* hex Merkle root of the parent's events 0..at (RFC 6962 over their hashes) */
    int64_t fork_t;       /* event at's time: wall ms for a wall-driven log, else scenario ms */
    cc_engine_stats stats;
} cc_fork_result;

/* Runs the fork of the parent log (n lines without '\n', lines[0] its run.start) on scenario s (the
 * parent's, with the endorsed guidelines it pins already pinned: core/replay's cc_replay_pin),
 * giving every event of the fork, from its run.start, to sink. keep (may be NULL): receives the
 * engine after the run, for the caller's queries (the caller frees it); NULL: freed here. Errors,
 * with why filled: CC_ERR_RANGE (at is not an event of the log, or is its run.end), CC_ERR_INVALID
 * (a line does not decode, the engine regenerates event i differently, a seat handed over has no
 * agent policy, an input is before the fork point or not valid: which one and why), CC_ERR_NOMEM,
 * or CC_ERR_IO when the sink refused a line. */
cc_err cc_fork_run(const cc_scenario *s, const char *const *lines, const size_t *lens, size_t n,
                   const cc_fork_opts *o, cc_engine_sink sink, void *ctx, cc_engine **keep,
                   cc_fork_result *res, char *why, size_t whylen);

#endif
