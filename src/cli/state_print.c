/* state_print — the queryable state of a run, as `caucus run` summarises it and `caucus replay
 * --until` prints it: what each seat holds, every inject, consultation and decision, open decisions
 * and the findings so far, as text or JSON. Times the engine does not keep (requests, completions,
 * findings) are gathered from its observe callback while the run goes. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/ctime.h"
#include "core/engine.h"
#include "core/grow.h"
#include "core/evlog.h"
#include "core/scenario_model.h"

int cc_cli_state_init(cc_cli_state *st, const cc_scenario *s)
{
    memset(st, 0, sizeof *st);
    st->s = s;
    st->req = malloc((s->nconsultations + 1) * sizeof *st->req);
    st->done = malloc((s->nconsultations + 1) * sizeof *st->done);
    st->failed = malloc((s->nconsultations + 1) * sizeof *st->failed);
    st->made = malloc((s->ndecisions + 1) * sizeof *st->made);
    if (!st->req || !st->done || !st->failed || !st->made) {
        cc_cli_state_free(st);
        return -1;
    }
    for (size_t k = 0; k < s->nconsultations; k++)
        st->req[k] = st->done[k] = st->failed[k] = -1;
    for (size_t k = 0; k < s->ndecisions; k++)
        st->made[k] = -1;
    return 0;
}

void cc_cli_state_free(cc_cli_state *st)
{
    free(st->req);
    free(st->done);
    free(st->failed);
    free(st->made);
    free(st->findings);
    memset(st, 0, sizeof *st);
}

void cc_cli_state_observe(void *ctx, cc_evtype type, uint32_t item, unsigned detail, int64_t t_ms)
{
    cc_cli_state *st = ctx;
    if (st->gate && !st->gate(st->gate_ctx))
        return;
    size_t i = cc_engine_item_index(item);
    switch (type) {
    case CC_EV_CONSULT_REQUEST: st->req[i] = t_ms; break;
    case CC_EV_CONSULT_DONE: st->done[i] = t_ms; break;
    case CC_EV_CONSULT_FAILED: st->failed[i] = t_ms; break;
    case CC_EV_DECISION_MADE:
        if (!(detail & CC_OBSERVE_SILENCE))
            st->made[i] = t_ms;
        break;
    case CC_EV_FINDING: {
        cc_cli_finding *f = cc_grow(st->findings, &st->capfindings, st->nfindings + 1, sizeof *f);
        if (!f) {
            st->oom = 1;
            return;
        }
        st->findings = f;
        st->findings[st->nfindings++] = (cc_cli_finding){(size_t)item, (detail & CC_OBSERVE_MET) != 0, t_ms};
        break;
    }
    default: break;
    }
}

static const char *fmt_dur(int64_t ms, char *buf, size_t n)
{
    cc_duration_format(ms / 1000, buf, n);
    return buf;
}

void cc_cli_print_items(FILE *f, const cc_cli_state *st, const cc_engine *e)
{
    const cc_scenario *s = st->s;
    char a[32], b[32];
    for (size_t c = 0; c < s->nconsultations; c++) {
        const char *stage = NULL;
        int64_t since = 0;
        const char *state = cc_engine_consultation_state(e, c, &stage, &since);
        if (st->req[c] < 0)
            fprintf(f, "  consultation %s: not requested\n", s->consultations[c].id);
        else if (st->done[c] >= 0)
            fprintf(f, "  consultation %s: requested at +%s, completed %s later\n", s->consultations[c].id,
                    fmt_dur(st->req[c], a, sizeof a), fmt_dur(st->done[c] - st->req[c], b, sizeof b));
        else if (st->failed[c] >= 0)
            fprintf(f, "  consultation %s: requested at +%s, failed at +%s in stage %s\n", s->consultations[c].id,
                    fmt_dur(st->req[c], a, sizeof a), fmt_dur(st->failed[c], b, sizeof b), stage ? stage : "?");
        else
            fprintf(f, "  consultation %s: requested at +%s, %s%s%s since +%s\n", s->consultations[c].id,
                    fmt_dur(st->req[c], a, sizeof a), state, stage ? ", stage " : "", stage ? stage : "",
                    fmt_dur(since, b, sizeof b));
    }
    for (size_t d = 0; d < s->ndecisions; d++) {
        const char *outcome = NULL;
        const char *state = cc_engine_decision_state(e, d, &outcome);
        if (outcome && st->made[d] >= 0)
            fprintf(f, "  decision %s: %s '%s' at +%s\n", s->decisions[d].id, state, outcome,
                    fmt_dur(st->made[d], a, sizeof a));
        else
            fprintf(f, "  decision %s: %s\n", s->decisions[d].id, state);
    }
}

void cc_cli_print_state(FILE *f, const cc_cli_state *st, const cc_engine *e)
{
    const cc_scenario *s = st->s;
    char a[32];
    size_t ninj = cc_engine_inject_count(e);
    cc_engine_stats stats;
    cc_engine_stats_get(e, &stats);
    fprintf(f, "state at scenario time +%s%s:\n", fmt_dur(stats.now_ms, a, sizeof a),
            stats.ended ? " (run ended)" : "");
    for (size_t k = 0; k < s->nseats; k++) {
        fprintf(f, "  seat %s holds", s->seats[k].id);
        /* injects only: the engine does not keep who holds a consultation or a decision */
        size_t n = 0;
        for (size_t i = 0; i < ninj; i++) {
            const char *id = NULL;
            if (!cc_engine_seat_has(e, k, i))
                continue;
            cc_engine_inject_state(e, i, &id, NULL);
            fprintf(f, "%s %s", n++ ? "," : ":", id);
        }
        fprintf(f, "%s\n", n ? "" : " no inject");
    }
    for (size_t i = 0; i < ninj; i++) {
        const char *id = NULL;
        int64_t at = -1;
        const char *state = cc_engine_inject_state(e, i, &id, &at);
        if (strcmp(state, "pending") != 0)
            fprintf(f, "  inject %s: %s\n", id, state);
        else if (at >= 0)
            fprintf(f, "  inject %s: pending, due at +%s\n", id, fmt_dur(at, a, sizeof a));
        else
            fprintf(f, "  inject %s: pending, waiting for its trigger\n", id);
    }
    cc_cli_print_items(f, st, e);
    fprintf(f, "  open decisions:");
    size_t n = 0;
    for (size_t d = 0; d < s->ndecisions; d++)
        if (strcmp(cc_engine_decision_state(e, d, NULL), "open") == 0)
            fprintf(f, "%s %s", n++ ? "," : "", s->decisions[d].id);
    fprintf(f, "%s\n", n ? "" : " none");
    fprintf(f, "  findings: %zu met, %zu missed\n", stats.findings_met, stats.findings_missed);
    for (size_t k = 0; k < st->nfindings; k++)
        fprintf(f, "    %s %s at +%s\n", s->guidelines[st->findings[k].guideline].id,
                st->findings[k].met ? "met" : "missed", fmt_dur(st->findings[k].t_ms, a, sizeof a));
}

static json_t *ms_or_null(int64_t ms)
{
    return ms >= 0 ? json_integer(ms) : json_null();
}

json_t *cc_cli_state_json(const cc_cli_state *st, const cc_engine *e)
{
    const cc_scenario *s = st->s;
    size_t ninj = cc_engine_inject_count(e);
    cc_engine_stats stats;
    cc_engine_stats_get(e, &stats);
    char dg[65];
    cc_hex(cc_engine_digest(e), 32, dg);
    json_t *seats = json_array(), *injects = json_array(), *cons = json_array(), *decs = json_array(),
           *open = json_array(), *finds = json_array();
    json_t *root = json_pack(
        "{s:I,s:b,s:s,s:{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}}", "t_ms", (json_int_t)stats.now_ms,
        "ended", stats.ended, "digest", dg, "counters", "events", (json_int_t)stats.events,
        "injects_released", (json_int_t)stats.injects_released, "deliveries", (json_int_t)stats.deliveries,
        "denials", (json_int_t)stats.denials, "decisions_opened", (json_int_t)stats.decisions_opened,
        "decisions_made", (json_int_t)stats.decisions_made, "decisions_expired",
        (json_int_t)stats.decisions_expired, "consultations_requested",
        (json_int_t)stats.consultations_requested, "consultations_done", (json_int_t)stats.consultations_done,
        "findings_met", (json_int_t)stats.findings_met, "findings_missed", (json_int_t)stats.findings_missed);
    if (!root || !seats || !injects || !cons || !decs || !open || !finds) {
        json_decref(root);
        json_decref(seats);
        json_decref(injects);
        json_decref(cons);
        json_decref(decs);
        json_decref(open);
        json_decref(finds);
        return NULL;
    }
    for (size_t k = 0; k < s->nseats; k++) {
        json_t *holds = json_array();
        for (size_t i = 0; i < ninj; i++) {
            const char *id = NULL;
            if (cc_engine_seat_has(e, k, i) && cc_engine_inject_state(e, i, &id, NULL))
                json_array_append_new(holds, json_string(id));
        }
        json_array_append_new(seats, json_pack("{s:s,s:o}", "seat", s->seats[k].id, "holds", holds));
    }
    for (size_t i = 0; i < ninj; i++) {
        const char *id = NULL;
        int64_t at = -1;
        const char *state = cc_engine_inject_state(e, i, &id, &at);
        json_array_append_new(
            injects, json_pack("{s:s,s:s,s:o}", "inject", id, "state", state, "at_ms", ms_or_null(at)));
    }
    for (size_t c = 0; c < s->nconsultations; c++) {
        const char *stage = NULL;
        int64_t since = -1;
        const char *state = cc_engine_consultation_state(e, c, &stage, &since);
        json_array_append_new(cons,
                              json_pack("{s:s,s:s,s:o,s:o,s:o,s:o}", "consultation", s->consultations[c].id,
                                        "state", state, "stage", stage ? json_string(stage) : json_null(),
                                        "since_ms", ms_or_null(stage ? since : -1), "requested_ms",
                                        ms_or_null(st->req[c]), "done_ms", ms_or_null(st->done[c])));
        if (st->failed[c] >= 0)
            json_object_set_new(json_array_get(cons, c), "failed_ms", json_integer(st->failed[c]));
    }
    for (size_t d = 0; d < s->ndecisions; d++) {
        const char *outcome = NULL;
        const char *state = cc_engine_decision_state(e, d, &outcome);
        json_array_append_new(decs, json_pack("{s:s,s:s,s:o,s:o}", "decision", s->decisions[d].id, "state",
                                              state, "outcome", outcome ? json_string(outcome) : json_null(),
                                              "made_ms", ms_or_null(st->made[d])));
        if (strcmp(state, "open") == 0)
            json_array_append_new(open, json_string(s->decisions[d].id));
    }
    for (size_t k = 0; k < st->nfindings; k++)
        json_array_append_new(finds, json_pack("{s:s,s:s,s:I}", "guideline",
                                               s->guidelines[st->findings[k].guideline].id, "result",
                                               st->findings[k].met ? "met" : "missed", "t_ms",
                                               (json_int_t)st->findings[k].t_ms));
    json_object_set_new(root, "seats", seats);
    json_object_set_new(root, "injects", injects);
    json_object_set_new(root, "consultations", cons);
    json_object_set_new(root, "decisions", decs);
    json_object_set_new(root, "open_decisions", open);
    json_object_set_new(root, "findings", finds);
    return root;
}
