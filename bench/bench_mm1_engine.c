/* M/M/1 through the engine API (docs/scenario-format.md, "Capacity"): a scenario of CUSTOMERS
 * requests, each released an exponential time (mean 1/rho hours, to the second: exact for rho 0.9) after the
 * one before (a trigger delay drawn from a distribution), to one agent seat with capacity 1 whose work takes
 * an exponential time of mean 1 hour; REPS replications on one reused engine (cc_engine_restart), as `caucus
 * sim` runs them. The scenario is written to a temporary file and loaded as any scenario. Prints
 * "customers_per_s mean_wait": customers per CPU second of the replication loop without the log (the
 * simulator's path: restart, start, run), and the mean wait in line (release to start of work, in mean
 * service times) over every customer of a second pass of the same replications that writes the canonical log
 * and reads the times back from it (not timed). Each replication starts with an empty line, so the mean over
 * a finite run lies below the stationary rho / (1 - rho). Usage: bench_mm1_engine CUSTOMERS REPS [RHO] [SEED]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/engine.h"
#include "core/scenario_model.h"
#include "io/scenario_load.h"
#include "support/mm1.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts); /* one thread: the loop's CPU time */
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

typedef struct waits {
    long long prev_depart; /* ms; the previous customer's acknowledgement, -1 before the first */
    long long *arrive;     /* per customer of the current replication */
    long narrive, ndepart, customers;
    double sum_ms;
    long n;
} waits;

static long long num_after(const char *line, size_t len, const char *key)
{
    size_t k = strlen(key);
    for (size_t i = 0; i + k < len; i++)
        if (memcmp(line + i, key, k) == 0)
            return strtoll(line + i + k, NULL, 10);
    return -1;
}

/* One server, first come first served: customer i starts at max(arrival i, departure i-1). */
static int sink(void *ctx, const char *line, size_t len)
{
    waits *w = ctx;
    if (strstr(line, "\"type\":\"inject.release\"") && w->narrive < w->customers) {
        w->arrive[w->narrive++] = num_after(line, len, "\"t\":");
    } else if (strstr(line, "\"type\":\"inject.ack\"") && w->ndepart < w->narrive) {
        long long a = w->arrive[w->ndepart++], d = w->prev_depart;
        w->sum_ms += d > a ? (double)(d - a) : 0;
        w->n++;
        w->prev_depart = num_after(line, len, "\"t\":");
    }
    return 0;
}

/* REPS replications; customers per second of the loop (restart + run). */
static double run(const cc_scenario *s, long reps, uint64_t seed, int no_log, waits *w, long *served)
{
    uint8_t autos[2] = {0, 1};
    cc_engine_opts o = {.seed = seed, .variant = -1, .no_log = no_log, .auto_seats = autos};
    cc_engine *e = NULL;
    if (cc_engine_new(s, &o, no_log ? NULL : sink, w, &e) != CC_OK)
        return 0;
    long released = 0;
    double t0 = now_s();
    for (long r = 0; r < reps; r++) {
        w->narrive = w->ndepart = 0;
        w->prev_depart = -1;
        if (cc_engine_restart(e, (uint64_t)r, -1) != CC_OK || cc_engine_start(e) != CC_OK ||
            cc_engine_run_until(e, s->duration_s * 1000) != CC_OK)
            return 0;
        cc_engine_stats st;
        cc_engine_stats_get(e, &st);
        released += (long)st.injects_released;
    }
    double dt = now_s() - t0;
    cc_engine_free(e);
    *served = released;
    return (double)released / dt;
}

int main(int argc, char **argv)
{
    if (argc < 3 || argc > 5) {
        fprintf(stderr, "usage: bench_mm1_engine CUSTOMERS REPS [RHO] [SEED]\n");
        return 2;
    }
    long customers = strtol(argv[1], NULL, 10), reps = strtol(argv[2], NULL, 10);
    double rho = argc > 3 ? strtod(argv[3], NULL) : 0.9;
    uint64_t seed = argc > 4 ? strtoull(argv[4], NULL, 10) : 1;
    if (customers < 1 || customers > 100000 || reps < 1 || !(rho > 0 && rho < 1)) {
        fprintf(stderr, "bench_mm1_engine: 1 <= CUSTOMERS <= 100000, REPS >= 1, 0 < RHO < 1\n");
        return 2;
    }
    char path[] = "/tmp/bench-mm1-XXXXXX";
    int fd = mkstemp(path);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f || mm1_write(f, customers, 3600.0 / rho, 3600.0) != 0 || fclose(f) != 0)
        return 1;
    cc_diags d;
    cc_diags_init(&d);
    cc_scenario *s = NULL;
    cc_err rc = cc_scenario_load_file(path, NULL, &d, &s);
    remove(path);
    if (rc != CC_OK || cc_scenario_check(s, &d) != CC_OK) {
        fprintf(stderr, "bench_mm1_engine: %s\n", d.count ? d.items[0].message : "cannot load the scenario");
        return 1;
    }
    waits w = {.customers = customers};
    w.arrive = malloc(sizeof *w.arrive * (size_t)customers);
    long served_nolog = 0, served_log = 0;
    double nolog = run(s, reps, seed, 1, &w, &served_nolog);
    w.sum_ms = 0;
    w.n = 0;
    if (nolog <= 0 || run(s, reps, seed, 0, &w, &served_log) <= 0 || w.n != served_log) {
        fprintf(stderr, "bench_mm1_engine: the run failed (%ld of %ld customers served)\n", w.n, served_log);
        return 1;
    }
    printf("%.0f %.4f\n", nolog, w.sum_ms / (double)w.n / 3600000.0);
    free(w.arrive);
    cc_scenario_free(s);
    cc_diags_free(&d);
    return 0;
}
