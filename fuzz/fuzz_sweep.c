/* libFuzzer target: sweep specifications (io/patch: cc_sweep_parse) and the paths they name,
 * applied to a fixed scenario before it loads (cc_patch_apply through cc_scenario_load). Checks:
 * a parsed sweep has 1 to CC_SWEEP_MAX distinct values, each a number or a duration, in the order
 * written or rising for a range; a refusal always says why; a load with a patch either succeeds
 * or appends an error. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/scenario.h"
#include "io/patch.h"
#include "io/scenario_load.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char scenario[] =
    "caucus: 1\n"
    "exercise: {id: fz, title: Fuzz, start: 2026-01-05T00:00:00Z, duration: 1d}\n"
    "label_policy: {id: p, classifications: [{name: UNCLASSIFIED, short: U}]}\n"
    "parties: [{id: NLD, name: Netherlands, zone: UTC}]\n"
    "seats: [{id: a, party: NLD, role: Desk, clearance: UNCLASSIFIED, agent: x}]\n"
    "decisions: [{id: D, question: Q?, label: UNCLASSIFIED, options: [{id: y, text: Y}], deciders: [a], "
    "rule: unanimity, deadline: 2h, at: +1h}]\n"
    "mechanisms: [{id: m, title: M, stages: [{id: s, kind: acknowledge, participants: [a], deadline: 1h}, "
    "{id: r, kind: assess, participants: [a], rounds: {max: 2, revision: 1h}}]}]\n"
    "consultations: [{id: C, topic: T, requested_by: a, label: UNCLASSIFIED, at: +1h}]\n"
    "agents: [{id: x, channel_failure: 0.1, retry: {after: 10m, max: 2}, rules: [{on: stage, do: "
    "acknowledge, "
    "delay: {dist: lognormal, median: 20m, sigma: 0.5}}, {on: waiting, after: 1h, do: remind}]}]\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096)
        return 0;
    char *spec = malloc(size + 1);
    if (!spec)
        return 0;
    memcpy(spec, data, size);
    spec[size] = 0;
    cc_sweep sw;
    char why[256] = "";
    cc_err rc = cc_sweep_parse(spec, &sw, why, sizeof why);
    if (rc != CC_OK) {
        if (rc != CC_ERR_NOMEM && !why[0])
            abort(); /* a refusal says why */
        free(spec);
        return 0;
    }
    if (sw.n == 0 || sw.n > CC_SWEEP_MAX)
        abort();
    for (size_t i = 0; i < sw.n; i++)
        for (size_t j = 0; j < i; j++)
            if (sw.x[i] == sw.x[j])
                abort(); /* the values are distinct */
    for (size_t i = 0; i < sw.n && i < 3; i++) {
        cc_patch p = {sw.path, sw.values[i]};
        cc_load_opts lo = {.patches = &p, .npatches = 1};
        cc_diags d;
        cc_diags_init(&d);
        cc_scenario *s = NULL;
        rc = cc_scenario_load(scenario, sizeof scenario - 1, "fuzz.yaml", &lo, &d, &s);
        if (rc != CC_OK && rc != CC_ERR_NOMEM && d.errors == 0)
            abort(); /* a load that fails says why */
        cc_scenario_free(s);
        cc_diags_free(&d);
    }
    cc_sweep_free(&sw);
    free(spec);
    return 0;
}
