/* engine_int — the engine's state and the functions its parts share. Internal to the library
 * (core/engine.c runs events; engine_consult.c consultations and decisions; engine_agent.c
 * agent seats and seat actions; engine_find.c guideline findings; engine_input.c inputs of
 * people and control; engine_control.c the control clock and injects added during play). Callers use
 * core/engine.h. */
#ifndef CC_ENGINE_INT_H
#define CC_ENGINE_INT_H

#include <jansson.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/cjw.h"
#include "core/clock.h"
#include "core/engine.h"
#include "core/rng.h"
#include "core/scenario_model.h"
#include "core/sched.h"

/* scheduled event kinds */
enum {
    K_FIRE = 1,
    K_DECISION_DEADLINE,
    K_END,
    K_STAGE_DEADLINE,
    K_AGENT,
    K_WATCH,
    K_ROUND,
    K_WAIT,
    K_FEEDBACK,
    K_WORK /* an act (as K_AGENT) holding a place of its seat's capacity */
};

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

/* an act taken before its stage started, held for it (docs/scenario-format.md, "How a
 * consultation runs"): applied when the seat is offered that stage */
typedef struct early_act {
    uint32_t seat;
    int32_t stage;            /* stage index in the consultation's mechanism */
    cc_agent_action action;   /* acknowledge, position, vote or object */
    int32_t option;           /* vote: option index of the linked decision, -1 none */
    const char *text;         /* position text (the scenario's, or copied into the run's arena) */
    const char *lang;         /* the language the text is written in (copied likewise), or NULL */
    int64_t since_ms;         /* when it was taken */
} early_act;

/* a running consultation */
typedef struct crun {
    int mech;  /* mechanism index; -1 when none */
    int stage; /* current stage; -1 before the request, nstages when done */
    /* the current stage, NULL before the request and once done */
    const cc_stage *cur;
    int64_t stage_start;
    int64_t deadline_ms; /* the current stage's deadline (control may extend it); INT64_MAX none */
    /* part, acted, asked and objector: one allocation (part) */
    uint8_t *part;      /* nseats: participant of the current stage who can read the consultation */
    uint8_t *acted;     /* nseats: acted in the current stage */
    size_t seqpos;      /* no seat below it is a participant yet to act: where cc_eng_next_in_sequence
                         * starts; 0 at each reset of part and acted, advanced after a sequential act
                         * (acted only grows in between, so the seats below stay done) */
    uint8_t *asked;     /* nseats: the request has reached the seat (agent event "request") */
    int reached_decide; /* a decide stage has started */
    size_t nparts, nacted;
    int objected;
    int round;         /* review round of the current stage (1 when the stage has no rounds) */
    int revising;      /* between rounds: the next round is scheduled */
    uint8_t *objector; /* nseats: objected in the current round */
    size_t nobjectors;
    uint32_t entry;    /* counts stage starts: a scheduled stage deadline names the start it belongs to */
    uint32_t visit;    /* counts stage starts, rounds and silence breaks: an agent's act offered by one
                          belongs to it (pending.visit) */
    int broken;        /* a participant broke the current silence procedure */
    int fallback;      /* the decide stage decides by unanimity (silence was broken before) */
    early_act *early;  /* acts held for later stages */
    size_t nearly, capearly;
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
    int gov;     /* 1 + the consultation whose decide stage governs the decision now; 0 none */
    int64_t deadline_ms; /* its deadline once open (control may extend it); INT64_MAX none */
} drun;

/* a guideline rule waiting to be met or missed */
typedef struct watch {
    uint32_t guideline, item;
    int stage;
    int done;
    int deferred; /* its time came with other events due at the same time: it runs after them */
    int64_t start_ms;
    uint64_t from_seq; /* the event that started it */
} watch;

/* an agent action waiting for its time */
typedef struct pending {
    uint32_t seat;             /* its agent: seat_agent[seat] */
    uint32_t context;          /* item code the action is about */
    const cc_agent_rule *rule; /* the rule that scheduled it */
    uint32_t visit;            /* consultation acts: the stage visit (crun.visit) it belongs to; 0 none */
    int16_t target;   /* on: request with stage: the stage index it is for (held until it starts); -1 */
    uint16_t attempt; /* 0 for the first; a retry of a lost act, or the next firing of a waiting rule */
} pending;

/* a seat's work with a capacity: acts in hand, and a ring of acts waiting to start */
typedef struct workq {
    uint32_t busy;    /* acts in hand (scheduled, holding a place) */
    uint32_t head, n; /* the waiting acts: v[(head + k) % cap], k < n */
    uint32_t cap;     /* allocated length of v */
    pending *v;
} workq;

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
    /* injects: the scenario's (copied, first s->ninjects), then those control added during play;
     * every per-inject array below has ninj entries (room for capinj) */
    cc_inject *inj;
    size_t ninj, capinj;
    uint32_t *inj_gen; /* schedule generation: a K_FIRE of an inject whose b differs is stale */
    cc_arena *added;   /* strings and arrays of injects added during play; NULL until the first */
    cc_clock clk;      /* the control clock (opts.live_clock) */
    int64_t wall_ms;   /* wall time of the event being emitted (live runs), as input */
    /* the text of the input being applied (or of a held act taken now) and its language (its
     * "lang": a message, note, position or proposal is stored as written and marked with it);
     * NULL otherwise (docs/event-log.md). Set by cc_eng_written. */
    const char *in_text, *in_lang;
    uint8_t *inject_state, *decision_state, *consult_state;
    cc_labelspec *inj_label;                     /* current label of each inject (control may downgrade) */
    char (*inj_banner)[CC_LABEL_BANNER_MAX + 1]; /* text of downgraded labels */
    uint64_t messages;                           /* messages sent, for message ids */
    /* label and holders of messages M1..M<messages> (engine_input.c), in blocks allocated from
     * `added`, so freed with it by cc_engine_restart and cc_engine_free; dropped unread when the
     * first message of a run is sent (messages is 0 then) */
    struct cc_eng_msgs *msgs;
    char **inj_title, **inj_body; /* control's edits before release (NULL: as in the scenario) */
    uint64_t *held;               /* nseats x ninjects bits: seat holds inject; then as many: the seat
                                     acknowledged, escalated or forwarded it (cc_eng_seat_acted) */
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
    int auto_changed; /* control handed a seat over during play (cc_eng_play): reset_run recomputes auto_seat
                       */
    uint8_t *absent;    /* nseats: the agent is absent for this run */
    cc_rng *rng;        /* nseats + 1 streams: engine (0), then one per seat */
    /* computed once per engine, for the simulator's replications: the agent playing each seat (NULL
     * when none does); the events each agent seat has rules on (bit ev), and the same for this run
     * (0 while the agent is absent, so cc_eng_agent_offer ends at once); the streams a run draws
     * from (the engine's and agent seats'), whose first blocks reset_run computes together; the
     * agent seats that may be absent (absence > 0), in seat order; the items with a time of their
     * own ('at'), in item order */
    cc_duty *duty; /* nseats: each seat's duty schedule, for its agent's delays (core/duty.h) */
    int any_waiting, any_objection_rule; /* some agent seat has on: waiting / on: objection rules */
    /* firings of each seat's 'objection' and 'escalation' rules per consultation (each fires at most
     * its 'max' times): nconsultations x nseats x nreact, nreact the most such rules of an agent;
     * NULL when no agent has one */
    uint8_t *react;
    size_t nreact;
    const cc_agent **seat_agent;
    uint16_t *seat_events, *offer_events;
    uint32_t *draw_streams, *absence_seats, *start_items;
    size_t ndraw_streams, nabsence_seats, nstart_items;
    pending *acts; /* agent actions scheduled (K_AGENT a = slot); a slot is free again once it fires */
    size_t nacts, capacts;
    uint32_t *free_acts; /* free slots of acts (capacts) */
    /* seats with a capacity (docs/scenario-format.md, "Capacity"), NULL when none has: per seat, the
     * acts in hand and the acts waiting to start, first come first served (a ring) */
    workq *wq;
    size_t nfree_acts;
    watch *watches; /* guideline watches (K_WATCH a = slot); a slot is free again once its time is up */
    size_t nwatch, capwatch;
    uint32_t *free_watches; /* free slots of watches (capwatch) */
    size_t nfree_watches;
    uint8_t *with_member; /* nguidelines x nseats: seat is in a share rule's 'with' */
    uint8_t *cons_read;   /* nconsultations x nseats: the seat may read the consultation (its label) */
    uint8_t *stage_seats; /* (stage_base[m] + k) x nseats: seats named by stage k of mechanism m */
    size_t *stage_base;   /* nmechanisms + 1 */
    cc_engine_stats st;
    cc_buf line;
    int stopped;
    struct cc_eng_eval *eval; /* engine_eval.c: questionnaires sent, observations; NULL without evaluation */
};

/* An event's payload, built only when the run keeps a log: a simulation run (opts.no_log) builds
 * no JSON. The expression must have no side effect the engine depends on. */
#define CC_LAZY(e, expr) ((e)->o.no_log ? NULL : (expr))

/* shared between the engine's files (see the comment at the top) */
cc_err cc_eng_emit_ext(cc_engine *e, cc_evtype type, const char *actor, const char *label, json_t *payload,
                       uint32_t item, int state, const uint64_t *extra, size_t nextra);
cc_err cc_eng_run(cc_engine *e, int64_t until_ms, int64_t wall_cap);
cc_err cc_eng_grow_injects(cc_engine *e, size_t need);
cc_err cc_eng_schedule_added(cc_engine *e, size_t after_inject);
int cc_eng_find_inject(const cc_engine *e, const char *id);
/* engine_control.c: control clock actions (CLK_*), injects added or retimed during play, times */
enum { CLK_START = 1, CLK_PAUSE, CLK_RESUME, CLK_SPEED, CLK_JUMP };
cc_err cc_eng_clock(cc_engine *e, int action, int32_t num, int32_t den, int64_t to_ms);
cc_err cc_eng_add_inject(cc_engine *e, const json_t *inject);
/* The recipients ("to") of control's edit input in, by an added inject's rules (kept in the run's
 * arena of added things); CC_ERR_INVALID with why. */
cc_err cc_eng_edit_refs(cc_engine *e, const json_t *in, cc_refs *out, char *why, size_t whylen);
cc_err cc_eng_parse_time(const cc_scenario *s, const char *text, const char *what, int64_t *ms, char *why,
                         size_t whylen);
cc_err cc_eng_parse_factor(const json_t *v, int32_t *num, int32_t *den, char *why, size_t whylen);
const char *cc_eng_time_text(int64_t ms, char *buf, size_t size);
cc_err cc_eng_agent_act(cc_engine *e, const pending *a);
/* An act of a seat with a capacity (K_WORK) ended: its place goes to the next waiting act. */
cc_err cc_eng_work_done(cc_engine *e, size_t seat);
cc_err cc_eng_agent_offer_rules(cc_engine *e, size_t seat, cc_agent_event ev, uint32_t context, int channel,
                                const cc_strs *classes, int stage_kind, uint32_t visit);
cc_err cc_eng_agent_wait(cc_engine *e, const pending *w);
cc_err cc_eng_arm_waiting(cc_engine *e, size_t c);
/* Arms the waiting rules of one agent seat for consultation c's current stage (engine_play). */
cc_err cc_eng_arm_waiting_seat(cc_engine *e, size_t c, size_t seat);
/* Control hands seat to its agent (agent 1) or back to a person (0): seat.play, then the agent is
 * offered what is open for the seat now; refused (input.refused) without an agent or when the seat
 * is already played so (engine_play.c; docs/cli.md, "Hybrid seats"). */
cc_err cc_eng_play(cc_engine *e, size_t seat, int agent);
/* Control steers (engine_steer.c; docs/cli.md, "Control steers"): ends consultation c's current
 * stage now (fail: the consultation fails; otherwise the stage completes, a governing decide stage
 * with option), extends a stage's or a decision's deadline, re-opens stage k, skips an inject and
 * the injects triggered after it. Each logs its event, or input.refused with the reason. */
cc_err cc_eng_force(cc_engine *e, size_t c, int fail, const char *option, const char *reason);
cc_err cc_eng_extend(cc_engine *e, uint32_t item, int64_t by_ms);
cc_err cc_eng_reopen(cc_engine *e, size_t c, const char *stage, const char *reason);
cc_err cc_eng_skip(cc_engine *e, size_t inject, const char *reason);
/* engine_consult.c's ends of a stage and of a consultation, for engine_steer.c */
cc_err cc_eng_finish_stage(cc_engine *e, size_t c, const char *by, const char *outcome);
cc_err cc_eng_fail_consultation(cc_engine *e, size_t c, const char *reason);
int cc_eng_linked_decision(const cc_engine *e, size_t c);
cc_err cc_eng_offer_consult(cc_engine *e, size_t c, cc_agent_event ev, size_t except);
cc_err cc_eng_remind(cc_engine *e, size_t c, size_t seat);
cc_err cc_eng_seat_escalate(cc_engine *e, size_t c, size_t seat, const cc_refs *to);
cc_err cc_eng_check_consult_before(cc_engine *e, size_t d);
cc_err cc_eng_decide(cc_engine *e, size_t d, int outcome, const char *how);
/* Whether the seat acknowledged, escalated or forwarded inject i (a person or its agent); marks it. */
int cc_eng_seat_acted(const cc_engine *e, size_t seat, size_t inject);
void cc_eng_seat_acts_on(cc_engine *e, size_t seat, size_t inject);
cc_err cc_eng_deliver(cc_engine *e, const char *kind, const char *id, const cc_labelspec *l,
                      const cc_refs *to, uint32_t item, int inject_index, int aev);
/* cc_eng_deliver to the seats flagged in `to` (nseats), of which those flagged in `readable` (may be
 * NULL: check the label) may read the item. */
cc_err cc_eng_deliver_mask(cc_engine *e, const char *kind, const char *id, const cc_labelspec *l,
                           const uint8_t *to, const uint8_t *readable, uint32_t item, int inject_index,
                           int aev);
cc_err cc_eng_do_action(cc_engine *e, size_t seat, cc_agent_action action, uint32_t context,
                        const char *option, const char *text, const cc_refs *to);
cc_err cc_eng_fire(cc_engine *e, uint32_t code);
const cc_when *cc_eng_item_when(const cc_scenario *s, uint32_t code);
size_t cc_eng_mark_recipients(cc_engine *e, const cc_refs *refs);
int cc_eng_next_in_sequence(const crun *K, size_t nseats);
size_t cc_eng_noptions(const cc_engine *e, size_t d);
const char *cc_eng_option_id(const cc_engine *e, size_t d, size_t k);
int cc_eng_option_index(const cc_engine *e, size_t d, const char *id);
cc_err cc_eng_propose(cc_engine *e, size_t d, size_t seat, const char *text);
/* The text being applied now and its language (NULL, NULL: none). */
void cc_eng_written(cc_engine *e, const char *text, const char *lang);
/* Marks payload j with "lang" when text is the text being applied and its language was given. */
void cc_eng_mark_lang(const cc_engine *e, json_t *j, const char *text);
json_t *cc_eng_refs_json(const cc_refs *r);
cc_err cc_eng_release_inject(cc_engine *e, size_t i);
cc_err cc_eng_resolve_watches(cc_engine *e, cc_grule_kind kind, uint32_t item, int k, size_t seat);
cc_err cc_eng_stage_act(cc_engine *e, size_t c, size_t seat, cc_evtype type, const char *text);
cc_err cc_eng_stage_vote(cc_engine *e, size_t c, size_t seat, const char *option);
cc_err cc_eng_consult_object(cc_engine *e, size_t c, size_t seat);
cc_err cc_eng_hold_act(cc_engine *e, size_t c, size_t seat, int stage, cc_agent_action action, int option,
                       const char *text);
int cc_eng_takes_part(const cc_engine *e, size_t c, size_t k, size_t seat);
int cc_eng_stage_index(const cc_engine *e, size_t c, const char *stage_id);
const char *cc_eng_act_refusal(const cc_engine *e, size_t c, size_t seat, cc_agent_action action, int stage);
cc_err cc_eng_decision_expired(cc_engine *e, size_t d);
cc_err cc_eng_stage_deadline(cc_engine *e, size_t c, uint32_t entry);
cc_err cc_eng_next_round(cc_engine *e, size_t c, int k);
cc_err cc_eng_stage_object(cc_engine *e, size_t c, size_t seat, int *taken);
int cc_eng_stage_has_rounds(const cc_engine *e, size_t c);
cc_err cc_eng_start_stage(cc_engine *e, size_t c, int k);
cc_err cc_eng_vote(cc_engine *e, size_t d, size_t seat, const char *option);
cc_err cc_eng_watch_expired(cc_engine *e, size_t w);
cc_err cc_eng_watch_share(cc_engine *e, size_t i);
cc_err cc_eng_watch_stage(cc_engine *e, size_t c, int k);
const char *cc_eng_deny_code(cc_deny d); /* "class", "caveat", ... as denials say */

/* engine_eval.c: observations, questionnaires and scores (docs/scenario-format.md, "Evaluation") */
typedef struct cc_eng_eval_input {
    int kind; /* observe, answer, score, send, hotwash (engine_eval.c) */
    int seat; /* -1: control */
    int objective, target, task, questionnaire, model, move, team;
    const char *okind, *rating, *text, *root_cause, *recommendation;
    int64_t observed_ms; /* -1: now */
    uint64_t evidence[32];
    size_t nevidence;
    cc_label label;
    int has_label;
    const json_t *answers, *scores; /* borrowed from the input */
} cc_eng_eval_input;
/* 1.. for the actions observe, answer, score, send and hotwash; 0 for any other */
int cc_eng_eval_action(const char *act);
/* Checks an input of one of those actions against the scenario: CC_ERR_INVALID with why. */
cc_err cc_eng_eval_parse(const cc_scenario *s, const json_t *in, int kind, cc_eng_eval_input *v, char *why,
                         size_t whylen);
int cc_eng_eval_observes(const cc_eng_eval_input *v);
/* Carries out a logged input, or logs why it is refused. */
cc_err cc_eng_eval_apply(cc_engine *e, const cc_eng_eval_input *v, const char *actor);
cc_err cc_eng_eval_new(cc_engine *e);
void cc_eng_eval_free(cc_engine *e);
void cc_eng_eval_reset(cc_engine *e);
cc_err cc_eng_eval_start(cc_engine *e);           /* schedules the questionnaires sent at a phase's end */
cc_err cc_eng_eval_due(cc_engine *e, uint32_t q); /* K_FEEDBACK: questionnaire q falls due */

/* Under no_log an event that is not a milestone for the observer is only counted, here, without a
 * call (returns 1): the simulator's replications emit dozens of events each. */
static inline int cc_eng_quiet(cc_engine *e, int state)
{
    if (e->o.no_log && !(e->o.observe && state >= ST_DONE && state <= ST_EXPIRED)) {
        e->st.events++;
        e->seq++;
        return 1;
    }
    return 0;
}

/* Records one event; takes ownership of payload; item/state feed the digest (cc_eng_emit_ext). */
static inline cc_err cc_eng_emit(cc_engine *e, cc_evtype type, const char *actor, const char *label,
                                 json_t *payload, uint32_t item, int state)
{
    if (cc_eng_quiet(e, state)) {
        json_decref(payload);
        return CC_OK;
    }
    return cc_eng_emit_ext(e, type, actor, label, payload, item, state, NULL, 0);
}

/* Records one event whose payload is the object of the fields f[0..n) (core/cjw, any order): the
 * same bytes and hash as cc_eng_emit with the equal jansson object, without building it (nothing is
 * allocated). The fields are borrowed. */
cc_err cc_eng_emit_fields(cc_engine *e, cc_evtype type, const char *actor, const char *label, const cc_jf *f,
                          size_t n, uint32_t item, int state);

/* cc_eng_emit_fields with the fields listed as arguments (CC_JF_S, CC_JF_I, ...), which are not
 * evaluated when the event is only counted:
 *   rc = CC_EMITF(e, CC_EV_DENIAL, NULL, l->text, item, 11, CC_JF_S("kind", kind), CC_JF_S("seat", id)); */
#define CC_EMITF(e, type, actor, label, item, state, ...)                                                    \
    (cc_eng_quiet((e), (state))                                                                              \
         ? CC_OK                                                                                             \
         : cc_eng_emit_fields((e), (type), (actor), (label), (const cc_jf[]){__VA_ARGS__},                   \
                              sizeof((const cc_jf[]){__VA_ARGS__}) / sizeof(cc_jf), (item), (state)))

/* A delay in seconds drawn from d. Inline: one per agent action and per revision. */
static inline double cc_eng_draw_delay_s(cc_rng *r, const cc_dist *d)
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

/* A trigger's delay in ms when it fires: its duration, or drawn from its distribution on the run's
 * control stream (docs/scenario-format.md, "Triggers"); fixed delays draw nothing. */
static inline int64_t cc_eng_trigger_delay_ms(cc_engine *e, const cc_when *w)
{
    if (!w->delay_drawn)
        return w->delay_s * 1000;
    double d = cc_eng_draw_delay_s(&e->rng[0], &w->delay_dist);
    if (!(d >= 0))
        d = 0;
    if (d > 1e9)
        d = 1e9;
    return (int64_t)(d * 1000.0);
}

/* Offers an event to one seat's agent: every matching rule may schedule an action
 * (cc_eng_agent_offer_rules). visit: for the request and stage events of a consultation, the stage
 * visit (crun.visit) the acts it schedules belong to; 0 otherwise. Inline: most offers reach a seat
 * with no rule for the event (a person's seat, an absent agent, a 'request' no rule answers) and end
 * here. */
static inline cc_err cc_eng_agent_offer(cc_engine *e, size_t seat, cc_agent_event ev, uint32_t context,
                                        int channel, const cc_strs *classes, int stage_kind, uint32_t visit)
{
    if (!(e->offer_events[seat] >> ev & 1u))
        return CC_OK;
    return cc_eng_agent_offer_rules(e, seat, ev, context, channel, classes, stage_kind, visit);
}

#endif
