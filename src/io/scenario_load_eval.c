/* scenario_load_eval — the parts of a scenario that serve its evaluation (docs/scenario-format.md,
 * "Evaluation"): the exercise overview (scope, mission areas, sponsor, organisations, points of
 * contact), a seat's kind, evaluation guides, questionnaires and scoring models. Shapes, keys and
 * values only; references are resolved by cc_scenario_check_eval. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/scenario_model.h"
#include "io/scenario_load_int.h"

/* ---- exercise overview ------------------------------------------------------------------- */

static void no_duplicates(cc_ld *L, const cc_strs *v, const char *what)
{
    for (size_t i = 0; i < v->n; i++)
        for (size_t k = 0; k < i; k++)
            if (strcmp(v->v[i], v->v[k]) == 0) {
                cc_ld_err(L, v->pos[i], "duplicate", NULL, "%s: '%s' is listed twice", what, v->v[i]);
                break;
            }
}

static void load_contacts(cc_ld *L, const cc_ynode *ex)
{
    cc_scenario *s = cc_ld_scenario(L);
    cc_ynode *cn = cc_ld_field(L, ex, "contacts", 0, "exercise");
    if (!cn || !cc_ld_is_seq(L, cn, "exercise 'contacts'"))
        return;
    s->contacts = cc_ld_alloc(L, cn->n, sizeof *s->contacts);
    for (size_t i = 0; s->contacts && i < cn->n; i++) {
        const cc_ynode *n = cn->items[i];
        if (!cc_ld_is_map(L, n, "contact"))
            continue;
        static const char *const keys[] = {"name", "role", "organisation", "email", "phone", NULL};
        cc_ld_check_keys(L, n, "contact", keys);
        cc_contact *C = &s->contacts[s->ncontacts++];
        C->pos = n->pos;
        C->name = cc_ld_str(L, n, "name", 1, "contact");
        C->role = cc_ld_str(L, n, "role", 0, "contact");
        C->organisation = cc_ld_str(L, n, "organisation", 0, "contact");
        C->email = cc_ld_str(L, n, "email", 0, "contact");
        C->phone = cc_ld_str(L, n, "phone", 0, "contact");
    }
}

void cc_ld_load_overview(cc_ld *L, const cc_ynode *ex)
{
    cc_scenario *s = cc_ld_scenario(L);
    s->scope = cc_ld_str(L, ex, "scope", 0, "exercise");
    s->sponsor = cc_ld_str(L, ex, "sponsor", 0, "exercise");
    s->mission_areas = cc_ld_strs(L, ex, "mission_areas", 0, 0, "exercise");
    no_duplicates(L, &s->mission_areas, "exercise 'mission_areas'");
    s->organisations = cc_ld_strs(L, ex, "organisations", 0, 0, "exercise");
    no_duplicates(L, &s->organisations, "exercise 'organisations'");
    load_contacts(L, ex);
}

/* ---- seats ------------------------------------------------------------------------------- */

void cc_ld_load_seat_kind(cc_ld *L, const cc_ynode *n, cc_seat *S)
{
    static const char *const kinds[] = {"player", "evaluator", NULL};
    S->evaluator = cc_ld_enum(L, n, "kind", 0, kinds, 0, "seat", &S->kind_pos) == 1;
    if (!S->evaluator)
        return;
    cc_ld_scenario(L)->nevaluators++;
    static const char *const play[] = {"agent", "duty", NULL};
    for (size_t k = 0; play[k]; k++) {
        const cc_ynode *v = cc_ytree_get(n, play[k]);
        if (v)
            cc_ld_err(L, v->pos, "evaluator-in-play", "an evaluator observes; remove the key",
                      "evaluator seat has '%s': an evaluator never acts in play", play[k]);
    }
}

/* ---- evaluation guides ------------------------------------------------------------------- */

static void load_when(cc_ld *L, const cc_ynode *task, cc_ewhen *w)
{
    memset(w, 0, sizeof *w);
    w->index = -1;
    cc_ynode *n = cc_ld_field(L, task, "when", 0, "critical task");
    if (!n || !cc_ld_is_map(L, n, "critical task 'when'"))
        return;
    static const char *const keys[] = {"inject",     "decision", "consultation", "stage", "phase",
                                       "stage_kind", NULL};
    cc_ld_check_keys(L, n, "critical task 'when'", keys);
    w->pos = n->pos;
    static const char *const one[] = {"inject", "decision", "consultation", "phase", "stage_kind"};
    static const cc_ewhen_kind kinds[] = {CC_EW_INJECT, CC_EW_DECISION, CC_EW_CONSULTATION, CC_EW_PHASE,
                                          CC_EW_STAGE_KIND};
    size_t given = 0;
    for (size_t k = 0; k < sizeof one / sizeof one[0]; k++) {
        if (!cc_ytree_get(n, one[k]))
            continue;
        given++;
        w->kind = kinds[k];
        if (kinds[k] == CC_EW_STAGE_KIND) {
            const char *names[CC_STAGE_COUNT + 1];
            for (int i = 0; i < CC_STAGE_COUNT; i++)
                names[i] = cc_stage_kind_name((cc_stage_kind)i);
            names[CC_STAGE_COUNT] = NULL;
            w->stage_kind = (cc_stage_kind)cc_ld_enum(L, n, "stage_kind", 1, names, 0, "critical task 'when'",
                                                      &w->ref_pos);
        } else {
            w->ref = cc_ld_id(L, n, one[k], 1, "critical task 'when'", &w->ref_pos);
        }
    }
    if (given != 1) {
        cc_ld_err(L, n->pos, "bad-when", "e.g. {inject: I-01} or {consultation: C-1, stage: acknowledge}",
                  "critical task 'when' needs exactly one of inject, decision, consultation, phase and "
                  "stage_kind (%zu given)",
                  given);
        w->kind = CC_EW_NONE;
    }
    if (cc_ytree_get(n, "stage")) {
        w->stage = cc_ld_id(L, n, "stage", 0, "critical task 'when'", &w->stage_pos);
        if (w->kind != CC_EW_CONSULTATION)
            cc_ld_err(L, w->stage_pos, "bad-when", "use stage_kind for a stage of any consultation",
                      "critical task 'when': 'stage' applies to a consultation");
    }
}

static void load_tasks(cc_ld *L, const cc_ynode *tn, cc_ctarget *T)
{
    cc_ynode *ln = cc_ld_field(L, tn, "critical_tasks", 1, "capability target");
    if (!ln || !cc_ld_is_seq(L, ln, "capability target 'critical_tasks'"))
        return;
    if (ln->n == 0)
        cc_ld_err(L, ln->pos, "empty", NULL, "capability target '%s' needs at least one critical task",
                  T->id ? T->id : "?");
    T->tasks = cc_ld_alloc(L, ln->n, sizeof *T->tasks);
    for (size_t i = 0; T->tasks && i < ln->n; i++) {
        const cc_ynode *n = ln->items[i];
        if (!cc_ld_is_map(L, n, "critical task"))
            continue;
        static const char *const keys[] = {"id", "text", "observe", "when", NULL};
        cc_ld_check_keys(L, n, "critical task", keys);
        cc_ctask *K = &T->tasks[T->ntasks++];
        K->pos = n->pos;
        K->id = cc_ld_id(L, n, "id", 1, "critical task", NULL);
        K->text = cc_ld_str(L, n, "text", 1, "critical task");
        K->observe = cc_ld_str(L, n, "observe", 0, "critical task");
        load_when(L, n, &K->when);
    }
}

static void load_targets(cc_ld *L, const cc_ynode *gn, cc_guide *G)
{
    cc_ynode *ln = cc_ld_field(L, gn, "capability_targets", 1, "evaluation guide");
    if (!ln || !cc_ld_is_seq(L, ln, "evaluation guide 'capability_targets'"))
        return;
    if (ln->n == 0)
        cc_ld_err(L, ln->pos, "empty", NULL, "evaluation guide '%s' needs at least one capability target",
                  G->id ? G->id : "?");
    G->targets = cc_ld_alloc(L, ln->n, sizeof *G->targets);
    for (size_t i = 0; G->targets && i < ln->n; i++) {
        const cc_ynode *n = ln->items[i];
        if (!cc_ld_is_map(L, n, "capability target"))
            continue;
        static const char *const keys[] = {"id", "text", "critical_tasks", NULL};
        cc_ld_check_keys(L, n, "capability target", keys);
        cc_ctarget *T = &G->targets[G->ntargets++];
        T->pos = n->pos;
        T->id = cc_ld_id(L, n, "id", 1, "capability target", NULL);
        T->text = cc_ld_str(L, n, "text", 1, "capability target");
        load_tasks(L, n, T);
    }
}

static cc_ynode *section(cc_ld *L, const cc_ynode *root, const char *key)
{
    cc_ynode *n = cc_ld_field(L, root, key, 0, "scenario");
    return n && cc_ld_is_seq(L, n, key) ? n : NULL;
}

static void load_guides(cc_ld *L, const cc_ynode *root)
{
    cc_scenario *s = cc_ld_scenario(L);
    cc_ynode *sec = section(L, root, "evaluation_guides");
    if (!sec)
        return;
    s->guides = cc_ld_alloc(L, sec->n, sizeof *s->guides);
    for (size_t i = 0; s->guides && i < sec->n; i++) {
        const cc_ynode *n = sec->items[i];
        if (!cc_ld_is_map(L, n, "evaluation guide"))
            continue;
        static const char *const keys[] = {"id",         "objective",          "label",
                                           "evaluators", "capability_targets", NULL};
        cc_ld_check_keys(L, n, "evaluation guide", keys);
        cc_guide *G = &s->guides[s->nguides++];
        G->pos = n->pos;
        G->objective_index = -1;
        G->id = cc_ld_id(L, n, "id", 1, "evaluation guide", NULL);
        G->objective = cc_ld_id(L, n, "objective", 1, "evaluation guide", &G->objective_pos);
        cc_ld_label(L, n, "label", cc_ld_control_party(L), &G->label, "evaluation guide");
        G->evaluators = cc_ld_strs(L, n, "evaluators", 0, 1, "evaluation guide");
        load_targets(L, n, G);
    }
}

/* ---- questionnaires ---------------------------------------------------------------------- */

static void load_options(cc_ld *L, const cc_ynode *qn, cc_question *Q)
{
    cc_ynode *on = cc_ld_field(L, qn, "options", Q->kind == CC_Q_CHOICE, "question");
    if (!on)
        return;
    if (Q->kind != CC_Q_CHOICE) {
        cc_ld_err(L, on->pos, "bad-question", NULL, "question '%s': 'options' applies to a choice question",
                  Q->id ? Q->id : "?");
        return;
    }
    if (!cc_ld_is_seq(L, on, "question 'options'"))
        return;
    if (on->n < 2)
        cc_ld_err(L, on->pos, "bad-question", NULL, "choice question '%s' needs at least two options",
                  Q->id ? Q->id : "?");
    Q->options = cc_ld_alloc(L, on->n, sizeof *Q->options);
    for (size_t k = 0; Q->options && k < on->n; k++) {
        const cc_ynode *o = on->items[k];
        if (!cc_ld_is_map(L, o, "option"))
            continue;
        static const char *const keys[] = {"id", "text", NULL};
        cc_ld_check_keys(L, o, "option", keys);
        cc_option *O = &Q->options[Q->noptions];
        O->pos = o->pos;
        O->id = cc_ld_id(L, o, "id", 1, "option", NULL);
        O->text = cc_ld_str(L, o, "text", 1, "option");
        for (size_t j = 0; O->id && j < Q->noptions; j++)
            if (Q->options[j].id && strcmp(Q->options[j].id, O->id) == 0)
                cc_ld_err(L, o->pos, "duplicate-id", NULL, "question '%s': option '%s' is defined twice",
                          Q->id ? Q->id : "?", O->id);
        Q->noptions++;
    }
}

static void load_question(cc_ld *L, const cc_ynode *n, cc_question *Q)
{
    static const char *const keys[] = {"id",      "text",     "kind",     "scale",
                                       "options", "multiple", "required", NULL};
    cc_ld_check_keys(L, n, "question", keys);
    static const char *const kinds[] = {"likert", "choice", "text", NULL};
    Q->pos = n->pos;
    Q->id = cc_ld_id(L, n, "id", 1, "question", NULL);
    Q->text = cc_ld_str(L, n, "text", 1, "question");
    Q->kind = (cc_qkind)cc_ld_enum(L, n, "kind", 1, kinds, CC_Q_TEXT, "question", NULL);
    Q->required = cc_ld_bool(L, n, "required", 0, "question") != 0;
    Q->multiple = cc_ld_bool(L, n, "multiple", 0, "question") != 0;
    Q->scale = 5;
    const cc_ynode *sc = cc_ytree_get(n, "scale");
    double v;
    if (sc && Q->kind != CC_Q_LIKERT)
        cc_ld_err(L, sc->pos, "bad-question", NULL, "question '%s': 'scale' applies to a likert question",
                  Q->id ? Q->id : "?");
    else if (sc && cc_ld_number(L, n, "scale", 0, 3, 10, &v, "question")) {
        if (v != floor(v))
            cc_ld_err(L, sc->pos, "range", NULL, "question 'scale' must be a whole number of points");
        Q->scale = (int)v;
    }
    const cc_ynode *mu = cc_ytree_get(n, "multiple");
    if (mu && Q->kind != CC_Q_CHOICE)
        cc_ld_err(L, mu->pos, "bad-question", NULL, "question '%s': 'multiple' applies to a choice question",
                  Q->id ? Q->id : "?");
    load_options(L, n, Q);
}

static void load_send(cc_ld *L, const cc_ynode *n, cc_questionnaire *Q)
{
    Q->send_phase_index = -1;
    cc_ynode *v = cc_ld_field(L, n, "send", 1, "questionnaire");
    if (!v)
        return;
    Q->send_pos = v->pos;
    const char *t = cc_ld_id(L, n, "send", 1, "questionnaire", NULL);
    if (!t)
        return;
    if (strcmp(t, "end") == 0)
        Q->send_end = true;
    else
        Q->send_phase = t;
}

static void load_questionnaires(cc_ld *L, const cc_ynode *root)
{
    cc_scenario *s = cc_ld_scenario(L);
    cc_ynode *sec = section(L, root, "questionnaires");
    if (!sec)
        return;
    s->questionnaires = cc_ld_alloc(L, sec->n, sizeof *s->questionnaires);
    for (size_t i = 0; s->questionnaires && i < sec->n; i++) {
        const cc_ynode *n = sec->items[i];
        if (!cc_ld_is_map(L, n, "questionnaire"))
            continue;
        static const char *const keys[] = {"id", "title", "label", "to", "send", "questions", NULL};
        cc_ld_check_keys(L, n, "questionnaire", keys);
        cc_questionnaire *Q = &s->questionnaires[s->nquestionnaires++];
        Q->pos = n->pos;
        Q->id = cc_ld_id(L, n, "id", 1, "questionnaire", NULL);
        Q->title = cc_ld_str(L, n, "title", 1, "questionnaire");
        cc_ld_label(L, n, "label", cc_ld_control_party(L), &Q->label, "questionnaire");
        Q->to = cc_ld_refs(L, n, "to", 0, "questionnaire");
        load_send(L, n, Q);
        cc_ynode *qn = cc_ld_field(L, n, "questions", 1, "questionnaire");
        if (!qn || !cc_ld_is_seq(L, qn, "questionnaire 'questions'"))
            continue;
        if (qn->n == 0)
            cc_ld_err(L, qn->pos, "empty", NULL, "questionnaire '%s' needs at least one question",
                      Q->id ? Q->id : "?");
        Q->questions = cc_ld_alloc(L, qn->n, sizeof *Q->questions);
        for (size_t k = 0; Q->questions && k < qn->n; k++) {
            if (!cc_ld_is_map(L, qn->items[k], "question"))
                continue;
            cc_question *q = &Q->questions[Q->nquestions];
            load_question(L, qn->items[k], q);
            for (size_t j = 0; q->id && j < Q->nquestions; j++)
                if (Q->questions[j].id && strcmp(Q->questions[j].id, q->id) == 0)
                    cc_ld_err(L, q->pos, "duplicate-id", NULL,
                              "questionnaire '%s': question '%s' is defined twice", Q->id ? Q->id : "?",
                              q->id);
            Q->nquestions++;
        }
    }
}

/* ---- scoring models ---------------------------------------------------------------------- */

static void load_criteria(cc_ld *L, const cc_ynode *mn, cc_scoring *M)
{
    cc_ynode *cn = cc_ld_field(L, mn, "criteria", 1, "scoring model");
    if (!cn || !cc_ld_is_seq(L, cn, "scoring model 'criteria'"))
        return;
    if (cn->n == 0)
        cc_ld_err(L, cn->pos, "empty", NULL, "scoring model '%s' needs at least one criterion",
                  M->id ? M->id : "?");
    M->criteria = cc_ld_alloc(L, cn->n, sizeof *M->criteria);
    for (size_t k = 0; M->criteria && k < cn->n; k++) {
        const cc_ynode *n = cn->items[k];
        if (!cc_ld_is_map(L, n, "criterion"))
            continue;
        static const char *const keys[] = {"id", "text", "weight", "max", NULL};
        cc_ld_check_keys(L, n, "criterion", keys);
        cc_criterion *C = &M->criteria[M->ncriteria];
        C->pos = n->pos;
        C->id = cc_ld_id(L, n, "id", 1, "criterion", NULL);
        C->text = cc_ld_str(L, n, "text", 1, "criterion");
        C->weight = 1;
        C->max = 5;
        double v;
        const cc_ynode *w = cc_ytree_get(n, "weight");
        if (w && cc_ld_number(L, n, "weight", 0, 0, 1e6, &v, "criterion")) {
            if (v <= 0)
                cc_ld_err(L, w->pos, "range", NULL, "criterion 'weight' must be greater than 0");
            else
                C->weight = v;
        }
        const cc_ynode *mx = cc_ytree_get(n, "max");
        if (mx && cc_ld_number(L, n, "max", 0, 1, 100, &v, "criterion")) {
            if (v != floor(v))
                cc_ld_err(L, mx->pos, "range", NULL, "criterion 'max' must be a whole number");
            C->max = (int)v;
        }
        for (size_t j = 0; C->id && j < M->ncriteria; j++)
            if (M->criteria[j].id && strcmp(M->criteria[j].id, C->id) == 0)
                cc_ld_err(L, n->pos, "duplicate-id", NULL,
                          "scoring model '%s': criterion '%s' is defined twice", M->id ? M->id : "?", C->id);
        M->ncriteria++;
    }
}

static void load_scoring(cc_ld *L, const cc_ynode *root)
{
    cc_scenario *s = cc_ld_scenario(L);
    cc_ynode *sec = section(L, root, "scoring");
    if (!sec)
        return;
    s->scorings = cc_ld_alloc(L, sec->n, sizeof *s->scorings);
    for (size_t i = 0; s->scorings && i < sec->n; i++) {
        const cc_ynode *n = sec->items[i];
        if (!cc_ld_is_map(L, n, "scoring model"))
            continue;
        static const char *const keys[] = {"id", "title", "label", "teams", "moves", "criteria", NULL};
        cc_ld_check_keys(L, n, "scoring model", keys);
        cc_scoring *M = &s->scorings[s->nscorings++];
        M->pos = n->pos;
        M->id = cc_ld_id(L, n, "id", 1, "scoring model", NULL);
        M->title = cc_ld_str(L, n, "title", 1, "scoring model");
        cc_ld_label(L, n, "label", cc_ld_control_party(L), &M->label, "scoring model");
        M->teams = cc_ld_refs(L, n, "teams", 1, "scoring model");
        M->moves = cc_ld_strs(L, n, "moves", 0, 1, "scoring model");
        no_duplicates(L, &M->moves, "scoring model 'moves'");
        load_criteria(L, n, M);
    }
}

void cc_ld_load_evaluation(cc_ld *L, const cc_ynode *root)
{
    load_guides(L, root);
    load_questionnaires(L, root);
    load_scoring(L, root);
}
