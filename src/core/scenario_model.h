/* scenario_model — the in-memory scenario: plain structs shared by the library's modules
 * (loader, checker, engine). Callers outside the library use core/scenario.h. Everything is
 * allocated in the scenario's arena; indices (-1 = unresolved) refer to the arrays here. */
#ifndef CC_SCENARIO_MODEL_H
#define CC_SCENARIO_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/diag.h"
#include "core/duty.h"
#include "core/label.h"
#include "core/zone.h"

typedef struct cc_strs {
    const char **v;
    cc_pos *pos;
    size_t n;
} cc_strs;

typedef struct cc_idxs {
    int *v;
    size_t n;
} cc_idxs;

typedef enum cc_ref_kind { CC_REF_SEAT, CC_REF_CELL, CC_REF_PARTY, CC_REF_GROUP, CC_REF_ALL } cc_ref_kind;

typedef struct cc_ref {
    cc_ref_kind kind;
    const char *name; /* without prefix */
    int index;        /* into seats/cells/parties/groups; -1 for all or unresolved */
    cc_pos pos;
} cc_ref;

typedef struct cc_refs {
    cc_ref *v;
    size_t n;
    cc_pos pos; /* position of the list */
} cc_refs;

typedef enum cc_trigger_kind {
    CC_TRIG_AFTER,        /* after an inject is released */
    CC_TRIG_DECISION,     /* a decision is decided (optionally with an outcome) */
    CC_TRIG_CONSULTATION, /* a consultation enters a stage */
    CC_TRIG_TIMEOUT       /* a decision's or a consultation stage's deadline passes */
} cc_trigger_kind;

typedef enum cc_item_kind { CC_ITEM_INJECT, CC_ITEM_DECISION, CC_ITEM_CONSULTATION } cc_item_kind;

typedef enum cc_dist_kind {
    CC_DIST_FIXED,
    CC_DIST_UNIFORM,
    CC_DIST_EXPONENTIAL,
    CC_DIST_LOGNORMAL,
    CC_DIST_GAMMA,
    CC_DIST_TRIANGULAR,
    CC_DIST_EMPIRICAL
} cc_dist_kind;

/* A delay distribution; times in seconds. */
typedef struct cc_dist {
    cc_dist_kind kind;
    double a, b, c; /* fixed: a; uniform: a=min b=max; exponential: a=mean; lognormal: a=mu
                       (ln seconds) b=sigma; gamma: a=shape b=scale; triangular: a=min b=mode c=max */
    double *values; /* empirical */
    size_t nvalues;
    cc_pos pos;
} cc_dist;

/* Appends distribution d as the scenario format writes one (docs/scenario-format.md,
 * "Distributions"): a YAML flow map, "{dist: exponential, mean: 30m}", its parameters in the
 * order of that table. Durations in whole seconds (the format's resolution; a lognormal median is
 * exp(mu) rounded), numbers (sigma, shape) in the shortest form that reads back as the same
 * double, so cc_scenario_load_dist (io/scenario_load.h) reads it back to the same cc_dist. */
void cc_scenario_dist_write(const cc_dist *d, cc_buf *out);

/* When something happens: at a scenario time, or when a trigger fires. */
typedef struct cc_when {
    bool has_at;
    int64_t at_s; /* seconds after exercise start */
    cc_pos pos;   /* of `at` or `trigger` */
    bool has_trigger;
    cc_trigger_kind trig;
    const char *target; /* inject, decision or consultation id */
    cc_pos target_pos;
    cc_item_kind target_kind; /* resolved kind (timeout may name a decision or a consultation) */
    int target_index;
    const char *outcome; /* decision option id, or NULL */
    cc_pos outcome_pos;
    const char *stage; /* stage id, or NULL */
    cc_pos stage_pos;
    int64_t delay_s;
    /* a trigger 'delay' given as a distribution map (docs/scenario-format.md, "Triggers"): drawn
     * from the run's control stream when the trigger fires; delay_s is then 0 */
    bool delay_drawn;
    cc_dist delay_dist;
} cc_when;

typedef struct cc_labelspec {
    cc_label label;
    const char *text; /* canonical banner */
    cc_pos pos;
    bool valid;
} cc_labelspec;

typedef enum cc_party_kind { CC_PARTY_NATION, CC_PARTY_ORGANISATION } cc_party_kind;

typedef struct cc_party {
    const char *id, *name, *zone_name;
    cc_party_kind kind;
    cc_zone *zone; /* owned by the scenario */
    cc_workhours hours;
    int32_t *holidays; /* public holidays: local dates (days since 1970-01-01), ascending */
    size_t nholidays;
    /* the party's public keys (C2SP verifier key texts named after the party): its note key endorses
     * the guidelines, its cosigner key cosigns checkpoints (docs/tamper-evidence.md) */
    cc_strs keys;
    cc_pos pos, zone_pos;
} cc_party;

typedef struct cc_group {
    const char *id;
    cc_strs members;
    cc_pos pos;
} cc_group;

typedef enum cc_cell_kind { CC_CELL_CELL, CC_CELL_WORKSTREAM, CC_CELL_CONTROL } cc_cell_kind;

typedef struct cc_cell {
    const char *id, *name, *description;
    cc_cell_kind kind;
    cc_pos pos;
} cc_cell;

typedef struct cc_seat {
    const char *id, *role;
    const char *party;
    int party_index;
    const char *clearance_name;
    cc_clearance clearance;
    cc_strs caveats;
    cc_strs cells;
    cc_idxs cell_index;
    const char *agent;
    int agent_index;
    bool control; /* member of the control cell */
    /* duty (key 'duty'; docs/scenario-format.md, "Duty and work time"): has_duty 0 = not given
     * (then the agent's availability.hours: working = office, always = watch) */
    bool has_duty;
    cc_duty_kind duty;
    bool own_hours;         /* office hours of its own (duty.working_hours), else the party's */
    cc_workhours hours;     /* with own_hours */
    int64_t callout_s;      /* on call: the wait outside office hours */
    cc_pos pos, party_pos, clearance_pos, agent_pos, duty_pos;
    /* kind: evaluator (docs/scenario-format.md, "Evaluator seats"): observes and rates, never acts
     * in play, never reached by a reference other than its own id */
    bool evaluator;
    cc_pos kind_pos;
    /* capacity (docs/scenario-format.md, "Capacity"): at most this many acts of its agent in hand
     * at once, the rest wait first come, first served; 0 = no limit */
    uint32_t capacity;
    cc_pos capacity_pos;
} cc_seat;

typedef struct cc_objective {
    const char *id, *title, *capability, *description;
    cc_pos pos;
} cc_objective;

typedef enum cc_channel {
    CC_CH_MESSAGE,
    CC_CH_CABLE,
    CC_CH_CALL,
    CC_CH_EMAIL,
    CC_CH_MEETING,
    CC_CH_VTC,
    CC_CH_NEWS,
    CC_CH_INTEL_REPORT,
    CC_CH_STATEMENT,
    CC_CH_COUNT
} cc_channel;

typedef struct cc_inject {
    const char *id, *title, *body, *notes;
    cc_labelspec label;
    const char *from; /* seat id or "control" */
    int from_index;   /* seat index; -1 for control */
    cc_pos from_pos;
    const char *originator;
    cc_pos originator_pos;
    cc_refs to;
    cc_channel channel;
    cc_strs classes;
    cc_when when;
    cc_strs expected_actions;
    cc_strs objectives;
    cc_idxs objective_index;
    cc_pos pos;
} cc_inject;

typedef enum cc_rule { CC_RULE_UNANIMITY, CC_RULE_MAJORITY, CC_RULE_LEAD, CC_RULE_SILENCE } cc_rule;
#define CC_RULE_COUNT 4 /* outside the enum, so that switches over it stay exhaustive */

typedef struct cc_option {
    const char *id, *text;
    cc_pos pos;
} cc_option;

typedef struct cc_decision {
    const char *id, *question;
    cc_labelspec label;
    cc_option *options;
    size_t noptions;
    bool proposals;
    cc_refs deciders;
    cc_rule rule;
    const char *lead;
    int lead_index;
    cc_pos lead_pos, rule_pos;
    cc_when when;
    bool has_deadline;
    int64_t deadline_s;
    cc_strs objectives;
    cc_idxs objective_index;
    cc_pos pos;
} cc_decision;

typedef enum cc_stage_kind {
    CC_STAGE_NOTIFY,
    CC_STAGE_ACKNOWLEDGE,
    CC_STAGE_ASSESS,
    CC_STAGE_CONVENE,
    CC_STAGE_POSITIONS,
    CC_STAGE_DECIDE,
    CC_STAGE_COMMUNICATE,
    CC_STAGE_CUSTOM,
    CC_STAGE_COUNT
} cc_stage_kind;

typedef enum cc_stage_mode { CC_MODE_ALL, CC_MODE_ANY, CC_MODE_SEQUENTIAL } cc_stage_mode;
#define CC_MODE_COUNT 3

/* What follows when a participant breaks a silence procedure (stage key 'on_objection'). */
typedef enum cc_on_objection {
    CC_OBJ_VOTE,  /* a round of votes under unanimity (default) */
    CC_OBJ_FAIL,  /* the consultation fails */
    CC_OBJ_RETURN /* back to an earlier stage (on_objection_stage), deciding by unanimity after */
} cc_on_objection;

typedef struct cc_stage {
    const char *id, *title;
    cc_stage_kind kind;
    cc_refs participants;
    cc_stage_mode mode;
    bool has_deadline;
    int64_t deadline_s;
    cc_refs escalate_to;
    bool has_rule;
    cc_rule rule;
    const char *lead;
    int lead_index;
    int max_rounds;   /* review rounds (key 'rounds'); 0: one round, objections do not repeat it */
    cc_dist revision; /* rounds: delay between a round with objections and the next */
    /* silence: the option of the linked decision adopted at the deadline (NULL: its first) */
    const char *adopt;
    cc_on_objection on_objection;
    const char *on_objection_stage; /* CC_OBJ_RETURN: id of an earlier stage */
    int on_objection_index;         /* its index in the mechanism, -1 until checked */
    cc_pos pos, lead_pos, rule_pos, rounds_pos, adopt_pos, on_objection_pos;
} cc_stage;

typedef struct cc_mechanism {
    const char *id, *title, *description;
    cc_stage *stages;
    size_t nstages;
    cc_pos pos;
} cc_mechanism;

typedef struct cc_consultation {
    const char *id, *topic;
    const char *requested_by;
    int requester_index;
    const char *mechanism; /* NULL: the run's variant */
    int mechanism_index;
    const char *decision;
    int decision_index;
    cc_labelspec label;
    cc_when when;
    cc_pos pos, requested_by_pos, mechanism_pos, decision_pos;
} cc_consultation;

typedef enum cc_grule_kind {
    CC_GRULE_NONE,
    CC_GRULE_STAGE_DEADLINE,
    CC_GRULE_SHARE,
    CC_GRULE_CONSULT_BEFORE
} cc_grule_kind;

typedef struct cc_guideline {
    const char *id, *text;
    cc_strs objectives;
    cc_idxs objective_index;
    cc_grule_kind kind;
    cc_stage_kind stage;      /* stage_deadline */
    int64_t within_s;         /* stage_deadline, share */
    const char *consultation; /* stage_deadline: optional */
    int consultation_index;
    const char *inject_class; /* share */
    cc_ref with;              /* share */
    const char *decision;     /* consult_before_decision */
    int decision_index;
    cc_pos pos, rule_pos, ref_pos;
} cc_guideline;

typedef enum cc_agent_event {
    CC_AEV_INJECT,
    CC_AEV_MESSAGE,
    CC_AEV_REQUEST,
    CC_AEV_STAGE,
    CC_AEV_DECISION_OPEN,
    CC_AEV_PROPOSAL,
    CC_AEV_WAITING,    /* a stage the seat requested or takes part in has waited 'after' */
    CC_AEV_ESCALATION, /* a consultation was escalated to the seat */
    CC_AEV_OBJECTION   /* a participant objected in a stage of a consultation the seat requested or takes part
                          in */
} cc_agent_event;
#define CC_AEV_COUNT (CC_AEV_OBJECTION + 1)
typedef enum cc_agent_action {
    CC_ACT_ACKNOWLEDGE,
    CC_ACT_SHARE,
    CC_ACT_POSITION,
    CC_ACT_VOTE,
    CC_ACT_PROPOSE,
    CC_ACT_OBJECT,
    CC_ACT_ESCALATE,
    CC_ACT_REVIEW, /* agents only: approve (acknowledge) with probability 'approve', else object */
    CC_ACT_REMIND  /* remind the participants of the current stage who have not acted */
} cc_agent_action;
#define CC_ACT_COUNT (CC_ACT_REMIND + 1)

typedef struct cc_agent_rule {
    cc_agent_event on;
    bool has_channel;
    cc_channel channel;
    const char *inject_class;
    bool has_stage;
    cc_stage_kind stage;
    const char *decision; /* filter: only this decision, or consultations that decide it; NULL = any */
    cc_pos decision_pos;
    int decision_index; /* resolved by cc_scenario_check; -1 = any */
    cc_dist delay;
    bool calendar_delay; /* delay_in: calendar: the delay runs in calendar time, then the act waits to
                            be on duty; default: work time (accrues only on duty) */
    double probability;
    cc_agent_action action;
    double approve; /* review: probability of approving */
    const char *option;
    cc_pos option_pos;
    cc_refs to;
    const char *text;
    int64_t after_s; /* on: waiting: how long a stage waits before the rule fires (again) */
    int max;         /* on: waiting: how many times it fires for one stage (default 1) */
    cc_pos pos;
} cc_agent_rule;

typedef struct cc_agent {
    const char *id;
    bool always_available; /* false: the party's working hours */
    double absence;
    double channel_failure;
    int retry_max;       /* attempts of an act whose message is lost, the first included (1: no retry) */
    cc_dist retry_after; /* the wait before a retry (work time) */
    cc_agent_rule *rules;
    size_t nrules;
    cc_pos pos;
} cc_agent;

/* ---- evaluation (docs/scenario-format.md, "Evaluation") ---- */

/* exercise.contacts: a point of contact (every field but name may be NULL) */
typedef struct cc_contact {
    const char *name, *role, *organisation, *email, *phone;
    cc_pos pos;
} cc_contact;

/* A critical task's 'when'. */
typedef enum cc_ewhen_kind {
    CC_EW_NONE,
    CC_EW_INJECT,
    CC_EW_DECISION,
    CC_EW_CONSULTATION, /* with stage: a stage id of its mechanism(s), or NULL */
    CC_EW_PHASE,
    CC_EW_STAGE_KIND /* any consultation's stage of kind stage_kind */
} cc_ewhen_kind;

typedef struct cc_ewhen {
    cc_ewhen_kind kind;
    const char *ref; /* inject, decision, consultation or phase id */
    int index;       /* resolved by the check, -1 */
    const char *stage;
    cc_stage_kind stage_kind;
    cc_pos pos, ref_pos, stage_pos;
} cc_ewhen;

typedef struct cc_ctask {
    const char *id, *text, *observe;
    cc_ewhen when;
    cc_pos pos;
} cc_ctask;

typedef struct cc_ctarget {
    const char *id, *text;
    cc_ctask *tasks;
    size_t ntasks;
    cc_pos pos;
} cc_ctarget;

typedef struct cc_guide {
    const char *id;
    const char *objective;
    int objective_index;
    cc_labelspec label;
    cc_strs evaluators; /* as written; empty: every evaluator that may read the label */
    cc_idxs evaluator_index;
    cc_ctarget *targets;
    size_t ntargets;
    cc_pos pos, objective_pos;
} cc_guide;

typedef enum cc_qkind { CC_Q_LIKERT, CC_Q_CHOICE, CC_Q_TEXT } cc_qkind;

typedef struct cc_question {
    const char *id, *text;
    cc_qkind kind;
    int scale;          /* likert: points, 3..10 */
    cc_option *options; /* choice */
    size_t noptions;
    bool multiple, required;
    cc_pos pos;
} cc_question;

typedef struct cc_questionnaire {
    const char *id, *title;
    cc_labelspec label;
    cc_refs to;             /* default: all */
    bool send_end;          /* send: end (at the hotwash) */
    const char *send_phase; /* send: PHASE (at its end) */
    int send_phase_index;
    cc_question *questions;
    size_t nquestions;
    cc_pos pos, send_pos;
} cc_questionnaire;

typedef struct cc_criterion {
    const char *id, *text;
    double weight;
    int max;
    cc_pos pos;
} cc_criterion;

typedef struct cc_scoring {
    const char *id, *title;
    cc_labelspec label;
    cc_refs teams;
    cc_strs moves; /* phase ids; empty: every phase (or the one move "all") */
    cc_idxs move_index;
    cc_criterion *criteria;
    size_t ncriteria;
    cc_pos pos;
} cc_scoring;

/* A text of the scenario in a language other than the authoritative one (docs/scenario-format.md,
 * "Texts and languages"). The model's fields hold the authoritative text; each other language's
 * text of a field is one of these, found by the field's pointer (cc_scenario_text_in). */
typedef struct cc_translation {
    const char *text;  /* the field's authoritative text: the very pointer the model holds */
    int lang;          /* index into the scenario's languages */
    const char *value; /* the text in that language */
} cc_translation;

#define CC_LANG_MAX 8 /* languages a scenario may declare */

typedef struct cc_phase {
    const char *id, *title;
    int64_t at_s;
    cc_pos pos;
} cc_phase;

struct cc_scenario {
    cc_arena *arena;
    const char *file;
    unsigned char hash[32]; /* SHA-256 of the file bytes */
    int version;
    const char *id, *title, *description;
    /* exercise.languages and exercise.authoritative_language: languages.n == 0 for a scenario in
     * one language (every text a string); authoritative indexes languages */
    cc_strs languages;
    int authoritative;
    cc_pos languages_pos;
    /* the texts in the other languages, sorted by (text pointer, lang) for cc_scenario_text_in */
    cc_translation *translations;
    size_t ntranslations, translations_cap;
    /* per classification rank: its display text (classification 'display'), NULL when none */
    const char **class_display;
    size_t nclass_display;
    int64_t start_unix;
    int32_t start_offset;
    const char *zone_name;
    cc_zone *zone;
    int64_t duration_s;
    const char *default_mechanism;
    int default_mechanism_index;
    cc_pos default_mechanism_pos;
    cc_phase *phases;
    size_t nphases;
    cc_label_policy *policy;
    const char *policy_id;
    cc_party *parties;
    size_t nparties;
    cc_group *groups;
    size_t ngroups;
    cc_cell *cells;
    size_t ncells;
    int control_cell; /* -1 when none */
    /* exercise.control_bypass: control reads every event regardless of labels (logged by the
     * server when the exercise opens); false: control reads what its control-cell seats may */
    bool control_bypass;
    /* exercise.endorsers: the parties whose endorsement of the guidelines an exercise pins
     * (core/guidelines.h); endorser_index: their party indices */
    cc_strs endorsers;
    cc_idxs endorser_index;
    /* the endorsed guidelines note an exercise runs under (set by cc_scenario_set_endorsement
     * after core/guidelines checked it; pinned in run.start); NULL: none */
    const char *endorsement;
    cc_seat *seats;
    size_t nseats;
    cc_objective *objectives;
    size_t nobjectives;
    cc_inject *injects;
    size_t ninjects;
    cc_decision *decisions;
    size_t ndecisions;
    cc_mechanism *mechanisms;
    size_t nmechanisms;
    cc_consultation *consultations;
    size_t nconsultations;
    cc_guideline *guidelines;
    size_t nguidelines;
    cc_agent *agents;
    size_t nagents;
    /* an agents file merged in (docs/calibration.md, "The agents file"): its path and SHA-256; the
     * positions of what it defined carry CC_POS_AGENTS_FILE in their line. NULL: none */
    const char *agents_file;
    unsigned char agents_hash[32];
    /* the exercise overview (exercise.scope, ...; none changes how the exercise runs) */
    const char *scope, *sponsor;
    cc_strs mission_areas, organisations;
    cc_contact *contacts;
    size_t ncontacts;
    /* evaluation (docs/scenario-format.md, "Evaluation") */
    size_t nevaluators; /* seats of kind evaluator */
    cc_guide *guides;
    size_t nguides;
    cc_questionnaire *questionnaires;
    size_t nquestionnaires;
    cc_scoring *scorings;
    size_t nscorings;
};

/* Positions in an agents file merged into a scenario are stored with this added to the line, so
 * that a diagnostic names the right file (cc_scenario_pos_file). */
#define CC_POS_AGENTS_FILE (1 << 28)

/* ---- the model's own rules (core/scenario.c) ---- */

/* The names of the enumerations as the scenario format writes them, in enum order and
 * NULL-terminated; each name function answers "?" for a value out of range. */
extern const char *const cc_channel_names[CC_CH_COUNT + 1];
extern const char *const cc_stage_kind_names[CC_STAGE_COUNT + 1];
extern const char *const cc_rule_names[CC_RULE_COUNT + 1];
extern const char *const cc_stage_mode_names[CC_MODE_COUNT + 1];
extern const char *const cc_agent_event_names[CC_AEV_COUNT + 1]; /* an agent rule's 'on' */
extern const char *const cc_action_names[CC_ACT_COUNT + 1];      /* an agent rule's 'do', an act's action */
const char *cc_channel_name(cc_channel c);
const char *cc_stage_kind_name(cc_stage_kind k);
const char *cc_rule_name(cc_rule r);
const char *cc_stage_mode_name(cc_stage_mode m);
const char *cc_agent_event_name(cc_agent_event e);
const char *cc_action_name(cc_agent_action a);
/* Index of name in a NULL-terminated table of names, -1 when absent (or name is NULL). */
int cc_name_index(const char *const *names, const char *name);

/* An identifier: 1 to CC_ID_MAX letters, digits, '_', '.' and '-', starting with a letter or a
 * digit. */
#define CC_ID_MAX 64
bool cc_scenario_id_ok(const char *s);

/* A reference as written: SEAT, cell:ID, party:CODE, group:NAME or all. cc_scenario_ref_parse
 * fills kind and name (pointing into text; "all" for all) with index -1 and a zero position, and
 * says whether the syntax holds: CC_REF_BAD_KIND for an unknown "kind:" prefix, CC_REF_BAD_NAME
 * for a name that is no identifier (kind and name are filled all the same). */
typedef enum cc_ref_syntax { CC_REF_OK, CC_REF_BAD_KIND, CC_REF_BAD_NAME } cc_ref_syntax;
cc_ref_syntax cc_scenario_ref_parse(const char *text, cc_ref *out);
/* Writes r as written in a scenario (snprintf's contract: the length it needed). */
int cc_scenario_ref_text(const cc_ref *r, char *buf, size_t size);

/* Index of the seat with that id, -1 when none (or id is NULL). */
int cc_scenario_seat_index(const struct cc_scenario *s, const char *id);
/* Whether seat si belongs to reference x (resolved by cc_scenario_check). */
int cc_scenario_ref_has_seat(const struct cc_scenario *s, const cc_ref *x, size_t si);
/* The checks of the evaluation sections (scenario_check_eval.c), run by cc_scenario_check after
 * the rest resolved: CC_ERR_INVALID when it reported an error, CC_ERR_NOMEM. */
cc_err cc_scenario_check_eval(struct cc_scenario *s, cc_diags *diags);
/* Whether seat si's clearance may read label l (a valid label). */
int cc_scenario_seat_reads(const struct cc_scenario *s, size_t si, const cc_labelspec *l);
/* How many seats reference x reaches that may read label l; *members (may be NULL) how many it
 * reaches. An inject's or decision's recipient is readable when it reaches a reader (a seat
 * named directly must read it itself): the checker and the engine's live edits both ask this. */
size_t cc_scenario_ref_readers(const struct cc_scenario *s, const cc_ref *x, const cc_labelspec *l,
                               size_t *members);

/* The keys of an inject, in a scenario file and in an inject added during play (NULL-terminated). */
#define CC_INJECT_NKEYS 14
extern const char *const cc_inject_keys[CC_INJECT_NKEYS + 1];
/* Party of the control cell's first seat (the default originator of control's items), -1 when the
 * scenario has no control cell or it has no seat. Reads cell names: usable before the check. */
int cc_scenario_control_party(const struct cc_scenario *s);
/* The originator party of an inject's label: the party named by originator when given (-1 when
 * the policy has no such party); else control's party when from is "control"; else the party of
 * seat from (-1 when there is no such seat). */
int cc_scenario_inject_originator(const struct cc_scenario *s, const char *from, const char *originator);

/* Seat si's duty schedule: its 'duty', else its agent's availability.hours (working: office, always:
 * watch), else the office hours of its party, closed on the party's holidays (docs/scenario-format.md,
 * "Duty and work time"). Borrows the party's zone and holidays: valid while s is. */
cc_duty cc_scenario_seat_duty(const struct cc_scenario *s, size_t si);

/* Whether some situation of seat si can ever match agent rule R (a checked scenario): a stage it
 * takes part in (of R's kind), a decision it decides, an inject addressed to it (of R's channel and
 * class); on: message always may (any seat may forward to it). */
int cc_scenario_rule_can_match(const struct cc_scenario *s, const struct cc_agent_rule *R, size_t si);

/* Records value as text's translation into language lang (an index into s->languages), for
 * the loader; cc_scenario_translations_done sorts them once all are added (lookups need it).
 * CC_ERR_NOMEM. */
cc_err cc_scenario_translation_add(struct cc_scenario *s, const char *text, int lang, const char *value);
void cc_scenario_translations_done(struct cc_scenario *s);

/* The file a position of s belongs to (the scenario, or its agents file), with *pos made the
 * position in that file. */
const char *cc_scenario_pos_file(const struct cc_scenario *s, cc_pos *pos);

#endif
