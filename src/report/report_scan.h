/* report_scan — the first half of the after-action report (report.c builds the document from
 * it): the log streamed once for per-item aggregates (sized by the scenario; open-ended lists
 * capped) and once more for the evidence events of the findings, verified as it is read (record
 * format, sequence, hash chain, Merkle tree, a checkpoint), with what the viewer may see decided
 * by core/view. Internal to src/report. */
#ifndef CC_REPORT_SCAN_H
#define CC_REPORT_SCAN_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/diag.h"
#include "core/idmap.h"
#include "core/label.h"
#include "core/merkle.h"
#include "core/scenario_model.h"
#include "core/verify.h"
#include "core/hybrid.h"
#include "core/view.h"
#include "report/report.h"

#define NBINS 96         /* message histogram buckets per lane on the timeline */
#define POS_MAX 200      /* positions kept per consultation */
#define PROP_MAX 100     /* proposals kept per decision */
#define OFFHOURS_STEP 60 /* seconds: resolution of the off-hours computation */

/* why a delivery was denied, as the log's denials say ("class", ...) */
enum { R_CLASS, R_CAVEAT, R_REL, R_POLICY, R_INVALID, R_NREASONS };
extern const char *const cc_rep_reason_names[R_NREASONS];

/* ---- aggregates ---- */

/* per seat (rep.seat_follow): reminders sent, times named in a reminder, escalations, messages
 * lost, retries (docs/scenario-format.md, "Behaviour that un-sticks") */
enum { F_REMINDED_OTHERS, F_REMINDED, F_ESCALATED, F_LOST, F_RETRIES, F_N };

typedef struct party_rx {
    int64_t first, last; /* -1 = none */
    uint32_t delivered, denied;
} party_rx;

typedef struct inj_st {
    bool released;
    int64_t t;
    const char *title, *body, *banner, *channel, *actor;
    cc_label label;
    bool label_ok;
    party_rx *rx;
    bool viewer_got;
    int64_t viewer_t;
    int viewer_denied; /* 1 + reason, 0 none */
    uint32_t forwards, acks, escalations, downgrades;
} inj_st;

typedef struct stage_st {
    const char *id, *kind, *mode;
    const char *by; /* how a decide stage ended (silence, unanimity, ...), NULL otherwise */
    int64_t start, deadline, done, missed; /* -1 = none */
    uint32_t escalations;
    uint32_t rounds,
        objections; /* review rounds entered (1 without rounds); objections standing at the end */
    size_t npart;
    int *part;      /* seat indices (-1 unknown) */
    int64_t *acted; /* first action time per participant, -1 none */
} stage_st;

typedef struct pos_st {
    int64_t t;
    const char *seat, *stage, *text;
} pos_st;

typedef struct cons_st {
    bool requested;
    int64_t t, done, failed; /* failed: consult.failed, -1 none */
    const char *fail_reason;
    const char *topic, *requester, *mechanism, *decision, *banner;
    cc_label label;
    bool label_ok;
    stage_st *stages;
    size_t nstages, cap;
    pos_st *pos;
    size_t npos, more_pos;
    uint32_t objections;
    bool viewer_got; /* delivered to the viewer */
} cons_st;

typedef struct prop_st {
    int64_t t;
    const char *seat, *option, *text;
} prop_st;

typedef struct dec_st {
    bool opened, made, expired, viewer_got;
    int64_t t_open, t_made, t_expired, deadline;
    const char *question, *rule, *outcome, *banner;
    cc_label label;
    bool label_ok;
    json_t *options, *deciders, *votes, *final_votes; /* owned */
    prop_st *props;
    size_t nprops, more_props;
    uint32_t objections, invalid_votes;
} dec_st;

typedef struct find_st {
    uint64_t seq, ev[2];
    int64_t t, elapsed, within;
    int g; /* guideline index, -1 unknown */
    const char *guideline, *result, *subject;
    int skind, sidx; /* subject: 0 consultation, 1 inject, 2 decision; -1 unknown */
} find_st;

typedef struct msg_st {
    uint64_t seq;
    int64_t t;
    const char *id, *actor, *text, *reply_to, *banner;
    json_t *to; /* owned */
    cc_label label;
    bool label_ok, viewer_got;
    int64_t *party_first; /* nparties */
} msg_st;

typedef struct fwd_st {
    int64_t t;
    const char *actor;
    int inject;
    json_t *to; /* owned */
} fwd_st;

typedef struct note_st {
    int64_t t;
    const char *actor, *text;
} note_st;

typedef struct rating_st {
    bool rated;
    char rating[4];
    const char *text;
    int64_t t;
    uint32_t count;
} rating_st;

typedef struct gcount {
    int g, skind, sidx;
    uint32_t met, missed;
} gcount;

typedef struct evbrief {
    uint64_t seq;
    int64_t t;
    const char *type, *actor, *item;
    bool visible, found;
} evbrief;

/* an evaluation event the viewer may see (eval.observation, feedback.open, feedback.answer,
 * score.submit), in log order */
typedef struct eval_ev {
    cc_evtype type;
    uint64_t seq;
    int64_t t;
    const char *actor, *banner;
    int seat;  /* the actor's seat index, -1 control or none */
    json_t *p; /* the payload (a reference held) */
    cc_label label;
    bool label_ok;
} eval_ev;
typedef struct rep {
    int in_progress; /* CC_REPORT_IN_PROGRESS: a live exercise's log, no run.end yet */
    int ended;       /* the log ends with run.end */
    int64_t as_of_ms, last_t; /* an interim report's time (cc_report_opts); the last event's */
    const cc_scenario *s;
    const char *path;
    unsigned threads; /* cc_report_opts.threads and .batch */
    size_t batch;
    cc_diags *d;
    cc_arena *a;
    int viewer;    /* seat index, -1 = control */
    cc_view *view; /* who sees what (the viewer's events, items and notes) */
    cc_label bottom;
    bool bottom_ok;
    cc_idmap *seat_map, *inj_map, *dec_map, *cons_map, *g_map, *obj_map, *party_map;

    /* run.start / run.end */
    const char *scenario_hash, *scenario_id, *source, *seed, *variant, *engine, *policy_id, *policy_hash;
    const char *guidelines_note; /* run.start's pinned endorsed guidelines note, or NULL */
    int64_t replication, duration_ms, end_t;
    json_t *auto_seats; /* owned */
    bool *is_auto;      /* per seat: played by its agent at the start */
    cc_hybrid *hy;      /* who plays each seat and who took each act (core/hybrid) */
    uint32_t *seat_by;  /* nseats * 2: acts taken by the seat's agent, and by control on its behalf */
    int vote_seat;      /* the seat that cast the vote just before, -1 */
    uint64_t vote_seq;
    json_t *plays;     /* owned: seat id -> its hand-overs, "agent from +3h, person from +5h30m" */
    json_t *steer;     /* owned: control's steering acts the viewer sees, [t, act, item, detail] rows */
    json_t *ctl_marks; /* owned: hand-overs and steering for the timeline, [t_ms, lane, id, text] */
    const char *end_reason;
    uint64_t nevents;
    char first_hash[65], last_hash[65];
    unsigned char prev[32];
    cc_merkle_stream *tree;         /* RFC 6962 tree over the event hashes */
    const cc_report_checkpoint *cp; /* NULL: none given */
    cc_verify *vf;                  /* the log checked against cp (when given) */
    cc_verify_result vres;          /* its result, after pass 1 */

    inj_st *inj;
    cons_st *cons;
    dec_st *dec;
    rating_st *rating;
    uint32_t *seat_denials; /* nseats * R_NREASONS */
    uint32_t *seat_follow;  /* nseats * F_N: reminders, escalations and retries per seat */
    uint32_t viewer_withheld[R_NREASONS];
    uint32_t viewer_msgs_withheld;

    find_st *finds;
    size_t nfinds, more_finds;
    gcount *gc;
    size_t ngc, gccap;

    msg_st *msgs;
    size_t nmsgs, more_msgs;
    uint64_t msgs_total;
    int cur_msg;   /* index in msgs of the message whose deliveries follow, -1 */
    bool cur_open; /* a message (listed or not) whose deliveries follow */
    int cur_party; /* its sender's party */
    int64_t cur_t;
    fwd_st *fwds;
    size_t nfwds, more_fwds;
    note_st *notes;
    size_t nnotes, more_notes;
    note_st *lost;
    size_t nlost, more_lost;
    uint64_t refused, inputs, absent_count;
    json_t *absent; /* owned: seat ids */
    uint32_t *bins; /* nparties * NBINS, messages by sender party */
    uint64_t unknown_refs;

    evbrief *ev;
    size_t nev;
    eval_ev *evals;
    size_t nevals, evalcap;
    const char *summary; /* control's executive summary (NULL: the draft) */
    cc_label summary_label;
} rep;

/* Sets up r for scenario s (r zeroed, then its in_progress, cp, path, d and viewer set by the
 * caller); cc_rep_free frees what it holds, also after a failed init. CC_ERR_NOMEM. */
cc_err cc_rep_init(rep *r, const cc_scenario *s);
void cc_rep_free(rep *r);
/* Reads the log: pass 1 (verify and aggregate), then pass 2 (the evidence events of the findings
 * the viewer may see). Errors are appended to r->d with the line: CC_ERR_PARSE, CC_ERR_IO,
 * CC_ERR_INVALID (another scenario), CC_ERR_NOMEM. */
cc_err cc_rep_scan(rep *r);

/* Whether the viewer's report holds an item (the viewer saw an event of it; control sees all). */
bool cc_rep_inj_vis(const rep *r, int i);
bool cc_rep_dec_vis(const rep *r, int i);
bool cc_rep_cons_vis(const rep *r, int i);
bool cc_rep_msg_vis(const rep *r, const msg_st *m);
bool cc_rep_find_vis(const rep *r, const find_st *f);
/* The evidence event at seq, read in pass 2, or NULL. */
const evbrief *cc_rep_evidence(const rep *r, uint64_t seq);

static inline const char *cc_rep_pstr(const json_t *p, const char *k)
{
    return json_string_value(json_object_get(p, k));
}

static inline int cc_rep_lookup(const cc_idmap *m, const char *id)
{
    return id ? cc_idmap_get(m, id) : -1;
}

static inline int cc_rep_seat_party(const rep *r, int seat)
{
    return seat >= 0 ? r->s->seats[seat].party_index : -1;
}

#endif
