/* patch — one value of a scenario changed by name, for parameter sweeps (docs/sim.md, "Exploring
 * a mechanism"): a path such as mechanisms.silence.stages.decide.deadline or
 * agents.chair.rules.2.delay.median names a numeric or duration field of the YAML tree, which is
 * set to a new value before the scenario is loaded, so that the loader checks the value as it
 * would check the file. And the sweep specification PATH=V1,V2,... or PATH=A..B/STEP. */
#ifndef CC_PATCH_H
#define CC_PATCH_H

#include <stddef.h>

#include "core/arena.h"
#include "core/diag.h"
#include "io/ytree.h"

/* A field and its new value (a number, or a duration such as 90m). */
typedef struct cc_patch {
    const char *path;
    const char *value;
} cc_patch;

/* Sets the field p->path of the tree root (a scenario's top-level map, allocated in arena) to
 * p->value. The path is a dot-separated list: a section (mechanisms, agents, decisions,
 * guidelines, seats), then for each list an item's id or its position from 1, then map keys,
 * ending in a numeric or duration field (deadline, delay, after, max, probability, approve,
 * channel_failure, absence, within, on_call, revision, value, min, mode, median, sigma, mean,
 * shape, scale). The field may be absent from its map (it is then added). On a path that names
 * nothing, or a field that is not numeric, appends an error naming the path (file, no position)
 * and returns CC_ERR_INVALID; CC_ERR_NOMEM when the arena is exhausted. */
cc_err cc_patch_apply(cc_ynode *root, const cc_patch *p, cc_arena *arena, const char *file, cc_diags *d);

/* A sweep: the values a path takes, in order (at most CC_SWEEP_MAX). */
#define CC_SWEEP_MAX 1000
typedef struct cc_sweep {
    char *path;
    char **values; /* n texts, each a number or a duration */
    double *x;     /* n: the value as a number (durations in hours), for axes */
    size_t n;
    int durations; /* the values are durations */
} cc_sweep;

/* Parses PATH=V1,V2,... (numbers, or durations) or PATH=A..B/STEP (A, B and STEP all numbers or
 * all durations; A <= B, STEP > 0; every A + k STEP up to B, B included when it falls on a step).
 * On error returns CC_ERR_PARSE (or CC_ERR_LIMIT beyond CC_SWEEP_MAX points) with the reason in
 * why. Free with cc_sweep_free. */
cc_err cc_sweep_parse(const char *spec, cc_sweep *out, char *why, size_t whylen);
void cc_sweep_free(cc_sweep *sw);

#endif
