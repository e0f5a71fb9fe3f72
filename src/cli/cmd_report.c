/* cmd_report — `caucus report LOG|SIMRESULT.json`: the after-action report of an event log
 * (control view, or one seat's view with --seat), or the comparison report of a simulation
 * result, as HTML, Markdown, JSON and CSV tables. See docs/report.md. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/cdate.h"
#include "store/store.h"
#include "core/note.h"
#include "core/scenario.h"
#include "report/report.h"
#include "report/report_int.h"
#include "report/report_lang.h"

static void usage(FILE *f)
{
    fprintf(
        f,
        "usage: caucus report LOG [--scenario FILE] [--seat SEAT] [--plan DB] [--checkpoint FILE --key PUB]\n"
        "                     [--threads T] --html OUT [--md OUT] [--json OUT] [--docx OUT] [--csv DIR]\n"
        "       caucus report DB --exercise ID [--seat SEAT] [--key PUB] [--checkpoint FILE] --html OUT "
        "[...]\n"
        "       caucus report SIMRESULT.json [--scenario FILE] [--threads T] --html OUT [...]\n"
        "  LOG              event log written by caucus run --log (verified while read)\n"
        "  DB --exercise ID an exercise of a store (SQLite file or postgres:// URI): its log, scenario,\n"
        "                   improvement plan (control view), latest stored checkpoint and the newest\n"
        "                   version of control's summary (caucus summary)\n"
        "  --scenario FILE  the scenario the log was run on (default: the path recorded in the log);\n"
        "                   for a simulation result: run it again, verify it, plot distributions\n"
        "  --seat SEAT      only what SEAT received or may read (default: exercise control view)\n"
        "  --plan DB        add the open improvement-plan items of store DB raised by earlier exercises\n"
        "                   as carried over, each with whether its guideline was met in this exercise\n"
        "                   and missed before (control view only; a store report includes its own)\n"
        "  --checkpoint FILE  a signed checkpoint the log must be consistent with (needs --key); the\n"
        "                   overview shows it, and a log that does not match it fails (exit 1)\n"
        "  --key PUB        the checkpoint signer's public key (text or file)\n"
        "  --html OUT       one self-contained HTML page ('-': standard output)\n"
        "  --md OUT         Markdown\n"
        "  --json OUT       the report document as JSON\n"
        "  --docx OUT       a Word document (OOXML) to finish in a word processor ('-': standard output)\n"
        "  --csv DIR        one CSV file per table, and banners.csv\n"
        "  --threads T      a log: threads checking its lines, 1 to 64 (default: online CPUs, at most\n"
        "                   8; the same report for every T); a simulation result: worker threads\n"
        "                   when it is run again, 1 to 1024 (default: online CPUs)\n"

        "  --lang TAG       the report in that language: titles, headings and sentences from its\n"
        "                   catalogue, the scenario's texts in it (en, ko; default: English with\n"
        "                   the scenario's authoritative texts)\n");
}

/* The parsed command line; the store path fills the private fields. */
typedef struct ropts {
    const char *in, *html, *md, *json, *docx, *csv, *today, *summary, *summary_label, *seat, *scen, *plan,
        *exercise, *checkpoint, *key, *lang;
    uint64_t threads;
    const char *threads_arg; /* --threads as given (a log: the threads checking its lines) */
    int64_t plan_exercise;  /* the reported exercise's id in the plan's store (0: find it) */
    const char *stored_cp;  /* a store's latest checkpoint note (NULL: none) */
    /* the store's newest summary version with a text, unless --summary names a file (NULL: none) */
    const char *stored_summary, *stored_summary_label;
    char today_iso[11];     /* --today read by core/cdate, else the local date */
    uint64_t stored_cp_size;
} ropts;

static int write_file(const char *path, const char *data, size_t len)
{
    if (strcmp(path, "-") == 0)
        return fwrite(data, 1, len, stdout) == len && fflush(stdout) == 0 ? 0 : -1;
    FILE *f = fopen(path, "wb");
    if (!f) {
        fprintf(stderr, "caucus report: cannot write %s: %s\n", path, strerror(errno));
        return -1;
    }
    int ok = fwrite(data, 1, len, f) == len;
    if (fclose(f) != 0)
        ok = 0;
    if (!ok) {
        fprintf(stderr, "caucus report: cannot write %s: %s\n", path, strerror(errno));
        return -1;
    }
    return 0;
}

static int csv_sink(void *ctx, const char *name, const char *data, size_t len)
{
    const char *dir = ctx;
    char path[4096];
    if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, name) >= sizeof path) {
        fprintf(stderr, "caucus report: path too long: %s/%s\n", dir, name);
        return -1;
    }
    return write_file(path, data, len);
}

typedef cc_err (*render_fn)(const json_t *, cc_buf *);

/* Writes doc rendered by fn (NULL: HTML, in the styles of policy) to path, when given. */
static int render(const json_t *doc, render_fn fn, const cc_label_policy *policy, const char *path)
{
    if (!path)
        return 0;
    cc_buf b;
    cc_buf_init(&b);
    cc_err rc = fn ? fn(doc, &b) : cc_report_html(doc, policy, &b);
    int st = 0;
    if (rc != CC_OK) {
        fprintf(stderr, "caucus report: cannot render %s: %s\n", path, cc_err_str(rc));
        st = -1;
    } else {
        st = write_file(path, b.data ? b.data : "", b.len);
    }
    cc_buf_free(&b);
    return st;
}

static int run_report(const ropts *o);

/* caucus report DB --exercise ID ...: the exercise's log and scenario are taken out of the store
 * into a private temporary directory and reported on like files, with the store's improvement
 * plan (control view) and its latest checkpoint (unless --checkpoint names another). */
static int report_from_store(const ropts *in)
{
    uint64_t ex;
    if (!in->exercise || cc_cli_parse_u64(in->exercise, &ex) != 0 || ex == 0) {
        fprintf(stderr, "caucus report: a store needs --exercise ID\n");
        return 2;
    }
    const char *db = in->in;
    cc_store *st = NULL;
    cc_store_opts so = {1, NULL, 0, 0};
    cc_store_error err;
    if (cc_store_open(db, &so, &st, &err) != CC_OK) {
        fprintf(stderr, "caucus report: %s\n", err.message);
        return 1;
    }
    cc_store_exercise x;
    if (cc_store_exercise_get(st, (int64_t)ex, &x, &err) != CC_OK) {
        fprintf(stderr, "caucus report: %s\n", err.message);
        cc_store_close(st);
        return 1;
    }
    char *cpnote = NULL;
    uint64_t cpsize = 0;
    if (!in->checkpoint && cc_cli_latest_checkpoint(st, (int64_t)ex, &cpnote, &cpsize, &err) != CC_OK) {
        fprintf(stderr, "caucus report: %s\n", err.message);
        cc_store_exercise_clear(&x);
        cc_store_close(st);
        return 1;
    }
    /* control's summary: its newest version (one that went back to the draft has no text) */
    cc_store_summary sum;
    memset(&sum, 0, sizeof sum);
    cc_err src = cc_store_summary_get(st, (int64_t)ex, 0, &sum, &err);
    if (src != CC_OK && src != CC_ERR_NOTFOUND) {
        fprintf(stderr, "caucus report: %s\n", err.message);
        free(cpnote);
        cc_store_exercise_clear(&x);
        cc_store_close(st);
        return 1;
    }
    const char *tmp = getenv("TMPDIR");
    char dir[4096], logp[4200], scp[4200];
    snprintf(dir, sizeof dir, "%s/caucus-report-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    int rc = 1;
    if (!mkdtemp(dir)) {
        fprintf(stderr, "caucus report: no temporary directory\n");
        goto done;
    }
    snprintf(logp, sizeof logp, "%s/exercise.jsonl", dir);
    snprintf(scp, sizeof scp, "%s/scenario.yaml", dir);
    FILE *lf = fopen(logp, "wb");
    FILE *sf = fopen(scp, "wb");
    if (!lf || !sf || fwrite(x.scenario, 1, x.scenario_len, sf) != x.scenario_len ||
        cc_cli_write_log(st, (int64_t)ex, lf, NULL, &err) != CC_OK) {
        fprintf(stderr, "caucus report: exercise %" PRIu64 " could not be read out of the store\n", ex);
        if (lf)
            fclose(lf);
        if (sf)
            fclose(sf);
    } else if (fclose(lf) != 0 || fclose(sf) != 0) {
        fprintf(stderr, "caucus report: temporary files could not be written\n");
    } else {
        cc_store_close(st); /* the plan helper opens the store itself */
        st = NULL;
        ropts o = *in;
        o.in = logp;
        o.scen = scp;
        o.exercise = NULL;
        if (!o.plan && !o.seat)
            o.plan = db;
        if (o.plan && strcmp(o.plan, db) == 0)
            o.plan_exercise = (int64_t)ex;
        o.stored_cp = cpnote;
        o.stored_cp_size = cpsize;
        if (!o.summary && sum.text) {
            o.stored_summary = sum.text;
            o.stored_summary_label = sum.label;
        }
        rc = run_report(&o);
    }
    unlink(logp);
    unlink(scp);
    rmdir(dir);
done:
    free(cpnote);
    cc_store_summary_clear(&sum);
    cc_store_exercise_clear(&x);
    cc_store_close(st);
    return rc;
}

/* The items raised for this exercise in its own matrix: each takes the place of the proposed row
 * it was seeded from (the same issue), the others are added after the proposals. */
static void own_items(json_t *plan, json_t *own)
{
    json_t *rows = json_object_get(plan, "rows"), *refs = json_object_get(plan, "refs");
    size_t i;
    json_t *it;
    json_array_foreach(own, i, it)
    {
        const char *issue = json_string_value(json_array_get(it, 2));
        char ref[40];
        snprintf(ref, sizeof ref, "item:%s", json_string_value(json_array_get(it, 0)));
        json_t *row = json_array();
        for (size_t c = 1; c < 10; c++)
            json_array_append(row, json_array_get(it, c));
        size_t r = 0;
        while (r < json_array_size(rows) &&
               strcmp(json_string_value(json_array_get(json_array_get(rows, r), 1)), issue))
            r++;
        if (r < json_array_size(rows)) {
            json_array_set_new(rows, r, row);
            if (refs)
                json_array_set_new(refs, r, json_string(ref));
        } else {
            json_array_append_new(rows, row);
            if (refs)
                json_array_append_new(refs, json_string(ref));
        }
    }
}

/* Puts the plan in db into the improvement section: the items raised for this exercise into its
 * matrix, and the "carried over" table of the open items of earlier exercises, with what this
 * log's findings say about their guidelines. */
static int carry_over(json_t *doc, const char *db, const char *log, int64_t exercise, const char *today)
{
    char why[300];
    json_t *own = json_array();
    json_t *rows = own ? cc_cli_plan_carried(db, log, exercise, today, own, why, sizeof why) : NULL;
    if (!rows) {
        fprintf(stderr, "caucus report: --plan %s: %s\n", db, own ? why : "out of memory");
        json_decref(own);
        return -1;
    }
    json_t *secs = json_object_get(doc, "sections"), *sec;
    size_t i;
    json_array_foreach(secs, i, sec)
    {
        const char *id = json_string_value(json_object_get(sec, "id"));
        if (id && strcmp(id, "improvement") == 0) {
            json_t *tables = json_object_get(sec, "tables"), *plan;
            size_t k;
            json_array_foreach(tables, k, plan) if (!strcmp(cc_report_str(plan, "id"), "plan"))
                own_items(plan, own);
            json_t *t = json_pack("{s:s,s:s,s:[s,s,s,s,s,s,s,s,s],s:o}", "id", "carried", "title",
                                  "Carried over from earlier exercises (open improvement-plan items)",
                                  "columns", "item", "raised by exercise", "issue", "corrective action",
                                  "responsible organisation", "due", "status", "guideline", "in this exercise",
                                  "rows", rows);
            if (!t || !tables || json_array_append_new(tables, t) != 0) {
                json_decref(own);
                return -1;
            }
            size_t n = json_array_size(own);
            if (n) {
                char note[200];
                snprintf(
                    note, sizeof note,
                    "%zu open item%s raised by this exercise %s in its improvement plan above (not carried "
                    "over).",
                    n, n == 1 ? "" : "s", n == 1 ? "is" : "are");
                json_object_set_new(t, "note", json_string(note));
            }
            json_decref(own);
            return 0;
        }
    }
    json_decref(rows);
    json_decref(own);
    fprintf(stderr, "caucus report: the report has no improvement section\n");
    return -1;
}

int cc_cmd_report(int argc, char **argv)
{
    ropts o;
    memset(&o, 0, sizeof o);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int has = i + 1 < argc;
        const char **slot = strcmp(a, "--html") == 0            ? &o.html
                            : strcmp(a, "--md") == 0            ? &o.md
                            : strcmp(a, "--json") == 0          ? &o.json
                            : strcmp(a, "--docx") == 0          ? &o.docx
                            : strcmp(a, "--today") == 0         ? &o.today
                            : strcmp(a, "--summary") == 0       ? &o.summary
                            : strcmp(a, "--summary-label") == 0 ? &o.summary_label
                            : strcmp(a, "--csv") == 0           ? &o.csv
                            : strcmp(a, "--seat") == 0          ? &o.seat
                            : strcmp(a, "--plan") == 0          ? &o.plan
                            : strcmp(a, "--exercise") == 0      ? &o.exercise
                            : strcmp(a, "--scenario") == 0      ? &o.scen
                            : strcmp(a, "--checkpoint") == 0    ? &o.checkpoint
                            : strcmp(a, "--key") == 0           ? &o.key
                            : strcmp(a, "--lang") == 0          ? &o.lang
                                                                : NULL;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            return 0;
        } else if (slot && has) {
            *slot = argv[++i];
        } else if (strcmp(a, "--threads") == 0 && has) {
            o.threads_arg = argv[i + 1];
            if (cc_cli_parse_u64(argv[++i], &o.threads) != 0 || o.threads < 1 || o.threads > 1024) {
                fprintf(stderr, "caucus report: --threads needs a number from 1 to 1024\n");
                return 2;
            }
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "caucus report: unknown option or missing value: %s\n", a);
            usage(stderr);
            return 2;
        } else if (!o.in) {
            o.in = a;
        } else {
            fprintf(stderr, "caucus report: one input at a time (got %s and %s)\n", o.in, a);
            return 2;
        }
    }
    cc_cli_today(o.today_iso);
    if (o.today) {
        char why[200], hint[200];
        if (cc_date_parse(o.today, o.today_iso, why, sizeof why, hint, sizeof hint) != CC_OK) {
            fprintf(stderr, "caucus report: --today %s: %s\n%s%s%s", o.today, why, *hint ? "  hint: " : "",
                    hint, *hint ? "\n" : "");
            return 2;
        }
    }
    if (o.in && cc_cli_is_store(o.in))
        return report_from_store(&o);
    if (o.exercise) {
        fprintf(stderr, "caucus report: --exercise goes with a store (DB), not with a log file\n");
        return 2;
    }
    if (o.checkpoint && !o.key) {
        fprintf(stderr, "caucus report: checking --checkpoint needs the signer's public key (--key)\n");
        return 2;
    }
    if (o.key && !o.checkpoint) {
        fprintf(stderr, "caucus report: --key goes with --checkpoint FILE (or with a store's checkpoints)\n");
        return 2;
    }
    return run_report(&o);
}

/* Opens the checkpoint to tie the report to: --checkpoint FILE with --key (the signature must
 * verify), or a store's latest with --key (the same) or without (parsed, signature not checked).
 * 0: none wanted or *cp filled; 1: refused (said on stderr). */
static int open_checkpoint(const ropts *o, cc_checkpoint *cp, char *source, size_t slen, char *sig, size_t siglen)
{
    if (!o->checkpoint && !o->stored_cp)
        return 0;
    cc_note_verifier *key = NULL;
    cc_note_error ne;
    if (o->key) {
        size_t kl;
        char *kt = cc_cli_slurp(o->key, &kl, CC_CLI_SLURP_MAX);
        const char *k = kt ? kt : o->key;
        int bad = cc_note_verifier_parse(k, kt ? kl : strlen(k), &key, &ne) != CC_OK;
        free(kt);
        if (bad) {
            fprintf(stderr, "caucus report: --key: not a verifier key: %s\n", ne.message);
            return 1;
        }
    }
    size_t len = 0;
    char *text = o->checkpoint ? cc_cli_slurp(o->checkpoint, &len, CC_CLI_SLURP_MAX) : NULL;
    const char *note = o->checkpoint ? text : o->stored_cp;
    if (o->checkpoint)
        snprintf(source, slen, "%s", o->checkpoint);
    else
        snprintf(source, slen, "store (latest stored checkpoint, size %" PRIu64 ")", o->stored_cp_size);
    int rc = 1;
    if (!note) {
        fprintf(stderr, "caucus report: cannot read %s\n", o->checkpoint);
    } else {
        if (!o->checkpoint)
            len = strlen(note);
        if (key) {
            if (cc_note_open_checkpoint(note, len, key, NULL, cp, &ne) != CC_OK)
                fprintf(stderr, "caucus report: %s: not a valid checkpoint signed by this key: %s\n", source,
                        ne.message);
            else {
                snprintf(sig, siglen, "verified with key %s", cc_note_verifier_name(key));
                rc = 0;
            }
        } else {
            /* a store's own checkpoint without the key: the text above the blank line, unchecked */
            const char *blank = strstr(note, "\n\n");
            if (!blank || cc_checkpoint_parse(note, (size_t)(blank - note) + 1, cp, &ne) != CC_OK)
                fprintf(stderr, "caucus report: %s: not a checkpoint: %s\n", source,
                        blank ? ne.message : "no blank line before the signatures");
            else {
                snprintf(sig, siglen, "NOT CHECKED: give the signer's public key with --key");
                rc = 0;
            }
        }
    }
    free(text);
    cc_note_verifier_free(key);
    return rc;
}

/* The options that do not go together: -1 to go on, otherwise the exit status. */
static int check_opts(const ropts *o)
{
    const char *html = o->html, *md = o->md, *jsonf = o->json;
    if (o->plan && o->seat) {
        fprintf(stderr, "caucus report: the improvement plan is control's: --plan does not go with --seat\n");
        return 2;
    }
    if (!o->in) {
        fprintf(stderr, "caucus report: no log or simulation result given\n");
        usage(stderr);
        return 2;
    }
    if (!html && !md && !jsonf && !o->docx && !o->csv) {
        fprintf(stderr, "caucus report: no output: give --html, --md, --json, --docx or --csv\n");
        return 2;
    }
    int stdouts = (html && strcmp(html, "-") == 0) + (md && strcmp(md, "-") == 0) +
                  (jsonf && strcmp(jsonf, "-") == 0) + (o->docx && strcmp(o->docx, "-") == 0);
    if (stdouts > 1) {
        fprintf(stderr, "caucus report: only one output may be '-'\n");
        return 2;
    }
    if (access(o->in, R_OK) != 0) {
        fprintf(stderr, "caucus report: cannot read %s: %s\n", o->in, strerror(errno));
        return 1;
    }
    return -1;
}

/* The report on a simulation result (*s: the --scenario to run it again, the caller's). -1 with
 * *rc set, or an exit status. */
static int sim_doc(const ropts *o, cc_scenario **s, cc_diags *d, json_t **doc, cc_err *rc)
{
    if (o->checkpoint || o->stored_cp) {
        fprintf(stderr, "caucus report: --checkpoint applies to event logs, not to simulation results\n");
        return 2;
    }
    if (o->seat) {
        fprintf(stderr, "caucus report: --seat applies to event logs, not to simulation results\n");
        return 2;
    }
    if (o->scen && !(*s = cc_cli_load("report", o->scen)))
        return 1;
    uint64_t threads = o->threads;
    if (!threads) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        threads = n > 0 ? (uint64_t)n : 1;
    }
    *rc = cc_report_from_sim(o->in, *s, (int)threads, d, doc);
    return -1;
}

/* The report on an event log (*s: its scenario, the caller's), with the checkpoint and the
 * carried-over plan items. -1 with *rc set, or an exit status. */
static int log_doc(const ropts *o, cc_scenario **s, cc_diags *d, json_t **doc, cc_err *rc)
{
    const char *in = o->in, *scen = o->scen;
    unsigned threads = cc_cli_line_threads("report", o->threads_arg);
    if (!threads)
        return 2;
    cc_report_start st;
    *rc = cc_report_log_start(in, &st, d);
    if (*rc != CC_OK)
        return -1;
    const char *sp = scen ? scen : st.source;
    if (!*sp) {
        fprintf(stderr, "caucus report: %s records no scenario path; pass --scenario FILE\n", in);
        return 1;
    }
    if (!scen && access(sp, R_OK) != 0) {
        fprintf(stderr,
                "caucus report: the scenario recorded in %s, %s, cannot be read (%s); pass "
                "--scenario FILE\n",
                in, sp, strerror(errno));
        return 1;
    }
    if (!(*s = cc_cli_load("report", sp)))
        return 1;
    cc_checkpoint cp;
    memset(&cp, 0, sizeof cp);
    char cpsrc[4200], cpsig[400];
    if (open_checkpoint(o, &cp, cpsrc, sizeof cpsrc, cpsig, sizeof cpsig) != 0)
        return 1;
    cc_report_checkpoint rcp = {&cp, cpsrc, cpsig};
    char *summary = NULL;
    if (o->summary) {
        size_t len;
        if (!(summary = cc_cli_slurp(o->summary, &len, 64u << 10))) {
            fprintf(stderr, "caucus report: --summary %s cannot be read (at most 64 KiB of UTF-8)\n",
                    o->summary);
            cc_checkpoint_clear(&cp);
            return 1;
        }
    }
    /* a log without run.end (an exercise running, or stopped with Ctrl-C) gets an interim report */
    cc_report_opts ro = {.seat = o->seat,
                         .threads = threads,
                         .flags = CC_REPORT_IN_PROGRESS,
                         .checkpoint = cp.origin ? &rcp : NULL,
                         .summary = summary ? summary : o->stored_summary,
                         .summary_label = summary ? o->summary_label : o->stored_summary_label};
    *rc = cc_report_from_log_opts(in, *s, &ro, d, doc);
    free(summary);
    cc_checkpoint_clear(&cp);
    const char *title = *rc == CC_OK ? json_string_value(json_object_get(*doc, "title")) : NULL;
    if (title && strncmp(title, "Interim", 7) == 0)
        fprintf(stderr,
                "caucus report: %s has no run.end (the exercise is running or was stopped): an interim "
                "report\n",
                in);
    if (*rc == CC_OK && o->plan && carry_over(*doc, o->plan, in, o->plan_exercise, o->today_iso) != 0)
        *rc = CC_ERR_IO;
    return -1;
}

/* --lang: the document rewritten for a reader of that language (report/report_lang.h). -1 to go
 * on, else the exit status. */
static int localise(const ropts *o, json_t *doc, const cc_scenario *s)
{
    if (!o->lang)
        return -1;
    cc_error e = {0};
    cc_err rc = cc_report_localise(doc, s, o->lang, &e);
    if (rc == CC_OK)
        return -1;
    fprintf(stderr, "caucus report: --lang %s: %s\n", o->lang, e.message);
    return rc == CC_ERR_NOTFOUND ? 2 : 1;
}

/* Writes the document in every format asked for and says what was written. The exit status. */
static int write_outputs(const ropts *o, const json_t *doc, const cc_scenario *s)
{
    const char *html = o->html, *md = o->md, *jsonf = o->json, *csv = o->csv;
    int status = 0;
    const cc_label_policy *policy = cc_scenario_policy(s);
    if (render(doc, NULL, policy, html) || render(doc, cc_report_md, NULL, md) ||
        render(doc, cc_report_json, NULL, jsonf) || render(doc, cc_report_docx, NULL, o->docx))
        status = 1;
    if (status == 0 && csv) {
        if (mkdir(csv, 0777) != 0 && errno != EEXIST) {
            fprintf(stderr, "caucus report: cannot create %s: %s\n", csv, strerror(errno));
            status = 1;
        } else if (cc_report_csv(doc, csv_sink, (void *)csv) != CC_OK) {
            status = 1;
        }
    }
    if (status == 0) {
        FILE *f = (html && !strcmp(html, "-")) || (md && !strcmp(md, "-")) || (jsonf && !strcmp(jsonf, "-"))
                      ? stderr
                      : stdout;
        fprintf(f, "report %s: %zu sections%s%s\n", o->in, json_array_size(json_object_get(doc, "sections")),
                *json_string_value(json_object_get(doc, "banner")) ? ", banner " : "",
                json_string_value(json_object_get(doc, "banner")));
        const json_t *cp = json_object_get(doc, "checkpoint");
        if (cp)
            fprintf(f, "  checkpoint %s: %s\n", cc_report_str(cp, "source"), cc_report_str(cp, "text"));
    }
    if (!cc_report_checkpoint_ok(doc)) {
        fprintf(stderr, "caucus report: %s: %s (the report was written and says so)\n", o->in,
                cc_report_str(json_object_get(doc, "checkpoint"), "text"));
        status = 1;
    }
    return status;
}

static int run_report(const ropts *o)
{
    int status = check_opts(o);
    if (status >= 0)
        return status;
    cc_diags d;
    cc_diags_init(&d);
    json_t *doc = NULL;
    cc_scenario *s = NULL;
    cc_err rc = CC_OK;
    status = cc_report_is_sim(o->in) ? sim_doc(o, &s, &d, &doc, &rc) : log_doc(o, &s, &d, &doc, &rc);
    if (status < 0) {
        cc_cli_print_diags(stderr, &d);
        if (rc != CC_OK) {
            if (rc == CC_ERR_NOMEM)
                fprintf(stderr, "caucus report: out of memory\n");
            status = 1;
        } else {
            status = localise(o, doc, s);
            if (status < 0)
                status = write_outputs(o, doc, s);
        }
    }
    cc_diags_free(&d);
    json_decref(doc);
    cc_scenario_free(s);
    return status;
}
