/* replay — see replay.h. */
#include "core/replay.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/evtype.h"
#include "core/guidelines.h"
#include "core/scenario_model.h"

/* A decimal 64-bit number, whole string. */
static bool parse_u64(const char *s, uint64_t *out)
{
    uint64_t v = 0;
    if (!s || !*s)
        return false;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9' || v > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
            return false;
        v = v * 10 + (uint64_t)(*p - '0');
    }
    *out = v;
    return true;
}

cc_err cc_replay_of(const cc_scenario *s, const cc_evrec *run_start, cc_replay *out, char *why, size_t whylen)
{
    memset(out, 0, sizeof *out);
    out->opts.variant = -1;
    if (cc_evtype_of(run_start->type) != CC_EV_RUN_START) {
        snprintf(why, whylen, "the first event is %s, not run.start", run_start->type);
        return CC_ERR_INVALID;
    }
    const json_t *p = run_start->payload;
    if (!parse_u64(json_string_value(json_object_get(p, "seed")), &out->opts.seed)) {
        snprintf(why, whylen, "run.start has no valid seed");
        return CC_ERR_INVALID;
    }
    const char *clock = json_string_value(json_object_get(p, "clock"));
    if (clock && strcmp(clock, "wall") != 0) {
        snprintf(why, whylen, "unknown clock '%.40s' in run.start", clock);
        return CC_ERR_INVALID;
    }
    out->opts.live_clock = clock != NULL;
    out->opts.replication = (uint64_t)json_integer_value(json_object_get(p, "replication"));
    out->opts.wall_start_ms = run_start->wall_ms;
    out->opts.source = json_string_value(json_object_get(p, "source"));
    const char *variant = json_string_value(json_object_get(p, "variant"));
    for (size_t m = 0; variant && m < s->nmechanisms; m++)
        if (strcmp(s->mechanisms[m].id, variant) == 0)
            out->opts.variant = (int)m;
    out->auto_seats = calloc(s->nseats + 1, 1);
    if (!out->auto_seats)
        return CC_ERR_NOMEM;
    size_t k;
    json_t *x;
    json_array_foreach(json_object_get(p, "auto"), k, x)
    {
        int i = cc_scenario_seat_index(s, json_string_value(x));
        if (i >= 0)
            out->auto_seats[i] = 1;
    }
    out->opts.auto_seats = out->auto_seats;
    return CC_OK;
}

cc_err cc_replay_pin(cc_scenario *s, const cc_evrec *run_start, char *why, size_t whylen)
{
    const char *note =
        json_string_value(json_object_get(json_object_get(run_start->payload, "guidelines"), "note"));
    if (!note)
        return CC_OK;
    cc_endorsement en;
    cc_note_error ne;
    if (cc_guidelines_check(s, note, strlen(note), &en, &ne) != CC_OK) {
        snprintf(why, whylen, "the endorsed guidelines it pins do not check: %s", ne.message);
        return CC_ERR_INVALID;
    }
    size_t missing = en.missing;
    cc_endorsement_free(&en);
    if (missing) {
        snprintf(why, whylen, "the guidelines it pins lack %zu endorser%s", missing, missing == 1 ? "" : "s");
        return CC_ERR_INVALID;
    }
    if (cc_scenario_set_endorsement(s, note, strlen(note)) != CC_OK) {
        snprintf(why, whylen, "out of memory");
        return CC_ERR_NOMEM;
    }
    return CC_OK;
}

void cc_replay_clear(cc_replay *r)
{
    free(r->auto_seats);
    memset(r, 0, sizeof *r);
}

cc_err cc_replay_input(cc_engine *e, const cc_replay *r, const cc_evrec *input, char *why, size_t whylen)
{
    if (r->opts.live_clock)
        return cc_engine_input_at(e, input->wall_ms, input->payload, why, whylen);
    cc_err rc = cc_engine_run_until(e, input->t_ms);
    return rc == CC_OK ? cc_engine_input(e, input->payload, why, whylen) : rc;
}

cc_err cc_replay_end(cc_engine *e, const cc_replay *r, const cc_evrec *last)
{
    cc_err rc =
        r->opts.live_clock ? cc_engine_advance_wall(e, last->wall_ms) : cc_engine_run_until(e, last->t_ms);
    if (rc == CC_OK && cc_evtype_of(last->type) == CC_EV_RUN_END)
        rc = cc_engine_finish(e);
    return rc;
}
