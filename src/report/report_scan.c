/* report_scan — see report_scan.h: reading the log for the after-action report. */
#include "report/report_scan.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ctime.h"
#include "core/evlog.h"
#include "core/grow.h"
#include "core/zone.h"
#include "io/plines.h"
#include "report/report_int.h"

const char *const cc_rep_reason_names[R_NREASONS] = {"class", "caveat", "releasability", "policy", "invalid"};

/* ---- streaming line reader with a bound on the line length ---- */

typedef struct lreader {
    FILE *f;
    char *line; /* the line: in rb where it lies whole in it, else own */
    size_t len;
    char *own; /* a line that spans two reads is put together here */
    size_t cap;
    char rb[1 << 16];
    size_t rpos, rlen;
    int eof;
} lreader;

/* 1: a line in r->line (without '\n', NUL-terminated; valid until the next call); 0: end of
 * file; -1: too long; -2: read error; -3: the last line has no newline (truncated). */
static int lr_next(lreader *r)
{
    r->len = 0;
    r->line = r->own;
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
        char *start = r->rb + r->rpos;
        char *nl = memchr(start, '\n', r->rlen - r->rpos);
        size_t take = nl ? (size_t)(nl - start) : r->rlen - r->rpos;
        if (r->len + take > CC_EVLOG_LINE_MAX)
            return -1;
        if (nl && r->len == 0) { /* the whole line is in rb: no copy, its newline becomes the NUL */
            *nl = 0;
            r->line = start;
            r->len = take;
            r->rpos += take + 1;
            return 1;
        }
        char *p = cc_grow(r->own, &r->cap, r->len + take + 1, 1);
        if (!p)
            return -2;
        r->own = r->line = p;
        memcpy(r->own + r->len, start, take);
        r->len += take;
        r->own[r->len] = 0;
        r->rpos += take;
        if (nl) {
            r->rpos++;
            return 1;
        }
    }
}

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

static int64_t pint(const json_t *p, const char *k, int64_t dflt)
{
    json_t *v = json_object_get(p, k);
    return json_is_integer(v) ? (int64_t)json_integer_value(v) : dflt;
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
bool cc_rep_inj_vis(const rep *r, int i)
{
    return i >= 0 && (r->viewer < 0 || r->inj[i].viewer_got);
}

bool cc_rep_dec_vis(const rep *r, int i)
{
    return i >= 0 && (r->viewer < 0 || r->dec[i].viewer_got);
}

bool cc_rep_cons_vis(const rep *r, int i)
{
    return i >= 0 && (r->viewer < 0 || r->cons[i].viewer_got);
}

bool cc_rep_msg_vis(const rep *r, const msg_st *m)
{
    return r->viewer < 0 || m->viewer_got;
}

bool cc_rep_find_vis(const rep *r, const find_st *f)
{
    switch (f->skind) {
    case 0: return cc_rep_cons_vis(r, f->sidx);
    case 1: return cc_rep_inj_vis(r, f->sidx);
    case 2: return cc_rep_dec_vis(r, f->sidx);
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
    if ((i = cc_rep_lookup(r->cons_map, id)) >= 0)
        *kind = 0, *idx = i;
    else if ((i = cc_rep_lookup(r->inj_map, id)) >= 0)
        *kind = 1, *idx = i;
    else if ((i = cc_rep_lookup(r->dec_map, id)) >= 0)
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
    int si = cc_rep_lookup(r->seat_map, seat);
    if (!st || si < 0)
        return;
    for (size_t k = 0; k < st->npart; k++)
        if (st->part[k] == si && st->acted[k] < 0)
            st->acted[k] = t;
}

static int reason_code(const char *s)
{
    for (int i = 0; i < R_NREASONS; i++)
        if (s && strcmp(s, cc_rep_reason_names[i]) == 0)
            return i;
    return R_INVALID;
}

/* A reminder sent or received, an escalation, a lost or retried message: per seat. */
static void follow(rep *r, const char *seat, int what)
{
    int i = seat ? cc_rep_lookup(r->seat_map, seat) : -1;
    if (i >= 0)
        r->seat_follow[(size_t)i * F_N + (size_t)what]++;
}

/* A delivery or denial of an inject to a seat of party (-1: none): what each party received when. */
static cc_err on_inject_delivery(rep *r, const cc_evrec *e, bool deliv, bool seen, int party)
{
    int i = cc_rep_lookup(r->inj_map, cc_rep_pstr(e->payload, "item"));
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
        I->viewer_denied = 1 + reason_code(cc_rep_pstr(e->payload, "reason"));
    }
    return CC_OK;
}

/* A message's delivery: when it first reached each party; the viewer's received messages count on
 * the timeline (by the sender's party). */
static void on_message_delivery(rep *r, const cc_evrec *e, bool deliv, bool seen, int party)
{
    const char *item = cc_rep_pstr(e->payload, "item");
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
    const char *kind = cc_rep_pstr(p, "kind");
    int si = cc_rep_lookup(r->seat_map, cc_rep_pstr(p, "seat"));
    if (!kind || si < 0) {
        r->unknown_refs++;
        return CC_OK;
    }
    int party = cc_rep_seat_party(r, si);
    bool seen = r->viewer >= 0 && (deliv ? sees(r, ve) : si == r->viewer);
    if (!deliv) {
        int rc = reason_code(cc_rep_pstr(p, "reason"));
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
    else if (strcmp(kind, "decision") == 0 && deliv && seen &&
             cc_rep_lookup(r->dec_map, cc_rep_pstr(p, "item")) >= 0)
        r->dec[cc_rep_lookup(r->dec_map, cc_rep_pstr(p, "item"))].viewer_got = true;
    else if (strcmp(kind, "consultation") == 0 && deliv && seen &&
             cc_rep_lookup(r->cons_map, cc_rep_pstr(p, "item")) >= 0)
        r->cons[cc_rep_lookup(r->cons_map, cc_rep_pstr(p, "item"))].viewer_got = true;
    return CC_OK;
}

static cc_err on_forward(rep *r, const cc_evrec *e)
{
    int i = cc_rep_lookup(r->inj_map, cc_rep_pstr(e->payload, "inject"));
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
    const char *kind = cc_rep_pstr(p, "kind");
    int sp = cc_rep_seat_party(r, cc_rep_lookup(r->seat_map, e->actor));
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
    m->id = dup(r, cc_rep_pstr(p, "message"));
    m->actor = dup(r, e->actor);
    m->text = dup(r, cc_rep_pstr(p, "text"));
    m->reply_to = dup(r, cc_rep_pstr(p, "reply_to"));
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
    int i = cc_rep_lookup(r->inj_map, cc_rep_pstr(e->payload, "inject"));
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
        I->title = dup(r, cc_rep_pstr(e->payload, "title"));
        I->body = dup(r, cc_rep_pstr(e->payload, "body"));
        I->channel = dup(r, cc_rep_pstr(e->payload, "channel"));
        I->actor = dup(r, cc_rep_pstr(e->payload, "from"));
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
    st->id = dup(r, cc_rep_pstr(p, "stage"));
    st->kind = dup(r, cc_rep_pstr(p, "kind"));
    st->mode = dup(r, cc_rep_pstr(p, "mode"));
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
        st->part[k] = cc_rep_lookup(r->seat_map, json_string_value(json_array_get(parts, k)));
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
    c->topic = dup(r, cc_rep_pstr(p, "topic"));
    c->requester = dup(r, cc_rep_pstr(p, "requested_by"));
    c->mechanism = dup(r, cc_rep_pstr(p, "mechanism"));
    c->decision = dup(r, cc_rep_pstr(p, "decision"));
    c->banner = dup(r, e->label);
    const cc_labelspec *ls = &r->s->consultations[ci].label;
    int orig =
        ls->valid ? ls->label.originator : cc_rep_seat_party(r, cc_rep_lookup(r->seat_map, c->requester));
    c->label_ok = parse_label(r, e->label, orig, &c->label);
}

static cc_err on_position(rep *r, cons_st *c, const cc_evrec *e)
{
    const char *text = cc_rep_pstr(e->payload, "text");
    stage_acted(r, c, cc_rep_pstr(e->payload, "stage"), e->actor, e->t_ms);
    if (!text)
        return CC_OK;
    if (c->npos >= POS_MAX) {
        c->more_pos++;
        return CC_OK;
    }
    if (!c->pos && !(c->pos = cc_arena_array(r->a, POS_MAX, sizeof *c->pos)))
        return CC_ERR_NOMEM;
    c->pos[c->npos++] =
        (pos_st){e->t_ms, dup(r, e->actor), dup(r, cc_rep_pstr(e->payload, "stage")), dup(r, text)};
    return CC_OK;
}

static cc_err on_consult(rep *r, const cc_evrec *e, const cc_view_event *ve)
{
    const json_t *p = e->payload;
    int ci = cc_rep_lookup(r->cons_map, cc_rep_pstr(p, "consultation"));
    if (ci < 0) {
        r->unknown_refs++;
        return CC_OK;
    }
    cons_st *c = &r->cons[ci];
    if (r->viewer >= 0 && sees(r, ve))
        c->viewer_got = true;
    stage_st *st = ve->type == CC_EV_CONSULT_STAGE || ve->type == CC_EV_CONSULT_REQUEST
                       ? NULL
                       : cur_stage(c, cc_rep_pstr(p, "stage"));
    switch (ve->type) {
    case CC_EV_CONSULT_REQUEST: on_request(r, ci, e); break;
    case CC_EV_CONSULT_STAGE: return on_stage(r, c, e);
    case CC_EV_CONSULT_STAGE_DONE:
        if (st) {
            json_t *left = json_object_get(p, "objectors");
            st->done = e->t_ms;
            st->objections = json_is_array(left) ? (uint32_t)json_array_size(left) : 0;
            st->by = dup(r, cc_rep_pstr(p, "by"));
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
        c->fail_reason = dup(r, cc_rep_pstr(p, "reason"));
        break;
    case CC_EV_CONSULT_OBJECT:
        c->objections++;
        if (cc_rep_pstr(p, "stage")) /* a review by objection in a stage with rounds: the seat acted */
            stage_acted(r, c, cc_rep_pstr(p, "stage"), e->actor, e->t_ms);
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
    D->question = dup(r, cc_rep_pstr(p, "question"));
    D->rule = dup(r, cc_rep_pstr(p, "rule"));
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
    int di = cc_rep_lookup(r->dec_map, cc_rep_pstr(p, "decision"));
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
        const char *opt = cc_rep_pstr(p, "option");
        if (!D->votes)
            D->votes = json_object();
        if (D->votes && e->actor && opt && cc_rep_lookup(r->seat_map, e->actor) >= 0)
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
        D->props[D->nprops++] = (prop_st){e->t_ms, dup(r, e->actor), dup(r, cc_rep_pstr(p, "option")),
                                          dup(r, cc_rep_pstr(p, "text"))};
        break;
    case CC_EV_DECISION_OBJECT: D->objections++; break;
    case CC_EV_DECISION_INVALID: D->invalid_votes++; break;
    case CC_EV_DECISION_MADE:
        D->made = true;
        D->t_made = e->t_ms;
        D->outcome = dup(r, cc_rep_pstr(p, "outcome"));
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
    int g = cc_rep_lookup(r->g_map, cc_rep_pstr(p, "guideline"));
    int sk, sx;
    subject_of(r, cc_rep_pstr(p, "subject"), &sk, &sx);
    const char *res = cc_rep_pstr(p, "result");
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
    f->guideline = dup(r, cc_rep_pstr(p, "guideline"));
    f->result = met ? "met" : "missed";
    f->subject = dup(r, cc_rep_pstr(p, "subject"));
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
    int o = cc_rep_lookup(r->obj_map, cc_rep_pstr(e->payload, "objective"));
    const char *rt = cc_rep_pstr(e->payload, "rating");
    if (o < 0 || !rt)
        return;
    rating_st *R = &r->rating[o];
    R->rated = true;
    snprintf(R->rating, sizeof R->rating, "%s", rt);
    R->text = dup(r, cc_rep_pstr(e->payload, "text"));
    R->t = e->t_ms;
    R->count++;
}

/* A note (on the viewer's notes pad: core/view) or a lost action: a row of a capped list. */
static void on_listed(rep *r, const cc_evrec *e, note_st *list, size_t *n, size_t *more, const char *key)
{
    if (*n < CC_REPORT_LIST_MAX)
        list[(*n)++] = (note_st){e->t_ms, dup(r, e->actor), dup(r, cc_rep_pstr(e->payload, key))};
    else
        (*more)++;
}

/* An evaluation event the viewer sees, kept for the report's objectives, feedback and scoring. */
static cc_err on_eval(rep *r, const cc_evrec *e, const cc_view_event *ve)
{
    if (!sees(r, ve))
        return CC_OK;
    eval_ev *x = cc_grow(r->evals, &r->evalcap, r->nevals + 1, sizeof *x);
    if (!x)
        return CC_ERR_NOMEM;
    r->evals = x;
    x = &r->evals[r->nevals++];
    memset(x, 0, sizeof *x);
    x->type = ve->type;
    x->seq = e->seq;
    x->t = e->t_ms;
    x->actor = dup(r, e->actor);
    x->banner = dup(r, e->label);
    x->seat = cc_rep_lookup(r->seat_map, e->actor);
    x->p = json_incref((json_t *)e->payload);
    x->label_ok = !e->label || parse_label(r, e->label, cc_rep_seat_party(r, x->seat), &x->label);
    if (!e->label)
        x->label = r->bottom;
    return CC_OK;
}

/* Hybrid seats (docs/cli.md, "Hybrid seats"): who took each seat's act, and each hand-over. */
static void on_hybrid(rep *r, const cc_evrec *e, cc_evtype type)
{
    int seat = e->actor ? cc_rep_lookup(r->seat_map, e->actor) : -1;
    const char *by = cc_hybrid_feed(r->hy, type, seat, e->t_ms, e->seq, e->payload);
    /* an act counts once: the consult.ack that follows a vote in a decide stage is part of it, and
     * control's acts are its inputs for the seat */
    int ack_of_vote = type == CC_EV_CONSULT_ACK && r->vote_seat == seat && r->vote_seq + 1 == e->seq;
    r->vote_seat = type == CC_EV_DECISION_VOTE ? seat : -1;
    r->vote_seq = e->seq;
    if (seat >= 0 && by && by[0] == 'a' && !ack_of_vote)
        r->seat_by[(size_t)seat * 2]++;
    const char *in_by = type == CC_EV_INPUT ? cc_rep_pstr(e->payload, "by") : NULL;
    if (seat >= 0 && in_by && strcmp(in_by, "control") == 0)
        r->seat_by[(size_t)seat * 2 + 1]++;
    if (type != CC_EV_SEAT_PLAY)
        return;
    const char *id = cc_rep_pstr(e->payload, "seat"), *to = cc_rep_pstr(e->payload, "by");
    if (!id || !to || cc_rep_lookup(r->seat_map, id) < 0)
        return;
    char t[48], line[400];
    cc_report_tfmt(e->t_ms, t, sizeof t);
    const char *before = json_string_value(json_object_get(r->plays, id));
    int si = cc_rep_lookup(r->seat_map, id);
    /* a first hand-over at scenario time 0 (serve --auto) says who played the seat from the start */
    if (!before && e->t_ms == 0) {
        r->is_auto[si] = strcmp(to, "agent") == 0;
        return;
    }
    snprintf(line, sizeof line, "%s%s%s from %s", before ? before : "", before ? ", " : "", to, t);
    json_object_set_new(r->plays, id, json_string(line));
    int lane = cc_rep_seat_party(r, si);
    snprintf(line, sizeof line, "%s played by %s", id, strcmp(to, "agent") == 0 ? "its agent" : "a person");
    json_array_append_new(r->ctl_marks,
                          json_pack("[I,i,s,s]", (json_int_t)e->t_ms, lane < 0 ? 0 : lane, id, line));
}

/* Control's steering acts (docs/cli.md, "Control steers"), as rows of the overview's table. */
static void on_steer(rep *r, const cc_evrec *e, const cc_view_event *ve)
{
    const json_t *p = e->payload;
    const char *act = NULL, *item = cc_rep_pstr(p, "consultation");
    const char *reason = cc_rep_pstr(p, "reason") ? cc_rep_pstr(p, "reason") : "";
    char detail[400] = "";
    switch (ve->type) {
    case CC_EV_CONSULT_FORCE: {
        const char *o = cc_rep_pstr(p, "outcome"), *opt = cc_rep_pstr(p, "option");
        act = o && strcmp(o, "fail") == 0 ? "ended as failed" : "stage ended";
        snprintf(detail, sizeof detail, "stage %s%s%s: %s",
                 cc_rep_pstr(p, "stage") ? cc_rep_pstr(p, "stage") : "?", opt ? ", outcome " : "",
                 opt ? opt : "", reason);
        break;
    }
    case CC_EV_CONSULT_REOPEN:
        /* a consultation that had ended is in progress again (docs/cli.md, "Control steers") */
        act = !cc_rep_pstr(p, "was")                            ? "stage re-opened"
              : strcmp(cc_rep_pstr(p, "was"), "completed") == 0 ? "completed consultation re-opened"
                                                                : "failed consultation re-opened";
        snprintf(detail, sizeof detail, "from %s to %s: %s",
                 cc_rep_pstr(p, "from") ? cc_rep_pstr(p, "from") : "?",
                 cc_rep_pstr(p, "to") ? cc_rep_pstr(p, "to") : "?", reason);
        break;
    case CC_EV_CONSULT_EXTEND:
    case CC_EV_DECISION_EXTEND: {
        act = "deadline extended";
        if (ve->type == CC_EV_DECISION_EXTEND)
            item = cc_rep_pstr(p, "decision");
        char by[48], to[48];
        cc_report_dfmt(pint(p, "by_ms", 0), by, sizeof by);
        cc_report_tfmt(pint(p, "deadline_ms", 0), to, sizeof to);
        snprintf(detail, sizeof detail, "by %s, to %s", by, to);
        break;
    }
    case CC_EV_INJECT_SKIP: {
        act = "inject chain skipped";
        item = cc_rep_pstr(p, "inject");
        cc_buf b;
        cc_buf_init(&b);
        size_t k;
        json_t *v;
        json_array_foreach(json_object_get(p, "skipped"), k, v)
        {
            cc_buf_printf(&b, "%s%s", k ? ", " : "held ", json_string_value(v));
        }
        snprintf(detail, sizeof detail, "%s: %s", b.data ? b.data : "", reason);
        cc_buf_free(&b);
        break;
    }
    case CC_EV_INJECT_EDIT: {
        /* an edit after the release (a label or recipients re-checked: docs/cli.md, "Control edits an
         * inject"); edits before the release stay in the MSEL's record */
        if (!json_is_true(json_object_get(p, "released")))
            return;
        act = "released inject edited";
        item = cc_rep_pstr(p, "inject");
        cc_buf b;
        cc_buf_init(&b);
        if (cc_rep_pstr(p, "label"))
            cc_buf_printf(&b, "label %s (was %s)", cc_rep_pstr(p, "label"),
                          cc_rep_pstr(p, "from") ? cc_rep_pstr(p, "from") : "?");
        size_t k;
        json_t *v;
        json_array_foreach(json_object_get(p, "to"), k, v)
        {
            cc_buf_printf(&b, "%s%s", k ? ", " : b.len ? "; to " : "to ", json_string_value(v));
        }
        snprintf(detail, sizeof detail, "%s%s%s", b.data ? b.data : "", *reason ? ": " : "", reason);
        cc_buf_free(&b);
        break;
    }
    case CC_EV_INJECT_WITHDRAW:
        act = "inject withdrawn";
        item = cc_rep_pstr(p, "inject");
        snprintf(detail, sizeof detail, "from %s (%s)", cc_rep_pstr(p, "seat") ? cc_rep_pstr(p, "seat") : "?",
                 strcmp(reason, "label") == 0 ? "its label no longer admits the seat"
                                              : "no longer a recipient");
        break;
    default: return;
    }
    if (!sees(r, ve))
        return;
    char t[48];
    cc_report_tfmt(e->t_ms, t, sizeof t);
    json_array_append_new(r->steer, json_pack("[s,s,s,s]", t, act, item ? item : "?", detail));
    /* on the timeline: on the requesting party's lane for a consultation, else the first lane */
    int c = ve->type != CC_EV_INJECT_SKIP && ve->type != CC_EV_DECISION_EXTEND &&
                    ve->type != CC_EV_INJECT_EDIT && ve->type != CC_EV_INJECT_WITHDRAW && item
                ? cc_rep_lookup(r->cons_map, item)
                : -1;
    int lane = c >= 0 ? cc_rep_seat_party(r, r->s->consultations[c].requester_index) : 0;
    char text[500];
    snprintf(text, sizeof text, "control: %s (%s)", act, detail);
    json_array_append_new(r->ctl_marks, json_pack("[I,i,s,s]", (json_int_t)e->t_ms, lane < 0 ? 0 : lane,
                                                  item ? item : "?", text));
}

/* Every event after run.start, fed to the view first. */
static cc_err on_event(rep *r, const cc_evrec *e, const cc_view_event *ve)
{
    on_hybrid(r, e, ve->type);
    on_steer(r, e, ve);
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
    if (cc_evtype_is_eval(ve->type) && ve->type != CC_EV_HOTWASH)
        return on_eval(r, e, ve);
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
    case CC_EV_INPUT: /* a seat's report counts only the inputs it may see (its own) */
        r->inputs += sees(r, ve);
        break;
    case CC_EV_INPUT_REFUSED: r->refused += sees(r, ve); break;
    case CC_EV_RUN_END:
        r->end_reason = dup(r, cc_rep_pstr(e->payload, "reason"));
        r->end_t = e->t_ms;
        break;
    default: break;
    }
    return CC_OK;
}

static cc_err on_start(rep *r, const cc_evrec *e)
{
    const json_t *p = e->payload;
    r->scenario_hash = dup(r, cc_rep_pstr(p, "scenario"));
    r->scenario_id = dup(r, cc_rep_pstr(p, "scenario_id"));
    r->source = dup(r, cc_rep_pstr(p, "source"));
    r->seed = dup(r, cc_rep_pstr(p, "seed"));
    r->variant = dup(r, cc_rep_pstr(p, "variant"));
    r->engine = dup(r, cc_rep_pstr(p, "engine"));
    r->guidelines_note = dup(r, cc_rep_pstr(json_object_get(p, "guidelines"), "note"));
    json_t *pol = json_object_get(p, "policy");
    r->policy_id = dup(r, cc_rep_pstr(pol, "id"));
    r->policy_hash = dup(r, cc_rep_pstr(pol, "hash"));
    r->replication = pint(p, "replication", 0);
    r->duration_ms = pint(p, "duration_ms", r->s->duration_s * 1000);
    if (r->duration_ms <= 0)
        r->duration_ms = 1;
    r->auto_seats = json_incref(json_object_get(p, "auto"));
    cc_hybrid_feed(r->hy, CC_EV_RUN_START, -1, 0, e->seq, p);
    size_t k;
    json_t *v;
    json_array_foreach(r->auto_seats, k, v)
    {
        int si = cc_rep_lookup(r->seat_map, json_string_value(v));
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

/* ---- payloads without a parse ----
 * Most records of a long log are deliveries and denials whose payload is a flat object of plain
 * strings ({"item":"I-7","kind":"inject","seat":"usa-chair"}). The report reads them as jansson
 * objects, as cc_evlog_decode gives them; parsing each with json_loadb and freeing it was about a
 * fifth of the report's time. Such a payload (no backslash, every value a string, at most PL_MAX
 * members) is read straight from the scanned text into a cached object of the same keys, whose
 * string values are set in place: the same object json_loadb would build. The cache is used only
 * while no one else holds a reference to it or to one of its values (a handler that keeps one gets
 * it unchanged; the next payload gets a new object). Any other payload goes through json_loadb. */

#define PL_MAX 8
#define PL_KEY 48

typedef struct plcache {
    json_t *obj; /* NULL: none */
    json_t *val[PL_MAX];
    char key[PL_MAX][PL_KEY];
    size_t nkeys;
} plcache;

static void pl_drop(plcache *c)
{
    json_decref(c->obj);
    c->obj = NULL;
    c->nkeys = 0;
}

/* The payload object of text[0..n) (a canonical object the scanner accepted); NULL on ENOMEM or when
 * jansson refuses it. *owned: 1 when the caller must json_decref it, 0 when it belongs to c. */
static json_t *pl_object(plcache *c, const char *text, size_t n, int *owned)
{
    *owned = 1;
    const char *k[PL_MAX], *v[PL_MAX];
    size_t kn[PL_MAX], vn[PL_MAX], m = 0;
    const char *p = text + 1, *end = text + n - 1; /* inside the braces */
    int flat = n >= 2 && !memchr(text, '\\', n);
    while (flat && p < end) {
        const char *q;
        if (m == PL_MAX || *p != '"' || !(q = memchr(p + 1, '"', (size_t)(end - p - 1))) ||
            (size_t)(q - p - 1) >= PL_KEY || q + 2 >= end || q[1] != ':' || q[2] != '"') {
            flat = 0;
            break;
        }
        k[m] = p + 1, kn[m] = (size_t)(q - p - 1);
        p = q + 3;
        if (!(q = memchr(p, '"', (size_t)(end - p)))) {
            flat = 0;
            break;
        }
        v[m] = p, vn[m++] = (size_t)(q - p);
        p = q + 1;
        if (p < end && *p++ != ',')
            flat = 0;
    }
    if (!flat) {
        json_error_t je;
        return json_loadb(text, n, JSON_REJECT_DUPLICATES, &je);
    }
    int same = c->obj && c->nkeys == m && c->obj->refcount == 1;
    for (size_t i = 0; same && i < m; i++)
        same = c->val[i]->refcount == 1 && strlen(c->key[i]) == kn[i] && memcmp(c->key[i], k[i], kn[i]) == 0;
    for (size_t i = 0; same && i < m; i++)
        if (json_string_setn_nocheck(c->val[i], v[i], vn[i]) != 0) {
            pl_drop(c);
            return NULL;
        }
    if (!same) {
        pl_drop(c);
        json_t *o = json_object();
        for (size_t i = 0; o && i < m; i++) {
            memcpy(c->key[i], k[i], kn[i]);
            c->key[i][kn[i]] = 0;
            c->val[i] = json_stringn_nocheck(v[i], vn[i]);
            if (json_object_set_nocheck(o, c->key[i], c->val[i]) != 0) {
                json_decref(c->val[i]);
                json_decref(o);
                o = NULL;
                break;
            }
            json_decref(c->val[i]); /* o holds it */
        }
        if (!o)
            return NULL;
        c->obj = o;
        c->nkeys = m;
    }
    *owned = 0;
    return c->obj;
}

/* ---- the lines of pass 1 ----
 * With r->threads > 1 they come from io/plines, checked (cc_evlog_check_spans, Merkle leaf) on
 * worker threads and handed back in file order; otherwise, or when plines cannot open the log
 * (then the plain reader meets the same failure and says it as before), from lr_next. Both give
 * the same lines with the same endings and limits (docs/event-log.md, "Checking lines on several
 * threads"). The path "-" is a file of that name here (fopen), not standard input as in
 * plines, so it is always read by lr_next. */
typedef struct p1src {
    FILE *f;
    lreader *lr;
    cc_plines *pl;
    cc_plines_line pll; /* plines: the line, its check, head, spans and leaf */
    const char *line;
    size_t len;
} p1src;

/* Opens the log for pass 1. CC_OK, CC_ERR_IO (said in r->d), CC_ERR_NOMEM. */
static cc_err src_open(rep *r, p1src *s)
{
    memset(s, 0, sizeof *s);
    if (r->threads > 1 && strcmp(r->path, "-") != 0) {
        cc_plines_opts o = {r->threads, r->batch, 1, 1};
        char why[300];
        if (cc_plines_open(r->path, CC_EVLOG_LINE_MAX, &o, &s->pl, why, sizeof why) == CC_OK)
            return CC_OK;
        s->pl = NULL;
    }
    s->f = fopen(r->path, "rb");
    if (!s->f) {
        cc_diags_add(r->d, CC_SEV_ERROR, r->path, (cc_pos){0, 0}, "report-io", NULL,
                     "cannot open the log: %s", strerror(errno));
        return CC_ERR_IO;
    }
    s->lr = calloc(1, sizeof *s->lr);
    if (!s->lr) {
        fclose(s->f);
        s->f = NULL;
        return CC_ERR_NOMEM;
    }
    s->lr->f = s->f;
    return CC_OK;
}

static void src_close(p1src *s)
{
    cc_plines_close(s->pl);
    if (s->lr)
        free(s->lr->own);
    free(s->lr);
    if (s->f)
        fclose(s->f);
}

/* lr_next's answer for the next line (s->line, s->len), or -4 when plines is out of memory. */
static int src_next(p1src *s)
{
    if (!s->pl) {
        int k = lr_next(s->lr);
        s->line = s->lr->line;
        s->len = s->lr->len;
        return k;
    }
    char why[300];
    cc_err rc = cc_plines_next(s->pl, &s->pll, why, sizeof why);
    if (rc != CC_OK)
        return rc == CC_ERR_NOTFOUND ? 0 : rc == CC_ERR_LIMIT ? -1 : rc == CC_ERR_IO ? -2 : -4;
    s->line = s->pll.line;
    s->len = s->pll.len;
    return s->pll.complete ? 1 : -3;
}

/* Pass 1: verify and aggregate. */
static cc_err pass1(rep *r)
{
    p1src src;
    cc_err rc = src_open(r, &src);
    if (rc != CC_OK)
        return rc;
    bool ended = false;
    uint64_t n = 0;
    plcache pc = {0};
    char *sbuf = NULL;
    size_t sbcap = 0;
    /* a line plines checked and accepted: its head, spans and leaf */
    const cc_plines_line *ok = NULL;
    for (;;) {
        int k = src_next(&src);
        if (k == 0)
            break;
        uint64_t line = n + 1;
        if (k == -4) {
            rc = fail(r, line, CC_ERR_NOMEM, "%s", "out of memory");
            break;
        }
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
        /* the scanner alone where it accepts the line (strings into sbuf, payload as above);
         * cc_evlog_decode for every other line, which it decides (the same record or refusal) */
        cc_evrec e;
        cc_evlog_error why;
        const char *ptext;
        size_t plen;
        int owned = 1, scanned = 0;
        char *sb = cc_grow(sbuf, &sbcap, src.len + 3, 1);
        if (!sb) {
            rc = fail(r, line, CC_ERR_NOMEM, "%s", "out of memory");
            break;
        }
        sbuf = sb;
        ok = src.pl && src.pll.check == CC_OK ? &src.pll : NULL;
        /* (a line plines checked is scanned already: its strings and payload are taken from the
         * spans, hashing nothing again; the values are cc_evlog_scan's) */
        if (ok ? cc_evlog_scan_checked(ok->head, ok->spans, &e, sbuf, &ptext, &plen)
               : !src.pl && cc_evlog_scan(src.line, src.len, &e, sbuf, &ptext, &plen)) {
            e.payload = pl_object(&pc, ptext, plen, &owned);
            scanned = e.payload != NULL;
        }
        if (!scanned && cc_evlog_decode(src.line, src.len, &e, &why) != CC_OK) {
            rc = fail(r, line, CC_ERR_PARSE, "%s", why.message);
            break;
        }
        char msg[160];
        cc_view_event ve; /* its type looked up once, for every test below */
        cc_view_event_of(&e, &ve);
        if (e.seq != n) {
            snprintf(msg, sizeof msg,
                     "sequence number is %llu, expected %llu (event deleted, inserted or moved)",
                     (unsigned long long)e.seq, (unsigned long long)n);
            rc = fail(r, line, CC_ERR_PARSE, "%s", msg);
        } else if (memcmp(e.prev, r->prev, 32) != 0) {
            rc = fail(r, line, CC_ERR_PARSE, "%s",
                      "prev does not match the hash of the previous event: the hash chain is broken");
        } else if (n == 0 && ve.type != CC_EV_RUN_START) {
            rc = fail(r, line, CC_ERR_PARSE, "the first event is %s, not run.start", e.type);
        } else if (n > 0 && ve.type == CC_EV_RUN_START) {
            rc = fail(r, line, CC_ERR_PARSE, "%s", "a second run.start");
        } else {
            cc_view_feed(r->view, &ve);
            rc = n == 0 ? on_start(r, &e) : on_event(r, &e, &ve);
            if (rc == CC_ERR_NOMEM)
                fail(r, line, rc, "%s", "out of memory");
        }
        if (rc == CC_OK) {
            /* (a line plines accepted: its leaf hash and check come from the worker; the verdicts
             * are those of cc_merkle_stream_append and cc_verify_line on it) */
            rc = ok ? cc_merkle_stream_append_hash(r->tree, ok->leaf)
                    : cc_merkle_stream_append(r->tree, e.hash, 32);
            if (r->vf && ok) /* its verdict is read at the end */
                cc_verify_checked(r->vf, 1, CC_OK, ok->head, NULL, ok->leaf);
            else if (r->vf)
                cc_verify_line(r->vf, src.line, src.len, 1);
        }
        if (rc == CC_OK) {
            memcpy(r->prev, e.hash, 32); /* last_hash: its hex, written after the loop */
            if (n == 0)
                cc_hex(e.hash, 32, r->first_hash);
            ended = ve.type == CC_EV_RUN_END;
            if (e.t_ms > r->last_t)
                r->last_t = e.t_ms;
        }
        if (!scanned)
            cc_evrec_clear(&e);
        else if (owned)
            json_decref(e.payload);
        if (rc)
            break;
        n++;
    }
    pl_drop(&pc);
    free(sbuf);
    if (n > 0) /* the hash of the last event accepted */
        cc_hex(r->prev, 32, r->last_hash);
    if (rc == CC_OK && n == 0)
        rc = fail(r, 1, CC_ERR_PARSE, "the log is empty%s", "");
    else if (rc == CC_OK && !ended && !r->in_progress)
        rc = fail(r, n, CC_ERR_PARSE, "the log ends without run.end: it is truncated%s", "");
    r->ended = ended;
    if (rc == CC_OK && !ended) {
        /* an interim report: what is open is timed up to now (the live clock) or the last event */
        r->end_t = r->as_of_ms > r->last_t ? r->as_of_ms : r->last_t;
        r->end_reason = r->as_of_ms > 0
                            ? "interim: the exercise is in progress"
                            : "interim: the log has no run.end; the exercise is running or was stopped";
    }
    r->nevents = n;
    if (rc == CC_OK && r->vf)
        cc_verify_finish(r->vf, &r->vres);
    src_close(&src);
    return rc;
}

/* ---- pass 2: the cc_rep_evidence events of the findings shown ---- */

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
        const char *v = cc_rep_pstr(p, keys[i]);
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
    if ((i = cc_rep_lookup(r->cons_map, cc_rep_pstr(p, "consultation"))) >= 0)
        return cc_rep_cons_vis(r, i);
    if ((i = cc_rep_lookup(r->dec_map, cc_rep_pstr(p, "decision"))) >= 0)
        return cc_rep_dec_vis(r, i);
    if ((i = cc_rep_lookup(r->inj_map, cc_rep_pstr(p, "inject"))) >= 0)
        return cc_rep_inj_vis(r, i);
    const char *kind = cc_rep_pstr(p, "kind"), *item = cc_rep_pstr(p, "item");
    if (kind && item) {
        if (strcmp(kind, "inject") == 0)
            return cc_rep_inj_vis(r, cc_rep_lookup(r->inj_map, item));
        if (strcmp(kind, "decision") == 0)
            return cc_rep_dec_vis(r, cc_rep_lookup(r->dec_map, item));
        if (strcmp(kind, "consultation") == 0)
            return cc_rep_cons_vis(r, cc_rep_lookup(r->cons_map, item));
        return false;
    }
    if ((i = cc_rep_lookup(r->cons_map, cc_rep_pstr(p, "subject"))) >= 0)
        return cc_rep_cons_vis(r, i);
    if ((i = cc_rep_lookup(r->inj_map, cc_rep_pstr(p, "subject"))) >= 0)
        return cc_rep_inj_vis(r, i);
    if ((i = cc_rep_lookup(r->dec_map, cc_rep_pstr(p, "subject"))) >= 0)
        return cc_rep_dec_vis(r, i);
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
        if (cc_rep_find_vis(r, &r->finds[i]))
            want += 2;
    for (size_t i = 0; i < r->nevals; i++) /* the evidence observations cite */
        if (r->evals[i].type == CC_EV_EVAL_OBSERVATION)
            want += json_array_size(json_object_get(r->evals[i].p, "evidence"));
    if (!want)
        return CC_OK;
    uint64_t *seqs = malloc(want * sizeof *seqs);
    if (!seqs)
        return CC_ERR_NOMEM;
    size_t n = 0;
    for (size_t i = 0; i < r->nfinds; i++)
        if (cc_rep_find_vis(r, &r->finds[i])) {
            seqs[n++] = r->finds[i].ev[0];
            seqs[n++] = r->finds[i].ev[1];
        }
    for (size_t i = 0; i < r->nevals; i++) {
        size_t k;
        const json_t *v;
        if (r->evals[i].type == CC_EV_EVAL_OBSERVATION)
            json_array_foreach(json_object_get(r->evals[i].p, "evidence"), k, v)
            {
                seqs[n++] = (uint64_t)json_integer_value(v);
            }
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
    free(lr->own);
    free(lr);
    fclose(f);
    return rc;
}

const evbrief *cc_rep_evidence(const rep *r, uint64_t seq)
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

void cc_rep_free(rep *r)
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
    for (size_t i = 0; i < r->nevals; i++)
        json_decref(r->evals[i].p);
    free(r->evals);
    json_decref(r->plays);
    json_decref(r->steer);
    json_decref(r->ctl_marks);
    cc_hybrid_free(r->hy);
    free(r->gc);
    cc_merkle_stream_free(r->tree);
    cc_verify_free(r->vf);
    cc_view_free(r->view);
    cc_arena_free(r->a);
}

cc_err cc_rep_init(rep *r, const cc_scenario *s)
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
    r->plays = json_object();
    r->steer = json_array();
    r->ctl_marks = json_array();
    r->vote_seat = -1;
    r->hy = cc_hybrid_new(s);
    r->seat_by = cc_arena_array(r->a, (s->nseats + 1) * 2, sizeof *r->seat_by);
    if (!r->plays || !r->steer || !r->ctl_marks || !r->hy || !r->seat_by)
        return CC_ERR_NOMEM;
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
                const char *h = cc_rep_pstr(e.payload, "scenario"),
                           *id = cc_rep_pstr(e.payload, "scenario_id"),
                           *src = cc_rep_pstr(e.payload, "source");
                snprintf(out->scenario_hash, sizeof out->scenario_hash, "%s", h ? h : "");
                snprintf(out->scenario_id, sizeof out->scenario_id, "%s", id ? id : "");
                snprintf(out->source, sizeof out->source, "%s", src ? src : "");
            }
            cc_evrec_clear(&e);
        }
    }
    free(lr->own);
    free(lr);
    fclose(f);
    return rc;
}

cc_err cc_rep_scan(rep *r)
{
    cc_err rc = pass1(r);
    return rc == CC_OK ? pass2(r) : rc;
}
