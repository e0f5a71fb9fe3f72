/* engine_find — guideline rules watched while the run goes on, ending in "finding" events
 * (met or missed, with evidence). Part of the engine (engine_int.h). */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/engine_int.h"
#include "core/grow.h"

static cc_err add_watch(cc_engine *e, size_t g, uint32_t item, int stage, int64_t within_ms)
{
    uint32_t slot;
    if (e->nfree_watches) {
        slot = e->free_watches[--e->nfree_watches];
    } else {
        size_t cw = e->capwatch, cf = e->capwatch; /* two arrays of one capacity */
        watch *n = cc_grow(e->watches, &cw, e->nwatch + 1, sizeof *n);
        if (!n)
            return CC_ERR_NOMEM;
        e->watches = n;
        uint32_t *f = cc_grow(e->free_watches, &cf, e->nwatch + 1, sizeof *f);
        if (!f)
            return CC_ERR_NOMEM;
        e->free_watches = f;
        e->capwatch = cw;
        slot = (uint32_t)e->nwatch++;
    }
    e->watches[slot] = (watch){(uint32_t)g, item, stage, 0, 0, e->now_ms, e->seq - 1};
    return cc_sched_push(&e->q, e->now_ms + within_ms, K_WATCH, slot, 0);
}

/* ---- guideline findings -------------------------------------------------------------- */

static cc_err emit_finding(cc_engine *e, size_t g, int met, const char *subject, const char *label,
                           uint64_t from_seq, int64_t elapsed_ms)
{
    const cc_guideline *G = &e->s->guidelines[g];
    if (e->o.observe)
        e->o.observe(e->o.observe_ctx, CC_EV_FINDING, (uint32_t)g, met ? CC_OBSERVE_MET : 0, e->now_ms);
    if (met)
        e->st.findings_met++;
    else
        e->st.findings_missed++;
    if (cc_eng_quiet(e, met ? 100 : 101))
        return CC_OK;
    long long evidence[2] = {(long long)from_seq, (long long)e->seq - 1};
    cc_jf f[6];
    size_t n = 0;
    f[n++] = CC_JF_S("guideline", G->id);
    f[n++] = CC_JF_S("result", met ? "met" : "missed");
    f[n++] = CC_JF_S("subject", subject);
    f[n] = CC_JF_IV("evidence", evidence, 2);
    n++; /* apart: cppcheck reads the literal's .n as this n */
    f[n++] = CC_JF_I("elapsed_ms", elapsed_ms);
    if (G->within_s)
        f[n++] = CC_JF_I("within_ms", G->within_s * 1000);
    return cc_eng_emit_fields(e, CC_EV_FINDING, NULL, label, f, n, 0, met ? 100 : 101);
}

/* Opens watches for stage_deadline guidelines when stage k of consultation c starts. */
cc_err cc_eng_watch_stage(cc_engine *e, size_t c, int k)
{
    const cc_scenario *s = e->s;
    const cc_stage *S = &s->mechanisms[e->cons[c].mech].stages[k];
    for (size_t g = 0; g < s->nguidelines; g++) {
        const cc_guideline *G = &s->guidelines[g];
        if (G->kind != CC_GRULE_STAGE_DEADLINE || G->stage != S->kind ||
            (G->consultation_index >= 0 && (size_t)G->consultation_index != c))
            continue;
        cc_err rc = add_watch(e, g, ITEM(CC_ITEM_CONSULTATION, c), k, G->within_s * 1000);
        if (rc)
            return rc;
    }
    return CC_OK;
}

/* Opens watches for share guidelines when inject i is released. */
cc_err cc_eng_watch_share(cc_engine *e, size_t i)
{
    const cc_scenario *s = e->s;
    const cc_inject *I = &e->inj[i];
    for (size_t g = 0; g < s->nguidelines; g++) {
        const cc_guideline *G = &s->guidelines[g];
        if (G->kind != CC_GRULE_SHARE || !G->inject_class)
            continue;
        int tagged = 0;
        for (size_t k = 0; k < I->classes.n && !tagged; k++)
            tagged = strcmp(I->classes.v[k], G->inject_class) == 0;
        if (!tagged)
            continue;
        cc_err rc = add_watch(e, g, ITEM(CC_ITEM_INJECT, i), 0, G->within_s * 1000);
        if (rc)
            return rc;
    }
    return CC_OK;
}

/* Resolves open watches on item (stage k for consultations) as met. */
cc_err cc_eng_resolve_watches(cc_engine *e, cc_grule_kind kind, uint32_t item, int k, size_t seat)
{
    const cc_scenario *s = e->s;
    for (size_t w = 0; w < e->nwatch; w++) {
        watch *W = &e->watches[w];
        const cc_guideline *G = &s->guidelines[W->guideline];
        if (W->done || W->item != item || G->kind != kind || W->stage != k)
            continue;
        if (kind == CC_GRULE_SHARE && !e->with_member[W->guideline * s->nseats + seat])
            continue;
        W->done = 1;
        const char *subject, *label;
        if (ITEM_KIND(item) == CC_ITEM_INJECT) {
            subject = e->inj[ITEM_INDEX(item)].id;
            label = e->inj[ITEM_INDEX(item)].label.text;
        } else {
            subject = s->consultations[ITEM_INDEX(item)].id;
            label = s->consultations[ITEM_INDEX(item)].label.text;
        }
        cc_err rc = emit_finding(e, W->guideline, 1, subject, label, W->from_seq, e->now_ms - W->start_ms);
        if (rc)
            return rc;
    }
    return CC_OK;
}

/* A watch's time ran out (missed unless met before); its slot is free from here on. 'within' is
 * inclusive: when other events are due at the same time (a stage ending at exactly its limit, a
 * silence procedure adopting at its deadline), the watch runs once after them. */
cc_err cc_eng_watch_expired(cc_engine *e, size_t w)
{
    watch *W = &e->watches[w];
    if (!W->done && !W->deferred) {
        const cc_sched_ev *next = cc_sched_peek(&e->q);
        if (next && next->time == e->now_ms) {
            W->deferred = 1;
            return cc_sched_push(&e->q, e->now_ms, K_WATCH, (uint32_t)w, 0);
        }
    }
    e->free_watches[e->nfree_watches++] = (uint32_t)w;
    if (W->done)
        return CC_OK;
    W->done = 1;
    const cc_scenario *s = e->s;
    size_t i = ITEM_INDEX(W->item);
    int inj = ITEM_KIND(W->item) == CC_ITEM_INJECT;
    return emit_finding(e, W->guideline, 0, inj ? e->inj[i].id : s->consultations[i].id,
                        inj ? e->inj[i].label.text : s->consultations[i].label.text, W->from_seq,
                        e->now_ms - W->start_ms);
}

/* consult_before_decision guidelines, evaluated when decision d is made. */
cc_err cc_eng_check_consult_before(cc_engine *e, size_t d)
{
    const cc_scenario *s = e->s;
    for (size_t g = 0; g < s->nguidelines; g++) {
        const cc_guideline *G = &s->guidelines[g];
        if (G->kind != CC_GRULE_CONSULT_BEFORE || G->decision_index != (int)d)
            continue;
        int met = 0;
        for (size_t c = 0; c < s->nconsultations && !met; c++) {
            if (G->consultation_index >= 0 ? (size_t)G->consultation_index != c
                                           : s->consultations[c].decision_index != (int)d)
                continue;
            met = e->cons[c].reached_decide;
        }
        cc_err rc = emit_finding(e, g, met, s->decisions[d].id, s->decisions[d].label.text, e->seq - 1, 0);
        if (rc)
            return rc;
    }
    return CC_OK;
}
