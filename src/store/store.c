/* store — the back-end independent half of the store: schema versions and migration, the
 * exercise / event / checkpoint / account / session / plan operations written once in the SQL
 * both back ends accept, and group commit of appends (the first waiting producer leads: it
 * writes every queued append in one transaction and wakes the others when it has committed). */
#include "store/store.h"

#include <inttypes.h>
#include <jansson.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdarg.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/evlog.h"
#include "core/grow.h"
#include "store/store_db.h"
#include "core/sha256.h"

#define PAGE 4096 /* events read per query by cc_store_events */

/* Chain head of one exercise within one batch: read from the database inside the batch's
 * transaction (another process sharing the store may have appended since the last one). */
typedef struct head {
    int64_t ex;
    uint64_t count;
    char hash[65];
    int found; /* the exercise exists */
} head;

/* One decoded event line of an append. */
typedef struct dline {
    uint64_t seq;
    char prev[65], hash[65]; /* lower-case hex */
    const char *line;        /* the line without its '\n', NUL-terminated, in decoded.text */
} dline;

/* The lines of one append, decoded (decode_lines) into arrays that grow and are reused. */
typedef struct decoded {
    size_t n;
    dline *v;
    size_t vcap;
    char *text; /* a copy of the append's text with each '\n' replaced by NUL */
    size_t textcap;
} decoded;

/* What the leader tells a waiting producer when it posts its semaphore. */
enum { P_WAITING, P_DONE, P_LEAD };

/* One producer's append in the group commit. The store owns these nodes: a caller takes one
 * from the store's free list for the length of its call and gives it back (node_get, node_put),
 * so nothing is allocated per append once every producer has had one, and a node is never freed
 * while the store is open: the leader may still be inside sem_post on a node whose caller has
 * already returned. */
typedef struct pending {
    int64_t ex;
    decoded dec;
    cc_err rc; /* CC_OK, or why its lines did not decode; then its result */
    cc_store_error err;
    int state;            /* P_*: written by the leader before it posts sem */
    sem_t sem;            /* its caller sleeps here until done or handed the lead */
    struct pending *next; /* in the queue, a batch or the free list */
    struct pending *all;  /* every node of the store, for cc_store_close */
    /* the callers of its batch this caller wakes once its own append is done (lead) */
    struct pending *kid[2];
} pending;

struct cc_store {
    cc_store_db *db;
    int version;
    int readonly;
    pthread_mutex_t dbmu; /* one statement or transaction at a time on the connection */
    pthread_mutex_t qmu;  /* the append queue */
    pending *qhead, *qtail;
    size_t qlen;
    int leading;
    /* Gathering (cc_store_append): the size and duration of the last batch, and the leader
     * waiting for the queue to fill again (NULL when none is). */
    size_t last_batch;
    int64_t last_ns;
    int gathering;            /* a leader waits on gather_cv for the queue to fill */
    pthread_cond_t gather_cv; /* with qmu */
    pthread_mutex_t poolmu;   /* the free nodes */
    pending *free, *nodes;
    /* write_batch's arrays (dbmu held), grown to the largest batch and reused */
    head *work;
    cc_sqlv *hp;
    size_t workcap, hpcap;
    cc_sqlv *ip;
    pending **owner;
    size_t ipcap, ownercap;
    /* Chain heads kept from one batch to the next (dbmu held; back ends with data_version only):
     * an open-addressed table of hcap (a power of 2) slots, found marking the used ones, valid
     * while the back end's data version is hc_version (no other connection has committed). */
    head *hc;
    size_t hcap, hn;
    int hc_valid;
    int64_t hc_version;
};

static cc_err fail(cc_store_error *err, cc_err rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static cc_err fail(cc_store_error *err, cc_err rc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    memset(err, 0, sizeof *err);
    err->code = rc;
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    return rc;
}

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

/* Parses a decimal integer column value (back ends return text). */
static int64_t num(const char *s)
{
    return s ? strtoll(s, NULL, 10) : 0;
}

static cc_err run(cc_store *st, const char *sql, int n, const cc_sqlv *p, cc_sql_row_fn fn, void *ctx,
                  cc_store_error *err)
{
    return st->db->exec(st->db, sql, n, p, fn, ctx, err);
}

/* ---- open and migrate ---- */

static int version_row(void *ctx, int n, const char *const *v)
{
    if (n >= 1 && v[0])
        *(int *)ctx = (int)num(v[0]);
    return 0;
}

static cc_err migrate(cc_store *st, cc_store_error *err)
{
    cc_store_db *db = st->db;
    int ntables = 0, has_meta = 0;
    cc_err rc = db->tables(db, &ntables, &has_meta, err);
    if (rc != CC_OK)
        return rc;
    if (ntables > 0 && !has_meta)
        return fail(err, CC_ERR_INVALID, "not a caucus store: it has %d tables but no caucus \"meta\" table",
                    ntables);
    int have = 0;
    if (has_meta) {
        rc = run(st, "SELECT value FROM meta WHERE key = 'schema_version'", 0, NULL, version_row, &have, err);
        if (rc != CC_OK)
            return rc;
        if (have < 1)
            return fail(err, CC_ERR_INVALID, "not a caucus store: \"meta\" has no valid schema_version");
    }
    if (have > db->nmigrations)
        return fail(
            err, CC_ERR_INVALID,
            "the store's schema version %d is newer than this caucus supports (%d); use a newer caucus", have,
            db->nmigrations);
    st->version = have;
    if (have == db->nmigrations || st->readonly) {
        if (have == 0)
            return fail(err, CC_ERR_INVALID, "empty database: not a caucus store");
        return CC_OK;
    }
    /* Forward migrations, each in its own transaction with the version bump. */
    while (st->version < db->nmigrations) {
        rc = db->script(db, db->begin_sql, err);
        if (rc != CC_OK)
            return rc;
        int again = st->version;
        if (db->migrate_lock && (rc = db->script(db, db->migrate_lock, err)) != CC_OK)
            goto rollback;
        /* Another process may have migrated while we waited for the lock. */
        if (has_meta || st->version > 0) {
            again = 0;
            if ((rc = run(st, "SELECT value FROM meta WHERE key = 'schema_version'", 0, NULL, version_row,
                          &again, err)) != CC_OK)
                goto rollback;
        } else {
            /* A new database: version 1 creates meta itself. PostgreSQL may have raced. */
            int n2 = 0, meta2 = 0;
            if ((rc = db->tables(db, &n2, &meta2, err)) != CC_OK)
                goto rollback;
            if (meta2 && (rc = run(st, "SELECT value FROM meta WHERE key = 'schema_version'", 0, NULL,
                                   version_row, &again, err)) != CC_OK)
                goto rollback;
        }
        if (again >= db->nmigrations) {
            db->script(db, "ROLLBACK", err);
            st->version = again;
            break;
        }
        if ((rc = db->script(db, db->migrations[again], err)) != CC_OK)
            goto rollback;
        cc_sqlv p[1] = {cc_sqlv_int(again + 1)};
        if (again == 0)
            rc = run(st, "INSERT INTO meta(key, value) VALUES ('schema_version', $1)", 1, p, NULL, NULL, err);
        else
            rc = run(st, "UPDATE meta SET value = $1 WHERE key = 'schema_version'", 1, p, NULL, NULL, err);
        if (rc != CC_OK)
            goto rollback;
        if ((rc = db->script(db, "COMMIT", err)) != CC_OK)
            goto rollback;
        st->version = again + 1;
        has_meta = 1;
        continue;
    rollback : {
        cc_store_error ignore;
        db->script(db, "ROLLBACK", &ignore);
        return rc;
    }
    }
    return CC_OK;
}

cc_err cc_store_open(const char *where, const cc_store_opts *opts, cc_store **out, cc_store_error *err)
{
    *out = NULL;
    err->message[0] = 0;
    if (!where || !*where)
        return fail(err, CC_ERR_ARG, "no store given");
    if (sodium_init() < 0)
        return fail(err, CC_ERR_IO, "libsodium could not initialise");
    cc_store *st = calloc(1, sizeof *st);
    if (!st)
        return fail(err, CC_ERR_NOMEM, "out of memory");
    st->readonly = opts && opts->readonly;
    cc_err rc;
    if (strncmp(where, "postgres://", 11) == 0 || strncmp(where, "postgresql://", 13) == 0)
        rc = cc_store_pg_open(where, opts, &st->db, err);
    else
        rc = cc_store_sqlite_open(where, opts, &st->db, err);
    if (rc != CC_OK) {
        free(st);
        return rc;
    }
    pthread_mutex_init(&st->dbmu, NULL);
    pthread_mutex_init(&st->qmu, NULL);
    pthread_mutex_init(&st->poolmu, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&st->gather_cv, &ca);
    pthread_condattr_destroy(&ca);
    rc = migrate(st, err);
    if (rc == CC_OK && !st->readonly && st->db->opened)
        rc = st->db->opened(st->db, err);
    if (rc != CC_OK) {
        cc_store_close(st);
        return rc;
    }
    *out = st;
    return CC_OK;
}

void cc_store_close(cc_store *st)
{
    if (!st)
        return;
    st->db->close(st->db);
    for (pending *p = st->nodes, *nx; p; p = nx) {
        nx = p->all;
        sem_destroy(&p->sem);
        free(p->dec.v);
        free(p->dec.text);
        free(p);
    }
    free(st->work);
    free(st->hp);
    free(st->ip);
    free(st->owner);
    free(st->hc);
    pthread_cond_destroy(&st->gather_cv);
    pthread_mutex_destroy(&st->poolmu);
    pthread_mutex_destroy(&st->dbmu);
    pthread_mutex_destroy(&st->qmu);
    free(st);
}

const char *cc_store_kind(const cc_store *st)
{
    return st->db->kind;
}

int cc_store_schema_version(const cc_store *st)
{
    return st->version;
}

cc_err cc_store_integrity(cc_store *st, cc_store_error *err)
{
    pthread_mutex_lock(&st->dbmu);
    cc_err rc = st->db->integrity(st->db, err);
    pthread_mutex_unlock(&st->dbmu);
    return rc;
}

cc_err cc_store_backup(cc_store *st, const char *to, cc_store_error *err)
{
    if (!st->db->backup)
        return fail(err, CC_ERR_ARG, "backup is for SQLite stores; use pg_dump for PostgreSQL");
    pthread_mutex_lock(&st->dbmu);
    cc_err rc = st->db->backup(st->db, to, err);
    pthread_mutex_unlock(&st->dbmu);
    return rc;
}

/* ---- exercises ---- */

void cc_store_exercise_clear(cc_store_exercise *x)
{
    free(x->name);
    free(x->scenario);
    free(x->variant);
    free(x->state);
    free(x->log_key);
    memset(x, 0, sizeof *x);
}

static int id_row(void *ctx, int n, const char *const *v)
{
    if (n >= 1 && v[0])
        *(int64_t *)ctx = num(v[0]);
    return 0;
}

/* The columns of a new exercise row (name, scenario, its SHA-256, seed, variant, created_wall) as
 * the parameters $1 to $6, with hex and seed the texts they borrow. */
static void exercise_row(const cc_store_exercise *in, char hex[65], char seed[24], cc_sqlv p[6])
{
    unsigned char h[32];
    cc_sha256((const unsigned char *)in->scenario, in->scenario_len, h);
    cc_hex(h, 32, hex);
    snprintf(seed, 24, "%" PRIu64, in->seed);
    p[0] = cc_sqlv_text(in->name);
    p[1] = cc_sqlv_text(in->scenario);
    p[2] = cc_sqlv_text(hex);
    p[3] = cc_sqlv_text(seed);
    p[4] = cc_sqlv_text(in->variant);
    p[5] = cc_sqlv_int(in->created_wall_ms);
}

cc_err cc_store_exercise_create(cc_store *st, const cc_store_exercise *in, int64_t *id, cc_store_error *err)
{
    if (!in->name || !in->scenario)
        return fail(err, CC_ERR_ARG, "an exercise needs a name and a scenario");
    char hex[65], seed[24];
    cc_sqlv p[6];
    exercise_row(in, hex, seed, p);
    *id = 0;
    pthread_mutex_lock(&st->dbmu);
    cc_err rc = run(st,
                    "INSERT INTO exercise(name, scenario, scenario_hash, seed, variant, state, created_wall) "
                    "VALUES ($1, $2, $3, $4, $5, 'created', $6) RETURNING id",
                    6, p, id_row, id, err);
    pthread_mutex_unlock(&st->dbmu);
    return rc;
}

typedef struct ex_rows {
    cc_store_exercise *v;
    size_t n, cap;
    int with_text;
    int oom;
} ex_rows;

static int ex_row(void *ctx, int n, const char *const *v)
{
    ex_rows *r = ctx;
    if (n < 10)
        return 1;
    cc_store_exercise *nv = cc_grow(r->v, &r->cap, r->n + 1, sizeof *nv);
    if (!nv) {
        r->oom = 1;
        return 1;
    }
    r->v = nv;
    cc_store_exercise *x = &r->v[r->n++];
    memset(x, 0, sizeof *x);
    x->id = num(v[0]);
    x->name = dup_or_null(v[1]);
    if (r->with_text && v[2]) {
        x->scenario = strdup(v[2]);
        x->scenario_len = x->scenario ? strlen(x->scenario) : 0;
    }
    snprintf(x->scenario_hash, sizeof x->scenario_hash, "%s", v[3] ? v[3] : "");
    x->seed = v[4] ? strtoull(v[4], NULL, 10) : 0;
    x->variant = dup_or_null(v[5]);
    x->state = dup_or_null(v[6]);
    x->created_wall_ms = num(v[7]);
    x->events = (uint64_t)num(v[8]);
    x->log_key = dup_or_null(v[9]);
    if (!x->name || !x->state || (r->with_text && v[2] && !x->scenario) || (v[9] && !x->log_key))
        r->oom = 1;
    return 0;
}

cc_err cc_store_exercise_get(cc_store *st, int64_t id, cc_store_exercise *out, cc_store_error *err)
{
    memset(out, 0, sizeof *out);
    ex_rows r = {NULL, 0, 0, 1, 0};
    cc_sqlv p[1] = {cc_sqlv_int(id)};
    pthread_mutex_lock(&st->dbmu);
    cc_err rc =
        run(st,
            "SELECT e.id, e.name, e.scenario, e.scenario_hash, e.seed, e.variant, e.state, e.created_wall, "
            "(SELECT count(*) FROM event v WHERE v.exercise = e.id), e.log_key FROM exercise e WHERE e.id = $1",
            1, p, ex_row, &r, err);
    pthread_mutex_unlock(&st->dbmu);
    if (rc == CC_OK && r.oom)
        rc = fail(err, CC_ERR_NOMEM, "out of memory");
    if (rc == CC_OK && r.n == 0)
        rc = fail(err, CC_ERR_NOTFOUND, "no exercise %" PRId64 " in this store", id);
    if (rc == CC_OK)
        *out = r.v[0];
    else
        for (size_t i = 0; i < r.n; i++)
            cc_store_exercise_clear(&r.v[i]);
    free(r.v);
    return rc;
}

cc_err cc_store_exercise_list(cc_store *st, cc_store_exercise **out, size_t *n, cc_store_error *err)
{
    ex_rows r = {NULL, 0, 0, 0, 0};
    pthread_mutex_lock(&st->dbmu);
    cc_err rc = run(st,
                    "SELECT e.id, e.name, NULL, e.scenario_hash, e.seed, e.variant, e.state, e.created_wall, "
                    "(SELECT count(*) FROM event v WHERE v.exercise = e.id), NULL FROM exercise e ORDER BY e.id",
                    0, NULL, ex_row, &r, err);
    pthread_mutex_unlock(&st->dbmu);
    if (rc == CC_OK && r.oom)
        rc = fail(err, CC_ERR_NOMEM, "out of memory");
    if (rc != CC_OK) {
        for (size_t i = 0; i < r.n; i++)
            cc_store_exercise_clear(&r.v[i]);
        free(r.v);
        *out = NULL;
        *n = 0;
        return rc;
    }
    *out = r.v;
    *n = r.n;
    return CC_OK;
}

static int count_row(void *ctx, int n, const char *const *v)
{
    (void)n;
    (void)v;
    (*(int *)ctx)++;
    return 0;
}

/* Runs an UPDATE/DELETE ... RETURNING 1 and reports CC_ERR_NOTFOUND when no row matched. */
static cc_err change_one(cc_store *st, const char *sql, int n, const cc_sqlv *p, const char *what,
                         cc_store_error *err)
{
    int hits = 0;
    pthread_mutex_lock(&st->dbmu);
    cc_err rc = run(st, sql, n, p, count_row, &hits, err);
    pthread_mutex_unlock(&st->dbmu);
    if (rc == CC_OK && hits == 0)
        rc = fail(err, CC_ERR_NOTFOUND, "%s not found", what);
    return rc;
}

cc_err cc_store_exercise_set_state(cc_store *st, int64_t id, const char *state, cc_store_error *err)
{
    static const char *const ok[] = {"created", "running", "paused", "ended"};
    int valid = 0;
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
        valid |= state && strcmp(state, ok[i]) == 0;
    if (!valid)
        return fail(err, CC_ERR_ARG, "unknown exercise state \"%s\"", state ? state : "(null)");
    cc_sqlv p[2] = {cc_sqlv_text(state), cc_sqlv_int(id)};
    return change_one(st, "UPDATE exercise SET state = $1 WHERE id = $2 RETURNING 1", 2, p, "exercise", err);
}

cc_err cc_store_exercise_pin_key(cc_store *st, int64_t id, const char *vkey, cc_store_error *err)
{
    if (!vkey || !*vkey)
        return fail(err, CC_ERR_ARG, "no key to pin");
    cc_sqlv p[2] = {cc_sqlv_text(vkey), cc_sqlv_int(id)};
    int hits = 0;
    pthread_mutex_lock(&st->dbmu);
    cc_err rc = run(st, "UPDATE exercise SET log_key = $1 WHERE id = $2 AND log_key IS NULL RETURNING 1", 2, p,
                    count_row, &hits, err);
    pthread_mutex_unlock(&st->dbmu);
    if (rc != CC_OK || hits)
        return rc;
    cc_store_exercise x;
    rc = cc_store_exercise_get(st, id, &x, err);
    if (rc != CC_OK)
        return rc;
    if (!x.log_key || strcmp(x.log_key, vkey) != 0)
        rc = fail(err, CC_ERR_INVALID,
                  "exercise %" PRId64 " is pinned to the checkpoint key %.120s, not %.120s: sign its checkpoints "
                  "with that key",
                  id, x.log_key ? x.log_key : "(none)", vkey);
    cc_store_exercise_clear(&x);
    return rc;
}

/* ---- the event log ---- */

typedef struct head_row {
    uint64_t count;
    char hash[65];
    int found;
} head_row;

static int head_fn(void *ctx, int n, const char *const *v)
{
    head_row *h = ctx;
    if (n >= 2 && v[0] && v[1]) {
        h->count = (uint64_t)num(v[0]) + 1;
        snprintf(h->hash, sizeof h->hash, "%s", v[1]);
    }
    return 0;
}

static int exists_fn(void *ctx, int n, const char *const *v)
{
    (void)n;
    (void)v;
    ((head_row *)ctx)->found = 1;
    return 0;
}

/* Reads the chain head of ex from the database (dbmu held). */
static cc_err read_head(cc_store *st, int64_t ex, head_row *h, cc_store_error *err)
{
    memset(h, 0, sizeof *h);
    memset(h->hash, '0', 64);
    cc_sqlv p[1] = {cc_sqlv_int(ex)};
    cc_err rc = run(st, "SELECT id FROM exercise WHERE id = $1", 1, p, exists_fn, h, err);
    if (rc != CC_OK)
        return rc;
    if (!h->found)
        return fail(err, CC_ERR_NOTFOUND, "no exercise %" PRId64 " in this store", ex);
    return run(st, "SELECT seq, hash FROM event WHERE exercise = $1 ORDER BY seq DESC LIMIT 1", 1, p, head_fn,
               h, err);
}

cc_err cc_store_head(cc_store *st, int64_t ex, uint64_t *count, char hash_hex[65], cc_store_error *err)
{
    head_row h;
    pthread_mutex_lock(&st->dbmu);
    cc_err rc = read_head(st, ex, &h, err);
    pthread_mutex_unlock(&st->dbmu);
    if (rc == CC_OK) {
        *count = h.count;
        memcpy(hash_hex, h.hash, 65);
    }
    return rc;
}

static head *find_head(head *v, size_t n, int64_t ex)
{
    for (size_t i = 0; i < n; i++)
        if (v[i].ex == ex)
            return &v[i];
    return NULL;
}

static void decoded_free(decoded *d)
{
    free(d->v);
    free(d->text);
    memset(d, 0, sizeof *d);
}

/* Decodes every line of an append strictly into d: each line is checked exactly as
 * cc_evlog_decode would check it (cc_evlog_check: the same lines accepted, the same messages for
 * the refused ones) and its seq, prev and hash kept, with a NUL-terminated copy of it. d's arrays
 * are reused from its last append and grown when too small. Needs no database, so each producer
 * does it on its own thread before it joins the queue; the group commit then only checks the
 * chain and inserts. */
static cc_err decode_lines(const char *lines, size_t len, decoded *d, cc_store_error *err)
{
    d->n = 0;
    if (len == 0)
        return fail(err, CC_ERR_ARG, "nothing to append");
    if (lines[len - 1] != '\n')
        return fail(err, CC_ERR_PARSE, "the last event line does not end in a newline");
    size_t n = 0;
    for (const char *q = lines, *end = lines + len; (q = memchr(q, '\n', (size_t)(end - q))) != NULL; q++)
        n++;
    dline *v = cc_grow(d->v, &d->vcap, n, sizeof *v);
    if (v)
        d->v = v;
    char *text = v ? cc_grow(d->text, &d->textcap, len, 1) : NULL;
    if (!text)
        return fail(err, CC_ERR_NOMEM, "out of memory");
    d->text = text;
    memcpy(text, lines, len);
    char *l = text, *end = text + len;
    for (size_t k = 0; k < n; k++) {
        char *nl = memchr(l, '\n', (size_t)(end - l));
        cc_evhead h;
        cc_evlog_error e;
        if (cc_evlog_check(l, (size_t)(nl - l), &h, &e) != CC_OK)
            return fail(err, CC_ERR_PARSE, "line %zu of the append: %s", k + 1, e.message);
        v[k].seq = h.seq;
        cc_hex(h.prev, 32, v[k].prev);
        cc_hex(h.hash, 32, v[k].hash);
        *nl = 0;
        v[k].line = l;
        l = nl + 1;
    }
    d->n = n;
    return CC_OK;
}

/* Checks that the decoded lines d of an append to ex continue the working head h; on success
 * advances h past them. A failure writes nothing and concerns only this append. */
static cc_err check_chain(const decoded *d, int64_t ex, head *h, cc_store_error *err)
{
    uint64_t count = h->count;
    const char *prev = h->hash;
    for (size_t k = 0; k < d->n; k++) {
        /* a line that does not continue the exercise's chain: another writer got there first */
        if (d->v[k].seq != count)
            return fail(err, CC_ERR_CONFLICT,
                        "line %zu of the append: seq %" PRIu64 " does not continue exercise %" PRId64
                        ", which has %" PRIu64 " events",
                        k + 1, d->v[k].seq, ex, count);
        if (strcmp(d->v[k].prev, prev) != 0)
            return fail(err, CC_ERR_CONFLICT,
                        "line %zu of the append (seq %" PRIu64
                        "): prev %.16s... is not the hash of the last event "
                        "(%.16s...)",
                        k + 1, d->v[k].seq, d->v[k].prev, prev);
        prev = d->v[k].hash;
        count++;
    }
    h->count = count;
    memcpy(h->hash, prev, 65);
    return CC_OK;
}

/* The parameters ($1 exercise, $2 seq, $3 hash, $4 line) of the INSERT of each line of d. */
static void insert_params(const decoded *d, int64_t ex, cc_sqlv *v)
{
    for (size_t k = 0; k < d->n; k++) {
        v[4 * k] = cc_sqlv_int(ex);
        v[4 * k + 1] = cc_sqlv_int((int64_t)d->v[k].seq);
        v[4 * k + 2] = cc_sqlv_text(d->v[k].hash);
        v[4 * k + 3] = cc_sqlv_text(d->v[k].line);
    }
}

static const char insert_sql[] = "INSERT INTO event(exercise, seq, hash, line) VALUES ($1, $2, $3, $4)";

/* The exercise's id and its chain head (NULLs when its log is empty) in one statement, so that
 * the heads of a whole batch are read in one round trip (exec_batch). */
static const char heads_sql[] =
    "SELECT id, (SELECT seq FROM event WHERE exercise = $1 ORDER BY seq DESC LIMIT 1), "
    "(SELECT hash FROM event WHERE exercise = $1 ORDER BY seq DESC LIMIT 1) FROM exercise WHERE id = $1";

typedef struct heads_ctx {
    head *v;
    size_t n;
} heads_ctx;

static int heads_row(void *ctx, int n, const char *const *v)
{
    heads_ctx *c = ctx;
    head *h = n >= 3 && v[0] ? find_head(c->v, c->n, num(v[0])) : NULL;
    if (!h)
        return 0;
    h->found = 1;
    if (v[1] && v[2]) {
        h->count = (uint64_t)num(v[1]) + 1;
        snprintf(h->hash, sizeof h->hash, "%s", v[2]);
    }
    return 0;
}

/* Grows write_batch's arrays (dbmu held) to hold nb appends of nlines lines in all. */
static int batch_room(cc_store *st, size_t nb, size_t nlines)
{
    /* a batch has >= 1 append; one whose lines did not decode has none to insert */
    nb = nb ? nb : 1;
    nlines = nlines ? nlines : 1;
    head *w = cc_grow(st->work, &st->workcap, nb, sizeof *w);
    if (w)
        st->work = w;
    cc_sqlv *hp = w ? cc_grow(st->hp, &st->hpcap, nb, sizeof *hp) : NULL;
    if (hp)
        st->hp = hp;
    cc_sqlv *ip = hp ? cc_grow(st->ip, &st->ipcap, 4 * nlines, sizeof *ip) : NULL;
    if (ip)
        st->ip = ip;
    pending **o = ip ? cc_grow(st->owner, &st->ownercap, nlines, sizeof *o) : NULL;
    if (o)
        st->owner = o;
    return o != NULL;
}

/* ---- chain heads kept between batches (dbmu held) ---- */

/* The slot of ex in the kept heads: its own, or the free one where it would go. hcap > 0. */
static head *hc_slot(cc_store *st, int64_t ex)
{
    size_t m = st->hcap - 1, i = (size_t)(((uint64_t)ex * 0x9E3779B97F4A7C15u) >> 32) & m;
    while (st->hc[i].found && st->hc[i].ex != ex)
        i = (i + 1) & m;
    return &st->hc[i];
}

static void hc_clear(cc_store *st)
{
    if (st->hc)
        memset(st->hc, 0, st->hcap * sizeof *st->hc);
    st->hn = 0;
    st->hc_valid = 0;
}

/* The kept head of ex into *h (1), or 0 when none is kept. */
static int hc_get(cc_store *st, int64_t ex, head *h)
{
    if (!st->hc_valid || st->hn == 0)
        return 0;
    const head *s = hc_slot(st, ex);
    if (!s->found)
        return 0;
    *h = *s;
    return 1;
}

/* Keeps h (an exercise that exists, its head as committed). 0 when out of memory. */
static int hc_put(cc_store *st, const head *h)
{
    if ((st->hn + 1) * 2 > st->hcap) {
        size_t ncap = st->hcap ? 2 * st->hcap : 64;
        head *old = st->hc, *nv = calloc(ncap, sizeof *nv);
        if (!nv)
            return 0;
        size_t ocap = st->hcap;
        st->hc = nv;
        st->hcap = ncap;
        for (size_t i = 0; i < ocap; i++)
            if (old[i].found)
                *hc_slot(st, old[i].ex) = old[i];
        free(old);
    }
    head *s = hc_slot(st, h->ex);
    st->hn += !s->found;
    *s = *h;
    return 1;
}

/* Writes a batch of appends in one transaction (dbmu held); each pending gets its result.
 * Statements per batch: BEGIN, the heads of its exercises (one exec_batch), the inserts of
 * every line that continues its chain (one exec_batch), COMMIT. On a back end with
 * data_version (SQLite) the heads this connection committed last are kept and used again while
 * no other connection has committed: then only exercises new to the batch are read. */
static void write_batch(cc_store *st, pending *batch)
{
    cc_store_error e;
    e.message[0] = 0;
    size_t nb = 0, nlines = 0;
    for (pending *p = batch; p; p = p->next) {
        nb++;
        nlines += p->rc == CC_OK ? p->dec.n : 0;
    }
    cc_err rc = CC_ERR_NOMEM;
    size_t nwork = 0, nins = 0;
    if (batch_room(st, nb, nlines))
        rc = st->db->script(st->db, st->db->begin_sql, &e);
    else
        fail(&e, CC_ERR_NOMEM, "out of memory");
    head *work = st->work;
    cc_sqlv *hp = st->hp, *ip = st->ip;
    pending **owner = st->owner; /* the append of each insert */
    /* Another process sharing the store may have appended since the last batch: the kept heads
     * hold only while the data version is the one they were kept at. */
    int64_t version = 0;
    if (rc == CC_OK && st->db->data_version) {
        rc = st->db->data_version(st->db, &version, &e);
        if (rc != CC_OK || !st->hc_valid || version != st->hc_version)
            hc_clear(st);
    }
    /* The heads of the exercises this batch appends to: kept ones, the others read once inside
     * the transaction (hp: nread of them). */
    size_t nread = 0;
    for (pending *p = batch; p && rc == CC_OK; p = p->next)
        if (!find_head(work, nwork, p->ex)) {
            if (!hc_get(st, p->ex, &work[nwork])) {
                memset(&work[nwork], 0, sizeof work[nwork]);
                work[nwork].ex = p->ex;
                memset(work[nwork].hash, '0', 64);
                hp[nread++] = cc_sqlv_int(p->ex);
            }
            nwork++;
        }
    heads_ctx hc = {work, nwork};
    if (rc == CC_OK && nread > 0)
        rc = st->db->exec_batch(st->db, heads_sql, nread, 1, hp, heads_row, &hc, NULL, &e);
    for (pending *p = batch; p && rc == CC_OK; p = p->next) {
        head *h = find_head(work, nwork, p->ex);
        if (!h->found)
            p->rc = fail(&p->err, CC_ERR_NOTFOUND, "no exercise %" PRId64 " in this store", p->ex);
        else if (p->rc == CC_OK) /* decoded on the producer's thread: check the chain */
            p->rc = check_chain(&p->dec, p->ex, h, &p->err);
        if (p->rc != CC_OK)
            continue;
        insert_params(&p->dec, p->ex, ip + 4 * nins);
        for (size_t k = 0; k < p->dec.n; k++)
            owner[nins + k] = p;
        nins += p->dec.n;
    }
    size_t bad = 0;
    if (rc == CC_OK) {
        rc = st->db->exec_batch(st->db, insert_sql, nins, 4, ip, NULL, NULL, &bad, &e);
        if (rc != CC_OK && bad < nins) {
            pending *p = owner[bad];
            p->rc = rc;
            p->err = e;
            if (rc == CC_ERR_INVALID) /* its event exists: another writer appended first */
                rc = p->rc = fail(&p->err, CC_ERR_CONFLICT,
                                  "event %" PRId64 " of exercise %" PRId64
                                  " already exists: another writer appended to it",
                                  ip[4 * bad + 1].i, p->ex);
            e = p->err;
        }
    }
    if (rc == CC_OK)
        rc = st->db->script(st->db, "COMMIT", &e);
    /* Committed: every check that passed advanced its working head past lines now in the
     * database, so the working heads are the exercises' heads as committed. */
    if (rc == CC_OK && st->db->data_version) {
        int kept = 1;
        for (size_t i = 0; i < nwork && kept; i++)
            if (work[i].found)
                kept = hc_put(st, &work[i]);
        st->hc_valid = kept;
        st->hc_version = version;
    } else {
        st->hc_valid = 0;
    }
    if (rc != CC_OK) {
        cc_store_error ignore;
        st->db->script(st->db, "ROLLBACK", &ignore);
        /* Nothing of this batch is acknowledged. */
        for (pending *p = batch; p; p = p->next)
            if (p->rc == CC_OK || p->rc == CC_ERR_IO || p->rc == CC_ERR_NOMEM ||
                strcmp(p->err.message, e.message) == 0) {
                p->rc = rc;
                snprintf(p->err.message, sizeof p->err.message, "not committed: %s",
                         e.message[0] ? e.message : cc_err_str(rc));
            }
    }
}

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Called by a new leader (qmu held, leading set). The producers just acknowledged come back
 * one by one, each after making its next append; had the first of them led at once, it would
 * commit alone and the rest would wait for the commit after (a batch of 1, then one of n-1:
 * two syncs where one does). So while the queue is shorter than the last batch, the leader
 * waits for it to fill, at most as long as the last batch took to write, and no longer than
 * GATHER_MAX_NS. A lone producer (last batch 1) never waits. Waiting only delays the start of
 * a batch: every append is still acknowledged only after its commit. */
#define GATHER_MAX_NS 2000000
static void gather(cc_store *st)
{
    if (st->qlen >= st->last_batch || st->last_ns <= 0)
        return;
    int64_t wait = st->last_ns < GATHER_MAX_NS ? st->last_ns : GATHER_MAX_NS;
    int64_t until = now_ns() + wait;
    struct timespec ts = {(time_t)(until / 1000000000), (long)(until % 1000000000)};
    st->gathering = 1;
    while (st->qlen < st->last_batch)
        if (pthread_cond_timedwait(&st->gather_cv, &st->qmu, &ts) != 0)
            break; /* timed out (or failed): write what has come */
    st->gathering = 0;
}

/* A node for one append: from the free list, or a new one (NULL when out of memory). */
static pending *node_get(cc_store *st)
{
    pthread_mutex_lock(&st->poolmu);
    pending *p = st->free;
    if (p)
        st->free = p->next;
    pthread_mutex_unlock(&st->poolmu);
    if (!p) {
        p = calloc(1, sizeof *p);
        if (!p)
            return NULL;
        if (sem_init(&p->sem, 0, 0) != 0) {
            free(p);
            return NULL;
        }
        pthread_mutex_lock(&st->poolmu);
        p->all = st->nodes;
        st->nodes = p;
        pthread_mutex_unlock(&st->poolmu);
    }
    p->next = NULL;
    p->state = P_WAITING;
    p->err.message[0] = 0;
    return p;
}

/* Gives p back (its semaphore at 0 again: every post to it was waited for). Arrays grown past
 * NODE_KEEP bytes by a large append are freed rather than kept. */
#define NODE_KEEP 65536
static void node_put(cc_store *st, pending *p)
{
    if (p->dec.textcap > NODE_KEEP || p->dec.vcap * sizeof *p->dec.v > NODE_KEEP)
        decoded_free(&p->dec);
    pthread_mutex_lock(&st->poolmu);
    p->next = st->free;
    st->free = p;
    pthread_mutex_unlock(&st->poolmu);
}

/* The leader's part of an append (called with qmu held and leading set; returns with qmu free):
 * takes the whole queue as the batch (me is in it), writes it, then hands the lead to the first
 * caller that queued meanwhile and, after letting go of qmu (a woken caller never waits for it),
 * wakes the other callers of the batch, each with one post of its own semaphore. The wake-ups
 * form a binary tree in queue order: the leader posts the first caller, and the caller at
 * position i posts those at 2i+1 and 2i+2 when it is woken (wake_kids), so the wake-ups run on
 * every core at once instead of one after the other on the leader's. */
static void lead(cc_store *st, pending *me)
{
    gather(st);
    pending *batch = st->qhead;
    size_t n = st->qlen;
    st->qhead = st->qtail = NULL;
    st->qlen = 0;
    pthread_mutex_unlock(&st->qmu);
    int64_t t0 = now_ns();
    pthread_mutex_lock(&st->dbmu);
    write_batch(st, batch);
    pthread_mutex_unlock(&st->dbmu);
    pthread_mutex_lock(&st->qmu);
    st->last_batch = n;
    st->last_ns = now_ns() - t0;
    pending *next = st->qhead;
    if (next)
        next->state = P_LEAD; /* leading stays set: the lead passes to next */
    else
        st->leading = 0;
    pthread_mutex_unlock(&st->qmu);
    if (next)
        sem_post(&next->sem);
    /* Every field of the batch's nodes is written before the first post: once posted, a node
     * belongs to its caller again, and a caller is posted only after its parent was. */
    pending *first = NULL, **tail = &first;
    for (pending *p = batch; p; p = p->next)
        if (p != me) {
            *tail = p;
            tail = &p->next;
        }
    *tail = NULL;
    pending *kids = first ? first->next : NULL;
    for (pending *p = first; p; p = p->next) {
        p->state = P_DONE;
        p->kid[0] = kids;
        kids = kids ? kids->next : NULL;
        p->kid[1] = kids;
        kids = kids ? kids->next : NULL;
    }
    if (first)
        sem_post(&first->sem);
}

/* A caller woken with its append done wakes its two callers of the batch's tree (lead). */
static void wake_kids(const pending *me)
{
    if (me->kid[0])
        sem_post(&me->kid[0]->sem);
    if (me->kid[1])
        sem_post(&me->kid[1]->sem);
}

/* Group commit. Each caller decodes its lines, queues its append and, unless nobody is writing a
 * batch (then it leads at once), sleeps on its node's semaphore until it is either done (its
 * append committed or refused; it then wakes at most two others of its batch) or handed the
 * lead. A caller thus sleeps at most once and is woken once. */
cc_err cc_store_append(cc_store *st, int64_t ex, const char *lines, size_t len, cc_store_error *err)
{
    if (st->readonly)
        return fail(err, CC_ERR_ARG, "the store was opened read-only");
    pending *me = node_get(st);
    if (!me)
        return fail(err, CC_ERR_NOMEM, "out of memory");
    me->ex = ex;
    /* A line that does not decode is reported after the exercise is found (as NOTFOUND first). */
    me->rc = decode_lines(lines, len, &me->dec, &me->err);
    pthread_mutex_lock(&st->qmu);
    if (st->qtail)
        st->qtail->next = me;
    else
        st->qhead = me;
    st->qtail = me;
    st->qlen++;
    if (st->gathering && st->qlen >= st->last_batch)
        pthread_cond_signal(&st->gather_cv);
    if (!st->leading) {
        st->leading = 1;
        lead(st, me);
    } else {
        pthread_mutex_unlock(&st->qmu);
        while (sem_wait(&me->sem) != 0)
            ; /* interrupted by a signal: wait on */
        if (me->state == P_LEAD) {
            pthread_mutex_lock(&st->qmu);
            lead(st, me);
        } else {
            wake_kids(me);
        }
    }
    cc_err rc = me->rc;
    if (rc != CC_OK) {
        *err = me->err;
        err->code = rc;
    }
    node_put(st, me);
    return rc;
}

cc_err cc_store_import(cc_store *st, const cc_store_exercise *in, cc_store_import_fn next, void *ctx,
                       int64_t *id, uint64_t *events, cc_store_error *err)
{
    *id = 0;
    *events = 0;
    if (st->readonly)
        return fail(err, CC_ERR_ARG, "the store was opened read-only");
    if (!in->name || !in->scenario)
        return fail(err, CC_ERR_ARG, "an exercise needs a name and a scenario");
    char hex[65], seed[24];
    cc_sqlv p[6];
    exercise_row(in, hex, seed, p);
    /* The whole import holds the connection: one transaction, committed only at the end. It
     * writes events through this connection, which the data version does not count: the heads
     * kept by the group commit are dropped (its exercise is new to them anyway). */
    pthread_mutex_lock(&st->dbmu);
    hc_clear(st);
    cc_err rc = st->db->script(st->db, st->db->begin_sql, err);
    int64_t ex = 0;
    if (rc == CC_OK)
        rc = run(st,
                 "INSERT INTO exercise(name, scenario, scenario_hash, seed, variant, state, created_wall) "
                 "VALUES ($1, $2, $3, $4, $5, 'ended', $6) RETURNING id",
                 6, p, id_row, &ex, err);
    head hd;
    memset(&hd, 0, sizeof hd);
    hd.ex = ex;
    memset(hd.hash, '0', 64);
    decoded d; /* reused for every piece */
    memset(&d, 0, sizeof d);
    cc_sqlv *ip = NULL;
    size_t ipcap = 0;
    while (rc == CC_OK) {
        const char *lines = NULL;
        size_t len = 0;
        char msg[300] = "";
        int got = next(ctx, &lines, &len, msg, sizeof msg);
        if (got < 0) {
            rc = fail(err, CC_ERR_INVALID, "%s", msg[0] ? msg : "the log could not be read");
            break;
        }
        if (got == 0 || len == 0)
            break;
        cc_store_error pe;
        uint64_t before = hd.count;
        rc = decode_lines(lines, len, &d, &pe);
        if (rc == CC_OK) {
            rc = check_chain(&d, ex, &hd, &pe);
            if (rc == CC_ERR_CONFLICT) /* nobody else writes a new exercise: the log does not chain */
                rc = pe.code = CC_ERR_INVALID;
        }
        if (rc == CC_OK) {
            cc_sqlv *nip = cc_grow(ip, &ipcap, 4 * d.n, sizeof *ip);
            if (!nip) {
                rc = fail(&pe, CC_ERR_NOMEM, "out of memory");
            } else {
                ip = nip;
                insert_params(&d, ex, ip);
                rc = st->db->exec_batch(st->db, insert_sql, d.n, 4, ip, NULL, NULL, NULL, &pe);
            }
        }
        if (rc != CC_OK) {
            *err = pe;
            /* "line K of the append" counts within this piece: say where it starts */
            char m[sizeof err->message];
            snprintf(m, sizeof m, "%.250s (the piece starting at event %" PRIu64 ")", pe.message, before);
            snprintf(err->message, sizeof err->message, "%s", m);
        }
    }
    free(ip);
    decoded_free(&d);
    if (rc == CC_OK && hd.count == 0)
        rc = fail(err, CC_ERR_INVALID, "the log is empty");
    if (rc == CC_OK)
        rc = st->db->script(st->db, "COMMIT", err);
    if (rc != CC_OK) {
        cc_store_error ignore;
        st->db->script(st->db, "ROLLBACK", &ignore);
    }
    pthread_mutex_unlock(&st->dbmu);
    if (rc == CC_OK) {
        *id = ex;
        *events = hd.count;
    }
    return rc;
}

typedef struct ev_walk {
    cc_store_event_fn fn;
    cc_store_row_fn rowfn; /* instead of fn: with the hash column */
    void *ctx;
    uint64_t next;
    int stopped;
    int bad;
    /* rows of one page, copied so that the callback runs without dbmu held */
    char **lines, **hashes;
    uint64_t *seqs;
    size_t n, cap;
} ev_walk;

static int ev_row(void *ctx, int n, const char *const *v)
{
    ev_walk *w = ctx;
    if (n < 3 || !v[0] || !v[2]) {
        w->bad = 1;
        return 1;
    }
    size_t c = w->cap; /* three arrays of one capacity: each grows from w->cap */
    char **nl = cc_grow(w->lines, &c, w->n + 1, sizeof *nl);
    if (nl)
        w->lines = nl;
    c = w->cap;
    char **nh = nl ? cc_grow(w->hashes, &c, w->n + 1, sizeof *nh) : NULL;
    if (nh)
        w->hashes = nh;
    c = w->cap;
    uint64_t *ns = nh ? cc_grow(w->seqs, &c, w->n + 1, sizeof *ns) : NULL;
    if (!ns) {
        w->bad = 2;
        return 1;
    }
    w->seqs = ns;
    w->cap = c;
    w->seqs[w->n] = (uint64_t)num(v[0]);
    w->hashes[w->n] = strdup(v[1] ? v[1] : "");
    if (!w->hashes[w->n] || !(w->lines[w->n] = strdup(v[2]))) {
        free(w->hashes[w->n]);
        w->bad = 2;
        return 1;
    }
    w->n++;
    return 0;
}

static cc_err walk(cc_store *st, int64_t ex, uint64_t from_seq, ev_walk *w, int *stopped, cc_store_error *err)
{
    w->next = from_seq;
    if (stopped)
        *stopped = 0;
    head_row h;
    pthread_mutex_lock(&st->dbmu);
    cc_err rc = read_head(st, ex, &h, err);
    pthread_mutex_unlock(&st->dbmu);
    while (rc == CC_OK) {
        cc_sqlv p[3] = {cc_sqlv_int(ex), cc_sqlv_int((int64_t)w->next), cc_sqlv_int(PAGE)};
        w->n = 0;
        pthread_mutex_lock(&st->dbmu);
        rc = run(st,
                 "SELECT seq, hash, line FROM event WHERE exercise = $1 AND seq >= $2 ORDER BY seq LIMIT $3", 3,
                 p, ev_row, w, err);
        pthread_mutex_unlock(&st->dbmu);
        if (rc == CC_OK && w->bad)
            rc = w->bad == 2 ? fail(err, CC_ERR_NOMEM, "out of memory")
                             : fail(err, CC_ERR_INVALID, "an event row of exercise %" PRId64 " is NULL", ex);
        for (size_t i = 0; rc == CC_OK && i < w->n && !w->stopped; i++) {
            size_t len = strlen(w->lines[i]);
            if (w->rowfn ? w->rowfn(w->ctx, w->seqs[i], w->hashes[i], w->lines[i], len)
                         : w->fn(w->ctx, w->seqs[i], w->lines[i], len))
                w->stopped = 1;
            w->next = w->seqs[i] + 1;
        }
        for (size_t j = 0; j < w->n; j++) {
            free(w->lines[j]);
            free(w->hashes[j]);
        }
        if (rc != CC_OK || w->stopped || w->n < PAGE)
            break;
    }
    free(w->lines);
    free(w->hashes);
    free(w->seqs);
    if (stopped)
        *stopped = w->stopped;
    return rc;
}

cc_err cc_store_events(cc_store *st, int64_t ex, uint64_t from_seq, cc_store_event_fn fn, void *ctx,
                       int *stopped, cc_store_error *err)
{
    ev_walk w;
    memset(&w, 0, sizeof w);
    w.fn = fn;
    w.ctx = ctx;
    return walk(st, ex, from_seq, &w, stopped, err);
}

cc_err cc_store_event_rows(cc_store *st, int64_t ex, uint64_t from_seq, cc_store_row_fn fn, void *ctx,
                           int *stopped, cc_store_error *err)
{
    ev_walk w;
    memset(&w, 0, sizeof w);
    w.rowfn = fn;
    w.ctx = ctx;
    return walk(st, ex, from_seq, &w, stopped, err);
}

/* ---- checkpoints ---- */

cc_err cc_store_checkpoint_add(cc_store *st, int64_t ex, uint64_t size, const char *note, cc_store_error *err)
{
    cc_sqlv p[3] = {cc_sqlv_int(ex), cc_sqlv_int((int64_t)size), cc_sqlv_text(note)};
    pthread_mutex_lock(&st->dbmu);
    cc_err rc =
        run(st, "INSERT INTO checkpoint(exercise, size, note) VALUES ($1, $2, $3)", 3, p, NULL, NULL, err);
    pthread_mutex_unlock(&st->dbmu);
    if (rc == CC_ERR_INVALID)
        fail(err, rc,
             "exercise %" PRId64 " already has a checkpoint at size %" PRIu64 " (or no such exercise)", ex,
             size);
    return rc;
}

cc_err cc_store_checkpoint_replace(cc_store *st, int64_t ex, uint64_t size, const char *old, const char *note,
                                   cc_store_error *err)
{
    cc_sqlv p[4] = {cc_sqlv_text(note), cc_sqlv_int(ex), cc_sqlv_int((int64_t)size), cc_sqlv_text(old)};
    return change_one(st,
                      "UPDATE checkpoint SET note = $1 WHERE exercise = $2 AND size = $3 AND CAST(note AS TEXT) = $4 "
                      "RETURNING 1",
                      4, p, "the checkpoint as it was read (it changed meanwhile, or is gone)", err);
}

typedef struct str_rows {
    char **v; /* ncol strings per row, NULL allowed */
    size_t n, cap;
    int ncol;
    int oom;
} str_rows;

static int str_row(void *ctx, int n, const char *const *v)
{
    str_rows *r = ctx;
    char **nv = cc_grow(r->v, &r->cap, r->n + 1, (size_t)r->ncol * sizeof *nv); /* a row of ncol */
    if (!nv) {
        r->oom = 1;
        return 1;
    }
    r->v = nv;
    for (int c = 0; c < r->ncol; c++) {
        const char *s = c < n ? v[c] : NULL;
        char *d = s ? strdup(s) : NULL;
        if (s && !d)
            r->oom = 1;
        r->v[r->n * (size_t)r->ncol + (size_t)c] = d;
    }
    r->n++;
    return r->oom;
}

static void str_rows_free(str_rows *r)
{
    for (size_t i = 0; i < r->n * (size_t)r->ncol; i++)
        free(r->v[i]);
    free(r->v);
}

/* Runs a query into memory (dbmu held only for the query) so callbacks run unlocked. */
static cc_err query(cc_store *st, const char *sql, int n, const cc_sqlv *p, int ncol, str_rows *r,
                    cc_store_error *err)
{
    memset(r, 0, sizeof *r);
    r->ncol = ncol;
    pthread_mutex_lock(&st->dbmu);
    cc_err rc = run(st, sql, n, p, str_row, r, err);
    pthread_mutex_unlock(&st->dbmu);
    if (rc == CC_OK && r->oom)
        rc = fail(err, CC_ERR_NOMEM, "out of memory");
    return rc;
}

cc_err cc_store_checkpoints(cc_store *st, int64_t ex, cc_store_checkpoint_fn fn, void *ctx,
                            cc_store_error *err)
{
    str_rows r;
    cc_sqlv p[1] = {cc_sqlv_int(ex)};
    cc_err rc =
        query(st, "SELECT size, note FROM checkpoint WHERE exercise = $1 ORDER BY size", 1, p, 2, &r, err);
    for (size_t i = 0; rc == CC_OK && i < r.n; i++)
        if (fn(ctx, (uint64_t)num(r.v[i * 2]), r.v[i * 2 + 1] ? r.v[i * 2 + 1] : ""))
            break;
    str_rows_free(&r);
    return rc;
}

/* ---- accounts and sessions ---- */

cc_err cc_store_account_set(cc_store *st, int64_t ex, const char *role, const char *seat,
                            const char *secret_hash, cc_store_error *err)
{
    if (!role || (strcmp(role, "control") != 0 && strcmp(role, "seat") != 0))
        return fail(err, CC_ERR_ARG, "an account's role is \"control\" or \"seat\"");
    if ((strcmp(role, "seat") == 0) != (seat != NULL && *seat))
        return fail(err, CC_ERR_ARG, "a seat account names its seat; control's has none");
    if (!secret_hash || !*secret_hash)
        return fail(err, CC_ERR_ARG, "an account needs a secret hash");
    cc_sqlv p[4] = {cc_sqlv_int(ex), cc_sqlv_text(role), cc_sqlv_text(seat ? seat : ""),
                    cc_sqlv_text(secret_hash)};
    pthread_mutex_lock(&st->dbmu);
    cc_err rc = run(st,
                    "INSERT INTO account(exercise, role, seat, secret_hash) VALUES ($1, $2, $3, $4) "
                    "ON CONFLICT (exercise, role, seat) DO UPDATE SET secret_hash = excluded.secret_hash",
                    4, p, NULL, NULL, err);
    pthread_mutex_unlock(&st->dbmu);
    if (rc == CC_ERR_INVALID)
        fail(err, rc, "no exercise %" PRId64 " in this store", ex);
    return rc;
}

cc_err cc_store_accounts(cc_store *st, int64_t ex, cc_store_account_fn fn, void *ctx, cc_store_error *err)
{
    str_rows r;
    cc_sqlv p[1] = {cc_sqlv_int(ex)};
    cc_err rc =
        query(st, "SELECT role, seat, secret_hash FROM account WHERE exercise = $1 ORDER BY role, seat", 1, p,
              3, &r, err);
    for (size_t i = 0; rc == CC_OK && i < r.n; i++) {
        const char *seat = r.v[i * 3 + 1];
        if (fn(ctx, r.v[i * 3], seat && *seat ? seat : NULL, r.v[i * 3 + 2]))
            break;
    }
    str_rows_free(&r);
    return rc;
}

static int is_hex64(const char *s)
{
    if (!s || strlen(s) != 64)
        return 0;
    for (int i = 0; i < 64; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return 0;
    return 1;
}

cc_err cc_store_session_add(cc_store *st, const char *token_hash_hex, int64_t ex, const char *role,
                            const char *seat, int64_t expires_wall_ms, cc_store_error *err)
{
    if (!is_hex64(token_hash_hex))
        return fail(err, CC_ERR_ARG, "a session is keyed by the token's SHA-256 in lower-case hex");
    if (!role || !*role)
        return fail(err, CC_ERR_ARG, "a session needs a role");
    cc_sqlv p[5] = {cc_sqlv_text(token_hash_hex), cc_sqlv_int(ex), cc_sqlv_text(role), cc_sqlv_text(seat),
                    cc_sqlv_int(expires_wall_ms)};
    pthread_mutex_lock(&st->dbmu);
    cc_err rc = run(
        st, "INSERT INTO session(token_hash, exercise, role, seat, expires_wall) VALUES ($1, $2, $3, $4, $5)",
        5, p, NULL, NULL, err);
    pthread_mutex_unlock(&st->dbmu);
    if (rc == CC_ERR_INVALID)
        fail(err, rc, "the session exists already, or exercise %" PRId64 " does not", ex);
    return rc;
}

cc_err cc_store_session_get(cc_store *st, const char *token_hash_hex, int64_t now_wall_ms, int64_t *ex,
                            char **role, char **seat, cc_store_error *err)
{
    *role = *seat = NULL;
    if (!is_hex64(token_hash_hex))
        return fail(err, CC_ERR_NOTFOUND, "no such session");
    str_rows r;
    cc_sqlv p[2] = {cc_sqlv_text(token_hash_hex), cc_sqlv_int(now_wall_ms)};
    cc_err rc =
        query(st, "SELECT exercise, role, seat FROM session WHERE token_hash = $1 AND expires_wall > $2", 2,
              p, 3, &r, err);
    if (rc == CC_OK && r.n == 0)
        rc = fail(err, CC_ERR_NOTFOUND, "no such session, or it has expired");
    if (rc == CC_OK) {
        *ex = num(r.v[0]);
        *role = r.v[1];
        *seat = r.v[2];
        r.v[1] = r.v[2] = NULL;
    }
    str_rows_free(&r);
    return rc;
}

cc_err cc_store_session_delete(cc_store *st, const char *token_hash_hex, cc_store_error *err)
{
    cc_sqlv p[1] = {cc_sqlv_text(token_hash_hex)};
    return change_one(st, "DELETE FROM session WHERE token_hash = $1 RETURNING 1", 1, p, "session", err);
}

cc_err cc_store_sessions_end(cc_store *st, int64_t ex, const char *role, const char *seat, int *ended,
                             cc_store_error *err)
{
    cc_sqlv p[3] = {cc_sqlv_int(ex), cc_sqlv_text(role), cc_sqlv_text(seat ? seat : "")};
    *ended = 0;
    pthread_mutex_lock(&st->dbmu);
    cc_err rc = run(st,
                    "DELETE FROM session WHERE exercise = $1 AND role = $2 AND COALESCE(seat, '') = $3 "
                    "RETURNING 1",
                    3, p, count_row, ended, err);
    pthread_mutex_unlock(&st->dbmu);
    return rc;
}

/* ---- improvement plan ---- */

void cc_store_plan_item_clear(cc_store_plan_item *x)
{
    char **f[] = {&x->finding, &x->capability, &x->issue, &x->action, &x->element,    &x->owner,
                  &x->poc,     &x->start,      &x->due,   &x->status, &x->closed_note};
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
        free(*f[i]);
    memset(x, 0, sizeof *x);
}

json_t *cc_store_plan_item_json(const cc_store_plan_item *p)
{
    return json_pack("{s:I,s:I,s:s?,s:s?,s:s?,s:s?,s:s?,s:s?,s:s?,s:s?,s:s?,s:s?,s:s?}", "id",
                     (json_int_t)p->id, "exercise", (json_int_t)p->exercise, "finding", p->finding,
                     "capability", p->capability, "issue", p->issue, "action", p->action, "element",
                     p->element, "owner", p->owner, "poc", p->poc, "start", p->start, "due", p->due, "status",
                     p->status, "closed_note", p->closed_note);
}

static int valid_status(const char *s)
{
    return s && (strcmp(s, "open") == 0 || strcmp(s, "in progress") == 0 || strcmp(s, "closed") == 0);
}

static int valid_date(const char *s)
{
    if (!s)
        return 1;
    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return 0;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
            return 0;
    int m = (s[5] - '0') * 10 + (s[6] - '0'), d = (s[8] - '0') * 10 + (s[9] - '0');
    return m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

static cc_err plan_check(const cc_store_plan_item *in, cc_store_error *err)
{
    if (!in->issue || !*in->issue)
        return fail(err, CC_ERR_ARG, "an improvement-plan item needs an issue");
    if (!valid_status(in->status))
        return fail(err, CC_ERR_ARG, "status is \"open\", \"in progress\" or \"closed\", not \"%s\"",
                    in->status ? in->status : "(none)");
    if (!valid_date(in->start) || !valid_date(in->due))
        return fail(err, CC_ERR_ARG, "dates are YYYY-MM-DD");
    if (in->start && in->due && strcmp(in->start, in->due) > 0)
        return fail(err, CC_ERR_ARG, "the due date %s is before the start date %s", in->due, in->start);
    return CC_OK;
}

cc_err cc_store_plan_add(cc_store *st, const cc_store_plan_item *in, int64_t *id, cc_store_error *err)
{
    cc_err rc = plan_check(in, err);
    if (rc != CC_OK)
        return rc;
    cc_sqlv p[12] = {cc_sqlv_int(in->exercise), cc_sqlv_text(in->finding), cc_sqlv_text(in->capability),
                     cc_sqlv_text(in->issue),   cc_sqlv_text(in->action),  cc_sqlv_text(in->element),
                     cc_sqlv_text(in->owner),   cc_sqlv_text(in->poc),     cc_sqlv_text(in->start),
                     cc_sqlv_text(in->due),     cc_sqlv_text(in->status),  cc_sqlv_text(in->closed_note)};
    *id = 0;
    pthread_mutex_lock(&st->dbmu);
    rc = run(st,
             "INSERT INTO plan_item(exercise, finding, capability, issue, action, element, owner, poc, "
             "start, due, "
             "status, closed_note) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
             12, p, id_row, id, err);
    pthread_mutex_unlock(&st->dbmu);
    return rc;
}

cc_err cc_store_plan_update(cc_store *st, const cc_store_plan_item *in, cc_store_error *err)
{
    cc_err rc = plan_check(in, err);
    if (rc != CC_OK)
        return rc;
    cc_sqlv p[13] = {cc_sqlv_int(in->exercise), cc_sqlv_text(in->finding), cc_sqlv_text(in->capability),
                     cc_sqlv_text(in->issue),   cc_sqlv_text(in->action),  cc_sqlv_text(in->element),
                     cc_sqlv_text(in->owner),   cc_sqlv_text(in->poc),     cc_sqlv_text(in->start),
                     cc_sqlv_text(in->due),     cc_sqlv_text(in->status),  cc_sqlv_text(in->closed_note),
                     cc_sqlv_int(in->id)};
    return change_one(
        st,
        "UPDATE plan_item SET exercise = $1, finding = $2, capability = $3, issue = $4, action = $5, "
        "element = $6, owner = $7, poc = $8, start = $9, due = $10, status = $11, closed_note = $12 "
        "WHERE id = $13 RETURNING 1",
        13, p, "improvement-plan item", err);
}

#define PLAN_COLS                                                                                            \
    "SELECT id, exercise, finding, capability, issue, action, element, owner, poc, start, due, status, "     \
    "closed_note "                                                                                           \
    "FROM plan_item "

static void plan_from_row(char **v, cc_store_plan_item *x)
{
    memset(x, 0, sizeof *x);
    x->id = num(v[0]);
    x->exercise = num(v[1]);
    char **f[] = {&x->finding, &x->capability, &x->issue, &x->action, &x->element,    &x->owner,
                  &x->poc,     &x->start,      &x->due,   &x->status, &x->closed_note};
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
        *f[i] = v[2 + i];
        v[2 + i] = NULL; /* ownership moves to the item */
    }
}

cc_err cc_store_plan_get(cc_store *st, int64_t id, cc_store_plan_item *out, cc_store_error *err)
{
    memset(out, 0, sizeof *out);
    str_rows r;
    cc_sqlv p[1] = {cc_sqlv_int(id)};
    cc_err rc = query(st, PLAN_COLS "WHERE id = $1", 1, p, 13, &r, err);
    if (rc == CC_OK && r.n == 0)
        rc = fail(err, CC_ERR_NOTFOUND, "no improvement-plan item %" PRId64, id);
    if (rc == CC_OK)
        plan_from_row(r.v, out);
    str_rows_free(&r);
    return rc;
}

cc_err cc_store_plan_list(cc_store *st, int open_only, cc_store_plan_item **out, size_t *n,
                          cc_store_error *err)
{
    *out = NULL;
    *n = 0;
    str_rows r;
    cc_err rc =
        query(st, open_only ? PLAN_COLS "WHERE status <> 'closed' ORDER BY id" : PLAN_COLS "ORDER BY id", 0,
              NULL, 13, &r, err);
    if (rc == CC_OK && r.n) {
        *out = calloc(r.n, sizeof **out);
        if (!*out) {
            rc = fail(err, CC_ERR_NOMEM, "out of memory");
        } else {
            for (size_t i = 0; i < r.n; i++)
                plan_from_row(r.v + i * 13, &(*out)[i]);
            *n = r.n;
        }
    }
    str_rows_free(&r);
    return rc;
}

/* ---- scenario documents, versions, pins and the inject catalogue ---- */

void cc_store_doc_clear(cc_store_doc *d)
{
    free(d->name);
    d->name = NULL;
}

void cc_store_version_clear(cc_store_version *v)
{
    free(v->text);
    free(v->author);
    free(v->note);
    v->text = v->author = v->note = NULL;
}

void cc_store_template_clear(cc_store_template *t)
{
    free(t->name);
    free(t->item);
    t->name = t->item = NULL;
}

static void text_hash(const char *text, size_t len, char hex[65])
{
    unsigned char h[32];
    cc_sha256((const unsigned char *)text, len, h);
    cc_hex(h, 32, hex);
}

/* Inserts version `version` of doc (dbmu held). */
static cc_err version_insert(cc_store *st, int64_t doc, int64_t version, const char *text, size_t len,
                             const char *author, const char *note, int64_t now, cc_store_error *err)
{
    char hex[65];
    text_hash(text, len, hex);
    cc_sqlv p[7] = {cc_sqlv_int(doc),     cc_sqlv_int(version), cc_sqlv_text(text), cc_sqlv_text(hex),
                    cc_sqlv_text(author), cc_sqlv_text(note),   cc_sqlv_int(now)};
    return run(st,
               "INSERT INTO scenario_version(doc, version, text, hash, author, note, created_wall) "
               "VALUES ($1, $2, $3, $4, $5, $6, $7)",
               7, p, NULL, NULL, err);
}

cc_err cc_store_doc_create(cc_store *st, const char *name, const char *text, size_t len, const char *author,
                           int64_t now_wall_ms, int64_t *id, cc_store_error *err)
{
    if (!name || !*name || !text || strlen(text) != len)
        return fail(err, CC_ERR_ARG, "a scenario document needs a name and a text without NUL bytes");
    *id = 0;
    pthread_mutex_lock(&st->dbmu);
    cc_err rc = st->db->script(st->db, st->db->begin_sql, err);
    cc_sqlv p[2] = {cc_sqlv_text(name), cc_sqlv_int(now_wall_ms)};
    if (rc == CC_OK)
        rc = run(st, "INSERT INTO scenario_doc(name, created_wall) VALUES ($1, $2) RETURNING id", 2, p,
                 id_row, id, err);
    if (rc == CC_OK)
        rc = version_insert(st, *id, 1, text, len, author, "created", now_wall_ms, err);
    if (rc == CC_OK)
        rc = st->db->script(st->db, "COMMIT", err);
    if (rc != CC_OK) {
        cc_store_error ignore;
        st->db->script(st->db, "ROLLBACK", &ignore);
        *id = 0;
    }
    pthread_mutex_unlock(&st->dbmu);
    return rc;
}

cc_err cc_store_doc_list(cc_store *st, cc_store_doc **out, size_t *n, cc_store_error *err)
{
    *out = NULL;
    *n = 0;
    str_rows r;
    cc_err rc =
        query(st,
              "SELECT d.id, d.name, d.created_wall, MAX(v.version), MAX(v.created_wall) FROM scenario_doc d "
              "JOIN scenario_version v ON v.doc = d.id GROUP BY d.id, d.name, d.created_wall ORDER BY d.id",
              0, NULL, 5, &r, err);
    cc_store_doc *d = rc == CC_OK && r.n ? calloc(r.n, sizeof *d) : NULL;
    if (rc == CC_OK && r.n && !d)
        rc = fail(err, CC_ERR_NOMEM, "out of memory");
    for (size_t i = 0; d && i < r.n; i++) {
        char **v = r.v + i * 5;
        d[i] = (cc_store_doc){num(v[0]), v[1], num(v[3]), num(v[2]), num(v[4])};
        v[1] = NULL;
    }
    *out = d;
    *n = d ? r.n : 0;
    str_rows_free(&r);
    return rc;
}

cc_err cc_store_version_add(cc_store *st, int64_t doc, int64_t parent, const char *text, size_t len,
                            const char *author, const char *note, int64_t now_wall_ms, int64_t *version,
                            cc_store_error *err)
{
    if (!text || strlen(text) != len)
        return fail(err, CC_ERR_ARG, "a scenario version needs a text without NUL bytes");
    int64_t latest = -1;
    cc_sqlv p[1] = {cc_sqlv_int(doc)};
    pthread_mutex_lock(&st->dbmu);
    cc_err rc = st->db->script(st->db, st->db->begin_sql, err);
    if (rc == CC_OK)
        rc = run(st, "SELECT MAX(version) FROM scenario_version WHERE doc = $1", 1, p, id_row, &latest, err);
    if (rc == CC_OK && latest <= 0)
        rc = fail(err, CC_ERR_NOTFOUND, "no scenario document %" PRId64, doc);
    else if (rc == CC_OK && latest != parent)
        rc = fail(err, CC_ERR_CONFLICT,
                  "document %" PRId64 " is at version %" PRId64 ", not %" PRId64 ": someone saved in between",
                  doc, latest, parent);
    if (rc == CC_OK)
        rc = version_insert(st, doc, parent + 1, text, len, author, note, now_wall_ms, err);
    if (rc == CC_ERR_INVALID) /* the same version written by another server in between */
        rc = fail(err, CC_ERR_CONFLICT,
                  "document %" PRId64 " has a version %" PRId64 " already: someone saved in "
                  "between",
                  doc, parent + 1);
    if (rc == CC_OK)
        rc = st->db->script(st->db, "COMMIT", err);
    if (rc != CC_OK) {
        cc_store_error ignore;
        st->db->script(st->db, "ROLLBACK", &ignore);
    }
    pthread_mutex_unlock(&st->dbmu);
    if (version)
        *version = rc == CC_OK ? parent + 1 : 0;
    return rc;
}

#define VERSION_COLS "SELECT doc, version, hash, author, note, created_wall, text FROM scenario_version "

static void version_from_row(char **v, cc_store_version *out, int with_text)
{
    memset(out, 0, sizeof *out);
    out->doc = num(v[0]);
    out->version = num(v[1]);
    snprintf(out->hash, sizeof out->hash, "%s", v[2] ? v[2] : "");
    out->author = v[3];
    out->note = v[4];
    v[3] = v[4] = NULL;
    out->created_wall_ms = num(v[5]);
    if (with_text) {
        out->text = v[6];
        out->len = v[6] ? strlen(v[6]) : 0;
        v[6] = NULL;
    }
}

cc_err cc_store_version_get(cc_store *st, int64_t doc, int64_t version, cc_store_version *out,
                            cc_store_error *err)
{
    memset(out, 0, sizeof *out);
    str_rows r;
    cc_sqlv p[2] = {cc_sqlv_int(doc), cc_sqlv_int(version)};
    cc_err rc = version > 0 ? query(st, VERSION_COLS "WHERE doc = $1 AND version = $2", 2, p, 7, &r, err)
                            : query(st, VERSION_COLS "WHERE doc = $1 ORDER BY version DESC LIMIT 1", 1, p, 7,
                                    &r, err);
    if (rc == CC_OK && (r.n == 0 || !r.v))
        rc = fail(err, CC_ERR_NOTFOUND, "no version %" PRId64 " of scenario document %" PRId64, version, doc);
    else if (rc == CC_OK)
        version_from_row(r.v, out, 1);
    str_rows_free(&r);
    return rc;
}

cc_err cc_store_version_list(cc_store *st, int64_t doc, cc_store_version **out, size_t *n,
                             cc_store_error *err)
{
    *out = NULL;
    *n = 0;
    str_rows r;
    cc_sqlv p[1] = {cc_sqlv_int(doc)};
    cc_err rc = query(st,
                      "SELECT doc, version, hash, author, note, created_wall, NULL FROM scenario_version "
                      "WHERE doc = $1 ORDER BY version DESC",
                      1, p, 7, &r, err);
    cc_store_version *vs = rc == CC_OK && r.n ? calloc(r.n, sizeof *vs) : NULL;
    if (rc == CC_OK && r.n && !vs)
        rc = fail(err, CC_ERR_NOMEM, "out of memory");
    for (size_t i = 0; vs && i < r.n; i++)
        version_from_row(r.v + i * 7, &vs[i], 0);
    *out = vs;
    *n = vs ? r.n : 0;
    str_rows_free(&r);
    return rc;
}

cc_err cc_store_exercise_pin(cc_store *st, int64_t ex, int64_t doc, int64_t version, cc_store_error *err)
{
    cc_sqlv p[3] = {cc_sqlv_int(ex), cc_sqlv_int(doc), cc_sqlv_int(version)};
    pthread_mutex_lock(&st->dbmu);
    cc_err rc = run(st, "INSERT INTO exercise_scenario(exercise, doc, version) VALUES ($1, $2, $3)", 3, p,
                    NULL, NULL, err);
    pthread_mutex_unlock(&st->dbmu);
    if (rc == CC_ERR_INVALID)
        fail(err, rc,
             "exercise %" PRId64 " already records the scenario version it ran (or no such exercise)", ex);
    return rc;
}

cc_err cc_store_exercise_pinned(cc_store *st, int64_t ex, int64_t *doc, int64_t *version, cc_store_error *err)
{
    str_rows r;
    cc_sqlv p[1] = {cc_sqlv_int(ex)};
    cc_err rc = query(st, "SELECT doc, version FROM exercise_scenario WHERE exercise = $1", 1, p, 2, &r, err);
    if (rc == CC_OK && r.n == 0)
        rc = fail(err, CC_ERR_NOTFOUND, "exercise %" PRId64 " records no scenario version", ex);
    if (rc == CC_OK) {
        *doc = num(r.v[0]);
        *version = num(r.v[1]);
    }
    str_rows_free(&r);
    return rc;
}

cc_err cc_store_template_add(cc_store *st, const char *name, const char *item_json, int64_t now_wall_ms,
                             int64_t *id, cc_store_error *err)
{
    if (!name || !*name || !item_json)
        return fail(err, CC_ERR_ARG, "a template needs a name and an item");
    cc_sqlv p[3] = {cc_sqlv_text(name), cc_sqlv_text(item_json), cc_sqlv_int(now_wall_ms)};
    *id = 0;
    pthread_mutex_lock(&st->dbmu);
    cc_err rc =
        run(st, "INSERT INTO inject_template(name, item, created_wall) VALUES ($1, $2, $3) RETURNING id", 3,
            p, id_row, id, err);
    pthread_mutex_unlock(&st->dbmu);
    return rc;
}

cc_err cc_store_template_list(cc_store *st, cc_store_template **out, size_t *n, cc_store_error *err)
{
    *out = NULL;
    *n = 0;
    str_rows r;
    cc_err rc = query(st, "SELECT id, name, item, created_wall FROM inject_template ORDER BY name, id", 0,
                      NULL, 4, &r, err);
    cc_store_template *ts = rc == CC_OK && r.n ? calloc(r.n, sizeof *ts) : NULL;
    if (rc == CC_OK && r.n && !ts)
        rc = fail(err, CC_ERR_NOMEM, "out of memory");
    for (size_t i = 0; ts && i < r.n; i++) {
        char **v = r.v + i * 4;
        ts[i] = (cc_store_template){num(v[0]), v[1], v[2], num(v[3])};
        v[1] = v[2] = NULL;
    }
    *out = ts;
    *n = ts ? r.n : 0;
    str_rows_free(&r);
    return rc;
}

cc_err cc_store_template_delete(cc_store *st, int64_t id, cc_store_error *err)
{
    cc_sqlv p[1] = {cc_sqlv_int(id)};
    return change_one(st, "DELETE FROM inject_template WHERE id = $1 RETURNING 1", 1, p, "template", err);
}

/* ---- executive summaries ---- */

void cc_store_summary_clear(cc_store_summary *m)
{
    if (!m)
        return;
    free(m->text);
    free(m->label);
    free(m->author);
    m->text = m->label = m->author = NULL;
}

#define SUMMARY_MAX (64u << 10)

cc_err cc_store_summary_add(cc_store *st, int64_t ex, const char *text, const char *label, const char *author,
                            int64_t now_wall_ms, int64_t *version, cc_store_error *err)
{
    if (version)
        *version = 0;
    if (!author || !*author)
        return fail(err, CC_ERR_ARG, "a summary needs its author");
    if (text && strlen(text) > SUMMARY_MAX)
        return fail(err, CC_ERR_ARG, "the summary is longer than %u bytes", SUMMARY_MAX);
    if (label && !*label)
        label = NULL;
    head_row h;
    memset(&h, 0, sizeof h);
    int64_t latest = 0;
    cc_sqlv p[1] = {cc_sqlv_int(ex)};
    pthread_mutex_lock(&st->dbmu);
    cc_err rc = st->db->script(st->db, st->db->begin_sql, err);
    if (rc == CC_OK)
        rc = run(st, "SELECT id FROM exercise WHERE id = $1", 1, p, exists_fn, &h, err);
    if (rc == CC_OK && !h.found)
        rc = fail(err, CC_ERR_NOTFOUND, "no exercise %" PRId64 " in this store", ex);
    if (rc == CC_OK)
        rc = run(st, "SELECT MAX(version) FROM exercise_summary WHERE exercise = $1", 1, p, id_row, &latest,
                 err);
    cc_sqlv q[6] = {cc_sqlv_int(ex),     cc_sqlv_int(latest + 1), cc_sqlv_text(text),
                    cc_sqlv_text(label), cc_sqlv_text(author),    cc_sqlv_int(now_wall_ms)};
    if (rc == CC_OK)
        rc = run(st,
                 "INSERT INTO exercise_summary(exercise, version, text, label, author, created_wall) "
                 "VALUES ($1, $2, $3, $4, $5, $6)",
                 6, q, NULL, NULL, err);
    if (rc == CC_ERR_INVALID) /* the same version written by another server in between */
        rc =
            fail(err, CC_ERR_CONFLICT,
                 "exercise %" PRId64 "'s summary has a version %" PRId64 " already: someone saved in between",
                 ex, latest + 1);
    if (rc == CC_OK)
        rc = st->db->script(st->db, "COMMIT", err);
    if (rc != CC_OK) {
        cc_store_error ignore;
        st->db->script(st->db, "ROLLBACK", &ignore);
    }
    pthread_mutex_unlock(&st->dbmu);
    if (rc == CC_OK && version)
        *version = latest + 1;
    return rc;
}

#define SUMMARY_COLS "SELECT exercise, version, text, label, author, created_wall FROM exercise_summary "

static void summary_from_row(char **v, cc_store_summary *out)
{
    out->exercise = num(v[0]);
    out->version = num(v[1]);
    out->text = v[2];
    out->label = v[3];
    out->author = v[4];
    v[2] = v[3] = v[4] = NULL;
    out->created_wall_ms = num(v[5]);
}

cc_err cc_store_summary_get(cc_store *st, int64_t ex, int64_t version, cc_store_summary *out,
                            cc_store_error *err)
{
    memset(out, 0, sizeof *out);
    str_rows r;
    cc_sqlv p[2] = {cc_sqlv_int(ex), cc_sqlv_int(version)};
    cc_err rc = version > 0 ? query(st, SUMMARY_COLS "WHERE exercise = $1 AND version = $2", 2, p, 6, &r, err)
                            : query(st, SUMMARY_COLS "WHERE exercise = $1 ORDER BY version DESC LIMIT 1", 1,
                                    p, 6, &r, err);
    if (rc == CC_OK && (r.n == 0 || !r.v)) {
        if (version > 0)
            rc = fail(err, CC_ERR_NOTFOUND, "no version %" PRId64 " of exercise %" PRId64 "'s summary",
                      version, ex);
        else
            rc = fail(err, CC_ERR_NOTFOUND, "no summary saved for exercise %" PRId64, ex);
    } else if (rc == CC_OK) {
        summary_from_row(r.v, out);
    }
    str_rows_free(&r);
    return rc;
}

cc_err cc_store_summary_list(cc_store *st, int64_t ex, cc_store_summary **out, size_t *n, cc_store_error *err)
{
    *out = NULL;
    *n = 0;
    str_rows r;
    cc_sqlv p[1] = {cc_sqlv_int(ex)};
    cc_err rc = query(st, SUMMARY_COLS "WHERE exercise = $1 ORDER BY version DESC", 1, p, 6, &r, err);
    cc_store_summary *ms = rc == CC_OK && r.n ? calloc(r.n, sizeof *ms) : NULL;
    if (rc == CC_OK && r.n && !ms)
        rc = fail(err, CC_ERR_NOMEM, "out of memory");
    for (size_t i = 0; ms && i < r.n; i++)
        summary_from_row(r.v + i * 6, &ms[i]);
    *out = ms;
    *n = ms ? r.n : 0;
    str_rows_free(&r);
    return rc;
}
