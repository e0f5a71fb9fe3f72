/* M/M/1 through the caucus library (core/sched + core/rng): arrivals at rate LAMBDA, one server
 * with service rate 1, FIFO; times in microseconds of the mean service time (the scheduler keeps
 * integer times). No allocation per event: the waiting line is a preallocated ring.
 * Prints "customers_per_s mean_wait" (customers per CPU second of the loop) (mean wait in the queue, in mean
 * service times; the exact value is rho / (1 - rho), 9 for rho = 0.9). Usage: bench_mm1 CUSTOMERS [RHO]
 * [SEED] */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "core/rng.h"
#include "core/sched.h"

enum { ARRIVAL, DEPARTURE };
#define UNIT 1e6 /* scheduler ticks per mean service time */
#define RING 65536

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts); /* one thread: the loop's CPU time */
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 4) {
        fprintf(stderr, "usage: bench_mm1 CUSTOMERS [RHO] [SEED]\n");
        return 2;
    }
    size_t customers = strtoul(argv[1], NULL, 10);
    double rho = argc > 2 ? strtod(argv[2], NULL) : 0.9;
    uint64_t seed = argc > 3 ? strtoull(argv[3], NULL, 10) : 1;
    if (customers == 0 || !(rho > 0 && rho < 1)) {
        fprintf(stderr, "bench_mm1: CUSTOMERS > 0 and 0 < RHO < 1\n");
        return 2;
    }
    cc_rng arr, svc;
    cc_rng_init(&arr, seed, 0, 1);
    cc_rng_init(&svc, seed, 0, 2);
    cc_sched q;
    int64_t *line = malloc(sizeof *line * RING); /* arrival times of the waiting customers */
    if (!line || cc_sched_init(&q, 16) != CC_OK)
        return 1;
    size_t head = 0, waiting = 0, arrived = 0, served = 0;
    int busy = 0;
    double wait_sum = 0;
    double t0 = now_s();
    cc_sched_push(&q, (int64_t)(cc_rng_exponential(&arr, UNIT / rho)), ARRIVAL, 0, 0);
    cc_sched_ev ev;
    while (served < customers && cc_sched_pop(&q, &ev)) {
        if (ev.kind == ARRIVAL) {
            arrived++;
            if (arrived < customers)
                cc_sched_push(&q, ev.time + 1 + (int64_t)cc_rng_exponential(&arr, UNIT / rho), ARRIVAL, 0, 0);
            if (!busy) {
                busy = 1;
                cc_sched_push(&q, ev.time + 1 + (int64_t)cc_rng_exponential(&svc, UNIT), DEPARTURE, 0, 0);
            } else if (waiting < RING) {
                line[(head + waiting++) % RING] = ev.time;
            } else {
                fprintf(stderr, "bench_mm1: more than %d waiting\n", RING);
                return 1;
            }
        } else {
            served++;
            if (waiting) {
                wait_sum += (double)(ev.time - line[head]);
                head = (head + 1) % RING;
                waiting--;
                cc_sched_push(&q, ev.time + 1 + (int64_t)cc_rng_exponential(&svc, UNIT), DEPARTURE, 0, 0);
            } else {
                busy = 0;
            }
        }
    }
    double dt = now_s() - t0;
    printf("%.0f %.4f\n", (double)served / dt, wait_sum / (double)served / UNIT);
    cc_sched_free(&q);
    free(line);
    return 0;
}
