/* store — the durable home of exercises: scenario text and hash, seed and state, the event
 * log, signed checkpoints, seat accounts and sessions for the server, and improvement-plan
 * items. One interface over two back ends: SQLite (a file path; WAL, synchronous=FULL) and
 * PostgreSQL (a "postgres://" or "postgresql://" URI). Format and guarantees: docs/store.md.
 *
 * Thread safety: one cc_store may be used from many threads at once. cc_store_append returns
 * only after the transaction holding the caller's events has committed; callers that arrive
 * while a commit is in flight are written together in the next one (group commit: one fsync
 * for many producers). */
#ifndef CC_STORE_H
#define CC_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "core/diag.h"

/* The schema this build writes and migrates up to, per back end: version 6 (events in append order
 * under a rowid) is SQLite's only; PostgreSQL's heap already keeps rows in append order. */
#define CC_STORE_SCHEMA_VERSION_SQLITE 6
#define CC_STORE_SCHEMA_VERSION_PG 5

typedef struct cc_store cc_store; /* opaque */

/* Why a call failed, in words fit for a user ("database schema version 9 is newer ..."). */
/* What went wrong (core/diag's one error type): CC_ERR_CONFLICT when another writer changed the
 * exercise first (its log no longer ends where the caller thought, a version saved in between). */
typedef cc_error cc_store_error;

typedef struct cc_store_opts {
    int readonly; /* open for reading only (verify, export); no migration, no writes */
    /* Test hooks for the crash-safety tests (tests/test_store.c): an SQLite VFS name, and
     * synchronous=NORMAL instead of FULL (proves the power-loss test can fail). */
    const char *sqlite_vfs;
    int sqlite_sync_normal;
    /* SQLite: how long a write waits for another connection's lock before it fails (0: 10 s). */
    unsigned busy_timeout_ms;
} cc_store_opts;

/* Opens (creating if needed, unless readonly) the store at where: a file path for SQLite or a
 * postgres:// URI. Migrates an older schema forward; refuses a newer schema, a read-only file
 * opened for writing, a WAL database whose -wal file was removed, and a file that is not a
 * caucus store. opts may be NULL. On success *out owns the connection (cc_store_close). */
cc_err cc_store_open(const char *where, const cc_store_opts *opts, cc_store **out, cc_store_error *err);
void cc_store_close(cc_store *st);

const char *cc_store_kind(const cc_store *st); /* "sqlite" or "postgres" */
int cc_store_schema_version(const cc_store *st);

/* Runs the back end's full integrity check (SQLite: PRAGMA integrity_check; PostgreSQL:
 * the store's own consistency queries). CC_OK when sound; err says what is wrong. */
cc_err cc_store_integrity(cc_store *st, cc_store_error *err);

/* ---- exercises ---- */
typedef struct cc_store_exercise {
    int64_t id;
    char *name;
    char *scenario; /* scenario file text, NUL-terminated */
    size_t scenario_len;
    char scenario_hash[65]; /* lower-case hex SHA-256 of the scenario text */
    uint64_t seed;
    char *variant; /* mechanism id or NULL */
    char *state;   /* "created", "running", "paused", "ended" */
    int64_t created_wall_ms;
    uint64_t events; /* number of events in its log (filled by get and list) */
    char *log_key;   /* verifier key pinned for its checkpoints, or NULL (filled by get) */
} cc_store_exercise;

/* Frees the strings of x (not x itself). */
void cc_store_exercise_clear(cc_store_exercise *x);

/* Creates an exercise from in's name, scenario, seed, variant and created_wall_ms (state
 * "created"; the hash is computed here); *id receives its id. */
cc_err cc_store_exercise_create(cc_store *st, const cc_store_exercise *in, int64_t *id, cc_store_error *err);
/* Fills out (owned by the caller; cc_store_exercise_clear). CC_ERR_NOTFOUND when absent. */
cc_err cc_store_exercise_get(cc_store *st, int64_t id, cc_store_exercise *out, cc_store_error *err);
/* *out receives an array of *n exercises in id order, without scenario text (free each with
 * cc_store_exercise_clear, then free(*out)). */
cc_err cc_store_exercise_list(cc_store *st, cc_store_exercise **out, size_t *n, cc_store_error *err);
cc_err cc_store_exercise_set_state(cc_store *st, int64_t id, const char *state, cc_store_error *err);
/* Pins vkey (a verifier key text) as the key of exercise id's checkpoints, on first use: CC_OK
 * when it was not pinned or is pinned to the same text; CC_ERR_INVALID when another key is. */
cc_err cc_store_exercise_pin_key(cc_store *st, int64_t id, const char *vkey, cc_store_error *err);

/* Creates an exercise (as cc_store_exercise_create) and appends its whole log, in one
 * transaction: next(ctx, &lines, &len) gives the following piece of lines (each ending in '\n'),
 * returns 0 at the end, -1 on its own failure (msg says why). Every line is checked as by
 * cc_store_append. A refused line, a failed read or write leaves nothing in the store. */
typedef int (*cc_store_import_fn)(void *ctx, const char **lines, size_t *len, char *msg, size_t msglen);
cc_err cc_store_import(cc_store *st, const cc_store_exercise *in, cc_store_import_fn next, void *ctx,
                       int64_t *id, uint64_t *events, cc_store_error *err);

/* ---- the event log ---- */

/* Appends one or more event-log lines (each canonical, each ending in '\n') to exercise ex.
 * Every line is decoded strictly (cc_evlog_decode) and must continue the exercise's chain:
 * seq = events so far, prev = hash of the last event. All lines of one call commit together
 * or not at all; the call returns CC_OK only once they are durable. Errors: CC_ERR_PARSE or
 * CC_ERR_INVALID (a bad line; nothing written), CC_ERR_CONFLICT (the lines do not continue the
 * exercise's chain, or their events exist: another writer appended first; nothing written),
 * CC_ERR_IO (the write or commit failed; nothing acknowledged), CC_ERR_NOTFOUND (no such
 * exercise). err->code is the error returned. */
cc_err cc_store_append(cc_store *st, int64_t ex, const char *lines, size_t len, cc_store_error *err);

/* Number of events of ex and the hash of the last one (64 zeros when empty). */
cc_err cc_store_head(cc_store *st, int64_t ex, uint64_t *count, char hash_hex[65], cc_store_error *err);

/* Calls fn for each event of ex with from_seq <= seq, in seq order, with the line as stored
 * (without '\n'); reads in pages, so memory stays bounded for any log length. A non-zero
 * return from fn stops the walk: the call returns CC_OK and sets *stopped (may be NULL). */
typedef int (*cc_store_event_fn)(void *ctx, uint64_t seq, const char *line, size_t len);
cc_err cc_store_events(cc_store *st, int64_t ex, uint64_t from_seq, cc_store_event_fn fn, void *ctx,
                       int *stopped, cc_store_error *err);

/* As cc_store_events, with each row's hash column (64 hex digits as stored, NULL-safe: "" when
 * NULL) so that `caucus verify` can hold the columns to the records. */
typedef int (*cc_store_row_fn)(void *ctx, uint64_t seq, const char *hash, const char *line, size_t len);
cc_err cc_store_event_rows(cc_store *st, int64_t ex, uint64_t from_seq, cc_store_row_fn fn, void *ctx,
                           int *stopped, cc_store_error *err);

/* ---- checkpoints (signed notes, docs/tamper-evidence.md) ---- */
cc_err cc_store_checkpoint_add(cc_store *st, int64_t ex, uint64_t size, const char *note,
                               cc_store_error *err);
typedef int (*cc_store_checkpoint_fn)(void *ctx, uint64_t size, const char *note);
cc_err cc_store_checkpoints(cc_store *st, int64_t ex, cc_store_checkpoint_fn fn, void *ctx,
                            cc_store_error *err);
/* Replaces the note of the checkpoint at size with note, only while it is still old (a
 * cosignature added to it): CC_ERR_NOTFOUND when it changed meanwhile or does not exist. */
cc_err cc_store_checkpoint_replace(cc_store *st, int64_t ex, uint64_t size, const char *old, const char *note,
                                   cc_store_error *err);

/* ---- accounts and sessions (server) ----
 * An account is control's or one seat's join credential of an exercise: role "control" (seat
 * NULL) or "seat"; secret_hash is an argon2id string (libsodium crypto_pwhash_str), never the
 * secret. A session is an opaque token's SHA-256 (hex) mapped to an exercise and role. */
cc_err cc_store_account_set(cc_store *st, int64_t ex, const char *role, const char *seat,
                            const char *secret_hash, cc_store_error *err);
typedef int (*cc_store_account_fn)(void *ctx, const char *role, const char *seat, const char *secret_hash);
cc_err cc_store_accounts(cc_store *st, int64_t ex, cc_store_account_fn fn, void *ctx, cc_store_error *err);
cc_err cc_store_session_add(cc_store *st, const char *token_hash_hex, int64_t ex, const char *role,
                            const char *seat, int64_t expires_wall_ms, cc_store_error *err);
/* Looks a session up; CC_ERR_NOTFOUND when absent or expired at now_wall_ms. *role and *seat
 * (may be NULL when the role has none) are malloc'd for the caller. */
cc_err cc_store_session_get(cc_store *st, const char *token_hash_hex, int64_t now_wall_ms, int64_t *ex,
                            char **role, char **seat, cc_store_error *err);
cc_err cc_store_session_delete(cc_store *st, const char *token_hash_hex, cc_store_error *err);
/* Ends every session of one account of exercise ex (role "seat" with its seat, or "control" with
 * seat NULL): a reissued join code. *ended: how many. */
cc_err cc_store_sessions_end(cc_store *st, int64_t ex, const char *role, const char *seat, int *ended,
                             cc_store_error *err);

/* ---- improvement plan (HSEEP improvement-plan matrix rows) ---- */
typedef struct cc_store_plan_item {
    int64_t id;
    int64_t exercise; /* the exercise whose finding raised it; 0 = none */
    char *finding;    /* guideline id or finding reference; may be NULL */
    char *capability, *issue, *action, *element, *owner, *poc;
    char *start, *due; /* YYYY-MM-DD or NULL */
    char *status;      /* "open", "in progress", "closed" */
    char *closed_note; /* why it was closed; may be NULL */
} cc_store_plan_item;
void cc_store_plan_item_clear(cc_store_plan_item *p);
/* The item as a JSON object (members named as the fields; absent text is null), owned by the
 * caller; NULL when out of memory. Used by `caucus plan list --json` and /api/plan. */
struct json_t;
struct json_t *cc_store_plan_item_json(const cc_store_plan_item *p);
cc_err cc_store_plan_add(cc_store *st, const cc_store_plan_item *in, int64_t *id, cc_store_error *err);
/* Replaces every field but id with in's (in->id names the item). */
cc_err cc_store_plan_update(cc_store *st, const cc_store_plan_item *in, cc_store_error *err);
cc_err cc_store_plan_get(cc_store *st, int64_t id, cc_store_plan_item *out, cc_store_error *err);
/* All items, or only those not closed (open_only), in id order; free as for exercises. */
cc_err cc_store_plan_list(cc_store *st, int open_only, cc_store_plan_item **out, size_t *n,
                          cc_store_error *err);

/* ---- scenario documents and versions (the scenario editor, docs/ui.md) ----
 * A document is a scenario being written in the browser; every save is a new version (1, 2, ...)
 * holding the whole text, its SHA-256, who saved it and a note. An exercise records the document
 * version it ran (its pin). The inject catalogue holds reusable inject templates (JSON). */
typedef struct cc_store_doc {
    int64_t id;
    char *name;
    int64_t latest; /* its newest version */
    int64_t created_wall_ms, updated_wall_ms;
} cc_store_doc;
void cc_store_doc_clear(cc_store_doc *d);

typedef struct cc_store_version {
    int64_t doc, version;
    char *text; /* NULL in lists */
    size_t len;
    char hash[65];       /* lower-case hex SHA-256 of the text */
    char *author, *note; /* may be NULL */
    int64_t created_wall_ms;
} cc_store_version;
void cc_store_version_clear(cc_store_version *v);

/* Creates a document named name whose version 1 is text; *id receives its id. */
cc_err cc_store_doc_create(cc_store *st, const char *name, const char *text, size_t len, const char *author,
                           int64_t now_wall_ms, int64_t *id, cc_store_error *err);
/* Every document in id order (free each with cc_store_doc_clear, then free(*out)). */
cc_err cc_store_doc_list(cc_store *st, cc_store_doc **out, size_t *n, cc_store_error *err);
/* Adds version parent + 1 of doc. CC_ERR_CONFLICT (nothing written) when parent is not the newest
 * version: someone saved in between; CC_ERR_NOTFOUND when there is no such document. */
cc_err cc_store_version_add(cc_store *st, int64_t doc, int64_t parent, const char *text, size_t len,
                            const char *author, const char *note, int64_t now_wall_ms, int64_t *version,
                            cc_store_error *err);
/* Version `version` of doc (0: the newest), text included; CC_ERR_NOTFOUND when absent. */
cc_err cc_store_version_get(cc_store *st, int64_t doc, int64_t version, cc_store_version *out,
                            cc_store_error *err);
/* Every version of doc, newest first, without text. */
cc_err cc_store_version_list(cc_store *st, int64_t doc, cc_store_version **out, size_t *n,
                             cc_store_error *err);
/* Records that exercise ex ran version `version` of doc (once; CC_ERR_INVALID when it has a pin). */
cc_err cc_store_exercise_pin(cc_store *st, int64_t ex, int64_t doc, int64_t version, cc_store_error *err);
/* The document version exercise ex ran; CC_ERR_NOTFOUND when it has none. */
cc_err cc_store_exercise_pinned(cc_store *st, int64_t ex, int64_t *doc, int64_t *version,
                                cc_store_error *err);

typedef struct cc_store_template {
    int64_t id;
    char *name;
    char *item; /* the inject as JSON text */
    int64_t created_wall_ms;
} cc_store_template;
void cc_store_template_clear(cc_store_template *t);
cc_err cc_store_template_add(cc_store *st, const char *name, const char *item_json, int64_t now_wall_ms,
                             int64_t *id, cc_store_error *err);
/* Every template in name order (free as for documents). */
cc_err cc_store_template_list(cc_store *st, cc_store_template **out, size_t *n, cc_store_error *err);
cc_err cc_store_template_delete(cc_store *st, int64_t id, cc_store_error *err);

/* ---- executive summaries (docs/report.md#executive-summary) ----
 * Control's text for an exercise's report, kept in versions 1, 2, ...: each save and each return to
 * the drafted summary is a new version (text NULL), none is ever changed or removed. */
typedef struct cc_store_summary {
    int64_t exercise, version;
    char *text;  /* UTF-8, paragraphs separated by blank lines; NULL: back to the draft */
    char *label; /* a banner of the scenario's policy, or NULL (the report's lowest) */
    char *author;
    int64_t created_wall_ms;
} cc_store_summary;
void cc_store_summary_clear(cc_store_summary *m);
/* Adds the next version of exercise ex's summary: text (NULL: back to the draft; at most 64 KiB, no
 * NUL bytes) under label (NULL: none) by author (required). *version (may be NULL) receives its
 * number. CC_ERR_NOTFOUND when there is no such exercise, CC_ERR_ARG for a bad argument. */
cc_err cc_store_summary_add(cc_store *st, int64_t ex, const char *text, const char *label, const char *author,
                            int64_t now_wall_ms, int64_t *version, cc_store_error *err);
/* Version `version` of ex's summary (0: the newest) into out (owned by the caller);
 * CC_ERR_NOTFOUND when there is none. */
cc_err cc_store_summary_get(cc_store *st, int64_t ex, int64_t version, cc_store_summary *out,
                            cc_store_error *err);
/* Every version of ex's summary, newest first, texts included (free each with
 * cc_store_summary_clear, then free(*out)). */
cc_err cc_store_summary_list(cc_store *st, int64_t ex, cc_store_summary **out, size_t *n,
                             cc_store_error *err);

/* SQLite online backup of the whole store into the file to (which must not exist). */
cc_err cc_store_backup(cc_store *st, const char *to, cc_store_error *err);

#endif
