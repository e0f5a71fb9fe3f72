/* obsbook — the evaluators' observations of a live exercise, filtered per viewer (obsbook.h). */
#include "server/obsbook.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "core/grow.h"

struct cc_obsbook {
    size_t nviewers;
    json_t **obs; /* the observations as the state shows them */
    uint8_t *vis; /* nviewers bytes per observation */
    size_t n, cap, vcap;
};

cc_obsbook *cc_obsbook_new(size_t nviewers)
{
    cc_obsbook *b = calloc(1, sizeof *b);
    if (b)
        b->nviewers = nviewers;
    return b;
}

void cc_obsbook_free(cc_obsbook *b)
{
    if (!b)
        return;
    for (size_t i = 0; i < b->n; i++)
        json_decref(b->obs[i]);
    free(b->obs);
    free(b->vis);
    free(b);
}

static json_t *member(const json_t *p, const char *k)
{
    json_t *v = json_object_get(p, k);
    return v ? json_incref(v) : json_null();
}

cc_err cc_obsbook_add(cc_obsbook *b, const json_t *rec, const uint8_t *vis)
{
    const json_t *p = json_object_get(rec, "payload");
    json_t *o = json_object();
    static const char *const keys[] = {"observation", "objective", "target",     "task",          "kind",
                                       "rating",      "text",      "root_cause", "recommendation"};
    json_object_set_new(o, "seq", member(rec, "seq"));
    json_object_set_new(o, "t", member(rec, "t"));
    json_object_set_new(o, "by", member(rec, "actor"));
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        json_object_set_new(o, keys[i], member(p, keys[i]));
    json_object_set_new(o, "observed_t", member(p, "observed_ms"));
    json_t *ev = json_object_get(p, "evidence");
    json_object_set_new(o, "evidence", json_is_array(ev) ? json_incref(ev) : json_array());
    json_object_set_new(o, "label", member(rec, "label"));
    json_t **no = cc_grow(b->obs, &b->cap, b->n + 1, sizeof *no);
    if (no)
        b->obs = no;
    uint8_t *nv = no ? cc_grow(b->vis, &b->vcap, b->n + 1, b->nviewers ? b->nviewers : 1) : NULL;
    if (nv)
        b->vis = nv;
    if (!o || json_object_size(o) != 15 || !no || !nv) {
        json_decref(o);
        return CC_ERR_NOMEM;
    }
    memcpy(b->vis + b->n * b->nviewers, vis, b->nviewers);
    b->obs[b->n++] = o;
    return CC_OK;
}

json_t *cc_obsbook_json(const cc_obsbook *b, size_t viewer)
{
    json_t *a = json_array();
    for (size_t i = 0; a && b && viewer < b->nviewers && i < b->n; i++)
        if (b->vis[i * b->nviewers + viewer])
            json_array_append(a, b->obs[i]);
    return a;
}
