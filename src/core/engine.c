/* engine — scheduler-driven execution of a scenario into event-log records. Every state
 * change goes through emit(), which numbers the event, advances the state digest and hands
 * the canonical record to the sink. */
#include "core/engine.h"

#include <jansson.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/evlog.h"
#include "core/rng.h"
#include "core/sched.h"
#include "core/zone.h"
#include "core/scenario_model.h"

/* scheduled event kinds */
enum { K_FIRE = 1, K_DECISION_DEADLINE, K_END, K_STAGE_DEADLINE, K_AGENT, K_WATCH };

/* item codes: kind in the top bits, index below */
#define ITEM(kind, idx) ((uint32_t)(kind) << 28 | (uint32_t)(idx))
#define ITEM_KIND(code) ((cc_item_kind)((code) >> 28))
#define ITEM_INDEX(code) ((size_t)((code)&0x0FFFFFFFu))

enum { ST_PENDING = 0, ST_DONE = 1, ST_OPEN = 2, ST_EXPIRED = 3, ST_HELD = 4 };

/* dependents of an item: items whose trigger names it (compressed rows) */
typedef struct deps {
    uint32_t *start; /* n + 1 offsets */
    uint32_t *items;
} deps;

/* a running consultation */
typedef struct crun {
    int mech;  /* mechanism index; -1 when none */
    int stage; /* current stage; -1 before the request, nstages when done */
    int64_t stage_start;
    uint8_t *part;      /* nseats: participant of the current stage who can read the consultation */
    uint8_t *acted;     /* nseats: acted in the current stage */
    uint8_t *asked;     /* nseats: the request has reached the seat (agent event "request") */
    int reached_decide; /* a decide stage has started */
    size_t nparts, nacted;
    int objected;
} crun;

/* a decision point during play */
typedef struct drun {
    int *vote; /* nseats: option index voted, -1 none */
    uint8_t *decider;
    size_t ndeciders;
    char **proposed; /* ids of options proposed during play ("P1", ...) */
    size_t nproposed;
    int objected;
    int outcome; /* option index once decided */
} drun;

/* a guideline rule waiting to be met or missed */
typedef struct watch {
    uint32_t guideline, item;
    int stage;
    int done;
    int64_t start_ms;
    uint64_t from_seq; /* the event that started it */
} watch;

/* an agent action waiting for its time */
typedef struct pending {
    uint32_t seat, agent, rule;
    uint32_t context; /* item code the action is about */
} pending;

struct cc_engine {
    const cc_scenario *s;
    cc_engine_opts o;
    cc_engine_sink sink;
    void *ctx;
    int variant;
    cc_sched q;
    int64_t now_ms;
    uint64_t seq;
    unsigned char prev[32], digest[32];
    uint8_t *inject_state, *decision_state, *consult_state;
    cc_labelspec *inj_label;                     /* current label of each inject (control may downgrade) */
    char (*inj_banner)[CC_LABEL_BANNER_MAX + 1]; /* text of downgraded labels */
    uint64_t messages;                           /* messages sent, for message ids */
    char **inj_title, **inj_body; /* control's edits before release (NULL: as in the scenario) */
    uint64_t *held;               /* nseats x ninjects bits: seat holds inject */
    size_t held_words;
    uint8_t *seatmask;  /* scratch: recipients of one item */
    deps after;         /* inject -> items triggered after it */
    deps timeout;       /* decision -> items triggered by its timeout */
    deps decided;       /* decision -> items triggered by its outcome */
    deps staged;        /* consultation -> items triggered by a stage starting */
    deps stage_timeout; /* consultation -> items triggered by a stage deadline */
    crun *cons;
    drun *dec;
    uint8_t *auto_seat; /* nseats: an agent plays the seat */
    uint8_t *absent;    /* nseats: the agent is absent for this run */
    cc_rng *rng;        /* nseats + 1 streams: engine (0), then one per seat */
    pending *acts;
    size_t nacts, capacts;
    watch *watches;
    size_t nwatch, capwatch;
    uint8_t *with_member; /* nguidelines x nseats: seat is in a share rule's 'with' */
    cc_engine_stats st;
    cc_buf line;
    int stopped;
};

static cc_err decide(cc_engine *e, size_t d, int outcome, const char *how);
static size_t noptions(const cc_engine *e, size_t d);
static cc_err start_stage(cc_engine *e, size_t c, int k);
static cc_err resolve_watches(cc_engine *e, cc_grule_kind kind, uint32_t item, int k, size_t seat);
static cc_err watch_share(cc_engine *e, size_t i);
static size_t mark_recipients(cc_engine *e, const cc_refs *refs);

/* ---- construction ------------------------------------------------------------------ */

static size_t item_count(const cc_scenario *s)
{
    return s->ninjects + s->ndecisions + s->nconsultations;
}

static const cc_when *item_when(const cc_scenario *s, uint32_t code)
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
        const cc_when *w = item_when(s, item_code(s, k));
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
        const cc_when *w = item_when(s, code);
        if (w->has_trigger && w->trig == trig && w->target_kind == tkind && w->target_index >= 0) {
            size_t t = (size_t)w->target_index;
            d->items[d->start[t] + fill[t]++] = code;
        }
    }
    free(fill);
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
    e->held_words = (s->ninjects + 63) / 64;
    cc_err rc = cc_sched_init(&e->q, 64 + item_count(s));
    e->inject_state = calloc(s->ninjects + 1, 1);
    e->decision_state = calloc(s->ndecisions + 1, 1);
    e->consult_state = calloc(s->nconsultations + 1, 1);
    e->held = calloc(s->nseats * e->held_words + 1, sizeof *e->held);
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
        e->rng = calloc(s->nseats + 1, sizeof *e->rng);
        if (!e->cons || !e->dec || !e->auto_seat || !e->absent || !e->rng)
            rc = CC_ERR_NOMEM;
    }
    for (size_t c = 0; rc == CC_OK && c < s->nconsultations; c++) {
        e->cons[c].mech = -1;
        e->cons[c].stage = -1;
        e->cons[c].part = calloc(s->nseats + 1, 1);
        e->cons[c].acted = calloc(s->nseats + 1, 1);
        e->cons[c].asked = calloc(s->nseats + 1, 1);
        if (!e->cons[c].part || !e->cons[c].acted || !e->cons[c].asked)
            rc = CC_ERR_NOMEM;
    }
    for (size_t d = 0; rc == CC_OK && d < s->ndecisions; d++) {
        e->dec[d].outcome = -1;
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
        for (size_t i = 0; rc == CC_OK && i < s->ninjects; i++)
            e->inj_label[i] = s->injects[i].label;
    }
    for (size_t g = 0; rc == CC_OK && g < s->nguidelines; g++) {
        if (s->guidelines[g].kind != CC_GRULE_SHARE)
            continue;
        cc_refs one = {(cc_ref *)&s->guidelines[g].with, 1, s->guidelines[g].with.pos};
        mark_recipients(e, &one);
        memcpy(e->with_member + g * s->nseats, e->seatmask, s->nseats);
    }
    if (rc == CC_OK) {
        for (size_t i = 0; i <= s->nseats; i++)
            cc_rng_init(&e->rng[i], e->o.seed, e->o.replication, (uint32_t)i);
        for (size_t i = 0; i < s->nseats; i++)
            e->auto_seat[i] = e->o.auto_seats && e->o.auto_seats[i] && s->seats[i].agent_index >= 0;
    }
    if (rc != CC_OK) {
        cc_engine_free(e);
        return rc;
    }
    *out = e;
    return CC_OK;
}

void cc_engine_free(cc_engine *e)
{
    if (!e)
        return;
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
        free(e->cons[c].part);
        free(e->cons[c].acted);
        free(e->cons[c].asked);
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
    free(e->rng);
    free(e->acts);
    free(e->watches);
    free(e->with_member);
    free(e->inj_label);
    free(e->inj_banner);
    for (size_t i = 0; e->inj_title && i < e->s->ninjects; i++) {
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
    for (int i = 0; i < 8; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

/* digest_n = SHA-256(digest_{n-1} || seq || now || item || new state || counters), every integer
 * little-endian 64-bit: a hash of the engine's own state transitions, recomputed on replay. */
static void advance_digest(cc_engine *e, uint32_t item, int state)
{
    unsigned char buf[32 + 8 * 18];
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
    crypto_hash_sha256(e->digest, buf, sizeof buf);
}

/* Records one event; takes ownership of payload. item/state feed the digest. */
static cc_err emit(cc_engine *e, const char *type, const char *actor, const char *label, json_t *payload,
                   uint32_t item, int state)
{
    e->st.events++;
    if (e->o.observe)
        e->o.observe(e->o.observe_ctx, type, item, e->now_ms);
    if (e->o.no_log) {
        json_decref(payload);
        e->seq++;
        return CC_OK;
    }
    if (!payload)
        return CC_ERR_NOMEM;
    advance_digest(e, item, state);
    cc_evrec r = {.seq = e->seq,
                  .t_ms = e->now_ms,
                  .wall_ms = e->o.wall_start_ms ? e->o.wall_start_ms + e->now_ms : 0,
                  .actor = (char *)actor,
                  .type = (char *)type,
                  .label = (char *)label,
                  .payload = payload};
    memcpy(r.prev, e->prev, 32);
    memcpy(r.digest, e->digest, 32);
    cc_buf_reset(&e->line);
    cc_err rc = cc_evlog_encode(&r, &e->line);
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

static const char *seat_id(const cc_scenario *s, int i)
{
    return i >= 0 && (size_t)i < s->nseats ? s->seats[i].id : NULL;
}

static const char *deny_code(cc_deny d)
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
static size_t mark_recipients(cc_engine *e, const cc_refs *refs)
{
    const cc_scenario *s = e->s;
    memset(e->seatmask, 0, s->nseats);
    size_t n = 0;
    for (size_t r = 0; r < refs->n; r++) {
        const cc_ref *x = &refs->v[r];
        for (size_t i = 0; i < s->nseats; i++) {
            const cc_seat *st = &s->seats[i];
            int in = 0;
            switch (x->kind) {
            case CC_REF_ALL: in = 1; break;
            case CC_REF_SEAT: in = x->index == (int)i; break;
            case CC_REF_PARTY: in = x->index >= 0 && st->party_index == x->index; break;
            case CC_REF_CELL:
                for (size_t k = 0; k < st->cell_index.n && !in; k++)
                    in = st->cell_index.v[k] == x->index;
                break;
            case CC_REF_GROUP:
                if (x->index >= 0 && st->party_index >= 0) {
                    int g = cc_label_policy_group(s->policy, s->groups[x->index].id);
                    in = g >= 0 &&
                         cc_partyset_has(cc_label_policy_group_members(s->policy, g), st->party_index);
                }
                break;
            }
            if (in && !e->seatmask[i]) {
                e->seatmask[i] = 1;
                n++;
            }
        }
    }
    return n;
}

static cc_err agent_offer(cc_engine *e, size_t seat, cc_agent_event ev, uint32_t context, int channel,
                          const cc_strs *classes, int stage_kind);

/* One delivery or denial event per recipient seat, in seat order; aev is the agent event a
 * delivery offers to agent seats (-1: none). */
static cc_err deliver(cc_engine *e, const char *kind, const char *id, const cc_labelspec *l,
                      const cc_refs *to, uint32_t item, int inject_index, int aev)
{
    const cc_scenario *s = e->s;
    mark_recipients(e, to);
    for (size_t i = 0; i < s->nseats; i++) {
        if (!e->seatmask[i])
            continue;
        cc_deny d = cc_label_check(&l->label, &s->seats[i].clearance);
        cc_err rc;
        if (d == CC_DENY_NONE) {
            e->st.deliveries++;
            if (inject_index >= 0)
                e->held[i * e->held_words + (size_t)inject_index / 64] |= (uint64_t)1 << (inject_index % 64);
            rc = emit(e, "delivery", NULL, l->text,
                      json_pack("{s:s,s:s,s:s}", "kind", kind, "item", id, "seat", s->seats[i].id), item, 10);
            if (e->o.observe_delivery)
                e->o.observe_delivery(e->o.observe_ctx, item, i, e->now_ms);
            if (rc == CC_OK && inject_index >= 0)
                rc = resolve_watches(e, CC_GRULE_SHARE, ITEM(CC_ITEM_INJECT, (size_t)inject_index), 0, i);
            if (rc == CC_OK && aev >= 0) {
                const cc_inject *I = inject_index >= 0 ? &s->injects[inject_index] : NULL;
                rc = agent_offer(e, i, (cc_agent_event)aev, item, I ? (int)I->channel : -1,
                                 I ? &I->classes : NULL, -1);
            }
        } else {
            e->st.denials++;
            rc = emit(e, "denial", NULL, l->text,
                      json_pack("{s:s,s:s,s:s,s:s}", "kind", kind, "item", id, "seat", s->seats[i].id,
                                "reason", deny_code(d)),
                      item, 11);
        }
        if (rc)
            return rc;
    }
    return CC_OK;
}

static json_t *refs_json(const cc_refs *r)
{
    json_t *a = json_array();
    for (size_t i = 0; i < r->n && a; i++) {
        const cc_ref *x = &r->v[i];
        static const char *const pre[] = {"", "cell:", "party:", "group:", ""};
        char buf[96];
        snprintf(buf, sizeof buf, "%s%s", pre[x->kind], x->name);
        json_array_append_new(a, json_string(buf));
    }
    return a;
}

static cc_err schedule_dependents(cc_engine *e, const deps *d, size_t target)
{
    for (uint32_t k = d->start[target]; k < d->start[target + 1]; k++) {
        const cc_when *w = item_when(e->s, d->items[k]);
        cc_err rc = cc_sched_push(&e->q, e->now_ms + w->delay_s * 1000, K_FIRE, d->items[k], 0);
        if (rc)
            return rc;
    }
    return CC_OK;
}

static cc_err release_inject(cc_engine *e, size_t i)
{
    const cc_inject *I = &e->s->injects[i];
    if (e->inject_state[i] != ST_PENDING)
        return CC_OK;
    e->inject_state[i] = ST_DONE;
    e->st.injects_released++;
    const char *title = e->inj_title[i] ? e->inj_title[i] : I->title;
    const char *body = e->inj_body[i] ? e->inj_body[i] : I->body;
    json_t *p = json_pack("{s:s,s:s,s:s,s:s,s:o}", "inject", I->id, "title", title, "channel",
                          cc_channel_name(I->channel), "from", I->from, "to", refs_json(&I->to));
    if (p && body)
        json_object_set_new(p, "body", json_string(body));
    const cc_labelspec *L = &e->inj_label[i];
    cc_err rc =
        emit(e, "inject.release", seat_id(e->s, I->from_index), L->text, p, ITEM(CC_ITEM_INJECT, i), ST_DONE);
    if (rc == CC_OK)
        rc = watch_share(e, i);
    if (rc == CC_OK)
        rc = deliver(e, "inject", I->id, L, &I->to, ITEM(CC_ITEM_INJECT, i), (int)i, CC_AEV_INJECT);
    if (rc == CC_OK)
        rc = schedule_dependents(e, &e->after, i);
    return rc;
}

static json_t *seat_list(cc_engine *e, const cc_refs *refs)
{
    mark_recipients(e, refs);
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
    mark_recipients(e, &D->deciders);
    R->ndeciders = 0;
    for (size_t k = 0; k < e->s->nseats; k++) {
        R->vote[k] = -1;
        R->decider[k] = e->seatmask[k] && cc_label_permits(&D->label.label, &e->s->seats[k].clearance);
        R->ndeciders += R->decider[k];
    }
    json_t *opts = json_array();
    for (size_t k = 0; k < D->noptions && opts; k++)
        json_array_append_new(opts,
                              json_pack("{s:s,s:s}", "id", D->options[k].id, "text", D->options[k].text));
    json_t *p = json_pack("{s:s,s:s,s:o,s:b,s:o,s:s}", "decision", D->id, "question", D->question, "options",
                          opts, "proposals", D->proposals, "deciders", seat_list(e, &D->deciders), "rule",
                          cc_rule_name(D->rule));
    if (p && D->has_deadline)
        json_object_set_new(p, "deadline_ms", json_integer(e->now_ms + D->deadline_s * 1000));
    cc_err rc = emit(e, "decision.open", NULL, D->label.text, p, ITEM(CC_ITEM_DECISION, i), ST_OPEN);
    if (rc == CC_OK)
        rc = deliver(e, "decision", D->id, &D->label, &D->deciders, ITEM(CC_ITEM_DECISION, i), -1,
                     CC_AEV_DECISION_OPEN);
    if (rc == CC_OK && D->has_deadline)
        rc = cc_sched_push(&e->q, e->now_ms + D->deadline_s * 1000, K_DECISION_DEADLINE, (uint32_t)i, 0);
    return rc;
}

static cc_err decision_deadline(cc_engine *e, size_t i)
{
    if (e->decision_state[i] != ST_OPEN)
        return CC_OK;
    const cc_decision *D = &e->s->decisions[i];
    if (D->rule == CC_RULE_SILENCE && !e->dec[i].objected && noptions(e, i) > 0)
        return decide(e, i, 0, "silence");
    e->decision_state[i] = ST_EXPIRED;
    e->st.decisions_expired++;
    cc_err rc = emit(e, "decision.deadline", NULL, D->label.text, json_pack("{s:s}", "decision", D->id),
                     ITEM(CC_ITEM_DECISION, i), ST_EXPIRED);
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
    json_t *p =
        json_pack("{s:s,s:s,s:s}", "consultation", K->id, "topic", K->topic, "requested_by", K->requested_by);
    if (p) {
        json_object_set_new(p, "mechanism", m >= 0 ? json_string(s->mechanisms[m].id) : json_null());
        json_object_set_new(p, "decision", K->decision ? json_string(K->decision) : json_null());
    }
    cc_err rc =
        emit(e, "consult.request", K->requested_by, K->label.text, p, ITEM(CC_ITEM_CONSULTATION, i), ST_OPEN);
    e->cons[i].mech = m;
    if (rc == CC_OK && m >= 0)
        rc = start_stage(e, i, 0);
    return rc;
}

static cc_err fire(cc_engine *e, uint32_t code);

static cc_err add_watch(cc_engine *e, size_t g, uint32_t item, int stage, int64_t within_ms)
{
    if (e->nwatch == e->capwatch) {
        size_t nc = e->capwatch ? e->capwatch * 2 : 32;
        watch *n = realloc(e->watches, nc * sizeof *n);
        if (!n)
            return CC_ERR_NOMEM;
        e->watches = n;
        e->capwatch = nc;
    }
    e->watches[e->nwatch] = (watch){(uint32_t)g, item, stage, 0, e->now_ms, e->seq - 1};
    return cc_sched_push(&e->q, e->now_ms + within_ms, K_WATCH, (uint32_t)e->nwatch++, 0);
}

/* ---- guideline findings -------------------------------------------------------------- */

static cc_err emit_finding(cc_engine *e, size_t g, int met, const char *subject, const char *label,
                           uint64_t from_seq, int64_t elapsed_ms)
{
    const cc_guideline *G = &e->s->guidelines[g];
    if (e->o.observe)
        e->o.observe(e->o.observe_ctx, met ? "finding.met" : "finding.missed", (uint32_t)g, e->now_ms);
    if (met)
        e->st.findings_met++;
    else
        e->st.findings_missed++;
    json_t *ev = json_array();
    json_array_append_new(ev, json_integer((json_int_t)from_seq));
    json_array_append_new(ev, json_integer((json_int_t)e->seq - 1));
    json_t *p = json_pack("{s:s,s:s,s:s,s:o,s:I}", "guideline", G->id, "result", met ? "met" : "missed",
                          "subject", subject, "evidence", ev, "elapsed_ms", (json_int_t)elapsed_ms);
    if (p && G->within_s)
        json_object_set_new(p, "within_ms", json_integer(G->within_s * 1000));
    return emit(e, "finding", NULL, label, p, 0, met ? 100 : 101);
}

/* Opens watches for stage_deadline guidelines when stage k of consultation c starts. */
static cc_err watch_stage(cc_engine *e, size_t c, int k)
{
    const cc_scenario *s = e->s;
    const cc_stage *S = &s->mechanisms[e->cons[c].mech].stages[k];
    for (size_t g = 0; g < s->nguidelines; g++) {
        const cc_guideline *G = &s->guidelines[g];
        if (G->kind != CC_GRULE_STAGE_DEADLINE || G->stage != S->kind ||
            (G->consultation_index >= 0 && (size_t)G->consultation_index != c))
            continue;
        cc_err rc = add_watch(e, g, ITEM(CC_ITEM_CONSULTATION, c), k, G->within_s * 1000);
        if (rc)
            return rc;
    }
    return CC_OK;
}

/* Opens watches for share guidelines when inject i is released. */
static cc_err watch_share(cc_engine *e, size_t i)
{
    const cc_scenario *s = e->s;
    const cc_inject *I = &s->injects[i];
    for (size_t g = 0; g < s->nguidelines; g++) {
        const cc_guideline *G = &s->guidelines[g];
        if (G->kind != CC_GRULE_SHARE || !G->inject_class)
            continue;
        int tagged = 0;
        for (size_t k = 0; k < I->classes.n && !tagged; k++)
            tagged = strcmp(I->classes.v[k], G->inject_class) == 0;
        if (!tagged)
            continue;
        cc_err rc = add_watch(e, g, ITEM(CC_ITEM_INJECT, i), 0, G->within_s * 1000);
        if (rc)
            return rc;
    }
    return CC_OK;
}

/* Resolves open watches on item (stage k for consultations) as met. */
static cc_err resolve_watches(cc_engine *e, cc_grule_kind kind, uint32_t item, int k, size_t seat)
{
    const cc_scenario *s = e->s;
    for (size_t w = 0; w < e->nwatch; w++) {
        watch *W = &e->watches[w];
        const cc_guideline *G = &s->guidelines[W->guideline];
        if (W->done || W->item != item || G->kind != kind || W->stage != k)
            continue;
        if (kind == CC_GRULE_SHARE && !e->with_member[W->guideline * s->nseats + seat])
            continue;
        W->done = 1;
        const char *subject, *label;
        if (ITEM_KIND(item) == CC_ITEM_INJECT) {
            subject = s->injects[ITEM_INDEX(item)].id;
            label = s->injects[ITEM_INDEX(item)].label.text;
        } else {
            subject = s->consultations[ITEM_INDEX(item)].id;
            label = s->consultations[ITEM_INDEX(item)].label.text;
        }
        cc_err rc = emit_finding(e, W->guideline, 1, subject, label, W->from_seq, e->now_ms - W->start_ms);
        if (rc)
            return rc;
    }
    return CC_OK;
}

/* A watch's time ran out. */
static cc_err watch_expired(cc_engine *e, size_t w)
{
    watch *W = &e->watches[w];
    if (W->done)
        return CC_OK;
    W->done = 1;
    const cc_scenario *s = e->s;
    size_t i = ITEM_INDEX(W->item);
    int inj = ITEM_KIND(W->item) == CC_ITEM_INJECT;
    return emit_finding(e, W->guideline, 0, inj ? s->injects[i].id : s->consultations[i].id,
                        inj ? s->injects[i].label.text : s->consultations[i].label.text, W->from_seq,
                        e->now_ms - W->start_ms);
}

/* consult_before_decision guidelines, evaluated when decision d is made. */
static cc_err check_consult_before(cc_engine *e, size_t d)
{
    const cc_scenario *s = e->s;
    for (size_t g = 0; g < s->nguidelines; g++) {
        const cc_guideline *G = &s->guidelines[g];
        if (G->kind != CC_GRULE_CONSULT_BEFORE || G->decision_index != (int)d)
            continue;
        int met = 0;
        for (size_t c = 0; c < s->nconsultations && !met; c++) {
            if (G->consultation_index >= 0 ? (size_t)G->consultation_index != c
                                           : s->consultations[c].decision_index != (int)d)
                continue;
            met = e->cons[c].reached_decide;
        }
        cc_err rc = emit_finding(e, g, met, s->decisions[d].id, s->decisions[d].label.text, e->seq - 1, 0);
        if (rc)
            return rc;
    }
    return CC_OK;
}

/* ---- agents -------------------------------------------------------------------------- */

static double draw_delay_s(cc_rng *r, const cc_dist *d)
{
    switch (d->kind) {
    case CC_DIST_FIXED: return d->a;
    case CC_DIST_UNIFORM: return d->a + (d->b - d->a) * cc_rng_uniform(r);
    case CC_DIST_EXPONENTIAL: return cc_rng_exponential(r, d->a);
    case CC_DIST_LOGNORMAL: return cc_rng_lognormal(r, d->a, d->b);
    case CC_DIST_GAMMA: return cc_rng_gamma(r, d->a, d->b);
    case CC_DIST_TRIANGULAR: return cc_rng_triangular(r, d->a, d->b, d->c);
    case CC_DIST_EMPIRICAL: return d->nvalues ? d->values[cc_rng_below(r, (uint32_t)d->nvalues)] : 0;
    }
    return 0;
}

/* Earliest scenario ms >= t at which the seat's agent is available. */
static int64_t available_at(const cc_engine *e, size_t seat, const cc_agent *A, int64_t t)
{
    const cc_scenario *s = e->s;
    const cc_seat *st = &s->seats[seat];
    if (A->always_available || st->party_index < 0)
        return t;
    const cc_party *P = &s->parties[st->party_index];
    if (!P->zone)
        return t;
    int64_t unix_s = s->start_unix + (t + 999) / 1000;
    int64_t open = cc_workhours_next_open(P->zone, &P->hours, unix_s);
    if (open == INT64_MAX)
        return INT64_MAX;
    int64_t ms = (open - s->start_unix) * 1000;
    return ms > t ? ms : t;
}

/* Offers an event to one seat's agent: every matching rule may schedule an action. */
static cc_err agent_offer(cc_engine *e, size_t seat, cc_agent_event ev, uint32_t context, int channel,
                          const cc_strs *classes, int stage_kind)
{
    const cc_scenario *s = e->s;
    const cc_seat *st = &s->seats[seat];
    if (!e->auto_seat[seat] || e->absent[seat] || st->agent_index < 0)
        return CC_OK;
    const cc_agent *A = &s->agents[st->agent_index];
    cc_rng *r = &e->rng[seat + 1];
    for (size_t k = 0; k < A->nrules; k++) {
        const cc_agent_rule *R = &A->rules[k];
        if (R->on != ev)
            continue;
        if (R->has_channel && (int)R->channel != channel)
            continue;
        if (R->inject_class) {
            int found = 0;
            for (size_t c = 0; classes && c < classes->n && !found; c++)
                found = strcmp(classes->v[c], R->inject_class) == 0;
            if (!found)
                continue;
        }
        if (R->has_stage && (int)R->stage != stage_kind)
            continue;
        if (!cc_rng_bernoulli(r, R->probability))
            continue;
        double delay = draw_delay_s(r, &R->delay);
        if (!(delay >= 0))
            delay = 0;
        if (delay > 1e9)
            delay = 1e9;
        int64_t at = available_at(e, seat, A, e->now_ms + (int64_t)(delay * 1000.0));
        if (at == INT64_MAX)
            continue;
        if (e->nacts == e->capacts) {
            size_t nc = e->capacts ? e->capacts * 2 : 64;
            pending *n = realloc(e->acts, nc * sizeof *n);
            if (!n)
                return CC_ERR_NOMEM;
            e->acts = n;
            e->capacts = nc;
        }
        e->acts[e->nacts] = (pending){(uint32_t)seat, (uint32_t)st->agent_index, (uint32_t)k, context};
        cc_err rc = cc_sched_push(&e->q, at, K_AGENT, (uint32_t)e->nacts++, 0);
        if (rc)
            return rc;
    }
    return CC_OK;
}

/* ---- decisions ----------------------------------------------------------------------- */

static size_t noptions(const cc_engine *e, size_t d)
{
    return e->s->decisions[d].noptions + e->dec[d].nproposed;
}

static const char *option_id(const cc_engine *e, size_t d, size_t k)
{
    const cc_decision *D = &e->s->decisions[d];
    return k < D->noptions ? D->options[k].id : e->dec[d].proposed[k - D->noptions];
}

static int option_index(const cc_engine *e, size_t d, const char *id)
{
    for (size_t k = 0; k < noptions(e, d); k++)
        if (strcmp(option_id(e, d, k), id) == 0)
            return (int)k;
    return -1;
}

static cc_err consultations_on_decision(cc_engine *e, size_t d);

static cc_err decide(cc_engine *e, size_t d, int outcome, const char *how)
{
    const cc_decision *D = &e->s->decisions[d];
    drun *R = &e->dec[d];
    e->decision_state[d] = ST_DONE;
    R->outcome = outcome;
    e->st.decisions_made++;
    json_t *votes = json_object();
    for (size_t i = 0; i < e->s->nseats && votes; i++)
        if (R->vote[i] >= 0)
            json_object_set_new(votes, e->s->seats[i].id, json_string(option_id(e, d, (size_t)R->vote[i])));
    cc_err rc = emit(e, "decision.made", NULL, D->label.text,
                     json_pack("{s:s,s:s,s:s,s:o}", "decision", D->id, "outcome",
                               option_id(e, d, (size_t)outcome), "rule", how, "votes", votes),
                     ITEM(CC_ITEM_DECISION, d), ST_DONE);
    for (uint32_t k = e->decided.start[d]; rc == CC_OK && k < e->decided.start[d + 1]; k++) {
        const cc_when *w = item_when(e->s, e->decided.items[k]);
        if (!w->outcome || strcmp(w->outcome, option_id(e, d, (size_t)outcome)) == 0)
            rc = cc_sched_push(&e->q, e->now_ms + w->delay_s * 1000, K_FIRE, e->decided.items[k], 0);
    }
    if (rc == CC_OK)
        rc = check_consult_before(e, d);
    if (rc == CC_OK)
        rc = consultations_on_decision(e, d);
    return rc;
}

/* Applies the decision rule after a vote. */
static cc_err check_rule(cc_engine *e, size_t d)
{
    const cc_decision *D = &e->s->decisions[d];
    drun *R = &e->dec[d];
    size_t n = noptions(e, d);
    if (D->rule == CC_RULE_LEAD) {
        if (D->lead_index >= 0 && R->vote[D->lead_index] >= 0)
            return decide(e, d, R->vote[D->lead_index], "lead");
        return CC_OK;
    }
    if (D->rule == CC_RULE_SILENCE)
        return CC_OK; /* decided at the deadline */
    for (size_t k = 0; k < n; k++) {
        size_t votes = 0;
        for (size_t i = 0; i < e->s->nseats; i++)
            votes += R->decider[i] && R->vote[i] == (int)k;
        if (D->rule == CC_RULE_UNANIMITY && R->ndeciders && votes == R->ndeciders)
            return decide(e, d, (int)k, "unanimity");
        if (D->rule == CC_RULE_MAJORITY && 2 * votes > R->ndeciders)
            return decide(e, d, (int)k, "majority");
    }
    return CC_OK;
}

static cc_err vote(cc_engine *e, size_t d, size_t seat, const char *option)
{
    drun *R = &e->dec[d];
    if (e->decision_state[d] != ST_OPEN || !R->decider[seat])
        return CC_OK;
    int k = option_index(e, d, option);
    if (k < 0)
        return emit(e, "decision.invalid", e->s->seats[seat].id, e->s->decisions[d].label.text,
                    json_pack("{s:s,s:s,s:s}", "decision", e->s->decisions[d].id, "option", option, "reason",
                              "no such option"),
                    ITEM(CC_ITEM_DECISION, d), 20);
    R->vote[seat] = k;
    cc_err rc = emit(e, "decision.vote", e->s->seats[seat].id, e->s->decisions[d].label.text,
                     json_pack("{s:s,s:s}", "decision", e->s->decisions[d].id, "option", option),
                     ITEM(CC_ITEM_DECISION, d), 21);
    return rc ? rc : check_rule(e, d);
}

static cc_err propose(cc_engine *e, size_t d, size_t seat, const char *text)
{
    const cc_decision *D = &e->s->decisions[d];
    drun *R = &e->dec[d];
    if (e->decision_state[d] != ST_OPEN || !D->proposals)
        return CC_OK;
    char **np = realloc(R->proposed, (R->nproposed + 1) * sizeof *np);
    if (!np)
        return CC_ERR_NOMEM;
    R->proposed = np;
    char id[24];
    snprintf(id, sizeof id, "P%zu", R->nproposed + 1);
    if (!(R->proposed[R->nproposed] = strdup(id)))
        return CC_ERR_NOMEM;
    R->nproposed++;
    cc_err rc = emit(e, "decision.propose", e->s->seats[seat].id, D->label.text,
                     json_pack("{s:s,s:s,s:s}", "decision", D->id, "option", id, "text", text ? text : ""),
                     ITEM(CC_ITEM_DECISION, d), 22);
    for (size_t i = 0; rc == CC_OK && i < e->s->nseats; i++)
        if (R->decider[i])
            rc = agent_offer(e, i, CC_AEV_PROPOSAL, ITEM(CC_ITEM_DECISION, d), -1, NULL, -1);
    return rc;
}

/* ---- consultations ------------------------------------------------------------------- */

static cc_err start_stage(cc_engine *e, size_t c, int k);

static cc_err finish_stage(cc_engine *e, size_t c)
{
    crun *K = &e->cons[c];
    const cc_mechanism *M = &e->s->mechanisms[K->mech];
    const cc_stage *S = &M->stages[K->stage];
    e->st.stages_completed++;
    if (e->o.observe_stage)
        e->o.observe_stage(e->o.observe_ctx, c, (size_t)K->stage, e->now_ms);
    cc_err rc =
        emit(e, "consult.stage_done", NULL, e->s->consultations[c].label.text,
             json_pack("{s:s,s:s,s:s,s:I}", "consultation", e->s->consultations[c].id, "stage", S->id, "kind",
                       cc_stage_kind_name(S->kind), "duration_ms", (json_int_t)(e->now_ms - K->stage_start)),
             ITEM(CC_ITEM_CONSULTATION, c), 30 + K->stage);
    if (rc == CC_OK)
        rc = resolve_watches(e, CC_GRULE_STAGE_DEADLINE, ITEM(CC_ITEM_CONSULTATION, c), K->stage, 0);
    if (rc == CC_OK)
        rc = start_stage(e, c, K->stage + 1);
    return rc;
}

/* Whether the current stage is complete after an action. */
static int stage_complete(const cc_engine *e, size_t c)
{
    const crun *K = &e->cons[c];
    const cc_stage *S = &e->s->mechanisms[K->mech].stages[K->stage];
    const cc_consultation *C = &e->s->consultations[c];
    if (S->kind == CC_STAGE_DECIDE && C->decision_index >= 0)
        return e->decision_state[C->decision_index] == ST_DONE;
    if (S->kind == CC_STAGE_DECIDE && S->has_rule) {
        switch (S->rule) {
        case CC_RULE_UNANIMITY: return K->nacted == K->nparts;
        case CC_RULE_MAJORITY: return 2 * K->nacted > K->nparts;
        case CC_RULE_LEAD: return S->lead_index >= 0 && K->acted[S->lead_index];
        case CC_RULE_SILENCE: return 0; /* at the deadline */
        }
    }
    if (S->mode == CC_MODE_ANY)
        return K->nacted > 0;
    return K->nacted == K->nparts;
}

/* The seat that must act next in a sequential stage (lowest seat index not yet acted). */
static int next_in_sequence(const crun *K, size_t nseats)
{
    for (size_t i = 0; i < nseats; i++)
        if (K->part[i] && !K->acted[i])
            return (int)i;
    return -1;
}

static cc_err offer_stage(cc_engine *e, size_t c, size_t seat)
{
    const crun *K = &e->cons[c];
    /* "request": the first time the consultation reaches the seat; "stage": every stage */
    const cc_stage *S = &e->s->mechanisms[K->mech].stages[K->stage];
    cc_err rc = CC_OK;
    if (!e->cons[c].asked[seat]) {
        e->cons[c].asked[seat] = 1;
        rc = agent_offer(e, seat, CC_AEV_REQUEST, ITEM(CC_ITEM_CONSULTATION, c), -1, NULL, -1);
    }
    if (rc == CC_OK)
        rc = agent_offer(e, seat, CC_AEV_STAGE, ITEM(CC_ITEM_CONSULTATION, c), -1, NULL, (int)S->kind);
    return rc;
}

static cc_err start_stage(cc_engine *e, size_t c, int k)
{
    const cc_scenario *s = e->s;
    const cc_consultation *C = &s->consultations[c];
    crun *K = &e->cons[c];
    const cc_mechanism *M = &s->mechanisms[K->mech];
    K->stage = k;
    K->stage_start = e->now_ms;
    K->objected = 0;
    if ((size_t)k >= M->nstages) {
        e->consult_state[c] = ST_DONE;
        e->st.consultations_done++;
        return emit(e, "consult.done", NULL, C->label.text,
                    json_pack("{s:s,s:s}", "consultation", C->id, "mechanism", M->id),
                    ITEM(CC_ITEM_CONSULTATION, c), ST_DONE);
    }
    const cc_stage *S = &M->stages[k];
    mark_recipients(e, &S->participants);
    K->nparts = K->nacted = 0;
    memset(K->acted, 0, s->nseats);
    json_t *parts = json_array();
    for (size_t i = 0; i < s->nseats; i++) {
        K->part[i] = e->seatmask[i] && cc_label_permits(&C->label.label, &s->seats[i].clearance);
        if (K->part[i]) {
            K->nparts++;
            json_array_append_new(parts, json_string(s->seats[i].id));
        }
    }
    json_t *p = json_pack("{s:s,s:s,s:s,s:i,s:s,s:o}", "consultation", C->id, "stage", S->id, "kind",
                          cc_stage_kind_name(S->kind), "index", k, "mode",
                          S->mode == CC_MODE_ALL   ? "all"
                          : S->mode == CC_MODE_ANY ? "any"
                                                   : "sequential",
                          "participants", parts);
    if (p && S->has_deadline)
        json_object_set_new(p, "deadline_ms", json_integer(e->now_ms + S->deadline_s * 1000));
    if (S->kind == CC_STAGE_DECIDE)
        K->reached_decide = 1;
    cc_err rc = emit(e, "consult.stage", NULL, C->label.text, p, ITEM(CC_ITEM_CONSULTATION, c), 40 + k);
    if (rc == CC_OK)
        rc = watch_stage(e, c, k);
    if (rc == CC_OK)
        rc = deliver(e, "consultation", C->id, &C->label, &S->participants, ITEM(CC_ITEM_CONSULTATION, c), -1,
                     -1);
    if (rc == CC_OK && S->has_deadline)
        rc = cc_sched_push(&e->q, e->now_ms + S->deadline_s * 1000, K_STAGE_DEADLINE, (uint32_t)c,
                           (uint32_t)k);
    /* items triggered by this stage starting */
    for (uint32_t j = e->staged.start[c]; rc == CC_OK && j < e->staged.start[c + 1]; j++) {
        const cc_when *w = item_when(s, e->staged.items[j]);
        if (w->stage && strcmp(w->stage, S->id) == 0)
            rc = cc_sched_push(&e->q, e->now_ms + w->delay_s * 1000, K_FIRE, e->staged.items[j], 0);
    }
    /* a decide stage of a consultation that informs a decision opens that decision */
    if (rc == CC_OK && S->kind == CC_STAGE_DECIDE && C->decision_index >= 0 &&
        e->decision_state[C->decision_index] == ST_PENDING)
        rc = fire(e, ITEM(CC_ITEM_DECISION, (size_t)C->decision_index));
    if (rc != CC_OK)
        return rc;
    if (K->nparts == 0 || stage_complete(e, c))
        return finish_stage(e, c);
    if (S->mode == CC_MODE_SEQUENTIAL) {
        int first = next_in_sequence(K, s->nseats);
        return first >= 0 ? offer_stage(e, c, (size_t)first) : CC_OK;
    }
    for (size_t i = 0; i < s->nseats && rc == CC_OK; i++)
        if (K->part[i])
            rc = offer_stage(e, c, i);
    return rc;
}

/* A seat acts in the current stage of consultation c (acknowledge, position, vote...). */
static cc_err stage_act(cc_engine *e, size_t c, size_t seat, const char *type, const char *text)
{
    crun *K = &e->cons[c];
    if (e->consult_state[c] != ST_OPEN || K->mech < 0 || K->stage < 0 ||
        (size_t)K->stage >= e->s->mechanisms[K->mech].nstages || !K->part[seat] || K->acted[seat])
        return CC_OK;
    const cc_stage *S = &e->s->mechanisms[K->mech].stages[K->stage];
    if (S->mode == CC_MODE_SEQUENTIAL && next_in_sequence(K, e->s->nseats) != (int)seat)
        return CC_OK; /* not this seat's turn yet */
    K->acted[seat] = 1;
    K->nacted++;
    json_t *p = json_pack("{s:s,s:s}", "consultation", e->s->consultations[c].id, "stage", S->id);
    if (p && text)
        json_object_set_new(p, "text", json_string(text));
    cc_err rc = emit(e, type, e->s->seats[seat].id, e->s->consultations[c].label.text, p,
                     ITEM(CC_ITEM_CONSULTATION, c), 50 + K->stage);
    if (rc)
        return rc;
    if (stage_complete(e, c))
        return finish_stage(e, c);
    if (S->mode == CC_MODE_SEQUENTIAL) {
        int next = next_in_sequence(K, e->s->nseats);
        if (next >= 0)
            return offer_stage(e, c, (size_t)next);
    }
    return CC_OK;
}

static cc_err stage_deadline(cc_engine *e, size_t c, int k)
{
    crun *K = &e->cons[c];
    if (e->consult_state[c] != ST_OPEN || K->stage != k)
        return CC_OK;
    const cc_consultation *C = &e->s->consultations[c];
    const cc_stage *S = &e->s->mechanisms[K->mech].stages[k];
    cc_err rc = emit(e, "consult.deadline", NULL, C->label.text,
                     json_pack("{s:s,s:s}", "consultation", C->id, "stage", S->id),
                     ITEM(CC_ITEM_CONSULTATION, c), 60 + k);
    if (rc == CC_OK && S->escalate_to.n) {
        rc = emit(e, "consult.escalate", NULL, C->label.text,
                  json_pack("{s:s,s:s,s:o}", "consultation", C->id, "stage", S->id, "to",
                            refs_json(&S->escalate_to)),
                  ITEM(CC_ITEM_CONSULTATION, c), 70 + k);
        if (rc == CC_OK)
            rc = deliver(e, "consultation", C->id, &C->label, &S->escalate_to, ITEM(CC_ITEM_CONSULTATION, c),
                         -1, -1);
    }
    for (uint32_t j = e->stage_timeout.start[c]; rc == CC_OK && j < e->stage_timeout.start[c + 1]; j++) {
        const cc_when *w = item_when(e->s, e->stage_timeout.items[j]);
        if (w->stage && strcmp(w->stage, S->id) == 0)
            rc = cc_sched_push(&e->q, e->now_ms + w->delay_s * 1000, K_FIRE, e->stage_timeout.items[j], 0);
    }
    /* silence procedure: consent at the deadline unless someone objected */
    if (rc == CC_OK && S->kind == CC_STAGE_DECIDE && S->has_rule && S->rule == CC_RULE_SILENCE &&
        !K->objected && C->decision_index < 0)
        rc = finish_stage(e, c);
    return rc;
}

/* A decision was made: decide stages waiting for it complete. */
static cc_err consultations_on_decision(cc_engine *e, size_t d)
{
    cc_err rc = CC_OK;
    for (size_t c = 0; c < e->s->nconsultations && rc == CC_OK; c++) {
        crun *K = &e->cons[c];
        if (e->s->consultations[c].decision_index != (int)d || e->consult_state[c] != ST_OPEN ||
            K->mech < 0 || K->stage < 0 || (size_t)K->stage >= e->s->mechanisms[K->mech].nstages)
            continue;
        if (e->s->mechanisms[K->mech].stages[K->stage].kind == CC_STAGE_DECIDE)
            rc = finish_stage(e, c);
    }
    return rc;
}

/* ---- agent actions ------------------------------------------------------------------- */

/* Carries out one action of a seat about the item `context` (an agent's or a person's). */
static cc_err do_action(cc_engine *e, size_t seat, cc_agent_action action, uint32_t context,
                        const char *option, const char *text, const cc_refs *to)
{
    const cc_scenario *s = e->s;
    size_t idx = ITEM_INDEX(context);
    cc_item_kind kind = ITEM_KIND(context);
    int cons = kind == CC_ITEM_CONSULTATION ? (int)idx : -1;
    int dec = kind == CC_ITEM_DECISION ? (int)idx : cons >= 0 ? s->consultations[cons].decision_index : -1;
    switch (action) {
    case CC_ACT_ACKNOWLEDGE:
        if (cons >= 0)
            return stage_act(e, (size_t)cons, seat, "consult.ack", NULL);
        if (kind == CC_ITEM_INJECT)
            return emit(e, "inject.ack", s->seats[seat].id, s->injects[idx].label.text,
                        json_pack("{s:s}", "inject", s->injects[idx].id), context, 81);
        return CC_OK;
    case CC_ACT_POSITION:
        if (cons >= 0)
            return stage_act(e, (size_t)cons, seat, "consult.position", text);
        return CC_OK;
    case CC_ACT_VOTE: {
        cc_err rc = CC_OK;
        if (dec >= 0 && option)
            rc = vote(e, (size_t)dec, seat, option);
        if (rc == CC_OK && cons >= 0)
            rc = stage_act(e, (size_t)cons, seat, "consult.ack", NULL);
        return rc;
    }
    case CC_ACT_PROPOSE: return dec >= 0 ? propose(e, (size_t)dec, seat, text) : CC_OK;
    case CC_ACT_OBJECT:
        if (dec >= 0 && e->decision_state[dec] == ST_OPEN) {
            e->dec[dec].objected = 1;
            return emit(e, "decision.object", s->seats[seat].id, s->decisions[dec].label.text,
                        json_pack("{s:s}", "decision", s->decisions[dec].id), ITEM(CC_ITEM_DECISION, dec),
                        23);
        }
        if (cons >= 0 && e->consult_state[cons] == ST_OPEN) {
            e->cons[cons].objected = 1;
            return emit(e, "consult.object", s->seats[seat].id, s->consultations[cons].label.text,
                        json_pack("{s:s}", "consultation", s->consultations[cons].id), context, 82);
        }
        return CC_OK;
    case CC_ACT_SHARE:
        if (kind == CC_ITEM_INJECT && to) {
            const cc_inject *I = &s->injects[idx];
            const cc_labelspec *L = &e->inj_label[idx]; /* a forward keeps the item's label */
            cc_err rc =
                emit(e, "message", s->seats[seat].id, L->text,
                     json_pack("{s:s,s:s,s:o}", "kind", "forward", "inject", I->id, "to", refs_json(to)),
                     context, 83);
            if (rc == CC_OK)
                rc = deliver(e, "inject", I->id, L, to, context, (int)idx, CC_AEV_MESSAGE);
            return rc;
        }
        return CC_OK;
    case CC_ACT_ESCALATE:
        if (cons >= 0)
            return emit(
                e, "consult.escalate", s->seats[seat].id, s->consultations[cons].label.text,
                json_pack("{s:s,s:s}", "consultation", s->consultations[cons].id, "by", s->seats[seat].id),
                context, 84);
        if (kind == CC_ITEM_INJECT)
            return emit(e, "inject.escalate", s->seats[seat].id, s->injects[idx].label.text,
                        json_pack("{s:s}", "inject", s->injects[idx].id), context, 85);
        return CC_OK;
    }
    return CC_OK;
}

static const char *const action_names[] = {"acknowledge", "share",  "position", "vote",
                                           "propose",     "object", "escalate"};

static cc_err agent_act(cc_engine *e, const pending *a)
{
    const cc_scenario *s = e->s;
    const cc_agent *A = &s->agents[a->agent];
    const cc_agent_rule *R = &A->rules[a->rule];
    if (cc_rng_bernoulli(&e->rng[a->seat + 1], A->channel_failure)) {
        e->st.messages_lost++;
        return emit(e, "message.lost", s->seats[a->seat].id, NULL,
                    json_pack("{s:s,s:s}", "action", action_names[R->action], "reason", "channel failure"), 0,
                    80);
    }
    e->st.agent_actions++;
    return do_action(e, a->seat, R->action, a->context, R->option, R->text, &R->to);
}

static cc_err fire(cc_engine *e, uint32_t code)
{
    size_t i = ITEM_INDEX(code);
    switch (ITEM_KIND(code)) {
    case CC_ITEM_INJECT: return release_inject(e, i);
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
    json_t *p =
        json_pack("{s:s,s:I,s:I,s:I,s:I,s:I,s:I}", "reason", reason, "injects_released",
                  (json_int_t)e->st.injects_released, "deliveries", (json_int_t)e->st.deliveries, "denials",
                  (json_int_t)e->st.denials, "decisions_opened", (json_int_t)e->st.decisions_opened,
                  "decisions_expired", (json_int_t)e->st.decisions_expired, "consultations_requested",
                  (json_int_t)e->st.consultations_requested);
    return emit(e, "run.end", NULL, NULL, p, 0, 99);
}

/* ---- driving ----------------------------------------------------------------------- */

cc_err cc_engine_start(cc_engine *e)
{
    const cc_scenario *s = e->s;
    if (e->seq != 0)
        return CC_ERR_ARG;
    char hash[65], seed[24], phash[16];
    cc_scenario_hash_hex(s, hash);
    snprintf(seed, sizeof seed, "%llu", (unsigned long long)e->o.seed);
    snprintf(phash, sizeof phash, "%08x", (unsigned)cc_label_policy_hash(s->policy));
    json_t *p = json_pack("{s:s,s:s,s:s,s:I,s:o,s:{s:s,s:s},s:s,s:I}", "scenario", hash, "scenario_id", s->id,
                          "seed", seed, "replication", (json_int_t)e->o.replication, "variant",
                          e->variant >= 0 ? json_string(s->mechanisms[e->variant].id) : json_null(), "policy",
                          "id", s->policy_id, "hash", phash, "engine", CC_ENGINE_VERSION, "duration_ms",
                          (json_int_t)(s->duration_s * 1000));
    json_t *autos = json_array();
    for (size_t i = 0; i < s->nseats && autos; i++) {
        if (!e->auto_seat[i])
            continue;
        json_array_append_new(autos, json_string(s->seats[i].id));
        /* each agent seat's absence is the first draw of its own stream */
        e->absent[i] = (uint8_t)cc_rng_bernoulli(&e->rng[i + 1], s->agents[s->seats[i].agent_index].absence);
    }
    if (p) {
        json_object_set_new(p, "source", e->o.source ? json_string(e->o.source) : json_null());
        json_object_set_new(p, "auto", autos);
    } else {
        json_decref(autos);
    }
    cc_err rc = emit(e, "run.start", NULL, NULL, p, 0, 0);
    for (size_t i = 0; i < s->nseats && rc == CC_OK; i++)
        if (e->absent[i])
            rc = emit(e, "seat.absent", s->seats[i].id, NULL, json_pack("{s:s}", "seat", s->seats[i].id), 0,
                      90);
    size_t n = item_count(s);
    for (size_t k = 0; k < n && rc == CC_OK; k++) {
        uint32_t code = item_code(s, k);
        const cc_when *w = item_when(s, code);
        if (w->has_at)
            rc = cc_sched_push(&e->q, w->at_s * 1000, K_FIRE, code, 0);
    }
    if (rc == CC_OK)
        rc = cc_sched_push(&e->q, s->duration_s * 1000, K_END, 0, 0);
    return rc;
}

cc_err cc_engine_run_until(cc_engine *e, int64_t until_ms)
{
    if (e->stopped)
        return CC_ERR_IO;
    const cc_sched_ev *top;
    while (!e->st.ended && (top = cc_sched_peek(&e->q)) != NULL && top->time <= until_ms) {
        cc_sched_ev ev;
        cc_sched_pop(&e->q, &ev);
        e->now_ms = ev.time;
        cc_err rc = CC_OK;
        switch (ev.kind) {
        case K_FIRE: rc = fire(e, ev.a); break;
        case K_DECISION_DEADLINE: rc = decision_deadline(e, ev.a); break;
        case K_END: rc = end_run(e, "duration"); break;
        case K_STAGE_DEADLINE: rc = stage_deadline(e, ev.a, (int)ev.b); break;
        case K_AGENT: rc = agent_act(e, &e->acts[ev.a]); break;
        case K_WATCH: rc = watch_expired(e, ev.a); break;
        }
        if (rc)
            return rc;
    }
    if (!e->st.ended && until_ms > e->now_ms)
        e->now_ms = until_ms;
    return CC_OK;
}

/* ---- inputs ----------------------------------------------------------------------------- */

static int find_id(const char *id, const void *base, size_t n, size_t size)
{
    for (size_t i = 0; id && i < n; i++) {
        const char *x = *(const char *const *)((const char *)base + i * size);
        if (x && strcmp(x, id) == 0)
            return (int)i;
    }
    return -1;
}

enum { EX_NONE, EX_MESSAGE, EX_DOWNGRADE, EX_RATE, EX_NOTE, EX_EDIT };

typedef struct parsed_input {
    int extra;                /* EX_*: inputs that are not seat actions */
    cc_label label;           /* message, downgrade */
    int objective;            /* rate */
    int reply;                /* message: inject replied to, or -1 */
    const char *title, *body; /* edit */
    const char *rating;       /* rate */
    int control;              /* release / hold */
    int hold;
    cc_agent_action action;
    int seat;
    uint32_t context; /* item code */
    const char *option, *text;
    int to[64];
    size_t nto;
} parsed_input;

#define BAD(...)                                                                                             \
    do {                                                                                                     \
        snprintf(why, whylen, __VA_ARGS__);                                                                  \
        return CC_ERR_INVALID;                                                                               \
    } while (0)

static cc_err parse_label(const cc_scenario *s, const json_t *in, int originator, cc_label *out, char *why,
                          size_t whylen)
{
    const char *banner = json_string_value(json_object_get(in, "label"));
    if (!banner)
        BAD("missing \"label\" (a banner such as \"SECRET//REL TO USA, KOR\")");
    cc_label_error le;
    if (cc_label_parse(s->policy, banner, strlen(banner), originator, out, &le) != CC_OK)
        BAD("\"label\" column %d: %s", le.col, le.message);
    return CC_OK;
}

static cc_err parse_extra(const cc_scenario *s, const json_t *in, const char *act, parsed_input *p, char *why,
                          size_t whylen)
{
    const char *seat = json_string_value(json_object_get(in, "seat"));
    const char *inj = json_string_value(json_object_get(in, "inject"));
    p->text = json_string_value(json_object_get(in, "text"));
    if (seat && (p->seat = find_id(seat, s->seats, s->nseats, sizeof *s->seats)) < 0)
        BAD("\"seat\" must name a seat of the scenario");
    if (strcmp(act, "note") == 0) {
        p->extra = EX_NOTE;
        if (!p->text)
            BAD("\"note\" needs \"text\"");
        return CC_OK;
    }
    if (strcmp(act, "rate") == 0) {
        p->extra = EX_RATE;
        const char *obj = json_string_value(json_object_get(in, "objective"));
        p->rating = json_string_value(json_object_get(in, "rating"));
        if ((p->objective = find_id(obj, s->objectives, s->nobjectives, sizeof *s->objectives)) < 0)
            BAD("\"rate\" needs \"objective\": an objective of the scenario");
        if (!p->rating || strlen(p->rating) != 1 || !strchr("PSMU", p->rating[0]))
            BAD("\"rating\" must be P, S, M or U (HSEEP)");
        if (p->seat >= 0)
            BAD("objectives are rated by control: leave out \"seat\"");
        return CC_OK;
    }
    if (strcmp(act, "edit") == 0) {
        p->extra = EX_EDIT;
        int i = find_id(inj, s->injects, s->ninjects, sizeof *s->injects);
        if (i < 0)
            BAD("\"edit\" needs \"inject\": an inject of the scenario");
        if (p->seat >= 0)
            BAD("only control may edit injects: leave out \"seat\"");
        p->title = json_string_value(json_object_get(in, "title"));
        p->body = json_string_value(json_object_get(in, "body"));
        if (!p->title && !p->body)
            BAD("\"edit\" needs \"title\" or \"body\"");
        if (p->title && !*p->title)
            BAD("\"title\" must not be empty");
        p->context = ITEM(CC_ITEM_INJECT, (size_t)i);
        return CC_OK;
    }
    if (strcmp(act, "downgrade") == 0) {
        p->extra = EX_DOWNGRADE;
        int i = find_id(inj, s->injects, s->ninjects, sizeof *s->injects);
        if (i < 0)
            BAD("\"downgrade\" needs \"inject\": an inject of the scenario");
        if (p->seat >= 0)
            BAD("only control may downgrade: leave out \"seat\"");
        p->context = ITEM(CC_ITEM_INJECT, (size_t)i);
        return parse_label(s, in, s->injects[i].label.label.originator, &p->label, why, whylen);
    }
    p->extra = EX_MESSAGE;
    p->reply = -1;
    if (p->seat < 0)
        BAD("\"message\" needs \"seat\": the sender");
    if (!p->text)
        BAD("\"message\" needs \"text\"");
    json_t *to = json_object_get(in, "to");
    if (!json_is_array(to) || json_array_size(to) == 0 || json_array_size(to) > 64)
        BAD("\"message\" needs \"to\": a list of 1 to 64 seats");
    for (size_t k = 0; k < json_array_size(to); k++) {
        int t = find_id(json_string_value(json_array_get(to, k)), s->seats, s->nseats, sizeof *s->seats);
        if (t < 0)
            BAD("\"to\" entry %zu is not a seat of the scenario", k + 1);
        p->to[p->nto++] = t;
    }
    const char *reply = json_string_value(json_object_get(in, "reply_to"));
    if (reply) {
        int i = find_id(reply, s->injects, s->ninjects, sizeof *s->injects);
        if (i < 0)
            BAD("\"reply_to\" must name an inject of the scenario");
        p->reply = i;
    }
    return parse_label(s, in, s->seats[p->seat].party_index, &p->label, why, whylen);
}

static cc_err parse_input(const cc_scenario *s, const json_t *in, parsed_input *p, char *why, size_t whylen)
{
    memset(p, 0, sizeof *p);
    p->seat = -1;
    if (!json_is_object(in))
        BAD("an input must be a JSON object");
    static const char *const known[] = {"t",        "do",        "seat",  "consultation", "decision",
                                        "inject",   "option",    "text",  "to",           "label",
                                        "reply_to", "objective", "rating"};
    const char *key;
    json_t *val;
    json_object_foreach((json_t *)in, key, val)
    {
        int ok = 0;
        for (size_t k = 0; k < sizeof known / sizeof known[0]; k++)
            ok |= strcmp(key, known[k]) == 0;
        if (!ok)
            BAD("unknown member \"%.40s\"", key);
        if (strcmp(key, "to") != 0 && !json_is_string(val))
            BAD("\"%s\" must be a string", key);
    }
    const char *act = json_string_value(json_object_get(in, "do"));
    if (!act)
        BAD("missing \"do\" (the action)");
    const char *seat = json_string_value(json_object_get(in, "seat"));
    const char *cons = json_string_value(json_object_get(in, "consultation"));
    const char *dec = json_string_value(json_object_get(in, "decision"));
    const char *inj = json_string_value(json_object_get(in, "inject"));
    p->option = json_string_value(json_object_get(in, "option"));
    p->text = json_string_value(json_object_get(in, "text"));
    if (strcmp(act, "message") == 0 || strcmp(act, "downgrade") == 0 || strcmp(act, "rate") == 0 ||
        strcmp(act, "note") == 0 || strcmp(act, "edit") == 0)
        return parse_extra(s, in, act, p, why, whylen);
    if (strcmp(act, "release") == 0 || strcmp(act, "hold") == 0) {
        p->control = 1;
        p->hold = act[0] == 'h';
        int i = find_id(inj, s->injects, s->ninjects, sizeof *s->injects);
        if (i < 0)
            BAD("\"%s\" needs \"inject\": an inject of the scenario", act);
        p->context = ITEM(CC_ITEM_INJECT, (size_t)i);
        return CC_OK;
    }
    int a = -1;
    for (int k = 0; k < 7; k++)
        if (strcmp(act, action_names[k]) == 0)
            a = k;
    if (a < 0)
        BAD("unknown action \"%.40s\" (acknowledge, position, vote, propose, object, share, escalate, "
            "message, note, release, hold, downgrade, rate)",
            act);
    p->action = (cc_agent_action)a;
    p->seat = find_id(seat, s->seats, s->nseats, sizeof *s->seats);
    if (p->seat < 0)
        BAD("\"seat\" must name a seat of the scenario");
    int n = (cons != NULL) + (dec != NULL) + (inj != NULL);
    if (n != 1)
        BAD("name exactly one of \"consultation\", \"decision\" and \"inject\"");
    int i;
    if (cons) {
        if ((i = find_id(cons, s->consultations, s->nconsultations, sizeof *s->consultations)) < 0)
            BAD("no consultation \"%.64s\"", cons);
        p->context = ITEM(CC_ITEM_CONSULTATION, (size_t)i);
    } else if (dec) {
        if ((i = find_id(dec, s->decisions, s->ndecisions, sizeof *s->decisions)) < 0)
            BAD("no decision \"%.64s\"", dec);
        p->context = ITEM(CC_ITEM_DECISION, (size_t)i);
    } else {
        if ((i = find_id(inj, s->injects, s->ninjects, sizeof *s->injects)) < 0)
            BAD("no inject \"%.64s\"", inj);
        p->context = ITEM(CC_ITEM_INJECT, (size_t)i);
    }
    if (p->action == CC_ACT_VOTE && !p->option)
        BAD("\"vote\" needs \"option\"");
    json_t *to = json_object_get(in, "to");
    if (p->action == CC_ACT_SHARE) {
        if (!json_is_array(to) || json_array_size(to) == 0 || json_array_size(to) > 64)
            BAD("\"share\" needs \"to\": a list of 1 to 64 seats");
        for (size_t k = 0; k < json_array_size(to); k++) {
            int t = find_id(json_string_value(json_array_get(to, k)), s->seats, s->nseats, sizeof *s->seats);
            if (t < 0)
                BAD("\"to\" entry %zu is not a seat of the scenario", k + 1);
            p->to[p->nto++] = t;
        }
    } else if (to) {
        BAD("\"to\" only applies to \"share\"");
    }
    return CC_OK;
}

cc_err cc_engine_check_input(const cc_scenario *s, const json_t *input, char *why, size_t whylen)
{
    parsed_input p;
    return parse_input(s, input, &p, why, whylen);
}

/* Why the seat may not take this action now, or NULL when it may. */
static const char *refusal(const cc_engine *e, const parsed_input *p)
{
    const cc_scenario *s = e->s;
    size_t idx = ITEM_INDEX(p->context);
    cc_item_kind kind = ITEM_KIND(p->context);
    if (kind == CC_ITEM_CONSULTATION) {
        const crun *K = &e->cons[idx];
        if (e->consult_state[idx] != ST_OPEN || K->mech < 0)
            return "the consultation is not in progress";
        if (p->action == CC_ACT_ESCALATE || p->action == CC_ACT_OBJECT)
            return cc_label_permits(&s->consultations[idx].label.label, &s->seats[p->seat].clearance)
                       ? NULL
                       : "the seat may not read the consultation";
        if (!K->part[p->seat])
            return "the seat is not a participant of the consultation's current stage";
        if (K->acted[p->seat])
            return "the seat has already acted in this stage";
        const cc_stage *S = &s->mechanisms[K->mech].stages[K->stage];
        if (S->mode == CC_MODE_SEQUENTIAL && next_in_sequence(K, s->nseats) != p->seat)
            return "it is not the seat's turn in this sequential stage";
        return NULL;
    }
    if (kind == CC_ITEM_DECISION) {
        if (e->decision_state[idx] != ST_OPEN)
            return "the decision is not open";
        if (!e->dec[idx].decider[p->seat])
            return "the seat is not a decider of this decision";
        if (p->action == CC_ACT_VOTE && option_index(e, idx, p->option) < 0)
            return "the decision has no such option";
        if (p->action == CC_ACT_PROPOSE && !s->decisions[idx].proposals)
            return "the decision does not accept proposals";
        return NULL;
    }
    if (!cc_engine_seat_has(e, (size_t)p->seat, idx))
        return "the seat does not hold this inject";
    return NULL;
}

static cc_err refuse(cc_engine *e, const char *actor, const char *reason, uint32_t item)
{
    return emit(e, "input.refused", actor, NULL, json_pack("{s:s}", "reason", reason), item, 111);
}

/* Formats a label into a labelspec whose text lives in buf. */
static void labelspec_of(const cc_scenario *s, const cc_label *l, char *buf, size_t size, cc_labelspec *out)
{
    cc_label_format(s->policy, l, buf, size);
    *out = (cc_labelspec){.label = *l, .text = buf, .valid = true};
}

static cc_err apply_extra(cc_engine *e, const parsed_input *p, const char *actor)
{
    const cc_scenario *s = e->s;
    switch (p->extra) {
    case EX_NOTE: return emit(e, "note", actor, NULL, json_pack("{s:s}", "text", p->text), 0, 120);
    case EX_RATE: {
        json_t *j = json_pack("{s:s,s:s}", "objective", s->objectives[p->objective].id, "rating", p->rating);
        if (j && p->text)
            json_object_set_new(j, "text", json_string(p->text));
        return emit(e, "objective.rating", NULL, NULL, j, 0, 121);
    }
    case EX_EDIT: {
        size_t i = ITEM_INDEX(p->context);
        if (e->inject_state[i] == ST_DONE)
            return refuse(e, NULL, "the inject was already released", p->context);
        char *t = p->title ? strdup(p->title) : NULL, *b = p->body ? strdup(p->body) : NULL;
        if ((p->title && !t) || (p->body && !b)) {
            free(t);
            free(b);
            return CC_ERR_NOMEM;
        }
        if (t) {
            free(e->inj_title[i]);
            e->inj_title[i] = t;
        }
        if (b) {
            free(e->inj_body[i]);
            e->inj_body[i] = b;
        }
        json_t *j = json_pack("{s:s}", "inject", s->injects[i].id);
        if (j && p->title)
            json_object_set_new(j, "title", json_string(p->title));
        if (j && p->body)
            json_object_set_new(j, "body", json_string(p->body));
        return emit(e, "inject.edit", NULL, e->inj_label[i].text, j, p->context, 124);
    }
    case EX_DOWNGRADE: {
        size_t i = ITEM_INDEX(p->context);
        cc_labelspec *cur = &e->inj_label[i];
        if (!cc_label_dominates(&cur->label, &p->label))
            return refuse(e, NULL, "the new label is not a downgrade of the current one", p->context);
        char old[CC_LABEL_BANNER_MAX + 1];
        snprintf(old, sizeof old, "%s", cur->text);
        labelspec_of(s, &p->label, e->inj_banner[i], sizeof e->inj_banner[i], cur);
        cc_err rc = emit(e, "label.downgrade", NULL, cur->text,
                         json_pack("{s:s,s:s,s:s}", "inject", s->injects[i].id, "from", old, "to", cur->text),
                         p->context, 122);
        if (rc || e->inject_state[i] != ST_DONE)
            return rc;
        /* seats it was addressed to that may read it now receive it */
        mark_recipients(e, &s->injects[i].to);
        for (size_t k = 0; k < s->nseats && rc == CC_OK; k++) {
            if (!e->seatmask[k] || cc_engine_seat_has(e, k, i) ||
                !cc_label_permits(&cur->label, &s->seats[k].clearance))
                continue;
            cc_ref one = {CC_REF_SEAT, s->seats[k].id, (int)k, {0, 0}};
            cc_refs to = {&one, 1, {0, 0}};
            rc = deliver(e, "inject", s->injects[i].id, cur, &to, p->context, (int)i, CC_AEV_INJECT);
            mark_recipients(e, &s->injects[i].to); /* deliver reused the scratch mask */
        }
        return rc;
    }
    case EX_MESSAGE: {
        cc_label eff = p->label;
        uint32_t ctx = 0;
        if (p->reply >= 0) {
            if (!cc_engine_seat_has(e, (size_t)p->seat, (size_t)p->reply))
                return refuse(e, actor, "the seat does not hold the item it replies to", 0);
            /* a reply is at least as strict as what it answers */
            if (cc_label_join(&p->label, &e->inj_label[p->reply].label, &eff) != CC_OK)
                return refuse(e, actor, "the labels cannot be combined", 0);
            ctx = ITEM(CC_ITEM_INJECT, (size_t)p->reply);
        }
        if (!cc_label_permits(&eff, &s->seats[p->seat].clearance))
            return refuse(e, actor, "the sender may not use a label it cannot read itself", 0);
        char id[32], buf[CC_LABEL_BANNER_MAX + 1];
        snprintf(id, sizeof id, "M%llu", (unsigned long long)++e->messages);
        cc_labelspec ls;
        labelspec_of(s, &eff, buf, sizeof buf, &ls);
        cc_ref refs[64];
        json_t *to = json_array();
        for (size_t k = 0; k < p->nto; k++) {
            refs[k] = (cc_ref){CC_REF_SEAT, s->seats[p->to[k]].id, p->to[k], {0, 0}};
            json_array_append_new(to, json_string(s->seats[p->to[k]].id));
        }
        cc_refs tr = {refs, p->nto, {0, 0}};
        json_t *j =
            json_pack("{s:s,s:s,s:s,s:o}", "kind", "message", "message", id, "text", p->text, "to", to);
        if (j && p->reply >= 0)
            json_object_set_new(j, "reply_to", json_string(s->injects[p->reply].id));
        cc_err rc = emit(e, "message", actor, ls.text, j, ctx, 123);
        if (rc == CC_OK)
            rc = deliver(e, "message", id, &ls, &tr, ctx, -1, p->reply >= 0 ? CC_AEV_MESSAGE : -1);
        return rc;
    }
    }
    return CC_OK;
}

cc_err cc_engine_input(cc_engine *e, const json_t *input, char *why, size_t whylen)
{
    parsed_input p;
    cc_err rc = parse_input(e->s, input, &p, why, whylen);
    if (rc)
        return rc;
    if (e->stopped)
        return CC_ERR_IO;
    json_t *copy = json_deep_copy(input);
    if (!copy)
        return CC_ERR_NOMEM;
    json_object_del(copy, "t");
    const char *actor = p.seat >= 0 ? e->s->seats[p.seat].id : NULL;
    rc = emit(e, "input", actor, NULL, copy, p.context, 110);
    if (rc)
        return rc;
    if (p.extra)
        return apply_extra(e, &p, actor);
    size_t idx = ITEM_INDEX(p.context);
    if (p.control) {
        if (p.hold) {
            if (e->inject_state[idx] != ST_PENDING)
                return emit(e, "input.refused", NULL, NULL,
                            json_pack("{s:s}", "reason", "the inject was already released"), p.context, 111);
            e->inject_state[idx] = ST_HELD;
            return emit(e, "inject.hold", NULL, e->s->injects[idx].label.text,
                        json_pack("{s:s}", "inject", e->s->injects[idx].id), p.context, ST_HELD);
        }
        if (e->inject_state[idx] == ST_DONE)
            return emit(e, "input.refused", NULL, NULL,
                        json_pack("{s:s}", "reason", "the inject was already released"), p.context, 111);
        e->inject_state[idx] = ST_PENDING;
        return release_inject(e, idx);
    }
    const char *no = refusal(e, &p);
    if (no)
        return emit(e, "input.refused", actor, NULL, json_pack("{s:s}", "reason", no), p.context, 111);
    cc_ref refs[64];
    for (size_t k = 0; k < p.nto; k++)
        refs[k] = (cc_ref){CC_REF_SEAT, e->s->seats[p.to[k]].id, p.to[k], {0, 0}};
    cc_refs to = {refs, p.nto, {0, 0}};
    return do_action(e, (size_t)p.seat, p.action, p.context, p.option, p.text, &to);
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

int cc_engine_seat_has(const cc_engine *e, size_t seat, size_t inject)
{
    if (seat >= e->s->nseats || inject >= e->s->ninjects)
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
            *outcome = option_id(e, d, (size_t)e->dec[d].outcome);
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
    if (e->consult_state[c] != ST_OPEN)
        return "pending";
    const crun *K = &e->cons[c];
    if (K->mech >= 0 && K->stage >= 0 && (size_t)K->stage < e->s->mechanisms[K->mech].nstages) {
        if (stage)
            *stage = e->s->mechanisms[K->mech].stages[K->stage].id;
        if (since_ms)
            *since_ms = K->stage_start;
    }
    return "in progress";
}
