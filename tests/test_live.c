/* Tests of server/live: SECURITY.md catalogue item 32, the wall clock running backwards. The live
 * server reads the wall clock for each input; when a later input carries an earlier wall time (an
 * NTP step, or two requests racing for the lock), order comes from seq and neither the wall time
 * nor the scenario time recorded goes back. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io/file.h"
#include "server/live.h"
#include "store/store.h"

#define SCEN "tests/scenarios/valid/mech-semantics.yaml"
#define T0 1772460000000LL
#define MIN 60000LL

typedef struct rows {
    uint64_t seq[256];
    int64_t t[256], wall[256];
    char text[256][32];
    size_t n;
} rows;

static int take(void *ctx, uint64_t seq, const char *line, size_t len)
{
    rows *r = ctx;
    json_t *j = json_loadb(line, len, 0, NULL);
    if (!j || r->n >= 256) {
        json_decref(j);
        return 1;
    }
    r->seq[r->n] = seq;
    r->t[r->n] = json_integer_value(json_object_get(j, "t"));
    r->wall[r->n] = json_integer_value(json_object_get(j, "wall"));
    const char *ty = json_string_value(json_object_get(j, "type"));
    const char *tx = json_string_value(json_object_get(json_object_get(j, "payload"), "text"));
    snprintf(r->text[r->n], sizeof r->text[r->n], "%s", ty && strcmp(ty, "note") == 0 && tx ? tx : "");
    r->n++;
    json_decref(j);
    return 0;
}

static void note(cc_live *lv, int seat, const char *text, int64_t wall)
{
    json_t *in = json_pack("{s:s,s:s}", "do", "note", "text", text);
    uint64_t first, last;
    char refused[200], why[300];
    cr_assert_eq(cc_live_input(lv, (cc_live_viewer){0, seat}, in, wall, &first, &last, refused,
                               sizeof refused, why, sizeof why),
                 CC_OK, "%s", why);
    cr_expect_str_eq(refused, "");
    json_decref(in);
}

Test(live, a_wall_clock_running_backwards_never_reorders_the_log)
{
    char dir[] = "/tmp/caucus-test-live-XXXXXX", path[64];
    cr_assert(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/live.db", dir);
    cc_store *st;
    cc_store_error err;
    cr_assert_eq(cc_store_open(path, NULL, &st, &err), CC_OK, "%s", err.message);
    char *text, why[300];
    size_t len;
    cr_assert_eq(cc_file_read(SCEN, 0, &text, &len, why, sizeof why), CC_OK, "%s", why);
    cc_live_opts o = {.store = st};
    cc_live *lv;
    cr_assert_eq(cc_live_create(&o, "backwards", text, len, SCEN, 1, NULL, T0, &lv, why, sizeof why), CC_OK,
                 "%s", why);
    json_t *start = json_pack("{s:s}", "do", "start");
    uint64_t first, last;
    char refused[200];
    cr_assert_eq(cc_live_input(lv, (cc_live_viewer){1, -1}, start, T0, &first, &last, refused, sizeof refused,
                               why, sizeof why),
                 CC_OK, "%s", why);
    json_decref(start);
    note(lv, 0, "at ten minutes", T0 + 10 * MIN);
    note(lv, 1, "clock stepped back", T0 + 5 * MIN); /* the wall clock went back five minutes */
    note(lv, 0, "at twenty minutes", T0 + 20 * MIN);
    rows r = {.n = 0};
    cr_assert_eq(cc_store_events(st, cc_live_exercise_id(lv), 0, take, &r, NULL, &err), CC_OK, "%s",
                 err.message);
    const char *want[] = {"at ten minutes", "clock stepped back", "at twenty minutes"};
    size_t k = 0;
    for (size_t i = 0; i < r.n; i++) {
        if (i > 0) {
            cr_expect_eq(r.seq[i], r.seq[i - 1] + 1, "seq %llu after %llu", (unsigned long long)r.seq[i],
                         (unsigned long long)r.seq[i - 1]);
            cr_expect_geq(r.t[i], r.t[i - 1], "scenario time went back at seq %llu",
                          (unsigned long long)r.seq[i]);
            cr_expect_geq(r.wall[i], r.wall[i - 1], "wall time went back at seq %llu",
                          (unsigned long long)r.seq[i]);
        }
        if (r.text[i][0]) {
            cr_assert_lt(k, 3);
            cr_expect_str_eq(r.text[i], want[k], "notes in the order they were applied");
            if (k == 1) /* the late note is recorded at the latest wall time seen, not the earlier one */
                cr_expect_eq(r.wall[i], T0 + 10 * MIN);
            k++;
        }
    }
    cr_expect_eq(k, 3, "%zu notes", k);
    cc_live_free(lv);
    cc_store_close(st);
    free(text);
    unlink(path);
    char side[80];
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
    rmdir(dir);
}

/* A seat reads a message it holds (sent or delivered); one it does not hold and one never sent are
 * alike NULL, both answered without reading the log back (cc_engine_message_held). */
Test(live, a_message_is_read_by_its_holders_only)
{
    char dir[] = "/tmp/caucus-test-live-XXXXXX", path[64];
    cr_assert(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/live.db", dir);
    cc_store *st;
    cc_store_error err;
    cr_assert_eq(cc_store_open(path, NULL, &st, &err), CC_OK, "%s", err.message);
    char *text, why[300];
    size_t len;
    cr_assert_eq(cc_file_read(SCEN, 0, &text, &len, why, sizeof why), CC_OK, "%s", why);
    cc_live_opts o = {.store = st};
    cc_live *lv;
    cr_assert_eq(cc_live_create(&o, "messages", text, len, SCEN, 1, NULL, T0, &lv, why, sizeof why), CC_OK,
                 "%s", why);
    /* nld-chair (seat 0) to deu-chair (1) and nld-desk (2), for NLD only: deu-chair is denied it */
    json_t *in = json_pack("{s:s,s:s,s:[s,s],s:s}", "do", "message", "text", "gauge at 7 m", "to",
                           "deu-chair", "nld-desk", "label", "RESTRICTED");
    uint64_t first, last;
    char refused[200];
    cr_assert_eq(cc_live_input(lv, (cc_live_viewer){0, 0}, in, T0 + MIN, &first, &last, refused,
                               sizeof refused, why, sizeof why),
                 CC_OK, "%s", why);
    cr_expect_str_eq(refused, "");
    json_decref(in);
    json_t *m;
    cr_expect((m = cc_live_item(lv, (cc_live_viewer){0, 0}, "M1")) != NULL, "the sender reads it");
    json_decref(m);
    cr_expect((m = cc_live_item(lv, (cc_live_viewer){0, 2}, "M1")) != NULL, "nld-desk, delivered, reads it");
    json_decref(m);
    cr_expect_null(cc_live_item(lv, (cc_live_viewer){0, 1}, "M1"), "deu-chair was denied it");
    cr_expect_null(cc_live_item(lv, (cc_live_viewer){0, 3}, "M1"), "deu-desk was not sent it");
    cr_expect_null(cc_live_item(lv, (cc_live_viewer){0, 0}, "M2"), "no M2 was sent");
    cr_expect_null(cc_live_item(lv, (cc_live_viewer){0, 0}, "M18446744073709551615"), "nor that one");
    /* control has no bypass here and its one seat (ctl, EXCON) may not read an NLD-only label */
    cr_expect_null(cc_live_item(lv, (cc_live_viewer){1, -1}, "M1"), "control reads as its control seat");
    cc_live_free(lv);
    cc_store_close(st);
    free(text);
    char side[80];
    unlink(path);
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
    rmdir(dir);
}
