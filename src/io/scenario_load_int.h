/* scenario_load_int — the loader's readers, for the files that load sections of their own
 * (scenario_load_eval.c: the exercise overview, evaluator seats, evaluation guides,
 * questionnaires, scoring models). Internal to src/io; the readers report to the load's
 * diagnostics with positions, as scenario_load.c's own do. */
#ifndef CC_SCENARIO_LOAD_INT_H
#define CC_SCENARIO_LOAD_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/diag.h"
#include "core/scenario.h"
#include "core/scenario_model.h"
#include "io/ytree.h"

typedef struct ld cc_ld; /* one load in progress (scenario_load.c) */

cc_scenario *cc_ld_scenario(cc_ld *L);
cc_arena *cc_ld_arena(cc_ld *L);
__attribute__((format(printf, 5, 6))) void cc_ld_err(cc_ld *L, cc_pos pos, const char *code, const char *hint,
                                                     const char *fmt, ...);
void cc_ld_nomem(cc_ld *L);
int cc_ld_is_map(cc_ld *L, const cc_ynode *n, const char *what);
int cc_ld_is_seq(cc_ld *L, const cc_ynode *n, const char *what);
/* unknown keys of map (allowed: NULL-terminated), with a did-you-mean */
void cc_ld_check_keys(cc_ld *L, const cc_ynode *map, const char *what, const char *const *allowed);
/* the value of key (NULL when absent or null); a missing required key is reported */
cc_ynode *cc_ld_field(cc_ld *L, const cc_ynode *map, const char *key, int required, const char *what);
const char *cc_ld_str(cc_ld *L, const cc_ynode *map, const char *key, int required, const char *what);
const char *cc_ld_id(cc_ld *L, const cc_ynode *map, const char *key, int required, const char *what,
                     cc_pos *pos);
int cc_ld_bool(cc_ld *L, const cc_ynode *map, const char *key, int dflt, const char *what);
/* a number within [lo, hi] into *out; 0 when absent or bad (reported) */
int cc_ld_number(cc_ld *L, const cc_ynode *map, const char *key, int required, double lo, double hi,
                 double *out, const char *what);
/* index of the value in names (NULL-terminated), dflt when absent or unknown (reported) */
int cc_ld_enum(cc_ld *L, const cc_ynode *map, const char *key, int required, const char *const *names,
               int dflt, const char *what, cc_pos *pos);
cc_strs cc_ld_strs(cc_ld *L, const cc_ynode *map, const char *key, int required, int ids, const char *what);
cc_refs cc_ld_refs(cc_ld *L, const cc_ynode *map, const char *key, int required, const char *what);
/* a label (banner or map) read with originator (a party index or -1) */
void cc_ld_label(cc_ld *L, const cc_ynode *map, const char *key, int originator, cc_labelspec *ls,
                 const char *what);
/* an array of n items of size bytes from the scenario's arena (at least one), NULL out of memory */
void *cc_ld_alloc(cc_ld *L, size_t n, size_t size);
/* party index of the control cell's first seat (the default originator of control's items), -1 */
int cc_ld_control_party(cc_ld *L);

/* scenario_load_eval.c */
void cc_ld_load_overview(cc_ld *L, const cc_ynode *exercise); /* scope, mission_areas, ... */
void cc_ld_load_seat_kind(cc_ld *L, const cc_ynode *seat, cc_seat *S);
void cc_ld_load_evaluation(cc_ld *L, const cc_ynode *root); /* guides, questionnaires, scoring */

#endif
