/* cmd_calibrate — `caucus calibrate LOG... --scenario S --out AGENTS.yaml`: fits the scenario's agent
 * rules to the event logs of exercises (docs/calibration.md). */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/buf.h"
#include "core/scenario.h"
#include "io/file.h"
#include "sim/calib.h"
#include "sim/calout.h"
#include "sim/calplot.h"

#define LOG_MAX ((size_t)1 << 32) /* the largest log read (4 GiB) */

static void calibrate_usage(FILE *f)
{
    fprintf(
        f,
        "usage: caucus calibrate LOG... --scenario SCENARIO --out AGENTS.yaml [--agents FILE]\n"
        "                        [--by seat|role|agent] [--json FILE] [--svg FILE] [--min-acts N]\n"
        "                        [--boot B] [--seed S]\n"
        "  --scenario S   the scenario the logs were run on (their run.start pins it)\n"
        "  --out FILE     the calibrated agents file ('-' for stdout)\n"
        "  --agents FILE  an agents file applied to the scenario first (the rules to calibrate)\n"
        "  --by KEY       one agent per seat (default), per role (same role text and agent), or per agent\n"
        "  --json FILE    every number of the calibration\n"
        "  --svg FILE     per rule: Kaplan-Meier against the fitted model, and a QQ panel\n"
        "  --min-acts N   fewer acts than N: the scenario's rule is kept (default 10)\n"
        "  --boot B       bootstrap samples for the fit's p-value (default 200; 0: none)\n"
        "  --seed S       seed of the bootstrap (default 1)\n");
}

/* Writes buf to path ('-': stdout); 0 or -1 (reported). */
static int write_file(const char *path, const cc_buf *b)
{
    FILE *f = strcmp(path, "-") == 0 ? stdout : fopen(path, "wb");
    int bad = !f || fwrite(b->data ? b->data : "", 1, b->len, f) != b->len;
    if (f && f != stdout && fclose(f) != 0)
        bad = 1;
    if (bad)
        fprintf(stderr, "caucus calibrate: cannot write %s: %s\n", path,
                errno ? strerror(errno) : "write failed");
    return bad ? -1 : 0;
}

typedef struct cal_args {
    const char *scenario, *out, *agents, *json, *svg;
    const char **logs;
    size_t nlogs;
    cc_calib_opts o;
} cal_args;

/* 0, or the exit status of a bad invocation (2), reported. */
static int parse_args(int argc, char **argv, cal_args *a)
{
    a->o = (cc_calib_opts){CC_CALIB_BY_SEAT, 10, 200, 1};
    for (int i = 1; i < argc; i++) {
        const char *x = argv[i];
        int has = i + 1 < argc;
        uint64_t v;
        if (strcmp(x, "--scenario") == 0 && has) {
            a->scenario = argv[++i];
        } else if (strcmp(x, "--out") == 0 && has) {
            a->out = argv[++i];
        } else if (strcmp(x, "--agents") == 0 && has) {
            a->agents = argv[++i];
        } else if (strcmp(x, "--json") == 0 && has) {
            a->json = argv[++i];
        } else if (strcmp(x, "--svg") == 0 && has) {
            a->svg = argv[++i];
        } else if (strcmp(x, "--by") == 0 && has) {
            const char *b = argv[++i];
            if (strcmp(b, "seat") == 0)
                a->o.by = CC_CALIB_BY_SEAT;
            else if (strcmp(b, "role") == 0)
                a->o.by = CC_CALIB_BY_ROLE;
            else if (strcmp(b, "agent") == 0)
                a->o.by = CC_CALIB_BY_AGENT;
            else {
                fprintf(stderr, "caucus calibrate: --by takes seat, role or agent, not '%s'\n", b);
                return 2;
            }
        } else if ((strcmp(x, "--min-acts") == 0 || strcmp(x, "--boot") == 0 || strcmp(x, "--seed") == 0) &&
                   has) {
            if (cc_cli_parse_u64(argv[++i], &v) ||
                (strcmp(x, "--seed") != 0 && (v > 100000 || (x[2] == 'm' && v == 0)))) {
                fprintf(stderr, "caucus calibrate: %s needs %s, not '%s'\n", x,
                        x[2] == 's'   ? "a non-negative integer"
                        : x[2] == 'm' ? "1 to 100000"
                                      : "0 to 100000",
                        argv[i]);
                return 2;
            }
            if (x[2] == 'm')
                a->o.min_acts = (size_t)v;
            else if (x[2] == 'b')
                a->o.boot = (unsigned)v;
            else
                a->o.seed = v;
        } else if (strcmp(x, "--help") == 0 || strcmp(x, "-h") == 0) {
            calibrate_usage(stdout);
            return -1;
        } else if (x[0] == '-' && x[1]) {
            fprintf(stderr, "caucus calibrate: unknown option or missing value '%s'\n", x);
            calibrate_usage(stderr);
            return 2;
        } else {
            a->logs[a->nlogs++] = x;
        }
    }
    if (!a->scenario || !a->out || a->nlogs == 0) {
        fprintf(stderr, "caucus calibrate: %s\n",
                !a->nlogs      ? "no log given"
                : !a->scenario ? "--scenario is required"
                               : "--out is required");
        calibrate_usage(stderr);
        return 2;
    }
    return 0;
}

/* Reads every log into the calibration; 0 or 1 (reported). */
static int read_logs(cc_calib *c, const cal_args *a)
{
    for (size_t i = 0; i < a->nlogs; i++) {
        char *text = NULL, why[200];
        size_t len = 0;
        if (cc_file_read(a->logs[i], LOG_MAX, &text, &len, why, sizeof why) != CC_OK) {
            fprintf(stderr, "caucus calibrate: %s: %s\n", a->logs[i], why);
            return 1;
        }
        cc_calib_error err;
        cc_err rc = cc_calib_add_log(c, a->logs[i], text, len, &err);
        free(text);
        if (rc != CC_OK) {
            fprintf(stderr, "caucus calibrate: %s\n", err.message);
            return 1;
        }
    }
    return 0;
}

/* The outputs: report on stdout, then the files. 0 or 1. */
static int write_outputs(const cc_calib *c, const cal_args *a)
{
    cc_buf b;
    cc_buf_init(&b);
    int status = 0;
    if (cc_calout_agents(c, &b) != CC_OK) {
        fprintf(stderr, "caucus calibrate: cannot write the agents file: out of memory\n");
        status = 1;
    } else if (write_file(a->out, &b) != 0) {
        status = 1;
    }
    cc_buf_reset(&b);
    if (status == 0 && cc_calout_text(c, &b) == CC_OK && strcmp(a->out, "-") != 0)
        fputs(b.data, stdout);
    cc_buf_reset(&b);
    if (status == 0 && a->svg && (cc_calplot_svg(c, &b) != CC_OK || write_file(a->svg, &b) != 0))
        status = 1;
    if (status == 0 && a->json) {
        json_t *j = cc_calout_json(c);
        if (!j || json_dump_file(j, a->json, JSON_INDENT(2) | JSON_SORT_KEYS) != 0) {
            fprintf(stderr, "caucus calibrate: cannot write %s\n", a->json);
            status = 1;
        }
        json_decref(j);
    }
    if (status == 0 && strcmp(a->out, "-") != 0)
        printf("agents: %s\n", a->out);
    cc_buf_free(&b);
    return status;
}

int cc_cmd_calibrate(int argc, char **argv)
{
    cal_args a = {0};
    a.logs = calloc((size_t)argc + 1, sizeof *a.logs);
    if (!a.logs)
        return 1;
    int st = parse_args(argc, argv, &a);
    if (st != 0) {
        free(a.logs);
        return st < 0 ? 0 : st;
    }
    cc_scenario *s = cc_cli_load_agents("calibrate", a.scenario, a.agents);
    cc_calib *c = NULL;
    cc_calib_error err;
    if (!s) {
        st = 1;
    } else if (cc_calib_new(s, &a.o, &c) != CC_OK) {
        fprintf(stderr, "caucus calibrate: out of memory\n");
        st = 1;
    } else if ((st = read_logs(c, &a)) == 0 && cc_calib_fit(c, &err) != CC_OK) {
        fprintf(stderr, "%s\n", err.message);
        st = 1;
    }
    if (st == 0 && cc_calib_shared_streams(c))
        fprintf(
            stderr,
            "caucus calibrate: warning: %zu log%s the seed and replication of an earlier log: their agents "
            "drew "
            "the same random numbers, so the observations are not independent and the intervals too narrow\n",
            cc_calib_shared_streams(c), cc_calib_shared_streams(c) == 1 ? " has" : "s have");
    if (st == 0)
        st = write_outputs(c, &a);
    cc_calib_free(c);
    cc_scenario_free(s);
    free(a.logs);
    return st;
}
