/* Tests of core/evtype: one name per event type, every name found again, the families, and that
 * the documented types of docs/event-log.md are exactly the enumeration's. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "core/evtype.h"

Test(evtype, every_type_has_one_name_found_again)
{
    for (int t = CC_EV_UNKNOWN + 1; t < CC_EV_COUNT; t++) {
        const char *n = cc_evtype_name((cc_evtype)t);
        cr_assert(n && strcmp(n, "?") != 0, "type %d has no name", t);
        cr_expect_eq(cc_evtype_of(n), (cc_evtype)t, "%s is found as %d", n, (int)cc_evtype_of(n));
        cr_expect_eq(cc_evtype_of_n(n, strlen(n)), (cc_evtype)t);
        for (int u = t + 1; u < CC_EV_COUNT; u++)
            cr_expect_str_neq(n, cc_evtype_name((cc_evtype)u), "two types named %s", n);
    }
}

Test(evtype, unknown_names_and_prefixes)
{
    cr_expect_eq(cc_evtype_of(NULL), CC_EV_UNKNOWN);
    cr_expect_eq(cc_evtype_of(""), CC_EV_UNKNOWN);
    cr_expect_eq(cc_evtype_of("consult"), CC_EV_UNKNOWN);
    cr_expect_eq(cc_evtype_of("consult.stag"), CC_EV_UNKNOWN);
    cr_expect_eq(cc_evtype_of("consult.stagex"), CC_EV_UNKNOWN);
    cr_expect_eq(cc_evtype_of("Delivery"), CC_EV_UNKNOWN);
    cr_expect_eq(cc_evtype_of("zzz"), CC_EV_UNKNOWN);
    cr_expect_eq(cc_evtype_of("a"), CC_EV_UNKNOWN);
    /* a name given by length inside a longer text */
    cr_expect_eq(cc_evtype_of_n("consult.stage_done", 13), CC_EV_CONSULT_STAGE);
    cr_expect_eq(cc_evtype_of_n("note.x", 4), CC_EV_NOTE);
    cr_expect_str_eq(cc_evtype_name(CC_EV_UNKNOWN), "?");
    cr_expect_str_eq(cc_evtype_name(CC_EV_COUNT), "?");
    cr_expect_str_eq(cc_evtype_name((cc_evtype)-1), "?");
}

Test(evtype, families_follow_the_names)
{
    for (int t = CC_EV_UNKNOWN + 1; t < CC_EV_COUNT; t++) {
        const char *n = cc_evtype_name((cc_evtype)t);
        cr_expect_eq(cc_evtype_is_consult((cc_evtype)t), strncmp(n, "consult.", 8) == 0, "%s", n);
        cr_expect_eq(cc_evtype_is_decision((cc_evtype)t), strncmp(n, "decision.", 9) == 0, "%s", n);
        cr_expect_eq(cc_evtype_is_clock((cc_evtype)t),
                     strncmp(n, "clock.", 6) == 0 || strcmp(n, "run.start") == 0 || strcmp(n, "run.end") == 0,
                     "%s", n);
        cr_expect_eq(cc_evtype_is_audit((cc_evtype)t),
                     strncmp(n, "session.", 8) == 0 || strncmp(n, "access.", 7) == 0, "%s", n);
    }
}

/* Every type the event-log document lists in its table of types, and no other. */
Test(evtype, the_documented_types_are_the_enumeration)
{
    FILE *f = fopen("docs/event-log.md", "r");
    cr_assert(f);
    char line[4096];
    int seen[CC_EV_COUNT] = {0};
    size_t documented = 0;
    int in_table = 0; /* the table under the header "| type | actor | payload |" */
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "| type | actor | payload |", 26) == 0)
            in_table = 1;
        else if (line[0] != '|')
            in_table = 0;
        if (!in_table || strncmp(line, "| `", 3) != 0)
            continue;
        char *end = strstr(line + 1, " |");
        if (!end)
            continue;
        *end = 0;
        for (char *p = strchr(line, '`'); p; p = strchr(p, '`')) {
            char *q = strchr(p + 1, '`');
            if (!q)
                break;
            cc_evtype t = cc_evtype_of_n(p + 1, (size_t)(q - p - 1));
            cr_expect_neq(t, CC_EV_UNKNOWN, "docs/event-log.md documents type '%.*s'", (int)(q - p - 1),
                          p + 1);
            seen[t]++;
            documented++;
            p = q + 1;
        }
    }
    fclose(f);
    cr_assert(documented >= CC_EV_COUNT - 1);
    for (int t = CC_EV_UNKNOWN + 1; t < CC_EV_COUNT; t++)
        cr_expect_eq(seen[t], 1, "%s is documented %d times", cc_evtype_name((cc_evtype)t), seen[t]);
}
