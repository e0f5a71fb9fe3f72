/* Tests of core/cdate: the date forms planners write, one table of cases. */
#include <criterion/criterion.h>
#include <string.h>

#include "core/cdate.h"

static const struct {
    const char *in, *iso; /* iso NULL: refused */
    const char *hint;     /* a part of the hint of a refusal, or NULL */
} cases[] = {
    {"2026-06-01", "2026-06-01", NULL},
    {"2026-6-1", "2026-06-01", NULL},
    {"2026/06/01", "2026-06-01", NULL},
    {"2026.6.1", "2026-06-01", NULL},
    {"1 June 2026", "2026-06-01", NULL},
    {"1 jun 2026", "2026-06-01", NULL},
    {"1-Jun-2026", "2026-06-01", NULL},
    {"June 1, 2026", "2026-06-01", NULL},
    {"Sept 30 2026", "2026-09-30", NULL},
    {"13/06/2026", "2026-06-13", NULL},
    {"06/13/2026", "2026-06-13", NULL},
    {"05.05.2026", "2026-05-05", NULL},
    {"29 February 2028", "2028-02-29", NULL},
    {"01/06/2026", NULL, "2026-06-01 (1 June) or 2026-01-06 (6 January)"},
    {"29 February 2026", NULL, "YYYY-MM-DD"},
    {"2026-13-01", NULL, NULL},
    {"2026-06-31", NULL, NULL},
    {"31/31/2026", NULL, NULL},
    {"1 Juni 2026", NULL, NULL},
    {"tomorrow", NULL, NULL},
    {"", NULL, NULL},
    {"2026-06-01-02", NULL, NULL},
    {"20260601", NULL, NULL},
    {"1 June 26", NULL, NULL},
    {"1900-01-01", "1900-01-01", NULL},
    {"1899-12-31", NULL, NULL},
};

Test(cdate, forms_planners_write)
{
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char iso[11], why[160], hint[200];
        cc_err rc = cc_date_parse(cases[i].in, iso, why, sizeof why, hint, sizeof hint);
        if (cases[i].iso) {
            cr_expect_eq(rc, CC_OK, "'%s' refused: %s", cases[i].in, why);
            if (rc == CC_OK)
                cr_expect_str_eq(iso, cases[i].iso, "'%s'", cases[i].in);
        } else {
            cr_expect_eq(rc, CC_ERR_PARSE, "'%s' accepted as %s", cases[i].in, iso);
            if (cases[i].hint)
                cr_expect(strstr(hint, cases[i].hint) != NULL, "'%s': hint '%s'", cases[i].in, hint);
        }
    }
    cr_expect(cc_date_before("2026-05-31", "2026-06-01"));
    cr_expect(!cc_date_before("2026-06-01", "2026-06-01"));
    cr_expect(!cc_date_before(NULL, "2026-06-01"));
}
