/* Tests of debrief (docs/ui.md, "Debrief"): a debrief copy of an exercise at event k gives each
 * viewer the state the live /api/state gave it right after event k, and never an item the live
 * view code path (server/live, core/view) hides from that viewer. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/scenario_model.h"
#include "io/file.h"
#include "server/debrief.h"
#include "server/live.h"
#include "store/store.h"

#define HARBOUR "tests/scenarios/valid/harbour-debrief.yaml"
#define T0 1772460000000LL
#define MIN 60000LL

typedef struct fixture {
    char dir[40], path[80];
    cc_store *st;
    cc_live *lv;
    char *text;
} fixture;

static void open_live(fixture *f, const char *scen)
{
    snprintf(f->dir, sizeof f->dir, "/tmp/caucus-test-debrief-XXXXXX");
    cr_assert(mkdtemp(f->dir));
    snprintf(f->path, sizeof f->path, "%s/live.db", f->dir);
    cc_store_error err;
    cr_assert_eq(cc_store_open(f->path, NULL, &f->st, &err), CC_OK, "%s", err.message);
    char why[300];
    size_t len;
    cr_assert_eq(cc_file_read(scen, 0, &f->text, &len, why, sizeof why), CC_OK, "%s", why);
    cc_live_opts o = {.store = f->st};
    cr_assert_eq(cc_live_create(&o, "debrief", f->text, len, scen, 1, NULL, T0, &f->lv, why, sizeof why),
                 CC_OK, "%s", why);
}

static void close_live(fixture *f)
{
    cc_live_free(f->lv);
    cc_store_close(f->st);
    free(f->text);
    char side[100];
    unlink(f->path);
    snprintf(side, sizeof side, "%s-wal", f->path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", f->path);
    unlink(side);
    rmdir(f->dir);
}

static void act(cc_live *lv, int control, int seat, const char *json, int64_t wall)
{
    json_t *in = json_loads(json, 0, NULL);
    cr_assert_not_null(in, "%s", json);
    uint64_t first, last;
    char refused[200], why[300];
    cr_assert_eq(cc_live_input(lv, (cc_live_viewer){control, seat}, in, wall, &first, &last, refused,
                               sizeof refused, why, sizeof why),
                 CC_OK, "%s: %s", json, why);
    cr_expect_str_eq(refused, "", "%s refused: %s", json, refused);
    json_decref(in);
}

/* The live states recorded right after a step that committed events: (k, wall, viewer, state). */
typedef struct rec {
    uint64_t k;
    int64_t wall;
    cc_live_viewer v;
    json_t *state;
} rec;

static size_t record(cc_live *lv, int64_t wall, rec *out, size_t n)
{
    const cc_scenario *s = cc_live_scenario(lv);
    for (size_t i = 0; i <= s->nseats; i++) {
        cc_live_viewer v = {i == s->nseats, i == s->nseats ? -1 : (int)i};
        out[n++] = (rec){cc_live_events(lv) - 1, wall, v, cc_live_state(lv, v, wall, NULL, NULL)};
    }
    return n;
}

/* docs/ui.md, "Debrief", the worked timeline on tests/scenarios/valid/harbour-debrief.yaml. */
Test(debrief, the_state_at_k_is_the_live_state_recorded_right_after_k)
{
    fixture f;
    open_live(&f, HARBOUR);
    cc_live *lv = f.lv;
    static rec r[64];
    size_t n = 0;
    const int XNA = 0, XSO = 1;
    n = record(lv, T0, r, n); /* event 0: run.start */
    act(lv, 1, -1, "{\"do\":\"start\"}", T0);
    n = record(lv, T0, r, n);
    cc_live_tick(lv, T0 + 30 * MIN, NULL); /* I-1 to every seat */
    n = record(lv, T0 + 30 * MIN, r, n);
    act(lv, 0, XNA, "{\"do\":\"note\",\"text\":\"Four berths may be spared.\"}", T0 + 40 * MIN);
    n = record(lv, T0 + 40 * MIN, r, n);
    cc_live_tick(lv, T0 + 60 * MIN, NULL); /* I-2 to Northport only; C-1 requested */
    n = record(lv, T0 + 60 * MIN, r, n);
    act(lv, 0, XNA, "{\"do\":\"acknowledge\",\"consultation\":\"C-1\"}", T0 + 70 * MIN);
    n = record(lv, T0 + 70 * MIN, r, n);
    act(lv, 0, XSO, "{\"do\":\"acknowledge\",\"consultation\":\"C-1\"}", T0 + 75 * MIN); /* D-1 opens */
    n = record(lv, T0 + 75 * MIN, r, n);
    act(lv, 0, XNA, "{\"do\":\"vote\",\"decision\":\"D-1\",\"option\":\"share-berths\"}", T0 + 80 * MIN);
    n = record(lv, T0 + 80 * MIN, r, n);
    act(lv, 0, XSO, "{\"do\":\"vote\",\"decision\":\"D-1\",\"option\":\"share-berths\"}", T0 + 85 * MIN);
    n = record(lv, T0 + 85 * MIN, r, n);
    act(lv, 1, -1, "{\"do\":\"end\"}", T0 + 90 * MIN);
    n = record(lv, T0 + 90 * MIN, r, n);
    cr_assert(cc_live_ended(lv));
    cc_live_opts o = {.store = f.st};
    char why[300];
    for (size_t i = 0; i < n; i++) {
        cc_live *copy;
        cr_assert_eq(cc_live_resume_at(&o, cc_live_exercise_id(lv), r[i].k, &copy, why, sizeof why), CC_OK,
                     "at %llu: %s", (unsigned long long)r[i].k, why);
        cr_expect_eq(cc_live_events(copy), r[i].k + 1);
        cr_expect_eq(cc_live_last_wall(copy), r[i].wall, "event %llu's wall time",
                     (unsigned long long)r[i].k);
        json_t *st = cc_live_state(copy, r[i].v, cc_live_last_wall(copy), NULL, NULL);
        if (!json_equal(st, r[i].state)) {
            char *a = json_dumps(st, JSON_SORT_KEYS | JSON_COMPACT),
                 *b = json_dumps(r[i].state, JSON_SORT_KEYS | JSON_COMPACT);
            cr_expect_fail("at %llu, viewer %d/%d:\ndebrief %s\nlive    %s", (unsigned long long)r[i].k,
                           r[i].v.control, r[i].v.seat, a, b);
            free(a);
            free(b);
        }
        /* a debrief copy takes nothing in */
        json_t *in = json_pack("{s:s,s:s}", "do", "note", "text", "x");
        uint64_t a1, a2;
        char refused[200];
        cr_expect_eq(cc_live_input(copy, (cc_live_viewer){0, 0}, in, r[i].wall, &a1, &a2, refused,
                                   sizeof refused, why, sizeof why),
                     CC_ERR_IO);
        json_decref(in);
        json_decref(st);
        cc_live_free(copy);
    }
    /* the worked timeline's numbers (docs/ui.md, "Debrief"): 36 events; control sees 14 of them,
     * Northport 25, Southbay 23, the controller's seat 4 */
    cc_debrief_reply out;
    const char *who[] = {"control", "xna-harbour", "xso-harbour", "ctl"};
    const size_t seen[] = {14, 25, 23, 4};
    for (size_t i = 0; i < 4; i++) {
        cc_debrief_events(lv, who[i], &out);
        cr_assert_eq(out.status, 200, "%s", out.message);
        cr_expect_eq(json_integer_value(json_object_get(out.json, "total")), 36);
        cr_expect_eq(json_array_size(json_object_get(out.json, "events")), seen[i], "%s", who[i]);
        json_decref(out.json);
    }
    /* I-2's delivery to Northport is event 10 (+1h); Southbay never holds I-2 */
    cc_debrief_state(f.st, lv, "10", "xso-harbour", &out);
    cr_assert_eq(out.status, 200, "%s", out.message);
    json_t *items = json_object_get(json_object_get(out.json, "state"), "items");
    cr_expect_eq(json_array_size(items), 1, "Southbay at event 10: I-1 only");
    size_t k;
    json_t *it;
    json_array_foreach(items, k, it)
    {
        cr_expect_str_neq(json_string_value(json_object_get(it, "id")), "I-2");
    }
    cr_expect(json_is_null(json_object_get(out.json, "event")),
              "event 10 (I-2's delivery) is not Southbay's");
    cr_expect_eq(json_integer_value(json_object_get(out.json, "seen")), 3,
                 "Southbay saw events 0, 2 and 5 by then");
    json_decref(out.json);
    /* at event 24 (+1h15m) D-1 is open for both; at 32 (+1h25m) it is decided */
    cc_debrief_state(f.st, lv, "24", "xso-harbour", &out);
    cr_assert_eq(out.status, 200, "%s", out.message);
    json_t *d1 = json_array_get(json_object_get(json_object_get(out.json, "state"), "decisions"), 0);
    cr_expect_str_eq(json_string_value(json_object_get(d1, "id")), "D-1");
    cr_expect_str_eq(json_string_value(json_object_get(d1, "state")), "open");
    json_decref(out.json);
    cc_debrief_state(f.st, lv, "32", "xso-harbour", &out);
    d1 = json_array_get(json_object_get(json_object_get(out.json, "state"), "decisions"), 0);
    cr_expect_str_eq(json_string_value(json_object_get(d1, "state")), "decided");
    cr_expect_str_eq(json_string_value(json_object_get(d1, "outcome")), "share-berths");
    json_decref(out.json);
    cc_debrief_state(f.st, lv, "10", "xna-harbour", &out);
    cr_assert_eq(out.status, 200, "%s", out.message);
    items = json_object_get(json_object_get(out.json, "state"), "items");
    cr_expect_eq(json_array_size(items), 2, "Northport at event 10: I-1 and I-2");
    cr_expect_str_eq(json_string_value(json_object_get(json_object_get(out.json, "event"), "type")),
                     "delivery");
    json_decref(out.json);
    /* bad requests */
    cc_debrief_state(f.st, lv, "999", NULL, &out);
    cr_expect_eq(out.status, 400);
    cr_expect(strstr(out.message, "at: give an event number from 0 to") != NULL, "%s", out.message);
    cc_debrief_state(f.st, lv, "-1", NULL, &out);
    cr_expect_eq(out.status, 400);
    cc_debrief_state(f.st, lv, "3x", NULL, &out);
    cr_expect_eq(out.status, 400);
    cc_debrief_state(f.st, lv, NULL, NULL, &out);
    cr_expect_eq(out.status, 400);
    cc_debrief_state(f.st, lv, "3", "nobody", &out);
    cr_expect_eq(out.status, 400);
    cr_expect(strstr(out.message, "no seat 'nobody'") != NULL, "%s", out.message);
    for (size_t i = 0; i < n; i++)
        json_decref(r[i].state);
    close_live(&f);
}

/* Whether id is listed (by "id") in arr. */
static int lists(const json_t *arr, const char *id)
{
    size_t i;
    json_t *x;
    json_array_foreach(arr, i, x)
    {
        if (strcmp(json_string_value(json_object_get(x, "id")), id) == 0)
            return 1;
    }
    return 0;
}

/* Every sample, every seat on its agent, run to its end on the control clock; then for every event
 * k, every seat and control: nothing in the debrief state is hidden from the viewer by the live view. */
static void no_leak(const char *scen)
{
    fixture f;
    open_live(&f, scen);
    cc_live *lv = f.lv;
    const cc_scenario *s = cc_live_scenario(lv);
    act(lv, 1, -1, "{\"do\":\"start\"}", T0);
    for (size_t i = 0; i < s->nseats; i++) {
        if (s->seats[i].agent_index < 0)
            continue;
        char in[200];
        snprintf(in, sizeof in, "{\"do\":\"play\",\"seat\":\"%s\",\"by\":\"agent\"}", s->seats[i].id);
        act(lv, 1, -1, in, T0);
    }
    for (int64_t w = T0 + 30 * MIN; w <= T0 + (int64_t)s->duration_s * 1000 + 30 * MIN; w += 30 * MIN)
        cc_live_tick(lv, w, NULL);
    if (!cc_live_ended(lv))
        act(lv, 1, -1, "{\"do\":\"end\"}", T0 + (int64_t)s->duration_s * 1000 + 60 * MIN);
    uint64_t n = cc_live_events(lv);
    cr_assert_gt(n, 20, "%s: %llu events", scen, (unsigned long long)n);
    json_t **final = calloc(s->nseats + 1, sizeof *final); /* the seats', then control's */
    for (size_t i = 0; i <= s->nseats; i++)
        final[i] =
            cc_live_state(lv, (cc_live_viewer){i == s->nseats, i == s->nseats ? -1 : (int)i}, T0, NULL, NULL);
    cc_live_opts o = {.store = f.st};
    char why[300];
    size_t checked = 0;
    for (uint64_t k = 0; k < n; k++) {
        cc_live *copy;
        cr_assert_eq(cc_live_resume_at(&o, cc_live_exercise_id(lv), k, &copy, why, sizeof why), CC_OK, "%s",
                     why);
        for (size_t i = 0; i <= s->nseats; i++) {
            cc_live_viewer v = {i == s->nseats, i == s->nseats ? -1 : (int)i};
            const char *name = i == s->nseats ? "control" : s->seats[i].id;
            json_t *st = cc_live_state(copy, v, cc_live_last_wall(copy), NULL, NULL);
            const char *lists_of[] = {"items", "notes"};
            for (int l = 0; l < 2; l++) {
                size_t j;
                json_t *it;
                json_array_foreach(json_object_get(st, lists_of[l]), j, it)
                {
                    uint64_t seq = (uint64_t)json_integer_value(json_object_get(it, "seq"));
                    cr_expect_leq(seq, k);
                    cr_expect(cc_live_visible(lv, v, seq),
                              "%s: at %llu seat %s holds event %llu, which it never saw", scen,
                              (unsigned long long)k, s->seats[i].id, (unsigned long long)seq);
                    checked++;
                }
            }
            const char *sets[] = {"consultations", "decisions"};
            for (int l = 0; l < 2; l++) {
                size_t j;
                json_t *it;
                json_array_foreach(json_object_get(st, sets[l]), j, it)
                {
                    const char *id = json_string_value(json_object_get(it, "id"));
                    cr_expect(lists(json_object_get(final[i], sets[l]), id), "%s: at %llu %s sees %s %s",
                              scen, (unsigned long long)k, name, sets[l], id);
                    checked++;
                }
            }
            json_decref(st);
        }
        cc_live_free(copy);
    }
    cr_expect_gt(checked, 0);
    for (size_t i = 0; i <= s->nseats; i++)
        json_decref(final[i]);
    free(final);
    close_live(&f);
}

Test(debrief, no_sample_seat_sees_at_any_event_what_the_live_view_hides, .timeout = 600)
{
    no_leak("scenarios/ncg-mil-ttx.yaml");
    no_leak("scenarios/ncg-policy-ttx.yaml");
    no_leak("scenarios/ncg-interagency-sim.yaml");
}
