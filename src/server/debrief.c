/* debrief — see debrief.h. */
#include "server/debrief.h"

#include "core/fork.h"
#include "core/scenario_model.h"
#include "core/view.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void refuse(cc_debrief_reply *out, unsigned status, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void refuse(cc_debrief_reply *out, unsigned status, const char *code, const char *fmt, ...)
{
    out->status = status;
    out->json = NULL;
    out->code = code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(out->message, sizeof out->message, fmt, ap);
    va_end(ap);
}

/* The viewer a query's seat names (NULL or "control": control); 0, or -1 with out filled. */
static int viewer_of(cc_live *live, const char *seat, cc_live_viewer *v, cc_debrief_reply *out)
{
    if (!seat || strcmp(seat, "control") == 0) {
        *v = (cc_live_viewer){1, -1};
        return 0;
    }
    int i = cc_live_seat_index(live, seat);
    if (i < 0) {
        refuse(out, 400, "bad-request", "seat: the scenario has no seat '%.60s' (give a seat id or control)",
               seat);
        return -1;
    }
    *v = (cc_live_viewer){0, i};
    return 0;
}

/* 0 when the exercise has ended, else -1 with out filled. */
static int ended_or_refuse(cc_live *live, cc_debrief_reply *out)
{
    if (cc_live_ended(live))
        return 0;
    refuse(out, 409, "not-ended",
           "the debrief opens once the exercise has ended (control ends it: {\"do\": \"end\"})");
    return -1;
}

static const char *viewer_name(cc_live *live, cc_live_viewer v)
{
    return v.control ? "control" : cc_live_scenario(live)->seats[v.seat].id;
}

void cc_debrief_events(cc_live *live, const char *seat, cc_debrief_reply *out)
{
    memset(out, 0, sizeof *out);
    cc_live_viewer v;
    if (ended_or_refuse(live, out) != 0 || viewer_of(live, seat, &v, out) != 0)
        return;
    json_t *ev = cc_live_timeline(live, v);
    if (!ev) {
        refuse(out, 500, "internal", "the log could not be read back from the store");
        return;
    }
    out->status = 200;
    out->json = json_pack("{s:s,s:I,s:o}", "viewer", viewer_name(live, v), "total",
                          (json_int_t)cc_live_events(live), "events", ev);
    if (!out->json)
        refuse(out, 500, "internal", "out of memory");
}

/* The event at seq in a viewer's timeline, or NULL when the viewer does not see it. */
static json_t *event_in(const json_t *timeline, uint64_t seq)
{
    size_t i;
    json_t *e;
    json_array_foreach(timeline, i, e)
    {
        if ((uint64_t)json_integer_value(json_object_get(e, "seq")) == seq)
            return e;
    }
    return NULL;
}

void cc_debrief_state(cc_store *st, cc_live *live, const char *at, const char *seat, cc_debrief_reply *out)
{
    memset(out, 0, sizeof *out);
    cc_live_viewer v;
    if (ended_or_refuse(live, out) != 0 || viewer_of(live, seat, &v, out) != 0)
        return;
    uint64_t n = cc_live_events(live), k = 0;
    char *end = NULL;
    errno = 0;
    unsigned long long x = at && *at >= '0' && *at <= '9' ? strtoull(at, &end, 10) : 0;
    if (!at || !end || *end || errno || x >= n) {
        refuse(out, 400, "bad-request", "at: give an event number from 0 to %" PRIu64 " (got '%.40s')", n - 1,
               at ? at : "");
        return;
    }
    k = (uint64_t)x;
    cc_live_opts o = {.store = st};
    cc_live *copy = NULL;
    char why[300];
    cc_err rc = cc_live_resume_at(&o, cc_live_exercise_id(live), k, &copy, why, sizeof why);
    if (rc != CC_OK) {
        refuse(out, 500, "internal", "the exercise could not be rebuilt to event %" PRIu64 ": %s", k, why);
        return;
    }
    json_t *state = cc_live_state(copy, v, cc_live_last_wall(copy), NULL, NULL);
    json_t *tl = cc_live_timeline(copy, v);
    cc_live_free(copy);
    if (!state || !tl) {
        json_decref(state);
        json_decref(tl);
        refuse(out, 500, "internal", "the state at event %" PRIu64 " could not be built", k);
        return;
    }
    json_t *e = event_in(tl, k);
    out->status = 200;
    out->json =
        json_pack("{s:I,s:I,s:s,s:O?,s:I,s:o}", "at", (json_int_t)k, "events", (json_int_t)n, "viewer",
                  viewer_name(live, v), "event", e, "seen", (json_int_t)json_array_size(tl), "state", state);
    json_decref(tl);
    if (!out->json)
        refuse(out, 500, "internal", "out of memory");
}

#define FORK_INPUTS_MAX 256 /* inputs a fork from the debrief page takes at most */

/* The stored log in memory, for the fork. */
typedef struct loglines {
    char **line;
    size_t *len;
    size_t n, cap;
    int nomem;
} loglines;

static int take_line(void *ctx, uint64_t seq, const char *line, size_t len)
{
    loglines *l = ctx;
    (void)seq;
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 256;
        char **nl = realloc(l->line, cap * sizeof *nl);
        if (nl)
            l->line = nl;
        size_t *nn = nl ? realloc(l->len, cap * sizeof *nn) : NULL;
        if (!nn) {
            l->nomem = 1;
            return 1;
        }
        l->len = nn;
        l->cap = cap;
    }
    if (!(l->line[l->n] = malloc(len + 1))) {
        l->nomem = 1;
        return 1;
    }
    memcpy(l->line[l->n], line, len);
    l->line[l->n][len] = 0;
    l->len[l->n++] = len;
    return 0;
}

static void loglines_free(loglines *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->line[i]);
    free(l->line);
    free(l->len);
}

/* The seats the body's "auto" names (nseats flags); 0, or -1 with out filled. */
static int auto_seats(const cc_scenario *s, const json_t *a, uint8_t *flags, cc_debrief_reply *out)
{
    if (!a || (json_is_string(a) && strcmp(json_string_value(a), "all") == 0)) {
        for (size_t i = 0; i < s->nseats; i++) /* every seat that has an agent policy */
            flags[i] = s->seats[i].agent_index >= 0;
        return 0;
    }
    if (!json_is_array(a)) {
        refuse(out, 400, "bad-request", "auto: \"all\" or a list of seat ids");
        return -1;
    }
    size_t i;
    json_t *x;
    json_array_foreach(a, i, x)
    {
        const char *id = json_string_value(x);
        int k = -1;
        for (size_t j = 0; id && j < s->nseats; j++)
            if (strcmp(s->seats[j].id, id) == 0)
                k = (int)j;
        if (k < 0) {
            refuse(out, 400, "bad-request", "auto[%zu]: the scenario has no seat '%.60s'", i, id ? id : "");
            return -1;
        }
        flags[k] = 1;
    }
    return 0;
}

/* Each decision's and consultation's end state in the fork, as control's state shows them. */
static json_t *outcomes(const cc_scenario *s, const cc_engine *e, const cc_view *view)
{
    json_t *o = json_pack("{s:[],s:[]}", "decisions", "consultations");
    json_t *ds = json_object_get(o, "decisions"), *cs = json_object_get(o, "consultations");
    for (size_t i = 0; o && i < s->ndecisions; i++) {
        const char *outcome = NULL, *state = cc_engine_decision_state(e, i, &outcome);
        int reads = cc_view_control_reads(view, &s->decisions[i].label);
        json_array_append_new(ds, json_pack("{s:s,s:s?,s:s?,s:s?,s:s?}", "id", s->decisions[i].id, "state",
                                            state, "outcome", reads ? outcome : NULL, "question",
                                            reads ? s->decisions[i].question : NULL, "label",
                                            s->decisions[i].label.text));
    }
    for (size_t i = 0; o && i < s->nconsultations; i++) {
        const char *stage = NULL, *state = cc_engine_consultation_state(e, i, &stage, NULL);
        int reads = cc_view_control_reads(view, &s->consultations[i].label);
        json_array_append_new(cs, json_pack("{s:s,s:s?,s:s?,s:s?,s:s?}", "id", s->consultations[i].id,
                                            "state", state, "stage", reads ? stage : NULL, "topic",
                                            reads ? s->consultations[i].topic : NULL, "label",
                                            s->consultations[i].label.text));
    }
    return o;
}

void cc_debrief_fork(cc_store *st, cc_live *live, const char *body, size_t len, cc_debrief_reply *out)
{
    memset(out, 0, sizeof *out);
    if (ended_or_refuse(live, out) != 0)
        return;
    json_error_t je;
    json_t *in = json_loadb(body ? body : "", len, 0, &je);
    if (!json_is_object(in)) {
        refuse(out, 400, "bad-request", "the body must be a JSON object {\"at\": K, \"auto\": \"all\"}");
        json_decref(in);
        return;
    }
    const char *key;
    json_t *val;
    json_object_foreach(in, key, val)
    {
        if (strcmp(key, "at") != 0 && strcmp(key, "auto") != 0 && strcmp(key, "inputs") != 0) {
            refuse(out, 400, "bad-request",
                   "unknown member '%.40s' (a fork takes \"at\", \"auto\" and \"inputs\")", key);
            json_decref(in);
            return;
        }
    }
    uint64_t n = cc_live_events(live);
    json_t *at = json_object_get(in, "at");
    if (!json_is_integer(at) || json_integer_value(at) < 0 || (uint64_t)json_integer_value(at) >= n) {
        refuse(out, 400, "bad-request", "at: give an event number from 0 to %" PRIu64, n - 1);
        json_decref(in);
        return;
    }
    /* the fork's own inputs: objects in time order, each at its "wall" time (ms since 1970) */
    json_t *ins = json_object_get(in, "inputs");
    size_t nin = json_array_size(ins);
    if (ins && (!json_is_array(ins) || nin > FORK_INPUTS_MAX)) {
        refuse(out, 400, "bad-request", "inputs: a list of at most %d inputs", FORK_INPUTS_MAX);
        json_decref(in);
        return;
    }
    int64_t t_ms[FORK_INPUTS_MAX];
    json_t *inv[FORK_INPUTS_MAX];
    json_t *held = json_array(); /* the inputs without their "wall": the engine takes the time apart */
    for (size_t i = 0; i < nin; i++) {
        json_t *x = json_array_get(ins, i), *w = json_object_get(x, "wall");
        if (!json_is_object(x) || !json_is_integer(w) || (i > 0 && json_integer_value(w) < t_ms[i - 1])) {
            refuse(out, 400, "bad-request",
                   "inputs[%zu]: an input object with \"wall\", its time in ms since 1970, in time order", i);
            json_decref(held);
            json_decref(in);
            return;
        }
        t_ms[i] = json_integer_value(w);
        inv[i] = json_copy(x);
        if (!inv[i] || json_array_append_new(held, inv[i]) != 0) {
            refuse(out, 500, "internal", "out of memory");
            json_decref(held);
            json_decref(in);
            return;
        }
        json_object_del(inv[i], "wall");
    }
    const cc_scenario *s = cc_live_scenario(live);
    uint8_t *flags = calloc(s->nseats + 1, 1);
    loglines l = {0};
    cc_store_error err;
    cc_view *view = NULL;
    if (!flags || cc_view_new(s, &view) != CC_OK) {
        refuse(out, 500, "internal", "out of memory");
    } else if (auto_seats(s, json_object_get(in, "auto"), flags, out) == 0) {
        cc_err rc = cc_store_events(st, cc_live_exercise_id(live), 0, take_line, &l, NULL, &err);
        if (rc != CC_OK || l.nomem) {
            refuse(out, 500, "internal", "the log could not be read back from the store");
        } else {
            char parent[64], why[400];
            snprintf(parent, sizeof parent, "exercise %" PRId64, cc_live_exercise_id(live));
            cc_fork_opts o = {.at = (uint64_t)json_integer_value(at),
                              .agents = flags,
                              .inputs = inv,
                              .t_ms = t_ms,
                              .ninputs = nin,
                              .parent = parent};
            cc_fork_result res;
            cc_engine *e = NULL;
            rc = cc_fork_run(s, (const char *const *)l.line, l.len, l.n, &o, NULL, NULL, &e, &res, why,
                             sizeof why);
            if (rc == CC_ERR_RANGE || rc == CC_ERR_INVALID) {
                refuse(out, 400, "bad-request", "%s", why);
            } else if (rc != CC_OK) {
                refuse(out, 500, "internal", "the fork did not run: %s", why);
            } else {
                const cc_engine_stats *x = &res.stats;
                out->status = 200;
                out->json = json_pack(
                    "{s:I,s:s,s:s,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:o}", "at", (json_int_t)o.at, "event_hash",
                    res.event_hash, "merkle_root", res.merkle_root, "fork_t", (json_int_t)res.fork_t,
                    "events", (json_int_t)x->events, "decisions_made", (json_int_t)x->decisions_made,
                    "decisions_expired", (json_int_t)x->decisions_expired, "consultations_done",
                    (json_int_t)x->consultations_done, "findings_met", (json_int_t)x->findings_met,
                    "findings_missed", (json_int_t)x->findings_missed, "agent_actions",
                    (json_int_t)x->agent_actions, "outcome", outcomes(s, e, view));
                if (out->json) {
                    json_t *seats = json_array();
                    for (size_t i = 0; i < s->nseats; i++)
                        if (flags[i])
                            json_array_append_new(seats, json_string(s->seats[i].id));
                    json_object_set_new(out->json, "auto", seats);
                } else {
                    refuse(out, 500, "internal", "out of memory");
                }
            }
            cc_engine_free(e);
        }
    }
    cc_view_free(view);
    loglines_free(&l);
    free(flags);
    json_decref(held);
    json_decref(in);
}
