/* report_eval — the after-action report's evaluation (docs/report.md): under each objective the
 * evaluation guides' capability targets and critical tasks, the evaluators' observations, ratings
 * and the evidence they cite; the evaluators' strengths and areas for improvement; participant
 * feedback aggregated per question and party; team scores against control's reference. What the
 * reader sees was decided by report_scan through core/view. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ctime.h"
#include "core/evaluation.h"
#include "core/scenario_model.h"
#include "report/report_build.h"
#include "report/report_int.h"

static void extend_new(json_t *arr, json_t *more)
{
    json_array_extend(arr, more);
    json_decref(more);
}

/* The evidence of an observation as "#12, #31" into b (reset first). */
static const char *evidence_text(const json_t *p, cc_buf *b)
{
    cc_buf_reset(b);
    size_t k;
    const json_t *v;
    json_array_foreach(json_object_get(p, "evidence"), k, v)
    {
        cc_buf_printf(b, "%s#%" JSON_INTEGER_FORMAT, k ? ", " : "", json_integer_value(v));
    }
    return b->data ? b->data : "";
}

/* Evaluator observations the reader may see, in the objectives' section. */
void cc_rb_observations_table(rep *r, cc_rsec *x)
{
    static const char *const cols[] = {"objective",      "observation", "observed", "recorded", "evaluator",
                                       "target / task",  "kind",        "rating",   "text",     "root cause",
                                       "recommendation", "evidence",    NULL};
    json_t *rows = cc_rsec_table(x, "observations", "Evaluator observations", cols);
    /* HTML: each "#N" of the evidence column links to event N's row of the evidence table */
    json_object_set_new(json_array_get(x->tables, json_array_size(x->tables) - 1), "links",
                        json_pack("{s:i,s:s}", "column", 11, "anchor", "ev-"));
    cc_buf b;
    cc_buf_init(&b);
    for (size_t i = 0; i < r->nevals; i++) {
        const eval_ev *E = &r->evals[i];
        if (E->type != CC_EV_EVAL_OBSERVATION)
            continue;
        cc_rsec_label(x, &E->label, E->label_ok);
        const json_t *p = E->p;
        char tt[200];
        snprintf(tt, sizeof tt, "%s%s%s", cc_rep_pstr_or(p, "target", ""),
                 cc_rep_pstr(p, "task") ? " / " : "", cc_rep_pstr_or(p, "task", ""));
        json_int_t om = json_integer_value(json_object_get(p, "observed_ms"));
        json_array_append_new(
            rows, json_pack("[o,o,o,o,o,s,o,o,o,o,o,s]", cc_rjs(cc_rep_pstr(p, "objective")),
                            cc_rjs(cc_rep_pstr(p, "observation")), cc_rjt(om), cc_rjt(E->t), cc_rjs(E->actor),
                            tt, cc_rjs(cc_rep_pstr(p, "kind")), cc_rjs(cc_rep_pstr(p, "rating")),
                            cc_rjs(cc_rep_pstr(p, "text")), cc_rjs(cc_rep_pstr(p, "root_cause")),
                            cc_rjs(cc_rep_pstr(p, "recommendation")), evidence_text(p, &b)));
    }
    cc_buf_free(&b);
}

/* The evidence events the observations cite, each with the observation citing it. */
void cc_rb_observation_evidence(const rep *r, cc_rsec *x)
{
    static const char *const cols[] = {"observation", "event", "time", "type", "actor", "item", NULL};
    json_t *rows = cc_rsec_table(x, "observation-evidence", "Evidence cited by the observations", cols);
    /* HTML: the first row of each event is its anchor ("ev-N"), the target of the observations' links */
    json_t *anchors = json_array();
    json_object_set_new(json_array_get(x->tables, json_array_size(x->tables) - 1), "row_ids", anchors);
    json_t *seen = json_object();
    for (size_t i = 0; i < r->nevals; i++) {
        const eval_ev *E = &r->evals[i];
        size_t k;
        const json_t *v;
        if (E->type != CC_EV_EVAL_OBSERVATION)
            continue;
        json_array_foreach(json_object_get(E->p, "evidence"), k, v)
        {
            uint64_t seq = (uint64_t)json_integer_value(v);
            char id[32];
            snprintf(id, sizeof id, "ev-%" PRIu64, seq);
            json_array_append_new(anchors, json_string(json_object_get(seen, id) ? "" : id));
            json_object_set_new(seen, id, json_true());
            const evbrief *e = cc_rep_evidence(r, seq);
            const char *obs = cc_rep_pstr_or(E->p, "observation", "?");
            if (!e || !e->visible)
                json_array_append_new(rows, json_pack("[s,I,n,s,n,n]", obs, (json_int_t)seq,
                                                      e ? "not releasable to this seat" : "not in the log"));
            else
                json_array_append_new(rows, json_pack("[s,I,o,o,o,o]", obs, (json_int_t)seq, cc_rjt(e->t),
                                                      cc_rjs(e->type), cc_rjs(e->actor), cc_rjs(e->item)));
        }
    }
    json_decref(seen);
}

/* A critical task's 'when' as text: "consultation C-1, stage ack", "phase p1", ... */
static const char *when_text(const cc_ewhen *w, char *buf, size_t size)
{
    switch (w->kind) {
    case CC_EW_NONE: snprintf(buf, size, "%s", ""); break;
    case CC_EW_INJECT: snprintf(buf, size, "inject %s", w->ref); break;
    case CC_EW_DECISION: snprintf(buf, size, "decision %s", w->ref); break;
    case CC_EW_CONSULTATION:
        snprintf(buf, size, "consultation %s%s%s", w->ref, w->stage ? ", stage " : "",
                 w->stage ? w->stage : "");
        break;
    case CC_EW_PHASE: snprintf(buf, size, "phase %s", w->ref); break;
    case CC_EW_STAGE_KIND: snprintf(buf, size, "any %s stage", cc_stage_kind_name(w->stage_kind)); break;
    }
    return buf;
}

/* Each evaluator's last rating of objective's target (and task, when not NULL) among the observations
 * the reader may see: "evaluator M" ("" when none), into b. */
static const char *target_ratings(const rep *r, const char *objective, const char *target, const char *task,
                                  cc_buf *b)
{
    cc_buf_reset(b);
    for (size_t si = 0; si < r->s->nseats; si++) {
        const char *last = NULL;
        for (size_t i = 0; i < r->nevals; i++) {
            const eval_ev *E = &r->evals[i];
            const json_t *p = E->p;
            if (E->type == CC_EV_EVAL_OBSERVATION && E->seat == (int)si && cc_rep_pstr(p, "rating") &&
                !strcmp(cc_rep_pstr_or(p, "objective", ""), objective) &&
                !strcmp(cc_rep_pstr_or(p, "target", ""), target) &&
                (!task || !strcmp(cc_rep_pstr_or(p, "task", ""), task)))
                last = cc_rep_pstr(p, "rating");
        }
        if (last)
            cc_buf_printf(b, "%s%s %s", b->len ? ", " : "", r->s->seats[si].id, last);
    }
    return b->data ? b->data : "";
}

/* The observations the reader may see of a guide's target (and task, when not NULL). */
static size_t observations_of(const rep *r, const char *objective, const char *target, const char *task)
{
    size_t n = 0;
    for (size_t i = 0; i < r->nevals; i++) {
        const json_t *p = r->evals[i].p;
        n += r->evals[i].type == CC_EV_EVAL_OBSERVATION &&
             !strcmp(cc_rep_pstr_or(p, "objective", ""), objective) &&
             !strcmp(cc_rep_pstr_or(p, "target", ""), target) &&
             (!task || !strcmp(cc_rep_pstr_or(p, "task", ""), task));
    }
    return n;
}

/* The capability targets and critical tasks of the guides the reader may read: control, and an
 * evaluator whose clearance reads the guide's label. */
void cc_rb_guides_table(const rep *r, cc_rsec *x)
{
    const cc_scenario *s = r->s;
    static const char *const cols[] = {"objective",
                                       "guide",
                                       "capability target",
                                       "critical task",
                                       "what to observe",
                                       "when",
                                       "observations",
                                       "evaluator ratings",
                                       NULL};
    json_t *rows =
        cc_rsec_table(x, "guides", "Evaluation guides: capability targets and critical tasks", cols);
    cc_buf rb;
    cc_buf_init(&rb);
    for (size_t g = 0; g < s->nguides; g++) {
        const cc_guide *G = &s->guides[g];
        if (r->viewer >= 0 && !((s->seats[r->viewer].evaluator || s->seats[r->viewer].control) &&
                                cc_scenario_seat_reads(s, (size_t)r->viewer, &G->label)))
            continue; /* a guide is the evaluators' and control's: a player's report has none */
        cc_rsec_label(x, &G->label.label, G->label.valid);
        for (size_t t = 0; t < G->ntargets; t++) {
            const cc_ctarget *T = &G->targets[t];
            char tt[600], w[200];
            snprintf(tt, sizeof tt, "%s: %s", T->id, T->text ? T->text : "");
            json_array_append_new(rows,
                                  json_pack("[o,s,s,s,s,s,I,s]", cc_rjs(G->objective), G->id, tt, "", "", "",
                                            (json_int_t)observations_of(r, G->objective, T->id, NULL),
                                            target_ratings(r, G->objective, T->id, NULL, &rb)));
            for (size_t k = 0; k < T->ntasks; k++) {
                const cc_ctask *K = &T->tasks[k];
                char kt[600];
                snprintf(kt, sizeof kt, "%s: %s", K->id, K->text ? K->text : "");
                json_array_append_new(rows,
                                      json_pack("[o,s,s,s,o,s,I,s]", cc_rjs(G->objective), G->id, T->id, kt,
                                                cc_rjs(K->observe), when_text(&K->when, w, sizeof w),
                                                (json_int_t)observations_of(r, G->objective, T->id, K->id),
                                                target_ratings(r, G->objective, T->id, K->id, &rb)));
            }
        }
    }
    cc_buf_free(&rb);
}

/* Each evaluator's last rating of objective o ("obs-usa P, obs-kor S"; "" when none) into b. */
const char *cc_rb_evaluator_ratings(const rep *r, const char *objective, cc_buf *b)
{
    cc_buf_reset(b);
    for (size_t si = 0; si < r->s->nseats; si++) {
        const char *last = NULL;
        for (size_t i = 0; i < r->nevals; i++) {
            const eval_ev *E = &r->evals[i];
            if (E->type == CC_EV_EVAL_OBSERVATION && E->seat == (int)si && cc_rep_pstr(E->p, "rating") &&
                !strcmp(cc_rep_pstr_or(E->p, "objective", ""), objective))
                last = cc_rep_pstr(E->p, "rating");
        }
        if (last)
            cc_buf_printf(b, "%s%s %s", b->len ? ", " : "", r->s->seats[si].id, last);
    }
    return b->data ? b->data : "";
}

/* The last answer of each seat to questionnaire q (NULL where none): ans[seat]. */
static void last_answers(const rep *r, const char *q, const eval_ev **ans)
{
    for (size_t i = 0; i < r->s->nseats; i++)
        ans[i] = NULL;
    for (size_t i = 0; i < r->nevals; i++) {
        const eval_ev *E = &r->evals[i];
        if (E->type == CC_EV_FEEDBACK_ANSWER && E->seat >= 0 &&
            !strcmp(cc_rep_pstr_or(E->p, "questionnaire", ""), q))
            ans[E->seat] = E;
    }
}

/* Whether an answer value v (an integer, an option id or a list of them) is point/option want. */
static bool answer_is(const json_t *v, const cc_question *k, size_t want)
{
    if (k->kind == CC_Q_LIKERT)
        return json_is_integer(v) && json_integer_value(v) == (json_int_t)want + 1;
    const char *id = k->options[want].id;
    if (json_is_string(v))
        return !strcmp(json_string_value(v), id);
    size_t i;
    const json_t *e;
    json_array_foreach(v, i, e)
    {
        if (json_is_string(e) && !strcmp(json_string_value(e), id)) return true;
    }
    return false;
}

/* One question's distribution (likert, choice) or its answers (text). */
static void question_table(rep *r, cc_rsec *x, const cc_questionnaire *Q, const cc_question *k,
                           const eval_ev **ans)
{
    const cc_scenario *s = r->s;
    char id[200], title[600];
    snprintf(id, sizeof id, "%s-%s", Q->id, k->id);
    snprintf(title, sizeof title, "%s %s: %s", Q->id, k->id, k->text ? k->text : "");
    if (k->kind == CC_Q_TEXT) {
        static const char *const tc[] = {"party", "answer", NULL};
        json_t *rows = cc_rsec_table(x, id, title, tc);
        for (size_t si = 0; si < s->nseats; si++) {
            const char *t =
                ans[si] ? json_string_value(json_object_get(json_object_get(ans[si]->p, "answers"), k->id))
                        : NULL;
            if (t)
                json_array_append_new(rows, json_pack("[o,s]", cc_rjs(s->seats[si].party), t));
        }
        return;
    }
    json_t *cols = json_pack("[s,s]", "answer", "all parties");
    for (size_t pi = 0; pi < s->nparties; pi++)
        json_array_append_new(cols, cc_rjs(s->parties[pi].id));
    json_t *rows = cc_rsec_table_dyn(x, id, title, cols);
    size_t n = k->kind == CC_Q_LIKERT ? (size_t)k->scale : k->noptions;
    double sum = 0, cnt = 0;
    for (size_t w = 0; w < n; w++) {
        char a[200];
        if (k->kind == CC_Q_LIKERT)
            snprintf(a, sizeof a, "%zu", w + 1);
        else
            snprintf(a, sizeof a, "%s", k->options[w].text ? k->options[w].text : k->options[w].id);
        json_int_t all = 0;
        json_t *row = json_pack("[s,i]", a, 0);
        for (size_t pi = 0; pi < s->nparties; pi++) {
            json_int_t c = 0;
            for (size_t si = 0; si < s->nseats; si++)
                if (ans[si] && s->seats[si].party_index == (int)pi &&
                    answer_is(json_object_get(json_object_get(ans[si]->p, "answers"), k->id), k, w))
                    c++;
            json_array_append_new(row, json_integer(c));
        }
        for (size_t si = 0; si < s->nseats; si++)
            if (ans[si] && answer_is(json_object_get(json_object_get(ans[si]->p, "answers"), k->id), k, w))
                all++;
        json_array_set_new(row, 1, json_integer(all));
        sum += (double)all * (double)(w + 1);
        cnt += (double)all;
        json_array_append_new(rows, row);
    }
    if (k->kind == CC_Q_LIKERT && cnt > 0) {
        char m[64];
        snprintf(m, sizeof m, "Mean %.2f of %d (%.0f answers).", sum / cnt, k->scale, cnt);
        cc_rsec_note(x, m);
    }
}

void cc_rb_build_feedback(rep *r, json_t *secs, cc_label *doc, bool *inv)
{
    const cc_scenario *s = r->s;
    cc_rsec x;
    cc_rsec_init(r, &x, "feedback", "Participant feedback");
    cc_rsec_intro(
        &x, "The questionnaires sent to the seats and their answers (each seat's last answer counts), by "
            "party: a distribution per rated or choice question, the answers under each text question.");
    const eval_ev **ans = calloc(s->nseats ? s->nseats : 1, sizeof *ans);
    if (!s->nquestionnaires)
        cc_rsec_intro(&x, "The scenario defines no questionnaire.");
    for (size_t q = 0; ans && q < s->nquestionnaires; q++) {
        const cc_questionnaire *Q = &s->questionnaires[q];
        int64_t sent = -1;
        for (size_t i = 0; i < r->nevals; i++)
            if (r->evals[i].type == CC_EV_FEEDBACK_OPEN &&
                !strcmp(cc_rep_pstr_or(r->evals[i].p, "questionnaire", ""), Q->id))
                sent = r->evals[i].t;
        last_answers(r, Q->id, ans);
        size_t n = 0;
        for (size_t si = 0; si < s->nseats; si++)
            if (ans[si]) {
                n++;
                cc_rsec_label(&x, &ans[si]->label, ans[si]->label_ok);
            }
        size_t asked = 0;
        for (size_t si = 0; si < s->nseats; si++)
            asked += cc_eval_asks(s, Q, si);
        char k[300], v[200], tb[48];
        snprintf(k, sizeof k, "%s (%s)", Q->title ? Q->title : Q->id, Q->id);
        cc_report_tfmt(sent, tb, sizeof tb);
        if (sent < 0 && !n)
            snprintf(v, sizeof v, "never sent (%zu seat%s to ask)", asked, asked == 1 ? "" : "s");
        else
            snprintf(v, sizeof v, "sent %s to %zu seat%s, %zu answered", sent < 0 ? "(not seen)" : tb, asked,
                     asked == 1 ? "" : "s", n);
        cc_rsec_fact(&x, k, cc_rjs(v));
        if (!n)
            continue;
        cc_rsec_label(&x, &Q->label.label, Q->label.valid);
        for (size_t qi = 0; qi < Q->nquestions; qi++)
            question_table(r, &x, Q, &Q->questions[qi], ans);
    }
    free(ans);
    cc_rsec_done(r, &x, secs, doc, inv);
}

/* The weighted score in percent of a submission to model M; false when a criterion is missing. */
static bool submission_score(const cc_scoring *M, const json_t *p, int *sc, double *pct)
{
    const json_t *o = json_object_get(p, "scores");
    for (size_t c = 0; c < M->ncriteria; c++) {
        const json_t *v = json_object_get(o, M->criteria[c].id);
        if (!json_is_integer(v))
            return false;
        sc[c] = (int)json_integer_value(v);
    }
    *pct = cc_eval_weighted(M, sc);
    return true;
}

/* One move of model M: each team's last submission, control's reference, the differences. */
static void score_move(rep *r, cc_rsec *x, json_t *rows, size_t m, const char *move)
{
    const cc_scoring *M = &r->s->scorings[m];
    const eval_ev *last[64], *ref = NULL;
    const char *team[64];
    bool ctl[64]; /* control's assessment of the team (not the team's own submission) */
    size_t nt = 0;
    for (size_t i = 0; i < r->nevals; i++) {
        const eval_ev *E = &r->evals[i];
        if (E->type != CC_EV_SCORE_SUBMIT || strcmp(cc_rep_pstr_or(E->p, "model", ""), M->id) ||
            strcmp(cc_rep_pstr_or(E->p, "move", ""), move))
            continue;
        const char *t = cc_rep_pstr(E->p, "team");
        if (!t) {
            ref = E;
            continue;
        }
        bool by_ctl = E->seat < 0;
        size_t k = 0;
        while (k < nt && (strcmp(team[k], t) || ctl[k] != by_ctl))
            k++;
        if (k == nt && nt < 64) {
            team[nt] = t;
            ctl[nt++] = by_ctl;
        }
        if (k < 64)
            last[k] = E;
    }
    int sc[64];
    double pct[64], refpct = 0, mean = 0;
    bool has_ref = ref && M->ncriteria <= 64 && submission_score(M, ref->p, sc, &refpct);
    size_t nok = 0;
    for (size_t k = 0; k < nt; k++)
        if (M->ncriteria <= 64 && submission_score(M, last[k]->p, sc, &pct[k])) {
            if (!ctl[k]) { /* the mean of the teams is of their own submissions */
                mean += pct[k];
                nok++;
            }
        } else {
            pct[k] = -1;
        }
    mean = nok ? mean / (double)nok : 0;
    for (size_t k = 0; k <= nt; k++) {
        const eval_ev *E = k < nt ? last[k] : ref;
        if (!E)
            continue;
        cc_rsec_label(x, &E->label, E->label_ok);
        double p = k < nt ? pct[k] : refpct;
        char who[300];
        snprintf(who, sizeof who, "%s%s", k < nt ? team[k] : "control's reference",
                 k < nt && ctl[k] ? " (control's assessment)" : "");
        json_t *row = json_pack("[s,s]", move, who);
        const json_t *o = json_object_get(E->p, "scores");
        for (size_t c = 0; c < M->ncriteria; c++)
            json_array_append(row, json_object_get(o, M->criteria[c].id)
                                       ? json_object_get(o, M->criteria[c].id)
                                       : json_null());
        char b[32], d1[32] = "", d2[32] = "";
        snprintf(b, sizeof b, "%.1f%%", p);
        if (k < nt && has_ref && p >= 0)
            snprintf(d1, sizeof d1, "%+.1f", p - refpct);
        if (k < nt && nok && p >= 0)
            snprintf(d2, sizeof d2, "%+.1f", p - mean);
        extend_new(row, json_pack("[s,o,o,s,s,o]", p >= 0 ? b : "incomplete", cc_rjs(E->actor), cc_rjt(E->t),
                                  d1, d2, cc_rjs(cc_rep_pstr(E->p, "text"))));
        json_array_append_new(rows, row);
    }
}

void cc_rb_build_scoring(rep *r, json_t *secs, cc_label *doc, bool *inv)
{
    const cc_scenario *s = r->s;
    cc_rsec x;
    cc_rsec_init(r, &x, "scoring", "Team scoring");
    cc_rsec_intro(
        &x, "Each team's last submission per move, its weighted score (the sum of weight x score over the "
            "sum of weight x maximum), and its difference in percentage points from control's reference "
            "score of the move and from the mean of the teams.");
    if (!s->nscorings)
        cc_rsec_intro(&x, "The scenario defines no scoring model.");
    for (size_t m = 0; m < s->nscorings; m++) {
        const cc_scoring *M = &s->scorings[m];
        json_t *cols = json_pack("[s,s]", "move", "team");
        for (size_t c = 0; c < M->ncriteria; c++) {
            char h[200];
            snprintf(h, sizeof h, "%s (x%g, of %d)", M->criteria[c].id, M->criteria[c].weight,
                     M->criteria[c].max);
            json_array_append_new(cols, json_string(h));
        }
        extend_new(cols, json_pack("[s,s,s,s,s,s]", "weighted", "submitted by", "at", "vs reference (pp)",
                                   "vs mean of teams (pp)", "comment"));
        char title[400];
        snprintf(title, sizeof title, "%s (%s)", M->title ? M->title : M->id, M->id);
        json_t *rows = cc_rsec_table_dyn(&x, M->id, title, cols);
        for (size_t k = 0; k < cc_eval_nmoves(s, M); k++)
            score_move(r, &x, rows, m, cc_eval_move_id(s, M, k));
    }
    cc_rsec_done(r, &x, secs, doc, inv);
}

/* Evaluators' strengths and areas for improvement, the latter proposed in the plan. */
void cc_rb_improvement_observations(rep *r, cc_rsec *x, json_t *str, json_t *area, json_t *plan, json_t *refs)
{
    for (size_t i = 0; i < r->nevals; i++) {
        const eval_ev *E = &r->evals[i];
        if (E->type != CC_EV_EVAL_OBSERVATION)
            continue;
        const char *kind = cc_rep_pstr_or(E->p, "kind", "");
        bool strength = !strcmp(kind, "strength");
        if (!strength && strcmp(kind, "improvement"))
            continue;
        cc_rsec_label(x, &E->label, E->label_ok);
        int o = cc_rep_lookup(r->obj_map, cc_rep_pstr(E->p, "objective"));
        const char *cap = o >= 0 && r->s->objectives[o].capability ? r->s->objectives[o].capability : "";
        cc_buf b;
        cc_buf_init(&b);
        cc_buf_printf(&b, "%s", cc_rep_pstr_or(E->p, "text", ""));
        if (cc_rep_pstr(E->p, "root_cause"))
            cc_buf_printf(&b, " Root cause: %s", cc_rep_pstr(E->p, "root_cause"));
        char ev[120];
        snprintf(ev, sizeof ev, "observation %s by %s", cc_rep_pstr_or(E->p, "observation", "?"),
                 E->actor ? E->actor : "?");
        json_array_append_new(strength ? str : area, json_pack("[s,s,s]", cap, b.data ? b.data : "", ev));
        if (!strength) {
            json_array_append_new(plan, json_pack("[s,s,s,s,s,s,s,s,s]", cap, b.data ? b.data : "",
                                                  cc_rep_pstr_or(E->p, "recommendation", ""), "", "", "", "",
                                                  "", "open"));
            snprintf(ev, sizeof ev, "observation:%s", cc_rep_pstr_or(E->p, "observation", "?"));
            json_array_append_new(refs, json_string(ev));
        }
        cc_buf_free(&b);
    }
}
