/* libFuzzer target: the CSV reader and MSEL import on arbitrary bytes. The first byte picks the
 * options (separator, date order, a base scenario, merge); the rest is the CSV. Whenever an
 * import succeeds, its scenario must export and import back to the same CSV (round trip). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/scenario.h"
#include "io/csv.h"
#include "io/msel.h"
#include "io/scenario_load.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char base[] =
    "caucus: 1\n"
    "exercise: {id: fz, languages: [en, ko], title: Fuzz, start: \"2026-03-02T09:00:00+09:00\", zone: UTC}\n"
    "label_policy:\n"
    "  id: p\n"
    "  classifications: [{name: UNCLASSIFIED, short: U}, {name: SECRET, short: S}]\n"
    "  caveats: [NCG]\n"
    "  groups: {ALLIANCE: [USA, KOR]}\n"
    "parties:\n"
    "  - {id: USA, name: U, zone: UTC}\n"
    "  - {id: KOR, name: K, zone: UTC}\n"
    "cells: [{id: control, name: C, kind: control}]\n"
    "seats:\n"
    "  - {id: usa-chair, party: USA, role: R, clearance: SECRET, caveats: [NCG]}\n"
    "  - {id: kor-chair, party: KOR, role: R, clearance: SECRET, cells: [control]}\n"
    "injects:\n"
    "  - {id: I-1, title: {en: T, ko: \"\xec\xa0\x9c\xeb\xaa\xa9\"}, label: U//REL TO ALLIANCE, from: "
    "control, to: [all],\n"
    "     expected_actions: [{en: E, ko: \"\xed\x96\x89\xeb\x8f\x99\"}, F], at: +1h}\n"
    "decisions:\n"
    "  - {id: D-1, question: Q, label: \"S//REL TO USA, KOR\", options: [{id: a, text: A}],\n"
    "     deciders: [usa-chair, kor-chair], rule: unanimity, trigger: {after: I-1}}\n";

/* export(s) as CSV, imported --into its own YAML, exports the same bytes again */
static void round_trip(const char *yaml, size_t len)
{
    cc_diags d;
    cc_diags_init(&d);
    cc_scenario *s = NULL;
    if (cc_scenario_load(yaml, len, "out.yaml", NULL, &d, &s) != CC_OK)
        __builtin_trap(); /* import returned a scenario that does not load */
    cc_msel *m = NULL;
    cc_buf a, y, b;
    cc_buf_init(&a);
    cc_buf_init(&y);
    cc_buf_init(&b);
    if (cc_msel_export(s, &m) == CC_OK && cc_msel_write_csv(m, ',', 0, &a) == CC_OK) {
        cc_msel_import_opts o = {.dates = -1, .into_file = "out.yaml", .into_text = yaml, .into_len = len};
        cc_diags d2;
        cc_diags_init(&d2);
        if (cc_msel_import(a.data, a.len, "rt.csv", &o, &d2, &y) != CC_OK)
            __builtin_trap(); /* an export does not import back */
        cc_scenario *s2 = NULL;
        cc_diags d3;
        cc_diags_init(&d3);
        cc_msel *m2 = NULL;
        if (cc_scenario_load(y.data, y.len, "rt.yaml", NULL, &d3, &s2) != CC_OK ||
            cc_msel_export(s2, &m2) != CC_OK || cc_msel_write_csv(m2, ',', 0, &b) != CC_OK ||
            a.len != b.len || memcmp(a.data, b.data, a.len) != 0)
            __builtin_trap(); /* the round trip changed an inject */
        cc_msel_free(m2);
        cc_scenario_free(s2);
        cc_diags_free(&d3);
        cc_diags_free(&d2);
    }
    cc_msel_free(m);
    cc_buf_free(&a);
    cc_buf_free(&y);
    cc_buf_free(&b);
    cc_scenario_free(s);
    cc_diags_free(&d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    uint8_t sel = data[0];
    const char *csv = (const char *)data + 1;
    size_t len = size - 1;
    static const char seps[] = {0, ',', ';', '\t'};
    cc_csv_opts co = {.sep = seps[sel & 3], .max_field = 4096, .max_rows = 2000};
    cc_diags d;
    cc_diags_init(&d);
    cc_csv *c = NULL;
    cc_csv_parse(csv, len, "f.csv", &co, &d, &c);
    cc_csv_free(c);
    cc_diags_free(&d);

    cc_msel_import_opts o = {.sep = seps[sel & 3], .dates = (sel >> 2) % 3 - 1};
    if (sel & 0x10) {
        o.into_file = "base.yaml";
        o.into_text = base;
        o.into_len = sizeof base - 1;
        o.merge = (sel & 0x20) != 0;
    }
    cc_diags_init(&d);
    cc_buf out;
    cc_buf_init(&out);
    if (cc_msel_import(csv, len, "f.csv", &o, &d, &out) == CC_OK)
        round_trip(out.data, out.len);
    cc_buf_free(&out);
    cc_diags_free(&d);
    return 0;
}
