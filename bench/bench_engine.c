/* Engine throughput: runs a scenario REPS times (replications 0..REPS-1) with every agent seat
 * automated, with or without encoding the log; prints events per second.
 * Usage: bench_engine SCENARIO REPS log|nolog */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/engine.h"
#include "core/scenario_model.h"
#include "io/scenario_load.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int count_bytes(void *ctx, const char *line, size_t len)
{
    (void)line;
    *(size_t *)ctx += len;
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 4)
        return 2;
    cc_diags d;
    cc_diags_init(&d);
    cc_scenario *s = NULL;
    if (cc_scenario_load_file(argv[1], NULL, &d, &s) != CC_OK)
        return 1;
    size_t reps = strtoul(argv[2], NULL, 10);
    int nolog = strcmp(argv[3], "nolog") == 0;
    uint8_t *autos = calloc(s->nseats + 1, 1);
    for (size_t i = 0; i < s->nseats; i++)
        autos[i] = s->seats[i].agent_index >= 0;
    size_t bytes = 0;
    uint64_t events = 0;
    double t0 = now_s();
    for (size_t r = 0; r < reps; r++) {
        cc_engine_opts o = {.seed = 1, .replication = r, .variant = -1, .no_log = nolog, .auto_seats = autos};
        cc_engine *e = NULL;
        if (cc_engine_new(s, &o, nolog ? NULL : count_bytes, &bytes, &e) != CC_OK)
            return 1;
        cc_engine_start(e);
        cc_engine_run_until(e, s->duration_s * 1000);
        cc_engine_finish(e);
        cc_engine_stats st;
        cc_engine_stats_get(e, &st);
        events += st.events;
        cc_engine_free(e);
    }
    double dt = now_s() - t0;
    printf("%.0f\n", (double)events / dt);
    fprintf(stderr, "%llu events, %zu log bytes, %.3f s\n", (unsigned long long)events, bytes, dt);
    free(autos);
    cc_scenario_free(s);
    cc_diags_free(&d);
    return 0;
}
