/* sim — replications x variants through the engine in simulation mode, on worker threads
 * that take (variant, replication) jobs from a shared counter; every job writes only its own
 * row, so results do not depend on the number of threads or on scheduling. The metrics and the
 * statistics are defined in docs/sim.md; a time that had not happened when a run ended is kept
 * as censored (a negative value), never dropped. */
#include "sim/sim.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "core/engine.h"
#include "core/label.h"
#include "core/scenario_model.h"
#include "core/grow.h"
#include "sim/stats.h"

typedef struct metric {
    char name[160];
    int rate;
} metric;

/* Information sharing (docs/sim.md): items of one inject class (NULL: no class) releasable to a
 * party but not addressed to any of its seats, so that only sharing can bring them there. */
typedef struct info_group {
    size_t party;
    const char *cls;
    size_t *items; /* inject indices */
    size_t nitems;
    size_t m_worst, m_all; /* metrics: the slowest item's latency, all items delivered */
    size_t m_item;         /* first of nitems per-item latency metrics */
} info_group;

#define Z95 1.959963984540054 /* the 0.975 quantile of the standard normal */

struct cc_sim {
    const cc_scenario *s;
    /* columns: nvar = npoints x nmech, column v = point v / nmech running mechanism
     * variants[v % nmech] on points[v / nmech] (s itself without a sweep) */
    size_t nvar, reps, nmet, nmech, npoints;
    int as_written; /* every consultation names its mechanism: one column, whatever the variant */
    const cc_scenario *const *points;
    int *variants;
    metric *met;
    double *val; /* [v][m][rep] */
    /* metric index bases */
    size_t m_cons_time, m_cons_rate, m_cons_fail, m_dec_time, m_dec_rate, m_guide;
    size_t *silence_metric; /* per decision: its "adopted by silence" metric, or (size_t)-1 */
    size_t *stage_metric;  /* [consultation][stage kind]: metric index, or (size_t)-1 */
    uint8_t
        *has_kind; /* [mechanism variant][consultation][stage kind]: the mechanism it runs has that kind */
    size_t *outcome_base;  /* per decision: first outcome metric */
    info_group *info;
    size_t ninfo;
    /* summaries computed so far, [v][m] (the CLI asks for each twice, for its table and its JSON);
     * cc_sim_values, through which values may change, forgets them. NULL: none kept. */
    cc_sim_summary *sums;
    uint8_t *have_sum;
    double *tau; /* per metric: the restriction horizon of a time (hours) */
    int tau_ok;
    size_t val_bytes; /* the mapping of val */
};

/* A zeroed array of n doubles (n >= 1), mapped on its own with transparent huge pages asked for:
 * the value array and the summaries' work arrays run to tens of megabytes, and a huge page faults
 * in once instead of 512 times. NULL when out of memory; *bytes: the size for big_free. Under
 * AddressSanitizer, from the heap instead. */
#if defined(__SANITIZE_ADDRESS__)
#define CC_SIM_HEAP_ARRAYS 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CC_SIM_HEAP_ARRAYS 1
#endif
#endif

static double *big_new(size_t n, size_t *bytes)
{
    *bytes = n * sizeof(double);
#ifdef CC_SIM_HEAP_ARRAYS /* under AddressSanitizer: from the heap, where overflows are caught */
    return calloc(n, sizeof(double));
#else
    void *p = mmap(NULL, *bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return NULL;
#ifdef MADV_HUGEPAGE
    if (*bytes >= ((size_t)2 << 20))
        (void)madvise(p, *bytes, MADV_HUGEPAGE); /* a hint: without it, ordinary pages */
#endif
    return p;
#endif
}

static void big_free(double *p, size_t bytes)
{
#ifdef CC_SIM_HEAP_ARRAYS
    (void)bytes;
    free(p);
#else
    if (p)
        munmap(p, bytes);
#endif
}

typedef struct rep_obs {
    const cc_scenario *s;
    int mech_variant;    /* the variant's mechanism, for consultations without a fixed one */
    int64_t *stage_end;  /* [consultation][stage kind]: first end, -1 none */
    int64_t *rel;        /* per inject: release time, -1 none */
    int64_t *first;      /* [inject][party]: first delivery to a seat of the party, -1 none */
    int64_t *req, *done; /* per consultation, -1 none */
    int64_t *failed;     /* per consultation */
    int64_t *made;       /* per decision */
    uint8_t *silence;    /* per decision: made by a silence procedure */
    int *met, *missed;   /* per guideline */
} rep_obs;

/* The engine calls this for item milestones only (a few per replication). */
static void observe(void *ctx, cc_evtype type, uint32_t item, unsigned detail, int64_t t)
{
    rep_obs *o = ctx;
    size_t i = cc_engine_item_index(item);
    switch (type) {
    case CC_EV_INJECT_RELEASE: o->rel[i] = t; break;
    case CC_EV_CONSULT_REQUEST: o->req[i] = t; break;
    case CC_EV_CONSULT_DONE: o->done[i] = t; break;
    case CC_EV_CONSULT_FAILED: o->failed[i] = t; break;
    case CC_EV_DECISION_MADE:
        if (detail & CC_OBSERVE_SILENCE)
            o->silence[i] = 1;
        else
            o->made[i] = t;
        break;
    case CC_EV_FINDING: (detail & CC_OBSERVE_MET ? o->met : o->missed)[item]++; break;
    default: break;
    }
}

static void observe_stage(void *ctx, size_t c, size_t k, int64_t t)
{
    rep_obs *o = ctx;
    const cc_consultation *C = &o->s->consultations[c];
    int m = C->mechanism_index >= 0 ? C->mechanism_index : o->mech_variant;
    if (m < 0 || k >= o->s->mechanisms[m].nstages)
        return;
    int64_t *slot = &o->stage_end[c * CC_STAGE_COUNT + o->s->mechanisms[m].stages[k].kind];
    if (*slot < 0)
        *slot = t;
}

static void observe_delivery(void *ctx, uint32_t item, size_t seat, int64_t t)
{
    rep_obs *o = ctx;
    if (cc_engine_item_kind(item) != 0) /* injects only */
        return;
    int p = o->s->seats[seat].party_index;
    if (p < 0)
        return;
    int64_t *slot = &o->first[cc_engine_item_index(item) * o->s->nparties + (size_t)p];
    if (*slot < 0)
        *slot = t;
}

typedef struct worker {
    cc_sim *r;
    const cc_sim_opts *o;
    atomic_size_t *next;
    atomic_size_t *done;
    uint8_t *autos;
    cc_err rc;
} worker;

/* The values of replication rep of variant v: metric m at [m * r->reps] (metric-major, so that a
 * summary reads one metric's values in one contiguous run). */
static double *column(cc_sim *r, size_t v, size_t rep)
{
    return r->val + v * r->nmet * r->reps + rep;
}

/* A time from `from` to `to` (ms) in hours; with `to` < 0 (it has not happened) censored at the end
 * of the run: -(end - from) hours; NAN when `from` < 0 (it could not start) or the run ended at
 * `from` (nothing was observed). */
static double time_value(int64_t from, int64_t to, int64_t end)
{
    if (from < 0 || (to < 0 && end <= from))
        return NAN;
    return to >= 0 ? (double)(to - from) / 3600000.0 : -(double)(end - from) / 3600000.0;
}

/* The latency of each item of an information group to its party, and the slowest of them. */
static void info_values(const cc_sim *r, const info_group *G, const rep_obs *ob, int64_t end, double *x)
{
    size_t st = r->reps, nrel = 0;
    double worst = 0;
    int censored = 0;
    for (size_t k = 0; k < G->nitems; k++) {
        size_t i = G->items[k];
        double y = time_value(ob->rel[i], ob->first[i * r->s->nparties + G->party], end);
        x[(G->m_item + k) * st] = y;
        if (isnan(y))
            continue;
        nrel++;
        censored |= signbit(y) != 0;
        worst = fabs(y) > worst ? fabs(y) : worst;
    }
    /* the slowest item: censored at the largest time seen when any item is censored */
    x[G->m_worst * st] = nrel == 0 ? NAN : censored ? -worst : worst;
    x[G->m_all * st] = nrel == 0 ? NAN : !censored;
}

/* Runs replication rep of variant v on *ep: created on the worker's first job, restarted for each
 * next one (no allocation per replication). */
static cc_err run_one(cc_sim *r, const uint8_t *autos, uint64_t seed, size_t v, size_t rep, rep_obs *ob,
                      cc_engine **eps)
{
    size_t vm = v % r->nmech, point = v / r->nmech;
    const cc_scenario *s = r->points ? r->points[point] : r->s;
    cc_engine **ep = &eps[point];
    for (size_t c = 0; c < s->nconsultations; c++)
        ob->req[c] = ob->done[c] = ob->failed[c] = -1;
    for (size_t d = 0; d < s->ndecisions; d++) {
        ob->made[d] = -1;
        ob->silence[d] = 0;
    }
    memset(ob->met, 0, sizeof *ob->met * (s->nguidelines + 1));
    ob->s = s;
    ob->mech_variant = r->variants[vm];
    for (size_t k = 0; k < s->nconsultations * CC_STAGE_COUNT; k++)
        ob->stage_end[k] = -1;
    for (size_t k = 0; k < s->ninjects; k++)
        ob->rel[k] = -1;
    for (size_t k = 0; k < s->ninjects * s->nparties; k++)
        ob->first[k] = -1;
    memset(ob->missed, 0, sizeof *ob->missed * (s->nguidelines + 1));
    cc_engine_opts eo = {.seed = seed,
                         .replication = rep,
                         .variant = r->variants[vm],
                         .no_log = 1,
                         .auto_seats = autos,
                         .observe = observe,
                         .observe_delivery = observe_delivery,
                         .observe_delivery_kinds = 1u << CC_ITEM_INJECT, /* what it reads */
                         .observe_stage = observe_stage,
                         .observe_ctx = ob};
    cc_err rc = *ep ? cc_engine_restart(*ep, rep, r->variants[vm]) : cc_engine_new(s, &eo, NULL, NULL, ep);
    cc_engine *e = *ep;
    int64_t end = s->duration_s * 1000;
    if (rc == CC_OK)
        rc = cc_engine_start(e);
    if (rc == CC_OK)
        rc = cc_engine_run_until(e, end);
    if (rc != CC_OK)
        return rc;
    double *x = column(r, v, rep);
    size_t st = r->reps;
    for (size_t c = 0; c < s->nconsultations; c++) {
        int asked = ob->req[c] >= 0;
        x[(r->m_cons_time + c) * st] = time_value(ob->req[c], ob->done[c], end);
        x[(r->m_cons_rate + c) * st] = asked ? ob->done[c] >= 0 : NAN;
        x[(r->m_cons_fail + c) * st] = asked ? ob->failed[c] >= 0 : NAN;
        const uint8_t *kinds = r->has_kind + (vm * s->nconsultations + c) * CC_STAGE_COUNT;
        for (size_t k = 0; k < CC_STAGE_COUNT; k++) {
            size_t m = r->stage_metric[c * CC_STAGE_COUNT + k];
            if (m != (size_t)-1)
                x[m * st] = kinds[k] ? time_value(ob->req[c], ob->stage_end[c * CC_STAGE_COUNT + k], end) : NAN;
        }
    }
    for (size_t d = 0; d < s->ndecisions; d++) {
        x[(r->m_dec_time + d) * st] = time_value(0, ob->made[d], end);
        x[(r->m_dec_rate + d) * st] = ob->made[d] >= 0;
        if (r->silence_metric[d] != (size_t)-1)
            x[r->silence_metric[d] * st] = ob->made[d] >= 0 ? ob->silence[d] : NAN;
        const char *outcome = NULL;
        cc_engine_decision_state(e, d, &outcome);
        for (size_t k = 0; k < s->decisions[d].noptions; k++)
            x[(r->outcome_base[d] + k) * st] = outcome && strcmp(outcome, s->decisions[d].options[k].id) == 0;
    }
    for (size_t g = 0; g < r->ninfo; g++)
        info_values(r, &r->info[g], ob, end, x);
    for (size_t g = 0, k = 0; g < s->nguidelines; g++) {
        if (s->guidelines[g].kind == CC_GRULE_NONE)
            continue;
        int n = ob->met[g] + ob->missed[g];
        x[(r->m_guide + k++) * st] = n ? (ob->missed[g] > 0) : NAN;
    }
    return rc;
}

static void *work(void *arg)
{
    worker *w = arg;
    cc_sim *r = w->r;
    const cc_scenario *s = r->s;
    size_t total = r->nvar * r->reps, nranks = w->o->nranks > 1 ? (size_t)w->o->nranks : 1;
    size_t rank = nranks > 1 ? (size_t)w->o->rank : 0;
    size_t local = total / nranks + (rank < total % nranks);
    rep_obs ob;
    cc_engine **eps = calloc(r->npoints, sizeof *eps); /* an engine per sweep point */
    ob.req = malloc(sizeof(int64_t) * (s->nconsultations + 1));
    ob.done = malloc(sizeof(int64_t) * (s->nconsultations + 1));
    ob.failed = malloc(sizeof(int64_t) * (s->nconsultations + 1));
    ob.made = malloc(sizeof(int64_t) * (s->ndecisions + 1));
    ob.silence = malloc(s->ndecisions + 1);
    ob.met = malloc(sizeof(int) * (s->nguidelines + 1));
    ob.missed = malloc(sizeof(int) * (s->nguidelines + 1));
    ob.stage_end = malloc(sizeof(int64_t) * (s->nconsultations * CC_STAGE_COUNT + 1));
    ob.rel = malloc(sizeof(int64_t) * (s->ninjects + 1));
    ob.first = malloc(sizeof(int64_t) * (s->ninjects * s->nparties + 1));
    if (!eps || !ob.req || !ob.done || !ob.failed || !ob.made || !ob.silence || !ob.met || !ob.missed ||
        !ob.stage_end || !ob.rel || !ob.first)
        w->rc = CC_ERR_NOMEM;
    /* jobs are claimed a few at a time (an atomic operation per job costs as much as a tenth of a
     * small replication); which worker runs a job does not change its values */
    enum { CLAIM = 64 };
    for (;;) {
        size_t first = atomic_fetch_add(w->next, CLAIM);
        if (first >= local || w->rc != CC_OK)
            break;
        size_t end = local - first < CLAIM ? local : first + CLAIM;
        for (size_t k = first; k < end && w->rc == CC_OK; k++) {
            size_t job = k * nranks + rank; /* this rank's share: every nranks-th job */
            /* variant-major order: replication r of every variant shares its random streams */
            cc_err rc = run_one(r, w->autos, w->o->seed, job % r->nvar, job / r->nvar, &ob, eps);
            if (rc != CC_OK)
                w->rc = rc;
            if (w->o->progress)
                w->o->progress(w->o->progress_ctx, atomic_fetch_add(w->done, 1) + 1, local);
        }
    }
    for (size_t p = 0; eps && p < r->npoints; p++)
        cc_engine_free(eps[p]);
    free(eps);
    free(ob.req);
    free(ob.done);
    free(ob.failed);
    free(ob.made);
    free(ob.silence);
    free(ob.met);
    free(ob.missed);
    free(ob.stage_end);
    free(ob.rel);
    free(ob.first);
    return NULL;
}

/* Whether b has a's structure (the same items, in the same order, and the same stages), so that
 * a sweep point's values fit a's metrics. */
static int same_structure(const cc_scenario *a, const cc_scenario *b)
{
    if (a->nseats != b->nseats || a->nconsultations != b->nconsultations || a->ndecisions != b->ndecisions ||
        a->nmechanisms != b->nmechanisms || a->ninjects != b->ninjects || a->nguidelines != b->nguidelines ||
        a->nparties != b->nparties || a->duration_s != b->duration_s)
        return 0;
    for (size_t m = 0; m < a->nmechanisms; m++) {
        if (a->mechanisms[m].nstages != b->mechanisms[m].nstages)
            return 0;
        for (size_t k = 0; k < a->mechanisms[m].nstages; k++)
            if (a->mechanisms[m].stages[k].kind != b->mechanisms[m].stages[k].kind)
                return 0;
    }
    for (size_t d = 0; d < a->ndecisions; d++)
        if (a->decisions[d].noptions != b->decisions[d].noptions)
            return 0;
    for (size_t c = 0; c < a->nconsultations; c++)
        if (a->consultations[c].mechanism_index != b->consultations[c].mechanism_index)
            return 0;
    for (size_t g = 0; g < a->nguidelines; g++)
        if (a->guidelines[g].kind != b->guidelines[g].kind)
            return 0;
    return 1;
}

/* Whether decision d can be made by a silence procedure in a run of r: its own rule is silence, or
 * a consultation that decides it runs a mechanism with a silence decide stage. */
static int decided_by_silence_possible(const cc_scenario *s, const cc_sim *r, size_t d)
{
    if (s->decisions[d].rule == CC_RULE_SILENCE)
        return 1;
    for (size_t c = 0; c < s->nconsultations; c++) {
        if (s->consultations[c].decision_index != (int)d)
            continue;
        for (size_t v = 0; v < r->nmech; v++) {
            int m = s->consultations[c].mechanism_index >= 0 ? s->consultations[c].mechanism_index
                                                             : r->variants[v];
            for (size_t k = 0; k < s->mechanisms[m].nstages; k++) {
                const cc_stage *S = &s->mechanisms[m].stages[k];
                if (S->kind == CC_STAGE_DECIDE && S->has_rule && S->rule == CC_RULE_SILENCE)
                    return 1;
            }
        }
    }
    return 0;
}

/* Adds a metric named "A: WHAT" (both parts copied); returns its index, or (size_t)-1 on ENOMEM. */
static size_t add_metric(cc_sim *r, size_t *cap, int rate, const char *a, const char *what)
{
    metric *n = cc_grow(r->met, cap, r->nmet + 1, sizeof *n);
    if (!n)
        return (size_t)-1;
    r->met = n;
    snprintf(r->met[r->nmet].name, sizeof r->met[r->nmet].name, "%s%s%s", a, *what ? ": " : "", what);
    r->met[r->nmet].rate = rate;
    return r->nmet++;
}

/* A party whose seats are all in the control cell takes no part in information sharing. */
static int plays(const cc_scenario *s, size_t p)
{
    for (size_t i = 0; i < s->nseats; i++) {
        if (s->seats[i].party_index != (int)p)
            continue;
        int control = 0;
        for (size_t k = 0; k < s->seats[i].cell_index.n; k++)
            control |= s->seats[i].cell_index.v[k] == s->control_cell;
        if (!control)
            return 1;
    }
    return 0;
}

/* Whether inject i may reach party p (some seat of p may read it), and whether it is addressed to
 * a seat of p that may read it (then it needs no sharing). */
static void reach(const cc_scenario *s, size_t i, size_t p, int *releasable, int *addressed)
{
    const cc_inject *I = &s->injects[i];
    *releasable = *addressed = 0;
    for (size_t k = 0; k < s->nseats; k++) {
        if (s->seats[k].party_index != (int)p || !cc_scenario_seat_reads(s, k, &I->label))
            continue;
        *releasable = 1;
        for (size_t j = 0; j < I->to.n && !*addressed; j++)
            *addressed = cc_scenario_ref_has_seat(s, &I->to.v[j], k);
    }
}

static int same_class(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

/* The information groups (party, class) and their metrics. */
static int add_info(cc_sim *r, size_t *cap)
{
    const cc_scenario *s = r->s;
    for (size_t p = 0; p < s->nparties; p++) {
        if (!plays(s, p))
            continue;
        size_t first_group = r->ninfo;
        for (size_t i = 0; i < s->ninjects; i++) {
            int rel, addr;
            reach(s, i, p, &rel, &addr);
            if (!rel || addr)
                continue;
            const cc_inject *I = &s->injects[i];
            size_t nc = I->classes.n ? I->classes.n : 1;
            for (size_t c = 0; c < nc; c++) {
                const char *cls = I->classes.n ? I->classes.v[c] : NULL;
                size_t g = first_group;
                while (g < r->ninfo && !same_class(r->info[g].cls, cls))
                    g++;
                if (g == r->ninfo) {
                    info_group *n = realloc(r->info, (r->ninfo + 1) * sizeof *n);
                    if (!n)
                        return -1;
                    r->info = n;
                    r->info[r->ninfo++] = (info_group){p, cls, NULL, 0, 0, 0, 0};
                }
                info_group *G = &r->info[g];
                size_t *it = realloc(G->items, (G->nitems + 1) * sizeof *it);
                if (!it)
                    return -1;
                G->items = it;
                G->items[G->nitems++] = i;
            }
        }
    }
    for (size_t g = 0; g < r->ninfo; g++) {
        info_group *G = &r->info[g];
        char who[160];
        snprintf(who, sizeof who, "information to %s, %s%s", s->parties[G->party].id, G->cls ? "class " : "",
                 G->cls ? G->cls : "no class");
        G->m_worst = add_metric(r, cap, 0, who, "slowest item, release to first delivery (h)");
        G->m_all = add_metric(r, cap, 1, who, "every item delivered");
        if (G->m_worst == (size_t)-1 || G->m_all == (size_t)-1)
            return -1;
        G->m_item = r->nmet;
        for (size_t k = 0; k < G->nitems; k++) {
            char what[160];
            snprintf(what, sizeof what, "%s, release to first delivery (h)", s->injects[G->items[k]].id);
            if (add_metric(r, cap, 0, who, what) == (size_t)-1)
                return -1;
        }
    }
    return 0;
}

static void free_info(cc_sim *r)
{
    for (size_t g = 0; g < r->ninfo; g++)
        free(r->info[g].items);
    free(r->info);
}

/* The variants run (the mechanisms named, or every one, or "as written"), and which stage kinds
 * each consultation may pass through under each. */
static cc_err setup_variants(cc_sim *r, const cc_scenario *s, const cc_sim_opts *o)
{
    r->variants = malloc(r->nmech * sizeof *r->variants);
    r->outcome_base = calloc(s->ndecisions + 1, sizeof *r->outcome_base);
    r->has_kind = calloc(r->nmech * s->nconsultations * CC_STAGE_COUNT + 1, 1);
    r->stage_metric = calloc(s->nconsultations * CC_STAGE_COUNT + 1, sizeof(size_t)); /* each set below */
    r->silence_metric = calloc(s->ndecisions + 1, sizeof(size_t));
    if (!r->variants || !r->outcome_base || !r->has_kind || !r->stage_metric || !r->silence_metric)
        return CC_ERR_NOMEM;
    for (size_t v = 0; v < r->nmech; v++) {
        r->variants[v] = o->nvariants ? o->variants[v] : (int)v;
        if (r->variants[v] < 0 || (size_t)r->variants[v] >= s->nmechanisms)
            return CC_ERR_ARG;
        for (size_t c = 0; c < s->nconsultations; c++) {
            int m = s->consultations[c].mechanism_index >= 0 ? s->consultations[c].mechanism_index : r->variants[v];
            for (size_t j = 0; j < s->mechanisms[m].nstages; j++)
                r->has_kind[(v * s->nconsultations + c) * CC_STAGE_COUNT + s->mechanisms[m].stages[j].kind] = 1;
        }
    }
    return CC_OK;
}

/* The metrics, in the order of the output: consultations' times, rates and failures, stages,
 * decisions' times and rates, adoption by silence, outcomes, information sharing, guidelines.
 * Nonzero when one could not be added. */
static size_t define_metrics(cc_sim *r, const cc_scenario *s)
{
    size_t cap = 0, bad = 0;
    r->m_cons_time = r->nmet;
    for (size_t c = 0; c < s->nconsultations; c++)
        bad |= add_metric(r, &cap, 0, s->consultations[c].id, "request to completion (h)") == (size_t)-1;
    r->m_cons_rate = r->nmet;
    for (size_t c = 0; c < s->nconsultations; c++)
        bad |= add_metric(r, &cap, 1, s->consultations[c].id, "completed") == (size_t)-1;
    r->m_cons_fail = r->nmet;
    for (size_t c = 0; c < s->nconsultations; c++)
        bad |= add_metric(r, &cap, 1, s->consultations[c].id, "failed") == (size_t)-1;
    for (size_t c = 0; c < s->nconsultations; c++)
        for (size_t k = 0; k < CC_STAGE_COUNT; k++) {
            /* a stage kind gets a metric when a mechanism this consultation may run has it */
            int present = 0;
            for (size_t v = 0; v < r->nmech; v++)
                present |= r->has_kind[(v * s->nconsultations + c) * CC_STAGE_COUNT + k];
            size_t idx = (size_t)-1;
            if (present) {
                char what[64];
                snprintf(what, sizeof what, "request to end of %s (h)", cc_stage_kind_name((cc_stage_kind)k));
                idx = add_metric(r, &cap, 0, s->consultations[c].id, what);
                bad |= idx == (size_t)-1;
            }
            r->stage_metric[c * CC_STAGE_COUNT + k] = idx;
        }
    r->m_dec_time = r->nmet;
    for (size_t d = 0; d < s->ndecisions; d++)
        bad |= add_metric(r, &cap, 0, s->decisions[d].id, "decided at (h after start)") == (size_t)-1;
    r->m_dec_rate = r->nmet;
    for (size_t d = 0; d < s->ndecisions; d++)
        bad |= add_metric(r, &cap, 1, s->decisions[d].id, "decided") == (size_t)-1;
    for (size_t d = 0; d < s->ndecisions; d++) {
        /* a decision a silence procedure may make: the share of its outcomes made that way */
        r->silence_metric[d] = (size_t)-1;
        if (decided_by_silence_possible(s, r, d)) {
            r->silence_metric[d] = add_metric(r, &cap, 1, s->decisions[d].id, "adopted by silence");
            bad |= r->silence_metric[d] == (size_t)-1;
        }
    }
    for (size_t d = 0; d < s->ndecisions; d++) {
        r->outcome_base[d] = r->nmet;
        for (size_t k = 0; k < s->decisions[d].noptions; k++) {
            char what[96];
            snprintf(what, sizeof what, "outcome %s", s->decisions[d].options[k].id);
            bad |= add_metric(r, &cap, 1, s->decisions[d].id, what) == (size_t)-1;
        }
    }
    bad |= add_info(r, &cap) != 0;
    r->m_guide = r->nmet;
    for (size_t g = 0; g < s->nguidelines; g++)
        if (s->guidelines[g].kind != CC_GRULE_NONE)
            bad |= add_metric(r, &cap, 1, s->guidelines[g].id, "missed") == (size_t)-1;
    return bad;
}

/* The replications, on o->threads threads (the calling one among them). */
static cc_err run_workers(cc_sim *r, const cc_sim_opts *o, uint8_t *autos)
{
    atomic_size_t next = 0, done = 0;
    int nt = o->threads;
    pthread_t *th = calloc((size_t)nt, sizeof *th);
    worker *ws = calloc((size_t)nt, sizeof *ws);
    cc_err rc = th && ws ? CC_OK : CC_ERR_NOMEM;
    int started = 0;
    for (int t = 0; rc == CC_OK && t < nt; t++) {
        ws[t] = (worker){r, o, &next, &done, autos, CC_OK};
        if (t == nt - 1) {
            work(&ws[t]); /* the calling thread works too */
        } else if (pthread_create(&th[t], NULL, work, &ws[t]) == 0) {
            started++;
        } else {
            ws[t].rc = CC_OK; /* fewer threads: the others take its share */
        }
    }
    for (int t = 0; t < started; t++)
        pthread_join(th[t], NULL);
    for (int t = 0; rc == CC_OK && t < nt; t++)
        if (ws[t].rc != CC_OK)
            rc = ws[t].rc;
    free(th);
    free(ws);
    return rc;
}

cc_err cc_sim_run(const cc_scenario *s, const cc_sim_opts *o, cc_sim **out)
{
    *out = NULL;
    if (o->reps == 0 || o->threads < 1 || s->nmechanisms == 0 || o->nranks < 0 || o->rank < 0 ||
        (o->nranks > 1 && o->rank >= o->nranks) || (o->nranks <= 1 && o->rank != 0))
        return CC_ERR_ARG;
    cc_sim *r = calloc(1, sizeof *r);
    if (!r)
        return CC_ERR_NOMEM;
    r->s = s;
    r->reps = o->reps;
    /* every consultation names its mechanism: the variants would all run the same, so one column
     * ("as written"), unless the caller names variants */
    r->as_written = !o->nvariants && s->nconsultations > 0;
    for (size_t c = 0; c < s->nconsultations && r->as_written; c++)
        r->as_written = s->consultations[c].mechanism_index >= 0;
    r->nmech = o->nvariants ? o->nvariants : r->as_written ? 1 : s->nmechanisms;
    r->npoints = o->npoints ? o->npoints : 1;
    r->points = o->npoints ? o->points : NULL;
    r->nvar = r->nmech * r->npoints;
    for (size_t p = 0; p < o->npoints; p++)
        if (!same_structure(s, o->points[p])) {
            free(r);
            return CC_ERR_ARG;
        }
    cc_err rc = setup_variants(r, s, o);
    if (rc != CC_OK) {
        cc_sim_free(r);
        return rc;
    }
    size_t bad = define_metrics(r, s);
    if (!bad && r->nvar * r->reps > ((size_t)1 << 40) / (r->nmet + 1))
        bad = 1;
    if (!bad)
        r->val = big_new(r->nvar * r->reps * (r->nmet ? r->nmet : 1), &r->val_bytes); /* +0.0 */
    if (!bad && !(r->tau = malloc((r->nmet + 1) * sizeof *r->tau)))
        bad = 1;
    if (!bad && (r->sums = malloc((r->nvar * r->nmet + 1) * sizeof *r->sums)) != NULL)
        r->have_sum = calloc(r->nvar * r->nmet + 1, 1); /* none kept when either is missing */
    uint8_t *autos = calloc(s->nseats + 1, 1);
    if (bad || !r->val || !autos) {
        free(autos);
        cc_sim_free(r);
        return CC_ERR_NOMEM;
    }
    for (size_t i = 0; i < s->nseats; i++)
        autos[i] = s->seats[i].agent_index >= 0;
    rc = run_workers(r, o, autos);
    free(autos);
    if (rc != CC_OK) {
        cc_sim_free(r);
        return rc;
    }
    *out = r;
    return CC_OK;
}

void cc_sim_free(cc_sim *r)
{
    if (!r)
        return;
    free(r->variants);
    free(r->met);
    big_free(r->val, r->val_bytes);
    free(r->outcome_base);
    free(r->stage_metric);
    free(r->silence_metric);
    free(r->has_kind);
    free_info(r);
    free(r->tau);
    free(r->sums);
    free(r->have_sum);
    free(r);
}

size_t cc_sim_nvariants(const cc_sim *r)
{
    return r->nvar;
}

const char *cc_sim_variant_id(const cc_sim *r, size_t v)
{
    return r->as_written ? "as written" : r->s->mechanisms[r->variants[v % r->nmech]].id;
}

size_t cc_sim_npoints(const cc_sim *r)
{
    return r->npoints;
}

size_t cc_sim_nmechanisms(const cc_sim *r)
{
    return r->nmech;
}

size_t cc_sim_column(const cc_sim *r, size_t p, size_t k)
{
    return p * r->nmech + k;
}

size_t cc_sim_nmetrics(const cc_sim *r)
{
    return r->nmet;
}

const char *cc_sim_metric_name(const cc_sim *r, size_t m)
{
    return r->met[m].name;
}

int cc_sim_metric_is_rate(const cc_sim *r, size_t m)
{
    return r->met[m].rate;
}

size_t cc_sim_reps(const cc_sim *r)
{
    return r->reps;
}

double *cc_sim_values(cc_sim *r, size_t *n)
{
    *n = r->nvar * r->reps * r->nmet;
    if (r->have_sum)
        memset(r->have_sum, 0, r->nvar * r->nmet);
    r->tau_ok = 0;
    return r->val;
}

double cc_sim_value(const cc_sim *r, size_t v, size_t rep, size_t m)
{
    return r->val[(v * r->nmet + m) * r->reps + rep];
}

static int dcmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* The ranks quantile q of n values needs: the two it interpolates between and the two bounds of
 * its 95% distribution-free confidence interval. */
static void quantile_ranks(size_t n, double q, size_t rk[4])
{
    double pos = q * (double)(n - 1);
    size_t i = (size_t)pos < n ? (size_t)pos : n - 1;
    double half = 1.96 * sqrt((double)n * q * (1 - q));
    double l = floor((double)n * q - half), h = ceil((double)n * q + half);
    rk[0] = i;
    rk[1] = i + 1 < n ? i + 1 : n - 1;
    rk[2] = l < 0 ? 0 : (size_t)l >= n ? n - 1 : (size_t)l;
    rk[3] = h < 0 ? 0 : (size_t)h >= n ? n - 1 : (size_t)h;
}

/* quantile q of x[0..n), where every rank quantile_ranks names holds its order statistic */
static void quantile(const double *x, size_t n, double q, double *v, double *lo, double *hi)
{
    size_t rk[4];
    quantile_ranks(n, q, rk);
    double f = q * (double)(n - 1) - (double)rk[0];
    /* exact when the two are equal; every rank is < n, the values x holds (a false positive of the
     * analyzer, which does not relate n to the allocation) */
    *v = rk[0] + 1 < n
             ? x[rk[0]] +
                   f * (x[rk[1]] - x[rk[0]]) // NOLINT(clang-analyzer-core.UndefinedBinaryOperatorResult)
             : x[n - 1];
    *lo = x[rk[2]];
    *hi = x[rk[3]];
}

static void swap_d(double *a, double *b)
{
    double t = *a;
    *a = *b;
    *b = t;
}

/* Puts the order statistic of every rank in rk[0..nr) (ascending) at its index of x[lo..hi]:
 * quickselect on several ranks at once (median-of-three pivots, O(n log nr) expected), falling
 * back to a sort of the range when the recursion gets deep. The result does not depend on the
 * algorithm: order statistics are unique. */
static void select_ranks(double *x, size_t lo, size_t hi, const size_t *rk, size_t nr, int depth)
{
    while (nr > 0 && lo < hi) {
        if (depth-- <= 0 || hi - lo < 16) {
            qsort(x + lo, hi - lo + 1, sizeof *x, dcmp);
            return;
        }
        size_t mid = lo + (hi - lo) / 2;
        if (x[mid] < x[lo])
            swap_d(&x[mid], &x[lo]);
        if (x[hi] < x[lo])
            swap_d(&x[hi], &x[lo]);
        if (x[hi] < x[mid])
            swap_d(&x[hi], &x[mid]);
        double pivot = x[mid];
        swap_d(&x[mid], &x[hi - 1]);
        size_t i = lo, j = hi - 1;
        for (;;) {
            while (x[++i] < pivot) {
            }
            while (pivot < x[--j]) {
            }
            if (i >= j)
                break;
            swap_d(&x[i], &x[j]);
        }
        swap_d(&x[i], &x[hi - 1]); /* the pivot is now at i: x[lo..i) <= pivot <= x(i..hi] */
        size_t k = 0;
        while (k < nr && rk[k] < i)
            k++;
        if (k > 0 && i > lo)
            select_ranks(x, lo, i - 1, rk, k, depth);
        while (k < nr && rk[k] == i)
            k++;
        rk += k;
        nr -= k;
        lo = i + 1;
    }
}

static int scmp(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return (x > y) - (x < y);
}

static int order_ranks(double *x, size_t n, const size_t *rk, size_t nr);

/* The order statistics of every rank rk[0..nr) (ascending) at its index of x[0..n): by selection
 * within brackets when that works, else by select_ranks on the whole array. */
static void select_all(double *x, size_t n, const size_t *rk, size_t nr)
{
    if (order_ranks(x, n, rk, nr))
        return;
    int depth = 8;
    for (size_t m2 = n; m2 > 1; m2 /= 2)
        depth += 2;
    select_ranks(x, 0, n - 1, rk, nr, depth);
}

/* Bracketed selection (Floyd and Rivest's idea): a sorted sample of x gives, for each group of
 * nearby ranks, values lo <= hi that should enclose them; one pass counts the values below each lo
 * and moves the values inside any bracket to the front of x, and only those are selected from.
 * Every bracket is checked (the values below it and inside it must cover its ranks): the result is
 * the same order statistics as select_ranks would find, or 0 when a check fails (then x is only
 * reordered, and select_ranks does not depend on the order). x holds no NaN. */
static int order_ranks(double *x, size_t n, const size_t *rk, size_t nr)
{
    enum { SAMPLE = 2048, MAXG = 12 };
    if (n < 16 * SAMPLE || nr == 0 || nr > MAXG)
        return 0;
    double smp[SAMPLE];
    for (size_t k = 0; k < SAMPLE; k++) {
        smp[k] = x[(size_t)((double)k * (double)n / SAMPLE)];
        if (smp[k] == 0 && signbit(smp[k]))
            return 0; /* -0 and +0 compare equal: which one a selection returns would depend on it */
    }
    qsort(smp, SAMPLE, sizeof *smp, dcmp);
    /* groups of ranks with their brackets, merged where brackets overlap */
    double lo[MAXG] = {0}, hi[MAXG] = {0};
    size_t first[MAXG] = {0}, last[MAXG] = {0}, ng = 0;
    for (size_t k = 0; k < nr; k++) {
        /* the sample rank of quantile q has a standard deviation of about sqrt(SAMPLE q (1 - q)) */
        double q = (double)rk[k] / (double)n, pos = q * SAMPLE;
        double margin = 4 * sqrt(SAMPLE * q * (1 - q)) + 4;
        double a = floor(pos - margin), b = ceil(pos + margin);
        double l = a < 0 ? -INFINITY : smp[(size_t)a];
        double h = b >= SAMPLE ? INFINITY : smp[(size_t)b];
        if (ng > 0 && l <= hi[ng - 1]) {
            hi[ng - 1] = h > hi[ng - 1] ? h : hi[ng - 1];
            last[ng - 1] = k;
        } else {
            lo[ng] = l;
            hi[ng] = h;
            first[ng] = last[ng] = k;
            ng++;
        }
    }
    /* One pass: each value's region, 2g + 1 inside bracket g, 2g below it and above bracket g - 1,
     * counted in four interleaved histograms (no chain of increments of one counter); values
     * inside a bracket go to the front, except those of a bracket whose ends are equal (all that
     * value: counted, not moved). */
    size_t cnt[4][2 * MAXG + 1] = {{0}};
    uint8_t move[2 * MAXG + 1] = {0};
    for (size_t g = 0; g < ng; g++)
        move[2 * g + 1] = lo[g] != hi[g];
    size_t w = 0;
    for (size_t i = 0; i < n; i++) {
        double y = x[i];
        if (y == 0 && signbit(y))
            return 0;
        size_t r = 0;
        for (size_t g = 0; g < ng; g++)
            r += (size_t)(y >= lo[g]) + (size_t)(y > hi[g]);
        cnt[i & 3][r]++;
        if (move[r]) { /* a swap: x stays a permutation, for select_ranks if a check fails */
            x[i] = x[w];
            x[w++] = y;
        }
    }
    size_t below[MAXG], inside[MAXG], sum = 0;
    for (size_t r = 0; r < 2 * ng; r++) {
        size_t c = cnt[0][r] + cnt[1][r] + cnt[2][r] + cnt[3][r];
        sum += c;
        if (r % 2 == 0)
            below[r / 2] = sum; /* regions 0 to 2g: below bracket g */
        else
            inside[r / 2] = c;
    }
    size_t rel[MAXG], before = 0; /* before: values moved for the brackets below this one */
    double val[MAXG] = {0};
    int pending = 0;
    for (size_t g = 0; g < ng; g++) {
        if (below[g] > rk[first[g]] || below[g] + inside[g] <= rk[last[g]])
            return 0;
        for (size_t k = first[g]; k <= last[g]; k++) {
            if (lo[g] == hi[g]) {
                val[k] = lo[g];
                rel[k] = (size_t)-1;
            } else {
                rel[k] = rk[k] - below[g] + before;
                pending = 1;
            }
        }
        if (lo[g] != hi[g])
            before += inside[g];
    }
    if (pending) {
        size_t rr[MAXG], nrr = 0;
        for (size_t k = 0; k < nr; k++)
            if (rel[k] != (size_t)-1 && (nrr == 0 || rr[nrr - 1] != rel[k]))
                rr[nrr++] = rel[k];
        int depth = 8;
        for (size_t m2 = w; m2 > 1; m2 /= 2)
            depth += 2;
        select_ranks(x, 0, w - 1, rr, nrr, depth);
        for (size_t k = 0; k < nr; k++)
            if (rel[k] != (size_t)-1)
                val[k] = x[rel[k]];
    }
    for (size_t k = 0; k < nr; k++)
        x[rk[k]] = val[k];
    return 1;
}

/* The restriction horizon of every time metric: the smallest censoring time over every variant and
 * replication (each replication was observed at least that long), INFINITY when none is censored.
 * Not thread-safe: called before summaries are computed on threads. */
static void ensure_tau(cc_sim *r)
{
    if (r->tau_ok)
        return;
    for (size_t m = 0; m < r->nmet; m++) {
        double t = INFINITY;
        for (size_t v = 0; v < r->nvar && !r->met[m].rate; v++) {
            const double *col = r->val + (v * r->nmet + m) * r->reps;
            for (size_t k = 0; k < r->reps; k++)
                if (signbit(col[k]) && -col[k] < t)
                    t = -col[k];
        }
        r->tau[m] = r->met[m].rate ? NAN : t;
    }
    r->tau_ok = 1;
}

/* mean +- t(0.975, n - 1) * sqrt(var / n); NAN when n < 2 */
static void t_interval(double mean, double var, size_t n, double *lo, double *hi)
{
    if (n < 2 || isnan(var)) {
        *lo = *hi = NAN;
        return;
    }
    double h = cc_stats_t_quantile(0.975, (double)(n - 1)) * sqrt(var / (double)n);
    *lo = mean - h;
    *hi = mean + h;
}

static void mean_var(const double *x, size_t n, double *mean, double *var)
{
    double sum = 0, sq = 0;
    for (size_t k = 0; k < n; k++)
        sum += x[k];
    *mean = n ? sum / (double)n : NAN;
    for (size_t k = 0; k < n; k++)
        sq += (x[k] - *mean) * (x[k] - *mean);
    *var = n > 1 ? sq / (double)(n - 1) : NAN;
}

/* The summary of metric m of variant v, with x (r->reps doubles) to work in; x NULL (out of
 * memory): a summary of no values. The horizons are known (ensure_tau). */
static void summarise(const cc_sim *r, size_t v, size_t m, double *x, cc_sim_summary *out)
{
    double nan = NAN;
    *out = (cc_sim_summary){0, r->reps, 0, nan, nan, nan, nan, nan, nan, nan, nan, nan, nan, nan,
                            nan, nan, nan, nan, nan, nan, nan, nan, nan, nan, nan};
    if (!x)
        return;
    const double *col = r->val + (v * r->nmet + m) * r->reps;
    int rate = r->met[m].rate;
    double tau = r->tau[m];
    size_t n = 0, applicable = 0, ones = 0;
    double rsum = 0;
    for (size_t k = 0; k < r->reps; k++) {
        double y = col[k];
        if (isnan(y))
            continue;
        applicable++;
        ones += y == 1;
        rsum += fmin(fabs(y), tau);
        if (!signbit(y)) /* observed (a time), or any rate value */
            x[n++] = y;
    }
    out->n = n;
    out->applicable = applicable;
    if (rate) {
        if (n == 0)
            return;
        out->mean = (double)ones / (double)n;
        out->var = n > 1 ? out->mean * (1 - out->mean) * (double)n / (double)(n - 1) : nan;
        cc_stats_wilson(ones, n, Z95, &out->mean_lo, &out->mean_hi);
        return;
    }
    if (applicable) {
        out->tau = tau;
        out->done = (double)n / (double)applicable;
        cc_stats_wilson(n, applicable, Z95, &out->done_lo, &out->done_hi);
    }
    if (n) {
        mean_var(x, n, &out->mean, &out->var);
        t_interval(out->mean, out->var, n, &out->mean_lo, &out->mean_hi);
    }
    if (applicable && n == applicable && isinf(tau)) {
        /* nothing censored anywhere: the restricted mean is the mean (the same sums) */
        out->rmean = out->mean;
        out->rvar = out->var;
    } else if (applicable) {
        out->rmean = rsum / (double)applicable;
        double sq = 0;
        for (size_t k = 0; k < r->reps; k++)
            if (!isnan(col[k])) {
                double d = fmin(fabs(col[k]), tau) - out->rmean;
                sq += d * d;
            }
        out->rvar = applicable > 1 ? sq / (double)(applicable - 1) : nan;
    }
    t_interval(out->rmean, out->rvar, applicable, &out->rmean_lo, &out->rmean_hi);
    if (n == 0)
        return;
    size_t rk[12];
    quantile_ranks(n, 0.5, rk);
    quantile_ranks(n, 0.9, rk + 4);
    quantile_ranks(n, 0.99, rk + 8);
    qsort(rk, 12, sizeof *rk, scmp);
    select_all(x, n, rk, 12);
    quantile(x, n, 0.5, &out->median, &out->median_lo, &out->median_hi);
    quantile(x, n, 0.9, &out->p90, &out->p90_lo, &out->p90_hi);
    quantile(x, n, 0.99, &out->p99, &out->p99_lo, &out->p99_hi);
    double mx = x[0];
    for (size_t k = 1; k < n; k++)
        mx = x[k] > mx ? x[k] : mx;
    out->max = mx;
}

void cc_sim_summarise(const cc_sim *r, size_t v, size_t m, cc_sim_summary *out)
{
    size_t key = v * r->nmet + m;
    if (r->have_sum && r->have_sum[key]) {
        *out = r->sums[key];
        return;
    }
    ensure_tau((cc_sim *)r);
    double *x = malloc(sizeof *x * (r->reps + 1));
    summarise(r, v, m, x, out);
    if (!x)
        return; /* out of memory: not kept, so a later call tries again */
    free(x);
    if (r->have_sum) {
        r->sums[key] = *out;
        r->have_sum[key] = 1;
    }
}

typedef struct sum_worker {
    cc_sim *r;
    atomic_size_t *next;
    cc_err rc;
} sum_worker;

/* Takes (variant, metric) jobs until none is left; each writes only its own cache slot. */
static void *sum_work(void *arg)
{
    sum_worker *w = arg;
    cc_sim *r = w->r;
    size_t bytes;
    double *x = big_new(r->reps + 1, &bytes); /* one work array for every job */
    if (!x) {
        w->rc = CC_ERR_NOMEM;
        return NULL;
    }
    for (;;) {
        size_t key = atomic_fetch_add_explicit(w->next, 1, memory_order_relaxed);
        if (key >= r->nvar * r->nmet)
            break;
        summarise(r, key / r->nmet, key % r->nmet, x, &r->sums[key]);
        r->have_sum[key] = 1;
    }
    big_free(x, bytes);
    return NULL;
}

cc_err cc_sim_summarise_all(cc_sim *r, int threads)
{
    if (!r->have_sum)
        return CC_ERR_NOMEM;
    ensure_tau(r);
    size_t jobs = r->nvar * r->nmet;
    size_t nt = threads < 1 ? 1 : (size_t)threads;
    if (nt > jobs)
        nt = jobs ? jobs : 1;
    atomic_size_t next = 0;
    pthread_t *th = calloc(nt, sizeof *th);
    sum_worker *ws = calloc(nt, sizeof *ws);
    cc_err rc = th && ws ? CC_OK : CC_ERR_NOMEM;
    size_t started = 0;
    for (size_t t = 0; rc == CC_OK && t < nt; t++) {
        ws[t] = (sum_worker){r, &next, CC_OK};
        if (t == nt - 1)
            sum_work(&ws[t]); /* the calling thread works too, and takes what others could not */
        else if (pthread_create(&th[started], NULL, sum_work, &ws[t]) == 0)
            started++;
    }
    for (size_t t = 0; t < started; t++)
        pthread_join(th[t], NULL);
    for (size_t t = 0; rc == CC_OK && t < nt; t++)
        rc = ws[t].rc;
    free(th);
    free(ws);
    return rc;
}

/* A time's restricted value min(T, tau): the censored ones were observed at least to tau. */
static double restricted(double y, double tau)
{
    return fmin(fabs(y), tau);
}

void cc_sim_compare(const cc_sim *r, size_t a, size_t b, size_t m, cc_sim_comparison *out)
{
    ensure_tau((cc_sim *)r);
    const double *xa = r->val + (a * r->nmet + m) * r->reps, *xb = r->val + (b * r->nmet + m) * r->reps;
    double nan = NAN, tau = r->tau[m];
    *out = (cc_sim_comparison){0, nan, nan, nan, nan, nan, nan, NULL};
    if (r->met[m].rate) {
        /* pairs (A, B) of 0/1: Newcombe's paired interval for p(B) - p(A) */
        size_t cnt[2][2] = {{0, 0}, {0, 0}};
        for (size_t k = 0; k < r->reps; k++)
            if (!isnan(xa[k]) && !isnan(xb[k]))
                cnt[xb[k] == 1][xa[k] == 1]++;
        out->n = cnt[0][0] + cnt[0][1] + cnt[1][0] + cnt[1][1];
        out->method = "paired proportions: Newcombe (1998) method 10, Wilson score margins";
        if (!out->n)
            return;
        cc_stats_newcombe_paired(cnt[1][1], cnt[1][0], cnt[0][1], cnt[0][0], Z95, &out->diff, &out->lo, &out->hi,
                                 &out->corr);
        /* ignoring the pairing: the same with a correlation of 0, each variant over all its values */
        cc_sim_summary sa, sb;
        cc_sim_summarise(r, a, m, &sa);
        cc_sim_summarise(r, b, m, &sb);
        if (sa.n && sb.n) {
            double d = sb.mean - sa.mean;
            out->unpaired_lo = d - sqrt(pow(sb.mean - sb.mean_lo, 2) + pow(sa.mean_hi - sa.mean, 2));
            out->unpaired_hi = d + sqrt(pow(sb.mean_hi - sb.mean, 2) + pow(sa.mean - sa.mean_lo, 2));
        }
        return;
    }
    /* times: the replication differences of restricted times, and a paired t interval */
    out->method = "paired restricted times: Student t on the replication differences of min(T, tau)";
    double sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
    size_t n = 0;
    for (size_t k = 0; k < r->reps; k++) {
        if (isnan(xa[k]) || isnan(xb[k]))
            continue;
        double u = restricted(xa[k], tau), w = restricted(xb[k], tau);
        sa += u;
        sb += w;
        n++;
    }
    out->n = n;
    if (n == 0)
        return;
    double ma = sa / (double)n, mb = sb / (double)n;
    for (size_t k = 0; k < r->reps; k++) {
        if (isnan(xa[k]) || isnan(xb[k]))
            continue;
        double u = restricted(xa[k], tau) - ma, w = restricted(xb[k], tau) - mb;
        saa += u * u;
        sbb += w * w;
        sab += u * w;
    }
    out->diff = mb - ma;
    if (n < 2)
        return;
    double vd = (saa + sbb - 2 * sab) / (double)(n - 1);
    t_interval(out->diff, vd < 0 ? 0 : vd, n, &out->lo, &out->hi);
    out->corr = saa > 0 && sbb > 0 ? sab / sqrt(saa * sbb) : nan;
    /* ignoring the pairing: Welch on the two variants' restricted times */
    cc_sim_summary s1, s2;
    cc_sim_summarise(r, a, m, &s1);
    cc_sim_summarise(r, b, m, &s2);
    if (s1.applicable > 1 && s2.applicable > 1) {
        double va = s1.rvar / (double)s1.applicable, vb = s2.rvar / (double)s2.applicable;
        double se = sqrt(va + vb);
        double df = (va + vb) * (va + vb) /
                    (va * va / (double)(s1.applicable - 1) + vb * vb / (double)(s2.applicable - 1));
        double h = se > 0 ? cc_stats_t_quantile(0.975, df) * se : 0;
        double d = s2.rmean - s1.rmean;
        out->unpaired_lo = d - h;
        out->unpaired_hi = d + h;
    }
}
