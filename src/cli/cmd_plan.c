/* cmd_plan — `caucus plan`: the improvement plan kept in the store across exercises (HSEEP
 * improvement-plan matrix rows): add, list, update, close, and seed from an exercise's missed
 * guidelines. (What `caucus report --plan DB` shows of the plan is in cli_util.c.) */
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/cdate.h"
#include "core/scenario.h"
#include "report/report.h"
#include "report/report_int.h"
#include "store/store.h"

static void usage(FILE *f)
{
    fprintf(
        f,
        "usage: caucus plan add DB --issue TEXT [--exercise ID] [--finding GUIDELINE] [--capability TEXT]\n"
        "                        [--action TEXT] [--element TEXT] [--owner ORG] [--poc NAME]\n"
        "                        [--start DATE] [--due DATE] [--status open|in progress]\n"
        "       caucus plan list DB [--open] [--json] [--today DATE]\n"
        "       caucus plan update DB ID [the options of add]\n"
        "       caucus plan close DB ID --note TEXT\n"
        "       caucus plan seed DB --log LOG [--scenario FILE] [--exercise ID]\n"
        "DATE: YYYY-MM-DD, or 2026-6-1, 1 June 2026, June 1, 2026, 2026/06/01 (not 01/06/2026: day and\n"
        "month could be swapped). See docs/report.md (improvement plan).\n");
}

typedef struct opt {
    const char *name;
    char **slot;
} opt;

/* Applies --field VALUE options to p (dates read by core/cdate into YYYY-MM-DD); returns the index
 * of the first unused argument, -1 for a bad invocation, -2 for a date that is not one. */
static int parse_fields(int argc, char **argv, int i, cc_store_plan_item *p, int64_t *exercise)
{
    opt o[] = {{"--issue", &p->issue},   {"--finding", &p->finding}, {"--capability", &p->capability},
               {"--action", &p->action}, {"--element", &p->element}, {"--owner", &p->owner},
               {"--poc", &p->poc},       {"--start", &p->start},     {"--due", &p->due},
               {"--status", &p->status}, {"--note", &p->closed_note}};
    for (; i < argc; i++) {
        if (strcmp(argv[i], "--exercise") == 0 && i + 1 < argc) {
            uint64_t v;
            if (cc_cli_parse_u64(argv[++i], &v) != 0) {
                fprintf(stderr, "caucus plan: --exercise takes a number\n");
                return -1;
            }
            *exercise = (int64_t)v;
            continue;
        }
        size_t k = 0;
        while (k < sizeof o / sizeof o[0] && strcmp(argv[i], o[k].name) != 0)
            k++;
        if (k == sizeof o / sizeof o[0] || i + 1 >= argc) {
            fprintf(stderr, "caucus plan: unexpected \"%s\"%s\n", argv[i],
                    k < sizeof o / sizeof o[0] ? " (needs a value)" : "");
            return -1;
        }
        const char *val = argv[++i];
        char iso[11];
        if (o[k].slot == &p->start || o[k].slot == &p->due) {
            char why[200], hint[200];
            if (cc_date_parse(val, iso, why, sizeof why, hint, sizeof hint) != CC_OK) {
                fprintf(stderr, "caucus plan: %s %s: %s\n", o[k].name, val, why);
                if (*hint)
                    fprintf(stderr, "  hint: %s\n", hint);
                return -2; /* a value refused, as the store refuses one: exit 1 */
            }
            val = iso;
        }
        char *v = strdup(val);
        if (!v)
            return -1;
        free(*o[k].slot);
        *o[k].slot = v;
    }
    return i;
}

static cc_store *open_rw(const char *db)
{
    cc_store *st = NULL;
    cc_store_error err;
    if (cc_store_open(db, NULL, &st, &err) != CC_OK) {
        fprintf(stderr, "caucus plan: %s\n", err.message);
        return NULL;
    }
    return st;
}

/* Whether an item is open (not closed) and its due date is before today (YYYY-MM-DD). */
static int past_due(const cc_store_plan_item *p, const char *today)
{
    return p->due && p->status && strcmp(p->status, "closed") != 0 && cc_date_before(p->due, today);
}

static void print_item(const cc_store_plan_item *p, const char *today)
{
    char status[40];
    snprintf(status, sizeof status, "%s%s", p->status, past_due(p, today) ? ", PAST DUE" : "");
    printf("%-4" PRId64 " %-16s %-10s %-10s %s", p->id, status, p->due ? p->due : "-",
           p->finding ? p->finding : "-", p->issue);
    if (p->owner)
        printf(" [%s]", p->owner);
    printf("\n");
}

/* caucus plan add DB FIELDS... */
static int plan_add(int argc, char **argv, const char *db)
{
    cc_store_error err;
    cc_store_plan_item p;
    memset(&p, 0, sizeof p);
    int rc = 2;
    cc_store *st = NULL;
    int k = parse_fields(argc, argv, 3, &p, &p.exercise);
    if (k < 0) {
        rc = k == -2 ? 1 : 2;
        goto out;
    }
    if (!p.status)
        p.status = strdup("open");
    rc = 1;
    if (!(st = open_rw(db)))
        goto out;
    int64_t id;
    if (cc_store_plan_add(st, &p, &id, &err) != CC_OK) {
        fprintf(stderr, "caucus plan add: %s\n", err.message);
        goto out;
    }
    printf("added improvement-plan item %" PRId64 "\n", id);
    rc = 0;
out:
    cc_store_plan_item_clear(&p);
    cc_store_close(st);
    return rc;
}

/* caucus plan list DB [--open] [--json] [--today DATE] */
static int plan_list(int argc, char **argv, const char *db)
{
    int open_only = 0, as_json = 0;
    char today[11];
    cc_cli_today(today);
    for (int i = 3; i < argc; i++) {
        char why[200], hint[200];
        if (strcmp(argv[i], "--open") == 0)
            open_only = 1;
        else if (strcmp(argv[i], "--json") == 0)
            as_json = 1;
        else if (strcmp(argv[i], "--today") == 0 && i + 1 < argc) {
            if (cc_date_parse(argv[++i], today, why, sizeof why, hint, sizeof hint) != CC_OK) {
                fprintf(stderr, "caucus plan list: --today %s: %s\n%s%s%s", argv[i], why,
                        *hint ? "  hint: " : "", hint, *hint ? "\n" : "");
                return 2;
            }
        } else {
            fprintf(stderr, "caucus plan list: unexpected \"%s\"\n", argv[i]);
            return 2;
        }
    }
    cc_store_error err;
    cc_store *st = NULL;
    cc_store_opts o = {1, NULL, 0, 0};
    if (cc_store_open(db, &o, &st, &err) != CC_OK) {
        fprintf(stderr, "caucus plan: %s\n", err.message);
        return 1;
    }
    cc_store_plan_item *v;
    size_t n;
    if (cc_store_plan_list(st, open_only, &v, &n, &err) != CC_OK) {
        fprintf(stderr, "caucus plan list: %s\n", err.message);
        cc_store_close(st);
        return 1;
    }
    json_t *arr = as_json ? json_array() : NULL;
    if (!as_json)
        printf("%-4s %-16s %-10s %-10s %s\n", "id", "status", "due", "finding", "issue [owner]");
    for (size_t i = 0; i < n; i++) {
        if (as_json) {
            json_t *it = cc_store_plan_item_json(&v[i]);
            if (it)
                json_object_set_new(it, "past_due", json_boolean(past_due(&v[i], today)));
            json_array_append_new(arr, it);
        } else {
            print_item(&v[i], today);
        }
        cc_store_plan_item_clear(&v[i]);
    }
    free(v);
    if (as_json) {
        char *s = json_dumps(arr, JSON_INDENT(2) | JSON_SORT_KEYS);
        printf("%s\n", s ? s : "[]");
        free(s);
        json_decref(arr);
    }
    cc_store_close(st);
    return 0;
}

/* caucus plan update|close DB ID FIELDS... */
static int plan_update(int argc, char **argv, const char *sub, const char *db)
{
    cc_store_error err;
    cc_store_plan_item p;
    memset(&p, 0, sizeof p);
    int rc = 2;
    cc_store *st = NULL;
    uint64_t id;
    if (argc < 4 || cc_cli_parse_u64(argv[3], &id) != 0) {
        fprintf(stderr, "caucus plan %s: give the item id\n", sub);
        goto out;
    }
    if (!(st = open_rw(db))) {
        rc = 1;
        goto out;
    }
    if (cc_store_plan_get(st, (int64_t)id, &p, &err) != CC_OK) {
        fprintf(stderr, "caucus plan %s: %s\n", sub, err.message);
        rc = 1;
        goto out;
    }
    int64_t ex = p.exercise;
    int k = parse_fields(argc, argv, 4, &p, &ex);
    if (k < 0) {
        rc = k == -2 ? 1 : 2;
        goto out;
    }
    p.exercise = ex;
    if (strcmp(sub, "close") == 0) {
        if (!p.closed_note || !*p.closed_note) {
            fprintf(stderr,
                    "caucus plan close: say why with --note (e.g. the exercise that showed the fix)\n");
            goto out;
        }
        free(p.status);
        p.status = strdup("closed");
    }
    if (cc_store_plan_update(st, &p, &err) != CC_OK) {
        fprintf(stderr, "caucus plan %s: %s\n", sub, err.message);
        rc = 1;
        goto out;
    }
    printf("%s improvement-plan item %" PRIu64 "\n", strcmp(sub, "close") == 0 ? "closed" : "updated", id);
    rc = 0;
out:
    cc_store_plan_item_clear(&p);
    cc_store_close(st);
    return rc;
}

/* The improvement-plan table the report proposes for log (control view), with its "refs";
 * NULL with the reason printed. The caller frees *doc. */
static const json_t *proposed_plan(const char *log, const char *scen, cc_scenario **s, json_t **doc)
{
    cc_diags d;
    cc_diags_init(&d);
    cc_report_start st;
    const json_t *plan = NULL;
    if (cc_report_log_start(log, &st, &d) != CC_OK) {
        cc_cli_print_diags(stderr, &d);
    } else if (!scen && !*st.source) {
        fprintf(stderr, "caucus plan seed: %s records no scenario path; pass --scenario FILE\n", log);
    } else if ((*s = cc_cli_load("plan seed", scen ? scen : st.source))) {
        if (cc_report_from_log(log, *s, NULL, &d, doc) != CC_OK) {
            cc_cli_print_diags(stderr, &d);
        } else {
            size_t i, k;
            const json_t *sec, *t;
            json_array_foreach(json_object_get(*doc, "sections"), i, sec)
            {
                json_array_foreach(json_object_get(sec, "tables"), k, t)
                {
                    if (!strcmp(cc_report_str(sec, "id"), "improvement") &&
                        !strcmp(cc_report_str(t, "id"), "plan"))
                        plan = t;
                }
            }
        }
    }
    cc_diags_free(&d);
    return plan;
}

/* Whether an open item of v already stands for the proposed row (the same issue, or a guideline's
 * row and an item raised for that guideline). */
static int have_item(const cc_store_plan_item *v, size_t n, const char *issue, const char *guideline)
{
    for (size_t i = 0; i < n; i++)
        if ((v[i].issue && !strcmp(v[i].issue, issue)) ||
            (guideline && v[i].finding && !strcmp(v[i].finding, guideline)))
            return 1;
    return 0;
}

/* One open item for each row of the proposed plan that has none yet, pre-filled exactly as the
 * report proposes it (capability, issue, corrective action, capability element); a guideline's
 * row is raised for that guideline (--finding), so that later reports carry it over with whether
 * it was met. 0, or 1 with the reason printed. */
static int seed_items(cc_store *st, int64_t ex, const json_t *plan)
{
    cc_store_error err;
    cc_store_plan_item *v = NULL;
    size_t n = 0;
    cc_store_plan_list(st, 1, &v, &n, &err);
    const json_t *rows = json_object_get(plan, "rows"), *refs = json_object_get(plan, "refs");
    int added = 0, rc = 0;
    for (size_t r = 0; r < json_array_size(rows); r++) {
        const json_t *row = json_array_get(rows, r);
        const char *ref = json_string_value(json_array_get(refs, r));
        const char *g = ref && !strncmp(ref, "guideline:", 10) ? ref + 10 : NULL;
        const char *issue = json_string_value(json_array_get(row, 1));
        if (!issue || have_item(v, n, issue, g))
            continue;
        cc_store_plan_item q;
        memset(&q, 0, sizeof q);
        q.exercise = ex;
        q.finding = (char *)g;
        q.capability = (char *)json_string_value(json_array_get(row, 0));
        q.issue = (char *)issue;
        q.action = (char *)json_string_value(json_array_get(row, 2));
        q.element = (char *)json_string_value(json_array_get(row, 3));
        char **fields[] = {&q.capability, &q.action, &q.element};
        for (size_t k = 0; k < sizeof fields / sizeof fields[0]; k++)
            if (*fields[k] && !**fields[k])
                *fields[k] = NULL; /* an empty cell is a field to fill */
        q.status = "open";
        int64_t id;
        if (cc_store_plan_add(st, &q, &id, &err) != CC_OK) {
            fprintf(stderr, "caucus plan seed: %s\n", err.message);
            rc = 1;
            break;
        }
        printf("added item %" PRId64 ": %s\n", id, issue);
        added++;
    }
    for (size_t i = 0; i < n; i++)
        cc_store_plan_item_clear(&v[i]);
    free(v);
    if (rc == 0)
        printf("%d item(s) added\n", added);
    return rc;
}

/* caucus plan seed DB --log LOG [--scenario FILE] [--exercise ID] */
static int plan_seed(int argc, char **argv, const char *db)
{
    const char *log = NULL, *scen = NULL;
    int64_t ex = 0;
    for (int i = 3; i < argc; i++) {
        uint64_t v;
        if (strcmp(argv[i], "--log") == 0 && i + 1 < argc)
            log = argv[++i];
        else if (strcmp(argv[i], "--scenario") == 0 && i + 1 < argc)
            scen = argv[++i];
        else if (strcmp(argv[i], "--exercise") == 0 && i + 1 < argc &&
                 cc_cli_parse_u64(argv[i + 1], &v) == 0) {
            ex = (int64_t)v;
            i++;
        } else {
            fprintf(stderr, "caucus plan seed: unexpected \"%s\"\n", argv[i]);
            return 2;
        }
    }
    if (!log) {
        fprintf(stderr, "caucus plan seed: give --log LOG\n");
        return 2;
    }
    cc_scenario *s = NULL;
    json_t *doc = NULL;
    cc_store *st = NULL;
    int rc = 1;
    const json_t *plan = proposed_plan(log, scen, &s, &doc);
    if (plan && (st = open_rw(db)))
        rc = seed_items(st, ex, plan);
    json_decref(doc);
    cc_scenario_free(s);
    cc_store_close(st);
    return rc;
}

int cc_cmd_plan(int argc, char **argv)
{
    if (argc < 3) {
        usage(argc == 2 && strcmp(argv[1], "--help") == 0 ? stdout : stderr);
        return argc == 2 && strcmp(argv[1], "--help") == 0 ? 0 : 2;
    }
    const char *sub = argv[1], *db = argv[2];
    if (strcmp(sub, "add") == 0)
        return plan_add(argc, argv, db);
    if (strcmp(sub, "list") == 0)
        return plan_list(argc, argv, db);
    if (strcmp(sub, "update") == 0 || strcmp(sub, "close") == 0)
        return plan_update(argc, argv, sub, db);
    if (strcmp(sub, "seed") == 0)
        return plan_seed(argc, argv, db);
    usage(stderr);
    return 2;
}
