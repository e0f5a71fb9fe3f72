/* Scheduler hold model: N pending events; each hold pops the earliest and schedules a new one
 * an exponential delay later. Prints holds per second. Usage: bench_sched N HOLDS */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "core/rng.h"
#include "core/sched.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    if (argc != 3)
        return 2;
    size_t n = strtoul(argv[1], NULL, 10), holds = strtoul(argv[2], NULL, 10);
    cc_sched q;
    cc_rng r;
    cc_rng_init(&r, 42, 0, 0);
    if (cc_sched_init(&q, n + 1) != CC_OK)
        return 1;
    for (size_t i = 0; i < n; i++)
        cc_sched_push(&q, (int64_t)(cc_rng_exponential(&r, 1000.0)), 0, (uint32_t)i, 0);
    double t0 = now_s();
    cc_sched_ev ev;
    int64_t sum = 0;
    for (size_t i = 0; i < holds; i++) {
        cc_sched_pop(&q, &ev);
        sum += ev.a;
        cc_sched_push(&q, ev.time + 1 + (int64_t)cc_rng_exponential(&r, 1000.0), 0, ev.a, 0);
    }
    double dt = now_s() - t0;
    printf("%.0f\n", (double)holds / dt);
    fprintf(stderr, "checksum %lld\n", (long long)sum);
    cc_sched_free(&q);
    return 0;
}
