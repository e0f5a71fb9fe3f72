/* cmd_sim — `caucus sim SCENARIO`: Monte Carlo comparison of consultation mechanisms. */
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/engine.h"
#include "core/scenario.h"
#include "core/scenario_model.h"
#include "io/patch.h"
#include "io/scenario_load.h"
#include "sim/sim.h"
#include "sim/sim_mpi.h"
#include "sim/simplot.h"
#include "report/report.h"

static void sim_usage(FILE *f)
{
    fprintf(f, "usage: caucus sim SCENARIO [--reps N] [--variant ID]... [--seed S] [--threads T]\n"
               "                  [--csv FILE] [--json FILE] [--svg FILE] [--html FILE] [--mpi]\n"
               "                  [--log-rep R]... [--keep-logs K] [--log-prefix P] [--agents FILE]\n"
               "                  [--sweep PATH=V1,V2,...|PATH=A..B/STEP [--baseline V] [--metric NAME]...]\n"
               "  --reps N       replications per variant (default 1000)\n"
               "  --variant ID   a mechanism to compare (repeat; default: every mechanism)\n"
               "  --seed S       random seed (default 1); replication r of every variant shares streams\n"
               "  --threads T    worker threads (default: online CPUs, 1 per rank with --mpi); results do\n"
               "                 not depend on T\n"
               "  --csv FILE     one row per variant and replication\n"
               "  --log-rep R    also write the event log of replication R of each variant (repeatable)\n"
               "  --keep-logs K  the same for replications 0 to K-1\n"
               "  --log-prefix P log file names P-VARIANT-repR.jsonl (default 'sim')\n"
               "  --json FILE    the summary as JSON\n"
               "  --svg FILE     plots: CDF and histogram per time metric, probability bars per rate\n"
               "  --html FILE    one self-contained page: summary tables, differences and the plots\n"
               "  --mpi          under mpirun: split the replications across the ranks; rank 0 writes\n"
               "                 the results, identical to a single process\n"
               "  --sweep S      run the scenario at each value of a numeric or duration field, e.g.\n"
               "                 mechanisms.M.stages.S.deadline=1h..24h/1h or agents.A.rules.2.probability=\n"
               "                 0.5,0.7,0.9, every value on the same replications; one response curve per\n"
               "                 metric (docs/sim.md, \"Exploring a mechanism\"); --csv, --json, --svg and\n"
               "                 --html then write the curves\n"
               "  --baseline V   the value the others are compared with, paired (default: the first)\n"
               "  --metric NAME  print only the metrics whose name contains NAME (repeat; with --sweep the\n"
               "                 curve files too)\n"
               "  --agents FILE  agents replacing the scenario's (docs/calibration.md)\n");
}

static double wall_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* A progress line with rate and ETA on a terminal (the CLI may read the clock; the engine never
 * does). */
static void progress(void *ctx, size_t done, size_t total)
{
    const double *start = ctx;
    if (done == total || done % 256 == 0) {
        double el = wall_s() - *start, rate = el > 0 ? (double)done / el : 0;
        double eta = rate > 0 ? (double)(total - done) / rate : 0;
        fprintf(stderr, "\r  %zu/%zu replications (%3.0f%%), %.0f/s, ETA %.0f s   ", done, total,
                100.0 * (double)done / (double)total, rate, eta);
        if (done == total)
            fputc('\n', stderr);
    }
}

static int write_line(void *ctx, const char *line, size_t len)
{
    return fwrite(line, 1, len, ctx) != len;
}

/* Writes the log of replication rep of mechanism m, exactly as the simulation ran it. */
static int write_rep_log(const cc_scenario *s, uint64_t seed, size_t rep, int m, const char *path)
{
    FILE *f = fopen(path, "wb");
    if (!f) {
        fprintf(stderr, "caucus sim: cannot write %s: %s\n", path, strerror(errno));
        return -1;
    }
    uint8_t *autos = calloc(s->nseats + 1, 1);
    if (autos)
        cc_cli_parse_seats(s, "all", autos);
    cc_engine_opts o = {
        .seed = seed, .replication = rep, .variant = m, .auto_seats = autos, .source = s->file};
    cc_engine *e = NULL;
    cc_err rc = autos ? cc_engine_new(s, &o, write_line, f, &e) : CC_ERR_NOMEM;
    if (rc == CC_OK)
        rc = cc_engine_start(e);
    if (rc == CC_OK)
        rc = cc_engine_run_until(e, s->duration_s * 1000);
    cc_engine_free(e);
    free(autos);
    if (fclose(f) != 0 && rc == CC_OK)
        rc = CC_ERR_IO;
    if (rc != CC_OK) {
        fprintf(stderr, "caucus sim: writing %s: %s\n", path, cc_err_str(rc));
        return -1;
    }
    return 0;
}

/* Writes the page or plot made by fn to path; 0 or -1 (reported). */
static int write_plot(cc_err (*fn)(const cc_sim *, const char *, cc_buf *), const cc_sim *r,
                      const char *title, const char *path)
{
    cc_buf b;
    cc_buf_init(&b);
    FILE *f = NULL;
    int bad = fn(r, title, &b) != CC_OK || !(f = fopen(path, "wb")) || fwrite(b.data, 1, b.len, f) != b.len;
    if (f && fclose(f) != 0)
        bad = 1;
    if (bad)
        fprintf(stderr, "caucus sim: cannot write %s%s%s\n", path, errno ? ": " : "",
                errno ? strerror(errno) : "");
    cc_buf_free(&b);
    return bad ? -1 : 0;
}

/* "[lo, hi]" with fmt, or "-" when undefined */
static const char *ci(char *buf, size_t size, const char *fmt, double mean, double lo, double hi)
{
    char a[32], b[32], c[32];
    if (isnan(mean))
        return "-";
    snprintf(a, sizeof a, fmt, mean);
    if (isnan(lo) || isnan(hi)) {
        snprintf(buf, size, "%s [-]", a);
        return buf;
    }
    snprintf(b, sizeof b, fmt, lo);
    snprintf(c, sizeof c, fmt, hi);
    snprintf(buf, size, "%s [%s, %s]", a, b, c);
    return buf;
}

static const char *num_text(char *buf, size_t size, double x)
{
    if (isnan(x))
        return "-";
    snprintf(buf, size, "%.2f", x);
    return buf;
}

/* One metric's table: per variant its summary, then each variant against the first. */
static void print_metric(const cc_sim *r, size_t m)
{
    size_t V = cc_sim_nvariants(r);
    int rate = cc_sim_metric_is_rate(r, m);
    printf("\n%s\n", cc_sim_metric_name(r, m));
    if (rate)
        printf("  %-16s %s\n", "variant", "probability [95% CI]");
    else
        printf("  %-16s %-22s %-25s %-25s %-7s %-7s %-7s %s\n", "variant", "done [95% CI]",
               "restricted mean [95% CI]", "mean if done [95% CI]", "median", "p90", "p99", "done/could");
    double tau = NAN;
    for (size_t v = 0; v < V; v++) {
        cc_sim_summary sm;
        cc_sim_summarise(r, v, m, &sm);
        char a[112], b[112], c[112], d[16], e[16], f[16];
        if (rate && sm.n == 0)
            printf("  %-16s - (never applied in %zu replications)\n", cc_sim_variant_id(r, v), sm.total);
        else if (rate)
            printf("  %-16s %s\n", cc_sim_variant_id(r, v), ci(a, sizeof a, "%.3f", sm.mean, sm.mean_lo, sm.mean_hi));
        else if (sm.applicable == 0)
            printf("  %-16s - (it could not happen in any of %zu replications)\n", cc_sim_variant_id(r, v),
                   sm.total);
        else {
            tau = sm.tau;
            printf("  %-16s %-22s %-25s %-25s %-7s %-7s %-7s %zu/%zu\n", cc_sim_variant_id(r, v),
                   ci(a, sizeof a, "%.3f", sm.done, sm.done_lo, sm.done_hi),
                   ci(b, sizeof b, "%.2f", sm.rmean, sm.rmean_lo, sm.rmean_hi),
                   ci(c, sizeof c, "%.2f", sm.mean, sm.mean_lo, sm.mean_hi), num_text(d, sizeof d, sm.median),
                   num_text(e, sizeof e, sm.p90), num_text(f, sizeof f, sm.p99), sm.n, sm.applicable);
        }
    }
    if (!rate && isinf(tau))
        printf("  restricted mean: nothing was censored, it is the plain mean\n");
    else if (!rate && !isnan(tau))
        printf("  restricted mean to %.2f h\n", tau);
    for (size_t v = 1; v < V; v++) {
        cc_sim_comparison c;
        cc_sim_compare(r, 0, v, m, &c);
        if (isnan(c.lo))
            continue;
        printf("  %s - %s%s: %+.3f [%+.3f, %+.3f]%s (paired, %zu replications, r = %.2f)\n",
               cc_sim_variant_id(r, v), cc_sim_variant_id(r, 0), rate ? "" : ", restricted mean", c.diff, c.lo,
               c.hi, c.lo > 0 || c.hi < 0 ? " *" : "", c.n, isnan(c.corr) ? 0.0 : c.corr);
    }
}

/* One row per variant and replication, every value at full precision (%.17g round-trips a
 * double); a time also has a column "NAME [censored]": 1 when the value is the time observed
 * before the run ended without it happening. Empty: no value. 0 or -1 (reported). */
static int write_csv(const cc_sim *r, const char *path)
{
    size_t V = cc_sim_nvariants(r), M = cc_sim_nmetrics(r);
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "caucus sim: cannot write %s: %s\n", path, strerror(errno));
        return -1;
    }
    fprintf(f, "variant,replication");
    for (size_t m = 0; m < M; m++) {
        fprintf(f, ",\"%s\"", cc_sim_metric_name(r, m));
        if (!cc_sim_metric_is_rate(r, m))
            fprintf(f, ",\"%s [censored]\"", cc_sim_metric_name(r, m));
    }
    fputc('\n', f);
    for (size_t v = 0; v < V; v++)
        for (size_t k = 0; k < cc_sim_reps(r); k++) {
            fprintf(f, "%s,%zu", cc_sim_variant_id(r, v), k);
            for (size_t m = 0; m < M; m++) {
                double y = cc_sim_value(r, v, k, m);
                int time = !cc_sim_metric_is_rate(r, m);
                if (isnan(y))
                    fprintf(f, time ? ",," : ",");
                else if (time)
                    fprintf(f, ",%.17g,%d", fabs(y), signbit(y) ? 1 : 0);
                else
                    fprintf(f, ",%.17g", y);
            }
            fputc('\n', f);
        }
    if (fclose(f) != 0) {
        fprintf(stderr, "caucus sim: cannot write %s: %s\n", path, strerror(errno));
        return -1;
    }
    return 0;
}

/* The command line of `caucus sim`. */
typedef struct sim_args {
    const char *file, *csv, *jsonf, *log_prefix, *svg, *html, *agents;
    uint64_t log_reps[64];
    size_t nlog;
    const char *vnames[64];
    size_t nv;
    uint64_t seed, reps, threads;
    const char *sweep_spec, *baseline, *metrics[64];
    size_t nmetrics;
} sim_args;

/* A numeric option's value (option a, the value v): 0, or 2 with the reason printed. */
static int sim_number(const char *a, const char *v, sim_args *g)
{
    if (strcmp(a, "--reps") == 0) {
        if (cc_cli_parse_u64(v, &g->reps) || g->reps == 0 || g->reps > 100000000) {
            fprintf(stderr, "caucus sim: --reps needs 1 to 100000000, not '%s'\n", v);
            return 2;
        }
    } else if (strcmp(a, "--seed") == 0) {
        if (cc_cli_parse_u64(v, &g->seed)) {
            fprintf(stderr, "caucus sim: --seed needs a non-negative integer, not '%s'\n", v);
            return 2;
        }
    } else if (strcmp(a, "--threads") == 0) {
        if (cc_cli_parse_u64(v, &g->threads) || g->threads == 0 || g->threads > 256) {
            fprintf(stderr, "caucus sim: --threads needs 1 to 256, not '%s'\n", v);
            return 2;
        }
    } else { /* --log-rep N, --keep-logs N */
        uint64_t x;
        if (cc_cli_parse_u64(v, &x)) {
            fprintf(stderr, "caucus sim: %s needs a number, not '%s'\n", a, v);
            return 2;
        }
        if (strcmp(a, "--log-rep") == 0) {
            if (g->nlog < 64)
                g->log_reps[g->nlog++] = x;
        } else {
            for (uint64_t k = 0; k < x && g->nlog < 64; k++)
                g->log_reps[g->nlog++] = k;
        }
    }
    return 0;
}

/* An option that takes a value (a, value v): 0, -1 when a is none of them, or 2 with the reason
 * printed. */
static int sim_option(const char *a, const char *v, sim_args *g)
{
    const char **slot = strcmp(a, "--log-prefix") == 0 ? &g->log_prefix
                        : strcmp(a, "--csv") == 0      ? &g->csv
                        : strcmp(a, "--agents") == 0   ? &g->agents
                        : strcmp(a, "--svg") == 0      ? &g->svg
                        : strcmp(a, "--html") == 0     ? &g->html
                        : strcmp(a, "--json") == 0     ? &g->jsonf
                        : strcmp(a, "--baseline") == 0 ? &g->baseline
                                                       : NULL;
    if (slot) {
        *slot = v;
    } else if (strcmp(a, "--reps") == 0 || strcmp(a, "--seed") == 0 || strcmp(a, "--threads") == 0 ||
               strcmp(a, "--log-rep") == 0 || strcmp(a, "--keep-logs") == 0) {
        return sim_number(a, v, g);
    } else if (strcmp(a, "--variant") == 0) {
        if (g->nv == 64) {
            fprintf(stderr, "caucus sim: at most 64 variants\n");
            return 2;
        }
        g->vnames[g->nv++] = v;
    } else if (strcmp(a, "--sweep") == 0) {
        if (g->sweep_spec) {
            fprintf(stderr, "caucus sim: one --sweep per run (sweep a second field in a second run)\n");
            return 2;
        }
        g->sweep_spec = v;
    } else if (strcmp(a, "--metric") == 0) {
        if (g->nmetrics == 64) {
            fprintf(stderr, "caucus sim: at most 64 --metric\n");
            return 2;
        }
        g->metrics[g->nmetrics++] = v;
    } else {
        return -1;
    }
    return 0;
}

/* -1 to go on, otherwise the exit status (0 after --help). */
static int parse_sim_args(int argc, char **argv, sim_args *g)
{
    memset(g, 0, sizeof *g);
    g->log_prefix = "sim";
    g->seed = 1;
    g->reps = 1000;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int rc = i + 1 < argc ? sim_option(a, argv[i + 1], g) : -1;
        if (rc > 0)
            return rc;
        if (rc == 0) {
            i++;
        } else if (strcmp(a, "--mpi") == 0) {
            /* handled by cc_cmd_sim */
        } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            sim_usage(stdout);
            return 0;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "caucus sim: unknown option or missing value '%s'\n", a);
            sim_usage(stderr);
            return 2;
        } else if (!g->file) {
            g->file = a;
        } else {
            fprintf(stderr, "caucus sim: more than one scenario given ('%s')\n", a);
            return 2;
        }
    }
    if (!g->file) {
        fprintf(stderr, "caucus sim: no scenario file given\n");
        sim_usage(stderr);
        return 2;
    }
    if (g->baseline && !g->sweep_spec) {
        fprintf(stderr, "caucus sim: --baseline goes with --sweep\n");
        return 2;
    }
    return -1;
}

/* --sweep into *sw and the index of --baseline among its values (*base). 0, or 2 with the reason
 * printed (*sw freed). */
static int parse_sweep(const sim_args *g, cc_sweep *sw, size_t *base)
{
    char why[256];
    if (g->nlog) {
        fprintf(stderr, "caucus sim: --log-rep and --keep-logs do not go with --sweep (run the value you "
                        "want to see without --sweep)\n");
        return 2;
    }
    if (cc_sweep_parse(g->sweep_spec, sw, why, sizeof why) != CC_OK) {
        fprintf(stderr, "caucus sim: --sweep: %s\n", why);
        return 2;
    }
    if (g->baseline) {
        cc_sweep b;
        char spec[512];
        snprintf(spec, sizeof spec, "x=%s", g->baseline);
        *base = sw->n;
        if (cc_sweep_parse(spec, &b, why, sizeof why) == CC_OK && b.n == 1)
            for (size_t p = 0; p < sw->n && *base == sw->n; p++)
                *base = sw->x[p] == b.x[0] && sw->durations == b.durations ? p : sw->n;
        if (b.n)
            cc_sweep_free(&b);
        if (*base == sw->n) {
            fprintf(stderr, "caucus sim: --baseline %s is not one of the sweep's values\n", g->baseline);
            cc_sweep_free(sw);
            return 2;
        }
    }
    return 0;
}

/* The mechanisms --variant names (vidx) and the replications --log-rep names, against s. -1 to go
 * on, otherwise the exit status (the reason printed). */
static int check_variants(const sim_args *g, const cc_scenario *s, int *vidx)
{
    if (s->nmechanisms == 0) {
        fprintf(stderr, "caucus sim: %s has no consultation mechanisms to compare\n", g->file);
        return 1;
    }
    for (size_t k = 0; k < g->nv; k++) {
        vidx[k] = -1;
        for (size_t m = 0; m < s->nmechanisms; m++)
            if (strcmp(s->mechanisms[m].id, g->vnames[k]) == 0)
                vidx[k] = (int)m;
        if (vidx[k] < 0) {
            fprintf(stderr, "caucus sim: scenario has no mechanism '%s'\n", g->vnames[k]);
            return 2;
        }
    }
    for (size_t k = 0; k < g->nlog; k++)
        if (g->log_reps[k] >= g->reps) {
            fprintf(stderr, "caucus sim: --log-rep %llu: replications are numbered 0 to %llu\n",
                    (unsigned long long)g->log_reps[k], (unsigned long long)g->reps - 1);
            return 2;
        }
    return -1;
}

static void few_reps_warning(uint64_t reps)
{
    if (reps < 30)
        fprintf(stderr,
                "caucus sim: warning: %llu replications: the intervals of means rest on the mean being close "
                "to normal, which needs 30 or more\n",
                (unsigned long long)reps);
}

/* The comparison of variants: the metrics printed (those --metric names), and the CSV, SVG,
 * HTML, JSON and replication logs asked for. The exit status. */
static int report_variants(const sim_args *g, const cc_scenario *s, const int *vidx, cc_sim *r)
{
    size_t V = cc_sim_nvariants(r), M = cc_sim_nmetrics(r);
    printf("sim %s: %llu replications per variant, seed %llu, %zu variant%s\n", s->id,
           (unsigned long long)g->reps, (unsigned long long)g->seed, V, V == 1 ? "" : "s");
    few_reps_warning(g->reps);
    size_t shown = 0;
    for (size_t m = 0; m < M; m++) {
        int show = g->nmetrics == 0;
        for (size_t i = 0; i < g->nmetrics && !show; i++)
            show = strstr(cc_sim_metric_name(r, m), g->metrics[i]) != NULL;
        if (show)
            print_metric(r, m);
        shown += show;
    }
    if (shown == 0 && g->nmetrics > 0) {
        fprintf(stderr, "caucus sim: --metric: no metric's name contains '%s'; the metrics are:\n",
                g->metrics[0]);
        for (size_t m = 0; m < M; m++)
            fprintf(stderr, "  %s\n", cc_sim_metric_name(r, m));
        return 2;
    }
    printf("\n* the 95%% interval of the difference excludes 0. Times in hours. done: the share of replications\n"
           "in which it happened; restricted mean: the mean time where a replication in which it had not\n"
           "happened counts as the horizon every replication was observed to; mean if done: over the\n"
           "replications in which it happened. Differences are paired by replication (docs/sim.md).\n");
    int status = 0;
    if (g->csv && write_csv(r, g->csv) != 0)
        status = 1;
    char title[256];
    snprintf(title, sizeof title, "%s: %llu replications per variant, seed %llu", s->id,
             (unsigned long long)g->reps, (unsigned long long)g->seed);
    errno = 0;
    if (g->svg && write_plot(cc_simplot_svg, r, title, g->svg) != 0)
        status = 1;
    errno = 0;
    if (g->html && write_plot(cc_simplot_html, r, title, g->html) != 0)
        status = 1;
    if (g->jsonf) {
        json_t *root = cc_report_sim_result(r, s->id, g->seed);
        if (!root || json_dump_file(root, g->jsonf, JSON_INDENT(2) | JSON_SORT_KEYS) != 0) {
            fprintf(stderr, "caucus sim: cannot write %s\n", g->jsonf);
            status = 1;
        }
        json_decref(root);
    }
    for (size_t k = 0; k < g->nlog && status == 0; k++)
        for (size_t v = 0; v < V && status == 0; v++) {
            char path[1024];
            char vid[128];
            snprintf(vid, sizeof vid, "%s", cc_sim_variant_id(r, v));
            for (char *c = vid; *c; c++)
                *c = *c == ' ' ? '-' : *c; /* "as written" names its file as-written */
            snprintf(path, sizeof path, "%s-%s-rep%llu.jsonl", g->log_prefix, vid,
                     (unsigned long long)g->log_reps[k]);
            int m = g->nv ? vidx[v] : (int)v;
            if (write_rep_log(s, g->seed, (size_t)g->log_reps[k], m, path) != 0)
                status = 1;
            else
                printf("log of replication %llu, variant %s: %s\n", (unsigned long long)g->log_reps[k],
                       cc_sim_variant_id(r, v), path);
        }
    return status;
}

static int sim_main(int argc, char **argv, int rank, int nranks)
{
    sim_args g;
    int status = parse_sim_args(argc, argv, &g);
    if (status >= 0)
        return status;
    cc_sweep sw = {0};
    size_t base = 0;
    if (g.sweep_spec && (status = parse_sweep(&g, &sw, &base)) != 0)
        return status;
    uint64_t threads = g.threads;
    if (!threads && nranks > 1) {
        threads = 1;
    } else if (!threads) {
        long c = sysconf(_SC_NPROCESSORS_ONLN);
        threads = c > 0 && c < 256 ? (uint64_t)c : 1;
    }
    cc_scenario *s = cc_cli_load_agents("sim", g.file, g.agents);
    cc_scenario **points = NULL;
    if (s && sw.n && cc_cli_sweep_load("sim", g.file, g.agents, &sw, &points) != 0) {
        cc_scenario_free(s);
        s = NULL;
    }
    if (!s) {
        cc_sweep_free(&sw);
        return 1;
    }
    /* what can never complete when only agents act: said before the run */
    cc_diags warn;
    cc_diags_init(&warn);
    if (rank == 0 && cc_scenario_check_simulation(s, &warn) == CC_OK && warn.count) {
        cc_diags_sort(&warn);
        cc_cli_print_diags(stderr, &warn);
    }
    cc_diags_free(&warn);
    int vidx[64];
    cc_sim *r = NULL;
    status = check_variants(&g, s, vidx);
    if (status < 0) {
        double start = wall_s();
        cc_sim_opts o = {.seed = g.seed,
                         .reps = (size_t)g.reps,
                         .variants = g.nv ? vidx : NULL,
                         .nvariants = g.nv,
                         .threads = (int)threads,
                         .progress = isatty(2) && rank == 0 ? progress : NULL,
                         .progress_ctx = &start,
                         .rank = nranks > 1 ? rank : 0,
                         .nranks = nranks > 1 ? nranks : 0,
                         .points = (const cc_scenario *const *)points,
                         .npoints = sw.n};
        cc_err rc = cc_sim_run(s, &o, &r);
        if (nranks > 1)
            rc = cc_simmpi_merge(r, rc);
        if (rc != CC_OK)
            fprintf(stderr, "caucus sim: %s\n", cc_err_str(rc));
        status = rc != CC_OK ? 1 : rank != 0 ? 0 : -1; /* rank 0 reports */
    }
    if (status < 0) {
        /* every summary at once, on the same threads (out of memory: each is computed on use) */
        (void)cc_sim_summarise_all(r, (int)threads);
        if (sw.n) {
            few_reps_warning(g.reps);
            cc_cli_sweep_out so = {.scenario_id = s->id,
                                   .csv = g.csv,
                                   .json = g.jsonf,
                                   .svg = g.svg,
                                   .html = g.html,
                                   .metrics = g.metrics,
                                   .nmetrics = g.nmetrics,
                                   .baseline = base,
                                   .seed = g.seed};
            status = cc_cli_sweep_report(r, &sw, &so);
        } else {
            status = report_variants(&g, s, vidx, r);
        }
    }
    cc_sim_free(r);
    cc_cli_sweep_free(points, sw.n);
    cc_sweep_free(&sw);
    cc_scenario_free(s);
    return status;
}

int cc_cmd_sim(int argc, char **argv)
{
    int mpi = 0;
    for (int i = 1; i < argc; i++)
        mpi |= strcmp(argv[i], "--mpi") == 0;
    if (!mpi)
        return sim_main(argc, argv, 0, 1);
    if (!cc_simmpi_available()) {
        fprintf(stderr, "caucus sim: --mpi: this caucus was built without MPI (install libopenmpi-dev and "
                        "rebuild; see docs/sim.md)\n");
        return 2;
    }
    int rank = 0, nranks = 1;
    if (cc_simmpi_init(&argc, &argv, &rank, &nranks) != CC_OK) {
        fprintf(stderr, "caucus sim: --mpi: MPI failed to start\n");
        return 1;
    }
    int status = sim_main(argc, argv, rank, nranks);
    cc_simmpi_finalize();
    return status;
}
