/* debrief — see debrief.h. */
#include "server/debrief.h"

#include "core/scenario_model.h"

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
