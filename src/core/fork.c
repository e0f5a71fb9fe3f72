/* fork — see fork.h. */
#include "core/fork.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/evlog.h"
#include "core/merkle.h"
#include "core/replay.h"
#include "core/scenario_model.h"

/* The engine's sink while forking: the parent's events up to at are checked, every event is
 * passed on. */
typedef struct forksink {
    const char *const *lines;
    const size_t *lens;
    size_t n;
    uint64_t at, next;
    long long mismatch;
    cc_engine_sink sink;
    void *ctx;
    int refused;
} forksink;

static int fork_line(void *vctx, const char *line, size_t len)
{
    forksink *f = vctx;
    uint64_t i = f->next++;
    if (i <= f->at && (i >= f->n || f->lens[i] != len - 1 || memcmp(f->lines[i], line, len - 1) != 0)) {
        f->mismatch = (long long)i;
        return 1;
    }
    if (f->sink && f->sink(f->ctx, line, len) != 0) {
        f->refused = 1;
        return 1;
    }
    return 0;
}

/* Feeds input at time t (wall ms for a wall-driven run). */
static cc_err feed(cc_engine *e, int live, int64_t t, const json_t *in, char *why, size_t whylen)
{
    if (live)
        return cc_engine_input_at(e, t, in, why, whylen);
    cc_err rc = cc_engine_run_until(e, t);
    return rc == CC_OK ? cc_engine_input(e, in, why, whylen) : rc;
}

/* The parent's events 0..at decoded into the Merkle tree; the inputs among them fed to e. */
static cc_err replay_prefix(cc_engine *e, const cc_replay *R, const char *const *lines, const size_t *lens,
                            uint64_t at, cc_fork_result *res, cc_evrec *last, char *why, size_t whylen)
{
    cc_merkle_stream *tree = cc_merkle_stream_new();
    if (!tree)
        return CC_ERR_NOMEM;
    cc_err rc = CC_OK;
    for (uint64_t k = 0; rc == CC_OK && k <= at; k++) {
        cc_evrec r;
        cc_evlog_error err;
        if (cc_evlog_decode(lines[k], lens[k], &r, &err) != CC_OK) {
            snprintf(why, whylen, "event %" PRIu64 " of the parent: %s", k, err.message);
            rc = CC_ERR_INVALID;
            break;
        }
        rc = cc_merkle_stream_append(tree, r.hash, 32);
        if (rc == CC_OK && k > 0 && strcmp(r.type, "input") == 0) {
            char w[256];
            rc = cc_replay_input(e, R, &r, w, sizeof w);
            if (rc == CC_ERR_INVALID)
                snprintf(why, whylen, "event %" PRIu64 " of the parent: its input is not valid here: %s", k,
                         w);
        }
        if (k == at) {
            cc_hex(r.hash, 32, res->event_hash);
            *last = r;
        } else {
            cc_evrec_clear(&r);
        }
    }
    unsigned char root[32];
    cc_merkle_stream_root(tree, root);
    cc_hex(root, 32, res->merkle_root);
    cc_merkle_stream_free(tree);
    return rc;
}

/* The inputs at the fork point: the origin note, the hand-overs, the clock set going. */
static cc_err fork_point(const cc_scenario *s, cc_engine *e, int live, const cc_fork_opts *o,
                         const cc_fork_result *res, char *why, size_t whylen)
{
    char text[400];
    snprintf(text, sizeof text,
             "fork of %s at event %" PRIu64 ": event hash %s, Merkle root of events 0..%" PRIu64 " %s",
             o->parent ? o->parent : "the parent log", o->at, res->event_hash, o->at, res->merkle_root);
    json_t *note = json_pack("{s:s,s:s}", "do", "note", "text", text);
    cc_err rc = note ? feed(e, live, res->fork_t, note, why, whylen) : CC_ERR_NOMEM;
    json_decref(note);
    for (size_t i = 0; rc == CC_OK && o->agents && i < s->nseats; i++) {
        if (!o->agents[i])
            continue;
        if (s->seats[i].agent_index < 0) {
            snprintf(why, whylen, "seat %s has no agent policy to hand it to", s->seats[i].id);
            return CC_ERR_INVALID;
        }
        json_t *play = json_pack("{s:s,s:s,s:s}", "do", "play", "seat", s->seats[i].id, "by", "agent");
        rc = play ? feed(e, live, res->fork_t, play, why, whylen) : CC_ERR_NOMEM;
        json_decref(play);
    }
    if (rc == CC_OK && live && cc_engine_wall_at(e, s->duration_s * 1000) == INT64_MAX) {
        /* a paused (or never started) control clock: the headless fork sets it going */
        cc_engine_clock ck;
        cc_engine_clock_get(e, res->fork_t, &ck);
        json_t *go = json_pack("{s:s}", "do", ck.started ? "resume" : "start");
        rc = go ? feed(e, live, res->fork_t, go, why, whylen) : CC_ERR_NOMEM;
        json_decref(go);
    }
    return rc;
}

cc_err cc_fork_run(const cc_scenario *s, const char *const *lines, const size_t *lens, size_t n,
                   const cc_fork_opts *o, cc_engine_sink sink, void *ctx, cc_engine **keep,
                   cc_fork_result *res, char *why, size_t whylen)
{
    memset(res, 0, sizeof *res);
    if (why && whylen)
        why[0] = 0;
    if (keep)
        *keep = NULL;
    if (n == 0 || o->at >= n) {
        snprintf(why, whylen, "event %" PRIu64 ": the log has events 0 to %zu", o->at, n ? n - 1 : 0);
        return CC_ERR_RANGE;
    }
    cc_evrec first;
    cc_evlog_error err;
    if (cc_evlog_decode(lines[0], lens[0], &first, &err) != CC_OK) {
        snprintf(why, whylen, "event 0 of the parent: %s", err.message);
        return CC_ERR_INVALID;
    }
    cc_replay R;
    cc_err rc = cc_replay_of(s, &first, &R, why, whylen);
    forksink fs = {lines, lens, n, o->at, 0, -1, sink, ctx, 0};
    cc_engine *e = NULL;
    if (rc == CC_OK)
        rc = cc_engine_new(s, &R.opts, fork_line, &fs, &e);
    if (rc == CC_OK)
        rc = cc_engine_start(e);
    cc_evrec last;
    memset(&last, 0, sizeof last);
    if (rc == CC_OK)
        rc = replay_prefix(e, &R, lines, lens, o->at, res, &last, why, whylen);
    int live = R.opts.live_clock;
    if (rc == CC_OK && strcmp(last.type, "run.end") == 0) {
        snprintf(why, whylen, "event %" PRIu64 " is the run's end: fork from an earlier event", o->at);
        rc = CC_ERR_RANGE;
    }
    if (rc == CC_OK) {
        res->fork_t = live ? last.wall_ms : last.t_ms;
        rc = live ? cc_engine_advance_wall(e, res->fork_t) : cc_engine_run_until(e, res->fork_t);
    }
    if (rc == CC_OK && fs.next <= o->at) {
        snprintf(why, whylen, "event %" PRIu64 ": the engine does not regenerate it (the log was cut short?)",
                 fs.next);
        rc = CC_ERR_INVALID;
    }
    if (rc == CC_OK)
        rc = fork_point(s, e, live, o, res, why, whylen);
    for (size_t k = 0; rc == CC_OK && k < o->ninputs; k++) {
        if (o->t_ms[k] < res->fork_t) {
            snprintf(why, whylen, "input %zu is at %" PRId64 " ms, before the fork point (%" PRId64 " ms)",
                     k + 1, o->t_ms[k], res->fork_t);
            rc = CC_ERR_INVALID;
            break;
        }
        char w[256];
        rc = feed(e, live, o->t_ms[k], o->inputs[k], w, sizeof w);
        if (rc == CC_ERR_INVALID)
            snprintf(why, whylen, "input %zu: %s", k + 1, w);
    }
    if (rc == CC_OK && live) {
        int64_t w = cc_engine_wall_at(e, s->duration_s * 1000);
        if (w != INT64_MAX)
            rc = cc_engine_advance_wall(e, w);
    } else if (rc == CC_OK) {
        rc = cc_engine_run_until(e, s->duration_s * 1000);
    }
    if (rc == CC_OK)
        rc = cc_engine_finish(e);
    if (fs.mismatch >= 0) {
        snprintf(
            why, whylen,
            "event %lld: the engine regenerates it differently from the parent (another scenario, engine "
            "or an altered log)",
            fs.mismatch);
        rc = CC_ERR_INVALID;
    } else if (fs.refused && rc != CC_ERR_INVALID) {
        snprintf(why, whylen, "the fork's events could not be written");
        rc = CC_ERR_IO;
    } else if (rc != CC_OK && why && whylen && !why[0]) {
        snprintf(why, whylen, "the engine failed (%s)", cc_err_str(rc));
    }
    if (e)
        cc_engine_stats_get(e, &res->stats);
    if (keep && rc == CC_OK)
        *keep = e;
    else
        cc_engine_free(e);
    cc_evrec_clear(&last);
    cc_evrec_clear(&first);
    cc_replay_clear(&R);
    return rc;
}
