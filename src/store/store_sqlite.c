/* store_sqlite — the embedded SQLite back end of the store: one file, WAL journal,
 * synchronous=FULL, prepared statements cached per SQL text. Refuses files it cannot trust:
 * not SQLite, read-only when opened for writing, or a WAL database whose -wal was removed. */
#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/store_db.h"

#define CACHE_MAX 32

typedef struct sq_db {
    cc_store_db base; /* first: the store sees a cc_store_db* */
    sqlite3 *h;
    char *path;
    struct {
        const char *sql; /* the statement's SQL text (static strings: compared by address) */
        sqlite3_stmt *st;
    } cache[CACHE_MAX];
    int ncache;
} sq_db;

static const char *const sq_migrations[] = {
    /* version 1 */
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE exercise(id INTEGER PRIMARY KEY, name TEXT NOT NULL, scenario TEXT NOT NULL,"
    " scenario_hash TEXT NOT NULL, seed TEXT NOT NULL, variant TEXT, state TEXT NOT NULL,"
    " created_wall INTEGER NOT NULL);"
    "CREATE TABLE event(exercise INTEGER NOT NULL REFERENCES exercise(id), seq INTEGER NOT NULL,"
    " hash TEXT NOT NULL, line TEXT NOT NULL, PRIMARY KEY(exercise, seq)) WITHOUT ROWID;"
    "CREATE TABLE checkpoint(exercise INTEGER NOT NULL REFERENCES exercise(id), size INTEGER NOT NULL,"
    " note TEXT NOT NULL, PRIMARY KEY(exercise, size));"
    "CREATE TABLE account(exercise INTEGER NOT NULL REFERENCES exercise(id), role TEXT NOT NULL,"
    " seat TEXT NOT NULL DEFAULT '', secret_hash TEXT NOT NULL, PRIMARY KEY(exercise, role, seat));",
    /* version 2: server sessions and the improvement plan */
    "CREATE TABLE session(token_hash TEXT PRIMARY KEY, exercise INTEGER NOT NULL REFERENCES exercise(id),"
    " role TEXT NOT NULL, seat TEXT, expires_wall INTEGER NOT NULL);"
    "CREATE TABLE plan_item(id INTEGER PRIMARY KEY, exercise INTEGER NOT NULL DEFAULT 0, finding TEXT,"
    " capability TEXT, issue TEXT, action TEXT, element TEXT, owner TEXT, poc TEXT, start TEXT, due TEXT,"
    " status TEXT NOT NULL, closed_note TEXT);",
    /* version 3: the log's checkpoint key, pinned when the first server signs for the exercise */
    "ALTER TABLE exercise ADD COLUMN log_key TEXT;",
    /* version 4: scenario documents and their versions (the scenario editor), the version each
       exercise ran, the inject catalogue */
    "CREATE TABLE scenario_doc(id INTEGER PRIMARY KEY, name TEXT NOT NULL, created_wall INTEGER NOT NULL);"
    "CREATE TABLE scenario_version(doc INTEGER NOT NULL REFERENCES scenario_doc(id), version INTEGER NOT "
    "NULL,"
    " text TEXT NOT NULL, hash TEXT NOT NULL, author TEXT, note TEXT, created_wall INTEGER NOT NULL,"
    " PRIMARY KEY(doc, version));"
    "CREATE TABLE exercise_scenario(exercise INTEGER PRIMARY KEY REFERENCES exercise(id),"
    " doc INTEGER NOT NULL REFERENCES scenario_doc(id), version INTEGER NOT NULL);"
    "CREATE TABLE inject_template(id INTEGER PRIMARY KEY, name TEXT NOT NULL, item TEXT NOT NULL,"
    " created_wall INTEGER NOT NULL);",
    /* version 5: the executive summaries control writes for an exercise's report, every version kept
       (text NULL: back to the drafted summary) */
    "CREATE TABLE exercise_summary(exercise INTEGER NOT NULL REFERENCES exercise(id), version INTEGER NOT "
    "NULL,"
    " text TEXT, label TEXT, author TEXT NOT NULL, created_wall INTEGER NOT NULL, PRIMARY KEY(exercise, "
    "version));",
    /* version 6 (SQLite only): events in append order under a rowid, (exercise, seq) in an index of
       their own. In version 1's WITHOUT ROWID table every exercise's newest events sat in a leaf
       of their own and every interior page held whole lines (8 to a page), so a commit of 64
       appends to 64 exercises wrote ~130 pages to the WAL; now their rows share the table's last
       pages and the small index entries share leaves (docs/store.md, "Group commit"). The rows
       are copied in (exercise, seq) order; the statements that read and write events are the same
       for both layouts, so a read-only open of a version-5 store reads it as it is. */
    "CREATE TABLE event6(id INTEGER PRIMARY KEY, exercise INTEGER NOT NULL REFERENCES exercise(id),"
    " seq INTEGER NOT NULL, hash TEXT NOT NULL, line TEXT NOT NULL);"
    "INSERT INTO event6(exercise, seq, hash, line) SELECT exercise, seq, hash, line FROM event"
    " ORDER BY exercise, seq;"
    "DROP TABLE event;"
    "ALTER TABLE event6 RENAME TO event;"
    "CREATE UNIQUE INDEX event_exercise_seq ON event(exercise, seq);",
};
_Static_assert(sizeof sq_migrations / sizeof sq_migrations[0] == CC_STORE_SCHEMA_VERSION_SQLITE,
               "one migration per schema version");

static cc_err sq_fail(sq_db *d, int rc, const char *what, cc_store_error *err)
{
    int ext = sqlite3_extended_errcode(d->h);
    snprintf(err->message, sizeof err->message, "%s: %s: %s (SQLite code %d)", d->path, what,
             sqlite3_errmsg(d->h), ext);
    if ((rc & 0xff) == SQLITE_CONSTRAINT)
        return CC_ERR_INVALID;
    return CC_ERR_IO;
}

static sqlite3_stmt *sq_stmt(sq_db *d, const char *sql, cc_store_error *err, cc_err *rc)
{
    for (int i = 0; i < d->ncache; i++)
        if (d->cache[i].sql == sql)
            return d->cache[i].st;
    sqlite3_stmt *st = NULL;
    int r = sqlite3_prepare_v2(d->h, sql, -1, &st, NULL);
    if (r != SQLITE_OK) {
        *rc = sq_fail(d, r, "preparing a statement", err);
        return NULL;
    }
    if (d->ncache < CACHE_MAX) {
        d->cache[d->ncache].sql = sql;
        d->cache[d->ncache].st = st;
        d->ncache++;
    }
    return st;
}

static void sq_release(sq_db *d, sqlite3_stmt *st)
{
    for (int i = 0; i < d->ncache; i++)
        if (d->cache[i].st == st) {
            sqlite3_reset(st);
            sqlite3_clear_bindings(st);
            return;
        }
    sqlite3_finalize(st);
}

static cc_err sq_exec(cc_store_db *db, const char *sql, int n, const cc_sqlv *params, cc_sql_row_fn fn,
                      void *ctx, cc_store_error *err)
{
    sq_db *d = (sq_db *)db;
    cc_err rc = CC_OK;
    sqlite3_stmt *st = sq_stmt(d, sql, err, &rc);
    if (!st)
        return rc;
    for (int i = 0; i < n; i++) {
        static const char *const names[] = {"$1", "$2",  "$3",  "$4",  "$5",  "$6",  "$7",  "$8",
                                            "$9", "$10", "$11", "$12", "$13", "$14", "$15", "$16"};
        char name[16];
        if (i >= 16)
            snprintf(name, sizeof name, "$%d", i + 1);
        int idx = sqlite3_bind_parameter_index(st, i < 16 ? names[i] : name);
        if (idx == 0)
            continue; /* the statement does not use this parameter */
        int r;
        if (params[i].is_int)
            r = sqlite3_bind_int64(st, idx, params[i].i);
        else if (params[i].s)
            r = sqlite3_bind_text(st, idx, params[i].s, -1, SQLITE_STATIC);
        else
            r = sqlite3_bind_null(st, idx);
        if (r != SQLITE_OK) {
            rc = sq_fail(d, r, "binding a value", err);
            sq_release(d, st);
            return rc;
        }
    }
    for (;;) {
        int r = sqlite3_step(st);
        if (r == SQLITE_DONE)
            break;
        if (r != SQLITE_ROW) {
            rc = sq_fail(d, r, "executing a statement", err);
            break;
        }
        if (!fn)
            continue;
        int nc = sqlite3_column_count(st);
        const char *vals[16];
        if (nc > 16)
            nc = 16;
        for (int c = 0; c < nc; c++)
            vals[c] =
                sqlite3_column_type(st, c) == SQLITE_NULL ? NULL : (const char *)sqlite3_column_text(st, c);
        if (fn(ctx, nc, vals))
            break;
    }
    sq_release(d, st);
    return rc;
}

static cc_err sq_exec_batch(cc_store_db *db, const char *sql, size_t nsets, int n, const cc_sqlv *params,
                            cc_sql_row_fn fn, void *ctx, size_t *failed, cc_store_error *err)
{
    for (size_t i = 0; i < nsets; i++) {
        cc_err rc = sq_exec(db, sql, n, params + i * (size_t)n, fn, ctx, err);
        if (rc != CC_OK) {
            if (failed)
                *failed = i;
            return rc;
        }
    }
    return CC_OK;
}

static cc_err sq_script(cc_store_db *db, const char *sql, cc_store_error *err)
{
    sq_db *d = (sq_db *)db;
    int r = sqlite3_exec(d->h, sql, NULL, NULL, NULL);
    return r == SQLITE_OK ? CC_OK : sq_fail(d, r, "running the schema", err);
}

static int sq_integrity_row(void *ctx, int n, const char *const *v)
{
    cc_store_error *err = ctx;
    if (n >= 1 && v[0] && strcmp(v[0], "ok") != 0 && !err->message[0])
        snprintf(err->message, sizeof err->message, "integrity_check: %s", v[0]);
    return 0;
}

static cc_err sq_integrity(cc_store_db *db, cc_store_error *err)
{
    err->message[0] = 0;
    cc_err rc = sq_exec(db, "PRAGMA integrity_check", 0, NULL, sq_integrity_row, err, err);
    if (rc != CC_OK)
        return rc;
    return err->message[0] ? CC_ERR_INVALID : CC_OK;
}

typedef struct sq_tables {
    int n, meta;
} sq_tables;

static int sq_tables_row(void *ctx, int n, const char *const *v)
{
    sq_tables *t = ctx;
    if (n >= 1 && v[0]) {
        t->n++;
        if (strcmp(v[0], "meta") == 0)
            t->meta = 1;
    }
    return 0;
}

static cc_err sq_tables_fn(cc_store_db *db, int *ntables, int *has_meta, cc_store_error *err)
{
    sq_tables t = {0, 0};
    cc_err rc =
        sq_exec(db, "SELECT name FROM sqlite_schema WHERE type = 'table'", 0, NULL, sq_tables_row, &t, err);
    *ntables = t.n;
    *has_meta = t.meta;
    return rc;
}

static int sq_version_row(void *ctx, int n, const char *const *v)
{
    if (n >= 1 && v[0])
        *(int64_t *)ctx = strtoll(v[0], NULL, 10);
    return 0;
}

static cc_err sq_data_version(cc_store_db *db, int64_t *v, cc_store_error *err)
{
    *v = -1;
    return sq_exec(db, "PRAGMA data_version", 0, NULL, sq_version_row, v, err);
}

/* Creates path as an empty file readable and writable by its owner only, whatever the process's
 * umask (SECURITY.md: files holding the log are owner-only). SQLite then gives the -wal and -shm
 * it creates beside it the same permissions as the main file. 0, or -1 with errno set. */
static int create_private(const char *path)
{
    int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        return -1;
    int rc = fchmod(fd, 0600); /* open's mode is masked by the umask; 0600 cannot be widened by it,
                                  but a umask may narrow it (0400): set it exactly */
    close(fd);
    return rc;
}

static cc_err sq_backup(cc_store_db *db, const char *to, cc_store_error *err)
{
    sq_db *d = (sq_db *)db;
    struct stat sb;
    if (stat(to, &sb) == 0) {
        snprintf(err->message, sizeof err->message, "%s: exists; a backup never overwrites a file", to);
        return CC_ERR_ARG;
    }
    if (create_private(to) != 0) {
        snprintf(err->message, sizeof err->message, "%s: cannot create: %s", to, strerror(errno));
        return CC_ERR_IO;
    }
    sqlite3 *out = NULL;
    int r = sqlite3_open_v2(to, &out, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    if (r != SQLITE_OK) {
        snprintf(err->message, sizeof err->message, "%s: cannot create: %s", to,
                 out ? sqlite3_errmsg(out) : "out of memory");
        sqlite3_close(out);
        return CC_ERR_IO;
    }
    sqlite3_backup *b = sqlite3_backup_init(out, "main", d->h, "main");
    if (!b) {
        snprintf(err->message, sizeof err->message, "%s: backup: %s", to, sqlite3_errmsg(out));
        sqlite3_close(out);
        return CC_ERR_IO;
    }
    do
        r = sqlite3_backup_step(b, 256);
    while (r == SQLITE_OK || r == SQLITE_BUSY || r == SQLITE_LOCKED);
    sqlite3_backup_finish(b);
    cc_err rc = CC_OK;
    if (r != SQLITE_DONE) {
        snprintf(err->message, sizeof err->message, "%s: backup: %s", to, sqlite3_errstr(r));
        rc = CC_ERR_IO;
    }
    /* The copy is complete in its own file: it stands alone until a writer opens it. */
    if (rc == CC_OK && sqlite3_exec(out, "DELETE FROM meta WHERE key = 'wal'", NULL, NULL, NULL) != SQLITE_OK) {
        snprintf(err->message, sizeof err->message, "%s: backup: %s", to, sqlite3_errmsg(out));
        rc = CC_ERR_IO;
    }
    if (sqlite3_close(out) != SQLITE_OK && rc == CC_OK) {
        snprintf(err->message, sizeof err->message, "%s: closing the backup failed", to);
        rc = CC_ERR_IO;
    }
    return rc;
}

/* The write-ahead log is kept: SQLite then never deletes DB-wal, so a main file without one was
 * separated from it. The first writer records that in the main file itself (meta 'wal' = 'kept',
 * checkpointed into it), which is what cc_store_sqlite_open looks for. */
static int inserted_row(void *ctx, int n, const char *const *v)
{
    (void)n;
    (void)v;
    *(int *)ctx = 1;
    return 0;
}

static cc_err sq_opened(cc_store_db *db, cc_store_error *err)
{
    sq_db *d = (sq_db *)db;
    int one = 1, inserted = 0;
    if (sqlite3_file_control(d->h, "main", SQLITE_FCNTL_PERSIST_WAL, &one) != SQLITE_OK) {
        snprintf(err->message, sizeof err->message, "%s: cannot keep the write-ahead log", d->path);
        return CC_ERR_IO;
    }
    cc_err rc = sq_exec(db, "INSERT INTO meta(key, value) VALUES ('wal', 'kept') ON CONFLICT (key) DO NOTHING "
                            "RETURNING 1",
                        0, NULL, inserted_row, &inserted, err);
    if (rc == CC_OK && inserted)
        rc = sq_script(db, "PRAGMA wal_checkpoint(TRUNCATE)", err);
    return rc;
}

/* "file:" URI of a path, every byte but [A-Za-z0-9/._~-] percent-encoded. */
static int file_uri(const char *path, char *out, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t k = (size_t)snprintf(out, n, "file:");
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        if (k + 4 >= n)
            return -1;
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '/' ||
            *p == '.' || *p == '_' || *p == '~' || *p == '-') {
            out[k++] = (char)*p;
        } else {
            out[k++] = '%';
            out[k++] = hex[*p >> 4];
            out[k++] = hex[*p & 15];
        }
    }
    return snprintf(out + k, n - k, "?immutable=1") < (int)(n - k) ? 0 : -1;
}

/* 1 when the main file at path, read as it is on disk (no -wal, no -shm, nothing written),
 * says its write-ahead log is kept. */
static int wal_kept(const char *path)
{
    char uri[8192];
    sqlite3 *h = NULL;
    sqlite3_stmt *st = NULL;
    int kept = 0;
    if (file_uri(path, uri, sizeof uri) == 0 &&
        sqlite3_open_v2(uri, &h, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(h, "SELECT value FROM meta WHERE key = 'wal'", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW) {
        const unsigned char *v = sqlite3_column_text(st, 0);
        kept = v && strcmp((const char *)v, "kept") == 0;
    }
    sqlite3_finalize(st);
    sqlite3_close(h);
    return kept;
}

static void sq_close(cc_store_db *db)
{
    sq_db *d = (sq_db *)db;
    if (!d)
        return;
    for (int i = 0; i < d->ncache; i++)
        sqlite3_finalize(d->cache[i].st);
    sqlite3_close(d->h);
    free(d->path);
    free(d);
}

static int file_exists(const char *path, const char *suffix)
{
    char buf[4096];
    if (snprintf(buf, sizeof buf, "%s%s", path, suffix) >= (int)sizeof buf)
        return 0;
    struct stat sb;
    return stat(buf, &sb) == 0;
}

cc_err cc_store_sqlite_open(const char *path, const cc_store_opts *opts, cc_store_db **out,
                            cc_store_error *err)
{
    *out = NULL;
    int ro = opts && opts->readonly;
    int exists = file_exists(path, "");
    if (!exists && ro) {
        snprintf(err->message, sizeof err->message, "%s: no such store (%s)", path, strerror(ENOENT));
        return CC_ERR_NOTFOUND;
    }
    /* SQLite deletes -wal and -shm together when the last connection closes, and creates them
     * together when one opens. A -shm without its -wal means the write-ahead log, which may
     * hold committed events not yet copied into the main file, was removed. */
    if (exists && file_exists(path, "-shm") && !file_exists(path, "-wal")) {
        snprintf(
            err->message, sizeof err->message,
            "%s: the write-ahead log %s-wal is missing but %s-shm is present: committed events may have been "
            "lost; restore the -wal file or a backup (refusing to open)",
            path, path, path);
        return CC_ERR_INVALID;
    }
    if (exists && !file_exists(path, "-wal") && wal_kept(path)) {
        snprintf(
            err->message, sizeof err->message,
            "%s: refusing to open: its -wal file is missing, so it was copied or moved without its "
            "write-ahead log (or the -wal was deleted) and may lack acknowledged events; copy a store with "
            "`caucus backup`, never by copying its file, or put the -wal back",
            path);
        return CC_ERR_INVALID;
    }
    if (!exists && !ro && create_private(path) != 0) {
        snprintf(err->message, sizeof err->message, "%s: cannot open: %s", path, strerror(errno));
        return CC_ERR_IO;
    }
    sq_db *d = calloc(1, sizeof *d);
    if (!d || !(d->path = strdup(path))) {
        free(d);
        snprintf(err->message, sizeof err->message, "out of memory");
        return CC_ERR_NOMEM;
    }
    d->base.exec = sq_exec;
    d->base.exec_batch = sq_exec_batch;
    d->base.script = sq_script;
    d->base.integrity = sq_integrity;
    d->base.tables = sq_tables_fn;
    d->base.backup = sq_backup;
    d->base.data_version = sq_data_version;
    d->base.opened = ro ? NULL : sq_opened;
    d->base.close = sq_close;
    d->base.kind = "sqlite";
    d->base.begin_sql = "BEGIN IMMEDIATE";
    d->base.migrate_lock = NULL;
    d->base.migrations = sq_migrations;
    d->base.nmigrations = (int)(sizeof sq_migrations / sizeof sq_migrations[0]);
    int flags =
        (ro ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) | SQLITE_OPEN_NOMUTEX;
    int r = sqlite3_open_v2(path, &d->h, flags, opts ? opts->sqlite_vfs : NULL);
    if (r != SQLITE_OK) {
        snprintf(err->message, sizeof err->message, "%s: cannot open: %s", path,
                 d->h ? sqlite3_errmsg(d->h) : "out of memory");
        sq_close(&d->base);
        return CC_ERR_IO;
    }
    sqlite3_extended_result_codes(d->h, 1);
    sqlite3_busy_timeout(d->h, opts && opts->busy_timeout_ms ? (int)opts->busy_timeout_ms : 10000);
    if (!ro && sqlite3_db_readonly(d->h, "main") == 1) {
        snprintf(err->message, sizeof err->message,
                 "%s: the database is read-only (file or directory permissions); caucus needs to write to it",
                 path);
        sq_close(&d->base);
        return CC_ERR_IO;
    }
    /* Reading the schema is the first access: a file that is not SQLite fails here. */
    r = sqlite3_exec(d->h, "SELECT count(*) FROM sqlite_schema", NULL, NULL, NULL);
    if (r != SQLITE_OK) {
        snprintf(err->message, sizeof err->message, "%s: not a caucus store: %s", path, sqlite3_errmsg(d->h));
        sq_close(&d->base);
        return CC_ERR_INVALID;
    }
    /* A read-only open reads whole exercises (verify, report, export). Since schema 6 the rows of
     * exercises written at the same time share pages, so one exercise's rows are spread over more
     * pages; a page cache of up to 64 MiB (filled only as pages are read; the default is 2 MiB)
     * keeps each page to one read from the file while the walk goes through the exercises
     * (docs/store.md, "Where the time goes on SQLite"). */
    if (ro && sqlite3_exec(d->h, "PRAGMA cache_size=-65536", NULL, NULL, NULL) != SQLITE_OK) {
        snprintf(err->message, sizeof err->message, "%s: cannot set the page cache: %s", path,
                 sqlite3_errmsg(d->h));
        sq_close(&d->base);
        return CC_ERR_IO;
    }
    if (!ro) {
        char pragmas[200];
        snprintf(
            pragmas, sizeof pragmas,
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=%s; PRAGMA foreign_keys=ON; PRAGMA fullfsync=ON;",
            opts && opts->sqlite_sync_normal ? "NORMAL" : "FULL");
        r = sqlite3_exec(d->h, pragmas, NULL, NULL, NULL);
        if (r != SQLITE_OK) {
            snprintf(err->message, sizeof err->message, "%s: cannot set WAL mode: %s", path,
                     sqlite3_errmsg(d->h));
            sq_close(&d->base);
            return CC_ERR_IO;
        }
    }
    *out = &d->base;
    return CC_OK;
}
