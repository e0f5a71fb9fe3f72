/* cmd_report — `caucus report LOG|SIMRESULT.json`: the after-action report of an event log
 * (control view, or one seat's view with --seat), or the comparison report of a simulation
 * result, as HTML, Markdown, JSON and CSV tables. See docs/report.md. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "store/store.h"
#include "core/scenario.h"
#include "report/report.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: caucus report LOG [--scenario FILE] [--seat SEAT] --html OUT [--md OUT] [--json OUT]\n"
            "                     [--csv DIR]\n"
            "       caucus report SIMRESULT.json [--scenario FILE] [--threads T] --html OUT [...]\n"
            "  LOG              event log written by caucus run --log (verified while read)\n"
            "  --scenario FILE  the scenario the log was run on (default: the path recorded in the log);\n"
            "                   for a simulation result: run it again, verify it, plot distributions\n"
            "  --seat SEAT      only what SEAT received or may read (default: exercise control view)\n"
            "  --plan DB        add the open improvement-plan items of store DB as carried over, each with\n"
            "                   whether its guideline was met in this exercise (control view only)\n"
            "  --html OUT       one self-contained HTML page ('-': standard output)\n"
            "  --md OUT         Markdown\n"
            "  --json OUT       the report document as JSON\n"
            "  --csv DIR        one CSV file per table, and banners.csv\n"
            "  --threads T      worker threads when a simulation is run again (default: online CPUs)\n");
}

static int write_file(const char *path, const char *data, size_t len)
{
    if (strcmp(path, "-") == 0)
        return fwrite(data, 1, len, stdout) == len && fflush(stdout) == 0 ? 0 : -1;
    FILE *f = fopen(path, "wb");
    if (!f) {
        fprintf(stderr, "caucus report: cannot write %s: %s\n", path, strerror(errno));
        return -1;
    }
    int ok = fwrite(data, 1, len, f) == len;
    if (fclose(f) != 0)
        ok = 0;
    if (!ok) {
        fprintf(stderr, "caucus report: cannot write %s: %s\n", path, strerror(errno));
        return -1;
    }
    return 0;
}

static int csv_sink(void *ctx, const char *name, const char *data, size_t len)
{
    const char *dir = ctx;
    char path[4096];
    if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, name) >= sizeof path) {
        fprintf(stderr, "caucus report: path too long: %s/%s\n", dir, name);
        return -1;
    }
    return write_file(path, data, len);
}

typedef cc_err (*render_fn)(const json_t *, cc_buf *);

static int render(const json_t *doc, render_fn fn, const char *path)
{
    if (!path)
        return 0;
    cc_buf b;
    cc_buf_init(&b);
    cc_err rc = fn(doc, &b);
    int st = 0;
    if (rc != CC_OK) {
        fprintf(stderr, "caucus report: cannot render %s: %s\n", path, cc_err_str(rc));
        st = -1;
    } else {
        st = write_file(path, b.data ? b.data : "", b.len);
    }
    cc_buf_free(&b);
    return st;
}

/* caucus report DB --exercise ID ...: the exercise's log and scenario are taken out of the store
 * into a private temporary directory and reported on like files. */
static int report_from_store(int argc, char **argv, const char *db, int dbarg)
{
    const char *exs = NULL;
    for (int i = 1; i + 1 < argc; i++)
        if (strcmp(argv[i], "--exercise") == 0)
            exs = argv[i + 1];
    uint64_t ex;
    if (!exs || cc_cli_parse_u64(exs, &ex) != 0 || ex == 0) {
        fprintf(stderr, "caucus report: a store needs --exercise ID\n");
        return 2;
    }
    cc_store *st = NULL;
    cc_store_opts o = {1, NULL, 0};
    cc_store_error err;
    if (cc_store_open(db, &o, &st, &err) != CC_OK) {
        fprintf(stderr, "caucus report: %s\n", err.msg);
        return 1;
    }
    cc_store_exercise x;
    if (cc_store_exercise_get(st, (int64_t)ex, &x, &err) != CC_OK) {
        fprintf(stderr, "caucus report: %s\n", err.msg);
        cc_store_close(st);
        return 1;
    }
    const char *tmp = getenv("TMPDIR");
    char dir[4096], logp[4200], scp[4200];
    snprintf(dir, sizeof dir, "%s/caucus-report-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    int rc = 1;
    if (!mkdtemp(dir)) {
        fprintf(stderr, "caucus report: no temporary directory\n");
        goto done;
    }
    snprintf(logp, sizeof logp, "%s/exercise.jsonl", dir);
    snprintf(scp, sizeof scp, "%s/scenario.yaml", dir);
    FILE *lf = fopen(logp, "wb");
    FILE *sf = fopen(scp, "wb");
    if (!lf || !sf || fwrite(x.scenario, 1, x.scenario_len, sf) != x.scenario_len ||
        cc_cli_write_log(st, (int64_t)ex, lf, NULL, &err) != CC_OK) {
        fprintf(stderr, "caucus report: exercise %" PRIu64 " could not be read out of the store\n", ex);
        if (lf)
            fclose(lf);
        if (sf)
            fclose(sf);
    } else if (fclose(lf) != 0 || fclose(sf) != 0) {
        fprintf(stderr, "caucus report: temporary files could not be written\n");
    } else {
        /* the same command line, with the files in place of the store */
        char **nv = calloc((size_t)argc + 3, sizeof *nv);
        int n = 0;
        for (int i = 0; nv && i < argc; i++) {
            if (strcmp(argv[i], "--exercise") == 0 || strcmp(argv[i], "--scenario") == 0) {
                i++;
                continue;
            }
            nv[n++] = i == dbarg ? logp : argv[i];
        }
        if (nv) {
            nv[n++] = "--scenario";
            nv[n++] = scp;
            rc = cc_cmd_report(n, nv);
            free(nv);
        }
    }
    unlink(logp);
    unlink(scp);
    rmdir(dir);
done:
    cc_store_exercise_clear(&x);
    cc_store_close(st);
    return rc;
}

/* Appends the "carried over" table to the improvement section: open items of the plan in
 * db, with what this log's findings say about their guidelines. */
static int carry_over(json_t *doc, const char *db, const char *log)
{
    char why[300];
    json_t *rows = cc_cli_plan_carried(db, log, why, sizeof why);
    if (!rows) {
        fprintf(stderr, "caucus report: --plan %s: %s\n", db, why);
        return -1;
    }
    json_t *secs = json_object_get(doc, "sections"), *sec;
    size_t i;
    json_array_foreach(secs, i, sec)
    {
        const char *id = json_string_value(json_object_get(sec, "id"));
        if (id && strcmp(id, "improvement") == 0) {
            json_t *t = json_pack("{s:s,s:s,s:[s,s,s,s,s,s,s,s],s:o}", "id", "carried", "title",
                                  "Carried over from earlier exercises (open improvement-plan items)",
                                  "columns", "item", "issue", "corrective action", "responsible organisation",
                                  "due", "status", "guideline", "in this exercise", "rows", rows);
            json_t *tables = json_object_get(sec, "tables");
            if (!t || !tables || json_array_append_new(tables, t) != 0)
                return -1;
            return 0;
        }
    }
    json_decref(rows);
    fprintf(stderr, "caucus report: the report has no improvement section\n");
    return -1;
}

int cc_cmd_report(int argc, char **argv)
{
    const char *in = NULL, *html = NULL, *md = NULL, *jsonf = NULL, *csv = NULL, *seat = NULL, *scen = NULL,
               *plan = NULL, *exercise = NULL;
    int in_arg = 0;
    uint64_t threads = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int has = i + 1 < argc;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(a, "--html") == 0 && has) {
            html = argv[++i];
        } else if (strcmp(a, "--md") == 0 && has) {
            md = argv[++i];
        } else if (strcmp(a, "--json") == 0 && has) {
            jsonf = argv[++i];
        } else if (strcmp(a, "--csv") == 0 && has) {
            csv = argv[++i];
        } else if (strcmp(a, "--seat") == 0 && has) {
            seat = argv[++i];
        } else if (strcmp(a, "--plan") == 0 && has) {
            plan = argv[++i];
        } else if (strcmp(a, "--exercise") == 0 && has) {
            exercise = argv[++i];
        } else if (strcmp(a, "--scenario") == 0 && has) {
            scen = argv[++i];
        } else if (strcmp(a, "--threads") == 0 && has) {
            if (cc_cli_parse_u64(argv[++i], &threads) != 0 || threads < 1 || threads > 1024) {
                fprintf(stderr, "caucus report: --threads needs a number from 1 to 1024\n");
                return 2;
            }
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "caucus report: unknown option or missing value: %s\n", a);
            usage(stderr);
            return 2;
        } else if (!in) {
            in = a;
            in_arg = i;
        } else {
            fprintf(stderr, "caucus report: one input at a time (got %s and %s)\n", in, a);
            return 2;
        }
    }
    if (in && cc_cli_is_store(in))
        return report_from_store(argc, argv, in, in_arg);
    if (exercise) {
        fprintf(stderr, "caucus report: --exercise goes with a store (DB), not with a log file\n");
        return 2;
    }
    if (plan && seat) {
        fprintf(stderr, "caucus report: the improvement plan is control's: --plan does not go with --seat\n");
        return 2;
    }
    if (!in) {
        fprintf(stderr, "caucus report: no log or simulation result given\n");
        usage(stderr);
        return 2;
    }
    if (!html && !md && !jsonf && !csv) {
        fprintf(stderr, "caucus report: no output: give --html, --md, --json or --csv\n");
        return 2;
    }
    int stdouts =
        (html && strcmp(html, "-") == 0) + (md && strcmp(md, "-") == 0) + (jsonf && strcmp(jsonf, "-") == 0);
    if (stdouts > 1) {
        fprintf(stderr, "caucus report: only one output may be '-'\n");
        return 2;
    }
    if (access(in, R_OK) != 0) {
        fprintf(stderr, "caucus report: cannot read %s: %s\n", in, strerror(errno));
        return 1;
    }
    cc_diags d;
    cc_diags_init(&d);
    json_t *doc = NULL;
    cc_scenario *s = NULL;
    cc_err rc;
    if (cc_report_is_sim(in)) {
        if (seat) {
            fprintf(stderr, "caucus report: --seat applies to event logs, not to simulation results\n");
            return 2;
        }
        if (scen && !(s = cc_cli_load("report", scen)))
            return 1;
        if (!threads) {
            long n = sysconf(_SC_NPROCESSORS_ONLN);
            threads = n > 0 ? (uint64_t)n : 1;
        }
        rc = cc_report_from_sim(in, s, (int)threads, &d, &doc);
    } else {
        cc_report_start st;
        rc = cc_report_log_start(in, &st, &d);
        if (rc == CC_OK) {
            const char *sp = scen ? scen : st.source;
            if (!*sp) {
                fprintf(stderr, "caucus report: %s records no scenario path; pass --scenario FILE\n", in);
                cc_diags_free(&d);
                return 1;
            }
            if (!scen && access(sp, R_OK) != 0) {
                fprintf(stderr,
                        "caucus report: the scenario recorded in %s, %s, cannot be read (%s); pass "
                        "--scenario FILE\n",
                        in, sp, strerror(errno));
                cc_diags_free(&d);
                return 1;
            }
            if (!(s = cc_cli_load("report", sp))) {
                cc_diags_free(&d);
                return 1;
            }
            rc = cc_report_from_log(in, s, seat, &d, &doc);
            if (rc == CC_OK && plan && carry_over(doc, plan, in) != 0)
                rc = CC_ERR_IO;
        }
    }
    cc_cli_print_diags(stderr, &d);
    cc_diags_free(&d);
    int status = 0;
    if (rc != CC_OK) {
        if (rc == CC_ERR_NOMEM)
            fprintf(stderr, "caucus report: out of memory\n");
        status = 1;
    } else {
        if (render(doc, cc_report_html, html) || render(doc, cc_report_md, md) ||
            render(doc, cc_report_json, jsonf))
            status = 1;
        if (status == 0 && csv) {
            if (mkdir(csv, 0777) != 0 && errno != EEXIST) {
                fprintf(stderr, "caucus report: cannot create %s: %s\n", csv, strerror(errno));
                status = 1;
            } else if (cc_report_csv(doc, csv_sink, (void *)csv) != CC_OK) {
                status = 1;
            }
        }
        if (status == 0) {
            FILE *o =
                (html && !strcmp(html, "-")) || (md && !strcmp(md, "-")) || (jsonf && !strcmp(jsonf, "-"))
                    ? stderr
                    : stdout;
            fprintf(o, "report %s: %zu sections%s%s\n", in, json_array_size(json_object_get(doc, "sections")),
                    *json_string_value(json_object_get(doc, "banner")) ? ", banner " : "",
                    json_string_value(json_object_get(doc, "banner")));
        }
    }
    json_decref(doc);
    cc_scenario_free(s);
    return status;
}
