/* report — the after-action report (HSEEP shape) built only from an event log, and the
 * comparison report of a simulation result. The log is streamed (bounded memory: per-item
 * aggregates sized by the scenario, lists capped at CC_REPORT_LIST_MAX) into a report
 * document, a JSON value that the renderers (HTML, Markdown, JSON, CSV) turn into bytes.
 * Every section of the document carries the join of the labels of its content; a per-seat
 * report holds only what that seat received or may read. Format: docs/report.md. */
#ifndef CC_REPORT_H
#define CC_REPORT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/diag.h"
#include "core/label.h"
#include "core/note.h"
#include "core/scenario.h"
#include "sim/sim.h"

#define CC_REPORT_FORMAT "caucus-report/1"
#define CC_REPORT_LIST_MAX 2000 /* rows kept per open-ended list (findings, messages, notes) */

/* What the first event of a log pins. */
typedef struct cc_report_start {
    char scenario_hash[65]; /* hex SHA-256 of the scenario file */
    char scenario_id[128];
    char source[1024]; /* path recorded in run.start, "" when null */
} cc_report_start;

/* Reads and strictly decodes the first line of the log at path, which must be run.start.
 * Errors (appended to d with file and line): CC_ERR_IO (cannot open), CC_ERR_PARSE (not an
 * event record, or not run.start). */
cc_err cc_report_log_start(const char *path, cc_report_start *out, cc_diags *d);

/* Builds the after-action report document of the log at path, run on scenario s (whose
 * hash must be the one pinned by run.start: CC_ERR_INVALID otherwise). seat: NULL for the
 * control (exercise director) view, else a seat id of s (CC_ERR_NOTFOUND otherwise). The log
 * is read twice (aggregates, then the evidence events of the findings) and verified while
 * read: strict decoding, sequence numbers, hash chain, run.start first and run.end last; the
 * first bad line is reported as FILE:LINE with the reason (CC_ERR_PARSE). On success *doc is
 * a new JSON object the caller releases with json_decref. */
cc_err cc_report_from_log(const char *path, const cc_scenario *s, const char *seat, cc_diags *d,
                          json_t **doc);

/* The same, with flags: CC_REPORT_IN_PROGRESS accepts a log that has no run.end yet (a live
 * exercise; the title says "interim"). */
#define CC_REPORT_IN_PROGRESS 1u
cc_err cc_report_from_log_ex(const char *path, const cc_scenario *s, const char *seat, unsigned flags,
                             cc_diags *d, json_t **doc);

/* A signed checkpoint (docs/tamper-evidence.md) to tie the report to, already opened by the
 * caller (its signature checked with a key, or not: signature says which, in words). */
typedef struct cc_report_checkpoint {
    const cc_checkpoint *cp; /* borrowed */
    const char *source;      /* where it came from: a file name, "store (...)" */
    const char *signature;   /* e.g. "verified with key NAME", "not checked (no key given)" */
} cc_report_checkpoint;

typedef struct cc_report_opts {
    const char *seat;                       /* NULL: control view */
    unsigned flags;                         /* CC_REPORT_IN_PROGRESS */
    const cc_report_checkpoint *checkpoint; /* NULL: none */
    /* The executive summary control wrote (UTF-8, paragraphs separated by blank lines; NULL: the
     * draft) and its label (a banner of the scenario's policy; NULL: the report's lowest label).
     * A reader that may not read the label gets the draft. A label that does not parse is
     * CC_ERR_INVALID with a diagnostic. */
    const char *summary, *summary_label;
    int64_t as_of_ms; /* CC_REPORT_IN_PROGRESS: the scenario time now (a live exercise's clock), which
                         times what is still open; 0: the last event's time */
    unsigned threads; /* threads checking the log's lines in the first reading (io/plines, 1 to
                       * CC_PLINES_MAX_THREADS); 0 or 1: one thread, the plain reader. The same
                       * document and diagnostics for every value (docs/event-log.md) */
    size_t batch;     /* threads > 1: bytes read per batch of lines (cc_plines_opts.batch); 0: 256 KiB */
} cc_report_opts;

/* The same, with options. Every report shows the RFC 6962 Merkle tree (size and root) over the
 * log's events, leaf i = event seq i's hash, as `caucus verify` and checkpoints compute it. With
 * a checkpoint the log is also fed to core/verify against it, and the document's "checkpoint"
 * member and overview say whether the log is consistent with it (and how many of its events it
 * covers) or not; a mismatch is not an error of this call: it sets checkpoint.status to
 * "mismatch" and adds a line to the document's "alerts" (cc_report_checkpoint_ok says so). */
cc_err cc_report_from_log_opts(const char *path, const cc_scenario *s, const cc_report_opts *o, cc_diags *d,
                               json_t **doc);

/* Control's executive summary (docs/report.md#executive-summary). CC_REPORT_SUMMARY_MAX: the longest
 * text kept. cc_report_summary_check: CC_OK when text[0..len) (NULL: back to the draft) is UTF-8
 * without NUL bytes, not blank and not too long, and label (NULL or "": none) is a banner of p; the
 * label's canonical banner into canon (empty for none). CC_ERR_INVALID with why (where and why)
 * otherwise. cc_report_summary_text: the paragraphs of doc's executive summary joined by blank lines
 * (malloc'd; "" without one; NULL when out of memory). */
#define CC_REPORT_SUMMARY_MAX (64u << 10)
struct cc_label_policy;
cc_err cc_report_summary_check(const struct cc_label_policy *p, const char *text, size_t len,
                               const char *label, char *canon, size_t canonlen, char *why, size_t whylen);
char *cc_report_summary_text(const json_t *doc);

/* 1 unless the document carries a checkpoint the log does not match. */
int cc_report_checkpoint_ok(const json_t *doc);

/* Builds the comparison report document of a `caucus sim --json` result at path. When s is
 * not NULL (the scenario the simulation ran) the simulation is run again with the recorded
 * seed, replications and variants, its summaries must equal the file's (CC_ERR_INVALID
 * otherwise), and the CDF and interval plots of sim/simplot are included; without s the plot
 * shows each mean with its interval. threads: worker threads for the re-run (>= 1). */
cc_err cc_report_from_sim(const char *path, const cc_scenario *s, int threads, cc_diags *d, json_t **doc);

/* The result document `caucus sim --json` writes (docs/sim.md, "Outputs"): the run's parameters,
 * every metric's summary per variant, and every pairwise difference (b - a for a < b), paired. New
 * reference; NULL when out of memory. */
json_t *cc_report_sim_result(const cc_sim *r, const char *scenario_id, uint64_t seed);

/* The result document `caucus sim --sweep --json` writes (docs/sim.md, "Exploring a mechanism"):
 * the sweep (path, values, baseline), and per shown metric and variant the response curve: at each
 * point the metric's summary and the paired difference against the baseline point. New reference;
 * NULL when out of memory. */
json_t *cc_report_sweep_result(const cc_sim *r, const cc_sim_axis *ax, const char *scenario_id,
                               uint64_t seed);

/* true when the file at path looks like a simulation result (an indented JSON object, its first
 * line a lone "{") rather than an event log. */
int cc_report_is_sim(const char *path);

/* Renderers; each appends to out, deterministic (same document, same bytes). */
/* One self-contained page; its banners are shown in the styles policy gives their classes (the
 * scenario's label policy; NULL: every banner in the style of an unknown class). */
cc_err cc_report_html(const json_t *doc, const cc_label_policy *policy, cc_buf *out);
cc_err cc_report_md(const json_t *doc, cc_buf *out);
cc_err cc_report_json(const json_t *doc, cc_buf *out); /* indented, sorted keys */
/* A Word document (OOXML, a ZIP archive) for the planner to finish: headings, tables, banners in
 * the page header and footer. CC_ERR_NOMEM, CC_ERR_IO (the archive could not be written). */
cc_err cc_report_docx(const json_t *doc, cc_buf *out);

/* CSV (RFC 4180, CR LF): one table per call of emit, named SECTION-TABLE.csv, plus an index
 * "banners.csv" (file, section, table, banner). emit returns non-zero to stop (CC_ERR_IO). */
typedef int (*cc_report_csv_sink)(void *ctx, const char *name, const char *data, size_t len);
cc_err cc_report_csv(const json_t *doc, cc_report_csv_sink emit, void *ctx);

/* Appends one RFC 4180 field (quoted when it holds a comma, quote, CR or LF). */
void cc_report_csv_field(cc_buf *b, const char *s);

/* Appends s escaped for HTML text and attribute values (& < > " '). */
void cc_report_html_escape(cc_buf *b, const char *s);

/* The timeline SVG of a report document's "timeline" section data (see report_svg.c). */
cc_err cc_report_timeline_svg(const json_t *timeline, cc_buf *out);

#endif
