/* editor — requests of the browser's scenario editor, each read, checked and answered against
 * the store: documents and versions (store), edits (io/sedit), diagnostics (io/scenario_load,
 * placed by io/sedit), diffs (core/ldiff), exports (io/msel), headless runs (core/engine). */
#include "server/editor.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/engine.h"
#include "core/ldiff.h"
#include "core/scenario_model.h"
#include "io/msel.h"
#include "io/scenario_load.h"
#include "io/sedit.h"

#define RUN_LOG_MAX (16u << 20) /* the log a headless run may write */

static const char empty_scenario[] = "caucus: 1\n"
                                     "exercise:\n"
                                     "  id: new-exercise\n"
                                     "  title: New exercise\n"
                                     "  start: \"2026-03-03T09:00:00Z\"\n"
                                     "  zone: UTC\n"
                                     "label_policy:\n"
                                     "  id: policy\n"
                                     "  classifications:\n"
                                     "    - {name: UNCLASSIFIED, short: U}\n"
                                     "    - {name: SECRET, short: S}\n"
                                     "parties: []\n"
                                     "cells: []\n"
                                     "seats: []\n"
                                     "objectives: []\n"
                                     "injects: []\n";

const char *cc_editor_empty_scenario(void)
{
    return empty_scenario;
}

void cc_editor_reply_clear(cc_editor_reply *r)
{
    json_decref(r->json);
    free(r->body);
    memset(r, 0, sizeof *r);
}

__attribute__((format(printf, 4, 5))) static cc_err reply_err(cc_editor_reply *out, unsigned status,
                                                              const char *code, const char *fmt, ...)
{
    char msg[800]; /* room for a distribution's error with its text */
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    out->status = status;
    out->json = json_pack("{s:s,s:s}", "error", msg, "code", code);
    return out->json ? CC_OK : CC_ERR_NOMEM;
}

static cc_err reply_json(cc_editor_reply *out, json_t *j)
{
    out->status = 200;
    out->json = j;
    return j ? CC_OK : CC_ERR_NOMEM;
}

static cc_err store_err(cc_editor_reply *out, cc_err rc, const cc_store_error *err)
{
    if (rc == CC_ERR_NOTFOUND)
        return reply_err(out, 404, "not-found", "%s", err->message);
    if (rc == CC_ERR_ARG || rc == CC_ERR_INVALID)
        return reply_err(out, 400, "bad-request", "%s", err->message);
    return reply_err(out, 503, "store-failed", "%s", err->message);
}

/* A positive integer query argument, or 0. */
static int64_t int_arg(const cc_editor_req *rq, const char *name)
{
    const char *v = rq->arg ? rq->arg(rq->arg_ctx, name) : NULL;
    if (!v || !*v || strlen(v) > 18)
        return 0;
    for (const char *p = v; *p; p++)
        if (*p < '0' || *p > '9')
            return 0;
    return strtoll(v, NULL, 10);
}

static int64_t int_member(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    return json_is_integer(v) && json_integer_value(v) > 0 ? (int64_t)json_integer_value(v) : 0;
}

/* The diagnostics of text as caucus lint gives them, placed on sections, items and fields. */
static json_t *diagnostics(const cc_sedit *e, const char *text, size_t len, const char *tzdir, size_t *errors)
{
    cc_diags d;
    cc_diags_init(&d);
    cc_scenario *s = NULL;
    cc_load_opts lo = {.tzdir = tzdir};
    cc_scenario_load(text, len, "scenario.yaml", &lo, &d, &s);
    cc_scenario_free(s);
    cc_diags_sort(&d);
    json_t *a = cc_sedit_locate(e, &d);
    if (errors)
        *errors = d.errors;
    cc_diags_free(&d);
    return a;
}

/* Who saves: the body's "author" (a planner's name, at most 60 bytes of text), else the session's. */
static const char *author_of(const cc_editor_req *rq, const json_t *in)
{
    const char *a = json_string_value(json_object_get(in, "author"));
    if (a && *a && strlen(a) <= 60)
        return a;
    return rq->author ? rq->author : "control";
}

/* ---- documents ----------------------------------------------------------------------------- */

static cc_err docs_list(cc_store *st, cc_editor_reply *out)
{
    cc_store_doc *v = NULL;
    size_t n = 0;
    cc_store_error err;
    cc_err rc = cc_store_doc_list(st, &v, &n, &err);
    if (rc != CC_OK)
        return store_err(out, rc, &err);
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++) {
        json_array_append_new(a, json_pack("{s:I,s:s,s:I,s:I,s:I}", "doc", (json_int_t)v[i].id, "name",
                                           v[i].name, "latest", (json_int_t)v[i].latest, "created",
                                           (json_int_t)v[i].created_wall_ms, "updated",
                                           (json_int_t)v[i].updated_wall_ms));
        cc_store_doc_clear(&v[i]);
    }
    free(v);
    return reply_json(out, json_pack("{s:o}", "docs", a));
}

static cc_err docs_create(cc_store *st, const cc_editor_req *rq, const json_t *in, cc_editor_reply *out)
{
    const char *name = json_string_value(json_object_get(in, "name"));
    const char *from = json_string_value(json_object_get(in, "from"));
    if (!name || !*name || strlen(name) > 200)
        return reply_err(out, 400, "bad-request", "give the document a \"name\" (at most 200 bytes)");
    const char *text = empty_scenario;
    size_t len = strlen(empty_scenario);
    cc_store_exercise x;
    memset(&x, 0, sizeof x);
    cc_store_error err;
    if (from && strcmp(from, "exercise") == 0) {
        if (!rq->live_exercise)
            return reply_err(out, 400, "bad-request", "no exercise is running here to start from");
        cc_err rc = cc_store_exercise_get(st, rq->live_exercise, &x, &err);
        if (rc != CC_OK)
            return store_err(out, rc, &err);
        text = x.scenario;
        len = x.scenario_len;
    } else if (from && strcmp(from, "empty") != 0) {
        return reply_err(out, 400, "bad-request", "\"from\" is \"empty\" or \"exercise\"");
    }
    int64_t id = 0;
    cc_err rc = cc_store_doc_create(st, name, text, len, author_of(rq, in), rq->now_wall_ms, &id, &err);
    cc_store_exercise_clear(&x);
    if (rc != CC_OK)
        return store_err(out, rc, &err);
    return reply_json(out, json_pack("{s:I,s:i}", "doc", (json_int_t)id, "version", 1));
}

/* Loads version `version` (0: newest) of doc and parses it. */
static cc_err open_version(cc_store *st, int64_t doc, int64_t version, cc_store_version *v, cc_sedit **e,
                           cc_editor_reply *out)
{
    cc_store_error err;
    *e = NULL;
    cc_err rc = cc_store_version_get(st, doc, version, v, &err);
    if (rc != CC_OK) {
        store_err(out, rc, &err);
        return rc;
    }
    cc_diags d;
    cc_diags_init(&d);
    rc = cc_sedit_open(v->text, v->len, "scenario.yaml", &d, e);
    if (rc != CC_OK)
        reply_err(out, 422, "bad-edit", "version %" PRId64 " does not parse: %s (line %d)", v->version,
                  d.count ? d.items[0].message : "", d.count ? d.items[0].line : 0);
    cc_diags_free(&d);
    return rc;
}

static cc_err doc_get(cc_store *st, const cc_editor_req *rq, cc_editor_reply *out)
{
    int64_t doc = int_arg(rq, "doc"), ver = int_arg(rq, "version");
    if (!doc)
        return reply_err(out, 400, "bad-request", "give ?doc=ID");
    cc_store_version v;
    cc_sedit *e = NULL;
    if (open_version(st, doc, ver, &v, &e, out) != CC_OK) {
        cc_store_version_clear(&v);
        return out->json ? CC_OK : CC_ERR_NOMEM;
    }
    cc_store_version latest;
    cc_store_error err;
    int64_t newest = v.version;
    if (cc_store_version_get(st, doc, 0, &latest, &err) == CC_OK)
        newest = latest.version;
    cc_store_version_clear(&latest);
    size_t errors = 0;
    json_t *diags = diagnostics(e, v.text, v.len, rq->tzdir, &errors);
    json_t *j = json_pack("{s:I,s:I,s:I,s:s,s:s?,s:s?,s:I,s:o,s:o,s:I}", "doc", (json_int_t)doc, "version",
                          (json_int_t)v.version, "latest", (json_int_t)newest, "hash", v.hash, "author",
                          v.author, "note", v.note, "saved", (json_int_t)v.created_wall_ms, "model",
                          cc_sedit_model(e), "diagnostics", diags, "errors", (json_int_t)errors);
    cc_sedit_free(e);
    cc_store_version_clear(&v);
    return reply_json(out, j);
}

static cc_err versions(cc_store *st, const cc_editor_req *rq, cc_editor_reply *out)
{
    int64_t doc = int_arg(rq, "doc");
    if (!doc)
        return reply_err(out, 400, "bad-request", "give ?doc=ID");
    cc_store_version *v = NULL;
    size_t n = 0;
    cc_store_error err;
    cc_err rc = cc_store_version_list(st, doc, &v, &n, &err);
    if (rc != CC_OK)
        return store_err(out, rc, &err);
    if (n == 0)
        return reply_err(out, 404, "not-found", "no scenario document %" PRId64, doc);
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++) {
        json_array_append_new(a, json_pack("{s:I,s:s,s:s?,s:s?,s:I}", "version", (json_int_t)v[i].version,
                                           "hash", v[i].hash, "author", v[i].author, "note", v[i].note,
                                           "saved", (json_int_t)v[i].created_wall_ms));
        cc_store_version_clear(&v[i]);
    }
    free(v);
    return reply_json(out, json_pack("{s:I,s:o}", "doc", (json_int_t)doc, "versions", a));
}

static cc_err diff(cc_store *st, const cc_editor_req *rq, cc_editor_reply *out)
{
    int64_t doc = int_arg(rq, "doc"), from = int_arg(rq, "from"), to = int_arg(rq, "to");
    if (!doc || !from || !to)
        return reply_err(out, 400, "bad-request", "give ?doc=ID&from=VERSION&to=VERSION");
    cc_store_version a, b;
    cc_store_error err;
    memset(&b, 0, sizeof b);
    cc_err rc = cc_store_version_get(st, doc, from, &a, &err);
    if (rc == CC_OK)
        rc = cc_store_version_get(st, doc, to, &b, &err);
    if (rc != CC_OK) {
        cc_store_version_clear(&a);
        cc_store_version_clear(&b);
        return store_err(out, rc, &err);
    }
    char na[64], nb[64];
    snprintf(na, sizeof na, "version %" PRId64, from);
    snprintf(nb, sizeof nb, "version %" PRId64, to);
    cc_buf d;
    cc_buf_init(&d);
    rc = cc_ldiff(a.text, a.len, b.text, b.len, na, nb, &d);
    cc_store_version_clear(&a);
    cc_store_version_clear(&b);
    if (rc != CC_OK) {
        cc_buf_free(&d);
        return CC_ERR_NOMEM;
    }
    out->status = 200;
    out->type = "text/plain; charset=utf-8";
    out->body = d.data ? d.data : calloc(1, 1);
    out->len = d.len;
    return out->body ? CC_OK : CC_ERR_NOMEM;
}

/* ---- exports --------------------------------------------------------------------------------- */

static cc_err export(cc_store *st, const cc_editor_req *rq, cc_editor_reply *out)
{
    int64_t doc = int_arg(rq, "doc"), ver = int_arg(rq, "version");
    const char *fmt = rq->arg ? rq->arg(rq->arg_ctx, "format") : NULL;
    if (!doc || !fmt || (strcmp(fmt, "yaml") != 0 && strcmp(fmt, "csv") != 0 && strcmp(fmt, "xlsx") != 0))
        return reply_err(out, 400, "bad-request", "give ?doc=ID&format=yaml|csv|xlsx (and &version=N)");
    cc_store_version v;
    cc_store_error err;
    cc_err rc = cc_store_version_get(st, doc, ver, &v, &err);
    if (rc != CC_OK)
        return store_err(out, rc, &err);
    snprintf(out->filename, sizeof out->filename, "scenario-%" PRId64 "-v%" PRId64 ".%s", doc, v.version,
             fmt);
    if (strcmp(fmt, "yaml") == 0) { /* the text as stored: byte for byte what was saved */
        out->status = 200;
        out->type = "application/yaml; charset=utf-8";
        out->body = v.text;
        out->len = v.len;
        v.text = NULL;
        cc_store_version_clear(&v);
        return CC_OK;
    }
    cc_diags d;
    cc_diags_init(&d);
    cc_scenario *s = NULL;
    cc_load_opts lo = {.tzdir = rq->tzdir};
    rc = cc_scenario_load(v.text, v.len, "scenario.yaml", &lo, &d, &s);
    cc_store_version_clear(&v);
    if (rc != CC_OK) {
        cc_diags_free(&d);
        return reply_err(out, 422, "bad-edit",
                         "the MSEL is written from a scenario without errors: fix the %zu "
                         "error%s first",
                         d.errors, d.errors == 1 ? "" : "s");
    }
    cc_diags_free(&d);
    cc_msel *m = NULL;
    rc = cc_msel_export(s, &m);
    cc_buf b;
    cc_buf_init(&b);
    if (rc == CC_OK && strcmp(fmt, "csv") == 0) {
        rc = cc_msel_write_csv(m, ',', 1, &b);
        out->type = "text/csv; charset=utf-8";
    } else if (rc == CC_OK) {
        char path[] = "/tmp/caucus-export-XXXXXX";
        int fd = mkstemp(path);
        char why[300];
        if (fd < 0) {
            rc = CC_ERR_IO;
        } else {
            close(fd);
            rc = cc_msel_write_xlsx(m, path, why, sizeof why);
            FILE *f = rc == CC_OK ? fopen(path, "rb") : NULL;
            char chunk[65536];
            size_t k;
            while (f && (k = fread(chunk, 1, sizeof chunk, f)) > 0)
                cc_buf_append(&b, chunk, k);
            if (f)
                fclose(f);
            else if (rc == CC_OK)
                rc = CC_ERR_IO;
            remove(path);
        }
        out->type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    }
    cc_msel_free(m);
    cc_scenario_free(s);
    if (rc != CC_OK || b.oom) {
        cc_buf_free(&b);
        return reply_err(out, 500, "internal", "the %s could not be written (%s)", fmt, cc_err_str(rc));
    }
    out->status = 200;
    out->body = b.data;
    out->len = b.len;
    return CC_OK;
}

/* ---- edits ------------------------------------------------------------------------------------ */

/* The edit of in applied to e's text into t. CC_OK, or the reply made. */
static cc_err apply(const cc_sedit *e, const json_t *in, cc_buf *t, cc_editor_reply *out)
{
    const char *section = json_string_value(json_object_get(in, "section"));
    const char *id = json_string_value(json_object_get(in, "id"));
    const json_t *item = json_object_get(in, "item");
    const json_t *at = json_object_get(in, "at");
    if (!section || !item || (!json_is_object(item) && !json_is_null(item)) || (at && !json_is_integer(at)))
        return reply_err(
            out, 400, "bad-request",
            "give \"section\", \"item\" (an object, or null to delete), and \"id\" and \"at\" as needed");
    char why[300] = "";
    cc_err rc = cc_sedit_put(e, section, id, json_is_null(item) ? NULL : item,
                             at ? (long)json_integer_value(at) : -1, t, why, sizeof why);
    if (rc == CC_ERR_NOMEM)
        return rc;
    if (rc != CC_OK)
        reply_err(out, rc == CC_ERR_NOTFOUND ? 404 : 422, rc == CC_ERR_NOTFOUND ? "not-found" : "bad-edit",
                  "%s", why);
    return rc;
}

/* The item a request is about (its id, or the new item's), in e; NULL when absent. */
static json_t *item_of(const cc_sedit *e, const json_t *in)
{
    const char *section = json_string_value(json_object_get(in, "section"));
    const char *id = json_string_value(json_object_get(in, "id"));
    if (!id)
        id = json_string_value(json_object_get(json_object_get(in, "item"), "id"));
    if (!section)
        return NULL;
    if (!id && json_object_get(in, "id"))
        return NULL;
    return cc_sedit_get(e, section, id, NULL);
}

/* ---- distributions ---------------------------------------------------------------------------- */

/* Where an item holds a distribution and what the scenario loader calls it (io/scenario_load.c):
 * a path of keys from the item ("*": every element of a list), in a section (NULL: any). A
 * trigger's delay is a distribution only when it is a map (a duration is read as one). */
static const struct {
    const char *section;
    const char *path[5];
    const char *what;
    int maps_only;
} dist_places[] = {
    {NULL, {"trigger", "delay", NULL}, "trigger 'delay'", 1},
    {"mechanisms", {"stages", "*", "rounds", "revision", NULL}, "rounds 'revision'", 0},
    {"agents", {"retry", "after", NULL}, "retry 'after'", 0},
    {"agents", {"rules", "*", "delay", NULL}, "agent rule 'delay'", 0},
};

/* The first error of the distribution v (a resolved value) as the loader reads it, written into
 * why; 0 when it is good, -1 when out of memory. */
static int dist_error(const json_t *v, const char *what, char *why, size_t whylen, char *hint, size_t hintlen)
{
    cc_buf t;
    cc_buf_init(&t);
    if (cc_sedit_yaml_text(v, &t) != CC_OK || cc_buf_putc(&t, 0) != CC_OK) {
        cc_buf_free(&t);
        return -1;
    }
    cc_arena *a = cc_arena_new(0);
    cc_diags d;
    cc_diags_init(&d);
    cc_dist dist;
    cc_err rc = a ? cc_scenario_load_dist(t.data, t.len - 1, "value", what, a, &d, &dist) : CC_ERR_NOMEM;
    int bad = rc == CC_ERR_NOMEM || d.oom ? -1 : 0;
    for (size_t i = 0; bad == 0 && i < d.count; i++)
        if (d.items[i].sev == CC_SEV_ERROR) {
            snprintf(why, whylen, "%s, in %s (column %d)", d.items[i].message, t.data, d.items[i].col);
            snprintf(hint, hintlen, "%s", d.items[i].hint ? d.items[i].hint : "");
            bad = 1;
        }
    if (bad == 0 && rc != CC_OK) {
        snprintf(why, whylen, "%s cannot be read, in %s", what, t.data);
        bad = 1;
    }
    cc_diags_free(&d);
    cc_arena_free(a);
    cc_buf_free(&t);
    return bad;
}

/* Walks path[depth..] from v; the first bad distribution's error into why. */
static int dist_walk(const json_t *v, const char *const *path, int depth, const char *what, int maps_only,
                     char *why, size_t whylen, char *hint, size_t hintlen)
{
    if (!path[depth])
        return maps_only && !json_is_object(v) ? 0 : dist_error(v, what, why, whylen, hint, hintlen);
    if (strcmp(path[depth], "*") == 0) {
        size_t i;
        const json_t *x;
        int r = 0;
        json_array_foreach(v, i, x)
        {
            if (r == 0)
                r = dist_walk(x, path, depth + 1, what, maps_only, why, whylen, hint, hintlen);
        }
        return r;
    }
    const json_t *x = json_is_object(v) ? json_object_get(v, path[depth]) : NULL;
    return x ? dist_walk(x, path, depth + 1, what, maps_only, why, whylen, hint, hintlen) : 0;
}

/* Checks the item of an edit before it is applied: each field's {"$yaml": TEXT} must be YAML,
 * and each distribution in it (dist_places) must be one the scenario loader reads, checked by
 * the loader's own reader (cc_scenario_load_dist). CC_OK, or the reply made: 422 "bad-edit"
 * with the field it concerns (and the loader's hint), nothing saved. */
static cc_err check_item(const json_t *in, cc_editor_reply *out)
{
    const char *section = json_string_value(json_object_get(in, "section"));
    const json_t *item = json_object_get(in, "item");
    if (!section || !json_is_object(item))
        return CC_OK; /* apply() reports it */
    const char *id = json_string_value(json_object_get(in, "id"));
    if (!id)
        id = json_string_value(json_object_get(item, "id"));
    char why[600] = "", hint[300] = "";
    const char *field = NULL;
    const char *k;
    const json_t *v;
    json_t *r = json_object();
    if (!r)
        return CC_ERR_NOMEM;
    json_object_foreach((json_t *)item, k, v)
    {
        json_t *x = field ? NULL : cc_sedit_resolve(v, why, sizeof why);
        if (!field && !x && !*why) {
            json_decref(r);
            return CC_ERR_NOMEM;
        }
        if (!x && !field)
            field = k;
        else if (x && json_object_set_new(r, k, x)) {
            json_decref(r);
            return CC_ERR_NOMEM;
        }
    }
    for (size_t p = 0; !field && p < sizeof dist_places / sizeof dist_places[0]; p++) {
        if (dist_places[p].section && strcmp(dist_places[p].section, section) != 0)
            continue;
        int bad = dist_walk(r, dist_places[p].path, 0, dist_places[p].what, dist_places[p].maps_only, why,
                            sizeof why, hint, sizeof hint);
        if (bad < 0) {
            json_decref(r);
            return CC_ERR_NOMEM;
        }
        if (bad)
            field = dist_places[p].path[0];
    }
    json_decref(r);
    if (!field)
        return CC_OK;
    cc_err rc =
        id ? reply_err(out, 422, "bad-edit", "%s '%s', field '%s': %s; nothing was saved", section, id, field,
                       why)
           : reply_err(out, 422, "bad-edit", "%s, field '%s': %s; nothing was saved", section, field, why);
    if (rc == CC_OK && json_object_set_new(out->json, "field", json_string(field)))
        rc = CC_ERR_NOMEM;
    if (rc == CC_OK && *hint && json_object_set_new(out->json, "hint", json_string(hint)))
        rc = CC_ERR_NOMEM;
    return rc;
}

/* POST item (save) or check (dry run): in = {doc, base, section, id?, item, at?, note?}. */
static cc_err edit(cc_store *st, const cc_editor_req *rq, const json_t *in, int save, cc_editor_reply *out)
{
    int64_t doc = int_member(in, "doc"), base = int_member(in, "base");
    if (!doc || !base)
        return reply_err(out, 400, "bad-request",
                         "give \"doc\" and \"base\" (the version the edit starts from)");
    if (check_item(in, out) != CC_OK || out->json)
        return out->json ? CC_OK : CC_ERR_NOMEM;
    const char *note = json_string_value(json_object_get(in, "note"));
    cc_store_version vb, vl;
    memset(&vl, 0, sizeof vl);
    cc_sedit *eb = NULL, *el = NULL;
    json_t *reply = NULL;
    cc_buf t;
    cc_buf_init(&t);
    cc_err rc = CC_OK;
    for (int attempt = 0; attempt < 3; attempt++) {
        if (open_version(st, doc, base, &vb, &eb, out) != CC_OK)
            goto done;
        if (open_version(st, doc, 0, &vl, &el, out) != CC_OK)
            goto done;
        if (vl.version != vb.version) { /* someone saved since base: the same item must be untouched */
            json_t *mine = item_of(eb, in), *theirs = item_of(el, in);
            int same = (!mine && !theirs) || (mine && theirs && json_equal(mine, theirs));
            if (!same) {
                const char *what = json_string_value(json_object_get(in, "id"));
                if (!what)
                    what = json_string_value(json_object_get(json_object_get(in, "item"), "id"));
                reply = json_pack("{s:s,s:s,s:I,s:s?,s:s?,s:o}", "code", "conflict", "error", "", "version",
                                  (json_int_t)vl.version, "author", vl.author, "note", vl.note, "theirs",
                                  theirs ? theirs : json_null());
                char msg[400];
                snprintf(msg, sizeof msg,
                         "'%s' was changed in version %" PRId64 " by %s since your version %" PRId64
                         ": nothing was saved; their change is shown, edit from there",
                         what ? what : "the item", vl.version, vl.author ? vl.author : "someone", vb.version);
                json_object_set_new(reply, "error", json_string(msg));
                theirs = NULL;
                json_decref(mine);
                out->status = 409;
                out->json = reply;
                reply = NULL;
                goto done;
            }
            json_decref(mine);
            json_decref(theirs);
        }
        cc_buf_reset(&t);
        rc = apply(el, in, &t, out);
        if (rc != CC_OK)
            goto done;
        cc_buf_putc(&t, 0);
        t.len--;
        cc_diags d;
        cc_diags_init(&d);
        cc_sedit *en = NULL;
        if (cc_sedit_open(t.data, t.len, "scenario.yaml", &d, &en) !=
            CC_OK) { /* cannot happen: sedit writes YAML */
            reply_err(out, 422, "bad-edit", "the edit does not parse: %s", d.count ? d.items[0].message : "");
            cc_diags_free(&d);
            goto done;
        }
        cc_diags_free(&d);
        size_t errors = 0;
        json_t *diags = diagnostics(en, t.data, t.len, rq->tzdir, &errors);
        if (!save) {
            reply = json_pack("{s:o,s:I}", "diagnostics", diags, "errors", (json_int_t)errors);
            cc_sedit_free(en);
            break;
        }
        int64_t nv = 0;
        cc_store_error err;
        rc = cc_store_version_add(st, doc, vl.version, t.data, t.len, author_of(rq, in), note,
                                  rq->now_wall_ms, &nv, &err);
        if (rc == CC_ERR_CONFLICT && attempt < 2) { /* a save landed in between: check again against it */
            json_decref(diags);
            cc_sedit_free(en);
            cc_sedit_free(eb);
            cc_sedit_free(el);
            eb = el = NULL;
            cc_store_version_clear(&vb);
            cc_store_version_clear(&vl);
            continue;
        }
        if (rc != CC_OK) {
            json_decref(diags);
            cc_sedit_free(en);
            store_err(out, rc, &err);
            rc = CC_OK;
            goto done;
        }
        reply = json_pack("{s:I,s:I,s:o,s:o,s:I}", "doc", (json_int_t)doc, "version", (json_int_t)nv, "model",
                          cc_sedit_model(en), "diagnostics", diags, "errors", (json_int_t)errors);
        cc_sedit_free(en);
        break;
    }
    if (reply)
        rc = reply_json(out, reply);
    else if (!out->json)
        rc = reply_err(out, 409, "conflict",
                       "others kept saving; load the newest version and edit from there");
done:
    cc_buf_free(&t);
    cc_sedit_free(eb);
    cc_sedit_free(el);
    cc_store_version_clear(&vb);
    cc_store_version_clear(&vl);
    return out->json ? CC_OK : (rc == CC_OK ? CC_ERR_NOMEM : rc);
}

/* ---- catalogue ------------------------------------------------------------------------------- */

static cc_err catalogue_get(cc_store *st, cc_editor_reply *out)
{
    cc_store_template *v = NULL;
    size_t n = 0;
    cc_store_error err;
    cc_err rc = cc_store_template_list(st, &v, &n, &err);
    if (rc != CC_OK)
        return store_err(out, rc, &err);
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *item = json_loads(v[i].item, 0, NULL);
        json_array_append_new(a, json_pack("{s:I,s:s,s:o}", "id", (json_int_t)v[i].id, "name", v[i].name,
                                           "item", item ? item : json_object()));
        cc_store_template_clear(&v[i]);
    }
    free(v);
    return reply_json(out, json_pack("{s:o}", "templates", a));
}

static cc_err catalogue_post(cc_store *st, const cc_editor_req *rq, const json_t *in, cc_editor_reply *out)
{
    cc_store_error err;
    int64_t del = int_member(in, "delete");
    if (del) {
        cc_err rc = cc_store_template_delete(st, del, &err);
        return rc == CC_OK ? reply_json(out, json_pack("{s:I}", "deleted", (json_int_t)del))
                           : store_err(out, rc, &err);
    }
    const char *name = json_string_value(json_object_get(in, "name"));
    const json_t *item = json_object_get(in, "item");
    if (!name || !*name || strlen(name) > 200 || !json_is_object(item))
        return reply_err(out, 400, "bad-request",
                         "give a \"name\" and an \"item\" (the inject as an object)");
    char why[300];
    json_t *plain = cc_sedit_resolve(item, why, sizeof why); /* stored as values, {"$yaml": ...} read */
    if (!plain)
        return *why ? reply_err(out, 422, "bad-edit", "the item's YAML does not parse: %s", why)
                    : CC_ERR_NOMEM;
    char *js = json_dumps(plain, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(plain);
    if (!js)
        return CC_ERR_NOMEM;
    int64_t id = 0;
    cc_err rc = cc_store_template_add(st, name, js, rq->now_wall_ms, &id, &err);
    free(js);
    if (rc != CC_OK)
        return store_err(out, rc, &err);
    return reply_json(out, json_pack("{s:I}", "id", (json_int_t)id));
}

/* ---- a headless run ---------------------------------------------------------------------------- */

static int collect(void *ctx, const char *line, size_t len)
{
    cc_buf *b = ctx;
    if (b->len + len > RUN_LOG_MAX)
        return 1;
    return cc_buf_append(b, line, len) != CC_OK;
}

/* {doc, version?, seed?}: every seat played as the scenario says (agents where it has them),
 * the clock run to the end; the log is stored as an exercise that records the version it ran. */
static cc_err run(cc_store *st, const cc_editor_req *rq, const json_t *in, cc_editor_reply *out)
{
    int64_t doc = int_member(in, "doc"), ver = int_member(in, "version");
    const json_t *sj = json_object_get(in, "seed");
    uint64_t seed = json_is_integer(sj) && json_integer_value(sj) >= 0 ? (uint64_t)json_integer_value(sj) : 1;
    if (!doc)
        return reply_err(out, 400, "bad-request", "give \"doc\" (and \"version\", \"seed\")");
    cc_store_version v;
    cc_store_error err;
    cc_err rc = cc_store_version_get(st, doc, ver, &v, &err);
    if (rc != CC_OK)
        return store_err(out, rc, &err);
    cc_diags d;
    cc_diags_init(&d);
    cc_scenario *s = NULL;
    cc_load_opts lo = {.tzdir = rq->tzdir};
    if (cc_scenario_load(v.text, v.len, "scenario.yaml", &lo, &d, &s) != CC_OK) {
        rc = reply_err(out, 422, "bad-edit", "version %" PRId64 " has %zu error%s: fix them to run it",
                       v.version, d.errors, d.errors == 1 ? "" : "s");
        cc_diags_free(&d);
        cc_store_version_clear(&v);
        return rc;
    }
    cc_diags_free(&d);
    uint8_t *autos = calloc(s->nseats + 1, 1);
    for (size_t i = 0; autos && i < s->nseats; i++)
        autos[i] = s->seats[i].agent != NULL;
    char src[96];
    snprintf(src, sizeof src, "editor document %" PRId64 " version %" PRId64, doc, v.version);
    cc_engine_opts o = {.seed = seed, .variant = -1, .source = src, .auto_seats = autos};
    cc_buf log;
    cc_buf_init(&log);
    cc_engine *e = NULL;
    rc = autos ? cc_engine_new(s, &o, collect, &log, &e) : CC_ERR_NOMEM;
    if (rc == CC_OK)
        rc = cc_engine_start(e);
    if (rc == CC_OK)
        rc = cc_engine_run_until(e, s->duration_s * 1000);
    if (rc == CC_OK)
        rc = cc_engine_finish(e);
    cc_engine_stats es;
    memset(&es, 0, sizeof es);
    if (e)
        cc_engine_stats_get(e, &es);
    int64_t ex = 0;
    if (rc == CC_OK && !log.oom) {
        char name[160];
        snprintf(name, sizeof name, "Headless run of document %" PRId64 " version %" PRId64, doc, v.version);
        cc_store_exercise x = {.name = name,
                               .scenario = v.text,
                               .scenario_len = v.len,
                               .seed = seed,
                               .created_wall_ms = rq->now_wall_ms};
        rc = cc_store_exercise_create(st, &x, &ex, &err);
        if (rc == CC_OK)
            rc = cc_store_append(st, ex, log.data, log.len, &err);
        if (rc == CC_OK)
            rc = cc_store_exercise_set_state(st, ex, "ended", &err);
        if (rc == CC_OK)
            rc = cc_store_exercise_pin(st, ex, doc, v.version, &err);
        if (rc != CC_OK)
            store_err(out, rc, &err);
    } else if (!out->json) {
        reply_err(out, 500, "internal", "the run failed (%s)",
                  log.len >= RUN_LOG_MAX ? "its log grew past 16 MiB" : cc_err_str(rc));
    }
    if (rc == CC_OK)
        reply_json(out, json_pack("{s:I,s:I,s:I,s:I,s:{s:I,s:i,s:i,s:i,s:i,s:i,s:i,s:i,s:i,s:i,s:i,s:I}}",
                                  "exercise", (json_int_t)ex, "doc", (json_int_t)doc, "version",
                                  (json_int_t)v.version, "seed", (json_int_t)seed, "summary", "events",
                                  (json_int_t)es.events, "injects_released", (int)es.injects_released,
                                  "injects", (int)s->ninjects, "deliveries", (int)es.deliveries, "denials",
                                  (int)es.denials, "decisions_opened", (int)es.decisions_opened,
                                  "decisions_made", (int)es.decisions_made, "consultations_requested",
                                  (int)es.consultations_requested, "consultations_done",
                                  (int)es.consultations_done, "findings_met", (int)es.findings_met,
                                  "findings_missed", (int)es.findings_missed, "scenario_ms",
                                  (json_int_t)es.now_ms));
    cc_engine_free(e);
    free(autos);
    cc_buf_free(&log);
    cc_scenario_free(s);
    cc_store_version_clear(&v);
    return out->json ? CC_OK : CC_ERR_NOMEM;
}

/* ---- dispatch --------------------------------------------------------------------------------- */

cc_err cc_editor_handle(cc_store *st, const cc_editor_req *rq, cc_editor_reply *out)
{
    memset(out, 0, sizeof *out);
    int post = strcmp(rq->method, "POST") == 0;
    const char *p = rq->path;
    if (!post) {
        if (strcmp(p, "docs") == 0)
            return docs_list(st, out);
        if (strcmp(p, "doc") == 0)
            return doc_get(st, rq, out);
        if (strcmp(p, "versions") == 0)
            return versions(st, rq, out);
        if (strcmp(p, "diff") == 0)
            return diff(st, rq, out);
        if (strcmp(p, "export") == 0)
            return export(st, rq, out);
        if (strcmp(p, "catalogue") == 0)
            return catalogue_get(st, out);
        if (strcmp(p, "item") == 0 || strcmp(p, "check") == 0 || strcmp(p, "run") == 0)
            return reply_err(out, 405, "method-not-allowed", "POST only");
        return reply_err(out, 404, "not-found", "no such endpoint");
    }
    if (strcmp(p, "doc") == 0 || strcmp(p, "versions") == 0 || strcmp(p, "diff") == 0 ||
        strcmp(p, "export") == 0)
        return reply_err(out, 405, "method-not-allowed", "GET only");
    json_error_t je;
    json_t *in = json_loadb(rq->body ? rq->body : "", rq->len, JSON_REJECT_DUPLICATES, &je);
    if (!json_is_object(in)) {
        json_decref(in);
        return reply_err(out, 400, "bad-request", "the body is not a JSON object: %s", je.text);
    }
    cc_err rc;
    if (strcmp(p, "docs") == 0)
        rc = docs_create(st, rq, in, out);
    else if (strcmp(p, "item") == 0)
        rc = edit(st, rq, in, 1, out);
    else if (strcmp(p, "check") == 0)
        rc = edit(st, rq, in, 0, out);
    else if (strcmp(p, "catalogue") == 0)
        rc = catalogue_post(st, rq, in, out);
    else if (strcmp(p, "run") == 0)
        rc = run(st, rq, in, out);
    else
        rc = reply_err(out, 404, "not-found", "no such endpoint");
    json_decref(in);
    return rc;
}
