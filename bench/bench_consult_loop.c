/* CONSULT-N as a hand-written loop over core/rng: the floor under `caucus sim` for the same model
 * (bench/consult-N.yaml, docs/sim.md) with the same random streams per (seed, replication, seat),
 * without the engine (no scheduler, no events, no labels, no agents). Round r: the remaining
 * reviewers review (lognormal(ln 5 h, 0.5); parallel: the round lasts the slowest review,
 * sequential: the sum), each approves with p = 0.8; after a round with objections, a revision
 * gamma(2, 2 h), then the objectors review again; at most 5 rounds.
 * Prints "replications_per_s mean_hours". Usage: bench_consult_loop N REPS parallel|sequential [SEED] */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/rng.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    if (argc < 4 || argc > 5 || (strcmp(argv[3], "parallel") != 0 && strcmp(argv[3], "sequential") != 0)) {
        fprintf(stderr, "usage: bench_consult_loop N REPS parallel|sequential [SEED]\n");
        return 2;
    }
    int n = atoi(argv[1]);
    size_t reps = strtoul(argv[2], NULL, 10);
    int parallel = argv[3][0] == 'p';
    uint64_t seed = argc > 4 ? strtoull(argv[4], NULL, 10) : 1;
    if (n < 1 || n > 4096 || reps == 0) {
        fprintf(stderr, "bench_consult_loop: 1 <= N <= 4096 and REPS > 0\n");
        return 2;
    }
    cc_rng *rng = malloc(((size_t)n + 1) * sizeof *rng);
    unsigned char *active = malloc((size_t)n);
    if (!rng || !active)
        return 1;
    double mu = log(5.0), sum = 0;
    double t0 = now_s();
    for (size_t rep = 0; rep < reps; rep++) {
        for (int i = 0; i <= n; i++)
            cc_rng_init(&rng[i], seed, rep, (uint32_t)i);
        memset(active, 1, (size_t)n);
        double t = 0;
        for (int round = 1; round <= 5; round++) {
            double span = 0;
            int objectors = 0;
            for (int i = 0; i < n; i++) {
                if (!active[i])
                    continue;
                double d = cc_rng_lognormal(&rng[i + 1], mu, 0.5);
                span = parallel ? (d > span ? d : span) : span + d;
                active[i] = !cc_rng_bernoulli(&rng[i + 1], 0.8);
                objectors += active[i];
            }
            t += span;
            if (objectors == 0 || round == 5)
                break;
            t += cc_rng_gamma(&rng[0], 2.0, 2.0);
        }
        sum += t;
    }
    double el = now_s() - t0;
    printf("%.0f %.4f\n", (double)reps / el, sum / (double)reps);
    free(rng);
    free(active);
    return 0;
}
