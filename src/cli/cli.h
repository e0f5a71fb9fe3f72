/* cli — subcommands of the caucus binary. Each takes argc/argv after the subcommand name
 * and returns the process exit status (0 ok, 1 failure found, 2 unusable invocation). */
#ifndef CC_CLI_H
#define CC_CLI_H

#include <stdint.h>
#include <stdio.h>

#include "core/diag.h"
#include "core/evtype.h"

int cc_cmd_lint(int argc, char **argv);
int cc_cmd_run(int argc, char **argv);
int cc_cmd_replay(int argc, char **argv);
int cc_cmd_sim(int argc, char **argv);
int cc_cmd_calibrate(int argc, char **argv);
int cc_cmd_report(int argc, char **argv);
int cc_cmd_msel(int argc, char **argv);
int cc_cmd_serve(int argc, char **argv);
int cc_cmd_verify(int argc, char **argv);
int cc_cmd_keygen(int argc, char **argv);
int cc_cmd_checkpoint(int argc, char **argv);
int cc_cmd_cosign(int argc, char **argv);
int cc_cmd_endorse(int argc, char **argv);
int cc_cmd_witness(int argc, char **argv);
int cc_cmd_plan(int argc, char **argv);
int cc_cmd_exercises(int argc, char **argv);
int cc_cmd_summary(int argc, char **argv);
int cc_cmd_export(int argc, char **argv);
int cc_cmd_import(int argc, char **argv);
int cc_cmd_backup(int argc, char **argv);

/* Improvement plan (cmd_plan.c): counts finding events per guideline of a log into met and
 * missed (objects guideline -> count), 0 ok; and the report's "carried over" rows for the
 * plan in store db against the findings of log and of the store's exercises before the
 * reported one (exercise: its id in db, 0 = find it by the log's final hash); items raised by
 * the reported exercise are left out of them and appended to own_rows as rows of its own matrix
 * (item id, then the nine HSEEP columns); an open item due before today (YYYY-MM-DD) says PAST
 * DUE. NULL with why filled on failure. */
struct json_t;
/* Today's local date as YYYY-MM-DD (the date a plan item is past due after). */
void cc_cli_today(char out[11]);
int cc_cli_plan_findings(const char *log, struct json_t *met, struct json_t *missed);
struct json_t *cc_cli_plan_carried(const char *db, const char *log, int64_t exercise, const char *today,
                                   struct json_t *own_rows, char *why, size_t whylen);

/* Reads a whole file (at most max bytes; 0 = no limit) into a NUL-terminated malloc'd buffer;
 * NULL when it cannot be read or is larger. *len receives its length. */
char *cc_cli_slurp(const char *path, size_t *len, size_t max);
#define CC_CLI_SLURP_MAX (64u << 20) /* scenarios, keys, certificates, checkpoints */
/* 1 when path names a store: a SQLite database file or a postgres:// URI. */
int cc_cli_is_store(const char *path);
/* Opens path for writing, truncated, readable and writable by its owner only (0600, also when
 * it existed with wider permissions): for files that hold secrets (join codes). NULL with errno
 * set when it cannot. */
FILE *cc_cli_create_private(const char *path);

/* Writes the log of exercise ex in st to f, each event as stored plus '\n' (f stays open);
 * *n (may be NULL) receives the number written. CC_ERR_IO when writing fails, the store's
 * error otherwise; err says which. */
struct cc_store;
cc_err cc_cli_write_log(struct cc_store *st, int64_t ex, FILE *f, uint64_t *n, cc_error *err);
/* The latest (largest) checkpoint note of exercise ex in st into *note (the caller's; NULL when the
 * exercise has none) and its size into *size. The store's error, or CC_ERR_NOMEM. */
cc_err cc_cli_latest_checkpoint(struct cc_store *st, int64_t ex, char **note, uint64_t *size, cc_error *err);
/* Creates an Ed25519 checkpoint signing key named name at path (mode 0600, never overwriting an
 * existing file) and its public key at path.pub; the public key text is appended to vkey and,
 * when signer is not NULL, the parsed signer returned. 0 ok; -1 with why filled. */
struct cc_note_signer;
struct cc_buf;
int cc_cli_new_key(const char *path, const char *name, struct cc_note_signer **signer, struct cc_buf *vkey,
                   char *why, size_t whylen);
/* The same for a key of type (cc_note_key_type: 0x01 signs checkpoints, 0x04 cosigns them). */
int cc_cli_new_key_type(const char *path, const char *name, int type, struct cc_note_signer **signer,
                        struct cc_buf *vkey, char *why, size_t whylen);

/* Sweeps (sim_sweep.c, docs/sim.md "Exploring a mechanism"). cc_cli_sweep_load loads file once
 * per value of the sweep with its path set to that value (and the agents file merged in, when not NULL) (printing why a value does not load,
 * prefixed by `caucus cmd`); 0 and *points (sw->n scenarios, free with cc_cli_sweep_free), or -1.
 * cc_cli_sweep_report prints the response curves of a finished sweep and writes the files asked
 * for; the exit status (2: no metric matches --metric). */
struct cc_sweep;
struct cc_sim;
struct cc_scenario;
typedef struct cc_cli_sweep_out {
    const char *scenario_id, *csv, *json, *svg, *html;
    const char *const *metrics; /* --metric substrings; none: every metric */
    size_t nmetrics, baseline;
    uint64_t seed;
} cc_cli_sweep_out;
int cc_cli_sweep_load(const char *cmd, const char *file, const char *agents, const struct cc_sweep *sw,
                      struct cc_scenario ***points);
void cc_cli_sweep_free(struct cc_scenario **points, size_t n);
int cc_cli_sweep_report(const struct cc_sim *r, const struct cc_sweep *sw, const cc_cli_sweep_out *o);

/* --guidelines NOTE of run and serve (cmd_endorse.c): checks the note against s (its guidelines,
 * every endorser's signature) and pins it in s for run.start; 0, or -1 with why printed. Without a
 * note (NULL) returns 0; for serve (a live exercise) it warns when s names endorsers. */
int cc_cli_guidelines_pin(const char *cmd, struct cc_scenario *s, const char *note_path);
/* Prints "guidelines: endorsed by A, B (note sha256 ...)" for s's pinned note (nothing without). */
void cc_cli_guidelines_print(const struct cc_scenario *s);

/* Parses a non-negative decimal 64-bit integer; 0 on success, -1 otherwise. */
int cc_cli_parse_u64(const char *s, uint64_t *out);

/* The threads that check a log's lines (io/plines) for subcommand cmd: --threads arg (1 to 64),
 * or without it the online CPUs, at most CC_CLI_LINE_THREADS. 0 with the reason printed. */
#define CC_CLI_LINE_THREADS 8 /* beyond it the in-order part is the bottleneck (docs/event-log.md) */
unsigned cc_cli_line_threads(const char *cmd, const char *arg);

/* Loads and checks a scenario for subcommand cmd; on failure prints the diagnostics and a
 * pointer to `caucus lint`, and returns NULL. */
struct cc_scenario *cc_cli_load(const char *cmd, const char *file);
/* The same with an agents file merged in (NULL: none; docs/calibration.md, "The agents file"). */
struct cc_scenario *cc_cli_load_agents(const char *cmd, const char *file, const char *agents);

/* Parses "all", "none" or "SEAT,SEAT" into per-seat flags (nseats bytes); prints the problem
 * and returns -1 for an unknown seat or a seat without an agent policy. */
struct cc_scenario;
int cc_cli_parse_seats(const struct cc_scenario *s, const char *list, uint8_t *flags);

/* Inputs of people and control, read from a JSON Lines file, in time order. */
typedef struct cc_input_list {
    struct json_t **v;
    int64_t *t_ms;
    size_t n, cap;
} cc_input_list;

/* Reads and checks an inputs file (prints FILE:LINE errors); 0 on success. */
int cc_cli_read_inputs(const struct cc_scenario *s, const char *path, cc_input_list *l);
void cc_cli_inputs_free(cc_input_list *l);

/* Prints diagnostics as "FILE:LINE:COL: error: MESSAGE" plus an indented hint line. */
void cc_cli_print_diags(FILE *out, const cc_diags *d);

/* The queryable state of a run (state_print.c), shared by `caucus run`'s summary and `caucus
 * replay --until`. Pass cc_cli_state_observe as cc_engine_opts.observe with the state as
 * observe_ctx; it records when each consultation was requested and completed (or failed), each decision
 * made, and each finding (-1: not yet). With gate set, an observation is kept only while
 * gate(gate_ctx) returns 1 (replay: up to the event it stops at). */
struct cc_engine;
typedef struct cc_cli_finding {
    size_t guideline;
    int met;
    int64_t t_ms;
} cc_cli_finding;
typedef struct cc_cli_state {
    const struct cc_scenario *s;
    int64_t *req, *done, *failed, *made; /* per consultation (three), per decision */
    cc_cli_finding *findings;
    size_t nfindings, capfindings;
    int oom; /* a finding could not be recorded */
    int (*gate)(void *gate_ctx);
    void *gate_ctx;
} cc_cli_state;
/* 0, or -1 when out of memory (st is then empty); free with cc_cli_state_free. */
int cc_cli_state_init(cc_cli_state *st, const struct cc_scenario *s);
void cc_cli_state_free(cc_cli_state *st);
void cc_cli_state_observe(void *ctx, cc_evtype type, uint32_t item, unsigned detail, int64_t t_ms);
/* One line per consultation and decision: when it happened, or where it stands. */
void cc_cli_print_items(FILE *f, const cc_cli_state *st, const struct cc_engine *e);
/* The whole state: per seat the injects it holds, every inject, consultation and decision, open
 * decisions and the findings so far. */
void cc_cli_print_state(FILE *f, const cc_cli_state *st, const struct cc_engine *e);
/* The same as a JSON object (new reference; NULL when out of memory). */
struct json_t *cc_cli_state_json(const cc_cli_state *st, const struct cc_engine *e);

#endif
