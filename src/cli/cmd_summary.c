/* cmd_summary — `caucus summary DB --exercise ID`: control's executive summary of a stored
 * exercise, kept in versions (docs/cli.md#caucus-summary): show the newest, list every version, save
 * a new text under a label, or go back to the summary the report drafts from the data. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "core/scenario.h"
#include "io/scenario_load.h"
#include "report/report.h"
#include "store/store.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: caucus summary DB --exercise ID [--show | --versions]\n"
            "       caucus summary DB --exercise ID --set FILE [--label BANNER] [--author NAME]\n"
            "       caucus summary DB --exercise ID --clear [--author NAME]\n"
            "  --show           the newest version (the default)\n"
            "  --versions       every version, newest first\n"
            "  --set FILE       save FILE (UTF-8, paragraphs separated by blank lines, at most 64 KiB) as\n"
            "                   the exercise's summary, a new version; '-' reads standard input\n"
            "  --label BANNER   the summary's label (a banner of the scenario's policy; default: none,\n"
            "                   the report's lowest label)\n"
            "  --clear          a new version that goes back to the summary drafted from the data\n"
            "  --author NAME    who saves it (default: control)\n");
}

/* "2026-03-02 14:00:00Z" */
static void wall(int64_t ms, char out[32])
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    if (gmtime_r(&t, &tm))
        strftime(out, 32, "%Y-%m-%d %H:%M:%SZ", &tm);
    else
        snprintf(out, 32, "%" PRId64, ms);
}

static void print_head(const cc_store_summary *m)
{
    char w[32];
    wall(m->created_wall_ms, w);
    if (m->text)
        printf("version %" PRId64 " by %s at %s, label %s\n", m->version, m->author, w,
               m->label ? m->label : "(none)");
    else
        printf("version %" PRId64 " by %s at %s: back to the drafted summary\n", m->version, m->author, w);
}

static char *read_text(const char *path, size_t *len)
{
    if (strcmp(path, "-") != 0)
        return cc_cli_slurp(path, len,
                            16 * CC_REPORT_SUMMARY_MAX); /* longer ones are refused with their length */
    size_t cap = CC_REPORT_SUMMARY_MAX + 2, n = 0;
    char *b = malloc(cap);
    if (!b)
        return NULL;
    size_t got;
    while (n < cap - 1 && (got = fread(b + n, 1, cap - 1 - n, stdin)) > 0)
        n += got;
    b[n] = 0;
    *len = n;
    return b;
}

typedef struct sopts {
    const char *db, *exercise, *set, *label, *author;
    int clear, show, versions;
} sopts;

static int save(cc_store *st, int64_t ex, const sopts *o)
{
    cc_store_exercise x;
    cc_store_error err;
    if (cc_store_exercise_get(st, ex, &x, &err) != CC_OK) {
        fprintf(stderr, "caucus summary: %s\n", err.message);
        return 1;
    }
    cc_diags d;
    cc_diags_init(&d);
    cc_scenario *s = NULL;
    int status = 1;
    char *text = NULL;
    size_t len = 0;
    char canon[512], why[400];
    if (cc_scenario_load(x.scenario, x.scenario_len, "scenario.yaml", NULL, &d, &s) != CC_OK) {
        fprintf(stderr, "caucus summary: exercise %" PRId64 "'s scenario does not load\n", ex);
        cc_cli_print_diags(stderr, &d);
    } else if (o->set && !(text = read_text(o->set, &len))) {
        fprintf(stderr, "caucus summary: --set %s cannot be read (at most 64 KiB of UTF-8)\n", o->set);
    } else if (cc_report_summary_check(cc_scenario_policy(s), text, len, o->label, canon, sizeof canon, why,
                                       sizeof why) != CC_OK) {
        fprintf(stderr, "caucus summary: %s%s%s\n", o->set && text ? o->set : "", o->set && text ? ": " : "",
                why);
        status = 2;
    } else {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        int64_t v = 0;
        if (cc_store_summary_add(st, ex, text, *canon ? canon : NULL, o->author ? o->author : "control",
                                 (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000, &v, &err) != CC_OK) {
            fprintf(stderr, "caucus summary: %s\n", err.message);
        } else {
            if (text)
                printf("exercise %" PRId64 ": summary version %" PRId64 " saved (%zu bytes, label %s)\n", ex,
                       v, len, *canon ? canon : "(none)");
            else
                printf("exercise %" PRId64 ": summary version %" PRId64
                       ": back to the summary drafted from the data\n",
                       ex, v);
            status = 0;
        }
    }
    free(text);
    cc_scenario_free(s);
    cc_diags_free(&d);
    cc_store_exercise_clear(&x);
    return status;
}

static int show(cc_store *st, int64_t ex, int all)
{
    cc_store_error err;
    cc_store_exercise x;
    if (cc_store_exercise_get(st, ex, &x, &err) != CC_OK) {
        fprintf(stderr, "caucus summary: %s\n", err.message);
        return 1;
    }
    cc_store_exercise_clear(&x);
    cc_store_summary *v = NULL;
    size_t n = 0;
    if (cc_store_summary_list(st, ex, &v, &n, &err) != CC_OK) {
        fprintf(stderr, "caucus summary: %s\n", err.message);
        return 1;
    }
    if (n == 0)
        printf("exercise %" PRId64 ": no summary saved; reports draft it from the data\n", ex);
    for (size_t i = 0; i < n && (all || i == 0); i++) {
        print_head(&v[i]);
        if (!all && v[i].text)
            printf("\n%s%s", v[i].text, *v[i].text && v[i].text[strlen(v[i].text) - 1] == '\n' ? "" : "\n");
    }
    for (size_t i = 0; i < n; i++)
        cc_store_summary_clear(&v[i]);
    free(v);
    return 0;
}

int cc_cmd_summary(int argc, char **argv)
{
    sopts o;
    memset(&o, 0, sizeof o);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int has = i + 1 < argc;
        const char **slot = strcmp(a, "--exercise") == 0 ? &o.exercise
                            : strcmp(a, "--set") == 0    ? &o.set
                            : strcmp(a, "--label") == 0  ? &o.label
                            : strcmp(a, "--author") == 0 ? &o.author
                                                         : NULL;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            return 0;
        } else if (slot && has) {
            *slot = argv[++i];
        } else if (strcmp(a, "--clear") == 0) {
            o.clear = 1;
        } else if (strcmp(a, "--show") == 0) {
            o.show = 1;
        } else if (strcmp(a, "--versions") == 0) {
            o.versions = 1;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "caucus summary: unknown option or missing value: %s\n", a);
            usage(stderr);
            return 2;
        } else if (!o.db) {
            o.db = a;
        } else {
            fprintf(stderr, "caucus summary: one store at a time (got %s and %s)\n", o.db, a);
            return 2;
        }
    }
    uint64_t ex = 0;
    if (!o.db || !cc_cli_is_store(o.db)) {
        fprintf(stderr, "caucus summary: %s\n",
                o.db ? "the first argument must be a store (a SQLite file or postgres:// URI)"
                     : "no store given");
        usage(stderr);
        return 2;
    }
    if (!o.exercise || cc_cli_parse_u64(o.exercise, &ex) != 0 || ex == 0 || ex > INT64_MAX) {
        fprintf(stderr, "caucus summary: --exercise needs an exercise id (see caucus exercises %s)\n", o.db);
        return 2;
    }
    if ((!!o.set + o.clear + o.show + o.versions) > 1) {
        fprintf(stderr, "caucus summary: --set, --clear, --show and --versions go one at a time\n");
        return 2;
    }
    if (o.label && !o.set) {
        fprintf(stderr, "caucus summary: --label goes with --set\n");
        return 2;
    }
    if (o.author && !o.set && !o.clear) {
        fprintf(stderr, "caucus summary: --author goes with --set or --clear\n");
        return 2;
    }
    if (o.author && !*o.author) {
        fprintf(stderr, "caucus summary: --author needs a name\n");
        return 2;
    }
    int write = o.set || o.clear;
    cc_store *st = NULL;
    cc_store_opts so = {!write, NULL, 0, 0};
    cc_store_error err;
    if (cc_store_open(o.db, &so, &st, &err) != CC_OK) {
        fprintf(stderr, "caucus summary: %s\n", err.message);
        return 1;
    }
    int status = write ? save(st, (int64_t)ex, &o) : show(st, (int64_t)ex, o.versions);
    cc_store_close(st);
    return status;
}
