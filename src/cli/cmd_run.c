/* cmd_run — `caucus run SCENARIO`: runs the engine headless over a scenario and writes the
 * event log; prints a short summary of the run. */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/ctime.h"
#include "core/engine.h"
#include "core/scenario_model.h"
#include "io/scenario_load.h"

static void run_usage(FILE *f)
{
    fprintf(f,
            "usage: caucus run SCENARIO [--seed N] [--variant MECHANISM] [--until TIME] [--log OUT.jsonl]\n"
            "  --seed N        random seed (default 1)\n"
            "  --variant ID    consultation mechanism for consultations without a fixed one\n"
            "  --until TIME    stop at this scenario time (+DURATION or RFC 3339); default: the end\n"
            "  --inputs FILE   people's and control's inputs (JSON Lines, timed by \"t\" or by \"wall\")\n"
            "  --auto SEATS    seats played by their agent policy: all, none or SEAT,SEAT\n"
            "  --agents FILE   agents (e.g. calibrated ones, docs/calibration.md) replacing the scenario's\n"
            "  --guidelines NOTE  the guidelines as every endorser endorsed them (caucus endorse), pinned\n"
            "                  in run.start (docs/tamper-evidence.md)\n"
            "  --log FILE      write the event log (JSON Lines, docs/event-log.md); '-' for stdout\n");
}

static int write_line(void *ctx, const char *line, size_t len)
{
    FILE *f = ctx;
    return f && fwrite(line, 1, len, f) != len;
}

/* The command line of `caucus run`. */
typedef struct run_args {
    const char *file, *variant, *until, *log, *autos, *inputs, *agents, *guidelines;
    uint64_t seed;
} run_args;

/* -1 to go on, otherwise the exit status (0 after --help). */
static int parse_run_args(int argc, char **argv, run_args *r)
{
    memset(r, 0, sizeof *r);
    r->seed = 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int has_val = i + 1 < argc;
        const char **slot = !has_val                         ? NULL
                            : strcmp(a, "--inputs") == 0     ? &r->inputs
                            : strcmp(a, "--auto") == 0       ? &r->autos
                            : strcmp(a, "--agents") == 0     ? &r->agents
                            : strcmp(a, "--guidelines") == 0 ? &r->guidelines
                            : strcmp(a, "--variant") == 0    ? &r->variant
                            : strcmp(a, "--until") == 0      ? &r->until
                            : strcmp(a, "--log") == 0        ? &r->log
                                                             : NULL;
        if (strcmp(a, "--seed") == 0 && has_val) {
            if (cc_cli_parse_u64(argv[++i], &r->seed)) {
                fprintf(stderr, "caucus run: --seed needs a non-negative integer, not '%s'\n", argv[i]);
                return 2;
            }
        } else if (slot) {
            *slot = argv[++i];
        } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            run_usage(stdout);
            return 0;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "caucus run: unknown option or missing value '%s'\n", a);
            run_usage(stderr);
            return 2;
        } else if (!r->file) {
            r->file = a;
        } else {
            fprintf(stderr, "caucus run: more than one scenario given ('%s')\n", a);
            return 2;
        }
    }
    if (!r->file) {
        fprintf(stderr, "caucus run: no scenario file given\n");
        run_usage(stderr);
        return 2;
    }
    return -1;
}

/* The engine options of --variant and --auto (auto_seats: nseats flags, the caller's) and the
 * scenario time --until names (*until_ms). -1 to go on, otherwise the exit status. */
static int run_options(const run_args *r, const cc_scenario *s, cc_engine_opts *o, uint8_t *auto_seats,
                       int64_t *until_ms)
{
    if (r->variant) {
        o->variant = -2;
        for (size_t m = 0; m < s->nmechanisms; m++)
            if (strcmp(s->mechanisms[m].id, r->variant) == 0)
                o->variant = (int)m;
        if (o->variant == -2) {
            fprintf(stderr, "caucus run: scenario has no mechanism '%s'\n", r->variant);
            return 2;
        }
    }
    if (r->autos && cc_cli_parse_seats(s, r->autos, auto_seats) != 0)
        return 2;
    o->auto_seats = auto_seats;
    *until_ms = s->duration_s * 1000;
    if (r->until) {
        int64_t rel;
        cc_time_error te;
        if (cc_time_parse_scenario(r->until, strlen(r->until), s->start_unix, &rel, &te) != CC_OK) {
            fprintf(stderr, "caucus run: --until '%s': %s\n", r->until, te.message);
            return 2;
        }
        *until_ms = rel * 1000;
    }
    return -1;
}

/* Starts e, feeds it the inputs up to until_ms (through the control clock when they are timed
 * by "wall") and runs it on to until_ms and its end. */
static cc_err drive(cc_engine *e, const run_args *r, const cc_input_list *in, int wall, int64_t until_ms)
{
    cc_err rc = cc_engine_start(e);
    char why[256] = "";
    size_t k = 0;
    for (; rc == CC_OK && k < in->n; k++) {
        if (wall) {
            cc_engine_clock clk;
            cc_engine_clock_get(e, in->t_ms[k], &clk);
            if (clk.scenario_ms > until_ms)
                break;
            rc = cc_engine_input_at(e, in->t_ms[k], in->v[k], why, sizeof why);
        } else {
            if (in->t_ms[k] > until_ms)
                break;
            rc = cc_engine_run_until(e, in->t_ms[k]);
            if (rc == CC_OK)
                rc = cc_engine_input(e, in->v[k], why, sizeof why);
        }
    }
    if (rc == CC_ERR_INVALID)
        fprintf(stderr, "caucus run: %s: input %zu: %s\n", r->inputs, k + 1, why);
    if (rc == CC_OK && wall) {
        /* after the last input the clock keeps its state: a running clock runs on to the end */
        int64_t w = cc_engine_wall_at(e, until_ms);
        if (w != INT64_MAX)
            rc = cc_engine_advance_wall(e, w);
    } else if (rc == CC_OK) {
        rc = cc_engine_run_until(e, until_ms);
    }
    if (rc == CC_OK)
        rc = cc_engine_finish(e);
    return rc;
}

/* What the run did, to f. */
static void print_summary(FILE *f, const run_args *r, const cc_scenario *s, const cc_engine_opts *o,
                          cc_engine *e, int wall)
{
    cc_engine_stats st;
    cc_engine_stats_get(e, &st);
    char dur[32];
    cc_duration_format(st.now_ms / 1000, dur, sizeof dur);
    cc_engine_clock clk;
    cc_engine_clock_get(e, 0, &clk);
    const char *how = st.now_ms >= s->duration_s * 1000 ? "end of exercise"
                      : !wall || clk.running            ? "stopped by --until"
                      : clk.started                     ? "clock paused after the last input"
                                                        : "clock never started";
    fprintf(f, "run %s: seed %llu, variant %s, scenario time %s (%s)\n", s->id, (unsigned long long)r->seed,
            s->nmechanisms ? s->mechanisms[o->variant >= 0 ? o->variant : s->default_mechanism_index].id
                           : "-",
            dur, how);
    fprintf(f, "  %llu events; injects released %zu of %zu; deliveries %zu, denials %zu\n",
            (unsigned long long)st.events, st.injects_released, cc_engine_inject_count(e), st.deliveries,
            st.denials);
    fprintf(f, "  decisions opened %zu, made %zu, expired undecided %zu\n", st.decisions_opened,
            st.decisions_made, st.decisions_expired);
    fprintf(f, "  consultations requested %zu, completed %zu (%zu stages); agent actions %zu, lost %zu\n",
            st.consultations_requested, st.consultations_done, st.stages_completed, st.agent_actions,
            st.messages_lost);
    fprintf(f, "  guideline findings: %zu met, %zu missed\n", st.findings_met, st.findings_missed);
}

int cc_cmd_run(int argc, char **argv)
{
    run_args r;
    int status = parse_run_args(argc, argv, &r);
    if (status >= 0)
        return status;
    cc_scenario *s = cc_cli_load_agents("run", r.file, r.agents);
    if (!s)
        return 1;
    if (cc_cli_guidelines_pin("run", s, r.guidelines) != 0) {
        cc_scenario_free(s);
        return 1;
    }
    cc_engine_opts o = {.seed = r.seed, .variant = -1, .source = r.file};
    int64_t until_ms = 0;
    uint8_t *auto_seats = calloc(s->nseats + 1, 1);
    status = !auto_seats ? 1 : run_options(&r, s, &o, auto_seats, &until_ms);
    cc_input_list in = {0};
    if (status < 0 && r.inputs && cc_cli_read_inputs(s, r.inputs, &in) != 0)
        status = 1;
    FILE *out = NULL;
    if (status < 0 && r.log) {
        out = strcmp(r.log, "-") == 0 ? stdout : fopen(r.log, "wb");
        if (!out) {
            fprintf(stderr, "caucus run: cannot write %s: %s\n", r.log, strerror(errno));
            status = 1;
        } else if (out != stdout) {
            setvbuf(out, NULL, _IOFBF, 1 << 20); /* a write per MiB, not per 4 KiB */
        }
    }
    if (status >= 0) {
        cc_cli_inputs_free(&in);
        free(auto_seats);
        cc_scenario_free(s);
        return status;
    }
    status = 0;
    cc_cli_state rt;
    if (cc_cli_state_init(&rt, s) == 0) {
        o.observe = cc_cli_state_observe;
        o.observe_ctx = &rt;
    }
    /* inputs timed by "wall" drive the control clock; by "t", scenario time directly */
    int wall = in.n > 0 && json_object_get(in.v[0], "wall") != NULL;
    if (wall) {
        o.live_clock = 1;
        o.wall_start_ms = s->start_unix * 1000;
    }
    cc_engine *e = NULL;
    cc_err rc = cc_engine_new(s, &o, out ? write_line : NULL, out, &e);
    if (rc == CC_OK)
        rc = drive(e, &r, &in, wall, until_ms);
    if (out && out != stdout && fclose(out) != 0 && rc == CC_OK)
        rc = CC_ERR_IO;
    if (rc != CC_OK) {
        fprintf(stderr, "caucus run: %s\n", rc == CC_ERR_IO ? "cannot write the log" : cc_err_str(rc));
        status = 1;
    } else {
        FILE *f = r.log && strcmp(r.log, "-") == 0 ? stderr : stdout;
        print_summary(f, &r, s, &o, e, wall);
        if (o.observe)
            cc_cli_print_items(f, &rt, e);
        if (r.log && strcmp(r.log, "-") != 0)
            fprintf(f, "  log: %s\n", r.log);
    }
    cc_engine_free(e);
    cc_cli_state_free(&rt);
    cc_cli_inputs_free(&in);
    free(auto_seats);
    cc_scenario_free(s);
    return status;
}
