/* cmd_replay — `caucus replay LOG`: checks every record and the hash chain, then re-runs the
 * engine from the pinned scenario and seed and requires it to produce the same bytes, event
 * for event. Names the first mismatching event. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "core/engine.h"
#include "core/arena.h"
#include "core/evlog.h"
#include "core/fork.h"
#include "core/replay.h"
#include "core/scenario_model.h"
#include "core/grow.h"
#include "io/plines.h"
#include "io/scenario_load.h"

typedef struct logfile {
    char *text; /* the whole file, read (when it could not be mapped) */
    void *map;  /* or the whole file mapped read-only */
    size_t maplen;
    const char **lines; /* into text or map, each lens[i] bytes without its '\n' (not NUL-terminated) */
    size_t *lens;
    size_t n, cap;
    size_t *inputs; /* the indices (>= 1) of the "input" records, found by check_records */
    size_t ninputs, inputs_cap;
    int checked; /* 1 once check_records accepted every line */
} logfile;

static void log_free(logfile *l)
{
    free(l->text);
    if (l->map)
        munmap(l->map, l->maplen);
    free(l->lines);
    free(l->lens);
    free(l->inputs);
}

/* Reads LOG into lines (without '\n'); refuses a last line without '\n' (truncated). A regular file
 * is mapped read-only, anything else read into one buffer; the lines point into it: no copy and no
 * allocation per line. */
static int read_log(const char *path, logfile *l)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "caucus replay: cannot open %s: %s\n", path, strerror(errno));
        return -1;
    }
    size_t len = 0, cap = 0;
    int rc = 0;
    struct stat st;
    const char *text = NULL;
    if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
        (uintmax_t)st.st_size <= SIZE_MAX) {
        void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fileno(f), 0);
        if (m != MAP_FAILED) {
            l->map = m;
            l->maplen = len = (size_t)st.st_size;
            text = m;
        }
    }
    for (; !text;) {
        char *t = cc_grow(l->text, &cap, len + (1 << 20) + 1, 1);
        if (!t) {
            rc = -1;
            break;
        }
        l->text = t;
        size_t got = fread(l->text + len, 1, cap - len - 1, f);
        len += got;
        if (got == 0) {
            text = l->text;
            break;
        }
    }
    if (rc == 0 && ferror(f)) {
        fprintf(stderr, "caucus replay: cannot read %s: %s\n", path, strerror(errno));
        rc = -1;
    }
    fclose(f);
    for (size_t at = 0; rc == 0 && at < len;) {
        const char *nl = memchr(text + at, '\n', len - at);
        size_t n = (nl ? (size_t)(nl - text) + 1 : len) - at; /* with its '\n', as getline counts */
        if (n > CC_EVLOG_LINE_MAX + 1) {
            fprintf(stderr, "%s: event %zu: line is longer than %u bytes\n", path, l->n, CC_EVLOG_LINE_MAX);
            rc = -1;
            break;
        }
        if (!nl) {
            fprintf(stderr, "%s: event %zu: last line has no newline: the log is truncated\n", path, l->n);
            rc = -1;
            break;
        }
        size_t cl = l->cap, cn = l->cap; /* two arrays of one capacity */
        const char **nls = cc_grow(l->lines, &cl, l->n + 1, sizeof *nls);
        if (nls)
            l->lines = nls;
        size_t *nn = nls ? cc_grow(l->lens, &cn, l->n + 1, sizeof *nn) : NULL;
        if (!nn) {
            rc = -1;
            break;
        }
        l->lens = nn;
        l->cap = cl;
        l->lines[l->n] = text + at;
        l->lens[l->n++] = n - 1;
        at += n;
    }
    if (rc == 0 && l->n == 0) {
        fprintf(stderr, "%s: the log is empty\n", path);
        return 2;
    }
    return rc;
}

typedef struct cmp_ctx {
    const logfile *log;
    size_t next;
    size_t stop_at; /* stop after this many events (--until) */
    long long mismatch;
} cmp_ctx;

/* The checked line the engine's record seq should be (cc_engine_opts.expect). */
static const char *expected_line(void *vctx, uint64_t seq, size_t *len)
{
    const cmp_ctx *c = vctx;
    if (!c->log->checked || seq >= c->log->n)
        return NULL;
    *len = c->log->lens[seq];
    return c->log->lines[seq];
}

static int compare_line(void *vctx, const char *line, size_t len)
{
    cmp_ctx *c = vctx;
    size_t i = c->next++;
    if (i >= c->log->n || c->log->lens[i] != len - 1 || memcmp(c->log->lines[i], line, len - 1) != 0) {
        c->mismatch = (long long)i;
        return 1;
    }
    return c->next >= c->stop_at;
}

/* Observations are kept up to the event replay stops at (the engine observes an event just
 * before emitting it, when next is its sequence number). */
static int before_stop(void *vctx)
{
    const cmp_ctx *c = vctx;
    return c->next < c->stop_at;
}

/* 1 when a and b name the same existing file. */
static int same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

#define REPLAY_USAGE                                                                                         \
    "usage: caucus replay LOG [--scenario FILE] [--agents FILE] [--until SEQ] [--format text|json] "         \
    "[--threads "                                                                                            \
    "N]\n"                                                                                                   \
    "       caucus replay LOG --fork SEQ [--auto all|SEAT,...] [--inputs FILE] --log OUT.jsonl [--scenario " \
    "FILE] [--agents FILE]\n"

typedef struct args {
    const char *path, *scen, *fork_inputs, *fork_log, *agents, *fork_auto, *threads;
    int json;
    uint64_t until_seq, fork_seq;
} args;

/* 0: parsed; 1: --help printed; 2: a usage error, printed. */
static int parse_args(int argc, char **argv, args *a)
{
    memset(a, 0, sizeof *a);
    a->until_seq = a->fork_seq = UINT64_MAX;
    for (int i = 1; i < argc; i++) {
        uint64_t *num = strcmp(argv[i], "--fork") == 0    ? &a->fork_seq
                        : strcmp(argv[i], "--until") == 0 ? &a->until_seq
                                                          : NULL;
        if (strcmp(argv[i], "--scenario") == 0 && i + 1 < argc) {
            a->scen = argv[++i];
        } else if (strcmp(argv[i], "--agents") == 0 && i + 1 < argc) {
            a->agents = argv[++i];
        } else if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc) {
            a->threads = argv[++i];
        } else if (num && i + 1 < argc) {
            if (cc_cli_parse_u64(argv[++i], num)) {
                fprintf(stderr, "caucus replay: %s needs an event number, not '%s'\n", argv[i - 1], argv[i]);
                return 2;
            }
        } else if (strcmp(argv[i], "--auto") == 0 && i + 1 < argc) {
            a->fork_auto = argv[++i];
        } else if (strcmp(argv[i], "--inputs") == 0 && i + 1 < argc) {
            a->fork_inputs = argv[++i];
        } else if (strcmp(argv[i], "--log") == 0 && i + 1 < argc) {
            a->fork_log = argv[++i];
        } else if (strcmp(argv[i], "--format") == 0 && i + 1 < argc) {
            i++;
            if (strcmp(argv[i], "json") != 0 && strcmp(argv[i], "text") != 0) {
                fprintf(stderr, "caucus replay: --format is text or json, not '%s'\n", argv[i]);
                return 2;
            }
            a->json = argv[i][0] == 'j';
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            printf(REPLAY_USAGE);
            return 1;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            fprintf(stderr, "caucus replay: unknown option or missing value '%s'\n", argv[i]);
            return 2;
        } else if (!a->path) {
            a->path = argv[i];
        } else {
            fprintf(stderr, "caucus replay: more than one log given\n");
            return 2;
        }
    }
    if (!a->path) {
        fprintf(stderr, REPLAY_USAGE);
        return 2;
    }
    if ((a->fork_seq != UINT64_MAX) != (a->fork_log != NULL) ||
        ((a->fork_inputs || a->fork_auto) && a->fork_seq == UINT64_MAX) ||
        (a->fork_seq != UINT64_MAX && a->until_seq != UINT64_MAX)) {
        fprintf(stderr,
                "caucus replay: --fork SEQ needs --log OUT (and takes --inputs FILE and --auto SEATS, "
                "not --until)\n");
        return 2;
    }
    if (a->fork_log && a->json) {
        fprintf(stderr, "caucus replay: --format applies to the state a replay prints, not to --fork\n");
        return 2;
    }
    /* the fork's log is written from the start: it must not be the log being read */
    if (a->fork_log &&
        (same_file(a->path, a->fork_log) || (a->fork_inputs && same_file(a->fork_inputs, a->fork_log)))) {
        fprintf(stderr, "caucus replay: --log %s is the %s being read; write the fork to another file\n",
                a->fork_log, same_file(a->path, a->fork_log) ? "log" : "inputs file");
        return 2;
    }
    return 0;
}

/* 1. Every record and the chain; first (run.start) and last decoded for the caller, the input
 * records listed in l->inputs. With threads > 1 the lines are checked on that many threads
 * (io/plines over the text read) and handed back in order: the same checks and messages. 0 or 1. */
static int check_records(const char *path, logfile *l, uint64_t until_seq, unsigned threads, cc_evrec *first,
                         cc_evrec *last)
{
    unsigned char prev[32] = {0};
    int status = 0;
    cc_plines *pl = NULL;
    if (threads > 1) { /* (the lines end with '\n': read_log refused a log whose last line did not) */
        const char *text = l->map ? (const char *)l->map : l->text;
        size_t len = (size_t)(l->lines[l->n - 1] + l->lens[l->n - 1] + 1 - text);
        cc_plines_opts o = {threads, 0, 0, 0};
        char why[200];
        if (cc_plines_open_mem(text, len, CC_EVLOG_LINE_MAX, &o, &pl, why, sizeof why) != CC_OK)
            pl = NULL; /* then checked here, on one thread */
    }
    for (size_t i = 0; i < l->n && status == 0; i++) {
        /* the first record decoded (the caller reads run.start); every other only checked, which
         * accepts and refuses exactly the same lines with the same messages, allocating nothing */
        cc_evrec r = {0};
        cc_evhead h;
        cc_evlog_error err;
        cc_err drc;
        cc_plines_line pll;
        char why[200];
        if (pl && (cc_plines_next(pl, &pll, why, sizeof why) != CC_OK || pll.line != l->lines[i])) {
            cc_plines_close(pl); /* out of memory (the same bytes split the same way): on one thread */
            pl = NULL;
        }
        if (i == 0) {
            drc = cc_evlog_decode(l->lines[i], l->lens[i], &r, &err);
        } else if (pl) { /* checked on a worker: cc_evlog_check's result */
            drc = pll.check;
            if (drc == CC_OK)
                h = *pll.head;
            else
                err = *pll.err;
        } else {
            drc = cc_evlog_check(l->lines[i], l->lens[i], &h, &err);
        }
        if (drc == CC_OK && i == 0) {
            h.seq = r.seq;
            memcpy(h.prev, r.prev, 32);
            memcpy(h.hash, r.hash, 32);
        }
        if (drc != CC_OK) {
            /* another version may have other members: its version is the error worth naming */
            json_t *o = json_loadb(l->lines[i], l->lens[i], 0, NULL);
            json_t *v = json_object_get(o, "v");
            if (json_is_integer(v) && json_integer_value(v) != CC_EVLOG_VERSION)
                fprintf(stderr,
                        "%s: event %zu: unsupported event log version %lld (this caucus reads version %d)\n",
                        path, i, (long long)json_integer_value(v), CC_EVLOG_VERSION);
            else
                fprintf(stderr, "%s: event %zu: %s\n", path, i, err.message);
            json_decref(o);
            cc_plines_close(pl);
            return 1;
        }
        if (h.seq != i)
            fprintf(stderr,
                    "%s: event %zu: sequence number is %llu (events deleted, inserted or reordered)\n", path,
                    i, (unsigned long long)h.seq),
                status = 1;
        else if (memcmp(h.prev, prev, 32) != 0)
            fprintf(stderr, "%s: event %zu: does not chain to the previous event's hash\n", path, i),
                status = 1;
        else if (i == 0 && strcmp(r.type, "run.start") != 0)
            fprintf(stderr, "%s: event 0: is '%s', not run.start\n", path, r.type), status = 1;
        memcpy(prev, h.hash, 32);
        if (status == 0 && i > 0 && h.type_len == 5 && memcmp(h.type, "input", 5) == 0) {
            size_t *v = cc_grow(l->inputs, &l->inputs_cap, l->ninputs + 1, sizeof *v);
            if (!v) {
                fprintf(stderr, "caucus replay: out of memory\n");
                status = 1;
            } else {
                l->inputs = v;
                l->inputs[l->ninputs++] = i;
            }
        }
        if (i == 0 && status == 0)
            *first = r;
        else if (i == 0)
            cc_evrec_clear(&r);
    }
    cc_plines_close(pl);
    if (status == 0) {
        l->checked = 1;
        cc_evlog_error err;
        cc_evlog_decode(l->lines[l->n - 1], l->lens[l->n - 1], last, &err);
        if (strcmp(last->type, "run.end") != 0 && until_seq == UINT64_MAX) {
            fprintf(stderr, "%s: event %zu: the log ends without run.end (truncated?)\n", path, l->n - 1);
            status = 1;
        }
    }
    return status;
}

/* 2. The scenario the log pins (--scenario, or the path run.start records); NULL with *status set. */
static cc_scenario *pinned_scenario(const char *scen, const char *agents, const cc_evrec *first, int *status)
{
    const json_t *p = first->payload;
    const char *src = scen ? scen : json_string_value(json_object_get(p, "source"));
    if (!src) {
        fprintf(stderr, "caucus replay: the log does not say where its scenario is; give --scenario FILE\n");
        *status = 2;
        return NULL;
    }
    cc_scenario *s = NULL;
    cc_diags d;
    cc_diags_init(&d);
    /* an agents file the run was played with (run.start "agents"), or --agents */
    json_t *ag = json_object_get(p, "agents");
    cc_load_opts lo = {.agents = agents ? agents : json_string_value(json_object_get(ag, "file"))};
    if (cc_scenario_load_file(src, &lo, &d, &s) != CC_OK || !s) {
        cc_diags_sort(&d);
        cc_cli_print_diags(stderr, &d);
        if (!scen)
            fprintf(stderr,
                    "caucus replay: cannot load %s, the scenario the log names; give its path with "
                    "--scenario FILE\n",
                    src);
        *status = 1;
    }
    cc_diags_free(&d);
    char hash[65];
    if (s) {
        cc_scenario_hash_hex(s, hash);
        const char *want = json_string_value(json_object_get(p, "scenario"));
        if (!want || strcmp(want, hash) != 0) {
            fprintf(stderr,
                    "caucus replay: %s is not the scenario this log was run on (sha256 %s, log pins %s)\n",
                    src, hash, want ? want : "?");
            *status = 1;
        }
        const char *want_agents = json_string_value(json_object_get(ag, "sha256"));
        const char *rec = json_string_value(json_object_get(ag, "file"));
        if (*status == 0 && s->agents_file && rec) /* run.start names the file as recorded */
            s->agents_file = cc_arena_strdup(s->arena, rec);
        if (*status == 0 && s->agents_file) {
            cc_hex(s->agents_hash, 32, hash);
            if (!want_agents || strcmp(want_agents, hash) != 0) {
                fprintf(stderr,
                        "caucus replay: %s is not the agents file this log was run with (sha256 %s, log pins %s)\n",
                        lo.agents, hash, want_agents ? want_agents : "none");
                *status = 1;
            }
        }
    }
    return s;
}

/* The inputs recorded in the log (l->inputs, events 1 to feed_to - 1), fed again at their times. */
static cc_err feed_logged(const char *path, const logfile *l, size_t feed_to, cc_engine *e,
                          const cc_replay *R, const cmp_ctx *c, int *status)
{
    cc_err rc = CC_OK;
    for (size_t j = 0; rc == CC_OK && j < l->ninputs && c->mismatch < 0 && c->next < c->stop_at; j++) {
        size_t k = l->inputs[j];
        if (k >= feed_to)
            break;
        cc_evrec r;
        cc_evlog_error err;
        if (cc_evlog_decode(l->lines[k], l->lens[k], &r, &err) != CC_OK)
            break;
        if (strcmp(r.type, "input") == 0) {
            char why[256];
            rc = cc_replay_input(e, R, &r, why, sizeof why);
            if (rc == CC_ERR_INVALID) {
                fprintf(stderr, "%s: event %zu: recorded input is not valid for this scenario: %s\n", path, k,
                        why);
                *status = 1;
            }
        }
        cc_evrec_clear(&r);
    }
    return rc;
}

/* What a successful replay prints: the fork's summary, the state as JSON, or the counters. */
static int print_result(const args *a, cc_engine *e, const cmp_ctx *c, cc_cli_state *view, int have_view)
{
    cc_engine_stats st;
    cc_engine_stats_get(e, &st);
    if (a->json) {
        json_t *j = have_view ? cc_cli_state_json(view, e) : NULL;
        if (j) {
            json_object_set_new(j, "log", json_string(a->path));
            json_object_set_new(j, "seq", json_integer((json_int_t)(c->next - 1)));
            json_object_set_new(j, "verified", json_true());
        }
        char *text = j ? json_dumps(j, JSON_INDENT(2)) : NULL;
        int status = 0;
        if (text)
            printf("%s\n", text);
        else {
            fprintf(stderr, "caucus replay: out of memory\n");
            status = 1;
        }
        free(text);
        json_decref(j);
        return status;
    }
    char dg[65];
    cc_hex(cc_engine_digest(e), 32, dg);
    printf("%s: %zu events verified: hash chain intact, engine reproduces every event\n", a->path, c->next);
    printf(
        "  state after event %zu: scenario time %lld ms; injects released %zu, deliveries %zu, denials %zu;\n"
        "  decisions opened %zu, made %zu, expired %zu; consultations requested %zu, completed %zu;\n"
        "  findings %zu met, %zu missed\n"
        "  digest %s\n",
        c->next - 1, (long long)st.now_ms, st.injects_released, st.deliveries, st.denials,
        st.decisions_opened, st.decisions_made, st.decisions_expired, st.consultations_requested,
        st.consultations_done, st.findings_met, st.findings_missed, dg);
    if (a->until_seq != UINT64_MAX && have_view)
        cc_cli_print_state(stdout, view, e);
    return 0;
}

/* 3. Re-runs the engine from run.start and compares byte for byte (or forks). */
static int rerun(const args *a, const logfile *l, const cc_scenario *s, const cc_evrec *first,
                 const cc_evrec *last)
{
    cc_replay R;
    char why[256];
    int status = 0;
    if (cc_replay_of(s, first, &R, why, sizeof why) != CC_OK) {
        fprintf(stderr, "%s: event 0: %s\n", a->path, why);
        cc_replay_clear(&R);
        return 1;
    }
    cmp_ctx c = {
        .log = l, .stop_at = a->until_seq == UINT64_MAX ? l->n : (size_t)a->until_seq + 1, .mismatch = -1};
    cc_cli_state view;
    int have_view = cc_cli_state_init(&view, s) == 0;
    if (have_view) {
        view.gate = before_stop;
        view.gate_ctx = &c;
        R.opts.observe = cc_cli_state_observe;
        R.opts.observe_ctx = &view;
    }
    R.opts.expect = expected_line;
    R.opts.expect_ctx = &c;
    cc_engine *e = NULL;
    cc_err rc = cc_engine_new(s, &R.opts, compare_line, &c, &e);
    if (rc == CC_OK)
        rc = cc_engine_start(e);
    if (rc == CC_OK)
        rc = feed_logged(a->path, l, l->n, e, &R, &c, &status);
    if (rc == CC_OK)
        rc = cc_replay_end(e, &R, last);
    if (c.mismatch >= 0) {
        fprintf(
            stderr,
            "%s: event %lld: differs from what the engine produces from the same scenario, seed and inputs\n",
            a->path, c.mismatch);
        status = 1;
    } else if (status == 0 && c.next < c.stop_at && c.next < l->n) {
        fprintf(stderr, "%s: event %zu: the engine produces no such event (log has %zu events)\n", a->path,
                c.next, l->n);
        status = 1;
    } else if (status == 0 && rc != CC_OK && !(rc == CC_ERR_IO && c.next >= c.stop_at)) {
        fprintf(stderr, "caucus replay: engine error: %s\n", cc_err_str(rc));
        status = 1;
    }
    if (status == 0)
        status = print_result(a, e, &c, &view, have_view);
    if (have_view)
        cc_cli_state_free(&view);
    cc_engine_free(e);
    cc_replay_clear(&R);
    return status;
}

static int write_line(void *ctx, const char *line, size_t len)
{
    return fwrite(line, 1, len, (FILE *)ctx) != len;
}

/* --fork (core/fork): the parent's events up to SEQ, the fork point's inputs (its origin, the
 * seats handed to agents), --inputs, the run to its end, written to --log. */
static int fork_cmd(const args *a, const logfile *l, const cc_scenario *s, const cc_evrec *first)
{
    if (a->fork_seq >= l->n) {
        fprintf(stderr, "caucus replay: --fork %llu: the log has events 0 to %zu\n",
                (unsigned long long)a->fork_seq, l->n - 1);
        return 2;
    }
    uint8_t *agents = calloc(s->nseats + 1, 1);
    cc_input_list fin = {0};
    int status = 0;
    if (!agents)
        status = 1;
    else if (a->fork_auto && cc_cli_parse_seats(s, a->fork_auto, agents) != 0)
        status = 2;
    else if (a->fork_inputs && cc_cli_read_inputs(s, a->fork_inputs, &fin) != 0)
        status = 1;
    for (size_t i = 0; status == 0 && a->fork_auto && strcmp(a->fork_auto, "all") == 0 && i < s->nseats; i++)
        agents[i] = s->seats[i].agent_index >= 0; /* all: every seat that has an agent policy */
    const char *clock = json_string_value(json_object_get(first->payload, "clock"));
    int live = clock && strcmp(clock, "wall") == 0;
    if (status == 0 && fin.n > 0 && (json_object_get(fin.v[0], "wall") != NULL) != live) {
        fprintf(stderr, "%s: the log was run %s, so the inputs must be timed by \"%s\"\n", a->fork_inputs,
                live ? "on the control clock" : "in scenario time", live ? "wall" : "t");
        status = 1;
    }
    FILE *out = status ? NULL : fopen(a->fork_log, "wb");
    if (!status && !out) {
        fprintf(stderr, "caucus replay: cannot write %s: %s\n", a->fork_log, strerror(errno));
        status = 1;
    }
    if (status == 0) {
        cc_fork_opts o = {.at = a->fork_seq,
                          .agents = agents,
                          .inputs = fin.v,
                          .t_ms = fin.t_ms,
                          .ninputs = fin.n,
                          .parent = strrchr(a->path, '/') ? strrchr(a->path, '/') + 1 : a->path};
        cc_fork_result res;
        char why[400];
        cc_err rc = cc_fork_run(s, (const char *const *)l->lines, l->lens, l->n, &o, write_line, out, NULL,
                                &res, why, sizeof why);
        if (fclose(out) != 0 && rc == CC_OK) {
            snprintf(why, sizeof why, "cannot write %s", a->fork_log);
            rc = CC_ERR_IO;
        }
        if (rc != CC_OK) {
            fprintf(stderr, "%s: --fork %llu: %s\n",
                    a->fork_inputs && strncmp(why, "input ", 6) == 0 ? a->fork_inputs : a->path,
                    (unsigned long long)a->fork_seq, why);
            status = rc == CC_ERR_RANGE ? 2 : 1;
        } else {
            const cc_engine_stats *st = &res.stats;
            printf(
                "%s: forked at event %llu; %s holds %llu events, the first %llu identical to the original\n",
                a->path, (unsigned long long)a->fork_seq, a->fork_log, (unsigned long long)st->events,
                (unsigned long long)a->fork_seq + 1);
            printf("  origin: event hash %s, Merkle root of events 0..%llu %s\n", res.event_hash,
                   (unsigned long long)a->fork_seq, res.merkle_root);
            printf("  decisions made %zu, expired %zu; consultations completed %zu; findings %zu met, %zu "
                   "missed; agent actions %zu\n",
                   st->decisions_made, st->decisions_expired, st->consultations_done, st->findings_met,
                   st->findings_missed, st->agent_actions);
        }
    }
    free(agents);
    cc_cli_inputs_free(&fin);
    return status;
}

int cc_cmd_replay(int argc, char **argv)
{
    args a;
    int status = parse_args(argc, argv, &a);
    if (status)
        return status == 1 ? 0 : status;
    unsigned threads = cc_cli_line_threads("replay", a.threads);
    if (!threads)
        return 2;
    logfile l = {0};
    if (read_log(a.path, &l) != 0) {
        log_free(&l);
        return 1;
    }
    if (a.until_seq != UINT64_MAX && a.until_seq >= l.n) {
        fprintf(stderr, "caucus replay: --until %llu: the log's last event is %zu\n",
                (unsigned long long)a.until_seq, l.n - 1);
        log_free(&l);
        return 2;
    }
    cc_evrec first = {0}, last = {0};
    cc_scenario *s = NULL;
    status = check_records(a.path, &l, a.until_seq, threads, &first, &last);
    if (status == 0)
        s = pinned_scenario(a.scen, a.agents, &first, &status);
    if (status == 0) { /* the endorsed guidelines the run pinned: checked again, and pinned again */
        char why[300];
        if (cc_replay_pin(s, &first, why, sizeof why) != CC_OK) {
            fprintf(stderr, "%s: event 0: %s\n", a.path, why);
            status = 1;
        }
    }
    if (status == 0 && a.fork_log)
        status = fork_cmd(&a, &l, s, &first);
    else if (status == 0)
        status = rerun(&a, &l, s, &first, &last);
    cc_evrec_clear(&first);
    cc_evrec_clear(&last);
    cc_scenario_free(s);
    log_free(&l);
    return status;
}
