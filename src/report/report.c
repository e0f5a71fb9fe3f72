/* report — builds the after-action report document from an event log: streams the log once
 * for per-item aggregates (sized by the scenario; open-ended lists capped), once more for the
 * evidence events of the findings, verifying the record format and hash chain as it reads,
 * then assembles the sections with the join of their content's labels as banners. */
#include "report/report.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/ctime.h"
#include "core/evlog.h"
#include "core/grow.h"
#include "core/idmap.h"
#include "core/label.h"
#include "core/merkle.h"
#include "core/scenario_model.h"
#include "core/verify.h"
#include "core/view.h"
#include "core/zone.h"
#include "report/report_int.h"

#define NBINS 96         /* message histogram buckets per lane on the timeline */
#define POS_MAX 200      /* positions kept per consultation */
#define PROP_MAX 100     /* proposals kept per decision */
#define OFFHOURS_STEP 60 /* seconds: resolution of the off-hours computation */

enum { R_CLASS, R_CAVEAT, R_REL, R_POLICY, R_INVALID, R_NREASONS };
static const char *const reason_names[R_NREASONS] = {"class", "caveat", "releasability", "policy", "invalid"};

/* ---- small helpers shared with the renderers ---- */

void cc_report_tfmt(int64_t ms, char *buf, size_t size)
{
    if (ms < 0) {
        snprintf(buf, size, "%s", "");
        return;
    }
    buf[0] = '+';
    cc_duration_format(ms / 1000, buf + 1, size - 1);
}

void cc_report_dfmt(int64_t ms, char *buf, size_t size)
{
    cc_duration_format(ms / 1000, buf, size);
}

void cc_report_cell_text(const json_t *v, cc_buf *out)
{
    if (json_is_string(v))
        cc_buf_append(out, json_string_value(v), json_string_length(v));
    else if (json_is_integer(v))
        cc_buf_printf(out, "%lld", (long long)json_integer_value(v));
    else if (json_is_real(v))
        cc_buf_printf(out, "%.4g", json_real_value(v));
    else if (json_is_true(v))
        cc_buf_puts(out, "yes");
    else if (json_is_false(v))
        cc_buf_puts(out, "no");
}

const char *cc_report_str(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

/* ---- streaming line reader with a bound on the line length ---- */

typedef struct lreader {
    FILE *f;
    char *line;
    size_t len, cap;
    char rb[1 << 16];
    size_t rpos, rlen;
    int eof;
} lreader;

/* 1: a line in r->line (without '\n'); 0: end of file; -1: too long; -2: read error;
 * -3: the last line has no newline (truncated). */
static int lr_next(lreader *r)
{
    r->len = 0;
    for (;;) {
        if (r->rpos == r->rlen) {
            if (r->eof)
                return r->len ? -3 : 0;
            r->rlen = fread(r->rb, 1, sizeof r->rb, r->f);
            r->rpos = 0;
            if (r->rlen == 0) {
                if (ferror(r->f))
                    return -2;
                r->eof = 1;
                continue;
            }
        }
        char *nl = memchr(r->rb + r->rpos, '\n', r->rlen - r->rpos);
        size_t take = nl ? (size_t)(nl - (r->rb + r->rpos)) : r->rlen - r->rpos;
        if (r->len + take > CC_EVLOG_LINE_MAX)
            return -1;
        if (r->len + take + 1 > r->cap) {
            size_t nc = r->cap ? r->cap : 4096;
            while (nc < r->len + take + 1)
                nc *= 2;
            char *p = realloc(r->line, nc);
            if (!p)
                return -2;
            r->line = p;
            r->cap = nc;
        }
        memcpy(r->line + r->len, r->rb + r->rpos, take);
        r->len += take;
        r->line[r->len] = 0;
        r->rpos += take;
        if (nl) {
            r->rpos++;
            return 1;
        }
    }
}

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

typedef struct rep {
    int in_progress; /* CC_REPORT_IN_PROGRESS: a live exercise's log, no run.end yet */
    const cc_scenario *s;
    const char *path;
    cc_diags *d;
    cc_arena *a;
    int viewer;    /* seat index, -1 = control */
    cc_view *view; /* who sees what (the viewer's events, items and notes) */
    cc_label bottom;
    bool bottom_ok;
    cc_idmap *seat_map, *inj_map, *dec_map, *cons_map, *g_map, *obj_map, *party_map;

    /* run.start / run.end */
    const char *scenario_hash, *scenario_id, *source, *seed, *variant, *engine, *policy_id, *policy_hash;
    int64_t replication, duration_ms, end_t;
    json_t *auto_seats; /* owned */
    bool *is_auto;      /* per seat */
    const char *end_reason;
    uint64_t nevents;
    char first_hash[65], last_hash[65];
    unsigned char prev[32];
    cc_merkle_stream *tree;               /* RFC 6962 tree over the event hashes */
    const cc_report_checkpoint *cp;       /* NULL: none given */
    cc_verify *vf;                        /* the log checked against cp (when given) */
    cc_verify_result vres;                /* its result, after pass 1 */

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
} rep;

static cc_err fail(rep *r, uint64_t line, cc_err code, const char *fmt, const char *what)
{
    cc_diags_add(r->d, CC_SEV_ERROR, r->path, (cc_pos){(int)(line > 2000000000u ? 0 : line), line ? 1 : 0},
                 "report-log", NULL, fmt, what);
    return code;
}

static const char *dup(rep *r, const char *s)
{
    return s ? cc_arena_strdup(r->a, s) : NULL;
}

static const char *pstr(const json_t *p, const char *k)
{
    return json_string_value(json_object_get(p, k));
}

static int64_t pint(const json_t *p, const char *k, int64_t dflt)
{
    json_t *v = json_object_get(p, k);
    return json_is_integer(v) ? (int64_t)json_integer_value(v) : dflt;
}

static int lookup(const cc_idmap *m, const char *id)
{
    return id ? cc_idmap_get(m, id) : -1;
}

static int seat_party(const rep *r, int seat)
{
    return seat >= 0 ? r->s->seats[seat].party_index : -1;
}

/* Parses a logged banner with the originator the engine used. */
static bool parse_label(const rep *r, const char *banner, int originator, cc_label *out)
{
    if (!banner)
        return false;
    if (originator < -1 || originator >= (int)r->s->nparties)
        originator = -1;
    return cc_label_parse(r->s->policy, banner, strlen(banner), originator, out, NULL) == CC_OK;
}

/* ---- visibility for the viewer (core/view) ---- */

/* Whether the viewer sees event e (fed to the view already): control's report sees everything. */
static bool sees(const rep *r, const cc_view_event *e)
{
    if (r->viewer < 0)
        return true;
    return cc_view_sees(cc_view_why_for(r->view, e, (cc_viewer){CC_VIEWER_SEAT, r->viewer}));
}

/* An item is in the viewer's report when the viewer saw at least one event of it. */
static bool inj_vis(const rep *r, int i)
{
    return i >= 0 && (r->viewer < 0 || r->inj[i].viewer_got);
}

static bool dec_vis(const rep *r, int i)
{
    return i >= 0 && (r->viewer < 0 || r->dec[i].viewer_got);
}

static bool cons_vis(const rep *r, int i)
{
    return i >= 0 && (r->viewer < 0 || r->cons[i].viewer_got);
}

static bool msg_vis(const rep *r, const msg_st *m)
{
    return r->viewer < 0 || m->viewer_got;
}

static bool find_vis(const rep *r, const find_st *f)
{
    switch (f->skind) {
    case 0: return cons_vis(r, f->sidx);
    case 1: return inj_vis(r, f->sidx);
    case 2: return dec_vis(r, f->sidx);
    default: return r->viewer < 0;
    }
}

/* ---- pass 1: one event ---- */

static void bin_msg(rep *r, int party, int64_t t)
{
    int64_t b = t * NBINS / r->duration_ms;
    r->bins[(size_t)party * NBINS + (size_t)(b < 0 ? 0 : b >= NBINS ? NBINS - 1 : b)]++;
}

static void subject_of(const rep *r, const char *id, int *kind, int *idx)
{
    *kind = -1;
    *idx = -1;
    int i;
    if ((i = lookup(r->cons_map, id)) >= 0)
        *kind = 0, *idx = i;
    else if ((i = lookup(r->inj_map, id)) >= 0)
        *kind = 1, *idx = i;
    else if ((i = lookup(r->dec_map, id)) >= 0)
        *kind = 2, *idx = i;
}

static cc_err gcount_add(rep *r, int g, int skind, int sidx, bool met)
{
    for (size_t i = 0; i < r->ngc; i++) {
        gcount *c = &r->gc[i];
        if (c->g == g && c->skind == skind && c->sidx == sidx) {
            if (met)
                c->met++;
            else
                c->missed++;
            return CC_OK;
        }
    }
    gcount *gc = cc_grow(r->gc, &r->gccap, r->ngc + 1, sizeof *gc);
    if (!gc)
        return CC_ERR_NOMEM;
    r->gc = gc;
    r->gc[r->ngc++] = (gcount){g, skind, sidx, met ? 1u : 0u, met ? 0u : 1u};
    return CC_OK;
}

static stage_st *cur_stage(cons_st *c, const char *stage)
{
    for (size_t i = c->nstages; i-- > 0;)
        if (!stage || (c->stages[i].id && strcmp(c->stages[i].id, stage) == 0))
            return &c->stages[i];
    return NULL;
}

static void stage_acted(rep *r, cons_st *c, const char *stage, const char *seat, int64_t t)
{
    stage_st *st = cur_stage(c, stage);
    int si = lookup(r->seat_map, seat);
    if (!st || si < 0)
        return;
    for (size_t k = 0; k < st->npart; k++)
        if (st->part[k] == si && st->acted[k] < 0)
            st->acted[k] = t;
}

static int reason_code(const char *s)
{
    for (int i = 0; i < R_NREASONS; i++)
        if (s && strcmp(s, reason_names[i]) == 0)
            return i;
    return R_INVALID;
}

/* A reminder sent or received, an escalation, a lost or retried message: per seat. */
static void follow(rep *r, const char *seat, int what)
{
    int i = seat ? lookup(r->seat_map, seat) : -1;
    if (i >= 0)
        r->seat_follow[(size_t)i * F_N + (size_t)what]++;
}

/* A delivery or denial of an inject to a seat of party (-1: none): what each party received when. */
static cc_err on_inject_delivery(rep *r, const cc_evrec *e, bool deliv, bool seen, int party)
{
    int i = lookup(r->inj_map, pstr(e->payload, "item"));
    if (i < 0) {
        r->unknown_refs++;
        return CC_OK;
    }
    inj_st *I = &r->inj[i];
    if (party >= 0) {
        party_rx *x = &I->rx[party];
        if (deliv) {
            if (x->first < 0)
                x->first = e->t_ms;
            x->last = e->t_ms;
            x->delivered++;
        } else {
            x->denied++;
        }
    }
    if (deliv && seen && !I->viewer_got) {
        I->viewer_got = true;
        I->viewer_t = e->t_ms;
    } else if (!deliv && seen) {
        I->viewer_denied = 1 + reason_code(pstr(e->payload, "reason"));
    }
    return CC_OK;
}

/* A message's delivery: when it first reached each party; the viewer's received messages count on
 * the timeline (by the sender's party). */
static void on_message_delivery(rep *r, const cc_evrec *e, bool deliv, bool seen, int party)
{
    const char *item = pstr(e->payload, "item");
    msg_st *m = r->cur_msg >= 0 ? &r->msgs[r->cur_msg] : NULL;
    if (m && item && strcmp(m->id, item) == 0) {
        if (deliv && party >= 0 && m->party_first[party] < 0)
            m->party_first[party] = e->t_ms;
        if (deliv && seen)
            m->viewer_got = true;
    }
    if (deliv && seen && r->viewer >= 0 && r->cur_open && r->cur_party >= 0)
        bin_msg(r, r->cur_party, r->cur_t);
}

/* A delivery or a denial. What was withheld from a seat is counted for it (its own denials). */
static cc_err on_delivery(rep *r, const cc_evrec *e, const cc_view_event *ve)
{
    const json_t *p = e->payload;
    bool deliv = ve->type == CC_EV_DELIVERY;
    const char *kind = pstr(p, "kind");
    int si = lookup(r->seat_map, pstr(p, "seat"));
    if (!kind || si < 0) {
        r->unknown_refs++;
        return CC_OK;
    }
    int party = seat_party(r, si);
    bool seen = r->viewer >= 0 && (deliv ? sees(r, ve) : si == r->viewer);
    if (!deliv) {
        int rc = reason_code(pstr(p, "reason"));
        r->seat_denials[(size_t)si * R_NREASONS + (size_t)rc]++;
        if (seen && strcmp(kind, "message") == 0)
            r->viewer_msgs_withheld++;
        else if (seen)
            r->viewer_withheld[rc]++;
    }
    if (strcmp(kind, "inject") == 0)
        return on_inject_delivery(r, e, deliv, seen, party);
    if (strcmp(kind, "message") == 0)
        on_message_delivery(r, e, deliv, seen, party);
    else if (strcmp(kind, "decision") == 0 && deliv && seen && lookup(r->dec_map, pstr(p, "item")) >= 0)
        r->dec[lookup(r->dec_map, pstr(p, "item"))].viewer_got = true;
    else if (strcmp(kind, "consultation") == 0 && deliv && seen && lookup(r->cons_map, pstr(p, "item")) >= 0)
        r->cons[lookup(r->cons_map, pstr(p, "item"))].viewer_got = true;
    return CC_OK;
}

static cc_err on_forward(rep *r, const cc_evrec *e)
{
    int i = lookup(r->inj_map, pstr(e->payload, "inject"));
    if (i >= 0)
        r->inj[i].forwards++;
    if (r->nfwds >= CC_REPORT_LIST_MAX) {
        r->more_fwds++;
        return CC_OK;
    }
    fwd_st *f = &r->fwds[r->nfwds++];
    f->t = e->t_ms;
    f->actor = dup(r, e->actor);
    f->inject = i;
    f->to = json_incref(json_object_get(e->payload, "to"));
    return CC_OK;
}

/* A message (its deliveries and denials follow) or a forward. */
static cc_err on_message(rep *r, const cc_evrec *e, const cc_view_event *ve)
{
    const json_t *p = e->payload;
    const char *kind = pstr(p, "kind");
    int sp = seat_party(r, lookup(r->seat_map, e->actor));
    if (kind && strcmp(kind, "forward") == 0)
        return on_forward(r, e);
    r->msgs_total++;
    bool seen = sees(r, ve);
    if (sp >= 0 && seen)
        bin_msg(r, sp, e->t_ms);
    r->cur_open = true;
    r->cur_party = sp;
    r->cur_t = e->t_ms;
    if (r->nmsgs >= CC_REPORT_LIST_MAX) {
        r->more_msgs++;
        return CC_OK;
    }
    const cc_scenario *s = r->s;
    msg_st *m = &r->msgs[r->nmsgs];
    memset(m, 0, sizeof *m);
    m->party_first = cc_arena_array(r->a, s->nparties ? s->nparties : 1, sizeof *m->party_first);
    if (!m->party_first)
        return CC_ERR_NOMEM;
    for (size_t k = 0; k < s->nparties; k++)
        m->party_first[k] = -1;
    m->seq = e->seq;
    m->t = e->t_ms;
    m->id = dup(r, pstr(p, "message"));
    m->actor = dup(r, e->actor);
    m->text = dup(r, pstr(p, "text"));
    m->reply_to = dup(r, pstr(p, "reply_to"));
    m->banner = dup(r, e->label);
    m->to = json_incref(json_object_get(p, "to"));
    m->label_ok = parse_label(r, e->label, sp, &m->label);
    m->viewer_got = seen && r->viewer >= 0;
    if (!m->id)
        m->id = "?";
    r->cur_msg = (int)r->nmsgs++;
    return CC_OK;
}

/* inject.release, label.downgrade, inject.ack, inject.escalate. */
static cc_err on_inject(rep *r, const cc_evrec *e, cc_evtype type)
{
    int i = lookup(r->inj_map, pstr(e->payload, "inject"));
    if (i < 0) {
        if (type == CC_EV_INJECT_RELEASE)
            r->unknown_refs++;
        return CC_OK;
    }
    inj_st *I = &r->inj[i];
    int orig = r->s->injects[i].label.label.originator;
    switch (type) {
    case CC_EV_INJECT_RELEASE:
        if (I->released)
            return CC_OK;
        I->released = true;
        I->t = e->t_ms;
        I->title = dup(r, pstr(e->payload, "title"));
        I->body = dup(r, pstr(e->payload, "body"));
        I->channel = dup(r, pstr(e->payload, "channel"));
        I->actor = dup(r, pstr(e->payload, "from"));
        I->banner = dup(r, e->label);
        I->label_ok = parse_label(r, e->label, orig, &I->label);
        break;
    case CC_EV_LABEL_DOWNGRADE:
        I->downgrades++;
        I->banner = dup(r, e->label);
        I->label_ok = parse_label(r, e->label, orig, &I->label);
        break;
    case CC_EV_INJECT_ACK: I->acks++; break;
    case CC_EV_INJECT_ESCALATE:
        I->escalations++;
        follow(r, e->actor, F_ESCALATED);
        break;
    default: break;
    }
    return CC_OK;
}

static cc_err on_stage(rep *r, cons_st *c, const cc_evrec *e)
{
    const json_t *p = e->payload;
    stage_st *grown = cc_grow(c->stages, &c->cap, c->nstages + 1, sizeof *grown);
    if (!grown)
        return CC_ERR_NOMEM;
    c->stages = grown;
    stage_st *st = &c->stages[c->nstages++];
    memset(st, 0, sizeof *st);
    st->id = dup(r, pstr(p, "stage"));
    st->kind = dup(r, pstr(p, "kind"));
    st->mode = dup(r, pstr(p, "mode"));
    st->start = e->t_ms;
    st->deadline = pint(p, "deadline_ms", -1);
    st->done = st->missed = -1;
    st->rounds = 1;
    json_t *parts = json_object_get(p, "participants");
    size_t np = json_is_array(parts) ? json_array_size(parts) : 0;
    if (np > r->s->nseats)
        np = r->s->nseats;
    st->part = cc_arena_array(r->a, np ? np : 1, sizeof *st->part);
    st->acted = cc_arena_array(r->a, np ? np : 1, sizeof *st->acted);
    if (!st->part || !st->acted)
        return CC_ERR_NOMEM;
    st->npart = np;
    for (size_t k = 0; k < np; k++) {
        st->part[k] = lookup(r->seat_map, json_string_value(json_array_get(parts, k)));
        st->acted[k] = -1;
    }
    return CC_OK;
}

static void on_request(rep *r, int ci, const cc_evrec *e)
{
    const json_t *p = e->payload;
    cons_st *c = &r->cons[ci];
    c->requested = true;
    c->t = e->t_ms;
    c->topic = dup(r, pstr(p, "topic"));
    c->requester = dup(r, pstr(p, "requested_by"));
    c->mechanism = dup(r, pstr(p, "mechanism"));
    c->decision = dup(r, pstr(p, "decision"));
    c->banner = dup(r, e->label);
    const cc_labelspec *ls = &r->s->consultations[ci].label;
    int orig = ls->valid ? ls->label.originator : seat_party(r, lookup(r->seat_map, c->requester));
    c->label_ok = parse_label(r, e->label, orig, &c->label);
}

static cc_err on_position(rep *r, cons_st *c, const cc_evrec *e)
{
    const char *text = pstr(e->payload, "text");
    stage_acted(r, c, pstr(e->payload, "stage"), e->actor, e->t_ms);
    if (!text)
        return CC_OK;
    if (c->npos >= POS_MAX) {
        c->more_pos++;
        return CC_OK;
    }
    if (!c->pos && !(c->pos = cc_arena_array(r->a, POS_MAX, sizeof *c->pos)))
        return CC_ERR_NOMEM;
    c->pos[c->npos++] = (pos_st){e->t_ms, dup(r, e->actor), dup(r, pstr(e->payload, "stage")), dup(r, text)};
    return CC_OK;
}

static cc_err on_consult(rep *r, const cc_evrec *e, const cc_view_event *ve)
{
    const json_t *p = e->payload;
    int ci = lookup(r->cons_map, pstr(p, "consultation"));
    if (ci < 0) {
        r->unknown_refs++;
        return CC_OK;
    }
    cons_st *c = &r->cons[ci];
    if (r->viewer >= 0 && sees(r, ve))
        c->viewer_got = true;
    stage_st *st = ve->type == CC_EV_CONSULT_STAGE || ve->type == CC_EV_CONSULT_REQUEST ? NULL
                                                                                       : cur_stage(c, pstr(p, "stage"));
    switch (ve->type) {
    case CC_EV_CONSULT_REQUEST: on_request(r, ci, e); break;
    case CC_EV_CONSULT_STAGE: return on_stage(r, c, e);
    case CC_EV_CONSULT_STAGE_DONE:
        if (st) {
            json_t *left = json_object_get(p, "objectors");
            st->done = e->t_ms;
            st->objections = json_is_array(left) ? (uint32_t)json_array_size(left) : 0;
            st->by = dup(r, pstr(p, "by"));
        }
        break;
    case CC_EV_CONSULT_ROUND:
        if (st)
            st->rounds++;
        break;
    case CC_EV_CONSULT_DEADLINE:
        if (st && st->missed < 0)
            st->missed = e->t_ms;
        break;
    case CC_EV_CONSULT_ESCALATE:
        if (st)
            st->escalations++;
        follow(r, e->actor, F_ESCALATED);
        break;
    case CC_EV_CONSULT_REMIND: {
        const json_t *to = json_object_get(p, "to");
        follow(r, e->actor, F_REMINDED_OTHERS);
        for (size_t k = 0; k < json_array_size(to) && k < r->s->nseats; k++)
            follow(r, json_string_value(json_array_get(to, k)), F_REMINDED);
        break;
    }
    case CC_EV_CONSULT_DONE: c->done = e->t_ms; break;
    case CC_EV_CONSULT_FAILED:
        c->failed = e->t_ms;
        c->fail_reason = dup(r, pstr(p, "reason"));
        break;
    case CC_EV_CONSULT_OBJECT:
        c->objections++;
        if (pstr(p, "stage")) /* a review by objection in a stage with rounds: the seat acted */
            stage_acted(r, c, pstr(p, "stage"), e->actor, e->t_ms);
        break;
    case CC_EV_CONSULT_ACK:
    case CC_EV_CONSULT_POSITION: return on_position(r, c, e);
    default: break;
    }
    return CC_OK;
}

static void on_decision_open(rep *r, int di, const cc_evrec *e)
{
    const json_t *p = e->payload;
    dec_st *D = &r->dec[di];
    D->opened = true;
    D->t_open = e->t_ms;
    D->question = dup(r, pstr(p, "question"));
    D->rule = dup(r, pstr(p, "rule"));
    D->deadline = pint(p, "deadline_ms", -1);
    D->banner = dup(r, e->label);
    json_decref(D->options);
    json_decref(D->deciders);
    D->options = json_deep_copy(json_object_get(p, "options"));
    D->deciders = json_deep_copy(json_object_get(p, "deciders"));
    const cc_labelspec *ls = &r->s->decisions[di].label;
    D->label_ok = parse_label(r, e->label, ls->valid ? ls->label.originator : -1, &D->label);
}

static cc_err on_decision(rep *r, const cc_evrec *e, const cc_view_event *ve)
{
    const json_t *p = e->payload;
    int di = lookup(r->dec_map, pstr(p, "decision"));
    if (di < 0) {
        r->unknown_refs++;
        return CC_OK;
    }
    dec_st *D = &r->dec[di];
    if (r->viewer >= 0 && sees(r, ve))
        D->viewer_got = true;
    switch (ve->type) {
    case CC_EV_DECISION_OPEN: on_decision_open(r, di, e); break;
    case CC_EV_DECISION_VOTE: {
        const char *opt = pstr(p, "option");
        if (!D->votes)
            D->votes = json_object();
        if (D->votes && e->actor && opt && lookup(r->seat_map, e->actor) >= 0)
            json_object_set_new(D->votes, e->actor, json_string(opt));
        break;
    }
    case CC_EV_DECISION_PROPOSE:
        if (D->nprops >= PROP_MAX) {
            D->more_props++;
            break;
        }
        if (!D->props && !(D->props = cc_arena_array(r->a, PROP_MAX, sizeof *D->props)))
            return CC_ERR_NOMEM;
        D->props[D->nprops++] = (prop_st){e->t_ms, dup(r, e->actor), dup(r, pstr(p, "option")), dup(r, pstr(p, "text"))};
        break;
    case CC_EV_DECISION_OBJECT: D->objections++; break;
    case CC_EV_DECISION_INVALID: D->invalid_votes++; break;
    case CC_EV_DECISION_MADE:
        D->made = true;
        D->t_made = e->t_ms;
        D->outcome = dup(r, pstr(p, "outcome"));
        json_decref(D->final_votes);
        D->final_votes = json_deep_copy(json_object_get(p, "votes"));
        break;
    case CC_EV_DECISION_DEADLINE:
        D->expired = true;
        D->t_expired = e->t_ms;
        break;
    default: break;
    }
    return CC_OK;
}

static cc_err on_finding(rep *r, const cc_evrec *e)
{
    const json_t *p = e->payload;
    int g = lookup(r->g_map, pstr(p, "guideline"));
    int sk, sx;
    subject_of(r, pstr(p, "subject"), &sk, &sx);
    const char *res = pstr(p, "result");
    bool met = res && strcmp(res, "met") == 0;
    if (gcount_add(r, g, sk, sx, met) != CC_OK)
        return CC_ERR_NOMEM;
    if (r->nfinds >= CC_REPORT_LIST_MAX) {
        r->more_finds++;
        return CC_OK;
    }
    find_st *f = &r->finds[r->nfinds++];
    f->seq = e->seq;
    f->t = e->t_ms;
    f->g = g;
    f->guideline = dup(r, pstr(p, "guideline"));
    f->result = met ? "met" : "missed";
    f->subject = dup(r, pstr(p, "subject"));
    f->skind = sk;
    f->sidx = sx;
    f->elapsed = pint(p, "elapsed_ms", -1);
    f->within = pint(p, "within_ms", -1);
    json_t *ev = json_object_get(p, "evidence");
    f->ev[0] = (uint64_t)json_integer_value(json_array_get(ev, 0));
    f->ev[1] = (uint64_t)json_integer_value(json_array_get(ev, 1));
    if (f->ev[0] >= e->seq)
        f->ev[0] = e->seq;
    if (f->ev[1] >= e->seq)
        f->ev[1] = e->seq;
    return CC_OK;
}

static void on_rating(rep *r, const cc_evrec *e)
{
    int o = lookup(r->obj_map, pstr(e->payload, "objective"));
    const char *rt = pstr(e->payload, "rating");
    if (o < 0 || !rt)
        return;
    rating_st *R = &r->rating[o];
    R->rated = true;
    snprintf(R->rating, sizeof R->rating, "%s", rt);
    R->text = dup(r, pstr(e->payload, "text"));
    R->t = e->t_ms;
    R->count++;
}

/* A note (on the viewer's notes pad: core/view) or a lost action: a row of a capped list. */
static void on_listed(rep *r, const cc_evrec *e, note_st *list, size_t *n, size_t *more, const char *key)
{
    if (*n < CC_REPORT_LIST_MAX)
        list[(*n)++] = (note_st){e->t_ms, dup(r, e->actor), dup(r, pstr(e->payload, key))};
    else
        (*more)++;
}

/* Every event after run.start, fed to the view first. */
static cc_err on_event(rep *r, const cc_evrec *e, const cc_view_event *ve)
{
    if (ve->type == CC_EV_DELIVERY || ve->type == CC_EV_DENIAL)
        return on_delivery(r, e, ve);
    if (ve->type == CC_EV_MESSAGE) {
        r->cur_msg = -1;
        r->cur_open = false;
        return on_message(r, e, ve);
    }
    r->cur_msg = -1; /* deliveries follow their message at once */
    r->cur_open = false;
    if (cc_evtype_is_consult(ve->type))
        return on_consult(r, e, ve);
    if (cc_evtype_is_decision(ve->type))
        return on_decision(r, e, ve);
    switch (ve->type) {
    case CC_EV_INJECT_RELEASE:
    case CC_EV_LABEL_DOWNGRADE:
    case CC_EV_INJECT_ACK:
    case CC_EV_INJECT_ESCALATE: return on_inject(r, e, ve->type);
    case CC_EV_FINDING: return on_finding(r, e);
    case CC_EV_OBJECTIVE_RATING: on_rating(r, e); break;
    case CC_EV_NOTE:
        if (sees(r, ve))
            on_listed(r, e, r->notes, &r->nnotes, &r->more_notes, "text");
        break;
    case CC_EV_MESSAGE_RETRY: follow(r, e->actor, F_RETRIES); break;
    case CC_EV_MESSAGE_LOST:
        follow(r, e->actor, F_LOST);
        on_listed(r, e, r->lost, &r->nlost, &r->more_lost, "action");
        break;
    case CC_EV_SEAT_ABSENT:
        r->absent_count++;
        if (e->actor && json_array_size(r->absent) < r->s->nseats)
            json_array_append_new(r->absent, json_string(e->actor));
        break;
    case CC_EV_INPUT: r->inputs++; break;
    case CC_EV_INPUT_REFUSED: r->refused++; break;
    case CC_EV_RUN_END:
        r->end_reason = dup(r, pstr(e->payload, "reason"));
        r->end_t = e->t_ms;
        break;
    default: break;
    }
    return CC_OK;
}

static cc_err on_start(rep *r, const cc_evrec *e)
{
    const json_t *p = e->payload;
    r->scenario_hash = dup(r, pstr(p, "scenario"));
    r->scenario_id = dup(r, pstr(p, "scenario_id"));
    r->source = dup(r, pstr(p, "source"));
    r->seed = dup(r, pstr(p, "seed"));
    r->variant = dup(r, pstr(p, "variant"));
    r->engine = dup(r, pstr(p, "engine"));
    json_t *pol = json_object_get(p, "policy");
    r->policy_id = dup(r, pstr(pol, "id"));
    r->policy_hash = dup(r, pstr(pol, "hash"));
    r->replication = pint(p, "replication", 0);
    r->duration_ms = pint(p, "duration_ms", r->s->duration_s * 1000);
    if (r->duration_ms <= 0)
        r->duration_ms = 1;
    r->auto_seats = json_incref(json_object_get(p, "auto"));
    size_t k;
    json_t *v;
    json_array_foreach(r->auto_seats, k, v)
    {
        int si = lookup(r->seat_map, json_string_value(v));
        if (si >= 0)
            r->is_auto[si] = true;
    }
    char hx[65];
    cc_scenario_hash_hex(r->s, hx);
    if (!r->scenario_hash || strcmp(hx, r->scenario_hash) != 0) {
        cc_diags_add(r->d, CC_SEV_ERROR, r->path, (cc_pos){1, 1}, "report-scenario",
                     "pass the scenario file the log was run on with --scenario",
                     "the log was run on scenario %s (sha256 %.16s...), not on %s (sha256 %.16s...)",
                     r->scenario_id ? r->scenario_id : "?", r->scenario_hash ? r->scenario_hash : "?",
                     cc_scenario_id(r->s), hx);
        return CC_ERR_INVALID;
    }
    return CC_OK;
}

/* Pass 1: verify and aggregate. */
static cc_err pass1(rep *r)
{
    FILE *f = fopen(r->path, "rb");
    if (!f) {
        cc_diags_add(r->d, CC_SEV_ERROR, r->path, (cc_pos){0, 0}, "report-io", NULL,
                     "cannot open the log: %s", strerror(errno));
        return CC_ERR_IO;
    }
    lreader *lr = calloc(1, sizeof *lr);
    if (!lr) {
        fclose(f);
        return CC_ERR_NOMEM;
    }
    lr->f = f;
    cc_err rc = CC_OK;
    bool ended = false;
    uint64_t n = 0;
    for (;;) {
        int k = lr_next(lr);
        if (k == 0)
            break;
        uint64_t line = n + 1;
        if (k == -1) {
            rc = fail(r, line, CC_ERR_PARSE, "event %s: line is too long", "");
            break;
        }
        if (k == -2) {
            rc = fail(r, line, CC_ERR_IO, "read error%s", "");
            break;
        }
        if (k == -3) {
            rc = fail(r, line, CC_ERR_PARSE, "the last line has no newline: the log is truncated%s", "");
            break;
        }
        if (ended) {
            rc = fail(r, line, CC_ERR_PARSE, "an event follows run.end%s", "");
            break;
        }
        cc_evrec e;
        cc_evlog_error why;
        if (cc_evlog_decode(lr->line, lr->len, &e, &why) != CC_OK) {
            rc = fail(r, line, CC_ERR_PARSE, "%s", why.message);
            break;
        }
        char msg[160];
        if (e.seq != n) {
            snprintf(msg, sizeof msg,
                     "sequence number is %llu, expected %llu (event deleted, inserted or moved)",
                     (unsigned long long)e.seq, (unsigned long long)n);
            rc = fail(r, line, CC_ERR_PARSE, "%s", msg);
        } else if (memcmp(e.prev, r->prev, 32) != 0) {
            rc = fail(r, line, CC_ERR_PARSE, "%s",
                      "prev does not match the hash of the previous event: the hash chain is broken");
        } else if (n == 0 && cc_evtype_of(e.type) != CC_EV_RUN_START) {
            rc = fail(r, line, CC_ERR_PARSE, "the first event is %s, not run.start", e.type);
        } else if (n > 0 && cc_evtype_of(e.type) == CC_EV_RUN_START) {
            rc = fail(r, line, CC_ERR_PARSE, "%s", "a second run.start");
        } else {
            cc_view_event ve;
            cc_view_event_of(&e, &ve);
            cc_view_feed(r->view, &ve);
            rc = n == 0 ? on_start(r, &e) : on_event(r, &e, &ve);
            if (rc == CC_ERR_NOMEM)
                fail(r, line, rc, "%s", "out of memory");
        }
        if (rc == CC_OK) {
            rc = cc_merkle_stream_append(r->tree, e.hash, 32);
            if (r->vf)
                cc_verify_line(r->vf, lr->line, lr->len, 1); /* its verdict is read at the end */
        }
        if (rc == CC_OK) {
            memcpy(r->prev, e.hash, 32);
            cc_hex(e.hash, 32, r->last_hash);
            if (n == 0)
                memcpy(r->first_hash, r->last_hash, sizeof r->first_hash);
            ended = cc_evtype_of(e.type) == CC_EV_RUN_END;
        }
        cc_evrec_clear(&e);
        if (rc)
            break;
        n++;
    }
    if (rc == CC_OK && n == 0)
        rc = fail(r, 1, CC_ERR_PARSE, "the log is empty%s", "");
    else if (rc == CC_OK && !ended && !r->in_progress)
        rc = fail(r, n, CC_ERR_PARSE, "the log ends without run.end: it is truncated%s", "");
    r->nevents = n;
    if (rc == CC_OK && r->vf)
        cc_verify_finish(r->vf, &r->vres);
    free(lr->line);
    free(lr);
    fclose(f);
    return rc;
}

/* ---- pass 2: the evidence events of the findings shown ---- */

static int u64cmp(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static const char *item_of(const json_t *p)
{
    static const char *const keys[] = {"consultation", "decision", "inject",   "item",
                                       "message",      "subject",  "objective"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        const char *v = pstr(p, keys[i]);
        if (v)
            return v;
    }
    return NULL;
}

static bool event_vis(const rep *r, const cc_evrec *e)
{
    if (r->viewer < 0)
        return true;
    const json_t *p = e->payload;
    int i;
    if ((i = lookup(r->cons_map, pstr(p, "consultation"))) >= 0)
        return cons_vis(r, i);
    if ((i = lookup(r->dec_map, pstr(p, "decision"))) >= 0)
        return dec_vis(r, i);
    if ((i = lookup(r->inj_map, pstr(p, "inject"))) >= 0)
        return inj_vis(r, i);
    const char *kind = pstr(p, "kind"), *item = pstr(p, "item");
    if (kind && item) {
        if (strcmp(kind, "inject") == 0)
            return inj_vis(r, lookup(r->inj_map, item));
        if (strcmp(kind, "decision") == 0)
            return dec_vis(r, lookup(r->dec_map, item));
        if (strcmp(kind, "consultation") == 0)
            return cons_vis(r, lookup(r->cons_map, item));
        return false;
    }
    if ((i = lookup(r->cons_map, pstr(p, "subject"))) >= 0)
        return cons_vis(r, i);
    if ((i = lookup(r->inj_map, pstr(p, "subject"))) >= 0)
        return inj_vis(r, i);
    if ((i = lookup(r->dec_map, pstr(p, "subject"))) >= 0)
        return dec_vis(r, i);
    cc_view_event ve;
    cc_view_event_of(e, &ve);
    if (ve.type == CC_EV_MESSAGE || ve.type == CC_EV_NOTE)
        return sees(r, &ve);
    return e->label == NULL;
}

static cc_err pass2(rep *r)
{
    size_t want = 0;
    for (size_t i = 0; i < r->nfinds; i++)
        if (find_vis(r, &r->finds[i]))
            want += 2;
    if (!want)
        return CC_OK;
    uint64_t *seqs = malloc(want * sizeof *seqs);
    if (!seqs)
        return CC_ERR_NOMEM;
    size_t n = 0;
    for (size_t i = 0; i < r->nfinds; i++)
        if (find_vis(r, &r->finds[i])) {
            seqs[n++] = r->finds[i].ev[0];
            seqs[n++] = r->finds[i].ev[1];
        }
    qsort(seqs, n, sizeof *seqs, u64cmp);
    size_t u = 0;
    for (size_t i = 0; i < n; i++)
        if (u == 0 || seqs[u - 1] != seqs[i])
            seqs[u++] = seqs[i];
    r->ev = cc_arena_array(r->a, u, sizeof *r->ev);
    if (!r->ev) {
        free(seqs);
        return CC_ERR_NOMEM;
    }
    r->nev = u;
    for (size_t i = 0; i < u; i++)
        r->ev[i].seq = seqs[i];
    free(seqs);
    FILE *f = fopen(r->path, "rb");
    if (!f)
        return fail(r, 0, CC_ERR_IO, "cannot open the log again: %s", strerror(errno));
    lreader *lr = calloc(1, sizeof *lr);
    if (!lr) {
        fclose(f);
        return CC_ERR_NOMEM;
    }
    lr->f = f;
    cc_err rc = CC_OK;
    size_t next = 0;
    for (uint64_t line = 0; next < u; line++) {
        int k = lr_next(lr);
        if (k != 1) {
            rc = fail(r, line + 1, CC_ERR_IO, "%s", "the log changed while the report was read");
            break;
        }
        if (line != r->ev[next].seq)
            continue;
        cc_evrec e;
        cc_evlog_error why;
        if (cc_evlog_decode(lr->line, lr->len, &e, &why) != CC_OK || e.seq != line) {
            if (e.type)
                cc_evrec_clear(&e);
            rc = fail(r, line + 1, CC_ERR_IO, "%s", "the log changed while the report was read");
            break;
        }
        evbrief *b = &r->ev[next++];
        b->found = true;
        b->t = e.t_ms;
        b->type = dup(r, e.type);
        b->actor = dup(r, e.actor);
        b->item = dup(r, item_of(e.payload));
        b->visible = event_vis(r, &e);
        cc_evrec_clear(&e);
    }
    free(lr->line);
    free(lr);
    fclose(f);
    return rc;
}

static const evbrief *evidence(const rep *r, uint64_t seq)
{
    size_t lo = 0, hi = r->nev;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (r->ev[mid].seq < seq)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < r->nev && r->ev[lo].seq == seq && r->ev[lo].found ? &r->ev[lo] : NULL;
}

/* ---- document building ---- */

typedef struct sec {
    json_t *obj, *facts, *tables, *intro;
    cc_label acc;
    bool ok, invalid;
} sec;

static json_t *js(const char *s)
{
    if (!s)
        return json_null();
    json_t *v = json_string(s);
    return v ? v : json_string("");
}

static json_t *jt(int64_t ms)
{
    char b[48];
    if (ms < 0)
        return json_null();
    cc_report_tfmt(ms, b, sizeof b);
    return json_string(b);
}

static json_t *jd(int64_t ms)
{
    char b[48];
    if (ms < 0)
        return json_null();
    cc_report_dfmt(ms, b, sizeof b);
    return json_string(b);
}

static void sec_init(const rep *r, sec *x, const char *id, const char *title)
{
    x->obj = json_pack("{s:s,s:s}", "id", id, "title", title);
    x->facts = json_array();
    x->tables = json_array();
    x->intro = json_array();
    x->acc = r->bottom;
    x->ok = r->bottom_ok;
    x->invalid = !r->bottom_ok;
}

static void sec_label(sec *x, const cc_label *l, bool ok)
{
    if (!ok) {
        x->invalid = true;
        return;
    }
    if (x->invalid)
        return;
    if (cc_label_join(&x->acc, l, &x->acc) != CC_OK)
        x->invalid = true;
}

static void fact(sec *x, const char *k, json_t *v)
{
    json_array_append_new(x->facts, json_pack("[s,o]", k, v ? v : json_null()));
}

static void intro(sec *x, const char *text)
{
    json_array_append_new(x->intro, js(text));
}

/* A table: columns from a NULL-terminated list; returns the rows array (owned by the table). */
static json_t *table(sec *x, const char *id, const char *title, const char *const *cols)
{
    json_t *c = json_array();
    for (size_t i = 0; cols[i]; i++)
        json_array_append_new(c, json_string(cols[i]));
    json_t *rows = json_array();
    json_array_append_new(
        x->tables, json_pack("{s:s,s:s,s:o,s:o}", "id", id, "title", title, "columns", c, "rows", rows));
    return rows;
}

static json_t *table_dyn(sec *x, const char *id, const char *title, json_t *cols)
{
    json_t *rows = json_array();
    json_array_append_new(
        x->tables, json_pack("{s:s,s:s,s:o,s:o}", "id", id, "title", title, "columns", cols, "rows", rows));
    return rows;
}

static void table_note(sec *x, const char *note)
{
    json_t *t = json_array_get(x->tables, json_array_size(x->tables) - 1);
    if (t)
        json_object_set_new(t, "note", js(note));
}

static void banner_text(const rep *r, const cc_label *l, bool invalid, char *buf, size_t size)
{
    if (invalid) {
        snprintf(buf, size, "(invalid label)");
        return;
    }
    cc_label_format(r->s->policy, l, buf, size);
    cc_partyset ps;
    cc_label_releasable(l, &ps);
    if (cc_partyset_empty(&ps)) {
        /* the join of national-only items of different parties: the banner stays exact,
         * and says why no single party may receive the whole */
        size_t n = strlen(buf);
        snprintf(buf + n, size - n, " (no party may receive all of it: exercise control only)");
    }
}

static json_t *sec_done(const rep *r, sec *x, json_t *doc_sections, cc_label *doc, bool *doc_invalid)
{
    char b[CC_LABEL_BANNER_MAX + 80];
    banner_text(r, &x->acc, x->invalid, b, sizeof b);
    json_object_set_new(x->obj, "banner", json_string(b));
    json_object_set_new(x->obj, "intro", x->intro);
    json_object_set_new(x->obj, "facts", x->facts);
    json_object_set_new(x->obj, "tables", x->tables);
    if (x->invalid)
        *doc_invalid = true;
    else if (!*doc_invalid && cc_label_join(doc, &x->acc, doc) != CC_OK)
        *doc_invalid = true;
    json_array_append_new(doc_sections, x->obj);
    return x->obj;
}

static const char *seat_label(const rep *r, int si, char *buf, size_t size)
{
    const cc_seat *st = &r->s->seats[si];
    snprintf(buf, size, "%s (%s, %s)", st->id, st->party ? st->party : "?",
             st->clearance_name ? st->clearance_name : "?");
    return buf;
}

static void abs_time(const rep *r, int64_t ms, char *buf, size_t size)
{
    int64_t u = r->s->start_unix + ms / 1000;
    int32_t off = r->s->zone ? cc_zone_offset(r->s->zone, u) : r->s->start_offset;
    cc_rfc3339_format(u, off, buf, size);
}

/* The Merkle tree over the log (as caucus verify computes it) and, when one was given, the
 * signed checkpoint and whether the log agrees with it. */
static json_t *merkle_json(const rep *r)
{
    unsigned char root[32];
    char hex[65];
    cc_merkle_stream_root(r->tree, root);
    cc_hex(root, 32, hex);
    return json_pack("{s:I,s:s}", "size", (json_int_t)cc_merkle_stream_size(r->tree), "root", hex);
}

static json_t *checkpoint_json(const rep *r)
{
    if (!r->cp)
        return NULL;
    const cc_checkpoint *c = r->cp->cp;
    char hex[65], b[600];
    cc_hex(c->root, 32, hex);
    bool ok = !r->vres.bad && r->vres.checkpoints == 1;
    if (ok && c->size == r->nevents)
        snprintf(b, sizeof b, "consistent: the signed checkpoint covers all %llu events of the log",
                 (unsigned long long)r->nevents);
    else if (ok)
        snprintf(b, sizeof b,
                 "consistent: the signed checkpoint covers the first %llu of the log's %llu events (the %llu "
                 "after them are not covered by it)",
                 (unsigned long long)c->size, (unsigned long long)r->nevents,
                 (unsigned long long)(r->nevents - c->size));
    else
        snprintf(b, sizeof b, "MISMATCH: the log does not match the signed checkpoint: %s",
                 r->vres.bad ? r->vres.why : "not checked");
    return json_pack("{s:s,s:s,s:I,s:s,s:s,s:s,s:I,s:I,s:s}", "source", r->cp->source ? r->cp->source : "",
                     "origin", c->origin ? c->origin : "", "size", (json_int_t)c->size, "root", hex,
                     "signature", r->cp->signature ? r->cp->signature : "", "status", ok ? "consistent" : "mismatch",
                     "covers", (json_int_t)(ok ? c->size : 0), "events", (json_int_t)r->nevents, "text", b);
}

static void checkpoint_facts(const rep *r, sec *x)
{
    json_t *m = merkle_json(r);
    fact(x, "Merkle tree size (RFC 6962, leaf i = event i's hash)", json_incref(json_object_get(m, "size")));
    fact(x, "Merkle root", json_incref(json_object_get(m, "root")));
    json_decref(m);
    json_t *c = checkpoint_json(r);
    if (!c) {
        fact(x, "Signed checkpoint",
             js("none given (caucus report --checkpoint FILE --key KEY, or a store's own, ties the report to "
                "one)"));
        return;
    }
    fact(x, "Signed checkpoint", json_incref(json_object_get(c, "text")));
    fact(x, "Checkpoint source", json_incref(json_object_get(c, "source")));
    fact(x, "Checkpoint origin", json_incref(json_object_get(c, "origin")));
    fact(x, "Checkpoint tree size", json_incref(json_object_get(c, "size")));
    fact(x, "Checkpoint root", json_incref(json_object_get(c, "root")));
    fact(x, "Checkpoint signature", json_incref(json_object_get(c, "signature")));
    json_decref(c);
}

static void build_overview(rep *r, json_t *secs, cc_label *doc, bool *inv)
{
    const cc_scenario *s = r->s;
    sec x;
    sec_init(r, &x, "overview", "Exercise overview");
    char b[512], b2[64];
    intro(&x, "This report is generated only from the event log named below; every figure can be traced to "
              "its events by sequence number, and the log's final hash ties the report to that evidence.");
    snprintf(b, sizeof b, "%s: %s", s->id ? s->id : "?", s->title ? s->title : "");
    fact(&x, "Scenario", js(b));
    fact(&x, "Scenario SHA-256", js(r->scenario_hash));
    fact(&x, "Scenario file (as recorded)", js(r->source));
    abs_time(r, 0, b, sizeof b);
    fact(&x, "Exercise start", js(b));
    abs_time(r, r->end_t, b, sizeof b);
    fact(&x, "Log ends", js(b));
    cc_report_tfmt(r->end_t, b2, sizeof b2);
    snprintf(b, sizeof b, "%s scenario time (%s)", b2, r->end_reason ? r->end_reason : "?");
    fact(&x, "Run length", js(b));
    fact(&x, "Time zone", js(s->zone_name));
    fact(&x, "Variant (mechanism)", js(r->variant));
    fact(&x, "Seed", js(r->seed));
    fact(&x, "Replication", json_integer(r->replication));
    fact(&x, "Engine", js(r->engine));
    snprintf(b, sizeof b, "%s (hash %s)", r->policy_id ? r->policy_id : "?",
             r->policy_hash ? r->policy_hash : "?");
    fact(&x, "Label policy", js(b));
    fact(&x, "Events", json_integer((json_int_t)r->nevents));
    fact(&x, "First event hash", js(r->first_hash));
    fact(&x, "Final event hash", js(r->last_hash));
    checkpoint_facts(r, &x);
    if (r->viewer < 0) {
        fact(&x, "View", js("exercise control (everything in the log)"));
    } else {
        snprintf(b, sizeof b, "seat %s: only what this seat received or may read",
                 seat_label(r, r->viewer, b2, sizeof b2));
        fact(&x, "View", js(b));
    }
    fact(&x, "Inputs (people and control)", json_integer((json_int_t)r->inputs));
    fact(&x, "Inputs refused", json_integer((json_int_t)r->refused));
    if (r->unknown_refs)
        fact(&x, "Events naming items not in the scenario", json_integer((json_int_t)r->unknown_refs));
    static const char *const pc[] = {"party", "name", "kind", "time zone", "seats", NULL};
    json_t *rows = table(&x, "parties", "Parties", pc);
    for (size_t i = 0; i < s->nparties; i++) {
        size_t n = 0;
        for (size_t k = 0; k < s->nseats; k++)
            n += s->seats[k].party_index == (int)i;
        json_array_append_new(rows,
                              json_pack("[o,o,s,o,I]", js(s->parties[i].id), js(s->parties[i].name),
                                        s->parties[i].kind == CC_PARTY_NATION ? "nation" : "organisation",
                                        js(s->parties[i].zone_name), (json_int_t)n));
    }
    static const char *const sc[] = {"seat", "party", "role", "clearance", "cells", "played by", NULL};
    rows = table(&x, "seats", "Seats", sc);
    for (size_t i = 0; i < s->nseats; i++) {
        const cc_seat *st = &s->seats[i];
        cc_buf cells;
        cc_buf_init(&cells);
        for (size_t k = 0; k < st->cells.n; k++)
            cc_buf_printf(&cells, "%s%s", k ? ", " : "", st->cells.v[k]);
        const char *by = r->is_auto[i] ? "agent" : "person";
        for (size_t k = 0; k < json_array_size(r->absent); k++)
            if (strcmp(json_string_value(json_array_get(r->absent, k)), st->id) == 0)
                by = "agent (absent for the run)";
        char clr[128];
        cc_buf cv;
        cc_buf_init(&cv);
        cc_buf_puts(&cv, st->clearance_name ? st->clearance_name : "?");
        for (size_t k = 0; k < st->caveats.n; k++)
            cc_buf_printf(&cv, "%s%s", k ? ", " : " + ", st->caveats.v[k]);
        snprintf(clr, sizeof clr, "%s", cv.data ? cv.data : "");
        json_array_append_new(rows, json_pack("[o,o,o,s,s,s]", js(st->id), js(st->party), js(st->role), clr,
                                              cells.data ? cells.data : "", by));
        cc_buf_free(&cells);
        cc_buf_free(&cv);
    }
    sec_done(r, &x, secs, doc, inv);
}

/* ---- timeline ---- */

static void mark(json_t *marks, int lane, int64_t t, int64_t t2, const char *kind, const char *id,
                 const char *text)
{
    json_t *m = json_pack("{s:i,s:I,s:s,s:o,s:o}", "lane", lane, "t", (json_int_t)t, "kind", kind, "id",
                          js(id), "text", js(text));
    if (t2 >= 0)
        json_object_set_new(m, "t2", json_integer(t2));
    json_array_append_new(marks, m);
}

static int mark_cmp(const void *a, const void *b)
{
    const json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
    json_int_t tx = json_integer_value(json_object_get(x, "t")),
               ty = json_integer_value(json_object_get(y, "t"));
    if (tx != ty)
        return tx < ty ? -1 : 1;
    json_int_t lx = json_integer_value(json_object_get(x, "lane")),
               ly = json_integer_value(json_object_get(y, "lane"));
    if (lx != ly)
        return lx < ly ? -1 : 1;
    int c = strcmp(cc_report_str(x, "kind"), cc_report_str(y, "kind"));
    return c ? c : strcmp(cc_report_str(x, "id"), cc_report_str(y, "id"));
}

static void build_timeline(rep *r, json_t *secs, cc_label *doc, bool *inv)
{
    const cc_scenario *s = r->s;
    sec x;
    sec_init(r, &x, "timeline", "Timeline");
    intro(&x, "Scenario time runs left to right, one lane per party. Injects are marked where each party's "
              "seats first received them; messages are counted by the sender's party; consultations run as "
              "bars from request to completion (or to their failure, or the end of the log) on the requesting party's lane; "
              "decisions are marked on the lanes of their deciders' parties.");
    json_t *lanes = json_array(), *marks = json_array(), *bins = json_array();
    for (size_t i = 0; i < s->nparties; i++)
        json_array_append_new(lanes, js(s->parties[i].id));
    for (size_t i = 0; i < s->ninjects; i++) {
        const inj_st *I = &r->inj[i];
        if (!I->released || !inj_vis(r, (int)i))
            continue;
        sec_label(&x, &I->label, I->label_ok);
        for (size_t p = 0; p < s->nparties; p++)
            if (I->rx[p].first >= 0)
                mark(marks, (int)p, I->rx[p].first, -1, "inject", s->injects[i].id, I->title);
    }
    for (size_t i = 0; i < s->nconsultations; i++) {
        const cons_st *c = &r->cons[i];
        if (!c->requested || !cons_vis(r, (int)i))
            continue;
        sec_label(&x, &c->label, c->label_ok);
        int p = seat_party(r, lookup(r->seat_map, c->requester));
        mark(marks, p < 0 ? 0 : p, c->t, c->done >= 0 ? c->done : c->failed >= 0 ? c->failed : r->end_t, "consultation",
             s->consultations[i].id, c->topic);
    }
    for (size_t i = 0; i < s->ndecisions; i++) {
        const dec_st *D = &r->dec[i];
        if (!D->opened || !dec_vis(r, (int)i))
            continue;
        sec_label(&x, &D->label, D->label_ok);
        bool lane_used[CC_LABEL_MAX_PARTIES] = {false};
        size_t k;
        json_t *v;
        json_array_foreach(D->deciders, k, v)
        {
            int p = seat_party(r, lookup(r->seat_map, json_string_value(v)));
            if (p < 0 || p >= CC_LABEL_MAX_PARTIES || lane_used[p])
                continue;
            lane_used[p] = true;
            int64_t end = D->made ? D->t_made : D->expired ? D->t_expired : -1;
            char txt[600];
            snprintf(txt, sizeof txt, "%s (%s)", D->question ? D->question : "",
                     D->made      ? (D->outcome ? D->outcome : "decided")
                     : D->expired ? "expired"
                                  : "open");
            mark(marks, p, D->t_open, end, "decision", s->decisions[i].id, txt);
        }
    }
    uint64_t msg_shown = 0;
    for (size_t p = 0; p < s->nparties; p++)
        for (int b = 0; b < NBINS; b++) {
            uint32_t n = r->bins[p * NBINS + (size_t)b];
            if (!n)
                continue;
            msg_shown += n;
            json_array_append_new(bins, json_pack("{s:I,s:I,s:I,s:I}", "lane", (json_int_t)p, "t",
                                                  (json_int_t)(r->duration_ms * b / NBINS), "t2",
                                                  (json_int_t)(r->duration_ms * (b + 1) / NBINS), "count",
                                                  (json_int_t)n));
        }
    for (size_t i = 0; i < r->nmsgs; i++)
        if (msg_vis(r, &r->msgs[i]))
            sec_label(&x, &r->msgs[i].label, r->msgs[i].label_ok);
    /* sort the marks for a stable table */
    size_t nm = json_array_size(marks);
    json_t **mv = malloc((nm ? nm : 1) * sizeof *mv);
    if (mv) {
        for (size_t i = 0; i < nm; i++)
            mv[i] = json_incref(json_array_get(marks, i));
        qsort(mv, nm, sizeof *mv, mark_cmp);
        json_array_clear(marks);
        for (size_t i = 0; i < nm; i++)
            json_array_append_new(marks, mv[i]);
        free(mv);
    }
    json_t *tl = json_pack("{s:I,s:I,s:o,s:o,s:o}", "start_ms", (json_int_t)0, "end_ms",
                           (json_int_t)(r->end_t > r->duration_ms ? r->end_t : r->duration_ms), "lanes",
                           lanes, "marks", marks, "message_bins", bins);
    json_object_set_new(x.obj, "timeline", tl);
    cc_buf svg;
    cc_buf_init(&svg);
    if (cc_report_timeline_svg(tl, &svg) == CC_OK && svg.data)
        json_object_set_new(x.obj, "svg", json_string(svg.data));
    cc_buf_free(&svg);
    static const char *const cols[] = {"time", "until", "lane", "kind", "item", "text", NULL};
    json_t *rows = table(&x, "marks", "Timeline entries", cols);
    size_t k;
    json_t *m;
    json_array_foreach(marks, k, m)
    {
        json_int_t lane = json_integer_value(json_object_get(m, "lane"));
        json_t *t2 = json_object_get(m, "t2");
        json_array_append_new(
            rows, json_pack("[o,o,o,s,o,o]", jt(json_integer_value(json_object_get(m, "t"))),
                            t2 ? jt(json_integer_value(t2)) : json_null(),
                            json_incref(json_array_get(lanes, (size_t)lane)), cc_report_str(m, "kind"),
                            json_incref(json_object_get(m, "id")), json_incref(json_object_get(m, "text"))));
    }
    char b[160];
    snprintf(b, sizeof b, "%llu messages drawn as counts per party and time bucket.",
             (unsigned long long)msg_shown);
    table_note(&x, b);
    sec_done(r, &x, secs, doc, inv);
}

/* ---- consultation metrics ---- */

/* Working hours apply to agent seats whose policy is not always available. */
static bool keeps_hours(const rep *r, int seat)
{
    if (seat < 0 || !r->is_auto[seat])
        return false;
    const cc_seat *st = &r->s->seats[seat];
    if (st->agent_index < 0 || (size_t)st->agent_index >= r->s->nagents)
        return false;
    return !r->s->agents[st->agent_index].always_available && st->party_index >= 0;
}

/* Time (ms) within [start, end) when some participant still to act was outside its party's
 * working hours, counted at OFFHOURS_STEP resolution; -1 when no participant keeps hours. */
static int64_t offhours(const rep *r, const stage_st *st, int64_t end)
{
    bool any = false;
    for (size_t k = 0; k < st->npart; k++)
        any |= keeps_hours(r, st->part[k]);
    if (!any)
        return -1;
    int64_t total = 0;
    const int64_t step = OFFHOURS_STEP * 1000;
    for (int64_t t = st->start; t < end; t += step) {
        int64_t u = r->s->start_unix + t / 1000;
        for (size_t k = 0; k < st->npart; k++) {
            int seat = st->part[k];
            if (!keeps_hours(r, seat) || (st->acted[k] >= 0 && st->acted[k] <= t))
                continue;
            const cc_party *P = &r->s->parties[r->s->seats[seat].party_index];
            if (!cc_workhours_open(P->zone, &P->hours, u)) {
                total += (end - t < step ? end - t : step);
                break;
            }
        }
    }
    return total;
}

static void build_consult(rep *r, json_t *secs, cc_label *doc, bool *inv)
{
    const cc_scenario *s = r->s;
    sec x;
    sec_init(r, &x, "consultations", "Consultation metrics");
    intro(&x,
          "For each consultation: the time from the request to the start and the end of each stage of its "
          "mechanism, against the stage's deadline. 'Off-hours' is the part of a stage during which a "
          "participant still to act was outside its party's working hours (agent seats that keep working "
          "hours); it is shown separately from the stage's duration.");
    static const char *const cc_cols[] = {
        "consultation",          "topic", "requested by", "requested at", "mechanism", "decision", "state",
        "request to completion", NULL};
    json_t *crow = table(&x, "consultations", "Consultations", cc_cols);
    static const char *const st_cols[] = {"consultation",
                                          "stage",
                                          "kind",
                                          "mode",
                                          "started",
                                          "request to start",
                                          "ended",
                                          "request to end",
                                          "duration",
                                          "deadline (allowed)",
                                          "deadline met",
                                          "escalations",
                                          "off-hours",
                                          "rounds",
                                          "objections standing",
                                          NULL};
    json_t *srow = table(&x, "stages", "Stages", st_cols);
    static const char *const pcols[] = {"consultation", "stage", "seat", "time", "text", NULL};
    json_t *prow = table(&x, "positions", "Positions and acknowledgements with text", pcols);
    size_t more_pos = 0;
    for (size_t i = 0; i < s->nconsultations; i++) {
        const cons_st *c = &r->cons[i];
        const cc_consultation *C = &s->consultations[i];
        if (!cons_vis(r, (int)i))
            continue;
        if (!c->requested) {
            json_array_append_new(crow, json_pack("[o,o,o,o,o,o,s,o]", js(C->id), js(C->topic),
                                                  js(C->requested_by), json_null(), js(C->mechanism),
                                                  js(C->decision), "not requested", json_null()));
            continue;
        }
        sec_label(&x, &c->label, c->label_ok);
        char state[200];
        if (c->done >= 0) {
            char tb[48];
            cc_report_tfmt(c->done, tb, sizeof tb);
            snprintf(state, sizeof state, "completed at %s", tb);
        } else if (c->failed >= 0) {
            char tb[48];
            cc_report_tfmt(c->failed, tb, sizeof tb);
            snprintf(state, sizeof state, "failed at %s in stage %s: %s", tb,
                     c->nstages && c->stages[c->nstages - 1].id ? c->stages[c->nstages - 1].id : "?",
                     c->fail_reason ? c->fail_reason : "?");
        } else if (c->nstages) {
            snprintf(state, sizeof state, "in progress at the end of the log (stage %s)",
                     c->stages[c->nstages - 1].id ? c->stages[c->nstages - 1].id : "?");
        } else {
            snprintf(state, sizeof state, "requested, no stage entered");
        }
        json_array_append_new(crow, json_pack("[o,o,o,o,o,o,s,o]", js(C->id), js(c->topic), js(c->requester),
                                              jt(c->t), js(c->mechanism), js(c->decision), state,
                                              c->done >= 0 ? jd(c->done - c->t) : json_null()));
        for (size_t k = 0; k < c->nstages; k++) {
            const stage_st *st = &c->stages[k];
            int64_t end = st->done >= 0 ? st->done : r->end_t;
            int64_t off = offhours(r, st, end);
            const char *met = st->deadline < 0                  ? "no deadline"
                              : st->missed >= 0                 ? "missed"
                              : st->by && !strcmp(st->by, "silence") ? "met (adopted by silence)"
                              : st->done >= 0                   ? "met"
                                                                : "open at end";
            json_t *row = json_pack("[o,o,o,o,o,o,o,o,o,o,s,I,o,I,I]", js(C->id), js(st->id), js(st->kind),
                                    js(st->mode), jt(st->start), jd(st->start - c->t), jt(st->done),
                                    st->done >= 0 ? jd(st->done - c->t) : json_null(),
                                    st->done >= 0 ? jd(st->done - st->start) : json_null(),
                                    st->deadline >= 0 ? jd(st->deadline - st->start) : json_null(), met,
                                    (json_int_t)st->escalations, off < 0 ? json_string("n/a") : jd(off),
                                    (json_int_t)st->rounds, (json_int_t)st->objections);
            json_array_append_new(srow, row);
        }
        for (size_t k = 0; k < c->npos; k++)
            json_array_append_new(prow, json_pack("[o,o,o,o,o]", js(C->id), js(c->pos[k].stage),
                                                  js(c->pos[k].seat), jt(c->pos[k].t), js(c->pos[k].text)));
        more_pos += c->more_pos;
    }
    if (more_pos) {
        char b[120];
        snprintf(b, sizeof b, "%zu further positions not listed (list capped at %d per consultation).",
                 more_pos, POS_MAX);
        table_note(&x, b);
    }
    /* who had to chase, who was chased, whose line failed: the seats with any (a seat's view: its own) */
    static const char *const fcols[] = {"seat",           "party",    "played by",
                                        "reminders sent", "reminded", "escalations",
                                        "messages lost",  "retries",  NULL};
    json_t *frow = table(&x, "follow_up", "Reminders, escalations and retries per seat", fcols);
    for (size_t i = 0; i < s->nseats; i++) {
        const uint32_t *f = &r->seat_follow[i * F_N];
        if ((r->viewer >= 0 && (int)i != r->viewer) || !(f[0] | f[1] | f[2] | f[3] | f[4]))
            continue;
        json_array_append_new(
            frow, json_pack("[s,s,s,I,I,I,I,I]", s->seats[i].id, s->parties[s->seats[i].party_index].id,
                            r->is_auto[i] ? "agent" : "person", (json_int_t)f[F_REMINDED_OTHERS],
                            (json_int_t)f[F_REMINDED], (json_int_t)f[F_ESCALATED], (json_int_t)f[F_LOST],
                            (json_int_t)f[F_RETRIES]));
    }
    sec_done(r, &x, secs, doc, inv);
}

/* ---- who knew what when ---- */

static void rx_cell(const party_rx *x, char *buf, size_t size)
{
    if (x->first < 0) {
        if (x->denied)
            snprintf(buf, size, "withheld (%u seat%s)", x->denied, x->denied == 1 ? "" : "s");
        else
            snprintf(buf, size, "%s", "");
        return;
    }
    char tb[48];
    cc_report_tfmt(x->first, tb, sizeof tb);
    snprintf(buf, size, "%s (%u seat%s%s", tb, x->delivered, x->delivered == 1 ? "" : "s",
             x->denied ? "" : ")");
    if (x->denied) {
        size_t n = strlen(buf);
        snprintf(buf + n, size - n, ", %u withheld)", x->denied);
    }
}

static void build_knowledge(rep *r, json_t *secs, cc_label *doc, bool *inv)
{
    const cc_scenario *s = r->s;
    sec x;
    sec_init(r, &x, "knowledge", "Who knew what when");
    intro(&x,
          "For each inject and shared item: when it was released and when each party's seats first received "
          "it (with how many seats received it and how many were refused it by its label). Items withheld "
          "from the reader are given as counts only.");
    json_t *cols = json_pack("[s,s,s,s,s,s]", "inject", "title", "label", "released", "channel", "from");
    for (size_t p = 0; p < s->nparties; p++) {
        char b[64];
        snprintf(b, sizeof b, "%s received", s->parties[p].id);
        json_array_append_new(cols, json_string(b));
    }
    json_array_append_new(cols, json_string("forwards"));
    if (r->viewer >= 0)
        json_array_append_new(cols, json_string("you received"));
    json_t *rows = table_dyn(&x, "injects", "Injects", cols);
    for (size_t i = 0; i < s->ninjects; i++) {
        const inj_st *I = &r->inj[i];
        if (!I->released || !inj_vis(r, (int)i))
            continue;
        sec_label(&x, &I->label, I->label_ok);
        json_t *row = json_pack("[o,o,o,o,o,o]", js(s->injects[i].id), js(I->title), js(I->banner), jt(I->t),
                                js(I->channel), js(I->actor));
        for (size_t p = 0; p < s->nparties; p++) {
            char b[96];
            rx_cell(&I->rx[p], b, sizeof b);
            json_array_append_new(row, json_string(b));
        }
        json_array_append_new(row, json_integer(I->forwards));
        if (r->viewer >= 0)
            json_array_append_new(row, jt(I->viewer_t));
        json_array_append_new(rows, row);
    }
    static const char *const tc[] = {"inject", "title", "body", NULL};
    rows = table(&x, "texts", "Inject texts", tc);
    for (size_t i = 0; i < s->ninjects; i++) {
        const inj_st *I = &r->inj[i];
        if (I->released && inj_vis(r, (int)i))
            json_array_append_new(rows,
                                  json_pack("[o,o,o]", js(s->injects[i].id), js(I->title), js(I->body)));
    }
    static const char *const fc[] = {"time", "by", "inject", "to", NULL};
    rows = table(&x, "forwards", "Items forwarded by seats", fc);
    for (size_t i = 0; i < r->nfwds; i++) {
        const fwd_st *f = &r->fwds[i];
        if (!inj_vis(r, f->inject) || f->inject < 0)
            continue;
        sec_label(&x, &r->inj[f->inject].label, r->inj[f->inject].label_ok);
        cc_buf to;
        cc_buf_init(&to);
        size_t k;
        json_t *v;
        json_array_foreach(f->to, k, v)
        {
            cc_buf_printf(&to, "%s%s", k ? ", " : "", json_string_value(v) ? json_string_value(v) : "");
        }
        json_array_append_new(rows, json_pack("[o,o,o,s]", jt(f->t), js(f->actor),
                                              js(s->injects[f->inject].id), to.data ? to.data : ""));
        cc_buf_free(&to);
    }
    if (r->more_fwds) {
        char b[120];
        snprintf(b, sizeof b, "%zu further forwards not listed (list capped at %d).", r->more_fwds,
                 CC_REPORT_LIST_MAX);
        table_note(&x, b);
    }
    json_t *mc = json_pack("[s,s,s,s,s,s,s]", "message", "time", "from", "label", "to", "reply to", "text");
    for (size_t p = 0; p < s->nparties; p++) {
        char b[64];
        snprintf(b, sizeof b, "%s received", s->parties[p].id);
        json_array_append_new(mc, json_string(b));
    }
    rows = table_dyn(&x, "messages", "Messages between seats", mc);
    for (size_t i = 0; i < r->nmsgs; i++) {
        const msg_st *m = &r->msgs[i];
        if (!msg_vis(r, m))
            continue;
        sec_label(&x, &m->label, m->label_ok);
        cc_buf to;
        cc_buf_init(&to);
        size_t k;
        json_t *v;
        json_array_foreach(m->to, k, v)
        {
            cc_buf_printf(&to, "%s%s", k ? ", " : "", json_string_value(v) ? json_string_value(v) : "");
        }
        json_t *row = json_pack("[o,o,o,o,s,o,o]", js(m->id), jt(m->t), js(m->actor), js(m->banner),
                                to.data ? to.data : "", js(m->reply_to), js(m->text));
        cc_buf_free(&to);
        for (size_t p = 0; p < s->nparties; p++)
            json_array_append_new(row, jt(m->party_first[p]));
        json_array_append_new(rows, row);
    }
    if (r->more_msgs) {
        char b[120];
        snprintf(b, sizeof b, "%zu further messages not listed (list capped at %d).", r->more_msgs,
                 CC_REPORT_LIST_MAX);
        table_note(&x, b);
    }
    if (r->viewer >= 0) {
        static const char *const wc[] = {"withheld from you", "count", NULL};
        rows = table(&x, "withheld", "Items withheld from this seat (counts only)", wc);
        for (int k = 0; k < R_NREASONS; k++) {
            char b[80];
            snprintf(b, sizeof b, "items refused by label (%s)", reason_names[k]);
            json_array_append_new(rows, json_pack("[s,I]", b, (json_int_t)r->viewer_withheld[k]));
        }
        json_array_append_new(
            rows, json_pack("[s,I]", "messages refused by label", (json_int_t)r->viewer_msgs_withheld));
        size_t other = 0;
        for (size_t i = 0; i < s->ninjects; i++)
            other += r->inj[i].released && !r->inj[i].viewer_got && !r->inj[i].viewer_denied;
        json_array_append_new(
            rows, json_pack("[s,I]", "injects released but not addressed to this seat", (json_int_t)other));
    } else {
        static const char *const wc[] = {"seat",          "party",  "clearance", "class", "caveat",
                                         "releasability", "policy", "invalid",   "total", NULL};
        rows = table(&x, "withheld", "Deliveries refused by the label rule, per seat", wc);
        for (size_t i = 0; i < s->nseats; i++) {
            const uint32_t *d = &r->seat_denials[i * R_NREASONS];
            uint32_t tot = d[0] + d[1] + d[2] + d[3] + d[4];
            json_array_append_new(rows, json_pack("[o,o,o,I,I,I,I,I,I]", js(s->seats[i].id),
                                                  js(s->seats[i].party), js(s->seats[i].clearance_name),
                                                  (json_int_t)d[R_CLASS], (json_int_t)d[R_CAVEAT],
                                                  (json_int_t)d[R_REL], (json_int_t)d[R_POLICY],
                                                  (json_int_t)d[R_INVALID], (json_int_t)tot));
        }
    }
    sec_done(r, &x, secs, doc, inv);
}

/* ---- guideline compliance ---- */

static const cc_label *subject_label(const rep *r, int kind, int idx, bool *ok)
{
    *ok = false;
    if (idx < 0)
        return &r->bottom;
    if (kind == 0) {
        *ok = r->cons[idx].label_ok;
        return &r->cons[idx].label;
    }
    if (kind == 1) {
        *ok = r->inj[idx].label_ok;
        return &r->inj[idx].label;
    }
    *ok = r->dec[idx].label_ok;
    return &r->dec[idx].label;
}

static void ev_text(const rep *r, uint64_t seq, cc_buf *b)
{
    const evbrief *e = evidence(r, seq);
    if (!e) {
        cc_buf_printf(b, "#%llu", (unsigned long long)seq);
        return;
    }
    if (!e->visible) {
        cc_buf_printf(b, "#%llu (not releasable to this seat)", (unsigned long long)seq);
        return;
    }
    char tb[48];
    cc_report_tfmt(e->t, tb, sizeof tb);
    cc_buf_printf(b, "#%llu %s %s", (unsigned long long)seq, tb, e->type);
    if (e->item)
        cc_buf_printf(b, " %s", e->item);
    if (e->actor)
        cc_buf_printf(b, " by %s", e->actor);
}

static const char *grule_name(cc_grule_kind k)
{
    switch (k) {
    case CC_GRULE_STAGE_DEADLINE: return "stage deadline";
    case CC_GRULE_SHARE: return "share";
    case CC_GRULE_CONSULT_BEFORE: return "consult before decision";
    default: return "none (judged by evaluators)";
    }
}

static void build_compliance(rep *r, json_t *secs, cc_label *doc, bool *inv)
{
    const cc_scenario *s = r->s;
    sec x;
    sec_init(r, &x, "compliance", "Guideline compliance");
    intro(&x, "Every finding the engine recorded against a guideline rule, with its evidence: the event that "
              "started the check and the last event before the finding (by sequence number).");
    static const char *const gc[] = {"guideline", "text", "rule", "met", "missed", NULL};
    json_t *grows = table(&x, "guidelines", "Guidelines", gc);
    for (size_t g = 0; g < s->nguidelines; g++) {
        uint32_t met = 0, missed = 0;
        for (size_t i = 0; i < r->ngc; i++) {
            const gcount *c = &r->gc[i];
            if (c->g != (int)g)
                continue;
            bool vis = c->skind == 0   ? cons_vis(r, c->sidx)
                       : c->skind == 1 ? inj_vis(r, c->sidx)
                       : c->skind == 2 ? dec_vis(r, c->sidx)
                                       : r->viewer < 0;
            if (!vis)
                continue;
            bool ok;
            const cc_label *l = subject_label(r, c->skind, c->sidx, &ok);
            sec_label(&x, l, ok || c->sidx < 0);
            met += c->met;
            missed += c->missed;
        }
        json_array_append_new(grows, json_pack("[o,o,s,I,I]", js(s->guidelines[g].id),
                                               js(s->guidelines[g].text), grule_name(s->guidelines[g].kind),
                                               (json_int_t)met, (json_int_t)missed));
    }
    static const char *const fc[] = {"event",   "time",    "guideline", "result", "subject",
                                     "elapsed", "allowed", "evidence",  NULL};
    json_t *rows = table(&x, "findings", "Findings", fc);
    static const char *const ec[] = {"finding event", "evidence event", "time", "type",
                                     "item",          "actor",          NULL};
    json_t *erows = table(&x, "evidence", "Evidence events", ec);
    for (size_t i = 0; i < r->nfinds; i++) {
        const find_st *f = &r->finds[i];
        if (!find_vis(r, f))
            continue;
        cc_buf ev;
        cc_buf_init(&ev);
        ev_text(r, f->ev[0], &ev);
        cc_buf_puts(&ev, "; ");
        ev_text(r, f->ev[1], &ev);
        json_array_append_new(rows, json_pack("[I,o,o,s,o,o,o,s]", (json_int_t)f->seq, jt(f->t),
                                              js(f->guideline), f->result, js(f->subject), jd(f->elapsed),
                                              jd(f->within), ev.data ? ev.data : ""));
        cc_buf_free(&ev);
        for (int k = 0; k < 2; k++) {
            if (k == 1 && f->ev[1] == f->ev[0])
                break;
            const evbrief *e = evidence(r, f->ev[k]);
            bool vis = e && e->visible;
            json_array_append_new(
                erows, json_pack("[I,I,o,o,o,o]", (json_int_t)f->seq, (json_int_t)f->ev[k],
                                 vis ? jt(e->t) : json_null(),
                                 vis ? js(e->type) : json_string("(not releasable to this seat)"),
                                 vis ? js(e->item) : json_null(), vis ? js(e->actor) : json_null()));
        }
    }
    if (r->more_finds) {
        char b[120];
        snprintf(b, sizeof b, "%zu further findings not listed (counted in the guideline table).",
                 r->more_finds);
        table_note(&x, b);
    }
    sec_done(r, &x, secs, doc, inv);
}

/* ---- decisions ---- */

static void build_decisions(rep *r, json_t *secs, cc_label *doc, bool *inv)
{
    const cc_scenario *s = r->s;
    sec x;
    sec_init(r, &x, "decisions", "Decisions");
    intro(&x,
          "Each decision point: its options, who proposed and who endorsed (voted for) each, the rationale "
          "stated in the linked consultation and in proposals, and the outcome.");
    static const char *const dc[] = {"decision", "question", "rule",       "deciders", "opened",
                                     "deadline", "outcome",  "decided at", "votes",    NULL};
    json_t *drows = table(&x, "decisions", "Decision points", dc);
    static const char *const oc[] = {"decision",    "option", "text", "proposed by",
                                     "endorsed by", "chosen", NULL};
    json_t *orows = table(&x, "options", "Options", oc);
    static const char *const rc[] = {"decision", "seat", "source", "time", "text", NULL};
    json_t *rrows = table(&x, "rationale", "Rationale", rc);
    for (size_t i = 0; i < s->ndecisions; i++) {
        const dec_st *D = &r->dec[i];
        if (!D->opened || !dec_vis(r, (int)i))
            continue;
        sec_label(&x, &D->label, D->label_ok);
        cc_buf dl, vl;
        cc_buf_init(&dl);
        cc_buf_init(&vl);
        size_t k;
        json_t *v;
        json_array_foreach(D->deciders, k, v)
        {
            cc_buf_printf(&dl, "%s%s", k ? ", " : "", json_string_value(v) ? json_string_value(v) : "");
        }
        const json_t *votes = D->final_votes ? D->final_votes : D->votes;
        const char *key;
        /* jansson iterates in insertion order; sort for determinism across sources */
        const char *keys[256];
        size_t nk = 0;
        json_object_foreach((json_t *)votes, key, v)
        {
            if (nk < 256)
                keys[nk++] = key;
        }
        for (size_t a = 1; a < nk; a++)
            for (size_t b = a; b > 0 && strcmp(keys[b - 1], keys[b]) > 0; b--) {
                const char *t = keys[b];
                keys[b] = keys[b - 1];
                keys[b - 1] = t;
            }
        for (size_t a = 0; a < nk; a++)
            cc_buf_printf(&vl, "%s%s: %s", a ? ", " : "", keys[a], cc_report_str(votes, keys[a]));
        const char *outcome = D->made      ? (D->outcome ? D->outcome : "decided")
                              : D->expired ? "expired undecided"
                                           : "open at the end of the log";
        json_array_append_new(
            drows, json_pack("[o,o,o,s,o,o,s,o,s]", js(s->decisions[i].id), js(D->question), js(D->rule),
                             dl.data ? dl.data : "", jt(D->t_open), jt(D->deadline), outcome,
                             D->made ? jt(D->t_made) : json_null(), vl.data ? vl.data : ""));
        cc_buf_free(&dl);
        json_array_foreach(D->options, k, v)
        {
            const char *oid = cc_report_str(v, "id");
            cc_buf en;
            cc_buf_init(&en);
            size_t ne = 0;
            for (size_t a = 0; a < nk; a++)
                if (strcmp(cc_report_str(votes, keys[a]), oid) == 0)
                    cc_buf_printf(&en, "%s%s", ne++ ? ", " : "", keys[a]);
            json_array_append_new(
                orows, json_pack("[o,o,o,s,s,s]", js(s->decisions[i].id), js(oid),
                                 json_incref(json_object_get(v, "text")), "scenario", en.data ? en.data : "",
                                 D->made && D->outcome && strcmp(D->outcome, oid) == 0 ? "yes" : ""));
            cc_buf_free(&en);
        }
        for (size_t p = 0; p < D->nprops; p++) {
            const prop_st *P = &D->props[p];
            cc_buf en, by;
            cc_buf_init(&en);
            cc_buf_init(&by);
            size_t ne = 0;
            for (size_t a = 0; a < nk; a++) {
                const char *ov = json_string_value(json_object_get(votes, keys[a]));
                if (ov && P->option && strcmp(ov, P->option) == 0)
                    cc_buf_printf(&en, "%s%s", ne++ ? ", " : "", keys[a]);
            }
            char tb[48];
            cc_report_tfmt(P->t, tb, sizeof tb);
            cc_buf_printf(&by, "%s at %s", P->seat ? P->seat : "?", tb);
            json_array_append_new(
                orows,
                json_pack("[o,o,o,s,s,s]", js(s->decisions[i].id), js(P->option), js(P->text), by.data,
                          en.data ? en.data : "",
                          D->made && D->outcome && P->option && strcmp(D->outcome, P->option) == 0 ? "yes"
                                                                                                   : ""));
            json_array_append_new(rrows, json_pack("[o,o,s,o,o]", js(s->decisions[i].id), js(P->seat),
                                                   "proposal", jt(P->t), js(P->text)));
            cc_buf_free(&en);
            cc_buf_free(&by);
        }
        cc_buf_free(&vl);
        /* positions stated in the consultations linked to this decision */
        for (size_t c = 0; c < s->nconsultations; c++) {
            const cons_st *C = &r->cons[c];
            if (!C->requested || !C->decision || strcmp(C->decision, s->decisions[i].id) != 0 ||
                !cons_vis(r, (int)c))
                continue;
            sec_label(&x, &C->label, C->label_ok);
            for (size_t p = 0; p < C->npos; p++) {
                char src[160];
                snprintf(src, sizeof src, "position in %s, stage %s", s->consultations[c].id,
                         C->pos[p].stage ? C->pos[p].stage : "?");
                json_array_append_new(rrows,
                                      json_pack("[o,o,s,o,o]", js(s->decisions[i].id), js(C->pos[p].seat),
                                                src, jt(C->pos[p].t), js(C->pos[p].text)));
            }
        }
    }
    sec_done(r, &x, secs, doc, inv);
}

/* ---- objectives ---- */

static void guideline_counts(const rep *r, int g, uint32_t *met, uint32_t *missed)
{
    *met = *missed = 0;
    for (size_t i = 0; i < r->ngc; i++) {
        const gcount *c = &r->gc[i];
        if (c->g != g)
            continue;
        bool vis = c->skind == 0   ? cons_vis(r, c->sidx)
                   : c->skind == 1 ? inj_vis(r, c->sidx)
                   : c->skind == 2 ? dec_vis(r, c->sidx)
                                   : r->viewer < 0;
        if (vis) {
            *met += c->met;
            *missed += c->missed;
        }
    }
}

static void build_objectives(rep *r, json_t *secs, cc_label *doc, bool *inv)
{
    const cc_scenario *s = r->s;
    sec x;
    sec_init(r, &x, "objectives", "Objectives");
    intro(&x,
          "Each exercise objective rated P (performed without challenges), S (with some challenges), M (with "
          "major challenges) or U (unable to be performed), with the evaluator's notes from play and the "
          "findings of the guidelines linked to it.");
    static const char *const oc[] = {"objective",    "title",           "capability",
                                     "rating",       "evaluator notes", "rated at",
                                     "findings met", "findings missed", NULL};
    json_t *rows = table(&x, "ratings", "Ratings", oc);
    for (size_t o = 0; o < s->nobjectives; o++) {
        uint32_t met = 0, missed = 0;
        for (size_t g = 0; g < s->nguidelines; g++)
            for (size_t k = 0; k < s->guidelines[g].objective_index.n; k++)
                if (s->guidelines[g].objective_index.v[k] == (int)o) {
                    uint32_t a, b;
                    guideline_counts(r, (int)g, &a, &b);
                    met += a;
                    missed += b;
                }
        const rating_st *R = &r->rating[o];
        json_array_append_new(
            rows, json_pack("[o,o,o,s,o,o,I,I]", js(s->objectives[o].id), js(s->objectives[o].title),
                            js(s->objectives[o].capability), R->rated ? R->rating : "not rated", js(R->text),
                            R->rated ? jt(R->t) : json_null(), (json_int_t)met, (json_int_t)missed));
    }
    static const char *const nc[] = {"time", "seat", "note", NULL};
    rows = table(&x, "notes", r->viewer < 0 ? "Notes entered during play" : "Your notes pad", nc);
    for (size_t i = 0; i < r->nnotes; i++)
        json_array_append_new(rows, json_pack("[o,o,o]", jt(r->notes[i].t),
                                              js(r->notes[i].actor ? r->notes[i].actor : "control"),
                                              js(r->notes[i].text)));
    if (r->more_notes) {
        char b[120];
        snprintf(b, sizeof b, "%zu further notes not listed (list capped at %d).", r->more_notes,
                 CC_REPORT_LIST_MAX);
        table_note(&x, b);
    }
    sec_done(r, &x, secs, doc, inv);
}

/* ---- strengths, areas for improvement, improvement plan ---- */

static const char *suggest_action(const cc_guideline *g, char *buf, size_t size)
{
    char d[48];
    cc_duration_format(g->within_s, d, sizeof d);
    switch (g->kind) {
    case CC_GRULE_STAGE_DEADLINE:
        snprintf(buf, size, "Review how the %s stage is staffed and alerted so it completes within %s.",
                 cc_stage_kind_name(g->stage), d);
        break;
    case CC_GRULE_SHARE:
        snprintf(buf, size,
                 "Review the release and sharing procedure for %s items so they reach %s within %s.",
                 g->inject_class ? g->inject_class : "these", g->with.name ? g->with.name : "the partner", d);
        break;
    case CC_GRULE_CONSULT_BEFORE:
        snprintf(buf, size, "Make consultation a precondition of deciding %s.",
                 g->decision ? g->decision : "it");
        break;
    default: snprintf(buf, size, "%s", "");
    }
    return buf;
}

static void subjects_text(const rep *r, int g, bool missed, cc_buf *b)
{
    size_t n = 0;
    for (size_t i = 0; i < r->ngc; i++) {
        const gcount *c = &r->gc[i];
        if (c->g != g || !(missed ? c->missed : c->met))
            continue;
        bool vis = c->skind == 0   ? cons_vis(r, c->sidx)
                   : c->skind == 1 ? inj_vis(r, c->sidx)
                   : c->skind == 2 ? dec_vis(r, c->sidx)
                                   : r->viewer < 0;
        if (!vis)
            continue;
        const char *id = c->sidx < 0     ? "?"
                         : c->skind == 0 ? r->s->consultations[c->sidx].id
                         : c->skind == 1 ? r->s->injects[c->sidx].id
                                         : r->s->decisions[c->sidx].id;
        if (n < 20)
            cc_buf_printf(b, "%s%s", n ? ", " : "", id);
        n++;
    }
    if (n > 20)
        cc_buf_printf(b, " and %zu more", n - 20);
}

static void objectives_text(const rep *r, const cc_guideline *g, cc_buf *b)
{
    for (size_t k = 0; k < g->objective_index.n; k++) {
        int o = g->objective_index.v[k];
        if (o < 0)
            continue;
        const cc_objective *O = &r->s->objectives[o];
        cc_buf_printf(b, "%s%s", b->len ? "; " : "", O->capability ? O->capability : O->title);
    }
}

static void build_improvement(rep *r, json_t *secs, cc_label *doc, bool *inv)
{
    const cc_scenario *s = r->s;
    sec x;
    sec_init(r, &x, "improvement", "Strengths, areas for improvement and improvement plan");
    intro(&x,
          "Derived from the findings and objective ratings above. The improvement plan is pre-filled from "
          "the guidelines missed; the corrective action is a starting point, and the capability element, "
          "responsible organisation, point of contact and dates are left for the exercise planners to fill.");
    static const char *const sc[] = {"capability", "observation", "evidence", NULL};
    json_t *str = table(&x, "strengths", "Strengths", sc);
    json_t *area = table(&x, "areas", "Areas for improvement", sc);
    static const char *const pc[] = {"capability",
                                     "issue",
                                     "corrective action",
                                     "capability element",
                                     "responsible organisation",
                                     "POC",
                                     "start",
                                     "due",
                                     "status",
                                     NULL};
    json_t *plan = table(&x, "plan", "Improvement plan", pc);
    for (size_t g = 0; g < s->nguidelines; g++) {
        const cc_guideline *G = &s->guidelines[g];
        uint32_t met, missed;
        guideline_counts(r, (int)g, &met, &missed);
        if (!met && !missed)
            continue;
        for (size_t i = 0; i < r->ngc; i++) {
            const gcount *c = &r->gc[i];
            if (c->g != (int)g)
                continue;
            bool ok;
            bool vis = c->skind == 0   ? cons_vis(r, c->sidx)
                       : c->skind == 1 ? inj_vis(r, c->sidx)
                       : c->skind == 2 ? dec_vis(r, c->sidx)
                                       : r->viewer < 0;
            if (vis) {
                const cc_label *l = subject_label(r, c->skind, c->sidx, &ok);
                sec_label(&x, l, ok || c->sidx < 0);
            }
        }
        cc_buf cap, obs, ev;
        cc_buf_init(&cap);
        cc_buf_init(&obs);
        cc_buf_init(&ev);
        objectives_text(r, G, &cap);
        if (missed) {
            cc_buf_printf(&obs, "%s (%s): missed %u of %u", G->text ? G->text : "", G->id, missed,
                          met + missed);
            cc_buf_printf(&ev, "%s missed on ", G->id);
            subjects_text(r, (int)g, true, &ev);
            json_array_append_new(area, json_pack("[s,s,s]", cap.data ? cap.data : "", obs.data, ev.data));
            char act[400];
            json_array_append_new(plan,
                                  json_pack("[s,s,s,s,s,s,s,s,s]", cap.data ? cap.data : "", obs.data,
                                            suggest_action(G, act, sizeof act), "", "", "", "", "", "open"));
        } else {
            cc_buf_printf(&obs, "%s (%s): met %u of %u", G->text ? G->text : "", G->id, met, met);
            cc_buf_printf(&ev, "%s met on ", G->id);
            subjects_text(r, (int)g, false, &ev);
            json_array_append_new(str, json_pack("[s,s,s]", cap.data ? cap.data : "", obs.data, ev.data));
        }
        cc_buf_free(&cap);
        cc_buf_free(&obs);
        cc_buf_free(&ev);
    }
    for (size_t o = 0; o < s->nobjectives; o++) {
        const rating_st *R = &r->rating[o];
        if (!R->rated)
            continue;
        const cc_objective *O = &s->objectives[o];
        char obs[1200];
        snprintf(obs, sizeof obs, "%s (%s) rated %s%s%s", O->title ? O->title : "", O->id, R->rating,
                 R->text ? ": " : "", R->text ? R->text : "");
        const char *cap = O->capability ? O->capability : "";
        json_t *row = json_pack("[s,s,s]", cap, obs, "objective rating");
        if (R->rating[0] == 'P' || R->rating[0] == 'S') {
            json_array_append_new(str, row);
        } else {
            json_array_append_new(area, row);
            json_array_append_new(plan,
                                  json_pack("[s,s,s,s,s,s,s,s,s]", cap, obs, "", "", "", "", "", "", "open"));
        }
    }
    for (size_t i = 0; i < s->ndecisions; i++) {
        const dec_st *D = &r->dec[i];
        if (!D->expired || D->made || !dec_vis(r, (int)i))
            continue;
        sec_label(&x, &D->label, D->label_ok);
        char obs[800];
        snprintf(obs, sizeof obs, "Decision %s (%s) expired undecided", s->decisions[i].id,
                 D->question ? D->question : "");
        char ev[64], tb[48];
        cc_report_tfmt(D->t_expired, tb, sizeof tb);
        snprintf(ev, sizeof ev, "decision.deadline at %s", tb);
        json_array_append_new(area, json_pack("[s,s,s]", "", obs, ev));
    }
    sec_done(r, &x, secs, doc, inv);
}

static void rep_free(rep *r)
{
    if (r->cons)
        for (size_t i = 0; i < r->s->nconsultations; i++)
            free(r->cons[i].stages);
    if (r->dec)
        for (size_t i = 0; i < r->s->ndecisions; i++) {
            json_decref(r->dec[i].options);
            json_decref(r->dec[i].deciders);
            json_decref(r->dec[i].votes);
            json_decref(r->dec[i].final_votes);
        }
    for (size_t i = 0; i < r->nmsgs; i++)
        json_decref(r->msgs[i].to);
    for (size_t i = 0; i < r->nfwds; i++)
        json_decref(r->fwds[i].to);
    json_decref(r->auto_seats);
    json_decref(r->absent);
    free(r->gc);
    cc_merkle_stream_free(r->tree);
    cc_verify_free(r->vf);
    cc_view_free(r->view);
    cc_arena_free(r->a);
}

static cc_err rep_init(rep *r, const cc_scenario *s)
{
    r->a = cc_arena_new(0);
    if (!r->a)
        return CC_ERR_NOMEM;
    size_t np = s->nparties ? s->nparties : 1;
    r->seat_map = cc_idmap_new(r->a, s->nseats + 1);
    r->inj_map = cc_idmap_new(r->a, s->ninjects + 1);
    r->dec_map = cc_idmap_new(r->a, s->ndecisions + 1);
    r->cons_map = cc_idmap_new(r->a, s->nconsultations + 1);
    r->g_map = cc_idmap_new(r->a, s->nguidelines + 1);
    r->obj_map = cc_idmap_new(r->a, s->nobjectives + 1);
    r->party_map = cc_idmap_new(r->a, np);
    r->inj = cc_arena_array(r->a, s->ninjects + 1, sizeof *r->inj);
    r->cons = cc_arena_array(r->a, s->nconsultations + 1, sizeof *r->cons);
    r->dec = cc_arena_array(r->a, s->ndecisions + 1, sizeof *r->dec);
    r->rating = cc_arena_array(r->a, s->nobjectives + 1, sizeof *r->rating);
    r->seat_denials = cc_arena_array(r->a, (s->nseats + 1) * R_NREASONS, sizeof *r->seat_denials);
    r->seat_follow = cc_arena_array(r->a, (s->nseats + 1) * F_N, sizeof *r->seat_follow);
    r->is_auto = cc_arena_array(r->a, s->nseats + 1, sizeof *r->is_auto);
    r->finds = cc_arena_array(r->a, CC_REPORT_LIST_MAX, sizeof *r->finds);
    r->msgs = cc_arena_array(r->a, CC_REPORT_LIST_MAX, sizeof *r->msgs);
    r->fwds = cc_arena_array(r->a, CC_REPORT_LIST_MAX, sizeof *r->fwds);
    r->notes = cc_arena_array(r->a, CC_REPORT_LIST_MAX, sizeof *r->notes);
    r->lost = cc_arena_array(r->a, CC_REPORT_LIST_MAX, sizeof *r->lost);
    r->bins = cc_arena_array(r->a, np * NBINS, sizeof *r->bins);
    r->absent = json_array();
    r->tree = cc_merkle_stream_new();
    if (!r->tree || cc_view_new(s, &r->view) != CC_OK)
        return CC_ERR_NOMEM;
    r->cur_msg = -1;
    if (!r->seat_map || !r->inj_map || !r->dec_map || !r->cons_map || !r->g_map || !r->obj_map ||
        !r->party_map || !r->inj || !r->cons || !r->dec || !r->rating || !r->seat_denials ||
        !r->seat_follow || !r->is_auto || !r->finds || !r->msgs || !r->fwds || !r->notes || !r->lost ||
        !r->bins || !r->absent)
        return CC_ERR_NOMEM;
    for (size_t i = 0; i < s->nseats; i++)
        cc_idmap_put(r->seat_map, s->seats[i].id, (int)i);
    for (size_t i = 0; i < s->ninjects; i++) {
        cc_idmap_put(r->inj_map, s->injects[i].id, (int)i);
        r->inj[i].rx = cc_arena_array(r->a, np, sizeof *r->inj[i].rx);
        if (!r->inj[i].rx)
            return CC_ERR_NOMEM;
        for (size_t p = 0; p < np; p++)
            r->inj[i].rx[p].first = r->inj[i].rx[p].last = -1;
        r->inj[i].viewer_t = -1;
    }
    for (size_t i = 0; i < s->ndecisions; i++) {
        cc_idmap_put(r->dec_map, s->decisions[i].id, (int)i);
        r->dec[i].deadline = r->dec[i].t_made = r->dec[i].t_expired = r->dec[i].t_open = -1;
    }
    for (size_t i = 0; i < s->nconsultations; i++) {
        cc_idmap_put(r->cons_map, s->consultations[i].id, (int)i);
        r->cons[i].done = r->cons[i].failed = -1;
    }
    for (size_t i = 0; i < s->nguidelines; i++)
        cc_idmap_put(r->g_map, s->guidelines[i].id, (int)i);
    for (size_t i = 0; i < s->nobjectives; i++)
        cc_idmap_put(r->obj_map, s->objectives[i].id, (int)i);
    for (size_t i = 0; i < s->nparties; i++)
        cc_idmap_put(r->party_map, s->parties[i].id, (int)i);
    /* the bottom label: lowest classification, releasable to every party */
    const char **codes = cc_arena_array(r->a, np, sizeof *codes);
    if (!codes)
        return CC_ERR_NOMEM;
    for (size_t i = 0; i < s->nparties; i++)
        codes[i] = s->parties[i].id;
    r->bottom_ok = cc_label_policy_nclasses(s->policy) > 0 &&
                   cc_label_build(s->policy, cc_label_policy_class_name(s->policy, 0), NULL, 0, codes,
                                  s->nparties, -1, &r->bottom, NULL, NULL) == CC_OK;
    return CC_OK;
}

cc_err cc_report_from_log(const char *path, const cc_scenario *s, const char *seat, cc_diags *d, json_t **doc)
{
    return cc_report_from_log_ex(path, s, seat, 0, d, doc);
}

cc_err cc_report_from_log_ex(const char *path, const cc_scenario *s, const char *seat, unsigned flags,
                             cc_diags *d, json_t **doc)
{
    cc_report_opts o = {seat, flags, NULL};
    return cc_report_from_log_opts(path, s, &o, d, doc);
}

int cc_report_checkpoint_ok(const json_t *doc)
{
    const json_t *c = json_object_get(doc, "checkpoint");
    return !c || strcmp(cc_report_str(c, "status"), "consistent") == 0;
}

cc_err cc_report_from_log_opts(const char *path, const cc_scenario *s, const cc_report_opts *o, cc_diags *d,
                               json_t **doc)
{
    *doc = NULL;
    if (!path || !s || !d || !o || (o->checkpoint && !o->checkpoint->cp))
        return CC_ERR_ARG;
    const char *seat = o->seat;
    rep r;
    memset(&r, 0, sizeof r);
    r.in_progress = (o->flags & CC_REPORT_IN_PROGRESS) != 0;
    r.cp = o->checkpoint;
    r.s = s;
    r.path = path;
    r.d = d;
    r.viewer = -1;
    cc_err rc = rep_init(&r, s);
    if (rc == CC_OK && r.cp) {
        rc = cc_verify_new(&r.vf);
        if (rc == CC_OK)
            rc = cc_verify_add_checkpoint(r.vf, r.cp->cp, r.cp->source);
    }
    if (rc == CC_OK && seat) {
        r.viewer = lookup(r.seat_map, seat);
        if (r.viewer < 0) {
            cc_diags_add(d, CC_SEV_ERROR, NULL, (cc_pos){0, 0}, "report-seat", "see the scenario's seats",
                         "no seat '%s' in scenario %s", seat, cc_scenario_id(s));
            rc = CC_ERR_NOTFOUND;
        }
    }
    if (rc == CC_OK)
        rc = pass1(&r);
    if (rc == CC_OK)
        rc = pass2(&r);
    if (rc == CC_OK) {
        json_t *secs = json_array();
        cc_label dl = r.bottom;
        bool dinv = !r.bottom_ok;
        build_overview(&r, secs, &dl, &dinv);
        build_timeline(&r, secs, &dl, &dinv);
        build_consult(&r, secs, &dl, &dinv);
        build_knowledge(&r, secs, &dl, &dinv);
        build_compliance(&r, secs, &dl, &dinv);
        build_decisions(&r, secs, &dl, &dinv);
        build_objectives(&r, secs, &dl, &dinv);
        build_improvement(&r, secs, &dl, &dinv);
        char b[CC_LABEL_BANNER_MAX + 80], title[600];
        banner_text(&r, &dl, dinv, b, sizeof b);
        snprintf(title, sizeof title, "%s: %s",
                 r.in_progress ? "Interim after-action report (exercise in progress)" : "After-action report",
                 s->title ? s->title : s->id);
        json_t *view = r.viewer < 0 ? json_pack("{s:s}", "kind", "control")
                                    : json_pack("{s:s,s:s,s:o,s:o}", "kind", "seat", "seat",
                                                s->seats[r.viewer].id, "party", js(s->seats[r.viewer].party),
                                                "clearance", js(s->seats[r.viewer].clearance_name));
        *doc = json_pack("{s:s,s:s,s:s,s:s,s:o,s:s,s:o,s:o}", "format", CC_REPORT_FORMAT, "kind", "aar", "title",
                         title, "banner", b, "view", view, "log_hash", r.last_hash, "merkle", merkle_json(&r),
                         "sections", secs);
        json_t *cpj = checkpoint_json(&r);
        if (*doc && cpj) {
            if (strcmp(cc_report_str(cpj, "status"), "consistent") != 0)
                json_object_set_new(*doc, "alerts", json_pack("[O]", json_object_get(cpj, "text")));
            json_object_set_new(*doc, "checkpoint", cpj);
        } else {
            json_decref(cpj);
        }
        if (!*doc)
            rc = CC_ERR_NOMEM;
    }
    rep_free(&r);
    return rc;
}

cc_err cc_report_log_start(const char *path, cc_report_start *out, cc_diags *d)
{
    memset(out, 0, sizeof *out);
    FILE *f = fopen(path, "rb");
    if (!f) {
        cc_diags_add(d, CC_SEV_ERROR, path, (cc_pos){0, 0}, "report-io", NULL, "cannot open the log: %s",
                     strerror(errno));
        return CC_ERR_IO;
    }
    lreader *lr = calloc(1, sizeof *lr);
    if (!lr) {
        fclose(f);
        return CC_ERR_NOMEM;
    }
    lr->f = f;
    int k = lr_next(lr);
    cc_err rc = CC_OK;
    if (k != 1) {
        cc_diags_add(d, CC_SEV_ERROR, path, (cc_pos){1, 1}, "report-log", NULL, "%s",
                     k == 0    ? "the log is empty"
                     : k == -1 ? "line is too long"
                     : k == -3 ? "the last line has no newline: the log is truncated"
                               : "read error");
        rc = k == -2 ? CC_ERR_IO : CC_ERR_PARSE;
    } else {
        cc_evrec e;
        cc_evlog_error why;
        if (cc_evlog_decode(lr->line, lr->len, &e, &why) != CC_OK) {
            cc_diags_add(d, CC_SEV_ERROR, path, (cc_pos){1, 1}, "report-log", NULL, "%s", why.message);
            rc = CC_ERR_PARSE;
        } else {
            if (cc_evtype_of(e.type) != CC_EV_RUN_START || e.seq != 0) {
                cc_diags_add(d, CC_SEV_ERROR, path, (cc_pos){1, 1}, "report-log", NULL,
                             "the first event is %s, not run.start", e.type);
                rc = CC_ERR_PARSE;
            } else {
                const char *h = pstr(e.payload, "scenario"), *id = pstr(e.payload, "scenario_id"),
                           *src = pstr(e.payload, "source");
                snprintf(out->scenario_hash, sizeof out->scenario_hash, "%s", h ? h : "");
                snprintf(out->scenario_id, sizeof out->scenario_id, "%s", id ? id : "");
                snprintf(out->source, sizeof out->source, "%s", src ? src : "");
            }
            cc_evrec_clear(&e);
        }
    }
    free(lr->line);
    free(lr);
    fclose(f);
    return rc;
}
