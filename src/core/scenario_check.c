/* scenario_check — cross-reference and semantic checks of a loaded scenario: unique ids,
 * references resolved to indices, label readability of injects and decisions, decision
 * rules, trigger cycles, items that can never fire, objectives never exercised. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/idmap.h"
#include "core/note.h"
#include "core/scenario.h"
#include "core/scenario_model.h"
#include "core/suggest.h"

typedef struct ck {
    cc_scenario *s;
    cc_diags *d;
    size_t errors;
    int oom;
    cc_idmap *seats, *cells, *parties, *groups, *objectives, *injects, *decisions, *mechanisms,
        *consultations, *agents;
    unsigned char *obj_used, *agent_used; /* per objective, agent: named somewhere */
} ck;

__attribute__((format(printf, 6, 7))) static void report(ck *C, cc_severity sev, cc_pos pos, const char *code,
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

#define ERR(C, pos, code, hint, ...) report(C, CC_SEV_ERROR, pos, code, hint, __VA_ARGS__)
#define WARN(C, pos, code, hint, ...) report(C, CC_SEV_WARNING, pos, code, hint, __VA_ARGS__)

static const char *nz(const char *s)
{
    return s ? s : "?";
}

/* Builds an id map over n items whose id is at offset off within each element of size sz,
 * reporting duplicates. */
static cc_idmap *index_ids(ck *C, const void *base, size_t n, size_t sz, size_t id_off, size_t pos_off,
                           const char *what)
{
    cc_idmap *m = cc_idmap_new(C->s->arena, n);
    if (!m) {
        C->oom = 1;
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        const char *el = (const char *)base + i * sz;
        const char *id = *(const char *const *)(el + id_off);
        if (!id)
            continue;
        int prev = cc_idmap_put(m, id, (int)i);
        if (prev >= 0) {
            cc_pos pos = *(const cc_pos *)(el + pos_off);
            const char *pel = (const char *)base + (size_t)prev * sz;
            cc_pos ppos = *(const cc_pos *)(pel + pos_off);
            ERR(C, pos, "duplicate-id", NULL, "duplicate %s id '%s' (first defined at line %d)", what, id,
                ppos.line);
        }
    }
    return m;
}

#define INDEX(C, arr, n, type, what)                                                                         \
    index_ids(C, arr, n, sizeof(type), offsetof(type, id), offsetof(type, pos), what)

/* Unknown-reference error with a did-you-mean drawn from the map. */
static void unknown(ck *C, cc_pos pos, const cc_idmap *m, const char *what, const char *name, const char *ctx)
{
    const char *keys[4096];
    size_t n = m ? cc_idmap_keys(m, keys, 4096) : 0;
    const char *sug = cc_suggest(name, keys, n);
    char hint[200];
    if (sug)
        snprintf(hint, sizeof hint, "did you mean '%s'?", sug);
    ERR(C, pos, "unknown-ref", sug ? hint : NULL, "%s refers to undefined %s '%s'", ctx, what, name);
}

static int lookup(ck *C, const cc_idmap *m, const char *name, cc_pos pos, const char *what, const char *ctx)
{
    if (!name)
        return -1;
    int i = m ? cc_idmap_get(m, name) : -1;
    if (i < 0)
        unknown(C, pos, m, what, name, ctx);
    return i;
}

static void resolve_refs(ck *C, cc_refs *r, const char *ctx)
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
}

/* Checks that every reference in r can reach at least one seat that reads label l; a
 * direct seat reference must read it itself. Returns the number of reading seats. */
static size_t check_readers(ck *C, const cc_refs *r, const cc_labelspec *l, const char *what, const char *id,
                            int direct_is_error)
{
    const cc_scenario *s = C->s;
    size_t total = 0;
    if (!l->valid)
        return 1; /* label errors already reported */
    for (size_t i = 0; i < r->n; i++) {
        const cc_ref *x = &r->v[i];
        if (x->kind != CC_REF_ALL && x->index < 0)
            continue;
        size_t members;
        size_t readers = cc_scenario_ref_readers(s, x, l, &members);
        total += readers;
        if (readers)
            continue;
        if (x->kind == CC_REF_SEAT && direct_is_error) {
            const cc_seat *st = &s->seats[x->index];
            if (st->party_index < 0 || st->clearance.cls < 0)
                continue; /* the seat's own error is already reported */
            cc_deny why = cc_label_check(&l->label, &st->clearance);
            ERR(C, x->pos, "unreadable", "change the label or the recipient",
                "%s '%s' is addressed to seat '%s', whose clearance can never read its label %s (%s)", what,
                id, nz(st->id), nz(l->text), cc_deny_str(why));
        } else if (members) {
            ERR(C, x->pos, "unreadable", "change the label or the recipients",
                "%s '%s': no seat in '%s' can read its label %s", what, id, x->name, nz(l->text));
        } else if (x->kind != CC_REF_SEAT) {
            WARN(C, x->pos, "empty-ref", NULL, "%s '%s': '%s' has no seats", what, id, x->name);
        }
    }
    return total;
}

/* ---- triggers: resolution, cycles, reachability --------------------------------- */

typedef struct node {
    cc_item_kind kind;
    size_t index;
    cc_when *when;
    const char *id;
} node;

static int node_of(const cc_scenario *s, cc_item_kind k, int i)
{
    if (i < 0)
        return -1;
    switch (k) {
    case CC_ITEM_INJECT: return i;
    case CC_ITEM_DECISION: return (int)s->ninjects + i;
    case CC_ITEM_CONSULTATION: return (int)(s->ninjects + s->ndecisions) + i;
    }
    return -1;
}

/* Mechanisms a consultation may run: its fixed one, or every mechanism (variant chosen at run). */
static int stage_exists(const cc_scenario *s, const cc_consultation *c, const char *stage, int need_deadline)
{
    for (size_t m = 0; m < s->nmechanisms; m++) {
        if (c->mechanism_index >= 0 && (size_t)c->mechanism_index != m)
            continue;
        const cc_mechanism *M = &s->mechanisms[m];
        for (size_t k = 0; k < M->nstages; k++)
            if (M->stages[k].id && strcmp(M->stages[k].id, stage) == 0 &&
                (!need_deadline || M->stages[k].has_deadline))
                return 1;
    }
    return 0;
}

static void resolve_when(ck *C, cc_when *w, const char *what, const char *id)
{
    cc_scenario *s = C->s;
    char ctx[160];
    snprintf(ctx, sizeof ctx, "trigger of %s '%s'", what, nz(id));
    if (w->has_at && w->at_s > s->duration_s)
        WARN(C, w->pos, "never-fires", "extend exercise.duration or move the time",
             "%s '%s' is scheduled after the end of the exercise", what, nz(id));
    if (!w->has_trigger || !w->target)
        return;
    switch (w->trig) {
    case CC_TRIG_AFTER:
        w->target_kind = CC_ITEM_INJECT;
        w->target_index = lookup(C, C->injects, w->target, w->target_pos, "inject", ctx);
        break;
    case CC_TRIG_DECISION: {
        w->target_kind = CC_ITEM_DECISION;
        w->target_index = lookup(C, C->decisions, w->target, w->target_pos, "decision", ctx);
        if (w->target_index < 0 || !w->outcome)
            break;
        const cc_decision *D = &s->decisions[w->target_index];
        int found = 0;
        for (size_t k = 0; k < D->noptions; k++)
            found |= D->options[k].id && strcmp(D->options[k].id, w->outcome) == 0;
        if (!found && !D->proposals)
            ERR(C, w->outcome_pos, "unknown-ref", NULL, "%s: decision '%s' has no option '%s'", ctx,
                D->id ? D->id : "?", w->outcome);
        else if (!found)
            WARN(C, w->outcome_pos, "never-fires", "add the option to the decision's options",
                 "%s: option '%s' is not predefined; it fires only if a proposal gets that id", ctx,
                 w->outcome);
        break;
    }
    case CC_TRIG_CONSULTATION:
        w->target_kind = CC_ITEM_CONSULTATION;
        w->target_index = lookup(C, C->consultations, w->target, w->target_pos, "consultation", ctx);
        if (w->target_index >= 0 && w->stage &&
            !stage_exists(s, &s->consultations[w->target_index], w->stage, 0))
            ERR(C, w->stage_pos, "unknown-ref", NULL,
                "%s: no mechanism of consultation '%s' has a stage '%s'", ctx, w->target, w->stage);
        break;
    case CC_TRIG_TIMEOUT: {
        int d = C->decisions ? cc_idmap_get(C->decisions, w->target) : -1;
        int c = C->consultations ? cc_idmap_get(C->consultations, w->target) : -1;
        if (d >= 0 && c >= 0) {
            ERR(C, w->target_pos, "ambiguous-ref", "give decisions and consultations distinct ids",
                "%s: '%s' names both a decision and a consultation", ctx, w->target);
        } else if (d >= 0) {
            w->target_kind = CC_ITEM_DECISION;
            w->target_index = d;
            if (w->stage)
                ERR(C, w->stage_pos, "bad-trigger", NULL,
                    "%s: 'stage' applies to consultations, not decision '%s'", ctx, w->target);
            else if (!s->decisions[d].has_deadline)
                ERR(C, w->target_pos, "no-deadline", "give the decision a 'deadline'",
                    "%s: decision '%s' has no deadline to miss", ctx, w->target);
        } else if (c >= 0) {
            w->target_kind = CC_ITEM_CONSULTATION;
            w->target_index = c;
            if (!w->stage)
                ERR(C, w->pos, "missing", "add 'stage: ID'", "%s: a consultation timeout needs a 'stage'",
                    ctx);
            else if (!stage_exists(s, &s->consultations[c], w->stage, 1))
                ERR(C, w->stage_pos, "no-deadline", NULL,
                    "%s: no mechanism of consultation '%s' has a stage '%s' with a deadline", ctx, w->target,
                    w->stage);
        } else {
            ERR(C, w->target_pos, "unknown-ref", NULL, "%s refers to undefined decision or consultation '%s'",
                ctx, w->target);
        }
        break;
    }
    }
}

/* Detects trigger cycles (iterative DFS) and computes which items can ever fire. */
static void check_graph(ck *C)
{
    cc_scenario *s = C->s;
    size_t n = s->ninjects + s->ndecisions + s->nconsultations;
    if (n == 0)
        return;
    node *nodes = calloc(n, sizeof *nodes);
    int *parent = calloc(n, sizeof *parent); /* 1 when the node lies on a trigger cycle */
    unsigned char *color = calloc(n, 1);
    unsigned char *fires = calloc(n, 1);
    int *stack = malloc(n * sizeof *stack);
    if (!nodes || !parent || !color || !fires || !stack) {
        C->oom = 1;
        goto out;
    }
    for (size_t i = 0; i < s->ninjects; i++)
        nodes[i] = (node){CC_ITEM_INJECT, i, &s->injects[i].when, s->injects[i].id};
    for (size_t i = 0; i < s->ndecisions; i++)
        nodes[s->ninjects + i] = (node){CC_ITEM_DECISION, i, &s->decisions[i].when, s->decisions[i].id};
    for (size_t i = 0; i < s->nconsultations; i++)
        nodes[s->ninjects + s->ndecisions + i] =
            (node){CC_ITEM_CONSULTATION, i, &s->consultations[i].when, s->consultations[i].id};
    /* each node has at most one trigger edge (to its target), so the graph is a functional
     * graph: follow the chain from each unvisited node. color: 0 new, 1 on path, 2 done. */
    for (size_t start = 0; start < n; start++) {
        if (color[start])
            continue;
        size_t depth = 0;
        int v = (int)start;
        while (v >= 0 && color[v] == 0) {
            color[v] = 1;
            stack[depth++] = v;
            const cc_when *w = nodes[v].when;
            v = w->has_trigger ? node_of(s, w->target_kind, w->target_index) : -1;
        }
        if (v >= 0 && color[v] == 1) {
            /* cycle: v ... top of stack */
            char path[400] = "";
            size_t off = 0;
            size_t k = depth;
            while (k > 0 && stack[k - 1] != v)
                k--;
            for (size_t j = k - 1; j < depth; j++) {
                parent[stack[j]] = 1;
                if (off < sizeof path)
                    off += (size_t)snprintf(path + off, sizeof path - off, "%s -> ", nz(nodes[stack[j]].id));
            }
            if (off < sizeof path)
                snprintf(path + off, sizeof path - off, "%s", nz(nodes[v].id));
            ERR(C, nodes[v].when->pos, "trigger-cycle", "break the cycle with an 'at' time",
                "trigger cycle: %s", path);
        }
        /* settle the chain from the end: an item fires when it has a time, or its target fires */
        while (depth > 0) {
            int u = stack[--depth];
            const cc_when *w = nodes[u].when;
            int f = 0;
            if (!w->has_at && !w->has_trigger)
                f = 1; /* its time could not be read: already an error, do not cascade */
            else if (w->has_at)
                f = w->at_s <= s->duration_s;
            else if (w->has_trigger) {
                int t = node_of(s, w->target_kind, w->target_index);
                f = t >= 0 && color[t] == 2 && fires[t];
            }
            fires[u] = (unsigned char)f;
            color[u] = 2;
        }
    }
    for (size_t i = 0; i < n; i++) {
        const cc_when *w = nodes[i].when;
        if (fires[i] || !w->has_trigger || parent[i])
            continue;
        if (node_of(s, w->target_kind, w->target_index) < 0)
            continue; /* the unresolved reference is already an error */
        static const char *const kinds[] = {"inject", "decision", "consultation"};
        WARN(C, w->pos, "never-fires", NULL, "%s '%s' can never fire: its trigger '%s' never happens",
             kinds[nodes[i].kind], nz(nodes[i].id), nz(w->target));
    }
out:
    free(nodes);
    free(parent);
    free(color);
    free(fires);
    free(stack);
}

static void resolve_objectives(ck *C, const cc_strs *o, cc_idxs *idx, unsigned char *used, const char *ctx)
{
    idx->v = cc_arena_array(C->s->arena, o->n ? o->n : 1, sizeof *idx->v);
    if (!idx->v) {
        C->oom = 1;
        return;
    }
    for (size_t i = 0; i < o->n; i++) {
        int k = lookup(C, C->objectives, o->v[i], o->pos[i], "objective", ctx);
        idx->v[idx->n++] = k;
        if (k >= 0 && used)
            used[k] = 1;
    }
}

static void check_rule(ck *C, cc_rule rule, const char *lead, cc_pos lead_pos, int *lead_index,
                       const cc_refs *deciders, cc_pos rule_pos, int has_deadline, const char *what,
                       const char *id)
{
    char ctx[160];
    snprintf(ctx, sizeof ctx, "%s '%s'", what, nz(id));
    if (rule == CC_RULE_LEAD) {
        if (!lead) {
            ERR(C, rule_pos, "missing", "add 'lead: SEAT'", "%s uses rule 'lead' but names no lead seat",
                ctx);
            return;
        }
        *lead_index = lookup(C, C->seats, lead, lead_pos, "seat", ctx);
        if (*lead_index < 0)
            return;
        int in = 0;
        for (size_t i = 0; i < deciders->n; i++)
            in |= cc_scenario_ref_has_seat(C->s, &deciders->v[i], (size_t)*lead_index);
        if (!in)
            ERR(C, lead_pos, "bad-lead", NULL, "%s: lead seat '%s' is not among its deciders or participants",
                ctx, lead);
    } else if (lead) {
        WARN(C, lead_pos, "unused", NULL, "%s: 'lead' is ignored unless the rule is 'lead'", ctx);
    }
    if (rule == CC_RULE_SILENCE && !has_deadline)
        ERR(C, rule_pos, "no-deadline", "add a 'deadline'",
            "%s: a silence procedure needs a deadline at which silence means consent", ctx);
}

/* The mechanisms consultation K may run: its own, or every mechanism (the run's variant). */
static int may_run(const cc_consultation *K, size_t m)
{
    return K->mechanism_index >= 0 ? (size_t)K->mechanism_index == m : K->mechanism == NULL;
}

/* A silence procedure's 'adopt' must be an option of every decision it may decide. */
static void check_adopt(ck *C, const cc_consultation *K, const char *ctx)
{
    const cc_scenario *s = C->s;
    for (size_t m = 0; m < s->nmechanisms; m++) {
        if (!may_run(K, m))
            continue;
        for (size_t k = 0; k < s->mechanisms[m].nstages; k++) {
            const cc_stage *st = &s->mechanisms[m].stages[k];
            if (!st->adopt)
                continue;
            if (K->decision_index < 0) {
                WARN(C, st->adopt_pos, "unused", "link the consultation to a decision with 'decision:'",
                     "%s informs no decision, so stage '%s' of mechanism '%s' has nothing to adopt", ctx,
                     nz(st->id), nz(s->mechanisms[m].id));
                continue;
            }
            const cc_decision *D = &s->decisions[K->decision_index];
            int found = 0;
            for (size_t o = 0; o < D->noptions && !found; o++)
                found = D->options[o].id && strcmp(D->options[o].id, st->adopt) == 0;
            if (!found)
                ERR(C, st->adopt_pos, "unknown-ref", NULL,
                    "stage '%s' of mechanism '%s' adopts '%s', which is not an option of decision '%s' (%s)",
                    nz(st->id), nz(s->mechanisms[m].id), st->adopt, nz(D->id), ctx);
        }
    }
}

/* Does seat si take part in stage st of consultation K (named, and may read what it decides)? */
static int takes_part(const cc_scenario *s, const cc_consultation *K, const cc_stage *st, size_t si)
{
    int named = 0;
    for (size_t r = 0; r < st->participants.n && !named; r++)
        named = cc_scenario_ref_has_seat(s, &st->participants.v[r], si);
    if (!named || !cc_scenario_seat_reads(s, si, &K->label))
        return 0;
    if (st->kind == CC_STAGE_DECIDE && K->decision_index >= 0)
        return cc_scenario_seat_reads(s, si, &s->decisions[K->decision_index].label);
    return 1;
}

/* The option a seat's agent votes for in decide stage k of mechanism M (consultation K): the one
 * option its vote rules there name, NULL when none or several; *acts: some rule acts in the stage
 * (for a decide stage that decides a decision: votes). See docs/scenario-format.md, "How a
 * consultation runs": which stage each rule acts in. */
static const char *agent_act(const cc_scenario *s, const cc_consultation *K, const cc_mechanism *M, size_t k,
                             size_t si, int *acts)
{
    const cc_stage *st = &M->stages[k];
    const cc_agent *A = &s->agents[s->seats[si].agent_index];
    int votes_needed = st->kind == CC_STAGE_DECIDE && K->decision_index >= 0;
    /* the first stage that names the seat, and the first of each kind at or after it */
    size_t first = M->nstages;
    for (size_t j = 0; j < M->nstages && first == M->nstages; j++)
        if (takes_part(s, K, &M->stages[j], si))
            first = j;
    const char *option = NULL;
    int noptions = 0;
    *acts = 0;
    for (size_t r = 0; r < A->nrules; r++) {
        const cc_agent_rule *R = &A->rules[r];
        int here = 0;
        if (R->decision && (R->decision_index < 0 || R->decision_index != K->decision_index))
            continue; /* the rule is for another decision's consultations */
        if (R->on == CC_AEV_STAGE) {
            here = !R->has_stage || R->stage == st->kind;
        } else if (R->on == CC_AEV_REQUEST && first < M->nstages) {
            size_t target = first;
            if (R->has_stage)
                for (target = first; target < M->nstages; target++)
                    if (M->stages[target].kind == R->stage && takes_part(s, K, &M->stages[target], si))
                        break;
            here = target == k;
        } else if (R->on == CC_AEV_DECISION_OPEN && votes_needed) {
            const cc_decision *D = &s->decisions[K->decision_index];
            for (size_t d = 0; d < D->deciders.n && !here; d++)
                here = cc_scenario_ref_has_seat(s, &D->deciders.v[d], si);
        }
        if (!here)
            continue;
        int act = votes_needed ? R->action == CC_ACT_VOTE
                               : R->action == CC_ACT_ACKNOWLEDGE || R->action == CC_ACT_POSITION ||
                                     R->action == CC_ACT_VOTE || R->action == CC_ACT_REVIEW ||
                                     (R->action == CC_ACT_OBJECT && st->max_rounds > 0);
        *acts |= act;
        if (act && R->action == CC_ACT_VOTE && R->option && (!option || strcmp(option, R->option) != 0)) {
            option = R->option;
            noptions++;
        }
    }
    return noptions == 1 ? option : NULL;
}

/* Warns about each consultation that can never complete under a mechanism it may run, played by
 * agents: the first stage whose rule no set of agent actions can satisfy (a participant whose
 * agent has no rule acting in the stage; a unanimity its agents' fixed votes can never reach; a
 * lead that does not take part). simulated: nobody else acts (caucus sim), so a participant
 * without an agent blocks too; otherwise it is a person's seat, who may act. */
static void check_completion(ck *C, int simulated)
{
    const cc_scenario *s = C->s;
    int all_agents = simulated;
    for (size_t c = 0; c < s->nconsultations; c++) {
        const cc_consultation *K = &s->consultations[c];
        if (!K->label.valid)
            continue;
        for (size_t m = 0; m < s->nmechanisms; m++) {
            if (!may_run(K, m))
                continue;
            const cc_mechanism *M = &s->mechanisms[m];
            for (size_t k = 0; k < M->nstages; k++) {
                const cc_stage *st = &M->stages[k];
                size_t nparts = 0, nacting = 0;
                const char *blocker = NULL, *why = NULL, *opt = NULL, *oseat = NULL;
                size_t blocker_index = 0;
                int disagree = 0;
                for (size_t si = 0; si < s->nseats; si++) {
                    if (!takes_part(s, K, st, si))
                        continue;
                    nparts++;
                    int acts = !all_agents; /* a person may act */
                    const char *o = NULL;
                    if (s->seats[si].agent_index >= 0)
                        o = agent_act(s, K, M, k, si, &acts);
                    nacting += acts;
                    if (!acts && !blocker) {
                        blocker = s->seats[si].id;
                        blocker_index = si;
                        why = s->seats[si].agent_index < 0 ? "has no agent" : "has an agent with no rule acting in it";
                    }
                    if (acts && o && !opt) {
                        opt = o;
                        oseat = s->seats[si].id;
                    } else if (acts && o && strcmp(o, opt) != 0) {
                        disagree = 1;
                    }
                }
                char msg[320] = "";
                const char *hint = "add an agent rule that acts in the stage (on: stage), or change its participants";
                int decide = st->kind == CC_STAGE_DECIDE && st->has_rule;
                cc_rule rule = decide ? st->rule : CC_RULE_UNANIMITY;
                if (nparts == 0 || (decide && rule == CC_RULE_SILENCE)) {
                    continue; /* ends at once, or at its deadline */
                } else if (decide && rule == CC_RULE_LEAD) {
                    int in = st->lead_index >= 0 && takes_part(s, K, st, (size_t)st->lead_index);
                    int acts = !all_agents;
                    if (in && s->seats[st->lead_index].agent_index >= 0)
                        agent_act(s, K, M, k, (size_t)st->lead_index, &acts);
                    if (!in) {
                        snprintf(msg, sizeof msg, "its lead '%s' does not take part in it", nz(st->lead));
                        hint = "make the lead a participant that may read the consultation and its decision";
                    }
                    else if (!acts)
                        snprintf(msg, sizeof msg, "its lead '%s' %s", nz(st->lead),
                                 s->seats[st->lead_index].agent_index < 0 ? "has no agent"
                                                                          : "has an agent with no rule acting in it");
                } else if (decide && rule == CC_RULE_MAJORITY) {
                    if (2 * nacting <= nparts)
                        snprintf(msg, sizeof msg, "only %zu of its %zu participants have agents that act in it",
                                 nacting, nparts);
                } else if (st->mode == CC_MODE_ANY && !decide) {
                    if (nacting == 0)
                        snprintf(msg, sizeof msg, "none of its participants has an agent that acts in it");
                } else if (blocker) {
                    snprintf(msg, sizeof msg, "seat '%s' %s", blocker, why);
                    if (s->seats[blocker_index].agent_index < 0)
                        hint = "give the seat an agent, or change the stage's participants";
                } else if (decide && K->decision_index >= 0 && disagree) {
                    snprintf(msg, sizeof msg, "unanimity is out of reach: '%s' always votes '%s' and others another option",
                             nz(oseat), nz(opt));
                    hint = "change the agents' vote rules or the stage's rule";
                }
                if (!msg[0])
                    continue;
                WARN(C, st->pos, "never-completes", hint,
                     "consultation '%s' can never complete under mechanism '%s' in a simulation: stage '%s' "
                     "waits, as %s",
                     nz(K->id), nz(M->id), nz(st->id), msg);
                break;
            }
        }
    }
}

cc_err cc_scenario_check_simulation(const cc_scenario *s, cc_diags *diags)
{
    cc_diags mine;
    cc_diags_init(&mine);
    ck C0 = {.s = (cc_scenario *)s, .d = &mine};
    check_completion(&C0, 1);
    /* the warnings cc_scenario_check already gave (agent rules that never act) once only */
    for (size_t i = 0; i < mine.count && !C0.oom; i++) {
        const cc_diag *g = &mine.items[i];
        int seen = 0;
        for (size_t k = 0; k < diags->count && !seen; k++)
            seen = diags->items[k].line == g->line && diags->items[k].col == g->col &&
                   strcmp(diags->items[k].message, g->message) == 0;
        if (!seen && cc_diags_add(diags, g->sev, g->file, (cc_pos){g->line, g->col}, g->code, g->hint, "%s",
                                  g->message) != CC_OK)
            C0.oom = 1;
    }
    cc_diags_free(&mine);
    return C0.oom ? CC_ERR_NOMEM : CC_OK;
}

int cc_scenario_rule_can_match(const cc_scenario *s, const cc_agent_rule *R, size_t si)
{
    switch (R->on) {
    case CC_AEV_STAGE:
    case CC_AEV_REQUEST:
        for (size_t m = 0; m < s->nmechanisms; m++)
            for (size_t k = 0; k < s->mechanisms[m].nstages; k++) {
                const cc_stage *st = &s->mechanisms[m].stages[k];
                for (size_t r = 0; r < st->participants.n && (!R->has_stage || st->kind == R->stage); r++)
                    if (cc_scenario_ref_has_seat(s, &st->participants.v[r], si))
                        return 1;
            }
        return 0;
    case CC_AEV_DECISION_OPEN:
    case CC_AEV_PROPOSAL:
        for (size_t d = 0; d < s->ndecisions; d++)
            for (size_t r = 0;
                 r < s->decisions[d].deciders.n && (R->on != CC_AEV_PROPOSAL || s->decisions[d].proposals);
                 r++)
                if (cc_scenario_ref_has_seat(s, &s->decisions[d].deciders.v[r], si))
                    return 1;
        return 0;
    case CC_AEV_INJECT:
        for (size_t i = 0; i < s->ninjects; i++) {
            const cc_inject *I = &s->injects[i];
            int to = 0, cls = !R->inject_class;
            for (size_t r = 0; r < I->to.n && !to; r++)
                to = cc_scenario_ref_has_seat(s, &I->to.v[r], si);
            for (size_t k = 0; k < I->classes.n && !cls; k++)
                cls = strcmp(I->classes.v[k], R->inject_class) == 0;
            if (to && cls && (!R->has_channel || I->channel == R->channel))
                return 1;
        }
        return 0;
    case CC_AEV_MESSAGE: return 1;
    case CC_AEV_WAITING:
    case CC_AEV_OBJECTION:
        /* a consultation the seat requests, or one whose mechanism's stages name it */
        for (size_t c = 0; c < s->nconsultations; c++)
            if (s->consultations[c].requester_index == (int)si)
                return 1;
        for (size_t m = 0; m < s->nmechanisms; m++)
            for (size_t k = 0; k < s->mechanisms[m].nstages; k++) {
                const cc_stage *st = &s->mechanisms[m].stages[k];
                for (size_t r = 0; r < st->participants.n && (R->on != CC_AEV_WAITING || !R->has_stage ||
                                                                st->kind == R->stage);
                     r++)
                    if (cc_scenario_ref_has_seat(s, &st->participants.v[r], si))
                        return 1;
            }
        return 0;
    case CC_AEV_ESCALATION: return 1; /* any seat may be escalated to by name (an agent's or a person's 'to') */
    }
    return 0;
}

/* With an agents file (docs/calibration.md): each rule of its agents that no situation of the
 * agent's seats can match. */
static void check_file_rules(ck *C)
{
    const cc_scenario *s = C->s;
    for (size_t a = 0; s->agents_file && a < s->nagents; a++) {
        const cc_agent *A = &s->agents[a];
        if (A->pos.line < CC_POS_AGENTS_FILE)
            continue;
        for (size_t r = 0; r < A->nrules; r++) {
            size_t seats = 0;
            int can = 0;
            for (size_t si = 0; si < s->nseats && !can; si++)
                if (s->seats[si].agent_index == (int)a) {
                    seats++;
                    can = cc_scenario_rule_can_match(s, &A->rules[r], si);
                }
            if (seats && !can)
                WARN(C, A->rules[r].pos, "never-matches",
                     "check the rule's 'on' and its filters, or the seats it plays",
                     "agent '%s', rule %zu (on: %s): no situation of its seats can match it", nz(A->id),
                     r + 1, cc_agent_event_name(A->rules[r].on));
        }
    }
}

/* Seats: party, cells (and who is in the control cell), agent; agents that play no seat. */
static void check_seats(ck *C)
{
    cc_scenario *s = C->s;
    for (size_t i = 0; i < s->nseats; i++) {
        cc_seat *st = &s->seats[i];
        char ctx[120];
        snprintf(ctx, sizeof ctx, "seat '%s'", nz(st->id));
        if (st->party && st->party_index < 0)
            unknown(C, st->party_pos, C->parties, "party", st->party, ctx);
        st->cell_index.v = cc_arena_array(s->arena, st->cells.n ? st->cells.n : 1, sizeof(int));
        if (!st->cell_index.v) {
            C->oom = 1;
            break;
        }
        for (size_t k = 0; k < st->cells.n; k++) {
            int c = lookup(C, C->cells, st->cells.v[k], st->cells.pos[k], "cell", ctx);
            st->cell_index.v[st->cell_index.n++] = c;
            if (c >= 0 && c == s->control_cell)
                st->control = true;
        }
        if (st->agent) {
            st->agent_index = lookup(C, C->agents, st->agent, st->agent_pos, "agent", ctx);
            if (st->agent_index >= 0)
                C->agent_used[st->agent_index] = 1;
        }
    }
    for (size_t i = 0; i < s->nagents; i++) /* with an agents file, only its own agents: it may supersede */
        if (!C->agent_used[i] && (!s->agents_file || s->agents[i].pos.line >= CC_POS_AGENTS_FILE))
            WARN(C, s->agents[i].pos, "unused", "set 'agent:' on a seat", "agent '%s' plays no seat",
                 nz(s->agents[i].id));
}

/* Mechanisms: the default, each stage's references, rule and return. */
static void check_mechanisms(ck *C)
{
    cc_scenario *s = C->s;
    if (s->default_mechanism) {
        s->default_mechanism_index =
            lookup(C, C->mechanisms, s->default_mechanism, s->default_mechanism_pos, "mechanism", "exercise");
    } else if (s->nmechanisms) {
        s->default_mechanism_index = 0;
    }
    for (size_t m = 0; m < s->nmechanisms; m++) {
        cc_mechanism *M = &s->mechanisms[m];
        cc_idmap *ids = index_ids(C, M->stages, M->nstages, sizeof(cc_stage), offsetof(cc_stage, id),
                                  offsetof(cc_stage, pos), "stage");
        for (size_t k = 0; k < M->nstages; k++) {
            cc_stage *st = &M->stages[k];
            char ctx[160];
            snprintf(ctx, sizeof ctx, "stage '%s' of mechanism '%s'", nz(st->id), nz(M->id));
            resolve_refs(C, &st->participants, ctx);
            resolve_refs(C, &st->escalate_to, ctx);
            if (st->has_rule)
                check_rule(C, st->rule, st->lead, st->lead_pos, &st->lead_index, &st->participants,
                           st->rule_pos, st->has_deadline, "stage", st->id);
            if (st->on_objection == CC_OBJ_RETURN) {
                int j = ids ? cc_idmap_get(ids, st->on_objection_stage) : -1;
                if (j < 0 || (size_t)j >= k)
                    ERR(C, st->on_objection_pos, "bad-stage", "name an earlier stage, or use vote or fail",
                        "%s: on_objection '%s' is not an earlier stage of the mechanism", ctx,
                        nz(st->on_objection_stage));
                else
                    st->on_objection_index = j;
            }
        }
    }
}

/* Injects: sender, recipients, objectives, who may read them, when. */
static void check_injects(ck *C)
{
    cc_scenario *s = C->s;
    for (size_t i = 0; i < s->ninjects; i++) {
        cc_inject *I = &s->injects[i];
        char ctx[120];
        snprintf(ctx, sizeof ctx, "inject '%s'", nz(I->id));
        if (I->from && strcmp(I->from, "control") == 0) {
            if (s->control_cell < 0)
                ERR(C, I->from_pos, "no-control", "add a cell with 'kind: control'",
                    "%s is sent by control, but the scenario has no control cell", ctx);
        } else if (I->from) {
            I->from_index = lookup(C, C->seats, I->from, I->from_pos, "seat", ctx);
        }
        resolve_refs(C, &I->to, ctx);
        resolve_objectives(C, &I->objectives, &I->objective_index, C->obj_used, ctx);
        check_readers(C, &I->to, &I->label, "inject", nz(I->id), 1);
        resolve_when(C, &I->when, "inject", I->id);
    }
}

/* Decisions: options, deciders, rule, who may decide them, when. */
static void check_decisions(ck *C)
{
    cc_scenario *s = C->s;
    for (size_t i = 0; i < s->ndecisions; i++) {
        cc_decision *D = &s->decisions[i];
        char ctx[120];
        snprintf(ctx, sizeof ctx, "decision '%s'", nz(D->id));
        index_ids(C, D->options, D->noptions, sizeof(cc_option), offsetof(cc_option, id),
                  offsetof(cc_option, pos), "option");
        if (D->noptions == 0 && !D->proposals)
            ERR(C, D->pos, "no-options", "add 'options' or set 'proposals: true'",
                "%s has no options and does not allow proposals", ctx);
        resolve_refs(C, &D->deciders, ctx);
        resolve_objectives(C, &D->objectives, &D->objective_index, C->obj_used, ctx);
        check_rule(C, D->rule, D->lead, D->lead_pos, &D->lead_index, &D->deciders, D->rule_pos,
                   D->has_deadline, "decision", D->id);
        size_t before = C->errors;
        size_t readers = check_readers(C, &D->deciders, &D->label, "decision", nz(D->id), 1);
        if (D->label.valid && D->deciders.n && readers == 0 && C->errors == before)
            ERR(C, D->deciders.pos, "no-decider", NULL,
                "no seat can take %s: none of its deciders can read %s", ctx, nz(D->label.text));
        resolve_when(C, &D->when, "decision", D->id);
    }
}

/* Every stage of every mechanism consultation K may run needs participants who can read it. */
static void check_stage_readers(ck *C, const cc_consultation *K)
{
    const cc_scenario *s = C->s;
    for (size_t m = 0; K->label.valid && m < s->nmechanisms; m++) {
        if (!may_run(K, m))
            continue;
        const cc_mechanism *M = &s->mechanisms[m];
        for (size_t k = 0; k < M->nstages; k++) {
            const cc_stage *st = &M->stages[k];
            for (size_t r = 0; r < st->participants.n; r++) {
                const cc_ref *x = &st->participants.v[r];
                if (x->kind != CC_REF_ALL && x->index < 0)
                    continue;
                int members = 0, readers = 0;
                for (size_t si = 0; si < s->nseats; si++)
                    if (cc_scenario_ref_has_seat(s, x, si)) {
                        members++;
                        readers += cc_scenario_seat_reads(s, si, &K->label);
                    }
                if (members && !readers)
                    WARN(C, x->pos, "unreadable", "lower the consultation's label or change the participants",
                         "stage '%s' of mechanism '%s': no seat in '%s' can read consultation '%s' (%s)",
                         nz(st->id), nz(M->id), x->name, nz(K->id), nz(K->label.text));
            }
        }
    }
}

/* Consultations: requester, mechanism, decision, adopt, who may read them, when. */
static void check_consultations(ck *C)
{
    cc_scenario *s = C->s;
    for (size_t i = 0; i < s->nconsultations; i++) {
        cc_consultation *K = &s->consultations[i];
        char ctx[120];
        snprintf(ctx, sizeof ctx, "consultation '%s'", nz(K->id));
        K->requester_index = lookup(C, C->seats, K->requested_by, K->requested_by_pos, "seat", ctx);
        if (K->mechanism)
            K->mechanism_index = lookup(C, C->mechanisms, K->mechanism, K->mechanism_pos, "mechanism", ctx);
        else if (s->nmechanisms == 0)
            ERR(C, K->pos, "no-mechanism", "add a 'mechanisms' section", "%s has no mechanism to run", ctx);
        if (K->decision)
            K->decision_index = lookup(C, C->decisions, K->decision, K->decision_pos, "decision", ctx);
        check_adopt(C, K, ctx);
        if (K->requester_index >= 0 && K->label.valid &&
            !cc_scenario_seat_reads(s, (size_t)K->requester_index, &K->label))
            ERR(C, K->requested_by_pos, "unreadable", NULL,
                "%s: requesting seat '%s' cannot read its label %s", ctx, K->requested_by, nz(K->label.text));
        resolve_when(C, &K->when, "consultation", K->id);
        check_stage_readers(C, K);
    }
}

/* Guidelines: objectives, references, and rules that can never fire. */
static void check_guidelines(ck *C)
{
    cc_scenario *s = C->s;
    for (size_t i = 0; i < s->nguidelines; i++) {
        cc_guideline *G = &s->guidelines[i];
        char ctx[120];
        snprintf(ctx, sizeof ctx, "guideline '%s'", nz(G->id));
        resolve_objectives(C, &G->objectives, &G->objective_index, C->obj_used, ctx);
        if (G->consultation)
            G->consultation_index =
                lookup(C, C->consultations, G->consultation, G->ref_pos, "consultation", ctx);
        if (G->decision)
            G->decision_index = lookup(C, C->decisions, G->decision, G->ref_pos, "decision", ctx);
        if (G->kind == CC_GRULE_SHARE && G->with.name) {
            cc_refs one = {&G->with, 1, G->with.pos};
            resolve_refs(C, &one, ctx);
            int used = 0;
            for (size_t k = 0; k < s->ninjects && !used; k++)
                for (size_t j = 0; j < s->injects[k].classes.n && !used; j++)
                    used = G->inject_class && strcmp(s->injects[k].classes.v[j], G->inject_class) == 0;
            if (!used && G->inject_class)
                WARN(C, G->rule_pos, "never-fires", NULL, "%s: no inject has class '%s'", ctx,
                     G->inject_class);
        }
        if (G->kind == CC_GRULE_STAGE_DEADLINE) {
            int found = 0;
            for (size_t m = 0; m < s->nmechanisms && !found; m++)
                for (size_t k = 0; k < s->mechanisms[m].nstages && !found; k++)
                    found = s->mechanisms[m].stages[k].kind == G->stage;
            if (!found)
                WARN(C, G->rule_pos, "never-fires", NULL, "%s: no mechanism has a '%s' stage", ctx,
                     cc_stage_kind_name(G->stage));
        }
    }
}

/* 1 when decision d (-1: any decision) offers option id: one of its options, or a proposal's id
 * (P1, P2, ...) when it accepts proposals (docs/event-log.md, decision.propose). */
static int option_offered(const cc_scenario *s, int d, const char *id)
{
    int proposal =
        id[0] == 'P' && id[1] >= '1' && id[1] <= '9' && strspn(id + 1, "0123456789") == strlen(id + 1);
    for (size_t k = d >= 0 ? (size_t)d : 0; k < s->ndecisions && (d < 0 || k == (size_t)d); k++) {
        const cc_decision *D = &s->decisions[k];
        if (proposal && D->proposals)
            return 1;
        for (size_t o = 0; o < D->noptions; o++)
            if (D->options[o].id && strcmp(D->options[o].id, id) == 0)
                return 1;
    }
    return 0;
}

/* Agents: an option voted for should exist somewhere (in the rule's decision, when it names one). */
static void check_agent_options(ck *C)
{
    cc_scenario *s = C->s;
    for (size_t i = 0; i < s->nagents; i++) {
        cc_agent *A = &s->agents[i];
        for (size_t k = 0; k < A->nrules; k++) {
            cc_agent_rule *R = &A->rules[k];
            char ctx[120];
            snprintf(ctx, sizeof ctx, "rule %zu of agent '%s'", k + 1, nz(A->id));
            resolve_refs(C, &R->to, ctx);
            R->decision_index =
                R->decision ? lookup(C, C->decisions, R->decision, R->decision_pos, "decision", ctx) : -1;
            if (R->option && !option_offered(s, R->decision_index, R->option)) {
                if (R->decision_index >= 0)
                    WARN(C, R->option_pos, "unknown-ref", NULL,
                         "%s votes for option '%s', which decision '%s' does not offer", ctx, R->option,
                         R->decision);
                else
                    WARN(C, R->option_pos, "unknown-ref", NULL,
                         "%s votes for option '%s', which no decision offers", ctx, R->option);
            }
        }
    }
}

/* Parties' keys are named after their party; each endorser is a party that holds a note key
 * (docs/tamper-evidence.md, "Endorsed guidelines"). */
static void check_keys_and_endorsers(ck *C)
{
    cc_scenario *s = C->s;
    for (size_t p = 0; p < s->nparties; p++) {
        const cc_party *P = &s->parties[p];
        for (size_t k = 0; P->id && k < P->keys.n; k++) {
            cc_note_verifier *v = NULL;
            cc_note_error ne;
            if (cc_note_verifier_parse(P->keys.v[k], strlen(P->keys.v[k]), &v, &ne) != CC_OK)
                continue; /* the loader said why */
            if (strcmp(cc_note_verifier_name(v), P->id) != 0)
                ERR(C, P->keys.pos[k], "bad-key",
                    "make the party's key with caucus keygen PARTY (the key's name)",
                    "party '%s': the key is named '%s', not after the party", P->id,
                    cc_note_verifier_name(v));
            cc_note_verifier_free(v);
        }
    }
    s->endorser_index.v = cc_arena_array(s->arena, s->endorsers.n ? s->endorsers.n : 1, sizeof(int));
    if (!s->endorser_index.v) {
        C->oom = 1;
        return;
    }
    s->endorser_index.n = s->endorsers.n;
    for (size_t i = 0; i < s->endorsers.n; i++) {
        int p =
            lookup(C, C->parties, s->endorsers.v[i], s->endorsers.pos[i], "party", "exercise 'endorsers'");
        s->endorser_index.v[i] = p;
        int twice = 0;
        for (size_t j = 0; j < i && p >= 0 && !twice; j++)
            twice = s->endorser_index.v[j] == p;
        if (twice)
            ERR(C, s->endorsers.pos[i], "duplicate-id", NULL, "endorser '%s' is listed twice",
                s->endorsers.v[i]);
        if (p < 0 || twice)
            continue;
        int note_key = 0;
        for (size_t k = 0; k < s->parties[p].keys.n && !note_key; k++) {
            cc_note_verifier *v = NULL;
            if (cc_note_verifier_parse(s->parties[p].keys.v[k], strlen(s->parties[p].keys.v[k]), &v, NULL) ==
                CC_OK)
                note_key = cc_note_verifier_type(v) == CC_NOTE_KEY_NOTE;
            cc_note_verifier_free(v);
        }
        if (!note_key)
            ERR(C, s->endorsers.pos[i], "bad-key",
                "add the party's note key (caucus keygen PARTY --out PARTY.key prints it) to its 'keys'",
                "endorser '%s' has no note key to endorse with", s->endorsers.v[i]);
    }
    if (s->endorsers.n && s->nguidelines == 0)
        WARN(C, s->endorsers.pos[0], "no-guidelines", NULL,
             "exercise 'endorsers' name parties to endorse the guidelines, but the scenario has none");
}

cc_err cc_scenario_check(cc_scenario *s, cc_diags *diags)
{
    ck C0 = {.s = s, .d = diags}, *C = &C0;
    C->seats = INDEX(C, s->seats, s->nseats, cc_seat, "seat");
    C->cells = INDEX(C, s->cells, s->ncells, cc_cell, "cell");
    C->parties = INDEX(C, s->parties, s->nparties, cc_party, "party");
    C->groups = INDEX(C, s->groups, s->ngroups, cc_group, "group");
    C->objectives = INDEX(C, s->objectives, s->nobjectives, cc_objective, "objective");
    C->injects = INDEX(C, s->injects, s->ninjects, cc_inject, "inject");
    C->decisions = INDEX(C, s->decisions, s->ndecisions, cc_decision, "decision");
    C->mechanisms = INDEX(C, s->mechanisms, s->nmechanisms, cc_mechanism, "mechanism");
    C->consultations = INDEX(C, s->consultations, s->nconsultations, cc_consultation, "consultation");
    C->agents = INDEX(C, s->agents, s->nagents, cc_agent, "agent");
    index_ids(C, s->phases, s->nphases, sizeof(cc_phase), offsetof(cc_phase, id), offsetof(cc_phase, pos),
              "phase");
    if (C->oom)
        return CC_ERR_NOMEM;

    C->obj_used = calloc(s->nobjectives ? s->nobjectives : 1, 1);
    C->agent_used = calloc(s->nagents ? s->nagents : 1, 1);
    if (!C->obj_used || !C->agent_used) {
        free(C->obj_used);
        free(C->agent_used);
        return CC_ERR_NOMEM;
    }

    for (size_t i = 0; i < s->nphases; i++)
        if (s->phases[i].at_s > s->duration_s)
            WARN(C, s->phases[i].pos, "never-fires", NULL, "phase '%s' starts after the end of the exercise",
                 nz(s->phases[i].id));

    check_seats(C);
    check_mechanisms(C);
    check_injects(C);
    check_decisions(C);
    check_consultations(C);
    check_guidelines(C);
    check_agent_options(C);
    check_keys_and_endorsers(C);
    if (C->errors == 0 && s->nagents > 0)
        check_completion(C, 0);
    if (C->errors == 0)
        check_file_rules(C);
    check_graph(C);

    for (size_t i = 0; i < s->nobjectives; i++)
        if (!C->obj_used[i])
            WARN(C, s->objectives[i].pos, "unexercised",
                 "list it under an inject's, decision's or guideline's 'objectives'",
                 "objective '%s' is never exercised", nz(s->objectives[i].id));

    if (s->ninjects == 0 && s->ndecisions == 0 && s->nconsultations == 0)
        ERR(C, (cc_pos){1, 1}, "empty", "add injects, decisions or consultations",
            "the scenario is empty: it has no injects, decisions or consultations");

    cc_err erc = C->oom ? CC_OK : cc_scenario_check_eval(s, diags);
    if (erc == CC_ERR_NOMEM)
        C->oom = 1;
    else if (erc != CC_OK)
        C->errors++;

    free(C->obj_used);
    free(C->agent_used);
    if (C->oom)
        return CC_ERR_NOMEM;
    return C->errors ? CC_ERR_INVALID : CC_OK;
}
