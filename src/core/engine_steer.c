/* engine_steer — control steers a running exercise (docs/cli.md, "Control steers"): it ends a
 * stuck stage (it completes, or the consultation fails), extends a deadline, re-opens a stage, or
 * skips an inject with the injects triggered after it. Each is logged as an event of its own before
 * its consequences, with control's reason; what cannot be done now is refused with the reason. */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "core/engine_int.h"

static cc_err refuse(cc_engine *e, const char *reason, uint32_t item)
{
    return cc_eng_emit(e, CC_EV_INPUT_REFUSED, NULL, NULL, json_pack("{s:s}", "reason", reason), item, 111);
}

cc_err cc_eng_force(cc_engine *e, size_t c, int fail, const char *option, const char *reason)
{
    const cc_consultation *C = &e->s->consultations[c];
    crun *K = &e->cons[c];
    uint32_t item = ITEM(CC_ITEM_CONSULTATION, c);
    if (e->consult_state[c] != ST_OPEN || !K->cur)
        return refuse(e, "the consultation is not in progress", item);
    int d = cc_eng_linked_decision(e, c);
    int decides = !fail && K->cur->kind == CC_STAGE_DECIDE && d >= 0 && e->dec[d].gov == (int)c + 1;
    int o = decides && option ? cc_eng_option_index(e, (size_t)d, option) : -1;
    if (decides && o < 0)
        return refuse(e,
                      option ? "the decision has no such option"
                             : "the stage decides its decision: give the \"option\" it decides",
                      item);
    if (!decides && option)
        return refuse(e, "\"option\" is for a decide stage that decides its decision", item);
    json_t *p = CC_LAZY(e, json_pack("{s:s,s:s,s:s,s:s}", "consultation", C->id, "stage", K->cur->id,
                                     "outcome", fail ? "fail" : "complete", "reason", reason ? reason : ""));
    if (p && option)
        json_object_set_new(p, "option", json_string(option));
    cc_err rc = cc_eng_emit(e, CC_EV_CONSULT_FORCE, NULL, C->label.text, p, item, 1100 + K->stage);
    if (rc != CC_OK)
        return rc;
    if (fail)
        return cc_eng_fail_consultation(e, c, "ended by control");
    if (decides) {
        rc = cc_eng_decide(e, (size_t)d, o, "control");
        return rc ? rc : cc_eng_finish_stage(e, c, "control", option);
    }
    return cc_eng_finish_stage(e, c, "control", NULL);
}

cc_err cc_eng_extend(cc_engine *e, uint32_t item, int64_t by_ms)
{
    size_t i = ITEM_INDEX(item);
    assert(by_ms > 0);
    if (ITEM_KIND(item) == CC_ITEM_DECISION) {
        const cc_decision *D = &e->s->decisions[i];
        drun *R = &e->dec[i];
        if (e->decision_state[i] != ST_OPEN)
            return refuse(e, "the decision is not open", item);
        if (R->deadline_ms == INT64_MAX)
            return refuse(e, "the decision has no deadline", item);
        R->deadline_ms += by_ms;
        cc_err rc = cc_eng_emit(e, CC_EV_DECISION_EXTEND, NULL, D->label.text,
                                CC_LAZY(e, json_pack("{s:s,s:I,s:I}", "decision", D->id, "deadline_ms",
                                                     (json_int_t)R->deadline_ms, "by_ms", (json_int_t)by_ms)),
                                item, 1200);
        return rc ? rc : cc_sched_push(&e->q, R->deadline_ms, K_DECISION_DEADLINE, (uint32_t)i, 0);
    }
    const cc_consultation *C = &e->s->consultations[i];
    crun *K = &e->cons[i];
    if (e->consult_state[i] != ST_OPEN || !K->cur)
        return refuse(e, "the consultation is not in progress", item);
    if (K->deadline_ms == INT64_MAX)
        return refuse(e, "the current stage has no deadline", item);
    if (K->deadline_ms <= e->now_ms)
        return refuse(e, "the stage's deadline has passed", item);
    K->deadline_ms += by_ms;
    cc_err rc = cc_eng_emit(
        e, CC_EV_CONSULT_EXTEND, NULL, C->label.text,
        CC_LAZY(e, json_pack("{s:s,s:s,s:I,s:I}", "consultation", C->id, "stage", K->cur->id, "deadline_ms",
                             (json_int_t)K->deadline_ms, "by_ms", (json_int_t)by_ms)),
        item, 1201);
    return rc ? rc : cc_sched_push(&e->q, K->deadline_ms, K_STAGE_DEADLINE, (uint32_t)i, K->entry);
}

cc_err cc_eng_reopen(cc_engine *e, size_t c, const char *stage, const char *reason)
{
    const cc_consultation *C = &e->s->consultations[c];
    crun *K = &e->cons[c];
    uint32_t item = ITEM(CC_ITEM_CONSULTATION, c);
    /* in progress, or over: completed (every stage done) or failed (in the stage it failed in) */
    int done = e->consult_state[c] == ST_DONE, failed = e->consult_state[c] == ST_EXPIRED;
    if (K->mech < 0 || (!done && !failed && (e->consult_state[c] != ST_OPEN || !K->cur)))
        return refuse(e, "the consultation has not started", item);
    const cc_mechanism *M = &e->s->mechanisms[K->mech];
    int k = cc_eng_stage_index(e, c, stage);
    if (k < 0)
        return refuse(e, "the consultation's mechanism has no such stage", item);
    if (k > K->stage)
        return refuse(e, "only the current stage or an earlier one can be re-opened", item);
    int d = cc_eng_linked_decision(e, c);
    if (d >= 0 && e->decision_state[d] == ST_DONE && M->stages[k].kind == CC_STAGE_DECIDE)
        return refuse(e, "the decision is already made", item);
    if (d >= 0 && e->dec[d].gov == (int)c + 1)
        e->dec[d].gov = 0; /* the decide stage it leaves governs the decision again when it starts */
    const char *from = K->cur ? K->cur->id : M->nstages ? M->stages[M->nstages - 1].id : "";
    json_t *p = CC_LAZY(e, json_pack("{s:s,s:s,s:s,s:s}", "consultation", C->id, "from", from, "to",
                                     M->stages[k].id, "reason", reason ? reason : ""));
    if (p && (done || failed)) /* re-opened after it ended: it is in progress again */
        json_object_set_new(p, "was", json_string(done ? "completed" : "failed"));
    if (done)
        e->st.consultations_done--;
    e->consult_state[c] = ST_OPEN;
    cc_err rc = cc_eng_emit(e, CC_EV_CONSULT_REOPEN, NULL, C->label.text, p, item, 1300 + k);
    return rc ? rc : cc_eng_start_stage(e, c, k);
}

cc_err cc_eng_skip(cc_engine *e, size_t inject, const char *reason)
{
    uint32_t item = ITEM(CC_ITEM_INJECT, inject);
    if (e->inject_state[inject] != ST_PENDING && e->inject_state[inject] != ST_HELD)
        return refuse(e, "the inject was already released", item);
    /* the inject and, breadth first, every pending inject triggered after one of the chain */
    size_t n = e->ninj, head = 0, tail = 0;
    uint32_t *queue = calloc(n + 1, sizeof *queue);
    uint8_t *seen = calloc(n + 1, 1);
    json_t *ids = CC_LAZY(e, json_array());
    if (!queue || !seen) {
        free(queue);
        free(seen);
        json_decref(ids);
        return CC_ERR_NOMEM;
    }
    queue[tail++] = (uint32_t)inject;
    seen[inject] = 1;
    while (head < tail) {
        size_t i = queue[head++];
        e->inject_state[i] = ST_HELD;
        if (ids)
            json_array_append_new(ids, json_string(e->inj[i].id));
        for (uint32_t j = i < e->s->ninjects ? e->after.start[i] : 0;
             i < e->s->ninjects && j < e->after.start[i + 1]; j++) {
            uint32_t dep = e->after.items[j];
            size_t x = ITEM_INDEX(dep);
            if (ITEM_KIND(dep) == CC_ITEM_INJECT && x < n && !seen[x] && e->inject_state[x] == ST_PENDING) {
                seen[x] = 1;
                queue[tail++] = (uint32_t)x;
            }
        }
    }
    free(queue);
    free(seen);
    return cc_eng_emit(e, CC_EV_INJECT_SKIP, NULL, e->inj[inject].label.text,
                       CC_LAZY(e, json_pack("{s:s,s:o,s:s}", "inject", e->inj[inject].id, "skipped", ids,
                                            "reason", reason ? reason : "")),
                       item, ST_HELD);
}
