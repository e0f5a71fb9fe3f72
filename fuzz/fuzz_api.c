/* libFuzzer target: arbitrary bytes as JSON API bodies (POST /api/input) into a live exercise
 * (server/live) over a SQLite store in a temporary directory (on /dev/shm when there is one, so
 * the durable commits stay fast). Each input is applied as control and as every seat, then each
 * viewer's state and event stream are read. Checks beyond "no crash": only ok, invalid, denied
 * or (once the exercise has ended) range come back (never a store failure), a refusal has a
 * reason, a seat never sees an event the label rule denies it, and the exercise is rebuilt every
 * 2,000 inputs to bound its size, and as soon as an input ended it ({"do": "end"}, or a jump
 * past the scenario's end), so that the inputs after it reach a running exercise again. */
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/scenario_model.h"
#include "io/file.h"
#include "server/live.h"
#include "store/store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#define SCENARIO "tests/scenarios/valid/all-features.yaml"
#define REBUILD_EVERY 2000

static char *scenario_text;
static size_t scenario_len;
static char dir[256];
static int generation;
static cc_store *store;
static cc_live *live;
static int64_t now_ms;
static unsigned inputs;
static uint64_t *cursor; /* per viewer: control, then each seat */

/* A fresh store and exercise, the clock started; the previous ones are removed. */
static void rebuild(void)
{
    char path[400], why[512];
    if (live)
        cc_live_free(live);
    if (store)
        cc_store_close(store);
    live = NULL;
    store = NULL;
    snprintf(path, sizeof path, "%s/g%d.db", dir, generation);
    unlink(path);
    generation++;
    snprintf(path, sizeof path, "%s/g%d.db", dir, generation);
    cc_store_error err;
    if (cc_store_open(path, NULL, &store, &err) != CC_OK) {
        fprintf(stderr, "fuzz_api: store: %s\n", err.message);
        abort();
    }
    cc_live_opts o = {.store = store};
    now_ms = 1772460000000;
    if (cc_live_create(&o, "fuzz", scenario_text, scenario_len, SCENARIO, 1, NULL, now_ms, &live, why,
                       sizeof why) != CC_OK) {
        fprintf(stderr, "fuzz_api: create: %s\n", why);
        abort();
    }
    json_t *start = json_pack("{s:s}", "do", "start");
    uint64_t first, last;
    char refused[256];
    if (cc_live_input(live, (cc_live_viewer){1, -1}, start, now_ms, &first, &last, refused, sizeof refused,
                      why, sizeof why) != CC_OK)
        abort();
    json_decref(start);
    size_t nview = cc_live_scenario(live)->nseats + 1;
    free(cursor);
    cursor = calloc(nview, sizeof *cursor);
    if (!cursor)
        abort();
    inputs = 0;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    if (cc_file_read(SCENARIO, 0, &scenario_text, &scenario_len, NULL, 0) != CC_OK)
        abort();
    const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    snprintf(dir, sizeof dir, "%s/caucus-fuzz-api-XXXXXX", base);
    if (!mkdtemp(dir))
        abort();
    rebuild();
    return 0;
}

/* Reads the viewer's stream on from its cursor; a seat must be allowed every frame it gets. */
static void read_stream(cc_live_viewer v, uint64_t *next)
{
    cc_buf out;
    cc_buf_init(&out);
    uint64_t from = *next;
    cc_live_sse(live, v, next, &out, 1 << 20);
    if (!v.control && out.len) {
        /* every frame's "id: N" line must be an event visible to this seat (data lines are JSON
         * on one line, so a line that starts with "id: " is a frame's id) */
        cc_buf_append(&out, "", 1);
        const char *p = (const char *)out.data;
        for (const char *line = p; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
            if (strncmp(line, "id: ", 4) != 0)
                continue;
            uint64_t seq = strtoull(line + 4, NULL, 10);
            if (seq < from || !cc_live_visible(live, v, seq))
                abort();
        }
    }
    cc_buf_free(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_t *body = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
    if (!body)
        return 0; /* the HTTP layer answers 400 before the exercise sees it */
    if (++inputs > REBUILD_EVERY)
        rebuild();
    const cc_scenario *s = cc_live_scenario(live);
    for (int i = -1; i < (int)s->nseats; i++) {
        cc_live_viewer v = {i < 0, i};
        now_ms += 1000;
        uint64_t first = 0, last = 0;
        char refused[256], why[512];
        why[0] = '\0';
        cc_err rc =
            cc_live_input(live, v, body, now_ms, &first, &last, refused, sizeof refused, why, sizeof why);
        if (rc == CC_ERR_RANGE && !cc_live_ended(live)) {
            fprintf(stderr, "fuzz_api: out of range but not ended: %s\n", why);
            abort();
        }
        /* CC_ERR_NOTFOUND: an item the seat may not see, or that does not exist (one answer) */
        if (rc != CC_OK && rc != CC_ERR_INVALID && rc != CC_ERR_DENIED && rc != CC_ERR_RANGE &&
            rc != CC_ERR_NOTFOUND) {
            fprintf(stderr, "fuzz_api: %s: %s\n", cc_err_str(rc), why);
            abort(); /* CC_ERR_IO: the store failed, or something unexpected */
        }
        if (rc != CC_OK && why[0] == '\0')
            abort(); /* a refusal without a reason */
        if (rc == CC_OK && last < first)
            abort();
        if (cc_live_tick(live, now_ms, NULL) != CC_OK)
            abort();
    }
    for (int i = -1; i < (int)s->nseats; i++) {
        cc_live_viewer v = {i < 0, i};
        json_t *st = cc_live_state(live, v, now_ms, NULL, NULL);
        if (!st)
            abort();
        json_decref(st);
        read_stream(v, &cursor[i + 1]);
    }
    json_decref(body);
    if (cc_live_ended(live))
        inputs = REBUILD_EVERY; /* the next input starts a fresh exercise */
    return 0;
}
