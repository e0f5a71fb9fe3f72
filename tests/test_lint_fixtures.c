/* Data-driven scenario tests: every file in tests/scenarios/{valid,invalid}/ states the
 * diagnostics it must produce in "# expect: LINE:COL: SEVERITY: MESSAGE" comment lines
 * (none for a clean file). The loader must produce exactly those diagnostics, no more. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/scenario.h"
#include "io/scenario_load.h"

#define FIXTURE_DIR "tests/scenarios"

struct fixture {
    char path[256];
};

static int name_cmp(const void *a, const void *b)
{
    return strcmp(((const struct fixture *)a)->path, ((const struct fixture *)b)->path);
}

static size_t collect(const char *sub, struct fixture *out, size_t max)
{
    char dir[48];
    snprintf(dir, sizeof dir, "%s/%.16s", FIXTURE_DIR, sub);
    DIR *d = opendir(dir);
    size_t n = 0;
    if (!d)
        return 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < max) {
        size_t l = strlen(e->d_name);
        if (l > 5 && l < 200 && strcmp(e->d_name + l - 5, ".yaml") == 0)
            snprintf(out[n++].path, sizeof out[0].path, "%.40s/%.200s", dir, e->d_name);
    }
    closedir(d);
    qsort(out, n, sizeof *out, name_cmp);
    return n;
}

static struct criterion_test_params params_for(const char *sub)
{
    struct fixture tmp[512];
    size_t n = collect(sub, tmp, 512);
    struct fixture *p = cr_malloc(sizeof *p * (n ? n : 1));
    memcpy(p, tmp, sizeof *p * n);
    return cr_make_param_array(struct fixture, p, n, NULL);
}

/* Reads the expectation lines of a fixture. */
static size_t expectations(const char *path, char exp[][512], size_t max)
{
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "cannot open %s", path);
    char line[1024];
    size_t n = 0;
    while (fgets(line, sizeof line, f) && n < max) {
        const char *p = strstr(line, "# expect: ");
        if (!p || p != line)
            continue;
        p += strlen("# expect: ");
        size_t l = strcspn(p, "\r\n");
        snprintf(exp[n++], 512, "%.*s", (int)l, p);
    }
    fclose(f);
    return n;
}

static void check_fixture(const char *path, int must_be_valid)
{
    char exp[64][512];
    size_t nexp = expectations(path, exp, 64);
    cc_diags d;
    cc_diags_init(&d);
    cc_scenario *s = NULL;
    cc_err rc = cc_scenario_load_file(path, NULL, &d, &s);
    char got[64][512];
    size_t ngot = 0;
    for (size_t i = 0; i < d.count && ngot < 64; i++) {
        const cc_diag *g = &d.items[i];
        snprintf(got[ngot++], 512, "%d:%d: %s: %s", g->line, g->col, cc_severity_str(g->sev), g->message);
    }
    for (size_t i = 0; i < nexp; i++) {
        int found = 0;
        for (size_t k = 0; k < ngot && !found; k++)
            found = strcmp(exp[i], got[k]) == 0;
        if (!found) {
            char all[8192] = "";
            size_t off = 0;
            for (size_t k = 0; k < ngot && off < sizeof all; k++)
                off += (size_t)snprintf(all + off, sizeof all - off, "\n  got: %s", got[k]);
            cr_expect(found, "%s: expected diagnostic not produced:\n  want: %s%s", path, exp[i], all);
        }
    }
    for (size_t k = 0; k < ngot; k++) {
        int found = 0;
        for (size_t i = 0; i < nexp && !found; i++)
            found = strcmp(exp[i], got[k]) == 0;
        cr_expect(found, "%s: unexpected diagnostic: %s", path, got[k]);
    }
    if (must_be_valid) {
        cr_expect_eq(rc, CC_OK, "%s: valid fixture failed to load (%s)", path, cc_err_str(rc));
        cr_expect_not_null(s);
    } else {
        cr_expect_neq(rc, CC_OK, "%s: invalid fixture loaded without error", path);
        cr_expect_null(s);
        cr_expect_gt(d.errors, 0, "%s: no error reported", path);
    }
    cc_scenario_free(s);
    cc_diags_free(&d);
}

ParameterizedTestParameters(fixtures, invalid)
{
    return params_for("invalid");
}

ParameterizedTest(struct fixture *f, fixtures, invalid)
{
    check_fixture(f->path, 0);
}

ParameterizedTestParameters(fixtures, valid)
{
    return params_for("valid");
}

ParameterizedTest(struct fixture *f, fixtures, valid)
{
    check_fixture(f->path, 1);
}

/* Fixtures that load but draw warnings: exactly the expected ones. */
ParameterizedTestParameters(fixtures, warnings)
{
    return params_for("warnings");
}

ParameterizedTest(struct fixture *f, fixtures, warnings)
{
    check_fixture(f->path, 1);
}

Test(fixtures, samples_lint_clean)
{
    static const char *const samples[] = {"scenarios/ncg-interagency-sim.yaml",
                                          "scenarios/ncg-policy-ttx.yaml", "scenarios/ncg-mil-ttx.yaml"};
    for (size_t i = 0; i < 3; i++) {
        cc_diags d;
        cc_diags_init(&d);
        cc_scenario *s = NULL;
        cc_err rc = cc_scenario_load_file(samples[i], NULL, &d, &s);
        char first[512] = "";
        if (d.count)
            cc_diag_format(&d.items[0], first, sizeof first);
        cr_expect_eq(rc, CC_OK, "%s does not load: %s", samples[i], first);
        cr_expect_eq(d.errors + d.warnings, 0, "%s is not lint-clean: %s", samples[i], first);
        cc_scenario_free(s);
        cc_diags_free(&d);
    }
}

Test(fixtures, enough_invalid_fixtures)
{
    struct fixture tmp[512];
    cr_expect_geq(collect("invalid", tmp, 512), 60, "the suite needs at least 60 invalid fixtures");
}
