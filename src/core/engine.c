/* engine — scheduler-driven execution of a scenario into event-log records. Every state
 * change goes through cc_eng_emit(), which numbers the event, advances the state digest and hands
 * the canonical record to the sink. Construction, delivery, injects, triggers, the run loop and
 * queries live here; the other parts are listed in engine_int.h. */
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/engine_int.h"
#include "core/evlog.h"
#include "core/zone.h"
#include "core/sha256.h"

/* ---- construction ------------------------------------------------------------------ */

_Static_assert(CC_AEV_OBJECTION < 16, "an agent event is a bit of 16 (seat_events)");

static size_t item_count(const cc_scenario *s)
{
    return s->ninjects + s->ndecisions + s->nconsultations;
}

const cc_when *cc_eng_item_when(const cc_scenario *s, uint32_t code)
{
    size_t i = ITEM_INDEX(code);
    switch (ITEM_KIND(code)) {
    case CC_ITEM_INJECT: return &s->injects[i].when;
    case CC_ITEM_DECISION: return &s->decisions[i].when;
    case CC_ITEM_CONSULTATION: return &s->consultations[i].when;
    }
    return NULL;
}

static uint32_t item_code(const cc_scenario *s, size_t k)
{
    if (k < s->ninjects)
        return ITEM(CC_ITEM_INJECT, k);
    k -= s->ninjects;
    if (k < s->ndecisions)
        return ITEM(CC_ITEM_DECISION, k);
    return ITEM(CC_ITEM_CONSULTATION, k - s->ndecisions);
}

/* Builds the rows of items whose trigger has kind trig and targets an item of tkind. */
static cc_err build_deps(const cc_scenario *s, cc_trigger_kind trig, cc_item_kind tkind, size_t ntargets,
                         deps *d)
{
    size_t n = item_count(s);
    d->start = calloc(ntargets + 1, sizeof *d->start);
    d->items = malloc((n ? n : 1) * sizeof *d->items);
    if (!d->start || !d->items)
        return CC_ERR_NOMEM;
    for (size_t k = 0; k < n; k++) {
        const cc_when *w = cc_eng_item_when(s, item_code(s, k));
        if (w->has_trigger && w->trig == trig && w->target_kind == tkind && w->target_index >= 0)
            d->start[w->target_index + 1]++;
    }
    for (size_t t = 0; t < ntargets; t++)
        d->start[t + 1] += d->start[t];
    uint32_t *fill = calloc(ntargets + 1, sizeof *fill);
    if (!fill)
        return CC_ERR_NOMEM;
    for (size_t k = 0; k < n; k++) {
        uint32_t code = item_code(s, k);
        const cc_when *w = cc_eng_item_when(s, code);
        if (w->has_trigger && w->trig == trig && w->target_kind == tkind && w->target_index >= 0) {
            size_t t = (size_t)w->target_index;
            d->items[d->start[t] + fill[t]++] = code;
        }
    }
    free(fill);
    return CC_OK;
}

/* The state of a run before cc_engine_start: everything a run changes, over storage that
 * cc_engine_new allocated (shared by cc_engine_new and cc_engine_restart). */
static void reset_run(cc_engine *e)
{
    const cc_scenario *s = e->s;
    cc_sched_clear(&e->q);
    e->now_ms = 0;
    e->seq = 0;
    memset(e->prev, 0, sizeof e->prev);
    memset(e->digest, 0, sizeof e->digest);
    cc_clock_init(&e->clk);
    e->wall_ms = e->o.wall_start_ms;
    e->messages = 0;
    memset(e->inj_gen, 0, (e->ninj + 1) * sizeof *e->inj_gen);
    memset(e->inject_state, 0, e->ninj + 1);
    memset(e->decision_state, 0, s->ndecisions + 1);
    memset(e->consult_state, 0, s->nconsultations + 1);
    memset(e->held, 0, (2 * s->nseats * e->held_words + 1) * sizeof *e->held);
    for (size_t i = 0; i < s->ninjects; i++)
        e->inj_label[i] = s->injects[i].label;
    for (size_t i = 0; i <= e->ninj; i++)
        e->inj_banner[i][0] = 0; /* a banner is written before it is used (downgrade) */
    for (size_t c = 0; c < s->nconsultations; c++) {
        crun *K = &e->cons[c];
        K->mech = -1;
        K->stage = -1;
        K->cur = NULL;
        K->stage_start = 0;
        K->reached_decide = 0;
        K->nparts = K->nacted = K->nobjectors = 0;
        K->objected = K->round = K->revising = 0;
        K->entry = K->visit = 0;
        K->broken = K->fallback = 0;
        K->nearly = 0;
        memset(K->part, 0, 4 * (s->nseats + 1)); /* part, acted, asked, objector: one block */
        K->seqpos = 0;
    }
    for (size_t d = 0; d < s->ndecisions; d++) {
        drun *R = &e->dec[d];
        memset(R->vote, 0, (s->nseats + 1) * sizeof *R->vote);
        memset(R->decider, 0, s->nseats + 1);
        R->ndeciders = 0;
        R->objected = 0;
        R->outcome = -1;
        R->gov = 0;
    }
    memset(e->absent, 0, s->nseats + 1);
    for (size_t i = 0; e->auto_changed && i < s->nseats; i++) /* undo what control handed over during
                                                                 play (cc_eng_play) */
        e->auto_seat[i] = e->o.auto_seats && e->o.auto_seats[i] && s->seats[i].agent_index >= 0;
    e->auto_changed = 0;
    if (e->react)
        memset(e->react, 0, (s->nconsultations + 1) * s->nseats * e->nreact);
    memcpy(e->offer_events, e->seat_events, (s->nseats + 1) * sizeof *e->offer_events);
    cc_rng_init(&e->rng[0], e->o.seed, e->o.replication, 0);
    for (size_t i = 1; i <= s->nseats; i++)
        cc_rng_stream(&e->rng[i], &e->rng[0], (uint32_t)i);
    cc_rng_refill_set(e->rng, e->draw_streams, e->ndraw_streams);
    e->nacts = e->nfree_acts = 0;
    for (size_t i = 0; e->wq && i < s->nseats; i++)
        e->wq[i].busy = e->wq[i].head = e->wq[i].n = 0;
    e->nwatch = e->nfree_watches = 0;
    memset(&e->st, 0, sizeof e->st);
    cc_buf_reset(&e->line);
    e->stopped = 0;
    cc_eng_eval_reset(e);
}

/* The engine's tables, sized by the scenario. */
static cc_err alloc_tables(cc_engine *e)
{
    const cc_scenario *s = e->s;
    cc_err rc = cc_sched_init(&e->q, 64 + item_count(s));
    e->inj = malloc((s->ninjects + 1) * sizeof *e->inj);
    e->inj_gen = calloc(s->ninjects + 1, sizeof *e->inj_gen);
    if (rc == CC_OK && (!e->inj || !e->inj_gen))
        rc = CC_ERR_NOMEM;
    if (rc == CC_OK && s->ninjects)
        memcpy(e->inj, s->injects, s->ninjects * sizeof *e->inj);
    e->inject_state = calloc(s->ninjects + 1, 1);
    e->decision_state = calloc(s->ndecisions + 1, 1);
    e->consult_state = calloc(s->nconsultations + 1, 1);
    e->held = calloc(2 * s->nseats * e->held_words + 1, sizeof *e->held); /* held, then acted on */
    e->seatmask = calloc(s->nseats + 1, 1);
    if (rc == CC_OK &&
        (!e->inject_state || !e->decision_state || !e->consult_state || !e->held || !e->seatmask))
        rc = CC_ERR_NOMEM;
    if (rc == CC_OK)
        rc = build_deps(s, CC_TRIG_AFTER, CC_ITEM_INJECT, s->ninjects, &e->after);
    if (rc == CC_OK)
        rc = build_deps(s, CC_TRIG_TIMEOUT, CC_ITEM_DECISION, s->ndecisions, &e->timeout);
    if (rc == CC_OK)
        rc = build_deps(s, CC_TRIG_DECISION, CC_ITEM_DECISION, s->ndecisions, &e->decided);
    if (rc == CC_OK)
        rc = build_deps(s, CC_TRIG_CONSULTATION, CC_ITEM_CONSULTATION, s->nconsultations, &e->staged);
    if (rc == CC_OK)
        rc = build_deps(s, CC_TRIG_TIMEOUT, CC_ITEM_CONSULTATION, s->nconsultations, &e->stage_timeout);
    if (rc == CC_OK) {
        e->cons = calloc(s->nconsultations + 1, sizeof *e->cons);
        e->dec = calloc(s->ndecisions + 1, sizeof *e->dec);
        e->auto_seat = calloc(s->nseats + 1, 1);
        e->absent = calloc(s->nseats + 1, 1);
        e->seat_events = calloc(s->nseats + 1, sizeof *e->seat_events);
        e->seat_agent = calloc(s->nseats + 1, sizeof *e->seat_agent);
        e->duty = calloc(s->nseats + 1, sizeof *e->duty);
        e->offer_events = calloc(s->nseats + 1, sizeof *e->offer_events);
        e->rng = calloc(s->nseats + 1, sizeof *e->rng);
        e->draw_streams = calloc(s->nseats + 1, sizeof *e->draw_streams);
        e->absence_seats = calloc(s->nseats + 1, sizeof *e->absence_seats);
        e->start_items = calloc(item_count(s) + 1, sizeof *e->start_items);
        if (!e->cons || !e->dec || !e->auto_seat || !e->absent || !e->seat_events || !e->seat_agent || !e->duty ||
            !e->offer_events || !e->rng || !e->draw_streams || !e->absence_seats || !e->start_items)
            rc = CC_ERR_NOMEM;
    }
    for (size_t i = 0; rc == CC_OK && i < s->nseats && !e->wq; i++)
        if (s->seats[i].capacity && !(e->wq = calloc(s->nseats, sizeof *e->wq)))
            rc = CC_ERR_NOMEM;
    for (size_t c = 0; rc == CC_OK && c < s->nconsultations; c++) {
        crun *K = &e->cons[c];
        if (!(K->part = calloc(4, s->nseats + 1))) { /* part, acted, asked, objector */
            rc = CC_ERR_NOMEM;
            break;
        }
        K->acted = K->part + (s->nseats + 1);
        K->asked = K->acted + (s->nseats + 1);
        K->objector = K->asked + (s->nseats + 1);
    }
    for (size_t d = 0; rc == CC_OK && d < s->ndecisions; d++) {
        e->dec[d].vote = calloc(s->nseats + 1, sizeof *e->dec[d].vote);
        e->dec[d].decider = calloc(s->nseats + 1, 1);
        if (!e->dec[d].vote || !e->dec[d].decider)
            rc = CC_ERR_NOMEM;
    }
    if (rc == CC_OK && !(e->with_member = calloc(s->nguidelines * s->nseats + 1, 1)))
        rc = CC_ERR_NOMEM;
    if (rc == CC_OK) {
        e->inj_label = calloc(s->ninjects + 1, sizeof *e->inj_label);
        e->inj_banner = calloc(s->ninjects + 1, sizeof *e->inj_banner);
        e->inj_title = calloc(s->ninjects + 1, sizeof *e->inj_title);
        e->inj_body = calloc(s->ninjects + 1, sizeof *e->inj_body);
        if (!e->inj_label || !e->inj_banner || !e->inj_title || !e->inj_body)
            rc = CC_ERR_NOMEM;
    }
    return rc;
}

/* What every run needs again and again: who may read each consultation, who each stage and
 * each sharing guideline names, each seat's duty. */
static cc_err precompute(cc_engine *e)
{
    const cc_scenario *s = e->s;
    cc_err rc = CC_OK;
    if (rc == CC_OK) {
        e->cons_read = calloc(s->nconsultations * s->nseats + 1, 1);
        e->stage_base = calloc(s->nmechanisms + 1, sizeof *e->stage_base);
        for (size_t m = 0; e->stage_base && m < s->nmechanisms; m++)
            e->stage_base[m + 1] = e->stage_base[m] + s->mechanisms[m].nstages;
        e->stage_seats = e->stage_base ? calloc(e->stage_base[s->nmechanisms] * s->nseats + 1, 1) : NULL;
        if (!e->cons_read || !e->stage_base || !e->stage_seats)
            rc = CC_ERR_NOMEM;
    }
    for (size_t c = 0; rc == CC_OK && c < s->nconsultations; c++)
        for (size_t i = 0; i < s->nseats; i++)
            e->cons_read[c * s->nseats + i] =
                (uint8_t)cc_label_permits(&s->consultations[c].label.label, &s->seats[i].clearance);
    for (size_t m = 0; rc == CC_OK && m < s->nmechanisms; m++)
        for (size_t k = 0; k < s->mechanisms[m].nstages; k++) {
            cc_eng_mark_recipients(e, &s->mechanisms[m].stages[k].participants);
            memcpy(e->stage_seats + (e->stage_base[m] + k) * s->nseats, e->seatmask, s->nseats);
        }
    for (size_t g = 0; rc == CC_OK && g < s->nguidelines; g++) {
        if (s->guidelines[g].kind != CC_GRULE_SHARE)
            continue;
        cc_refs one = {(cc_ref *)&s->guidelines[g].with, 1, s->guidelines[g].with.pos};
        cc_eng_mark_recipients(e, &one);
        memcpy(e->with_member + g * s->nseats, e->seatmask, s->nseats);
    }
    for (size_t i = 0; rc == CC_OK && i < s->nseats; i++)
        e->duty[i] = cc_scenario_seat_duty(s, i);
    return rc;
}

/* The seats an agent plays (opts.auto_seats), the events their rules wait for, the random
 * streams drawn, and the items that start at a time. */
static cc_err setup_agents(cc_engine *e)
{
    const cc_scenario *s = e->s;
    e->draw_streams[e->ndraw_streams++] = 0;
    for (size_t i = 0; i < s->nseats; i++) {
        e->auto_seat[i] = e->o.auto_seats && e->o.auto_seats[i] && s->seats[i].agent_index >= 0;
        if (!e->auto_seat[i])
            continue;
        e->draw_streams[e->ndraw_streams++] = (uint32_t)(i + 1);
        const cc_agent *A = &s->agents[s->seats[i].agent_index];
        e->seat_agent[i] = A;
        for (size_t k = 0; k < A->nrules; k++)
            e->seat_events[i] |= (uint16_t)(1u << A->rules[k].on);
        e->any_waiting |= (e->seat_events[i] >> CC_AEV_WAITING) & 1;
        e->any_objection_rule |= (e->seat_events[i] >> CC_AEV_OBJECTION) & 1;
        if (!(A->absence <= 0)) /* cc_rng_bernoulli draws nothing for p <= 0 */
            e->absence_seats[e->nabsence_seats++] = (uint32_t)i;
    }
    /* the reaction counters fit every agent of the scenario: control may hand any seat to its agent
     * during the run (cc_eng_play) */
    for (size_t a = 0; a < s->nagents; a++) {
        size_t nr = 0;
        for (size_t k = 0; k < s->agents[a].nrules; k++)
            nr +=
                s->agents[a].rules[k].on == CC_AEV_OBJECTION || s->agents[a].rules[k].on == CC_AEV_ESCALATION;
        if (nr > e->nreact)
            e->nreact = nr;
    }
    for (size_t k = 0; k < item_count(s); k++)
        if (cc_eng_item_when(s, item_code(s, k))->has_at)
            e->start_items[e->nstart_items++] = item_code(s, k);
    if (e->nreact &&
        !(e->react = calloc((s->nconsultations + 1) * (s->nseats ? s->nseats : 1) * e->nreact, 1)))
        return CC_ERR_NOMEM;
    return CC_OK;
}

cc_err cc_engine_new(const cc_scenario *s, const cc_engine_opts *opts, cc_engine_sink sink, void *ctx,
                     cc_engine **out)
{
    *out = NULL;
    cc_engine *e = calloc(1, sizeof *e);
    if (!e)
        return CC_ERR_NOMEM;
    e->s = s;
    if (opts)
        e->o = *opts;
    else
        e->o.variant = -1;
    e->sink = sink;
    e->ctx = ctx;
    e->variant = e->o.variant >= 0 ? e->o.variant : s->default_mechanism_index;
    if (e->o.variant >= (int)s->nmechanisms) {
        free(e);
        return CC_ERR_ARG;
    }
    cc_buf_init(&e->line);
    cc_clock_init(&e->clk);
    e->wall_ms = e->o.wall_start_ms;
    e->ninj = e->capinj = s->ninjects;
    e->held_words = (s->ninjects + 63) / 64;
    cc_err rc = alloc_tables(e);
    if (rc == CC_OK)
        rc = precompute(e);
    if (rc == CC_OK)
        rc = setup_agents(e);
    if (rc == CC_OK)
        rc = cc_eng_eval_new(e);
    if (rc != CC_OK) {
        cc_engine_free(e);
        return rc;
    }
    reset_run(e);
    *out = e;
    return CC_OK;
}

cc_err cc_engine_restart(cc_engine *e, uint64_t replication, int variant)
{
    const cc_scenario *s = e->s;
    if (variant >= (int)s->nmechanisms)
        return CC_ERR_ARG;
    e->o.replication = replication;
    e->o.variant = variant;
    e->variant = variant >= 0 ? variant : s->default_mechanism_index;
    /* drop what control added or edited during play */
    for (size_t i = 0; i < e->ninj; i++) {
        free(e->inj_title[i]);
        free(e->inj_body[i]);
        e->inj_title[i] = e->inj_body[i] = NULL;
    }
    cc_arena_free(e->added);
    e->added = NULL;
    e->ninj = s->ninjects;
    if (s->ninjects)
        memcpy(e->inj, s->injects, s->ninjects * sizeof *e->inj);
    for (size_t d = 0; d < s->ndecisions; d++) {
        for (size_t k = 0; k < e->dec[d].nproposed; k++)
            free(e->dec[d].proposed[k]);
        free(e->dec[d].proposed);
        e->dec[d].proposed = NULL;
        e->dec[d].nproposed = 0;
    }
    reset_run(e);
    return CC_OK;
}

void cc_engine_free(cc_engine *e)
{
    if (!e)
        return;
    cc_eng_eval_free(e);
    cc_sched_free(&e->q);
    free(e->inject_state);
    free(e->decision_state);
    free(e->consult_state);
    free(e->held);
    free(e->seatmask);
    free(e->after.start);
    free(e->after.items);
    free(e->timeout.start);
    free(e->timeout.items);
    deps *all[] = {&e->decided, &e->staged, &e->stage_timeout};
    for (size_t k = 0; k < 3; k++) {
        free(all[k]->start);
        free(all[k]->items);
    }
    for (size_t c = 0; e->cons && c < e->s->nconsultations; c++) {
        free(e->cons[c].part); /* with acted, asked and objector */
        free(e->cons[c].early);
    }
    for (size_t d = 0; e->dec && d < e->s->ndecisions; d++) {
        free(e->dec[d].vote);
        free(e->dec[d].decider);
        for (size_t k = 0; k < e->dec[d].nproposed; k++)
            free(e->dec[d].proposed[k]);
        free(e->dec[d].proposed);
    }
    free(e->cons);
    free(e->dec);
    free(e->auto_seat);
    free(e->absent);
    free(e->seat_events);
    free(e->seat_agent);
    free(e->duty);
    free(e->offer_events);
    free(e->rng);
    free(e->draw_streams);
    free(e->absence_seats);
    free(e->react);
    free(e->start_items);
    for (size_t i = 0; e->wq && i < e->s->nseats; i++)
        free(e->wq[i].v);
    free(e->wq);
    free(e->acts);
    free(e->free_acts);
    free(e->watches);
    free(e->free_watches);
    free(e->with_member);
    free(e->cons_read);
    free(e->stage_seats);
    free(e->stage_base);
    free(e->inj_label);
    free(e->inj_banner);
    free(e->inj);
    free(e->inj_gen);
    cc_arena_free(e->added);
    for (size_t i = 0; e->inj_title && i < e->ninj; i++) {
        free(e->inj_title[i]);
        free(e->inj_body[i]);
    }
    free(e->inj_title);
    free(e->inj_body);
    cc_buf_free(&e->line);
    free(e);
}

/* ---- events ------------------------------------------------------------------------ */

static void put_le64(unsigned char *p, uint64_t v)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    memcpy(p, &v, 8); /* the same bytes, one store (the loop below was 4% of a replay) */
#else
    for (int i = 0; i < 8; i++)
        p[i] = (unsigned char)(v >> (8 * i));
#endif
}

/* digest_n = SHA-256(digest_{n-1} || seq || now || item || new state || counters [|| extra]),
 * every integer little-endian 64-bit: a hash of the engine's own state transitions, recomputed on
 * replay. extra (at most 8) carries state that is not a counter, e.g. the control clock's. */
static void advance_digest(cc_engine *e, uint32_t item, int state, const uint64_t *extra, size_t nextra)
{
    unsigned char buf[32 + 8 * (18 + 8)];
    memcpy(buf, e->digest, 32);
    uint64_t v[18] = {e->seq,
                      (uint64_t)e->now_ms,
                      item,
                      (uint64_t)state,
                      e->st.injects_released,
                      e->st.deliveries,
                      e->st.denials,
                      e->st.decisions_opened,
                      e->st.decisions_expired,
                      e->st.consultations_requested,
                      e->st.decisions_made,
                      e->st.stages_completed,
                      e->st.consultations_done,
                      e->st.agent_actions,
                      e->st.messages_lost,
                      e->st.findings_met,
                      e->st.findings_missed,
                      (uint64_t)e->st.ended};
    for (int i = 0; i < 18; i++)
        put_le64(buf + 32 + 8 * i, v[i]);
    if (nextra > 8)
        nextra = 8;
    for (size_t i = 0; i < nextra; i++)
        put_le64(buf + 32 + 8 * (18 + i), extra[i]);
    cc_sha256(buf, 32 + 8 * (18 + nextra), e->digest);
}

/* Records one event; takes ownership of payload. item/state (and extra) feed the digest. */
/* One event: the payload is either a jansson object (owned) or fields (borrowed, f not NULL). */
static cc_err emit(cc_engine *e, cc_evtype type, const char *actor, const char *label, json_t *payload,
                   const cc_jf *f, size_t nf, uint32_t item, int state, const uint64_t *extra, size_t nextra)
{
    e->st.events++;
    /* milestones: an item's state changes to released / open / done / expired (codes ST_*) */
    if (e->o.observe && state >= ST_DONE && state <= ST_EXPIRED)
        e->o.observe(e->o.observe_ctx, type, item, 0, e->now_ms);
    if (e->o.no_log) {
        json_decref(payload);
        e->seq++;
        return CC_OK;
    }
    if (!payload && !f)
        return CC_ERR_NOMEM;
    advance_digest(e, item, state, extra, nextra);
    int64_t wall = e->o.live_clock ? e->wall_ms : e->o.wall_start_ms ? e->o.wall_start_ms + e->now_ms : 0;
    cc_evrec r = {.seq = e->seq,
                  .t_ms = e->now_ms,
                  .wall_ms = wall,
                  .actor = (char *)actor,
                  .type = (char *)cc_evtype_name(type),
                  .label = (char *)label,
                  .payload = payload};
    memcpy(r.prev, e->prev, 32);
    memcpy(r.digest, e->digest, 32);
    cc_buf_reset(&e->line);
    size_t seen_len = 0;
    const char *seen = e->o.expect ? e->o.expect(e->o.expect_ctx, e->seq, &seen_len) : NULL;
    cc_err rc = cc_evlog_encode_seen(&r, f, nf, seen, seen_len, &e->line);
    json_decref(payload);
    if (rc != CC_OK)
        return rc;
    memcpy(e->prev, r.hash, 32);
    e->seq++;
    if (e->sink && e->sink(e->ctx, e->line.data, e->line.len) != 0) {
        e->stopped = 1;
        return CC_ERR_IO;
    }
    return CC_OK;
}

cc_err cc_eng_emit_ext(cc_engine *e, cc_evtype type, const char *actor, const char *label, json_t *payload,
                       uint32_t item, int state, const uint64_t *extra, size_t nextra)
{
    return emit(e, type, actor, label, payload, NULL, 0, item, state, extra, nextra);
}

cc_err cc_eng_emit_fields(cc_engine *e, cc_evtype type, const char *actor, const char *label, const cc_jf *f,
                          size_t n, uint32_t item, int state)
{
    static const cc_jf none[1] = {{0}};
    return emit(e, type, actor, label, NULL, f ? f : none, f ? n : 0, item, state, NULL, 0);
}

static const char *seat_id(const cc_scenario *s, int i)
{
    return i >= 0 && (size_t)i < s->nseats ? s->seats[i].id : NULL;
}

const char *cc_eng_deny_code(cc_deny d)
{
    switch (d) {
    case CC_DENY_NONE: return "none";
    case CC_DENY_INVALID: return "invalid";
    case CC_DENY_POLICY: return "policy";
    case CC_DENY_CLASS: return "class";
    case CC_DENY_CAVEAT: return "caveat";
    case CC_DENY_RELEASABILITY: return "releasability";
    }
    return "invalid";
}

/* Marks in e->seatmask every seat named by refs; returns how many. */
size_t cc_eng_mark_recipients(cc_engine *e, const cc_refs *refs)
{
    const cc_scenario *s = e->s;
    memset(e->seatmask, 0, s->nseats);
    size_t n = 0;
    for (size_t r = 0; r < refs->n; r++)
        for (size_t i = 0; i < s->nseats; i++)
            if (!e->seatmask[i] && cc_scenario_ref_has_seat(s, &refs->v[r], i)) {
                e->seatmask[i] = 1;
                n++;
            }
    return n;
}

/* One delivery or denial event per recipient seat, in seat order; aev is the agent event a
 * delivery offers to agent seats (-1: none). */
cc_err cc_eng_deliver(cc_engine *e, const char *kind, const char *id, const cc_labelspec *l,
                      const cc_refs *to, uint32_t item, int inject_index, int aev)
{
    cc_eng_mark_recipients(e, to);
    return cc_eng_deliver_mask(e, kind, id, l, e->seatmask, NULL, item, inject_index, aev);
}

cc_err cc_eng_deliver_mask(cc_engine *e, const char *kind, const char *id, const cc_labelspec *l,
                           const uint8_t *to, const uint8_t *readable, uint32_t item, int inject_index,
                           int aev)
{
    const cc_scenario *s = e->s;
    unsigned kinds = e->o.observe_delivery_kinds;
    int observed = e->o.observe_delivery && (!kinds || (kinds >> ITEM_KIND(item) & 1u));
    for (size_t i = 0; i < s->nseats; i++) {
        if (!to[i])
            continue;
        cc_deny d =
            readable && readable[i] ? CC_DENY_NONE : cc_label_check(&l->label, &s->seats[i].clearance);
        cc_err rc;
        if (d == CC_DENY_NONE) {
            e->st.deliveries++;
            if (inject_index >= 0)
                e->held[i * e->held_words + (size_t)inject_index / 64] |= (uint64_t)1 << (inject_index % 64);
            rc = CC_EMITF(e, CC_EV_DELIVERY, NULL, l->text, item, 10, CC_JF_S("kind", kind),
                          CC_JF_S("item", id), CC_JF_S("seat", s->seats[i].id));
            if (observed)
                e->o.observe_delivery(e->o.observe_ctx, item, i, e->now_ms);
            if (rc == CC_OK && inject_index >= 0)
                rc = cc_eng_resolve_watches(e, CC_GRULE_SHARE, ITEM(CC_ITEM_INJECT, (size_t)inject_index), 0,
                                            i);
            if (rc == CC_OK && aev >= 0) {
                const cc_inject *I = inject_index >= 0 ? &e->inj[inject_index] : NULL;
                rc = cc_eng_agent_offer(e, i, (cc_agent_event)aev, item, I ? (int)I->channel : -1,
                                        I ? &I->classes : NULL, -1, 0);
            }
        } else {
            e->st.denials++;
            rc =
                CC_EMITF(e, CC_EV_DENIAL, NULL, l->text, item, 11, CC_JF_S("kind", kind), CC_JF_S("item", id),
                         CC_JF_S("seat", s->seats[i].id), CC_JF_S("reason", cc_eng_deny_code(d)));
        }
        if (rc)
            return rc;
    }
    return CC_OK;
}

json_t *cc_eng_refs_json(const cc_refs *r)
{
    json_t *a = json_array();
    for (size_t i = 0; i < r->n && a; i++) {
        char buf[96];
        cc_scenario_ref_text(&r->v[i], buf, sizeof buf);
        json_array_append_new(a, json_string(buf));
    }
    return a;
}

static cc_err schedule_dependents(cc_engine *e, const deps *d, size_t target)
{
    for (uint32_t k = d->start[target]; k < d->start[target + 1]; k++) {
        const cc_when *w = cc_eng_item_when(e->s, d->items[k]);
        cc_err rc = cc_sched_push(&e->q, e->now_ms + cc_eng_trigger_delay_ms(e, w), K_FIRE, d->items[k], 0);
        if (rc)
            return rc;
    }
    return CC_OK;
}

cc_err cc_eng_release_inject(cc_engine *e, size_t i)
{
    const cc_inject *I = &e->inj[i];
    if (e->inject_state[i] != ST_PENDING)
        return CC_OK;
    e->inject_state[i] = ST_DONE;
    e->st.injects_released++;
    const char *title = e->inj_title[i] ? e->inj_title[i] : I->title;
    const char *body = e->inj_body[i] ? e->inj_body[i] : I->body;
    json_t *p =
        CC_LAZY(e, json_pack("{s:s,s:s,s:s,s:s,s:o}", "inject", I->id, "title", title, "channel",
                             cc_channel_name(I->channel), "from", I->from, "to", cc_eng_refs_json(&I->to)));
    if (p && body)
        json_object_set_new(p, "body", json_string(body));
    const cc_labelspec *L = &e->inj_label[i];
    cc_err rc = cc_eng_emit(e, CC_EV_INJECT_RELEASE, seat_id(e->s, I->from_index), L->text, p,
                            ITEM(CC_ITEM_INJECT, i), ST_DONE);
    if (rc == CC_OK)
        rc = cc_eng_watch_share(e, i);
    if (rc == CC_OK)
        rc = cc_eng_deliver(e, "inject", I->id, L, &I->to, ITEM(CC_ITEM_INJECT, i), (int)i, CC_AEV_INJECT);
    if (rc == CC_OK && i < e->s->ninjects)
        rc = schedule_dependents(e, &e->after, i);
    if (rc == CC_OK)
        rc = cc_eng_schedule_added(e, i);
    return rc;
}

static json_t *seat_list(cc_engine *e, const cc_refs *refs)
{
    cc_eng_mark_recipients(e, refs);
    json_t *a = json_array();
    for (size_t i = 0; i < e->s->nseats && a; i++)
        if (e->seatmask[i])
            json_array_append_new(a, json_string(e->s->seats[i].id));
    return a;
}

static cc_err open_decision(cc_engine *e, size_t i)
{
    const cc_decision *D = &e->s->decisions[i];
    if (e->decision_state[i] != ST_PENDING)
        return CC_OK;
    e->decision_state[i] = ST_OPEN;
    e->st.decisions_opened++;
    drun *R = &e->dec[i];
    cc_eng_mark_recipients(e, &D->deciders);
    R->ndeciders = 0;
    for (size_t k = 0; k < e->s->nseats; k++) {
        R->vote[k] = -1;
        R->decider[k] = e->seatmask[k] && cc_label_permits(&D->label.label, &e->s->seats[k].clearance);
        R->ndeciders += R->decider[k];
    }
    json_t *p = NULL;
    if (!e->o.no_log) {
        json_t *opts = json_array();
        for (size_t k = 0; k < D->noptions && opts; k++)
            json_array_append_new(opts,
                                  json_pack("{s:s,s:s}", "id", D->options[k].id, "text", D->options[k].text));
        p = json_pack("{s:s,s:s,s:o,s:b,s:o,s:s}", "decision", D->id, "question", D->question, "options",
                      opts, "proposals", D->proposals, "deciders", seat_list(e, &D->deciders), "rule",
                      cc_rule_name(D->rule));
    }
    if (p && D->has_deadline)
        json_object_set_new(p, "deadline_ms", json_integer(e->now_ms + D->deadline_s * 1000));
    cc_err rc =
        cc_eng_emit(e, CC_EV_DECISION_OPEN, NULL, D->label.text, p, ITEM(CC_ITEM_DECISION, i), ST_OPEN);
    if (rc == CC_OK)
        rc = cc_eng_deliver(e, "decision", D->id, &D->label, &D->deciders, ITEM(CC_ITEM_DECISION, i), -1,
                            CC_AEV_DECISION_OPEN);
    e->dec[i].deadline_ms = D->has_deadline ? e->now_ms + D->deadline_s * 1000 : INT64_MAX;
    if (rc == CC_OK && D->has_deadline)
        rc = cc_sched_push(&e->q, e->dec[i].deadline_ms, K_DECISION_DEADLINE, (uint32_t)i, 0);
    return rc;
}

static cc_err decision_deadline(cc_engine *e, size_t i)
{
    if (e->decision_state[i] != ST_OPEN || e->now_ms < e->dec[i].deadline_ms)
        return CC_OK; /* ... or control extended it: a later deadline event is scheduled */
    const cc_decision *D = &e->s->decisions[i];
    /* its own silence rule, unless a decide stage governs it (then the stage's rule decides) */
    if (!e->dec[i].gov && D->rule == CC_RULE_SILENCE && !e->dec[i].objected && cc_eng_noptions(e, i) > 0)
        return cc_eng_decide(e, i, 0, "silence");
    e->decision_state[i] = ST_EXPIRED;
    e->st.decisions_expired++;
    cc_err rc = CC_EMITF(e, CC_EV_DECISION_DEADLINE, NULL, D->label.text, ITEM(CC_ITEM_DECISION, i),
                         ST_EXPIRED, CC_JF_S("decision", D->id));
    if (rc == CC_OK)
        rc = cc_eng_decision_expired(e, i);
    if (rc == CC_OK)
        rc = schedule_dependents(e, &e->timeout, i);
    return rc;
}

static cc_err request_consultation(cc_engine *e, size_t i)
{
    const cc_scenario *s = e->s;
    const cc_consultation *K = &s->consultations[i];
    if (e->consult_state[i] != ST_PENDING)
        return CC_OK;
    e->consult_state[i] = ST_OPEN;
    e->st.consultations_requested++;
    int m = K->mechanism_index >= 0 ? K->mechanism_index : e->variant;
    json_t *p = CC_LAZY(e, json_pack("{s:s,s:s,s:s}", "consultation", K->id, "topic", K->topic,
                                     "requested_by", K->requested_by));
    if (p) {
        json_object_set_new(p, "mechanism", m >= 0 ? json_string(s->mechanisms[m].id) : json_null());
        json_object_set_new(p, "decision", K->decision ? json_string(K->decision) : json_null());
    }
    cc_err rc = cc_eng_emit(e, CC_EV_CONSULT_REQUEST, K->requested_by, K->label.text, p,
                            ITEM(CC_ITEM_CONSULTATION, i), ST_OPEN);
    e->cons[i].mech = m;
    if (rc == CC_OK && m >= 0)
        rc = cc_eng_start_stage(e, i, 0);
    return rc;
}

cc_err cc_eng_fire(cc_engine *e, uint32_t code)
{
    size_t i = ITEM_INDEX(code);
    switch (ITEM_KIND(code)) {
    case CC_ITEM_INJECT: return cc_eng_release_inject(e, i);
    case CC_ITEM_DECISION: return open_decision(e, i);
    case CC_ITEM_CONSULTATION: return request_consultation(e, i);
    }
    return CC_OK;
}

static cc_err end_run(cc_engine *e, const char *reason)
{
    if (e->st.ended)
        return CC_OK;
    e->st.ended = 1;
    json_t *p = CC_LAZY(e, json_pack("{s:s,s:I,s:I,s:I,s:I,s:I,s:I}", "reason", reason, "injects_released",
                                     (json_int_t)e->st.injects_released, "deliveries",
                                     (json_int_t)e->st.deliveries, "denials", (json_int_t)e->st.denials,
                                     "decisions_opened", (json_int_t)e->st.decisions_opened,
                                     "decisions_expired", (json_int_t)e->st.decisions_expired,
                                     "consultations_requested", (json_int_t)e->st.consultations_requested));
    return cc_eng_emit(e, CC_EV_RUN_END, NULL, NULL, p, 0, 99);
}

/* ---- driving ----------------------------------------------------------------------- */

cc_err cc_engine_start(cc_engine *e)
{
    const cc_scenario *s = e->s;
    if (e->seq != 0)
        return CC_ERR_ARG;
    json_t *p = NULL, *autos = NULL;
    if (!e->o.no_log) {
        char hash[65], seed[24], phash[16];
        cc_scenario_hash_hex(s, hash);
        snprintf(seed, sizeof seed, "%llu", (unsigned long long)e->o.seed);
        snprintf(phash, sizeof phash, "%08x", (unsigned)cc_label_policy_hash(s->policy));
        p = json_pack("{s:s,s:s,s:s,s:I,s:o,s:{s:s,s:s},s:s,s:I}", "scenario", hash, "scenario_id", s->id,
                      "seed", seed, "replication", (json_int_t)e->o.replication, "variant",
                      e->variant >= 0 ? json_string(s->mechanisms[e->variant].id) : json_null(), "policy",
                      "id", s->policy_id, "hash", phash, "engine", CC_ENGINE_VERSION, "duration_ms",
                      (json_int_t)(s->duration_s * 1000));
        autos = json_array();
        if (!p || !autos) {
            json_decref(p);
            json_decref(autos);
            return CC_ERR_NOMEM;
        }
    }
    for (size_t i = 0; autos && i < s->nseats; i++)
        if (e->auto_seat[i])
            json_array_append_new(autos, json_string(s->seats[i].id));
    /* each agent seat's absence is the first draw of its own stream (none when it cannot be absent) */
    for (size_t k = 0; k < e->nabsence_seats; k++) {
        size_t i = e->absence_seats[k];
        e->absent[i] = (uint8_t)cc_rng_bernoulli(&e->rng[i + 1], s->agents[s->seats[i].agent_index].absence);
        if (e->absent[i])
            e->offer_events[i] = 0;
    }
    if (p) {
        json_object_set_new(p, "source", e->o.source ? json_string(e->o.source) : json_null());
        json_object_set_new(p, "auto", autos);
        if (s->agents_file) { /* an agents file merged into the scenario (docs/calibration.md) */
            char hex[65];
            cc_hex(s->agents_hash, 32, hex);
            json_object_set_new(p, "agents", json_pack("{s:s,s:s}", "file", s->agents_file, "sha256", hex));
        }
        if (s->endorsement) { /* the endorsed guidelines it runs under (core/guidelines.h) */
            unsigned char h[32];
            char hex[65];
            cc_sha256((const unsigned char *)s->endorsement, strlen(s->endorsement), h);
            cc_hex(h, 32, hex);
            json_object_set_new(p, "guidelines",
                                json_pack("{s:s,s:s}", "note", s->endorsement, "sha256", hex));
        }
        if (e->o.live_clock)
            json_object_set_new(p, "clock", json_string("wall"));
    }
    cc_err rc = cc_eng_emit(e, CC_EV_RUN_START, NULL, NULL, p, 0, 0);
    for (size_t k = 0; k < e->nabsence_seats && rc == CC_OK; k++) {
        size_t i = e->absence_seats[k];
        if (e->absent[i])
            rc = CC_EMITF(e, CC_EV_SEAT_ABSENT, s->seats[i].id, NULL, 0, 90, CC_JF_S("seat", s->seats[i].id));
    }
    for (size_t k = 0; k < e->nstart_items && rc == CC_OK; k++) {
        uint32_t code = e->start_items[k];
        rc = cc_sched_push(&e->q, cc_eng_item_when(s, code)->at_s * 1000, K_FIRE, code, 0);
    }
    if (rc == CC_OK && e->eval)
        rc = cc_eng_eval_start(e);
    if (rc == CC_OK)
        rc = cc_sched_push(&e->q, s->duration_s * 1000, K_END, 0, 0);
    return rc;
}

/* Processes every event due up to until_ms. In a live run each event is recorded with the wall
 * time at which the clock reached its scenario time, at most wall_cap (the wall time passed in). */
cc_err cc_eng_run(cc_engine *e, int64_t until_ms, int64_t wall_cap)
{
    cc_sched_ev ev;
    while (!e->st.ended && cc_sched_pop_due(&e->q, until_ms, &ev)) {
        e->now_ms = ev.time;
        if (e->o.live_clock) {
            int64_t w = cc_clock_wall_at(&e->clk, ev.time);
            e->wall_ms = w < wall_cap ? w : wall_cap;
        }
        cc_err rc = CC_OK;
        /* most events of a simulation: tested before the jump table */
        if (ev.kind == K_AGENT) {
            pending a = e->acts[ev.a]; /* the slot is free from here on (the action may schedule more) */
            e->free_acts[e->nfree_acts++] = ev.a;
            rc = cc_eng_agent_act(e, &a);
            if (rc)
                return rc;
            continue;
        }
        switch (ev.kind) {
        case K_FIRE:
            /* an inject retimed by control, or added with its own time, ignores older schedules */
            if (ITEM_KIND(ev.a) != CC_ITEM_INJECT || ev.b == e->inj_gen[ITEM_INDEX(ev.a)])
                rc = cc_eng_fire(e, ev.a);
            break;
        case K_DECISION_DEADLINE: rc = decision_deadline(e, ev.a); break;
        case K_END: rc = end_run(e, "duration"); break;
        case K_STAGE_DEADLINE: rc = cc_eng_stage_deadline(e, ev.a, ev.b); break;
        case K_ROUND: rc = cc_eng_next_round(e, ev.a, (int)ev.b); break;
        case K_WAIT: {
            pending w = e->acts[ev.a]; /* the slot is free from here on */
            e->free_acts[e->nfree_acts++] = ev.a;
            rc = cc_eng_agent_wait(e, &w);
            break;
        }
        case K_WORK: { /* an act holding a place of its seat's capacity */
            pending a = e->acts[ev.a];
            e->free_acts[e->nfree_acts++] = ev.a;
            rc = cc_eng_agent_act(e, &a);
            if (rc == CC_OK)
                rc = cc_eng_work_done(e, a.seat);
            break;
        }
        case K_WATCH: rc = cc_eng_watch_expired(e, ev.a); break;
        case K_FEEDBACK: rc = cc_eng_eval_due(e, ev.a); break;
        }
        if (rc)
            return rc;
    }
    if (!e->st.ended && until_ms > e->now_ms)
        e->now_ms = until_ms;
    return CC_OK;
}

cc_err cc_engine_run_until(cc_engine *e, int64_t until_ms)
{
    if (e->stopped)
        return CC_ERR_IO;
    if (e->o.live_clock)
        return CC_ERR_ARG;
    return cc_eng_run(e, until_ms, 0);
}

cc_err cc_engine_finish(cc_engine *e)
{
    return end_run(e, "until");
}

void cc_engine_stats_get(const cc_engine *e, cc_engine_stats *out)
{
    *out = e->st;
    out->now_ms = e->now_ms;
}

const unsigned char *cc_engine_digest(const cc_engine *e)
{
    return e->digest;
}

int cc_eng_seat_acted(const cc_engine *e, size_t seat, size_t inject)
{
    size_t base = e->s->nseats * e->held_words;
    return (int)(e->held[base + seat * e->held_words + inject / 64] >> (inject % 64) & 1);
}

void cc_eng_seat_acts_on(cc_engine *e, size_t seat, size_t inject)
{
    size_t base = e->s->nseats * e->held_words;
    e->held[base + seat * e->held_words + inject / 64] |= (uint64_t)1 << (inject % 64);
}

int cc_engine_seat_has(const cc_engine *e, size_t seat, size_t inject)
{
    if (seat >= e->s->nseats || inject >= e->ninj)
        return 0;
    return (int)(e->held[seat * e->held_words + inject / 64] >> (inject % 64) & 1);
}

const char *cc_engine_decision_state(const cc_engine *e, size_t d, const char **outcome)
{
    if (outcome)
        *outcome = NULL;
    if (d >= e->s->ndecisions)
        return NULL;
    switch (e->decision_state[d]) {
    case ST_OPEN: return "open";
    case ST_EXPIRED: return "expired";
    case ST_DONE:
        if (outcome && e->dec[d].outcome >= 0)
            *outcome = cc_eng_option_id(e, d, (size_t)e->dec[d].outcome);
        return "decided";
    default: return "pending";
    }
}

const char *cc_engine_consultation_state(const cc_engine *e, size_t c, const char **stage, int64_t *since_ms)
{
    if (stage)
        *stage = NULL;
    if (since_ms)
        *since_ms = 0;
    if (c >= e->s->nconsultations)
        return NULL;
    if (e->consult_state[c] == ST_DONE)
        return "done";
    if (e->consult_state[c] != ST_OPEN && e->consult_state[c] != ST_EXPIRED)
        return "pending";
    const crun *K = &e->cons[c];
    if (K->mech >= 0 && K->stage >= 0 && (size_t)K->stage < e->s->mechanisms[K->mech].nstages) {
        if (stage)
            *stage = e->s->mechanisms[K->mech].stages[K->stage].id;
        if (since_ms)
            *since_ms = K->stage_start;
    }
    return e->consult_state[c] == ST_EXPIRED ? "failed" : "in progress";
}
