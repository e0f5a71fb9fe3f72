/* cli_util — the helpers the subcommands share: reading a whole file, telling a store (SQLite
 * file or postgres:// URI) from a log file, writing an exercise's log out of a store, creating a
 * checkpoint signing key, numbers, loading a scenario, the seats its agents play, inputs files,
 * printing diagnostics, and what `caucus report --plan` shows of the improvement plan. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/cdate.h"
#include "core/buf.h"
#include "core/ctime.h"
#include "core/engine.h"
#include "core/note.h"
#include "core/scenario_model.h"
#include "core/grow.h"
#include "io/file.h"
#include "io/plines.h"
#include "io/scenario_load.h"
#include "store/store.h"

char *cc_cli_slurp(const char *path, size_t *len, size_t max)
{
    char *text = NULL;
    return cc_file_read(path, max, &text, len, NULL, 0) == CC_OK ? text : NULL;
}

FILE *cc_cli_create_private(const char *path)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return NULL;
    FILE *f = fchmod(fd, 0600) == 0 ? fdopen(fd, "w") : NULL;
    if (!f) {
        int e = errno;
        close(fd);
        errno = e;
    }
    return f;
}

int cc_cli_is_store(const char *path)
{
    if (strncmp(path, "postgres://", 11) == 0 || strncmp(path, "postgresql://", 13) == 0)
        return 1;
    FILE *f = fopen(path, "rb");
    char head[16] = {0};
    int r = f && fread(head, 1, 16, f) == 16 && memcmp(head, "SQLite format 3", 16) == 0;
    if (f)
        fclose(f);
    return r;
}

typedef struct log_out {
    FILE *f;
    uint64_t n;
} log_out;

static int write_line(void *ctx, uint64_t seq, const char *line, size_t len)
{
    log_out *o = ctx;
    (void)seq;
    if (fwrite(line, 1, len, o->f) != len || fputc('\n', o->f) == EOF)
        return 1;
    o->n++;
    return 0;
}

typedef struct latest_cp {
    uint64_t size;
    char *note;
} latest_cp;

static int keep_latest(void *ctx, uint64_t size, const char *note)
{
    latest_cp *l = ctx;
    if (l->note && size < l->size)
        return 0;
    char *c = strdup(note);
    if (!c)
        return 1;
    free(l->note);
    l->note = c;
    l->size = size;
    return 0;
}

cc_err cc_cli_latest_checkpoint(cc_store *st, int64_t ex, char **note, uint64_t *size, cc_store_error *err)
{
    latest_cp lc = {0, NULL};
    cc_err rc = cc_store_checkpoints(st, ex, keep_latest, &lc, err);
    if (rc != CC_OK) {
        free(lc.note);
        lc.note = NULL;
    }
    *note = lc.note;
    *size = lc.size;
    return rc;
}

cc_err cc_cli_write_log(cc_store *st, int64_t ex, FILE *f, uint64_t *n, cc_store_error *err)
{
    int stopped = 0;
    log_out o = {f, 0};
    cc_err rc = cc_store_events(st, ex, 0, write_line, &o, &stopped, err);
    if (n)
        *n = o.n;
    if (rc == CC_OK && stopped) {
        snprintf(err->message, sizeof err->message, "writing the log failed");
        rc = CC_ERR_IO;
    }
    return rc;
}

int cc_cli_new_key(const char *path, const char *name, cc_note_signer **signer, cc_buf *vkey, char *why,
                   size_t whylen)
{
    return cc_cli_new_key_type(path, name, CC_NOTE_KEY_NOTE, signer, vkey, why, whylen);
}

int cc_cli_new_key_type(const char *path, const char *name, int type, cc_note_signer **signer, cc_buf *vkey,
                        char *why, size_t whylen)
{
    unsigned char seed[32];
    randombytes_buf(seed, sizeof seed);
    cc_buf sk;
    cc_buf_init(&sk);
    cc_note_error ne;
    int rc = -1;
    if (cc_note_keygen_type(name, seed, (cc_note_key_type)type, &sk, vkey, &ne) != CC_OK) {
        snprintf(why, whylen, "%s", ne.message);
        goto done;
    }
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    char pub[4200];
    snprintf(pub, sizeof pub, "%s.pub", path);
    FILE *pf = NULL;
    if (fd < 0 || write(fd, sk.data, sk.len) != (ssize_t)sk.len || write(fd, "\n", 1) != 1 ||
        fsync(fd) != 0 || !(pf = fopen(pub, "w")) || fprintf(pf, "%s\n", vkey->data) < 0 || fclose(pf) != 0) {
        snprintf(why, whylen, "%s: cannot write a new key (%s)", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        goto done;
    }
    close(fd);
    if (signer && cc_note_signer_parse(sk.data, sk.len, signer, &ne) != CC_OK) {
        snprintf(why, whylen, "%s", ne.message);
        goto done;
    }
    rc = 0;
done:
    sodium_memzero(seed, sizeof seed);
    sodium_memzero(sk.data, sk.len);
    cc_buf_free(&sk);
    return rc;
}

int cc_cli_parse_u64(const char *s, uint64_t *out)
{
    if (!s || !*s || *s == '-' || *s == '+')
        return -1;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (*end || errno)
        return -1;
    *out = v;
    return 0;
}

unsigned cc_cli_line_threads(const char *cmd, const char *arg)
{
    uint64_t n;
    if (arg) {
        if (cc_cli_parse_u64(arg, &n) != 0 || n < 1 || n > CC_PLINES_MAX_THREADS) {
            fprintf(stderr, "caucus %s: --threads takes 1 to %d, not \"%s\"\n", cmd, CC_PLINES_MAX_THREADS,
                    arg);
            return 0;
        }
        return (unsigned)n;
    }
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    return cpus < 1 ? 1 : cpus > CC_CLI_LINE_THREADS ? CC_CLI_LINE_THREADS : (unsigned)cpus;
}

void cc_cli_inputs_free(cc_input_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        json_decref(l->v[i]);
    free(l->v);
    free(l->t_ms);
    memset(l, 0, sizeof *l);
}

static int add_input(cc_input_list *l, json_t *v, int64_t t)
{
    size_t cv = l->cap, ct = l->cap; /* two arrays of one capacity */
    json_t **nv = cc_grow(l->v, &cv, l->n + 1, sizeof *nv);
    if (!nv)
        return -1;
    l->v = nv;
    int64_t *nt = cc_grow(l->t_ms, &ct, l->n + 1, sizeof *nt);
    if (!nt)
        return -1;
    l->t_ms = nt;
    l->cap = cv;
    l->v[l->n] = v;
    l->t_ms[l->n++] = t;
    return 0;
}

/* Reads and checks an inputs file. Every line is timed by "t" (scenario time) or every line by
 * "wall" (wall time, "+DURATION" after exercise.start or RFC 3339, for the control clock); t_ms
 * holds scenario or wall milliseconds accordingly. Ids of injects added by "add" lines may be
 * named by the lines after them. */
int cc_cli_read_inputs(const cc_scenario *s, const char *path, cc_input_list *l)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "caucus: cannot open %s: %s\n", path, strerror(errno));
        return -1;
    }
    char *line = NULL;
    size_t cap = 0, nadded = 0, capadded = 0;
    const char **added = NULL; /* ids in the inputs kept in l */
    ssize_t n;
    int lineno = 0, bad = 0, mode = 0; /* mode: 't' or 'w' once known */
    while ((n = getline(&line, &cap, f)) > 0 && !bad) {
        lineno++;
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = 0;
        size_t sp = strspn(line, " \t");
        if (line[sp] == 0 || line[sp] == '#')
            continue;
        json_error_t je;
        json_t *v = json_loadb(line, (size_t)n, JSON_REJECT_DUPLICATES, &je);
        if (!v) {
            fprintf(stderr, "%s:%d:%d: error: not valid JSON: %s\n", path, lineno, je.column, je.text);
            bad = 1;
            break;
        }
        char why[256];
        const char *t = json_string_value(json_object_get(v, "t"));
        const char *w = json_string_value(json_object_get(v, "wall"));
        const char *act = json_string_value(json_object_get(v, "do"));
        int64_t rel;
        cc_time_error te;
        if (!t && !w) {
            fprintf(stderr,
                    "%s:%d: error: missing \"t\" (scenario time, e.g. \"+1h30m\") or \"wall\" (wall time)\n",
                    path, lineno);
            bad = 1;
        } else if (t && w) {
            fprintf(stderr, "%s:%d: error: give \"t\" or \"wall\", not both\n", path, lineno);
            bad = 1;
        } else if (mode && mode != (t ? 't' : 'w')) {
            fprintf(stderr,
                    "%s:%d: error: every input of a file is timed the same way (\"t\" for scenario time, or "
                    "\"wall\" for the control clock); this one uses \"%s\"\n",
                    path, lineno, t ? "t" : "wall");
            bad = 1;
        } else if (cc_time_parse_scenario(t ? t : w, strlen(t ? t : w), s->start_unix, &rel, &te) != CC_OK) {
            fprintf(stderr, "%s:%d: error: \"%s\": %s\n", path, lineno, t ? "t" : "wall", te.message);
            bad = 1;
        } else if (cc_engine_check_input_added(s, v, added, nadded, why, sizeof why) != CC_OK) {
            fprintf(stderr, "%s:%d: error: %s\n", path, lineno, why);
            bad = 1;
        } else if (t && cc_engine_input_is_clock(v)) {
            fprintf(
                stderr,
                "%s:%d: error: \"%s\" drives the control clock: time the inputs of this file with \"wall\" "
                "(wall time) instead of \"t\"\n",
                path, lineno, act);
            bad = 1;
        } else if (l->n && (t ? rel * 1000 : (s->start_unix + rel) * 1000) < l->t_ms[l->n - 1]) {
            fprintf(stderr,
                    "%s:%d: error: inputs must be in time order (\"%s\" is earlier than the line before)\n",
                    path, lineno, t ? t : w);
            bad = 1;
        } else if (add_input(l, v, t ? rel * 1000 : (s->start_unix + rel) * 1000) != 0) {
            fprintf(stderr, "caucus: out of memory\n");
            bad = 1;
        } else {
            mode = t ? 't' : 'w';
            if (act && strcmp(act, "add") == 0) {
                const char **na = cc_grow(added, &capadded, nadded + 1, sizeof *na);
                if (!na) {
                    fprintf(stderr, "caucus: out of memory\n");
                    bad = 1;
                    continue;
                }
                added = na;
                added[nadded++] = json_string_value(json_object_get(json_object_get(v, "inject"), "id"));
            }
            continue;
        }
        json_decref(v);
    }
    free(added);
    free(line);
    fclose(f);
    if (bad)
        cc_cli_inputs_free(l);
    return bad ? -1 : 0;
}

cc_scenario *cc_cli_load(const char *cmd, const char *file)
{
    return cc_cli_load_agents(cmd, file, NULL);
}

cc_scenario *cc_cli_load_agents(const char *cmd, const char *file, const char *agents)
{
    cc_diags d;
    cc_diags_init(&d);
    cc_scenario *s = NULL;
    cc_load_opts o = {.agents = agents};
    if (cc_scenario_load_file(file, &o, &d, &s) != CC_OK) {
        cc_diags_sort(&d);
        cc_cli_print_diags(stderr, &d);
        if (agents)
            fprintf(stderr,
                    "caucus %s: %s with the agents of %s does not load; fix it first (caucus lint %s "
                    "--agents %s)\n",
                    cmd, file, agents, file, agents);
        else
            fprintf(stderr, "caucus %s: %s does not load; fix it first (caucus lint %s)\n", cmd, file, file);
    }
    cc_diags_free(&d);
    return s;
}

int cc_cli_parse_seats(const cc_scenario *s, const char *list, uint8_t *flags)
{
    memset(flags, 0, s->nseats);
    if (strcmp(list, "none") == 0)
        return 0;
    if (strcmp(list, "all") == 0) {
        for (size_t i = 0; i < s->nseats; i++)
            flags[i] = s->seats[i].agent_index >= 0;
        return 0;
    }
    const char *p = list;
    while (*p) {
        size_t n = strcspn(p, ",");
        size_t i = 0;
        while (i < s->nseats && !(strlen(s->seats[i].id) == n && strncmp(s->seats[i].id, p, n) == 0))
            i++;
        if (i == s->nseats) {
            fprintf(stderr, "caucus: --auto: no seat '%.*s' in the scenario\n", (int)n, p);
            return -1;
        }
        if (s->seats[i].agent_index < 0) {
            fprintf(stderr, "caucus: --auto: seat '%s' has no agent policy ('agent:' in the scenario)\n",
                    s->seats[i].id);
            return -1;
        }
        flags[i] = 1;
        p += n;
        if (*p == ',')
            p++;
    }
    return 0;
}

void cc_cli_print_diags(FILE *out, const cc_diags *d)
{
    char buf[1024];
    for (size_t i = 0; i < d->count; i++) {
        cc_diag_format(&d->items[i], buf, sizeof buf);
        fprintf(out, "%s\n", buf);
        if (d->items[i].hint)
            fprintf(out, "    hint: %s\n", d->items[i].hint);
    }
    if (d->dropped)
        fprintf(out, "... %zu more diagnostics not shown\n", d->dropped);
}

/* The first occurrence of needle (nlen bytes) in s[0..len), or NULL. */
static const char *find(const char *s, size_t len, const char *needle, size_t nlen)
{
    for (size_t i = 0; i + nlen <= len; i++)
        if (s[i] == needle[0] && memcmp(s + i, needle, nlen) == 0)
            return s + i;
    return NULL;
}

/* Counts one event line into met/missed (guideline -> n) when it is a finding. */
static void count_finding(const char *line, size_t len, json_t *met, json_t *missed)
{
    /* cheap filter first: most lines are not findings */
    if (len < 18 || !find(line, len, "\"type\":\"finding\"", 16))
        return;
    json_t *r = json_loadb(line, len, 0, NULL);
    json_t *p = json_object_get(r, "payload");
    const char *g = json_string_value(json_object_get(p, "guideline"));
    const char *res = json_string_value(json_object_get(p, "result"));
    if (g && res) {
        json_t *o = strcmp(res, "met") == 0 ? met : missed;
        json_object_set_new(o, g, json_integer(json_integer_value(json_object_get(o, g)) + 1));
    }
    json_decref(r);
}

/* Counts finding events per guideline in a log: fills met/missed objects (guideline -> n). */
void cc_cli_today(char out[11])
{
    time_t now = time(NULL);
    struct tm tm;
    if (!localtime_r(&now, &tm) || strftime(out, 11, "%Y-%m-%d", &tm) != 10)
        snprintf(out, 11, "1970-01-01");
}

int cc_cli_plan_findings(const char *log, json_t *met, json_t *missed)
{
    FILE *f = fopen(log, "rb");
    if (!f)
        return -1;
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    while ((n = getline(&line, &cap, f)) > 0)
        count_finding(line, (size_t)n, met, missed);
    free(line);
    fclose(f);
    return 0;
}

typedef struct counts {
    json_t *met, *missed;
} counts;

static int count_event(void *ctx, uint64_t seq, const char *line, size_t len)
{
    (void)seq;
    counts *c = ctx;
    count_finding(line, len, c->met, c->missed);
    return 0;
}

/* The id of the exercise of store st whose log is the file at log (same number of events and
 * same final hash: run.start alone does not tell two runs of one scenario and seed apart), or
 * 0 when none is. */
static int64_t exercise_of_log(cc_store *st, const cc_store_exercise *xs, size_t nx, const char *log)
{
    FILE *f = fopen(log, "rb");
    if (!f)
        return 0;
    char *line = NULL, last[65] = "";
    size_t cap = 0;
    uint64_t count = 0;
    ssize_t n;
    while ((n = getline(&line, &cap, f)) > 0) {
        const char *h = find(line, (size_t)n, "\"hash\":\"", 8);
        if (h && (size_t)(line + n - h) > 8 + 64)
            snprintf(last, sizeof last, "%.64s", h + 8);
        count++;
    }
    free(line);
    fclose(f);
    for (size_t i = 0; i < nx; i++) {
        uint64_t c;
        char hh[65];
        cc_store_error err;
        if (cc_store_head(st, xs[i].id, &c, hh, &err) == CC_OK && c == count && strcmp(hh, last) == 0)
            return xs[i].id;
    }
    return 0;
}

/* What a log's findings say about guideline g, given the earlier exercises in which it was
 * missed (earlier: a comma-separated list of exercise ids, "" when none). */
static void carried_result(const char *g, json_t *met, json_t *missed, const char *earlier, char *out,
                           size_t size)
{
    json_int_t a = json_integer_value(json_object_get(met, g)),
               b = json_integer_value(json_object_get(missed, g));
    if (a + b == 0) {
        snprintf(out, size, "%s not exercised%s%s", g, *earlier ? "; missed earlier in exercise " : "",
                 earlier);
    } else if (b == 0) {
        if (*earlier)
            snprintf(out, size, "%s met %lld of %lld; missed in exercise %s: the fix worked", g, (long long)a,
                     (long long)a, earlier);
        else
            snprintf(out, size, "%s met %lld of %lld; no earlier miss on record", g, (long long)a,
                     (long long)a);
    } else if (*earlier) {
        snprintf(out, size, "%s missed %lld of %lld: missed again (also in exercise %s), still open", g,
                 (long long)b, (long long)(a + b), earlier);
    } else {
        snprintf(out, size, "%s missed %lld of %lld: still open (no earlier miss on record)", g, (long long)b,
                 (long long)(a + b));
    }
}

/* Rows for the report's "carried over" table: every item not closed and not raised by the
 * reported exercise (nor by a later one), with what this log's findings say about its
 * guideline next to the earlier exercises on the store in which that guideline was missed.
 * exercise: the reported exercise's id in db, or 0 to find it by the log's final hash (a log
 * that is not on the store: every exercise on it is earlier). *own receives the number of open
 * items the reported exercise raised (not listed). */
/* An item's status, with PAST DUE when it is open past its due date. */
static void plan_status(const cc_store_plan_item *p, const char *today, char *buf, size_t size)
{
    const char *st = p->status ? p->status : "";
    if (p->due && strcmp(st, "closed") != 0 && today && cc_date_before(p->due, today))
        snprintf(buf, size, "%s, PAST DUE (due %s)", st, p->due);
    else
        snprintf(buf, size, "%s", st);
}

static json_t *own_row(const cc_store_plan_item *p, const char *today)
{
    char id[32], status[80];
    snprintf(id, sizeof id, "%" PRId64, p->id);
    plan_status(p, today, status, sizeof status);
#define F(x) (p->x ? p->x : "")
    return json_pack("[s,s,s,s,s,s,s,s,s,s]", id, F(capability), F(issue), F(action), F(element), F(owner),
                     F(poc), F(start), F(due), status);
#undef F
}

json_t *cc_cli_plan_carried(const char *db, const char *log, int64_t exercise, const char *today,
                            json_t *own_rows, char *why, size_t whylen)
{
    cc_store *st = NULL;
    cc_store_opts o = {1, NULL, 0, 0};
    cc_store_error err;
    if (cc_store_open(db, &o, &st, &err) != CC_OK) {
        snprintf(why, whylen, "%s", err.message);
        return NULL;
    }
    cc_store_plan_item *v = NULL;
    cc_store_exercise *xs = NULL;
    size_t n = 0, nx = 0;
    json_t *rows = NULL, *met = json_object(), *missed = json_object(), *earlier = json_object();
    if (cc_store_plan_list(st, 1, &v, &n, &err) != CC_OK ||
        cc_store_exercise_list(st, &xs, &nx, &err) != CC_OK) {
        snprintf(why, whylen, "%s", err.message);
        goto out;
    }
    if (cc_cli_plan_findings(log, met, missed) != 0) {
        snprintf(why, whylen, "%s: cannot read", log);
        goto out;
    }
    if (!exercise)
        exercise = exercise_of_log(st, xs, nx, log);
    /* earlier: guideline -> "1, 3" (the earlier exercises on the store that missed it) */
    for (size_t k = 0; k < nx; k++) {
        if (exercise && xs[k].id >= exercise)
            continue;
        counts c = {json_object(), json_object()};
        int stopped = 0;
        cc_err rc = c.met && c.missed ? cc_store_events(st, xs[k].id, 0, count_event, &c, &stopped, &err)
                                      : CC_ERR_NOMEM;
        const char *g;
        json_t *cnt;
        json_object_foreach(c.missed, g, cnt)
        {
            const char *had = json_string_value(json_object_get(earlier, g));
            char list[512];
            snprintf(list, sizeof list, "%s%s%" PRId64, had ? had : "", had ? ", " : "", xs[k].id);
            json_object_set_new(earlier, g, json_string(list));
        }
        json_decref(c.met);
        json_decref(c.missed);
        if (rc != CC_OK) {
            snprintf(why, whylen, "exercise %" PRId64 ": %s", xs[k].id,
                     rc == CC_ERR_NOMEM ? "out of memory" : err.message);
            goto out;
        }
    }
    rows = json_array();
    for (size_t i = 0; rows && i < n; i++) {
        if (exercise && v[i].exercise >= exercise) {
            if (v[i].exercise == exercise && own_rows)
                json_array_append_new(own_rows, own_row(&v[i], today));
            continue;
        }
        char result[700] = "no guideline linked";
        if (v[i].finding) {
            const char *e = json_string_value(json_object_get(earlier, v[i].finding));
            carried_result(v[i].finding, met, missed, e ? e : "", result, sizeof result);
        }
        char id[32], from[32] = "", status[80];
        snprintf(id, sizeof id, "%" PRId64, v[i].id);
        if (v[i].exercise)
            snprintf(from, sizeof from, "%" PRId64, v[i].exercise);
        plan_status(&v[i], today, status, sizeof status);
        json_array_append_new(rows, json_pack("[s,s,s,s,s,s,s,s,s]", id, from, v[i].issue ? v[i].issue : "",
                                              v[i].action ? v[i].action : "", v[i].owner ? v[i].owner : "",
                                              v[i].due ? v[i].due : "", status,
                                              v[i].finding ? v[i].finding : "", result));
    }
out:
    json_decref(met);
    json_decref(missed);
    json_decref(earlier);
    for (size_t i = 0; i < n; i++)
        cc_store_plan_item_clear(&v[i]);
    free(v);
    for (size_t i = 0; i < nx; i++)
        cc_store_exercise_clear(&xs[i]);
    free(xs);
    cc_store_close(st);
    return rows;
}
