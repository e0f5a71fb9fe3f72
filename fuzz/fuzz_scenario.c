/* libFuzzer target: the scenario loader and checker on arbitrary bytes. */
#include <stddef.h>
#include <stdint.h>

#include "core/scenario.h"
#include "io/scenario_load.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cc_diags d;
    cc_diags_init(&d);
    cc_scenario *s = NULL;
    cc_scenario_load((const char *)data, size, "fuzz.yaml", NULL, &d, &s);
    cc_scenario_free(s);
    cc_diags_free(&d);
    return 0;
}
