/* libFuzzer target: people's and control's inputs (JSON) into a running engine on the
 * all-features fixture: malformed inputs must be refused cleanly, valid ones applied. */
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "core/engine.h"
#include "core/scenario_model.h"
#include "io/scenario_load.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static cc_scenario *scenario;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    cc_diags d;
    cc_diags_init(&d);
    if (cc_scenario_load_file("tests/scenarios/valid/all-features.yaml", NULL, &d, &scenario) != CC_OK)
        abort();
    cc_diags_free(&d);
    return 0;
}

static int sink(void *ctx, const char *line, size_t len)
{
    (void)ctx;
    (void)line;
    (void)len;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_t *v = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
    if (!v)
        return 0;
    cc_engine_opts o = {.seed = 1, .variant = -1};
    cc_engine *e = NULL;
    if (cc_engine_new(scenario, &o, sink, NULL, &e) != CC_OK)
        abort();
    cc_engine_start(e);
    cc_engine_run_until(e, 5 * 3600 * 1000); /* injects released, a decision and consultations open */
    char why[256];
    cc_err rc = cc_engine_input(e, v, why, sizeof why);
    if (rc != CC_OK && rc != CC_ERR_INVALID)
        abort();
    cc_engine_run_until(e, scenario->duration_s * 1000);
    cc_engine_free(e);
    json_decref(v);
    return 0;
}
