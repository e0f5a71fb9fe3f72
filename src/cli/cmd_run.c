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

int cc_cmd_run(int argc, char **argv)
{
    const char *file = NULL, *variant = NULL, *until = NULL, *log = NULL, *autos = NULL, *inputs = NULL;
    const char *agents = NULL, *guidelines = NULL;
    uint64_t seed = 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int has_val = i + 1 < argc;
        if (strcmp(a, "--seed") == 0 && has_val) {
            if (cc_cli_parse_u64(argv[++i], &seed)) {
                fprintf(stderr, "caucus run: --seed needs a non-negative integer, not '%s'\n", argv[i]);
                return 2;
            }
        } else if (strcmp(a, "--inputs") == 0 && has_val) {
            inputs = argv[++i];
        } else if (strcmp(a, "--auto") == 0 && has_val) {
            autos = argv[++i];
        } else if (strcmp(a, "--agents") == 0 && has_val) {
            agents = argv[++i];
        } else if (strcmp(a, "--guidelines") == 0 && has_val) {
            guidelines = argv[++i];
        } else if (strcmp(a, "--variant") == 0 && has_val) {
            variant = argv[++i];
        } else if (strcmp(a, "--until") == 0 && has_val) {
            until = argv[++i];
        } else if (strcmp(a, "--log") == 0 && has_val) {
            log = argv[++i];
        } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            run_usage(stdout);
            return 0;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "caucus run: unknown option or missing value '%s'\n", a);
            run_usage(stderr);
            return 2;
        } else if (!file) {
            file = a;
        } else {
            fprintf(stderr, "caucus run: more than one scenario given ('%s')\n", a);
            return 2;
        }
    }
    if (!file) {
        fprintf(stderr, "caucus run: no scenario file given\n");
        run_usage(stderr);
        return 2;
    }
    cc_scenario *s = cc_cli_load_agents("run", file, agents);
    if (!s)
        return 1;
    if (cc_cli_guidelines_pin("run", s, guidelines) != 0) {
        cc_scenario_free(s);
        return 1;
    }
    cc_err rc;
    int status = 0;
    cc_engine_opts o = {.seed = seed, .variant = -1, .source = file};
    if (variant) {
        o.variant = -2;
        for (size_t m = 0; m < s->nmechanisms; m++)
            if (strcmp(s->mechanisms[m].id, variant) == 0)
                o.variant = (int)m;
        if (o.variant == -2) {
            fprintf(stderr, "caucus run: scenario has no mechanism '%s'\n", variant);
            cc_scenario_free(s);
            return 2;
        }
    }
    uint8_t *auto_seats = calloc(s->nseats + 1, 1);
    if (!auto_seats) {
        cc_scenario_free(s);
        return 1;
    }
    if (autos && cc_cli_parse_seats(s, autos, auto_seats) != 0) {
        free(auto_seats);
        cc_scenario_free(s);
        return 2;
    }
    o.auto_seats = auto_seats;
    int64_t until_ms = s->duration_s * 1000;
    if (until) {
        int64_t rel;
        cc_time_error te;
        if (cc_time_parse_scenario(until, strlen(until), s->start_unix, &rel, &te) != CC_OK) {
            fprintf(stderr, "caucus run: --until '%s': %s\n", until, te.message);
            free(auto_seats);
            cc_scenario_free(s);
            return 2;
        }
        until_ms = rel * 1000;
    }
    cc_input_list in = {0};
    if (inputs && cc_cli_read_inputs(s, inputs, &in) != 0) {
        free(auto_seats);
        cc_scenario_free(s);
        return 1;
    }
    FILE *out = NULL;
    if (log) {
        out = strcmp(log, "-") == 0 ? stdout : fopen(log, "wb");
        if (!out) {
            fprintf(stderr, "caucus run: cannot write %s: %s\n", log, strerror(errno));
            free(auto_seats);
            cc_scenario_free(s);
            return 1;
        }
    }
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
    rc = cc_engine_new(s, &o, out ? write_line : NULL, out, &e);
    if (rc == CC_OK)
        rc = cc_engine_start(e);
    char why[256] = "";
    size_t k = 0;
    for (; rc == CC_OK && k < in.n; k++) {
        if (wall) {
            cc_engine_clock clk;
            cc_engine_clock_get(e, in.t_ms[k], &clk);
            if (clk.scenario_ms > until_ms)
                break;
            rc = cc_engine_input_at(e, in.t_ms[k], in.v[k], why, sizeof why);
        } else {
            if (in.t_ms[k] > until_ms)
                break;
            rc = cc_engine_run_until(e, in.t_ms[k]);
            if (rc == CC_OK)
                rc = cc_engine_input(e, in.v[k], why, sizeof why);
        }
    }
    if (rc == CC_ERR_INVALID)
        fprintf(stderr, "caucus run: %s: input %zu: %s\n", inputs, k + 1, why);
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
    if (out && out != stdout && fclose(out) != 0 && rc == CC_OK)
        rc = CC_ERR_IO;
    if (rc != CC_OK) {
        fprintf(stderr, "caucus run: %s\n", rc == CC_ERR_IO ? "cannot write the log" : cc_err_str(rc));
        status = 1;
    } else {
        cc_engine_stats st;
        cc_engine_stats_get(e, &st);
        FILE *f = log && strcmp(log, "-") == 0 ? stderr : stdout;
        char dur[32];
        cc_duration_format(st.now_ms / 1000, dur, sizeof dur);
        cc_engine_clock clk;
        cc_engine_clock_get(e, 0, &clk);
        const char *how = st.now_ms >= s->duration_s * 1000 ? "end of exercise"
                          : !wall || clk.running            ? "stopped by --until"
                          : clk.started                     ? "clock paused after the last input"
                                                            : "clock never started";
        fprintf(f, "run %s: seed %llu, variant %s, scenario time %s (%s)\n", s->id, (unsigned long long)seed,
                s->nmechanisms ? s->mechanisms[o.variant >= 0 ? o.variant : s->default_mechanism_index].id
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
        if (o.observe)
            cc_cli_print_items(f, &rt, e);
        if (log && strcmp(log, "-") != 0)
            fprintf(f, "  log: %s\n", log);
    }
    cc_engine_free(e);
    cc_cli_state_free(&rt);
    cc_cli_inputs_free(&in);
    free(auto_seats);
    cc_scenario_free(s);
    return status;
}
