/* libFuzzer target: the scenario loader and checker on arbitrary bytes (texts in several languages
 * under either lint mode, and each text of a loaded scenario looked up in each language). */
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
    cc_load_opts o = {.require_languages = size % 2};
    cc_scenario_load((const char *)data, size, "fuzz.yaml", &o, &d, &s);
    for (size_t i = 0; s && i < cc_scenario_nlanguages(s); i++)
        (void)cc_scenario_text_in(s, cc_scenario_title(s), cc_scenario_language(s, i));
    cc_scenario_free(s);
    cc_diags_free(&d);
    return 0;
}
