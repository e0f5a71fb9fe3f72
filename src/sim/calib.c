/* calib — calibration of agent rules from event logs (see calib.h): the groups of seats, the fits of
 * every rule and the accessors. Reading the logs into observations is calib_log.c (calib_int.h). */
#include "sim/calib.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/idmap.h"
#include "core/scenario.h"
#include "sim/calib_int.h"

#define Z95 1.959963984540054

void cc_calib_fail(cc_calib_error *err, const char *name, const char *fmt, ...)
{
    if (!err)
        return;
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    snprintf(err->message, sizeof err->message, "%s: %s", name, buf);
}

/* ---- setting up: groups ------------------------------------------------------------------ */

const char *cc_calib_by_name(cc_calib_by by)
{
    return by == CC_CALIB_BY_ROLE ? "role" : by == CC_CALIB_BY_AGENT ? "agent" : "seat";
}

static int agent_id_taken(const cc_calib *c, const char *id, size_t ngroups)
{
    for (size_t a = 0; a < c->s->nagents; a++)
        if (strcmp(c->s->agents[a].id, id) == 0)
            return 1;
    for (size_t g = 0; g < ngroups; g++)
        if (c->groups[g].agent_id && strcmp(c->groups[g].agent_id, id) == 0)
            return 1;
    return 0;
}

/* The calibrated agent's id for group g (docs/calibration.md, "Grouping"): the seat id, or the
 * role in lower case with every other run of characters '-', made unique with a suffix. */
static const char *group_agent_id(cc_calib *c, size_t g)
{
    const cc_calib_group *G = &c->groups[g];
    if (c->o.by == CC_CALIB_BY_AGENT)
        return G->tmpl->id;
    char base[64], id[80];
    if (c->o.by == CC_CALIB_BY_SEAT) {
        snprintf(base, sizeof base, "%s", G->name);
    } else {
        size_t n = 0;
        int dash = 0;
        for (const char *p = G->name; *p && n < 48; p++) {
            char ch = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
            if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')) {
                if (dash && n)
                    base[n++] = '-';
                base[n++] = ch;
                dash = 0;
            } else {
                dash = 1;
            }
        }
        base[n] = 0;
        if (!n)
            snprintf(base, sizeof base, "role");
    }
    snprintf(id, sizeof id, "%s", base);
    for (int k = 1; agent_id_taken(c, id, g); k++) {
        if (c->o.by == CC_CALIB_BY_SEAT && k == 1)
            snprintf(id, sizeof id, "%.50s-calibrated", base);
        else if (c->o.by == CC_CALIB_BY_SEAT)
            snprintf(id, sizeof id, "%.50s-calibrated-%d", base, k);
        else
            snprintf(id, sizeof id, "%.50s-%d", base, k + 1);
    }
    return cc_arena_strdup(c->a, id);
}

/* The group a seat belongs to, made when first needed; -1 when out of memory. */
static int group_for(cc_calib *c, size_t si)
{
    const cc_scenario *s = c->s;
    const cc_seat *st = &s->seats[si];
    const cc_agent *A = &s->agents[st->agent_index];
    for (size_t g = 0; g < c->ngroups; g++) {
        const cc_calib_group *G = &c->groups[g];
        if ((c->o.by == CC_CALIB_BY_AGENT && G->tmpl == A) ||
            (c->o.by == CC_CALIB_BY_ROLE && G->tmpl == A && strcmp(G->name, st->role) == 0))
            return (int)g;
    }
    size_t g = c->ngroups;
    cc_calib_group *G = &c->groups[g];
    G->name = c->o.by == CC_CALIB_BY_SEAT ? st->id : c->o.by == CC_CALIB_BY_ROLE ? st->role : A->id;
    G->tmpl = A;
    G->nrules = A->nrules;
    G->rules = cc_arena_array(c->a, A->nrules + 1, sizeof *G->rules);
    G->seats = cc_arena_array(c->a, s->nseats + 1, sizeof *G->seats);
    c->caps[g] = cc_arena_array(c->a, A->nrules + 1, sizeof **c->caps);
    if (!G->rules || !G->seats || !c->caps[g])
        return -1;
    for (size_t r = 0; r < A->nrules; r++) {
        G->rules[r].index = r;
        G->rules[r].tmpl = &A->rules[r];
        G->rules[r].calendar = A->rules[r].calendar_delay;
        G->rules[r].best = -1;
        G->rules[r].ks = G->rules[r].ks_p = NAN;
        G->rules[r].approve = G->rules[r].approve_lo = G->rules[r].approve_hi = NAN;
        G->rules[r].p = G->rules[r].p_lo = G->rules[r].p_hi = G->rules[r].F_h = NAN;
    }
    G->absence = G->absence_lo = G->absence_hi = NAN;
    G->channel_failure = G->cf_lo = G->cf_hi = NAN;
    c->ngroups++;
    if (!(G->agent_id = group_agent_id(c, g)))
        return -1;
    return (int)g;
}

static cc_idmap *ids(cc_arena *a, size_t n, const void *base, size_t stride)
{
    cc_idmap *m = cc_idmap_new(a, n + 1);
    for (size_t i = 0; m && i < n; i++)
        cc_idmap_put(m, *(const char *const *)((const char *)base + i * stride), (int)i);
    return m;
}

cc_err cc_calib_new(const cc_scenario *s, const cc_calib_opts *opts, cc_calib **out)
{
    *out = NULL;
    cc_calib *c = calloc(1, sizeof *c);
    if (!c || !(c->a = cc_arena_new(0))) {
        free(c);
        return CC_ERR_NOMEM;
    }
    c->s = s;
    if (opts)
        c->o = *opts;
    if (!c->o.min_acts)
        c->o.min_acts = 10;
    cc_scenario_hash_hex(s, c->hash);
    c->seat_ids = ids(c->a, s->nseats, &s->seats[0].id, sizeof s->seats[0]);
    c->cons_ids = ids(c->a, s->nconsultations, s->nconsultations ? &s->consultations[0].id : NULL,
                      sizeof s->consultations[0]);
    c->dec_ids = ids(c->a, s->ndecisions, s->ndecisions ? &s->decisions[0].id : NULL, sizeof s->decisions[0]);
    c->inj_ids = ids(c->a, s->ninjects, s->ninjects ? &s->injects[0].id : NULL, sizeof s->injects[0]);
    c->mech_ids =
        ids(c->a, s->nmechanisms, s->nmechanisms ? &s->mechanisms[0].id : NULL, sizeof s->mechanisms[0]);
    c->seat_group = cc_arena_array(c->a, s->nseats + 1, sizeof *c->seat_group);
    c->groups = cc_arena_array(c->a, s->nseats + 1, sizeof *c->groups);
    c->caps = cc_arena_array(c->a, s->nseats + 1, sizeof *c->caps);
    cc_err rc = c->seat_ids && c->cons_ids && c->dec_ids && c->inj_ids && c->mech_ids && c->seat_group &&
                        c->groups && c->caps
                    ? CC_OK
                    : CC_ERR_NOMEM;
    for (size_t i = 0; rc == CC_OK && i < s->nseats; i++) {
        c->seat_group[i] = -1;
        if (s->seats[i].agent_index < 0)
            continue;
        int g = group_for(c, i);
        if (g < 0) {
            rc = CC_ERR_NOMEM;
            break;
        }
        c->seat_group[i] = g;
        c->groups[g].seats[c->groups[g].nseats++] = i;
    }
    if (rc != CC_OK) {
        cc_calib_free(c);
        return rc;
    }
    *out = c;
    return CC_OK;
}

void cc_calib_free(cc_calib *c)
{
    if (!c)
        return;
    for (size_t g = 0; g < c->ngroups; g++)
        for (size_t r = 0; r < c->groups[g].nrules; r++) {
            free(c->groups[g].rules[r].obs);
            cc_dfit_km_free(&c->groups[g].rules[r].km);
        }
    for (size_t i = 0; i < c->nlogs; i++) {
        free(c->logs[i]);
        free(c->streams[i]);
    }
    free(c->logs);
    free(c->streams);
    cc_arena_free(c->a);
    free(c);
}

/* ---- fitting ------------------------------------------------------------------------------ */

/* Whether rule R's act leaves an event in a log (docs/calibration.md). */
static int traced(const cc_agent_rule *R)
{
    switch (R->on) {
    case CC_AEV_STAGE:
    case CC_AEV_REQUEST: return R->action != CC_ACT_SHARE;
    case CC_AEV_INJECT:
    case CC_AEV_MESSAGE:
        return R->action == CC_ACT_ACKNOWLEDGE || R->action == CC_ACT_SHARE || R->action == CC_ACT_ESCALATE ||
               R->action == CC_ACT_REVIEW;
    case CC_AEV_DECISION_OPEN:
    case CC_AEV_PROPOSAL:
        return R->action == CC_ACT_VOTE || R->action == CC_ACT_PROPOSE || R->action == CC_ACT_OBJECT;
    case CC_AEV_WAITING:
    case CC_AEV_ESCALATION:
    case CC_AEV_OBJECTION:
        return 0; /* their situations (a stage waiting, an escalation, an objection) are not read from logs */
    }
    return 0;
}

/* Every act took the same time (to the millisecond), none in an interval: its delay, else -1. */
static double same_delay(const cc_calib_rule *R)
{
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < R->offers; i++) {
        const cc_dfit_obs *o = &R->obs[i];
        if (o->kind == CC_DFIT_INTERVAL)
            return -1;
        if (o->kind == CC_DFIT_ACT) {
            lo = fmin(lo, o->a);
            hi = fmax(hi, o->a);
        }
    }
    return hi - lo <= 0.001 ? lo : -1;
}

/* The action probability (docs/calibration.md): the Kaplan-Meier share acting by h, divided by the
 * fitted delay's F(h) (the acts that would still have come after h), capped at 1. Its interval:
 * Wilson's at n*, the lower end as it is (acting by h is never likelier than acting at all), the
 * upper end divided by F(h) and capped at 1. */
static void set_probability(cc_calib_rule *R)
{
    double F = R->F_h > 0 ? R->F_h : 1;
    R->p = fmin(1, R->share.p / F);
    R->p_lo = R->share.lo;
    R->p_hi = fmin(1, R->share.hi / F);
}

static cc_err fit_rule(cc_calib *c, size_t g, cc_calib_rule *R)
{
    if (!traced(R->tmpl)) {
        R->status = CC_CALIB_TRACELESS;
        return CC_OK;
    }
    if (R->offers == 0) {
        R->status = CC_CALIB_NO_OFFERS;
        return CC_OK;
    }
    size_t reviews = R->approvals + R->objections;
    if (reviews >= c->o.min_acts) {
        R->approve = (double)R->approvals / (double)reviews;
        cc_dfit_wilson(R->approve, (double)reviews, Z95, &R->approve_lo, &R->approve_hi);
    }
    cc_err rc = CC_OK;
    if (R->acts > 0 && (rc = cc_dfit_km_make(R->obs, R->offers, &R->km)) == CC_OK)
        rc = cc_dfit_share_est(R->obs, R->offers, &R->share);
    if (rc != CC_OK || R->acts < c->o.min_acts) {
        R->status = CC_CALIB_TOO_FEW;
        return rc;
    }
    R->share_ok = 1;
    R->F_h = 1;
    double fixed = same_delay(R);
    if (fixed >= 0) {
        R->status = CC_CALIB_FIXED;
        R->fixed_s = fixed;
        set_probability(R);
        return CC_OK;
    }
    for (int m = 0; m < CC_DFIT_NMODELS; m++) {
        rc = cc_dfit_fit((cc_dfit_model)m, R->obs, R->offers, 0, &R->fits[m]);
        if (rc == CC_ERR_NOMEM)
            return rc;
        R->fitted[m] = rc == CC_OK && isfinite(R->fits[m].loglik);
        /* the smallest AIC; a tie keeps the simpler (earlier) family */
        if (R->fitted[m] && (R->best < 0 || R->fits[m].aic < R->fits[R->best].aic))
            R->best = m;
    }
    if (R->best < 0) {
        R->status = CC_CALIB_TOO_FEW;
        return CC_OK;
    }
    R->status = CC_CALIB_FITTED;
    R->F_h = cc_dfit_cdf(&R->fits[R->best], R->share.h);
    set_probability(R);
    R->ks = cc_dfit_ks(&R->km, &R->fits[R->best]);
    cc_rng r;
    cc_rng_init(&r, c->o.seed, g, (uint32_t)R->index);
    return cc_dfit_boot(R->obs, R->offers, &R->fits[R->best], R->ks, c->o.boot, &r, &R->ks_p, &R->boot_done);
}

cc_err cc_calib_fit(cc_calib *c, cc_calib_error *err)
{
    if (c->fitted || c->nlogs == 0) {
        cc_calib_fail(err, "caucus calibrate", "%s", c->fitted ? "already fitted" : "no log was read");
        return c->fitted ? CC_ERR_ARG : CC_ERR_INVALID;
    }
    c->fitted = 1;
    size_t offers = 0;
    for (size_t g = 0; g < c->ngroups; g++) {
        cc_calib_group *G = &c->groups[g];
        for (size_t r = 0; r < G->nrules; r++) {
            cc_err rc = fit_rule(c, g, &G->rules[r]);
            if (rc != CC_OK) {
                cc_calib_fail(err, "caucus calibrate", "%s", cc_err_str(rc));
                return rc;
            }
            offers += G->rules[r].offers;
        }
        if (G->agent_seat_logs >= c->o.min_acts) {
            G->absence = (double)G->absent / (double)G->agent_seat_logs;
            cc_dfit_wilson(G->absence, (double)G->agent_seat_logs, Z95, &G->absence_lo, &G->absence_hi);
        }
        if (G->agent_acts >= c->o.min_acts) {
            G->channel_failure = (double)G->lost / (double)G->agent_acts;
            cc_dfit_wilson(G->channel_failure, (double)G->agent_acts, Z95, &G->cf_lo, &G->cf_hi);
        }
    }
    if (offers == 0) {
        cc_calib_fail(
            err, "caucus calibrate",
            "no observations: in %zu log%s no seat with an agent played a situation one of its rules answers",
            c->nlogs, c->nlogs == 1 ? "" : "s");
        return CC_ERR_INVALID;
    }
    return CC_OK;
}

/* ---- accessors ---------------------------------------------------------------------------- */

const cc_scenario *cc_calib_scenario(const cc_calib *c)
{
    return c->s;
}

const cc_calib_opts *cc_calib_options(const cc_calib *c)
{
    return &c->o;
}

size_t cc_calib_nlogs(const cc_calib *c)
{
    return c->nlogs;
}

const char *cc_calib_log_name(const cc_calib *c, size_t i)
{
    return i < c->nlogs ? c->logs[i] : NULL;
}

size_t cc_calib_shared_streams(const cc_calib *c)
{
    return c->shared;
}

size_t cc_calib_unfitted_acts(const cc_calib *c)
{
    return c->unfitted;
}

size_t cc_calib_ngroups(const cc_calib *c)
{
    return c->ngroups;
}

const cc_calib_group *cc_calib_group_at(const cc_calib *c, size_t g)
{
    return g < c->ngroups ? &c->groups[g] : NULL;
}
