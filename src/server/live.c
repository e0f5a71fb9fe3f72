/* live — see live.h. What it keeps does not grow with the log (but for one mark per 64 messages
 * or 2,048 events, and one entry per inject released). Each committed event is parsed once: who
 * may see it is decided (a seat bitmap from the event's kind and addressees, then the label
 * rule), it is folded into each viewer's projection (consultations, decisions, ratings, and the
 * most recent items, notes and findings), and its stream frame joins a ring of the most recent
 * events. Anything older is read back from the store when it is asked for (an event stream
 * resuming from far back, an old item by id) and rendered and filtered exactly as when it was
 * committed: visibility depends on the seq at which each seat joined each consultation and
 * decision (kept), deliveries show the release of their inject (kept) or their message (read
 * back, found by the marks). */
#include "server/live.h"

#include "core/evaluation.h"

#include <ctype.h>
#include <inttypes.h>
#include <pthread.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ctime.h"
#include "core/engine.h"
#include "core/evlog.h"
#include "core/label.h"
#include "core/merkle.h"
#include "core/replay.h"
#include "core/verify.h"
#include "core/view.h"
#include "core/hybrid.h"
#include "server/obsbook.h"
#include "server/pickers.h"
#include "server/stuck.h"
#include "core/witness.h"
#include "core/scenario_model.h"
#include "core/grow.h"
#include "io/scenario_load.h"
#include "server/wclient.h"

#define KEEP_LIST 500         /* items, notes and findings a snapshot lists per viewer: the most recent */
#define RING_EVENTS 4096      /* stream frames kept in memory (the most recent events) ... */
#define RING_BYTES (4u << 20) /* ... and at most this many bytes of them */
#define WALK_EVENTS 4096      /* events one read-back from the store examines at most */
#define BACKLOG_FACTOR 8      /* a stream's read-back sends up to 8 times what it asks of the ring */
#define MSG_STRIDE 64         /* a message index mark every 64 messages ... */
#define MSG_GAP 2048          /* ... or every 2048 events, whichever comes first */
#define MSG_CACHE 4           /* contents of the last messages, for the deliveries that follow them */
#define NEVER UINT64_MAX

/* The most recent values of a list (each shared and never changed once listed) and how many were
 * ever added. */
typedef struct recent {
    json_t **v; /* KEEP_LIST slots, allocated on the first add */
    size_t head, n;
    uint64_t total;
} recent;

/* What one viewer's snapshot is made of: views[0..nseats) are the seats', views[nseats] control's. */
typedef struct view {
    recent items, notes, findings;
    json_t *cons, *decs; /* arrays, changed in place by later events (copied out for a snapshot) */
    json_t *injects;     /* inject id -> the viewer's first item of it */
    json_t *ratings;     /* objective id -> rating (control) */
} view;

/* The stream frame of a recent event: "id: N\nevent: caucus\ndata: {...}\n\n" (len bytes), then
 * one byte per seat and one for control: 1 = visible. */
typedef struct frame {
    char *text;
    size_t len;
} frame;

/* What the deliveries of an inject released at seq show (title, body, from, channel). */
typedef struct release {
    char *id;
    uint64_t seq;
    json_t *show;
} release;

/* What the deliveries of the last few messages show (text, to, reply_to, from). */
typedef struct msgcache {
    char id[MSG_CACHE][32];
    json_t *show[MSG_CACHE];
    size_t next;
} msgcache;

/* Message M<k> is at seq: a mark of the sparse message index. */
typedef struct msgmark {
    uint64_t k, seq;
} msgmark;

/* Stored lines the engine has to regenerate, in order, while replaying. */
typedef struct fifo {
    char **line;
    uint64_t *seq;
    size_t head, n, cap;
} fifo;

struct cc_live {
    pthread_mutex_t mu;
    /* participant feedback (docs/ui.md): the questionnaires sent (feedback.open) and each seat's
     * last answers (questionnaire x seat), for the seat's state; NULL until the first */
    int64_t *fb_sent; /* per questionnaire: 1 + the scenario time it was sent, 0 not sent */
    json_t **fb_answers;
    json_t *fb_scores; /* model -> move -> team -> {"scores", "t", "by"}: the last submissions */
    cc_obsbook *obs;   /* the evaluators' observations, with who may see each */
    cc_store *st;
    uint64_t seed; /* the run's seed (run.start), for a resumed exercise too */
    cc_live_publish_fn publish;
    void *publish_ctx;
    int64_t id;
    char *name;
    cc_scenario *s;
    cc_engine *e;
    cc_buf pending;    /* lines the engine emitted since the last commit */
    int broken;        /* the state could not be rebuilt from the store: no more changes */
    int conflict;      /* another process committed the events this one tried to: resync */
    int64_t last_wall; /* wall time last given to the engine: callers race for the lock, so a
                          later caller may hold an earlier reading; the engine's wall time never
                          goes back, or the log would not replay */
    uint64_t nev;      /* events committed and folded */
    cc_view *view;     /* who may see each event (core/view), fed every committed event */
    cc_hybrid *hy;     /* who plays each seat and who took each act (server/hybrid) */
    release *rel;
    size_t nrel, caprel;
    msgcache msgs; /* for the deliveries being committed */
    msgmark *marks;
    size_t nmarks, capmarks;
    uint64_t nmsg; /* highest message number committed */
    view *views;   /* nseats + 1 */
    frame *ring;   /* RING_EVENTS slots holding events [nev - nring, nev) */
    size_t ring_head, nring, ring_bytes;
    uint8_t *vis;      /* nseats + 1: scratch of ingest (cc_view_why per viewer) */
    char refused[200]; /* reason of the last input.refused committed */
    /* checkpoints */
    const cc_note_signer *signer;
    uint64_t cp_every, cp_last;
    char *cp_dir;
    cc_merkle_stream *tree;
    char origin[100];
    char *wit_url; /* witness: add-checkpoint URL, or NULL */
    const cc_note_verifier *wit_key;
    uint64_t wit_size; /* size of the last checkpoint the witness cosigned for us (0: none known) */
    size_t next_phase; /* index of the next phase start the clock has not passed */
    /* replay: regenerated lines are compared with the stored ones instead of committed */
    int replaying;
    uint64_t replay_end; /* events in the store when the replay began */
    fifo expect;
    uint64_t expect_next; /* seq of the next line the engine must regenerate */
    char mismatch[200];
    /* a debrief copy (cc_live_resume_at): the events after stop_at are read from neither the store
     * nor the engine; NEVER otherwise */
    uint64_t stop_at;
};

static void set_why(char *why, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void set_why(char *why, size_t n, const char *fmt, ...)
{
    if (!why || !n)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, n, fmt, ap);
    va_end(ap);
}

static int seat_of(const cc_scenario *s, const char *id)
{
    if (!id)
        return -1;
    for (size_t i = 0; i < s->nseats; i++)
        if (strcmp(s->seats[i].id, id) == 0)
            return (int)i;
    return -1;
}

static int consultation_of(const cc_scenario *s, const char *id)
{
    for (size_t i = 0; id && i < s->nconsultations; i++)
        if (strcmp(s->consultations[i].id, id) == 0)
            return (int)i;
    return -1;
}

static const char *pstr(json_t *payload, const char *k)
{
    return json_string_value(json_object_get(payload, k));
}

static uint64_t seq_of(json_t *x)
{
    return (uint64_t)json_integer_value(json_object_get(x, "seq"));
}

/* k of a message id "M<k>", 0 when id is not one. */
static uint64_t msg_number(const char *id)
{
    if (!id || id[0] != 'M' || !id[1])
        return 0;
    uint64_t k = 0;
    for (const char *p = id + 1; *p; p++) {
        if (*p < '0' || *p > '9' || k > (UINT64_MAX - 9) / 10)
            return 0;
        k = k * 10 + (uint64_t)(*p - '0');
    }
    return k;
}

/* Whether line (len bytes, not NUL-terminated) contains needle: a cheap filter before parsing. */
static int contains(const char *line, size_t len, const char *needle)
{
    size_t n = strlen(needle);
    for (const char *p = line; n && (size_t)(line + len - p) >= n; p++) {
        p = memchr(p, needle[0], (size_t)(line + len - p) - n + 1);
        if (!p)
            return 0;
        if (memcmp(p, needle, n) == 0)
            return 1;
    }
    return 0;
}

/* vis: why each seat, then control, may or may not see an event (cc_view_decide). */
static int sees(const cc_live *lv, cc_live_viewer v, const uint8_t *vis)
{
    if (v.control)
        return cc_view_sees((cc_view_why)vis[lv->s->nseats]);
    return v.seat >= 0 && (size_t)v.seat < lv->s->nseats && cc_view_sees((cc_view_why)vis[v.seat]);
}

static view *view_of(cc_live *lv, cc_live_viewer v)
{
    if (v.control)
        return &lv->views[lv->s->nseats];
    return v.seat >= 0 && (size_t)v.seat < lv->s->nseats ? &lv->views[v.seat] : NULL;
}

/* ---- small containers ---- */

/* Lists x (the reference is taken). */
static int recent_add(recent *r, json_t *x)
{
    if (!x)
        return -1;
    if (!r->v && !(r->v = calloc(KEEP_LIST, sizeof *r->v))) {
        json_decref(x);
        return -1;
    }
    if (r->n == KEEP_LIST) {
        json_decref(r->v[r->head]);
        r->v[r->head] = x;
        r->head = (r->head + 1) % KEEP_LIST;
    } else {
        r->v[(r->head + r->n++) % KEEP_LIST] = x;
    }
    r->total++;
    return 0;
}

static json_t *recent_json(const recent *r)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < r->n; i++)
        json_array_append(a, r->v[(r->head + i) % KEEP_LIST]);
    return a;
}

static void recent_free(recent *r)
{
    for (size_t i = 0; i < r->n; i++)
        json_decref(r->v[(r->head + i) % KEEP_LIST]);
    free(r->v);
    memset(r, 0, sizeof *r);
}

static void view_free(view *v)
{
    recent_free(&v->items);
    recent_free(&v->notes);
    recent_free(&v->findings);
    json_decref(v->cons);
    json_decref(v->decs);
    json_decref(v->injects);
    json_decref(v->ratings);
    memset(v, 0, sizeof *v);
}

static int view_init(view *v)
{
    memset(v, 0, sizeof *v);
    v->cons = json_array();
    v->decs = json_array();
    v->injects = json_object();
    v->ratings = json_object();
    return v->cons && v->decs && v->injects && v->ratings ? 0 : -1;
}

/* Keeps show (the reference is taken) as what the deliveries of message id show. */
static void msgcache_put(msgcache *c, const char *id, json_t *show)
{
    if (!show || strlen(id) >= sizeof c->id[0]) {
        json_decref(show);
        return;
    }
    size_t i = c->next++ % MSG_CACHE;
    json_decref(c->show[i]);
    snprintf(c->id[i], sizeof c->id[i], "%s", id);
    c->show[i] = show;
}

static json_t *msgcache_get(const msgcache *c, const char *id)
{
    for (size_t i = 0; i < MSG_CACHE; i++)
        if (c->show[i] && strcmp(c->id[i], id) == 0)
            return c->show[i];
    return NULL;
}

static void msgcache_clear(msgcache *c)
{
    for (size_t i = 0; i < MSG_CACHE; i++)
        json_decref(c->show[i]);
    memset(c, 0, sizeof *c);
}

static int fifo_push(fifo *f, uint64_t seq, const char *line, size_t len)
{
    if (f->head + f->n == f->cap) {
        if (f->head > 0) {
            memmove(f->line, f->line + f->head, f->n * sizeof *f->line);
            memmove(f->seq, f->seq + f->head, f->n * sizeof *f->seq);
            f->head = 0;
        } else {
            size_t cl = f->cap, cs = f->cap; /* two arrays of one capacity */
            char **nl = cc_grow(f->line, &cl, f->n + 1, sizeof *nl);
            if (nl)
                f->line = nl;
            uint64_t *ns = nl ? cc_grow(f->seq, &cs, f->n + 1, sizeof *ns) : NULL;
            if (!ns)
                return -1;
            f->seq = ns;
            f->cap = cl;
        }
    }
    char *c = malloc(len + 1);
    if (!c)
        return -1;
    memcpy(c, line, len);
    c[len] = 0;
    f->line[f->head + f->n] = c;
    f->seq[f->head + f->n] = seq;
    f->n++;
    return 0;
}

static void fifo_pop(fifo *f)
{
    free(f->line[f->head]);
    f->head++;
    if (--f->n == 0)
        f->head = 0;
}

static void fifo_free(fifo *f)
{
    while (f->n)
        fifo_pop(f);
    free(f->line);
    free(f->seq);
    memset(f, 0, sizeof *f);
}

/* The engine's sink: collect (or, while replaying, compare with the stored log). */
static int sink(void *ctx, const char *line, size_t len)
{
    cc_live *lv = ctx;
    if (lv->replaying) {
        fifo *f = &lv->expect;
        if (f->n == 0 && lv->stop_at != NEVER && lv->expect_next > lv->stop_at)
            return 0; /* a debrief copy: what the engine makes after its event is not shown */
        if (f->n == 0) {
            snprintf(lv->mismatch, sizeof lv->mismatch,
                     "the engine produced event %" PRIu64 ", which the store lacks", lv->expect_next);
            return 1;
        }
        const char *want = f->line[f->head];
        if (strlen(want) != len - 1 || memcmp(want, line, len - 1) != 0) {
            snprintf(lv->mismatch, sizeof lv->mismatch,
                     "event %" PRIu64
                     " regenerated differs from the stored one (different engine, or an altered store)",
                     f->seq[f->head]);
            return 1;
        }
        lv->expect_next = f->seq[f->head] + 1;
        fifo_pop(f);
    }
    return cc_buf_append(&lv->pending, line, len) == CC_OK ? 0 : 1;
}

/* ---- what deliveries show ---- */

static json_t *pick(json_t *from, const char *const *keys, size_t n)
{
    json_t *o = json_object();
    for (size_t i = 0; o && i < n; i++) {
        json_t *x = json_object_get(from, keys[i]);
        if (x)
            json_object_set(o, keys[i], x);
    }
    return o;
}

/* What the deliveries of a message (its record) show: text, addressees, what it answers, sender. */
static json_t *message_show(json_t *rec)
{
    static const char *const keys[] = {"text", "to", "reply_to", "lang"};
    json_t *o = pick(json_object_get(rec, "payload"), keys, 4);
    json_t *actor = json_object_get(rec, "actor");
    if (o && actor)
        json_object_set(o, "from", actor);
    return o;
}

static int add_release(cc_live *lv, const char *id, uint64_t seq, json_t *payload)
{
    static const char *const keys[] = {"title", "body", "from", "channel"};
    if (!id)
        return 0;
    release *n = cc_grow(lv->rel, &lv->caprel, lv->nrel + 1, sizeof *n);
    if (!n)
        return -1;
    lv->rel = n;
    release *r = &lv->rel[lv->nrel];
    r->id = strdup(id);
    r->seq = seq;
    r->show = pick(payload, keys, 4);
    if (!r->id || !r->show) {
        free(r->id);
        json_decref(r->show);
        return -1;
    }
    lv->nrel++;
    return 0;
}

/* What the delivery at seq of inject id shows: the last release of it before. Borrowed. */
static json_t *release_show(const cc_live *lv, const char *id, uint64_t seq)
{
    for (size_t i = lv->nrel; i-- > 0;)
        if (lv->rel[i].seq < seq && strcmp(lv->rel[i].id, id) == 0)
            return lv->rel[i].show;
    return NULL;
}

static int add_mark(cc_live *lv, uint64_t k, uint64_t seq)
{
    if (k > lv->nmsg)
        lv->nmsg = k;
    const msgmark *last = lv->nmarks ? &lv->marks[lv->nmarks - 1] : NULL;
    if (last && k < last->k + MSG_STRIDE && seq < last->seq + MSG_GAP)
        return 0;
    msgmark *n = cc_grow(lv->marks, &lv->capmarks, lv->nmarks + 1, sizeof *n);
    if (!n)
        return -1;
    lv->marks = n;
    lv->marks[lv->nmarks++] = (msgmark){k, seq};
    return 0;
}

/* Where to start reading for message k: every message between two marks lies less than MSG_GAP
 * events after the first of them. */
static uint64_t mark_before(const cc_live *lv, uint64_t k)
{
    size_t lo = 0, hi = lv->nmarks; /* the last mark with .k <= k is lo - 1 */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (lv->marks[mid].k <= k)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo ? lv->marks[lo - 1].seq : 0;
}

typedef struct msgfind {
    const char *id;
    uint64_t k;
    size_t seen;
    json_t *show;
} msgfind;

static int find_message(void *ctx, uint64_t seq, const char *line, size_t len)
{
    msgfind *f = ctx;
    (void)seq;
    if (f->seen++ >= 2 * WALK_EVENTS)
        return 1;
    if (!contains(line, len, "\"type\":\"message\""))
        return 0;
    json_t *r = json_loadb(line, len, 0, NULL);
    const char *type = json_string_value(json_object_get(r, "type"));
    const char *mid = pstr(json_object_get(r, "payload"), "message");
    int stop = 0;
    if (cc_evtype_of(type) == CC_EV_MESSAGE && mid) {
        if (strcmp(mid, f->id) == 0) {
            f->show = message_show(r);
            stop = 1;
        } else if (msg_number(mid) > f->k) {
            stop = 1; /* passed it: there is none */
        }
    }
    json_decref(r);
    return stop;
}

/* What the deliveries of message id show, read back from the store; a new reference or NULL. */
static json_t *message_from_store(cc_live *lv, const char *id)
{
    msgfind f = {id, msg_number(id), 0, NULL};
    if (!f.k || f.k > lv->nmsg)
        return NULL;
    cc_store_error err;
    cc_store_events(lv->st, lv->id, mark_before(lv, f.k), find_message, &f, NULL, &err);
    return f.show;
}

/* Adds to a delivery's payload what the seat needs to read the item: the inject as released, or
 * the message as sent. */
static void augment(cc_live *lv, msgcache *mc, json_t *payload, uint64_t seq)
{
    const char *kind = pstr(payload, "kind"), *item = pstr(payload, "item");
    if (!kind || !item)
        return;
    json_t *show = NULL;
    if (strcmp(kind, "inject") == 0) {
        show = json_incref(release_show(lv, item, seq));
    } else if (strcmp(kind, "message") == 0) {
        show = json_incref(msgcache_get(mc, item));
        if (!show)
            show = message_from_store(lv, item);
    }
    const char *k;
    json_t *x;
    json_object_foreach(show, k, x)
    {
        json_object_set(payload, k, x);
    }
    json_decref(show);
}

/* ---- visibility ---- */

/* The view's reading of a record (borrowed). */
static cc_view_event view_event(json_t *rec, uint64_t seq)
{
    return (cc_view_event){seq, cc_evtype_of(json_string_value(json_object_get(rec, "type"))),
                           json_string_value(json_object_get(rec, "actor")),
                           json_string_value(json_object_get(rec, "label")), json_object_get(rec, "payload")};
}

/* ---- events ---- */

/* One event as streams show it. */
typedef struct evrec {
    json_t *rec; /* {seq,type,t,wall,actor,label,payload}, payload augmented for deliveries */
    const char *type;
    cc_evtype ty;
    uint64_t seq;
    int actor;      /* seat index, -1 for none/control */
    const char *by; /* a seat's act: "agent" or "control" when not the seat's person (server/hybrid) */
} evrec;

/* Reads one stored line into ev (ev->rec owned by the caller) and vis (who may see it). committing:
 * the event is being committed, so the addressing, releases, message index and the Merkle tree
 * take it in; otherwise it is read back and the addressing as of its seq applies. mc: the contents
 * of the messages just before, for their deliveries (updated). */

/* A team's last score submission per model and move (control's reference, without a team, is
 * not a team's: the report has it). */
static int note_score(cc_live *lv, int seat, json_t *p, json_int_t t)
{
    const char *model = pstr(p, "model"), *move = pstr(p, "move"), *team = pstr(p, "team");
    if (!model || !move || !team)
        return 0;
    if (!lv->fb_scores && !(lv->fb_scores = json_object()))
        return -1;
    json_t *m = json_object_get(lv->fb_scores, model);
    if (!m && json_object_set_new(lv->fb_scores, model, m = json_object()) != 0)
        return -1;
    json_t *mv = json_object_get(m, move);
    if (!mv && json_object_set_new(m, move, mv = json_object()) != 0)
        return -1;
    const char *by = seat >= 0 && (size_t)seat < lv->s->nseats ? lv->s->seats[seat].id : "control";
    return json_object_set_new(
        mv, team, json_pack("{s:O,s:I,s:s}", "scores", json_object_get(p, "scores"), "t", t, "by", by));
}

/* Keeps what a seat's feedback form needs: that questionnaire q was sent, a seat's last answers. */
static int note_feedback(cc_live *lv, cc_evtype ty, int seat, json_t *p, json_int_t t)
{
    const cc_scenario *s = lv->s;
    if (ty == CC_EV_SCORE_SUBMIT)
        return note_score(lv, seat, p, t);
    size_t nq = s->nquestionnaires;
    if (!nq)
        return 0;
    if (!lv->fb_sent && !(lv->fb_sent = calloc(nq, sizeof *lv->fb_sent)))
        return -1;
    if (!lv->fb_answers &&
        !(lv->fb_answers = calloc(nq * (s->nseats ? s->nseats : 1), sizeof *lv->fb_answers)))
        return -1;
    const char *qid = pstr(p, "questionnaire");
    size_t q = 0;
    while (q < nq && (!qid || strcmp(s->questionnaires[q].id, qid) != 0))
        q++;
    if (q == nq)
        return 0;
    if (ty == CC_EV_FEEDBACK_OPEN) {
        if (!lv->fb_sent[q])
            lv->fb_sent[q] = 1 + t;
    } else if (seat >= 0 && (size_t)seat < s->nseats) {
        json_t **a = &lv->fb_answers[q * s->nseats + (size_t)seat];
        json_decref(*a);
        *a = json_pack("{s:O,s:I}", "answer", json_object_get(p, "answers"), "answered_t", t);
    }
    return 0;
}

static cc_err read_event(cc_live *lv, msgcache *mc, const char *line, size_t len, int committing, evrec *ev,
                         uint8_t *vis)
{
    json_error_t je;
    ev->rec = NULL;
    json_t *r = json_loadb(line, len, 0, &je);
    if (!r)
        return CC_ERR_PARSE;
    json_t *p = json_object_get(r, "payload");
    const char *type = json_string_value(json_object_get(r, "type"));
    ev->seq = seq_of(r);
    ev->actor = seat_of(lv->s, json_string_value(json_object_get(r, "actor")));
    ev->rec =
        json_pack("{s:O,s:s,s:O,s:O,s:O,s:O,s:O}", "seq", json_object_get(r, "seq"), "type", type ? type : "",
                  "t", json_object_get(r, "t"), "wall", json_object_get(r, "wall"), "actor",
                  json_object_get(r, "actor"), "label", json_object_get(r, "label"), "payload", p);
    if (!ev->rec) {
        json_decref(r);
        return CC_ERR_NOMEM;
    }
    ev->type = json_string_value(json_object_get(ev->rec, "type"));
    ev->ty = cc_evtype_of(ev->type);
    cc_err rc = CC_OK;
    if (committing) {
        const char *hh = json_string_value(json_object_get(r, "hash"));
        unsigned char hb[32];
        if (!hh || cc_unhex(hh, strlen(hh), hb, 32) != 0 ||
            cc_merkle_stream_append(lv->tree, hb, 32) != CC_OK)
            rc = CC_ERR_PARSE;
        else if (lv->nev == 0)
            cc_verify_origin_of(hh, lv->origin, sizeof lv->origin);
        cc_view_event ve = view_event(r, ev->seq);
        cc_view_feed(lv->view, &ve);
        if (rc == CC_OK && ev->ty == CC_EV_INJECT_RELEASE &&
            add_release(lv, pstr(p, "inject"), ev->seq, p) != 0)
            rc = CC_ERR_NOMEM;
        if (rc == CC_OK &&
            (ev->ty == CC_EV_FEEDBACK_OPEN || ev->ty == CC_EV_FEEDBACK_ANSWER ||
             ev->ty == CC_EV_SCORE_SUBMIT) &&
            note_feedback(lv, ev->ty, ev->actor, p, json_integer_value(json_object_get(r, "t"))) != 0)
            rc = CC_ERR_NOMEM;
    }
    /* the payload object is shared with r; augmenting it is fine (r is dropped below) */
    const char *mid = ev->ty == CC_EV_MESSAGE ? pstr(p, "message") : NULL;
    if (mid) {
        msgcache_put(mc, mid, message_show(ev->rec));
        uint64_t k = msg_number(mid);
        if (committing && k && rc == CC_OK && add_mark(lv, k, ev->seq) != 0)
            rc = CC_ERR_NOMEM;
    } else if (ev->ty == CC_EV_DELIVERY) {
        augment(lv, mc, p, ev->seq);
    }
    cc_view_event ve = view_event(r, ev->seq);
    cc_view_decide(lv->view, &ve, vis);
    json_decref(r);
    if (rc != CC_OK) {
        json_decref(ev->rec);
        ev->rec = NULL;
    }
    return rc;
}

/* "id: N\nevent: caucus\ndata: {...}\n\n" with room for extra bytes after it; *len excludes them. */
static char *frame_of(const evrec *ev, size_t extra, size_t *len)
{
    char *data = json_dumps(ev->rec, JSON_COMPACT | JSON_SORT_KEYS);
    if (!data)
        return NULL;
    size_t dl = strlen(data);
    char *f = malloc(dl + 64 + extra);
    if (f)
        *len = (size_t)snprintf(f, dl + 64, "id: %" PRIu64 "\nevent: caucus\ndata: %s\n\n", ev->seq, data);
    free(data);
    return f;
}

/* How obj's label is shown: "label_rank", its class's rank in the label policy (-1: none of its
 * classes), and "label_style", that class's display style (the UI shows banners by these, never
 * by reading the banner). */
static void label_display(const cc_scenario *s, json_t *obj)
{
    int r = cc_label_policy_banner_rank(s->policy, json_string_value(json_object_get(obj, "label")));
    json_object_set_new(obj, "label_rank", json_integer(r));
    json_object_set_new(obj, "label_style",
                        json_string(cc_label_style_name(cc_label_policy_class_style(s->policy, r))));
}

static json_t *item_of(const cc_scenario *s, json_t *rec, const char *kind)
{
    json_t *p = json_object_get(rec, "payload");
    json_t *it = json_object();
    if (!it)
        return NULL;
    int inject = strcmp(kind, "inject") == 0;
    const char *id = inject ? pstr(p, "inject") : pstr(p, "message");
    if (!id)
        id = pstr(p, "item");
    json_object_set_new(it, "id", json_string(id ? id : ""));
    json_object_set_new(it, "kind", json_string(kind));
    static const char *const keys[] = {"title", "body", "from", "channel", "text", "to", "reply_to", "lang"};
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
        json_t *x = json_object_get(p, keys[k]);
        if (x)
            json_object_set(it, keys[k], x);
    }
    if (!json_object_get(it, "from") && json_object_get(rec, "actor"))
        json_object_set(it, "from", json_object_get(rec, "actor"));
    json_object_set(it, "label", json_object_get(rec, "label"));
    label_display(s, it);
    json_object_set(it, "t", json_object_get(rec, "t"));
    json_object_set(it, "seq", json_object_get(rec, "seq"));
    return it;
}

/* The kind of item an event is for viewer v ("inject", "message"), or NULL: injects delivered to a
 * seat and messages to or from it; for control, released injects and messages (those control sees:
 * all of them with exercise.control_bypass, else those a control seat may read). */
static const char *item_kind(cc_live_viewer v, cc_evtype type, json_t *p)
{
    switch (type) {
    case CC_EV_DELIVERY: {
        const char *kind = v.control ? NULL : pstr(p, "kind");
        return kind && (strcmp(kind, "inject") == 0 || strcmp(kind, "message") == 0) ? kind : NULL;
    }
    case CC_EV_INJECT_RELEASE: return v.control ? "inject" : NULL;
    case CC_EV_MESSAGE: return pstr(p, "message") ? "message" : NULL;
    default: return NULL;
    }
}

/* ---- projections ---- */

static json_t *find_by_id(json_t *arr, const char *id)
{
    size_t i;
    json_t *x;
    json_array_foreach(arr, i, x)
    {
        const char *xid = json_string_value(json_object_get(x, "id"));
        if (xid && id && strcmp(xid, id) == 0)
            return x;
    }
    return NULL;
}

static void push_unique(json_t *arr, const char *s)
{
    size_t i;
    json_t *x;
    json_array_foreach(arr, i, x)
    {
        if (strcmp(json_string_value(x), s) == 0) return;
    }
    json_array_append_new(arr, json_string(s));
}

/* A new consultation entry from its request (or, for a participant of a later stage who never saw
 * the request, from the scenario). */
static json_t *new_consultation(const cc_scenario *s, const char *id, const char *topic, const char *by,
                                json_t *label)
{
    json_t *c = json_pack("{s:s?,s:s?,s:s?,s:s,s:[],s:[],s:O}", "id", id, "topic", topic, "requested_by", by,
                          "state", "requested", "acks", "positions", "label", label);
    int k = consultation_of(s, id);
    if (c && k >= 0 && s->consultations[k].decision) /* the decision its decide stage decides */
        json_object_set_new(c, "decision", json_string(s->consultations[k].decision));
    if (c)
        label_display(s, c);
    return c;
}

static void stage_started(json_t *c, json_t *rec, json_t *p)
{
    json_object_set_new(c, "state", json_string("in progress"));
    json_object_set(c, "stage", json_object_get(p, "stage"));
    json_object_set(c, "stage_kind", json_object_get(p, "kind"));
    json_object_set(c, "participants", json_object_get(p, "participants"));
    json_t *rule = json_object_get(p, "rule"); /* a decide stage's rule (unanimity after a broken silence) */
    json_object_set_new(c, "rule", rule ? json_incref(rule) : json_null());
    json_object_set(c, "since_t", json_object_get(rec, "t"));
    json_t *dl = json_object_get(p, "deadline_ms");
    json_object_set_new(c, "deadline_t", dl ? json_incref(dl) : json_null());
    json_object_set_new(c, "acks", json_array());
    json_object_del(c, "acted_by");
    /* review rounds: "round" of "rounds", "objectors" of the current round, "revising" between */
    json_t *rounds = json_object_get(p, "rounds");
    json_object_set_new(c, "rounds", rounds ? json_incref(rounds) : json_null());
    json_object_set_new(c, "round", rounds ? json_integer(1) : json_null());
    json_object_set_new(c, "objectors", json_array());
    json_object_set_new(c, "revising", json_false());
}

/* Objections, escalations, missed deadlines, a broken silence, returns, held acts, reminders: the
 * consultation's "events". */
static void consultation_event(json_t *c, json_t *rec, json_t *p, const char *type, const char *actor,
                               const char *by)
{
    if (actor && json_object_get(p, "round")) {
        /* an objection that is the seat's review in a stage with rounds */
        push_unique(json_object_get(c, "acks"), actor);
        push_unique(json_object_get(c, "objectors"), actor);
    }
    json_t *log = json_object_get(c, "events");
    if (!log)
        json_object_set_new(c, "events", log = json_array());
    json_array_append_new(log, json_pack("{s:s,s:O,s:s?,s:s?}", "type", type, "t", json_object_get(rec, "t"),
                                         "seat", actor, "by", by));
}

/* Notes in obj[key] (seat -> "agent" | "control") who took a seat's act when it was not the seat's
 * person; a later act by the person clears it. */
static void acted_by(json_t *obj, const char *key, const char *seat, const char *by)
{
    if (!seat)
        return;
    json_t *m = json_object_get(obj, key);
    if (!m && by && json_object_set_new(obj, key, m = json_object()) != 0)
        return;
    if (by)
        json_object_set_new(m, seat, json_string(by));
    else if (m)
        json_object_del(m, seat);
}

/* Folds a consultation's event the viewer may see into its consultations. */
static void fold_consultation(const cc_live *lv, view *w, const evrec *ev)
{
    json_t *rec = ev->rec, *p = json_object_get(rec, "payload"), *label = json_object_get(rec, "label");
    const char *actor = json_string_value(json_object_get(rec, "actor"));
    if (ev->ty == CC_EV_CONSULT_REQUEST) {
        json_t *c = new_consultation(lv->s, pstr(p, "consultation"), pstr(p, "topic"),
                                     pstr(p, "requested_by"), label);
        if (c)
            json_array_append_new(w->cons, c);
        return;
    }
    json_t *c = find_by_id(w->cons, pstr(p, "consultation"));
    int ci = consultation_of(lv->s, pstr(p, "consultation"));
    if (!c && ev->ty == CC_EV_CONSULT_STAGE && ci >= 0) {
        const cc_consultation *K = &lv->s->consultations[ci];
        if ((c = new_consultation(lv->s, K->id, K->topic, K->requested_by, label)))
            json_array_append_new(w->cons, c);
    }
    if (!c)
        return;
    switch (ev->ty) {
    case CC_EV_CONSULT_STAGE: stage_started(c, rec, p); break;
    case CC_EV_CONSULT_ROUND:
        json_object_set(c, "round", json_object_get(p, "round"));
        json_object_set(c, "participants", json_object_get(p, "participants"));
        json_object_set_new(c, "acks", json_array());
        json_object_del(c, "acted_by");
        json_object_set_new(c, "objectors", json_array());
        json_object_set_new(c, "revising", json_false());
        break;
    case CC_EV_CONSULT_REVISE: json_object_set_new(c, "revising", json_true()); break;
    case CC_EV_CONSULT_ACK:
        if (actor)
            push_unique(json_object_get(c, "acks"), actor);
        acted_by(c, "acted_by", actor, ev->by);
        break;
    case CC_EV_CONSULT_POSITION:
        if (!actor)
            break;
        push_unique(json_object_get(c, "acks"), actor); /* "acks": seats that acted in this stage */
        acted_by(c, "acted_by", actor, ev->by);
        json_array_append_new(json_object_get(c, "positions"),
                              json_pack("{s:s,s:s?,s:O,s:s?,s:s*}", "seat", actor, "text", pstr(p, "text"),
                                        "t", json_object_get(rec, "t"), "by", ev->by, "lang",
                                        pstr(p, "lang")));
        break;
    case CC_EV_CONSULT_DONE: json_object_set_new(c, "state", json_string("done")); break;
    case CC_EV_CONSULT_FAILED:
        json_object_set_new(c, "state", json_string("failed"));
        json_object_set(c, "reason", json_object_get(p, "reason"));
        break;
    case CC_EV_CONSULT_ESCALATE:
    case CC_EV_CONSULT_DEADLINE:
    case CC_EV_CONSULT_OBJECT:
    case CC_EV_CONSULT_SILENCE_BROKEN:
    case CC_EV_CONSULT_RETURN:
    case CC_EV_CONSULT_HELD:
    case CC_EV_CONSULT_REMIND:
    case CC_EV_CONSULT_FORCE:
    case CC_EV_CONSULT_REOPEN: consultation_event(c, rec, p, ev->type, actor, ev->by); break;
    case CC_EV_CONSULT_EXTEND:
        json_object_set(c, "deadline_t", json_object_get(p, "deadline_ms"));
        consultation_event(c, rec, p, ev->type, actor, ev->by);
        break;
    default: break;
    }
}

/* Folds a decision's event the viewer may see into its decisions. */
static void fold_decision(const cc_live *lv, view *w, const evrec *ev)
{
    json_t *rec = ev->rec, *p = json_object_get(rec, "payload");
    const char *actor = json_string_value(json_object_get(rec, "actor"));
    if (ev->ty == CC_EV_DECISION_OPEN) {
        json_t *d = json_pack(
            "{s:s?,s:s?,s:s,s:O,s:O,s:O,s:O,s:{},s:n,s:[],s:O}", "id", pstr(p, "decision"), "question",
            pstr(p, "question"), "state", "open", "options", json_object_get(p, "options"), "deciders",
            json_object_get(p, "deciders"), "rule", json_object_get(p, "rule"), "deadline_t",
            json_object_get(p, "deadline_ms") ? json_object_get(p, "deadline_ms") : json_null(), "votes",
            "outcome", "objections", "label", json_object_get(rec, "label"));
        if (d) {
            json_object_set_new(d, "options", json_deep_copy(json_object_get(p, "options")));
            json_object_set(d, "since_t", json_object_get(rec, "t"));
            label_display(lv->s, d);
            json_array_append_new(w->decs, d);
        }
        return;
    }
    json_t *d = find_by_id(w->decs, pstr(p, "decision"));
    if (!d)
        return;
    switch (ev->ty) {
    case CC_EV_DECISION_PROPOSE: {
        json_t *opts = json_object_get(d, "options");
        if (json_is_array(opts))
            json_array_append_new(opts, json_pack("{s:s?,s:s?,s:s?,s:s*}", "id", pstr(p, "option"), "text",
                                                  pstr(p, "text"), "by", actor, "lang", pstr(p, "lang")));
        break;
    }
    case CC_EV_DECISION_VOTE:
        if (actor)
            json_object_set(json_object_get(d, "votes"), actor, json_object_get(p, "option"));
        acted_by(d, "votes_by", actor, ev->by);
        break;
    case CC_EV_DECISION_OBJECT:
        if (actor)
            push_unique(json_object_get(d, "objections"), actor);
        break;
    case CC_EV_DECISION_MADE:
        json_object_set_new(d, "state", json_string("decided"));
        json_object_set(d, "outcome", json_object_get(p, "outcome"));
        break;
    case CC_EV_DECISION_DEADLINE: json_object_set_new(d, "state", json_string("expired")); break;
    case CC_EV_DECISION_EXTEND: json_object_set(d, "deadline_t", json_object_get(p, "deadline_ms")); break;
    default: break;
    }
}

/* Lists an item (an inject or a message) the viewer received or sent; an inject is kept by id too. */
static cc_err fold_item(view *w, json_t *item)
{
    if (recent_add(&w->items, json_incref(item)) != 0)
        return CC_ERR_NOMEM;
    const char *id = json_string_value(json_object_get(item, "id"));
    if (strcmp(json_string_value(json_object_get(item, "kind")), "inject") == 0 &&
        !json_object_get(w->injects, id))
        json_object_set(w->injects, id, item);
    return CC_OK;
}

/* The viewer lost inject id (inject.withdraw: docs/cli.md, "Control edits an inject"): it leaves
 * its items, in order, and its injects, so reads of it are refused from now on. */
static void drop_inject(view *w, const char *id)
{
    json_object_del(w->injects, id ? id : "");
    recent *r = &w->items;
    size_t kept = 0, n = r->n;
    for (size_t i = 0; i < n; i++) {
        json_t *it = r->v[(r->head + i) % KEEP_LIST];
        const char *iid = json_string_value(json_object_get(it, "id"));
        const char *kind = json_string_value(json_object_get(it, "kind"));
        if (id && iid && kind && strcmp(kind, "inject") == 0 && strcmp(iid, id) == 0) {
            json_decref(it);
            continue;
        }
        r->v[(r->head + kept++) % KEEP_LIST] = it;
    }
    r->n = kept;
}

/* Folds a committed event into the projection of one viewer who may see it; *item and *shared are
 * made once for all viewers (references kept by the caller). */
static cc_err fold(cc_live *lv, cc_live_viewer v, view *w, const evrec *ev, json_t **item, json_t **shared)
{
    json_t *rec = ev->rec, *p = json_object_get(rec, "payload");
    const char *kind = item_kind(v, ev->ty, p);
    if (kind) {
        if (!*item && !(*item = item_of(lv->s, rec, kind)))
            return CC_ERR_NOMEM;
        return fold_item(w, *item);
    }
    if (ev->ty == CC_EV_INJECT_WITHDRAW && !v.control) {
        drop_inject(w, pstr(p, "inject"));
    } else if (cc_evtype_is_consult(ev->ty)) {
        fold_consultation(lv, w, ev);
    } else if (cc_evtype_is_decision(ev->ty)) {
        fold_decision(lv, w, ev);
    } else if (ev->ty == CC_EV_NOTE) {
        if (!*shared)
            *shared = json_pack("{s:O,s:O,s:s?,s:O,s:s*}", "seq", json_object_get(rec, "seq"), "seat",
                                json_object_get(rec, "actor"), "text", pstr(p, "text"), "t",
                                json_object_get(rec, "t"), "lang", pstr(p, "lang"));
        if (recent_add(&w->notes, json_incref(*shared)) != 0)
            return CC_ERR_NOMEM;
    } else if (ev->ty == CC_EV_FINDING && v.control) {
        json_t *f = json_pack("{s:O,s:O,s:O,s:O,s:O}", "guideline", json_object_get(p, "guideline"), "result",
                              json_object_get(p, "result"), "subject", json_object_get(p, "subject"), "t",
                              json_object_get(rec, "t"), "seq", json_object_get(rec, "seq"));
        if (recent_add(&w->findings, f) != 0)
            return CC_ERR_NOMEM;
    } else if (ev->ty == CC_EV_OBJECTIVE_RATING && v.control) {
        json_object_set(w->ratings, pstr(p, "objective") ? pstr(p, "objective") : "",
                        json_object_get(p, "rating"));
    }
    return CC_OK;
}

/* Folds a committed event into the projection of every viewer who may see it. */
static cc_err project(cc_live *lv, const evrec *ev, const uint8_t *vis)
{
    size_t n = lv->s->nseats;
    json_t *item = NULL, *shared = NULL;
    cc_err rc = CC_OK;
    for (size_t i = 0; i <= n && rc == CC_OK; i++) {
        cc_live_viewer v = {i == n, i == n ? -1 : (int)i};
        if (sees(lv, v, vis))
            rc = fold(lv, v, &lv->views[i], ev, &item, &shared);
    }
    json_decref(item);
    json_decref(shared);
    return rc;
}

/* ---- the ring of recent frames ---- */

static frame *ring_at(cc_live *lv, uint64_t seq)
{
    return &lv->ring[(lv->ring_head + (size_t)(seq - (lv->nev - lv->nring))) % RING_EVENTS];
}

static void ring_drop_oldest(cc_live *lv)
{
    frame *f = &lv->ring[lv->ring_head];
    lv->ring_bytes -= f->len;
    free(f->text);
    f->text = NULL;
    lv->ring_head = (lv->ring_head + 1) % RING_EVENTS;
    lv->nring--;
}

/* Keeps the frame of the event being committed (it becomes event nev). */
static cc_err ring_add(cc_live *lv, const evrec *ev, const uint8_t *vis)
{
    size_t n = lv->s->nseats + 1, len = 0;
    char *text = frame_of(ev, n, &len);
    if (!text)
        return CC_ERR_NOMEM;
    memcpy(text + len, vis, n);
    while (lv->nring > 0 && (lv->nring == RING_EVENTS || lv->ring_bytes + len > RING_BYTES))
        ring_drop_oldest(lv);
    lv->ring[(lv->ring_head + lv->nring) % RING_EVENTS] = (frame){text, len};
    lv->nring++;
    lv->ring_bytes += len;
    return CC_OK;
}

/* Parses committed lines from pending and folds them in. */
static cc_err ingest(cc_live *lv)
{
    const char *s = lv->pending.data, *end = s + lv->pending.len;
    while (s < end) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        if (!nl)
            break;
        evrec ev;
        cc_err rc = read_event(lv, &lv->msgs, s, (size_t)(nl - s), 1, &ev, lv->vis);
        s = nl + 1;
        if (rc != CC_OK)
            return rc;
        ev.by = cc_hybrid_feed(lv->hy, ev.ty, ev.actor, json_integer_value(json_object_get(ev.rec, "t")),
                               ev.seq, json_object_get(ev.rec, "payload"));
        if (ev.ty == CC_EV_INPUT_REFUSED) {
            const char *r = pstr(json_object_get(ev.rec, "payload"), "reason");
            snprintf(lv->refused, sizeof lv->refused, "%s", r ? r : "refused");
        }
        rc = project(lv, &ev, lv->vis);
        if (rc == CC_OK && ev.ty == CC_EV_EVAL_OBSERVATION)
            rc = cc_obsbook_add(lv->obs, ev.rec, lv->vis);
        if (rc == CC_OK && lv->replaying && ev.seq + RING_EVENTS < lv->replay_end) {
            while (lv->nring) /* a replay renders only the frames the ring will still hold */
                ring_drop_oldest(lv);
        } else if (rc == CC_OK) {
            rc = ring_add(lv, &ev, lv->vis);
        }
        json_decref(ev.rec);
        if (rc != CC_OK)
            return rc;
        lv->nev++;
    }
    cc_buf_reset(&lv->pending);
    return CC_OK;
}

/* ---- reading events back from the store ---- */

/* A stream's backlog: frames of events [next, until) the viewer may see, read from the store. */
typedef struct walk {
    cc_live *lv;
    cc_live_viewer v;
    msgcache mc;
    uint64_t next, until;
    cc_buf *out;
    size_t max_bytes, frames, seen;
    uint8_t *vis;
} walk;

static int walk_frame(void *ctx, uint64_t seq, const char *line, size_t len)
{
    walk *w = ctx;
    if (seq >= w->until)
        return 1;
    evrec ev;
    if (++w->seen >= WALK_EVENTS) /* the rest of a page read from the store */
        return 1;
    if (seq < w->next) {
        /* read only for the messages whose deliveries may follow from next on */
        if (contains(line, len, "\"type\":\"message\"") &&
            read_event(w->lv, &w->mc, line, len, 0, &ev, w->vis) == CC_OK)
            json_decref(ev.rec);
        return 0;
    }
    cc_err rc = read_event(w->lv, &w->mc, line, len, 0, &ev, w->vis);
    if (rc == CC_ERR_NOMEM)
        return 1; /* try again later */
    int stop = 0;
    if (rc == CC_OK && sees(w->lv, w->v, w->vis)) {
        size_t fl = 0;
        char *f = frame_of(&ev, 0, &fl);
        if (!f || (w->frames && w->out->len + fl > w->max_bytes)) {
            stop = 1;
        } else {
            cc_buf_append(w->out, f, fl);
            w->frames++;
        }
        free(f);
    }
    json_decref(ev.rec);
    if (stop)
        return 1;
    w->next = seq + 1;
    return w->out->len >= w->max_bytes;
}

/* Frames of the events from *next on that are no longer in the ring, up to BACKLOG_FACTOR times
 * max_bytes: a page read from the store serves more than one ring-sized piece. The read starts a
 * few events early, for the message a delivery at *next may show (deliveries follow their message
 * at once, one per seat). Lock held. */
static size_t backlog(cc_live *lv, cc_live_viewer v, uint64_t *next, uint64_t until, cc_buf *out,
                      size_t max_bytes)
{
    walk w;
    memset(&w, 0, sizeof w);
    w.lv = lv;
    w.v = v;
    w.next = *next;
    w.until = until;
    w.out = out;
    w.max_bytes = max_bytes * BACKLOG_FACTOR;
    w.vis = malloc(lv->s->nseats + 1);
    if (!w.vis)
        return SIZE_MAX;
    uint64_t lead = lv->s->nseats + 1, from = *next > lead ? *next - lead : 0;
    cc_store_error err;
    cc_err rc = cc_store_events(lv->st, lv->id, from, walk_frame, &w, NULL, &err);
    msgcache_clear(&w.mc);
    free(w.vis);
    int stuck = w.next == *next && !w.frames; /* the store failed, or out of memory */
    *next = w.next;
    return rc != CC_OK || stuck ? SIZE_MAX : w.frames;
}

/* The first item of message id (a message M<k>) viewer v has, read back from the store: the
 * message itself for its sender and control, a delivery of it for a recipient. */
typedef struct itemwalk {
    cc_live *lv;
    cc_live_viewer v;
    const char *id;
    uint64_t k, at; /* at: seq of the message, NEVER until read */
    size_t seen;
    msgcache mc;
    uint8_t *vis;
    json_t *item;
} itemwalk;

static int item_step(void *ctx, uint64_t seq, const char *line, size_t len)
{
    itemwalk *w = ctx;
    if (w->seen++ >= 2 * WALK_EVENTS || (w->at != NEVER && seq > w->at + w->lv->s->nseats + 1))
        return 1;
    if (!contains(line, len, "\"type\":\"message\"") && !contains(line, len, "\"type\":\"delivery\""))
        return 0;
    evrec ev;
    if (read_event(w->lv, &w->mc, line, len, 0, &ev, w->vis) != CC_OK)
        return 0;
    json_t *p = json_object_get(ev.rec, "payload");
    int stop = 0;
    const char *mid = ev.ty == CC_EV_MESSAGE ? pstr(p, "message") : NULL;
    if (mid && strcmp(mid, w->id) == 0)
        w->at = seq;
    else if (mid && w->at == NEVER && msg_number(mid) > w->k)
        stop = 1; /* passed it: there is none */
    const char *kind = sees(w->lv, w->v, w->vis) ? item_kind(w->v, ev.ty, p) : NULL;
    if (kind && !stop) {
        json_t *it = item_of(w->lv->s, ev.rec, kind);
        const char *iid = json_string_value(json_object_get(it, "id"));
        if (iid && strcmp(iid, w->id) == 0) {
            w->item = it;
            stop = 1;
        } else {
            json_decref(it);
        }
    }
    json_decref(ev.rec);
    return stop;
}

static json_t *message_item(cc_live *lv, cc_live_viewer v, const char *id)
{
    itemwalk w;
    memset(&w, 0, sizeof w);
    w.lv = lv;
    w.v = v;
    w.id = id;
    w.k = msg_number(id);
    w.at = NEVER;
    if (!w.k || w.k > lv->nmsg || !(w.vis = malloc(lv->s->nseats + 1)))
        return NULL;
    cc_store_error err;
    cc_store_events(lv->st, lv->id, mark_before(lv, w.k), item_step, &w, NULL, &err);
    msgcache_clear(&w.mc);
    free(w.vis);
    return w.item;
}

typedef struct onevis {
    cc_live *lv;
    cc_live_viewer v;
    uint8_t *vis;
    int seen;
} onevis;

static int one_vis(void *ctx, uint64_t seq, const char *line, size_t len)
{
    onevis *o = ctx;
    (void)seq;
    msgcache mc;
    memset(&mc, 0, sizeof mc);
    evrec ev;
    if (read_event(o->lv, &mc, line, len, 0, &ev, o->vis) == CC_OK) {
        o->seen = sees(o->lv, o->v, o->vis);
        json_decref(ev.rec);
    }
    msgcache_clear(&mc);
    return 1;
}

/* ---- commits ---- */

/* Leaves of the stored log for proofs: the hash column of rows [first, first + count). */
typedef struct leafread {
    unsigned char (*out)[32];
    uint64_t first;
    size_t count, got;
    int bad;
} leafread;

static int leaf_row(void *ctx, uint64_t seq, const char *hash, const char *line, size_t len)
{
    (void)line;
    (void)len;
    leafread *r = ctx;
    size_t n = 0;
    if (seq != r->first + r->got ||
        sodium_hex2bin(r->out[r->got], 32, hash, strlen(hash), NULL, &n, NULL) != 0 || n != 32) {
        r->bad = 1;
        return 1;
    }
    return ++r->got == r->count;
}

static cc_err read_leaves(void *ctx, uint64_t first, size_t count, unsigned char (*out)[32])
{
    cc_live *lv = ctx;
    leafread r = {out, first, count, 0, 0};
    cc_store_error err;
    cc_err rc = cc_store_event_rows(lv->st, lv->id, first, leaf_row, &r, NULL, &err);
    if (rc == CC_OK && (r.bad || r.got != count))
        rc = CC_ERR_IO;
    return rc;
}

/* Asks the witness to cosign the stored checkpoint note (size events) and adds its cosignature to
 * the stored note. A 409 with the witness's latest size is answered once more, with a proof from
 * that size. Lock held. */
static void witness(cc_live *lv, const char *note, size_t len, uint64_t size, char *why, size_t whylen)
{
    uint64_t old = lv->wit_size;
    for (int attempt = 0; attempt < 2; attempt++) {
        unsigned char proof[CC_MERKLE_PROOF_MAX][32];
        size_t np = 0;
        cc_merkle_error me;
        cc_merkle_leaves L = {read_leaves, lv, NULL, 0, 1};
        if (old > 0 && old < size && cc_merkle_consistency_proof(&L, old, size, proof, &np, &me) != CC_OK) {
            set_why(why, whylen, "witness: no consistency proof from %" PRIu64 ": %s", old, me.message);
            return;
        }
        cc_buf body, resp;
        cc_buf_init(&body);
        cc_buf_init(&resp);
        int status = 0;
        char type[64], w[300];
        cc_err rc = cc_witness_format(old, (const unsigned char(*)[32])proof, np, note, len, &body);
        if (rc == CC_OK)
            rc = cc_wclient_post(lv->wit_url, body.data, body.len, 5000, 16384, &status, &resp, type, w,
                                 sizeof w);
        cc_buf_free(&body);
        uint64_t theirs = 0;
        if (rc == CC_OK && status == 409 && strncmp(type, "text/x.tlog.size", 16) == 0 && attempt == 0 &&
            resp.len && sscanf(resp.data, "%" SCNu64, &theirs) == 1 && theirs != old) {
            old = theirs;
            cc_buf_free(&resp);
            continue;
        }
        if (rc == CC_OK && status == 200) {
            cc_buf cosigned;
            cc_buf_init(&cosigned);
            cc_buf_append(&cosigned, note, len);
            cc_buf_append(&cosigned, resp.data, resp.len);
            cc_note_sig res;
            size_t tlen;
            cc_note_error ne;
            cc_store_error err;
            if (cosigned.oom ||
                cc_note_check(cosigned.data, cosigned.len, &lv->wit_key, 1, &tlen, &res, &ne) != CC_OK ||
                !res.verified)
                set_why(why, whylen, "witness: its answer carries no valid cosignature by its key");
            else if (cc_store_checkpoint_replace(lv->st, lv->id, size, note, cosigned.data, &err) != CC_OK)
                set_why(why, whylen, "witness: the cosigned checkpoint could not be stored: %s", err.message);
            else
                lv->wit_size = size;
            cc_buf_free(&cosigned);
        } else if (rc == CC_OK) {
            size_t l = resp.len;
            while (l && (resp.data[l - 1] == '\n' || resp.data[l - 1] == '\r'))
                l--;
            set_why(why, whylen, "witness refused the checkpoint of size %" PRIu64 " (%d): %.*s", size,
                    status, (int)(l > 200 ? 200 : l), resp.data ? resp.data : "");
        } else {
            set_why(why, whylen, "witness: %s", w);
        }
        cc_buf_free(&resp);
        return;
    }
}

/* Signs a checkpoint of the log as it is and keeps it in the store (and the directory). A
 * failure to sign or store it is reported but does not stop the exercise. Lock held. */
static cc_err checkpoint(cc_live *lv, char *why, size_t whylen)
{
    if (!lv->signer || lv->nev == 0 || lv->cp_last == lv->nev)
        return CC_OK;
    unsigned char root[32];
    cc_merkle_stream_root(lv->tree, root);
    cc_buf note;
    cc_buf_init(&note);
    cc_note_error ne;
    cc_err rc = cc_note_sign_checkpoint(lv->signer, lv->origin, lv->nev, root, NULL, 0, &note, &ne);
    if (rc != CC_OK) {
        set_why(why, whylen, "checkpoint not signed: %s", ne.message);
        cc_buf_free(&note);
        return CC_OK;
    }
    cc_store_error err;
    rc = cc_store_checkpoint_add(lv->st, lv->id, lv->nev, note.data, &err);
    if (rc == CC_OK || rc == CC_ERR_INVALID) /* INVALID: this size is already checkpointed */
        lv->cp_last = lv->nev;
    if (rc == CC_OK && lv->wit_url)
        witness(lv, note.data, note.len, lv->nev, why, whylen);
    if (lv->cp_dir) {
        char path[4096];
        snprintf(path, sizeof path, "%s/checkpoint-%012" PRIu64 ".txt", lv->cp_dir, lv->nev);
        FILE *f = fopen(path, "wx");
        if (f) {
            fwrite(note.data, 1, note.len, f);
            fclose(f);
        }
    }
    cc_buf_free(&note);
    return CC_OK;
}

cc_err cc_live_checkpoint(cc_live *lv, char *why, size_t whylen)
{
    pthread_mutex_lock(&lv->mu);
    cc_err rc = checkpoint(lv, why, whylen);
    pthread_mutex_unlock(&lv->mu);
    return rc;
}

/* Commits what the engine emitted, then makes it visible. Lock held. */
static cc_err commit(cc_live *lv, char *why, size_t whylen)
{
    if (lv->pending.oom) {
        lv->broken = 1;
        set_why(why, whylen, "out of memory");
        return CC_ERR_NOMEM;
    }
    if (lv->pending.len == 0)
        return CC_OK;
    if (!lv->replaying) {
        cc_store_error err;
        cc_err arc = cc_store_append(lv->st, lv->id, lv->pending.data, lv->pending.len, &err);
        if (arc != CC_OK) {
            /* This engine's lines always chain to what it last saw; a refusal for the chain (or a
             * duplicate event) means another server process committed in between. */
            if (arc == CC_ERR_CONFLICT) {
                lv->conflict = 1; /* another server process got there first: sync_store */
                set_why(why, whylen, "another server committed first");
                return CC_ERR_IO;
            }
            /* Locked, full, read-only, gone: the engine is now ahead of the store. Its lines stay
             * in pending, so the next call's sync_store rebuilds everything from the store and
             * the exercise goes on once the store takes writes again. */
            set_why(why, whylen, "the store refused the events: %s", err.message);
            return CC_ERR_IO;
        }
    }
    cc_err rc = ingest(lv);
    if (rc != CC_OK) {
        lv->broken = 1;
        set_why(why, whylen, "events could not be indexed (%s)", cc_err_str(rc));
        return rc;
    }
    if (!lv->signer || lv->replaying)
        return CC_OK;
    int due = lv->nev - lv->cp_last >= lv->cp_every;
    const cc_scenario *s = lv->s;
    cc_engine_stats es;
    cc_engine_stats_get(lv->e, &es);
    while (lv->next_phase < s->nphases && es.now_ms >= s->phases[lv->next_phase].at_s * 1000) {
        if (lv->next_phase > 0)
            due = 1; /* the previous phase has ended */
        lv->next_phase++;
    }
    return due ? checkpoint(lv, why, whylen) : CC_OK;
}

static void notify(cc_live *lv, uint64_t before)
{
    pthread_mutex_lock(&lv->mu); /* another thread may be committing (libmicrohttpd's threads, the clock) */
    int grew = lv->nev > before;
    pthread_mutex_unlock(&lv->mu);
    if (lv->publish && grew)
        lv->publish(lv->publish_ctx);
}

/* ---- construction ---- */

/* Forgets every event: the engine, the views, the ring, the addressing. Lock held. */
static void clear_views(cc_live *lv)
{
    const cc_scenario *s = lv->s;
    size_t n = s->nseats;
    for (size_t i = 0; lv->views && i <= n; i++)
        view_free(&lv->views[i]);
    while (lv->ring && lv->nring)
        ring_drop_oldest(lv);
    lv->ring_head = 0;
    if (lv->view)
        cc_view_reset(lv->view);
    if (lv->hy)
        cc_hybrid_reset(lv->hy);
    for (size_t i = 0; i < lv->nrel; i++) {
        free(lv->rel[i].id);
        json_decref(lv->rel[i].show);
    }
    lv->nrel = 0;
    lv->nmarks = 0;
    lv->nmsg = 0;
    msgcache_clear(&lv->msgs);
    fifo_free(&lv->expect);
    lv->nev = 0;
}

static cc_err build(const cc_live_opts *o, const char *text, size_t len, const char *source, cc_live **out,
                    char *why, size_t whylen)
{
    *out = NULL;
    cc_live *lv = calloc(1, sizeof *lv);
    if (!lv)
        return CC_ERR_NOMEM;
    pthread_mutex_init(&lv->mu, NULL);
    lv->st = o->store;
    lv->publish = o->publish;
    lv->publish_ctx = o->publish_ctx;
    lv->signer = o->signer;
    lv->cp_every = o->checkpoint_every ? o->checkpoint_every : 1000;
    lv->cp_dir = o->checkpoint_dir ? strdup(o->checkpoint_dir) : NULL;
    lv->wit_url = o->witness_url ? strdup(o->witness_url) : NULL;
    lv->wit_key = o->witness_key;
    lv->tree = cc_merkle_stream_new();
    lv->stop_at = NEVER;
    cc_buf_init(&lv->pending);
    if (!lv->tree || (o->checkpoint_dir && !lv->cp_dir)) {
        cc_live_free(lv);
        return CC_ERR_NOMEM;
    }
    cc_diags d;
    cc_diags_init(&d);
    cc_err rc = cc_scenario_load(text, len, source ? source : "scenario", NULL, &d, &lv->s);
    if (rc != CC_OK) {
        if (d.count)
            set_why(why, whylen, "%s:%d:%d: %s", source ? source : "scenario", d.items[0].line,
                    d.items[0].col, d.items[0].message);
        else
            set_why(why, whylen, "the scenario does not load (%s)", cc_err_str(rc));
        cc_diags_free(&d);
        cc_live_free(lv);
        return rc;
    }
    cc_diags_free(&d);
    size_t n = lv->s->nseats;
    cc_view_new(lv->s, &lv->view);
    lv->hy = cc_hybrid_new(lv->s);
    lv->views = calloc(n + 1, sizeof *lv->views);
    lv->ring = calloc(RING_EVENTS, sizeof *lv->ring);
    lv->vis = calloc(n + 1, 1);
    lv->obs = cc_obsbook_new(n + 1);
    int ok = lv->view && lv->hy && lv->views && lv->ring && lv->vis && lv->obs;
    if (ok)
        clear_views(lv);
    for (size_t i = 0; ok && i <= n; i++)
        ok = view_init(&lv->views[i]) == 0;
    if (!ok) {
        cc_live_free(lv);
        return CC_ERR_NOMEM;
    }
    *out = lv;
    return CC_OK;
}

static int variant_index(const cc_scenario *s, const char *variant)
{
    if (!variant)
        return -1;
    for (size_t i = 0; i < s->nmechanisms; i++)
        if (strcmp(s->mechanisms[i].id, variant) == 0)
            return (int)i;
    return -2;
}

/* Starts the engine (emitting run.start, which a replay compares with the stored one). */
static cc_err start_engine(cc_live *lv, const cc_engine_opts *eo, char *why, size_t whylen)
{
    lv->seed = eo->seed;
    cc_err rc = cc_engine_new(lv->s, eo, sink, lv, &lv->e);
    if (rc == CC_OK)
        rc = cc_engine_start(lv->e);
    if (rc != CC_OK)
        set_why(why, whylen, "the engine did not start (%s)%s%s", cc_err_str(rc), lv->mismatch[0] ? ": " : "",
                lv->mismatch);
    return rc;
}

cc_err cc_live_create(const cc_live_opts *o, const char *name, const char *text, size_t len,
                      const char *source, uint64_t seed, const char *variant, int64_t now_wall_ms,
                      cc_live **out, char *why, size_t whylen)
{
    cc_live *lv;
    cc_err rc = build(o, text, len, source, &lv, why, whylen);
    if (rc != CC_OK)
        return rc;
    int vi = variant_index(lv->s, variant);
    if (vi == -2) {
        set_why(why, whylen, "the scenario has no mechanism \"%s\"", variant);
        cc_live_free(lv);
        return CC_ERR_ARG;
    }
    if (o->guidelines && cc_scenario_set_endorsement(lv->s, o->guidelines, strlen(o->guidelines)) != CC_OK) {
        cc_live_free(lv);
        return CC_ERR_NOMEM;
    }
    cc_store_exercise x;
    memset(&x, 0, sizeof x);
    x.name = (char *)(name ? name : (cc_scenario_title(lv->s) ? cc_scenario_title(lv->s) : "exercise"));
    x.scenario = (char *)text;
    x.scenario_len = len;
    x.seed = seed;
    x.variant = (char *)variant;
    x.created_wall_ms = now_wall_ms;
    cc_store_error err;
    if (cc_store_exercise_create(o->store, &x, &lv->id, &err) != CC_OK) {
        set_why(why, whylen, "%s", err.message);
        cc_live_free(lv);
        return CC_ERR_IO;
    }
    lv->name = strdup(x.name);
    pthread_mutex_lock(&lv->mu);
    cc_engine_opts eo = {
        .seed = seed, .variant = vi, .wall_start_ms = now_wall_ms, .live_clock = 1, .source = source};
    rc = start_engine(lv, &eo, why, whylen);
    if (rc == CC_OK)
        rc = commit(lv, why, whylen);
    pthread_mutex_unlock(&lv->mu);
    if (rc == CC_OK)
        cc_store_exercise_set_state(o->store, lv->id, "running", &err);
    if (rc != CC_OK) {
        cc_live_free(lv);
        return rc;
    }
    *out = lv;
    return CC_OK;
}

/* ---- replay: the engine regenerates the stored log ---- */

/* Reading the stored log from some seq on. Each logged input is fed to the engine again at its
 * wall time once the next input has been read (the lines between them are then all waiting in
 * lv->expect to be regenerated), so only the lines between two inputs are held. */
typedef struct replay {
    cc_live *lv;
    cc_evrec first; /* run.start (a replay from seq 0, before the engine is started) */
    cc_evrec input; /* the last input read, not fed yet (input.type NULL: none) */
    cc_replay opts; /* what run.start pins (core/replay) */
    uint64_t input_seq;
    int started; /* the engine runs */
    cc_buf last; /* the last line read */
    cc_err rc;
    char *why;
    size_t whylen;
} replay;

static cc_err replay_start(replay *R)
{
    cc_live *lv = R->lv;
    char w[300];
    if (cc_replay_of(lv->s, &R->first, &R->opts, w, sizeof w) != CC_OK) {
        set_why(R->why, R->whylen, "exercise %" PRId64 ": the first event is not a run.start with a seed",
                lv->id);
        return CC_ERR_INVALID;
    }
    /* the endorsed guidelines the exercise pinned (core/guidelines.h): checked and pinned again */
    cc_err rc = cc_replay_pin(lv->s, &R->first, w, sizeof w);
    if (rc != CC_OK) {
        set_why(R->why, R->whylen, "exercise %" PRId64 ": %s", lv->id, w);
        return rc;
    }
    /* a live exercise runs on the control clock and plays no agents: a log run otherwise is not
     * regenerated (its run.start differs) */
    R->opts.opts.live_clock = 1;
    R->opts.opts.auto_seats = NULL;
    rc = start_engine(lv, &R->opts.opts, R->why, R->whylen);
    if (rc == CC_OK)
        rc = commit(lv, R->why, R->whylen);
    R->started = 1;
    return rc;
}

static cc_err replay_input(replay *R)
{
    cc_live *lv = R->lv;
    char w2[160];
    cc_err rc = cc_replay_input(lv->e, &R->opts, &R->input, w2, sizeof w2);
    if (rc != CC_OK)
        set_why(R->why, R->whylen, "input at stored event %" PRIu64 ": %s%s%s", R->input_seq, w2,
                lv->mismatch[0] ? "; " : "", lv->mismatch);
    else
        rc = commit(lv, R->why, R->whylen);
    cc_evrec_clear(&R->input);
    memset(&R->input, 0, sizeof R->input);
    return rc;
}

static int replay_line(void *ctx, uint64_t seq, const char *line, size_t len)
{
    replay *R = ctx;
    cc_live *lv = R->lv;
    if (seq > lv->stop_at)
        return 1; /* a debrief copy ends at its event */
    cc_buf_reset(&R->last);
    if (fifo_push(&lv->expect, seq, line, len) != 0 || cc_buf_append(&R->last, line, len) != CC_OK) {
        R->rc = CC_ERR_NOMEM;
        return 1;
    }
    cc_evlog_error err;
    if (!R->started && !R->first.type) {
        if (cc_evlog_decode(line, len, &R->first, &err) != CC_OK) {
            memset(&R->first, 0, sizeof R->first);
            set_why(R->why, R->whylen, "exercise %" PRId64 ": the first event is not a run.start with a seed",
                    lv->id);
            R->rc = CC_ERR_INVALID;
            return 1;
        }
        return 0;
    }
    cc_evrec r;
    if (!contains(line, len, "\"type\":\"input\"") || cc_evlog_decode(line, len, &r, &err) != CC_OK)
        return 0;
    if (cc_evtype_of(r.type) != CC_EV_INPUT) {
        cc_evrec_clear(&r);
        return 0;
    }
    if (!R->started)
        R->rc = replay_start(R);
    else if (R->input.type)
        R->rc = replay_input(R);
    cc_evrec_clear(&R->input);
    R->input = r;
    R->input_seq = seq;
    return R->rc != CC_OK;
}

/* Feeds the stored events from seq from on to the engine again (replaying; from 0 the engine is
 * started from the run.start): each logged input at its wall time, and what the clock made due
 * between and after them; every regenerated line must equal the stored one. Lock held. */
static cc_err replay_from(cc_live *lv, uint64_t from, char *why, size_t whylen)
{
    replay R;
    memset(&R, 0, sizeof R);
    R.lv = lv;
    R.started = from > 0;
    R.opts.opts.live_clock = 1; /* (from > 0: the engine runs already) */
    R.why = why;
    R.whylen = whylen;
    cc_buf_init(&R.last);
    lv->replaying = 1;
    lv->expect_next = from;
    lv->mismatch[0] = 0;
    cc_store_error err;
    char hh[65];
    if (cc_store_head(lv->st, lv->id, &lv->replay_end, hh, &err) != CC_OK)
        lv->replay_end = 0; /* every frame, then */
    cc_err rc = cc_store_events(lv->st, lv->id, from, replay_line, &R, NULL, &err);
    if (rc != CC_OK)
        set_why(why, whylen, "%s", err.message);
    else
        rc = R.rc;
    if (rc == CC_OK && !R.started && !R.first.type) {
        set_why(why, whylen, "exercise %" PRId64 " has no events", lv->id);
        rc = CC_ERR_INVALID;
    }
    if (rc == CC_OK && !R.started)
        rc = replay_start(&R);
    if (rc == CC_OK && R.input.type)
        rc = replay_input(&R);
    cc_evrec last;
    cc_evlog_error le;
    memset(&last, 0, sizeof last);
    if (R.last.len && cc_evlog_decode(R.last.data, R.last.len, &last, &le) != CC_OK)
        memset(&last, 0, sizeof last);
    if (rc == CC_OK && lv->expect.n > 0 && last.type) {
        /* what the clock made due up to the last event; run.end when control ended the run */
        rc = cc_replay_end(lv->e, &R.opts, &last);
        if (rc == CC_OK)
            rc = commit(lv, why, whylen);
    }
    if (last.type && last.wall_ms > lv->last_wall)
        lv->last_wall = last.wall_ms;
    if (rc == CC_OK && lv->expect.n > 0) {
        set_why(why, whylen, "%s",
                lv->mismatch[0] ? lv->mismatch : "the store holds events the engine does not regenerate");
        rc = CC_ERR_INVALID;
    } else if (rc != CC_OK && lv->mismatch[0]) {
        set_why(why, whylen, "%s", lv->mismatch);
    }
    lv->replaying = 0;
    fifo_free(&lv->expect);
    cc_evrec_clear(&last);
    cc_evrec_clear(&R.first);
    cc_evrec_clear(&R.input);
    cc_replay_clear(&R.opts);
    cc_buf_free(&R.last);
    return rc;
}

static int max_cp(void *ctx, uint64_t size, const char *note)
{
    (void)note;
    uint64_t *m = ctx;
    if (size > *m)
        *m = size;
    return 0;
}

/* Builds the engine and the views from the exercise's stored log. Lock held. */
static cc_err load_from_store(cc_live *lv, char *why, size_t whylen)
{
    cc_err rc = replay_from(lv, 0, why, whylen);
    cc_store_error err;
    if (rc == CC_OK)
        cc_store_checkpoints(lv->st, lv->id, max_cp, &lv->cp_last, &err);
    return rc;
}

/* Drops the engine and every view, ready for load_from_store. Lock held. */
static void reset_state(cc_live *lv)
{
    cc_engine_free(lv->e);
    lv->e = NULL;
    clear_views(lv);
    for (size_t i = 0; i <= lv->s->nseats; i++)
        if (view_init(&lv->views[i]) != 0)
            lv->broken = 1;
    cc_merkle_stream_reset(lv->tree);
    cc_buf_reset(&lv->pending);
    lv->next_phase = 0;
}

/* Brings this process up to the store's log: events another process (sharing a PostgreSQL
 * store) committed are fed to the engine again; when this engine's own uncommitted output
 * collided with them, the whole state is rebuilt from the store. Lock held. */
static cc_err sync_store(cc_live *lv, char *why, size_t whylen)
{
    uint64_t count;
    char hh[65];
    cc_store_error err;
    if (cc_store_head(lv->st, lv->id, &count, hh, &err) != CC_OK) {
        set_why(why, whylen, "%s", err.message);
        return CC_ERR_IO;
    }
    if (count == lv->nev && lv->pending.len == 0)
        return CC_OK;
    if (count > lv->nev && lv->pending.len == 0 && replay_from(lv, lv->nev, why, whylen) == CC_OK)
        return CC_OK;
    /* diverged (or fewer events than we have): start again from the store */
    reset_state(lv);
    cc_err rc = load_from_store(lv, why, whylen);
    if (rc != CC_OK)
        lv->broken = 1;
    return rc;
}

cc_err cc_live_resume(const cc_live_opts *o, int64_t id, cc_live **out, char *why, size_t whylen)
{
    return cc_live_resume_at(o, id, NEVER, out, why, whylen);
}

cc_err cc_live_resume_at(const cc_live_opts *o, int64_t id, uint64_t at, cc_live **out, char *why,
                         size_t whylen)
{
    *out = NULL;
    cc_store_exercise x;
    cc_store_error err;
    if (cc_store_exercise_get(o->store, id, &x, &err) != CC_OK) {
        set_why(why, whylen, "%s", err.message);
        return CC_ERR_NOTFOUND;
    }
    cc_live *lv;
    cc_err rc = build(o, x.scenario, x.scenario_len, x.name, &lv, why, whylen);
    if (rc != CC_OK) {
        cc_store_exercise_clear(&x);
        return rc;
    }
    lv->id = id;
    lv->name = strdup(x.name);
    lv->stop_at = at;
    cc_store_exercise_clear(&x);
    char w[300] = "";
    pthread_mutex_lock(&lv->mu);
    rc = load_from_store(lv, w, sizeof w);
    pthread_mutex_unlock(&lv->mu);
    if (rc != CC_OK) {
        set_why(why, whylen, "resuming exercise %" PRId64 ": %s", id, w);
        cc_live_free(lv);
        return rc;
    }
    if (at != NEVER && lv->nev != at + 1) {
        set_why(why, whylen, "exercise %" PRId64 " has events 0 to %" PRIu64 ", not %" PRIu64, id,
                lv->nev - 1, at);
        cc_live_free(lv);
        return CC_ERR_RANGE;
    }
    lv->broken = at != NEVER; /* a debrief copy takes no inputs, ticks or audit records */
    *out = lv;
    return CC_OK;
}

int64_t cc_live_last_wall(cc_live *lv)
{
    pthread_mutex_lock(&lv->mu);
    int64_t w = lv->last_wall;
    pthread_mutex_unlock(&lv->mu);
    return w;
}

/* The events a viewer sees, read back from the store (cc_live_timeline). */
typedef struct tlwalk {
    cc_live *lv;
    cc_live_viewer v;
    msgcache mc;
    uint8_t *vis;
    json_t *out;
    uint64_t until;
} tlwalk;

static int timeline_step(void *ctx, uint64_t seq, const char *line, size_t len)
{
    tlwalk *w = ctx;
    if (seq >= w->until)
        return 1;
    evrec ev;
    if (read_event(w->lv, &w->mc, line, len, 0, &ev, w->vis) != CC_OK)
        return 0;
    if (sees(w->lv, w->v, w->vis)) {
        json_t *r = ev.rec;
        json_array_append_new(w->out,
                              json_pack("{s:O,s:O,s:O,s:O,s:O}", "seq", json_object_get(r, "seq"), "t",
                                        json_object_get(r, "t"), "type", json_object_get(r, "type"), "actor",
                                        json_object_get(r, "actor"), "label", json_object_get(r, "label")));
    }
    json_decref(ev.rec);
    return 0;
}

json_t *cc_live_timeline(cc_live *lv, cc_live_viewer v)
{
    tlwalk w;
    memset(&w, 0, sizeof w);
    w.lv = lv;
    w.v = v;
    w.out = json_array();
    w.vis = malloc(lv->s->nseats + 1);
    pthread_mutex_lock(&lv->mu);
    w.until = lv->nev;
    cc_store_error err;
    cc_err rc =
        w.out && w.vis ? cc_store_events(lv->st, lv->id, 0, timeline_step, &w, NULL, &err) : CC_ERR_NOMEM;
    pthread_mutex_unlock(&lv->mu);
    msgcache_clear(&w.mc);
    free(w.vis);
    if (rc != CC_OK) {
        json_decref(w.out);
        return NULL;
    }
    return w.out;
}

void cc_live_free(cc_live *lv)
{
    if (!lv)
        return;
    cc_engine_free(lv->e);
    if (lv->s)
        clear_views(lv);
    if (lv->fb_answers && lv->s) /* fb_answers is made only once the scenario is */
        for (size_t i = 0; i < lv->s->nquestionnaires * (lv->s->nseats ? lv->s->nseats : 1); i++)
            json_decref(lv->fb_answers[i]);
    free(lv->fb_answers);
    free(lv->fb_sent);
    json_decref(lv->fb_scores);
    cc_obsbook_free(lv->obs);
    cc_scenario_free(lv->s);
    free(lv->views);
    free(lv->ring);
    cc_view_free(lv->view);
    cc_hybrid_free(lv->hy);
    free(lv->rel);
    free(lv->marks);
    free(lv->vis);
    free(lv->name);
    free(lv->cp_dir);
    free(lv->wit_url);
    cc_merkle_stream_free(lv->tree);
    cc_buf_free(&lv->pending);
    pthread_mutex_destroy(&lv->mu);
    free(lv);
}

uint64_t cc_live_seed(const cc_live *lv)
{
    return lv->seed;
}

int64_t cc_live_exercise_id(const cc_live *lv)
{
    return lv->id;
}

const cc_scenario *cc_live_scenario(const cc_live *lv)
{
    return lv->s;
}

int cc_live_seat_index(const cc_live *lv, const char *id)
{
    return seat_of(lv->s, id);
}

uint64_t cc_live_events(cc_live *lv)
{
    pthread_mutex_lock(&lv->mu);
    uint64_t n = lv->nev;
    pthread_mutex_unlock(&lv->mu);
    return n;
}

/* ---- inputs ---- */

static int control_only(const char *act)
{
    static const char *const c[] = {"release", "hold",   "edit",   "add",   "start", "pause",  "resume",
                                    "speed",   "jump",   "rate",   "audit", "end",   "play",   "downgrade",
                                    "force",   "extend", "reopen", "skip",  "send",  "hotwash"};
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++)
        if (strcmp(act, c[i]) == 0)
            return 1;
    return 0;
}

static cc_err apply(cc_live *lv, json_t *in, int64_t now, uint64_t *first, uint64_t *last, char *refused,
                    size_t rlen, char *why, size_t whylen)
{
    if (now < lv->last_wall)
        now = lv->last_wall;
    lv->last_wall = now;
    uint64_t before = lv->nev;
    char w[200] = "";
    lv->refused[0] = 0;
    cc_err rc = cc_engine_input_at(lv->e, now, in, w, sizeof w);
    if (rc == CC_ERR_INVALID) {
        /* nothing logged by the input itself, but the clock may have advanced first */
        set_why(why, whylen, "%s", w);
        cc_err c = commit(lv, NULL, 0);
        return c != CC_OK ? c : CC_ERR_INVALID;
    }
    if (rc != CC_OK) {
        set_why(why, whylen, "the engine failed (%s)", cc_err_str(rc));
        commit(lv, NULL, 0);
        return rc;
    }
    rc = commit(lv, why, whylen);
    if (rc != CC_OK)
        return rc;
    if (first)
        *first = before;
    if (last)
        *last = lv->nev ? lv->nev - 1 : 0;
    if (refused && rlen)
        snprintf(refused, rlen, "%s", lv->refused);
    return CC_OK;
}

static int ended(const cc_live *lv)
{
    cc_engine_stats es;
    cc_engine_stats_get(lv->e, &es);
    return es.ended;
}

/* Ends the run at now: what falls due until then, then run.end (cc_engine_finish), then a signed
 * checkpoint of the closed log. Replays regenerate it: the log's last event is run.end, which
 * cc_engine_finish makes again at that wall time (replay_from, `caucus replay`). Lock held. */
static cc_err finish(cc_live *lv, int64_t now, uint64_t *first, uint64_t *last, char *why, size_t whylen)
{
    if (now < lv->last_wall)
        now = lv->last_wall;
    lv->last_wall = now;
    uint64_t before = lv->nev;
    cc_err rc = cc_engine_advance_wall(lv->e, now);
    if (rc == CC_OK)
        rc = cc_engine_finish(lv->e);
    cc_err c = commit(lv, why, whylen);
    if (rc != CC_OK) {
        set_why(why, whylen, "the engine failed (%s)", cc_err_str(rc));
        return rc;
    }
    if (c != CC_OK)
        return c;
    checkpoint(lv, NULL, 0);
    if (first)
        *first = before;
    if (last)
        *last = lv->nev ? lv->nev - 1 : 0;
    return CC_OK;
}

/* Whether the JSON array of objects a lists one whose "id" is id. */
static int lists_id(const json_t *a, const char *id)
{
    size_t k;
    json_t *x;
    json_array_foreach(a, k, x)
    {
        const char *xid = json_string_value(json_object_get(x, "id"));
        if (xid && strcmp(xid, id) == 0)
            return 1;
    }
    return 0;
}

/* Whether viewer v may see the item id of kind member (an input's "inject", "consultation",
 * "decision", "message" or "reply_to"), and whether it exists at all. Lock held. */
static int ref_visible(cc_live *lv, cc_live_viewer v, const char *act, const char *member, const char *id,
                       int *exists)
{
    const cc_scenario *s = lv->s;
    view *w = view_of(lv, v);
    uint64_t k = msg_number(id);
    if (strcmp(member, "consultation") == 0 || strcmp(member, "decision") == 0) {
        int cons = member[0] == 'c';
        size_t n = cons ? s->nconsultations : s->ndecisions;
        *exists = 0;
        for (size_t i = 0; i < n && !*exists; i++) {
            const char *xid = cons ? s->consultations[i].id : s->decisions[i].id;
            if (xid && strcmp(xid, id) == 0) {
                *exists = 1;
                /* a consultation that has not started yet is its requester's to ask for */
                if (cons && act && strcmp(act, "request") == 0 &&
                    s->consultations[i].requester_index == v.seat)
                    return 1;
            }
        }
        return w && lists_id(cons ? w->cons : w->decs, id);
    }
    if (k) { /* a message M<n> (a "message", or what a reply answers): the engine knows who holds it */
        *exists = k <= lv->nmsg;
        return w && cc_engine_message_held(lv->e, k, (size_t)v.seat);
    }
    *exists = 0;
    size_t n = cc_engine_inject_count(lv->e);
    for (size_t i = 0; !*exists && i < n; i++) {
        const char *iid = NULL;
        int64_t at;
        cc_engine_inject_state(lv->e, i, &iid, &at);
        *exists = iid && strcmp(iid, id) == 0;
    }
    return w && json_object_get(w->injects, id) != NULL;
}

/* Whether a seat's input names an item (its "inject", "consultation", "decision", "message" or
 * "reply_to") that the seat may not see, existing or not: 1, with the first such id in probed
 * (plen bytes, cut) and whether it exists in *exists (for the audit record only: the answer is
 * the same, docs/http-api.md). A consultation that has not started is visible to its requester
 * for "request". 0 for control, and when every item named is visible. */
static int input_hides(cc_live *lv, cc_live_viewer v, const json_t *input, char *probed, size_t plen,
                       int *exists)
{
    static const char *const members[] = {"inject", "consultation", "decision", "message", "reply_to"};
    *exists = 0;
    if (v.control || !json_is_object(input))
        return 0;
    const char *act = json_string_value(json_object_get(input, "do"));
    int hidden = 0;
    pthread_mutex_lock(&lv->mu);
    for (size_t i = 0; i < sizeof members / sizeof members[0] && !hidden; i++) {
        const char *id = json_string_value(json_object_get(input, members[i]));
        if (!id)
            continue;
        if (!ref_visible(lv, v, act, members[i], id, exists)) {
            hidden = 1;
            if (plen)
                snprintf(probed, plen, "%s", id);
        }
    }
    pthread_mutex_unlock(&lv->mu);
    return hidden;
}

cc_err cc_live_input(cc_live *lv, cc_live_viewer v, const json_t *input, int64_t now_wall_ms, uint64_t *first,
                     uint64_t *last, char *refused, size_t rlen, char *why, size_t whylen)
{
    if (!json_is_object(input)) {
        set_why(why, whylen, "an input is a JSON object");
        return CC_ERR_INVALID;
    }
    const char *act = json_string_value(json_object_get(input, "do"));
    if (!act) {
        set_why(why, whylen, "an input needs \"do\"");
        return CC_ERR_INVALID;
    }
    json_t *in = json_deep_copy(input);
    if (!in)
        return CC_ERR_NOMEM;
    if (strcmp(act, "audit") == 0) {
        json_decref(in);
        set_why(why, whylen, "audit records are written by the server itself");
        return CC_ERR_DENIED;
    }
    if (!v.control) {
        if (control_only(act)) {
            json_decref(in);
            set_why(why, whylen, "\"%s\" is for control", act);
            return CC_ERR_DENIED;
        }
        const char *seat = json_string_value(json_object_get(in, "seat"));
        const char *mine = lv->s->seats[v.seat].id;
        if (seat && strcmp(seat, mine) != 0) {
            json_decref(in);
            set_why(why, whylen, "a seat acts only as itself (%s)", mine);
            return CC_ERR_DENIED;
        }
        if (json_object_get(in, "by")) {
            json_decref(in);
            set_why(why, whylen, "\"by\" is for control acting on a seat's behalf");
            return CC_ERR_DENIED;
        }
        json_object_set_new(in, "seat", json_string(mine));
        char probed[65];
        int exists;
        if (input_hides(lv, v, in, probed, sizeof probed, &exists)) {
            json_decref(in);
            set_why(why, whylen, "%s %s", exists ? "not-visible" : "not-found", probed);
            return CC_ERR_NOTFOUND;
        }
    } else if (json_object_get(in, "seat") && !control_only(act)) {
        /* control acting for a seat (nobody fills it, or a controller plays a simulated cell): the
         * log records who really acted */
        json_object_set_new(in, "by", json_string("control"));
    }
    int end = strcmp(act, "end") == 0;
    if (end && json_object_size(in) != 1) {
        json_decref(in);
        set_why(why, whylen, "\"end\" takes no other member");
        return CC_ERR_INVALID;
    }
    pthread_mutex_lock(&lv->mu);
    uint64_t before = lv->nev;
    cc_err rc;
    if (lv->broken) {
        set_why(why, whylen, "the exercise stopped accepting changes after a store failure");
        rc = CC_ERR_IO;
    } else {
        rc = sync_store(lv, why, whylen);
        if (rc == CC_OK && ended(lv)) {
            set_why(why, whylen, "the exercise has ended");
            rc = CC_ERR_RANGE;
        } else if (rc == CC_OK && end) {
            rc = finish(lv, now_wall_ms, first, last, why, whylen);
        } else if (rc == CC_OK) {
            rc = apply(lv, in, now_wall_ms, first, last, refused, rlen, why, whylen);
        }
        if (rc == CC_ERR_IO && lv->conflict) {
            /* lost a race with another server process: catch up and apply on top */
            lv->conflict = 0;
            rc = sync_store(lv, why, whylen);
            if (rc == CC_OK && ended(lv)) {
                set_why(why, whylen, "the exercise has ended");
                rc = CC_ERR_RANGE;
            } else if (rc == CC_OK) {
                rc = end ? finish(lv, now_wall_ms, first, last, why, whylen)
                         : apply(lv, in, now_wall_ms, first, last, refused, rlen, why, whylen);
            }
        }
    }
    pthread_mutex_unlock(&lv->mu);
    json_decref(in);
    notify(lv, before);
    return rc;
}

cc_err cc_live_audit(cc_live *lv, const char *kind, int seat, json_t *detail, int64_t now_wall_ms)
{
    json_t *in = json_pack("{s:s,s:s}", "do", "audit", "what", kind);
    if (!in)
        return CC_ERR_NOMEM;
    if (seat >= 0)
        json_object_set_new(in, "about", json_string(lv->s->seats[seat].id));
    if (detail)
        json_object_set(in, "detail", detail);
    pthread_mutex_lock(&lv->mu);
    uint64_t before = lv->nev;
    char why[200];
    cc_err rc = lv->broken ? CC_ERR_IO : sync_store(lv, why, sizeof why);
    if (rc == CC_OK && ended(lv))
        rc = CC_ERR_RANGE; /* run.end closes the log */
    if (rc == CC_OK)
        rc = apply(lv, in, now_wall_ms, NULL, NULL, NULL, 0, why, sizeof why);
    pthread_mutex_unlock(&lv->mu);
    json_decref(in);
    notify(lv, before);
    return rc;
}

cc_err cc_live_tick(cc_live *lv, int64_t now_wall_ms, int64_t *next_wall_ms)
{
    pthread_mutex_lock(&lv->mu);
    uint64_t before = lv->nev;
    cc_err rc = CC_ERR_IO;
    if (!lv->broken) {
        rc = sync_store(lv, NULL, 0);
        if (now_wall_ms < lv->last_wall)
            now_wall_ms = lv->last_wall;
        lv->last_wall = now_wall_ms;
        if (rc == CC_OK)
            rc = cc_engine_advance_wall(lv->e, now_wall_ms);
        cc_err c = commit(lv, NULL, 0);
        if (rc == CC_OK)
            rc = c;
        if (lv->conflict) {
            lv->conflict = 0;
            rc = sync_store(lv, NULL, 0);
        }
    }
    if (next_wall_ms)
        *next_wall_ms = lv->broken ? INT64_MAX : cc_engine_next_due_wall(lv->e);
    pthread_mutex_unlock(&lv->mu);
    notify(lv, before);
    return rc;
}

/* ---- reads ---- */

int cc_live_control_sees_line(const cc_live *lv, const char *line, size_t len)
{
    if (lv->s->control_bypass)
        return 1;
    json_t *r = json_loadb(line, len, 0, NULL);
    cc_view_event ve = view_event(r, seq_of(r));
    int seen = json_string_value(json_object_get(r, "type")) &&
               cc_view_sees(cc_view_why_for(lv->view, &ve, (cc_viewer){CC_VIEWER_CONTROL, -1}));
    json_decref(r);
    return seen;
}

int64_t cc_live_scenario_ms(cc_live *lv, int64_t now_wall_ms)
{
    cc_engine_clock ck;
    pthread_mutex_lock(&lv->mu);
    cc_engine_clock_get(lv->e, now_wall_ms, &ck);
    pthread_mutex_unlock(&lv->mu);
    return ck.scenario_ms;
}

int cc_live_ended(cc_live *lv)
{
    pthread_mutex_lock(&lv->mu);
    int e = ended(lv);
    pthread_mutex_unlock(&lv->mu);
    return e;
}

int cc_live_control_bypass(const cc_live *lv)
{
    return lv->s->control_bypass;
}

int cc_live_visible(cc_live *lv, cc_live_viewer v, uint64_t seq)
{
    int r = 0;
    pthread_mutex_lock(&lv->mu);
    if (seq < lv->nev && seq >= lv->nev - lv->nring) {
        frame *f = ring_at(lv, seq);
        r = sees(lv, v, (const uint8_t *)f->text + f->len);
    } else if (seq < lv->nev) {
        onevis o = {lv, v, malloc(lv->s->nseats + 1), 0};
        cc_store_error err;
        if (o.vis)
            cc_store_events(lv->st, lv->id, seq, one_vis, &o, NULL, &err);
        free(o.vis);
        r = o.seen;
    }
    pthread_mutex_unlock(&lv->mu);
    return r;
}

size_t cc_live_sse(cc_live *lv, cc_live_viewer v, uint64_t *next, cc_buf *out, size_t max_bytes)
{
    size_t frames = 0;
    pthread_mutex_lock(&lv->mu);
    uint64_t first = lv->nev - lv->nring;
    if (*next < first)
        frames = backlog(lv, v, next, first, out, max_bytes);
    while (frames != SIZE_MAX && *next >= first && *next < lv->nev) {
        frame *f = ring_at(lv, *next);
        if (sees(lv, v, (const uint8_t *)f->text + f->len)) {
            if (frames && out->len + f->len > max_bytes)
                break;
            cc_buf_append(out, f->text, f->len);
            frames++;
        }
        (*next)++;
    }
    pthread_mutex_unlock(&lv->mu);
    return frames;
}

int cc_live_sees_from(cc_live *lv, cc_live_viewer v, uint64_t from, uint64_t *upto)
{
    pthread_mutex_lock(&lv->mu);
    uint64_t first = lv->nev - lv->nring, seq = from;
    int seen = from < first;
    for (; !seen && seq < lv->nev; seq++) {
        frame *f = ring_at(lv, seq);
        seen = sees(lv, v, (const uint8_t *)f->text + f->len);
    }
    *upto = lv->nev;
    pthread_mutex_unlock(&lv->mu);
    return seen;
}

json_t *cc_live_item(cc_live *lv, cc_live_viewer v, const char *id)
{
    if (!id)
        return NULL;
    pthread_mutex_lock(&lv->mu);
    view *w = view_of(lv, v);
    json_t *best = w ? json_incref(json_object_get(w->injects, id)) : NULL;
    /* a seat's message is read back from the store only when the seat holds it, so that a denied
     * message and one never sent answer in the same (short) time */
    uint64_t k = msg_number(id);
    int may = v.control || !k || cc_engine_message_held(lv->e, k, (size_t)v.seat);
    json_t *m = w && may ? message_item(lv, v, id) : NULL;
    pthread_mutex_unlock(&lv->mu);
    if (m && (!best || seq_of(m) < seq_of(best))) {
        json_decref(best);
        best = m;
    } else {
        json_decref(m);
    }
    return best;
}
int cc_live_item_exists(cc_live *lv, const char *id)
{
    if (!id)
        return 0;
    pthread_mutex_lock(&lv->mu);
    uint64_t k = msg_number(id);
    int found = k && k <= lv->nmsg;
    size_t n = cc_engine_inject_count(lv->e);
    for (size_t i = 0; !found && i < n; i++) {
        const char *iid = NULL;
        int64_t at;
        cc_engine_inject_state(lv->e, i, &iid, &at);
        found = iid && strcmp(iid, id) == 0;
    }
    pthread_mutex_unlock(&lv->mu);
    return found;
}

/* Whether text contains q, ASCII letters compared without case (other bytes exactly). */
static int has_text(const char *text, const char *q, size_t qn)
{
    if (!text)
        return 0;
    for (const char *t = text; *t; t++) {
        size_t k = 0;
        while (k < qn && t[k] && tolower((unsigned char)t[k]) == tolower((unsigned char)q[k]))
            k++;
        if (k == qn)
            return 1;
    }
    return 0;
}

static int item_matches(json_t *it, const char *q, size_t qn)
{
    static const char *const keys[] = {"id", "title", "body", "text"};
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
        if (has_text(json_string_value(json_object_get(it, keys[k])), q, qn))
            return 1;
    return 0;
}

static int by_seq_desc(const void *a, const void *b)
{
    uint64_t x = seq_of(*(json_t *const *)a), y = seq_of(*(json_t *const *)b);
    return x < y ? 1 : x > y ? -1 : 0;
}

json_t *cc_live_search(cc_live *lv, cc_live_viewer v, const char *q, size_t limit, size_t *total)
{
    *total = 0;
    size_t qn = q ? strlen(q) : 0;
    json_t *out = json_array();
    if (!out || !qn)
        return out;
    pthread_mutex_lock(&lv->mu);
    view *w = view_of(lv, v);
    size_t cap = (w ? w->items.n + json_object_size(w->injects) : 0) + 1, n = 0;
    json_t **hit = malloc(cap * sizeof *hit);
    if (w && hit) {
        /* the recent items (messages and injects), then injects held from before them */
        uint64_t oldest = UINT64_MAX;
        for (size_t i = 0; i < w->items.n; i++) {
            json_t *it = w->items.v[(w->items.head + i) % KEEP_LIST];
            uint64_t sq = seq_of(it);
            if (sq < oldest)
                oldest = sq;
            if (item_matches(it, q, qn))
                hit[n++] = json_incref(it);
        }
        const char *key;
        json_t *it;
        json_object_foreach(w->injects, key, it)
        {
            if ((w->items.n == 0 || seq_of(it) < oldest) && item_matches(it, q, qn))
                hit[n++] = json_incref(it);
        }
    }
    pthread_mutex_unlock(&lv->mu);
    if (hit) {
        qsort(hit, n, sizeof *hit, by_seq_desc);
        for (size_t i = 0; i < n; i++) {
            if (i < limit)
                json_array_append(out, hit[i]);
            json_decref(hit[i]);
        }
        *total = n;
    }
    free(hit);
    return out;
}

/* Banners a seat may put on a message: each classification up to its clearance, releasable to
 * its own party or to every party of the policy; the display style of each in *styles. */
static json_t *labels_for(const cc_scenario *s, int seat, json_t **styles)
{
    *styles = json_array();
    json_t *a = json_array();
    const cc_seat *st = &s->seats[seat];
    const char *own = cc_label_policy_party_code(s->policy, st->party_index);
    size_t np = cc_label_policy_nparties(s->policy);
    const char **all = calloc(np ? np : 1, sizeof *all);
    for (size_t i = 0; all && i < np; i++)
        all[i] = cc_label_policy_party_code(s->policy, (int)i);
    for (int r = 0; a && all && r <= st->clearance.cls; r++) {
        const char *cls = cc_label_policy_class_name(s->policy, r);
        const char *const *sets[2] = {&own, all};
        size_t ns[2] = {1, np};
        for (int k = 0; k < 2; k++) {
            cc_label l;
            char buf[256];
            if (cc_label_build(s->policy, cls, NULL, 0, sets[k], ns[k], st->party_index, &l, NULL, NULL) !=
                CC_OK)
                continue;
            if (cc_label_format(s->policy, &l, buf, sizeof buf) >= (int)sizeof buf ||
                !cc_label_permits(&l, &st->clearance))
                continue;
            size_t had = json_array_size(a);
            push_unique(a, buf);
            if (json_array_size(a) > had)
                json_array_append_new(
                    *styles, json_string(cc_label_style_name(cc_label_policy_class_style(s->policy, r))));
        }
    }
    free(all);
    return a;
}

/* The classes of the label policy up to rank top (every class: -1), in rank order: name, short and
 * display style (a page's banner names the highest class on it). */
static json_t *classes_upto(const cc_scenario *s, int top)
{
    json_t *a = json_array();
    for (int r = 0; a && (size_t)r < cc_label_policy_nclasses(s->policy) && (top < 0 || r <= top); r++)
        json_array_append_new(a, json_pack("{s:s,s:s,s:s}", "name", cc_label_policy_class_name(s->policy, r),
                                           "short", cc_label_policy_class_short(s->policy, r), "style",
                                           cc_label_style_name(cc_label_policy_class_style(s->policy, r))));
    return a;
}

/* The questionnaires sent to seat si whose label it may read, with their questions and the seat's
 * last answers (null before it answers): what its feedback form shows (docs/ui.md). */
static json_t *questionnaires_for(const cc_live *lv, size_t si)
{
    const cc_scenario *s = lv->s;
    static const char *const kinds[] = {"likert", "choice", "text"};
    json_t *out = json_array();
    for (size_t q = 0; out && lv->fb_sent && q < s->nquestionnaires; q++) {
        const cc_questionnaire *Q = &s->questionnaires[q];
        if (!lv->fb_sent[q] || !cc_eval_asks(s, Q, si) || !cc_scenario_seat_reads(s, si, &Q->label))
            continue;
        json_t *qs = json_array();
        for (size_t k = 0; k < Q->nquestions; k++) {
            const cc_question *K = &Q->questions[k];
            json_t *opts = json_array();
            for (size_t o = 0; o < K->noptions; o++)
                json_array_append_new(
                    opts, json_pack("{s:s,s:s?}", "id", K->options[o].id, "text", K->options[o].text));
            json_array_append_new(qs, json_pack("{s:s,s:s,s:s?,s:i,s:o,s:b,s:b}", "id", K->id, "kind",
                                                kinds[K->kind], "text", K->text, "scale", K->scale, "options",
                                                opts, "multiple", K->multiple, "required", K->required));
        }
        json_t *a = lv->fb_answers ? lv->fb_answers[q * s->nseats + si] : NULL;
        json_array_append_new(out, json_pack("{s:s,s:s?,s:s?,s:o,s:O,s:O}", "id", Q->id, "title", Q->title,
                                             "label", Q->label.text, "questions", qs, "answer",
                                             a ? json_object_get(a, "answer") : json_null(), "answered_t",
                                             a ? json_object_get(a, "answered_t") : json_null()));
    }
    return out;
}

/* The items that wait for the seat's act, once each, in the order of its affordances:
 * {"kind": "consultation" | "decision", "id", "do"} (a vote stands for its options). */
static json_t *waiting_for_you(const json_t *aff)
{
    json_t *out = json_array();
    size_t k;
    json_t *a;
    json_array_foreach(aff, k, a)
    {
        if (!json_is_true(json_object_get(a, "waiting")))
            continue;
        const char *kind = json_object_get(a, "consultation") ? "consultation" : "decision";
        const char *id = json_string_value(json_object_get(a, kind));
        int dup = 0;
        size_t j;
        json_t *w;
        json_array_foreach(out, j, w)
        {
            dup |= strcmp(json_string_value(json_object_get(w, "id")), id) == 0;
        }
        if (!dup)
            json_array_append_new(
                out, json_pack("{s:s,s:s,s:O}", "kind", kind, "id", id, "do", json_object_get(a, "do")));
    }
    return out;
}

/* When a critical task is to be observed (null: any time): {"inject" | "decision" | "consultation" |
 * "phase": ID, "stage"?: STAGE (a consultation's), "stage_kind"?: KIND (any consultation's stage of
 * that kind), "at_t"?: a phase's start}. */
static json_t *when_json(const cc_scenario *s, const cc_ewhen *w)
{
    static const char *const keys[] = {NULL, "inject", "decision", "consultation", "phase", NULL};
    if (w->kind == CC_EW_STAGE_KIND)
        return json_pack("{s:s}", "stage_kind", cc_stage_kind_name(w->stage_kind));
    if (w->kind == CC_EW_NONE || !w->ref || (size_t)w->kind >= sizeof keys / sizeof keys[0] || !keys[w->kind])
        return json_null();
    json_t *o = json_pack("{s:s}", keys[w->kind], w->ref);
    if (o && w->kind == CC_EW_CONSULTATION && w->stage)
        json_object_set_new(o, "stage", json_string(w->stage));
    if (o && w->kind == CC_EW_PHASE && w->index >= 0 && (size_t)w->index < s->nphases)
        json_object_set_new(o, "at_t", json_integer((json_int_t)s->phases[w->index].at_s * 1000));
    return o;
}

/* An evaluator's guides (those it evaluates with and may read, docs/http-api.md) and the
 * objectives, for its observation form. */
static json_t *guides_for(const cc_scenario *s, size_t si)
{
    json_t *out = json_array();
    for (size_t g = 0; out && g < s->nguides; g++) {
        const cc_guide *G = &s->guides[g];
        if (!cc_eval_evaluates(s, G, si) || !cc_scenario_seat_reads(s, si, &G->label))
            continue;
        json_t *ts = json_array();
        for (size_t t = 0; t < G->ntargets; t++) {
            json_t *ks = json_array();
            for (size_t k = 0; k < G->targets[t].ntasks; k++) {
                const cc_ctask *K = &G->targets[t].tasks[k];
                json_array_append_new(ks, json_pack("{s:s,s:s?,s:s?,s:o}", "id", K->id, "text", K->text,
                                                    "observe", K->observe, "when", when_json(s, &K->when)));
            }
            json_array_append_new(ts, json_pack("{s:s,s:s?,s:o}", "id", G->targets[t].id, "text",
                                                G->targets[t].text, "tasks", ks));
        }
        json_array_append_new(out, json_pack("{s:s,s:s?,s:s?,s:o}", "id", G->id, "objective", G->objective,
                                             "label", G->label.text, "targets", ts));
    }
    return out;
}

/* The scoring models a seat's team is scored by and whose label it may read: criteria, moves
 * (open once their phase has started) and its team's last submissions (docs/http-api.md). */
static json_t *scoring_for(const cc_live *lv, size_t si, int64_t now_ms)
{
    const cc_scenario *s = lv->s;
    json_t *out = json_array();
    for (size_t m = 0; out && m < s->nscorings; m++) {
        const cc_scoring *M = &s->scorings[m];
        int team = cc_eval_team_of(s, M, si);
        if (team < 0 || !cc_scenario_seat_reads(s, si, &M->label))
            continue;
        char tt[200];
        cc_eval_team_text(M, (size_t)team, tt, sizeof tt);
        json_t *crit = json_array(), *moves = json_array(), *sub = json_object();
        for (size_t c = 0; c < M->ncriteria; c++)
            json_array_append_new(crit, json_pack("{s:s,s:s?,s:f,s:i}", "id", M->criteria[c].id, "text",
                                                  M->criteria[c].text, "weight", M->criteria[c].weight, "max",
                                                  M->criteria[c].max));
        json_t *ms = lv->fb_scores ? json_object_get(lv->fb_scores, M->id) : NULL;
        for (size_t k = 0; k < cc_eval_nmoves(s, M); k++) {
            const char *id = cc_eval_move_id(s, M, k);
            json_array_append_new(
                moves, json_pack("{s:s,s:b}", "id", id, "open", cc_eval_move_start_ms(s, M, k) <= now_ms));
            json_t *mine = json_object_get(json_object_get(ms, id), tt);
            if (mine)
                json_object_set_new(sub, id, json_pack("{s:O}", tt, mine));
        }
        json_array_append_new(out, json_pack("{s:s,s:s?,s:s?,s:[s],s:o,s:o,s:o}", "id", M->id, "title",
                                             M->title, "label", M->label.text, "teams", tt, "criteria", crit,
                                             "moves", moves, "submitted", sub));
    }
    return out;
}

/* Control's view of the scoring models whose label a control seat may read (every one with the
 * bypass): teams, criteria, moves and every team's last submission (docs/http-api.md). */
static json_t *scoring_control(const cc_live *lv, int64_t now_ms)
{
    const cc_scenario *s = lv->s;
    json_t *out = json_array();
    for (size_t m = 0; out && m < s->nscorings; m++) {
        const cc_scoring *M = &s->scorings[m];
        if (!cc_view_control_reads(lv->view, &M->label))
            continue;
        json_t *teams = json_array(), *crit = json_array(), *moves = json_array();
        for (size_t t = 0; t < M->teams.n; t++) {
            char tt[200];
            json_array_append_new(teams, json_string(cc_eval_team_text(M, t, tt, sizeof tt)));
        }
        for (size_t c = 0; c < M->ncriteria; c++)
            json_array_append_new(crit, json_pack("{s:s,s:s?,s:f,s:i}", "id", M->criteria[c].id, "text",
                                                  M->criteria[c].text, "weight", M->criteria[c].weight, "max",
                                                  M->criteria[c].max));
        for (size_t k = 0; k < cc_eval_nmoves(s, M); k++)
            json_array_append_new(moves, json_pack("{s:s,s:b}", "id", cc_eval_move_id(s, M, k), "open",
                                                   cc_eval_move_start_ms(s, M, k) <= now_ms));
        json_t *sub = lv->fb_scores ? json_object_get(lv->fb_scores, M->id) : NULL;
        json_array_append_new(out,
                              json_pack("{s:s,s:s?,s:s?,s:o,s:o,s:o,s:o}", "id", M->id, "title", M->title,
                                        "label", M->label.text, "teams", teams, "criteria", crit, "moves",
                                        moves, "submitted", sub ? json_deep_copy(sub) : json_object()));
    }
    return out;
}

/* Control's view of the questionnaires (docs/http-api.md): when each is sent, whether it was, the
 * seats it asks and how many of them answered. */
static json_t *questionnaires_control(const cc_live *lv)
{
    const cc_scenario *s = lv->s;
    json_t *out = json_array();
    for (size_t q = 0; out && q < s->nquestionnaires; q++) {
        const cc_questionnaire *Q = &s->questionnaires[q];
        size_t asked = 0, answered = 0;
        for (size_t si = 0; si < s->nseats; si++)
            if (cc_eval_asks(s, Q, si)) {
                asked++;
                answered += lv->fb_answers && lv->fb_answers[q * s->nseats + si];
            }
        int64_t sent = lv->fb_sent ? lv->fb_sent[q] : 0;
        json_t *o = json_pack("{s:s,s:s?,s:s,s:I,s:I}", "id", Q->id, "title", Q->title, "send",
                              Q->send_end     ? "end"
                              : Q->send_phase ? Q->send_phase
                                              : "control",
                              "asked", (json_int_t)asked, "answered", (json_int_t)answered);
        json_object_set_new(o, "sent_t", sent ? json_integer(sent - 1) : json_null());
        json_array_append_new(out, o);
    }
    return out;
}

/* What a seat's state adds (lock held): the consultations it may ask for now, its affordances,
 * what waits for it and the consultations that will need it (docs/http-api.md), the
 * questionnaires sent to it, its team's scoring, and for an evaluator its guides and the
 * objectives. */
static void seat_state(cc_live *lv, cc_live_viewer v, json_t *st, int64_t now_ms)
{
    const cc_scenario *s = lv->s;
    /* consultations this seat may ask for now: it is their requester, they have not started */
    json_t *req = json_array();
    for (size_t i = 0; i < s->nconsultations; i++) {
        const char *cs = cc_engine_consultation_state(lv->e, i, NULL, NULL);
        if (s->consultations[i].requester_index == v.seat && cs && strcmp(cs, "pending") == 0)
            json_array_append_new(req, json_pack("{s:s,s:s?}", "id", s->consultations[i].id, "topic",
                                                 s->consultations[i].topic));
    }
    json_object_set_new(st, "requestable", req);
    /* what the seat may do now, by the engine's own checks, and what waits for it */
    json_t *aff = cc_engine_affordances(lv->e, (size_t)v.seat);
    json_object_set_new(st, "waiting", waiting_for_you(aff));
    json_object_set_new(st, "affordances", aff);
    json_object_set_new(st, "upcoming", cc_engine_upcoming(lv->e, (size_t)v.seat));
    /* the acts the engine would accept on each item of the seat's state, by id */
    json_t *acts = json_object();
    view *w = view_of(lv, v);
    for (size_t i = 0; acts && w && i < w->items.n; i++) {
        const char *id =
            json_string_value(json_object_get(w->items.v[(w->items.head + i) % KEEP_LIST], "id"));
        if (id && !json_object_get(acts, id))
            json_object_set_new(acts, id, cc_engine_item_acts(lv->e, (size_t)v.seat, id));
    }
    json_object_set_new(st, "item_acts", acts ? acts : json_object());
    json_object_set_new(st, "questionnaires", questionnaires_for(lv, (size_t)v.seat));
    json_object_set_new(st, "scoring", scoring_for(lv, (size_t)v.seat, now_ms));
    if (s->seats[v.seat].evaluator) {
        json_t *objs = json_array();
        for (size_t i = 0; i < s->nobjectives; i++)
            json_array_append_new(objs, json_pack("{s:s,s:s?,s:s?}", "id", s->objectives[i].id, "title",
                                                  s->objectives[i].title, "capability",
                                                  s->objectives[i].capability));
        json_object_set_new(st, "guides", guides_for(s, (size_t)v.seat));
        json_object_set_new(st, "objectives", objs);
        json_object_set_new(st, "observations", cc_obsbook_json(lv->obs, (size_t)v.seat));
    }
}

json_t *cc_live_state(cc_live *lv, cc_live_viewer v, int64_t now_wall_ms, const int *connected,
                      const uint8_t *joined)
{
    const cc_scenario *s = lv->s;
    json_t *st = json_object(), *seats = json_array();
    pthread_mutex_lock(&lv->mu);
    view *w = view_of(lv, v);
    json_t *items = w ? recent_json(&w->items) : json_array(),
           *notes = w ? recent_json(&w->notes) : json_array();
    json_t *cons = w ? json_deep_copy(w->cons) : json_array(),
           *decs = w ? json_deep_copy(w->decs) : json_array();
    json_t *findings = v.control && w ? recent_json(&w->findings) : NULL,
           *ratings = v.control && w ? w->ratings : NULL;
    json_object_set_new(st, "items_total", json_integer(w ? (json_int_t)w->items.total : 0));
    json_object_set_new(st, "notes_total", json_integer(w ? (json_int_t)w->notes.total : 0));
    if (v.control && w)
        json_object_set_new(st, "findings_total", json_integer((json_int_t)w->findings.total));
    cc_engine_clock ck;
    cc_engine_clock_get(lv->e, now_wall_ms, &ck);
    cc_engine_stats es;
    cc_engine_stats_get(lv->e, &es);
    char speed[48];
    if (ck.speed_den == 1)
        snprintf(speed, sizeof speed, "%d", (int)ck.speed_num);
    else
        snprintf(speed, sizeof speed, "%d/%d", (int)ck.speed_num, (int)ck.speed_den);
    json_object_set_new(st, "seq", json_integer((json_int_t)lv->nev - 1));
    json_object_set_new(st, "clock",
                        json_pack("{s:b,s:b,s:s,s:I,s:I,s:I,s:b,s:I}", "started", ck.started, "running",
                                  ck.running && !es.ended, "speed", speed, "t", (json_int_t)ck.scenario_ms,
                                  "wall", (json_int_t)now_wall_ms, "end_t", (json_int_t)s->duration_s * 1000,
                                  "ended", es.ended, "start_unix", (json_int_t)s->start_unix));
    char start[64];
    cc_rfc3339_format(s->start_unix, s->start_offset, start, sizeof start);
    json_object_set_new(json_object_get(st, "clock"), "start", json_string(start));
    if (s->zone_name)
        json_object_set_new(json_object_get(st, "clock"), "zone", json_string(s->zone_name));
    if (v.control) {
        json_t *inj = json_array();
        size_t n = cc_engine_inject_count(lv->e);
        for (size_t i = 0; i < n; i++) {
            const char *id = NULL;
            int64_t at = -1;
            const char *state = cc_engine_inject_state(lv->e, i, &id, &at);
            /* as it stands now: control's edits of its title, label and recipients included */
            const cc_labelspec *il = NULL;
            const cc_refs *ito = NULL;
            const char *title = cc_engine_inject_now(lv->e, i, &il, &ito);
            json_t *o = json_pack("{s:s?,s:s?,s:s?}", "id", id, "state", state, "title", title);
            json_object_set_new(o, "at_t", at >= 0 ? json_integer(at) : json_null());
            if (il && il->text) {
                json_object_set_new(o, "label", json_string(il->text));
                label_display(s, o);
                /* without the bypass the MSEL names every inject control drives, but shows a title
                 * only when a control seat may read the inject */
                if (!cc_view_control_reads(lv->view, il))
                    json_object_set_new(o, "title", json_null());
            }
            if (ito) {
                json_t *to = json_array();
                for (size_t k = 0; k < ito->n; k++) {
                    char name[200];
                    cc_scenario_ref_text(&ito->v[k], name, sizeof name);
                    json_array_append_new(to, json_string(name));
                }
                json_object_set_new(o, "to", to);
            }
            json_array_append_new(inj, o);
        }
        json_object_set_new(st, "injects", inj);
        json_object_set_new(st, "findings", findings);
        json_t *objs = json_array();
        for (size_t i = 0; i < s->nobjectives; i++) {
            json_t *r = json_object_get(ratings, s->objectives[i].id);
            json_array_append_new(objs, json_pack("{s:s,s:s?,s:O}", "id", s->objectives[i].id, "text",
                                                  s->objectives[i].title, "rating", r ? r : json_null()));
        }
        json_object_set_new(st, "objectives", objs);
        /* what each open consultation and decision waits for, the longest first */
        json_object_set_new(st, "stuck", cc_stuck_list(cons, decs, ck.scenario_ms));
        json_object_set_new(st, "pickers", cc_pickers(s)); /* the choices of control's forms */
        json_object_set_new(st, "questionnaires", questionnaires_control(lv));
        json_object_set_new(st, "scoring", scoring_control(lv, ck.scenario_ms));
        json_object_set_new(st, "observations", cc_obsbook_json(lv->obs, s->nseats));
    }
    if (!v.control)
        seat_state(lv, v, st, ck.scenario_ms);
    for (size_t i = 0; i < s->nseats; i++) {
        /* who plays the seat: its person (or nobody), or its agent policy (docs/cli.md, "Hybrid seats") */
        int ai = s->seats[i].agent_index;
        json_t *seat =
            json_pack("{s:s,s:s?,s:s?,s:b,s:s,s:s?}", "id", s->seats[i].id, "party", s->seats[i].party,
                      "name", s->seats[i].role, "connected", connected && connected[i] > 0, "played_by",
                      cc_hybrid_agent_plays(lv->hy, i) ? "agent" : "person", "agent",
                      ai >= 0 ? s->agents[ai].id : NULL);
        if (seat && v.control) /* whose code was used is control's to know (docs/http-api.md) */
            json_object_set_new(seat, "code_used", json_boolean(joined && joined[i]));
        json_array_append_new(seats, seat);
    }
    pthread_mutex_unlock(&lv->mu);
    json_object_set_new(st, "exercise",
                        json_pack("{s:I,s:s?,s:s?,s:s?}", "id", (json_int_t)lv->id, "name", lv->name,
                                  "scenario", cc_scenario_id(s), "title", cc_scenario_title(s)));
    if (v.control) {
        json_object_set_new(st, "you", json_pack("{s:s,s:n}", "role", "control", "seat"));
    } else {
        const cc_seat *me = &s->seats[v.seat];
        json_t *styles = NULL, *labels = labels_for(s, v.seat, &styles);
        json_object_set_new(st, "you",
                            json_pack("{s:s,s:s,s:s?,s:s?,s:s?,s:o,s:o}", "role",
                                      me->evaluator ? "evaluator" : "seat", "seat", me->id, "party",
                                      me->party, "name", me->role, "clearance", me->clearance_name, "labels",
                                      labels, "label_styles", styles));
    }
    json_object_set_new(st, "seats", seats);
    json_object_set_new(st, "classes", classes_upto(s, v.control ? -1 : s->seats[v.seat].clearance.cls));
    json_object_set_new(st, "items", items);
    json_object_set_new(st, "consultations", cons);
    json_object_set_new(st, "decisions", decs);
    json_object_set_new(st, "notes", notes);
    return st;
}
