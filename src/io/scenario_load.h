/* scenario_load — reads a scenario file (YAML, docs/scenario-format.md) into a cc_scenario:
 * syntax, keys, types and values, with FILE:LINE:COL diagnostics. Cross-references are
 * checked afterwards by cc_scenario_check (cc_scenario_load_file does both). */
#ifndef CC_SCENARIO_LOAD_H
#define CC_SCENARIO_LOAD_H

#include <stddef.h>

#include "core/arena.h"
#include "core/diag.h"
#include "core/scenario.h"
#include "core/scenario_model.h"

typedef struct cc_load_opts {
    const char *tzdir; /* time zone database directory; NULL for /usr/share/zoneinfo */
    int no_check;      /* skip cc_scenario_check */
    /* fields set before loading, in order (io/patch.h: a sweep point); a path that names no
     * numeric field is an error of the load */
    const struct cc_patch *patches;
    size_t npatches;
    /* an agents file merged in before the check (docs/calibration.md, "The agents file"): its agents
     * replace the scenario's of the same id or are added, its 'seats' re-assign seats; diagnostics
     * about what it defines name it. NULL: none */
    const char *agents;
    /* a text missing in a declared language is an error (lint --require-languages), not a
     * warning (docs/scenario-format.md, "Texts and languages") */
    int require_languages;
} cc_load_opts;

/* Parses text[0..len) named file (for diagnostics). On success *out is a scenario the
 * caller frees with cc_scenario_free. Returns CC_OK (warnings may have been appended),
 * CC_ERR_PARSE/CC_ERR_INVALID/CC_ERR_LIMIT when errors were appended (then *out is NULL),
 * or CC_ERR_NOMEM. opts may be NULL. */
cc_err cc_scenario_load(const char *text, size_t len, const char *file, const cc_load_opts *opts,
                        cc_diags *diags, cc_scenario **out);

/* Reads one distribution in the scenario format's notation (docs/scenario-format.md,
 * "Distributions"), text[0..len) named file: a duration, or a YAML map such as
 * "{dist: exponential, mean: 30m}" (the form cc_scenario_dist_write writes), checked exactly as
 * the loader checks one in a scenario; what names the value in messages ("the delay").
 * Diagnostics carry positions in text. *out's empirical values are allocated in a (the caller's).
 * Returns CC_OK, CC_ERR_PARSE/CC_ERR_INVALID/CC_ERR_LIMIT when errors were appended, or
 * CC_ERR_NOMEM. */
cc_err cc_scenario_load_dist(const char *text, size_t len, const char *file, const char *what, cc_arena *a,
                             cc_diags *diags, cc_dist *out);

/* Reads the file (at most 64 MiB) and calls cc_scenario_load. */
cc_err cc_scenario_load_file(const char *path, const cc_load_opts *opts, cc_diags *diags, cc_scenario **out);

#endif
