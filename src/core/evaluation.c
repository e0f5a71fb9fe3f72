/* evaluation — see evaluation.h. */
#include "core/evaluation.h"

#include <stdio.h>
#include <string.h>

int cc_eval_guide_of(const cc_scenario *s, int objective)
{
    for (size_t g = 0; objective >= 0 && g < s->nguides; g++)
        if (s->guides[g].objective_index == objective)
            return (int)g;
    return -1;
}

bool cc_eval_evaluates(const cc_scenario *s, const cc_guide *g, size_t si)
{
    if (si >= s->nseats || !s->seats[si].evaluator)
        return false;
    if (g->evaluator_index.n == 0)
        return cc_scenario_seat_reads(s, si, &g->label) != 0;
    for (size_t k = 0; k < g->evaluator_index.n; k++)
        if (g->evaluator_index.v[k] == (int)si)
            return true;
    return false;
}

bool cc_eval_may_observe(const cc_scenario *s, int objective, size_t si)
{
    if (si >= s->nseats || !s->seats[si].evaluator || objective < 0 || (size_t)objective >= s->nobjectives)
        return false;
    int g = cc_eval_guide_of(s, objective);
    return g < 0 || cc_eval_evaluates(s, &s->guides[g], si);
}

int cc_eval_target_index(const cc_guide *g, const char *id)
{
    for (size_t k = 0; id && k < g->ntargets; k++)
        if (g->targets[k].id && strcmp(g->targets[k].id, id) == 0)
            return (int)k;
    return -1;
}

int cc_eval_task_index(const cc_ctarget *t, const char *id)
{
    for (size_t k = 0; id && k < t->ntasks; k++)
        if (t->tasks[k].id && strcmp(t->tasks[k].id, id) == 0)
            return (int)k;
    return -1;
}

bool cc_eval_asks(const cc_scenario *s, const cc_questionnaire *q, size_t si)
{
    if (si >= s->nseats || s->seats[si].evaluator)
        return false;
    if (q->to.n == 0)
        return true;
    for (size_t r = 0; r < q->to.n; r++)
        if (cc_scenario_ref_has_seat(s, &q->to.v[r], si))
            return true;
    return false;
}

int64_t cc_eval_send_ms(const cc_scenario *s, const cc_questionnaire *q)
{
    if (q->send_end || q->send_phase_index < 0)
        return -1;
    int64_t at = s->phases[q->send_phase_index].at_s, next = -1;
    for (size_t p = 0; p < s->nphases; p++)
        if (s->phases[p].at_s > at && (next < 0 || s->phases[p].at_s < next))
            next = s->phases[p].at_s;
    return next < 0 ? -1 : next * 1000;
}

int cc_eval_question_index(const cc_questionnaire *q, const char *id)
{
    for (size_t k = 0; id && k < q->nquestions; k++)
        if (q->questions[k].id && strcmp(q->questions[k].id, id) == 0)
            return (int)k;
    return -1;
}

int cc_eval_option_index(const cc_question *k, const char *id)
{
    for (size_t o = 0; id && o < k->noptions; o++)
        if (k->options[o].id && strcmp(k->options[o].id, id) == 0)
            return (int)o;
    return -1;
}

size_t cc_eval_nmoves(const cc_scenario *s, const cc_scoring *m)
{
    if (m->moves.n)
        return m->moves.n;
    return s->nphases ? s->nphases : 1;
}

const char *cc_eval_move_id(const cc_scenario *s, const cc_scoring *m, size_t k)
{
    if (m->moves.n)
        return k < m->moves.n ? m->moves.v[k] : NULL;
    if (s->nphases)
        return k < s->nphases ? s->phases[k].id : NULL;
    return k == 0 ? "all" : NULL;
}

int cc_eval_move_index(const cc_scenario *s, const cc_scoring *m, const char *id)
{
    size_t n = cc_eval_nmoves(s, m);
    for (size_t k = 0; id && k < n; k++) {
        const char *x = cc_eval_move_id(s, m, k);
        if (x && strcmp(x, id) == 0)
            return (int)k;
    }
    return -1;
}

int64_t cc_eval_move_start_ms(const cc_scenario *s, const cc_scoring *m, size_t k)
{
    int p = -1;
    if (m->moves.n)
        p = k < m->move_index.n ? m->move_index.v[k] : -1;
    else if (s->nphases && k < s->nphases)
        p = (int)k;
    return p >= 0 ? s->phases[p].at_s * 1000 : 0;
}

int cc_eval_team_of(const cc_scenario *s, const cc_scoring *m, size_t si)
{
    if (si >= s->nseats || s->seats[si].evaluator)
        return -1;
    for (size_t t = 0; t < m->teams.n; t++)
        if (cc_scenario_ref_has_seat(s, &m->teams.v[t], si))
            return (int)t;
    return -1;
}

const char *cc_eval_team_text(const cc_scoring *m, size_t t, char *buf, size_t size)
{
    static const char *const prefix[] = {"", "cell:", "party:", "group:", ""};
    const cc_ref *x = &m->teams.v[t];
    snprintf(buf, size, "%s%s", prefix[x->kind], x->kind == CC_REF_ALL ? "all" : x->name);
    return buf;
}

int cc_eval_team_index(const cc_scoring *m, const char *text)
{
    char buf[160];
    for (size_t t = 0; text && t < m->teams.n; t++)
        if (strcmp(cc_eval_team_text(m, t, buf, sizeof buf), text) == 0)
            return (int)t;
    return -1;
}

double cc_eval_weighted(const cc_scoring *m, const int *scores)
{
    double num = 0, den = 0;
    for (size_t c = 0; c < m->ncriteria; c++) {
        num += m->criteria[c].weight * scores[c];
        den += m->criteria[c].weight * m->criteria[c].max;
    }
    return den > 0 ? 100.0 * num / den : 0;
}

cc_eval_see cc_eval_see_type(cc_evtype t)
{
    if (cc_evtype_is_clock(t))
        return CC_EVAL_SEE_FRAME;
    if (cc_evtype_is_consult(t) || cc_evtype_is_decision(t) || cc_evtype_is_eval(t))
        return CC_EVAL_SEE_PLAY;
    switch (t) {
    case CC_EV_INJECT_RELEASE:
    case CC_EV_INJECT_ADD:
    case CC_EV_INJECT_ACK:
    case CC_EV_INJECT_ESCALATE:
    case CC_EV_DELIVERY:
    case CC_EV_DENIAL:
    case CC_EV_INJECT_WITHDRAW:
    case CC_EV_MESSAGE:
    case CC_EV_MESSAGE_LOST:
    case CC_EV_MESSAGE_RETRY:
    case CC_EV_SEAT_ABSENT:
    case CC_EV_LABEL_DOWNGRADE:
    case CC_EV_FINDING:
    case CC_EV_OBJECTIVE_RATING: return CC_EVAL_SEE_PLAY;
    default: return CC_EVAL_SEE_NONE;
    }
}

bool cc_eval_sees(const cc_scenario *s, size_t si, cc_evtype type, const char *actor, const cc_label *label)
{
    if (si >= s->nseats || !s->seats[si].evaluator)
        return false;
    const char *me = s->seats[si].id;
    if (actor && me && strcmp(actor, me) == 0)
        return true;
    switch (cc_eval_see_type(type)) {
    case CC_EVAL_SEE_FRAME: return true;
    case CC_EVAL_SEE_PLAY: return !label || cc_label_permits(label, &s->seats[si].clearance);
    case CC_EVAL_SEE_NONE: return false;
    }
    return false;
}
