/* scenario — a loaded, checked scenario (see docs/scenario-format.md). Created by the
 * loader (io/scenario_load.h), validated by cc_scenario_check, freed by cc_scenario_free. */
#ifndef CC_SCENARIO_H
#define CC_SCENARIO_H

#include <stddef.h>

#include "core/diag.h"

typedef struct cc_scenario cc_scenario;

/* Frees a scenario and everything it owns. NULL is ignored. */
void cc_scenario_free(cc_scenario *s);

/* Cross-reference and semantic checks (references, label readability, decision rules,
 * trigger cycles, unreachable injects, unexercised objectives, empty scenario). Resolves
 * every reference to an index. Appends diagnostics; returns CC_ERR_INVALID when any error
 * was found, CC_OK otherwise (warnings alone are OK). */
cc_err cc_scenario_check(cc_scenario *s, cc_diags *diags);

/* The checks of a scenario about to be simulated (caucus sim, caucus lint --sim), after
 * cc_scenario_check accepted it: a warning for each consultation that can never complete under a
 * mechanism it may run when only agents act (a participant without an agent never acts). Appends
 * warnings; CC_ERR_NOMEM when they could not be added. docs/scenario-format.md. */
cc_err cc_scenario_check_simulation(const cc_scenario *s, cc_diags *diags);

/* Counts for summaries. */
typedef struct cc_scenario_counts {
    size_t parties, groups, cells, seats, objectives, injects, decisions, mechanisms, consultations,
        guidelines, agents;
} cc_scenario_counts;

void cc_scenario_counts_get(const cc_scenario *s, cc_scenario_counts *out);
const char *cc_scenario_id(const cc_scenario *s);
const char *cc_scenario_title(const cc_scenario *s);
/* The scenario's label policy (its classes' ranks and styles, parties, caveats); NULL for NULL. */
const struct cc_label_policy *cc_scenario_policy(const cc_scenario *s);
/* Hex SHA-256 of the scenario file (65 bytes including NUL). */
void cc_scenario_hash_hex(const cc_scenario *s, char out[65]);
/* The endorsed guidelines note an exercise of s runs under (docs/tamper-evidence.md, "Endorsed
 * guidelines"): copied into the scenario; the engine pins it in run.start. The caller checks it
 * first (core/guidelines.h). NULL clears it. CC_ERR_NOMEM. */
cc_err cc_scenario_set_endorsement(cc_scenario *s, const char *note, size_t len);

/* ---- languages (docs/scenario-format.md, "Texts and languages") ---- */

/* How many languages the scenario declares (exercise.languages); 0 for a scenario in one language. */
size_t cc_scenario_nlanguages(const cc_scenario *s);
/* The i-th declared language tag as written; NULL past the end. */
const char *cc_scenario_language(const cc_scenario *s, size_t i);
/* The authoritative language's tag; NULL when the scenario declares no languages. */
const char *cc_scenario_authoritative_language(const cc_scenario *s);
/* Whether tag is a declared language (BCP 47 tags compare without regard to case). */
int cc_scenario_has_language(const cc_scenario *s, const char *tag);
/* The text of a field in language lang. text is the field as the model holds it (its
 * authoritative text: every accessor and struct field of the model gives that); the answer is
 * text itself for the authoritative language, the translation for another declared language,
 * and NULL when the scenario has no text of that field in lang (or lang is not declared, or
 * text is NULL). Borrowed from s. */
const char *cc_scenario_text_in(const cc_scenario *s, const char *text, const char *lang);
/* The display name of the classification of that rank (label_policy classification 'display')
 * in lang (cc_scenario_text_in), NULL when it has none in lang. */
const char *cc_scenario_class_display(const cc_scenario *s, int rank, const char *lang);
/* Like cc_scenario_text_in, falling back to text itself (the authoritative text). */
const char *cc_scenario_text_or(const cc_scenario *s, const char *text, const char *lang);

#endif
