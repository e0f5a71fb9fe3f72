/* stuck — see stuck.h. */
#include "server/stuck.h"

#include <stdlib.h>
#include <string.h>

/* The members of `all` missing from `done` (an array of ids, or an object keyed by them). */
static json_t *missing(const json_t *all, const json_t *done)
{
    json_t *out = json_array();
    size_t k;
    json_t *v;
    json_array_foreach(all, k, v)
    {
        const char *id = json_string_value(v);
        int in = 0;
        if (json_is_object(done)) {
            in = json_object_get(done, id) != NULL;
        } else {
            size_t j;
            json_t *w;
            json_array_foreach(done, j, w)
            {
                in |= id && json_string_value(w) && strcmp(id, json_string_value(w)) == 0;
            }
        }
        if (id && !in)
            json_array_append_new(out, json_string(id));
    }
    return out;
}

static json_t *entry(const char *kind, const json_t *x, json_t *waiting, const json_t *since, int64_t now_t)
{
    json_t *dl = json_object_get(x, "deadline_t");
    int64_t s = json_is_integer(since) ? json_integer_value(since) : now_t;
    json_t *e =
        json_pack("{s:s,s:O,s:O,s:O,s:b,s:o,s:I}", "kind", kind, "id", json_object_get(x, "id"), "since_t",
                  json_is_integer(since) ? since : json_null(), "deadline_t", dl ? dl : json_null(),
                  "overdue", json_is_integer(dl) && json_integer_value(dl) <= now_t, "waiting_for", waiting,
                  "waiting_ms", (json_int_t)(now_t - s));
    if (e && json_object_get(x, "stage"))
        json_object_set(e, "stage", json_object_get(x, "stage"));
    return e;
}

static int longest_first(const void *a, const void *b)
{
    json_int_t x = json_integer_value(json_object_get(*(json_t *const *)a, "waiting_ms"));
    json_int_t y = json_integer_value(json_object_get(*(json_t *const *)b, "waiting_ms"));
    return x < y ? 1 : x > y ? -1 : 0;
}

json_t *cc_stuck_list(const json_t *cons, const json_t *decs, int64_t now_t)
{
    json_t *out = json_array();
    size_t k;
    json_t *x;
    json_array_foreach(cons, k, x)
    {
        const char *st = json_string_value(json_object_get(x, "state"));
        if (!st || strcmp(st, "in progress") != 0)
            continue;
        json_t *w = missing(json_object_get(x, "participants"), json_object_get(x, "acks"));
        json_array_append_new(out, entry("consultation", x, w, json_object_get(x, "since_t"), now_t));
    }
    json_array_foreach(decs, k, x)
    {
        const char *st = json_string_value(json_object_get(x, "state"));
        if (!st || strcmp(st, "open") != 0)
            continue;
        json_t *w = missing(json_object_get(x, "deciders"), json_object_get(x, "votes"));
        json_array_append_new(out, entry("decision", x, w, json_object_get(x, "since_t"), now_t));
    }
    size_t n = json_array_size(out);
    json_t **v = n ? malloc(n * sizeof *v) : NULL;
    if (n && !v)
        return out;
    for (size_t i = 0; i < n; i++)
        v[i] = json_incref(json_array_get(out, i));
    if (n > 1)
        qsort(v, n, sizeof *v, longest_first);
    json_array_clear(out);
    for (size_t i = 0; i < n; i++)
        json_array_append_new(out, v[i]);
    free(v);
    return out;
}
