/* bench_store — durable appends per second through the store: P producer threads each append
 * one event at a time to their own exercise (every append acknowledged only after commit), so
 * group commit is what lets many producers share a sync. Also writes a log of N events for the
 * verify benchmark.
 *   bench_store append STORE P TOTAL   -> prints appends/s (TOTAL appends over P producers)
 *   bench_store log FILE N             -> writes a valid N-event log to FILE
 *   bench_store read STORE             -> reads every exercise's events as `caucus verify`,
 *                                         `report` and `export` read them (cc_store_event_rows,
 *                                         in pages, read-only open); prints events/s */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../tests/support/evgen.h"
#include "store/store.h"

typedef struct prod {
    cc_store *st;
    int64_t ex;
    int n;
    int fails;
} prod;

static void *run(void *arg)
{
    prod *p = arg;
    evgen g;
    evgen_init(&g, 0, NULL);
    cc_buf b;
    cc_buf_init(&b);
    for (int i = 0; i < p->n; i++) {
        cc_buf_reset(&b);
        evgen save = g;
        evgen_lines(&g, 1, &b);
        cc_store_error err;
        if (cc_store_append(p->st, p->ex, b.data, b.len, &err) != CC_OK) {
            p->fails++;
            g = save;
        }
    }
    cc_buf_free(&b);
    return NULL;
}

typedef struct reader {
    uint64_t n;
    size_t bytes;
} reader;

static int read_row(void *ctx, uint64_t seq, const char *hash, const char *line, size_t len)
{
    reader *r = ctx;
    (void)seq;
    r->n++;
    r->bytes += len + (hash[0] != 0) + (line[0] == '{');
    return 0;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "log") == 0) {
        FILE *f = fopen(argv[2], "wb");
        long n = atol(argv[3]);
        if (!f || n <= 0)
            return 2;
        evgen g;
        evgen_init(&g, 0, NULL);
        cc_buf b;
        cc_buf_init(&b);
        for (long done = 0; done < n; done += 10000) {
            cc_buf_reset(&b);
            if (evgen_lines(&g, (int)(n - done < 10000 ? n - done : 10000), &b) != 0 ||
                fwrite(b.data, 1, b.len, f) != b.len)
                return 1;
        }
        cc_buf_free(&b);
        return fclose(f) != 0;
    }
    if (argc == 3 && strcmp(argv[1], "read") == 0) {
        cc_store_opts o = {1, NULL, 0, 0};
        cc_store *st;
        cc_store_error err;
        if (cc_store_open(argv[2], &o, &st, &err) != CC_OK) {
            fprintf(stderr, "%s\n", err.message);
            return 1;
        }
        reader r = {0, 0};
        double t0 = now_s();
        for (int64_t ex = 1;; ex++) {
            cc_store_exercise x;
            cc_err rc = cc_store_exercise_get(st, ex, &x, &err);
            if (rc == CC_ERR_NOTFOUND)
                break;
            if (rc != CC_OK) {
                fprintf(stderr, "%s\n", err.message);
                return 1;
            }
            cc_store_exercise_clear(&x);
            if (cc_store_event_rows(st, ex, 0, read_row, &r, NULL, &err) != CC_OK) {
                fprintf(stderr, "%s\n", err.message);
                return 1;
            }
        }
        double dt = now_s() - t0;
        cc_store_close(st);
        if (r.n == 0)
            return 1;
        printf("%.0f\n", (double)r.n / dt);
        return 0;
    }
    if (argc != 5 || strcmp(argv[1], "append") != 0) {
        fprintf(
            stderr,
            "usage: bench_store append STORE P TOTAL | bench_store log FILE N | bench_store read STORE\n");
        return 2;
    }
    int np = atoi(argv[3]), total = atoi(argv[4]);
    if (np < 1 || np > 256 || total < np)
        return 2;
    cc_store *st;
    cc_store_error err;
    if (cc_store_open(argv[2], NULL, &st, &err) != CC_OK) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    prod *p = calloc((size_t)np, sizeof *p);
    pthread_t *th = calloc((size_t)np, sizeof *th);
    for (int i = 0; i < np; i++) {
        cc_store_exercise x;
        memset(&x, 0, sizeof x);
        x.name = "bench";
        x.scenario = "version: 1\n";
        x.scenario_len = strlen(x.scenario);
        if (cc_store_exercise_create(st, &x, &p[i].ex, &err) != CC_OK) {
            fprintf(stderr, "%s\n", err.message);
            return 1;
        }
        p[i].st = st;
        p[i].n = total / np;
    }
    double t0 = now_s();
    for (int i = 0; i < np; i++)
        pthread_create(&th[i], NULL, run, &p[i]);
    int fails = 0, done = 0;
    for (int i = 0; i < np; i++) {
        pthread_join(th[i], NULL);
        fails += p[i].fails;
        done += p[i].n;
    }
    double dt = now_s() - t0;
    cc_store_close(st);
    free(p);
    free(th);
    if (fails) {
        fprintf(stderr, "%d appends failed\n", fails);
        return 1;
    }
    printf("%.0f\n", (double)done / dt);
    return 0;
}
