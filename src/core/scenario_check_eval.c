/* scenario_check_eval — the checks of a scenario's evaluation (docs/scenario-format.md,
 * "Evaluation"), after cc_scenario_check resolved the rest: evaluator seats kept out of play,
 * evaluation guides (objective, evaluators, labels, targets and tasks, when), questionnaires
 * (recipients that can read them, the phase that sends them) and scoring models (teams, moves).
 * Resolves their references to indices. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/evaluation.h"
#include "core/idmap.h"
#include "core/scenario.h"
#include "core/scenario_model.h"
#include "core/suggest.h"

typedef struct eck {
    cc_scenario *s;
    cc_diags *d;
    size_t errors;
    int oom;
    cc_idmap *seats, *cells, *parties, *groups, *objectives, *injects, *decisions, *consultations, *phases;
} eck;

__attribute__((format(printf, 6, 7))) static void say(eck *C, cc_severity sev, cc_pos pos, const char *code,
                                                      const char *hint, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (sev == CC_SEV_ERROR)
        C->errors++;
    const char *file = cc_scenario_pos_file(C->s, &pos);
    if (cc_diags_add(C->d, sev, file, pos, code, hint, "%s", buf) != CC_OK)
        C->oom = 1;
}

#define ERR(C, pos, code, hint, ...) say(C, CC_SEV_ERROR, pos, code, hint, __VA_ARGS__)
#define WARN(C, pos, code, hint, ...) say(C, CC_SEV_WARNING, pos, code, hint, __VA_ARGS__)

static const char *nz(const char *s)
{
    return s ? s : "?";
}

/* An id map of n items whose id is the first member (a const char *) of each element. */
static cc_idmap *ids(eck *C, const void *base, size_t n, size_t size)
{
    cc_idmap *m = cc_idmap_new(C->s->arena, n);
    if (!m) {
        C->oom = 1;
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        cc_idmap_put(m, *(const char *const *)((const char *)base + i * size), (int)i);
    return m;
}

static int lookup(eck *C, const cc_idmap *m, const char *name, cc_pos pos, const char *what, const char *ctx)
{
    if (!name || !m)
        return -1;
    int i = cc_idmap_get(m, name);
    if (i >= 0)
        return i;
    const char *keys[4096];
    size_t n = cc_idmap_keys(m, keys, 4096);
    const char *sug = cc_suggest(name, keys, n);
    char hint[200];
    if (sug)
        snprintf(hint, sizeof hint, "did you mean '%s'?", sug);
    ERR(C, pos, "unknown-ref", sug ? hint : NULL, "%s refers to undefined %s '%s'", ctx, what, name);
    return -1;
}

/* A list of names unique within what (ids of guides, targets and tasks share one space each). */
static void unique(eck *C, cc_idmap *m, const char *id, cc_pos pos, int index, const char *what)
{
    if (!id || !m)
        return;
    if (cc_idmap_put(m, id, index) >= 0)
        ERR(C, pos, "duplicate-id", NULL, "duplicate %s id '%s'", what, id);
}

/* ---- evaluators out of play -------------------------------------------------------------- */

static void not_evaluator(eck *C, int seat, cc_pos pos, const char *ctx)
{
    if (seat >= 0 && (size_t)seat < C->s->nseats && C->s->seats[seat].evaluator)
        ERR(C, pos, "evaluator-in-play", "an evaluator observes; name a player seat",
            "%s names evaluator seat '%s': an evaluator never acts in play nor receives its items", ctx,
            nz(C->s->seats[seat].id));
}

static void refs_not_evaluator(eck *C, const cc_refs *r, const char *ctx)
{
    for (size_t i = 0; i < r->n; i++)
        if (r->v[i].kind == CC_REF_SEAT)
            not_evaluator(C, r->v[i].index, r->v[i].pos, ctx);
}

static void check_play(eck *C)
{
    cc_scenario *s = C->s;
    char ctx[160];
    for (size_t i = 0; i < s->nseats; i++) {
        const cc_seat *st = &s->seats[i];
        if (st->evaluator && st->control)
            ERR(C, st->kind_pos, "evaluator-in-play", "put evaluators in a cell of their own, or in none",
                "evaluator seat '%s' is in the control cell", nz(st->id));
    }
    for (size_t i = 0; i < s->ninjects; i++) {
        snprintf(ctx, sizeof ctx, "inject '%s'", nz(s->injects[i].id));
        not_evaluator(C, s->injects[i].from_index, s->injects[i].from_pos, ctx);
        refs_not_evaluator(C, &s->injects[i].to, ctx);
    }
    for (size_t i = 0; i < s->ndecisions; i++) {
        snprintf(ctx, sizeof ctx, "decision '%s'", nz(s->decisions[i].id));
        refs_not_evaluator(C, &s->decisions[i].deciders, ctx);
        not_evaluator(C, s->decisions[i].lead_index, s->decisions[i].lead_pos, ctx);
    }
    for (size_t m = 0; m < s->nmechanisms; m++)
        for (size_t k = 0; k < s->mechanisms[m].nstages; k++) {
            const cc_stage *st = &s->mechanisms[m].stages[k];
            snprintf(ctx, sizeof ctx, "stage '%s' of mechanism '%s'", nz(st->id), nz(s->mechanisms[m].id));
            refs_not_evaluator(C, &st->participants, ctx);
            refs_not_evaluator(C, &st->escalate_to, ctx);
            not_evaluator(C, st->lead_index, st->lead_pos, ctx);
        }
    for (size_t i = 0; i < s->nconsultations; i++) {
        snprintf(ctx, sizeof ctx, "consultation '%s'", nz(s->consultations[i].id));
        not_evaluator(C, s->consultations[i].requester_index, s->consultations[i].requested_by_pos, ctx);
    }
    for (size_t i = 0; i < s->nguidelines; i++)
        if (s->guidelines[i].kind == CC_GRULE_SHARE && s->guidelines[i].with.kind == CC_REF_SEAT) {
            snprintf(ctx, sizeof ctx, "guideline '%s'", nz(s->guidelines[i].id));
            not_evaluator(C, s->guidelines[i].with.index, s->guidelines[i].with.pos, ctx);
        }
    for (size_t a = 0; a < s->nagents; a++)
        for (size_t r = 0; r < s->agents[a].nrules; r++) {
            snprintf(ctx, sizeof ctx, "agent '%s'", nz(s->agents[a].id));
            refs_not_evaluator(C, &s->agents[a].rules[r].to, ctx);
        }
}

/* ---- references of the evaluation sections ---------------------------------------------- */

static void resolve(eck *C, cc_refs *r, const char *ctx)
{
    for (size_t i = 0; i < r->n; i++) {
        cc_ref *x = &r->v[i];
        switch (x->kind) {
        case CC_REF_SEAT: x->index = lookup(C, C->seats, x->name, x->pos, "seat", ctx); break;
        case CC_REF_CELL: x->index = lookup(C, C->cells, x->name, x->pos, "cell", ctx); break;
        case CC_REF_PARTY: x->index = lookup(C, C->parties, x->name, x->pos, "party", ctx); break;
        case CC_REF_GROUP: x->index = lookup(C, C->groups, x->name, x->pos, "group", ctx); break;
        case CC_REF_ALL: x->index = -1; break;
        }
    }
    refs_not_evaluator(C, r, ctx);
}

/* Each reference of r reaches a player that may read l (a seat named directly must read it). */
static void readers(eck *C, const cc_refs *r, const cc_labelspec *l, const char *what, const char *id)
{
    const cc_scenario *s = C->s;
    if (!l->valid)
        return; /* reported by the loader */
    for (size_t i = 0; i < r->n; i++) {
        const cc_ref *x = &r->v[i];
        if (x->kind != CC_REF_ALL && x->index < 0)
            continue;
        size_t members = 0, can = 0;
        for (size_t si = 0; si < s->nseats; si++)
            if (!s->seats[si].evaluator && cc_scenario_ref_has_seat(s, x, si)) {
                members++;
                can += (size_t)cc_scenario_seat_reads(s, si, l);
            }
        if (can)
            continue;
        if (x->kind == CC_REF_SEAT && !s->seats[x->index].evaluator && s->seats[x->index].clearance.cls >= 0)
            ERR(C, x->pos, "unreadable", "change the label or the recipient",
                "%s '%s' names seat '%s', whose clearance can never read its label %s (%s)", what, id,
                nz(s->seats[x->index].id), nz(l->text),
                cc_deny_str(cc_label_check(&l->label, &s->seats[x->index].clearance)));
        else if (members)
            ERR(C, x->pos, "unreadable", "change the label or the recipients",
                "%s '%s': no seat in '%s' can read its label %s", what, id, x->name, nz(l->text));
        else if (x->kind != CC_REF_SEAT)
            WARN(C, x->pos, "empty-ref", NULL, "%s '%s': '%s' has no seats", what, id, x->name);
    }
}

/* ---- evaluation guides ------------------------------------------------------------------- */

static void check_when(eck *C, cc_ewhen *w, const char *task)
{
    const cc_scenario *s = C->s;
    char ctx[160];
    snprintf(ctx, sizeof ctx, "critical task '%s' 'when'", nz(task));
    switch (w->kind) {
    case CC_EW_INJECT: w->index = lookup(C, C->injects, w->ref, w->ref_pos, "inject", ctx); break;
    case CC_EW_DECISION: w->index = lookup(C, C->decisions, w->ref, w->ref_pos, "decision", ctx); break;
    case CC_EW_PHASE: w->index = lookup(C, C->phases, w->ref, w->ref_pos, "phase", ctx); break;
    case CC_EW_CONSULTATION:
        w->index = lookup(C, C->consultations, w->ref, w->ref_pos, "consultation", ctx);
        if (w->index >= 0 && w->stage) {
            const cc_consultation *K = &s->consultations[w->index];
            int found = 0;
            for (size_t m = 0; m < s->nmechanisms && !found; m++) {
                if (K->mechanism_index >= 0 && (size_t)K->mechanism_index != m)
                    continue;
                for (size_t k = 0; k < s->mechanisms[m].nstages && !found; k++)
                    found =
                        s->mechanisms[m].stages[k].id && strcmp(s->mechanisms[m].stages[k].id, w->stage) == 0;
            }
            if (!found)
                ERR(C, w->stage_pos, "unknown-ref", NULL, "%s: consultation '%s' has no stage '%s'", ctx,
                    nz(w->ref), w->stage);
        }
        break;
    case CC_EW_STAGE_KIND:
    case CC_EW_NONE: break;
    }
}

static void check_guide(eck *C, size_t gi, cc_idmap *by_objective, cc_idmap *targets, cc_idmap *tasks)
{
    cc_scenario *s = C->s;
    cc_guide *G = &s->guides[gi];
    char ctx[160];
    snprintf(ctx, sizeof ctx, "evaluation guide '%s'", nz(G->id));
    G->objective_index = lookup(C, C->objectives, G->objective, G->objective_pos, "objective", ctx);
    if (G->objective_index >= 0 && cc_idmap_put(by_objective, G->objective, (int)gi) >= 0)
        ERR(C, G->objective_pos, "duplicate", "merge the two guides",
            "objective '%s' has a second evaluation guide", nz(G->objective));
    G->evaluator_index.v = cc_arena_array(s->arena, G->evaluators.n ? G->evaluators.n : 1, sizeof(int));
    if (!G->evaluator_index.v) {
        C->oom = 1;
        return;
    }
    for (size_t k = 0; k < G->evaluators.n; k++) {
        int si = lookup(C, C->seats, G->evaluators.v[k], G->evaluators.pos[k], "seat", ctx);
        if (si < 0)
            continue;
        G->evaluator_index.v[G->evaluator_index.n++] = si;
        if (!s->seats[si].evaluator)
            ERR(C, G->evaluators.pos[k], "not-evaluator", "give the seat 'kind: evaluator'",
                "%s names seat '%s', which is not an evaluator", ctx, G->evaluators.v[k]);
        else if (G->label.valid && !cc_scenario_seat_reads(s, (size_t)si, &G->label))
            ERR(C, G->evaluators.pos[k], "unreadable", "change the label or the evaluator",
                "%s names evaluator '%s', whose clearance can never read its label %s", ctx,
                G->evaluators.v[k], nz(G->label.text));
    }
    size_t who = 0;
    for (size_t si = 0; si < s->nseats; si++)
        who += cc_eval_evaluates(s, G, si);
    if (G->label.valid && who == 0)
        WARN(C, G->pos, "no-evaluator", "add a seat with 'kind: evaluator' that may read its label",
             "%s: no evaluator may read it, so nobody can observe against it", ctx);
    for (size_t t = 0; t < G->ntargets; t++) {
        cc_ctarget *T = &G->targets[t];
        unique(C, targets, T->id, T->pos, (int)t, "capability target");
        for (size_t k = 0; k < T->ntasks; k++) {
            unique(C, tasks, T->tasks[k].id, T->tasks[k].pos, (int)k, "critical task");
            check_when(C, &T->tasks[k].when, T->tasks[k].id);
        }
    }
}

/* ---- questionnaires and scoring ---------------------------------------------------------- */

static void check_questionnaire(eck *C, cc_questionnaire *Q)
{
    char ctx[160];
    snprintf(ctx, sizeof ctx, "questionnaire '%s'", nz(Q->id));
    resolve(C, &Q->to, ctx);
    if (Q->to.n)
        readers(C, &Q->to, &Q->label, "questionnaire", nz(Q->id));
    else {
        cc_ref all = {CC_REF_ALL, "all", -1, Q->pos};
        cc_refs r = {&all, 1, Q->pos};
        readers(C, &r, &Q->label, "questionnaire", nz(Q->id));
    }
    if (Q->send_phase)
        Q->send_phase_index = lookup(C, C->phases, Q->send_phase, Q->send_pos, "phase", ctx);
    if (Q->send_phase_index >= 0 && cc_eval_send_ms(C->s, Q) > C->s->duration_s * 1000)
        WARN(C, Q->send_pos, "never-fires", NULL, "%s: phase '%s' ends after the end of the exercise", ctx,
             Q->send_phase);
}

static void check_scoring(eck *C, cc_scoring *M)
{
    cc_scenario *s = C->s;
    char ctx[160];
    snprintf(ctx, sizeof ctx, "scoring model '%s'", nz(M->id));
    resolve(C, &M->teams, ctx);
    readers(C, &M->teams, &M->label, "scoring model", nz(M->id));
    M->move_index.v = cc_arena_array(s->arena, M->moves.n ? M->moves.n : 1, sizeof(int));
    if (!M->move_index.v) {
        C->oom = 1;
        return;
    }
    for (size_t k = 0; k < M->moves.n; k++)
        M->move_index.v[M->move_index.n++] =
            lookup(C, C->phases, M->moves.v[k], M->moves.pos[k], "phase", ctx);
}

cc_err cc_scenario_check_eval(cc_scenario *s, cc_diags *diags)
{
    eck C0 = {.s = s, .d = diags}, *C = &C0;
    C->seats = ids(C, s->seats, s->nseats, sizeof *s->seats);
    C->cells = ids(C, s->cells, s->ncells, sizeof *s->cells);
    C->parties = ids(C, s->parties, s->nparties, sizeof *s->parties);
    C->groups = ids(C, s->groups, s->ngroups, sizeof *s->groups);
    C->objectives = ids(C, s->objectives, s->nobjectives, sizeof *s->objectives);
    C->injects = ids(C, s->injects, s->ninjects, sizeof *s->injects);
    C->decisions = ids(C, s->decisions, s->ndecisions, sizeof *s->decisions);
    C->consultations = ids(C, s->consultations, s->nconsultations, sizeof *s->consultations);
    C->phases = ids(C, s->phases, s->nphases, sizeof *s->phases);
    cc_idmap *guides = cc_idmap_new(s->arena, s->nguides), *by_objective = cc_idmap_new(s->arena, s->nguides);
    size_t nt = 0, nk = 0;
    for (size_t g = 0; g < s->nguides; g++)
        for (size_t t = 0; t < s->guides[g].ntargets; t++, nt++)
            nk += s->guides[g].targets[t].ntasks;
    cc_idmap *targets = cc_idmap_new(s->arena, nt), *tasks = cc_idmap_new(s->arena, nk);
    cc_idmap *qs = cc_idmap_new(s->arena, s->nquestionnaires), *ms = cc_idmap_new(s->arena, s->nscorings);
    if (C->oom || !guides || !by_objective || !targets || !tasks || !qs || !ms)
        return CC_ERR_NOMEM;
    check_play(C);
    for (size_t g = 0; g < s->nguides; g++) {
        unique(C, guides, s->guides[g].id, s->guides[g].pos, (int)g, "evaluation guide");
        check_guide(C, g, by_objective, targets, tasks);
    }
    for (size_t q = 0; q < s->nquestionnaires; q++) {
        unique(C, qs, s->questionnaires[q].id, s->questionnaires[q].pos, (int)q, "questionnaire");
        check_questionnaire(C, &s->questionnaires[q]);
    }
    for (size_t m = 0; m < s->nscorings; m++) {
        unique(C, ms, s->scorings[m].id, s->scorings[m].pos, (int)m, "scoring model");
        check_scoring(C, &s->scorings[m]);
    }
    if (C->oom)
        return CC_ERR_NOMEM;
    return C->errors ? CC_ERR_INVALID : CC_OK;
}
