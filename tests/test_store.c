/* Tests of src/store: one conformance suite run against both back ends (store_sqlite and
 * store_pg suites: the same cases), then what only SQLite has (migration from a version-1
 * file, refusals, backup, power loss and injected I/O faults through tests/support/faultvfs).
 * The PostgreSQL cases use the server that tests/run.sh starts (tools/pg-test.sh) through
 * CAUCUS_TEST_PG; without it they fail, they never skip. */
#include <criterion/criterion.h>
#include <libpq-fe.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/evlog.h"
#include "store/store.h"
#include "support/evgen.h"
#include "support/faultvfs.h"

/* ---- where the store under test lives ---- */

static char where[512];

/* A fresh SQLite file in a fresh directory. */
static const char *sqlite_where(void)
{
    char dir[] = "/tmp/caucus-store-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    snprintf(where, sizeof where, "%s/store.db", dir);
    return where;
}

/* A fresh schema in the test database, named after this process (each Criterion test runs in
 * its own process), selected through the connection's search_path. */
static const char *pg_where(void)
{
    const char *uri = getenv("CAUCUS_TEST_PG");
    cr_assert(uri && *uri,
              "CAUCUS_TEST_PG is not set: run the suite through tests/run.sh, which starts PostgreSQL");
    PGconn *c = PQconnectdb(uri);
    cr_assert_eq(PQstatus(c), CONNECTION_OK, "cannot connect to %s: %s", uri, PQerrorMessage(c));
    char sql[200];
    PQclear(PQexec(c, "SET client_min_messages = warning"));
    snprintf(sql, sizeof sql, "DROP SCHEMA IF EXISTS t%d CASCADE; CREATE SCHEMA t%d", (int)getpid(),
             (int)getpid());
    PGresult *r = PQexec(c, sql);
    cr_assert_eq(PQresultStatus(r), PGRES_COMMAND_OK, "%s", PQerrorMessage(c));
    PQclear(r);
    PQfinish(c);
    snprintf(where, sizeof where, "%s%soptions=-csearch_path%%3Dt%d", uri, strchr(uri, '?') ? "&" : "?",
             (int)getpid());
    return where;
}

static cc_store *open_ok(const char *w)
{
    cc_store *st = NULL;
    cc_store_error err;
    cc_err rc = cc_store_open(w, NULL, &st, &err);
    cr_assert_eq(rc, CC_OK, "open %s: %s", w, err.message);
    return st;
}

static int64_t new_exercise(cc_store *st, const char *name)
{
    cc_store_exercise x;
    memset(&x, 0, sizeof x);
    x.name = (char *)name;
    x.scenario = "version: 1\n# fictional\n";
    x.scenario_len = strlen(x.scenario);
    x.seed = 42;
    x.variant = "parallel";
    x.created_wall_ms = 1772460000000;
    int64_t id = 0;
    cc_store_error err;
    cr_assert_eq(cc_store_exercise_create(st, &x, &id, &err), CC_OK, "%s", err.message);
    cr_assert_gt(id, 0);
    return id;
}

/* Appends n generated events continuing g, in one call. */
static cc_err append_n(cc_store *st, int64_t ex, evgen *g, int n, cc_store_error *err)
{
    cc_buf b;
    cc_buf_init(&b);
    evgen save = *g;
    cr_assert_eq(evgen_lines(g, n, &b), 0);
    cc_err rc = cc_store_append(st, ex, b.data, b.len, err);
    if (rc != CC_OK)
        *g = save;
    cc_buf_free(&b);
    return rc;
}

static uint64_t count_of(cc_store *st, int64_t ex)
{
    uint64_t n = 0;
    char h[65];
    cc_store_error err;
    cr_assert_eq(cc_store_head(st, ex, &n, h, &err), CC_OK, "%s", err.message);
    return n;
}

/* ---- the conformance suite: each case runs on both back ends ---- */

#define CONFORMANCE(name)                                                                                    \
    static void name(const char *w);                                                                         \
    Test(store_sqlite, name)                                                                                 \
    {                                                                                                        \
        name(sqlite_where());                                                                                \
    }                                                                                                        \
    Test(store_pg, name)                                                                                     \
    {                                                                                                        \
        name(pg_where());                                                                                    \
    }                                                                                                        \
    static void name(const char *w)

CONFORMANCE(opens_fresh_at_the_current_schema)
{
    cc_store *st = open_ok(w);
    const int want =
        strncmp(w, "postgres", 8) == 0 ? CC_STORE_SCHEMA_VERSION_PG : CC_STORE_SCHEMA_VERSION_SQLITE;
    cr_expect_eq(cc_store_schema_version(st), want);
    cc_store_error err;
    cr_expect_eq(cc_store_integrity(st, &err), CC_OK, "%s", err.message);
    cc_store_close(st);
    /* reopening an up-to-date store changes nothing */
    st = open_ok(w);
    cr_expect_eq(cc_store_schema_version(st), want);
    cc_store_close(st);
}

CONFORMANCE(exercises_are_created_read_listed_and_change_state)
{
    cc_store *st = open_ok(w);
    int64_t a = new_exercise(st, "Exercise A"), b = new_exercise(st, "Exercise B");
    cr_expect_neq(a, b);
    cc_store_exercise x;
    cc_store_error err;
    cr_assert_eq(cc_store_exercise_get(st, a, &x, &err), CC_OK, "%s", err.message);
    cr_expect_str_eq(x.name, "Exercise A");
    cr_expect_str_eq(x.scenario, "version: 1\n# fictional\n");
    cr_expect_eq(x.seed, 42);
    cr_expect_str_eq(x.variant, "parallel");
    cr_expect_str_eq(x.state, "created");
    cr_expect_eq(x.created_wall_ms, 1772460000000);
    /* sha256("version: 1\n# fictional\n") */
    cr_expect_eq(strlen(x.scenario_hash), 64);
    cc_store_exercise_clear(&x);
    cr_expect_eq(cc_store_exercise_set_state(st, b, "running", &err), CC_OK, "%s", err.message);
    cr_expect_eq(cc_store_exercise_set_state(st, b, "exploded", &err), CC_ERR_ARG);
    cr_expect_eq(cc_store_exercise_set_state(st, 999, "ended", &err), CC_ERR_NOTFOUND);
    cr_expect_eq(cc_store_exercise_get(st, 999, &x, &err), CC_ERR_NOTFOUND);
    cr_expect(strstr(err.message, "no exercise 999"), "%s", err.message);
    cc_store_exercise *v = NULL;
    size_t n = 0;
    cr_assert_eq(cc_store_exercise_list(st, &v, &n, &err), CC_OK, "%s", err.message);
    cr_assert_eq(n, 2);
    cr_expect_eq(v[0].id, a);
    cr_expect_str_eq(v[1].state, "running");
    cr_expect_null(v[1].scenario);
    for (size_t i = 0; i < n; i++)
        cc_store_exercise_clear(&v[i]);
    free(v);
    cc_store_exercise bad;
    memset(&bad, 0, sizeof bad);
    int64_t id;
    cr_expect_eq(cc_store_exercise_create(st, &bad, &id, &err), CC_ERR_ARG);
    cc_store_close(st);
}

typedef struct collect {
    uint64_t first, n, expect_next;
    int out_of_order;
    uint64_t stop_after;
} collect;

static int collect_fn(void *ctx, uint64_t seq, const char *line, size_t len)
{
    collect *c = ctx;
    if (c->n == 0)
        c->first = seq;
    if (seq != c->expect_next || len == 0 || line[len - 1] != '}')
        c->out_of_order = 1;
    c->expect_next = seq + 1;
    c->n++;
    return c->stop_after && c->n >= c->stop_after;
}

CONFORMANCE(appends_commit_and_read_back_in_pages)
{
    cc_store *st = open_ok(w);
    int64_t ex = new_exercise(st, "log");
    evgen g;
    evgen_init(&g, 0, NULL);
    cc_store_error err;
    cr_assert_eq(append_n(st, ex, &g, 1, &err), CC_OK, "%s", err.message);
    cr_assert_eq(append_n(st, ex, &g, 9000, &err), CC_OK, "%s", err.message);
    uint64_t n;
    char h[65], want[65];
    cr_assert_eq(cc_store_head(st, ex, &n, h, &err), CC_OK);
    cr_expect_eq(n, 9001);
    extern void cc_hex(const unsigned char *, size_t, char *);
    cc_hex(g.prev, 32, want);
    cr_expect_str_eq(h, want);
    collect c = {0, 0, 0, 0, 0};
    int stopped = -1;
    cr_assert_eq(cc_store_events(st, ex, 0, collect_fn, &c, &stopped, &err), CC_OK, "%s", err.message);
    cr_expect_eq(c.n, 9001);
    cr_expect_eq(c.out_of_order, 0);
    cr_expect_eq(stopped, 0);
    collect d = {0, 0, 8990, 0, 0};
    cr_assert_eq(cc_store_events(st, ex, 8990, collect_fn, &d, NULL, &err), CC_OK);
    cr_expect_eq(d.n, 11);
    cr_expect_eq(d.first, 8990);
    collect e = {0, 0, 5, 0, 3};
    cr_assert_eq(cc_store_events(st, ex, 5, collect_fn, &e, &stopped, &err), CC_OK);
    cr_expect_eq(e.n, 3);
    cr_expect_eq(stopped, 1);
    cr_expect_eq(cc_store_events(st, 12345, 0, collect_fn, &e, NULL, &err), CC_ERR_NOTFOUND);
    cc_store_close(st);
    /* durable across a reopen */
    st = open_ok(w);
    cr_expect_eq(count_of(st, ex), 9001);
    cc_store_close(st);
}

CONFORMANCE(appends_that_break_the_chain_are_refused_and_write_nothing)
{
    cc_store *st = open_ok(w);
    int64_t ex = new_exercise(st, "chain");
    evgen g;
    evgen_init(&g, 0, NULL);
    cc_store_error err;
    cr_assert_eq(append_n(st, ex, &g, 5, &err), CC_OK, "%s", err.message);
    /* wrong seq: a chain that starts at 7 */
    evgen bad = g;
    bad.seq = 7;
    cr_expect_eq(append_n(st, ex, &bad, 2, &err), CC_ERR_CONFLICT);
    cr_expect(strstr(err.message, "seq 7 does not continue"), "%s", err.message);
    /* wrong prev */
    bad = g;
    bad.prev[0] ^= 1;
    cr_expect_eq(append_n(st, ex, &bad, 1, &err), CC_ERR_CONFLICT);
    cr_expect(strstr(err.message, "is not the hash of the last event"), "%s", err.message);
    /* a good line followed by a flipped byte: all or nothing */
    cc_buf b;
    cc_buf_init(&b);
    evgen t = g;
    evgen_lines(&t, 2, &b);
    char *second = strchr(b.data, '\n') + 1;
    second[20] ^= 1;
    cr_expect_eq(cc_store_append(st, ex, b.data, b.len, &err), CC_ERR_PARSE);
    cr_expect(strstr(err.message, "line 2 of the append"), "%s", err.message);
    /* no final newline, empty, not JSON */
    cr_expect_eq(cc_store_append(st, ex, b.data, strlen(b.data) - 1, &err), CC_ERR_PARSE);
    cr_expect_eq(cc_store_append(st, ex, "", 0, &err), CC_ERR_ARG);
    cr_expect_eq(cc_store_append(st, ex, "hello\n", 6, &err), CC_ERR_PARSE);
    cr_expect_eq(cc_store_append(st, 4242, "hello\n", 6, &err), CC_ERR_NOTFOUND);
    cc_buf_free(&b);
    cr_expect_eq(count_of(st, ex), 5);
    /* the right continuation still goes in */
    cr_expect_eq(append_n(st, ex, &g, 3, &err), CC_OK, "%s", err.message);
    cr_expect_eq(count_of(st, ex), 8);
    cc_store_close(st);
}

typedef struct producer {
    cc_store *st;
    int64_t ex;
    int appends, per;
    int failures;
} producer;

static void *produce(void *arg)
{
    producer *p = arg;
    evgen g;
    evgen_init(&g, 0, NULL);
    for (int i = 0; i < p->appends; i++) {
        cc_store_error err;
        if (append_n(p->st, p->ex, &g, p->per, &err) != CC_OK)
            p->failures++;
    }
    return NULL;
}

CONFORMANCE(concurrent_producers_share_commits_and_lose_nothing)
{
    cc_store *st = open_ok(w);
    enum { P = 8 };
    producer p[P];
    pthread_t th[P];
    for (int i = 0; i < P; i++) {
        p[i] = (producer){st, new_exercise(st, "concurrent"), 40, 3, 0};
        pthread_create(&th[i], NULL, produce, &p[i]);
    }
    for (int i = 0; i < P; i++)
        pthread_join(th[i], NULL);
    for (int i = 0; i < P; i++) {
        cr_expect_eq(p[i].failures, 0);
        cr_expect_eq(count_of(st, p[i].ex), 120);
    }
    cc_store_error err;
    cr_expect_eq(cc_store_integrity(st, &err), CC_OK, "%s", err.message);
    cc_store_close(st);
}

typedef struct racer {
    cc_store *st;
    int64_t ex;
    const char *lines;
    size_t len;
    cc_err rc;
} racer;

static void *race(void *arg)
{
    racer *r = arg;
    cc_store_error err;
    r->rc = cc_store_append(r->st, r->ex, r->lines, r->len, &err);
    return NULL;
}

CONFORMANCE(two_producers_with_the_same_next_event_one_wins)
{
    cc_store *st = open_ok(w);
    int64_t ex = new_exercise(st, "race");
    cc_buf a, b;
    cc_buf_init(&a);
    cc_buf_init(&b);
    evgen g1, g2;
    evgen_init(&g1, 0, NULL);
    evgen_init(&g2, 0, NULL);
    evgen_lines(&g1, 1, &a);
    evgen_lines(&g2, 1, &b);
    b.data[b.len - 3] = b.data[b.len - 3]; /* identical content is fine: the second is still a duplicate */
    racer r1 = {st, ex, a.data, a.len, CC_OK}, r2 = {st, ex, b.data, b.len, CC_OK};
    pthread_t t1, t2;
    pthread_create(&t1, NULL, race, &r1);
    pthread_create(&t2, NULL, race, &r2);
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
    cr_expect((r1.rc == CC_OK) != (r2.rc == CC_OK), "exactly one wins: %d %d", r1.rc, r2.rc);
    /* the loser is told it lost a race by the code, not by the words of the message */
    cr_expect_eq(r1.rc == CC_OK ? r2.rc : r1.rc, CC_ERR_CONFLICT);
    cr_expect_eq(count_of(st, ex), 1);
    cc_buf_free(&a);
    cc_buf_free(&b);
    cc_store_close(st);
}

/* ---- group commit under load: every acknowledged append is committed, in its order ---- */

typedef struct acker {
    cc_store *st, *watch; /* watch: a second handle (its own connection) on the same store */
    int64_t ex;
    int appends;
    cc_buf sent;     /* every line acknowledged, in the order acknowledged */
    int failures;    /* appends refused */
    int unseen;      /* acknowledged appends that the other connection did not see committed */
    cc_err first_rc; /* the first refusal's code */
} acker;

static void *ack_and_look(void *arg)
{
    acker *a = arg;
    evgen g;
    evgen_init(&g, 0, NULL);
    cc_buf b;
    cc_buf_init(&b);
    for (int i = 0; i < a->appends; i++) {
        cc_buf_reset(&b);
        evgen save = g;
        evgen_lines(&g, 1 + i % 3, &b);
        cc_store_error err;
        cc_err rc = cc_store_append(a->st, a->ex, b.data, b.len, &err);
        if (rc != CC_OK) {
            if (!a->failures++)
                a->first_rc = rc;
            g = save;
            continue;
        }
        cc_buf_append(&a->sent, b.data, b.len);
        /* acknowledged means committed: another connection sees the events at once */
        uint64_t n = 0;
        char h[65];
        if (cc_store_head(a->watch, a->ex, &n, h, &err) != CC_OK || n != g.seq)
            a->unseen++;
    }
    cc_buf_free(&b);
    return NULL;
}

static int collect_lines(void *ctx, uint64_t seq, const char *line, size_t len)
{
    (void)seq;
    cc_buf *b = ctx;
    cc_buf_append(b, line, len);
    cc_buf_putc(b, '\n');
    return 0;
}

CONFORMANCE(sixty_four_producers_all_acknowledged_appends_committed_in_order)
{
    enum { P = 64, N = 12 };
    cc_store *st = open_ok(w), *watch = open_ok(w);
    acker *a = calloc(P, sizeof *a);
    pthread_t th[P];
    for (int i = 0; i < P; i++) {
        a[i].st = st;
        a[i].watch = watch;
        a[i].ex = new_exercise(st, "group commit");
        a[i].appends = N;
        cc_buf_init(&a[i].sent);
    }
    for (int i = 0; i < P; i++)
        pthread_create(&th[i], NULL, ack_and_look, &a[i]);
    for (int i = 0; i < P; i++)
        pthread_join(th[i], NULL);
    cc_store_close(watch);
    cc_store_close(st);
    /* a fresh open holds exactly what was acknowledged, byte for byte and in order: N appends of
     * 1, 2, 3, 1, ... lines = 4 x (1 + 2 + 3) = 24 events per exercise */
    st = open_ok(w);
    cc_store_error err;
    for (int i = 0; i < P; i++) {
        cr_expect_eq(a[i].failures, 0, "producer %d: %d refused (first: %s)", i, a[i].failures,
                     cc_err_str(a[i].first_rc));
        cr_expect_eq(a[i].unseen, 0, "producer %d: %d acknowledged appends not visible", i, a[i].unseen);
        cr_expect_eq(count_of(st, a[i].ex), 24);
        cc_buf got;
        cc_buf_init(&got);
        cr_assert_eq(cc_store_events(st, a[i].ex, 0, collect_lines, &got, NULL, &err), CC_OK, "%s",
                     err.message);
        cr_expect(got.len == a[i].sent.len && memcmp(got.data, a[i].sent.data, got.len) == 0,
                  "producer %d: the stored log is not the acknowledged lines in order", i);
        cc_buf_free(&got);
        cc_buf_free(&a[i].sent);
    }
    cr_expect_eq(cc_store_integrity(st, &err), CC_OK, "%s", err.message);
    cc_store_close(st);
    free(a);
}

/* Refusals share batches with appends that go in: each bad append fails alone. 48 producers append
 * good lines only; 16 others, in the same batches, take turns between a good append, one that does
 * not continue the chain (CONFLICT), one that does not parse (PARSE) and one to an exercise that
 * does not exist (NOTFOUND). The producers run twice, as new threads, so the second round's
 * appends reuse the store's nodes of the first. */
typedef struct mixer {
    cc_store *st;
    int64_t ex;
    int bad;         /* this producer also makes refused appends */
    evgen g;         /* continues across both rounds */
    cc_buf sent;     /* the lines acknowledged, in order */
    int good_failed; /* good appends refused */
    int bad_wrong;   /* bad appends not refused with the expected code */
} mixer;

static void *mix(void *arg)
{
    mixer *m = arg;
    cc_buf b;
    cc_buf_init(&b);
    for (int i = 0; i < 16; i++) {
        cc_store_error err;
        cc_buf_reset(&b);
        evgen save = m->g;
        evgen_lines(&m->g, 1 + i % 2, &b);
        int kind = m->bad ? i % 4 : 0;
        cc_err want = CC_OK;
        int64_t ex = m->ex;
        if (kind == 1) { /* a chain that skips an event */
            cc_buf_reset(&b);
            m->g = save;
            evgen skip = m->g;
            skip.seq++;
            evgen_lines(&skip, 1, &b);
            want = CC_ERR_CONFLICT;
        } else if (kind == 2) { /* a flipped byte in the last line */
            b.data[b.len - 10] ^= 1;
            want = CC_ERR_PARSE;
        } else if (kind == 3) {
            ex = 1000000 + m->ex;
            want = CC_ERR_NOTFOUND;
        }
        cc_err rc = cc_store_append(m->st, ex, b.data, b.len, &err);
        if (want == CC_OK) {
            if (rc == CC_OK)
                cc_buf_append(&m->sent, b.data, b.len);
            else
                m->good_failed++;
        } else {
            m->bad_wrong += rc != want;
        }
        if (rc != CC_OK)
            m->g = save;
    }
    cc_buf_free(&b);
    return NULL;
}

CONFORMANCE(refused_appends_fail_alone_in_batches_shared_with_good_ones)
{
    enum { P = 64, BAD = 16 };
    cc_store *st = open_ok(w);
    mixer *m = calloc(P, sizeof *m);
    pthread_t th[P];
    for (int i = 0; i < P; i++) {
        m[i].st = st;
        m[i].ex = new_exercise(st, "mixed");
        m[i].bad = i % (P / BAD) == 0;
        evgen_init(&m[i].g, 0, NULL);
        cc_buf_init(&m[i].sent);
    }
    for (int round = 0; round < 2; round++) {
        for (int i = 0; i < P; i++)
            pthread_create(&th[i], NULL, mix, &m[i]);
        for (int i = 0; i < P; i++)
            pthread_join(th[i], NULL);
    }
    cc_store_close(st);
    st = open_ok(w);
    cc_store_error err;
    for (int i = 0; i < P; i++) {
        cr_expect_eq(m[i].good_failed, 0, "producer %d: %d good appends refused", i, m[i].good_failed);
        cr_expect_eq(m[i].bad_wrong, 0, "producer %d: %d bad appends not refused as expected", i,
                     m[i].bad_wrong);
        /* 2 rounds x 16 appends of 1, 2, 1, ... lines: 48 events; a bad producer's good appends are
         * the i % 4 == 0 ones, all of 1 line: 2 x 4 = 8 events */
        cr_expect_eq(count_of(st, m[i].ex), m[i].bad ? 8u : 48u, "producer %d", i);
        cc_buf got;
        cc_buf_init(&got);
        cr_assert_eq(cc_store_events(st, m[i].ex, 0, collect_lines, &got, NULL, &err), CC_OK, "%s",
                     err.message);
        cr_expect(got.len == m[i].sent.len && memcmp(got.data, m[i].sent.data, got.len) == 0,
                  "producer %d: the stored log is not the acknowledged lines in order", i);
        cc_buf_free(&got);
        cc_buf_free(&m[i].sent);
    }
    cr_expect_eq(cc_store_integrity(st, &err), CC_OK, "%s", err.message);
    cc_store_close(st);
    free(m);
}

/* A connection keeps the chain heads it committed (SQLite) only while no other connection has
 * committed: after another connection appended, its next append continues the new head, and one
 * that continues the head it knew is refused. */
CONFORMANCE(an_append_after_another_connection_appended_continues_its_chain)
{
    cc_store *s1 = open_ok(w), *s2 = open_ok(w);
    int64_t ex = new_exercise(s1, "two writers in turn");
    evgen g;
    evgen_init(&g, 0, NULL);
    cc_store_error err;
    cr_assert_eq(append_n(s1, ex, &g, 3, &err), CC_OK, "%s", err.message);
    evgen known = g; /* the head s1 committed */
    cr_assert_eq(append_n(s2, ex, &g, 2, &err), CC_OK, "%s", err.message);
    cr_expect_eq(append_n(s1, ex, &g, 1, &err), CC_OK, "s1 continues what s2 appended: %s", err.message);
    cr_expect_eq(append_n(s1, ex, &known, 1, &err), CC_ERR_CONFLICT, "s1's old head is stale");
    cr_expect_eq(append_n(s2, ex, &g, 1, &err), CC_OK, "%s", err.message);
    cr_expect_eq(append_n(s1, ex, &g, 2, &err), CC_OK, "%s", err.message);
    cr_expect_eq(count_of(s1, ex), 9);
    cr_expect_eq(count_of(s2, ex), 9);
    cc_store_close(s1);
    cc_store_close(s2);
}

/* Two handles (two connections, as two servers) append to one exercise at once: each append
 * either commits or is refused as a conflict (its events exist or no longer continue the
 * chain), never half; the log stays one unbroken chain holding every acknowledged event. */
typedef struct contender {
    cc_store *st;
    int64_t ex;
    int won, lost, other;
} contender;

static void *contend(void *arg)
{
    contender *c = arg;
    cc_buf b;
    cc_buf_init(&b);
    for (int i = 0; i < 40; i++) {
        uint64_t n = 0;
        char h[65];
        cc_store_error err;
        if (cc_store_head(c->st, c->ex, &n, h, &err) != CC_OK) {
            c->other++;
            continue;
        }
        evgen g;
        evgen_init(&g, n, h);
        cc_buf_reset(&b);
        evgen_lines(&g, 2, &b);
        cc_err rc = cc_store_append(c->st, c->ex, b.data, b.len, &err);
        if (rc == CC_OK)
            c->won++;
        else if (rc == CC_ERR_CONFLICT)
            c->lost++;
        else
            c->other++;
    }
    cc_buf_free(&b);
    return NULL;
}

CONFORMANCE(two_connections_racing_on_one_exercise_keep_one_chain)
{
    cc_store *s1 = open_ok(w), *s2 = open_ok(w);
    int64_t ex = new_exercise(s1, "two servers");
    contender c[4] = {{s1, ex, 0, 0, 0}, {s2, ex, 0, 0, 0}, {s1, ex, 0, 0, 0}, {s2, ex, 0, 0, 0}};
    pthread_t th[4];
    for (int i = 0; i < 4; i++)
        pthread_create(&th[i], NULL, contend, &c[i]);
    for (int i = 0; i < 4; i++)
        pthread_join(th[i], NULL);
    int won = 0;
    for (int i = 0; i < 4; i++) {
        cr_expect_eq(c[i].other, 0, "contender %d: %d errors other than a conflict", i, c[i].other);
        cr_expect_eq(c[i].won + c[i].lost + c[i].other, 40);
        won += c[i].won;
    }
    cr_expect_gt(won, 0);
    cr_expect_eq(count_of(s1, ex), (uint64_t)won * 2, "every acknowledged append, nothing else");
    cc_store_error err;
    cr_expect_eq(cc_store_integrity(s1, &err), CC_OK, "%s", err.message);
    /* the chain is whole: a fresh chain of two more events continues it */
    uint64_t n = 0;
    char h[65];
    cr_assert_eq(cc_store_head(s2, ex, &n, h, &err), CC_OK, "%s", err.message);
    evgen g;
    evgen_init(&g, n, h);
    cr_expect_eq(append_n(s2, ex, &g, 2, &err), CC_OK, "%s", err.message);
    cc_store_close(s1);
    cc_store_close(s2);
}

static int cp_fn(void *ctx, uint64_t size, const char *note)
{
    char *acc = ctx;
    char line[64];
    snprintf(line, sizeof line, "%llu:%.8s;", (unsigned long long)size, note);
    strcat(acc, line);
    return 0;
}

CONFORMANCE(checkpoints_are_kept_per_exercise_and_size)
{
    cc_store *st = open_ok(w);
    int64_t ex = new_exercise(st, "cp");
    cc_store_error err;
    cr_expect_eq(cc_store_checkpoint_add(st, ex, 10, "note-ten\n", &err), CC_OK, "%s", err.message);
    cr_expect_eq(cc_store_checkpoint_add(st, ex, 3, "note-three\n", &err), CC_OK, "%s", err.message);
    cr_expect_eq(cc_store_checkpoint_add(st, ex, 10, "again\n", &err), CC_ERR_INVALID);
    cr_expect_eq(cc_store_checkpoint_add(st, 777, 1, "x\n", &err), CC_ERR_INVALID);
    char acc[256] = "";
    cr_assert_eq(cc_store_checkpoints(st, ex, cp_fn, acc, &err), CC_OK);
    cr_expect_str_eq(acc, "3:note-thr;10:note-ten;");
    cc_store_close(st);
}

static int acct_fn(void *ctx, const char *role, const char *seat, const char *hash)
{
    char *acc = ctx;
    char line[128];
    snprintf(line, sizeof line, "%s/%s/%s;", role, seat ? seat : "-", hash);
    strcat(acc, line);
    return 0;
}

CONFORMANCE(accounts_and_sessions)
{
    cc_store *st = open_ok(w);
    int64_t ex = new_exercise(st, "acct");
    cc_store_error err;
    cr_expect_eq(cc_store_account_set(st, ex, "control", NULL, "$argon2id$c1", &err), CC_OK, "%s",
                 err.message);
    cr_expect_eq(cc_store_account_set(st, ex, "seat", "usa-lead", "$argon2id$u1", &err), CC_OK, "%s",
                 err.message);
    cr_expect_eq(cc_store_account_set(st, ex, "seat", "usa-lead", "$argon2id$u2", &err), CC_OK, "%s",
                 err.message);
    cr_expect_eq(cc_store_account_set(st, ex, "seat", NULL, "$argon2id$x", &err), CC_ERR_ARG);
    cr_expect_eq(cc_store_account_set(st, ex, "control", "usa-lead", "$argon2id$x", &err), CC_ERR_ARG);
    cr_expect_eq(cc_store_account_set(st, ex, "admin", NULL, "$argon2id$x", &err), CC_ERR_ARG);
    cr_expect_eq(cc_store_account_set(st, ex, "control", NULL, "", &err), CC_ERR_ARG);
    cr_expect_eq(cc_store_account_set(st, 999, "control", NULL, "$argon2id$x", &err), CC_ERR_INVALID);
    char acc[512] = "";
    cr_assert_eq(cc_store_accounts(st, ex, acct_fn, acc, &err), CC_OK);
    cr_expect_str_eq(acc, "control/-/$argon2id$c1;seat/usa-lead/$argon2id$u2;");

    const char *tok = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
    cr_expect_eq(cc_store_session_add(st, tok, ex, "seat", "usa-lead", 2000, &err), CC_OK, "%s", err.message);
    cr_expect_eq(cc_store_session_add(st, tok, ex, "seat", "usa-lead", 2000, &err), CC_ERR_INVALID);
    cr_expect_eq(cc_store_session_add(st, "XYZ", ex, "seat", "usa-lead", 2000, &err), CC_ERR_ARG);
    int64_t got = 0;
    char *role, *seat;
    cr_assert_eq(cc_store_session_get(st, tok, 1999, &got, &role, &seat, &err), CC_OK, "%s", err.message);
    cr_expect_eq(got, ex);
    cr_expect_str_eq(role, "seat");
    cr_expect_str_eq(seat, "usa-lead");
    free(role);
    free(seat);
    cr_expect_eq(cc_store_session_get(st, tok, 2000, &got, &role, &seat, &err), CC_ERR_NOTFOUND, "expired");
    cr_expect_eq(cc_store_session_get(st, "nothex", 0, &got, &role, &seat, &err), CC_ERR_NOTFOUND);
    cr_expect_eq(cc_store_session_delete(st, tok, &err), CC_OK, "%s", err.message);
    cr_expect_eq(cc_store_session_delete(st, tok, &err), CC_ERR_NOTFOUND);
    cr_expect_eq(cc_store_session_get(st, tok, 0, &got, &role, &seat, &err), CC_ERR_NOTFOUND);
    /* a reissued code ends every session of its account, and no other (control's stays) */
    const char *t2 = "10112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
    const char *t3 = "20112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
    const char *t4 = "30112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
    cr_expect_eq(cc_store_session_add(st, tok, ex, "seat", "usa-lead", 9000, &err), CC_OK, "%s", err.message);
    cr_expect_eq(cc_store_session_add(st, t2, ex, "seat", "usa-lead", 9000, &err), CC_OK, "%s", err.message);
    cr_expect_eq(cc_store_session_add(st, t3, ex, "seat", "kor-lead", 9000, &err), CC_OK, "%s", err.message);
    cr_expect_eq(cc_store_session_add(st, t4, ex, "control", NULL, 9000, &err), CC_OK, "%s", err.message);
    int ended = -1;
    cr_expect_eq(cc_store_sessions_end(st, ex, "seat", "usa-lead", &ended, &err), CC_OK, "%s", err.message);
    cr_expect_eq(ended, 2);
    cr_expect_eq(cc_store_session_get(st, t2, 0, &got, &role, &seat, &err), CC_ERR_NOTFOUND);
    cr_assert_eq(cc_store_session_get(st, t3, 0, &got, &role, &seat, &err), CC_OK, "kor-lead's stays");
    free(role);
    free(seat);
    cr_expect_eq(cc_store_sessions_end(st, ex, "control", NULL, &ended, &err), CC_OK, "%s", err.message);
    cr_expect_eq(ended, 1);
    cc_store_close(st);
}

CONFORMANCE(improvement_plan_items)
{
    cc_store *st = open_ok(w);
    int64_t ex = new_exercise(st, "plan");
    cc_store_plan_item in;
    memset(&in, 0, sizeof in);
    in.exercise = ex;
    in.finding = "G-notify-24h";
    in.capability = "Operational coordination";
    in.issue = "Partners were told after 30 h instead of 24 h";
    in.action = "Pre-agreed notification template";
    in.element = "Planning";
    in.owner = "NCG secretariat";
    in.poc = "Fictional POC";
    in.start = "2026-12-01";
    in.due = "2027-02-01";
    in.status = "open";
    int64_t id = 0;
    cc_store_error err;
    cr_assert_eq(cc_store_plan_add(st, &in, &id, &err), CC_OK, "%s", err.message);
    cc_store_plan_item bad = in;
    bad.status = "done";
    cr_expect_eq(cc_store_plan_add(st, &bad, &id, &err), CC_ERR_ARG);
    bad = in;
    bad.due = "2027-13-01";
    cr_expect_eq(cc_store_plan_add(st, &bad, &id, &err), CC_ERR_ARG);
    bad = in;
    bad.due = "2026-01-01";
    cr_expect_eq(cc_store_plan_add(st, &bad, &id, &err), CC_ERR_ARG);
    cr_expect(strstr(err.message, "before the start"), "%s", err.message);
    bad = in;
    bad.issue = NULL;
    cr_expect_eq(cc_store_plan_add(st, &bad, &id, &err), CC_ERR_ARG);
    int64_t id2 = 0;
    in.issue = "Second issue";
    cr_assert_eq(cc_store_plan_add(st, &in, &id2, &err), CC_OK);
    in.id = id2;
    in.status = "closed";
    in.closed_note = "Fixed: guideline met in the next exercise";
    cr_expect_eq(cc_store_plan_update(st, &in, &err), CC_OK, "%s", err.message);
    in.id = 9999;
    cr_expect_eq(cc_store_plan_update(st, &in, &err), CC_ERR_NOTFOUND);
    cc_store_plan_item got;
    cr_assert_eq(cc_store_plan_get(st, id2, &got, &err), CC_OK);
    cr_expect_str_eq(got.status, "closed");
    cr_expect_str_eq(got.closed_note, "Fixed: guideline met in the next exercise");
    cr_expect_str_eq(got.poc, "Fictional POC");
    cc_store_plan_item_clear(&got);
    cr_expect_eq(cc_store_plan_get(st, 9999, &got, &err), CC_ERR_NOTFOUND);
    cc_store_plan_item *v;
    size_t n;
    cr_assert_eq(cc_store_plan_list(st, 1, &v, &n, &err), CC_OK);
    cr_expect_eq(n, 1);
    cr_expect_eq(v[0].id, id);
    for (size_t i = 0; i < n; i++)
        cc_store_plan_item_clear(&v[i]);
    free(v);
    cr_assert_eq(cc_store_plan_list(st, 0, &v, &n, &err), CC_OK);
    cr_expect_eq(n, 2);
    for (size_t i = 0; i < n; i++)
        cc_store_plan_item_clear(&v[i]);
    free(v);
    cc_store_close(st);
}

/* Executive summaries: every save and every return to the draft is a new version; the newest is
 * the one reports use; versions are per exercise; none is changed. */
CONFORMANCE(summary_versions)
{
    cc_store *st = open_ok(w);
    int64_t a = new_exercise(st, "flood consultation"), b = new_exercise(st, "other");
    cc_store_error err;
    cc_store_summary m;
    cr_expect_eq(cc_store_summary_get(st, a, 0, &m, &err), CC_ERR_NOTFOUND);
    cr_expect(strstr(err.message, "no summary saved") != NULL, "%s", err.message);
    int64_t v = -1;
    cr_assert_eq(
        cc_store_summary_add(st, a, "First draft.\n\nSecond paragraph.", NULL, "control", 1000, &v, &err),
        CC_OK, "%s", err.message);
    cr_expect_eq(v, 1);
    cr_assert_eq(cc_store_summary_add(st, a, "Final text.", "OFFICIAL", "planner", 2000, &v, &err), CC_OK,
                 "%s", err.message);
    cr_expect_eq(v, 2);
    cr_assert_eq(cc_store_summary_add(st, b, "Other exercise.", NULL, "control", 2500, &v, &err), CC_OK);
    cr_expect_eq(v, 1);
    cr_assert_eq(cc_store_summary_get(st, a, 0, &m, &err), CC_OK, "%s", err.message);
    cr_expect_eq(m.version, 2);
    cr_expect_str_eq(m.text, "Final text.");
    cr_expect_str_eq(m.label, "OFFICIAL");
    cr_expect_str_eq(m.author, "planner");
    cr_expect_eq(m.created_wall_ms, 2000);
    cc_store_summary_clear(&m);
    /* back to the draft: version 3 without text; version 1 is still there, unchanged */
    cr_assert_eq(cc_store_summary_add(st, a, NULL, NULL, "control", 3000, &v, &err), CC_OK, "%s",
                 err.message);
    cr_expect_eq(v, 3);
    cr_assert_eq(cc_store_summary_get(st, a, 0, &m, &err), CC_OK);
    cr_expect_null(m.text);
    cr_expect_null(m.label);
    cc_store_summary_clear(&m);
    cr_assert_eq(cc_store_summary_get(st, a, 1, &m, &err), CC_OK);
    cr_expect_str_eq(m.text, "First draft.\n\nSecond paragraph.");
    cr_expect_null(m.label);
    cr_expect_eq(m.created_wall_ms, 1000);
    cc_store_summary_clear(&m);
    cr_expect_eq(cc_store_summary_get(st, a, 4, &m, &err), CC_ERR_NOTFOUND);
    cc_store_summary *all;
    size_t n;
    cr_assert_eq(cc_store_summary_list(st, a, &all, &n, &err), CC_OK, "%s", err.message);
    cr_assert_eq(n, 3);
    cr_expect_eq(all[0].version, 3);
    cr_expect_eq(all[2].version, 1);
    cr_expect_str_eq(all[1].author, "planner");
    for (size_t i = 0; i < n; i++)
        cc_store_summary_clear(&all[i]);
    free(all);
    /* refused: no such exercise, no author, too long */
    cr_expect_eq(cc_store_summary_add(st, 999, "x", NULL, "control", 1, &v, &err), CC_ERR_NOTFOUND);
    cr_expect_eq(v, 0);
    cr_expect_eq(cc_store_summary_add(st, a, "x", NULL, "", 1, &v, &err), CC_ERR_ARG);
    char *big = malloc((64u << 10) + 2);
    cr_assert_not_null(big);
    memset(big, 'a', (64u << 10) + 1);
    big[(64u << 10) + 1] = 0;
    cr_expect_eq(cc_store_summary_add(st, a, big, NULL, "control", 1, &v, &err), CC_ERR_ARG);
    free(big);
    cr_assert_eq(cc_store_summary_list(st, a, &all, &n, &err), CC_OK);
    cr_expect_eq(n, 3, "refused saves add no version");
    for (size_t i = 0; i < n; i++)
        cc_store_summary_clear(&all[i]);
    free(all);
    cc_store_close(st);
}

/* An import is one transaction: a refused line, or a reader that fails, leaves no exercise. */
typedef struct imp {
    const char *pieces[3];
    int n, at, fail_at;
} imp;

static int imp_next(void *ctx, const char **lines, size_t *len, char *msg, size_t msglen)
{
    imp *p = ctx;
    if (p->at == p->fail_at) {
        snprintf(msg, msglen, "the reader failed");
        return -1;
    }
    if (p->at >= p->n)
        return 0;
    *lines = p->pieces[p->at++];
    *len = strlen(*lines);
    return 1;
}

static size_t exercises_in(cc_store *st)
{
    cc_store_exercise *v;
    size_t n;
    cc_store_error err;
    cr_assert_eq(cc_store_exercise_list(st, &v, &n, &err), CC_OK, "%s", err.message);
    for (size_t i = 0; i < n; i++)
        cc_store_exercise_clear(&v[i]);
    free(v);
    return n;
}

CONFORMANCE(an_import_is_all_or_nothing)
{
    cc_store *st = open_ok(w);
    evgen g;
    evgen_init(&g, 0, NULL);
    cc_buf a, b, bad;
    cc_buf_init(&a);
    cc_buf_init(&b);
    cc_buf_init(&bad);
    cr_assert_eq(evgen_lines(&g, 5, &a), 0);
    evgen after = g;
    cr_assert_eq(evgen_lines(&g, 4, &b), 0);
    /* the second piece again, with one seq changed: refused at its first line */
    cc_buf_append(&bad, b.data, b.len);
    char *seq = strstr(bad.data, "\"seq\":5");
    cr_assert_not_null(seq);
    seq[6] = '6';
    cc_store_exercise x;
    memset(&x, 0, sizeof x);
    x.name = "import";
    x.scenario = "version: 1\n# fictional\n";
    x.scenario_len = strlen(x.scenario);
    int64_t id = 0;
    uint64_t n = 0;
    cc_store_error err;
    imp refused = {{a.data, bad.data, NULL}, 2, 0, -1};
    cr_expect_eq(cc_store_import(st, &x, imp_next, &refused, &id, &n, &err), CC_ERR_PARSE);
    cr_expect(strstr(err.message, "line 1 of the append") && strstr(err.message, "starting at event 5"), "%s",
              err.message);
    cr_expect_eq(exercises_in(st), 0, "a refused import left an exercise behind");
    imp failing = {{a.data, b.data, NULL}, 2, 0, 1};
    cr_expect_eq(cc_store_import(st, &x, imp_next, &failing, &id, &n, &err), CC_ERR_INVALID);
    cr_expect(strstr(err.message, "the reader failed"), "%s", err.message);
    cr_expect_eq(exercises_in(st), 0, "an import whose reader failed left an exercise behind");
    imp empty = {{NULL}, 0, 0, -1};
    cr_expect_eq(cc_store_import(st, &x, imp_next, &empty, &id, &n, &err), CC_ERR_INVALID);
    cr_expect_eq(exercises_in(st), 0);
    imp good = {{a.data, b.data, NULL}, 2, 0, -1};
    cr_assert_eq(cc_store_import(st, &x, imp_next, &good, &id, &n, &err), CC_OK, "%s", err.message);
    cr_expect_eq(n, 9);
    cr_expect_eq(count_of(st, id), 9);
    cr_expect_eq(exercises_in(st), 1);
    (void)after;
    cc_buf_free(&a);
    cc_buf_free(&b);
    cc_buf_free(&bad);
    cc_store_close(st);
}

static int rows_fn(void *ctx, uint64_t seq, const char *hash, const char *line, size_t len)
{
    int *bad = ctx;
    cc_evhead h;
    cc_evlog_error e;
    char hex[65];
    if (cc_evlog_check(line, len, &h, &e) != CC_OK || h.seq != seq)
        (*bad)++;
    cc_hex(h.hash, 32, hex);
    if (strcmp(hex, hash) != 0)
        (*bad)++;
    return 0;
}

CONFORMANCE(event_rows_carry_the_hash_column_and_the_key_is_pinned_once)
{
    cc_store *st = open_ok(w);
    int64_t ex = new_exercise(st, "rows");
    evgen g;
    evgen_init(&g, 0, NULL);
    cc_store_error err;
    cr_assert_eq(append_n(st, ex, &g, 7, &err), CC_OK, "%s", err.message);
    int bad = 0;
    cr_expect_eq(cc_store_event_rows(st, ex, 0, rows_fn, &bad, NULL, &err), CC_OK, "%s", err.message);
    cr_expect_eq(bad, 0, "a row's hash column is not its line's hash");
    cr_expect_eq(cc_store_exercise_pin_key(st, ex, "caucus+01020304+AAAA", &err), CC_OK, "%s", err.message);
    cr_expect_eq(cc_store_exercise_pin_key(st, ex, "caucus+01020304+AAAA", &err), CC_OK, "%s", err.message);
    cr_expect_eq(cc_store_exercise_pin_key(st, ex, "other+01020304+AAAA", &err), CC_ERR_INVALID);
    cr_expect(strstr(err.message, "is pinned to the checkpoint key caucus+01020304+AAAA"), "%s", err.message);
    cc_store_exercise x;
    cr_assert_eq(cc_store_exercise_get(st, ex, &x, &err), CC_OK, "%s", err.message);
    cr_expect_str_eq(x.log_key, "caucus+01020304+AAAA");
    cc_store_exercise_clear(&x);
    /* a checkpoint's note is replaced only while it is what the caller read */
    cr_assert_eq(cc_store_checkpoint_add(st, ex, 7, "note one\n", &err), CC_OK, "%s", err.message);
    cr_expect_eq(cc_store_checkpoint_replace(st, ex, 7, "note one\n", "note two\n", &err), CC_OK, "%s",
                 err.message);
    cr_expect_eq(cc_store_checkpoint_replace(st, ex, 7, "note one\n", "note three\n", &err), CC_ERR_NOTFOUND);
    cc_store_close(st);
}

CONFORMANCE(scenario_documents_versions_pins_and_templates)
{
    cc_store *st = open_ok(w);
    cc_store_error err;
    int64_t doc = 0, v = 0;
    const char *t1 = "caucus: 1\n# fictional, version 1\n", *t2 = "caucus: 1\n# fictional, version 2\n";
    cr_assert_eq(cc_store_doc_create(st, "Policy TTX draft", t1, strlen(t1), "control", 1000, &doc, &err),
                 CC_OK, "%s", err.message);
    cr_expect_gt(doc, 0);
    cr_expect_eq(cc_store_doc_create(st, "", t1, strlen(t1), NULL, 1000, &v, &err), CC_ERR_ARG);
    cr_expect_eq(cc_store_version_add(st, doc, 1, t2, strlen(t2), "planner A", "renamed I-1", 2000, &v, &err),
                 CC_OK, "%s", err.message);
    cr_expect_eq(v, 2);
    /* a second save from version 1: refused, nothing written */
    cr_expect_eq(cc_store_version_add(st, doc, 1, t1, strlen(t1), "planner B", NULL, 3000, &v, &err),
                 CC_ERR_CONFLICT);
    cr_expect(strstr(err.message, "is at version 2, not 1: someone saved in between"), "%s", err.message);
    cr_expect_eq(v, 0);
    cr_expect_eq(cc_store_version_add(st, 999, 1, t1, strlen(t1), NULL, NULL, 3000, &v, &err),
                 CC_ERR_NOTFOUND);
    cc_store_version x;
    cr_assert_eq(cc_store_version_get(st, doc, 0, &x, &err), CC_OK, "%s", err.message);
    cr_expect_eq(x.version, 2);
    cr_expect_str_eq(x.text, t2);
    cr_expect_str_eq(x.author, "planner A");
    cr_expect_str_eq(x.note, "renamed I-1");
    cr_expect_eq(strlen(x.hash), 64);
    cc_store_version_clear(&x);
    cr_assert_eq(cc_store_version_get(st, doc, 1, &x, &err), CC_OK);
    cr_expect_str_eq(x.text, t1);
    cr_expect_str_eq(x.note, "created");
    cc_store_version_clear(&x);
    cr_expect_eq(cc_store_version_get(st, doc, 7, &x, &err), CC_ERR_NOTFOUND);
    cc_store_version *vs = NULL;
    size_t n = 0;
    cr_assert_eq(cc_store_version_list(st, doc, &vs, &n, &err), CC_OK);
    cr_assert_eq(n, 2);
    cr_expect_eq(vs[0].version, 2);
    cr_expect_null(vs[0].text);
    for (size_t i = 0; i < n; i++)
        cc_store_version_clear(&vs[i]);
    free(vs);
    cc_store_doc *ds = NULL;
    cr_assert_eq(cc_store_doc_list(st, &ds, &n, &err), CC_OK);
    cr_assert_eq(n, 1);
    cr_expect_str_eq(ds[0].name, "Policy TTX draft");
    cr_expect_eq(ds[0].latest, 2);
    cr_expect_eq(ds[0].updated_wall_ms, 2000);
    cc_store_doc_clear(&ds[0]);
    free(ds);
    /* an exercise pins the version it ran, once */
    int64_t ex = new_exercise(st, "run of version 2");
    int64_t pd = 0, pv = 0;
    cr_expect_eq(cc_store_exercise_pinned(st, ex, &pd, &pv, &err), CC_ERR_NOTFOUND);
    cr_expect_eq(cc_store_exercise_pin(st, ex, doc, 2, &err), CC_OK, "%s", err.message);
    cr_expect_eq(cc_store_exercise_pin(st, ex, doc, 1, &err), CC_ERR_INVALID);
    cr_expect_eq(cc_store_exercise_pinned(st, ex, &pd, &pv, &err), CC_OK);
    cr_expect(pd == doc && pv == 2);
    /* the inject catalogue */
    int64_t t = 0;
    cr_expect_eq(cc_store_template_add(st, "Media inquiry", "{\"title\": \"Media inquiry\"}", 5, &t, &err),
                 CC_OK);
    cr_expect_eq(cc_store_template_add(st, "Allied call", "{\"title\": \"Call\"}", 6, &t, &err), CC_OK);
    cc_store_template *ts = NULL;
    cr_assert_eq(cc_store_template_list(st, &ts, &n, &err), CC_OK);
    cr_assert_eq(n, 2);
    cr_expect_str_eq(ts[0].name, "Allied call");
    cr_expect_str_eq(ts[1].item, "{\"title\": \"Media inquiry\"}");
    for (size_t i = 0; i < n; i++)
        cc_store_template_clear(&ts[i]);
    free(ts);
    cr_expect_eq(cc_store_template_delete(st, t, &err), CC_OK);
    cr_expect_eq(cc_store_template_delete(st, t, &err), CC_ERR_NOTFOUND);
    cr_expect_eq(cc_store_integrity(st, &err), CC_OK, "%s", err.message);
    cc_store_close(st);
}

CONFORMANCE(a_read_only_open_refuses_appends)
{
    cc_store *st = open_ok(w);
    int64_t ex = new_exercise(st, "ro");
    cc_store_close(st);
    cc_store_opts o = {1, NULL, 0, 0};
    cc_store_error err;
    cr_assert_eq(cc_store_open(w, &o, &st, &err), CC_OK, "%s", err.message);
    evgen g;
    evgen_init(&g, 0, NULL);
    cr_expect_eq(append_n(st, ex, &g, 1, &err), CC_ERR_ARG);
    cr_expect(strstr(err.message, "read-only"), "%s", err.message);
    cc_store_close(st);
}

/* ---- SQLite only ---- */

static void sql_run(const char *path, const char *sql)
{
    sqlite3 *db;
    cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
    char *msg = NULL;
    cr_assert_eq(sqlite3_exec(db, sql, NULL, NULL, &msg), SQLITE_OK, "%s", msg ? msg : "");
    /* like caucus, keep the write-ahead log when closing last (docs/store.md) */
    int one = 1;
    sqlite3_file_control(db, "main", SQLITE_FCNTL_PERSIST_WAL, &one);
    sqlite3_close(db);
}

static char *read_all(const char *path)
{
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "%s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    cr_assert_eq(fread(s, 1, (size_t)n, f), (size_t)n);
    s[n] = 0;
    fclose(f);
    return s;
}

Test(store_sqlite, migrates_a_version_1_store_and_keeps_its_data)
{
    const char *w = sqlite_where();
    char *v1 = read_all("tests/store/v1.sql");
    sql_run(w, v1);
    free(v1);
    cc_store *st = open_ok(w);
    cr_expect_eq(cc_store_schema_version(st), CC_STORE_SCHEMA_VERSION_SQLITE);
    cc_store_exercise x;
    cc_store_error err;
    cr_assert_eq(cc_store_exercise_get(st, 1, &x, &err), CC_OK, "%s", err.message);
    cr_expect_str_eq(x.name, "Fictional NCG TTX (schema v1)");
    cr_expect_eq(x.events, 2);
    cc_store_exercise_clear(&x);
    /* version 2 tables work on the migrated file */
    cc_store_plan_item in;
    memset(&in, 0, sizeof in);
    in.issue = "Carried over";
    in.status = "open";
    int64_t id;
    cr_expect_eq(cc_store_plan_add(st, &in, &id, &err), CC_OK, "%s", err.message);
    /* and version 5's summaries */
    cr_expect_eq(cc_store_summary_add(st, 1, "Migrated.", NULL, "control", 1, &id, &err), CC_OK, "%s",
                 err.message);
    cr_expect_eq(id, 1);
    cr_expect_eq(cc_store_integrity(st, &err), CC_OK, "%s", err.message);
    cc_store_close(st);
}

/* The lines of exercise ex as one buffer (each followed by a newline), read through st. */
static void lines_of(cc_store *st, int64_t ex, cc_buf *b)
{
    cc_buf_reset(b);
    int stopped = 0;
    cc_store_error err;
    cr_assert_eq(cc_store_events(st, ex, 0, collect_lines, b, &stopped, &err), CC_OK, "%s", err.message);
}

/* A version-5 store: events in the WITHOUT ROWID (exercise, seq) table of version 1, written by
 * three exercises taking turns. A read-only open reads it as it is; a writable open migrates it to
 * version 6 (rows in append order under a rowid, a unique (exercise, seq) index) and every
 * exercise keeps exactly its lines and its chain, which appends then continue. */
Test(store_sqlite, migrates_a_version_5_store_to_events_in_append_order)
{
    const char *w = sqlite_where();
    cc_store *st = open_ok(w);
    int64_t ex[3];
    evgen g[3];
    for (int i = 0; i < 3; i++) {
        char name[16];
        snprintf(name, sizeof name, "ex%d", i);
        ex[i] = new_exercise(st, name);
        evgen_init(&g[i], 0, NULL);
    }
    cc_store_error err;
    for (int round = 0; round < 4; round++)
        for (int i = 0; i < 3; i++)
            cr_assert_eq(append_n(st, ex[i], &g[i], 1 + (round + i) % 3, &err), CC_OK, "%s", err.message);
    cc_buf want[3], got;
    cc_buf_init(&got);
    for (int i = 0; i < 3; i++) {
        cc_buf_init(&want[i]);
        lines_of(st, ex[i], &want[i]);
    }
    cr_expect_eq(count_of(st, ex[0]), 1 + 2 + 3 + 1);
    cc_store_close(st);
    /* back to version 5's layout, rows in (exercise, seq) order as that table keeps them */
    sql_run(w,
            "CREATE TABLE event5(exercise INTEGER NOT NULL REFERENCES exercise(id), seq INTEGER NOT NULL,"
            " hash TEXT NOT NULL, line TEXT NOT NULL, PRIMARY KEY(exercise, seq)) WITHOUT ROWID;"
            "INSERT INTO event5 SELECT exercise, seq, hash, line FROM event; DROP TABLE event;"
            "ALTER TABLE event5 RENAME TO event; UPDATE meta SET value = '5' WHERE key = 'schema_version'");
    cc_store_opts ro = {1, NULL, 0, 0};
    cr_assert_eq(cc_store_open(w, &ro, &st, &err), CC_OK, "%s", err.message);
    cr_expect_eq(cc_store_schema_version(st), 5);
    for (int i = 0; i < 3; i++) {
        lines_of(st, ex[i], &got);
        cr_expect(got.len == want[i].len && memcmp(got.data, want[i].data, got.len) == 0,
                  "read-only, version 5, exercise %d", i);
    }
    cc_store_close(st);
    st = open_ok(w);
    cr_expect_eq(cc_store_schema_version(st), 6);
    for (int i = 0; i < 3; i++) {
        lines_of(st, ex[i], &got);
        cr_expect(got.len == want[i].len && memcmp(got.data, want[i].data, got.len) == 0,
                  "migrated, exercise %d", i);
    }
    /* the chains go on from their heads; a line that does not continue one is still refused */
    for (int i = 0; i < 3; i++)
        cr_expect_eq(append_n(st, ex[i], &g[i], 2, &err), CC_OK, "%s", err.message);
    cr_expect_eq(count_of(st, ex[0]), 7 + 2);
    evgen stale;
    evgen_init(&stale, 0, NULL);
    cr_expect_neq(append_n(st, ex[1], &stale, 1, &err), CC_OK);
    cr_expect_eq(count_of(st, ex[1]), 2 + 3 + 1 + 2 + 2);
    cr_expect_eq(cc_store_integrity(st, &err), CC_OK, "%s", err.message);
    cc_store_close(st);
    /* the layout itself: a rowid table and the unique index, which refuses a second (exercise, seq) */
    sqlite3 *db;
    cr_assert_eq(sqlite3_open_v2(w, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
    sqlite3_stmt *q;
    cr_assert_eq(sqlite3_prepare_v2(db, "SELECT sql FROM sqlite_schema WHERE name = 'event'", -1, &q, NULL),
                 SQLITE_OK);
    cr_assert_eq(sqlite3_step(q), SQLITE_ROW);
    const char *sql = (const char *)sqlite3_column_text(q, 0);
    cr_expect(strstr(sql, "id INTEGER PRIMARY KEY") && !strstr(sql, "WITHOUT ROWID"), "%s", sql);
    sqlite3_finalize(q);
    cr_expect_eq(sqlite3_exec(db,
                              "INSERT INTO event(exercise, seq, hash, line) SELECT exercise, seq, hash, line"
                              " FROM event WHERE exercise = 1 AND seq = 0",
                              NULL, NULL, NULL),
                 SQLITE_CONSTRAINT);
    int one = 1;
    sqlite3_file_control(db, "main", SQLITE_FCNTL_PERSIST_WAL, &one);
    sqlite3_close(db);
    for (int i = 0; i < 3; i++)
        cc_buf_free(&want[i]);
    cc_buf_free(&got);
}

Test(store_sqlite, refuses_a_store_from_a_newer_caucus)
{
    const char *w = sqlite_where();
    cc_store_close(open_ok(w));
    sql_run(w, "UPDATE meta SET value = '9' WHERE key = 'schema_version'");
    cc_store *st;
    cc_store_error err;
    cr_expect_eq(cc_store_open(w, NULL, &st, &err), CC_ERR_INVALID);
    cr_expect(strstr(err.message, "schema version 9 is newer than this caucus supports (6)"), "%s",
              err.message);
}

Test(store_sqlite, refuses_files_that_are_not_caucus_stores)
{
    const char *w = sqlite_where();
    FILE *f = fopen(w, "wb");
    fputs("This is a plain text file, not a database, padded to more than one hundred bytes so that SQLite "
          "reads a full header from it.\n",
          f);
    fclose(f);
    cc_store *st;
    cc_store_error err;
    cr_expect_eq(cc_store_open(w, NULL, &st, &err), CC_ERR_INVALID);
    cr_expect(strstr(err.message, "not a caucus store"), "%s", err.message);
    const char *w2 = sqlite_where();
    sql_run(w2, "CREATE TABLE other(x)");
    cr_expect_eq(cc_store_open(w2, NULL, &st, &err), CC_ERR_INVALID);
    cr_expect(strstr(err.message, "no caucus \"meta\" table"), "%s", err.message);
    cc_store_opts ro = {1, NULL, 0, 0};
    cr_expect_eq(cc_store_open("/tmp/caucus-no-such-dir/x.db", &ro, &st, &err), CC_ERR_NOTFOUND);
    cr_expect_eq(cc_store_open("", NULL, &st, &err), CC_ERR_ARG);
    cr_expect_eq(cc_store_open("/tmp/caucus-no-such-dir/x.db", NULL, &st, &err), CC_ERR_IO);
    cr_expect(strstr(err.message, "cannot open"), "%s", err.message);
}

Test(store_sqlite, refuses_a_wal_store_whose_wal_file_was_removed)
{
    const char *w = sqlite_where();
    /* a writer that crashes (exits without closing) leaves -wal and -shm behind */
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        cc_store *st;
        cc_store_error err;
        if (cc_store_open(w, NULL, &st, &err) != CC_OK)
            _exit(3);
        int64_t ex = new_exercise(st, "wal");
        evgen g;
        evgen_init(&g, 0, NULL);
        _exit(append_n(st, ex, &g, 3, &err) == CC_OK ? 0 : 4);
    }
    int status;
    waitpid(pid, &status, 0);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    char wal[600], shm[600];
    snprintf(wal, sizeof wal, "%s-wal", w);
    snprintf(shm, sizeof shm, "%s-shm", w);
    struct stat sb;
    cr_assert_eq(stat(shm, &sb), 0);
    cr_assert_eq(unlink(wal), 0, "the crashed writer left its -wal");
    cc_store *st2;
    cc_store_error err;
    cr_expect_eq(cc_store_open(w, NULL, &st2, &err), CC_ERR_INVALID);
    cr_expect(strstr(err.message, "-wal is missing"), "%s", err.message);
}

/* Copies the main file alone, as a careless backup would. */
static void copy_file(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
    cr_assert(in && out);
    char buf[8192];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        cr_assert_eq(fwrite(buf, 1, n, out), n);
    fclose(in);
    cr_assert_eq(fclose(out), 0);
}

Test(store_sqlite, refuses_a_main_file_separated_from_its_wal)
{
    const char *w = sqlite_where();
    char db[520], copy[600], backup[600];
    snprintf(db, sizeof db, "%s", w);
    snprintf(copy, sizeof copy, "%s.copy", db);
    snprintf(backup, sizeof backup, "%s.backup", db);
    /* a writer that crashes with acknowledged events in the write-ahead log */
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        cc_store *st;
        cc_store_error err;
        if (cc_store_open(db, NULL, &st, &err) != CC_OK)
            _exit(3);
        int64_t ex = new_exercise(st, "wal");
        evgen g;
        evgen_init(&g, 0, NULL);
        _exit(append_n(st, ex, &g, 5, &err) == CC_OK ? 0 : 4);
    }
    int status;
    waitpid(pid, &status, 0);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    copy_file(db, copy);
    cc_store *st;
    cc_store_error err;
    cc_store_opts ro = {1, NULL, 0, 0};
    cr_expect_eq(cc_store_open(copy, &ro, &st, &err), CC_ERR_INVALID, "a copy without its -wal opened");
    cr_expect(strstr(err.message, "-wal file is missing") && strstr(err.message, "caucus backup"), "%s",
              err.message);
    cr_expect_eq(cc_store_open(copy, NULL, &st, &err), CC_ERR_INVALID, "a copy without its -wal opened");
    /* the store itself, with its -wal, opens and holds every acknowledged event */
    st = open_ok(db);
    cr_expect_eq(count_of(st, 1), 5);
    /* a clean close keeps the -wal; a backup is a file that stands alone */
    cr_assert_eq(cc_store_backup(st, backup, &err), CC_OK, "%s", err.message);
    cc_store_close(st);
    struct stat sb;
    char walpath[700];
    snprintf(walpath, sizeof walpath, "%s-wal", db);
    cr_expect_eq(stat(walpath, &sb), 0, "the last writer to close deleted the -wal");
    st = open_ok(backup);
    cr_expect_eq(count_of(st, 1), 5);
    cc_store_close(st);
    /* the store's main file alone, even after a clean close, is refused */
    copy_file(db, copy);
    cr_expect_eq(cc_store_open(copy, &ro, &st, &err), CC_ERR_INVALID);
}

Test(store_sqlite, refuses_a_read_only_database_for_writing)
{
    cr_assert_eq(faultvfs_register(), 0);
    const char *w = sqlite_where();
    cc_store_close(open_ok(w));
    faultvfs_readonly(1);
    cc_store_opts o = {0, FAULTVFS_NAME, 0, 0};
    cc_store *st;
    cc_store_error err;
    cr_expect_eq(cc_store_open(w, &o, &st, &err), CC_ERR_IO);
    cr_expect(strstr(err.message, "read-only"), "%s", err.message);
    /* for reading it opens */
    o.readonly = 1;
    cr_expect_eq(cc_store_open(w, &o, &st, &err), CC_OK, "%s", err.message);
    cc_store_close(st);
    faultvfs_readonly(0);
}

Test(store_sqlite, backs_up_online_and_never_overwrites)
{
    const char *w = sqlite_where();
    cc_store *st = open_ok(w);
    int64_t ex = new_exercise(st, "backup");
    evgen g;
    evgen_init(&g, 0, NULL);
    cc_store_error err;
    cr_assert_eq(append_n(st, ex, &g, 50, &err), CC_OK);
    char to[600];
    snprintf(to, sizeof to, "%s.bak", w);
    cr_expect_eq(cc_store_backup(st, to, &err), CC_OK, "%s", err.message);
    cr_expect_eq(cc_store_backup(st, to, &err), CC_ERR_ARG);
    cr_expect(strstr(err.message, "never overwrites"), "%s", err.message);
    cc_store_close(st);
    st = open_ok(to);
    cr_expect_eq(count_of(st, ex), 50);
    cc_store_close(st);
}

/* Power loss: a child appends with the fault VFS, records each acknowledged count in a pipe,
 * and loses power at its n-th write. The parent then opens the file normally and checks that
 * every acknowledged event is there, with no gaps and a sound database. */
static void power_loss_round(const char *w, int sync_normal, int crash_write, uint64_t *acked, uint64_t *have)
{
    int fd[2];
    cr_assert_eq(pipe(fd), 0);
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        close(fd[0]);
        faultvfs_register();
        cc_store_opts o = {0, FAULTVFS_NAME, sync_normal, 0};
        cc_store *st;
        cc_store_error err;
        if (cc_store_open(w, &o, &st, &err) != CC_OK)
            _exit(3);
        uint64_t n = 0;
        char h[65];
        if (cc_store_head(st, 1, &n, h, &err) != CC_OK)
            _exit(4);
        evgen g;
        evgen_init(&g, n, h);
        faultvfs_power_loss_at_write(crash_write);
        for (int i = 0; i < 400; i++) {
            if (append_n(st, 1, &g, 1 + i % 3, &err) != CC_OK)
                _exit(5);
            uint64_t c = g.seq;
            if (write(fd[1], &c, sizeof c) != sizeof c)
                _exit(6);
        }
        /* no crash yet: lose power now */
        faultvfs_power_loss();
        _exit(0);
    }
    close(fd[1]);
    uint64_t c;
    *acked = 0;
    while (read(fd[0], &c, sizeof c) == sizeof c)
        *acked = c;
    close(fd[0]);
    int status;
    waitpid(pid, &status, 0);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "writer exited %d", WEXITSTATUS(status));
    cc_store *st = open_ok(w);
    cc_store_error err;
    cr_expect_eq(cc_store_integrity(st, &err), CC_OK, "%s", err.message);
    *have = count_of(st, 1);
    collect all = {0, 0, 0, 0, 0};
    cr_assert_eq(cc_store_events(st, 1, 0, collect_fn, &all, NULL, &err), CC_OK);
    cr_expect_eq(all.n, *have, "no gaps");
    cr_expect_eq(all.out_of_order, 0);
    cc_store_close(st);
}

static void power_loss_setup(const char *w)
{
    cc_store *st = open_ok(w);
    cr_assert_eq(new_exercise(st, "power"), 1);
    cc_store_close(st);
}

Test(store_sqlite, power_loss_with_synchronous_full_keeps_every_acknowledged_event, .timeout = 120)
{
    const char *w = sqlite_where();
    power_loss_setup(w);
    uint64_t total_acked = 0;
    for (int round = 0; round < 12; round++) {
        uint64_t acked, have;
        /* crash points spread over early, middle and never (0 = after the loop) */
        int at = round % 4 == 3 ? 0 : 5 + round * 37;
        power_loss_round(w, 0, at, &acked, &have);
        cr_expect_geq(have, acked, "round %d: %llu acknowledged but only %llu present", round,
                      (unsigned long long)acked, (unsigned long long)have);
        total_acked += acked;
    }
    cr_expect_gt(total_acked, 0);
}

Test(store_sqlite, power_loss_with_synchronous_normal_is_detected, .timeout = 120)
{
    /* The same test with commits not synced must lose acknowledged events: proof that the
     * test above can fail. */
    const char *w = sqlite_where();
    power_loss_setup(w);
    uint64_t acked, have;
    power_loss_round(w, 1, 0, &acked, &have);
    cr_expect_gt(acked, 0);
    cr_expect_lt(have, acked, "synchronous=NORMAL kept all %llu acknowledged events",
                 (unsigned long long)acked);
}

static void fault_case(faultvfs_mode mode, int countdown, const char *expect)
{
    cr_assert_eq(faultvfs_register(), 0);
    const char *w = sqlite_where();
    cc_store_opts o = {0, FAULTVFS_NAME, 0, 0};
    cc_store *st;
    cc_store_error err;
    cr_assert_eq(cc_store_open(w, &o, &st, &err), CC_OK, "%s", err.message);
    int64_t ex = new_exercise(st, "faults");
    evgen g;
    evgen_init(&g, 0, NULL);
    cr_assert_eq(append_n(st, ex, &g, 10, &err), CC_OK);
    faultvfs_arm(mode, countdown);
    uint64_t acked = 10;
    int failures = 0;
    for (int i = 0; i < 20; i++) {
        cc_err rc = append_n(st, ex, &g, 2, &err);
        if (rc == CC_OK)
            acked += 2;
        else {
            failures++;
            cr_expect_eq(rc, CC_ERR_IO, "%s", err.message);
            cr_expect(strstr(err.message, expect), "'%s' lacks '%s'", err.message, expect);
        }
    }
    cr_expect(faultvfs_fired());
    cr_expect_eq(failures, 1, "exactly the faulted append fails");
    faultvfs_arm(FAULT_NONE, 0);
    /* the same handle recovers, and a fresh open agrees */
    cr_expect_eq(count_of(st, ex), acked);
    cc_store_close(st);
    st = open_ok(w);
    cr_expect_eq(count_of(st, ex), acked);
    cr_expect_eq(cc_store_integrity(st, &err), CC_OK, "%s", err.message);
    cc_store_close(st);
}

Test(store_sqlite, a_failed_write_is_an_error_and_no_ack)
{
    fault_case(FAULT_WRITE_IOERR, 3, "disk I/O error");
}

Test(store_sqlite, a_full_disk_is_an_error_and_no_ack)
{
    fault_case(FAULT_WRITE_FULL, 3, "full");
}

Test(store_sqlite, a_failed_sync_is_an_error_and_no_ack)
{
    fault_case(FAULT_SYNC_IOERR, 2, "disk I/O error");
}
