/* live — see live.h. Each committed event is kept in memory with who may see it (a seat
 * bitmap decided once, when it is committed, from the event's kind and addressees and then
 * the label rule) and its pre-rendered stream frame, so streams and snapshots only filter. */
#include "server/live.h"

#include <inttypes.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ctime.h"
#include "core/engine.h"
#include "core/evlog.h"
#include "core/label.h"
#include "core/merkle.h"
#include "core/verify.h"
#include "core/scenario_model.h"
#include "io/scenario_load.h"

typedef struct live_ev {
    char *type;
    int64_t t;
    int actor;   /* seat index, -1 for none/control */
    json_t *rec; /* {seq,type,t,wall,actor,label,payload}, payload augmented for deliveries */
    char *frame; /* "id: N\nevent: caucus\ndata: {...}\n\n" */
    size_t framelen;
    uint8_t *vis; /* one byte per seat: 1 = visible */
} live_ev;

/* Content of released injects and sent messages, for the deliveries that follow them. */
typedef struct content {
    char *id;
    size_t ev; /* index of the release or message event */
} content;

struct cc_live {
    pthread_mutex_t mu;
    cc_store *st;
    cc_live_publish_fn publish;
    void *publish_ctx;
    int64_t id;
    char *name;
    cc_scenario *s;
    cc_engine *e;
    cc_buf pending;    /* lines the engine emitted since the last commit */
    int broken;        /* the store failed: no more changes */
    int conflict;      /* another process committed the events this one tried to: resync */
    int64_t last_wall; /* wall time last given to the engine: callers race for the lock, so a
                          later caller may hold an earlier reading; the engine's wall time never
                          goes back, or the log would not replay */
    live_ev *ev;
    size_t nev, cap;
    uint8_t *cons; /* nconsultations x nseats: participants so far */
    uint8_t *decs; /* ndecisions x nseats: deciders and seats it was delivered to */
    content *cont;
    size_t ncont, capcont;
    /* checkpoints */
    const cc_note_signer *signer;
    uint64_t cp_every, cp_last;
    char *cp_dir;
    cc_merkle_stream *tree;
    char origin[100];
    size_t next_phase; /* index of the next phase start the clock has not passed */
    /* resume: regenerated lines are compared with the stored ones instead of committed */
    int replaying;
    char **expect;
    size_t nexpect, iexpect;
    char mismatch[200];
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

static int decision_of(const cc_scenario *s, const char *id)
{
    for (size_t i = 0; id && i < s->ndecisions; i++)
        if (strcmp(s->decisions[i].id, id) == 0)
            return (int)i;
    return -1;
}

/* The engine's sink: collect (or, while resuming, compare with the stored log). */
static int sink(void *ctx, const char *line, size_t len)
{
    cc_live *lv = ctx;
    if (lv->replaying) {
        if (lv->iexpect >= lv->nexpect) {
            snprintf(lv->mismatch, sizeof lv->mismatch,
                     "the engine produced event %zu, which the store lacks", lv->iexpect);
            return 1;
        }
        const char *want = lv->expect[lv->iexpect];
        if (strlen(want) != len - 1 || memcmp(want, line, len - 1) != 0) {
            snprintf(
                lv->mismatch, sizeof lv->mismatch,
                "event %zu regenerated differs from the stored one (different engine, or an altered store)",
                lv->iexpect);
            return 1;
        }
        lv->iexpect++;
    }
    return cc_buf_append(&lv->pending, line, len) == CC_OK ? 0 : 1;
}

/* ---- visibility ---- */

static void vis_all(live_ev *v, size_t n)
{
    memset(v->vis, 1, n);
}

static void vis_or(live_ev *v, const uint8_t *row, size_t n)
{
    for (size_t i = 0; i < n; i++)
        v->vis[i] |= row[i];
}

/* Seats that may read the event's label: the label rule again, on top of the addressing. */
static void vis_label(cc_live *lv, live_ev *v, const char *banner)
{
    if (!banner)
        return;
    const cc_scenario *s = lv->s;
    int originator = v->actor >= 0 ? s->seats[v->actor].party_index : -1;
    cc_label l;
    if (cc_label_parse(s->policy, banner, strlen(banner), originator, &l, NULL) != CC_OK) {
        memset(v->vis, 0, s->nseats);
        return;
    }
    for (size_t i = 0; i < s->nseats; i++)
        if (v->vis[i] && !cc_label_permits(&l, &s->seats[i].clearance))
            v->vis[i] = 0;
}

static const char *pstr(json_t *payload, const char *k)
{
    return json_string_value(json_object_get(payload, k));
}

static const content *find_content(const cc_live *lv, const char *id)
{
    for (size_t i = lv->ncont; id && i-- > 0;)
        if (strcmp(lv->cont[i].id, id) == 0)
            return &lv->cont[i];
    return NULL;
}

static int add_content(cc_live *lv, const char *id, size_t ev)
{
    if (!id)
        return 0;
    if (lv->ncont == lv->capcont) {
        size_t nc = lv->capcont ? lv->capcont * 2 : 64;
        content *n = realloc(lv->cont, nc * sizeof *n);
        if (!n)
            return -1;
        lv->cont = n;
        lv->capcont = nc;
    }
    if (!(lv->cont[lv->ncont].id = strdup(id)))
        return -1;
    lv->cont[lv->ncont++].ev = ev;
    return 0;
}

/* Adds to a delivery's payload what the seat needs to read the item. */
static void augment_delivery(cc_live *lv, json_t *payload)
{
    const content *c = find_content(lv, pstr(payload, "item"));
    if (!c)
        return;
    json_t *src = json_object_get(lv->ev[c->ev].rec, "payload");
    const char *kind = pstr(payload, "kind");
    if (kind && strcmp(kind, "inject") == 0) {
        static const char *const keys[] = {"title", "body", "from", "channel"};
        for (size_t i = 0; i < 4; i++) {
            json_t *x = json_object_get(src, keys[i]);
            if (x)
                json_object_set(payload, keys[i], x);
        }
    } else {
        json_t *x;
        if ((x = json_object_get(src, "text")))
            json_object_set(payload, "text", x);
        if ((x = json_object_get(src, "to")))
            json_object_set(payload, "to", x);
        if ((x = json_object_get(src, "reply_to")))
            json_object_set(payload, "reply_to", x);
        json_t *actor = json_object_get(lv->ev[c->ev].rec, "actor");
        if (actor)
            json_object_set(payload, "from", actor);
    }
}

static int is_clock(const char *type)
{
    return strncmp(type, "clock.", 6) == 0 || strcmp(type, "run.start") == 0 || strcmp(type, "run.end") == 0;
}

/* Decides who sees event v (payload p) and updates the addressing state. */
static void decide_vis(cc_live *lv, live_ev *v, json_t *p, const char *label)
{
    const cc_scenario *s = lv->s;
    size_t n = s->nseats;
    const char *type = v->type;
    if (is_clock(type)) {
        vis_all(v, n);
        return; /* no label on clock events */
    }
    if (strcmp(type, "delivery") == 0) {
        int seat = seat_of(s, pstr(p, "seat"));
        if (seat < 0)
            return;
        v->vis[seat] = 1;
        const char *kind = pstr(p, "kind");
        if (kind && strcmp(kind, "decision") == 0) {
            int d = decision_of(s, pstr(p, "item"));
            if (d >= 0)
                lv->decs[(size_t)d * n + (size_t)seat] = 1;
        }
        augment_delivery(lv, p);
        return; /* the engine applied the label rule to this very delivery */
    }
    if (strncmp(type, "consult.", 8) == 0) {
        int c = consultation_of(s, pstr(p, "consultation"));
        if (c < 0)
            return;
        uint8_t *row = lv->cons + (size_t)c * n;
        if (v->actor >= 0 && strcmp(type, "consult.request") == 0)
            row[v->actor] = 1;
        json_t *parts = json_object_get(p, "participants");
        size_t i;
        json_t *x;
        json_array_foreach(parts, i, x)
        {
            int seat = seat_of(s, json_string_value(x));
            if (seat >= 0)
                row[seat] = 1;
        }
        vis_or(v, row, n);
    } else if (strncmp(type, "decision.", 9) == 0) {
        int d = decision_of(s, pstr(p, "decision"));
        if (d < 0)
            return;
        uint8_t *row = lv->decs + (size_t)d * n;
        json_t *ds = json_object_get(p, "deciders");
        size_t i;
        json_t *x;
        json_array_foreach(ds, i, x)
        {
            int seat = seat_of(s, json_string_value(x));
            if (seat >= 0)
                row[seat] = 1;
        }
        vis_or(v, row, n);
    } else if (strcmp(type, "note") == 0) {
        /* the cell's shared notes pad: every seat of the writer's party */
        if (v->actor >= 0)
            for (size_t i = 0; i < n; i++)
                v->vis[i] = s->seats[i].party_index == s->seats[v->actor].party_index;
    } else if (strcmp(type, "input") == 0 || strcmp(type, "input.refused") == 0 ||
               strcmp(type, "message") == 0 || strcmp(type, "inject.ack") == 0 ||
               strcmp(type, "inject.escalate") == 0) {
        if (v->actor >= 0)
            v->vis[v->actor] = 1;
    }
    /* everything else (releases, denials, findings, ratings, holds, edits, audit) is control's */
    vis_label(lv, v, label);
}

/* Parses committed lines from pending into events. */
static cc_err ingest(cc_live *lv)
{
    const char *s = lv->pending.data, *end = s + lv->pending.len;
    size_t n = lv->s->nseats;
    while (s < end) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        if (!nl)
            break;
        json_error_t je;
        json_t *r = json_loadb(s, (size_t)(nl - s), 0, &je);
        s = nl + 1;
        if (!r)
            return CC_ERR_PARSE;
        if (lv->nev == lv->cap) {
            size_t nc = lv->cap ? lv->cap * 2 : 256;
            live_ev *ne = realloc(lv->ev, nc * sizeof *ne);
            if (!ne) {
                json_decref(r);
                return CC_ERR_NOMEM;
            }
            lv->ev = ne;
            lv->cap = nc;
        }
        live_ev *v = &lv->ev[lv->nev];
        memset(v, 0, sizeof *v);
        const char *type = json_string_value(json_object_get(r, "type"));
        v->type = strdup(type ? type : "");
        v->t = json_integer_value(json_object_get(r, "t"));
        v->actor = seat_of(lv->s, json_string_value(json_object_get(r, "actor")));
        v->vis = calloc(n ? n : 1, 1);
        json_t *p = json_object_get(r, "payload");
        const char *label = json_string_value(json_object_get(r, "label"));
        const char *hh = json_string_value(json_object_get(r, "hash"));
        unsigned char hb[32];
        if (!hh || cc_unhex(hh, strlen(hh), hb, 32) != 0 ||
            cc_merkle_stream_append(lv->tree, hb, 32) != CC_OK) {
            json_decref(r);
            free(v->type);
            free(v->vis);
            return CC_ERR_PARSE;
        }
        if (lv->nev == 0)
            cc_verify_origin_of(hh, lv->origin, sizeof lv->origin);
        v->rec = json_pack("{s:O,s:s,s:O,s:O,s:O,s:O,s:O}", "seq", json_object_get(r, "seq"), "type", v->type,
                           "t", json_object_get(r, "t"), "wall", json_object_get(r, "wall"), "actor",
                           json_object_get(r, "actor"), "label", json_object_get(r, "label"), "payload", p);
        if (!v->type || !v->vis || !v->rec) {
            json_decref(r);
            free(v->type);
            free(v->vis);
            json_decref(v->rec);
            return CC_ERR_NOMEM;
        }
        /* the payload object is shared with r; augmenting it is fine (r is dropped below) */
        if (strcmp(v->type, "inject.release") == 0 && add_content(lv, pstr(p, "inject"), lv->nev) != 0)
            return CC_ERR_NOMEM;
        if (strcmp(v->type, "message") == 0 && add_content(lv, pstr(p, "message"), lv->nev) != 0)
            return CC_ERR_NOMEM;
        decide_vis(lv, v, p, label);
        char *data = json_dumps(v->rec, JSON_COMPACT | JSON_SORT_KEYS);
        json_decref(r);
        if (!data)
            return CC_ERR_NOMEM;
        size_t dl = strlen(data);
        v->frame = malloc(dl + 64);
        if (!v->frame) {
            free(data);
            return CC_ERR_NOMEM;
        }
        v->framelen = (size_t)sprintf(v->frame, "id: %zu\nevent: caucus\ndata: %s\n\n", lv->nev, data);
        free(data);
        lv->nev++;
    }
    cc_buf_reset(&lv->pending);
    return CC_OK;
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
    if (lv->cp_dir) {
        char path[4096];
        snprintf(path, sizeof path, "%s/checkpoint-%012zu.txt", lv->cp_dir, lv->nev);
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
        if (cc_store_append(lv->st, lv->id, lv->pending.data, lv->pending.len, &err) != CC_OK) {
            /* This engine's lines always chain to what it last saw; a refusal for the chain (or a
             * duplicate event) means another server process committed in between. */
            if (strstr(err.msg, "another writer") || strstr(err.msg, "does not continue") ||
                strstr(err.msg, "is not the hash of the last event")) {
                lv->conflict = 1; /* another server process got there first: sync_store */
                set_why(why, whylen, "another server committed first");
                return CC_ERR_IO;
            }
            lv->broken = 1;
            set_why(why, whylen, "the store refused the events: %s", err.msg);
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
    if (lv->publish && lv->nev > before)
        lv->publish(lv->publish_ctx);
}

/* ---- construction ---- */

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
    lv->tree = cc_merkle_stream_new();
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
    size_t n = lv->s->nseats ? lv->s->nseats : 1;
    lv->cons = calloc((lv->s->nconsultations ? lv->s->nconsultations : 1) * n, 1);
    lv->decs = calloc((lv->s->ndecisions ? lv->s->ndecisions : 1) * n, 1);
    if (!lv->cons || !lv->decs) {
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

static cc_err start_engine(cc_live *lv, uint64_t seed, int variant, int64_t wall0, const char *source,
                           char *why, size_t whylen)
{
    cc_engine_opts eo;
    memset(&eo, 0, sizeof eo);
    eo.seed = seed;
    eo.variant = variant;
    eo.wall_start_ms = wall0;
    eo.live_clock = 1;
    eo.source = source;
    cc_err rc = cc_engine_new(lv->s, &eo, sink, lv, &lv->e);
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
        set_why(why, whylen, "%s", err.msg);
        cc_live_free(lv);
        return CC_ERR_IO;
    }
    lv->name = strdup(x.name);
    pthread_mutex_lock(&lv->mu);
    rc = start_engine(lv, seed, vi, now_wall_ms, source, why, whylen);
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

typedef struct stored {
    char **lines;
    size_t n, cap;
    int oom;
} stored;

static int keep_line(void *ctx, uint64_t seq, const char *line, size_t len)
{
    stored *s = ctx;
    (void)seq;
    if (s->n == s->cap) {
        size_t nc = s->cap ? s->cap * 2 : 1024;
        char **nl = realloc(s->lines, nc * sizeof *nl);
        if (!nl) {
            s->oom = 1;
            return 1;
        }
        s->lines = nl;
        s->cap = nc;
    }
    char *c = malloc(len + 1);
    if (!c) {
        s->oom = 1;
        return 1;
    }
    memcpy(c, line, len);
    c[len] = 0;
    s->lines[s->n++] = c;
    return 0;
}

static int max_cp(void *ctx, uint64_t size, const char *note)
{
    (void)note;
    uint64_t *m = ctx;
    if (size > *m)
        *m = size;
    return 0;
}

static void stored_free(stored *sl)
{
    for (size_t i = 0; i < sl->n; i++)
        free(sl->lines[i]);
    free(sl->lines);
    memset(sl, 0, sizeof *sl);
}

/* Feeds the stored lines lv->expect[lv->iexpect..nexpect) to the engine again (replaying):
 * each logged input at its wall time, and what the clock made due between and after them;
 * every regenerated line must equal the stored one. Lock held. */
static cc_err refeed(cc_live *lv, char *why, size_t whylen)
{
    cc_err rc = CC_OK;
    char **lines = lv->expect;
    size_t n = lv->nexpect;
    for (size_t i = lv->iexpect; rc == CC_OK && i < n; i++) {
        if (i < lv->iexpect || !strstr(lines[i], "\"type\":\"input\""))
            continue;
        json_t *r = json_loads(lines[i], 0, NULL);
        const char *type = json_string_value(json_object_get(r, "type"));
        if (r && type && strcmp(type, "input") == 0) {
            char w2[160];
            rc = cc_engine_input_at(lv->e, json_integer_value(json_object_get(r, "wall")),
                                    json_object_get(r, "payload"), w2, sizeof w2);
            if (rc != CC_OK)
                set_why(why, whylen, "input at stored event %zu: %s%s%s", i, w2, lv->mismatch[0] ? "; " : "",
                        lv->mismatch);
            else
                rc = commit(lv, why, whylen);
        }
        json_decref(r);
    }
    if (rc == CC_OK && lv->iexpect < n) {
        json_t *last = json_loads(lines[n - 1], 0, NULL);
        rc = cc_engine_advance_wall(lv->e, json_integer_value(json_object_get(last, "wall")));
        json_decref(last);
        if (rc == CC_OK)
            rc = commit(lv, why, whylen);
    }
    if (n > 0) {
        json_t *last = json_loads(lines[n - 1], 0, NULL);
        int64_t w = json_integer_value(json_object_get(last, "wall"));
        json_decref(last);
        if (w > lv->last_wall)
            lv->last_wall = w;
    }
    if (rc == CC_OK && lv->iexpect != n) {
        set_why(why, whylen, "%s",
                lv->mismatch[0] ? lv->mismatch : "the store holds events the engine does not regenerate");
        rc = CC_ERR_INVALID;
    } else if (rc != CC_OK && lv->mismatch[0]) {
        set_why(why, whylen, "%s", lv->mismatch);
    }
    return rc;
}

/* Builds the engine and the views from the exercise's stored log: run.start fixes seed,
 * variant and wall start; the rest is fed again (refeed). Lock held. */
static cc_err load_from_store(cc_live *lv, char *why, size_t whylen)
{
    cc_store_error err;
    stored sl = {NULL, 0, 0, 0};
    cc_err rc = cc_store_events(lv->st, lv->id, 0, keep_line, &sl, NULL, &err);
    if (rc == CC_OK && sl.oom)
        rc = CC_ERR_NOMEM;
    if (rc != CC_OK)
        set_why(why, whylen, "%s", err.msg);
    else if (sl.n == 0) {
        set_why(why, whylen, "exercise %" PRId64 " has no events", lv->id);
        rc = CC_ERR_INVALID;
    }
    json_t *first = rc == CC_OK ? json_loads(sl.lines[0], 0, NULL) : NULL;
    json_t *fp = json_object_get(first, "payload");
    const char *ftype = json_string_value(json_object_get(first, "type"));
    const char *seed = json_string_value(json_object_get(fp, "seed"));
    uint64_t sv = 0;
    if (rc == CC_OK &&
        (!ftype || strcmp(ftype, "run.start") != 0 || !seed || sscanf(seed, "%" SCNu64, &sv) != 1)) {
        set_why(why, whylen, "exercise %" PRId64 ": the first event is not a run.start with a seed", lv->id);
        rc = CC_ERR_INVALID;
    }
    if (rc == CC_OK) {
        lv->replaying = 1;
        lv->expect = sl.lines;
        lv->nexpect = sl.n;
        lv->iexpect = 0;
        lv->mismatch[0] = 0;
        int vi = variant_index(lv->s, json_string_value(json_object_get(fp, "variant")));
        rc = start_engine(lv, sv, vi < 0 ? -1 : vi, json_integer_value(json_object_get(first, "wall")),
                          json_string_value(json_object_get(fp, "source")), why, whylen);
        if (rc == CC_OK)
            rc = commit(lv, why, whylen);
        if (rc == CC_OK)
            rc = refeed(lv, why, whylen);
        lv->replaying = 0;
        lv->expect = NULL;
        lv->nexpect = lv->iexpect = 0;
    }
    json_decref(first);
    stored_free(&sl);
    if (rc == CC_OK)
        cc_store_checkpoints(lv->st, lv->id, max_cp, &lv->cp_last, &err);
    return rc;
}

/* Drops the engine and every view, ready for load_from_store. Lock held. */
static void reset_state(cc_live *lv)
{
    cc_engine_free(lv->e);
    lv->e = NULL;
    for (size_t i = 0; i < lv->nev; i++) {
        free(lv->ev[i].type);
        json_decref(lv->ev[i].rec);
        free(lv->ev[i].frame);
        free(lv->ev[i].vis);
    }
    lv->nev = 0;
    for (size_t i = 0; i < lv->ncont; i++)
        free(lv->cont[i].id);
    lv->ncont = 0;
    size_t n = lv->s->nseats ? lv->s->nseats : 1;
    memset(lv->cons, 0, (lv->s->nconsultations ? lv->s->nconsultations : 1) * n);
    memset(lv->decs, 0, (lv->s->ndecisions ? lv->s->ndecisions : 1) * n);
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
        set_why(why, whylen, "%s", err.msg);
        return CC_ERR_IO;
    }
    if (count == lv->nev && lv->pending.len == 0)
        return CC_OK;
    cc_err rc = CC_OK;
    if (count > lv->nev && lv->pending.len == 0) {
        stored sl = {NULL, 0, 0, 0};
        rc = cc_store_events(lv->st, lv->id, lv->nev, keep_line, &sl, NULL, &err);
        if (rc == CC_OK && !sl.oom) {
            lv->replaying = 1;
            lv->expect = sl.lines;
            lv->nexpect = sl.n;
            lv->iexpect = 0;
            lv->mismatch[0] = 0;
            rc = refeed(lv, why, whylen);
            lv->replaying = 0;
            lv->expect = NULL;
            lv->nexpect = lv->iexpect = 0;
        } else if (rc == CC_OK) {
            rc = CC_ERR_NOMEM;
        }
        stored_free(&sl);
        if (rc == CC_OK)
            return CC_OK;
    }
    /* diverged (or fewer events than we have): start again from the store */
    reset_state(lv);
    rc = load_from_store(lv, why, whylen);
    if (rc != CC_OK)
        lv->broken = 1;
    return rc;
}

cc_err cc_live_resume(const cc_live_opts *o, int64_t id, cc_live **out, char *why, size_t whylen)
{
    *out = NULL;
    cc_store_exercise x;
    cc_store_error err;
    if (cc_store_exercise_get(o->store, id, &x, &err) != CC_OK) {
        set_why(why, whylen, "%s", err.msg);
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
    *out = lv;
    return CC_OK;
}

void cc_live_free(cc_live *lv)
{
    if (!lv)
        return;
    cc_engine_free(lv->e);
    cc_scenario_free(lv->s);
    for (size_t i = 0; i < lv->nev; i++) {
        free(lv->ev[i].type);
        json_decref(lv->ev[i].rec);
        free(lv->ev[i].frame);
        free(lv->ev[i].vis);
    }
    free(lv->ev);
    for (size_t i = 0; i < lv->ncont; i++)
        free(lv->cont[i].id);
    free(lv->cont);
    free(lv->cons);
    free(lv->decs);
    free(lv->name);
    free(lv->cp_dir);
    cc_merkle_stream_free(lv->tree);
    cc_buf_free(&lv->pending);
    pthread_mutex_destroy(&lv->mu);
    free(lv);
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
    static const char *const c[] = {"release", "hold",  "edit", "add",  "start",     "pause",
                                    "resume",  "speed", "jump", "rate", "downgrade", "audit"};
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
    if (refused && rlen) {
        refused[0] = 0;
        for (size_t i = before; i < lv->nev; i++)
            if (strcmp(lv->ev[i].type, "input.refused") == 0) {
                const char *r = pstr(json_object_get(lv->ev[i].rec, "payload"), "reason");
                snprintf(refused, rlen, "%s", r ? r : "refused");
            }
    }
    return CC_OK;
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
        json_object_set_new(in, "seat", json_string(mine));
    } else if (json_object_get(in, "seat") && !control_only(act)) {
        /* control acting for a seat: allowed (a controller playing a simulated cell) */
    }
    pthread_mutex_lock(&lv->mu);
    uint64_t before = lv->nev;
    cc_err rc;
    if (lv->broken) {
        set_why(why, whylen, "the exercise stopped accepting changes after a store failure");
        rc = CC_ERR_IO;
    } else {
        rc = sync_store(lv, why, whylen);
        if (rc == CC_OK)
            rc = apply(lv, in, now_wall_ms, first, last, refused, rlen, why, whylen);
        if (rc == CC_ERR_IO && lv->conflict) {
            /* lost a race with another server process: catch up and apply on top */
            lv->conflict = 0;
            rc = sync_store(lv, why, whylen);
            if (rc == CC_OK)
                rc = apply(lv, in, now_wall_ms, first, last, refused, rlen, why, whylen);
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

/* ---- projections ---- */

static int visible(const cc_live *lv, cc_live_viewer v, size_t i)
{
    return v.control || (v.seat >= 0 && (size_t)v.seat < lv->s->nseats && lv->ev[i].vis[v.seat]);
}

int cc_live_visible(cc_live *lv, cc_live_viewer v, uint64_t seq)
{
    pthread_mutex_lock(&lv->mu);
    int r = seq < lv->nev && visible(lv, v, (size_t)seq);
    pthread_mutex_unlock(&lv->mu);
    return r;
}

size_t cc_live_sse(cc_live *lv, cc_live_viewer v, uint64_t *next, cc_buf *out, size_t max_bytes)
{
    size_t frames = 0;
    pthread_mutex_lock(&lv->mu);
    while (*next < lv->nev) {
        live_ev *e = &lv->ev[*next];
        if (visible(lv, v, (size_t)*next)) {
            if (frames && out->len + e->framelen > max_bytes)
                break;
            cc_buf_append(out, e->frame, e->framelen);
            frames++;
        }
        (*next)++;
    }
    pthread_mutex_unlock(&lv->mu);
    return frames;
}

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

static json_t *item_of(const live_ev *e, const char *kind)
{
    json_t *rec = e->rec, *p = json_object_get(rec, "payload");
    json_t *it = json_object();
    if (!it)
        return NULL;
    int inject = strcmp(kind, "inject") == 0;
    const char *id = inject ? pstr(p, "inject") : pstr(p, "message");
    if (!id)
        id = pstr(p, "item");
    json_object_set_new(it, "id", json_string(id ? id : ""));
    json_object_set_new(it, "kind", json_string(kind));
    static const char *const keys[] = {"title", "body", "from", "channel", "text", "to", "reply_to"};
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
        json_t *x = json_object_get(p, keys[k]);
        if (x)
            json_object_set(it, keys[k], x);
    }
    if (!json_object_get(it, "from") && json_object_get(rec, "actor"))
        json_object_set(it, "from", json_object_get(rec, "actor"));
    json_object_set(it, "label", json_object_get(rec, "label"));
    json_object_set(it, "t", json_object_get(rec, "t"));
    json_object_set(it, "seq", json_object_get(rec, "seq"));
    return it;
}

static void push_unique(json_t *arr, const char *s)
{
    size_t i;
    json_t *x;
    json_array_foreach(arr, i, x) if (strcmp(json_string_value(x), s) == 0) return;
    json_array_append_new(arr, json_string(s));
}

/* Folds the viewer's visible events into the snapshot's collections. Lock held. */
static void fold(cc_live *lv, cc_live_viewer v, json_t *items, json_t *cons, json_t *decs, json_t *notes,
                 json_t *findings, json_t *ratings)
{
    for (size_t i = 0; i < lv->nev; i++) {
        if (!visible(lv, v, i))
            continue;
        live_ev *e = &lv->ev[i];
        json_t *rec = e->rec, *p = json_object_get(rec, "payload");
        const char *type = e->type;
        const char *actor = json_string_value(json_object_get(rec, "actor"));
        if (strcmp(type, "delivery") == 0 && !v.control) {
            const char *kind = pstr(p, "kind");
            if (kind && (strcmp(kind, "inject") == 0 || strcmp(kind, "message") == 0))
                json_array_append_new(items, item_of(e, kind));
        } else if (strcmp(type, "inject.release") == 0 && v.control) {
            json_array_append_new(items, item_of(e, "inject"));
        } else if (strcmp(type, "message") == 0 && pstr(p, "message")) {
            json_array_append_new(items, item_of(e, "message"));
        } else if (strcmp(type, "consult.request") == 0) {
            json_t *c = json_pack("{s:s?,s:s?,s:s?,s:s,s:[],s:[],s:O}", "id", pstr(p, "consultation"),
                                  "topic", pstr(p, "topic"), "requested_by", pstr(p, "requested_by"), "state",
                                  "requested", "acks", "positions", "label", json_object_get(rec, "label"));
            if (c)
                json_array_append_new(cons, c);
        } else if (strncmp(type, "consult.", 8) == 0) {
            json_t *c = find_by_id(cons, pstr(p, "consultation"));
            if (!c && strcmp(type, "consult.stage") == 0) {
                /* a participant of a later stage never saw the request: open the entry here */
                int ci = consultation_of(lv->s, pstr(p, "consultation"));
                if (ci >= 0) {
                    const cc_consultation *K = &lv->s->consultations[ci];
                    c = json_pack("{s:s,s:s?,s:s?,s:s,s:[],s:[],s:O}", "id", K->id, "topic", K->topic,
                                  "requested_by", K->requested_by, "state", "requested", "acks", "positions",
                                  "label", json_object_get(rec, "label"));
                    if (c)
                        json_array_append_new(cons, c);
                }
            }
            if (!c)
                continue;
            if (strcmp(type, "consult.stage") == 0) {
                json_object_set_new(c, "state", json_string("in progress"));
                json_object_set(c, "stage", json_object_get(p, "stage"));
                json_object_set(c, "stage_kind", json_object_get(p, "kind"));
                json_object_set(c, "participants", json_object_get(p, "participants"));
                json_object_set(c, "since_t", json_object_get(rec, "t"));
                json_t *dl = json_object_get(p, "deadline_ms");
                json_object_set_new(c, "deadline_t", dl ? json_incref(dl) : json_null());
                json_object_set_new(c, "acks", json_array());
            } else if (strcmp(type, "consult.ack") == 0 && actor) {
                push_unique(json_object_get(c, "acks"), actor);
            } else if (strcmp(type, "consult.position") == 0 && actor) {
                push_unique(json_object_get(c, "acks"), actor); /* "acks": seats that acted in this stage */
                json_array_append_new(json_object_get(c, "positions"),
                                      json_pack("{s:s,s:s?,s:O}", "seat", actor, "text", pstr(p, "text"), "t",
                                                json_object_get(rec, "t")));
            } else if (strcmp(type, "consult.done") == 0) {
                json_object_set_new(c, "state", json_string("done"));
            } else if (strcmp(type, "consult.escalate") == 0 || strcmp(type, "consult.deadline") == 0 ||
                       strcmp(type, "consult.object") == 0) {
                json_t *log = json_object_get(c, "events");
                if (!log)
                    json_object_set_new(c, "events", log = json_array());
                json_array_append_new(log, json_pack("{s:s,s:O,s:s?}", "type", type, "t",
                                                     json_object_get(rec, "t"), "seat", actor));
            }
        } else if (strcmp(type, "decision.open") == 0) {
            json_t *d = json_pack(
                "{s:s?,s:s?,s:s,s:O,s:O,s:O,s:O,s:{},s:n,s:[],s:O}", "id", pstr(p, "decision"), "question",
                pstr(p, "question"), "state", "open", "options", json_object_get(p, "options"), "deciders",
                json_object_get(p, "deciders"), "rule", json_object_get(p, "rule"), "deadline_t",
                json_object_get(p, "deadline_ms") ? json_object_get(p, "deadline_ms") : json_null(), "votes",
                "outcome", "objections", "label", json_object_get(rec, "label"));
            if (d) {
                json_object_set_new(d, "options", json_deep_copy(json_object_get(p, "options")));
                json_array_append_new(decs, d);
            }
        } else if (strncmp(type, "decision.", 9) == 0) {
            json_t *d = find_by_id(decs, pstr(p, "decision"));
            if (!d)
                continue;
            if (strcmp(type, "decision.propose") == 0) {
                json_t *opts = json_object_get(d, "options");
                if (json_is_array(opts))
                    json_array_append_new(opts, json_pack("{s:s?,s:s?,s:s?}", "id", pstr(p, "option"), "text",
                                                          pstr(p, "text"), "by", actor));
            } else if (strcmp(type, "decision.vote") == 0 && actor) {
                json_object_set(json_object_get(d, "votes"), actor, json_object_get(p, "option"));
            } else if (strcmp(type, "decision.object") == 0 && actor) {
                push_unique(json_object_get(d, "objections"), actor);
            } else if (strcmp(type, "decision.made") == 0) {
                json_object_set_new(d, "state", json_string("decided"));
                json_object_set(d, "outcome", json_object_get(p, "outcome"));
            } else if (strcmp(type, "decision.deadline") == 0) {
                json_object_set_new(d, "state", json_string("expired"));
            }
        } else if (strcmp(type, "note") == 0) {
            json_array_append_new(notes, json_pack("{s:O,s:O,s:s?,s:O}", "seq", json_object_get(rec, "seq"),
                                                   "seat", json_object_get(rec, "actor"), "text",
                                                   pstr(p, "text"), "t", json_object_get(rec, "t")));
        } else if (strcmp(type, "finding") == 0 && findings) {
            json_array_append_new(
                findings,
                json_pack("{s:O,s:O,s:O,s:O,s:O}", "guideline", json_object_get(p, "guideline"), "result",
                          json_object_get(p, "result"), "subject", json_object_get(p, "subject"), "t",
                          json_object_get(rec, "t"), "seq", json_object_get(rec, "seq")));
        } else if (strcmp(type, "objective.rating") == 0 && ratings) {
            json_object_set(ratings, pstr(p, "objective") ? pstr(p, "objective") : "",
                            json_object_get(p, "rating"));
        }
    }
}

/* Banners a seat may put on a message: each classification up to its clearance, releasable to
 * its own party or to every party of the policy. */
static json_t *labels_for(const cc_scenario *s, int seat)
{
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
            push_unique(a, buf);
        }
    }
    free(all);
    return a;
}

json_t *cc_live_state(cc_live *lv, cc_live_viewer v, int64_t now_wall_ms, const int *connected,
                      const uint8_t *joined)
{
    const cc_scenario *s = lv->s;
    json_t *st = json_object(), *items = json_array(), *cons = json_array(), *decs = json_array(),
           *notes = json_array(), *seats = json_array();
    json_t *findings = v.control ? json_array() : NULL, *ratings = v.control ? json_object() : NULL;
    pthread_mutex_lock(&lv->mu);
    fold(lv, v, items, cons, decs, notes, findings, ratings);
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
                                  ck.running, "speed", speed, "t", (json_int_t)ck.scenario_ms, "wall",
                                  (json_int_t)now_wall_ms, "end_t", (json_int_t)s->duration_s * 1000, "ended",
                                  es.ended, "start_unix", (json_int_t)s->start_unix));
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
            const char *title = i < s->ninjects ? s->injects[i].title : NULL;
            json_t *o = json_pack("{s:s?,s:s?,s:s?}", "id", id, "state", state, "title", title);
            json_object_set_new(o, "at_t", at >= 0 ? json_integer(at) : json_null());
            if (i < s->ninjects && s->injects[i].label.text)
                json_object_set_new(o, "label", json_string(s->injects[i].label.text));
            if (i < s->ninjects) {
                static const char *const pre[] = {"", "cell:", "party:", "group:", ""};
                json_t *to = json_array();
                for (size_t k = 0; k < s->injects[i].to.n; k++) {
                    const cc_ref *r = &s->injects[i].to.v[k];
                    char name[200];
                    snprintf(name, sizeof name, "%s%s", pre[r->kind],
                             r->kind == CC_REF_ALL ? "all" : r->name);
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
        json_decref(ratings);
    }
    if (!v.control) {
        /* consultations this seat may ask for now: it is their requester, they have not started */
        json_t *req = json_array();
        for (size_t i = 0; i < s->nconsultations; i++) {
            const char *cs = cc_engine_consultation_state(lv->e, i, NULL, NULL);
            if (s->consultations[i].requester_index == v.seat && cs && strcmp(cs, "pending") == 0)
                json_array_append_new(req, json_pack("{s:s,s:s?}", "id", s->consultations[i].id, "topic",
                                                     s->consultations[i].topic));
        }
        json_object_set_new(st, "requestable", req);
    }
    pthread_mutex_unlock(&lv->mu);
    for (size_t i = 0; i < s->nseats; i++)
        json_array_append_new(seats,
                              json_pack("{s:s,s:s?,s:s?,s:b,s:b}", "id", s->seats[i].id, "party",
                                        s->seats[i].party, "name", s->seats[i].role, "connected",
                                        connected && connected[i] > 0, "code_used", joined && joined[i]));
    json_object_set_new(st, "exercise",
                        json_pack("{s:I,s:s?,s:s?,s:s?}", "id", (json_int_t)lv->id, "name", lv->name,
                                  "scenario", cc_scenario_id(s), "title", cc_scenario_title(s)));
    if (v.control) {
        json_object_set_new(st, "you", json_pack("{s:s,s:n}", "role", "control", "seat"));
    } else {
        const cc_seat *me = &s->seats[v.seat];
        json_object_set_new(st, "you",
                            json_pack("{s:s,s:s,s:s?,s:s?,s:s?,s:o}", "role", "seat", "seat", me->id, "party",
                                      me->party, "name", me->role, "clearance", me->clearance_name, "labels",
                                      labels_for(s, v.seat)));
    }
    json_object_set_new(st, "seats", seats);
    json_object_set_new(st, "items", items);
    json_object_set_new(st, "consultations", cons);
    json_object_set_new(st, "decisions", decs);
    json_object_set_new(st, "notes", notes);
    return st;
}

json_t *cc_live_item(cc_live *lv, cc_live_viewer v, const char *id)
{
    json_t *st = cc_live_state(lv, v, 0, NULL, NULL);
    json_t *it = find_by_id(json_object_get(st, "items"), id);
    json_t *r = it ? json_incref(it) : NULL;
    json_decref(st);
    return r;
}
