/* evaluation — the rules of evaluation that the engine, the live server and the report share
 * (docs/scenario-format.md, "Evaluation"): who evaluates with a guide, which seats a questionnaire
 * asks, a seat's team in a scoring model, a model's moves, the weighted score, when a phase ends,
 * and which events of a log an evaluator may see. Pure: no I/O, no allocation. */
#ifndef CC_EVALUATION_H
#define CC_EVALUATION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/evtype.h"
#include "core/label.h"
#include "core/scenario.h"
#include "core/scenario_model.h"

#define CC_EVAL_EVIDENCE_MAX 32 /* events one observation may cite */
#define CC_EVAL_TEXT_MAX 8000   /* bytes of an observation's text, root cause or recommendation */
#define CC_EVAL_ANSWER_MAX 4000 /* bytes of a text answer */

/* The guide of objective o (index), -1 when it has none. */
int cc_eval_guide_of(const cc_scenario *s, int objective);
/* Whether seat si evaluates with guide g: an evaluator named in its 'evaluators', or, when it names
 * none, any evaluator that may read its label. */
bool cc_eval_evaluates(const cc_scenario *s, const cc_guide *g, size_t si);
/* Whether seat si may observe objective o: an evaluator of its guide, or any evaluator when the
 * objective has no guide. */
bool cc_eval_may_observe(const cc_scenario *s, int objective, size_t si);
/* Index of the target (task) with that id, -1 when none. */
int cc_eval_target_index(const cc_guide *g, const char *id);
int cc_eval_task_index(const cc_ctarget *t, const char *id);

/* Whether questionnaire q asks seat si: a player reached by its 'to' (all without one). */
bool cc_eval_asks(const cc_scenario *s, const cc_questionnaire *q, size_t si);
/* When q is sent by itself: the scenario time in ms of the end of its phase (the next phase's
 * start), or -1 when it is sent at the hotwash (send: end, or the last phase). */
int64_t cc_eval_send_ms(const cc_scenario *s, const cc_questionnaire *q);
/* Index of the question with that id in q, -1 when none; of the option in a choice question. */
int cc_eval_question_index(const cc_questionnaire *q, const char *id);
int cc_eval_option_index(const cc_question *k, const char *id);

/* The moves of scoring model m: its 'moves', else every phase, else the one move "all". */
size_t cc_eval_nmoves(const cc_scenario *s, const cc_scoring *m);
const char *cc_eval_move_id(const cc_scenario *s, const cc_scoring *m, size_t k);
/* Index of the move with that id, -1 when none; the scenario time its phase starts (0 for "all"). */
int cc_eval_move_index(const cc_scenario *s, const cc_scoring *m, const char *id);
int64_t cc_eval_move_start_ms(const cc_scenario *s, const cc_scoring *m, size_t k);
/* The first of m's teams that seat si belongs to, -1 when none (evaluators never belong to one). */
int cc_eval_team_of(const cc_scenario *s, const cc_scoring *m, size_t si);
/* The text of team t as written in the scenario ("party:USA") into buf. */
const char *cc_eval_team_text(const cc_scoring *m, size_t t, char *buf, size_t size);
/* Index of the team written as text, -1 when none. */
int cc_eval_team_index(const cc_scoring *m, const char *text);
/* The weighted score in percent of scores (one per criterion, in m's order): the sum of
 * weight x score over the sum of weight x max. */
double cc_eval_weighted(const cc_scoring *m, const int *scores);

/* What an evaluator may see of an event, by its type (docs/scenario-format.md, "Evaluator seats"):
 * the run's frame and clock, the record of play (then by its label), or nothing (other seats'
 * inputs and refusals, notes, control's holds and edits, audit records). */
typedef enum cc_eval_see {
    CC_EVAL_SEE_NONE,  /* not the evaluator's unless it is its own act */
    CC_EVAL_SEE_FRAME, /* every viewer */
    CC_EVAL_SEE_PLAY   /* when the event's label (if any) admits the evaluator */
} cc_eval_see;
cc_eval_see cc_eval_see_type(cc_evtype type);

/* Whether evaluator seat si sees an event of that type, actor and label (label: the event's label
 * parsed with its item's originator; NULL for an unlabelled event; an invalid label admits
 * nobody). */
bool cc_eval_sees(const cc_scenario *s, size_t si, cc_evtype type, const char *actor, const cc_label *label);

#endif
