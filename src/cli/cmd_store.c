/* cmd_store — `caucus exercises`, `export`, `import` and `backup`: moving exercises between
 * stores and machines as event logs (JSON Lines, byte for byte) plus their scenario text. */
#include <inttypes.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli/cli.h"
#include "core/buf.h"
#include "core/evlog.h"
#include "io/lines.h"
#include "store/store.h"

#define IMPORT_BATCH 2000 /* lines per append while importing */

static cc_store *open_store(const char *cmd, const char *where, int readonly)
{
    cc_store_opts o = {readonly, NULL, 0, 0};
    cc_store *st = NULL;
    cc_store_error err;
    if (cc_store_open(where, &o, &st, &err) != CC_OK) {
        fprintf(stderr, "caucus %s: %s\n", cmd, err.message);
        return NULL;
    }
    return st;
}

static int parse_id(const char *cmd, const char *s, int64_t *id)
{
    uint64_t v;
    if (!s || cc_cli_parse_u64(s, &v) != 0 || v == 0 || v > INT64_MAX) {
        fprintf(stderr, "caucus %s: --exercise takes a positive exercise id, not \"%s\"\n", cmd, s ? s : "");
        return -1;
    }
    *id = (int64_t)v;
    return 0;
}

/* caucus exercises DB */
int cc_cmd_exercises(int argc, char **argv)
{
    if (argc != 2 || argv[1][0] == '-') {
        fprintf(stderr, "usage: caucus exercises DB\n");
        return 2;
    }
    cc_store *st = open_store("exercises", argv[1], 1);
    if (!st)
        return 1;
    cc_store_exercise *v;
    size_t n;
    cc_store_error err;
    if (cc_store_exercise_list(st, &v, &n, &err) != CC_OK) {
        fprintf(stderr, "caucus exercises: %s\n", err.message);
        cc_store_close(st);
        return 1;
    }
    printf("%-4s  %-8s  %8s  %-12s  %s\n", "id", "state", "events", "scenario", "name");
    for (size_t i = 0; i < n; i++) {
        printf("%-4" PRId64 "  %-8s  %8" PRIu64 "  %.12s  %s\n", v[i].id, v[i].state, v[i].events,
               v[i].scenario_hash, v[i].name);
        cc_store_exercise_clear(&v[i]);
    }
    free(v);
    cc_store_close(st);
    return 0;
}

typedef struct cp_ctx {
    const char *dir;
    int n, werr;
} cp_ctx;

static int export_checkpoint(void *ctx, uint64_t size, const char *note)
{
    cp_ctx *c = ctx;
    char path[4096];
    snprintf(path, sizeof path, "%s/checkpoint-%012" PRIu64 ".txt", c->dir, size);
    FILE *f = fopen(path, "wb");
    if (!f || fputs(note, f) == EOF || fclose(f) != 0) {
        fprintf(stderr, "caucus export: %s: cannot write\n", path);
        c->werr = 1;
        return 1;
    }
    c->n++;
    return 0;
}

static int write_file(const char *path, const char *data, size_t len)
{
    FILE *f = strcmp(path, "-") == 0 ? stdout : fopen(path, "wb");
    if (!f)
        return -1;
    int bad = fwrite(data, 1, len, f) != len;
    if (f != stdout)
        bad |= fclose(f) != 0;
    else
        bad |= fflush(f) != 0;
    return bad ? -1 : 0;
}

/* caucus export DB --exercise ID --log OUT.jsonl [--scenario OUT] [--checkpoints DIR] */
int cc_cmd_export(int argc, char **argv)
{
    const char *db = NULL, *log = NULL, *scen = NULL, *cps = NULL, *exs = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char **slot = strcmp(a, "--exercise") == 0      ? &exs
                            : strcmp(a, "--log") == 0         ? &log
                            : strcmp(a, "--scenario") == 0    ? &scen
                            : strcmp(a, "--checkpoints") == 0 ? &cps
                                                              : NULL;
        if (slot) {
            if (i + 1 >= argc) {
                fprintf(stderr, "caucus export: %s needs a value\n", a);
                return 2;
            }
            *slot = argv[++i];
        } else if (a[0] == '-' || db) {
            fprintf(stderr, "caucus export: unexpected \"%s\"\n", a);
            return 2;
        } else {
            db = a;
        }
    }
    if (!db || !exs || !log) {
        fprintf(
            stderr,
            "usage: caucus export DB --exercise ID --log OUT.jsonl [--scenario OUT] [--checkpoints DIR]\n");
        return 2;
    }
    int64_t id;
    if (parse_id("export", exs, &id) != 0)
        return 2;
    cc_store *st = open_store("export", db, 1);
    if (!st)
        return 1;
    int rc = 1;
    cc_store_exercise x;
    cc_store_error err;
    if (cc_store_exercise_get(st, id, &x, &err) != CC_OK) {
        fprintf(stderr, "caucus export: %s\n", err.message);
        cc_store_close(st);
        return 1;
    }
    FILE *out = strcmp(log, "-") == 0 ? stdout : fopen(log, "wb");
    if (!out) {
        fprintf(stderr, "caucus export: %s: cannot create\n", log);
        goto out;
    }
    uint64_t nev = 0;
    cc_err e = cc_cli_write_log(st, id, out, &nev, &err);
    int werr = out != stdout ? fclose(out) != 0 : fflush(stdout) != 0;
    if (e != CC_OK) {
        fprintf(stderr, "caucus export: %s: %s\n", log, err.message);
        goto out;
    }
    if (werr) {
        fprintf(stderr, "caucus export: %s: write failed\n", log);
        goto out;
    }
    if (scen && write_file(scen, x.scenario, x.scenario_len) != 0) {
        fprintf(stderr, "caucus export: %s: cannot write\n", scen);
        goto out;
    }
    cp_ctx cc = {cps, 0, 0};
    if (cps) {
        if (mkdir(cps, 0755) != 0) {
            struct stat sb;
            if (stat(cps, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
                fprintf(stderr, "caucus export: %s: cannot create the directory\n", cps);
                goto out;
            }
        }
        if (cc_store_checkpoints(st, id, export_checkpoint, &cc, &err) != CC_OK) {
            fprintf(stderr, "caucus export: %s\n", err.message);
            goto out;
        }
        if (cc.werr)
            goto out;
    }
    if (strcmp(log, "-") != 0)
        fprintf(stderr, "exported exercise %" PRId64 " (%s): %" PRIu64 " events to %s%s%s\n", id, x.name, nev,
                log, cps ? ", checkpoints to " : "", cps ? cps : "");
    rc = 0;
out:
    cc_store_exercise_clear(&x);
    cc_store_close(st);
    return rc;
}

/* The import's reader: the first line (already read and checked), then pieces of at most
 * IMPORT_BATCH lines, each line at most CC_EVLOG_LINE_MAX bytes (cc_lines: bounded memory). */
typedef struct import_src {
    cc_lines *in;
    const char *path;
    cc_buf batch;
    int first_done;
    const char *first;
    size_t first_len;
} import_src;

static int import_next(void *ctx, const char **lines, size_t *len, char *msg, size_t msglen)
{
    import_src *src = ctx;
    cc_buf_reset(&src->batch);
    if (!src->first_done) {
        src->first_done = 1;
        cc_buf_append(&src->batch, src->first, src->first_len);
        cc_buf_putc(&src->batch, '\n');
    }
    while (src->batch.len == 0 || cc_lines_number(src->in) % IMPORT_BATCH != 0) {
        const char *l;
        size_t n;
        int complete;
        char why[200];
        cc_err rc = cc_lines_next(src->in, &l, &n, &complete, why, sizeof why);
        if (rc == CC_ERR_NOTFOUND)
            break;
        if (rc != CC_OK) {
            snprintf(msg, msglen, "%s: %s", src->path, why);
            return -1;
        }
        if (!complete) {
            snprintf(msg, msglen, "%s:%" PRIu64 ": truncated last line (no newline)", src->path,
                     cc_lines_number(src->in));
            return -1;
        }
        cc_buf_append(&src->batch, l, n);
        cc_buf_putc(&src->batch, '\n');
    }
    if (src->batch.oom) {
        snprintf(msg, msglen, "out of memory");
        return -1;
    }
    *lines = src->batch.data;
    *len = src->batch.len;
    return src->batch.len > 0;
}

/* caucus import DB --log IN.jsonl --scenario FILE [--name NAME]: all or nothing. */
int cc_cmd_import(int argc, char **argv)
{
    const char *db = NULL, *log = NULL, *scen = NULL, *name = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char **slot = strcmp(a, "--log") == 0        ? &log
                            : strcmp(a, "--scenario") == 0 ? &scen
                            : strcmp(a, "--name") == 0     ? &name
                                                           : NULL;
        if (slot) {
            if (i + 1 >= argc) {
                fprintf(stderr, "caucus import: %s needs a value\n", a);
                return 2;
            }
            *slot = argv[++i];
        } else if (a[0] == '-' || db) {
            fprintf(stderr, "caucus import: unexpected \"%s\"\n", a);
            return 2;
        } else {
            db = a;
        }
    }
    if (!db || !log || !scen) {
        fprintf(stderr, "usage: caucus import DB --log IN.jsonl --scenario FILE [--name NAME]\n");
        return 2;
    }
    size_t slen;
    char *stext = cc_cli_slurp(scen, &slen, CC_CLI_SLURP_MAX);
    if (!stext) {
        fprintf(stderr, "caucus import: %s: cannot read\n", scen);
        return 1;
    }
    char why[300];
    import_src src;
    memset(&src, 0, sizeof src);
    src.path = log;
    cc_buf_init(&src.batch);
    if (cc_lines_open(log, CC_EVLOG_LINE_MAX, &src.in, why, sizeof why) != CC_OK) {
        fprintf(stderr, "caucus import: %s: %s\n", log, why);
        free(stext);
        return 1;
    }
    /* The first line pins the run: its scenario hash must be the scenario's. */
    const char *line = NULL;
    size_t got = 0;
    int complete = 0;
    cc_err lr = cc_lines_next(src.in, &line, &got, &complete, why, sizeof why);
    cc_evrec first;
    cc_evlog_error le;
    int rc = 1, have_first = 0;
    cc_store *st = NULL;
    if (lr != CC_OK || !complete) {
        fprintf(stderr, "caucus import: %s:1: %s\n", log,
                lr == CC_ERR_NOTFOUND ? "empty log" : lr != CC_OK ? why : "truncated line");
        goto out;
    }
    if (cc_evlog_decode(line, got, &first, &le) != CC_OK) {
        fprintf(stderr, "caucus import: %s:1: %s\n", log, le.message);
        goto out;
    }
    have_first = 1;
    unsigned char h[32];
    char hex[65];
    crypto_hash_sha256(h, (const unsigned char *)stext, slen);
    cc_hex(h, 32, hex);
    const char *pinned = json_string_value(json_object_get(first.payload, "scenario"));
    const char *seed = json_string_value(json_object_get(first.payload, "seed"));
    const char *variant = json_string_value(json_object_get(first.payload, "variant"));
    if (strcmp(first.type, "run.start") != 0 || !pinned || !seed) {
        fprintf(stderr,
                "caucus import: %s:1: the first event is \"%s\", not a run.start pinning a scenario\n", log,
                first.type);
        goto out;
    }
    if (strcmp(pinned, hex) != 0) {
        fprintf(
            stderr,
            "caucus import: %s is not the scenario of %s: its SHA-256 is %.16s..., the log pins %.16s...\n",
            scen, log, hex, pinned);
        goto out;
    }
    cc_store_exercise x;
    memset(&x, 0, sizeof x);
    x.name = (char *)(name ? name : log);
    x.scenario = stext;
    x.scenario_len = slen;
    cc_cli_parse_u64(seed, &x.seed);
    x.variant = (char *)variant;
    x.created_wall_ms = first.wall_ms ? first.wall_ms : (int64_t)time(NULL) * 1000;
    src.first = line;
    src.first_len = got;
    st = open_store("import", db, 0);
    if (!st)
        goto out;
    cc_store_error err;
    int64_t id = 0;
    uint64_t n = 0;
    if (cc_store_import(st, &x, import_next, &src, &id, &n, &err) != CC_OK) {
        fprintf(stderr, "caucus import: %s: %s\n", log, err.message);
        fprintf(stderr, "caucus import: nothing was imported\n");
        goto out;
    }
    printf("imported %s as exercise %" PRId64 ": %" PRIu64 " events\n", log, id, n);
    rc = 0;
out:
    if (have_first)
        cc_evrec_clear(&first);
    cc_buf_free(&src.batch);
    cc_lines_close(src.in);
    free(stext);
    cc_store_close(st);
    return rc;
}

/* caucus backup DB OUT */
int cc_cmd_backup(int argc, char **argv)
{
    if (argc != 3 || argv[1][0] == '-' || argv[2][0] == '-') {
        fprintf(stderr, "usage: caucus backup DB OUT.db\n");
        return 2;
    }
    cc_store *st = open_store("backup", argv[1], 1);
    if (!st)
        return 1;
    cc_store_error err = {0};
    int rc = 0;
    if (cc_store_backup(st, argv[2], &err) != CC_OK) {
        fprintf(stderr, "caucus backup: %s\n", err.message);
        rc = 1;
    } else {
        printf("backed up %s to %s\n", argv[1], argv[2]);
    }
    cc_store_close(st);
    return rc;
}
