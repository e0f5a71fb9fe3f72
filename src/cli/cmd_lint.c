/* cmd_lint — `caucus lint FILE...`: loads and checks scenarios, prints diagnostics as text
 * or JSON. Exit 0 clean (warnings allowed unless --werror), 1 errors, 2 bad invocation. */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/scenario.h"
#include "io/file.h"
#include "io/patch.h"
#include "io/scenario_load.h"

static void lint_usage(FILE *f)
{
    fprintf(f, "usage: caucus lint [--format text|json] [--summary] [--werror] [--quiet] [--sim]\n"
               "                   [--require-languages] [--agents FILE] [--sweep PATH=VALUES]... FILE...\n"
               "  --format json  one JSON document on stdout with every diagnostic\n"
               "  --agents FILE  check the scenarios with this agents file merged in (docs/calibration.md)\n"
               "  --sim          also check it as caucus sim plays it: only agents act\n"
               "  --sweep S      also check the sweep caucus sim --sweep S would run: the path names a\n"
               "                 numeric or duration field and the scenario loads with every value\n"
               "  --summary      print what each valid scenario contains\n"
               "  --werror       treat warnings as errors (exit 1)\n"
               "  --require-languages  a text missing in a declared language is an error\n"
               "  --quiet        print only diagnostics, no per-file status line\n");
}

static json_t *diag_json(const cc_diag *g)
{
    json_t *o = json_object();
    json_object_set_new(o, "file", json_string(g->file ? g->file : ""));
    json_object_set_new(o, "line", json_integer(g->line));
    json_object_set_new(o, "column", json_integer(g->col));
    json_object_set_new(o, "severity", json_string(cc_severity_str(g->sev)));
    json_object_set_new(o, "code", json_string(g->code ? g->code : ""));
    json_object_set_new(o, "message", json_string(g->message));
    if (g->hint)
        json_object_set_new(o, "hint", json_string(g->hint));
    return o;
}

/* Loads file once per value of the sweep spec, appending to d why a value does not load (a path
 * that names no field is said once). */
static void check_sweep(const char *file, const cc_sweep *sw, const cc_load_opts *base, cc_diags *d)
{
    char *text = NULL, why[256];
    size_t len = 0;
    if (cc_file_read(file, 64u << 20, &text, &len, why, sizeof why) != CC_OK)
        return; /* the load itself said why */
    for (size_t p = 0; p < sw->n; p++) {
        cc_diags pd;
        cc_diags_init(&pd);
        cc_patch patch = {sw->path, sw->values[p]};
        cc_load_opts lo = *base;
        lo.patches = &patch;
        lo.npatches = 1;
        cc_scenario *s = NULL;
        cc_err rc = cc_scenario_load(text, len, file, &lo, &pd, &s);
        int path_bad = 0;
        for (size_t k = 0; k < pd.count; k++) {
            const cc_diag *g = &pd.items[k];
            if (g->sev != CC_SEV_ERROR)
                continue; /* the file's own warnings are said by its own load */
            path_bad |= g->code && strcmp(g->code, "bad-sweep-path") == 0;
            cc_diags_add(d, g->sev, g->file, (cc_pos){g->line, g->col}, g->code, g->hint, "%s", g->message);
        }
        if (rc != CC_OK && !path_bad)
            cc_diags_add(d, CC_SEV_ERROR, file, (cc_pos){0, 0}, "bad-sweep-value", NULL,
                         "--sweep %s=%s: the scenario does not load with this value", sw->path,
                         sw->values[p]);
        cc_scenario_free(s);
        cc_diags_free(&pd);
        if (path_bad)
            break;
    }
    free(text);
}

static void print_summary(const cc_scenario *s)
{
    cc_scenario_counts c;
    cc_scenario_counts_get(s, &c);
    char hash[65];
    cc_scenario_hash_hex(s, hash);
    printf("  %s: %s\n", cc_scenario_id(s), cc_scenario_title(s));
    printf("  %zu parties, %zu seats, %zu cells, %zu injects, %zu decisions, %zu consultations,\n"
           "  %zu mechanisms, %zu guidelines, %zu objectives, %zu agent policies\n",
           c.parties, c.seats, c.cells, c.injects, c.decisions, c.consultations, c.mechanisms, c.guidelines,
           c.objectives, c.agents);
    printf("  sha256 %s\n", hash);
}

int cc_cmd_lint(int argc, char **argv)
{
    int json = 0, summary = 0, werror = 0, quiet = 0, sim = 0, nfiles = 0;
    cc_sweep sweeps[16];
    size_t nsweeps = 0;
    int status = 0;
    cc_load_opts lo = {0};
    for (int i = 1; i < argc && !status; i++) {
        if (strcmp(argv[i], "--agents") == 0 && i + 1 < argc) {
            lo.agents = argv[++i];
        } else if (strcmp(argv[i], "--sweep") == 0 && i + 1 < argc) {
            char why[256];
            if (nsweeps == 16) {
                fprintf(stderr, "caucus lint: at most 16 --sweep\n");
                status = 2;
            } else if (cc_sweep_parse(argv[++i], &sweeps[nsweeps], why, sizeof why) != CC_OK) {
                fprintf(stderr, "caucus lint: --sweep: %s\n", why);
                status = 2;
            } else {
                nsweeps++;
            }
        } else if (strcmp(argv[i], "--format") == 0 && i + 1 < argc) {
            const char *f = argv[++i];
            if (strcmp(f, "json") == 0)
                json = 1;
            else if (strcmp(f, "text") != 0) {
                fprintf(stderr, "caucus lint: unknown format '%s' (text or json)\n", f);
                return 2;
            }
        } else if (strcmp(argv[i], "--format=json") == 0) {
            json = 1;
        } else if (strcmp(argv[i], "--summary") == 0) {
            summary = 1;
        } else if (strcmp(argv[i], "--werror") == 0) {
            werror = 1;
        } else if (strcmp(argv[i], "--sim") == 0) {
            sim = 1;
        } else if (strcmp(argv[i], "--require-languages") == 0) {
            lo.require_languages = 1;
        } else if (strcmp(argv[i], "--quiet") == 0 || strcmp(argv[i], "-q") == 0) {
            quiet = 1;
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            lint_usage(stdout);
            status = -1;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            fprintf(stderr, "caucus lint: unknown option '%s'\n", argv[i]);
            lint_usage(stderr);
            status = 2;
        } else {
            nfiles++;
        }
    }
    if (status == 0 && nfiles == 0) {
        fprintf(stderr, "caucus lint: no scenario file given\n");
        lint_usage(stderr);
        status = 2;
    }
    if (status != 0) {
        for (size_t k = 0; k < nsweeps; k++)
            cc_sweep_free(&sweeps[k]);
        return status < 0 ? 0 : status;
    }
    json_t *files = json ? json_array() : NULL;
    int failed = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--format") == 0 || strcmp(argv[i], "--sweep") == 0 || strcmp(argv[i], "--agents") == 0) {
            i++;
            continue;
        }
        if (argv[i][0] == '-' && argv[i][1])
            continue;
        cc_diags d;
        cc_diags_init(&d);
        cc_scenario *s = NULL;
        cc_err rc = cc_scenario_load_file(argv[i], &lo, &d, &s);
        if (rc == CC_OK && sim)
            rc = cc_scenario_check_simulation(s, &d);
        for (size_t k = 0; rc == CC_OK && k < nsweeps; k++)
            check_sweep(argv[i], &sweeps[k], &lo, &d);
        cc_diags_sort(&d);
        if (rc == CC_ERR_NOMEM && d.errors == 0)
            cc_diags_add(&d, CC_SEV_ERROR, argv[i], (cc_pos){0, 0}, "nomem", NULL, "out of memory");
        int bad = d.errors > 0 || (werror && d.warnings > 0) || rc != CC_OK;
        failed |= bad;
        if (json) {
            json_t *f = json_object();
            json_t *arr = json_array();
            for (size_t k = 0; k < d.count; k++)
                json_array_append_new(arr, diag_json(&d.items[k]));
            json_object_set_new(f, "file", json_string(argv[i]));
            json_object_set_new(f, "ok", json_boolean(!bad));
            json_object_set_new(f, "errors", json_integer((json_int_t)d.errors));
            json_object_set_new(f, "warnings", json_integer((json_int_t)d.warnings));
            json_object_set_new(f, "diagnostics", arr);
            json_array_append_new(files, f);
        } else {
            cc_cli_print_diags(stdout, &d);
            if (!quiet)
                printf("%s: %s (%zu error%s, %zu warning%s)\n", argv[i], bad ? "FAILED" : "ok", d.errors,
                       d.errors == 1 ? "" : "s", d.warnings, d.warnings == 1 ? "" : "s");
            if (summary && s)
                print_summary(s);
        }
        cc_scenario_free(s);
        cc_diags_free(&d);
    }
    if (json) {
        json_t *root = json_object();
        json_object_set_new(root, "ok", json_boolean(!failed));
        json_object_set_new(root, "files", files);
        char *txt = json_dumps(root, JSON_INDENT(2) | JSON_ENSURE_ASCII);
        if (txt)
            printf("%s\n", txt);
        free(txt);
        json_decref(root);
    }
    for (size_t k = 0; k < nsweeps; k++)
        cc_sweep_free(&sweeps[k]);
    return failed ? 1 : 0;
}
