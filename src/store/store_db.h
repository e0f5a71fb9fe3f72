/* store_db — the small SQL interface the store's two back ends implement (internal to
 * src/store, not installed). Statements are written once, in the common subset of SQLite and
 * PostgreSQL, with parameters $1..$n; values travel as text (integers in decimal) or NULL, so
 * neither back end needs typed binding. Only the schema (DDL) differs per back end. */
#ifndef CC_STORE_DB_H
#define CC_STORE_DB_H

#include <stddef.h>
#include <stdint.h>

#include "core/diag.h"
#include "store/store.h"

/* One parameter: an integer (is_int), a text, or NULL (text s NULL). */
typedef struct cc_sqlv {
    const char *s;
    int64_t i;
    int is_int;
} cc_sqlv;

static inline cc_sqlv cc_sqlv_text(const char *s)
{
    cc_sqlv v = {s, 0, 0};
    return v;
}

static inline cc_sqlv cc_sqlv_int(int64_t i)
{
    cc_sqlv v = {NULL, i, 1};
    return v;
}

/* Receives each result row: ncol values, NULL for SQL NULL. Non-zero stops the statement. */
typedef int (*cc_sql_row_fn)(void *ctx, int ncol, const char *const *vals);

typedef struct cc_store_db cc_store_db;
struct cc_store_db {
    /* Executes one statement with n parameters (values as text). CC_ERR_IO with err filled on
     * failure; CC_ERR_INVALID for a constraint violation (duplicate key). */
    cc_err (*exec)(cc_store_db *db, const char *sql, int n, const cc_sqlv *params, cc_sql_row_fn fn,
                   void *ctx, cc_store_error *err);
    /* Executes sql nsets times, with the parameter sets params[0..n-1], params[n..2n-1], ...,
     * in order, inside the caller's transaction; fn receives every set's rows. Stops at the first
     * set that fails and sets *failed (may be NULL) to its index. SQLite steps its cached
     * statement once per set; PostgreSQL sends the sets in pipeline mode, many per round trip. */
    cc_err (*exec_batch)(cc_store_db *db, const char *sql, size_t nsets, int n, const cc_sqlv *params,
                         cc_sql_row_fn fn, void *ctx, size_t *failed, cc_store_error *err);
    /* Runs a script of statements without parameters (schema). */
    cc_err (*script)(cc_store_db *db, const char *sql, cc_store_error *err);
    cc_err (*integrity)(cc_store_db *db, cc_store_error *err);
    /* Number of tables in the database and whether one of them is caucus's "meta". */
    cc_err (*tables)(cc_store_db *db, int *ntables, int *has_meta, cc_store_error *err);
    cc_err (*backup)(cc_store_db *db, const char *to, cc_store_error *err);
    /* A number that changes whenever another connection has committed to the database since this
     * connection's last transaction, read inside the caller's transaction (SQLite: PRAGMA
     * data_version, which this connection's own commits leave as it is). NULL when the back end
     * has none (PostgreSQL): the store then keeps nothing from one transaction to the next. */
    cc_err (*data_version)(cc_store_db *db, int64_t *v, cc_store_error *err);
    /* Called once a store opened for writing is migrated (NULL: nothing to do). SQLite: marks
     * the main file as one that always keeps its write-ahead log (docs/store.md). */
    cc_err (*opened)(cc_store_db *db, cc_store_error *err);
    void (*close)(cc_store_db *db);
    const char *kind;
    const char *begin_sql;    /* starts a write transaction ("BEGIN IMMEDIATE" in SQLite) */
    const char *migrate_lock; /* taken inside the migration transaction; NULL when BEGIN suffices */
    /* The schema, one script per version: migrations[0] creates version 1, migrations[k]
     * moves version k to k+1. */
    const char *const *migrations;
    int nmigrations;
};

/* Back ends. Each returns CC_OK with *out set, or an error with err filled. */
cc_err cc_store_sqlite_open(const char *path, const cc_store_opts *opts, cc_store_db **out,
                            cc_store_error *err);
cc_err cc_store_pg_open(const char *uri, const cc_store_opts *opts, cc_store_db **out, cc_store_error *err);

#endif
