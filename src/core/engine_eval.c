/* engine_eval — evaluation and feedback during a run (docs/scenario-format.md, "Evaluation"):
 * evaluators' observations, questionnaires sent at a phase's end, at the hotwash or by control and
 * answered by seats, and scores teams and control submit per move. Part of the engine
 * (engine_int.h): inputs are checked here (cc_eng_eval_parse: malformed, nothing logged) and
 * carried out or refused with a reason after they are logged (cc_eng_eval_apply). */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/engine_int.h"
#include "core/evaluation.h"

/* what a run keeps of its evaluation: questionnaires sent and who was sent each */
struct cc_eng_eval {
    uint8_t *sent;         /* nquestionnaires */
    uint8_t *asked;        /* nquestionnaires x nseats: the seat was delivered the questionnaire */
    uint64_t observations; /* observations recorded, for their ids */
    int hotwash;           /* the hotwash has begun */
};

enum { EV_OBSERVE = 1, EV_ANSWER, EV_SCORE, EV_SEND, EV_HOTWASH };

static const char *const actions[] = {NULL, "observe", "answer", "score", "send", "hotwash"};

int cc_eng_eval_action(const char *act)
{
    for (int k = EV_OBSERVE; act && k <= EV_HOTWASH; k++)
        if (strcmp(act, actions[k]) == 0)
            return k;
    return 0;
}

cc_err cc_eng_eval_new(cc_engine *e)
{
    const cc_scenario *s = e->s;
    if (!s->nevaluators && !s->nquestionnaires && !s->nscorings)
        return CC_OK;
    struct cc_eng_eval *v = calloc(1, sizeof *v);
    if (!v)
        return CC_ERR_NOMEM;
    e->eval = v;
    v->sent = calloc(s->nquestionnaires + 1, 1);
    v->asked = calloc((s->nquestionnaires + 1) * (s->nseats + 1), 1);
    return v->sent && v->asked ? CC_OK : CC_ERR_NOMEM;
}

void cc_eng_eval_free(cc_engine *e)
{
    if (!e->eval)
        return;
    free(e->eval->sent);
    free(e->eval->asked);
    free(e->eval);
    e->eval = NULL;
}

void cc_eng_eval_reset(cc_engine *e)
{
    struct cc_eng_eval *v = e->eval;
    if (!v)
        return;
    memset(v->sent, 0, e->s->nquestionnaires + 1);
    memset(v->asked, 0, (e->s->nquestionnaires + 1) * (e->s->nseats + 1));
    v->observations = 0;
    v->hotwash = 0;
}

cc_err cc_eng_eval_start(cc_engine *e)
{
    const cc_scenario *s = e->s;
    for (size_t q = 0; q < s->nquestionnaires; q++) {
        int64_t ms = cc_eval_send_ms(s, &s->questionnaires[q]);
        if (ms < 0)
            continue;
        cc_err rc = cc_sched_push(&e->q, ms, K_FEEDBACK, (uint32_t)q, 0);
        if (rc)
            return rc;
    }
    return CC_OK;
}

/* ---- sending questionnaires -------------------------------------------------------------- */

/* feedback.open, then a delivery or denial for each seat it asks (by the label rule). */
static cc_err send_questionnaire(cc_engine *e, size_t q, const char *actor)
{
    const cc_scenario *s = e->s;
    const cc_questionnaire *Q = &s->questionnaires[q];
    e->eval->sent[q] = 1;
    json_t *to = NULL;
    if (!e->o.no_log) {
        cc_ref all = {CC_REF_ALL, "all", -1, {0, 0}};
        cc_refs everyone = {&all, 1, {0, 0}};
        to = cc_eng_refs_json(Q->to.n ? &Q->to : &everyone);
    }
    cc_err rc = cc_eng_emit(e, CC_EV_FEEDBACK_OPEN, actor, Q->label.text,
                            CC_LAZY(e, json_pack("{s:s,s:s,s:o}", "questionnaire", Q->id, "title", Q->title,
                                                 "to", to ? to : json_array())),
                            0, 130);
    for (size_t i = 0; i < s->nseats && rc == CC_OK; i++) {
        if (!cc_eval_asks(s, Q, i))
            continue;
        cc_deny d = cc_label_check(&Q->label.label, &s->seats[i].clearance);
        if (d == CC_DENY_NONE) {
            e->eval->asked[q * (s->nseats + 1) + i] = 1;
            e->st.deliveries++;
            rc = cc_eng_emit(e, CC_EV_DELIVERY, NULL, Q->label.text,
                             CC_LAZY(e, json_pack("{s:s,s:s,s:s}", "kind", "questionnaire", "item", Q->id,
                                                  "seat", s->seats[i].id)),
                             0, 10);
        } else {
            e->st.denials++;
            rc = cc_eng_emit(e, CC_EV_DENIAL, NULL, Q->label.text,
                             CC_LAZY(e, json_pack("{s:s,s:s,s:s,s:s}", "kind", "questionnaire", "item", Q->id,
                                                  "seat", s->seats[i].id, "reason", cc_eng_deny_code(d))),
                             0, 11);
        }
    }
    return rc;
}

cc_err cc_eng_eval_due(cc_engine *e, uint32_t q)
{
    if (!e->eval || q >= e->s->nquestionnaires || e->eval->sent[q])
        return CC_OK;
    return send_questionnaire(e, q, NULL);
}

static cc_err hotwash(cc_engine *e)
{
    const cc_scenario *s = e->s;
    struct cc_eng_eval *v = e->eval;
    v->hotwash = 1;
    json_t *ids = CC_LAZY(e, json_array());
    for (size_t q = 0; q < s->nquestionnaires; q++)
        if (!v->sent[q] && cc_eval_send_ms(s, &s->questionnaires[q]) < 0 && ids)
            json_array_append_new(ids, json_string(s->questionnaires[q].id));
    cc_err rc = cc_eng_emit(e, CC_EV_HOTWASH, "control", NULL,
                            CC_LAZY(e, json_pack("{s:o}", "questionnaires", ids)), 0, 131);
    for (size_t q = 0; q < s->nquestionnaires && rc == CC_OK; q++)
        if (!v->sent[q] && cc_eval_send_ms(s, &s->questionnaires[q]) < 0)
            rc = send_questionnaire(e, q, "control");
    return rc;
}

/* ---- parsing ----------------------------------------------------------------------------- */

#define BAD(...)                                                                                             \
    do {                                                                                                     \
        snprintf(why, whylen, __VA_ARGS__);                                                                  \
        return CC_ERR_INVALID;                                                                               \
    } while (0)

static int find_id(const char *id, const void *base, size_t n, size_t size)
{
    for (size_t i = 0; id && i < n; i++) {
        const char *x = *(const char *const *)((const char *)base + i * size);
        if (x && strcmp(x, id) == 0)
            return (int)i;
    }
    return -1;
}

/* Members allowed for each action (besides do, t and wall). */
static cc_err members(const json_t *in, int kind, char *why, size_t whylen)
{
    static const char *const allowed[][14] = {
        [EV_OBSERVE] = {"seat", "objective", "target", "task", "kind", "rating", "text", "root_cause",
                        "recommendation", "observed", "evidence", "label", NULL},
        [EV_ANSWER] = {"seat", "questionnaire", "answers", "label", NULL},
        [EV_SCORE] = {"seat", "model", "move", "team", "scores", "text", NULL},
        [EV_SEND] = {"seat", "questionnaire", NULL},
        [EV_HOTWASH] = {"seat", NULL},
    };
    const char *key;
    json_t *val;
    json_object_foreach((json_t *)in, key, val)
    {
        if (!strcmp(key, "do") || !strcmp(key, "t") || !strcmp(key, "wall"))
            continue;
        int ok = 0;
        for (size_t k = 0; allowed[kind][k] && !ok; k++)
            ok = strcmp(key, allowed[kind][k]) == 0;
        if (!ok)
            BAD("\"%s\" takes no member \"%.40s\"", actions[kind], key);
        int structured = !strcmp(key, "evidence") || !strcmp(key, "answers") || !strcmp(key, "scores");
        if (!structured && !json_is_string(val))
            BAD("\"%s\" must be a string", key);
    }
    return CC_OK;
}

static cc_err seat_of(const cc_scenario *s, const json_t *in, int required, cc_eng_eval_input *v, char *why,
                      size_t whylen)
{
    const char *seat = json_string_value(json_object_get(in, "seat"));
    v->seat = -1;
    if (!seat && required)
        BAD("\"%s\" needs \"seat\"", actions[v->kind]);
    if (seat && (v->seat = find_id(seat, s->seats, s->nseats, sizeof *s->seats)) < 0)
        BAD("\"seat\" must name a seat of the scenario");
    return CC_OK;
}

static cc_err label_of(const cc_scenario *s, const json_t *in, int originator, int required,
                       cc_eng_eval_input *v, char *why, size_t whylen)
{
    const char *banner = json_string_value(json_object_get(in, "label"));
    if (!banner) {
        if (required)
            BAD("\"%s\" needs \"label\" (a banner such as \"SECRET//REL TO USA, KOR\")", actions[v->kind]);
        return CC_OK;
    }
    cc_label_error le;
    if (cc_label_parse(s->policy, banner, strlen(banner), originator, &v->label, &le) != CC_OK)
        BAD("\"label\" column %d: %s", le.col, le.message);
    v->has_label = 1;
    return CC_OK;
}

static cc_err text_ok(const char *t, const char *name, char *why, size_t whylen)
{
    if (t && strlen(t) > CC_EVAL_TEXT_MAX)
        BAD("\"%s\" is longer than %d bytes", name, CC_EVAL_TEXT_MAX);
    return CC_OK;
}

static cc_err parse_evidence(const json_t *in, cc_eng_eval_input *v, char *why, size_t whylen)
{
    const json_t *ev = json_object_get(in, "evidence");
    if (!ev)
        return CC_OK;
    if (!json_is_array(ev) || json_array_size(ev) > CC_EVAL_EVIDENCE_MAX)
        BAD("\"evidence\" must be a list of at most %d event numbers", CC_EVAL_EVIDENCE_MAX);
    size_t k;
    json_t *x;
    json_array_foreach(ev, k, x)
    {
        if (!json_is_integer(x) || json_integer_value(x) < 0)
            BAD("\"evidence\" entry %zu must be an event number (an integer >= 0)", k + 1);
        uint64_t n = (uint64_t)json_integer_value(x);
        size_t at = 0;
        while (at < v->nevidence && v->evidence[at] < n)
            at++;
        if (at < v->nevidence && v->evidence[at] == n)
            continue; /* cited twice: once */
        memmove(&v->evidence[at + 1], &v->evidence[at], (v->nevidence - at) * sizeof v->evidence[0]);
        v->evidence[at] = n;
        v->nevidence++;
    }
    return CC_OK;
}

static cc_err parse_observe(const cc_scenario *s, const json_t *in, cc_eng_eval_input *v, char *why,
                            size_t whylen)
{
    if (seat_of(s, in, 1, v, why, whylen))
        return CC_ERR_INVALID;
    const char *obj = json_string_value(json_object_get(in, "objective"));
    if ((v->objective = find_id(obj, s->objectives, s->nobjectives, sizeof *s->objectives)) < 0)
        BAD("\"observe\" needs \"objective\": an objective of the scenario");
    int g = cc_eval_guide_of(s, v->objective);
    const char *target = json_string_value(json_object_get(in, "target"));
    const char *task = json_string_value(json_object_get(in, "task"));
    v->target = v->task = -1;
    if ((target || task) && g < 0)
        BAD("objective %s has no evaluation guide: it has no targets or tasks", obj);
    if (target && (v->target = cc_eval_target_index(&s->guides[g], target)) < 0)
        BAD("the guide of %s has no capability target \"%.64s\"", obj, target);
    if (task && !target)
        BAD("\"task\" needs its \"target\"");
    if (task && (v->task = cc_eval_task_index(&s->guides[g].targets[v->target], task)) < 0)
        BAD("capability target %s has no critical task \"%.64s\"", target, task);
    static const char *const kinds[] = {"observation", "strength", "improvement", NULL};
    const char *kind = json_string_value(json_object_get(in, "kind"));
    v->okind = "observation";
    for (size_t k = 0; kind && kinds[k]; k++)
        if (strcmp(kind, kinds[k]) == 0)
            v->okind = kinds[k];
    if (kind && strcmp(kind, v->okind) != 0)
        BAD("\"kind\" must be strength, improvement or observation");
    v->rating = json_string_value(json_object_get(in, "rating"));
    if (v->rating && (strlen(v->rating) != 1 || !strchr("PSMU", v->rating[0])))
        BAD("\"rating\" must be P, S, M or U (HSEEP)");
    v->text = json_string_value(json_object_get(in, "text"));
    v->root_cause = json_string_value(json_object_get(in, "root_cause"));
    v->recommendation = json_string_value(json_object_get(in, "recommendation"));
    if (!v->text || !*v->text)
        BAD("\"observe\" needs \"text\"");
    if ((v->root_cause || v->recommendation) && strcmp(v->okind, "improvement") != 0)
        BAD("\"root_cause\" and \"recommendation\" apply to an area for improvement (\"kind\": "
            "\"improvement\")");
    if (text_ok(v->text, "text", why, whylen) || text_ok(v->root_cause, "root_cause", why, whylen) ||
        text_ok(v->recommendation, "recommendation", why, whylen))
        return CC_ERR_INVALID;
    const char *observed = json_string_value(json_object_get(in, "observed"));
    v->observed_ms = -1;
    if (observed && cc_eng_parse_time(s, observed, "observed", &v->observed_ms, why, whylen) != CC_OK)
        return CC_ERR_INVALID;
    if (parse_evidence(in, v, why, whylen))
        return CC_ERR_INVALID;
    return label_of(s, in, s->seats[v->seat].party_index, 1, v, why, whylen);
}

static cc_err parse_answer(const cc_scenario *s, const json_t *in, cc_eng_eval_input *v, char *why,
                           size_t whylen)
{
    if (seat_of(s, in, 1, v, why, whylen))
        return CC_ERR_INVALID;
    const char *q = json_string_value(json_object_get(in, "questionnaire"));
    if ((v->questionnaire = find_id(q, s->questionnaires, s->nquestionnaires, sizeof *s->questionnaires)) < 0)
        BAD("\"answer\" needs \"questionnaire\": a questionnaire of the scenario");
    const cc_questionnaire *Q = &s->questionnaires[v->questionnaire];
    v->answers = json_object_get(in, "answers");
    if (!json_is_object(v->answers))
        BAD("\"answer\" needs \"answers\": an object of question id -> answer");
    const char *key;
    json_t *val;
    json_object_foreach((json_t *)v->answers, key, val)
    {
        int k = cc_eval_question_index(Q, key);
        if (k < 0)
            BAD("questionnaire %s has no question \"%.64s\"", Q->id, key);
        const cc_question *K = &Q->questions[k];
        if (K->kind == CC_Q_LIKERT && !json_is_integer(val))
            BAD("question %s takes an integer from 1 to %d", K->id, K->scale);
        if (K->kind == CC_Q_TEXT && !json_is_string(val))
            BAD("question %s takes a text", K->id);
        if (K->kind == CC_Q_CHOICE && !json_is_string(val) && !json_is_array(val))
            BAD("question %s takes an option id%s", K->id, K->multiple ? " or a list of them" : "");
        size_t i;
        json_t *o;
        if (json_is_array(val))
            json_array_foreach(val, i, o) if (!json_is_string(o))
                BAD("question %s: entry %zu must be an option id", K->id, i + 1);
    }
    return label_of(s, in, s->seats[v->seat].party_index, 0, v, why, whylen);
}

static cc_err parse_score(const cc_scenario *s, const json_t *in, cc_eng_eval_input *v, char *why,
                          size_t whylen)
{
    if (seat_of(s, in, 0, v, why, whylen))
        return CC_ERR_INVALID;
    const char *m = json_string_value(json_object_get(in, "model"));
    if ((v->model = find_id(m, s->scorings, s->nscorings, sizeof *s->scorings)) < 0)
        BAD("\"score\" needs \"model\": a scoring model of the scenario");
    const cc_scoring *M = &s->scorings[v->model];
    const char *move = json_string_value(json_object_get(in, "move"));
    if ((v->move = cc_eval_move_index(s, M, move)) < 0)
        BAD("\"score\" needs \"move\": a move of %s (%s)", M->id, cc_eval_move_id(s, M, 0));
    const char *team = json_string_value(json_object_get(in, "team"));
    v->team = -1;
    if (team && (v->team = cc_eval_team_index(M, team)) < 0)
        BAD("\"team\" must be one of the teams of %s, as written there (e.g. \"party:USA\")", M->id);
    v->scores = json_object_get(in, "scores");
    if (!json_is_object(v->scores))
        BAD("\"score\" needs \"scores\": an object of criterion id -> integer");
    const char *key;
    json_t *val;
    json_object_foreach((json_t *)v->scores, key, val)
    {
        if (find_id(key, M->criteria, M->ncriteria, sizeof *M->criteria) < 0)
            BAD("scoring model %s has no criterion \"%.64s\"", M->id, key);
        if (!json_is_integer(val))
            BAD("the score of %s must be an integer", key);
    }
    v->text = json_string_value(json_object_get(in, "text"));
    return text_ok(v->text, "text", why, whylen);
}

cc_err cc_eng_eval_parse(const cc_scenario *s, const json_t *in, int kind, cc_eng_eval_input *v, char *why,
                         size_t whylen)
{
    memset(v, 0, sizeof *v);
    v->kind = kind;
    v->seat = -1;
    if (members(in, kind, why, whylen))
        return CC_ERR_INVALID;
    switch (kind) {
    case EV_OBSERVE: return parse_observe(s, in, v, why, whylen);
    case EV_ANSWER: return parse_answer(s, in, v, why, whylen);
    case EV_SCORE: return parse_score(s, in, v, why, whylen);
    case EV_SEND: {
        if (seat_of(s, in, 0, v, why, whylen))
            return CC_ERR_INVALID;
        const char *q = json_string_value(json_object_get(in, "questionnaire"));
        if ((v->questionnaire =
                 find_id(q, s->questionnaires, s->nquestionnaires, sizeof *s->questionnaires)) < 0)
            BAD("\"send\" needs \"questionnaire\": a questionnaire of the scenario");
        return CC_OK;
    }
    case EV_HOTWASH: return seat_of(s, in, 0, v, why, whylen);
    }
    BAD("unknown action");
}

int cc_eng_eval_observes(const cc_eng_eval_input *v)
{
    return v->kind == EV_OBSERVE;
}

/* ---- carrying out ------------------------------------------------------------------------ */

static cc_err refuse(cc_engine *e, const char *actor, const char *reason)
{
    return cc_eng_emit(e, CC_EV_INPUT_REFUSED, actor, NULL, json_pack("{s:s}", "reason", reason), 0, 111);
}

static const char *banner(const cc_engine *e, const cc_label *l, char *buf, size_t size)
{
    cc_label_format(e->s->policy, l, buf, size);
    return buf;
}

static cc_err observe(cc_engine *e, const cc_eng_eval_input *v, const char *actor)
{
    const cc_scenario *s = e->s;
    const cc_seat *S = &s->seats[v->seat];
    char why[200];
    if (!S->evaluator)
        return refuse(e, actor, "only an evaluator seat observes");
    if (!cc_eval_may_observe(s, v->objective, (size_t)v->seat)) {
        snprintf(why, sizeof why, "the seat is not an evaluator of objective %s's guide",
                 s->objectives[v->objective].id);
        return refuse(e, actor, why);
    }
    if (!cc_label_permits(&v->label, &S->clearance))
        return refuse(e, actor, "the observation's label is one the evaluator may not read");
    if (v->observed_ms > e->now_ms)
        return refuse(e, actor, "the time observed is later than now");
    uint64_t input_seq = e->seq - 1; /* the input event, logged just before */
    for (size_t k = 0; k < v->nevidence; k++)
        if (v->evidence[k] >= input_seq) {
            snprintf(why, sizeof why, "evidence %llu is not an earlier event of the log",
                     (unsigned long long)v->evidence[k]);
            return refuse(e, actor, why);
        }
    char id[32], text[CC_LABEL_BANNER_MAX + 1];
    snprintf(id, sizeof id, "OB%llu", (unsigned long long)++e->eval->observations);
    json_t *p = NULL;
    if (!e->o.no_log) {
        const cc_guide *G = v->target >= 0 ? &s->guides[cc_eval_guide_of(s, v->objective)] : NULL;
        p = json_pack("{s:s,s:s,s:s,s:s,s:I}", "observation", id, "objective", s->objectives[v->objective].id,
                      "kind", v->okind, "text", v->text, "observed_ms",
                      (json_int_t)(v->observed_ms >= 0 ? v->observed_ms : e->now_ms));
        json_t *ev = json_array();
        for (size_t k = 0; ev && k < v->nevidence; k++)
            json_array_append_new(ev, json_integer((json_int_t)v->evidence[k]));
        if (p && ev)
            json_object_set_new(p, "evidence", ev);
        if (p && G)
            json_object_set_new(p, "target", json_string(G->targets[v->target].id));
        if (p && G && v->task >= 0)
            json_object_set_new(p, "task", json_string(G->targets[v->target].tasks[v->task].id));
        if (p && v->rating)
            json_object_set_new(p, "rating", json_string(v->rating));
        if (p && v->root_cause)
            json_object_set_new(p, "root_cause", json_string(v->root_cause));
        if (p && v->recommendation)
            json_object_set_new(p, "recommendation", json_string(v->recommendation));
    }
    return cc_eng_emit(e, CC_EV_EVAL_OBSERVATION, actor, banner(e, &v->label, text, sizeof text), p, 0, 132);
}

/* Why the answers do not fit questionnaire Q (values out of range, a required answer missing), or
 * NULL. */
static const char *answer_refusal(const cc_questionnaire *Q, const json_t *answers, char *buf, size_t size)
{
    for (size_t k = 0; k < Q->nquestions; k++) {
        const cc_question *K = &Q->questions[k];
        const json_t *a = json_object_get(answers, K->id);
        if (!a) {
            if (K->required) {
                snprintf(buf, size, "question %s needs an answer", K->id);
                return buf;
            }
            continue;
        }
        if (K->kind == CC_Q_LIKERT && (json_integer_value(a) < 1 || json_integer_value(a) > K->scale)) {
            snprintf(buf, size, "question %s takes 1 to %d", K->id, K->scale);
            return buf;
        }
        if (K->kind == CC_Q_TEXT && strlen(json_string_value(a)) > CC_EVAL_ANSWER_MAX) {
            snprintf(buf, size, "the answer to %s is longer than %d bytes", K->id, CC_EVAL_ANSWER_MAX);
            return buf;
        }
        if (K->kind != CC_Q_CHOICE)
            continue;
        if (json_is_array(a) && !K->multiple) {
            snprintf(buf, size, "question %s takes one option", K->id);
            return buf;
        }
        size_t n = json_is_array(a) ? json_array_size(a) : 1;
        if (n == 0 && K->required) {
            snprintf(buf, size, "question %s needs an answer", K->id);
            return buf;
        }
        for (size_t i = 0; i < n; i++) {
            const char *o = json_string_value(json_is_array(a) ? json_array_get(a, i) : a);
            if (cc_eval_option_index(K, o) < 0) {
                snprintf(buf, size, "question %s has no option %.64s", K->id, o);
                return buf;
            }
        }
    }
    return NULL;
}

static cc_err answer(cc_engine *e, const cc_eng_eval_input *v, const char *actor)
{
    const cc_scenario *s = e->s;
    const cc_questionnaire *Q = &s->questionnaires[v->questionnaire];
    if (s->seats[v->seat].evaluator)
        return refuse(e, actor, "an evaluator observes and never acts in play");
    if (!e->eval->asked[(size_t)v->questionnaire * (s->nseats + 1) + (size_t)v->seat])
        return refuse(e, actor,
                      e->eval->sent[v->questionnaire] ? "the questionnaire was not sent to the seat"
                                                      : "the questionnaire has not been sent yet");
    char why[200];
    const char *no = answer_refusal(Q, v->answers, why, sizeof why);
    if (no)
        return refuse(e, actor, no);
    cc_label l = Q->label.label;
    if (v->has_label && cc_label_join(&l, &v->label, &l) != CC_OK)
        return refuse(e, actor, "the answer's label is not a label of the scenario's policy");
    if (!cc_label_permits(&l, &s->seats[v->seat].clearance))
        return refuse(e, actor, "the answer's label is one the seat may not read");
    char text[CC_LABEL_BANNER_MAX + 1];
    return cc_eng_emit(e, CC_EV_FEEDBACK_ANSWER, actor, banner(e, &l, text, sizeof text),
                       CC_LAZY(e, json_pack("{s:s,s:O}", "questionnaire", Q->id, "answers", v->answers)), 0,
                       133);
}

static cc_err score(cc_engine *e, const cc_eng_eval_input *v, const char *actor)
{
    const cc_scenario *s = e->s;
    const cc_scoring *M = &s->scorings[v->model];
    char why[200], team[160];
    int t = v->team;
    if (v->seat >= 0) {
        if (s->seats[v->seat].evaluator)
            return refuse(e, actor, "an evaluator observes and never acts in play");
        if (!cc_scenario_seat_reads(s, (size_t)v->seat, &M->label))
            return refuse(e, actor, "the seat may not read the scoring model");
        if (t < 0 && (t = cc_eval_team_of(s, M, (size_t)v->seat)) < 0)
            return refuse(e, actor, "the seat is in none of the scoring model's teams");
        if (!cc_scenario_ref_has_seat(s, &M->teams.v[t], (size_t)v->seat))
            return refuse(e, actor, "the seat is not in that team");
    }
    if (e->now_ms < cc_eval_move_start_ms(s, M, (size_t)v->move)) {
        snprintf(why, sizeof why, "move %s has not started", cc_eval_move_id(s, M, (size_t)v->move));
        return refuse(e, actor, why);
    }
    for (size_t c = 0; c < M->ncriteria; c++) {
        const json_t *x = json_object_get(v->scores, M->criteria[c].id);
        if (!x) {
            snprintf(why, sizeof why, "criterion %s has no score", M->criteria[c].id);
            return refuse(e, actor, why);
        }
        if (json_integer_value(x) < 0 || json_integer_value(x) > M->criteria[c].max) {
            snprintf(why, sizeof why, "the score of %s must be 0 to %d", M->criteria[c].id,
                     M->criteria[c].max);
            return refuse(e, actor, why);
        }
    }
    json_t *p = NULL;
    if (!e->o.no_log) {
        p = json_pack("{s:s,s:s,s:o,s:O}", "model", M->id, "move", cc_eval_move_id(s, M, (size_t)v->move),
                      "team",
                      t >= 0 ? json_string(cc_eval_team_text(M, (size_t)t, team, sizeof team)) : json_null(),
                      "scores", v->scores);
        if (p && v->text)
            json_object_set_new(p, "text", json_string(v->text));
    }
    return cc_eng_emit(e, CC_EV_SCORE_SUBMIT, actor ? actor : "control", M->label.text, p, 0, 134);
}

cc_err cc_eng_eval_apply(cc_engine *e, const cc_eng_eval_input *v, const char *actor)
{
    if (!e->eval)
        return refuse(e, actor, "the scenario has no evaluation, questionnaires or scoring");
    switch (v->kind) {
    case EV_OBSERVE: return observe(e, v, actor);
    case EV_ANSWER: return answer(e, v, actor);
    case EV_SCORE: return score(e, v, actor);
    case EV_SEND:
        if (v->seat >= 0)
            return refuse(e, actor, "only control may send questionnaires");
        if (e->eval->sent[v->questionnaire])
            return refuse(e, actor, "the questionnaire was already sent");
        return send_questionnaire(e, (size_t)v->questionnaire, "control");
    case EV_HOTWASH:
        if (v->seat >= 0)
            return refuse(e, actor, "only control may start the hotwash");
        if (e->eval->hotwash)
            return refuse(e, actor, "the hotwash has already begun");
        return hotwash(e);
    }
    return CC_OK;
}
