/* store_writer — the crash-test writer (tests/cli/store.sh). `store_writer DB ACKFILE SEED`
 * appends batches of generated events to exercise 1 for ever; after each append returns, it
 * appends the acknowledged event count to ACKFILE and fsyncs it, so whatever kills it, ACKFILE
 * never claims more than the store acknowledged. `store_writer --check DB ACKFILE [STATE]`
 * then verifies: integrity_check ok, seq 0..n-1 with no gap, every line decodes and chains,
 * and n is at least the last count in ACKFILE. With STATE (a file holding the count and last
 * hash verified before), the walk starts at that event, whose hash must be unchanged, so
 * repeated checks of a growing log stay linear. Exit 0 when sound, 1 with the reason. */
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/evlog.h"
#include "store/store.h"
#include "../support/evgen.h"

typedef struct chain {
    uint64_t n;
    unsigned char prev[32];
    int resume; /* the first event walked is the last one verified before: only its hash counts */
    char why[300];
} chain;

static int check_line(void *ctx, uint64_t seq, const char *line, size_t len)
{
    chain *c = ctx;
    cc_evrec r;
    cc_evlog_error e;
    if (seq != c->n) {
        snprintf(c->why, sizeof c->why, "gap: expected seq %" PRIu64 ", found %" PRIu64, c->n, seq);
        return 1;
    }
    if (cc_evlog_decode(line, len, &r, &e) != CC_OK) {
        snprintf(c->why, sizeof c->why, "event %" PRIu64 ": %.250s", seq, e.message);
        return 1;
    }
    int ok = c->resume ? memcmp(r.hash, c->prev, 32) == 0 : r.seq == seq && memcmp(r.prev, c->prev, 32) == 0;
    memcpy(c->prev, r.hash, 32);
    cc_evrec_clear(&r);
    if (!ok) {
        snprintf(c->why, sizeof c->why, "event %" PRIu64 ": %s", seq,
                 c->resume ? "changed since the last check" : "does not chain to its predecessor");
        return 1;
    }
    c->resume = 0;
    c->n++;
    return 0;
}

static uint64_t last_ack(const char *path)
{
    FILE *f = fopen(path, "r");
    uint64_t v = 0, last = 0;
    if (!f)
        return 0;
    while (fscanf(f, "%" SCNu64, &v) == 1)
        last = v;
    fclose(f);
    return last;
}

static int check(const char *db, const char *ackfile, const char *statefile)
{
    cc_store *st;
    cc_store_error err;
    if (cc_store_open(db, NULL, &st, &err) != CC_OK) {
        printf("open: %s\n", err.message);
        return 1;
    }
    int rc = 0;
    chain c;
    memset(&c, 0, sizeof c);
    char hex[65] = "";
    FILE *sf = statefile ? fopen(statefile, "r") : NULL;
    if (sf && fscanf(sf, "%" SCNu64 " %64s", &c.n, hex) == 2 && c.n > 0 &&
        cc_unhex(hex, 64, c.prev, 32) == 0) {
        c.n--; /* walk from the last verified event */
        c.resume = 1;
    } else {
        c.n = 0;
    }
    if (sf)
        fclose(sf);
    int stopped = 0;
    cc_store_exercise x;
    cc_err ex = cc_store_exercise_get(st, 1, &x, &err);
    if (ex == CC_OK)
        cc_store_exercise_clear(&x);
    if (cc_store_integrity(st, &err) != CC_OK) {
        printf("integrity: %s\n", err.message);
        rc = 1;
    } else if (ex == CC_ERR_NOTFOUND && last_ack(ackfile) == 0 && c.n == 0) {
        /* killed before it created the exercise: nothing was acknowledged, nothing lost */
        printf("0 events, 0 acknowledged (no exercise yet)\n");
    } else if (cc_store_events(st, 1, c.n, check_line, &c, &stopped, &err) != CC_OK || stopped) {
        printf("log: %s\n", stopped ? c.why : err.message);
        rc = 1;
    } else if (c.n < last_ack(ackfile)) {
        printf("lost: %" PRIu64 " events acknowledged, %" PRIu64 " present\n", last_ack(ackfile), c.n);
        rc = 1;
    } else {
        printf("%" PRIu64 " events, %" PRIu64 " acknowledged\n", c.n, last_ack(ackfile));
        sf = statefile ? fopen(statefile, "w") : NULL;
        if (sf) {
            cc_hex(c.prev, 32, hex);
            fprintf(sf, "%" PRIu64 " %s\n", c.n, hex);
            fclose(sf);
        }
    }
    cc_store_close(st);
    return rc;
}

int main(int argc, char **argv)
{
    if ((argc == 4 || argc == 5) && strcmp(argv[1], "--check") == 0)
        return check(argv[2], argv[3], argc == 5 ? argv[4] : NULL);
    if (argc != 4) {
        fprintf(stderr, "usage: store_writer DB ACKFILE SEED | store_writer --check DB ACKFILE [STATE]\n");
        return 2;
    }
    cc_store *st;
    cc_store_error err;
    if (cc_store_open(argv[1], NULL, &st, &err) != CC_OK) {
        fprintf(stderr, "store_writer: %s\n", err.message);
        return 1;
    }
    cc_store_exercise x;
    if (cc_store_exercise_get(st, 1, &x, &err) == CC_ERR_NOTFOUND) {
        memset(&x, 0, sizeof x);
        x.name = "crash test";
        x.scenario = "version: 1\n";
        x.scenario_len = strlen(x.scenario);
        int64_t id;
        if (cc_store_exercise_create(st, &x, &id, &err) != CC_OK || id != 1) {
            fprintf(stderr, "store_writer: %s\n", err.message);
            return 1;
        }
    } else {
        cc_store_exercise_clear(&x);
    }
    uint64_t n;
    char h[65];
    if (cc_store_head(st, 1, &n, h, &err) != CC_OK) {
        fprintf(stderr, "store_writer: %s\n", err.message);
        return 1;
    }
    evgen g;
    evgen_init(&g, n, h);
    int fd = open(argv[2], O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd < 0)
        return 1;
    unsigned seed = (unsigned)strtoul(argv[3], NULL, 10);
    cc_buf b;
    cc_buf_init(&b);
    for (;;) {
        cc_buf_reset(&b);
        evgen save = g;
        if (evgen_lines(&g, 1 + (int)(rand_r(&seed) % 20), &b) != 0)
            return 1;
        if (cc_store_append(st, 1, b.data, b.len, &err) != CC_OK) {
            fprintf(stderr, "store_writer: %s\n", err.message);
            g = save;
            return 1;
        }
        char line[32];
        int len = snprintf(line, sizeof line, "%" PRIu64 "\n", g.seq);
        if (write(fd, line, (size_t)len) != len || fdatasync(fd) != 0)
            return 1;
    }
}
