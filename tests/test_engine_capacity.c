/* Tests of a seat's capacity and of trigger delays drawn from a distribution
 * (docs/scenario-format.md, "Capacity" and "Triggers"): the worked timeline by hand, and an M/M/1
 * queue built from them whose mean wait matches queueing theory. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/engine.h"
#include "core/evlog.h"
#include "core/scenario_model.h"
#include "io/scenario_load.h"
#include "support/evtest.h"
#include "support/mm1.h"

#define H (3600 * 1000LL)

/* Runs s (every agent seat played) to its end; the decoded events in ev. */
static size_t run_all(const cc_scenario *s, cc_evrec *ev, size_t max)
{
    uint8_t autos[16] = {0};
    for (size_t i = 0; i < s->nseats && i < 16; i++)
        autos[i] = s->seats[i].agent_index >= 0;
    cc_engine_opts o = {.seed = 1, .variant = -1, .auto_seats = autos};
    cc_buf log;
    cc_buf_init(&log);
    ev_run_log(s, &o, &log);
    size_t n = ev_decode_all(&log, ev, max);
    cc_buf_free(&log);
    return n;
}

/* The scenario time of the event of a type about inject id (asserts there is one). */
static int64_t at(const cc_evrec *ev, size_t n, const char *type, const char *id)
{
    const cc_evrec *r = ev_find(ev, n, type, "inject", id);
    cr_assert_not_null(r, "no %s of %s", type, id);
    return r->t_ms;
}

/* The timeline of docs/scenario-format.md, "Capacity": requests released at +0h, +1h, +2h and (a
 * drawn trigger delay of 6 h after R-3) +8h to a desk that takes 3 h per request. */
static void timeline(uint32_t capacity, const int64_t ack_h[4])
{
    cc_scenario *s = ev_load("tests/scenarios/valid/records-office-queue.yaml");
    cr_assert_eq(s->seats[1].capacity, 1);
    s->seats[1].capacity = capacity;
    static cc_evrec ev[64];
    size_t n = run_all(s, ev, 64);
    static const char *const ids[] = {"R-1", "R-2", "R-3", "R-4"};
    static const int64_t released_h[] = {0, 1, 2, 8};
    for (int i = 0; i < 4; i++) {
        cr_expect_eq(at(ev, n, "inject.release", ids[i]), released_h[i] * H, "%s released", ids[i]);
        cr_expect_eq(at(ev, n, "inject.ack", ids[i]), ack_h[i] * H, "capacity %u: %s acknowledged at %lld ms",
                     capacity, ids[i], (long long)at(ev, n, "inject.ack", ids[i]));
    }
    cr_expect_eq(ev_count(ev, n, "inject.ack", NULL, NULL), 4);
    ev_clear_all(ev, n);
    cc_scenario_free(s);
}

Test(capacity, one_clerk_works_the_requests_in_turn)
{
    timeline(1, (const int64_t[]){3, 6, 9, 12});
}

Test(capacity, two_clerks)
{
    timeline(2, (const int64_t[]){3, 4, 6, 11});
}

Test(capacity, without_capacity_every_request_at_once)
{
    timeline(0, (const int64_t[]){3, 4, 5, 11});
}

/* ---- M/M/1 -------------------------------------------------------------------------------- */

/* tests/validity/mm1-desk.yaml: 40 enquiries, each released an exponential time (mean 2 h, drawn
 * per run from the control stream) after the one before, to one clerk: the gaps differ, their mean
 * is near 2 h, another seed draws other gaps, and the clerk answers one enquiry at a time in order
 * (each ends after the later of its release and the previous answer). */
static size_t desk_run(const cc_scenario *s, uint64_t seed, int64_t rel[40], int64_t ack[40])
{
    uint8_t autos[2] = {0, 1};
    cc_engine_opts o = {.seed = seed, .variant = -1, .auto_seats = autos};
    cc_buf log;
    cc_buf_init(&log);
    ev_run_log(s, &o, &log);
    static cc_evrec ev[512];
    size_t n = ev_decode_all(&log, ev, 512), nr = 0, na = 0;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(ev[i].type, "inject.release") == 0 && nr < 40)
            rel[nr++] = ev[i].t_ms;
        if (strcmp(ev[i].type, "inject.ack") == 0 && na < 40) {
            char want[8];
            snprintf(want, sizeof want, "E-%02zu", na + 1);
            cr_expect_str_eq(ev_str(ev[i].payload, "inject"), want, "answered out of order");
            ack[na++] = ev[i].t_ms;
        }
    }
    cr_expect_eq(nr, 40);
    ev_clear_all(ev, n);
    cc_buf_free(&log);
    return na;
}

Test(capacity, drawn_trigger_delays_feed_one_clerk)
{
    cc_scenario *s = ev_load("tests/validity/mm1-desk.yaml");
    int64_t rel[40], ack[40], rel2[40], ack2[40];
    cr_assert_eq(desk_run(s, 1, rel, ack), 40);
    cr_assert_eq(desk_run(s, 2, rel2, ack2), 40);
    int64_t gmin = INT64_MAX, gmax = 0, sum = 0;
    int same = 0;
    for (int i = 1; i < 40; i++) {
        int64_t g = rel[i] - rel[i - 1];
        cr_expect_geq(g, 0);
        gmin = g < gmin ? g : gmin;
        gmax = g > gmax ? g : gmax;
        sum += g;
        same += rel[i] == rel2[i];
    }
    cr_expect_gt(gmax - gmin, H, "the gaps are drawn: %lld..%lld ms", (long long)gmin, (long long)gmax);
    double mean_h = (double)sum / 39 / (double)H;
    cr_expect(mean_h > 1.0 && mean_h < 3.0, "mean gap %.2f h, drawn with mean 2 h", mean_h);
    cr_expect_lt(same, 5, "another seed draws other gaps");
    for (int i = 0; i < 40; i++) {
        int64_t start = i == 0 || rel[i] > ack[i - 1] ? rel[i] : ack[i - 1];
        cr_expect_gt(ack[i], start, "E-%02d answered at %lld, work could start at %lld", i + 1,
                     (long long)ack[i], (long long)start);
    }
    int waited = 0;
    for (int i = 1; i < 40; i++)
        waited += rel[i] < ack[i - 1];
    cr_expect_gt(waited, 0, "some enquiry arrives while the clerk is busy and waits");
    cc_scenario_free(s);
}

/* The number after `key` (e.g. "\"t\":") in a canonical record, or -1. */
static long long num_after(const char *line, size_t len, const char *key)
{
    size_t k = strlen(key);
    for (size_t i = 0; i + k < len; i++)
        if (memcmp(line + i, key, k) == 0)
            return strtoll(line + i + k, NULL, 10);
    return -1;
}

typedef struct mm1 {
    int64_t *arrive, *depart; /* per customer, ms */
    int narrive, ndepart, customers;
    int in_order; /* every acknowledgement came in release order */
} mm1;

static int mm1_sink(void *ctx, const char *line, size_t len)
{
    mm1 *m = ctx;
    int rel = strstr(line, "\"type\":\"inject.release\"") != NULL;
    int ack = !rel && strstr(line, "\"type\":\"inject.ack\"") != NULL;
    if (!rel && !ack)
        return 0;
    long long t = num_after(line, len, "\"t\":"), id = num_after(line, len, "\"inject\":\"C-");
    if (rel && m->narrive < m->customers)
        m->arrive[m->narrive++] = t;
    if (ack && m->ndepart < m->customers) {
        m->in_order &= id == m->ndepart;
        m->depart[m->ndepart++] = t;
    }
    return 0;
}

/* Mean wait in line (release to start of work) per replication of an M/M/1 desk equals
 * rho / (mu - lambda) within a 99% confidence interval over independent replications; the wait of
 * customer i is computed from the log as max(0, departure(i-1) - arrival(i)) (one server, first come
 * first served: work starts at the later of its arrival and the previous departure). */
Test(capacity, mm1_mean_wait_matches_theory, .timeout = 120)
{
    const int customers = 2000, reps = 40;
    const double lambda = 0.5, mu = 1.0; /* per hour: rho 0.5, Wq = 1 h */
    char path[] = "/tmp/caucus-mm1-XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    FILE *f = fdopen(fd, "w");
    cr_assert_not_null(f);
    cr_assert_eq(mm1_write(f, customers, 3600.0 / lambda, 3600.0 / mu), 0);
    cr_assert_eq(fclose(f), 0);
    cc_scenario *s = ev_load(path);
    remove(path);
    uint8_t autos[2] = {0, 1};
    cc_engine_opts o = {.seed = 11, .variant = -1, .auto_seats = autos};
    mm1 m = {.customers = customers};
    m.arrive = malloc(sizeof *m.arrive * customers);
    m.depart = malloc(sizeof *m.depart * customers);
    cc_engine *e = NULL;
    cr_assert_eq(cc_engine_new(s, &o, mm1_sink, &m, &e), CC_OK);
    double sum = 0, sum2 = 0;
    for (int r = 0; r < reps; r++) {
        m.narrive = m.ndepart = 0;
        m.in_order = 1;
        cr_assert_eq(cc_engine_restart(e, (uint64_t)r, -1), CC_OK);
        cr_assert_eq(cc_engine_start(e), CC_OK);
        cr_assert_eq(cc_engine_run_until(e, s->duration_s * 1000), CC_OK);
        cr_assert_eq(m.narrive, customers);
        cr_assert_eq(m.ndepart, customers, "replication %d: %d of %d served", r, m.ndepart, customers);
        cr_assert(m.in_order, "replication %d: served out of order", r);
        double w = 0;
        for (int i = 1; i < customers; i++) {
            int64_t d = m.depart[i - 1] - m.arrive[i];
            w += d > 0 ? (double)d : 0;
        }
        w /= (double)customers * (double)H; /* hours */
        sum += w;
        sum2 += w * w;
    }
    cc_engine_free(e);
    double mean = sum / reps, sd = sqrt((sum2 - sum * sum / reps) / (reps - 1));
    double half = 2.708 * sd / sqrt(reps); /* Student t, 39 degrees of freedom, 99% */
    double wq = lambda / mu / (mu - lambda);
    cr_log_info("mean wait %.4f h, theory %.4f h, half-width %.4f", mean, wq, half);
    cr_expect(fabs(mean - wq) <= half, "mean wait %.4f h, theory %.4f h, 99%% half-width %.4f", mean, wq,
              half);
    cr_expect(half < 0.1 * wq, "the interval (%.4f h) is too wide to tell", half);
    free(m.arrive);
    free(m.depart);
    cc_scenario_free(s);
}

/* A line longer than the first ring (16 waiting acts) that wraps while it grows: the 40 enquiries
 * of mm1-desk.yaml released every 30 minutes to a clerk who takes an exponential hour on each are
 * all answered, in the order they came. */
Test(capacity, a_long_line_keeps_its_order)
{
    cc_scenario *s = ev_load("tests/validity/mm1-desk.yaml");
    for (size_t i = 0; i < s->ninjects; i++) {
        s->injects[i].when.has_trigger = false;
        s->injects[i].when.has_at = true;
        s->injects[i].when.at_s = (int64_t)i * 1800;
    }
    int64_t rel[40], ack[40];
    cr_assert_eq(desk_run(s, 3, rel, ack), 40);
    int longest = 0;
    for (int i = 0; i < 40; i++) {
        int waiting = 0;
        for (int j = i + 1; j < 40; j++)
            waiting += rel[j] <= ack[i];
        longest = waiting > longest ? waiting : longest;
    }
    cr_expect_gt(longest, 16, "the line grew past the first ring (%d at most)", longest);
    cc_scenario_free(s);
}
