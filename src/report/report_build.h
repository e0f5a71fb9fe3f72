/* report_build — what the builders of the after-action report share (report.c builds the
 * sections, report_eval.c those of evaluation: observations, guides, feedback, team scoring): a
 * section being built, with the join of its content's labels, and the evaluation builders
 * report.c calls. Internal to src/report. */
#ifndef CC_REPORT_BUILD_H
#define CC_REPORT_BUILD_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/label.h"
#include "report/report_scan.h"

/* A section being built: its object, facts, tables and intro lines, and the join of the labels of
 * what it holds (its banner); invalid once a label in it does not parse. */
typedef struct cc_rsec {
    json_t *obj, *facts, *tables, *intro;
    cc_label acc;
    bool ok, invalid;
} cc_rsec;

/* A JSON string (null for NULL); a scenario time "+1h30m" (null when negative). */
json_t *cc_rjs(const char *s);
json_t *cc_rjt(int64_t ms);

void cc_rsec_init(const rep *r, cc_rsec *x, const char *id, const char *title);
/* Joins l (ok: it parsed) into the section's label. */
void cc_rsec_label(cc_rsec *x, const cc_label *l, bool ok);
void cc_rsec_fact(cc_rsec *x, const char *k, json_t *v); /* takes v */
void cc_rsec_intro(cc_rsec *x, const char *text);
/* A table with columns from a NULL-terminated list (or a JSON array, taken); returns its rows. */
json_t *cc_rsec_table(cc_rsec *x, const char *id, const char *title, const char *const *cols);
json_t *cc_rsec_table_dyn(cc_rsec *x, const char *id, const char *title, json_t *cols);
void cc_rsec_note(cc_rsec *x, const char *note); /* the note of the last table */
/* Closes the section: its banner, appended to doc_sections, its label joined into doc. */
json_t *cc_rsec_done(const rep *r, cc_rsec *x, json_t *doc_sections, cc_label *doc, bool *doc_invalid);

/* A payload member as a string, or dflt. */
static inline const char *cc_rep_pstr_or(const json_t *p, const char *k, const char *dflt)
{
    const char *v = cc_rep_pstr(p, k);
    return v ? v : dflt;
}

/* report_eval.c: the analysis of objectives' evaluation tables ... */
void cc_rb_guides_table(const rep *r, cc_rsec *x);
void cc_rb_observations_table(rep *r, cc_rsec *x);
void cc_rb_observation_evidence(const rep *r, cc_rsec *x);
/* Each evaluator's last rating of the objective ("obs-usa P, obs-kor S") into b. */
const char *cc_rb_evaluator_ratings(const rep *r, const char *objective, cc_buf *b);
/* ... the evaluators' strengths and areas for improvement (the latter proposed in the plan, with
 * "observation:ID" in refs) ... */
void cc_rb_improvement_observations(rep *r, cc_rsec *x, json_t *str, json_t *area, json_t *plan,
                                    json_t *refs);
/* ... and the sections of participant feedback and team scoring. */
void cc_rb_build_feedback(rep *r, json_t *secs, cc_label *doc, bool *inv);
void cc_rb_build_scoring(rep *r, json_t *secs, cc_label *doc, bool *inv);

#endif
